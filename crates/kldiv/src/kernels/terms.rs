//! Per-outcome terms evaluated to full relative accuracy.
//!
//! A KL divergence between close distributions is a small number made of large terms of both
//! signs: `Σ p ln(p/q)` with `p ≈ q` has terms of size `|p − q|` that cancel down to a sum of
//! size `Σ (p − q)²/q`. Summing them directly loses `log10(Σ|p − q| / KL)` digits. kldiv
//! instead uses the identity
//!
//! ```text
//! p ln(p/q) = e(p, q) + (p − q),     e(p, q) = p ln(p/q) − p + q = q·φ(p/q) ≥ 0,
//! φ(r) = r ln r − r + 1,
//! ```
//!
//! summing the non-negative excesses `e` (no cancellation) and, separately, the differences
//! `p − q` (exact when `q/2 ≤ p ≤ 2q`, by Sterbenz's lemma), whose total is tiny for two
//! distributions. [`kl_excess`] evaluates `e` with a series where cancellation would bite.

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

/// Coefficients `1/(2k + 3)`, `k = 0..10`, of `S(v) = Σ_k v^k/(2k + 3)`.
const SERIES: [f64; 10] = [
    1.0 / 3.0,
    1.0 / 5.0,
    1.0 / 7.0,
    1.0 / 9.0,
    1.0 / 11.0,
    1.0 / 13.0,
    1.0 / 15.0,
    1.0 / 17.0,
    1.0 / 19.0,
    1.0 / 21.0,
];

/// The series form of the KL excess, `d·u + 2p·u³·S(u²)` with `d = p − q`, `u = d/(p + q)`
/// (see [`kl_excess`]); accurate to `f64` precision for `|d| ≤ q/4`. Shared by the scalar and
/// the lane kernels so that both evaluate it identically.
#[inline(always)]
pub(crate) fn excess_series(p: f64, q: f64, d: f64) -> f64 {
    let s = p + q;
    let u = d / s;
    let v = u * u;
    let mut acc = SERIES[9];
    for c in SERIES[..9].iter().rev() {
        acc = acc * v + c;
    }
    d * u + 2.0 * p * u * v * acc
}

/// The KL excess `e(p, q) = p ln(p/q) − p + q ≥ 0` for `p, q > 0`, to a few ulps of relative
/// accuracy for every input.
///
/// With `d = p − q` and `u = d/(p + q)` (so that `ln(p/q) = 2 atanh u`), the excess is
///
/// ```text
/// e = d·u + 2p·u³·(1/3 + u²/5 + u⁴/7 + …)        (d·u = d²/(p + q)),
/// ```
///
/// a sum of two terms of the same sign as `e` — no cancellation. It is used for
/// `|p − q| ≤ q/4` (then `|u| ≤ 1/7` and ten terms reach `f64` precision); elsewhere the excess
/// is at least `0.028·q` and the direct formula loses at most a few digits' worth of nothing.
///
/// ```
/// use kldiv::kernels::kl_excess;
/// assert_eq!(kl_excess(0.3, 0.3), 0.0);
/// // e(1 + h, 1) = h²/2 − h³/6 + …: relative accuracy survives h ≈ 1e-9.
/// let p = 1.0 + 1e-9;
/// let h = p - 1.0; // exact
/// let series = h * h / 2.0 - h * h * h / 6.0;
/// assert!((kl_excess(p, 1.0) / series - 1.0).abs() < 1e-15);
/// ```
#[inline(always)]
pub fn kl_excess(p: f64, q: f64) -> f64 {
    let d = p - q;
    if d.abs() <= 0.25 * q {
        excess_series(p, q, d)
    } else {
        // Here p/q ∉ [3/4, 5/4], so |ln(p/q)| > 0.22 and the logarithm of the rounded
        // quotient is accurate to a few ulps; fall back to ln p − ln q when the quotient
        // overflows or leaves the normal range.
        let r = p / q;
        let l = if r.is_finite() && r >= f64::MIN_POSITIVE {
            r.ln()
        } else {
            p.ln() - q.ln()
        };
        // e ≥ 0.028·q here, far from any cancellation; keep the law e ≥ 0 exactly.
        (p * l - d).max(0.0)
    }
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

    #[test]
    fn excess_matches_direct_formula_away_from_one() {
        for &(p, q) in &[
            (0.9f64, 0.1f64),
            (0.1, 0.9),
            (0.3, 0.2),
            (0.2, 0.3),
            (1e-300, 1e-250),
        ] {
            let direct = p * (p / q).ln() - p + q;
            let e = kl_excess(p, q);
            assert!(
                ((e - direct) / direct).abs() < 1e-13,
                "{p} {q}: {e} vs {direct}"
            );
        }
    }

    #[test]
    fn excess_series_is_continuous_at_the_switch() {
        // Just inside and just outside |p − q| = q/4.
        for &p in &[1.2499999999, 1.2500000001, 0.7500000001, 0.7499999999] {
            let e = kl_excess(p, 1.0);
            let reference = p * f64::ln(p) - p + 1.0;
            assert!(
                ((e - reference) / reference).abs() < 1e-12,
                "{p}: {e} vs {reference}"
            );
        }
    }
}
