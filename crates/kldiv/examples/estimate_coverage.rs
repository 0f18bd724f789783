//! Coverage of the bootstrap intervals: 100 seeded repetitions at `n = m = 2000`, `d = 2`,
//! `P = N(0, I)`, `Q = N(1.03·1, I)` (`D = 1.0609`), `k = 5`, `B = 300` replicates, 95 %.
//! Counts how often the interval covers (a) the mean of the estimator over the repetitions
//! (what a bootstrap interval is about: sampling variability) and (b) the true KL.
//!
//! ```text
//! cargo run --release --example estimate_coverage [REPS] [N]
//! ```
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use kldiv::estimate::{Bootstrap, CiMethod, KnnOptions, Points, Variant, kl_knn};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Normal};

fn main() {
    let reps: u64 = std::env::args().nth(1).map_or(100, |s| s.parse().unwrap());
    let n: usize = std::env::args().nth(2).map_or(2000, |s| s.parse().unwrap());
    let d = 2;
    let mu = 1.03;
    let truth = 0.5 * d as f64 * mu * mu;
    for (vname, variant) in [("plain", Variant::Plain), ("adaptive", Variant::Adaptive)] {
        for method in [CiMethod::Percentile, CiMethod::Bca] {
            if variant == Variant::Adaptive && method == CiMethod::Bca {
                continue;
            }
            let mut values = Vec::new();
            let mut cis = Vec::new();
            let mut ses = Vec::new();
            for r in 0..reps {
                let mut rng = ChaCha8Rng::seed_from_u64(77_000 + r);
                let x: Vec<f64> = (0..n * d)
                    .map(|_| Normal::new(0.0, 1.0).unwrap().sample(&mut rng))
                    .collect();
                let y: Vec<f64> = (0..n * d)
                    .map(|_| Normal::new(mu, 1.0).unwrap().sample(&mut rng))
                    .collect();
                let opts = KnnOptions::default().variant(variant).bootstrap(Bootstrap {
                    replicates: 300,
                    level: 0.95,
                    method,
                    seed: r,
                });
                let e = kl_knn(Points::new(&x, d), Points::new(&y, d), &opts).unwrap();
                values.push(e.value);
                cis.push(e.interval.unwrap());
                ses.push(e.std_error.unwrap());
            }
            let k = reps as f64;
            let mean = values.iter().sum::<f64>() / k;
            let sd =
                (values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (k - 1.0)).sqrt();
            let cover_mean = cis.iter().filter(|c| c.contains(mean)).count();
            let cover_true = cis.iter().filter(|c| c.contains(truth)).count();
            println!(
                "{vname:>8} {:>10}: mean estimate {mean:.4} (true {truth:.4}, bias {:+.4}); sd over reps {sd:.4}, \
                 mean bootstrap se {:.4}; covers estimator mean {cover_mean}/{reps}, covers true KL {cover_true}/{reps}",
                method.name(),
                mean - truth,
                ses.iter().sum::<f64>() / k
            );
        }
    }
}
