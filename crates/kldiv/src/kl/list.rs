//! The registry listing: every family with its parameters, every closed-form pair.

use super::{AnyDist, closed_form_continuous, closed_form_discrete, parse_spec};

/// One parameter of a family.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ParamInfo {
    /// Canonical name (as printed by `spec()`).
    pub name: &'static str,
    /// Accepted aliases.
    pub aliases: &'static [&'static str],
    /// Default value, if the parameter may be omitted.
    pub default: Option<f64>,
    /// The constraint, in words.
    pub constraint: &'static str,
}

/// A family of the registry.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FamilyInfo {
    /// Name used in specs.
    pub name: &'static str,
    /// Accepted aliases.
    pub aliases: &'static [&'static str],
    /// `continuous`, `discrete`, `multivariate` or `structural`.
    pub kind: &'static str,
    /// Parameters in positional order.
    pub params: &'static [ParamInfo],
    /// An example spec.
    pub example: &'static str,
}

const fn p(
    name: &'static str,
    aliases: &'static [&'static str],
    default: Option<f64>,
    constraint: &'static str,
) -> ParamInfo {
    ParamInfo {
        name,
        aliases,
        default,
        constraint,
    }
}

const POS: &str = "> 0";
const REAL: &str = "finite";

/// Every family, in listing order.
pub(crate) const FAMILIES: &[FamilyInfo] = &[
    FamilyInfo {
        name: "normal",
        aliases: &["gaussian", "norm", "n"],
        kind: "continuous",
        params: &[
            p("mean", &["loc", "mu"], Some(0.0), REAL),
            p("std", &["scale", "sigma", "sd"], Some(1.0), POS),
        ],
        example: "normal(mean=0, std=1)",
    },
    FamilyInfo {
        name: "halfnormal",
        aliases: &[],
        kind: "continuous",
        params: &[p("scale", &["sigma", "std"], Some(1.0), POS)],
        example: "halfnormal(scale=1)",
    },
    FamilyInfo {
        name: "lognormal",
        aliases: &[],
        kind: "continuous",
        params: &[
            p("mu", &["loc"], Some(0.0), REAL),
            p("sigma", &["scale", "std"], Some(1.0), POS),
        ],
        example: "lognormal(mu=0, sigma=1)",
    },
    FamilyInfo {
        name: "laplace",
        aliases: &["doubleexponential"],
        kind: "continuous",
        params: &[
            p("loc", &["mean", "mu"], Some(0.0), REAL),
            p("scale", &["b"], Some(1.0), POS),
        ],
        example: "laplace(loc=0, scale=2)",
    },
    FamilyInfo {
        name: "cauchy",
        aliases: &["lorentz"],
        kind: "continuous",
        params: &[
            p("loc", &["mu", "x0"], Some(0.0), REAL),
            p("scale", &["gamma"], Some(1.0), POS),
        ],
        example: "cauchy(loc=0, scale=1)",
    },
    FamilyInfo {
        name: "studentt",
        aliases: &["t", "student"],
        kind: "continuous",
        params: &[
            p("df", &["nu"], None, POS),
            p("loc", &["mu", "mean"], Some(0.0), REAL),
            p("scale", &["sigma"], Some(1.0), POS),
        ],
        example: "studentt(df=3, loc=0, scale=1)",
    },
    FamilyInfo {
        name: "logistic",
        aliases: &[],
        kind: "continuous",
        params: &[
            p("loc", &["mu", "mean"], Some(0.0), REAL),
            p("scale", &["s"], Some(1.0), POS),
        ],
        example: "logistic(loc=0, scale=1)",
    },
    FamilyInfo {
        name: "gumbel",
        aliases: &[],
        kind: "continuous",
        params: &[
            p("loc", &["mu"], Some(0.0), REAL),
            p("scale", &["beta"], Some(1.0), POS),
        ],
        example: "gumbel(loc=0, scale=1)",
    },
    FamilyInfo {
        name: "exponential",
        aliases: &["exp", "expon"],
        kind: "continuous",
        params: &[
            p("rate", &["lambda"], Some(1.0), POS),
            p("scale", &[], None, "> 0 (instead of rate)"),
        ],
        example: "exponential(rate=1)",
    },
    FamilyInfo {
        name: "gamma",
        aliases: &[],
        kind: "continuous",
        params: &[
            p("shape", &["alpha", "k", "a", "concentration"], None, POS),
            p("rate", &["beta", "b"], Some(1.0), POS),
            p("scale", &["theta"], None, "> 0 (instead of rate)"),
        ],
        example: "gamma(shape=2, rate=1)",
    },
    FamilyInfo {
        name: "inversegamma",
        aliases: &["invgamma"],
        kind: "continuous",
        params: &[
            p("shape", &["alpha", "a"], None, POS),
            p("scale", &["beta", "b"], Some(1.0), POS),
        ],
        example: "inversegamma(shape=3, scale=2)",
    },
    FamilyInfo {
        name: "chi2",
        aliases: &["chisquared", "chisq"],
        kind: "continuous",
        params: &[p("df", &["k", "nu"], None, POS)],
        example: "chi2(df=3)",
    },
    FamilyInfo {
        name: "chi",
        aliases: &[],
        kind: "continuous",
        params: &[p("df", &["k", "nu"], None, POS)],
        example: "chi(df=3)",
    },
    FamilyInfo {
        name: "beta",
        aliases: &[],
        kind: "continuous",
        params: &[p("alpha", &["a"], None, POS), p("beta", &["b"], None, POS)],
        example: "beta(alpha=2, beta=3)",
    },
    FamilyInfo {
        name: "uniform",
        aliases: &["unif"],
        kind: "continuous",
        params: &[
            p("low", &["a", "lo", "min"], Some(0.0), REAL),
            p("high", &["b", "hi", "max"], Some(1.0), "finite, > low"),
        ],
        example: "uniform(low=0, high=1)",
    },
    FamilyInfo {
        name: "pareto",
        aliases: &[],
        kind: "continuous",
        params: &[
            p("scale", &["xm", "x_m", "min"], Some(1.0), POS),
            p("alpha", &["shape", "a"], None, POS),
        ],
        example: "pareto(scale=1, alpha=3)",
    },
    FamilyInfo {
        name: "weibull",
        aliases: &[],
        kind: "continuous",
        params: &[
            p("shape", &["k", "concentration"], None, POS),
            p("scale", &["lambda"], Some(1.0), POS),
        ],
        example: "weibull(shape=2, scale=1)",
    },
    FamilyInfo {
        name: "vonmises",
        aliases: &["circularnormal"],
        kind: "continuous",
        params: &[
            p("loc", &["mu"], Some(0.0), "in [-pi, pi]"),
            p("concentration", &["kappa"], None, ">= 0"),
        ],
        example: "vonmises(loc=0, concentration=2)",
    },
    FamilyInfo {
        name: "bernoulli",
        aliases: &["bern"],
        kind: "discrete",
        params: &[p("p", &["probs"], None, "in [0, 1]")],
        example: "bernoulli(p=0.3)",
    },
    FamilyInfo {
        name: "binomial",
        aliases: &["binom"],
        kind: "discrete",
        params: &[
            p("n", &["trials", "total_count"], None, "integer >= 0"),
            p("p", &["probs"], None, "in [0, 1]"),
        ],
        example: "binomial(n=10, p=0.3)",
    },
    FamilyInfo {
        name: "poisson",
        aliases: &["pois"],
        kind: "discrete",
        params: &[p("rate", &["lambda", "mu"], None, POS)],
        example: "poisson(rate=3)",
    },
    FamilyInfo {
        name: "geometric",
        aliases: &["geom"],
        kind: "discrete",
        params: &[p("p", &["probs"], None, "in (0, 1]")],
        example: "geometric(p=0.3)",
    },
    FamilyInfo {
        name: "negativebinomial",
        aliases: &["negbinomial", "nbinom", "negbin"],
        kind: "discrete",
        params: &[
            p("r", &["n", "total_count"], None, POS),
            p("p", &["probs"], None, "in (0, 1]"),
        ],
        example: "negativebinomial(r=2, p=0.4)",
    },
    FamilyInfo {
        name: "categorical",
        aliases: &["cat"],
        kind: "discrete",
        params: &[p("p", &["probs"], None, "list, entries >= 0, sum 1")],
        example: "categorical(p=[0.2, 0.3, 0.5])",
    },
    FamilyInfo {
        name: "mvnormal",
        aliases: &["mvn", "multivariatenormal"],
        kind: "multivariate",
        params: &[
            p("mean", &["loc", "mu"], None, "list"),
            p("cov", &["covariance", "sigma"], None, "SPD matrix"),
            p("var", &["diag"], None, "list > 0 (diagonal covariance)"),
            p(
                "scale_tril",
                &["chol", "l"],
                None,
                "lower-triangular, diagonal > 0",
            ),
        ],
        example: "mvnormal(mean=[0, 0], cov=[[1, 0.5], [0.5, 2]])",
    },
    FamilyInfo {
        name: "dirichlet",
        aliases: &["dir"],
        kind: "multivariate",
        params: &[p(
            "alpha",
            &["concentration"],
            None,
            "list, entries > 0, length >= 2",
        )],
        example: "dirichlet(alpha=[1, 2, 3])",
    },
    FamilyInfo {
        name: "mixture",
        aliases: &["mix"],
        kind: "structural",
        params: &[],
        example: "mixture(0.5*normal(-2, 0.6), 0.5*normal(2, 0.6))",
    },
    FamilyInfo {
        name: "product",
        aliases: &["independent"],
        kind: "structural",
        params: &[],
        example: "product(normal(0, 1), gamma(2, 1))",
    },
];

