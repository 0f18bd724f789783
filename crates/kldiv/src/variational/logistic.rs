//! Bayesian logistic regression with a Gaussian prior: the built-in model for [`super::advi`].

use super::Target;
use crate::error::{Error, Result};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

/// Bayesian logistic regression: labels `yᵢ ∈ {0, 1}`, features `xᵢ ∈ ℝᵖ`, coefficients
/// `β = (β₀, β₁, ..., βₚ)` with an intercept `β₀`, `ηᵢ = β₀ + xᵢᵀβ₁:ₚ`, prior
/// `βⱼ ~ N(0, s²)` independently. The log-joint and its gradient:
///
/// ```text
/// ln p(β, y) = Σᵢ [yᵢ ηᵢ − softplus(ηᵢ)] − ‖β‖²/(2s²) − ½ (p+1) ln(2πs²),
/// ∇ ln p     = Σᵢ (yᵢ − σ(ηᵢ)) (1, xᵢ) − β / s²,
/// ```
///
/// with `softplus(η) = ln(1 + eη)` evaluated stably. Not normalised (the evidence is unknown).
///
/// ```
/// use kldiv::variational::{LogisticRegression, Target};
/// // Two points, one feature.
/// let m = LogisticRegression::new(vec![-1.0, 1.0], 1, vec![0.0, 1.0], 1.0).unwrap();
/// assert_eq!(m.dim(), 2);
/// let mut g = [0.0; 2];
/// let lp = m.grad_ln_density(&[0.0, 0.0], &mut g);
/// // 2·(−ln 2) − ln(2π)
/// assert!((lp - (-2.0 * 2f64.ln() - (2.0 * std::f64::consts::PI).ln())).abs() < 1e-15);
/// assert_eq!(g, [0.0, 1.0]); // Σ(y − ½)(1, x) = (0, ½ + ½)
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct LogisticRegression {
    x: Vec<f64>,
    y: Vec<f64>,
    p: usize,
    prior_std: f64,
}

/// `ln(1 + eᵗ)` without overflow.
fn softplus(t: f64) -> f64 {
    if t > 0.0 {
        t + (-t).exp().ln_1p()
    } else {
        t.exp().ln_1p()
    }
}

/// `1 / (1 + e^{−t})`.
fn sigmoid(t: f64) -> f64 {
    if t >= 0.0 {
        1.0 / (1.0 + (-t).exp())
    } else {
        let e = t.exp();
        e / (1.0 + e)
    }
}

impl LogisticRegression {
    /// A model on `n = y.len()` rows of `p = n_features` features (`x` row-major `n × p`),
    /// labels 0 or 1, prior standard deviation `prior_std`.
    ///
    /// Errors: [`Error::DimensionMismatch`] if `x.len() ≠ n·p` or `n = 0`;
    /// [`Error::InvalidElement`] naming `x[i]` (row-major) for a non-finite feature or `y[i]`
    /// for a label other than 0 or 1; [`Error::InvalidParameter`] for a `prior_std` that is
    /// not finite and `> 0`.
    pub fn new(x: Vec<f64>, n_features: usize, y: Vec<f64>, prior_std: f64) -> Result<Self> {
        let n = y.len();
        if n == 0 || x.len() != n * n_features {
            return Err(Error::DimensionMismatch {
                name: "x",
                expected: n.max(1) * n_features,
                found: x.len(),
            });
        }
        if let Some((i, &v)) = x.iter().enumerate().find(|(_, v)| !v.is_finite()) {
            return Err(Error::InvalidElement {
                name: "x",
                index: i,
                value: v,
                reason: "features must be finite",
            });
        }
        if let Some((i, &v)) = y.iter().enumerate().find(|(_, v)| **v != 0.0 && **v != 1.0) {
            return Err(Error::InvalidElement {
                name: "y",
                index: i,
                value: v,
                reason: "labels must be 0 or 1",
            });
        }
        crate::dist::positive("prior_std", prior_std)?;
        Ok(LogisticRegression {
            x,
            y,
            p: n_features,
            prior_std,
        })
    }
    /// Number of rows.
    pub fn n(&self) -> usize {
        self.y.len()
    }
    /// Number of features `p` (the model has `p + 1` coefficients).
    pub fn n_features(&self) -> usize {
        self.p
    }
    /// `ηᵢ = β₀ + xᵢᵀβ₁:ₚ` for a feature row.
    pub fn linear(beta: &[f64], row: &[f64]) -> f64 {
        beta[0] + row.iter().zip(&beta[1..]).map(|(a, b)| a * b).sum::<f64>()
    }
    /// `P(y = 1 | x, β) = σ(η)`.
    pub fn predict_proba(beta: &[f64], row: &[f64]) -> f64 {
        sigmoid(Self::linear(beta, row))
    }
    /// The fraction of rows of `x` (row-major, `p` columns) whose label `y` equals
    /// `[σ(η) > ½]` under `beta`.
    ///
    /// ```
    /// use kldiv::variational::LogisticRegression;
    /// let acc = LogisticRegression::accuracy(&[0.0, 1.0], &[-1.0, 2.0, 0.5], 1, &[0.0, 1.0, 0.0]);
    /// assert_eq!(acc, 2.0 / 3.0);
    /// ```
    pub fn accuracy(beta: &[f64], x: &[f64], p: usize, y: &[f64]) -> f64 {
        if y.is_empty() {
            return f64::NAN;
        }
        let hits = x
            .chunks(p.max(1))
            .zip(y)
            .filter(|(row, yi)| (Self::linear(beta, row) > 0.0) == (**yi == 1.0))
            .count();
        hits as f64 / y.len() as f64
    }
}

