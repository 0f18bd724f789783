//! The objective `KL(P‖Q)` of (symmetric) SNE and t-SNE and its exact gradient.
//!
//! With a joint, symmetric `P` (zero diagonal, entries summing to 1) and an embedding
//! `y_1..y_n ∈ ℝ^s`, the learned joint neighbourhood is
//!
//! ```text
//! q_ij = w_ij / Z,   Z = Σ_{k≠l} w_kl,   w_ij = exp(−‖y_i − y_j‖²)        (Gaussian q, SNE)
//!                                        w_ij = (1 + ‖y_i − y_j‖²)^{−1}    (Student-t q, ν = 1)
//! ```
//!
//! and the objective, in nats, is
//! `C = Σ_{i≠j} p_ij ln(p_ij / q_ij) = Σ p ln p − Σ p_ij ln w_ij + ln Z` (using `Σ p = 1`).
//! Its gradient (van der Maaten & Hinton 2008, eqs. 5 and 5 of §3) is
//!
//! ```text
//! ∂C/∂y_i = 4 Σ_j (p_ij − q_ij) g_ij (y_i − y_j),   g_ij = 1 (Gaussian), g_ij = w_ij (Student-t).
//! ```
//!
//! During early exaggeration the gradient uses `α·p_ij`; the reported objective always uses
//! the true `P`.

use super::OutputKernel;
use crate::IconError;
use crate::Result;
use crate::affinity::Affinity;
use rayon::prelude::*;

/// Minimum rows per rayon task in the per-point loops.
pub(crate) const MIN_ROWS: usize = 32;

impl OutputKernel {
    /// `ln w` from a squared distance, without underflow.
    #[inline(always)]
    pub(crate) fn ln_weight(self, d2: f64) -> f64 {
        match self {
            OutputKernel::Gaussian => -d2,
            OutputKernel::StudentT => -d2.ln_1p(),
        }
    }

    /// `(w, g)` from a squared distance: the kernel value and `−∂ ln w / ∂d²`.
    #[inline(always)]
    pub(crate) fn weight(self, d2: f64) -> (f64, f64) {
        match self {
            OutputKernel::Gaussian => ((-d2).exp(), 1.0),
            OutputKernel::StudentT => {
                let w = 1.0 / (1.0 + d2);
                (w, w)
            }
        }
    }
}

/// `Σ p ln p` over the stored entries (nats; `0 ln 0 = 0`).
pub(crate) fn p_log_p(p: &Affinity) -> f64 {
    let n = p.n();
    let per_row: Vec<f64> = (0..n)
        .into_par_iter()
        .with_min_len(MIN_ROWS)
        .map(|i| {
            let mut s = 0.0;
            p.for_row(i, |_, v| s += v * v.ln());
            s
        })
        .collect();
    kldiv::sum::sum(&per_row)
}

pub(crate) fn check_embedding(p: &Affinity, y: &[f64], dims: usize) -> Result<()> {
    let n = p.n();
    if dims == 0 || y.len() != n * dims {
        return Err(IconError::Shape {
            what: "embedding",
            len: y.len(),
            n,
            d: dims,
        });
    }
    if let Some(k) = y.iter().position(|v| !v.is_finite()) {
        return Err(IconError::NonFinite {
            what: "embedding",
            row: k / dims,
            col: k % dims,
            value: y[k],
        });
    }
    Ok(())
}

/// The objective `C = KL(P‖Q)` in nats and its exact gradient (`O(n²·s)` work, rows in
/// parallel), with the attraction scaled by `exaggeration` (1 for the true gradient).
///
/// `p` must be a joint matrix (symmetric, summing to 1; see
/// [`crate::affinity::joint`]); `y` is the row-major `n × dims` embedding.
///
/// # Errors
/// [`IconError::Shape`] if `y` is not `n · dims` long or `dims = 0`;
/// [`IconError::NonFinite`] for a NaN or infinite coordinate.
///
/// ```
/// use kldiv_icon::{Dense, affinity::Affinity, tsne::{kl_gradient, OutputKernel}};
/// // Two points, p_12 = p_21 = 1/2: Q is the same whatever y, so C = 0 and the gradient is 0.
/// let p = Affinity::Dense(Dense::new(2, 2, vec![0.0, 0.5, 0.5, 0.0])?);
/// let (c, g) = kl_gradient(&p, &[0.0, 0.0, 1.0, 0.0], 2, OutputKernel::StudentT, 1.0)?;
/// assert_eq!(c, 0.0);
/// assert_eq!(g, vec![0.0; 4]);
/// # Ok::<(), kldiv_icon::IconError>(())
/// ```
pub fn kl_gradient(
    p: &Affinity,
    y: &[f64],
    dims: usize,
    kernel: OutputKernel,
    exaggeration: f64,
) -> Result<(f64, Vec<f64>)> {
    check_embedding(p, y, dims)?;
    let plogp = p_log_p(p);
    let mut grad = vec![0.0; y.len()];
    let c = exact_into(p, y, dims, kernel, exaggeration, plogp, true, &mut grad);
    Ok((c, grad))
}

