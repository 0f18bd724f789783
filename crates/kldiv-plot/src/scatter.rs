//! 2-D scatter plots coloured by an integer label: embeddings (t-SNE, I-Con) and samples.

use std::collections::BTreeMap;
use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::figure::{Counts, Paint, PlotRows, de, min_max, padded, palette, plot_rows};
use crate::{Figure, Format, PlotError, PlotSummary};

/// At most this many labels get a legend entry (the first ones in increasing order).
pub const MAX_LEGEND_ENTRIES: usize = 20;

/// Points in the plane, optionally with one integer label per point.
///
/// Label `l` is drawn in colour `l` of the palette (Tableau-10, then spread hues), so the
/// same label keeps its colour across figures. Without labels all points share one colour
/// and there is no legend.
///
/// ```
/// use kldiv_plot::Scatter;
/// let points = [[0.0, 1.0], [1.0, 0.5], [2.0, 2.0]];
/// let labels = [0, 1, 1];
/// let scatter = Scatter::new(&points).labels(&labels).label_names(["cat", "dog"]);
/// assert_eq!(scatter.len(), 3);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Scatter<'a> {
    points: &'a [[f64; 2]],
    labels: Option<&'a [usize]>,
    names: Vec<String>,
    radius: f64,
    opacity: f64,
}

impl<'a> Scatter<'a> {
    /// Unlabelled points, radius 2.5 px (at 800×600), opacity 0.7.
    pub fn new(points: &'a [[f64; 2]]) -> Self {
        Self {
            points,
            labels: None,
            names: Vec::new(),
            radius: 2.5,
            opacity: 0.7,
        }
    }

    /// One label per point (the lengths must agree; checked when drawing).
    #[must_use]
    pub fn labels(mut self, labels: &'a [usize]) -> Self {
        self.labels = Some(labels);
        self
    }

    /// Legend text for labels 0, 1, 2, …; labels without a name are shown as their number.
    #[must_use]
    pub fn label_names<I, S>(mut self, names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.names = names.into_iter().map(Into::into).collect();
        self
    }

    /// Marker radius in pixels at 800×600 (scaled with the figure; non-finite or ≤ 0 values
    /// are rejected when drawing).
    #[must_use]
    pub fn radius(mut self, radius: f64) -> Self {
        self.radius = radius;
        self
    }

    /// Marker opacity in (0, 1] (checked when drawing).
    #[must_use]
    pub fn opacity(mut self, opacity: f64) -> Self {
        self.opacity = opacity;
        self
    }

    /// Number of points.
    pub fn len(&self) -> usize {
        self.points.len()
    }

    /// Whether there are no points.
    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }
}

/// The points of one label, with its legend text (none when unlabelled or past the cap).
struct Group {
    label: usize,
    name: Option<String>,
    points: Vec<(f64, f64)>,
}

struct Prepared {
    groups: Vec<Group>,
    x: (f64, f64),
    y: (f64, f64),
    radius: f64,
    opacity: f64,
}

