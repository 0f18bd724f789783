#!/usr/bin/env python3
"""Reference values for kldiv::dist / kldiv::kl, written to testdata/dist_reference.json.

Every KL value is computed with mpmath at 30 significant digits:
  * continuous pairs: mpmath.quad of p(x) ln(p(x)/q(x)) over the support of p, split at the
    modes/locations and support ends (tanh-sinh); for same-family pairs ALSO the textbook
    closed form, and the two must agree to 1e-20 (checked here);
  * discrete pairs: the direct sum over the support (to a tail below 1e-40), plus the closed
    form for same-family pairs;
  * multivariate normal and Dirichlet pairs: the closed form with mpmath matrices (explicit
    inverse and determinant, which is fine at 30 digits), cross-checked for diagonal
    covariances against a product of univariate quadratures.
Pairs whose KL is +inf are written as "inf": supports not nested (decided here from the
supports) or an expectation in -ln q that diverges (a short, explicit list below).
Entropies of every univariate instance come from mpmath.quad of -p ln p.

Run through tools/gen_dist_reference.sh (creates tools/.venv with mpmath and scipy).
"""
import json
import os
import sys

import mpmath as mp

mp.mp.dps = 30
pi = mp.pi
inf = mp.inf
EG = mp.euler

# ---------------------------------------------------------------- families
# Each family: (logpdf(x, *params), support(*params), landmarks(*params))


def normal(m, s):
    return (lambda x: -((x - m) / s) ** 2 / 2 - mp.log(s) - mp.log(2 * pi) / 2,
            (-inf, inf), [m])


def halfnormal(s):
    return (lambda x: mp.log(2 / pi) / 2 - mp.log(s) - (x / s) ** 2 / 2, (0, inf), [0, s])


def lognormal(m, s):
    return (lambda x: -mp.log(x) - mp.log(s) - mp.log(2 * pi) / 2 - ((mp.log(x) - m) / s) ** 2 / 2,
            (0, inf), [mp.exp(m - s * s), mp.exp(m)])


def laplace(m, b):
    return (lambda x: -mp.log(2 * b) - abs(x - m) / b, (-inf, inf), [m])


def cauchy(m, g):
    return (lambda x: -mp.log(pi * g) - mp.log(1 + ((x - m) / g) ** 2), (-inf, inf), [m])


def studentt(v, m, s):
    c = mp.loggamma((v + 1) / 2) - mp.loggamma(v / 2) - mp.log(v * pi) / 2 - mp.log(s)
    return (lambda x: c - (v + 1) / 2 * mp.log(1 + ((x - m) / s) ** 2 / v), (-inf, inf), [m])


def logistic(m, s):
    def f(x):
        z = (x - m) / s
        return -z - mp.log(s) - 2 * mp.log(1 + mp.exp(-z))
    return (f, (-inf, inf), [m])


def gumbel(m, b):
    def f(x):
        z = (x - m) / b
        return -mp.log(b) - z - mp.exp(-z)
    return (f, (-inf, inf), [m])


def exponential(r):
    return (lambda x: mp.log(r) - r * x, (0, inf), [0, 1 / r])


def gamma_(a, b):
    return (lambda x: a * mp.log(b) - mp.loggamma(a) + (a - 1) * mp.log(x) - b * x,
            (0, inf), [a / b] + ([(a - 1) / b] if a > 1 else []))


def invgamma(a, b):
    return (lambda x: a * mp.log(b) - mp.loggamma(a) - (a + 1) * mp.log(x) - b / x,
            (0, inf), [b / (a + 1)])


def chi2(k):
    return gamma_(mp.mpf(k) / 2, mp.mpf(1) / 2)


def chi(k):
    k = mp.mpf(k)
    return (lambda x: (1 - k / 2) * mp.log(2) - mp.loggamma(k / 2) + (k - 1) * mp.log(x) - x * x / 2,
            (0, inf), [mp.sqrt(k)] + ([mp.sqrt(k - 1)] if k > 1 else []))


def beta(a, b):
    lb = mp.log(mp.beta(a, b))
    return (lambda x: (a - 1) * mp.log(x) + (b - 1) * mp.log(1 - x) - lb, (0, 1),
            [a / (a + b)] + ([(a - 1) / (a + b - 2)] if a > 1 and b > 1 else []))