/// The exact gradient into `grad`; returns the objective when `want_kl` (needs `Σ p ln p`),
/// else NaN (the logarithms are then skipped).
#[allow(clippy::too_many_arguments)]
pub(crate) fn exact_into(
    p: &Affinity,
    y: &[f64],
    dims: usize,
    kernel: OutputKernel,
    exaggeration: f64,
    plogp: f64,
    want_kl: bool,
    grad: &mut [f64],
) -> f64 {
    if dims == 2 && kernel == OutputKernel::StudentT {
        return exact_t2_into(p, y, exaggeration, plogp, want_kl, grad);
    }
    let n = p.n();
    // Per row: z_i = Σ_j w_ij and Σ_j p_ij ln w_ij; grad holds attraction and repulsion
    // separately until Z is known.
    let mut rep = vec![0.0; n * dims];
    let mut zs = vec![0.0; n];
    let mut plw = vec![0.0; n];
    grad.par_chunks_mut(dims)
        .zip(rep.par_chunks_mut(dims))
        .zip(zs.par_iter_mut().zip(plw.par_iter_mut()))
        .enumerate()
        .with_min_len(MIN_ROWS)
        .for_each(|(i, ((att, rp), (z, pl)))| {
            let yi = &y[i * dims..(i + 1) * dims];
            att.fill(0.0);
            rp.fill(0.0);
            let mut zi = 0.0;
            for j in 0..n {
                if j == i {
                    continue;
                }
                let yj = &y[j * dims..(j + 1) * dims];
                let d2: f64 = yi.iter().zip(yj).map(|(a, b)| (a - b) * (a - b)).sum();
                let (w, g) = kernel.weight(d2);
                zi += w;
                let f = w * g;
                for k in 0..dims {
                    rp[k] += f * (yi[k] - yj[k]);
                }
            }
            let mut s = 0.0;
            p.for_row(i, |j, pij| {
                if j == i {
                    return;
                }
                let yj = &y[j * dims..(j + 1) * dims];
                let d2: f64 = yi.iter().zip(yj).map(|(a, b)| (a - b) * (a - b)).sum();
                let (_, g) = kernel.weight(d2);
                if want_kl {
                    s += pij * kernel.ln_weight(d2);
                }
                let f = pij * g;
                for k in 0..dims {
                    att[k] += f * (yi[k] - yj[k]);
                }
            });
            *z = zi;
            *pl = s;
        });
    let z = kldiv::sum::sum(&zs);
    let inv_z = 1.0 / z;
    grad.par_iter_mut()
        .zip(rep.par_iter())
        .with_min_len(MIN_ROWS * dims)
        .for_each(|(g, r)| *g = 4.0 * (exaggeration * *g - r * inv_z));
    if !want_kl {
        return f64::NAN;
    }
    plogp - kldiv::sum::sum(&plw) + p.total() * z.ln()
}

/// Independent accumulators of the blocked sums in [`exact_t2_into`].
const LANES: usize = 4;

