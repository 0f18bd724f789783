//! # kldiv — the Kullback–Leibler divergence, exact, fast and hard to misuse
//!
//! The Kullback–Leibler divergence of a model `Q` from the truth `P`,
//!
//! ```text
//! D(P‖Q) = Σ_x P(x) ln(P(x)/Q(x))        (discrete)
//! D(P‖Q) = ∫ p(x) ln(p(x)/q(x)) dx        (continuous)
//! ```
//!
//! is the expected number of extra nats (or bits) needed to code data from `P` with a code
//! built for `Q`: `D(P‖Q) = H(P, Q) − H(P)`. It is `≥ 0`, zero only when `P = Q`, and not
//! symmetric.
//!
//! ## Conventions
//!
//! * **Math order.** `f(p, q)` is `D(p‖q)`: `p` the reference distribution, `q` the
//!   approximation.
//! * **Units.** Every value carries its unit ([`Base`], [`Quantity`]); nats by default.
//! * **Infinity is a value, invalid input is an error.** `p > 0` where `q = 0` gives `+∞` (or an
//!   error if asked); NaN, negative or infinite entries, empty or mismatched inputs are
//!   [`Error`]s that name the argument, the index and the value. Library code never panics on
//!   user input.
//! * **Normalisation and smoothing are explicit**
//!   ([`discrete::Normalize`], [`discrete::Smoothing`]).
//! * **Accuracy.** Sums accumulate in `f64` with compensated summation ([`sum`]), also for
//!   `f32` inputs.
//!
//! ## Modules
//!
//! | module | contents |
//! |---|---|
//! | [`discrete`] | KL, entropy, cross-entropy, Jensen–Shannon, Jeffreys, generalized KL; batches; explanations |
//! | [`loss`] | training losses on logits with gradients (forward/reverse KL, JSD_β), RL KL penalties k1/k2/k3, the VAE Gaussian KL |
//! | [`estimate`] | from samples: k-NN KL and entropy, histogram plug-in with Miller–Madow, bootstrap intervals, neighbour search |
//! | [`dist`] | parametric families (one file each): constructors, log-densities, sampling, entropy, moments |
//! | [`kl`] | KL between parametric distributions: closed forms, quadrature / sum / Monte Carlo fallbacks, `AnyDist`, the spec parser, the registry listing |
//! | [`variational`] | fitting a Gaussian by forward KL (moment matching) or reverse KL (mode seeking); ADVI (mean-field / full-rank) with Bayesian logistic regression |
//! | [`quad`] | adaptive Gauss–Kronrod quadrature with infinite-range transforms |
//! | [`special`] | ln Γ, digamma, trigamma, ln B, erf, Φ, scaled Bessel I₀/I₁ |
//! | [`units`] | bases of the logarithm and values with units |
//! | [`sum`] | compensated summation |
//! | [`kernels`] | the hot loops behind [`discrete`] |
//! | [`error`] | the error type |
//!
//! ## Example
//!
//! ```
//! use kldiv::discrete::{kl, Options};
//! use kldiv::Base;
//!
//! let p = [0.5, 0.5];
//! let q = [0.9, 0.1];
//! let forward = kl(&p, &q, &Options::default()).unwrap();
//! let reverse = kl(&q, &p, &Options::default()).unwrap();
//! assert!((forward.value - 0.510826).abs() < 1e-6); // nats
//! assert!((reverse.value - 0.368064).abs() < 1e-6); // not symmetric
//! let bits = kl(&p, &q, &Options::default().base(Base::Bits)).unwrap();
//! assert!((bits.value - forward.value / std::f64::consts::LN_2).abs() < 1e-15);
//! ```

pub mod discrete;
pub mod dist;
pub mod error;
pub mod estimate;
pub mod kernels;
pub mod kl;
pub mod loss;
pub mod quad;
pub mod real;
pub mod special;
pub mod sum;
pub mod units;
pub mod variational;

pub use error::{Error, Result};
pub use real::{Element, Real};
pub use units::{Base, Quantity};
