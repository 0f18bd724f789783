//! The static API, units, methods, products, mixtures and the Gaussian-mixture bounds.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use kldiv::Base;
use kldiv::dist::*;
use kldiv::kl::{
    AnyDist, KlDivergence, KlOptions, Method, MethodChoice, gmm_approximations, kl, kl_any,
    kl_with, list_closed_forms, list_families, parse_spec,
};

#[test]
fn static_dispatch_and_units() {
    let p = Normal::new(0.0, 1.0).unwrap();
    let q = Normal::new(1.0, 2.0).unwrap();
    let nats = kl(&p, &q).unwrap();
    let bits = kl_with(&p, &q, &KlOptions::default().base(Base::Bits)).unwrap();
    assert_eq!(bits.unit, Base::Bits);
    assert!((bits.value - nats.value / std::f64::consts::LN_2).abs() < 1e-15);
    // Cross-family through the trait, and a mixture on the right.
    let g = Gamma::new(2.0, 1.0).unwrap();
    let e = Exponential::new(1.0).unwrap();
    assert_eq!(e.kl(&g).unwrap().method, Method::ClosedForm);
    let m: Mixture = match parse_spec("mixture(0.5*normal(-2, 0.6), 0.5*normal(2, 0.6))").unwrap() {
        AnyDist::Mixture(m) => m,
        _ => unreachable!(),
    };
    let r = p.kl(&m).unwrap();
    assert_eq!(r.method, Method::Quadrature);
    assert!(r.error.unwrap() < 1e-10);
    // Discrete and multivariate through the trait.
    let a = Poisson::new(2.0).unwrap();
    let b = Geometric::new(0.3).unwrap();
    let s = a.kl(&b).unwrap();
    assert_eq!(s.method, Method::Sum);
    let mv = MvNormal::from_diagonal(vec![0.0; 3], &[1.0; 3]).unwrap();
    assert_eq!(mv.kl(&mv).unwrap().value, 0.0);
}

#[test]
fn forced_methods_agree() {
    let p = parse_spec("gamma(shape=2, rate=1)").unwrap();
    let q = parse_spec("lognormal(mu=0.5, sigma=1)").unwrap();
    let c = kl_any(&p, &q, &KlOptions::default().method(MethodChoice::Closed)).unwrap();
    let qd = kl_any(
        &p,
        &q,
        &KlOptions::default().method(MethodChoice::Quadrature),
    )
    .unwrap();
    let mc = kl_any(
        &p,
        &q,
        &KlOptions::default()
            .method(MethodChoice::MonteCarlo)
            .seed(3),
    )
    .unwrap();
    assert_eq!(c.method, Method::ClosedForm);
    assert_eq!(qd.method, Method::Quadrature);
    assert_eq!(mc.method, Method::MonteCarlo);
    assert_eq!(mc.samples, Some(100_000));
    assert_eq!(mc.seed, Some(3));
    assert!((c.value - qd.value).abs() <= qd.error.unwrap() + 1e-15);
    assert!((c.value - mc.value).abs() <= 4.0 * mc.error.unwrap());
    // Same seed, same bits.
    let mc2 = kl_any(
        &p,
        &q,
        &KlOptions::default()
            .method(MethodChoice::MonteCarlo)
            .seed(3),
    )
    .unwrap();
    assert_eq!(mc.value.to_bits(), mc2.value.to_bits());
}

#[test]
fn support_mismatch_is_infinite_for_every_method() {
    let p = parse_spec("normal(0, 1)").unwrap();
    let q = parse_spec("exponential(1)").unwrap();
    for m in [
        MethodChoice::Auto,
        MethodChoice::Closed,
        MethodChoice::Quadrature,
        MethodChoice::MonteCarlo,
    ] {
        let r = kl_any(&p, &q, &KlOptions::default().method(m)).unwrap();
        assert!(r.is_infinite(), "{m:?}: {r:?}");
    }
    // Parameter-dependent: nested uniforms are finite, the reverse is not.
    let a = parse_spec("uniform(0, 1)").unwrap();
    let b = parse_spec("uniform(-1, 2)").unwrap();
    assert!((kl_any(&a, &b, &KlOptions::default()).unwrap().value - 3f64.ln()).abs() < 1e-15);
    assert!(kl_any(&b, &a, &KlOptions::default()).unwrap().is_infinite());
    // Pareto with α ≤ 1 against an exponential: the mean diverges.
    let par = parse_spec("pareto(scale=1, alpha=0.9)").unwrap();
    assert!(
        kl_any(&par, &q, &KlOptions::default())
            .unwrap()
            .is_infinite()
    );
}

#[test]
fn products_add_up() {
    let p = parse_spec("product(normal(0, 1), gamma(2, 1), poisson(3))").unwrap();
    let q = parse_spec("product(normal(1, 2), exponential(1), poisson(2))").unwrap();
    let r = kl_any(&p, &q, &KlOptions::default()).unwrap();
    let parts: f64 = [
        ("normal(0, 1)", "normal(1, 2)"),
        ("gamma(2, 1)", "exponential(1)"),
        ("poisson(3)", "poisson(2)"),
    ]
    .iter()
    .map(|(a, b)| {
        kl_any(
            &parse_spec(a).unwrap(),
            &parse_spec(b).unwrap(),
            &KlOptions::default(),
        )
        .unwrap()
        .value
    })
    .sum();
    assert_eq!(r.method, Method::ClosedForm);
    assert!((r.value - parts).abs() < 1e-14);
    // A product of normals against the matching diagonal MvNormal: Monte Carlo agrees with 0.
    let prod = parse_spec("product(normal(0, 1), normal(1, 2))").unwrap();
    let mvn = parse_spec("mvnormal(mean=[0, 1], var=[1, 4])").unwrap();
    let r = kl_any(&prod, &mvn, &KlOptions::default()).unwrap();
    assert_eq!(r.method, Method::MonteCarlo);
    assert!(r.value.abs() < 1e-12, "{r:?}");
}

