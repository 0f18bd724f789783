//! `kldiv loss`: training losses on logits (forward / reverse KL, generalized JSD) between a
//! teacher and a student matrix, with the gradient w.r.t. the student logits.

use crate::error::CliError;
use crate::input::{Table, read_table};
use crate::output::{self, Format, human, num, text};
use clap::{Args, ValueEnum};
use kldiv::error::{Arg, Error};
use kldiv::loss::{Divergence, Gradients, LossOptions, Reduction, Teacher, divergence};
use serde_json::{Map, Value, json};
use std::io::Write;

/// Arguments of `kldiv loss`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    kldiv loss --teacher T.npy --student S.npy\n  \
    kldiv loss --teacher T.npy --student S.npy --divergence jsd --beta 0.5 --temperature 2 --t2\n  \
    kldiv loss --teacher T.npy --student S.npy --labels L.npy --ignore-index -100 --grad-out G.npy")]
pub struct LossArgs {
    /// Teacher (target) rows [B, V]: logits by default, see --teacher-kind
    /// (CSV/TSV/JSON/.npy, or - for stdin).
    #[arg(long)]
    pub teacher: String,
    /// Student logits [B, V] (same formats).
    #[arg(long)]
    pub student: String,
    /// What the teacher file holds.
    #[arg(long, value_enum, default_value_t = TeacherKind::Logits)]
    pub teacher_kind: TeacherKind,
    /// forward = KL(teacher‖student), reverse = KL(student‖teacher),
    /// jsd = β·KL(P‖M) + (1−β)·KL(Q‖M) with M = βP + (1−β)Q.
    #[arg(long, value_enum, default_value_t = DivergenceArg::Forward)]
    pub divergence: DivergenceArg,
    /// β of --divergence jsd (0 = forward KL, 1 = reverse KL).
    #[arg(long, default_value_t = 0.5)]
    pub beta: f64,
    /// Temperature T > 0 applied to both sides.
    #[arg(long, default_value_t = 1.0)]
    pub temperature: f64,
    /// Multiply the loss and gradient by T² (Hinton et al.).
    #[arg(long)]
    pub t2: bool,
    /// Per-row integer labels (B entries); rows whose label equals --ignore-index are skipped.
    #[arg(long)]
    pub labels: Option<String>,
    /// The label that marks rows to skip (needs --labels), e.g. -100.
    #[arg(long, allow_negative_numbers = true, requires = "labels")]
    pub ignore_index: Option<i64>,
    /// batchmean = sum / counted rows (the mean KL), mean = sum / (rows·V) (torch's default),
    /// sum, none (per-row values).
    #[arg(long, value_enum, default_value_t = ReductionArg::Batchmean)]
    pub reduction: ReductionArg,
    /// Write the gradient of the reduced loss w.r.t. the student logits to this .npy file
    /// (float64, shape of the student).
    #[arg(long, value_name = "G.npy")]
    pub grad_out: Option<String>,
    /// Output format (default: table on a terminal, JSON otherwise).
    #[arg(long, short, value_enum)]
    pub format: Option<Format>,
}

/// `--teacher-kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TeacherKind {
    /// Unnormalised logits.
    Logits,
    /// Log-probabilities (each row's exp sums to 1).
    Logprobs,
    /// Probabilities (each row sums to 1; zeros allowed).
    Probs,
}

/// `--divergence`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DivergenceArg {
    /// KL(teacher‖student).
    Forward,
    /// KL(student‖teacher).
    Reverse,
    /// Generalized Jensen–Shannon with weight --beta on the teacher.
    Jsd,
}

/// `--reduction`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReductionArg {
    /// No reduction: one value per row.
    None,
    /// Sum over counted rows.
    Sum,
    /// Sum / (counted rows × V): torch's reduction='mean'.
    Mean,
    /// Sum / counted rows: the mean KL (torch's 'batchmean').
    Batchmean,
}

fn usage(msg: impl Into<String>) -> CliError {
    CliError::Usage(msg.into())
}

/// `[B, V]` of a table: a matrix as it is, a single row or column as one row.
fn shape(t: &Table) -> (usize, usize) {
    if t.rows > 1 && t.cols > 1 {
        (t.rows, t.cols)
    } else {
        (1, t.values.len())
    }
}

