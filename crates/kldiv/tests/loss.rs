//! kldiv::loss against the committed torch reference, central differences, edge cases and a
//! seeded Monte Carlo check of the RL estimators.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use kldiv::Error;
use kldiv::loss::{
    DiagGaussians, Divergence, Estimator, GaussianGrads, Gradients, LossOptions, Reduction,
    SparseTeacher, Teacher, divergence, gaussian_kl, gaussian_kl_standard, policy_kl,
};
use kldiv::real::Real;
use rand::{Rng, SeedableRng};
use serde_json::Value;

fn reference() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../testdata/loss_reference.json"
    );
    let text = std::fs::read_to_string(path).expect("testdata/loss_reference.json");
    serde_json::from_str(&text).expect("valid JSON")
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|x| x.as_f64().unwrap_or(f64::NEG_INFINITY))
        .collect()
}

fn reduction_of(s: &str) -> Reduction {
    match s {
        "none" => Reduction::None,
        "sum" => Reduction::Sum,
        "mean" => Reduction::MeanPerElement,
        "batchmean" => Reduction::BatchMean,
        other => panic!("unknown reduction {other}"),
    }
}

fn close(got: f64, want: f64, scale: f64, tol: f64, what: &str) {
    let err = (got - want).abs();
    assert!(
        err <= tol * scale.max(want.abs()),
        "{what}: got {got:e}, want {want:e}, err {err:e} (tol {tol:e}, scale {scale:e})"
    );
}

fn max_abs(v: &[f64]) -> f64 {
    v.iter().fold(0.0, |m, x| m.max(x.abs()))
}

fn run_dense<T: Real>(case: &Value, tol: f64) {
    let name = case["name"].as_str().unwrap_or("?");
    let v = case["V"].as_u64().expect("V") as usize;
    let conv = |x: &Value| floats(x).into_iter().map(T::from_f64).collect::<Vec<T>>();
    let teacher = conv(&case["teacher"]);
    let student = conv(&case["student"]);
    let div = match case["divergence"].as_str() {
        Some("forward") => Divergence::Forward,
        Some("reverse") => Divergence::Reverse,
        _ => Divergence::Jsd {
            beta: case["beta"].as_f64().expect("beta"),
        },
    };
    let labels: Option<Vec<i64>> = case["labels"]
        .as_array()
        .map(|a| a.iter().map(|x| x.as_i64().expect("label")).collect());
    let mut opts = LossOptions::new(div)
        .temperature(case["temperature"].as_f64().expect("T"))
        .t2_scaling(case["t2"].as_bool().expect("t2"))
        .reduction(reduction_of(case["reduction"].as_str().expect("reduction")));
    if let Some(l) = labels.as_deref() {
        opts = opts.ignore_index(l, -100);
    }
    let t = match case["teacher_kind"].as_str() {
        Some("logits") => Teacher::Logits(&teacher),
        Some("logprobs") => Teacher::LogProbs(&teacher),
        _ => Teacher::Probs(&teacher),
    };
    let want_gt = case["grad_teacher"].as_array().is_some();
    let mut gs = vec![T::ZERO; student.len()];
    let mut gt = vec![T::ZERO; student.len()];
    let grads = if want_gt {
        Gradients::both(&mut gs, &mut gt)
    } else {
        Gradients::student(&mut gs)
    };
    let loss = divergence(t, &student, v, &opts, grads).expect(name);
    let want = case["value"].as_f64().expect("value");
    close(loss.value, want, 1e-300, tol, &format!("{name} value"));
    let rows = floats(&case["rows"]);
    for (r, (&a, &b)) in loss.rows.iter().zip(&rows).enumerate() {
        close(a, b, max_abs(&rows), tol, &format!("{name} row {r}"));
    }
    let check_grad = |got: &[T], want: &[f64], what: &str| {
        let scale = max_abs(want);
        for (i, (&a, &b)) in got.iter().zip(want).enumerate() {
            close(a.to_f64(), b, scale, tol, &format!("{name} {what}[{i}]"));
        }
    };
    check_grad(&gs, &floats(&case["grad_student"]), "grad_student");
    if want_gt {
        check_grad(&gt, &floats(&case["grad_teacher"]), "grad_teacher");
    }
}

