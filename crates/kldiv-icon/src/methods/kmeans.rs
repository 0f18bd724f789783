//! k-means as I-Con (Theorem 13).

use super::check_callback;
use crate::kernels;
use crate::{Dense, IconError, Points, Progress, ProgressFn, Result};
use kldiv::sum::Neumaier;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

/// Options of [`kmeans`].
#[derive(Debug, Clone, PartialEq)]
pub struct KMeansOptions {
    /// The number of clusters `m ≥ 1` (default 10).
    pub clusters: usize,
    /// Independent restarts from k-means++ seeds; the run of least `L_PKM` is kept (default 10,
    /// scikit-learn's `n_init` for k-means++).
    pub restarts: usize,
    /// At most this many Lloyd iterations per restart (default 300).
    pub max_iter: usize,
    /// Stop a restart when the squared centre shift summed over clusters is at most
    /// `tol · (mean variance of the coordinates)` (default 1e-4, as scikit-learn), or when no
    /// assignment changes.
    pub tol: f64,
    /// The seed of the k-means++ draws (default 0). Restart `r` draws from ChaCha8 stream `r`
    /// of this seed, so the restarts of one seed are independent and two seeds share none
    /// (with seed-plus-restart seeding, seeds `s` and `s + 1` would share 9 of 10 restarts).
    pub seed: u64,
}

impl Default for KMeansOptions {
    fn default() -> Self {
        Self {
            clusters: 10,
            restarts: 10,
            max_iter: 300,
            tol: 1e-4,
            seed: 0,
        }
    }
}

/// What [`kmeans`] returns.
#[derive(Debug, Clone, PartialEq)]
pub struct KMeansResult {
    /// The cluster of each point, `0..clusters`.
    pub labels: Vec<usize>,
    /// The hard assignments `φ` as an `n × clusters` one-hot matrix.
    pub assignments: Dense,
    /// The centres `μ_c`, `clusters × d` row-major.
    pub centroids: Vec<f64>,
    /// `L_PKM = Σ_i ‖x_i − μ_{c(i)}‖²` of the kept run (squared coordinate units).
    pub inertia: f64,
    /// `L_PKM` after each Lloyd iteration of the kept run.
    pub losses: Vec<f64>,
    /// The final `L_PKM` of every restart.
    pub restart_inertias: Vec<f64>,
    /// Which restart was kept.
    pub best_restart: usize,
    /// One line saying what was run.
    pub summary: String,
    /// The options of the run.
    pub options: KMeansOptions,
}

