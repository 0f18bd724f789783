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
    /// Rounds an `f64` to this type.
    fn from_f64(x: f64) -> Self;
}

impl Real for f32 {
    const ZERO: Self = 0.0;
    const ONE: Self = 1.0;
    const EPSILON: Self = f32::EPSILON;
    #[inline(always)]
    fn from_f64(x: f64) -> Self {
        x as f32
    }
}

impl Real for f64 {
    const ZERO: Self = 0.0;
    const ONE: Self = 1.0;
    const EPSILON: Self = f64::EPSILON;
    #[inline(always)]
    fn from_f64(x: f64) -> Self {
        x
    }
}
