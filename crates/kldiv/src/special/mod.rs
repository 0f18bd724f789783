//! Special functions used by the closed forms: `ln Γ`, digamma `ψ`, trigamma `ψ₁`, `ln B`,
//! `erf`/`erfc`, the normal CDF `Φ`, and exponentially scaled modified Bessel functions
//! `e^{−x} I₀(x)`, `e^{−x} I₁(x)`.
//!
//! `ln Γ`, `erf` and `erfc` come from `libm`; digamma and trigamma use the recurrence up to
//! `x ≥ 10` followed by the asymptotic (Bernoulli) series, accurate to a few ulps away from the
//! root of `ψ` near 1.4616; the Bessel functions use the power series (all terms positive, so
//! no cancellation) for `x ≤ 25` and the Hankel asymptotic series above.

/// Euler–Mascheroni constant `γ = 0.57721 56649 01532 86060 65120 ...`.
pub const EULER_GAMMA: f64 = 0.577_215_664_901_532_9;

/// `ln Γ(x)` for `x > 0` (from `libm::lgamma`). Poles give `+∞`.
///
/// ```
/// use kldiv::special::ln_gamma;
/// assert!((ln_gamma(5.0) - 24f64.ln()).abs() < 1e-14);
/// assert!((ln_gamma(0.5) - std::f64::consts::PI.sqrt().ln()).abs() < 1e-15);
/// ```
pub fn ln_gamma(x: f64) -> f64 {
    libm::lgamma(x)
}

/// `ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b)`.
///
/// ```
/// use kldiv::special::ln_beta;
/// assert!((ln_beta(2.0, 3.0) - (1.0f64 / 12.0).ln()).abs() < 1e-15);
/// ```
pub fn ln_beta(a: f64, b: f64) -> f64 {
    ln_gamma(a) + ln_gamma(b) - ln_gamma(a + b)
}

/// Digamma `ψ(x) = d/dx ln Γ(x)`. For `x ≤ 0` uses the reflection
/// `ψ(1 − x) − π / tan(πx)`; poles (`x = 0, −1, ...`) give NaN.
///
/// ```
/// use kldiv::special::{digamma, EULER_GAMMA};
/// assert!((digamma(1.0) + EULER_GAMMA).abs() < 1e-15);
/// assert!((digamma(0.5) + EULER_GAMMA + 2.0 * 2f64.ln()).abs() < 1e-15);
/// ```
pub fn digamma(x: f64) -> f64 {
    if x.is_nan() || x == f64::NEG_INFINITY {
        return f64::NAN;
    }
    if x == f64::INFINITY {
        return f64::INFINITY;
    }
    if x <= 0.0 {
        if x == x.floor() {
            return f64::NAN;
        }
        let pi = std::f64::consts::PI;
        return digamma(1.0 - x) - pi / (pi * x).tan();
    }
    let mut x = x;
    let mut acc = 0.0;
    while x < 10.0 {
        acc -= 1.0 / x;
        x += 1.0;
    }
    let r = 1.0 / (x * x);
    let series = r
        * (1.0 / 12.0
            - r * (1.0 / 120.0
                - r * (1.0 / 252.0
                    - r * (1.0 / 240.0 - r * (1.0 / 132.0 - r * (691.0 / 32760.0 - r / 12.0))))));
    acc + x.ln() - 0.5 / x - series
}

/// Trigamma `ψ₁(x) = d²/dx² ln Γ(x)` for `x > 0` (NaN otherwise).
///
/// ```
/// use kldiv::special::trigamma;
/// let pi2_6 = std::f64::consts::PI.powi(2) / 6.0;
/// assert!((trigamma(1.0) - pi2_6).abs() < 1e-15);
/// ```
pub fn trigamma(x: f64) -> f64 {
    if x.is_nan() || x <= 0.0 {
        return f64::NAN;
    }
    if x == f64::INFINITY {
        return 0.0;
    }
    let mut x = x;
    let mut acc = 0.0;
    while x < 10.0 {
        acc += 1.0 / (x * x);
        x += 1.0;
    }
    let r = 1.0 / (x * x);
    let series = (1.0
        + r * (1.0 / 6.0
            - r * (1.0 / 30.0
                - r * (1.0 / 42.0
                    - r * (1.0 / 30.0
                        - r * (5.0 / 66.0 - r * (691.0 / 2730.0 - r * 7.0 / 6.0)))))))
        / x;
    acc + series + 0.5 * r
}

/// The error function `erf(x)` (from `libm`).
pub fn erf(x: f64) -> f64 {
    libm::erf(x)
}

/// The complementary error function `erfc(x) = 1 − erf(x)` without cancellation (`libm`).
pub fn erfc(x: f64) -> f64 {
    libm::erfc(x)
}

/// The standard normal CDF `Φ(z) = erfc(−z/√2)/2`, accurate in both tails.
///
/// ```
/// use kldiv::special::norm_cdf;
/// assert_eq!(norm_cdf(0.0), 0.5);
/// assert!((norm_cdf(-1.0) - 0.158655253931457).abs() < 1e-15);
/// ```
pub fn norm_cdf(z: f64) -> f64 {
    0.5 * erfc(-z * std::f64::consts::FRAC_1_SQRT_2)
}