def uniform(lo, hi):
    return (lambda x: -mp.log(hi - lo), (lo, hi), [lo, hi])


def pareto(xm, a):
    return (lambda x: mp.log(a) + a * mp.log(xm) - (a + 1) * mp.log(x), (xm, inf), [xm])


def weibull(k, lam):
    return (lambda x: mp.log(k / lam) + (k - 1) * mp.log(x / lam) - (x / lam) ** k, (0, inf),
            [lam] + ([lam * ((k - 1) / k) ** (1 / k)] if k > 1 else []))


def vonmises(m, kap):
    c = mp.log(2 * pi * mp.besseli(0, kap))
    return (lambda x: kap * mp.cos(x - m) - c, (-pi, pi), [m, m - pi if m > 0 else m + pi])


BUILD = {
    "normal": normal, "halfnormal": halfnormal, "lognormal": lognormal, "laplace": laplace,
    "cauchy": cauchy, "studentt": studentt, "logistic": logistic, "gumbel": gumbel,
    "exponential": exponential, "gamma": gamma_, "inversegamma": invgamma, "chi2": chi2,
    "chi": chi, "beta": beta, "uniform": uniform, "pareto": pareto, "weibull": weibull,
    "vonmises": vonmises,
}

# (family, params) — the spec is family(p1, p2, ...) positionally (the crate's documented order).
PRIMARY = [
    ("normal", (0.3, 1.2)), ("halfnormal", (1.3,)), ("lognormal", (0.2, 0.7)),
    ("laplace", (0.1, 0.6)), ("cauchy", (0.2, 1.3)), ("studentt", (4, 0.1, 1.2)),
    ("logistic", (0.2, 0.7)), ("gumbel", (0.3, 1.1)), ("exponential", (1.3,)),
    ("gamma", (2.5, 1.5)), ("inversegamma", (3.5, 2)), ("chi2", (3,)), ("chi", (2.5,)),
    ("beta", (2, 3)), ("uniform", (0.2, 0.8)), ("uniform", (1.5, 2.5)), ("uniform", (-1, 1)),
    ("uniform", (-4, 4)), ("pareto", (1, 3.5)), ("pareto", (0.1, 3.5)), ("weibull", (1.7, 1.2)),
    ("vonmises", (0.5, 2)),
]
VARIANT = [
    ("normal", (-0.5, 0.8)), ("halfnormal", (0.7,)), ("lognormal", (-0.3, 1.1)),
    ("laplace", (0.6, 0.5)), ("cauchy", (-0.4, 0.6)), ("studentt", (2.5, 0.3, 0.9)),
    ("logistic", (-0.3, 0.5)), ("gumbel", (-0.2, 0.9)), ("exponential", (0.6,)),
    ("gamma", (1.7, 0.8)), ("inversegamma", (4.5, 1.2)), ("chi2", (5,)), ("chi", (1.5,)),
    ("beta", (1.5, 0.8)), ("uniform", (0.1, 0.9)), ("pareto", (0.8, 2.5)), ("weibull", (2.2, 0.9)),
    ("vonmises", (-1, 0.7)),
]
# Extra pairs whose KL diverges through a moment (not the support).
EXTRA_INF = [
    (("pareto", (1, 0.8)), ("exponential", (1.3,))),
    (("pareto", (1, 1.5)), ("normal", (0.3, 1.2))),
    (("inversegamma", (1.5, 1)), ("gamma", (2.5, 1.5))),
    (("studentt", (2, 0, 1)), ("normal", (0.3, 1.2))),
]


def spec(fam, params):
    return "%s(%s)" % (fam, ", ".join(repr(float(v)) if not float(v).is_integer() else str(int(v)) for v in params))


def mpp(params):
    return tuple(mp.mpf(str(v)) for v in params)


