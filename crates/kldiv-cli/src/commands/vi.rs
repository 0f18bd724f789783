//! `kldiv vi --model logistic --data FILE --label-column C`: variational inference (ADVI,
//! mean-field or full-rank Gaussian) for Bayesian logistic regression.

use super::fit::FamilyArg;
use super::iter_bar::IterBar;
use crate::error::CliError;
use crate::input::{Table, read_table};
use crate::output::{self, Format, csv_cell, human, num, text};
use clap::{Args, ValueEnum};
use kldiv::variational::{LogisticRegression, Standardizer, ViOptions, advi, train_test_split};
use serde_json::{Map, Value, json};
use std::io::Write;
use std::path::PathBuf;

const EXAMPLES: &str = "Examples:\n  \
    kldiv vi --model logistic --data data/breast_cancer.csv --label-column malignant\n  \
    kldiv vi --model logistic --data data/breast_cancer.csv --label-column malignant --family meanfield --plot elbo.svg\n  \
    kldiv vi --model logistic --data data/breast_cancer.csv --label-column 31 --iters 5000 --seed 3 --format json";

/// The built-in models.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Model {
    /// Bayesian logistic regression with an intercept and a N(0, s²) prior on every
    /// coefficient (features standardised on the training rows).
    Logistic,
}

/// Arguments of `kldiv vi`.
#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub struct ViArgs {
    /// The model.
    #[arg(long, value_enum, default_value = "logistic")]
    pub model: Model,
    /// The data: CSV/TSV/JSON/.npy, one row per observation.
    #[arg(long)]
    pub data: String,
    /// The 0/1 label column: its header name or 1-based number.
    #[arg(long)]
    pub label_column: String,
    /// Gaussian family of the approximate posterior.
    #[arg(long, value_enum, default_value = "fullrank")]
    pub family: FamilyArg,
    /// Adam iterations (cosine step-size schedule over them).
    #[arg(long, default_value_t = 3000)]
    pub iters: usize,
    /// Monte Carlo draws per iteration.
    #[arg(long, default_value_t = 8)]
    pub samples: usize,
    /// Adam base step size.
    #[arg(long, default_value_t = 0.05)]
    pub lr: f64,
    /// Seed of the optimiser's draws (ChaCha8; same seed, same result).
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Prior standard deviation s of every coefficient.
    #[arg(long, default_value_t = 1.0)]
    pub prior_std: f64,
    /// Fraction of rows held out for the accuracy.
    #[arg(long, default_value_t = 0.2)]
    pub test_fraction: f64,
    /// Seed of the train/test split.
    #[arg(long, default_value_t = 42)]
    pub split_seed: u64,
    /// Write the ELBO trace as a figure (.svg or .png).
    #[arg(long, value_name = "FILE")]
    pub plot: Option<PathBuf>,
    /// Hide the progress bar.
    #[arg(long)]
    pub no_progress: bool,
    /// Output format (default: table on a terminal, JSON otherwise).
    #[arg(long, short, value_enum)]
    pub format: Option<Format>,
}

fn usage(m: impl Into<String>) -> CliError {
    CliError::Usage(m.into())
}

/// The index of the label column.
fn label_index(t: &Table, c: &str) -> Result<usize, CliError> {
    if let Some(i) = t
        .header
        .as_ref()
        .and_then(|h| h.iter().position(|n| n == c))
    {
        return Ok(i);
    }
    match c.parse::<usize>() {
        Ok(k) if (1..=t.cols).contains(&k) => Ok(k - 1),
        _ => Err(usage(format!(
            "{}: no column '{c}' (give a header name or a number from 1 to {})",
            t.source, t.cols
        ))),
    }
}

/// Features and 0/1 labels of a table, with names.
struct Data {
    x: Vec<f64>,
    y: Vec<f64>,
    p: usize,
    names: Vec<String>,
}

