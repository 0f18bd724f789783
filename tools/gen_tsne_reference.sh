#!/usr/bin/env bash
# Regenerates testdata/tsne_reference.json (trustworthiness from scikit-learn on seeded
# samples, committed in the JSON). Uses tools/.venv (created if missing; numpy and
# scikit-learn installed into it if absent) unless PYTHON points at an interpreter that has them.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
if [ -z "${PYTHON:-}" ]; then
    if [ ! -x "$here/.venv/bin/python" ]; then
        python3 -m venv "$here/.venv"
    fi
    if ! "$here/.venv/bin/python" -c "import numpy, sklearn" 2>/dev/null; then
        "$here/.venv/bin/pip" install --quiet numpy scikit-learn
    fi
    PYTHON="$here/.venv/bin/python"
fi
"$PYTHON" "$here/gen_tsne_reference.py" "$root/testdata/tsne_reference.json"