def diverges(p, q):
    """Pairs among the instances above whose KL is +inf through a divergent expectation."""
    pf, pp = p
    qf, qp = q
    real = {"normal", "laplace", "gumbel", "logistic", "cauchy", "studentt"}
    if pf == "cauchy" and qf in {"normal", "laplace", "gumbel", "logistic"}:
        return True
    if pf == "studentt" and qf == "gumbel":
        return True  # polynomial left tail against exp(-x/beta)
    if pf == "studentt" and qf == "normal" and pp[0] <= 2:
        return True
    if pf == "pareto" and qf in {"exponential", "gamma", "chi2", "gumbel", "normal", "halfnormal", "chi", "weibull", "laplace", "logistic"}:
        alpha = pp[1]
        need = {"exponential": 1, "gamma": 1, "chi2": 1, "gumbel": 1, "laplace": 1, "logistic": 1,
                "normal": 2, "halfnormal": 2, "chi": 2, "weibull": None}[qf]
        if need is None:
            need = qp[0]
        return alpha <= need
    if pf == "inversegamma" and qf in {"exponential", "gamma", "chi2", "gumbel", "normal", "halfnormal", "chi", "weibull", "laplace", "logistic"}:
        a = pp[0]
        need = {"exponential": 1, "gamma": 1, "chi2": 1, "gumbel": 1, "laplace": 1, "logistic": 1,
                "normal": 2, "halfnormal": 2, "chi": 2, "weibull": None}[qf]
        if need is None:
            need = qp[0]
        return a <= need
    if qf == "inversegamma":
        # E_p[1/X] diverges when p has positive density at 0 (or a heavier pole).
        if pf in {"exponential", "halfnormal"}:
            return True
        if pf == "gamma" and pp[0] <= 1:
            return True
        if pf == "chi2" and pp[0] <= 2:
            return True
        if pf == "chi" and pp[0] <= 1:
            return True
        if pf == "beta" and pp[0] <= 1:
            return True
        if pf == "weibull" and pp[0] <= 1:
            return True
        if pf == "uniform" and pp[0] <= 0:
            return True
    if qf == "gumbel" and pf in {"laplace", "logistic"}:
        return pp[1] >= qp[1]  # MGF at -1/beta finite iff scale_p < beta
    return False


def effective_range(fam, params, a, b):
    """The support of a light-tailed density clipped where it is below e^-100 relative to its
    peak (neglected mass < 1e-40, far below the 30 digits kept); heavy-tailed families keep
    their infinite ranges."""
    x = mpp(params)
    r = {
        "normal": lambda m, s: (m - 15 * s, m + 15 * s),
        "halfnormal": lambda s: (0, 15 * s),
        "laplace": lambda m, b_: (m - 110 * b_, m + 110 * b_),
        "logistic": lambda m, s_: (m - 110 * s_, m + 110 * s_),
        "gumbel": lambda m, b_: (m - 6 * b_, m + 110 * b_),
        "exponential": lambda r_: (0, 110 / r_),
        "gamma": lambda a_, b_: (0, (a_ + 110 + 20 * mp.sqrt(a_)) / b_),
        "chi2": lambda k: (0, (k / 2 + 110 + 20 * mp.sqrt(k / 2)) * 2),
        "chi": lambda k: (0, mp.sqrt(220 + 4 * k)),
        "weibull": lambda k, lam: (0, lam * mp.mpf(110) ** (1 / k)),
    }.get(fam)
    if r is None:
        return a, b
    lo, hi = r(*x)
    return max(a, lo), min(b, hi)


def kl_quad(p, q):
    pf, pp = p
    qf, qp = q
    lp, (a, b), lm_p = BUILD[pf](*mpp(pp))
    lq, (c, d), lm_q = BUILD[qf](*mpp(qp))
    if a < c or b > d:
        return inf
    if diverges(p, q):
        return inf

    def f(x):
        l1 = lp(x)
        return mp.exp(l1) * (l1 - lq(x))

    a, b = effective_range(pf, pp, a, b)
    pts = sorted(set([a, b] + [x for x in lm_p + lm_q + [c, d] if a < x < b]))
    return mp.quad(f, pts)


def entropy_quad(p):
    pf, pp = p
    lp, (a, b), lm = BUILD[pf](*mpp(pp))
    a, b = effective_range(pf, pp, a, b)
    pts = sorted(set([a, b] + [x for x in lm if a < x < b]))
    return mp.quad(lambda x: -mp.exp(lp(x)) * lp(x), pts)


