//! The all-`f32` row kernels of the losses against the `f64` path on the same (f32-rounded)
//! inputs, at LLM-like vocabulary sizes: the documented accuracy bound of `loss/rows.rs`
//! (`u = 2⁻²⁴`; KL to `10u·(E|x − y| + 2)` absolute, probabilities in the gradients to
//! `(8 + 2|z|)u` relative, `z` their exponent), for every divergence, temperatures, and logits up to ±1e4.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use kldiv::loss::{Divergence, Gradients, LossOptions, Reduction, Teacher, divergence};

const U: f64 = 1.0 / 16_777_216.0;

/// Deterministic standard-normal-ish logits (sum of 4 uniforms, LCG), times `scale`.
fn logits(n: usize, seed: u64, scale: f64) -> Vec<f32> {
    let mut s = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    let mut next = move || {
        s = s
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (s >> 11) as f64 / (1u64 << 53) as f64
    };
    (0..n)
        .map(|_| {
            let z = (next() + next() + next() + next() - 2.0) * 3f64.sqrt();
            (z * scale) as f32
        })
        .collect()
}

fn widen(x: &[f32]) -> Vec<f64> {
    x.iter().map(|&v| v as f64).collect()
}

struct Run {
    rows: Vec<f64>,
    grad: Vec<f64>,
}

fn run32(t: &[f32], s: &[f32], v: usize, opts: &LossOptions<'_>) -> Run {
    let mut g = vec![0f32; s.len()];
    let l = divergence(Teacher::Logits(t), s, v, opts, Gradients::student(&mut g)).unwrap();
    Run {
        rows: l.rows,
        grad: widen(&g),
    }
}

fn run64(t: &[f64], s: &[f64], v: usize, opts: &LossOptions<'_>) -> Run {
    let mut g = vec![0f64; s.len()];
    let l = divergence(Teacher::Logits(t), s, v, opts, Gradients::student(&mut g)).unwrap();
    Run {
        rows: l.rows,
        grad: g,
    }
}

/// `E_P|x − y|` and the softmaxes of one row (f64), at temperature `temp`.
fn row_facts(t: &[f64], s: &[f64], temp: f64) -> (f64, Vec<f64>, Vec<f64>) {
    let soft = |x: &[f64]| {
        let m = x.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
        let e: Vec<f64> = x.iter().map(|&a| ((a - m) / temp).exp()).collect();
        let z: f64 = e.iter().sum();
        e.into_iter().map(|v| v / z).collect::<Vec<f64>>()
    };
    let (p, q) = (soft(t), soft(s));
    let e = p
        .iter()
        .zip(&q)
        .zip(t.iter().zip(s))
        .map(|((pi, qi), (a, b))| (pi + qi) * ((a - b) / temp).abs())
        .sum::<f64>();
    (e, p, q)
}

fn check(b: usize, v: usize, scale: f64, temp: f64) {
    let t = logits(b * v, 1 + v as u64, scale);
    let s = logits(b * v, 2 + v as u64, scale);
    let (t64, s64) = (widen(&t), widen(&s));
    for div in [
        Divergence::Forward,
        Divergence::Reverse,
        Divergence::Jsd { beta: 0.5 },
        Divergence::Jsd { beta: 0.1 },
    ] {
        let opts = LossOptions::new(div)
            .temperature(temp)
            .reduction(Reduction::Sum);
        let (a, w) = (run32(&t, &s, v, &opts), run64(&t64, &s64, v, &opts));
        for r in 0..b {
            let (tr, sr) = (&t64[r * v..(r + 1) * v], &s64[r * v..(r + 1) * v]);
            let (e, p, q) = row_facts(tr, sr, temp);
            // The f64 path itself against a plain f64 evaluation from the softmaxes (long rows
            // exercise every stage of the kernels' lane sums).
            let want = plain_divergence(div, tr, sr, temp);
            assert!(
                (w.rows[r] - want).abs() <= 1e-11 * (1.0 + e),
                "{div:?} V={v} T={temp} row {r}: f64 path {} vs plain {want}",
                w.rows[r]
            );
            let bound = 10.0 * U * (e + 2.0);
            let err = (a.rows[r] - w.rows[r]).abs();
            assert!(
                err <= bound,
                "{div:?} V={v} scale={scale} T={temp} row {r}: {} vs {} (err {err:e} > {bound:e})",
                a.rows[r],
                w.rows[r]
            );
            if matches!(div, Divergence::Forward) {
                // ∂/∂s = (Q − P)/T: each probability to (8 + 2|z|)u relative, z its exponent
                // (s − max s)/T, plus the rounding of the result.
                let zt = exponents(tr, temp);
                let zs = exponents(sr, temp);
                for i in 0..v {
                    let k = r * v + i;
                    let (g32, g64) = (a.grad[k], w.grad[k]);
                    let tol = U * ((8.0 + 2.0 * zt[i]) * p[i] + (8.0 + 2.0 * zs[i]) * q[i]) / temp
                        + U * g64.abs()
                        + 1e-45;
                    assert!(
                        (g32 - g64).abs() <= tol,
                        "grad V={v} T={temp} [{r},{i}]: {g32:e} vs {g64:e} (tol {tol:e})"
                    );
                }
            }
        }
    }
}

