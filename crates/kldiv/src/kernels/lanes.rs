//! Lane-parallel block reductions: the fast path of every discrete measure.
//!
//! A block is processed in groups of [`L`] entries. Each group is loaded into `[f64; L]`
//! arrays (widening `f32`; the transform is skipped when it is the identity), and every lane
//! evaluates its term with branch-free arithmetic (selects instead of branches):
//!
//! * KL, generalized KL and JS use [`excess`], the KL excess `e(p, q) = p ln(p/q) − p + q`
//!   with a single division: the exponents of `p` and `q` give `k` with
//!   `p/q = 2^k·(a/b)`, `a/b ∈ [1/√2, √2]`, and `u = (a − b)/(a + b)` feeds both the
//!   logarithm `k ln 2 + 2 atanh u` and, for `k = 0`, the cancellation-free form
//!   `d·u + p·u·R(u²)` of the excess (no separate series, no separate ratio);
//! * entropy and cross-entropy use [`ln_normal`], [`super::ln_f64`] without its special-value
//!   selects (one division).
//!
//! Groups that contain anything unusual — `p > 0` where `q = 0`, or a zero, subnormal or
//! non-finite value where a term needs a logarithm — are handed to the scalar reference for
//! that group, so the fast path never changes semantics.
//!
//! Sums: the differences `p − q` of KL (both signs) enter a per-lane TwoSum accumulator
//! ([`Lanes`]) for every group; the other terms (non-negative for distributions) are first
//! added plainly per lane over a chunk of [`CHUNK`] groups, and each chunk sum enters the
//! TwoSum lanes. The lanes are merged in a fixed order at the end of the block.
//!
//! The loops are written for the compiler's vectoriser: with AVX2 (selected at run time, see
//! [`super::dispatch`]) one group of 8 lanes is two 256-bit vectors, with AVX-512 one. The
//! AVX2 and AVX-512 instantiations evaluate the terms with fused multiply-adds
//! ([`Accumulator::FMA`]) and return the same bits; the portable one (no FMA) can differ from
//! them by a few ulps of the terms.
//!
//! Error bound, relative to the exact value of the measure on the (transformed) inputs: each
//! term is within 24 ulps of its exact value (the KL excess, tested against the scalar
//! reference's [`super::kl_excess`]; a logarithm < 1 ulp on the portable path and < 1.5 ulp with
//! FMA), the chunk sums add at most `(CHUNK − 1)·2⁻⁵³` relative, and the compensated merge
//! `2·2⁻⁵³`; so for sums of non-negative terms (entropy and cross-entropy of distributions,
//! the excess part of KL, JS, generalized KL) the error is ≤ 30·2⁻⁵³ ≈ 3.4e-15 of the value,
//! independent of `n`. The difference part `Σ (p − q)` of KL keeps its TwoSum per term
//! (`p − q` is exact where `p/q ∈ [1/2, 2]`).

// Lane loops index several arrays with the same `j`: that is the shape the vectoriser wants.
#![allow(clippy::needless_range_loop)]

use super::ln::{EXP_BIAS_MAGIC, LG1, LG2, LG3, LG4, LG5, LG6, LG7, LN2_HI, LN2_LO};
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
    /// Whether the kernels instantiated with this accumulator evaluate their terms with fused
    /// multiply-adds (`f64::mul_add`): only where the code is compiled for FMA, since
    /// elsewhere `mul_add` is a library call.
    const FMA: bool;
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
    const FMA: bool = false;

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

// The logarithm inside [`excess`] and [`ln_normal`] uses fdlibm's constants (see
// `super::ln`): `ln 2` in two parts so that `k·LN2_HI` is exact, and the minimax coefficients
// of `R(z) ≈ (ln((1 + u)/(1 − u)) − 2u)/u`, `z = u²`, on `|u| ≤ 0.1716` (error < 2⁻⁵⁸·⁴⁵).
const MANTISSA: u64 = 0x000f_ffff_ffff_ffff;
const ONE_BITS: u64 = 0x3ff0_0000_0000_0000;
/// `1.5·2⁵²`: adding a small signed integer to its bit pattern and subtracting it again
/// converts the integer to `f64` exactly.
const INT_MAGIC: f64 = 6_755_399_441_055_744.0;

