//! End-to-end tests of `kldiv discrete` and `kldiv tour`: outputs, and for every bad input an
//! exit code and a one-line message that names the file, the place and the value.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{Dir, bin, json, run};
use std::io::Write;
use std::process::{Output, Stdio};

/// KL((0.5, 0.5) ‖ (0.9, 0.1)) in nats (mpmath: 0.510825623765990643114...).
const KL: f64 = 0.510_825_623_765_990_6;

/// Asserts a failure (see [`common::fails`]) whose message contains every `needle`.
fn fails(out: &Output, code: i32, needles: &[&str]) {
    let err = common::fails(out, code);
    for n in needles {
        assert!(err.contains(n), "'{n}' missing from: {err}");
    }
}

#[test]
fn kl_in_bits_as_json() {
    let d = Dir::new("bits");
    let p = d.file("p.csv", b"0.5\n0.5\n");
    let q = d.file("q.csv", b"0.9\n0.1\n");
    let v = json(&run(&[
        "discrete", &p, &q, "--base", "2", "--format", "json",
    ]));
    assert_eq!(v["measure"], "kl");
    assert_eq!(v["unit"], "bits");
    assert_eq!(v["method"], "exact");
    assert!(v["error"].is_null());
    let want = KL / std::f64::consts::LN_2;
    assert!((v["value"].as_f64().unwrap() - want).abs() < 1e-15);
}

