//! Approximations and bounds for the KL divergence between Gaussian mixtures
//! (Hershey & Olsen, "Approximating the Kullback Leibler divergence between Gaussian mixture
//! models", ICASSP 2007).

use super::AnyDist;
use crate::dist::{Mixture, Normal};
use crate::error::{Error, Result};

/// The Hershey–Olsen quantities for `D(f‖g)`, `f = Σₐ πₐ fₐ`, `g = Σ_b ω_b g_b` (nats).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GmmApproximation {
    /// The variational approximation
    /// `D_var = Σₐ πₐ ln( Σₐ' πₐ' e^{−D(fₐ‖fₐ')} / Σ_b ω_b e^{−D(fₐ‖g_b)} )`
    /// (not a bound; exact when both are single Gaussians).
    pub variational: f64,
    /// The variational upper bound `D_varupper = min_{φ,ψ} Σ φ_{ab}[ln(φ_{ab}/ψ_{ab}) + D(fₐ‖g_b)]`
    /// over couplings with `Σ_b φ_{ab} = πₐ`, `Σₐ ψ_{ab} = ω_b`, by the paper's alternating
    /// updates (monotone; stopped after 1000 iterations or a change below `1e-14`).
    pub upper_bound: f64,
    /// The matched bound of Goldberger et al. (the convexity bound with each `fₐ` paired
    /// with its best `g_b`): `Σₐ πₐ [D(fₐ‖g_{m(a)}) + ln(πₐ/ω_{m(a)})]`; an approximation,
    /// an upper bound only when the matching is one-to-one.
    pub matched: f64,
    /// Iterations used by the upper bound.
    pub iterations: usize,
}

fn normals(m: &Mixture, arg: &'static str) -> Result<Vec<(f64, Normal)>> {
    m.weights()
        .iter()
        .zip(m.components())
        .enumerate()
        .map(|(i, (&w, c))| match c {
            AnyDist::Normal(n) => Ok((w, *n)),
            _ => Err(Error::InvalidElement {
                name: arg,
                index: i,
                value: w,
                reason: "Gaussian-mixture approximations need normal components",
            }),
        })
        .collect()
}

fn logsumexp(v: &[f64]) -> f64 {
    let m = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if m == f64::NEG_INFINITY {
        return m;
    }
    m + v.iter().map(|x| (x - m).exp()).sum::<f64>().ln()
}

/// The variational approximation, variational upper bound and matched bound of Hershey &
/// Olsen (2007) for two mixtures of normals. Errors: a component that is not normal.
///
/// ```
/// use kldiv::kl::{gmm_approximations, parse_spec, AnyDist};
/// let (AnyDist::Mixture(f), AnyDist::Mixture(g)) = (
///     parse_spec("mixture(0.5*normal(-2, 0.6), 0.5*normal(2, 0.6))").unwrap(),
///     parse_spec("mixture(1*normal(0, 2))").unwrap(),
/// ) else { unreachable!() };
/// let a = gmm_approximations(&f, &g).unwrap();
/// assert!(a.upper_bound >= a.variational - 1e-12);
/// ```
pub fn gmm_approximations(f: &Mixture, g: &Mixture) -> Result<GmmApproximation> {
    let fa = normals(f, "p")?;
    let gb = normals(g, "q")?;
    let na = fa.len();
    let nb = gb.len();
    // Pairwise KLs.
    let dff: Vec<Vec<f64>> = fa
        .iter()
        .map(|(_, a)| fa.iter().map(|(_, b)| a.kl_normal(b)).collect())
        .collect();
    let dfg: Vec<Vec<f64>> = fa
        .iter()
        .map(|(_, a)| gb.iter().map(|(_, b)| a.kl_normal(b)).collect())
        .collect();
    // Variational approximation.
    let mut variational = 0.0;
    for (a, (pa, _)) in fa.iter().enumerate() {
        if *pa == 0.0 {
            continue;
        }
        let num: Vec<f64> = fa
            .iter()
            .enumerate()
            .map(|(a2, (w, _))| w.ln() - dff[a][a2])
            .collect();
        let den: Vec<f64> = gb
            .iter()
            .enumerate()
            .map(|(b, (w, _))| w.ln() - dfg[a][b])
            .collect();
        variational += pa * (logsumexp(&num) - logsumexp(&den));
    }
    // Matched bound.
    let mut matched = 0.0;
    for (a, (pa, _)) in fa.iter().enumerate() {
        if *pa == 0.0 {
            continue;
        }
        let best = (0..nb)
            .map(|b| dfg[a][b] - gb[b].0.ln())
            .fold(f64::INFINITY, f64::min);
        matched += pa * (best + pa.ln());
    }
    // Variational upper bound: alternating updates of φ and ψ.
    let mut phi = vec![vec![0.0; nb]; na];
    let mut psi = vec![vec![0.0; nb]; na];
    for a in 0..na {
        for b in 0..nb {
            phi[a][b] = fa[a].0 * gb[b].0;
            psi[a][b] = fa[a].0 * gb[b].0;
        }
    }
    let objective = |phi: &Vec<Vec<f64>>, psi: &Vec<Vec<f64>>| {
        let mut s = 0.0;
        for a in 0..na {
            for b in 0..nb {
                if phi[a][b] > 0.0 {
                    s += phi[a][b] * ((phi[a][b] / psi[a][b]).ln() + dfg[a][b]);
                }
            }
        }
        s
    };
    let mut upper = objective(&phi, &psi);
    let mut iterations = 0;
    for it in 1..=1000 {
        iterations = it;
        // ψ_{ab} = ω_b φ_{ab} / Σ_a' φ_{a'b}
        for b in 0..nb {
            let col: f64 = (0..na).map(|a| phi[a][b]).sum();
            for a in 0..na {
                psi[a][b] = if col > 0.0 {
                    gb[b].0 * phi[a][b] / col
                } else {
                    0.0
                };
            }
        }
        // φ_{ab} = πₐ ψ_{ab} e^{−D_{ab}} / Σ_b' ψ_{ab'} e^{−D_{ab'}}
        for a in 0..na {
            let row: Vec<f64> = (0..nb).map(|b| psi[a][b].ln() - dfg[a][b]).collect();
            let lse = logsumexp(&row);
            for b in 0..nb {
                phi[a][b] = if lse == f64::NEG_INFINITY {
                    0.0
                } else {
                    fa[a].0 * (row[b] - lse).exp()
                };
            }
        }
        let next = objective(&phi, &psi);
        let done = (upper - next).abs() < 1e-14 * upper.abs().max(1.0);
        upper = next.min(upper);
        if done {
            break;
        }
    }
    Ok(GmmApproximation {
        variational,
        upper_bound: upper,
        matched,
        iterations,
    })
}
