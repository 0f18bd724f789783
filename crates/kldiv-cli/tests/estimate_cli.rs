//! End-to-end tests of `kldiv estimate` and its tour chapter.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{Dir, fails, json, run};
use kldiv::estimate::{Bootstrap, KnnOptions, Points, kl_knn};

/// Deterministic standard normal draws (xorshift + Box–Muller).
fn gaussians(seed: u64, count: usize) -> Vec<f64> {
    let mut s = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut uniform = move || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        ((s >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    };
    (0..count)
        .map(|_| {
            let (u, v) = (uniform(), uniform());
            (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
        })
        .collect()
}

/// `n` points in ℝ², N((shift, 0), I), written with full precision.
fn sample(seed: u64, n: usize, shift: f64) -> (Vec<f64>, String) {
    let mut v = gaussians(seed, 2 * n);
    for p in v.chunks_exact_mut(2) {
        p[0] += shift;
    }
    let text = v
        .chunks_exact(2)
        .map(|p| format!("{:?},{:?}\n", p[0], p[1]))
        .collect::<String>();
    (v, format!("x0,x1\n{text}"))
}

#[test]
fn json_keys_and_value_match_the_library_and_the_truth() {
    let d = Dir::new("json");
    let (x, xs) = sample(1, 600, 0.0);
    let (y, ys) = sample(2, 500, 1.0);
    let (xp, yp) = (d.file("x.csv", &xs), d.file("y.csv", &ys));
    let v = json(&run(&[
        "estimate",
        &xp,
        &yp,
        "--k",
        "4",
        "--bootstrap",
        "50",
        "--seed",
        "9",
        "--ci",
        "0.9",
        "-f",
        "json",
    ]));
    for key in [
        "measure",
        "unit",
        "value",
        "method",
        "error",
        "k",
        "n",
        "m",
        "d",
        "interval",
        "ci",
        "bootstrap",
        "seed",
        "duplicates",
    ] {
        assert!(v.get(key).is_some(), "missing key {key}: {v}");
    }
    assert_eq!(v["measure"], "kl");
    assert_eq!(v["unit"], "nats");
    assert_eq!(v["method"], "knn");
    assert_eq!(v["k"], 4);
    assert_eq!(v["n"], 600);
    assert_eq!(v["m"], 500);
    assert_eq!(v["d"], 2);
    assert_eq!(v["ci"], 0.9);
    assert_eq!(v["bootstrap"], 50);
    assert_eq!(v["seed"], 9);
    assert_eq!(v["duplicates"]["policy"], "error");
    let opts = KnnOptions::default().k(4).bootstrap(Bootstrap {
        replicates: 50,
        level: 0.9,
        seed: 9,
        ..Bootstrap::default()
    });
    let want = kl_knn(Points::new(&x, 2), Points::new(&y, 2), &opts).unwrap();
    let value = v["value"].as_f64().unwrap();
    assert!(
        (value - want.value).abs() < 1e-12,
        "{value} vs {}",
        want.value
    );
    // KL(N(0, I) ‖ N((1, 0), I)) = 1/2.
    assert!((value - 0.5).abs() < 0.25, "{value}");
    let iv = v["interval"].as_array().unwrap();
    let (lo, hi) = (iv[0].as_f64().unwrap(), iv[1].as_f64().unwrap());
    let wi = want.interval.unwrap();
    assert!((lo - wi.lower).abs() < 1e-12 && (hi - wi.upper).abs() < 1e-12);
    assert!(lo < hi);
    assert!((v["error"].as_f64().unwrap() - want.std_error.unwrap()).abs() < 1e-12);

    // Without a bootstrap: error, interval, ci are null; in bits the value is scaled.
    let v2 = json(&run(&[
        "estimate", &xp, &yp, "--k", "4", "--base", "2", "-f", "json",
    ]));
    assert!(v2["error"].is_null() && v2["interval"].is_null() && v2["ci"].is_null());
    assert_eq!(v2["unit"], "bits");
    let bits = v2["value"].as_f64().unwrap();
    assert!((bits * std::f64::consts::LN_2 - value).abs() < 1e-9);

    // Table output names the interval.
    let out = run(&[
        "estimate", &xp, &yp, "--k", "4", "-B", "50", "--seed", "9", "--ci", "0.9", "-f", "table",
    ]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("90% percentile interval"), "{text}");
}

#[test]
fn entropy_and_histogram() {
    let d = Dir::new("entropy");
    let (_, xs) = sample(3, 800, 0.0);
    let xp = d.file("x.csv", &xs);
    let v = json(&run(&["estimate", &xp, "--entropy", "-f", "json"]));
    assert_eq!(v["measure"], "entropy");
    // h(N(0, I₂)) = 1 + ln 2π ≈ 2.8379.
    let h = v["value"].as_f64().unwrap();
    assert!((h - 2.8379).abs() < 0.2, "{h}");

    let one: String = gaussians(4, 1000)
        .iter()
        .map(|t| format!("{t:?}\n"))
        .collect();
    let two: String = gaussians(5, 1000)
        .iter()
        .map(|t| format!("{:?}\n", t + 1.0))
        .collect();
    let (p, q) = (d.file("p1.csv", &one), d.file("q1.csv", &two));
    let v = json(&run(&[
        "estimate",
        &p,
        &q,
        "--estimator",
        "histogram",
        "--bins",
        "20",
        "--smooth",
        "add:0.5",
        "-f",
        "json",
    ]));
    assert_eq!(v["method"], "histogram");
    assert_eq!(v["bins"], 20);
    let kl = v["value"].as_f64().unwrap();
    assert!((kl - 0.5).abs() < 0.25, "{kl}");
    // Histograms are 1-D only.
    let err = fails(&run(&["estimate", &xp, &xp, "--estimator", "histogram"]), 1);
    assert!(err.contains("x.csv") && err.contains("1-D"), "{err}");
}

#[test]
fn duplicate_points_name_the_file_and_rows() {
    let d = Dir::new("dup");
    let x = d.file("x.csv", "a,b\n0,0\n1,2\n3,1\n1,2\n5,5\n2,7\n4,4\n");
    let y = d.file("y.csv", "a,b\n9,9\n8,1\n7,3\n6,6\n2,5\n0,9\n1,8\n");
    let err = fails(&run(&["estimate", &x, &y, "--k", "2"]), 1);
    assert!(err.contains("x.csv: line 5"), "{err}");
    assert!(err.contains("line 3"), "{err}");
    assert!(err.contains("--duplicates dedup"), "{err}");
    // dedup and jitter run and say what they did.
    let v = json(&run(&[
        "estimate",
        &x,
        &y,
        "--k",
        "2",
        "--duplicates",
        "dedup",
        "-f",
        "json",
    ]));
    assert_eq!(v["n"], 6);
    assert_eq!(v["duplicates"]["policy"], "dedup");
    assert_eq!(v["duplicates"]["changed"], 1);
    let v = json(&run(&[
        "estimate",
        &x,
        &y,
        "--k",
        "2",
        "--duplicates",
        "jitter",
        "--seed",
        "3",
        "-f",
        "json",
    ]));
    assert_eq!(v["n"], 7);
    assert_eq!(v["duplicates"]["policy"], "jitter:0.001:3");
    // A bad policy is a usage error.
    fails(&run(&["estimate", &x, &y, "--duplicates", "drop"]), 2);
}

#[test]
fn too_few_points_mismatched_dimensions_and_nan() {
    let d = Dir::new("errors");
    let x = d.file("x.csv", "0,0\n1,2\n3,1\n");
    let y = d.file("y.csv", "9,9\n8,1\n7,3\n6,6\n");
    let err = fails(&run(&["estimate", &x, &y, "--k", "3"]), 1);
    assert!(
        err.contains("x.csv") && err.contains("3 points") && err.contains("--k"),
        "{err}"
    );

    let y3 = d.file("y3.csv", "9,9,1\n8,1,1\n7,3,1\n6,6,1\n");
    let err = fails(&run(&["estimate", &x, &y3, "--k", "1"]), 1);
    assert!(
        err.contains("x.csv") && err.contains("y3.csv") && err.contains("dimension"),
        "{err}"
    );

    let ynan = d.file("ynan.csv", "p,q\n9,9\n8,1\n# note\n7,nan\n6,6\n");
    let err = fails(&run(&["estimate", &x, &ynan, "--k", "1"]), 1);
    assert!(
        err.contains("ynan.csv: line 5, column 2 ('q')") && err.contains("NaN"),
        "{err}"
    );
}

#[test]
fn usage_errors_exit_2() {
    let d = Dir::new("usage");
    let x = d.file("x.csv", "0,0\n1,2\n3,1\n");
    let err = fails(&run(&["estimate", &x, &x, "--metric", "manhattan"]), 2);
    assert!(err.contains("--metric"), "{err}");
    fails(&run(&["estimate", &x]), 2);
    fails(&run(&["estimate", &x, &x, "--k", "0"]), 2);
    fails(&run(&["estimate", &x, &x, "--ci", "1.5"]), 2);
    fails(&run(&["estimate", &x, &x, "--bootstrap", "5"]), 2);
    fails(&run(&["estimate", &x, &x, "--l", "3"]), 2);
    fails(&run(&["estimate", &x, &x, "--base", "1"]), 2);
}

#[test]
fn tour_chapter_is_listed_and_runs() {
    let out = run(&["tour", "--list"]);
    assert!(out.status.success());
    let list = String::from_utf8(out.stdout).unwrap();
    assert!(list.contains("samples"), "{list}");
    let out = run(&["tour", "--chapter", "samples"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("95% interval"), "{text}");
    assert!(text.contains("digit 3 ‖ digit 8"), "{text}");
    assert!(text.contains('['), "{text}");
}

#[test]
fn variants_and_csv_output() {
    let d = Dir::new("variants");
    let (_, xs) = sample(6, 300, 0.0);
    let (_, ys) = sample(7, 300, 0.5);
    let (xp, yp) = (d.file("x.csv", &xs), d.file("y.csv", &ys));
    let v = json(&run(&[
        "estimate",
        &xp,
        &yp,
        "--variant",
        "bias-corrected",
        "--l",
        "7",
        "-f",
        "json",
    ]));
    assert_eq!(v["variant"], "knn-bias-corrected");
    assert_eq!(v["l"], 7);
    let v = json(&run(&[
        "estimate",
        &xp,
        &yp,
        "--variant",
        "adaptive",
        "--metric",
        "chebyshev",
        "-f",
        "json",
    ]));
    assert_eq!(v["variant"], "knn-adaptive");
    assert_eq!(v["metric"], "chebyshev");
    let out = run(&["estimate", &xp, &yp, "-B", "20", "-f", "csv"]);
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(
        lines[0].starts_with("measure,value,unit,method,error"),
        "{text}"
    );
    assert!(
        lines[1].starts_with("kl,") && lines[1].contains(",20,0"),
        "{text}"
    );
}
