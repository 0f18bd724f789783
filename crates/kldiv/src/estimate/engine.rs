//! The k-NN engine shared by the KL and entropy estimators: neighbour lists, per-point
//! terms under resampling weights, bootstrap replicates and the exact jackknife.
//!
//! A resample is described by multiplicities `w_x` (and `w_y`). The `k`-th neighbour distance of
//! `x_i` in a resample is the distance at which the cumulative multiplicity of the *other*
//! points of `x` (copies of `x_i` excluded) reaches `k`. It is read off the precomputed sorted
//! neighbour list of `x_i`; when the list is too short (most of its points were not drawn), the
//! query falls back to an exact scan of the whole sample.

use super::bootstrap::{acceleration, replicate_rng, resample_counts, summarize};
use super::digamma::digamma;
use super::neighbors::{
    Backend, Exclude, Metric, NeighborLists, Progress, ProgressFn, k_nearest, k_nearest_pair,
};
use super::points::Points;
use super::result::{Bootstrap, CiMethod, Interval};
use crate::error::{Error, Result};
use rayon::prelude::*;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// Which per-point term.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Term {
    /// `d ln ν_l − d ln ρ_k` (KL, fixed orders).
    Fixed { k: usize, l: usize },
    /// Wang et al.'s adaptive orders around `ε = max(ρ_k, ν_k)`.
    Adaptive { k: usize },
    /// `d ln ρ_k` (Kozachenko–Leonenko entropy).
    Entropy { k: usize },
}

pub(crate) struct Engine<'a> {
    pub(crate) x: Points<'a>,
    pub(crate) y: Option<Points<'a>>,
    pub(crate) metric: Metric,
    pub(crate) term: Term,
    /// Skip one `q`-point at distance 0 (dedup policy).
    pub(crate) skip_zero_y: bool,
    xl: NeighborLists,
    yl: Option<NeighborLists>,
}

/// Weights of one resample (`None`: every point once).
#[derive(Clone, Copy)]
pub(crate) struct Weights<'w> {
    x: Option<&'w [u32]>,
    y: Option<&'w [u32]>,
}

const UNIT: Weights<'static> = Weights { x: None, y: None };

#[inline]
fn weight(w: Option<&[u32]>, j: usize) -> u32 {
    w.map_or(1, |w| w[j])
}

/// Distance at which the cumulative weight along a sorted list reaches `k`.
#[inline]
fn kth_in_list(dist: &[f64], idx: &[u32], w: Option<&[u32]>, k: usize) -> Option<f64> {
    if w.is_none() {
        return dist.get(k - 1).copied();
    }
    let mut acc = 0usize;
    for (&d, &j) in dist.iter().zip(idx) {
        acc += weight(w, j as usize) as usize;
        if acc >= k {
            return Some(d);
        }
    }
    None
}

/// Weighted count of list entries within `eps` and the largest such distance, if the list
/// reaches beyond `eps`.
#[inline]
fn within_in_list(dist: &[f64], idx: &[u32], w: Option<&[u32]>, eps: f64) -> Option<(usize, f64)> {
    if dist.last().is_none_or(|&l| l <= eps) {
        return None;
    }
    let mut acc = 0usize;
    let mut far = 0.0;
    for (&d, &j) in dist.iter().zip(idx) {
        if d > eps {
            break;
        }
        let c = weight(w, j as usize) as usize;
        if c > 0 {
            acc += c;
            far = d;
        }
    }
    Some((acc, far))
}

