#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Exact gradients against central differences on small problems: free embeddings, a linear
//! mapper and cluster logits (and class logits), for the forward KL, the reverse KL and the
//! cross-entropy, with sum and mean reductions and a debiased q.

use kldiv_icon::combinators::debias;
use kldiv_icon::kernels::{self, Bandwidth, Diagonal, Distance};
use kldiv_icon::objective::{
    Divergence, EmbeddingKernel, Evaluation, Objective, Reduction, cluster_gradient,
    embedding_gradient, linear_gradient, softmax_gradient,
};
use kldiv_icon::{Dense, Points};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const DIVERGENCES: [Divergence; 3] = [
    Divergence::Forward,
    Divergence::Reverse,
    Divergence::CrossEntropy,
];

fn uniform(rng: &mut ChaCha8Rng, len: usize, scale: f64) -> Vec<f64> {
    (0..len)
        .map(|_| scale * (rng.random::<f64>() - 0.5))
        .collect()
}

/// Compares `eval(θ).gradient` with central differences `(f(θ + h) − f(θ − h)) / 2h`.
fn check(theta: &[f64], eval: impl Fn(&[f64]) -> Evaluation, what: &str) {
    let e = eval(theta);
    assert!(e.loss.is_finite(), "{what}: loss {}", e.loss);
    let h = 1e-6;
    let scale = e
        .gradient
        .iter()
        .fold(0.0f64, |a, g| a.max(g.abs()))
        .max(1e-3);
    for k in 0..theta.len() {
        let mut t = theta.to_vec();
        t[k] += h;
        let up = eval(&t).loss;
        t[k] -= 2.0 * h;
        let down = eval(&t).loss;
        let fd = (up - down) / (2.0 * h);
        assert!(
            (fd - e.gradient[k]).abs() <= 2e-6 * scale,
            "{what}: parameter {k}: analytic {} vs central difference {fd}",
            e.gradient[k]
        );
    }
}

/// A Gaussian p on random data (positive off the diagonal, so the reverse KL is finite).
fn data_p(rng: &mut ChaCha8Rng, n: usize, diagonal: Diagonal) -> Dense {
    let x = uniform(rng, n * 3, 2.0);
    let x = Points::new("x", &x, 3).unwrap();
    kernels::gaussian(
        x,
        Bandwidth::Global(0.8),
        Distance::SquaredEuclidean,
        diagonal,
    )
    .unwrap()
}

fn objectives() -> Vec<Objective> {
    let mut out = Vec::new();
    for divergence in DIVERGENCES {
        for (reduction, debias_q) in [(Reduction::Sum, 0.0), (Reduction::Mean, 0.3)] {
            out.push(Objective {
                divergence,
                reduction,
                debias_q,
            });
        }
    }
    out
}

#[test]
fn free_embeddings() {
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    let n = 7;
    let mut p = data_p(&mut rng, n, Diagonal::Exclude);
    // Keep a zero diagonal in p; with α_q > 0, q̃ has mass there too, so debias p as well for
    // the reverse direction (p = 0 where q̃ > 0 would be +∞).
    let y = uniform(&mut rng, n * 2, 2.0);
    for kernel in [
        EmbeddingKernel::Gaussian { sigma: 0.7 },
        EmbeddingKernel::StudentT { nu: 1.0 },
        EmbeddingKernel::StudentT { nu: 2.5 },
    ] {
        for obj in objectives() {
            let mut pp = p.clone();
            if obj.debias_q > 0.0 {
                debias(&mut pp, 0.1).unwrap();
            }
            check(
                &y,
                |t| embedding_gradient(&pp, Points::new("y", t, 2).unwrap(), kernel, &obj).unwrap(),
                &format!("embedding {kernel:?} {obj:?}"),
            );
        }
    }
    // A non-row-stochastic p is allowed (joint form): the gradient is still exact.
    let s = p.as_mut_slice();
    s.iter_mut().for_each(|v| *v *= 0.5);
    let obj = Objective::default();
    check(
        &y,
        |t| {
            embedding_gradient(
                &p,
                Points::new("y", t, 2).unwrap(),
                EmbeddingKernel::StudentT { nu: 1.0 },
                &obj,
            )
            .unwrap()
        },
        "embedding, scaled p",
    );
}

