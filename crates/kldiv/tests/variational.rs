//! Checks of `kldiv::variational`: forward vs reverse fits, ADVI on a conjugate model and on
//! Bayesian logistic regression, gradients against central differences.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::needless_range_loop)]

use kldiv::Error;
use kldiv::dist::MvNormal;
use kldiv::kl::parse_spec;
use kldiv::variational::{
    DistTarget, Family, FnTarget, ForwardOptions, GaussianQ, LogisticRegression, MvNormalMixture,
    ReverseOptions, Standardizer, Target, ViOptions, advi, fit_forward, fit_reverse, no_progress,
    train_test_split,
};
use std::ops::ControlFlow;

const BIMODAL: &str = "mixture(0.5*normal(-2, 0.6), 0.5*normal(2, 0.6))";

fn target(spec: &str) -> DistTarget {
    DistTarget::new(parse_spec(spec).unwrap()).unwrap()
}

#[test]
fn forward_fit_to_mixture_is_its_mean_and_variance() {
    let f = fit_forward(&target(BIMODAL), &ForwardOptions::default()).unwrap();
    assert!(f.q.mean()[0].abs() < 1e-8);
    assert!((f.q.std()[0].powi(2) - 4.36).abs() < 1e-8);
    // An asymmetric mixture: mean 1.8, variance 0.3(0.25 + 2.8²) + 0.7(1.44 + 1.2²) = 4.443.
    let f = fit_forward(
        &target("mixture(0.3*normal(-1, 0.5), 0.7*normal(3, 1.2))"),
        &ForwardOptions::default(),
    )
    .unwrap();
    assert!((f.q.mean()[0] - 1.8).abs() < 1e-8);
    assert!((f.q.std()[0].powi(2) - 4.443).abs() < 1e-8);
    assert_eq!(f.method.as_str(), "exact-moments");
}

#[test]
fn reverse_fits_seek_the_mode_they_start_near() {
    let p = target(BIMODAL);
    let fwd = fit_forward(&p, &ForwardOptions::default()).unwrap();
    let fwd_f = fwd.kl.forward.unwrap().value;
    let fwd_r = fwd.kl.reverse.unwrap().value;
    for mode in [-2.0, 2.0] {
        let opts = ReverseOptions {
            init: Some(GaussianQ::normal(0.75 * mode, 1.0).unwrap()),
            ..ReverseOptions::default()
        };
        let rev = fit_reverse(&p, &opts, &mut no_progress).unwrap();
        let m = rev.q.mean()[0];
        assert!((m - mode).abs() < 0.1, "started near {mode}, ended at {m}");
        assert!(rev.converged, "{rev:?}");
        let (rf, rr) = (rev.kl.forward.unwrap(), rev.kl.reverse.unwrap());
        assert_eq!(rr.method.as_str(), "quadrature");
        // Each fit wins its own objective.
        assert!(rr.value < fwd_r, "{} vs {fwd_r}", rr.value);
        assert!(fwd_f < rf.value, "{fwd_f} vs {}", rf.value);
        // The Gauss–Hermite objective at the optimum agrees with the adaptive-quadrature KL.
        let objective = -rev.trace.last().unwrap();
        assert!(
            (objective - rr.value).abs() < 1e-7,
            "{objective} {}",
            rr.value
        );
    }
}

#[test]
fn reverse_fit_default_start_and_errors() {
    let rev = fit_reverse(
        &target(BIMODAL),
        &ReverseOptions::default(),
        &mut no_progress,
    )
    .unwrap();
    assert!((rev.q.mean()[0].abs() - 2.0).abs() < 0.1);
    let e = fit_reverse(
        &target("gamma(shape=2, rate=1)"),
        &ReverseOptions::default(),
        &mut no_progress,
    )
    .unwrap_err();
    assert!(matches!(e, Error::UnsupportedTarget { .. }), "{e}");
    assert!(DistTarget::new(parse_spec("poisson(3)").unwrap()).is_err());
    let e = fit_reverse(&target(BIMODAL), &ReverseOptions::default(), &mut |_| {
        ControlFlow::Break(())
    })
    .unwrap_err();
    assert!(matches!(e, Error::Cancelled { .. }));
}

/// A conjugate model: y = Xβ + e, e ~ N(0, I), β ~ N(0, 4 I) in 3 dimensions.
struct Conjugate {
    x: Vec<[f64; 3]>,
    y: Vec<f64>,
}

