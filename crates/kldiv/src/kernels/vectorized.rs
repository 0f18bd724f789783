//! Runtime CPU dispatch for callers outside this module (the loss row kernels): run a
//! [`Kernel`] compiled for AVX-512 (F, DQ, VL) + AVX2 + FMA, or for AVX2 + FMA, whichever the
//! CPU has. (The discrete reductions use the
//! crate-private `dispatch` macro instead.)

/// A unit of work for [`vectorized`]. Implementations mark [`Kernel::run`] `#[inline(always)]`
/// (and so must be every kernel it calls), so that its body is compiled inside the
/// feature-enabled function.
pub trait Kernel {
    /// What the kernel returns.
    type Output;
    /// Whether [`vectorized`] may compile this kernel for AVX-512 (else AVX2 at most).
    /// Defaults to `true`; a kernel sets it to `false` when its AVX-512 code is wrong or slow
    /// (see the k-d tree's query kernel: rustc 1.95 / LLVM 22 miscompiles its Chebyshev
    /// `f64::max` reduction for AVX-512).
    const AVX512: bool = true;
    /// Does the work.
    fn run(self) -> Self::Output;
    /// The same work, allowed to use fused multiply-adds (`f32::mul_add`, e.g. through
    /// [`super::fast_exp_f32_fma`]); [`vectorized`] calls it inside the functions compiled
    /// for AVX-512 or AVX2 (both with FMA), and [`Kernel::run`] everywhere else. Results may differ from `run`'s in
    /// the last bits (they are deterministic for a given CPU). Defaults to `run`.
    fn run_fma(self) -> Self::Output
    where
        Self: Sized,
    {
        self.run()
    }
}

/// Runs `k` inside a function compiled with AVX-512 (F, DQ, VL), AVX2 and FMA enabled when
/// the running CPU supports them, else inside one compiled with AVX2 and FMA when it supports
/// those (checked at run time, cached by the standard library), and as ordinary code
/// otherwise.
///
/// With `#[inline(always)]` on [`Kernel::run`] and on the kernels it calls
/// ([`super::fast_exp`], [`super::fast_exp_f32`], [`super::ln_f64`], the loss row kernels),
/// the compiler uses 512- or 256-bit vectors for them. Both wide paths call
/// [`Kernel::run_fma`] (by default [`Kernel::run`]) and perform the same IEEE operations in
/// the same order, so they return identical bits; kernels that use fused multiply-adds there
/// can differ from the portable path in the last bits; otherwise results are identical on all
/// paths (no floating-point contraction is introduced).
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
        if K::AVX512 && has_avx512() {
            // SAFETY: the CPU supports AVX-512 F/DQ/VL, AVX2 and FMA, checked just above;
            // `on_avx512` has no other precondition.
            #[allow(unsafe_code)]
            return unsafe { on_avx512(k) };
        }
        if has_avx2() {
            // SAFETY: the CPU supports AVX2 and FMA, checked just above; `on_avx2` has no
            // other precondition.
            #[allow(unsafe_code)]
            return unsafe { on_avx2(k) };
        }
    }
    k.run()
}

/// Whether the running CPU has AVX2 and FMA.
#[cfg(target_arch = "x86_64")]
#[inline]
pub(crate) fn has_avx2() -> bool {
    std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma")
}

/// Whether the running CPU has AVX-512 F/DQ/VL as well as AVX2 and FMA.
#[cfg(target_arch = "x86_64")]
#[inline]
pub(crate) fn has_avx512() -> bool {
    has_avx2()
        && std::is_x86_feature_detected!("avx512f")
        && std::is_x86_feature_detected!("avx512dq")
        && std::is_x86_feature_detected!("avx512vl")
}

/// [`Kernel::run_fma`] compiled for AVX-512 (F, DQ, VL) + AVX2 + FMA; call only if
/// [`has_avx512`].
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512dq,avx512vl,avx2,fma")]
pub(crate) fn on_avx512<K: Kernel>(k: K) -> K::Output {
    k.run_fma()
}

/// [`Kernel::run_fma`] compiled for AVX2 + FMA; call only if [`has_avx2`].
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
pub(crate) fn on_avx2<K: Kernel>(k: K) -> K::Output {
    k.run_fma()
}