/// Branch-free KL excess `e(p, q) = p ln(p/q) − p + q ≥ 0` for normal `p, q > 0`, with one
/// division and no call.
///
/// Write `p = m_p·2^{e_p}`, `q = m_q·2^{e_q}` with mantissas `m ∈ [1, 2)`, and choose
/// `k ∈ {e_p − e_q − 1, e_p − e_q, e_p − e_q + 1}` and `a = m_p·2^i`, `b = m_q·2^j`
/// (`i, j ∈ {0, 1}`, exact) such that `p/q = 2^k·a/b` with `a/b ∈ [1/√2, √2]`. Then
/// `u = (a − b)/(a + b)` (`a − b` is exact by Sterbenz's lemma, one rounding in the sum and
/// one in the quotient), `|u| ≤ 0.1716`, and
///
/// ```text
/// ln(p/q) = k·ln 2 + 2 atanh u = k·ln 2 + 2u + u·R(u²)
/// ```
///
/// with fdlibm's minimax `R`. For `k = 0` (that is `p/q ∈ [1/√2, √2]`) the excess is evaluated
/// without cancellation as `d·u + p·u·R(u²)` (`d = p − q`, exact there, and `2pu − d = d·u`
/// because `u = d/(p + q)`): both terms have the sign of `d`, so `e` keeps its relative
/// accuracy however close `p` and `q` are. For `k ≠ 0`, `e ≥ 0.048·q` and the direct form
/// `p·ln(p/q) − d` loses at most a factor of about 3 to cancellation.
///
/// Error: a few ulps of `e` (at most about 12 in the direct form). Finite garbage (never NaN)
/// for zero, subnormal or infinite inputs: callers mask such lanes or hand their group to the
/// scalar reference.
#[inline(always)]
pub(crate) fn excess(fma: bool, p: f64, q: f64) -> f64 {
    let (bp, bq) = (p.to_bits(), q.to_bits());
    let mp = f64::from_bits((bp & MANTISSA) | ONE_BITS);
    let mq = f64::from_bits((bq & MANTISSA) | ONE_BITS);
    // e_p − e_q as an exact f64 (both biased exponents are in 0..2047).
    let k0 = f64::from_bits(
        (bp >> 52)
            .wrapping_sub(bq >> 52)
            .wrapping_add(INT_MAGIC.to_bits()),
    ) - INT_MAGIC;
    let hi = mp > std::f64::consts::SQRT_2 * mq;
    let lo = std::f64::consts::SQRT_2 * mp < mq;
    let a = if lo { mp + mp } else { mp };
    let b = if hi { mq + mq } else { mq };
    let k = k0
        + if hi {
            1.0
        } else if lo {
            -1.0
        } else {
            0.0
        };
    let u = (a - b) / (a + b);
    let z = u * u;
    let w = z * z;
    let r = madd(
        fma,
        z,
        madd(fma, w, madd(fma, w, madd(fma, w, LG7, LG5), LG3), LG1),
        w * madd(fma, w, madd(fma, w, LG6, LG4), LG2),
    );
    let t = u * r;
    let d = p - q;
    let near = madd(fma, d, u, p * t);
    let l = madd(fma, k, LN2_HI, madd(fma, k, LN2_LO, (u + u) + t));
    let far = madd(fma, p, l, -d).max(0.0);
    if k == 0.0 { near } else { far }
}

/// `a·b + c`, fused if `fma` (a constant wherever the kernels are instantiated, so the
/// choice is made at compile time).
#[inline(always)]
fn madd(fma: bool, a: f64, b: f64, c: f64) -> f64 {
    if fma { a.mul_add(b, c) } else { a * b + c }
}

/// `ln x` for normal `x` (finite garbage otherwise): [`ln_f64`]'s reduction and polynomial
/// without its special-value selects, fused if `fma`. Without `fma` it returns exactly
/// [`ln_f64`]'s bits (the same operations in the same order); with `fma` the few fused
/// roundings keep it within [`ln_f64`]'s bound (checked against it in the tests below).
#[inline(always)]
pub(crate) fn ln_normal(fma: bool, x: f64) -> f64 {
    let ui = x
        .to_bits()
        .wrapping_add(0x3ff0_0000_0000_0000 - 0x3fe6_a09e_0000_0000);
    let dk = f64::from_bits(0x4330_0000_0000_0000 | (ui >> 52)) - EXP_BIAS_MAGIC;
    let m = f64::from_bits((ui & MANTISSA) + 0x3fe6_a09e_0000_0000);
    let f = m - 1.0;
    let hfsq = 0.5 * f * f;
    let s = f / (2.0 + f);
    let z = s * s;
    let w = z * z;
    let t1 = w * madd(fma, w, madd(fma, w, LG6, LG4), LG2);
    let t2 = z * madd(fma, w, madd(fma, w, madd(fma, w, LG7, LG5), LG3), LG1);
    let r = t2 + t1;
    let y = madd(fma, s, hfsq + r, dk * LN2_LO) - hfsq + f;
    madd(fma, dk, LN2_HI, y)
}

