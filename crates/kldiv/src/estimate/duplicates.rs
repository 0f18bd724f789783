//! Duplicate points and what to do about them.
//!
//! k-NN estimators assume samples from continuous distributions, where two points coincide
//! with probability zero. A repeated point gives a zero neighbour distance and `ln 0 = −∞`;
//! `kldiv` never lets that through silently. The policy is chosen with [`Duplicates`].

use super::points::Points;
use crate::error::{Arg, Error, Result};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};
use rayon::slice::ParallelSliceMut;
use std::borrow::Cow;
use std::cmp::Ordering;
use std::fmt;

/// What to do with repeated points (within a sample, or a point of the `p`-sample that also
/// occurs in the `q`-sample). Equality is exact equality of all coordinates (`−0.0 = 0.0`).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum Duplicates {
    /// Return [`Error::DuplicatePoints`] with the number of duplicate rows and one example.
    /// The default.
    #[default]
    Error,
    /// Keep the first occurrence of every repeated point of each sample (the report says how
    /// many rows were dropped). A `p`-point that also occurs in the `q`-sample is kept in
    /// both, and its `q`-neighbour search skips the coincident `q`-point, just as its
    /// `p`-neighbour search skips the point itself. `n` and `m` become the numbers of
    /// distinct points.
    Dedup,
    /// Add seeded Gaussian noise to every row involved in a duplicate (all copies, in both
    /// samples), coordinate `j` with standard deviation `scale · s_j`, where `s_j` is the
    /// standard deviation of coordinate `j` over both samples (1 if it is 0). Rows without a
    /// duplicate are unchanged. The noise stream is `ChaCha8Rng::seed_from_u64(seed)`, drawn
    /// row by row (`p`-sample first). The estimate depends on the scale when duplicates are
    /// common (a neighbour distance of order `scale` contributes `d·ln scale`): report it.
    Jitter {
        /// Relative scale of the noise, finite and `> 0` (e.g. `1e-3`).
        scale: f64,
        /// Seed of the noise.
        seed: u64,
    },
}

impl Duplicates {
    /// The default relative scale of [`Duplicates::Jitter`] offered by [`Duplicates::parse`].
    pub const DEFAULT_JITTER_SCALE: f64 = 1e-3;

    /// Parses `error`, `dedup`, `jitter` (default scale, seed 0), `jitter:SCALE` or
    /// `jitter:SCALE:SEED`.
    ///
    /// ```
    /// use kldiv::estimate::Duplicates;
    /// assert_eq!(Duplicates::parse("dedup").unwrap(), Duplicates::Dedup);
    /// assert_eq!(
    ///     Duplicates::parse("jitter:1e-4:7").unwrap(),
    ///     Duplicates::Jitter { scale: 1e-4, seed: 7 }
    /// );
    /// assert!(Duplicates::parse("jitter:-1").is_err());
    /// ```
    pub fn parse(s: &str) -> Result<Duplicates> {
        let bad = Error::InvalidParameter {
            name: "duplicates",
            value: f64::NAN,
            reason: "expected error, dedup, jitter, jitter:SCALE or jitter:SCALE:SEED",
        };
        let mut parts = s.trim().split(':');
        let policy = match parts
            .next()
            .map(|p| p.trim().to_ascii_lowercase())
            .as_deref()
        {
            Some("error") => Duplicates::Error,
            Some("dedup") | Some("deduplicate") => Duplicates::Dedup,
            Some("jitter") => {
                let scale = match parts.next() {
                    Some(v) => v.trim().parse().map_err(|_| bad.clone())?,
                    None => Duplicates::DEFAULT_JITTER_SCALE,
                };
                let seed = match parts.next() {
                    Some(v) => v.trim().parse().map_err(|_| bad.clone())?,
                    None => 0,
                };
                Duplicates::Jitter { scale, seed }
            }
            _ => return Err(bad),
        };
        if parts.next().is_some() {
            return Err(bad);
        }
        policy.validate()?;
        Ok(policy)
    }

    /// Checks the jitter scale.
    pub fn validate(self) -> Result<()> {
        match self {
            Duplicates::Jitter { scale, .. } if !(scale.is_finite() && scale > 0.0) => {
                Err(Error::InvalidParameter {
                    name: "jitter scale",
                    value: scale,
                    reason: "the jitter scale must be finite and > 0",
                })
            }
            _ => Ok(()),
        }
    }
}

