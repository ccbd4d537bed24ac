// Tests of the schedule text (compiler/schedule_text.h, docs/schedule-format.md): a small layer's
// text line by line against its derivation by hand; round trips of every loop order and format
// family on the test configs; every kind of parse error with its line; and the comparison with a
// hardware config of edited schedules and of one that overflows a buffer.
#include "compiler/schedule_text.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "model/input_error.h"
#include "tests/input_test_util.h"

namespace mixpe {
namespace {

using testing_util::ContainsAll;
using testing_util::ReplaceOnce;
using testing_util::WriteTempFile;

std::string ConfigPath(const std::string& name) {
  return std::string(MIXPE_SOURCE_DIR) + "/tests/configs/" + name + ".yaml";
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// array_4x4_w4 with NVFP4 activations besides its own, so that both tensor scales appear; no test
// config lists NVFP4 activations.
std::string Nvfp4ActivationsConfig() {
  std::string text = ReadFile(ConfigPath("array_4x4_w4"));
  text = ReplaceOnce(text, "activations: [int8_token, mxint8]",
                     "activations: [int8_token, mxint8, nvfp4]");
  text = ReplaceOnce(text, "energy: ../../configs/",
                     std::string("energy: ") + MIXPE_SOURCE_DIR + "/configs/");
  return WriteTempFile(text);
}

// A test config by name (tests/configs/<name>.yaml, or "nvfp4_activations"), loaded once.
const HardwareConfig& Config(const std::string& name) {
  static std::map<std::string, HardwareConfig> configs;
  auto it = configs.find(name);
  if (it == configs.end()) {
    const std::string path =
        name == "nvfp4_activations" ? Nvfp4ActivationsConfig() : ConfigPath(name);
    it = configs.emplace(name, LoadHardwareConfig(path)).first;
  }
  return it->second;
}

GemmLayer Layer(const std::string& name, int64_t m, int64_t k, int64_t n,
                const std::string& weights, const std::string& activations) {
  GemmLayer layer;
  layer.name = name;
  layer.m = m;
  layer.k = k;
  layer.n = n;
  layer.weights = weights;
  layer.activations = activations;
  layer.source_file = "test";
  return layer;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The 1-based number of the first line of `text` that starts with `start`.
int LineOf(const std::string& text, const std::string& start) {
  const std::vector<std::string> lines = Lines(text);
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].rfind(start, 0) == 0) return static_cast<int>(i) + 1;
  }
  ADD_FAILURE() << "no line starts with '" << start << "'";
  return 0;
}

// The message of the InputError `action` throws; fails the test if it throws none.
template <typename Action>
std::string ErrorOf(Action action) {
  try {
    action();
  } catch (const InputError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no InputError thrown";
  return "";
}

// Every field of the core schedule and the memory layout.
void ExpectSameSchedule(const LayerSchedule& a, const LayerSchedule& b) {
  EXPECT_EQ(a.weights_format, b.weights_format);
  EXPECT_EQ(a.activations_format, b.activations_format);
  const CoreSchedule& c = a.core;
  const CoreSchedule& d = b.core;
  EXPECT_EQ(c.layer, d.layer);
  EXPECT_EQ(c.m, d.m);
  EXPECT_EQ(c.k, d.k);
  EXPECT_EQ(c.n, d.n);
  EXPECT_EQ(c.unit, d.unit);
  EXPECT_EQ(c.units_per_tile, d.units_per_tile);
  EXPECT_EQ(c.array_rows, d.array_rows);
  EXPECT_EQ(c.array_cols, d.array_cols);
  EXPECT_EQ(c.unit_interval, d.unit_interval);
  EXPECT_EQ(c.loop_order, d.loop_order);
  ASSERT_EQ(c.tiles.size(), d.tiles.size());
  for (size_t t = 0; t < c.tiles.size(); ++t) {
    EXPECT_EQ(c.tiles[t].m0, d.tiles[t].m0) << "tile " << t;
    EXPECT_EQ(c.tiles[t].n0, d.tiles[t].n0) << "tile " << t;
    EXPECT_EQ(c.tiles[t].rows_used, d.tiles[t].rows_used) << "tile " << t;
    EXPECT_EQ(c.tiles[t].cols_used, d.tiles[t].cols_used) << "tile " << t;
    EXPECT_EQ(c.tiles[t].start_cycle, d.tiles[t].start_cycle) << "tile " << t;
  }
  const MemoryLayout& l = a.layout;
  const MemoryLayout& o = b.layout;
  EXPECT_EQ(l.m, o.m);
  EXPECT_EQ(l.k, o.k);
  EXPECT_EQ(l.n, o.n);
  EXPECT_EQ(l.unit, o.unit);
  EXPECT_EQ(l.group, o.group);
  EXPECT_EQ(l.weight_bits, o.weight_bits);
  EXPECT_EQ(l.activation_bits, o.activation_bits);
  EXPECT_EQ(l.weight_scale_bytes, o.weight_scale_bytes);
  EXPECT_EQ(l.activation_scale_bytes, o.activation_scale_bytes);
  EXPECT_EQ(l.activation_block, o.activation_block);
  EXPECT_EQ(l.token_scales, o.token_scales);
  EXPECT_EQ(l.array_rows, o.array_rows);
  EXPECT_EQ(l.array_cols, o.array_cols);
  EXPECT_EQ(l.group_bits, o.group_bits);
  EXPECT_EQ(l.sizes.weight_column, o.sizes.weight_column);
  EXPECT_EQ(l.sizes.zero_point_column, o.sizes.zero_point_column);
  EXPECT_EQ(l.sizes.weight_scale_column, o.sizes.weight_scale_column);
  EXPECT_EQ(l.sizes.weight_tensor_scale, o.sizes.weight_tensor_scale);
  EXPECT_EQ(l.sizes.activation_row, o.sizes.activation_row);
  EXPECT_EQ(l.sizes.activation_scale_row, o.sizes.activation_scale_row);
  EXPECT_EQ(l.sizes.activation_tensor_scale, o.sizes.activation_tensor_scale);
  EXPECT_EQ(l.segment_bytes, o.segment_bytes);
  EXPECT_EQ(l.segment_address, o.segment_address);
  EXPECT_EQ(l.image_bytes, o.image_bytes);
  EXPECT_EQ(l.buffer_offset, o.buffer_offset);
  EXPECT_EQ(l.buffer_bytes, o.buffer_bytes);
}

// --- the small layer, line by line ---------------------------------------------------------------

// int4_g32_asym x int8_token, M = 6, K = 64, N = 10 on array_4x4_w4: 2 M-tiles (4 and 2 rows) x 3
// N-tiles (4, 4 and 2 columns). Per output channel 64 x 4 bits = 32 bytes of codes, 2 groups x
// FP16 = 4 bytes of scales, 2 zero points x 4 bits = 1 byte; per token 64 bytes of codes and a
// 2-byte FP16 scale.
LayerSchedule SmallLayer(LoopOrder order = LoopOrder::kMOuter) {
  return MakeLayerSchedule(Config("array_4x4_w4"),
                           Layer("fc", 6, 64, 10, "int4_g32_asym", "int8_token"), order);
}

const std::vector<std::string>& SmallLayerText() {
  static const std::vector<std::string> lines = {
      "mixpe-schedule 1",
      "# One GEMM layer's schedule on the core (docs/schedule-format.md): sizes, addresses and",
      "# offsets in bytes, cycles of the core clock.",
      "",
      "[layer]",
      "name=fc",
      "m=6",
      "k=64",
      "n=10",
      "weights=int4_g32_asym",
      "activations=int8_token",
      "design=mixpe",
      "unit=32",   // the group, 32, is shorter than the token's block, all of K
      "group=32",  //
      "loop_order=m_outer",
      "block_m_tiles=1",  // a block is one tile: each M-tile's activations loaded on their own
      "block_n_tiles=1",
      "k_chunks=1",
      "array=4x4",
      "unit_interval=32",  // max(U = 32, 2 x 4 rows - 1 = 7, (4 + 4) / 2 = 4)
      "units_per_tile=2",  // K / U
      "",
      "[dram]",
      "# Each segment of each part: its first byte in the layer's DRAM image, its payload.",
      // Each part from a 1024-byte DRAM row, each segment from a 128-byte burst. Weight codes per
      // N-tile: 4, 4 and 2 columns x 32 bytes.
      "part=weight_codes segment=0 address=0 bytes=128",
      "part=weight_codes segment=1 address=128 bytes=128",
      "part=weight_codes segment=2 address=256 bytes=64",
      // From the next row, 1024: columns x 4 bytes of scales, a segment a burst.
      "part=weight_scales segment=0 address=1024 bytes=16",
      "part=weight_scales segment=1 address=1152 bytes=16",
      "part=weight_scales segment=2 address=1280 bytes=8",
      // Row 2: columns x 1 byte of zero points.
      "part=zero_points segment=0 address=2048 bytes=4",
      "part=zero_points segment=1 address=2176 bytes=4",
      "part=zero_points segment=2 address=2304 bytes=2",
      // Row 3, empty (no NVFP4 weights): the activation codes start at the same row.
      "part=weight_tensor_scale segment=0 address=3072 bytes=0",
      // Per M-tile: 4 and 2 tokens x 64 bytes, the second at the burst after 3072 + 256.
      "part=activation_codes segment=0 address=3072 bytes=256",
      "part=activation_codes segment=1 address=3328 bytes=128",
      // Row 4 (3456 rounded up): tokens x 2 bytes.
      "part=activation_scales segment=0 address=4096 bytes=8",
      "part=activation_scales segment=1 address=4224 bytes=4",
      // Row 5, empty; the outputs start there.
      "part=activation_tensor_scale segment=0 address=5120 bytes=0",
      // Per tile in issue order: rows x cols x 4 bytes (FP32), each from a burst.
      "part=outputs segment=0 address=5120 bytes=64",
      "part=outputs segment=1 address=5248 bytes=64",
      "part=outputs segment=2 address=5376 bytes=32",
      "part=outputs segment=3 address=5504 bytes=32",
      "part=outputs segment=4 address=5632 bytes=32",
      "part=outputs segment=5 address=5760 bytes=16",
      "image_bytes=5888",  // 5760 + one burst
      "",
      "[buffers]",
      "# Each buffer: its regions in one half together; each part: its region's first byte.",
      // Regions as large as the part's largest segment, in whole words: 64 bytes (512 bits) in
      // the weights, activations and scales buffers, 4 bytes (32 bits) in the outputs buffer.
      "buffer=weights bytes=128",
      "part=weight_codes buffer=weights offset=0",
      "buffer=activations bytes=320",                          // 256 + 64
      "part=activation_codes buffer=activations offset=0",     // 256 bytes
      "part=activation_scales buffer=activations offset=256",  // 8 bytes: a word
      "buffer=outputs bytes=64",
      "part=outputs buffer=outputs offset=0",
      "buffer=scales bytes=128",                            // 64 + 64
      "part=weight_scales buffer=scales offset=0",          // 16 bytes: a word
      "part=zero_points buffer=scales offset=64",           // 4 bytes: a word
      "part=weight_tensor_scale buffer=scales offset=128",  // empty
      "part=activation_tensor_scale buffer=scales offset=128",
      "",
      "[tiles]",
      "# Each tile in issue order: its outputs, the cycle its first unit starts, the parts whose",
      "# segments are loaded from DRAM for it (- for none), the segment its outputs go to.",
      // Tile t starts with unit 2t of the layer, in cycle 2t x 32. M-outer: the weights change
      // with every tile, the activations with the M-tile (tiles 0 and 3); the empty tensor
      // scales are not loaded.
      "tile=0 m0=0 n0=0 rows=4 cols=4 start=0 "
      "loads=weight_codes,weight_scales,zero_points,activation_codes,activation_scales store=0",
      "tile=1 m0=0 n0=4 rows=4 cols=4 start=64 loads=weight_codes,weight_scales,zero_points "
      "store=1",
      "tile=2 m0=0 n0=8 rows=4 cols=2 start=128 loads=weight_codes,weight_scales,zero_points "
      "store=2",
      "tile=3 m0=4 n0=0 rows=2 cols=4 start=192 "
      "loads=weight_codes,weight_scales,zero_points,activation_codes,activation_scales store=3",
      "tile=4 m0=4 n0=4 rows=2 cols=4 start=256 loads=weight_codes,weight_scales,zero_points "
      "store=4",
      "tile=5 m0=4 n0=8 rows=2 cols=2 start=320 loads=weight_codes,weight_scales,zero_points "
      "store=5",
  };
  return lines;
}

TEST(ScheduleTextTest, SmallLayerLineByLine) {
  const std::vector<std::string> lines = Lines(WriteSchedule(SmallLayer()));
  const std::vector<std::string>& expected = SmallLayerText();
  for (size_t i = 0; i < std::min(lines.size(), expected.size()); ++i) {
    EXPECT_EQ(lines[i], expected[i]) << "line " << i + 1;
  }
  EXPECT_EQ(lines.size(), expected.size());
}

// docs/schedule-format.md shows the small layer's text as an example; it must be the real one.
TEST(ScheduleTextTest, TheDocumentedExampleIsTheSmallLayersText) {
  const std::string doc = ReadFile(std::string(MIXPE_SOURCE_DIR) + "/docs/schedule-format.md");
  const size_t begin = doc.find("```\nmixpe-schedule 1\n");
  ASSERT_NE(begin, std::string::npos) << "no example in docs/schedule-format.md";
  const size_t end = doc.find("```\n", begin + 4);
  ASSERT_NE(end, std::string::npos);
  EXPECT_EQ(doc.substr(begin + 4, end - begin - 4), WriteSchedule(SmallLayer()));
}

// N-outer keeps a block of columns' weights while the activations change: the tiles go down the
// columns, and the weights are loaded once per N-tile (tiles 0, 2 and 4).
TEST(ScheduleTextTest, NOuterTilesLoadTheWeightsOncePerNTile) {
  const std::string text = WriteSchedule(SmallLayer(LoopOrder::kNOuter));
  const std::vector<std::string> lines = Lines(text);
  const std::vector<std::string> tiles(lines.end() - 6, lines.end());
  EXPECT_EQ(tiles, (std::vector<std::string>{
                       "tile=0 m0=0 n0=0 rows=4 cols=4 start=0 loads=weight_codes,weight_scales,"
                       "zero_points,activation_codes,activation_scales store=0",
                       "tile=1 m0=4 n0=0 rows=2 cols=4 start=64 "
                       "loads=activation_codes,activation_scales store=1",
                       "tile=2 m0=0 n0=4 rows=4 cols=4 start=128 loads=weight_codes,weight_scales,"
                       "zero_points,activation_codes,activation_scales store=2",
                       "tile=3 m0=4 n0=4 rows=2 cols=4 start=192 "
                       "loads=activation_codes,activation_scales store=3",
                       "tile=4 m0=0 n0=8 rows=4 cols=2 start=256 loads=weight_codes,weight_scales,"
                       "zero_points,activation_codes,activation_scales store=4",
                       "tile=5 m0=4 n0=8 rows=2 cols=2 start=320 "
                       "loads=activation_codes,activation_scales store=5",
                   }));
  EXPECT_NE(text.find("loop_order=n_outer\n"), std::string::npos);
  // The outputs are stored in issue order: tile 1 is 2 x 4.
  EXPECT_NE(text.find("part=outputs segment=1 address=5248 bytes=32\n"), std::string::npos);
}

TEST(ScheduleTextTest, CommentsBlankLinesAndBlanksAroundLinesAreIgnored) {
  const std::string text = WriteSchedule(SmallLayer());
  std::string edited = ReplaceOnce(text, "[dram]\n", "\n# a note\n   [dram]  \n\n  # another\n");
  edited = ReplaceOnce(edited, "m=6\n", "  m = 6\r\n");
  edited = ReplaceOnce(edited, "tile=3 m0=4", "\t tile=3   m0=4");
  EXPECT_EQ(WriteSchedule(ParseSchedule(edited, "edited.schedule")), text);
}

TEST(ScheduleTextTest, ParsedScheduleKnowsTheLinesOfItsFields) {
  const std::string text = WriteSchedule(SmallLayer());
  const LayerSchedule s = ParseSchedule(text, "fc.schedule");
  EXPECT_EQ(s.source.name, "fc.schedule");
  EXPECT_EQ(s.source.lines.at("unit"), LineOf(text, "unit="));
  EXPECT_EQ(s.source.lines.at("part=zero_points segment=1"),
            LineOf(text, "part=zero_points segment=1"));
  EXPECT_EQ(s.source.lines.at("buffer=scales"), LineOf(text, "buffer=scales"));
  EXPECT_EQ(s.source.lines.at("tile=4"), LineOf(text, "tile=4"));
}

// --- round trips -------------------------------------------------------------------------------

struct RoundTripCase {
  std::string name;
  std::string config;
  int64_t m, k, n;
  std::string weights;
  std::string activations;
  std::vector<int> widths;  // intmix: group widths cycle through these; empty: none given
};

void PrintTo(const RoundTripCase& c, std::ostream* os) { *os << c.name; }

std::vector<uint8_t> GroupWidths(const RoundTripCase& c, int64_t group) {
  std::vector<uint8_t> bits;
  if (c.widths.empty()) return bits;
  const int64_t groups = c.n * (c.k / group);
  for (int64_t i = 0; i < groups; ++i) {
    bits.push_back(static_cast<uint8_t>(c.widths[(i * 7 + i / 3) % c.widths.size()]));
  }
  return bits;
}

class ScheduleRoundTripTest
    : public ::testing::TestWithParam<std::tuple<RoundTripCase, LoopOrder>> {};

TEST_P(ScheduleRoundTripTest, WritesParsesAndWritesTheSameSchedule) {
  const auto& [c, order] = GetParam();
  const HardwareConfig& config = Config(c.config);
  const GemmLayer layer = Layer("layer_" + c.name, c.m, c.k, c.n, c.weights, c.activations);
  const int group = ParseWeightFormat(c.weights).GroupSizeFor(c.k);
  const LayerSchedule made = MakeLayerSchedule(config, layer, order, GroupWidths(c, group));
  const std::string text = WriteSchedule(made);
  const LayerSchedule parsed = ParseSchedule(text, c.name + ".schedule");
  EXPECT_EQ(WriteSchedule(parsed), text);
  ExpectSameSchedule(parsed, made);
  EXPECT_EQ(text.find("[group_bits]") != std::string::npos, !c.widths.empty());
  EXPECT_NO_THROW(CheckScheduleAgainstConfig(parsed, config));
}

const RoundTripCase kRoundTripCases[] = {
    {"uniform_int4", "array_4x4_w4", 6, 64, 10, "int4_g32", "int8_token", {}},
    {"asymmetric_with_mx_activations", "array_4x4_w4", 9, 128, 7, "int4_g32_asym", "mxint8", {}},
    {"intmix_with_widths", "array_4x4_w4", 6, 96, 10, "intmix234_g32", "int8_token", {2, 3, 4}},
    {"intmix_at_the_widest", "array_4x4_w4", 5, 64, 6, "intmix234_g32", "mxint8", {}},
    {"intmix_on_a_tall_array", "array_7x3_w4", 10, 64, 8, "intmix234_g32", "mxint8", {4, 2}},
    {"intmix_with_fp16", "array_4x4_w4a16", 5, 256, 9, "intmix234_g64", "fp16", {3, 2, 4}},
    {"intmix23_on_a_flat_array", "array_2x16_w3", 3, 128, 20, "intmix23_g64", "mxint8", {2, 3}},
    {"mxint4", "array_4x4_w4", 6, 64, 6, "mxint4", "mxint8", {}},
    {"mxfp4_on_16x16", "array_16x16_w8", 20, 256, 40, "mxfp4", "int8_token", {}},
    {"int8_on_16x16", "array_16x16_w8", 17, 256, 16, "int8_g128", "mxint8", {}},
    {"nvfp4_weight_tensor_scale", "array_4x4_w4", 6, 64, 10, "nvfp4", "int8_token", {}},
    {"nvfp4_both_tensor_scales", "nvfp4_activations", 6, 64, 10, "nvfp4", "nvfp4", {}},
    {"nvfp4_with_fp16", "array_4x4_w4a16", 4, 128, 4, "nvfp4", "fp16", {}},
    {"int4_groups_with_fp16", "array_4x4_w4a16", 7, 256, 5, "int4_g128", "fp16", {}},
    {"asymmetric_g32_with_fp16", "array_4x4_w4a16", 4, 64, 4, "int4_g32_asym", "fp16", {}},
    {"per_channel_with_fp16", "array_4x4_w4a16", 3, 512, 6, "int4_gch", "fp16", {}},
    {"per_channel_per_token", "array_2x16_w3", 5, 192, 17, "int3_gch", "int8_token", {}},
    {"int2_asymmetric", "array_8x8_w2", 9, 64, 17, "int2_g32_asym", "mxint8", {}},
    {"one_tile", "array_8x8_w2", 1, 32, 1, "int2_g32", "int8_token", {}},
};

INSTANTIATE_TEST_SUITE_P(
    ScheduleTextFormatsAndOrders, ScheduleRoundTripTest,
    ::testing::Combine(::testing::ValuesIn(kRoundTripCases),
                       ::testing::Values(LoopOrder::kMOuter, LoopOrder::kNOuter)),
    [](const ::testing::TestParamInfo<std::tuple<RoundTripCase, LoopOrder>>& info) {
      return std::get<0>(info.param).name + "_" + LoopOrderName(std::get<1>(info.param));
    });

// A split K round-trips: k_chunks segments per block of each operand part, each chunk's loads on
// the tile's line; a split with blocks other than 1 x 1, or one that cuts a group, is refused at
// the k_chunks line.
TEST(ScheduleTextTest, SplitKRoundTripsAndBadSplitsAreRefusedAtTheirLine) {
  const HardwareConfig& config = Config("array_4x4_w4");
  const GemmLayer layer = Layer("split", 6, 128, 10, "int4_g32_asym", "mxint8");
  const LayerSchedule made =
      MakeLayerSchedule(config, layer, TilePlan{LoopOrder::kNOuter, 1, 1, 4});
  const std::string text = WriteSchedule(made);
  EXPECT_NE(text.find("\nk_chunks=4\n"), std::string::npos);
  // 3 N-tiles x 4 chunks of weight codes; 2 M-tiles x 4 chunks of activation codes.
  EXPECT_NE(text.find("part=weight_codes segment=11 "), std::string::npos);
  EXPECT_EQ(text.find("part=weight_codes segment=12 "), std::string::npos);
  EXPECT_NE(text.find("part=activation_codes segment=7 "), std::string::npos);
  const LayerSchedule parsed = ParseSchedule(text, "split.schedule");
  EXPECT_EQ(WriteSchedule(parsed), text);
  ExpectSameSchedule(parsed, made);
  EXPECT_NO_THROW(CheckScheduleAgainstConfig(parsed, config));

  const int line =
      static_cast<int>(std::count(text.begin(), text.begin() + text.find("k_chunks="), '\n')) + 1;
  auto refused = [&](const std::string& from, const std::string& to, const std::string& what) {
    std::string bad = text;
    bad.replace(bad.find(from), from.size(), to);
    try {
      ParseSchedule(bad, "split.schedule");
      ADD_FAILURE() << "parsed with " << to;
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find("split.schedule:" + std::to_string(line) + ": k_chunks"),
                std::string::npos)
          << e.what();
      EXPECT_NE(std::string(e.what()).find(what), std::string::npos) << e.what();
    }
  };
  refused("block_n_tiles=1\nk_chunks=4", "block_n_tiles=2\nk_chunks=4", "1x1");
  refused("k_chunks=4", "k_chunks=3", "equal chunks");
  refused("k_chunks=4", "k_chunks=8", "whole 32-element units");

  // int4_g128 x mxint8 reduces 32 elements at a time: K = 256 in 4 chunks of 64 cuts the groups.
  const LayerSchedule whole =
      MakeLayerSchedule(Config("array_16x16_w8"), Layer("cut", 16, 256, 16, "int4_g128", "mxint8"),
                        LoopOrder::kMOuter);
  std::string cut = WriteSchedule(whole);
  cut.replace(cut.find("k_chunks=1"), 10, "k_chunks=4");
  try {
    ParseSchedule(cut, "cut.schedule");
    ADD_FAILURE() << "a split through the weight groups parsed";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("not whole weight groups of 128"), std::string::npos)
        << e.what();
  }
}

