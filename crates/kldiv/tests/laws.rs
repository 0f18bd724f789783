//! Property tests of the laws every discrete measure must obey (DESIGN.md §4).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use kldiv::discrete::{
    Measure, Normalize, Options, Rows, Smoothing, broadcast, cross_entropy, entropy,
    generalized_kl, jeffreys, js, kl, pairwise, rowwise,
};
use kldiv::error::Arg;
use proptest::prelude::*;

fn normalised(w: Vec<f64>) -> Vec<f64> {
    let s: f64 = w.iter().sum();
    w.into_iter().map(|x| x / s).collect()
}

/// Distributions with some exact zeros and a wide dynamic range.
fn dist(n: std::ops::Range<usize>) -> impl Strategy<Value = Vec<f64>> {
    prop::collection::vec(
        prop_oneof![1 => Just(0.0), 1 => 1e-9..1e-3f64, 6 => 1e-3..1.0f64],
        n,
    )
    .prop_filter("not all zero", |w| w.iter().any(|&x| x > 0.0))
    .prop_map(normalised)
}

/// Strictly positive distributions.
fn positive(n: std::ops::Range<usize>) -> impl Strategy<Value = Vec<f64>> {
    prop::collection::vec(1e-6..1.0f64, n).prop_map(normalised)
}

/// Two positive distributions over the same outcomes.
fn pair(n: std::ops::Range<usize>) -> impl Strategy<Value = (Vec<f64>, Vec<f64>)> {
    n.prop_flat_map(|k| (positive(k..k + 1), positive(k..k + 1)))
}

fn opts() -> Options {
    Options::default().normalize(Normalize::Renormalize)
}

