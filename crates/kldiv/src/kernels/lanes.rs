//! Lane-parallel block reductions: the fast path of every discrete measure.
//!
//! A block is processed in groups of [`L`] entries. Each group is loaded into `[f64; L]`
//! arrays (widening `f32`), every lane evaluates its term with branch-free arithmetic (selects
//! instead of branches, [`ln_f64`] instead of the libm call) and adds it to its own
//! compensated accumulator ([`Lanes`], TwoSum per lane). Groups that contain anything unusual
//! — `p > 0` where `q = 0`, or a ratio `p/q` outside the normal range — are handed to the
//! scalar reference for that group, so the fast path never changes semantics. The lanes are
//! merged in a fixed order at the end of the block.
//!
//! The loops are written for the compiler's vectoriser: with AVX2 (selected at run time,
//! see [`super::dispatch`]) one group of 8 lanes is two 256-bit vectors. No fused multiply-add
//! is used (Rust never contracts `a*b + c`), so every ISA produces the same bits.
//!
//! Error bound, relative to the exact value of the measure on the (transformed) inputs: the
//! scalar reference's (a few ulps per term, compensated sums) plus < 1 ulp per term from
//! [`ln_f64`]; for sums of non-negative terms (entropy, cross-entropy, the excess parts of KL,
//! JS, generalized KL) this is ≤ 4·2⁻⁵³ of the value, independent of `n`.

// Lane loops index several arrays with the same `j`: that is the shape the vectoriser wants.
#![allow(clippy::needless_range_loop)]

use super::ln::ln_f64;
use super::terms::excess_series;
use super::{Affine, Partial};
use crate::real::Element;
use crate::sum::Neumaier;

/// Lanes per group.
pub const L: usize = 8;

/// Per-lane compensated accumulators: the portable [`Lanes`] and, on x86-64 with AVX2,
/// `super::avx2::Avx2Lanes`, which performs the same IEEE operations in the same order on
/// 256-bit registers (the portable arrays are carried across iterations as scalars by the
/// compiler, which costs more than the rest of the loop).
pub(crate) trait Accumulator: Copy {
    /// All lanes zero.
    fn new() -> Self;
    /// Adds `x[j]` to lane `j` by TwoSum, keeping each rounding error exactly.
    fn add(&mut self, x: &[f64; L]);
    /// Merges the lanes, in lane order (sums, then compensations), into `acc`.
    fn merge_into(&self, acc: &mut Neumaier);
}

/// One compensated accumulator per lane (portable).
#[derive(Clone, Copy)]
pub(crate) struct Lanes {
    s: [f64; L],
    c: [f64; L],
}

impl Accumulator for Lanes {
    #[inline(always)]
    fn new() -> Lanes {
        Lanes {
            s: [0.0; L],
            c: [0.0; L],
        }
    }

    #[inline(always)]
    fn add(&mut self, x: &[f64; L]) {
        let s = self.s;
        let mut t = [0.0; L];
        for j in 0..L {
            t[j] = s[j] + x[j];
        }
        let mut z = [0.0; L];
        for j in 0..L {
            z[j] = t[j] - s[j];
        }
        let mut e = [0.0; L];
        for j in 0..L {
            e[j] = (s[j] - (t[j] - z[j])) + (x[j] - z[j]);
        }
        let mut c = self.c;
        for j in 0..L {
            c[j] += e[j];
        }
        self.s = t;
        self.c = c;
    }

    #[inline(always)]
    fn merge_into(&self, acc: &mut Neumaier) {
        for j in 0..L {
            acc.add(self.s[j]);
        }
        for j in 0..L {
            acc.add(self.c[j]);
        }
    }
}

/// Branch-free KL excess `e(p, q) = p ln(p/q) − p + q` for `p, q > 0` with `r = p/q` normal:
/// the series form for `|p − q| ≤ q/4`, the direct form elsewhere (as
/// [`super::kl_excess`], with [`ln_f64`]).
#[inline(always)]
fn excess(p: f64, q: f64, r: f64) -> f64 {
    let d = p - q;
    let series = excess_series(p, q, d);
    let direct = (p * ln_f64(r) - d).max(0.0);
    if d.abs() <= 0.25 * q { series } else { direct }
}