/// The divergence of one row from its log-softmaxes at temperature `temp`, term by term in
/// `f64` (`0 ln 0 = 0`).
fn plain_divergence(div: Divergence, t: &[f64], s: &[f64], temp: f64) -> f64 {
    let log_soft = |x: &[f64]| {
        let m = x.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
        let z = x.iter().map(|&a| ((a - m) / temp).exp()).sum::<f64>().ln();
        x.iter().map(|&a| (a - m) / temp - z).collect::<Vec<f64>>()
    };
    let (lp, lq) = (log_soft(t), log_soft(s));
    let kl = |a: &[f64], b: &[f64]| -> f64 {
        a.iter()
            .zip(b)
            .map(|(&x, &y)| {
                if x > f64::NEG_INFINITY {
                    x.exp() * (x - y)
                } else {
                    0.0
                }
            })
            .sum()
    };
    match div {
        Divergence::Forward => kl(&lp, &lq),
        Divergence::Reverse => kl(&lq, &lp),
        Divergence::Jsd { beta } => {
            let lm: Vec<f64> = lp
                .iter()
                .zip(&lq)
                .map(|(&x, &y)| {
                    let (a, b) = (beta.ln() + x, (1.0 - beta).ln() + y);
                    let h = a.max(b);
                    h + ((a - h).exp() + (b - h).exp()).ln()
                })
                .collect();
            beta * kl(&lp, &lm) + (1.0 - beta) * kl(&lq, &lm)
        }
    }
}

/// `|x − max x| / T` for every entry.
fn exponents(x: &[f64], temp: f64) -> Vec<f64> {
    let m = x.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    x.iter().map(|&a| (m - a) / temp).collect()
}

#[test]
fn f32_rows_match_f64_within_the_documented_bound() {
    check(3, 32_000, 2.0, 1.0);
    check(2, 4099, 2.0, 0.7);
    check(2, 1000, 8.0, 2.0);
    check(1, 128_256, 2.0, 1.0);
}

#[test]
fn f32_rows_with_huge_logits_stay_accurate() {
    // Logits of size 1e4: the exponents are formed as (s − max)·(1/T), exact where it matters.
    check(2, 777, 1e4, 1.0);
    check(1, 777, 1e4, 3.0);
}

#[test]
fn f32_rows_are_deterministic_across_thread_counts() {
    let (b, v) = (8, 5000);
    let t = logits(b * v, 11, 2.0);
    let s = logits(b * v, 12, 2.0);
    let opts = LossOptions::new(Divergence::Jsd { beta: 0.3 });
    let a = run32(&t, &s, v, &opts);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let b1 = pool.install(|| run32(&t, &s, v, &opts));
    for (x, y) in a.rows.iter().zip(&b1.rows) {
        assert_eq!(x.to_bits(), y.to_bits());
    }
    for (x, y) in a.grad.iter().zip(&b1.grad) {
        assert_eq!(x.to_bits(), y.to_bits());
    }
}

/// Value and both gradients of one row (`f32`), reduction `sum`.
fn row32(t: &[f32], s: &[f32], div: Divergence, temp: f64) -> (f64, Vec<f32>, Vec<f32>) {
    let (mut gs, mut gt) = (vec![0f32; s.len()], vec![0f32; s.len()]);
    let opts = LossOptions::new(div)
        .temperature(temp)
        .reduction(Reduction::Sum);
    let l = divergence(
        Teacher::Logits(t),
        s,
        s.len(),
        &opts,
        Gradients::both(&mut gs, &mut gt),
    )
    .unwrap();
    (l.value, gs, gt)
}

