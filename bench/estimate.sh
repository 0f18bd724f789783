#!/usr/bin/env bash
# Side-by-side: kldiv's k-NN KL estimator vs the same estimator on scipy cKDTree(workers=2),
# on the same samples, in one run. Usage: bench/estimate.sh [CASES...] where a case is N:D
# (default: 100000:2 100000:10 100000:50). Creates bench/.venv (numpy, scipy) unless PYTHON
# is set. Prints both estimates, their difference, the wall-clock ratio (median of REPS = 5 runs,
# 1 run for d >= 10) and the CPU-time ratio (mean over the runs; all threads).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
work="$here/.work"
mkdir -p "$work"
if [ -z "${PYTHON:-}" ]; then
    if [ ! -x "$here/.venv/bin/python" ]; then
        python3 -m venv "$here/.venv"
        "$here/.venv/bin/pip" install --quiet numpy scipy
    fi
    PYTHON="$here/.venv/bin/python"
fi
(cd "$root" && cargo build --release --quiet --example bench_estimate)
bin="$root/target/release/examples/bench_estimate"
cases=("$@")
[ ${#cases[@]} -eq 0 ] && cases=(100000:2 100000:10 100000:50)
k=5
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; $(date -u +%FT%TZ)"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
printf "%8s %4s %24s %24s %10s %9s %9s %7s %9s %9s %7s\n" n d kldiv scipy diff kldiv_s scipy_s ratio kldiv_cpu scipy_cpu cpu_ratio
for c in "${cases[@]}"; do
    n="${c%%:*}"; d="${c##*:}"
    reps=${REPS:-5}; [ "$d" -ge 10 ] && reps=1
    "$PYTHON" "$here/estimate_knn.py" gen "$work" "$n" "$d" 42
    x="$work/x_${n}_${d}.f64"; y="$work/y_${n}_${d}.f64"
    r=$("$bin" run "$x" "$y" "$n" "$n" "$d" "$k" "$reps")
    p=$("$PYTHON" "$here/estimate_knn.py" run "$x" "$y" "$n" "$n" "$d" "$k" "$reps")
    field() { sed "s/.*$1=\([^ ]*\).*/\1/" <<<"$2"; }
    "$PYTHON" - "$n" "$d" "$(field estimate "$r")" "$(field estimate "$p")" \
        "$(field seconds "$r")" "$(field seconds "$p")" "$(field cpu "$r")" "$(field cpu "$p")" <<'PY'
import sys
n, d = sys.argv[1:3]
rv, pv, rs, ps, rc, pc = (float(v) for v in sys.argv[3:])
print(f"{n:>8} {d:>4} {rv:24.16f} {pv:24.16f} {abs(rv - pv):10.2e} {rs:9.3f} {ps:9.3f} {ps / rs:6.2f}x"
      f" {rc:9.3f} {pc:9.3f} {pc / rc:6.2f}x")
PY
done
