//! Laws of the losses on logits, checked with proptest.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use kldiv::loss::{
    DiagGaussians, Divergence, Estimator, GaussianGrads, Gradients, LossOptions, Reduction,
    Teacher, divergence, gaussian_kl, policy_kl,
};
use proptest::prelude::*;

const V: usize = 9;

fn logits(rows: usize, scale: f64) -> impl Strategy<Value = Vec<f64>> {
    prop::collection::vec(-1.0f64..1.0, rows * V)
        .prop_map(move |v| v.iter().map(|x| x * scale).collect())
}

fn value(t: &[f64], s: &[f64], opts: &LossOptions<'_>) -> f64 {
    divergence(Teacher::Logits(t), s, V, opts, Gradients::none())
        .map(|l| l.value)
        .unwrap_or(f64::NAN)
}

fn lse(x: &[f64]) -> f64 {
    let m = x.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    m + x.iter().map(|v| (v - m).exp()).sum::<f64>().ln()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn divergences_are_nonnegative_and_zero_on_equal_rows(
        t in logits(2, 20.0), s in logits(2, 20.0), temp in 0.3f64..4.0, beta in 0.01f64..0.99,
    ) {
        for div in [Divergence::Forward, Divergence::Reverse, Divergence::Jsd { beta }] {
            let opts = LossOptions::new(div).temperature(temp);
            let v = value(&t, &s, &opts);
            prop_assert!(v >= 0.0, "{div:?} = {v}");
            prop_assert!(value(&t, &t, &opts).abs() < 1e-12);
        }
    }

    #[test]
    fn jsd_endpoints_are_the_two_kls_and_the_rescaled_limits(t in logits(1, 2.0), s in logits(1, 2.0)) {
        let f = value(&t, &s, &LossOptions::new(Divergence::Forward));
        let r = value(&t, &s, &LossOptions::new(Divergence::Reverse));
        prop_assert_eq!(value(&t, &s, &LossOptions::new(Divergence::Jsd { beta: 0.0 })), f);
        prop_assert_eq!(value(&t, &s, &LossOptions::new(Divergence::Jsd { beta: 1.0 })), r);
        let b = 1e-6;
        let near0 = value(&t, &s, &LossOptions::new(Divergence::Jsd { beta: b })) / b;
        let near1 = value(&t, &s, &LossOptions::new(Divergence::Jsd { beta: 1.0 - b })) / b;
        prop_assert!((near0 - f).abs() <= 1e-3 * f.max(1e-3), "JSD/β {near0} vs KL(P‖Q) {f}");
        prop_assert!((near1 - r).abs() <= 1e-3 * r.max(1e-3), "JSD/(1−β) {near1} vs KL(Q‖P) {r}");
        let half = value(&t, &s, &LossOptions::new(Divergence::Jsd { beta: 0.5 }));
        prop_assert!(half <= std::f64::consts::LN_2);
    }

    #[test]
    fn one_hot_forward_kl_is_next_token_cross_entropy(s in logits(1, 30.0), label in 0usize..V) {
        let mut p = vec![0.0; V];
        p[label] = 1.0;
        let opts = LossOptions::new(Divergence::Forward);
        let mut g = vec![0.0; V];
        let l = divergence(Teacher::Probs(&p), &s, V, &opts, Gradients::student(&mut g)).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let ce = lse(&s) - s[label];
        prop_assert!((l.value - ce).abs() <= 1e-12 * ce.max(1.0), "{} vs {ce}", l.value);
        // ∂/∂s = softmax(s) − onehot
        for i in 0..V {
            let q = (s[i] - lse(&s)).exp();
            let want = q - if i == label { 1.0 } else { 0.0 };
            prop_assert!((g[i] - want).abs() < 1e-12);
        }
    }

    #[test]
    fn gradient_rows_sum_to_zero(
        t in logits(3, 10.0), s in logits(3, 10.0), temp in 0.5f64..3.0, beta in 0.05f64..0.95,
    ) {
        for div in [Divergence::Forward, Divergence::Reverse, Divergence::Jsd { beta }] {
            let opts = LossOptions::new(div).temperature(temp).reduction(Reduction::Sum);
            let mut gs = vec![0.0; 3 * V];
            let mut gt = vec![0.0; 3 * V];
            let l = divergence(Teacher::Logits(&t), &s, V, &opts, Gradients::both(&mut gs, &mut gt)).map_err(|e| TestCaseError::fail(e.to_string()))?;
            // Rounding is relative to the terms Q·(ln Q − ln P − KL), i.e. to the value.
            let slack = 1e-13 * V as f64 * (1.0 + l.value) / temp;
            for g in [&gs, &gt] {
                for row in g.chunks(V) {
                    let sum: f64 = row.iter().sum();
                    let scale = row.iter().fold(0.0f64, |m, x| m.max(x.abs()));
                    prop_assert!(sum.abs() <= slack + 1e-12 * scale * V as f64, "{div:?}: Σ = {sum}");
                }
            }
        }
    }

    #[test]
    fn invariant_under_shifting_a_row_of_logits(t in logits(1, 5.0), s in logits(1, 5.0), c in -1e3f64..1e3) {
        let shifted: Vec<f64> = s.iter().map(|x| x + c).collect();
        for div in [Divergence::Forward, Divergence::Reverse, Divergence::Jsd { beta: 0.5 }] {
            let opts = LossOptions::new(div);
            let (a, b) = (value(&t, &s, &opts), value(&t, &shifted, &opts));
            prop_assert!((a - b).abs() <= 1e-12 * (1.0 + c.abs()), "{div:?}: {a} vs {b}");
        }
    }

    #[test]
    fn f32_inputs_agree_with_f64(t in logits(2, 8.0), s in logits(2, 8.0), temp in 0.5f64..2.0) {
        let t32: Vec<f32> = t.iter().map(|&x| x as f32).collect();
        let s32: Vec<f32> = s.iter().map(|&x| x as f32).collect();
        let t64: Vec<f64> = t32.iter().map(|&x| x as f64).collect();
        let s64: Vec<f64> = s32.iter().map(|&x| x as f64).collect();
        for div in [Divergence::Forward, Divergence::Reverse, Divergence::Jsd { beta: 0.3 }] {
            let opts = LossOptions::new(div).temperature(temp);
            let a = divergence(Teacher::Logits(&t32), &s32, V, &opts, Gradients::none()).map(|l| l.value).unwrap_or(f64::NAN);
            let b = value(&t64, &s64, &opts);
            // f32 rows use the f32 exponential (relative error < 3e-7) and sums in f64: the
            // documented bound of loss/rows.rs is 10u·(E|x − y| + 2) absolute (u = 2⁻²⁴, x − y
            // the scaled logit differences), here with the largest difference for E|x − y|.
            let spread = t64.iter().zip(&s64).map(|(x, y)| (x - y).abs()).fold(0.0, f64::max) / temp;
            let tol = 1e-6 * b.max(1e-3) + 10.0 * (f64::from(f32::EPSILON) / 2.0) * (spread + 2.0);
            prop_assert!((a - b).abs() <= tol, "{div:?}: {a} vs {b} (tol {tol:e})");
        }
    }

    #[test]
    fn data_processing_sparse_tail_bucket_never_exceeds_dense(t in logits(1, 3.0), s in logits(1, 3.0), k in 1usize..V) {
        // Teacher log-probs; keep the k largest as a sparse teacher.
        let l = lse(&t);
        let lp: Vec<f64> = t.iter().map(|x| x - l).collect();
        let mut order: Vec<usize> = (0..V).collect();
        order.sort_by(|&a, &b| lp[b].total_cmp(&lp[a]));
        let idx: Vec<usize> = order[..k].to_vec();
        let top: Vec<f64> = idx.iter().map(|&i| lp[i]).collect();
        let opts = LossOptions::new(Divergence::Forward);
        let dense = divergence(Teacher::LogProbs(&lp), &s, V, &opts, Gradients::none()).map_err(|e| TestCaseError::fail(e.to_string()))?.value;
        let sparse = divergence(Teacher::Sparse(kldiv::loss::SparseTeacher::new(&idx, &top, k)), &s, V, &opts, Gradients::none()).map_err(|e| TestCaseError::fail(e.to_string()))?.value;
        prop_assert!(sparse <= dense + 1e-12, "sparse {sparse} > dense {dense}");
        prop_assert!(sparse >= 0.0);
    }

    #[test]
    fn gaussian_kl_is_nonnegative_and_zero_on_equal(mu in prop::collection::vec(-3.0f64..3.0, 8), lv in prop::collection::vec(-4.0f64..4.0, 8), mu2 in prop::collection::vec(-3.0f64..3.0, 8), lv2 in prop::collection::vec(-4.0f64..4.0, 8)) {
        let q = DiagGaussians { mu: &mu, log_var: &lv };
        let p = DiagGaussians { mu: &mu2, log_var: &lv2 };
        let v = gaussian_kl(q, p, 4, Reduction::Sum, GaussianGrads::default()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert!(v.value >= 0.0);
        let same = gaussian_kl(q, q, 4, Reduction::Sum, GaussianGrads::default()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(same.value, 0.0);
    }

    #[test]
    fn k2_and_k3_are_nonnegative(lp in prop::collection::vec(-20.0f64..0.0, 16), lr in prop::collection::vec(-20.0f64..0.0, 16)) {
        for est in [Estimator::K2, Estimator::K3] {
            let l = policy_kl(&lp, &lr, est, None, Reduction::None, None).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert!(l.rows.iter().all(|&x| x >= 0.0), "{est:?}");
        }
    }
}
