#!/usr/bin/env bash
# Regenerates testdata/icon_reference.json (NMI, mutual information and Hungarian accuracy
# from scikit-learn / scipy) in a private virtualenv.
# Usage: bash tools/gen_icon_reference.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="$here/.venv"
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --upgrade pip
fi
"$venv/bin/pip" install --quiet scikit-learn scipy numpy
"$venv/bin/python" "$here/gen_icon_reference.py"
