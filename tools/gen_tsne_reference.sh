#!/usr/bin/env bash
# Regenerates testdata/tsne_reference.json (trustworthiness from scikit-learn on seeded
# samples, committed in the JSON). Creates tools/.venv-tsne unless PYTHON points at an
# interpreter that already has numpy and scikit-learn.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
if [ -z "${PYTHON:-}" ]; then
    if [ ! -x "$here/.venv-tsne/bin/python" ]; then
        python3 -m venv "$here/.venv-tsne"
        "$here/.venv-tsne/bin/pip" install --quiet numpy scikit-learn
    fi
    PYTHON="$here/.venv-tsne/bin/python"
fi
"$PYTHON" "$here/gen_tsne_reference.py" "$root/testdata/tsne_reference.json"
