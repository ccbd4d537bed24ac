// Tests of LoadHfConfig, MakeModelTrace and WriteLayerTrace: every shipped traces/hf config's keys
// and layer shapes against hand-computed values, decode against prefill, the attention products,
// the written YAML line by line and read back by LoadLayerTrace, and every refusal with its
// message.
#include "compiler/model_trace.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <ostream>
#include <string>
#include <vector>

#include "compiler/layer_trace.h"
#include "model/hardware_config.h"
#include "model/input_error.h"
#include "tests/input_test_util.h"

namespace mixpe {
namespace {

using testing_util::BadEdit;
using testing_util::BadEditName;
using testing_util::ContainsAll;
using testing_util::IsFieldError;
using testing_util::ReplaceOnce;
using testing_util::WriteTempFile;

constexpr int64_t kMaxDim = int64_t{1} << 20;

std::string HfConfig(const std::string& file) {
  return std::string(MIXPE_SOURCE_DIR) + "/traces/hf/" + file;
}

TraceRequest Request(const std::string& phase, int64_t batch, int64_t seq_len) {
  TraceRequest r;
  r.phase = phase;
  r.batch = batch;
  r.seq_len = seq_len;
  return r;
}

TraceRequest WithAttention(TraceRequest r, int kv_bits, int64_t kv_group) {
  r.attention = true;
  r.kv_bits = kv_bits;
  r.kv_group = kv_group;
  return r;
}

// One expected GEMM: name, M, K, N and repeat.
struct Gemm {
  std::string name;
  int64_t m, k, n, repeat;
};

void ExpectGemms(const LayerTrace& trace, const std::vector<Gemm>& expected) {
  ASSERT_EQ(trace.layers.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    const GemmLayer& l = trace.layers[i];
    const Gemm& e = expected[i];
    SCOPED_TRACE("layer " + std::to_string(i) + " " + e.name);
    EXPECT_EQ(l.name, e.name);
    EXPECT_EQ(l.m, e.m);
    EXPECT_EQ(l.k, e.k);
    EXPECT_EQ(l.n, e.n);
    EXPECT_EQ(l.repeat, e.repeat);
    EXPECT_EQ(l.index, static_cast<int>(i));
  }
}

// The message of the InputError `f` throws; fails the test if it throws nothing.
template <typename F>
std::string ErrorOf(F f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  ADD_FAILURE() << "an InputError was expected";
  return "";
}

// --- The shipped configs -------------------------------------------------------------------------

// The published values (traces/hf/README.md), typed again by hand.
struct ShippedConfig {
  std::string file;
  std::string model_type;
  int64_t hidden, intermediate, layers, heads, kv_heads, head_dim, vocab, image, patch, window;
};

void PrintTo(const ShippedConfig& c, std::ostream* os) { *os << c.file; }

const std::vector<ShippedConfig>& ShippedConfigs() {
  static const std::vector<ShippedConfig> configs = {
      {"llama2_7b.json", "llama", 4096, 11008, 32, 32, 32, 128, 32000, 0, 0, 0},
      {"llama2_13b.json", "llama", 5120, 13824, 40, 40, 40, 128, 32000, 0, 0, 0},
      {"llama3_8b.json", "llama", 4096, 14336, 32, 32, 8, 128, 128256, 0, 0, 0},
      {"opt_6_7b.json", "opt", 4096, 16384, 32, 32, 32, 128, 50272, 0, 0, 0},
      {"mistral_7b.json", "mistral", 4096, 14336, 32, 32, 8, 128, 32000, 0, 0, 4096},
      {"vit_base_patch16_224.json", "vit", 768, 3072, 12, 12, 12, 64, 0, 224, 16, 0},
      {"vit_huge_patch14_224.json", "vit", 1280, 5120, 32, 16, 16, 80, 0, 224, 14, 0},
  };
  return configs;
}

class ShippedConfigTest : public testing::TestWithParam<ShippedConfig> {};

TEST_P(ShippedConfigTest, LoadsThePublishedValues) {
  const ShippedConfig& e = GetParam();
  const HfModelConfig c = LoadHfConfig(HfConfig(e.file));
  EXPECT_EQ(c.source_file, HfConfig(e.file));
  EXPECT_EQ(c.model_type, e.model_type);
  EXPECT_EQ(c.hidden_size, e.hidden);
  EXPECT_EQ(c.intermediate_size, e.intermediate);
  EXPECT_EQ(c.num_layers, e.layers);
  EXPECT_EQ(c.num_heads, e.heads);
  EXPECT_EQ(c.num_kv_heads, e.kv_heads);
  EXPECT_EQ(c.head_dim, e.head_dim);
  EXPECT_EQ(c.vocab_size, e.vocab);
  EXPECT_EQ(c.image_size, e.image);
  EXPECT_EQ(c.patch_size, e.patch);
  EXPECT_EQ(c.sliding_window, e.window);
}

// Language models: decode has one row per sequence, prefill one per prompt token; K, N and the
// repeat do not change. ViT: one row per image token, and no decode (refused: see
// RefusesWhatAVitCannotDo).
TEST_P(ShippedConfigTest, DecodeHasOneRowPerSequencePrefillOnePerToken) {
  const ShippedConfig& e = GetParam();
  const HfModelConfig c = LoadHfConfig(HfConfig(e.file));
  const bool vit = e.model_type == "vit";
  const int64_t tokens = vit ? (e.image / e.patch) * (e.image / e.patch) + 1 : 512;
  const LayerTrace prefill = MakeModelTrace(c, Request("prefill", 3, vit ? 0 : 512));
  const LayerTrace decode = vit ? prefill : MakeModelTrace(c, Request("decode", 3, 512));
  ASSERT_EQ(prefill.layers.size(), decode.layers.size());
  ASSERT_EQ(prefill.layers.size(), e.model_type == "llama" || e.model_type == "mistral" ? 7u : 6u);
  for (size_t i = 0; i < prefill.layers.size(); ++i) {
    SCOPED_TRACE(prefill.layers[i].name);
    EXPECT_EQ(prefill.layers[i].m, 3 * tokens);
    EXPECT_EQ(decode.layers[i].m, vit ? 3 * tokens : 3);
    EXPECT_EQ(prefill.layers[i].k, decode.layers[i].k);
    EXPECT_EQ(prefill.layers[i].n, decode.layers[i].n);
    EXPECT_EQ(prefill.layers[i].repeat, e.layers);
    EXPECT_EQ(decode.layers[i].repeat, e.layers);
  }
}

// Everything the generator can emit (attention, LM head, formats) is written and read back by
// LoadLayerTrace to the same layers, which resolve on configs/default.yaml. ViT's 197 and 257
// tokens are primes: key groups of 1 token.
TEST_P(ShippedConfigTest, WrittenTraceLoadsBackToTheSameLayers) {
  const ShippedConfig& e = GetParam();
  const HfModelConfig c = LoadHfConfig(HfConfig(e.file));
  const bool vit = e.model_type == "vit";
  const HardwareConfig config = LoadHardwareConfig(MIXPE_SOURCE_DIR "/configs/default.yaml");
  for (const std::string phase : {"prefill", "decode"}) {
    if (vit && phase == "decode") continue;
    TraceRequest r = WithAttention(Request(phase, 2, vit ? 0 : 1024), 4, vit ? 1 : 64);
    r.lm_head = !vit;
    r.weights = "int4_g128";
    r.seed = 99;
    const LayerTrace made = MakeModelTrace(c, r);
    const std::string path = WriteTempFile(WriteLayerTrace(made, ModelTraceComment(c, r)));
    const LayerTrace loaded = LoadLayerTrace(path);
    SCOPED_TRACE(phase + " trace written to " + path);
    EXPECT_EQ(loaded.model, made.model);
    EXPECT_EQ(loaded.seed, 99u);
    ASSERT_EQ(loaded.layers.size(), made.layers.size());
    for (size_t i = 0; i < made.layers.size(); ++i) {
      const GemmLayer& a = made.layers[i];
      const GemmLayer& b = loaded.layers[i];
      SCOPED_TRACE(a.name);
      EXPECT_EQ(b.name, a.name);
      EXPECT_EQ(b.index, a.index);
      EXPECT_EQ(b.m, a.m);
      EXPECT_EQ(b.k, a.k);
      EXPECT_EQ(b.n, a.n);
      EXPECT_EQ(b.repeat, a.repeat);
      EXPECT_EQ(b.weights, a.weights);
      EXPECT_EQ(b.activations, a.activations);
      EXPECT_EQ(b.attention.present(), a.attention.present());
      EXPECT_EQ(b.attention.product, a.attention.product);
      EXPECT_EQ(b.attention.batch, a.attention.batch);
      EXPECT_EQ(b.attention.heads, a.attention.heads);
      EXPECT_EQ(b.attention.kv_heads, a.attention.kv_heads);
      EXPECT_EQ(b.attention.head_dim, a.attention.head_dim);
      EXPECT_EQ(b.attention.queries, a.attention.queries);
      EXPECT_EQ(b.attention.kv_len, a.attention.kv_len);
      EXPECT_EQ(b.attention.kv_bits, a.attention.kv_bits);
      EXPECT_EQ(b.attention.kv_group, a.attention.kv_group);
      EXPECT_EQ(b.attention.layers, a.attention.layers);
      // And it runs on the default hardware: K is a whole number of groups and blocks.
      EXPECT_NO_THROW(ResolveLayerFormats(b, config));
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Hf, ShippedConfigTest, testing::ValuesIn(ShippedConfigs()),
                         [](const testing::TestParamInfo<ShippedConfig>& info) {
                           return info.param.file.substr(0, info.param.file.find('.'));
                         });

// --- Layer shapes against hand-computed values ---------------------------------------------------

// Decode, batch 16: the seven layers of traces/llama2_7b_decoder_block.yaml (M = 16), each once
// per block of 32.
TEST(ModelTraceTest, Llama2Of7bDecodeIsTheShippedDecoderBlockTimes32) {
  const LayerTrace trace =
      MakeModelTrace(LoadHfConfig(HfConfig("llama2_7b.json")), Request("decode", 16, 4096));
  ExpectGemms(trace, {{"q_proj", 16, 4096, 4096, 32},
                      {"k_proj", 16, 4096, 4096, 32},
                      {"v_proj", 16, 4096, 4096, 32},
                      {"o_proj", 16, 4096, 4096, 32},
                      {"gate_proj", 16, 4096, 11008, 32},
                      {"up_proj", 16, 4096, 11008, 32},
                      {"down_proj", 16, 11008, 4096, 32}});
  const LayerTrace block = LoadLayerTrace(MIXPE_SOURCE_DIR "/traces/llama2_7b_decoder_block.yaml");
  ASSERT_EQ(block.layers.size(), trace.layers.size());
  for (size_t i = 0; i < block.layers.size(); ++i) {
    EXPECT_EQ(trace.layers[i].name, block.layers[i].name);
    EXPECT_EQ(trace.layers[i].m, block.layers[i].m);
    EXPECT_EQ(trace.layers[i].k, block.layers[i].k);
    EXPECT_EQ(trace.layers[i].n, block.layers[i].n);
  }
  // Formats: the config's defaults everywhere.
  for (const GemmLayer& layer : trace.layers) {
    EXPECT_EQ(layer.weights, "");
    EXPECT_EQ(layer.activations, "");
  }
}

// Prefill, batch 2 x 512 tokens: M = 1024; hidden 5120, intermediate 13824, 40 blocks.
TEST(ModelTraceTest, Llama2Of13bPrefill) {
  ExpectGemms(MakeModelTrace(LoadHfConfig(HfConfig("llama2_13b.json")), Request("prefill", 2, 512)),
              {{"q_proj", 1024, 5120, 5120, 40},
               {"k_proj", 1024, 5120, 5120, 40},
               {"v_proj", 1024, 5120, 5120, 40},
               {"o_proj", 1024, 5120, 5120, 40},
               {"gate_proj", 1024, 5120, 13824, 40},
               {"up_proj", 1024, 5120, 13824, 40},
               {"down_proj", 1024, 13824, 5120, 40}});
}

// Grouped-query attention: 8 KV heads of 128 channels, so k_proj and v_proj have N = 8 x 128 =
// 1024. The LM head (vocab 128256) runs once, on the last position of each sequence.
TEST(ModelTraceTest, Llama3Of8bPrefillWithLmHead) {
  TraceRequest r = Request("prefill", 1, 2048);
  r.lm_head = true;
  ExpectGemms(MakeModelTrace(LoadHfConfig(HfConfig("llama3_8b.json")), r),
              {{"q_proj", 2048, 4096, 4096, 32},
               {"k_proj", 2048, 4096, 1024, 32},
               {"v_proj", 2048, 4096, 1024, 32},
               {"o_proj", 2048, 4096, 4096, 32},
               {"gate_proj", 2048, 4096, 14336, 32},
               {"up_proj", 2048, 4096, 14336, 32},
               {"down_proj", 2048, 14336, 4096, 32},
               {"lm_head", 1, 4096, 128256, 1}});
}

// OPT: out_proj, fc1 and fc2 (ffn_dim 16384), no gate; vocab 50272.
TEST(ModelTraceTest, OptOf6p7bDecodeWithLmHead) {
  TraceRequest r = Request("decode", 8, 1024);
  r.lm_head = true;
  ExpectGemms(MakeModelTrace(LoadHfConfig(HfConfig("opt_6_7b.json")), r),
              {{"q_proj", 8, 4096, 4096, 32},
               {"k_proj", 8, 4096, 4096, 32},
               {"v_proj", 8, 4096, 4096, 32},
               {"out_proj", 8, 4096, 4096, 32},
               {"fc1", 8, 4096, 16384, 32},
               {"fc2", 8, 16384, 4096, 32},
               {"lm_head", 8, 4096, 50272, 1}});
}

TEST(ModelTraceTest, Mistral7bDecode) {
  ExpectGemms(MakeModelTrace(LoadHfConfig(HfConfig("mistral_7b.json")), Request("decode", 4, 2048)),
              {{"q_proj", 4, 4096, 4096, 32},
               {"k_proj", 4, 4096, 1024, 32},
               {"v_proj", 4, 4096, 1024, 32},
               {"o_proj", 4, 4096, 4096, 32},
               {"gate_proj", 4, 4096, 14336, 32},
               {"up_proj", 4, 4096, 14336, 32},
               {"down_proj", 4, 14336, 4096, 32}});
}

// ViT-Base/16 at 224: (224/16)^2 = 196 patches + the class token = 197 rows per image.
TEST(ModelTraceTest, VitBaseOneImageHas197Rows) {
  const HfModelConfig c = LoadHfConfig(HfConfig("vit_base_patch16_224.json"));
  EXPECT_EQ(c.image_tokens(), 197);
  const std::vector<Gemm> expected = {{"attention.attention.query", 197, 768, 768, 12},
                                      {"attention.attention.key", 197, 768, 768, 12},
                                      {"attention.attention.value", 197, 768, 768, 12},
                                      {"attention.output.dense", 197, 768, 768, 12},
                                      {"intermediate.dense", 197, 768, 3072, 12},
                                      {"output.dense", 197, 3072, 768, 12}};
  ExpectGemms(MakeModelTrace(c, Request("prefill", 1, 0)), expected);
  // The sequence may be given, if it is the image's.
  ExpectGemms(MakeModelTrace(c, Request("prefill", 1, 197)), expected);
}

// ViT-Huge/14 at 224: (224/14)^2 + 1 = 257 tokens, batch 2: M = 514.
TEST(ModelTraceTest, VitHugeBatchOfTwo) {
  ExpectGemms(
      MakeModelTrace(LoadHfConfig(HfConfig("vit_huge_patch14_224.json")), Request("prefill", 2, 0)),
      {{"attention.attention.query", 514, 1280, 1280, 32},
       {"attention.attention.key", 514, 1280, 1280, 32},
       {"attention.attention.value", 514, 1280, 1280, 32},
       {"attention.output.dense", 514, 1280, 1280, 32},
       {"intermediate.dense", 514, 1280, 5120, 32},
       {"output.dense", 514, 5120, 1280, 32}});
}

TEST(ModelTraceTest, FormatsAndSeedApplyToEveryLinearLayer) {
  TraceRequest r = WithAttention(Request("decode", 1, 256), 2, 32);
  r.weights = "mxfp4";
  r.activations = "fp16";
  r.lm_head = true;
  r.seed = 7;
  const LayerTrace trace = MakeModelTrace(LoadHfConfig(HfConfig("llama2_7b.json")), r);
  EXPECT_EQ(trace.seed, 7u);
  for (const GemmLayer& layer : trace.layers) {
    SCOPED_TRACE(layer.name);
    EXPECT_EQ(layer.weights, layer.attention.present() ? "int2_gch" : "mxfp4");
    EXPECT_EQ(layer.activations, "fp16");
  }
}

// --- Attention
// ------------------------------------------------------------------------------------

// Llama-3-8B decode, batch 16 over a 4096-token 2-bit cache in key groups of 32: M = 1 query x
// 32/8 heads per KV head = 4. Score: K = 128, N = 32, 16 x 8 x 4096/32 GEMMs per block; value:
// K = 4096, N = 128, 16 x 8 per block; 32 blocks. Between v_proj and o_proj.
TEST(ModelTraceTest, Llama3Of8bDecodeAttention) {
  const LayerTrace trace = MakeModelTrace(LoadHfConfig(HfConfig("llama3_8b.json")),
                                          WithAttention(Request("decode", 16, 4096), 2, 32));
  ExpectGemms(trace, {{"q_proj", 16, 4096, 4096, 32},
                      {"k_proj", 16, 4096, 1024, 32},
                      {"v_proj", 16, 4096, 1024, 32},
                      {"attn_score", 4, 128, 32, 16 * 8 * 128 * 32},
                      {"attn_value", 4, 4096, 128, 16 * 8 * 32},
                      {"o_proj", 16, 4096, 4096, 32},
                      {"gate_proj", 16, 4096, 14336, 32},
                      {"up_proj", 16, 4096, 14336, 32},
                      {"down_proj", 16, 14336, 4096, 32}});
  const AttentionShape& s = trace.layers[3].attention;
  EXPECT_EQ(s.product, AttentionProduct::kScore);
  EXPECT_EQ(s.batch, 16);
  EXPECT_EQ(s.heads, 32);
  EXPECT_EQ(s.kv_heads, 8);
  EXPECT_EQ(s.head_dim, 128);
  EXPECT_EQ(s.queries, 1);
  EXPECT_EQ(s.kv_len, 4096);
  EXPECT_EQ(s.kv_bits, 2);
  EXPECT_EQ(s.kv_group, 32);
  EXPECT_EQ(s.layers, 32);
  EXPECT_EQ(trace.layers[3].weights, "int2_gch");
  EXPECT_EQ(trace.layers[3].activations, "fp16");
  const AttentionShape& v = trace.layers[4].attention;
  EXPECT_EQ(v.product, AttentionProduct::kValue);
  EXPECT_EQ(v.kv_group, 0);
  EXPECT_EQ(v.layers, 32);
}

// Prefill: every prompt token is a query over the whole prompt (M = 512, value K = 512).
TEST(ModelTraceTest, Llama2Of7bPrefillAttentionIsTheFullProduct) {
  const LayerTrace trace = MakeModelTrace(LoadHfConfig(HfConfig("llama2_7b.json")),
                                          WithAttention(Request("prefill", 1, 512), 4, 32));
  const GemmLayer& s = trace.layers[3];
  const GemmLayer& v = trace.layers[4];
  EXPECT_EQ(s.name, "attn_score");
  EXPECT_EQ(s.m, 512);
  EXPECT_EQ(s.k, 128);
  EXPECT_EQ(s.n, 32);
  EXPECT_EQ(s.repeat, 1 * 32 * 16 * 32);
  EXPECT_EQ(s.weights, "int4_gch");
  EXPECT_EQ(v.name, "attn_value");
  EXPECT_EQ(v.m, 512);
  EXPECT_EQ(v.k, 512);
  EXPECT_EQ(v.n, 128);
  EXPECT_EQ(v.repeat, 32 * 32);
}

// The shipped one-block attention trace (decode, batch 16, 4096 tokens, 2 bits, groups of 32) is
// the generator's attention for LLaMA-2-7B with layers: 1 instead of 32.
TEST(ModelTraceTest, Llama2Of7bDecodeAttentionMatchesTheShippedKiviTrace) {
  const LayerTrace made = MakeModelTrace(LoadHfConfig(HfConfig("llama2_7b.json")),
                                         WithAttention(Request("decode", 16, 4096), 2, 32));
  const LayerTrace shipped =
      LoadLayerTrace(MIXPE_SOURCE_DIR "/traces/llama2_7b_attention_kivi.yaml");
  ASSERT_EQ(shipped.layers.size(), 2u);
  for (int i = 0; i < 2; ++i) {
    const GemmLayer& a = made.layers[3 + i];
    const GemmLayer& b = shipped.layers[i];
    SCOPED_TRACE(b.name);
    EXPECT_EQ(a.name, b.name);
    EXPECT_EQ(a.m, b.m);
    EXPECT_EQ(a.k, b.k);
    EXPECT_EQ(a.n, b.n);
    EXPECT_EQ(a.repeat, 32 * b.repeat);
    EXPECT_EQ(a.weights, b.weights);
  }
}

// Mistral-7B's rolling cache holds its 4096-token sliding window: at decode a longer context
// attends over 4096 tokens; the prefill product stays full (masking is not modelled).
TEST(ModelTraceTest, MistralDecodeAttendsOverTheSlidingWindow) {
  const HfModelConfig c = LoadHfConfig(HfConfig("mistral_7b.json"));
  const LayerTrace decode = MakeModelTrace(c, WithAttention(Request("decode", 1, 8192), 2, 32));
  EXPECT_EQ(decode.layers[3].attention.kv_len, 4096);
  EXPECT_EQ(decode.layers[4].k, 4096);
  EXPECT_EQ(decode.layers[3].repeat, 8 * 128 * 32);
  const LayerTrace short_decode =
      MakeModelTrace(c, WithAttention(Request("decode", 1, 1024), 2, 32));
  EXPECT_EQ(short_decode.layers[4].k, 1024);
  const LayerTrace prefill = MakeModelTrace(c, WithAttention(Request("prefill", 1, 8192), 2, 32));
  EXPECT_EQ(prefill.layers[4].k, 8192);
  EXPECT_EQ(prefill.layers[4].m, 8192 * 4);
}

// ViT: every token of an image attends to every other (M = 197 per head, value K = 197).
TEST(ModelTraceTest, VitAttentionOverTheImageTokens) {
  const LayerTrace trace = MakeModelTrace(LoadHfConfig(HfConfig("vit_base_patch16_224.json")),
                                          WithAttention(Request("prefill", 2, 0), 4, 1));
  ExpectGemms(trace, {{"attention.attention.query", 394, 768, 768, 12},
                      {"attention.attention.key", 394, 768, 768, 12},
                      {"attention.attention.value", 394, 768, 768, 12},
                      {"attn_score", 197, 64, 1, 2 * 12 * 197 * 12},
                      {"attn_value", 197, 197, 64, 2 * 12 * 12},
                      {"attention.output.dense", 394, 768, 768, 12},
                      {"intermediate.dense", 394, 768, 3072, 12},
                      {"output.dense", 394, 3072, 768, 12}});
}

// --- Writing
// ---------------------------------------------------------------------------------------

// The whole text, typed by hand: one flow mapping per layer, columns aligned as in the shipped
// traces, the header as comments.
TEST(ModelTraceTest, WrittenTraceTextLineByLine) {
  TraceRequest r = WithAttention(Request("decode", 16, 4096), 2, 32);
  r.lm_head = true;
  const LayerTrace trace = MakeModelTrace(LoadHfConfig(HfConfig("llama2_7b.json")), r);
  const std::string text = WriteLayerTrace(trace, "first line\n\nthird line");
  const std::vector<std::string> expected = {
      "# first line",
      "#",
      "# third line",
      "version: 1",
      "model: llama2_7b (llama), decode, batch 16, 4096-token KV cache, KIVI 2-bit KV cache, LM "
      "head",
      "seed: 2024",
      "layers:",
      "  - {name: q_proj,     m: 16, k: 4096,  n: 4096,  repeat: 32}",
      "  - {name: k_proj,     m: 16, k: 4096,  n: 4096,  repeat: 32}",
      "  - {name: v_proj,     m: 16, k: 4096,  n: 4096,  repeat: 32}",
      "  - {name: attn_score, attention: {product: score, batch: 16, heads: 32, kv_heads: 32, "
      "head_dim: 128, queries: 1, kv_len: 4096, kv_bits: 2, kv_group: 32, layers: 32}}",
      "  - {name: attn_value, attention: {product: value, batch: 16, heads: 32, kv_heads: 32, "
      "head_dim: 128, queries: 1, kv_len: 4096, kv_bits: 2, layers: 32}}",
      "  - {name: o_proj,     m: 16, k: 4096,  n: 4096,  repeat: 32}",
      "  - {name: gate_proj,  m: 16, k: 4096,  n: 11008, repeat: 32}",
      "  - {name: up_proj,    m: 16, k: 4096,  n: 11008, repeat: 32}",
      "  - {name: down_proj,  m: 16, k: 11008, n: 4096,  repeat: 32}",
      "  - {name: lm_head,    m: 16, k: 4096,  n: 32000}",
  };
  std::vector<std::string> lines;
  size_t start = 0;
  for (size_t end; (end = text.find('\n', start)) != std::string::npos; start = end + 1) {
    lines.push_back(text.substr(start, end - start));
  }
  EXPECT_EQ(start, text.size()) << "the text must end with a newline";
  ASSERT_EQ(lines.size(), expected.size()) << text;
  for (size_t i = 0; i < expected.size(); ++i) EXPECT_EQ(lines[i], expected[i]) << "line " << i;
}

// The writer serves any trace: every key of the shipped and test traces (formats, loop orders,
// tile blocks, convolutions, attention) survives a write and a load.
TEST(ModelTraceTest, ShippedTracesSurviveAWriteAndALoad) {
  for (const std::string file :
       {"/traces/llama2_7b_decoder_block.yaml", "/traces/llama2_7b_attention_kivi.yaml",
        "/tests/data/small_core_trace.yaml"}) {
    SCOPED_TRACE(file);
    const LayerTrace original = LoadLayerTrace(MIXPE_SOURCE_DIR + file);
    const LayerTrace again = LoadLayerTrace(WriteTempFile(WriteLayerTrace(original, "")));
    EXPECT_EQ(again.model, original.model);
    EXPECT_EQ(again.seed, original.seed);
    ASSERT_EQ(again.layers.size(), original.layers.size());
    for (size_t i = 0; i < original.layers.size(); ++i) {
      const GemmLayer& a = original.layers[i];
      const GemmLayer& b = again.layers[i];
      SCOPED_TRACE(a.name);
      EXPECT_EQ(b.name, a.name);
      EXPECT_EQ(b.m, a.m);
      EXPECT_EQ(b.k, a.k);
      EXPECT_EQ(b.n, a.n);
      EXPECT_EQ(b.repeat, a.repeat);
      EXPECT_EQ(b.weights, a.weights);
      EXPECT_EQ(b.activations, a.activations);
      EXPECT_EQ(b.loop_order, a.loop_order);
      EXPECT_EQ(b.block_m_tiles, a.block_m_tiles);
      EXPECT_EQ(b.block_n_tiles, a.block_n_tiles);
      EXPECT_EQ(b.conv.batch, a.conv.batch);
      EXPECT_EQ(b.conv.channels, a.conv.channels);
      EXPECT_EQ(b.conv.height, a.conv.height);
      EXPECT_EQ(b.conv.width, a.conv.width);
      EXPECT_EQ(b.conv.kernel, a.conv.kernel);
      EXPECT_EQ(b.conv.stride, a.conv.stride);
      EXPECT_EQ(b.conv.padding, a.conv.padding);
      EXPECT_EQ(b.attention.kv_group, a.attention.kv_group);
      EXPECT_EQ(b.attention.kv_heads, a.attention.kv_heads);
      EXPECT_EQ(b.attention.queries, a.attention.queries);
    }
  }
}

// Names and model text that YAML would misread unquoted are quoted, and read back verbatim.
TEST(ModelTraceTest, StringsYamlWouldMisreadAreQuoted) {
  const std::vector<std::string> names = {
      "a: b",        "x, y",  "#hash",  "tail #c", "{brace}", "[list]",  "quote\"d",
      "back\\slash", "true",  "null",   "123",     "1e3",     "- dash",  "-",
      "~",           " lead", "trail ", "tab\t",   "é",       "q.k",     "a:b",
      "@at",         "*star", "&amp",   "!bang",   "%pct",    "'single'"};
  LayerTrace trace;
  trace.model = "model: with, every \"kind\" # of thing";
  trace.seed = 1;
  for (const std::string& name : names) {
    GemmLayer layer;
    layer.name = name;
    layer.m = 1;
    layer.k = 16;
    layer.n = 1;
    trace.layers.push_back(layer);
  }
  const LayerTrace loaded = LoadLayerTrace(WriteTempFile(WriteLayerTrace(trace, "")));
  EXPECT_EQ(loaded.model, trace.model);
  ASSERT_EQ(loaded.layers.size(), names.size());
  for (size_t i = 0; i < names.size(); ++i) EXPECT_EQ(loaded.layers[i].name, names[i]);
  // Plain where YAML reads them verbatim.
  trace.model = "LLaMA-2-7B decoder block, decode batch 16";
  trace.layers.resize(1);
  trace.layers[0].name = "attention.output.dense";
  EXPECT_NE(WriteLayerTrace(trace, "").find("model: LLaMA-2-7B decoder block, decode batch 16\n"),
            std::string::npos);
  EXPECT_NE(WriteLayerTrace(trace, "").find("{name: attention.output.dense, m: 1"),
            std::string::npos);
}

TEST(ModelTraceTest, WriterRefusesWhatWouldNotLoad) {
  LayerTrace trace;
  trace.model = "m";
  GemmLayer layer;
  layer.name = "big";
  layer.m = kMaxDim + 1;
  layer.k = 16;
  layer.n = 16;
  EXPECT_TRUE(ContainsAll(ErrorOf([&] { WriteLayerTrace(trace, ""); }), {"without layers"}));
  trace.layers = {layer};
  EXPECT_TRUE(
      ContainsAll(ErrorOf([&] { WriteLayerTrace(trace, ""); }),
                  {"layers[0] (big)", "m=1048577 is outside the trace's range [1, 1048576]"}));
  trace.layers[0].m = 16;
  trace.layers[0].repeat = kMaxDim + 1;
  EXPECT_TRUE(ContainsAll(ErrorOf([&] { WriteLayerTrace(trace, ""); }), {"repeat=1048577"}));
  trace.layers[0].repeat = 1;
  trace.layers.push_back(trace.layers[0]);
  EXPECT_TRUE(ContainsAll(ErrorOf([&] { WriteLayerTrace(trace, ""); }),
                          {"layers[1] (big)", "name is used twice"}));
  trace.layers.pop_back();
  trace.layers[0].attention.batch = 1;
  trace.layers[0].attention.heads = 1;
  trace.layers[0].attention.kv_heads = 1;
  trace.layers[0].attention.head_dim = 64;
  trace.layers[0].attention.queries = 1;
  trace.layers[0].attention.kv_len = 64;
  trace.layers[0].attention.kv_bits = 8;
  trace.layers[0].attention.kv_group = 32;
  EXPECT_TRUE(ContainsAll(ErrorOf([&] { WriteLayerTrace(trace, ""); }),
                          {"attention.kv_bits=8 is outside the trace's range [2, 4]"}));
  trace.layers[0].attention.kv_bits = 3;
  EXPECT_TRUE(ContainsAll(ErrorOf([&] { WriteLayerTrace(trace, ""); }),
                          {"attention.kv_bits=3: expected 2 or 4"}));
  trace.model = "";
  EXPECT_TRUE(ContainsAll(ErrorOf([&] { WriteLayerTrace(trace, ""); }), {"model text"}));
}

// --- Refused configs ----------------------------------------------------------------------------

// Llama-3-8B's keys with grouped-query attention and a null key the loader must take as absent.
constexpr char kValidConfig[] = R"({
  "architectures": ["LlamaForCausalLM"],
  "head_dim": null,
  "hidden_size": 4096,
  "intermediate_size": 14336,
  "model_type": "llama",
  "num_attention_heads": 32,
  "num_hidden_layers": 32,
  "num_key_value_heads": 8,
  "rope_theta": 500000.0,
  "vocab_size": 128256
}
)";

std::string LoadError(const std::string& path) {
  return ErrorOf([&] { LoadHfConfig(path); });
}

TEST(HfConfigTest, TheValidConfigLoadsWithItsDefaults) {
  const HfModelConfig c = LoadHfConfig(WriteTempFile(kValidConfig));
  EXPECT_EQ(c.head_dim, 128);
  EXPECT_EQ(c.num_kv_heads, 8);
  const HfModelConfig no_kv =
      LoadHfConfig(WriteTempFile(ReplaceOnce(kValidConfig, "\"num_key_value_heads\": 8,", "")));
  EXPECT_EQ(no_kv.num_kv_heads, 32);
  const HfModelConfig null_kv = LoadHfConfig(WriteTempFile(
      ReplaceOnce(kValidConfig, "\"num_key_value_heads\": 8", "\"num_key_value_heads\": null")));
  EXPECT_EQ(null_kv.num_kv_heads, 32);
}

// A given head_dim wins over hidden / heads, which then need not divide (e.g. 24 heads of 128 on
// a hidden size of 4096): q_proj has N = heads x head_dim, o_proj K = heads x head_dim.
TEST(HfConfigTest, AGivenHeadDimSetsTheProjections) {
  const std::string text =
      ReplaceOnce(ReplaceOnce(kValidConfig, "\"head_dim\": null", "\"head_dim\": 128"),
                  "\"num_attention_heads\": 32", "\"num_attention_heads\": 24");
  const HfModelConfig c = LoadHfConfig(WriteTempFile(text));
  EXPECT_EQ(c.head_dim, 128);
  ExpectGemms(MakeModelTrace(c, Request("decode", 2, 64)), {{"q_proj", 2, 4096, 3072, 32},
                                                            {"k_proj", 2, 4096, 1024, 32},
                                                            {"v_proj", 2, 4096, 1024, 32},
                                                            {"o_proj", 2, 3072, 4096, 32},
                                                            {"gate_proj", 2, 4096, 14336, 32},
                                                            {"up_proj", 2, 4096, 14336, 32},
                                                            {"down_proj", 2, 14336, 4096, 32}});
}

class HfConfigBadEditTest : public testing::TestWithParam<BadEdit> {};

TEST_P(HfConfigBadEditTest, IsRejectedNamingTheKeyAndWhatWasExpected) {
  const BadEdit& param = GetParam();
  const std::string path = WriteTempFile(ReplaceOnce(kValidConfig, param.from, param.to));
  EXPECT_TRUE(IsFieldError(LoadError(path), path, param.key_path, param.expected_words));
}

INSTANTIATE_TEST_SUITE_P(
    Keys, HfConfigBadEditTest,
    testing::Values(
        BadEdit{"MissingHiddenSize",
                "\"hidden_size\": 4096,",
                "",
                "hidden_size",
                {"missing required key", "[1, 2147483647]"}},
        BadEdit{"MissingModelType", "\"model_type\": \"llama\",", "", "model_type", {"missing"}},
        BadEdit{"SizeAsString",
                "\"hidden_size\": 4096",
                "\"hidden_size\": \"4096\"",
                "hidden_size",
                {"expected an integer in [1, 2147483647]", "got the string \"4096\""}},
        BadEdit{"SizeAsFloat",
                "\"intermediate_size\": 14336",
                "\"intermediate_size\": 14336.0",
                "intermediate_size",
                {"expected an integer", "got the floating-point number 14336.0"}},
        BadEdit{"SizeAsBoolean",
                "\"num_hidden_layers\": 32",
                "\"num_hidden_layers\": true",
                "num_hidden_layers",
                {"expected an integer", "got the boolean true"}},
        BadEdit{"RequiredSizeNull",
                "\"num_hidden_layers\": 32",
                "\"num_hidden_layers\": null",
                "num_hidden_layers",
                {"expected an integer", "got null"}},
        BadEdit{"SizeAsList",
                "\"vocab_size\": 128256",
                "\"vocab_size\": [128256]",
                "vocab_size",
                {"expected an integer", "got an array"}},
        BadEdit{"ZeroSize",
                "\"num_hidden_layers\": 32",
                "\"num_hidden_layers\": 0",
                "num_hidden_layers",
                {"[1, 2147483647]", "got 0"}},
        BadEdit{"NegativeSize",
                "\"vocab_size\": 128256",
                "\"vocab_size\": -1",
                "vocab_size",
                {"[1, 2147483647]", "got -1"}},
        BadEdit{"HugeSize",
                "\"hidden_size\": 4096",
                "\"hidden_size\": 2147483648",
                "hidden_size",
                {"[1, 2147483647]", "got 2147483648"}},
        BadEdit{"KvHeadsZero",
                "\"num_key_value_heads\": 8",
                "\"num_key_value_heads\": 0",
                "num_key_value_heads",
                {"got 0"}},
        BadEdit{"HeadDimAsString",
                "\"head_dim\": null",
                "\"head_dim\": \"128\"",
                "head_dim",
                {"got the string \"128\""}},
        BadEdit{"HeadsDoNotDivideHidden",
                "\"num_attention_heads\": 32",
                "\"num_attention_heads\": 24",
                "num_attention_heads",
                {"num_attention_heads=24 does not divide hidden_size=4096", "head_dim"}},
        BadEdit{"KvHeadsDoNotDivideHeads",
                "\"num_key_value_heads\": 8",
                "\"num_key_value_heads\": 5",
                "num_key_value_heads",
                {"num_key_value_heads=5 does not divide num_attention_heads=32"}},
        BadEdit{"UnknownModelType",
                "\"model_type\": \"llama\"",
                "\"model_type\": \"gpt2\"",
                "model_type",
                {"unsupported model type 'gpt2'", "'llama', 'mistral', 'opt' or 'vit'"}},
        BadEdit{"ModelTypeNotAString",
                "\"model_type\": \"llama\"",
                "\"model_type\": 7",
                "model_type",
                {"expected a string, got 7"}}),
    BadEditName);

// OPT reads ffn_dim, and refuses a word embedding narrower than the model (OPT-350m's).
TEST(HfConfigTest, OptKeys) {
  const std::string opt =
      ReplaceOnce(ReplaceOnce(kValidConfig, "\"model_type\": \"llama\"", "\"model_type\": \"opt\""),
                  "\"intermediate_size\": 14336", "\"ffn_dim\": 16384");
  const HfModelConfig c = LoadHfConfig(WriteTempFile(opt));
  EXPECT_EQ(c.intermediate_size, 16384);
  EXPECT_EQ(c.num_kv_heads, 32) << "OPT has no grouped-query attention: the key is ignored";
  const std::string no_ffn = WriteTempFile(ReplaceOnce(opt, "\"ffn_dim\": 16384,", ""));
  EXPECT_TRUE(IsFieldError(LoadError(no_ffn), no_ffn, "ffn_dim", {"missing required key"}));
  const std::string narrow = WriteTempFile(ReplaceOnce(
      opt, "\"vocab_size\": 128256", "\"vocab_size\": 50272, \"word_embed_proj_dim\": 512"));
  EXPECT_TRUE(IsFieldError(LoadError(narrow), narrow, "word_embed_proj_dim",
                           {"expected hidden_size=4096, got 512", "project_in", "not modelled"}));
}

constexpr char kVitConfig[] = R"({"model_type": "vit", "hidden_size": 768,
  "intermediate_size": 3072, "num_hidden_layers": 12, "num_attention_heads": 12,
  "image_size": 224, "patch_size": 16})";

