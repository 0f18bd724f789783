//! CSV, TSV and white-space separated text.
//!
//! Rules: blank lines and lines starting with `#` are skipped; the first remaining line is a
//! header if any of its cells is not a number; cells may be quoted with `"`; every data line
//! must have as many cells as the first one. `nan`, `inf` are parsed (and rejected later with
//! their place by the measure that meets them).

use super::{InputError, Origin, Table};

fn split(line: &str, delim: Option<u8>) -> Vec<String> {
    let cells: Vec<&str> = match delim {
        Some(d) => line.split(d as char).collect(),
        None => line.split_whitespace().collect(),
    };
    cells
        .into_iter()
        .map(|c| {
            let t = c.trim();
            let t = t
                .strip_prefix('"')
                .and_then(|x| x.strip_suffix('"'))
                .unwrap_or(t);
            t.trim().to_string()
        })
        .collect()
}

fn sniff(line: &str) -> Option<u8> {
    if line.contains('\t') {
        Some(b'\t')
    } else if line.contains(',') {
        Some(b',')
    } else if line.contains(';') {
        Some(b';')
    } else {
        None
    }
}

fn parse_number(cell: &str) -> Option<f64> {
    cell.parse::<f64>().ok()
}

fn is_integer_text(cell: &str) -> bool {
    let t = cell.strip_prefix(['+', '-']).unwrap_or(cell);
    !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit())
}

/// Parses delimited text; `delim = None` sniffs it from the first line.
pub(super) fn parse(path: &str, bytes: &[u8], delim: Option<u8>) -> Result<Table, InputError> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        InputError::new(
            path,
            format!(
                "is not UTF-8 text (byte {}); is it a binary file?",
                e.valid_up_to()
            ),
        )
    })?;
    let mut delim = delim;
    let mut header: Option<Vec<String>> = None;
    let mut values = Vec::new();
    let mut lines_of_rows = Vec::new();
    let mut cols = 0usize;
    let mut integer = true;
    let mut first = true;
    for (ln0, raw) in text.lines().enumerate() {
        let line_no = ln0 + 1;
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if first && delim.is_none() {
            delim = sniff(line);
        }
        let cells = split(line, delim);
        if first {
            first = false;
            cols = cells.len();
            if cells.iter().any(|c| parse_number(c).is_none()) {
                // A header: unless every cell is non-numeric text, this is more likely a typo
                // in the first data line than a header; say so.
                let numeric = cells.iter().filter(|c| parse_number(c).is_some()).count();
                if numeric > 0 {
                    let (ci, bad) = cells
                        .iter()
                        .enumerate()
                        .find(|(_, c)| parse_number(c).is_none())
                        .map(|(i, c)| (i, c.clone()))
                        .unwrap_or((0, String::new()));
                    return Err(InputError::new(
                        path,
                        format!(
                            "line {line_no}, column {}: '{bad}' is not a number (a header line \
                             must have no numeric cells)",
                            ci + 1
                        ),
                    ));
                }
                header = Some(cells);
                continue;
            }
        }
        if cells.len() != cols {
            return Err(InputError::new(
                path,
                format!(
                    "line {line_no}: expected {cols} fields like the first line, found {}",
                    cells.len()
                ),
            ));
        }
        for (ci, cell) in cells.iter().enumerate() {
            match parse_number(cell) {
                Some(v) => {
                    integer &= is_integer_text(cell);
                    values.push(v);
                }
                None => {
                    let col = match header.as_ref().and_then(|h| h.get(ci)) {
                        Some(name) => format!("column {} ('{}')", ci + 1, name),
                        None => format!("column {}", ci + 1),
                    };
                    let shown = if cell.is_empty() { "(empty)" } else { cell };
                    return Err(InputError::new(
                        path,
                        format!("line {line_no}, {col}: '{shown}' is not a number"),
                    ));
                }
            }
        }
        lines_of_rows.push(line_no);
    }
    let rows = lines_of_rows.len();
    Ok(Table {
        source: path.to_string(),
        values,
        rows,
        cols: if rows == 0 { 0 } else { cols },
        header,
        integer: integer && rows > 0,
        origin: Origin::Lines(lines_of_rows),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_and_values() {
        let t = parse("x.csv", b"a,b\n0.5,0.5\n# comment\n\n0.1,0.9\n", Some(b',')).unwrap();
        assert_eq!(t.rows, 2);
        assert_eq!(t.cols, 2);
        assert_eq!(t.header, Some(vec!["a".into(), "b".into()]));
        assert_eq!(t.values, vec![0.5, 0.5, 0.1, 0.9]);
        assert_eq!(t.origin, Origin::Lines(vec![2, 5]));
        assert!(!t.integer);
    }

    #[test]
    fn bad_cell_is_located() {
        let e = parse("x.csv", b"0.5,0.5\n0.1,abc\n", Some(b',')).unwrap_err();
        assert_eq!(
            e.to_string(),
            "x.csv: line 2, column 2: 'abc' is not a number"
        );
    }

    #[test]
    fn ragged_line_is_located() {
        let e = parse("x.csv", b"0.5,0.5\n0.1\n", Some(b',')).unwrap_err();
        assert!(e.to_string().contains("line 2: expected 2 fields"), "{e}");
    }

    #[test]
    fn sniffs_whitespace_and_counts() {
        let t = parse("x.txt", b"3 5 2\n", None).unwrap();
        assert_eq!(t.values, vec![3.0, 5.0, 2.0]);
        assert!(t.integer);
    }
}
