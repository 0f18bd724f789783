//! The target side of a loss: the teacher's distribution over the vocabulary, in one of four
//! encodings.

use crate::real::Real;

/// The teacher (target) `P`: rows of a `[B, V]` row-major matrix, or a sparse top-k form.
///
/// At temperature `T` every dense form is turned into log-probabilities
/// `ln P = a/T − logsumexp(a/T)` with `a` the logits, the log-probabilities, or `ln p`
/// respectively; at `T = 1` a normalised input is used as given (up to rounding).
/// Exact zeros (`p = 0`, `ln p = −∞`, a logit of `−∞`) are allowed and handled exactly:
/// they contribute nothing to the forward KL and get a zero teacher gradient.
#[derive(Debug, Clone, Copy)]
pub enum Teacher<'a, T> {
    /// Unnormalised logits (`−∞` allowed for masked entries; NaN and `+∞` are errors).
    Logits(&'a [T]),
    /// Log-probabilities (`≤ 0`, `−∞` for zeros); each row's `Σ exp` must be within
    /// [`LossOptions::norm_tol`](super::LossOptions::norm_tol) of 1.
    LogProbs(&'a [T]),
    /// Probabilities (`≥ 0`, finite); each row must sum to 1 within
    /// [`LossOptions::norm_tol`](super::LossOptions::norm_tol).
    Probs(&'a [T]),
    /// Top-k indices and log-probabilities per row; the remaining mass is a tail bucket.
    Sparse(SparseTeacher<'a, T>),
}

/// A sparse teacher: for each row, `k` vocabulary indices and their log-probabilities (both
/// `[B, k]` row-major), as stored by distillation pipelines that keep only the teacher's
/// top-k tokens.
///
/// The rest of the mass, `r = 1 − Σ_j exp(lp_j)`, is a **tail bucket**: the divergence is taken
/// between the coarsened distributions over `{the k indices, tail}`, with the student's tail
/// mass `Q_tail = Σ_{i ∉ top-k} Q_i`. By the data-processing inequality this is `≤` the KL of
/// any dense teacher that agrees on the top-k. Supported for [`super::Divergence::Forward`] at
/// temperature 1.
#[derive(Debug, Clone, Copy)]
pub struct SparseTeacher<'a, T> {
    /// Vocabulary indices, `k` per row, distinct within a row, each `< V`.
    pub indices: &'a [usize],
    /// Their log-probabilities, `k` per row (`≤ 0`, `−∞` allowed).
    pub log_probs: &'a [T],
    /// Entries per row.
    pub k: usize,
}

impl<'a, T: Real> SparseTeacher<'a, T> {
    /// A sparse teacher with `k` entries per row.
    pub fn new(indices: &'a [usize], log_probs: &'a [T], k: usize) -> Self {
        SparseTeacher {
            indices,
            log_probs,
            k,
        }
    }
}

/// How a dense teacher entry becomes a "logit" `a` (`ln P = a/T − logsumexp(a/T)`), and which
/// raw entries are valid. Evaluated in the input type's own arithmetic.
pub(crate) trait Encoding: Sync {
    /// The logit of a raw entry.
    fn logit<T: Real>(x: T) -> T;
    /// Whether a raw entry is acceptable.
    fn valid<T: Real>(x: T) -> bool;
    /// A valid raw entry of zero mass (logit `−∞`): the padding of partial blocks.
    fn zero_mass<T: Real>() -> T;
}

/// Logits and log-probabilities: the entry itself; `−∞` allowed, NaN and `+∞` not.
pub(crate) struct AsLogit;
/// Probabilities: `ln p`; finite and `≥ 0`.
pub(crate) struct AsProb;

impl Encoding for AsLogit {
    #[inline(always)]
    fn logit<T: Real>(x: T) -> T {
        x
    }
    #[inline(always)]
    fn valid<T: Real>(x: T) -> bool {
        !super::rows::nan_or_pos_inf(x)
    }
    #[inline(always)]
    fn zero_mass<T: Real>() -> T {
        T::NEG_INFINITY
    }
}

impl Encoding for AsProb {
    #[inline(always)]
    fn logit<T: Real>(x: T) -> T {
        x.ln_fast()
    }
    #[inline(always)]
    fn valid<T: Real>(x: T) -> bool {
        // `≥ 0` and `< ∞` (false for NaN).
        x >= T::ZERO && x < T::INFINITY
    }
    #[inline(always)]
    fn zero_mass<T: Real>() -> T {
        T::ZERO
    }
}
