//! Exact k-nearest-neighbour search: a balanced kd-tree (const-generic dimension, no allocation
//! per query) for low dimension and a blocked brute force (matrix products through [`faer`]) for
//! high dimension.
//!
//! [`k_nearest`] returns, for every query point, the distances and indices of its `width`
//! nearest reference points in increasing distance. Both backends are exact: the brute force
//! uses `‖q − r‖² = ‖q‖² + ‖r‖² − 2 q·r` only to *select* candidates (with a safety margin of
//! [`BRUTE_MARGIN`] extra candidates per query) and recomputes the reported distances
//! directly as `sqrt(Σ (q_j − r_j)²)`, so the two backends agree to the last bits up to the
//! order of the additions (ties may be listed in a different order; tied distances are equal).
//!
//! ## Choice of backend
//!
//! [`Backend::Auto`] uses the kd-tree for `d ≤` [`KDTREE_MAX_DIM`] and the brute force above.
//! The crossover was measured with `cargo run --release --example bench_estimate -- crossover`
//! (2-core machine, `n = m = 2·10⁴`, `k = 5`, uniform samples; re-measured with the current
//! kd-tree: it is faster up to `d = 14` (2.07 s vs 2.49 s), the two tie at `d = 16`); see
//! `bench/estimate.md`. At larger `n` the kd-tree's advantage grows (its cost grows more slowly
//! than the brute force's `n²`). A kd-tree prunes well
//! while `2^d ≪ n`; in higher dimension it visits most leaves and the matrix-product brute
//! force, which runs at near-peak floating-point throughput, wins.
//!
//! ## Parallelism and progress
//!
//! Query rows are processed in parallel on the rayon thread pool, in blocks. After every block
//! the progress callback is called **from the worker thread that finished it**, which is why
//! the callback type is [`ProgressFn`] (`Fn + Sync`) rather than `FnMut`: keep state in atomics
//! or a `Mutex` (the CLI forwards to an `indicatif` bar, which is `Sync`). Returning
//! [`ControlFlow::Break`] stops the search at the next block boundary with
//! [`Error::Cancelled`]. Blocks finish in any order; `done` counts
//! finished query rows and never decreases from the point of view of one caller.

mod brute;
mod kdtree;

use super::points::Points;
use crate::error::{Error, Result};
use std::fmt;
use std::ops::ControlFlow;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// The largest dimension for which [`Backend::Auto`] uses the kd-tree (measured crossover).
pub const KDTREE_MAX_DIM: usize = 14;

/// Extra candidates the brute force keeps per query beyond those needed, to absorb the
/// rounding of the matrix-product distances before the exact recomputation.
pub const BRUTE_MARGIN: usize = 8;

/// The distance between points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Metric {
    /// `‖a − b‖₂ = sqrt(Σ_j (a_j − b_j)²)`; the unit ball has volume `π^{d/2} / Γ(d/2 + 1)`.
    /// The default.
    #[default]
    Euclidean,
    /// `‖a − b‖_∞ = max_j |a_j − b_j|`; the unit ball is the cube `[−1, 1]^d`, volume `2^d`.
    Chebyshev,
}

impl Metric {
    /// `ln` of the volume of the unit ball in `ℝ^d`: `(d/2) ln π − ln Γ(d/2 + 1)` (Euclidean)
    /// or `d ln 2` (Chebyshev).
    ///
    /// ```
    /// use kldiv::estimate::Metric;
    /// // The unit disc has area π; the unit square-ball [-1, 1]² has area 4.
    /// assert!((Metric::Euclidean.ln_unit_ball_volume(2) - std::f64::consts::PI.ln()).abs() < 1e-15);
    /// assert!((Metric::Chebyshev.ln_unit_ball_volume(2) - 4f64.ln()).abs() < 1e-15);
    /// ```
    pub fn ln_unit_ball_volume(self, d: usize) -> f64 {
        let d = d as f64;
        match self {
            Metric::Euclidean => 0.5 * d * std::f64::consts::PI.ln() - libm::lgamma(0.5 * d + 1.0),
            Metric::Chebyshev => d * std::f64::consts::LN_2,
        }
    }