#[test]
fn dense_cases_match_torch() {
    let doc = reference();
    let cases = doc["cases"].as_array().expect("cases");
    assert!(cases.len() >= 80);
    for case in cases {
        match case["dtype"].as_str() {
            Some("f32") => run_dense::<f32>(case, 1e-6),
            _ => run_dense::<f64>(case, 1e-12),
        }
    }
}

fn run_sparse<T: Real>(case: &Value, tol: f64) {
    let (b, v, k) = (
        case["B"].as_u64().expect("B") as usize,
        case["V"].as_u64().expect("V") as usize,
        case["k"].as_u64().expect("k") as usize,
    );
    let idx: Vec<usize> = floats(&case["indices"])
        .iter()
        .map(|&x| x as usize)
        .collect();
    let lp: Vec<T> = floats(&case["log_probs"])
        .into_iter()
        .map(T::from_f64)
        .collect();
    let s: Vec<T> = floats(&case["student"])
        .into_iter()
        .map(T::from_f64)
        .collect();
    let mut gs = vec![T::ZERO; b * v];
    let opts = LossOptions::new(Divergence::Forward);
    let loss = divergence(
        Teacher::Sparse(SparseTeacher::new(&idx, &lp, k)),
        &s,
        v,
        &opts,
        Gradients::student(&mut gs),
    )
    .expect("sparse");
    close(
        loss.value,
        case["value"].as_f64().expect("value"),
        1e-300,
        tol,
        "sparse value",
    );
    let want = floats(&case["grad_student"]);
    for (i, (&a, &w)) in gs.iter().zip(&want).enumerate() {
        close(
            a.to_f64(),
            w,
            max_abs(&want),
            tol,
            &format!("sparse grad[{i}]"),
        );
    }
}

#[test]
fn sparse_teacher_matches_torch() {
    let doc = reference();
    for case in doc["sparse"].as_array().expect("sparse") {
        match case["dtype"].as_str() {
            Some("f32") => run_sparse::<f32>(case, 1e-6),
            _ => run_sparse::<f64>(case, 1e-12),
        }
    }
}

fn run_policy<T: Real>(case: &Value, tol: f64) {
    let lp: Vec<T> = floats(&case["logp"]).into_iter().map(T::from_f64).collect();
    let lr: Vec<T> = floats(&case["logp_ref"])
        .into_iter()
        .map(T::from_f64)
        .collect();
    let mask: Vec<bool> = case["mask"]
        .as_array()
        .expect("mask")
        .iter()
        .map(|x| x.as_bool().expect("bool"))
        .collect();
    for (key, est) in [
        ("k1", Estimator::K1),
        ("k2", Estimator::K2),
        ("k3", Estimator::K3),
    ] {
        let mut g = vec![T::ZERO; lp.len()];
        let loss = policy_kl(
            &lp,
            &lr,
            est,
            Some(&mask),
            Reduction::BatchMean,
            Some(&mut g),
        )
        .expect("policy");
        close(
            loss.value,
            case[key]["value"].as_f64().expect("v"),
            1e-300,
            tol,
            key,
        );
        let want = floats(&case[key]["grad"]);
        for (i, (&a, &w)) in g.iter().zip(&want).enumerate() {
            close(
                a.to_f64(),
                w,
                max_abs(&want),
                tol,
                &format!("{key} grad[{i}]"),
            );
        }
    }
}

#[test]
fn policy_estimators_match_torch() {
    let doc = reference();
    for case in doc["policy"].as_array().expect("policy") {
        match case["dtype"].as_str() {
            Some("f32") => run_policy::<f32>(case, 1e-6),
            _ => run_policy::<f64>(case, 1e-12),
        }
    }
}

