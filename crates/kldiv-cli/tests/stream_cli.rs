//! The streaming path of `kldiv discrete` (large `.npy` files), forced on small files through
//! `KLDIV_STREAM_BYTES`: same values as the in-memory path, errors with global indices.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use kldiv_cli::input::write_npy;
use serde_json::Value;
use std::process::Command;

fn kldiv(args: &[&str], stream: bool) -> std::process::Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_kldiv"));
    c.args(args);
    if stream {
        c.env("KLDIV_STREAM_BYTES", "1");
    } else {
        c.env("KLDIV_STREAM_BYTES", "99999999999");
    }
    c.output().unwrap()
}

#[test]
fn streamed_equals_in_memory() {
    let dir = std::env::temp_dir().join(format!("kldiv-stream-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let n = 300_000usize;
    let w = |a: usize, b: usize| -> Vec<f64> {
        let v: Vec<f64> = (0..n).map(|i| ((a * i + b) % 1000 + 1) as f64).collect();
        let t: f64 = v.iter().sum();
        v.into_iter().map(|x| x / t).collect()
    };
    let p = dir.join("p.npy");
    let q = dir.join("q.npy");
    write_npy(&p, &w(7919, 1), &[n]).unwrap();
    write_npy(&q, &w(104_729, 5), &[n]).unwrap();
    let (ps, qs) = (p.to_str().unwrap(), q.to_str().unwrap());
    for extra in [
        &["-m", "all"][..],
        &["--smooth", "floor:1e-7", "--normalize", "renormalize"],
    ] {
        let mut args = vec!["discrete", ps, qs, "-f", "json"];
        args.extend_from_slice(extra);
        let a: Value = serde_json::from_slice(&kldiv(&args, true).stdout).unwrap();
        let b: Value = serde_json::from_slice(&kldiv(&args, false).stdout).unwrap();
        assert_eq!(a["streamed"], true);
        assert!(b.get("streamed").is_none());
        if a["value"].is_null() {
            assert_eq!(a["measures"], b["measures"]);
        } else {
            assert_eq!(a["value"], b["value"], "{extra:?}");
        }
    }
    // A negative entry deep in the file is reported with its global index.
    let mut bad = w(7919, 1);
    bad[250_001] = -0.5;
    let badp = dir.join("bad.npy");
    write_npy(&badp, &bad, &[n]).unwrap();
    let out = kldiv(&["discrete", badp.to_str().unwrap(), qs], true);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.npy: index 250001: p[250001] = -0.5 is negative"),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
