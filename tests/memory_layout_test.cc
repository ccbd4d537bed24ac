// Tests of the memory layout (model/memory_layout.h) on small layers checked by hand in the
// comments: the sizes of a row and a column, the DRAM segments and their addresses, the regions
// of a buffer half, the working set of a tile, and the slice of each stream that each reduction
// unit takes (UnitSlice, StreamStart). docs/memory-model.md describes the layout.
#include "model/memory_layout.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "compiler/gemm_schedule.h"
#include "compiler/layer_trace.h"
#include "model/input_error.h"
#include "tests/input_test_util.h"

namespace mixpe {
namespace {

using testing_util::WriteTempFile;

// A 4 x 4 W4A8 core: a DRAM of 32-byte bursts in 1024-byte rows; 1 KiB buffers with 64-bit words
// (32-bit for the outputs). Only the layout's inputs matter here: burst and row sizes, words.
constexpr char kConfig[] = R"(version: 1
name: test-layout-4x4
array: {rows: 4, cols: 4, dataflow: output_stationary}
pe: {design: mixpe, weight_bits: 4, activation_bits: 8, accumulator_bits: 28, max_k: 65536}
formats:
  weights: [int4_g32, intmix234_g32_asym, int3_g32_asym, nvfp4, int4_gch, int4_gch_asym]
  activations: [int8_token, mxint8]
clock: {frequency_mhz: 500}
memory:
  dram: {bandwidth_bytes_per_cycle: 16, latency_cycles: 10, burst_bytes: 32, banks: 1, row_buffer_bytes: 1024, row_miss_cycles: 0}
  buffers:
    weights: {capacity_kib: 1, banks: 4, word_bits: 64, ports: 1}
    activations: {capacity_kib: 1, banks: 4, word_bits: 64, ports: 1}
    outputs: {capacity_kib: 1, banks: 8, word_bits: 32, ports: 1}
    scales: {capacity_kib: 1, banks: 8, word_bits: 64, ports: 1}
noc: {topology: bus, link_bytes: 8, hop_latency_cycles: 1}
)";

const HardwareConfig& Config() {
  static const HardwareConfig config =
      LoadHardwareConfig(WriteTempFile(std::string(kConfig) + "energy: " + MIXPE_SOURCE_DIR +
                                       "/configs/energy/mixpe_w4a8_28nm.yaml\n"));
  return config;
}

struct Layer {
  LayerFormats formats;
  CoreSchedule schedule;
  MemoryLayout layout;
};

// Layer "fc" as the compiler gives it, laid out.
Layer MakeLayer(int64_t m, int64_t k, int64_t n, const std::string& weights,
                const std::string& activations, const std::vector<uint8_t>& group_bits = {}) {
  GemmLayer g;
  g.name = "fc";
  g.m = m;
  g.k = k;
  g.n = n;
  g.weights = weights;
  g.activations = activations;
  g.source_file = "test";
  Layer layer;
  layer.formats = ResolveLayerFormats(g, Config());
  layer.schedule = TileCoreGemm(Config(), g.name, m, k, n, layer.formats.unit);
  layer.layout = LayOutMemory(Config(), layer.formats, layer.schedule, group_bits);
  return layer;
}

// The same, in blocks of `plan`.
Layer MakeBlockedLayer(int64_t m, int64_t k, int64_t n, const std::string& weights,
                       const TilePlan& plan, const std::vector<uint8_t>& group_bits = {}) {
  Layer layer = MakeLayer(m, k, n, weights, "int8_token", group_bits);
  layer.schedule = TileCoreGemm(Config(), "fc", m, k, n, layer.formats.unit, plan);
  layer.layout = LayOutMemory(Config(), layer.formats, layer.schedule, group_bits);
  return layer;
}

// "[begin,end)", with "+b" for a first bit other than 0, or "-" for nothing.
std::string Text(const ByteRange& r) {
  if (r.bytes() == 0) return "-";
  std::string text = "[" + std::to_string(r.begin) + "," + std::to_string(r.end) + ")";
  if (r.bit_offset != 0) text += "+" + std::to_string(r.bit_offset);
  return text;
}

// The slices of `part` that row or column `index` of tile `t` takes, unit by unit.
std::vector<std::string> Slices(const Layer& layer, DataPart part, int64_t t, int index) {
  std::vector<std::string> slices;
  for (int64_t u = 0; u < layer.schedule.units_per_tile; ++u) {
    slices.push_back(Text(UnitSlice(layer.layout, layer.schedule, part, t, index, u)));
  }
  return slices;
}

int64_t Offset(const MemoryLayout& layout, DataPart part) {
  return layout.buffer_offset[PartIndex(part)];
}

int64_t HalfBytes(const MemoryLayout& layout, BufferKind kind) {
  return layout.buffer_bytes[static_cast<int>(kind)];
}

std::vector<int64_t> Segments(const MemoryLayout& layout, DataPart part) {
  return layout.segment_bytes[PartIndex(part)];
}

std::vector<int64_t> Addresses(const MemoryLayout& layout, DataPart part) {
  return layout.segment_address[PartIndex(part)];
}

using Bytes = std::vector<int64_t>;
using Strings = std::vector<std::string>;

// int4_g32 x int8_token, M = N = 6, K = 64: U = 32, two units; tiles (m0, n0) = (0,0) 4 x 4,
// (0,4) 4 x 2, (4,0) 2 x 4, (4,4) 2 x 2. A column: 64 x 4 bits = 32 bytes of codes and 2 groups
// x FP16 = 4 of scales; a row: 64 bytes of codes and a 2-byte token scale.
TEST(MemoryLayoutTest, UniformInt4GroupsWithPartialTiles) {
  const Layer layer = MakeLayer(6, 64, 6, "int4_g32", "int8_token");
  const MemoryLayout& l = layer.layout;
  ASSERT_EQ(l.unit, 32);
  EXPECT_EQ(l.group, 32);
  EXPECT_EQ(l.sizes.weight_column, Bytes(6, 32));
  EXPECT_EQ(l.sizes.zero_point_column, Bytes(6, 0));
  EXPECT_EQ(l.sizes.weight_scale_column, 4);
  EXPECT_EQ(l.sizes.activation_row, 64);
  EXPECT_EQ(l.sizes.activation_scale_row, 2);

  // Segments per N-tile (4 and 2 columns), per M-tile (4 and 2 rows), per tile for the outputs.
  EXPECT_EQ(Segments(l, DataPart::kWeightCodes), (Bytes{4 * 32, 2 * 32}));
  EXPECT_EQ(Segments(l, DataPart::kWeightScales), (Bytes{4 * 4, 2 * 4}));
  EXPECT_EQ(Segments(l, DataPart::kZeroPoints), (Bytes{0, 0}));
  EXPECT_EQ(Segments(l, DataPart::kWeightTensorScale), (Bytes{0}));
  EXPECT_EQ(Segments(l, DataPart::kActivationCodes), (Bytes{4 * 64, 2 * 64}));
  EXPECT_EQ(Segments(l, DataPart::kActivationScales), (Bytes{4 * 2, 2 * 2}));
  EXPECT_EQ(Segments(l, DataPart::kOutputs), (Bytes{4 * 4 * 4, 4 * 2 * 4, 2 * 4 * 4, 2 * 2 * 4}));
  // DRAM: each region from a 1024-byte row, each segment in whole 32-byte bursts. Weight codes
  // 0 and 128; scales from 1024: 1024 and 1024 + 32; the empty zero-point and tensor-scale
  // regions at 2048 take nothing; activation codes 2048 and 2048 + 256; their scales from 3072:
  // 3072 and 3072 + 32; the outputs from 4096: 64, 32, 32 and 16 (one burst) bytes.
  EXPECT_EQ(Addresses(l, DataPart::kWeightCodes), (Bytes{0, 128}));
  EXPECT_EQ(Addresses(l, DataPart::kWeightScales), (Bytes{1024, 1056}));
  EXPECT_EQ(Addresses(l, DataPart::kZeroPoints), (Bytes{2048, 2048}));
  EXPECT_EQ(Addresses(l, DataPart::kWeightTensorScale), (Bytes{2048}));
  EXPECT_EQ(Addresses(l, DataPart::kActivationCodes), (Bytes{2048, 2304}));
  EXPECT_EQ(Addresses(l, DataPart::kActivationScales), (Bytes{3072, 3104}));
  EXPECT_EQ(Addresses(l, DataPart::kActivationTensorScale), (Bytes{4096}));
  EXPECT_EQ(Addresses(l, DataPart::kOutputs), (Bytes{4096, 4160, 4192, 4224}));
  EXPECT_EQ(l.image_bytes, 4224 + 32);

  // A buffer half: one region per part, as large as its largest segment in whole 8-byte words.
  // Activations: codes 0..255, token scales 256..263; scales: the weight scales 0..15, the
  // empty regions after them.
  EXPECT_EQ(Offset(l, DataPart::kWeightCodes), 0);
  EXPECT_EQ(Offset(l, DataPart::kActivationCodes), 0);
  EXPECT_EQ(Offset(l, DataPart::kActivationScales), 256);
  EXPECT_EQ(Offset(l, DataPart::kWeightScales), 0);
  EXPECT_EQ(Offset(l, DataPart::kZeroPoints), 16);
  EXPECT_EQ(Offset(l, DataPart::kOutputs), 0);
  EXPECT_EQ(HalfBytes(l, BufferKind::kWeights), 128);
  EXPECT_EQ(HalfBytes(l, BufferKind::kActivations), 256 + 8);
  EXPECT_EQ(HalfBytes(l, BufferKind::kScales), 16);
  EXPECT_EQ(HalfBytes(l, BufferKind::kOutputs), 64);

  // Tile 3 (4, 4): 2 columns and 2 rows; the smaller segments.
  const CoreSchedule& s = layer.schedule;
  EXPECT_EQ(WorkingSet(l, s, 3), (std::array<int64_t, kBufferKinds>{64, 128 + 4, 16, 8}));
  EXPECT_EQ(SegmentOf(s, DataPart::kWeightCodes, 2), 0);
  EXPECT_EQ(SegmentOf(s, DataPart::kActivationCodes, 2), 1);
  EXPECT_EQ(SegmentOf(s, DataPart::kOutputs, 2), 2);
  // M-tiles outer, N-tiles inner: the weights change with every tile, the activations with
  // tile 2; the tensor scales come with tile 0 only, the outputs are never loaded.
  for (int64_t t = 0; t < 4; ++t) EXPECT_TRUE(LoadsPart(s, DataPart::kWeightScales, t)) << t;
  EXPECT_TRUE(LoadsPart(s, DataPart::kActivationScales, 0));
  EXPECT_FALSE(LoadsPart(s, DataPart::kActivationScales, 1));
  EXPECT_TRUE(LoadsPart(s, DataPart::kActivationScales, 2));
  EXPECT_FALSE(LoadsPart(s, DataPart::kActivationScales, 3));
  EXPECT_TRUE(LoadsPart(s, DataPart::kWeightTensorScale, 0));
  EXPECT_FALSE(LoadsPart(s, DataPart::kWeightTensorScale, 1));
  EXPECT_FALSE(LoadsPart(s, DataPart::kOutputs, 0));

  // Column 1 of tile 3 is output channel 5: its codes start after channel 4's 32 bytes, unit u's
  // 32 codes at 16u; its scales after channel 4's 4 bytes, group u's at 2u.
  EXPECT_EQ(StreamStart(l, s, DataPart::kWeightCodes, 3, 1), 32);
  EXPECT_EQ(Slices(layer, DataPart::kWeightCodes, 3, 1), (Strings{"[32,48)", "[48,64)"}));
  EXPECT_EQ(Slices(layer, DataPart::kWeightScales, 3, 1), (Strings{"[4,6)", "[6,8)"}));
  EXPECT_EQ(Slices(layer, DataPart::kZeroPoints, 3, 1), (Strings{"-", "-"}));
  // Row 1 of tile 3: codes from 64, 32 a unit.
  EXPECT_EQ(StreamStart(l, s, DataPart::kActivationCodes, 3, 1), 64);
  EXPECT_EQ(Slices(layer, DataPart::kActivationCodes, 3, 1), (Strings{"[64,96)", "[96,128)"}));
  // Neither rows nor columns carry the tensor scales or the outputs.
  EXPECT_EQ(Slices(layer, DataPart::kWeightTensorScale, 0, 0), (Strings{"-", "-"}));
  EXPECT_EQ(Slices(layer, DataPart::kOutputs, 0, 0), (Strings{"-", "-"}));
}

// INT8 per token, K = 128: four units; the token's FP16 scale goes with unit 0 only. Row 2's
// scale is bytes 4..5 of the segment.
TEST(MemoryLayoutTest, TokenScaleOnlyWithUnitZero) {
  const Layer layer = MakeLayer(4, 128, 4, "int4_g32", "int8_token");
  ASSERT_EQ(layer.schedule.units_per_tile, 4);
  EXPECT_EQ(StreamStart(layer.layout, layer.schedule, DataPart::kActivationScales, 0, 2), 4);
  EXPECT_EQ(Slices(layer, DataPart::kActivationScales, 0, 2), (Strings{"[4,6)", "-", "-", "-"}));
}

// intmix234_g32_asym with the widths of 4 columns x 2 groups given: column 0: 2, 3 bits; 1: 4,
// 4; 2: 2, 2; 3: 3, 4. Codes: 32 x (2 + 3) / 8 = 20, 32, 16, 28 bytes, starting at 0, 20, 52,
// 68. Zero points, one per group at the group's width: 5, 8, 4 and 7 bits, a byte a column.
TEST(MemoryLayoutTest, MixedWidthsWithTheirGroupWidths) {
  const std::vector<uint8_t> widths = {2, 3, 4, 4, 2, 2, 3, 4};
  const Layer layer = MakeLayer(4, 64, 4, "intmix234_g32_asym", "int8_token", widths);
  const MemoryLayout& l = layer.layout;
  EXPECT_EQ(l.sizes.weight_column, (Bytes{20, 32, 16, 28}));
  EXPECT_EQ(l.sizes.zero_point_column, (Bytes{1, 1, 1, 1}));
  EXPECT_EQ(l.GroupBits(3, 1), 4);
  EXPECT_EQ(Segments(l, DataPart::kWeightCodes), (Bytes{96}));
  EXPECT_EQ(Segments(l, DataPart::kZeroPoints), (Bytes{4}));
  EXPECT_EQ(StreamStart(l, layer.schedule, DataPart::kWeightCodes, 0, 3), 68);
  EXPECT_EQ(StreamStart(l, layer.schedule, DataPart::kZeroPoints, 0, 3), 3);
  // Column 0: group 0's 32 x 2 bits are bytes 0..7, group 1's 32 x 3 bits bytes 8..19.
  EXPECT_EQ(Slices(layer, DataPart::kWeightCodes, 0, 0), (Strings{"[0,8)", "[8,20)"}));
  // Column 3: 32 x 3 bits = 12 bytes from 68, then 16.
  EXPECT_EQ(Slices(layer, DataPart::kWeightCodes, 0, 3), (Strings{"[68,80)", "[80,96)"}));
  // Column 0's zero points: group 0's at bits 0-1, group 1's at bits 2-4 of its byte 0.
  EXPECT_EQ(Slices(layer, DataPart::kZeroPoints, 0, 0), (Strings{"[0,1)", "[0,1)+2"}));
  // Column 3's: bits 0-2 and 3-6 of byte 3.
  EXPECT_EQ(Slices(layer, DataPart::kZeroPoints, 0, 3), (Strings{"[3,4)", "[3,4)+3"}));
  // The scale buffer: 4 x 2 x 2 = 16 bytes of scales, then the zero points in a word of their
  // own: 16 + 8.
  EXPECT_EQ(Offset(l, DataPart::kZeroPoints), 16);
  EXPECT_EQ(HalfBytes(l, BufferKind::kScales), 16 + 8);
  EXPECT_EQ(HalfBytes(l, BufferKind::kWeights), 96);

  // Without the widths every group is counted at 4 bits: 32 bytes of codes a column, and 2 x 4
  // bits of zero points.
  const Layer widest = MakeLayer(4, 64, 4, "intmix234_g32_asym", "int8_token");
  EXPECT_EQ(widest.layout.sizes.weight_column, Bytes(4, 32));
  EXPECT_EQ(Slices(widest, DataPart::kZeroPoints, 0, 3), (Strings{"[3,4)", "[3,4)+4"}));
}

// Blocks: M = 10 (M-tiles of 4, 4, 2 rows), N = 10 (N-tiles of 4, 4, 2 columns), int4_g32 x
// int8_token at K = 64 (32 bytes of codes and 4 of scales a column, 64 bytes and a 2-byte scale a
// row). Blocks of 2 M-tiles x 2 N-tiles: activation segments of 8 and 2 rows, weight segments of
// 8 and 2 columns; a tile's rows and columns start at their place in the block.
TEST(MemoryLayoutTest, BlocksOfTilesShareASegment) {
  const Layer layer = MakeBlockedLayer(10, 64, 10, "int4_g32", TilePlan{LoopOrder::kMOuter, 2, 2});
  const MemoryLayout& l = layer.layout;
  const CoreSchedule& s = layer.schedule;
  EXPECT_EQ(Segments(l, DataPart::kWeightCodes), (Bytes{8 * 32, 2 * 32}));
  EXPECT_EQ(Segments(l, DataPart::kWeightScales), (Bytes{8 * 4, 2 * 4}));
  EXPECT_EQ(Segments(l, DataPart::kActivationCodes), (Bytes{8 * 64, 2 * 64}));
  EXPECT_EQ(Segments(l, DataPart::kActivationScales), (Bytes{8 * 2, 2 * 2}));
  EXPECT_EQ(Segments(l, DataPart::kOutputs).size(), 9u);  // still one per tile
  // Tiles: (0,0) (0,4) (4,0) (4,4), then (0,8) (4,8), then (8,0) (8,4), then (8,8).
  ASSERT_EQ(s.tiles[3].m0, 4);
  ASSERT_EQ(s.tiles[3].n0, 4);
  ASSERT_EQ(s.tiles[4].n0, 8);
  // Tile 3's column 1 is column 5 of N-block 0; its row 2 is row 6 of M-block 0.
  EXPECT_EQ(StreamStart(l, s, DataPart::kWeightCodes, 3, 1), 5 * 32);
  EXPECT_EQ(StreamStart(l, s, DataPart::kWeightScales, 3, 1), 5 * 4);
  EXPECT_EQ(StreamStart(l, s, DataPart::kActivationCodes, 3, 2), 6 * 64);
  EXPECT_EQ(StreamStart(l, s, DataPart::kActivationScales, 3, 2), 6 * 2);
  // Tile 4 (m0=0, n0=8) starts N-block 1: its column 0 is that segment's first.
  EXPECT_EQ(StreamStart(l, s, DataPart::kWeightCodes, 4, 0), 0);
  EXPECT_EQ(SegmentOf(s, DataPart::kWeightCodes, 4), 1);
  EXPECT_EQ(SegmentOf(s, DataPart::kActivationCodes, 4), 0);
  // Loads: a block's segment once, with its first tile; the activations again when the block of
  // M-tiles changes (tile 6).
  EXPECT_TRUE(LoadsPart(s, DataPart::kWeightCodes, 0));
  EXPECT_FALSE(LoadsPart(s, DataPart::kWeightCodes, 1));
  EXPECT_FALSE(LoadsPart(s, DataPart::kWeightCodes, 3));
  EXPECT_TRUE(LoadsPart(s, DataPart::kWeightCodes, 4));
  EXPECT_FALSE(LoadsPart(s, DataPart::kActivationCodes, 4));
  EXPECT_TRUE(LoadsPart(s, DataPart::kActivationCodes, 6));
  EXPECT_TRUE(LoadsPart(s, DataPart::kWeightCodes, 6));
  // A half holds the largest segments.
  EXPECT_EQ(HalfBytes(l, BufferKind::kWeights), 8 * 32);
  EXPECT_EQ(HalfBytes(l, BufferKind::kActivations), 8 * 64 + 16);

  // Mixed widths: column 5's codes start after columns 4 (of block 0, from column 0): the sum of
  // the widths of columns 0-4 (2 groups each).
  const std::vector<uint8_t> widths = {2, 3, 4, 4, 2, 2, 3, 4, 2, 4, 3, 3, 4, 2, 2, 2, 3, 3, 4, 4};
  const Layer mixed = MakeBlockedLayer(10, 64, 10, "intmix234_g32_asym",
                                       TilePlan{LoopOrder::kMOuter, 2, 2}, widths);
  // Columns 0-4: (2+3) + (4+4) + (2+2) + (3+4) + (2+4) groups of 32 x bits / 8 = 4 x bits each.
  EXPECT_EQ(StreamStart(mixed.layout, mixed.schedule, DataPart::kWeightCodes, 3, 1),
            4 * (5 + 8 + 4 + 7 + 6));
  // Column 8 (tile 4, column 0) starts N-block 1.
  EXPECT_EQ(StreamStart(mixed.layout, mixed.schedule, DataPart::kWeightCodes, 4, 0), 0);
  EXPECT_EQ(Segments(mixed.layout, DataPart::kWeightCodes)[1], 4 * (6 + 8));  // columns 8, 9
}

// int3_g32_asym, K = 128: four groups, U = G = 32. A column: 128 x 3 bits = 48 bytes of codes,
// 4 x 3 bits = 12 bits of zero points, 2 bytes. Group g's zero point is bits 3g..3g+2 of the
// column's 2 bytes: 0-2 and 3-5 in byte 0, 6-8 across both, 9-11 in byte 1.
TEST(MemoryLayoutTest, AsymmetricZeroPointsWithBitOffsets) {
  const Layer layer = MakeLayer(4, 128, 4, "int3_g32_asym", "int8_token");
  const MemoryLayout& l = layer.layout;
  EXPECT_EQ(l.sizes.weight_column, Bytes(4, 48));
  EXPECT_EQ(l.sizes.zero_point_column, Bytes(4, 2));
  // Column 1's zero points start at byte 2.
  EXPECT_EQ(Slices(layer, DataPart::kZeroPoints, 0, 1),
            (Strings{"[2,3)", "[2,3)+3", "[2,4)+6", "[3,4)+1"}));
  // Its codes start at 48; unit u's 32 x 3 bits = 12 bytes at 48 + 12u.
  EXPECT_EQ(Slices(layer, DataPart::kWeightCodes, 0, 1),
            (Strings{"[48,60)", "[60,72)", "[72,84)", "[84,96)"}));
  // The scale buffer: 4 columns x 4 groups x 2 bytes = 32 of scales, then 8 of zero points.
  EXPECT_EQ(Offset(l, DataPart::kZeroPoints), 32);
  EXPECT_EQ(HalfBytes(l, BufferKind::kScales), 32 + 8);
}

// NVFP4 weights x MXINT8 activations, K = 64: U = min(16, 32) = 16, four units, two per 32-element
// activation block. A row: 64 codes and 2 E8M0 scales; a column: 32 bytes of E2M1 codes and 4
// E4M3 scales; an FP32 tensor scale for the weights.
TEST(MemoryLayoutTest, MxActivationScalesWithUnitsShorterThanTheBlock) {
  const Layer layer = MakeLayer(4, 64, 4, "nvfp4", "mxint8");
  const MemoryLayout& l = layer.layout;
  ASSERT_EQ(l.unit, 16);
  EXPECT_EQ(l.activation_block, 32);
  EXPECT_EQ(l.sizes.activation_scale_row, 2);
  EXPECT_EQ(l.sizes.weight_scale_column, 4);
  EXPECT_EQ(l.sizes.weight_tensor_scale, 4);
  EXPECT_EQ(l.sizes.activation_tensor_scale, 0);
  // Row 3's block scales are bytes 6 and 7: block 0's with unit 0, block 1's with unit 2.
  EXPECT_EQ(Slices(layer, DataPart::kActivationScales, 0, 3),
            (Strings{"[6,7)", "-", "[7,8)", "-"}));
  // Its codes: 16 a unit from 3 x 64.
  EXPECT_EQ(Slices(layer, DataPart::kActivationCodes, 0, 3),
            (Strings{"[192,208)", "[208,224)", "[224,240)", "[240,256)"}));
  // Column 2: a scale every unit (G = U = 16), from byte 8; codes 8 bytes a unit from 64.
  EXPECT_EQ(Slices(layer, DataPart::kWeightScales, 0, 2),
            (Strings{"[8,9)", "[9,10)", "[10,11)", "[11,12)"}));
  EXPECT_EQ(Slices(layer, DataPart::kWeightCodes, 0, 2),
            (Strings{"[64,72)", "[72,80)", "[80,88)", "[88,96)"}));
  // DRAM: the tensor scale's region follows the empty zero points at 2048 (one burst), so the
  // activation codes start on the next row, 3072; their scales at 4096; the outputs at 5120.
  EXPECT_EQ(Addresses(l, DataPart::kWeightTensorScale), (Bytes{2048}));
  EXPECT_EQ(Addresses(l, DataPart::kActivationCodes), (Bytes{3072}));
  EXPECT_EQ(Addresses(l, DataPart::kActivationScales), (Bytes{4096}));
  EXPECT_EQ(Addresses(l, DataPart::kOutputs), (Bytes{5120}));
  // The scale buffer: 16 bytes of weight scales, the tensor scale in a word of its own after
  // them: 16 + 8. The block scales live with the activation codes: 256 + 8.
  EXPECT_EQ(Offset(l, DataPart::kWeightTensorScale), 16);
  EXPECT_EQ(HalfBytes(l, BufferKind::kScales), 16 + 8);
  EXPECT_EQ(Offset(l, DataPart::kActivationScales), 256);
  EXPECT_EQ(HalfBytes(l, BufferKind::kActivations), 256 + 8);
  // The working set counts payload, not words: 16 + 4 in the scale buffer.
  EXPECT_EQ(WorkingSet(l, layer.schedule, 0),
            (std::array<int64_t, kBufferKinds>{128, 256 + 8, 64, 16 + 4}));
}

// Per-channel groups (G = K = 64) with MXINT8 activations: U = 32, two units in one group. A
// column's one FP16 scale and one 4-bit zero point go with unit 0 only; the rows' E8M0 scales
// with every unit (block = U).
TEST(MemoryLayoutTest, PerChannelGroups) {
  const Layer layer = MakeLayer(4, 64, 4, "int4_gch_asym", "mxint8");
  const MemoryLayout& l = layer.layout;
  ASSERT_EQ(l.unit, 32);
  EXPECT_EQ(l.group, 64);
  EXPECT_EQ(l.groups_per_row(), 1);
  EXPECT_EQ(l.sizes.weight_scale_column, 2);
  EXPECT_EQ(l.sizes.zero_point_column, Bytes(4, 1));
  EXPECT_EQ(Slices(layer, DataPart::kWeightScales, 0, 3), (Strings{"[6,8)", "-"}));
  EXPECT_EQ(Slices(layer, DataPart::kZeroPoints, 0, 3), (Strings{"[3,4)", "-"}));
  EXPECT_EQ(Slices(layer, DataPart::kWeightCodes, 0, 3), (Strings{"[96,112)", "[112,128)"}));
  EXPECT_EQ(Slices(layer, DataPart::kActivationScales, 0, 1), (Strings{"[2,3)", "[3,4)"}));

  // With INT8 per-token activations the unit is all of K: one unit takes a column's whole 32
  // bytes and its scale, a row's 64 bytes and its token scale.
  const Layer whole = MakeLayer(4, 64, 4, "int4_gch", "int8_token");
  ASSERT_EQ(whole.layout.unit, 64);
  EXPECT_EQ(Slices(whole, DataPart::kWeightCodes, 0, 1), (Strings{"[32,64)"}));
  EXPECT_EQ(Slices(whole, DataPart::kWeightScales, 0, 1), (Strings{"[2,4)"}));
  EXPECT_EQ(Slices(whole, DataPart::kZeroPoints, 0, 1), (Strings{"-"}));
  EXPECT_EQ(Slices(whole, DataPart::kActivationCodes, 0, 1), (Strings{"[64,128)"}));
  EXPECT_EQ(Slices(whole, DataPart::kActivationScales, 0, 1), (Strings{"[2,4)"}));
}

// The INT8 design's weight scales (docs/numerics.md, section 12.1): per column its FP16 channel
// scale, then a byte per group multiplier; the chunk's first unit takes both, a later group's
// first unit its multiplier only.
TEST(MemoryLayoutTest, Int8DesignCarriesTheChannelScaleThenAByteAGroup) {
  const HardwareConfig config =
      LoadHardwareConfig(MIXPE_SOURCE_DIR "/tests/configs/array_4x4_int8mac.yaml");
  GemmLayer g;
  g.name = "fc";
  g.m = 4;
  g.k = 128;
  g.n = 4;
  g.weights = "int4_g32";
  g.source_file = "test";
  const LayerFormats formats = ResolveLayerFormats(g, config);
  const CoreSchedule s = TileCoreGemm(config, "fc", 4, 128, 4, formats.unit);
  const MemoryLayout l = LayOutMemory(config, formats, s);
  EXPECT_EQ(l.sizes.weight_scale_column, 2 + 4);
  EXPECT_EQ(l.segment_bytes[PartIndex(DataPart::kWeightScales)][0], 4 * (2 + 4));
  const ByteRange first = UnitSlice(l, s, DataPart::kWeightScales, 0, 1, 0);
  EXPECT_EQ(first.begin, 6);  // column 1 starts after column 0's 6 bytes
  EXPECT_EQ(first.end, 6 + 3);
  const ByteRange third = UnitSlice(l, s, DataPart::kWeightScales, 0, 1, 2);
  EXPECT_EQ(third.begin, 6 + 2 + 2);
  EXPECT_EQ(third.end, 6 + 2 + 3);
  // K beyond pe.max_k: the INT8 core sums all of K exactly, so a layer may not exceed it.
  EXPECT_THROW(TileCoreGemm(config, "fc", 4, config.max_k * 2, 4, formats.unit), InputError);
}

}  // namespace
}  // namespace mixpe
