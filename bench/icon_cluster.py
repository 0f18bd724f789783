#!/usr/bin/env python3
"""k-means as I-Con (kldiv) vs scikit-learn KMeans on digits, and the debiased clustering sweep.

Arguments: DIGITS_CSV EXAMPLE_BINARY RESTARTS SEEDS ITERATIONS. Run through
bench/icon_cluster.sh, which builds the example and sets up the environment.
"""
import json
import subprocess
import sys
import time

import numpy as np
import sklearn
from sklearn.cluster import KMeans
from sklearn.metrics import normalized_mutual_info_score
from sklearn.metrics.cluster import contingency_matrix
from scipy.optimize import linear_sum_assignment

csv, binary, restarts, seeds, iterations = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
data = np.loadtxt(csv, delimiter=",", skiprows=1)
x, y = data[:, :-1], data[:, -1].astype(int)


def hungarian(t, p):
    c = contingency_matrix(t, p)
    r, k = linear_sum_assignment(-c)
    return c[r, k].sum() / len(t)


def run(*args):
    out = subprocess.run([binary, *map(str, args), "--data", csv], check=True, capture_output=True, text=True).stdout
    return [json.loads(line) for line in out.splitlines() if line.strip()]


print(f"scikit-learn {sklearn.__version__}, numpy {np.__version__}; n = {len(y)}, d = {x.shape[1]}, "
      f"{restarts} restarts, seeds 0..{seeds - 1}\n")
print("| seed | kldiv acc | sklearn acc | kldiv NMI | sklearn NMI | kldiv L_PKM | sklearn inertia | kldiv s | sklearn s |")
print("|---|---|---|---|---|---|---|---|---|")
ours, theirs = [], []
for seed in range(seeds):
    k = run("kmeans", "--restarts", restarts, "--seed", seed)[0]
    t0 = time.perf_counter()
    km = KMeans(n_clusters=10, n_init=restarts, init="k-means++", random_state=seed).fit(x)
    secs = time.perf_counter() - t0
    acc, nmi = hungarian(y, km.labels_), normalized_mutual_info_score(y, km.labels_)
    ours.append((k["acc"], k["nmi"], k["seconds"]))
    theirs.append((acc, nmi, secs))
    print(f"| {seed} | {k['acc']:.4f} | {acc:.4f} | {k['nmi']:.4f} | {nmi:.4f} | {k['inertia']:.1f} | "
          f"{km.inertia_:.1f} | {k['seconds']:.2f} | {secs:.2f} |")
o, t = np.array(ours), np.array(theirs)
print(f"| mean | {o[:, 0].mean():.4f} | {t[:, 0].mean():.4f} | {o[:, 1].mean():.4f} | {t[:, 1].mean():.4f} | | | "
      f"{o[:, 2].mean():.2f} | {t[:, 2].mean():.2f} |")

print(f"\nDebiased clustering (10-NN p, walks w: p ∝ P + … + P^(w+1), α on p and q, "
      f"{iterations} Adam iterations, k-means warm start, seed 0): Hungarian accuracy / NMI\n")
rows = run("sweep", "--iterations", iterations, "--seed", 0)
walks = sorted({r["walks"] for r in rows})
print("| α \\ walks | " + " | ".join(str(w) for w in walks) + " |")
print("|---|" + "---|" * len(walks))
for a in sorted({r["alpha"] for r in rows}):
    cells = []
    for w in walks:
        r = next(r for r in rows if r["alpha"] == a and r["walks"] == w)
        cells.append(f"{r['acc']:.4f} / {r['nmi']:.4f}")
    print(f"| {a} | " + " | ".join(cells) + " |")
secs = [r["seconds"] for r in rows]
print(f"\nseconds per clustering run: min {min(secs):.1f}, median {np.median(secs):.1f}, max {max(secs):.1f}")
best = max(rows, key=lambda r: r["acc"])
print(f"best: alpha {best['alpha']}, walks {best['walks']}: acc {best['acc']:.4f}, NMI {best['nmi']:.4f}")