/// Whether some lane has `p > 0` with `x` outside the normal range.
#[inline(always)]
fn abnormal_at(p: &[f64; L], x: &[f64; L]) -> bool {
    let mut bad = 0u32;
    for j in 0..L {
        let normal = u32::from(x[j] >= f64::MIN_POSITIVE) & u32::from(x[j] <= f64::MAX);
        bad |= u32::from(p[j] > 0.0) & (normal ^ 1);
    }
    bad != 0
}

/// The entries of one group, widened to `f64`, through the transform `t` — or unchanged when
/// `ID` says that `t` is the identity (which maps every non-negative entry to itself; `−0`
/// stays `−0`, which every kernel treats as `0`).
#[inline(always)]
fn load<T: Element, const ID: bool>(x: &[T], t: Affine) -> [f64; L] {
    let mut out = [0.0; L];
    for j in 0..L {
        out[j] = if ID {
            x[j].to_f64()
        } else {
            t.apply(x[j].to_f64())
        };
    }
    out
}

/// Whether some lane has `x > 0` with `x` or `y` outside the normal range (zero, subnormal,
/// infinite or NaN): [`excess`] does not apply there.
#[inline(always)]
fn abnormal(x: &[f64; L], y: &[f64; L]) -> bool {
    let mut bad = 0u32;
    for j in 0..L {
        // Bitwise `&` (not `&&`): no short-circuit branches, so the lanes stay vectorised.
        let normal = u32::from(x[j] >= f64::MIN_POSITIVE)
            & u32::from(y[j] >= f64::MIN_POSITIVE)
            & u32::from(x[j] <= f64::MAX)
            & u32::from(y[j] <= f64::MAX);
        bad |= u32::from(x[j] > 0.0) & (normal ^ 1);
    }
    bad != 0
}

/// Groups per chunk: sums of non-negative terms are first added plainly per lane over the
/// groups of a chunk (at most `CHUNK − 1` roundings, each ≤ 2⁻⁵³ of the partial sum), and each
/// chunk sum enters the compensated lanes once.
const CHUNK: usize = 4;

/// Adds the terms `f(o)` of the groups at offsets `o` to `acc`, plainly within each chunk of
/// [`CHUNK`] groups and compensated across chunks. `f` returns zeros for a group it hands to
/// the scalar reference. The chunk sum is a local array returned by value, so it stays in
/// registers (a `&mut` sum written under a mask would go through memory).
#[inline(always)]
fn chunks<A: Accumulator>(groups: usize, acc: &mut A, mut f: impl FnMut(usize) -> [f64; L]) {
    let mut g = 0;
    while g < groups {
        let end = (g + CHUNK).min(groups);
        let mut s = [0.0; L];
        for h in g..end {
            let t = f(h * L);
            for j in 0..L {
                s[j] += t[j];
            }
        }
        acc.add(&s);
        g = end;
    }
}

/// Whether both transforms are the identity (then the kernels skip them).
#[inline(always)]
fn identity(tp: Affine, tq: Affine) -> bool {
    tp == Affine::IDENTITY && tq == Affine::IDENTITY
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
    if identity(tp, tq) {
        kl_with::<T, A, true>(p, q, tp, tq, start, scalar)
    } else {
        kl_with::<T, A, false>(p, q, tp, tq, start, scalar)
    }
}

