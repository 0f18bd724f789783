//! `kldiv estimate X [Y]`: the KL divergence `D(P‖Q)` (or, with `--entropy`, the differential
//! entropy of `P`) estimated from samples alone, with k-NN estimators or 1-D histograms and
//! optional bootstrap intervals.

use crate::error::CliError;
use crate::input::{Table, read_table};
use crate::output::{self, Format, csv_cell, human, num, text};
use clap::{Args, ValueEnum};
use indicatif::ProgressBar;
use kldiv::Base;
use kldiv::discrete::{Options, SmoothSide, Smoothing};
use kldiv::error::{Arg, Error};
use kldiv::estimate::{
    Binning, Bootstrap, CiMethod, Correction, Duplicates, Estimate, KnnOptions, Metric, Points,
    Progress, Variant, entropy_knn_with_progress, kl_histogram, kl_knn_with_progress,
};
use serde_json::{Map, Value, json};
use std::io::Write;
use std::ops::ControlFlow;

/// Replicates used when `--ci` is given without `--bootstrap`.
pub const DEFAULT_REPLICATES: usize = 200;

/// Arguments of `kldiv estimate`.
#[derive(Debug, Args)]
#[command(
    after_help = "Rows are points, columns are coordinates (a file with a single row is \
    read as a 1-D sample). The k-NN estimate is consistent but biased at finite n; the bootstrap \
    interval describes sampling variability only, not that bias.\n\n\
    Examples:\n  \
    kldiv estimate x.csv y.csv                         # k-NN KL(P‖Q), k = 5\n  \
    kldiv estimate x.csv y.csv --bootstrap 500 --seed 1 --ci 0.9\n  \
    kldiv estimate x.npy y.npy --variant adaptive --metric chebyshev\n  \
    kldiv estimate x.csv y.csv --duplicates dedup      # or jitter, jitter:1e-4\n  \
    kldiv estimate x.csv y.csv --estimator histogram --bins scott --smooth add:0.5\n  \
    kldiv estimate x.csv --entropy --base 2            # Kozachenko–Leonenko entropy"
)]
pub struct EstimateArgs {
    /// Sample of P (CSV/TSV/JSON/.npy, or - for stdin): one point per row, one coordinate per
    /// column.
    pub x: String,
    /// Sample of Q (same formats and number of columns). Not used with --entropy.
    pub y: Option<String>,
    /// Estimate the differential entropy h(P) of X (Kozachenko–Leonenko) instead of a KL.
    #[arg(long, conflicts_with = "y")]
    pub entropy: bool,
    /// knn (k-nearest neighbours, any dimension) or histogram (1-D samples, shared bins).
    #[arg(long, value_enum, default_value_t = EstimatorArg::Knn)]
    pub estimator: EstimatorArg,
    /// Neighbour order k ≥ 1 (larger k: lower variance, more bias).
    #[arg(long, short, default_value_t = 5)]
    pub k: usize,
    /// k-NN variant: plain (k in both samples), bias-corrected (k in X, --l in Y, with the
    /// digamma correction ψ(k) − ψ(l)), adaptive (per-point orders from a common radius).
    #[arg(long, value_enum, default_value_t = VariantArg::Plain)]
    pub variant: VariantArg,
    /// Neighbour order in Y for --variant bias-corrected (default: k).
    #[arg(long)]
    pub l: Option<usize>,
    /// Distance of the k-NN estimators.
    #[arg(long, value_enum, default_value_t = MetricArg::Euclidean)]
    pub metric: MetricArg,
    /// Repeated points: error (default; names an example row), dedup (keep the first copy),
    /// jitter, jitter:SCALE or jitter:SCALE:SEED (seeded Gaussian noise of SCALE × the
    /// coordinate's standard deviation on the rows involved; default scale 1e-3, seed --seed).
    #[arg(long, default_value = "error")]
    pub duplicates: String,
    /// Bootstrap replicates B ≥ 10 for a standard error and a confidence interval (k-NN only).
    #[arg(long, short = 'B', value_name = "B")]
    pub bootstrap: Option<usize>,
    /// Confidence level of the bootstrap interval, in (0, 1). Implies --bootstrap 200 if
    /// --bootstrap is not given.
    #[arg(long, value_name = "LEVEL")]
    pub ci: Option<f64>,
    /// Bootstrap interval: percentile or bca (bias-corrected and accelerated).
    #[arg(long, value_enum, default_value_t = CiMethodArg::Percentile)]
    pub ci_method: CiMethodArg,
    /// Seed of the bootstrap resampling (and of the jitter unless it names its own).
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Histogram bins: fd (Freedman–Diaconis), scott, sturges, sqrt, or a number of bins.
    #[arg(long, default_value = "fd")]
    pub bins: String,
    /// Histogram: smoothing of Y's bin frequencies, so that an empty Y-bin under a non-empty
    /// X-bin is not +inf: add:A, floor:E, mix:A or none.
    #[arg(long, default_value = "none")]
    pub smooth: String,
    /// Histogram: add the Miller–Madow bias correction.
    #[arg(long)]
    pub miller_madow: bool,
    /// Unit: e (nats), 2 (bits), 10 (hartleys) or any base > 0 and != 1.
    #[arg(long, short, default_value = "e")]
    pub base: String,
    /// Output format (default: table on a terminal, JSON otherwise).
    #[arg(long, short, value_enum)]
    pub format: Option<Format>,
}

