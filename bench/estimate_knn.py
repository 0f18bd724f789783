"""The k-NN KL estimator as the Python toolboxes compute it (scipy cKDTree, workers=2).

usage: estimate_knn.py gen DIR N D SEED      -> writes DIR/x_N_D.f64, DIR/y_N_D.f64
       estimate_knn.py run X Y N M D K REPEATS -> prints estimate, median wall seconds, mean CPU seconds
"""
import sys
import time

import numpy as np
from scipy.spatial import cKDTree


def knn_kl(x, y, k):
    n, d = x.shape
    m = y.shape[0]
    rho = cKDTree(x).query(x, k + 1, workers=2)[0][:, k]
    nu = cKDTree(y).query(x, k, workers=2)[0]
    nu = nu if k == 1 else nu[:, k - 1]
    return d * np.mean(np.log(nu / rho)) + np.log(m / (n - 1))


if sys.argv[1] == "gen":
    out, n, d, seed = sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    rng = np.random.default_rng(seed)
    rng.normal(0.0, 1.0, size=(n, d)).astype("<f8").tofile(f"{out}/x_{n}_{d}.f64")
    rng.normal(0.5, 1.2, size=(n, d)).astype("<f8").tofile(f"{out}/y_{n}_{d}.f64")
else:
    xf, yf = sys.argv[2], sys.argv[3]
    n, m, d, k, reps = (int(v) for v in sys.argv[4:9])
    x = np.fromfile(xf, dtype="<f8").reshape(n, d)
    y = np.fromfile(yf, dtype="<f8").reshape(m, d)
    times = []
    cpus = []
    for _ in range(reps):
        t = time.perf_counter()
        c = time.process_time()
        v = knn_kl(x, y, k)
        times.append(time.perf_counter() - t)
        cpus.append(time.process_time() - c)
    print(
        f"estimate={v:.17e} seconds={sorted(times)[len(times) // 2]:.4f}"
        f" cpu={sum(cpus) / len(cpus):.4f}"
    )
