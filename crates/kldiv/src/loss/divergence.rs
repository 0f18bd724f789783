//! The entry point: a divergence between teacher and student rows, reduced, with gradients.

use rayon::prelude::*;
use std::marker::PhantomData;

use super::options::{Divergence, LossOptions, Reduction};
use super::rows;
use super::sparse;
use super::teacher::{AsLogit, AsProb, Encoding, Teacher};
use crate::error::{Arg, Error, Result};
use crate::kernels;
use crate::real::Real;
use crate::sum::Neumaier;

/// The value of a loss over a batch, in nats.
#[derive(Debug, Clone, PartialEq)]
pub struct Loss {
    /// The reduced value (for [`Reduction::None`], the sum of [`Self::rows`]).
    pub value: f64,
    /// Per-row values, `T²`-scaled if asked, **not** divided by the reduction; `0` for rows
    /// that are not counted.
    pub rows: Vec<f64>,
    /// Number of counted rows.
    pub counted: usize,
    /// The reduction applied.
    pub reduction: Reduction,
}

/// Caller-owned gradient buffers, `[B, V]` row-major like the logits. They are overwritten
/// (not accumulated into); rows that are not counted get zeros. On error their contents are
/// unspecified.
#[derive(Debug)]
pub struct Gradients<'a, T> {
    /// Gradient of the reduced loss w.r.t. the student logits.
    pub student: Option<&'a mut [T]>,
    /// Gradient w.r.t. the teacher logits (dense [`Teacher::Logits`] or
    /// [`Teacher::LogProbs`] only; log-probabilities are treated as logits).
    pub teacher: Option<&'a mut [T]>,
}

impl<T> Default for Gradients<'_, T> {
    /// No gradients.
    fn default() -> Self {
        Gradients::none()
    }
}

impl<'a, T> Gradients<'a, T> {
    /// No gradients: value only (one pass over each row for the KLs).
    pub fn none() -> Self {
        Gradients {
            student: None,
            teacher: None,
        }
    }

    /// The student gradient only.
    pub fn student(g: &'a mut [T]) -> Self {
        Gradients {
            student: Some(g),
            teacher: None,
        }
    }

    /// Both gradients.
    pub fn both(student: &'a mut [T], teacher: &'a mut [T]) -> Self {
        Gradients {
            student: Some(student),
            teacher: Some(teacher),
        }
    }
}

