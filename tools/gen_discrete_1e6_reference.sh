#!/usr/bin/env bash
# Regenerates testdata/discrete_reference_1e6.json (mpmath at 40 digits, N = 10⁶; issue #3's
# accuracy target). Creates its own virtualenv in tools/.venv; needs Python 3.11 with pip.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="$here/.venv"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet "numpy>=1.26" "mpmath>=1.3"
"$venv/bin/python" "$here/gen_discrete_1e6_reference.py" "$here/../testdata/discrete_reference_1e6.json"
