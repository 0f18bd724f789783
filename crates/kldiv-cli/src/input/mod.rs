//! Reading numeric tables from files: CSV/TSV (header optional), JSON, `.npy`, and `-` for
//! standard input.
//!
//! Every reader returns a [`Table`]: a row-major matrix of `f64` that remembers where each
//! row came from, so that an error found later (a negative probability, a NaN) can be reported
//! with the file, the line or row, the column and the value.

mod delimited;
mod json;
mod npy;

use std::fmt;
use std::io::Read;
use std::path::Path;

pub use npy::{NpyHeader, NpyType, decode as npy_decode, read_npy_header, write_npy};

/// A data error in an input file: always names the file and, where known, the place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    /// The file as the user named it (`-` for standard input).
    pub file: String,
    /// What is wrong and where.
    pub message: String,
}

impl InputError {
    /// A new error about `file`.
    pub fn new(file: impl Into<String>, message: impl Into<String>) -> InputError {
        InputError {
            file: file.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.file, self.message)
    }
}

impl std::error::Error for InputError {}

/// How a file stores its rows, for error messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A text file: physical (1-based) line number of each data row.
    Lines(Vec<usize>),
    /// JSON or `.npy`: rows are numbered from 0.
    Indexed,
}

/// A numeric matrix read from a file.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// The file as the user named it.
    pub source: String,
    /// Row-major values.
    pub values: Vec<f64>,
    /// Number of rows.
    pub rows: usize,
    /// Number of columns.
    pub cols: usize,
    /// Column names from a header line, if the file had one.
    pub header: Option<Vec<String>>,
    /// `true` if every value is an integer written without a decimal point or exponent (text
    /// formats), or the `.npy` dtype is an integer type: the data are counts.
    pub integer: bool,
    /// Where the rows came from.
    pub origin: Origin,
}

/// Which way a single distribution was laid out in its file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// One row: entry `i` is column `i`.
    Row,
    /// One column: entry `i` is row `i`.
    Column,
}

impl Table {
    /// Views the table as one distribution: a single row or a single column.
    pub fn as_vector(&self) -> Result<(&[f64], Layout), InputError> {
        if self.rows == 1 {
            Ok((&self.values, Layout::Row))
        } else if self.cols == 1 {
            Ok((&self.values, Layout::Column))
        } else {
            Err(InputError::new(
                &self.source,
                format!(
                    "holds a {} × {} matrix, not a single distribution; pass --rows to treat \
                     each row as a distribution",
                    self.rows, self.cols
                ),
            ))
        }
    }

    /// Row `r`.
    pub fn row(&self, r: usize) -> &[f64] {
        &self.values[r * self.cols..(r + 1) * self.cols]
    }

    /// Describes row `r` for messages: `line 7` for text files, `row 3` otherwise.
    pub fn row_place(&self, r: usize) -> String {
        match &self.origin {
            Origin::Lines(lines) => match lines.get(r) {
                Some(l) => format!("line {l}"),
                None => format!("row {r}"),
            },
            Origin::Indexed => format!("row {r}"),
        }
    }

    /// Describes column `c` for messages: `column 3 ('p02')` (1-based, with its header name).
    pub fn col_place(&self, c: usize) -> String {
        match self.header.as_ref().and_then(|h| h.get(c)) {
            Some(name) => format!("column {} ('{}')", c + 1, name),
            None => format!("column {}", c + 1),
        }
    }

    /// Describes entry `i` of the distribution read by [`Table::as_vector`].
    pub fn vector_place(&self, i: usize) -> String {
        if self.rows == 1 {
            format!("{}, {}", self.row_place(0), self.col_place(i))
        } else {
            self.row_place(i)
        }
    }

    /// Describes entry `c` of row `r`.
    pub fn cell_place(&self, r: usize, c: usize) -> String {
        format!("{}, {}", self.row_place(r), self.col_place(c))
    }
}

/// The file formats understood by [`read_table`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Comma-separated values.
    Csv,
    /// Tab-separated values.
    Tsv,
    /// Text whose delimiter is sniffed (comma, tab, semicolon or white space).
    Text,
    /// JSON: an array of numbers, or an array of arrays of numbers.
    Json,
    /// NumPy `.npy` (f32/f64/integer, 1-D or 2-D).
    Npy,
}

fn format_of(path: &str, bytes: &[u8]) -> Format {
    let lower = path.to_ascii_lowercase();
    if bytes.starts_with(b"\x93NUMPY") || lower.ends_with(".npy") {
        return Format::Npy;
    }
    if lower.ends_with(".json") {
        return Format::Json;
    }
    if lower.ends_with(".tsv") || lower.ends_with(".tab") {
        return Format::Tsv;
    }
    if lower.ends_with(".csv") {
        return Format::Csv;
    }
    match bytes.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'[') | Some(b'{') => Format::Json,
        _ => Format::Text,
    }
}

/// Reads the whole of `path` (`-` is standard input).
pub fn read_bytes(path: &str) -> Result<Vec<u8>, InputError> {
    if path == "-" {
        let mut buf = Vec::new();
        std::io::stdin()
            .read_to_end(&mut buf)
            .map_err(|e| InputError::new("-", format!("cannot read standard input: {e}")))?;
        return Ok(buf);
    }
    if !Path::new(path).exists() {
        return Err(InputError::new(path, "no such file"));
    }
    std::fs::read(path).map_err(|e| InputError::new(path, format!("cannot read: {e}")))
}

/// Reads a numeric table from `path` in the format given by its extension or content.
pub fn read_table(path: &str) -> Result<Table, InputError> {
    let bytes = read_bytes(path)?;
    parse_table(path, &bytes)
}

/// Parses `bytes` (the content of `path`) as a numeric table.
pub fn parse_table(path: &str, bytes: &[u8]) -> Result<Table, InputError> {
    let table = match format_of(path, bytes) {
        Format::Npy => npy::parse(path, bytes)?,
        Format::Json => json::parse(path, bytes)?,
        Format::Csv => delimited::parse(path, bytes, Some(b','))?,
        Format::Tsv => delimited::parse(path, bytes, Some(b'\t'))?,
        Format::Text => delimited::parse(path, bytes, None)?,
    };
    if table.values.is_empty() {
        return Err(InputError::new(path, "contains no numbers"));
    }
    Ok(table)
}
