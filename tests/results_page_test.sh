#!/usr/bin/env bash
# docs/results.md and docs/results/reference.csv are what `make results` (scripts/results.sh)
# generates: the analytical comparison is rerun (seconds) into a temporary directory, the
# RTL-grounded figures summed again from the committed kept runs in docs/results/runs/ (their run
# takes hours; the page says when it has none), and the page and docs/results/rtl.csv must equal
# the committed ones byte for byte, with every plot drawn. A change to the model, the designs or the traces that moves a figure fails here until
# the page is regenerated.
# usage: tests/results_page_test.sh <build-dir>
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rtl=(--no-rtl)
plots=(reference_time.png reference_energy.png)
pages=(docs/results.md docs/results/reference.csv)
if [ -f "$root/docs/results/rtl.csv" ]; then
  rtl=(--rtl-from "$root/docs/results")
  pages+=(docs/results/rtl.csv)
  plots+=(rtl_time.png rtl_energy.png)
fi
bash "$root/scripts/results.sh" --build "$1" --out "$tmp" "${rtl[@]}" >/dev/null
for f in "${pages[@]}"; do
  if ! cmp -s "$root/$f" "$tmp/$f"; then
    echo "$f differs from what scripts/results.sh generates (run make results):"
    diff "$root/$f" "$tmp/$f" | head -20
    exit 1
  fi
done
for png in "${plots[@]}"; do
  [ -s "$tmp/docs/results/$png" ] || { echo "docs/results/$png was not drawn"; exit 1; }
done
echo "${pages[*]} are what scripts/results.sh generates"
