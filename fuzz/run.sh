#!/usr/bin/env bash
# Runs the parsers' fuzz targets (docs/robustness.md), or replays their seeds and kept regression
# inputs once. Each target's seeds are the repository's real inputs of its kind, the committed
# fuzz/seeds/<target>/ and fuzz/regressions/<target>/; the schedule target's are written by
# fuzz_schedule_seeds. A fuzz run keeps what it learns in <work-dir>/<target>/corpus, so a later
# run goes on from there.
#
#   fuzz/run.sh --bin-dir DIR [--work-dir DIR] [--time SECONDS] [--jobs N] [TARGET...]
#               [-- LIBFUZZER_FLAG...]
#   fuzz/run.sh --replay --bin-dir DIR [--work-dir DIR] [TARGET...]
#
# --bin-dir   where the fuzz_<target> programs are (<build>/fuzz): a MIXPE_FUZZ build's
#             (libFuzzer) to fuzz; any build's to replay (a normal build's run each file once)
# --work-dir  seeds, corpora, logs and crash inputs (default: <bin-dir>/runs)
# --time      seconds of fuzzing per target (default 60)
# --jobs      targets fuzzed at the same time (default 1)
# TARGET      hardware_config energy_table layer_trace schedule_text scalesim_topology
#             scalesim_config (default: all)
# --          the rest goes to every libFuzzer run (e.g. -max_len=65536 for longer inputs)
# Exit status: 0 if no target violated its contract (docs/robustness.md), 1 otherwise.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
all_targets=(hardware_config energy_table layer_trace schedule_text scalesim_topology
             scalesim_config)
bin_dir=""
work_dir=""
seconds=60
jobs=1
replay=0
targets=()
libfuzzer_flags=()
while [ $# -gt 0 ]; do
  case "$1" in
    --bin-dir) bin_dir="$2"; shift 2 ;;
    --work-dir) work_dir="$2"; shift 2 ;;
    --time) seconds="$2"; shift 2 ;;
    --jobs) jobs="$2"; shift 2 ;;
    --replay) replay=1; shift ;;
    --) shift; libfuzzer_flags=("$@"); break ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done
if [ -z "$bin_dir" ]; then
  echo "run.sh: --bin-dir is required (see --help)" >&2
  exit 2
fi
bin_dir="$(cd "$bin_dir" && pwd)"
work_dir="${work_dir:-$bin_dir/runs}"
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")
for t in "${targets[@]}"; do
  if [[ ! " ${all_targets[*]} " =~ " $t " ]]; then
    echo "run.sh: unknown target '$t' (known: ${all_targets[*]})" >&2
    exit 2
  fi
  if [ ! -x "$bin_dir/fuzz_$t" ]; then
    echo "run.sh: $bin_dir/fuzz_$t is not built" >&2
    exit 2
  fi
done

# The repository's inputs of each target's kind (globs relative to the repository).
# tests/bad_input/ holds the bad-input suite's files, each wrong in one way.
seed_globs() {
  case "$1" in
    hardware_config) echo "configs/*.yaml configs/reference/*.yaml tests/configs/*.yaml
                           tests/data/config_*.yaml tests/bad_input/config_*.yaml" ;;
    energy_table) echo "configs/energy/*.yaml configs/reference/energy/*.yaml
                        tests/bad_input/energy_*.yaml" ;;
    layer_trace) echo "traces/*.yaml traces/reference/*.yaml tests/data/*trace*.yaml
                       tests/bad_input/trace_*.yaml" ;;
    schedule_text) echo "tests/bad_input/schedules_*/*.schedule" ;;
    scalesim_topology) echo "tests/data/scalesim/*.csv tests/bad_input/topo_*" ;;
    scalesim_config) echo "tests/data/scalesim/*.cfg tests/bad_input/cfg_*" ;;
  esac
}

