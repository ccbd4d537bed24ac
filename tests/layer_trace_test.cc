// Tests of LoadLayerTrace: the shipped trace loads, and bad traces are rejected with a message
// naming the file, the key path (e.g. "layers[1].k") and what was expected.
#include "compiler/layer_trace.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <ostream>
#include <string>
#include <vector>

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
        BadEdit{"TopLevelMisspelled", "seed: 7", "sead: 7", "sead", {"unknown key", "'seed'"}}),
    BadEditName);

}  // namespace
}  // namespace mixpe
