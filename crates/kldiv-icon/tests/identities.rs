#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The identities of the I-Con paper, in f64: bit-exact where the arithmetic allows it,
//! otherwise to a few units of rounding (relative 1e-13).

use kldiv_icon::combinators::{ReturnWalks, Walks, debias, propagate};
use kldiv_icon::kernels::{self, Bandwidth, Diagonal, Distance};
use kldiv_icon::methods::{KMeansOptions, kmeans, kmeans_objective};
use kldiv_icon::metrics::hungarian_accuracy;
use kldiv_icon::objective::{Divergence, Objective, Reduction, loss, row_values, softmax_rows};
use kldiv_icon::{Dense, Points, Sparse, no_progress};
use proptest::prelude::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * a.abs().max(b.abs()).max(1.0)
}

fn random_rows(rng: &mut ChaCha8Rng, n: usize, m: usize) -> Dense {
    let mut v: Vec<f64> = (0..n * m).map(|_| rng.random::<f64>() + 1e-3).collect();
    for r in v.chunks_mut(m) {
        let s: f64 = r.iter().sum();
        r.iter_mut().for_each(|x| *x /= s);
    }
    Dense::new(n, m, v).unwrap()
}

fn objective(divergence: Divergence) -> Objective {
    Objective {
        divergence,
        ..Objective::default()
    }
}

#[test]
fn one_hot_p_gives_minus_sum_log_q_target() {
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let (n, m) = (9, 5);
    let q = random_rows(&mut rng, n, m);
    let labels: Vec<usize> = (0..n).map(|i| (i * 3) % m).collect();
    let p = kernels::one_hot(&labels, m).unwrap();
    let terms: Vec<f64> = labels
        .iter()
        .enumerate()
        .map(|(i, &y)| -q.get(i, y).ln())
        .collect();
    let expected = kldiv::sum::sum(&terms);
    for d in [Divergence::Forward, Divergence::CrossEntropy] {
        assert_eq!(loss(&p, &q, &objective(d)).unwrap(), expected, "{d:?}");
    }
}

#[test]
fn uniform_over_k_positives() {
    // p(·|i) uniform over k positives: KL = (1/k) Σ_pos −ln q(pos|i) − ln k.
    let mut rng = ChaCha8Rng::seed_from_u64(2);
    let (n, k) = (12, 3);
    let groups: Vec<usize> = (0..n).map(|i| i / (k + 1)).collect(); // groups of k+1 points
    let p = kernels::same_label(&groups, Diagonal::Exclude)
        .unwrap()
        .to_dense();
    let q = random_rows(&mut rng, n, n);
    let rows = row_values(&p, &q, Divergence::Forward).unwrap();
    for i in 0..n {
        let pos: Vec<usize> = (0..n)
            .filter(|&j| j != i && groups[j] == groups[i])
            .collect();
        assert_eq!(pos.len(), k);
        let ce: f64 = pos.iter().map(|&j| -q.get(i, j).ln()).sum::<f64>() / k as f64;
        let expected = ce - (k as f64).ln();
        assert!(
            close(rows[i], expected, 1e-13),
            "row {i}: {} vs {expected}",
            rows[i]
        );
    }
}

#[test]
fn debiasing_is_affine_in_the_cross_entropy() {
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let (n, m) = (7, 6);
    let p = random_rows(&mut rng, n, m);
    let q = random_rows(&mut rng, n, m);
    let u = Dense::new(n, m, vec![1.0 / m as f64; n * m]).unwrap();
    let ce = objective(Divergence::CrossEntropy);
    let h_pq = loss(&p, &q, &ce).unwrap();
    let h_uq = loss(&u, &q, &ce).unwrap();
    for alpha in [0.0, 0.1, 0.25, 0.5, 0.9, 1.0] {
        let mut pt = p.clone();
        debias(&mut pt, alpha).unwrap();
        let lhs = loss(&pt, &q, &ce).unwrap();
        let rhs = (1.0 - alpha) * h_pq + alpha * h_uq;
        assert!(close(lhs, rhs, 1e-14), "alpha {alpha}: {lhs} vs {rhs}");
    }
}

proptest! {
    #[test]
    fn cluster_kernel_is_row_stochastic(
        n in 1usize..12,
        m in 1usize..6,
        seed in any::<u64>(),
        hard in any::<bool>(),
    ) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let phi = if hard {
            let mut v = vec![0.0; n * m];
            for i in 0..n { v[i * m + rng.random_range(0..m)] = 1.0; }
            Dense::new(n, m, v).unwrap()
        } else {
            let z: Vec<f64> = (0..n * m).map(|_| 10.0 * (rng.random::<f64>() - 0.5)).collect();
            softmax_rows(&z, m).unwrap()
        };
        let q = kernels::cluster(&phi).unwrap();
        for (i, s) in q.row_sums().iter().enumerate() {
            prop_assert!((s - 1.0).abs() <= 4.0 * f64::EPSILON * n as f64, "row {} sums to {}", i, s);
        }
        // Symmetric, non-negative.
        for i in 0..n { for j in 0..n {
            prop_assert!(q.get(i, j) >= 0.0);
            prop_assert!(close(q.get(i, j), q.get(j, i), 1e-15));
        }}
    }
}

