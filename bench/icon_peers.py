"""t-SNE side by side: kldiv (release CLI), scikit-learn TSNE(method='barnes_hut') and
openTSNE (FFT-accelerated), same data, perplexity, iterations and thread count, one run.

Usage: icon_peers.py KLDIV_BINARY WORKDIR CASE [THREADS [SEEDS]]
  CASE = digits | patches; SEEDS = comma-separated seeds (default "0"): every tool runs once
  per seed (kldiv --seed, random_state for the peers), and the mean T(10) per tool is printed.

* digits: data/digits.csv (1797 × 64), no preprocessing.
* patches: data/patches20k.npy (20000 × 108 uint8) scaled by 1/255 and reduced to 50
  dimensions by PCA (numpy SVD of the centred data), written as float64 .npy for kldiv and
  given to the peers as the same array.

Every tool runs 750 iterations: 250 with early exaggeration 12 then 500 without, PCA
initialisation, perplexity 30, 2 threads, each with its own defaults otherwise: kldiv's
(exact gradient up to 2000 points, Barnes–Hut θ = 0.5 above; momentum 0.8; PCA with 1%
seeded jitter), scikit-learn's (Barnes–Hut θ = 0.5, momentum 0.5 then 0.8, learning rate
max(n/48, 50)) and openTSNE's (FFT interpolation, momentum 0.8, learning rate n/12 then n in
its units, PCA with 1% seeded jitter). Wall time and CPU time (user + system of all threads;
for kldiv, of the child process) cover the whole t-SNE including the affinities; kldiv's also
include reading the .npy and writing the embedding CSV. Trustworthiness (k = 10) is computed
with sklearn.manifold.trustworthiness for all three embeddings — on digits exactly, on
patches on one random subsample of 5000 points (seed 0, the same points for all tools; the
exact metric on 20 000 points needs the full 20 000² distance matrix).
"""
import os
import resource
import subprocess
import sys
import time

import numpy as np

binary, work, case = sys.argv[1], sys.argv[2], sys.argv[3]
threads = int(sys.argv[4]) if len(sys.argv) > 4 else 2
seeds = [int(v) for v in sys.argv[5].split(",")] if len(sys.argv) > 5 else [0]
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ITERS, EE_ITERS, EE, PERP = 750, 250, 12.0, 30.0

from threadpoolctl import threadpool_limits  # noqa: E402  (installed with scikit-learn)
from sklearn.manifold import TSNE, trustworthiness  # noqa: E402
import sklearn  # noqa: E402
import openTSNE  # noqa: E402

if case == "digits":
    raw = np.loadtxt(os.path.join(root, "data", "digits.csv"), delimiter=",", skiprows=1)
    x = np.ascontiguousarray(raw[:, :64], dtype=np.float64)
else:
    p = np.load(os.path.join(root, "data", "patches20k.npy")).astype(np.float64) / 255.0
    p -= p.mean(axis=0)
    u, s, vt = np.linalg.svd(p, full_matrices=False)
    x = np.ascontiguousarray(p @ vt[:50].T)
n = x.shape[0]
path = os.path.join(work, f"{case}.npy")
np.save(path, x)


def cpu_self():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def cpu_children():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


results = []
import json  # noqa: E402
for seed in seeds:
    # kldiv
    out = os.path.join(work, f"{case}_kldiv.csv")
    env = dict(os.environ, RAYON_NUM_THREADS=str(threads))
    c0, t0 = cpu_children(), time.perf_counter()
    proc = subprocess.run(
        [binary, "icon", "--data", path, "--method", "tsne", "--perplexity", str(PERP),
         "--iters", str(ITERS), "--exaggeration-iters", str(EE_ITERS),
         "--early-exaggeration", str(EE), "--seed", str(seed),
         "--trustworthiness", "0", "--out", out, "--format", "json"],
        env=env, check=True, capture_output=True, text=True)
    wall, cpu = time.perf_counter() - t0, cpu_children() - c0
    info = json.loads(proc.stdout)
    y = np.loadtxt(out, delimiter=",", skiprows=1)[:, :2]
    grad = "exact" if "exact" in info["method"] else "Barnes-Hut"
    results.append((f"kldiv ({grad})", seed, wall, cpu, y, info["value"]))

    with threadpool_limits(limits=threads):
        # scikit-learn, Barnes-Hut
        c0, t0 = cpu_self(), time.perf_counter()
        sk = TSNE(n_components=2, perplexity=PERP, early_exaggeration=EE, learning_rate="auto",
                  max_iter=ITERS, init="pca", method="barnes_hut", angle=0.5, n_jobs=threads,
                  random_state=seed)
        y = sk.fit_transform(x)
        wall, cpu = time.perf_counter() - t0, cpu_self() - c0
        results.append((f"scikit-learn {sklearn.__version__} (Barnes-Hut)", seed, wall, cpu, y,
                        float(sk.kl_divergence_)))

        # openTSNE, FFT-accelerated interpolation
        c0, t0 = cpu_self(), time.perf_counter()
        ot = openTSNE.TSNE(n_components=2, perplexity=PERP, early_exaggeration=EE,
                           early_exaggeration_iter=EE_ITERS, n_iter=ITERS - EE_ITERS,
                           initialization="pca", negative_gradient_method="fft",
                           n_jobs=threads, random_state=seed, verbose=False)
        emb = ot.fit(x)
        wall, cpu = time.perf_counter() - t0, cpu_self() - c0
        results.append((f"openTSNE {openTSNE.__version__} (FFT)", seed, wall, cpu,
                        np.asarray(emb), float(emb.kl_divergence)))

if n > 5000:
    idx = np.random.default_rng(0).choice(n, 5000, replace=False)
    note = "trustworthiness(k=10) on a random subsample of 5000 (seed 0)"
else:
    idx = np.arange(n)
    note = "trustworthiness(k=10) exact on all points"
with threadpool_limits(limits=threads):
    trust = [trustworthiness(x[idx], r[4][idx], n_neighbors=10) for r in results]

print(f"{case}: n = {n}, d = {x.shape[1]}, perplexity {PERP:g}, {ITERS} iterations "
      f"({EE_ITERS} exaggerated x{EE:g}), {threads} threads, seeds {seeds}; {note}")
print(f"load average after: {open('/proc/loadavg').read().split()[:3]}")
print("| tool | seed | wall (s) | CPU (s) | wall / openTSNE | T(10) | KL (nats) |")
print("|---|---:|---:|---:|---:|---:|---:|")
for k, ((name, seed, wall, cpu, _, kl), t) in enumerate(zip(results, trust)):
    ot_wall = results[3 * (k // 3) + 2][2]
    print(f"| {name} | {seed} | {wall:.2f} | {cpu:.2f} | {wall / ot_wall:.2f} | {t:.4f} | "
          f"{kl:.4f} |")
print()
print("| tool | mean T(10) | min | max | mean wall (s) | mean CPU (s) |")
print("|---|---:|---:|---:|---:|---:|")
for j in range(3):
    rows = [(r, t) for k, (r, t) in enumerate(zip(results, trust)) if k % 3 == j]
    ts = [t for _, t in rows]
    print(f"| {rows[0][0][0]} | {np.mean(ts):.5f} | {min(ts):.5f} | {max(ts):.5f} | "
          f"{np.mean([r[2] for r, _ in rows]):.2f} | {np.mean([r[3] for r, _ in rows]):.2f} |")
