//! Every figure kind written as PNG and SVG to a temporary directory, and the files checked:
//! PNG signature, IHDR size, decoded pixels (not one colour, expected colours present), SVG
//! structure and text; plus the error paths.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashSet;
use std::path::Path;

use kldiv_plot::{
    Bars, Figure, Format, Grid, Heatmap, Legend, Overlay, PlotError, Scatter, Series,
};

/// A decoded PNG: width, height, RGB pixels.
struct Image {
    width: u32,
    rgb: Vec<u8>,
}

impl Image {
    fn pixel(&self, x: u32, y: u32) -> [u8; 3] {
        let i = 3 * (y as usize * self.width as usize + x as usize);
        [self.rgb[i], self.rgb[i + 1], self.rgb[i + 2]]
    }

    fn colours(&self) -> HashSet<[u8; 3]> {
        self.rgb
            .chunks_exact(3)
            .map(|c| [c[0], c[1], c[2]])
            .collect()
    }

    /// Number of pixels within `tol` (per channel) of `c`.
    fn count_near(&self, c: [u8; 3], tol: u8) -> usize {
        self.rgb
            .chunks_exact(3)
            .filter(|p| (0..3).all(|k| p[k].abs_diff(c[k]) <= tol))
            .count()
    }

    /// Bounding box (x0, y0, x1, y1) of dark pixels (all channels < 100) inside a rectangle.
    fn dark_bbox(&self, x: std::ops::Range<u32>, y: std::ops::Range<u32>) -> Option<[u32; 4]> {
        let mut bb: Option<[u32; 4]> = None;
        for py in y {
            for px in x.clone() {
                if self.pixel(px, py).iter().all(|&v| v < 100) {
                    bb = Some(match bb {
                        None => [px, py, px, py],
                        Some([a, b, c, d]) => [a.min(px), b.min(py), c.max(px), d.max(py)],
                    });
                }
            }
        }
        bb
    }
}

/// Checks the PNG signature and IHDR, decodes it, and checks it is not a single colour.
fn check_png(path: &Path, width: u32, height: u32) -> Image {
    let bytes = std::fs::read(path).unwrap();
    assert!(
        bytes.len() > 2_000,
        "{}: only {} bytes",
        path.display(),
        bytes.len()
    );
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "PNG signature");
    assert_eq!(&bytes[12..16], b"IHDR");
    let w = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
    let h = u32::from_be_bytes(bytes[20..24].try_into().unwrap());
    assert_eq!((w, h), (width, height), "IHDR size");

    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let mut reader = decoder.read_info().unwrap();
    let mut rgb = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut rgb).unwrap();
    assert_eq!(info.color_type, png::ColorType::Rgb);
    assert_eq!(info.bit_depth, png::BitDepth::Eight);
    rgb.truncate(info.buffer_size());
    let img = Image { width: w, rgb };
    let n = img.colours().len();
    assert!(n >= 8, "{}: only {n} distinct colours", path.display());
    // The corners are background (white).
    assert_eq!(img.pixel(0, 0), [255, 255, 255]);
    assert_eq!(img.pixel(w - 1, h - 1), [255, 255, 255]);
    img
}

/// Checks an SVG looks well formed, contains `texts` (already XML-escaped) and at least
/// `min_elements` elements. Returns the text.
fn check_svg(path: &Path, texts: &[&str], min_elements: usize) -> String {
    let s = std::fs::read_to_string(path).unwrap();
    let t = s.trim();
    assert!(t.starts_with("<svg"), "starts with <svg");
    assert!(t.ends_with("</svg>"), "ends with </svg>");
    assert!(s.contains("xmlns=\"http://www.w3.org/2000/svg\""));
    assert_eq!(s.matches("<svg").count(), 1);
    // Every tag opens and closes: no stray angle brackets from unescaped text.
    assert_eq!(s.matches('<').count(), s.matches('>').count());
    assert_eq!(s.matches("<text").count(), s.matches("</text>").count());
    let elements = s.matches('<').count() - s.matches("</").count();
    assert!(
        elements >= min_elements,
        "{}: {elements} elements < {min_elements}",
        path.display()
    );
    for text in texts {
        assert!(s.contains(text), "{}: missing {text:?}", path.display());
    }
    assert!(s.len() > 1_000);
    s
}