fn split_table(t: &Table, label: usize) -> Result<Data, CliError> {
    if t.cols < 2 || t.rows < 2 {
        return Err(CliError::Data(format!(
            "{}: needs at least 2 rows and 2 columns (features and a label), found {} × {}",
            t.source, t.rows, t.cols
        )));
    }
    let p = t.cols - 1;
    let mut x = Vec::with_capacity(t.rows * p);
    let mut y = Vec::with_capacity(t.rows);
    for r in 0..t.rows {
        let row = t.row(r);
        for (c, &v) in row.iter().enumerate() {
            if !v.is_finite() {
                return Err(CliError::Data(format!(
                    "{}: {}: {v} is not a finite number",
                    t.source,
                    t.cell_place(r, c)
                )));
            }
            if c == label {
                if v != 0.0 && v != 1.0 {
                    return Err(CliError::Data(format!(
                        "{}: {}: label {v} is not 0 or 1",
                        t.source,
                        t.cell_place(r, c)
                    )));
                }
                y.push(v);
            } else {
                x.push(v);
            }
        }
    }
    let names = (0..t.cols)
        .filter(|&c| c != label)
        .map(|c| {
            t.header
                .as_ref()
                .and_then(|h| h.get(c).cloned())
                .unwrap_or_else(|| format!("x{}", c + 1))
        })
        .collect();
    Ok(Data { x, y, p, names })
}

fn pick(d: &Data, idx: &[usize]) -> (Vec<f64>, Vec<f64>) {
    let x = idx
        .iter()
        .flat_map(|&i| d.x[i * d.p..(i + 1) * d.p].iter().copied())
        .collect();
    let y = idx.iter().map(|&i| d.y[i]).collect();
    (x, y)
}

