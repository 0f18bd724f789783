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