fn run_gaussian<T: Real>(case: &Value, tol: f64) {
    let d = case["D"].as_u64().expect("D") as usize;
    let get = |k: &str| {
        floats(&case[k])
            .into_iter()
            .map(T::from_f64)
            .collect::<Vec<T>>()
    };
    let (m1, l1, m2, l2) = (get("mu1"), get("lv1"), get("mu2"), get("lv2"));
    let n = m1.len();
    let mut g: Vec<Vec<T>> = (0..4).map(|_| vec![T::ZERO; n]).collect();
    let [g0, g1, g2, g3] = &mut g[..] else {
        unreachable!()
    };
    let grads = GaussianGrads {
        mu1: Some(g0),
        log_var1: Some(g1),
        mu2: Some(g2),
        log_var2: Some(g3),
    };
    let q = DiagGaussians {
        mu: &m1,
        log_var: &l1,
    };
    let p = DiagGaussians {
        mu: &m2,
        log_var: &l2,
    };
    let loss = gaussian_kl(q, p, d, Reduction::BatchMean, grads).expect("gaussian");
    close(
        loss.value,
        case["value"].as_f64().expect("value"),
        1e-300,
        tol,
        "gaussian value",
    );
    for (j, want) in case["grads"].as_array().expect("grads").iter().enumerate() {
        let want = floats(want);
        for (i, (&a, &w)) in g[j].iter().zip(&want).enumerate() {
            close(
                a.to_f64(),
                w,
                max_abs(&want),
                tol,
                &format!("gaussian grad {j}[{i}]"),
            );
        }
    }
    let mut gm = vec![T::ZERO; n];
    let mut gl = vec![T::ZERO; n];
    let grads = GaussianGrads {
        mu1: Some(&mut gm),
        log_var1: Some(&mut gl),
        ..Default::default()
    };
    let std = gaussian_kl_standard(q, d, Reduction::BatchMean, grads).expect("standard");
    close(
        std.value,
        case["standard_value"].as_f64().expect("v"),
        1e-300,
        tol,
        "standard",
    );
    for (got, want) in [
        (&gm, &case["standard_grads"][0]),
        (&gl, &case["standard_grads"][1]),
    ] {
        let want = floats(want);
        for (&a, &w) in got.iter().zip(&want) {
            close(a.to_f64(), w, max_abs(&want), tol, "standard grad");
        }
    }
}

#[test]
fn gaussian_kl_matches_torch() {
    let doc = reference();
    for case in doc["gaussian"].as_array().expect("gaussian") {
        match case["dtype"].as_str() {
            Some("f32") => run_gaussian::<f32>(case, 1e-6),
            _ => run_gaussian::<f64>(case, 1e-12),
        }
    }
}

// ---------------------------------------------------------------- central differences

fn randn(rng: &mut impl Rng, n: usize, scale: f64) -> Vec<f64> {
    (0..n)
        .map(|_| {
            let u: f64 = rng.random::<f64>() * 2.0 - 1.0;
            let w: f64 = rng.random::<f64>() * 2.0 - 1.0;
            (u + w) * scale
        })
        .collect()
}

/// Checks an analytic gradient against central differences of `f`, to relative `1e-6`.
fn check_fd(f: &dyn Fn(&[f64]) -> f64, x: &[f64], grad: &[f64], what: &str) {
    let scale = max_abs(grad).max(1e-3);
    let mut xp = x.to_vec();
    for i in 0..x.len() {
        let h = 1e-5 * x[i].abs().max(1.0);
        xp[i] = x[i] + h;
        let fp = f(&xp);
        xp[i] = x[i] - h;
        let fm = f(&xp);
        xp[i] = x[i];
        let fd = (fp - fm) / (2.0 * h);
        let err = (fd - grad[i]).abs();
        assert!(
            err <= 1e-6 * scale.max(grad[i].abs()),
            "{what}: d/dx[{i}] analytic {} vs central {fd} (err {err:e})",
            grad[i]
        );
    }
}