#[test]
fn kmeans_theorem_13_exact_form() {
    let mut rng = ChaCha8Rng::seed_from_u64(4);
    let (n, d, m) = (8, 3, 3);
    let x: Vec<f64> = (0..n * d).map(|_| 2.0 * rng.random::<f64>()).collect();
    let x = Points::new("x", &x, d).unwrap();
    let mut hard = vec![0.0; n * m];
    for i in 0..n {
        hard[i * m + i % m] = 1.0;
    }
    let hard = Dense::new(n, m, hard).unwrap();
    for sigma in [0.5, 1.0, 2.5] {
        for phi in [random_rows(&mut rng, n, m), hard.clone()] {
            let p = kernels::gaussian(
                x,
                Bandwidth::Global(sigma),
                Distance::SquaredEuclidean,
                Diagonal::Include,
            )
            .unwrap();
            let q = kernels::cluster(&phi).unwrap();
            let direct = loss(&p, &q, &objective(Divergence::Reverse)).unwrap();
            let t = kmeans_objective(x, &phi, sigma).unwrap();
            assert!(
                close(direct, t.loss, 1e-13),
                "sigma {sigma}: {direct} vs {}",
                t.loss
            );
        }
    }
}

#[test]
fn kmeans_decreases_l_pkm_and_recovers_blobs() {
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    let (n, d) = (60, 2);
    let centres = [(0.0, 0.0), (5.0, 5.0), (0.0, 6.0)];
    let mut x = Vec::new();
    let mut truth = Vec::new();
    for i in 0..n {
        let c = centres[i % 3];
        x.push(c.0 + rng.random::<f64>() - 0.5);
        x.push(c.1 + rng.random::<f64>() - 0.5);
        truth.push(i % 3);
    }
    let x = Points::new("x", &x, d).unwrap();
    let opts = KMeansOptions {
        clusters: 3,
        seed: 9,
        ..KMeansOptions::default()
    };
    let r = kmeans(x, &opts, &mut no_progress).unwrap();
    assert!(r.losses.windows(2).all(|w| w[1] <= w[0] * (1.0 + 1e-12)));
    assert_eq!(hungarian_accuracy(&truth, &r.labels).unwrap(), 1.0);
    // Same seed, same bits.
    let again = kmeans(x, &r.options, &mut no_progress).unwrap();
    assert_eq!(again, r);
    // L_PKM reported equals the Theorem-13 term of the hard assignments.
    let t = kmeans_objective(x, &r.assignments, 1.0).unwrap();
    assert!(close(t.l_pkm, r.inertia, 1e-12));
}

#[test]
fn triplet_bounds() {
    // The triplet loss as I-Con: p one-hot on the positive among {positive, negative},
    // q = softmax(−d⁺, −d⁻): L = −ln q(pos) = ln(1 + e^{d⁺ − d⁻}), and
    // L − ln 2 ≤ max(d⁺ − d⁻, 0) ≤ L.
    let p = Dense::new(1, 2, vec![1.0, 0.0]).unwrap();
    for dp in [0.0, 0.1, 1.0, 3.0, 10.0, 40.0] {
        for dn in [0.0, 0.2, 1.0, 5.0, 30.0] {
            let q = softmax_rows(&[-dp, -dn], 2).unwrap();
            let l = loss(&p, &q, &Objective::default()).unwrap();
            let softplus = (dp - dn).exp().ln_1p();
            assert!(close(l, softplus, 1e-13), "{dp} {dn}: {l} vs {softplus}");
            let hinge = (dp - dn).max(0.0);
            assert!(
                l - 2f64.ln() <= hinge + 1e-12 && hinge <= l + 1e-12,
                "{dp} {dn}"
            );
        }
    }
}

#[test]
fn propagation_on_the_path_graph() {
    let p = Sparse::from_rows(
        4,
        vec![
            vec![(1, 1.0)],
            vec![(0, 0.5), (2, 0.5)],
            vec![(1, 0.5), (3, 0.5)],
            vec![(2, 1.0)],
        ],
    )
    .unwrap();
    let q = propagate(&p, 2, Walks::Weighted, ReturnWalks::Keep)
        .unwrap()
        .to_dense();
    let expected = [
        [0.25, 0.5, 0.25, 0.0],
        [0.25, 0.375, 0.25, 0.125],
        [0.125, 0.25, 0.375, 0.25],
        [0.0, 0.25, 0.5, 0.25],
    ];
    for (i, row) in expected.iter().enumerate() {
        assert_eq!(q.row(i), row, "row {i}");
    }
    // k = 1 is P itself; the indicator form is uniform over the reachable points.
    assert_eq!(
        propagate(&p, 1, Walks::Weighted, ReturnWalks::Keep).unwrap(),
        p
    );
    let ind = propagate(&p, 2, Walks::Indicator, ReturnWalks::Keep)
        .unwrap()
        .to_dense();
    assert_eq!(ind.row(0), &[1.0 / 3.0, 1.0 / 3.0, 1.0 / 3.0, 0.0]);
    assert_eq!(ind.row(1), &[0.25; 4]);
    let dropped = propagate(&p, 2, Walks::Indicator, ReturnWalks::Drop)
        .unwrap()
        .to_dense();
    assert_eq!(dropped.row(0), &[0.0, 0.5, 0.5, 0.0]);
}

