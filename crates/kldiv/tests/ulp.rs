//! Accuracy of the vectorisable `ln`/`exp` kernels in ulps, against correctly rounded mpmath
//! references (`testdata/ulp_reference.json`, generator `tools/gen_ulp_reference.sh`) and, for
//! `f32`, against the `f64` function (whose error is 2⁻²⁹ of an `f32` ulp).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use kldiv::kernels::{exp_f32, exp_f64, ln_f32, ln_f64};
use serde_json::Value;

fn load() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../testdata/ulp_reference.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn ulp(x: f64) -> f64 {
    let a = x.abs();
    if a < f64::MIN_POSITIVE {
        f64::from_bits(1)
    } else {
        f64::from_bits(a.to_bits() + 1) - a
    }
}

/// Worst error in ulps of `f` over the reference points of `key`.
fn worst(doc: &Value, key: &str, f: fn(f64) -> f64) -> (f64, f64) {
    let mut max = 0.0f64;
    let mut at = 0.0;
    for row in doc[key].as_array().unwrap() {
        let x = f64::from_bits(row[0].as_u64().unwrap());
        let hi = f64::from_bits(row[1].as_u64().unwrap());
        let resid = row[2].as_f64().unwrap();
        let y = f(x);
        // (y − hi) is exact (Sterbenz) when y is within a few ulps of hi.
        let err = ((y - hi) / ulp(hi) - resid).abs();
        if err > max {
            max = err;
            at = x;
        }
    }
    (max, at)
}

#[test]
fn ln_f64_is_within_one_ulp() {
    let doc = load();
    assert!(doc["ln"].as_array().unwrap().len() > 5000);
    let (max, at) = worst(&doc, "ln", ln_f64);
    assert!(max < 1.0, "ln_f64: {max} ulp at {at:e}");
    eprintln!("ln_f64: max error {max:.3} ulp (at {at:e})");
}

#[test]
fn exp_f64_is_within_one_ulp() {
    let doc = load();
    let (max, at) = worst(&doc, "exp", exp_f64);
    assert!(max < 1.0, "exp_f64: {max} ulp at {at:e}");
    eprintln!("exp_f64: max error {max:.3} ulp (at {at:e})");
}

fn ulp32(x: f32) -> f64 {
    let a = x.abs();
    if a < f32::MIN_POSITIVE {
        f32::from_bits(1) as f64
    } else {
        (f32::from_bits(a.to_bits() + 1) - a) as f64
    }
}

#[test]
fn ln_f32_is_within_one_ulp_on_a_sweep_of_all_binades() {
    // Every 97th bit pattern of the positive finite floats, subnormals included.
    let mut max = 0.0f64;
    let mut bits = 1u32;
    while bits < 0x7f80_0000 {
        let x = f32::from_bits(bits);
        let want = (x as f64).ln();
        let got = ln_f32(x) as f64;
        let err = (got - want).abs() / ulp32(want as f32);
        assert!(err < 1.0, "ln_f32({x:e}) = {got} vs {want}: {err} ulp");
        max = max.max(err);
        bits += 97;
    }
    eprintln!("ln_f32: max error {max:.3} ulp");
}

#[test]
fn exp_f32_is_correctly_rounded_up_to_double_rounding() {
    let mut bits = 0u32;
    while bits < 0x42b0_0000 {
        // |x| < 88
        for x in [f32::from_bits(bits), -f32::from_bits(bits)] {
            let want = (x as f64).exp();
            let got = exp_f32(x) as f64;
            let err = (got - want).abs() / ulp32(want as f32);
            assert!(
                err <= 0.5 + 1e-6,
                "exp_f32({x:e}) = {got} vs {want}: {err} ulp"
            );
        }
        bits += 101;
    }
}

#[test]
fn special_values() {
    assert_eq!(ln_f64(0.0), f64::NEG_INFINITY);
    assert_eq!(ln_f64(-0.0), f64::NEG_INFINITY);
    assert_eq!(ln_f64(f64::INFINITY), f64::INFINITY);
    assert!(ln_f64(-1e-300).is_nan() && ln_f64(f64::NAN).is_nan());
    assert_eq!(ln_f64(1.0), 0.0);
    assert!((ln_f64(5e-324) - (-744.440_071_921_381_3)).abs() < 1e-12);
    assert_eq!(ln_f32(0.0), f32::NEG_INFINITY);
    assert_eq!(ln_f32(f32::INFINITY), f32::INFINITY);
    assert!(ln_f32(-1.0).is_nan());
    assert_eq!(exp_f64(f64::NEG_INFINITY), 0.0);
    assert_eq!(exp_f64(f64::INFINITY), f64::INFINITY);
    assert!(exp_f64(f64::NAN).is_nan());
    assert_eq!(exp_f64(-745.2), 0.0);
    assert!(exp_f64(-745.0) > 0.0); // the smallest subnormal range
    assert_eq!(exp_f64(709.8), f64::INFINITY);
    assert!(exp_f64(709.7).is_finite());
}
