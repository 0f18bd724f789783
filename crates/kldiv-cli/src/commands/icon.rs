//! `kldiv icon --data FILE --method sne|tsne|...`: I-Con methods — every one a KL divergence
//! between a supervisory neighbourhood `p(j|i)` and a learned one `q(j|i)`.
//!
//! `sne` and `tsne` embed the points: "Gaussian p (perplexity), Gaussian q" and "Gaussian p,
//! Student-t q". The embedding is written to `--out` (CSV, one row per point, with the label
//! when there is one); the summary (final KL in nats, trustworthiness, timings) goes to
//! standard output as a table, JSON or CSV.

use crate::error::CliError;
use crate::input::{Table, read_table};
use crate::output::{self, Format, csv_cell, human, num, text};
use clap::{Args, ValueEnum};
use indicatif::ProgressBar;
use kldiv_icon::affinity::AffinityMethod;
use kldiv_icon::metrics::trustworthiness;
use kldiv_icon::tsne::{Embedding, Gradient, Init, LearningRate, OutputKernel, TsneOptions, tsne};
use kldiv_icon::{IconError, Points, Progress};
use serde_json::{Map, Value, json};
use std::io::Write;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Above this many points the trustworthiness (an `O(n²·d)` computation) is skipped unless
/// `--trustworthiness K` is given explicitly.
pub const TRUST_AUTO_MAX_N: usize = 10_000;

/// Arguments of `kldiv icon`.
#[derive(Debug, Args)]
#[command(
    after_help = "Rows are points, columns are coordinates; the label column (if any) is \
    removed from the coordinates and used to colour the figure. The KL is in nats.\n\n\
    Examples:\n  \
    kldiv icon --data data/digits.csv --label-column label --method tsne --out emb.csv --plot emb.png\n  \
    kldiv icon --data x.npy --labels y.csv --method tsne --gradient exact --iters 500 --out emb.csv\n  \
    kldiv icon --data x.csv --method sne --perplexity 10 --dims 3 --out emb.csv --trace loss.csv"
)]
pub struct IconArgs {
    /// The points (CSV/TSV with or without header, JSON, .npy): one point per row.
    #[arg(long, value_name = "FILE")]
    pub data: String,
    /// The column of --data holding integer labels ≥ 0: a header name or a 1-based column
    /// number. It is not used as a coordinate.
    #[arg(long, value_name = "C")]
    pub label_column: Option<String>,
    /// Labels from a separate file (one integer ≥ 0 per point), e.g. with .npy data.
    #[arg(long, value_name = "FILE", conflicts_with = "label_column")]
    pub labels: Option<String>,
    /// The I-Con configuration.
    #[arg(long, value_enum)]
    pub method: MethodArg,
    /// Perplexity of the Gaussian p (effective number of neighbours, 2^H with H in bits).
    #[arg(long, default_value_t = 30.0)]
    pub perplexity: f64,
    /// Embedding dimension.
    #[arg(long, default_value_t = 2)]
    pub dims: usize,
    /// Iterations: in total for sne/tsne (default 750, the first --exaggeration-iters
    /// exaggerated); Lloyd iterations per restart for kmeans (default 300); Adam steps for
    /// cluster and classify (default 300).
    #[arg(long)]
    pub iters: Option<usize>,
    /// Seed of the random initialisation (and of every random choice).
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Gradient: auto (t-SNE in 2-D: exact up to 2000 points, Barnes–Hut above; exact
    /// otherwise), exact (O(n²)) or barnes-hut (t-SNE in 2-D).
    #[arg(long, value_enum, default_value_t = GradientArg::Auto)]
    pub gradient: GradientArg,
    /// Barnes–Hut accuracy θ (0 = exact; larger = faster, coarser).
    #[arg(long, default_value_t = 0.5)]
    pub theta: f64,
    /// Initial embedding: pca (scaled to std 1e-4, plus 1% seeded jitter) or random (seeded,
    /// std 1e-4).
    #[arg(long, value_enum, default_value_t = InitArg::Pca)]
    pub init: InitArg,
    /// Early exaggeration factor of p.
    #[arg(long, default_value_t = 12.0)]
    pub early_exaggeration: f64,
    /// Iterations with early exaggeration (momentum 0.8 throughout).
    #[arg(long, default_value_t = 250)]
    pub exaggeration_iters: usize,
    /// Learning rate: auto (max(n / a / 4, 50) with a the exaggeration of the phase: 12, then 1)
    /// or a number > 0.
    #[arg(long, default_value = "auto")]
    pub learning_rate: String,
    /// Debiasing weight α (kmeans, cluster).
    #[arg(long)]
    pub alpha: Option<f64>,
    /// Neighbour propagation (cluster): extra walk steps W, so that p ∝ P + P² + … + P^(W+1)
    /// over the kNN graph P; 0 = the kNN neighbourhood alone (default 1).
    #[arg(long)]
    pub walk: Option<usize>,
    /// Number of clusters (kmeans, cluster).
    #[arg(long)]
    pub clusters: Option<usize>,
    /// Fraction of the rows held out (seeded by --seed) to measure the accuracy of
    /// --method classify on points it was not trained on (default 0.2; 0 = train on every
    /// row and report the training accuracy only).
    #[arg(long, value_name = "F")]
    pub test_fraction: Option<f64>,
    /// Where to write the embedding (CSV: y1..yD and the label if any).
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Draw the 2-D embedding coloured by label (.png or .svg).
    #[arg(long, value_name = "FILE")]
    pub plot: Option<PathBuf>,
    /// Draw the loss curve (KL in nats per iteration, log scale; .png or .svg).
    #[arg(long, value_name = "FILE")]
    pub loss_plot: Option<PathBuf>,
    /// Write the loss per iteration as CSV (iteration,kl_nats).
    #[arg(long, value_name = "FILE")]
    pub trace: Option<PathBuf>,
    /// Compute the loss KL(P‖Q) every N iterations (1: every iteration; exact with the exact
    /// gradient, estimated with Barnes–Hut). The final KL is always exact.
    #[arg(long, value_name = "N", default_value_t = 50)]
    pub loss_every: usize,
    /// Print the loss on standard error every N iterations (0: never).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub print_every: usize,
    /// Trustworthiness T(k) of the embedding (0 to skip; default 10 up to 10 000 points).
    #[arg(long, value_name = "K")]
    pub trustworthiness: Option<usize>,
    /// Output format of the summary (default: table on a terminal, JSON otherwise).
    #[arg(long, value_enum)]
    pub format: Option<Format>,
}

/// `--method`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MethodArg {
    /// Symmetric SNE: Gaussian p (perplexity), Gaussian q.
    Sne,
    /// t-SNE: Gaussian p (perplexity), Student-t q (one degree of freedom).
    Tsne,
    /// k-means as I-Con.
    Kmeans,
    /// Debiased clustering (kNN p with propagation, cluster q).
    Cluster,
    /// Cross-entropy classification with a linear mapper and label p.
    Classify,
}

