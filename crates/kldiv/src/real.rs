//! The sealed [`Real`] trait: the floating-point types (`f32`, `f64`) that kernels and losses
//! are generic over, and [`Element`], the wider set of entry types accepted as discrete
//! distributions (floats, and integer counts).

mod sealed {
    pub trait Sealed {}
    impl Sealed for f32 {}
    impl Sealed for f64 {}
    impl Sealed for u8 {}
    impl Sealed for u16 {}
    impl Sealed for u32 {}
    impl Sealed for u64 {}
    impl Sealed for usize {}
    impl Sealed for i32 {}
    impl Sealed for i64 {}
}

/// A type whose values can be read as entries of a discrete distribution.
///
/// Floats (`f32`, `f64`) are probabilities (or unnormalised weights, see
/// [`crate::discrete::Normalize`]); integers are **counts**, which are always divided by their
/// total (that is the definition of the empirical distribution, not a silent renormalisation).
/// The trait is sealed.
pub trait Element: sealed::Sealed + Copy + Send + Sync + 'static {
    /// `true` for integer types: the input holds counts.
    const IS_COUNT: bool;
    /// Machine epsilon of the type as `f64` (`0` for integers, which are exact).
    const EPS: f64;
    /// The entry as `f64` (exact for every `f32`, and for integers below 2⁵³).
    fn to_f64(self) -> f64;
}

macro_rules! element {
    ($t:ty, $count:expr, $eps:expr) => {
        impl Element for $t {
            const IS_COUNT: bool = $count;
            const EPS: f64 = $eps;
            #[inline(always)]
            fn to_f64(self) -> f64 {
                self as f64
            }
        }
    };
}
element!(f32, false, f32::EPSILON as f64);
element!(f64, false, f64::EPSILON);
element!(u8, true, 0.0);
element!(u16, true, 0.0);
element!(u32, true, 0.0);
element!(u64, true, 0.0);
element!(usize, true, 0.0);
element!(i32, true, 0.0);
element!(i64, true, 0.0);

/// A floating-point type: `f32` or `f64`. Sealed.
///
/// Kernels read `Real` inputs and accumulate in `f64` whatever the input type.
pub trait Real:
    Element
    + PartialOrd
    + std::fmt::Debug
    + std::fmt::Display
    + std::ops::Add<Output = Self>
    + std::ops::Sub<Output = Self>
    + std::ops::Mul<Output = Self>
    + std::ops::Div<Output = Self>
{
    /// Zero.
    const ZERO: Self;
    /// One.
    const ONE: Self;
    /// Machine epsilon of the type.
    const EPSILON: Self;
    /// `+∞`.
    const INFINITY: Self;
    /// `−∞`.
    const NEG_INFINITY: Self;
    /// Rounds an `f64` to this type.
    fn from_f64(x: f64) -> Self;
    /// `eˣ` in this type's own arithmetic, branch-free so that loops over it vectorise (8
    /// lanes of `f32` or 4 of `f64` per AVX2 register): [`crate::kernels::fast_exp`] for
    /// `f64` (a few ulp), [`crate::kernels::fast_exp_f32`] for `f32` (relative error
    /// `< 3·2⁻²⁴`, i.e. ≤ 2 ulp). Exactly `0` below the underflow threshold (`x < −708`
    /// resp. `x < −87`), for `−∞` and for NaN (callers validate their inputs; the loss
    /// kernels rely on `0` for the `∞·0` of a masked entry).
    fn exp_fast(self) -> Self;
    /// [`Real::exp_fast`] with fused multiply-adds where that saves instructions
    /// ([`crate::kernels::fast_exp_f32_fma`] for `f32`; `f64` uses
    /// [`crate::kernels::fast_exp`] unchanged). Only fast in code compiled for FMA (see
    /// [`crate::kernels::Kernel::run_fma`]).
    fn exp_fast_fma(self) -> Self;
    /// `ln x` in this type's own arithmetic, branch-free: [`crate::kernels::ln_f64`] /
    /// [`crate::kernels::ln_f32`] (< 1 ulp). `ln 0 = −∞`, negative or NaN inputs give NaN.
    fn ln_fast(self) -> Self;
    /// The scale `c` (an exponent factor, `1/T` in the loss kernels) split into `(hi, lo)` of
    /// this type for [`Real::exp_scaled`]: for `f32`, `hi + lo = c·log₂e` (the kernel works
    /// in base 2); for `f64`, `hi = c`, `lo = 0`.
    fn exp_scale(c: f64) -> (Self, Self);
    /// `e^{c·d}` for `d ≤ 0`, `−∞` or NaN, with `(hi, lo)` from [`Real::exp_scale`]`(c)`,
    /// branch-free: for `f64`, [`crate::kernels::fast_exp`]`(d·hi + d·lo)` (a few ulp); for
    /// `f32`, `2^{d·(hi + lo)}` with the rounding error of the exponent carried into the
    /// reduced argument (relative error `< 2·2⁻²⁴` of the exact value for the given `d`,
    /// whatever its size; fused multiply-adds if `F`, see [`Real::exp_fast_fma`]). Exactly
    /// `0` for `−∞`, NaN, and below the underflow threshold (`c·d < −708`, resp.
    /// `c·d·log₂e < −126.5`).
    fn exp_scaled<const F: bool>(self, hi: Self, lo: Self) -> Self;
    /// `ln x` for positive, normal `x`, branch-free and without a division where that is
    /// cheaper: for `f32` a polynomial (relative error `< 2·2⁻²⁴`, fused multiply-adds if
    /// `F`); for `f64`, [`crate::kernels::ln_f64`]. Other arguments give unspecified
    /// (possibly NaN) results for `f32`: callers select them out.
    fn ln_pos<const F: bool>(self) -> Self;
}

