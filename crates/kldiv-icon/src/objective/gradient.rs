//! Exact gradients of the objective for the three parametrisations of `q`.

use super::{Objective, Reduction, dq, reduce, row_value};
use crate::kernels::{self, Diagonal, Distance};
use crate::{Dense, IconError, Points, Result};
use rayon::prelude::*;

/// A loss value (nats) and its gradient, laid out like the parameters (row-major).
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    /// The objective.
    pub loss: f64,
    /// `∂loss/∂θ`, one entry per parameter.
    pub gradient: Vec<f64>,
}

/// The learned kernel on embeddings `y_i` (squared Euclidean distances, diagonal excluded,
/// each row normalised over `j ≠ i`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum EmbeddingKernel {
    /// `w_ij = exp(−‖y_i − y_j‖² / 2σ²)` (SNE uses `σ² = 1/2`).
    Gaussian {
        /// The bandwidth `σ > 0`.
        sigma: f64,
    },
    /// `w_ij = (1 + ‖y_i − y_j‖²/ν)^{−(ν+1)/2}` (t-SNE uses `ν = 1`).
    StudentT {
        /// The degrees of freedom `ν > 0`.
        nu: f64,
    },
}

impl EmbeddingKernel {
    /// The weight `w(d)` and its derivative `dw/dd` at squared distance `d`.
    fn weight(self, d: f64) -> (f64, f64) {
        match self {
            EmbeddingKernel::Gaussian { sigma } => {
                let s2 = 2.0 * sigma * sigma;
                let w = (-d / s2).exp();
                (w, -w / s2)
            }
            EmbeddingKernel::StudentT { nu } => {
                let b = 1.0 + d / nu;
                let w = (-(nu + 1.0) / 2.0 * b.ln()).exp();
                (w, -(nu + 1.0) / (2.0 * nu) * w / b)
            }
        }
    }
}

/// The learned neighbourhood `q(j|i) = w_ij / Σ_{k≠i} w_ik` of embeddings `y` under `kernel`.
///
/// # Errors
/// [`IconError::Parameter`] for `σ` or `ν` not finite and positive; [`IconError::Entry`] if
/// `n < 2`.
pub fn embedding_q(y: Points<'_>, kernel: EmbeddingKernel) -> Result<Dense> {
    match kernel {
        EmbeddingKernel::Gaussian { sigma } => {
            check_positive("sigma", sigma)?;
            // The dense Gaussian kernel stabilises each row by its minimum; the ratios are
            // the same.
            kernels::gaussian(
                y,
                kernels::Bandwidth::Global(sigma),
                Distance::SquaredEuclidean,
                Diagonal::Exclude,
            )
        }
        EmbeddingKernel::StudentT { nu } => {
            kernels::student_t(y, nu, Distance::SquaredEuclidean, Diagonal::Exclude)
        }
    }
}

fn check_positive(name: &'static str, v: f64) -> Result<()> {
    if !(v > 0.0 && v.is_finite()) {
        return Err(IconError::Parameter {
            name,
            value: v,
            reason: "must be finite and > 0",
        });
    }
    Ok(())
}

/// `q̃ = (1 − α)q + α/N` when `α > 0`.
fn debiased(q: &Dense, alpha: f64) -> Result<Dense> {
    crate::combinators::check_alpha(alpha)?;
    let mut qt = q.clone();
    if alpha > 0.0 {
        crate::combinators::debias(&mut qt, alpha)?;
    }
    Ok(qt)
}