fn normal(x: f64, m: f64, s: f64) -> f64 {
    (-(x - m).powi(2) / (2.0 * s * s)).exp() / (s * (2.0 * std::f64::consts::PI).sqrt())
}

const BLUE: [u8; 3] = [31, 119, 180];
const ORANGE: [u8; 3] = [255, 127, 14];
const GREEN: [u8; 3] = [44, 160, 44];

#[test]
fn line_plot_png_and_svg() {
    let dir = tempfile::tempdir().unwrap();
    let x: Vec<f64> = (0..=300)
        .map(|i| -6.0 + 12.0 * f64::from(i) / 300.0)
        .collect();
    let p: Vec<f64> = x
        .iter()
        .map(|&x| 0.5 * normal(x, -2.0, 0.8) + 0.5 * normal(x, 2.0, 0.8))
        .collect();
    let fwd: Vec<f64> = x.iter().map(|&x| normal(x, 0.0, 2.1)).collect();
    let rev: Vec<f64> = x.iter().map(|&x| normal(x, 2.0, 0.8)).collect();
    let series = [
        Series::new("p(x)", &x, &p),
        Series::new("forward fit", &x, &fwd).dashed(),
        Series::new("reverse fit", &x, &rev).dashed(),
    ];
    let fig = Figure::new("Density & fits <1D>")
        .x_label("x")
        .y_label("density")
        .size(640, 480);

    let s = fig.lines(&series, dir.path().join("d.png")).unwrap();
    assert_eq!(s.format, Format::Png);
    assert_eq!(s.size, (640, 480));
    assert_eq!(
        (s.drawn, s.skipped_non_finite, s.skipped_non_positive),
        (903, 0, 0)
    );
    let img = check_png(&s.path, 640, 480);
    for c in [BLUE, ORANGE, GREEN] {
        assert!(img.count_near(c, 0) > 100, "series colour {c:?} missing");
    }
    // The title is rendered: dark pixels in the top band, roughly centred.
    let [x0, _, x1, _] = img.dark_bbox(0..640, 0..30).expect("title pixels");
    assert!(
        x0 > 150 && x1 < 490 && x1 - x0 > 100,
        "title bbox {x0}..{x1}"
    );

    let s = fig.lines(&series, dir.path().join("d.svg")).unwrap();
    assert_eq!(s.format, Format::Svg);
    let svg = check_svg(
        &s.path,
        &[
            "Density &amp; fits &lt;1D&gt;",
            ">\np(x)\n<",
            "forward fit",
            "density",
        ],
        40,
    );
    assert!(svg.contains("<polyline") || svg.contains("<path"));
}

#[test]
fn png_y_label_is_drawn_rotated() {
    let dir = tempfile::tempdir().unwrap();
    let y = [3.0, 2.0, 1.5, 1.2];
    let path = dir.path().join("rot.png");
    let plain = dir.path().join("plain.png");
    let fig = Figure::new("").y_label("a rather long label for the y axis");
    fig.lines(&[Series::indexed("loss", &y)], &path).unwrap();
    Figure::new("")
        .lines(&[Series::indexed("loss", &y)], &plain)
        .unwrap();
    let img = check_png(&path, 800, 600);
    // Left strip, left of the tick labels: a tall, narrow run of text.
    let [x0, y0, x1, y1] = img.dark_bbox(0..30, 0..600).expect("y label pixels");
    assert!(y1 - y0 > 150, "label height {}", y1 - y0);
    assert!(x1 - x0 < 25, "label width {}", x1 - x0);
    let img = check_png(&plain, 800, 600);
    assert!(img.dark_bbox(0..30, 0..600).is_none());
}

