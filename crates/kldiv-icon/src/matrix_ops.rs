//! Conversions and row checks for [`Dense`] and [`Sparse`] (kept apart from their definitions).

use crate::{Dense, IconError, Result, Sparse};

impl Dense {
    /// Builds a matrix from a row-major buffer without checking entries (crate-internal: every
    /// caller produces finite, non-negative values of the right length by construction).
    pub(crate) fn from_raw(rows: usize, cols: usize, values: Vec<f64>) -> Self {
        let mut m = Dense::zeros(rows, cols);
        for (d, v) in m.as_mut_slice().iter_mut().zip(values) {
            *d = v;
        }
        m
    }

    /// The sum of each row, accumulated with compensated summation.
    ///
    /// ```
    /// use kldiv_icon::Dense;
    /// let m = Dense::new(2, 2, vec![0.25, 0.75, 1.0, 2.0])?;
    /// assert_eq!(m.row_sums(), vec![1.0, 3.0]);
    /// # Ok::<(), kldiv_icon::IconError>(())
    /// ```
    pub fn row_sums(&self) -> Vec<f64> {
        (0..self.rows())
            .map(|i| kldiv::sum::sum(self.row(i)))
            .collect()
    }

    /// Checks that every row sums to 1 within `tol` (absolute).
    ///
    /// # Errors
    /// [`IconError::Entry`] naming the first row whose sum is off, with that sum.
    pub fn check_row_stochastic(&self, what: &'static str, tol: f64) -> Result<()> {
        check_sums(what, &self.row_sums(), tol)
    }

    /// The transpose `Mᵀ`.
    ///
    /// ```
    /// use kldiv_icon::Dense;
    /// let m = Dense::new(1, 2, vec![1.0, 2.0])?;
    /// assert_eq!(m.transpose().as_slice(), &[1.0, 2.0]);
    /// assert_eq!(m.transpose().rows(), 2);
    /// # Ok::<(), kldiv_icon::IconError>(())
    /// ```
    pub fn transpose(&self) -> Dense {
        let (r, c) = (self.rows(), self.cols());
        let mut t = vec![0.0; r * c];
        for i in 0..r {
            for (j, &v) in self.row(i).iter().enumerate() {
                t[j * r + i] = v;
            }
        }
        Dense::from_raw(c, r, t)
    }

    /// The compressed sparse row form of this matrix (only the non-zero entries are stored).
    ///
    /// # Errors
    /// [`IconError::Parameter`] if there are more than `u32::MAX` columns.
    pub fn to_sparse(&self) -> Result<Sparse> {
        let mut indptr = Vec::with_capacity(self.rows() + 1);
        let mut indices = Vec::new();
        let mut values = Vec::new();
        indptr.push(0);
        for i in 0..self.rows() {
            for (j, &v) in self.row(i).iter().enumerate() {
                if v != 0.0 {
                    indices.push(j as u32);
                    values.push(v);
                }
            }
            indptr.push(values.len());
        }
        // Columns come out sorted and values are finite and >= 0: the checks pass.
        Sparse::new(self.rows(), self.cols(), indptr, indices, values)
    }
}

impl Sparse {
    /// Builds a CSR matrix from per-row lists of `(column, value)`; the lists need not be
    /// sorted, zero values are dropped and repeated columns are added up.
    ///
    /// # Errors
    /// [`IconError::Parameter`] for a column `≥ cols` or a negative value,
    /// [`IconError::NonFinite`] for a NaN or infinite value.
    pub fn from_rows(cols: usize, rows: Vec<Vec<(usize, f64)>>) -> Result<Self> {
        let n = rows.len();
        let mut indptr = Vec::with_capacity(n + 1);
        let mut indices = Vec::new();
        let mut values = Vec::new();
        indptr.push(0);
        for mut r in rows {
            r.sort_by_key(|&(j, _)| j);
            let mut last: Option<usize> = None;
            for (j, v) in r {
                if j >= cols || j > u32::MAX as usize {
                    return Err(IconError::Parameter {
                        name: "sparse column index",
                        value: j as f64,
                        reason: "must be < cols",
                    });
                }
                if v == 0.0 {
                    continue;
                }
                if last == Some(j) {
                    if let Some(x) = values.last_mut() {
                        *x += v;
                    }
                } else {
                    indices.push(j as u32);
                    values.push(v);
                    last = Some(j);
                }
            }
            indptr.push(values.len());
        }
        Sparse::new(n, cols, indptr, indices, values)
    }

    /// The dense form of this matrix.
    ///
    /// ```
    /// use kldiv_icon::Sparse;
    /// let m = Sparse::new(2, 2, vec![0, 1, 2], vec![1, 0], vec![1.0, 1.0])?;
    /// assert_eq!(m.to_dense().as_slice(), &[0.0, 1.0, 1.0, 0.0]);
    /// # Ok::<(), kldiv_icon::IconError>(())
    /// ```
    pub fn to_dense(&self) -> Dense {
        let mut d = vec![0.0; self.rows() * self.cols()];
        for i in 0..self.rows() {
            let (cols, vals) = self.row(i);
            for (&j, &v) in cols.iter().zip(vals) {
                d[i * self.cols() + j as usize] = v;
            }
        }
        Dense::from_raw(self.rows(), self.cols(), d)
    }

    /// The sum of each row's stored values.
    pub fn row_sums(&self) -> Vec<f64> {
        (0..self.rows())
            .map(|i| kldiv::sum::sum(self.row(i).1))
            .collect()
    }

    /// Checks that every row sums to 1 within `tol` (absolute).
    ///
    /// # Errors
    /// [`IconError::Entry`] naming the first row whose sum is off, with that sum.
    pub fn check_row_stochastic(&self, what: &'static str, tol: f64) -> Result<()> {
        check_sums(what, &self.row_sums(), tol)
    }
}

fn check_sums(what: &'static str, sums: &[f64], tol: f64) -> Result<()> {
    match sums
        .iter()
        .position(|s| (s - 1.0).abs() > tol || s.is_nan())
    {
        Some(i) => Err(IconError::Entry {
            what,
            index: i,
            value: sums[i],
            reason: "row must sum to 1",
        }),
        None => Ok(()),
    }
}
