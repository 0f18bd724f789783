//! Runtime CPU dispatch for callers outside this module (the loss row kernels): run a
//! [`Kernel`] compiled for AVX2 + FMA when the CPU has them. (The discrete reductions use the
//! crate-private `dispatch` macro instead.)

/// A unit of work for [`vectorized`]. Implementations mark [`Kernel::run`] `#[inline(always)]`
/// (and so must be every kernel it calls), so that its body is compiled inside the
/// feature-enabled function.
pub trait Kernel {
    /// What the kernel returns.
    type Output;
    /// Does the work.
    fn run(self) -> Self::Output;
    /// The same work, allowed to use fused multiply-adds (`f32::mul_add`, e.g. through
    /// [`super::fast_exp_f32_fma`]); [`vectorized`] calls it inside the function compiled
    /// for AVX2 + FMA, and [`Kernel::run`] everywhere else. Results may differ from `run`'s in
    /// the last bits (they are deterministic for a given CPU). Defaults to `run`.
    fn run_fma(self) -> Self::Output
    where
        Self: Sized,
    {
        self.run()
    }
}

/// Runs `k` inside a function compiled with AVX2 and FMA enabled when the running CPU supports
/// both (checked at run time, cached by the standard library), and as ordinary code otherwise.
///
/// With `#[inline(always)]` on [`Kernel::run`] and on the kernels it calls
/// ([`super::fast_exp`], [`super::fast_exp_f32`], [`super::ln_f64`], the loss row kernels),
/// the compiler uses 256-bit vectors for them. The AVX2 path calls [`Kernel::run_fma`] (by
/// default [`Kernel::run`]): kernels that use fused multiply-adds there can differ from the
/// portable path in the last bits; otherwise results are identical on both paths (no
/// floating-point contraction is introduced).
///
/// ```
/// use kldiv::kernels::{Kernel, fast_exp, vectorized};
/// struct SumExp<'a>(&'a [f64]);
/// impl Kernel for SumExp<'_> {
///     type Output = f64;
///     #[inline(always)]
///     fn run(self) -> f64 {
///         self.0.iter().map(|&x| fast_exp(x)).sum()
///     }
/// }
/// let y = vectorized(SumExp(&[0.0, 1.0, 2.0]));
/// assert!((y - (1.0 + 1f64.exp() + 2f64.exp())).abs() < 1e-14);
/// ```
#[inline]
pub fn vectorized<K: Kernel>(k: K) -> K::Output {
    #[cfg(target_arch = "x86_64")]
    {
        if std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma") {
            #[target_feature(enable = "avx2,fma")]
            fn avx2<K: Kernel>(k: K) -> K::Output {
                k.run_fma()
            }
            // SAFETY: the CPU supports AVX2 and FMA, checked just above; `avx2` has no other
            // precondition.
            #[allow(unsafe_code)]
            return unsafe { avx2(k) };
        }
    }
    k.run()
}
