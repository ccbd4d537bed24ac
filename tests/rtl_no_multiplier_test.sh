#!/usr/bin/env bash
# The MixPE PE forms its product with shifts and adds only.
#
# usage: rtl_no_multiplier_test.sh <file.sv>
#   No '*' operator may appear in the file outside comments (yosys would map it to a
#   multiplier). Run on rtl/mixpe_shift_add_mul.sv and rtl/mixpe_pe.sv: the multiplier of the
#   baseline PE kinds lives in files of its own (rtl/mixpe_int_mul.sv, rtl/mixpe_fp16_mul_exact.sv).
# usage: rtl_no_multiplier_test.sh --elaborated <repository root>
#   yosys elaborates mixpe_pe (PeKind 0, the default) at every weight width, with and without the
#   FP4 mode, at 8- and 16-bit activations, and no multiplier cell ($mul) may be left in it, in
#   whatever file or generate branch it would come from. The multiplier PE (PeKind 1) must have
#   one, which shows that the check sees multipliers.
set -euo pipefail

if [ "${1:-}" != --elaborated ]; then
  code=$(sed -E -e 's://.*$::' "$1" | perl -0pe 's:/\*.*?\*/::gs')
  if grep -n '\*' <<<"$code"; then
    echo "FAIL: '*' found in $1 outside comments"
    exit 1
  fi
  echo "ok: no '*' in $1"
  exit 0
fi

root=${2:?--elaborated needs the repository root}
files=""
for f in mixpe_shift_add_mul mixpe_int_mul mixpe_fp16_mul_exact mixpe_fp32_add mixpe_pe; do
  files+=" $root/rtl/$f.sv"
done

# elaborate <PeKind> <ActBits> <WeightBits> <Fp4Weights> <select assertion>: elaborates and
# flattens mixpe_pe (no optimization that could fold a multiplier away) and checks the $mul cells
# with the assertion; fails (with yosys's message) where it does not hold.
elaborate() {
  yosys -q -p "
    read_verilog -sv $files
    chparam -set PeKind $1 -set ActBits $2 -set WeightBits $3 -set AccBits 40 \
            -set Fp4Weights $4 mixpe_pe
    hierarchy -top mixpe_pe
    proc
    flatten
    select $5 t:\$mul" 2>&1
}

status=0
for config in 8:2:0 8:3:0 8:4:0 8:4:1 8:8:0 8:8:1 16:4:0 16:4:1 16:8:0; do
  IFS=: read -r act weight fp4 <<<"$config"
  if ! elaborate 0 "$act" "$weight" "$fp4" -assert-none; then
    echo "FAIL: mixpe_pe (PeKind 0) A$act W$weight fp4=$fp4 has a multiplier cell"
    status=1
  fi
done
if ! elaborate 1 8 8 0 "-assert-min 1" >/dev/null; then
  echo "FAIL: the multiplier PE (PeKind 1) shows no multiplier cell: the check does not see them"
  status=1
fi
if [ $status = 0 ]; then
  echo "ok: the shift-and-add PE elaborates without a multiplier; the multiplier PE has one"
fi
exit $status
