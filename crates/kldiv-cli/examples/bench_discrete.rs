//! Times kldiv's discrete measures on vectors stored as `.npy` files, for `bench/discrete.sh`,
//! which times the Python peers on the same files in the same run.
//!
//! Usage: `bench_discrete P.npy Q.npy REPEATS` — prints one JSON object with the best wall time
//! (seconds) of each measure and its value. Inputs are read once; only the computation is timed.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use kldiv::discrete::{Normalize, Options, cross_entropy, entropy, kl};
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
    let p = read_table(&args[1]).expect("P").values;
    let q = read_table(&args[2]).expect("Q").values;
    let repeats: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(5);
    let p32: Vec<f32> = p.iter().map(|&x| x as f32).collect();
    let q32: Vec<f32> = q.iter().map(|&x| x as f32).collect();
    // The peers do not check normalisation; neither does this timing (Assume), but the
    // checked default is timed too to show its cost.
    let assume = Options::default().normalize(Normalize::Assume);
    let checked = Options::default();
    let mut out = serde_json::Map::new();
    let mut put = |name: &str, (t, v): (f64, f64)| {
        out.insert(name.into(), serde_json::json!({"seconds": t, "value": v}));
    };
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
        "cross_entropy_f64",
        best(repeats, || cross_entropy(&p, &q, &assume).unwrap().value),
    );
    println!("{}", serde_json::Value::Object(out));
}