// The INT8 design's two-level scales change the layout: a byte per group multiplier after the
// channel's FP16 scale, in each chunk. Its schedule says design=int8_mac, round-trips, and is
// refused by a MixPE config of the same shape, naming the designs.
TEST(ScheduleTextTest, TheDesignDecidesTheScalesLayoutAndIsChecked) {
  const HardwareConfig& int8 = Config("array_4x4_int8mac");
  const GemmLayer layer = Layer("fc", 6, 256, 10, "int4_g32", "int8_token");
  const LayerSchedule made = MakeLayerSchedule(int8, layer, TilePlan{LoopOrder::kMOuter, 1, 1, 2});
  EXPECT_EQ(made.layout.channel_scale_bytes, 2);
  EXPECT_EQ(made.layout.weight_scale_bytes, 1);
  // A column's chunk of 128 holds 4 groups: 2 + 4 bytes.
  EXPECT_EQ(made.layout.sizes.weight_scale_column, 2 + 4);
  const std::string text = WriteSchedule(made);
  EXPECT_NE(text.find("\ndesign=int8_mac\n"), std::string::npos);
  const LayerSchedule parsed = ParseSchedule(text, "int8.schedule");
  EXPECT_EQ(parsed.design, PeDesign::kInt8Mac);
  EXPECT_EQ(WriteSchedule(parsed), text);
  EXPECT_NO_THROW(CheckScheduleAgainstConfig(parsed, int8));
  try {
    CheckScheduleAgainstConfig(parsed, Config("array_4x4_w4"));
    ADD_FAILURE() << "an INT8 schedule was taken by a MixPE config";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("pe.design=int8_mac core"), std::string::npos) << e.what();
  }
  std::string unknown = text;
  unknown.replace(unknown.find("design=int8_mac"), 15, "design=systolic");
  EXPECT_THROW(ParseSchedule(unknown, "bad.schedule"), InputError);
}

