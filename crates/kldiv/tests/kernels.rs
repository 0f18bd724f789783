//! The lane-parallel kernels against the scalar reference loops: every tail length 0..67,
//! adversarial values (zeros, tiny, huge ratios, subnormals, missing support), f32 and f64,
//! and every transform.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use kldiv::kernels::{self, Affine, reference};
use proptest::prelude::*;

fn value() -> impl Strategy<Value = f64> {
    prop_oneof![
        3 => Just(0.0),
        1 => Just(5e-324),
        1 => Just(1e-310),
        1 => 1e-300..1e-200f64,
        2 => 1e-12..1e-6f64,
        8 => 1e-3..1.0f64,
        1 => 0.4999..0.5001f64,
    ]
}

/// Agreement to 1e-14 relative to `scale`, the sum of the magnitudes of the terms (terms of
/// mixed sign can cancel, so the error bound is relative to Σ|term|, not to the sum).
fn close_to(a: f64, b: f64, scale: f64) -> bool {
    if a.is_infinite() || b.is_infinite() {
        return a == b;
    }
    (a - b).abs() <= 1e-14 * (scale + a.abs().max(b.abs())) || (a - b).abs() < 1e-300
}

fn magnitude(p: &[f64], q: &[f64], tp: Affine, tq: Affine) -> f64 {
    p.iter()
        .zip(q)
        .map(|(&a, &b)| {
            let (x, y) = (tp.apply(a), tq.apply(b));
            let l = |v: f64| if v > 0.0 { v.ln().abs() } else { 0.0 };
            (x + y) * (1.0 + l(x) + l(y))
        })
        .sum()
}

fn transforms() -> Vec<Affine> {
    vec![
        Affine::IDENTITY,
        Affine {
            scale: 0.5,
            shift: 0.01,
            floor: 0.0,
        },
        Affine {
            scale: 2.0,
            shift: 0.0,
            floor: 1e-4,
        },
    ]
}

fn check(p: &[f64], q: &[f64]) -> Result<(), TestCaseError> {
    let p32: Vec<f32> = p.iter().map(|&x| x as f32).collect();
    let q32: Vec<f32> = q.iter().map(|&x| x as f32).collect();
    for tp in transforms() {
        for tq in transforms() {
            let scale = magnitude(p, q, tp, tq);
            let close = |a: f64, b: f64| close_to(a, b, scale);
            let a = kernels::kl(p, q, tp, tq);
            let b = reference::kl(p, q, tp, tq);
            prop_assert!(close(a.finite, b.finite), "kl {} vs {}", a.finite, b.finite);
            prop_assert_eq!(a.first_unsupported, b.first_unsupported);
            prop_assert_eq!(a.unsupported, b.unsupported);
            prop_assert!(close(a.mass_outside, b.mass_outside));
            let a = kernels::kl(&p32, &q32, tp, tq);
            let b = reference::kl(&p32, &q32, tp, tq);
            prop_assert!(
                close(a.finite, b.finite),
                "kl f32 {} vs {}",
                a.finite,
                b.finite
            );
            let a = kernels::cross_entropy(p, q, tp, tq);
            let b = reference::cross_entropy(p, q, tp, tq);
            prop_assert!(close(a.finite, b.finite), "ce {} vs {}", a.finite, b.finite);
            prop_assert_eq!(a.first_unsupported, b.first_unsupported);
            let a = kernels::generalized_kl(p, q, tp, tq);
            let b = reference::generalized_kl(p, q, tp, tq);
            prop_assert!(
                close(a.finite, b.finite),
                "gkl {} vs {}",
                a.finite,
                b.finite
            );
            prop_assert_eq!(a.first_unsupported, b.first_unsupported);
            for (wp, wq) in [(0.5, 0.5), (0.2, 0.8), (1.0, 0.0)] {
                let a = kernels::js(p, q, tp, tq, wp, wq);
                let b = reference::js(p, q, tp, tq, wp, wq);
                prop_assert!(close(a, b), "js {} vs {}", a, b);
            }
            let a = kernels::entropy(p, tp);
            let b = reference::entropy(p, tp);
            prop_assert!(close(a, b), "entropy {} vs {}", a, b);
        }
    }
    check_validated(p, q)?;
    check_validated(&p32, &q32)?;
    Ok(())
}