/// Every family of the registry with its parameters (positional order), aliases, defaults and
/// an example spec.
///
/// ```
/// let f = kldiv::kl::list_families();
/// assert!(f.iter().any(|f| f.name == "gamma" && f.params[0].name == "shape"));
/// ```
pub fn list_families() -> &'static [FamilyInfo] {
    FAMILIES
}

/// What the registry knows about a pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PairKind {
    /// A same-family formula.
    SameFamily,
    /// The cross-entropy route `H(P,Q) − H(P)` (cross-family closed form); `+∞` for some
    /// parameters (support or divergent moments).
    CrossFamily,
    /// Always `+∞`: the support of `P` is never inside that of `Q`, or an expectation in
    /// `−ln q` diverges for every member of `P`'s family (Cauchy against a normal).
    AlwaysInfinite,
}

impl PairKind {
    /// `same-family`, `cross-family`, `always-infinite`.
    pub fn as_str(self) -> &'static str {
        match self {
            PairKind::SameFamily => "same-family",
            PairKind::CrossFamily => "cross-family",
            PairKind::AlwaysInfinite => "always-infinite",
        }
    }
}

/// A pair with a closed form.
#[derive(Debug, Clone, PartialEq)]
pub struct ClosedFormPair {
    /// Family of `P`.
    pub p: &'static str,
    /// Family of `Q`.
    pub q: &'static str,
    /// Kind of closed form.
    pub kind: PairKind,
    /// Condition for a finite value, if any (printed in the listing).
    pub note: &'static str,
}

