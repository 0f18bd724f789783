#!/usr/bin/env bash
# Side-by-side: kldiv MvNormal KL vs torch.distributions.kl_divergence (prebuilt MVNs), and the
# kldiv quadrature fallback vs scipy.integrate.quad on the same integrands, in one run.
# Creates bench/.venv (numpy, scipy, mpmath, torch CPU). Usage: bench/dist.sh [dims]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dims="${1:-16,256,1024}"
venv="$root/bench/.venv"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet numpy scipy mpmath
  "$venv/bin/pip" install --quiet torch --index-url https://download.pytorch.org/whl/cpu \
    || echo "warning: torch could not be installed; the MvNormal comparison will be skipped" >&2
fi
mkdir -p "$root/bench/.work"
out="$root/bench/.work/dist.jsonl"
: > "$out"
echo "machine: $(uname -srm); $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); $(nproc) cores" >&2
(cd "$root" && cargo run --quiet --release -p kldiv --example bench_dist -- "$dims") | sed 's/^{/{"peer": "kldiv", /' >> "$out"
"$venv/bin/python" "$root/bench/dist_peers.py" "$dims" >> "$out"
"$venv/bin/python" - "$out" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
ref = {r["case"]: r["value"] for r in rows if r.get("peer") == "mpmath reference"}
ours = {r["case"]: r for r in rows if r.get("peer") == "kldiv"}
print("| case | kldiv s/call | peer | peer s/call | speed-up | kldiv rel. err | peer rel. err |")
print("|---|---|---|---|---|---|---|")
for r in rows:
    if r.get("peer") in ("kldiv", "mpmath reference") or "seconds_per_call" not in r:
        if "skipped" in r:
            print("| %s | | skipped: %s | | | | |" % (r["case"], r["skipped"]))
        continue
    k = ours.get(r["case"])
    if not k:
        continue
    def rel(v):
        if r["case"] in ref:
            return "%.1e" % (abs(v - ref[r["case"]]) / abs(ref[r["case"]]))
        return "%.1e (vs peer)" % (abs(v - r["value"]) / abs(r["value"]))
    print("| %s | %.3g | %s | %.3g | %.1fx | %s | %s |" % (
        r["case"], k["seconds_per_call"], r["peer"], r["seconds_per_call"],
        r["seconds_per_call"] / k["seconds_per_call"], rel(k["value"]),
        rel(r["value"]) if r["case"] in ref else "-"))
PY
