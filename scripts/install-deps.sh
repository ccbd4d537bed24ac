#!/usr/bin/env bash
# Installs the Debian packages mixpe needs, skipping those already installed (idempotent).
set -euo pipefail

# clang and its runtimes: the libFuzzer targets of `make fuzz` (docs/robustness.md). time: GNU
# time, the wall time and peak memory bench/performance.sh prints.
packages=(g++ make cmake verilator zlib1g-dev yosys libyaml-cpp-dev libcli11-dev libgtest-dev
          libsystemc-dev nlohmann-json3-dev gnuplot-nox clang libclang-rt-14-dev time)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    sudo="sudo"
  else
    echo "install-deps: missing packages (${missing[*]}) and not root; install them as root" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
