//! The fused, streaming row kernels of the divergences on logits.
//!
//! One row: student logits `s` and teacher logits `a` (already mapped by the teacher's
//! [`Encoding`]), temperature `T`, per-row gradient factor `g` (`T²` scaling × reduction
//! weight). With `x = s/T`, `y = a/T`, `L_s = logsumexp(x)`, `L_t = logsumexp(y)`,
//! `ln Q = x − L_s`, `ln P = y − L_t`:
//!
//! * **Pass 1** (an online log-sum-exp by chunks of [`CHUNK`] entries, each read from memory
//!   once and then worked on in the L1 cache): the validation of every entry, the chunk's
//!   maxima of `s` and `a`, and the running maxima `m_s`, `m_t` up to this chunk (when one
//!   grows, the sums so far are rescaled by `e^{(old − new)/T}`, and the change is recorded,
//!   see [`Shifts`]); then, by blocks of [`BLK`] entries, the unnormalised
//!   exponentials `e_q = e^{(s − m_s)/T}`, `e_p = e^{(a − m_t)/T}` (all `≤ 1`), their sums
//!   (so `L_s`, `L_t`) and the one weighted mean the divergence needs, `E_P[y − x]` (forward)
//!   or `E_Q[x − y]` (reverse), which gives the KL without a second pass:
//!   `KL(P‖Q) = E_P[y − x] − (L_t − L_s)`, `KL(Q‖P) = E_Q[x − y] − (L_s − L_t)`. The
//!   exponentials are **stored in the gradient buffers** given (`e_q` in the student's,
//!   `e_p` in the teacher's), so that pass 2 rescales them (by the normaliser times
//!   `e^{(m_b − max)/T}` for the shift `m_b` of their block, one `f64` product rounded once)
//!   instead of evaluating them again: no extra memory, and per entry 3 exponentials for the
//!   forward KL with the student gradient (2 with both gradients), 2 for the reverse KL, 4 for
//!   JSD. So the KLs take **two passes over each row** (one without gradients); JSD with
//!   gradients takes three (below).
//! * **Pass 2** (only with gradients, or for JSD): element-wise gradients
//!   * forward: `∂/∂s = g/T (Q − P)`, `∂/∂a = g/T · P (ln P − ln Q − KL)`;
//!   * reverse: `∂/∂s = g/T · Q (ln Q − ln P − KL)`, `∂/∂a = g/T (P − Q)`;
//!   * JSD: with `ln M = ln(βP + (1−β)Q)`, `u = (1−β)(ln Q − ln M)`, `v = β(ln P − ln M)`:
//!     value `Σ Q u + Σ P v`, `∂/∂s = g/T · Q (u − Σ Q u)`, `∂/∂a = g/T · P (v − Σ P v)`.
//!     Pass 2 forms the sums and leaves `u` (and `v`) in the buffers.
//! * **Pass 3** (JSD with gradients only): `g/T · Q (u − Σ Q u)` (and `g/T · P (v − Σ P v)`),
//!   with `Q` (`P`) from its exponential again, since the sums are known only after pass 2.
//!
//! ## Arithmetic
//!
//! The element-wise work runs in the **input type's own arithmetic** — `f32` rows in `f32`
//! (16 lanes per AVX-512 register, 8 per AVX2 register), `f64` rows in `f64` — with
//! branch-free exponentials ([`Real::exp_scaled`]) and logarithms ([`Real::ln_pos`], without
//! a division), so the loops vectorise (and use AVX-512 or AVX2 through
//! [`crate::kernels::vectorized`]; every loop is written so that the vectoriser keeps full
//! registers: no branches in a loop body, one input per loop, no horizontal sums per block). Exponents are formed as
//! `(s − max s)·(1/T)`: the difference is exact (Sterbenz) wherever the logit is within a
//! factor 2 of the maximum, so large logits (±1e4) lose nothing before the product, and
//! rounded once (`u/2` relative) otherwise; `1/T` is kept in two parts ([`Scale`]; for `f32`
//! `log₂e/T`, the exponential works in base 2) so that the temperature is not rounded to
//! `f32`, and the `f32` exponential carries the rounding error of its exponent into the
//! reduced argument ([`crate::kernels::exp2_scaled_f32`]). Every sum accumulates in `f64`
//! lanes ([`LANES`] of them, over up to [`FOLD`] blocks of [`BLK`] entries, then merged in a
//! fixed order into a compensated `f64` accumulator, see [`LaneAcc`]), with the logit differences of pass 1 formed in `f64` (exact for `f32`
//! logits, and so are their products with the `f32` exponentials); the log-sum-exps, the KLs
//! and every per-row constant of passes 2 and 3 are `f64`, and the log-ratio factors of the KL
//! gradients (`ln Q − ln P − KL`) are evaluated in `f64` and rounded once. JSD forms the
//! ratios `Q/M` and `P/M` in `f64` and rounds them once before the `f32` logarithm. Zeros of
//! `P` or `Q` are selected out of every product, so no `0 · ∞` NaN can appear. On the AVX2 +
//! FMA and AVX-512 paths ([`crate::kernels::Kernel::run_fma`], the `F` parameter here) the exponentials
//! use fused multiply-adds; their results can differ from the portable path's in the last
//! bits, within the same bounds, and are deterministic on a given CPU.
//!
//! **Accuracy of the `f32` path** (`u = 2⁻²⁴`; measured and asserted in
//! `tests/loss_f32.rs` against the `f64` path on the same inputs): each exponential carries
//! `< 2u` ([`crate::kernels::exp2_scaled_f32`]) plus `≤ u·|z|/2` from the rounding of the
//! difference `s − max s` (`z` the exponent `(s − max s)/T`), so every probability in a
//! gradient, after its rescaling by the `f64` normaliser rounded to `f32`, is accurate to
//! `(8 + 2|z|)u` relative (the bound asserted; the absolute error `≤ (8p + 0.8·max p)u`,
//! since `|z|e^z ≤ 1/e`). The KLs come from `f64` sums of these terms: their error is the
//! weighted mean of the terms' relative errors times `|x − y|`, bounded by
//! `10u·(E|x − y| + 2)` absolute and in practice ~`10⁻⁸` for LLM-sized rows (it is this
//! accuracy the KL-dependent gradients need: the torch reference test holds them to `10⁻⁶`
//! of the largest gradient entry; `f32` block sums, or `f32` products `e·(x − y)`, measured
//! ~`3·10⁻⁷` and failed it). JSD's logarithms `ln(Q/M)`, `ln(P/M)` are accurate to
//! `≤ u/2 + 2u·|ln|` absolute each (the gradient `Q (u − Σ Q u)` needs this where `u ≈ Σ Q u`),
//! so its value is accurate to a few `u` absolute. The `f64` path is the same code in `f64`
//! (u = 2⁻⁵³, plus the few-ulp [`crate::kernels::fast_exp`]).
//!
//! The result depends only on the row (no threads inside a row): the same input gives the
//! same bits on any number of threads.