/// The loss of `p` against `q̃` and `G_ij = ∂loss/∂q_ij` (through the debiasing), dense.
fn loss_and_dq(p: &Dense, q: &Dense, objective: &Objective) -> Result<(f64, Vec<f64>)> {
    super::same_shape(p, q)?;
    let qt = debiased(q, objective.debias_q)?;
    let (n, m) = (p.rows(), p.cols());
    let scale = match objective.reduction {
        Reduction::Sum => 1.0,
        Reduction::Mean => 1.0 / n.max(1) as f64,
    } * (1.0 - objective.debias_q);
    let mut g = vec![0.0; n * m];
    let rows: Vec<(f64, Option<usize>)> = g
        .par_chunks_mut(m.max(1))
        .enumerate()
        .map(|(i, gi)| {
            let (pi, qi) = (p.row(i), qt.row(i));
            let v = row_value(pi, qi, objective.divergence);
            let mut bad = None;
            for (j, gij) in gi.iter_mut().enumerate() {
                match dq(pi[j], qi[j], objective.divergence) {
                    Some(d) => *gij = scale * d,
                    None => bad = bad.or(Some(j)),
                }
            }
            (v, bad)
        })
        .collect();
    if let Some((i, (v, j))) = rows
        .iter()
        .enumerate()
        .find_map(|(i, &(v, b))| b.map(|j| (i, (v, j))))
    {
        return Err(IconError::Entry {
            what: "q",
            index: i * m + j,
            value: qt.get(i, j),
            reason: if v.is_infinite() {
                "the loss is +inf (p > 0 where q = 0, or q > 0 where p = 0 in reverse mode): no gradient"
            } else {
                "zero entry with an infinite derivative"
            },
        });
    }
    let values: Vec<f64> = rows.iter().map(|r| r.0).collect();
    Ok((reduce(&values, objective.reduction), g))
}

/// The loss and its gradient with respect to free embeddings `y` (`n × d`, row-major), with
/// `q = embedding_q(y, kernel)` (debiased by `α_q` if set).
///
/// With `G_ij = ∂L/∂q_ij`, `A_ij = (G_ij − Σ_k G_ik q_ik) / Z_i` (`Z_i = Σ_{k≠i} w_ik`) and
/// `B_ij = A_ij · w'(d_ij)`, the gradient is `∂L/∂y_a = 2 Σ_j (B_aj + B_ja)(y_a − y_j)`.
/// For the forward KL with the Gaussian kernel (`σ² = 1/2`) this reduces to the SNE gradient
/// `2 Σ_j (p_j|i − q_j|i + p_i|j − q_i|j)(y_i − y_j)`.
///
/// # Errors
/// As [`embedding_q`]; [`IconError::Shape`] if `p` is not `n × n`; [`IconError::Entry`] if the
/// loss is `+∞` (no gradient), naming the flat index `i·n + j` of the offending `q` entry.
///
/// ```
/// use kldiv_icon::{Dense, Points, objective::{embedding_gradient, EmbeddingKernel, Objective}};
/// // Two points: q(1|0) = q(0|1) = 1 whatever y, so the loss and gradient are 0.
/// let p = Dense::new(2, 2, vec![0.0, 1.0, 1.0, 0.0])?;
/// let y = Points::new("y", &[0.0, 1.0], 1)?;
/// let e = embedding_gradient(&p, y, EmbeddingKernel::StudentT { nu: 1.0 }, &Objective::default())?;
/// assert_eq!(e.loss, 0.0);
/// assert_eq!(e.gradient, vec![0.0, 0.0]);
/// # Ok::<(), kldiv_icon::IconError>(())
/// ```
pub fn embedding_gradient(
    p: &Dense,
    y: Points<'_>,
    kernel: EmbeddingKernel,
    objective: &Objective,
) -> Result<Evaluation> {
    let q = embedding_q(y, kernel)?;
    let (loss, g) = loss_and_dq(p, &q, objective)?;
    let (n, d) = (y.n(), y.d());
    // B_ij = A_ij w'(d_ij), with A_ij = (G_ij − Σ_k G_ik q_ik) / Z_i.
    let mut b = vec![0.0; n * n];
    b.par_chunks_mut(n).enumerate().for_each(|(i, bi)| {
        let gi = &g[i * n..(i + 1) * n];
        let qi = q.row(i);
        let mut z = kldiv::sum::Neumaier::new();
        let mut wd = vec![(0.0, 0.0); n];
        for (j, e) in wd.iter_mut().enumerate() {
            if j != i {
                *e = kernel.weight(y.sq_dist(i, j));
                z.add(e.0);
            }
        }
        let z = z.total();
        let gq: f64 = gi.iter().zip(qi).map(|(a, b)| a * b).sum();
        for (j, bij) in bi.iter_mut().enumerate() {
            if j != i {
                *bij = (gi[j] - gq) / z * wd[j].1;
            }
        }
    });
    let mut grad = vec![0.0; n * d];
    grad.par_chunks_mut(d).enumerate().for_each(|(a, ga)| {
        let ya = y.row(a);
        for j in 0..n {
            if j == a {
                continue;
            }
            let c = 2.0 * (b[a * n + j] + b[j * n + a]);
            for (gk, (&u, &v)) in ga.iter_mut().zip(ya.iter().zip(y.row(j))) {
                *gk += c * (u - v);
            }
        }
    });
    Ok(Evaluation {
        loss,
        gradient: grad,
    })
}

