//! Heatmaps of a function on a regular grid, with optional contour lines, Gaussian
//! 1σ/2σ ellipses and points overlaid.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::figure::{Counts, Paint, PlotRows, check_axis, de, plot_rows};
use crate::{Figure, Format, PlotError, PlotSummary};

/// Values of a function on a regular `nx × ny` grid of cell centres covering a rectangle.
///
/// Cell `(i, j)` spans `x0 + i·dx .. x0 + (i+1)·dx` (and likewise in y) with
/// `dx = (x1 − x0)/nx`; its value is stored at `values[j·nx + i]` (row-major, rows of
/// constant y, from the bottom row up).
///
/// ```
/// use kldiv_plot::Grid;
/// let g = Grid::from_fn((-1.0, 1.0), (0.0, 2.0), 4, 2, |x, y| x + y)?;
/// assert_eq!(g.dims(), (4, 2));
/// assert_eq!(g.cell_centre(0, 0), (-0.75, 0.5));
/// assert_eq!(g.values()[0], -0.25);
/// # Ok::<(), kldiv_plot::PlotError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Grid {
    x: (f64, f64),
    y: (f64, f64),
    nx: usize,
    ny: usize,
    values: Vec<f64>,
}

impl Grid {
    /// A grid from precomputed values (`values.len() == nx·ny`, layout as above). Values may
    /// be non-finite: such cells are painted grey.
    ///
    /// # Errors
    /// [`PlotError::InvalidArgument`] if a range is not finite with `lo < hi`, or
    /// `nx < 2` or `ny < 2`; [`PlotError::LengthMismatch`] if `values` has the wrong length.
    pub fn new(
        x_range: (f64, f64),
        y_range: (f64, f64),
        nx: usize,
        ny: usize,
        values: Vec<f64>,
    ) -> Result<Self, PlotError> {
        let n = check_shape(x_range, y_range, nx, ny)?;
        if values.len() != n {
            return Err(PlotError::LengthMismatch {
                what: format!("grid values ({nx}×{ny})"),
                expected: n,
                found: values.len(),
            });
        }
        Ok(Self {
            x: x_range,
            y: y_range,
            nx,
            ny,
            values,
        })
    }

    /// A grid of `f(x, y)` evaluated at the cell centres.
    ///
    /// # Errors
    /// As [`Grid::new`] for the ranges and sizes.
    pub fn from_fn(
        x_range: (f64, f64),
        y_range: (f64, f64),
        nx: usize,
        ny: usize,
        mut f: impl FnMut(f64, f64) -> f64,
    ) -> Result<Self, PlotError> {
        let n = check_shape(x_range, y_range, nx, ny)?;
        let mut values = Vec::with_capacity(n);
        let (dx, dy) = (
            (x_range.1 - x_range.0) / nx as f64,
            (y_range.1 - y_range.0) / ny as f64,
        );
        for j in 0..ny {
            let y = y_range.0 + (j as f64 + 0.5) * dy;
            for i in 0..nx {
                values.push(f(x_range.0 + (i as f64 + 0.5) * dx, y));
            }
        }
        Ok(Self {
            x: x_range,
            y: y_range,
            nx,
            ny,
            values,
        })
    }

    /// `(nx, ny)`.
    pub fn dims(&self) -> (usize, usize) {
        (self.nx, self.ny)
    }

    /// The x and y ranges covered.
    pub fn ranges(&self) -> ((f64, f64), (f64, f64)) {
        (self.x, self.y)
    }

    /// The values, row-major from the bottom row.
    pub fn values(&self) -> &[f64] {
        &self.values
    }

    /// Centre of cell `(i, j)` (not bounds-checked: indices past the grid extrapolate).
    pub fn cell_centre(&self, i: usize, j: usize) -> (f64, f64) {
        let (dx, dy) = self.steps();
        (
            self.x.0 + (i as f64 + 0.5) * dx,
            self.y.0 + (j as f64 + 0.5) * dy,
        )
    }

