#!/usr/bin/env bash
# Regenerates docs/results.md and its files (docs/results/) from runs, nothing copied from elsewhere:
# - the reference setup: every design of configs/reference/ on every trace of traces/reference/,
#   costed by `mixpe compare` (the mapper and the analytical memory model), normalized to FP16;
# - the RTL-grounded comparison: the yosys area table (synth/area.sh --csv), the designs with RTL
#   sized to the FP16 design's core area (`mixpe iso-area`), each built (its RTL verilated) and
#   co-simulated on every trace (`mixpe run`), cycles from the co-simulation, energy from its
#   counted events; beside each, the analytical model's figures for the same config.
# docs/baselines.md describes the designs and every assumption.
# usage: scripts/results.sh [--build DIR] [--out DIR] [--rtl-from DIR | --no-rtl] [--fresh]
#                           [--jobs N] [--models LIST]
#   --build    where mixpe is built (default build/) and the designs' builds go (DIR/results-*)
#   --out      write <out>/docs/results.md and <out>/docs/results/ (default: this repository)
#   --rtl-from take the RTL-grounded figures from an earlier run's docs/results directory (its area
#              table, sizing and kept runs, summed as they are, whatever their digests) instead of
#              synthesizing and co-simulating (hours on two cores); tests/results_page_test.sh
#              regenerates the page that way from the committed docs/results
#   --jobs     co-simulate this many layers at once (default: the number of cores)
# The co-simulation runs layer by layer, longest first, each layer's figures kept beside the page
# (docs/results/runs/<design>/<model>/<layer>.csv) with a digest of everything that decides them
# (the sized config and its energy table, the trace, and the sources under rtl/, sim/, model/,
# compiler/ and app/); the synthesis likewise keeps its area table with the digest of rtl/ and
# synth/. So an interrupted run, started again, resumes where it stopped, a change to any of those
# inputs redoes what it affects, and the kept runs, committed, let a run span several machines.
#   --fresh    forget every kept run and redo the synthesis and all co-simulations
#   --no-rtl   leave the RTL-grounded comparison out (the page says so)
#   --models   only these traces of traces/reference/ (comma-separated names, e.g. vit_base), for a
#              quick look
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build
out_root=$root
rtl_from=
jobs=$(nproc)
only_models=()
no_rtl=0
fresh=0
while [ $# -gt 0 ]; do
  case $1 in
    --build) build=$(cd "$2" && pwd); shift 2 ;;
    --out) mkdir -p "$2"; out_root=$(cd "$2" && pwd); shift 2 ;;
    --rtl-from) rtl_from=$(cd "$2" && pwd); shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    --models) IFS=, read -r -a only_models <<<"$2"; shift 2 ;;
    --no-rtl) no_rtl=1; shift ;;
    --fresh) fresh=1; shift ;;
    *) echo "usage: scripts/results.sh [--build DIR] [--out DIR] [--rtl-from DIR | --no-rtl]" \
         "[--fresh] [--jobs N] [--models LIST]" >&2
       exit 2 ;;
  esac
done
mixpe=$build/mixpe
[ -x "$mixpe" ] || { echo "error: $mixpe not built (make build, or give --build)" >&2; exit 2; }
command -v gnuplot >/dev/null || { echo "error: gnuplot is missing (scripts/install-deps.sh)" >&2; exit 2; }

