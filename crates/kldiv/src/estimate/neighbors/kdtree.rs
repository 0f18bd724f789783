//! kd-tree backend: a balanced kd-tree with the dimension as a const generic, instantiated for
//! `d = 1..=`[`MAX_DIM`], built once per search and queried with a fixed-capacity candidate list
//! (no allocation per query).
//!
//! ## Structure
//!
//! Every internal node splits its points at the middle position along the coordinate of largest
//! spread (`select_nth_unstable`), so the shape depends only on `n`: all leaves are at depth
//! `h = ⌈log₂(n / cap)⌉` (the leaf capacity `cap` grows with the dimension, see [`leaf_cap`])
//! and hold `⌊n/2^h⌋` or `⌈n/2^h⌉` points. Nodes (internal and leaves) are numbered in
//! pre-order, so a subtree is a contiguous range (with `r` levels below node `p`, its left child
//! is `p + 1` and its right child `p + 2^r`), which lets the two halves be built in parallel.
//! Each node stores the tight bounding box of its points; each leaf is copied into a slot of
//! fixed width (a multiple of [`LANES`], padded with `+∞` points), coordinates stored lane by
//! lane, so that the leaf scan computes four keys per vector operation with no remainder loop.
//!
//! ## Query
//!
//! Depth first with an explicit stack, the child on the query's side of the split first. The
//! near child inherits its parent's lower bound; the far child's bound is the key of the nearest
//! point of its tight box (see `Query::box_key`: accumulated like a key, so by the monotonicity
//! of rounding it never exceeds the computed key of a point in the box — no slack is needed). A
//! subtree is skipped when its bound is not below the current `cap`-th candidate key. Keys are
//! `Σ_j (q_j − r_j)²` accumulated in coordinate order, and the reported distance `sqrt(key)` is
//! bit for bit [`Metric::dist`]; Chebyshev keys are the distances themselves.
//!
//! Queries run in tree order (consecutive queries walk the same leaves while those are in cache),
//! in blocks compiled for AVX2 when the CPU has it ([`crate::kernels::vectorized`]; no fused
//! operations, so the same bits as the portable code).

use super::{Ctx, Exclude, Metric, NeighborLists, RowOrder};
use crate::error::Result;
use crate::estimate::points::Points;
use crate::kernels::{Kernel, vectorized};
use rayon::prelude::*;
use std::sync::Arc;

/// Largest dimension with a kd-tree instantiation.
pub(crate) const MAX_DIM: usize = 16;

/// Query rows per parallel block (and per progress report).
const BLOCK: usize = 512;

/// Largest number of points in a leaf, by dimension (leaves hold between half of it and all of
/// it). Small leaves prune best in low dimension; from `d ≈ 6` the search scans most leaves
/// near the query anyway and large ones cost far fewer node visits per point. Measured at
/// `n = 10⁵`, `k = 5` (1 thread, CPU seconds per estimate for caps 16/32/64/128/256): d = 4
/// 0.28/0.26/0.26/0.28/0.31, d = 6 0.91/0.76/0.72/0.67/0.72, d = 8 2.87/2.41/1.98/1.81/1.95,
/// d = 10 128: 4.85, 256: 5.36; d = 2 is insensitive between 8 and 32.
fn leaf_cap(d: usize) -> usize {
    match d {
        0..=3 => LEAF_MIN,
        4..=5 => 32,
        _ => 128,
    }
}

/// The smallest leaf capacity (low dimension).
const LEAF_MIN: usize = 16;

/// Subtrees larger than this are built with `rayon::join`.
const PAR_BUILD: usize = 16 * 1024;

pub(crate) fn search(
    reference: Points<'_>,
    queries: Points<'_>,
    ctx: &Ctx<'_>,
) -> Result<NeighborLists> {
    macro_rules! dispatch {
        ($($d:literal)*) => {
            match reference.dim() {
                $($d => match ctx.metric {
                    Metric::Euclidean => run::<$d, false>(reference, queries, ctx),
                    Metric::Chebyshev => run::<$d, true>(reference, queries, ctx),
                },)*
                _ => brute(reference, queries, ctx),
            }
        };
    }
    dispatch!(1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16)
}

