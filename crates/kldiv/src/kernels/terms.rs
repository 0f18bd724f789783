//! Per-outcome terms evaluated to full relative accuracy.

/// `ln(p/q)` for `p, q > 0`, accurate even when `p/q` would overflow or underflow and when
/// `p ≈ q`.
///
/// * For `q/2 ≤ p ≤ 2q` the difference `p − q` is exact (Sterbenz) and
///   `ln(p/q) = ln1p((p − q)/q)` keeps full relative accuracy near zero.
/// * Otherwise `ln(p/q)` of the correctly rounded quotient is used while the quotient is a
///   normal, finite number, and `ln p − ln q` beyond that (subnormal masses, ratios past
///   `f64::MAX`).
#[inline(always)]
pub fn ln_ratio(p: f64, q: f64) -> f64 {
    if p <= 2.0 * q && q <= 2.0 * p {
        ((p - q) / q).ln_1p()
    } else {
        let r = p / q;
        if r.is_finite() && r >= f64::MIN_POSITIVE {
            r.ln()
        } else {
            p.ln() - q.ln()
        }
    }
}

/// The KL term `p ln(p/q)` for `p, q > 0` (see [`ln_ratio`]).
///
/// ```
/// let t = kldiv::kernels::kl_term(0.5, 0.25);
/// assert_eq!(t, 0.5 * std::f64::consts::LN_2);
/// ```
#[inline(always)]
pub fn kl_term(p: f64, q: f64) -> f64 {
    p * ln_ratio(p, q)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extreme_ratios_are_finite() {
        assert!((ln_ratio(1.0, 5e-324) - (1.0f64.ln() - 5e-324f64.ln())).abs() < 1e-12);
        assert!(ln_ratio(1e-310, 1.0).is_finite());
        assert_eq!(ln_ratio(0.3, 0.3), 0.0);
    }

    #[test]
    fn near_one_ratio_is_accurate() {
        // ln(1 + 2^-40) ≈ 2^-40 − 2^-81: relative accuracy must survive.
        let q = 1.0;
        let p = 1.0 + 2f64.powi(-40);
        let expected = 2f64.powi(-40) - 2f64.powi(-81);
        assert!(((ln_ratio(p, q) - expected) / expected).abs() < 1e-15);
    }
}
