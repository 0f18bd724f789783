//! Branch-free exponentials for the loss kernels, which the compiler can vectorise. (The
//! logarithm they use is [`super::ln_f64`].)
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
//! exact zeros for masked (`-∞`) logits. Arguments above `709` saturate at `e^709`. NaN gives
//! `0` (not propagated: callers validate their inputs first; the loss kernels rely on it for
//! the `∞·0` of a masked logit times a temperature correction of zero).

/// `ln 2` rounded to 32 significant bits (so `n · LN2_HI` is exact for `|n| < 2²¹`).
const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000);
/// `ln 2 − LN2_HI`.
const LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76);
const LOG2E: f64 = std::f64::consts::LOG2_E;
/// `1.5 · 2⁵²`: adding it rounds to the nearest integer and leaves it in the low mantissa bits.
const SHIFTER: f64 = 6_755_399_441_055_744.0;

/// `eˣ` to a few ulp; exactly `0` for `x < -708` (including `-∞`) and for NaN. See the
/// module docs.
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
    // NaN fails the comparison and gives 0 as well.
    if x >= -708.0 { y } else { 0.0 }
}

/// `eˣ` in `f32` arithmetic (8 lanes per AVX2 vector), to about 2 ulp of `f32` (relative
/// error `< 3e-7`); exactly `0` for `x < -87` (including `-∞`) and for NaN.
///
/// Used by the loss kernels for `f32` inputs, whose results are `f32` anyway; sums still
/// accumulate in `f64`. [`fast_exp_f32_fma`] is the same with fused multiply-adds.
///
/// ```
/// use kldiv::kernels::fast_exp_f32;
/// assert!((fast_exp_f32(1.0) - std::f32::consts::E).abs() <= 2.0 * f32::EPSILON * 3.0);
/// assert_eq!(fast_exp_f32(f32::NEG_INFINITY), 0.0);
/// ```
#[inline(always)]
pub fn fast_exp_f32(x: f32) -> f32 {
    exp_f32_with::<false>(x)
}

/// [`fast_exp_f32`] with fused multiply-adds (`f32::mul_add`) in the argument reduction and
/// the polynomial: the same bound (relative error `< 3e-7`), fewer instructions **where the
/// code is compiled for FMA** (inside [`super::vectorized`]'s AVX2+FMA path, through
/// [`super::Kernel::run_fma`]); elsewhere `mul_add` may be a slow library call. Its results
/// can differ from [`fast_exp_f32`] in the last bit.
///
/// ```
/// use kldiv::kernels::fast_exp_f32_fma;
/// assert!((fast_exp_f32_fma(1.0) - std::f32::consts::E).abs() <= 2.0 * f32::EPSILON * 3.0);
/// assert_eq!(fast_exp_f32_fma(f32::NEG_INFINITY), 0.0);
/// ```
#[inline(always)]
pub fn fast_exp_f32_fma(x: f32) -> f32 {
    exp_f32_with::<true>(x)
}

/// `a·b + c`, fused if `F`.
#[inline(always)]
fn madd<const F: bool>(a: f32, b: f32, c: f32) -> f32 {
    if F { a.mul_add(b, c) } else { a * b + c }
}

#[inline(always)]
fn exp_f32_with<const F: bool>(x: f32) -> f32 {
    const SHIFT: f32 = 12_582_912.0; // 1.5 · 2²³
    const C1: f32 = 0.693_359_4;
    const C2: f32 = -2.121_944_4e-4;
    let xc = x.clamp(-87.0, 88.0);
    let k = madd::<F>(xc, std::f32::consts::LOG2_E, SHIFT);
    let n = k - SHIFT;
    let r = if F {
        (-n).mul_add(C2, (-n).mul_add(C1, xc))
    } else {
        (xc - n * C1) - n * C2
    };
    // Taylor polynomial of degree 7 on |r| ≤ ln2/2 (truncation < 6e-9 relative).
    let p: f32 = 1.0 / 5040.0;
    let p = madd::<F>(p, r, 1.0 / 720.0);
    let p = madd::<F>(p, r, 1.0 / 120.0);
    let p = madd::<F>(p, r, 1.0 / 24.0);
    let p = madd::<F>(p, r, 1.0 / 6.0);
    let p = madd::<F>(p, r, 0.5);
    let p = madd::<F>(p * r, r, r) + 1.0;
    let bits = k.to_bits().wrapping_sub(SHIFT.to_bits()).wrapping_add(127) << 23;
    let y = p * f32::from_bits(bits);
    // NaN fails the comparison and gives 0 as well.
    if x >= -87.0 { y } else { 0.0 }
}

