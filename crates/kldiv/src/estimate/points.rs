//! A sample of points in `ℝ^d`, stored row-major.

use crate::error::{Arg, Error, Result};

/// A borrowed sample of `n` points in `ℝ^d`: a row-major buffer of `n·d` coordinates
/// (point `i` is `data[i·d .. (i+1)·d]`).
///
/// Construction does not validate; the estimators do, and name the sample, row and column of
/// any problem ([`Error::Shape`], [`Error::NotFinitePoint`], [`Error::SampleDimensionMismatch`]).
///
/// ```
/// use kldiv::estimate::Points;
/// let x = Points::new(&[0.0, 1.0, 2.0, 3.0, 4.0, 5.0], 2);
/// assert_eq!(x.len(), 3);
/// assert_eq!(x.row(1), &[2.0, 3.0]);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Points<'a> {
    data: &'a [f64],
    dim: usize,
}

impl<'a> Points<'a> {
    /// Views `data` as points of dimension `dim` (rows of `dim` coordinates).
    pub fn new(data: &'a [f64], dim: usize) -> Points<'a> {
        Points { data, dim }
    }

    /// The dimension `d` of the points.
    pub fn dim(&self) -> usize {
        self.dim
    }

    /// The number of points `n = data.len() / d` (0 if `d = 0`).
    pub fn len(&self) -> usize {
        self.data.len().checked_div(self.dim).unwrap_or(0)
    }

    /// `true` if there are no points.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The coordinates, row-major.
    pub fn data(&self) -> &'a [f64] {
        self.data
    }

    /// Point `i` (panics if `i ≥ n`; the estimators only index validated samples).
    #[inline]
    pub fn row(&self, i: usize) -> &'a [f64] {
        &self.data[i * self.dim..(i + 1) * self.dim]
    }

    /// Checks the shape (non-empty, `d ≥ 1`, length a multiple of `d`) and that every
    /// coordinate is finite. `arg` names the sample in errors.
    pub(crate) fn validate(&self, arg: Arg) -> Result<()> {
        if self.dim == 0 || self.data.len() % self.dim != 0 {
            return Err(Error::Shape {
                arg,
                len: self.data.len(),
                cols: self.dim,
            });
        }
        if self.data.is_empty() {
            return Err(Error::Empty { arg });
        }
        if let Some(pos) = self.data.iter().position(|v| !v.is_finite()) {
            return Err(Error::NotFinitePoint {
                arg,
                row: pos / self.dim,
                col: pos % self.dim,
                value: self.data[pos],
            });
        }
        Ok(())
    }
}

/// Validates a pair of samples of the same dimension.
pub(crate) fn validate_pair(x: &Points<'_>, y: &Points<'_>) -> Result<()> {
    x.validate(Arg::P)?;
    y.validate(Arg::Q)?;
    if x.dim() != y.dim() {
        return Err(Error::SampleDimensionMismatch {
            p_dim: x.dim(),
            q_dim: y.dim(),
        });
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn shape_and_finiteness_errors_name_the_place() {
        let bad = [0.0, 1.0, 2.0];
        assert_eq!(
            Points::new(&bad, 2).validate(Arg::P),
            Err(Error::Shape {
                arg: Arg::P,
                len: 3,
                cols: 2
            })
        );
        assert!(matches!(
            Points::new(&bad, 0).validate(Arg::Q),
            Err(Error::Shape { arg: Arg::Q, .. })
        ));
        assert_eq!(
            Points::new(&[], 2).validate(Arg::P),
            Err(Error::Empty { arg: Arg::P })
        );
        let nan = [0.0, 1.0, 2.0, f64::NAN];
        match Points::new(&nan, 2).validate(Arg::Q) {
            Err(Error::NotFinitePoint {
                arg: Arg::Q,
                row: 1,
                col: 1,
                value,
            }) => assert!(value.is_nan()),
            other => panic!("{other:?}"),
        }
        let x = [0.0; 4];
        let y = [0.0; 6];
        assert_eq!(
            validate_pair(&Points::new(&x, 2), &Points::new(&y, 3)),
            Err(Error::SampleDimensionMismatch { p_dim: 2, q_dim: 3 })
        );
    }
}