# ----------------------------------------------- independent same-family closed forms (mpmath)
def kl_closed_same(p, q):
    f, a = p[0], mpp(p[1])
    g, b = q[0], mpp(q[1])
    assert f == g
    psi = mp.digamma
    lg = mp.loggamma
    if f == "normal":
        return mp.log(b[1] / a[1]) + (a[1] ** 2 + (a[0] - b[0]) ** 2) / (2 * b[1] ** 2) - mp.mpf(1) / 2
    if f == "halfnormal":
        return mp.log(b[0] / a[0]) + a[0] ** 2 / (2 * b[0] ** 2) - mp.mpf(1) / 2
    if f == "lognormal":
        return mp.log(b[1] / a[1]) + (a[1] ** 2 + (a[0] - b[0]) ** 2) / (2 * b[1] ** 2) - mp.mpf(1) / 2
    if f == "laplace":
        d = abs(a[0] - b[0])
        return mp.log(b[1] / a[1]) + d / b[1] + a[1] / b[1] * mp.exp(-d / a[1]) - 1
    if f == "cauchy":
        return mp.log(((a[1] + b[1]) ** 2 + (a[0] - b[0]) ** 2) / (4 * a[1] * b[1]))
    if f == "gumbel":
        return (mp.log(b[1] / a[1]) + EG * (a[1] / b[1] - 1) + mp.exp((b[0] - a[0]) / b[1]) * mp.gamma(a[1] / b[1] + 1)
                - 1 + (a[0] - b[0]) / b[1])
    if f == "exponential":
        return mp.log(a[0] / b[0]) + b[0] / a[0] - 1
    if f in ("gamma", "inversegamma", "chi2", "chi"):
        if f in ("chi2", "chi"):
            a = (a[0] / 2, mp.mpf(1) / 2)
            b = (b[0] / 2, mp.mpf(1) / 2)
        return ((a[0] - b[0]) * psi(a[0]) - lg(a[0]) + lg(b[0]) + b[0] * (mp.log(a[1]) - mp.log(b[1]))
                + a[0] * (b[1] - a[1]) / a[1])
    if f == "beta":
        lb = lambda x, y: lg(x) + lg(y) - lg(x + y)
        return (lb(b[0], b[1]) - lb(a[0], a[1]) + (a[0] - b[0]) * psi(a[0]) + (a[1] - b[1]) * psi(a[1])
                + (b[0] - a[0] + b[1] - a[1]) * psi(a[0] + a[1]))
    if f == "uniform":
        if a[0] >= b[0] and a[1] <= b[1]:
            return mp.log((b[1] - b[0]) / (a[1] - a[0]))
        return inf
    if f == "pareto":
        if a[0] < b[0]:
            return inf
        return mp.log(a[1] / b[1]) + b[1] * mp.log(a[0] / b[0]) + b[1] / a[1] - 1
    if f == "weibull":
        k1, l1 = a
        k2, l2 = b
        return (mp.log(k1 / l1 ** k1) - mp.log(k2 / l2 ** k2) + (k1 - k2) * (mp.log(l1) - EG / k1)
                + (l1 / l2) ** k2 * mp.gamma(k2 / k1 + 1) - 1)
    if f == "vonmises":
        i0 = lambda k: mp.besseli(0, k)
        A = mp.besseli(1, a[1]) / i0(a[1])
        return mp.log(i0(b[1]) / i0(a[1])) + A * (a[1] - b[1] * mp.cos(a[0] - b[0]))
    return None


def s(x):
    if x == inf:
        return "inf"
    return mp.nstr(x, 25, min_fixed=-1000, max_fixed=1000)


def continuous_pairs():
    pairs = []
    for p in PRIMARY:
        for q in PRIMARY:
            pairs.append((p, q))
    by_fam = {}
    for v in VARIANT:
        by_fam.setdefault(v[0], []).append(v)
    for p in PRIMARY:
        for v in by_fam.get(p[0], []):
            pairs.append((p, v))
            pairs.append((v, p))
    for v in VARIANT:
        # variants against a few cross families too
        for q in PRIMARY:
            if q[0] != v[0] and q[0] in ("normal", "gamma", "exponential", "laplace", "gumbel", "uniform", "beta", "lognormal"):
                pairs.append((v, q))
    pairs += EXTRA_INF
    seen = set()
    out = []
    for p, q in pairs:
        key = (spec(*p), spec(*q))
        if key not in seen:
            seen.add(key)
            out.append((p, q))
    return out


