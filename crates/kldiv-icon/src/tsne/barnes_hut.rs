//! The Barnes–Hut approximation of the t-SNE gradient in two dimensions (van der Maaten 2014).
//!
//! The gradient splits into attraction and repulsion,
//! `∂C/∂y_i = 4 (F_attr,i − F_rep,i)`, with
//!
//! ```text
//! F_attr,i = Σ_j p_ij w_ij (y_i − y_j),     F_rep,i = Σ_j w_ij² (y_i − y_j) / Z,
//! w_ij = (1 + ‖y_i − y_j‖²)^{−1},           Z = Σ_{k≠l} w_kl.
//! ```
//!
//! The attraction runs over the stored entries of the sparse `P` (exact, `O(n·k)`). The
//! repulsion and `Z` come from a quadtree over the embedding: a cell of side `r` whose centre
//! of mass `ȳ` (holding `N` points) satisfies `r / ‖y_i − ȳ‖ < θ` stands for its points,
//! contributing `N w² (y_i − ȳ)` and `N w` with `w = (1 + ‖y_i − ȳ‖²)^{−1}`. The paper states
//! the criterion with the cell's diagonal; this module uses the side, as van der Maaten's
//! reference code and scikit-learn do (the diagonal criterion at θ equals the side criterion
//! at θ/√2). `θ = 0` visits every point and is exact up to rounding.
//!
//! Each point's traversal is independent (rows in parallel); the per-point sums are added in
//! index order, so the result does not depend on the number of threads.

use super::gradient::{MIN_ROWS, check_embedding};
use crate::affinity::Affinity;
use crate::{IconError, Result};
use rayon::prelude::*;

/// Points per leaf before a cell is split.
const LEAF_SIZE: usize = 8;
/// Depth at which cells stop splitting (coincident points stay together in one leaf).
const MAX_DEPTH: usize = 48;
/// No child, in [`Node::child`].
const NONE: u32 = u32::MAX;

#[derive(Debug, Clone, Copy)]
struct Node {
    /// Centre of mass.
    com: [f64; 2],
    /// Number of points.
    count: f64,
    /// Squared side of the cell.
    side2: f64,
    /// First child (children are contiguous) or [`NONE`] for a leaf.
    child: u32,
    /// Number of children.
    n_child: u32,
    /// Range of the cell's points in the permuted arrays.
    start: u32,
    end: u32,
}

impl Node {
    /// An empty leaf over the points `start..end` (statistics filled in later).
    fn leaf(start: u32, end: u32) -> Node {
        Node {
            com: [0.0; 2],
            count: 0.0,
            side2: 0.0,
            child: NONE,
            n_child: 0,
            start,
            end,
        }
    }
}

/// A quadtree over 2-D points, stored as a flat array of nodes (root first).
#[derive(Debug, Clone)]
pub(crate) struct QuadTree {
    nodes: Vec<Node>,
    pts: Vec<[f64; 2]>,
    idx: Vec<u32>,
}

impl QuadTree {
    /// Builds the tree over the row-major `n × 2` coordinates `y`.
    pub(crate) fn new(y: &[f64]) -> Self {
        let n = y.len() / 2;
        let mut pts: Vec<[f64; 2]> = y.chunks_exact(2).map(|c| [c[0], c[1]]).collect();
        let mut idx: Vec<u32> = (0..n as u32).collect();
        let (mut lo, mut hi) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
        for p in &pts {
            for k in 0..2 {
                lo[k] = lo[k].min(p[k]);
                hi[k] = hi[k].max(p[k]);
            }
        }
        let side = (hi[0] - lo[0]).max(hi[1] - lo[1]).max(1e-300) * (1.0 + 1e-9);
        let mut tree = QuadTree {
            nodes: Vec::with_capacity(2 * n / LEAF_SIZE + 16),
            pts: Vec::new(),
            idx: Vec::new(),
        };
        tree.nodes.push(Node::leaf(0, n as u32));
        tree.fill(0, &mut pts, &mut idx, 0, lo, side, 0);
        tree.pts = pts;
        tree.idx = idx;
        tree
    }

