//! Every invalid input is a typed error that names the argument, the index and the value.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use kldiv::Error;
use kldiv::discrete::{
    Measure, Normalize, Options, Rows, Smoothing, Support, entropy, js_weighted, kl, rowwise,
};
use kldiv::error::Arg;

#[test]
fn nan_negative_and_infinite_entries() {
    let o = Options::default();
    let e = kl(&[0.5, f64::NAN, 0.5], &[0.2, 0.3, 0.5], &o).unwrap_err();
    assert!(
        matches!(
            e,
            Error::NotFinite {
                arg: Arg::P,
                index: 1,
                ..
            }
        ),
        "{e:?}"
    );
    assert_eq!(e.to_string(), "p[1] = NaN is not a finite number");
    let e = kl(&[0.5, 0.5], &[1.2, -0.2], &o).unwrap_err();
    assert_eq!(
        e,
        Error::Negative {
            arg: Arg::Q,
            index: 1,
            value: -0.2
        }
    );
    let e = kl(&[0.5, 0.5], &[f64::INFINITY, 0.0], &o).unwrap_err();
    assert!(matches!(e, Error::NotFinite { arg: Arg::Q, index: 0, value } if value.is_infinite()));
    let e = entropy(&[-1i64, 2], &o).unwrap_err();
    assert!(matches!(
        e,
        Error::Negative {
            arg: Arg::P,
            index: 0,
            ..
        }
    ));
}

#[test]
fn empty_and_mismatched() {
    let o = Options::default();
    // Two empty inputs have equal lengths: the error is that p is empty.
    assert_eq!(
        kl::<f64>(&[], &[], &o).unwrap_err(),
        Error::Empty { arg: Arg::P }
    );
    assert_eq!(
        kl(&[1.0], &[0.5, 0.5], &o).unwrap_err(),
        Error::LengthMismatch { p_len: 1, q_len: 2 }
    );
    assert_eq!(
        entropy::<f32>(&[], &o).unwrap_err(),
        Error::Empty { arg: Arg::P }
    );
}

#[test]
fn normalisation_failures() {
    let e = kl(&[0.5, 0.6], &[0.5, 0.5], &Options::default()).unwrap_err();
    match e {
        Error::NotNormalized { arg, sum, tol, .. } => {
            assert_eq!(arg, Arg::P);
            assert!((sum - 1.1).abs() < 1e-15);
            assert_eq!(tol, 1e-6);
        }
        other => panic!("{other:?}"),
    }
    assert!(e_string(kl(&[0.5, 0.6], &[0.5, 0.5], &Options::default())).contains("renormalize"));
    let r = Options::default().normalize(Normalize::Renormalize);
    assert_eq!(
        kl(&[0.0, 0.0], &[0.5, 0.5], &r).unwrap_err(),
        Error::ZeroMass { arg: Arg::P }
    );
    assert_eq!(
        kl(&[0u32, 0], &[1, 1], &Options::default()).unwrap_err(),
        Error::ZeroMass { arg: Arg::P }
    );
    // Assume: no check at all.
    let a = Options::default().normalize(Normalize::Assume);
    assert!(kl(&[0.5, 0.6], &[0.5, 0.5], &a).is_ok());
}

fn e_string<T>(r: kldiv::Result<T>) -> String {
    match r {
        Ok(_) => String::new(),
        Err(e) => e.to_string(),
    }
}

#[test]
fn invalid_parameters() {
    let p = [0.5, 0.5];
    for base in [0.0, 1.0, -3.0, f64::NAN] {
        let o = Options::default().base(kldiv::Base::Custom(base));
        assert!(matches!(
            kl(&p, &p, &o).unwrap_err(),
            Error::InvalidBase { .. }
        ));
    }
    for s in [
        Smoothing::Additive { alpha: 0.0 },
        Smoothing::Additive { alpha: -1.0 },
        Smoothing::Floor { epsilon: f64::NAN },
        Smoothing::MixUniform { alpha: 1.5 },
        Smoothing::MixUniform { alpha: 0.0 },
    ] {
        let o = Options::default().smoothing(s);
        assert!(
            matches!(kl(&p, &p, &o).unwrap_err(), Error::InvalidParameter { .. }),
            "{s}"
        );
    }
    let o = Options::default().normalize(Normalize::Check { tol: -1.0 });
    assert!(matches!(
        kl(&p, &p, &o).unwrap_err(),
        Error::InvalidParameter { name: "tol", .. }
    ));
    assert!(js_weighted(&p, &p, [0.7, 0.7], &Options::default()).is_err());
}

#[test]
fn support_error_names_index_and_mass() {
    let o = Options::default().support(Support::Error);
    let e = kl(&[0.1, 0.2, 0.3, 0.4], &[0.5, 0.0, 0.5, 0.0], &o).unwrap_err();
    assert_eq!(
        e,
        Error::SupportMismatch {
            index: 1,
            p_value: 0.2,
            count: 2,
            mass_outside: 0.6000000000000001,
        }
    );
    assert!(e.to_string().starts_with("p[1] = 0.2 > 0 where q[1] = 0"));
}

#[test]
fn batch_errors_name_the_row() {
    let p = [0.5, 0.5, 0.5, -0.5];
    let q = [0.5, 0.5, 0.5, 0.5];
    let pr = Rows::new(&p, 2, Arg::P).unwrap();
    let qr = Rows::new(&q, 2, Arg::Q).unwrap();
    let e = rowwise(Measure::Kl, &pr, &qr, &Options::default()).unwrap_err();
    assert_eq!(e.to_string(), "row 1: p[1] = -0.5 is negative");
    assert!(Rows::new(&p, 3, Arg::P).is_err());
}

#[test]
fn reverse_kl_errors_name_the_arguments_as_passed() {
    let e = Measure::ReverseKl
        .eval(&[0.5, 0.5], Some(&[0.5, -0.5]), &Options::default())
        .unwrap_err();
    assert!(
        matches!(
            e,
            Error::Negative {
                arg: Arg::Q,
                index: 1,
                ..
            }
        ),
        "{e:?}"
    );
}
