#!/usr/bin/env bash
# Runs the area proxy and checks its table: every row counted, and narrow weights cheaper.
# usage: area_test.sh <synth/area.sh>
set -euo pipefail
table=$(bash "$1")
rows=$(grep -c '^| \(PE\|product\)' <<<"$table")
[ "$rows" -eq 16 ] || { echo "expected 16 rows, got $rows"; echo "$table"; exit 1; }
w4=$(grep '| PE (acc 32) | W4 x A8 | shifts and adds' <<<"$table" | awk -F'|' '{print $7}')
w8mul=$(grep '| PE (acc 32) | W8 x A8 | `\*`' <<<"$table" | awk -F'|' '{print $7}')
[ "$w4" -gt 0 ] && [ "$w8mul" -gt 0 ] || { echo "unparsed counts"; exit 1; }
[ "$w4" -lt "$w8mul" ] || { echo "W4 PE ($w4) not smaller than INT8 multiplier PE ($w8mul)"; exit 1; }
echo "ok: W4xA8 PE $w4 transistors, INT8xINT8 multiplier PE $w8mul"
