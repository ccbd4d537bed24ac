#!/usr/bin/env bash
# Regenerates docs/results.md and its plots (docs/results/) from runs: every design of
# configs/reference/ on every trace of traces/reference/, costed by `mixpe compare` (the mapper and
# the analytical memory model), normalized to the FP16 design; the tables and plots are made from
# that run's CSV, nothing is copied from elsewhere. docs/baselines.md describes the designs.
# usage: scripts/results.sh [build-dir] [output-root]
#   make results runs it; the build dir (default build/) needs the mixpe target. The page goes to
#   <output-root>/docs/results.md (default: this repository), its files to docs/results/ beside it;
#   tests/results_page_test.sh regenerates it elsewhere and compares it with the committed one.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
mixpe=$build/mixpe
[ -x "$mixpe" ] || { echo "error: $mixpe not built (make build, or give the build dir)" >&2; exit 2; }
command -v gnuplot >/dev/null || { echo "error: gnuplot is missing (scripts/install-deps.sh)" >&2; exit 2; }

out_root=$(mkdir -p "${2:-$root}" && cd "${2:-$root}" && pwd)
cd "$root"
out=$out_root/docs/results
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The designs in the order of the tables and plots, the baseline first.
designs=(fp16_mac int8_mac bitfusion ant mixpe_w4a16 mixpe_w4a8)
models=(opt_6.7b llama2_13b vit_base vit_huge)
config_args=()
for d in "${designs[@]}"; do config_args+=(-c "configs/reference/$d.yaml"); done
trace_args=()
for m in "${models[@]}"; do trace_args+=(-t "traces/reference/$m.yaml"); done

start=$(date +%s)
"$mixpe" compare "${config_args[@]}" "${trace_args[@]}" --baseline configs/reference/fp16_mac.yaml \
  --csv "$tmp/reference.csv" --markdown "$tmp/reference.md" >/dev/null
seconds=$(( $(date +%s) - start ))
cp "$tmp/reference.csv" "$out/reference.csv"

# CSV columns (explore/compare.cc): 1 design, 2 config, 3 hardware, 4 pes, 5 model, 6 trace,
# 7 status, 8 cycles, 9 time_us, 10 energy_uJ, 11-15 its parts, 16 dram_bytes, 17 utilization,
# 18 time_vs_baseline, 19 energy_vs_baseline. No field of these files holds a comma.
csv=$out/reference.csv

# One gnuplot data block: a row per model, a column per design, of CSV column $1.
plot_data() {
  local column=$1
  awk -F, -v col="$column" '
    NR == 1 { next }
    { model = $5; sub(/ linear layers.*/, "", model)
      if (!(model in seen)) { seen[model] = 1; order[++n] = model }
      if (!($1 in dseen)) { dseen[$1] = 1; dorder[++nd] = $1 }
      v[model, $1] = $col }
    END {
      printf "model"; for (j = 1; j <= nd; ++j) printf " \"%s\"", dorder[j]; printf "\n"
      for (i = 1; i <= n; ++i) {
        printf "\"%s\"", order[i]
        for (j = 1; j <= nd; ++j) printf " %s", v[order[i], dorder[j]]
        printf "\n"
      } }' "$csv"
}

