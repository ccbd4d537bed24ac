// Design-space exploration (explore/): spaces are read and refused as documented, points are
// numbered in mixed radix and carry their values into the config and the layers, each point's
// figures are the mapper's over the whole trace with its repeats, shards partition the space, the
// Pareto front is the non-dominated set, and the CSV reads back to the same results.
#include "explore/sweep.h"

#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "explore/area_table.h"
#include "explore/sweep_space.h"
#include "model/hardware_config.h"
#include "model/input_error.h"
#include "model/yaml_fields.h"
#include "tests/input_test_util.h"

namespace mixpe {
namespace {

using testing_util::WriteTempFile;

const std::string kData = MIXPE_SOURCE_DIR "/tests/data/";

SweepSpace Small() { return LoadSweepSpace(kData + "sweep_small.yaml"); }

// The message of the InputError that loading `text` (written to a temp file beside the test
// data, so that its relative paths resolve) throws.
std::string LoadError(const std::string& text) {
  const std::string path = kData + "sweep_test_tmp.yaml";
  std::ofstream(path) << text;
  try {
    LoadSweepSpace(path);
  } catch (const InputError& e) {
    std::remove(path.c_str());
    return e.what();
  }
  std::remove(path.c_str());
  return "(no error)";
}

constexpr char kHead[] =
    "version: 1\nbase: ../configs/array_4x4_w4.yaml\ntrace: sweep_trace.yaml\n";

TEST(SweepSpaceTest, PointsAreNumberedLastAxisFastest) {
  const SweepSpace space = Small();
  ASSERT_EQ(space.axes.size(), 3u);
  EXPECT_EQ(space.points(), 8);
  EXPECT_EQ(space.Choice(0), (std::vector<int>{0, 0, 0}));
  EXPECT_EQ(space.Choice(1), (std::vector<int>{0, 0, 1}));
  EXPECT_EQ(space.Choice(2), (std::vector<int>{0, 1, 0}));
  EXPECT_EQ(space.Choice(7), (std::vector<int>{1, 1, 1}));
  EXPECT_EQ(space.axes[1].labels, (std::vector<std::string>{"16", "128"}));
}

TEST(SweepSpaceTest, APointCarriesItsValuesIntoTheConfigAndTheLayers) {
  const SweepSpace space = Small();
  const YAML::Node base = YAML::LoadFile(space.base_config);
  const DesignPoint point = MakeDesignPoint(space, base, 6);  // 8x8, 128 B/cycle, int4_g32
  EXPECT_EQ(point.Describe(space),
            "array=8x8, memory.dram.bandwidth_bytes_per_cycle=128, weights=int4_g32");
  const HardwareConfig config =
      LoadHardwareConfigYaml(YamlMap(point.config, "point 6", ""), space.base_config);
  EXPECT_EQ(config.rows, 8);
  EXPECT_EQ(config.cols, 8);
  EXPECT_EQ(config.memory.dram.bandwidth_bytes_per_cycle, 128);
  EXPECT_EQ(config.weight_format_names.front(), "int4_g32");
  // The base is untouched.
  EXPECT_EQ(base["array"]["rows"].as<int>(), 4);
  // mxint4 leads the formats of point 7 and the layers take it.
  const DesignPoint seven = MakeDesignPoint(space, base, 7);
  EXPECT_EQ(seven.config["formats"]["weights"][0].as<std::string>(), "mxint4");
  const std::vector<GemmLayer> layers = LayersAt(LoadLayerTrace(space.trace), seven);
  EXPECT_EQ(layers[0].weights, "mxint4");
}

TEST(SweepSpaceTest, BadSpacesAreRefusedNamingTheKey) {
  EXPECT_NE(LoadError(std::string(kHead) + "axes: {array: [4x4, 4by4]}\n")
                .find("axes.array[1]: expected <rows>x<cols> such as 16x16, got '4by4'"),
            std::string::npos);
  EXPECT_NE(LoadError(std::string(kHead) + "axes: {memory.dram.bandwith: [1, 2]}\n")
                .find("axes.memory.dram.bandwith: the base config"),
            std::string::npos);
  EXPECT_NE(LoadError(std::string(kHead) + "axes: {weights: [int5_g32]}\n").find("axes.weights[0]"),
            std::string::npos);
  EXPECT_NE(LoadError(std::string(kHead) + "axes: {array: []}\n")
                .find("axes.array: expected a non-empty list of values"),
            std::string::npos);
  EXPECT_NE(LoadError(std::string(kHead) + "axes: {array: [4x4, 4x4]}\n")
                .find("axes.array[1]: the value 4x4 is listed twice"),
            std::string::npos);
  EXPECT_NE(LoadError(std::string(kHead) + "axes: {memory.dram: [1]}\n")
                .find("the base config's memory.dram is a mapping, so each value must be too"),
            std::string::npos);
  EXPECT_NE(
      LoadError(std::string(kHead) + "axes: {array: [4x4]}\nobjective: speed\n").find("objective"),
      std::string::npos);
  EXPECT_NE(LoadError(std::string(kHead) + "axes: {array: [4x4]}\ncolour: red\n").find("colour"),
            std::string::npos);
}

// A point's figures are the sums of the mapper's layer by layer, each layer times its repeat.
TEST(SweepTest, APointsFiguresAreTheMappersOverTheTrace) {
  const SweepSpace space = Small();
  const YAML::Node base = YAML::LoadFile(space.base_config);
  const LayerTrace trace = LoadLayerTrace(space.trace);
  const SweepResult r = EvaluatePoint(space, base, trace, 5);  // 8x8, 16 B/cycle, mxint4
  ASSERT_TRUE(r.ok()) << r.status;
  const DesignPoint point = MakeDesignPoint(space, base, 5);
  const HardwareConfig config =
      LoadHardwareConfigYaml(YamlMap(point.config, "p", ""), space.base_config);
  int64_t cycles = 0;
  double energy = 0;
  for (const GemmLayer& layer : LayersAt(trace, point)) {
    const MappedLayer m =
        MapLayer(config, layer, ResolveLayerFormats(layer, config), MapObjective::kCycles);
    cycles += layer.repeat * m.prediction.cycles;
    energy += layer.repeat * m.prediction.energy.TotalPj() * 1e-6;
  }
  EXPECT_EQ(r.cycles, cycles);
  EXPECT_NEAR(r.energy_uj, energy, 1e-9 * energy);
  EXPECT_DOUBLE_EQ(r.time_us, cycles / 500.0);
  EXPECT_EQ(r.hardware, "8x8 W4A8 acc28");
  // A narrower DRAM is never faster.
  EXPECT_GE(r.cycles, EvaluatePoint(space, base, trace, 7).cycles);
}

// Layers that differ only in name (LLaMA's q, k, v and o projections) are mapped once per point:
// the point's figures still equal the sums of the mapper's, called afresh for every layer, and a
// layer of the same shape whose trace fixes another loop order is mapped on its own.
TEST(SweepTest, LayersRepeatedUnderOtherNamesCostWhatEachWouldAlone) {
  const std::string trace_path = WriteTempFile(
      "version: 1\nmodel: twins\nseed: 1\nlayers:\n"
      "  - {name: q, m: 3, k: 512, n: 40, repeat: 2}\n"
      "  - {name: gemm, m: 24, k: 256, n: 40}\n"
      "  - {name: k, m: 3, k: 512, n: 40, repeat: 3}\n"
      "  - {name: v, m: 3, k: 512, n: 40, loop_order: n_outer}\n"
      "  - {name: o, m: 3, k: 512, n: 40, activations: mxint8}\n");
  const std::string space_path = WriteTempFile(
      "version: 1\nbase: " + kData + "../configs/array_4x4_w4.yaml\ntrace: " + trace_path +
      "\nobjective: energy\naxes:\n  array: [4x4, 8x8]\n  weights: [int4_g32, mxint4]\n");
  const SweepSpace space = LoadSweepSpace(space_path);
  const YAML::Node base = YAML::LoadFile(space.base_config);
  const LayerTrace trace = LoadLayerTrace(space.trace);
  for (int64_t index = 0; index < space.points(); ++index) {
    const SweepResult r = EvaluatePoint(space, base, trace, index);
    ASSERT_TRUE(r.ok()) << r.status;
    const DesignPoint point = MakeDesignPoint(space, base, index);
    const HardwareConfig config =
        LoadHardwareConfigYaml(YamlMap(point.config, "p", ""), space.base_config);
    int64_t cycles = 0;
    double energy = 0;
    int64_t dram_bytes = 0;
    for (const GemmLayer& layer : LayersAt(trace, point)) {
      const LayerMemoryPrediction p =
          MapLayer(config, layer, ResolveLayerFormats(layer, config), MapObjective::kEnergy)
              .prediction;
      cycles += layer.repeat * p.cycles;
      energy += static_cast<double>(layer.repeat) * p.energy.TotalPj() * 1e-6;
      dram_bytes += layer.repeat * (p.events.dram_read_bytes + p.events.dram_write_bytes);
    }
    EXPECT_EQ(r.cycles, cycles) << index;
    EXPECT_EQ(r.energy_uj, energy) << index;  // the same sums in the same order
    EXPECT_EQ(r.dram_bytes, dram_bytes) << index;
  }
}

// The core's area from the table: rows x cols PEs (W4A8 with the FP4 mode: the config lists MXFP4)
// and one dequantization unit per column for columns of `rows` outputs; no aligner without FP16
// activations. A point whose units the table lacks has none.
TEST(SweepTest, AreaIsThePesAndTheDequantizationUnitsWhereTheTableKnowsThem) {
  const std::string path = kData + "sweep_test_tmp.yaml";
  std::ofstream(path) << kHead
                      << "area_table: area_table_small.csv\naxes: {array: [4x4, 8x8, 2x2]}\n";
  const SweepSpace space = LoadSweepSpace(path);
  std::remove(path.c_str());
  const std::vector<SweepResult> results = RunSweep(space, Shard{}, 1);
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[0].area_transistors, 16 * 1000 + 4 * 5000);
  EXPECT_EQ(results[1].area_transistors, 64 * 1000 + 8 * 9000);
  EXPECT_EQ(results[2].area_transistors, 0);  // no unit for columns of 2 rows
  EXPECT_THROW(LoadAreaTable(WriteTempFile("unit,weight_bits\npe,4\n")), InputError);
  EXPECT_THROW(
      LoadAreaTable(WriteTempFile(
          "unit,weight_bits,activation_bits,fp4,acc_bits,rows,transistors\nalu,1,1,1,1,1,5\n")),
      InputError);
}

TEST(SweepTest, AnInvalidPointIsReportedNotFatal) {
  const std::string path = kData + "sweep_test_tmp.yaml";
  std::ofstream(path) << kHead << "axes: {pe.weight_bits: [4, 5]}\n";
  const SweepSpace space = LoadSweepSpace(path);
  std::remove(path.c_str());
  const std::vector<SweepResult> results = RunSweep(space, Shard{}, 2);
  ASSERT_EQ(results.size(), 2u);
  EXPECT_TRUE(results[0].ok());
  EXPECT_NE(results[1].status.find("invalid config: "), std::string::npos);
  EXPECT_NE(results[1].status.find("pe.weight_bits: expected 2, 3, 4 or 8 for pe.design=mixpe, got 5"),
            std::string::npos)
      << results[1].status;
}

// Shards partition the points; together they give the whole sweep's results.
TEST(SweepTest, ShardsPartitionThePoints) {
  const SweepSpace space = Small();
  const std::vector<SweepResult> all = RunSweep(space, Shard{}, 2);
  ASSERT_EQ(all.size(), 8u);
  std::vector<SweepResult> merged;
  for (int64_t i = 0; i < 3; ++i) {
    for (const SweepResult& r : RunSweep(space, Shard{i, 3}, 1)) merged.push_back(r);
  }
  std::sort(merged.begin(), merged.end(),
            [](const SweepResult& a, const SweepResult& b) { return a.point < b.point; });
  ASSERT_EQ(merged.size(), all.size());
  for (size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(merged[i].point, static_cast<int64_t>(i));
    EXPECT_EQ(merged[i].cycles, all[i].cycles);
    EXPECT_EQ(merged[i].energy_uj, all[i].energy_uj);
  }
  EXPECT_EQ(ParseShard("2/3", "--shard").index, 2);
  EXPECT_THROW(ParseShard("3/3", "--shard"), InputError);
  EXPECT_THROW(ParseShard("1", "--shard"), InputError);
  EXPECT_THROW(ParseShard("a/b", "--shard"), InputError);
}

TEST(SweepTest, TheParetoFrontIsTheNonDominatedPoints) {
  std::vector<SweepResult> r(5);
  const double figures[5][2] = {{1, 10}, {2, 5}, {3, 6}, {4, 1}, {2, 5}};
  for (int i = 0; i < 5; ++i) {
    r[i].point = i;
    r[i].time_us = figures[i][0];
    r[i].energy_uj = figures[i][1];
  }
  r[4].status = "does not map: x";
  MarkPareto(&r);
  EXPECT_TRUE(r[0].pareto);
  EXPECT_TRUE(r[1].pareto);
  EXPECT_FALSE(r[2].pareto);  // (2, 5) is faster and uses less
  EXPECT_TRUE(r[3].pareto);
  EXPECT_FALSE(r[4].pareto);  // not ok
}

TEST(SweepTest, TheCsvReadsBackToTheSameResults) {
  const SweepSpace space = Small();
  std::vector<SweepResult> results = RunSweep(space, Shard{}, 2);
  results[3].status = "does not map: a \"quoted\", comma";
  MarkPareto(&results);
  const std::string path = WriteTempFile(SweepCsv(AxisKeys(space), results));
  std::vector<std::string> axes;
  const std::vector<SweepResult> back = ReadSweepCsv(path, &axes);
  EXPECT_EQ(axes, AxisKeys(space));
  ASSERT_EQ(back.size(), results.size());
  for (size_t i = 0; i < back.size(); ++i) {
    EXPECT_EQ(back[i].point, results[i].point);
    EXPECT_EQ(back[i].labels, results[i].labels);
    EXPECT_EQ(back[i].status, results[i].status);
    EXPECT_EQ(back[i].cycles, results[i].cycles);
    EXPECT_NEAR(back[i].energy_uj, results[i].energy_uj, 1e-3);
    EXPECT_EQ(back[i].pareto, results[i].pareto);
  }
  // Another sweep's CSV is refused.
  std::vector<std::string> other = {"array"};
  EXPECT_THROW(ReadSweepCsv(path, &other), InputError);
  EXPECT_THROW(ReadSweepCsv(WriteTempFile("point,a\n1,2\n"), &axes), InputError);
}

}  // namespace
}  // namespace mixpe
