#!/usr/bin/env bash
# Checks that mixpe_rtl_params turns a hardware YAML into matching Verilator -G overrides: a copy
# of the default config with other rows, cols and accumulator_bits must give exactly those
# parameters.
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
-GFp4Weights=1"
actual=$(grep -v '^//' "$dir/params.vc")
if [ "$actual" != "$expected" ]; then
  echo "params.vc does not follow the YAML:"; echo "$actual"; exit 1
fi
grep -q 'kRows = 3;' "$dir/rtl_params.h"
grep -q 'kAccBits = 33;' "$dir/rtl_params.h"
# A bad YAML gives a clear error and no parameter files.
rm -f "$dir/params.vc"
sed -e 's/^\(  weight_bits:\) *[0-9]*/\1 5/' -e "s|^energy: *|energy: $config_dir/|" \
    "$default_yaml" > "$dir/bad.yaml"
if "$gen" "$dir/bad.yaml" mixpe_core "$dir" 2> "$dir/err"; then echo "bad YAML accepted"; exit 1; fi
grep -q 'pe.weight_bits: expected 2, 3, 4 or 8 for pe.design=mixpe, got 5' "$dir/err"
[ ! -e "$dir/params.vc" ]
echo "ok"