use crate::error::{Arg, Error, Result};
use crate::real::Real;

use super::options::Divergence;
use super::teacher::Encoding;

/// Block length of the passes.
pub(crate) const BLK: usize = 64;
/// Lanes of the `f64` partial sums (one AVX-512 register, two AVX2 registers).
const LANES: usize = 8;

/// `f64` sums of a row's terms: per lane ([`LANES`] of them, term `j` to lane `j mod
/// LANES`, plain vertical adds that vectorise to full registers) over up to [`FOLD`] blocks,
/// then folded, in a fixed order, into a compensated scalar. (A horizontal merge per block,
/// or a compensated update per lane, kept the vectoriser from using full registers.) Each
/// fold covers at most `FOLD·BLK/LANES` terms per lane, so its error is
/// `≤ FOLD·(BLK/LANES)·2⁻⁵³` relative to the magnitude of its terms, and the folds add up
/// with compensation.
#[derive(Clone, Copy)]
struct LaneAcc {
    lanes: [f64; LANES],
    blocks: usize,
    s: f64,
    c: f64,
}

/// Blocks per fold of a [`LaneAcc`].
const FOLD: usize = 64;

impl Default for LaneAcc {
    fn default() -> Self {
        LaneAcc {
            lanes: [0.0; LANES],
            blocks: 0,
            s: 0.0,
            c: 0.0,
        }
    }
}

impl LaneAcc {
    /// Adds the terms of one block.
    #[inline(always)]
    fn add(&mut self, w: &[f64; BLK]) {
        for c in w.chunks_exact(LANES) {
            for (l, &x) in self.lanes.iter_mut().zip(c) {
                *l += x;
            }
        }
        self.blocks += 1;
        if self.blocks == FOLD {
            self.fold();
        }
    }
    /// Multiplies the sum by `f ∈ [0, 1]` (a change of shift); `f = 0` (an exponent below the
    /// `f64` range) clears it, so that an infinite sum does not become NaN.
    #[cold]
    #[inline(never)]
    fn scale(&mut self, f: f64) {
        if f == 0.0 {
            *self = LaneAcc::default();
            return;
        }
        for l in &mut self.lanes {
            *l *= f;
        }
        self.s *= f;
        self.c *= f;
    }
    /// Adds one block of input-type terms, each widened to `f64`.
    #[inline(always)]
    fn add_widened<T: Real>(&mut self, x: &[T; BLK]) {
        let mut w = [0.0f64; BLK];
        for k in 0..BLK {
            w[k] = x[k].to_f64();
        }
        self.add(&w);
    }
    /// Moves the lane sums into the compensated scalar (Neumaier). Out of line: inlined, the
    /// rarely taken fold slowed the block loop that calls it (forward KL 32 × 32000 `f32`, one
    /// thread: 0.81 ms against 0.71 ms).
    #[cold]
    #[inline(never)]
    fn fold(&mut self) {
        let x = sum_lanes(&self.lanes);
        self.lanes = [0.0; LANES];
        self.blocks = 0;
        let t = self.s + x;
        if self.s.abs() >= x.abs() {
            self.c += (self.s - t) + x;
        } else {
            self.c += (x - t) + self.s;
        }
        self.s = t;
    }
    /// The sum (`+∞` stays `+∞`: the correction, NaN then, is dropped).
    #[inline(always)]
    fn total(mut self) -> f64 {
        self.fold();
        let t = self.s + self.c;
        if t.is_nan() { self.s } else { t }
    }
}