    /// `p` clamped into the grid's rectangle widened by 1000 spans on each side: far
    /// enough that the clamping is invisible, near enough that plotters' pixel arithmetic
    /// (i32) cannot overflow.
    fn clamp_near(&self, p: (f64, f64)) -> (f64, f64) {
        let clamp = |v: f64, (lo, hi): (f64, f64)| {
            let m = 1000.0 * (hi - lo);
            if v.is_nan() {
                lo
            } else {
                v.clamp(lo - m, hi + m)
            }
        };
        (clamp(p.0, self.x), clamp(p.1, self.y))
    }

    fn steps(&self) -> (f64, f64) {
        (
            (self.x.1 - self.x.0) / self.nx as f64,
            (self.y.1 - self.y.0) / self.ny as f64,
        )
    }

    fn at(&self, i: usize, j: usize) -> f64 {
        self.values[j * self.nx + i]
    }
}

fn check_shape(x: (f64, f64), y: (f64, f64), nx: usize, ny: usize) -> Result<usize, PlotError> {
    for (name, r) in [("grid x range", x), ("grid y range", y)] {
        if !(r.0.is_finite() && r.1.is_finite() && r.0 < r.1) {
            return Err(PlotError::InvalidArgument {
                what: name.into(),
                reason: format!("must be finite with lo < hi, got ({}, {})", r.0, r.1),
            });
        }
        if check_axis(r.0, r.1, name)? != r {
            return Err(PlotError::InvalidArgument {
                what: name.into(),
                reason: format!(
                    "span {} is too narrow for its magnitude (need > 1e-9·max(|lo|, |hi|))",
                    r.1 - r.0
                ),
            });
        }
    }
    if nx < 2 || ny < 2 {
        return Err(PlotError::InvalidArgument {
            what: "grid size".into(),
            reason: format!("need at least 2×2 cells, got {nx}×{ny}"),
        });
    }
    nx.checked_mul(ny)
        .filter(|&n| n <= 1 << 26)
        .ok_or_else(|| PlotError::InvalidArgument {
            what: "grid size".into(),
            reason: format!("{nx}×{ny} cells is more than 2²⁶"),
        })
}

/// Something drawn over a heatmap: the σ-ellipses of a 2-D Gaussian, or points.
#[derive(Debug, Clone, PartialEq)]
pub struct Overlay {
    name: String,
    kind: OverlayKind,
}

#[derive(Debug, Clone, PartialEq)]
enum OverlayKind {
    Gaussian {
        mean: [f64; 2],
        cov: [[f64; 2]; 2],
        sigmas: Vec<f64>,
    },
    Points(Vec<[f64; 2]>),
}

impl Overlay {
    /// The 1σ and 2σ ellipses `{x : (x−μ)ᵀ Σ⁻¹ (x−μ) = k²}`, k = 1, 2, of a Gaussian with
    /// this mean and covariance (validated when drawing: finite, symmetric, positive
    /// definite).
    pub fn gaussian(name: impl Into<String>, mean: [f64; 2], cov: [[f64; 2]; 2]) -> Self {
        Self::gaussian_sigmas(name, mean, cov, &[1.0, 2.0])
    }

    /// As [`Overlay::gaussian`] with the Mahalanobis radii `sigmas` (each finite and > 0).
    pub fn gaussian_sigmas(
        name: impl Into<String>,
        mean: [f64; 2],
        cov: [[f64; 2]; 2],
        sigmas: &[f64],
    ) -> Self {
        Self {
            name: name.into(),
            kind: OverlayKind::Gaussian {
                mean,
                cov,
                sigmas: sigmas.to_vec(),
            },
        }
    }

    /// Markers at `points` (non-finite points are skipped and counted).
    pub fn points(name: impl Into<String>, points: &[[f64; 2]]) -> Self {
        Self {
            name: name.into(),
            kind: OverlayKind::Points(points.to_vec()),
        }
    }
}