/// k-means as I-Con: minimises the reverse objective `Σ_i KL(q(·|i) ‖ p(·|i))` with `p` the
/// Gaussian kernel of bandwidth `σ` (diagonal included) and `q` the cluster kernel of hard
/// assignments, in the limit `σ → 0`.
///
/// By Theorem 13 (see [`kmeans_objective`]) that objective equals
/// `L_PKM/σ² − Σ_i H(q(·|i)) + Σ_i ln Z_i`, where only `L_PKM = Σ_{i,c} φ_ic ‖x_i − μ_c‖²`
/// depends on `φ` at order `1/σ²`: for small `σ` the minimiser is the k-means partition. It is
/// found by Lloyd's alternation (assign each point to the nearest centre, move each centre to
/// the mean of its points), each step of which never increases `L_PKM`, from k-means++ seeds
/// (greedy, `2 + ⌊ln m⌋` candidates per centre) with `restarts` restarts. A cluster that
/// becomes empty is given the point farthest from its centre.
///
/// The progress callback is called after every iteration (stage `"k-means"`, `done` counting
/// iterations over all restarts, `loss` the current `L_PKM`).
///
/// # Errors
/// [`IconError::Parameter`] for `clusters = 0`, `clusters > n`, `restarts = 0`,
/// `max_iter = 0` or a negative `tol`; [`IconError::Cancelled`] if the callback breaks.
///
/// ```
/// use kldiv_icon::{Points, no_progress, methods::{kmeans, KMeansOptions}};
/// let x = Points::new("x", &[0.0, 0.1, 10.0, 10.1], 1)?;
/// let opts = KMeansOptions { clusters: 2, restarts: 2, ..KMeansOptions::default() };
/// let r = kmeans(x, &opts, &mut no_progress)?;
/// assert_eq!(r.labels[0], r.labels[1]);
/// assert_ne!(r.labels[0], r.labels[2]);
/// assert!((r.inertia - 0.01).abs() < 1e-12);
/// # Ok::<(), kldiv_icon::IconError>(())
/// ```
pub fn kmeans(
    x: Points<'_>,
    options: &KMeansOptions,
    progress: &mut ProgressFn<'_>,
) -> Result<KMeansResult> {
    let (n, m) = (x.n(), options.clusters);
    super::check_clusters(m, n)?;
    super::check_count("restarts", options.restarts)?;
    super::check_count("max_iter", options.max_iter)?;
    if !(options.tol >= 0.0 && options.tol.is_finite()) {
        return Err(IconError::Parameter {
            name: "tol",
            value: options.tol,
            reason: "must be finite and >= 0",
        });
    }
    let tol = options.tol * mean_variance(x);
    let total = options.restarts * options.max_iter;
    let mut done = 0;
    let mut best: Option<Run> = None;
    let mut restart_inertias = Vec::with_capacity(options.restarts);
    for r in 0..options.restarts {
        let mut rng = restart_rng(options.seed, r);
        let mut centres = kmeans_pp(x, m, &mut rng);
        let mut labels = vec![usize::MAX; n];
        let mut losses = Vec::new();
        for _ in 0..options.max_iter {
            let (new_labels, inertia) = assign(x, &centres, m);
            let changed = new_labels != labels;
            labels = new_labels;
            losses.push(inertia);
            let new_centres = update(x, &labels, &centres, m);
            let shift: f64 = centres
                .iter()
                .zip(&new_centres)
                .map(|(a, b)| (a - b) * (a - b))
                .sum();
            centres = new_centres;
            done += 1;
            check_callback(
                progress,
                &Progress {
                    stage: "k-means",
                    done,
                    total,
                    loss: inertia,
                },
                done,
            )?;
            if !changed || shift <= tol {
                break;
            }
        }
        // Final assignment to the final centres (as scikit-learn reports).
        let (labels, inertia) = assign(x, &centres, m);
        restart_inertias.push(inertia);
        if best.as_ref().is_none_or(|b| inertia < b.0) {
            best = Some((inertia, r, labels, centres, losses));
        }
        done = (r + 1) * options.max_iter;
    }
    let Some((inertia, best_restart, labels, centroids, losses)) = best else {
        return Err(IconError::Parameter {
            name: "restarts",
            value: 0.0,
            reason: "needs at least one restart",
        });
    };
    let mut phi = vec![0.0; n * m];
    for (i, &c) in labels.iter().enumerate() {
        phi[i * m + c] = 1.0;
    }
    Ok(KMeansResult {
        summary: format!(
            "k-means as I-Con (reverse KL, Gaussian p with sigma -> 0, cluster q; Lloyd from \
             k-means++): {m} clusters, {} restarts (best #{best_restart}), seed {}, L_PKM = {inertia}",
            options.restarts, options.seed
        ),
        labels,
        assignments: Dense::from_raw(n, m, phi),
        centroids,
        inertia,
        losses,
        restart_inertias,
        best_restart,
        options: options.clone(),
    })
}

/// One restart: inertia, index, labels, centres, losses.
type Run = (f64, usize, Vec<usize>, Vec<f64>, Vec<f64>);

/// The mean over coordinates of the variance of each coordinate.
fn mean_variance(x: Points<'_>) -> f64 {
    let (n, d) = (x.n(), x.d());
    let mut total = 0.0;
    for k in 0..d {
        let mean = (0..n).map(|i| x.row(i)[k]).sum::<f64>() / n as f64;
        total += (0..n).map(|i| (x.row(i)[k] - mean).powi(2)).sum::<f64>() / n as f64;
    }
    total / d as f64
}

fn sq(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(u, v)| (u - v) * (u - v)).sum()
}

/// The generator of restart `r` under `seed`: stream `r` of the ChaCha8 generator seeded by
/// `seed` (independent streams, none shared between seeds).
fn restart_rng(seed: u64, r: usize) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(r as u64);
    rng
}

