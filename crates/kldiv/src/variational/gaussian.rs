//! The Gaussian variational family `q = N(μ, LLᵀ)`: one-dimensional, mean-field (diagonal `L`)
//! or full-rank (lower-triangular `L`), with the reparameterisation `x = μ + Lε`, `ε ~ N(0, I)`.

// Triangular index arithmetic reads best as index loops.
#![allow(clippy::needless_range_loop)]

use crate::dist::{MvNormal, Normal};
use crate::error::{Error, Result};
use faer::Mat;
use std::f64::consts::PI;

/// Which covariance structure `q` may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Family {
    /// Independent coordinates: `L = diag(σ)`, `2d` parameters `(μ, ln σ)`.
    MeanField,
    /// Any covariance: `L` lower triangular with a positive diagonal, `d + d(d+1)/2`
    /// parameters `(μ, L)` with the diagonal stored as `ln Lᵢᵢ`. The default.
    #[default]
    FullRank,
}

impl Family {
    /// `meanfield` or `fullrank`.
    pub fn as_str(self) -> &'static str {
        match self {
            Family::MeanField => "meanfield",
            Family::FullRank => "fullrank",
        }
    }
}

/// A Gaussian `q = N(μ, Σ)` with `Σ = LLᵀ`, stored by its mean and lower-triangular factor
/// `L` (row-major `d × d`, zeros above the diagonal; diagonal for [`Family::MeanField`]).
///
/// * density `ln q(x) = −½‖L⁻¹(x − μ)‖² − ½ d ln 2π − Σᵢ ln Lᵢᵢ`;
/// * entropy `H(q) = ½ d (1 + ln 2π) + Σᵢ ln Lᵢᵢ`;
/// * reparameterisation `x = μ + Lε`: for `f` with gradient `g = ∇f(x)`,
///   `∂f/∂μ = g`, `∂f/∂Lᵢⱼ = gᵢ εⱼ` (`j ≤ i`), and for the stored `ρᵢ = ln Lᵢᵢ`,
///   `∂f/∂ρᵢ = gᵢ εᵢ Lᵢᵢ`; `∂H/∂ρᵢ = 1`.
///
/// ```
/// use kldiv::variational::{Family, GaussianQ};
/// let q = GaussianQ::from_moments(&[1.0, -1.0], &[vec![4.0, 2.0], vec![2.0, 2.0]], Family::FullRank).unwrap();
/// assert_eq!(q.scale_tril(), &[2.0, 0.0, 1.0, 1.0]); // Σ = LLᵀ with L = [[2, 0], [1, 1]]
/// assert_eq!(q.covariance(), vec![vec![4.0, 2.0], vec![2.0, 2.0]]);
/// // ½·2·(1 + ln 2π) + ln 2 + ln 1
/// let h = 1.0 + (2.0 * std::f64::consts::PI).ln() + 2f64.ln();
/// assert!((q.entropy() - h).abs() < 1e-15);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct GaussianQ {
    family: Family,
    mean: Vec<f64>,
    /// Row-major lower-triangular factor.
    scale: Vec<f64>,
}

fn check_finite(name: &'static str, v: &[f64]) -> Result<()> {
    for (i, &x) in v.iter().enumerate() {
        if !x.is_finite() {
            return Err(Error::InvalidElement {
                name,
                index: i,
                value: x,
                reason: "must be finite",
            });
        }
    }
    Ok(())
}

impl GaussianQ {
    /// `N(mean, diag(std²))` as a mean-field Gaussian. Errors: empty `mean`, lengths differ,
    /// a non-finite mean or a `std` that is not finite and `> 0`.
    pub fn mean_field(mean: &[f64], std: &[f64]) -> Result<GaussianQ> {
        let d = mean.len();
        if d == 0 || std.len() != d {
            return Err(Error::DimensionMismatch {
                name: "std",
                expected: d.max(1),
                found: std.len(),
            });
        }
        check_finite("mean", mean)?;
        let mut scale = vec![0.0; d * d];
        for (i, &s) in std.iter().enumerate() {
            if !(s.is_finite() && s > 0.0) {
                return Err(Error::InvalidElement {
                    name: "std",
                    index: i,
                    value: s,
                    reason: "must be finite and > 0",
                });
            }
            scale[i * d + i] = s;
        }
        Ok(GaussianQ {
            family: Family::MeanField,
            mean: mean.to_vec(),
            scale,
        })
    }

    /// The one-dimensional `N(mean, std²)`.
    pub fn normal(mean: f64, std: f64) -> Result<GaussianQ> {
        GaussianQ::mean_field(&[mean], &[std])
    }