/// Merges eight `f64` lane sums in a fixed order.
#[inline(always)]
fn sum_lanes(a: &[f64; LANES]) -> f64 {
    ((a[0] + a[4]) + (a[1] + a[5])) + ((a[2] + a[6]) + (a[3] + a[7]))
}

/// Adds `Σ e·(x − y)` over a block to `acc`, zero where `e = 0`, in `f64`: the difference
/// of two `f32` logits is exact there, and so is its product with `e`. (In `f32` the KL would
/// carry `~u·|x − y|` from its dominant terms, and the gradients that use the KL,
/// `Q (ln Q − ln P − KL)` with its cancellation near the mode, would inherit it.)
#[inline(always)]
fn add_weighted_diff<T: Real>(acc: &mut LaneAcc, e: &[T; BLK], x: &[T; BLK], y: &[T; BLK]) {
    // Formed unconditionally and selected (a branch here keeps the loop scalar); the
    // difference may be infinite where `e = 0`.
    let mut w = [0.0f64; BLK];
    for k in 0..BLK {
        let v = e[k].to_f64() * (x[k].to_f64() - y[k].to_f64());
        w[k] = if e[k] > T::ZERO { v } else { 0.0 };
    }
    acc.add(&w);
}

/// NaN or `+∞`: the logits that are errors (`−∞` is a masked entry).
#[inline(always)]
#[allow(clippy::neg_cmp_op_on_partial_ord)] // deliberate: the NaN-catching comparison
pub(crate) fn nan_or_pos_inf<T: Real>(x: T) -> bool {
    // `x < +∞` is false exactly for NaN and +∞.
    !(x < T::INFINITY)
}

/// The log-normalisers and KLs of one row, in the form the gradient passes use them
/// (`Q_i = exp((s_i − am)/T) / Σ_s`).
#[derive(Debug, Clone, Copy)]
struct Stats<T> {
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
    /// `KL(P‖Q)` (may be `+∞`); NaN if not asked for.
    forward: f64,
    /// `KL(Q‖P)` (may be `+∞`); NaN if not asked for.
    reverse: f64,
    /// The shifts under which pass 1 stored the student's exponentials (its final one is
    /// `am`).
    rec_s: Shifts<T>,
    /// The same for the teacher's (final: `bm`).
    rec_t: Shifts<T>,
}

impl<T: Real> Stats<T> {
    /// `(1/T)·(shift_s − shift_t) + lss − lst = logsumexp(s/T) − logsumexp(a/T)`.
    #[inline(always)]
    fn ls_minus_lt(&self) -> f64 {
        (self.am.to_f64() - self.bm.to_f64()) * self.inv_t.exact + self.lss - self.lst
    }
    /// `e^{(s − am)/T}`, the student's unnormalised exponential.
    #[inline(always)]
    fn eq<const F: bool>(&self, s: T) -> T {
        self.inv_t.exp::<F>(s - self.am)
    }
    /// `e^{(a − bm)/T}` for a teacher logit `a`.
    #[inline(always)]
    fn ep<const F: bool>(&self, a: T) -> T {
        self.inv_t.exp::<F>(a - self.bm)
    }
    /// Pass 2's factors for the student's stored exponentials.
    fn factors_s(&self) -> Factors<'_, T> {
        Factors::new(&self.rec_s, self.am, self.inv_t.exact)
    }
    /// Pass 2's factors for the teacher's stored exponentials.
    fn factors_t(&self) -> Factors<'_, T> {
        Factors::new(&self.rec_t, self.bm, self.inv_t.exact)
    }
}

/// The factor `1/T` as the `(hi, lo)` pair of [`Real::exp_scale`] (for `f32`: `log₂e/T` in
/// two parts, so that neither the temperature nor `log₂e` is rounded to `f32`), and as `f64`.
#[derive(Debug, Clone, Copy)]
struct Scale<T> {
    hi: T,
    lo: T,
    exact: f64,
}

impl<T: Real> Scale<T> {
    /// Splits `inv_t`.
    fn new(inv_t: f64) -> Self {
        let (hi, lo) = T::exp_scale(inv_t);
        Scale {
            hi,
            lo,
            exact: inv_t,
        }
    }
    /// `e^{d/T}` for `d ≤ 0` (a logit minus its row's maximum), with fused multiply-adds if
    /// `F` (the AVX2 + FMA path, see [`crate::kernels::Kernel::run_fma`]); exactly `0` for
    /// `d = −∞` (a masked entry).
    #[inline(always)]
    fn exp<const F: bool>(&self, d: T) -> T {
        d.exp_scaled::<F>(self.hi, self.lo)
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
    // Unreachable in practice: the caller saw an invalid entry at or after `base`.
    Error::NotFinite {
        arg: Arg::Q,
        index: base,
        value: f64::NAN,
    }
}

/// One block of the inputs and, optionally, of up to two output buffers.
type Out<'a, T> = Option<&'a mut [T; BLK]>;

/// The next whole block of an optional buffer.
#[inline(always)]
fn next_block<'a, T>(
    it: &mut Option<std::slice::ChunksExactMut<'a, T>>,
) -> Option<&'a mut [T; BLK]> {
    it.as_mut()
        .and_then(|it| it.next())
        .and_then(|c| <&mut [T; BLK]>::try_from(c).ok())
}

