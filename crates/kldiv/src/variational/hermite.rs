//! Gauss–Hermite quadrature: Gaussian expectations of smooth functions, exact for polynomials
//! of degree `< 2n`.

use std::f64::consts::PI;

/// Nodes `tₖ` and weights `wₖ` of the `n`-point Gauss–Hermite rule
/// `∫ e^{−t²} f(t) dt ≈ Σₖ wₖ f(tₖ)`, found by Newton's method on the orthonormal Hermite
/// recurrence `h_{j+1}(t) = t √(2/(j+1)) h_j(t) − √(j/(j+1)) h_{j−1}(t)`,
/// `wₖ = 2 / h'_n(tₖ)²` with `h'_n = √(2n) h_{n−1}`. Nodes ascending.
///
/// Tested for `n ≤ 128` (for larger `n` the Newton starting guesses fail: use at most 128).
///
/// A Gaussian expectation is `E_{N(μ,σ²)}[f(X)] ≈ π^{−½} Σₖ wₖ f(μ + √2 σ tₖ)`.
///
/// ```
/// use kldiv::variational::gauss_hermite;
/// for n in [20, 128] {
/// let (t, w) = gauss_hermite(n);
/// let pi = std::f64::consts::PI;
/// let s0: f64 = w.iter().sum();
/// let s2: f64 = t.iter().zip(&w).map(|(t, w)| w * t * t).sum();
/// let s4: f64 = t.iter().zip(&w).map(|(t, w)| w * t.powi(4)).sum();
/// assert!((s0 - pi.sqrt()).abs() < 1e-13);
/// assert!((s2 - pi.sqrt() / 2.0).abs() < 1e-13);
/// assert!((s4 - 3.0 * pi.sqrt() / 4.0).abs() < 1e-13);
/// }
/// ```
pub fn gauss_hermite(n: usize) -> (Vec<f64>, Vec<f64>) {
    let mut x = vec![0.0; n];
    let mut w = vec![0.0; n];
    let nf = n as f64;
    let m = n.div_ceil(2);
    let mut z = 0.0f64;
    for i in 0..m {
        z = match i {
            0 => (2.0 * nf + 1.0).sqrt() - 1.85575 * (2.0 * nf + 1.0).powf(-1.0 / 6.0),
            1 => z - 1.14 * nf.powf(0.426) / z,
            2 => 1.86 * z - 0.86 * x[0],
            3 => 1.91 * z - 0.91 * x[1],
            _ => 2.0 * z - x[i - 2],
        };
        let mut pp = 1.0;
        for _ in 0..100 {
            let mut p1 = PI.powf(-0.25);
            let mut p2 = 0.0;
            for j in 0..n {
                let p3 = p2;
                p2 = p1;
                let jf = j as f64;
                p1 = z * (2.0 / (jf + 1.0)).sqrt() * p2 - (jf / (jf + 1.0)).sqrt() * p3;
            }
            pp = (2.0 * nf).sqrt() * p2;
            let z1 = z;
            z = z1 - p1 / pp;
            if (z - z1).abs() <= 1e-15 * z.abs().max(1.0) {
                break;
            }
        }
        x[i] = z;
        x[n - 1 - i] = -z;
        w[i] = 2.0 / (pp * pp);
        w[n - 1 - i] = w[i];
    }
    x.reverse();
    w.reverse();
    (x, w)
}
