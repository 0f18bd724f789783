//! Branch-free `exp` and `ln` in `f64` that the compiler can vectorise.
//!
//! The standard library's `f64::exp` and `f64::ln` call the platform's libm one element at a
//! time. The loss kernels ([`crate::loss`]) evaluate several exponentials per vocabulary entry,
//! so they use these versions instead: argument reduction by `ln 2` (Cody–Waite, two-part
//! constant), a fixed-degree polynomial, and the scaling by `2ⁿ` assembled from the exponent
//! bits. No branches, no table look-ups, no calls: a loop over them auto-vectorises.
//!
//! Accuracy (checked against `std` in the tests below): a few ulp over the ranges used.
//! `exp` returns exactly `0` for arguments below `-708` (where the true value is below
//! `3.3e-308`, i.e. at most a subnormal), and for `-∞`; the loss kernels rely on that to give
//! exact zeros for masked (`-∞`) logits. Arguments above `709` saturate at `e^709`. NaN is not
//! propagated faithfully: callers validate their inputs first.

/// `ln 2` rounded to 32 significant bits (so `n · LN2_HI` is exact for `|n| < 2²¹`).
const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000);
/// `ln 2 − LN2_HI`.
const LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76);
const LOG2E: f64 = std::f64::consts::LOG2_E;
/// `1.5 · 2⁵²`: adding it rounds to the nearest integer and leaves it in the low mantissa bits.
const SHIFTER: f64 = 6_755_399_441_055_744.0;

/// `eˣ` to a few ulp; exactly `0` for `x < -708` (including `-∞`). See the module docs.
///
/// ```
/// use kldiv::kernels::fast_exp;
/// assert!((fast_exp(1.0) - std::f64::consts::E).abs() <= 2.0 * f64::EPSILON * 3.0);
/// assert_eq!(fast_exp(0.0), 1.0);
/// assert_eq!(fast_exp(f64::NEG_INFINITY), 0.0);
/// ```
#[inline(always)]
pub fn fast_exp(x: f64) -> f64 {
    let xc = x.clamp(-708.0, 709.0);
    let k = xc * LOG2E + SHIFTER;
    let n = k - SHIFTER;
    let r = (xc - n * LN2_HI) - n * LN2_LO;
    // Taylor polynomial of degree 12 on |r| ≤ ln2/2 (truncation < 2e-16 relative).
    let p = 1.0 / 479_001_600.0;
    let p = p * r + 1.0 / 39_916_800.0;
    let p = p * r + 1.0 / 3_628_800.0;
    let p = p * r + 1.0 / 362_880.0;
    let p = p * r + 1.0 / 40_320.0;
    let p = p * r + 1.0 / 5_040.0;
    let p = p * r + 1.0 / 720.0;
    let p = p * r + 1.0 / 120.0;
    let p = p * r + 1.0 / 24.0;
    let p = p * r + 1.0 / 6.0;
    let p = p * r + 0.5;
    let p = p * r * r + r + 1.0;
    // n is in [-1022, 1023]: 2ⁿ is a normal number built from its exponent bits.
    let bits = k
        .to_bits()
        .wrapping_sub(SHIFTER.to_bits())
        .wrapping_add(1023)
        << 52;
    let y = p * f64::from_bits(bits);
    if x < -708.0 { 0.0 } else { y }
}

/// `eˣ` in `f32` arithmetic (8 lanes per AVX2 vector), to about 2 ulp of `f32` (relative
/// error `< 3e-7`); exactly `0` for `x < -87` (including `-∞`).
///
/// Used by the loss kernels for `f32` inputs, whose results are `f32` anyway; sums still
/// accumulate in `f64`.
///
/// ```
/// use kldiv::kernels::fast_exp_f32;
/// assert!((fast_exp_f32(1.0) - std::f32::consts::E).abs() <= 2.0 * f32::EPSILON * 3.0);
/// assert_eq!(fast_exp_f32(f32::NEG_INFINITY), 0.0);
/// ```
#[inline(always)]
pub fn fast_exp_f32(x: f32) -> f32 {
    const SHIFT: f32 = 12_582_912.0; // 1.5 · 2²³
    let xc = x.clamp(-87.0, 88.0);
    let k = xc * std::f32::consts::LOG2_E + SHIFT;
    let n = k - SHIFT;
    let r = (xc - n * 0.693_359_4) - n * -2.121_944_4e-4;
    // Taylor polynomial of degree 7 on |r| ≤ ln2/2 (truncation < 6e-9 relative).
    let p = 1.0 / 5040.0;
    let p = p * r + 1.0 / 720.0;
    let p = p * r + 1.0 / 120.0;
    let p = p * r + 1.0 / 24.0;
    let p = p * r + 1.0 / 6.0;
    let p = p * r + 0.5;
    let p = p * r * r + r + 1.0;
    let bits = k.to_bits().wrapping_sub(SHIFT.to_bits()).wrapping_add(127) << 23;
    let y = p * f32::from_bits(bits);
    if x < -87.0 { 0.0 } else { y }
}