/// Runs `f(offset, student block, raw teacher block, o1 block, o2 block)` on every block of
/// [`BLK`] entries of a row: whole blocks in place; the last, partial block through copies
/// padded with entries of zero mass (student `−∞`, teacher [`Encoding::zero_mass`]) and
/// zero outputs, of which only the first `n` are written back.
#[inline(always)]
fn blocks<T: Real, E: Encoding>(
    s: &[T],
    t: &[T],
    o1: Option<&mut [T]>,
    o2: Option<&mut [T]>,
    mut f: impl FnMut(usize, &[T; BLK], &[T; BLK], Out<'_, T>, Out<'_, T>),
) {
    let (cs, ct) = (s.chunks_exact(BLK), t.chunks_exact(BLK));
    let (sr, tr) = (cs.remainder(), ct.remainder());
    let nb = s.len() / BLK;
    let mut i1 = o1.map(|o| o.chunks_exact_mut(BLK));
    let mut i2 = o2.map(|o| o.chunks_exact_mut(BLK));
    for (i, (a, b)) in cs.zip(ct).enumerate() {
        // Always whole blocks (`chunks_exact`).
        let (Ok(xs), Ok(xt)) = (<&[T; BLK]>::try_from(a), <&[T; BLK]>::try_from(b)) else {
            continue;
        };
        f(i * BLK, xs, xt, next_block(&mut i1), next_block(&mut i2));
    }
    let r1 = i1.map(|it| it.into_remainder());
    let r2 = i2.map(|it| it.into_remainder());
    let n = sr.len();
    if n > 0 {
        let mut xs = [T::NEG_INFINITY; BLK];
        let mut xt = [E::zero_mass::<T>(); BLK];
        xs[..n].copy_from_slice(sr);
        xt[..n].copy_from_slice(&tr[..n]);
        let mut y1 = [T::ZERO; BLK];
        let mut y2 = [T::ZERO; BLK];
        if let Some(r) = r1.as_deref() {
            y1[..n].copy_from_slice(r);
        }
        if let Some(r) = r2.as_deref() {
            y2[..n].copy_from_slice(r);
        }
        let (w1, w2) = (r1.is_some(), r2.is_some());
        f(
            nb * BLK,
            &xs,
            &xt,
            w1.then_some(&mut y1),
            w2.then_some(&mut y2),
        );
        if let Some(r) = r1 {
            r.copy_from_slice(&y1[..n]);
        }
        if let Some(r) = r2 {
            r.copy_from_slice(&y2[..n]);
        }
    }
}

/// Lanes of the chunk maxima (one AVX-512 register of `f32`).
const MLANES: usize = 16;

/// Entries per chunk of pass 1: the maxima of a chunk are taken first, then its blocks are
/// evaluated under the running maxima, while the chunk (8 KiB of `f32` per input) is in the
/// L1 cache: one pass over the row from memory. (Measured, one thread, 32 × 32000 `f32`
/// forward KL: maxima per block 0.93 ms, per chunk of 16 / 32 / 64 blocks 0.85 / 0.82 /
/// 0.79 ms; a separate maxima pass over the row, as before, 0.77 ms.)
const CHUNK: usize = 32 * BLK;

/// The maxima of a chunk of student logits and of the teacher's, lane-wise (no
/// exponentials), and the offset of the first block holding an invalid entry. Each input has
/// its own loop, and the validity flags are kept per lane, so that the loops vectorise to
/// full registers.
#[inline(always)]
fn chunk_maxima<T: Real, E: Encoding>(s: &[T], t: &[T]) -> (T, T, Option<usize>) {
    let mut ms = [T::NEG_INFINITY; MLANES];
    let mut mt = [T::NEG_INFINITY; MLANES];
    let mut bad_at = None;
    blocks::<T, E>(
        s,
        t,
        None,
        None,
        #[inline(always)]
        |i0, xs, xt, _, _| {
            let mut bad = [false; MLANES];
            for c in xs.chunks_exact(MLANES) {
                for j in 0..MLANES {
                    let a = c[j];
                    bad[j] |= nan_or_pos_inf(a);
                    ms[j] = if a > ms[j] { a } else { ms[j] };
                }
            }
            for c in xt.chunks_exact(MLANES) {
                for j in 0..MLANES {
                    let b = c[j];
                    bad[j] |= !E::valid(b);
                    let y = E::logit(b);
                    mt[j] = if y > mt[j] { y } else { mt[j] };
                }
            }
            if bad.iter().any(|&x| x) && bad_at.is_none() {
                bad_at = Some(i0);
            }
        },
    );
    let fold = |m: [T; MLANES]| {
        m.iter()
            .fold(T::NEG_INFINITY, |a, &x| if x > a { x } else { a })
    };
    (fold(ms), fold(mt), bad_at)
}

/// The shift actually subtracted: the maximum, or `0` if a side is all `−∞` (its terms are
/// all `0` then, and the row is an error).
#[inline(always)]
fn shift<T: Real>(m: T) -> T {
    if m == T::NEG_INFINITY { T::ZERO } else { m }
}

/// Segments recorded by a [`Shifts`].
const SEGMENTS: usize = 32;