TEST(HfConfigTest, VitKeys) {
  const HfModelConfig c = LoadHfConfig(WriteTempFile(kVitConfig));
  EXPECT_EQ(c.vocab_size, 0);
  EXPECT_EQ(c.image_tokens(), 197);
  const std::string no_image = WriteTempFile(ReplaceOnce(kVitConfig, "\"image_size\": 224,", ""));
  EXPECT_TRUE(IsFieldError(LoadError(no_image), no_image, "image_size", {"missing required key"}));
  const std::string ragged =
      WriteTempFile(ReplaceOnce(kVitConfig, "\"patch_size\": 16", "\"patch_size\": 15"));
  EXPECT_TRUE(IsFieldError(LoadError(ragged), ragged, "patch_size",
                           {"patch_size=15 does not divide image_size=224", "whole patches"}));
  const std::string list_image =
      WriteTempFile(ReplaceOnce(kVitConfig, "\"image_size\": 224", "\"image_size\": [224, 224]"));
  EXPECT_TRUE(IsFieldError(LoadError(list_image), list_image, "image_size", {"got an array"}));
}

TEST(HfConfigTest, FilesThatAreNotAConfig) {
  const std::string missing =
      testing::TempDir() + "mixpe_no_such_config_" + std::to_string(getpid()) + ".json";
  EXPECT_EQ(LoadError(missing), missing + ": cannot open file");
  const std::string dir = std::string(MIXPE_SOURCE_DIR) + "/traces/hf";
  EXPECT_EQ(LoadError(dir), dir + ": is a directory, not a file");

  // The byte offset counts from 1 and points at the offending character: the second comma.
  const std::string text =
      ReplaceOnce(kValidConfig, "\"hidden_size\": 4096,", "\"hidden_size\": 4096,,");
  const std::string bad = WriteTempFile(text);
  const size_t second_comma = text.find(",,") + 1;
  EXPECT_TRUE(ContainsAll(LoadError(bad),
                          {bad + ": invalid JSON at byte " + std::to_string(second_comma + 1) +
                               ": parse error at line 4, column 23",
                           "syntax error"}));
  const std::string truncated = WriteTempFile(std::string(kValidConfig).substr(0, 40));
  EXPECT_TRUE(ContainsAll(LoadError(truncated),
                          {truncated + ": invalid JSON at byte 41", "unexpected end of input"}));
  const std::string empty = WriteTempFile("");
  EXPECT_TRUE(ContainsAll(LoadError(empty), {empty + ": invalid JSON at byte 1"}));
  const std::string yaml = WriteTempFile("model_type: llama\n");
  EXPECT_TRUE(ContainsAll(LoadError(yaml), {yaml + ": invalid JSON at byte 1"}));
  const std::string list = WriteTempFile("[1, 2]");
  EXPECT_EQ(LoadError(list), list + ": expected a JSON object at the top level, got an array");
}

