//! Line plots of named series: densities with fitted curves overlaid, training curves.

use std::path::Path;

use plotters::coord::Shift;
use plotters::coord::ranged1d::{AsRangedCoord, ValueFormatter};
use plotters::prelude::*;

use crate::figure::{Counts, Paint, PlotRows, check_axis, de, min_max, padded, palette, plot_rows};
use crate::{Figure, Format, PlotError, PlotSummary};

/// One named curve: y against x, or y against its index (0, 1, 2, …).
///
/// Series borrow their data. Colours follow the order of the series (Tableau-10 palette).
///
/// ```
/// use kldiv_plot::Series;
/// let x = [0.0, 0.5, 1.0];
/// let p = [0.1, 0.7, 0.2];
/// let loss = [3.0, 1.5, 0.9, 0.7];
/// let density = Series::new("p(x)", &x, &p);
/// let curve = Series::indexed("ELBO", &loss).dashed();
/// assert_eq!(curve.len(), 4);
/// # let _ = density;
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Series<'a> {
    name: &'a str,
    x: Option<&'a [f64]>,
    y: &'a [f64],
    dashed: bool,
}

impl<'a> Series<'a> {
    /// A series of points `(x[i], y[i])`. The lengths must agree (checked when drawing).
    pub fn new(name: &'a str, x: &'a [f64], y: &'a [f64]) -> Self {
        Self {
            name,
            x: Some(x),
            y,
            dashed: false,
        }
    }

    /// A series of points `(i, y[i])`, e.g. a loss per iteration.
    pub fn indexed(name: &'a str, y: &'a [f64]) -> Self {
        Self {
            name,
            x: None,
            y,
            dashed: false,
        }
    }

    /// Draws this series with a dashed line (e.g. a fitted curve over a target density).
    #[must_use]
    pub fn dashed(mut self) -> Self {
        self.dashed = true;
        self
    }

    /// The name shown in the legend.
    pub fn name(&self) -> &str {
        self.name
    }

    /// Number of points (the length of `y`).
    pub fn len(&self) -> usize {
        self.y.len()
    }

    /// Whether the series has no points.
    pub fn is_empty(&self) -> bool {
        self.y.is_empty()
    }
}

/// The largest ratio max/min of a log-scaled y axis (after padding).
const MAX_LOG_RATIO: f64 = 1e250;

/// A series after validation: runs of drawable points, split where points were skipped.
struct Prepared<'a> {
    name: &'a str,
    dashed: bool,
    runs: Vec<Vec<(f64, f64)>>,
}

struct Lines<'a> {
    series: Vec<Prepared<'a>>,
    x: (f64, f64),
    y: (f64, f64),
}