impl fmt::Display for Duplicates {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Duplicates::Error => f.write_str("error"),
            Duplicates::Dedup => f.write_str("dedup"),
            Duplicates::Jitter { scale, seed } => write!(f, "jitter:{scale}:{seed}"),
        }
    }
}

/// What the duplicate policy found and did.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct DuplicateReport {
    /// The policy in force.
    pub policy: Duplicates,
    /// Rows of the `p`-sample equal to an earlier row of the same sample.
    pub within_p: usize,
    /// Rows of the `q`-sample equal to an earlier row of the same sample.
    pub within_q: usize,
    /// Rows of the `p`-sample equal to some row of the `q`-sample.
    pub across: usize,
    /// Rows removed ([`Duplicates::Dedup`]) or jittered ([`Duplicates::Jitter`]).
    pub changed: usize,
}

fn cmp_rows(a: &[f64], b: &[f64]) -> Ordering {
    for (x, y) in a.iter().zip(b) {
        match x.partial_cmp(y) {
            Some(Ordering::Equal) | None => {}
            Some(o) => return o,
        }
    }
    Ordering::Equal
}

/// Row indices sorted by coordinates (ties by index).
fn sorted_rows(p: &Points<'_>) -> Vec<usize> {
    let by_rows = |&a: &usize, &b: &usize| cmp_rows(p.row(a), p.row(b)).then(a.cmp(&b));
    if p.is_empty() || p.dim() == 0 || p.data().iter().step_by(p.dim()).any(|v| v.is_nan()) {
        let mut ix: Vec<usize> = (0..p.len()).collect();
        // The order is total (ties by index), so an unstable parallel sort is deterministic.
        ix.par_sort_unstable_by(by_rows);
        return ix;
    }
    // The same order, faster: sort (first coordinate as an ordered integer, index) pairs, which
    // needs no access to the rows, then order each run of equal first coordinates by the whole
    // row (such runs are rare and short in continuous data).
    let mut keyed: Vec<(u64, usize)> = (0..p.len()).map(|i| (order_key(p.row(i)[0]), i)).collect();
    keyed.par_sort_unstable();
    let mut ix: Vec<usize> = keyed.iter().map(|&(_, i)| i).collect();
    let mut start = 0;
    while start < keyed.len() {
        let mut end = start + 1;
        while end < keyed.len() && keyed[end].0 == keyed[start].0 {
            end += 1;
        }
        if end - start > 1 && p.dim() > 1 {
            ix[start..end].sort_unstable_by(by_rows);
        }
        start = end;
    }
    ix
}

/// A non-NaN float as an integer with the same order, `−0` and `+0` mapped to the same key
/// (as [`cmp_rows`] compares them).
fn order_key(v: f64) -> u64 {
    let b = if v == 0.0 { 0 } else { v.to_bits() };
    if b >> 63 == 1 { !b } else { b | 1 << 63 }
}

/// For every row, the smallest index of an equal row (itself if it is the first).
fn first_equal(p: &Points<'_>, order: &[usize]) -> Vec<usize> {
    let mut first = vec![0; p.len()];
    let mut g = 0;
    for t in 0..order.len() {
        if t > 0 && cmp_rows(p.row(order[t]), p.row(order[t - 1])) != Ordering::Equal {
            g = t;
        }
        first[order[t]] = order[g];
    }
    first
}

/// For every row of `x`, the smallest index of an equal row of `y`, if any: one merge of the
/// two sorted orders (`O(n + m)` row comparisons).
fn match_in(
    x: &Points<'_>,
    x_order: &[usize],
    y: &Points<'_>,
    y_order: &[usize],
) -> Vec<Option<usize>> {
    let mut out = vec![None; x.len()];
    let mut p = 0;
    for &i in x_order {
        let r = x.row(i);
        while p < y_order.len() && cmp_rows(y.row(y_order[p]), r) == Ordering::Less {
            p += 1;
        }
        if p < y_order.len() && cmp_rows(y.row(y_order[p]), r) == Ordering::Equal {
            out[i] = Some(y_order[p]);
        }
    }
    out
}