// Mixed-precision widths are one digit per group, K/G per output channel.
TEST(ScheduleTextTest, GroupWidthsAreOneLinePerOutputChannel) {
  const LayerSchedule s =
      MakeLayerSchedule(Config("array_4x4_w4"), Layer("mix", 4, 128, 3, "intmix234_g32", "mxint8"),
                        LoopOrder::kMOuter, {2, 3, 4, 4, /**/ 4, 4, 4, 4, /**/ 2, 2, 3, 3});
  const std::string text = WriteSchedule(s);
  const int at = LineOf(text, "[group_bits]");
  const std::vector<std::string> lines = Lines(text);
  EXPECT_EQ(lines[at],
            "# Each output channel: the width in bits of each of its K/G weight groups.");
  EXPECT_EQ(lines[at + 1], "channel=0 bits=2344");
  EXPECT_EQ(lines[at + 2], "channel=1 bits=4444");
  EXPECT_EQ(lines[at + 3], "channel=2 bits=2233");
  // Channel 0: 32 x (2 + 3 + 4 + 4) bits = 52 bytes; 1: 64; 2: 40; one 156-byte segment.
  EXPECT_NE(text.find("part=weight_codes segment=0 address=0 bytes=156\n"), std::string::npos);
}

TEST(ScheduleTextTest, GroupWidthsOnlyForMixedFormatsAndTheirWidths) {
  const HardwareConfig& config = Config("array_4x4_w4");
  EXPECT_TRUE(ContainsAll(ErrorOf([&] {
                            MakeLayerSchedule(config,
                                              Layer("u", 4, 32, 2, "int4_g32", "int8_token"),
                                              LoopOrder::kMOuter, {4, 4});
                          }),
                          {"layer u", "weight format int4_g32 has one width for all groups"}));
  EXPECT_TRUE(ContainsAll(
      ErrorOf([&] {
        MakeLayerSchedule(config, Layer("u", 4, 32, 2, "intmix234_g32", "int8_token"),
                          LoopOrder::kMOuter, {4, 1});
      }),
      {"layer u", "a group of 1 bits, not one of the widths 2, 3, 4 of intmix234_g32"}));
}