dictionary() {
  case "$1" in
    hardware_config|energy_table|layer_trace) echo "$repo/fuzz/dict/yaml.dict" ;;
    schedule_text) echo "$repo/fuzz/dict/schedule.dict" ;;
    scalesim_topology|scalesim_config) echo "$repo/fuzz/dict/scalesim.dict" ;;
  esac
}

# Fills <work>/<target>/seeds afresh; names keep their origin, so a report can be traced back.
gather_seeds() {
  local t="$1" seeds="$work_dir/$1/seeds" file name
  rm -rf "$seeds"
  mkdir -p "$seeds"
  (
    cd "$repo"
    shopt -s nullglob
    for file in $(seed_globs "$t") fuzz/seeds/"$t"/* fuzz/regressions/"$t"/*; do
      [ -f "$file" ] || continue
      name="${file//\//_}"
      cp "$file" "$seeds/$name"
    done
  )
  if [ "$t" = schedule_text ]; then
    "$bin_dir/fuzz_schedule_seeds" "$seeds" >/dev/null
  fi
  if [ -z "$(ls -A "$seeds")" ]; then
    echo "run.sh: no seeds for $t" >&2
    return 1
  fi
}

# One target: replayed or fuzzed, its output in <work>/<target>/log, its exit status in .../status.
run_target() {
  local t="$1" dir="$work_dir/$1" status=0 start
  start=$(date +%s)
  if [ $replay -eq 1 ]; then
    "$bin_dir/fuzz_$t" "$dir"/seeds/* </dev/null >"$dir/log" 2>&1 || status=$?
  else
    mkdir -p "$dir/corpus"
    # -timeout: seconds one input may take; -rss_limit_mb / -malloc_limit_mb: memory of the
    # process and of one allocation. Any of them exceeded is a finding, like a crash.
    "$bin_dir/fuzz_$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -malloc_limit_mb=512 -dict="$(dictionary "$t")" -artifact_prefix="$dir/" \
      -print_final_stats=1 ${libfuzzer_flags[@]+"${libfuzzer_flags[@]}"} "$dir/corpus" \
      "$dir/seeds" </dev/null >"$dir/log" 2>&1 || status=$?
  fi
  echo "$status $(($(date +%s) - start))" >"$dir/status"
}

for t in "${targets[@]}"; do
  mkdir -p "$work_dir/$t"
  rm -f "$work_dir/$t"/crash-* "$work_dir/$t"/leak-* "$work_dir/$t"/timeout-* \
        "$work_dir/$t"/oom-* "$work_dir/$t"/slow-unit-* "$work_dir/$t/status"
  gather_seeds "$t"
done

for t in "${targets[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || true; done
  run_target "$t" &
done
wait

failed=()
for t in "${targets[@]}"; do
  dir="$work_dir/$t"
  read -r status elapsed <"$dir/status"
  inputs=$(ls "$dir/seeds" | wc -l)
  if [ $replay -eq 1 ]; then
    summary="replayed $inputs inputs"
  else
    runs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$dir/log" | awk '{print $2}' || true)
    summary="${runs:-?} runs from $inputs seeds, corpus $(ls "$dir/corpus" | wc -l) inputs"
  fi
  if [ "$status" -eq 0 ]; then
    echo "fuzz $t: ok in ${elapsed}s: $summary"
    continue
  fi
  failed+=("$t")
  echo "fuzz $t: FAILED (exit $status) after ${elapsed}s; the end of $dir/log:"
  tail -n 60 "$dir/log" | sed 's/^/    /'
  for input in "$dir"/crash-* "$dir"/leak-* "$dir"/timeout-* "$dir"/oom-*; do
    [ -f "$input" ] || continue
    echo "  the input ($input), base64:"
    base64 "$input" | head -c 8192 | sed 's/^/    /'
    echo
    echo "  rerun: $bin_dir/fuzz_$t $input"
    echo "  once fixed, keep it: cp $input $repo/fuzz/regressions/$t/"
  done
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: contract violated by ${failed[*]} (docs/robustness.md)" >&2
  exit 1
fi
