//! [`Figure`]: the options every plot shares, output formats, and the render step.

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use plotters::chart::MeshStyle;
use plotters::coord::ranged1d::{Ranged, ValueFormatter};
use plotters::coord::{CoordTranslate, Shift};
use plotters::prelude::*;

use crate::PlotError;

/// The embedded font: DejaVu Sans (Bitstream Vera licence, see `fonts/LICENSE-DejaVu.txt`).
static DEJAVU_SANS: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");

/// Smallest and largest accepted side of a figure, in pixels.
const SIZE_LIMITS: std::ops::RangeInclusive<u32> = 16..=16384;

/// Output format of a figure, chosen by the file extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Format {
    /// Scalable vector graphics (`.svg`). Text is stored as `<text>` elements in the
    /// `sans-serif` family, so viewers use their own sans-serif font.
    Svg,
    /// 8-bit RGB PNG (`.png`), text rasterised from the embedded DejaVu Sans.
    Png,
}

impl Format {
    /// The format named by the extension of `path` (`.svg` or `.png`, any case).
    ///
    /// # Errors
    /// [`PlotError::UnsupportedFormat`] naming the path for any other extension or none.
    pub fn from_path(path: &Path) -> Result<Self, PlotError> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("svg") => Ok(Self::Svg),
            Some("png") => Ok(Self::Png),
            _ => Err(PlotError::UnsupportedFormat {
                path: path.to_path_buf(),
            }),
        }
    }
}

/// What a plot call drew, returned on success.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PlotSummary {
    /// The file written.
    pub path: PathBuf,
    /// Its format.
    pub format: Format,
    /// Width and height in pixels.
    pub size: (u32, u32),
    /// Data items drawn: points of line series and scatter plots, bars, grid cells.
    pub drawn: usize,
    /// Items skipped because a coordinate or value was NaN or ±∞. (Heatmap cells with a
    /// non-finite value are painted grey and counted here.)
    pub skipped_non_finite: usize,
    /// Finite items skipped because they cannot be shown on a log axis (y ≤ 0).
    pub skipped_non_positive: usize,
}

/// Counts gathered while preparing data, turned into a [`PlotSummary`] after rendering.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Counts {
    pub drawn: usize,
    pub skipped_non_finite: usize,
    pub skipped_non_positive: usize,
}

/// Where the legend goes, if anywhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Legend {
    /// Inside the plot, top right (the default).
    #[default]
    UpperRight,
    /// Inside the plot, top left.
    UpperLeft,
    /// Inside the plot, bottom left.
    LowerLeft,
    /// Inside the plot, bottom right.
    LowerRight,
    /// No legend.
    Hidden,
}

/// The options every figure shares: title, axis labels, size, log-scaled y.
///
/// A `Figure` holds no data; each plotting method takes the data, draws it and writes one
/// file whose format is chosen by the extension (`.svg` or `.png`). The same `Figure` can be
/// reused for several files.
///
/// ```
/// let fig = kldiv_plot::Figure::new("KL(p‖q) per epoch")
///     .x_label("epoch")
///     .y_label("KL (nats)")
///     .size(640, 480)
///     .log_y(true);
/// assert_eq!(fig.dimensions(), (640, 480));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    title: String,
    x_label: String,
    y_label: String,
    width: u32,
    height: u32,
    log_y: bool,
    legend: Legend,
    /// Whether the mesh draws the y-axis label itself. Off for PNG: plotters' bitmap text
    /// path ignores rotation, so [`Figure::render`] draws the label rotated after painting.
    mesh_y_desc: bool,
}

impl Default for Figure {
    fn default() -> Self {
        Self::new("")
    }
}

impl Figure {
    /// A figure with this title (may be empty), no axis labels, 800×600 pixels, linear axes.
    pub fn new(title: impl Into<String>) -> Self {
        Self {
            title: title.into(),
            x_label: String::new(),
            y_label: String::new(),
            width: 800,
            height: 600,
            log_y: false,
            legend: Legend::UpperRight,
            mesh_y_desc: true,
        }
    }

