//! Streaming evaluation: a measure over inputs that arrive in chunks, for data larger than
//! memory (two 800 MB `.npy` files, say). The caller feeds aligned chunks of `p` and `q` once
//! per *pass*; the stream says how many passes it needs:
//!
//! 1. **statistics** — validate every entry (errors carry the global index) and total each
//!    input; when both transforms are known in advance (no smoothing, and
//!    [`Normalize::Check`] or [`Normalize::Assume`] on float data) this same pass also
//!    evaluates the measure, and the sum check happens at the end;
//! 2. **floor mass** — only for floor smoothing of counts or renormalised inputs:
//!    `Σ max(x, ε/c)`;
//! 3. **measure** — the kernel reductions with the final transforms.
//!
//! Chunks whose lengths are multiples of [`crate::kernels::BLOCK`] (except the last) give the
//! same bits as the in-memory function on the whole input; other chunkings agree to within the
//! kernels' error bound.
//!
//! ```
//! use kldiv::discrete::{Measure, Options, Stream};
//! let p = vec![0.25f64; 4];
//! let q = vec![0.1, 0.2, 0.3, 0.4];
//! let mut s = Stream::<f64>::new(Measure::Kl, &Options::default()).unwrap();
//! loop {
//!     for c in 0..2 {
//!         s.push(&p[2 * c..2 * c + 2], Some(&q[2 * c..2 * c + 2])).unwrap();
//!     }
//!     if !s.end_pass().unwrap() {
//!         break;
//!     }
//! }
//! let streamed = s.finish().unwrap().value;
//! let whole = kldiv::discrete::kl(&p, &q, &Options::default()).unwrap().value;
//! assert_eq!(streamed, whole);
//! ```

use super::kl::nats_with_support;
use super::measure::{Measure, kind_of, swap_args};
use super::options::{Normalize, Options, Smoothing};
use super::prepare::{Kind, Plan, check_entry, floor_transform, plan};
use crate::error::{Arg, Error, Result};
use crate::kernels::{Affine, Partial, dispatch, fold_blocks};
use crate::real::Element;
use crate::sum::Neumaier;
use crate::units::Quantity;
use std::marker::PhantomData;

/// What the next pass over the data is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pass {
    /// Validation and totals (and, when possible, the measure itself).
    Statistics,
    /// `Σ max(x, floor)` for floor smoothing.
    FloorMass,
    /// The measure.
    Measure,
    /// Nothing left: call [`Stream::finish`].
    Done,
}

#[derive(Debug, Clone, Copy, Default)]
struct Side {
    total: Neumaier,
    len: usize,
    floor: Option<f64>,
    floored: Neumaier,
    t: Option<Affine>,
}

/// A measure evaluated over chunked inputs. See the module documentation.
#[derive(Debug)]
pub struct Stream<T: Element> {
    measure: Measure,
    opts: Options,
    pass: Pass,
    fused: bool,
    p: Side,
    q: Side,
    acc: [Partial; 2],
    offset: usize,
    _t: PhantomData<T>,
}

fn identity_known(opts: &Options, arg: Arg, kind: Kind, is_count: bool) -> bool {
    if opts.smooths(arg) && opts.smoothing != Smoothing::None {
        return false;
    }
    kind == Kind::Measure
        || (!is_count && matches!(opts.normalize, Normalize::Check { .. } | Normalize::Assume))
}

impl<T: Element> Stream<T> {
    /// A stream for `measure` with `opts` (validated here).
    pub fn new(measure: Measure, opts: &Options) -> Result<Self> {
        opts.validate()?;
        let kind = kind_of(measure);
        let fused = identity_known(opts, Arg::P, kind, T::IS_COUNT)
            && identity_known(opts, Arg::Q, kind, T::IS_COUNT);
        let mut s = Stream {
            measure,
            opts: *opts,
            pass: Pass::Statistics,
            fused,
            p: Side::default(),
            q: Side::default(),
            acc: [Partial::default(); 2],
            offset: 0,
            _t: PhantomData,
        };
        if fused {
            s.p.t = Some(Affine::IDENTITY);
            s.q.t = Some(Affine::IDENTITY);
        }
        Ok(s)
    }

    /// The pass the next chunks belong to.
    pub fn pass(&self) -> Pass {
        self.pass
    }

    /// `true` if the statistics pass also evaluates the measure (one pass in all).
    pub fn single_pass(&self) -> bool {
        self.fused
    }

    /// Feeds the next aligned chunk of `p` and `q` (`q` is ignored by the entropy and required
    /// otherwise).
    pub fn push(&mut self, p: &[T], q: Option<&[T]>) -> Result<()> {
        let needs_q = self.measure.needs_q();
        let q = match (q, needs_q) {
            (Some(q), true) => {
                if q.len() != p.len() {
                    return Err(Error::LengthMismatch {
                        p_len: self.offset + p.len(),
                        q_len: self.offset + q.len(),
                    });
                }
                q
            }
            (None, true) => {
                return Err(Error::MissingQ {
                    measure: self.measure.name(),
                });
            }
            _ => p,
        };
        match self.pass {
            Pass::Statistics => {
                validate_into(p, Arg::P, self.offset, &mut self.p.total)?;
                if needs_q {
                    validate_into(q, Arg::Q, self.offset, &mut self.q.total)?;
                }
                self.p.len += p.len();
                self.q.len += q.len();
                if self.fused {
                    self.reduce(p, q)?;
                }
            }
            Pass::FloorMass => {
                for (side, x) in [(&mut self.p, p), (&mut self.q, q)] {
                    if let Some(f) = side.floor {
                        for &v in x {
                            let v = v.to_f64();
                            side.floored.add(if v < f { f } else { v });
                        }
                    }
                }
            }
            Pass::Measure => self.reduce(p, q)?,
            Pass::Done => {}
        }
        self.offset += p.len();
        Ok(())
    }

