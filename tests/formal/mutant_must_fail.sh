#!/usr/bin/env bash
# The formal proof can fail: a multiplier with the sign of the weight's top bit flipped (the
# classic two's-complement mistake) must be refuted with a counterexample.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
mutant=$(mktemp --suffix=.sv)
trap 'rm -f "$mutant"' EXIT
sed 's/product_o = product_o - ((act_ext/product_o = product_o + ((act_ext/' \
  "$here/../../rtl/mixpe_shift_add_mul.sv" > "$mutant"
cmp -s "$mutant" "$here/../../rtl/mixpe_shift_add_mul.sv" && { echo "mutation did not apply"; exit 1; }
if bash "$here/prove_shift_add_mul.sh" 8 4 "$mutant"; then
  echo "FAIL: the proof accepted a wrong multiplier"
  exit 1
fi
echo "ok: the wrong multiplier was refuted"