impl Figure {
    /// Draws a scatter plot coloured by label, with a legend of the labels, and writes `path`.
    ///
    /// Points with a non-finite coordinate are skipped and counted. Fast enough for tens of
    /// thousands of points (PNG); an SVG holds one `<circle>` per point. The axes are not
    /// forced to an equal aspect ratio. At most [`MAX_LEGEND_ENTRIES`] labels are listed.
    ///
    /// # Errors
    /// [`PlotError::UnsupportedFormat`]; [`PlotError::Empty`] if there are no points;
    /// [`PlotError::LengthMismatch`] if the labels do not match the points;
    /// [`PlotError::InvalidArgument`] for a bad radius or opacity or with
    /// [`Figure::log_y`]; [`PlotError::NoFiniteData`] if no point is finite; rendering
    /// errors.
    pub fn scatter(
        &self,
        scatter: &Scatter<'_>,
        path: impl AsRef<Path>,
    ) -> Result<PlotSummary, PlotError> {
        let path = path.as_ref();
        let format = Format::from_path(path)?;
        self.reject_log_y("scatter plots")?;
        if scatter.points.is_empty() {
            return Err(PlotError::Empty {
                what: "scatter points".into(),
            });
        }
        if let Some(labels) = scatter.labels {
            if labels.len() != scatter.points.len() {
                return Err(PlotError::LengthMismatch {
                    what: "scatter labels (one per point)".into(),
                    expected: scatter.points.len(),
                    found: labels.len(),
                });
            }
        }
        if !(scatter.radius.is_finite() && scatter.radius > 0.0) {
            return Err(PlotError::InvalidArgument {
                what: "scatter radius".into(),
                reason: format!("must be finite and > 0, got {}", scatter.radius),
            });
        }
        if !(scatter.opacity > 0.0 && scatter.opacity <= 1.0) {
            return Err(PlotError::InvalidArgument {
                what: "scatter opacity".into(),
                reason: format!("must be in (0, 1], got {}", scatter.opacity),
            });
        }
        let mut counts = Counts::default();
        let mut by_label: BTreeMap<usize, Vec<(f64, f64)>> = BTreeMap::new();
        for (i, &[x, y]) in scatter.points.iter().enumerate() {
            if !(x.is_finite() && y.is_finite()) {
                counts.skipped_non_finite += 1;
                continue;
            }
            counts.drawn += 1;
            let label = scatter.labels.map_or(0, |l| l[i]);
            by_label.entry(label).or_default().push((x, y));
        }
        let all = || by_label.values().flatten();
        let (Some(xr), Some(yr)) = (min_max(all().map(|p| p.0)), min_max(all().map(|p| p.1)))
        else {
            return Err(PlotError::NoFiniteData {
                what: "scatter points".into(),
                skipped: counts.skipped_non_finite,
            });
        };
        let groups = by_label
            .into_iter()
            .enumerate()
            .map(|(rank, (label, pts))| {
                let name = (scatter.labels.is_some() && rank < MAX_LEGEND_ENTRIES).then(|| {
                    scatter
                        .names
                        .get(label)
                        .cloned()
                        .unwrap_or_else(|| label.to_string())
                });
                Group {
                    label,
                    name,
                    points: pts,
                }
            })
            .collect();
        let prepared = Prepared {
            groups,
            x: padded(xr.0, xr.1, 0.04, "scatter x coordinates")?,
            y: padded(yr.0, yr.1, 0.04, "scatter y coordinates")?,
            radius: scatter.radius,
            opacity: scatter.opacity,
        };
        self.render(path, format, counts, &prepared)
    }
}

impl Paint for Prepared {
    fn paint<DB: DrawingBackend>(
        &self,
        fig: &Figure,
        root: &DrawingArea<DB, Shift>,
    ) -> Result<PlotRows, String> {
        let mut chart = fig
            .chart_builder(root)
            .build_cartesian_2d(self.x.0..self.x.1, self.y.0..self.y.1)
            .map_err(de)?;
        let mut mesh = chart.configure_mesh();
        fig.style_mesh(&mut mesh, true);
        mesh.draw().map_err(de)?;

        let r = (self.radius * fig.scale()).round().max(1.0) as u32;
        let mut any_label = false;
        for Group {
            label,
            name,
            points,
        } in &self.groups
        {
            let colour = palette(*label);
            let style = colour.mix(self.opacity).filled();
            let anno = chart
                .draw_series(points.iter().map(|&p| Circle::new(p, r, style)))
                .map_err(de)?;
            if let Some(name) = name {
                any_label = true;
                let lr = fig.px(5.0);
                anno.label(name.as_str())
                    .legend(move |(x, y)| Circle::new((x + lr as i32, y), lr, colour.filled()));
            }
        }
        if any_label {
            fig.draw_legend(&mut chart, 22.0)?;
        }
        Ok(plot_rows(&chart))
    }
}
