//! Invalid parameters are errors that name the parameter and the value.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use kldiv::Error;
use kldiv::dist::*;
use kldiv::kl::{AnyDist, KlOptions, MethodChoice, kl, kl_any, parse_spec};

fn says(e: Error, name: &str, value: &str) {
    let m = e.to_string();
    assert!(
        m.contains(name) && m.contains(value),
        "message {m:?} should name {name} and {value}"
    );
}

#[test]
fn constructors_reject_invalid_parameters() {
    says(Normal::new(0.0, 0.0).unwrap_err(), "std", "0");
    says(Normal::new(0.0, -2.0).unwrap_err(), "std", "-2");
    says(Normal::new(f64::NAN, 1.0).unwrap_err(), "mean", "NaN");
    says(HalfNormal::new(-1.0).unwrap_err(), "scale", "-1");
    says(LogNormal::new(0.0, -0.5).unwrap_err(), "sigma", "-0.5");
    says(Laplace::new(0.0, 0.0).unwrap_err(), "scale", "0");
    says(Cauchy::new(f64::INFINITY, 1.0).unwrap_err(), "loc", "inf");
    says(StudentT::new(-3.0, 0.0, 1.0).unwrap_err(), "df", "-3");
    says(Logistic::new(0.0, -1.0).unwrap_err(), "scale", "-1");
    says(Gumbel::new(0.0, 0.0).unwrap_err(), "scale", "0");
    says(Exponential::new(-1.0).unwrap_err(), "rate", "-1");
    says(Gamma::new(0.0, 1.0).unwrap_err(), "shape", "0");
    says(Gamma::new(1.0, -1.0).unwrap_err(), "rate", "-1");
    says(InverseGamma::new(1.0, 0.0).unwrap_err(), "scale", "0");
    says(Chi2::new(-1.0).unwrap_err(), "df", "-1");
    says(Chi::new(0.0).unwrap_err(), "df", "0");
    says(Beta::new(-1.0, 1.0).unwrap_err(), "alpha", "-1");
    says(Beta::new(1.0, 0.0).unwrap_err(), "beta", "0");
    says(Uniform::new(2.0, 1.0).unwrap_err(), "high", "1");
    says(Pareto::new(0.0, 1.0).unwrap_err(), "scale", "0");
    says(Pareto::new(1.0, -1.0).unwrap_err(), "alpha", "-1");
    says(Weibull::new(0.0, 1.0).unwrap_err(), "shape", "0");
    says(VonMises::new(4.0, 1.0).unwrap_err(), "loc", "4");
    says(VonMises::new(0.0, -1.0).unwrap_err(), "concentration", "-1");
    says(Bernoulli::new(1.5).unwrap_err(), "p", "1.5");
    says(Bernoulli::new(-0.1).unwrap_err(), "p", "-0.1");
    says(Binomial::new(3, 2.0).unwrap_err(), "p", "2");
    says(Poisson::new(0.0).unwrap_err(), "rate", "0");
    says(Geometric::new(0.0).unwrap_err(), "p", "0");
    says(NegativeBinomial::new(-1.0, 0.5).unwrap_err(), "r", "-1");
    says(NegativeBinomial::new(1.0, 1.5).unwrap_err(), "p", "1.5");
    says(
        Categorical::new(vec![0.5, -0.5, 1.0]).unwrap_err(),
        "p[1]",
        "-0.5",
    );
    says(
        Categorical::new(vec![0.5, 0.6]).unwrap_err(),
        "sum(p)",
        "1.1",
    );
    says(Dirichlet::new(vec![1.0, 0.0]).unwrap_err(), "alpha[1]", "0");
    says(Dirichlet::new(vec![1.0]).unwrap_err(), "alpha", "1");
    says(
        MvNormal::new(vec![0.0, 0.0], &[vec![1.0, 2.0], vec![2.0, 1.0]]).unwrap_err(),
        "cov",
        "positive definite",
    );
    says(
        MvNormal::new(vec![0.0, 0.0], &[vec![1.0, 0.0]]).unwrap_err(),
        "cov",
        "expected 2",
    );
    says(
        MvNormal::new(vec![0.0, 0.0], &[vec![1.0, 0.2], vec![0.3, 1.0]]).unwrap_err(),
        "cov[2]",
        "symmetric",
    );
    says(
        MvNormal::new(vec![0.0, f64::NAN], &[vec![1.0, 0.0], vec![0.0, 1.0]]).unwrap_err(),
        "mean[1]",
        "NaN",
    );
    says(
        MvNormal::from_diagonal(vec![0.0, 0.0], &[1.0, -1.0]).unwrap_err(),
        "var[1]",
        "-1",
    );
    says(
        MvNormal::from_cholesky(vec![0.0, 0.0], &[vec![1.0, 0.5], vec![0.0, 1.0]]).unwrap_err(),
        "scale_tril[1]",
        "0.5",
    );
    let n = AnyDist::Normal(Normal::new(0.0, 1.0).unwrap());
    says(
        Mixture::new(vec![0.5, 0.6], vec![n.clone(), n.clone()]).unwrap_err(),
        "sum(weights)",
        "1.1",
    );
    says(
        Mixture::new(vec![-0.5, 1.5], vec![n.clone(), n.clone()]).unwrap_err(),
        "weights[0]",
        "-0.5",
    );
    let b = AnyDist::Bernoulli(Bernoulli::new(0.5).unwrap());
    says(
        Mixture::new(vec![1.0], vec![b]).unwrap_err(),
        "components[0]",
        "continuous",
    );
}