/// `2^{d·(hi + lo)}` in `f32` arithmetic for `d ≤ 0` (the loss kernels' `e^{(s − max)/T}`,
/// with `hi + lo = log₂e / T` split in two `f32`s): relative error `< 2·2⁻²⁴` of the exact
/// `2^{d·(hi + lo)}`, whatever the size of the exponent (its rounding error is carried into
/// the reduced argument: by a fused multiply-add if `F`, in `f64` otherwise); exactly `0`
/// for `d·(hi + lo) < −126.5` (values below `2⁻¹²⁶·√2`, i.e. near or in the subnormal range),
/// for `d = −∞` and for NaN. Fused multiply-adds if `F` (see [`fast_exp_f32_fma`] for where
/// that is fast).
///
/// Cheaper than [`fast_exp_f32`] of `d/T`: the factor `log₂e` is folded into the scale (no
/// Cody–Waite reduction), arguments are never positive (no overflow clamp), and `2^f` on
/// `|f| ≤ ½` is a degree-6 near-minimax polynomial (truncation `< 2·10⁻⁹`; with the
/// roundings of its evaluation `< 1.4·2⁻²⁴`, measured over `[−½, ½]`). `2ⁿ` is assembled from
/// the exponent bits; `n = −127` gives the bit pattern of `0.0`.
#[inline(always)]
pub(crate) fn exp2_scaled_f32<const F: bool>(d: f32, hi: f32, lo: f32) -> f32 {
    const SHIFT: f32 = 12_582_912.0; // 1.5 · 2²³
    #[allow(clippy::excessive_precision, clippy::approx_constant)]
    const C: [f32; 7] = [
        1.0,
        0.693_147_182_464_599_6,
        0.240_226_462_483_406_07,
        0.055_503_286_421_298_98,
        0.009_618_489_071_726_799,
        0.001_339_993_090_368_807_3,
        0.000_153_458_124_259_486_8,
    ];
    // z = d·(hi + lo) rounded to f32, and f = z − round(z) with the rounding error of z added
    // back: the exponent is then accurate to 2⁻²⁵ absolute whatever its size.
    let (z, err) = if F {
        let dl = d * lo;
        let z = d.mul_add(hi, dl);
        // d·hi − z exactly (one fused rounding of a tiny value), plus d·lo.
        (z, d.mul_add(hi, -z) + dl)
    } else {
        let z64 = d as f64 * (hi as f64 + lo as f64);
        let z = z64 as f32;
        (z, (z64 - z as f64) as f32)
    };
    // NaN (a masked `−∞` times a zero `lo`) fails the comparison and becomes −127 as well.
    let z = if z > -127.0 { z } else { -127.0 };
    let k = z + SHIFT;
    let n = k - SHIFT;
    // |f| ≤ ½ + 2⁻²⁴; NaN (from a masked entry, whose scale below is 0) becomes −1 so that the
    // product stays 0.
    let f = (z - n) + err;
    let f = if f > -1.0 { f } else { -1.0 };
    let p = madd::<F>(C[6], f, C[5]);
    let p = madd::<F>(p, f, C[4]);
    let p = madd::<F>(p, f, C[3]);
    let p = madd::<F>(p, f, C[2]);
    let p = madd::<F>(p, f, C[1]);
    let p = madd::<F>(p, f, C[0]);
    // n ∈ [−127, 0]: the biased exponent n + 127 ∈ [0, 127]; 0 is the pattern of +0.0.
    let bits = k.to_bits().wrapping_sub(SHIFT.to_bits()).wrapping_add(127) << 23;
    p * f32::from_bits(bits)
}