/// `--gradient`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GradientArg {
    /// t-SNE in 2-D: exact up to 2000 points, Barnes–Hut (θ = 0.5) above; exact otherwise.
    Auto,
    /// The exact O(n²) gradient.
    Exact,
    /// The Barnes–Hut approximation (t-SNE in 2-D only).
    BarnesHut,
}

/// `--init`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InitArg {
    /// Principal components, scaled to standard deviation 1e-4 on the first, plus Gaussian
    /// jitter of 1% of that from the seed.
    Pca,
    /// Seeded Gaussian noise of standard deviation 1e-4.
    Random,
}

fn usage(msg: impl Into<String>) -> CliError {
    CliError::Usage(msg.into())
}

/// The points and labels read from the files.
#[derive(Debug)]
pub struct Dataset {
    /// Row-major coordinates (label column removed).
    pub x: Vec<f64>,
    /// Number of points.
    pub n: usize,
    /// Dimension.
    pub d: usize,
    /// One label per point, if given.
    pub labels: Option<Vec<usize>>,
    /// The data table (for naming places).
    pub table: Table,
}

fn label_of(table: &Table, r: usize, c: usize, v: f64) -> Result<usize, CliError> {
    if v.is_finite() && v >= 0.0 && v.fract() == 0.0 && v <= u32::MAX as f64 {
        Ok(v as usize)
    } else {
        Err(CliError::Data(format!(
            "{}: {}: label {} is not an integer >= 0",
            table.source,
            table.cell_place(r, c),
            text(v)
        )))
    }
}

