#!/usr/bin/env bash
# Formal equivalence of rtl/mixpe_shift_add_mul.sv and a multiplication (rtl/mixpe_int_mul.sv, the
# multiplier PE's product) for every input at the given widths, in one weight mode. Exit 0:
# proved; 1: the two differ (a counterexample is printed) or the proof is undecided; 2: usage or
# tool error.
#   mode int: wgt_fp4_i = 0, two's-complement weight codes (the unit built with its FP4 mode)
#   mode intonly: the unit built without its FP4 mode (Fp4Weights = 0), two's-complement codes
#   mode fp4: wgt_fp4_i = 1, E2M1 codes in wgt_i[3:0] (weight-bits >= 4; the bits above stay free,
#             so they are proved ignored)
#   mode any: wgt_fp4_i free (the default; for weight-bits < 4 this proves the mode bit ignored)
#
# yosys builds the miter (both units flattened on the same inputs; output 1 where the products
# differ) as an and-inverter graph. ABC then proves the output constant 0 once per weight code
# (one `cof` per weight bit the mode reads, then `iprove`); the activation stays free, so together
# the cases cover every input. Each case is a multiplication by a constant, which ABC's SAT
# sweeping settles in milliseconds. yosys `sat -prove` alone took 33 s at A8 x W8 and minutes at
# A16 x W4 even split per weight code (`sat -set`): for a negative weight the reference adds the
# weight's sign-extension bits as partial products where the unit subtracts one row, and plain
# CDCL proves that identity slowly.
# usage: prove_shift_add_mul.sh <act-bits> <weight-bits> [int|intonly|fp4|any] [multiplier.sv]
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 <act-bits> <weight-bits> [int|intonly|fp4|any] [multiplier.sv]"; exit 2; }
act_bits=$1
weight_bits=$2
mode=${3:-any}
here=$(cd "$(dirname "$0")" && pwd)
mul=${4:-$here/../../rtl/mixpe_shift_add_mul.sv}
fp4_weights=1
case "$mode" in
  int) mode_cof="cof in_wgt_fp4_i 0;"; split_bits=$weight_bits; mode_set="-set in_wgt_fp4_i 0" ;;
  intonly) fp4_weights=0; mode_cof="cof in_wgt_fp4_i 0;"; split_bits=$weight_bits
           mode_set="-set in_wgt_fp4_i 0" ;;
  fp4) [ "$weight_bits" -ge 4 ] || { echo "mode fp4 needs weight-bits >= 4"; exit 2; }
       mode_cof="cof in_wgt_fp4_i 1;"; split_bits=4; mode_set="-set in_wgt_fp4_i 1" ;;
  any) mode_cof=""; split_bits=$weight_bits; mode_set="" ;;
  *) echo "unknown mode '$mode' (int, intonly, fp4 or any)"; exit 2 ;;
esac
what="A$act_bits x W$weight_bits, mode $mode"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

load="read_verilog -sv $mul $here/../../rtl/mixpe_int_mul.sv
      chparam -set ActBits $act_bits -set WeightBits $weight_bits mixpe_shift_add_mul mixpe_int_mul
      chparam -set Fp4Weights $fp4_weights mixpe_shift_add_mul mixpe_int_mul
      prep"
yosys -q -l "$tmp/yosys.log" -p "$load
    miter -equiv -flatten mixpe_shift_add_mul mixpe_int_mul miter
    hierarchy -top miter
    techmap
    opt -fast
    aigmap
    write_aiger -symbols $tmp/miter.aig" >/dev/null 2>&1 || {
  echo "ERROR ($what): yosys failed"
  grep -E "Error|ERROR" "$tmp/yosys.log" | head -5
  exit 2
}

# One case per value of the split weight bits; ABC stops at the first command that fails, so a
# missing input name shows up as missing results.
cases=$((1 << split_bits))
script=""
for ((code = 0; code < cases; code++)); do
  script+="read_aiger $tmp/miter.aig; logic; $mode_cof"
  for ((b = 0; b < split_bits; b++)); do
    script+=" cof in_wgt_i[$b] $(((code >> b) & 1));"
  done
  script+=" strash; iprove; "
done
yosys-abc -c "$script" >"$tmp/abc.log" 2>&1 || true
grep -E '^(UNSATISFIABLE|SATISFIABLE|UNDECIDED)' "$tmp/abc.log" | cut -d' ' -f1 \
  >"$tmp/results" || true
proved=$(grep -c '^UNSATISFIABLE$' "$tmp/results" || true)
if [ "$proved" -eq "$cases" ]; then
  echo "proved: shift-and-add product == multiplication for every input" \
       "($what; $cases weight cases)"
  exit 0
fi

echo "NOT proved ($what): $proved of $cases weight cases proved"
first=$(grep -n -v '^UNSATISFIABLE$' "$tmp/results" | head -1 | cut -d: -f1 || true)
if [ -z "$first" ]; then
  echo "ABC stopped after case $proved:"
  grep -i -E "error|cannot|unknown" "$tmp/abc.log" | head -5
  exit 2
fi
echo "weight case wgt_i[$((split_bits - 1)):0] = $((first - 1)):" \
     "$(sed -n "${first}p" "$tmp/results")"
# A readable counterexample from the same miter, by yosys SAT, within the failing case when it
# fixes the whole weight code.
[ "$split_bits" -eq "$weight_bits" ] && mode_set+=" -set in_wgt_i $((first - 1))"
timeout 60 yosys -q -l "$tmp/sat.log" -p "$load
    miter -equiv -flatten -make_outputs mixpe_shift_add_mul mixpe_int_mul miter
    hierarchy -top miter
    sat -show-inputs -show-outputs $mode_set -prove trigger 0 miter" \
  >/dev/null 2>&1 || true
echo "counterexample (gold: the unit under proof, gate: mixpe_int_mul):"
grep -E '^ +\\(in_|gold_|gate_)' "$tmp/sat.log" | head -10
exit 1
