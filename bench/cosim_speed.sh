#!/usr/bin/env bash
# Prints simulated cycles per second of the co-simulation and of the bare Verilator harness on the
# same RTL and layer (default: the first layer of the default trace), and their ratio.
# usage: bench/cosim_speed.sh [build-dir] [trace.yaml] [layer] [repeats]
set -euo pipefail
build=${1:-build}
shift || true
cmake --build "$build" --target mixpe_bench_cosim_speed >/dev/null
SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1 "$build/mixpe_bench_cosim_speed" "$@"
