#!/usr/bin/env bash
# docs/results.md and docs/results/reference.csv are what `make results` (scripts/results.sh)
# generates: regenerated into a temporary directory, they must equal the committed files byte for
# byte, and both plots must be drawn. A change to the model, the designs or the traces that moves
# a figure fails here until the page is regenerated.
# usage: tests/results_page_test.sh <build-dir>
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bash "$root/scripts/results.sh" "$1" "$tmp" >/dev/null
for f in docs/results.md docs/results/reference.csv; do
  if ! cmp -s "$root/$f" "$tmp/$f"; then
    echo "$f differs from what scripts/results.sh generates (run make results):"
    diff "$root/$f" "$tmp/$f" | head -20
    exit 1
  fi
done
for png in reference_time.png reference_energy.png; do
  [ -s "$tmp/docs/results/$png" ] || { echo "docs/results/$png was not drawn"; exit 1; }
done
echo "docs/results.md and docs/results/reference.csv are what scripts/results.sh generates"