/// A divergence between teacher and student logits, row by row over a `[B, V]` batch, reduced,
/// with gradients written into caller buffers.
///
/// `student` holds `B·V` logits (row-major, `V = vocab`); `teacher` the targets in one of the
/// encodings of [`Teacher`]. At temperature `T`: `Q = softmax(s/T)`, `P = softmax(a/T)`; row
/// `b` has the value `c · D(P_b, Q_b)` with `c = T²` under
/// [`LossOptions::t2_scaling`] (else 1), and the reduced value combines the counted rows
/// ([`Reduction`]). Values are in nats, `≥ 0`, and `+∞` where a KL is infinite (a teacher zero
/// under student mass for the reverse KL; a student `−∞` logit under teacher mass for the
/// forward KL).
///
/// Gradients are those of the **reduced** value. Cost: one streaming pass over each row for a
/// KL value; two with gradients; JSD needs two for the value and three with gradients. No
/// `[B, V]` temporaries; rows run in parallel (rayon) and results do not depend on the number
/// of threads. Rows that are not counted are neither read nor validated.
///
/// # Errors
/// Shape mismatches ([`Error::Shape`], [`Error::WrongLength`]); NaN or `+∞` logits, negative
/// or non-finite probabilities ([`Error::NotFinite`], [`Error::Negative`], `p` = teacher,
/// `q` = student) and teacher rows that are not normalised ([`Error::NotNormalized`]), each
/// wrapped in [`Error::InRow`]; invalid options ([`Error::InvalidParameter`]).
///
/// ```
/// use kldiv::loss::{divergence, Divergence, Gradients, LossOptions, Teacher};
/// // One row, V = 2: teacher softmax(0, 0) = (½, ½), student softmax(0, ln 9) = (0.1, 0.9).
/// let teacher = [0.0, 0.0];
/// let student = [0.0, 9f64.ln()];
/// let mut grad = [0.0; 2];
/// let opts = LossOptions::new(Divergence::Forward);
/// let loss = divergence(Teacher::Logits(&teacher), &student, 2, &opts,
///                       Gradients::student(&mut grad)).unwrap();
/// // KL(P‖Q) = ½ ln(½/0.1) + ½ ln(½/0.9)
/// let exact = 0.5 * (5f64).ln() + 0.5 * (5.0f64 / 9.0).ln();
/// assert!((loss.value - exact).abs() < 1e-15);
/// // ∂/∂s = Q − P
/// assert!((grad[0] - (0.1 - 0.5)).abs() < 1e-15 && (grad[1] - (0.9 - 0.5)).abs() < 1e-15);
/// ```
pub fn divergence<T: Real>(
    teacher: Teacher<'_, T>,
    student: &[T],
    vocab: usize,
    opts: &LossOptions<'_>,
    grads: Gradients<'_, T>,
) -> Result<Loss> {
    if student.is_empty() {
        return Err(Error::Empty { arg: Arg::Q });
    }
    if vocab == 0 || student.len() % vocab != 0 {
        return Err(Error::Shape {
            arg: Arg::Q,
            len: student.len(),
            cols: vocab,
        });
    }
    let n_rows = student.len() / vocab;
    opts.validate(n_rows)?;
    let div = opts.divergence.resolve()?;
    let need = |what: &'static str, len: usize, expected: usize| {
        if len == expected {
            Ok(())
        } else {
            Err(Error::WrongLength {
                what,
                len,
                expected,
            })
        }
    };
    if let Some(g) = grads.student.as_deref() {
        need("grad_student", g.len(), student.len())?;
    }
    if let Some(g) = grads.teacher.as_deref() {
        need("grad_teacher", g.len(), student.len())?;
    }
    match teacher {
        Teacher::Logits(t) | Teacher::LogProbs(t) | Teacher::Probs(t) => {
            need("teacher", t.len(), student.len())?
        }
        Teacher::Sparse(sp) => {
            if sp.k == 0 {
                return Err(Error::InvalidParameter {
                    name: "k",
                    value: 0.0,
                    reason: "a sparse teacher needs k >= 1 entries per row",
                });
            }
            need("teacher indices", sp.indices.len(), n_rows * sp.k)?;
            need("teacher log_probs", sp.log_probs.len(), n_rows * sp.k)?;
            if div != Divergence::Forward || opts.temperature != 1.0 {
                return Err(Error::InvalidParameter {
                    name: "temperature",
                    value: opts.temperature,
                    reason: "a sparse teacher supports the forward KL at temperature 1 only",
                });
            }
        }
    }
    if grads.teacher.is_some() && matches!(teacher, Teacher::Probs(_) | Teacher::Sparse(_)) {
        return Err(Error::InvalidParameter {
            name: "grad_teacher",
            value: f64::NAN,
            reason: "the teacher gradient needs a teacher given as logits or log-probabilities",
        });
    }

    let counted: Vec<bool> = (0..n_rows).map(|b| opts.counted(b)).collect();
    let n_counted = counted.iter().filter(|&&c| c).count();
    let scale = opts.grad_scale();
    let g = scale * opts.row_weight(n_counted, vocab);
    let inv_t = 1.0 / opts.temperature;

    let gs_rows = split_rows(grads.student, vocab, n_rows);
    let gt_rows = split_rows(grads.teacher, vocab, n_rows);

    let results: Vec<Result<f64>> = gs_rows
        .into_par_iter()
        .zip(gt_rows)
        .enumerate()
        .map(|(b, (gs, gt))| {
            let s = &student[b * vocab..(b + 1) * vocab];
            if !counted[b] {
                for o in gs.into_iter().chain(gt) {
                    o.iter_mut().for_each(|v| *v = T::ZERO);
                }
                return Ok(0.0);
            }
            let d = match teacher {
                Teacher::Logits(t) => dense_row::<T, AsLogit>(
                    div,
                    s,
                    &t[b * vocab..(b + 1) * vocab],
                    inv_t,
                    g,
                    gs,
                    gt,
                ),
                Teacher::LogProbs(t) => {
                    let t = &t[b * vocab..(b + 1) * vocab];
                    check_log_probs(t, opts.norm_tol)?;
                    dense_row::<T, AsLogit>(div, s, t, inv_t, g, gs, gt)
                }
                Teacher::Probs(t) => {
                    let t = &t[b * vocab..(b + 1) * vocab];
                    check_probs(t, opts.norm_tol)?;
                    dense_row::<T, AsProb>(div, s, t, inv_t, g, gs, gt)
                }
                Teacher::Sparse(sp) => {
                    let (i0, i1) = (b * sp.k, (b + 1) * sp.k);
                    sparse::forward_row(
                        s,
                        &sp.indices[i0..i1],
                        &sp.log_probs[i0..i1],
                        opts.norm_tol,
                        g,
                        gs,
                    )
                }
            };
            d.map(|v| scale * v)
        })
        .collect();

    let mut rows = Vec::with_capacity(n_rows);
    for (b, r) in results.into_iter().enumerate() {
        rows.push(r.map_err(|e| e.in_row(b))?);
    }
    let mut total = Neumaier::new();
    rows.iter().for_each(|&v| total.add(v));
    let value = total.total() * reduce_factor(opts.reduction, n_counted, vocab);
    Ok(Loss {
        value,
        rows,
        counted: n_counted,
        reduction: opts.reduction,
    })
}

