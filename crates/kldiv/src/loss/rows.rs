//! The fused, streaming row kernels of the divergences on logits.
//!
//! One row: student logits `s` and teacher logits `a` (already mapped by the teacher's
//! [`Encoding`]), temperature `T`, per-row gradient factor `g` (`T²` scaling × reduction
//! weight). With `x = s/T`, `y = a/T`, `L_s = logsumexp(x)`, `L_t = logsumexp(y)`,
//! `ln Q = x − L_s`, `ln P = y − L_t`:
//!
//! * **Pass 1** (online log-sum-exp, blocks of [`BLK`] entries): `L_s`, `L_t` and the two
//!   weighted means `E_Q[x − y]`, `E_P[y − x]`, rescaled whenever the running maximum grows.
//!   They give both KLs without a second pass:
//!   `KL(P‖Q) = E_P[y − x] − (L_t − L_s)` and `KL(Q‖P) = E_Q[x − y] − (L_s − L_t)`.
//! * **Pass 2** (only with gradients, or for JSD): element-wise gradients
//!   * forward: `∂/∂s = g/T (Q − P)`, `∂/∂a = g/T · P (ln P − ln Q − KL)`;
//!   * reverse: `∂/∂s = g/T · Q (ln Q − ln P − KL)`, `∂/∂a = g/T (P − Q)`;
//!   * JSD: with `ln M = ln(βP + (1−β)Q)`, `u = (1−β)(ln Q − ln M)`, `v = β(ln P − ln M)`:
//!     value `Σ Q u + Σ P v`, `∂/∂s = g/T · Q (u − Σ Q u)`, `∂/∂a = g/T · P (v − Σ P v)`.
//! * **Pass 3** (JSD with gradients only): subtracts the softmax projection `Q·Σ Q u`
//!   (and `P·Σ P v`), whose sums are known only after pass 2.
//!
//! Everything is evaluated in `f64` (inputs converted on load) with the branch-free
//! [`fast_exp`]/[`ln_f64`] — except the exponential of `f32` rows, which runs in `f32`
//! ([`fast_exp_f32`], relative error `< 3e-7`) on an argument formed in `f64` — so the loops
//! vectorise (and use AVX2 through [`crate::kernels::vectorized`]); per-block lane sums are combined with
//! compensated summation. Zeros of `P` or `Q` are selected out of every product, so no
//! `0 · ∞` NaN can appear.

use crate::error::{Arg, Error, Result};
use crate::kernels::{fast_exp, fast_exp_f32, ln_f64};
use crate::real::Real;

use super::teacher::Encoding;

/// Block length of the online pass.
pub(crate) const BLK: usize = 64;
const LANES: usize = 8;
const NEG_INF: f64 = f64::NEG_INFINITY;

/// Compensated accumulator that can be rescaled (for the online log-sum-exp).
#[derive(Clone, Copy, Default)]
struct Acc {
    s: f64,
    c: f64,
}

impl Acc {
    #[inline(always)]
    fn add(&mut self, x: f64) {
        let t = self.s + x;
        if self.s.abs() >= x.abs() {
            self.c += (self.s - t) + x;
        } else {
            self.c += (x - t) + self.s;
        }
        self.s = t;
    }
    #[inline(always)]
    fn scale(&mut self, f: f64) {
        self.s *= f;
        self.c *= f;
    }
    #[inline(always)]
    fn total(&self) -> f64 {
        let t = self.s + self.c;
        if t.is_nan() { self.s } else { t }
    }
}

#[inline(always)]
fn sum_lanes(a: &[f64; LANES]) -> f64 {
    ((a[0] + a[4]) + (a[1] + a[5])) + ((a[2] + a[6]) + (a[3] + a[7]))
}

/// NaN or `+∞`: the logits that are errors (`−∞` is a masked entry).
#[inline(always)]
pub(crate) fn nan_or_pos_inf(x: f64) -> bool {
    x.is_nan() | (x == f64::INFINITY)
}

