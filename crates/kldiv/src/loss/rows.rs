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
//! ## Arithmetic
//!
//! The element-wise work runs in the **input type's own arithmetic** — `f32` rows in `f32`
//! (8 lanes per AVX2 register), `f64` rows in `f64` — with the branch-free
//! [`Real::exp_fast`] / [`Real::ln_fast`], so the loops vectorise (and use AVX2 through
//! [`crate::kernels::vectorized`]). Exponents are formed as `(s − max s)·(1/T)`: the
//! difference is exact (Sterbenz) wherever the exponential is not negligible, so large logits
//! (±1e4) lose nothing before the product, and `1/T` is split in two parts ([`Scale`]) so that
//! the temperature is not rounded to `f32`. Every sum accumulates in `f64` lanes ([`LANES`]
//! per block of [`BLK`] entries, merged in a fixed order into compensated `f64`
//! accumulators), with the logit differences of pass 1 formed in `f64` (exact for `f32`
//! logits); the log-sum-exps, the KLs and every per-row constant of pass 2 are `f64`, and the
//! log-ratio factors of the gradients (`ln Q − ln P − KL`) are evaluated in `f64` and rounded
//! once. Zeros of `P` or `Q` are selected out of every product, so no `0 · ∞` NaN can appear.
//! On the AVX2 + FMA path ([`crate::kernels::Kernel::run_fma`], the `F` parameter here) the
//! exponentials use fused multiply-adds ([`crate::kernels::fast_exp_f32_fma`]); its results
//! can differ from the portable path's in the last bits, within the same bounds, and are
//! deterministic on a given CPU.
//!
//! **Accuracy of the `f32` path** (`u = 2⁻²⁴`; measured and asserted in
//! `tests/loss_f32.rs` against the `f64` path on the same inputs): each exponential carries
//! `< 5u` ([`crate::kernels::fast_exp_f32`], relative error `< 3e-7`) plus `≤ 2u·|z|` from the
//! rounding of its exponent `z`, so every probability in a gradient is accurate to
//! `(8 + 2|z|)u` relative (the absolute error `≤ (8p + 0.8·max p)u`, since `|z|e^z ≤ 1/e`). The
//! KLs come from `f64` sums of these terms: their error is the weighted mean of the terms'
//! relative errors times `|x − y|`, bounded by `10u·(E|x − y| + 2)` absolute and in practice
//! ~`10⁻⁸` for LLM-sized rows (it is this accuracy the KL-dependent gradients need: the torch
//! reference test holds them to `10⁻⁶` of the largest gradient entry). JSD evaluates
//! `ln(Q/M)` and `ln(P/M)` as logarithms of ratios (`< 10u` absolute each), so its value is
//! accurate to `~10u` absolute. The `f64` path is the same code in `f64` (u = 2⁻⁵³, plus the
//! few-ulp [`crate::kernels::fast_exp`]).
//!
//! The result depends only on the row (no threads inside a row): the same input gives the
//! same bits on any number of threads.

use crate::error::{Arg, Error, Result};
use crate::real::Real;

use super::teacher::Encoding;

/// Block length of the online pass.
pub(crate) const BLK: usize = 64;
/// Lanes of the per-block partial sums (one AVX2 register of `f32`, two of `f64`).
const LANES: usize = 8;

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

/// `eˣ` in the input type, with fused multiply-adds if `F` (the AVX2 + FMA path, see
/// [`crate::kernels::Kernel::run_fma`]).
#[inline(always)]
fn ex<T: Real, const F: bool>(x: T) -> T {
    if F { x.exp_fast_fma() } else { x.exp_fast() }
}

/// Merges one block's lane sums in a fixed order.
#[inline(always)]
fn sum_lanes(a: &[f64; LANES]) -> f64 {
    ((a[0] + a[4]) + (a[1] + a[5])) + ((a[2] + a[6]) + (a[3] + a[7]))
}