/// The brute force, for dimensions without a tree instantiation.
fn brute(reference: Points<'_>, queries: Points<'_>, ctx: &Ctx<'_>) -> Result<NeighborLists> {
    let n = queries.len() * ctx.width;
    let (mut dist, mut index) = (vec![0.0; n], vec![0u32; n]);
    super::brute::search(reference, queries, ctx, &mut dist, &mut index)?;
    Ok(NeighborLists::in_order(ctx.width, dist, index))
}

/// A reference point with its original index (build only).
#[derive(Clone, Copy)]
struct Row<const D: usize> {
    p: [f64; D],
    i: u32,
}

/// The tree: the leaves in fixed-width slots stored lane by lane (see [`fill_leaves`]: a leaf
/// scan computes [`LANES`] keys at once, each summed in coordinate order), the points and
/// their original indices in tree order, and per node (internal nodes and leaves, in pre-order)
/// the tight bounding box of its points.
struct Tree<const D: usize> {
    slots: Vec<f64>,
    sidx: Vec<u32>,
    width: usize,
    pts: Vec<[f64; D]>,
    idx: Vec<u32>,
    lo: Vec<[f64; D]>,
    hi: Vec<[f64; D]>,
    /// Split axis per node (unused for leaves).
    axis: Vec<u8>,
    levels: u32,
}

/// Number of levels of internal nodes so that every leaf holds at most `leaf` points.
fn levels_for(n: usize, leaf: usize) -> u32 {
    let mut h = 0;
    while n.div_ceil(1usize << h) > leaf {
        h += 1;
    }
    h
}

/// Builds the subtree of `rows` with `levels` levels of internal nodes below its root; `lo` and
/// `hi` are the subtree's slices of the box arrays (root first, then the left subtree, then the
/// right one).
fn build<const D: usize>(
    rows: &mut [Row<D>],
    lo: &mut [[f64; D]],
    hi: &mut [[f64; D]],
    axis: &mut [u8],
    levels: u32,
) {
    let mut l = [f64::INFINITY; D];
    let mut h = [f64::NEG_INFINITY; D];
    for r in rows.iter() {
        for j in 0..D {
            l[j] = l[j].min(r.p[j]);
            h[j] = h[j].max(r.p[j]);
        }
    }
    lo[0] = l;
    hi[0] = h;
    if levels == 0 {
        return;
    }
    let mut a = 0;
    for j in 1..D {
        if h[j] - l[j] > h[a] - l[a] {
            a = j;
        }
    }
    let mid = rows.len() / 2;
    rows.select_nth_unstable_by(mid, |x, y| x.p[a].total_cmp(&y.p[a]));
    axis[0] = a as u8;
    let half = (1usize << levels) - 1;
    let (la, ra) = axis[1..].split_at_mut(half);
    let (left_rows, right_rows) = rows.split_at_mut(mid);
    let (ll, rl) = lo[1..].split_at_mut(half);
    let (lh, rh) = hi[1..].split_at_mut(half);
    if left_rows.len() + right_rows.len() > PAR_BUILD {
        rayon::join(
            || build(left_rows, ll, lh, la, levels - 1),
            || build(right_rows, rl, rh, ra, levels - 1),
        );
    } else {
        build(left_rows, ll, lh, la, levels - 1);
        build(right_rows, rl, rh, ra, levels - 1);
    }
}

/// Lanes of the leaf scan: keys are computed four at a time.
const LANES: usize = 4;

