//! Cross-entropy classification with a linear mapper, as I-Con.

use super::cluster::argmax_rows;
use crate::objective::{Divergence, Objective, Reduction, softmax_gradient, softmax_rows};
use crate::{Dense, IconError, Points, ProgressFn, Result, combinators, kernels};

/// Options of [`classify`].
#[derive(Debug, Clone, PartialEq)]
pub struct ClassifyOptions {
    /// Full-batch Adam iterations (default 300).
    pub iterations: usize,
    /// Adam's learning rate (default 0.05).
    pub learning_rate: f64,
    /// L2 penalty `λ/2 ‖W‖²` on the weights, not on the biases (default 1e-4).
    pub weight_decay: f64,
    /// Label smoothing as debiasing of `p`: `p̃ = (1 − α) onehot + α/m` (default 0).
    pub alpha: f64,
    /// Standardise each input coordinate to zero mean and unit variance first (constant
    /// coordinates are only centred). Default `true`.
    pub standardise: bool,
}

impl Default for ClassifyOptions {
    fn default() -> Self {
        Self {
            iterations: 300,
            learning_rate: 0.05,
            weight_decay: 1e-4,
            alpha: 0.0,
            standardise: true,
        }
    }
}

/// What [`classify`] returns: a fitted linear classifier.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassifyResult {
    /// The predicted class of each training point.
    pub labels: Vec<usize>,
    /// `q(c|i)`, `n × classes`.
    pub assignments: Dense,
    /// The weights, `(d + 1) × classes` row-major; the last row holds the biases. They apply
    /// to standardised inputs when [`ClassifyOptions::standardise`] is set.
    pub weights: Vec<f64>,
    /// The number of classes `m` (1 + the largest label).
    pub classes: usize,
    /// Per-coordinate `(mean, scale)` subtracted and divided before the mapper.
    pub scaling: Vec<(f64, f64)>,
    /// The fraction of training points whose prediction equals their label.
    pub accuracy: f64,
    /// The objective (mean over rows of `KL(p̃_i ‖ q_i)`, nats, without the weight decay)
    /// before each step, and after the last (`iterations + 1` values).
    pub losses: Vec<f64>,
    /// One line saying what was run.
    pub summary: String,
    /// The options of the run.
    pub options: ClassifyOptions,
}

impl ClassifyResult {
    /// Class probabilities `q(c|i)` for new points (`n × classes`).
    ///
    /// # Errors
    /// [`IconError::Shape`] if the dimension differs from the training data.
    pub fn probabilities(&self, x: Points<'_>) -> Result<Dense> {
        let d = self.scaling.len();
        if x.d() != d {
            return Err(IconError::Shape {
                what: "x (dimension of the training data)",
                len: x.as_slice().len(),
                n: x.n(),
                d,
            });
        }
        let xs = scaled_with_bias(x, &self.scaling);
        let z = crate::objective::matmul_pub(&xs, x.n(), d + 1, &self.weights, self.classes);
        softmax_rows(&z, self.classes)
    }

    /// The predicted class of new points.
    ///
    /// # Errors
    /// As [`Self::probabilities`].
    pub fn predict(&self, x: Points<'_>) -> Result<Vec<usize>> {
        Ok(argmax_rows(&self.probabilities(x)?))
    }
}

fn scaled_with_bias(x: Points<'_>, scaling: &[(f64, f64)]) -> Vec<f64> {
    let d = x.d();
    let mut out = Vec::with_capacity(x.n() * (d + 1));
    for i in 0..x.n() {
        out.extend(x.row(i).iter().zip(scaling).map(|(v, (m, s))| (v - m) / s));
        out.push(1.0);
    }
    out
}

