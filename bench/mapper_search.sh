#!/usr/bin/env bash
# Prints the mapper's speed and quality on every layer of a trace at decode and at prefill: the
# guided search's candidates, wall time and plan per objective, and how far its choice is from the
# exhaustive search's optimum.
# usage: bench/mapper_search.sh [build-dir] [hardware.yaml] [trace.yaml] [prefill M ...]
set -euo pipefail
build=${1:-build}
config=${2:-configs/default.yaml}
trace=${3:-traces/llama2_7b_decoder_block.yaml}
shift 3 || shift $#
sizes=("$@")
if [ ${#sizes[@]} -eq 0 ]; then sizes=(256 2048); fi
cmake --build "$build" --target mixpe_bench_mapper_search >/dev/null
"$build/mixpe_bench_mapper_search" "$config" "$trace" "${sizes[@]}"
