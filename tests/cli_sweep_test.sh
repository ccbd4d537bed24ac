#!/usr/bin/env bash
# mixpe sweep and merge, end to end: a small space swept whole and in three shards gives the same
# CSV once the shards are merged; the files and the plot are written; bad arguments are refused.
# usage: cli_sweep_test.sh <mixpe> <space.yaml>
set -euo pipefail
mixpe=$1
space=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir "$dir/whole" "$dir/shards" "$dir/merged"

out=$("$mixpe" sweep "$space" -o "$dir/whole" --jobs 2)
grep -q "8 design points: 8 costed" <<<"$out" || { echo "$out"; exit 1; }
grep -q "Pareto front" <<<"$out"
for f in sweep.csv sweep.json pareto.png; do [ -s "$dir/whole/$f" ] || { echo "no $f"; exit 1; }; done
head -c 8 "$dir/whole/pareto.png" | od -An -tx1 | grep -q "89 50 4e 47"   # a PNG
[ "$(wc -l <"$dir/whole/sweep.csv")" -eq 9 ]                                 # header + 8 points

for i in 0 1 2; do "$mixpe" sweep "$space" -o "$dir/shards" --shard "$i/3" --jobs 1 >/dev/null; done
ls "$dir/shards" | grep -q "sweep-2-of-3.csv"
"$mixpe" merge "$dir"/shards/*.csv -o "$dir/merged" --no-plot >/dev/null
cmp "$dir/whole/sweep.csv" "$dir/merged/sweep.csv"
[ ! -e "$dir/merged/pareto.png" ]

# The same shard twice, and a bad shard.
set +e
err=$("$mixpe" merge "$dir/shards/sweep-0-of-3.csv" "$dir/shards/sweep-0-of-3.csv" -o "$dir/merged" 2>&1)
code=$?
set -e
[ "$code" -eq 2 ] && grep -q "is in more than one input" <<<"$err" || { echo "$code $err"; exit 1; }
set +e
err=$("$mixpe" sweep "$space" -o "$dir/whole" --shard 3/3 2>&1)
code=$?
set -e
[ "$code" -eq 2 ] && grep -q -- "--shard: expected 0 <= index < count, got '3/3'" <<<"$err" || {
  echo "$code $err"
  exit 1
}
echo ok
