//! AVX2 lane accumulators: the TwoSum of [`super::lanes::Lanes`] on two pairs of 256-bit
//! registers, operation for operation, so both give the same bits.
//!
//! Only instantiated inside the `#[target_feature(enable = "avx2,fma")]` kernels of
//! [`super::dispatch`], which run after the CPU has been checked.
#![allow(unsafe_code)]

use super::lanes::{Accumulator, L};
use crate::sum::Neumaier;
use std::arch::x86_64::{
    __m256d, _mm256_add_pd, _mm256_loadu_pd, _mm256_setzero_pd, _mm256_storeu_pd, _mm256_sub_pd,
};

/// Eight compensated lanes in four AVX registers.
#[derive(Clone, Copy)]
pub(crate) struct Avx2Lanes {
    s: [__m256d; 2],
    c: [__m256d; 2],
}

impl Accumulator for Avx2Lanes {
    const FMA: bool = true;

    #[inline(always)]
    fn new() -> Self {
        // SAFETY: only used inside functions compiled with AVX enabled, on CPUs that have it
        // (see the module docs).
        let z = unsafe { _mm256_setzero_pd() };
        Avx2Lanes {
            s: [z, z],
            c: [z, z],
        }
    }

    #[inline(always)]
    fn add(&mut self, x: &[f64; L]) {
        // SAFETY: as in `new`; the loads read 2 × 4 in-bounds elements of `x`.
        unsafe {
            for h in 0..2 {
                let xv = _mm256_loadu_pd(x.as_ptr().add(4 * h));
                let s = self.s[h];
                let t = _mm256_add_pd(s, xv);
                let z = _mm256_sub_pd(t, s);
                let e = _mm256_add_pd(_mm256_sub_pd(s, _mm256_sub_pd(t, z)), _mm256_sub_pd(xv, z));
                self.c[h] = _mm256_add_pd(self.c[h], e);
                self.s[h] = t;
            }
        }
    }

    #[inline(always)]
    fn merge_into(&self, acc: &mut Neumaier) {
        let mut s = [0.0; L];
        let mut c = [0.0; L];
        // SAFETY: as in `new`; the stores write 2 × 4 in-bounds elements.
        unsafe {
            for h in 0..2 {
                _mm256_storeu_pd(s.as_mut_ptr().add(4 * h), self.s[h]);
                _mm256_storeu_pd(c.as_mut_ptr().add(4 * h), self.c[h]);
            }
        }
        for v in s {
            acc.add(v);
        }
        for v in c {
            acc.add(v);
        }
    }
}