/// The loss and its gradient with respect to the weights `W` (`D × dims`, row-major) of a
/// linear mapper: the embeddings are `Y = X·W` (`n × dims`) and `q = embedding_q(Y, kernel)`.
/// The gradient is `Xᵀ · ∂L/∂Y`.
///
/// # Errors
/// [`IconError::Shape`] if `w` is not `D × dims`; otherwise as [`embedding_gradient`].
///
/// ```
/// use kldiv_icon::{Dense, Points, objective::{linear_gradient, EmbeddingKernel, Objective}};
/// let p = Dense::new(2, 2, vec![0.0, 1.0, 1.0, 0.0])?;
/// let x = Points::new("x", &[1.0, 0.0, 0.0, 1.0], 2)?;
/// let e = linear_gradient(&p, x, &[1.0, 2.0], 1, EmbeddingKernel::Gaussian { sigma: 1.0 },
///                         &Objective::default())?;
/// assert_eq!(e.gradient, vec![0.0, 0.0]);
/// # Ok::<(), kldiv_icon::IconError>(())
/// ```
pub fn linear_gradient(
    p: &Dense,
    x: Points<'_>,
    w: &[f64],
    dims: usize,
    kernel: EmbeddingKernel,
    objective: &Objective,
) -> Result<Evaluation> {
    let (n, dx) = (x.n(), x.d());
    if dims == 0 || w.len() != dx * dims {
        return Err(IconError::Shape {
            what: "w",
            len: w.len(),
            n: dx,
            d: dims,
        });
    }
    let y = matmul(x.as_slice(), n, dx, w, dims);
    let yp = Points::new("x·w", &y, dims)?;
    let e = embedding_gradient(p, yp, kernel, objective)?;
    // ∂L/∂W = Xᵀ ∂L/∂Y.
    let mut gw = vec![0.0; dx * dims];
    for i in 0..n {
        let xi = x.row(i);
        let gi = &e.gradient[i * dims..(i + 1) * dims];
        for (k, &xik) in xi.iter().enumerate() {
            for (o, &g) in gw[k * dims..(k + 1) * dims].iter_mut().zip(gi) {
                *o += xik * g;
            }
        }
    }
    Ok(Evaluation {
        loss: e.loss,
        gradient: gw,
    })
}

/// `A·B` for row-major `A` (`n × k`) and `B` (`k × m`).
pub(crate) fn matmul(a: &[f64], n: usize, k: usize, b: &[f64], m: usize) -> Vec<f64> {
    let mut out = vec![0.0; n * m];
    out.par_chunks_mut(m.max(1))
        .enumerate()
        .for_each(|(i, oi)| {
            for (t, &aik) in a[i * k..(i + 1) * k].iter().enumerate() {
                for (o, &bv) in oi.iter_mut().zip(&b[t * m..(t + 1) * m]) {
                    *o += aik * bv;
                }
            }
        });
    out
}

/// Row-wise softmax of logits `z` (`n × m`): `φ_ic = exp(z_ic − max_c z_i) / Σ_c' …`.
///
/// # Errors
/// [`IconError::Shape`] if `z.len()` is not a multiple of `m` or `m = 0`;
/// [`IconError::NonFinite`] for a NaN or infinite logit.
///
/// ```
/// let phi = kldiv_icon::objective::softmax_rows(&[0.0, 0.0, 0.0, 0.0], 2)?;
/// assert_eq!(phi.as_slice(), &[0.5; 4]);
/// # Ok::<(), kldiv_icon::IconError>(())
/// ```
pub fn softmax_rows(z: &[f64], m: usize) -> Result<Dense> {
    let zp = Points::new("logits", z, m)?;
    let n = zp.n();
    let mut out = z.to_vec();
    out.par_chunks_mut(m).for_each(|r| {
        let mx = r.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        for v in r.iter_mut() {
            *v = (*v - mx).exp();
        }
        let s = kldiv::sum::sum(r);
        for v in r.iter_mut() {
            *v /= s;
        }
    });
    Ok(Dense::from_raw(n, m, out))
}

