//! End-to-end tests of `kldiv fit`, `kldiv vi` and the `modes` tour chapter.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{check_png, check_svg, run};
use serde_json::Value;
use std::path::PathBuf;

const BIMODAL: &str = "mixture(0.5*normal(-2, 0.6), 0.5*normal(2, 0.6))";
const BIMODAL_2D: &str = "mixture(0.5*mvnormal(mean=[-2, 0], cov=[[0.36, 0], [0, 0.36]]), \
                          0.5*mvnormal(mean=[2, 0], cov=[[0.36, 0.1], [0.1, 0.36]]))";

fn json(args: &[&str]) -> Value {
    common::json(&run(args))
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("kldiv-variational-cli-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d.join(name)
}

fn data() -> String {
    concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/breast_cancer.csv").to_string()
}

#[test]
fn fit_both_directions_json() {
    let v = json(&["fit", "--target", BIMODAL, "--format", "json"]);
    assert_eq!(v["measure"], "forward-kl");
    assert_eq!(v["unit"], "nats");
    assert_eq!(v["method"], "quadrature");
    let fits = v["fits"].as_array().unwrap();
    assert_eq!(fits.len(), 2);
    let (f, r) = (&fits[0], &fits[1]);
    assert_eq!(f["direction"], "forward");
    assert_eq!(f["method"], "exact-moments");
    assert!(f["mean"][0].as_f64().unwrap().abs() < 1e-12);
    assert!((f["std"][0].as_f64().unwrap().powi(2) - 4.36).abs() < 1e-12);
    assert_eq!(r["direction"], "reverse");
    assert!((r["mean"][0].as_f64().unwrap().abs() - 2.0).abs() < 0.1);
    assert_eq!(r["converged"], true);
    let kl = |x: &Value, k: &str| x[k]["value"].as_f64().unwrap();
    assert!(kl(f, "forward_kl") < kl(r, "forward_kl"));
    assert!(kl(r, "reverse_kl") < kl(f, "reverse_kl"));
    assert_eq!(v["value"].as_f64().unwrap(), kl(f, "forward_kl"));
}

#[test]
fn fit_reverse_from_a_chosen_start_and_csv() {
    let v = json(&[
        "fit",
        "--target",
        BIMODAL,
        "--direction",
        "reverse",
        "--init",
        "1.2",
        "-f",
        "json",
    ]);
    assert_eq!(v["measure"], "reverse-kl");
    assert!((v["fits"][0]["mean"][0].as_f64().unwrap() - 2.0).abs() < 0.1);
    let o = run(&[
        "fit",
        "--target",
        "gamma(2, 1)",
        "--direction",
        "forward",
        "-f",
        "csv",
    ]);
    assert!(o.status.success());
    let s = String::from_utf8(o.stdout).unwrap();
    let mut lines = s.lines();
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("direction,method,mean,std,forward_kl")
    );
    let row = lines.next().unwrap();
    assert!(row.starts_with("forward,exact-moments,2,"), "{row}");
    assert!(
        row.contains(",inf,closed-form,"),
        "D(Q‖P) = inf for a half-line target: {row}"
    );
}

#[test]
fn fit_figures_are_valid_png_and_svg() {
    let svg = tmp("fit1d.svg");
    let png1 = tmp("fit1d.png");
    let png2 = tmp("fit2d.png");
    for p in [&svg, &png1] {
        let v = json(&[
            "fit",
            "--target",
            BIMODAL,
            "--plot",
            p.to_str().unwrap(),
            "-f",
            "json",
        ]);
        assert_eq!(v["plot"], p.to_str().unwrap());
    }
    check_svg(&svg);
    check_png(&png1);
    let v = json(&[
        "fit",
        "--target",
        BIMODAL_2D,
        "--samples",
        "20000",
        "--iters",
        "800",
        "--plot",
        png2.to_str().unwrap(),
        "-f",
        "json",
    ]);
    check_png(&png2);
    assert_eq!(v["dim"], 2);
    let r = &v["fits"][1];
    assert!((r["mean"][0].as_f64().unwrap().abs() - 2.0).abs() < 0.1);
    assert_eq!(r["reverse_kl"]["method"], "monte-carlo");
    assert_eq!(r["reverse_kl"]["samples"], 20000);
}

