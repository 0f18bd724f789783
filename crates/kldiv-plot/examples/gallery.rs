//! Writes one figure of each kind, as PNG and SVG, to the directory given on the command line.
//!
//! `cargo run -p kldiv-plot --example gallery -- /tmp/gallery`

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::f64::consts::PI;
use std::path::Path;
use std::time::Instant;

use kldiv_plot::{Bars, Figure, Grid, Heatmap, Overlay, Scatter, Series};

fn normal(x: f64, m: f64, s: f64) -> f64 {
    (-(x - m).powi(2) / (2.0 * s * s)).exp() / (s * (2.0 * PI).sqrt())
}

fn save(dir: &Path, name: &str, f: impl Fn(&Path) -> kldiv_plot::PlotSummary) {
    for ext in ["png", "svg"] {
        let path = dir.join(format!("{name}.{ext}"));
        let t = Instant::now();
        let s = f(&path);
        println!(
            "{:<40} {:>8.1} ms  drawn {:>6}  skipped {} / {}",
            path.display(),
            t.elapsed().as_secs_f64() * 1e3,
            s.drawn,
            s.skipped_non_finite,
            s.skipped_non_positive
        );
    }
}

fn main() {
    let dir = std::env::args().nth(1).expect("usage: gallery OUT_DIR");
    let dir = Path::new(&dir);
    std::fs::create_dir_all(dir).unwrap();

    // Density with forward- and reverse-KL Gaussian fits.
    let x: Vec<f64> = (0..=400)
        .map(|i| -6.0 + 12.0 * f64::from(i) / 400.0)
        .collect();
    let p: Vec<f64> = x
        .iter()
        .map(|&x| 0.5 * normal(x, -2.0, 0.8) + 0.5 * normal(x, 2.0, 0.8))
        .collect();
    let fwd: Vec<f64> = x.iter().map(|&x| normal(x, 0.0, 2.15)).collect();
    let rev: Vec<f64> = x.iter().map(|&x| normal(x, 2.0, 0.8)).collect();
    let fig = Figure::new("Bimodal p(x) and Gaussian fits")
        .x_label("x")
        .y_label("density");
    save(dir, "density", |path| {
        fig.lines(
            &[
                Series::new("p(x)", &x, &p),
                Series::new("forward KL(p‖q) fit", &x, &fwd).dashed(),
                Series::new("reverse KL(q‖p) fit", &x, &rev).dashed(),
            ],
            path,
        )
        .unwrap()
    });

    // Training curve, log-y.
    let loss: Vec<f64> = (0..500)
        .map(|i| {
            2.0 * (-f64::from(i) / 80.0).exp() + 0.01 + 0.02 * (f64::from(i) * 0.7).sin().abs()
        })
        .collect();
    let kl: Vec<f64> = loss.iter().map(|l| l * 0.5).collect();
    let fig = Figure::new("Training")
        .x_label("iteration")
        .y_label("loss (nats)")
        .log_y(true);
    save(dir, "training", |path| {
        fig.lines(
            &[
                Series::indexed("−ELBO", &loss),
                Series::indexed("KL(q‖p)", &kl),
            ],
            path,
        )
        .unwrap()
    });

    // P vs Q over categories.
    let cats = ["a", "b", "c", "d", "e", "f", "g", "h"];
    let pp = [0.30, 0.20, 0.15, 0.10, 0.10, 0.07, 0.05, 0.03];
    let qq = [0.125; 8];
    let fig = Figure::new("P vs Q")
        .x_label("outcome")
        .y_label("probability");
    save(dir, "bars", |path| {
        fig.bars(
            &cats,
            &[Bars::new("P", &pp), Bars::new("Q (uniform)", &qq)],
            path,
        )
        .unwrap()
    });

    // 20 000-point embedding, 10 clusters (deterministic LCG noise).
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut unif = move || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((state >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    };
    let mut points = Vec::with_capacity(20_000);
    let mut labels = Vec::with_capacity(20_000);
    for i in 0..20_000usize {
        let c = i % 10;
        let a = c as f64 / 10.0 * 2.0 * PI;
        let r = (-2.0 * unif().ln()).sqrt();
        let t = 2.0 * PI * unif();
        points.push([8.0 * a.cos() + r * t.cos(), 8.0 * a.sin() + r * t.sin()]);
        labels.push(c);
    }
    let names = [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
    ];
    let fig = Figure::new("t-SNE embedding (20 000 points)")
        .x_label("dim 1")
        .y_label("dim 2")
        .size(900, 800);
    save(dir, "scatter", |path| {
        fig.scatter(
            &Scatter::new(&points).labels(&labels).label_names(names),
            path,
        )
        .unwrap()
    });

    // Bimodal target density with a reverse-KL Gaussian fit.
    let grid = Grid::from_fn((-4.0, 4.0), (-3.0, 3.0), 160, 120, |x, y| {
        0.6 * normal(x, -1.5, 0.7) * normal(y, -0.5, 0.9)
            + 0.4 * normal(x, 1.8, 0.6) * normal(y, 1.0, 0.5)
    })
    .unwrap();
    let fig = Figure::new("Target p(x, y) and reverse-KL fit q")
        .x_label("x₁")
        .y_label("x₂");
    save(dir, "heatmap", |path| {
        fig.heatmap(
            &Heatmap::new(&grid)
                .contours(6)
                .overlay(Overlay::gaussian(
                    "q: 1σ, 2σ",
                    [-1.5, -0.5],
                    [[0.49, 0.0], [0.0, 0.81]],
                ))
                .overlay(Overlay::points("modes", &[[-1.5, -0.5], [1.8, 1.0]])),
            path,
        )
        .unwrap()
    });
}
