//! The KL term of a VAE: diagonal Gaussians parameterised by mean and log-variance, batched.
//!
//! For `q = N(μ₁, diag σ₁²)` and `p = N(μ₂, diag σ₂²)` in `D` dimensions, with `ℓ = ln σ²`:
//!
//! ```text
//! KL(q‖p) = ½ Σ_d [ e^{ℓ₁−ℓ₂} − 1 − (ℓ₁ − ℓ₂) + (μ₁ − μ₂)² e^{−ℓ₂} ]
//! KL(q‖N(0, I)) = ½ Σ_d (μ² + σ² − 1 − ln σ²)
//! ```
//!
//! `e^x − 1 − x` is evaluated as `expm1(x) − x`, accurate as `σ₁ → σ₂`. Gradients:
//! `∂/∂μ₁ = (μ₁ − μ₂) e^{−ℓ₂}`, `∂/∂μ₂ = −∂/∂μ₁`, `∂/∂ℓ₁ = ½ expm1(ℓ₁ − ℓ₂)`,
//! `∂/∂ℓ₂ = −½ [expm1(ℓ₁ − ℓ₂) + (μ₁ − μ₂)² e^{−ℓ₂}]`.

use super::divergence::Loss;
use super::options::{Reduction, reduction_weight};
use crate::error::{Arg, Error, Result};
use crate::real::Real;
use crate::sum::Neumaier;

/// A batch of diagonal Gaussians: `[B, D]` row-major means and log-variances `ln σ²`.
#[derive(Debug, Clone, Copy)]
pub struct DiagGaussians<'a, T> {
    /// Means.
    pub mu: &'a [T],
    /// Log-variances `ln σ²`.
    pub log_var: &'a [T],
}

/// Caller-owned gradient buffers (`[B, D]`, overwritten) of [`gaussian_kl`] and
/// [`gaussian_kl_standard`]. Side 1 is the left argument `q`, side 2 the right `p`.
#[derive(Debug)]
pub struct GaussianGrads<'a, T> {
    /// `∂/∂μ₁`.
    pub mu1: Option<&'a mut [T]>,
    /// `∂/∂ℓ₁`.
    pub log_var1: Option<&'a mut [T]>,
    /// `∂/∂μ₂` ([`gaussian_kl`] only).
    pub mu2: Option<&'a mut [T]>,
    /// `∂/∂ℓ₂` ([`gaussian_kl`] only).
    pub log_var2: Option<&'a mut [T]>,
}

impl<T> Default for GaussianGrads<'_, T> {
    /// No gradients.
    fn default() -> Self {
        GaussianGrads {
            mu1: None,
            log_var1: None,
            mu2: None,
            log_var2: None,
        }
    }
}

/// `KL(N(μ, diag e^ℓ) ‖ N(0, I))` per row of a `[B, D]` batch, reduced, with gradients w.r.t.
/// `μ` and `ℓ = ln σ²` (the VAE regulariser).
///
/// Reductions: `Sum`, `BatchMean` (mean over rows: the usual VAE term), `MeanPerElement`
/// (divided by `B·D`), `None` (per-row values in [`Loss::rows`], value = their sum).
///
/// # Errors
/// Shape mismatches and non-finite entries (`p` = `μ`/`ℓ` of the left side).
///
/// ```
/// use kldiv::loss::{gaussian_kl_standard, DiagGaussians, GaussianGrads, Reduction};
/// let (mu, lv) = ([1.0, 0.0], [0.0, 2f64.ln()]);
/// let mut gmu = [0.0; 2];
/// let mut glv = [0.0; 2];
/// let grads = GaussianGrads { mu1: Some(&mut gmu), log_var1: Some(&mut glv), ..Default::default() };
/// let kl = gaussian_kl_standard(DiagGaussians { mu: &mu, log_var: &lv }, 2, Reduction::Sum, grads).unwrap();
/// // ½(1 + 1 − 1 − 0) + ½(0 + 2 − 1 − ln 2)
/// assert!((kl.value - (0.5 + 0.5 * (1.0 - 2f64.ln()))).abs() < 1e-15);
/// assert_eq!(gmu, [1.0, 0.0]);
/// assert!((glv[1] - 0.5).abs() < 1e-15);
/// ```
pub fn gaussian_kl_standard<T: Real>(
    q: DiagGaussians<'_, T>,
    dim: usize,
    reduction: Reduction,
    grads: GaussianGrads<'_, T>,
) -> Result<Loss> {
    run(q, None, dim, reduction, grads)
}

