// Tests of LoadLayerTrace and ResolveLayerFormats: the shipped traces load, bad traces are
// rejected with a message naming the file, the key path (e.g. "layers[1].k") and what was
// expected, and each layer's formats and reduction unit resolve against a hardware config.
#include "compiler/layer_trace.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <ostream>
#include <string>
#include <vector>

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

// A valid two-layer trace; each test edits it with ReplaceOnce. The second layer is in block style
// so that single lines of it can be edited or deleted.
constexpr char kValidTrace[] = R"(version: 1
model: test model
seed: 7
layers:
  - {name: first, m: 16, k: 64, n: 32}
  - name: second
    m: 8
    k: 128
    n: 4
)";

// Loads `path`, expecting it to be rejected; returns the InputError message. Any other exception
// escapes and fails the test, which is what we want: callers must only ever see InputError.
std::string LoadError(const std::string& path) {
  try {
    LoadLayerTrace(path);
  } catch (const InputError& e) {
    return e.what();
  }
  ADD_FAILURE() << path << " loaded, but an InputError was expected";
  return "";
}

// --- Valid traces -------------------------------------------------------------------------------

TEST(LayerTraceTest, ShippedLlamaTraceLoadsAllSevenLayers) {
  const std::string path = MIXPE_SOURCE_DIR "/traces/llama2_7b_decoder_block.yaml";
  const LayerTrace trace = LoadLayerTrace(path);
  EXPECT_EQ(trace.source_file, path);
  EXPECT_EQ(trace.model, "LLaMA-2-7B decoder block, decode batch 16");
  EXPECT_EQ(trace.seed, 2024u);
  ASSERT_EQ(trace.layers.size(), 7u);

  const std::vector<std::string> names = {"q_proj",    "k_proj",  "v_proj",   "o_proj",
                                          "gate_proj", "up_proj", "down_proj"};
  for (size_t i = 0; i < names.size(); ++i) {
    EXPECT_EQ(trace.layers[i].name, names[i]) << "layer " << i;
    EXPECT_EQ(trace.layers[i].m, 16) << "layer " << i;  // decode with a batch of 16
  }

  const GemmLayer& q_proj = trace.layers[0];
  EXPECT_EQ(q_proj.k, 4096);
  EXPECT_EQ(q_proj.n, 4096);

  const GemmLayer& down_proj = trace.layers[6];
  EXPECT_EQ(down_proj.m, 16);
  EXPECT_EQ(down_proj.k, 11008);
  EXPECT_EQ(down_proj.n, 4096);

  // down_proj runs W4A16; the others take the config's defaults.
  for (size_t i = 0; i < 6; ++i) {
    EXPECT_EQ(trace.layers[i].weights, "") << "layer " << i;
    EXPECT_EQ(trace.layers[i].activations, "") << "layer " << i;
  }
  EXPECT_EQ(down_proj.weights, "");
  EXPECT_EQ(down_proj.activations, "fp16");
}

// On the default hardware the trace runs both activation modes, all in units of 128.
TEST(LayerTraceTest, ShippedLlamaTraceRunsW4A8AndW4A16OnTheDefaultConfig) {
  const HardwareConfig config = LoadHardwareConfig(MIXPE_SOURCE_DIR "/configs/default.yaml");
  const LayerTrace trace = LoadLayerTrace(MIXPE_SOURCE_DIR "/traces/llama2_7b_decoder_block.yaml");
  for (const GemmLayer& layer : trace.layers) {
    SCOPED_TRACE(layer.name);
    const LayerFormats f = ResolveLayerFormats(layer, config);
    EXPECT_EQ(f.weights.Name(), "int4_g128");
    EXPECT_EQ(f.activations.Name(), layer.name == "down_proj" ? "fp16" : "int8_token");
    EXPECT_EQ(f.unit, 128);
  }
}

// tests/data/small_core_trace.yaml: one layer per kind of reduction unit on the default config.
TEST(LayerTraceTest, SmallCoreTraceResolvesOnTheDefaultConfig) {
  const HardwareConfig config = LoadHardwareConfig(MIXPE_SOURCE_DIR "/configs/default.yaml");
  const LayerTrace trace = LoadLayerTrace(MIXPE_SOURCE_DIR "/tests/data/small_core_trace.yaml");
  const struct {
    const char* weights;
    const char* activations;
    int unit;
  } expected[] = {
      {"int4_g128", "int8_token", 128}, {"mxint4", "mxint8", 32},
      {"nvfp4", "int8_token", 16},      {"intmix234_g128", "fp16", 128},
      {"int4_g128_asym", "fp16", 128},  {"int4_g128", "int8_token", 128},  // conv3x3, K = 1152
      {"int4_gch", "fp16", 64},    // attn_score, K = head_dim 64
      {"int4_gch", "fp16", 128}};  // attn_value, K = kv_len 256
  ASSERT_EQ(trace.layers.size(), std::size(expected));
  for (size_t i = 0; i < trace.layers.size(); ++i) {
    SCOPED_TRACE(trace.layers[i].name);
    const LayerFormats f = ResolveLayerFormats(trace.layers[i], config);
    EXPECT_EQ(f.weights.Name(), expected[i].weights);
    EXPECT_EQ(f.activations.Name(), expected[i].activations);
    EXPECT_EQ(f.unit, expected[i].unit);
  }
}