    /// Parses `euclidean` (`l2`) or `chebyshev` (`linf`, `max`).
    ///
    /// ```
    /// use kldiv::estimate::Metric;
    /// assert_eq!(Metric::parse("linf").unwrap(), Metric::Chebyshev);
    /// assert!(Metric::parse("manhattan").is_err());
    /// ```
    pub fn parse(s: &str) -> Result<Metric> {
        match s.trim().to_ascii_lowercase().as_str() {
            "euclidean" | "l2" => Ok(Metric::Euclidean),
            "chebyshev" | "linf" | "max" => Ok(Metric::Chebyshev),
            _ => Err(Error::InvalidParameter {
                name: "metric",
                value: f64::NAN,
                reason: "expected euclidean or chebyshev",
            }),
        }
    }

    /// Exact distance between two points of the same dimension.
    #[inline]
    pub(crate) fn dist(self, a: &[f64], b: &[f64]) -> f64 {
        match self {
            Metric::Euclidean => {
                let mut s = 0.0;
                for (x, y) in a.iter().zip(b) {
                    let t = x - y;
                    s += t * t;
                }
                s.sqrt()
            }
            Metric::Chebyshev => {
                let mut s: f64 = 0.0;
                for (x, y) in a.iter().zip(b) {
                    s = s.max((x - y).abs());
                }
                s
            }
        }
    }
}

impl fmt::Display for Metric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Metric::Euclidean => "euclidean",
            Metric::Chebyshev => "chebyshev",
        })
    }
}

/// Which search structure to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Backend {
    /// kd-tree for `d ≤` [`KDTREE_MAX_DIM`], brute force above. The default.
    #[default]
    Auto,
    /// Always the kd-tree (available for `d ≤ 16`; above, the brute force is used).
    KdTree,
    /// Always the blocked brute force.
    BruteForce,
}

/// What a progress callback sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// What is running (`"neighbours x→x"`, `"neighbours x→y"`, `"bootstrap"`, ...).
    pub stage: &'static str,
    /// Units of work finished (query rows, or bootstrap replicates).
    pub done: usize,
    /// Units of work in this stage.
    pub total: usize,
}

/// A progress callback: called from rayon worker threads, hence `Fn + Sync`. Return
/// [`ControlFlow::Break`] to cancel.
pub type ProgressFn<'a> = dyn Fn(&Progress) -> ControlFlow<()> + Sync + 'a;

/// A callback that never cancels.
pub fn no_progress(_: &Progress) -> ControlFlow<()> {
    ControlFlow::Continue(())
}

/// Which reference points a query must not count as its neighbours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exclude<'a> {
    /// No exclusion (queries and reference are different samples).
    None,
    /// Query `q` excludes reference point `indices[q]` (its own copy when the queries are the
    /// reference sample, or a subset of it).
    Index(&'a [usize]),
    /// Exclude one reference point at distance exactly 0 from the query, if there is one
    /// (meant for a reference sample of distinct points).
    ZeroDistance,
}

/// Sorted neighbour lists: `width` entries per query.
///
/// Internally the rows may be stored in another order than the queries' (the kd-tree stores
/// them in its tree order, and the two lists of the KL estimators' paired search share one
/// buffer), which saves a pass that would reorder them; the accessors hide this.
#[derive(Debug, Clone)]
pub struct NeighborLists {
    width: usize,
    len: usize,
    /// Values per stored row (`≥ width`) and position of this list's entries in a row.
    stride: usize,
    offset: usize,
    dist: Arc<Vec<f64>>,
    index: Arc<Vec<u32>>,
    /// The storage order (`None`: query order).
    order: Option<Arc<RowOrder>>,
}

/// A storage order of the rows of [`NeighborLists`].
#[derive(Debug)]
pub(crate) struct RowOrder {
    /// Stored row of each query.
    pub(crate) row_of: Vec<u32>,
    /// Query of each stored row.
    pub(crate) query_of: Vec<u32>,
}

