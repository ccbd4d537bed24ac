#!/usr/bin/env bash
# The long random regression (`make regress`), outside CI: `mixpe verify` (docs/verify.md) on the
# default config and on every test config of tests/configs/ (the MixPE cores of several shapes
# and widths, and the INT8 and FP16 baseline cores), each from its own build of the RTL, many
# cases each, from one seed. Prints each config's verdict and coverage, then a summary; exits 1
# if any case failed. A failure prints the command that reproduces it alone.
# usage: scripts/regress.sh [--count N] [--seed S] [--configs LIST] [--build DIR] [--jobs N]
#                           [--mixpe BIN]
#   --count   cases per config (default 20000: a few minutes per config on one core)
#   --seed    the first case's seed (default: drawn from the clock, and printed)
#   --configs comma-separated hardware YAMLs (default: configs/default.yaml, tests/configs/*.yaml)
#   --build   where the per-config builds go: DIR/regress-<config> (default build/)
#   --jobs    parallel compile jobs of each build (default: nproc)
#   --mixpe   run this mixpe binary on the one config it was built from instead of building
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
count=20000
seed=$(( $(date +%s) % 1000000007 ))
configs=()
build=$root/build
jobs=$(nproc)
mixpe=
while [ $# -gt 0 ]; do
  case $1 in
    --count) count=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --configs) IFS=, read -r -a configs <<<"$2"; shift 2 ;;
    --build) mkdir -p "$2"; build=$(cd "$2" && pwd); shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    --mixpe) mixpe=$(cd "$(dirname "$2")" && pwd)/$(basename "$2"); shift 2 ;;
    *) echo "usage: scripts/regress.sh [--count N] [--seed S] [--configs LIST] [--build DIR]" \
         "[--jobs N] [--mixpe BIN]" >&2
       exit 2 ;;
  esac
done
cd "$root"
if [ ${#configs[@]} -eq 0 ]; then
  configs=(configs/default.yaml tests/configs/*.yaml)
fi
if [ -n "$mixpe" ] && [ ${#configs[@]} -ne 1 ]; then
  echo "error: --mixpe runs the one config its binary was built from; give one --configs" >&2
  exit 2
fi
for cfg in "${configs[@]}"; do
  [ -f "$cfg" ] || { echo "error: --configs: $cfg: no such file" >&2; exit 2; }
done

echo "mixpe regression: ${#configs[@]} configs x $count cases from seed $seed"
summary=()
failed=0
for cfg in "${configs[@]}"; do
  name=$(basename "$cfg" .yaml)
  bin=$mixpe
  if [ -z "$bin" ]; then
    dir=$build/regress-$name
    echo "building $name ($cfg) in $dir"
    cmake -S "$root" -B "$dir" -DCMAKE_BUILD_TYPE=Release -DMIXPE_CONFIG="$root/$cfg" \
      -DMIXPE_WAVES=OFF >/dev/null
    cmake --build "$dir" -j "$jobs" --target mixpe >/dev/null
    bin=$dir/mixpe
  fi
  log=$(mktemp)
  status=0
  # The progress bar goes to the terminal (stderr); the verdict and coverage to the log.
  "$bin" verify --config "$cfg" --seed "$seed" --count "$count" >"$log" || status=$?
  cat "$log"
  verdict=$(tail -n 1 "$log")
  coverage=$(sed -n 's/^coverage over [0-9]* cases: //p' "$log")
  rm -f "$log"
  if [ "$status" -ne 0 ]; then
    failed=1
    summary+=("FAIL $name: $verdict; $coverage")
  else
    summary+=("ok   $name: $verdict; $coverage")
  fi
done
echo
echo "summary (seed $seed, $count cases per config):"
printf '  %s\n' "${summary[@]}"
if [ "$failed" -ne 0 ]; then
  echo "FAILED: reproduce a case with the command its FAIL line prints, from that config's build"
  exit 1
fi
echo "all configs passed"
