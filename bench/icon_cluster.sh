#!/usr/bin/env bash
# I-Con clustering on data/digits.csv (1797 × 64, 10 classes): kldiv's k-means as I-Con
# against scikit-learn's KMeans with the same number of restarts (k-means++ init), for several
# seeds, then the debiased clustering's α × walks sweep. Prints markdown tables (Hungarian
# accuracy, NMI, seconds). Creates its own virtualenv (bench/.venv).
# Usage: [PROFILE=release|dev] bench/icon_cluster.sh [RESTARTS=10] [SEEDS=5] [ITERATIONS=100] [THREADS=2]
# (PROFILE=dev reuses the test build, where kldiv and kldiv-icon are optimised at opt-level 2.)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$here/.."
restarts="${1:-10}"
seeds="${2:-5}"
iterations="${3:-100}"
threads="${4:-2}"
venv="$here/.venv"
if [ ! -x "$venv/bin/python" ]; then python3 -m venv "$venv"; fi
"$venv/bin/pip" install --quiet scikit-learn numpy
profile="${PROFILE:-release}"
cargo build --profile "$profile" --quiet --manifest-path "$root/Cargo.toml" -p kldiv-icon --example icon_cluster
bindir=release
if [ "$profile" = dev ]; then bindir=debug; fi
lscpu | grep -E 'Model name' || true
uptime
export RAYON_NUM_THREADS="$threads" OMP_NUM_THREADS="$threads" OPENBLAS_NUM_THREADS="$threads"
"$venv/bin/python" "$here/icon_cluster.py" "$root/data/digits.csv" \
    "$root/target/$bindir/examples/icon_cluster" "$restarts" "$seeds" "$iterations"
