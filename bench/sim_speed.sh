#!/usr/bin/env bash
# Prints the simulation speed of the Verilator harness for the array of the main hardware YAML.
# usage: bench/sim_speed.sh [build-dir]
set -euo pipefail
build=${1:-build}
cmake --build "$build" --target mixpe_bench_sim_speed >/dev/null
"$build/mixpe_bench_sim_speed" 4096 32 3