/// `--estimator`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EstimatorArg {
    /// k-nearest-neighbour estimator (Wang–Kulkarni–Verdú 2009, Pérez-Cruz 2008).
    Knn,
    /// Plug-in on shared 1-D histogram bins.
    Histogram,
}

/// `--variant`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum VariantArg {
    /// The same k in both samples.
    Plain,
    /// k in X, l in Y, with ψ(k) − ψ(l).
    BiasCorrected,
    /// Per-point neighbour counts from the radius max(ρ_k, ν_k).
    Adaptive,
}

/// `--metric`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MetricArg {
    /// ‖a − b‖₂.
    Euclidean,
    /// ‖a − b‖∞ = max_j |a_j − b_j|.
    Chebyshev,
}

/// `--ci-method`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CiMethodArg {
    /// Quantiles of the replicates.
    Percentile,
    /// Bias-corrected and accelerated (Efron 1987).
    Bca,
}

fn usage(msg: impl Into<String>) -> CliError {
    CliError::Usage(msg.into())
}

/// A sample read from a file: `n` points of dimension `d`, and how to name its places.
#[derive(Debug)]
pub struct Sample {
    /// The table as read.
    pub table: Table,
    /// `true` if a single-row table is read as a 1-D sample (one point per column).
    pub transposed: bool,
}

impl Sample {
    /// Reads `path` as a sample: rows are points, except that a single row is a 1-D sample.
    pub fn read(path: &str) -> Result<Sample, CliError> {
        let table = read_table(path)?;
        Ok(Sample::from_table(table))
    }

    /// Views a table as a sample.
    pub fn from_table(table: Table) -> Sample {
        let transposed = table.rows == 1 && table.cols > 1;
        Sample { table, transposed }
    }

    /// Dimension of the points.
    pub fn dim(&self) -> usize {
        if self.transposed { 1 } else { self.table.cols }
    }

    /// Number of points.
    pub fn len(&self) -> usize {
        self.table.values.len() / self.dim().max(1)
    }

    /// `true` if there are no points.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The points as the library wants them.
    pub fn points(&self) -> Points<'_> {
        Points::new(&self.table.values, self.dim())
    }

    /// Names point `i`: `line 7` (text) or `row 3` (JSON, .npy).
    pub fn point_place(&self, i: usize) -> String {
        if self.transposed {
            self.table.cell_place(0, i)
        } else {
            self.table.row_place(i)
        }
    }

    /// Names coordinate `j` of point `i`.
    pub fn coord_place(&self, i: usize, j: usize) -> String {
        if self.transposed {
            self.table.cell_place(0, i)
        } else {
            self.table.cell_place(i, j)
        }
    }
}