/// Reads `--data` and the labels (`--label-column` or `--labels`).
pub fn read_dataset(args: &IconArgs) -> Result<Dataset, CliError> {
    let table = read_table(&args.data)?;
    let label_col = match &args.label_column {
        None => None,
        Some(c) => {
            let by_name = table
                .header
                .as_ref()
                .and_then(|h| h.iter().position(|name| name == c));
            let col = match by_name {
                Some(k) => k,
                None => match c.parse::<usize>() {
                    Ok(k) if k >= 1 && k <= table.cols => k - 1,
                    _ => {
                        let names = table
                            .header
                            .as_ref()
                            .map_or("no header".to_string(), |h| h.join(", "));
                        return Err(usage(format!(
                            "--label-column '{c}': {} has no such column (give a header name or a \
                             number 1..{}; columns: {names})",
                            args.data, table.cols
                        )));
                    }
                },
            };
            Some(col)
        }
    };
    let d = table.cols - usize::from(label_col.is_some());
    if d == 0 {
        return Err(CliError::Data(format!(
            "{}: no coordinate columns besides the label",
            args.data
        )));
    }
    let n = table.rows;
    let mut x = Vec::with_capacity(n * d);
    let mut labels = label_col.map(|_| Vec::with_capacity(n));
    for r in 0..n {
        for (c, &v) in table.row(r).iter().enumerate() {
            if Some(c) == label_col {
                if let Some(l) = labels.as_mut() {
                    l.push(label_of(&table, r, c, v)?);
                }
                continue;
            }
            if !v.is_finite() {
                return Err(CliError::Data(format!(
                    "{}: {}: value {} is not finite",
                    args.data,
                    table.cell_place(r, c),
                    text(v)
                )));
            }
            x.push(v);
        }
    }
    if let Some(path) = &args.labels {
        let lt = read_table(path)?;
        let (vals, _) = lt.as_vector()?;
        if vals.len() != n {
            return Err(CliError::Data(format!(
                "{path}: {} labels for {n} points of {}",
                vals.len(),
                args.data
            )));
        }
        let mut l = Vec::with_capacity(n);
        for (i, &v) in vals.iter().enumerate() {
            let (r, c) = if lt.rows == 1 { (0, i) } else { (i, 0) };
            l.push(label_of(&lt, r, c, v)?);
        }
        labels = Some(l);
    }
    Ok(Dataset {
        x,
        n,
        d,
        labels,
        table,
    })
}

/// A progress bar on standard error (only on a terminal) and the loss every N iterations.
pub(crate) struct Bar {
    bar: Option<ProgressBar>,
    print_every: usize,
}

impl Bar {
    pub(crate) fn new(print_every: usize) -> Bar {
        let bar = super::bar::terminal_bar(true, "{msg:>24} [{bar:40}] {pos}/{len} eta {eta}");
        Bar { bar, print_every }
    }

    pub(crate) fn update(&self, p: &Progress) -> ControlFlow<()> {
        if let Some(bar) = &self.bar {
            if bar.length() != Some(p.total as u64) {
                bar.set_length(p.total as u64);
                bar.set_position(0);
            }
            let msg = if p.loss.is_finite() {
                format!("{} KL {}", p.stage, human(p.loss))
            } else {
                p.stage.to_string()
            };
            if p.loss.is_finite() || bar.message().is_empty() {
                bar.set_message(msg);
            }
            bar.set_position(p.done as u64);
        }
        if self.print_every > 0 && p.stage != "affinities" && p.done % self.print_every == 0 {
            let loss = if p.loss.is_finite() {
                format!("{} nats", human(p.loss))
            } else {
                "not computed this iteration".to_string()
            };
            let line = format!(
                "{} iteration {}/{}: KL(P‖Q) = {loss}",
                p.stage, p.done, p.total
            );
            match &self.bar {
                Some(bar) => bar.println(line),
                None => eprintln!("{line}"),
            }
        }
        ControlFlow::Continue(())
    }

    pub(crate) fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

pub(crate) fn lib_err(e: IconError, args: &IconArgs) -> CliError {
    match e {
        IconError::Parameter { .. } => usage(format!("{e}")),
        other => CliError::Data(format!("{}: {other}", args.data)),
    }
}

fn options(args: &IconArgs) -> Result<TsneOptions, CliError> {
    let kernel = match args.method {
        MethodArg::Sne => OutputKernel::Gaussian,
        _ => OutputKernel::StudentT,
    };
    let learning_rate = match args.learning_rate.as_str() {
        "auto" => LearningRate::Auto,
        s => match s.parse::<f64>() {
            Ok(v) if v > 0.0 && v.is_finite() => LearningRate::Fixed(v),
            _ => {
                return Err(usage(format!(
                    "invalid --learning-rate '{s}': use auto or a number > 0"
                )));
            }
        },
    };
    let gradient = match args.gradient {
        GradientArg::Auto => Gradient::Auto,
        GradientArg::Exact => Gradient::Exact,
        GradientArg::BarnesHut => Gradient::BarnesHut { theta: args.theta },
    };
    let iters = args.iters.unwrap_or(750);
    if iters == 0 {
        return Err(usage("--iters must be >= 1"));
    }
    for (name, given) in [
        ("--alpha", args.alpha.is_some()),
        ("--walk", args.walk.is_some()),
        ("--clusters", args.clusters.is_some()),
        ("--test-fraction", args.test_fraction.is_some()),
    ] {
        if given {
            return Err(usage(format!(
                "{name} is not used by --method {}",
                method_name(args.method)
            )));
        }
    }
    Ok(TsneOptions {
        kernel,
        dims: args.dims,
        perplexity: args.perplexity,
        affinity: AffinityMethod::Auto,
        gradient,
        iters,
        early_exaggeration: args.early_exaggeration,
        exaggeration_iters: args.exaggeration_iters,
        learning_rate,
        init: match args.init {
            InitArg::Pca => Init::Pca,
            InitArg::Random => Init::Random,
        },
        seed: args.seed,
        kl_every: args.loss_every.max(1),
        ..TsneOptions::default()
    })
}

pub(crate) fn method_name(m: MethodArg) -> &'static str {
    match m {
        MethodArg::Sne => "sne",
        MethodArg::Tsne => "tsne",
        MethodArg::Kmeans => "kmeans",
        MethodArg::Cluster => "cluster",
        MethodArg::Classify => "classify",
    }
}

