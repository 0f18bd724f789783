//! The digamma function `ψ(x) = d/dx ln Γ(x)`, needed by the bias-corrected k-NN estimators.
//!
//! For `x > 0`: the recurrence `ψ(x) = ψ(x + 1) − 1/x` lifts the argument to `x ≥ 10`, where the
//! asymptotic series
//!
//! ```text
//! ψ(x) = ln x − 1/(2x) − Σ_{j≥1} B_{2j} / (2j x^{2j})
//!      = ln x − 1/(2x) − 1/(12x²) + 1/(120x⁴) − 1/(252x⁶) + 1/(240x⁸) − 1/(132x¹⁰) + …
//! ```
//!
//! truncated after the `x⁻¹⁴` term has a remainder below `3·10⁻¹⁹` relative to `ln x`. The
//! result is accurate to a few ulps (tested against mpmath in `testdata/estimate_reference.json`).
//! For integers, `ψ(n) = −γ + Σ_{j<n} 1/j`.

/// `ψ(x)` for finite `x > 0`; NaN for `x ≤ 0` or NaN (callers pass neighbour counts ≥ 1).
pub(crate) fn digamma(x: f64) -> f64 {
    if x.is_nan() || x <= 0.0 || x.is_infinite() {
        return if x == f64::INFINITY {
            f64::INFINITY
        } else {
            f64::NAN
        };
    }
    let mut x = x;
    let mut shift = 0.0;
    // Small arguments: ψ(x) = ψ(x + 1) − 1/x, summed smallest-last for accuracy.
    let mut terms = [0.0f64; 10];
    let mut t = 0;
    while x < 10.0 {
        terms[t] = 1.0 / x;
        t += 1;
        x += 1.0;
    }
    for &v in terms[..t].iter().rev() {
        shift += v;
    }
    let inv = 1.0 / x;
    let inv2 = inv * inv;
    // Bernoulli coefficients B_{2j} / (2j) for j = 1..7.
    let series = inv2
        * (1.0 / 12.0
            - inv2
                * (1.0 / 120.0
                    - inv2
                        * (1.0 / 252.0
                            - inv2
                                * (1.0 / 240.0
                                    - inv2
                                        * (1.0 / 132.0
                                            - inv2 * (691.0 / 32760.0 - inv2 / 12.0))))));
    x.ln() - 0.5 * inv - series - shift
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn special_values() {
        let euler_gamma = 0.577_215_664_901_532_9;
        assert!((digamma(1.0) + euler_gamma).abs() < 1e-15);
        // ψ(1/2) = −γ − 2 ln 2
        let half = -euler_gamma - 2.0 * std::f64::consts::LN_2;
        assert!((digamma(0.5) - half).abs() < 2e-15);
        assert!(digamma(0.0).is_nan());
        assert!(digamma(-1.0).is_nan());
        assert!(digamma(f64::NAN).is_nan());
    }

    #[test]
    fn integer_recurrence() {
        // ψ(n + 1) = ψ(n) + 1/n across the switch to the asymptotic series at 10.
        for n in 1..40 {
            let n = n as f64;
            let lhs = digamma(n + 1.0);
            let rhs = digamma(n) + 1.0 / n;
            assert!(
                (lhs - rhs).abs() <= 4.0 * f64::EPSILON * lhs.abs().max(1.0),
                "n = {n}"
            );
        }
    }
}