/// A library error as one line naming the file and the place.
fn locate(e: &Error, x: &Sample, y: Option<&Sample>) -> CliError {
    let sample = |arg: Arg| match (arg, y) {
        (Arg::Q, Some(y)) => y,
        _ => x,
    };
    match e {
        Error::DuplicatePoints {
            arg,
            count,
            index,
            other,
            equal_to,
        } => {
            let (s, o) = (sample(*arg), sample(*other));
            let what = if arg == other {
                o.point_place(*equal_to)
            } else {
                format!("{}: {}", o.table.source, o.point_place(*equal_to))
            };
            CliError::Data(format!(
                "{}: {}: duplicate point, equal to {what} ({count} duplicate point{} in all); \
                 k-NN estimators assume distinct points: use --duplicates dedup or \
                 --duplicates jitter",
                s.table.source,
                s.point_place(*index),
                if *count == 1 { "" } else { "s" }
            ))
        }
        Error::TooFewPoints { arg, n, k, needed } => {
            let s = sample(*arg);
            CliError::Data(format!(
                "{}: {n} point{} but a neighbour order of {k} needs at least {needed}; lower --k{}",
                s.table.source,
                if *n == 1 { "" } else { "s" },
                if *arg == Arg::Q { " (or --l)" } else { "" }
            ))
        }
        Error::SampleDimensionMismatch { p_dim, q_dim } => CliError::Data(format!(
            "{} has points of dimension {p_dim} but {} has dimension {q_dim}: both samples \
             need the same number of columns",
            x.table.source,
            y.map_or("Y", |y| y.table.source.as_str())
        )),
        Error::NotFinitePoint {
            arg,
            row,
            col,
            value,
        } => {
            let s = sample(*arg);
            CliError::Data(format!(
                "{}: {}: {value} is not a finite number",
                s.table.source,
                s.coord_place(*row, *col)
            ))
        }
        Error::Empty { arg } => CliError::Data(format!("{}: no points", sample(*arg).table.source)),
        Error::InvalidParameter { .. } => CliError::Usage(e.to_string()),
        other => CliError::Data(other.to_string()),
    }
}

/// Parses `--duplicates`; a jitter without its own seed takes `seed`.
fn parse_duplicates(s: &str, seed: u64) -> Result<Duplicates, CliError> {
    let d = Duplicates::parse(s).map_err(|_| {
        usage(format!(
            "invalid --duplicates '{s}': use error, dedup, jitter, jitter:SCALE or \
             jitter:SCALE:SEED (SCALE > 0)"
        ))
    })?;
    Ok(match d {
        Duplicates::Jitter { scale, .. } if s.matches(':').count() < 2 => {
            Duplicates::Jitter { scale, seed }
        }
        other => other,
    })
}

fn parse_bins(s: &str) -> Result<Binning, CliError> {
    match s.trim().to_ascii_lowercase().as_str() {
        "fd" | "freedman-diaconis" => Ok(Binning::FreedmanDiaconis),
        "scott" => Ok(Binning::Scott),
        "sturges" => Ok(Binning::Sturges),
        "sqrt" => Ok(Binning::Sqrt),
        t => match t.parse::<usize>() {
            Ok(k) if k >= 1 => Ok(Binning::Count(k)),
            _ => Err(usage(format!(
                "invalid --bins '{s}': use fd, scott, sturges, sqrt or a number of bins >= 1"
            ))),
        },
    }
}

fn duplicates_name(d: Duplicates) -> String {
    match d {
        Duplicates::Error => "error".to_string(),
        Duplicates::Dedup => "dedup".to_string(),
        Duplicates::Jitter { scale, seed } => format!("jitter:{scale}:{seed}"),
    }
}

