// Tests of the SCALE-Sim importer: the shipped topologies import field by field to hand-computed
// shapes, real-world variations of the CSV import alike, the trace YAML reads back to the same
// layers, the imported hardware YAML loads with the values of the .cfg and the rest of the base,
// and every refusal names the file, the line (or key), the column and what was expected.
#include "compiler/scalesim_import.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "compiler/layer_trace.h"
#include "model/hardware_config.h"
#include "model/input_error.h"
#include "tests/input_test_util.h"

namespace mixpe {
namespace {

using testing_util::ContainsAll;
using testing_util::ReplaceOnce;
using testing_util::TempFiles;

const std::string kData = MIXPE_SOURCE_DIR "/tests/data/scalesim/";
const std::string kDefaultConfig = MIXPE_SOURCE_DIR "/configs/default.yaml";

// Writes `contents` to a new temporary file ending in `suffix` (removed at exit).
std::string WriteTemp(const std::string& contents, const std::string& suffix) {
  static int counter = 0;
  const std::string path = testing::TempDir() + "mixpe_scalesim_" + std::to_string(getpid()) + "_" +
                           std::to_string(counter++) + suffix;
  std::ofstream out(path, std::ios::binary);
  out << contents;
  out.close();
  if (!out) ADD_FAILURE() << "cannot write " << path;
  TempFiles::Get().Add(path);
  return path;
}

std::string TopologyError(const std::string& path, const ScaleSimImportOptions& options = {}) {
  try {
    ImportScaleSimTopology(path, options);
  } catch (const InputError& e) {
    return e.what();
  }
  ADD_FAILURE() << path << " imported, but an InputError was expected";
  return "";
}

std::string ConfigError(const std::string& cfg, const std::string& base = kDefaultConfig) {
  try {
    ImportScaleSimConfig(cfg, base);
  } catch (const InputError& e) {
    return e.what();
  }
  ADD_FAILURE() << cfg << " imported, but an InputError was expected";
  return "";
}

// The imported config, written where a caller would write it, and loaded back.
HardwareConfig ImportAndLoad(const std::string& cfg, const std::string& base = kDefaultConfig,
                             std::string* text = nullptr) {
  const std::string out = WriteTemp("", ".yaml");
  const std::string yaml = ImportScaleSimConfig(cfg, base, out);
  std::ofstream(out) << yaml;
  if (text != nullptr) *text = yaml;
  return LoadHardwareConfig(out);
}

struct Shape {
  std::string name;
  int64_t m, k, n, repeat;
};

void ExpectShapes(const LayerTrace& trace, const std::vector<Shape>& shapes) {
  ASSERT_EQ(trace.layers.size(), shapes.size());
  for (size_t i = 0; i < shapes.size(); ++i) {
    const GemmLayer& layer = trace.layers[i];
    EXPECT_EQ(layer.name, shapes[i].name) << "layer " << i;
    EXPECT_EQ(layer.m, shapes[i].m) << shapes[i].name;
    EXPECT_EQ(layer.k, shapes[i].k) << shapes[i].name;
    EXPECT_EQ(layer.n, shapes[i].n) << shapes[i].name;
    EXPECT_EQ(layer.repeat, shapes[i].repeat) << shapes[i].name;
    EXPECT_EQ(layer.index, static_cast<int>(i));
  }
}

// --- GEMM topologies -----------------------------------------------------------------------------

TEST(ScaleSimTopologyTest, ShippedGemmTopologyImportsFieldByField) {
  const std::string path = kData + "llm_block_gemm.csv";
  std::vector<std::string> notes;
  const LayerTrace trace = ImportScaleSimTopology(path, {}, &notes);
  EXPECT_EQ(trace.source_file, path);
  EXPECT_EQ(trace.model, "SCALE-Sim GEMM topology llm_block_gemm");
  EXPECT_EQ(trace.seed, 1u);
  // SCALE-Sim's rows are name, M, N, K: the mixpe layer's k is the fourth column.
  ExpectShapes(trace, {{"q_proj", 256, 2048, 2048, 1},
                       {"kv_proj", 256, 2048, 512, 1},
                       {"o_proj", 256, 2048, 2048, 1},
                       {"gate_up_proj", 256, 2048, 11264, 1},
                       {"down_proj", 256, 5632, 2048, 1},
                       {"lm_head", 1, 2048, 32000, 1}});
  for (const GemmLayer& layer : trace.layers) {
    EXPECT_FALSE(layer.conv.present()) << layer.name;
    EXPECT_FALSE(layer.attention.present()) << layer.name;
    EXPECT_EQ(layer.weights, "") << layer.name;  // the config's defaults
    EXPECT_EQ(layer.activations, "") << layer.name;
    EXPECT_EQ(layer.loop_order, "") << layer.name;
    EXPECT_EQ(layer.source_file, path);
  }
  EXPECT_TRUE(notes.empty()) << notes.front();
}

TEST(ScaleSimTopologyTest, ImportedGemmLayersRunOnTheDefaultConfig) {
  const LayerTrace trace = ImportScaleSimTopology(kData + "llm_block_gemm.csv", {});
  const HardwareConfig config = LoadHardwareConfig(kDefaultConfig);
  for (const GemmLayer& layer : trace.layers) {
    const LayerFormats formats = ResolveLayerFormats(layer, config);
    EXPECT_EQ(formats.weights.Name(), "int4_g128") << layer.name;
    EXPECT_EQ(formats.unit, 128) << layer.name;
  }
}

TEST(ScaleSimTopologyTest, OptionsSetEveryLayersFormatsAndTheSeed) {
  ScaleSimImportOptions options;
  options.weights = "mxfp4";
  options.activations = "fp16";
  options.seed = 77;
  const LayerTrace trace = ImportScaleSimTopology(kData + "llm_block_gemm.csv", options);
  EXPECT_EQ(trace.seed, 77u);
  for (const GemmLayer& layer : trace.layers) {
    EXPECT_EQ(layer.weights, "mxfp4") << layer.name;
    EXPECT_EQ(layer.activations, "fp16") << layer.name;
  }
}

TEST(ScaleSimTopologyTest, RealWorldVariationsImportAlike) {
  // A byte order mark, CRLF line ends, a header without trailing comma in SCALE-Sim's shortest
  // spelling, comments, blank and all-comma lines, tabs, quoted fields, rows with and without the
  // trailing comma.
  const std::string path = WriteTemp(
      "\xEF\xBB\xBF# exported from a spreadsheet\r\n"
      "Layer,M,N,K\r\n"
      "\r\n"
      ",,,,\r\n"
      "\tq_proj ,\t256 , 2048,2048,\r\n"
      "\"kv_proj\", \"256\", 512, 2048   # fused K and V\r\n"
      "   \r\n",
      ".csv");
  const LayerTrace trace = ImportScaleSimTopology(path, {});
  ExpectShapes(trace, {{"q_proj", 256, 2048, 2048, 1}, {"kv_proj", 256, 2048, 512, 1}});
}

TEST(ScaleSimTopologyTest, GemmBatchColumnsBecomeRepeatAndDenseRatiosPass) {
  // SCALE-Sim's fifth column is a sparsity ratio when it has a colon, else the batch count; the
  // sixth is the batch count.
  const std::string path = WriteTemp(
      "Layer Name, M, N, K, Sparsity, Batch,\n"
      "heads, 128, 128, 64, 8,\n"
      "dense, 16, 32, 64, 1:1,\n"
      "dense4, 16, 32, 64, 4:4, 3,\n"
      "plain, 16, 32, 64,\n",
      ".csv");
  const LayerTrace trace = ImportScaleSimTopology(path, {});
  ExpectShapes(trace, {{"heads", 128, 64, 128, 8},
                       {"dense", 16, 64, 32, 1},
                       {"dense4", 16, 64, 32, 3},
                       {"plain", 16, 64, 32, 1}});
}

TEST(ScaleSimTopologyTest, UnnamedHeaderColumnsDecideTheKindByTheirCount) {
  const std::string gemm = WriteTemp("a, b, c, d,\nfc, 4, 8, 16,\n", ".csv");
  ExpectShapes(ImportScaleSimTopology(gemm, {}), {{"fc", 4, 16, 8, 1}});
  const std::string conv = WriteTemp("a,b,c,d,e,f,g,h,\nc1, 5, 5, 3, 3, 2, 4, 1,\n", ".csv");
  const LayerTrace trace = ImportScaleSimTopology(conv, {});
  ASSERT_EQ(trace.layers.size(), 1u);
  EXPECT_TRUE(trace.layers[0].conv.present());
  ExpectShapes(trace, {{"c1", 9, 18, 4, 1}});
}

TEST(ScaleSimTopologyTest, NamesAreMadeUsableAndUnique) {
  const std::string path = WriteTemp(
      "Layer, M, N, K,\n"
      "Test 1, 1, 2, 3,\n"
      "Attn_QxK', 1, 2, 3,\n"
      "GEMM_1, 1, 2, 3,\n"
      "GEMM_1, 1, 2, 3,\n"
      "GEMM 1, 1, 2, 3,\n"
      "-.x/y.z, 1, 2, 3,\n",
      ".csv");
  std::vector<std::string> notes;
  const LayerTrace trace = ImportScaleSimTopology(path, {}, &notes);
  const std::vector<std::string> names = {"Test_1",   "Attn_QxK", "GEMM_1",
                                          "GEMM_1_2", "GEMM_1_3", "x_y.z"};
  ASSERT_EQ(trace.layers.size(), names.size());
  for (size_t i = 0; i < names.size(); ++i) EXPECT_EQ(trace.layers[i].name, names[i]);
  ASSERT_EQ(notes.size(), 5u);
  EXPECT_EQ(notes[0],
            "line 2: layer 'Test 1' imported as Test_1 (names are letters, digits, '_', '.' and "
            "'-': they name files and --layer arguments)");
  EXPECT_EQ(notes[2], "line 5: layer 'GEMM_1' imported as GEMM_1_2 (GEMM_1 is taken by line 4)");
  EXPECT_TRUE(ContainsAll(notes[3], {"line 6: layer 'GEMM 1' imported as GEMM_1_3",
                                     "names are letters", "GEMM_1 is taken by line 4"}));
}

// --- Convolution topologies ----------------------------------------------------------------------

TEST(ScaleSimTopologyTest, ShippedConvTopologyImportsFieldByField) {
  const std::string path = kData + "small_convnet.csv";
  std::vector<std::string> notes;
  const LayerTrace trace = ImportScaleSimTopology(path, {}, &notes);
  EXPECT_EQ(trace.model, "SCALE-Sim convolution topology small_convnet");
  // M = out_h x out_w, K = channels x kernel^2, N = Num Filter (by hand).
  ExpectShapes(trace, {{"Conv1", 32 * 32, 3 * 9, 32, 1},
                       // SCALE-Sim counts ceil((32 - 3 + 2) / 2) = 16 outputs a side.
                       {"Conv2", 16 * 16, 32 * 9, 64, 1},
                       // Depthwise: 64 convolutions of one channel.
                       {"Conv3_DP", 14 * 14, 9, 1, 64},
                       {"Conv4", 14 * 14, 64, 128, 1},
                       {"Conv5", 12 * 8, 128 * 9, 128, 1},
                       {"FC", 1, 128, 10, 1}});
  struct Conv {
    int64_t channels, height, width, kernel, stride;
  };
  const std::vector<Conv> convs = {{3, 34, 34, 3, 1},  {32, 33, 33, 3, 2},  {1, 16, 16, 3, 1},
                                   {64, 14, 14, 1, 1}, {128, 14, 10, 3, 1}, {128, 1, 1, 1, 1}};
  for (size_t i = 0; i < convs.size(); ++i) {
    const ConvShape& c = trace.layers[i].conv;
    ASSERT_TRUE(c.present()) << i;
    EXPECT_EQ(c.batch, 1) << i;
    EXPECT_EQ(c.channels, convs[i].channels) << i;
    EXPECT_EQ(c.height, convs[i].height) << i;
    EXPECT_EQ(c.width, convs[i].width) << i;
    EXPECT_EQ(c.kernel, convs[i].kernel) << i;
    EXPECT_EQ(c.stride, convs[i].stride) << i;
    EXPECT_EQ(c.padding, 0) << i;
  }
  ASSERT_EQ(notes.size(), 2u);
  EXPECT_EQ(notes[0],
            "line 3: Conv2: stride 2 leaves a partial window on a 32 x 32 input, which SCALE-Sim "
            "pads to 16 x 16 outputs: imported as a 33 x 33 input, which has as many");
  EXPECT_EQ(notes[1],
            "line 4: Conv3_DP: depthwise (its name contains \"DP\"): SCALE-Sim runs it as 64 "
            "convolutions of one input channel each: imported as channels: 1, repeat: 64");
}

TEST(ScaleSimTopologyTest, ImportedConvLayersRunOnTheDefaultConfigWithPerChannelWeights) {
  // K = channels x kernel^2 (27, 288, 9, ...) is rarely a multiple of a group of 128; per-channel
  // weights with per-token INT8 activations reduce all of K in one unit, up to pe.max_k.
  ScaleSimImportOptions options;
  options.weights = "int4_gch";
  const LayerTrace trace = ImportScaleSimTopology(kData + "small_convnet.csv", options);
  const HardwareConfig config = LoadHardwareConfig(kDefaultConfig);
  for (const GemmLayer& layer : trace.layers) {
    EXPECT_EQ(ResolveLayerFormats(layer, config).unit, layer.k) << layer.name;
  }
}

TEST(ScaleSimTopologyTest, PartialWindowsMatchScaleSimsOutputCountOnBothSides) {
  // AlexNet's first layer as SCALE-Sim ships it: 224 with an 11x11 filter at stride 4 gives
  // ceil((224 - 11 + 4) / 4) = 55 outputs, the count of the 227-pixel input of the original.
  const std::string path = WriteTemp(
      "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, "
      "Strides,\nConv1, 224, 200, 11, 11, 3, 96, 4,\n",
      ".csv");
  const LayerTrace trace = ImportScaleSimTopology(path, {});
  ASSERT_EQ(trace.layers.size(), 1u);
  const ConvShape& c = trace.layers[0].conv;
  EXPECT_EQ(c.height, 227);
  EXPECT_EQ(c.width, 203);  // ceil((200 - 11 + 4) / 4) = 49 = (203 - 11) / 4 + 1
  EXPECT_EQ(c.out_height(), 55);
  EXPECT_EQ(c.out_width(), 49);
  EXPECT_EQ(trace.layers[0].m, 55 * 49);
}

TEST(ScaleSimTopologyTest, ConvNinthColumnIsStrideWidthBatchOrDenseRatio) {
  const std::string stride = WriteTemp(
      "Layer name, IFMAP height, IFMAP width, Filter height, Filter width, Channels, Num filter, "
      "Stride height, Stride width,\nc, 9, 9, 3, 3, 4, 8, 2, 2,\n",
      ".csv");
  ExpectShapes(ImportScaleSimTopology(stride, {}), {{"c", 16, 36, 8, 1}});
  const std::string batch = WriteTemp(
      "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, "
      "Strides, Batch Size,\nc, 9, 9, 3, 3, 4, 8, 1, 5,\n",
      ".csv");
  const LayerTrace batched = ImportScaleSimTopology(batch, {});
  ExpectShapes(batched, {{"c", 5 * 49, 36, 8, 1}});
  EXPECT_EQ(batched.layers[0].conv.batch, 5);
  const std::string ratio = WriteTemp(
      "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, "
      "Strides, Sparsity,\nc, 9, 9, 3, 3, 4, 8, 1, 2:2,\n",
      ".csv");
  ExpectShapes(ImportScaleSimTopology(ratio, {}), {{"c", 49, 36, 8, 1}});
}

// --- Trace YAML ----------------------------------------------------------------------------------

void ExpectSameLayers(const LayerTrace& a, const LayerTrace& b) {
  EXPECT_EQ(a.model, b.model);
  EXPECT_EQ(a.seed, b.seed);
  ASSERT_EQ(a.layers.size(), b.layers.size());
  for (size_t i = 0; i < a.layers.size(); ++i) {
    const GemmLayer& x = a.layers[i];
    const GemmLayer& y = b.layers[i];
    EXPECT_EQ(x.name, y.name);
    EXPECT_EQ(x.m, y.m) << x.name;
    EXPECT_EQ(x.k, y.k) << x.name;
    EXPECT_EQ(x.n, y.n) << x.name;
    EXPECT_EQ(x.repeat, y.repeat) << x.name;
    EXPECT_EQ(x.weights, y.weights) << x.name;
    EXPECT_EQ(x.activations, y.activations) << x.name;
    EXPECT_EQ(x.conv.present(), y.conv.present()) << x.name;
    EXPECT_EQ(x.conv.batch, y.conv.batch) << x.name;
    EXPECT_EQ(x.conv.channels, y.conv.channels) << x.name;
    EXPECT_EQ(x.conv.height, y.conv.height) << x.name;
    EXPECT_EQ(x.conv.width, y.conv.width) << x.name;
    EXPECT_EQ(x.conv.kernel, y.conv.kernel) << x.name;
    EXPECT_EQ(x.conv.stride, y.conv.stride) << x.name;
    EXPECT_EQ(x.conv.padding, y.conv.padding) << x.name;
  }
}

TEST(ScaleSimTraceYamlTest, ShippedTopologiesReadBackToTheSameLayers) {
  for (const char* file : {"llm_block_gemm.csv", "small_convnet.csv"}) {
    ScaleSimImportOptions options;
    options.weights = "int4_gch";
    options.seed = 5;
    std::vector<std::string> notes;
    const LayerTrace imported = ImportScaleSimTopology(kData + file, options, &notes);
    const std::string path = WriteTemp(ScaleSimTraceYaml(imported, notes), ".yaml");
    ExpectSameLayers(imported, LoadLayerTrace(path));
  }
}

TEST(ScaleSimTraceYamlTest, NamesYamlWouldMisreadAreQuoted) {
  const std::string csv = WriteTemp(
      "Layer, M, N, K, Batch,\nnull, 1, 2, 3,\n1x1, 1, 2, 3, 4,\ntrue, 1, 2, 3,\n", ".csv");
  const LayerTrace imported = ImportScaleSimTopology(csv, {});
  const std::string yaml = ScaleSimTraceYaml(imported);
  EXPECT_TRUE(ContainsAll(yaml, {"{name: \"null\",", "{name: \"1x1\", ", "{name: \"true\","}))
      << yaml;
  ExpectSameLayers(imported, LoadLayerTrace(WriteTemp(yaml, ".yaml")));
}

TEST(ScaleSimTraceYamlTest, PrintsOneFlowMappingPerLayerLineByLine) {
  const std::string csv = WriteTemp(
      "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, "
      "Strides,\nstem, 8, 8, 3, 3, 4, 16, 2,\nblock_DP, 4, 4, 3, 3, 16, 1, 1,\n",
      ".csv");
  ScaleSimImportOptions options;
  options.activations = "fp16";
  std::vector<std::string> notes;
  const LayerTrace trace = ImportScaleSimTopology(csv, options, &notes);
  const std::string expected =
      "# Imported from the SCALE-Sim topology " + csv +
      " by mixpe import (docs/import.md).\n"
      "# line 2: stem: stride 2 leaves a partial window on a 8 x 8 input, which SCALE-Sim pads to "
      "4 x 4 outputs: imported as a 9 x 9 input, which has as many\n"
      "# line 3: block_DP: depthwise (its name contains \"DP\"): SCALE-Sim runs it as 16 "
      "convolutions of one input channel each: imported as channels: 1, repeat: 16\n"
      "version: 1\n"
      "model: \"SCALE-Sim convolution topology " +
      std::filesystem::path(csv).stem().string() +
      "\"\n"
      "seed: 1\n"
      "layers:\n"
      "  - {name: stem,     n: 16, conv: {batch: 1, channels: 4, height: 9, width: 9, kernel: 3, "
      "stride: 2, padding: 0}, activations: fp16}\n"
      "  - {name: block_DP, n: 1, conv: {batch: 1, channels: 1, height: 4, width: 4, kernel: 3, "
      "stride: 1, padding: 0}, activations: fp16, repeat: 16}\n";
  EXPECT_EQ(ScaleSimTraceYaml(trace, notes), expected);
}

// --- Topology refusals ---------------------------------------------------------------------------

// One CSV (a GEMM or a conv topology) that must be refused, and what the message must say.
struct BadTopology {
  std::string test_name;
  std::string csv;
  std::vector<std::string> expected;  // besides the file's path
};

void PrintTo(const BadTopology& bad, std::ostream* os) { *os << bad.test_name; }

class ScaleSimBadTopologyTest : public testing::TestWithParam<BadTopology> {};

TEST_P(ScaleSimBadTopologyTest, IsRefusedNamingTheLineColumnAndWhatWasExpected) {
  const std::string path = WriteTemp(GetParam().csv, ".csv");
  std::vector<std::string> parts = {path};
  parts.insert(parts.end(), GetParam().expected.begin(), GetParam().expected.end());
  EXPECT_TRUE(ContainsAll(TopologyError(path), parts));
}

const std::string kGemmHeader = "Layer, M, N, K,\n";
const std::string kConvHeader =
    "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, "
    "Strides,\n";
const std::string kRange = "expected an integer in [1, 1048576]";

INSTANTIATE_TEST_SUITE_P(
    File, ScaleSimBadTopologyTest,
    testing::Values(
        BadTopology{"Empty", "", {"expected a header line and layers"}},
        BadTopology{"OnlyComments", "# nothing\n\n,,,\n", {"expected a header line and layers"}},
        BadTopology{"HeaderOnly", kGemmHeader, {"expected layers after the header (line 1)"}},
        BadTopology{"FirstLineIsALayer",
                    "q, 16, 32, 64,\nk, 16, 32, 64,\n",
                    {":1: expected a header line, got a layer", "SCALE-Sim skips"}},
        BadTopology{"KBeforeN",
                    "Layer, M, K, N,\nq, 16, 64, 32,\n",
                    {":1: the header names columns 2 to 4 'M, K, N'", "N before K"}},
        BadTopology{"UnknownHeader",
                    "a, b, c, d, e, f,\nx, 1, 2, 3, 4, 5,\n",
                    {":1: cannot tell a GEMM topology", "6 columns"}}),
    [](const testing::TestParamInfo<BadTopology>& info) { return info.param.test_name; });

INSTANTIATE_TEST_SUITE_P(
    GemmRow, ScaleSimBadTopologyTest,
    testing::Values(
        BadTopology{"TooFewColumns",
                    kGemmHeader + "q, 16, 32,\n",
                    {":2: expected 4 columns (layer name, M, N, K)", "got 3"}},
        BadTopology{"TooManyColumns",
                    kGemmHeader + "q, 16, 32, 64, 1, 1, 1,\n",
                    {":2: expected 4 columns", "got 7"}},
        BadTopology{"Fraction",
                    kGemmHeader + "q, 16, 32.5, 64,\n",
                    {":2: column 3 (N): " + kRange + ", got '32.5'"}},
        BadTopology{"Word", kGemmHeader + "q, 16, 32, big,\n", {":2: column 4 (K): ", "'big'"}},
        BadTopology{"Zero", kGemmHeader + "q, 0, 32, 64,\n", {":2: column 2 (M): ", "got '0'"}},
        BadTopology{"Negative", kGemmHeader + "q, 16, -32, 64,\n", {"column 3 (N): ", "'-32'"}},
        BadTopology{"AboveTwoToThe20",
                    kGemmHeader + "q, 16, 32, 1048577,\n",
                    {":2: column 4 (K): " + kRange, "'1048577'"}},
        BadTopology{"EmptyField",
                    kGemmHeader + "q, 16, , 64,\n",
                    {":2: column 3 (N): " + kRange + ", got an empty field"}},
        BadTopology{"EmptyName",
                    kGemmHeader + "q, 1, 2, 3,\n, 16, 32, 64,\n",
                    {":3: column 1 (Layer): expected a layer name"}},
        BadTopology{"NameWithoutLetters",
                    kGemmHeader + "*!*, 16, 32, 64,\n",
                    {":2: column 1 (Layer): layer name '*!*' has no letter or digit"}},
        BadTopology{
            "Sparse",
            "Layer, M, N, K, Sparsity,\nq, 16, 32, 64, 2:4,\n",
            {":2: column 5 (Sparsity): the ratio 2:4 makes the layer sparse", "dense layers only"}},
        BadTopology{"BadRatio",
                    kGemmHeader + "q, 16, 32, 64, 4:2,\n",
                    {":2: column 5 (sparsity or batch): expected a sparsity ratio N:M", "'4:2'"}},
        BadTopology{"BatchZero",
                    kGemmHeader + "q, 16, 32, 64, 0,\n",
                    {":2: column 5 (sparsity or batch): " + kRange}},
        BadTopology{"SecondRowBad",
                    kGemmHeader + "q, 16, 32, 64,\n\n# gap\nk, 16, 32, x,\n",
                    {":5: column 4 (K)"}}),
    [](const testing::TestParamInfo<BadTopology>& info) { return info.param.test_name; });

INSTANTIATE_TEST_SUITE_P(
    ConvRow, ScaleSimBadTopologyTest,
    testing::Values(
        BadTopology{"TooFewColumns",
                    kConvHeader + "c, 8, 8, 3, 3, 4, 16,\n",
                    {":2: expected 8 columns (layer name, IFMAP Height", "got 7"}},
        BadTopology{"TooManyColumns",
                    kConvHeader + "c, 8, 8, 3, 3, 4, 16, 1, 1, 1,\n",
                    {":2: expected 8 columns", "got 10"}},
        BadTopology{"NonSquareFilter",
                    kConvHeader + "c, 8, 8, 3, 5, 4, 16, 1,\n",
                    {":2: column 5 (Filter Width): a 3 x 5 filter is not square",
                     "square kernel (conv.kernel)"}},
        BadTopology{"FilterTallerThanInput",
                    kConvHeader + "c, 2, 8, 3, 3, 4, 16, 1,\n",
                    {":2: column 4 (Filter Height): the filter (3) is taller than the input (2)"}},
        BadTopology{"FilterWiderThanInput",
                    kConvHeader + "c, 8, 2, 3, 3, 4, 16, 1,\n",
                    {":2: column 5 (Filter Width): the filter (3) is wider than the input (2)"}},
        BadTopology{"UnequalStrides",
                    "Layer name, IFMAP height, IFMAP width, Filter height, Filter width, "
                    "Channels, Num filter, Stride height, Stride width,\n"
                    "c, 8, 8, 3, 3, 4, 16, 2, 1,\n",
                    {":2: column 9 (Stride width): strides of 2 (height) and 1 (width) differ",
                     "one stride (conv.stride)"}},
        BadTopology{"Sparse",
                    kConvHeader + "c, 8, 8, 3, 3, 4, 16, 1, 3:4,\n",
                    {":2: column 9 (stride width, batch or sparsity): the ratio 3:4"}},
        BadTopology{"StrideZero",
                    kConvHeader + "c, 8, 8, 3, 3, 4, 16, 0,\n",
                    {":2: column 8 (Strides): " + kRange + ", got '0'"}},
        BadTopology{"ChannelsFraction",
                    kConvHeader + "c, 8, 8, 3, 3, 4.0, 16, 1,\n",
                    {":2: column 6 (Channels): " + kRange + ", got '4.0'"}},
        BadTopology{"GemmMBeyondTheLimit",
                    kConvHeader + "c, 2048, 2048, 1, 1, 4, 16, 1,\n",
                    {":2: the layer's GEMM (M = 1 x 2048 x 2048 = 4194304, K = 4 x 1 x 1 = 4)",
                     "exceeds 1048576 in M or K"}},
        BadTopology{"GemmKBeyondTheLimit",
                    kConvHeader + "c, 3, 3, 3, 3, 131072, 16, 1,\n",
                    {":2: the layer's GEMM", "K = 131072 x 3 x 3 = 1179648"}},
        BadTopology{"ExtendedInputBeyondTheLimit",
                    kConvHeader + "c, 1048576, 1, 1, 1, 1, 1, 2,\n",
                    {":2: the input of 1048577 x 1", "exceeds 1048576"}}),
    [](const testing::TestParamInfo<BadTopology>& info) { return info.param.test_name; });

TEST(ScaleSimTopologyTest, UnreadableFilesAndUnknownFormatsAreRefused) {
  EXPECT_TRUE(ContainsAll(TopologyError("/nonexistent/topo.csv"),
                          {"/nonexistent/topo.csv: cannot open SCALE-Sim topology"}));
  EXPECT_TRUE(ContainsAll(TopologyError(testing::TempDir()), {"is a directory"}));
  ScaleSimImportOptions weights;
  weights.weights = "int4_g100";
  EXPECT_TRUE(ContainsAll(TopologyError(kData + "llm_block_gemm.csv", weights),
                          {"--weights: ", "int4_g100"}));
  ScaleSimImportOptions activations;
  activations.activations = "int7";
  EXPECT_TRUE(ContainsAll(TopologyError(kData + "llm_block_gemm.csv", activations),
                          {"--activations: ", "int7"}));
}

// --- Hardware config -----------------------------------------------------------------------------

TEST(ScaleSimConfigTest, ShippedConfigLoadsWithItsValuesAndTheBasesOthers) {
  const HardwareConfig base = LoadHardwareConfig(kDefaultConfig);
  std::string text;
  const HardwareConfig config =
      ImportAndLoad(kData + "systolic_32x32_os.cfg", kDefaultConfig, &text);
  EXPECT_EQ(config.name, "systolic_32x32_os");  // [general] run_name
  EXPECT_EQ(config.rows, 32);                   // ArrayHeight
  EXPECT_EQ(config.cols, 32);                   // ArrayWidth
  EXPECT_EQ(config.memory.Buffer(BufferKind::kActivations).capacity_kib, 1536);  // Ifmap
  EXPECT_EQ(config.memory.Buffer(BufferKind::kWeights).capacity_kib, 768);       // Filter
  EXPECT_EQ(config.memory.Buffer(BufferKind::kOutputs).capacity_kib, 384);       // Ofmap
  EXPECT_EQ(config.memory.dram.bandwidth_bytes_per_cycle, 64);  // 64 one-byte words a cycle
  // The base's banks still fit: kept.
  for (BufferKind kind : kAllBufferKinds) {
    EXPECT_EQ(config.memory.Buffer(kind).banks, base.memory.Buffer(kind).banks)
        << BufferKindName(kind);
    EXPECT_EQ(config.memory.Buffer(kind).word_bits, base.memory.Buffer(kind).word_bits);
    EXPECT_EQ(config.memory.Buffer(kind).ports, base.memory.Buffer(kind).ports);
  }
  // Everything else is the base's.
  EXPECT_EQ(config.memory.Buffer(BufferKind::kScales).capacity_kib,
            base.memory.Buffer(BufferKind::kScales).capacity_kib);
  EXPECT_EQ(config.weight_bits, base.weight_bits);
  EXPECT_EQ(config.activation_bits, base.activation_bits);
  EXPECT_EQ(config.accumulator_bits, base.accumulator_bits);
  EXPECT_EQ(config.max_k, base.max_k);
  EXPECT_EQ(config.weight_format_names, base.weight_format_names);
  EXPECT_EQ(config.activation_format_names, base.activation_format_names);
  EXPECT_EQ(config.frequency_mhz, base.frequency_mhz);
  EXPECT_EQ(config.memory.dram.latency_cycles, base.memory.dram.latency_cycles);
  EXPECT_EQ(config.memory.dram.burst_bytes, base.memory.dram.burst_bytes);
  EXPECT_EQ(config.memory.dram.banks, base.memory.dram.banks);
  EXPECT_EQ(config.memory.dram.row_buffer_bytes, base.memory.dram.row_buffer_bytes);
  EXPECT_EQ(config.memory.dram.row_miss_cycles, base.memory.dram.row_miss_cycles);
  EXPECT_EQ(config.noc.topology, base.noc.topology);
  EXPECT_EQ(config.noc.link_bytes, base.noc.link_bytes);
  EXPECT_EQ(config.noc.hop_latency_cycles, base.noc.hop_latency_cycles);
  EXPECT_EQ(std::filesystem::absolute(config.energy_file).lexically_normal(),
            std::filesystem::absolute(base.energy_file).lexically_normal());

  // The header says where each value came from, and what was ignored.
  EXPECT_TRUE(ContainsAll(
      text, {"# mixpe hardware config imported from the SCALE-Sim config " + kData +
                 "systolic_32x32_os.cfg\n# onto the base " + kDefaultConfig +
                 " by mixpe import (docs/import.md).\n# From the .cfg:\n"
                 "#   name: systolic_32x32_os                       <- [general] run_name\n"
                 "#   array.rows: 32                                <- [architecture_presets] "
                 "ArrayHeight\n",
             "#   memory.buffers.weights.capacity_kib: 768      <- FilterSramSzkB\n",
             "#   memory.dram.bandwidth_bytes_per_cycle: 64     <- Bandwidth: 64 words a cycle "
             "(InterfaceBandwidth: USER)\n",
             "#   array.dataflow: output_stationary             <- Dataflow: os\n",
             "# Ignored (no mixpe equivalent; mixpe places the operands in DRAM itself):\n"
             "#   [architecture_presets] IfmapOffset, FilterOffset, OfmapOffset, MemoryBanks\n"}))
      << text;
  EXPECT_EQ(text.find("Changed from the base"), std::string::npos) << text;
}

TEST(ScaleSimConfigTest, EnergyPathIsRelativeToTheOutputOrAbsolute) {
  const std::string cfg = kData + "systolic_32x32_os.cfg";
  const std::string energy =
      std::filesystem::path(MIXPE_SOURCE_DIR "/configs/energy/mixpe_w4a16_28nm.yaml")
          .lexically_normal()
          .string();
  EXPECT_NE(ImportScaleSimConfig(cfg, kDefaultConfig).find("energy: " + energy + "\n"),
            std::string::npos);
  const std::string beside = MIXPE_SOURCE_DIR "/configs/imported.yaml";
  EXPECT_NE(ImportScaleSimConfig(cfg, kDefaultConfig, beside)
                .find("energy: energy/mixpe_w4a16_28nm.yaml\n"),
            std::string::npos);
}

// A valid .cfg for the edits below: a 12x14 array with eyeriss-sized SRAMs, USER bandwidth.
const std::string kValidCfg =
    "[general]\n"
    "run_name = \"small_os\"\n"
    "\n"
    "[architecture_presets]\n"
    "ArrayHeight:    12\n"
    "ArrayWidth:     14\n"
    "IfmapSramSzkB:    64\n"
    "FilterSramSzkB:   32\n"
    "OfmapSramSzkB:    32\n"
    "IfmapOffset:    0\n"
    "FilterOffset:   10000000\n"
    "OfmapOffset:    20000000\n"
    "Dataflow : os\n"
    "Bandwidth : 32\n"
    "\n"
    "[run_presets]\n"
    "InterfaceBandwidth: USER\n";

TEST(ScaleSimConfigTest, ValidCfgLoads) {
  const HardwareConfig config = ImportAndLoad(WriteTemp(kValidCfg, ".cfg"));
  EXPECT_EQ(config.name, "small_os");  // unquoted
  EXPECT_EQ(config.rows, 12);
  EXPECT_EQ(config.cols, 14);
  EXPECT_EQ(config.memory.dram.bandwidth_bytes_per_cycle, 32);
  EXPECT_EQ(config.memory.Buffer(BufferKind::kActivations).capacity_kib, 64);
}

TEST(ScaleSimConfigTest, BanksChangeOnlyWhereTheBasesNoLongerFit) {
  // 36 kB: the base's 128 activation banks of 64 bytes make rows of 8 KiB, which do not divide
  // it; 64 banks (4 KiB rows) do. The weights' 64 banks already do.
  std::string text;
  const HardwareConfig config = ImportAndLoad(
      WriteTemp(ReplaceOnce(ReplaceOnce(kValidCfg, "IfmapSramSzkB:    64", "IfmapSramSzkB: 36"),
                            "FilterSramSzkB:   32", "FilterSramSzkB: 36"),
                ".cfg"),
      kDefaultConfig, &text);
  EXPECT_EQ(config.memory.Buffer(BufferKind::kActivations).banks, 64);
  EXPECT_EQ(config.memory.Buffer(BufferKind::kWeights).banks, 64);
  EXPECT_TRUE(ContainsAll(text, {"# Changed from the base to keep the config valid",
                                 "#   memory.buffers.activations.banks: 128 -> 64 (whole words "
                                 "in every bank of 36 KiB)\n"}))
      << text;

  // 4096 bytes a cycle: an output half of 32-bit words needs 2048 banks to take 32768 bits a
  // cycle, and the DRAM's burst grows to a cycle's transfer.
  const HardwareConfig wide =
      ImportAndLoad(WriteTemp(ReplaceOnce(kValidCfg, "Bandwidth : 32", "Bandwidth : 4096"), ".cfg"),
                    kDefaultConfig, &text);
  EXPECT_EQ(wide.memory.dram.bandwidth_bytes_per_cycle, 4096);
  EXPECT_EQ(wide.memory.dram.burst_bytes, 4096);
  EXPECT_EQ(wide.memory.dram.row_buffer_bytes, 4096);
  EXPECT_EQ(wide.memory.Buffer(BufferKind::kOutputs).banks, 2048);
  EXPECT_TRUE(ContainsAll(text, {"memory.dram.burst_bytes: 128 -> 4096",
                                 "memory.buffers.outputs.banks: 1024 -> 2048 (a half must serve "
                                 "32768 bits a cycle)"}))
      << text;
}

TEST(ScaleSimConfigTest, BandwidthRoundsDownToAPowerOfTwoAndCalcKeepsTheBases) {
  std::string text;
  const HardwareConfig rounded =
      ImportAndLoad(WriteTemp(ReplaceOnce(kValidCfg, "Bandwidth : 32", "Bandwidth : 48"), ".cfg"),
                    kDefaultConfig, &text);
  EXPECT_EQ(rounded.memory.dram.bandwidth_bytes_per_cycle, 32);
  EXPECT_NE(text.find("48 words a cycle (InterfaceBandwidth: USER), rounded down to a power of "
                      "two"),
            std::string::npos)
      << text;
  const HardwareConfig calc = ImportAndLoad(
      WriteTemp(ReplaceOnce(kValidCfg, "InterfaceBandwidth: USER", "InterfaceBandwidth: CALC"),
                ".cfg"),
      kDefaultConfig, &text);
  EXPECT_EQ(calc.memory.dram.bandwidth_bytes_per_cycle, 128);  // the base's
  EXPECT_NE(text.find("stays the base's 128 (Bandwidth is unused)"), std::string::npos) << text;
}

TEST(ScaleSimConfigTest, VersionOneFilesImport) {
  // SCALE-Sim v1: sizes without "kB", no Bandwidth and no [run_presets], a topology path.
  const std::string v1 =
      "[general]\nrun_name = \"v1_os\"\n\n[architecture_presets]\nArrayHeight:    8\n"
      "ArrayWidth:     8\nIfmapSramSz:    128\nFilterSramSz:   64\nOfmapSramSz:    32\n"
      "IfmapOffset:    0\nFilterOffset:   10000000\nOfmapOffset:    20000000\n"
      "Dataflow:       os\n\n[network_presets]\nTopologyCsvLoc = \"./topologies/x.csv\"\n";
  std::string text;
  const HardwareConfig config = ImportAndLoad(WriteTemp(v1, ".cfg"), kDefaultConfig, &text);
  EXPECT_EQ(config.rows, 8);
  EXPECT_EQ(config.memory.Buffer(BufferKind::kActivations).capacity_kib, 128);
  EXPECT_EQ(config.memory.Buffer(BufferKind::kWeights).capacity_kib, 64);
  EXPECT_EQ(config.memory.Buffer(BufferKind::kOutputs).capacity_kib, 32);
  EXPECT_EQ(config.memory.dram.bandwidth_bytes_per_cycle, 128);
  EXPECT_TRUE(ContainsAll(
      text, {"no [run_presets] InterfaceBandwidth", "[network_presets] TopologyCsvLoc"}))
      << text;
}

TEST(ScaleSimConfigTest, CommentsCaseAndSpacingAreTolerated) {
  const std::string cfg =
      "; a comment\n# another\n[Architecture_Presets]\n  arrayheight = 4   # rows\n"
      "ARRAYWIDTH=4\nifmapsramszkb : 16\nFilterSramSzkB:16 ; kB\nOfmapSramSzkB: 16\n"
      "Dataflow = OS\n";
  const HardwareConfig config = ImportAndLoad(WriteTemp(cfg, ".cfg"));
  EXPECT_EQ(config.rows, 4);
  EXPECT_EQ(config.cols, 4);
  EXPECT_EQ(config.memory.Buffer(BufferKind::kWeights).capacity_kib, 16);
  // No [general] run_name: the file's stem.
  EXPECT_EQ(config.name.rfind("scalesim-mixpe_scalesim_", 0), 0u) << config.name;
}

TEST(ScaleSimConfigTest, MeshRoutersShrinkWithTheArray) {
  // tests/configs/array_7x3_w4.yaml: a 3 x 7 mesh, and an energy path relative to its directory.
  const std::string base = MIXPE_SOURCE_DIR "/tests/configs/array_7x3_w4.yaml";
  const std::string cfg =
      ReplaceOnce(ReplaceOnce(ReplaceOnce(kValidCfg, "ArrayHeight:    12", "ArrayHeight: 2"),
                              "ArrayWidth:     14", "ArrayWidth: 2"),
                  "InterfaceBandwidth: USER", "InterfaceBandwidth: CALC");
  std::string text;
  const HardwareConfig config = ImportAndLoad(WriteTemp(cfg, ".cfg"), base, &text);
  EXPECT_EQ(config.noc.topology, NocConfig::Topology::kMesh);
  EXPECT_EQ(config.noc.mesh_columns, 2);
  EXPECT_EQ(config.noc.mesh_rows, 2);
  EXPECT_EQ(config.weight_format_names, LoadHardwareConfig(base).weight_format_names);
  EXPECT_TRUE(ContainsAll(text, {"noc.mesh_columns: 3 -> 2", "noc.mesh_rows: 7 -> 2"})) << text;
}

// --- Config refusals -----------------------------------------------------------------------------

struct BadCfg {
  std::string test_name;
  std::string from;  // text of kValidCfg to replace
  std::string to;
  std::vector<std::string> expected;  // besides the file's path
};

void PrintTo(const BadCfg& bad, std::ostream* os) { *os << bad.test_name; }

class ScaleSimBadConfigTest : public testing::TestWithParam<BadCfg> {};

TEST_P(ScaleSimBadConfigTest, IsRefusedNamingTheLineKeyAndWhatWasExpected) {
  const std::string path =
      WriteTemp(ReplaceOnce(kValidCfg, GetParam().from, GetParam().to), ".cfg");
  std::vector<std::string> parts = {path};
  parts.insert(parts.end(), GetParam().expected.begin(), GetParam().expected.end());
  EXPECT_TRUE(ContainsAll(ConfigError(path), parts));
}

INSTANTIATE_TEST_SUITE_P(
    Value, ScaleSimBadConfigTest,
    testing::Values(
        BadCfg{"WeightStationary",
               "Dataflow : os",
               "Dataflow : ws",
               {":13: [architecture_presets] Dataflow: expected os, got 'ws'",
                "mixpe's array is output stationary"}},
        BadCfg{"InputStationary", "Dataflow : os", "Dataflow : is", {"expected os, got 'is'"}},
        BadCfg{"HeightAbove256",
               "ArrayHeight:    12",
               "ArrayHeight: 300",
               {":5: [architecture_presets] ArrayHeight: expected an integer in [1, 256] "
                "(array.rows), got '300'"}},
        BadCfg{
            "WidthFraction",
            "ArrayWidth:     14",
            "ArrayWidth: 14.5",
            {":6: [architecture_presets] ArrayWidth: expected an integer in [1, 256]", "'14.5'"}},
        BadCfg{"WidthEmpty", "ArrayWidth:     14", "ArrayWidth:", {"got an empty value"}},
        BadCfg{"SramZero",
               "IfmapSramSzkB:    64",
               "IfmapSramSzkB: 0",
               {":7: [architecture_presets] IfmapSramSzkB: expected an integer in [1, 1048576] "
                "(memory.buffers.activations.capacity_kib), got '0'"}},
        BadCfg{"SramWord",
               "OfmapSramSzkB:    32",
               "OfmapSramSzkB: lots",
               {":9: [architecture_presets] OfmapSramSzkB:", "'lots'"}},
        BadCfg{"BandwidthAbove4096",
               "Bandwidth : 32",
               "Bandwidth : 8192",
               {":14: [architecture_presets] Bandwidth: expected an integer in [1, 4096]"}},
        BadCfg{"BandwidthPerBank",
               "Bandwidth : 32",
               "Bandwidth : 10,10",
               {":14: [architecture_presets] Bandwidth: expected one bandwidth, got '10,10'",
                "one DRAM interface"}},
        BadCfg{"UnknownInterfaceMode",
               "InterfaceBandwidth: USER",
               "InterfaceBandwidth: AUTO",
               {":17: [run_presets] InterfaceBandwidth: expected CALC or USER, got 'AUTO'"}},
        // A 256-column array writes 256 x 32 bits a cycle: a half of 32-bit words needs 256
        // banks, 512 in all, whose rows of 2048 bytes do not divide 1 KiB.
        BadCfg{"OutputSramTooSmallForItsRow",
               "ArrayWidth:     14\nIfmapSramSzkB:    64\nFilterSramSzkB:   32\n"
               "OfmapSramSzkB:    32",
               "ArrayWidth:     256\nIfmapSramSzkB:    64\nFilterSramSzkB:   32\n"
               "OfmapSramSzkB:    1",
               {":9: [architecture_presets] OfmapSramSzkB: 1024 bytes cannot be split into "
                "banks of whole 32-bit words (memory.buffers.outputs.word_bits of the base) wide "
                "enough for a 12x256 array: a half must serve 8192 bits a cycle (the core 8192, "
                "the DRAM 256), which takes 512 banks, whose rows of 2048 bytes do not divide "
                "it: give a multiple of 2 kB"}}),
    [](const testing::TestParamInfo<BadCfg>& info) { return info.param.test_name; });

INSTANTIATE_TEST_SUITE_P(
    Missing, ScaleSimBadConfigTest,
    testing::Values(
        BadCfg{"Dataflow",
               "Dataflow : os\n",
               "",
               {": [architecture_presets] Dataflow: missing required key (os, ws or is; "
                "mixpe's output-stationary array takes os)"}},
        BadCfg{"ArrayHeight",
               "ArrayHeight:    12\n",
               "",
               {": [architecture_presets] ArrayHeight: missing required key (the PE rows"}},
        BadCfg{"FilterSram",
               "FilterSramSzkB:   32\n",
               "",
               {": [architecture_presets] FilterSramSzkB: missing required key",
                "memory.buffers.weights.capacity_kib"}},
        BadCfg{"UserBandwidth",
               "Bandwidth : 32\n",
               "",
               {": [architecture_presets] Bandwidth: missing required key",
                "InterfaceBandwidth: USER"}},
        BadCfg{"ArchitectureSection",
               "[architecture_presets]\n",
               "[architecture]\n",
               {": [architecture_presets]: missing section"}}),
    [](const testing::TestParamInfo<BadCfg>& info) { return info.param.test_name; });

INSTANTIATE_TEST_SUITE_P(
    Syntax, ScaleSimBadConfigTest,
    testing::Values(
        BadCfg{"RepeatedKey",
               "ArrayWidth:     14\n",
               "ArrayWidth:     14\narraywidth = 16\n",
               {":7: [architecture_presets] arraywidth: appears twice (also line 6)"}},
        BadCfg{"RepeatedSection",
               "[run_presets]\n",
               "[general]\n",
               {":16: section [general] appears twice (also line 1)"}},
        BadCfg{"KeyBeforeSection",
               "[general]\n",
               "Dataflow = os\n[general]\n",
               {":1: 'Dataflow' comes before any [section]"}},
        BadCfg{"LineWithoutValue",
               "\n[run_presets]",
               "\njust words\n[run_presets]",
               {":16: expected 'key = value', 'key: value' or '[section]', got 'just words'"}},
        BadCfg{"UnclosedSection",
               "[run_presets]",
               "[run_presets",
               {":16: expected a section header '[name]', got '[run_presets'"}}),
    [](const testing::TestParamInfo<BadCfg>& info) { return info.param.test_name; });

TEST(ScaleSimConfigTest, UnreadableFilesAreRefused) {
  EXPECT_TRUE(ContainsAll(ConfigError("/nonexistent/x.cfg"),
                          {"/nonexistent/x.cfg: cannot open SCALE-Sim config"}));
  EXPECT_TRUE(ContainsAll(ConfigError(kData + "systolic_32x32_os.cfg", "/nonexistent/base.yaml"),
                          {"/nonexistent/base.yaml: cannot open file"}));
}

}  // namespace
}  // namespace mixpe