/// Writes the leaves (`levels` levels of halving of `rows`, numbered from `leaf`) into their
/// slots of `width` points, lanes of [`LANES`] points stored coordinate by coordinate: point `s`
/// of leaf `b` has coordinate `j` at `(b·width + s − s mod 4)·D + 4j + s mod 4` and index at
/// `b·width + s`. Unused slots keep their `+∞` coordinates and `u32::MAX` index.
fn fill_leaves<const D: usize>(
    rows: &[Row<D>],
    levels: u32,
    leaf: usize,
    width: usize,
    slots: &mut [f64],
    sidx: &mut [u32],
) {
    if levels > 0 {
        let mid = rows.len() / 2;
        fill_leaves(&rows[..mid], levels - 1, leaf, width, slots, sidx);
        let right = leaf + (1usize << (levels - 1));
        fill_leaves(&rows[mid..], levels - 1, right, width, slots, sidx);
        return;
    }
    for (s, r) in rows.iter().enumerate() {
        let base = (leaf * width + s - s % LANES) * D + s % LANES;
        for (j, &v) in r.p.iter().enumerate() {
            slots[base + LANES * j] = v;
        }
        sidx[leaf * width + s] = r.i;
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
        let levels = levels_for(rows.len(), leaf_cap(D));
        let nodes = (2usize << levels) - 1;
        let mut lo = vec![[0.0; D]; nodes];
        let mut hi = vec![[0.0; D]; nodes];
        let mut axis = vec![0u8; nodes];
        build(&mut rows, &mut lo, &mut hi, &mut axis, levels);
        let width = rows.len().div_ceil(1 << levels).next_multiple_of(LANES);
        let mut slots = vec![f64::INFINITY; (width << levels) * D];
        let mut sidx = vec![u32::MAX; width << levels];
        fill_leaves(&rows, levels, 0, width, &mut slots, &mut sidx);
        Tree {
            slots,
            sidx,
            width,
            pts: rows.iter().map(|r| r.p).collect(),
            idx: rows.iter().map(|r| r.i).collect(),
            lo,
            hi,
            axis,
            levels,
        }
    }

    /// Coordinates of the `t`-th point in tree order.
    #[inline(always)]
    fn point(&self, t: usize) -> [f64; D] {
        self.pts[t]
    }
}

/// The `cap` smallest keys offered to a query, with their reference indices: the search prunes
/// against [`Best::bound`]. Keys are offered one lane group at a time; a key is kept only if it
/// is strictly below the bound when offered (in offer order, so that ties at the bound keep the
/// first point visited) and its index is not the excluded one.
trait Best {
    /// The `cap`-th smallest key kept so far (`+∞` while fewer than `cap` keys were kept).
    fn bound(&self) -> f64;
    /// Offers the keys of one lane group (indices `ids`), in lane order.
    fn offer(&mut self, keys: &[f64; LANES], ids: &[u32], skip: u32);
    /// Appends the `cap` kept `(key, index)` pairs in increasing key order (unused slots:
    /// `(+∞, u32::MAX)`).
    fn collect(&self, out: &mut Vec<(f64, u32)>);
    /// Writes the `cap` kept pairs to a row, the keys as distances (`sqrt` of the Euclidean
    /// key, the Chebyshev key itself); `dist.len() = index.len() = cap`.
    fn write<const CHEB: bool>(&self, dist: &mut [f64], index: &mut [u32]);
}

/// A key as a distance.
#[inline(always)]
fn key_to_dist<const CHEB: bool>(key: f64) -> f64 {
    if CHEB { key } else { key.sqrt() }
}

/// The general list (any `cap`): a sorted vector, insertion by shifting.
struct Cands {
    items: Vec<(f64, u32)>,
    /// The last item's key (kept in a field: one load per test).
    bound: f64,
}

impl Cands {
    fn new(cap: usize) -> Cands {
        Cands {
            items: vec![(f64::INFINITY, u32::MAX); cap],
            bound: f64::INFINITY,
        }
    }
    fn reset(&mut self) {
        self.items.fill((f64::INFINITY, u32::MAX));
        self.bound = f64::INFINITY;
    }
    /// Inserts a key below [`Best::bound`] after the keys equal to it, dropping the largest.
    #[inline(always)]
    fn insert(&mut self, key: f64, j: u32) {
        let mut p = self.items.len() - 1;
        while p > 0 && self.items[p - 1].0 > key {
            self.items[p] = self.items[p - 1];
            p -= 1;
        }
        self.items[p] = (key, j);
        self.bound = self.items.last().map_or(f64::INFINITY, |c| c.0);
    }
}

