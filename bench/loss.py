"""Side-by-side: kldiv's losses on logits vs torch compositions (CPU, f32), same inputs.

Called by bench/loss.sh: python loss.py WORKDIR RUST_EXAMPLE REPEATS THREADS
Inputs: student/teacher logits N(0, 2²) from numpy's default_rng(seed 42 / 43), written as raw
little-endian f32 to WORKDIR; both sides read the same bytes. Wall times are the best of REPEATS
runs of forward + backward (torch: the composition below followed by .backward(); kldiv: one
call computing the value and the student gradient into a reused buffer).
"""
import json
import os
import platform
import resource
import subprocess
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

work, rust, repeats, threads = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
torch.set_num_threads(threads)
SHAPES = [(32, 32000), (4, 128256)]


def forward_kl(S, T):
    return F.kl_div(F.log_softmax(S, -1), F.log_softmax(T, -1), log_target=True, reduction="batchmean")


def reverse_kl(S, T):
    return F.kl_div(F.log_softmax(T, -1), F.log_softmax(S, -1), log_target=True, reduction="batchmean")


def jsd(S, T, beta=0.5):
    # TRL GKDTrainer.generalized_jsd_loss (logsumexp mixture), batchmean
    s = F.log_softmax(S, -1)
    t = F.log_softmax(T, -1)
    b = torch.tensor(beta, dtype=s.dtype)
    m = torch.logsumexp(torch.stack([s + torch.log(1 - b), t + torch.log(b)]), dim=0)
    kl_t = F.kl_div(m, t, reduction="none", log_target=True)
    kl_s = F.kl_div(m, s, reduction="none", log_target=True)
    return (b * kl_t + (1 - b) * kl_s).sum() / S.shape[0]


def time_torch(fn, s, t):
    """Best wall time, mean CPU time per run (all threads of the process), value."""
    best = float("inf")
    value = None
    cpu = 0.0
    for i in range(repeats + 1):
        c0 = time.process_time()
        S = torch.from_numpy(s).requires_grad_(True)
        T = torch.from_numpy(t)
        t0 = time.perf_counter()
        loss = fn(S, T)
        loss.backward()
        dt = time.perf_counter() - t0
        if i > 0:
            best = min(best, dt)
            cpu += time.process_time() - c0
        value = loss.item()
    return best, cpu / repeats, value


rows = []
for b, v in SHAPES:
    s = (np.random.default_rng(42).standard_normal((b, v)) * 2.0).astype("<f4")
    t = (np.random.default_rng(43).standard_normal((b, v)) * 2.0).astype("<f4")
    s.tofile(os.path.join(work, f"student_{b}_{v}.f32"))
    t.tofile(os.path.join(work, f"teacher_{b}_{v}.f32"))
    env = dict(os.environ, RAYON_NUM_THREADS=str(threads))
    out = subprocess.run([rust, work, str(b), str(v), str(repeats)], capture_output=True, text=True, env=env, check=True)
    r = json.loads(out.stdout)
    for name, fn in (("forward", forward_kl), ("reverse", reverse_kl), ("jsd0.5", jsd)):
        tt, tc, tv = time_torch(fn, s, t)
        k = r[name]
        rows.append((b, v, name, tt, k["seconds"], tc, k["cpu_seconds"], tv, k["value"], k["peak_extra_bytes"], k["grad_bytes"]))

print(f"machine: {platform.processor() or platform.machine()}, threads: {threads}, torch {torch.__version__}, numpy {np.__version__}, "
      f"load average {os.getloadavg()[0]:.2f}")
print("| B × V | divergence | torch wall (ms) | kldiv wall (ms) | speed-up wall | torch CPU (ms) | kldiv CPU (ms) | speed-up CPU | torch value | kldiv value | kldiv extra heap | gradient buffer |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|")
for b, v, name, tt, kt, tc, kc, tv, kv, extra, gb in rows:
    ratio_cpu = f"{tc/kc:.1f}×" if kc > 0 else "n/a"
    print(f"| {b} × {v} | {name} | {tt*1e3:.2f} | {kt*1e3:.2f} | {tt/kt:.1f}× | {tc*1e3:.2f} | {kc*1e3:.2f} | {ratio_cpu} | {tv:.7g} | {kv:.7g} | {extra} B | {gb/2**20:.1f} MiB |")
