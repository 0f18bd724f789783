//! Blocked brute-force backend.
//!
//! Queries are split into blocks of [`QUERY_BLOCK`] rows processed in parallel; each block
//! scans the reference in blocks of [`REF_BLOCK`] rows. For the Euclidean metric the squared
//! distances of a block pair come from one matrix product, `‖q‖² + ‖r‖² − 2·Q Rᵀ` (faer,
//! sequential inside a block), which only *selects* `want + BRUTE_MARGIN` candidates per
//! query; the reported distances are recomputed exactly. Chebyshev distances are computed
//! directly (no product form exists).

use super::{BRUTE_MARGIN, Ctx, Exclude, Metric};
use crate::error::Result;
use crate::estimate::points::Points;
use faer::linalg::matmul::matmul;
use faer::{Accum, MatMut, MatRef, Par};
use rayon::prelude::*;

const QUERY_BLOCK: usize = 128;
const REF_BLOCK: usize = 1024;

/// A bounded list of the smallest keys seen, kept sorted (capacities are small).
struct Best {
    cap: usize,
    items: Vec<(f64, u32)>,
}

impl Best {
    fn new(cap: usize) -> Best {
        Best {
            cap,
            items: Vec::with_capacity(cap + 1),
        }
    }
    #[inline]
    fn bound(&self) -> f64 {
        if self.items.len() < self.cap {
            f64::INFINITY
        } else {
            self.items[self.cap - 1].0
        }
    }
    #[inline]
    fn push(&mut self, key: f64, j: u32) {
        let pos = self.items.partition_point(|e| e.0 <= key);
        self.items.insert(pos, (key, j));
        self.items.truncate(self.cap);
    }
}

pub(crate) fn search(
    reference: Points<'_>,
    queries: Points<'_>,
    ctx: &Ctx<'_>,
    dist: &mut [f64],
    index: &mut [u32],
) -> Result<()> {
    let d = reference.dim();
    let w = ctx.width;
    let n_ref = reference.len();
    let euclid = ctx.metric == Metric::Euclidean;
    // Candidates kept per query: all the search needs plus a margin for rounding (Euclidean).
    let cap = if euclid {
        (ctx.want + BRUTE_MARGIN).min(n_ref)
    } else {
        ctx.want
    };
    let rnorm: Vec<f64> = if euclid {
        (0..n_ref)
            .map(|j| reference.row(j).iter().map(|v| v * v).sum())
            .collect()
    } else {
        Vec::new()
    };
    dist.par_chunks_mut(QUERY_BLOCK * w)
        .zip(index.par_chunks_mut(QUERY_BLOCK * w))
        .enumerate()
        .for_each(|(b, (dchunk, ichunk))| {
            if ctx.stopped() {
                return;
            }
            let rows = dchunk.len() / w;
            let q0 = b * QUERY_BLOCK;
            let qdata = &queries.data()[q0 * d..(q0 + rows) * d];
            let mut best: Vec<Best> = (0..rows).map(|_| Best::new(cap)).collect();
            let own = |r: usize| -> Option<u32> {
                match ctx.exclude {
                    // The excluded point is skipped during the scan: no slot is wasted on it.
                    Exclude::Index(ix) => Some(ix[q0 + r] as u32),
                    _ => None,
                }
            };
            let mut gram = vec![0.0; rows * REF_BLOCK];
            let qnorm: Vec<f64> = qdata
                .chunks_exact(d)
                .map(|q| q.iter().map(|v| v * v).sum())
                .collect();
            let mut j0 = 0;
            while j0 < n_ref {
                let cols = REF_BLOCK.min(n_ref - j0);
                if euclid {
                    let rdata = &reference.data()[j0 * d..(j0 + cols) * d];
                    let lhs = MatRef::from_row_major_slice(qdata, rows, d);
                    let rhs = MatRef::from_row_major_slice(rdata, cols, d).transpose();
                    let dst =
                        MatMut::from_row_major_slice_mut(&mut gram[..rows * cols], rows, cols);
                    matmul(dst, Accum::Replace, lhs, rhs, -2.0, Par::Seq);
                    for r in 0..rows {
                        let g = &gram[r * cols..(r + 1) * cols];
                        let bst = &mut best[r];
                        let ex = own(r);
                        // ‖q‖² is the same for the whole row: compare ‖r‖² − 2 q·r with
                        // bound − ‖q‖². Chunks whose minimum is not below the bound (almost
                        // all, once the list is full) are skipped with a vectorisable min.
                        let qn = qnorm[r];
                        let rn = &rnorm[j0..j0 + cols];
                        let mut bound = bst.bound() - qn;
                        let mut c0 = 0;
                        for (gc, rc) in g.chunks(16).zip(rn.chunks(16)) {
                            let mut lo = f64::INFINITY;
                            for (a, b) in gc.iter().zip(rc) {
                                lo = lo.min(a + b);
                            }
                            if lo < bound {
                                for (t, (a, b)) in gc.iter().zip(rc).enumerate() {
                                    let key = a + b;
                                    if key < bound {
                                        let j = (j0 + c0 + t) as u32;
                                        if Some(j) != ex {
                                            bst.push(key + qn, j);
                                            bound = bst.bound() - qn;
                                        }
                                    }
                                }
                            }
                            c0 += gc.len();
                        }
                    }
                } else {
                    for r in 0..rows {
                        let q = &qdata[r * d..(r + 1) * d];
                        let bst = &mut best[r];
                        let ex = own(r);
                        let mut bound = bst.bound();
                        for c in 0..cols {
                            let j = j0 + c;
                            let key = ctx.metric.dist(q, reference.row(j));
                            if key < bound && Some(j as u32) != ex {
                                bst.push(key, j as u32);
                                bound = bst.bound();
                            }
                        }
                    }
                }
                j0 += cols;
            }
            let mut cand: Vec<(f64, u32)> = Vec::with_capacity(cap + 1);
            for (r, bst) in best.iter().enumerate() {
                let q = &qdata[r * d..(r + 1) * d];
                cand.clear();
                cand.extend(
                    bst.items
                        .iter()
                        .map(|&(_, j)| (ctx.metric.dist(q, reference.row(j as usize)), j)),
                );
                cand.sort_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)));
                // The own index was skipped in the scan; put it back in front for `emit`
                // (which drops it) so that exactly `want` entries remain.
                if let Some(j) = own(r) {
                    cand.insert(0, (0.0, j));
                }
                cand.truncate(ctx.want);
                ctx.emit(
                    q0 + r,
                    &cand,
                    &mut dchunk[r * w..(r + 1) * w],
                    &mut ichunk[r * w..(r + 1) * w],
                );
            }
            ctx.finished(rows);
        });
    Ok(())
}