impl Best for Cands {
    #[inline(always)]
    fn bound(&self) -> f64 {
        self.bound
    }
    #[inline(always)]
    fn offer(&mut self, keys: &[f64; LANES], ids: &[u32], skip: u32) {
        for (&key, &j) in keys.iter().zip(ids) {
            if key < self.bound() && j != skip {
                self.insert(key, j);
            }
        }
    }
    fn collect(&self, out: &mut Vec<(f64, u32)>) {
        out.extend_from_slice(&self.items);
    }
    #[inline(always)]
    fn write<const CHEB: bool>(&self, dist: &mut [f64], index: &mut [u32]) {
        for ((d, i), &(key, j)) in dist.iter_mut().zip(index.iter_mut()).zip(&self.items) {
            *d = key_to_dist::<CHEB>(key);
            *i = j;
        }
    }
}

/// Largest dimension that uses [`Small`]. In higher dimension the leaves are large and a lane
/// group that passes the bound test usually has a single key below the bound: the branchy
/// insertion of [`Cands`], which skips the others, is cheaper there (measured at `d = 10`,
/// `k = 5`, `n = 10⁵`: the branch-free list was ~10 % slower).
const SMALL_MAX_DIM: usize = 5;

/// Slots of [`Small`]: lists of up to this many neighbours (`k + 1 ≤ 8`, the usual case) use it.
const SMALL: usize = 8;

/// The list for `cap ≤` [`SMALL`]: a fixed array of [`SMALL`] sorted slots, of which the first
/// `cap` are the list, updated by a branch-free insertion (no data-dependent branch to
/// mispredict; the compiler turns it into vector minimum, maximum and blends). A key is
/// inserted after the keys equal to it, into all [`SMALL`] slots: slots past `cap` only ever
/// receive keys not below the bound, so the first `cap` slots are exactly those of [`Cands`]
/// given the same offers, and a key not below the bound (or an excluded one, offered as `+∞`)
/// leaves them unchanged — which is what lets a whole lane group be offered without a branch per
/// key.
#[derive(Clone, Copy)]
struct Small {
    keys: [f64; SMALL],
    /// Indices, as wide as the keys so that key comparisons can select them lane by lane.
    ids: [u64; SMALL],
    /// `cap − 1`.
    last: usize,
}

impl Small {
    fn new(cap: usize) -> Small {
        debug_assert!((1..=SMALL).contains(&cap));
        Small {
            keys: [f64::INFINITY; SMALL],
            ids: [u64::from(u32::MAX); SMALL],
            last: cap - 1,
        }
    }

    /// Branch-free sorted insertion: slot `p` becomes `max(keys[p − 1], min(keys[p], key))`
    /// (written as comparisons, which is the same for the non-NaN keys here), its index
    /// following the key it took.
    #[inline(always)]
    fn insert(&mut self, key: f64, j: u64) {
        let mut nk = [0.0; SMALL];
        let mut ni = [0u64; SMALL];
        for p in 0..SMALL {
            let (pk, pi) = if p == 0 {
                (f64::NEG_INFINITY, 0)
            } else {
                (self.keys[p - 1], self.ids[p - 1])
            };
            let (ck, ci) = (self.keys[p], self.ids[p]);
            let above = ck > key;
            let (lk, li) = if above { (key, j) } else { (ck, ci) };
            let shift = pk > key;
            nk[p] = if shift { pk } else { lk };
            ni[p] = if shift { pi } else { li };
        }
        self.keys = nk;
        self.ids = ni;
    }
}

