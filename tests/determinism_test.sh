#!/usr/bin/env bash
# Determinism across processes: the same inputs and seed give the same figures, run after run.
# - `mixpe run` co-simulates a trace twice: its CSV and JSON reports (cycles, every counted event,
#   stalls, energy, the bit-exact verdicts) are identical byte for byte;
# - `mixpe verify` runs the same seeds twice: the same cases, verdicts and coverage (every line but
#   the last, which reports the wall time); other seeds give other cases.
# (CosimTopTest.TheSameSeedGivesTheSameRunAndAnotherSeedOtherOutputs compares the outputs.)
# usage: determinism_test.sh <mixpe> <trace.yaml> <config.yaml>
set -euo pipefail
mixpe=$1
trace=$2
config=$3
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

for i in 1 2; do
  "$mixpe" run --config "$config" --trace "$trace" --csv "$dir/run$i.csv" --json "$dir/run$i.json" \
    >/dev/null
done
cmp "$dir/run1.csv" "$dir/run2.csv"
cmp "$dir/run1.json" "$dir/run2.json"
grep -q ",PASS$" "$dir/run1.csv" || { echo "no bit-exact layer in the report"; exit 1; }

verify() {  # <seed> <file>: every line but the first (it names the seed) and the last (timing)
  "$mixpe" verify --config "$config" --seed "$1" --count 24 2>/dev/null | sed '1d;$d' >"$2"
}
verify 40 "$dir/verify1.txt"
verify 40 "$dir/verify2.txt"
verify 1040 "$dir/verify3.txt"
cmp "$dir/verify1.txt" "$dir/verify2.txt"
grep -q "coverage over 24 cases" "$dir/verify1.txt"
if cmp -s "$dir/verify1.txt" "$dir/verify3.txt"; then
  echo "seeds 40 and 1040 gave the same cases"
  exit 1
fi
echo "ok: identical reports from two runs of each"
