//! Branch-free natural logarithms for `f64` and `f32`, written so that a loop over lanes
//! vectorises (no data-dependent branches, no table look-ups, no integer↔float conversion
//! instructions that SSE/AVX2 lack).
//!
//! Method (the classic fdlibm reduction and minimax polynomial): write
//! `x = 2^k·m` with `m ∈ [√2/2, √2)`, `f = m − 1`, `s = f/(2 + f)`; then
//! `ln m = 2 atanh s = f − f²/2 + s·(f²/2 + R(s²))` with `R` a degree-7 (f64) or degree-4 (f32)
//! polynomial in `s²`, and `ln x = k·ln 2 + ln m` with `ln 2` split in two parts so that
//! `k·ln2_hi` is exact.
//!
//! Accuracy, measured against correctly rounded references (`tests/ulp.rs`): `ln_f64` < 1 ulp
//! over the whole positive range including subnormals; `ln_f32` < 1 ulp likewise. Special values:
//! `ln(0) = −∞`, `ln(+∞) = +∞`, `ln(x < 0) = ln(NaN) = NaN`, `ln(1) = 0` exactly.

// The coefficients are quoted with the decimal expansions of their published binary values.
#![allow(clippy::excessive_precision)]

pub(super) const LN2_HI: f64 = 6.931_471_803_691_238_164_90e-1;
pub(super) const LN2_LO: f64 = 1.908_214_929_270_587_700_02e-10;
pub(super) const LG1: f64 = 6.666_666_666_666_735_130e-1;
pub(super) const LG2: f64 = 3.999_999_999_940_941_908e-1;
pub(super) const LG3: f64 = 2.857_142_874_366_239_149e-1;
pub(super) const LG4: f64 = 2.222_219_843_214_978_396e-1;
pub(super) const LG5: f64 = 1.818_357_216_161_805_012e-1;
pub(super) const LG6: f64 = 1.531_383_769_920_937_332e-1;
pub(super) const LG7: f64 = 1.479_819_860_511_658_591e-1;
/// 2^54, to lift subnormals into the normal range.
const TWO54: f64 = 18_014_398_509_481_984.0;
/// 2^52 + 1023: subtracting it from `from_bits(0x4330_0000_0000_0000 | e)` turns a biased
/// exponent `e` into `e − 1023` as an exact `f64`.
pub(super) const EXP_BIAS_MAGIC: f64 = 4_503_599_627_370_496.0 + 1023.0;

/// Natural logarithm of `x`, branch-free, < 1 ulp (see the module docs).
///
/// ```
/// use kldiv::kernels::ln_f64;
/// assert_eq!(ln_f64(1.0), 0.0);
/// assert!((ln_f64(std::f64::consts::E) - 1.0).abs() <= f64::EPSILON);
/// assert_eq!(ln_f64(0.0), f64::NEG_INFINITY);
/// assert!(ln_f64(-1.0).is_nan());
/// ```
#[inline(always)]
pub fn ln_f64(x: f64) -> f64 {
    let sub = x < f64::MIN_POSITIVE;
    let xs = if sub { x * TWO54 } else { x };
    let kadj = if sub { -54.0 } else { 0.0 };
    // Offset the exponent so that mantissas ≥ √2 round up to the next binade.
    let ui = xs
        .to_bits()
        .wrapping_add(0x3ff0_0000_0000_0000 - 0x3fe6_a09e_0000_0000);
    let e = ui >> 52;
    let dk = f64::from_bits(0x4330_0000_0000_0000 | (e & 0x7ff)) - EXP_BIAS_MAGIC + kadj;
    let m = f64::from_bits((ui & 0x000f_ffff_ffff_ffff) + 0x3fe6_a09e_0000_0000);
    let f = m - 1.0;
    let hfsq = 0.5 * f * f;
    let s = f / (2.0 + f);
    let z = s * s;
    let w = z * z;
    let t1 = w * (LG2 + w * (LG4 + w * LG6));
    let t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
    let r = t2 + t1;
    let y = s * (hfsq + r) + dk * LN2_LO - hfsq + f + dk * LN2_HI;
    // Special values, as selects.
    let y = if x == f64::INFINITY { x } else { y };
    let y = if x == 0.0 { f64::NEG_INFINITY } else { y };
    if x < 0.0 || x.is_nan() { f64::NAN } else { y }
}

const LN2_HI_F: f32 = 6.931_381_225_6e-1;
const LN2_LO_F: f32 = 9.058_000_614_5e-6;
const LG1_F: f32 = 11_184_810.0 / 16_777_216.0;
const LG2_F: f32 = 13_422_099.0 / 33_554_432.0;
const LG3_F: f32 = 9_562_606.0 / 33_554_432.0;
const LG4_F: f32 = 16_293_414.0 / 67_108_864.0;
const TWO25_F: f32 = 33_554_432.0;
/// 2^23 + 127, the `f32` analogue of [`EXP_BIAS_MAGIC`].
const EXP_BIAS_MAGIC_F: f32 = 8_388_608.0 + 127.0;

/// Natural logarithm of `x` in `f32` arithmetic, branch-free, < 1 ulp.
///
/// ```
/// use kldiv::kernels::ln_f32;
/// assert_eq!(ln_f32(1.0), 0.0);
/// assert!((ln_f32(2.0) - std::f32::consts::LN_2).abs() <= f32::EPSILON);
/// assert_eq!(ln_f32(0.0), f32::NEG_INFINITY);
/// ```
#[inline(always)]
pub fn ln_f32(x: f32) -> f32 {
    let sub = x < f32::MIN_POSITIVE;
    let xs = if sub { x * TWO25_F } else { x };
    let kadj = if sub { -25.0 } else { 0.0 };
    let ui = xs.to_bits().wrapping_add(0x3f80_0000 - 0x3f35_04f3);
    let e = ui >> 23;
    let dk = f32::from_bits(0x4b00_0000 | (e & 0xff)) - EXP_BIAS_MAGIC_F + kadj;
    let m = f32::from_bits((ui & 0x007f_ffff) + 0x3f35_04f3);
    let f = m - 1.0;
    let s = f / (2.0 + f);
    let z = s * s;
    let w = z * z;
    let t1 = w * (LG2_F + w * LG4_F);
    let t2 = z * (LG1_F + w * LG3_F);
    let r = t2 + t1;
    let hfsq = 0.5 * f * f;
    let y = s * (hfsq + r) + dk * LN2_LO_F - hfsq + f + dk * LN2_HI_F;
    let y = if x == f32::INFINITY { x } else { y };
    let y = if x == 0.0 { f32::NEG_INFINITY } else { y };
    if x < 0.0 || x.is_nan() { f32::NAN } else { y }
}