#[test]
fn gradients_match_central_differences() {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    let (b, v) = (3, 7);
    let s = randn(&mut rng, b * v, 2.0);
    let t = randn(&mut rng, b * v, 2.0);
    let mask = [true, false, true];
    let labels = [4i64, 2, -100];
    let divs = [
        Divergence::Forward,
        Divergence::Reverse,
        Divergence::Jsd { beta: 0.5 },
        Divergence::Jsd { beta: 0.2 },
    ];
    let reds = [
        Reduction::None,
        Reduction::Sum,
        Reduction::MeanPerElement,
        Reduction::BatchMean,
    ];
    let mut checked = 0;
    for div in divs {
        for red in reds {
            for (temp, t2) in [(1.0, false), (2.5, true), (0.6, false)] {
                for selection in 0..3 {
                    let mut opts = LossOptions::new(div)
                        .temperature(temp)
                        .t2_scaling(t2)
                        .reduction(red);
                    match selection {
                        1 => opts = opts.mask(&mask),
                        2 => opts = opts.ignore_index(&labels, -100),
                        _ => {}
                    }
                    let mut gs = vec![0.0; b * v];
                    let mut gt = vec![0.0; b * v];
                    let loss = divergence(
                        Teacher::Logits(&t),
                        &s,
                        v,
                        &opts,
                        Gradients::both(&mut gs, &mut gt),
                    )
                    .expect("loss");
                    let what = format!("{div:?} {red:?} T={temp} sel={selection}");
                    let fs = |x: &[f64]| {
                        divergence(Teacher::Logits(&t), x, v, &opts, Gradients::none())
                            .expect("loss")
                            .value
                    };
                    let ft = |x: &[f64]| {
                        divergence(Teacher::Logits(x), &s, v, &opts, Gradients::none())
                            .expect("loss")
                            .value
                    };
                    assert!(loss.value > 0.0);
                    check_fd(&fs, &s, &gs, &format!("{what} student"));
                    check_fd(&ft, &t, &gt, &format!("{what} teacher"));
                    checked += 1;
                }
            }
        }
    }
    assert_eq!(checked, 4 * 4 * 3 * 3);
}

#[test]
fn gradients_of_probability_teachers_and_sparse() {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(11);
    let (b, v) = (2, 9);
    let s = randn(&mut rng, b * v, 1.5);
    // Teacher probabilities with exact zeros.
    let mut p = vec![0.0; b * v];
    for r in 0..b {
        let w: Vec<f64> = (0..v)
            .map(|i| {
                if i % 3 == 1 {
                    0.0
                } else {
                    rng.random::<f64>() + 0.1
                }
            })
            .collect();
        let z: f64 = w.iter().sum();
        for i in 0..v {
            p[r * v + i] = w[i] / z;
        }
    }
    for div in [Divergence::Forward, Divergence::Jsd { beta: 0.3 }] {
        let opts = LossOptions::new(div)
            .temperature(1.3)
            .reduction(Reduction::Sum);
        let mut gs = vec![0.0; b * v];
        divergence(
            Teacher::Probs(&p),
            &s,
            v,
            &opts,
            Gradients::student(&mut gs),
        )
        .expect("loss");
        let f = |x: &[f64]| {
            divergence(Teacher::Probs(&p), x, v, &opts, Gradients::none())
                .expect("loss")
                .value
        };
        check_fd(&f, &s, &gs, &format!("{div:?} probs"));
    }
    // Sparse top-3 teacher.
    let idx = [0usize, 4, 7, 8, 2, 5];
    let lp = [-1.0f64, -1.5, -2.5, -0.7, -2.0, -3.0];
    let opts = LossOptions::new(Divergence::Forward).reduction(Reduction::BatchMean);
    let sp = Teacher::Sparse(SparseTeacher::new(&idx, &lp, 3));
    let mut gs = vec![0.0; b * v];
    divergence(sp, &s, v, &opts, Gradients::student(&mut gs)).expect("sparse");
    let f = |x: &[f64]| {
        divergence(sp, x, v, &opts, Gradients::none())
            .expect("sparse")
            .value
    };
    check_fd(&f, &s, &gs, "sparse");
}

