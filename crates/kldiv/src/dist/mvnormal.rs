//! The multivariate normal distribution `N(μ, Σ)`, stored by its Cholesky factor.

use super::{Multivariate, std_normal};
use crate::error::{Error, Result};
use faer::{Mat, Par, Side};
use rand::RngCore;
use std::any::Any;
use std::f64::consts::PI;

/// The `d`-variate normal distribution with mean `μ` and covariance `Σ = LLᵀ`, stored as the
/// lower Cholesky factor `L` (never an explicit inverse):
/// `ln p(x) = −½‖L⁻¹(x − μ)‖² − ½ d ln 2π − Σᵢ ln Lᵢᵢ`.
///
/// Entropy `½ d (1 + ln 2π) + Σᵢ ln Lᵢᵢ`. KL:
/// `D(N₁‖N₂) = ½[‖L₂⁻¹L₁‖²_F + ‖L₂⁻¹(μ₂ − μ₁)‖² − d] + Σᵢ ln(L₂,ᵢᵢ / L₁,ᵢᵢ)` by triangular
/// solves; `O(d)` when both covariances are diagonal.
///
/// ```
/// use kldiv::dist::{Multivariate, MvNormal};
/// let p = MvNormal::new(vec![0.0, 0.0], &[vec![2.0, 0.5], vec![0.5, 1.0]]).unwrap();
/// assert_eq!(p.dim(), 2);
/// // Σ not positive definite, named with the failing pivot:
/// assert!(MvNormal::new(vec![0.0, 0.0], &[vec![1.0, 2.0], vec![2.0, 1.0]]).is_err());
/// ```
#[derive(Debug, Clone)]
pub struct MvNormal {
    mean: Vec<f64>,
    /// Lower-triangular Cholesky factor (full storage).
    chol: Mat<f64>,
    /// Whether `Σ` is diagonal (then `chol` is diagonal).
    diagonal: bool,
    /// `Σᵢ ln Lᵢᵢ = ½ ln det Σ`.
    half_ln_det: f64,
    /// The covariance as given (or `LLᵀ` when built from a factor), for printing.
    cov: Vec<Vec<f64>>,
}

fn check_mean(mean: &[f64]) -> Result<()> {
    if mean.is_empty() {
        return Err(Error::DimensionMismatch {
            name: "mean",
            expected: 1,
            found: 0,
        });
    }
    for (i, &m) in mean.iter().enumerate() {
        if !m.is_finite() {
            return Err(Error::InvalidElement {
                name: "mean",
                index: i,
                value: m,
                reason: "must be finite",
            });
        }
    }
    Ok(())
}

fn check_square(name: &'static str, m: &[Vec<f64>], d: usize) -> Result<()> {
    if m.len() != d {
        return Err(Error::DimensionMismatch {
            name,
            expected: d,
            found: m.len(),
        });
    }
    for (i, row) in m.iter().enumerate() {
        if row.len() != d {
            return Err(Error::DimensionMismatch {
                name,
                expected: d,
                found: row.len(),
            });
        }
        for (j, &x) in row.iter().enumerate() {
            if !x.is_finite() {
                return Err(Error::InvalidElement {
                    name,
                    index: i * d + j,
                    value: x,
                    reason: "must be finite",
                });
            }
        }
    }
    Ok(())
}

/// The lower Cholesky factor `L` of a symmetric positive-definite `a = LLᵀ` (faer; the lower
/// triangle of `a` is read), or [`Error::NotPositiveDefinite`] naming `name` and the pivot.
pub(crate) fn cholesky_lower(a: &Mat<f64>, name: &'static str) -> Result<Mat<f64>> {
    let llt = a.llt(Side::Lower).map_err(|e| match e {
        faer::linalg::cholesky::llt::factor::LltError::NonPositivePivot { index } => {
            Error::NotPositiveDefinite { name, pivot: index }
        }
    })?;
    Ok(llt.L().to_owned())
}

impl MvNormal {
    /// `N(mean, cov)` with a full covariance (rows of a symmetric positive-definite matrix).
    ///
    /// Errors: empty or non-finite mean ([`Error::InvalidElement`] names `mean[i]`), a `cov`
    /// that is not `d × d` ([`Error::DimensionMismatch`]), non-finite or asymmetric entries
    /// (`|Σᵢⱼ − Σⱼᵢ| > 1e-10·max|Σ|`, named `cov[i*d+j]`), and a failed Cholesky
    /// ([`Error::NotPositiveDefinite`]).
    #[allow(clippy::needless_range_loop)]
    pub fn new(mean: Vec<f64>, cov: &[Vec<f64>]) -> Result<MvNormal> {
        check_mean(&mean)?;
        let d = mean.len();
        check_square("cov", cov, d)?;
        let scale = cov.iter().flatten().fold(0.0f64, |a, &x| a.max(x.abs()));
        for i in 0..d {
            for j in 0..i {
                if (cov[i][j] - cov[j][i]).abs() > 1e-10 * scale {
                    return Err(Error::InvalidElement {
                        name: "cov",
                        index: i * d + j,
                        value: cov[i][j],
                        reason: "covariance must be symmetric",
                    });
                }
            }
        }
        let l = cholesky_lower(&Mat::<f64>::from_fn(d, d, |i, j| cov[i][j]), "cov")?;
        let diagonal = (0..d).all(|i| (0..i).all(|j| cov[i][j] == 0.0));
        Self::from_parts(mean, l, diagonal, Some(cov.to_vec()))
    }