/// The shifts under which pass 1 evaluated one side's exponentials: the running maximum of
/// the logits up to and including the current chunk, which changes only at a chunk that
/// holds a new maximum (a handful of times in a row of random logits). Records the first
/// [`SEGMENTS`] segments `(first block, shift)`; the blocks after that many changes (an
/// adversarial row, e.g. sorted logits) are marked to be evaluated again in pass 2.
#[derive(Debug, Clone, Copy)]
struct Shifts<T> {
    first: [u32; SEGMENTS],
    shift: [T; SEGMENTS],
    len: usize,
    /// First block whose shift is not recorded (`usize::MAX`: none).
    overflow: usize,
}

impl<T: Real> Shifts<T> {
    fn new() -> Self {
        Shifts {
            first: [0; SEGMENTS],
            shift: [T::NEG_INFINITY; SEGMENTS],
            len: 1,
            overflow: usize::MAX,
        }
    }
    /// Block `b` and the ones after it use the shift `m`.
    #[inline(always)]
    fn push(&mut self, b: usize, m: T) {
        if self.overflow != usize::MAX {
            return;
        }
        if self.first[self.len - 1] as usize == b {
            self.shift[self.len - 1] = m;
        } else if self.len == SEGMENTS {
            self.overflow = b;
        } else {
            self.first[self.len] = b as u32;
            self.shift[self.len] = m;
            self.len += 1;
        }
    }
}

/// Pass 2's view of a [`Shifts`]: for blocks visited in increasing order, the factor
/// `e^{(shift_b − max)/T} ≤ 1` that brings an exponential stored by pass 1 to the row's final
/// shift, or `None` for a block to evaluate again.
struct Factors<'a, T> {
    rec: &'a Shifts<T>,
    seg: usize,
    factor: f64,
    last: f64,
    it: f64,
}

impl<'a, T: Real> Factors<'a, T> {
    fn new(rec: &'a Shifts<T>, last: T, it: f64) -> Self {
        let mut f = Factors {
            rec,
            seg: 0,
            factor: 0.0,
            last: last.to_f64(),
            it,
        };
        f.factor = f.of(0);
        f
    }
    /// The factor of segment `k` (`0` for a shift of `−∞`: a prefix of masked entries, whose
    /// exponentials are all `0`).
    fn of(&self, k: usize) -> f64 {
        ((self.rec.shift[k].to_f64() - self.last) * self.it).exp()
    }
    /// The factor of block `b` (`b` non-decreasing from one call to the next).
    #[inline(always)]
    fn at(&mut self, b: usize) -> Option<f64> {
        if b >= self.rec.overflow {
            return None;
        }
        while self.seg + 1 < self.rec.len && self.rec.first[self.seg + 1] as usize <= b {
            self.seg += 1;
            self.factor = self.of(self.seg);
        }
        Some(self.factor)
    }
}

/// Which KL sums pass 1 forms.
#[derive(Clone, Copy)]
struct Want {
    forward: bool,
    reverse: bool,
}

/// Pass 1: `L_s`, `L_t` and the KLs asked for, storing the unnormalised exponentials
/// `e^{(s − am_b)/T}` into `store_s` and `e^{(a − bm_b)/T}` into `store_t` (the gradient
/// buffers, which the gradient passes then rescale instead of evaluating the exponentials
/// again). The shifts `am_b`, `bm_b` are the running maxima up to and including the chunk of
/// block `b` (an online log-sum-exp by chunks: the chunk's maxima are taken first, and the
/// sums so far are rescaled when a maximum grows), recorded in [`Shifts`] for pass 2.
/// Validates every entry on the way.
#[inline(always)]
fn stats<T: Real, E: Encoding, const F: bool>(
    s: &[T],
    t: &[T],
    inv_t: f64,
    want: Want,
    store_s: Option<&mut [T]>,
    store_t: Option<&mut [T]>,
) -> Result<Stats<T>> {
    let inv_t = Scale::<T>::new(inv_t);
    let it = inv_t.exact;
    let (mut ms, mut mt) = (T::NEG_INFINITY, T::NEG_INFINITY);
    let (mut rec_s, mut rec_t) = (Shifts::<T>::new(), Shifts::<T>::new());
    let (mut ss, mut st, mut us, mut ut) = (
        LaneAcc::default(),
        LaneAcc::default(),
        LaneAcc::default(),
        LaneAcc::default(),
    );
    let (mut store_s, mut store_t) = (store_s, store_t);
    for c0 in (0..s.len()).step_by(CHUNK) {
        let c1 = (c0 + CHUNK).min(s.len());
        let (cs, ct) = (&s[c0..c1], &t[c0..c1]);
        let (bs, bt, bad) = chunk_maxima::<T, E>(cs, ct);
        if let Some(i0) = bad {
            let i0 = c0 + i0;
            return Err(first_bad::<T, E>(&s[i0..], &t[i0..], i0));
        }
        let b = c0 / BLK;
        raise(&mut ms, bs, it, [&mut ss, &mut us], &mut rec_s, b);
        raise(&mut mt, bt, it, [&mut st, &mut ut], &mut rec_t, b);
        let (am, bm) = (shift(ms), shift(mt));
        blocks::<T, E>(
            cs,
            ct,
            store_s.as_deref_mut().map(|o| &mut o[c0..c1]),
            store_t.as_deref_mut().map(|o| &mut o[c0..c1]),
            #[inline(always)]
            |_, xs, xt, o1, o2| {
                let mut es = [T::ZERO; BLK];
                let mut et = [T::ZERO; BLK];
                let mut yt = [T::ZERO; BLK];
                for j in 0..BLK {
                    let y = E::logit(xt[j]);
                    yt[j] = y;
                    es[j] = inv_t.exp::<F>(xs[j] - am);
                    et[j] = inv_t.exp::<F>(y - bm);
                }
                if let Some(o) = o1 {
                    *o = es;
                }
                if let Some(o) = o2 {
                    *o = et;
                }
                ss.add_widened(&es);
                st.add_widened(&et);
                // The weighted logit differences (zero where the weight is zero: the
                // difference may be infinite there), in f64: see `add_weighted_diff`.
                if want.reverse {
                    add_weighted_diff(&mut us, &es, xs, &yt);
                }
                if want.forward {
                    add_weighted_diff(&mut ut, &et, &yt, xs);
                }
            },
        );
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
        forward: f64::NAN,
        reverse: f64::NAN,
        rec_s,
        rec_t,
    };
    let d = stats.ls_minus_lt();
    // E_P[y − x] = (1/T)·Σ e_t (a − s) / Σ e_t, and likewise for Q. An infinite sum (a zero
    // of one side under mass of the other) is formed again with the final shifts, so that
    // whether a term counts does not depend on where the row's maximum lies (a term whose
    // weight underflows to 0 under the final shift does not count, whatever the order).
    if want.forward {
        let u = ut.total();
        let u = if u.is_finite() {
            u
        } else {
            weighted_diff_again::<T, E, F>(s, t, &stats, false)
        };
        stats.forward = clamp_kl(it * u / st + d);
    }
    if want.reverse {
        let u = us.total();
        let u = if u.is_finite() {
            u
        } else {
            weighted_diff_again::<T, E, F>(s, t, &stats, true)
        };
        stats.reverse = clamp_kl(it * u / ss - d);
    }
    Ok(stats)
}

