#!/usr/bin/env python3
"""Peers for bench/dist.sh: torch.distributions.kl_divergence on prebuilt MultivariateNormal
objects and scipy.integrate.quad of the same KL integrands as crates/kldiv/examples/bench_dist.rs.
Prints one JSON object per line, like the Rust harness. mpmath gives the reference values."""
import json
import math
import sys
import time


def timeit(f, min_seconds=0.5):
    v = f()
    n = 1
    while True:
        t = time.perf_counter()
        for _ in range(n):
            v = f()
        e = time.perf_counter() - t
        if e >= min_seconds:
            return e / n, v
        n *= 2


def mvn_inputs(d, rho, c):
    s = [1 + 0.5 * math.sin(i * c) for i in range(d)]
    cov = [[s[i] * s[j] * rho ** abs(i - j) for j in range(d)] for i in range(d)]
    mean = [0.5 * math.sin(i + c) for i in range(d)]
    return mean, cov


def bench_torch(dims):
    try:
        import torch
        from torch.distributions import MultivariateNormal, kl_divergence
    except Exception as e:  # noqa: BLE001
        print(json.dumps({"case": "torch", "skipped": "torch not importable: %s" % e}))
        return
    torch.set_num_threads(1)
    for d in dims:
        m1, c1 = mvn_inputs(d, 0.5, 0.3)
        m2, c2 = mvn_inputs(d, 0.3, 0.7)
        p = MultivariateNormal(torch.tensor(m1, dtype=torch.float64), covariance_matrix=torch.tensor(c1, dtype=torch.float64))
        q = MultivariateNormal(torch.tensor(m2, dtype=torch.float64), covariance_matrix=torch.tensor(c2, dtype=torch.float64))
        t, v = timeit(lambda: kl_divergence(p, q).item())
        print(json.dumps({"case": "mvnormal_d%d" % d, "peer": "torch %s (1 thread)" % torch.__version__,
                          "seconds_per_call": t, "value": v}))


# The integrands, written with the math module (the cheapest Python can do).
def logistic_lp(x, m, s):
    z = (x - m) / s
    return -z - math.log(s) - 2 * math.log1p(math.exp(-z)) if z > -30 else z - math.log(s) - 2 * math.log1p(math.exp(z))


def studentt_lp(x, v, m, s):
    c = math.lgamma((v + 1) / 2) - math.lgamma(v / 2) - 0.5 * math.log(v * math.pi) - math.log(s)
    z = (x - m) / s
    return c - (v + 1) / 2 * math.log1p(z * z / v)


def normal_lp(x, m, s):
    z = (x - m) / s
    return -0.5 * z * z - math.log(s) - 0.5 * math.log(2 * math.pi)


def gmm_lp(x):
    a = math.log(0.5) + normal_lp(x, -2, 0.6)
    b = math.log(0.5) + normal_lp(x, 2, 0.6)
    mx = max(a, b)
    return mx + math.log(math.exp(a - mx) + math.exp(b - mx))


def gumbel_lp(x, m, b):
    z = (x - m) / b
    return -math.log(b) - z - math.exp(-z) if z > -700 else -math.inf


def laplace_lp(x, m, b):
    return -math.log(2 * b) - abs(x - m) / b


CASES = {
    "quad_logistic_studentt": (lambda x: logistic_lp(x, 0, 1), lambda x: studentt_lp(x, 3, 0.5, 1.5), [0.0, 0.5]),
    "quad_gmm_normal": (gmm_lp, lambda x: normal_lp(x, 0, 2), [-2.0, 0.0, 2.0]),
    "quad_gumbel_laplace": (lambda x: gumbel_lp(x, 0.3, 1.1), lambda x: laplace_lp(x, 0, 1), [0.0, 0.3]),
}


def integrand(lp, lq):
    def f(x):
        a = lp(x)
        if a == -math.inf:
            return 0.0
        return math.exp(a) * (a - lq(x))
    return f


def bench_scipy():
    import scipy
    from scipy.integrate import quad
    for name, (lp, lq, pts) in CASES.items():
        f = integrand(lp, lq)
        # scipy.quad takes breakpoints only on finite ranges: split at them by hand.
        def run():
            lo = quad(f, -math.inf, pts[0], epsabs=1e-13, epsrel=1e-12, limit=2000)
            hi = quad(f, pts[-1], math.inf, epsabs=1e-13, epsrel=1e-12, limit=2000)
            mid = [quad(f, a, b, epsabs=1e-13, epsrel=1e-12, limit=2000) for a, b in zip(pts, pts[1:])]
            return lo[0] + hi[0] + sum(m[0] for m in mid), lo[1] + hi[1] + sum(m[1] for m in mid)
        t, (v, e) = timeit(run)
        print(json.dumps({"case": name, "peer": "scipy %s integrate.quad" % scipy.__version__,
                          "seconds_per_call": t, "value": v, "error_estimate": e}))


def reference():
    import mpmath as mp
    mp.mp.dps = 30
    def lg(m, s):
        return lambda x: -((x - m) / s) - mp.log(s) - 2 * mp.log(1 + mp.exp(-(x - m) / s))
    def st(v, m, s):
        c = mp.loggamma((v + 1) / mp.mpf(2)) - mp.loggamma(v / mp.mpf(2)) - mp.log(v * mp.pi) / 2 - mp.log(s)
        return lambda x: c - (v + 1) / mp.mpf(2) * mp.log(1 + ((x - m) / s) ** 2 / v)
    def nl(m, s):
        return lambda x: -((x - m) / s) ** 2 / 2 - mp.log(s) - mp.log(2 * mp.pi) / 2
    def gm(x):
        return mp.log(mp.exp(nl(-2, mp.mpf("0.6"))(x)) / 2 + mp.exp(nl(2, mp.mpf("0.6"))(x)) / 2)
    def gu(m, b):
        return lambda x: -mp.log(b) - (x - m) / b - mp.exp(-(x - m) / b)
    def la(m, b):
        return lambda x: -mp.log(2 * b) - abs(x - m) / b
    cases = {
        "quad_logistic_studentt": (lg(0, 1), st(3, mp.mpf("0.5"), mp.mpf("1.5")), [0, mp.mpf("0.5")]),
        "quad_gmm_normal": (gm, nl(0, 2), [-2, 0, 2]),
        "quad_gumbel_laplace": (gu(mp.mpf("0.3"), mp.mpf("1.1")), la(0, 1), [0, mp.mpf("0.3")]),
    }
    # The Gumbel density is below e^-400 left of loc - 6 scale: cut there (mpmath is very slow
    # evaluating exp(-exp(huge))); the neglected mass is far below double precision.
    lower = {"quad_gumbel_laplace": mp.mpf("0.3") - 6 * mp.mpf("1.1")}
    for name, (lp, lq, pts) in cases.items():
        v = mp.quad(lambda x: mp.exp(lp(x)) * (lp(x) - lq(x)), [lower.get(name, -mp.inf)] + pts + [mp.inf])
        print(json.dumps({"case": name, "peer": "mpmath reference", "value": float(v), "value_str": mp.nstr(v, 25)}))


if __name__ == "__main__":
    dims = [int(x) for x in (sys.argv[1] if len(sys.argv) > 1 else "16,256,1024").split(",")]
    reference()
    bench_scipy()
    bench_torch(dims)
