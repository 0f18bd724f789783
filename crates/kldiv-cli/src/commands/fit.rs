//! `kldiv fit --target SPEC --direction forward|reverse|both`: fit a Gaussian to a target by
//! forward KL (moment matching, mode covering) or reverse KL (mode seeking).

use super::iter_bar::IterBar;
use crate::error::CliError;
use crate::output::{self, Format, csv_cell, human, num, text};
use clap::{Args, ValueEnum};
use kldiv::kl::{AnyDist, KlResult, parse_spec};
use kldiv::variational::{
    DistTarget, Family, Fit, ForwardOptions, GaussianQ, MvNormalMixture, ReverseOptions, Target,
    fit_forward, fit_reverse,
};
use serde_json::{Map, Value, json};
use std::io::Write;
use std::path::PathBuf;

const EXAMPLES: &str = "Examples:\n  \
    kldiv fit --target 'mixture(0.5*normal(-2, 0.6), 0.5*normal(2, 0.6))' --plot modes.svg\n  \
    kldiv fit --target 'mixture(0.5*normal(-2, 0.6), 0.5*normal(2, 0.6))' --direction reverse --init 1.5\n  \
    kldiv fit --target 'gamma(shape=2, rate=1)' --direction forward\n  \
    kldiv fit --target 'mixture(0.5*mvnormal(mean=[-2, 0], cov=[[0.36, 0], [0, 0.36]]), 0.5*mvnormal(mean=[2, 0], cov=[[0.36, 0], [0, 0.36]]))' --plot modes2d.png";

/// Which divergence to minimise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DirectionArg {
    /// D(P‖Q): moment matching, covers every mode.
    Forward,
    /// D(Q‖P): seeks one mode.
    Reverse,
    /// Both fits, side by side.
    Both,
}

/// The Gaussian family of Q in two or more dimensions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FamilyArg {
    /// Independent coordinates (diagonal covariance).
    Meanfield,
    /// Any covariance (Cholesky factor).
    Fullrank,
}

impl FamilyArg {
    /// The library's family.
    pub fn family(self) -> Family {
        match self {
            FamilyArg::Meanfield => Family::MeanField,
            FamilyArg::Fullrank => Family::FullRank,
        }
    }
}

/// Arguments of `kldiv fit`.
#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub struct FitArgs {
    /// The target P: a distribution spec (see `kldiv dist --list`), or a mixture of
    /// mvnormal components for a multi-modal target in 2 or more dimensions.
    #[arg(long)]
    pub target: String,
    /// forward (minimise D(P‖Q)), reverse (minimise D(Q‖P)) or both.
    #[arg(long, value_enum, default_value = "both")]
    pub direction: DirectionArg,
    /// Gaussian family of Q in 2 or more dimensions.
    #[arg(long, value_enum, default_value = "fullrank")]
    pub family: FamilyArg,
    /// Starting mean of the reverse fit, comma-separated (default: the target's
    /// highest-density mode).
    #[arg(long, allow_hyphen_values = true)]
    pub init: Option<String>,
    /// Optimiser iterations of the reverse fit.
    #[arg(long, default_value_t = 2000)]
    pub iters: usize,
    /// Seed of every random draw (ChaCha8; same seed, same result).
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Draws for Monte Carlo KL reports and sample moments.
    #[arg(long, default_value_t = 100_000)]
    pub samples: usize,
    /// Write a figure of P and the fits (.svg or .png; 1-D and 2-D targets).
    #[arg(long, value_name = "FILE")]
    pub plot: Option<PathBuf>,
    /// Hide the progress bar.
    #[arg(long)]
    pub no_progress: bool,
    /// Output format (default: table on a terminal, JSON otherwise).
    #[arg(long, short, value_enum)]
    pub format: Option<Format>,
}

/// Splits `s` at top-level commas (outside brackets and parentheses).
fn split_top(s: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0i32, 0);
    for (i, c) in s.char_indices() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&s[start..]);
    parts
}