    /// Sets the title drawn above the plot.
    #[must_use]
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = title.into();
        self
    }

    /// Sets the label of the horizontal axis.
    #[must_use]
    pub fn x_label(mut self, label: impl Into<String>) -> Self {
        self.x_label = label.into();
        self
    }

    /// Sets the label of the vertical axis.
    #[must_use]
    pub fn y_label(mut self, label: impl Into<String>) -> Self {
        self.y_label = label.into();
        self
    }

    /// Sets the size in pixels (for SVG, the size of the view box). Each side must be in
    /// 16..=16384; this is checked when drawing. Fonts scale with the size.
    #[must_use]
    pub fn size(mut self, width: u32, height: u32) -> Self {
        self.width = width;
        self.height = height;
        self
    }

    /// Draws the y axis on a log scale. Used by [`Figure::lines`] (points with y ≤ 0 are
    /// skipped and counted); the other plot kinds reject it with
    /// [`PlotError::InvalidArgument`].
    #[must_use]
    pub fn log_y(mut self, log_y: bool) -> Self {
        self.log_y = log_y;
        self
    }

    /// Places the legend (named series, bar groups, scatter labels, overlays) or hides it.
    #[must_use]
    pub fn legend(mut self, legend: Legend) -> Self {
        self.legend = legend;
        self
    }

    /// The title.
    pub fn get_title(&self) -> &str {
        &self.title
    }

    /// Width and height in pixels.
    pub fn dimensions(&self) -> (u32, u32) {
        (self.width, self.height)
    }

    /// Whether the y axis is log-scaled.
    pub fn is_log_y(&self) -> bool {
        self.log_y
    }

    pub(crate) fn reject_log_y(&self, kind: &str) -> Result<(), PlotError> {
        if self.log_y {
            return Err(PlotError::InvalidArgument {
                what: "option log_y".into(),
                reason: format!("a log-scaled y axis is supported for line plots, not {kind}"),
            });
        }
        Ok(())
    }

    /// Font scale relative to an 800×600 figure.
    pub(crate) fn scale(&self) -> f64 {
        let w = f64::from(self.width);
        let h = f64::from(self.height) * 4.0 / 3.0;
        (w.min(h) / 800.0).clamp(0.5, 4.0)
    }

    /// A text style of `base` pixels at 800×600, scaled with the figure.
    pub(crate) fn font(&self, base: f64) -> TextStyle<'static> {
        TextStyle::from(FontDesc::new(
            FontFamily::SansSerif,
            base * self.scale(),
            FontStyle::Normal,
        ))
        .color(&BLACK)
    }

    /// A length of `base` pixels at 800×600, scaled with the figure.
    pub(crate) fn px(&self, base: f64) -> u32 {
        // Float-to-int `as` saturates; the value is positive and small.
        (base * self.scale()).round().max(1.0) as u32
    }

    /// A chart builder on `area` with the title and room for tick labels.
    pub(crate) fn chart_builder<'a, 'b, DB: DrawingBackend>(
        &self,
        area: &'a DrawingArea<DB, Shift>,
    ) -> ChartBuilder<'a, 'b, DB> {
        let mut builder = ChartBuilder::on(area);
        builder
            .margin(self.px(14.0))
            .x_label_area_size(self.px(if self.x_label.is_empty() { 30.0 } else { 50.0 }))
            .y_label_area_size(self.px(if self.y_label.is_empty() { 60.0 } else { 80.0 }));
        if !self.title.is_empty() {
            builder.caption(&self.title, self.font(24.0));
        }
        builder
    }

    /// Draws the legend of the labelled series of `chart` at the chosen position, with a
    /// swatch area `swatch` pixels wide (at 800×600). Does nothing for [`Legend::Hidden`].
    pub(crate) fn draw_legend<'a, DB: DrawingBackend + 'a, CT: CoordTranslate>(
        &self,
        chart: &mut ChartContext<'a, DB, CT>,
        swatch: f64,
    ) -> Result<(), String> {
        let position = match self.legend {
            Legend::UpperRight => SeriesLabelPosition::UpperRight,
            Legend::UpperLeft => SeriesLabelPosition::UpperLeft,
            Legend::LowerLeft => SeriesLabelPosition::LowerLeft,
            Legend::LowerRight => SeriesLabelPosition::LowerRight,
            Legend::Hidden => return Ok(()),
        };
        chart
            .configure_series_labels()
            .position(position)
            .margin(self.px(10.0))
            .label_font(self.font(14.0))
            .legend_area_size(self.px(swatch))
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK.mix(0.4))
            .draw()
            .map_err(de)
    }

    /// Axis labels, tick fonts and tidy f64 tick labels on a mesh. `tidy_x` is false for
    /// axes that format their own labels (bar categories).
    pub(crate) fn style_mesh<DB, X, Y>(&self, mesh: &mut MeshStyle<'_, '_, X, Y, DB>, tidy_x: bool)
    where
        DB: DrawingBackend,
        X: Ranged<ValueType = f64> + ValueFormatter<f64>,
        Y: Ranged<ValueType = f64> + ValueFormatter<f64>,
    {
        if tidy_x {
            mesh.x_label_formatter(&tidy_tick);
        }
        mesh.y_label_formatter(&tidy_tick)
            .label_style(self.font(13.0))
            .axis_desc_style(self.font(16.0))
            .light_line_style(BLACK.mix(0.04))
            .bold_line_style(BLACK.mix(0.12));
        if !self.x_label.is_empty() {
            mesh.x_desc(self.x_label.as_str());
        }
        if !self.y_label.is_empty() && self.mesh_y_desc {
            mesh.y_desc(self.y_label.as_str());
        }
    }

    /// Checks the size, draws with `painter` on a white canvas and writes the file.
    pub(crate) fn render<P: Paint>(
        &self,
        path: &Path,
        format: Format,
        counts: Counts,
        painter: &P,
    ) -> Result<PlotSummary, PlotError> {
        let (width, height) = (self.width, self.height);
        if !SIZE_LIMITS.contains(&width) || !SIZE_LIMITS.contains(&height) {
            return Err(PlotError::InvalidSize { width, height });
        }
        register_font().map_err(|message| PlotError::Draw {
            path: path.to_path_buf(),
            message,
        })?;
        let draw_err = |message: String| PlotError::Draw {
            path: path.to_path_buf(),
            message,
        };
        match format {
            Format::Svg => {
                let mut svg = String::new();
                {
                    let root =
                        SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
                    root.fill(&WHITE).map_err(|e| draw_err(e.to_string()))?;
                    painter.paint(self, &root).map_err(draw_err)?;
                    root.present().map_err(|e| draw_err(e.to_string()))?;
                }
                std::fs::write(path, svg).map_err(|source| PlotError::Io {
                    path: path.to_path_buf(),
                    source,
                })?;
            }
            Format::Png => {
                // Both sides are at most 16384, so the product fits in usize on 64-bit and
                // 32-bit targets alike (3·2²⁸ < 2³²).
                let len = 3 * width as usize * height as usize;
                let mut rgb = vec![0u8; len];
                let rows = {
                    let root =
                        BitMapBackend::with_buffer(&mut rgb, (width, height)).into_drawing_area();
                    root.fill(&WHITE).map_err(|e| draw_err(e.to_string()))?;
                    let fig = Figure {
                        mesh_y_desc: false,
                        ..self.clone()
                    };
                    let rows = painter.paint(&fig, &root).map_err(draw_err)?;
                    root.present().map_err(|e| draw_err(e.to_string()))?;
                    rows
                };
                if !self.y_label.is_empty() {
                    self.draw_rotated_y_label(&mut rgb, rows)
                        .map_err(|e| draw_err(e.to_string()))?;
                }
                write_png(path, &rgb, width, height)?;
            }
        }
        Ok(PlotSummary {
            path: path.to_path_buf(),
            format,
            size: (width, height),
            drawn: counts.drawn,
            skipped_non_finite: counts.skipped_non_finite,
            skipped_non_positive: counts.skipped_non_positive,
        })
    }
}