/// Pass 1 evaluates the exponentials under the running maximum of the row so far (one pass,
/// an online log-sum-exp by blocks) and pass 2 rescales them: a row whose maximum comes last
/// (every chunk a new maximum: more changes than are recorded, so the later blocks are
/// evaluated again), a row with a masked prefix, and the same rows reversed (maximum first)
/// must agree, value and gradients, and match the plain evaluation.
#[test]
fn rows_agree_whatever_the_position_of_their_maximum() {
    // Ascending logits: each chunk of 2048 entries holds a new maximum, 40 of them (more
    // changes than the kernels record: the later blocks are evaluated again).
    let v = 2048 * 40 + 29;
    let rising = |scale: f32, off: f32| -> Vec<f32> {
        (0..v)
            .map(|i| off + scale * (i as f32 / v as f32) + 0.01 * ((i * 7919 % 13) as f32))
            .collect()
    };
    let mut cases = vec![(rising(30.0, 0.0), rising(20.0, 1.0))];
    // A masked prefix on either side longer than a chunk (the running maximum is −∞ there),
    // then ordinary logits.
    let (mut a, mut b) = (logits(v, 11, 2.0), logits(v, 12, 2.0));
    a[..2240].fill(f32::NEG_INFINITY);
    b[..2240].fill(f32::NEG_INFINITY);
    cases.push((a, b));
    for (t, s) in cases {
        let (tr, sr): (Vec<f32>, Vec<f32>) = (
            t.iter().rev().copied().collect(),
            s.iter().rev().copied().collect(),
        );
        for div in [
            Divergence::Forward,
            Divergence::Reverse,
            Divergence::Jsd { beta: 0.3 },
        ] {
            for temp in [1.0, 0.6] {
                let (x, gs, gt) = row32(&t, &s, div, temp);
                let (y, hs, ht) = row32(&tr, &sr, div, temp);
                let plain = plain_divergence(div, &widen(&t), &widen(&s), temp);
                let scale = gs
                    .iter()
                    .chain(&gt)
                    .fold(0f64, |m, &g| m.max((g as f64).abs()));
                assert!(
                    x.is_finite() && (x - plain).abs() <= 1e-5 * (1.0 + plain),
                    "{div:?} T={temp}: {x} vs plain {plain}"
                );
                assert!(
                    (x - y).abs() <= 1e-6 * (1.0 + x),
                    "{div:?} T={temp}: {x} vs reversed {y}"
                );
                for (g, h) in [(&gs, &hs), (&gt, &ht)] {
                    for (i, (&a, &b)) in g.iter().zip(h.iter().rev()).enumerate() {
                        assert!(a.is_finite(), "{div:?} T={temp} [{i}] = {a}");
                        assert!(
                            ((a - b) as f64).abs() <= 1e-5 * scale,
                            "{div:?} T={temp} [{i}]: {a:e} vs reversed {b:e}"
                        );
                    }
                }
            }
        }
    }
}

/// Whether a term counts in an infinite KL must not depend on where the maximum lies: a
/// teacher zero (`−∞` logit) under student mass that underflows to 0 in `f32` against the
/// row's maximum counts in neither order.
#[test]
fn an_underflowing_term_does_not_make_the_kl_infinite_in_either_order() {
    let v = 64 * 8;
    let mut s = logits(v, 21, 1.0);
    let mut t = logits(v, 22, 1.0);
    // Block 0 entirely far below the rest of the student's row: its own maximum is −300.
    for x in &mut s[..64] {
        *x = -300.0 - x.abs();
    }
    t[5] = f32::NEG_INFINITY;
    for (t, s) in [
        (t.clone(), s.clone()),
        (
            t.iter().rev().copied().collect(),
            s.iter().rev().copied().collect(),
        ),
    ] {
        let (x, gs, gt) = row32(&t, &s, Divergence::Reverse, 1.0);
        assert!(x.is_finite(), "reverse KL {x}");
        assert!(gs.iter().chain(&gt).all(|g| g.is_finite()));
    }
    // And a term that does not underflow makes it infinite in both orders.
    let mut s2 = s.clone();
    s2[5] = 0.0;
    for (t, s) in [
        (t.clone(), s2.clone()),
        (
            t.iter().rev().copied().collect(),
            s2.iter().rev().copied().collect(),
        ),
    ] {
        let (x, gs, _) = row32(&t, &s, Divergence::Reverse, 1.0);
        assert_eq!(x, f64::INFINITY);
        assert!(gs.iter().all(|&g| g == 0.0));
    }
}
