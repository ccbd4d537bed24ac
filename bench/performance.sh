#!/usr/bin/env bash
# mixpe's performance on the machine it runs on, every figure measured by this run
# (docs/performance.md):
#   1. array sizes: for each size, the Verilator build time of its core, and simulated cycles per
#      second of the bare Verilator harness and of the SystemC co-simulation on that same RTL, with
#      their ratio (bench/cosim_speed.cc; both checked bit for bit);
#   2. the analytical model against the co-simulation on every shipped trace, on the default
#      config: cycle and energy agreement, and how much faster the model is;
#   3. end to end: one LLaMA-2-7B decoder block (all its linear layers) at decode batch 1 and
#      batch 64 through the co-simulation, and a full LLaMA-2-7B prefill (sequence 2048) through
#      the analytical model: wall time and peak memory of the `mixpe run` process;
#   4. a 1000-point sweep over LLaMA-2-7B's layers with the mapper and the analytical model
#      (configs/spaces/llama2_7b_1000.yaml): wall time and peak memory.
#
# usage: bench/performance.sh [--build DIR] [--sizes "16 32 64"] [--rebuild] [--quick]
#   --build    the build directory (default build/); the extra cores are built in it
#   --sizes    square array sizes of section 1
#   --rebuild  verilate and compile each size's core from scratch, so that build_s is the whole
#              build (otherwise it is what is left to build: the whole build on a fresh build
#              directory, about nothing on a second run)
#   --quick  section 2 on traces/*.yaml only (the batch-64 reference traces of traces/reference/
#            take most of an hour to co-simulate on the default 16x16 core), section 3 without
#            decode batch 64
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

build=build
sizes="16 32 64"
quick=0
rebuild=0
while [ $# -gt 0 ]; do
  case $1 in
    --build) build=$2; shift 2 ;;
    --sizes) sizes=$2; shift 2 ;;
    --quick) quick=1; shift ;;
    --rebuild) rebuild=1; shift ;;
    *) echo "usage: bench/performance.sh [--build DIR] [--sizes \"16 32 64\"] [--rebuild] [--quick]" >&2
       exit 2 ;;
  esac
done
command -v /usr/bin/time >/dev/null || { echo "error: GNU time is missing (make deps)" >&2; exit 2; }

work=$(cd "$build" 2>/dev/null && pwd)/bench || { echo "error: $build: no build directory" >&2; exit 2; }
mkdir -p "$work"
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1

# Wall seconds and peak resident KiB of a command, as "<seconds> <KiB>"; its output goes to $1.
measure() {
  local out=$1
  shift
  /usr/bin/time -f "%e %M" -o "$work/time.txt" "$@" >"$out" 2>&1 || {
    echo "error: '$*' failed; its output:" >&2
    tail -20 "$out" >&2
    exit 1
  }
  cat "$work/time.txt"
}

# Floating-point arithmetic on its argument, e.g. calc "3 / 2".
calc() { awk "BEGIN { print $1 }"; }

# --- the extra cores: one hardware YAML per array size ----------------------------------------
# The default config with its array resized; the energy table's relative path is made absolute.
configs=()
for s in $sizes; do
  cfg=$work/array_${s}x${s}.yaml
  sed -e "s/^\(  rows: *\)[0-9]*/\1$s/" -e "s/^\(  cols: *\)[0-9]*/\1$s/" \
      -e "s/^name: .*/name: mixpe-w4a16-${s}x${s}-bench/" \
      -e "s|^energy: *\([^ ]*\)|energy: $root/configs/\1|" configs/default.yaml >"$cfg"
  # A layer of ~16k x K / size cycles that fills the array: M = size rows, N = 16384 / size.
  cat >"$work/speed_${s}x${s}.yaml" <<EOF
version: 1
model: one full-array layer for bench/performance.sh
seed: 2024
layers:
  - {name: speed, m: $s, k: 4096, n: $((16384 / s))}
EOF
  configs+=("$cfg")
done
config_list=$(IFS=';'; echo "${configs[*]}")
cmake -S . -B "$build" -DMIXPE_BENCH_CONFIGS="$config_list" >/dev/null
cmake --build "$build" -j "$(nproc)" --target mixpe >/dev/null