/// A heatmap of a [`Grid`] with optional contours, colour bar and overlays.
///
/// ```
/// use kldiv_plot::{Grid, Heatmap, Overlay};
/// let grid = Grid::from_fn((-3.0, 3.0), (-3.0, 3.0), 60, 60, |x, y| (-(x * x + y * y) / 2.0).exp())?;
/// let map = Heatmap::new(&grid)
///     .contours(6)
///     .overlay(Overlay::gaussian("q", [0.0, 0.0], [[1.0, 0.3], [0.3, 0.5]]));
/// # let _ = map;
/// # Ok::<(), kldiv_plot::PlotError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Heatmap<'a> {
    grid: &'a Grid,
    contours: usize,
    colorbar: bool,
    overlays: Vec<Overlay>,
}

impl<'a> Heatmap<'a> {
    /// A heatmap of `grid` with a colour bar, no contours and no overlays.
    pub fn new(grid: &'a Grid) -> Self {
        Self {
            grid,
            contours: 0,
            colorbar: true,
            overlays: Vec::new(),
        }
    }

    /// Draws `levels` contour lines, evenly spaced strictly between the smallest and largest
    /// finite value (0 for none).
    #[must_use]
    pub fn contours(mut self, levels: usize) -> Self {
        self.contours = levels;
        self
    }

    /// Shows or hides the colour bar on the right.
    #[must_use]
    pub fn colorbar(mut self, show: bool) -> Self {
        self.colorbar = show;
        self
    }

    /// Adds an overlay (drawn in order, over the heatmap and contours).
    #[must_use]
    pub fn overlay(mut self, overlay: Overlay) -> Self {
        self.overlays.push(overlay);
        self
    }
}

/// Overlays after validation, in data coordinates.
enum Shape {
    /// Closed curves (one per σ level).
    Curves(Vec<Vec<(f64, f64)>>),
    Points(Vec<(f64, f64)>),
}

struct Prepared<'a> {
    grid: &'a Grid,
    range: (f64, f64),
    contour_segments: Vec<[(f64, f64); 2]>,
    colorbar: bool,
    overlays: Vec<(&'a str, Shape)>,
}

impl Figure {
    /// Draws a heatmap (viridis colours scaled to the finite min..max of the grid) with its
    /// contours, colour bar and overlays, and writes `path`.
    ///
    /// Non-finite cells are painted grey and counted in
    /// [`PlotSummary::skipped_non_finite`], as are non-finite overlay points. An SVG holds
    /// one `<rect>` per cell, so keep SVG grids to about 200×200.
    ///
    /// # Errors
    /// [`PlotError::UnsupportedFormat`]; [`PlotError::NoFiniteData`] if no cell is finite;
    /// [`PlotError::InvalidArgument`] for an invalid Gaussian overlay (non-finite mean, a
    /// covariance that is not symmetric positive definite, a σ that is not > 0) or with
    /// [`Figure::log_y`]; rendering errors.
    pub fn heatmap(
        &self,
        heatmap: &Heatmap<'_>,
        path: impl AsRef<Path>,
    ) -> Result<PlotSummary, PlotError> {
        let path = path.as_ref();
        let format = Format::from_path(path)?;
        self.reject_log_y("heatmaps")?;
        let grid = heatmap.grid;
        let mut counts = Counts::default();
        let mut range: Option<(f64, f64)> = None;
        for &v in &grid.values {
            if v.is_finite() {
                counts.drawn += 1;
                range = Some(range.map_or((v, v), |(lo, hi)| (lo.min(v), hi.max(v))));
            } else {
                counts.skipped_non_finite += 1;
            }
        }
        let Some(range) = range else {
            return Err(PlotError::NoFiniteData {
                what: "grid values".into(),
                skipped: counts.skipped_non_finite,
            });
        };
        let mut contour_segments = Vec::new();
        if range.1 > range.0 {
            for k in 1..=heatmap.contours {
                let t = k as f64 / (heatmap.contours + 1) as f64;
                marching_squares(grid, lerp(range.0, range.1, t), &mut contour_segments);
            }
        }
        let mut overlays = Vec::with_capacity(heatmap.overlays.len());
        for o in &heatmap.overlays {
            let shape = match &o.kind {
                OverlayKind::Gaussian { mean, cov, sigmas } => {
                    let mut curves = ellipses(&o.name, *mean, *cov, sigmas)?;
                    for p in curves.iter_mut().flatten() {
                        *p = grid.clamp_near(*p);
                    }
                    Shape::Curves(curves)
                }
                OverlayKind::Points(points) => {
                    let pts: Vec<(f64, f64)> = points
                        .iter()
                        .filter(|p| p[0].is_finite() && p[1].is_finite())
                        .map(|p| grid.clamp_near((p[0], p[1])))
                        .collect();
                    counts.skipped_non_finite += points.len() - pts.len();
                    counts.drawn += pts.len();
                    Shape::Points(pts)
                }
            };
            overlays.push((o.name.as_str(), shape));
        }
        let prepared = Prepared {
            grid,
            range,
            contour_segments,
            colorbar: heatmap.colorbar,
            overlays,
        };
        self.render(path, format, counts, &prepared)
    }
}