/// Sums a block of terms of the input type in `f64` lanes (term `j` to lane `j mod LANES`,
/// the shape the vectoriser wants).
#[inline(always)]
fn lane_sum<T: Real>(x: &[T; BLK]) -> f64 {
    let mut a = [0.0f64; LANES];
    for c in x.chunks_exact(LANES) {
        for j in 0..LANES {
            a[j] += c[j].to_f64();
        }
    }
    sum_lanes(&a)
}

/// NaN or `+∞`: the logits that are errors (`−∞` is a masked entry).
#[inline(always)]
#[allow(clippy::neg_cmp_op_on_partial_ord)] // deliberate: the NaN-catching comparison
pub(crate) fn nan_or_pos_inf<T: Real>(x: T) -> bool {
    // `x < +∞` is false exactly for NaN and +∞.
    !(x < T::INFINITY)
}

/// Result of the online pass over one row: the shifts and log-normalisers in the form pass 2
/// uses them (`Q_i = exp((s_i − s_max)/T) / Σ_s`), and both KLs.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Stats<T> {
    /// `1/T` split into the input type (see [`Scale`]).
    inv_t: Scale<T>,
    /// Shift of the student logits: their maximum (`0` if the row is all `−∞`).
    am: T,
    /// Shift of the teacher logits.
    bm: T,
    /// `ln Σ exp((s − am)/T)` (so `logsumexp(s/T) = am/T + lss`).
    lss: f64,
    /// `ln Σ exp((a − bm)/T)`.
    lst: f64,
    /// `KL(P‖Q)` (may be `+∞`).
    pub forward: f64,
    /// `KL(Q‖P)` (may be `+∞`).
    pub reverse: f64,
}

impl<T: Real> Stats<T> {
    /// `(1/T)·(shift_s − shift_t) + lss − lst = logsumexp(s/T) − logsumexp(a/T)`.
    #[inline(always)]
    fn ls_minus_lt(&self) -> f64 {
        (self.am.to_f64() - self.bm.to_f64()) * self.inv_t.exact + self.lss - self.lst
    }
}

/// The factor `1/T` as `hi + lo` in the input type (for `f32`, `hi` alone would change the
/// temperature by up to `u/2` relative, i.e. every exponent `z` by `u|z|/2`), and as `f64`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Scale<T> {
    hi: T,
    lo: T,
    exact: f64,
}

impl<T: Real> Scale<T> {
    /// Splits `inv_t`.
    pub(crate) fn new(inv_t: f64) -> Self {
        let hi = T::from_f64(inv_t);
        Scale {
            hi,
            lo: T::from_f64(inv_t - hi.to_f64()),
            exact: inv_t,
        }
    }
    /// `d/T` in the input type (one rounding of `d·hi`, then the small correction), for
    /// `d ≤ 0`. For `d = −∞` (a masked entry) the result is `−∞` or NaN (`∞·0` when
    /// `lo = 0`); [`Real::exp_fast`] maps both to `0`, which is what the callers use.
    #[inline(always)]
    fn apply(&self, d: T) -> T {
        d * self.hi + d * self.lo
    }
}

