#!/usr/bin/env python3
"""Reference values for kldiv::loss, computed with torch (float64 autograd).

Writes testdata/loss_reference.json. Inputs are generated here from a fixed seed and stored in
the file, rounded to the case's dtype (f32 or f64); torch then evaluates the losses in float64
on exactly those values, so the Rust side can compare its f32 and f64 paths with the same
numbers. Run through tools/gen_loss_reference.sh, which sets up the environment.
"""
import json
import math
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
rng = np.random.default_rng(20261125)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "testdata", "loss_reference.json")


def rounded(x, dtype):
    return x.astype(np.float32).astype(np.float64) if dtype == "f32" else x.astype(np.float64)


def kl_div(input, target):
    """F.kl_div(log_target=True, reduction='none') with the convention 0 ln 0 = 0: torch gives
    exp(t) * (t - input) = 0 * (-inf) = nan where the target is exactly zero."""
    el = F.kl_div(input, target, reduction="none", log_target=True)
    return torch.where(torch.isnan(el), torch.zeros_like(el), el)


def trl_jsd(student_logits, teacher_logits, beta, temperature):
    """TRL GKDTrainer.generalized_jsd_loss, per element (reduction='none')."""
    s = F.log_softmax(student_logits / temperature, dim=-1)
    t = F.log_softmax(teacher_logits / temperature, dim=-1)
    if beta == 0:
        return kl_div(s, t)
    if beta == 1:
        return kl_div(t, s)
    b = torch.tensor(beta)
    m = torch.logsumexp(torch.stack([s + torch.log(1 - b), t + torch.log(b)]), dim=0)
    kl_t = kl_div(m, t)
    kl_s = kl_div(m, s)
    return b * kl_t + (1 - b) * kl_s


def teacher_logits_from(kind, data):
    """The teacher input as torch sees it: logits whose softmax is the teacher."""
    if kind == "probs":
        return torch.log(data)  # log 0 = -inf: softmax gives exactly 0
    return data


def per_element(div, beta, s, t, temperature):
    if div == "forward":
        return kl_div(F.log_softmax(s / temperature, -1), F.log_softmax(t / temperature, -1))
    if div == "reverse":
        return kl_div(F.log_softmax(t / temperature, -1), F.log_softmax(s / temperature, -1))
    return trl_jsd(s, t, beta, temperature)


def dense_case(name, dtype, B, V, div, beta, temperature, t2, reduction, teacher_kind,
               scale=3.0, zeros=0, ignore=None, teacher_grad=False):
    s = rounded(rng.normal(size=(B, V)) * scale, dtype)
    if teacher_kind == "logits":
        t = rounded(rng.normal(size=(B, V)) * scale, dtype)
    else:
        p = rng.dirichlet(np.ones(V) * 0.7, size=B)
        for b in range(B):
            p[b, rng.choice(V, size=zeros, replace=False)] = 0.0
        p /= p.sum(axis=1, keepdims=True)
        if teacher_kind == "probs":
            t = rounded(p, dtype)
        else:
            with np.errstate(divide="ignore"):
                t = rounded(np.log(p), dtype)
    labels = None
    counted = np.ones(B, dtype=bool)
    if ignore is not None:
        labels = rng.integers(0, V, size=B)
        labels[ignore] = -100
        counted = labels != -100
    S = torch.tensor(s, requires_grad=True)
    Tt = torch.tensor(t, requires_grad=teacher_grad)
    tl = teacher_logits_from(teacher_kind, Tt)
    el = per_element(div, beta, S, tl, temperature)
    c = temperature ** 2 if t2 else 1.0
    rows = el.sum(-1) * c * torch.tensor(counted, dtype=torch.float64)
    n = int(counted.sum())
    if reduction in ("none", "sum"):
        value = rows.sum()
    elif reduction == "batchmean":
        value = rows.sum() / max(n, 1)
    else:  # mean per element
        value = rows.sum() / max(n * V, 1)
    value.backward()
    case = {
        "name": name, "dtype": dtype, "B": B, "V": V, "divergence": div, "beta": beta,
        "temperature": temperature, "t2": t2, "reduction": reduction, "teacher_kind": teacher_kind,
        "teacher": t.ravel().tolist(), "student": s.ravel().tolist(),
        "labels": None if labels is None else labels.tolist(),
        "value": value.item(), "rows": rows.detach().tolist(),
        "grad_student": S.grad.ravel().tolist(),
        "grad_teacher": Tt.grad.ravel().tolist() if teacher_grad else None,
    }
    return case


def sparse_case(name, dtype, B, V, k):
    s = rounded(rng.normal(size=(B, V)) * 2.0, dtype)
    idx = np.stack([rng.choice(V, size=k, replace=False) for _ in range(B)])
    p = rng.dirichlet(np.ones(V) * 0.5, size=B)
    lp = np.log(np.take_along_axis(p, idx, axis=1))
    lp = rounded(lp, dtype)
    S = torch.tensor(s, requires_grad=True)
    logq = F.log_softmax(S, -1)
    total = torch.zeros(())
    rows = []
    for b in range(B):
        ib = torch.tensor(idx[b])
        lpb = torch.tensor(lp[b])
        mask = torch.ones(V, dtype=torch.bool)
        mask[ib] = False
        r = -torch.expm1(torch.logsumexp(lpb, 0))
        lq_tail = torch.logsumexp(logq[b][mask], 0)
        kl = (lpb.exp() * (lpb - logq[b][ib])).sum() + r * (torch.log(r) - lq_tail)
        rows.append(kl)
        total = total + kl
    value = total / B
    value.backward()
    return {"name": name, "dtype": dtype, "B": B, "V": V, "k": k,
            "indices": idx.ravel().tolist(), "log_probs": lp.ravel().tolist(),
            "student": s.ravel().tolist(), "value": value.item(),
            "rows": [r.item() for r in rows], "grad_student": S.grad.ravel().tolist()}


