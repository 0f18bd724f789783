//! Timing harness for `bench/dist.sh`: MvNormal KL at several dimensions and the quadrature
//! fallback, on the same inputs the Python peers build (formulas below). Prints one JSON object
//! per line: `{"case": ..., "seconds_per_call": ..., "value": ...}`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use kldiv::dist::{Continuous, MvNormal};
use kldiv::kl::{parse_spec, quadrature};
use kldiv::quad::QuadOptions;
use std::time::Instant;

/// AR(1)-type covariance `Σᵢⱼ = sᵢ sⱼ ρ^{|i−j|}`, `sᵢ = 1 + ½ sin(i·c)`, mean `mᵢ = ½ sin(i + c)`.
fn mvn(d: usize, rho: f64, c: f64) -> MvNormal {
    let s: Vec<f64> = (0..d).map(|i| 1.0 + 0.5 * (i as f64 * c).sin()).collect();
    let cov: Vec<Vec<f64>> = (0..d)
        .map(|i| {
            (0..d)
                .map(|j| s[i] * s[j] * rho.powi((i as i32 - j as i32).abs()))
                .collect()
        })
        .collect();
    let mean: Vec<f64> = (0..d).map(|i| 0.5 * (i as f64 + c).sin()).collect();
    MvNormal::new(mean, &cov).unwrap()
}

fn time<F: FnMut() -> f64>(mut f: F, min_seconds: f64) -> (f64, f64) {
    let mut v = f();
    let mut n = 1usize;
    loop {
        let t = Instant::now();
        for _ in 0..n {
            v = std::hint::black_box(f());
        }
        let e = t.elapsed().as_secs_f64();
        if e >= min_seconds {
            return (e / n as f64, v);
        }
        n *= 2;
    }
}

fn main() {
    let dims: Vec<usize> = std::env::args()
        .nth(1)
        .map(|s| s.split(',').map(|x| x.parse().unwrap()).collect())
        .unwrap_or_else(|| vec![16, 256, 1024]);
    for d in dims {
        let p = mvn(d, 0.5, 0.3);
        let q = mvn(d, 0.3, 0.7);
        let (t, v) = time(|| p.kl_mvnormal(&q).unwrap(), 0.5);
        println!(
            "{{\"case\": \"mvnormal_d{d}\", \"seconds_per_call\": {t:e}, \"value\": {v:.17e}}}"
        );
    }
    let opts = QuadOptions {
        abs_tol: 1e-13,
        rel_tol: 1e-12,
        max_intervals: 2000,
    };
    for (name, ps, qs) in [
        (
            "quad_logistic_studentt",
            "logistic(0, 1)",
            "studentt(3, 0.5, 1.5)",
        ),
        (
            "quad_gmm_normal",
            "mixture(0.5*normal(-2, 0.6), 0.5*normal(2, 0.6))",
            "normal(0, 2)",
        ),
        ("quad_gumbel_laplace", "gumbel(0.3, 1.1)", "laplace(0, 1)"),
    ] {
        let p = parse_spec(ps).unwrap();
        let q = parse_spec(qs).unwrap();
        let (pc, qc): (&dyn Continuous, &dyn Continuous) =
            (p.as_continuous().unwrap(), q.as_continuous().unwrap());
        let r = quadrature(pc, qc, &opts).unwrap();
        let (t, v) = time(|| quadrature(pc, qc, &opts).unwrap().value, 0.5);
        println!(
            "{{\"case\": \"{name}\", \"seconds_per_call\": {t:e}, \"value\": {v:.17e}, \"error_estimate\": {:e}}}",
            r.error.unwrap()
        );
    }
}
