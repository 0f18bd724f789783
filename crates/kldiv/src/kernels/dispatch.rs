//! Runtime CPU dispatch: each block kernel is compiled for the baseline ISA and, on x86-64,
//! once more with AVX2+FMA enabled; the latter is used when the CPU has it. Both variants
//! perform the same IEEE operations in the same order (no FMA contraction happens in Rust), so
//! they return identical bits. On aarch64 the baseline already includes NEON.
//!
//! This is the only `unsafe` in the crate: calling a `#[target_feature]` function, after
//! checking that the running CPU supports the feature.
#![allow(unsafe_code)]

use super::reference as r;
use super::{Affine, Partial, lanes};
use crate::real::Element;

#[cfg(target_arch = "x86_64")]
#[inline]
fn has_avx2() -> bool {
    std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma")
}

macro_rules! dispatched {
    ($name:ident, $avx2:ident, $any:ident, ($($arg:ident : $ty:ty),*), $body:expr) => {
        #[inline(always)]
        fn $any<T: Element>($($arg: $ty),*) -> Partial {
            $body
        }

        #[cfg(target_arch = "x86_64")]
        #[target_feature(enable = "avx2,fma")]
        unsafe fn $avx2<T: Element>($($arg: $ty),*) -> Partial {
            $any($($arg),*)
        }

        pub(crate) fn $name<T: Element>($($arg: $ty),*) -> Partial {
            #[cfg(target_arch = "x86_64")]
            if has_avx2() {
                // SAFETY: the CPU supports AVX2 and FMA, checked just above.
                return unsafe { $avx2($($arg),*) };
            }
            $any($($arg),*)
        }
    };
}

dispatched!(kl, kl_avx2, kl_any,
    (p: &[T], q: &[T], tp: Affine, tq: Affine, start: usize),
    lanes::kl(p, q, tp, tq, start, |a, b, s, acc| r::kl_into(a, b, tp, tq, s, acc)));

dispatched!(cross_entropy, cross_entropy_avx2, cross_entropy_any,
(p: &[T], q: &[T], tp: Affine, tq: Affine, start: usize),
lanes::cross_entropy(p, q, tp, tq, start, |a, b, s, acc| {
    r::cross_entropy_into(a, b, tp, tq, s, acc)
}));

dispatched!(generalized_kl, generalized_kl_avx2, generalized_kl_any,
(p: &[T], q: &[T], tp: Affine, tq: Affine, start: usize),
lanes::generalized_kl(p, q, tp, tq, start, |a, b, s, acc| {
    r::generalized_kl_into(a, b, tp, tq, s, acc)
}));

dispatched!(entropy, entropy_avx2, entropy_any,
    (p: &[T], tp: Affine),
    lanes::entropy(p, tp, |a, acc| r::entropy_into(a, tp, acc)));

dispatched!(js, js_avx2, js_any,
    (p: &[T], q: &[T], tp: Affine, tq: Affine, wp: f64, wq: f64),
    lanes::js(p, q, tp, tq, wp, wq, |a, b, acc| r::js_into(a, b, tp, tq, wp, wq, acc)));