/// `true` if no two rows of `x` are equal, no two rows of `y` are equal and no row of `x`
/// equals a row of `y` (equality as [`cmp_rows`]), found with one open-addressing hash table
/// (rows hashed by their bits, `−0.0` as `0.0`; rows with equal hashes are compared exactly):
/// `O(n + m)` expected, several times cheaper than the sorts of [`apply`]'s full analysis,
/// which is only needed when this returns `false`. Also `false` (undecided) if a value is
/// NaN, which [`cmp_rows`] treats as equal to anything.
fn surely_distinct(x: &Points<'_>, y: Option<&Points<'_>>) -> bool {
    let nx = x.len();
    let total = nx + y.map_or(0, |y| y.len());
    if total >= u32::MAX as usize / 2 || x.dim() == 0 {
        return false;
    }
    let bits = (2 * total).next_power_of_two().max(16).trailing_zeros();
    let mut table = vec![u32::MAX; 1usize << bits];
    let mask = (1usize << bits) - 1;
    let row = |g: usize| match y {
        Some(y) if g >= nx => y.row(g - nx),
        _ => x.row(g),
    };
    for g in 0..total {
        let r = row(g);
        let mut h = 0u64;
        for &v in r {
            if v.is_nan() {
                return false;
            }
            let b = if v == 0.0 { 0 } else { v.to_bits() };
            h = (h.rotate_left(23) ^ b).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
        let mut slot = (h >> (64 - bits)) as usize;
        loop {
            let e = table[slot];
            if e == u32::MAX {
                table[slot] = g as u32;
                break;
            }
            if cmp_rows(row(e as usize), r) == Ordering::Equal {
                return false;
            }
            slot = (slot + 1) & mask;
        }
    }
    true
}

/// The samples after the policy, and the report.
pub(crate) struct Cleaned<'a> {
    pub(crate) x: Cow<'a, [f64]>,
    pub(crate) y: Option<Cow<'a, [f64]>>,
    pub(crate) report: DuplicateReport,
}