pub(crate) fn write_file(path: &Path, content: &str) -> Result<(), CliError> {
    std::fs::write(path, content)
        .map_err(|e| CliError::Data(format!("{}: cannot write: {e}", path.display())))
}

/// Writes the embedding as CSV: `y1..yD[,label]`.
fn write_embedding(path: &Path, e: &Embedding, labels: Option<&[usize]>) -> Result<(), CliError> {
    let mut s = String::with_capacity(e.n * 48);
    let head: Vec<String> = (1..=e.dims).map(|k| format!("y{k}")).collect();
    s.push_str(&head.join(","));
    if labels.is_some() {
        s.push_str(",label");
    }
    s.push('\n');
    for (i, row) in e.y.chunks_exact(e.dims).enumerate() {
        let cells: Vec<String> = row.iter().map(|v| text(*v)).collect();
        s.push_str(&cells.join(","));
        if let Some(l) = labels {
            s.push_str(&format!(",{}", l[i]));
        }
        s.push('\n');
    }
    write_file(path, &s)
}

/// Draws the embedding scatter (first two coordinates) coloured by label.
pub fn plot_embedding(
    path: &Path,
    title: &str,
    points: &[[f64; 2]],
    labels: Option<&[usize]>,
) -> Result<(), CliError> {
    let mut scatter = kldiv_plot::Scatter::new(points).radius(2.0);
    if let Some(l) = labels {
        scatter = scatter.labels(l);
    }
    kldiv_plot::Figure::new(title)
        .x_label("y1")
        .y_label("y2")
        .scatter(&scatter, path)
        .map(|_| ())
        .map_err(|e| CliError::Data(format!("{}: {e}", path.display())))
}

pub(crate) fn plot_loss(path: &Path, trace: &[(usize, f64)]) -> Result<(), CliError> {
    let x: Vec<f64> = trace.iter().map(|t| t.0 as f64).collect();
    let y: Vec<f64> = trace.iter().map(|t| t.1).collect();
    if x.is_empty() {
        return Err(CliError::Data(format!(
            "{}: no loss was recorded",
            path.display()
        )));
    }
    kldiv_plot::Figure::new("KL(P‖Q) during the optimisation")
        .x_label("iteration")
        .y_label("KL (nats)")
        .log_y(true)
        .lines(&[kldiv_plot::Series::new("KL(P‖Q)", &x, &y)], path)
        .map(|_| ())
        .map_err(|e| CliError::Data(format!("{}: {e}", path.display())))
}

