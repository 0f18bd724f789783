//! kd-tree backend: [`kiddo::ImmutableKdTree`] with the dimension as a const generic,
//! instantiated for `d = 1..=16`.

use super::{Ctx, Metric};
use crate::error::Result;
use crate::estimate::points::Points;
use kiddo::immutable::float::kdtree::ImmutableKdTree;
use kiddo::{Chebyshev, SquaredEuclidean};
use rayon::prelude::*;
use std::num::NonZeroUsize;

/// Largest dimension with a kd-tree instantiation.
pub(crate) const MAX_DIM: usize = 16;

/// Query rows per parallel block (and per progress report).
const BLOCK: usize = 1024;

pub(crate) fn search(
    reference: Points<'_>,
    queries: Points<'_>,
    ctx: &Ctx<'_>,
    dist: &mut [f64],
    index: &mut [u32],
) -> Result<()> {
    macro_rules! dispatch {
        ($($d:literal)*) => {
            match reference.dim() {
                $($d => run::<$d>(reference, queries, ctx, dist, index),)*
                _ => super::brute::search(reference, queries, ctx, dist, index),
            }
        };
    }
    dispatch!(1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16)
}

fn to_arrays<const K: usize>(p: Points<'_>) -> Vec<[f64; K]> {
    p.data()
        .chunks_exact(K)
        .map(|c| {
            let mut a = [0.0; K];
            a.copy_from_slice(c);
            a
        })
        .collect()
}

fn run<const K: usize>(
    reference: Points<'_>,
    queries: Points<'_>,
    ctx: &Ctx<'_>,
    dist: &mut [f64],
    index: &mut [u32],
) -> Result<()> {
    let pts = to_arrays::<K>(reference);
    let tree: ImmutableKdTree<f64, u32, K, 32> = ImmutableKdTree::new_from_slice(&pts);
    let w = ctx.width;
    let Some(want) = NonZeroUsize::new(ctx.want) else {
        return Ok(());
    };
    dist.par_chunks_mut(BLOCK * w)
        .zip(index.par_chunks_mut(BLOCK * w))
        .enumerate()
        .for_each(|(b, (dchunk, ichunk))| {
            if ctx.stopped() {
                return;
            }
            let rows = dchunk.len() / w;
            let mut cand: Vec<(f64, u32)> = Vec::with_capacity(ctx.want);
            for r in 0..rows {
                let q = b * BLOCK + r;
                let mut a = [0.0; K];
                a.copy_from_slice(queries.row(q));
                cand.clear();
                match ctx.metric {
                    Metric::Euclidean => {
                        for nb in tree.nearest_n::<SquaredEuclidean>(&a, want) {
                            // Exact distance, the same formula as the brute force.
                            let e = ctx.metric.dist(&a, reference.row(nb.item as usize));
                            cand.push((e, nb.item));
                        }
                    }
                    Metric::Chebyshev => {
                        for nb in tree.nearest_n::<Chebyshev>(&a, want) {
                            cand.push((nb.distance, nb.item));
                        }
                    }
                }
                cand.sort_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)));
                ctx.emit(
                    q,
                    &cand,
                    &mut dchunk[r * w..(r + 1) * w],
                    &mut ichunk[r * w..(r + 1) * w],
                );
            }
            ctx.finished(rows);
        });
    Ok(())
}
