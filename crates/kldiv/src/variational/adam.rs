//! Adam (Kingma & Ba, 2015) with a step-size schedule, for maximising a stochastic objective.

use std::f64::consts::PI;

/// How the step size `α_t` changes over `T` iterations (`t = 0, ..., T − 1`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Schedule {
    /// `α_t = α`.
    Constant,
    /// `α_t = α · factor^⌊t / every⌋` (step decay).
    Step {
        /// Iterations between decays (`≥ 1`).
        every: usize,
        /// Multiplier per decay, in `(0, 1]`.
        factor: f64,
    },
    /// `α_t = α · (floor + (1 − floor) · ½(1 + cos(π t / T)))`: from `α` down to `floor·α`.
    Cosine {
        /// Final fraction of the step size, in `[0, 1]`.
        floor: f64,
    },
}

impl Default for Schedule {
    /// `Cosine { floor: 0.01 }`.
    fn default() -> Self {
        Schedule::Cosine { floor: 0.01 }
    }
}

impl Schedule {
    /// The multiplier of the base step size at iteration `t` of `total`.
    ///
    /// ```
    /// use kldiv::variational::Schedule;
    /// assert_eq!(Schedule::Constant.factor(7, 10), 1.0);
    /// assert_eq!(Schedule::Step { every: 5, factor: 0.5 }.factor(12, 100), 0.25);
    /// assert_eq!(Schedule::Cosine { floor: 0.0 }.factor(0, 10), 1.0);
    /// assert!((Schedule::Cosine { floor: 0.0 }.factor(5, 10) - 0.5).abs() < 1e-15);
    /// ```
    pub fn factor(&self, t: usize, total: usize) -> f64 {
        match *self {
            Schedule::Constant => 1.0,
            Schedule::Step { every, factor } => {
                let k = t / every.max(1);
                factor.powi(i32::try_from(k).unwrap_or(i32::MAX))
            }
            Schedule::Cosine { floor } => {
                let frac = t as f64 / total.max(1) as f64;
                floor + (1.0 - floor) * 0.5 * (1.0 + (PI * frac.min(1.0)).cos())
            }
        }
    }
}

/// The Adam update for *ascent* on parameters `θ` with gradient `g`:
///
/// ```text
/// m ← β₁ m + (1 − β₁) g,   v ← β₂ v + (1 − β₂) g²,
/// θ ← θ + α_t · (m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε)
/// ```
///
/// ```
/// use kldiv::variational::{Adam, Schedule};
/// // Maximise −(θ − 3)²: the iterate approaches 3.
/// let mut adam = Adam::new(1, 0.1, Schedule::Constant);
/// let mut theta = [0.0];
/// for t in 0..2000 {
///     let g = [-2.0 * (theta[0] - 3.0)];
///     adam.step(&mut theta, &g, t, 2000);
/// }
/// assert!((theta[0] - 3.0).abs() < 1e-3);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Adam {
    /// Base step size `α`.
    pub lr: f64,
    /// First-moment decay `β₁` (default 0.9).
    pub beta1: f64,
    /// Second-moment decay `β₂` (default 0.999).
    pub beta2: f64,
    /// `ε` (default 1e-8).
    pub eps: f64,
    /// The step-size schedule.
    pub schedule: Schedule,
    m: Vec<f64>,
    v: Vec<f64>,
    steps: i32,
}

impl Adam {
    /// Adam for `n` parameters with step size `lr` and the default `β₁, β₂, ε`.
    pub fn new(n: usize, lr: f64, schedule: Schedule) -> Adam {
        Adam {
            lr,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
            schedule,
            m: vec![0.0; n],
            v: vec![0.0; n],
            steps: 0,
        }
    }

    /// One ascent step at iteration `t` of `total` (for the schedule).
    pub fn step(&mut self, theta: &mut [f64], grad: &[f64], t: usize, total: usize) {
        self.steps = self.steps.saturating_add(1);
        let alpha = self.lr * self.schedule.factor(t, total);
        let c1 = 1.0 - self.beta1.powi(self.steps);
        let c2 = 1.0 - self.beta2.powi(self.steps);
        for (((th, &g), m), v) in theta
            .iter_mut()
            .zip(grad)
            .zip(self.m.iter_mut())
            .zip(self.v.iter_mut())
        {
            *m = self.beta1 * *m + (1.0 - self.beta1) * g;
            *v = self.beta2 * *v + (1.0 - self.beta2) * g * g;
            *th += alpha * (*m / c1) / ((*v / c2).sqrt() + self.eps);
        }
    }
}
