//! kd-tree backend: a balanced kd-tree with the dimension as a const generic, instantiated for
//! `d = 1..=`[`MAX_DIM`], built once per search and queried with a fixed-capacity candidate list
//! (no allocation per query).
//!
//! ## Structure
//!
//! The reference points are copied in tree order into `[f64; D]` rows. Every internal node
//! splits its rows at the middle position along the coordinate of largest spread
//! (`select_nth_unstable`), so the shape depends only on `n`: all leaves are at depth
//! `h = ⌈log₂(n / LEAF)⌉` and hold `⌊n/2^h⌋` or `⌈n/2^h⌉` rows. Internal nodes are stored in
//! pre-order, so a subtree is a contiguous slice (with `r` levels below node `p`, its left child
//! is `p + 1` and its right child `p + 2^(r−1)`), which lets the two halves be built in parallel.
//!
//! ## Query
//!
//! Depth first, nearer child first, with the incremental box distance of Arya & Mount: `off[j]`
//! is the distance from the query to the current cell along axis `j`, and the lower bound of any
//! distance in the cell is `Σ off[j]²` (Euclidean, squared) or `max_j off[j]` (Chebyshev). A
//! subtree is skipped when its bound is not below the current `cap`-th candidate key (with a
//! relative slack of [`SLACK`] for the rounding of the Euclidean sum, so that no point that
//! belongs to the result is ever pruned). Keys are `Σ_j (q_j − r_j)²` accumulated in coordinate
//! order, and the reported distance `sqrt(key)` is bit for bit [`Metric::dist`]; Chebyshev keys
//! are the distances themselves.

use super::{Ctx, Exclude, Metric};
use crate::error::Result;
use crate::estimate::points::Points;
use rayon::prelude::*;

/// Largest dimension with a kd-tree instantiation.
pub(crate) const MAX_DIM: usize = 16;

/// Query rows per parallel block (and per progress report).
const BLOCK: usize = 512;

/// Largest number of points in a leaf.
const LEAF: usize = 16;

/// Subtrees larger than this are built with `rayon::join`.
const PAR_BUILD: usize = 16 * 1024;

/// A cell is visited unless `SLACK · bound ≥ worst candidate key` (Euclidean): the incremental
/// bound carries a relative rounding error of a few dozen ulps at most.
const SLACK: f64 = 1.0 - 1e-12;

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
                $($d => match ctx.metric {
                    Metric::Euclidean => run::<$d, false>(reference, queries, ctx, dist, index),
                    Metric::Chebyshev => run::<$d, true>(reference, queries, ctx, dist, index),
                },)*
                _ => super::brute::search(reference, queries, ctx, dist, index),
            }
        };
    }
    dispatch!(1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16)
}

/// A reference point with its original index (build only).
#[derive(Clone, Copy)]
struct Row<const D: usize> {
    p: [f64; D],
    i: u32,
}

/// The tree: coordinates in tree order stored by column (`cols[j·n + t]` is coordinate `j` of
/// the `t`-th point, so a leaf scan computes several keys at once, lane by lane, each summed in
/// coordinate order), their original indices, and per internal node (pre-order) the split axis
/// and value.
struct Tree<const D: usize> {
    cols: Vec<f64>,
    idx: Vec<u32>,
    axis: Vec<u8>,
    split: Vec<f64>,
    levels: u32,
}

/// Number of levels of internal nodes so that every leaf holds at most [`LEAF`] points.
fn levels_for(n: usize) -> u32 {
    let mut h = 0;
    while n.div_ceil(1usize << h) > LEAF {
        h += 1;
    }
    h
}

fn build<const D: usize>(rows: &mut [Row<D>], axis: &mut [u8], split: &mut [f64], levels: u32) {
    if levels == 0 {
        return;
    }
    let mut lo = [f64::INFINITY; D];
    let mut hi = [f64::NEG_INFINITY; D];
    for r in rows.iter() {
        for j in 0..D {
            lo[j] = lo[j].min(r.p[j]);
            hi[j] = hi[j].max(r.p[j]);
        }
    }
    let mut a = 0;
    for j in 1..D {
        if hi[j] - lo[j] > hi[a] - lo[a] {
            a = j;
        }
    }
    let mid = rows.len() / 2;
    rows.select_nth_unstable_by(mid, |x, y| x.p[a].total_cmp(&y.p[a]));
    axis[0] = a as u8;
    split[0] = rows[mid].p[a];
    let half = (1usize << (levels - 1)) - 1;
    let (left_rows, right_rows) = rows.split_at_mut(mid);
    let (la, ra) = axis[1..].split_at_mut(half);
    let (ls, rs) = split[1..].split_at_mut(half);
    if left_rows.len() + right_rows.len() > PAR_BUILD {
        rayon::join(
            || build(left_rows, la, ls, levels - 1),
            || build(right_rows, ra, rs, levels - 1),
        );
    } else {
        build(left_rows, la, ls, levels - 1);
        build(right_rows, ra, rs, levels - 1);
    }
}