    /// `N(mean, diag(var))`. Errors: lengths differ, an entry of `var` not finite or `≤ 0`.
    pub fn from_diagonal(mean: Vec<f64>, var: &[f64]) -> Result<MvNormal> {
        check_mean(&mean)?;
        let d = mean.len();
        if var.len() != d {
            return Err(Error::DimensionMismatch {
                name: "var",
                expected: d,
                found: var.len(),
            });
        }
        for (i, &v) in var.iter().enumerate() {
            if !(v.is_finite() && v > 0.0) {
                return Err(Error::InvalidElement {
                    name: "var",
                    index: i,
                    value: v,
                    reason: "variance must be finite and > 0",
                });
            }
        }
        let l = Mat::<f64>::from_fn(d, d, |i, j| if i == j { var[i].sqrt() } else { 0.0 });
        let cov = (0..d)
            .map(|i| (0..d).map(|j| if i == j { var[i] } else { 0.0 }).collect())
            .collect();
        Self::from_parts(mean, l, true, Some(cov))
    }

    /// `N(mean, LLᵀ)` from a lower-triangular factor `L` (entries above the diagonal must be
    /// zero; the diagonal must be finite and `> 0`).
    #[allow(clippy::needless_range_loop)]
    pub fn from_cholesky(mean: Vec<f64>, l: &[Vec<f64>]) -> Result<MvNormal> {
        check_mean(&mean)?;
        let d = mean.len();
        check_square("scale_tril", l, d)?;
        for i in 0..d {
            for j in (i + 1)..d {
                if l[i][j] != 0.0 {
                    return Err(Error::InvalidElement {
                        name: "scale_tril",
                        index: i * d + j,
                        value: l[i][j],
                        reason: "must be lower triangular",
                    });
                }
            }
            if l[i][i] <= 0.0 {
                return Err(Error::InvalidElement {
                    name: "scale_tril",
                    index: i * d + i,
                    value: l[i][i],
                    reason: "diagonal must be > 0",
                });
            }
        }
        let diagonal = (0..d).all(|i| (0..i).all(|j| l[i][j] == 0.0));
        let m = Mat::<f64>::from_fn(d, d, |i, j| l[i][j]);
        Self::from_parts(mean, m, diagonal, None)
    }

    fn from_parts(
        mean: Vec<f64>,
        chol: Mat<f64>,
        diagonal: bool,
        cov: Option<Vec<Vec<f64>>>,
    ) -> Result<MvNormal> {
        let d = mean.len();
        let half_ln_det = (0..d).map(|i| chol[(i, i)].ln()).sum();
        let cov = cov.unwrap_or_else(|| {
            (0..d)
                .map(|i| {
                    (0..d)
                        .map(|j| (0..=i.min(j)).map(|k| chol[(i, k)] * chol[(j, k)]).sum())
                        .collect()
                })
                .collect()
        });
        Ok(MvNormal {
            mean,
            chol,
            diagonal,
            half_ln_det,
            cov,
        })
    }

    /// The mean vector.
    pub fn mean(&self) -> &[f64] {
        &self.mean
    }
    /// The covariance `Σ` as rows (as given, or `LLᵀ` when built from a factor).
    pub fn covariance(&self) -> &[Vec<f64>] {
        &self.cov
    }
    /// Whether the covariance is diagonal.
    pub fn is_diagonal(&self) -> bool {
        self.diagonal
    }
    /// `ln det Σ = 2 Σᵢ ln Lᵢᵢ`.
    pub fn ln_det(&self) -> f64 {
        2.0 * self.half_ln_det
    }