#[test]
fn rl_and_gaussian_gradients_match_central_differences() {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
    let n = 12;
    let lp: Vec<f64> = randn(&mut rng, n, 1.0).iter().map(|x| x - 2.0).collect();
    let lr: Vec<f64> = randn(&mut rng, n, 1.0).iter().map(|x| x - 2.0).collect();
    let mask: Vec<bool> = (0..n).map(|i| i % 4 != 0).collect();
    for est in [Estimator::K1, Estimator::K2, Estimator::K3] {
        for red in [Reduction::Sum, Reduction::BatchMean, Reduction::None] {
            let mut g = vec![0.0; n];
            policy_kl(&lp, &lr, est, Some(&mask), red, Some(&mut g)).expect("policy");
            let f = |x: &[f64]| {
                policy_kl(x, &lr, est, Some(&mask), red, None)
                    .expect("p")
                    .value
            };
            check_fd(&f, &lp, &g, &format!("{est:?} {red:?}"));
        }
    }
    let (b, d) = (2, 3);
    let m1 = randn(&mut rng, b * d, 1.0);
    let l1 = randn(&mut rng, b * d, 1.0);
    let m2 = randn(&mut rng, b * d, 1.0);
    let l2 = randn(&mut rng, b * d, 1.0);
    for red in [
        Reduction::Sum,
        Reduction::BatchMean,
        Reduction::MeanPerElement,
    ] {
        let mut g: Vec<Vec<f64>> = (0..4).map(|_| vec![0.0; b * d]).collect();
        let [g0, g1, g2, g3] = &mut g[..] else {
            unreachable!()
        };
        let grads = GaussianGrads {
            mu1: Some(g0),
            log_var1: Some(g1),
            mu2: Some(g2),
            log_var2: Some(g3),
        };
        let q = DiagGaussians {
            mu: &m1,
            log_var: &l1,
        };
        let p = DiagGaussians {
            mu: &m2,
            log_var: &l2,
        };
        gaussian_kl(q, p, d, red, grads).expect("g");
        let val = |a: &[f64], bb: &[f64], c: &[f64], e: &[f64]| {
            gaussian_kl(
                DiagGaussians { mu: a, log_var: bb },
                DiagGaussians { mu: c, log_var: e },
                d,
                red,
                GaussianGrads::default(),
            )
            .expect("g")
            .value
        };
        check_fd(&|x| val(x, &l1, &m2, &l2), &m1, &g[0], "mu1");
        check_fd(&|x| val(&m1, x, &m2, &l2), &l1, &g[1], "lv1");
        check_fd(&|x| val(&m1, &l1, x, &l2), &m2, &g[2], "mu2");
        check_fd(&|x| val(&m1, &l1, &m2, x), &l2, &g[3], "lv2");
    }
}

// ---------------------------------------------------------------- edge cases

#[test]
fn huge_logits_and_exact_zeros_give_no_nan() {
    let v = 6;
    let s = [1e4, -1e4, 3.0, -1e4, 9999.0, 0.0];
    let t = [-1e4, 1e4, 0.0, f64::NEG_INFINITY, 1e4 - 1.0, -5.0];
    for div in [
        Divergence::Forward,
        Divergence::Reverse,
        Divergence::Jsd { beta: 0.5 },
    ] {
        let opts = LossOptions::new(div);
        let mut gs = vec![0.0; v];
        let mut gt = vec![0.0; v];
        let l = divergence(
            Teacher::Logits(&t),
            &s,
            v,
            &opts,
            Gradients::both(&mut gs, &mut gt),
        )
        .expect("loss");
        assert!(!l.value.is_nan(), "{div:?}");
        assert!(
            gs.iter().chain(&gt).all(|x| x.is_finite()),
            "{div:?}: {gs:?} {gt:?}"
        );
        if div != Divergence::Reverse {
            assert!(l.value.is_finite());
            // Teacher exactly zero at index 3: zero teacher gradient there.
            assert_eq!(gt[3], 0.0);
        } else {
            // P = 0 at 3 while Q > 0 (underflowed): reverse KL is still finite here since
            // Q(3) = e^{-2e4} rounds to 0; the gradient is finite either way.
            assert!(l.value > 0.0);
        }
    }
    // Forward KL with large logits: matches the direct formula.
    let s = [1e4, 1e4 - 1.0];
    let t = [1e4 - 0.5, 1e4];
    let l = divergence(
        Teacher::Logits(&t),
        &s,
        2,
        &LossOptions::new(Divergence::Forward),
        Gradients::none(),
    )
    .expect("loss");
    let lq = |a: f64, b: f64| a - (a.max(b) + ((a - a.max(b)).exp() + (b - a.max(b)).exp()).ln());
    let (p0, p1) = (lq(t[0], t[1]), lq(t[1], t[0]));
    let (q0, q1) = (lq(s[0], s[1]), lq(s[1], s[0]));
    let exact = p0.exp() * (p0 - q0) + p1.exp() * (p1 - q1);
    assert!((l.value - exact).abs() < 1e-12, "{} vs {exact}", l.value);
}

