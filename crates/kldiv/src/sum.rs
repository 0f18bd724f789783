//! Accurate summation in `f64`.
//!
//! Sums of many terms of mixed sign (the terms `p ln(p/q)` of a KL divergence are negative
//! wherever `p < q`) lose digits in naive left-to-right summation: the error bound grows like
//! `n·ε·Σ|x|`. Neumaier's variant of Kahan summation keeps a running compensation and has an
//! error bound of `2ε·Σ|x|` independent of `n` (to first order), at the cost of a few extra
//! additions per term. The rounding error of each addition is recovered exactly with Knuth's
//! branch-free TwoSum (six flops, no data-dependent branch, so it pipelines well).

/// Neumaier–Kahan compensated accumulator.
///
/// ```
/// use kldiv::sum::Neumaier;
/// let mut s = Neumaier::new();
/// for x in [1.0, 1e100, 1.0, -1e100] {
///     s.add(x);
/// }
/// assert_eq!(s.total(), 2.0);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Neumaier {
    sum: f64,
    comp: f64,
}

impl Neumaier {
    /// An empty sum (zero).
    pub const fn new() -> Neumaier {
        Neumaier {
            sum: 0.0,
            comp: 0.0,
        }
    }

    /// Adds one term.
    #[inline(always)]
    pub fn add(&mut self, x: f64) {
        // TwoSum: t + err = sum + x exactly.
        let t = self.sum + x;
        let z = t - self.sum;
        let err = (self.sum - (t - z)) + (x - z);
        self.comp += err;
        self.sum = t;
    }

    /// Merges another partial sum into this one (used to combine per-thread or per-lane sums).
    #[inline]
    pub fn merge(&mut self, other: Neumaier) {
        self.add(other.sum);
        self.comp += other.comp;
    }

    /// The compensated total. Infinite terms give an infinite total (never NaN from the
    /// compensation itself).
    #[inline]
    pub fn total(&self) -> f64 {
        let t = self.sum + self.comp;
        if t.is_nan() && !self.sum.is_nan() {
            self.sum
        } else {
            t
        }
    }
}

/// Compensated sum of a slice of `f64`.
///
/// ```
/// assert_eq!(kldiv::sum::sum(&[0.1; 10]), 1.0);
/// ```
pub fn sum(xs: &[f64]) -> f64 {
    let mut s = Neumaier::new();
    for &x in xs {
        s.add(x);
    }
    s.total()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compensated_beats_naive() {
        let xs = vec![0.1; 1_000_000];
        let naive: f64 = xs.iter().sum();
        let exact = 100_000.0;
        assert!((sum(&xs) - exact).abs() <= (naive - exact).abs());
        assert!((sum(&xs) - exact).abs() < 1e-9);
    }

    #[test]
    fn merge_equals_sequential() {
        let mut a = Neumaier::new();
        let mut b = Neumaier::new();
        for i in 0..1000 {
            a.add(1.0 / (i as f64 + 1.0));
        }
        for i in 1000..2000 {
            b.add(1.0 / (i as f64 + 1.0));
        }
        a.merge(b);
        let mut s = Neumaier::new();
        for i in 0..2000 {
            s.add(1.0 / (i as f64 + 1.0));
        }
        assert!((a.total() - s.total()).abs() < 1e-15);
    }

    #[test]
    fn infinity_is_kept() {
        let mut s = Neumaier::new();
        s.add(1.0);
        s.add(f64::INFINITY);
        s.add(2.0);
        assert_eq!(s.total(), f64::INFINITY);
    }
}
