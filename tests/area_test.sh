#!/usr/bin/env bash
# Runs the area proxy on its quick subset (`area.sh --quick`: the W4 and W8 PEs, the FP16 aligner
# at BlockSize 4, the per-element dequantization multiplier; the full table takes about six
# minutes) and checks it: every row counted (area.sh fails on an uncounted cell), and narrow
# weights cheaper.
# usage: area_test.sh <synth/area.sh>
set -euo pipefail
table=$(bash "$1" --quick)
rows=$(grep -c '^| \(PE\|product\|FP16\|per-\)' <<<"$table")
[ "$rows" -eq 6 ] || { echo "expected 6 rows, got $rows"; echo "$table"; exit 1; }
# Every count (the last three columns) is a number, and every unit has gates.
bad=$(grep '^| \(PE\|FP16\|per-\)' <<<"$table" |
      awk -F'|' '{ n = NF - 1; if ($(n-2) !~ /^ [0-9]+ $/ || $(n-1) !~ /^ [0-9]+ $/ ||
                               $n !~ /^ [0-9]+ $/ || $n + 0 == 0) print }')
[ -z "$bad" ] || { echo "uncounted rows:"; echo "$bad"; exit 1; }
w4=$(grep '| PE (acc 32) | W4 x A8 | shifts and adds' <<<"$table" | awk -F'|' '{print $7 + 0}')
w8mul=$(grep '| PE (acc 32) | W8 x A8 | `\*`' <<<"$table" | awk -F'|' '{print $7 + 0}')
[ "$w4" -lt "$w8mul" ] || { echo "W4 PE ($w4) not smaller than INT8 multiplier PE ($w8mul)"; exit 1; }
echo "ok: W4xA8 PE $w4 transistors, INT8xINT8 multiplier PE $w8mul"
