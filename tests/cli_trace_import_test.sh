#!/usr/bin/env bash
# mixpe trace, import and run's machine-readable reports, end to end: what they write loads back
# and runs; bad input fails with exit 2, a message, and no file left behind.
# usage: cli_trace_import_test.sh <mixpe> <source dir>
set -euo pipefail
mixpe=$1
src=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

expect_fail() {  # <pattern> <command...>: exit 2 and the pattern in the output
  local pattern=$1
  shift
  set +e
  local out
  out=$("$@" 2>&1)
  local code=$?
  set -e
  [ "$code" -eq 2 ] || { echo "expected exit 2, got $code from: $*"; echo "$out"; exit 1; }
  grep -q -- "$pattern" <<<"$out" || { echo "no /$pattern/ in: $out"; exit 1; }
}

# trace: Llama-3-8B at decode with the KV cache; the trace loads and maps on the default config.
"$mixpe" trace --hf-config "$src/traces/hf/llama3_8b.json" --phase decode --batch 16 --seq-len 4096 \
  --attention -o "$dir/llama3.yaml" 2>/dev/null
grep -q "{name: k_proj, *m: 16, k: 4096, *n: 1024, *repeat: 32}" "$dir/llama3.yaml"
# (Output captured first: grep -q stops reading at its match, and under pipefail the writer's
# SIGPIPE would fail the pipeline whenever the machine is slow.)
schedules=$("$mixpe" compile --trace "$dir/llama3.yaml" --layer k_proj --layer attn_value)
grep -q '^name=attn_value$' <<<"$schedules"
expect_fail "decode" "$mixpe" trace --hf-config "$src/traces/hf/vit_base_patch16_224.json" --phase decode \
  --batch 1 --seq-len 16 -o "$dir/vit.yaml"
[ ! -e "$dir/vit.yaml" ]

# import: the shipped GEMM topology and .cfg; the trace compiles on the imported config.
"$mixpe" import --topology "$src/tests/data/scalesim/llm_block_gemm.csv" \
  --cfg "$src/tests/data/scalesim/systolic_32x32_os.cfg" \
  --output-trace "$dir/t.yaml" --output-config "$dir/c.yaml" >/dev/null 2>&1
grep -q "^  rows: 32" "$dir/c.yaml"
"$mixpe" compile --trace "$dir/t.yaml" --config "$dir/c.yaml" >/dev/null
expect_fail "needs --output-config" "$mixpe" import --topology "$src/tests/data/scalesim/llm_block_gemm.csv" \
  --cfg "$src/tests/data/scalesim/systolic_32x32_os.cfg" --output-trace "$dir/t2.yaml"
printf 'Layer, M, N, K,\nfc, 16, 64,\n' >"$dir/bad.csv"
expect_fail "bad.csv:2" "$mixpe" import --topology "$dir/bad.csv" --output-trace "$dir/t3.yaml"
[ ! -e "$dir/t2.yaml" ] && [ ! -e "$dir/t3.yaml" ]

# run --json and --csv: one layer of the small trace; the JSON parses, the CSV has the layer and
# the total, both PASS, with the roofline.
"$mixpe" run --trace "$src/tests/data/small_core_trace.yaml" --layer full_tiles \
  --json "$dir/r.json" --csv "$dir/r.csv" >/dev/null
python3 - "$dir/r.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
layer = r["layers"][0]
assert layer["name"] == "full_tiles" and layer["bit_exact"], layer
assert 0 < layer["roofline"]["reached"] <= 1, layer["roofline"]
assert layer["roofline"]["cycles"] <= layer["cycles"], layer
assert abs(sum(v for k, v in layer["energy_uJ"].items() if k != "total") - layer["energy_uJ"]["total"]) < 1e-9
assert r["total"]["cycles"] == layer["cycles"] * layer["repeat"]
PY
[ "$(wc -l <"$dir/r.csv")" -eq 3 ]
head -1 "$dir/r.csv" | grep -q "^layer,m,k,n,repeat,formats,tile_plan,cycles,model_cycles,time_us"
grep -q "^full_tiles,32,256,32,1,.*,PASS$" "$dir/r.csv"
grep -q "^total,.*,PASS$" "$dir/r.csv"
expect_fail "--core-only runs the core alone" "$mixpe" run --core-only --json "$dir/x.json"
echo ok
