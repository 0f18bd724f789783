#!/usr/bin/env bash
# t-SNE side by side: kldiv (release CLI) vs scikit-learn TSNE(method='barnes_hut') and openTSNE
# (FFT), on data/digits.csv and on data/patches20k.npy (scaled by 1/255, PCA to 50 dims), at 2
# threads, same perplexity (30) and iterations (250 exaggerated + 500). Prints wall time, CPU
# time, trustworthiness (k = 10) and the final KL per tool, with the wall-time ratio to openTSNE.
# Every tool runs once per seed: SEEDS (comma-separated) defaults to 0,1,2 on digits and 0 on
# patches; the per-seed rows are followed by the mean T(10) per tool.
# Usage: [SEEDS=0,1,2] bench/icon.sh [digits] [patches]   (default: both). Creates bench/.venv
# (numpy, scikit-learn, openTSNE) unless PYTHON is set.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
work="$here/.work"
mkdir -p "$work"
if [ -z "${PYTHON:-}" ]; then
    if [ ! -x "$here/.venv/bin/python" ] || ! "$here/.venv/bin/python" -c "import openTSNE, sklearn" 2>/dev/null; then
        python3 -m venv "$here/.venv"
        "$here/.venv/bin/pip" install --quiet numpy scikit-learn openTSNE
    fi
    PYTHON="$here/.venv/bin/python"
fi
(cd "$root" && cargo build --release --quiet -p kldiv-cli --bin kldiv)
bin="$root/target/release/kldiv"
cases=("$@")
[ ${#cases[@]} -eq 0 ] && cases=(digits patches)
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; $(date -u +%FT%TZ); load $(cut -d' ' -f1-3 /proc/loadavg)"
for c in "${cases[@]}"; do
    if [ "$c" = digits ]; then seeds="${SEEDS:-0,1,2}"; else seeds="${SEEDS:-0}"; fi
    OMP_NUM_THREADS=2 "$PYTHON" "$here/icon_peers.py" "$bin" "$work" "$c" 2 "$seeds"
    echo
done
