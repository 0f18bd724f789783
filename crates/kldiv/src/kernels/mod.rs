//! The hot loops of the discrete measures.
//!
//! Every discrete measure reduces to one pass over one or two arrays that maps each entry
//! through an [`Affine`] transform (which carries normalisation and smoothing, so no smoothed
//! copy is ever allocated), evaluates one term per outcome, and accumulates the terms in `f64`
//! with compensated summation ([`crate::sum::Neumaier`]), whatever the input type.
//!
//! This module is the only place meant for vectorised code and runtime CPU dispatch; the
//! functions here are the scalar reference implementations that faster variants must match.

mod fastmath;
mod terms;

pub use fastmath::{fast_exp, fast_ln};
pub use terms::{kl_term, ln_ratio};

use crate::real::Element;
use crate::sum::Neumaier;

/// The map `x ↦ scale · max(x, floor) + shift` applied to every raw entry before its term is
/// evaluated. It expresses every normalisation and smoothing option of
/// [`crate::discrete::Options`]; the identity is `scale = 1, shift = 0, floor = 0`, which
/// leaves every non-negative entry bit-for-bit unchanged.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Affine {
    /// Multiplier applied after the floor.
    pub scale: f64,
    /// Added after scaling.
    pub shift: f64,
    /// Lower bound applied to the raw entry first.
    pub floor: f64,
}

impl Affine {
    /// The identity map.
    pub const IDENTITY: Affine = Affine {
        scale: 1.0,
        shift: 0.0,
        floor: 0.0,
    };

    /// Applies the map to one raw entry.
    #[inline(always)]
    pub fn apply(&self, x: f64) -> f64 {
        let y = if x < self.floor { self.floor } else { x };
        self.scale * y + self.shift
    }
}

/// The result of a reduction whose terms can be infinite because `p > 0` where `q = 0`.
///
/// `finite` is the compensated sum of the finite terms (nats); outcomes with `p > 0 = q` are
/// counted instead of summed, so the caller decides between `+∞` and an error.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct SupportedSum {
    /// Sum of the finite terms, in nats.
    pub finite: f64,
    /// Number of outcomes with `p > 0` and `q = 0`.
    pub unsupported: usize,
    /// First such outcome.
    pub first_unsupported: Option<usize>,
    /// `p` (after its transform) at `first_unsupported`.
    pub first_p: f64,
    /// Total transformed `p`-mass on such outcomes.
    pub mass_outside: f64,
}

impl SupportedSum {
    #[inline(always)]
    fn miss(&mut self, i: usize, pv: f64, mass: &mut Neumaier) {
        if self.first_unsupported.is_none() {
            self.first_unsupported = Some(i);
            self.first_p = pv;
        }
        self.unsupported += 1;
        mass.add(pv);
    }
}

/// Σ p ln(p/q) over transformed entries, with `0 ln(0/q) = 0`.
pub fn kl<T: Element>(p: &[T], q: &[T], tp: Affine, tq: Affine) -> SupportedSum {
    let mut acc = Neumaier::new();
    let mut mass = Neumaier::new();
    let mut out = SupportedSum::default();
    for (i, (&a, &b)) in p.iter().zip(q).enumerate() {
        let pv = tp.apply(a.to_f64());
        if pv == 0.0 {
            continue;
        }
        let qv = tq.apply(b.to_f64());
        if qv == 0.0 {
            out.miss(i, pv, &mut mass);
            continue;
        }
        acc.add(kl_term(pv, qv));
    }
    out.finite = acc.total();
    out.mass_outside = mass.total();
    out
}

