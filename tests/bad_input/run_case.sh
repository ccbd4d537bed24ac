#!/usr/bin/env bash
# Runs one case of the bad-input suite (tests/bad_input/cases.txt, docs/robustness.md) and checks
# that mixpe refused the input cleanly: the expected exit status (never a signal), the expected
# message on stderr, no trace of a crash, and the scratch directory, where every output the case
# asks for goes, exactly as it was before the command (no new file, no changed one).
# usage: run_case.sh <mixpe> <case name>
#        run_case.sh --check    (the table itself: fields, unique names, the files it names exist)
set -u
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
cases=$here/cases.txt

# The fields of a case line "name | status | expected | arguments", into name, status, expected
# and args; returns 1 if the line does not have them.
split_case() {
  local rest=$1
  [[ $rest == *" | "*" | "*" | "* ]] || return 1
  name=${rest%% | *}
  rest=${rest#* | }
  status=${rest%% | *}
  rest=${rest#* | }
  expected=${rest%% | *}
  args=${rest#* | }
  [[ $name =~ ^[a-z0-9_]+$ && $status =~ ^[0-9]+$ && -n $expected && -n $args ]]
}

if [ "${1:-}" = "--check" ]; then
  declare -A seen=()
  bad=0
  count=0
  while IFS= read -r line; do
    [[ -z $line || $line == \#* ]] && continue
    if ! split_case "$line"; then
      echo "malformed case line: $line"
      bad=1
      continue
    fi
    count=$((count + 1))
    if [ -n "${seen[$name]:-}" ]; then
      echo "case $name is listed twice"
      bad=1
    fi
    seen[$name]=1
    for word in $args; do
      if [[ $word == @DIR@/* && ! -e $here/${word#@DIR@/} ]]; then
        echo "case $name: no file ${word#@DIR@/} in tests/bad_input"
        bad=1
      fi
      if [[ $word == @SRC@/* && ! -e $src/${word#@SRC@/} ]]; then
        echo "case $name: no file ${word#@SRC@/} in the repository"
        bad=1
      fi
    done
  done <"$cases"
  [ "$bad" -eq 0 ] && echo "ok: $count cases"
  exit "$bad"
fi

mixpe=$1
wanted=$2
line=$(grep -E "^$wanted \| " "$cases")
if [ -z "$line" ] || ! split_case "$line"; then
  echo "no case named $wanted in $cases"
  exit 1
fi

# The cases that co-simulate (run without --fast, verify) are written for the hardware of
# configs/default.yaml, which the RTL inside mixpe must match: a mixpe built from another config
# (make run CONFIG=...) skips them. The --config default that `--help` shows is the build's.
subcommand=${args%% *}
if [[ ($subcommand == run && " $args " != *" --fast "*) || $subcommand == verify ]]; then
  help=$("$mixpe" "$subcommand" --help 2>/dev/null)
  built=$(sed -n 's/.*--config TEXT=\([^ ]*\).*/\1/p' <<<"$help")
  if [ "$(realpath -m -- "$built")" != "$(realpath -- "$src/configs/default.yaml")" ]; then
    echo "skipped: $wanted co-simulates configs/default.yaml's hardware;" \
      "this mixpe is built from $built"
    exit 77
  fi
fi

out=$(mktemp -d)
logs=$(mktemp -d)
trap 'rm -rf "$out" "$logs"' EXIT
# Placeholders: @DIR@ this directory, @SRC@ the repository, @OUT@ the scratch directory (the
# command's working directory too), @KEEP@ the same, for a file that exists before the command
# and must be left unchanged; +keep=<file> makes such a file and is no argument.
q_dir=$(printf %q "$here")
q_src=$(printf %q "$src")
q_out=$(printf %q "$out")
kept_args=
set -f  # the words are not globs
for word in $args; do
  kept=
  if [[ $word == *@KEEP@/* ]]; then kept=${word#*@KEEP@/}; fi
  if [[ $word == +keep=* ]]; then kept=${word#+keep=}; else kept_args+=" $word"; fi
  if [ -n "$kept" ]; then
    mkdir -p "$(dirname "$out/$kept")"
    printf 'a file that was there before the command\n' >"$out/$kept"
  fi
done
args=$kept_args
args=${args//@DIR@/$q_dir}
args=${args//@SRC@/$q_src}
args=${args//@OUT@/$q_out}
args=${args//@KEEP@/$q_out}
eval "argv=($args)"

# Every path under the scratch directory, and every file's checksum.
snapshot() {
  (cd "$out" && find . | sort && find . -type f -print0 | sort -z | xargs -0 -r md5sum)
}
before=$(snapshot)

# An input that is not refused could allocate without bound: cap the address space (not under
# AddressSanitizer, which reserves terabytes of it).
limit=unlimited
if ! grep -aq __asan_init "$mixpe"; then limit=$((8 * 1024 * 1024)); fi  # KiB
(ulimit -v "$limit" && cd "$out" && exec "$mixpe" "${argv[@]}") >"$logs/stdout" \
  2>"$logs/stderr" </dev/null
code=$?
stderr=$(cat "$logs/stderr")
stdout=$(cat "$logs/stdout")
after=$(snapshot)

fail() {
  echo "FAIL: $wanted: $1"
  echo "command: mixpe ${argv[*]}"
  echo "exit status: $code"
  echo "--- stderr:"
  echo "$stderr"
  echo "--- stdout:"
  echo "$stdout"
  exit 1
}

[ "$code" -ge 128 ] && fail "killed by signal $((code - 128))"
# (E549: an exception that reached SystemC; "internal error": one that mixpe caught, but did not
# expect.)
for crash in "terminate called" "Segmentation" "Aborted" "core dumped" "Sanitizer" \
  "runtime error:" "what():" "Assertion" "std::bad_alloc" "uncaught exception" "(E549)" \
  "internal error"; do
  grep -qF -- "$crash" <<<"$stderr$stdout" && fail "output shows a crash ('$crash')"
done
[ "$code" -eq 0 ] && fail "the command succeeded"
[ "$code" -ne "$status" ] && fail "expected exit status $status"
# The expected text: fragments separated by " ... " must appear on stderr in this order.
rest=$stderr
fragments=$expected
while :; do
  fragment=${fragments%% ... *}
  if [[ $rest != *"$fragment"* ]]; then
    fail "stderr lacks '$fragment' (of '$expected')"
  fi
  rest=${rest#*"$fragment"}
  [[ $fragments == *" ... "* ]] || break
  fragments=${fragments#* ... }
done
if [ "$before" != "$after" ]; then
  fail "the outputs changed although the command failed:
$(diff <(echo "$before") <(echo "$after"))"
fi
echo "ok: $wanted: exit $code, '$expected', no output left behind"