// --- Refused requests
// -----------------------------------------------------------------------------

std::string TraceError(const HfModelConfig& c, const TraceRequest& r) {
  return ErrorOf([&] { MakeModelTrace(c, r); });
}

TEST(ModelTraceTest, RefusesBadRequests) {
  const HfModelConfig llama = LoadHfConfig(HfConfig("llama3_8b.json"));
  EXPECT_EQ(TraceError(llama, Request("train", 1, 16)),
            "--phase: expected 'prefill' or 'decode', got 'train'");
  EXPECT_EQ(TraceError(llama, Request("decode", 0, 16)),
            "--batch: expected an integer in [1, 1048576], got 0");
  EXPECT_EQ(TraceError(llama, Request("decode", kMaxDim + 1, 16)),
            "--batch: expected an integer in [1, 1048576], got 1048577");
  EXPECT_TRUE(ContainsAll(TraceError(llama, Request("prefill", 1, 0)),
                          {"--seq-len: expected an integer in [1, 1048576]", "got 0"}));
  EXPECT_TRUE(ContainsAll(TraceError(llama, Request("decode", 1, kMaxDim + 1)),
                          {"--seq-len: ", "got 1048577"}));

  EXPECT_EQ(TraceError(llama, WithAttention(Request("decode", 1, 64), 3, 32)),
            "--kv-bits: expected 2 or 4 (KIVI's cache widths), got 3");
  EXPECT_EQ(TraceError(llama, WithAttention(Request("decode", 1, 64), 2, 0)),
            "--kv-group: expected an integer in [1, 1048576], got 0");
  EXPECT_TRUE(ContainsAll(TraceError(llama, WithAttention(Request("decode", 1, 4100), 2, 32)),
                          {"--seq-len: the KV length of 4100 tokens is not a multiple of "
                           "kv_group=32"}));
  // Without attention the cache's settings do not matter.
  EXPECT_NO_THROW(MakeModelTrace(llama, Request("decode", 1, 4100)));

  TraceRequest formats = Request("decode", 1, 64);
  formats.weights = "int5_g128";
  EXPECT_TRUE(ContainsAll(TraceError(llama, formats), {"--weights: ", "int5_g128"}));
  formats.weights = "";
  formats.activations = "fp9";
  EXPECT_TRUE(ContainsAll(TraceError(llama, formats), {"--activations: ", "fp9"}));
  TraceRequest seed = Request("decode", 1, 64);
  seed.seed = (uint64_t{1} << 62) + 1;
  EXPECT_TRUE(ContainsAll(TraceError(llama, seed), {"--seed: ", "got 4611686018427387905"}));
}

