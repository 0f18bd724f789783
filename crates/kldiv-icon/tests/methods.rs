#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The methods on small synthetic data: results, determinism, cancellation, errors.

use kldiv_icon::methods::{
    ClassifyOptions, ClusterInit, ClusterOptions, KMeansOptions, classify, cluster, kmeans,
};
use kldiv_icon::metrics::{hungarian_accuracy, nmi};
use kldiv_icon::{IconError, Points, Progress, no_progress};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::ops::ControlFlow;

/// Three Gaussian-ish blobs in 3-D, 30 points each.
fn blobs() -> (Vec<f64>, Vec<usize>) {
    let mut rng = ChaCha8Rng::seed_from_u64(21);
    let centres = [[0.0, 0.0, 0.0], [4.0, 0.0, 1.0], [0.0, 4.0, -1.0]];
    let mut x = Vec::new();
    let mut y = Vec::new();
    for i in 0..90 {
        let c = centres[i % 3];
        for v in c {
            x.push(v + 1.5 * (rng.random::<f64>() - 0.5));
        }
        y.push(i % 3);
    }
    (x, y)
}

#[test]
fn cluster_recovers_blobs_deterministically() {
    let (x, y) = blobs();
    let x = Points::new("x", &x, 3).unwrap();
    for init in [ClusterInit::KMeans, ClusterInit::Random] {
        let opts = ClusterOptions {
            clusters: 3,
            neighbours: 8,
            walks: 1,
            alpha: 0.2,
            iterations: 150,
            init,
            ..ClusterOptions::default()
        };
        let r = cluster(x, &opts, &mut no_progress).unwrap();
        assert_eq!(r.losses.len(), 151);
        assert!(r.losses[150] < r.losses[0], "{init:?}");
        assert!(
            hungarian_accuracy(&y, &r.labels).unwrap() >= 0.95,
            "{init:?}"
        );
        assert!(nmi(&y, &r.labels).unwrap() >= 0.85, "{init:?}");
        r.assignments.check_row_stochastic("phi", 1e-12).unwrap();
        assert_eq!(cluster(x, &opts, &mut no_progress).unwrap(), r);
    }
}

#[test]
fn classify_separates_blobs() {
    let (x, y) = blobs();
    let x = Points::new("x", &x, 3).unwrap();
    let r = classify(x, &y, &ClassifyOptions::default(), &mut no_progress).unwrap();
    assert!(r.accuracy >= 0.95, "{}", r.accuracy);
    assert_eq!(r.predict(x).unwrap(), r.labels);
    assert!(r.losses.last().unwrap() < &r.losses[0]);
    assert_eq!(r.classes, 3);
    // Label smoothing (α on p) keeps the loss above the entropy of the smoothed p.
    let smooth = ClassifyOptions {
        alpha: 0.3,
        ..ClassifyOptions::default()
    };
    let s = classify(x, &y, &smooth, &mut no_progress).unwrap();
    assert!(s.accuracy >= 0.95);
}

#[test]
fn callbacks_see_every_iteration_and_can_cancel() {
    let (x, y) = blobs();
    let x = Points::new("x", &x, 3).unwrap();
    let mut seen = Vec::new();
    let mut record = |p: &Progress| {
        seen.push((p.stage, p.done, p.total));
        ControlFlow::Continue(())
    };
    let opts = ClusterOptions {
        clusters: 3,
        iterations: 5,
        ..ClusterOptions::default()
    };
    cluster(x, &opts, &mut record).unwrap();
    assert_eq!(seen.len(), 5);
    assert_eq!(seen[4], ("cluster", 5, 5));
    let mut stop = |p: &Progress| {
        if p.done >= 2 {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    };
    let km = KMeansOptions {
        clusters: 3,
        ..KMeansOptions::default()
    };
    assert_eq!(
        kmeans(x, &km, &mut stop).unwrap_err(),
        IconError::Cancelled { iter: 2 }
    );
    assert_eq!(
        classify(x, &y, &ClassifyOptions::default(), &mut stop).unwrap_err(),
        IconError::Cancelled { iter: 2 }
    );
}

#[test]
fn invalid_options_are_errors() {
    let (x, y) = blobs();
    let x = Points::new("x", &x, 3).unwrap();
    let bad_k = KMeansOptions {
        clusters: 0,
        ..KMeansOptions::default()
    };
    assert!(kmeans(x, &bad_k, &mut no_progress).is_err());
    let bad_alpha = ClusterOptions {
        alpha: 1.0,
        ..ClusterOptions::default()
    };
    let e = cluster(x, &bad_alpha, &mut no_progress).unwrap_err();
    assert!(e.to_string().starts_with("alpha = 1"), "{e}");
    let bad_lr = ClassifyOptions {
        learning_rate: -1.0,
        ..ClassifyOptions::default()
    };
    assert!(classify(x, &y, &bad_lr, &mut no_progress).is_err());
    assert!(classify(x, &y[..10], &ClassifyOptions::default(), &mut no_progress).is_err());
}
