#!/usr/bin/env bash
# Regenerates testdata/dist_reference.json (mpmath at 30 digits). Creates tools/.venv.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
if [ ! -x "$here/.venv/bin/python" ]; then
  python3 -m venv "$here/.venv"
  "$here/.venv/bin/pip" install --quiet mpmath scipy
fi
"$here/.venv/bin/python" "$here/gen_dist_reference.py" "$here/../testdata/dist_reference.json"