/// `Σ e_q (s − a)` (`reverse`) or `Σ e_p (a − s)` with the exponentials under the row's
/// final shifts: the rare case of an infinite KL, see [`stats`].
#[cold]
#[inline(never)]
fn weighted_diff_again<T: Real, E: Encoding, const F: bool>(
    s: &[T],
    t: &[T],
    st: &Stats<T>,
    reverse: bool,
) -> f64 {
    let mut acc = LaneAcc::default();
    blocks::<T, E>(s, t, None, None, |_, xs, xt, _, _| {
        let mut e = [T::ZERO; BLK];
        let mut yt = [T::ZERO; BLK];
        for j in 0..BLK {
            yt[j] = E::logit(xt[j]);
            e[j] = if reverse {
                st.eq::<F>(xs[j])
            } else {
                st.ep::<F>(yt[j])
            };
        }
        if reverse {
            add_weighted_diff(&mut acc, &e, xs, &yt);
        } else {
            add_weighted_diff(&mut acc, &e, &yt, xs);
        }
    });
    acc.total()
}

/// Raises the running maximum `m` of one side to the chunk maximum `c` (starting at block
/// `b`) if it is larger: the sums so far are rescaled by `e^{(m − c)/T}` (they are exactly 0
/// while `m = −∞`) and the change is recorded.
#[inline(always)]
fn raise<T: Real>(
    m: &mut T,
    c: T,
    it: f64,
    sums: [&mut LaneAcc; 2],
    rec: &mut Shifts<T>,
    b: usize,
) {
    if c > *m {
        if *m > T::NEG_INFINITY {
            let f = ((m.to_f64() - c.to_f64()) * it).exp();
            for acc in sums {
                acc.scale(f);
            }
        }
        *m = c;
        rec.push(b, c);
    }
}

/// A KL computed by cancellation can come out a few ulp below zero; it is `≥ 0`.
#[inline]
fn clamp_kl(x: f64) -> f64 {
    if x < 0.0 { 0.0 } else { x }
}

/// `(a − b)/T − k`, the log-ratio factor of a gradient (`ln P − ln Q − KL` and the like),
/// evaluated in `f64` and rounded once: in the input type the difference of two large,
/// nearly cancelling logit differences would lose `u·|a − b|` absolutely.
#[inline(always)]
fn log_ratio<T: Real>(a: T, b: T, it: f64, k: f64) -> T {
    T::from_f64((a.to_f64() - b.to_f64()) * it - k)
}

/// One dense row of a divergence (`div` resolved: `0 < β < 1` for JSD): passes 0–3, the
/// value (unscaled) and the gradients scaled by `g`, written into `gs` (student) and `gt`
/// (teacher) if given. `F`: fused multiply-adds in the exponentials (the AVX2 + FMA path).
#[inline(always)]
pub(crate) fn row<T: Real, E: Encoding, const F: bool>(
    div: Divergence,
    s: &[T],
    t: &[T],
    inv_t: f64,
    g: f64,
    mut gs: Option<&mut [T]>,
    mut gt: Option<&mut [T]>,
) -> Result<f64> {
    let want = Want {
        forward: matches!(div, Divergence::Forward),
        reverse: matches!(div, Divergence::Reverse),
    };
    let st = stats::<T, E, F>(s, t, inv_t, want, gs.as_deref_mut(), gt.as_deref_mut())?;
    Ok(match div {
        Divergence::Forward => {
            grad_forward::<T, E, F>(s, t, &st, g, gs, gt);
            st.forward
        }
        Divergence::Reverse => {
            grad_reverse::<T, E, F>(s, t, &st, g, gs, gt);
            st.reverse
        }
        Divergence::Jsd { beta } => jsd::<T, E, F>(s, t, &st, beta, g, gs, gt),
    })
}