TEST(ScheduleTextTest, NamesThatDoNotFitOneLineAreNotWritten) {
  LayerSchedule s = SmallLayer();
  s.core.layer = "two\nlines";
  EXPECT_TRUE(ContainsAll(ErrorOf([&] { WriteSchedule(s); }), {"must be one line"}));
  s.core.layer = " padded";
  EXPECT_TRUE(ContainsAll(ErrorOf([&] { WriteSchedule(s); }), {"without blanks at either end"}));
  s.core.layer = "with inner blanks";
  EXPECT_EQ(ParseSchedule(WriteSchedule(s), "x").core.layer, "with inner blanks");
}

// --- parse errors ------------------------------------------------------------------------------

// One edit of the small layer's text that must make it fail to parse.
struct BadText {
  std::string test_name;
  std::string from;  // text to replace, once
  std::string to;
  std::string error_line;  // the error names the line of the edited text starting with this
  std::vector<std::string> expected_words;
};

void PrintTo(const BadText& bad, std::ostream* os) { *os << bad.test_name; }

class ScheduleParseErrorTest : public ::testing::TestWithParam<BadText> {};

TEST_P(ScheduleParseErrorTest, NamesTheLineAndWhatWasExpected) {
  const BadText& bad = GetParam();
  const std::string text = ReplaceOnce(WriteSchedule(SmallLayer()), bad.from, bad.to);
  const std::string message = ErrorOf([&] { ParseSchedule(text, "fc.schedule"); });
  std::vector<std::string> parts = {"fc.schedule:" + std::to_string(LineOf(text, bad.error_line)) +
                                    ": "};
  parts.insert(parts.end(), bad.expected_words.begin(), bad.expected_words.end());
  EXPECT_TRUE(ContainsAll(message, parts));
}