    /// A full-rank Gaussian from its mean and lower-triangular factor `L` (row-major
    /// `d × d`; entries above the diagonal must be 0, the diagonal finite and `> 0`).
    pub fn full_rank(mean: &[f64], scale_tril: &[f64]) -> Result<GaussianQ> {
        let d = mean.len();
        if d == 0 || scale_tril.len() != d * d {
            return Err(Error::DimensionMismatch {
                name: "scale_tril",
                expected: (d * d).max(1),
                found: scale_tril.len(),
            });
        }
        check_finite("mean", mean)?;
        check_finite("scale_tril", scale_tril)?;
        for i in 0..d {
            for j in (i + 1)..d {
                if scale_tril[i * d + j] != 0.0 {
                    return Err(Error::InvalidElement {
                        name: "scale_tril",
                        index: i * d + j,
                        value: scale_tril[i * d + j],
                        reason: "must be lower triangular",
                    });
                }
            }
            if scale_tril[i * d + i] <= 0.0 {
                return Err(Error::InvalidElement {
                    name: "scale_tril",
                    index: i * d + i,
                    value: scale_tril[i * d + i],
                    reason: "diagonal must be > 0",
                });
            }
        }
        Ok(GaussianQ {
            family: Family::FullRank,
            mean: mean.to_vec(),
            scale: scale_tril.to_vec(),
        })
    }

    /// The Gaussian with mean `mean` and covariance `cov` (rows), factorised by Cholesky
    /// (faer). With [`Family::MeanField`] only the diagonal of `cov` is used (the mean-field
    /// Gaussian closest to `N(mean, cov)` in `D(p‖q)`). Errors: shapes, non-finite entries, a
    /// covariance that is not positive definite ([`Error::NotPositiveDefinite`]).
    pub fn from_moments(mean: &[f64], cov: &[Vec<f64>], family: Family) -> Result<GaussianQ> {
        let d = mean.len();
        if d == 0 || cov.len() != d || cov.iter().any(|r| r.len() != d) {
            return Err(Error::DimensionMismatch {
                name: "cov",
                expected: d.max(1),
                found: cov.len(),
            });
        }
        if family == Family::MeanField {
            let std: Vec<f64> = (0..d).map(|i| cov[i][i].sqrt()).collect();
            return GaussianQ::mean_field(mean, &std);
        }
        for (i, row) in cov.iter().enumerate() {
            check_finite("cov", row).map_err(|e| match e {
                Error::InvalidElement {
                    name,
                    index,
                    value,
                    reason,
                } => Error::InvalidElement {
                    name,
                    index: i * d + index,
                    value,
                    reason,
                },
                other => other,
            })?;
        }
        let a = Mat::<f64>::from_fn(d, d, |i, j| 0.5 * (cov[i][j] + cov[j][i]));
        let l = crate::dist::cholesky_lower(&a, "cov")?;
        let mut scale = vec![0.0; d * d];
        for i in 0..d {
            for j in 0..=i {
                scale[i * d + j] = l[(i, j)];
            }
        }
        GaussianQ::full_rank(mean, &scale)
    }

    /// The family.
    pub fn family(&self) -> Family {
        self.family
    }
    /// The dimension `d`.
    pub fn dim(&self) -> usize {
        self.mean.len()
    }
    /// The mean `μ`.
    pub fn mean(&self) -> &[f64] {
        &self.mean
    }
    /// The factor `L` (row-major `d × d`, lower triangular).
    pub fn scale_tril(&self) -> &[f64] {
        &self.scale
    }
    /// The marginal standard deviations `√Σᵢᵢ = ‖Lᵢ,·‖`.
    pub fn std(&self) -> Vec<f64> {
        let d = self.dim();
        (0..d)
            .map(|i| {
                self.scale[i * d..i * d + i + 1]
                    .iter()
                    .map(|v| v * v)
                    .sum::<f64>()
                    .sqrt()
            })
            .collect()
    }
    /// The covariance `Σ = LLᵀ` (rows).
    pub fn covariance(&self) -> Vec<Vec<f64>> {
        let d = self.dim();
        let l = &self.scale;
        (0..d)
            .map(|i| {
                (0..d)
                    .map(|j| (0..=i.min(j)).map(|k| l[i * d + k] * l[j * d + k]).sum())
                    .collect()
            })
            .collect()
    }
    /// `Σᵢ ln Lᵢᵢ = ½ ln det Σ`.
    pub fn half_ln_det(&self) -> f64 {
        let d = self.dim();
        (0..d).map(|i| self.scale[i * d + i].ln()).sum()
    }
    /// The entropy `½ d (1 + ln 2π) + Σᵢ ln Lᵢᵢ` in nats.
    pub fn entropy(&self) -> f64 {
        0.5 * self.dim() as f64 * (1.0 + (2.0 * PI).ln()) + self.half_ln_det()
    }
    /// `x = μ + Lε` into `out`.
    pub fn transform(&self, eps: &[f64], out: &mut [f64]) {
        let d = self.dim();
        for i in 0..d {
            let mut s = self.mean[i];
            if self.family == Family::MeanField {
                s += self.scale[i * d + i] * eps[i];
            } else {
                for j in 0..=i {
                    s += self.scale[i * d + j] * eps[j];
                }
            }
            out[i] = s;
        }
    }
    /// `ln q(x)`.
    pub fn ln_pdf(&self, x: &[f64]) -> f64 {
        let d = self.dim();
        if x.len() != d {
            return f64::NAN;
        }
        let mut z = vec![0.0; d];
        let mut q = 0.0;
        for i in 0..d {
            let mut s = x[i] - self.mean[i];
            for j in 0..i {
                s -= self.scale[i * d + j] * z[j];
            }
            z[i] = s / self.scale[i * d + i];
            q += z[i] * z[i];
        }
        -0.5 * q - 0.5 * d as f64 * (2.0 * PI).ln() - self.half_ln_det()
    }
    /// `q` as a [`Normal`] (dimension 1 only).
    pub fn to_normal(&self) -> Result<Normal> {
        if self.dim() != 1 {
            return Err(Error::DimensionMismatch {
                name: "q",
                expected: 1,
                found: self.dim(),
            });
        }
        Normal::new(self.mean[0], self.scale[0])
    }
    /// `q` as an [`MvNormal`].
    pub fn to_mvnormal(&self) -> Result<MvNormal> {
        let d = self.dim();
        let rows: Vec<Vec<f64>> = (0..d)
            .map(|i| self.scale[i * d..(i + 1) * d].to_vec())
            .collect();
        MvNormal::from_cholesky(self.mean.clone(), &rows)
    }