#[test]
fn hungarian_accuracy_of_a_relabelling_is_one() {
    let t: Vec<usize> = (0..100).map(|i| (i * 7) % 5).collect();
    let p: Vec<usize> = t.iter().map(|&y| (y + 3) % 5).collect();
    assert_eq!(hungarian_accuracy(&t, &p).unwrap(), 1.0);
}

#[test]
fn kernels_are_row_stochastic_and_kl_of_p_with_itself_is_zero() {
    let mut rng = ChaCha8Rng::seed_from_u64(6);
    let (n, d) = (15, 4);
    let x: Vec<f64> = (0..n * d).map(|_| rng.random::<f64>() - 0.5).collect();
    let x = Points::new("x", &x, d).unwrap();
    let sig: Vec<f64> = (0..n).map(|i| 0.2 + 0.05 * i as f64).collect();
    let sq = Distance::SquaredEuclidean;
    let mats = [
        kernels::gaussian(x, Bandwidth::PerRow(&sig), sq, Diagonal::Exclude).unwrap(),
        kernels::gaussian(
            x,
            Bandwidth::Global(0.3),
            Distance::Cosine,
            Diagonal::Include,
        )
        .unwrap(),
        kernels::student_t(x, 1.0, sq, Diagonal::Exclude).unwrap(),
        kernels::student_t(x, 3.5, Distance::Cosine, Diagonal::Exclude).unwrap(),
        kernels::knn_uniform(x, 4, sq).unwrap().to_dense(),
        kernels::gaussian_knn(x, 5, Bandwidth::PerRow(&sig), Distance::Cosine)
            .unwrap()
            .to_dense(),
        kernels::identity(n).unwrap().to_dense(),
    ];
    for (k, m) in mats.iter().enumerate() {
        m.check_row_stochastic("kernel", 1e-14).unwrap();
        for d in [Divergence::Forward, Divergence::Reverse] {
            assert_eq!(loss(m, m, &objective(d)).unwrap(), 0.0, "kernel {k} {d:?}");
        }
    }
    // The kNN Gaussian with k = n − 1 is the dense one.
    let full = kernels::gaussian_knn(x, n - 1, Bandwidth::Global(0.4), sq)
        .unwrap()
        .to_dense();
    let dense = kernels::gaussian(x, Bandwidth::Global(0.4), sq, Diagonal::Exclude).unwrap();
    for (a, b) in full.as_slice().iter().zip(dense.as_slice()) {
        assert!(close(*a, *b, 1e-14), "{a} vs {b}");
    }
    // Mean is the sum over n.
    let mean = Objective {
        reduction: Reduction::Mean,
        ..Objective::default()
    };
    let s = loss(&mats[0], &mats[2], &Objective::default()).unwrap();
    assert_eq!(loss(&mats[0], &mats[2], &mean).unwrap(), s / n as f64);
}

#[test]
fn errors_name_argument_index_and_value() {
    let x = Points::new("x", &[0.0, 1.0, 0.0, 0.0], 2).unwrap();
    let sq = Distance::SquaredEuclidean;
    let e = kernels::gaussian(
        x,
        Bandwidth::Global(1.0),
        Distance::Cosine,
        Diagonal::Exclude,
    )
    .unwrap_err();
    assert!(e.to_string().contains("index 1"), "{e}");
    let e =
        kernels::gaussian(x, Bandwidth::PerRow(&[1.0, -2.0]), sq, Diagonal::Exclude).unwrap_err();
    assert_eq!(
        e.to_string(),
        "sigma: index 1: value -2: the bandwidth must be finite and > 0"
    );
    let e = kernels::one_hot(&[0, 4], 3).unwrap_err();
    assert!(e.to_string().starts_with("labels: index 1: value 4"), "{e}");
    let phi = Dense::new(1, 2, vec![0.5, 0.6]).unwrap();
    let e = kernels::cluster(&phi).unwrap_err();
    assert!(e.to_string().starts_with("phi: index 0: value 1.1"), "{e}");
    let mut p = Dense::new(1, 2, vec![1.0, 0.0]).unwrap();
    assert!(debias(&mut p, 1.5).is_err());
}
