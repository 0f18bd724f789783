"""Reference values for kldiv::discrete.

Every value is computed twice: with mpmath at 40 significant digits from the exact binary64
inputs (the oracle the Rust tests hold kldiv to, relative 1e-12), and with scipy
(`rel_entr`, `entropy(..., base=)`, `jensenshannon`) for comparison with the tool people use.
All values are in nats unless the key says otherwise.

Large vectors are not stored: they are rebuilt in Rust from the integer formula recorded in
the case (`w_i = (a*i + b) mod m + 1`, then `p_i = w_i / sum(w)`, one correctly rounded
division each, so numpy and Rust produce identical bits).

Usage: python gen_discrete_reference.py OUT.json
"""

import json
import sys

import mpmath as mp
import numpy as np
import scipy
from scipy.spatial.distance import jensenshannon
from scipy.special import rel_entr
from scipy.stats import entropy as sp_entropy

mp.mp.dps = 40


def mpf_list(xs):
    return [mp.mpf(float(x)) for x in xs]


def kl(p, q):
    s = mp.mpf(0)
    for a, b in zip(p, q):
        if a == 0:
            continue
        if b == 0:
            return mp.inf
        s += a * mp.log(a / b)
    return s


def cross(p, q):
    s = mp.mpf(0)
    for a, b in zip(p, q):
        if a == 0:
            continue
        if b == 0:
            return mp.inf
        s -= a * mp.log(b)
    return s


def ent(p):
    return -mp.fsum(a * mp.log(a) for a in p if a > 0)


def js(p, q, w=(mp.mpf("0.5"), mp.mpf("0.5"))):
    m = [w[0] * a + w[1] * b for a, b in zip(p, q)]
    return w[0] * kl(p, m) + w[1] * kl(q, m)


def gkl(p, q):
    s = mp.mpf(0)
    for a, b in zip(p, q):
        if a == 0:
            s += b
            continue
        if b == 0:
            return mp.inf
        s += a * mp.log(a / b) - a + b
    return s


def num(x):
    if x == mp.inf:
        return "inf"
    return mp.nstr(x, 35, strip_zeros=False) if x != 0 else "0"


def measures(p, q):
    pm, qm = mpf_list(p), mpf_list(q)
    return {
        "kl": num(kl(pm, qm)),
        "reverse_kl": num(kl(qm, pm)),
        "entropy": num(ent(pm)),
        "cross_entropy": num(cross(pm, qm)),
        "js": num(js(pm, qm)),
        "jeffreys": num(kl(pm, qm) + kl(qm, pm)),
        "generalized_kl": num(gkl(pm, qm)),
    }


def scipy_values(p, q):
    p = np.asarray(p, dtype=np.float64)
    q = np.asarray(q, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = float(rel_entr(p, q).sum())
    return {
        "rel_entr_sum": "inf" if np.isinf(r) else r,
        "entropy_base2": float(sp_entropy(p, base=2)),
        "jensenshannon_base2": float(jensenshannon(p, q, base=2)),
    }


def formula(n, a, b, m):
    w = (a * np.arange(n, dtype=np.int64) + b) % m + 1
    return w / w.sum()


def main(out):
    cases = []

    def add(name, p, q, note, store=True, extra=None):
        case = {"name": name, "note": note, "n": len(p), "mpmath": measures(p, q),
                "scipy": scipy_values(p, q)}
        if store:
            case["p"] = [float(x) for x in p]
            case["q"] = [float(x) for x in q]
        if extra:
            case.update(extra)
        cases.append(case)

    add("two_outcomes", [0.5, 0.5], [0.9, 0.1], "the asymmetry example of the tour")
    onehot = [0.0, 0.0, 1.0, 0.0, 0.0]
    add("next_token_right", onehot, [0.05, 0.10, 0.70, 0.10, 0.05], "tour: KL = -ln 0.7")
    add("next_token_wrong", onehot, [0.10, 0.60, 0.10, 0.10, 0.10], "tour: KL = -ln 0.1")
    add("next_token_hedge", onehot, [0.15, 0.20, 0.30, 0.20, 0.15], "tour: KL = -ln 0.3")
    add("zeros_in_p", [0.2, 0.0, 0.3, 0.5], [0.1, 0.4, 0.25, 0.25], "0 ln 0/q = 0")
    add("unsupported", [0.5, 0.3, 0.2], [0.5, 0.5, 0.0], "p > 0 = q: KL = inf, JS finite")
    add("tiny_masses", [1e-300, 0.5, 0.5], [1e-250, 0.3, 0.7], "masses of 1e-300")
    add("subnormal", [5e-324, 0.25, 0.75], [0.5, 2.5e-310, 0.5], "subnormal entries")
    add("near_equal", [0.5 + 2**-40, 0.5 - 2**-40], [0.5, 0.5], "KL ~ 2^-80: cancellation")
    rng = np.random.default_rng(20261125)
    for k in (3, 10, 1000):
        p = rng.dirichlet(np.ones(k))
        q = rng.dirichlet(np.ones(k))
        add(f"dirichlet_{k}", p, q, f"seeded Dirichlet(1) vectors, K = {k}")
    # 10^5 outcomes, rebuilt in Rust from the formula.
    n = 100_000
    fp = (7919, 0, 1000)
    fq = (104729, 17, 997)
    p = formula(n, *fp)
    q = formula(n, *fq)
    add("large_1e5", p, q, "K = 1e5 from integer formulas", store=False,
        extra={"formula_p": list(fp), "formula_q": list(fq)})

    # Counts and smoothing, by the definitions documented in kldiv::discrete::Smoothing.
    pc = [12, 3, 4, 2, 3]
    qc = [20, 6, 5, 5, 0]
    P = [mp.mpf(c) / sum(pc) for c in pc]
    Q = [mp.mpf(c) / sum(qc) for c in qc]
    K = len(pc)
    smoothing = {
        "counts_kl": num(kl(P, Q)),
        "add1_both": num(kl([(mp.mpf(c) + 1) / (sum(pc) + K) for c in pc],
                            [(mp.mpf(c) + 1) / (sum(qc) + K) for c in qc])),
        "add05_q": num(kl(P, [(mp.mpf(c) + mp.mpf("0.5")) / (sum(qc) + K * mp.mpf("0.5"))
                              for c in qc])),
        "floor1e-3_q": num(kl(P, (lambda f: [x / mp.fsum(f) for x in f])(
            [max(x, mp.mpf(1e-3)) for x in Q]))),
        "mix001_q": num(kl(P, [(1 - mp.mpf(0.01)) * x + mp.mpf(0.01) / K for x in Q])),
    }
    doc = {
        "generator": "tools/gen_discrete_reference.py",
        "mpmath_dps": mp.mp.dps,
        "versions": {"mpmath": mp.__version__, "numpy": np.__version__, "scipy": scipy.__version__},
        "units": "nats unless the key says otherwise",
        "cases": cases,
        "smoothing": {"p_counts": pc, "q_counts": qc, "values": smoothing},
    }
    with open(out, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1])
