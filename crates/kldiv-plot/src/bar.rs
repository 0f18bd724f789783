//! Bar charts of discrete distributions, one or several side by side.

use std::path::Path;

use std::ops::Range;

use plotters::coord::Shift;
use plotters::coord::ranged1d::{KeyPointHint, NoDefaultFormatting, Ranged, ValueFormatter};
use plotters::prelude::*;

use crate::figure::{Counts, Paint, PlotRows, check_axis, de, min_max, palette, plot_rows};
use crate::{Figure, Format, PlotError, PlotSummary};

/// One named set of bar heights, one per category (e.g. the probabilities of P).
///
/// ```
/// use kldiv_plot::Bars;
/// let p = [0.5, 0.3, 0.2];
/// let bars = Bars::new("P", &p);
/// assert_eq!(bars.name(), "P");
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bars<'a> {
    name: &'a str,
    values: &'a [f64],
}

impl<'a> Bars<'a> {
    /// Heights `values[i]` for category `i`. The name is shown in the legend (when non-empty).
    pub fn new(name: &'a str, values: &'a [f64]) -> Self {
        Self { name, values }
    }

    /// The name shown in the legend.
    pub fn name(&self) -> &str {
        self.name
    }
}

struct BarChart {
    categories: Vec<String>,
    /// Per group: name and the (category index, height) of each finite bar.
    groups: Vec<(String, Vec<(usize, f64)>)>,
    y: (f64, f64),
}

impl Figure {
    /// Draws a grouped bar chart: for each category label, one bar per [`Bars`] group, side
    /// by side in group order (e.g. P and Q over the same outcomes), and writes `path`.
    ///
    /// Bars start at 0 and may be negative. A non-finite height is not drawn and is counted
    /// in [`PlotSummary::skipped_non_finite`]. With more than about 20 categories only every
    /// k-th label is written.
    ///
    /// # Errors
    /// [`PlotError::UnsupportedFormat`]; [`PlotError::Empty`] if there are no categories or
    /// no groups; [`PlotError::LengthMismatch`] if a group's length differs from the number
    /// of categories; [`PlotError::NoFiniteData`] if no height is finite;
    /// [`PlotError::InvalidArgument`] if [`Figure::log_y`] is set; rendering errors.
    pub fn bars<S: AsRef<str>>(
        &self,
        categories: &[S],
        groups: &[Bars<'_>],
        path: impl AsRef<Path>,
    ) -> Result<PlotSummary, PlotError> {
        let path = path.as_ref();
        let format = Format::from_path(path)?;
        self.reject_log_y("bar charts")?;
        if categories.is_empty() {
            return Err(PlotError::Empty {
                what: "category list".into(),
            });
        }
        if groups.is_empty() {
            return Err(PlotError::Empty {
                what: "bar group list".into(),
            });
        }
        let mut counts = Counts::default();
        let mut prepared = Vec::with_capacity(groups.len());
        for g in groups {
            if g.values.len() != categories.len() {
                return Err(PlotError::LengthMismatch {
                    what: format!("bar group {:?} (one value per category)", g.name),
                    expected: categories.len(),
                    found: g.values.len(),
                });
            }
            let mut bars = Vec::with_capacity(g.values.len());
            for (i, &v) in g.values.iter().enumerate() {
                if v.is_finite() {
                    counts.drawn += 1;
                    bars.push((i, v));
                } else {
                    counts.skipped_non_finite += 1;
                }
            }
            prepared.push((g.name.to_string(), bars));
        }
        let Some((lo, hi)) = min_max(prepared.iter().flat_map(|g| g.1.iter().map(|b| b.1))) else {
            return Err(PlotError::NoFiniteData {
                what: "bar heights".into(),
                skipped: counts.skipped_non_finite,
            });
        };
        let (lo, hi) = check_axis(lo.min(0.0), hi.max(0.0), "bar heights")?;
        let span = if hi > lo { hi - lo } else { 1.0 };
        let y = (
            if lo < 0.0 { lo - 0.05 * span } else { 0.0 },
            if hi > 0.0 || lo == 0.0 {
                hi + 0.08 * span
            } else {
                0.0
            },
        );
        let chart = BarChart {
            categories: categories.iter().map(|c| c.as_ref().to_string()).collect(),
            groups: prepared,
            y,
        };
        self.render(path, format, counts, &chart)
    }
}

impl Paint for BarChart {
    fn paint<DB: DrawingBackend>(
        &self,
        fig: &Figure,
        root: &DrawingArea<DB, Shift>,
    ) -> Result<PlotRows, String> {
        let k = self.categories.len();
        let x = CategoryAxis {
            labels: &self.categories,
            every: k.div_ceil(20).max(1),
        };
        let mut chart = fig
            .chart_builder(root)
            .build_cartesian_2d(x, self.y.0..self.y.1)
            .map_err(de)?;
        let mut mesh = chart.configure_mesh();
        fig.style_mesh(&mut mesh, false);
        mesh.disable_x_mesh().draw().map_err(de)?;

        let n = self.groups.len() as f64;
        let slot = 0.8 / n;
        let gap = slot * if n > 1.0 { 0.08 } else { 0.0 };
        for (gi, (name, bars)) in self.groups.iter().enumerate() {
            let colour = palette(gi);
            let left = -0.4 + slot * gi as f64;
            let anno = chart
                .draw_series(bars.iter().map(|&(i, v)| {
                    let x0 = i as f64 + left + gap / 2.0;
                    Rectangle::new([(x0, 0.0), (x0 + slot - gap, v)], colour.mix(0.85).filled())
                }))
                .map_err(de)?;
            if !name.is_empty() {
                let size = fig.px(10.0) as i32;
                anno.label(name.as_str()).legend(move |(x, y)| {
                    Rectangle::new(
                        [(x, y - size / 2), (x + 2 * size, y + size / 2)],
                        colour.filled(),
                    )
                });
            }
        }
        // Zero line over the bars.
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(-0.5, 0.0), (k as f64 - 0.5, 0.0)],
                BLACK.stroke_width(1),
            )))
            .map_err(de)?;
        if self.groups.iter().any(|g| !g.0.is_empty()) {
            fig.draw_legend(&mut chart, 30.0)?;
        }
        Ok(plot_rows(&chart))
    }
}

/// The x axis of a bar chart: category `i` is centred at `i`, the axis spans
/// `-0.5..k-0.5`, and ticks carry the category labels (every `every`-th one).
struct CategoryAxis<'a> {
    labels: &'a [String],
    every: usize,
}

impl Ranged for CategoryAxis<'_> {
    type FormatOption = NoDefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        let k = self.labels.len() as f64;
        let t = (value + 0.5) / k;
        let px = f64::from(limit.0) + t * f64::from(limit.1 - limit.0);
        // `as` saturates; coordinates far outside the axis are clipped anyway.
        px.round() as i32
    }

    fn key_points<Hint: KeyPointHint>(&self, _hint: Hint) -> Vec<f64> {
        (0..self.labels.len())
            .step_by(self.every)
            .map(|i| i as f64)
            .collect()
    }

    fn range(&self) -> Range<f64> {
        -0.5..self.labels.len() as f64 - 0.5
    }
}

impl ValueFormatter<f64> for CategoryAxis<'_> {
    fn format_ext(&self, value: &f64) -> String {
        let i = value.round();
        if i >= 0.0 && (i - value).abs() < 1e-9 {
            self.labels.get(i as usize).cloned().unwrap_or_default()
        } else {
            String::new()
        }
    }
}