/// Greedy k-means++ seeding.
fn kmeans_pp(x: Points<'_>, m: usize, rng: &mut ChaCha8Rng) -> Vec<f64> {
    let (n, d) = (x.n(), x.d());
    let trials = 2 + (m as f64).ln().floor() as usize;
    let mut centres = Vec::with_capacity(m * d);
    let first = rng.random_range(0..n);
    centres.extend_from_slice(x.row(first));
    let mut closest: Vec<f64> = (0..n).map(|i| sq(x.row(i), x.row(first))).collect();
    for _ in 1..m {
        let pot: f64 = closest.iter().sum();
        let mut best: Option<(f64, Vec<f64>, usize)> = None;
        for _ in 0..trials {
            let target = rng.random::<f64>() * pot;
            let mut acc = 0.0;
            let mut pick = n - 1;
            for (i, &c) in closest.iter().enumerate() {
                acc += c;
                if acc > target {
                    pick = i;
                    break;
                }
            }
            let cand: Vec<f64> = (0..n)
                .into_par_iter()
                .map(|i| closest[i].min(sq(x.row(i), x.row(pick))))
                .collect();
            let p: f64 = cand.iter().sum();
            if best.as_ref().is_none_or(|b| p < b.0) {
                best = Some((p, cand, pick));
            }
        }
        if let Some((_, cand, pick)) = best {
            closest = cand;
            centres.extend_from_slice(x.row(pick));
        }
    }
    centres
}

/// Nearest centre of each point and the total squared distance.
fn assign(x: Points<'_>, centres: &[f64], m: usize) -> (Vec<usize>, f64) {
    let d = x.d();
    let res: Vec<(usize, f64)> = (0..x.n())
        .into_par_iter()
        .map(|i| {
            let xi = x.row(i);
            let mut best = (0, f64::INFINITY);
            for c in 0..m {
                let dist = sq(xi, &centres[c * d..(c + 1) * d]);
                if dist < best.1 {
                    best = (c, dist);
                }
            }
            best
        })
        .collect();
    let mut s = Neumaier::new();
    for r in &res {
        s.add(r.1);
    }
    (res.into_iter().map(|r| r.0).collect(), s.total())
}

/// The means of the clusters; an empty cluster takes the point farthest from its centre.
fn update(x: Points<'_>, labels: &[usize], old: &[f64], m: usize) -> Vec<f64> {
    let d = x.d();
    let mut sums = vec![0.0; m * d];
    let mut counts = vec![0usize; m];
    for (i, &c) in labels.iter().enumerate() {
        counts[c] += 1;
        for (s, v) in sums[c * d..(c + 1) * d].iter_mut().zip(x.row(i)) {
            *s += v;
        }
    }
    let mut taken = vec![false; x.n()];
    for c in 0..m {
        if counts[c] > 0 {
            let k = counts[c] as f64;
            for s in &mut sums[c * d..(c + 1) * d] {
                *s /= k;
            }
        } else {
            let far = (0..x.n())
                .filter(|&i| !taken[i])
                .map(|i| (i, sq(x.row(i), &old[labels[i] * d..(labels[i] + 1) * d])))
                .fold((0, -1.0), |a, b| if b.1 > a.1 { b } else { a });
            taken[far.0] = true;
            sums[c * d..(c + 1) * d].copy_from_slice(x.row(far.0));
        }
    }
    sums
}

/// The terms of Theorem 13 for soft assignments `φ` (`n × m`, rows summing to 1):
/// with `p(j|i) = exp(−‖x_i − x_j‖²/2σ²) / Z_i` (normalised over all `j`, `j = i` included)
/// and `q = cluster(φ)` (diagonal included),
///
/// `Σ_i KL(q(·|i) ‖ p(·|i)) = L_PKM/σ² − Σ_i H(q(·|i)) + Σ_i ln Z_i`,
///
/// `L_PKM = Σ_{i,c} φ_ic ‖x_i − μ_c‖²`, `μ_c = Σ_i φ_ic x_i / Σ_i φ_ic`. The identity is exact
/// (it follows from `Σ_j q(j|i) ‖x_i − x_j‖² = 2 L_PKM`-type sums over the clusters).
/// Cost `O(n² (d + m))`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KMeansObjective {
    /// `L_PKM` (squared coordinate units).
    pub l_pkm: f64,
    /// `Σ_i H(q(·|i))` (nats).
    pub entropy: f64,
    /// `Σ_i ln Z_i` (nats).
    pub log_z: f64,
    /// `L_PKM/σ² − Σ_i H(q_i) + Σ_i ln Z_i` (nats).
    pub loss: f64,
}

