//! Gaussian neighbourhoods calibrated by perplexity (SNE, t-SNE).
//!
//! Row `i` of the conditional matrix is
//!
//! ```text
//! p(j|i) = exp(−β_i ‖x_i − x_j‖²) / Σ_{k≠i} exp(−β_i ‖x_i − x_k‖²),   p(i|i) = 0,
//! ```
//!
//! with `β_i = 1/(2σ_i²)` set by bisection so that the perplexity `2^{H(p(·|i))}` of the row
//! equals the target, `H` measured in **bits** (the perplexity does not depend on the unit:
//! `2^{H_bits} = e^{H_nats}`). The perplexity is the effective number of neighbours.
//!
//! For large `n` only the `⌊3·perplexity⌋` nearest neighbours of each point are kept (the rest
//! get exactly zero weight; van der Maaten 2014): the neighbours come from
//! [`crate::kernels::nearest`] (the core's exact `kldiv::estimate::neighbors::k_nearest`),
//! the rows are calibrated in parallel (rayon).
//!
//! The joint (symmetrised) matrix of t-SNE is `P = (P_cond + P_condᵀ) / (2n)`, which sums to 1.

use crate::kernels::Distance;
use crate::{Dense, IconError, Result, Sparse};
use rayon::prelude::*;

use crate::Points;

/// Above this many points, [`AffinityMethod::Auto`] keeps only nearest neighbours.
pub const DENSE_MAX_N: usize = 1000;

/// Dense or sparse neighbourhoods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AffinityMethod {
    /// Dense for `n ≤` [`DENSE_MAX_N`] (or when `3·perplexity ≥ n − 1`), sparse above.
    #[default]
    Auto,
    /// All `n − 1` other points in every row.
    Dense,
    /// The `⌊3·perplexity⌋` nearest neighbours of every point.
    Sparse,
}

/// A neighbourhood matrix stored densely or sparsely.
#[derive(Debug, Clone, PartialEq)]
pub enum Affinity {
    /// Every entry stored.
    Dense(Dense),
    /// Compressed sparse rows.
    Sparse(Sparse),
}

impl Affinity {
    /// Number of rows (points).
    pub fn n(&self) -> usize {
        match self {
            Affinity::Dense(m) => m.rows(),
            Affinity::Sparse(m) => m.rows(),
        }
    }

    /// The sum of all entries (1 for a joint matrix, `n` for a conditional one).
    pub fn total(&self) -> f64 {
        let v = match self {
            Affinity::Dense(m) => m.as_slice(),
            Affinity::Sparse(m) => m.values(),
        };
        kldiv::sum::sum(v)
    }

    /// Calls `f(j, p_ij)` for every stored non-zero entry of row `i`.
    #[inline]
    pub fn for_row(&self, i: usize, mut f: impl FnMut(usize, f64)) {
        match self {
            Affinity::Dense(m) => {
                for (j, &p) in m.row(i).iter().enumerate() {
                    if p > 0.0 {
                        f(j, p);
                    }
                }
            }
            Affinity::Sparse(m) => {
                let (ix, v) = m.row(i);
                for (&j, &p) in ix.iter().zip(v) {
                    f(j as usize, p);
                }
            }
        }
    }
}

/// The perplexity calibration of each row.
#[derive(Debug, Clone, PartialEq)]
pub struct Calibration {
    /// `β_i = 1/(2σ_i²)` per row (1 / squared distance units).
    pub beta: Vec<f64>,
    /// The perplexity reached, `2^{H(p(·|i))}`, per row.
    pub perplexity: Vec<f64>,
}

/// Options of the perplexity calibration.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PerplexityOptions {
    /// Target perplexity, `1 ≤ perplexity ≤ n − 1` (default 30).
    pub perplexity: f64,
    /// Dense or sparse rows (default [`AffinityMethod::Auto`]).
    pub method: AffinityMethod,
    /// Tolerance on the row entropy in nats (default `1e-10`; the perplexity is then within
    /// `perplexity · 1e-10` of its target).
    pub tol: f64,
    /// Maximum bisection steps per row (default 200).
    pub max_iter: usize,
}