/// `eᶻ` at the precision of the input type: [`fast_exp`] for `f64`, [`fast_exp_f32`] (twice
/// the lanes, a shorter polynomial) for `f32`, whose gradients are `f32` anyway. The argument
/// is always formed in `f64`, so large logits lose nothing before the exponential.
#[inline(always)]
fn exp_t<T: Real>(z: f64) -> f64 {
    if std::mem::size_of::<T>() == 4 {
        fast_exp_f32(z as f32) as f64
    } else {
        fast_exp(z)
    }
}

/// Result of the online pass over one row.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Stats {
    /// `logsumexp(s/T)`.
    pub ls: f64,
    /// `logsumexp(a/T)`.
    pub lt: f64,
    /// `KL(P‖Q)` (may be `+∞`).
    pub forward: f64,
    /// `KL(Q‖P)` (may be `+∞`).
    pub reverse: f64,
}

fn first_bad<T: Real, E: Encoding>(s: &[T], t: &[T], base: usize) -> Error {
    for (i, (&a, &b)) in s.iter().zip(t).enumerate() {
        let b = b.to_f64();
        if !E::valid(b) {
            return if b < 0.0 {
                Error::Negative {
                    arg: Arg::P,
                    index: base + i,
                    value: b,
                }
            } else {
                Error::NotFinite {
                    arg: Arg::P,
                    index: base + i,
                    value: b,
                }
            };
        }
        let a = a.to_f64();
        if nan_or_pos_inf(a) {
            return Error::NotFinite {
                arg: Arg::Q,
                index: base + i,
                value: a,
            };
        }
    }
    // Unreachable in practice: the caller saw an invalid entry in this block.
    Error::NotFinite {
        arg: Arg::Q,
        index: base,
        value: f64::NAN,
    }
}

/// Maxima of two blocks, lane-wise (a serial `max` chain would not vectorise).
#[inline(always)]
fn block_max(xs: &[f64; BLK], xt: &[f64; BLK]) -> (f64, f64) {
    let mut ms = [NEG_INF; LANES];
    let mut mt = [NEG_INF; LANES];
    for (cs, ct) in xs.chunks_exact(LANES).zip(xt.chunks_exact(LANES)) {
        for j in 0..LANES {
            ms[j] = if cs[j] > ms[j] { cs[j] } else { ms[j] };
            mt[j] = if ct[j] > mt[j] { ct[j] } else { mt[j] };
        }
    }
    let fold = |m: [f64; LANES]| m.iter().fold(NEG_INF, |a, &x| if x > a { x } else { a });
    (fold(ms), fold(mt))
}

/// Pass 1: online log-sum-exp of both sides and both KLs. Validates every entry.
#[inline(always)]
pub(crate) fn stats<T: Real, E: Encoding>(s: &[T], t: &[T], inv_t: f64) -> Result<Stats> {
    let (mut ms, mut mt) = (NEG_INF, NEG_INF);
    let (mut ss, mut st, mut us, mut ut) = (
        Acc::default(),
        Acc::default(),
        Acc::default(),
        Acc::default(),
    );
    for (bi, (cs, ct)) in s.chunks(BLK).zip(t.chunks(BLK)).enumerate() {
        let mut xs = [NEG_INF; BLK];
        let mut xt = [NEG_INF; BLK];
        let mut bad = false;
        for ((x, y), (&a, &b)) in xs.iter_mut().zip(xt.iter_mut()).zip(cs.iter().zip(ct)) {
            let a = a.to_f64();
            let b = b.to_f64();
            bad |= nan_or_pos_inf(a) | !E::valid(b);
            *x = a * inv_t;
            *y = E::logit(b) * inv_t;
        }
        if bad {
            return Err(first_bad::<T, E>(cs, ct, bi * BLK));
        }
        let (bms, bmt) = block_max(&xs, &xt);
        if bms > ms {
            let f = (ms - bms).exp();
            ss.scale(f);
            us.scale(f);
            ms = bms;
        }
        if bmt > mt {
            let f = (mt - bmt).exp();
            st.scale(f);
            ut.scale(f);
            mt = bmt;
        }
        // While a side has seen only −∞, shift by 0 instead (its terms are all 0).
        let cs_ = if ms == NEG_INF { 0.0 } else { ms };
        let ct_ = if mt == NEG_INF { 0.0 } else { mt };
        let mut a_ss = [0.0; LANES];
        let mut a_st = [0.0; LANES];
        let mut a_us = [0.0; LANES];
        let mut a_ut = [0.0; LANES];
        for (bx, by) in xs.chunks_exact(LANES).zip(xt.chunks_exact(LANES)) {
            for j in 0..LANES {
                let es = exp_t::<T>(bx[j] - cs_);
                let et = exp_t::<T>(by[j] - ct_);
                let d = bx[j] - by[j];
                a_ss[j] += es;
                a_st[j] += et;
                a_us[j] += if es > 0.0 { es * d } else { 0.0 };
                a_ut[j] += if et > 0.0 { -et * d } else { 0.0 };
            }
        }
        ss.add(sum_lanes(&a_ss));
        st.add(sum_lanes(&a_st));
        us.add(sum_lanes(&a_us));
        ut.add(sum_lanes(&a_ut));
    }
    let (ss, st) = (ss.total(), st.total());
    if ss <= 0.0 {
        return Err(Error::ZeroMass { arg: Arg::Q });
    }
    if st <= 0.0 {
        return Err(Error::ZeroMass { arg: Arg::P });
    }
    let ls = ms + ss.ln();
    let lt = mt + st.ln();
    let forward = clamp_kl(ut.total() / st - (lt - ls));
    let reverse = clamp_kl(us.total() / ss - (ls - lt));
    Ok(Stats {
        ls,
        lt,
        forward,
        reverse,
    })
}