/// Points on the `sigmas` ellipses of N(mean, cov), via the Cholesky factor L:
/// `mean + k·L·(cos t, sin t)`.
fn ellipses(
    name: &str,
    mean: [f64; 2],
    cov: [[f64; 2]; 2],
    sigmas: &[f64],
) -> Result<Vec<Vec<(f64, f64)>>, PlotError> {
    let bad = |reason: String| PlotError::InvalidArgument {
        what: format!("Gaussian overlay {name:?}"),
        reason,
    };
    if !(mean[0].is_finite() && mean[1].is_finite()) {
        return Err(bad(format!("mean must be finite, got {mean:?}")));
    }
    let [[a, b], [c, d]] = cov;
    if ![a, b, c, d].iter().all(|v| v.is_finite()) {
        return Err(bad(format!("covariance must be finite, got {cov:?}")));
    }
    if (b - c).abs() > 1e-12 * (a.abs() + d.abs()).max(f64::MIN_POSITIVE) {
        return Err(bad(format!("covariance must be symmetric, got {cov:?}")));
    }
    let l11 = if a > 0.0 { a.sqrt() } else { f64::NAN };
    let l21 = b / l11;
    let rest = d - l21 * l21;
    if !(l11 > 0.0 && rest > 0.0) {
        return Err(bad(format!(
            "covariance must be positive definite, got {cov:?}"
        )));
    }
    let l22 = rest.sqrt();
    let mut curves = Vec::with_capacity(sigmas.len());
    for &k in sigmas {
        if !(k.is_finite() && k > 0.0) {
            return Err(bad(format!("σ levels must be finite and > 0, got {k}")));
        }
        const STEPS: usize = 180;
        curves.push(
            (0..=STEPS)
                .map(|s| {
                    let t = std::f64::consts::TAU * s as f64 / STEPS as f64;
                    let (u, v) = (t.cos(), t.sin());
                    (mean[0] + k * l11 * u, mean[1] + k * (l21 * u + l22 * v))
                })
                .collect(),
        );
    }
    Ok(curves)
}

/// `a + t·(b − a)` without overflow for `a`, `b` near ±f64::MAX.
fn lerp(a: f64, b: f64, t: f64) -> f64 {
    a * (1.0 - t) + b * t
}