impl Best for Small {
    #[inline(always)]
    fn bound(&self) -> f64 {
        self.keys[self.last]
    }
    #[inline(always)]
    fn offer(&mut self, keys: &[f64; LANES], ids: &[u32], skip: u32) {
        for (&key, &j) in keys.iter().zip(ids) {
            let key = if j == skip { f64::INFINITY } else { key };
            self.insert(key, u64::from(j));
        }
    }
    fn collect(&self, out: &mut Vec<(f64, u32)>) {
        out.extend(
            self.keys[..=self.last]
                .iter()
                .zip(&self.ids)
                .map(|(&k, &j)| (k, j as u32)),
        );
    }
    #[inline(always)]
    fn write<const CHEB: bool>(&self, dist: &mut [f64], index: &mut [u32]) {
        for ((d, i), (&k, &j)) in dist
            .iter_mut()
            .zip(index.iter_mut())
            .zip(self.keys.iter().zip(&self.ids))
        {
            *d = key_to_dist::<CHEB>(k);
            *i = j as u32;
        }
    }
}

/// One query's state.
struct Query<'t, const D: usize, const CHEB: bool> {
    tree: &'t Tree<D>,
    q: [f64; D],
    /// Reference index never reported (`u32::MAX`: none).
    skip: u32,
}

impl<const D: usize, const CHEB: bool> Query<'_, D, CHEB> {
    /// Lower bound of the key of any point in the box of `node`: the key of the nearest point
    /// of the box, accumulated like a key. Rounding is monotone, so for a point `r` in the box
    /// every rounded term `(q_j − r_j)²` is at least the rounded gap term, and so is every
    /// partial sum: the bound never exceeds a computed key (no slack needed).
    #[inline(always)]
    fn box_key(&self, node: usize) -> f64 {
        let (lo, hi) = (&self.tree.lo[node], &self.tree.hi[node]);
        let mut s = 0.0f64;
        for j in 0..D {
            let g = (lo[j] - self.q[j]).max(self.q[j] - hi[j]).max(0.0);
            if CHEB {
                s = s.max(g);
            } else {
                s += g * g;
            }
        }
        s
    }

    /// Keys of the points of leaf `leaf`, offered to the candidate list.
    #[inline(always)]
    fn scan_leaf<B: Best>(&self, c: &mut B, leaf: usize) {
        let t = self.tree;
        let w = t.width;
        let block = &t.slots[leaf * w * D..(leaf + 1) * w * D];
        let ids = &t.sidx[leaf * w..(leaf + 1) * w];
        for (lane, ids) in block.chunks_exact(LANES * D).zip(ids.chunks_exact(LANES)) {
            let mut keys = [0.0f64; LANES];
            for (&qj, v) in self.q.iter().zip(lane.chunks_exact(LANES)) {
                for (s, &v) in keys.iter_mut().zip(v) {
                    let u = qj - v;
                    if CHEB {
                        *s = s.max(u.abs());
                    } else {
                        *s += u * u;
                    }
                }
            }
            let bound = c.bound();
            if keys.iter().all(|&k| k >= bound) {
                continue;
            }
            c.offer(&keys, ids, self.skip);
        }
    }

    /// Depth-first search from the root with an explicit stack (so that the whole search is
    /// inlined into the caller's vectorised kernel): children in increasing box key, each only
    /// while its box key is below the current `cap`-th candidate key.
    #[inline(always)]
    fn search<B: Best>(&self, c: &mut B, stack: &mut [Pending; STACK]) {
        let t = self.tree;
        stack[0] = Pending {
            key: 0.0,
            node: 0,
            levels: t.levels,
            leaf: 0,
        };
        let mut top = 1;
        while top > 0 {
            top -= 1;
            let e = stack[top];
            if e.key >= c.bound() {
                continue;
            }
            let node = e.node as usize;
            if e.levels == 0 {
                self.scan_leaf(c, e.leaf as usize);
                continue;
            }
            let left = node + 1;
            let right = node + (1usize << e.levels);
            // The query's side of the split (the right child's smallest coordinate along the
            // split axis) is the near child; it inherits the parent's bound (its box lies in
            // the parent's), the far child gets its own box key.
            let a = t.axis[node] as usize;
            let go_left = self.q[a] < t.lo[right][a];
            let (kl, kr) = if go_left {
                (e.key, self.box_key(right))
            } else {
                (self.box_key(left), e.key)
            };
            let levels = e.levels - 1;
            let l = Pending {
                key: kl,
                node: left as u32,
                levels,
                leaf: e.leaf,
            };
            let r = Pending {
                key: kr,
                node: right as u32,
                levels,
                leaf: e.leaf + (1 << levels),
            };
            // The nearer child is pushed last, so it is visited first.
            let (near, far) = if go_left { (l, r) } else { (r, l) };
            let bound = c.bound();
            if far.key < bound {
                stack[top] = far;
                top += 1;
            }
            if near.key < bound {
                stack[top] = near;
                top += 1;
            }
        }
    }
}