#[test]
fn fit_errors_name_the_problem() {
    let o = run(&["fit", "--target", "gamma(2, 1)", "--direction", "reverse"]);
    assert_eq!(o.status.code(), Some(1));
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(e.contains("gamma") && e.contains("bounded"), "{e}");
    let o = run(&["fit", "--target", "normal(0, -1)"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("-1"));
    let o = run(&["fit", "--target", BIMODAL, "--init", "1,2"]);
    assert_eq!(o.status.code(), Some(2));
    let o = run(&["fit", "--target", "poisson(3)"]);
    assert_eq!(o.status.code(), Some(1));
    let o = run(&[
        "fit",
        "--target",
        "mvnormal(mean=[0, 0, 0], var=[1, 1, 1])",
        "--plot",
        "x.svg",
    ]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn vi_logistic_regression_on_breast_cancer() {
    let plot = tmp("elbo.svg");
    let full = json(&[
        "vi",
        "--model",
        "logistic",
        "--data",
        &data(),
        "--label-column",
        "malignant",
        "--seed",
        "3",
        "--plot",
        plot.to_str().unwrap(),
        "-f",
        "json",
    ]);
    check_svg(&plot);
    assert_eq!(full["measure"], "elbo");
    assert_eq!(full["method"], "monte-carlo");
    assert_eq!(full["family"], "fullrank");
    assert!(full["accuracy"]["held_out"].as_f64().unwrap() >= 0.95);
    assert_eq!(full["split"]["test"], 114);
    let post = full["posterior"].as_array().unwrap();
    assert_eq!(post.len(), 31);
    assert_eq!(post[0]["name"], "(intercept)");
    assert_eq!(post[1]["name"], "mean_radius");
    let mf = json(&[
        "vi",
        "--data",
        &data(),
        "--label-column",
        "31",
        "--family",
        "meanfield",
        "--seed",
        "3",
        "-f",
        "json",
    ]);
    assert_eq!(mf["family"], "meanfield");
    let (a, b) = (
        full["value"].as_f64().unwrap(),
        mf["value"].as_f64().unwrap(),
    );
    let se = full["error"]
        .as_f64()
        .unwrap()
        .hypot(mf["error"].as_f64().unwrap());
    assert!(a >= b - 2.0 * se, "full-rank {a}, mean-field {b}");
}

#[test]
fn vi_errors_name_file_row_and_value() {
    let o = run(&["vi", "--data", &data(), "--label-column", "benign"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("benign"));
    let bad = tmp("bad.csv");
    std::fs::write(&bad, "a,b,y\n0.5,1,0\n0.1,2,1\n0.3,1,2\n").unwrap();
    let o = run(&["vi", "--data", bad.to_str().unwrap(), "--label-column", "y"]);
    assert_eq!(o.status.code(), Some(1));
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(
        e.contains("bad.csv") && e.contains("line 4") && e.contains("'y'") && e.contains(" 2 "),
        "{e}"
    );
    let o = run(&["vi", "--data", "no-such.csv", "--label-column", "y"]);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn tour_modes_chapter_writes_its_figure() {
    let dir = tmp("tour");
    let o = run(&[
        "tour",
        "--chapter",
        "modes",
        "--figures",
        dir.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let s = String::from_utf8(o.stdout).unwrap();
    let fig = dir.join("modes.svg");
    assert!(s.contains(fig.to_str().unwrap()), "{s}");
    assert!(s.contains("0.691836"), "{s}"); // D(Q‖P) at the mode ≈ ln 2
    check_svg(&fig);
}