    #[allow(clippy::too_many_arguments)]
    fn fill(
        &mut self,
        node: usize,
        pts: &mut [[f64; 2]],
        idx: &mut [u32],
        offset: usize,
        corner: [f64; 2],
        side: f64,
        depth: usize,
    ) {
        let m = pts.len();
        let mut com = [0.0; 2];
        for p in pts.iter() {
            com[0] += p[0];
            com[1] += p[1];
        }
        let inv = 1.0 / m as f64;
        self.nodes[node].com = [com[0] * inv, com[1] * inv];
        self.nodes[node].count = m as f64;
        self.nodes[node].side2 = side * side;
        self.nodes[node].start = offset as u32;
        self.nodes[node].end = (offset + m) as u32;
        if m <= LEAF_SIZE || depth >= MAX_DEPTH {
            return;
        }
        let half = 0.5 * side;
        let mid = [corner[0] + half, corner[1] + half];
        // Partition by y, then each half by x: quadrants (x<,y<), (x≥,y<), (x<,y≥), (x≥,y≥).
        let split_y = partition(pts, idx, |p| p[1] < mid[1]);
        let (lower, upper) = pts.split_at_mut(split_y);
        let (ilower, iupper) = idx.split_at_mut(split_y);
        let sx_low = partition(lower, ilower, |p| p[0] < mid[0]);
        let sx_up = partition(upper, iupper, |p| p[0] < mid[0]);
        let bounds = [0, sx_low, split_y, split_y + sx_up, m];
        let corners = [
            corner,
            [mid[0], corner[1]],
            [corner[0], mid[1]],
            [mid[0], mid[1]],
        ];
        let first = self.nodes.len();
        let mut quads = Vec::with_capacity(4);
        for q in 0..4 {
            if bounds[q + 1] > bounds[q] {
                quads.push(q);
                self.nodes.push(Node::leaf(0, 0));
            }
        }
        self.nodes[node].child = first as u32;
        self.nodes[node].n_child = quads.len() as u32;
        for (c, &q) in quads.iter().enumerate() {
            let r = bounds[q]..bounds[q + 1];
            self.fill(
                first + c,
                &mut pts[r.clone()],
                &mut idx[r.clone()],
                offset + r.start,
                corners[q],
                half,
                depth + 1,
            );
        }
    }

    /// `(Σ_j w_ij, Σ_j w_ij² (y_i − y_j))` over `j ≠ i`, approximated with criterion θ.
    #[inline]
    fn repulsion(
        &self,
        i: u32,
        yi: [f64; 2],
        theta2: f64,
        stack: &mut Vec<u32>,
    ) -> (f64, [f64; 2]) {
        let mut z = 0.0;
        let mut f = [0.0; 2];
        stack.clear();
        stack.push(0);
        while let Some(k) = stack.pop() {
            let node = &self.nodes[k as usize];
            let dx = yi[0] - node.com[0];
            let dy = yi[1] - node.com[1];
            let d2 = dx * dx + dy * dy;
            if node.side2 < theta2 * d2 {
                let w = 1.0 / (1.0 + d2);
                let nw = node.count * w;
                z += nw;
                let nw2 = nw * w;
                f[0] += nw2 * dx;
                f[1] += nw2 * dy;
            } else if node.child == NONE {
                let r = node.start as usize..node.end as usize;
                for (p, &j) in self.pts[r.clone()].iter().zip(&self.idx[r]) {
                    if j == i {
                        continue;
                    }
                    let dx = yi[0] - p[0];
                    let dy = yi[1] - p[1];
                    let w = 1.0 / (1.0 + dx * dx + dy * dy);
                    z += w;
                    let w2 = w * w;
                    f[0] += w2 * dx;
                    f[1] += w2 * dy;
                }
            } else {
                for c in 0..node.n_child {
                    stack.push(node.child + c);
                }
            }
        }
        (z, f)
    }
}

/// Stable-enough in-place partition of `pts` (and `idx` alongside): returns the number of
/// points for which `pred` holds, moved to the front.
fn partition(pts: &mut [[f64; 2]], idx: &mut [u32], pred: impl Fn(&[f64; 2]) -> bool) -> usize {
    let mut k = 0;
    for t in 0..pts.len() {
        if pred(&pts[t]) {
            pts.swap(k, t);
            idx.swap(k, t);
            k += 1;
        }
    }
    k
}

