"""Correctly rounded references for kldiv's ln and exp kernels (mpmath, 60 digits).

Writes testdata/ulp_reference.json: for each argument x (stored as the hex of its bits), the
correctly rounded value hi (u64 bits) and the residual (exact − hi) in units of ulp(hi), so the Rust test can measure errors in
fractions of an ulp. Arguments: log-uniform over the whole positive range (subnormals
included) and a dense band around 1 for ln; uniform over [-745, 709.78] plus a band around 0
for exp. Seeded.

Usage: python gen_ulp_reference.py OUT.json   (or tools/gen_ulp_reference.sh)
"""

import json
import struct
import sys

import mpmath as mp
import numpy as np

mp.mp.dps = 60


def bits(x):
    return struct.unpack("<Q", struct.pack("<d", float(x)))[0]


def ulp(hi):
    a = abs(hi)
    if a < 2.2250738585072014e-308:
        return mp.mpf(5e-324)
    return mp.mpf(np.nextafter(a, np.inf)) - mp.mpf(a)


def dd(v):
    hi = float(v)
    # The residual in units of ulp(hi): representable even where hi is subnormal.
    return [bits(hi), float((v - mp.mpf(hi)) / ulp(hi))]


def main(out):
    rng = np.random.default_rng(20261125)
    ln_args = list(np.exp(rng.uniform(np.log(5e-324), np.log(1.7e308), 6000)))
    ln_args += list(1.0 + rng.uniform(-0.3, 0.3, 2000))
    ln_args += [5e-324, 2.2250738585072014e-308, 2.225073858507201e-308, 0.5, 1.0 - 2**-53,
                1.0 + 2**-52, 2.0, np.sqrt(2.0), np.sqrt(0.5), 1.7976931348623157e308]
    ln_args = [float(x) for x in ln_args if 0 < x < float("inf")]
    exp_args = list(rng.uniform(-745.0, 709.78, 6000)) + list(rng.uniform(-1.0, 1.0, 2000))
    exp_args += [0.0, -0.0, 1.0, -1.0, 709.78, -708.39, -744.5, 1e-300, -1e-300]
    doc = {
        "generator": "tools/gen_ulp_reference.py",
        "mpmath_dps": mp.mp.dps,
        "ln": [[bits(x)] + dd(mp.log(mp.mpf(float(x)))) for x in ln_args],
        "exp": [[bits(x)] + dd(mp.exp(mp.mpf(float(x)))) for x in exp_args],
    }
    with open(out, "w") as f:
        json.dump(doc, f)
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1])