impl Default for PerplexityOptions {
    fn default() -> Self {
        Self {
            perplexity: 30.0,
            method: AffinityMethod::Auto,
            tol: 1e-10,
            max_iter: 200,
        }
    }
}

/// Calibrates one row: `d` holds squared distances to the row's candidate neighbours (`i`
/// itself excluded). Writes the probabilities into `p` and returns `(β, perplexity)`.
///
/// The entropy is computed from distances shifted by their minimum (the shift cancels in
/// the normalisation), `H = ln Σ e^{−β(d_j − d_min)} + β Σ p_j (d_j − d_min)`, which stays
/// finite for any `β`. `H(β)` decreases from `ln m` (β = 0) to the log of the number of tied
/// nearest points (β → ∞); a target outside that range gives the nearest end.
fn calibrate_row(
    d: &[f64],
    target_nats: f64,
    tol: f64,
    max_iter: usize,
    p: &mut [f64],
) -> (f64, f64) {
    let dmin = d.iter().copied().fold(f64::INFINITY, f64::min);
    let entropy = |beta: f64, p: &mut [f64]| -> f64 {
        let mut z = 0.0;
        let mut s = 0.0;
        for (pj, &dj) in p.iter_mut().zip(d) {
            let t = dj - dmin;
            let w = (-beta * t).exp();
            *pj = w;
            z += w;
            s += w * t;
        }
        let inv = 1.0 / z;
        for pj in p.iter_mut() {
            *pj *= inv;
        }
        z.ln() + beta * s * inv
    };
    // Initial guess: β such that the mean shifted distance has weight e^{-1}.
    let mean = d.iter().map(|&x| x - dmin).sum::<f64>() / d.len().max(1) as f64;
    let mut beta = if mean > 0.0 { 1.0 / mean } else { 1.0 };
    let (mut lo, mut hi) = (0.0_f64, f64::INFINITY);
    let mut h = entropy(beta, p);
    for _ in 0..max_iter {
        let diff = h - target_nats;
        if diff.abs() <= tol {
            break;
        }
        if diff > 0.0 {
            lo = beta;
            beta = if hi.is_finite() {
                0.5 * (lo + hi)
            } else {
                beta * 2.0
            };
        } else {
            hi = beta;
            beta = 0.5 * (lo + hi);
        }
        if !(beta.is_finite()) || hi - lo <= f64::EPSILON * hi.min(f64::MAX) {
            break;
        }
        h = entropy(beta, p);
    }
    (beta, h.exp())
}

fn check_perplexity(n: usize, perplexity: f64) -> Result<()> {
    if n < 2 {
        return Err(IconError::Empty {
            what: "points for a perplexity neighbourhood (need ≥ 2)",
            n,
            d: 0,
        });
    }
    if !(perplexity >= 1.0 && perplexity <= (n - 1) as f64) {
        return Err(IconError::Parameter {
            name: "perplexity",
            value: perplexity,
            reason: "must be in [1, n − 1]",
        });
    }
    Ok(())
}