/// Appends the segments of the `level` contour of the grid (through cell centres) to `out`.
/// Squares with a non-finite corner are skipped; saddles are resolved by the centre mean.
fn marching_squares(grid: &Grid, level: f64, out: &mut Vec<[(f64, f64); 2]>) {
    let (nx, ny) = grid.dims();
    for j in 0..ny - 1 {
        for i in 0..nx - 1 {
            // Corners counter-clockwise from the bottom left.
            let corners = [(i, j), (i + 1, j), (i + 1, j + 1), (i, j + 1)];
            let v = corners.map(|(ci, cj)| grid.at(ci, cj));
            if !v.iter().all(|x| x.is_finite()) {
                continue;
            }
            let above = v.map(|x| x >= level);
            // Crossing on edge e (from corner e to corner e+1), if any.
            let cross = |e: usize| -> Option<(f64, f64)> {
                let f = (e + 1) % 4;
                if above[e] == above[f] {
                    return None;
                }
                let t = (level - v[e]) / (v[f] - v[e]);
                // Guard against overflow of the difference for values near ±f64::MAX.
                let t = if t.is_finite() {
                    t.clamp(0.0, 1.0)
                } else {
                    0.5
                };
                let (x0, y0) = grid.cell_centre(corners[e].0, corners[e].1);
                let (x1, y1) = grid.cell_centre(corners[f].0, corners[f].1);
                Some((x0 + t * (x1 - x0), y0 + t * (y1 - y0)))
            };
            let e = [cross(0), cross(1), cross(2), cross(3)];
            match e {
                [Some(p), Some(q), Some(r), Some(s)] => {
                    // Saddle: corners 0 and 2 on one side, 1 and 3 on the other.
                    let centre = (v[0] + v[1] + v[2] + v[3]) / 4.0;
                    if (centre >= level) == above[0] {
                        // 0 and 2 connected: cut off corners 1 and 3.
                        out.push([p, q]);
                        out.push([r, s]);
                    } else {
                        out.push([s, p]);
                        out.push([q, r]);
                    }
                }
                _ => {
                    let mut found = e.iter().flatten();
                    if let (Some(&p), Some(&q)) = (found.next(), found.next()) {
                        out.push([p, q]);
                    }
                }
            }
        }
    }
}

