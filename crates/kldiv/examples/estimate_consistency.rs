//! Consistency and bias of the k-NN KL estimators on Gaussian pairs with known KL.
//!
//! `P = N(0, I_d)`, `Q = N(μ·1, σ² I_d)`, `D(P‖Q) = ½[d/σ² + dμ²/σ² − d + 2d ln σ]`, `n = m`,
//! `k = 5`; mean estimate and mean absolute error over seeded repetitions, for the plain
//! estimator, the bias-corrected one with `l = 2k` and the adaptive one.
//!
//! ```text
//! cargo run --release --example estimate_consistency [MAX_N]
//! ```
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use kldiv::estimate::{KnnOptions, Points, Variant, kl_knn};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Normal};
use std::time::Instant;

fn main() {
    let max_n: usize = std::env::args()
        .nth(1)
        .map_or(100_000, |s| s.parse().unwrap());
    let cases = [(1usize, 1.0, 1.0), (2, 1.03, 1.0), (10, 0.3, 1.2)];
    let variants = [
        ("plain", Variant::Plain),
        ("bias-corrected l=10", Variant::BiasCorrected { l: 10 }),
        ("adaptive", Variant::Adaptive),
    ];
    println!(
        "| d | true KL | n | reps | variant | mean estimate | bias | mean abs error | s/estimate |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    for (d, mu, sd) in cases {
        let truth = 0.5
            * (d as f64 / (sd * sd) + d as f64 * mu * mu / (sd * sd) - d as f64
                + 2.0 * d as f64 * f64::ln(sd));
        let mut n = 1000;
        while n <= max_n {
            let reps = if n >= 100_000 {
                2
            } else if n >= 10_000 {
                5
            } else {
                20
            };
            for (name, variant) in variants {
                let (mut sum, mut abs, mut secs) = (0.0, 0.0, 0.0);
                for r in 0..reps {
                    let mut rng = ChaCha8Rng::seed_from_u64(10_000 + r as u64);
                    let p = Normal::new(0.0, 1.0).unwrap();
                    let q = Normal::new(mu, sd).unwrap();
                    let x: Vec<f64> = (0..n * d).map(|_| p.sample(&mut rng)).collect();
                    let y: Vec<f64> = (0..n * d).map(|_| q.sample(&mut rng)).collect();
                    let t = Instant::now();
                    let e = kl_knn(
                        Points::new(&x, d),
                        Points::new(&y, d),
                        &KnnOptions::default().variant(variant),
                    )
                    .unwrap();
                    secs += t.elapsed().as_secs_f64();
                    sum += e.value;
                    abs += (e.value - truth).abs();
                }
                let r = reps as f64;
                println!(
                    "| {d} | {truth:.4} | {n} | {reps} | {name} | {:.4} | {:+.4} | {:.4} | {:.2} |",
                    sum / r,
                    sum / r - truth,
                    abs / r,
                    secs / r
                );
            }
            n *= 10;
        }
    }
}
