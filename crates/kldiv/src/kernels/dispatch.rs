//! Runtime CPU dispatch: each block kernel is compiled for the baseline ISA and, on x86-64,
//! twice more: with AVX2+FMA, and with AVX-512 (F, DQ, VL) on top; the widest one the running
//! CPU supports is used. The AVX2 and AVX-512 variants perform the same IEEE operations in the
//! same order (fused multiply-adds included, on 256- or 512-bit registers) and return
//! identical bits; the baseline variant performs no fused multiply-add (Rust never contracts
//! `a*b + c`), so its terms can differ from theirs by a few ulps (see the error bound in
//! `lanes`; tested below). On aarch64 the baseline already includes NEON. Results are
//! deterministic for a given CPU and independent of the thread count.
//!
//! The `unsafe` here (as in `vectorized.rs` and `avx2.rs`) is the call of a
//! `#[target_feature]` function after checking that the running CPU supports the feature.
#![allow(unsafe_code)]

use super::reference as r;
use super::{Affine, Partial, lanes};
use crate::real::Element;

#[cfg(target_arch = "x86_64")]
use super::vectorized::{has_avx2, has_avx512};

macro_rules! dispatched {
    ($name:ident, $avx512:ident, $avx2:ident, $any:ident, ($($arg:ident : $ty:ty),*), $body:expr) => {
        #[inline(always)]
        fn $any<T: Element>($($arg: $ty),*) -> Partial {
            type Acc = lanes::Lanes;
            $body
        }

        #[cfg(target_arch = "x86_64")]
        #[target_feature(enable = "avx2,fma")]
        unsafe fn $avx2<T: Element>($($arg: $ty),*) -> Partial {
            type Acc = super::avx2::Avx2Lanes;
            $body
        }

        #[cfg(target_arch = "x86_64")]
        #[target_feature(enable = "avx512f,avx512dq,avx512vl,avx2,fma")]
        unsafe fn $avx512<T: Element>($($arg: $ty),*) -> Partial {
            type Acc = super::avx2::Avx2Lanes;
            $body
        }

        pub(crate) fn $name<T: Element>($($arg: $ty),*) -> Partial {
            #[cfg(target_arch = "x86_64")]
            if has_avx512() {
                // SAFETY: the CPU supports AVX-512 F/DQ/VL, AVX2 and FMA, checked just above.
                return unsafe { $avx512($($arg),*) };
            }
            #[cfg(target_arch = "x86_64")]
            if has_avx2() {
                // SAFETY: the CPU supports AVX2 and FMA, checked just above.
                return unsafe { $avx2($($arg),*) };
            }
            $any($($arg),*)
        }
    };
}

dispatched!(kl, kl_avx512, kl_avx2, kl_any,
    (p: &[T], q: &[T], tp: Affine, tq: Affine, start: usize),
    lanes::kl::<T, Acc>(p, q, tp, tq, start, |a, b, s, acc| r::kl_into(a, b, tp, tq, s, acc)));

dispatched!(cross_entropy, cross_entropy_avx512, cross_entropy_avx2, cross_entropy_any,
(p: &[T], q: &[T], tp: Affine, tq: Affine, start: usize),
lanes::cross_entropy::<T, Acc>(p, q, tp, tq, start, |a, b, s, acc| {
    r::cross_entropy_into(a, b, tp, tq, s, acc)
}));

dispatched!(generalized_kl, generalized_kl_avx512, generalized_kl_avx2, generalized_kl_any,
(p: &[T], q: &[T], tp: Affine, tq: Affine, start: usize),
lanes::generalized_kl::<T, Acc>(p, q, tp, tq, start, |a, b, s, acc| {
    r::generalized_kl_into(a, b, tp, tq, s, acc)
}));

dispatched!(entropy, entropy_avx512, entropy_avx2, entropy_any,
    (p: &[T], tp: Affine),
    lanes::entropy::<T, Acc>(p, tp, |a, acc| r::entropy_into(a, tp, acc)));

dispatched!(js, js_avx512, js_avx2, js_any,
    (p: &[T], q: &[T], tp: Affine, tq: Affine, wp: f64, wq: f64),
    lanes::js::<T, Acc>(p, q, tp, tq, wp, wq, |a, b, acc| r::js_into(a, b, tp, tq, wp, wq, acc)));

dispatched!(kl_validating, kl_validating_avx512, kl_validating_avx2, kl_validating_any,
(p: &[T], q: &[T], start: usize),
lanes::validating::<T, Acc, true>(p, q, |a, b, s, acc| {
    r::kl_into(a, b, Affine::IDENTITY, Affine::IDENTITY, start + s, acc)
}));

dispatched!(cross_entropy_validating, cross_entropy_validating_avx512,
cross_entropy_validating_avx2, cross_entropy_validating_any,
(p: &[T], q: &[T], start: usize),
lanes::validating::<T, Acc, false>(p, q, |a, b, s, acc| {
    r::cross_entropy_into(a, b, Affine::IDENTITY, Affine::IDENTITY, start + s, acc)
}));

dispatched!(entropy_validating, entropy_validating_avx512, entropy_validating_avx2,
    entropy_validating_any,
    (p: &[T]),
    lanes::entropy_validating::<T, Acc>(p, |a, acc| r::entropy_into(a, Affine::IDENTITY, acc)));

