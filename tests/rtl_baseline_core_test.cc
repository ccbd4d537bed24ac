// RTL tests of the baseline cores (rtl/mixpe_core.sv with PeKind 1, the INT8 design, or 2, the FP16
// design) built from a hardware YAML (MIXPE_TEST_CONFIG, pe.design int8_mac or fp16_mac): every
// weight format the config lists, on ragged shapes in both loop orders, with K over several
// reduction units, and edge values, must give the golden GEMM's FP32 outputs bit for bit
// (Int8MacGemm or Fp16MacGemm, model/baseline_gemm.h) in exactly the MixPE core's cycle count
// (MixpeArray::CoreCycles, CoreScheduleCycles, CoreCyclesThroughTile). Seeds are printed; set
// MIXPE_TEST_SEED to replay one.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include MIXPE_CORE_HEADER
#include "compiler/gemm_schedule.h"
#include "compiler/layer_trace.h"
#include "model/baseline_gemm.h"
#include "model/core_operands.h"
#include "model/gemm_operands.h"
#include "model/hardware_config.h"
#include "model/input_error.h"
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
  return env != nullptr ? std::strtoull(env, nullptr, 0) : 0xBA5Eu;
}

uint32_t Bits(float f) {
  uint32_t b;
  std::memcpy(&b, &f, sizeof b);
  return b;
}

bool IsNanBits(uint32_t b) { return (b & 0x7F800000u) == 0x7F800000u && (b & 0x007FFFFFu) != 0; }
bool IsInfBits(uint32_t b) { return (b & 0x7FFFFFFFu) == 0x7F800000u; }

class RtlBaselineCoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_ = LoadHardwareConfig(MIXPE_TEST_CONFIG);
    ASSERT_EQ(config_.rows, rtl_params::kRows);
    ASSERT_EQ(config_.cols, rtl_params::kCols);
    ASSERT_EQ(config_.weight_bits, rtl_params::kWeightBits);
    ASSERT_EQ(config_.activation_bits, rtl_params::kActBits);
    ASSERT_EQ(config_.accumulator_bits, rtl_params::kAccBits);
    ASSERT_STREQ(PeDesignName(config_.design), rtl_params::kPeDesign);
    ASSERT_TRUE(config_.design == PeDesign::kInt8Mac || config_.design == PeDesign::kFp16Mac)
        << "a baseline core's config";
    ASSERT_EQ(rtl_params::kPeKind, config_.design == PeDesign::kInt8Mac ? 1 : 2);
    core_ =
        std::make_unique<VerilatedCore<CoreModel>>(config_.rows, config_.cols, config_.weight_bits);
  }

  bool Int8() const { return config_.design == PeDesign::kInt8Mac; }
  const ActivationFormat& Activations() const { return config_.activation_formats.front(); }

  CoreWidths Widths() const {
    CoreWidths w;
    w.activation_bits = config_.activation_bits;
    w.weight_bits = config_.weight_bits;
    return w;
  }

  // The reduction unit the compiler gives the layer (ResolveLayerFormats).
  int UnitOf(const WeightFormat& wf, int64_t k) const {
    const ReductionBlocks blocks = ReductionBlocksOf(wf, Activations(), k);
    EXPECT_EQ(blocks.problem, ReductionBlocks::Problem::kNone) << blocks.message;
    return static_cast<int>(blocks.unit);
  }

  // The golden outputs (M x N FP32 bit patterns) of the core's design.
  std::vector<uint32_t> Golden(const BlockedTensor& a, const BlockedTensor& w, int unit) const {
    if (!Int8()) return Fp16MacGemm(a, w, unit);
    const std::vector<float> y = Int8MacGemm(a, ToTwoLevelInt8(w));
    std::vector<uint32_t> bits(y.size());
    for (size_t i = 0; i < y.size(); ++i) bits[i] = Bits(y[i]);
    return bits;
  }

  // Runs quantized operands through the core with units of `unit` elements; checks every output
  // bit for bit and the cycle count against the closed form. Returns the golden outputs.
  std::vector<uint32_t> Check(const BlockedTensor& a, const BlockedTensor& w, int unit,
                              LoopOrder order) {
    const std::vector<uint32_t> expected = Golden(a, w, unit);
    const CoreOperands ops = PrepareBaselineCoreOperands(a, w, config_.design, Widths(), unit);
    const CoreSchedule schedule = TileCoreGemm(config_, "test", ops.m, ops.k, ops.n, unit, order);
    const GemmCycleEstimate est =
        MixpeArray(config_).CoreCycles(ops.m, ops.k, ops.n, unit, order == LoopOrder::kNOuter);
    EXPECT_EQ(CoreScheduleCycles(schedule), est.cycles);
    const CoreRunResult run = core_->Run(schedule, ops, 2 * est.cycles + 1000);
    EXPECT_EQ(run.error, "");
    if (!run.error.empty()) return expected;
    int64_t wrong = 0;
    for (size_t i = 0; i < expected.size(); ++i) {
      if (run.outputs[i] == expected[i]) continue;
      if (wrong++ == 0) {
        ADD_FAILURE() << "y[" << i / ops.n << "][" << i % ops.n << "]: rtl 0x" << std::hex
                      << run.outputs[i] << ", golden 0x" << expected[i] << std::dec;
      }
    }
    EXPECT_EQ(wrong, 0) << "of " << expected.size() << " outputs";
    EXPECT_EQ(run.cycles, est.cycles);
    return expected;
  }

  struct Quantized {
    BlockedTensor a;
    BlockedTensor w;
  };
  Quantized Quantize(const WeightFormat& wf, const RealGemmOperands& real) const {
    return {QuantizeActivations(Activations(), real.activations, real.m, real.k),
            QuantizeWeights(wf, real.weights, real.k, real.n)};
  }

  void CheckRandom(const WeightFormat& wf, int64_t m, int64_t k, int64_t n, uint64_t seed,
                   LoopOrder order) {
    SCOPED_TRACE(::testing::Message()
                 << wf.Name() << " x " << Activations().Name() << " M=" << m << " K=" << k
                 << " N=" << n << " " << LoopOrderName(order) << " seed=" << seed);
    std::cout << "[ seed ] " << wf.Name() << " M=" << m << " K=" << k << " N=" << n << " "
              << LoopOrderName(order) << " seed=" << seed << "\n";
    const Quantized q = Quantize(wf, RandomRealGemmOperands(m, k, n, seed));
    Check(q.a, q.w, UnitOf(wf, k), order);
  }

  HardwareConfig config_;
  std::unique_ptr<VerilatedCore<CoreModel>> core_;
};

// Every listed weight format, on shapes that cut tiles at every edge (M and N not multiples of
// the array's sides), K of one to three groups, in both loop orders.
TEST_F(RtlBaselineCoreTest, EveryFormatMatchesTheGoldenGemmInBothLoopOrders) {
  const int64_t r = config_.rows;
  const int64_t c = config_.cols;
  uint64_t seed = BaseSeed();
  for (const WeightFormat& wf : config_.weight_formats) {
    const int64_t g = wf.group_size;
    const std::vector<std::array<int64_t, 3>> shapes = {{1, g, 1},
                                                        {r, 2 * g, c},
                                                        {r + 1, g, c + 1},
                                                        {1, 3 * g, 2 * c + 1},
                                                        {2 * r + 3, 2 * g, c + 2}};
    for (const auto& s : shapes) {
      for (LoopOrder order : {LoopOrder::kMOuter, LoopOrder::kNOuter}) {
        CheckRandom(wf, s[0], s[1], s[2], seed++, order);
        if (HasFailure()) return;
      }
    }
  }
}