#[test]
fn target_zeros_give_zero_gradient_and_reverse_infinity() {
    let s = [0.3f32, -0.2, 1.0, 0.0];
    let p = [0.5f32, 0.0, 0.5, 0.0];
    let mut gs = [0f32; 4];
    let fwd = divergence(
        Teacher::Probs(&p),
        &s,
        4,
        &LossOptions::new(Divergence::Forward),
        Gradients::student(&mut gs),
    )
    .expect("forward");
    assert!(fwd.value.is_finite() && fwd.value > 0.0);
    assert!(gs.iter().all(|g| g.is_finite()));
    let mut gs = [1f32; 4];
    let rev = divergence(
        Teacher::Probs(&p),
        &s,
        4,
        &LossOptions::new(Divergence::Reverse),
        Gradients::student(&mut gs),
    )
    .expect("reverse");
    assert_eq!(rev.value, f64::INFINITY);
    assert_eq!(gs, [0.0; 4]);
    // Masked student logit (−∞) under teacher mass: forward KL is +∞.
    let s = [0.0, f64::NEG_INFINITY];
    let t = [0.0, 0.0];
    let l = divergence(
        Teacher::Logits(&t),
        &s,
        2,
        &LossOptions::new(Divergence::Forward),
        Gradients::none(),
    )
    .expect("forward");
    assert_eq!(l.value, f64::INFINITY);
}