/// Representative members of each family (several where the support or the existence of
/// moments depends on the parameters).
const REPRESENTATIVES: &[(&str, &[&str])] = &[
    ("normal", &["normal(0.3, 1.2)"]),
    ("halfnormal", &["halfnormal(1.3)"]),
    ("lognormal", &["lognormal(0.2, 0.7)"]),
    ("laplace", &["laplace(0.1, 0.6)"]),
    ("cauchy", &["cauchy(0.2, 1.3)"]),
    ("studentt", &["studentt(4, 0.1, 1.2)"]),
    ("logistic", &["logistic(0.2, 0.7)"]),
    ("gumbel", &["gumbel(0.3, 1.1)"]),
    ("exponential", &["exponential(1.3)"]),
    ("gamma", &["gamma(2.5, 1.5)"]),
    ("inversegamma", &["inversegamma(3.5, 2)"]),
    ("chi2", &["chi2(3)"]),
    ("chi", &["chi(2.5)"]),
    ("beta", &["beta(2, 3)"]),
    (
        "uniform",
        &[
            "uniform(0.2, 0.8)",
            "uniform(1.5, 2.5)",
            "uniform(-1, 1)",
            "uniform(-4, 4)",
        ],
    ),
    ("pareto", &["pareto(1, 3.5)", "pareto(0.1, 3.5)"]),
    ("weibull", &["weibull(1.7, 1.2)"]),
    ("vonmises", &["vonmises(0.5, 2)"]),
    ("bernoulli", &["bernoulli(0.3)"]),
    ("binomial", &["binomial(6, 0.3)"]),
    ("poisson", &["poisson(2.5)"]),
    ("geometric", &["geometric(0.4)"]),
    ("negativebinomial", &["negativebinomial(2, 0.4)"]),
    ("categorical", &["categorical([0.2, 0.3, 0.5])"]),
];

