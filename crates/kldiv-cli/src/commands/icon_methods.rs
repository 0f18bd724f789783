//! `kldiv icon --method kmeans|cluster|classify`: the clustering and classification
//! configurations of I-Con (from `kldiv_icon::methods`).

use super::icon::{
    Bar, IconArgs, MethodArg, lib_err, method_name, plot_embedding, plot_loss, read_dataset,
    write_file,
};
use crate::error::CliError;
use crate::output::{self, Format, csv_cell, human, num, text};
use kldiv::variational::train_test_split;
use kldiv_icon::methods::{
    ClassifyOptions, ClusterOptions, KMeansOptions, classify, cluster, kmeans,
};
use kldiv_icon::metrics::{hungarian_accuracy, nmi};
use kldiv_icon::{Points, Progress};
use serde_json::{Map, Value, json};
use std::io::Write;
use std::time::Instant;

/// What every method returns, for the output.
struct Outcome {
    labels: Vec<usize>,
    losses: Vec<f64>,
    summary: String,
    measure: &'static str,
    unit: &'static str,
    /// Training and held-out accuracy (classify; the second `None` without a test set).
    accuracy: Option<(f64, Option<f64>)>,
    /// Training and held-out rows (classify).
    split: Option<(usize, usize)>,
}

/// Default of `--test-fraction` (classify).
pub const TEST_FRACTION: f64 = 0.2;

fn usage(msg: impl Into<String>) -> CliError {
    CliError::Usage(msg.into())
}

fn unused(args: &IconArgs, flags: &[(&str, bool)]) -> Result<(), CliError> {
    for (name, given) in flags {
        if *given {
            return Err(usage(format!(
                "{name} is not used by --method {}",
                method_name(args.method)
            )));
        }
    }
    Ok(())
}