impl<'a> Engine<'a> {
    /// Builds the neighbour lists. `width_x`, `width_y` are the list lengths wanted (capped
    /// by the sample sizes).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        x: Points<'a>,
        y: Option<Points<'a>>,
        metric: Metric,
        term: Term,
        skip_zero_y: bool,
        width_x: usize,
        width_y: usize,
        backend: Backend,
        progress: &ProgressFn<'_>,
    ) -> Result<Engine<'a>> {
        let n = x.len();
        let wx = width_x.min(n - 1);
        let (xl, yl) = match y {
            Some(y) => {
                let ex = if skip_zero_y {
                    Exclude::ZeroDistance
                } else {
                    Exclude::None
                };
                let wy = width_y.min(y.len() - usize::from(skip_zero_y));
                let (xl, yl) = k_nearest_pair(x, y, wx, wy, ex, metric, backend, progress)?;
                (xl, Some(yl))
            }
            None => {
                let own: Vec<usize> = (0..n).collect();
                let xl = k_nearest(x, x, wx, Exclude::Index(&own), metric, backend, progress)?;
                (xl, None)
            }
        };
        Ok(Engine {
            x,
            y,
            metric,
            term,
            skip_zero_y,
            xl,
            yl,
        })
    }

    pub(crate) fn dim(&self) -> usize {
        self.x.dim()
    }

    /// Exact scan: `(distance, weight)` of every other `x`-point (or every `y`-point) with
    /// positive weight, sorted by distance.
    fn scan(&self, i: usize, in_y: bool, w: Option<&[u32]>) -> Vec<(f64, u32)> {
        let q = self.x.row(i);
        let mut v: Vec<(f64, u32)> = if in_y {
            let y = self.y.unwrap_or(self.x);
            let mut skipped = !self.skip_zero_y;
            (0..y.len())
                .filter_map(|j| {
                    let d = self.metric.dist(q, y.row(j));
                    if d == 0.0 && !skipped {
                        skipped = true;
                        return None;
                    }
                    let c = weight(w, j);
                    (c > 0).then_some((d, c))
                })
                .collect()
        } else {
            (0..self.x.len())
                .filter(|&j| j != i)
                .filter_map(|j| {
                    let c = weight(w, j);
                    (c > 0).then(|| (self.metric.dist(q, self.x.row(j)), c))
                })
                .collect()
        };
        v.sort_by(|a, b| a.0.total_cmp(&b.0));
        v
    }

    /// The `k`-th neighbour distance of `x_i` (`row`: the stored row of `x_i` in the list).
    fn kth(&self, i: usize, row: usize, in_y: bool, w: Option<&[u32]>, k: usize) -> f64 {
        let lists = if in_y {
            self.yl.as_ref()
        } else {
            Some(&self.xl)
        };
        if let Some(l) = lists {
            if let Some(d) = kth_in_list(l.dist_row(row), l.indices_row(row), w, k) {
                return d;
            }
        }
        let mut acc = 0usize;
        for (d, c) in self.scan(i, in_y, w) {
            acc += c as usize;
            if acc >= k {
                return d;
            }
        }
        // Fewer than k points in the resample: cannot happen for n ≥ k + 1 draws; signal it.
        f64::NAN
    }

    fn within(
        &self,
        i: usize,
        row: usize,
        in_y: bool,
        w: Option<&[u32]>,
        eps: f64,
    ) -> (usize, f64) {
        let lists = if in_y {
            self.yl.as_ref()
        } else {
            Some(&self.xl)
        };
        if let Some(l) = lists {
            if let Some(r) = within_in_list(l.dist_row(row), l.indices_row(row), w, eps) {
                return r;
            }
        }
        let mut acc = 0usize;
        let mut far = 0.0;
        for (d, c) in self.scan(i, in_y, w) {
            if d > eps {
                break;
            }
            acc += c as usize;
            far = d;
        }
        (acc, far)
    }

    /// The per-point term of `x_i`.
    fn term_at(&self, i: usize, w: Weights<'_>) -> f64 {
        let ry = self.yl.as_ref().map_or(0, |l| l.row(i));
        self.term_rows(i, self.xl.row(i), ry, w)
    }

    /// The per-point term of `x_i`, whose lists are the stored rows `rx` of the `x`-list and
    /// `ry` of the `y`-list.
    fn term_rows(&self, i: usize, rx: usize, ry: usize, w: Weights<'_>) -> f64 {
        let d = self.dim() as f64;
        match self.term {
            Term::Fixed { k, l } => {
                let rho = self.kth(i, rx, false, w.x, k);
                let nu = self.kth(i, ry, true, w.y, l);
                d * (nu.ln() - rho.ln())
            }
            Term::Entropy { k } => d * self.kth(i, rx, false, w.x, k).ln(),
            Term::Adaptive { k } => {
                let rho = self.kth(i, rx, false, w.x, k);
                let nu = self.kth(i, ry, true, w.y, k);
                let eps = rho.max(nu);
                let (ki, rho_i) = self.within(i, rx, false, w.x, eps);
                let (li, nu_i) = self.within(i, ry, true, w.y, eps);
                d * (nu_i.ln() - rho_i.ln()) + digamma(ki as f64) - digamma(li as f64)
            }
        }
    }

    /// `(1/n) Σ_i w_i t_i` over the points with positive weight, in parallel for unit weights.
    pub(crate) fn mean_term(&self, w: Weights<'_>) -> f64 {
        let n = self.x.len();
        let s = if w.x.is_none() && w.y.is_none() {
            // When both lists store their rows in one order (the kd-tree's), the terms are
            // computed in that order (sequential reads of the lists) and put back in point
            // order for the sum (an array that stays in cache), so the sum is the same.
            let shared = self
                .xl
                .query_of_rows()
                .filter(|_| self.yl.as_ref().is_none_or(|yl| yl.same_order(&self.xl)));
            let terms: Vec<f64> = match shared {
                Some(query_of) => {
                    let by_row: Vec<f64> = query_of
                        .par_iter()
                        .enumerate()
                        .map(|(t, &i)| self.term_rows(i as usize, t, t, w))
                        .collect();
                    let mut terms = vec![0.0; n];
                    for (&i, &v) in query_of.iter().zip(&by_row) {
                        terms[i as usize] = v;
                    }
                    terms
                }
                None => (0..n).into_par_iter().map(|i| self.term_at(i, w)).collect(),
            };
            crate::sum::sum(&terms)
        } else {
            let mut acc = crate::sum::Neumaier::new();
            for i in 0..n {
                let c = weight(w.x, i);
                if c > 0 {
                    acc.add(c as f64 * self.term_at(i, w));
                }
            }
            acc.total()
        };
        s / n as f64
    }

    /// The mean term on the original samples.
    pub(crate) fn mean_term_unit(&self) -> f64 {
        self.mean_term(UNIT)
    }

    /// Bootstrap replicates of the mean term (each replicate runs sequentially; replicates in
    /// parallel). `finish` turns a mean term into the estimate.
    pub(crate) fn bootstrap(
        &self,
        spec: &Bootstrap,
        finish: &(dyn Fn(f64) -> f64 + Sync),
        progress: &ProgressFn<'_>,
    ) -> Result<Vec<f64>> {
        let n = self.x.len();
        let m = self.y.map_or(0, |y| y.len());
        let stop = AtomicBool::new(false);
        let done = AtomicUsize::new(0);
        let reps: Vec<f64> = (0..spec.replicates)
            .into_par_iter()
            .map_init(
                || (Vec::new(), Vec::new()),
                |(wx, wy), b| {
                    if stop.load(Ordering::Relaxed) {
                        return f64::NAN;
                    }
                    let mut rng = replicate_rng(spec.seed, b);
                    resample_counts(&mut rng, n, wx);
                    let wyo = if m > 0 {
                        resample_counts(&mut rng, m, wy);
                        Some(&wy[..])
                    } else {
                        None
                    };
                    let v = finish(self.mean_term(Weights {
                        x: Some(&wx[..]),
                        y: wyo,
                    }));
                    let d = done.fetch_add(1, Ordering::Relaxed) + 1;
                    let p = Progress {
                        stage: "bootstrap",
                        done: d,
                        total: spec.replicates,
                    };
                    if progress(&p).is_break() {
                        stop.store(true, Ordering::Relaxed);
                    }
                    v
                },
            )
            .collect();
        if stop.load(Ordering::Relaxed) {
            return Err(Error::Cancelled { stage: "bootstrap" });
        }
        Ok(reps)
    }

    /// Exact jackknife (leave one point out) of the estimate, for fixed orders: removing
    /// `x_j` drops its term and moves every `x_i` that had `x_j` among its `k` nearest to its
    /// `(k+1)`-th; removing `y_j` does the same for the `q`-neighbours. `finish(mean, n, m)`
    /// turns a mean term into the estimate for sample sizes `n`, `m`. Needs lists of width
    /// `k + 1` (and `l + 1`). Returns the leave-one-out values of `x` and of `y`.
    pub(crate) fn jackknife(
        &self,
        finish: &dyn Fn(f64, usize, usize) -> f64,
    ) -> Result<(Vec<f64>, Vec<f64>)> {
        let (k, l, entropy) = match self.term {
            Term::Fixed { k, l } => (k, l, false),
            Term::Entropy { k } => (k, 0, true),
            Term::Adaptive { .. } => {
                return Err(Error::InvalidParameter {
                    name: "ci method",
                    value: f64::NAN,
                    reason: "BCa needs fixed neighbour orders; use the percentile interval with adaptive k",
                });
            }
        };
        let n = self.x.len();
        let m = self.y.map_or(0, |y| y.len());
        let too_short = |lists: &NeighborLists, order: usize| lists.width() < order + 1;
        if too_short(&self.xl, k) || self.yl.as_ref().is_some_and(|yl| too_short(yl, l)) {
            return Err(Error::InvalidParameter {
                name: "ci method",
                value: f64::NAN,
                reason: "BCa needs at least k + 2 points in p and l + 1 in q (jackknife)",
            });
        }
        let d = self.dim() as f64;
        let terms: Vec<f64> = (0..n)
            .into_par_iter()
            .map(|i| self.term_at(i, UNIT))
            .collect();
        let total = crate::sum::sum(&terms);
        // Change of the total when x_j (or y_j) is removed, accumulated per removed point.
        let mut dx = vec![0.0; n];
        let mut dy = vec![0.0; m];
        for i in 0..n {
            let xd = self.xl.dist(i);
            // ρ_k → ρ_{k+1}: the term d ln ν − d ln ρ (or d ln ρ for the entropy) changes by
            let delta_x = if entropy {
                d * (xd[k].ln() - xd[k - 1].ln())
            } else {
                d * (xd[k - 1].ln() - xd[k].ln())
            };
            for &j in &self.xl.indices(i)[..k] {
                dx[j as usize] += delta_x;
            }
            if let Some(yl) = &self.yl {
                let yd = yl.dist(i);
                let delta_y = d * (yd[l].ln() - yd[l - 1].ln());
                for &j in &yl.indices(i)[..l] {
                    dy[j as usize] += delta_y;
                }
            }
        }
        let jx: Vec<f64> = (0..n)
            .map(|j| finish((total - terms[j] + dx[j]) / (n - 1) as f64, n - 1, m))
            .collect();
        let jy: Vec<f64> = (0..m)
            .map(|j| finish((total + dy[j]) / n as f64, n, m - 1))
            .collect();
        Ok((jx, jy))
    }
}

