#!/usr/bin/env bash
# Side-by-side timing of kldiv's discrete measures against scipy, numpy and PyTorch (CPU) on
# the same inputs, in one run. Creates its own virtualenv (bench/.venv).
# Usage: bench/discrete.sh [N=10000000] [REPEATS=5] [THREADS=2]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$here/.."
n="${1:-10000000}"
repeats="${2:-5}"
threads="${3:-2}"
venv="$here/.venv"
if [ ! -x "$venv/bin/python" ]; then python3 -m venv "$venv"; fi
"$venv/bin/pip" install --quiet "numpy>=1.26" "scipy>=1.11" threadpoolctl torch
cargo build --release --quiet --manifest-path "$root/Cargo.toml" -p kldiv-cli --example bench_discrete
work="$here/.work"
mkdir -p "$work"
# Same thread budget for everyone; OpenBLAS work-arounds of this machine slow numpy: unset them
# for the benchmark only (see the workplace notes).
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE \
  RAYON_NUM_THREADS="$threads" OMP_NUM_THREADS="$threads" OPENBLAS_NUM_THREADS="$threads" \
  MKL_NUM_THREADS="$threads" \
  "$venv/bin/python" "$here/discrete.py" "$n" "$repeats" "$threads" "$work" \
  "$root/target/release/examples/bench_discrete"
