//! Initial embeddings: PCA (scaled) or seeded Gaussian noise.

use crate::{IconError, Points, Result};
use faer::{Mat, Side};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Normal};

/// Standard deviation of the first coordinate of a PCA initialisation and of every coordinate
/// of a random one (as openTSNE and scikit-learn).
pub const INIT_STD: f64 = 1e-4;

/// The projection of the centred points on their `dims` leading principal axes, scaled so that
/// the first coordinate has standard deviation [`INIT_STD`] (openTSNE's convention).
///
/// The axes are the eigenvectors of the `d × d` covariance with the largest eigenvalues
/// (faer's self-adjoint eigensolver); each axis is signed so that its largest-magnitude
/// component is positive, which makes the result deterministic.
///
/// # Errors
/// [`IconError::Parameter`] if `dims` is 0 or larger than the input dimension, or the
/// eigensolver fails.
pub fn pca(x: Points<'_>, dims: usize) -> Result<Vec<f64>> {
    let (n, d) = (x.n(), x.d());
    if dims == 0 || dims > d {
        return Err(IconError::Parameter {
            name: "dims",
            value: dims as f64,
            reason: "PCA initialisation needs 1 <= dims <= input dimension",
        });
    }
    let mut mean = vec![0.0; d];
    for i in 0..n {
        for (m, v) in mean.iter_mut().zip(x.row(i)) {
            *m += v;
        }
    }
    for m in &mut mean {
        *m /= n as f64;
    }
    let mut centred = Mat::<f64>::zeros(n, d);
    for i in 0..n {
        for (k, v) in x.row(i).iter().enumerate() {
            centred[(i, k)] = v - mean[k];
        }
    }
    let cov = centred.transpose() * &centred;
    let eig = cov
        .self_adjoint_eigen(Side::Lower)
        .map_err(|_| IconError::Parameter {
            name: "pca",
            value: f64::NAN,
            reason: "the covariance eigensolver did not converge",
        })?;
    let u = eig.U();
    let mut y = vec![0.0; n * dims];
    for c in 0..dims {
        let col = d - 1 - c;
        let mut big = 0.0_f64;
        for k in 0..d {
            if u[(k, col)].abs() > big.abs() {
                big = u[(k, col)];
            }
        }
        let sign = if big < 0.0 { -1.0 } else { 1.0 };
        for i in 0..n {
            let mut s = 0.0;
            for k in 0..d {
                s += centred[(i, k)] * u[(k, col)];
            }
            y[i * dims + c] = sign * s;
        }
    }
    let m0 = (0..n).map(|i| y[i * dims]).sum::<f64>() / n as f64;
    let var0 = (0..n).map(|i| (y[i * dims] - m0).powi(2)).sum::<f64>() / n as f64;
    let scale = if var0 > 0.0 {
        INIT_STD / var0.sqrt()
    } else {
        1.0
    };
    for v in &mut y {
        *v *= scale;
    }
    Ok(y)
}

/// `n × dims` independent Gaussian coordinates of standard deviation [`INIT_STD`], from a
/// ChaCha8 generator seeded with `seed`.
pub fn random(n: usize, dims: usize, seed: u64) -> Vec<f64> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    match Normal::new(0.0, INIT_STD) {
        Ok(dist) => (0..n * dims).map(|_| dist.sample(&mut rng)).collect(),
        Err(_) => vec![0.0; n * dims],
    }
}
