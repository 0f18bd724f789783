//! A validated, borrowed, row-major matrix of points.

use crate::{IconError, Result};

/// `n` points of dimension `d`, stored row-major in one slice: point `i` is
/// `data[i·d .. (i+1)·d]`. Constructed through [`Points::new`], which checks the shape and
/// that every coordinate is finite.
///
/// ```
/// use kldiv_icon::Points;
/// let x = Points::new("x", &[0.0, 1.0, 2.0, 3.0], 2)?;
/// assert_eq!((x.n(), x.d()), (2, 2));
/// assert_eq!(x.row(1), &[2.0, 3.0]);
/// assert!(Points::new("x", &[0.0, f64::NAN], 2).is_err());
/// # Ok::<(), kldiv_icon::IconError>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Points<'a> {
    data: &'a [f64],
    n: usize,
    d: usize,
}

impl<'a> Points<'a> {
    /// Views `data` as rows of `d` coordinates. `what` names the argument in errors.
    ///
    /// # Errors
    /// [`IconError::Empty`] for no data or `d = 0`, [`IconError::Shape`] when the length is
    /// not a multiple of `d`, [`IconError::NonFinite`] naming the first NaN or infinite entry.
    pub fn new(what: &'static str, data: &'a [f64], d: usize) -> Result<Self> {
        if data.is_empty() || d == 0 {
            return Err(IconError::Empty { what, n: 0, d });
        }
        if data.len() % d != 0 {
            return Err(IconError::Shape {
                what,
                len: data.len(),
                n: data.len() / d,
                d,
            });
        }
        if let Some(k) = data.iter().position(|v| !v.is_finite()) {
            return Err(IconError::NonFinite {
                what,
                row: k / d,
                col: k % d,
                value: data[k],
            });
        }
        Ok(Self {
            data,
            n: data.len() / d,
            d,
        })
    }

    /// The number of points.
    pub fn n(&self) -> usize {
        self.n
    }

    /// The dimension.
    pub fn d(&self) -> usize {
        self.d
    }

    /// Point `i` (panics if `i ≥ n`, like slice indexing).
    pub fn row(&self, i: usize) -> &'a [f64] {
        &self.data[i * self.d..(i + 1) * self.d]
    }

    /// The whole row-major buffer.
    pub fn as_slice(&self) -> &'a [f64] {
        self.data
    }

    /// The squared Euclidean distance ‖x_i − x_j‖².
    pub fn sq_dist(&self, i: usize, j: usize) -> f64 {
        self.row(i)
            .iter()
            .zip(self.row(j))
            .map(|(a, b)| (a - b) * (a - b))
            .sum()
    }
}