/// The conditional Gaussian neighbourhoods `p(j|i)` (rows sum to 1, `p(i|i) = 0`), dense or
/// sparse, with each row's perplexity `2^{H(p(·|i))}` (H in bits) bisected to the target.
///
/// # Errors
/// [`IconError::Empty`] for fewer than 2 points; [`IconError::Parameter`] for a perplexity
/// outside `[1, n − 1]` or a neighbour-search failure.
///
/// ```
/// use kldiv_icon::{Points, affinity::{conditional, PerplexityOptions}};
/// let x = [0.0, 1.0, 3.0, 7.0];
/// let (p, cal) = conditional(Points::new("x", &x, 1)?, &PerplexityOptions { perplexity: 2.0, ..Default::default() })?;
/// assert!(cal.perplexity.iter().all(|&q| (q - 2.0).abs() < 1e-8));
/// assert!((p.total() - 4.0).abs() < 1e-12);
/// # Ok::<(), kldiv_icon::IconError>(())
/// ```
pub fn conditional(x: Points<'_>, opts: &PerplexityOptions) -> Result<(Affinity, Calibration)> {
    let n = x.n();
    check_perplexity(n, opts.perplexity)?;
    if opts.tol.is_nan() || opts.tol <= 0.0 {
        return Err(IconError::Parameter {
            name: "tol",
            value: opts.tol,
            reason: "must be > 0",
        });
    }
    let k = ((3.0 * opts.perplexity).floor() as usize).min(n - 1);
    let sparse = match opts.method {
        AffinityMethod::Dense => false,
        AffinityMethod::Sparse => true,
        AffinityMethod::Auto => n > DENSE_MAX_N && k < n - 1,
    };
    let target = opts.perplexity.ln();
    if !sparse {
        let mut values = vec![0.0; n * n];
        let mut beta = vec![0.0; n];
        let mut perp = vec![0.0; n];
        values
            .par_chunks_mut(n)
            .zip(beta.par_iter_mut().zip(perp.par_iter_mut()))
            .enumerate()
            .for_each_init(
                || (Vec::with_capacity(n - 1), vec![0.0; n - 1]),
                |(d, p), (i, (row, (b, q)))| {
                    d.clear();
                    d.extend((0..n).filter(|&j| j != i).map(|j| x.sq_dist(i, j)));
                    let (bi, qi) = calibrate_row(d, target, opts.tol, opts.max_iter, p);
                    *b = bi;
                    *q = qi;
                    let mut it = p.iter();
                    for (j, r) in row.iter_mut().enumerate() {
                        if j != i {
                            *r = it.next().copied().unwrap_or(0.0);
                        }
                    }
                },
            );
        let m = Dense::new(n, n, values)?;
        return Ok((
            Affinity::Dense(m),
            Calibration {
                beta,
                perplexity: perp,
            },
        ));
    }
    let (nn_idx, nn_d2) = crate::kernels::nearest(x, k, Distance::SquaredEuclidean)?;
    let mut values = vec![0.0; n * k];
    let mut beta = vec![0.0; n];
    let mut perp = vec![0.0; n];
    values
        .par_chunks_mut(k)
        .zip(beta.par_iter_mut().zip(perp.par_iter_mut()))
        .enumerate()
        .for_each_init(
            || Vec::with_capacity(k),
            |d, (i, (row, (b, q)))| {
                d.clear();
                d.extend_from_slice(&nn_d2[i * k..(i + 1) * k]);
                let (bi, qi) = calibrate_row(d, target, opts.tol, opts.max_iter, row);
                *b = bi;
                *q = qi;
            },
        );
    // Sort each row by column for CSR.
    let mut indices = Vec::with_capacity(n * k);
    let mut sorted = Vec::with_capacity(n * k);
    let mut order: Vec<usize> = Vec::with_capacity(k);
    for i in 0..n {
        let ix = &nn_idx[i * k..(i + 1) * k];
        order.clear();
        order.extend(0..k);
        order.sort_unstable_by_key(|&t| ix[t]);
        for &t in &order {
            indices.push(ix[t]);
            sorted.push(values[i * k + t]);
        }
    }
    let indptr: Vec<usize> = (0..=n).map(|i| i * k).collect();
    let m = Sparse::new(n, n, indptr, indices, sorted)?;
    Ok((
        Affinity::Sparse(m),
        Calibration {
            beta,
            perplexity: perp,
        },
    ))
}