/// Backpropagates `g = ∂L/∂φ` through `φ = softmax(z)` row-wise:
/// `∂L/∂z_ic = φ_ic (g_ic − Σ_c' φ_ic' g_ic')`.
fn softmax_backward(phi: &Dense, g: &mut [f64]) {
    let m = phi.cols().max(1);
    g.par_chunks_mut(m).enumerate().for_each(|(i, gi)| {
        let pi = phi.row(i);
        let dot: f64 = pi.iter().zip(gi.iter()).map(|(a, b)| a * b).sum();
        for (v, &f) in gi.iter_mut().zip(pi) {
            *v = f * (*v - dot);
        }
    });
}

/// The loss and its gradient with respect to class logits `z` (`n × m`), with
/// `q(c|i) = softmax(z_i)_c` compared with a `p` over the same `m` classes (one-hot labels,
/// possibly debiased: label smoothing). For the forward KL or the cross-entropy with
/// row-stochastic `p` the gradient is the familiar `q̃ − p` (scaled by `1 − α_q`).
///
/// # Errors
/// [`IconError::Shape`] if `p` is not `n × m`; as [`softmax_rows`].
///
/// ```
/// use kldiv_icon::{Dense, objective::{softmax_gradient, Objective}};
/// let p = Dense::new(1, 2, vec![1.0, 0.0])?;
/// let e = softmax_gradient(&p, &[0.0, 0.0], &Objective::default())?;
/// assert_eq!(e.loss, 2f64.ln());
/// assert_eq!(e.gradient, vec![-0.5, 0.5]);
/// # Ok::<(), kldiv_icon::IconError>(())
/// ```
pub fn softmax_gradient(p: &Dense, z: &[f64], objective: &Objective) -> Result<Evaluation> {
    let q = softmax_rows(z, p.cols())?;
    let (loss, mut g) = loss_and_dq(p, &q, objective)?;
    softmax_backward(&q, &mut g);
    Ok(Evaluation { loss, gradient: g })
}

/// The loss and its gradient with respect to cluster logits `z` (`n × m`), with
/// `φ = softmax(z)` row-wise and `q = cluster(φ)`: `q_ij = Σ_c φ_ic φ_jc / s_c`,
/// `s_c = Σ_k φ_kc` (diagonal included), debiased by `α_q` if set.
///
/// With `G = ∂L/∂q` (`n × n`): `∂L/∂φ_ac = ((Gφ)_ac + (Gᵀφ)_ac) / s_c − T_c / s_c²`,
/// `T_c = Σ_i φ_ic (Gφ)_ic`, then back through the softmax. Cost `O(n² m)`.
///
/// # Errors
/// [`IconError::Shape`] if `p` is not `n × n` for `n = z.len() / clusters`; as
/// [`softmax_rows`]; [`IconError::Entry`] if the loss is `+∞`.
///
/// ```
/// use kldiv_icon::{Dense, objective::{cluster_gradient, Objective}};
/// // Equal logits: every q(j|i) = 1/2, which is p, so loss and gradient vanish.
/// let p = Dense::new(2, 2, vec![0.5; 4])?;
/// let e = cluster_gradient(&p, &[0.0; 4], 2, &Objective::default())?;
/// assert_eq!(e.loss, 0.0);
/// assert_eq!(e.gradient, vec![0.0; 4]);
/// # Ok::<(), kldiv_icon::IconError>(())
/// ```
pub fn cluster_gradient(
    p: &Dense,
    z: &[f64],
    clusters: usize,
    objective: &Objective,
) -> Result<Evaluation> {
    cluster_gradient_with(p, &p.transpose(), z, clusters, objective)
}