impl<const D: usize> Tree<D> {
    fn new(reference: Points<'_>) -> Tree<D> {
        let mut rows: Vec<Row<D>> = reference
            .data()
            .chunks_exact(D)
            .enumerate()
            .map(|(i, c)| {
                let mut p = [0.0; D];
                p.copy_from_slice(c);
                Row { p, i: i as u32 }
            })
            .collect();
        let levels = levels_for(rows.len());
        let internal = (1usize << levels) - 1;
        let mut axis = vec![0u8; internal];
        let mut split = vec![0.0; internal];
        build(&mut rows, &mut axis, &mut split, levels);
        let n = rows.len();
        let mut cols = vec![0.0; D * n];
        for (t, r) in rows.iter().enumerate() {
            for (j, &v) in r.p.iter().enumerate() {
                cols[j * n + t] = v;
            }
        }
        Tree {
            cols,
            idx: rows.iter().map(|r| r.i).collect(),
            axis,
            split,
            levels,
        }
    }
}

/// The `cap` smallest keys seen, sorted; unused slots hold `+∞`.
struct Cands {
    items: Vec<(f64, u32)>,
}

impl Cands {
    fn new(cap: usize) -> Cands {
        Cands {
            items: vec![(f64::INFINITY, u32::MAX); cap],
        }
    }
    fn reset(&mut self) {
        self.items.fill((f64::INFINITY, u32::MAX));
    }
    #[inline]
    fn bound(&self) -> f64 {
        self.items.last().map_or(f64::INFINITY, |c| c.0)
    }
    /// Inserts a key below [`Self::bound`], dropping the largest.
    #[inline]
    fn insert(&mut self, key: f64, j: u32) {
        let mut p = self.items.len() - 1;
        while p > 0 && self.items[p - 1].0 > key {
            self.items[p] = self.items[p - 1];
            p -= 1;
        }
        self.items[p] = (key, j);
    }
}

/// One query's state.
struct Query<'t, const D: usize, const CHEB: bool> {
    tree: &'t Tree<D>,
    q: [f64; D],
    off: [f64; D],
    /// Reference index never reported (`u32::MAX`: none).
    skip: u32,
}

impl<const D: usize, const CHEB: bool> Query<'_, D, CHEB> {
    /// Keys of the points `lo..hi` of a leaf, offered to the candidate list.
    #[inline(always)]
    fn scan_leaf(&self, c: &mut Cands, lo: usize, hi: usize) {
        let t = self.tree;
        let n = t.idx.len();
        let mut keys = [0.0f64; LEAF];
        let keys = &mut keys[..hi - lo];
        for (j, &qj) in self.q.iter().enumerate() {
            let col = &t.cols[j * n + lo..j * n + hi];
            for (s, &v) in keys.iter_mut().zip(col) {
                let u = qj - v;
                if CHEB {
                    *s = s.max(u.abs());
                } else {
                    *s += u * u;
                }
            }
        }
        let mut bound = c.bound();
        for (&key, &j) in keys.iter().zip(&t.idx[lo..hi]) {
            if key < bound && j != self.skip {
                c.insert(key, j);
                bound = c.bound();
            }
        }
    }

    fn visit(&mut self, c: &mut Cands, node: usize, levels: u32, lo: usize, hi: usize, rd: f64) {
        if levels == 0 {
            self.scan_leaf(c, lo, hi);
            return;
        }
        let mid = lo + (hi - lo) / 2;
        let a = self.tree.axis[node] as usize;
        let diff = self.q[a] - self.tree.split[node];
        let left = node + 1;
        let right = node + (1usize << (levels - 1));
        let ((near, nlo, nhi), (far, flo, fhi)) = if diff < 0.0 {
            ((left, lo, mid), (right, mid, hi))
        } else {
            ((right, mid, hi), (left, lo, mid))
        };
        self.visit(c, near, levels - 1, nlo, nhi, rd);
        let old = self.off[a];
        let new = diff.abs();
        let (rd_far, lower) = if CHEB {
            let r = rd.max(new);
            (r, r)
        } else {
            let r = rd - old * old + new * new;
            (r, r * SLACK)
        };
        if lower < c.bound() {
            self.off[a] = new;
            self.visit(c, far, levels - 1, flo, fhi, rd_far);
            self.off[a] = old;
        }
    }
}