/// A KL computed by cancellation can come out a few ulp below zero; it is `≥ 0`.
#[inline]
fn clamp_kl(x: f64) -> f64 {
    if x < 0.0 { 0.0 } else { x }
}

/// Pass 2 of the forward KL: writes `g/T (Q − P)` and (optionally) `g/T · P (ln P − ln Q − KL)`.
#[inline(always)]
pub(crate) fn grad_forward<T: Real, E: Encoding>(
    s: &[T],
    t: &[T],
    st: &Stats,
    inv_t: f64,
    g: f64,
    gs: Option<&mut [T]>,
    gt: Option<&mut [T]>,
) {
    let c = g * inv_t;
    let (ls, lt, kl) = (st.ls, st.lt, st.forward);
    match (gs, gt) {
        (Some(gs), None) => {
            for ((o, &a), &b) in gs.iter_mut().zip(s).zip(t) {
                let q = exp_t::<T>(a.to_f64() * inv_t - ls);
                let p = exp_t::<T>(E::logit(b.to_f64()) * inv_t - lt);
                *o = T::from_f64(c * (q - p));
            }
        }
        (gs, Some(gt)) => {
            let finite = kl.is_finite();
            let mut gs = gs;
            for (i, (&a, &b)) in s.iter().zip(t).enumerate() {
                let x = a.to_f64() * inv_t - ls;
                let y = E::logit(b.to_f64()) * inv_t - lt;
                let q = exp_t::<T>(x);
                let p = exp_t::<T>(y);
                if let Some(gs) = gs.as_deref_mut() {
                    gs[i] = T::from_f64(c * (q - p));
                }
                let v = if p > 0.0 && finite {
                    p * ((y - x) - kl)
                } else {
                    0.0
                };
                gt[i] = T::from_f64(c * v);
            }
        }
        (None, None) => {}
    }
}

/// Pass 2 of the reverse KL: writes `g/T · Q (ln Q − ln P − KL)` and (optionally)
/// `g/T (P − Q)`. If the KL is `+∞` (teacher zero under student mass) the student gradient is
/// zero: no finite gradient exists.
#[inline(always)]
pub(crate) fn grad_reverse<T: Real, E: Encoding>(
    s: &[T],
    t: &[T],
    st: &Stats,
    inv_t: f64,
    g: f64,
    gs: Option<&mut [T]>,
    gt: Option<&mut [T]>,
) {
    let c = g * inv_t;
    let (ls, lt, kl) = (st.ls, st.lt, st.reverse);
    if !kl.is_finite() {
        for o in gs.into_iter().chain(gt) {
            o.iter_mut().for_each(|v| *v = T::ZERO);
        }
        return;
    }
    match (gs, gt) {
        (Some(gs), None) => {
            for ((o, &a), &b) in gs.iter_mut().zip(s).zip(t) {
                let x = a.to_f64() * inv_t - ls;
                let y = E::logit(b.to_f64()) * inv_t - lt;
                let q = exp_t::<T>(x);
                let v = if q > 0.0 { q * ((x - y) - kl) } else { 0.0 };
                *o = T::from_f64(c * v);
            }
        }
        (gs, Some(gt)) => {
            let mut gs = gs;
            for (i, (&a, &b)) in s.iter().zip(t).enumerate() {
                let x = a.to_f64() * inv_t - ls;
                let y = E::logit(b.to_f64()) * inv_t - lt;
                let q = exp_t::<T>(x);
                let p = exp_t::<T>(y);
                if let Some(gs) = gs.as_deref_mut() {
                    let v = if q > 0.0 { q * ((x - y) - kl) } else { 0.0 };
                    gs[i] = T::from_f64(c * v);
                }
                gt[i] = T::from_f64(c * (p - q));
            }
        }
        (None, None) => {}
    }
}