/// The fused validating passes return exactly what the reductions with identity transforms
/// return, and the raw totals to a few ulps.
fn check_validated<T: kldiv::Element>(p: &[T], q: &[T]) -> Result<(), TestCaseError> {
    let id = Affine::IDENTITY;
    let total = |x: &[T]| x.iter().map(|v| v.to_f64()).sum::<f64>();
    let (tp, tq) = (total(p), total(q));
    let totals_close = |t: [f64; 2], with_q: bool| {
        (t[0] - tp).abs() <= 1e-14 * tp && (!with_q || (t[1] - tq).abs() <= 1e-14 * tq)
    };
    let v = kernels::kl_validated(p, q).expect("valid inputs");
    let w = kernels::kl(p, q, id, id);
    prop_assert_eq!(v.sum.finite.to_bits(), w.finite.to_bits());
    prop_assert_eq!(v.sum.unsupported, w.unsupported);
    prop_assert_eq!(v.sum.first_unsupported, w.first_unsupported);
    prop_assert!(totals_close(v.totals, true), "{:?} vs {tp} {tq}", v.totals);
    let v = kernels::cross_entropy_validated(p, q).expect("valid inputs");
    let w = kernels::cross_entropy(p, q, id, id);
    prop_assert_eq!(v.sum.finite.to_bits(), w.finite.to_bits());
    prop_assert_eq!(v.sum.first_unsupported, w.first_unsupported);
    prop_assert!(totals_close(v.totals, true));
    let v = kernels::entropy_validated(p).expect("valid input");
    prop_assert_eq!(v.sum.finite.to_bits(), kernels::entropy(p, id).to_bits());
    prop_assert!(totals_close(v.totals, false));
    Ok(())
}

#[test]
fn validating_passes_reject_every_bad_entry_at_every_position() {
    for n in 1..67 {
        let good: Vec<f64> = (0..n).map(|i| (i % 5) as f64 * 0.1).collect();
        for at in 0..n {
            for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -1e-30, -1e-300] {
                let mut x = good.clone();
                x[at] = bad;
                assert!(kernels::kl_validated(&x, &good).is_none(), "{n} {at} {bad}");
                assert!(kernels::kl_validated(&good, &x).is_none(), "{n} {at} {bad}");
                assert!(kernels::cross_entropy_validated(&good, &x).is_none());
                assert!(kernels::cross_entropy_validated(&x, &good).is_none());
                assert!(kernels::entropy_validated(&x).is_none(), "{n} {at} {bad}");
                let x32: Vec<f32> = x.iter().map(|&v| v as f32).collect();
                let g32: Vec<f32> = good.iter().map(|&v| v as f32).collect();
                // −1e-300 rounds to −0 in f32, which is a valid entry.
                assert_eq!(kernels::kl_validated(&x32, &g32).is_none(), bad != -1e-300);
            }
        }
        assert!(kernels::kl_validated(&good, &good).is_some());
    }
    // A total that overflows also sends the caller to the ordinary path, which handles it.
    let big = vec![f64::MAX / 4.0; 20];
    assert!(kernels::kl_validated(&big, &big).is_none());
    let opts = kldiv::discrete::Options::default().normalize(kldiv::discrete::Normalize::Assume);
    assert_eq!(kldiv::discrete::kl(&big, &big, &opts).unwrap().value, 0.0);
}

#[test]
fn every_tail_length() {
    for n in 0..67 {
        let p: Vec<f64> = (0..n)
            .map(|i| ((i * 7) % 11) as f64 / 11.0 + 0.01)
            .collect();
        let q: Vec<f64> = (0..n).map(|i| ((i * 5) % 13) as f64 / 13.0).collect();
        check(&p, &q).unwrap();
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn lanes_match_the_scalar_reference(
        pq in prop::collection::vec((value(), value()), 0..67)
    ) {
        let (p, q): (Vec<f64>, Vec<f64>) = pq.into_iter().unzip();
        check(&p, &q)?;
    }
}