/// Evaluates the right-hand side of Theorem 13 (see [`KMeansObjective`]).
///
/// # Errors
/// [`IconError::Parameter`] for `σ` not finite and positive; [`IconError::Shape`] if `φ` does
/// not have `n` rows; [`IconError::Entry`] if a row of `φ` does not sum to 1.
///
/// ```
/// use kldiv_icon::{Dense, Points, methods::kmeans_objective};
/// // One cluster holding both points 0 and 2: μ = 1, L_PKM = 2, q uniform (H = ln 2 each).
/// let x = Points::new("x", &[0.0, 2.0], 1)?;
/// let phi = Dense::new(2, 1, vec![1.0, 1.0])?;
/// let t = kmeans_objective(x, &phi, 1.0)?;
/// assert_eq!(t.l_pkm, 2.0);
/// assert_eq!(t.entropy, 2.0 * 2f64.ln());
/// # Ok::<(), kldiv_icon::IconError>(())
/// ```
pub fn kmeans_objective(x: Points<'_>, phi: &Dense, sigma: f64) -> Result<KMeansObjective> {
    if !(sigma > 0.0 && sigma.is_finite()) {
        return Err(IconError::Parameter {
            name: "sigma",
            value: sigma,
            reason: "must be finite and > 0",
        });
    }
    let (n, d, m) = (x.n(), x.d(), phi.cols());
    if phi.rows() != n {
        return Err(IconError::Shape {
            what: "phi",
            len: phi.as_slice().len(),
            n,
            d: m,
        });
    }
    let q = kernels::cluster(phi)?;
    let sizes = kernels::cluster_sizes_of(phi);
    let mut mu = vec![0.0; m * d];
    for i in 0..n {
        for c in 0..m {
            let w = phi.get(i, c);
            for (s, v) in mu[c * d..(c + 1) * d].iter_mut().zip(x.row(i)) {
                *s += w * v;
            }
        }
    }
    for c in 0..m {
        for s in &mut mu[c * d..(c + 1) * d] {
            *s = if sizes[c] > 0.0 { *s / sizes[c] } else { 0.0 };
        }
    }
    let mut l = Neumaier::new();
    let mut h = Neumaier::new();
    let mut lz = Neumaier::new();
    let s2 = 2.0 * sigma * sigma;
    for i in 0..n {
        for c in 0..m {
            let w = phi.get(i, c);
            if w > 0.0 {
                l.add(w * sq(x.row(i), &mu[c * d..(c + 1) * d]));
            }
        }
        for &v in q.row(i) {
            if v > 0.0 {
                h.add(-v * v.ln());
            }
        }
        let mut z = Neumaier::new();
        for j in 0..n {
            z.add((-x.sq_dist(i, j) / s2).exp());
        }
        lz.add(z.total().ln());
    }
    let (l, h, lz) = (l.total(), h.total(), lz.total());
    Ok(KMeansObjective {
        l_pkm: l,
        entropy: h,
        log_z: lz,
        loss: l / (sigma * sigma) - h + lz,
    })
}

#[cfg(test)]
mod tests {
    use super::restart_rng;
    use rand::Rng;
    use std::collections::HashSet;

    #[test]
    fn restarts_of_different_seeds_share_no_stream() {
        let first = |seed: u64| -> Vec<u64> {
            (0..10)
                .map(|r| restart_rng(seed, r).random::<u64>())
                .collect()
        };
        let (a, b) = (first(0), first(1));
        // Within one seed the restarts differ …
        assert_eq!(a.iter().collect::<HashSet<_>>().len(), 10);
        // … and seed 1 does not replay seed 0's restarts 1..9 (as seed + r seeding would).
        assert!(a.iter().all(|x| !b.contains(x)), "{a:?} {b:?}");
        // Same seed and restart: the same draws.
        assert_eq!(first(0), a);
    }
}