// The failure tests below edit kValidTrace; this shows it is valid before the edit, and that flow
// and block style layers read the same.
TEST(LayerTraceTest, UneditedTestTraceLoadsInOrder) {
  const std::string path = WriteTempFile(kValidTrace);
  const LayerTrace trace = LoadLayerTrace(path);
  EXPECT_EQ(trace.source_file, path);
  EXPECT_EQ(trace.model, "test model");
  EXPECT_EQ(trace.seed, 7u);
  ASSERT_EQ(trace.layers.size(), 2u);
  EXPECT_EQ(trace.layers[0].name, "first");
  EXPECT_EQ(trace.layers[0].m, 16);
  EXPECT_EQ(trace.layers[0].k, 64);
  EXPECT_EQ(trace.layers[0].n, 32);
  EXPECT_EQ(trace.layers[1].name, "second");
  EXPECT_EQ(trace.layers[1].m, 8);
  EXPECT_EQ(trace.layers[1].k, 128);
  EXPECT_EQ(trace.layers[1].n, 4);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(trace.layers[i].weights, "");  // the config's defaults
    EXPECT_EQ(trace.layers[i].activations, "");
    EXPECT_EQ(trace.layers[i].source_file, path);
    EXPECT_EQ(trace.layers[i].index, static_cast<int>(i));
  }
}

TEST(LayerTraceTest, FormatNamesAreKeptAsWritten) {
  const std::string path = WriteTempFile(ReplaceOnce(
      kValidTrace, "    n: 4\n", "    n: 4\n    weights: mxfp4\n    activations: fp16\n"));
  const LayerTrace trace = LoadLayerTrace(path);
  EXPECT_EQ(trace.layers[1].weights, "mxfp4");
  EXPECT_EQ(trace.layers[1].activations, "fp16");
  EXPECT_EQ(trace.layers[0].weights, "");
}

TEST(LayerTraceTest, LargestDimensionIsAccepted) {
  // 2^20 = 1048576.
  const std::string path = WriteTempFile(ReplaceOnce(kValidTrace, "k: 128", "k: 1048576"));
  EXPECT_EQ(LoadLayerTrace(path).layers[1].k, 1048576);
}

// --- Files and lists that are not a trace -----------------------------------------------------

TEST(LayerTraceTest, MissingFileIsRejectedNamingThePath) {
  const std::string path = testing::TempDir() + "mixpe_no_such_trace.yaml";
  std::remove(path.c_str());
  EXPECT_TRUE(ContainsAll(LoadError(path), {path, "cannot open"}));
}

TEST(LayerTraceTest, MalformedYamlIsRejectedNamingFileAndLine) {
  // An unclosed flow mapping: the parser gives up on the next line, line 6.
  const std::string path = WriteTempFile(
      ReplaceOnce(kValidTrace, "{name: first, m: 16, k: 64, n: 32}", "{name: first, m: 16"));
  EXPECT_TRUE(ContainsAll(LoadError(path), {path + ":6:", "malformed YAML"}));
}

TEST(LayerTraceTest, MissingLayersKeyIsRejected) {
  const std::string path = WriteTempFile("version: 1\nmodel: test model\nseed: 7\n");
  EXPECT_TRUE(IsFieldError(LoadError(path), path, "layers", {"missing"}));
}

TEST(LayerTraceTest, EmptyLayerListIsRejected) {
  const std::string path = WriteTempFile("version: 1\nmodel: test model\nseed: 7\nlayers: []\n");
  EXPECT_TRUE(IsFieldError(LoadError(path), path, "layers", {"non-empty list"}));
}

TEST(LayerTraceTest, LayersAsMappingIsRejected) {
  const std::string path =
      WriteTempFile("version: 1\nmodel: test model\nseed: 7\nlayers: {m: 1, k: 1, n: 1}\n");
  EXPECT_TRUE(IsFieldError(LoadError(path), path, "layers", {"non-empty list", "mapping"}));
}

TEST(LayerTraceTest, LayerThatIsNotAMappingIsRejectedNamingItsIndex) {
  const std::string path =
      WriteTempFile(ReplaceOnce(kValidTrace, "{name: first, m: 16, k: 64, n: 32}", "5"));
  EXPECT_TRUE(IsFieldError(LoadError(path), path, "layers[0]", {"mapping", "'5'"}));
}

TEST(LayerTraceTest, DuplicateLayerNameIsRejected) {
  const std::string path = WriteTempFile(ReplaceOnce(kValidTrace, "name: second", "name: first"));
  EXPECT_TRUE(IsFieldError(LoadError(path), path, "layers[1].name", {"duplicate", "'first'"}));
}

// --- Missing keys, bad sizes, unknown keys: one edit of kValidTrace each -----------------------

class LayerTraceBadEditTest : public testing::TestWithParam<BadEdit> {};

TEST_P(LayerTraceBadEditTest, IsRejectedNamingTheKeyAndWhatWasExpected) {
  const BadEdit& param = GetParam();
  const std::string path = WriteTempFile(ReplaceOnce(kValidTrace, param.from, param.to));
  EXPECT_TRUE(IsFieldError(LoadError(path), path, param.key_path, param.expected_words));
}