/// The joint matrix `P = (P_cond + P_condᵀ) / (2n)` of t-SNE: symmetric, zero diagonal, sums
/// to 1. Sparse input gives sparse output (the union of both neighbour lists).
///
/// ```
/// use kldiv_icon::{Points, affinity::{conditional, joint, PerplexityOptions}};
/// let x = [0.0, 1.0, 3.0, 7.0, 8.0];
/// let (p, _) = conditional(Points::new("x", &x, 1)?, &PerplexityOptions { perplexity: 2.0, ..Default::default() })?;
/// let pj = joint(&p);
/// assert!((pj.total() - 1.0).abs() < 1e-12);
/// # Ok::<(), kldiv_icon::IconError>(())
/// ```
pub fn joint(p: &Affinity) -> Affinity {
    let n = p.n();
    let scale = 1.0 / (2.0 * n as f64);
    match p {
        Affinity::Dense(m) => {
            let mut out = Dense::zeros(n, n);
            let v = out.as_mut_slice();
            for i in 0..n {
                for j in 0..n {
                    v[i * n + j] = (m.get(i, j) + m.get(j, i)) * scale;
                }
            }
            Affinity::Dense(out)
        }
        Affinity::Sparse(m) => {
            // Entries of row i: its own plus those of the transpose; counting sort by row.
            let mut count = vec![0usize; n + 1];
            for i in 0..n {
                let (ix, _) = m.row(i);
                count[i + 1] += ix.len();
                for &j in ix {
                    count[j as usize + 1] += 1;
                }
            }
            for i in 0..n {
                count[i + 1] += count[i];
            }
            let total = count[n];
            let mut cols = vec![0u32; total];
            let mut vals = vec![0.0; total];
            let mut fill = count.clone();
            for i in 0..n {
                let (ix, v) = m.row(i);
                for (&j, &pv) in ix.iter().zip(v) {
                    let a = fill[i];
                    cols[a] = j;
                    vals[a] = pv;
                    fill[i] += 1;
                    let b = fill[j as usize];
                    cols[b] = i as u32;
                    vals[b] = pv;
                    fill[j as usize] += 1;
                }
            }
            // Sort and merge each row in parallel.
            let rows: Vec<(Vec<u32>, Vec<f64>)> = (0..n)
                .into_par_iter()
                .map(|i| {
                    let r = count[i]..count[i + 1];
                    let mut e: Vec<(u32, f64)> = cols[r.clone()]
                        .iter()
                        .copied()
                        .zip(vals[r].iter().copied())
                        .collect();
                    e.sort_unstable_by_key(|t| t.0);
                    let mut c = Vec::with_capacity(e.len());
                    let mut v: Vec<f64> = Vec::with_capacity(e.len());
                    for (j, pv) in e {
                        if c.last() == Some(&j) {
                            if let Some(last) = v.last_mut() {
                                *last += pv;
                            }
                        } else {
                            c.push(j);
                            v.push(pv);
                        }
                    }
                    for x in &mut v {
                        *x *= scale;
                    }
                    (c, v)
                })
                .collect();
            let mut indptr = Vec::with_capacity(n + 1);
            indptr.push(0);
            let mut indices = Vec::new();
            let mut values = Vec::new();
            for (c, v) in rows {
                indices.extend_from_slice(&c);
                values.extend_from_slice(&v);
                indptr.push(indices.len());
            }
            // The structure is valid by construction; fall back to a dense copy never needed.
            match Sparse::new(n, n, indptr, indices, values) {
                Ok(s) => Affinity::Sparse(s),
                Err(_) => Affinity::Sparse(m.clone()),
            }
        }
    }
}

/// Conditional neighbourhoods by perplexity, then the joint `P` of t-SNE.
///
/// # Errors
/// As [`conditional`].
pub fn joint_perplexity(
    x: Points<'_>,
    opts: &PerplexityOptions,
) -> Result<(Affinity, Calibration)> {
    let (p, cal) = conditional(x, opts)?;
    Ok((joint(&p), cal))
}