impl Conjugate {
    fn new() -> Conjugate {
        let x: Vec<[f64; 3]> = (0..12)
            .map(|i| {
                let t = f64::from(i) / 11.0;
                [1.0, t - 0.5, (3.0 * t).sin() + 0.5 * t]
            })
            .collect();
        let y = x
            .iter()
            .enumerate()
            .map(|(i, r)| 0.5 * r[0] - 1.0 * r[1] + 2.0 * r[2] + 0.3 * (f64::from(i as u8)).cos())
            .collect();
        Conjugate { x, y }
    }
    fn log_joint(&self, b: &[f64], g: &mut [f64]) -> f64 {
        let mut lp = 0.0;
        for j in 0..3 {
            g[j] = -b[j] / 4.0;
            lp -= b[j] * b[j] / 8.0;
        }
        for (r, y) in self.x.iter().zip(&self.y) {
            let e = y - (r[0] * b[0] + r[1] * b[1] + r[2] * b[2]);
            lp -= 0.5 * e * e;
            for j in 0..3 {
                g[j] += e * r[j];
            }
        }
        lp
    }
    /// The exact posterior N(A⁻¹Xᵀy, A⁻¹), A = XᵀX + I/4.
    fn posterior(&self) -> MvNormal {
        let mut a = [[0.0; 3]; 3];
        let mut bv = [0.0; 3];
        for (r, y) in self.x.iter().zip(&self.y) {
            for i in 0..3 {
                bv[i] += r[i] * y;
                for j in 0..3 {
                    a[i][j] += r[i] * r[j];
                }
            }
        }
        for (i, row) in a.iter_mut().enumerate() {
            row[i] += 0.25;
        }
        let inv = invert3(&a);
        let mean: Vec<f64> = (0..3)
            .map(|i| (0..3).map(|j| inv[i][j] * bv[j]).sum())
            .collect();
        let cov: Vec<Vec<f64>> = inv.iter().map(|r| r.to_vec()).collect();
        MvNormal::new(mean, &cov).unwrap()
    }
}

/// Gauss–Jordan inverse of a 3 × 3 matrix (symmetric positive definite here).
fn invert3(a: &[[f64; 3]; 3]) -> [[f64; 3]; 3] {
    let mut m = *a;
    let mut inv = [[0.0; 3]; 3];
    for (i, row) in inv.iter_mut().enumerate() {
        row[i] = 1.0;
    }
    for c in 0..3 {
        let p = m[c][c];
        for j in 0..3 {
            m[c][j] /= p;
            inv[c][j] /= p;
        }
        for r in 0..3 {
            if r != c {
                let f = m[r][c];
                for j in 0..3 {
                    m[r][j] -= f * m[c][j];
                    inv[r][j] -= f * inv[c][j];
                }
            }
        }
    }
    inv
}

/// ADVI with 3000 iterations and seed 1.
fn vi3000(t: &dyn Target, family: Family, path_gradient: bool) -> kldiv::variational::ViResult {
    let opts = ViOptions {
        family,
        iters: 3000,
        seed: 1,
        path_gradient,
        ..ViOptions::default()
    };
    advi(t, &opts, &mut no_progress).unwrap()
}

#[test]
fn vi_recovers_a_conjugate_gaussian_posterior() {
    let model = Conjugate::new();
    let post = model.posterior();
    let t = FnTarget::new(3, |b: &[f64], g: &mut [f64]| model.log_joint(b, g));
    let full = vi3000(&t, Family::FullRank, false);
    let kl = full.q.to_mvnormal().unwrap().kl_mvnormal(&post).unwrap();
    assert!(kl < 1e-3, "KL(Q‖posterior) = {kl}");
    let mf = vi3000(&t, Family::MeanField, false);
    let cov = post.covariance();
    for i in 0..3 {
        let err = (mf.q.mean()[i] - post.mean()[i]).abs();
        assert!(err < 0.02 * cov[i][i].sqrt(), "mean {i}: off by {err}");
    }
    // Mean-field underestimates the marginal variances of a correlated posterior and has
    // the lower ELBO.
    assert!(mf.q.std()[1] < cov[1][1].sqrt());
    assert!(full.elbo > mf.elbo);
    // The path-derivative estimator settles exactly on a Gaussian posterior.
    let stl = vi3000(&t, Family::FullRank, true);
    let kl_stl = stl.q.to_mvnormal().unwrap().kl_mvnormal(&post).unwrap();
    assert!(
        kl_stl < 1e-10,
        "KL(Q‖posterior) = {kl_stl} with the path derivative"
    );
    // Same seed, same bits.
    let again = vi3000(&t, Family::FullRank, false);
    assert_eq!(again.q, full.q);
    assert_eq!(again.elbo.to_bits(), full.elbo.to_bits());
}

