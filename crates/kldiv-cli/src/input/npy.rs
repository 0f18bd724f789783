//! NumPy `.npy` files (format versions 1–3): little- or big-endian `f2`/`f4`/`f8`, signed and
//! unsigned integers of 1–8 bytes and booleans; 0-, 1- and 2-D; C or Fortran order.

use super::{InputError, Origin, Table};

/// Element type of an `.npy` file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NpyType {
    /// IEEE float of the given byte width (4 or 8).
    Float(usize),
    /// Signed integer of the given byte width.
    Int(usize),
    /// Unsigned integer (or bool) of the given byte width.
    UInt(usize),
}

impl NpyType {
    /// Bytes per element.
    pub fn width(self) -> usize {
        match self {
            NpyType::Float(w) | NpyType::Int(w) | NpyType::UInt(w) => w,
        }
    }
}

/// The parsed header of an `.npy` file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NpyHeader {
    /// Element type.
    pub dtype: NpyType,
    /// `true` for big-endian data.
    pub big_endian: bool,
    /// `true` if the array is stored column-major.
    pub fortran_order: bool,
    /// The shape.
    pub shape: Vec<usize>,
    /// Offset of the first data byte.
    pub data_offset: usize,
}

fn dict_value<'a>(header: &'a str, key: &str) -> Option<&'a str> {
    let pos = header.find(&format!("'{key}'"))?;
    let rest = &header[pos + key.len() + 2..];
    let colon = rest.find(':')?;
    Some(rest[colon + 1..].trim_start())
}

/// Parses the header at the start of `bytes`.
pub fn read_npy_header(path: &str, bytes: &[u8]) -> Result<NpyHeader, InputError> {
    let err = |m: &str| InputError::new(path, format!("invalid .npy file: {m}"));
    if bytes.len() < 10 || !bytes.starts_with(b"\x93NUMPY") {
        return Err(err("missing the \\x93NUMPY magic string"));
    }
    let major = bytes[6];
    let (hlen, start) = match major {
        1 => (u16::from_le_bytes([bytes[8], bytes[9]]) as usize, 10),
        2 | 3 => {
            if bytes.len() < 12 {
                return Err(err("truncated header"));
            }
            (
                u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]) as usize,
                12,
            )
        }
        v => return Err(err(&format!("unsupported format version {v}"))),
    };
    let end = start + hlen;
    if bytes.len() < end {
        return Err(err("truncated header"));
    }
    let header = std::str::from_utf8(&bytes[start..end]).map_err(|_| err("header is not text"))?;
    let descr = dict_value(header, "descr").ok_or_else(|| err("no 'descr' in header"))?;
    let descr = descr
        .trim_start_matches(['\'', '"'])
        .split(['\'', '"'])
        .next()
        .unwrap_or("");
    let (endian, code) = descr.split_at(descr.len().min(1));
    let big_endian = endian == ">";
    let kind = code.chars().next().unwrap_or(' ');
    let width: usize = code.get(1..).and_then(|w| w.parse().ok()).unwrap_or(0);
    let dtype = match (kind, width) {
        ('f', 4 | 8) => NpyType::Float(width),
        ('i', 1 | 2 | 4 | 8) => NpyType::Int(width),
        ('u', 1 | 2 | 4 | 8) | ('b', 1) => NpyType::UInt(width),
        _ => {
            return Err(err(&format!(
                "unsupported dtype '{descr}' (use float32/float64 or integers)"
            )));
        }
    };
    let fortran_order = dict_value(header, "fortran_order")
        .map(|v| v.starts_with("True"))
        .unwrap_or(false);
    let shape_text = dict_value(header, "shape").ok_or_else(|| err("no 'shape' in header"))?;
    let inner = shape_text
        .strip_prefix('(')
        .and_then(|s| s.split(')').next())
        .ok_or_else(|| err("malformed shape"))?;
    let mut shape = Vec::new();
    for part in inner.split(',') {
        let t = part.trim();
        if t.is_empty() {
            continue;
        }
        shape.push(t.parse::<usize>().map_err(|_| err("malformed shape"))?);
    }
    Ok(NpyHeader {
        dtype,
        big_endian,
        fortran_order,
        shape,
        data_offset: end,
    })
}

/// Decodes element `i` of raw data laid out as `h` describes.
#[inline]
pub fn decode(h: &NpyHeader, data: &[u8], i: usize) -> f64 {
    let w = h.dtype.width();
    let b = &data[i * w..(i + 1) * w];
    let mut a = [0u8; 8];
    if h.big_endian {
        for (k, &x) in b.iter().rev().enumerate() {
            a[k] = x;
        }
    } else {
        a[..w].copy_from_slice(b);
    }
    match h.dtype {
        NpyType::Float(4) => f32::from_le_bytes([a[0], a[1], a[2], a[3]]) as f64,
        NpyType::Float(_) => f64::from_le_bytes(a),
        NpyType::UInt(_) => u64::from_le_bytes(a) as f64,
        NpyType::Int(w) => {
            // Sign-extend from w bytes.
            let shift = 64 - 8 * w as u32;
            ((u64::from_le_bytes(a) << shift) as i64 >> shift) as f64
        }
    }
}