    /// Closed-form `D(self ‖ q)` in nats. Errors: dimensions differ.
    ///
    /// ```
    /// use kldiv::dist::MvNormal;
    /// let p = MvNormal::from_diagonal(vec![0.0, 0.0], &[1.0, 1.0]).unwrap();
    /// let q = MvNormal::from_diagonal(vec![1.0, 0.0], &[1.0, 1.0]).unwrap();
    /// assert!((p.kl_mvnormal(&q).unwrap() - 0.5).abs() < 1e-15);
    /// ```
    pub fn kl_mvnormal(&self, q: &MvNormal) -> Result<f64> {
        let d = self.mean.len();
        if q.mean.len() != d {
            return Err(Error::DimensionMismatch {
                name: "q",
                expected: d,
                found: q.mean.len(),
            });
        }
        let mut tr = 0.0;
        let mut maha = 0.0;
        if self.diagonal && q.diagonal {
            for i in 0..d {
                let r = self.chol[(i, i)] / q.chol[(i, i)];
                tr += r * r;
                let z = (q.mean[i] - self.mean[i]) / q.chol[(i, i)];
                maha += z * z;
            }
        } else {
            let mut m = self.chol.clone();
            faer::linalg::triangular_solve::solve_lower_triangular_in_place(
                q.chol.as_ref(),
                m.as_mut(),
                Par::Seq,
            );
            for j in 0..d {
                for i in j..d {
                    tr += m[(i, j)] * m[(i, j)];
                }
            }
            let mut y = Mat::<f64>::from_fn(d, 1, |i, _| q.mean[i] - self.mean[i]);
            faer::linalg::triangular_solve::solve_lower_triangular_in_place(
                q.chol.as_ref(),
                y.as_mut(),
                Par::Seq,
            );
            for i in 0..d {
                maha += y[(i, 0)] * y[(i, 0)];
            }
        }
        Ok(0.5 * (tr + maha - d as f64) + q.half_ln_det - self.half_ln_det)
    }

    /// `∇ ln p(x) = −Σ⁻¹(x − μ)` into `grad` (two triangular solves, `L⁻ᵀL⁻¹(x − μ)`);
    /// returns `ln p(x)`. NaN on a length mismatch.
    ///
    /// ```
    /// use kldiv::dist::{Multivariate, MvNormal};
    /// let p = MvNormal::new(vec![1.0, 0.0], &[vec![2.0, 0.0], vec![0.0, 4.0]]).unwrap();
    /// let mut g = [0.0; 2];
    /// let lp = p.grad_ln_pdf(&[3.0, 2.0], &mut g);
    /// assert!((g[0] + 1.0).abs() < 1e-15 && (g[1] + 0.5).abs() < 1e-15);
    /// assert_eq!(lp, p.ln_pdf(&[3.0, 2.0]));
    /// ```
    #[allow(clippy::needless_range_loop)]
    pub fn grad_ln_pdf(&self, x: &[f64], grad: &mut [f64]) -> f64 {
        let d = self.mean.len();
        if x.len() != d || grad.len() != d {
            return f64::NAN;
        }
        let z = self.whiten(x);
        for i in (0..d).rev() {
            let mut s = z[i];
            if !self.diagonal {
                for j in (i + 1)..d {
                    s -= self.chol[(j, i)] * grad[j];
                }
            }
            grad[i] = s / self.chol[(i, i)];
        }
        for g in grad.iter_mut() {
            *g = -*g;
        }
        let q: f64 = z.iter().map(|v| v * v).sum();
        -0.5 * q - 0.5 * d as f64 * (2.0 * PI).ln() - self.half_ln_det
    }

    /// `L⁻¹(x − μ)` by forward substitution.
    fn whiten(&self, x: &[f64]) -> Vec<f64> {
        let d = self.mean.len();
        let mut z = vec![0.0; d];
        for i in 0..d {
            let mut s = x[i] - self.mean[i];
            if !self.diagonal {
                for (j, zj) in z.iter().enumerate().take(i) {
                    s -= self.chol[(i, j)] * zj;
                }
            }
            z[i] = s / self.chol[(i, i)];
        }
        z
    }
}

impl Multivariate for MvNormal {
    fn family(&self) -> &'static str {
        "mvnormal"
    }
    fn spec(&self) -> String {
        let f = |v: &[f64]| {
            v.iter()
                .map(|x| format!("{x}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let cov = self.covariance();
        let rows: Vec<String> = cov.iter().map(|r| format!("[{}]", f(r))).collect();
        format!(
            "mvnormal(mean=[{}], cov=[{}])",
            f(&self.mean),
            rows.join(", ")
        )
    }
    fn dim(&self) -> usize {
        self.mean.len()
    }
    fn ln_pdf(&self, x: &[f64]) -> f64 {
        let d = self.mean.len();
        if x.len() != d {
            return f64::NAN;
        }
        let z = self.whiten(x);
        let q: f64 = z.iter().map(|v| v * v).sum();
        -0.5 * q - 0.5 * d as f64 * (2.0 * PI).ln() - self.half_ln_det
    }
    fn entropy(&self) -> f64 {
        0.5 * self.mean.len() as f64 * (1.0 + (2.0 * PI).ln()) + self.half_ln_det
    }
    fn sample_into(&self, rng: &mut dyn RngCore, out: &mut [f64]) {
        let d = self.mean.len();
        let z: Vec<f64> = (0..d).map(|_| std_normal(rng)).collect();
        for i in 0..d.min(out.len()) {
            let mut s = self.mean[i];
            if self.diagonal {
                s += self.chol[(i, i)] * z[i];
            } else {
                for (j, zj) in z.iter().enumerate().take(i + 1) {
                    s += self.chol[(i, j)] * zj;
                }
            }
            out[i] = s;
        }
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}