/// A subtree waiting to be visited, with the box key of its root.
#[derive(Clone, Copy, Default)]
struct Pending {
    key: f64,
    node: u32,
    levels: u32,
    /// First leaf of the subtree.
    leaf: u32,
}

/// Stack capacity: at most one pending sibling per level plus the node being expanded
/// (`levels ≤ 32` for at most `2³²` points).
const STACK: usize = 40;

/// One search answered for every query: the tree searched, the exclusion, the list length.
struct Target<'a, 'c, const D: usize> {
    tree: &'a Tree<D>,
    ctx: &'a Ctx<'c>,
    /// Excluded reference index per query in query-tree order, skipped during the search
    /// (`None`: the exclusion, if any, is applied by [`Ctx::emit`] to `ctx.want` candidates).
    skips: Option<&'a [u32]>,
    /// Candidates kept per query: `ctx.width` with `skips`, else `ctx.want`.
    cap: usize,
    /// Offset of this target's output in a row of the block's buffers.
    offset: usize,
}

/// The queries of one parallel block, run as a [`Kernel`] (compiled for AVX2 when the CPU has
/// it; the same operations in the same order, so the same bits). Every query is answered for
/// every target in turn, and its rows are written at the target's offset of the block's rows
/// (`stride` values per query).
struct Block<'a, 'c, const D: usize, const CHEB: bool> {
    qtree: &'a Tree<D>,
    targets: &'a [Target<'a, 'c, D>],
    /// Tree position of the block's first query.
    start: usize,
    stride: usize,
    dist: &'a mut [f64],
    index: &'a mut [u32],
}

impl<const D: usize, const CHEB: bool> Block<'_, '_, D, CHEB> {
    /// Answers query `t` (tree position; block row `r`) for `target` with the list `c` (empty).
    #[inline(always)]
    #[allow(clippy::too_many_arguments)]
    fn answer<B: Best>(
        &mut self,
        target: &Target<'_, '_, D>,
        c: &mut B,
        stack: &mut [Pending; STACK],
        cand: &mut Vec<(f64, u32)>,
        t: usize,
        r: usize,
    ) {
        let query = Query::<D, CHEB> {
            tree: target.tree,
            q: self.qtree.point(t),
            skip: target.skips.map_or(u32::MAX, |s| s[t]),
        };
        query.search(c, stack);
        let w = target.ctx.width;
        let at = r * self.stride + target.offset;
        let drow = &mut self.dist[at..at + w];
        let irow = &mut self.index[at..at + w];
        // Rounding in sqrt can tie distinct keys: ties are ordered by index like the brute
        // force (rows are almost always in order already).
        let ordered = |x: &(f64, u32), y: &(f64, u32)| x.0 < y.0 || (x.0 == y.0 && x.1 <= y.1);
        if target.cap == w {
            // The list is the row (self excluded during the search, or no exclusion): written
            // directly from the list's own storage.
            c.write::<CHEB>(drow, irow);
            let sorted = (1..w).all(|s| ordered(&(drow[s - 1], irow[s - 1]), &(drow[s], irow[s])));
            if !sorted {
                cand.clear();
                cand.extend(drow.iter().copied().zip(irow.iter().copied()));
                cand.sort_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)));
                for (s, &(dd, j)) in cand.iter().enumerate() {
                    drow[s] = dd;
                    irow[s] = j;
                }
            }
        } else {
            cand.clear();
            c.collect(cand);
            if !CHEB {
                for x in cand.iter_mut() {
                    x.0 = x.0.sqrt();
                }
            }
            if !cand.is_sorted_by(ordered) {
                cand.sort_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)));
            }
            target
                .ctx
                .emit(self.qtree.idx[t] as usize, cand, drow, irow);
        }
    }
}

