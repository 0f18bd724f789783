//! End-to-end tests of `kldiv loss` and its tour chapters.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{Dir, json, run};

fn lse(x: &[f64]) -> f64 {
    let m = x.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    m + x.iter().map(|v| (v - m).exp()).sum::<f64>().ln()
}

fn forward_kl(t: &[f64], s: &[f64]) -> f64 {
    let (lt, ls) = (lse(t), lse(s));
    t.iter()
        .zip(s)
        .map(|(a, b)| (a - lt).exp() * ((a - lt) - (b - ls)))
        .sum()
}

const T: [[f64; 3]; 2] = [[0.0, 1.0, 2.0], [1.0, -1.0, 0.5]];
const S: [[f64; 3]; 2] = [[0.5, 0.5, 1.0], [0.0, 0.0, 3.0]];

fn csv(m: &[[f64; 3]; 2]) -> String {
    m.iter()
        .map(|r| {
            r.iter()
                .map(|x| x.to_string())
                .collect::<Vec<_>>()
                .join(",")
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

#[test]
fn forward_kl_batchmean_and_gradient_file() {
    let d = Dir::new("fwd");
    let t = d.file("t.csv", csv(&T));
    let s = d.file("s.csv", csv(&S));
    let g = d.path("g.npy");
    let v = json(&run(&[
        "loss",
        "--teacher",
        &t,
        "--student",
        &s,
        "--grad-out",
        &g,
        "--format",
        "json",
    ]));
    let want = (forward_kl(&T[0], &S[0]) + forward_kl(&T[1], &S[1])) / 2.0;
    assert_eq!(v["measure"], "forward-kl");
    assert_eq!(v["unit"], "nats");
    assert_eq!(v["reduction"], "batchmean");
    assert!((v["value"].as_f64().unwrap() - want).abs() < 1e-12, "{v}");
    // The gradient file: a (2, 3) float64 .npy holding (Q − P)/B.
    let bytes = std::fs::read(&g).unwrap();
    assert_eq!(&bytes[..6], b"\x93NUMPY");
    let hlen = u16::from_le_bytes([bytes[8], bytes[9]]) as usize;
    let header = std::str::from_utf8(&bytes[10..10 + hlen]).unwrap();
    assert!(
        header.contains("'<f8'") && header.contains("(2, 3)"),
        "{header}"
    );
    assert_eq!((10 + hlen) % 64, 0);
    let data: Vec<f64> = bytes[10 + hlen..]
        .chunks_exact(8)
        .map(|c| f64::from_le_bytes(c.try_into().unwrap()))
        .collect();
    assert_eq!(data.len(), 6);
    for r in 0..2 {
        let (lt, ls) = (lse(&T[r]), lse(&S[r]));
        for i in 0..3 {
            let want = ((S[r][i] - ls).exp() - (T[r][i] - lt).exp()) / 2.0;
            assert!((data[r * 3 + i] - want).abs() < 1e-12);
        }
    }
}

#[test]
fn reductions_temperature_and_ignore_index() {
    let d = Dir::new("red");
    let t = d.file("t.csv", csv(&T));
    let s = d.file("s.csv", csv(&S));
    let l = d.file("l.csv", "2\n-100\n");
    let none = json(&run(&[
        "loss",
        "--teacher",
        &t,
        "--student",
        &s,
        "--reduction",
        "none",
        "-f",
        "json",
    ]));
    let rows: Vec<f64> = none["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect();
    assert!((rows[1] - forward_kl(&T[1], &S[1])).abs() < 1e-12);
    let ignored = json(&run(&[
        "loss",
        "--teacher",
        &t,
        "--student",
        &s,
        "--labels",
        &l,
        "--ignore-index",
        "-100",
        "--reduction",
        "mean",
        "-f",
        "json",
    ]));
    assert_eq!(ignored["counted"], 1);
    assert!((ignored["value"].as_f64().unwrap() - rows[0] / 3.0).abs() < 1e-12);
    // Temperature 2 with T²: 4 · KL(softmax(t/2) ‖ softmax(s/2)), summed.
    let hot = json(&run(&[
        "loss",
        "--teacher",
        &t,
        "--student",
        &s,
        "--temperature",
        "2",
        "--t2",
        "--reduction",
        "sum",
        "-f",
        "json",
    ]));
    let half = |m: &[f64; 3]| m.map(|x| x / 2.0);
    let want =
        4.0 * (forward_kl(&half(&T[0]), &half(&S[0])) + forward_kl(&half(&T[1]), &half(&S[1])));
    assert!((hot["value"].as_f64().unwrap() - want).abs() < 1e-12);
    // Reverse and JSD run and are ordered as expected on these rows.
    for div in ["reverse", "jsd"] {
        let v = json(&run(&[
            "loss",
            "--teacher",
            &t,
            "--student",
            &s,
            "--divergence",
            div,
            "-f",
            "json",
        ]));
        assert!(v["value"].as_f64().unwrap() > 0.0);
    }
}

#[test]
fn data_errors_name_file_row_column_and_value() {
    let d = Dir::new("err");
    let t = d.file("t.csv", csv(&T));
    let s = d.file("s.csv", "0.5,0.5,1.0\n0.0,nan,3.0\n");
    let out = run(&["loss", "--teacher", &t, "--student", &s]);
    assert_eq!(out.status.code(), Some(1));
    let msg = String::from_utf8_lossy(&out.stderr);
    assert!(
        msg.contains("s.csv")
            && msg.contains("line 2")
            && msg.contains("column 2")
            && msg.contains("NaN"),
        "{msg}"
    );
    assert_eq!(msg.trim().lines().count(), 1);
    // Probabilities that do not sum to one.
    let p = d.file("p.csv", "0.5,0.2,0.2\n0.2,0.3,0.5\n");
    let s = d.file("s2.csv", csv(&S));
    let out = run(&[
        "loss",
        "--teacher",
        &p,
        "--teacher-kind",
        "probs",
        "--student",
        &s,
    ]);
    assert_eq!(out.status.code(), Some(1));
    let msg = String::from_utf8_lossy(&out.stderr);
    assert!(
        msg.contains("p.csv") && msg.contains("line 1") && msg.contains("sums to"),
        "{msg}"
    );
    // Shapes differ.
    let small = d.file("small.csv", "1,2\n3,4\n");
    let out = run(&["loss", "--teacher", &small, "--student", &s]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn usage_errors_exit_2() {
    let d = Dir::new("usage");
    let t = d.file("t.csv", csv(&T));
    for args in [
        vec![
            "loss",
            "--teacher",
            &t,
            "--student",
            &t,
            "--divergence",
            "sideways",
        ],
        vec![
            "loss",
            "--teacher",
            &t,
            "--student",
            &t,
            "--divergence",
            "jsd",
            "--beta",
            "1.5",
        ],
        vec![
            "loss",
            "--teacher",
            &t,
            "--student",
            &t,
            "--temperature",
            "0",
        ],
        vec![
            "loss",
            "--teacher",
            &t,
            "--student",
            &t,
            "--ignore-index",
            "-100",
        ],
    ] {
        let out = run(&args);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn tour_loss_chapters_run() {
    let out = run(&["tour", "--chapter", "distillation"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("forward KL(P‖Q)") && text.contains("JSD"));
    let out = run(&["tour", "--chapter", "loss-logits"]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("Q − P"));
}