echo "# mixpe performance on $(nproc) cores of $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
echo "# $(date -u +%Y-%m-%dT%H:%MZ), commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
echo
echo "## 1. Array sizes: Verilator build, bare harness and co-simulation"
echo "The core of configs/default.yaml resized, without waveform support; one layer filling the"
echo "array (M = rows, K = 4096, N = 16384 / cols); the best of 3 alternating runs of each."
echo
printf "%-6s %12s %16s %16s %7s %s\n" array "build_s" "bare_cycles/s" "cosim_cycles/s" ratio check
for s in $sizes; do
  tag=array_${s}x${s}
  [ "$rebuild" = 0 ] || rm -rf "$build/verilated/bench_core_${tag}"
  start=$(date +%s.%N)
  cmake --build "$build" -j "$(nproc)" --target "bench_core_${tag}_rtl" >/dev/null
  end=$(date +%s.%N)
  cmake --build "$build" -j "$(nproc)" --target "mixpe_bench_cosim_speed_${tag}" >/dev/null
  "$build/mixpe_bench_cosim_speed_${tag}" "$work/speed_${s}x${s}.yaml" speed 3 >"$work/$tag.txt" ||
    { cat "$work/$tag.txt" >&2; echo "error: the ${s}x${s} speed run failed" >&2; exit 1; }
  best=$(grep '^best:' "$work/$tag.txt")
  bare=$(sed -E 's/.*bare harness ([0-9]+) cycles.*/\1/' <<<"$best")
  cosim=$(sed -E 's/.*co-simulation ([0-9]+) cycles.*/\1/' <<<"$best")
  ratio=$(sed -E 's/.*ratio ([0-9.]+).*/\1/' <<<"$best")
  check=$(grep -q MISMATCH "$work/$tag.txt" && echo MISMATCH || echo bit-exact)
  printf "%-6s %12.0f %16s %16s %7s %s\n" "${s}x${s}" "$(calc "$end - $start")" "$bare" \
    "$cosim" "$ratio" "$check"
done
echo "(build_s: verilating the core and compiling its C++ at -O1; from scratch on a fresh build"
echo " directory or with --rebuild, else only what changed)"

echo
echo "## 2. Analytical model against co-simulation, every shipped trace (configs/default.yaml)"
echo "cycles and energy: the co-simulation's totals and the model's difference from them; speed:"
echo "the co-simulation's wall time over the model's (each as its run prints it)."
echo
printf "%-44s %12s %9s %12s %9s %10s %10s %9s\n" trace cosim_cycles cyc_diff cosim_uJ e_diff \
  cosim_s model_s speedup