#[test]
fn log_y_skips_non_positive_and_non_finite() {
    let dir = tempfile::tempdir().unwrap();
    let loss = [
        2.0,
        1.0,
        f64::NAN,
        0.5,
        0.0,
        0.2,
        -1.0,
        0.1,
        f64::INFINITY,
        0.05,
    ];
    let kl = [1.0, 0.5, 0.25, 0.12];
    let fig = Figure::new("Training")
        .x_label("iteration")
        .y_label("loss")
        .log_y(true);
    for ext in ["png", "svg"] {
        let s = fig
            .lines(
                &[Series::indexed("loss", &loss), Series::indexed("KL", &kl)],
                dir.path().join(format!("t.{ext}")),
            )
            .unwrap();
        assert_eq!(s.drawn, 6 + 4);
        assert_eq!(s.skipped_non_finite, 2);
        assert_eq!(s.skipped_non_positive, 2);
        if ext == "png" {
            check_png(&s.path, 800, 600);
        } else {
            check_svg(&s.path, &["Training", "iteration"], 20);
        }
    }
    // Without log-y the non-positive points are drawn.
    let s = Figure::new("lin")
        .lines(
            &[Series::indexed("loss", &loss)],
            dir.path().join("lin.svg"),
        )
        .unwrap();
    assert_eq!(
        (s.drawn, s.skipped_non_finite, s.skipped_non_positive),
        (8, 2, 0)
    );
}

#[test]
fn bar_chart_png_and_svg() {
    let dir = tempfile::tempdir().unwrap();
    let cats = ["alpha", "beta", "gamma", "delta"];
    let p = [0.4, 0.3, 0.2, 0.1];
    let q = [0.25, 0.25, f64::NAN, 0.25];
    let fig = Figure::new("P vs Q")
        .x_label("outcome")
        .y_label("probability");
    let groups = [Bars::new("P", &p), Bars::new("Q", &q)];

    let s = fig.bars(&cats, &groups, dir.path().join("b.png")).unwrap();
    assert_eq!((s.drawn, s.skipped_non_finite), (7, 1));
    let img = check_png(&s.path, 800, 600);
    // Bars are filled: many pixels of (a blend of) both group colours.
    let on_white = |c: [u8; 3]| c.map(|v| (0.85 * f64::from(v) + 0.15 * 255.0).round() as u8);
    assert!(img.count_near(on_white(BLUE), 2) > 5_000);
    assert!(img.count_near(on_white(ORANGE), 2) > 5_000);

    let s = fig.bars(&cats, &groups, dir.path().join("b.svg")).unwrap();
    let svg = check_svg(&s.path, &["P vs Q", "alpha", "delta", "probability"], 20);
    assert!(svg.matches("<rect").count() >= 7);

    // A single unnamed group: no legend needed, still fine.
    let s = Figure::new("one")
        .bars(&cats, &[Bars::new("", &p)], dir.path().join("one.png"))
        .unwrap();
    check_png(&s.path, 800, 600);
}

#[test]
fn many_categories_and_negative_bars() {
    let dir = tempfile::tempdir().unwrap();
    let cats: Vec<String> = (0..60).map(|i| format!("c{i}")).collect();
    let v: Vec<f64> = (0..60).map(|i| (f64::from(i) * 0.3).sin()).collect();
    let s = Figure::new("signed")
        .bars(
            &cats,
            &[Bars::new("log ratio", &v)],
            dir.path().join("m.svg"),
        )
        .unwrap();
    assert_eq!(s.drawn, 60);
    let svg = check_svg(&s.path, &["c0", "c57"], 60);
    // Only every third label is written.
    assert!(!svg.contains(">\nc1\n<"));
}

