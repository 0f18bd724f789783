//! Row batches: many distributions at once, rows in parallel.
//!
//! A batch is a row-major matrix ([`Rows`]) whose rows are distributions over the same
//! outcomes. Three shapes of work:
//!
//! * [`rowwise`]: row `i` of `P` against row `i` of `Q` → `n` values;
//! * [`broadcast`]: every row of `P` against one `q` → `n` values;
//! * [`pairwise`]: every row of `P` against every row of `Q` → an `n_p × n_q` row-major matrix.
//!
//! Every row is validated (and normalised / smoothed) once, with the same [`Options`] as the
//! single-vector functions; an error names its row ([`Error::InRow`]). Values are in the unit
//! of `opts.base`. Rows are processed in parallel with rayon; each value is computed by the
//! same sequential kernel as the single-vector function, so results are bit-for-bit identical
//! to it and independent of the number of threads.

use super::measure::{Measure, eval_prepared, kind_of};
use super::options::Options;
use super::prepare::prepare;
use crate::error::{Arg, Error, Result};
use crate::kernels::Affine;
use crate::real::Element;
use rayon::prelude::*;

/// A borrowed row-major matrix: `rows × cols` entries in one slice.
#[derive(Debug, Clone, Copy)]
pub struct Rows<'a, T> {
    data: &'a [T],
    cols: usize,
}

impl<'a, T: Element> Rows<'a, T> {
    /// Views `data` as rows of `cols` entries. `data.len()` must be a positive multiple of
    /// `cols`; `arg` only labels the error.
    ///
    /// ```
    /// use kldiv::discrete::Rows;
    /// use kldiv::error::Arg;
    /// let m = Rows::new(&[0.5, 0.5, 0.1, 0.9], 2, Arg::P).unwrap();
    /// assert_eq!(m.n_rows(), 2);
    /// assert_eq!(m.row(1), &[0.1, 0.9]);
    /// ```
    pub fn new(data: &'a [T], cols: usize, arg: Arg) -> Result<Self> {
        if data.is_empty() {
            return Err(Error::Empty { arg });
        }
        if cols == 0 || data.len() % cols != 0 {
            return Err(Error::Shape {
                arg,
                len: data.len(),
                cols,
            });
        }
        Ok(Rows { data, cols })
    }

    /// Number of rows.
    pub fn n_rows(&self) -> usize {
        self.data.len() / self.cols
    }

    /// Number of columns (outcomes).
    pub fn n_cols(&self) -> usize {
        self.cols
    }

    /// Row `i`.
    ///
    /// # Panics
    /// If `i >= n_rows()` (a programming error, not an input error).
    pub fn row(&self, i: usize) -> &'a [T] {
        &self.data[i * self.cols..(i + 1) * self.cols]
    }

    fn iter(&self) -> impl IndexedParallelIterator<Item = &'a [T]> + 'a {
        self.data.par_chunks_exact(self.cols)
    }
}

fn prepare_rows<T: Element>(
    rows: &Rows<'_, T>,
    arg: Arg,
    measure: Measure,
    opts: &Options,
) -> Result<Vec<Affine>> {
    rows.iter()
        .enumerate()
        .map(|(i, r)| prepare(r, arg, opts, kind_of(measure)).map_err(|e| e.in_row(i)))
        .collect()
}

fn check_cols(p: usize, q: usize) -> Result<()> {
    if p == q {
        Ok(())
    } else {
        Err(Error::LengthMismatch { p_len: p, q_len: q })
    }
}

