//! Clustering `data/digits.csv` with kldiv-icon, for `bench/icon_cluster.sh`.
//!
//! ```text
//! cargo run --release -p kldiv-icon --example icon_cluster -- kmeans [--restarts R] [--seed S]
//! cargo run --release -p kldiv-icon --example icon_cluster -- cluster [--alpha A] [--walks W]
//!     [--neighbours K] [--iterations N] [--lr L] [--init kmeans|random] [--seed S]
//! cargo run --release -p kldiv-icon --example icon_cluster -- sweep [--iterations N] ...
//! ```
//!
//! Prints one JSON object per run (a line each): method, options, Hungarian accuracy, NMI,
//! seconds. `--data FILE` reads another CSV (header line, last column the integer label).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use kldiv_icon::methods::{ClusterInit, ClusterOptions, KMeansOptions, cluster, kmeans};
use kldiv_icon::metrics::{hungarian_accuracy, nmi};
use kldiv_icon::{Points, no_progress};
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mode = args.first().cloned().unwrap_or_else(|| "kmeans".into());
    let get = |name: &str| common::arg(&args, name);
    let (x, y, d) = common::labelled_data(&args);
    let pts = Points::new("digits", &x, d).unwrap();
    let seed: u64 = get("--seed").map_or(0, |s| s.parse().unwrap());
    let classes = y.iter().max().unwrap() + 1;
    match mode.as_str() {
        "kmeans" => {
            let restarts: usize = get("--restarts").map_or(10, |s| s.parse().unwrap());
            let opts = KMeansOptions {
                clusters: classes,
                restarts,
                seed,
                ..KMeansOptions::default()
            };
            let t = Instant::now();
            let r = kmeans(pts, &opts, &mut no_progress).unwrap();
            let secs = t.elapsed().as_secs_f64();
            println!(
                "{{\"method\": \"kmeans\", \"restarts\": {restarts}, \"seed\": {seed}, \"inertia\": {}, \"acc\": {}, \"nmi\": {}, \"seconds\": {secs}}}",
                r.inertia,
                hungarian_accuracy(&y, &r.labels).unwrap(),
                nmi(&y, &r.labels).unwrap()
            );
        }
        "cluster" | "sweep" => {
            let base = ClusterOptions {
                clusters: classes,
                neighbours: get("--neighbours").map_or(10, |s| s.parse().unwrap()),
                walks: get("--walks").map_or(1, |s| s.parse().unwrap()),
                alpha: get("--alpha").map_or(0.2, |s| s.parse().unwrap()),
                iterations: get("--iterations").map_or(300, |s| s.parse().unwrap()),
                learning_rate: get("--lr").map_or(0.1, |s| s.parse().unwrap()),
                init: match get("--init").as_deref() {
                    Some("random") => ClusterInit::Random,
                    _ => ClusterInit::KMeans,
                },
                seed,
                ..ClusterOptions::default()
            };
            let grid: Vec<(f64, usize)> = if mode == "sweep" {
                [0.0, 0.2, 0.4, 0.6, 0.8]
                    .iter()
                    .flat_map(|&a| (0..4).map(move |w| (a, w)))
                    .collect()
            } else {
                vec![(base.alpha, base.walks)]
            };
            for (alpha, walks) in grid {
                let opts = ClusterOptions {
                    alpha,
                    walks,
                    ..base.clone()
                };
                let t = Instant::now();
                let r = cluster(pts, &opts, &mut no_progress).unwrap();
                let secs = t.elapsed().as_secs_f64();
                println!(
                    "{{\"method\": \"cluster\", \"alpha\": {alpha}, \"walks\": {walks}, \"neighbours\": {}, \"iterations\": {}, \"lr\": {}, \"init\": \"{:?}\", \"seed\": {seed}, \"loss\": {}, \"acc\": {}, \"nmi\": {}, \"seconds\": {secs}}}",
                    opts.neighbours,
                    opts.iterations,
                    opts.learning_rate,
                    opts.init,
                    r.losses.last().unwrap(),
                    hungarian_accuracy(&y, &r.labels).unwrap(),
                    nmi(&y, &r.labels).unwrap()
                );
            }
        }
        other => panic!("unknown mode {other} (kmeans, cluster, sweep)"),
    }
}