#[test]
fn scatter_20k_points_png_and_svg() {
    let dir = tempfile::tempdir().unwrap();
    let n = 20_000;
    let mut points = Vec::with_capacity(n);
    let mut labels = Vec::with_capacity(n);
    for i in 0..n {
        let c = i % 3;
        let t = i as f64 * 0.618_033_988_749_895;
        let r = (i as f64 / n as f64).sqrt();
        let centre = [f64::from(c as u32) * 4.0, 0.0];
        points.push([centre[0] + r * t.cos(), centre[1] + r * t.sin()]);
        labels.push(c);
    }
    points[5] = [f64::NAN, 0.0];
    points[6] = [0.0, f64::NEG_INFINITY];
    let fig = Figure::new("embedding").size(700, 700);
    let sc = Scatter::new(&points)
        .labels(&labels)
        .label_names(["setosa", "versicolor"]);

    let s = fig.scatter(&sc, dir.path().join("s.png")).unwrap();
    assert_eq!((s.drawn, s.skipped_non_finite), (n - 2, 2));
    let img = check_png(&s.path, 700, 700);
    for c in [BLUE, ORANGE, GREEN] {
        assert!(img.count_near(c, 40) > 1_000, "label colour {c:?} missing");
    }

    let s = fig.scatter(&sc, dir.path().join("s.svg")).unwrap();
    // Named labels, and label 2 (no name given) shown as its number.
    let svg = check_svg(
        &s.path,
        &["embedding", "setosa", "versicolor", ">\n2\n<"],
        n,
    );
    assert!(svg.matches("<circle").count() >= n - 2);

    // The legend can be hidden.
    let s = fig
        .clone()
        .legend(Legend::Hidden)
        .scatter(&sc, dir.path().join("hidden.svg"))
        .unwrap();
    let svg = check_svg(&s.path, &["embedding"], n);
    assert!(!svg.contains("setosa"));

    // Unlabelled points: one colour, no legend.
    let s = fig
        .scatter(&Scatter::new(&points[..100]), dir.path().join("u.png"))
        .unwrap();
    assert_eq!(s.drawn, 98);
    check_png(&s.path, 700, 700);
}

#[test]
fn heatmap_with_contours_and_overlays() {
    let dir = tempfile::tempdir().unwrap();
    let grid = Grid::from_fn((-4.0, 4.0), (-3.0, 3.0), 80, 60, |x, y| {
        if x > 3.8 && y > 2.8 {
            f64::NAN // one corner undefined
        } else {
            0.6 * normal(x, -1.5, 0.7) * normal(y, -0.5, 0.9)
                + 0.4 * normal(x, 1.8, 0.6) * normal(y, 1.0, 0.5)
        }
    })
    .unwrap();
    let nan_cells = grid.values().iter().filter(|v| v.is_nan()).count();
    assert!(nan_cells > 0);
    let map = Heatmap::new(&grid)
        .contours(5)
        .overlay(Overlay::gaussian(
            "q fit",
            [-1.5, -0.5],
            [[0.5, 0.1], [0.1, 0.8]],
        ))
        .overlay(Overlay::points(
            "modes",
            &[[-1.5, -0.5], [1.8, 1.0], [f64::NAN, 0.0]],
        ));
    let fig = Figure::new("Bimodal target").x_label("x1").y_label("x2");

    let s = fig.heatmap(&map, dir.path().join("h.png")).unwrap();
    assert_eq!(s.drawn, 80 * 60 - nan_cells + 2);
    assert_eq!(s.skipped_non_finite, nan_cells + 1);
    let img = check_png(&s.path, 800, 600);
    // Viridis low end fills most of the map; the high end and the red ellipse appear.
    assert!(img.count_near([68, 1, 84], 12) > 20_000);
    assert!(img.count_near([253, 231, 37], 20) > 20);
    assert!(img.count_near([230, 30, 40], 10) > 300, "ellipse colour");
    assert!(img.count_near([160, 160, 160], 0) > 20, "grey NaN cells");

    let s = fig.heatmap(&map, dir.path().join("h.svg")).unwrap();
    let svg = check_svg(&s.path, &["Bimodal target", "q fit", "modes"], 80 * 60);
    assert!(svg.matches("<rect").count() >= 80 * 60);

    // No colour bar, no contours.
    let s = fig
        .heatmap(
            &Heatmap::new(&grid).colorbar(false),
            dir.path().join("plain.png"),
        )
        .unwrap();
    check_png(&s.path, 800, 600);
}

