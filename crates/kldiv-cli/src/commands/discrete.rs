//! `kldiv discrete P [Q]`: exact divergences between discrete distributions read from files.

use crate::error::CliError;
use crate::input::{Table, read_table};
use crate::output::{self, Format, csv_cell, human, num, text};
use clap::{Args, ValueEnum};
use kldiv::Base;
use kldiv::discrete::{
    self, Measure, Normalize, Options, Rows, SmoothSide, Smoothing, Support, explain,
};
use kldiv::error::{Arg, Error};
use serde_json::{Map, Value, json};
use std::io::Write;

/// Arguments of `kldiv discrete`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    kldiv discrete p.csv q.csv\n  \
    kldiv discrete p.csv q.csv --base 2 --measure all --format json\n  \
    kldiv discrete counts_p.csv counts_q.csv --smooth add:1 --explain 5\n  \
    kldiv discrete P.npy Q.npy --rows --measure js")]
pub struct DiscreteArgs {
    /// The reference distribution p (CSV/TSV/JSON/.npy, or - for stdin): one row or one column,
    /// or a matrix with --rows. Integer data are counts.
    pub p: String,
    /// The approximating distribution q (same formats). Needed by every measure but entropy.
    pub q: Option<String>,
    /// Measures to compute, comma separated: kl, reverse-kl, entropy, cross-entropy, js,
    /// js-distance, jeffreys, generalized-kl, or all. Default: kl (entropy without Q).
    #[arg(long, short, value_delimiter = ',')]
    pub measure: Vec<String>,
    /// Unit: e (nats), 2 (bits), 10 (hartleys) or any base > 0 and != 1.
    #[arg(long, short, default_value = "e")]
    pub base: String,
    /// Each row of P (and Q) is a distribution: row i of P against row i of Q, or against the
    /// single row of Q (broadcast).
    #[arg(long)]
    pub rows: bool,
    /// With --rows: every row of P against every row of Q (an n_p × n_q matrix).
    #[arg(long, requires = "rows")]
    pub pairwise: bool,
    /// What to do when an input does not sum to 1: check (error beyond --tol), renormalize,
    /// assume.
    #[arg(long, value_enum, default_value_t = NormalizeArg::Check)]
    pub normalize: NormalizeArg,
    /// Tolerance of --normalize check on |sum - 1|.
    #[arg(long, default_value_t = Normalize::DEFAULT_TOL)]
    pub tol: f64,
    /// p > 0 where q = 0: inf (the value is +inf) or error.
    #[arg(long, value_enum, default_value_t = SupportArg::Inf)]
    pub support: SupportArg,
    /// Smoothing: add:A (add A to every entry), floor:E (raise to E, renormalize),
    /// mix:A (mix with the uniform distribution with weight A), none.
    #[arg(long, default_value = "none")]
    pub smooth: String,
    /// Which inputs the smoothing applies to.
    #[arg(long, value_enum, default_value_t = SideArg::Both)]
    pub smooth_side: SideArg,
    /// Weight of p in the Jensen–Shannon mixture m = w·p + (1−w)·q.
    #[arg(long, default_value_t = 0.5)]
    pub js_weight: f64,
    /// Explain KL(p‖q): list the N outcomes contributing most, and where supp(p) ⊄ supp(q).
    #[arg(long, value_name = "N")]
    pub explain: Option<usize>,
    /// Output format (default: table on a terminal, JSON otherwise).
    #[arg(long, short, value_enum)]
    pub format: Option<Format>,
}

/// `--normalize`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum NormalizeArg {
    /// Error if |sum − 1| > --tol.
    Check,
    /// Divide by the sum.
    Renormalize,
    /// Use the values as given.
    Assume,
}

/// `--support`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SupportArg {
    /// +∞.
    Inf,
    /// An error naming the first offending outcome.
    Error,
}

/// `--smooth-side`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SideArg {
    /// p and q.
    Both,
    /// p only.
    P,
    /// q only.
    Q,
}

struct Inputs {
    p: Table,
    q: Option<Table>,
}

fn usage(msg: impl Into<String>) -> CliError {
    CliError::Usage(msg.into())
}