/// Viridis, by linear interpolation between 9 samples of matplotlib's table.
fn viridis(t: f64) -> RGBColor {
    const STOPS: [(f64, f64, f64); 9] = [
        (68.0, 1.0, 84.0),
        (71.0, 44.0, 122.0),
        (59.0, 81.0, 139.0),
        (44.0, 113.0, 142.0),
        (33.0, 144.0, 141.0),
        (39.0, 173.0, 129.0),
        (92.0, 200.0, 99.0),
        (170.0, 220.0, 50.0),
        (253.0, 231.0, 37.0),
    ];
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let x = t * (STOPS.len() - 1) as f64;
    let k = (x.floor() as usize).min(STOPS.len() - 2);
    let f = x - k as f64;
    let (a, b) = (STOPS[k], STOPS[k + 1]);
    let mix = |p: f64, q: f64| (p + f * (q - p)).round().clamp(0.0, 255.0) as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// Colours for overlays: chosen to stand out on viridis and on the (white) contour lines;
/// white comes last.
fn overlay_colour(i: usize) -> RGBColor {
    const COLOURS: [RGBColor; 5] = [
        RGBColor(230, 30, 40),
        RGBColor(255, 140, 0),
        RGBColor(255, 80, 200),
        RGBColor(0, 220, 255),
        RGBColor(255, 255, 255),
    ];
    COLOURS[i % COLOURS.len()]
}

/// A colour-bar tick label for `v` on a scale spanning `span`: three significant digits of
/// the span, so that rounding noise (1e-16 for 0) does not show.
fn tick(v: f64, span: f64) -> String {
    let span = if span > 0.0 && span.is_finite() {
        span
    } else {
        v.abs().max(1.0)
    };
    let magnitude = v.abs().max(span);
    if !(1e-3..1e5).contains(&magnitude) {
        return format!("{v:.2e}");
    }
    // Decimals so that the span has about three significant digits.
    let decimals = (2.0 - span.log10().floor()).clamp(0.0, 8.0) as usize;
    let s = format!("{v:.decimals$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        &s
    };
    if s == "-0" { "0".into() } else { s.to_string() }
}

impl Paint for Prepared<'_> {
    fn paint<DB: DrawingBackend>(
        &self,
        fig: &Figure,
        root: &DrawingArea<DB, Shift>,
    ) -> Result<PlotRows, String> {
        let (w, _) = root.dim_in_pixel();
        let bar_w = if self.colorbar {
            fig.px(95.0).min(w / 3)
        } else {
            0
        };
        let (main, side) = root.split_horizontally(w - bar_w);
        let grid = self.grid;
        let ((x0, x1), (y0, y1)) = grid.ranges();
        let mut chart = fig
            .chart_builder(&main)
            .build_cartesian_2d(x0..x1, y0..y1)
            .map_err(de)?;
        let (lo, hi) = self.range;
        // Halves keep the span finite for values near ±f64::MAX.
        let half_span = if hi > lo { hi / 2.0 - lo / 2.0 } else { 1.0 };
        let (dx, dy) = grid.steps();
        let (nx, ny) = grid.dims();
        chart
            .draw_series((0..ny).flat_map(|j| {
                (0..nx).map(move |i| {
                    let v = grid.at(i, j);
                    let colour = if v.is_finite() {
                        viridis((v / 2.0 - lo / 2.0) / half_span)
                    } else {
                        RGBColor(160, 160, 160)
                    };
                    let (cx, cy) = (x0 + i as f64 * dx, y0 + j as f64 * dy);
                    Rectangle::new([(cx, cy), (cx + dx, cy + dy)], colour.filled())
                })
            }))
            .map_err(de)?;
        let mut mesh = chart.configure_mesh();
        fig.style_mesh(&mut mesh, true);
        mesh.disable_mesh().draw().map_err(de)?;

        if !self.contour_segments.is_empty() {
            let style = WHITE.mix(0.75).stroke_width(1);
            chart
                .draw_series(
                    self.contour_segments
                        .iter()
                        .map(|s| PathElement::new(vec![s[0], s[1]], style)),
                )
                .map_err(de)?;
        }

        let mut any_label = false;
        for (k, (name, shape)) in self.overlays.iter().enumerate() {
            let colour = overlay_colour(k);
            let is_curve = matches!(shape, Shape::Curves(_));
            let anno = match shape {
                Shape::Curves(curves) => {
                    let style = colour.stroke_width(fig.px(2.0));
                    chart
                        .draw_series(curves.iter().map(|c| PathElement::new(c.clone(), style)))
                        .map_err(de)?
                }
                Shape::Points(points) => {
                    let r = fig.px(4.0);
                    chart
                        .draw_series(points.iter().flat_map(|&p| {
                            [
                                Circle::new(p, r + 1, BLACK.filled()),
                                Circle::new(p, r, colour.filled()),
                            ]
                        }))
                        .map_err(de)?
                }
            };
            if !name.is_empty() {
                any_label = true;
                let r = fig.px(5.0);
                let line = colour.stroke_width(fig.px(2.0));
                // Curves get a line swatch, points a marker (both built from the same
                // element types so the closure has one return type).
                let (len, marker) = if is_curve { (3 * r as i32, 0) } else { (0, r) };
                anno.label(*name).legend(move |(x, y)| {
                    EmptyElement::at((x, y))
                        + PathElement::new(vec![(0, 0), (len, 0)], line)
                        + Circle::new(
                            (r as i32, 0),
                            marker.saturating_add(u32::from(marker > 0)),
                            BLACK.filled(),
                        )
                        + Circle::new((r as i32, 0), marker, colour.filled())
                });
            }
        }
        if any_label {
            fig.draw_legend(&mut chart, 22.0)?;
        }

        if self.colorbar {
            // Align the bar with the plotting area of the main chart.
            let (_, py) = chart.plotting_area().get_pixel_range();
            let (bx, _) = side.get_base_pixel();
            let left = bx + fig.px(12.0) as i32;
            let right = left + fig.px(18.0) as i32;
            let (top, bottom) = (py.start, py.end);
            let steps = 128;
            let height = f64::from(bottom - top);
            for s in 0..steps {
                let t0 = s as f64 / steps as f64;
                let t1 = (s + 1) as f64 / steps as f64;
                let ya = bottom - (t0 * height).round() as i32;
                let yb = bottom - (t1 * height).round() as i32;
                root.draw(&Rectangle::new(
                    [(left, yb), (right, ya)],
                    viridis((t0 + t1) / 2.0).filled(),
                ))
                .map_err(de)?;
            }
            root.draw(&Rectangle::new(
                [(left, top), (right, bottom)],
                BLACK.stroke_width(1),
            ))
            .map_err(de)?;
            let font = fig.font(12.0).pos(plotters::style::text_anchor::Pos::new(
                plotters::style::text_anchor::HPos::Left,
                plotters::style::text_anchor::VPos::Center,
            ));
            let ticks = 5;
            for s in 0..ticks {
                let t = s as f64 / (ticks - 1) as f64;
                let y = bottom - (t * height).round() as i32;
                let v = if hi > lo { lerp(lo, hi, t) } else { lo };
                root.draw(&PathElement::new(
                    vec![(right, y), (right + fig.px(4.0) as i32, y)],
                    BLACK.stroke_width(1),
                ))
                .map_err(de)?;
                root.draw(&Text::new(
                    tick(v, hi - lo),
                    (right + fig.px(6.0) as i32, y),
                    &font,
                ))
                .map_err(de)?;
            }
        }
        Ok(plot_rows(&chart))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tick_labels() {
        assert_eq!(tick(1.85e-16, 0.2118), "0");
        assert_eq!(tick(0.2118, 0.2118), "0.212");
        assert_eq!(tick(0.0529, 0.2118), "0.053");
        assert_eq!(tick(12.0, 40.0), "12");
        assert_eq!(tick(-1250.0, 5000.0), "-1250");
        assert_eq!(tick(1.5e-5, 2e-5), "1.50e-5");
        assert_eq!(tick(3.0, 0.0), "3");
    }

    #[test]
    fn viridis_ends() {
        assert_eq!(viridis(0.0), RGBColor(68, 1, 84));
        assert_eq!(viridis(1.0), RGBColor(253, 231, 37));
        assert_eq!(viridis(f64::NAN), RGBColor(68, 1, 84));
    }

    #[test]
    fn contour_of_a_plane_is_a_straight_line() {
        // f(x, y) = x on a 5×5 grid over [0, 5]²: the level-2.5 contour is x = 2.5.
        let g = Grid::from_fn((0.0, 5.0), (0.0, 5.0), 5, 5, |x, _| x).unwrap();
        let mut segs = Vec::new();
        marching_squares(&g, 2.5, &mut segs);
        assert_eq!(segs.len(), 4);
        for s in segs {
            for p in s {
                assert!((p.0 - 2.5).abs() < 1e-12);
            }
        }
    }

    #[test]
    fn ellipse_points_have_mahalanobis_radius_k() {
        let cov = [[2.0, 0.6], [0.6, 0.5]];
        let curves = ellipses("q", [1.0, -1.0], cov, &[1.0, 2.0]).unwrap();
        assert_eq!(curves.len(), 2);
        let det = cov[0][0] * cov[1][1] - cov[0][1] * cov[1][0];
        for (k, c) in [1.0, 2.0].iter().zip(&curves) {
            for &(x, y) in c {
                let (u, v) = (x - 1.0, y + 1.0);
                let m = (cov[1][1] * u * u - 2.0 * cov[0][1] * u * v + cov[0][0] * v * v) / det;
                assert!((m.sqrt() - k).abs() < 1e-9);
            }
        }
        assert!(ellipses("q", [0.0, 0.0], [[1.0, 2.0], [2.0, 1.0]], &[1.0]).is_err());
        assert!(ellipses("q", [0.0, 0.0], [[1.0, 0.0], [0.1, 1.0]], &[1.0]).is_err());
        assert!(ellipses("q", [0.0, f64::NAN], [[1.0, 0.0], [0.0, 1.0]], &[1.0]).is_err());
        assert!(ellipses("q", [0.0, 0.0], [[1.0, 0.0], [0.0, 1.0]], &[0.0]).is_err());
    }
}