#[test]
fn constant_data_does_not_break_ranges() {
    let dir = tempfile::tempdir().unwrap();
    let fig = Figure::new("flat");
    fig.lines(&[Series::indexed("c", &[1.0; 5])], dir.path().join("a.png"))
        .unwrap();
    fig.lines(&[Series::indexed("one", &[0.0])], dir.path().join("b.svg"))
        .unwrap();
    fig.scatter(&Scatter::new(&[[1.0, 1.0]; 3]), dir.path().join("c.png"))
        .unwrap();
    fig.bars(
        &["z"],
        &[Bars::new("zero", &[0.0])],
        dir.path().join("d.png"),
    )
    .unwrap();
    let g = Grid::new((0.0, 1.0), (0.0, 1.0), 2, 2, vec![3.0; 4]).unwrap();
    fig.heatmap(&Heatmap::new(&g).contours(3), dir.path().join("e.png"))
        .unwrap();
    let s = fig
        .log_y(true)
        .lines(&[Series::indexed("c", &[2.0; 3])], dir.path().join("f.png"))
        .unwrap();
    check_png(&s.path, 800, 600);
}

#[test]
fn errors_name_the_problem() {
    let dir = tempfile::tempdir().unwrap();
    let fig = Figure::new("e");
    let y = [1.0, 2.0];
    let ok = [Series::indexed("y", &y)];

    // Unsupported extensions name the path and create no file.
    for name in ["plot.pdf", "plot", "plot.svg.txt"] {
        let path = dir.path().join(name);
        let err = fig.lines(&ok, &path).unwrap_err();
        assert!(matches!(err, PlotError::UnsupportedFormat { .. }));
        assert!(err.to_string().contains(name), "{err}");
        assert!(!path.exists());
    }
    // Upper-case extensions are accepted.
    fig.lines(&ok, dir.path().join("UP.PNG")).unwrap();

    let png = dir.path().join("x.png");
    let err = fig.lines(&[], &png).unwrap_err();
    assert!(matches!(err, PlotError::Empty { .. }), "{err}");
    let err = fig
        .lines(&[Series::indexed("nothing", &[])], &png)
        .unwrap_err();
    assert!(err.to_string().contains("nothing"), "{err}");
    let err = fig
        .lines(&[Series::new("m", &[1.0, 2.0, 3.0], &y)], &png)
        .unwrap_err();
    assert!(
        matches!(
            err,
            PlotError::LengthMismatch {
                expected: 2,
                found: 3,
                ..
            }
        ),
        "{err}"
    );
    let err = fig
        .lines(&[Series::indexed("nan", &[f64::NAN, f64::INFINITY])], &png)
        .unwrap_err();
    assert!(
        matches!(err, PlotError::NoFiniteData { skipped: 2, .. }),
        "{err}"
    );
    let err = fig
        .clone()
        .log_y(true)
        .lines(&[Series::indexed("neg", &[-1.0, 0.0])], &png)
        .unwrap_err();
    assert!(
        matches!(err, PlotError::NoFiniteData { skipped: 2, .. }),
        "{err}"
    );

    let err = fig
        .bars::<&str>(&[], &[Bars::new("P", &[])], &png)
        .unwrap_err();
    assert!(matches!(err, PlotError::Empty { .. }));
    let err = fig.bars(&["a", "b"], &[], &png).unwrap_err();
    assert!(matches!(err, PlotError::Empty { .. }));
    let err = fig
        .bars(&["a", "b"], &[Bars::new("P", &[1.0])], &png)
        .unwrap_err();
    assert!(err.to_string().contains("\"P\""), "{err}");
    let err = fig
        .clone()
        .log_y(true)
        .bars(&["a"], &[Bars::new("P", &[1.0])], &png)
        .unwrap_err();
    assert!(matches!(err, PlotError::InvalidArgument { .. }), "{err}");

    let pts = [[0.0, 0.0], [1.0, 1.0]];
    let err = fig.scatter(&Scatter::new(&[]), &png).unwrap_err();
    assert!(matches!(err, PlotError::Empty { .. }));
    let err = fig
        .scatter(&Scatter::new(&pts).labels(&[0]), &png)
        .unwrap_err();
    assert!(matches!(err, PlotError::LengthMismatch { .. }));
    let err = fig
        .scatter(&Scatter::new(&pts).radius(f64::NAN), &png)
        .unwrap_err();
    assert!(matches!(err, PlotError::InvalidArgument { .. }));
    let err = fig
        .scatter(&Scatter::new(&pts).opacity(0.0), &png)
        .unwrap_err();
    assert!(matches!(err, PlotError::InvalidArgument { .. }));

    assert!(Grid::new((0.0, 1.0), (0.0, 1.0), 2, 2, vec![0.0; 3]).is_err());
    assert!(Grid::new((1.0, 0.0), (0.0, 1.0), 2, 2, vec![0.0; 4]).is_err());
    assert!(Grid::new((0.0, f64::NAN), (0.0, 1.0), 2, 2, vec![0.0; 4]).is_err());
    assert!(Grid::from_fn((0.0, 1.0), (0.0, 1.0), 1, 5, |_, _| 0.0).is_err());
    assert!(Grid::from_fn((0.0, 1.0), (0.0, 1.0), usize::MAX, 2, |_, _| 0.0).is_err());
    let all_nan = Grid::new((0.0, 1.0), (0.0, 1.0), 2, 2, vec![f64::NAN; 4]).unwrap();
    let err = fig.heatmap(&Heatmap::new(&all_nan), &png).unwrap_err();
    assert!(matches!(err, PlotError::NoFiniteData { skipped: 4, .. }));
    let g = Grid::new((0.0, 1.0), (0.0, 1.0), 2, 2, vec![0.0, 1.0, 2.0, 3.0]).unwrap();
    let bad = Heatmap::new(&g).overlay(Overlay::gaussian("q", [0.0; 2], [[1.0, 2.0], [2.0, 1.0]]));
    let err = fig.heatmap(&bad, &png).unwrap_err();
    assert!(err.to_string().contains("positive definite"), "{err}");
    let bad = Heatmap::new(&g).overlay(Overlay::gaussian_sigmas(
        "q",
        [0.0; 2],
        [[1.0, 0.0], [0.0, 1.0]],
        &[-1.0],
    ));
    assert!(matches!(
        fig.heatmap(&bad, &png),
        Err(PlotError::InvalidArgument { .. })
    ));

    // Size limits.
    let err = fig.clone().size(0, 100).lines(&ok, &png).unwrap_err();
    assert!(matches!(
        err,
        PlotError::InvalidSize {
            width: 0,
            height: 100
        }
    ));

    // I/O errors name the path.
    let missing = dir.path().join("no/such/dir/out.svg");
    let err = fig.lines(&ok, &missing).unwrap_err();
    assert!(matches!(err, PlotError::Io { .. }), "{err}");
    assert!(err.to_string().contains("no/such/dir/out.svg"), "{err}");
    let err = fig.lines(&ok, dir.path().join("no/out.png")).unwrap_err();
    assert!(matches!(err, PlotError::Io { .. }), "{err}");
}

