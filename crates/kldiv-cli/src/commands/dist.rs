//! `kldiv dist P_SPEC Q_SPEC`: KL between parametric distributions given as specs, and
//! `kldiv dist --list`.

use crate::error::CliError;
use crate::output::{self, Format, csv_cell, human, num, text};
use clap::Args;
use kldiv::Base;
use kldiv::kl::{KlOptions, MethodChoice, kl_any, list_closed_forms, list_families, parse_spec};
use serde_json::{Map, Value, json};
use std::io::Write;

const EXAMPLES: &str = "Examples:\n  \
    kldiv dist 'normal(mean=0, std=1)' 'normal(mean=1, std=2)'\n  \
    kldiv dist 'gamma(shape=2, rate=1)' 'lognormal(mu=0.5, sigma=1)' --base 2\n  \
    kldiv dist 'mixture(0.5*normal(-2, 0.6), 0.5*normal(2, 0.6))' 'normal(0, 2)' --method mc --samples 200000 --seed 7\n  \
    kldiv dist 'mvnormal(mean=[0, 0], cov=[[1, 0.5], [0.5, 2]])' 'mvnormal(mean=[1, 0], var=[1, 1])'\n  \
    kldiv dist --list";

/// Arguments of `kldiv dist`.
#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub struct DistArgs {
    /// The reference distribution P as a spec, e.g. 'normal(mean=0, std=1)' (see --list).
    pub p: Option<String>,
    /// The approximating distribution Q as a spec.
    pub q: Option<String>,
    /// auto (closed form, else quadrature / exact sum / Monte Carlo), closed, quad, sum or mc.
    #[arg(long, default_value = "auto")]
    pub method: String,
    /// Monte Carlo sample size.
    #[arg(long, default_value_t = 100_000)]
    pub samples: usize,
    /// Monte Carlo seed (ChaCha8; same seed, same result).
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Unit: e (nats), 2 (bits), 10 (hartleys) or any base > 0 and != 1.
    #[arg(long, default_value = "e")]
    pub base: String,
    /// List every family with its parameters and every closed-form pair, and exit.
    #[arg(long)]
    pub list: bool,
    /// Output format (default: table on a terminal, JSON otherwise).
    #[arg(long, short, value_enum)]
    pub format: Option<Format>,
}

fn usage(msg: impl Into<String>) -> CliError {
    CliError::Usage(msg.into())
}

fn list(format: Format, out: &mut dyn Write) -> Result<(), CliError> {
    let fams = list_families();
    let pairs = list_closed_forms();
    match format {
        Format::Json => {
            let f: Vec<Value> = fams
                .iter()
                .map(|f| {
                    json!({
                        "name": f.name,
                        "kind": f.kind,
                        "aliases": f.aliases,
                        "params": f.params.iter().map(|p| json!({
                            "name": p.name,
                            "aliases": p.aliases,
                            "default": p.default,
                            "constraint": p.constraint,
                        })).collect::<Vec<_>>(),
                        "example": f.example,
                    })
                })
                .collect();
            let p: Vec<Value> = pairs
                .iter()
                .map(|x| json!({"p": x.p, "q": x.q, "kind": x.kind.as_str(), "note": x.note}))
                .collect();
            writeln!(out, "{}", json!({"families": f, "closed_forms": p}))?;
        }
        Format::Csv => {
            writeln!(out, "p,q,kind,note")?;
            for x in &pairs {
                writeln!(
                    out,
                    "{},{},{},{}",
                    x.p,
                    x.q,
                    x.kind.as_str(),
                    csv_cell(x.note)
                )?;
            }
        }
        Format::Table => {
            writeln!(
                out,
                "Families (parameters in positional order; name=default):"
            )?;
            let mut rows = vec![vec![
                "family".to_string(),
                "kind".to_string(),
                "parameters".to_string(),
                "example".to_string(),
            ]];
            for f in fams {
                let ps: Vec<String> = f
                    .params
                    .iter()
                    .map(|p| match p.default {
                        Some(d) => format!("{}={d}", p.name),
                        None => p.name.to_string(),
                    })
                    .collect();
                rows.push(vec![
                    f.name.to_string(),
                    f.kind.to_string(),
                    ps.join(", "),
                    f.example.to_string(),
                ]);
            }
            write!(out, "{}", output::table(&rows))?;
            writeln!(out, "\nClosed-form pairs D(P‖Q) ({}):", pairs.len())?;
            let mut rows = vec![vec![
                "P".to_string(),
                "Q".to_string(),
                "kind".to_string(),
                "note".to_string(),
            ]];
            for x in &pairs {
                rows.push(vec![
                    x.p.to_string(),
                    x.q.to_string(),
                    x.kind.as_str().to_string(),
                    x.note.to_string(),
                ]);
            }
            write!(out, "{}", output::table(&rows))?;
            writeln!(
                out,
                "\nEvery other pair: quadrature (univariate continuous), exact sum (discrete) or Monte Carlo."
            )?;
        }
    }
    Ok(())
}