#[test]
fn linear_mapper() {
    let mut rng = ChaCha8Rng::seed_from_u64(12);
    let (n, dx, dims) = (6, 4, 2);
    let p = data_p(&mut rng, n, Diagonal::Exclude);
    let x = uniform(&mut rng, n * dx, 2.0);
    let x = Points::new("x", &x, dx).unwrap();
    let w = uniform(&mut rng, dx * dims, 1.0);
    for kernel in [
        EmbeddingKernel::Gaussian { sigma: 1.3 },
        EmbeddingKernel::StudentT { nu: 1.0 },
    ] {
        for obj in objectives() {
            let mut pp = p.clone();
            if obj.debias_q > 0.0 {
                debias(&mut pp, 0.1).unwrap();
            }
            check(
                &w,
                |t| linear_gradient(&pp, x, t, dims, kernel, &obj).unwrap(),
                &format!("linear {kernel:?} {obj:?}"),
            );
        }
    }
}

#[test]
fn cluster_logits() {
    let mut rng = ChaCha8Rng::seed_from_u64(13);
    let (n, m) = (7, 3);
    // The cluster kernel includes j = i: p includes it too (positive everywhere).
    let p = data_p(&mut rng, n, Diagonal::Include);
    let z = uniform(&mut rng, n * m, 3.0);
    for obj in objectives() {
        check(
            &z,
            |t| cluster_gradient(&p, t, m, &obj).unwrap(),
            &format!("cluster {obj:?}"),
        );
    }
    // A sparse-looking p (kNN, zero off the neighbours) with the forward KL.
    let x = uniform(&mut rng, n * 2, 2.0);
    let x = Points::new("x", &x, 2).unwrap();
    let knn = kernels::knn_uniform(x, 2, Distance::SquaredEuclidean)
        .unwrap()
        .to_dense();
    check(
        &z,
        |t| cluster_gradient(&knn, t, m, &Objective::default()).unwrap(),
        "cluster, kNN p",
    );
}

#[test]
fn class_logits() {
    let mut rng = ChaCha8Rng::seed_from_u64(14);
    let (n, m) = (5, 4);
    let labels = [0, 3, 1, 1, 2];
    let mut p = kernels::one_hot(&labels, m).unwrap();
    let z = uniform(&mut rng, n * m, 3.0);
    for obj in objectives() {
        if obj.divergence == Divergence::Reverse {
            continue; // one-hot p has zeros where q > 0: the reverse KL is +∞.
        }
        check(
            &z,
            |t| softmax_gradient(&p, t, &obj).unwrap(),
            &format!("softmax {obj:?}"),
        );
    }
    debias(&mut p, 0.2).unwrap(); // label smoothing makes the reverse KL finite
    for obj in objectives() {
        check(
            &z,
            |t| softmax_gradient(&p, t, &obj).unwrap(),
            &format!("softmax smoothed {obj:?}"),
        );
    }
}

#[test]
fn infinite_loss_has_no_gradient() {
    let p = Dense::new(2, 2, vec![0.5, 0.5, 0.5, 0.5]).unwrap();
    let y = Points::new("y", &[0.0, 1.0], 1).unwrap();
    let obj = Objective::default();
    // q_ii = 0 where p_ii > 0: +∞, an error naming the entry.
    let e = embedding_gradient(&p, y, EmbeddingKernel::Gaussian { sigma: 1.0 }, &obj).unwrap_err();
    assert!(e.to_string().starts_with("q: index 0: value 0"), "{e}");
}

#[test]
fn forward_gaussian_is_the_sne_gradient() {
    // With σ² = 1/2 and row-stochastic p: ∂L/∂y_i = 2 Σ_j (p_j|i − q_j|i + p_i|j − q_i|j)(y_i − y_j).
    let mut rng = ChaCha8Rng::seed_from_u64(15);
    let n = 6;
    let p = data_p(&mut rng, n, Diagonal::Exclude);
    let y = uniform(&mut rng, n * 2, 2.0);
    let yp = Points::new("y", &y, 2).unwrap();
    let kernel = EmbeddingKernel::Gaussian {
        sigma: 0.5f64.sqrt(),
    };
    let e = embedding_gradient(&p, yp, kernel, &Objective::default()).unwrap();
    let q = kldiv_icon::objective::embedding_q(yp, kernel).unwrap();
    for i in 0..n {
        for k in 0..2 {
            let sne: f64 = (0..n)
                .map(|j| {
                    let c = p.get(i, j) - q.get(i, j) + p.get(j, i) - q.get(j, i);
                    2.0 * c * (y[i * 2 + k] - y[j * 2 + k])
                })
                .sum();
            assert!((sne - e.gradient[i * 2 + k]).abs() < 1e-12, "{i} {k}");
        }
    }
}