/// `KL(q‖p)` between diagonal Gaussians, row by row over `[B, D]` batches, reduced, with
/// gradients w.r.t. both means and log-variances. See [`gaussian_kl_standard`] for the
/// reductions.
///
/// ```
/// use kldiv::loss::{gaussian_kl, DiagGaussians, GaussianGrads, Reduction};
/// let q = DiagGaussians { mu: &[0.0], log_var: &[0.0] };
/// let p = DiagGaussians { mu: &[1.0], log_var: &[4f64.ln()] };
/// let kl = gaussian_kl(q, p, 1, Reduction::Sum, GaussianGrads::default()).unwrap();
/// // ln(σ₂/σ₁) + (σ₁² + (μ₁−μ₂)²)/(2σ₂²) − ½ = ln 2 + 2/8 − ½
/// assert!((kl.value - (2f64.ln() - 0.25)).abs() < 1e-15);
/// ```
pub fn gaussian_kl<T: Real>(
    q: DiagGaussians<'_, T>,
    p: DiagGaussians<'_, T>,
    dim: usize,
    reduction: Reduction,
    grads: GaussianGrads<'_, T>,
) -> Result<Loss> {
    run(q, Some(p), dim, reduction, grads)
}

fn run<T: Real>(
    q: DiagGaussians<'_, T>,
    p: Option<DiagGaussians<'_, T>>,
    dim: usize,
    reduction: Reduction,
    grads: GaussianGrads<'_, T>,
) -> Result<Loss> {
    let n = q.mu.len();
    if n == 0 {
        return Err(Error::Empty { arg: Arg::P });
    }
    if dim == 0 || n % dim != 0 {
        return Err(Error::Shape {
            arg: Arg::P,
            len: n,
            cols: dim,
        });
    }
    let need = |what, len: usize| {
        if len == n {
            Ok(())
        } else {
            Err(Error::WrongLength {
                what,
                len,
                expected: n,
            })
        }
    };
    need("log_var", q.log_var.len())?;
    if let Some(p) = p {
        need("p.mu", p.mu.len())?;
        need("p.log_var", p.log_var.len())?;
    }
    let GaussianGrads {
        mut mu1,
        mut log_var1,
        mut mu2,
        mut log_var2,
    } = grads;
    for (what, g) in [
        ("grad mu1", &mu1),
        ("grad log_var1", &log_var1),
        ("grad mu2", &mu2),
        ("grad log_var2", &log_var2),
    ] {
        if let Some(g) = g.as_deref() {
            need(what, g.len())?;
        }
    }
    if p.is_none() && (mu2.is_some() || log_var2.is_some()) {
        return Err(Error::InvalidParameter {
            name: "grad mu2/log_var2",
            value: f64::NAN,
            reason: "the standard normal has no parameters to differentiate",
        });
    }
    let b = n / dim;
    let w = reduction_weight(reduction, b, dim);
    let mut rows = Vec::with_capacity(b);
    let finite = |arg, i: usize, x: f64| {
        if x.is_finite() {
            Ok(x)
        } else {
            Err(Error::NotFinite {
                arg,
                index: i,
                value: x,
            }
            .in_row(i / dim))
        }
    };
    for r in 0..b {
        let mut acc = Neumaier::new();
        for i in r * dim..(r + 1) * dim {
            let m1 = finite(Arg::P, i, q.mu[i].to_f64())?;
            let l1 = finite(Arg::P, i, q.log_var[i].to_f64())?;
            let (m2, l2) = match p {
                Some(p) => (
                    finite(Arg::Q, i, p.mu[i].to_f64())?,
                    finite(Arg::Q, i, p.log_var[i].to_f64())?,
                ),
                None => (0.0, 0.0),
            };
            let dl = l1 - l2;
            let em1 = dl.exp_m1();
            let dm = m1 - m2;
            let iv2 = (-l2).exp();
            let quad = dm * dm * iv2;
            acc.add(0.5 * ((em1 - dl) + quad));
            let set = |g: &mut Option<&mut [T]>, v: f64| {
                if let Some(g) = g.as_deref_mut() {
                    g[i] = T::from_f64(w * v);
                }
            };
            set(&mut mu1, dm * iv2);
            set(&mut log_var1, 0.5 * em1);
            set(&mut mu2, -dm * iv2);
            set(&mut log_var2, -0.5 * (em1 + quad));
        }
        rows.push(acc.total().max(0.0));
    }
    let mut total = Neumaier::new();
    rows.iter().for_each(|&v| total.add(v));
    Ok(Loss {
        value: total.total() * w,
        rows,
        counted: b,
        reduction,
    })
}
