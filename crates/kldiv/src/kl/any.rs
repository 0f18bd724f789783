//! [`AnyDist`]: every distribution of [`crate::dist`] in one enum, for runtime dispatch.

use crate::dist::{
    Bernoulli, Beta, Binomial, Categorical, Cauchy, Chi, Chi2, Continuous, Dirichlet, Discrete,
    Exponential, Gamma, Geometric, Gumbel, HalfNormal, InverseGamma, Laplace, LogNormal, Logistic,
    Mixture, Multivariate, MvNormal, NegativeBinomial, Normal, Pareto, Poisson, Product, StudentT,
    Uniform, VonMises, Weibull,
};
use crate::error::Result;

macro_rules! any_dist {
    (
        continuous: [$($c:ident),*],
        discrete: [$($d:ident),*],
        multivariate: [$($m:ident),*]
    ) => {
        /// Any distribution of [`crate::dist`], as produced by [`super::parse_spec`].
        #[derive(Debug, Clone)]
        #[allow(missing_docs)]
        pub enum AnyDist {
            $( $c($c), )*
            $( $d($d), )*
            $( $m($m), )*
        }

        impl AnyDist {
            /// The distribution as a univariate continuous one, if it is.
            pub fn as_continuous(&self) -> Option<&dyn Continuous> {
                match self {
                    $( AnyDist::$c(x) => Some(x), )*
                    _ => None,
                }
            }
            /// The distribution as a discrete one, if it is.
            pub fn as_discrete(&self) -> Option<&dyn Discrete> {
                match self {
                    $( AnyDist::$d(x) => Some(x), )*
                    _ => None,
                }
            }
            /// The distribution as a multivariate one, if it is.
            pub fn as_multivariate(&self) -> Option<&dyn Multivariate> {
                match self {
                    $( AnyDist::$m(x) => Some(x), )*
                    _ => None,
                }
            }
            /// The family name (`"normal"`, `"mixture"`, ...).
            pub fn family(&self) -> &'static str {
                match self {
                    $( AnyDist::$c(x) => x.family(), )*
                    $( AnyDist::$d(x) => x.family(), )*
                    $( AnyDist::$m(x) => x.family(), )*
                }
            }
            /// The distribution as a spec string that [`super::parse_spec`] reads back.
            pub fn spec(&self) -> String {
                match self {
                    $( AnyDist::$c(x) => x.spec(), )*
                    $( AnyDist::$d(x) => x.spec(), )*
                    $( AnyDist::$m(x) => x.spec(), )*
                }
            }
        }

        $(
            impl From<$c> for AnyDist {
                fn from(x: $c) -> AnyDist {
                    AnyDist::$c(x)
                }
            }
        )*
        $(
            impl From<$d> for AnyDist {
                fn from(x: $d) -> AnyDist {
                    AnyDist::$d(x)
                }
            }
        )*
        $(
            impl From<$m> for AnyDist {
                fn from(x: $m) -> AnyDist {
                    AnyDist::$m(x)
                }
            }
        )*
    };
}

any_dist! {
    continuous: [Normal, HalfNormal, LogNormal, Laplace, Cauchy, StudentT, Logistic, Gumbel,
                 Exponential, Gamma, InverseGamma, Chi2, Chi, Beta, Uniform, Pareto, Weibull,
                 VonMises, Mixture],
    discrete: [Bernoulli, Binomial, Poisson, Geometric, NegativeBinomial, Categorical],
    multivariate: [MvNormal, Dirichlet, Product]
}

impl AnyDist {
    /// Parses a spec string (see [`super::parse_spec`]).
    pub fn parse(spec: &str) -> Result<AnyDist> {
        super::parse_spec(spec)
    }
    /// Entropy in nats where known in closed form (or by an exact sum for discrete families).
    pub fn entropy(&self) -> Option<f64> {
        if let Some(c) = self.as_continuous() {
            c.entropy()
        } else if let Some(d) = self.as_discrete() {
            Some(d.entropy())
        } else {
            self.as_multivariate().map(|m| m.entropy())
        }
    }
}

impl std::str::FromStr for AnyDist {
    type Err = crate::Error;
    fn from_str(s: &str) -> Result<AnyDist> {
        super::parse_spec(s)
    }
}