INSTANTIATE_TEST_SUITE_P(
    MissingKey, LayerTraceBadEditTest,
    testing::Values(
        BadEdit{
            "Name", "  - name: second\n    m: 8\n", "  - m: 8\n", "layers[1].name", {"missing"}},
        BadEdit{"M", "    m: 8\n", "", "layers[1].m", {"missing"}},
        BadEdit{"K", "    k: 128\n", "", "layers[1].k", {"missing"}},
        BadEdit{"N", "    n: 4\n", "", "layers[1].n", {"missing"}},
        BadEdit{"Seed", "seed: 7\n", "", "seed", {"missing"}},
        BadEdit{"Model", "model: test model\n", "", "model", {"missing"}}),
    BadEditName);

INSTANTIATE_TEST_SUITE_P(
    BadSize, LayerTraceBadEditTest,
    testing::Values(
        // 2^20 = 1048576 is the largest allowed dimension.
        BadEdit{"MZero", "m: 8", "m: 0", "layers[1].m", {"[1, 1048576]", "got 0"}},
        BadEdit{"KNegative", "k: 128", "k: -5", "layers[1].k", {"[1, 1048576]", "got -5"}},
        BadEdit{"NAboveTwoToThe20", "n: 4", "n: 1048577", "layers[1].n", {"[1, 1048576]"}},
        BadEdit{"KAsFraction", "k: 128", "k: 128.5", "layers[1].k", {"integer"}},
        BadEdit{"KAsWholeFloat", "k: 128", "k: 128.0", "layers[1].k", {"integer"}},
        BadEdit{"KAsWord", "k: 128", "k: big", "layers[1].k", {"integer", "'big'"}},
        BadEdit{"NAsList", "n: 4", "n: [4]", "layers[1].n", {"integer", "list"}},
        BadEdit{"MEmpty", "m: 8", "m:", "layers[1].m", {"integer", "empty"}},
        BadEdit{"RepeatZero",
                "n: 4\n",
                "n: 4\n    repeat: 0\n",
                "layers[1].repeat",
                {"[1, 1048576]", "got 0"}},
        BadEdit{"UnknownLoopOrder",
                "n: 4\n",
                "n: 4\n    loop_order: k_outer\n",
                "layers[1].loop_order",
                {"unknown loop order 'k_outer'", "m_outer or n_outer"}},
        // In the first layer, to show flow-style layers report their index too.
        BadEdit{"FirstLayerKZero", "k: 64", "k: 0", "layers[0].k", {"[1, 1048576]"}}),
    BadEditName);

INSTANTIATE_TEST_SUITE_P(
    UnknownKey, LayerTraceBadEditTest,
    testing::Values(
        BadEdit{"KMisspelled", "    k: 128", "    kk: 128", "layers[1].kk", {"unknown key", "'k'"}},
        BadEdit{"ExtraLayerKey",
                "    n: 4",
                "    n: 4\n    batch: 2",
                "layers[1].batch",
                {"unknown key", "'name'"}},
        BadEdit{"TopLevelMisspelled", "seed: 7", "sead: 7", "sead", {"unknown key", "'seed'"}},
        BadEdit{"WeightsMisspelled",
                "    n: 4",
                "    n: 4\n    weight: int4_g128",
                "layers[1].weight",
                {"unknown key", "'weights'"}}),
    BadEditName);

INSTANTIATE_TEST_SUITE_P(
    BadFormat, LayerTraceBadEditTest,
    testing::Values(BadEdit{"UnknownWeightFormat",
                            "    n: 4",
                            "    n: 4\n    weights: int5_g128",
                            "layers[1].weights",
                            {"unknown weight format 'int5_g128'", "known:"}},
                    BadEdit{"UnknownActivationFormat",
                            "{name: first, m: 16, k: 64, n: 32}",
                            "{name: first, m: 16, k: 64, n: 32, activations: int4_token}",
                            "layers[0].activations",
                            {"unknown activation format 'int4_token'", "known:"}},
                    // A weight-only name where an activation format belongs.
                    BadEdit{"WeightFormatAsActivations",
                            "    n: 4",
                            "    n: 4\n    activations: int4_g128",
                            "layers[1].activations",
                            {"unknown activation format 'int4_g128'"}},
                    BadEdit{"WeightsAsList",
                            "    n: 4",
                            "    n: 4\n    weights: [int4_g128]",
                            "layers[1].weights",
                            {"non-empty string", "list"}},
                    BadEdit{"WeightsEmpty",
                            "    n: 4",
                            "    n: 4\n    weights:",
                            "layers[1].weights",
                            {"non-empty string", "empty"}}),
    BadEditName);

// --- ResolveLayerFormats -------------------------------------------------------------------------

// A hand-made config listing the given formats; the first of each list is the default.
HardwareConfig ConfigWithFormats(const std::vector<std::string>& weights,
                                 const std::vector<std::string>& activations,
                                 int64_t max_k = 65536) {
  HardwareConfig config;
  config.source_file = "hw.yaml";
  config.rows = 4;
  config.cols = 4;
  config.weight_bits = 4;
  config.activation_bits = 16;
  config.accumulator_bits = 40;
  config.max_k = max_k;
  config.weight_format_names = weights;
  for (const std::string& name : weights) config.weight_formats.push_back(ParseWeightFormat(name));
  config.activation_format_names = activations;
  for (const std::string& name : activations) {
    config.activation_formats.push_back(ParseActivationFormat(name));
  }
  return config;
}