#[test]
fn gaussian_mixture_quadrature_mc_and_hershey_olsen() {
    let p = parse_spec("mixture(0.5*normal(-2, 0.6), 0.5*normal(2, 0.6))").unwrap();
    let q = parse_spec("mixture(0.3*normal(-1.5, 1), 0.7*normal(1.5, 0.8))").unwrap();
    let quad = kl_any(&p, &q, &KlOptions::default()).unwrap();
    assert_eq!(quad.method, Method::Quadrature);
    let mc = kl_any(
        &p,
        &q,
        &KlOptions::default()
            .method(MethodChoice::MonteCarlo)
            .seed(11),
    )
    .unwrap();
    assert!((quad.value - mc.value).abs() <= 4.0 * mc.error.unwrap() + quad.error.unwrap());
    let (AnyDist::Mixture(f), AnyDist::Mixture(g)) = (&p, &q) else {
        unreachable!()
    };
    let a = gmm_approximations(f, g).unwrap();
    // The variational upper bound is an upper bound.
    assert!(
        a.upper_bound >= quad.value - 1e-9,
        "{a:?} vs {}",
        quad.value
    );
    // For single Gaussians every approximation is exact.
    let (AnyDist::Mixture(f1), AnyDist::Mixture(g1)) = (
        parse_spec("mixture(normal(0, 1))").unwrap(),
        parse_spec("mixture(normal(1, 2))").unwrap(),
    ) else {
        unreachable!()
    };
    let exact = Normal::new(0.0, 1.0)
        .unwrap()
        .kl_normal(&Normal::new(1.0, 2.0).unwrap());
    let a1 = gmm_approximations(&f1, &g1).unwrap();
    for v in [a1.variational, a1.upper_bound, a1.matched] {
        assert!((v - exact).abs() < 1e-13, "{a1:?}");
    }
}

#[test]
fn listing_covers_every_family() {
    let fams = list_families();
    assert_eq!(fams.len(), 28);
    for f in fams {
        // Every example parses and prints a spec of the same family.
        let d = parse_spec(f.example).unwrap();
        assert_eq!(d.family(), f.name, "{}", f.example);
    }
    let pairs = list_closed_forms();
    assert!(pairs.len() > 150, "{}", pairs.len());
}

#[test]
fn samples_are_seeded_and_have_the_right_moments() {
    let specs = [
        "normal(1, 2)",
        "halfnormal(1.5)",
        "lognormal(0.1, 0.4)",
        "laplace(1, 2)",
        "studentt(5, 1, 2)",
        "logistic(1, 0.5)",
        "gumbel(1, 2)",
        "exponential(2)",
        "gamma(3, 2)",
        "inversegamma(5, 2)",
        "chi2(4)",
        "chi(3)",
        "beta(2, 5)",
        "uniform(-1, 3)",
        "pareto(1, 5)",
        "weibull(1.5, 2)",
    ];
    for s in specs {
        let d = parse_spec(s).unwrap();
        let c = d.as_continuous().unwrap();
        let x = c.sample(100_000, 5);
        assert_eq!(x, c.sample(100_000, 5));
        let m = x.iter().sum::<f64>() / x.len() as f64;
        let (mean, var) = (c.mean().unwrap(), c.variance().unwrap());
        assert!(
            (m - mean).abs() < 5.0 * (var / x.len() as f64).sqrt(),
            "{s}: sample mean {m}, mean {mean}"
        );
    }
    // von Mises: the mean resultant length is A(κ).
    let v = VonMises::new(0.5, 2.0).unwrap();
    let x = v.sample(100_000, 1);
    let (c, s): (f64, f64) = x
        .iter()
        .fold((0.0, 0.0), |(c, s), t| (c + t.cos(), s + t.sin()));
    let r = (c * c + s * s).sqrt() / x.len() as f64;
    let a = kldiv::special::bessel_i1e(2.0) / kldiv::special::bessel_i0e(2.0);
    assert!((r - a).abs() < 0.01, "{r} vs {a}");
    // Discrete.
    for s in [
        "poisson(3)",
        "binomial(10, 0.3)",
        "geometric(0.3)",
        "negativebinomial(2.5, 0.4)",
        "categorical([0.2, 0.3, 0.5])",
        "bernoulli(0.3)",
    ] {
        let d = parse_spec(s).unwrap();
        let dd = d.as_discrete().unwrap();
        let x = dd.sample(100_000, 2);
        let m = x.iter().map(|&k| k as f64).sum::<f64>() / x.len() as f64;
        assert!(
            (m - dd.mean()).abs() < 5.0 * (dd.variance() / x.len() as f64).sqrt(),
            "{s}: {m} vs {}",
            dd.mean()
        );
    }
}
