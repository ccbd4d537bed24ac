// RTL tests of the MixPE core (rtl/mixpe_core.sv) built from a hardware YAML (MIXPE_TEST_CONFIG):
// every weight x activation format pair the config supports, on awkward shapes, must give the
// golden GEMM's FP32 outputs bit for bit (model/mpgemm.h) in exactly the golden model's cycle
// count; edge values (NaN and Inf blocks, all-zero groups, extreme magnitudes) too. Seeds are
// printed; set MIXPE_TEST_SEED to replay one.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <numeric>
#include <random>

#include MIXPE_CORE_HEADER
#include "compiler/gemm_schedule.h"
#include "model/core_operands.h"
#include "model/gemm_operands.h"
#include "model/hardware_config.h"
#include "model/mixpe_array.h"
#include "model/mpgemm.h"
#include "model/quantize.h"
#include "rtl_params.h"
#include "sim/verilated_core.h"

namespace mixpe {
namespace {

using CoreModel = MIXPE_CORE_CLASS;

uint64_t BaseSeed() {
  const char* env = std::getenv("MIXPE_TEST_SEED");
  return env != nullptr ? std::strtoull(env, nullptr, 0) : 0xC0DEu;
}

uint32_t Bits(float f) {
  uint32_t b;
  std::memcpy(&b, &f, sizeof b);
  return b;
}

// The smallest K-multiple every block of the pair divides.
int64_t KStep(const WeightFormat& wf, const ActivationFormat& af) {
  int64_t step = wf.group_size == 0 ? 32 : wf.group_size;
  if (af.block_size > 0) step = std::lcm<int64_t>(step, af.block_size);
  return step;
}

class RtlCoreTest : public ::testing::Test {
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

  CoreWidths Widths() const {
    CoreWidths w;
    w.activation_bits = config_.activation_bits;
    w.weight_bits = config_.weight_bits;
    return w;
  }

  // Runs quantized operands through the core; checks outputs and cycles against the golden model.
  // Returns the golden outputs.
  std::vector<float> CheckQuantized(const WeightFormat& wf, const BlockedTensor& a,
                                    const BlockedTensor& w, LoopOrder order = LoopOrder::kMOuter) {
    const std::vector<float> expected = MpGemm(a, w);
    const CoreOperands ops = PrepareCoreOperands(a, w, wf, Widths());
    const CoreSchedule schedule =
        TileCoreGemm(config_, "test", ops.m, ops.k, ops.n, ops.unit, order);
    const GemmCycleEstimate est =
        MixpeArray(config_).CoreCycles(ops.m, ops.k, ops.n, ops.unit, order == LoopOrder::kNOuter);
    const CoreRunResult run = core_->Run(schedule, ops, 2 * est.cycles + 1000);
    EXPECT_EQ(run.error, "");
    for (size_t i = 0; i < expected.size() && run.error.empty(); ++i) {
      if (run.outputs[i] == Bits(expected[i])) continue;
      ADD_FAILURE() << "y[" << i / ops.n << "][" << i % ops.n << "]: rtl 0x" << std::hex
                    << run.outputs[i] << ", golden 0x" << Bits(expected[i]) << std::dec << " ("
                    << expected[i] << ")";
      break;
    }
    EXPECT_EQ(run.cycles, est.cycles);
    return expected;
  }

  void CheckRandom(const WeightFormat& wf, const ActivationFormat& af, int64_t m, int64_t k,
                   int64_t n, uint64_t seed) {
    SCOPED_TRACE(::testing::Message() << wf.Name() << " x " << af.Name() << " M=" << m << " K=" << k
                                      << " N=" << n << " seed=" << seed);
    std::cout << "[ seed ] " << wf.Name() << " x " << af.Name() << " M=" << m << " K=" << k
              << " N=" << n << " seed=" << seed << "\n";
    const RealGemmOperands real = RandomRealGemmOperands(m, k, n, seed);
    CheckQuantized(wf, QuantizeActivations(af, real.activations, m, k),
                   QuantizeWeights(wf, real.weights, k, n));
  }