fn parse_measures(args: &DiscreteArgs) -> Result<Vec<Measure>, CliError> {
    if args.measure.is_empty() {
        return Ok(vec![if args.q.is_some() {
            Measure::Kl
        } else {
            Measure::Entropy
        }]);
    }
    let mut out = Vec::new();
    for m in &args.measure {
        if m.trim().eq_ignore_ascii_case("all") {
            let all: Vec<Measure> = if args.q.is_some() {
                Measure::ALL.to_vec()
            } else {
                vec![Measure::Entropy]
            };
            out.extend(all);
        } else {
            out.push(m.parse::<Measure>().map_err(usage)?);
        }
    }
    out.dedup();
    if args.q.is_none() {
        if let Some(m) = out.iter().find(|m| m.needs_q()) {
            return Err(usage(format!(
                "the measure '{m}' needs a second distribution Q: kldiv discrete P Q --measure {m}"
            )));
        }
    }
    Ok(out)
}

fn options(args: &DiscreteArgs, counts: bool) -> Result<Options, CliError> {
    let base = Base::parse(&args.base).map_err(|_| {
        usage(format!(
            "invalid --base '{}': use e, 2, 10 or a number > 0 and != 1",
            args.base
        ))
    })?;
    let smoothing = Smoothing::parse(&args.smooth)
        .map_err(|e| usage(format!("invalid --smooth '{}': {e}", args.smooth)))?;
    let normalize = match args.normalize {
        // Counts are divided by their total: that is what counts mean.
        _ if counts => Normalize::Renormalize,
        NormalizeArg::Check => Normalize::Check { tol: args.tol },
        NormalizeArg::Renormalize => Normalize::Renormalize,
        NormalizeArg::Assume => Normalize::Assume,
    };
    let opts = Options::default()
        .base(base)
        .normalize(normalize)
        .support(match args.support {
            SupportArg::Inf => Support::Infinite,
            SupportArg::Error => Support::Error,
        })
        .smoothing(smoothing)
        .smooth_side(match args.smooth_side {
            SideArg::Both => SmoothSide::Both,
            SideArg::P => SmoothSide::P,
            SideArg::Q => SmoothSide::Q,
        });
    opts.validate().map_err(|e| usage(e.to_string()))?;
    Ok(opts)
}

/// Turns a library error into a one-line message naming the file, the place and the value.
fn locate(e: &Error, inp: &Inputs, row: Option<usize>) -> String {
    let table = |arg: Arg| match arg {
        Arg::P => &inp.p,
        Arg::Q => inp.q.as_ref().unwrap_or(&inp.p),
    };
    let place = |t: &Table, index: usize| -> String {
        match row {
            // Broadcast q is a single vector even in --rows mode.
            Some(r) if t.rows > 1 => t.cell_place(r, index),
            _ => t.vector_place(index),
        }
    };
    let row_prefix = |t: &Table| -> String {
        match row {
            Some(r) if t.rows > 1 => format!("{}: ", t.row_place(r)),
            _ => String::new(),
        }
    };
    match e {
        Error::InRow { row: r, source } => locate(source, inp, Some(*r)),
        Error::NotFinite { arg, index, .. } | Error::Negative { arg, index, .. } => {
            let t = table(*arg);
            format!("{}: {}: {e}", t.source, place(t, *index))
        }
        Error::NotNormalized { arg, .. } | Error::ZeroMass { arg } | Error::Empty { arg } => {
            let t = table(*arg);
            format!("{}: {}{e}", t.source, row_prefix(t))
        }
        Error::SupportMismatch { index, .. } => {
            let t = table(Arg::Q);
            format!("{}: {}: {e}", t.source, place(t, *index))
        }
        Error::LengthMismatch { p_len, q_len } => format!(
            "{} has {p_len} outcomes but {} has {q_len}",
            inp.p.source,
            inp.q.as_ref().map(|t| t.source.as_str()).unwrap_or("q")
        ),
        Error::RowCountMismatch { p_rows, q_rows } => format!(
            "{} has {p_rows} rows but {} has {q_rows}; use a single-row Q to compare every row \
             with it, or --pairwise for all pairs",
            inp.p.source,
            inp.q.as_ref().map(|t| t.source.as_str()).unwrap_or("q")
        ),
        other => other.to_string(),
    }
}

fn data_err(e: Error, inp: &Inputs) -> CliError {
    CliError::Data(locate(&e, inp, None))
}

fn eval(m: Measure, p: &[f64], q: Option<&[f64]>, opts: &Options, w: f64) -> Result<f64, Error> {
    if m == Measure::Js && w != 0.5 {
        let q = q.ok_or(Error::MissingQ { measure: "js" })?;
        return Ok(discrete::js_weighted(p, q, [w, 1.0 - w], opts)?.value);
    }
    Ok(m.eval(p, q, opts)?.value)
}