impl<const D: usize, const CHEB: bool> Kernel for Block<'_, '_, D, CHEB> {
    type Output = ();
    // AVX2 at most: compiled for AVX-512 by rustc 1.95.0 (LLVM 22.1.2), the Chebyshev key
    // `s = s.max((q_j − v).abs())` over 13 coordinates × 4 lanes came out wrong (too small;
    // 24 % of random leaves in a stand-alone reproduction, `f64::max` reduction turned into
    // gathers with a NaN fallback), and `both_backends_match_a_naive_search` failed at d = 13.
    const AVX512: bool = false;
    // No fused operations here: `run_fma` is `run`, inlined so that it is compiled with the
    // caller's features.
    #[inline(always)]
    fn run_fma(self) {
        self.run();
    }
    #[inline(always)]
    fn run(mut self) {
        let rows = self.dist.len() / self.stride;
        let targets = self.targets;
        let mut cand: Vec<(f64, u32)> = Vec::with_capacity(targets.iter().map(|g| g.cap).sum());
        let mut stack = [Pending::default(); STACK];
        // One target after the other over the block's queries: each pass works in one tree
        // (in high dimension the leaves near a block's queries fill the cache).
        for g in targets {
            if D <= SMALL_MAX_DIM && g.cap <= SMALL {
                for r in 0..rows {
                    let mut s = Small::new(g.cap);
                    self.answer(g, &mut s, &mut stack, &mut cand, self.start + r, r);
                }
            } else {
                let mut c = Cands::new(g.cap);
                for r in 0..rows {
                    c.reset();
                    self.answer(g, &mut c, &mut stack, &mut cand, self.start + r, r);
                }
            }
        }
    }
}

/// Answers every query of `qtree` for every target, in the tree's order and in parallel blocks,
/// and returns the lists of the targets: one buffer, rows in the tree's order. Progress is
/// reported to the first target's context (its `total` counts the rows of all targets).
fn answer_all<const D: usize, const CHEB: bool>(
    qtree: &Tree<D>,
    targets: &[Target<'_, '_, D>],
) -> Vec<NeighborLists> {
    let ctx = targets[0].ctx;
    let stride: usize = targets.iter().map(|g| g.ctx.width).sum();
    let nq = qtree.idx.len();
    let mut tmp_d = vec![0.0; nq * stride];
    let mut tmp_i = vec![0u32; nq * stride];
    tmp_d
        .par_chunks_mut(BLOCK * stride)
        .zip(tmp_i.par_chunks_mut(BLOCK * stride))
        .enumerate()
        .for_each(|(b, (dchunk, ichunk))| {
            if ctx.stopped() {
                return;
            }
            let rows = dchunk.len() / stride;
            vectorized(Block::<D, CHEB> {
                qtree,
                targets,
                start: b * BLOCK,
                stride,
                dist: dchunk,
                index: ichunk,
            });
            ctx.finished(rows * targets.len());
        });
    let mut pos = vec![0u32; nq];
    for (t, &qi) in qtree.idx.iter().enumerate() {
        pos[qi as usize] = t as u32;
    }
    let order = Arc::new(RowOrder {
        row_of: pos,
        query_of: qtree.idx.clone(),
    });
    let (dist, index) = (Arc::new(tmp_d), Arc::new(tmp_i));
    targets
        .iter()
        .map(|g| NeighborLists {
            width: g.ctx.width,
            len: nq,
            stride,
            offset: g.offset,
            dist: Arc::clone(&dist),
            index: Arc::clone(&index),
            order: Some(Arc::clone(&order)),
        })
        .collect()
}

/// The list length of a search: with an excluded index it is skipped during the search and
/// needs no slot.
fn cap_of(ctx: &Ctx<'_>) -> usize {
    match ctx.exclude {
        Exclude::Index(_) => ctx.width,
        _ => ctx.want,
    }
}