traces=(traces/*.yaml)
[ "$quick" = 1 ] || traces+=(traces/reference/*.yaml)
for t in "${traces[@]}"; do
  measure "$work/cosim.txt" "$build/mixpe" run --trace "$t" --csv "$work/cosim.csv" >/dev/null
  measure "$work/model.txt" "$build/mixpe" run --trace "$t" --fast >/dev/null
  cosim_s=$(sed -nE 's/^co-simulated [0-9]+ cycles in ([0-9.]+) s.*/\1/p' "$work/cosim.txt")
  model_s=$(sed -nE 's/^analytical model: .* in ([0-9.]+) s.*/\1/p' "$work/model.txt")
  awk -F, -v t="$t" -v cs="$cosim_s" -v ms="$model_s" '
    NR == 1 { for (i = 1; i <= NF; ++i) col[$i] = i; next }
    $1 == "total" {
      c = $col["cycles"]; mc = $col["model_cycles"]; e = $col["energy_uJ"]; me = $col["model_energy_uJ"]
      # Totals print with %.0f: %d in mawk stops at 2^31 - 1; a batch-64 trace passes 3 G cycles.
      # A model run under the printed resolution counts as 0.0005 s: the speedup is then a bound.
      speedup = sprintf("%s%.0fx", ms < 0.0005 ? ">" : "", cs / (ms > 0.0005 ? ms : 0.0005))
      printf "%-44s %12.0f %+8.3f%% %12.1f %+8.3f%% %10.2f %10.3f %9s%s\n", t, c,
             100 * (mc - c) / c, e, 100 * (me - e) / e, cs, ms, speedup,
             $col["bit_exact"] == "PASS" ? "" : "  (" $col["bit_exact"] ")"
    }' "$work/cosim.csv"
done

echo
echo "## 3. End to end: LLaMA-2-7B (traces/hf/llama2_7b.json), configs/default.yaml"
echo "A trace's layers occur 32 times (one per block) and are co-simulated once: one decoder block."
echo
printf "%-52s %14s %10s %12s %14s\n" run "sim_cycles" wall_s peak_MiB "cycles/s"
block() {  # <label> <trace args...>: one block through the co-simulation
  local label=$1
  shift
  "$build/mixpe" trace --hf-config traces/hf/llama2_7b.json "$@" -o "$work/e2e.yaml" \
    >"$work/trace.txt" 2>&1 || { cat "$work/trace.txt" >&2; exit 1; }
  read -r wall rss < <(measure "$work/e2e.txt" "$build/mixpe" run --trace "$work/e2e.yaml" \
                         --csv "$work/e2e.csv")
  cycles=$(awk -F, 'NR > 1 && $1 != "total" { s += $8 } END { printf "%.0f", s }' "$work/e2e.csv")
  printf "%-52s %14d %10.1f %12.1f %14.0f\n" "$label" "$cycles" "$wall" "$(calc "$rss / 1024")" \
    "$(calc "$cycles / $wall")"
}
# The block block() wrote last, its layers spread over the cores: one `mixpe run --layer` process
# per layer, as many at once as there are cores, the longest first by the analytical model (as
# scripts/results.sh runs its layers). Peak memory: the largest process's.
block_split() {  # <label>
  "$build/mixpe" run --trace "$work/e2e.yaml" --fast --csv "$work/split_order.csv" >/dev/null
  local order
  order=$(awk -F, 'NR > 1 && $1 != "total" { print $8, $1 }' "$work/split_order.csv" |
          sort -rn | cut -d' ' -f2)
  rm -f "$work"/split_*.layer.csv "$work"/split_*.mem
  local start end
  start=$(date +%s.%N)
  printf '%s\n' $order | xargs -P "$(nproc)" -I{} /usr/bin/time -f %M -o "$work/split_{}.mem" \
    "$build/mixpe" run --trace "$work/e2e.yaml" --layer {} --csv "$work/split_{}.layer.csv" \
    >"$work/split.txt" 2>&1 || { tail -20 "$work/split.txt" >&2; exit 1; }
  end=$(date +%s.%N)
  cycles=$(cat "$work"/split_*.layer.csv | awk -F, '$1 != "layer" && $1 != "total" { s += $8 }
                                              END { printf "%.0f", s }')
  rss=$(sort -n "$work"/split_*.mem | tail -1)
  wall=$(calc "$end - $start")
  printf "%-52s %14d %10.1f %12.1f %14.0f\n" "$1" "$cycles" "$wall" "$(calc "$rss / 1024")" \
    "$(calc "$cycles / $wall")"
}
block "decoder block, decode batch 1, co-simulation" --phase decode --batch 1 --seq-len 2048
block_split "  the same, one process per layer, $(nproc) at a time"
if [ "$quick" = 0 ]; then
  block "decoder block, decode batch 64, co-simulation" --phase decode --batch 64 --seq-len 2048
  block_split "  the same, one process per layer, $(nproc) at a time"
fi
"$build/mixpe" trace --hf-config traces/hf/llama2_7b.json --phase prefill --batch 1 \
  --seq-len 2048 -o "$work/prefill.yaml" >"$work/trace.txt" 2>&1 ||
  { cat "$work/trace.txt" >&2; exit 1; }
read -r wall rss < <(measure "$work/prefill.txt" "$build/mixpe" run --trace "$work/prefill.yaml" \
                       --fast --csv "$work/prefill.csv")
cycles=$(awk -F, '$1 == "total" { print $8 }' "$work/prefill.csv")
printf "%-52s %14s %10.2f %12.1f %14s\n" "full model, prefill seq 2048, analytical model" \
  "$cycles" "$wall" "$(calc "$rss / 1024")" "-"
echo "(sim_cycles: the co-simulated cycles of one block; for the prefill, the model's cycles of"
echo " all 32 blocks)"

echo
echo "## 4. Design-space sweep: configs/spaces/llama2_7b_1000.yaml, mapper and analytical model"
echo
mkdir -p "$work/sweep"
read -r wall rss < <(measure "$work/sweep.txt" "$build/mixpe" sweep configs/spaces/llama2_7b_1000.yaml \
                       -o "$work/sweep" --no-plot -j "$(nproc)")
points=$(($(wc -l <"$work/sweep/sweep.csv") - 1))
printf "%d points in %.1f s (%.1f ms a point), peak %.1f MiB, %d threads\n" "$points" "$wall" \
  "$(calc "1000 * $wall / $points")" "$(calc "$rss / 1024")" "$(nproc)"
