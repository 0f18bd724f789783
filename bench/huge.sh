#!/usr/bin/env bash
# kldiv discrete on two .npy files of N (default 10^8) f64 entries each (800 MB per file):
# peak memory (GNU time's "Maximum resident set size") and wall time of the streaming path.
# Creates bench/.venv for numpy. Usage: bench/huge.sh [N]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$here/.."
n="${1:-100000000}"
venv="$here/.venv"
if [ ! -x "$venv/bin/python" ]; then python3 -m venv "$venv"; fi
"$venv/bin/pip" install --quiet "numpy>=1.26"
work="$here/.work"
mkdir -p "$work"
if [ ! -f "$work/huge_p_$n.npy" ]; then
  "$venv/bin/python" - "$n" "$work" <<'PY'
import sys, numpy as np
n, work = int(sys.argv[1]), sys.argv[2]
rng = np.random.default_rng(11)
for name in ("p", "q"):
    x = rng.random(n) + 1e-3
    x /= x.sum()
    np.save(f"{work}/huge_{name}_{n}.npy", x)
PY
fi
cargo build --release --quiet --manifest-path "$root/Cargo.toml" -p kldiv-cli
ls -la "$work/huge_p_$n.npy" "$work/huge_q_$n.npy"
if [ -x /usr/bin/time ]; then
  /usr/bin/time -v "$root/target/release/kldiv" discrete "$work/huge_p_$n.npy" "$work/huge_q_$n.npy" \
    -m kl,entropy --format json 2> "$work/huge_time.txt"
  grep -E "Maximum resident|Elapsed|Percent of CPU" "$work/huge_time.txt"
else
  echo "install GNU time (apt-get install time) to measure peak memory"
  time "$root/target/release/kldiv" discrete "$work/huge_p_$n.npy" "$work/huge_q_$n.npy" -m kl,entropy --format json
fi
