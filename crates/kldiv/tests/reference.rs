//! kldiv::discrete against the committed mpmath (40-digit) and scipy references in
//! `testdata/discrete_reference.json` (generator: `tools/gen_discrete_reference.sh`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use kldiv::Base;
use kldiv::discrete::{Measure, Normalize, Options, SmoothSide, Smoothing, Support, js_distance};
use serde_json::Value;

fn load() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../testdata/discrete_reference.json"
    );
    let text = std::fs::read_to_string(path).expect("reference file");
    serde_json::from_str(&text).expect("valid JSON")
}

fn parse(v: &Value) -> f64 {
    match v {
        Value::String(s) if s == "inf" => f64::INFINITY,
        Value::String(s) => s.parse().expect("number"),
        Value::Number(n) => n.as_f64().expect("f64"),
        other => panic!("not a number: {other}"),
    }
}

fn vector(case: &Value, key: &str) -> Vec<f64> {
    if let Some(v) = case.get(key) {
        return v.as_array().unwrap().iter().map(parse).collect();
    }
    let f = case[format!("formula_{key}")].as_array().unwrap();
    let (a, b, m) = (
        f[0].as_u64().unwrap(),
        f[1].as_u64().unwrap(),
        f[2].as_u64().unwrap(),
    );
    let n = case["n"].as_u64().unwrap();
    let w: Vec<u64> = (0..n).map(|i| (a * i + b) % m + 1).collect();
    let total: u64 = w.iter().sum();
    w.iter().map(|&x| x as f64 / total as f64).collect()
}

fn close(got: f64, want: f64, rel: f64) -> bool {
    if want.is_infinite() || got.is_infinite() {
        return got == want;
    }
    if want == 0.0 {
        return got.abs() < 1e-300;
    }
    ((got - want) / want).abs() <= rel
}

#[test]
fn every_measure_matches_mpmath_to_1e_12() {
    let doc = load();
    let opts = Options::default();
    let keys = [
        (Measure::Kl, "kl"),
        (Measure::ReverseKl, "reverse_kl"),
        (Measure::Entropy, "entropy"),
        (Measure::CrossEntropy, "cross_entropy"),
        (Measure::Js, "js"),
        (Measure::Jeffreys, "jeffreys"),
        (Measure::GeneralizedKl, "generalized_kl"),
    ];
    let mut checked = 0;
    for case in doc["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let p = vector(case, "p");
        let q = vector(case, "q");
        for (m, key) in keys {
            let want = parse(&case["mpmath"][key]);
            let got = m.eval(&p, Some(&q), &opts).unwrap().value;
            assert!(
                close(got, want, 1e-12),
                "{name}/{key}: kldiv {got:e} vs mpmath {want:e} (rel {:e})",
                ((got - want) / want).abs()
            );
            checked += 1;
        }
    }
    assert!(checked >= 7 * 13, "only {checked} values checked");
}

#[test]
fn bits_and_scipy_agree() {
    let doc = load();
    let bits = Options::default().base(Base::Bits);
    for case in doc["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let p = vector(case, "p");
        let q = vector(case, "q");
        let s = &case["scipy"];
        let kl = Measure::Kl
            .eval(&p, Some(&q), &Options::default())
            .unwrap()
            .value;
        assert!(
            close(kl, parse(&s["rel_entr_sum"]), 1e-10),
            "{name}: rel_entr"
        );
        let h = Measure::Entropy.eval(&p, None, &bits).unwrap().value;
        assert!(
            close(h, parse(&s["entropy_base2"]), 1e-10),
            "{name}: entropy"
        );
        let d = js_distance(&p, &q, &bits).unwrap().value;
        assert!(
            close(d, parse(&s["jensenshannon_base2"]), 1e-10),
            "{name}: {d} js distance"
        );
    }
}

#[test]
fn f32_input_is_the_f64_sum_of_the_f32_values() {
    let doc = load();
    let opts = Options::default().normalize(Normalize::Assume);
    for case in doc["cases"].as_array().unwrap() {
        let p = vector(case, "p");
        let q = vector(case, "q");
        let p32: Vec<f32> = p.iter().map(|&x| x as f32).collect();
        let q32: Vec<f32> = q.iter().map(|&x| x as f32).collect();
        let widened_p: Vec<f64> = p32.iter().map(|&x| x as f64).collect();
        let widened_q: Vec<f64> = q32.iter().map(|&x| x as f64).collect();
        for m in Measure::ALL {
            let a = m.eval(&p32, Some(&q32), &opts).unwrap().value;
            let b = m.eval(&widened_p, Some(&widened_q), &opts).unwrap().value;
            assert!(a == b || (a.is_nan() && b.is_nan()), "{m}: {a} vs {b}");
        }
    }
}