/// The bootstrap request of the command line, if any.
fn bootstrap_spec(args: &EstimateArgs) -> Result<Option<Bootstrap>, CliError> {
    let replicates = match (args.bootstrap, args.ci) {
        (Some(0), _) | (None, None) => return Ok(None),
        (Some(b), _) => b,
        (None, Some(_)) => DEFAULT_REPLICATES,
    };
    if replicates < 10 {
        return Err(usage(format!(
            "--bootstrap {replicates}: the bootstrap needs at least 10 replicates"
        )));
    }
    let level = args.ci.unwrap_or(0.95);
    if !(level > 0.0 && level < 1.0) {
        return Err(usage(format!("--ci {level} must be in (0, 1), e.g. 0.95")));
    }
    Ok(Some(Bootstrap {
        replicates,
        level,
        method: match args.ci_method {
            CiMethodArg::Percentile => CiMethod::Percentile,
            CiMethodArg::Bca => CiMethod::Bca,
        },
        seed: args.seed,
    }))
}

/// Builds the k-NN options of the command line.
fn knn_options(args: &EstimateArgs, base: Base) -> Result<KnnOptions, CliError> {
    if args.k == 0 {
        return Err(usage("--k must be >= 1"));
    }
    let variant = match (args.variant, args.l) {
        (VariantArg::Plain, None) => Variant::Plain,
        (VariantArg::BiasCorrected, l) => {
            let l = l.unwrap_or(args.k);
            if l == 0 {
                return Err(usage("--l must be >= 1"));
            }
            Variant::BiasCorrected { l }
        }
        (VariantArg::Adaptive, None) => Variant::Adaptive,
        (_, Some(_)) => return Err(usage("--l needs --variant bias-corrected")),
    };
    let mut opts = KnnOptions::default()
        .k(args.k)
        .variant(variant)
        .metric(match args.metric {
            MetricArg::Euclidean => Metric::Euclidean,
            MetricArg::Chebyshev => Metric::Chebyshev,
        })
        .duplicates(parse_duplicates(&args.duplicates, args.seed)?)
        .base(base);
    if let Some(b) = bootstrap_spec(args)? {
        opts = opts.bootstrap(b);
    }
    Ok(opts)
}

/// A progress bar on standard error (hidden when it is not a terminal), fed by the library's
/// callback.
struct Bar(Option<ProgressBar>);

impl Bar {
    fn new(enabled: bool) -> Bar {
        Bar(super::bar::terminal_bar(
            enabled,
            "{msg:>16} [{bar:40}] {pos}/{len} eta {eta}",
        ))
    }

    fn update(&self, p: &Progress) -> ControlFlow<()> {
        if let Some(bar) = &self.0 {
            if bar.length() != Some(p.total as u64) || bar.message() != p.stage {
                bar.set_length(p.total as u64);
                bar.set_message(p.stage);
                bar.set_position(0);
            }
            if (p.done as u64) > bar.position() {
                bar.set_position(p.done as u64);
            }
        }
        ControlFlow::Continue(())
    }

