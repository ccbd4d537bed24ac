#!/usr/bin/env bash
# Checks that mixpe_rtl_params turns a hardware YAML into matching Verilator -G overrides: a copy
# of the default config with other rows, cols and accumulator_bits must give exactly those
# parameters; pe.design gives PeKind (the baseline test configs beside this script: 1 for
# int8_mac, 2 for fp16_mac, with the widths of the PEs inside the core for the array and PE tops)
# and kPeDesign; a design without RTL is refused.
# usage: rtl_params_test.sh <mixpe_rtl_params> <default.yaml>
set -euo pipefail
gen=$1
default_yaml=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
# The copies live elsewhere: their energy table path (relative to the config) is made absolute.
config_dir=$(cd "$(dirname "$default_yaml")" && pwd)
sed -e 's/^\(  rows:\) *[0-9]*/\1 3/' -e 's/^\(  cols:\) *[0-9]*/\1 5/' \
    -e 's/^\(  accumulator_bits:\) *[0-9]*/\1 33/' -e "s|^energy: *|energy: $config_dir/|" \
    "$default_yaml" > "$dir/changed.yaml"
"$gen" "$dir/changed.yaml" mixpe_core "$dir"
expected="-GRows=3
-GCols=5
-GActBits=16
-GWeightBits=4
-GAccBits=33
-GFp4Weights=1
-GPeKind=0"
actual=$(grep -v '^//' "$dir/params.vc")
if [ "$actual" != "$expected" ]; then
  echo "params.vc does not follow the YAML:"; echo "$actual"; exit 1
fi
grep -q 'kRows = 3;' "$dir/rtl_params.h"
grep -q 'kAccBits = 33;' "$dir/rtl_params.h"
grep -q 'kPeKind = 0;' "$dir/rtl_params.h"
grep -q 'kPeDesign = "mixpe";' "$dir/rtl_params.h"

# The baseline cores: the same top with PeKind 1 or 2; the array and the PE inside take the
# dequantized weights' widths.
configs=$(cd "$(dirname "$0")/configs" && pwd)
check() {  # <config> <top> <design> <expected params.vc lines>
  "$gen" "$configs/$1" "$2" "$dir"
  local got
  got=$(grep -v '^//' "$dir/params.vc")
  if [ "$got" != "$4" ]; then
    echo "params.vc of $1 as $2 does not follow the YAML:"; echo "$got"; exit 1
  fi
  grep -q "kPeDesign = \"$3\";" "$dir/rtl_params.h"
}
check array_4x4_int8mac.yaml mixpe_core int8_mac "-GRows=4
-GCols=4
-GActBits=8
-GWeightBits=4
-GAccBits=32
-GFp4Weights=0
-GPeKind=1"
grep -q 'kPeKind = 1;' "$dir/rtl_params.h"
check array_4x4_int8mac.yaml mixpe_array int8_mac "-GRows=4
-GCols=4
-GActBits=8
-GWeightBits=8
-GAccBits=32
-GFp4Weights=0
-GPeKind=1"
check array_4x4_fp16mac.yaml mixpe_core fp16_mac "-GRows=4
-GCols=4
-GActBits=16
-GWeightBits=4
-GAccBits=32
-GFp4Weights=0
-GPeKind=2"
grep -q 'kPeKind = 2;' "$dir/rtl_params.h"
check array_4x4_fp16mac.yaml mixpe_pe fp16_mac "-GActBits=16
-GWeightBits=16
-GAccBits=32
-GFp4Weights=0
-GPeKind=2"

# A design without RTL: refused, naming it.
rm -f "$dir/params.vc"
if "$gen" "$config_dir/reference/bitfusion.yaml" mixpe_core "$dir" 2> "$dir/err"; then
  echo "a design without RTL accepted"; exit 1
fi
grep -q 'pe.design=bitfusion has no RTL to build' "$dir/err" || { cat "$dir/err"; exit 1; }
[ ! -e "$dir/params.vc" ]

# A bad YAML gives a clear error and no parameter files.
rm -f "$dir/params.vc"
sed -e 's/^\(  weight_bits:\) *[0-9]*/\1 5/' -e "s|^energy: *|energy: $config_dir/|" \
    "$default_yaml" > "$dir/bad.yaml"
if "$gen" "$dir/bad.yaml" mixpe_core "$dir" 2> "$dir/err"; then echo "bad YAML accepted"; exit 1; fi
grep -q 'pe.weight_bits: expected 2, 3, 4 or 8 for pe.design=mixpe, got 5' "$dir/err"
[ ! -e "$dir/params.vc" ]
echo "ok"
