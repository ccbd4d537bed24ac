#!/usr/bin/env bash
# The PE forms its product with shifts and adds only: no '*' operator may appear in the RTL of
# mixpe_pe outside comments (yosys would map it to a multiplier).
# usage: rtl_no_multiplier_test.sh <mixpe_pe.sv>
set -euo pipefail
code=$(sed -E -e 's://.*$::' "$1" | perl -0pe 's:/\*.*?\*/::gs')
if grep -n '\*' <<<"$code"; then
  echo "FAIL: '*' found in $1 outside comments"
  exit 1
fi
echo "ok: no '*' in $1"
