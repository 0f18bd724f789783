#!/usr/bin/env python3
"""Reference values for kldiv_icon::metrics, computed with scikit-learn and scipy.

Writes testdata/icon_reference.json: for label vectors drawn here from a fixed seed (and a few
hand-made edge cases), scikit-learn's normalized_mutual_info_score (average_method="arithmetic",
its default) and mutual_info_score (nats), and the Hungarian (best-matching) accuracy computed
with scipy.optimize.linear_sum_assignment on the contingency table. Run through
tools/gen_icon_reference.sh, which sets up the environment.
"""
import json
import os

import numpy as np
import scipy
import sklearn
from scipy.optimize import linear_sum_assignment
from sklearn.metrics import mutual_info_score, normalized_mutual_info_score
from sklearn.metrics.cluster import contingency_matrix

rng = np.random.default_rng(20261201)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "testdata", "icon_reference.json")


def hungarian_accuracy(t, p):
    c = contingency_matrix(t, p)
    rows, cols = linear_sum_assignment(-c)
    return float(c[rows, cols].sum()) / len(t)


def case(name, t, p):
    t = [int(v) for v in t]
    p = [int(v) for v in p]
    return {
        "name": name,
        "truth": t,
        "pred": p,
        "nmi": float(normalized_mutual_info_score(t, p, average_method="arithmetic")),
        "mi": float(mutual_info_score(t, p)),
        "hungarian": hungarian_accuracy(t, p),
    }


cases = []
for k, (n, r, s) in enumerate([(10, 2, 2), (50, 3, 4), (200, 10, 10), (300, 5, 8), (500, 10, 7), (1000, 10, 10)]):
    t = rng.integers(0, r, n)
    # A noisy copy: keep a random fraction of the truth, relabel the rest at random.
    keep = rng.random(n) < rng.uniform(0.3, 0.9)
    p = np.where(keep, (t * 7 + 3) % max(r, s), rng.integers(0, s, n)) % s
    cases.append(case(f"noisy-{k}", t, p))
    cases.append(case(f"random-{k}", t, rng.integers(0, s, n)))
t = np.arange(10) % 5
cases.append(case("shift3mod5", t, (t + 3) % 5))
cases.append(case("one-cluster", [0, 1, 2, 0, 1, 2], [4, 4, 4, 4, 4, 4]))
cases.append(case("both-single", [7, 7, 7], [1, 1, 1]))
cases.append(case("more-clusters", [0, 0, 0, 1, 1, 1], [0, 1, 2, 3, 4, 4]))
cases.append(case("large-labels", [100, 100, 5, 5, 9], [3, 3, 3, 8, 8]))

doc = {
    "generator": "tools/gen_icon_reference.py",
    "versions": {"scikit-learn": sklearn.__version__, "scipy": scipy.__version__, "numpy": np.__version__},
    "nmi_normalisation": "arithmetic",
    "cases": cases,
}
with open(OUT, "w") as f:
    json.dump(doc, f, indent=1)
    f.write("\n")
print(f"wrote {len(cases)} cases to {os.path.normpath(OUT)}")
