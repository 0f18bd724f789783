#!/usr/bin/env bash
# Regenerates testdata/ulp_reference.json (mpmath). Creates tools/.venv.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="$here/.venv"
if [ ! -x "$venv/bin/python" ]; then python3 -m venv "$venv"; fi
"$venv/bin/pip" install --quiet "numpy>=1.26" "mpmath>=1.3"
"$venv/bin/python" "$here/gen_ulp_reference.py" "$here/../testdata/ulp_reference.json"