#[inline(always)]
fn kl_with<T: Element, A: Accumulator, const ID: bool>(
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
    chunks(groups, &mut ex, |o| {
        let pv = load::<T, ID>(&p[o..o + L], tp);
        let qv = load::<T, ID>(&q[o..o + L], tq);
        if abnormal(&pv, &qv) {
            scalar(&p[o..o + L], &q[o..o + L], start + o, &mut part);
            return [0.0; L];
        }
        let mut e = [0.0; L];
        let mut d = [0.0; L];
        for j in 0..L {
            let pos = pv[j] > 0.0;
            let x = excess(A::FMA, pv[j], qv[j]);
            e[j] = if pos { x } else { 0.0 };
            d[j] = if pos { pv[j] - qv[j] } else { 0.0 };
        }
        // The differences have both signs: they keep one TwoSum per group.
        df.add(&d);
        e
    });
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
    if identity(tp, tq) {
        generalized_kl_with::<T, A, true>(p, q, tp, tq, start, scalar)
    } else {
        generalized_kl_with::<T, A, false>(p, q, tp, tq, start, scalar)
    }
}

#[inline(always)]
fn generalized_kl_with<T: Element, A: Accumulator, const ID: bool>(
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
    chunks(groups, &mut ex, |o| {
        let pv = load::<T, ID>(&p[o..o + L], tp);
        let qv = load::<T, ID>(&q[o..o + L], tq);
        if abnormal(&pv, &qv) {
            scalar(&p[o..o + L], &q[o..o + L], start + o, &mut part);
            return [0.0; L];
        }
        let mut e = [0.0; L];
        for j in 0..L {
            let x = excess(A::FMA, pv[j], qv[j]);
            e[j] = if pv[j] > 0.0 { x } else { qv[j] };
        }
        e
    });
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
    if identity(tp, tq) {
        cross_entropy_with::<T, A, true>(p, q, tp, tq, start, scalar)
    } else {
        cross_entropy_with::<T, A, false>(p, q, tp, tq, start, scalar)
    }
}

#[inline(always)]
fn cross_entropy_with<T: Element, A: Accumulator, const ID: bool>(
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
    chunks(groups, &mut acc, |o| {
        let pv = load::<T, ID>(&p[o..o + L], tp);
        let qv = load::<T, ID>(&q[o..o + L], tq);
        // Missing support (`q = 0`) and subnormal `q` go to the scalar reference.
        if abnormal_at(&pv, &qv) {
            scalar(&p[o..o + L], &q[o..o + L], start + o, &mut part);
            return [0.0; L];
        }
        let mut t = [0.0; L];
        for j in 0..L {
            let x = -pv[j] * ln_normal(A::FMA, qv[j]);
            t[j] = if pv[j] > 0.0 { x } else { 0.0 };
        }
        t
    });
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
    if tp == Affine::IDENTITY {
        entropy_with::<T, A, true>(p, tp, scalar)
    } else {
        entropy_with::<T, A, false>(p, tp, scalar)
    }
}

#[inline(always)]
fn entropy_with<T: Element, A: Accumulator, const ID: bool>(
    p: &[T],
    tp: Affine,
    scalar: impl Fn(&[T], &mut Partial),
) -> Partial {
    let mut part = Partial::default();
    let mut acc = A::new();
    let groups = p.len() / L;
    chunks(groups, &mut acc, |o| {
        let pv = load::<T, ID>(&p[o..o + L], tp);
        if abnormal_at(&pv, &pv) {
            scalar(&p[o..o + L], &mut part);
            return [0.0; L];
        }
        let mut t = [0.0; L];
        for j in 0..L {
            let x = -pv[j] * ln_normal(A::FMA, pv[j]);
            t[j] = if pv[j] > 0.0 { x } else { 0.0 };
        }
        t
    });
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
    chunks(groups, &mut acc, |o| {
        let pv = load::<T, false>(&p[o..o + L], tp);
        let qv = load::<T, false>(&q[o..o + L], tq);
        let mut m = [0.0; L];
        for j in 0..L {
            m[j] = wp * pv[j] + wq * qv[j];
        }
        if abnormal(&pv, &m) || abnormal(&qv, &m) {
            scalar(&p[o..o + L], &q[o..o + L], &mut part);
            return [0.0; L];
        }
        let mut t = [0.0; L];
        for j in 0..L {
            let ep = if pv[j] > 0.0 {
                excess(A::FMA, pv[j], m[j])
            } else {
                m[j]
            };
            let eq = if qv[j] > 0.0 {
                excess(A::FMA, qv[j], m[j])
            } else {
                m[j]
            };
            let x = wp * ep + wq * eq;
            t[j] = if m[j] > 0.0 { x } else { 0.0 };
        }
        t
    });
    scalar(&p[groups * L..], &q[groups * L..], &mut part);
    acc.merge_into(&mut part.main);
    part
}

