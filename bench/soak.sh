#!/usr/bin/env bash
# Endurance: one `mixpe run` process co-simulates at least --cycles cycles (default 10^8) of a
# trace of many distinct layers (the format pairs below in turn, each layer its own operands) on
# the 4x4 W4A16 test core, while this script samples the process's resident memory (VmRSS) every
# two seconds. Prints the cycles simulated, the wall time, and the resident memory after the first
# layer, at its largest and at the end: flat memory means no growth from layer to layer.
# usage: bench/soak.sh [--build DIR] [--cycles N] [--jobs N]
#   --build  where the 4x4 core's build goes: DIR/soak-array_4x4_w4a16 (default build/)
#   --cycles at least this many cycles (default 100000000)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build
cycles=100000000
jobs=$(nproc)
while [ $# -gt 0 ]; do
  case $1 in
    --build) mkdir -p "$2"; build=$(cd "$2" && pwd); shift 2 ;;
    --cycles) cycles=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    *) echo "usage: bench/soak.sh [--build DIR] [--cycles N] [--jobs N]" >&2; exit 2 ;;
  esac
done
config=$root/tests/configs/array_4x4_w4a16.yaml
dir=$build/soak-array_4x4_w4a16
cmake -S "$root" -B "$dir" -DCMAKE_BUILD_TYPE=Release -DMIXPE_CONFIG="$config" -DMIXPE_WAVES=OFF \
  >/dev/null
cmake --build "$dir" -j "$jobs" --target mixpe >/dev/null

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Layers of 64 x 1024 x 256: about a million cycles each on 4 x 4 PEs (M K N / 16, plus loads).
pairs=("int4_g128 fp16" "int4_g128_asym int8_token" "mxint4 mxint8" "mxfp4 fp16"
       "nvfp4 int8_token" "intmix234_g128 fp16" "int4_gch int8_token" "int4_g32_asym mxint8")
per_layer=$(( 64 * 1024 * 256 / 16 ))
layers=$(( (cycles + per_layer - 1) / per_layer ))
{
  echo "version: 1"
  echo "model: soak, $layers layers of 64 x 1024 x 256"
  echo "seed: 1"
  echo "layers:"
  for (( i = 0; i < layers; ++i )); do
    read -r w a <<<"${pairs[i % ${#pairs[@]}]}"
    echo "  - {name: layer$i, m: 64, k: 1024, n: 256, weights: $w, activations: $a}"
  done
} >"$tmp/soak.yaml"

echo "soak: $layers layers of 64 x 1024 x 256 on $(basename "$config" .yaml), at least" \
  "$cycles cycles"
start=$(date +%s)
SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1 "$dir/mixpe" run --config "$config" --trace "$tmp/soak.yaml" \
  >"$tmp/run.txt" 2>"$tmp/run.err" &
pid=$!
# Samples: seconds, layers finished, VmRSS in KiB.
while kill -0 "$pid" 2>/dev/null; do
  rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || true)
  done_layers=$(grep -c '^layer[0-9]' "$tmp/run.txt" || true)
  [ -n "$rss" ] && echo "$(( $(date +%s) - start )) $done_layers $rss" >>"$tmp/rss.txt"
  sleep 2
done
status=0
wait "$pid" || status=$?
seconds=$(( $(date +%s) - start ))
if [ "$status" -ne 0 ] || ! grep -q '^total .*PASS' "$tmp/run.txt"; then
  echo "soak: the run failed (exit $status)"
  tail -n 20 "$tmp/run.txt" "$tmp/run.err"
  exit 1
fi
grep '^co-simulated' "$tmp/run.txt"
awk -v s="$seconds" '
  $2 >= 1 && first == "" { first = $3; first_t = $1 }
  { if ($3 > max) max = $3; last = $3; n++ }
  END {
    printf "resident memory (KiB), %d samples over %d s: after the first layer %d (at %d s), " \
           "largest %d, last %d; growth after the first layer %+d KiB\n",
           n, s, first, first_t, max, last, last - first }' "$tmp/rss.txt"