/// With counts on one side and floats on the other, the float side must still pass the check
/// (counts switch the run to renormalisation, which must not hide a float input that does not
/// sum to one).
fn check_float_side(t: &Table, arg: Arg, args: &DiscreteArgs) -> Result<(), Error> {
    if t.integer || args.normalize != NormalizeArg::Check {
        return Ok(());
    }
    let opts = Options::default().normalize(Normalize::Check { tol: args.tol });
    let relabel = |e: Error| match e {
        Error::NotNormalized {
            sum,
            deviation,
            tol,
            ..
        } => Error::NotNormalized {
            arg,
            sum,
            deviation,
            tol,
        },
        Error::NotFinite { index, value, .. } => Error::NotFinite { arg, index, value },
        Error::Negative { index, value, .. } => Error::Negative { arg, index, value },
        other => other,
    };
    if args.rows && t.rows > 1 {
        for r in 0..t.rows {
            discrete::entropy(t.row(r), &opts)
                .map_err(relabel)
                .map_err(|e| e.in_row(r))?;
        }
        Ok(())
    } else {
        discrete::entropy(&t.values, &opts)
            .map(|_| ())
            .map_err(relabel)
    }
}

/// Runs `kldiv discrete`.
pub fn run(args: &DiscreteArgs, out: &mut dyn Write) -> Result<(), CliError> {
    let measures = parse_measures(args)?;
    if !(args.js_weight >= 0.0 && args.js_weight <= 1.0) {
        return Err(usage(format!(
            "--js-weight {} must be in [0, 1]",
            args.js_weight
        )));
    }
    if args.p == "-" && args.q.as_deref() == Some("-") {
        return Err(usage("only one of P and Q can be read from standard input"));
    }
    if !args.rows && super::stream::should_stream(&args.p, args.q.as_deref()) {
        if args.explain.is_some() {
            return Err(usage(format!(
                "--explain is not available for inputs streamed from disk (files of {} MiB or more)",
                super::stream::STREAM_BYTES >> 20
            )));
        }
        if args.js_weight != 0.5 {
            return Err(usage("--js-weight is not available for streamed inputs"));
        }
        let opts = options(args, false)?;
        return super::stream::run(
            &args.p,
            args.q.as_deref(),
            &measures,
            &opts,
            output::resolve(args.format),
            out,
        );
    }
    let p = read_table(&args.p)?;
    let q = match &args.q {
        Some(path) => Some(read_table(path)?),
        None => None,
    };
    let inp = Inputs { p, q };
    let counts = inp.p.integer || inp.q.as_ref().is_some_and(|t| t.integer);
    if counts {
        check_float_side(&inp.p, Arg::P, args).map_err(|e| data_err(e, &inp))?;
        if let Some(q) = &inp.q {
            check_float_side(q, Arg::Q, args).map_err(|e| data_err(e, &inp))?;
        }
    }
    let opts = options(args, counts)?;
    let format = output::resolve(args.format);
    let mut obj = Map::new();
    obj.insert(
        "measure".into(),
        json!(if measures.len() == 1 {
            measures[0].name()
        } else {
            "all"
        }),
    );
    obj.insert("unit".into(), json!(opts.base.unit_name()));
    let mut results: Vec<(Measure, Value, Vec<f64>)> = Vec::new();
    let mut shape = None;
    if args.rows {
        let pr = Rows::new(&inp.p.values, inp.p.cols, Arg::P).map_err(|e| data_err(e, &inp))?;
        for &m in &measures {
            let vals = match &inp.q {
                None => discrete::broadcast(m, &pr, inp.p.row(0), &opts),
                Some(qt) if args.pairwise => {
                    let qr =
                        Rows::new(&qt.values, qt.cols, Arg::Q).map_err(|e| data_err(e, &inp))?;
                    shape = Some((pr.n_rows(), qr.n_rows()));
                    discrete::pairwise(m, &pr, &qr, &opts)
                }
                Some(qt) if qt.rows == 1 => discrete::broadcast(m, &pr, &qt.values, &opts),
                Some(qt) => {
                    let qr =
                        Rows::new(&qt.values, qt.cols, Arg::Q).map_err(|e| data_err(e, &inp))?;
                    discrete::rowwise(m, &pr, &qr, &opts)
                }
            }
            .map_err(|e| data_err(e, &inp))?;
            let v = match shape {
                Some((_, nq)) => Value::Array(
                    vals.chunks(nq.max(1))
                        .map(|c| Value::Array(c.iter().map(|&x| num(x)).collect()))
                        .collect(),
                ),
                None => Value::Array(vals.iter().map(|&x| num(x)).collect()),
            };
            results.push((m, v, vals));
        }
    } else {
        let (pv, _) = inp.p.as_vector()?;
        let qv = match &inp.q {
            Some(t) => Some(t.as_vector()?.0),
            None => None,
        };
        for &m in &measures {
            let v = eval(m, pv, qv, &opts, args.js_weight).map_err(|e| data_err(e, &inp))?;
            results.push((m, num(v), vec![v]));
        }
    }
    let explanation = match (args.explain, &inp.q) {
        (Some(n), Some(qt)) if !args.rows => {
            let (pv, _) = inp.p.as_vector()?;
            let (qv, _) = qt.as_vector()?;
            Some(explain(pv, qv, &opts, n).map_err(|e| data_err(e, &inp))?)
        }
        (Some(_), None) => return Err(usage("--explain needs Q")),
        (Some(_), Some(_)) => return Err(usage("--explain works on a single pair, not --rows")),
        _ => None,
    };

    let single = measures.len() == 1;
    if single {
        let (_, v, _) = &results[0];
        if args.rows {
            obj.insert("value".into(), Value::Null);
            obj.insert("values".into(), v.clone());
        } else {
            obj.insert("value".into(), v.clone());
        }
    } else {
        obj.insert("value".into(), Value::Null);
        let mut ms = Map::new();
        for (m, v, _) in &results {
            ms.insert(m.name().into(), v.clone());
        }
        obj.insert("measures".into(), Value::Object(ms));
    }
    obj.insert("method".into(), json!("exact"));
    obj.insert("error".into(), Value::Null);
    obj.insert("p".into(), json!(inp.p.source));
    if let Some(q) = &inp.q {
        obj.insert("q".into(), json!(q.source));
    }
    obj.insert(
        "outcomes".into(),
        json!(
            inp.p
                .as_vector()
                .map(|(v, _)| v.len())
                .unwrap_or(inp.p.cols)
        ),
    );
    obj.insert(
        "normalize".into(),
        json!(match opts.normalize {
            Normalize::Renormalize if counts => "counts".to_string(),
            Normalize::Renormalize => "renormalize".to_string(),
            Normalize::Check { tol } => format!("check (tol {tol:e})"),
            Normalize::Assume => "assume".to_string(),
        }),
    );
    obj.insert(
        "support".into(),
        json!(match opts.support {
            Support::Infinite => "inf",
            Support::Error => "error",
        }),
    );
    obj.insert(
        "smoothing".into(),
        json!(if opts.smoothing == Smoothing::None {
            "none".to_string()
        } else {
            format!("{} on {}", opts.smoothing, opts.smooth_side)
        }),
    );
    if let Some(e) = &explanation {
        obj.insert(
            "explain".into(),
            json!({
                "terms": e.terms.iter().map(|t| json!({
                    "index": t.index, "p": num(t.p), "q": num(t.q),
                    "contribution": num(t.contribution),
                })).collect::<Vec<_>>(),
                "unsupported": e.unsupported,
                "unsupported_count": e.unsupported_count,
                "mass_outside": num(e.mass_outside),
            }),
        );
    }

    match format {
        Format::Json => {
            writeln!(out, "{}", Value::Object(obj))?;
        }
        Format::Csv => {
            let unit = opts.base.unit_name();
            if args.rows {
                if let Some((_, nq)) = shape {
                    writeln!(out, "row,col,measure,value,unit")?;
                    for (m, _, vals) in &results {
                        for (k, v) in vals.iter().enumerate() {
                            writeln!(
                                out,
                                "{},{},{m},{},{}",
                                k / nq,
                                k % nq,
                                text(*v),
                                csv_cell(&unit)
                            )?;
                        }
                    }
                } else {
                    writeln!(out, "row,measure,value,unit")?;
                    for (m, _, vals) in &results {
                        for (k, v) in vals.iter().enumerate() {
                            writeln!(out, "{k},{m},{},{}", text(*v), csv_cell(&unit))?;
                        }
                    }
                }
            } else {
                writeln!(out, "measure,value,unit")?;
                for (m, _, vals) in &results {
                    writeln!(out, "{m},{},{}", text(vals[0]), csv_cell(&unit))?;
                }
            }
            if let Some(e) = &explanation {
                writeln!(out)?;
                writeln!(out, "index,p,q,contribution,unit")?;
                for t in &e.terms {
                    writeln!(
                        out,
                        "{},{},{},{},{}",
                        t.index,
                        text(t.p),
                        text(t.q),
                        text(t.contribution),
                        csv_cell(&unit)
                    )?;
                }
            }
        }
        Format::Table => {
            let unit = opts.base.unit_name();
            let mut rows: Vec<Vec<String>> = Vec::new();
            if args.rows {
                if let Some((_, nq)) = shape {
                    rows.push(vec![
                        "p row".into(),
                        "q row".into(),
                        "measure".into(),
                        "value".into(),
                    ]);
                    for (m, _, vals) in &results {
                        for (k, v) in vals.iter().enumerate() {
                            rows.push(vec![
                                (k / nq).to_string(),
                                (k % nq).to_string(),
                                m.to_string(),
                                format!("{} {unit}", human(*v)),
                            ]);
                        }
                    }
                } else {
                    rows.push(vec!["row".into(), "measure".into(), "value".into()]);
                    for (m, _, vals) in &results {
                        for (k, v) in vals.iter().enumerate() {
                            rows.push(vec![
                                k.to_string(),
                                m.to_string(),
                                format!("{} {unit}", human(*v)),
                            ]);
                        }
                    }
                }
            } else {
                for (m, _, vals) in &results {
                    rows.push(vec![m.to_string(), human(vals[0]), unit.clone()]);
                }
            }
            write!(out, "{}", output::table(&rows))?;
            if opts.smoothing != Smoothing::None {
                writeln!(out, "smoothing: {} on {}", opts.smoothing, opts.smooth_side)?;
            }
            if counts {
                writeln!(out, "input: counts (divided by their totals)")?;
            }
            if let Some(e) = &explanation {
                write_explanation(out, e)?;
            }
        }
    }
    Ok(())
}

