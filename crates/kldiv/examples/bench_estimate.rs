//! Timing of the k-NN KL estimator on raw little-endian f64 files (used by `bench/estimate.sh`),
//! and the kd-tree / brute-force crossover measurement.
//!
//! ```text
//! cargo run --release --example bench_estimate -- run X.f64 Y.f64 N M D K [REPEATS]
//! cargo run --release --example bench_estimate -- crossover [N]
//! ```
//! `run` prints `estimate=<17 digits> seconds=<median wall time of REPEATS (default 3)>
//! cpu=<mean CPU seconds per repeat, all threads>` (CPU time from `/proc/self/stat`, 10 ms
//! ticks, so use several repeats for short runs).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use kldiv::estimate::neighbors::{Exclude, k_nearest, no_progress};
use kldiv::estimate::{Backend, KnnOptions, Metric, Points, kl_knn};
use rand::{Rng, SeedableRng};
use std::time::Instant;

fn read_f64(path: &str, len: usize) -> Vec<f64> {
    let bytes = std::fs::read(path).expect("read input");
    assert_eq!(bytes.len(), len * 8, "{path}: expected {len} f64 values");
    bytes
        .chunks_exact(8)
        .map(|c| f64::from_le_bytes(c.try_into().unwrap()))
        .collect()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// CPU seconds (user + system, all threads) of this process so far; 0 where `/proc` is missing.
fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    let rest = &stat[stat.rfind(')').unwrap() + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = f[11].parse::<f64>().unwrap() + f[12].parse::<f64>().unwrap();
    ticks / 100.0
}

fn time(x: &[f64], y: &[f64], d: usize, opts: &KnnOptions, repeats: usize) -> (f64, f64) {
    let mut times = Vec::new();
    let mut value = f64::NAN;
    for _ in 0..repeats {
        let t = Instant::now();
        value = kl_knn(Points::new(x, d), Points::new(y, d), opts)
            .unwrap()
            .value;
        times.push(t.elapsed().as_secs_f64());
    }
    (value, median(times))
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("run") => {
            let p = |i: usize| args[i].parse::<usize>().unwrap();
            let (n, m, d, k) = (p(3), p(4), p(5), p(6));
            let repeats = args.get(7).map_or(3, |s| s.parse().unwrap());
            let x = read_f64(&args[1], n * d);
            let y = read_f64(&args[2], m * d);
            let opts = KnnOptions::default().k(k);
            let c0 = cpu_seconds();
            let (v, s) = time(&x, &y, d, &opts, repeats);
            let cpu = (cpu_seconds() - c0) / repeats as f64;
            println!("estimate={v:.17e} seconds={s:.4} cpu={cpu:.4}");
        }
        Some("profile") => {
            // Phases of one estimate: duplicate scan (via Duplicates::Error), x→x and x→y searches.
            let p = |i: usize| args[i].parse::<usize>().unwrap();
            let (n, m, d, k) = (p(3), p(4), p(5), p(6));
            let x = read_f64(&args[1], n * d);
            let y = read_f64(&args[2], m * d);
            let (xp, yp) = (Points::new(&x, d), Points::new(&y, d));
            let own: Vec<usize> = (0..n).collect();
            for _ in 0..3 {
                let t = Instant::now();
                let a = k_nearest(
                    xp,
                    xp,
                    k,
                    Exclude::Index(&own),
                    Metric::Euclidean,
                    Backend::Auto,
                    &no_progress,
                )
                .unwrap();
                let t1 = t.elapsed().as_secs_f64();
                let t = Instant::now();
                let b = k_nearest(
                    yp,
                    xp,
                    k,
                    Exclude::None,
                    Metric::Euclidean,
                    Backend::Auto,
                    &no_progress,
                )
                .unwrap();
                let t2 = t.elapsed().as_secs_f64();
                let t = Instant::now();
                let e = kl_knn(xp, yp, &KnnOptions::default().k(k)).unwrap();
                let t3 = t.elapsed().as_secs_f64();
                println!(
                    "x->x {t1:.4}s  x->y {t2:.4}s  total {t3:.4}s  ({} {} {})",
                    a.len(),
                    b.len(),
                    e.value
                );
            }
        }
        Some("crossover") => {
            let n: usize = args.get(1).map_or(20_000, |s| s.parse().unwrap());
            let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
            println!("n = m = {n}, k = 5, seconds (median of 3)");
            println!("{:>3} {:>10} {:>10}", "d", "kd-tree", "brute");
            for d in [2usize, 4, 6, 8, 10, 12, 14, 16] {
                let x: Vec<f64> = (0..n * d).map(|_| rng.random::<f64>()).collect();
                let y: Vec<f64> = (0..n * d).map(|_| rng.random::<f64>() + 0.1).collect();
                let (a, ta) = time(
                    &x,
                    &y,
                    d,
                    &KnnOptions::default().backend(Backend::KdTree),
                    3,
                );
                let (b, tb) = time(
                    &x,
                    &y,
                    d,
                    &KnnOptions::default().backend(Backend::BruteForce),
                    3,
                );
                assert!((a - b).abs() < 1e-9, "{a} {b}");
                println!("{d:>3} {ta:>10.3} {tb:>10.3}");
            }
        }
        _ => eprintln!("usage: bench_estimate run X.f64 Y.f64 N M D K [REPEATS] | crossover [N]"),
    }
}