/// `v` if finite, else `0`. A gradient entry `e · (ln-ratio)` is infinite only where the
/// exponential `e` was stored under an earlier, smaller shift and is `0` under the row's
/// final one (the entry does not count in the KL, see [`stats`]); its gradient is `0`.
#[inline(always)]
fn finite_or_zero<T: Real>(v: T) -> T {
    if v < T::INFINITY && v > T::NEG_INFINITY {
        v
    } else {
        T::ZERO
    }
}

/// The stored exponentials of one block at the row's final shift, as a scale for them: the
/// normaliser `k` (`f64`) times the block's [`Factors`] factor, rounded once; or, for a block
/// whose shift was not recorded, `k` alone after evaluating the exponentials again into `o`.
#[inline(always)]
fn rescale<T: Real>(
    k: f64,
    factors: &mut Factors<'_, T>,
    b: usize,
    o: &mut [T; BLK],
    again: impl Fn(usize) -> T,
) -> T {
    match factors.at(b) {
        Some(f) => T::from_f64(k * f),
        None => {
            for (j, v) in o.iter_mut().enumerate() {
                *v = again(j);
            }
            T::from_f64(k)
        }
    }
}

/// Pass 2 of the forward KL: writes `g/T (Q − P)` and (optionally)
/// `g/T · P (ln P − ln Q − KL)`, from the exponentials pass 1 stored in the buffers.
#[inline(always)]
fn grad_forward<T: Real, E: Encoding, const F: bool>(
    s: &[T],
    t: &[T],
    st: &Stats<T>,
    g: f64,
    gs: Option<&mut [T]>,
    gt: Option<&mut [T]>,
) {
    let c = g * st.inv_t.exact;
    // Q = e_q / Σ_s, P = e_p / Σ_t.
    let (ks, kt64) = (c * (-st.lss).exp(), c * (-st.lst).exp());
    let kt = T::from_f64(kt64);
    let finite = st.forward.is_finite();
    // ln P − ln Q − KL = (a − s)/T − k0.
    let k0 = -st.ls_minus_lt() + st.forward;
    let it = st.inv_t.exact;
    if gs.is_none() && gt.is_none() {
        return;
    }
    let (mut fs, mut ft) = (st.factors_s(), st.factors_t());
    blocks::<T, E>(
        s,
        t,
        gs,
        gt,
        #[inline(always)]
        |i0, xs, xt, o1, o2| {
            let b = i0 / BLK;
            match o2 {
                None => {
                    if let Some(o) = o1 {
                        let ksb = rescale(ks, &mut fs, b, o, |j| st.eq::<F>(xs[j]));
                        for j in 0..BLK {
                            let ep = st.ep::<F>(E::logit(xt[j]));
                            o[j] = ksb * o[j] - kt * ep;
                        }
                    }
                }
                Some(ot) => {
                    let ktb = rescale(kt64, &mut ft, b, ot, |j| st.ep::<F>(E::logit(xt[j])));
                    let ep = *ot;
                    if let Some(o) = o1 {
                        let ksb = rescale(ks, &mut fs, b, o, |j| st.eq::<F>(xs[j]));
                        for j in 0..BLK {
                            o[j] = ksb * o[j] - ktb * ep[j];
                        }
                    }
                    for j in 0..BLK {
                        let v = if ep[j] > T::ZERO && finite {
                            ep[j] * log_ratio(E::logit(xt[j]), xs[j], it, k0)
                        } else {
                            T::ZERO
                        };
                        ot[j] = finite_or_zero(ktb * v);
                    }
                }
            }
        },
    );
}

/// Pass 2 of the reverse KL: writes `g/T · Q (ln Q − ln P − KL)` and (optionally)
/// `g/T (P − Q)`, from the exponentials pass 1 stored in the buffers. If the KL is `+∞`
/// (teacher zero under student mass) the gradients are zero: no finite gradient exists.
#[inline(always)]
fn grad_reverse<T: Real, E: Encoding, const F: bool>(
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
    if gs.is_none() && gt.is_none() {
        return;
    }
    let (ks, kt) = (c * (-st.lss).exp(), c * (-st.lst).exp());
    // ln Q − ln P − KL = (s − a)/T − k1.
    let k1 = st.ls_minus_lt() + st.reverse;
    let it = st.inv_t.exact;
    let (mut fs, mut ft) = (st.factors_s(), st.factors_t());
    blocks::<T, E>(
        s,
        t,
        gs,
        gt,
        #[inline(always)]
        |i0, xs, xt, mut o1, o2| {
            let b = i0 / BLK;
            let mut eq = [T::ZERO; BLK];
            let ksb = match o1 {
                Some(ref mut o) => {
                    let ksb = rescale(ks, &mut fs, b, o, |j| st.eq::<F>(xs[j]));
                    eq = **o;
                    ksb
                }
                None => {
                    for j in 0..BLK {
                        eq[j] = st.eq::<F>(xs[j]);
                    }
                    T::from_f64(ks)
                }
            };
            if let Some(o) = o1 {
                for j in 0..BLK {
                    o[j] = if eq[j] > T::ZERO {
                        finite_or_zero(ksb * (eq[j] * log_ratio(xs[j], E::logit(xt[j]), it, k1)))
                    } else {
                        T::ZERO
                    };
                }
            }
            if let Some(o) = o2 {
                let ktb = rescale(kt, &mut ft, b, o, |j| st.ep::<F>(E::logit(xt[j])));
                for j in 0..BLK {
                    o[j] = ktb * o[j] - ksb * eq[j];
                }
            }
        },
    );
}