/// −Σ p ln q over transformed entries (cross-entropy), with `0 ln q = 0`.
pub fn cross_entropy<T: Element>(p: &[T], q: &[T], tp: Affine, tq: Affine) -> SupportedSum {
    let mut acc = Neumaier::new();
    let mut mass = Neumaier::new();
    let mut out = SupportedSum::default();
    for (i, (&a, &b)) in p.iter().zip(q).enumerate() {
        let pv = tp.apply(a.to_f64());
        if pv == 0.0 {
            continue;
        }
        let qv = tq.apply(b.to_f64());
        if qv == 0.0 {
            out.miss(i, pv, &mut mass);
            continue;
        }
        acc.add(-pv * qv.ln());
    }
    out.finite = acc.total();
    out.mass_outside = mass.total();
    out
}

/// Σ [p ln(p/q) − p + q] over transformed entries (generalized KL of non-negative measures);
/// `p = 0` contributes `q`.
pub fn generalized_kl<T: Element>(p: &[T], q: &[T], tp: Affine, tq: Affine) -> SupportedSum {
    let mut acc = Neumaier::new();
    let mut mass = Neumaier::new();
    let mut out = SupportedSum::default();
    for (i, (&a, &b)) in p.iter().zip(q).enumerate() {
        let pv = tp.apply(a.to_f64());
        let qv = tq.apply(b.to_f64());
        if pv == 0.0 {
            acc.add(qv);
            continue;
        }
        if qv == 0.0 {
            out.miss(i, pv, &mut mass);
            continue;
        }
        acc.add(kl_term(pv, qv));
        acc.add(qv - pv);
    }
    out.finite = acc.total();
    out.mass_outside = mass.total();
    out
}

/// −Σ p ln p over transformed entries (Shannon entropy, nats), with `0 ln 0 = 0`.
pub fn entropy<T: Element>(p: &[T], tp: Affine) -> f64 {
    let mut acc = Neumaier::new();
    for &a in p {
        let pv = tp.apply(a.to_f64());
        if pv > 0.0 {
            acc.add(-pv * pv.ln());
        }
    }
    acc.total()
}

/// Weighted Jensen–Shannon divergence in nats:
/// `Σ w_p·p ln(p/m) + w_q·q ln(q/m)` with `m = w_p·p + w_q·q`. Always finite.
pub fn js<T: Element>(p: &[T], q: &[T], tp: Affine, tq: Affine, wp: f64, wq: f64) -> f64 {
    let mut acc = Neumaier::new();
    for (&a, &b) in p.iter().zip(q) {
        let pv = tp.apply(a.to_f64());
        let qv = tq.apply(b.to_f64());
        let m = wp * pv + wq * qv;
        if m == 0.0 {
            continue;
        }
        if pv > 0.0 && wp > 0.0 {
            acc.add(wp * kl_term(pv, m));
        }
        if qv > 0.0 && wq > 0.0 {
            acc.add(wq * kl_term(qv, m));
        }
    }
    acc.total()
}

/// Compensated sum of the transformed entries (the total mass after the transform).
pub fn mass<T: Element>(x: &[T], t: Affine) -> f64 {
    let mut acc = Neumaier::new();
    for &a in x {
        acc.add(t.apply(a.to_f64()));
    }
    acc.total()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_transform_is_exact() {
        for x in [0.0, 1e-300, 0.3, 1.0, 5e-324] {
            assert_eq!(Affine::IDENTITY.apply(x), x);
        }
    }

    #[test]
    fn kl_two_outcomes() {
        let s = kl(&[0.5, 0.5], &[0.9, 0.1], Affine::IDENTITY, Affine::IDENTITY);
        assert!((s.finite - 0.510_825_623_765_990_7).abs() < 1e-15);
        assert_eq!(s.unsupported, 0);
    }

    #[test]
    fn unsupported_outcomes_are_counted() {
        let s = kl(
            &[0.2, 0.3, 0.5],
            &[0.0, 1.0, 0.0],
            Affine::IDENTITY,
            Affine::IDENTITY,
        );
        assert_eq!(s.unsupported, 2);
        assert_eq!(s.first_unsupported, Some(0));
        assert!((s.mass_outside - 0.7).abs() < 1e-15);
    }
}