/// The breast-cancer data: standardised features, 80/20 split with seed 42.
fn breast_cancer() -> (LogisticRegression, Vec<f64>, Vec<f64>, usize) {
    let text = include_str!("../../../data/breast_cancer.csv");
    let mut rows: Vec<Vec<f64>> = Vec::new();
    for line in text.lines().skip(1) {
        rows.push(line.split(',').map(|v| v.parse().unwrap()).collect());
    }
    let p = rows[0].len() - 1;
    let (train, test) = train_test_split(rows.len(), 0.2, 42);
    let pick = |idx: &[usize]| -> (Vec<f64>, Vec<f64>) {
        let x = idx.iter().flat_map(|&i| rows[i][..p].to_vec()).collect();
        let y = idx.iter().map(|&i| rows[i][p]).collect();
        (x, y)
    };
    let (xtr, ytr) = pick(&train);
    let (xte, yte) = pick(&test);
    let s = Standardizer::fit(&xtr, p);
    let model = LogisticRegression::new(s.transform(&xtr), p, ytr, 1.0).unwrap();
    (model, s.transform(&xte), yte, p)
}

#[test]
fn logistic_regression_full_rank_beats_mean_field() {
    let (model, xte, yte, p) = breast_cancer();
    let opts = ViOptions {
        iters: 3000,
        seed: 3,
        ..ViOptions::default()
    };
    let full = advi(&model, &opts, &mut no_progress).unwrap();
    let mf = advi(
        &model,
        &ViOptions {
            family: Family::MeanField,
            ..opts.clone()
        },
        &mut no_progress,
    )
    .unwrap();
    let se = full.elbo_se.hypot(mf.elbo_se);
    assert!(
        full.elbo >= mf.elbo - 2.0 * se,
        "full-rank {} ± {}, mean-field {} ± {}",
        full.elbo,
        full.elbo_se,
        mf.elbo,
        mf.elbo_se
    );
    for r in [&full, &mf] {
        let acc = LogisticRegression::accuracy(r.q.mean(), &xte, p, &yte);
        assert!(acc >= 0.95, "held-out accuracy {acc}");
        assert!(r.converged_at.is_some());
    }
}

/// The worst relative difference between `grad_ln_density` and central differences of
/// `ln_density` (step 1e-5) at `x`.
fn worst_gradient_error(t: &dyn Target, x: &[f64]) -> f64 {
    let mut g = vec![0.0; x.len()];
    t.grad_ln_density(x, &mut g);
    let mut worst = 0.0f64;
    for i in 0..x.len() {
        let h = 1e-5;
        let (mut a, mut b) = (x.to_vec(), x.to_vec());
        a[i] += h;
        b[i] -= h;
        let fd = (t.ln_density(&a) - t.ln_density(&b)) / (2.0 * h);
        worst = worst.max((fd - g[i]).abs() / fd.abs().max(1.0));
    }
    worst
}

/// Central differences of `ln_density` against `grad_ln_density`, and the returned `ln p`.
fn check_gradient(t: &dyn Target, x: &[f64], tol: f64) {
    let mut g = vec![0.0; x.len()];
    let lp = t.grad_ln_density(x, &mut g);
    assert!((lp - t.ln_density(x)).abs() < 1e-12 * lp.abs().max(1.0));
    let worst = worst_gradient_error(t, x);
    assert!(worst < tol, "at {x:?}: relative error {worst}");
}

