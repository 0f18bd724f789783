//! Output formats: a human table, JSON (one object), CSV.
//!
//! JSON keys every command shares: `measure`, `unit`, `value` (a number, or the string `"inf"`
//! for +∞), `method`, `error` (number or null); row-wise results put an array in `values`.

use clap::ValueEnum;
use serde_json::{Value, json};
use std::io::IsTerminal;

/// `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Aligned, human-readable text (the default on a terminal).
    Table,
    /// One JSON object (the default when stdout is not a terminal).
    Json,
    /// Comma-separated values with a header line.
    Csv,
}

/// The format to use: the one asked for, else a table on a terminal and JSON otherwise.
pub fn resolve(format: Option<Format>) -> Format {
    format.unwrap_or_else(|| {
        if std::io::stdout().is_terminal() {
            Format::Table
        } else {
            Format::Json
        }
    })
}

/// A number as JSON: finite numbers as numbers, ±∞ as the strings `"inf"`/`"-inf"`, NaN as
/// `"nan"` (JSON has no literal for them).
pub fn num(x: f64) -> Value {
    if x.is_finite() {
        json!(x)
    } else if x.is_nan() {
        json!("nan")
    } else if x > 0.0 {
        json!("inf")
    } else {
        json!("-inf")
    }
}

/// A number for tables and CSV: shortest round-trip text, `inf` for +∞.
pub fn text(x: f64) -> String {
    if x == f64::INFINITY {
        "inf".to_string()
    } else if x == f64::NEG_INFINITY {
        "-inf".to_string()
    } else {
        format!("{x}")
    }
}

/// A number for humans: 6 significant digits.
pub fn human(x: f64) -> String {
    if !x.is_finite() {
        return text(x);
    }
    if x == 0.0 {
        return "0".to_string();
    }
    let a = x.abs();
    if (1e-4..1e6).contains(&a) {
        let digits = (5 - a.log10().floor() as i32).max(0) as usize;
        format!("{x:.digits$}")
    } else {
        format!("{x:.5e}")
    }
}

/// Renders rows of cells as left-aligned columns separated by two spaces.
pub fn table(rows: &[Vec<String>]) -> String {
    let ncol = rows.iter().map(|r| r.len()).max().unwrap_or(0);
    let widths: Vec<usize> = (0..ncol)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for r in rows {
        let mut line = String::new();
        for (c, cell) in r.iter().enumerate() {
            if c + 1 == r.len() {
                line.push_str(cell);
            } else {
                line.push_str(cell);
                line.push_str(&" ".repeat(widths[c] - cell.chars().count() + 2));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// Quotes a CSV cell if needed.
pub fn csv_cell(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert_eq!(num(f64::INFINITY), json!("inf"));
        assert_eq!(human(0.5108256237659907), "0.510826");
        assert_eq!(human(3.141_59e3), "3141.59");
        assert_eq!(human(1e-9), "1.00000e-9");
        assert_eq!(text(f64::INFINITY), "inf");
    }
}