/// `ln x` in `f32` arithmetic for positive, normal `x` (the loss kernels' ratios `Q/M`,
/// `P/M`), branch-free and without a division: `x = 2ᵉ·m` with `m ∈ [√½, √2)`,
/// `ln x = e·ln 2 + f − f²/2 + f³·P(f)` with `f = m − 1` and the degree-8 polynomial of
/// Cephes' `logf`. Relative error `< 2·2⁻²⁴` (measured over `[2⁻¹²⁶, 2¹²⁸)`, see the test;
/// near `x = 1` the result is accurate relative to its own small size). Zero, subnormal,
/// negative, infinite or NaN arguments give finite or NaN garbage: callers select those
/// entries out. Fused multiply-adds if `F` (see [`fast_exp_f32_fma`] for where that is fast).
#[inline(always)]
pub(crate) fn ln_pos_f32<const F: bool>(x: f32) -> f32 {
    #[allow(clippy::excessive_precision)]
    const P: [f32; 9] = [
        7.037_683_629_2e-2,
        -1.151_461_031_0e-1,
        1.167_699_874_0e-1,
        -1.242_014_084_6e-1,
        1.424_932_278_7e-1,
        -1.666_805_766_5e-1,
        2.000_071_476_5e-1,
        -2.499_999_399_3e-1,
        3.333_333_117_4e-1,
    ];
    const LN2_HI: f32 = 0.693_359_4; // 355/512, exact
    const LN2_LO: f32 = -2.121_944_4e-4;
    // Shift the mantissa range to [√½, √2) by biasing with the bits of √½.
    let ui = x.to_bits().wrapping_add(0x3f80_0000 - 0x3f35_04f3);
    let e = ((ui >> 23) as i32 - 127) as f32;
    let m = f32::from_bits((ui & 0x007f_ffff) + 0x3f35_04f3);
    let f = m - 1.0;
    let z = f * f;
    let mut p = P[0];
    for &c in &P[1..] {
        p = madd::<F>(p, f, c);
    }
    let y = madd::<F>(f, z * p, e * LN2_LO) - 0.5 * z;
    madd::<F>(e, LN2_HI, f + y)
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
        assert_eq!(fast_exp(f64::NAN), 0.0);
    }

    #[test]
    fn exp_f32_matches_std() {
        let mut worst: f64 = 0.0;
        let mut x = -86.9f32;
        while x < 88.0 {
            let want = (x as f64).exp();
            worst = worst.max(((fast_exp_f32(x) as f64 - want) / want).abs());
            worst = worst.max(((fast_exp_f32_fma(x) as f64 - want) / want).abs());
            x += 0.001_234_5;
        }
        assert!(worst < 3e-7, "exp_f32 worst relative error {worst:e}");
        assert_eq!(fast_exp_f32(-88.0), 0.0);
        assert_eq!(fast_exp_f32(f32::NAN), 0.0);
        assert_eq!(fast_exp_f32_fma(-88.0), 0.0);
        assert_eq!(fast_exp_f32_fma(f32::NAN), 0.0);
    }

    #[test]
    fn exp2_scaled_f32_matches_std() {
        // Scales hi + lo = log₂e / T for a few temperatures; arguments d ≤ 0 up to the cut-off.
        for t in [1.0f64, 0.7, 2.0, 3.0] {
            let c = std::f64::consts::LOG2_E / t;
            let hi = c as f32;
            let lo = (c - hi as f64) as f32;
            let mut worst: f64 = 0.0;
            let mut d = 0.0f32;
            while (d as f64) * c > -126.0 {
                // The exact exponent.
                let z = d as f64 * (hi as f64 + lo as f64);
                let want = z.exp2();
                for got in [
                    exp2_scaled_f32::<false>(d, hi, lo),
                    exp2_scaled_f32::<true>(d, hi, lo),
                ] {
                    worst = worst.max(((got as f64 - want) / want).abs());
                }
                d -= 0.000_731 * t as f32 + d.abs() * 1e-4;
            }
            assert!(
                worst < 2.0 / 16_777_216.0,
                "T={t}: worst relative error {worst:e}"
            );
            for f in [exp2_scaled_f32::<false>, exp2_scaled_f32::<true>] {
                assert_eq!(f(0.0, hi, lo), 1.0);
                assert_eq!(f(f32::NEG_INFINITY, hi, lo), 0.0);
                assert_eq!(f(f32::NEG_INFINITY, hi, 0.0), 0.0);
                assert_eq!(f(f32::NAN, hi, lo), 0.0);
                assert_eq!(f(-1e4, hi, lo), 0.0);
            }
        }
    }

    #[test]
    fn ln_pos_f32_matches_std() {
        let mut worst: f64 = 0.0;
        let mut x = f32::MIN_POSITIVE as f64;
        while x < 3e38 {
            let xf = x as f32;
            let want = (xf as f64).ln();
            for got in [ln_pos_f32::<false>(xf), ln_pos_f32::<true>(xf)] {
                let got = got as f64;
                let err = if want == 0.0 {
                    got.abs()
                } else {
                    ((got - want) / want).abs()
                };
                worst = worst.max(err);
            }
            x *= 1.000_731;
        }
        // Around 1, where the result is small.
        for i in -20_000..20_000 {
            let xf = 1.0f32 + i as f32 * 1.3e-5;
            let want = (xf as f64).ln();
            for got in [ln_pos_f32::<false>(xf), ln_pos_f32::<true>(xf)] {
                if want != 0.0 {
                    worst = worst.max(((got as f64 - want) / want).abs());
                } else {
                    assert_eq!(got, 0.0);
                }
            }
        }
        assert!(
            worst < 2.0 / 16_777_216.0,
            "ln_pos_f32 worst relative error {worst:e}"
        );
    }
}