impl NeighborLists {
    /// Lists stored row-major in query order.
    pub(crate) fn in_order(width: usize, dist: Vec<f64>, index: Vec<u32>) -> NeighborLists {
        NeighborLists {
            width,
            len: dist.len().checked_div(width).unwrap_or(0),
            stride: width,
            offset: 0,
            dist: Arc::new(dist),
            index: Arc::new(index),
            order: None,
        }
    }
    /// Number of neighbours per query.
    pub fn width(&self) -> usize {
        self.width
    }
    /// Number of queries.
    pub fn len(&self) -> usize {
        self.len
    }
    /// `true` if there are no queries.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
    /// The stored row of query `q`.
    #[inline]
    pub(crate) fn row(&self, q: usize) -> usize {
        assert!(q < self.len, "query {q} out of range");
        self.order.as_ref().map_or(q, |o| o.row_of[q] as usize)
    }
    /// The query of every stored row, if the rows are not stored in query order.
    pub(crate) fn query_of_rows(&self) -> Option<&[u32]> {
        self.order.as_deref().map(|o| o.query_of.as_slice())
    }
    /// `true` if both lists store their rows in the same order.
    pub(crate) fn same_order(&self, other: &NeighborLists) -> bool {
        match (&self.order, &other.order) {
            (None, None) => self.len == other.len,
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            _ => false,
        }
    }
    /// Distances of stored row `row`.
    #[inline]
    pub(crate) fn dist_row(&self, row: usize) -> &[f64] {
        let a = row * self.stride + self.offset;
        &self.dist[a..a + self.width]
    }
    /// Indices of stored row `row`.
    #[inline]
    pub(crate) fn indices_row(&self, row: usize) -> &[u32] {
        let a = row * self.stride + self.offset;
        &self.index[a..a + self.width]
    }
    /// Distances of the neighbours of query `q`, increasing.
    pub fn dist(&self, q: usize) -> &[f64] {
        self.dist_row(self.row(q))
    }
    /// Reference indices of the neighbours of query `q`, in the order of [`Self::dist`].
    pub fn indices(&self, q: usize) -> &[u32] {
        self.indices_row(self.row(q))
    }
}

/// Equal lists: the same width, number of queries and rows (whatever the storage order).
impl PartialEq for NeighborLists {
    fn eq(&self, other: &Self) -> bool {
        self.width == other.width
            && self.len == other.len
            && (0..self.len)
                .all(|q| self.dist(q) == other.dist(q) && self.indices(q) == other.indices(q))
    }
}

/// The `width` nearest reference points of every query point, excluding per `exclude`.
///
/// # Errors
/// [`Error::InvalidParameter`] if `width = 0`, if the reference has fewer than `width` points
/// left after the exclusion or more than `u32::MAX` points, or if the dimensions differ;
/// [`Error::Cancelled`] if the callback breaks.
///
/// ```
/// use kldiv::estimate::{neighbors::{k_nearest, no_progress, Backend, Exclude}, Metric, Points};
/// let r = [0.0, 1.0, 3.0, 7.0];
/// let pts = Points::new(&r, 1);
/// let own = [0, 1, 2, 3];
/// let nn = k_nearest(pts, pts, 2, Exclude::Index(&own), Metric::Euclidean, Backend::Auto, &no_progress)
///     .unwrap();
/// assert_eq!(nn.dist(0), &[1.0, 3.0]);
/// assert_eq!(nn.indices(3), &[2, 1]);
/// ```
pub fn k_nearest(
    reference: Points<'_>,
    queries: Points<'_>,
    width: usize,
    exclude: Exclude<'_>,
    metric: Metric,
    backend: Backend,
    progress: &ProgressFn<'_>,
) -> Result<NeighborLists> {
    check(reference, queries, width, exclude)?;
    // Ask for one more when something may be excluded.
    let excluded = usize::from(!matches!(exclude, Exclude::None));
    let want = width + excluded;
    let nq = queries.len();
    let ctx = Ctx {
        width,
        want,
        exclude,
        metric,
        progress,
        stop: AtomicBool::new(false),
        done: AtomicUsize::new(0),
        total: nq,
    };
    let lists = if use_tree(backend, reference.dim()) {
        kdtree::search(reference, queries, &ctx)?
    } else {
        let mut dist = vec![0.0; nq * width];
        let mut index = vec![0u32; nq * width];
        brute::search(reference, queries, &ctx, &mut dist, &mut index)?;
        NeighborLists::in_order(width, dist, index)
    };
    if ctx.stop.load(Ordering::Relaxed) {
        return Err(Error::Cancelled {
            stage: "neighbour search",
        });
    }
    Ok(lists)
}

/// Whether `backend` searches in dimension `d` with the kd-tree.
fn use_tree(backend: Backend, d: usize) -> bool {
    match backend {
        Backend::Auto => d <= KDTREE_MAX_DIM,
        Backend::KdTree => d <= kdtree::MAX_DIM,
        Backend::BruteForce => false,
    }
}