/// [`cluster_gradient`] with `pᵀ` given (constant across the iterations of a method).
///
/// `q` is symmetric, so `(Gᵀφ)_a = Σ_i g(p_ia, q_ai) φ_i` is the row pass of `Gφ` run on `pᵀ`:
/// both passes evaluate `q` on the fly (`O(n² m)`, no `n × n` buffer).
pub(crate) fn cluster_gradient_with(
    p: &Dense,
    pt: &Dense,
    z: &[f64],
    clusters: usize,
    objective: &Objective,
) -> Result<Evaluation> {
    let phi = softmax_rows(z, clusters)?;
    kernels::cluster_check(&phi)?;
    let (n, m) = (phi.rows(), clusters);
    if p.rows() != n || p.cols() != n || pt.rows() != n || pt.cols() != n {
        return Err(IconError::Shape {
            what: "p (must be n × n for n rows of logits)",
            len: p.as_slice().len(),
            n,
            d: n,
        });
    }
    let alpha = objective.debias_q;
    crate::combinators::check_alpha(alpha)?;
    let s = kernels::cluster_sizes_of(&phi);
    let psi: Vec<f64> = (0..n * m)
        .map(|k| {
            if s[k % m] > 0.0 {
                phi.as_slice()[k] / s[k % m]
            } else {
                0.0
            }
        })
        .collect();
    let red = match objective.reduction {
        Reduction::Sum => 1.0,
        Reduction::Mean => 1.0 / n as f64,
    };
    let scale = red * (1.0 - alpha);
    // q̃ once (symmetric), then the two passes.
    let u = alpha / n as f64;
    let mut qt = vec![0.0; n * n];
    qt.par_chunks_mut(n).enumerate().for_each(|(i, row)| {
        let fi = phi.row(i);
        for (j, v) in row.iter_mut().enumerate() {
            let q: f64 = fi
                .iter()
                .zip(&psi[j * m..(j + 1) * m])
                .map(|(a, b)| a * b)
                .sum();
            *v = (1.0 - alpha) * q + u;
        }
    });
    let (loss_rows, gphi) = cluster_pass(p, &phi, &qt, scale, objective, true)?;
    let (_, gtphi) = cluster_pass(pt, &phi, &qt, scale, objective, false)?;
    let loss = reduce(&loss_rows, objective.reduction);
    let mut t = vec![0.0; m];
    for i in 0..n {
        for (c, tc) in t.iter_mut().enumerate() {
            *tc += phi.get(i, c) * gphi[i * m + c];
        }
    }
    let mut grad = vec![0.0; n * m];
    for a in 0..n {
        for c in 0..m {
            if s[c] > 0.0 {
                grad[a * m + c] =
                    (gphi[a * m + c] + gtphi[a * m + c]) / s[c] - t[c] / (s[c] * s[c]);
            }
        }
    }
    softmax_backward(&phi, &mut grad);
    Ok(Evaluation {
        loss,
        gradient: grad,
    })
}

/// One pass over the rows of `pm` (`p` or `pᵀ`) against the symmetric `q̃` (`n × n`):
/// `G_ij = scale · ∂D/∂q̃_ij`, returning the row losses (if asked) and `G·φ`.
fn cluster_pass(
    pm: &Dense,
    phi: &Dense,
    qt: &[f64],
    scale: f64,
    objective: &Objective,
    with_loss: bool,
) -> Result<(Vec<f64>, Vec<f64>)> {
    let (n, m) = (phi.rows(), phi.cols());
    let mut gphi = vec![0.0; n * m];
    let res: Vec<std::result::Result<f64, (usize, f64)>> = gphi
        .par_chunks_mut(m)
        .enumerate()
        .map(|(i, out)| {
            let pi = pm.row(i);
            let qi = &qt[i * n..(i + 1) * n];
            let mut acc = kldiv::sum::Neumaier::new();
            let mut infinite = false;
            for j in 0..n {
                let qt = qi[j];
                let pij = pi[j];
                let Some(g) = dq(pij, qt, objective.divergence) else {
                    return Err((i * n + j, qt));
                };
                if with_loss && !infinite {
                    let (l, r) = match objective.divergence {
                        super::Divergence::Reverse => (qt, pij),
                        _ => (pij, qt),
                    };
                    if l > 0.0 {
                        if r == 0.0 {
                            infinite = true;
                        } else if objective.divergence == super::Divergence::CrossEntropy {
                            acc.add(-l * r.ln());
                        } else {
                            acc.add(l * (l.ln() - r.ln()));
                        }
                    }
                }
                let g = scale * g;
                if g != 0.0 {
                    let fj = phi.row(j);
                    for (o, &f) in out.iter_mut().zip(fj) {
                        *o += g * f;
                    }
                }
            }
            Ok(if infinite { f64::INFINITY } else { acc.total() })
        })
        .collect();
    let mut rows = Vec::with_capacity(n);
    for r in res {
        match r {
            Ok(v) => rows.push(v),
            Err((index, value)) => {
                return Err(IconError::Entry {
                    what: "q",
                    index,
                    value,
                    reason: "the loss is +inf (p > 0 where q = 0, or q > 0 where p = 0 in reverse mode): no gradient",
                });
            }
        }
    }
    Ok((rows, gphi))
}
