//! Branch-free exponentials for `f64` and `f32`.
//!
//! Method (fdlibm): `x = k·ln 2 + r` with `k = round(x/ln 2)` (by the 1.5·2⁵² trick, which also
//! leaves `k` as an integer in the low bits), `|r| ≤ ln 2 / 2`, `ln 2` split so that `k·ln2_hi`
//! is exact; `exp r = 1 + r + r·c/(2 − c)` with `c = r − r²·P(r²)` a degree-5 minimax
//! polynomial; the result is scaled by `2^k` in two exact steps so that subnormal results
//! round once.
//!
//! Accuracy (`tests/ulp.rs`): `exp_f64` < 1 ulp where the result is normal; `exp_f32` is
//! computed through `exp_f64` and rounded once (≤ 0.5 ulp + 2⁻²⁹ ulp). Overflow gives `+∞`
//! (x > 709.78), underflow `0` (x < −745.13), NaN stays NaN.

// The coefficients are quoted with the decimal expansions of their published binary values.
#![allow(clippy::excessive_precision)]

const INV_LN2: f64 = std::f64::consts::LOG2_E;
const LN2_HI: f64 = 6.931_471_803_691_238_164_90e-1;
const LN2_LO: f64 = 1.908_214_929_270_587_700_02e-10;
const P1: f64 = 1.666_666_666_666_660_190_37e-1;
const P2: f64 = -2.777_777_777_701_559_338_42e-3;
const P3: f64 = 6.613_756_321_437_934_361_17e-5;
const P4: f64 = -1.653_390_220_546_525_153_90e-6;
const P5: f64 = 4.138_136_797_057_238_460_39e-8;
/// 1.5·2⁵²: adding it rounds to an integer kept in the low mantissa bits.
const ROUND_MAGIC: f64 = 6_755_399_441_055_744.0;
const OVERFLOW: f64 = 709.782_712_893_383_973_096;
const UNDERFLOW: f64 = -745.133_219_101_941_108_420;

/// `e^x`, branch-free, < 1 ulp for normal results.
///
/// ```
/// use kldiv::kernels::exp_f64;
/// assert_eq!(exp_f64(0.0), 1.0);
/// assert!((exp_f64(1.0) - std::f64::consts::E).abs() <= f64::EPSILON * 3.0);
/// assert_eq!(exp_f64(1000.0), f64::INFINITY);
/// assert_eq!(exp_f64(-1000.0), 0.0);
/// ```
#[inline(always)]
pub fn exp_f64(x: f64) -> f64 {
    let xc = x.clamp(UNDERFLOW - 1.0, OVERFLOW + 1.0);
    let xc = if xc.is_nan() { 0.0 } else { xc };
    let kr = xc * INV_LN2 + ROUND_MAGIC;
    let k = (kr.to_bits() as i64).wrapping_sub(ROUND_MAGIC.to_bits() as i64);
    let kf = kr - ROUND_MAGIC;
    let hi = xc - kf * LN2_HI;
    let lo = kf * LN2_LO;
    let r = hi - lo;
    let t = r * r;
    let c = r - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
    let y = 1.0 - ((lo - (r * c) / (2.0 - c)) - hi);
    // 2^k in two exact factors (each exponent within the normal range).
    let k1 = k >> 1;
    let k2 = k - k1;
    let s1 = f64::from_bits(((k1 + 1023) as u64) << 52);
    let s2 = f64::from_bits(((k2 + 1023) as u64) << 52);
    let y = y * s1 * s2;
    let y = if x > OVERFLOW { f64::INFINITY } else { y };
    let y = if x < UNDERFLOW { 0.0 } else { y };
    if x.is_nan() { x } else { y }
}

/// `e^x` for `f32`, through [`exp_f64`] and one rounding.
///
/// ```
/// use kldiv::kernels::exp_f32;
/// assert_eq!(exp_f32(0.0), 1.0);
/// assert_eq!(exp_f32(1.0), std::f32::consts::E);
/// ```
#[inline(always)]
pub fn exp_f32(x: f32) -> f32 {
    exp_f64(x as f64) as f32
}
