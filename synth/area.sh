#!/usr/bin/env bash
# Area proxy by yosys: synthesizes the MixPE PE and the same PE with a conventional multiplier
# (and the product units alone) to generic CMOS gates and prints a Markdown table of cell,
# flip-flop and transistor counts. `stat -tech cmos` counts transistors of generic NAND/NOR/NOT
# cells and flip-flops (asynchronous resets are turned into synchronous ones first so that every
# flop is counted): a technology-independent proxy, not a foundry area.
# usage: synth/area.sh [acc-bits]    (run from anywhere; needs yosys)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
acc_bits=${1:-32}
act_bits=8

# synth_one <top> <multiplier file> <params...>: prints "cells flops transistors". The multiplier
# file is either the shift-and-add unit or the reference multiplication, renamed to take its place.
synth_one() {
  local top=$1 mul=$2
  shift 2
  local log
  log=$(mktemp)
  yosys -q -l "$log" -p "
    read_verilog -sv $mul $root/rtl/mixpe_pe.sv
    $( [ "$mul" != "$root/rtl/mixpe_shift_add_mul.sv" ] && echo "rename reference_mul mixpe_shift_add_mul" )
    chparam $* $top
    synth -top $top -flatten
    async2sync
    dfflegalize -cell \$_DFF_P_ 01
    abc -g cmos2
    opt_clean
    stat -tech cmos" >/dev/null
  local stats
  stats=$(sed -n '/Printing statistics/,$p' "$log")
  rm -f "$log"
  local cells flops transistors
  cells=$(grep -E "Number of cells:" <<<"$stats" | tail -1 | awk '{print $4}')
  flops=$(grep -E '\$_DFF_P_' <<<"$stats" | tail -1 | awk '{print $2}' || true)
  transistors=$(grep -E "Estimated number of transistors:" <<<"$stats" | tail -1 | awk '{print $5}')
  case "$transistors" in *+) echo "uncounted cells in $top" >&2; exit 1 ;; esac
  echo "${cells:-0} ${flops:-0} ${transistors:-0}"
}

shift_add=$root/rtl/mixpe_shift_add_mul.sv
multiplier=$root/tests/formal/reference_mul.sv

echo "| unit | weights x activations | product formed by | cells | flip-flops | transistors |"
echo "|---|---|---|---|---|---|"
for w in 2 3 4 8; do
  for kind in shift_add multiplier; do
    file=${!kind}
    label=$([ $kind = shift_add ] && echo "shifts and adds" || echo "\`*\`")
    read -r cells flops transistors < <(synth_one mixpe_pe "$file" \
      -set ActBits $act_bits -set WeightBits $w -set AccBits "$acc_bits")
    echo "| PE (acc $acc_bits) | W$w x A$act_bits | $label | $cells | $flops | $transistors |"
  done
done
for w in 2 3 4 8; do
  read -r cells flops transistors < <(synth_one mixpe_shift_add_mul "$shift_add" \
    -set ActBits $act_bits -set WeightBits $w)
  echo "| product only | W$w x A$act_bits | shifts and adds | $cells | $flops | $transistors |"
  read -r cells flops transistors < <(synth_one mixpe_shift_add_mul "$multiplier" \
    -set ActBits $act_bits -set WeightBits $w)
  echo "| product only | W$w x A$act_bits | \`*\` | $cells | $flops | $transistors |"
done
