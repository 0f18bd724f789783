//! Runtime CPU dispatch: run a closure compiled for AVX2 + FMA when the CPU has them.

/// Runs `f` inside a function compiled with AVX2 and FMA enabled when the running CPU supports
/// both (checked at run time, cached by the standard library), and as ordinary code otherwise.
///
/// The closure's body is inlined into that function, and so are the `#[inline(always)]`
/// kernels it calls ([`super::fast_exp`], [`super::fast_ln`], the loss row kernels), which
/// lets the compiler use 256-bit vectors and fused multiply–adds for them. Results may differ
/// from the portable build in the last bits (FMA rounds once), never more.
///
/// ```
/// let y = kldiv::kernels::vectorized(|| (0..8).map(|i| kldiv::kernels::fast_exp(i as f64)).sum::<f64>());
/// assert!((y - (0..8).map(|i| (i as f64).exp()).sum::<f64>()).abs() < 1e-9);
/// ```
#[inline(always)]
pub fn vectorized<R, F: FnOnce() -> R>(f: F) -> R {
    #[cfg(target_arch = "x86_64")]
    {
        if std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma") {
            #[target_feature(enable = "avx2,fma")]
            fn avx2<R, F: FnOnce() -> R>(f: F) -> R {
                f()
            }
            // SAFETY: the CPU supports AVX2 and FMA, checked just above; `avx2` has no other
            // precondition.
            #[allow(unsafe_code)]
            return unsafe { avx2(f) };
        }
    }
    f()
}