fn run<const D: usize, const CHEB: bool>(
    reference: Points<'_>,
    queries: Points<'_>,
    ctx: &Ctx<'_>,
    dist: &mut [f64],
    index: &mut [u32],
) -> Result<()> {
    let tree = Tree::<D>::new(reference);
    let n = tree.idx.len();
    let w = ctx.width;
    // An excluded index is skipped during the search and needs no slot.
    let own = match ctx.exclude {
        Exclude::Index(ix) => Some(ix),
        _ => None,
    };
    let cap = if own.is_some() { w } else { ctx.want };
    if cap == 0 {
        return Ok(());
    }
    // Queries are answered in tree order (of the reference when the queries are the reference
    // sample, else of a tree built on the queries): consecutive queries are close, so they
    // walk the same cells while those are in cache. Results are gathered back afterwards.
    let same = std::ptr::eq(queries.data(), reference.data());
    let order: Vec<u32> = if same {
        tree.idx.clone()
    } else {
        Tree::<D>::new(queries).idx
    };
    let nq = order.len();
    let mut tmp_d = vec![0.0; nq * w];
    let mut tmp_i = vec![0u32; nq * w];
    tmp_d
        .par_chunks_mut(BLOCK * w)
        .zip(tmp_i.par_chunks_mut(BLOCK * w))
        .enumerate()
        .for_each(|(b, (dchunk, ichunk))| {
            if ctx.stopped() {
                return;
            }
            let rows = dchunk.len() / w;
            let mut c = Cands::new(cap);
            let mut cand: Vec<(f64, u32)> = Vec::with_capacity(cap);
            for r in 0..rows {
                let qi = order[b * BLOCK + r] as usize;
                let mut q = [0.0; D];
                q.copy_from_slice(queries.row(qi));
                let mut query = Query::<D, CHEB> {
                    tree: &tree,
                    q,
                    off: [0.0; D],
                    skip: own.map_or(u32::MAX, |ix| ix[qi] as u32),
                };
                c.reset();
                query.visit(&mut c, 0, tree.levels, 0, n, 0.0);
                cand.clear();
                cand.extend(
                    c.items
                        .iter()
                        .map(|&(key, j)| (if CHEB { key } else { key.sqrt() }, j)),
                );
                // Rounding in sqrt can tie distinct keys: order ties by index like the
                // brute force.
                cand.sort_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)));
                let drow = &mut dchunk[r * w..(r + 1) * w];
                let irow = &mut ichunk[r * w..(r + 1) * w];
                if own.is_some() {
                    for (t, &(dd, j)) in cand.iter().enumerate() {
                        drow[t] = dd;
                        irow[t] = j;
                    }
                } else {
                    ctx.emit(qi, &cand, drow, irow);
                }
            }
            ctx.finished(rows);
        });
    let mut pos = vec![0u32; nq];
    for (t, &qi) in order.iter().enumerate() {
        pos[qi as usize] = t as u32;
    }
    dist.par_chunks_mut(w)
        .zip(index.par_chunks_mut(w))
        .zip(&pos)
        .for_each(|((drow, irow), &t)| {
            let t = t as usize;
            drow.copy_from_slice(&tmp_d[t * w..(t + 1) * w]);
            irow.copy_from_slice(&tmp_i[t * w..(t + 1) * w]);
        });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_leaf_is_small_and_the_shape_is_balanced() {
        for n in [1usize, 2, 12, 13, 24, 25, 1000, 100_003] {
            let h = levels_for(n);
            assert!(n.div_ceil(1 << h) <= LEAF, "{n}");
            assert!(h == 0 || n.div_ceil(1 << (h - 1)) > LEAF, "{n}");
        }
    }
}