    // ----- the unconstrained parameter vector -----

    /// Number of free parameters: `2d` (mean-field) or `d + d(d+1)/2` (full-rank).
    pub fn n_params(&self) -> usize {
        let d = self.dim();
        match self.family {
            Family::MeanField => 2 * d,
            Family::FullRank => d + d * (d + 1) / 2,
        }
    }
    /// The parameters `(μ, then L row by row with ln Lᵢᵢ on the diagonal)`.
    pub fn params(&self) -> Vec<f64> {
        let d = self.dim();
        let mut p = self.mean.clone();
        for i in 0..d {
            match self.family {
                Family::MeanField => p.push(self.scale[i * d + i].ln()),
                Family::FullRank => {
                    for j in 0..i {
                        p.push(self.scale[i * d + j]);
                    }
                    p.push(self.scale[i * d + i].ln());
                }
            }
        }
        p
    }
    /// Sets the parameters (layout of [`GaussianQ::params`]; the length is not checked
    /// beyond what is needed).
    pub fn set_params(&mut self, p: &[f64]) {
        let d = self.dim();
        self.mean.copy_from_slice(&p[..d]);
        let mut k = d;
        for i in 0..d {
            if self.family == Family::FullRank {
                for j in 0..i {
                    self.scale[i * d + j] = p[k];
                    k += 1;
                }
            }
            self.scale[i * d + i] = p[k].exp();
            k += 1;
        }
    }
    /// Adds `∂f(μ + Lε)/∂θ` to `grad` given `g = ∇f(x)` at `x = μ + Lε`.
    pub fn backprop(&self, eps: &[f64], g: &[f64], grad: &mut [f64]) {
        let d = self.dim();
        for i in 0..d {
            grad[i] += g[i];
        }
        let mut k = d;
        for i in 0..d {
            if self.family == Family::FullRank {
                for j in 0..i {
                    grad[k] += g[i] * eps[j];
                    k += 1;
                }
            }
            grad[k] += g[i] * eps[i] * self.scale[i * d + i];
            k += 1;
        }
    }
    /// `∇ₓ ln q(x)` at `x = μ + Lε`: `−Σ⁻¹(x − μ) = −L⁻ᵀε` (one triangular solve), into
    /// `out`.
    ///
    /// ```
    /// use kldiv::variational::GaussianQ;
    /// let q = GaussianQ::mean_field(&[0.0, 1.0], &[2.0, 0.5]).unwrap();
    /// let mut g = [0.0; 2];
    /// q.grad_ln_pdf_at(&[1.0, -1.0], &mut g); // x = (2, 0.5)
    /// assert_eq!(g, [-0.5, 2.0]);
    /// ```
    pub fn grad_ln_pdf_at(&self, eps: &[f64], out: &mut [f64]) {
        let d = self.dim();
        for i in (0..d).rev() {
            let mut s = eps[i];
            if self.family == Family::FullRank {
                for j in (i + 1)..d {
                    s -= self.scale[j * d + i] * out[j];
                }
            }
            out[i] = s / self.scale[i * d + i];
        }
        for o in out.iter_mut().take(d) {
            *o = -*o;
        }
    }
    /// Adds `∂H(q)/∂θ` (1 for each `ρᵢ = ln Lᵢᵢ`) to `grad`.
    pub fn entropy_grad(&self, grad: &mut [f64]) {
        let d = self.dim();
        let mut k = d;
        for i in 0..d {
            if self.family == Family::FullRank {
                k += i;
            }
            grad[k] += 1.0;
            k += 1;
        }
    }
}