fn split_rows<T>(buf: Option<&mut [T]>, vocab: usize, n_rows: usize) -> Vec<Option<&mut [T]>> {
    match buf {
        Some(b) => b.chunks_mut(vocab).map(Some).collect(),
        None => (0..n_rows).map(|_| None).collect(),
    }
}

fn reduce_factor(r: Reduction, counted: usize, vocab: usize) -> f64 {
    super::options::reduction_weight(r, counted, vocab)
}

/// One dense row: value `D` (unscaled), gradients scaled by `g`; vectorised for the CPU.
fn dense_row<T: Real, E: Encoding>(
    div: Divergence,
    s: &[T],
    t: &[T],
    inv_t: f64,
    g: f64,
    gs: Option<&mut [T]>,
    gt: Option<&mut [T]>,
) -> Result<f64> {
    kernels::vectorized(DenseRow::<T, E> {
        div,
        s,
        t,
        inv_t,
        g,
        gs,
        gt,
        encoding: PhantomData,
    })
}

struct DenseRow<'a, T, E> {
    div: Divergence,
    s: &'a [T],
    t: &'a [T],
    inv_t: f64,
    g: f64,
    gs: Option<&'a mut [T]>,
    gt: Option<&'a mut [T]>,
    encoding: PhantomData<E>,
}

impl<T: Real, E: Encoding> kernels::Kernel for DenseRow<'_, T, E> {
    type Output = Result<f64>;
    #[inline(always)]
    fn run(self) -> Result<f64> {
        dense_row_impl::<T, E, false>(
            self.div, self.s, self.t, self.inv_t, self.g, self.gs, self.gt,
        )
    }
    #[inline(always)]
    fn run_fma(self) -> Result<f64> {
        dense_row_impl::<T, E, true>(
            self.div, self.s, self.t, self.inv_t, self.g, self.gs, self.gt,
        )
    }
}