impl Figure {
    /// Draws the y-axis label reading upwards, centred on the plot rows `rows`, into an RGB
    /// buffer of this figure's size: the text is rendered upright into a scratch buffer and
    /// copied rotated by 90°. Only pixels darker than white are copied.
    fn draw_rotated_y_label(&self, rgb: &mut [u8], rows: PlotRows) -> Result<(), String> {
        let font = self.font(16.0);
        let (tw, th) = {
            let mut probe = [0u8; 3];
            let area = BitMapBackend::with_buffer(&mut probe, (1, 1)).into_drawing_area();
            area.estimate_text_size(&self.y_label, &font).map_err(de)?
        };
        let (tw, th) = (tw.clamp(1, 16384), (th + th / 3).clamp(1, 16384));
        let mut scratch = vec![255u8; 3 * tw as usize * th as usize];
        {
            let area = BitMapBackend::with_buffer(&mut scratch, (tw, th)).into_drawing_area();
            area.draw(&Text::new(self.y_label.as_str(), (0, 0), &font))
                .map_err(de)?;
            area.present().map_err(de)?;
        }
        let (w, h) = (self.width as i64, self.height as i64);
        let left = i64::from(self.px(8.0));
        let centre = (i64::from(rows.0) + i64::from(rows.1)) / 2;
        let top = centre - i64::from(tw) / 2;
        for ty in 0..i64::from(th) {
            for tx in 0..i64::from(tw) {
                let src = 3 * (ty * i64::from(tw) + tx) as usize;
                let px = &scratch[src..src + 3];
                if px == [255, 255, 255] {
                    continue;
                }
                // Rotate counter-clockwise: text x runs bottom to top, text y left to right.
                let (dx, dy) = (left + ty, top + i64::from(tw) - 1 - tx);
                if (0..w).contains(&dx) && (0..h).contains(&dy) {
                    let dst = 3 * (dy * w + dx) as usize;
                    rgb[dst..dst + 3].copy_from_slice(px);
                }
            }
        }
        Ok(())
    }
}

