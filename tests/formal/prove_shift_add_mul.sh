#!/usr/bin/env bash
# Formal equivalence, by yosys SAT, of rtl/mixpe_shift_add_mul.sv and a signed multiplication,
# for every input code, at the given widths. Exits non-zero if the proof fails.
# usage: prove_shift_add_mul.sh <act-bits> <weight-bits> [multiplier.sv]
set -euo pipefail
act_bits=$1
weight_bits=$2
here=$(cd "$(dirname "$0")" && pwd)
mul=${3:-$here/../../rtl/mixpe_shift_add_mul.sv}
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if yosys -q -l "$log" -p "
    read_verilog -sv $mul $here/reference_mul.sv
    chparam -set ActBits $act_bits -set WeightBits $weight_bits mixpe_shift_add_mul reference_mul
    prep
    miter -equiv -flatten -make_assert mixpe_shift_add_mul reference_mul miter
    hierarchy -top miter
    sat -verify -prove-asserts -show-inputs miter" >/dev/null 2>&1; then
  echo "proved: shift-and-add product == multiplication for all 2^$((act_bits + weight_bits)) inputs (A$act_bits x W$weight_bits)"
else
  echo "NOT proved (A$act_bits x W$weight_bits):"
  grep -E "failed|Error|ERROR|act_i|wgt_i" "$log" | head -20
  exit 1
fi