/// Row `i` of `p` against row `i` of `q`, for every `i`.
///
/// ```
/// use kldiv::discrete::{rowwise, Measure, Options, Rows};
/// use kldiv::error::Arg;
/// let p = Rows::new(&[0.5, 0.5, 1.0, 0.0], 2, Arg::P).unwrap();
/// let q = Rows::new(&[0.9, 0.1, 0.5, 0.5], 2, Arg::Q).unwrap();
/// let v = rowwise(Measure::Kl, &p, &q, &Options::default()).unwrap();
/// assert!((v[0] - 0.510_825_623_765_990_7).abs() < 1e-15);
/// assert!((v[1] - 2f64.ln()).abs() < 1e-15);
/// ```
pub fn rowwise<T: Element>(
    measure: Measure,
    p: &Rows<'_, T>,
    q: &Rows<'_, T>,
    opts: &Options,
) -> Result<Vec<f64>> {
    opts.validate()?;
    check_cols(p.n_cols(), q.n_cols())?;
    if p.n_rows() != q.n_rows() {
        return Err(Error::RowCountMismatch {
            p_rows: p.n_rows(),
            q_rows: q.n_rows(),
        });
    }
    p.iter()
        .zip(q.iter())
        .enumerate()
        .map(|(i, (pr, qr))| {
            let run = || {
                let tp = prepare(pr, Arg::P, opts, kind_of(measure))?;
                let tq = prepare(qr, Arg::Q, opts, kind_of(measure))?;
                eval_prepared(measure, pr, tp, qr, tq, opts)
            };
            run().map_err(|e| e.in_row(i))
        })
        .collect()
}

/// Every row of `p` against the single distribution `q`.
///
/// ```
/// use kldiv::discrete::{broadcast, Measure, Options, Rows};
/// use kldiv::error::Arg;
/// let p = Rows::new(&[0.5, 0.5, 0.9, 0.1], 2, Arg::P).unwrap();
/// let v = broadcast(Measure::Kl, &p, &[0.5, 0.5], &Options::default()).unwrap();
/// assert_eq!(v[0], 0.0);
/// ```
pub fn broadcast<T: Element>(
    measure: Measure,
    p: &Rows<'_, T>,
    q: &[T],
    opts: &Options,
) -> Result<Vec<f64>> {
    opts.validate()?;
    check_cols(p.n_cols(), q.len())?;
    let tq = prepare(q, Arg::Q, opts, kind_of(measure))?;
    p.iter()
        .enumerate()
        .map(|(i, pr)| {
            let run = || {
                let tp = prepare(pr, Arg::P, opts, kind_of(measure))?;
                eval_prepared(measure, pr, tp, q, tq, opts)
            };
            run().map_err(|e| e.in_row(i))
        })
        .collect()
}

/// Every row of `p` against every row of `q`: an `n_p × n_q` row-major matrix, entry
/// `(i, j)` = measure(p_i, q_j). Each row is validated once.
///
/// ```
/// use kldiv::discrete::{pairwise, Measure, Options, Rows};
/// use kldiv::error::Arg;
/// let p = Rows::new(&[0.5, 0.5, 0.9, 0.1], 2, Arg::P).unwrap();
/// let m = pairwise(Measure::Js, &p, &p, &Options::default()).unwrap();
/// assert_eq!(m.len(), 4);
/// assert_eq!(m[0], 0.0);
/// assert_eq!(m[1], m[2]); // JS is symmetric
/// ```
pub fn pairwise<T: Element>(
    measure: Measure,
    p: &Rows<'_, T>,
    q: &Rows<'_, T>,
    opts: &Options,
) -> Result<Vec<f64>> {
    opts.validate()?;
    check_cols(p.n_cols(), q.n_cols())?;
    let tps = prepare_rows(p, Arg::P, measure, opts)?;
    let tqs = prepare_rows(q, Arg::Q, measure, opts)?;
    let nq = q.n_rows();
    let rows: Vec<Result<Vec<f64>>> = p
        .iter()
        .zip(tps.par_iter())
        .enumerate()
        .map(|(i, (pr, &tp))| {
            (0..nq)
                .map(|j| {
                    eval_prepared(measure, pr, tp, q.row(j), tqs[j], opts).map_err(|e| e.in_row(i))
                })
                .collect()
        })
        .collect();
    let mut out = Vec::with_capacity(p.n_rows() * nq);
    for r in rows {
        out.extend(r?);
    }
    Ok(out)
}