#[test]
fn counts_and_smoothing_match_mpmath() {
    let doc = load();
    let s = &doc["smoothing"];
    let pc: Vec<u64> = s["p_counts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect();
    let qc: Vec<u64> = s["q_counts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect();
    let v = &s["values"];
    let base = Options::default();
    let cases = [
        ("counts_kl", base),
        (
            "add1_both",
            base.smoothing(Smoothing::Additive { alpha: 1.0 }),
        ),
        (
            "add05_q",
            base.smoothing(Smoothing::Additive { alpha: 0.5 })
                .smooth_side(SmoothSide::Q),
        ),
        (
            "floor1e-3_q",
            base.smoothing(Smoothing::Floor { epsilon: 1e-3 })
                .smooth_side(SmoothSide::Q),
        ),
        (
            "mix001_q",
            base.smoothing(Smoothing::MixUniform { alpha: 0.01 })
                .smooth_side(SmoothSide::Q),
        ),
    ];
    for (key, opts) in cases {
        let want = parse(&v[key]);
        let got = kldiv::discrete::kl(&pc, &qc, &opts).unwrap().value;
        assert!(close(got, want, 1e-12), "{key}: {got} vs {want}");
        // Float counts with explicit renormalisation give the same answer.
        let pf: Vec<f64> = pc.iter().map(|&c| c as f64).collect();
        let qf: Vec<f64> = qc.iter().map(|&c| c as f64).collect();
        let got_f = kldiv::discrete::kl(&pf, &qf, &opts.normalize(Normalize::Renormalize))
            .unwrap()
            .value;
        assert!(
            close(got_f, want, 1e-12),
            "{key} (float counts): {got_f} vs {want}"
        );
    }
    // Unsmoothed counts with an empty bin in q: +inf, or the error naming index 4.
    assert!(
        kldiv::discrete::kl(&pc, &qc, &base.support(Support::Error))
            .unwrap_err()
            .to_string()
            .contains("p[4]")
    );
}

#[test]
fn tour_seed_values() {
    let o = Options::default();
    let p = [0.0, 0.0, 1.0, 0.0, 0.0];
    for (q, want) in [
        ([0.05, 0.10, 0.70, 0.10, 0.05], 0.357),
        ([0.10, 0.60, 0.10, 0.10, 0.10], 2.303),
        ([0.15, 0.20, 0.30, 0.20, 0.15], 1.204),
    ] {
        let d = kldiv::discrete::kl(&p, &q, &o).unwrap().value;
        assert!((d - want).abs() < 5e-4, "{d} vs {want}");
        assert!(kldiv::discrete::kl(&q, &p, &o).unwrap().is_infinite());
    }
    let f = kldiv::discrete::kl(&[0.5, 0.5], &[0.9, 0.1], &o)
        .unwrap()
        .value;
    let r = kldiv::discrete::kl(&[0.9, 0.1], &[0.5, 0.5], &o)
        .unwrap()
        .value;
    assert_eq!(format!("{f:.6}"), "0.510826");
    assert_eq!(format!("{r:.6}"), "0.368064");
}

/// The accuracy target of issue #3: relative error ≤ 1e-13 against mpmath at N = 10⁶ (f64
/// input), for KL, entropy and cross-entropy, with and without the sum check (the one-pass
/// and the ordinary paths). Reference: `testdata/discrete_reference_1e6.json`, generator
/// `tools/gen_discrete_1e6_reference.sh` (mpmath, 40 digits).
#[test]
fn kl_entropy_and_cross_entropy_at_one_million_outcomes_match_mpmath_to_1e_13() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../testdata/discrete_reference_1e6.json"
    );
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let p = vector(&doc, "p");
    let q = vector(&doc, "q");
    assert_eq!(p.len(), 1_000_000);
    for opts in [
        Options::default(),
        Options::default().normalize(Normalize::Assume),
        Options::default().normalize(Normalize::Renormalize),
    ] {
        for (m, key) in [
            (Measure::Kl, "kl"),
            (Measure::Entropy, "entropy"),
            (Measure::CrossEntropy, "cross_entropy"),
        ] {
            let want = parse(&doc["mpmath"][key]);
            let got = m.eval(&p, Some(&q), &opts).unwrap().value;
            let rel = ((got - want) / want).abs();
            assert!(
                rel <= 1e-13,
                "{key} {opts:?}: {got:e} vs {want:e} (rel {rel:e})"
            );
            eprintln!("{key}: relative error {rel:.2e}");
        }
        // The public functions directly (the one-pass path where it applies).
        for (key, got) in [
            ("kl", kldiv::discrete::kl(&p, &q, &opts).unwrap().value),
            (
                "entropy",
                kldiv::discrete::entropy(&p, &opts).unwrap().value,
            ),
            (
                "cross_entropy",
                kldiv::discrete::cross_entropy(&p, &q, &opts).unwrap().value,
            ),
        ] {
            let want = parse(&doc["mpmath"][key]);
            assert!(
                ((got - want) / want).abs() <= 1e-13,
                "{key}: {got:e} vs {want:e}"
            );
        }
    }
}