    fn finish(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}

/// Computes the estimate asked for by `args` on samples already read.
pub fn estimate(
    args: &EstimateArgs,
    x: &Sample,
    y: Option<&Sample>,
    progress: bool,
) -> Result<Estimate, CliError> {
    let base = Base::parse(&args.base).map_err(|_| {
        usage(format!(
            "invalid --base '{}': use e, 2, 10 or a number > 0 and != 1",
            args.base
        ))
    })?;
    match args.estimator {
        EstimatorArg::Knn => {
            let opts = knn_options(args, base)?;
            let bar = Bar::new(progress);
            let cb = |p: &Progress| bar.update(p);
            let res = match y {
                Some(y) => kl_knn_with_progress(x.points(), y.points(), &opts, &cb),
                None => entropy_knn_with_progress(x.points(), &opts, &cb),
            };
            bar.finish();
            res.map_err(|e| locate(&e, x, y))
        }
        EstimatorArg::Histogram => {
            if args.entropy {
                return Err(usage(
                    "--entropy uses the k-NN (Kozachenko–Leonenko) estimator; drop \
                     --estimator histogram (or use kldiv discrete on counts)",
                ));
            }
            if args.bootstrap.is_some() || args.ci.is_some() {
                return Err(usage(
                    "--bootstrap and --ci are available with --estimator knn only",
                ));
            }
            let y = y.ok_or_else(|| usage("the histogram estimator needs two samples X and Y"))?;
            for s in [x, y] {
                if s.dim() != 1 {
                    return Err(CliError::Data(format!(
                        "{}: {} columns; --estimator histogram needs a 1-D sample (one column \
                         or one row)",
                        s.table.source,
                        s.dim()
                    )));
                }
            }
            let smoothing = Smoothing::parse(&args.smooth)
                .map_err(|e| usage(format!("invalid --smooth '{}': {e}", args.smooth)))?;
            let opts = Options::default()
                .base(base)
                .smoothing(smoothing)
                .smooth_side(SmoothSide::Q);
            let correction = if args.miller_madow {
                Correction::MillerMadow
            } else {
                Correction::None
            };
            kl_histogram(
                &x.table.values,
                &y.table.values,
                &parse_bins(&args.bins)?,
                &opts,
                correction,
            )
            .map_err(|e| locate(&e, x, Some(y)))
        }
    }
}

/// The estimate as the JSON object of `kldiv estimate --format json`.
pub fn to_json(e: &Estimate, x: &Sample, y: Option<&Sample>) -> Value {
    let mut obj = Map::new();
    let entropy = y.is_none();
    obj.insert(
        "measure".into(),
        json!(if entropy { "entropy" } else { "kl" }),
    );
    obj.insert("unit".into(), json!(e.unit.unit_name()));
    obj.insert("value".into(), num(e.value));
    let method = if e.bins > 0 { "histogram" } else { "knn" };
    obj.insert("method".into(), json!(method));
    obj.insert("error".into(), e.std_error.map_or(Value::Null, num));
    obj.insert("variant".into(), json!(e.method.name()));
    obj.insert("k".into(), json!(e.k));
    if e.l != e.k && e.l != 0 {
        obj.insert("l".into(), json!(e.l));
    }
    obj.insert(
        "metric".into(),
        e.metric.map_or(Value::Null, |m| json!(m.to_string())),
    );
    obj.insert("n".into(), json!(e.n));
    obj.insert("m".into(), if entropy { Value::Null } else { json!(e.m) });
    obj.insert("d".into(), json!(e.dim));
    obj.insert(
        "interval".into(),
        e.interval
            .map_or(Value::Null, |i| json!([num(i.lower), num(i.upper)])),
    );
    obj.insert(
        "ci".into(),
        e.interval.map_or(Value::Null, |i| json!(i.level)),
    );
    obj.insert(
        "ci_method".into(),
        e.interval.map_or(Value::Null, |i| json!(i.method.name())),
    );
    obj.insert(
        "bootstrap".into(),
        e.interval.map_or(Value::Null, |i| json!(i.replicates)),
    );
    obj.insert("seed".into(), e.seed.map_or(Value::Null, |s| json!(s)));
    let d = e.duplicates;
    obj.insert(
        "duplicates".into(),
        json!({
            "policy": duplicates_name(d.policy),
            "within_x": d.within_p,
            "within_y": d.within_q,
            "across": d.across,
            "changed": d.changed,
        }),
    );
    if e.bins > 0 {
        obj.insert("bins".into(), json!(e.bins));
    }
    obj.insert("x".into(), json!(x.table.source));
    obj.insert("y".into(), y.map_or(Value::Null, |y| json!(y.table.source)));
    Value::Object(obj)
}

/// Writes `e` as a human-readable block.
pub fn write_table(
    out: &mut dyn Write,
    e: &Estimate,
    x: &Sample,
    y: Option<&Sample>,
) -> Result<(), CliError> {
    let unit = e.unit.unit_name();
    match y {
        Some(y) => writeln!(
            out,
            "KL({}‖{}) ≈ {} {unit}",
            x.table.source,
            y.table.source,
            human(e.value)
        )?,
        None => writeln!(out, "h({}) ≈ {} {unit}", x.table.source, human(e.value))?,
    }
    let mut how = format!("  method: {}", e.method);
    if e.k > 0 {
        how.push_str(&format!(", k = {}", e.k));
        if e.l != e.k && e.l != 0 {
            how.push_str(&format!(", l = {}", e.l));
        }
    }
    if let Some(m) = e.metric {
        how.push_str(&format!(", {m}"));
    }
    if e.bins > 0 {
        how.push_str(&format!(", {} bins", e.bins));
    }
    writeln!(out, "{how}")?;
    if y.is_some() {
        writeln!(out, "  n = {}, m = {}, d = {}", e.n, e.m, e.dim)?;
    } else {
        writeln!(out, "  n = {}, d = {}", e.n, e.dim)?;
    }
    if let (Some(se), Some(i)) = (e.std_error, e.interval) {
        writeln!(
            out,
            "  {}% {} interval: [{}, {}] {unit}, standard error {} ({} bootstrap replicates, \
             seed {})",
            text(100.0 * i.level),
            i.method.name(),
            human(i.lower),
            human(i.upper),
            human(se),
            i.replicates,
            e.seed.unwrap_or(0)
        )?;
    }
    let d = e.duplicates;
    if e.k > 0 {
        writeln!(
            out,
            "  duplicates ({}): {} within X, {} within Y, {} across, {} rows changed",
            duplicates_name(d.policy),
            d.within_p,
            d.within_q,
            d.across,
            d.changed
        )?;
    }
    Ok(())
}

/// Runs `kldiv estimate`.
pub fn run(args: &EstimateArgs, out: &mut dyn Write) -> Result<(), CliError> {
    match (&args.y, args.entropy) {
        (None, false) => {
            return Err(usage(
                "kldiv estimate needs two samples, X (from P) and Y (from Q), or --entropy \
                 with one",
            ));
        }
        (Some(y), _) if y == "-" && args.x == "-" => {
            return Err(usage("only one of X and Y can be read from standard input"));
        }
        _ => {}
    }
    // Check the options before reading (possibly large) files.
    if args.estimator == EstimatorArg::Knn {
        knn_options(args, Base::Nats)?;
    }
    let x = Sample::read(&args.x)?;
    let y = match &args.y {
        Some(p) => Some(Sample::read(p)?),
        None => None,
    };
    let e = estimate(args, &x, y.as_ref(), true)?;
    match output::resolve(args.format) {
        Format::Json => writeln!(out, "{}", to_json(&e, &x, y.as_ref()))?,
        Format::Csv => {
            writeln!(
                out,
                "measure,value,unit,method,error,k,n,m,d,lower,upper,ci,bootstrap,seed"
            )?;
            let opt = |v: Option<f64>| v.map_or(String::new(), text);
            let i = e.interval;
            writeln!(
                out,
                "{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
                if y.is_some() { "kl" } else { "entropy" },
                text(e.value),
                csv_cell(&e.unit.unit_name()),
                e.method,
                opt(e.std_error),
                e.k,
                e.n,
                e.m,
                e.dim,
                opt(i.map(|i| i.lower)),
                opt(i.map(|i| i.upper)),
                opt(i.map(|i| i.level)),
                i.map_or(String::new(), |i| i.replicates.to_string()),
                e.seed.map_or(String::new(), |s| s.to_string()),
            )?;
        }
        Format::Table => write_table(out, &e, &x, y.as_ref())?,
    }
    Ok(())
}