/// `x` where it is `≥ 0`, NaN where it is negative or NaN: summed instead of `x`, it makes a
/// total non-finite iff some entry is NaN, infinite or negative (or the total overflows). This
/// validates the entries with one compare and one select per lane and no reduction of flags.
#[inline(always)]
fn poisoned(x: f64) -> f64 {
    if x >= 0.0 { x } else { f64::NAN }
}

/// Whether the first `k` raw totals of a validating pass reveal a bad entry (see [`poisoned`]).
#[inline(always)]
fn invalid_totals(part: &Partial, k: usize) -> bool {
    part.totals[..k].iter().any(|t| !t.total().is_finite())
}

/// [`chunks`] for `K` sums at once: `f` returns one array of terms per sum.
#[inline(always)]
fn chunks_n<A: Accumulator, const K: usize>(
    groups: usize,
    acc: &mut [A; K],
    mut f: impl FnMut(usize) -> [[f64; L]; K],
) {
    let mut g = 0;
    while g < groups {
        let end = (g + CHUNK).min(groups);
        let mut s = [[0.0; L]; K];
        for h in g..end {
            let t = f(h * L);
            for k in 0..K {
                for j in 0..L {
                    s[k][j] += t[k][j];
                }
            }
        }
        for k in 0..K {
            acc[k].add(&s[k]);
        }
        g = end;
    }
}

/// The KL block (`KL`) or the cross-entropy block of raw entries (identity transforms),
/// validating the entries on the way: the terms and their sums are exactly those of
/// [`kl`]/[`cross_entropy`] with identity transforms; in addition `totals` gets the raw sums
/// of `p` and `q` (plain within a chunk, compensated across chunks; entries are `≥ 0` when
/// valid) and `invalid` whether some entry is NaN, infinite or negative, or a total overflows
/// (the sums are then meaningless and the caller falls back to the validating scalar path). `scalar` is called
/// with offsets relative to the block.
#[inline(always)]
pub(crate) fn validating<T: Element, A: Accumulator, const KL: bool>(
    p: &[T],
    q: &[T],
    scalar: impl Fn(&[T], &[T], usize, &mut Partial),
) -> Partial {
    let mut part = Partial::default();
    let mut acc = [A::new(), A::new(), A::new()];
    let mut df = A::new();
    let groups = p.len() / L;
    let id = Affine::IDENTITY;
    chunks_n(groups, &mut acc, |o| {
        let pv = load::<T, true>(&p[o..o + L], id);
        let qv = load::<T, true>(&q[o..o + L], id);
        let mut t = [0.0; L];
        if KL {
            if abnormal(&pv, &qv) {
                scalar(&p[o..o + L], &q[o..o + L], o, &mut part);
            } else {
                let mut d = [0.0; L];
                for j in 0..L {
                    let pos = pv[j] > 0.0;
                    let x = excess(A::FMA, pv[j], qv[j]);
                    t[j] = if pos { x } else { 0.0 };
                    d[j] = if pos { pv[j] - qv[j] } else { 0.0 };
                }
                df.add(&d);
            }
        } else if abnormal_at(&pv, &qv) {
            scalar(&p[o..o + L], &q[o..o + L], o, &mut part);
        } else {
            for j in 0..L {
                let x = -pv[j] * ln_normal(A::FMA, qv[j]);
                t[j] = if pv[j] > 0.0 { x } else { 0.0 };
            }
        }
        let mut sp = [0.0; L];
        let mut sq = [0.0; L];
        for j in 0..L {
            sp[j] = poisoned(pv[j]);
            sq[j] = poisoned(qv[j]);
        }
        [t, sp, sq]
    });
    let o = groups * L;
    for (&a, &b) in p[o..].iter().zip(&q[o..]) {
        part.totals[0].add(poisoned(a.to_f64()));
        part.totals[1].add(poisoned(b.to_f64()));
    }
    scalar(&p[o..], &q[o..], o, &mut part);
    let [terms, sp, sq] = acc;
    terms.merge_into(&mut part.main);
    sp.merge_into(&mut part.totals[0]);
    sq.merge_into(&mut part.totals[1]);
    if KL {
        df.merge_into(&mut part.side);
    }
    part.invalid = invalid_totals(&part, 2);
    part
}

