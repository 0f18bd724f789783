//! JSON input: an array of numbers (one row), an array of arrays (rows), or an object with a
//! single array member (e.g. `{"p": [...]}`).

use super::{InputError, Origin, Table};
use serde_json::Value;

fn number(path: &str, v: &Value, place: &str) -> Result<(f64, bool), InputError> {
    match v {
        Value::Number(n) => match n.as_f64() {
            Some(x) => Ok((x, n.is_i64() || n.is_u64())),
            None => Err(InputError::new(
                path,
                format!("{place}: {n} is not representable"),
            )),
        },
        // Non-finite values have no JSON literal; accept the strings scipy users write.
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "nan" => Ok((f64::NAN, false)),
            "inf" | "+inf" | "infinity" => Ok((f64::INFINITY, false)),
            "-inf" | "-infinity" => Ok((f64::NEG_INFINITY, false)),
            _ => Err(InputError::new(
                path,
                format!("{place}: \"{s}\" is not a number"),
            )),
        },
        other => Err(InputError::new(
            path,
            format!("{place}: {other} is not a number"),
        )),
    }
}

pub(super) fn parse(path: &str, bytes: &[u8]) -> Result<Table, InputError> {
    let v: Value = serde_json::from_slice(bytes)
        .map_err(|e| InputError::new(path, format!("invalid JSON: {e}")))?;
    let v = match v {
        Value::Object(map) if map.len() == 1 => map
            .into_iter()
            .next()
            .map(|(_, v)| v)
            .unwrap_or(Value::Null),
        other => other,
    };
    let Value::Array(items) = v else {
        return Err(InputError::new(
            path,
            "expected an array of numbers or an array of arrays",
        ));
    };
    let mut values = Vec::new();
    let mut integer = true;
    if items.iter().all(|x| !x.is_array()) {
        for (i, x) in items.iter().enumerate() {
            let (val, int) = number(path, x, &format!("index {i}"))?;
            integer &= int;
            values.push(val);
        }
        let cols = values.len();
        return Ok(Table {
            source: path.to_string(),
            values,
            rows: 1,
            cols,
            header: None,
            integer,
            origin: Origin::Indexed,
        });
    }
    let mut cols = None;
    for (r, row) in items.iter().enumerate() {
        let Value::Array(cells) = row else {
            return Err(InputError::new(
                path,
                format!("row {r}: expected an array like the other rows"),
            ));
        };
        match cols {
            None => cols = Some(cells.len()),
            Some(c) if c != cells.len() => {
                return Err(InputError::new(
                    path,
                    format!(
                        "row {r}: expected {c} entries like row 0, found {}",
                        cells.len()
                    ),
                ));
            }
            _ => {}
        }
        for (c, x) in cells.iter().enumerate() {
            let (val, int) = number(path, x, &format!("row {r}, index {c}"))?;
            integer &= int;
            values.push(val);
        }
    }
    Ok(Table {
        source: path.to_string(),
        values,
        rows: items.len(),
        cols: cols.unwrap_or(0),
        header: None,
        integer,
        origin: Origin::Indexed,
    })
}