#[test]
fn font_scales_with_figure_size() {
    let dir = tempfile::tempdir().unwrap();
    let y = [1.0, 2.0, 3.0];
    let title_height = |w: u32, h: u32| {
        let path = dir.path().join(format!("f{w}.png"));
        Figure::new("Title Height")
            .size(w, h)
            .lines(&[Series::indexed("y", &y)], &path)
            .unwrap();
        let img = check_png(&path, w, h);
        let [_, y0, _, y1] = img.dark_bbox(0..w, 0..h / 12).expect("title");
        y1 - y0
    };
    let small = title_height(400, 300);
    let large = title_height(1600, 1200);
    assert!(large > 3 * small, "title height {small} vs {large}");
}

#[test]
fn tiny_and_odd_sizes_do_not_panic() {
    let dir = tempfile::tempdir().unwrap();
    let y = [1.0, 3.0, 2.0];
    let pts = [[0.0, 0.0], [1.0, 2.0]];
    let grid = Grid::from_fn((0.0, 1.0), (0.0, 1.0), 4, 4, |x, y| x * y).unwrap();
    for (w, h) in [(16, 16), (16, 900), (900, 16), (33, 47)] {
        let fig = Figure::new("a title much wider than the figure")
            .x_label("x label")
            .y_label("y label")
            .size(w, h);
        for ext in ["png", "svg"] {
            let p = |k: &str| dir.path().join(format!("{k}{w}x{h}.{ext}"));
            // Either a file or an error; never a panic.
            let results = [
                fig.lines(&[Series::indexed("y", &y)], p("l")).map(|_| ()),
                fig.bars(&["a", "b", "c"], &[Bars::new("P", &y)], p("b"))
                    .map(|_| ()),
                fig.scatter(&Scatter::new(&pts).labels(&[0, 1]), p("s"))
                    .map(|_| ()),
                fig.heatmap(
                    &Heatmap::new(&grid).contours(2).overlay(Overlay::gaussian(
                        "q",
                        [0.5, 0.5],
                        [[0.1, 0.0], [0.0, 0.1]],
                    )),
                    p("h"),
                )
                .map(|_| ()),
            ];
            for r in results {
                if let Err(e) = r {
                    assert!(matches!(e, PlotError::Draw { .. }), "{e}");
                }
            }
        }
    }
}