const std::string kTile1 = "tile=1 m0=0 n0=4 rows=4 cols=4 start=64 ";
const std::string kTile5 =
    "tile=5 m0=4 n0=8 rows=2 cols=2 start=320 loads=weight_codes,weight_scales,zero_points "
    "store=5\n";

const BadText kBadTexts[] = {
    // The version line.
    {"unknown_version",
     "mixpe-schedule 1\n",
     "mixpe-schedule 2\n",
     "mixpe-schedule",
     {"unknown schedule format version 2: this reader knows version 1"}},
    {"version_not_an_integer",
     "mixpe-schedule 1\n",
     "mixpe-schedule one\n",
     "mixpe-schedule",
     {"version: expected an integer", "got 'one'"}},
    {"not_a_schedule",
     "mixpe-schedule 1\n",
     "[layer]\n",
     "[layer]",
     {"expected 'mixpe-schedule 1' (the format and its version) as the first line"}},
    // [layer].
    {"missing_key", "k=64\n", "", "[layer]", {"section [layer]: missing key 'k'"}},
    {"unknown_key", "n=10\n", "n=10\nbatch=2\n", "batch=2", {"unknown key 'batch' in section"}},
    {"key_given_twice", "m=6\n", "m=6\nm=7\n", "m=7", {"key 'm' given twice (first on line 7)"}},
    {"line_without_a_key", "m=6\n", "m=6\nsix\n", "six", {"expected key=value, got 'six'"}},
    {"non_integer",
     "m=6\n",
     "m=six\n",
     "m=",
     {"m: expected an integer in [1, 1048576], got 'six'"}},
    {"zero_rows_of_outputs", "m=6\n", "m=0\n", "m=", {"m: expected an integer in [1, 1048576]"}},
    {"integer_too_long",
     "n=10\n",
     "n=100000000000000000000\n",
     "n=",
     {"n: expected an integer in [1, 1048576]"}},
    {"unknown_weight_format",
     "weights=int4_g32_asym",
     "weights=int5_g32",
     "weights=",
     {"weights: unknown weight format 'int5_g32'"}},
    {"unknown_activation_format",
     "activations=int8_token",
     "activations=int8",
     "activations=",
     {"activations: unknown activation format 'int8'"}},
    {"k_not_a_multiple_of_the_group",
     "k=64\n",
     "k=48\n",
     "k=",
     {"k: K=48 is not a multiple of the group size 32 of weight format int4_g32_asym"}},
    {"unit_not_the_formats",
     "unit=32\n",
     "unit=16\n",
     "unit=",
     {"unit: int4_g32_asym x int8_token on K=64 reduce 32 elements at a time", "got 16"}},
    {"group_not_the_formats",
     "group=32\n",
     "group=64\n",
     "group=",
     {"group: int4_g32_asym on K=64 has groups of 32 elements, got 64"}},
    {"units_per_tile_not_k_over_unit",
     "units_per_tile=2\n",
     "units_per_tile=3\n",
     "units_per_tile=",
     {"units_per_tile: expected K/unit = 64/32 = 2, got 3"}},
    {"block_larger_than_the_layer",
     "block_m_tiles=1",
     "block_m_tiles=3",
     "block_m_tiles=",
     {"block_m_tiles: expected an integer in [1, 2], got '3'"}},
    {"unknown_loop_order",
     "loop_order=m_outer",
     "loop_order=diagonal",
     "loop_order=",
     {"loop_order: unknown loop order 'diagonal', expected m_outer or n_outer"}},
    {"array_without_x",
     "array=4x4",
     "array=4by4",
     "array=",
     {"array: expected <rows>x<cols>, got '4by4'"}},
    {"array_too_wide",
     "array=4x4",
     "array=4x512",
     "array=",
     {"array cols: expected an integer in [1, 256], got '512'"}},
    {"unit_interval_zero",
     "unit_interval=32",
     "unit_interval=0",
     "unit_interval=",
     {"unit_interval: expected an integer in [1, "}},
    // Sections.
    {"missing_section",
     "[buffers]\n",
     "",
     "buffer=weights",
     {"expected section [buffers], got 'buffer=weights bytes=128'",
      "the sections are [layer], [dram], [buffers]"}},
    {"sections_out_of_order",
     "[dram]\n",
     "[tiles]\n",
     "[tiles]",
     {"expected section [dram], got '[tiles]'"}},
    {"missing_last_section", "[tiles]\n", "", "tile=0", {"expected section [tiles], got 'tile=0"}},
    // [dram].
    {"unknown_part",
     "part=outputs segment=5",
     "part=output segment=5",
     "part=output segment=5",
     {"part: unknown part 'output' (known: weight_codes, weight_scales, zero_points"}},
    {"missing_segment",
     "part=weight_codes segment=2 address=256 bytes=64\n",
     "",
     "part=weight_scales segment=0",
     {"expected part=weight_codes segment=2, got part=weight_scales segment=0",
      "weight_codes has 3 segments, one per N-tile: N=10 on 4 array columns"}},
    // A file claiming a huge layer fails on its lines, not on memory for what it claims.
    {"huge_layer_claimed",
     "n=10\n",
     "n=1048576\n",
     "part=weight_scales segment=0",
     {"expected part=weight_codes segment=3, got part=weight_scales segment=0",
      "weight_codes has 262144 segments"}},
    {"segment_too_many",
     "part=weight_codes segment=2 address=256 bytes=64\n",
     "part=weight_codes segment=2 address=256 bytes=64\n"
     "part=weight_codes segment=3 address=384 bytes=64\n",
     "part=weight_codes segment=3",
     {"expected part=weight_scales segment=0, got part=weight_codes segment=3",
      "weight_codes has 3 segments"}},
    {"segment_out_of_order",
     "part=activation_codes segment=1",
     "part=activation_codes segment=2",
     "part=activation_codes segment=2",
     {"expected part=activation_codes segment=1",
      "activation_codes has 2 segments, one per M-tile: M=6 on 4 array rows"}},
    {"missing_field",
     "part=zero_points segment=1 address=2176 bytes=4",
     "part=zero_points segment=1 address=2176",
     "part=zero_points segment=1",
     {"missing key 'bytes' (a line here has the fields part, segment, address, bytes"}},
    {"field_out_of_order",
     "part=zero_points segment=1 address=2176 bytes=4",
     "part=zero_points segment=1 bytes=4 address=2176",
     "part=zero_points segment=1",
     {"missing key 'address'"}},
    {"extra_field",
     "part=zero_points segment=1 address=2176 bytes=4",
     "part=zero_points segment=1 address=2176 bytes=4 bank=0",
     "part=zero_points segment=1",
     {"unexpected field 'bank=0'"}},
    {"negative_address",
     "segment=1 address=128 ",
     "segment=1 address=-128 ",
     "part=weight_codes segment=1",
     {"address: expected an integer in [0, "}},
    {"segment_bytes_not_the_layers",
     "segment=1 address=128 bytes=128",
     "segment=1 address=128 bytes=100",
     "part=weight_codes segment=1",
     {"bytes: the layer's formats and tiles give this segment 128 bytes, got 100"}},
    {"overlapping_segments",
     "segment=1 address=128 ",
     "segment=1 address=64 ",
     "part=weight_codes segment=1",
     {"bytes [64, 192) overlap part=weight_codes segment=0 (line 25), bytes [0, 128)"}},
    {"segment_past_the_image",
     "image_bytes=5888",
     "image_bytes=5770",
     "part=outputs segment=5",
     {"the segment ends at byte 5776, past image_bytes=5770 (line 46)"}},
    {"missing_image_bytes",
     "image_bytes=5888\n",
     "",
     "[buffers]",
     {"missing the line image_bytes=<bytes> (after the last segment)"}},
    // [buffers].
    {"unknown_buffer",
     "buffer=outputs bytes",
     "buffer=results bytes",
     "buffer=results",
     {"buffer: unknown buffer 'results' (known: weights, activations, outputs, scales)"}},
    {"part_in_another_buffer",
     "part=zero_points buffer=scales",
     "part=zero_points buffer=weights",
     "part=zero_points buffer",
     {"buffer: zero_points is held by the scales buffer"}},
    {"overlapping_regions",
     "part=zero_points buffer=scales offset=64",
     "part=zero_points buffer=scales offset=8",
     "part=zero_points buffer",
     {"offset: the region starts at byte 8, inside the region of weight_scales",
      "ends at byte 16"}},
    {"region_past_the_buffer",
     "buffer=weights bytes=128",
     "buffer=weights bytes=100",
     "part=weight_codes buffer",
     {"the region of weight_codes holds its largest segment, 128 bytes, up to byte 128, past "
      "buffer=weights bytes=100"}},
    {"group_widths_of_a_uniform_format",
     "[tiles]\n",
     "[group_bits]\nchannel=0 bits=44\n[tiles]\n",
     "[group_bits]",
     {"weight format int4_g32_asym has one width for all groups"}},
    // [tiles].
    {"tile_missing",
     kTile5,
     "",
     "tile=4",
     {"section [tiles] has 5 tile lines, but M=6 and N=10 on a 4x4 array give 2 M-tiles x 3 "
      "N-tiles = 6 tiles"}},
    {"tile_too_many",
     kTile5,
     kTile5 + "tile=6 m0=8 n0=0 rows=1 cols=1 start=384 loads=- store=6\n",
     "tile=6",
     {"a tile too many: M=6 and N=10"}},
    {"tile_numbered_wrong",
     "tile=3 m0=4",
     "tile=4 m0=4",
     "tile=4 m0=4",
     {"expected tile=3, got tile=4"}},
    {"tile_not_aligned",
     "tile=3 m0=4 n0=0",
     "tile=3 m0=3 n0=0",
     "tile=3",
     {"m0: expected a multiple of the array's 4 rows, got 3"}},
    {"tile_outside_the_outputs",
     "tile=3 m0=4 n0=0",
     "tile=3 m0=4 n0=12",
     "tile=3",
     {"n0: expected an integer in [0, 9], got '12'"}},
    {"tile_given_twice",
     "tile=4 m0=4 n0=4",
     "tile=4 m0=4 n0=0",
     "tile=4",
     {"m0=4 n0=0: these outputs are tile=3's already"}},
    {"tile_rows_wrong",
     "tile=3 m0=4 n0=0 rows=2",
     "tile=3 m0=4 n0=0 rows=4",
     "tile=3",
     {"rows: a tile at m0=4 has min(4, M - m0) = 2 rows, got 4"}},
    {"tile_start_wrong",
     "start=64 ",
     "start=65 ",
     "tile=1",
     {"start: tile 1 starts with unit 2 of the layer, in cycle 2 x unit_interval 32 = 64, got 65"}},
    {"unknown_part_loaded",
     kTile1 + "loads=weight_codes,",
     kTile1 + "loads=weight_code,",
     "tile=1",
     {"loads: unknown part 'weight_code'"}},
    {"loads_not_the_schedules",
     kTile1 + "loads=weight_codes,",
     kTile1 + "loads=activation_codes,",
     "tile=1",
     {"loads: tile 1 loads weight_codes,weight_scales,zero_points (the non-empty segments",
      "got weight_scales,zero_points,activation_codes"}},
    {"part_loaded_twice",
     kTile1 + "loads=weight_codes,",
     kTile1 + "loads=zero_points,",
     "tile=1",
     {"loads: zero_points listed twice"}},
    {"store_wrong",
     " store=4\n",
     " store=3\n",
     "tile=4",
     {"store: tile 4's outputs go to segment 4 of outputs, got 3"}},
    {"text_after_the_tiles",
     kTile5,
     kTile5 + "[notes]\n",
     "[notes]",
     {"unexpected '[notes]' after the tiles"}},
};