/// Top and bottom pixel rows of the main plotting area of a painted figure.
pub(crate) type PlotRows = (i32, i32);

/// The [`PlotRows`] of a chart.
pub(crate) fn plot_rows<DB: DrawingBackend, CT: plotters::coord::CoordTranslate>(
    chart: &ChartContext<'_, DB, CT>,
) -> PlotRows {
    let (_, rows) = chart.plotting_area().get_pixel_range();
    (rows.start, rows.end)
}

/// Something that can draw itself on any plotters backend.
pub(crate) trait Paint {
    /// Draws on `root` (already filled white) and returns the pixel rows of the main plotting
    /// area. Errors are plotters' messages.
    fn paint<DB: DrawingBackend>(
        &self,
        fig: &Figure,
        root: &DrawingArea<DB, Shift>,
    ) -> Result<PlotRows, String>;
}

/// Registers the embedded DejaVu Sans as plotters' `sans-serif` family (once per process).
///
/// plotters keeps its `ab_glyph` font table in a process-wide map; this is the only global
/// state the crate touches, and registering the same bytes again is harmless.
fn register_font() -> Result<(), String> {
    static REGISTERED: OnceLock<Result<(), String>> = OnceLock::new();
    REGISTERED
        .get_or_init(|| {
            plotters::style::register_font("sans-serif", FontStyle::Normal, DEJAVU_SANS)
                .map_err(|_| "the embedded DejaVu Sans font could not be parsed".to_string())
        })
        .clone()
}

