#!/usr/bin/env bash
# Side-by-side timing of kldiv's discrete KL/entropy/cross-entropy against scipy and numpy on
# the same vectors, in one run. Creates its own virtualenv (bench/.venv).
# Usage: bench/discrete.sh [N=10000000] [REPEATS=5]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$here/.."
n="${1:-10000000}"
repeats="${2:-5}"
venv="$here/.venv"
if [ ! -x "$venv/bin/python" ]; then python3 -m venv "$venv"; fi
"$venv/bin/pip" install --quiet "numpy>=1.26" "scipy>=1.11" threadpoolctl
cargo build --release --quiet --manifest-path "$root/Cargo.toml" -p kldiv-cli --example bench_discrete
work="$here/.work"
mkdir -p "$work"
"$venv/bin/python" "$here/discrete.py" "$n" "$repeats" "$work" "$root/target/release/examples/bench_discrete"
