//! Debiased InfoNCE-style clustering.

use crate::combinators::{self, ReturnWalks, Walks};
use crate::kernels::{self, Distance};
use crate::objective::{Divergence, Objective, Reduction, cluster_gradient_with, softmax_rows};
use crate::{Dense, IconError, Points, ProgressFn, Result};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};

/// How [`cluster`] initialises the logits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ClusterInit {
    /// Independent `N(0, 0.01²)` logits (nearly uniform `φ`), from the seed.
    Random,
    /// Logits `3 · onehot(k-means label)` from [`super::kmeans`] (10 restarts, same seed)
    /// plus the random jitter: a warm start, which the I-Con objective then refines. The
    /// default (on digits it ends far better than the random start, which tends to merge
    /// classes).
    #[default]
    KMeans,
}

/// Options of [`cluster`].
#[derive(Debug, Clone, PartialEq)]
pub struct ClusterOptions {
    /// The number of clusters `m ≥ 1` (default 10).
    pub clusters: usize,
    /// `k` of the uniform kNN kernel `p` (default 10).
    pub neighbours: usize,
    /// Extra propagation steps `w`: `p ∝ P + P² + … + P^{w+1}` with `P` the uniform kNN
    /// kernel, return walks kept; `w = 0` (the default is 1) uses `P` itself.
    pub walks: usize,
    /// The debiasing weight `α ∈ [0, 1]` applied to both sides:
    /// `p̃ = (1 − α)p + α/n`, `q̃ = (1 − α)q + α/n` (default 0.2).
    pub alpha: f64,
    /// Adam iterations on the logits (default 300).
    pub iterations: usize,
    /// Adam's learning rate (default 0.1; the loss is the mean over rows).
    pub learning_rate: f64,
    /// Initial logits (default [`ClusterInit::KMeans`]).
    pub init: ClusterInit,
    /// The distance of the kNN search (default squared Euclidean).
    pub distance: Distance,
    /// The seed of the initial logits (default 0).
    pub seed: u64,
}

impl Default for ClusterOptions {
    fn default() -> Self {
        Self {
            clusters: 10,
            neighbours: 10,
            walks: 1,
            alpha: 0.2,
            iterations: 300,
            learning_rate: 0.1,
            init: ClusterInit::KMeans,
            distance: Distance::SquaredEuclidean,
            seed: 0,
        }
    }
}

/// What [`cluster`] returns.
#[derive(Debug, Clone, PartialEq)]
pub struct ClusterResult {
    /// `argmax_c φ_ic` for each point.
    pub labels: Vec<usize>,
    /// The soft assignments `φ = softmax(Z)`, `n × clusters`.
    pub assignments: Dense,
    /// The final logits `Z`, `n × clusters` row-major.
    pub logits: Vec<f64>,
    /// The objective (mean over rows of `KL(p̃_i ‖ q̃_i)`, nats) before each Adam step, and
    /// after the last as the final entry (`iterations + 1` values).
    pub losses: Vec<f64>,
    /// One line saying what was run.
    pub summary: String,
    /// The options of the run.
    pub options: ClusterOptions,
}