/// One dense row; `F`: fused multiply-adds in the exponentials (the AVX2 + FMA path).
#[inline(always)]
fn dense_row_impl<T: Real, E: Encoding, const F: bool>(
    div: Divergence,
    s: &[T],
    t: &[T],
    inv_t: f64,
    g: f64,
    gs: Option<&mut [T]>,
    gt: Option<&mut [T]>,
) -> Result<f64> {
    rows::row::<T, E, F>(div, s, t, inv_t, g, gs, gt)
}

fn check_probs<T: Real>(t: &[T], tol: f64) -> Result<()> {
    let mut acc = Neumaier::new();
    for (i, &x) in t.iter().enumerate() {
        let x = x.to_f64();
        if !x.is_finite() {
            return Err(Error::NotFinite {
                arg: Arg::P,
                index: i,
                value: x,
            });
        }
        if x < 0.0 {
            return Err(Error::Negative {
                arg: Arg::P,
                index: i,
                value: x,
            });
        }
        acc.add(x);
    }
    check_sum(acc.total(), tol)
}

fn check_log_probs<T: Real>(t: &[T], tol: f64) -> Result<()> {
    let mut acc = Neumaier::new();
    for (i, &x) in t.iter().enumerate() {
        let x = x.to_f64();
        if x.is_nan() || x == f64::INFINITY {
            return Err(Error::NotFinite {
                arg: Arg::P,
                index: i,
                value: x,
            });
        }
        acc.add(x.exp());
    }
    check_sum(acc.total(), tol)
}

fn check_sum(sum: f64, tol: f64) -> Result<()> {
    let deviation = (sum - 1.0).abs();
    if deviation > tol {
        Err(Error::NotNormalized {
            arg: Arg::P,
            sum,
            deviation,
            tol,
        })
    } else {
        Ok(())
    }
}

#[cfg(all(test, target_arch = "x86_64"))]
mod tests {
    use super::*;

    /// Rows of seeded logits with the hard cases: a partial last block, masked (`−∞`)
    /// entries on either side, large logits.
    fn row<T: Real>(v: usize, seed: u64) -> Vec<T> {
        let mut x = seed;
        (0..v)
            .map(|i| {
                x = x
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                let u = (x >> 11) as f64 / (1u64 << 53) as f64;
                let y = if i % 97 == 13 {
                    f64::NEG_INFINITY
                } else if i % 89 == 7 {
                    1e4 * (u - 0.5)
                } else {
                    8.0 * (u - 0.5)
                };
                T::from_f64(y)
            })
            .collect()
    }

    fn both_paths_agree<T: Real>() {
        if !kernels::has_avx512() {
            return;
        }
        let v = 3 * rows::BLK * 70 + 37; // more than one fold, and a partial block
        let (s, t) = (row::<T>(v, 1), row::<T>(v, 2));
        for div in [
            Divergence::Forward,
            Divergence::Reverse,
            Divergence::Jsd { beta: 0.3 },
        ] {
            let run = |wide: bool| {
                let (mut gs, mut gt) = (vec![T::ZERO; v], vec![T::ZERO; v]);
                let k = DenseRow::<T, AsLogit> {
                    div,
                    s: &s,
                    t: &t,
                    inv_t: 1.0 / 1.7,
                    g: 0.5,
                    gs: Some(&mut gs),
                    gt: Some(&mut gt),
                    encoding: PhantomData,
                };
                // SAFETY: AVX-512 (and so AVX2 and FMA) checked above.
                #[allow(unsafe_code)]
                let value = unsafe {
                    if wide {
                        kernels::on_avx512(k)
                    } else {
                        kernels::on_avx2(k)
                    }
                };
                let bits = |g: &[T]| g.iter().map(|x| x.to_f64().to_bits()).collect::<Vec<_>>();
                (value.map(f64::to_bits), bits(&gs), bits(&gt))
            };
            assert_eq!(run(true), run(false), "{div:?}");
        }
    }

    #[test]
    fn avx512_and_avx2_rows_agree_bit_for_bit() {
        both_paths_agree::<f32>();
        both_paths_agree::<f64>();
    }
}
