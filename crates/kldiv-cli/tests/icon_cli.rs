//! End-to-end tests of `kldiv icon` and its tour chapter.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{Dir, check_png, fails, json, run};
use kldiv_cli::input::write_npy;

const DIGITS: &str = include_str!("../../../data/digits.csv");

/// The header and the first `rows` digits.
fn digits(rows: usize) -> String {
    DIGITS.lines().take(rows + 1).collect::<Vec<_>>().join("\n") + "\n"
}

#[test]
fn tsne_writes_embedding_trace_and_figures() {
    let dir = Dir::new("tsne");
    let data = dir.file("digits.csv", digits(300));
    let (out, plot, loss, trace) = (
        dir.path("emb.csv"),
        dir.path("emb.png"),
        dir.path("loss.svg"),
        dir.path("trace.csv"),
    );
    let o = run(&[
        "icon",
        "--data",
        &data,
        "--label-column",
        "label",
        "--method",
        "tsne",
        "--iters",
        "200",
        "--exaggeration-iters",
        "100",
        "--out",
        &out,
        "--plot",
        &plot,
        "--loss-plot",
        &loss,
        "--trace",
        &trace,
        "--format",
        "json",
    ]);
    let v = json(&o);
    assert_eq!(v["measure"], "kl");
    assert_eq!(v["unit"], "nats");
    assert!(v["value"].as_f64().unwrap() > 0.0);
    assert_eq!(v["n"], 300);
    assert_eq!(v["d"], 64);
    // 300 points: the automatic gradient is exact (Barnes–Hut above 2000 points).
    assert!(v["method"].as_str().unwrap().contains("exact gradient"));
    let t = v["trustworthiness"]["value"].as_f64().unwrap();
    assert!(t > 0.9 && t <= 1.0, "{t}");
    let emb = std::fs::read_to_string(&out).unwrap();
    let mut lines = emb.lines();
    assert_eq!(lines.next(), Some("y1,y2,label"));
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 300);
    assert!(rows[0].ends_with(",0"));
    check_png(&plot);
    let svg = std::fs::read_to_string(&loss).unwrap();
    assert!(svg.contains("<svg") && svg.trim_end().ends_with("</svg>"));
    let tr = std::fs::read_to_string(&trace).unwrap();
    assert!(tr.starts_with("iteration,kl_nats\n50,"));
    // Same inputs, same bits.
    let out2 = dir.path("emb2.csv");
    let o2 = run(&[
        "icon",
        "--data",
        &data,
        "--label-column",
        "65",
        "--method",
        "tsne",
        "--iters",
        "200",
        "--exaggeration-iters",
        "100",
        "--out",
        &out2,
        "--format",
        "csv",
    ]);
    assert!(o2.status.success());
    assert!(String::from_utf8_lossy(&o2.stdout).starts_with("measure,value,unit,method"));
    assert_eq!(emb, std::fs::read_to_string(&out2).unwrap());
    // Barnes–Hut on request.
    let v = json(&run(&[
        "icon",
        "--data",
        &data,
        "--label-column",
        "label",
        "--method",
        "tsne",
        "--gradient",
        "barnes-hut",
        "--iters",
        "100",
        "--exaggeration-iters",
        "50",
        "--out",
        &out2,
        "--format",
        "json",
    ]));
    assert!(v["method"].as_str().unwrap().contains("barnes-hut"), "{v}");
}

#[test]
fn sne_exact_from_npy_with_a_labels_file() {
    let dir = Dir::new("npy");
    let n = 60;
    let x: Vec<f64> = (0..n * 3)
        .map(|k| ((k * 7919) % 101) as f64 / 10.0 + if k / 3 < 30 { 0.0 } else { 50.0 })
        .collect();
    let data = dir.path("x.npy");
    write_npy(std::path::Path::new(&data), &x, &[n, 3]).unwrap();
    let labels: String = (0..n).map(|i| format!("{}\n", i / 30)).collect();
    let labels = dir.file("labels.csv", &labels);
    let out = dir.path("emb.csv");
    let o = run(&[
        "icon",
        "--data",
        &data,
        "--labels",
        &labels,
        "--method",
        "sne",
        "--perplexity",
        "5",
        "--iters",
        "100",
        "--exaggeration-iters",
        "50",
        "--dims",
        "3",
        "--out",
        &out,
        "--format",
        "json",
    ]);
    let v = json(&o);
    assert!(v["method"].as_str().unwrap().contains("exact"));
    assert_eq!(v["dims"], 3);
    let emb = std::fs::read_to_string(&out).unwrap();
    assert!(emb.starts_with("y1,y2,y3,label\n"));
    assert_eq!(emb.lines().count(), n + 1);
}

