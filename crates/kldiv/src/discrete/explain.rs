//! Per-outcome explanation of a KL divergence: which outcomes make `p` and `q` differ.

use super::kl::nats_with_support;
use super::options::Options;
use super::prepare::{Kind, prepare, same_length};
use crate::error::{Arg, Result};
use crate::kernels::{self, kl_term};
use crate::real::Element;
use crate::units::{Base, Quantity};

/// One outcome's share of `D(p‖q)`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Term {
    /// Index of the outcome.
    pub index: usize,
    /// `p_i` after normalisation and smoothing.
    pub p: f64,
    /// `q_i` after normalisation and smoothing.
    pub q: f64,
    /// `p_i ln(p_i/q_i)` in the unit of the explanation (`+∞` where `q_i = 0 < p_i`). Terms are
    /// negative where `q` puts more mass than `p`.
    pub contribution: f64,
}

/// Why `D(p‖q)` has the value it has: the largest terms, and the outcomes where the support
/// of `p` escapes the support of `q`.
#[derive(Debug, Clone, PartialEq)]
pub struct Explanation {
    /// The divergence itself (`+∞` if any outcome is unsupported).
    pub total: Quantity,
    /// Up to `top` terms, largest contribution first (unsupported outcomes, with `+∞`, first).
    pub terms: Vec<Term>,
    /// Indices with `p_i > 0 = q_i`, in increasing order, at most `top` of them.
    pub unsupported: Vec<usize>,
    /// How many outcomes have `p_i > 0 = q_i` in all.
    pub unsupported_count: usize,
    /// Total `p`-mass on those outcomes.
    pub mass_outside: f64,
    /// Unit of `total` and of each contribution.
    pub unit: Base,
}

/// Explains `D(p‖q)`: the `top` largest per-outcome terms `p_i ln(p_i/q_i)` and the outcomes
/// where `q_i = 0 < p_i`. Same options and errors as [`super::kl`], except that missing support
/// is reported here rather than raised, whatever `opts.support` says.
///
/// ```
/// use kldiv::discrete::{explain, Options};
/// let e = explain(&[0.5, 0.3, 0.2], &[0.5, 0.5, 0.0], &Options::default(), 3).unwrap();
/// assert!(e.total.is_infinite());
/// assert_eq!(e.unsupported, vec![2]);
/// assert!((e.mass_outside - 0.2).abs() < 1e-15);
/// assert_eq!(e.terms[0].index, 2); // the unsupported outcome explains the +∞
/// ```
pub fn explain<T: Element>(p: &[T], q: &[T], opts: &Options, top: usize) -> Result<Explanation> {
    opts.validate()?;
    same_length(p.len(), q.len())?;
    let tp = prepare(p, Arg::P, opts, Kind::Distribution)?;
    let tq = prepare(q, Arg::Q, opts, Kind::Distribution)?;
    let sum = kernels::kl(p, q, tp, tq);
    let total = Quantity::from_nats(nats_with_support(sum, super::Support::Infinite)?, opts.base)?;
    let l = opts.base.ln_base()?;
    let mut terms: Vec<Term> = Vec::new();
    let mut unsupported = Vec::new();
    for (index, (&a, &b)) in p.iter().zip(q).enumerate() {
        let pv = tp.apply(a.to_f64());
        if pv == 0.0 {
            continue;
        }
        let qv = tq.apply(b.to_f64());
        let contribution = if qv == 0.0 {
            if unsupported.len() < top {
                unsupported.push(index);
            }
            f64::INFINITY
        } else {
            kl_term(pv, qv) / l
        };
        terms.push(Term {
            index,
            p: pv,
            q: qv,
            contribution,
        });
    }
    terms.sort_by(|a, b| {
        b.contribution
            .total_cmp(&a.contribution)
            .then(a.index.cmp(&b.index))
    });
    terms.truncate(top);
    Ok(Explanation {
        total,
        terms,
        unsupported,
        unsupported_count: sum.unsupported,
        mass_outside: sum.mass_outside,
        unit: opts.base,
    })
}