/// `e^{−x} I_ν(x)` for `x ≥ 0`, `ν ∈ {0, 1}` (shared implementation).
fn bessel_ie(nu: u32, x: f64) -> f64 {
    let x = x.abs();
    if x == f64::INFINITY {
        return 0.0;
    }
    if x <= 25.0 {
        // I_ν(x) = Σ_k (x/2)^{2k+ν} / (k! (k+ν)!); every term positive.
        let h = 0.5 * x;
        let h2 = h * h;
        let mut term = if nu == 0 { 1.0 } else { h };
        let mut sum = term;
        let nu_f = f64::from(nu);
        let mut k = 0.0;
        loop {
            k += 1.0;
            term *= h2 / (k * (k + nu_f));
            sum += term;
            if term < sum * 1e-17 {
                break;
            }
        }
        sum * (-x).exp()
    } else {
        // Hankel: e^{−x} I_ν(x) ≈ (2πx)^{−1/2} Σ_k (−1)^k a_k(ν) / x^k,
        // a_k = Π_{j=1..k} (4ν² − (2j−1)²) / (k! 8^k).
        let mu = 4.0 * f64::from(nu * nu);
        let mut term = 1.0;
        let mut sum = 1.0;
        for j in 1..60 {
            let jf = f64::from(j);
            let odd = 2.0 * jf - 1.0;
            term *= -(mu - odd * odd) / (jf * 8.0 * x);
            sum += term;
            if term.abs() < 1e-17 * sum.abs() {
                break;
            }
        }
        sum / (2.0 * std::f64::consts::PI * x).sqrt()
    }
}

/// Exponentially scaled modified Bessel function `e^{−|x|} I₀(x)`.
///
/// ```
/// use kldiv::special::bessel_i0e;
/// assert_eq!(bessel_i0e(0.0), 1.0);
/// assert!((bessel_i0e(1.0) - 1.2660658777520082 * (-1f64).exp()).abs() < 1e-15);
/// ```
pub fn bessel_i0e(x: f64) -> f64 {
    bessel_ie(0, x)
}

/// Exponentially scaled modified Bessel function `e^{−|x|} I₁(x)` (odd in `x`).
///
/// ```
/// use kldiv::special::bessel_i1e;
/// assert!((bessel_i1e(1.0) - 0.5651591039924851 * (-1f64).exp()).abs() < 1e-15);
/// ```
pub fn bessel_i1e(x: f64) -> f64 {
    let v = bessel_ie(1, x);
    if x < 0.0 { -v } else { v }
}

/// `ln I₀(x) = ln(e^{−|x|} I₀(x)) + |x|`, finite for every finite `x`.
pub fn ln_bessel_i0(x: f64) -> f64 {
    bessel_i0e(x).ln() + x.abs()
}

/// `ln(1 + e^x)` without overflow or loss of precision.
pub fn softplus(x: f64) -> f64 {
    if x > 0.0 {
        x + (-x).exp().ln_1p()
    } else {
        x.exp().ln_1p()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn digamma_recurrence_and_values() {
        for &x in &[0.1, 0.7, 1.3, 2.5, 7.9, 13.0, 150.0] {
            let lhs = digamma(x + 1.0);
            let rhs = digamma(x) + 1.0 / x;
            assert!((lhs - rhs).abs() < 1e-13 * lhs.abs().max(1.0), "{x}");
        }
        // ψ(2) = 1 − γ, ψ(-0.5) = ψ(1.5) + 2 = 2 − γ − 2 ln 2 + 2... via reflection check.
        assert!((digamma(2.0) - (1.0 - EULER_GAMMA)).abs() < 1e-15);
        let x = -0.5;
        let refl = digamma(1.0 - x) - std::f64::consts::PI / (std::f64::consts::PI * x).tan();
        assert!((digamma(x) - refl).abs() < 1e-14);
    }

    #[test]
    fn trigamma_recurrence() {
        for &x in &[0.2, 1.0, 3.3, 12.0, 99.0] {
            let lhs = trigamma(x);
            let rhs = trigamma(x + 1.0) + 1.0 / (x * x);
            assert!((lhs - rhs).abs() < 1e-13 * lhs, "{x}");
        }
        assert!((trigamma(0.5) - std::f64::consts::PI.powi(2) / 2.0).abs() < 1e-14);
    }

    #[test]
    fn bessel_continuity_at_switch() {
        let a = bessel_i0e(25.0);
        let b = bessel_i0e(25.000_000_001);
        assert!((a - b).abs() < 1e-10 * a);
        let a = bessel_i1e(25.0);
        let b = bessel_i1e(25.000_000_001);
        assert!((a - b).abs() < 1e-10 * a);
        // I0' = I1: central difference of ln I0 gives I1/I0.
        let x: f64 = 3.0;
        let h = 1e-5;
        let d = (ln_bessel_i0(x + h) - ln_bessel_i0(x - h)) / (2.0 * h);
        assert!((d - bessel_i1e(x) / bessel_i0e(x)).abs() < 1e-9);
    }
}