#[test]
fn every_input_format_gives_the_same_value() {
    let d = Dir::new("formats");
    let q = d.file("q.csv", b"0.9,0.1\n");
    let mut npy = Vec::new();
    let header = "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }";
    npy.extend_from_slice(b"\x93NUMPY\x01\x00");
    npy.extend_from_slice(&(header.len() as u16).to_le_bytes());
    npy.extend_from_slice(header.as_bytes());
    npy.extend_from_slice(&0.5f64.to_le_bytes());
    npy.extend_from_slice(&0.5f64.to_le_bytes());
    let inputs = [
        d.file("p_col.csv", b"p\n0.5\n0.5\n"),
        d.file("p_row.csv", b"a,b\n0.5,0.5\n"),
        d.file("p.tsv", b"0.5\t0.5\n"),
        d.file("p.json", b"[0.5, 0.5]"),
        d.file("p.npy", &npy),
        d.file("p.txt", b"# comment\n0.5 0.5\n"),
    ];
    for p in &inputs {
        let v = json(&run(&["discrete", p, &q, "-f", "json"]));
        assert!((v["value"].as_f64().unwrap() - KL).abs() < 1e-15, "{p}");
    }
    // Standard input.
    let mut child = bin()
        .args(["discrete", "-", &q, "-f", "json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"0.5,0.5\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!((json(&out)["value"].as_f64().unwrap() - KL).abs() < 1e-15);
}

#[test]
fn all_measures_and_csv_and_table() {
    let d = Dir::new("all");
    let p = d.file("p.csv", b"0.5,0.5\n");
    let q = d.file("q.csv", b"0.9,0.1\n");
    let v = json(&run(&[
        "discrete",
        &p,
        &q,
        "--measure",
        "all",
        "-f",
        "json",
    ]));
    let m = v["measures"].as_object().unwrap();
    assert_eq!(m.len(), 8);
    assert!((m["reverse-kl"].as_f64().unwrap() - 0.368_064_207_168_497_1).abs() < 1e-15);
    let out = run(&["discrete", &p, &q, "-m", "kl,js", "-f", "csv"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with("measure,value,unit\nkl,0.510825623765990"),
        "{text}"
    );
    assert!(text.contains(",nats\njs,0.10174922507919"), "{text}");
    let out = run(&["discrete", &p, &q, "-f", "table"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("kl  0.510826  nats"), "{text}");
}

#[test]
fn infinity_and_explanation() {
    let d = Dir::new("inf");
    let p = d.file("p.csv", b"0.5,0.3,0.2\n");
    let q = d.file("q.csv", b"0.5,0.5,0\n");
    let v = json(&run(&["discrete", &p, &q, "--explain", "3", "-f", "json"]));
    assert_eq!(v["value"], "inf");
    assert_eq!(v["explain"]["unsupported"][0], 2);
    assert!((v["explain"]["mass_outside"].as_f64().unwrap() - 0.2).abs() < 1e-15);
    // Each smoothing makes it finite, and is reported.
    for s in ["add:1", "floor:1e-3", "mix:0.01"] {
        let v = json(&run(&["discrete", &p, &q, "--smooth", s, "-f", "json"]));
        assert!(v["value"].as_f64().unwrap().is_finite(), "{s}");
        assert!(
            v["smoothing"]
                .as_str()
                .unwrap()
                .starts_with(s.split(':').next().unwrap())
        );
    }
    fails(
        &run(&["discrete", &p, &q, "--support", "error"]),
        1,
        &["q.csv", "column 3", "p[2] = 0.2 > 0 where q[2] = 0", "0.2"],
    );
}

#[test]
fn counts_are_divided_by_their_totals() {
    let d = Dir::new("counts");
    let p = d.file("p.csv", b"12,3,4,2,3\n");
    let q = d.file("q.csv", b"20,6,5,5,1\n");
    let v = json(&run(&["discrete", &p, &q, "-f", "json"]));
    assert_eq!(v["normalize"], "counts");
    let pf = [12.0, 3.0, 4.0, 2.0, 3.0].map(|x: f64| x / 24.0);
    let qf = [20.0, 6.0, 5.0, 5.0, 1.0].map(|x: f64| x / 37.0);
    let want: f64 = pf.iter().zip(&qf).map(|(a, b)| a * (a / b).ln()).sum();
    assert!((v["value"].as_f64().unwrap() - want).abs() < 1e-14);
    // A float side that does not sum to one is still an error.
    let bad = d.file("bad.csv", b"0.5,0.1,0.1,0.1,0.1\n");
    fails(
        &run(&["discrete", &bad, &q]),
        1,
        &["bad.csv", "sums to 0.9"],
    );
}

#[test]
fn row_batches() {
    let d = Dir::new("rows");
    let p = d.file("P.csv", b"0.5,0.5\n0.9,0.1\n1,0\n");
    let q = d.file("Q.csv", b"0.9,0.1\n0.5,0.5\n0.5,0.5\n");
    let one = d.file("q1.csv", b"0.5,0.5\n");
    let v = json(&run(&["discrete", &p, &q, "--rows", "-f", "json"]));
    let vals = v["values"].as_array().unwrap();
    assert_eq!(vals.len(), 3);
    assert!((vals[2].as_f64().unwrap() - std::f64::consts::LN_2).abs() < 1e-15);
    let v = json(&run(&["discrete", &p, &one, "--rows", "-f", "json"]));
    assert_eq!(v["values"][0].as_f64().unwrap(), 0.0);
    let v = json(&run(&[
        "discrete",
        &p,
        &q,
        "--rows",
        "--pairwise",
        "-m",
        "js",
        "-f",
        "json",
    ]));
    assert_eq!(v["values"].as_array().unwrap().len(), 3);
    assert_eq!(v["values"][0].as_array().unwrap().len(), 3);
    let bad = d.file("B.csv", b"0.5,0.5\n0.9,-0.1\n");
    fails(
        &run(&["discrete", &bad, &one, "--rows"]),
        1,
        &["B.csv", "line 2, column 2", "p[1] = -0.1 is negative"],
    );
    let two = d.file("Q2.csv", b"0.5,0.5\n0.5,0.5\n");
    fails(&run(&["discrete", &p, &two, "--rows"]), 1, &["3 rows", "2"]);
    fails(
        &run(&["discrete", &p, &q]),
        1,
        &["P.csv", "3 × 2 matrix", "--rows"],
    );
}

#[test]
fn entropy_needs_no_q() {
    let d = Dir::new("entropy");
    let p = d.file("p.csv", b"0.25,0.25,0.25,0.25\n");
    let v = json(&run(&["discrete", &p, "-b", "2", "-f", "json"]));
    assert_eq!(v["measure"], "entropy");
    assert!((v["value"].as_f64().unwrap() - 2.0).abs() < 1e-15);
    fails(
        &run(&["discrete", &p, "-m", "kl"]),
        2,
        &["needs a second distribution"],
    );
}

#[test]
fn bad_values_are_located() {
    let d = Dir::new("bad");
    let q = d.file("q.csv", b"0.2\n0.3\n0.5\n");
    let cases: [(&str, &[u8], &[&str]); 6] = [
        (
            "nan.csv",
            b"0.2\nnan\n0.8\n",
            &["nan.csv", "line 2", "p[1] = NaN is not a finite number"],
        ),
        (
            "neg.csv",
            b"0.5\n-0.1\n0.6\n",
            &["neg.csv", "line 2", "p[1] = -0.1 is negative"],
        ),
        (
            "inf.csv",
            b"0.5\ninf\n0.5\n",
            &["inf.csv", "line 2", "p[1] = inf"],
        ),
        (
            "sum.csv",
            b"0.5\n0.5\n0.5\n",
            &["sum.csv", "p sums to 1.5", "renormalize"],
        ),
        (
            "short.csv",
            b"0.5\n0.5\n",
            &["short.csv has 2 outcomes", "q.csv has 3"],
        ),
        (
            "hdr.csv",
            b"p\n0.5\n0.5\n-1\n",
            &["hdr.csv", "line 4", "p[2] = -1 is negative"],
        ),
    ];
    for (name, content, needles) in cases {
        let p = d.file(name, content);
        fails(&run(&["discrete", &p, &q]), 1, needles);
    }
    // q's problems name q's file.
    let p = d.file("ok.csv", b"0.2\n0.3\n0.5\n");
    let qn = d.file("qneg.csv", b"0.2\n0.9\n-0.1\n");
    fails(
        &run(&["discrete", &p, &qn]),
        1,
        &["qneg.csv", "line 3", "q[2] = -0.1"],
    );
    // All-zero input to renormalize.
    let z = d.file("zero.csv", b"0\n0\n0\n");
    let zf = d.file("zerof.csv", b"0.0\n0.0\n0.0\n");
    fails(
        &run(&["discrete", &z, &q]),
        1,
        &["zero.csv", "total mass 0"],
    );
    fails(
        &run(&["discrete", &zf, &q, "--normalize", "renormalize"]),
        1,
        &["zerof.csv", "total mass 0"],
    );
}

#[test]
fn malformed_files_are_located() {
    let d = Dir::new("malformed");
    let q = d.file("q.csv", b"0.5,0.5\n");
    let ragged = d.file("ragged.csv", b"0.5,0.5\n0.1\n");
    fails(
        &run(&["discrete", &ragged, &q, "--rows"]),
        1,
        &[
            "ragged.csv",
            "line 2",
            "expected 2 fields like the first line, found 1",
        ],
    );
    let text = d.file("text.csv", b"a,b\n0.5,abc\n");
    fails(
        &run(&["discrete", &text, &q]),
        1,
        &[
            "text.csv",
            "line 2, column 2 ('b')",
            "'abc' is not a number",
        ],
    );
    let empty = d.file("empty.csv", b"");
    fails(
        &run(&["discrete", &empty, &q]),
        1,
        &["empty.csv", "no numbers"],
    );
    let badjson = d.file("bad.json", b"[0.5, \"x\"]");
    fails(
        &run(&["discrete", &badjson, &q]),
        1,
        &["bad.json", "index 1", "\"x\" is not a number"],
    );
    let missing = d.0.join("missing.csv").to_string_lossy().into_owned();
    fails(
        &run(&["discrete", &missing, &q]),
        1,
        &["missing.csv", "no such file"],
    );
    let npy = d.file("bad.npy", b"\x93NUMPY\x01\x00\x10\x00{'descr': '<c16'");
    fails(
        &run(&["discrete", &npy, &q]),
        1,
        &["bad.npy", "invalid .npy"],
    );
}

#[test]
fn usage_errors_exit_2() {
    let d = Dir::new("usage");
    let p = d.file("p.csv", b"0.5,0.5\n");
    fails(
        &run(&["discrete", &p, &p, "--base", "1"]),
        2,
        &["--base", "'1'"],
    );
    fails(
        &run(&["discrete", &p, &p, "--base=-2"]),
        2,
        &["--base", "'-2'"],
    );
    fails(
        &run(&["discrete", &p, &p, "--smooth", "add:-1"]),
        2,
        &["--smooth", "add:-1", "alpha"],
    );
    fails(
        &run(&["discrete", &p, &p, "--smooth", "mix:2"]),
        2,
        &["--smooth", "alpha = 2"],
    );
    fails(
        &run(&["discrete", &p, &p, "--smooth", "wat"]),
        2,
        &["--smooth"],
    );
    fails(
        &run(&["discrete", &p, &p, "--measure", "klx"]),
        2,
        &["unknown measure 'klx'"],
    );
    fails(
        &run(&["discrete", &p, &p, "--normalize", "maybe"]),
        2,
        &["maybe"],
    );
    fails(&run(&["discrete"]), 2, &["<P>"]);
}

#[test]
fn tour_prints_every_chapter() {
    let out = run(&["tour"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for needle in [
        "0.356675 nats",
        "2.30259 nats",
        "1.20397 nats",
        "0.510826 nats",
        "0.368064 nats",
        "H(P,Q) − H(P)",
        "add:1",
        "floor:0.001",
        "mix:0.01",
    ] {
        assert!(text.contains(needle), "'{needle}' missing from the tour");
    }
    let list = String::from_utf8(run(&["tour", "--list"]).stdout).unwrap();
    assert!(list.contains("next-token"));
    fails(&run(&["tour", "--chapter", "nope"]), 2, &["no chapter"]);
}