#[test]
fn errors_name_the_file_the_place_and_the_value() {
    // A t-SNE run on `data` that must fail with a data error (exit 1); returns stderr.
    let tsne_fails = |data: &str, out: &str| {
        fails(
            &run(&[
                "icon",
                "--data",
                data,
                "--label-column",
                "label",
                "--method",
                "tsne",
                "--out",
                out,
            ]),
            1,
        )
    };
    let dir = Dir::new("errors");
    let out = dir.path("emb.csv");
    let data = dir.file("d.csv", "a,b,label\n1,2,0\n3,nan,1\n5,6,1\n");
    let e = tsne_fails(&data, &out);
    assert!(
        e.contains("d.csv") && e.contains("line 3") && e.contains("'b'") && e.contains("NaN"),
        "{e}"
    );
    let data = dir.file("l.csv", "a,b,label\n1,2,0\n3,4,1.5\n5,6,1\n");
    let e = tsne_fails(&data, &out);
    assert!(
        e.contains("l.csv") && e.contains("line 3") && e.contains("1.5"),
        "{e}"
    );
    let e = fails(
        &run(&[
            "icon",
            "--data",
            &data,
            "--label-column",
            "colour",
            "--method",
            "tsne",
            "--out",
            &out,
        ]),
        2,
    );
    assert!(e.contains("colour") && e.contains("label"), "{e}");
    let data = dir.file("ok.csv", digits(40));
    let e = fails(
        &run(&[
            "icon",
            "--data",
            &data,
            "--method",
            "tsne",
            "--perplexity",
            "50",
            "--out",
            &out,
        ]),
        2,
    );
    assert!(e.contains("perplexity") && e.contains("50"), "{e}");
    let e = fails(
        &run(&[
            "icon", "--data", &data, "--method", "tsne", "--plot", "x.gif", "--out", &out,
        ]),
        2,
    );
    assert!(e.contains("x.gif"), "{e}");
    let labels = dir.file("short.csv", "0\n1\n");
    let e = fails(
        &run(&[
            "icon", "--data", &data, "--labels", &labels, "--method", "tsne", "--out", &out,
        ]),
        1,
    );
    assert!(e.contains("short.csv") && e.contains("2 labels"), "{e}");
    let e = fails(
        &run(&[
            "icon",
            "--data",
            "missing.csv",
            "--method",
            "tsne",
            "--out",
            &out,
        ]),
        1,
    );
    assert!(e.contains("missing.csv"), "{e}");
}

#[test]
fn tour_chapter_draws_the_digits() {
    let dir = Dir::new("tour");
    let figs = dir.path("figs");
    let o = run(&["tour", "--chapter", "tsne", "--figures", &figs]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("Student-t q") && text.contains("T(10) = 0.9"),
        "{text}"
    );
    check_png(format!("{figs}/tsne_digits.png"));
}

#[test]
fn clustering_and_classification_methods() {
    let dir = Dir::new("methods");
    let data = dir.file("digits.csv", digits(200));
    let out = dir.path("assign.csv");
    let plot = dir.path("clusters.svg");
    let v = json(&run(&[
        "icon",
        "--data",
        &data,
        "--label-column",
        "label",
        "--method",
        "kmeans",
        "--clusters",
        "10",
        "--out",
        &out,
        "--plot",
        &plot,
        "--format",
        "json",
    ]));
    assert_eq!(v["measure"], "kmeans-objective");
    assert!(v["hungarian_accuracy"].as_f64().unwrap() > 0.5);
    let a = std::fs::read_to_string(&out).unwrap();
    assert!(a.starts_with("cluster,label\n"));
    assert_eq!(a.lines().count(), 201);
    assert!(std::fs::read_to_string(&plot).unwrap().contains("<svg"));
    let v = json(&run(&[
        "icon",
        "--data",
        &data,
        "--label-column",
        "label",
        "--method",
        "cluster",
        "--iters",
        "20",
        "--alpha",
        "0.2",
        "--walk",
        "1",
        "--out",
        &out,
        "--format",
        "json",
    ]));
    assert_eq!(v["unit"], "nats");
    assert!(v["nmi"].as_f64().unwrap() > 0.3);
    let classify = |extra: &[&str]| {
        let mut a = vec![
            "icon",
            "--data",
            &data,
            "--label-column",
            "label",
            "--method",
            "classify",
            "--out",
            &out,
            "--format",
            "json",
        ];
        a.extend_from_slice(extra);
        run(&a)
    };
    let v = json(&classify(&[]));
    // 200 digits, 20% held out by default (seed 0): trained on 160, measured on 40 unseen.
    assert_eq!(
        (v["n_train"].as_u64(), v["n_test"].as_u64()),
        (Some(160), Some(40))
    );
    assert!(v["train_accuracy"].as_f64().unwrap() > 0.9);
    assert!(v["test_accuracy"].as_f64().unwrap() > 0.7, "{v}");
    let a = std::fs::read_to_string(&out).unwrap();
    assert!(a.starts_with("predicted,label\n"));
    assert_eq!(a.lines().count(), 201);
    // Another seed, another split; no held-out rows with --test-fraction 0.
    let w = json(&classify(&["--test-fraction", "0.5", "--seed", "3"]));
    assert_eq!(w["n_test"].as_u64(), Some(100));
    let w = json(&classify(&["--test-fraction", "0"]));
    assert_eq!(w["n_test"].as_u64(), Some(0));
    assert!(w["test_accuracy"].is_null());
    assert!(w["train_accuracy"].as_f64().unwrap() > 0.9);
    let e = fails(&classify(&["--test-fraction", "1"]), 2);
    assert!(e.contains("--test-fraction"), "{e}");
    let e = fails(
        &run(&[
            "icon", "--data", &data, "--method", "classify", "--out", &out,
        ]),
        2,
    );
    assert!(e.contains("labels"), "{e}");
    let e = fails(
        &run(&[
            "icon",
            "--data",
            &data,
            "--method",
            "tsne",
            "--clusters",
            "3",
            "--out",
            &out,
        ]),
        2,
    );
    assert!(e.contains("--clusters"), "{e}");
}
