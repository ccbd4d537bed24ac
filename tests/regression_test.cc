// Tests of the random regression behind `mixpe verify` (sim/regression.h) on a Verilated core of
// one test config (MIXPE_TEST_CONFIG): random cases match the golden GEMM bit for bit and the
// closed-form cycles; a full period of seeds hits every coverage bin, measured in the quantized
// tensors; a seed always gives the same case (a fingerprint fixed here); a corrupted output bit
// or cycle count is reported with the case's seed and reproduction; and the generator picks only
// format pairs the config runs. Seeds are printed; set MIXPE_TEST_SEED to move the random runs.
#include "sim/regression.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <memory>
#include <set>
#include <string>

#include MIXPE_CORE_HEADER
#include "model/hardware_config.h"
#include "model/mixpe_array.h"
#include "rtl_params.h"

namespace mixpe {
namespace {

using CoreModel = MIXPE_CORE_CLASS;

uint64_t BaseSeed() {
  const char* env = std::getenv("MIXPE_TEST_SEED");
  return env != nullptr ? std::strtoull(env, nullptr, 0) : 1;
}

// Pairs x patterns: any run of this many consecutive seeds visits every combination.
int Period(const HardwareConfig& config) {
  int pairs = 0;
  for (const CoverageBin& b : CoverageBins(config)) pairs += b.section == "format pairs";
  return pairs * static_cast<int>(EdgePatterns().size());
}

class RegressionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_ = LoadHardwareConfig(MIXPE_TEST_CONFIG);
    ASSERT_EQ(config_.rows, rtl_params::kRows);
    ASSERT_EQ(config_.cols, rtl_params::kCols);
    ASSERT_EQ(config_.weight_bits, rtl_params::kWeightBits);
    ASSERT_EQ(config_.activation_bits, rtl_params::kActBits);
    core_ =
        std::make_unique<VerilatedCore<CoreModel>>(config_.rows, config_.cols, config_.weight_bits);
  }

  // Runs `count` cases from `first`; prints the seeds, the speed and any failures.
  RegressionResult Run(uint64_t first, int count) {
    std::cout << "[ seed ] cases " << first << " .. " << first + count - 1 << "\n";
    int calls = 0;
    const RegressionResult r =
        RunRegression(*core_, config_, first, count, [&](int done, int total) {
          ++calls;
          EXPECT_EQ(done, calls);
          EXPECT_EQ(total, count);
        });
    EXPECT_EQ(calls, count);
    char speed[200];
    std::snprintf(speed, sizeof speed,
                  "[ speed ] %d cases in %.2f s (%.2f s on the core): %.0f cases/s, %lld cycles, "
                  "%.0f simulated cycles/s",
                  count, r.wall_seconds, r.core_seconds, count / r.wall_seconds,
                  static_cast<long long>(r.simulated_cycles), r.simulated_cycles / r.core_seconds);
    std::cout << speed << "\n";
    for (const RegressionFailure& f : r.failures) std::cout << FormatFailure(f) << "\n";
    return r;
  }

  HardwareConfig config_;
  std::unique_ptr<VerilatedCore<CoreModel>> core_;
};

// (1) Random cases, edge patterns included, are bit-exact and take the closed-form cycles.
TEST_F(RegressionTest, FiftyRandomCasesMatchTheGoldenModel) {
  const RegressionResult r = Run(BaseSeed(), 50);
  EXPECT_EQ(r.passed, 50);
  EXPECT_EQ(r.failed, 0);
  EXPECT_TRUE(r.pass());
  EXPECT_EQ(r.coverage.cases, 50);
}

// (2) One period of seeds hits every bin, and in particular the edge values each pattern is
// meant to produce, as present in the quantized tensors.
TEST_F(RegressionTest, APeriodOfSeedsHitsEveryCoverageBin) {
  const int period = Period(config_);
  const RegressionResult r = Run(BaseSeed() + 1000, period);
  EXPECT_EQ(r.failed, 0);
  const std::string summary = FormatCoverage(r.coverage, config_);
  std::cout << summary;
  for (const CoverageBin& b : CoverageBins(config_)) {
    EXPECT_GT(r.coverage.Count(b.section, b.bin), 0) << b.section << ": " << b.bin;
  }
  EXPECT_NE(summary.find("every bin hit"), std::string::npos);
  // Spelled out for the integer weights: both ends of the code range, zero, zero groups and
  // saturated scales, and for asymmetric groups the zero points at both ends.
  for (const WeightFormat& f : config_.weight_formats) {
    if (f.family != WeightFamily::kGroupInt) continue;
    const std::string section = "weights " + f.Name();
    for (const char* bin : {"+max code", "-max code", "-2^(b-1) code", "zero",
                            "scale 0 (group quantized to zero)", "scale 65504 (saturated)"}) {
      EXPECT_GT(r.coverage.Count(section, bin), 0) << section << ": " << bin;
    }
    if (f.asymmetric) {
      EXPECT_GT(r.coverage.Count(section, "zero point -2^(b-1)"), 0) << section;
      EXPECT_GT(r.coverage.Count(section, "zero point 2^(b-1)-1"), 0) << section;
    }
  }
}

