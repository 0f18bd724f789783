//! Figures of fits and traces (drawn by `kldiv-plot`), shared by `kldiv fit`, `kldiv vi` and
//! the tour.

use crate::error::CliError;
use kldiv::variational::{Direction, Fit, Target};
use kldiv_plot::{Figure, Grid, Heatmap, Overlay, Series};
use std::path::Path;

fn plot_err(path: &Path, e: kldiv_plot::PlotError) -> CliError {
    CliError::Data(format!("{}: cannot draw the figure: {e}", path.display()))
}

fn label(f: &Fit) -> String {
    match f.direction {
        Direction::Forward => "forward fit: argmin D(p‖q)".to_string(),
        Direction::Reverse => format!(
            "reverse fit: argmin D(q‖p), mean {:.2}",
            f.q.mean().first().copied().unwrap_or(f64::NAN)
        ),
    }
}

/// Draws the target with the fitted Gaussians: densities over x in 1-D, a heatmap of the
/// target density with contours and the 1σ/2σ ellipses of each fit in 2-D.
pub fn fits(target: &dyn Target, fits: &[Fit], title: &str, path: &Path) -> Result<(), CliError> {
    match target.dim() {
        1 => fits_1d(target, fits, title, path),
        2 => fits_2d(target, fits, title, path),
        d => Err(CliError::Usage(format!(
            "--plot draws 1-D and 2-D targets; this one has dimension {d}"
        ))),
    }
}

/// A range covering every fit's mean ± 4 sd on axis `k`.
fn range(fits: &[Fit], k: usize) -> (f64, f64) {
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    for f in fits {
        let (m, s) = (f.q.mean()[k], f.q.std()[k]);
        lo = lo.min(m - 4.0 * s);
        hi = hi.max(m + 4.0 * s);
    }
    if lo.is_finite() && hi.is_finite() && lo < hi {
        (lo, hi)
    } else {
        (-5.0, 5.0)
    }
}

fn fits_1d(target: &dyn Target, fits: &[Fit], title: &str, path: &Path) -> Result<(), CliError> {
    let (lo, hi) = range(fits, 0);
    let n = 400;
    let x: Vec<f64> = (0..=n)
        .map(|i| lo + (hi - lo) * i as f64 / n as f64)
        .collect();
    let p: Vec<f64> = x.iter().map(|&v| target.ln_density(&[v]).exp()).collect();
    let qs: Vec<Vec<f64>> = fits
        .iter()
        .map(|f| x.iter().map(|&v| f.q.ln_pdf(&[v]).exp()).collect())
        .collect();
    let names: Vec<String> = fits.iter().map(label).collect();
    let mut series = vec![Series::new("target p(x)", &x, &p)];
    for (name, q) in names.iter().zip(&qs) {
        series.push(Series::new(name, &x, q).dashed());
    }
    Figure::new(title)
        .x_label("x")
        .y_label("density")
        .lines(&series, path)
        .map_err(|e| plot_err(path, e))?;
    Ok(())
}

fn fits_2d(target: &dyn Target, fits: &[Fit], title: &str, path: &Path) -> Result<(), CliError> {
    // Equal spans on both axes, so that the ellipses keep their shape.
    let (xr, yr) = (range(fits, 0), range(fits, 1));
    let half = 0.5 * (xr.1 - xr.0).max(yr.1 - yr.0);
    let centred = |(lo, hi): (f64, f64)| (0.5 * (lo + hi) - half, 0.5 * (lo + hi) + half);
    let (xr, yr) = (centred(xr), centred(yr));
    let grid = Grid::from_fn(xr, yr, 120, 120, |x, y| target.ln_density(&[x, y]).exp())
        .map_err(|e| plot_err(path, e))?;
    let mut map = Heatmap::new(&grid).contours(8);
    for f in fits {
        let (m, c) = (f.q.mean(), f.q.covariance());
        map = map.overlay(Overlay::gaussian(
            label(f),
            [m[0], m[1]],
            [[c[0][0], c[0][1]], [c[1][0], c[1][1]]],
        ));
    }
    Figure::new(title)
        .x_label("x₁")
        .y_label("x₂")
        .heatmap(&map, path)
        .map_err(|e| plot_err(path, e))?;
    Ok(())
}

/// Draws an ELBO trace per iteration with its running mean over `window` iterations (the
/// first 2 % of iterations, dominated by the start, are left out).
pub fn trace(trace: &[f64], title: &str, path: &Path) -> Result<(), CliError> {
    let skip = trace.len() / 50;
    let it: Vec<f64> = (skip..trace.len()).map(|i| (i + 1) as f64).collect();
    let y = &trace[skip..];
    let window = (trace.len() / 50).max(1);
    let mut avg = Vec::with_capacity(y.len());
    let mut s = 0.0;
    for (i, v) in y.iter().enumerate() {
        s += v;
        if i >= window {
            s -= y[i - window];
        }
        avg.push(s / (i + 1).min(window) as f64);
    }
    let name = format!("running mean ({window} iterations)");
    Figure::new(title)
        .x_label("iteration")
        .y_label("ELBO (nats)")
        .lines(
            &[
                Series::new("ELBO estimate", &it, y),
                Series::new(&name, &it, &avg).dashed(),
            ],
            path,
        )
        .map_err(|e| plot_err(path, e))?;
    Ok(())
}
