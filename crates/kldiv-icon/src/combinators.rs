//! Combinators on neighbourhood matrices: mask the diagonal, normalise rows, symmetrise,
//! debias, propagate along walks.

use crate::{Dense, IconError, Result, Sparse};
use rayon::prelude::*;

/// Sets `P_ii = 0` (removes every point from its own neighbourhood). Rows are *not*
/// renormalised: follow with [`row_normalise`].
///
/// ```
/// use kldiv_icon::{Dense, combinators::mask_diagonal};
/// let mut p = Dense::new(2, 2, vec![0.5, 0.5, 0.25, 0.75])?;
/// mask_diagonal(&mut p);
/// assert_eq!(p.as_slice(), &[0.0, 0.5, 0.25, 0.0]);
/// # Ok::<(), kldiv_icon::IconError>(())
/// ```
pub fn mask_diagonal(p: &mut Dense) {
    for i in 0..p.rows().min(p.cols()) {
        p.row_mut(i)[i] = 0.0;
    }
}

/// [`mask_diagonal`] for a sparse matrix: the stored diagonal entries are dropped.
///
/// # Errors
/// Never in practice (the structure stays valid); the result type follows [`Sparse::from_rows`].
pub fn mask_diagonal_sparse(p: &Sparse) -> Result<Sparse> {
    let rows = (0..p.rows())
        .map(|i| {
            let (c, v) = p.row(i);
            c.iter()
                .zip(v)
                .filter(|&(&j, _)| j as usize != i)
                .map(|(&j, &w)| (j as usize, w))
                .collect()
        })
        .collect();
    Sparse::from_rows(p.cols(), rows)
}

/// Divides every row by its sum: `P_ij ← P_ij / Σ_k P_ik`.
///
/// # Errors
/// [`IconError::Entry`] naming the first row whose sum is zero (or not finite).
///
/// ```
/// use kldiv_icon::{Dense, combinators::row_normalise};
/// let mut p = Dense::new(1, 2, vec![1.0, 3.0])?;
/// row_normalise(&mut p)?;
/// assert_eq!(p.as_slice(), &[0.25, 0.75]);
/// # Ok::<(), kldiv_icon::IconError>(())
/// ```
pub fn row_normalise(p: &mut Dense) -> Result<()> {
    let cols = p.cols().max(1);
    p.as_mut_slice()
        .par_chunks_mut(cols)
        .enumerate()
        .try_for_each(|(i, row)| crate::kernels::normalise_row("row_normalise", i, row))
}

/// [`row_normalise`] for a sparse matrix (in place; the structure is unchanged).
///
/// # Errors
/// [`IconError::Entry`] naming the first row whose stored values sum to zero.
pub fn row_normalise_sparse(p: &mut Sparse) -> Result<()> {
    for i in 0..p.rows() {
        crate::kernels::normalise_row("row_normalise", i, p.row_values_mut(i))?;
    }
    Ok(())
}

/// The joint (t-SNE) symmetrisation of a conditional kernel: `P_ij = (p(j|i) + p(i|j)) / 2n`.
/// The result sums to 1 over *all* entries (a joint distribution over pairs), not per row.
///
/// # Errors
/// [`IconError::Shape`] if `p` is not square.
///
/// ```
/// use kldiv_icon::{Dense, combinators::symmetrise};
/// let p = Dense::new(2, 2, vec![0.0, 1.0, 1.0, 0.0])?;
/// assert_eq!(symmetrise(&p)?.as_slice(), &[0.0, 0.5, 0.5, 0.0]);
/// # Ok::<(), kldiv_icon::IconError>(())
/// ```
pub fn symmetrise(p: &Dense) -> Result<Dense> {
    let n = square(p.rows(), p.cols(), p.as_slice().len())?;
    let s = 2.0 * n as f64;
    let mut out = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..n {
            out[i * n + j] = (p.get(i, j) + p.get(j, i)) / s;
        }
    }
    Ok(Dense::from_raw(n, n, out))
}

/// [`symmetrise`] for a sparse conditional kernel (the pattern becomes the union of `P` and
/// `Pᵀ`).
///
/// # Errors
/// [`IconError::Shape`] if `p` is not square.
pub fn symmetrise_sparse(p: &Sparse) -> Result<Sparse> {
    let n = square(p.rows(), p.cols(), p.nnz())?;
    let s = 2.0 * n as f64;
    let mut rows: Vec<Vec<(usize, f64)>> = vec![Vec::new(); n];
    for (i, row) in rows.iter_mut().enumerate() {
        let (c, v) = p.row(i);
        row.extend(c.iter().zip(v).map(|(&j, &w)| (j as usize, w / s)));
    }
    for i in 0..n {
        let (c, v) = p.row(i);
        for (&j, &w) in c.iter().zip(v) {
            rows[j as usize].push((i, w / s));
        }
    }
    Sparse::from_rows(n, rows)
}

fn square(rows: usize, cols: usize, len: usize) -> Result<usize> {
    if rows != cols {
        return Err(IconError::Shape {
            what: "square matrix",
            len,
            n: rows,
            d: cols,
        });
    }
    Ok(rows)
}