// A summary of a short run names the bins it missed and the share it hit.
TEST_F(RegressionTest, CoverageSummaryFlagsBinsNotHit) {
  Coverage coverage;
  const RegressionCase c = MakeRandomCase(config_, BaseSeed());
  AddToCoverage(config_, c, MakeCaseData(config_, c), &coverage);
  const std::string summary = FormatCoverage(coverage, config_);
  EXPECT_NE(summary.find("coverage over 1 cases: "), std::string::npos) << summary;
  EXPECT_NE(summary.find(c.layer.weights + " x " + c.layer.activations + " 1"), std::string::npos)
      << summary;
  EXPECT_NE(summary.find("0 (NOT HIT)"), std::string::npos) << summary;
  EXPECT_NE(summary.find("\nnot hit ("), std::string::npos) << summary;
  EXPECT_EQ(summary.find("every bin hit"), std::string::npos) << summary;
}

// (3) A seed gives the same case every time and on every platform: the fingerprint of its
// shape, formats, pattern and quantized tensors is a constant computed once.
TEST_F(RegressionTest, TheSameSeedGivesTheSameCase) {
  constexpr uint64_t kSeed = 12345;
  const RegressionCase a = MakeRandomCase(config_, kSeed);
  const RegressionCase b = MakeRandomCase(config_, kSeed);
  const uint64_t fingerprint = CaseFingerprint(a, MakeCaseData(config_, a));
  EXPECT_EQ(fingerprint, CaseFingerprint(b, MakeCaseData(config_, b)));
  EXPECT_EQ(DescribeCase(a), DescribeCase(b));
  ASSERT_EQ(a.real.activations.size(), b.real.activations.size());
  EXPECT_EQ(std::memcmp(a.real.activations.data(), b.real.activations.data(),
                        a.real.activations.size() * sizeof(double)),
            0);
  ASSERT_EQ(a.real.weights.size(), b.real.weights.size());
  EXPECT_EQ(std::memcmp(a.real.weights.data(), b.real.weights.data(),
                        a.real.weights.size() * sizeof(double)),
            0);
  std::cout << "seed " << kSeed << ": " << DescribeCase(a) << ", fingerprint 0x" << std::hex
            << fingerprint << std::dec << "\n";
  EXPECT_EQ(fingerprint, 0xc85473764f5cdb04ull) << DescribeCase(a);
  // Over a whole period (every pair and pattern): one fingerprint of the fingerprints.
  uint64_t combined = 0;
  for (int s = 0; s < Period(config_); ++s) {
    const RegressionCase c = MakeRandomCase(config_, s);
    combined = combined * 0x100000001B3ull ^ CaseFingerprint(c, MakeCaseData(config_, c));
  }
  EXPECT_EQ(combined, 0x9e45dae3e92dfd02ull) << std::hex << combined;
}

// (4) A corrupted output bit and a wrong cycle count are reported with the case's seed and a
// one-line reproduction, through the comparison RunRegression uses (CheckLayer, RecordCase).
TEST_F(RegressionTest, ACorruptedOutputIsReportedWithItsSeed) {
  const uint64_t seed = BaseSeed() + 7;
  const RegressionCase c = MakeRandomCase(config_, seed);
  const LayerData data = MakeCaseData(config_, c);
  const CoreRunResult run = RunLayerOnCore(*core_, config_, c.layer, data);
  ASSERT_EQ(run.error, "");
  RegressionResult clean;
  RecordCase(config_, c, data, CheckLayer(config_, c.layer, data, run), &clean);
  ASSERT_EQ(clean.passed, 1) << DescribeCase(c);

  // One bit of the last finite output flipped: caught, with the seed and the output's place.
  CoreRunResult flipped = run;
  size_t last = flipped.outputs.size() - 1;
  while (last > 0 && (flipped.outputs[last] & 0x7F800000u) == 0x7F800000u) --last;
  flipped.outputs[last] ^= 1u << 7;
  RegressionResult r;
  RecordCase(config_, c, data, CheckLayer(config_, c.layer, data, flipped), &r);
  EXPECT_EQ(r.passed, 0);
  EXPECT_EQ(r.failed, 1);
  ASSERT_EQ(r.failures.size(), 1u);
  const RegressionFailure& f = r.failures[0];
  EXPECT_EQ(f.seed, seed);
  EXPECT_EQ(f.reproduce, "mixpe verify --seed " + std::to_string(seed) + " --count 1 --config " +
                             config_.source_file);
  const std::string line = FormatFailure(f);
  std::cout << "[ expected ] " << line << "\n";
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_NE(line.find("FAIL seed " + std::to_string(seed) + ": " + DescribeCase(c)),
            std::string::npos);
  EXPECT_NE(line.find("1 of " + std::to_string(c.layer.m * c.layer.n) + " outputs differ"),
            std::string::npos);
  const std::string place =
      "y[" + std::to_string(last / c.layer.n) + "][" + std::to_string(last % c.layer.n) + "]";
  EXPECT_NE(line.find(place), std::string::npos) << line;

  // A run one cycle longer than the closed form: caught too.
  CoreRunResult slow = run;
  ++slow.cycles;
  RecordCase(config_, c, data, CheckLayer(config_, c.layer, data, slow), &r);
  EXPECT_EQ(r.failed, 2);
  ASSERT_EQ(r.failures.size(), 2u);
  EXPECT_NE(r.failures[1].detail.find("cycles, the closed form gives"), std::string::npos)
      << r.failures[1].detail;
}

