//! Row-stochastic neighbourhood matrices, dense and sparse.
//!
//! A neighbourhood distribution is a matrix whose row `i` is `p(·|i)`, a probability
//! distribution over the `n` points. Small problems (n up to a few thousand) use [`Dense`];
//! large ones keep only the `k` nearest neighbours of each row in [`Sparse`] (compressed sparse
//! rows), every other entry being an exact zero.

use crate::{IconError, Result};

/// A dense row-major `rows × cols` matrix of non-negative weights.
#[derive(Debug, Clone, PartialEq)]
pub struct Dense {
    rows: usize,
    cols: usize,
    values: Vec<f64>,
}

impl Dense {
    /// Wraps a row-major buffer of `rows · cols` finite, non-negative values.
    ///
    /// # Errors
    /// [`IconError::Shape`] if the length is not `rows · cols`, [`IconError::NonFinite`] for a
    /// NaN or infinite entry, [`IconError::Parameter`] for a negative one.
    ///
    /// ```
    /// use kldiv_icon::Dense;
    /// let m = Dense::new(2, 2, vec![0.25, 0.75, 1.0, 0.0])?;
    /// assert_eq!(m.row(0), &[0.25, 0.75]);
    /// assert_eq!(m.get(1, 0), 1.0);
    /// # Ok::<(), kldiv_icon::IconError>(())
    /// ```
    pub fn new(rows: usize, cols: usize, values: Vec<f64>) -> Result<Self> {
        if rows.checked_mul(cols) != Some(values.len()) {
            return Err(IconError::Shape {
                what: "dense matrix",
                len: values.len(),
                n: rows,
                d: cols,
            });
        }
        check_entries("dense matrix", cols, &values)?;
        Ok(Self { rows, cols, values })
    }

    /// A `rows × cols` matrix of zeros.
    pub fn zeros(rows: usize, cols: usize) -> Self {
        Self {
            rows,
            cols,
            values: vec![0.0; rows * cols],
        }
    }

    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Number of columns.
    pub fn cols(&self) -> usize {
        self.cols
    }

    /// Row `i` (panics if `i ≥ rows`, like slice indexing).
    pub fn row(&self, i: usize) -> &[f64] {
        &self.values[i * self.cols..(i + 1) * self.cols]
    }

    /// Row `i`, mutable.
    pub fn row_mut(&mut self, i: usize) -> &mut [f64] {
        &mut self.values[i * self.cols..(i + 1) * self.cols]
    }

    /// Entry `(i, j)`.
    pub fn get(&self, i: usize, j: usize) -> f64 {
        self.values[i * self.cols + j]
    }

    /// The row-major buffer.
    pub fn as_slice(&self) -> &[f64] {
        &self.values
    }

    /// The row-major buffer, mutable.
    pub fn as_mut_slice(&mut self) -> &mut [f64] {
        &mut self.values
    }
}

/// A sparse `rows × cols` matrix in compressed sparse row form: the stored entries of row `i`
/// are `indices[indptr[i]..indptr[i+1]]` (column indices, strictly increasing) with
/// `values[..]` at the same positions; every other entry is zero.
#[derive(Debug, Clone, PartialEq)]
pub struct Sparse {
    rows: usize,
    cols: usize,
    indptr: Vec<usize>,
    indices: Vec<u32>,
    values: Vec<f64>,
}

impl Sparse {
    /// Builds a CSR matrix, checking its structure.
    ///
    /// # Errors
    /// [`IconError::Shape`] if `indptr` does not have `rows + 1` non-decreasing offsets ending
    /// at `indices.len() == values.len()`; [`IconError::Parameter`] for a column index `≥ cols`
    /// or not strictly increasing within its row, or a negative value;
    /// [`IconError::NonFinite`] for a NaN or infinite value.
    ///
    /// ```
    /// use kldiv_icon::Sparse;
    /// // [[0, .5, .5], [1, 0, 0]]
    /// let m = Sparse::new(2, 3, vec![0, 2, 3], vec![1, 2, 0], vec![0.5, 0.5, 1.0])?;
    /// assert_eq!(m.row(0), (&[1u32, 2][..], &[0.5, 0.5][..]));
    /// assert_eq!(m.nnz(), 3);
    /// # Ok::<(), kldiv_icon::IconError>(())
    /// ```
    pub fn new(
        rows: usize,
        cols: usize,
        indptr: Vec<usize>,
        indices: Vec<u32>,
        values: Vec<f64>,
    ) -> Result<Self> {
        let nnz = values.len();
        let shape_ok = indptr.len() == rows + 1
            && indptr.first() == Some(&0)
            && indptr.last() == Some(&nnz)
            && indices.len() == nnz
            && indptr.windows(2).all(|w| w[0] <= w[1]);
        if !shape_ok {
            return Err(IconError::Shape {
                what: "sparse matrix",
                len: nnz,
                n: rows,
                d: cols,
            });
        }
        for i in 0..rows {
            let cols_i = &indices[indptr[i]..indptr[i + 1]];
            for (k, &c) in cols_i.iter().enumerate() {
                if c as usize >= cols || (k > 0 && cols_i[k - 1] >= c) {
                    return Err(IconError::Parameter {
                        name: "sparse column index",
                        value: f64::from(c),
                        reason: "must be < cols and strictly increasing within its row",
                    });
                }
            }
        }
        check_entries("sparse matrix", 1, &values)?;
        Ok(Self {
            rows,
            cols,
            indptr,
            indices,
            values,
        })
    }

    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Number of columns.
    pub fn cols(&self) -> usize {
        self.cols
    }

    /// Number of stored entries.
    pub fn nnz(&self) -> usize {
        self.values.len()
    }

    /// The stored column indices and values of row `i`.
    pub fn row(&self, i: usize) -> (&[u32], &[f64]) {
        let r = self.indptr[i]..self.indptr[i + 1];
        (&self.indices[r.clone()], &self.values[r])
    }

    /// The stored values of row `i`, mutable (the structure stays fixed).
    pub fn row_values_mut(&mut self, i: usize) -> &mut [f64] {
        let r = self.indptr[i]..self.indptr[i + 1];
        &mut self.values[r]
    }

    /// The row offsets (`rows + 1` entries).
    pub fn indptr(&self) -> &[usize] {
        &self.indptr
    }

    /// The column indices of all stored entries.
    pub fn indices(&self) -> &[u32] {
        &self.indices
    }

    /// The stored values.
    pub fn values(&self) -> &[f64] {
        &self.values
    }
}

fn check_entries(what: &'static str, cols: usize, values: &[f64]) -> Result<()> {
    for (k, &v) in values.iter().enumerate() {
        if !v.is_finite() {
            return Err(IconError::NonFinite {
                what,
                row: k / cols,
                col: k % cols,
                value: v,
            });
        }
        if v < 0.0 {
            return Err(IconError::Parameter {
                name: what,
                value: v,
                reason: "entries must be >= 0",
            });
        }
    }
    Ok(())
}