#[test]
fn errors_name_row_index_and_value() {
    let s = [0.0, 1.0, 2.0, f64::NAN, 0.0, 1.0];
    let t = [0.0; 6];
    let e = divergence(
        Teacher::Logits(&t),
        &s,
        3,
        &LossOptions::new(Divergence::Forward),
        Gradients::none(),
    )
    .unwrap_err();
    match e {
        Error::InRow { row: 1, source } => match *source {
            Error::NotFinite {
                index: 0, value, ..
            } => assert!(value.is_nan()),
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    }
    // The same NaN in a masked row is not read.
    let mask = [true, false];
    assert!(
        divergence(
            Teacher::Logits(&t),
            &s,
            3,
            &LossOptions::new(Divergence::Forward).mask(&mask),
            Gradients::none()
        )
        .is_ok()
    );
    let p = [0.5, 0.6, 0.0];
    let e = divergence(
        Teacher::Probs(&p),
        &[0.0; 3],
        3,
        &LossOptions::new(Divergence::Forward),
        Gradients::none(),
    )
    .unwrap_err();
    assert!(
        matches!(e, Error::InRow { row: 0, ref source } if matches!(**source, Error::NotNormalized { .. })),
        "{e}"
    );
    let e = divergence(
        Teacher::Logits(&t),
        &s[..5],
        3,
        &LossOptions::new(Divergence::Forward),
        Gradients::none(),
    )
    .unwrap_err();
    assert!(matches!(
        e,
        Error::Shape {
            len: 5,
            cols: 3,
            ..
        }
    ));
    let e = divergence(
        Teacher::Logits(&t),
        &[0.0; 6],
        3,
        &LossOptions::new(Divergence::Jsd { beta: 1.5 }),
        Gradients::none(),
    )
    .unwrap_err();
    assert!(matches!(e, Error::InvalidParameter { name: "beta", .. }));
    let e = divergence(
        Teacher::Logits(&t),
        &[0.0; 6],
        3,
        &LossOptions::new(Divergence::Forward).temperature(0.0),
        Gradients::none(),
    )
    .unwrap_err();
    assert!(matches!(
        e,
        Error::InvalidParameter {
            name: "temperature",
            ..
        }
    ));
    let idx = [0usize, 0];
    let lp = [-1.0, -2.0];
    let e = divergence(
        Teacher::Sparse(SparseTeacher::new(&idx, &lp, 2)),
        &[0.0; 3],
        3,
        &LossOptions::new(Divergence::Forward),
        Gradients::none(),
    )
    .unwrap_err();
    assert!(
        matches!(e, Error::InRow { row: 0, ref source } if matches!(**source, Error::BadIndex { index: 0, .. })),
        "{e}"
    );
    let mut g = [0.0; 5];
    let e = divergence(
        Teacher::Logits(&t),
        &[0.0; 6],
        3,
        &LossOptions::new(Divergence::Forward),
        Gradients::student(&mut g),
    )
    .unwrap_err();
    assert!(matches!(
        e,
        Error::WrongLength {
            what: "grad_student",
            len: 5,
            expected: 6
        }
    ));
}

#[test]
fn reductions_relate_as_documented() {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
    let (b, v) = (4, 10);
    let s = randn(&mut rng, b * v, 2.0);
    let t = randn(&mut rng, b * v, 2.0);
    let labels = [1i64, -100, 3, -100];
    let run = |r| {
        divergence(
            Teacher::Logits(&t),
            &s,
            v,
            &LossOptions::new(Divergence::Forward)
                .reduction(r)
                .ignore_index(&labels, -100),
            Gradients::none(),
        )
        .expect("loss")
    };
    let sum = run(Reduction::Sum);
    assert_eq!(sum.counted, 2);
    assert_eq!(sum.rows[1], 0.0);
    assert!((run(Reduction::BatchMean).value - sum.value / 2.0).abs() < 1e-15);
    assert!((run(Reduction::MeanPerElement).value - sum.value / 20.0).abs() < 1e-15);
    assert_eq!(run(Reduction::None).rows, sum.rows);
    let none = [false; 4];
    let l = divergence(
        Teacher::Logits(&t),
        &s,
        v,
        &LossOptions::new(Divergence::Forward).mask(&none),
        Gradients::none(),
    )
    .expect("loss");
    assert_eq!((l.value, l.counted), (0.0, 0));
}

// ---------------------------------------------------------------- RL estimators, Monte Carlo

#[test]
fn k3_is_unbiased_and_nonnegative_monte_carlo() {
    let pi = [0.1, 0.2, 0.3, 0.4];
    let pref = [0.25, 0.25, 0.25, 0.25];
    let exact: f64 = pi
        .iter()
        .zip(&pref)
        .map(|(p, q): (&f64, &f64)| p * (p / q).ln())
        .sum();
    let exact_k2: f64 = pi
        .iter()
        .zip(&pref)
        .map(|(p, q): (&f64, &f64)| p * 0.5 * (q / p).ln().powi(2))
        .sum();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(2026);
    let n = 200_000;
    let mut lp = Vec::with_capacity(n);
    let mut lr = Vec::with_capacity(n);
    for _ in 0..n {
        let u: f64 = rng.random();
        let mut c = 0.0;
        let mut k = pi.len() - 1;
        for (i, &p) in pi.iter().enumerate() {
            c += p;
            if u < c {
                k = i;
                break;
            }
        }
        lp.push(pi[k].ln());
        lr.push(pref[k].ln());
    }
    let stats = |est| {
        let l = policy_kl(&lp, &lr, est, None, Reduction::None, None).expect("policy");
        let mean = l.rows.iter().sum::<f64>() / n as f64;
        let var = l.rows.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
        (mean, (var / n as f64).sqrt(), var, l.rows)
    };
    let (m1, se1, v1, _) = stats(Estimator::K1);
    let (m2, se2, v2, r2) = stats(Estimator::K2);
    let (m3, se3, v3, r3) = stats(Estimator::K3);
    assert!((m1 - exact).abs() < 4.0 * se1, "k1 {m1} vs {exact} ± {se1}");
    assert!((m3 - exact).abs() < 4.0 * se3, "k3 {m3} vs {exact} ± {se3}");
    assert!(r3.iter().all(|&x| x >= 0.0) && r2.iter().all(|&x| x >= 0.0));
    // k2 estimates its own expectation, which is not the KL here (biased).
    assert!((m2 - exact_k2).abs() < 4.0 * se2);
    assert!(
        (exact_k2 - exact).abs() > 10.0 * se2,
        "bias {} not visible",
        exact_k2 - exact
    );
    // k1 has the largest variance.
    assert!(v3 < v1 && v2 < v1, "var k1 {v1} k2 {v2} k3 {v3}");
}