/// The entropy block of raw entries, validating them on the way (see [`validating`]).
#[inline(always)]
pub(crate) fn entropy_validating<T: Element, A: Accumulator>(
    p: &[T],
    scalar: impl Fn(&[T], &mut Partial),
) -> Partial {
    let mut part = Partial::default();
    let mut acc = [A::new(), A::new()];
    let groups = p.len() / L;
    chunks_n(groups, &mut acc, |o| {
        let pv = load::<T, true>(&p[o..o + L], Affine::IDENTITY);
        let mut t = [0.0; L];
        if abnormal_at(&pv, &pv) {
            scalar(&p[o..o + L], &mut part);
        } else {
            for j in 0..L {
                let x = -pv[j] * ln_normal(A::FMA, pv[j]);
                t[j] = if pv[j] > 0.0 { x } else { 0.0 };
            }
        }
        let mut sp = [0.0; L];
        for j in 0..L {
            sp[j] = poisoned(pv[j]);
        }
        [t, sp]
    });
    let o = groups * L;
    for &a in &p[o..] {
        part.totals[0].add(poisoned(a.to_f64()));
    }
    scalar(&p[o..], &mut part);
    let [terms, sp] = acc;
    terms.merge_into(&mut part.main);
    sp.merge_into(&mut part.totals[0]);
    part.invalid = invalid_totals(&part, 1);
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
        acc.add(&load::<T, false>(&x[o..o + L], t));
    }
    for &a in &x[groups * L..] {
        part.main.add(t.apply(a.to_f64()));
    }
    acc.merge_into(&mut part.main);
    part
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::{kl_excess, ln_f64};

    /// Normal positive numbers spread over every binade, plus neighbours of 1 and √2.
    fn sweep() -> Vec<f64> {
        let mut xs = Vec::new();
        let mut bits = f64::MIN_POSITIVE.to_bits();
        while bits < f64::MAX.to_bits() {
            xs.push(f64::from_bits(bits));
            bits += 0x0000_7ff3_1234_5677;
        }
        for k in -200..200 {
            let h = f64::from(k) * f64::EPSILON;
            xs.extend([1.0 + h, std::f64::consts::SQRT_2 + h, 0.5 * (1.0 + h)]);
        }
        xs
    }

    fn ulps(got: f64, want: f64) -> f64 {
        let ulp = f64::from_bits(want.abs().to_bits() + 1) - want.abs();
        ((got - want) / ulp.max(f64::from_bits(1))).abs()
    }

    #[test]
    fn ln_normal_is_ln_f64_without_fma_and_within_one_ulp_with() {
        let mut worst: f64 = 0.0;
        for x in sweep() {
            assert_eq!(ln_normal(false, x).to_bits(), ln_f64(x).to_bits(), "{x:e}");
            worst = worst.max(ulps(ln_normal(true, x), x.ln()));
        }
        // Against the platform's ln (itself < 1 ulp): a sum of two sub-ulp errors.
        assert!(worst < 1.5, "ln_normal with FMA: {worst} ulp");
    }

    #[test]
    fn excess_matches_the_scalar_reference() {
        let mut worst: f64 = 0.0;
        let qs = [1.0, 0.3, 1e-300, 3e-9, 7e250];
        for q in qs {
            for x in sweep() {
                // Ratios over the whole range and near 1, 1/√2, √2, 2.
                for r in [x, 1.0 + (x - 1.0) * 1e-3, x.sqrt()] {
                    let p = q * r;
                    if !(p.is_normal() && p > 0.0) {
                        continue;
                    }
                    let want = kl_excess(p, q);
                    for fma in [false, true] {
                        let got = excess(fma, p, q);
                        assert!(got >= 0.0);
                        if want > 1e-300 {
                            let rel = ((got - want) / want).abs() / f64::EPSILON;
                            worst = worst.max(rel);
                        } else {
                            assert!(got.abs() < 1e-290, "{p:e} {q:e}: {got:e} vs {want:e}");
                        }
                    }
                }
            }
        }
        assert!(worst < 24.0, "excess vs kl_excess: {worst} ulp");
        eprintln!("excess vs kl_excess: max {worst:.2} ulp");
        assert_eq!(excess(true, 0.3, 0.3), 0.0);
        assert_eq!(excess(false, 0.3, 0.3), 0.0);
    }
}