    fn reduce(&mut self, p: &[T], q: &[T]) -> Result<()> {
        let (tp, tq) = match (self.p.t, self.q.t) {
            (Some(a), Some(b)) => (a, b),
            _ => (Affine::IDENTITY, Affine::IDENTITY),
        };
        let start = self.offset;
        let n = p.len();
        let acc = std::mem::take(&mut self.acc[0]);
        self.acc[0] = match self.measure {
            Measure::Kl => fold_blocks(acc, n, |s, e| {
                dispatch::kl(&p[s..e], &q[s..e], tp, tq, start + s)
            }),
            Measure::ReverseKl | Measure::Jeffreys => fold_blocks(acc, n, |s, e| {
                dispatch::kl(&q[s..e], &p[s..e], tq, tp, start + s)
            }),
            Measure::CrossEntropy => fold_blocks(acc, n, |s, e| {
                dispatch::cross_entropy(&p[s..e], &q[s..e], tp, tq, start + s)
            }),
            Measure::GeneralizedKl => fold_blocks(acc, n, |s, e| {
                dispatch::generalized_kl(&p[s..e], &q[s..e], tp, tq, start + s)
            }),
            Measure::Entropy => fold_blocks(acc, n, |s, e| dispatch::entropy(&p[s..e], tp)),
            Measure::Js | Measure::JsDistance => fold_blocks(acc, n, |s, e| {
                dispatch::js(&p[s..e], &q[s..e], tp, tq, 0.5, 0.5)
            }),
        };
        if self.measure == Measure::Jeffreys {
            let acc = std::mem::take(&mut self.acc[1]);
            self.acc[1] = fold_blocks(acc, n, |s, e| {
                dispatch::kl(&p[s..e], &q[s..e], tp, tq, start + s)
            });
        }
        Ok(())
    }

    /// Ends the current pass. Returns `true` if another pass over the data is needed (feed the
    /// same chunks again from the start), `false` when the value is ready.
    pub fn end_pass(&mut self) -> Result<bool> {
        let kind = kind_of(self.measure);
        let needs_q = self.measure.needs_q();
        match self.pass {
            Pass::Statistics => {
                if self.p.len == 0 {
                    return Err(Error::Empty { arg: Arg::P });
                }
                let mut floors = false;
                for (arg, side) in [(Arg::P, &mut self.p), (Arg::Q, &mut self.q)] {
                    if arg == Arg::Q && !needs_q {
                        side.t = Some(Affine::IDENTITY);
                        continue;
                    }
                    let pl = plan(
                        side.total.total(),
                        side.len,
                        T::IS_COUNT,
                        T::EPS,
                        arg,
                        &self.opts,
                        kind,
                    )?;
                    if self.fused {
                        continue;
                    }
                    match pl {
                        Plan::Ready(t) => side.t = Some(t),
                        Plan::NeedsFloorMass { floor } => {
                            side.floor = Some(floor);
                            floors = true;
                        }
                    }
                }
                self.pass = if self.fused {
                    Pass::Done
                } else if floors {
                    Pass::FloorMass
                } else {
                    Pass::Measure
                };
            }
            Pass::FloorMass => {
                for side in [&mut self.p, &mut self.q] {
                    if let Some(f) = side.floor {
                        side.t = Some(floor_transform(f, side.floored.total()));
                    }
                }
                self.pass = Pass::Measure;
            }
            Pass::Measure | Pass::Done => self.pass = Pass::Done,
        }
        self.offset = 0;
        Ok(self.pass != Pass::Done)
    }

    /// The value, once [`Stream::end_pass`] has returned `false`.
    pub fn finish(self) -> Result<Quantity> {
        if self.pass != Pass::Done {
            return Err(Error::InvalidParameter {
                name: "pass",
                value: f64::NAN,
                reason: "the stream needs more passes over the data before finish()",
            });
        }
        let support = self.opts.support;
        let base = self.opts.base;
        let [a, b] = self.acc;
        let nats = match self.measure {
            Measure::Kl | Measure::CrossEntropy | Measure::GeneralizedKl => {
                nats_with_support(a.finish(), support)?
            }
            Measure::ReverseKl => nats_with_support(a.finish(), support).map_err(swap_args)?,
            Measure::Jeffreys => {
                nats_with_support(b.finish(), support)?
                    + nats_with_support(a.finish(), support).map_err(swap_args)?
            }
            Measure::Entropy | Measure::Js => a.finish().finite,
            Measure::JsDistance => {
                let d = base.from_nats(a.finish().finite)?;
                return Ok(Quantity::new(d.max(0.0).sqrt(), base));
            }
        };
        Quantity::from_nats(nats, base)
    }
}

fn validate_into<T: Element>(x: &[T], arg: Arg, offset: usize, total: &mut Neumaier) -> Result<()> {
    for (i, &v) in x.iter().enumerate() {
        let value = v.to_f64();
        check_entry(value, arg, offset + i)?;
        total.add(value);
    }
    Ok(())
}