fn run<const D: usize, const CHEB: bool>(
    reference: Points<'_>,
    queries: Points<'_>,
    ctx: &Ctx<'_>,
) -> Result<NeighborLists> {
    let cap = cap_of(ctx);
    if cap == 0 {
        return Ok(NeighborLists::in_order(0, Vec::new(), Vec::new()));
    }
    // Queries are answered in tree order (of the reference when the queries are the reference
    // sample, else of a tree built on the queries), their coordinates read from that tree's
    // column storage: consecutive queries are close, so they walk the same cells while those
    // are in cache. The lists keep that row order (see `NeighborLists`).
    let same = std::ptr::eq(queries.data(), reference.data());
    let (tree, qtree_own) = if same {
        (Tree::<D>::new(reference), None)
    } else {
        let (t, q) = rayon::join(|| Tree::<D>::new(reference), || Tree::<D>::new(queries));
        (t, Some(q))
    };
    let qtree = qtree_own.as_ref().unwrap_or(&tree);
    // The excluded reference index of each query, in query-tree order (gathered here in one
    // pass rather than one cache miss per query inside the search).
    let skips: Option<Vec<u32>> = match ctx.exclude {
        Exclude::Index(ix) => Some(qtree.idx.iter().map(|&qi| ix[qi as usize] as u32).collect()),
        _ => None,
    };
    let target = Target {
        tree: &tree,
        ctx,
        skips: skips.as_deref(),
        cap,
        offset: 0,
    };
    let mut lists = answer_all::<D, CHEB>(qtree, &[target]);
    Ok(lists.swap_remove(0))
}

/// Both searches of the KL estimators (see [`super::k_nearest_pair`]): the tree of `x` is built
/// once, serves as the reference of the `x → x` search and orders the queries of both.
fn run_pair<const D: usize, const CHEB: bool>(
    x: Points<'_>,
    y: Points<'_>,
    cx: &Ctx<'_>,
    cy: &Ctx<'_>,
) -> Result<(NeighborLists, NeighborLists)> {
    let (tx, ty) = rayon::join(|| Tree::<D>::new(x), || Tree::<D>::new(y));
    // x → x excludes the query itself: in x's tree order, query t is reference point idx[t].
    let targets = [
        Target {
            tree: &tx,
            ctx: cx,
            skips: Some(&tx.idx),
            cap: cx.width,
            offset: 0,
        },
        Target {
            tree: &ty,
            ctx: cy,
            skips: None,
            cap: cap_of(cy),
            offset: cx.width,
        },
    ];
    let mut lists = answer_all::<D, CHEB>(&tx, &targets);
    let ly = lists.swap_remove(1);
    let lx = lists.swap_remove(0);
    Ok((lx, ly))
}

/// [`super::k_nearest_pair`] on the kd-tree: `cx` describes the `x → x` search (self excluded),
/// `cy` the `x → y` one (no exclusion or [`Exclude::ZeroDistance`]).
pub(crate) fn search_pair(
    x: Points<'_>,
    y: Points<'_>,
    cx: &Ctx<'_>,
    cy: &Ctx<'_>,
) -> Result<(NeighborLists, NeighborLists)> {
    macro_rules! dispatch {
        ($($d:literal)*) => {
            match x.dim() {
                $($d => match cx.metric {
                    Metric::Euclidean => run_pair::<$d, false>(x, y, cx, cy),
                    Metric::Chebyshev => run_pair::<$d, true>(x, y, cx, cy),
                },)*
                _ => Ok((brute(x, x, cx)?, brute(y, x, cy)?)),
            }
        };
    }
    dispatch!(1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_leaf_is_small_and_the_shape_is_balanced() {
        for (n, leaf) in [1usize, 2, 12, 13, 24, 25, 1000, 100_003]
            .into_iter()
            .flat_map(|n| [(n, LEAF_MIN), (n, leaf_cap(10))])
        {
            let h = levels_for(n, leaf);
            assert!(n.div_ceil(1 << h) <= leaf, "{n}");
            assert!(h == 0 || n.div_ceil(1 << (h - 1)) > leaf, "{n}");
        }
    }
}