TEST_F(RtlBaselineCoreTest, RandomShapesAndFormats) {
  const uint64_t seed = BaseSeed() + 1000;
  std::mt19937_64 rng(seed);
  std::cout << "[ seed ] shape generator seed=" << seed << "\n";
  for (int i = 0; i < 30; ++i) {
    const WeightFormat& wf = config_.weight_formats[rng() % config_.weight_formats.size()];
    const int64_t m = 1 + static_cast<int64_t>(rng() % (3 * config_.rows));
    const int64_t k = wf.group_size * (1 + static_cast<int64_t>(rng() % 6));
    const int64_t n = 1 + static_cast<int64_t>(rng() % (3 * config_.cols));
    const LoopOrder order = rng() % 2 ? LoopOrder::kNOuter : LoopOrder::kMOuter;
    CheckRandom(wf, m, k, n, seed + 1 + i, order);
    if (HasFailure()) return;
  }
}

// K over many units: the column adds 64 unit sums per output. The golden outputs differ from those
// of the other way to sum the same units (INT8: dequantizing each unit's sum on its own and adding
// in FP32, as MixPE does; FP16: one FP32 running sum over all of K, as a PE without units would),
// so the RTL's match shows its column sums the units as the design specifies.
TEST_F(RtlBaselineCoreTest, LongKSumsTheUnitsAsTheDesignSpecifies) {
  const WeightFormat& wf = config_.weight_formats.front();
  const int64_t m = config_.rows + 1;
  const int64_t n = config_.cols + 1;
  const int64_t k = 64 * UnitOf(wf, 64 * 128);
  SCOPED_TRACE(::testing::Message() << wf.Name() << " K=" << k);
  const Quantized q = Quantize(wf, RandomRealGemmOperands(m, k, n, BaseSeed() + 500));
  const int unit = UnitOf(wf, k);
  ASSERT_EQ(k / unit, 64);
  const std::vector<uint32_t> y = Check(q.a, q.w, unit, LoopOrder::kMOuter);

  std::vector<uint32_t> other;
  if (Int8()) {
    // The expanded weights with the channel scale repeated for every unit: MpGemm then rounds
    // each unit's scaled sum to FP32 and adds the units in FP32.
    BlockedTensor per_unit = ToTwoLevelInt8(q.w).expanded;
    per_unit.block = unit;
    std::vector<Dyadic> scales;
    std::vector<uint32_t> codes;
    for (int64_t row = 0; row < n; ++row) {
      for (int64_t u = 0; u < k / unit; ++u) {
        scales.push_back(per_unit.scales[row]);
        codes.push_back(per_unit.scale_codes[row]);
      }
    }
    per_unit.scales = scales;
    per_unit.scale_codes = codes;
    const std::vector<float> f = MpGemm(q.a, per_unit);
    for (float v : f) other.push_back(Bits(v));
  } else {
    other = Fp16MacGemm(q.a, q.w, static_cast<int>(k));
  }
  ASSERT_EQ(other.size(), y.size());
  EXPECT_NE(other, y) << "these operands do not tell the two sums apart";
}

