//! The Adam optimiser (Kingma & Ba), full batch.

/// Adam state for a flat parameter vector.
pub(crate) struct Adam {
    lr: f64,
    b1: f64,
    b2: f64,
    eps: f64,
    t: i32,
    m: Vec<f64>,
    v: Vec<f64>,
}

impl Adam {
    pub(crate) fn new(len: usize, lr: f64) -> Self {
        Self {
            lr,
            b1: 0.9,
            b2: 0.999,
            eps: 1e-8,
            t: 0,
            m: vec![0.0; len],
            v: vec![0.0; len],
        }
    }

    /// One step `θ ← θ − lr · m̂ / (√v̂ + ε)`.
    pub(crate) fn step(&mut self, theta: &mut [f64], grad: &[f64]) {
        self.t += 1;
        let c1 = 1.0 - self.b1.powi(self.t);
        let c2 = 1.0 - self.b2.powi(self.t);
        for (((th, g), m), v) in theta
            .iter_mut()
            .zip(grad)
            .zip(self.m.iter_mut())
            .zip(self.v.iter_mut())
        {
            *m = self.b1 * *m + (1.0 - self.b1) * g;
            *v = self.b2 * *v + (1.0 - self.b2) * g * g;
            *th -= self.lr * (*m / c1) / ((*v / c2).sqrt() + self.eps);
        }
    }
}