impl Real for f32 {
    const ZERO: Self = 0.0;
    const ONE: Self = 1.0;
    const EPSILON: Self = f32::EPSILON;
    const INFINITY: Self = f32::INFINITY;
    const NEG_INFINITY: Self = f32::NEG_INFINITY;
    #[inline(always)]
    fn from_f64(x: f64) -> Self {
        x as f32
    }
    #[inline(always)]
    fn exp_fast(self) -> Self {
        crate::kernels::fast_exp_f32(self)
    }
    #[inline(always)]
    fn exp_fast_fma(self) -> Self {
        crate::kernels::fast_exp_f32_fma(self)
    }
    #[inline(always)]
    fn ln_fast(self) -> Self {
        crate::kernels::ln_f32(self)
    }
    fn exp_scale(c: f64) -> (Self, Self) {
        let c = c * std::f64::consts::LOG2_E;
        let hi = c as f32;
        (hi, (c - hi as f64) as f32)
    }
    #[inline(always)]
    fn exp_scaled<const F: bool>(self, hi: Self, lo: Self) -> Self {
        crate::kernels::exp2_scaled_f32::<F>(self, hi, lo)
    }
    #[inline(always)]
    fn ln_pos<const F: bool>(self) -> Self {
        crate::kernels::ln_pos_f32::<F>(self)
    }
}

impl Real for f64 {
    const ZERO: Self = 0.0;
    const ONE: Self = 1.0;
    const EPSILON: Self = f64::EPSILON;
    const INFINITY: Self = f64::INFINITY;
    const NEG_INFINITY: Self = f64::NEG_INFINITY;
    #[inline(always)]
    fn from_f64(x: f64) -> Self {
        x
    }
    #[inline(always)]
    fn exp_fast(self) -> Self {
        crate::kernels::fast_exp(self)
    }
    #[inline(always)]
    fn exp_fast_fma(self) -> Self {
        crate::kernels::fast_exp(self)
    }
    #[inline(always)]
    fn ln_fast(self) -> Self {
        crate::kernels::ln_f64(self)
    }
    fn exp_scale(c: f64) -> (Self, Self) {
        (c, 0.0)
    }
    #[inline(always)]
    fn exp_scaled<const F: bool>(self, hi: Self, lo: Self) -> Self {
        crate::kernels::fast_exp(self * hi + self * lo)
    }
    #[inline(always)]
    fn ln_pos<const F: bool>(self) -> Self {
        crate::kernels::ln_f64(self)
    }
}
