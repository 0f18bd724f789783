"""Times scipy/numpy and kldiv on the same vectors; prints a table of times and ratios.

Called by bench/discrete.sh. The kldiv side runs in a separate process that reads the same
.npy files and times only the computation (best of REPEATS), like the Python side here.
"""

import json
import os
import platform
import subprocess
import sys
import time

import numpy as np
import scipy
from scipy.special import entr, rel_entr


def best(f, repeats):
    t_best, v = float("inf"), None
    for _ in range(repeats):
        t = time.perf_counter()
        v = f()
        t_best = min(t_best, time.perf_counter() - t)
    return t_best, float(v)


def main():
    n, repeats, work, exe = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
    rng = np.random.default_rng(7)
    p = rng.random(n) + 1e-3
    q = rng.random(n) + 1e-3
    p /= p.sum()
    q /= q.sum()
    np.save(os.path.join(work, "p.npy"), p)
    np.save(os.path.join(work, "q.npy"), q)
    peers = {
        "scipy rel_entr(p, q).sum()": best(lambda: rel_entr(p, q).sum(), repeats),
        "numpy dot(p, log(p / q))": best(lambda: np.dot(p, np.log(p / q)), repeats),
        "numpy p.sum() + q.sum() (read floor)": best(lambda: p.sum() + q.sum(), repeats),
        "scipy entr(p).sum()": best(lambda: entr(p).sum(), repeats),
        "numpy -dot(p, log(q))": best(lambda: -np.dot(p, np.log(q)), repeats),
    }
    out = subprocess.run([exe, os.path.join(work, "p.npy"), os.path.join(work, "q.npy"),
                          str(repeats)], check=True, capture_output=True, text=True)
    k = json.loads(out.stdout)
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(l.split(":", 1)[1].strip() for l in f if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    print(f"N = {n:.0e} f64, best of {repeats}; {cpu}, {os.cpu_count()} cpus; "
          f"numpy {np.__version__}, scipy {scipy.__version__}, Python {platform.python_version()}")
    print(f"{'what':45s} {'seconds':>10s} {'value':>22s}")
    for name, (t, v) in peers.items():
        print(f"{name:45s} {t:10.4f} {v:22.15g}")
    for name, r in k.items():
        print(f"{'kldiv ' + name:45s} {r['seconds']:10.4f} {r['value']:22.15g}")
    kl = k["kl_f64"]["seconds"]
    print()
    print(f"kldiv kl (f64) vs scipy rel_entr: {peers['scipy rel_entr(p, q).sum()'][0] / kl:6.2f}x faster")
    print(f"kldiv kl (f64) vs numpy dot/log : {peers['numpy dot(p, log(p / q))'][0] / kl:6.2f}x faster")
    print(f"kldiv kl (f64) / read floor     : {kl / peers['numpy p.sum() + q.sum() (read floor)'][0]:6.2f}x the time to read both arrays")
    print(f"kldiv entropy vs scipy entr     : {peers['scipy entr(p).sum()'][0] / k['entropy_f64']['seconds']:6.2f}x faster")
    print(f"kldiv cross-entropy vs numpy    : {peers['numpy -dot(p, log(q))'][0] / k['cross_entropy_f64']['seconds']:6.2f}x faster")


if __name__ == "__main__":
    main()