/// Runs `kldiv vi`.
pub fn run(args: &ViArgs, out: &mut dyn Write) -> Result<(), CliError> {
    let format = output::resolve(args.format);
    if args.iters == 0 || args.samples == 0 {
        return Err(usage("--iters and --samples must be at least 1"));
    }
    if !(args.lr.is_finite() && args.lr > 0.0) {
        return Err(usage(format!("--lr {} must be finite and > 0", args.lr)));
    }
    if !(args.prior_std.is_finite() && args.prior_std > 0.0) {
        return Err(usage(format!(
            "--prior-std {} must be finite and > 0",
            args.prior_std
        )));
    }
    if !(0.0..1.0).contains(&args.test_fraction) {
        return Err(usage(format!(
            "--test-fraction {} must be in [0, 1)",
            args.test_fraction
        )));
    }
    let Model::Logistic = args.model;
    let table = read_table(&args.data)?;
    let label = label_index(&table, &args.label_column)?;
    let data = split_table(&table, label)?;
    let (train, test) = train_test_split(data.y.len(), args.test_fraction, args.split_seed);
    let (xtr, ytr) = pick(&data, &train);
    let (xte, yte) = pick(&data, &test);
    let std = Standardizer::fit(&xtr, data.p);
    let (xtr, xte) = (std.transform(&xtr), std.transform(&xte));
    let model = LogisticRegression::new(xtr.clone(), data.p, ytr.clone(), args.prior_std)
        .map_err(|e| CliError::Data(format!("{}: {e}", args.data)))?;
    let opts = ViOptions {
        family: args.family.family(),
        iters: args.iters,
        samples: args.samples,
        lr: args.lr,
        seed: args.seed,
        ..ViOptions::default()
    };
    let bar = IterBar::new(!args.no_progress);
    let res = advi(&model, &opts, &mut |p| bar.update(p));
    bar.finish();
    let r = res.map_err(|e| CliError::Data(format!("{}: {e}", args.data)))?;
    if let Some(path) = &args.plot {
        crate::plot::trace(
            &r.trace,
            &format!(
                "ELBO per iteration ({} Gaussian)",
                args.family.family().as_str()
            ),
            path,
        )?;
    }
    let acc_test = LogisticRegression::accuracy(r.q.mean(), &xte, data.p, &yte);
    let acc_train = LogisticRegression::accuracy(r.q.mean(), &xtr, data.p, &ytr);
    let mut names = vec!["(intercept)".to_string()];
    names.extend(data.names.iter().cloned());
    let sd = r.q.std();
    match format {
        Format::Json => {
            let mut obj = Map::new();
            obj.insert("measure".into(), json!("elbo"));
            obj.insert("unit".into(), json!("nats"));
            obj.insert("value".into(), num(r.elbo));
            obj.insert("method".into(), json!("monte-carlo"));
            obj.insert("error".into(), num(r.elbo_se));
            obj.insert("samples".into(), json!(r.elbo_samples));
            obj.insert("seed".into(), json!(r.seed));
            obj.insert("model".into(), json!("logistic"));
            obj.insert("family".into(), json!(args.family.family().as_str()));
            obj.insert("iterations".into(), json!(r.iterations));
            obj.insert("converged_at".into(), json!(r.converged_at));
            obj.insert(
                "accuracy".into(),
                json!({"held_out": num(acc_test), "train": num(acc_train)}),
            );
            obj.insert(
                "split".into(),
                json!({"train": train.len(), "test": test.len(), "seed": args.split_seed}),
            );
            obj.insert("prior_std".into(), json!(args.prior_std));
            let post: Vec<Value> = names
                .iter()
                .zip(r.q.mean())
                .zip(&sd)
                .map(|((n, m), s)| json!({"name": n, "mean": num(*m), "std": num(*s)}))
                .collect();
            obj.insert("posterior".into(), Value::Array(post));
            if let Some(p) = &args.plot {
                obj.insert("plot".into(), json!(p.display().to_string()));
            }
            writeln!(out, "{}", Value::Object(obj))?;
        }
        Format::Csv => {
            writeln!(out, "parameter,mean,std")?;
            for ((n, m), s) in names.iter().zip(r.q.mean()).zip(&sd) {
                writeln!(out, "{},{},{}", csv_cell(n), text(*m), text(*s))?;
            }
        }
        Format::Table => {
            let conv = r
                .converged_at
                .map_or("not detected".to_string(), |i| format!("at iteration {i}"));
            let rows = vec![
                vec!["model".to_string(), model_text(&model, args)],
                vec![
                    "family".to_string(),
                    format!("{} Gaussian", args.family.family().as_str()),
                ],
                vec![
                    "ELBO".to_string(),
                    format!(
                        "{} ± {} nats (monte-carlo, {} draws, seed {})",
                        human(r.elbo),
                        human(r.elbo_se),
                        r.elbo_samples,
                        r.seed
                    ),
                ],
                vec![
                    "iterations".to_string(),
                    format!("{} (convergence {conv})", r.iterations),
                ],
                vec![
                    "accuracy".to_string(),
                    format!(
                        "held-out {} ({} rows, split seed {}), train {}",
                        human(acc_test),
                        test.len(),
                        args.split_seed,
                        human(acc_train)
                    ),
                ],
            ];
            write!(out, "{}", output::table(&rows))?;
            writeln!(out, "\nposterior (coefficients of standardised features):")?;
            let mut rows = vec![vec![
                "parameter".to_string(),
                "mean".to_string(),
                "std".to_string(),
            ]];
            for ((n, m), s) in names.iter().zip(r.q.mean()).zip(&sd) {
                rows.push(vec![n.clone(), human(*m), human(*s)]);
            }
            write!(out, "{}", output::table(&rows))?;
            if let Some(p) = &args.plot {
                writeln!(out, "figure: {}", p.display())?;
            }
        }
    }
    Ok(())
}

fn model_text(m: &LogisticRegression, args: &ViArgs) -> String {
    format!(
        "logistic regression on {} ({} training rows, {} features, prior N(0, {}²))",
        args.data,
        m.n(),
        m.n_features(),
        args.prior_std
    )
}