/// Applies the policy to `x` (and `y`, for two-sample estimators). Samples must be validated.
pub(crate) fn apply<'a>(
    x: Points<'a>,
    y: Option<Points<'a>>,
    policy: Duplicates,
) -> Result<Cleaned<'a>> {
    policy.validate()?;
    if surely_distinct(&x, y.as_ref()) {
        return Ok(Cleaned {
            x: Cow::Borrowed(x.data()),
            y: y.map(|y| Cow::Borrowed(y.data())),
            report: DuplicateReport {
                policy,
                ..DuplicateReport::default()
            },
        });
    }
    let xo = sorted_rows(&x);
    let xf = first_equal(&x, &xo);
    let yo = y.map(|y| sorted_rows(&y));
    let yf = match (&y, &yo) {
        (Some(y), Some(o)) => first_equal(y, o),
        _ => Vec::new(),
    };
    let cross = match (&y, &yo) {
        (Some(y), Some(o)) => match_in(&x, &xo, y, o),
        _ => vec![None; x.len()],
    };
    let dup_x: Vec<usize> = (0..x.len()).filter(|&i| xf[i] != i).collect();
    let dup_y: Vec<usize> = (0..yf.len()).filter(|&j| yf[j] != j).collect();
    let across: Vec<usize> = (0..x.len()).filter(|&i| cross[i].is_some()).collect();
    let mut report = DuplicateReport {
        policy,
        within_p: dup_x.len(),
        within_q: dup_y.len(),
        across: across.len(),
        changed: 0,
    };
    let total = dup_x.len() + dup_y.len() + across.len();
    let borrowed = |report| Cleaned {
        x: Cow::Borrowed(x.data()),
        y: y.map(|y| Cow::Borrowed(y.data())),
        report,
    };
    if total == 0 {
        return Ok(borrowed(report));
    }
    match policy {
        Duplicates::Error => {
            // The example: the first duplicate of p, else of q, else the first coincidence.
            let (arg, index, other, equal_to) = if let Some(&i) = dup_x.first() {
                (Arg::P, i, Arg::P, xf[i])
            } else if let Some(&j) = dup_y.first() {
                (Arg::Q, j, Arg::Q, yf[j])
            } else {
                let i = across[0];
                (Arg::P, i, Arg::Q, cross[i].unwrap_or(0))
            };
            Err(Error::DuplicatePoints {
                arg,
                count: total,
                index,
                other,
                equal_to,
            })
        }
        Duplicates::Dedup => {
            let d = x.dim();
            let keep = |p: &Points<'_>, first: &[usize]| -> Vec<f64> {
                let mut out = Vec::with_capacity(p.data().len());
                for (i, &f) in first.iter().enumerate() {
                    if f == i {
                        out.extend_from_slice(p.row(i));
                    }
                }
                debug_assert_eq!(out.len() % d, 0);
                out
            };
            report.changed = dup_x.len() + dup_y.len();
            Ok(Cleaned {
                x: if dup_x.is_empty() {
                    Cow::Borrowed(x.data())
                } else {
                    Cow::Owned(keep(&x, &xf))
                },
                y: y.map(|yp| {
                    if dup_y.is_empty() {
                        Cow::Borrowed(yp.data())
                    } else {
                        Cow::Owned(keep(&yp, &yf))
                    }
                }),
                report,
            })
        }
        Duplicates::Jitter { scale, seed } => {
            let d = x.dim();
            // Rows involved: every member of a duplicate group and every coincidence.
            let mut hit_x = vec![false; x.len()];
            let mut hit_y = vec![false; yf.len()];
            for &i in &dup_x {
                hit_x[i] = true;
                hit_x[xf[i]] = true;
            }
            for &j in &dup_y {
                hit_y[j] = true;
                hit_y[yf[j]] = true;
            }
            let mut root_hit = vec![false; yf.len()];
            for &i in &across {
                hit_x[i] = true;
                if let Some(j) = cross[i] {
                    root_hit[yf[j]] = true;
                }
            }
            // Every q-row equal to a coincident one.
            for (jj, &f) in yf.iter().enumerate() {
                if root_hit[f] {
                    hit_y[jj] = true;
                }
            }
            // Spread of each coordinate over both samples.
            let mut s = vec![0.0; d];
            let all: Vec<&[f64]> = std::iter::once(x.data())
                .chain(y.map(|y| y.data()))
                .collect();
            let count = all.iter().map(|a| a.len() / d).sum::<usize>() as f64;
            for (c, sc) in s.iter_mut().enumerate() {
                let mean = all
                    .iter()
                    .flat_map(|a| a.iter().skip(c).step_by(d))
                    .sum::<f64>()
                    / count;
                let var = all
                    .iter()
                    .flat_map(|a| a.iter().skip(c).step_by(d))
                    .map(|v| (v - mean) * (v - mean))
                    .sum::<f64>()
                    / count;
                *sc = if var > 0.0 { var.sqrt() } else { 1.0 };
            }
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let mut jitter = |p: &Points<'_>, hit: &[bool]| -> Vec<f64> {
                let mut out = p.data().to_vec();
                for (i, &h) in hit.iter().enumerate() {
                    if h {
                        for c in 0..d {
                            let z: f64 = StandardNormal.sample(&mut rng);
                            out[i * d + c] += scale * s[c] * z;
                        }
                    }
                }
                out
            };
            let nx = jitter(&x, &hit_x);
            let ny = y.map(|yp| jitter(&yp, &hit_y));
            report.changed =
                hit_x.iter().filter(|&&h| h).count() + hit_y.iter().filter(|&&h| h).count();
            // Check that the noise separated every point (it does unless the scale underflows).
            let again = apply(
                Points::new(&nx, d),
                ny.as_deref().map(|v| Points::new(v, d)),
                Duplicates::Error,
            );
            again?;
            Ok(Cleaned {
                x: Cow::Owned(nx),
                y: ny.map(Cow::Owned),
                report,
            })
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn error_policy_counts_and_names_an_example() {
        let x = [0.0, 0.0, 1.0, 1.0, 0.0, 0.0, 2.0, 2.0, 1.0, 1.0];
        let y = [5.0, 5.0, 6.0, 6.0];
        let e = apply(
            Points::new(&x, 2),
            Some(Points::new(&y, 2)),
            Duplicates::Error,
        );
        assert_eq!(
            e.err(),
            Some(Error::DuplicatePoints {
                arg: Arg::P,
                count: 2,
                index: 2,
                other: Arg::P,
                equal_to: 0
            })
        );
        let x2 = [0.0, 0.0, 6.0, 6.0];
        let e = apply(
            Points::new(&x2, 2),
            Some(Points::new(&y, 2)),
            Duplicates::Error,
        );
        assert_eq!(
            e.err(),
            Some(Error::DuplicatePoints {
                arg: Arg::P,
                count: 1,
                index: 1,
                other: Arg::Q,
                equal_to: 1
            })
        );
        // −0.0 equals 0.0.
        let x3 = [0.0, -0.0];
        assert!(apply(Points::new(&x3, 1), None, Duplicates::Error).is_err());
    }

    #[test]
    fn dedup_keeps_first_occurrences_and_jitter_separates() {
        let x = [0.0, 0.0, 1.0, 1.0, 0.0, 0.0, 2.0, 2.0, 1.0, 1.0];
        let c = apply(Points::new(&x, 2), None, Duplicates::Dedup).unwrap();
        assert_eq!(&*c.x, &[0.0, 0.0, 1.0, 1.0, 2.0, 2.0]);
        assert_eq!(c.report.within_p, 2);
        assert_eq!(c.report.changed, 2);
        let c = apply(
            Points::new(&x, 2),
            None,
            Duplicates::Jitter {
                scale: 1e-3,
                seed: 1,
            },
        )
        .unwrap();
        assert_eq!(c.report.changed, 4);
        // Row 3 (2, 2) is unique and untouched; the others moved by a little.
        assert_eq!(&c.x[6..8], &[2.0, 2.0]);
        for (a, b) in c.x.iter().zip(&x) {
            assert!((a - b).abs() < 0.01);
        }
        assert_ne!(&c.x[..2], &x[..2]);
        let again = apply(
            Points::new(&x, 2),
            None,
            Duplicates::Jitter {
                scale: 1e-3,
                seed: 1,
            },
        )
        .unwrap();
        assert_eq!(again.x, c.x);
    }

    #[test]
    fn hash_check_agrees_with_the_sorted_analysis() {
        // Few distinct values: every kind of coincidence, and signed zeros.
        let vals = [-2.5, -0.0, 0.0, 1.0, 3.0];
        for d in [1usize, 2, 3] {
            for n in [1usize, 2, 3, 5, 8, 40] {
                for shift in 0..7 {
                    let x: Vec<f64> = (0..n * d)
                        .map(|t| vals[(t * 7 + t / 3 + shift) % vals.len()])
                        .collect();
                    let y: Vec<f64> = (0..3 * d)
                        .map(|t| vals[(t * 3 + shift) % vals.len()] + 0.5)
                        .collect();
                    let (xp, yp) = (Points::new(&x, d), Points::new(&y, d));
                    for y in [None, Some(&yp)] {
                        let full = {
                            let xo = sorted_rows(&xp);
                            let xf = first_equal(&xp, &xo);
                            let mut dup = (0..n).any(|i| xf[i] != i);
                            if let Some(y) = y {
                                let yo = sorted_rows(y);
                                let yf = first_equal(y, &yo);
                                dup |= (0..y.len()).any(|j| yf[j] != j);
                                dup |= match_in(&xp, &xo, y, &yo).iter().any(Option::is_some);
                            }
                            dup
                        };
                        assert_eq!(surely_distinct(&xp, y), !full, "d = {d} n = {n} {shift}");
                    }
                }
            }
        }
        assert!(!surely_distinct(&Points::new(&[0.0, -0.0], 1), None));
        assert!(surely_distinct(&Points::new(&[0.0, 1.0], 1), None));
        assert!(!surely_distinct(&Points::new(&[f64::NAN, 1.0], 1), None));
    }

    #[test]
    fn keyed_row_sort_gives_the_comparator_order() {
        // Few distinct values (many ties in the first coordinate and whole duplicate rows),
        // signed zeros and negative values.
        let vals = [-2.5, -0.0, 0.0, 1.0, 3.0, -1e-300];
        for d in [1usize, 2, 3] {
            let n = 500;
            let data: Vec<f64> = (0..n * d)
                .map(|t| vals[(t * 7 + t / 3) % vals.len()])
                .collect();
            let p = Points::new(&data, d);
            let mut want: Vec<usize> = (0..n).collect();
            want.sort_by(|&a, &b| cmp_rows(p.row(a), p.row(b)).then(a.cmp(&b)));
            assert_eq!(sorted_rows(&p), want, "d = {d}");
        }
    }
}
