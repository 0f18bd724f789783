#!/usr/bin/env bash
# Regenerates testdata/estimate_reference.json (digamma from mpmath, k-NN estimates from a
# scipy cKDTree implementation, numpy histogram binning). Creates tools/.venv unless PYTHON
# points at an interpreter that already has numpy, scipy and mpmath.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
if [ -z "${PYTHON:-}" ]; then
    if [ ! -x "$here/.venv/bin/python" ]; then
        python3 -m venv "$here/.venv"
        "$here/.venv/bin/pip" install --quiet numpy scipy mpmath
    fi
    PYTHON="$here/.venv/bin/python"
fi
"$PYTHON" "$here/gen_estimate_reference.py" "$root/testdata/estimate_reference.json"