INSTANTIATE_TEST_SUITE_P(ScheduleTextOfTheSmallLayer, ScheduleParseErrorTest,
                         ::testing::ValuesIn(kBadTexts),
                         [](const ::testing::TestParamInfo<BadText>& info) {
                           return info.param.test_name;
                         });

TEST(ScheduleTextTest, EmptyTextIsNotASchedule) {
  EXPECT_TRUE(ContainsAll(ErrorOf([] { ParseSchedule("", "empty.schedule"); }),
                          {"empty.schedule:1: expected 'mixpe-schedule 1'"}));
}

TEST(ScheduleTextTest, GroupWidthErrors) {
  const LayerSchedule s =
      MakeLayerSchedule(Config("array_4x4_w4"), Layer("mix", 4, 64, 2, "intmix234_g32", "mxint8"),
                        LoopOrder::kMOuter, {2, 3, 4, 4});
  const std::string text = WriteSchedule(s);
  ASSERT_NE(text.find("channel=0 bits=23\nchannel=1 bits=44\n"), std::string::npos);
  struct Case {
    std::string from, to, line;
    std::vector<std::string> words;
  };
  const Case cases[] = {
      {"channel=1 bits=44",
       "channel=1 bits=444",
       "channel=1",
       {"bits: expected 2 digits, one per group of 32 elements of K=64, got '444'"}},
      {"channel=1 bits=44",
       "channel=1 bits=45",
       "channel=1",
       {"bits: group 1 is '5': a group of 5 bits, not one of the widths 2, 3, 4 of intmix234_g32"}},
      {"channel=1 bits=44",
       "channel=1 bits=4x",
       "channel=1",
       {"bits: group 1 is 'x': not a digit"}},
      {"channel=1 bits=44",
       "channel=2 bits=44",
       "channel=2",
       {"expected channel=1, got channel=2"}},
      {"channel=1 bits=44\n", "", "[tiles]", {"missing the line channel=1 bits=<digits>"}},
      // Widths change the segments: 3 bits instead of 2 take 4 bytes more in channel 0.
      {"channel=0 bits=23",
       "channel=0 bits=33",
       "part=weight_codes segment=0",
       {"bytes: the layer's formats and tiles give this segment 56 bytes, got 52"}},
  };
  for (const Case& c : cases) {
    const std::string edited = ReplaceOnce(text, c.from, c.to);
    std::vector<std::string> parts = {"mix.schedule:" + std::to_string(LineOf(edited, c.line)) +
                                      ": "};
    parts.insert(parts.end(), c.words.begin(), c.words.end());
    EXPECT_TRUE(ContainsAll(ErrorOf([&] { ParseSchedule(edited, "mix.schedule"); }), parts))
        << c.to;
  }
}

