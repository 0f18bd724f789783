//! Exact divergences between discrete distributions.
//!
//! For distributions `p`, `q` over the same `K` outcomes (slices of `f32`, `f64`, or integer
//! counts), all in nats unless [`Options::base`] says otherwise:
//!
//! | function | definition |
//! |---|---|
//! | [`kl`] | `D(p‖q) = Σ p_i ln(p_i/q_i)` |
//! | [`entropy`] | `H(p) = −Σ p_i ln p_i` |
//! | [`cross_entropy`] | `H(p, q) = −Σ p_i ln q_i = H(p) + D(p‖q)` |
//! | [`js`], [`js_weighted`] | `JS_π = π_p D(p‖m) + π_q D(q‖m)`, `m = π_p p + π_q q` |
//! | [`js_distance`] | `√JS` (equal weights) |
//! | [`jeffreys`] | `D(p‖q) + D(q‖p)` |
//! | [`generalized_kl`] | `Σ p_i ln(p_i/q_i) − p_i + q_i` for unnormalised measures |
//!
//! Conventions: `0·ln(0/q) = 0`; `p_i > 0 = q_i` is `+∞` ([`Support::Infinite`], the default)
//! or an error ([`Support::Error`]). Normalisation is explicit ([`Normalize`]) and so is
//! smoothing ([`Smoothing`]). Invalid input (empty, mismatched lengths, NaN, ±∞, negative
//! entries, a failed sum check) is an [`Error`](crate::Error) naming the argument and index;
//! nothing panics.
//!
//! **Accuracy.** Every entry is widened to `f64` (exactly, also for `f32`) and every term is
//! evaluated in `f64` by the vectorised kernels of [`crate::kernels`], to within 24 ulps of its
//! exact value; sums are compensated. For sums of non-negative terms — entropy and
//! cross-entropy of distributions, the excess part `Σ p ln(p/q) − p + q` of the KL divergence
//! (whose remaining part `Σ (p − q)` is summed with a TwoSum per term), JS and the generalized
//! KL — the result is within `30·2⁻⁵³ ≈ 3.4·10⁻¹⁵` of the exact value of the measure on the
//! (transformed) inputs, relative, independent of `K`. For `f32` input the result is therefore
//! the `f64` value of the measure on the `f32` values, within the same bound. Results are the
//! same bits for any number of threads; on x86-64 the AVX2 and AVX-512 paths give the same bits
//! and the portable path agrees with them within the bound.
//!
//! **One pass.** Floating-point inputs used as given ([`Normalize::Check`] or
//! [`Normalize::Assume`], no smoothing) are validated (finite, `≥ 0`, and the sum check) in the
//! same pass over the data that evaluates [`kl`], [`cross_entropy`] or [`entropy`]; on an invalid
//! entry the ordinary path locates and reports it.
//!
//! Batches of rows: [`rowwise`], [`broadcast`], [`pairwise`]. Why two distributions differ:
//! [`explain`]. Inputs larger than memory, in chunks: [`Stream`].

mod batch;
mod cross_entropy;
mod entropy;
mod explain;
mod generalized;
mod jeffreys;
mod js;
mod kl;
mod measure;
mod options;
mod prepare;
mod stream;

pub use batch::{Rows, broadcast, pairwise, rowwise};
pub use cross_entropy::cross_entropy;
pub use entropy::entropy;
pub use explain::{Explanation, Term, explain};
pub use generalized::generalized_kl;
pub use jeffreys::jeffreys;
pub use js::{js, js_distance, js_weighted};
pub use kl::kl;
pub use measure::Measure;
pub use options::{Normalize, Options, SmoothSide, Smoothing, Support};
pub use stream::{Pass, Stream};