def main(path):
    out = {"generator": "tools/gen_dist_reference.py (mpmath %s, dps=30)" % mp.__version__}
    cont = []
    pairs = continuous_pairs()
    import multiprocessing
    with multiprocessing.Pool(int(os.environ.get("JOBS", "2"))) as pool:
        values = pool.starmap(kl_quad, pairs, chunksize=4)
    for i, ((p, q), v) in enumerate(zip(pairs, values)):
        entry = {"p": spec(*p), "q": spec(*q), "kl": s(v), "by": "quad"}
        if p[0] == q[0]:
            c = kl_closed_same(p, q)
            if c is not None:
                if v != inf or c != inf:
                    if abs(c - v) > mp.mpf("1e-18") * max(1, abs(c)):
                        sys.exit("closed form and quadrature disagree for %s || %s: %s vs %s" % (entry["p"], entry["q"], c, v))
                entry["by"] = "closed+quad"
                entry["kl"] = s(c)
        cont.append(entry)
    out["continuous"] = cont
    ent = []
    for p in PRIMARY + VARIANT:
        ent.append({"p": spec(*p), "entropy": s(entropy_quad(p))})
    out["entropy"] = ent

    # ---------------------------------------------------------------- discrete
    def bern(p):
        p = mp.mpf(p)
        return (lambda k: mp.log(p) if k == 1 else (mp.log(1 - p) if k == 0 else -inf)), 0, 1

    def binom(n, p):
        p = mp.mpf(p)
        return (lambda k: (mp.log(mp.binomial(n, k)) + k * mp.log(p) + (n - k) * mp.log(1 - p)) if 0 <= k <= n else -inf), 0, n

    def pois(r):
        r = mp.mpf(r)
        return (lambda k: k * mp.log(r) - r - mp.loggamma(k + 1)), 0, None

    def geom(p):
        p = mp.mpf(p)
        return (lambda k: k * mp.log(1 - p) + mp.log(p)), 0, None

    def nbinom(r, p):
        r, p = mp.mpf(r), mp.mpf(p)
        return (lambda k: mp.loggamma(k + r) - mp.loggamma(k + 1) - mp.loggamma(r) + r * mp.log(p) + k * mp.log(1 - p)), 0, None

    def cat(*ps):
        ps = [mp.mpf(x) for x in ps]
        return (lambda k: mp.log(ps[k]) if 0 <= k < len(ps) and ps[k] > 0 else -inf), 0, len(ps) - 1

    DB = {"bernoulli": bern, "binomial": binom, "poisson": pois, "geometric": geom,
          "negativebinomial": nbinom, "categorical": cat}
    DISC = [("bernoulli", (0.3,)), ("bernoulli", (0.75,)), ("binomial", (6, 0.3)), ("binomial", (6, 0.55)),
            ("binomial", (8, 0.4)), ("binomial", (1, 0.3)), ("poisson", (2.5,)), ("poisson", (1.2,)),
            ("geometric", (0.4,)), ("geometric", (0.25,)), ("negativebinomial", (2, 0.4)),
            ("negativebinomial", (2, 0.6)), ("negativebinomial", (3.5, 0.5)), ("negativebinomial", (1, 0.4)),
            ("categorical", (0.2, 0.3, 0.5)), ("categorical", (0.5, 0.25, 0.25))]

    def dspec(f, pp):
        if f == "categorical":
            return "categorical(p=[%s])" % ", ".join(repr(float(x)) for x in pp)
        return spec(f, pp)

    disc = []
    for p in DISC:
        for q in DISC:
            lp, plo, phi = DB[p[0]](*p[1])
            lq, qlo, qhi = DB[q[0]](*q[1])
            if plo < qlo or (qhi is not None and (phi is None or phi > qhi)):
                v = inf
            else:
                acc = mp.mpf(0)
                k = plo
                while True:
                    a = lp(k)
                    if a != -inf:
                        b = lq(k)
                        if b == -inf:
                            acc = inf
                            break
                        t = mp.exp(a) * (a - b)
                        acc += t
                        if phi is None and k > 10 and mp.exp(a) < mp.mpf("1e-45"):
                            break
                    if phi is not None and k >= phi:
                        break
                    k += 1
                v = acc
            disc.append({"p": dspec(*p), "q": dspec(*q), "kl": s(v), "by": "sum"})
    out["discrete"] = disc

    # ---------------------------------------------------------------- multivariate
    def mvn_kl(m1, c1, m2, c2):
        m1, m2 = mp.matrix(m1), mp.matrix(m2)
        c1, c2 = mp.matrix(c1), mp.matrix(c2)
        d = c1.rows
        inv2 = c2 ** -1
        tr = sum((inv2 * c1)[i, i] for i in range(d))
        dm = m2 - m1
        maha = (dm.T * inv2 * dm)[0, 0]
        return (tr + maha - d + mp.log(mp.det(c2)) - mp.log(mp.det(c1))) / 2

    MVN = [
        ([0, 0, 0], [[1, 0, 0], [0, 1, 0], [0, 0, 1]]),
        ([0.5, -1, 2], [[2, 0.3, 0.1], [0.3, 1.5, -0.2], [0.1, -0.2, 0.8]]),
        ([1, 0, -0.5], [[0.5, 0.1, 0], [0.1, 0.7, 0.25], [0, 0.25, 1.2]]),
        ([0.2, 0.1, 0], [[1.3, 0, 0], [0, 0.4, 0], [0, 0, 2.2]]),
    ]

    def mvspec(m, c):
        f = lambda v: "[" + ", ".join(repr(float(x)) for x in v) + "]"
        return "mvnormal(mean=%s, cov=[%s])" % (f(m), ", ".join(f(r) for r in c))

    mv = []
    for a in MVN:
        for b in MVN:
            mv.append({"p": mvspec(*a), "q": mvspec(*b), "kl": s(mvn_kl(a[0], a[1], b[0], b[1])), "by": "closed"})
    out["mvnormal"] = mv

    def dir_kl(a, b):
        a = [mp.mpf(str(x)) for x in a]
        b = [mp.mpf(str(x)) for x in b]
        a0, b0 = sum(a), sum(b)
        r = mp.loggamma(a0) - sum(mp.loggamma(x) for x in a) - mp.loggamma(b0) + sum(mp.loggamma(x) for x in b)
        return r + sum((x - y) * (mp.digamma(x) - mp.digamma(a0)) for x, y in zip(a, b))

    DIR = [[1, 1, 1], [2, 3, 4], [0.5, 0.7, 2.5], [5, 1, 0.3]]
    dr = []
    for a in DIR:
        for b in DIR:
            f = lambda v: "[" + ", ".join(repr(float(x)) for x in v) + "]"
            dr.append({"p": "dirichlet(alpha=%s)" % f(a), "q": "dirichlet(alpha=%s)" % f(b), "kl": s(dir_kl(a, b)), "by": "closed"})
    out["dirichlet"] = dr

    # ---------------------------------------------------------------- special functions
    xs = ["0.01", "0.3", "1", "1.4616321", "2.5", "7.25", "10", "33.3", "250"]
    out["special"] = {
        "digamma": [[x, s(mp.digamma(mp.mpf(x)))] for x in xs],
        "trigamma": [[x, s(mp.psi(1, mp.mpf(x)))] for x in xs],
        "ln_gamma": [[x, s(mp.loggamma(mp.mpf(x)))] for x in xs],
        "bessel_i0e": [[x, s(mp.besseli(0, mp.mpf(x)) * mp.exp(-mp.mpf(x)))] for x in xs + ["24.9", "25.1", "700"]],
        "bessel_i1e": [[x, s(mp.besseli(1, mp.mpf(x)) * mp.exp(-mp.mpf(x)))] for x in xs + ["24.9", "25.1", "700"]],
    }
    with open(path, "w") as fh:
        json.dump(out, fh, indent=1)
    print("wrote %s: %d continuous, %d discrete, %d mvnormal, %d dirichlet pairs" % (
        path, len(cont), len(disc), len(mv), len(dr)), file=sys.stderr)


if __name__ == "__main__":
    here = os.path.dirname(os.path.abspath(__file__))
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "testdata", "dist_reference.json"))
