//! Tests of `kldiv::estimate`: reference values (mpmath, scipy cKDTree, numpy), consistency on
//! Gaussian pairs with known KL, errors, duplicates, bootstrap and progress.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use kldiv::discrete::Options;
use kldiv::error::Arg;
use kldiv::estimate::{
    Backend, Binning, Bootstrap, CiMethod, Correction, Duplicates, KnnOptions, Method, Metric,
    Points, Progress, Variant, digamma, entropy_counts, entropy_knn, histogram_counts,
    histogram_edges, kl_counts, kl_histogram, kl_knn, kl_knn_with_progress,
};
use kldiv::{Base, Error};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Normal};
use serde_json::Value;
use std::ops::ControlFlow;
use std::sync::atomic::{AtomicUsize, Ordering};

fn reference() -> Value {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../testdata/estimate_reference.json"
    ))
    .expect("testdata/estimate_reference.json (tools/gen_estimate_reference.sh)");
    serde_json::from_str(&text).unwrap()
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_f64().unwrap())
        .collect()
}

/// `n` points of `N(mean·1, sd²·I_d)`.
fn gaussian(rng: &mut ChaCha8Rng, n: usize, d: usize, mean: f64, sd: f64) -> Vec<f64> {
    let g = Normal::new(mean, sd).unwrap();
    (0..n * d).map(|_| g.sample(rng)).collect()
}

/// `D(N(0, I) ‖ N(μ·1, σ² I))` in `d` dimensions.
fn gaussian_kl(d: usize, mu: f64, sd: f64) -> f64 {
    let d = d as f64;
    let s2 = sd * sd;
    0.5 * (d / s2 + d * mu * mu / s2 - d + d * s2.ln())
}

#[test]
fn digamma_matches_mpmath() {
    let r = reference();
    for case in r["digamma"].as_array().unwrap() {
        let x = case["x"].as_f64().unwrap();
        let want = case["value"].as_f64().unwrap();
        let got = digamma(x);
        let tol = 4.0 * f64::EPSILON * want.abs().max(1.0);
        assert!((got - want).abs() <= tol, "psi({x}) = {got}, mpmath {want}");
    }
}

#[test]
fn knn_matches_scipy_ckdtree_on_the_committed_sample() {
    let r = reference();
    let d = r["sample"]["dim"].as_u64().unwrap() as usize;
    let x = floats(&r["sample"]["x"]);
    let y = floats(&r["sample"]["y"]);
    for case in r["knn_kl"].as_array().unwrap() {
        let metric = Metric::parse(case["metric"].as_str().unwrap()).unwrap();
        let k = case["k"].as_u64().unwrap() as usize;
        let l = case["l"].as_u64().unwrap() as usize;
        let want = case["kl"].as_f64().unwrap();
        let variant = if k == l {
            Variant::Plain
        } else {
            Variant::BiasCorrected { l }
        };
        for backend in [Backend::KdTree, Backend::BruteForce] {
            let opts = KnnOptions::default()
                .k(k)
                .metric(metric)
                .variant(variant)
                .backend(backend);
            let got = kl_knn(Points::new(&x, d), Points::new(&y, d), &opts).unwrap();
            assert!(
                (got.value - want).abs() < 1e-12,
                "{metric} k={k} l={l} {backend:?}: {} vs {want}",
                got.value
            );
            assert_eq!(got.l, l);
        }
    }
    for case in r["kl_entropy"].as_array().unwrap() {
        let metric = Metric::parse(case["metric"].as_str().unwrap()).unwrap();
        let k = case["k"].as_u64().unwrap() as usize;
        let want = case["value"].as_f64().unwrap();
        let got = entropy_knn(
            Points::new(&x, d),
            &KnnOptions::default().k(k).metric(metric),
        )
        .unwrap();
        assert!(
            (got.value - want).abs() < 1e-12,
            "{metric} k={k}: {} vs {want}",
            got.value
        );
        assert_eq!(got.method, Method::KozachenkoLeonenko);
    }
}