#[test]
fn extreme_ranges_do_not_panic() {
    let dir = tempfile::tempdir().unwrap();
    let fig = Figure::new("extreme");
    // A log axis over 600 decades is refused (plotters' tick search would not finish).
    let err = fig
        .clone()
        .log_y(true)
        .lines(
            &[Series::indexed("y", &[1e-300, 1e300])],
            dir.path().join("huge.png"),
        )
        .unwrap_err();
    assert!(matches!(err, PlotError::InvalidArgument { .. }), "{err}");
    // Heatmap values of any finite size, overlays far outside: drawn (clipped).
    let g = Grid::new(
        (0.0, 1.0),
        (0.0, 1.0),
        2,
        2,
        vec![-f64::MAX, f64::MAX, 0.0, 1.0],
    )
    .unwrap();
    let map = Heatmap::new(&g)
        .contours(3)
        .overlay(Overlay::points("far", &[[1e300, -1e300]]))
        .overlay(Overlay::gaussian(
            "wide",
            [0.0; 2],
            [[1e300, 0.0], [0.0, 1e-300]],
        ));
    for ext in ["png", "svg"] {
        fig.heatmap(&map, dir.path().join(format!("hx.{ext}")))
            .unwrap();
    }
    let cases: [[f64; 2]; 4] = [
        [-1e308, 1e308],
        [1.0, 1.0 + 1e-15],
        [1e-300, 2e-300],
        [-f64::MAX, f64::MAX],
    ];
    for (k, [a, b]) in cases.into_iter().enumerate() {
        for ext in ["png", "svg"] {
            let p = |n: &str| dir.path().join(format!("{n}{k}.{ext}"));
            let x = [a, b];
            let results = [
                fig.lines(&[Series::new("y", &x, &x)], p("l")).map(|_| ()),
                fig.bars(&["a", "b"], &[Bars::new("P", &x)], p("b"))
                    .map(|_| ()),
                fig.scatter(&Scatter::new(&[[a, a], [b, b]]), p("s"))
                    .map(|_| ()),
                fig.clone()
                    .log_y(true)
                    .lines(&[Series::new("y", &[0.0, 1.0], &[1e-100, 1e100])], p("g"))
                    .map(|_| ()),
            ];
            for (kind, r) in results.into_iter().enumerate() {
                // Beyond ±1e300 (cases 0 and 3) an axis is refused, naming the limit; the
                // log-axis plot (kind 3) spans 200 decades and always draws.
                if kind < 3 && (k == 0 || k == 3) {
                    let e = r.unwrap_err();
                    assert!(matches!(e, PlotError::InvalidArgument { .. }), "{e}");
                    assert!(e.to_string().contains("1e300"), "{e}");
                } else if let Err(e) = r {
                    panic!("case {k}, plot {kind}: {e}");
                }
            }
        }
    }
}
