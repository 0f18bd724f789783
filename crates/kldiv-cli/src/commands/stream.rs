//! `kldiv discrete` on `.npy` files too large to hold in memory: the files are read in chunks
//! (a few MB at a time, once per pass of [`kldiv::discrete::Stream`]), with a progress bar on
//! a terminal. Peak memory is independent of the file size.

use crate::error::CliError;
use crate::input::{InputError, NpyHeader, read_npy_header};
use crate::output::{self, Format, human, num, text};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use kldiv::Error;
use kldiv::discrete::{Measure, Options, Stream};
use kldiv::error::Arg;
use serde_json::{Map, Value, json};
use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom, Write};

/// Inputs at least this large (bytes, either file) are streamed rather than loaded.
pub const STREAM_BYTES: u64 = 64 << 20;

/// Entries per chunk: a multiple of the kernels' block, so streamed results equal in-memory ones.
const CHUNK: usize = 16 * kldiv::kernels::BLOCK;

/// An open `.npy` input.
struct NpyInput {
    path: String,
    header: NpyHeader,
    len: usize,
}

impl NpyInput {
    fn open(path: &str) -> Result<NpyInput, InputError> {
        let mut f =
            File::open(path).map_err(|e| InputError::new(path, format!("cannot read: {e}")))?;
        let mut head = vec![0u8; 65536];
        let mut got = 0;
        while got < head.len() {
            let n = f
                .read(&mut head[got..])
                .map_err(|e| InputError::new(path, format!("cannot read: {e}")))?;
            if n == 0 {
                break;
            }
            got += n;
        }
        head.truncate(got);
        let header = read_npy_header(path, &head)?;
        let len = match header.shape.as_slice() {
            [n] => *n,
            [1, n] | [n, 1] => *n,
            s => {
                return Err(InputError::new(
                    path,
                    format!("has shape {s:?}; streaming reads one distribution (a 1-D array)"),
                ));
            }
        };
        let size = f
            .metadata()
            .map_err(|e| InputError::new(path, format!("cannot read: {e}")))?
            .len();
        let need = header.data_offset as u64 + (len * header.dtype.width()) as u64;
        if size < need {
            return Err(InputError::new(
                path,
                format!(
                    "truncated: the header promises {len} elements, the file holds {size} bytes"
                ),
            ));
        }
        Ok(NpyInput {
            path: path.to_string(),
            header,
            len,
        })
    }

    fn reader(&self) -> Result<BufReader<File>, InputError> {
        let mut f = File::open(&self.path)
            .map_err(|e| InputError::new(&self.path, format!("cannot read: {e}")))?;
        f.seek(SeekFrom::Start(self.header.data_offset as u64))
            .map_err(|e| InputError::new(&self.path, format!("cannot read: {e}")))?;
        Ok(BufReader::with_capacity(1 << 20, f))
    }

    fn is_integer(&self) -> bool {
        !matches!(self.header.dtype, crate::input::NpyType::Float(_))
    }
}

/// Reads up to `out.len()` entries, decoding them to `f64`.
fn read_chunk(
    inp: &NpyInput,
    r: &mut BufReader<File>,
    raw: &mut Vec<u8>,
    out: &mut [f64],
) -> Result<(), InputError> {
    let w = inp.header.dtype.width();
    raw.resize(out.len() * w, 0);
    r.read_exact(raw)
        .map_err(|e| InputError::new(&inp.path, format!("cannot read: {e}")))?;
    for (i, o) in out.iter_mut().enumerate() {
        *o = crate::input::npy_decode(&inp.header, raw, i);
    }
    Ok(())
}

/// `true` if the inputs should be streamed: both are `.npy` files and one of them has at
/// least [`STREAM_BYTES`] bytes (the environment variable `KLDIV_STREAM_BYTES` overrides the
/// threshold, e.g. to test the streaming path on small files).
pub fn should_stream(p: &str, q: Option<&str>) -> bool {
    let threshold = std::env::var("KLDIV_STREAM_BYTES")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(STREAM_BYTES);
    let big = |path: &str| {
        path.to_ascii_lowercase().ends_with(".npy")
            && std::fs::metadata(path).is_ok_and(|m| m.len() >= threshold)
    };
    let npy = |path: &str| path.to_ascii_lowercase().ends_with(".npy");
    npy(p) && q.is_none_or(npy) && (big(p) || q.is_some_and(big))
}

fn place(e: Error, p: &NpyInput, q: Option<&NpyInput>) -> CliError {
    let file = |a: Arg| match a {
        Arg::P => p.path.clone(),
        Arg::Q => q.map_or_else(|| p.path.clone(), |x| x.path.clone()),
    };
    CliError::Data(match &e {
        Error::NotFinite { arg, index, .. } | Error::Negative { arg, index, .. } => {
            format!("{}: index {index}: {e}", file(*arg))
        }
        Error::NotNormalized { arg, .. } | Error::ZeroMass { arg } | Error::Empty { arg } => {
            format!("{}: {e}", file(*arg))
        }
        Error::SupportMismatch { index, .. } => format!("{}: index {index}: {e}", file(Arg::Q)),
        _ => e.to_string(),
    })
}