/// Runs the bootstrap (and the jackknife for BCa) and summarises it.
pub(crate) fn interval(
    engine: &Engine<'_>,
    estimate_nats: f64,
    spec: &Bootstrap,
    finish: &(dyn Fn(f64, usize, usize) -> f64 + Sync),
    progress: &ProgressFn<'_>,
) -> Result<(f64, Interval)> {
    spec.validate()?;
    let n = engine.x.len();
    let m = engine.y.map_or(0, |y| y.len());
    let accel = match spec.method {
        CiMethod::Bca => {
            let (jx, jy) = engine.jackknife(finish)?;
            Some(acceleration(&[&jx, &jy]))
        }
        CiMethod::Percentile => None,
    };
    let reps = engine.bootstrap(spec, &|t| finish(t, n, m), progress)?;
    summarize(estimate_nats, reps, spec, accel)
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::needless_range_loop
)]
mod tests {
    use super::*;
    use crate::estimate::neighbors::no_progress;
    use crate::estimate::{KnnOptions, Variant, entropy_knn, kl_knn};
    use rand::{Rng, SeedableRng};

    fn sample(rng: &mut ChaCha8Rng, n: usize, shift: f64) -> Vec<f64> {
        (0..2 * n)
            .map(|_| rng.random::<f64>() * 3.0 + shift)
            .collect()
    }

