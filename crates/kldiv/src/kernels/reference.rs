//! The scalar reference loops: one term at a time, `f64::ln`, one compensated sum.
//!
//! They define what the lane-parallel kernels compute, serve those kernels for the groups they
//! hand back (tails, missing support, extreme ratios), and are what the tests compare the fast
//! path with. Each `*_into` function adds the terms of a slice that starts at global index
//! `start` to a block's partial sums.

use super::{Affine, Partial, SupportedSum, kl_excess};
use crate::real::Element;

pub(crate) fn kl_into<T: Element>(
    p: &[T],
    q: &[T],
    tp: Affine,
    tq: Affine,
    start: usize,
    acc: &mut Partial,
) {
    for (k, (&a, &b)) in p.iter().zip(q).enumerate() {
        let pv = tp.apply(a.to_f64());
        if pv == 0.0 {
            continue;
        }
        let qv = tq.apply(b.to_f64());
        if qv == 0.0 {
            acc.miss(start + k, pv);
            continue;
        }
        acc.main.add(kl_excess(pv, qv));
        acc.side.add(pv - qv);
    }
}

pub(crate) fn cross_entropy_into<T: Element>(
    p: &[T],
    q: &[T],
    tp: Affine,
    tq: Affine,
    start: usize,
    acc: &mut Partial,
) {
    for (k, (&a, &b)) in p.iter().zip(q).enumerate() {
        let pv = tp.apply(a.to_f64());
        if pv == 0.0 {
            continue;
        }
        let qv = tq.apply(b.to_f64());
        if qv == 0.0 {
            acc.miss(start + k, pv);
            continue;
        }
        acc.main.add(-pv * qv.ln());
    }
}

pub(crate) fn generalized_kl_into<T: Element>(
    p: &[T],
    q: &[T],
    tp: Affine,
    tq: Affine,
    start: usize,
    acc: &mut Partial,
) {
    for (k, (&a, &b)) in p.iter().zip(q).enumerate() {
        let pv = tp.apply(a.to_f64());
        let qv = tq.apply(b.to_f64());
        if pv == 0.0 {
            acc.main.add(qv);
            continue;
        }
        if qv == 0.0 {
            acc.miss(start + k, pv);
            continue;
        }
        acc.main.add(kl_excess(pv, qv));
    }
}

pub(crate) fn entropy_into<T: Element>(p: &[T], tp: Affine, acc: &mut Partial) {
    for &a in p {
        let pv = tp.apply(a.to_f64());
        if pv > 0.0 {
            acc.main.add(-pv * pv.ln());
        }
    }
}

pub(crate) fn js_into<T: Element>(
    p: &[T],
    q: &[T],
    tp: Affine,
    tq: Affine,
    wp: f64,
    wq: f64,
    acc: &mut Partial,
) {
    for (&a, &b) in p.iter().zip(q) {
        let pv = tp.apply(a.to_f64());
        let qv = tq.apply(b.to_f64());
        let m = wp * pv + wq * qv;
        if m == 0.0 {
            continue;
        }
        if wp > 0.0 {
            acc.main
                .add(wp * if pv > 0.0 { kl_excess(pv, m) } else { m });
        }
        if wq > 0.0 {
            acc.main
                .add(wq * if qv > 0.0 { kl_excess(qv, m) } else { m });
        }
    }
}

/// Reference `Σ p ln(p/q)` (see [`super::kl`]).
pub fn kl<T: Element>(p: &[T], q: &[T], tp: Affine, tq: Affine) -> SupportedSum {
    let mut acc = Partial::default();
    kl_into(p, q, tp, tq, 0, &mut acc);
    acc.finish()
}

/// Reference `−Σ p ln q` (see [`super::cross_entropy`]).
pub fn cross_entropy<T: Element>(p: &[T], q: &[T], tp: Affine, tq: Affine) -> SupportedSum {
    let mut acc = Partial::default();
    cross_entropy_into(p, q, tp, tq, 0, &mut acc);
    acc.finish()
}

/// Reference generalized KL (see [`super::generalized_kl`]).
pub fn generalized_kl<T: Element>(p: &[T], q: &[T], tp: Affine, tq: Affine) -> SupportedSum {
    let mut acc = Partial::default();
    generalized_kl_into(p, q, tp, tq, 0, &mut acc);
    acc.finish()
}

/// Reference entropy (see [`super::entropy`]).
pub fn entropy<T: Element>(p: &[T], tp: Affine) -> f64 {
    let mut acc = Partial::default();
    entropy_into(p, tp, &mut acc);
    acc.finish().finite
}

/// Reference Jensen–Shannon divergence (see [`super::js`]).
pub fn js<T: Element>(p: &[T], q: &[T], tp: Affine, tq: Affine, wp: f64, wq: f64) -> f64 {
    let mut acc = Partial::default();
    js_into(p, q, tp, tq, wp, wq, &mut acc);
    acc.finish().finite
}