/// Encodes an RGB buffer as a PNG file.
fn write_png(path: &Path, rgb: &[u8], width: u32, height: u32) -> Result<(), PlotError> {
    let file = File::create(path).map_err(|source| PlotError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let enc_err = |e: png::EncodingError| match e {
        png::EncodingError::IoError(source) => PlotError::Io {
            path: path.to_path_buf(),
            source,
        },
        other => PlotError::Encode {
            path: path.to_path_buf(),
            message: other.to_string(),
        },
    };
    let mut encoder = png::Encoder::new(BufWriter::new(file), width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Fast);
    let mut writer = encoder.write_header().map_err(enc_err)?;
    writer.write_image_data(rgb).map_err(enc_err)?;
    writer.finish().map_err(enc_err)
}

/// The Tableau-10 palette, then well-spread hues for indices ≥ 10.
pub(crate) fn palette(i: usize) -> RGBColor {
    const TAB10: [(u8, u8, u8); 10] = [
        (31, 119, 180),
        (255, 127, 14),
        (44, 160, 44),
        (214, 39, 40),
        (148, 103, 189),
        (140, 86, 75),
        (227, 119, 194),
        (127, 127, 127),
        (188, 189, 34),
        (23, 190, 207),
    ];
    if let Some(&(r, g, b)) = TAB10.get(i) {
        return RGBColor(r, g, b);
    }
    // Golden-angle hue steps; alternate lightness so neighbours differ.
    let k = (i - TAB10.len()) as f64;
    let hue = (k * 0.381_966_011_250_105).fract();
    let light = if i % 2 == 0 { 0.40 } else { 0.58 };
    let (r, g, b) = HSLColor(hue, 0.70, light).rgb();
    RGBColor(r, g, b)
}

/// The largest absolute coordinate that can be drawn. Beyond it the span of an axis may
/// overflow, and plotters' tick search does not terminate on an infinite span.
pub(crate) const MAX_MAGNITUDE: f64 = 1e300;

/// Checks an axis range `lo ≤ hi` of finite values and makes it drawable: values beyond
/// ±[`MAX_MAGNITUDE`] are an error; a span narrower than `1e-9·max(|lo|, |hi|)` (or 1e-200)
/// is widened to that width around its centre, a zero span to ±0.5 around 0 or ±5 %.
pub(crate) fn check_axis(lo: f64, hi: f64, what: &str) -> Result<(f64, f64), PlotError> {
    // `f64::max` ignores NaN, so test both ends.
    let mag = lo.abs().max(hi.abs());
    if !(lo.abs() <= MAX_MAGNITUDE && hi.abs() <= MAX_MAGNITUDE) {
        return Err(PlotError::InvalidArgument {
            what: what.into(),
            reason: format!(
                "values up to {mag:e} in absolute value; at most {MAX_MAGNITUDE:e} can be drawn"
            ),
        });
    }
    let min_span = (mag * 1e-9).max(1e-200);
    let span = hi - lo;
    Ok(if span <= 0.0 {
        let d = if mag == 0.0 {
            0.5
        } else {
            (0.05 * mag).max(min_span)
        };
        (lo - d, hi + d)
    } else if span < min_span {
        let mid = lo + span / 2.0;
        (mid - min_span / 2.0, mid + min_span / 2.0)
    } else {
        (lo, hi)
    })
}

/// `lo..hi` made drawable by [`check_axis`], then widened by `frac` of its span on both
/// sides.
pub(crate) fn padded(lo: f64, hi: f64, frac: f64, what: &str) -> Result<(f64, f64), PlotError> {
    let (lo, hi) = check_axis(lo, hi, what)?;
    let span = hi - lo;
    Ok((lo - frac * span, hi + frac * span))
}

/// Min and max of an iterator of finite values, or `None` if it is empty.
pub(crate) fn min_max(values: impl IntoIterator<Item = f64>) -> Option<(f64, f64)> {
    values.into_iter().fold(None, |acc, v| match acc {
        None => Some((v, v)),
        Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
    })
}

/// An axis tick label: the value rounded to 12 significant digits (hiding the float noise of
/// computed tick positions), printed in its shortest form: `50`, `0.25`, `-3.5`, `1e-6`.
pub(crate) fn tidy_tick(v: &f64) -> String {
    let v = *v;
    if v == 0.0 || !v.is_finite() {
        return if v.is_finite() {
            "0".into()
        } else {
            v.to_string()
        };
    }
    let rounded: f64 = format!("{v:.11e}").parse().unwrap_or(v);
    let a = rounded.abs();
    if (1e-4..1e6).contains(&a) {
        rounded.to_string()
    } else {
        format!("{rounded:e}")
    }
}

/// `Err(String)` from a plotters drawing error.
pub(crate) fn de<E: std::error::Error + Send + Sync>(
    e: plotters::drawing::DrawingAreaErrorKind<E>,
) -> String {
    e.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tidy_ticks() {
        assert_eq!(tidy_tick(&50.0), "50");
        assert_eq!(tidy_tick(&-10.0), "-10");
        assert_eq!(tidy_tick(&0.30000000000000004), "0.3");
        assert_eq!(tidy_tick(&0.25), "0.25");
        assert_eq!(tidy_tick(&-0.0), "0");
        assert_eq!(tidy_tick(&1e-6), "1e-6");
        assert_eq!(tidy_tick(&2.5e7), "2.5e7");
        assert_eq!(tidy_tick(&f64::INFINITY), "inf");
    }

    #[test]
    fn formats_by_extension() {
        assert_eq!(
            Format::from_path(Path::new("a/b.svg")).ok(),
            Some(Format::Svg)
        );
        assert_eq!(
            Format::from_path(Path::new("b.PnG")).ok(),
            Some(Format::Png)
        );
        assert!(Format::from_path(Path::new("b.jpg")).is_err());
        assert!(Format::from_path(Path::new("svg")).is_err());
    }

    #[test]
    fn palette_colours_are_distinct() {
        let colours: std::collections::HashSet<_> = (0..40)
            .map(|i| {
                let c = palette(i);
                (c.0, c.1, c.2)
            })
            .collect();
        assert_eq!(colours.len(), 40);
    }

    #[test]
    fn padding() {
        assert_eq!(padded(0.0, 10.0, 0.1, "x").ok(), Some((-1.0, 11.0)));
        assert_eq!(padded(0.0, 0.0, 0.0, "x").ok(), Some((-0.5, 0.5)));
        assert_eq!(padded(2.0, 2.0, 0.0, "x").ok(), Some((1.9, 2.1)));
        let (lo, hi) = check_axis(1.0, 1.0 + 1e-15, "x").unwrap();
        assert!((hi - lo - 1e-9).abs() < 1e-15 && lo < 1.0 && hi > 1.0);
        assert!(check_axis(-1e301, 0.0, "x").is_err());
        assert!(check_axis(0.0, f64::INFINITY, "x").is_err());
        assert!(check_axis(f64::NAN, 0.0, "x").is_err());
        assert_eq!(min_max([3.0, -1.0, 2.0]), Some((-1.0, 3.0)));
        assert_eq!(min_max([]), None);
    }
}