/// JSD_β of one row (`0 < β < 1`), with gradients if buffers are given (passes 2 and 3;
/// the buffers hold pass 1's exponentials on entry).
#[inline(always)]
fn jsd<T: Real, E: Encoding, const F: bool>(
    s: &[T],
    t: &[T],
    st: &Stats<T>,
    beta: f64,
    g: f64,
    mut gs: Option<&mut [T]>,
    mut gt: Option<&mut [T]>,
) -> f64 {
    let (wp, wq) = (T::from_f64(beta), T::from_f64(1.0 - beta));
    let (wp64, wq64) = (beta, 1.0 - beta);
    let (iss, ist) = ((-st.lss).exp(), (-st.lst).exp());
    let mut sum_u = LaneAcc::default();
    let mut sum_v = LaneAcc::default();
    let (mut fs, mut ft) = (st.factors_s(), st.factors_t());
    blocks::<T, E>(
        s,
        t,
        gs.as_deref_mut(),
        gt.as_deref_mut(),
        #[inline(always)]
        |i0, xs, xt, mut o1, mut o2| {
            let b = i0 / BLK;
            let mut eq = [T::ZERO; BLK];
            let mut ep = [T::ZERO; BLK];
            // The normalisers, times the factors of the stored exponentials.
            let iss_t = match o1 {
                Some(ref mut o) => {
                    let k = rescale(iss, &mut fs, b, o, |j| st.eq::<F>(xs[j]));
                    eq = **o;
                    k
                }
                None => {
                    for j in 0..BLK {
                        eq[j] = st.eq::<F>(xs[j]);
                    }
                    T::from_f64(iss)
                }
            };
            let ist_t = match o2 {
                Some(ref mut o) => {
                    let k = rescale(ist, &mut ft, b, o, |j| st.ep::<F>(E::logit(xt[j])));
                    ep = **o;
                    k
                }
                None => {
                    for j in 0..BLK {
                        ep[j] = st.ep::<F>(E::logit(xt[j]));
                    }
                    T::from_f64(ist)
                }
            };
            let mut qu = [T::ZERO; BLK];
            let mut pv = [T::ZERO; BLK];
            let mut u = [T::ZERO; BLK];
            let mut v = [T::ZERO; BLK];
            for j in 0..BLK {
                let q = eq[j] * iss_t;
                let p = ep[j] * ist_t;
                // ln(Q/M) and ln(P/M) as logarithms of ratios, not differences of
                // logarithms, with the ratios formed in f64 and rounded once: the error of
                // each logarithm stays `≤ u/2` absolute (plus its own rounding) instead of
                // `u·|ln Q|`, which the gradients need where `u ≈ Σ Q u`.
                let (q64, p64) = (q.to_f64(), p.to_f64());
                let inv_m = 1.0 / (wp64 * p64 + wq64 * q64);
                // (Zero ratios give garbage here; they are selected out below.)
                let lqm = T::from_f64(q64 * inv_m).ln_pos::<F>();
                let lpm = T::from_f64(p64 * inv_m).ln_pos::<F>();
                u[j] = if q > T::ZERO { wq * lqm } else { T::ZERO };
                v[j] = if p > T::ZERO { wp * lpm } else { T::ZERO };
                qu[j] = q * u[j];
                pv[j] = p * v[j];
            }
            sum_u.add_widened(&qu);
            sum_v.add_widened(&pv);
            if let Some(o) = o1 {
                *o = u;
            }
            if let Some(o) = o2 {
                *o = v;
            }
        },
    );
    let (ku, kv) = (sum_u.total(), sum_v.total());
    let c = g * st.inv_t.exact;
    if gs.is_some() || gt.is_some() {
        // Pass 3: `g/T · Q (u − Σ Q u)` and `g/T · P (v − Σ P v)`, with `Q`, `P` from their
        // exponentials again; the differences are formed first (exact where they cancel).
        let (cs, ct) = (T::from_f64(c * iss), T::from_f64(c * ist));
        let (ku_t, kv_t) = (T::from_f64(ku), T::from_f64(kv));
        blocks::<T, E>(
            s,
            t,
            gs,
            gt,
            #[inline(always)]
            |_, xs, xt, o1, o2| {
                if let Some(o) = o1 {
                    for j in 0..BLK {
                        o[j] = cs * (st.eq::<F>(xs[j]) * (o[j] - ku_t));
                    }
                }
                if let Some(o) = o2 {
                    for j in 0..BLK {
                        o[j] = ct * (st.ep::<F>(E::logit(xt[j])) * (o[j] - kv_t));
                    }
                }
            },
        );
    }
    clamp_kl(ku + kv)
}