fn note(p: &str, q: &str) -> &'static str {
    match (p, q) {
        ("uniform", "uniform") => "finite iff [a1,b1] inside [a2,b2]",
        ("pareto", "pareto") => "finite iff scale1 >= scale2",
        ("pareto", "normal" | "halfnormal" | "chi") => "finite iff alpha > 2",
        ("pareto", "exponential" | "gamma" | "chi2" | "gumbel") => "finite iff alpha > 1",
        ("pareto", "weibull") => "finite iff alpha > shape of q",
        ("inversegamma", "normal" | "halfnormal" | "chi") => "finite iff shape > 2",
        ("inversegamma", "exponential" | "gamma" | "chi2" | "gumbel") => "finite iff shape > 1",
        ("inversegamma", "weibull") => "finite iff shape > shape of q",
        ("studentt", "normal") => "finite iff df > 2",
        ("studentt", "laplace") => "finite iff df > 1 and same loc",
        ("binomial", "binomial") => "n1 = n2 (n1 > n2: +inf; n1 < n2: exact sum)",
        ("negativebinomial", "negativebinomial") => "same r (else exact sum)",
        ("categorical", "categorical") => "same support (else +inf)",
        ("laplace" | "normal" | "logistic", "gumbel") => "",
        (_, "uniform") => "finite iff supp p inside [low, high]",
        (_, "beta") => "finite iff supp p inside [0, 1]",
        (_, "pareto") => "finite iff supp p inside [scale, inf)",
        (_, "vonmises") => "finite iff supp p inside [-pi, pi]",
        _ => "",
    }
}

/// Every pair of families for which the registry has a closed form (including pairs that are
/// always `+∞` because of the supports), computed from the registry itself on representative
/// members, plus the multivariate pairs.
///
/// ```
/// use kldiv::kl::{list_closed_forms, PairKind};
/// let pairs = list_closed_forms();
/// assert!(pairs.iter().any(|x| x.p == "gamma" && x.q == "gamma" && x.kind == PairKind::SameFamily));
/// assert!(pairs.iter().any(|x| x.p == "beta" && x.q == "gamma" && x.kind == PairKind::CrossFamily));
/// assert!(pairs.iter().any(|x| x.p == "normal" && x.q == "exponential" && x.kind == PairKind::AlwaysInfinite));
/// ```
pub fn list_closed_forms() -> Vec<ClosedFormPair> {
    let reps: Vec<(&'static str, Vec<AnyDist>)> = REPRESENTATIVES
        .iter()
        .map(|(name, specs)| {
            (
                *name,
                specs.iter().filter_map(|s| parse_spec(s).ok()).collect(),
            )
        })
        .collect();
    let mut out = Vec::new();
    for (pn, ps) in &reps {
        for (qn, qs) in &reps {
            let mut any = false;
            let mut finite = false;
            for a in ps {
                for b in qs {
                    let v = match (
                        a.as_continuous(),
                        b.as_continuous(),
                        a.as_discrete(),
                        b.as_discrete(),
                    ) {
                        (Some(x), Some(y), _, _) => closed_form_continuous(x, y),
                        (_, _, Some(x), Some(y)) => closed_form_discrete(x, y),
                        _ => None,
                    };
                    if let Some(v) = v {
                        any = true;
                        finite |= v.is_finite();
                    }
                }
            }
            if !any {
                continue;
            }
            let kind = if pn == qn {
                PairKind::SameFamily
            } else if finite {
                PairKind::CrossFamily
            } else {
                PairKind::AlwaysInfinite
            };
            out.push(ClosedFormPair {
                p: pn,
                q: qn,
                kind,
                note: note(pn, qn),
            });
        }
    }
    for (a, b) in [("mvnormal", "mvnormal"), ("dirichlet", "dirichlet")] {
        out.push(ClosedFormPair {
            p: a,
            q: b,
            kind: PairKind::SameFamily,
            note: "same dimension",
        });
    }
    out.push(ClosedFormPair {
        p: "mvnormal",
        q: "dirichlet",
        kind: PairKind::AlwaysInfinite,
        note: "",
    });
    out.push(ClosedFormPair {
        p: "product",
        q: "product",
        kind: PairKind::SameFamily,
        note: "sum of the component KLs (each closed form where available)",
    });
    out
}