/// Supervised cross-entropy as I-Con: `p(c|i)` the one-hot label kernel
/// ([`kernels::one_hot`], debiased by `α`: label smoothing), `q(c|i) = softmax([x_i, 1]·W)_c`
/// over the `m` classes, and the loss `(1/n) Σ_i KL(p̃_i ‖ q_i) + (λ/2) ‖W‖²` (biases not
/// penalised), minimised by full-batch Adam from `W = 0`. Progress: stage `"classify"`.
///
/// # Errors
/// [`IconError::Shape`] if `labels.len() ≠ n`; [`IconError::Parameter`] for `iterations = 0`,
/// a learning rate not finite and positive, a negative weight decay or `α ∉ [0, 1]`;
/// [`IconError::Cancelled`] if the callback breaks.
///
/// ```
/// use kldiv_icon::{Points, no_progress, methods::{classify, ClassifyOptions}};
/// let x = Points::new("x", &[0.0, 1.0, 2.0, 10.0, 11.0, 12.0], 1)?;
/// let r = classify(x, &[0, 0, 0, 1, 1, 1], &ClassifyOptions::default(), &mut no_progress)?;
/// assert_eq!(r.accuracy, 1.0);
/// assert_eq!(r.predict(Points::new("new", &[-5.0, 20.0], 1)?)?, vec![0, 1]);
/// # Ok::<(), kldiv_icon::IconError>(())
/// ```
pub fn classify(
    x: Points<'_>,
    labels: &[usize],
    options: &ClassifyOptions,
    progress: &mut ProgressFn<'_>,
) -> Result<ClassifyResult> {
    let (n, d) = (x.n(), x.d());
    if labels.len() != n {
        return Err(IconError::Shape {
            what: "labels (one per point)",
            len: labels.len(),
            n,
            d: 1,
        });
    }
    super::check_count("iterations", options.iterations)?;
    super::check_nonneg("learning_rate", options.learning_rate, true)?;
    super::check_nonneg("weight_decay", options.weight_decay, false)?;
    let m = labels.iter().copied().max().unwrap_or(0) + 1;
    let mut p = kernels::one_hot(labels, m)?;
    combinators::debias(&mut p, options.alpha)?;
    let scaling: Vec<(f64, f64)> = (0..d)
        .map(|k| {
            if !options.standardise {
                return (0.0, 1.0);
            }
            let mean = (0..n).map(|i| x.row(i)[k]).sum::<f64>() / n as f64;
            let var = (0..n).map(|i| (x.row(i)[k] - mean).powi(2)).sum::<f64>() / n as f64;
            (mean, if var > 0.0 { var.sqrt() } else { 1.0 })
        })
        .collect();
    let xs = scaled_with_bias(x, &scaling);
    let objective = Objective {
        divergence: Divergence::Forward,
        reduction: Reduction::Mean,
        debias_q: 0.0,
    };
    let mut w = vec![0.0; (d + 1) * m];
    let eval = |w: &[f64]| -> Result<(f64, Vec<f64>)> {
        let z = crate::objective::matmul_pub(&xs, n, d + 1, w, m);
        let e = softmax_gradient(&p, &z, &objective)?;
        // ∂L/∂W = [X, 1]ᵀ ∂L/∂Z.
        let mut g = vec![0.0; (d + 1) * m];
        for i in 0..n {
            let xi = &xs[i * (d + 1)..(i + 1) * (d + 1)];
            let gi = &e.gradient[i * m..(i + 1) * m];
            for (k, &v) in xi.iter().enumerate() {
                for (o, &gz) in g[k * m..(k + 1) * m].iter_mut().zip(gi) {
                    *o += v * gz;
                }
            }
        }
        Ok((e.loss, g))
    };
    let losses = super::adam_loop(
        &mut w,
        options.iterations,
        options.learning_rate,
        "classify",
        progress,
        |t| {
            let (l, mut g) = eval(t)?;
            // The weight decay's gradient (not its value: `losses` report the KL alone).
            for (gk, wk) in g.iter_mut().zip(t).take(d * m) {
                *gk += options.weight_decay * wk;
            }
            Ok((l, g))
        },
    )?;
    let z = crate::objective::matmul_pub(&xs, n, d + 1, &w, m);
    let q = softmax_rows(&z, m)?;
    let pred = argmax_rows(&q);
    let correct = pred.iter().zip(labels).filter(|(a, b)| a == b).count();
    Ok(ClassifyResult {
        summary: format!(
            "cross-entropy classification (forward KL, one-hot p with alpha = {}, softmax q of a \
             linear mapper): {m} classes, {} Adam iterations (lr {}, weight decay {})",
            options.alpha, options.iterations, options.learning_rate, options.weight_decay
        ),
        labels: pred,
        assignments: q,
        weights: w,
        classes: m,
        scaling,
        accuracy: correct as f64 / n as f64,
        losses,
        options: options.clone(),
    })
}
