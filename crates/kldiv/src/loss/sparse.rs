//! Forward KL against a sparse (top-k + tail bucket) teacher, one row.
//!
//! With top-k set `K`, teacher probabilities `P_j = exp(lp_j)` for `j ∈ K` and tail mass
//! `r = 1 − Σ_K P_j = −expm1(logsumexp(lp))`, the student's softmax `Q` and its tail mass
//! `Q_tail = Σ_{i∉K} Q_i` (computed as its own log-sum-exp, not as `1 − Σ_K Q_j`):
//!
//! ```text
//! KL = Σ_K P_j (lp_j − ln Q_j) + r (ln r − ln Q_tail)
//! ∂KL/∂s_j = Q_j − P_j                  (j ∈ K)
//! ∂KL/∂s_i = Q_i − r · Q_i / Q_tail     (i ∉ K)
//! ```

use crate::error::{Arg, Error, Result};
use crate::real::Real;

/// Value (nats) of one row; writes `g · ∂KL/∂s` into `gs` if given.
pub(crate) fn forward_row<T: Real>(
    s: &[T],
    idx: &[usize],
    lp: &[T],
    norm_tol: f64,
    g: f64,
    gs: Option<&mut [T]>,
) -> Result<f64> {
    let v = s.len();
    // Validate and sort the top-k entries by index.
    let mut top: Vec<(usize, f64)> = Vec::with_capacity(idx.len());
    for (pos, (&i, &l)) in idx.iter().zip(lp).enumerate() {
        if i >= v {
            return Err(Error::BadIndex {
                what: "teacher indices",
                position: pos,
                index: i as i64,
                reason: "out of range of the vocabulary",
            });
        }
        let l = l.to_f64();
        if l.is_nan() || l == f64::INFINITY {
            return Err(Error::NotFinite {
                arg: Arg::P,
                index: pos,
                value: l,
            });
        }
        top.push((i, l));
    }
    top.sort_unstable_by_key(|&(i, _)| i);
    for w in top.windows(2) {
        if w[0].0 == w[1].0 {
            let position = idx.iter().rposition(|&i| i == w[0].0).unwrap_or(0);
            return Err(Error::BadIndex {
                what: "teacher indices",
                position,
                index: w[0].0 as i64,
                reason: "repeated",
            });
        }
    }
    // Teacher mass and tail.
    let lmax = top.iter().fold(f64::NEG_INFINITY, |m, &(_, l)| m.max(l));
    let lse_top = if lmax == f64::NEG_INFINITY {
        f64::NEG_INFINITY
    } else {
        lmax + top.iter().map(|&(_, l)| (l - lmax).exp()).sum::<f64>().ln()
    };
    if lse_top > norm_tol.ln_1p() {
        return Err(Error::NotNormalized {
            arg: Arg::P,
            sum: lse_top.exp(),
            deviation: lse_top.exp() - 1.0,
            tol: norm_tol,
        });
    }
    let r = if lse_top >= 0.0 {
        0.0
    } else {
        -lse_top.exp_m1()
    };
    // Student: full and tail log-sum-exp in one pass (two maxima first).
    let mut m_all = f64::NEG_INFINITY;
    let mut m_tail = f64::NEG_INFINITY;
    let mut cur = 0;
    for (i, &x) in s.iter().enumerate() {
        let x = x.to_f64();
        if super::rows::nan_or_pos_inf(x) {
            return Err(Error::NotFinite {
                arg: Arg::Q,
                index: i,
                value: x,
            });
        }
        m_all = m_all.max(x);
        if cur < top.len() && top[cur].0 == i {
            cur += 1;
        } else {
            m_tail = m_tail.max(x);
        }
    }
    if m_all == f64::NEG_INFINITY {
        return Err(Error::ZeroMass { arg: Arg::Q });
    }
    let (mut s_all, mut s_tail) = (0.0, 0.0);
    let mut cur = 0;
    for (i, &x) in s.iter().enumerate() {
        let x = x.to_f64();
        s_all += (x - m_all).exp();
        if cur < top.len() && top[cur].0 == i {
            cur += 1;
        } else if m_tail > f64::NEG_INFINITY {
            s_tail += (x - m_tail).exp();
        }
    }
    let ls = m_all + f64::ln(s_all);
    let l_tail = if m_tail == f64::NEG_INFINITY {
        f64::NEG_INFINITY
    } else {
        m_tail + f64::ln(s_tail) - ls
    };
    let mut kl = 0.0;
    for &(i, l) in &top {
        if l > f64::NEG_INFINITY {
            kl += l.exp() * (l - (s[i].to_f64() - ls));
        }
    }
    if r > 0.0 {
        kl += r * (r.ln() - l_tail);
    }
    let kl = kl.max(0.0);
    if let Some(gs) = gs {
        let tail_factor = if r > 0.0 && l_tail.is_finite() {
            r * (-l_tail).exp()
        } else {
            0.0
        };
        let mut cur = 0;
        for (i, o) in gs.iter_mut().enumerate() {
            let q = (s[i].to_f64() - ls).exp();
            let d = if cur < top.len() && top[cur].0 == i {
                let p = top[cur].1.exp();
                cur += 1;
                q - p
            } else {
                q - q * tail_factor
            };
            *o = T::from_f64(g * d);
        }
    }
    Ok(kl)
}