    fn drop_row(v: &[f64], j: usize) -> Vec<f64> {
        v.iter()
            .enumerate()
            .filter(|(t, _)| t / 2 != j)
            .map(|(_, &x)| x)
            .collect()
    }

    use rand_chacha::ChaCha8Rng;

    #[test]
    fn jackknife_equals_recomputing_without_each_point() {
        let mut rng = ChaCha8Rng::seed_from_u64(4);
        let (n, m, k, l) = (40, 30, 2, 3);
        let x = sample(&mut rng, n, 0.0);
        let y = sample(&mut rng, m, 0.5);
        let (xp, yp) = (Points::new(&x, 2), Points::new(&y, 2));
        let term = Term::Fixed { k, l };
        let eng = Engine::new(
            xp,
            Some(yp),
            Metric::Euclidean,
            term,
            false,
            k + 1,
            l + 1,
            Backend::Auto,
            &no_progress,
        )
        .unwrap();
        let shift = digamma(k as f64) - digamma(l as f64);
        let finish =
            |mean: f64, n: usize, m: usize| mean + shift + (m as f64 / (n as f64 - 1.0)).ln();
        let (jx, jy) = eng.jackknife(&finish).unwrap();
        let opts = KnnOptions::default()
            .k(k)
            .variant(Variant::BiasCorrected { l });
        for j in 0..n {
            let xs = drop_row(&x, j);
            let want = kl_knn(Points::new(&xs, 2), yp, &opts).unwrap().value;
            assert!((jx[j] - want).abs() < 1e-12, "x {j}: {} vs {want}", jx[j]);
        }
        for j in 0..m {
            let ys = drop_row(&y, j);
            let want = kl_knn(xp, Points::new(&ys, 2), &opts).unwrap().value;
            assert!((jy[j] - want).abs() < 1e-12, "y {j}: {} vs {want}", jy[j]);
        }
        // Entropy.
        let k = 3;
        let eng = Engine::new(
            xp,
            None,
            Metric::Chebyshev,
            Term::Entropy { k },
            false,
            k + 1,
            0,
            Backend::Auto,
            &no_progress,
        )
        .unwrap();
        let ln_v = Metric::Chebyshev.ln_unit_ball_volume(2);
        let finish =
            |mean: f64, n: usize, _m: usize| mean + digamma(n as f64) - digamma(k as f64) + ln_v;
        let (jx, _) = eng.jackknife(&finish).unwrap();
        let opts = KnnOptions::default().k(k).metric(Metric::Chebyshev);
        for j in 0..n {
            let xs = drop_row(&x, j);
            let want = entropy_knn(Points::new(&xs, 2), &opts).unwrap().value;
            assert!((jx[j] - want).abs() < 1e-12, "h {j}: {} vs {want}", jx[j]);
        }
    }