// Edge values through the whole core. Both designs: an all-zero activation row, an all-zero output
// channel, an all-zero group, a column of large weights, a row of huge and tiny values side by
// side. FP16 also: Inf and NaN activations (the outputs of their rows become NaN or Inf), subnormal
// activations, -0.
TEST_F(RtlBaselineCoreTest, EdgeValuesMatchTheGoldenGemm) {
  const int64_t m = config_.rows + 2;
  const int64_t n = config_.cols + 1;
  uint64_t seed = BaseSeed() + 2000;
  for (const WeightFormat& wf : config_.weight_formats) {
    const int64_t k = 2 * wf.group_size;
    SCOPED_TRACE(::testing::Message() << wf.Name() << " seed=" << seed);
    RealGemmOperands real = RandomRealGemmOperands(m, k, n, seed++);
    // Row 0 all zero; column 0 all zero; the first group of column 1 all zero.
    for (int64_t kk = 0; kk < k; ++kk) real.activations[kk] = 0;
    for (int64_t kk = 0; kk < k; ++kk) real.weights[kk * n] = 0;
    for (int64_t kk = 0; kk < wf.group_size; ++kk) real.weights[kk * n + 1] = 0;
    // Row 1: huge and tiny values side by side; column 2: large weights of both signs.
    for (int64_t kk = 0; kk < k; ++kk) real.activations[k + kk] = kk % 2 ? 6.0e4 : -1.0e-6;
    for (int64_t kk = 0; kk < k; ++kk) real.weights[kk * n + 2] = kk % 3 ? -1.0e3 : 1.0e3;
    if (!Int8()) {
      const double inf = std::numeric_limits<double>::infinity();
      // Row 2: an Inf (Inf x nonzero weights, and Inf x the zero weights of column 0: NaN).
      real.activations[2 * k + 3] = inf;
      // Row 3: a NaN. Row 4: -Inf and +Inf in different units, both times a -1e3 weight of
      // column 2: unit sums of +Inf and -Inf, which the column adds to NaN. Row 5: subnormals and
      // -0 only.
      real.activations[3 * k + k / 2] = std::numeric_limits<double>::quiet_NaN();
      real.activations[4 * k + 1] = -inf;
      real.activations[4 * k + k - 2] = inf;
      for (int64_t kk = 0; kk < k; ++kk) {
        real.activations[5 * k + kk] = kk % 4 == 0 ? -0.0 : (kk % 2 ? 3.0e-6 : -5.9e-8);
      }
    }
    const Quantized q = Quantize(wf, real);
    const std::vector<uint32_t> y = Check(q.a, q.w, UnitOf(wf, k), LoopOrder::kMOuter);
    if (HasFailure()) return;
    // The edge values reach the outputs.
    for (int64_t col = 0; col < n; ++col) EXPECT_EQ(y[col], 0u) << "zero row, column " << col;
    for (int64_t row = 0; row < m; ++row) {
      if (!Int8() && row >= 2 && row <= 4) continue;  // Inf x 0 and NaN rows
      EXPECT_EQ(y[row * n] & 0x7FFFFFFFu, 0u) << "zero column, row " << row;
    }
    if (!Int8()) {
      EXPECT_TRUE(IsNanBits(y[2 * n])) << "Inf x zero weights";
      EXPECT_TRUE(IsInfBits(y[2 * n + 2]) || IsNanBits(y[2 * n + 2])) << "Inf x large weights";
      for (int64_t col = 0; col < n; ++col) {
        EXPECT_TRUE(IsNanBits(y[3 * n + col])) << "NaN row, column " << col;
      }
      EXPECT_TRUE(IsNanBits(y[4 * n + 2])) << "Inf - Inf across units";
      // The subnormal row is not flushed: some output of it is nonzero and finite.
      EXPECT_TRUE(std::any_of(y.begin() + 5 * n + 1, y.begin() + 6 * n, [](uint32_t b) {
        return (b & 0x7FFFFFFFu) != 0 && !IsNanBits(b) && !IsInfBits(b);
      }));
    }
  }
}

// Reduction units far shorter than a group (2 and 3 elements of groups of 6), so that the unit
// spacing is set by the drain chain (2R - 1) or the side banks ((R + C) / 2) rather than by
// streaming, and a group's values go with several units: outputs and cycles must still match.
TEST_F(RtlBaselineCoreTest, ShortUnitsAtTheSpacingLimits) {
  WeightFormat wf = config_.weight_formats.front();
  wf.group_size = 6;
  uint64_t seed = BaseSeed() + 3000;
  for (int unit : {2, 3}) {
    for (LoopOrder order : {LoopOrder::kMOuter, LoopOrder::kNOuter}) {
      SCOPED_TRACE(::testing::Message() << "unit " << unit << " seed=" << seed);
      const int64_t m = 2 * config_.rows + 1;
      const int64_t k = 4 * 6;
      const int64_t n = 2 * config_.cols + 1;
      const Quantized q = Quantize(wf, RandomRealGemmOperands(m, k, n, seed++));
      Check(q.a, q.w, unit, order);
      if (HasFailure()) return;
    }
  }
}