TEST(ModelTraceTest, RefusesWhatAVitCannotDo) {
  const std::string path = HfConfig("vit_base_patch16_224.json");
  const HfModelConfig vit = LoadHfConfig(path);
  EXPECT_TRUE(ContainsAll(
      TraceError(vit, Request("decode", 1, 0)),
      {"--phase: a ViT (model_type 'vit' in " + path + ")", "no decode phase; use prefill"}));
  EXPECT_TRUE(
      ContainsAll(TraceError(vit, Request("prefill", 1, 196)),
                  {"--seq-len: ", "(224/16)^2 patches + 1 class token = 197 tokens", "got 196"}));
  TraceRequest head = Request("prefill", 1, 0);
  head.lm_head = true;
  EXPECT_TRUE(ContainsAll(TraceError(vit, head), {"--lm-head: ", "has no LM head"}));
  EXPECT_TRUE(ContainsAll(TraceError(vit, WithAttention(Request("prefill", 1, 0), 2, 32)),
                          {"--kv-group: the KV length of 197 tokens (an image's) is not a "
                           "multiple of kv_group=32"}));
}

// Sizes beyond the trace's limits are refused before anything is written.
TEST(ModelTraceTest, RefusesSizesBeyondTheTraceLimits) {
  const HfModelConfig llama = LoadHfConfig(HfConfig("llama3_8b.json"));
  EXPECT_EQ(TraceError(llama, Request("prefill", 1024, 2048)),
            "--batch x --seq-len: the linear layers' M = batch x seq_len = 1024 x 2048 = 2097152 "
            "exceeds the trace's limit of 1048576 rows (docs/trace-format.md)");
  EXPECT_NO_THROW(MakeModelTrace(llama, Request("prefill", 512, 2048)));  // M = 2^20 exactly
  const HfModelConfig vit = LoadHfConfig(HfConfig("vit_base_patch16_224.json"));
  EXPECT_TRUE(ContainsAll(TraceError(vit, Request("prefill", 6000, 0)),
                          {"--batch: ", "6000 x 197 = 1182000 exceeds"}));
  const std::string tiny_patches = WriteTempFile(
      ReplaceOnce(ReplaceOnce(kVitConfig, "\"image_size\": 224", "\"image_size\": 2048"),
                  "\"patch_size\": 16", "\"patch_size\": 1"));
  EXPECT_EQ(TraceError(LoadHfConfig(tiny_patches), Request("prefill", 1, 0)),
            tiny_patches +
                ": patch_size: (image_size/patch_size)^2 + 1 = 4194305 tokens per image exceed "
                "the trace's limit of 1048576 rows");

  // Config sizes: N of the MLP, N of the LM head, the repeat of the blocks.
  const std::string wide = WriteTempFile(
      ReplaceOnce(kValidConfig, "\"intermediate_size\": 14336", "\"intermediate_size\": 2000000"));
  EXPECT_EQ(TraceError(LoadHfConfig(wide), Request("decode", 1, 64)),
            wide +
                ": intermediate_size: layer gate_proj's N = 2000000 exceeds the trace's limit "
                "of 1048576 (docs/trace-format.md)");
  TraceRequest head = Request("decode", 1, 64);
  head.lm_head = true;
  const std::string vocab =
      WriteTempFile(ReplaceOnce(kValidConfig, "\"vocab_size\": 128256", "\"vocab_size\": 1048577"));
  EXPECT_NO_THROW(MakeModelTrace(LoadHfConfig(vocab), Request("decode", 1, 64)));
  EXPECT_TRUE(ContainsAll(TraceError(LoadHfConfig(vocab), head),
                          {vocab + ": vocab_size: layer lm_head's N = 1048577 exceeds"}));
  const std::string deep = WriteTempFile(
      ReplaceOnce(kValidConfig, "\"num_hidden_layers\": 32", "\"num_hidden_layers\": 1048577"));
  EXPECT_TRUE(ContainsAll(TraceError(LoadHfConfig(deep), Request("decode", 1, 64)),
                          {deep + ": num_hidden_layers: 1048577 blocks exceed"}));

  // Attention: M = queries x 4 query heads per KV head; the repeat over all blocks.
  EXPECT_TRUE(
      ContainsAll(TraceError(llama, WithAttention(Request("prefill", 1, 1 << 19), 2, 32)),
                  {"--seq-len: the attention products' M", "524288 x 4 = 2097152 exceeds"}));
  const HfModelConfig llama2 = LoadHfConfig(HfConfig("llama2_7b.json"));
  // Per block 2^20 x 32 x 4096/32 = 2^32 score GEMMs, the most allowed; x 32 blocks is not.
  EXPECT_EQ(TraceError(llama2, WithAttention(Request("decode", kMaxDim, 4096), 2, 32)),
            "--batch: the attention score product occurs 137438953472 times over 32 blocks "
            "(batch x kv_heads x kv_len/kv_group x layers), more than the trace's limit of "
            "4294967296; lower --batch or --seq-len, or raise --kv-group");
  EXPECT_TRUE(
      ContainsAll(TraceError(llama2, WithAttention(Request("decode", kMaxDim, kMaxDim), 2, 1)),
                  {"--batch: the attention score product occurs 35184372088832 times per block"}));
}

}  // namespace
}  // namespace mixpe