#[test]
fn gradients_match_central_differences() {
    for spec in [
        BIMODAL,
        "normal(1, 2)",
        "gamma(shape=3, rate=2)",
        "mixture(0.3*laplace(0, 1), 0.7*normal(2, 0.5))",
    ] {
        for x in [0.3, 1.7, 2.5] {
            check_gradient(&target(spec), &[x], 1e-6);
        }
    }
    let mv = target("mvnormal(mean=[1, -1], cov=[[2, 0.8], [0.8, 1]])");
    check_gradient(&mv, &[0.2, 0.5], 1e-7);
    let a = MvNormal::new(vec![-2.0, 0.0], &[vec![0.5, 0.2], vec![0.2, 0.3]]).unwrap();
    let b = MvNormal::from_diagonal(vec![2.0, 1.0], &[0.36, 0.5]).unwrap();
    let mix = MvNormalMixture::new(vec![0.4, 0.6], vec![a, b]).unwrap();
    for x in [[0.0, 0.0], [-1.5, 0.3], [1.0, 2.0]] {
        check_gradient(&mix, &x, 1e-6);
    }
    let (model, _, _, p) = breast_cancer();
    let beta: Vec<f64> = (0..=p).map(|j| 0.1 * (j as f64).sin()).collect();
    check_gradient(&model, &beta, 1e-6);
}

#[test]
fn reparameterisation_gradient_matches_central_differences() {
    // f(x) = −½ xᵀ A x + bᵀx at x = μ + Lε, differentiated through the parameters.
    let f = |x: &[f64], g: &mut [f64]| {
        let a = [[2.0, 0.5, 0.1], [0.5, 1.0, 0.3], [0.1, 0.3, 1.5]];
        let b = [0.3, -0.2, 1.0];
        let mut v = 0.0;
        for i in 0..3 {
            g[i] = b[i];
            v += b[i] * x[i];
            for j in 0..3 {
                g[i] -= a[i][j] * x[j];
                v -= 0.5 * x[i] * a[i][j] * x[j];
            }
        }
        v
    };
    let eps = [0.7, -1.2, 0.4];
    for family in [Family::MeanField, Family::FullRank] {
        let cov = vec![
            vec![1.0, 0.3, 0.1],
            vec![0.3, 0.8, -0.2],
            vec![0.1, -0.2, 0.5],
        ];
        let q = GaussianQ::from_moments(&[0.1, 0.2, -0.3], &cov, family).unwrap();
        let theta = q.params();
        let value = |th: &[f64]| {
            let mut q2 = q.clone();
            q2.set_params(th);
            let mut x = [0.0; 3];
            q2.transform(&eps, &mut x);
            f(&x, &mut [0.0; 3]) + q2.entropy()
        };
        let mut x = [0.0; 3];
        q.transform(&eps, &mut x);
        let mut g = [0.0; 3];
        f(&x, &mut g);
        let mut grad = vec![0.0; q.n_params()];
        q.backprop(&eps, &g, &mut grad);
        q.entropy_grad(&mut grad);
        for k in 0..theta.len() {
            let (mut a, mut b) = (theta.clone(), theta.clone());
            a[k] += 1e-6;
            b[k] -= 1e-6;
            let fd = (value(&a) - value(&b)) / 2e-6;
            assert!(
                (fd - grad[k]).abs() < 1e-6,
                "{family:?} param {k}: {} vs {fd}",
                grad[k]
            );
        }
    }
}

#[test]
fn two_dimensional_fits() {
    let a = MvNormal::from_diagonal(vec![-2.0, 0.0], &[0.36, 0.36]).unwrap();
    let b = MvNormal::from_diagonal(vec![2.0, 0.0], &[0.36, 0.36]).unwrap();
    let p = MvNormalMixture::new(vec![0.5, 0.5], vec![a, b]).unwrap();
    let fwd = fit_forward(
        &p,
        &ForwardOptions {
            kl_samples: 20_000,
            ..ForwardOptions::default()
        },
    )
    .unwrap();
    assert_eq!(fwd.q.mean(), &[0.0, 0.0]);
    let rev = fit_reverse(
        &p,
        &ReverseOptions {
            kl_samples: 20_000,
            ..ReverseOptions::default()
        },
        &mut no_progress,
    )
    .unwrap();
    assert!((rev.q.mean()[0].abs() - 2.0).abs() < 0.1, "{:?}", rev.q);
    let (ff, fr) = (fwd.kl.forward.unwrap(), fwd.kl.reverse.unwrap());
    let (rf, rr) = (rev.kl.forward.unwrap(), rev.kl.reverse.unwrap());
    assert_eq!(ff.method.as_str(), "monte-carlo");
    assert!(ff.value + 4.0 * ff.error.unwrap() < rf.value);
    assert!(rr.value + 4.0 * rr.error.unwrap() < fr.value);
    // Mode seeking: about ln 2 (one of two equal, well separated bumps).
    assert!((rr.value - 2f64.ln()).abs() < 0.02, "{}", rr.value);
}