/// The argument checks of [`k_nearest`].
fn check(
    reference: Points<'_>,
    queries: Points<'_>,
    width: usize,
    exclude: Exclude<'_>,
) -> Result<()> {
    let d = reference.dim();
    if d == 0 || d != queries.dim() {
        return Err(Error::InvalidParameter {
            name: "dim",
            value: queries.dim() as f64,
            reason: "queries and reference must have the same dimension >= 1",
        });
    }
    let n_ref = reference.len();
    let excluded = usize::from(!matches!(exclude, Exclude::None));
    if width == 0 || n_ref < width + excluded {
        return Err(Error::InvalidParameter {
            name: "width",
            value: width as f64,
            reason: "needs 1 <= width <= number of reference points (minus the excluded one)",
        });
    }
    if n_ref > u32::MAX as usize {
        return Err(Error::InvalidParameter {
            name: "n",
            value: n_ref as f64,
            reason: "neighbour search supports at most 2^32 - 1 reference points",
        });
    }
    if let Exclude::Index(ix) = exclude {
        if ix.len() != queries.len() {
            return Err(Error::InvalidParameter {
                name: "exclude",
                value: ix.len() as f64,
                reason: "one excluded index per query is needed",
            });
        }
    }
    Ok(())
}

/// The two searches of the KL estimators at once: for every point of `x`, its `wx` nearest
/// other points of `x` (itself excluded) and its `wy` nearest points of `y` (excluding per
/// `exclude_y`, [`Exclude::None`] or [`Exclude::ZeroDistance`]). The same lists as
/// `k_nearest(x, x, wx, Exclude::Index(&(0..n)), ..)` and `k_nearest(y, x, wy, exclude_y, ..)`;
/// with the kd-tree, the tree of `x` is built once (the reference of the first search and the
/// query order of both) and every query runs both searches while its data are in cache.
/// Progress is reported as one stage of `2n` rows.
///
/// # Errors
/// As [`k_nearest`].
#[allow(clippy::too_many_arguments)]
pub(crate) fn k_nearest_pair(
    x: Points<'_>,
    y: Points<'_>,
    wx: usize,
    wy: usize,
    exclude_y: Exclude<'_>,
    metric: Metric,
    backend: Backend,
    progress: &ProgressFn<'_>,
) -> Result<(NeighborLists, NeighborLists)> {
    let n = x.len();
    let own: Vec<usize> = (0..n).collect();
    let tree = use_tree(backend, x.dim());
    if !tree || matches!(exclude_y, Exclude::Index(_)) {
        let a = k_nearest(x, x, wx, Exclude::Index(&own), metric, backend, progress)?;
        let b = k_nearest(y, x, wy, exclude_y, metric, backend, progress)?;
        return Ok((a, b));
    }
    check(x, x, wx, Exclude::Index(&own))?;
    check(y, x, wy, exclude_y)?;
    let cx = Ctx {
        width: wx,
        want: wx + 1,
        exclude: Exclude::Index(&own),
        metric,
        progress,
        stop: AtomicBool::new(false),
        done: AtomicUsize::new(0),
        total: 2 * n,
    };
    let cy = Ctx {
        width: wy,
        want: wy + usize::from(!matches!(exclude_y, Exclude::None)),
        exclude: exclude_y,
        metric,
        progress,
        stop: AtomicBool::new(false),
        done: AtomicUsize::new(0),
        total: n,
    };
    let lists = kdtree::search_pair(x, y, &cx, &cy)?;
    if cx.stop.load(Ordering::Relaxed) {
        return Err(Error::Cancelled {
            stage: "neighbour search",
        });
    }
    Ok(lists)
}

/// Shared state of one search.
pub(crate) struct Ctx<'a> {
    pub(crate) width: usize,
    pub(crate) want: usize,
    pub(crate) exclude: Exclude<'a>,
    pub(crate) metric: Metric,
    pub(crate) progress: &'a ProgressFn<'a>,
    pub(crate) stop: AtomicBool,
    pub(crate) done: AtomicUsize,
    pub(crate) total: usize,
}

