"""Reference values at N = 10⁶ for the accuracy target of issue #3 (relative error ≤ 1e-13
against mpmath for f64 input): KL, entropy and cross-entropy of two distributions rebuilt
from integer formulas (`w_i = (a*i + b) mod m + 1`, `p_i = w_i / sum(w)`, as in
`gen_discrete_reference.py`, so numpy and Rust produce identical bits), with mpmath at 40
significant digits from the exact binary64 inputs.

Usage: python gen_discrete_1e6_reference.py OUT.json
"""

import json
import sys

import mpmath as mp
import numpy as np

mp.mp.dps = 40


def formula(n, a, b, m):
    w = (a * np.arange(n, dtype=np.int64) + b) % m + 1
    return w / w.sum()


def main(out):
    n = 1_000_000
    fp, fq = (7919, 13, 1009), (104_729, 7, 997)
    p = [mp.mpf(float(x)) for x in formula(n, *fp)]
    q = [mp.mpf(float(x)) for x in formula(n, *fq)]
    lq = [mp.log(b) for b in q]
    lp = [mp.log(a) for a in p]
    kl = mp.fsum(a * (x - y) for a, x, y in zip(p, lp, lq))
    ent = -mp.fsum(a * x for a, x in zip(p, lp))
    cross = -mp.fsum(a * y for a, y in zip(p, lq))
    doc = {
        "n": n,
        "formula_p": list(fp),
        "formula_q": list(fq),
        "mpmath": {k: mp.nstr(v, 35, strip_zeros=False)
                   for k, v in (("kl", kl), ("entropy", ent), ("cross_entropy", cross))},
    }
    with open(out, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1])
