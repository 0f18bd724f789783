//! The hot loops of the discrete measures.
//!
//! Every discrete measure reduces to one pass over one or two arrays that maps each entry
//! through an [`Affine`] transform (which carries normalisation and smoothing, so no smoothed
//! copy is ever allocated), evaluates one term per outcome, and accumulates the terms in `f64`
//! with compensated summation ([`crate::sum::Neumaier`]), whatever the input type.
//!
//! **Determinism.** Inputs are cut into fixed blocks of [`BLOCK`] entries; each block is
//! reduced sequentially and the block sums are merged in order. Long inputs reduce their
//! blocks on rayon's threads, but the blocks and the merge order do not depend on the number
//! of threads, so the result is bit-for-bit the same on 1 or 64 threads.
//!
//! This module is the only place for vectorised code and runtime CPU dispatch. Each block is
//! reduced by the lane-parallel kernels of `lanes` (compiled for the baseline ISA and,
//! selected at run time, for AVX2+FMA and for AVX-512); [`reference`](mod@reference) holds the
//! plain scalar loops they are tested against. Inputs used as given (identity transforms) can
//! be validated in the same pass that reduces them ([`kl_validated`] and its siblings), so
//! that a measure reads its data once.

#[cfg(target_arch = "x86_64")]
mod avx2;
pub(crate) mod dispatch;
mod exp;
mod fastmath;
mod lanes;
mod ln;
pub mod reference;
mod terms;
mod vectorized;

pub use exp::{exp_f32, exp_f64};
pub(crate) use fastmath::{exp2_scaled_f32, ln_pos_f32};
pub use fastmath::{fast_exp, fast_exp_f32, fast_exp_f32_fma};
pub use ln::{ln_f32, ln_f64};
pub use terms::{kl_excess, kl_term, ln_ratio};
pub use vectorized::{Kernel, vectorized};
#[cfg(all(test, target_arch = "x86_64"))]
pub(crate) use vectorized::{has_avx512, on_avx2, on_avx512};

use crate::real::Element;
use crate::sum::Neumaier;
use rayon::prelude::*;

/// Entries per block of a reduction (see the module docs on determinism).
pub const BLOCK: usize = 1 << 14;

/// Inputs with at least this many entries reduce their blocks in parallel.
pub const PARALLEL_MIN: usize = 1 << 17;

/// The map `x ↦ scale · max(x, floor) + shift` applied to every raw entry before its term is
/// evaluated. It expresses every normalisation and smoothing option of
/// [`crate::discrete::Options`]; the identity is `scale = 1, shift = 0, floor = 0`, which
/// leaves every non-negative entry bit-for-bit unchanged.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Affine {
    /// Multiplier applied after the floor.
    pub scale: f64,
    /// Added after scaling.
    pub shift: f64,
    /// Lower bound applied to the raw entry first.
    pub floor: f64,
}

impl Affine {
    /// The identity map.
    pub const IDENTITY: Affine = Affine {
        scale: 1.0,
        shift: 0.0,
        floor: 0.0,
    };

    /// Applies the map to one raw entry.
    #[inline(always)]
    pub fn apply(&self, x: f64) -> f64 {
        let y = if x < self.floor { self.floor } else { x };
        self.scale * y + self.shift
    }
}

/// The result of a reduction whose terms can be infinite because `p > 0` where `q = 0`.
///
/// `finite` is the compensated sum of the finite terms (nats); outcomes with `p > 0 = q` are
/// counted instead of summed, so the caller decides between `+∞` and an error.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct SupportedSum {
    /// Sum of the finite terms, in nats.
    pub finite: f64,
    /// Number of outcomes with `p > 0` and `q = 0`.
    pub unsupported: usize,
    /// First such outcome.
    pub first_unsupported: Option<usize>,
    /// `p` (after its transform) at `first_unsupported`.
    pub first_p: f64,
    /// Total transformed `p`-mass on such outcomes.
    pub mass_outside: f64,
}

/// Partial sums of one block.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Partial {
    pub(crate) main: Neumaier,
    pub(crate) side: Neumaier,
    mass: Neumaier,
    unsupported: usize,
    first: Option<(usize, f64)>,
    /// Raw totals of the inputs (`p`, `q`), filled by the validating kernels only.
    pub(crate) totals: [Neumaier; 2],
    /// Whether a validating kernel met a NaN, infinite or negative entry.
    pub(crate) invalid: bool,
}

impl Partial {
    #[inline(always)]
    pub(crate) fn miss(&mut self, i: usize, pv: f64) {
        if self.first.is_none() {
            self.first = Some((i, pv));
        }
        self.unsupported += 1;
        self.mass.add(pv);
    }