/// Debiased InfoNCE-style clustering: minimises `(1/n) Σ_i KL(p̃(·|i) ‖ q̃(·|i))` over free
/// cluster logits `Z` (`n × m`), where
///
/// - `p` is the uniform kNN kernel ([`kernels::knn_uniform`], `k = neighbours`, `j ≠ i`),
///   propagated `walks` extra steps ([`combinators::propagate`] with `k = walks + 1`, weighted,
///   return walks kept) and debiased: `p̃ = (1 − α)p + α/n`;
/// - `q` is the cluster kernel of `φ = softmax(Z)` ([`kernels::cluster`], `j = i` included),
///   debiased the same way: `q̃ = (1 − α)q + α/n`.
///
/// Optimised by full-batch Adam with the exact `O(n² m)` gradient of
/// [`crate::objective::cluster_gradient`]. Progress: stage `"cluster"`, once per iteration.
///
/// Cost: `O(n² m)` time per iteration and three dense `n × n` f64 buffers (`p̃`, `p̃ᵀ`, `q̃`:
/// 78 MB at the 1797 points of digits, 600 MB at `n = 5000`) — an exact method for data sets
/// of a few thousand points.
///
/// # Errors
/// [`IconError::Parameter`] for `clusters = 0` or `> n`, `neighbours` not in `1..n`,
/// `α ∉ [0, 1)`, `iterations = 0`, a learning rate not finite and positive;
/// [`IconError::Cancelled`] if the callback breaks.
///
/// ```
/// use kldiv_icon::{Points, no_progress, methods::{cluster, ClusterOptions}};
/// let x = Points::new("x", &[0.0, 0.1, 0.2, 10.0, 10.1, 10.2], 1)?;
/// let opts = ClusterOptions { clusters: 2, neighbours: 2, walks: 0, iterations: 100,
///                             ..ClusterOptions::default() };
/// let r = cluster(x, &opts, &mut no_progress)?;
/// assert_eq!(r.labels[0], r.labels[2]);
/// assert_ne!(r.labels[0], r.labels[3]);
/// assert!(r.losses.last() < r.losses.first());
/// # Ok::<(), kldiv_icon::IconError>(())
/// ```
pub fn cluster(
    x: Points<'_>,
    options: &ClusterOptions,
    progress: &mut ProgressFn<'_>,
) -> Result<ClusterResult> {
    let (n, m) = (x.n(), options.clusters);
    super::check_clusters(m, n)?;
    if !(0.0..1.0).contains(&options.alpha) {
        return Err(IconError::Parameter {
            name: "alpha",
            value: options.alpha,
            reason: "the debiasing weight must be in [0, 1)",
        });
    }
    super::check_count("iterations", options.iterations)?;
    super::check_nonneg("learning_rate", options.learning_rate, true)?;
    let knn = kernels::knn_uniform(x, options.neighbours, options.distance)?;
    let prop = combinators::propagate(&knn, options.walks + 1, Walks::Weighted, ReturnWalks::Keep)?;
    let mut p = prop.to_dense();
    combinators::debias(&mut p, options.alpha)?;
    let pt = p.transpose();

    let mut rng = ChaCha8Rng::seed_from_u64(options.seed);
    let mut z: Vec<f64> = (0..n * m)
        .map(|_| 0.01 * Distribution::<f64>::sample(&StandardNormal, &mut rng))
        .collect::<Vec<f64>>();
    if options.init == ClusterInit::KMeans {
        let km = super::kmeans(
            x,
            &super::KMeansOptions {
                clusters: m,
                seed: options.seed,
                ..super::KMeansOptions::default()
            },
            &mut crate::no_progress,
        )?;
        for (i, &c) in km.labels.iter().enumerate() {
            z[i * m + c] += 3.0;
        }
    }
    let objective = Objective {
        divergence: Divergence::Forward,
        reduction: Reduction::Mean,
        debias_q: options.alpha,
    };
    let losses = super::adam_loop(
        &mut z,
        options.iterations,
        options.learning_rate,
        "cluster",
        progress,
        |t| {
            let e = cluster_gradient_with(&p, &pt, t, m, &objective)?;
            Ok((e.loss, e.gradient))
        },
    )?;
    let phi = softmax_rows(&z, m)?;
    let labels = argmax_rows(&phi);
    Ok(ClusterResult {
        summary: format!(
            "debiased clustering (forward KL, uniform {}-NN p propagated {} extra step(s), \
             cluster q, alpha = {} on both): {m} clusters, {} Adam iterations (lr {}), init {:?}, seed {}",
            options.neighbours,
            options.walks,
            options.alpha,
            options.iterations,
            options.learning_rate,
            options.init,
            options.seed
        ),
        labels,
        assignments: phi,
        logits: z,
        losses,
        options: options.clone(),
    })
}

/// The column of the largest entry of each row (the first on ties).
pub(crate) fn argmax_rows(m: &Dense) -> Vec<usize> {
    (0..m.rows())
        .map(|i| {
            m.row(i)
                .iter()
                .enumerate()
                .fold(
                    (0, f64::NEG_INFINITY),
                    |a, (c, &v)| if v > a.1 { (c, v) } else { a },
                )
                .0
        })
        .collect()
}