/// Runs the clustering / classification methods.
pub(crate) fn run(args: &IconArgs, out: &mut dyn Write) -> Result<(), CliError> {
    for p in [&args.plot, &args.loss_plot].into_iter().flatten() {
        kldiv_plot::Format::from_path(p).map_err(|e| usage(format!("{}: {e}", p.display())))?;
    }
    if args.iters == Some(0) {
        return Err(usage("--iters must be >= 1"));
    }
    let data = read_dataset(args)?;
    let pts = Points::new("data", &data.x, data.d).map_err(|e| lib_err(e, args))?;
    let bar = Bar::new(args.print_every);
    let mut cb = |p: &Progress| bar.update(p);
    let t0 = Instant::now();
    let outcome = match args.method {
        MethodArg::Kmeans => {
            unused(
                args,
                &[
                    ("--alpha", args.alpha.is_some()),
                    ("--walk", args.walk.is_some()),
                    ("--test-fraction", args.test_fraction.is_some()),
                ],
            )?;
            let mut o = KMeansOptions {
                seed: args.seed,
                ..KMeansOptions::default()
            };
            if let Some(m) = args.clusters {
                o.clusters = m;
            }
            if let Some(it) = args.iters {
                o.max_iter = it;
            }
            let r = kmeans(pts, &o, &mut cb);
            bar.finish();
            let r = r.map_err(|e| lib_err(e, args))?;
            Outcome {
                labels: r.labels,
                losses: r.losses,
                summary: r.summary,
                measure: "kmeans-objective",
                unit: "squared coordinate units",
                accuracy: None,
                split: None,
            }
        }
        MethodArg::Cluster => {
            unused(args, &[("--test-fraction", args.test_fraction.is_some())])?;
            let mut o = ClusterOptions {
                seed: args.seed,
                ..ClusterOptions::default()
            };
            if let Some(m) = args.clusters {
                o.clusters = m;
            }
            if let Some(a) = args.alpha {
                o.alpha = a;
            }
            if let Some(w) = args.walk {
                o.walks = w;
            }
            if let Some(it) = args.iters {
                o.iterations = it;
            }
            let r = cluster(pts, &o, &mut cb);
            bar.finish();
            let r = r.map_err(|e| lib_err(e, args))?;
            Outcome {
                labels: r.labels,
                losses: r.losses,
                summary: r.summary,
                measure: "kl",
                unit: "nats",
                accuracy: None,
                split: None,
            }
        }
        _ => {
            unused(
                args,
                &[
                    ("--walk", args.walk.is_some()),
                    ("--clusters", args.clusters.is_some()),
                ],
            )?;
            let Some(labels) = data.labels.as_deref() else {
                return Err(usage(
                    "--method classify needs labels: --label-column C or --labels FILE",
                ));
            };
            let fraction = args.test_fraction.unwrap_or(TEST_FRACTION);
            if !(0.0..1.0).contains(&fraction) {
                return Err(usage(format!(
                    "--test-fraction {} must be in [0, 1)",
                    text(fraction)
                )));
            }
            let mut o = ClassifyOptions::default();
            if let Some(a) = args.alpha {
                o.alpha = a;
            }
            if let Some(it) = args.iters {
                o.iterations = it;
            }
            // Train on a seeded random subset; the held-out rows measure generalisation.
            let (train, test) = train_test_split(data.n, fraction, args.seed);
            if train.is_empty() {
                return Err(usage(format!(
                    "--test-fraction {} leaves no training rows",
                    text(fraction)
                )));
            }
            let pick = |rows: &[usize]| -> (Vec<f64>, Vec<usize>) {
                let mut x = Vec::with_capacity(rows.len() * data.d);
                let mut y = Vec::with_capacity(rows.len());
                for &i in rows {
                    x.extend_from_slice(pts.row(i));
                    y.push(labels[i]);
                }
                (x, y)
            };
            let (xtr, ytr) = pick(&train);
            let train_pts =
                Points::new("training rows", &xtr, data.d).map_err(|e| lib_err(e, args))?;
            let r = classify(train_pts, &ytr, &o, &mut cb);
            bar.finish();
            let r = r.map_err(|e| lib_err(e, args))?;
            // Predictions for every row (training and held-out), in the input order.
            let predicted = r.predict(pts).map_err(|e| lib_err(e, args))?;
            let test_accuracy = (!test.is_empty()).then(|| {
                let correct = test.iter().filter(|&&i| predicted[i] == labels[i]).count();
                correct as f64 / test.len() as f64
            });
            Outcome {
                labels: predicted,
                losses: r.losses,
                summary: format!(
                    "{}; trained on {} rows, {} held out (--test-fraction {}, seed {})",
                    r.summary,
                    train.len(),
                    test.len(),
                    text(fraction),
                    args.seed
                ),
                measure: "kl",
                unit: "nats",
                accuracy: Some((r.accuracy, test_accuracy)),
                split: Some((train.len(), test.len())),
            }
        }
    };
    let seconds = t0.elapsed().as_secs_f64();
    let truth = data.labels.as_deref();
    let scores = match (truth, args.method) {
        (Some(t), MethodArg::Kmeans | MethodArg::Cluster) => Some((
            hungarian_accuracy(t, &outcome.labels).map_err(|e| lib_err(e, args))?,
            nmi(t, &outcome.labels).map_err(|e| lib_err(e, args))?,
        )),
        _ => None,
    };
    // Per-point output: the prediction and the label.
    let col = if args.method == MethodArg::Classify {
        "predicted"
    } else {
        "cluster"
    };
    let mut s = String::from(col);
    if truth.is_some() {
        s.push_str(",label");
    }
    s.push('\n');
    for (i, c) in outcome.labels.iter().enumerate() {
        s.push_str(&c.to_string());
        if let Some(t) = truth {
            s.push_str(&format!(",{}", t[i]));
        }
        s.push('\n');
    }
    write_file(&args.out, &s)?;
    let trace: Vec<(usize, f64)> = outcome.losses.iter().copied().enumerate().collect();
    if let Some(path) = &args.trace {
        let mut s = format!("iteration,{}\n", outcome.measure.replace('-', "_"));
        for (it, v) in &trace {
            s.push_str(&format!("{it},{}\n", text(*v)));
        }
        write_file(path, &s)?;
    }
    if let Some(path) = &args.loss_plot {
        plot_loss(path, &trace)?;
    }
    if let Some(path) = &args.plot {
        let mut y = kldiv_icon::tsne::pca(pts, 2.min(data.d)).map_err(|e| lib_err(e, args))?;
        let scale = 1.0 / kldiv_icon::tsne::INIT_STD;
        y.iter_mut().for_each(|v| *v *= scale);
        let dims = 2.min(data.d);
        let points: Vec<[f64; 2]> = y
            .chunks_exact(dims)
            .map(|r| [r[0], r.get(1).copied().unwrap_or(0.0)])
            .collect();
        plot_embedding(
            path,
            &format!(
                "{} (first two principal components, coloured by {col})",
                method_name(args.method)
            ),
            &points,
            Some(&outcome.labels),
        )?;
    }
    let value = outcome.losses.last().copied().unwrap_or(f64::NAN);
    match output::resolve(args.format) {
        Format::Json => {
            let mut m = Map::new();
            m.insert("measure".into(), json!(outcome.measure));
            m.insert("unit".into(), json!(outcome.unit));
            m.insert("value".into(), num(value));
            m.insert("method".into(), json!(outcome.summary));
            m.insert("error".into(), Value::Null);
            m.insert("n".into(), json!(data.n));
            m.insert("d".into(), json!(data.d));
            m.insert(
                "iterations".into(),
                json!(outcome.losses.len().saturating_sub(1)),
            );
            m.insert("seed".into(), json!(args.seed));
            if let Some((h, i)) = scores {
                m.insert("hungarian_accuracy".into(), num(h));
                m.insert("nmi".into(), num(i));
            }
            if let Some((train, test)) = outcome.accuracy {
                m.insert("train_accuracy".into(), num(train));
                m.insert("test_accuracy".into(), test.map_or(Value::Null, num));
            }
            if let Some((a, b)) = outcome.split {
                m.insert("n_train".into(), json!(a));
                m.insert("n_test".into(), json!(b));
            }
            m.insert("seconds".into(), num(seconds));
            m.insert("out".into(), json!(args.out.display().to_string()));
            writeln!(out, "{}", Value::Object(m))?;
        }
        Format::Csv => {
            writeln!(
                out,
                "measure,value,unit,method,n,d,seed,hungarian_accuracy,nmi,train_accuracy,test_accuracy,seconds,out"
            )?;
            let opt = |v: Option<f64>| v.map_or(String::new(), text);
            writeln!(
                out,
                "{},{},{},{},{},{},{},{},{},{},{},{},{}",
                outcome.measure,
                text(value),
                csv_cell(outcome.unit),
                csv_cell(&outcome.summary),
                data.n,
                data.d,
                args.seed,
                opt(scores.map(|s| s.0)),
                opt(scores.map(|s| s.1)),
                opt(outcome.accuracy.map(|a| a.0)),
                opt(outcome.accuracy.and_then(|a| a.1)),
                text(seconds),
                csv_cell(&args.out.display().to_string())
            )?;
        }
        Format::Table => {
            let mut rows = vec![
                vec![
                    outcome.measure.to_string(),
                    format!("{} {}", human(value), outcome.unit),
                ],
                vec!["method".to_string(), outcome.summary.clone()],
                vec!["points".to_string(), format!("{} × {}", data.n, data.d)],
            ];
            if let Some((h, i)) = scores {
                rows.push(vec!["Hungarian accuracy".to_string(), human(h)]);
                rows.push(vec!["NMI".to_string(), human(i)]);
            }
            if let Some((train, test)) = outcome.accuracy {
                let (a, b) = outcome.split.unwrap_or((0, 0));
                rows.push(vec![format!("training accuracy ({a} rows)"), human(train)]);
                rows.push(vec![
                    format!("held-out accuracy ({b} rows)"),
                    test.map_or_else(|| "no held-out rows".to_string(), human),
                ]);
            }
            rows.push(vec!["time".to_string(), format!("{seconds:.2} s")]);
            rows.push(vec![
                "assignments".to_string(),
                args.out.display().to_string(),
            ]);
            write!(out, "{}", output::table(&rows))?;
        }
    }
    Ok(())
}