#[inline(always)]
fn load<T: Element>(x: &[T], t: Affine) -> [f64; L] {
    let mut out = [0.0; L];
    for j in 0..L {
        out[j] = t.apply(x[j].to_f64());
    }
    out
}

#[inline(always)]
fn abnormal(p: &[f64; L], r: &[f64; L]) -> bool {
    let mut bad = 0u32;
    for j in 0..L {
        let normal = r[j] >= f64::MIN_POSITIVE && r[j] <= f64::MAX;
        bad |= u32::from(p[j] > 0.0) & u32::from(!normal);
    }
    bad != 0
}

/// KL block: `main` gets the excesses, `side` the differences `p − q` (see [`super::kl`]).
#[inline(always)]
pub(crate) fn kl<T: Element, A: Accumulator>(
    p: &[T],
    q: &[T],
    tp: Affine,
    tq: Affine,
    start: usize,
    scalar: impl Fn(&[T], &[T], usize, &mut Partial),
) -> Partial {
    let mut part = Partial::default();
    let mut ex = A::new();
    let mut df = A::new();
    let groups = p.len() / L;
    for g in 0..groups {
        let o = g * L;
        let pv = load(&p[o..o + L], tp);
        let qv = load(&q[o..o + L], tq);
        let mut r = [0.0; L];
        for j in 0..L {
            r[j] = pv[j] / qv[j];
        }
        if abnormal(&pv, &r) {
            scalar(&p[o..o + L], &q[o..o + L], start + o, &mut part);
            continue;
        }
        let mut e = [0.0; L];
        let mut d = [0.0; L];
        for j in 0..L {
            let pos = pv[j] > 0.0;
            let x = excess(pv[j], qv[j], r[j]);
            e[j] = if pos { x } else { 0.0 };
            d[j] = if pos { pv[j] - qv[j] } else { 0.0 };
        }
        ex.add(&e);
        df.add(&d);
    }
    let o = groups * L;
    scalar(&p[o..], &q[o..], start + o, &mut part);
    ex.merge_into(&mut part.main);
    df.merge_into(&mut part.side);
    part
}

/// Generalized-KL block: `main` gets the excesses (`q` where `p = 0`).
#[inline(always)]
pub(crate) fn generalized_kl<T: Element, A: Accumulator>(
    p: &[T],
    q: &[T],
    tp: Affine,
    tq: Affine,
    start: usize,
    scalar: impl Fn(&[T], &[T], usize, &mut Partial),
) -> Partial {
    let mut part = Partial::default();
    let mut ex = A::new();
    let groups = p.len() / L;
    for g in 0..groups {
        let o = g * L;
        let pv = load(&p[o..o + L], tp);
        let qv = load(&q[o..o + L], tq);
        let mut r = [0.0; L];
        for j in 0..L {
            r[j] = pv[j] / qv[j];
        }
        if abnormal(&pv, &r) {
            scalar(&p[o..o + L], &q[o..o + L], start + o, &mut part);
            continue;
        }
        let mut e = [0.0; L];
        for j in 0..L {
            let x = excess(pv[j], qv[j], r[j]);
            e[j] = if pv[j] > 0.0 { x } else { qv[j] };
        }
        ex.add(&e);
    }
    let o = groups * L;
    scalar(&p[o..], &q[o..], start + o, &mut part);
    ex.merge_into(&mut part.main);
    part
}

/// Cross-entropy block: `main` gets `−p ln q`.
#[inline(always)]
pub(crate) fn cross_entropy<T: Element, A: Accumulator>(
    p: &[T],
    q: &[T],
    tp: Affine,
    tq: Affine,
    start: usize,
    scalar: impl Fn(&[T], &[T], usize, &mut Partial),
) -> Partial {
    let mut part = Partial::default();
    let mut acc = A::new();
    let groups = p.len() / L;
    for g in 0..groups {
        let o = g * L;
        let pv = load(&p[o..o + L], tp);
        let qv = load(&q[o..o + L], tq);
        let mut miss = 0u32;
        for j in 0..L {
            miss |= u32::from(pv[j] > 0.0) & u32::from(qv[j] == 0.0);
        }
        if miss != 0 {
            scalar(&p[o..o + L], &q[o..o + L], start + o, &mut part);
            continue;
        }
        let mut t = [0.0; L];
        for j in 0..L {
            let x = -pv[j] * ln_f64(qv[j]);
            t[j] = if pv[j] > 0.0 { x } else { 0.0 };
        }
        acc.add(&t);
    }
    let o = groups * L;
    scalar(&p[o..], &q[o..], start + o, &mut part);
    acc.merge_into(&mut part.main);
    part
}

