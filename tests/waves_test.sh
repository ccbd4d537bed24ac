#!/usr/bin/env bash
# `mixpe run --trace-waves` writes an FST file: it starts with FST's 329-byte header block
# (block type 0, then the length as a big-endian 64-bit number) and holds the whole layer.
# usage: waves_test.sh <mixpe> <trace.yaml>
set -euo pipefail
mixpe=$1
trace=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$mixpe" run --trace "$trace" --layer short_unit --trace-waves "$dir/short_unit.fst" > "$dir/out.txt"
grep -q "short_unit .* PASS" "$dir/out.txt"
grep -q "waveform: $dir/short_unit.fst" "$dir/out.txt"
header=$(head -c 9 "$dir/short_unit.fst" | od -An -tx1 | tr -d ' \n')
[ "$header" = "000000000000000149" ] || { echo "not an FST file (header $header)"; exit 1; }
size=$(stat -c %s "$dir/short_unit.fst")
[ "$size" -gt 10000 ] || { echo "waveform too small: $size bytes"; exit 1; }
echo "ok: FST waveform of $size bytes"
