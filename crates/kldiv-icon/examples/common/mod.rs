//! What the examples share: reading `--name value` arguments and a labelled CSV.

/// The value after `--name` in `args`, if present.
pub fn arg(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

/// `--data FILE` (default `data/digits.csv`): a CSV with a header line and the integer label
/// in the last column, as row-major coordinates, labels and the dimension.
pub fn labelled_data(args: &[String]) -> (Vec<f64>, Vec<usize>, usize) {
    let default_data = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/digits.csv");
    let path = arg(args, "--data").unwrap_or_else(|| default_data.into());
    let text = std::fs::read_to_string(&path).expect("read the data file");
    let (mut x, mut y, mut d) = (Vec::new(), Vec::new(), 0);
    for line in text.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let v: Vec<f64> = line.split(',').map(|s| s.trim().parse().unwrap()).collect();
        d = v.len() - 1;
        x.extend_from_slice(&v[..d]);
        y.push(v[d] as usize);
    }
    (x, y, d)
}