#[test]
fn spec_errors_name_position_and_text() {
    for (s, want) in [
        ("normal(mean=0, std=1", "position 20"),
        ("normal(mean=0 std=1)", "position 14"),
        ("gamma(shape=2, rate=)", "position 20"),
        ("poisson(rat=3)", "unknown parameter 'rat'"),
        ("dirichlet(alpha=3)", "must be a list"),
        ("mvnormal(mean=[0,1])", "exactly one of"),
        ("", "expected a family name"),
        ("beta(2, 3", "expected ',' or ')'"),
    ] {
        let e = parse_spec(s).unwrap_err();
        assert!(matches!(e, Error::Spec { .. }), "{s}: {e:?}");
        let m = e.to_string();
        assert!(m.contains(want), "{s}: {m}");
    }
    // Invalid values inside a well-formed spec are the family's own errors.
    assert!(matches!(
        parse_spec("poisson(rate=-3)").unwrap_err(),
        Error::InvalidParameter { name: "rate", .. }
    ));
}

#[test]
fn dimension_mismatch_and_incomparable_spaces_are_errors() {
    let a = parse_spec("mvnormal(mean=[0, 0], var=[1, 1])").unwrap();
    let b = parse_spec("mvnormal(mean=[0, 0, 0], var=[1, 1, 1])").unwrap();
    assert!(matches!(
        kl_any(&a, &b, &KlOptions::default()).unwrap_err(),
        Error::DimensionMismatch {
            expected: 2,
            found: 3,
            ..
        }
    ));
    let c = parse_spec("normal(0, 1)").unwrap();
    let d = parse_spec("poisson(1)").unwrap();
    assert!(matches!(
        kl_any(&c, &d, &KlOptions::default()).unwrap_err(),
        Error::NoMethod { .. }
    ));
    // Asking for a closed form that does not exist is an error, not a silent fallback.
    let t = parse_spec("studentt(3, 0, 1)").unwrap();
    let l = parse_spec("logistic(0, 1)").unwrap();
    let e = kl_any(&t, &l, &KlOptions::default().method(MethodChoice::Closed)).unwrap_err();
    assert!(e.to_string().contains("closed-form"), "{e}");
    // Monte Carlo with fewer than 2 samples.
    assert!(
        kl_any(
            &c,
            &c,
            &KlOptions::default()
                .method(MethodChoice::MonteCarlo)
                .samples(1)
        )
        .is_err()
    );
    // An invalid base.
    assert!(
        kl(
            &Normal::new(0.0, 1.0).unwrap(),
            &Normal::new(0.0, 1.0).unwrap()
        )
        .is_ok()
    );
    assert!(kl_any(&c, &c, &KlOptions::default().base(kldiv::Base::Custom(1.0))).is_err());
}