GemmLayer Layer(int64_t k, const std::string& weights = "", const std::string& activations = "") {
  GemmLayer layer;
  layer.name = "fc";
  layer.m = 4;
  layer.k = k;
  layer.n = 4;
  layer.weights = weights;
  layer.activations = activations;
  layer.source_file = "trace.yaml";
  layer.index = 3;
  return layer;
}

// Returns the InputError message of resolving `layer` on `config`.
std::string ResolveError(const GemmLayer& layer, const HardwareConfig& config) {
  try {
    ResolveLayerFormats(layer, config);
  } catch (const InputError& e) {
    return e.what();
  }
  ADD_FAILURE() << "layer resolved, but an InputError was expected";
  return "";
}

TEST(ResolveLayerFormatsTest, EmptyNamesMeanTheConfigsFirstFormats) {
  const HardwareConfig config = ConfigWithFormats({"int4_g64", "mxfp4"}, {"fp16", "int8_token"});
  const LayerFormats f = ResolveLayerFormats(Layer(256), config);
  EXPECT_EQ(f.weights.Name(), "int4_g64");
  EXPECT_EQ(f.activations.Name(), "fp16");
  EXPECT_EQ(f.unit, 64);  // gcd(64, 128)
  const LayerFormats named = ResolveLayerFormats(Layer(256, "mxfp4", "int8_token"), config);
  EXPECT_EQ(named.weights.Name(), "mxfp4");
  EXPECT_EQ(named.activations.Name(), "int8_token");
  EXPECT_EQ(named.unit, 32);
}

// U = min(weight group, activation block), the blocks of docs/numerics.md, section 5.
TEST(ResolveLayerFormatsTest, ReductionUnitIsTheSmallerBlock) {
  const HardwareConfig config = ConfigWithFormats(
      {"int4_g128", "int4_g32", "int4_gch", "int4_g64", "mxfp4", "nvfp4", "intmix234_g64_asym"},
      {"int8_token", "fp16", "mxint8", "mxfp4", "nvfp4"});
  const struct {
    const char* weights;
    const char* activations;
    int64_t k;
    int unit;  // by hand
  } cases[] = {
      {"int4_g128", "int8_token", 4096, 128},  // the token's block is all of K
      {"int4_g128", "fp16", 4096, 128},        // aligned in gcd(128, 128)
      {"int4_g32", "fp16", 4096, 32},          // gcd(32, 128)
      {"int4_g128", "mxint8", 256, 32},        // MX blocks of 32 inside groups of 128
      {"int4_g64", "nvfp4", 128, 16},          // NVFP4 blocks of 16
      {"int4_gch", "int8_token", 96, 96},      // per channel x per token: all of K
      {"int4_gch", "fp16", 96, 32},            // gcd(96, 128)
      {"int4_gch", "fp16", 4096, 128},         // gcd(4096, 128)
      {"int4_gch", "mxint8", 96, 32},
      {"mxfp4", "mxfp4", 64, 32},
      {"mxfp4", "fp16", 64, 32},
      {"nvfp4", "mxint8", 64, 16},
      {"nvfp4", "int8_token", 48, 16},
      {"intmix234_g64_asym", "int8_token", 192, 64},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.weights) + " x " + c.activations + " K=" + std::to_string(c.k));
    EXPECT_EQ(ResolveLayerFormats(Layer(c.k, c.weights, c.activations), config).unit, c.unit);
  }
}

TEST(ResolveLayerFormatsTest, FormatsTheConfigDoesNotListAreRejected) {
  const HardwareConfig config = ConfigWithFormats({"int4_g128", "mxfp4"}, {"int8_token"});
  EXPECT_TRUE(ContainsAll(ResolveError(Layer(256, "int4_g64"), config),
                          {"trace.yaml: layers[3].weights: layer fc: ",
                           "weight format 'int4_g64' is not supported by config hw.yaml",
                           "it supports int4_g128, mxfp4"}));
  EXPECT_TRUE(ContainsAll(
      ResolveError(Layer(256, "", "fp16"), config),
      {"trace.yaml: layers[3].activations: layer fc: ",
       "activation format 'fp16' is not supported by config hw.yaml", "it supports int8_token"}));
}

TEST(ResolveLayerFormatsTest, UnknownNamesAreRejected) {
  // A GemmLayer made by hand, not read by LoadLayerTrace, which would catch these first.
  const HardwareConfig config = ConfigWithFormats({"int4_g128"}, {"int8_token"});
  EXPECT_TRUE(ContainsAll(
      ResolveError(Layer(256, "int4_g100"), config),
      {"trace.yaml: layers[3].weights: layer fc: ", "unknown weight format 'int4_g100'"}));
  EXPECT_TRUE(ContainsAll(
      ResolveError(Layer(256, "", "bf16"), config),
      {"trace.yaml: layers[3].activations: layer fc: ", "unknown activation format 'bf16'"}));
}

TEST(ResolveLayerFormatsTest, KMustBeAMultipleOfEveryBlock) {
  const HardwareConfig config =
      ConfigWithFormats({"int4_g128", "int4_gch"}, {"int8_token", "mxint8", "nvfp4"});
  // The default weight format: the message says so.
  EXPECT_TRUE(ContainsAll(
      ResolveError(Layer(4000), config),
      {"trace.yaml: layers[3].k: layer fc: ",
       "K=4000 is not a multiple of the group size 128 of weight format int4_g128 (the default of "
       "config hw.yaml)"}));
  // Per-channel weights take any K, MX activations do not.
  EXPECT_TRUE(ContainsAll(ResolveError(Layer(48, "int4_gch", "mxint8"), config),
                          {"trace.yaml: layers[3].k: layer fc: ",
                           "K=48 is not a multiple of the block size 32 of activation format "
                           "mxint8"}));
  EXPECT_TRUE(ContainsAll(ResolveError(Layer(40, "int4_gch", "nvfp4"), config),
                          {"block size 16 of activation format nvfp4"}));
}