/// [`exact_into`] for t-SNE in two dimensions: the same sums, laid out for SIMD.
///
/// The coordinates are split into two arrays and every row sums over **all** `j`, `j = i`
/// included, in blocks of [`LANES`] independent accumulators (so the compiler can vectorise
/// the kernel `w = 1/(1 + dx² + dy²)` without a branch); the self term is exactly `w_ii = 1`
/// with zero force and is subtracted from `z_i` afterwards (an absolute error of at most one
/// rounding of 1, i.e. `1.1e-16`, on `z_i`: relative `1e-16/z_i`, negligible unless every
/// other point is farther than about 10⁴ from `y_i`). The per-row order of the sums is fixed,
/// so the result is deterministic and does not depend on the number of threads.
fn exact_t2_into(
    p: &Affinity,
    y: &[f64],
    exaggeration: f64,
    plogp: f64,
    want_kl: bool,
    grad: &mut [f64],
) -> f64 {
    let n = p.n();
    let xs: Vec<f64> = y.iter().step_by(2).copied().collect();
    let ys: Vec<f64> = y.iter().skip(1).step_by(2).copied().collect();
    let mut rep = vec![0.0; 2 * n];
    let mut zs = vec![0.0; n];
    let mut plw = vec![0.0; n];
    grad.par_chunks_mut(2)
        .zip(rep.par_chunks_mut(2))
        .zip(zs.par_iter_mut().zip(plw.par_iter_mut()))
        .enumerate()
        .with_min_len(MIN_ROWS)
        .for_each(|(i, ((att, rp), (z, pl)))| {
            let (xi, yi) = (xs[i], ys[i]);
            let mut zl = [0.0; LANES];
            let mut fx = [0.0; LANES];
            let mut fy = [0.0; LANES];
            let bx = xs.chunks_exact(LANES);
            let by = ys.chunks_exact(LANES);
            let (rx, ry) = (bx.remainder(), by.remainder());
            for (cx, cy) in bx.zip(by) {
                let (Ok(cx), Ok(cy)) =
                    (<&[f64; LANES]>::try_from(cx), <&[f64; LANES]>::try_from(cy))
                else {
                    continue;
                };
                let dx: [f64; LANES] = std::array::from_fn(|l| xi - cx[l]);
                let dy: [f64; LANES] = std::array::from_fn(|l| yi - cy[l]);
                let w: [f64; LANES] =
                    std::array::from_fn(|l| 1.0 / (1.0 + dx[l] * dx[l] + dy[l] * dy[l]));
                for l in 0..LANES {
                    zl[l] += w[l];
                    let w2 = w[l] * w[l];
                    fx[l] += w2 * dx[l];
                    fy[l] += w2 * dy[l];
                }
            }
            for (l, (&xj, &yj)) in rx.iter().zip(ry).enumerate() {
                let dx = xi - xj;
                let dy = yi - yj;
                let w = 1.0 / (1.0 + dx * dx + dy * dy);
                zl[l] += w;
                let w2 = w * w;
                fx[l] += w2 * dx;
                fy[l] += w2 * dy;
            }
            // Minus the self term w_ii = 1.
            *z = zl.iter().sum::<f64>() - 1.0;
            rp[0] = fx.iter().sum();
            rp[1] = fy.iter().sum();
            let mut a = [0.0; 2];
            let mut s = 0.0;
            p.for_row(i, |j, pij| {
                if j == i {
                    return;
                }
                let dx = xi - xs[j];
                let dy = yi - ys[j];
                let d2 = dx * dx + dy * dy;
                let pw = pij / (1.0 + d2);
                a[0] += pw * dx;
                a[1] += pw * dy;
                if want_kl {
                    s -= pij * d2.ln_1p();
                }
            });
            att[0] = a[0];
            att[1] = a[1];
            *pl = s;
        });
    let z = kldiv::sum::sum(&zs);
    let inv_z = 1.0 / z;
    grad.par_iter_mut()
        .zip(rep.par_iter())
        .with_min_len(MIN_ROWS * 2)
        .for_each(|(g, r)| *g = 4.0 * (exaggeration * *g - r * inv_z));
    if !want_kl {
        return f64::NAN;
    }
    plogp - kldiv::sum::sum(&plw) + p.total() * z.ln()
}

/// The objective `KL(P‖Q)` alone (nats), exactly.
///
/// # Errors
/// As [`kl_gradient`].
pub fn kl_objective(p: &Affinity, y: &[f64], dims: usize, kernel: OutputKernel) -> Result<f64> {
    check_embedding(p, y, dims)?;
    let n = p.n();
    let parts: Vec<(f64, f64)> = (0..n)
        .into_par_iter()
        .with_min_len(MIN_ROWS)
        .map(|i| {
            let yi = &y[i * dims..(i + 1) * dims];
            let d2 = |j: usize| -> f64 {
                let yj = &y[j * dims..(j + 1) * dims];
                yi.iter().zip(yj).map(|(a, b)| (a - b) * (a - b)).sum()
            };
            let mut zi = 0.0;
            for j in (0..n).filter(|&j| j != i) {
                zi += kernel.weight(d2(j)).0;
            }
            let mut s = 0.0;
            p.for_row(i, |j, pij| {
                if j != i {
                    s += pij * (pij.ln() - kernel.ln_weight(d2(j)));
                }
            });
            (zi, s)
        })
        .collect();
    let zs: Vec<f64> = parts.iter().map(|t| t.0).collect();
    let ss: Vec<f64> = parts.iter().map(|t| t.1).collect();
    Ok(kldiv::sum::sum(&ss) + p.total() * kldiv::sum::sum(&zs).ln())
}