/// The Barnes–Hut t-SNE gradient (Student-t q, two dimensions) into `grad`. Returns the
/// objective estimated with the tree's `Z` when `want_kl` (else NaN).
pub(crate) fn bh_into(
    p: &Affinity,
    y: &[f64],
    theta: f64,
    exaggeration: f64,
    plogp: f64,
    want_kl: bool,
    grad: &mut [f64],
) -> f64 {
    let n = p.n();
    let tree = QuadTree::new(y);
    let theta2 = theta * theta;
    // Repulsion in the tree's point order (neighbouring queries walk the same cells, which
    // keeps them in cache), then scattered back: every point's own arithmetic is unchanged,
    // so the order does not change any bit.
    let sorted: Vec<(f64, [f64; 2])> = tree
        .pts
        .par_iter()
        .zip(tree.idx.par_iter())
        .with_min_len(MIN_ROWS)
        .map_init(
            || Vec::with_capacity(256),
            |stack, (&yi, &i)| tree.repulsion(i, yi, theta2, stack),
        )
        .collect();
    let mut zs = vec![0.0; n];
    let mut rep = vec![0.0; 2 * n];
    for (&i, &(zi, f)) in tree.idx.iter().zip(&sorted) {
        let i = i as usize;
        zs[i] = zi;
        rep[2 * i] = f[0];
        rep[2 * i + 1] = f[1];
    }
    let mut plw = vec![0.0; n];
    grad.par_chunks_mut(2)
        .zip(plw.par_iter_mut())
        .enumerate()
        .with_min_len(MIN_ROWS)
        .for_each(|(i, (att, pl))| {
            let yi = [y[2 * i], y[2 * i + 1]];
            let mut a = [0.0; 2];
            let mut s = 0.0;
            p.for_row(i, |j, pij| {
                let dx = yi[0] - y[2 * j];
                let dy = yi[1] - y[2 * j + 1];
                let d2 = dx * dx + dy * dy;
                let w = 1.0 / (1.0 + d2);
                let pw = pij * w;
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
    if want_kl {
        plogp - kldiv::sum::sum(&plw) + p.total() * z.ln()
    } else {
        f64::NAN
    }
}

/// The Barnes–Hut approximation of the t-SNE gradient (Student-t q, 2-D embedding) and the
/// objective estimated with the approximate `Z` (nats), attraction scaled by `exaggeration`.
///
/// `θ = 0` is exact up to rounding; `θ = 0.5` is the usual trade-off.
///
/// # Errors
/// [`IconError::Shape`] if `y` is not `n × 2`; [`IconError::NonFinite`] for a NaN or
/// infinite coordinate; [`IconError::Parameter`] for `θ` negative or not finite.
///
/// ```
/// use kldiv_icon::{Dense, affinity::Affinity, tsne::{barnes_hut_gradient, kl_gradient, OutputKernel}};
/// let p = Affinity::Dense(Dense::new(3, 3, vec![0.0, 0.25, 0.0, 0.25, 0.0, 0.25, 0.0, 0.25, 0.0])?);
/// let y = [0.0, 0.0, 1.0, 0.5, 3.0, -1.0];
/// let (c_bh, g_bh) = barnes_hut_gradient(&p, &y, 0.0, 1.0)?;
/// let (c, g) = kl_gradient(&p, &y, 2, OutputKernel::StudentT, 1.0)?;
/// assert!((c - c_bh).abs() < 1e-12);
/// assert!(g.iter().zip(&g_bh).all(|(a, b)| (a - b).abs() < 1e-12));
/// # Ok::<(), kldiv_icon::IconError>(())
/// ```
pub fn barnes_hut_gradient(
    p: &Affinity,
    y: &[f64],
    theta: f64,
    exaggeration: f64,
) -> Result<(f64, Vec<f64>)> {
    check_embedding(p, y, 2)?;
    if !(theta >= 0.0 && theta.is_finite()) {
        return Err(IconError::Parameter {
            name: "theta",
            value: theta,
            reason: "must be finite and >= 0",
        });
    }
    let plogp = super::gradient::p_log_p(p);
    let mut grad = vec![0.0; y.len()];
    let c = bh_into(p, y, theta, exaggeration, plogp, true, &mut grad);
    Ok((c, grad))
}
