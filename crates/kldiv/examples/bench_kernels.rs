//! Repeats one discrete measure on random strictly positive inputs, for profiling the kernels
//! (`perf stat`, `perf record`) without the CLI or Python around them.
//!
//! Usage: `bench_kernels MEASURE DTYPE N REPEATS` with MEASURE one of `kl`, `entropy`,
//! `cross_entropy`, `js`, `gkl`, `kl_checked`, `sum` (the validation pass over both inputs) and DTYPE `f64` or `f32`. The inputs are drawn
//! like `bench/discrete.py` draws them (uniform + 1e-3, normalised). Prints the best wall time
//! per call and the value. The cost of one call is the difference of two runs with different
//! REPEATS, which removes the set-up.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use kldiv::discrete::{Normalize, Options, cross_entropy, entropy, generalized_kl, js, kl};
use kldiv::real::Element;
use rand::{Rng, SeedableRng};
use std::time::Instant;

fn run<T: Element>(measure: &str, p: &[T], q: &[T], opts: &Options) -> f64 {
    match measure {
        "kl" | "kl_checked" => kl(p, q, opts).unwrap().value,
        "entropy" => entropy(p, opts).unwrap().value,
        "cross_entropy" => cross_entropy(p, q, opts).unwrap().value,
        "js" => js(p, q, opts).unwrap().value,
        "gkl" => generalized_kl(p, q, opts).unwrap().value,
        "sum" => kldiv::kernels::checked_sum(p).unwrap() + kldiv::kernels::checked_sum(q).unwrap(),
        other => panic!("unknown measure {other}"),
    }
}

fn time<T: Element>(measure: &str, p: &[T], q: &[T], repeats: usize) {
    let opts = if measure == "kl_checked" {
        Options::default()
    } else {
        Options::default().normalize(Normalize::Assume)
    };
    let mut best = f64::INFINITY;
    let mut v = 0.0;
    for _ in 0..repeats {
        let t = Instant::now();
        v = std::hint::black_box(run(measure, p, q, &opts));
        best = best.min(t.elapsed().as_secs_f64());
    }
    println!("{measure}: best {:.3} ms, value {v:.17e}", best * 1e3);
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let measure = args[1].as_str();
    let dtype = args[2].as_str();
    let n: usize = args[3].parse().unwrap();
    let repeats: usize = args[4].parse().unwrap();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    let mut draw = || {
        let mut x: Vec<f64> = (0..n).map(|_| rng.random::<f64>() + 1e-3).collect();
        let s: f64 = x.iter().sum();
        x.iter_mut().for_each(|v| *v /= s);
        x
    };
    let (p, q) = (draw(), draw());
    match dtype {
        "f64" => time(measure, &p, &q, repeats),
        "f32" => {
            let p32: Vec<f32> = p.iter().map(|&x| x as f32).collect();
            let q32: Vec<f32> = q.iter().map(|&x| x as f32).collect();
            time(measure, &p32, &q32, repeats)
        }
        other => panic!("unknown dtype {other}"),
    }
}