    #[test]
    fn weighted_terms_equal_the_estimator_on_the_resampled_multiset_without_copies() {
        // A resample where every drawn point appears once (weights 0/1) is an ordinary
        // subsample: the weighted walk must reproduce the estimator on it exactly.
        let mut rng = ChaCha8Rng::seed_from_u64(8);
        let (n, m, k) = (50, 45, 3);
        let x = sample(&mut rng, n, 0.0);
        let y = sample(&mut rng, m, 0.3);
        let (xp, yp) = (Points::new(&x, 2), Points::new(&y, 2));
        // Narrow lists force the exact-scan fallback too.
        for width in [k, 2 * k + 10] {
            let eng = Engine::new(
                xp,
                Some(yp),
                Metric::Euclidean,
                Term::Fixed { k, l: k },
                false,
                width,
                width,
                Backend::Auto,
                &no_progress,
            )
            .unwrap();
            let wx: Vec<u32> = (0..n).map(|i| u32::from(i % 3 != 0)).collect();
            let wy: Vec<u32> = (0..m).map(|j| u32::from(j % 4 != 1)).collect();
            let keep = |v: &[f64], w: &[u32]| -> Vec<f64> {
                v.chunks(2)
                    .zip(w)
                    .filter(|(_, c)| **c > 0)
                    .flat_map(|(r, _)| r.to_vec())
                    .collect()
            };
            let (xs, ys) = (keep(&x, &wx), keep(&y, &wy));
            let want = kl_knn(
                Points::new(&xs, 2),
                Points::new(&ys, 2),
                &KnnOptions::default().k(k),
            )
            .unwrap()
            .value;
            let ns = xs.len() / 2;
            let ms = ys.len() / 2;
            let mean = eng.mean_term(Weights {
                x: Some(&wx),
                y: Some(&wy),
            }) * n as f64
                / ns as f64;
            let got = mean + (ms as f64 / (ns as f64 - 1.0)).ln();
            assert!((got - want).abs() < 1e-12, "width {width}: {got} vs {want}");
        }
    }
}