fn first_bad<T: Real, E: Encoding>(s: &[T], t: &[T], base: usize) -> Error {
    for (i, (&a, &b)) in s.iter().zip(t).enumerate() {
        if !E::valid(b) {
            let b = b.to_f64();
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
        if nan_or_pos_inf(a) {
            return Error::NotFinite {
                arg: Arg::Q,
                index: base + i,
                value: a.to_f64(),
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
fn block_max<T: Real>(xs: &[T; BLK], xt: &[T; BLK]) -> (T, T) {
    let mut ms = [T::NEG_INFINITY; LANES];
    let mut mt = [T::NEG_INFINITY; LANES];
    for (cs, ct) in xs.chunks_exact(LANES).zip(xt.chunks_exact(LANES)) {
        for j in 0..LANES {
            ms[j] = if cs[j] > ms[j] { cs[j] } else { ms[j] };
            mt[j] = if ct[j] > mt[j] { ct[j] } else { mt[j] };
        }
    }
    let fold = |m: [T; LANES]| {
        m.iter()
            .fold(T::NEG_INFINITY, |a, &x| if x > a { x } else { a })
    };
    (fold(ms), fold(mt))
}

/// The shift actually subtracted: the running maximum, or `0` while a side has seen only
/// `−∞` (its terms are all `0` then).
#[inline(always)]
fn shift<T: Real>(m: T) -> T {
    if m == T::NEG_INFINITY { T::ZERO } else { m }
}

/// Pass 1: online log-sum-exp of both sides and both KLs. Validates every entry.
#[inline(always)]
pub(crate) fn stats<T: Real, E: Encoding, const F: bool>(
    s: &[T],
    t: &[T],
    inv_t: Scale<T>,
) -> Result<Stats<T>> {
    let it64 = inv_t.exact;
    let (mut ms, mut mt) = (T::NEG_INFINITY, T::NEG_INFINITY);
    let (mut ss, mut st, mut us, mut ut) = (
        Acc::default(),
        Acc::default(),
        Acc::default(),
        Acc::default(),
    );
    for (bi, (cs, ct)) in s.chunks(BLK).zip(t.chunks(BLK)).enumerate() {
        let mut xs = [T::NEG_INFINITY; BLK];
        let mut xt = [T::NEG_INFINITY; BLK];
        let mut bad = false;
        for ((x, y), (&a, &b)) in xs.iter_mut().zip(xt.iter_mut()).zip(cs.iter().zip(ct)) {
            bad |= nan_or_pos_inf(a) | !E::valid(b);
            *x = a;
            *y = E::logit(b);
        }
        if bad {
            return Err(first_bad::<T, E>(cs, ct, bi * BLK));
        }
        let (bms, bmt) = block_max(&xs, &xt);
        if bms > ms {
            let f = ((ms.to_f64() - bms.to_f64()) * it64).exp();
            ss.scale(f);
            us.scale(f);
            ms = bms;
        }
        if bmt > mt {
            let f = ((mt.to_f64() - bmt.to_f64()) * it64).exp();
            st.scale(f);
            ut.scale(f);
            mt = bmt;
        }
        let (cs_, ct_) = (shift(ms), shift(mt));
        // The exponentials in the input type (8 lanes of f32 per AVX2 register), then the
        // sums in f64 lanes, with the weighted logit differences formed in f64 (the
        // difference of two f32 logits is exact there): the KLs come out of these sums by
        // cancellation, and the gradients of the reverse KL (and the teacher's of the
        // forward KL) use the KL, so an f32 rounding of the sums would show in them. Two
        // loops, so that the f32 one is not narrowed to the f64 lane count.
        let mut es = [T::ZERO; BLK];
        let mut et = [T::ZERO; BLK];
        for j in 0..BLK {
            es[j] = ex::<T, F>(inv_t.apply(xs[j] - cs_));
            et[j] = ex::<T, F>(inv_t.apply(xt[j] - ct_));
        }
        let mut a_ss = [0.0f64; LANES];
        let mut a_st = [0.0f64; LANES];
        let mut a_us = [0.0f64; LANES];
        let mut a_ut = [0.0f64; LANES];
        for o in (0..BLK).step_by(LANES) {
            for j in 0..LANES {
                let (e, f) = (es[o + j].to_f64(), et[o + j].to_f64());
                let d = xs[o + j].to_f64() - xt[o + j].to_f64();
                a_ss[j] += e;
                a_st[j] += f;
                a_us[j] += if e > 0.0 { e * d } else { 0.0 };
                a_ut[j] -= if f > 0.0 { f * d } else { 0.0 };
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
    let mut stats = Stats {
        inv_t,
        am: shift(ms),
        bm: shift(mt),
        lss: ss.ln(),
        lst: st.ln(),
        forward: 0.0,
        reverse: 0.0,
    };
    let d = stats.ls_minus_lt();
    // E_P[y − x] = (1/T)·Σ e_t (a − s) / Σ e_t, and likewise for Q.
    stats.forward = clamp_kl(it64 * ut.total() / st + d);
    stats.reverse = clamp_kl(it64 * us.total() / ss - d);
    Ok(stats)
}

/// A KL computed by cancellation can come out a few ulp below zero; it is `≥ 0`.
#[inline]
fn clamp_kl(x: f64) -> f64 {
    if x < 0.0 { 0.0 } else { x }
}

/// The unnormalised exponentials of one entry: `(e^{(s − am)/T}, e^{(a − bm)/T})` with `a`
/// the teacher's logit, and that logit.
#[inline(always)]
fn exps<T: Real, E: Encoding, const F: bool>(st: &Stats<T>, s: T, t: T) -> (T, T, T) {
    let b = E::logit(t);
    let eq = ex::<T, F>(st.inv_t.apply(s - st.am));
    let ep = ex::<T, F>(st.inv_t.apply(b - st.bm));
    (eq, ep, b)
}

/// `(a − b)/T − k`, the log-ratio factor of a gradient (`ln P − ln Q − KL` and the like),
/// evaluated in `f64` and rounded once: in the input type the difference of two large,
/// nearly cancelling logit differences would lose `u·|a − b|` absolutely.
#[inline(always)]
fn log_ratio<T: Real>(a: T, b: T, it: f64, k: f64) -> T {
    T::from_f64((a.to_f64() - b.to_f64()) * it - k)
}

/// Pass 2 of the forward KL: writes `g/T (Q − P)` and (optionally) `g/T · P (ln P − ln Q − KL)`.
#[inline(always)]
pub(crate) fn grad_forward<T: Real, E: Encoding, const F: bool>(
    s: &[T],
    t: &[T],
    st: &Stats<T>,
    g: f64,
    gs: Option<&mut [T]>,
    gt: Option<&mut [T]>,
) {
    let c = g * st.inv_t.exact;
    // Q = e_q / Σ_s, P = e_p / Σ_t.
    let ks = T::from_f64(c * (-st.lss).exp());
    let kt = T::from_f64(c * (-st.lst).exp());
    match (gs, gt) {
        (Some(gs), None) => {
            for ((o, &a), &b) in gs.iter_mut().zip(s).zip(t) {
                let (eq, ep, _) = exps::<T, E, F>(st, a, b);
                *o = ks * eq - kt * ep;
            }
        }
        (gs, Some(gt)) => {
            let finite = st.forward.is_finite();
            // ln P − ln Q − KL = (a − s)/T − k0.
            let k0 = -st.ls_minus_lt() + st.forward;
            let it = st.inv_t.exact;
            let mut gs = gs;
            for (i, (&a, &b)) in s.iter().zip(t).enumerate() {
                let (eq, ep, lb) = exps::<T, E, F>(st, a, b);
                if let Some(gs) = gs.as_deref_mut() {
                    gs[i] = ks * eq - kt * ep;
                }
                let v = if ep > T::ZERO && finite {
                    ep * log_ratio(lb, a, it, k0)
                } else {
                    T::ZERO
                };
                gt[i] = kt * v;
            }
        }
        (None, None) => {}
    }
}

/// Pass 2 of the reverse KL: writes `g/T · Q (ln Q − ln P − KL)` and (optionally)
/// `g/T (P − Q)`. If the KL is `+∞` (teacher zero under student mass) the student gradient is
/// zero: no finite gradient exists.
#[inline(always)]
pub(crate) fn grad_reverse<T: Real, E: Encoding, const F: bool>(
    s: &[T],
    t: &[T],
    st: &Stats<T>,
    g: f64,
    gs: Option<&mut [T]>,
    gt: Option<&mut [T]>,
) {
    let c = g * st.inv_t.exact;
    if !st.reverse.is_finite() {
        for o in gs.into_iter().chain(gt) {
            o.iter_mut().for_each(|v| *v = T::ZERO);
        }
        return;
    }
    let ks = T::from_f64(c * (-st.lss).exp());
    let kt = T::from_f64(c * (-st.lst).exp());
    // ln Q − ln P − KL = (s − a)/T − k1.
    let k1 = st.ls_minus_lt() + st.reverse;
    let it = st.inv_t.exact;
    let student = |eq: T, a: T, lb: T| {
        if eq > T::ZERO {
            ks * (eq * log_ratio(a, lb, it, k1))
        } else {
            T::ZERO
        }
    };
    match (gs, gt) {
        (Some(gs), None) => {
            for ((o, &a), &b) in gs.iter_mut().zip(s).zip(t) {
                let lb = E::logit(b);
                let eq = ex::<T, F>(st.inv_t.apply(a - st.am));
                *o = student(eq, a, lb);
            }
        }
        (gs, Some(gt)) => {
            let mut gs = gs;
            for (i, (&a, &b)) in s.iter().zip(t).enumerate() {
                let (eq, ep, lb) = exps::<T, E, F>(st, a, b);
                if let Some(gs) = gs.as_deref_mut() {
                    gs[i] = student(eq, a, lb);
                }
                gt[i] = kt * ep - ks * eq;
            }
        }
        (None, None) => {}
    }
}

/// JSD_β of one row (`0 < β < 1`), with gradients if buffers are given (passes 2 and 3).
#[inline(always)]
pub(crate) fn jsd<T: Real, E: Encoding, const F: bool>(
    s: &[T],
    t: &[T],
    st: &Stats<T>,
    beta: f64,
    g: f64,
    mut gs: Option<&mut [T]>,
    mut gt: Option<&mut [T]>,
) -> f64 {
    let (wp, wq) = (T::from_f64(beta), T::from_f64(1.0 - beta));
    let (iss, ist) = ((-st.lss).exp(), (-st.lst).exp());
    let (iss_t, ist_t) = (T::from_f64(iss), T::from_f64(ist));
    let mut sum_u = Acc::default();
    let mut sum_v = Acc::default();
    let mut i0 = 0;
    for (cs, ct) in s.chunks(BLK).zip(t.chunks(BLK)) {
        let n = cs.len();
        let mut xs = [T::NEG_INFINITY; BLK];
        let mut xt = [T::NEG_INFINITY; BLK];
        for ((x, y), (&a, &b)) in xs.iter_mut().zip(xt.iter_mut()).zip(cs.iter().zip(ct)) {
            *x = a;
            *y = E::logit(b);
        }
        let mut qu = [T::ZERO; BLK];
        let mut pv = [T::ZERO; BLK];
        for j in 0..BLK {
            let q = ex::<T, F>(st.inv_t.apply(xs[j] - st.am)) * iss_t;
            let p = ex::<T, F>(st.inv_t.apply(xt[j] - st.bm)) * ist_t;
            // ln(Q/M) and ln(P/M) as logarithms of ratios, not differences of logarithms:
            // the error stays a few u absolute instead of u·|ln Q|.
            let inv_m = T::ONE / (wp * p + wq * q);
            let lqm = (q * inv_m).ln_fast();
            let lpm = (p * inv_m).ln_fast();
            qu[j] = if q > T::ZERO { q * (wq * lqm) } else { T::ZERO };
            pv[j] = if p > T::ZERO { p * (wp * lpm) } else { T::ZERO };
        }
        sum_u.add(lane_sum(&qu));
        sum_v.add(lane_sum(&pv));
        if let Some(gs) = gs.as_deref_mut() {
            gs[i0..i0 + n].copy_from_slice(&qu[..n]);
        }
        if let Some(gt) = gt.as_deref_mut() {
            gt[i0..i0 + n].copy_from_slice(&pv[..n]);
        }
        i0 += n;
    }
    let (ku, kv) = (sum_u.total(), sum_v.total());
    let c = g * st.inv_t.exact;
    let c_t = T::from_f64(c);
    if let Some(gs) = gs {
        let k = T::from_f64(c * ku * iss);
        for (o, &a) in gs.iter_mut().zip(s) {
            let eq = ex::<T, F>(st.inv_t.apply(a - st.am));
            *o = c_t * *o - k * eq;
        }
    }
    if let Some(gt) = gt {
        let k = T::from_f64(c * kv * ist);
        for (o, &b) in gt.iter_mut().zip(t) {
            let ep = ex::<T, F>(st.inv_t.apply(E::logit(b) - st.bm));
            *o = c_t * *o - k * ep;
        }
    }
    clamp_kl(ku + kv)
}
