#!/usr/bin/env bash
# Area proxy by yosys: synthesizes the MixPE PE and the same PE with a conventional multiplier
# (mixpe_pe with PeKind 1; and the product units alone), then the dequantization side (the FP16
# block aligner, the per-group dequantization unit, and the per-element dequantization multiplier
# a conventional PE would need instead), then the baseline PEs MixPE is compared against (the INT8
# multiplier PE, the FP16 MAC PE) with their per-element weight dequantizers and their cores'
# column units, to generic CMOS gates, and prints Markdown tables of cell, flip-flop and
# transistor counts, with the totals of a 16x16 array dequantizing per group or per element and
# of the 16x16 arrays of each design.
# `stat -tech cmos` counts transistors of generic NAND/NOR/NOT cells and flip-flops (asynchronous
# resets are turned into synchronous ones first so that every flop is counted): a
# technology-independent proxy, not a foundry area.
# usage: synth/area.sh [--quick] [acc-bits]    (run from anywhere; needs yosys)
#        synth/area.sh --csv <file> [acc-bits]
#   --quick: only the rows tests/area_test.sh checks (the W4 and W8 PEs, the aligner at BlockSize
#            4, the per-element multiplier): seconds instead of about six minutes.
#   --csv:   instead of the tables, the transistor counts `mixpe sweep` and `mixpe iso-area`
#            read to give a design point's area (docs/sweep.md, docs/baselines.md): every
#            shift-and-add PE of the tables, the aligner at BlockSize 32, and MixPE's column unit
#            (its per-group dequantization unit and the column's registers, mixpe_column) for
#            columns of 8, 16, 32 and 64 rows; then the baselines: the
#            multiplier PE at W8 x A8 (pe_multiplier), the FP16 MAC PE (pe_fp16_mac), the INT8
#            weight expander (weight_expand_int8) and the FP16 weight dequantizer
#            (weight_to_fp16), both for 4-bit codes, and the baseline cores' column units for
#            columns of 8, 16, 32 and 64 rows (int8_column, fp16_column); one
#            `unit,weight_bits,activation_bits,fp4,acc_bits,rows,transistors` line each.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
quick=0
csv=
if [ "${1:-}" = --quick ]; then
  quick=1
  shift
elif [ "${1:-}" = --csv ]; then
  csv=${2:?--csv needs a file}
  shift 2
fi
acc_bits=${1:-32}
rows=16 cols=16  # the array of the derived comparison (configs/default.yaml)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# ABC's default script for `abc -g`, except that SAT sweeping (&fraig -x) gives up on a node after
# 10000 conflicts instead of 1000000: unlimited, it ran for more than 15 minutes without finishing
# on the 38 x 23-bit multiplier of mixpe_group_dequant. Every other unit gets the same counts as
# with the default script (1000 conflicts would halve that unit's time but change mixpe_fp32_mul).
cat >"$tmp/abc.script" <<'EOF'
strash; &get -n; &fraig -x -C 10000; &put; scorr; dc2; dretime; strash; &get -n; &dch -f; &nf; &put
EOF
# A latch (the clock gate of mixpe_column_dequant), counted as what a static CMOS latch is: a 2:1
# multiplexer with its output fed back (12 transistors in `stat -tech cmos`).
cat >"$tmp/latch_cmos.v" <<'EOF'
module \$_DLATCH_N_ (input E, input D, output Q);
  \$_MUX_ _TECHMAP_REPLACE_ (.A(D), .B(Q), .S(E), .Y(Q));
endmodule
EOF
# mixpe_column_dequant as yosys 0.23 reads it: its unpacked-array ports (the rows' banks) as flat
# vectors, wired to arrays of the old names inside (synth/flat_ports.awk); the logic is the RTL's.
awk -f "$root/synth/flat_ports.awk" "$root/rtl/mixpe_column_dequant.sv" \
  >"$tmp/mixpe_column_dequant.sv"

