//! Times kldiv's discrete measures on inputs stored as `.npy` files, for `bench/discrete.sh`,
//! which times the Python peers on the same files in the same run.
//!
//! Usage:
//! * `bench_discrete vec P.npy Q.npy REPEATS` — KL, entropy, cross-entropy, JS on vectors (f64
//!   and f32);
//! * `bench_discrete rows P.npy Q.npy REPEATS` — row-wise, broadcast and pairwise KL on
//!   matrices (f32; pairwise on the first 64 rows).
//!
//! Prints one JSON object: the best wall time (seconds) of each case and its value. Inputs are
//! read once; only the computation is timed.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use kldiv::discrete::{
    Measure, Normalize, Options, Rows, broadcast, cross_entropy, entropy, js, kl, pairwise, rowwise,
};
use kldiv::error::Arg;
use kldiv_cli::input::read_table;
use std::time::Instant;

fn best<F: FnMut() -> f64>(repeats: usize, mut f: F) -> (f64, f64) {
    let mut t_best = f64::INFINITY;
    let mut v = 0.0;
    for _ in 0..repeats {
        let t = Instant::now();
        v = std::hint::black_box(f());
        t_best = t_best.min(t.elapsed().as_secs_f64());
    }
    (t_best, v)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let mode = args[1].as_str();
    let pt = read_table(&args[2]).expect("P");
    let qt = read_table(&args[3]).expect("Q");
    let repeats: usize = args.get(4).and_then(|s| s.parse().ok()).unwrap_or(5);
    let (p, q) = (pt.values, qt.values);
    let p32: Vec<f32> = p.iter().map(|&x| x as f32).collect();
    let q32: Vec<f32> = q.iter().map(|&x| x as f32).collect();
    // The peers do not check normalisation; neither do these timings (Assume), except the
    // `checked` case, which shows the cost of the default check.
    let assume = Options::default().normalize(Normalize::Assume);
    let checked = Options::default();
    let mut out = serde_json::Map::new();
    let mut put = |name: &str, (t, v): (f64, f64)| {
        out.insert(name.into(), serde_json::json!({"seconds": t, "value": v}));
    };
    match mode {
        "vec" => {
            put(
                "kl_f64",
                best(repeats, || kl(&p, &q, &assume).unwrap().value),
            );
            put(
                "kl_f64_checked",
                best(repeats, || kl(&p, &q, &checked).unwrap().value),
            );
            put(
                "kl_f32",
                best(repeats, || kl(&p32, &q32, &assume).unwrap().value),
            );
            put(
                "entropy_f64",
                best(repeats, || entropy(&p, &assume).unwrap().value),
            );
            put(
                "entropy_f32",
                best(repeats, || entropy(&p32, &assume).unwrap().value),
            );
            put(
                "cross_entropy_f64",
                best(repeats, || cross_entropy(&p, &q, &assume).unwrap().value),
            );
            put(
                "cross_entropy_f32",
                best(repeats, || {
                    cross_entropy(&p32, &q32, &assume).unwrap().value
                }),
            );
            put(
                "js_f64",
                best(repeats, || js(&p, &q, &assume).unwrap().value),
            );
        }
        "rows" => {
            let cols = pt.cols;
            let pr = Rows::new(&p32, cols, Arg::P).unwrap();
            let qr = Rows::new(&q32, cols, Arg::Q).unwrap();
            put(
                "rowwise_kl_f32",
                best(repeats, || {
                    rowwise(Measure::Kl, &pr, &qr, &assume)
                        .unwrap()
                        .iter()
                        .sum()
                }),
            );
            put(
                "rowwise_kl_f32_checked",
                best(repeats, || {
                    rowwise(Measure::Kl, &pr, &qr, &checked)
                        .unwrap()
                        .iter()
                        .sum()
                }),
            );
            put(
                "broadcast_kl_f32",
                best(repeats, || {
                    broadcast(Measure::Kl, &pr, qr.row(0), &assume)
                        .unwrap()
                        .iter()
                        .sum()
                }),
            );
            let k = 64.min(pr.n_rows());
            let p64 = Rows::new(&p32[..k * cols], cols, Arg::P).unwrap();
            let q64 = Rows::new(&q32[..k * cols], cols, Arg::Q).unwrap();
            put(
                "pairwise64_kl_f32",
                best(repeats, || {
                    pairwise(Measure::Kl, &p64, &q64, &assume)
                        .unwrap()
                        .iter()
                        .sum()
                }),
            );
        }
        other => panic!("unknown mode {other}"),
    }
    println!("{}", serde_json::Value::Object(out));
}
