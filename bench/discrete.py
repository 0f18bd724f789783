"""Times scipy/numpy/torch and kldiv on the same inputs; prints times, values and ratios.

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
import torch
import torch.nn.functional as F
from scipy.special import entr, rel_entr


def best(f, repeats):
    t_best, v = float("inf"), None
    for _ in range(repeats):
        t = time.perf_counter()
        v = f()
        t_best = min(t_best, time.perf_counter() - t)
    return t_best, float(v)


def kldiv(exe, mode, p, q, repeats):
    out = subprocess.run([exe, mode, p, q, str(repeats)], check=True, capture_output=True,
                         text=True)
    return json.loads(out.stdout)


def row(name, t, v):
    print(f"  {name:48s} {t * 1e3:10.2f} ms {v:22.15g}")


def main():
    n, repeats, threads, work, exe = (int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]),
                                      sys.argv[4], sys.argv[5])
    torch.set_num_threads(threads)
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(l.split(":", 1)[1].strip() for l in f if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    print(f"{cpu}, {os.cpu_count()} cpus, {threads} threads for every tool; best of {repeats}")
    print(f"numpy {np.__version__}, scipy {scipy.__version__}, torch {torch.__version__}, "
          f"Python {platform.python_version()}; load average {os.getloadavg()[0]:.2f}")

    rng = np.random.default_rng(7)
    p = rng.random(n) + 1e-3
    q = rng.random(n) + 1e-3
    p /= p.sum()
    q /= q.sum()
    np.save(os.path.join(work, "p.npy"), p)
    np.save(os.path.join(work, "q.npy"), q)
    k = kldiv(exe, "vec", os.path.join(work, "p.npy"), os.path.join(work, "q.npy"), repeats)
    results = {}
    for dtype in ("f64", "f32"):
        pn = p if dtype == "f64" else p.astype(np.float32)
        qn = q if dtype == "f64" else q.astype(np.float32)
        pt, qt = torch.from_numpy(pn), torch.from_numpy(qn)
        print(f"\nN = {n:.0e}, {dtype}")
        peers = {
            "scipy rel_entr(p, q).sum()": best(lambda: rel_entr(pn, qn).sum(), repeats),
            "torch kl_div(q.log(), p, 'sum')": best(
                lambda: F.kl_div(qt.log(), pt, reduction="sum"), repeats),
            "numpy dot(p, log(p / q))": best(lambda: np.dot(pn, np.log(pn / qn)), repeats),
            "read floor: numpy p.sum() + q.sum()": best(lambda: pn.sum() + qn.sum(), repeats),
            "scipy entr(p).sum()": best(lambda: entr(pn).sum(), repeats),
            "torch special.entr(p).sum()": best(lambda: torch.special.entr(pt).sum(), repeats),
            "torch -(p * q.log()).sum()": best(lambda: -(pt * qt.log()).sum(), repeats),
            "numpy -dot(p, log(q))": best(lambda: -np.dot(pn, np.log(qn)), repeats),
        }
        for name, (t, v) in peers.items():
            row(name, t, v)
        mine = {m: k[f"{m}_{dtype}"] for m in ("kl", "entropy", "cross_entropy")}
        for m, r in mine.items():
            row(f"kldiv {m}", r["seconds"], r["value"])
        kl_t = mine["kl"]["seconds"]
        ratios = {
            "kl vs scipy rel_entr (target >= 10x)": peers["scipy rel_entr(p, q).sum()"][0] / kl_t,
            "kl vs torch kl_div (target >= 4x)": peers["torch kl_div(q.log(), p, 'sum')"][0] / kl_t,
            "kl vs numpy dot/log (target >= 2x)": peers["numpy dot(p, log(p / q))"][0] / kl_t,
            "kl time / read floor (target <= 1.5)": kl_t / peers["read floor: numpy p.sum() + q.sum()"][0],
            "entropy vs scipy entr": peers["scipy entr(p).sum()"][0] / mine["entropy"]["seconds"],
            "entropy vs torch entr": peers["torch special.entr(p).sum()"][0] / mine["entropy"]["seconds"],
            "cross-entropy vs torch": peers["torch -(p * q.log()).sum()"][0] / mine["cross_entropy"]["seconds"],
            "cross-entropy vs numpy": peers["numpy -dot(p, log(q))"][0] / mine["cross_entropy"]["seconds"],
        }
        for name, r in ratios.items():
            print(f"  ratio {name:44s} {r:8.2f}")
        results[dtype] = ratios
    if "kl_f64_checked" in k:
        print(f"\n  kldiv kl f64 with the default sum check: {k['kl_f64_checked']['seconds'] * 1e3:.2f} ms")

    # Row batches at LLM scale: B = 1024 rows over V = 32000 outcomes, f32.
    b, v = 1024, 32000
    logits_p = rng.standard_normal((b, v)).astype(np.float32)
    logits_q = rng.standard_normal((b, v)).astype(np.float32)
    P = torch.softmax(torch.from_numpy(logits_p), -1)
    Q = torch.softmax(torch.from_numpy(logits_q), -1)
    np.save(os.path.join(work, "P.npy"), P.numpy())
    np.save(os.path.join(work, "Q.npy"), Q.numpy())
    k = kldiv(exe, "rows", os.path.join(work, "P.npy"), os.path.join(work, "Q.npy"), repeats)
    print(f"\nrow batches {b} x {v}, f32")
    t_torch = best(lambda: F.kl_div(Q.log(), P, reduction="none").sum(-1).sum(), repeats)
    row("torch kl_div(Q.log(), P, 'none').sum(-1)", *t_torch)
    t_bc = best(lambda: F.kl_div(Q[:1].log(), P, reduction="none").sum(-1).sum(), repeats)
    row("torch broadcast against Q[0]", *t_bc)
    for name in ("rowwise_kl_f32", "rowwise_kl_f32_checked", "broadcast_kl_f32", "pairwise64_kl_f32"):
        row(f"kldiv {name}", k[name]["seconds"], k[name]["value"])
    print(f"  ratio rowwise vs torch (target >= 5x)          {t_torch[0] / k['rowwise_kl_f32']['seconds']:8.2f}")
    print(f"  ratio broadcast vs torch                       {t_bc[0] / k['broadcast_kl_f32']['seconds']:8.2f}")


if __name__ == "__main__":
    main()
