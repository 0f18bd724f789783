#!/usr/bin/env bash
# Side-by-side timing of kldiv::loss (forward KL, reverse KL, JSD β=0.5; value + student
# gradient, f32) against the torch CPU compositions on the same inputs, in one run; prints a
# markdown table with the ratios. Creates its own virtualenv (bench/.venv).
# Usage: bench/loss.sh [REPEATS=10] [THREADS=2]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$here/.."
repeats="${1:-10}"
threads="${2:-2}"
venv="$here/.venv"
if [ ! -x "$venv/bin/python" ]; then python3 -m venv "$venv"; fi
"$venv/bin/pip" install --quiet torch numpy
cargo build --release --quiet --manifest-path "$root/Cargo.toml" -p kldiv --example bench_loss
work="$here/.work"
mkdir -p "$work"
lscpu | grep -E 'Model name' || true
"$venv/bin/python" "$here/loss.py" "$work" "$root/target/release/examples/bench_loss" "$repeats" "$threads"