/// Prints an explanation as a ranked table.
pub fn write_explanation(out: &mut dyn Write, e: &discrete::Explanation) -> Result<(), CliError> {
    let unit = e.unit.unit_name();
    writeln!(out)?;
    writeln!(
        out,
        "KL(p‖q) = {} {unit}; largest terms p·log(p/q):",
        human(e.total.value)
    )?;
    let mut rows = vec![vec![
        "index".to_string(),
        "p".to_string(),
        "q".to_string(),
        format!("contribution ({unit})"),
    ]];
    for t in &e.terms {
        rows.push(vec![
            t.index.to_string(),
            human(t.p),
            human(t.q),
            human(t.contribution),
        ]);
    }
    write!(out, "{}", output::table(&rows))?;
    if e.unsupported_count > 0 {
        let shown: Vec<String> = e.unsupported.iter().map(|i| i.to_string()).collect();
        writeln!(
            out,
            "support: p > 0 where q = 0 at {} outcome(s) (indices {}{}), p-mass outside supp(q) = {}",
            e.unsupported_count,
            shown.join(", "),
            if e.unsupported_count > shown.len() {
                ", ..."
            } else {
                ""
            },
            human(e.mass_outside)
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(p: &str, q: Option<&str>) -> DiscreteArgs {
        DiscreteArgs {
            p: p.into(),
            q: q.map(Into::into),
            measure: vec![],
            base: "e".into(),
            rows: false,
            pairwise: false,
            normalize: NormalizeArg::Check,
            tol: 1e-6,
            support: SupportArg::Inf,
            smooth: "none".into(),
            smooth_side: SideArg::Both,
            js_weight: 0.5,
            explain: None,
            format: Some(Format::Json),
        }
    }

    #[test]
    fn measures_default_and_all() {
        assert_eq!(
            parse_measures(&args("p", Some("q"))).unwrap(),
            vec![Measure::Kl]
        );
        assert_eq!(
            parse_measures(&args("p", None)).unwrap(),
            vec![Measure::Entropy]
        );
        let mut a = args("p", Some("q"));
        a.measure = vec!["all".into()];
        assert_eq!(parse_measures(&a).unwrap().len(), 8);
        let mut a = args("p", None);
        a.measure = vec!["kl".into()];
        assert!(matches!(parse_measures(&a), Err(CliError::Usage(_))));
    }
}