    pub(crate) fn merge(mut self, o: Partial) -> Partial {
        self.main.merge(o.main);
        self.side.merge(o.side);
        self.mass.merge(o.mass);
        self.unsupported += o.unsupported;
        self.totals[0].merge(o.totals[0]);
        self.totals[1].merge(o.totals[1]);
        self.invalid |= o.invalid;
        if self.first.is_none() {
            self.first = o.first;
        }
        self
    }

    pub(crate) fn finish(self) -> SupportedSum {
        SupportedSum {
            finite: self.main.total() + self.side.total(),
            unsupported: self.unsupported,
            first_unsupported: self.first.map(|f| f.0),
            first_p: self.first.map_or(0.0, |f| f.1),
            mass_outside: self.mass.total(),
        }
    }
}

/// Reduces `n` entries block by block with `f(start, end)`, merging block results in order.
fn blocks<F>(n: usize, f: F) -> Partial
where
    F: Fn(usize, usize) -> Partial + Sync,
{
    fold_blocks(Partial::default(), n, f)
}

/// Reduces `n` entries block by block with `f(start, end)` and folds the block results, in
/// order, into `acc`. A stream that feeds chunks whose lengths are multiples of [`BLOCK`]
/// therefore performs exactly the operations of one call over the whole input.
pub(crate) fn fold_blocks<F>(acc: Partial, n: usize, f: F) -> Partial
where
    F: Fn(usize, usize) -> Partial + Sync,
{
    let nb = n.div_ceil(BLOCK);
    let run = |b: usize| f(b * BLOCK, ((b + 1) * BLOCK).min(n));
    if n >= PARALLEL_MIN {
        let parts: Vec<Partial> = (0..nb).into_par_iter().map(run).collect();
        parts.into_iter().fold(acc, Partial::merge)
    } else {
        (0..nb).map(run).fold(acc, Partial::merge)
    }
}

/// Σ p ln(p/q) over transformed entries, with `0 ln(0/q) = 0`.
///
/// Accumulated as `Σ e(p, q) + Σ (p − q)` over the outcomes with `p > 0` (see
/// [`kl_excess`]): the first sum has non-negative terms, the second is tiny for two
/// distributions, so the result keeps its relative accuracy even when `p ≈ q`.
pub fn kl<T: Element>(p: &[T], q: &[T], tp: Affine, tq: Affine) -> SupportedSum {
    let n = p.len().min(q.len());
    blocks(n, |s, e| dispatch::kl(&p[s..e], &q[s..e], tp, tq, s)).finish()
}

/// −Σ p ln q over transformed entries (cross-entropy), with `0 ln q = 0`.
pub fn cross_entropy<T: Element>(p: &[T], q: &[T], tp: Affine, tq: Affine) -> SupportedSum {
    let n = p.len().min(q.len());
    blocks(n, |s, e| {
        dispatch::cross_entropy(&p[s..e], &q[s..e], tp, tq, s)
    })
    .finish()
}

/// Σ [p ln(p/q) − p + q] over transformed entries (generalized KL of non-negative measures);
/// `p = 0` contributes `q`. Every term is `≥ 0` and evaluated by [`kl_excess`].
pub fn generalized_kl<T: Element>(p: &[T], q: &[T], tp: Affine, tq: Affine) -> SupportedSum {
    let n = p.len().min(q.len());
    blocks(n, |s, e| {
        dispatch::generalized_kl(&p[s..e], &q[s..e], tp, tq, s)
    })
    .finish()
}

/// −Σ p ln p over transformed entries (Shannon entropy, nats), with `0 ln 0 = 0`.
pub fn entropy<T: Element>(p: &[T], tp: Affine) -> f64 {
    blocks(p.len(), |s, e| dispatch::entropy(&p[s..e], tp))
        .finish()
        .finite
}

/// Weighted Jensen–Shannon divergence in nats:
/// `Σ w_p·p ln(p/m) + w_q·q ln(q/m)` with `m = w_p·p + w_q·q`. Always finite.
///
/// Evaluated as `Σ w_p·e(p, m) + w_q·e(q, m)` (see [`kl_excess`]): the two forms are equal
/// because `w_p(p − m) + w_q(q − m) = 0`, every term is non-negative, and the excess form is
/// insensitive to the rounding of `m` to first order.
pub fn js<T: Element>(p: &[T], q: &[T], tp: Affine, tq: Affine, wp: f64, wq: f64) -> f64 {
    let n = p.len().min(q.len());
    blocks(n, |s, e| dispatch::js(&p[s..e], &q[s..e], tp, tq, wp, wq))
        .finish()
        .finite
}

/// The result of a single pass that validates raw inputs while it reduces them (identity
/// transforms): the measure's sum and the compensated totals of the inputs (`p`, then `q`),
/// for the normalisation check that follows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Validated {
    /// The measure, as [`kl`] or [`cross_entropy`] return it (for [`entropy`], `finite` only).
    pub sum: SupportedSum,
    /// Compensated totals of the raw entries of `p` and `q` (`q`'s is 0 for entropy).
    pub totals: [f64; 2],
}