cd "$root"
out=$out_root/docs/results
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The designs in the order of the tables and plots, the baseline first.
designs=(fp16_mac int8_mac bitfusion ant mixpe_w4a16 mixpe_w4a8)
models=(opt_6.7b llama2_13b vit_base vit_huge)
[ ${#only_models[@]} -eq 0 ] || models=("${only_models[@]}")
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

# bar_chart <csv> <header lines> <design column> <model column> <value column> <ylabel> <what>
#           <png>: clustered bars of the CSV's values, a group per model, a bar per design.
bar_chart() {
  awk -F, -v skip="$2" -v dc="$3" -v mc="$4" -v vc="$5" '
    NR <= skip { next }
    { model = $mc; sub(/ linear layers.*/, "", model)
      if (!(model in seen)) { seen[model] = 1; order[++n] = model }
      if (!($dc in dseen)) { dseen[$dc] = 1; dorder[++nd] = $dc }
      v[model, $dc] = $vc }
    END {
      printf "model"; for (j = 1; j <= nd; ++j) printf " \"%s\"", dorder[j]; printf "\n"
      for (i = 1; i <= n; ++i) {
        printf "\"%s\"", order[i]
        for (j = 1; j <= nd; ++j) printf " %s", v[order[i], dorder[j]]
        printf "\n"
      } }' "$1" >"$tmp/data.txt"
  local ndesigns
  ndesigns=$(awk -F, -v skip="$2" -v dc="$3" 'NR > skip && !seen[$dc]++ { n++ } END { print n }' "$1")
  gnuplot <<EOF
set terminal png size 1000,520 noenhanced
set output "$8"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set key outside right top
set grid ytics
set yrange [0:*]
set offsets 0, 0, graph 0.05, 0
set ylabel "$6"
set title "$6, per model\n$7"
plot for [i=2:$((ndesigns + 1))] "$tmp/data.txt" using i:xtic(1) title columnheader(i)
EOF
}
bar_chart "$csv" 1 1 5 18 "time normalized to FP16 (lower is better)" \
  "reference setup, analytical model" "$out/reference_time.png"
bar_chart "$csv" 1 1 5 19 "energy normalized to FP16 (lower is better)" \
  "reference setup, analytical model" "$out/reference_energy.png"

# --- The RTL-grounded comparison --------------------------------------------------------------
rtl_designs=(fp16_mac int8_mac mixpe_w4a16 mixpe_w4a8)
rtl_csv=$out/rtl.csv
pes_of() {  # <config>: rows x cols of its array
  awk '/^array:/ { a = 1 } a && /rows:/ { r = $2 } a && /cols:/ { c = $2; exit }
       END { print r * c }' "$1"
}
layers_of() {  # <trace>: its layers' names
  sed -nE 's/^ *- *\{ *name: *([^,} ]+).*/\1/p' "$1"
}
# Where the sized configs and the kept runs are.
configs_dir=$out/rtl_configs
runs_root=$out/runs
if [ "$no_rtl" = 1 ]; then
  :
elif [ -n "$rtl_from" ]; then
  if [ "$rtl_from" != "$out" ]; then
    cp "$rtl_from/iso_area.md" "$rtl_from/area_table.csv" "$out/"
  fi
  configs_dir=$rtl_from/rtl_configs
  runs_root=$rtl_from/runs
else
  # Transistors of every unit, then every design sized to the FP16 design's core area.
  [ "$fresh" = 0 ] || rm -rf "$runs_root"
  mkdir -p "$runs_root"
  area_digest=$(find rtl synth -type f | LC_ALL=C sort | xargs cat | sha256sum | cut -d' ' -f1)
  if [ -f "$out/area_table.csv" ] &&
     [ "$(cat "$runs_root/area_table.digest" 2>/dev/null)" = "$area_digest" ]; then
    echo "area table: kept from an earlier run (docs/results/area_table.csv)" >&2
  else
    bash synth/area.sh --csv "$tmp/area_table.csv"
    mv "$tmp/area_table.csv" "$out/area_table.csv"
    echo "$area_digest" >"$runs_root/area_table.digest"
  fi
  iso_args=()
  for d in "${rtl_designs[@]}"; do iso_args+=(-c "configs/reference/$d.yaml"); done
  # Paths relative to the repository, so that the page names no machine's directories.
  rel_out=$(realpath --relative-to="$root" "$out")
  "$mixpe" iso-area "${iso_args[@]}" --anchor configs/reference/fp16_mac.yaml \
    --area "$rel_out/area_table.csv" -o "$rel_out/rtl_configs" >"$out/iso_area.md"
  sources_digest=$(find rtl sim model compiler app -type f | LC_ALL=C sort | xargs cat |
                   sha256sum | cut -d' ' -f1)
  macs_of() {  # <trace> <layer>: its m x k x n
    sed -nE "s/^ *- *\{ *name: *$2[ ,].*[ {,]m: *([0-9]+).*[ ,]k: *([0-9]+).*[ ,]n: *([0-9]+).*/\1 \2 \3/p" \
      "$1" | awk '{ printf "%.0f\n", $1 * $2 * $3 }'
  }
  digest_of() {  # <config> <trace>: what decides a layer's co-simulated figures
    cat "$1" "$out"/rtl_configs/energy/* "$2" <(echo "$sources_digest") | sha256sum | cut -d' ' -f1
  }
  # The layers not kept, each with its MACs per PE, longest first, so that the cores finish
  # together and an interrupted run loses the shortest layers.
  for d in "${rtl_designs[@]}"; do
    cfg=$out/rtl_configs/$d.yaml
    pes=$(pes_of "$cfg")
    for m in "${models[@]}"; do
      trace=traces/reference/$m.yaml
      digest=$(digest_of "$cfg" "$trace")
      for layer in $(layers_of "$trace"); do
        kept=$runs_root/$d/$m/$layer
        if [ -f "$kept.csv" ] && [ "$(cat "$kept.digest" 2>/dev/null)" = "$digest" ]; then
          continue
        fi
        echo "$(macs_of "$trace" "$layer") $pes $d $m $layer"
      done
    done
  done | awk '{ printf "%.0f %s %s %s\n", $1 / $2, $3, $4, $5 }' | sort -k1,1nr >"$tmp/queue.txt"
  total=$(wc -l <"$tmp/queue.txt")
  # One build per design with layers to run: its RTL verilated for its array, without waveform
  # support (its generated C++ compiles in about half the time).
  for d in $(cut -d' ' -f2 "$tmp/queue.txt" | sort -u); do
    echo "building the $d design (docs/results/rtl_configs/$d.yaml)" >&2
    cmake -S "$root" -B "$build/results-$d" -DCMAKE_BUILD_TYPE=Release \
      -DMIXPE_CONFIG="$out/rtl_configs/$d.yaml" -DMIXPE_WAVES=OFF >/dev/null
    cmake --build "$build/results-$d" -j "$jobs" --target mixpe >/dev/null
  done
  echo "$total layers to co-simulate, $jobs at a time" >&2
  # Co-simulates one layer into <runs>/<design>/<model>/<layer>.csv, with its digest beside it.
  run_layer() {  # <design> <model> <layer>
    local cfg=$out/rtl_configs/$1.yaml trace=traces/reference/$2.yaml
    local csv=$tmp/$1.$2.$3.csv
    "$build/results-$1/mixpe" run --config "$cfg" --trace "$trace" --layer "$3" --csv "$csv" \
      >"$csv.txt" || { cat "$csv.txt" >&2; return 1; }
    mkdir -p "$runs_root/$1/$2"
    mv "$csv" "$runs_root/$1/$2/$3.csv"
    digest_of "$cfg" "$trace" >"$runs_root/$1/$2/$3.digest"
  }
  running=0
  started=0
  while read -r _ d m layer; do
    started=$((started + 1))
    echo "co-simulating $d on $m, layer $layer ($started of $total)" >&2
    run_layer "$d" "$m" "$layer" &
    running=$((running + 1))
    if [ "$running" -ge "$jobs" ]; then
      wait -n || { echo "error: a co-simulation failed" >&2; exit 1; }
      running=$((running - 1))
    fi
  done <"$tmp/queue.txt"
  while [ "$running" -gt 0 ]; do
    wait -n || { echo "error: a co-simulation failed" >&2; exit 1; }
    running=$((running - 1))
  done
fi

if [ "$no_rtl" = 0 ]; then
  # Every design's kept runs, a row per model: the layers' total rows summed, by column name
  # (sim/cosim/cosim_report.cc, docs/cosim.md).
  echo "design,config,pes,model,trace,cycles,model_cycles,energy_uJ,model_energy_uJ,bit_exact" \
    >"$tmp/rtl.csv"
  for d in "${rtl_designs[@]}"; do
    cfg=$configs_dir/$d.yaml
    name=$(sed -n 's/^name: *//p' "$cfg")
    pes=$(pes_of "$cfg")
    for m in "${models[@]}"; do
      trace=traces/reference/$m.yaml
      model=$(sed -n 's/^model: *//p' "$trace")
      for layer in $(layers_of "$trace"); do
        [ -f "$runs_root/$d/$m/$layer.csv" ] || {
          echo "error: no kept run of $d on $trace, layer $layer, in $runs_root" >&2; exit 1; }
      done
      for layer in $(layers_of "$trace"); do cat "$runs_root/$d/$m/$layer.csv"; done |
        awk -F, -v d="$name" -v c="configs/reference/$d.yaml" -v p="$pes" -v mo="$model" \
            -v t="$trace" '
          $1 == "layer" { for (i = 1; i <= NF; ++i) col[$i] = i; next }
          $1 == "total" { cy += $col["cycles"]; mc += $col["model_cycles"]
                          e += $col["energy_uJ"]; me += $col["model_energy_uJ"]
                          if ($col["bit_exact"] != "PASS") ok = $col["bit_exact"] }
          END { printf "%s,%s,%s,%s,%s,%.0f,%.0f,%.6f,%.6f,%s\n", d, c, p, mo, t, cy, mc, e, me,
                       ok == "" ? "PASS" : ok }' >>"$tmp/rtl.csv"
    done
  done
  cp "$tmp/rtl.csv" "$rtl_csv"

# The RTL-grounded figures per model and design, normalized to FP16 on the same model: columns
# design, model, pes, time (ms), time / FP16, energy (mJ), energy / FP16, cycles against the
# analytical model (%), energy against it (%), bit-exact. 500 MHz throughout.
awk -F, 'NR == 1 { next }
  { n++; d[n] = $1; mo[n] = $4; p[n] = $3; cy[n] = $6; mc[n] = $7; e[n] = $8; me[n] = $9
    ok[n] = $10; if ($1 ~ /^FP16/) { bc[$4] = $6; be[$4] = $8 } }
  END { for (i = 1; i <= n; ++i)
          printf "%s,%s,%s,%.3f,%.3f,%.3f,%.3f,%+.2f,%+.2f,%s\n", d[i], mo[i], p[i],
                 cy[i] / 500e3, cy[i] / bc[mo[i]], e[i] * 1e-3, e[i] / be[mo[i]],
                 100 * (cy[i] - mc[i]) / mc[i], 100 * (e[i] - me[i]) / me[i], ok[i] }' \
  "$rtl_csv" >"$tmp/rtl_rows.csv"

bar_chart "$tmp/rtl_rows.csv" 0 1 2 5 "time normalized to FP16 (lower is better)" \
  "RTL-grounded: iso-area arrays, co-simulated" "$out/rtl_time.png"
bar_chart "$tmp/rtl_rows.csv" 0 1 2 7 "energy normalized to FP16 (lower is better)" \
  "RTL-grounded: iso-area arrays, co-simulated" "$out/rtl_energy.png"
fi

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
  area; the RTL-grounded comparison below sizes the arrays from yosys area instead.
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

# --- The page's RTL-grounded sections ----------------------------------------------------------
if [ "$no_rtl" = 1 ]; then
  cat >>"$out_root/docs/results.md" <<'EOF'

## RTL-grounded comparison

Not generated in this run (`scripts/results.sh --no-rtl`): it synthesizes every unit with yosys,
sizes the designs that exist in RTL to the FP16 design's core area, builds each and co-simulates
every trace, several hours on two cores (the iso-area FP16 and INT8 arrays simulate a few thousand
cycles per second, docs/performance.md); an interrupted run resumes layer by layer. `make results`
runs it.
EOF
else
  geo() {  # geometric mean of rtl_rows.csv column $2 for design $1
    awk -F, -v d="$1" -v c="$2" '$1 == d { s += log($c); n++ } END { printf "%.3f", exp(s / n) }' \
      "$tmp/rtl_rows.csv"
  }
  # The sized cores by part, from the area table: the PE, the column unit (with the weight
  # dequantizer each baseline column carries), and the FP16 aligner MixPE-W4A16's core shares;
  # their sum checked against the core transistors `mixpe iso-area` reports (CoreAreaOf,
  # explore/area_table.cc), so that this table cannot drift from the sizing.
  core_parts() {
    transistors_of() {  # <unit,weight_bits,activation_bits,fp4,acc_bits,rows>
      awk -F, -v k="$1" '{ key = $1; for (i = 2; i <= 6; ++i) key = key "," $i }
                         key == k { print $7; found = 1 } END { exit !found }' \
        "$out/area_table.csv" || { echo "error: no '$1' in the area table" >&2; exit 1; }
    }
    grep -E '^\| [^|]+ \| [0-9]+x[0-9]+ \|' "$out/iso_area.md" |
      while IFS='|' read -r _ name array _ core _ cfg _; do
        name=$(echo $name)
        rows=${array%x*}; rows=${rows// /}
        cols=${array#*x}; cols=${cols// /}
        shared=0
        case $(basename "${cfg//[\` ]/}" .yaml) in
          fp16_mac) pe=$(transistors_of pe_fp16_mac,16,16,0,32,)
                    column=$(( $(transistors_of fp16_column,,,,32,"$rows") +
                               $(transistors_of weight_to_fp16,4,,,,) )) ;;
          int8_mac) pe=$(transistors_of pe_multiplier,8,8,0,32,)
                    column=$(( $(transistors_of int8_column,,,,32,"$rows") +
                               $(transistors_of weight_expand_int8,4,,,,) )) ;;
          mixpe_w4a16) pe=$(transistors_of pe,4,16,0,32,)
                       column=$(transistors_of mixpe_column,4,,,32,"$rows")
                       shared=$(transistors_of fp16_align,,16,,,) ;;
          mixpe_w4a8) pe=$(transistors_of pe,4,8,0,32,)
                      column=$(transistors_of mixpe_column,4,,,32,"$rows") ;;
          *) echo "error: no parts known for $cfg" >&2; exit 1 ;;
        esac
        total=$((rows * cols * pe + cols * column + shared))
        if [ "$total" != "$(echo $core)" ]; then
          echo "error: $name: its parts sum to $total transistors, iso-area reports $core" >&2
          exit 1
        fi
        awk -v n="$name" -v a="${rows}x$cols" -v r="$rows" -v c="$cols" -v pe="$pe" \
            -v col="$column" -v sh="$shared" -v t="$total" 'BEGIN {
          printf "| %s | %s | %d | %d | %.2f | %d | %.1f%% | %.1f%% |\n", n, a, pe, col,
                 col / (r * pe), sh, 100 * r * c * pe / t, 100 * (c * col + sh) / t }'
      done
  }
  ref_geo() {  # the reference setup's geometric mean of reference.csv column $2 for design $1
    awk -F, -v d="$1" -v c="$2" 'NR > 1 && $1 == d { s += log($c); n++ }
      END { printf "%.3f", exp(s / n) }' "$csv"
  }
  {
    cat <<EOF

## RTL-grounded comparison

The designs that exist in RTL (FP16, INT8, MixPE-W4A16, MixPE-W4A8), each sized to the core area
of the FP16 design's 32 x 28 array, counted in transistors by yosys (\`synth/area.sh --csv\`, a
generic-cell proxy: [area.md](area.md)), rows kept and columns added or removed
(\`mixpe iso-area\`); their PE energy is the reference's 16/16-bit PE energy scaled by each PE's
transistors. Every layer is co-simulated (the RTL under Verilator, the DRAM, buffers and NoC in
SystemC), its outputs checked bit for bit against the design's golden model, its energy the counted
events priced by the design's table. The sized configs are in \`docs/results/rtl_configs/\`, every
layer's kept run in \`docs/results/runs/\` and the figures below in \`docs/results/rtl.csv\`.

EOF
    cat "$out/iso_area.md" | sed -n '/^|/p'
    cat <<EOF

What fills each core, in transistors: its PEs, a column unit per column (MixPE's per-group
dequantization with the column's registers; the baselines' column unit with the weight dequantizer
that feeds the column, FP16 conversion or INT8 expansion), and MixPE-W4A16's FP16 aligner, one for
the core:

| design | array | PE | column unit | column unit / a column of PEs | shared | PEs | column units and shared |
|---|---|---|---|---|---|---|---|
EOF
    core_parts | tee "$tmp/core_parts.md"
    cat <<EOF

![time normalized to FP16, RTL-grounded](results/rtl_time.png)

![energy normalized to FP16, RTL-grounded](results/rtl_energy.png)

| model | design | PEs | time (ms) | time / FP16 | energy (mJ) | energy / FP16 | bit-exact |
|---|---|---|---|---|---|---|---|
EOF
    awk -F, '{ printf "| %s | %s | %s | %s | %s | %s | %s | %s |\n", $2, $1, $3, $4, $5, $6, $7,
               $10 }' "$tmp/rtl_rows.csv"
    cat <<EOF

Geometric means over the models:

| design | time / FP16 | speedup | energy / FP16 | energy saving |
|---|---|---|---|---|
EOF
    for d in $(cut -d, -f1 "$tmp/rtl_rows.csv" | awk '!seen[$0]++' | tr ' ' '~'); do
      d=${d//\~/ }
      t=$(geo "$d" 5)
      e=$(geo "$d" 7)
      echo "| $d | $t | $(ratio 1 "$t")x | $e | $(ratio 1 "$e")x |"
    done
    cat <<EOF

## Where the RTL-grounded figures differ from the analytical ones, and why

| design | reference setup: time / FP16 | RTL-grounded: time / FP16 | reference: energy / FP16 | RTL-grounded: energy / FP16 | co-simulation against the analytical model, same config: cycles, energy (largest over the models) |
|---|---|---|---|---|---|
EOF
    for d in FP16 INT8 MixPE-W4A16 MixPE-W4A8; do
      rd="$d iso-area"
      worst=$(awk -F, -v d="$rd" '$1 == d { c = $8 < 0 ? -$8 : $8; e = $9 < 0 ? -$9 : $9
                 if (c > mc) { mc = c; sc = $8 } if (e > me) { me = e; se = $9 } }
               END { printf "%+.2f%%, %+.2f%%", sc, se }' "$tmp/rtl_rows.csv")
      echo "| $d | $(ref_geo "$d" 18) | $(geo "$rd" 5) | $(ref_geo "$d" 19) | $(geo "$rd" 7) | $worst |"
    done
    part() {  # <design> <column of core_parts.md>
      awk -F'|' -v d="$1 iso-area" -v c="$(($2 + 1))" '{ n = $2; gsub(/^ +| +$/, "", n) }
        n == d { v = $c; gsub(/[ %]/, "", v); print v }' "$tmp/core_parts.md"
    }
    pes() { awk -F, -v d="$1 iso-area" '$1 == d { print $3; exit }' "$tmp/rtl_rows.csv"; }
    ref_pes() { awk -F, -v d="$1" 'NR > 1 && $1 == d { print $4; exit }' "$csv"; }
    lead() {  # <slower> <faster>: the faster design's speedup, reference setup then RTL-grounded
      echo "$(ratio "$(ref_geo "$1" 18)" "$(ref_geo "$2" 18)")x" \
           "$(ratio "$(geo "$1 iso-area" 5)" "$(geo "$2 iso-area" 5)")x"
    }
    read -r w4a8_ref w4a8_rtl < <(lead INT8 MixPE-W4A8)
    read -r w4a16_ref w4a16_rtl < <(lead FP16 MixPE-W4A16)
    trend() { awk -v a="${1%x}" -v b="${2%x}" 'BEGIN { print (b > a ? "grows" : "falls") }'; }
    cat <<EOF

The like-for-like pairs run the same activations: INT8 and MixPE-W4A8 (8-bit), FP16 and
MixPE-W4A16 (16-bit). INT8 against MixPE-W4A16 compares 8-bit activations with 16-bit ones.

- **Array sizes.** The reference gives each design an array of the authors' estimate: MixPE-W4A8
  $(ref_pes MixPE-W4A8) PEs, $(ratio "$(ref_pes MixPE-W4A8)" "$(ref_pes INT8)")x INT8's $(ref_pes INT8). Sized by yosys, MixPE-W4A8 fits $(pes MixPE-W4A8) PEs
  against INT8's $(pes INT8), $(ratio "$(pes MixPE-W4A8)" "$(pes INT8)")x. Its shift-and-add PE is
  $(ratio "$(part MixPE-W4A8 3)" "$(part INT8 3)")x the INT8 multiplier PE's transistors, but its
  column unit, the per-group dequantization (integer-to-FP32 conversion, FP32 multiply and add)
  with the column's registers, costs $(part MixPE-W4A8 5) of a column of its PEs,
  $(part MixPE-W4A8 8)% of its core (the table above). So its lead over INT8
  $(trend "$w4a8_ref" "$w4a8_rtl") from ${w4a8_ref} in the reference setup to ${w4a8_rtl}.
  MixPE-W4A16's lead over FP16 $(trend "$w4a16_ref" "$w4a16_rtl") from ${w4a16_ref} to ${w4a16_rtl}: the FP16 MAC PE is
  $(ratio "$(part FP16 3)" "$(part MixPE-W4A16 3)")x MixPE-W4A16's PE, and its column unit is
  only $(part FP16 5) of a column of its PEs.
EOF
    cat <<'EOF'
- **PE energy.** The reference prices a PE by its precision pair, the same for a shift-and-add PE and
  a multiplier PE; here each PE's energy scales with its transistors, so the shift-and-add PE's
  smaller area shows in its energy too.
- **The co-simulation against the analytical model.** On the same config the two agree to the
  last column's figures: the co-simulation's DRAM, buffers and NoC move the same bytes cycle by
  cycle where the model adds them up per tile step (docs/cosim.md, "Agreement with the
  analytical model").
EOF
  } >>"$out_root/docs/results.md"
fi

written="reference.csv, reference_time.png, reference_energy.png"
[ "$no_rtl" = 1 ] || written+=", rtl.csv, rtl_time.png, rtl_energy.png"
echo "wrote $out_root/docs/results.md and, in $out, $written (mixpe compare: ${seconds} s)"
