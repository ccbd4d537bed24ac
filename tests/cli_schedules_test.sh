#!/usr/bin/env bash
# mixpe run --schedules: the co-simulation runs the tile plans of schedule files that mixpe compile
# wrote, not the mapper's, and refuses a missing file and a schedule of another layer.
# usage: cli_schedules_test.sh <mixpe> <small_core_trace.yaml>
set -euo pipefail
mixpe=$1
trace=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

# For energy the mapper holds full_tiles' two N-tiles in one block (1x2); for cycles it takes
# 1x1. Run with the energy schedules and the cycles objective: the files' plans must win.
"$mixpe" compile --trace "$trace" --objective energy --output-dir "$dir" >/dev/null
grep -q '^block_n_tiles=2$' "$dir/full_tiles.schedule"
schedule=$("$mixpe" compile --trace "$trace" --layer full_tiles)  # not piped: see pipefail
grep -q '^block_n_tiles=1$' <<<"$schedule"
out=$("$mixpe" run --trace "$trace" --layer full_tiles --layer conv3x3 --schedules "$dir")
grep -Eq '^full_tiles .* m_outer 1x2 .* PASS$' <<<"$out" || { echo "$out"; exit 1; }
grep -Eq '^conv3x3 .* m_outer 2x1 .* PASS$' <<<"$out" || { echo "$out"; exit 1; }

# A schedule of another layer under this layer's name.
cp "$dir/full_tiles.schedule" "$dir/gemv.schedule"
set +e
err=$("$mixpe" run --trace "$trace" --layer gemv --schedules "$dir" 2>&1)
code=$?
set -e
[ "$code" -eq 2 ] || { echo "expected exit 2, got $code: $err"; exit 1; }
grep -q "gemv.schedule:[0-9]*: name: the schedule has full_tiles, but the trace's layer gemv" \
  <<<"$err" || { echo "$err"; exit 1; }

# A layer without its file.
rm "$dir/mixed.schedule"
set +e
err=$("$mixpe" run --trace "$trace" --layer mixed --schedules "$dir" 2>&1)
code=$?
set -e
[ "$code" -eq 2 ] || { echo "expected exit 2, got $code: $err"; exit 1; }
grep -q "mixed.schedule: cannot read the schedule of layer mixed" <<<"$err" || { echo "$err"; exit 1; }
echo "ok"