fn place(t: &Table, row: usize, index: usize) -> String {
    if t.rows > 1 && t.cols > 1 {
        t.cell_place(row, index)
    } else {
        t.vector_place(index)
    }
}

/// A library error as one line naming the file, the row, the index and the value.
fn locate(e: &Error, teacher: &Table, student: &Table, row: usize) -> String {
    let table = |arg: Arg| if arg == Arg::P { teacher } else { student };
    match e {
        Error::InRow { row, source } => locate(source, teacher, student, *row),
        Error::NotFinite { arg, index, .. } | Error::Negative { arg, index, .. } => {
            let t = table(*arg);
            format!("{}: {}: {e}", t.source, place(t, row, *index))
        }
        Error::NotNormalized { arg, .. } | Error::ZeroMass { arg } => {
            let t = table(*arg);
            format!("{}: {}: {e}", t.source, t.row_place(row))
        }
        other => other.to_string(),
    }
}

/// Writes a float64 C-order `.npy` file.
fn write_npy(path: &str, data: &[f64], shape: &[usize]) -> Result<(), CliError> {
    let dims = match shape {
        [n] => format!("({n},)"),
        _ => format!(
            "({})",
            shape
                .iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let mut header = format!("{{'descr': '<f8', 'fortran_order': False, 'shape': {dims}, }}");
    // Magic (6) + version (2) + header length (2) + header, padded with spaces to a multiple
    // of 64 and ended by a newline.
    let total = 10 + header.len() + 1;
    header.push_str(&" ".repeat((64 - total % 64) % 64));
    header.push('\n');
    let mut bytes = Vec::with_capacity(10 + header.len() + 8 * data.len());
    bytes.extend_from_slice(b"\x93NUMPY\x01\x00");
    bytes.extend_from_slice(&(header.len() as u16).to_le_bytes());
    bytes.extend_from_slice(header.as_bytes());
    for x in data {
        bytes.extend_from_slice(&x.to_le_bytes());
    }
    std::fs::write(path, bytes)
        .map_err(|e| CliError::Data(format!("{path}: cannot write the gradient: {e}")))
}

/// Runs `kldiv loss`.
pub fn run(args: &LossArgs, out: &mut dyn Write) -> Result<(), CliError> {
    if args.teacher == "-" && args.student == "-" {
        return Err(usage(
            "only one of --teacher and --student can be read from standard input",
        ));
    }
    let div = match args.divergence {
        DivergenceArg::Forward => Divergence::Forward,
        DivergenceArg::Reverse => Divergence::Reverse,
        DivergenceArg::Jsd => {
            if !(0.0..=1.0).contains(&args.beta) {
                return Err(usage(format!("--beta {} must be in [0, 1]", args.beta)));
            }
            Divergence::Jsd { beta: args.beta }
        }
    };
    if !(args.temperature.is_finite() && args.temperature > 0.0) {
        return Err(usage(format!(
            "--temperature {} must be a finite number > 0",
            args.temperature
        )));
    }
    let teacher = read_table(&args.teacher)?;
    let student = read_table(&args.student)?;
    let (b, v) = shape(&student);
    if shape(&teacher) != (b, v) {
        let (tb, tv) = shape(&teacher);
        return Err(CliError::Data(format!(
            "{} is {tb} × {tv} but {} is {b} × {v}: teacher and student must have the same shape",
            teacher.source, student.source
        )));
    }
    let labels: Option<Vec<i64>> = match &args.labels {
        Some(path) => {
            let t = read_table(path)?;
            if t.values.len() != b {
                return Err(CliError::Data(format!(
                    "{}: {} labels for {b} rows",
                    t.source,
                    t.values.len()
                )));
            }
            let mut l = Vec::with_capacity(b);
            for (i, &x) in t.values.iter().enumerate() {
                if x.fract() != 0.0 || !x.is_finite() {
                    return Err(CliError::Data(format!(
                        "{}: {}: label {x} is not an integer",
                        t.source,
                        t.vector_place(i)
                    )));
                }
                l.push(x as i64);
            }
            Some(l)
        }
        None => None,
    };
    let reduction = match args.reduction {
        ReductionArg::None => Reduction::None,
        ReductionArg::Sum => Reduction::Sum,
        ReductionArg::Mean => Reduction::MeanPerElement,
        ReductionArg::Batchmean => Reduction::BatchMean,
    };
    let mut opts = LossOptions::new(div)
        .temperature(args.temperature)
        .t2_scaling(args.t2)
        .reduction(reduction);
    if let (Some(l), Some(ig)) = (labels.as_deref(), args.ignore_index) {
        opts = opts.ignore_index(l, ig);
    }
    let tv = &teacher.values;
    let t = match args.teacher_kind {
        TeacherKind::Logits => Teacher::Logits(tv),
        TeacherKind::Logprobs => Teacher::LogProbs(tv),
        TeacherKind::Probs => Teacher::Probs(tv),
    };
    let mut grad = args
        .grad_out
        .as_ref()
        .map(|_| vec![0.0; student.values.len()]);
    let grads = match grad.as_deref_mut() {
        Some(g) => Gradients::student(g),
        None => Gradients::none(),
    };
    let loss = divergence(t, &student.values, v, &opts, grads)
        .map_err(|e| CliError::Data(locate(&e, &teacher, &student, 0)))?;
    if let (Some(path), Some(g)) = (&args.grad_out, &grad) {
        let dims: Vec<usize> = if student.rows > 1 && student.cols > 1 {
            vec![b, v]
        } else {
            vec![v]
        };
        write_npy(path, g, &dims)?;
    }

    let measure = match args.divergence {
        DivergenceArg::Forward => "forward-kl",
        DivergenceArg::Reverse => "reverse-kl",
        DivergenceArg::Jsd => "jsd",
    };
    let red_name = match args.reduction {
        ReductionArg::None => "none",
        ReductionArg::Sum => "sum",
        ReductionArg::Mean => "mean",
        ReductionArg::Batchmean => "batchmean",
    };
    match output::resolve(args.format) {
        Format::Json => {
            let mut obj = Map::new();
            obj.insert("measure".into(), json!(measure));
            obj.insert("unit".into(), json!("nats"));
            if reduction == Reduction::None {
                obj.insert("value".into(), Value::Null);
                obj.insert(
                    "values".into(),
                    Value::Array(loss.rows.iter().map(|&x| num(x)).collect()),
                );
            } else {
                obj.insert("value".into(), num(loss.value));
            }
            obj.insert("method".into(), json!("exact"));
            obj.insert("error".into(), Value::Null);
            obj.insert("reduction".into(), json!(red_name));
            obj.insert("rows".into(), json!(b));
            obj.insert("vocab".into(), json!(v));
            obj.insert("counted".into(), json!(loss.counted));
            obj.insert("temperature".into(), json!(args.temperature));
            obj.insert("t2".into(), json!(args.t2));
            if args.divergence == DivergenceArg::Jsd {
                obj.insert("beta".into(), json!(args.beta));
            }
            obj.insert("teacher".into(), json!(teacher.source));
            obj.insert("student".into(), json!(student.source));
            obj.insert(
                "grad_out".into(),
                args.grad_out.as_ref().map_or(Value::Null, |p| json!(p)),
            );
            writeln!(out, "{}", Value::Object(obj))?;
        }
        Format::Csv => {
            writeln!(out, "row,value,unit")?;
            for (i, x) in loss.rows.iter().enumerate() {
                writeln!(out, "{i},{},nats", text(*x))?;
            }
            if reduction != Reduction::None {
                writeln!(out, "{red_name},{},nats", text(loss.value))?;
            }
        }
        Format::Table => {
            writeln!(
                out,
                "{measure} ({red_name}, T = {}{}) over {} of {b} rows, V = {v}",
                args.temperature,
                if args.t2 { ", ×T²" } else { "" },
                loss.counted
            )?;
            if reduction == Reduction::None {
                for (i, x) in loss.rows.iter().enumerate() {
                    writeln!(out, "  row {i}: {} nats", human(*x))?;
                }
            } else {
                writeln!(out, "  value: {} nats", human(loss.value))?;
            }
            if let Some(p) = &args.grad_out {
                writeln!(out, "  gradient w.r.t. the student logits written to {p}")?;
            }
        }
    }
    Ok(())
}