fn validated(part: Partial) -> Option<Validated> {
    if part.invalid {
        return None;
    }
    let totals = [part.totals[0].total(), part.totals[1].total()];
    Some(Validated {
        sum: part.finish(),
        totals,
    })
}

/// [`kl`] of the raw entries (identity transforms) in the same pass as their validation: the
/// reading of the inputs that [`checked_sum`] would repeat is saved. `None` if an entry is
/// NaN, infinite or negative (the caller then locates it). The value is the one [`kl`] returns
/// with identity transforms, bit for bit; the totals are compensated sums of the raw entries
/// (added per lane over [`BLOCK`]-sized blocks, so they may differ from [`checked_sum`]'s in
/// the last bits).
pub fn kl_validated<T: Element>(p: &[T], q: &[T]) -> Option<Validated> {
    let n = p.len().min(q.len());
    validated(blocks(n, |s, e| {
        dispatch::kl_validating(&p[s..e], &q[s..e], s)
    }))
}

/// [`cross_entropy`] of the raw entries fused with their validation, as [`kl_validated`].
pub fn cross_entropy_validated<T: Element>(p: &[T], q: &[T]) -> Option<Validated> {
    let n = p.len().min(q.len());
    validated(blocks(n, |s, e| {
        dispatch::cross_entropy_validating(&p[s..e], &q[s..e], s)
    }))
}

/// [`entropy`] of the raw entries fused with their validation, as [`kl_validated`].
pub fn entropy_validated<T: Element>(p: &[T]) -> Option<Validated> {
    validated(blocks(p.len(), |s, e| {
        dispatch::entropy_validating(&p[s..e])
    }))
}

/// Compensated sum of the transformed entries (the total mass after the transform).
pub fn mass<T: Element>(x: &[T], t: Affine) -> f64 {
    blocks(x.len(), |s, e| dispatch::mass(&x[s..e], t))
        .finish()
        .finite
}

/// Compensated sum of the raw entries, or `None` if any entry is NaN, infinite or negative
/// (the caller locates it). Deterministic like every reduction here.
pub fn checked_sum<T: Element>(x: &[T]) -> Option<f64> {
    let bad = std::sync::atomic::AtomicBool::new(false);
    let total = blocks(x.len(), |s, e| {
        let (part, ok) = dispatch::checked_sum(&x[s..e]);
        if !ok {
            bad.store(true, std::sync::atomic::Ordering::Relaxed);
        }
        part
    })
    .finish()
    .finite;
    if bad.load(std::sync::atomic::Ordering::Relaxed) {
        None
    } else {
        Some(total)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_transform_is_exact() {
        for x in [0.0, 1e-300, 0.3, 1.0, 5e-324] {
            assert_eq!(Affine::IDENTITY.apply(x), x);
        }
    }

    #[test]
    fn kl_two_outcomes() {
        let s = kl(&[0.5, 0.5], &[0.9, 0.1], Affine::IDENTITY, Affine::IDENTITY);
        assert!((s.finite - 0.510_825_623_765_990_7).abs() < 1e-15);
        assert_eq!(s.unsupported, 0);
    }

    #[test]
    fn unsupported_outcomes_are_counted() {
        let s = kl(
            &[0.2, 0.3, 0.5],
            &[0.0, 1.0, 0.0],
            Affine::IDENTITY,
            Affine::IDENTITY,
        );
        assert_eq!(s.unsupported, 2);
        assert_eq!(s.first_unsupported, Some(0));
        assert!((s.mass_outside - 0.7).abs() < 1e-15);
    }

    #[test]
    fn parallel_blocks_are_deterministic_and_find_the_first_miss() {
        let n = PARALLEL_MIN + 12345;
        let p: Vec<f64> = (0..n).map(|i| ((i % 97) + 1) as f64).collect();
        let mut q: Vec<f64> = (0..n).map(|i| ((i % 89) + 1) as f64).collect();
        q[n - 10] = 0.0;
        q[3 * BLOCK + 7] = 0.0;
        let tp = Affine {
            scale: 1.0 / p.iter().sum::<f64>(),
            ..Affine::IDENTITY
        };
        let tq = Affine {
            scale: 1.0 / q.iter().sum::<f64>(),
            ..Affine::IDENTITY
        };
        let a = kl(&p, &q, tp, tq);
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        let b = pool.install(|| kl(&p, &q, tp, tq));
        assert_eq!(a.finite.to_bits(), b.finite.to_bits());
        assert_eq!(a.first_unsupported, Some(3 * BLOCK + 7));
        assert_eq!(a.unsupported, 2);
    }
}