// A controller that waits for memory starts units later than the schedule's uniform spacing: with
// random extra gaps the outputs stay bit-exact, and the run ends exactly when the model says for
// the starts it made (MixpeArray::CoreCyclesThroughTile of each tile's last unit).
TEST_F(RtlBaselineCoreTest, DelayedUnitStartsKeepOutputsExact) {
  const uint64_t seed = BaseSeed() + 4000;
  std::mt19937_64 rng(seed);
  std::cout << "[ seed ] delays seed=" << seed << "\n";
  const WeightFormat& wf = config_.weight_formats.back();
  const int64_t m = 2 * config_.rows + 1;
  const int64_t k = 3 * wf.group_size;
  const int64_t n = config_.cols + 2;
  const Quantized q = Quantize(wf, RandomRealGemmOperands(m, k, n, seed));
  const int unit = UnitOf(wf, k);
  const std::vector<uint32_t> expected = Golden(q.a, q.w, unit);
  const CoreOperands ops = PrepareBaselineCoreOperands(q.a, q.w, config_.design, Widths(), unit);
  const CoreSchedule schedule = TileCoreGemm(config_, "delayed", m, k, n, unit);

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
    ASSERT_EQ(run.outputs[i], expected[i]) << "y[" << i / n << "][" << i % n << "]";
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

// The INT8 column's integer sum is as wide as the accumulator, sized for K up to pe.max_k: a K
// four times max_k of the largest products overflows it, and the RTL's assertion says so (the
// PEs' sums of one unit do not overflow).
TEST_F(RtlBaselineCoreTest, IntegerSumBeyondMaxKTripsAnAssertion) {
  if (!Int8()) GTEST_SKIP() << "the FP16 column sums in FP32";
  const WeightFormat& wf = config_.weight_formats.front();
  const int64_t k = 4 * config_.max_k;
  RealGemmOperands real;
  real.m = 1;
  real.k = k;
  real.n = 1;
  // Every activation -1 (code -127), every weight its group's -max (code -7 at 4 bits, multiplier
  // 15): every product +127 * 105 > 2^13, so the sum exceeds 2^31 after 2^18 of them.
  real.activations.assign(static_cast<size_t>(k), -1.0);
  real.weights.assign(static_cast<size_t>(k), -1.0);
  const Quantized q = Quantize(wf, real);
  const int unit = UnitOf(wf, k);
  const CoreOperands ops = PrepareBaselineCoreOperands(q.a, q.w, config_.design, Widths(), unit);
  // The compiler refuses K beyond pe.max_k on this design; scheduled anyway, the RTL's own check
  // must catch the overflow.
  EXPECT_THROW(TileCoreGemm(config_, "too_long", 1, k, 1, unit), InputError);
  HardwareConfig unchecked = config_;
  unchecked.max_k = k;
  const CoreSchedule schedule = TileCoreGemm(unchecked, "too_long", 1, k, 1, unit);
  const CoreRunResult run = core_->Run(schedule, ops, 2 * CoreScheduleCycles(schedule) + 1000);
  EXPECT_NE(run.error.find("assertion"), std::string::npos) << run.error;
}

// Operands without the group values the design takes are refused by the driver, not simulated.
TEST_F(RtlBaselineCoreTest, MissingGroupValuesAreRefused) {
  const WeightFormat& wf = config_.weight_formats.front();
  const int64_t k = wf.group_size;
  const Quantized q = Quantize(wf, RandomRealGemmOperands(2, k, 2, BaseSeed()));
  const int unit = UnitOf(wf, k);
  CoreOperands ops = PrepareBaselineCoreOperands(q.a, q.w, config_.design, Widths(), unit);
  (Int8() ? ops.weight_multipliers : ops.weight_scale_fp16).clear();
  const CoreSchedule schedule = TileCoreGemm(config_, "missing", 2, k, 2, unit);
  const CoreRunResult run = core_->Run(schedule, ops, 100000);
  EXPECT_NE(run.error.find(Int8() ? "weight_multipliers" : "weight_scale_fp16"), std::string::npos)
      << run.error;
}

// PrepareBaselineCoreOperands gives each design what it takes and refuses what it does not run.
TEST_F(RtlBaselineCoreTest, OperandsFollowTheDesign) {
  const int64_t k = 64;
  const RealGemmOperands real = RandomRealGemmOperands(2, k, 3, BaseSeed() + 6000);
  const WeightFormat g32 = ParseWeightFormat("int4_g32");
  const BlockedTensor w = QuantizeWeights(g32, real.weights, k, 3);
  const BlockedTensor w_asym =
      QuantizeWeights(ParseWeightFormat("int4_g32_asym"), real.weights, k, 3);
  const BlockedTensor a8 =
      QuantizeActivations(ParseActivationFormat("int8_token"), real.activations, 2, k);
  const BlockedTensor a16 =
      QuantizeActivations(ParseActivationFormat("fp16"), real.activations, 2, k);
  CoreWidths w8;
  w8.activation_bits = 8;
  CoreWidths w16;
  w16.activation_bits = 16;

  const CoreOperands int8 = PrepareBaselineCoreOperands(a8, w, PeDesign::kInt8Mac, w8, 32);
  const TwoLevelWeights two_level = ToTwoLevelInt8(w);
  EXPECT_EQ(int8.design, PeDesign::kInt8Mac);
  ASSERT_EQ(int8.weight_multipliers.size(), 3u * 2u);
  EXPECT_TRUE(int8.weight_scale_fp16.empty());
  for (int64_t n = 0; n < 3; ++n) {
    for (int64_t u = 0; u < 2; ++u) {
      EXPECT_EQ(int8.weight_multipliers[n * 2 + u], two_level.multipliers[n * 2 + u]);
      EXPECT_EQ(int8.weight_scales[n * 2 + u].significand,
                static_cast<uint32_t>(two_level.expanded.scales[n].mantissa));
      EXPECT_EQ(int8.zero_points[n * 2 + u], 0);
    }
  }
  EXPECT_EQ(int8.weight_codes[5], w.codes[5]);  // 4-bit stored codes, as they are
  EXPECT_EQ(int8.activation_codes[7], a8.codes[7]);

  const CoreOperands fp16 = PrepareBaselineCoreOperands(a16, w_asym, PeDesign::kFp16Mac, w16, 32);
  EXPECT_EQ(fp16.design, PeDesign::kFp16Mac);
  EXPECT_TRUE(fp16.weight_multipliers.empty());
  ASSERT_EQ(fp16.weight_scale_fp16.size(), 3u * 2u);
  for (int64_t n = 0; n < 3; ++n) {
    for (int64_t u = 0; u < 2; ++u) {
      EXPECT_EQ(fp16.weight_scale_fp16[n * 2 + u], w_asym.scale_codes[n * 2 + u]);
      EXPECT_EQ(fp16.zero_points[n * 2 + u], w_asym.zero_points[n * 2 + u]);
    }
  }
  EXPECT_EQ(fp16.activation_codes[9], a16.codes[9]);  // not aligned
  EXPECT_EQ(fp16.row_scale_bits[1], Bits(1.0f));

  EXPECT_THROW(PrepareBaselineCoreOperands(a8, w_asym, PeDesign::kInt8Mac, w8, 32), InputError);
  EXPECT_THROW(PrepareBaselineCoreOperands(a16, w, PeDesign::kInt8Mac, w8, 32), InputError);
  EXPECT_THROW(PrepareBaselineCoreOperands(a8, w, PeDesign::kFp16Mac, w16, 32), InputError);
  EXPECT_THROW(PrepareBaselineCoreOperands(a8, w, PeDesign::kMixpe, w8, 32), InputError);
  EXPECT_THROW(PrepareBaselineCoreOperands(a8, w, PeDesign::kInt8Mac, w8, 64), InputError)
      << "a unit across two groups";
  EXPECT_THROW(PrepareBaselineCoreOperands(a16, w, PeDesign::kFp16Mac, w8, 32), InputError)
      << "8-bit activations for FP16";
}

}  // namespace
}  // namespace mixpe
