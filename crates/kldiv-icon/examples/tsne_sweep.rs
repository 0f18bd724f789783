//! t-SNE of `data/digits.csv` under chosen optimiser settings, for studying trustworthiness.
//!
//! ```text
//! cargo run --release -p kldiv-icon --example tsne_sweep -- [--affinity auto|dense|sparse]
//!     [--gradient auto|exact|bh] [--theta T] [--iters N] [--ee-iters N] [--init pca|random]
//!     [--mom0 M] [--lr auto|L] [--seed S] [--out FILE] [--data FILE]
//! ```
//!
//! The defaults are those of `kldiv_icon::tsne::TsneOptions` (PCA initialisation with the
//! seed's jitter); `--mom0` sets the momentum of the exaggerated iterations. Prints one JSON
//! object: the options, trustworthiness T(10) (kldiv's metric, identical to
//! scikit-learn's definition), the final exact KL and the seconds of the run (affinities
//! included). `--data FILE` reads another CSV (header line, last column the integer label).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use kldiv_icon::affinity::AffinityMethod;
use kldiv_icon::metrics::trustworthiness;
use kldiv_icon::tsne::{Gradient, Init, LearningRate, TsneOptions, tsne};
use kldiv_icon::{Points, no_progress};
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let get = |name: &str| common::arg(&args, name);
    let (x, _, d) = common::labelled_data(&args);
    let pts = Points::new("digits", &x, d).unwrap();
    let mut opts = TsneOptions::default();
    if let Some(a) = get("--affinity") {
        opts.affinity = match a.as_str() {
            "dense" => AffinityMethod::Dense,
            "sparse" => AffinityMethod::Sparse,
            _ => AffinityMethod::Auto,
        };
    }
    let theta: f64 = get("--theta").map_or(0.5, |s| s.parse().unwrap());
    if let Some(g) = get("--gradient") {
        opts.gradient = match g.as_str() {
            "exact" => Gradient::Exact,
            "bh" => Gradient::BarnesHut { theta },
            _ => Gradient::Auto,
        };
    }
    if let Some(v) = get("--iters") {
        opts.iters = v.parse().unwrap();
    }
    if let Some(v) = get("--ee-iters") {
        opts.exaggeration_iters = v.parse().unwrap();
    }
    if let Some(v) = get("--seed") {
        opts.seed = v.parse().unwrap();
    }
    if get("--init").as_deref() == Some("random") {
        opts.init = Init::Random;
    }
    if let Some(v) = get("--mom0") {
        opts.momentum.0 = v.parse().unwrap();
    }
    if let Some(v) = get("--lr") {
        if v != "auto" {
            opts.learning_rate = LearningRate::Fixed(v.parse().unwrap());
        }
    }
    let t = Instant::now();
    let e = tsne(pts, &opts, &mut no_progress).unwrap();
    let secs = t.elapsed().as_secs_f64();
    let y = Points::new("embedding", &e.y, e.dims).unwrap();
    let t10 = trustworthiness(pts, y, 10).unwrap();
    if let Some(out) = get("--out") {
        let mut s = String::new();
        for r in e.y.chunks_exact(e.dims) {
            s.push_str(&format!("{},{}\n", r[0], r[1]));
        }
        std::fs::write(out, s).unwrap();
    }
    println!(
        "{{\"affinity\": \"{:?}\", \"gradient\": \"{:?}\", \"iters\": {}, \"ee_iters\": {}, \"init\": \"{}\", \"seed\": {}, \"lr\": [{}, {}], \"barnes_hut\": {}, \"t10\": {t10:.5}, \"kl\": {:.4}, \"seconds\": {secs:.2}}}",
        opts.affinity,
        opts.gradient,
        opts.iters,
        opts.exaggeration_iters,
        match opts.init {
            Init::Random => "random",
            Init::Given(_) => "given",
            Init::Pca => "pca",
        },
        opts.seed,
        e.learning_rate.0,
        e.learning_rate.1,
        e.barnes_hut,
        e.kl,
    );
}