// (5) The generator picks only pairs the config runs, at a K that resolves, with the shapes
// documented, and every runnable pair within a period; on every test config and the default one
// (model only), and on a config whose accumulator refuses some pairs' units.
TEST(RegressionCaseTest, OnlyPairsTheConfigRuns) {
  std::vector<HardwareConfig> configs;
  for (const char* name : {"array_4x4_w4", "array_4x4_w4a16", "array_8x8_w2", "array_16x16_w8",
                           "array_2x16_w3", "array_7x3_w4"}) {
    configs.push_back(
        LoadHardwareConfig(std::string(MIXPE_SOURCE_DIR) + "/tests/configs/" + name + ".yaml"));
  }
  configs.push_back(LoadHardwareConfig(std::string(MIXPE_SOURCE_DIR) + "/configs/default.yaml"));
  // max_k = 64: INT8 per-token activations with groups of 128 or per-channel weights beyond K=64
  // no longer fit the accumulator.
  HardwareConfig narrow = LoadHardwareConfig(MIXPE_TEST_CONFIG);
  narrow.max_k = 64;
  configs.push_back(narrow);

  for (const HardwareConfig& config : configs) {
    SCOPED_TRACE(config.source_file + (config.max_k == 64 ? " with max_k 64" : ""));
    const int period = Period(config);
    std::set<std::string> pairs_seen;
    for (int s = 0; s < period; ++s) {
      const RegressionCase c = MakeRandomCase(config, s);
      const GemmLayer& l = c.layer;
      SCOPED_TRACE("seed " + std::to_string(s) + ": " + DescribeCase(c));
      EXPECT_EQ(c.seed, static_cast<uint64_t>(s));
      EXPECT_NE(std::find(config.weight_format_names.begin(), config.weight_format_names.end(),
                          l.weights),
                config.weight_format_names.end());
      EXPECT_NE(std::find(config.activation_format_names.begin(),
                          config.activation_format_names.end(), l.activations),
                config.activation_format_names.end());
      EXPECT_GE(l.m, 1);
      EXPECT_LE(l.m, 3 * config.rows);
      EXPECT_GE(l.n, 1);
      EXPECT_LE(l.n, 3 * config.cols);
      EXPECT_LE(l.k, 256);
      EXPECT_TRUE(l.loop_order == "m_outer" || l.loop_order == "n_outer");
      LayerFormats formats;
      ASSERT_NO_THROW(formats = ResolveLayerFormats(l, config));
      EXPECT_LE(formats.unit, config.max_k);
      EXPECT_LE(l.k / formats.unit, 16);
      // The core takes the data: element codes and scales fit its fields.
      ASSERT_NO_THROW(MakeCaseData(config, c));
      pairs_seen.insert(l.weights + " x " + l.activations);
    }
    for (const CoverageBin& b : CoverageBins(config)) {
      if (b.section == "format pairs") {
        EXPECT_EQ(pairs_seen.count(b.bin), 1u) << b.bin;
      }
    }
    EXPECT_EQ(static_cast<int>(pairs_seen.size()) * static_cast<int>(EdgePatterns().size()),
              period);
  }
  // The narrow config drops exactly the pairs whose unit at their smallest K exceeds 64.
  int narrow_pairs = 0;
  for (const CoverageBin& b : CoverageBins(narrow)) narrow_pairs += b.section == "format pairs";
  EXPECT_LT(narrow_pairs,
            static_cast<int>(narrow.weight_formats.size() * narrow.activation_formats.size()));
  EXPECT_GT(narrow_pairs, 0);
}

}  // namespace
}  // namespace mixpe