impl Target for LogisticRegression {
    fn dim(&self) -> usize {
        self.p + 1
    }
    fn ln_density(&self, beta: &[f64]) -> f64 {
        let s2 = self.prior_std * self.prior_std;
        let mut lp = 0.0;
        for (row, &yi) in self.x.chunks(self.p.max(1)).zip(&self.y) {
            let eta = Self::linear(beta, row);
            lp += yi * eta - softplus(eta);
        }
        let b2: f64 = beta.iter().map(|b| b * b).sum();
        lp - 0.5 * b2 / s2 - 0.5 * beta.len() as f64 * (2.0 * std::f64::consts::PI * s2).ln()
    }
    fn grad_ln_density(&self, beta: &[f64], grad: &mut [f64]) -> f64 {
        let s2 = self.prior_std * self.prior_std;
        for (g, b) in grad.iter_mut().zip(beta) {
            *g = -b / s2;
        }
        let mut lp = 0.0;
        for (row, &yi) in self.x.chunks(self.p.max(1)).zip(&self.y) {
            let eta = Self::linear(beta, row);
            lp += yi * eta - softplus(eta);
            let r = yi - sigmoid(eta);
            grad[0] += r;
            for (g, xv) in grad[1..].iter_mut().zip(row) {
                *g += r * xv;
            }
        }
        let b2: f64 = beta.iter().map(|b| b * b).sum();
        lp - 0.5 * b2 / s2 - 0.5 * beta.len() as f64 * (2.0 * std::f64::consts::PI * s2).ln()
    }
    fn describe(&self) -> String {
        format!(
            "logistic regression ({} rows, {} features, prior N(0, {}²))",
            self.n(),
            self.p,
            self.prior_std
        )
    }
}

/// A seeded random split of `0..n` into `(train, test)` row indices with
/// `round(test_fraction·n)` test rows (ChaCha8 shuffle; each part sorted).
///
/// ```
/// use kldiv::variational::train_test_split;
/// let (a, b) = train_test_split(10, 0.2, 7);
/// assert_eq!((a.len(), b.len()), (8, 2));
/// assert_eq!(train_test_split(10, 0.2, 7), (a, b)); // same seed, same split
/// ```
pub fn train_test_split(n: usize, test_fraction: f64, seed: u64) -> (Vec<usize>, Vec<usize>) {
    let mut idx: Vec<usize> = (0..n).collect();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    idx.shuffle(&mut rng);
    let f = if test_fraction.is_finite() {
        test_fraction.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let k = ((n as f64) * f).round() as usize;
    let mut test = idx[..k].to_vec();
    let mut train = idx[k..].to_vec();
    test.sort_unstable();
    train.sort_unstable();
    (train, test)
}

/// Per-column standardisation `x ↦ (x − mean)/sd` with the mean and (population) standard
/// deviation of the rows it was fitted on; a constant column is only centred.
///
/// ```
/// use kldiv::variational::Standardizer;
/// let s = Standardizer::fit(&[1.0, 10.0, 3.0, 10.0], 2);
/// assert_eq!(s.mean(), &[2.0, 10.0]);
/// assert_eq!(s.transform(&[3.0, 11.0]), vec![1.0, 1.0]);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Standardizer {
    mean: Vec<f64>,
    sd: Vec<f64>,
}

impl Standardizer {
    /// Fits on `x` (row-major, `p` columns).
    pub fn fit(x: &[f64], p: usize) -> Standardizer {
        let p = p.max(1);
        let n = (x.len() / p).max(1) as f64;
        let mut mean = vec![0.0; p];
        for row in x.chunks(p) {
            for (m, v) in mean.iter_mut().zip(row) {
                *m += v;
            }
        }
        mean.iter_mut().for_each(|m| *m /= n);
        let mut var = vec![0.0; p];
        for row in x.chunks(p) {
            for ((s, v), m) in var.iter_mut().zip(row).zip(&mean) {
                *s += (v - m) * (v - m);
            }
        }
        let sd = var
            .iter()
            .map(|v| {
                let s = (v / n).sqrt();
                if s > 0.0 { s } else { 1.0 }
            })
            .collect();
        Standardizer { mean, sd }
    }
    /// The column means.
    pub fn mean(&self) -> &[f64] {
        &self.mean
    }
    /// The column standard deviations (1 for constant columns).
    pub fn sd(&self) -> &[f64] {
        &self.sd
    }
    /// Standardises `x` (row-major, same columns).
    pub fn transform(&self, x: &[f64]) -> Vec<f64> {
        let p = self.mean.len();
        x.chunks(p)
            .flat_map(|row| {
                row.iter()
                    .zip(&self.mean)
                    .zip(&self.sd)
                    .map(|((v, m), s)| (v - m) / s)
            })
            .collect::<Vec<f64>>()
    }
}