/// Debiasing: mixes every row with the uniform distribution over all `N` columns,
///
/// `p̃(j|i) = (1 − α) p(j|i) + α / N`,
///
/// where **`N` counts every column, `j = i` included** (`N = n` for a point kernel,
/// `N = m` for a class kernel). Applied to `p`, `q` or both (the debiased clustering uses
/// both). The cross-entropy is affine in `α`: `H(p̃, q) = (1 − α) H(p, q) + α H(u, q)`.
/// Requires `0 ≤ α ≤ 1`; `α = 0` leaves `p` unchanged.
///
/// # Errors
/// [`IconError::Parameter`] for `α` outside `[0, 1]` or NaN.
///
/// ```
/// use kldiv_icon::{Dense, combinators::debias};
/// let mut p = Dense::new(1, 4, vec![1.0, 0.0, 0.0, 0.0])?;
/// debias(&mut p, 0.5)?;
/// assert_eq!(p.as_slice(), &[0.625, 0.125, 0.125, 0.125]);
/// # Ok::<(), kldiv_icon::IconError>(())
/// ```
pub fn debias(p: &mut Dense, alpha: f64) -> Result<()> {
    check_alpha(alpha)?;
    let u = alpha / p.cols() as f64;
    for v in p.as_mut_slice() {
        *v = (1.0 - alpha) * *v + u;
    }
    Ok(())
}

pub(crate) fn check_alpha(alpha: f64) -> Result<()> {
    if !(0.0..=1.0).contains(&alpha) {
        return Err(IconError::Parameter {
            name: "alpha",
            value: alpha,
            reason: "the debiasing weight must be in [0, 1]",
        });
    }
    Ok(())
}

/// What [`propagate`] returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Walks {
    /// `P̃ ∝ P + P² + … + P^k`: each `j` weighted by the probability of reaching it in `1..=k`
    /// steps of the random walk `P`. The default.
    #[default]
    Weighted,
    /// The indicator form: `P̃ ∝ 1[(P + … + P^k)_ij > 0]`, uniform over every point reachable
    /// in at most `k` steps.
    Indicator,
}

/// Whether walks that come back to their start count in [`propagate`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ReturnWalks {
    /// Keep `(P^s)_ii` (a point reaches itself in two steps through any neighbour). The
    /// default, and the convention of the path-graph example.
    #[default]
    Keep,
    /// Zero the diagonal of the sum before normalising.
    Drop,
}

/// Neighbour propagation: `P̃ = rownorm(P + P² + … + P^k)` ([`Walks::Weighted`]) or
/// `rownorm(1[P + … + P^k > 0])` ([`Walks::Indicator`]), with the diagonal kept or dropped
/// per [`ReturnWalks`]. `k = 1` is `rownorm(P)`. Works on sparse rows: the cost is about
/// `n · nnz_row^k`, fine for kNN graphs and small `k`.
///
/// On the path graph 1–2–3–4 (`P` uniform over the graph neighbours) with `k = 2` and return
/// walks kept, the rows are `(.25, .5, .25, 0)`, `(.25, .375, .25, .125)`,
/// `(.125, .25, .375, .25)`, `(0, .25, .5, .25)`.
///
/// # Errors
/// [`IconError::Parameter`] for `k = 0`; [`IconError::Shape`] if `p` is not square;
/// [`IconError::Entry`] for a row that ends up empty (only possible when dropping return walks
/// of an isolated point).
///
/// ```
/// use kldiv_icon::{Sparse, combinators::{propagate, ReturnWalks, Walks}};
/// let p = Sparse::from_rows(4, vec![
///     vec![(1, 1.0)], vec![(0, 0.5), (2, 0.5)], vec![(1, 0.5), (3, 0.5)], vec![(2, 1.0)],
/// ])?;
/// let q = propagate(&p, 2, Walks::Weighted, ReturnWalks::Keep)?.to_dense();
/// assert_eq!(q.row(1), &[0.25, 0.375, 0.25, 0.125]);
/// # Ok::<(), kldiv_icon::IconError>(())
/// ```
pub fn propagate(p: &Sparse, k: usize, walks: Walks, returns: ReturnWalks) -> Result<Sparse> {
    if k == 0 {
        return Err(IconError::Parameter {
            name: "k",
            value: 0.0,
            reason: "propagation needs at least one step (k >= 1)",
        });
    }
    let n = square(p.rows(), p.cols(), p.nnz())?;
    let rows: Vec<Result<Vec<(usize, f64)>>> = (0..n)
        .into_par_iter()
        .map(|i| {
            let mut acc = vec![0.0; n];
            let mut touched: Vec<usize> = Vec::new();
            let mut seen = vec![false; n];
            // The current distribution of the walk after s steps, sparse.
            let (c, v) = p.row(i);
            let mut cur: Vec<(usize, f64)> = c
                .iter()
                .map(|&j| j as usize)
                .zip(v.iter().copied())
                .collect();
            for step in 1..=k {
                for &(j, w) in &cur {
                    if !seen[j] {
                        seen[j] = true;
                        touched.push(j);
                    }
                    acc[j] += w;
                }
                if step == k {
                    break;
                }
                let mut next = vec![0.0; n];
                let mut next_idx = Vec::new();
                for &(j, w) in &cur {
                    let (c2, v2) = p.row(j);
                    for (&l, &u) in c2.iter().zip(v2) {
                        let l = l as usize;
                        if next[l] == 0.0 {
                            next_idx.push(l);
                        }
                        next[l] += w * u;
                    }
                }
                next_idx.sort_unstable();
                cur = next_idx.into_iter().map(|l| (l, next[l])).collect();
            }
            touched.sort_unstable();
            let mut row: Vec<(usize, f64)> = touched
                .into_iter()
                .filter(|&j| returns == ReturnWalks::Keep || j != i)
                .map(|j| (j, acc[j]))
                .filter(|&(_, w)| w > 0.0)
                .collect();
            if walks == Walks::Indicator {
                for e in &mut row {
                    e.1 = 1.0;
                }
            }
            let mut w: Vec<f64> = row.iter().map(|e| e.1).collect();
            crate::kernels::normalise_row("propagate", i, &mut w)?;
            Ok(row.iter().map(|e| e.0).zip(w).collect())
        })
        .collect();
    let rows = rows.into_iter().collect::<Result<Vec<_>>>()?;
    Sparse::from_rows(n, rows)
}