impl Figure {
    /// Draws one or more named series as lines, with a legend, and writes `path`.
    ///
    /// Points with a non-finite x or y (and, with [`Figure::log_y`], points with y ≤ 0) are
    /// skipped; the line is broken there. The counts are in the returned summary.
    ///
    /// # Errors
    /// [`PlotError::UnsupportedFormat`] for a path not ending in `.svg`/`.png`;
    /// [`PlotError::Empty`] if `series` or any series is empty;
    /// [`PlotError::LengthMismatch`] if a series' x and y lengths differ;
    /// [`PlotError::NoFiniteData`] if no point at all can be drawn;
    /// [`PlotError::InvalidArgument`] if a coordinate exceeds ±1e300 or, on a log axis, the
    /// drawn y values span more than about 227 decades;
    /// [`PlotError::InvalidSize`], [`PlotError::Io`], [`PlotError::Draw`],
    /// [`PlotError::Encode`] from rendering.
    pub fn lines(
        &self,
        series: &[Series<'_>],
        path: impl AsRef<Path>,
    ) -> Result<PlotSummary, PlotError> {
        let path = path.as_ref();
        let format = Format::from_path(path)?;
        if series.is_empty() {
            return Err(PlotError::Empty {
                what: "series list".into(),
            });
        }
        let mut counts = Counts::default();
        let mut prepared = Vec::with_capacity(series.len());
        for s in series {
            if s.y.is_empty() {
                return Err(PlotError::Empty {
                    what: format!("series {:?}", s.name),
                });
            }
            if let Some(x) = s.x {
                if x.len() != s.y.len() {
                    return Err(PlotError::LengthMismatch {
                        what: format!("x of series {:?} (y has {})", s.name, s.y.len()),
                        expected: s.y.len(),
                        found: x.len(),
                    });
                }
            }
            let mut runs: Vec<Vec<(f64, f64)>> = Vec::new();
            let mut current = Vec::new();
            for (i, &y) in s.y.iter().enumerate() {
                let x = match s.x {
                    Some(x) => x[i],
                    None => i as f64,
                };
                if !x.is_finite() || !y.is_finite() {
                    counts.skipped_non_finite += 1;
                } else if self.is_log_y() && y <= 0.0 {
                    counts.skipped_non_positive += 1;
                } else {
                    counts.drawn += 1;
                    current.push((x, y));
                    continue;
                }
                if !current.is_empty() {
                    runs.push(std::mem::take(&mut current));
                }
            }
            if !current.is_empty() {
                runs.push(current);
            }
            prepared.push(Prepared {
                name: s.name,
                dashed: s.dashed,
                runs,
            });
        }
        let points = || prepared.iter().flat_map(|p| p.runs.iter().flatten());
        let (Some(xr), Some(yr)) = (
            min_max(points().map(|p| p.0)),
            min_max(points().map(|p| p.1)),
        ) else {
            return Err(PlotError::NoFiniteData {
                what: "line series".into(),
                skipped: counts.skipped_non_finite + counts.skipped_non_positive,
            });
        };
        let y = if self.is_log_y() {
            check_axis(yr.0, yr.1, "y values")?;
            let y = if yr.0 == yr.1 {
                (yr.0 / 2.0, yr.1 * 2.0)
            } else {
                let f = (yr.1 / yr.0).powf(0.05);
                (yr.0 / f, yr.1 * f)
            };
            // plotters' log-axis ticks need a finite ratio (and loop for a very long time
            // when it overflows); keep well inside f64.
            if !(y.0 > 0.0 && y.1 / y.0 <= MAX_LOG_RATIO) {
                return Err(PlotError::InvalidArgument {
                    what: "y values on a log axis".into(),
                    reason: format!(
                        "range {:e}..{:e} spans more than {MAX_LOG_RATIO:e} (with 5 % padding)",
                        yr.0, yr.1
                    ),
                });
            }
            y
        } else {
            padded(yr.0, yr.1, 0.05, "y values")?
        };
        let lines = Lines {
            series: prepared,
            x: padded(xr.0, xr.1, 0.0, "x values")?,
            y,
        };
        self.render(path, format, counts, &lines)
    }
}

impl Paint for Lines<'_> {
    fn paint<DB: DrawingBackend>(
        &self,
        fig: &Figure,
        root: &DrawingArea<DB, Shift>,
    ) -> Result<PlotRows, String> {
        let x = self.x.0..self.x.1;
        let y = self.y.0..self.y.1;
        if fig.is_log_y() {
            self.paint_on(fig, root, x, y.log_scale())
        } else {
            self.paint_on(fig, root, x, y)
        }
    }
}

impl Lines<'_> {
    fn paint_on<DB, X, Y>(
        &self,
        fig: &Figure,
        root: &DrawingArea<DB, Shift>,
        x: X,
        y: Y,
    ) -> Result<PlotRows, String>
    where
        DB: DrawingBackend,
        X: AsRangedCoord<Value = f64>,
        Y: AsRangedCoord<Value = f64>,
        X::CoordDescType: ValueFormatter<f64>,
        Y::CoordDescType: ValueFormatter<f64>,
    {
        let mut chart = fig
            .chart_builder(root)
            .build_cartesian_2d(x, y)
            .map_err(de)?;
        let mut mesh = chart.configure_mesh();
        fig.style_mesh(&mut mesh, true);
        mesh.draw().map_err(de)?;

        let width = fig.px(2.0);
        let mut any_label = false;
        for (k, s) in self.series.iter().enumerate() {
            let colour = palette(k);
            let style = colour.stroke_width(width);
            let mut labelled = false;
            for run in &s.runs {
                let anno = if run.len() == 1 {
                    chart
                        .draw_series(
                            run.iter()
                                .map(|&p| Circle::new(p, fig.px(3.0), colour.filled())),
                        )
                        .map_err(de)?
                } else if s.dashed {
                    chart
                        .draw_series(DashedLineSeries::new(
                            run.iter().copied(),
                            fig.px(8.0),
                            fig.px(5.0),
                            style,
                        ))
                        .map_err(de)?
                } else {
                    chart
                        .draw_series(LineSeries::new(run.iter().copied(), style))
                        .map_err(de)?
                };
                if !labelled && !s.name.is_empty() {
                    labelled = true;
                    any_label = true;
                    // Three segments that touch (solid) or leave gaps (dashed).
                    let step = fig.px(10.0) as i32;
                    let seg = if s.dashed { step * 3 / 5 } else { step };
                    anno.label(s.name).legend(move |(x, y)| {
                        EmptyElement::at((x, y))
                            + PathElement::new(vec![(0, 0), (seg, 0)], style)
                            + PathElement::new(vec![(step, 0), (step + seg, 0)], style)
                            + PathElement::new(vec![(2 * step, 0), (2 * step + seg, 0)], style)
                    });
                }
            }
        }
        if any_label {
            fig.draw_legend(&mut chart, 36.0)?;
        }
        Ok(plot_rows(&chart))
    }
}