  HardwareConfig config_;
  std::unique_ptr<VerilatedCore<CoreModel>> core_;
};

// Every supported pair, on shapes that cut tiles at every edge: one output; one full tile; one
// more than a tile each way; a GEMV; several partial tiles with several units.
TEST_F(RtlCoreTest, EveryFormatPairMatchesTheGoldenGemm) {
  const int64_t r = config_.rows;
  const int64_t c = config_.cols;
  uint64_t seed = BaseSeed();
  for (const WeightFormat& wf : config_.weight_formats) {
    for (const ActivationFormat& af : config_.activation_formats) {
      const int64_t step = KStep(wf, af);
      const std::vector<std::array<int64_t, 3>> shapes = {{1, step, 1},
                                                          {r, 2 * step, c},
                                                          {r + 1, step, c + 1},
                                                          {1, 3 * step, 2 * c + 1},
                                                          {2 * r + 3, 2 * step, c + 2}};
      for (const auto& s : shapes) CheckRandom(wf, af, s[0], s[1], s[2], seed++);
      if (HasFailure()) return;
    }
  }
}

// N-outer tiles (a column block top to bottom): the same outputs, in the cycles of that order
// (the last tile to finish can differ from M-outer's where edge tiles are smaller).
TEST_F(RtlCoreTest, NOuterTilesMatchTheGoldenGemmInTheirOwnCycles) {
  const WeightFormat& wf = config_.weight_formats[0];
  const ActivationFormat& af = config_.activation_formats[0];
  const int64_t k = 2 * KStep(wf, af);
  const int64_t m = 2 * config_.rows + 1;
  const int64_t n = 2 * config_.cols + 3;
  const RealGemmOperands real = RandomRealGemmOperands(m, k, n, BaseSeed() + 77);
  CheckQuantized(wf, QuantizeActivations(af, real.activations, m, k),
                 QuantizeWeights(wf, real.weights, k, n), LoopOrder::kNOuter);
}

TEST_F(RtlCoreTest, RandomShapesAndFormats) {
  const uint64_t seed = BaseSeed() + 1000;
  std::mt19937_64 rng(seed);
  std::cout << "[ seed ] shape generator seed=" << seed << "\n";
  for (int i = 0; i < 60; ++i) {
    const WeightFormat& wf = config_.weight_formats[rng() % config_.weight_formats.size()];
    const ActivationFormat& af =
        config_.activation_formats[rng() % config_.activation_formats.size()];
    const int64_t m = 1 + static_cast<int64_t>(rng() % (3 * config_.rows));
    const int64_t k = KStep(wf, af) * (1 + static_cast<int64_t>(rng() % 8));
    const int64_t n = 1 + static_cast<int64_t>(rng() % (3 * config_.cols));
    CheckRandom(wf, af, m, k, n, seed + 1 + i);
    if (HasFailure()) return;
  }
}

// Edge values through the whole core: all-zero groups and rows, Inf and NaN inputs (NaN block
// scales for MX, NaN FP16 units, rejected by integer formats), and magnitudes at the ends of the
// formats' ranges, which drive every unit sum to its extremes.
TEST_F(RtlCoreTest, EdgeValuesMatchTheGoldenGemm) {
  const int64_t m = config_.rows + 1;
  const int64_t n = config_.cols + 1;
  uint64_t seed = BaseSeed() + 2000;
  for (const WeightFormat& wf : config_.weight_formats) {
    for (const ActivationFormat& af : config_.activation_formats) {
      const int64_t k = 2 * KStep(wf, af);
      SCOPED_TRACE(::testing::Message() << wf.Name() << " x " << af.Name() << " seed=" << seed);
      RealGemmOperands real = RandomRealGemmOperands(m, k, n, seed++);
      // Row 0 all zero; column 0 all zero; the first group of column 1 all zero.
      for (int64_t kk = 0; kk < k; ++kk) real.activations[kk] = 0;
      for (int64_t kk = 0; kk < k; ++kk) real.weights[kk * n] = 0;
      for (int64_t kk = 0; kk < 16; ++kk) real.weights[kk * n + 1] = 0;
      // Row 1: huge and tiny values side by side; column 2: saturating weights.
      for (int64_t kk = 0; kk < k; ++kk) real.activations[k + kk] = kk % 2 ? 6.0e4 : -1.0e-6;
      for (int64_t kk = 0; kk < k; ++kk) real.weights[kk * n + 2] = kk % 3 ? -1.0e3 : 1.0e3;
      const bool int_weights = wf.family == WeightFamily::kGroupInt;
      const bool int_acts = af.family == ActivationFamily::kInt8PerToken;
      // Row 2 holds an Inf and a NaN where the formats can carry them.
      if (!int_acts) {
        real.activations[2 * k + 3] = std::numeric_limits<double>::infinity();
        real.activations[2 * k + k / 2] = std::numeric_limits<double>::quiet_NaN();
      }
      if (!int_weights) real.weights[5 * n + 3] = -std::numeric_limits<double>::infinity();
      const std::vector<float> y =
          CheckQuantized(wf, QuantizeActivations(af, real.activations, m, k),
                         QuantizeWeights(wf, real.weights, k, n));
      if (HasFailure()) return;
      // The edge values reach the outputs: zeros from the zero row, NaN from the Inf and NaN
      // inputs.
      EXPECT_EQ(Bits(y[0]), 0u);
      if (!int_acts || !int_weights) {
        EXPECT_TRUE(std::any_of(y.begin(), y.end(), [](float v) { return std::isnan(v); }));
      }
    }
  }
}

// Reduction units far shorter than any real group (2 and 3 elements), so that the unit spacing is
// set by the drain chain (2R - 1) or by the side banks ((R + C) / 2) rather than by streaming:
// outputs and cycles must still match.
TEST_F(RtlCoreTest, ShortUnitsAtTheSpacingLimits) {
  WeightFormat wf = ParseWeightFormat("int" + std::to_string(config_.weight_bits) + "_g32_asym");
  const ActivationFormat af = ParseActivationFormat("int8_token");
  uint64_t seed = BaseSeed() + 3000;
  for (int unit : {2, 3}) {
    wf.group_size = unit;
    CheckRandom(wf, af, 2 * config_.rows + 1, 4 * unit, 2 * config_.cols + 1, seed++);
  }
}

// A controller that waits for memory starts units later than the schedule's uniform spacing: with
// random extra gaps the outputs stay bit-exact, and the run ends exactly when the model says for
// the starts it made (MixpeArray::CoreCyclesThroughTile of each tile's last unit).
TEST_F(RtlCoreTest, DelayedUnitStartsKeepOutputsExact) {
  const uint64_t seed = BaseSeed() + 4000;
  std::mt19937_64 rng(seed);
  std::cout << "[ seed ] delays seed=" << seed << "\n";
  const WeightFormat& wf = config_.weight_formats.back();
  const ActivationFormat& af = config_.activation_formats.back();
  const int64_t m = 2 * config_.rows + 1;
  const int64_t k = 3 * KStep(wf, af);
  const int64_t n = config_.cols + 2;
  const RealGemmOperands real = RandomRealGemmOperands(m, k, n, seed);
  const BlockedTensor a = QuantizeActivations(af, real.activations, m, k);
  const BlockedTensor w = QuantizeWeights(wf, real.weights, k, n);
  const std::vector<float> expected = MpGemm(a, w);
  const CoreOperands ops = PrepareCoreOperands(a, w, wf, Widths());
  const CoreSchedule schedule = TileCoreGemm(config_, "delayed", m, k, n, ops.unit);

  core_->Begin(schedule, ops);
  std::vector<int64_t> starts;
  int64_t wait = 0;  // extra cycles before the next start
  while (!core_->Finished()) {
    ASSERT_LT(core_->cycle(), 1000000) << "no progress";
    bool start = false;
    if (core_->CanStartUnit()) {
      if (wait == 0) {
        start = true;
        starts.push_back(core_->cycle());
        wait = static_cast<int64_t>(rng() % 3 == 0 ? rng() % 40 : 0);
      } else {
        --wait;
      }
    }
    ASSERT_TRUE(core_->Cycle(start)) << core_->result().error;
  }
  const CoreRunResult& run = core_->result();
  for (size_t i = 0; i < expected.size(); ++i) {
    ASSERT_EQ(run.outputs[i], Bits(expected[i])) << "y[" << i / n << "][" << i % n << "]";
  }
  int64_t model_cycles = 0;
  for (size_t t = 0; t < schedule.tiles.size(); ++t) {
    const int64_t last_unit = (static_cast<int64_t>(t) + 1) * schedule.units_per_tile - 1;
    model_cycles =
        std::max(model_cycles, MixpeArray::CoreCyclesThroughTile(starts[last_unit], schedule.unit,
                                                                 schedule.tiles[t].rows_used,
                                                                 schedule.tiles[t].cols_used));
  }
  EXPECT_EQ(run.cycles, model_cycles);
  EXPECT_GT(starts.back(), (static_cast<int64_t>(starts.size()) - 1) * schedule.unit_interval)
      << "the test should have delayed some starts";
}

// A unit started before the spacing allows is refused by the harness, not simulated.
TEST_F(RtlCoreTest, EarlyStartIsRefused) {
  const WeightFormat& wf = config_.weight_formats.front();
  const ActivationFormat& af = config_.activation_formats.front();
  const int64_t k = 2 * KStep(wf, af);
  const RealGemmOperands real = RandomRealGemmOperands(1, k, 1, BaseSeed());
  const BlockedTensor a = QuantizeActivations(af, real.activations, 1, k);
  const BlockedTensor w = QuantizeWeights(wf, real.weights, k, 1);
  const CoreOperands ops = PrepareCoreOperands(a, w, wf, Widths());
  const CoreSchedule schedule = TileCoreGemm(config_, "early", 1, k, 1, ops.unit);
  if (schedule.units_per_tile < 2) GTEST_SKIP() << "one unit per tile";
  core_->Begin(schedule, ops);
  ASSERT_TRUE(core_->Cycle(true));
  EXPECT_FALSE(core_->CanStartUnit());
  EXPECT_FALSE(core_->Cycle(true));
  EXPECT_NE(core_->result().error.find("too early"), std::string::npos) << core_->result().error;
}

// Units started closer than the schedule allows overlap in the array (a reduction starts while the
// previous one is open): the RTL's protocol assertions must catch it.
TEST_F(RtlCoreTest, UnitsStartedTooCloseTripAnAssertion) {
  const WeightFormat& wf = config_.weight_formats.front();
  const ActivationFormat& af = config_.activation_formats.front();
  const int64_t k = 2 * KStep(wf, af);
  const RealGemmOperands real =
      RandomRealGemmOperands(config_.rows, k, 2 * config_.cols, BaseSeed());
  const BlockedTensor a = QuantizeActivations(af, real.activations, config_.rows, k);
  const BlockedTensor w = QuantizeWeights(wf, real.weights, k, 2 * config_.cols);
  const CoreOperands ops = PrepareCoreOperands(a, w, wf, Widths());
  CoreSchedule schedule = TileCoreGemm(config_, "too_close", ops.m, ops.k, ops.n, ops.unit);
  // Units overlapping in the array: a new reduction starts while the last is open.
  schedule.unit_interval = ops.unit / 2;
  const CoreRunResult run = core_->Run(schedule, ops, 100000);
  EXPECT_NE(run.error.find("assertion"), std::string::npos) << run.error;
}

// The core with its ports and clock in reach, to drive what no schedule would.
class ProbedCore : public VerilatedCore<CoreModel> {
 public:
  using VerilatedCore<CoreModel>::VerilatedCore;
  using VerilatedClocked<CoreModel>::model;
  using VerilatedClocked<CoreModel>::ResetModel;
  using VerilatedClocked<CoreModel>::Tick;
};

// A unit's weight-side values travel with its first weight; alone they belong to no unit.
TEST(RtlCoreProtocolTest, WeightSideValuesWithoutAWeightTripAnAssertion) {
  ProbedCore core(rtl_params::kRows, rtl_params::kCols, rtl_params::kWeightBits);
  core.ResetModel();
  const int last = rtl_params::kCols - 1;
  core.model().wgt_valid_i[last] = 1;
  core.model().wside_valid_i[last] = 1;
  EXPECT_EQ(core.Tick(0), "");
  core.model().wgt_valid_i[last] = 0;
  EXPECT_NE(core.Tick(1).find("assertion"), std::string::npos);
}

// A unit's sum reaches its column's dequantization unit only after the unit's side values: a
// reduction run without them (no wside_valid_i with its first weight) is caught there.
TEST(RtlCoreProtocolTest, AUnitSumWithoutItsSideValuesTripsAnAssertion) {
  ProbedCore core(rtl_params::kRows, rtl_params::kCols, rtl_params::kWeightBits);
  core.ResetModel();
  auto& m = core.model();
  m.act_valid_i[0] = 1;
  m.act_first_i[0] = 1;
  m.act_last_i[0] = 1;
  m.act_bank_i[0] = 0;
  m.wgt_valid_i[0] = 1;
  EXPECT_EQ(core.Tick(0), "");
  m.act_valid_i[0] = 0;
  m.wgt_valid_i[0] = 0;
  std::string error;
  for (int t = 1; t < 4 * rtl_params::kRows + 8 && error.empty(); ++t) error = core.Tick(t);
  EXPECT_NE(error.find("assertion"), std::string::npos) << error;
}

}  // namespace
}  // namespace mixpe