#[test]
fn logistic_model_rejects_bad_labels() {
    let e = LogisticRegression::new(vec![0.0, 1.0], 1, vec![0.0, 2.0], 1.0).unwrap_err();
    assert!(e.to_string().contains("y[1] = 2"), "{e}");
}

/// A target that can only be sampled (no moments): forward fitting falls back to sample moments.
struct SampleOnly(MvNormalMixture);

impl Target for SampleOnly {
    fn dim(&self) -> usize {
        self.0.dim()
    }
    fn ln_density(&self, x: &[f64]) -> f64 {
        self.0.ln_density(x)
    }
    fn grad_ln_density(&self, x: &[f64], g: &mut [f64]) -> f64 {
        self.0.grad_ln_density(x, g)
    }
    fn is_normalized(&self) -> bool {
        true
    }
    fn sample_into(&self, rng: &mut dyn rand::RngCore, out: &mut [f64]) -> bool {
        self.0.sample_into(rng, out)
    }
}

#[test]
fn forward_fit_from_samples_and_infinite_variance() {
    let a = MvNormal::new(vec![-1.0, 0.5], &[vec![0.5, 0.2], vec![0.2, 0.3]]).unwrap();
    let b = MvNormal::from_diagonal(vec![2.0, 1.0], &[0.36, 0.5]).unwrap();
    let mix = MvNormalMixture::new(vec![0.4, 0.6], vec![a, b]).unwrap();
    let (mean, cov) = mix.moments().unwrap();
    let opts = ForwardOptions {
        samples: 50_000,
        kl_samples: 10_000,
        seed: 5,
        ..ForwardOptions::default()
    };
    let f = fit_forward(&SampleOnly(mix.clone()), &opts).unwrap();
    assert_eq!(f.method.as_str(), "sample-moments");
    let got = f.q.covariance();
    for i in 0..2 {
        // Standard error of a mean ≈ sd/√n ≈ 0.008 here.
        assert!((f.q.mean()[i] - mean[i]).abs() < 0.04, "{:?}", f.q.mean());
        for j in 0..2 {
            assert!((got[i][j] - cov[i][j]).abs() < 0.05, "{got:?} vs {cov:?}");
        }
    }
    let exact = fit_forward(&mix, &opts).unwrap();
    let (fs, fe) = (f.kl.forward.unwrap(), exact.kl.forward.unwrap());
    assert!(fe.value <= fs.value + 4.0 * fs.error.unwrap());
    let e = fit_forward(&target("cauchy(0, 1)"), &ForwardOptions::default()).unwrap_err();
    assert!(e.to_string().contains("no finite variance"), "{e}");
}

mod props {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

        #[test]
        fn mixture_gradients_match_central_differences(
            x in -4.0f64..4.0, y in -3.0f64..3.0, w in 0.05f64..0.95, s in 0.3f64..2.0,
        ) {
            let a = MvNormal::new(vec![-1.5, 0.0], &[vec![s, 0.3 * s], vec![0.3 * s, 0.5]]).unwrap();
            let b = MvNormal::from_diagonal(vec![2.0, 1.0], &[0.36, s]).unwrap();
            let mix = MvNormalMixture::new(vec![w, 1.0 - w], vec![a, b]).unwrap();
            prop_assert!(worst_gradient_error(&mix, &[x, y]) < 1e-6);
            let spec = format!("mixture({w}*normal(-2, {s}), {}*logistic(1, 0.7))", 1.0 - w);
            prop_assert!(worst_gradient_error(&target(&spec), &[x]) < 1e-6);
        }

        #[test]
        fn logistic_gradient_matches_central_differences(
            beta in proptest::collection::vec(-2.0f64..2.0, 4),
            xs in proptest::collection::vec(-3.0f64..3.0, 24),
            ys in proptest::collection::vec(0u8..2, 8),
        ) {
            let y: Vec<f64> = ys.iter().map(|&v| f64::from(v)).collect();
            let m = LogisticRegression::new(xs, 3, y, 1.5).unwrap();
            prop_assert!(worst_gradient_error(&m, &beta) < 1e-6);
        }
    }
}