fn rel_close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * (1.0 + a.abs().max(b.abs()))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn gibbs_inequality((p, q) in pair(1..40)) {
        let d = kl(&p, &q, &opts()).unwrap().value;
        prop_assert!(d >= -1e-15, "KL = {d}");
        prop_assert_eq!(kl(&p, &p, &opts()).unwrap().value, 0.0);
    }

    #[test]
    fn kl_is_cross_entropy_minus_entropy((p, q) in pair(1..40)) {
        let d = kl(&p, &q, &opts()).unwrap().value;
        let h = entropy(&p, &opts()).unwrap().value;
        let x = cross_entropy(&p, &q, &opts()).unwrap().value;
        prop_assert!(rel_close(d, x - h, 1e-12), "{d} vs {x} - {h}");
    }

    #[test]
    fn js_is_symmetric_and_bounded(p in dist(2..30), seed in any::<u64>()) {
        // q: a permutation of p mixed with a point mass, over the same outcomes.
        let k = p.len();
        let mut q = p.clone();
        q.rotate_left((seed as usize) % k);
        let a = js(&p, &q, &opts()).unwrap().value;
        let b = js(&q, &p, &opts()).unwrap().value;
        prop_assert!(rel_close(a, b, 1e-14), "{a} vs {b}");
        prop_assert!((0.0..=std::f64::consts::LN_2 + 1e-15).contains(&a));
    }

    #[test]
    fn permuting_outcomes_changes_nothing((p, q) in pair(2..30), seed in any::<u64>()) {
        let k = p.len();
        let mut idx: Vec<usize> = (0..k).collect();
        let mut s = seed;
        for i in (1..k).rev() {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1);
            idx.swap(i, (s >> 33) as usize % (i + 1));
        }
        let pp: Vec<f64> = idx.iter().map(|&i| p[i]).collect();
        let qq: Vec<f64> = idx.iter().map(|&i| q[i]).collect();
        for m in Measure::ALL {
            let a = m.eval(&p, Some(&q), &opts()).unwrap().value;
            let b = m.eval(&pp, Some(&qq), &opts()).unwrap().value;
            prop_assert!(rel_close(a, b, 1e-13), "{m}: {a} vs {b}");
        }
    }

    #[test]
    fn merging_outcomes_never_increases_kl((p, q) in pair(3..30), cut in 0usize..100) {
        // Data processing: merge outcomes 0..=j into one.
        let j = 1 + cut % (p.len() - 1);
        let merge = |x: &[f64]| {
            let mut v = vec![x[..=j].iter().sum::<f64>()];
            v.extend_from_slice(&x[j + 1..]);
            v
        };
        let before = kl(&p, &q, &opts()).unwrap().value;
        let after = kl(&merge(&p), &merge(&q), &opts()).unwrap().value;
        prop_assert!(after <= before + 1e-13, "{after} > {before}");
    }

    #[test]
    fn kl_is_additive_over_independent_products(
        (p1, q1) in pair(1..8),
        (p2, q2) in pair(1..8),
    ) {
        let prod = |a: &[f64], b: &[f64]| -> Vec<f64> {
            a.iter().flat_map(|&x| b.iter().map(move |&y| x * y)).collect()
        };
        let joint = kl(&prod(&p1, &p2), &prod(&q1, &q2), &opts()).unwrap().value;
        let sum = kl(&p1, &q1, &opts()).unwrap().value + kl(&p2, &q2, &opts()).unwrap().value;
        prop_assert!(rel_close(joint, sum, 1e-12), "{joint} vs {sum}");
    }

    #[test]
    fn f32_matches_f64((p, q) in pair(1..60)) {
        let p32: Vec<f32> = p.iter().map(|&x| x as f32).collect();
        let q32: Vec<f32> = q.iter().map(|&x| x as f32).collect();
        let a = kl(&p32, &q32, &opts()).unwrap().value;
        let b = kl(&p, &q, &opts()).unwrap().value;
        // f32 rounding of the inputs (relative 6e-8) moves KL by at most ~1e-6 here.
        prop_assert!((a - b).abs() <= 1e-6 * (1.0 + b), "{a} vs {b}");
    }

    #[test]
    fn jeffreys_and_generalized_agree_with_kl((p, q) in pair(1..40)) {
        let f = kl(&p, &q, &opts()).unwrap().value;
        let r = kl(&q, &p, &opts()).unwrap().value;
        let j = jeffreys(&p, &q, &opts()).unwrap().value;
        prop_assert!(rel_close(j, f + r, 1e-13));
        let g = generalized_kl(&p, &q, &opts()).unwrap().value;
        prop_assert!(rel_close(g, f, 1e-12), "{g} vs {f}");
        prop_assert!(g >= 0.0);
    }

    #[test]
    fn smoothing_makes_kl_finite(p in dist(2..30), zero in 0usize..100) {
        let mut q = p.clone();
        let z = zero % q.len();
        q[z] = 0.0;
        for s in [
            Smoothing::Additive { alpha: 0.5 },
            Smoothing::Floor { epsilon: 1e-6 },
            Smoothing::MixUniform { alpha: 0.01 },
        ] {
            let o = opts().smoothing(s);
            if q.iter().all(|&x| x == 0.0) { continue; }
            let d = kl(&p, &q, &o).unwrap().value;
            prop_assert!(d.is_finite() && d >= -1e-15, "{s}: {d}");
        }
    }

    #[test]
    fn batches_equal_single_calls(rows in 1usize..6, (p, q) in pair(2..12)) {
        let k = p.len();
        // Build `rows` distinct rows by rotating p and q.
        let mut pm = Vec::new();
        let mut qm = Vec::new();
        for r in 0..rows {
            let mut a = p.clone();
            a.rotate_left(r % k);
            let mut b = q.clone();
            b.rotate_right(r % k);
            pm.extend(a);
            qm.extend(b);
        }
        let pr = Rows::new(&pm, k, Arg::P).unwrap();
        let qr = Rows::new(&qm, k, Arg::Q).unwrap();
        for m in Measure::ALL {
            let rw = rowwise(m, &pr, &qr, &opts()).unwrap();
            let bc = broadcast(m, &pr, &q, &opts()).unwrap();
            let pw = pairwise(m, &pr, &qr, &opts()).unwrap();
            for i in 0..rows {
                let single = m.eval(pr.row(i), Some(qr.row(i)), &opts()).unwrap().value;
                prop_assert_eq!(rw[i].to_bits(), single.to_bits());
                let single_b = m.eval(pr.row(i), Some(&q), &opts()).unwrap().value;
                prop_assert_eq!(bc[i].to_bits(), single_b.to_bits());
                for j in 0..rows {
                    let s = m.eval(pr.row(i), Some(qr.row(j)), &opts()).unwrap().value;
                    prop_assert_eq!(pw[i * rows + j].to_bits(), s.to_bits());
                }
            }
        }
    }

    #[test]
    fn no_input_panics(
        p in prop::collection::vec(any::<f64>(), 0..8),
        q in prop::collection::vec(any::<f64>(), 0..8),
        base in any::<f64>(),
        alpha in any::<f64>(),
    ) {
        let o = Options::default()
            .base(kldiv::Base::Custom(base))
            .smoothing(Smoothing::MixUniform { alpha });
        for m in Measure::ALL {
            let _ = m.eval(&p, Some(&q), &o);
            let _ = m.eval(&p, Some(&q), &Options::default());
            let _ = m.eval(&p, Some(&q), &opts());
        }
        let _ = kldiv::discrete::explain(&p, &q, &Options::default(), 3);
    }
}