def policy_case(dtype, n):
    lp = rounded(-rng.exponential(2.0, size=n), dtype)
    lr = rounded(lp + rng.normal(size=n) * 0.7, dtype)
    mask = rng.random(n) < 0.8
    out = {"dtype": dtype, "logp": lp.tolist(), "logp_ref": lr.tolist(), "mask": mask.tolist()}
    for est in ("k1", "k2", "k3"):
        L = torch.tensor(lp, requires_grad=True)
        R = torch.tensor(lr)
        logr = R - L
        if est == "k1":
            k = -logr
        elif est == "k2":
            k = 0.5 * logr ** 2
        else:
            k = (torch.exp(logr) - 1) - logr
        m = torch.tensor(mask, dtype=torch.float64)
        value = (k * m).sum() / m.sum()
        value.backward()
        out[est] = {"value": value.item(), "grad": L.grad.tolist()}
    return out


def gaussian_case(dtype, B, D):
    mu1 = rounded(rng.normal(size=(B, D)), dtype)
    lv1 = rounded(rng.normal(size=(B, D)) * 0.8, dtype)
    mu2 = rounded(rng.normal(size=(B, D)), dtype)
    lv2 = rounded(rng.normal(size=(B, D)) * 0.8, dtype)
    tensors = [torch.tensor(x, requires_grad=True) for x in (mu1, lv1, mu2, lv2)]
    m1, l1, m2, l2 = tensors
    q = torch.distributions.Normal(m1, torch.exp(0.5 * l1))
    p = torch.distributions.Normal(m2, torch.exp(0.5 * l2))
    kl = torch.distributions.kl_divergence(q, p).sum(-1)
    value = kl.mean()
    value.backward()
    M1 = torch.tensor(mu1, requires_grad=True)
    L1 = torch.tensor(lv1, requires_grad=True)
    std = (0.5 * (M1 ** 2 + L1.exp() - 1 - L1).sum(-1)).mean()
    std.backward()
    return {"dtype": dtype, "B": B, "D": D,
            "mu1": mu1.ravel().tolist(), "lv1": lv1.ravel().tolist(),
            "mu2": mu2.ravel().tolist(), "lv2": lv2.ravel().tolist(),
            "value": value.item(), "rows": kl.detach().tolist(),
            "grads": [t.grad.ravel().tolist() for t in tensors],
            "standard_value": std.item(), "standard_grads": [M1.grad.ravel().tolist(), L1.grad.ravel().tolist()]}


def no_infinities(x):
    """JSON has no infinities: -inf (log 0, in teacher log-probabilities) is written as null."""
    if isinstance(x, dict):
        return {k: no_infinities(v) for k, v in x.items()}
    if isinstance(x, list):
        return [no_infinities(v) for v in x]
    if isinstance(x, float) and x == -math.inf:
        return None
    return x


def main():
    cases = []
    for dtype in ("f32", "f64"):
        for div, beta in (("forward", None), ("reverse", None), ("jsd", 0.5), ("jsd", 0.1), ("jsd", 0.0), ("jsd", 1.0)):
            for reduction in ("batchmean", "sum", "mean", "none"):
                cases.append(dense_case(f"{div}{beta}-{reduction}", dtype, 3, 13, div, beta, 1.0, False,
                                        reduction, "logits", teacher_grad=True))
            cases.append(dense_case(f"{div}{beta}-T2", dtype, 4, 29, div, beta, 2.0, True, "batchmean",
                                    "logits", ignore=[1], teacher_grad=True))
            cases.append(dense_case(f"{div}{beta}-T0.7", dtype, 2, 17, div, beta, 0.7, False, "sum",
                                    "logprobs", teacher_grad=True))
        for div, beta in (("forward", None), ("jsd", 0.5), ("jsd", 0.9)):
            cases.append(dense_case(f"{div}{beta}-probs-zeros", dtype, 3, 12, div, beta, 1.0, False,
                                    "batchmean", "probs", zeros=4))
            cases.append(dense_case(f"{div}{beta}-logprobs-zeros", dtype, 3, 12, div, beta, 1.5, True,
                                    "sum", "logprobs", zeros=3))
        cases.append(dense_case("forward-large-logits", dtype, 2, 300, "forward", None, 1.0, False,
                                "batchmean", "logits", scale=1e4, teacher_grad=True))
        cases.append(dense_case("forward-wide", dtype, 2, 1000, "forward", None, 1.0, False,
                                "batchmean", "logits", scale=2.0, teacher_grad=True))
        cases.append(dense_case("jsd-wide", dtype, 2, 1000, "jsd", 0.5, 1.0, False,
                                "batchmean", "logits", scale=2.0, teacher_grad=True))
    sparse = [sparse_case("sparse", d, 3, 40, 5) for d in ("f32", "f64")]
    policy = [policy_case(d, 50) for d in ("f32", "f64")]
    gaussian = [gaussian_case(d, 3, 6) for d in ("f32", "f64")]
    doc = {
        "generator": "tools/gen_loss_reference.py",
        "torch": torch.__version__, "numpy": np.__version__, "python": sys.version.split()[0],
        "note": "inputs rounded to dtype, values and gradients by torch float64 autograd; null = -inf",
        "cases": cases, "sparse": sparse, "policy": policy, "gaussian": gaussian,
    }
    with open(OUT, "w") as f:
        json.dump(no_infinities(doc), f, allow_nan=False)
    print(f"wrote {len(cases)} dense cases to {os.path.normpath(OUT)}")


if __name__ == "__main__":
    main()