/// Runs `kldiv dist`.
pub fn run(args: &DistArgs, out: &mut dyn Write) -> Result<(), CliError> {
    let format = output::resolve(args.format);
    if args.list {
        return list(format, out);
    }
    let (Some(ps), Some(qs)) = (&args.p, &args.q) else {
        return Err(usage(
            "kldiv dist needs P_SPEC and Q_SPEC (or --list); see kldiv dist --help",
        ));
    };
    let method = MethodChoice::parse(&args.method).map_err(|_| {
        usage(format!(
            "invalid --method '{}': use auto, closed, quad, sum or mc",
            args.method
        ))
    })?;
    let base = Base::parse(&args.base).map_err(|_| {
        usage(format!(
            "invalid --base '{}': use e, 2, 10 or a number > 0 and != 1",
            args.base
        ))
    })?;
    if args.samples < 2 {
        return Err(usage(format!(
            "--samples {} must be at least 2",
            args.samples
        )));
    }
    let p = parse_spec(ps).map_err(|e| CliError::Data(format!("P '{ps}': {e}")))?;
    let q = parse_spec(qs).map_err(|e| CliError::Data(format!("Q '{qs}': {e}")))?;
    let opts = KlOptions::default()
        .method(method)
        .samples(args.samples)
        .seed(args.seed)
        .base(base);
    let r = kl_any(&p, &q, &opts).map_err(|e| CliError::Data(e.to_string()))?;
    let unit = r.unit.unit_name();
    match format {
        Format::Json => {
            let mut obj = Map::new();
            obj.insert("measure".into(), json!("kl"));
            obj.insert("unit".into(), json!(unit));
            obj.insert("value".into(), num(r.value));
            obj.insert("method".into(), json!(r.method.as_str()));
            obj.insert("error".into(), r.error.map_or(Value::Null, num));
            obj.insert("p".into(), json!(p.spec()));
            obj.insert("q".into(), json!(q.spec()));
            if let Some(n) = r.samples {
                obj.insert("samples".into(), json!(n));
            }
            if let Some(s) = r.seed {
                obj.insert("seed".into(), json!(s));
            }
            writeln!(out, "{}", Value::Object(obj))?;
        }
        Format::Csv => {
            writeln!(out, "measure,value,unit,method,error")?;
            writeln!(
                out,
                "kl,{},{},{},{}",
                text(r.value),
                csv_cell(&unit),
                r.method.as_str(),
                r.error.map_or(String::new(), text)
            )?;
        }
        Format::Table => {
            let mut rows = vec![
                vec!["P".to_string(), p.spec()],
                vec!["Q".to_string(), q.spec()],
                vec!["D(P‖Q)".to_string(), format!("{} {unit}", human(r.value))],
                vec!["method".to_string(), r.method.as_str().to_string()],
            ];
            if let Some(e) = r.error {
                let what = if r.method == kldiv::kl::Method::MonteCarlo {
                    "standard error"
                } else {
                    "error estimate"
                };
                rows.push(vec![what.to_string(), format!("{} {unit}", human(e))]);
            }
            if let (Some(n), Some(s)) = (r.samples, r.seed) {
                rows.push(vec!["samples".to_string(), format!("{n} (seed {s})")]);
            }
            write!(out, "{}", output::table(&rows))?;
        }
    }
    Ok(())
}