# synth_one <top> "<files>" "<yosys commands after reading>" <chparam args...>: prints
# "cells flops transistors". -mem2reg turns unpacked arrays (the aligner's per-element signals,
# the per-row running sums of mixpe_group_dequant) into plain wires without a warning for each.
# With keep_latches=1, a latch stays a latch (async2sync would make it a multiplexer and a flop of
# no clock, which stat does not count) and is counted as $tmp/latch_cmos.v maps it.
synth_one() {
  local top=$1 files=$2 extra=$3
  shift 3
  local log=$tmp/yosys.log
  local flops="async2sync
    dfflegalize -cell \$_DFF_P_ 01" latches=
  if [ "${keep_latches:-0}" = 1 ]; then
    flops="async2sync t:\$_DLATCH_* %n
    dfflegalize -cell \$_DFF_P_ 01 -cell \$_DLATCH_N_ x"
    latches="techmap -map $tmp/latch_cmos.v t:\$_DLATCH_N_"
  fi
  yosys -q -l "$log" -p "
    read_verilog -sv -mem2reg $files
    $extra
    $( [ $# -gt 0 ] && echo "chparam $* $top" )
    synth -top $top -flatten
    $flops
    abc -g cmos2 -script $tmp/abc.script
    opt_clean
    $latches
    stat -tech cmos" >/dev/null
  local stats
  stats=$(sed -n '/Printing statistics/,$p' "$log")
  local cells flops transistors
  cells=$(grep -E "Number of cells:" <<<"$stats" | tail -1 | awk '{print $4}')
  flops=$(grep -E '\$_DFF_P_' <<<"$stats" | tail -1 | awk '{print $2}' || true)
  transistors=$(grep -E "Estimated number of transistors:" <<<"$stats" | tail -1 | awk '{print $5}')
  case "$transistors" in *+) echo "uncounted cells in $top" >&2; exit 1 ;; esac
  echo "${cells:-0} ${flops:-0} ${transistors:-0}"
}

# The PE (rtl/mixpe_pe.sv: PeKind 0 the shift-and-add product, 1 a multiplier, 2 the FP16 MAC)
# with its product formed by shifts and adds or by `*`, or that product unit alone. Each run reads
# only the files its unit is built of: yosys numbers cells across everything it reads, and ABC's
# result moves (by up to about 5% on a PE) with those names, so extra files would change the
# counts of identical logic.
pe_or_product() {  # <mixpe_pe|product> <shift_add|multiplier> <params...>
  local top=$1 kind=$2
  shift 2
  if [ "$top" = mixpe_pe ] && [ "$kind" = multiplier ]; then
    synth_one mixpe_pe "$root/rtl/mixpe_int_mul.sv $root/rtl/mixpe_pe.sv" "" -set PeKind 1 "$@"
  elif [ "$top" = mixpe_pe ]; then
    synth_one mixpe_pe "$root/rtl/mixpe_shift_add_mul.sv $root/rtl/mixpe_pe.sv" "" "$@"
  elif [ "$kind" = multiplier ]; then
    synth_one mixpe_int_mul "$root/rtl/mixpe_int_mul.sv" "" "$@"
  else
    synth_one mixpe_shift_add_mul "$root/rtl/mixpe_shift_add_mul.sv" "" "$@"
  fi
}
# The baselines' units: the FP16 MAC PE, its exact FP16 product, the two weight dequantizers.
fp16_mac_pe() {
  local files="$root/rtl/mixpe_fp16_mul_exact.sv $root/rtl/mixpe_fp32_add.sv $root/rtl/mixpe_pe.sv"
  synth_one mixpe_pe "$files" "" -set PeKind 2 -set ActBits 16 -set WeightBits 16 -set AccBits 32
}
expand_int8() {
  synth_one mixpe_weight_expand_int8 "$root/rtl/mixpe_weight_expand_int8.sv" "" \
    -set WeightBits 4 -set MultBits 4
}
weight_to_fp16() {
  synth_one mixpe_weight_to_fp16 "$root/rtl/mixpe_weight_to_fp16.sv" "" -set WeightBits 4
}
# The cores' column units, one per column as mixpe_core builds them: mixpe_column_dequant with
# PeKind 1, the INT8 core's (the exact integer sum of each row's unit sums, dequantized once per
# output by the mixpe_group_dequant it instantiates), PeKind 2, the FP16 core's (the FP32 sum of
# each row's unit sums), or PeKind 0, MixPE's (mixpe_group_dequant on every unit), with
# mixpe_core's widths (11-bit scale significands, 10-bit exponents, the 4-bit codes' zero point),
# its registers and its clock gate.
column_unit() {  # <PeKind> <rows> <sum bits>
  local files="$root/rtl/mixpe_fp32_add.sv"
  if [ "$1" != 2 ]; then
    files="$root/rtl/mixpe_int_to_fp32.sv $root/rtl/mixpe_fp32_add.sv"
    files+=" $root/rtl/mixpe_fp32_mul.sv $root/rtl/mixpe_group_dequant.sv"
  fi
  keep_latches=1 synth_one mixpe_column_dequant "$files $tmp/mixpe_column_dequant.sv" "" \
    -set PeKind "$1" -set Rows "$2" -set SumBits "$3" -set ZeroBits 4 -set SigBits 11 \
    -set ExpBits 10
}
label() { [ "$1" = shift_add ] && echo "shifts and adds" || echo "\`*\`"; }

# The PE and product rows: weights x activations, and the product unit alone.
# A config `WxA` builds integer weights only; `WxAxfp4` adds the E2M1 (MXFP4, NVFP4) mode.
pe_configs="2x8 3x8 4x8 8x8 4x16 4x8xfp4 4x16xfp4"
if [ -n "$csv" ]; then
  # The sweep's table: each unit once, written to the file as it is measured.
  split_fields() { IFS=x read -r w a fp4 <<<"$1"; [ "$fp4" = fp4 ] && fp4=1 || fp4=0; }
  out="unit,weight_bits,activation_bits,fp4,acc_bits,rows,transistors"
  for config in $pe_configs; do
    split_fields "$config"
    read -r _ _ transistors < <(pe_or_product mixpe_pe shift_add \
      -set ActBits "$a" -set WeightBits "$w" -set AccBits "$acc_bits" -set Fp4Weights "$fp4")
    out+=$'\n'"pe,$w,$a,$fp4,$acc_bits,,$transistors"
  done
  read -r _ _ transistors < <(synth_one mixpe_fp16_align "$root/rtl/mixpe_fp16_align.sv" "" \
    -set BlockSize 32)
  out+=$'\n'"fp16_align,,16,,,,$transistors"
  # MixPE's column unit (mixpe_column_dequant, PeKind 0: the per-group unit with the column's
  # registers and clock gate), as the baselines' column units below.
  for r in 8 16 32 64; do
    read -r _ _ transistors < <(column_unit 0 "$r" "$acc_bits")
    out+=$'\n'"mixpe_column,4,,,$acc_bits,$r,$transistors"
  done
  read -r _ _ transistors < <(pe_or_product mixpe_pe multiplier \
    -set ActBits 8 -set WeightBits 8 -set AccBits "$acc_bits" -set Fp4Weights 0)
  out+=$'\n'"pe_multiplier,8,8,0,$acc_bits,,$transistors"
  read -r _ _ transistors < <(fp16_mac_pe)
  out+=$'\n'"pe_fp16_mac,16,16,0,32,,$transistors"
  read -r _ _ transistors < <(expand_int8)
  out+=$'\n'"weight_expand_int8,4,,,,,$transistors"
  read -r _ _ transistors < <(weight_to_fp16)
  out+=$'\n'"weight_to_fp16,4,,,,,$transistors"
  for r in 8 16 32 64; do
    read -r _ _ transistors < <(column_unit 1 "$r" "$acc_bits")
    out+=$'\n'"int8_column,,,,$acc_bits,$r,$transistors"
  done
  for r in 8 16 32 64; do
    read -r _ _ transistors < <(column_unit 2 "$r" 32)
    out+=$'\n'"fp16_column,,,,32,$r,$transistors"
  done
  printf '%s\n' "$out" >"$csv"
  echo "wrote $csv"
  exit 0
fi
product_configs="2x8 3x8 4x8 8x8 4x8xfp4"
[ $quick = 1 ] && pe_configs="4x8 8x8" && product_configs=""
comparison_pe="4x16"  # the W4A16 PE of the derived comparison (the aligner's 16-bit integers)

echo "| unit | weights x activations | product formed by | cells | flip-flops | transistors |"
echo "|---|---|---|---|---|---|"
# split_config <config>: sets w, a, fp4 (0 or 1) and the row's weight label.
split_config() {
  IFS=x read -r w a fp4 <<<"$1"
  weights="W$w"
  if [ "$fp4" = fp4 ]; then fp4=1; weights="W$w (+FP4)"; else fp4=0; fi
}
for config in $pe_configs; do
  split_config "$config"
  for kind in shift_add multiplier; do
    read -r cells flops transistors < <(pe_or_product mixpe_pe $kind \
      -set ActBits "$a" -set WeightBits "$w" -set AccBits "$acc_bits" -set Fp4Weights "$fp4")
    echo "| PE (acc $acc_bits) | $weights x A$a | $(label $kind) | $cells | $flops | $transistors |"
    if [ "$config" = "$comparison_pe" ] && [ $kind = shift_add ]; then
      pe=($cells $flops $transistors)
      pe_name="W$w x A$a PE (acc $acc_bits)"
    fi
    # The MixPE W4 x A8 PE and the INT8 multiplier PE, for the baselines' table.
    if [ "$config" = 4x8 ] && [ $kind = shift_add ]; then pe_w4a8=($cells $flops $transistors); fi
    if [ "$config" = 8x8 ] && [ $kind = multiplier ]; then pe_int8=($cells $flops $transistors); fi
  done
done
for config in $product_configs; do
  split_config "$config"
  for kind in shift_add multiplier; do
    read -r cells flops transistors < <(pe_or_product mixpe_shift_add_mul $kind \
      -set ActBits "$a" -set WeightBits "$w" -set Fp4Weights "$fp4")
    echo "| product only | $weights x A$a | $(label $kind) | $cells | $flops | $transistors |"
  done
done

# The dequantization side. BlockSize 32 is the W4A16 block of docs/numerics.md section 6; the
# group dequantization widths are those of configs/default.yaml: 32-bit sums (the accumulator),
# a 4-bit zero point (the weight code), 22-bit scale significand products, 10-bit exponents, and
# one running FP32 sum for each of the column's rows (as mixpe_column_dequant instantiates it).
align_block=32
[ $quick = 1 ] && align_block=4
echo
echo "| unit | RTL | parameters | in a ${rows}x${cols} array | cells | flip-flops | transistors |"
echo "|---|---|---|---|---|---|---|"
read -r cells flops transistors < <(synth_one mixpe_fp16_align "$root/rtl/mixpe_fp16_align.sv" "" \
  -set BlockSize $align_block)
align=($cells $flops $transistors)
echo "| FP16 block aligner | \`mixpe_fp16_align\` | BlockSize $align_block | 1 (shared by the rows)" \
  "| $cells | $flops | $transistors |"
if [ $quick = 0 ]; then
  group_files="$root/rtl/mixpe_int_to_fp32.sv $root/rtl/mixpe_fp32_add.sv"
  group_files+=" $root/rtl/mixpe_fp32_mul.sv $root/rtl/mixpe_group_dequant.sv"
  read -r cells flops transistors < <(synth_one mixpe_group_dequant "$group_files" "" \
    -set SumBits 32 -set ZeroBits 4 -set ScaleBits 22 -set ExpBits 10 -set Outputs $rows)
  group=($cells $flops $transistors)
  echo "| per-group dequantization | \`mixpe_group_dequant\` | SumBits 32, ZeroBits 4," \
    "ScaleBits 22, ExpBits 10, Outputs $rows | $cols (one per column) | $cells | $flops |" \
    "$transistors |"
  # Its FP units alone, synthesized on their own (so without optimization across their ports):
  # where the per-group unit's gates go. The 60-bit integer is the exact D_u * scale of SumBits 32.
  read -r cells flops transistors < <(synth_one mixpe_int_to_fp32 "$root/rtl/mixpe_int_to_fp32.sv" \
    "" -set ValueBits 60 -set ExpBits 10)
  echo "| of which: term rounding | \`mixpe_int_to_fp32\` | ValueBits 60, ExpBits 10 |" \
    "1 per per-group unit | $cells | $flops | $transistors |"
  read -r cells flops transistors < <(synth_one mixpe_fp32_add "$root/rtl/mixpe_fp32_add.sv" "")
  fp32_add_cells="$cells $flops $transistors"
  echo "| of which: FP32 accumulation | \`mixpe_fp32_add\` | - | 1 per per-group unit |" \
    "$cells | $flops | $transistors |"
  read -r cells flops transistors < <(synth_one mixpe_fp32_mul "$root/rtl/mixpe_fp32_mul.sv" "")
  echo "| of which: row scale | \`mixpe_fp32_mul\` | - | 1 per per-group unit |" \
    "$cells | $flops | $transistors |"
fi
read -r cells flops transistors < <(weight_to_fp16)
element=($cells $flops $transistors)
echo "| per-element dequantization | \`mixpe_weight_to_fp16\` | WeightBits 4 |" \
  "$((rows * cols)) (one per PE, instead) | $cells | $flops | $transistors |"
[ $quick = 1 ] && exit 0

# The derived comparison: sums of the rows above.
total() {  # <count> <unit array name> [<count> <unit array name>]...: cells flops transistors
  local c=0 f=0 t=0
  while [ $# -gt 0 ]; do
    local -n unit=$2
    c=$((c + $1 * unit[0])) f=$((f + $1 * unit[1])) t=$((t + $1 * unit[2]))
    shift 2
  done
  echo "$c $f $t"
}
pes=$((rows * cols))
read -r -a group_deq < <(total "$cols" group 1 align)
read -r -a element_deq < <(total "$pes" element)
read -r -a group_all < <(total "$pes" pe "$cols" group 1 align)
read -r -a element_all < <(total "$pes" pe "$pes" element)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
echo
echo "| ${rows}x${cols} array, W4A16 | made of | cells | flip-flops | transistors |"
echo "|---|---|---|---|---|"
echo "| dequantization, per group | $cols per-group units + 1 aligner | ${group_deq[0]} |" \
  "${group_deq[1]} | ${group_deq[2]} |"
echo "| dequantization, per element | $pes per-element multipliers | ${element_deq[0]} |" \
  "${element_deq[1]} | ${element_deq[2]} |"
echo "| array, per group | $pes x $pe_name + $cols per-group units + 1 aligner |" \
  "${group_all[0]} | ${group_all[1]} | ${group_all[2]} |"
echo "| array, per element | $pes x ($pe_name + per-element multiplier) |" \
  "${element_all[0]} | ${element_all[1]} | ${element_all[2]} |"
echo
echo "per element / per group, transistors: dequantization" \
  "$(ratio "${element_deq[2]}" "${group_deq[2]}")x, array" \
  "$(ratio "${element_all[2]}" "${group_all[2]}")x; one per-group unit =" \
  "$(ratio "${group[2]}" "${element[2]}") per-element multipliers (a column has $rows PEs)"

# The baselines MixPE is compared against, as built in rtl/: PEs of a conventional design and the
# per-element weight dequantizers at their array's north edge (one per column, in front of the
# weight stream) and their cores' column units, beside the MixPE PEs of the first table.
read -r -a fp16_pe < <(fp16_mac_pe)
read -r -a fp16_mul < <(synth_one mixpe_fp16_mul_exact "$root/rtl/mixpe_fp16_mul_exact.sv" "")
read -r -a expander < <(expand_int8)
read -r -a int8_col < <(column_unit 1 "$rows" "$acc_bits")
read -r -a fp16_col < <(column_unit 2 "$rows" 32)
# MixPE's own column unit (PeKind 0: the per-group unit of the tables above, with the column's
# registers, scale products and reads of the rows' banks), for comparison with the baselines'.
read -r -a mixpe_col < <(column_unit 0 "$rows" "$acc_bits")
fp32_add=($fp32_add_cells)
echo
echo "| unit | RTL | parameters | cells | flip-flops | transistors |"
echo "|---|---|---|---|---|---|"
echo "| MixPE PE, W4 x A8 | \`mixpe_pe\` | PeKind 0, WeightBits 4, ActBits 8, AccBits $acc_bits |" \
  "${pe_w4a8[0]} | ${pe_w4a8[1]} | ${pe_w4a8[2]} |"
echo "| MixPE PE, W4 x A16 | \`mixpe_pe\` | PeKind 0, WeightBits 4, ActBits 16," \
  "AccBits $acc_bits | ${pe[0]} | ${pe[1]} | ${pe[2]} |"
echo "| INT8 baseline PE (multiplier) | \`mixpe_pe\` | PeKind 1, WeightBits 8, ActBits 8," \
  "AccBits $acc_bits | ${pe_int8[0]} | ${pe_int8[1]} | ${pe_int8[2]} |"
echo "| FP16 baseline PE (FP16 MAC, FP32 sum) | \`mixpe_pe\` | PeKind 2, WeightBits 16," \
  "ActBits 16, AccBits 32 | ${fp16_pe[0]} | ${fp16_pe[1]} | ${fp16_pe[2]} |"
echo "| of which: exact FP16 product | \`mixpe_fp16_mul_exact\` | - | ${fp16_mul[0]} |" \
  "${fp16_mul[1]} | ${fp16_mul[2]} |"
echo "| of which: FP32 accumulation | \`mixpe_fp32_add\` | - | ${fp32_add[0]} | ${fp32_add[1]} |" \
  "${fp32_add[2]} |"
echo "| INT8 weight expander | \`mixpe_weight_expand_int8\` | WeightBits 4, MultBits 4 |" \
  "${expander[0]} | ${expander[1]} | ${expander[2]} |"
echo "| FP16 weight dequantizer | \`mixpe_weight_to_fp16\` | WeightBits 4 | ${element[0]} |" \
  "${element[1]} | ${element[2]} |"
echo "| INT8 baseline column unit (integer sums, dequantized once) | \`mixpe_column_dequant\` |" \
  "PeKind 1, Rows $rows, SumBits $acc_bits | ${int8_col[0]} | ${int8_col[1]} | ${int8_col[2]} |"
echo "| FP16 baseline column unit (FP32 sums) | \`mixpe_column_dequant\` | PeKind 2, Rows $rows," \
  "SumBits 32 | ${fp16_col[0]} | ${fp16_col[1]} | ${fp16_col[2]} |"
echo "| MixPE column unit (per-group unit and the column's registers) |" \
  "\`mixpe_column_dequant\` | PeKind 0, Rows $rows, SumBits $acc_bits | ${mixpe_col[0]} |" \
  "${mixpe_col[1]} | ${mixpe_col[2]} |"

# 16x16 arrays of each design, 4-bit weight codes: PEs plus the dequantization of their design
# (MixPE: per group, after the integer sums; the baselines: per element, one unit per column) and,
# for the baselines, their column units: as CoreTransistors (explore/area_table.h) counts a core.
read -r -a mixpe_a8 < <(total "$pes" pe_w4a8 "$cols" group)
read -r -a int8_all < <(total "$pes" pe_int8 "$cols" expander "$cols" int8_col)
read -r -a fp16_all < <(total "$pes" fp16_pe "$cols" element "$cols" fp16_col)
# MixPE counted as the baselines are: its whole column units instead of the per-group units.
read -r -a mixpe_a8_col < <(total "$pes" pe_w4a8 "$cols" mixpe_col)
read -r -a mixpe_a16_col < <(total "$pes" pe "$cols" mixpe_col 1 align)
echo
echo "| ${rows}x${cols} array, 4-bit weights | made of | cells | flip-flops | transistors |"
echo "|---|---|---|---|---|"
echo "| MixPE, W4A8 | $pes x MixPE W4 x A8 PE + $cols per-group units | ${mixpe_a8[0]} |" \
  "${mixpe_a8[1]} | ${mixpe_a8[2]} |"
echo "| MixPE, W4A16 | $pes x MixPE W4 x A16 PE + $cols per-group units + 1 aligner |" \
  "${group_all[0]} | ${group_all[1]} | ${group_all[2]} |"
echo "| INT8 baseline | $pes x INT8 multiplier PE + $cols INT8 weight expanders +" \
  "$cols INT8 column units | ${int8_all[0]} | ${int8_all[1]} | ${int8_all[2]} |"
echo "| FP16 baseline | $pes x FP16 MAC PE + $cols FP16 weight dequantizers +" \
  "$cols FP16 column units | ${fp16_all[0]} | ${fp16_all[1]} | ${fp16_all[2]} |"
echo "| MixPE, W4A8, whole column units | $pes x MixPE W4 x A8 PE + $cols MixPE column units |" \
  "${mixpe_a8_col[0]} | ${mixpe_a8_col[1]} | ${mixpe_a8_col[2]} |"
echo "| MixPE, W4A16, whole column units | $pes x MixPE W4 x A16 PE + $cols MixPE column units +" \
  "1 aligner | ${mixpe_a16_col[0]} | ${mixpe_a16_col[1]} | ${mixpe_a16_col[2]} |"
echo
echo "transistors against MixPE: INT8 baseline $(ratio "${int8_all[2]}" "${mixpe_a8[2]}")x MixPE" \
  "W4A8; FP16 baseline $(ratio "${fp16_all[2]}" "${group_all[2]}")x MixPE W4A16; against MixPE" \
  "with whole column units: INT8 $(ratio "${int8_all[2]}" "${mixpe_a8_col[2]}")x, FP16" \
  "$(ratio "${fp16_all[2]}" "${mixpe_a16_col[2]}")x"
