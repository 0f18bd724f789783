//! End-to-end tests of `kldiv dist` and the parametric tour chapters.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::run;
use serde_json::Value;
use std::process::Output;

fn json(args: &[&str]) -> Value {
    common::json(&run(args))
}

fn stderr_line(o: &Output) -> String {
    let s = String::from_utf8_lossy(&o.stderr).to_string();
    assert_eq!(
        s.trim_end().lines().count(),
        1,
        "one-line message expected: {s}"
    );
    s
}

#[test]
fn gaussian_closed_form_json() {
    let v = json(&[
        "dist",
        "normal(mean=0, std=1)",
        "normal(mean=1, std=2)",
        "--format",
        "json",
    ]);
    assert_eq!(v["measure"], "kl");
    assert_eq!(v["unit"], "nats");
    assert_eq!(v["method"], "closed-form");
    assert!(v["error"].is_null());
    let want = 2f64.ln() - 0.25;
    assert!((v["value"].as_f64().unwrap() - want).abs() < 1e-15);
    let b = json(&[
        "dist",
        "normal(0, 1)",
        "normal(1, 2)",
        "--base",
        "2",
        "--format",
        "json",
    ]);
    assert_eq!(b["unit"], "bits");
    assert!((b["value"].as_f64().unwrap() - want / std::f64::consts::LN_2).abs() < 1e-15);
}

#[test]
fn infinite_is_the_string_inf() {
    let v = json(&[
        "dist",
        "normal(0, 1)",
        "exponential(rate=1)",
        "--format",
        "json",
    ]);
    assert_eq!(v["value"], "inf");
}

#[test]
fn methods_quad_and_mc_report_errors() {
    let p = "mixture(0.5*normal(-2, 0.6), 0.5*normal(2, 0.6))";
    let q = "normal(0, 2)";
    let a = json(&["dist", p, q, "--format", "json"]);
    assert_eq!(a["method"], "quadrature");
    let qerr = a["error"].as_f64().unwrap();
    let m = json(&[
        "dist",
        p,
        q,
        "--method",
        "mc",
        "--samples",
        "50000",
        "--seed",
        "3",
        "--format",
        "json",
    ]);
    assert_eq!(m["method"], "monte-carlo");
    assert_eq!(m["samples"], 50000);
    assert_eq!(m["seed"], 3);
    let se = m["error"].as_f64().unwrap();
    let d = (a["value"].as_f64().unwrap() - m["value"].as_f64().unwrap()).abs();
    assert!(d <= 4.0 * se + qerr, "quad vs mc differ by {d}, se {se}");
    // Closed form forced where none exists: exit 1, one line.
    let o = run(&["dist", p, q, "--method", "closed"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr_line(&o).contains("closed-form"));
}

#[test]
fn discrete_and_multivariate() {
    let v = json(&[
        "dist",
        "poisson(rate=3)",
        "poisson(rate=2)",
        "--format",
        "json",
    ]);
    let want = 3.0 * (1.5f64).ln() - 1.0;
    assert!((v["value"].as_f64().unwrap() - want).abs() < 1e-14);
    let v = json(&[
        "dist",
        "mvnormal(mean=[0, 0], cov=[[1, 0], [0, 1]])",
        "mvnormal(mean=[1, 0], var=[1, 1])",
        "--format",
        "json",
    ]);
    assert!((v["value"].as_f64().unwrap() - 0.5).abs() < 1e-15);
}

#[test]
fn table_and_csv() {
    let o = run(&["dist", "gamma(2, 1)", "exponential(1)", "--format", "table"]);
    assert!(o.status.success());
    let s = String::from_utf8_lossy(&o.stdout);
    assert!(
        s.contains("D(P‖Q)") && s.contains("nats") && s.contains("closed-form"),
        "{s}"
    );
    let o = run(&["dist", "gamma(2, 1)", "exponential(1)", "--format", "csv"]);
    let s = String::from_utf8_lossy(&o.stdout);
    assert!(s.starts_with("measure,value,unit,method,error\nkl,"), "{s}");
}

#[test]
fn list_has_every_family_and_pairs() {
    let v = json(&["dist", "--list", "--format", "json"]);
    let fams = v["families"].as_array().unwrap();
    for name in [
        "normal",
        "gamma",
        "vonmises",
        "negativebinomial",
        "mvnormal",
        "dirichlet",
        "mixture",
    ] {
        assert!(fams.iter().any(|f| f["name"] == name), "{name}");
    }
    let pairs = v["closed_forms"].as_array().unwrap();
    assert!(pairs.iter().any(|p| p["p"] == "beta" && p["q"] == "gamma"));
    let o = run(&["dist", "--list", "--format", "table"]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("Closed-form pairs"));
}

#[test]
fn errors_exit_codes_and_messages() {
    // Spec errors: exit 1, one line naming the parameter and value or the position.
    let o = run(&["dist", "normal(mean=0, std=-1)", "normal(0, 1)"]);
    assert_eq!(o.status.code(), Some(1));
    let m = stderr_line(&o);
    assert!(m.contains("std") && m.contains("-1"), "{m}");
    let o = run(&["dist", "normal(0, 1", "normal(0, 1)"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr_line(&o).contains("position 11"));
    let o = run(&[
        "dist",
        "mvnormal(mean=[0,0], cov=[[1,2],[2,1]])",
        "mvnormal(mean=[0,0], var=[1,1])",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr_line(&o).contains("positive definite"));
    // Usage errors: exit 2.
    assert_eq!(run(&["dist", "normal(0, 1)"]).status.code(), Some(2));
    assert_eq!(
        run(&["dist", "normal(0,1)", "normal(0,1)", "--method", "magic"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        run(&["dist", "normal(0,1)", "normal(0,1)", "--base", "1"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        run(&["dist", "normal(0,1)", "normal(0,1)", "--samples", "1"])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn tour_chapters_run() {
    let o = run(&["tour", "--list"]);
    let s = String::from_utf8_lossy(&o.stdout);
    assert!(s.contains("gaussian") && s.contains("mixture"), "{s}");
    let o = run(&["tour", "--chapter", "gaussian"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let s = String::from_utf8_lossy(&o.stdout);
    assert!(
        s.contains("D(P‖Q) = 0.443147") && s.contains("D(Q‖P)"),
        "{s}"
    );
    let o = run(&["tour", "--chapter", "mixture"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let s = String::from_utf8_lossy(&o.stdout);
    assert!(
        s.contains("quadrature") && s.contains("Monte Carlo") && s.contains("standard errors"),
        "{s}"
    );
}
