#!/usr/bin/env bash
# Runs a command and checks both its exit code and that its combined output matches a regex.
# usage: expect_exit.sh <expected-exit-code> <extended-regex> <command> [args...]
set -u
expected=$1
pattern=$2
shift 2
output=$("$@" 2>&1)
code=$?
if [ "$code" -ne "$expected" ]; then
  echo "expected exit code $expected, got $code from: $*"
  echo "$output"
  exit 1
fi
if ! grep -Eq -- "$pattern" <<<"$output"; then
  echo "output of '$*' does not match /$pattern/:"
  echo "$output"
  exit 1
fi
echo "ok: exit $code, output matches /$pattern/"
