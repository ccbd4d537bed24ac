// Design comparison (explore/compare.h): each design's figures are the mapper's over the whole
// trace with its repeats, normalized to the baseline's on the same trace; the geometric means, the
// CSV and the refusals of bad input.
#include "explore/compare.h"

#include <gtest/gtest.h>

#include <cmath>
#include <sstream>
#include <string>

#include "compiler/layer_trace.h"
#include "model/hardware_config.h"
#include "model/input_error.h"
#include "tests/input_test_util.h"

namespace mixpe {
namespace {

using testing_util::WriteTempFile;

const std::string kConfigs = MIXPE_SOURCE_DIR "/tests/configs/";
const std::string kReference = MIXPE_SOURCE_DIR "/configs/reference/";

// Two layers, one repeated, small enough for the test arrays.
std::string TwoLayerTrace() {
  return WriteTempFile(
      "version: 1\nmodel: two layers\nseed: 3\nlayers:\n"
      "  - {name: a, m: 8, k: 128, n: 12, repeat: 3}\n"
      "  - {name: b, m: 5, k: 256, n: 8}\n");
}

TEST(CompareTest, FiguresAreTheMappersOverTheTraceWithRepeats) {
  const std::string trace = TwoLayerTrace();
  const std::string config = kConfigs + "array_4x4_w4.yaml";
  const std::vector<DesignCost> costs = CompareDesigns({config}, {trace}, MapObjective::kCycles, 1);
  ASSERT_EQ(costs.size(), 1u);
  const DesignCost& c = costs[0];
  ASSERT_TRUE(c.ok()) << c.status;
  const HardwareConfig hw = LoadHardwareConfig(config);
  int64_t cycles = 0;
  double energy = 0;
  for (const GemmLayer& layer : LoadLayerTrace(trace).layers) {
    const MappedLayer m =
        MapLayer(hw, layer, ResolveLayerFormats(layer, hw), MapObjective::kCycles);
    cycles += layer.repeat * m.prediction.cycles;
    energy += layer.repeat * m.prediction.energy.TotalPj() * 1e-6;
  }
  EXPECT_EQ(c.cycles, cycles);
  EXPECT_NEAR(c.energy_uj(), energy, 1e-9 * energy);
  EXPECT_DOUBLE_EQ(c.time_us, static_cast<double>(cycles) / hw.frequency_mhz);
  EXPECT_EQ(c.pes, 16);
  EXPECT_EQ(c.model, "two layers");
  // 3 x 8 x 128 x 12 + 5 x 256 x 8 MACs against 16 PEs a cycle.
  EXPECT_DOUBLE_EQ(c.utilization, (3.0 * 8 * 128 * 12 + 5.0 * 256 * 8) / (16.0 * cycles));
}

TEST(CompareTest, EveryDesignIsNormalizedToTheBaselineOnTheSameTrace) {
  const std::string trace = TwoLayerTrace();
  const std::string small = kConfigs + "array_4x4_w4.yaml";
  const std::string large = kConfigs + "array_16x16_w8.yaml";
  const std::vector<DesignCost> costs =
      CompareDesigns({small, large}, {trace}, MapObjective::kCycles, 2);
  ASSERT_EQ(costs.size(), 2u);
  const std::string csv = CompareCsv(costs, small);
  std::istringstream lines(csv);
  std::string header, first, second;
  std::getline(lines, header);
  std::getline(lines, first);
  std::getline(lines, second);
  EXPECT_EQ(header.substr(header.rfind(',') + 1), "energy_vs_baseline");
  // The baseline's own ratios are exactly 1; the other's are its figures over the baseline's.
  EXPECT_EQ(first.substr(first.size() - 4), ",1,1");
  const double time = costs[1].time_us / costs[0].time_us;
  EXPECT_NE(second.find("," + std::to_string(costs[1].cycles) + ","), std::string::npos);
  const std::string markdown = CompareMarkdown(costs, small);
  char expected[32];
  std::snprintf(expected, sizeof expected, "| %.3f |", time);
  EXPECT_NE(markdown.find(expected), std::string::npos) << markdown;
  EXPECT_NE(markdown.find("Geometric means over the 1 traces"), std::string::npos);
}

TEST(CompareTest, GeometricMeanIsOverTheTraces) {
  const std::string one = TwoLayerTrace();
  const std::string two = WriteTempFile(
      "version: 1\nmodel: one layer\nseed: 4\nlayers:\n  - {name: c, m: 16, k: 512, n: 16}\n");
  const std::string small = kConfigs + "array_4x4_w4.yaml";
  const std::string large = kConfigs + "array_16x16_w8.yaml";
  const std::vector<DesignCost> costs =
      CompareDesigns({small, large}, {one, two}, MapObjective::kCycles, 2);
  ASSERT_EQ(costs.size(), 4u);  // config-major
  const double mean =
      std::sqrt(costs[2].time_us / costs[0].time_us * (costs[3].time_us / costs[1].time_us));
  char expected[64];
  std::snprintf(expected, sizeof expected, "| %.3f | %.2fx |", mean, 1 / mean);
  EXPECT_NE(CompareMarkdown(costs, small).find(expected), std::string::npos)
      << CompareMarkdown(costs, small);
}

TEST(CompareTest, ALayerThatDoesNotMapGetsAStatusAndNoFigures) {
  // K = 96 is no multiple of int4_g64's groups on the 2x16 W3 core's default format? Use a format
  // the config does not list instead: the layer names it.
  const std::string trace = WriteTempFile(
      "version: 1\nmodel: bad\nseed: 1\nlayers:\n  - {name: x, m: 4, k: 128, n: 4, weights: "
      "mxfp4}\n");
  const std::vector<DesignCost> costs =
      CompareDesigns({kConfigs + "array_8x8_w2.yaml"}, {trace}, MapObjective::kCycles, 1);
  ASSERT_EQ(costs.size(), 1u);
  EXPECT_FALSE(costs[0].ok());
  EXPECT_NE(costs[0].status.find("does not map"), std::string::npos) << costs[0].status;
  EXPECT_EQ(costs[0].cycles, 0);
}

TEST(CompareTest, BadInputIsRefusedBeforeAnythingIsCosted) {
  const std::string trace = TwoLayerTrace();
  EXPECT_THROW(CompareDesigns({kConfigs + "no_such.yaml"}, {trace}, MapObjective::kCycles, 1),
               InputError);
  const std::vector<DesignCost> costs =
      CompareDesigns({kConfigs + "array_4x4_w4.yaml"}, {trace}, MapObjective::kCycles, 1);
  EXPECT_THROW(CompareMarkdown(costs, "other.yaml"), InputError);
  EXPECT_THROW(CompareCsv(costs, "other.yaml"), InputError);
}

// The reference designs (configs/reference/) are the MixPE authors' array sizes and PE kinds.
TEST(CompareTest, ReferenceDesignsHaveTheAuthorsArraySizes) {
  struct Design {
    const char* file;
    PeDesign design;
    int rows, cols, activation_bits;
  };
  for (const Design& d : {Design{"mixpe_w4a8.yaml", PeDesign::kMixpe, 64, 64, 8},
                          Design{"mixpe_w4a16.yaml", PeDesign::kMixpe, 32, 32, 16},
                          Design{"int8_mac.yaml", PeDesign::kInt8Mac, 32, 32, 8},
                          Design{"fp16_mac.yaml", PeDesign::kFp16Mac, 32, 28, 16},
                          Design{"bitfusion.yaml", PeDesign::kBitFusion, 32, 40, 8},
                          Design{"ant.yaml", PeDesign::kAnt, 32, 32, 8}}) {
    SCOPED_TRACE(d.file);
    const HardwareConfig c = LoadHardwareConfig(kReference + d.file);
    EXPECT_EQ(c.design, d.design);
    EXPECT_EQ(c.rows, d.rows);
    EXPECT_EQ(c.cols, d.cols);
    EXPECT_EQ(c.activation_bits, d.activation_bits);
    EXPECT_EQ(c.frequency_mhz, 500);
    EXPECT_EQ(c.memory.dram.bandwidth_bytes_per_cycle, 128);
    EXPECT_EQ(c.memory.Buffer(BufferKind::kWeights).capacity_kib, 128);
    EXPECT_EQ(c.memory.Buffer(BufferKind::kActivations).capacity_kib, 256);
    EXPECT_EQ(c.memory.Buffer(BufferKind::kOutputs).capacity_kib, 128);
    EXPECT_EQ(c.energy.static_cycle_pj.value, 969);
  }
}

}  // namespace
}  // namespace mixpe