pub(super) fn parse(path: &str, bytes: &[u8]) -> Result<Table, InputError> {
    let h = read_npy_header(path, bytes)?;
    let (rows, cols) = match h.shape.as_slice() {
        [] => (1, 1),
        [n] => (1, *n),
        [r, c] => (*r, *c),
        s => {
            return Err(InputError::new(
                path,
                format!(
                    "has {} dimensions; only 1-D and 2-D arrays are read",
                    s.len()
                ),
            ));
        }
    };
    let n = rows * cols;
    let data = &bytes[h.data_offset..];
    if data.len() < n * h.dtype.width() {
        return Err(InputError::new(
            path,
            format!(
                "truncated: the header promises {n} elements of {} bytes, the file holds {} bytes",
                h.dtype.width(),
                data.len()
            ),
        ));
    }
    let mut values = Vec::with_capacity(n);
    if h.fortran_order && rows > 1 && cols > 1 {
        for r in 0..rows {
            for c in 0..cols {
                values.push(decode(&h, data, c * rows + r));
            }
        }
    } else {
        values.extend((0..n).map(|i| decode(&h, data, i)));
    }
    Ok(Table {
        source: path.to_string(),
        values,
        rows,
        cols,
        header: None,
        integer: !matches!(h.dtype, NpyType::Float(_)),
        origin: Origin::Indexed,
    })
}

/// Writes a little-endian `f64` (`<f8`) `.npy` file of the given shape (1-D or 2-D).
pub fn write_npy(path: &std::path::Path, values: &[f64], shape: &[usize]) -> std::io::Result<()> {
    use std::io::Write;
    let dims: Vec<String> = shape.iter().map(|d| d.to_string()).collect();
    let shape_s = if dims.len() == 1 {
        format!("({},)", dims[0])
    } else {
        format!("({})", dims.join(", "))
    };
    let mut header = format!("{{'descr': '<f8', 'fortran_order': False, 'shape': {shape_s}, }}");
    // Pad so that the data start is aligned to 64 bytes, ending with a newline.
    let total = 10 + header.len() + 1;
    header.push_str(&" ".repeat((64 - total % 64) % 64));
    header.push('\n');
    let mut f = std::io::BufWriter::new(std::fs::File::create(path)?);
    f.write_all(b"\x93NUMPY\x01\x00")?;
    f.write_all(&(header.len() as u16).to_le_bytes())?;
    f.write_all(header.as_bytes())?;
    for v in values {
        f.write_all(&v.to_le_bytes())?;
    }
    f.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_f64() {
        let dir = std::env::temp_dir().join(format!("kldiv-npy-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("a.npy");
        write_npy(&p, &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0], &[2, 3]).unwrap();
        let bytes = std::fs::read(&p).unwrap();
        let t = parse("a.npy", &bytes).unwrap();
        assert_eq!((t.rows, t.cols), (2, 3));
        assert_eq!(t.values, vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
        assert_eq!(
            read_npy_header("a.npy", &bytes).unwrap().data_offset % 64,
            0
        );
    }

    #[test]
    fn integers_and_fortran_order() {
        let header = "{'descr': '<i2', 'fortran_order': True, 'shape': (2, 2), }";
        let mut b = b"\x93NUMPY\x01\x00".to_vec();
        b.extend_from_slice(&(header.len() as u16).to_le_bytes());
        b.extend_from_slice(header.as_bytes());
        for v in [1i16, -3, 2, 4] {
            b.extend_from_slice(&v.to_le_bytes());
        }
        let t = parse("b.npy", &b).unwrap();
        assert_eq!(t.values, vec![1.0, 2.0, -3.0, 4.0]);
        assert!(t.integer);
    }

    #[test]
    fn truncated_is_an_error() {
        let header = "{'descr': '<f8', 'fortran_order': False, 'shape': (4,), }";
        let mut b = b"\x93NUMPY\x01\x00".to_vec();
        b.extend_from_slice(&(header.len() as u16).to_le_bytes());
        b.extend_from_slice(header.as_bytes());
        b.extend_from_slice(&1.0f64.to_le_bytes());
        assert!(
            parse("c.npy", &b)
                .unwrap_err()
                .to_string()
                .contains("truncated")
        );
    }
}