dispatched!(mass, mass_avx512, mass_avx2, mass_any, (x: &[T], t: Affine), lanes::mass::<T, Acc>(x, t));

/// [`lanes::checked_sum`], dispatched. Returns the partial sum and the validity flag.
pub(crate) fn checked_sum<T: Element>(x: &[T]) -> (Partial, bool) {
    #[inline(always)]
    fn any<T: Element>(x: &[T]) -> (Partial, bool) {
        lanes::checked_sum::<T, lanes::Lanes>(x)
    }
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,fma")]
    unsafe fn avx2<T: Element>(x: &[T]) -> (Partial, bool) {
        lanes::checked_sum::<T, super::avx2::Avx2Lanes>(x)
    }
    #[cfg(target_arch = "x86_64")]
    if has_avx2() {
        // SAFETY: the CPU supports AVX2 and FMA, checked just above.
        return unsafe { avx2(x) };
    }
    any(x)
}

#[cfg(all(test, target_arch = "x86_64"))]
mod tests {
    use super::*;

    fn inputs() -> (Vec<f64>, Vec<f64>) {
        let n = 4099;
        let p: Vec<f64> = (0..n).map(|i| ((i * 7919) % 1000) as f64 * 1e-3).collect();
        let mut q: Vec<f64> = (0..n)
            .map(|i| ((i * 104_729) % 997 + 1) as f64 * 1e-3)
            .collect();
        q[17] = 0.0;
        q[2000] = 1e-310;
        (p, q)
    }

    /// Runs every dispatched kernel through `a` and `b` (two instantiations) and compares the
    /// results with `same`.
    macro_rules! compare_paths {
        ($same:expr, [$kl_a:ident, $ce_a:ident, $gkl_a:ident, $h_a:ident, $js_a:ident, $m_a:ident],
         [$kl_b:ident, $ce_b:ident, $gkl_b:ident, $h_b:ident, $js_b:ident, $m_b:ident]) => {{
            let (p, q) = inputs();
            let tp = Affine::IDENTITY;
            let tq = Affine {
                scale: 0.9,
                shift: 1e-5,
                floor: 0.0,
            };
            let same = $same;
            // SAFETY (all calls below): the callers checked the CPU features.
            #[allow(unused_unsafe)]
            unsafe {
                same($kl_a(&p, &q, tp, tq, 0), $kl_b(&p, &q, tp, tq, 0));
                same(
                    $kl_a(&p, &q, tp, Affine::IDENTITY, 0),
                    $kl_b(&p, &q, tp, Affine::IDENTITY, 0),
                );
                same($ce_a(&p, &q, tp, tq, 0), $ce_b(&p, &q, tp, tq, 0));
                same($gkl_a(&p, &q, tp, tq, 0), $gkl_b(&p, &q, tp, tq, 0));
                same($h_a(&p, tp), $h_b(&p, tp));
                same(
                    $js_a(&p, &q, tp, tq, 0.3, 0.7),
                    $js_b(&p, &q, tp, tq, 0.3, 0.7),
                );
                same($m_a(&q, tq), $m_b(&q, tq));
            }
        }};
    }

    /// The AVX-512 and AVX2 variants perform the same operations (fused multiply-adds
    /// included) in the same order, only on wider registers: same bits.
    #[test]
    fn avx512_and_avx2_paths_agree_bit_for_bit() {
        if !has_avx512() {
            return;
        }
        compare_paths!(
            |a: Partial, b: Partial| {
                let (a, b) = (a.finish(), b.finish());
                assert_eq!(a.finite.to_bits(), b.finite.to_bits());
                assert_eq!(a.first_unsupported, b.first_unsupported);
            },
            [
                kl_avx512,
                cross_entropy_avx512,
                generalized_kl_avx512,
                entropy_avx512,
                js_avx512,
                mass_avx512
            ],
            [
                kl_avx2,
                cross_entropy_avx2,
                generalized_kl_avx2,
                entropy_avx2,
                js_avx2,
                mass_avx2
            ]
        );
    }

    /// The AVX2 path evaluates the terms with fused multiply-adds, the portable path without:
    /// the terms differ by a few ulps (see the error bound in `lanes`), the sums by a few ulps
    /// of the sum of the magnitudes of the terms; which outcomes are unsupported is the same.
    #[test]
    fn avx2_and_portable_paths_agree_to_a_few_ulps() {
        if !has_avx2() {
            return;
        }
        compare_paths!(
            |a: Partial, b: Partial| {
                let (a, b) = (a.finish(), b.finish());
                // All terms here are of one sign or tiny: |sum| is the scale of the terms.
                let tol = 16.0 * f64::EPSILON * a.finite.abs().max(b.finite.abs());
                assert!(
                    (a.finite - b.finite).abs() <= tol,
                    "{} vs {}",
                    a.finite,
                    b.finite
                );
                assert_eq!(a.first_unsupported, b.first_unsupported);
                assert_eq!(a.unsupported, b.unsupported);
            },
            [
                kl_any,
                cross_entropy_any,
                generalized_kl_any,
                entropy_any,
                js_any,
                mass_any
            ],
            [
                kl_avx2,
                cross_entropy_avx2,
                generalized_kl_avx2,
                entropy_avx2,
                js_avx2,
                mass_avx2
            ]
        );
    }
}