/// Runs `kldiv icon`.
pub fn run(args: &IconArgs, out: &mut dyn Write) -> Result<(), CliError> {
    if !matches!(args.method, MethodArg::Sne | MethodArg::Tsne) {
        return super::icon_methods::run(args, out);
    }
    let opts = options(args)?;
    for p in [&args.plot, &args.loss_plot].into_iter().flatten() {
        kldiv_plot::Format::from_path(p).map_err(|e| usage(format!("{}: {e}", p.display())))?;
    }
    let data = read_dataset(args)?;
    let pts = Points::new("data", &data.x, data.d).map_err(|e| lib_err(e, args))?;
    let bar = Bar::new(args.print_every);
    let mut cb = |p: &Progress| bar.update(p);
    let t0 = Instant::now();
    let res = tsne(pts, &opts, &mut cb);
    bar.finish();
    let e = res.map_err(|e| lib_err(e, args))?;
    let seconds = t0.elapsed().as_secs_f64();
    let trust_k = match args.trustworthiness {
        Some(k) => k,
        None if data.n <= TRUST_AUTO_MAX_N => 10,
        None => 0,
    };
    let trust = if trust_k > 0 {
        let y = Points::new("embedding", &e.y, e.dims).map_err(|e| lib_err(e, args))?;
        Some(trustworthiness(pts, y, trust_k).map_err(|e| lib_err(e, args))?)
    } else {
        None
    };
    write_embedding(&args.out, &e, data.labels.as_deref())?;
    if let Some(path) = &args.trace {
        let mut s = String::from("iteration,kl_nats\n");
        for (it, v) in &e.trace {
            s.push_str(&format!("{it},{}\n", text(*v)));
        }
        write_file(path, &s)?;
    }
    if let Some(path) = &args.plot {
        let title = format!(
            "{} of {} ({} points, perplexity {})",
            if args.method == MethodArg::Sne {
                "SNE"
            } else {
                "t-SNE"
            },
            Path::new(&args.data)
                .file_name()
                .map_or(args.data.clone(), |f| f.to_string_lossy().into_owned()),
            data.n,
            args.perplexity
        );
        plot_embedding(path, &title, &e.points_2d(), data.labels.as_deref())?;
    }
    if let Some(path) = &args.loss_plot {
        plot_loss(path, &e.trace)?;
    }
    let method = if e.barnes_hut {
        format!(
            "{} (barnes-hut, θ = {})",
            method_name(args.method),
            args.theta
        )
    } else {
        format!("{} (exact gradient)", method_name(args.method))
    };
    match output::resolve(args.format) {
        Format::Json => {
            let mut m = Map::new();
            m.insert("measure".into(), json!("kl"));
            m.insert("unit".into(), json!("nats"));
            m.insert("value".into(), num(e.kl));
            m.insert("method".into(), json!(method));
            m.insert("error".into(), Value::Null);
            m.insert("n".into(), json!(data.n));
            m.insert("d".into(), json!(data.d));
            m.insert("dims".into(), json!(e.dims));
            m.insert("perplexity".into(), num(args.perplexity));
            m.insert("iters".into(), json!(opts.iters));
            m.insert(
                "learning_rate".into(),
                json!([num(e.learning_rate.0), num(e.learning_rate.1)]),
            );
            m.insert("seed".into(), json!(args.seed));
            m.insert(
                "trustworthiness".into(),
                trust.map_or(Value::Null, |t| json!({"k": trust_k, "value": num(t)})),
            );
            m.insert("seconds".into(), num(seconds));
            m.insert("out".into(), json!(args.out.display().to_string()));
            if let Some(p) = &args.plot {
                m.insert("plot".into(), json!(p.display().to_string()));
            }
            writeln!(out, "{}", Value::Object(m))?;
        }
        Format::Csv => {
            writeln!(
                out,
                "measure,value,unit,method,n,d,dims,perplexity,iters,seed,trustworthiness_k,trustworthiness,seconds,out"
            )?;
            writeln!(
                out,
                "kl,{},nats,{},{},{},{},{},{},{},{},{},{},{}",
                text(e.kl),
                csv_cell(&method),
                data.n,
                data.d,
                e.dims,
                text(args.perplexity),
                opts.iters,
                args.seed,
                if trust.is_some() {
                    trust_k.to_string()
                } else {
                    String::new()
                },
                trust.map_or(String::new(), text),
                text(seconds),
                csv_cell(&args.out.display().to_string())
            )?;
        }
        Format::Table => {
            let mut rows = vec![
                vec!["KL(P‖Q)".to_string(), format!("{} nats", human(e.kl))],
                vec!["method".to_string(), method],
                vec![
                    "points".to_string(),
                    format!("{} × {} → {} dims", data.n, data.d, e.dims),
                ],
                vec!["perplexity".to_string(), text(args.perplexity)],
                vec![
                    "iterations".to_string(),
                    format!("{} (seed {})", opts.iters, args.seed),
                ],
            ];
            if let Some(t) = trust {
                rows.push(vec![format!("trustworthiness (k = {trust_k})"), human(t)]);
            }
            rows.push(vec!["time".to_string(), format!("{seconds:.2} s")]);
            rows.push(vec![
                "embedding".to_string(),
                args.out.display().to_string(),
            ]);
            if let Some(p) = &args.plot {
                rows.push(vec!["figure".to_string(), p.display().to_string()]);
            }
            write!(out, "{}", output::table(&rows))?;
        }
    }
    Ok(())
}