/// JSD_β of one row (`0 < β < 1`), with gradients if buffers are given (passes 2 and 3).
#[allow(clippy::too_many_arguments)]
#[inline(always)]
pub(crate) fn jsd<T: Real, E: Encoding>(
    s: &[T],
    t: &[T],
    st: &Stats,
    beta: f64,
    inv_t: f64,
    g: f64,
    mut gs: Option<&mut [T]>,
    mut gt: Option<&mut [T]>,
) -> f64 {
    let (ls, lt) = (st.ls, st.lt);
    let (wp, wq) = (beta, 1.0 - beta);
    let mut sum_u = Acc::default();
    let mut sum_v = Acc::default();
    let mut i0 = 0;
    for (cs, ct) in s.chunks(BLK).zip(t.chunks(BLK)) {
        let n = cs.len();
        let mut xs = [NEG_INF; BLK];
        let mut xt = [NEG_INF; BLK];
        for ((x, y), (&a, &b)) in xs.iter_mut().zip(xt.iter_mut()).zip(cs.iter().zip(ct)) {
            *x = a.to_f64() * inv_t - ls;
            *y = E::logit(b.to_f64()) * inv_t - lt;
        }
        let mut qu = [0.0; BLK];
        let mut pv = [0.0; BLK];
        for j in 0..BLK {
            let q = exp_t::<T>(xs[j]);
            let p = exp_t::<T>(xt[j]);
            let lm = ln_f64(wp * p + wq * q);
            qu[j] = if q > 0.0 {
                q * (wq * (xs[j] - lm))
            } else {
                0.0
            };
            pv[j] = if p > 0.0 {
                p * (wp * (xt[j] - lm))
            } else {
                0.0
            };
        }
        let mut a_u = [0.0; LANES];
        let mut a_v = [0.0; LANES];
        for (cu, cv) in qu.chunks_exact(LANES).zip(pv.chunks_exact(LANES)) {
            for j in 0..LANES {
                a_u[j] += cu[j];
                a_v[j] += cv[j];
            }
        }
        sum_u.add(sum_lanes(&a_u));
        sum_v.add(sum_lanes(&a_v));
        if let Some(gs) = gs.as_deref_mut() {
            for (o, &v) in gs[i0..i0 + n].iter_mut().zip(&qu) {
                *o = T::from_f64(v);
            }
        }
        if let Some(gt) = gt.as_deref_mut() {
            for (o, &v) in gt[i0..i0 + n].iter_mut().zip(&pv) {
                *o = T::from_f64(v);
            }
        }
        i0 += n;
    }
    let (ku, kv) = (sum_u.total(), sum_v.total());
    let c = g * inv_t;
    if let Some(gs) = gs {
        for (o, &a) in gs.iter_mut().zip(s) {
            let q = exp_t::<T>(a.to_f64() * inv_t - ls);
            *o = T::from_f64(c * (o.to_f64() - q * ku));
        }
    }
    if let Some(gt) = gt {
        for (o, &b) in gt.iter_mut().zip(t) {
            let p = exp_t::<T>(E::logit(b.to_f64()) * inv_t - lt);
            *o = T::from_f64(c * (o.to_f64() - p * kv));
        }
    }
    clamp_kl(ku + kv)
}