TEST(ResolveLayerFormatsTest, AUnitLongerThanMaxKIsRejected) {
  // Per-channel weights with per-token activations reduce over all of K in one unit.
  const HardwareConfig config =
      ConfigWithFormats({"int4_g128", "int4_gch"}, {"int8_token", "fp16"}, 4096);
  EXPECT_EQ(ResolveLayerFormats(Layer(4096, "int4_gch"), config).unit, 4096);
  EXPECT_EQ(ResolveLayerFormats(Layer(8192, "int4_g128"), config).unit, 128);
  EXPECT_EQ(ResolveLayerFormats(Layer(8192, "int4_gch", "fp16"), config).unit, 128);
  EXPECT_TRUE(ContainsAll(ResolveError(Layer(8192, "int4_gch"), config),
                          {"trace.yaml: layers[3].k: layer fc: ",
                           "reduction unit of 8192 elements (int4_gch x int8_token) exceeds "
                           "pe.max_k=4096 of config hw.yaml"}));
}

// The bad-input files in tests/data, against the shipped default config.
TEST(ResolveLayerFormatsTest, BadTraceFilesAreRejectedOnTheDefaultConfig) {
  const HardwareConfig config = LoadHardwareConfig(MIXPE_SOURCE_DIR "/configs/default.yaml");
  const std::string not_listed = MIXPE_SOURCE_DIR "/tests/data/trace_format_not_in_config.yaml";
  const LayerTrace a = LoadLayerTrace(not_listed);
  EXPECT_EQ(ResolveLayerFormats(a.layers[0], config).unit, 128);
  EXPECT_TRUE(ContainsAll(
      ResolveError(a.layers[1], config),
      {not_listed + ": layers[1].weights: layer g64: ", "'int4_g64' is not supported by config"}));
  const std::string k4000 = MIXPE_SOURCE_DIR "/tests/data/trace_k_not_a_multiple_of_the_group.yaml";
  EXPECT_TRUE(ContainsAll(
      ResolveError(LoadLayerTrace(k4000).layers[0], config),
      {k4000 + ": layers[0].k: layer k4000: ", "K=4000 is not a multiple of the group size 128"}));
}

}  // namespace
}  // namespace mixpe

namespace mixpe {
namespace {

// A layer built in code (not read from a trace) with K = 0 is refused, not divided by.
TEST(LayerTraceTest, ZeroKIsRefusedByTheUnitRule) {
  const ReductionBlocks blocks =
      ReductionBlocksOf(ParseWeightFormat("int4_gch"), ParseActivationFormat("int8_token"), 0);
  EXPECT_NE(blocks.problem, ReductionBlocks::Problem::kNone);
  EXPECT_NE(blocks.message.find("at least 1"), std::string::npos) << blocks.message;
}

}  // namespace
}  // namespace mixpe

namespace mixpe {
namespace {

// A layer that occurs several times in the model says so once; others count once.
TEST(LayerTraceTest, RepeatCountIsReadAndDefaultsToOne) {
  const std::string path = testing_util::WriteTempFile(
      "version: 1\nmodel: m\nseed: 1\nlayers:\n  - {name: a, m: 1, k: 128, n: 1, repeat: 32}\n"
      "  - {name: b, m: 1, k: 128, n: 1}\n");
  const LayerTrace trace = LoadLayerTrace(path);
  EXPECT_EQ(trace.layers[0].repeat, 32);
  EXPECT_EQ(trace.layers[1].repeat, 1);
}

}  // namespace
}  // namespace mixpe

namespace mixpe {
namespace {

std::string ConvTrace(const std::string& layer) {
  return "version: 1\nmodel: m\nseed: 1\nlayers:\n  - " + layer + "\n";
}

// A convolution's GEMM follows from its shape: 2 images of 6 x 6 with padding 1 and stride 2 give
// 3 x 3 outputs each (M = 18); 128 channels x 3 x 3 (K = 1152).
TEST(LayerTraceTest, ConvLayerIsLoweredToItsGemmShape) {
  const LayerTrace trace = LoadLayerTrace(testing_util::WriteTempFile(
      ConvTrace("{name: c, n: 20, conv: {batch: 2, channels: 128, height: 6, width: 6, kernel: 3, "
                "stride: 2, padding: 1}}")));
  const GemmLayer& g = trace.layers[0];
  EXPECT_TRUE(g.conv.present());
  EXPECT_EQ(g.m, 18);
  EXPECT_EQ(g.k, 1152);
  EXPECT_EQ(g.n, 20);
}

TEST(LayerTraceTest, ConvLayerRefusesAnMOfItsOwn) {
  const std::string path = testing_util::WriteTempFile(
      ConvTrace("{name: c, m: 4, n: 20, conv: {batch: 1, channels: 8, height: 4, width: 4, "
                "kernel: 3}}"));
  EXPECT_TRUE(IsFieldError(LoadError(path), path, "layers[0].m", {"follows from its conv shape"}));
}

TEST(LayerTraceTest, ConvKernelLargerThanThePaddedInputIsRefused) {
  const std::string path = testing_util::WriteTempFile(
      ConvTrace("{name: c, n: 20, conv: {batch: 1, channels: 8, height: 4, width: 4, kernel: 7, "
                "padding: 1}}"));
  EXPECT_TRUE(
      IsFieldError(LoadError(path), path, "layers[0].conv.kernel", {"kernel of 7", "6 x 6"}));
}

}  // namespace
}  // namespace mixpe