# bar_chart <column> <ylabel> <png>
bar_chart() {
  plot_data "$1" >"$tmp/data.txt"
  local ndesigns=${#designs[@]}
  gnuplot <<EOF
set terminal png size 1000,520 noenhanced
set output "$3"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set key outside right top
set grid ytics
set yrange [0:*]
set ylabel "$2"
set title "$2, per model (reference setup, analytical model)"
plot for [i=2:$((ndesigns + 1))] "$tmp/data.txt" using i:xtic(1) title columnheader(i)
EOF
}
bar_chart 18 "time normalized to FP16 (lower is better)" "$out/reference_time.png"
bar_chart 19 "energy normalized to FP16 (lower is better)" "$out/reference_energy.png"

# Geometric mean over the models of a CSV column, for one design.
geomean() {
  awk -F, -v design="$1" -v col="$2" '
    NR > 1 && $1 == design && $col != "" { s += log($col); n += 1 }
    END { if (n) printf "%.2f", exp(s / n); else printf "-" }' "$csv"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
best_speedup=0
best_baseline=
for d in FP16 INT8 BitFusion ANT; do
  g=$(geomean "$d" 18)
  if awk -v g="$g" -v b="$best_speedup" 'BEGIN { exit !(b == 0 || g < b) }'; then
    best_speedup=$g
    best_baseline=$d
  fi
done
mixpe_time=$(geomean MixPE-W4A8 18)
mixpe_energy=$(geomean MixPE-W4A8 19)
best_energy=$(geomean "$best_baseline" 19)

{
  cat <<EOF
# Results: MixPE against its baselines

This page is generated: \`make results\` (\`scripts/results.sh\`) runs every design of
\`configs/reference/\` on every trace of \`traces/reference/\` with \`mixpe compare\` and writes this
page, the plots and \`docs/results/reference.csv\` from that run (${#designs[@]} designs x ${#models[@]}
models). Do not edit it by hand. The designs and every assumption behind them are in
[baselines.md](baselines.md).

## Reference setup, analytical model

The MixPE authors' evaluation setup (Zhang et al., "MixPE", arXiv 2411.16158): each design at the
array size of their comparison, 500 MHz, a 1024-bit memory interface, 128 KiB of weight buffer,
256 KiB of activations and 128 KiB of outputs, double buffered; the fused QKV projection, the
attention output, FC1 and FC2 of OPT-6.7B, Llama2-13B, ViT-Base and ViT-Huge at a batch of 64
rows, every block; their per-PE power and SRAM and DRAM energies. Each layer is mapped (loop
order, blocks, K chunks) and costed by this project's analytical memory model, the one the
co-simulation is checked against (docs/memory-model.md). Weights are 4-bit groups of 128
(\`int4_g128\`) everywhere; activations are INT8 per token on the W4A8 designs and FP16 on FP16 and
MixPE-W4A16.

![time normalized to FP16](results/reference_time.png)

![energy normalized to FP16](results/reference_energy.png)

MixPE-W4A8 against the fastest baseline, ${best_baseline}, in geometric mean over the four
models: $(ratio "$best_speedup" "$mixpe_time")x the speed and $(ratio "$best_energy" "$mixpe_energy")x less
energy (the paper reports 2.6x and 1.4x over the state-of-the-art quantization accelerators).
EOF
  cat "$tmp/reference.md"
  cat <<'EOF'

### What decides these figures

- **Array size.** Every design's PEs complete one MAC a cycle except BitFusion (two at W4A8: 16
  two-bit bricks, a 4 x 8-bit product takes 8) and ANT (one every two cycles: a 4-bit PE takes an
  8-bit activation in two passes). The reference gives MixPE-W4A8 a 64 x 64 array against 32 x 32
  for INT8, so most of its lead is its four times as many PEs in what the authors take as the same
  area; this page's RTL-grounded section (to come with the RTL of the baselines) sizes the arrays
  from yosys area instead.
- **Dequantization.** MixPE dequantizes once per group of 128 after the integer sum; INT8 and FP16
  dequantize every weight before the MAC (energy per weight and per tile it enters); BitFusion and
  ANT pay the reference's extra GEMM of M x K x N/8 MACs per layer, 12.5% more work.
- **Memory.** With the reference's 128 and 256 KiB buffers a tile's K does not fit a half (32 FP16
  rows of K = 4096 are 256 KiB), so the mapper splits K into chunks and every tile reloads both
  operands: FP16 moves its activations once per N-tile. No layer is memory-bound at 1024 bits a
  cycle, but the traffic shows in the DRAM energy.
- **Energy.** The static 0.969 nJ a cycle is most of every design's energy, so energy follows time;
  the PE power is the reference's figure per precision pair, the same for a shift-and-add PE and a
  multiplier PE of that pair.
EOF
} >"$out_root/docs/results.md"
echo "wrote $out_root/docs/results.md and, in $out, reference.csv, reference_time.png," \
  "reference_energy.png (mixpe compare: ${seconds} s)"