/// `mixture(w*mvnormal(...), ...)`, or `None` if `spec` is not of that shape.
fn mv_mixture(spec: &str) -> Option<Result<MvNormalMixture, String>> {
    let inner = spec
        .trim()
        .strip_prefix("mixture(")?
        .strip_suffix(')')?
        .trim();
    let mut weights = Vec::new();
    let mut comps = Vec::new();
    for part in split_top(inner) {
        let (w, c) = part.split_once('*')?;
        let c = c.trim();
        if !c.starts_with("mvnormal") {
            return None;
        }
        let w: f64 = match w.trim().parse() {
            Ok(w) => w,
            Err(_) => return Some(Err(format!("weight '{}' is not a number", w.trim()))),
        };
        match parse_spec(c) {
            Ok(AnyDist::MvNormal(m)) => {
                weights.push(w);
                comps.push(m);
            }
            Ok(_) => return None,
            Err(e) => return Some(Err(format!("'{c}': {e}"))),
        }
    }
    Some(MvNormalMixture::new(weights, comps).map_err(|e| e.to_string()))
}

/// Parses `--target` into a fitting target.
pub fn parse_target(spec: &str) -> Result<Box<dyn Target>, CliError> {
    let data = |m: String| CliError::Data(format!("target '{spec}': {m}"));
    match parse_spec(spec) {
        Ok(d) => Ok(Box::new(
            DistTarget::new(d).map_err(|e| data(e.to_string()))?,
        )),
        Err(e) => match mv_mixture(spec) {
            Some(Ok(m)) => Ok(Box::new(m)),
            Some(Err(m)) => Err(data(m)),
            None => Err(data(e.to_string())),
        },
    }
}

fn kl_json(r: Option<KlResult>) -> Value {
    match r {
        None => Value::Null,
        Some(r) => {
            let mut o = Map::new();
            o.insert("value".into(), num(r.value));
            o.insert("method".into(), json!(r.method.as_str()));
            o.insert("error".into(), r.error.map_or(Value::Null, num));
            if let Some(n) = r.samples {
                o.insert("samples".into(), json!(n));
            }
            if let Some(s) = r.seed {
                o.insert("seed".into(), json!(s));
            }
            Value::Object(o)
        }
    }
}

fn kl_text(r: Option<KlResult>) -> String {
    match r {
        None => "n/a".to_string(),
        Some(r) => match r.error {
            Some(e) if r.value.is_finite() => {
                format!("{} ± {} nats ({})", human(r.value), human(e), r.method)
            }
            _ => format!("{} nats ({})", human(r.value), r.method),
        },
    }
}

fn vec_text(v: &[f64]) -> String {
    let s: Vec<String> = v.iter().map(|x| human(*x)).collect();
    if s.len() == 1 {
        s[0].clone()
    } else {
        format!("[{}]", s.join(", "))
    }
}

/// The divergence a fit minimised, as (measure name, result).
fn objective(f: &Fit) -> (&'static str, Option<KlResult>) {
    match f.direction {
        kldiv::variational::Direction::Forward => ("forward-kl", f.kl.forward),
        kldiv::variational::Direction::Reverse => ("reverse-kl", f.kl.reverse),
    }
}

/// Runs the fits asked for.
pub fn fit_all(target: &dyn Target, args: &FitArgs) -> Result<Vec<Fit>, CliError> {
    let lib = |e: kldiv::Error| CliError::Data(format!("target '{}': {e}", args.target));
    let mut fits = Vec::new();
    if matches!(args.direction, DirectionArg::Forward | DirectionArg::Both) {
        let o = ForwardOptions {
            family: args.family.family(),
            samples: args.samples,
            seed: args.seed,
            kl_samples: args.samples,
        };
        fits.push(fit_forward(target, &o).map_err(lib)?);
    }
    if matches!(args.direction, DirectionArg::Reverse | DirectionArg::Both) {
        let init = match &args.init {
            None => None,
            Some(s) => {
                let mean: Vec<f64> = s
                    .split(',')
                    .map(|v| v.trim().parse::<f64>())
                    .collect::<Result<_, _>>()
                    .map_err(|_| {
                        CliError::Usage(format!("--init '{s}': expected comma-separated numbers"))
                    })?;
                if mean.len() != target.dim() {
                    return Err(CliError::Usage(format!(
                        "--init has {} numbers but the target has dimension {}",
                        mean.len(),
                        target.dim()
                    )));
                }
                let scale = target.as_continuous().map_or(1.0, |c| c.scale_hint());
                Some(
                    GaussianQ::mean_field(&mean, &vec![scale; mean.len()])
                        .map_err(|e| CliError::Usage(format!("--init '{s}': {e}")))?,
                )
            }
        };
        let o = ReverseOptions {
            family: args.family.family(),
            init,
            iters: args.iters,
            seed: args.seed,
            kl_samples: args.samples,
            ..ReverseOptions::default()
        };
        let bar = IterBar::new(!args.no_progress);
        let r = fit_reverse(target, &o, &mut |p| bar.update(p));
        bar.finish();
        fits.push(r.map_err(lib)?);
    }
    Ok(fits)
}