namespace mixpe {
namespace {

// --- Attention layers (docs/trace-format.md, "Attention layers") ---------------------------------

constexpr char kScoreLayer[] =
    "{name: s, attention: {product: score, batch: 16, heads: 32, kv_heads: 8, head_dim: 128, "
    "queries: 1, kv_len: 4096, kv_bits: 2, kv_group: 32}}";
constexpr char kValueLayer[] =
    "{name: v, attention: {product: value, batch: 16, heads: 32, kv_heads: 8, head_dim: 128, "
    "queries: 1, kv_len: 4096, kv_bits: 4}}";

std::string AttentionTrace(const std::string& layer) {
  return "version: 1\nmodel: m\nseed: 1\nlayers:\n  - " + layer + "\n";
}

// Score: M = queries x heads/kv_heads = 1 x 4, K = head_dim, N = kv_group, one GEMM per token
// group of each KV head of each sequence: 16 x 8 x 4096/32. Value: K = kv_len, N = head_dim,
// 16 x 8 GEMMs.
TEST(LayerTraceTest, AttentionLayersAreLoweredToTheirGemms) {
  const LayerTrace trace =
      LoadLayerTrace(WriteTempFile("version: 1\nmodel: m\nseed: 1\nlayers:\n  - " +
                                   std::string(kScoreLayer) + "\n  - " + kValueLayer + "\n"));
  ASSERT_EQ(trace.layers.size(), 2u);
  const GemmLayer& s = trace.layers[0];
  EXPECT_TRUE(s.attention.present());
  EXPECT_FALSE(s.conv.present());
  EXPECT_EQ(s.attention.product, AttentionProduct::kScore);
  EXPECT_EQ(s.m, 4);
  EXPECT_EQ(s.k, 128);
  EXPECT_EQ(s.n, 32);
  EXPECT_EQ(s.repeat, 16 * 8 * 128);
  EXPECT_EQ(s.weights, "int2_gch");
  EXPECT_EQ(s.activations, "fp16");
  const GemmLayer& v = trace.layers[1];
  EXPECT_EQ(v.attention.product, AttentionProduct::kValue);
  EXPECT_EQ(v.m, 4);
  EXPECT_EQ(v.k, 4096);
  EXPECT_EQ(v.n, 128);
  EXPECT_EQ(v.repeat, 16 * 8);
  EXPECT_EQ(v.weights, "int4_gch");
  EXPECT_EQ(v.activations, "fp16");
  EXPECT_EQ(v.attention.kv_group, 0);
}

// Without kv_heads every query head has its own KV head (M = queries); prefill stacks the prompt's
// tokens as rows, and a loop order may still be given.
TEST(LayerTraceTest, AttentionKvHeadsDefaultToHeads) {
  const LayerTrace trace = LoadLayerTrace(WriteTempFile(AttentionTrace(
      "{name: s, loop_order: n_outer, attention: {product: score, batch: 2, heads: 32, "
      "head_dim: 128, queries: 7, kv_len: 64, kv_bits: 4, kv_group: 64}}")));
  const GemmLayer& s = trace.layers[0];
  EXPECT_EQ(s.attention.kv_heads, 32);
  EXPECT_EQ(s.m, 7);
  EXPECT_EQ(s.repeat, 2 * 32 * 1);
  EXPECT_EQ(s.loop_order, "n_outer");
  EXPECT_EQ(s.weights, "int4_gch");
}

class AttentionBadEditTest : public testing::TestWithParam<BadEdit> {};

TEST_P(AttentionBadEditTest, IsRejectedNamingTheKeyAndWhatWasExpected) {
  const BadEdit& param = GetParam();
  const std::string path =
      WriteTempFile(AttentionTrace(ReplaceOnce(kScoreLayer, param.from, param.to)));
  EXPECT_TRUE(IsFieldError(LoadError(path), path, param.key_path, param.expected_words));
}

INSTANTIATE_TEST_SUITE_P(
    GemmKeys, AttentionBadEditTest,
    testing::Values(BadEdit{"M",
                            "{name: s,",
                            "{name: s, m: 4,",
                            "layers[0].m",
                            {"follows from its attention shape"}},
                    BadEdit{"K",
                            "{name: s,",
                            "{name: s, k: 128,",
                            "layers[0].k",
                            {"follows from its attention shape"}},
                    BadEdit{"N",
                            "{name: s,",
                            "{name: s, n: 32,",
                            "layers[0].n",
                            {"follows from its attention shape"}},
                    BadEdit{"Repeat",
                            "{name: s,",
                            "{name: s, repeat: 2,",
                            "layers[0].repeat",
                            {"follows from its attention shape"}},
                    BadEdit{"Weights",
                            "{name: s,",
                            "{name: s, weights: int2_gch,",
                            "layers[0].weights",
                            {"formats follow from its attention shape", "leave it out"}},
                    BadEdit{"Activations",
                            "{name: s,",
                            "{name: s, activations: fp16,",
                            "layers[0].activations",
                            {"formats follow from its attention shape"}},
                    BadEdit{
                        "Conv",
                        "{name: s,",
                        "{name: s, conv: {batch: 1, channels: 8, height: 4, width: 4, kernel: 3},",
                        "layers[0].conv",
                        {"convolution or an attention product, not both"}}),
    BadEditName);

INSTANTIATE_TEST_SUITE_P(
    Shape, AttentionBadEditTest,
    testing::Values(
        BadEdit{"KvBits3",
                "kv_bits: 2",
                "kv_bits: 3",
                "layers[0].attention.kv_bits",
                {"2 or 4", "got 3"}},
        BadEdit{"KvBits8",
                "kv_bits: 2",
                "kv_bits: 8",
                "layers[0].attention.kv_bits",
                {"[2, 4]", "got 8"}},
        BadEdit{"KvBits1",
                "kv_bits: 2",
                "kv_bits: 1",
                "layers[0].attention.kv_bits",
                {"[2, 4]", "got 1"}},
        BadEdit{"BatchZero",
                "batch: 16",
                "batch: 0",
                "layers[0].attention.batch",
                {"[1, 1048576]", "got 0"}},
        BadEdit{"HeadsNegative",
                "heads: 32",
                "heads: -1",
                "layers[0].attention.heads",
                {"[1, 1048576]"}},
        BadEdit{"KvHeadsZero",
                "kv_heads: 8",
                "kv_heads: 0",
                "layers[0].attention.kv_heads",
                {"[1, 1048576]"}},
        BadEdit{"HeadDimZero",
                "head_dim: 128",
                "head_dim: 0",
                "layers[0].attention.head_dim",
                {"[1, 1048576]"}},
        BadEdit{"QueriesZero",
                "queries: 1",
                "queries: 0",
                "layers[0].attention.queries",
                {"[1, 1048576]"}},
        BadEdit{"KvLenZero",
                "kv_len: 4096",
                "kv_len: 0",
                "layers[0].attention.kv_len",
                {"[1, 1048576]"}},
        BadEdit{"KvGroupZero",
                "kv_group: 32",
                "kv_group: 0",
                "layers[0].attention.kv_group",
                {"[1, 1048576]"}},
        BadEdit{"KvHeadsDoNotDivideHeads",
                "kv_heads: 8",
                "kv_heads: 5",
                "layers[0].attention.kv_heads",
                {"kv_heads=5 does not divide heads=32"}},
        BadEdit{"KvLenNotAMultipleOfTheGroup",
                "kv_len: 4096",
                "kv_len: 4100",
                "layers[0].attention.kv_len",
                {"kv_len=4100 is not a multiple of kv_group=32"}},
        BadEdit{"ScoreWithoutKvGroup",
                ", kv_group: 32",
                "",
                "layers[0].attention.kv_group",
                {"missing"}},
        BadEdit{"ValueWithKvGroup",
                "product: score",
                "product: value",
                "layers[0].attention.kv_group",
                {"value product takes no kv_group"}},
        BadEdit{"UnknownProduct",
                "product: score",
                "product: softmax",
                "layers[0].attention.product",
                {"score", "value"}},
        BadEdit{
            "MissingProduct", "product: score, ", "", "layers[0].attention.product", {"missing"}},
        BadEdit{"UnknownKey",
                "kv_group: 32",
                "kv_group: 32, residual: 128",
                "layers[0].attention.residual",
                {"unknown key", "'kv_group'"}},
        BadEdit{"RepeatTooLarge",
                "batch: 16, heads: 32, kv_heads: 8",
                "batch: 1048576, heads: 1024, kv_heads: 1024",
                "layers[0].attention.batch",
                {"occurs 137438953472 times", "more than 4294967296"}}),
    BadEditName);

// On the default config both widths resolve (int2_gch and int4_gch are listed), with FP16
// alignment units of gcd(K, 128).
TEST(LayerTraceTest, AttentionLayersResolveOnTheDefaultConfig) {
  const HardwareConfig config = LoadHardwareConfig(MIXPE_SOURCE_DIR "/configs/default.yaml");
  const LayerTrace trace =
      LoadLayerTrace(WriteTempFile("version: 1\nmodel: m\nseed: 1\nlayers:\n  - " +
                                   std::string(kScoreLayer) + "\n  - " + kValueLayer + "\n"));
  const LayerFormats s = ResolveLayerFormats(trace.layers[0], config);
  EXPECT_EQ(s.weights.Name(), "int2_gch");
  EXPECT_EQ(s.activations.Name(), "fp16");
  EXPECT_EQ(s.unit, 128);
  const LayerFormats v = ResolveLayerFormats(trace.layers[1], config);
  EXPECT_EQ(v.weights.Name(), "int4_gch");
  EXPECT_EQ(v.unit, 128);
}

// A config without the cache's format: the refusal names the key the format came from.
TEST(LayerTraceTest, AttentionFormatsTheConfigLacksAreRefusedNamingKvBits) {
  const HardwareConfig config =
      LoadHardwareConfig(MIXPE_SOURCE_DIR "/tests/configs/array_4x4_w4a16.yaml");
  const std::string path = WriteTempFile(AttentionTrace(kScoreLayer));
  const LayerTrace trace = LoadLayerTrace(path);
  EXPECT_TRUE(ContainsAll(ResolveError(trace.layers[0], config),
                          {path + ": layers[0].attention.kv_bits: layer s: ",
                           "weight format 'int2_gch' (the attention layer's KV cache codes with "
                           "unit scales) is not supported by config",
                           "it supports int4_g128"}));
  const HardwareConfig no_fp16 = ConfigWithFormats({"int2_gch"}, {"int8_token"});
  EXPECT_TRUE(ContainsAll(ResolveError(trace.layers[0], no_fp16),
                          {path + ": layers[0].attention: layer s: ",
                           "activation format 'fp16' (the attention layer's folded query or "
                           "probabilities) is not supported by config hw.yaml"}));
}

// The shipped LLaMA-2-7B attention trace: 32 heads without GQA, head_dim 128, decode batch 16
// over a 4096-token 2-bit cache.
TEST(LayerTraceTest, ShippedLlamaAttentionTraceLowersBothProducts) {
  const LayerTrace trace = LoadLayerTrace(MIXPE_SOURCE_DIR "/traces/llama2_7b_attention_kivi.yaml");
  ASSERT_EQ(trace.layers.size(), 2u);
  const GemmLayer& s = trace.layers[0];
  EXPECT_EQ(s.name, "attn_score");
  EXPECT_EQ(s.m, 1);
  EXPECT_EQ(s.k, 128);
  EXPECT_EQ(s.n, 32);
  EXPECT_EQ(s.repeat, 16 * 32 * 4096 / 32);
  const GemmLayer& v = trace.layers[1];
  EXPECT_EQ(v.name, "attn_value");
  EXPECT_EQ(v.m, 1);
  EXPECT_EQ(v.k, 4096);
  EXPECT_EQ(v.n, 128);
  EXPECT_EQ(v.repeat, 16 * 32);
  const HardwareConfig config = LoadHardwareConfig(MIXPE_SOURCE_DIR "/configs/default.yaml");
  for (const GemmLayer& layer : trace.layers) {
    const LayerFormats f = ResolveLayerFormats(layer, config);
    EXPECT_EQ(f.weights.Name(), "int2_gch");
    EXPECT_EQ(f.activations.Name(), "fp16");
  }
}

// `layers` (a whole-model trace's blocks, compiler/model_trace.h) multiplies the derived repeat and
// changes nothing else; absent, it is 1.
TEST(LayerTraceTest, AttentionLayersMultiplyTheRepeat) {
  const LayerTrace trace = LoadLayerTrace(WriteTempFile(
      "version: 1\nmodel: m\nseed: 1\nlayers:\n  - " +
      ReplaceOnce(kScoreLayer, "kv_group: 32}", "kv_group: 32, layers: 32}") + "\n  - " +
      ReplaceOnce(kValueLayer, "kv_bits: 4}", "kv_bits: 4, layers: 32}") + "\n"));
  const GemmLayer& s = trace.layers[0];
  EXPECT_EQ(s.attention.layers, 32);
  EXPECT_EQ(s.attention.gemm_repeat(), 16 * 8 * 128 * 32);
  EXPECT_EQ(s.repeat, 16 * 8 * 128 * 32);
  EXPECT_EQ(s.m, 4);
  EXPECT_EQ(s.k, 128);
  EXPECT_EQ(s.n, 32);
  EXPECT_EQ(trace.layers[1].repeat, 16 * 8 * 32);
  EXPECT_EQ(LoadLayerTrace(WriteTempFile(AttentionTrace(kScoreLayer))).layers[0].attention.layers,
            1);
}

TEST(LayerTraceTest, AttentionLayersOutOfRangeAreRefused) {
  const std::string zero = WriteTempFile(
      AttentionTrace(ReplaceOnce(kScoreLayer, "kv_group: 32}", "kv_group: 32, layers: 0}")));
  EXPECT_TRUE(
      IsFieldError(LoadError(zero), zero, "layers[0].attention.layers", {"[1, 1048576]", "got 0"}));
  // 16 x 8 x 128 = 2^14 GEMMs per block, times 2^19 blocks = 2^33 > 2^32: the key named is layers.
  const std::string many = WriteTempFile(
      AttentionTrace(ReplaceOnce(kScoreLayer, "kv_group: 32}", "kv_group: 32, layers: 524288}")));
  EXPECT_TRUE(IsFieldError(LoadError(many), many, "layers[0].attention.layers",
                           {"occurs 8589934592 times (batch x kv_heads x kv_len/kv_group x "
                            "layers), more than 4294967296"}));
  // Too many per block already (2^37): the key named is batch, as without layers.
  const std::string wide = WriteTempFile(AttentionTrace(ReplaceOnce(
      ReplaceOnce(kScoreLayer, "kv_group: 32}", "kv_group: 32, layers: 1048576}"),
      "batch: 16, heads: 32, kv_heads: 8", "batch: 1048576, heads: 1024, kv_heads: 1024")));
  EXPECT_TRUE(IsFieldError(LoadError(wide), wide, "layers[0].attention.batch",
                           {"occurs 137438953472 times (batch x kv_heads x kv_len/kv_group)"}));
}

}  // namespace
}  // namespace mixpe