/// Evaluates `measures` on two large `.npy` files in bounded memory.
pub fn run(
    p_path: &str,
    q_path: Option<&str>,
    measures: &[Measure],
    opts: &Options,
    format: Format,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let p = NpyInput::open(p_path)?;
    let q = match q_path {
        Some(path) => Some(NpyInput::open(path)?),
        None => None,
    };
    if let Some(q) = &q {
        if q.len != p.len {
            return Err(CliError::Data(format!(
                "{} has {} outcomes but {} has {}",
                p.path, p.len, q.path, q.len
            )));
        }
    }
    let counts = p.is_integer() || q.as_ref().is_some_and(|q| q.is_integer());
    let opts = if counts {
        opts.normalize(kldiv::discrete::Normalize::Renormalize)
    } else {
        *opts
    };
    let bytes_per_pass = (p.len * p.header.dtype.width()
        + q.as_ref().map_or(0, |q| q.len * q.header.dtype.width())) as u64;
    let bar = ProgressBar::with_draw_target(Some(bytes_per_pass), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template(
            "{msg:>12} [{bar:40}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
        )
        .map_err(|e| CliError::Data(e.to_string()))?
        .progress_chars("=> "),
    );
    let mut values = Vec::new();
    let mut pb = vec![0.0; CHUNK];
    let mut qb = vec![0.0; CHUNK];
    let mut raw = Vec::new();
    let mut passes = 0usize;
    for &m in measures {
        let mut s = Stream::<f64>::new(m, &opts).map_err(|e| CliError::Usage(e.to_string()))?;
        loop {
            passes += 1;
            bar.set_message(format!("{m} pass {passes}"));
            bar.set_position(0);
            let mut pr = p.reader()?;
            let mut qr = match &q {
                Some(q) => Some(q.reader()?),
                None => None,
            };
            let mut done = 0;
            while done < p.len {
                let n = CHUNK.min(p.len - done);
                read_chunk(&p, &mut pr, &mut raw, &mut pb[..n])?;
                if let (Some(q), Some(r)) = (&q, qr.as_mut()) {
                    read_chunk(q, r, &mut raw, &mut qb[..n])?;
                }
                let qs = if q.is_some() { Some(&qb[..n]) } else { None };
                s.push(&pb[..n], qs).map_err(|e| place(e, &p, q.as_ref()))?;
                done += n;
                let width =
                    p.header.dtype.width() + q.as_ref().map_or(0, |q| q.header.dtype.width());
                bar.inc((n * width) as u64);
            }
            if !s.end_pass().map_err(|e| place(e, &p, q.as_ref()))? {
                break;
            }
        }
        let v = s.finish().map_err(|e| place(e, &p, q.as_ref()))?;
        values.push((m, v.value));
    }
    bar.finish_and_clear();
    let unit = opts.base.unit_name();
    match format {
        Format::Json => {
            let mut obj = Map::new();
            let single = values.len() == 1;
            obj.insert(
                "measure".into(),
                json!(if single { values[0].0.name() } else { "all" }),
            );
            obj.insert("unit".into(), json!(unit));
            if single {
                obj.insert("value".into(), num(values[0].1));
            } else {
                obj.insert("value".into(), Value::Null);
                let ms: Map<String, Value> = values
                    .iter()
                    .map(|(m, v)| (m.name().to_string(), num(*v)))
                    .collect();
                obj.insert("measures".into(), Value::Object(ms));
            }
            obj.insert("method".into(), json!("exact"));
            obj.insert("error".into(), Value::Null);
            obj.insert("p".into(), json!(p.path));
            if let Some(q) = &q {
                obj.insert("q".into(), json!(q.path));
            }
            obj.insert("outcomes".into(), json!(p.len));
            obj.insert("streamed".into(), json!(true));
            obj.insert("passes".into(), json!(passes));
            writeln!(out, "{}", Value::Object(obj))?;
        }
        Format::Csv => {
            writeln!(out, "measure,value,unit")?;
            for (m, v) in &values {
                writeln!(out, "{m},{},{unit}", text(*v))?;
            }
        }
        Format::Table => {
            let rows: Vec<Vec<String>> = values
                .iter()
                .map(|(m, v)| vec![m.to_string(), human(*v), unit.clone()])
                .collect();
            write!(out, "{}", output::table(&rows))?;
            writeln!(out, "streamed {} outcomes in {passes} pass(es)", p.len)?;
        }
    }
    Ok(())
}