/// `ln x` for `x > 0` (normal or subnormal) to a few ulp; `-∞` for `x = 0`. Branch-free.
///
/// ```
/// use kldiv::kernels::fast_ln;
/// assert_eq!(fast_ln(1.0), 0.0);
/// assert!((fast_ln(10.0) - 10f64.ln()).abs() < 4.0 * f64::EPSILON * 10f64.ln());
/// assert_eq!(fast_ln(0.0), f64::NEG_INFINITY);
/// ```
#[inline(always)]
pub fn fast_ln(x: f64) -> f64 {
    // Scale subnormals into the normal range.
    let tiny = x < f64::MIN_POSITIVE;
    let xs = if tiny {
        x * 18_014_398_509_481_984.0
    } else {
        x
    }; // 2^54
    let bias = if tiny { -54.0 } else { 0.0 };
    let bits = xs.to_bits();
    // Split x = m · 2^e with m in [√½, √2).
    let off = bits.wrapping_sub(0x3fe6_a09e_667f_3bcd); // bits of √½
    let e = ((off as i64) >> 52) as f64;
    let mbits = (off & 0x000f_ffff_ffff_ffff).wrapping_add(0x3fe6_a09e_667f_3bcd);
    let m = f64::from_bits(mbits);
    // ln m = 2 atanh(z), z = (m − 1)/(m + 1), |z| ≤ 0.1716.
    let f = m - 1.0;
    let z = f / (m + 1.0);
    let w = z * z;
    let p = 1.0 / 23.0;
    let p = p * w + 1.0 / 21.0;
    let p = p * w + 1.0 / 19.0;
    let p = p * w + 1.0 / 17.0;
    let p = p * w + 1.0 / 15.0;
    let p = p * w + 1.0 / 13.0;
    let p = p * w + 1.0 / 11.0;
    let p = p * w + 1.0 / 9.0;
    let p = p * w + 1.0 / 7.0;
    let p = p * w + 1.0 / 5.0;
    let p = p * w + 1.0 / 3.0;
    // ln m = f − f²/2 + … written as 2z + 2z·w·p, with 2z = f − z·f for accuracy.
    let two_z = f - z * f;
    let lnm = two_z + two_z * w * p;
    let ex = e + bias;
    let y = ex * LN2_HI + (lnm + ex * LN2_LO);
    if x == 0.0 { f64::NEG_INFINITY } else { y }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ulps(a: f64, b: f64) -> f64 {
        ((a - b) / b).abs() / f64::EPSILON
    }

    #[test]
    fn exp_matches_std() {
        let mut worst: f64 = 0.0;
        let mut x = -707.9;
        while x < 709.0 {
            worst = worst.max(ulps(fast_exp(x), x.exp()));
            x += 0.012_345_6;
        }
        for i in 0..20_000 {
            let x = -1.0 + i as f64 * 1e-4;
            worst = worst.max(ulps(fast_exp(x), x.exp()));
        }
        assert!(worst < 4.0, "exp worst {worst} ulp");
        assert_eq!(fast_exp(-709.0), 0.0);
        assert_eq!(fast_exp(f64::NEG_INFINITY), 0.0);
    }

    #[test]
    fn exp_f32_matches_std() {
        let mut worst: f64 = 0.0;
        let mut x = -86.9f32;
        while x < 88.0 {
            let want = (x as f64).exp();
            worst = worst.max(((fast_exp_f32(x) as f64 - want) / want).abs());
            x += 0.001_234_5;
        }
        assert!(worst < 3e-7, "exp_f32 worst relative error {worst:e}");
        assert_eq!(fast_exp_f32(-88.0), 0.0);
    }

    #[test]
    fn ln_matches_std() {
        let mut worst: f64 = 0.0;
        let mut x = 1e-310;
        while x < 1e300 {
            let a = fast_ln(x);
            let b = x.ln();
            let err = if b.abs() > 1e-3 {
                ulps(a, b)
            } else {
                (a - b).abs() / f64::EPSILON
            };
            worst = worst.max(err);
            x *= 1.37;
        }
        for i in 1..20_000 {
            let x = 0.5 + i as f64 * 5e-5;
            let d = (fast_ln(x) - x.ln()).abs() / f64::EPSILON;
            worst = worst.max(d);
        }
        assert!(worst < 4.0, "ln worst {worst} ulp");
        assert_eq!(fast_ln(0.0), f64::NEG_INFINITY);
    }
}
