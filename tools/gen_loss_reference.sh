#!/usr/bin/env bash
# Regenerates testdata/loss_reference.json with torch (CPU) in a private virtualenv.
# Usage: bash tools/gen_loss_reference.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="$here/.venv"
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --upgrade pip
fi
"$venv/bin/pip" install --quiet torch numpy
"$venv/bin/python" "$here/gen_loss_reference.py"