// --- against the config ------------------------------------------------------------------------

// `text` parsed (it must parse) and checked against `config`: the message, or "" if it passes.
std::string ConfigError(const std::string& text, const HardwareConfig& config) {
  const LayerSchedule s = ParseSchedule(text, "fc.schedule");
  try {
    CheckScheduleAgainstConfig(s, config);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(ScheduleConfigCheckTest, TheCompilersScheduleMatches) {
  EXPECT_EQ(ConfigError(WriteSchedule(SmallLayer()), Config("array_4x4_w4")), "");
  EXPECT_NO_THROW(CheckScheduleAgainstConfig(SmallLayer(), Config("array_4x4_w4")));
}

// Two weight segments swapped: a consistent image, but not where the config puts them.
TEST(ScheduleConfigCheckTest, CatchesAnEditedAddress) {
  std::string text = WriteSchedule(SmallLayer());
  text = ReplaceOnce(text, "segment=0 address=0 bytes=128", "segment=0 address=128 bytes=128");
  text = ReplaceOnce(text, "segment=1 address=128 bytes=128", "segment=1 address=0 bytes=128");
  const int line = LineOf(text, "part=weight_codes segment=0");
  EXPECT_TRUE(ContainsAll(ConfigError(text, Config("array_4x4_w4")),
                          {"fc.schedule:" + std::to_string(line) +
                               ": part=weight_codes segment=0: address is 128, but config ",
                           "array_4x4_w4.yaml gives 0"}));
}

// Tiles 1 and 2 swapped, with their output segments' sizes: a consistent schedule the config does
// not give. The tile is named, not the output segments it moved.
TEST(ScheduleConfigCheckTest, CatchesAnEditedTile) {
  std::string text = WriteSchedule(SmallLayer());
  text = ReplaceOnce(text, "tile=1 m0=0 n0=4 rows=4 cols=4", "tile=1 m0=0 n0=8 rows=4 cols=2");
  text = ReplaceOnce(text, "tile=2 m0=0 n0=8 rows=4 cols=2", "tile=2 m0=0 n0=4 rows=4 cols=4");
  text = ReplaceOnce(text, "segment=1 address=5248 bytes=64", "segment=1 address=5248 bytes=32");
  text = ReplaceOnce(text, "segment=2 address=5376 bytes=32", "segment=2 address=5376 bytes=64");
  EXPECT_TRUE(ContainsAll(ConfigError(text, Config("array_4x4_w4")),
                          {"fc.schedule:" + std::to_string(LineOf(text, "tile=1")) +
                               ": tile=1: the tile at m0=0 n0=8, but config ",
                           "gives m0=0 n0=4 in m_outer order"}));
}

// The loop order is the config's only through the tiles: n_outer over M-outer tiles.
TEST(ScheduleConfigCheckTest, CatchesALoopOrderItsTilesDoNotFollow) {
  const std::string text =
      ReplaceOnce(WriteSchedule(SmallLayer()), "loop_order=m_outer", "loop_order=n_outer");
  EXPECT_TRUE(ContainsAll(ConfigError(text, Config("array_4x4_w4")),
                          {"tile=1: the tile at m0=0 n0=4",
                           "gives m0=4 n0=0 in n_outer order with blocks of 1x1 tiles"}));
}

TEST(ScheduleConfigCheckTest, CatchesAnEditedUnitSpacing) {
  std::string text = WriteSchedule(SmallLayer());
  text = ReplaceOnce(text, "unit_interval=32", "unit_interval=40");
  for (int t = 5; t >= 1; --t) {  // from the last, so that no new start equals an old one
    text = ReplaceOnce(text, "start=" + std::to_string(64 * t) + " ",
                       "start=" + std::to_string(80 * t) + " ");
  }
  EXPECT_TRUE(ContainsAll(ConfigError(text, Config("array_4x4_w4")),
                          {"fc.schedule:" + std::to_string(LineOf(text, "unit_interval")) +
                               ": unit_interval: the schedule has 40, but config ",
                           "gives 32"}));
}

TEST(ScheduleConfigCheckTest, CatchesAnEditedRegion) {
  std::string text = WriteSchedule(SmallLayer());
  text = ReplaceOnce(text, "buffer=weights bytes=128", "buffer=weights bytes=192");
  text = ReplaceOnce(text, "part=weight_codes buffer=weights offset=0",
                     "part=weight_codes buffer=weights offset=64");
  EXPECT_TRUE(ContainsAll(ConfigError(text, Config("array_4x4_w4")),
                          {"buffer=weights: bytes is 192, but config ", "gives 128"}));
}

TEST(ScheduleConfigCheckTest, CatchesAnotherArrayAndFormatsTheConfigDoesNotRun) {
  const std::string text = WriteSchedule(SmallLayer());
  EXPECT_TRUE(ContainsAll(ConfigError(text, Config("array_7x3_w4")),
                          {"fc.schedule:" + std::to_string(LineOf(text, "array=")) +
                               ": array: the array is 4x4, but config ",
                           "array_7x3_w4.yaml has a 7x3 array"}));
  EXPECT_TRUE(ContainsAll(ConfigError(text, Config("array_8x8_w2")),
                          {"fc.schedule:" + std::to_string(LineOf(text, "weights=")) +
                               ": weights: weight format int4_g32_asym is not supported by config ",
                           "it supports int2_g32, int2_g32_asym, int2_g128, int2_gch"}));
}

// K = 8192 of 4-bit weights on the 7x3 array's 16 KiB weight buffer: 3 columns x 4096 bytes =
// 12288 bytes, more than its 8192-byte half.
TEST(ScheduleConfigCheckTest, CatchesAScheduleThatOverflowsABuffer) {
  const HardwareConfig& config = Config("array_7x3_w4");
  const std::string text = WriteSchedule(
      MakeLayerSchedule(config, Layer("long_k", 7, 8192, 3, "int4_g32", "int8_token")));
  EXPECT_NE(text.find("buffer=weights bytes=12288\n"), std::string::npos);
  const LayerSchedule s = ParseSchedule(text, "long_k.schedule");
  EXPECT_TRUE(ContainsAll(
      ErrorOf([&] { CheckScheduleAgainstConfig(s, config); }),
      {"long_k.schedule:" + std::to_string(LineOf(text, "buffer=weights")) + ": buffer=weights: ",
       "layer long_k needs 12288 bytes of memory.buffers.weights", "8192 bytes"}));
}

// A schedule that was never parsed is named by its layer.
TEST(ScheduleConfigCheckTest, NamesTheLayerOfAScheduleThatWasNotParsed) {
  LayerSchedule s = SmallLayer();
  s.layout.image_bytes += 128;
  EXPECT_TRUE(
      ContainsAll(ErrorOf([&] { CheckScheduleAgainstConfig(s, Config("array_4x4_w4")); }),
                  {"schedule of layer fc: image_bytes: the schedule has 6016, but config "}));
}

}  // namespace
}  // namespace mixpe