/// Entropy block: `main` gets `−p ln p`.
#[inline(always)]
pub(crate) fn entropy<T: Element, A: Accumulator>(
    p: &[T],
    tp: Affine,
    scalar: impl Fn(&[T], &mut Partial),
) -> Partial {
    let mut part = Partial::default();
    let mut acc = A::new();
    let groups = p.len() / L;
    for g in 0..groups {
        let o = g * L;
        let pv = load(&p[o..o + L], tp);
        let mut t = [0.0; L];
        for j in 0..L {
            let x = -pv[j] * ln_f64(pv[j]);
            t[j] = if pv[j] > 0.0 { x } else { 0.0 };
        }
        acc.add(&t);
    }
    scalar(&p[groups * L..], &mut part);
    acc.merge_into(&mut part.main);
    part
}

/// Jensen–Shannon block: `main` gets `w_p e(p, m) + w_q e(q, m)`.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
pub(crate) fn js<T: Element, A: Accumulator>(
    p: &[T],
    q: &[T],
    tp: Affine,
    tq: Affine,
    wp: f64,
    wq: f64,
    scalar: impl Fn(&[T], &[T], &mut Partial),
) -> Partial {
    let mut part = Partial::default();
    let mut acc = A::new();
    let groups = p.len() / L;
    for g in 0..groups {
        let o = g * L;
        let pv = load(&p[o..o + L], tp);
        let qv = load(&q[o..o + L], tq);
        let mut m = [0.0; L];
        let mut rp = [0.0; L];
        let mut rq = [0.0; L];
        for j in 0..L {
            m[j] = wp * pv[j] + wq * qv[j];
            rp[j] = pv[j] / m[j];
            rq[j] = qv[j] / m[j];
        }
        if abnormal(&pv, &rp) || abnormal(&qv, &rq) {
            scalar(&p[o..o + L], &q[o..o + L], &mut part);
            continue;
        }
        let mut t = [0.0; L];
        for j in 0..L {
            let ep = if pv[j] > 0.0 {
                excess(pv[j], m[j], rp[j])
            } else {
                m[j]
            };
            let eq = if qv[j] > 0.0 {
                excess(qv[j], m[j], rq[j])
            } else {
                m[j]
            };
            let x = wp * ep + wq * eq;
            t[j] = if m[j] > 0.0 { x } else { 0.0 };
        }
        acc.add(&t);
    }
    scalar(&p[groups * L..], &q[groups * L..], &mut part);
    acc.merge_into(&mut part.main);
    part
}

/// Sum of the raw entries, and whether every entry is finite and `≥ 0` (a NaN, an infinity or
/// a negative value makes the flag false; the caller then finds the first one by a scalar scan).
#[inline(always)]
pub(crate) fn checked_sum<T: Element, A: Accumulator>(x: &[T]) -> (Partial, bool) {
    let mut part = Partial::default();
    let mut acc = A::new();
    let mut bad = 0u32;
    let groups = x.len() / L;
    for g in 0..groups {
        let o = g * L;
        let mut v = [0.0; L];
        for j in 0..L {
            v[j] = x[o + j].to_f64();
            // `!(v >= 0 && v <= MAX)` catches NaN, ±∞ and negatives alike.
            bad |= u32::from(!(0.0..=f64::MAX).contains(&v[j]));
        }
        acc.add(&v);
    }
    for &a in &x[groups * L..] {
        let v = a.to_f64();
        bad |= u32::from(!(0.0..=f64::MAX).contains(&v));
        part.main.add(v);
    }
    acc.merge_into(&mut part.main);
    (part, bad == 0)
}

/// `Σ t(x)` over the transformed entries.
#[inline(always)]
pub(crate) fn mass<T: Element, A: Accumulator>(x: &[T], t: Affine) -> Partial {
    let mut part = Partial::default();
    let mut acc = A::new();
    let groups = x.len() / L;
    for g in 0..groups {
        let o = g * L;
        acc.add(&load(&x[o..o + L], t));
    }
    for &a in &x[groups * L..] {
        part.main.add(t.apply(a.to_f64()));
    }
    acc.merge_into(&mut part.main);
    part
}