impl Ctx<'_> {
    /// Records `rows` finished query rows and calls the callback; `false` means stop.
    pub(crate) fn finished(&self, rows: usize) -> bool {
        let done = self.done.fetch_add(rows, Ordering::Relaxed) + rows;
        let p = Progress {
            stage: "neighbour search",
            done,
            total: self.total,
        };
        if (self.progress)(&p).is_break() {
            self.stop.store(true, Ordering::Relaxed);
        }
        !self.stopped()
    }

    pub(crate) fn stopped(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }

    /// Writes the `want` sorted candidates `(dist, index)` of query `q` into the output row,
    /// applying the exclusion.
    pub(crate) fn emit(&self, q: usize, cand: &[(f64, u32)], dist: &mut [f64], index: &mut [u32]) {
        let skip: Option<usize> = match self.exclude {
            Exclude::None => None,
            Exclude::Index(ix) => Some(
                cand.iter()
                    .position(|&(_, j)| j as usize == ix[q])
                    .unwrap_or(cand.len().saturating_sub(1)),
            ),
            Exclude::ZeroDistance => Some(if cand.first().is_some_and(|c| c.0 == 0.0) {
                0
            } else {
                cand.len().saturating_sub(1)
            }),
        };
        let mut o = 0;
        for (t, &(dd, j)) in cand.iter().enumerate() {
            if Some(t) == skip || o == self.width {
                continue;
            }
            dist[o] = dd;
            index[o] = j;
            o += 1;
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    fn naive(
        r: Points<'_>,
        q: Points<'_>,
        width: usize,
        self_ex: bool,
        metric: Metric,
    ) -> Vec<Vec<f64>> {
        (0..q.len())
            .map(|i| {
                let mut d: Vec<f64> = (0..r.len())
                    .filter(|&j| !(self_ex && j == i))
                    .map(|j| metric.dist(q.row(i), r.row(j)))
                    .collect();
                d.sort_by(f64::total_cmp);
                d.truncate(width);
                d
            })
            .collect()
    }

    #[test]
    fn both_backends_match_a_naive_search() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        for d in [1usize, 2, 3, 7, 13, 20] {
            let n = 300;
            let r: Vec<f64> = (0..n * d)
                .map(|_| rng.random::<f64>() * 10.0 - 5.0)
                .collect();
            let q: Vec<f64> = (0..150 * d)
                .map(|_| rng.random::<f64>() * 10.0 - 5.0)
                .collect();
            let (rp, qp) = (Points::new(&r, d), Points::new(&q, d));
            let own: Vec<usize> = (0..n).collect();
            for metric in [Metric::Euclidean, Metric::Chebyshev] {
                let want_self = naive(rp, rp, 6, true, metric);
                let want_cross = naive(rp, qp, 6, false, metric);
                for backend in [Backend::KdTree, Backend::BruteForce] {
                    let s = k_nearest(
                        rp,
                        rp,
                        6,
                        Exclude::Index(&own),
                        metric,
                        backend,
                        &no_progress,
                    )
                    .unwrap();
                    let c =
                        k_nearest(rp, qp, 6, Exclude::None, metric, backend, &no_progress).unwrap();
                    for (i, w) in want_self.iter().enumerate() {
                        for (a, b) in s.dist(i).iter().zip(w) {
                            assert!(
                                (a - b).abs() <= 1e-14 * b.max(1.0),
                                "{d} {metric} {backend:?}"
                            );
                        }
                        assert!(!s.indices(i).contains(&(i as u32)));
                        for (t, &j) in s.indices(i).iter().enumerate() {
                            let e = metric.dist(rp.row(i), rp.row(j as usize));
                            assert!((e - s.dist(i)[t]).abs() <= 1e-14 * e.max(1.0));
                        }
                    }
                    for (i, w) in want_cross.iter().enumerate() {
                        for (a, b) in c.dist(i).iter().zip(w) {
                            assert!(
                                (a - b).abs() <= 1e-14 * b.max(1.0),
                                "{d} {metric} {backend:?}"
                            );
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn kd_tree_and_brute_force_give_bit_identical_distances_on_a_grid_with_ties() {
        // Integer grids: many exactly tied distances, and enough points for a deep tree.
        for (d, side) in [(2usize, 40usize), (3, 12)] {
            let n = side.pow(d as u32);
            let mut pts = Vec::with_capacity(n * d);
            for i in 0..n {
                let mut r = i;
                for _ in 0..d {
                    pts.push((r % side) as f64 * 0.5);
                    r /= side;
                }
            }
            let q: Vec<f64> = pts.iter().map(|v| v + 0.125).collect();
            let (rp, qp) = (Points::new(&pts, d), Points::new(&q, d));
            let own: Vec<usize> = (0..n).collect();
            for metric in [Metric::Euclidean, Metric::Chebyshev] {
                for (queries, ex) in [(rp, Exclude::Index(&own)), (qp, Exclude::None)] {
                    let run = |backend| {
                        k_nearest(rp, queries, 9, ex, metric, backend, &no_progress).unwrap()
                    };
                    let (a, b) = (run(Backend::KdTree), run(Backend::BruteForce));
                    for i in 0..n {
                        let (x, y) = (a.dist(i), b.dist(i));
                        assert!(
                            x.iter().zip(y).all(|(u, v)| u.to_bits() == v.to_bits()),
                            "d = {d} {metric} query {i}: {x:?} vs {y:?}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn pair_search_gives_the_lists_of_two_searches() {
        // Grids with many tied distances, duplicates within x and points of x repeated in y,
        // lists of both list kinds (up to 8 candidates, and longer).
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        for d in [1usize, 2, 3, 5] {
            let n = 700;
            let m = 500;
            let x: Vec<f64> = (0..n * d)
                .map(|_| f64::from(rng.random_range(0..9u8)) * 0.25)
                .collect();
            let mut y: Vec<f64> = (0..m * d)
                .map(|_| f64::from(rng.random_range(0..9u8)) * 0.25 + 0.125)
                .collect();
            y[..10 * d].copy_from_slice(&x[..10 * d]);
            let (xp, yp) = (Points::new(&x, d), Points::new(&y, d));
            let own: Vec<usize> = (0..n).collect();
            for metric in [Metric::Euclidean, Metric::Chebyshev] {
                for (wx, wy) in [(5usize, 5usize), (7, 3), (1, 1), (12, 20)] {
                    for ey in [Exclude::None, Exclude::ZeroDistance] {
                        let (a, b) = k_nearest_pair(
                            xp,
                            yp,
                            wx,
                            wy,
                            ey,
                            metric,
                            Backend::KdTree,
                            &no_progress,
                        )
                        .unwrap();
                        let run = |r, w, ex, backend| {
                            k_nearest(r, xp, w, ex, metric, backend, &no_progress).unwrap()
                        };
                        let a1 = run(xp, wx, Exclude::Index(&own), Backend::KdTree);
                        let b1 = run(yp, wy, ey, Backend::KdTree);
                        assert_eq!(a, a1, "d = {d} {metric} x");
                        assert_eq!(b, b1, "d = {d} {metric} y");
                        let a2 = run(xp, wx, Exclude::Index(&own), Backend::BruteForce);
                        let b2 = run(yp, wy, ey, Backend::BruteForce);
                        let bits = |v: &[f64]| v.iter().map(|z| z.to_bits()).collect::<Vec<_>>();
                        for i in 0..n {
                            assert_eq!(bits(a.dist(i)), bits(a2.dist(i)), "d = {d} {metric} {i}");
                            assert_eq!(bits(b.dist(i)), bits(b2.dist(i)), "d = {d} {metric} {i}");
                            assert!(!a.indices(i).contains(&(i as u32)));
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn zero_distance_exclusion_and_cancellation() {
        let r = [0.0, 1.0, 2.0, 4.0];
        let q = [1.0, 3.0];
        let (rp, qp) = (Points::new(&r, 1), Points::new(&q, 1));
        for backend in [Backend::KdTree, Backend::BruteForce] {
            let nn = k_nearest(
                rp,
                qp,
                2,
                Exclude::ZeroDistance,
                Metric::Euclidean,
                backend,
                &no_progress,
            )
            .unwrap();
            assert_eq!(nn.dist(0), &[1.0, 1.0]);
            assert_eq!(nn.dist(1), &[1.0, 1.0]);
            let stop = |_: &Progress| ControlFlow::Break(());
            assert_eq!(
                k_nearest(rp, qp, 2, Exclude::None, Metric::Euclidean, backend, &stop),
                Err(Error::Cancelled {
                    stage: "neighbour search"
                })
            );
        }
        assert!(
            k_nearest(
                rp,
                qp,
                5,
                Exclude::None,
                Metric::Euclidean,
                Backend::Auto,
                &no_progress
            )
            .is_err()
        );
        assert!(
            k_nearest(
                rp,
                qp,
                0,
                Exclude::None,
                Metric::Euclidean,
                Backend::Auto,
                &no_progress
            )
            .is_err()
        );
    }
}
