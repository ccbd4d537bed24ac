#!/usr/bin/env bash
# The formal proof can fail: wrong multipliers must be refuted with a counterexample (exit 1 from
# the proof, not a tool error), each in the weight mode it breaks.
#   int: the sign of the weight's top bit flipped (the classic two's-complement mistake), A8 x W4
#   fp4_exp: E2M1 shift e >> 1 for e - 1, wrong only for e = 3 (codes 6, 7, 14, 15: +-4 and +-6
#            read as +-2 and +-3), A16 x W4
#   fp4_sign: the E2M1 value sign-extended from bit 3 instead of its sign bit 4
#             (wrong only above bit 4: W8), A8 x W8
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
rtl=$here/../../rtl/mixpe_shift_add_mul.sv
mutant=$(mktemp --suffix=.sv)
trap 'rm -f "$mutant"' EXIT
status=0

# refute <name> <sed expression> <act-bits> <weight-bits> <mode>
refute() {
  sed "$2" "$rtl" >"$mutant"
  if cmp -s "$mutant" "$rtl"; then
    echo "FAIL ($1): the mutation did not apply"
    status=1
    return
  fi
  bash "$here/prove_shift_add_mul.sh" "$3" "$4" "$5" "$mutant"
  case $? in
    1) echo "ok ($1): the wrong multiplier was refuted" ;;
    0) echo "FAIL ($1): the proof accepted a wrong multiplier"; status=1 ;;
    *) echo "FAIL ($1): the proof did not run"; status=1 ;;
  esac
}

refute int 's/product_o = product_o - ((act_ext/product_o = product_o + ((act_ext/' 8 4 int
refute fp4_exp "s/<< (fp4_exp - 2'd1)/<< (fp4_exp >> 1)/" 16 4 fp4
refute fp4_sign 's/fp4_value\[(i < 5) ? i : 4\]/fp4_value[(i < 5) ? i : 3]/' 8 8 fp4
exit $status