/// Runs `kldiv fit`.
pub fn run(args: &FitArgs, out: &mut dyn Write) -> Result<(), CliError> {
    let format = output::resolve(args.format);
    if args.iters == 0 {
        return Err(CliError::Usage("--iters must be at least 1".into()));
    }
    if args.samples < 2 {
        return Err(CliError::Usage("--samples must be at least 2".into()));
    }
    let target = parse_target(&args.target)?;
    let fits = fit_all(target.as_ref(), args)?;
    if let Some(path) = &args.plot {
        crate::plot::fits(
            target.as_ref(),
            &fits,
            "forward vs reverse KL fits",
            path.as_path(),
        )?;
    }
    let first = objective(&fits[0]);
    match format {
        Format::Json => {
            let mut obj = Map::new();
            obj.insert("measure".into(), json!(first.0));
            obj.insert("unit".into(), json!("nats"));
            obj.insert(
                "value".into(),
                first.1.map_or(Value::Null, |r| num(r.value)),
            );
            obj.insert(
                "method".into(),
                first.1.map_or(Value::Null, |r| json!(r.method.as_str())),
            );
            obj.insert(
                "error".into(),
                first.1.and_then(|r| r.error).map_or(Value::Null, num),
            );
            obj.insert("target".into(), json!(target.describe()));
            obj.insert("dim".into(), json!(target.dim()));
            obj.insert("seed".into(), json!(args.seed));
            let list: Vec<Value> = fits
                .iter()
                .map(|f| {
                    json!({
                        "direction": f.direction.as_str(),
                        "method": f.method.as_str(),
                        "family": f.q.family().as_str(),
                        "mean": f.q.mean(),
                        "std": f.q.std(),
                        "cov": f.q.covariance(),
                        "forward_kl": kl_json(f.kl.forward),
                        "reverse_kl": kl_json(f.kl.reverse),
                        "iterations": f.iterations,
                        "converged": f.converged,
                    })
                })
                .collect();
            obj.insert("fits".into(), Value::Array(list));
            if let Some(p) = &args.plot {
                obj.insert("plot".into(), json!(p.display().to_string()));
            }
            writeln!(out, "{}", Value::Object(obj))?;
        }
        Format::Csv => {
            writeln!(
                out,
                "direction,method,mean,std,forward_kl,forward_method,forward_error,reverse_kl,reverse_method,reverse_error,unit,iterations,converged"
            )?;
            for f in &fits {
                let cells = |r: Option<KlResult>| match r {
                    None => ",,".to_string(),
                    Some(r) => format!(
                        "{},{},{}",
                        text(r.value),
                        r.method.as_str(),
                        r.error.map_or(String::new(), text)
                    ),
                };
                let join = |v: &[f64]| v.iter().map(|x| text(*x)).collect::<Vec<_>>().join(" ");
                writeln!(
                    out,
                    "{},{},{},{},{},{},nats,{},{}",
                    f.direction.as_str(),
                    f.method.as_str(),
                    csv_cell(&join(f.q.mean())),
                    csv_cell(&join(&f.q.std())),
                    cells(f.kl.forward),
                    cells(f.kl.reverse),
                    f.iterations,
                    f.converged
                )?;
            }
        }
        Format::Table => {
            writeln!(out, "P = {}", target.describe())?;
            let mut rows = vec![vec![
                "fit".to_string(),
                "mean".to_string(),
                "std".to_string(),
                "D(P‖Q)".to_string(),
                "D(Q‖P)".to_string(),
                "how".to_string(),
            ]];
            for f in &fits {
                let how = if f.iterations > 0 {
                    format!(
                        "{}, {} iteration{}{}",
                        f.method.as_str(),
                        f.iterations,
                        if f.iterations == 1 { "" } else { "s" },
                        if f.converged { "" } else { ", not converged" }
                    )
                } else {
                    f.method.as_str().to_string()
                };
                rows.push(vec![
                    f.direction.as_str().to_string(),
                    vec_text(f.q.mean()),
                    vec_text(&f.q.std()),
                    kl_text(f.kl.forward),
                    kl_text(f.kl.reverse),
                    how,
                ]);
            }
            write!(out, "{}", output::table(&rows))?;
            if let Some(p) = &args.plot {
                writeln!(out, "figure: {}", p.display())?;
            }
        }
    }
    Ok(())
}