#[test]
fn histogram_binning_matches_numpy() {
    let r = reference();
    let x = floats(&r["histogram"]["x"]);
    let y = floats(&r["histogram"]["y"]);
    for case in r["histogram"]["rules"].as_array().unwrap() {
        let rule = match case["rule"].as_str().unwrap() {
            "fd" => Binning::FreedmanDiaconis,
            "scott" => Binning::Scott,
            "sturges" => Binning::Sturges,
            "sqrt" => Binning::Sqrt,
            other => panic!("{other}"),
        };
        let want = floats(&case["edges"]);
        let edges = histogram_edges(&x, &y, &rule).unwrap();
        assert_eq!(edges.len(), want.len(), "{rule}");
        for (a, b) in edges.iter().zip(&want) {
            assert!((a - b).abs() < 1e-12, "{rule}");
        }
        let pc: Vec<u64> = case["p_counts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap())
            .collect();
        let qc: Vec<u64> = case["q_counts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap())
            .collect();
        assert_eq!(histogram_counts(&x, &edges, Arg::P).unwrap(), pc, "{rule}");
        assert_eq!(histogram_counts(&y, &edges, Arg::Q).unwrap(), qc, "{rule}");
        let opts =
            Options::default().smoothing(kldiv::discrete::Smoothing::Additive { alpha: 0.5 });
        let e = kl_histogram(&x, &y, &rule, &opts, Correction::None).unwrap();
        let via_counts = kl_counts(&pc, &qc, &opts, Correction::None).unwrap();
        assert_eq!(e.value, via_counts.value);
        assert_eq!(e.bins, pc.len());
    }
}

/// Mean absolute error over seeds of the plain k-NN estimator.
fn mean_abs_error(d: usize, n: usize, mu: f64, sd: f64, seeds: u64, variant: Variant) -> f64 {
    let truth = gaussian_kl(d, mu, sd);
    let mut err = 0.0;
    for s in 0..seeds {
        let mut rng = ChaCha8Rng::seed_from_u64(1000 + s);
        let x = gaussian(&mut rng, n, d, 0.0, 1.0);
        let y = gaussian(&mut rng, n, d, mu, sd);
        let e = kl_knn(
            Points::new(&x, d),
            Points::new(&y, d),
            &KnnOptions::default().variant(variant),
        )
        .unwrap();
        err += (e.value - truth).abs();
    }
    err / seeds as f64
}

#[test]
fn error_shrinks_with_n_on_gaussian_pairs() {
    for (d, mu, sd) in [(1usize, 1.0, 1.0), (2, 1.0, 1.5), (10, 0.3, 1.2)] {
        let small = mean_abs_error(d, 200, mu, sd, 4, Variant::Plain);
        let large = mean_abs_error(d, 3200, mu, sd, 4, Variant::Plain);
        assert!(
            large < small,
            "d = {d}: |err| {small} at n = 200, {large} at n = 3200"
        );
        if d <= 2 {
            assert!(large < 0.06, "d = {d}: {large}");
        }
    }
}

/// The table of `bench/estimate.md` (`examples/estimate_consistency.rs`) at fixed seeds, up to
/// `n = 10⁴`: plain `k = 5` on the same Gaussian pairs, 3 seeds per size.
#[test]
fn error_shrinks_from_1e3_to_1e4_at_fixed_seeds() {
    for (d, mu, sd, bound) in [
        (1usize, 1.0, 1.0, 0.02),
        (2, 1.03, 1.0, 0.06),
        (10, 0.3, 1.2, 0.3),
    ] {
        let small = mean_abs_error(d, 1000, mu, sd, 3, Variant::Plain);
        let large = mean_abs_error(d, 10_000, mu, sd, 3, Variant::Plain);
        eprintln!("d = {d}: mean |error| {small:.4} at n = 1e3, {large:.4} at n = 1e4");
        assert!(
            large < small,
            "d = {d}: |err| {small} at n = 1e3, {large} at n = 1e4"
        );
        assert!(large < bound, "d = {d}: {large} at n = 1e4");
    }
}

#[test]
fn adaptive_variant_matches_a_naive_implementation() {
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    let (n, m, d, k) = (120, 90, 2, 3);
    let x = gaussian(&mut rng, n, d, 0.0, 1.0);
    let y = gaussian(&mut rng, m, d, 1.5, 0.7);
    let dist = |a: &[f64], b: &[f64]| {
        a.iter()
            .zip(b)
            .map(|(u, v)| (u - v) * (u - v))
            .sum::<f64>()
            .sqrt()
    };
    let mut sum = 0.0;
    for i in 0..n {
        let xi = &x[i * d..(i + 1) * d];
        let mut dx: Vec<f64> = (0..n)
            .filter(|&j| j != i)
            .map(|j| dist(xi, &x[j * d..(j + 1) * d]))
            .collect();
        let mut dy: Vec<f64> = (0..m).map(|j| dist(xi, &y[j * d..(j + 1) * d])).collect();
        dx.sort_by(f64::total_cmp);
        dy.sort_by(f64::total_cmp);
        let eps = dx[k - 1].max(dy[k - 1]);
        let ki = dx.iter().filter(|&&v| v <= eps).count();
        let li = dy.iter().filter(|&&v| v <= eps).count();
        sum += d as f64 * (dy[li - 1] / dx[ki - 1]).ln() + digamma(ki as f64) - digamma(li as f64);
    }
    let want = sum / n as f64 + (m as f64 / (n as f64 - 1.0)).ln();
    for backend in [Backend::KdTree, Backend::BruteForce] {
        let opts = KnnOptions::default()
            .k(k)
            .variant(Variant::Adaptive)
            .backend(backend);
        let got = kl_knn(Points::new(&x, d), Points::new(&y, d), &opts).unwrap();
        assert!((got.value - want).abs() < 1e-12, "{} vs {want}", got.value);
        assert_eq!(got.method, Method::KnnAdaptive);
    }
}

#[test]
fn bad_inputs_are_clear_errors() {
    let x = [0.0, 0.0, 1.0, 0.5, 2.0, 1.0, 0.0, 0.0, 3.0, 3.0];
    let y = [0.1, 0.2, 1.1, 0.7, 2.5, 1.5, 4.0, 4.0];
    let opts = KnnOptions::default().k(1);
    // Row 3 repeats row 0.
    let e = kl_knn(Points::new(&x, 2), Points::new(&y, 2), &opts).unwrap_err();
    assert_eq!(
        e,
        Error::DuplicatePoints {
            arg: Arg::P,
            count: 1,
            index: 3,
            other: Arg::P,
            equal_to: 0
        }
    );
    let msg = e.to_string();
    assert!(
        msg.contains("row 3") && msg.contains("1 duplicate"),
        "{msg}"
    );
    // n ≤ k.
    let e = kl_knn(
        Points::new(&y[..4], 2),
        Points::new(&y, 2),
        &KnnOptions::default().k(2),
    )
    .unwrap_err();
    assert_eq!(
        e,
        Error::TooFewPoints {
            arg: Arg::P,
            n: 2,
            k: 2,
            needed: 3
        }
    );
    let e = kl_knn(
        Points::new(&y, 2),
        Points::new(&x[..4], 2),
        &KnnOptions::default().k(3),
    )
    .unwrap_err();
    assert_eq!(
        e,
        Error::TooFewPoints {
            arg: Arg::Q,
            n: 2,
            k: 3,
            needed: 3
        }
    );
    // Mismatched dimensions, bad shapes, NaN.
    let e = kl_knn(Points::new(&y, 2), Points::new(&y, 4), &opts).unwrap_err();
    assert_eq!(e, Error::SampleDimensionMismatch { p_dim: 2, q_dim: 4 });
    assert!(matches!(
        kl_knn(Points::new(&y, 3), Points::new(&y, 3), &opts),
        Err(Error::Shape { arg: Arg::P, .. })
    ));
    let mut bad = y;
    bad[5] = f64::NAN;
    match kl_knn(Points::new(&x[4..], 2), Points::new(&bad, 2), &opts) {
        Err(Error::NotFinitePoint {
            arg: Arg::Q,
            row: 2,
            col: 1,
            value,
        }) => assert!(value.is_nan()),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        kl_knn(
            Points::new(&y, 2),
            Points::new(&y, 2),
            &KnnOptions::default().k(0)
        ),
        Err(Error::InvalidParameter { name: "k", .. })
    ));
    assert!(matches!(
        entropy_knn(Points::new(&[1.0], 1), &opts),
        Err(Error::TooFewPoints { .. })
    ));
}

#[test]
fn duplicate_policies_give_finite_documented_results() {
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    let mut x = gaussian(&mut rng, 400, 2, 0.0, 1.0);
    let y = gaussian(&mut rng, 400, 2, 0.5, 1.0);
    // Round to a grid: many duplicates within x, and some x points also in y.
    for v in x.iter_mut() {
        *v = (*v * 4.0).round() / 4.0;
    }
    x[0..2].copy_from_slice(&[y[0], y[1]]);
    let base = KnnOptions::default().k(3);
    match kl_knn(Points::new(&x, 2), Points::new(&y, 2), &base) {
        Err(Error::DuplicatePoints { count, .. }) => assert!(count > 100, "{count}"),
        other => panic!("{other:?}"),
    }
    let dd = kl_knn(
        Points::new(&x, 2),
        Points::new(&y, 2),
        &base.duplicates(Duplicates::Dedup),
    )
    .unwrap();
    assert!(dd.value.is_finite());
    assert_eq!(dd.n, 400 - dd.duplicates.within_p);
    assert!(dd.duplicates.across >= 1);
    let jit = Duplicates::Jitter {
        scale: 1e-3,
        seed: 9,
    };
    let j1 = kl_knn(
        Points::new(&x, 2),
        Points::new(&y, 2),
        &base.duplicates(jit),
    )
    .unwrap();
    let j2 = kl_knn(
        Points::new(&x, 2),
        Points::new(&y, 2),
        &base.duplicates(jit),
    )
    .unwrap();
    assert!(j1.value.is_finite());
    assert_eq!(j1.value.to_bits(), j2.value.to_bits());
    assert_eq!(j1.seed, Some(9));
    assert_eq!(j1.n, 400);
    // Dedup with k = 1 and a point of x equal to one of y: the coincident y-point is skipped.
    let xs = [0.0, 1.0, 2.0];
    let ys = [1.0, 5.0];
    let e = kl_knn(
        Points::new(&xs, 1),
        Points::new(&ys, 1),
        &KnnOptions::default().k(1).duplicates(Duplicates::Dedup),
    )
    .unwrap();
    // ρ = (1, 1, 1), ν = (1, 4, 1): (ln 1 + ln 4 + ln 1)/3 + ln(2/2).
    assert!((e.value - 4f64.ln() / 3.0).abs() < 1e-15);
}

#[test]
fn bootstrap_is_seeded_and_its_interval_brackets_the_estimate() {
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let x = gaussian(&mut rng, 500, 2, 0.0, 1.0);
    let y = gaussian(&mut rng, 500, 2, 1.0, 1.0);
    for method in [CiMethod::Percentile, CiMethod::Bca] {
        let opts = KnnOptions::default().bootstrap(Bootstrap {
            replicates: 200,
            seed: 17,
            method,
            ..Default::default()
        });
        let a = kl_knn(Points::new(&x, 2), Points::new(&y, 2), &opts).unwrap();
        let b = kl_knn(Points::new(&x, 2), Points::new(&y, 2), &opts).unwrap();
        let ci = a.interval.unwrap();
        assert_eq!(ci.lower.to_bits(), b.interval.unwrap().lower.to_bits());
        assert_eq!(a.seed, Some(17));
        assert!(ci.contains(a.value), "{method:?} {ci:?} {}", a.value);
        let se = a.std_error.unwrap();
        // The half-width of a 95 % interval is about 2 standard errors.
        let half = 0.5 * (ci.upper - ci.lower);
        assert!(half > 1.3 * se && half < 2.7 * se, "{half} {se}");
        // Bits: every number scales by 1/ln 2.
        let bits = kl_knn(
            Points::new(&x, 2),
            Points::new(&y, 2),
            &opts.base(Base::Bits),
        )
        .unwrap();
        assert!((bits.value - a.value / std::f64::consts::LN_2).abs() < 1e-12);
        assert!((bits.interval.unwrap().upper - ci.upper / std::f64::consts::LN_2).abs() < 1e-12);
    }
    let e = entropy_knn(
        Points::new(&x, 2),
        &KnnOptions::default().bootstrap(Bootstrap {
            replicates: 50,
            method: CiMethod::Bca,
            ..Default::default()
        }),
    )
    .unwrap();
    assert!(e.interval.unwrap().contains(e.value));
    let adaptive_bca = KnnOptions::default()
        .variant(Variant::Adaptive)
        .bootstrap(Bootstrap {
            method: CiMethod::Bca,
            ..Default::default()
        });
    assert!(matches!(
        kl_knn(Points::new(&x, 2), Points::new(&y, 2), &adaptive_bca),
        Err(Error::InvalidParameter {
            name: "ci method",
            ..
        })
    ));
}

#[test]
fn bootstrap_interval_covers_the_estimator_mean_small_version() {
    // 40 repetitions at n = 300, d = 2 (the release example runs 100 at n = 2000).
    let reps = 40;
    let mut values = Vec::new();
    let mut intervals = Vec::new();
    for r in 0..reps {
        let mut rng = ChaCha8Rng::seed_from_u64(500 + r);
        let x = gaussian(&mut rng, 300, 2, 0.0, 1.0);
        let y = gaussian(&mut rng, 300, 2, 1.0, 1.0);
        let opts = KnnOptions::default().bootstrap(Bootstrap {
            replicates: 100,
            seed: r,
            ..Default::default()
        });
        let e = kl_knn(Points::new(&x, 2), Points::new(&y, 2), &opts).unwrap();
        values.push(e.value);
        intervals.push(e.interval.unwrap());
    }
    let mean = values.iter().sum::<f64>() / reps as f64;
    let covered = intervals.iter().filter(|ci| ci.contains(mean)).count();
    assert!(
        covered >= 32,
        "covered the estimator mean {covered} of {reps}"
    );
}

#[test]
fn progress_is_reported_and_can_cancel() {
    let mut rng = ChaCha8Rng::seed_from_u64(2);
    let x = gaussian(&mut rng, 3000, 2, 0.0, 1.0);
    let y = gaussian(&mut rng, 3000, 2, 1.0, 1.0);
    let calls = AtomicUsize::new(0);
    let count = |p: &Progress| {
        assert!(p.done <= p.total);
        calls.fetch_add(1, Ordering::Relaxed);
        ControlFlow::Continue(())
    };
    let opts = KnnOptions::default().bootstrap(Bootstrap {
        replicates: 20,
        ..Default::default()
    });
    kl_knn_with_progress(Points::new(&x, 2), Points::new(&y, 2), &opts, &count).unwrap();
    assert!(calls.load(Ordering::Relaxed) >= 2 + 20);
    let stop = |_: &Progress| ControlFlow::Break(());
    assert!(matches!(
        kl_knn_with_progress(Points::new(&x, 2), Points::new(&y, 2), &opts, &stop),
        Err(Error::Cancelled { .. })
    ));
}

#[test]
fn miller_madow_reduces_the_bias_of_plug_in_entropy_and_kl() {
    let p = [0.3, 0.25, 0.2, 0.1, 0.08, 0.05, 0.02];
    let q = [0.2, 0.2, 0.2, 0.15, 0.1, 0.1, 0.05];
    let h_true: f64 = -p.iter().map(|v| v * f64::ln(*v)).sum::<f64>();
    let kl_true: f64 = p.iter().zip(&q).map(|(a, b)| a * (a / b).ln()).sum();
    let draw = |rng: &mut ChaCha8Rng, w: &[f64], n: usize| {
        let dist = rand_distr::weighted::WeightedIndex::new(w).unwrap();
        let mut c = vec![0u64; w.len()];
        for _ in 0..n {
            c[dist.sample(rng)] += 1;
        }
        c
    };
    let (mut h_pi, mut h_mm, mut k_pi, mut k_mm) = (0.0, 0.0, 0.0, 0.0);
    let reps = 400;
    let mut rng = ChaCha8Rng::seed_from_u64(21);
    for _ in 0..reps {
        let cp = draw(&mut rng, &p, 60);
        let cq = draw(&mut rng, &q, 400);
        let o = Options::default();
        h_pi += entropy_counts(&cp, &o, Correction::None).unwrap().value;
        h_mm += entropy_counts(&cp, &o, Correction::MillerMadow)
            .unwrap()
            .value;
        // Every q-bin is non-empty with overwhelming probability at M = 400; smooth anyway.
        let o = o.smoothing(kldiv::discrete::Smoothing::Additive { alpha: 0.01 });
        k_pi += kl_counts(&cp, &cq, &o, Correction::None).unwrap().value;
        k_mm += kl_counts(&cp, &cq, &o, Correction::MillerMadow)
            .unwrap()
            .value;
    }
    let r = reps as f64;
    let (bh_pi, bh_mm) = ((h_pi / r - h_true).abs(), (h_mm / r - h_true).abs());
    let (bk_pi, bk_mm) = ((k_pi / r - kl_true).abs(), (k_mm / r - kl_true).abs());
    assert!(bh_mm < 0.5 * bh_pi, "entropy bias {bh_pi} -> {bh_mm}");
    assert!(bk_mm < 0.5 * bk_pi, "KL bias {bk_pi} -> {bk_mm}");
}
