// RTL tests of a whole mixpe_array built from a hardware YAML (MIXPE_TEST_CONFIG): random GEMMs
// of awkward shapes, tiled over the array, must match the golden model bit for bit and take
// exactly the golden model's closed-form cycle count. Seeds are printed; set MIXPE_TEST_SEED to
// replay one.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <random>

#include MIXPE_ARRAY_HEADER
#include "compiler/gemm_schedule.h"
#include "model/hardware_config.h"
#include "model/mixpe_array.h"
#include "rtl_params.h"
#include "sim/verilated_array.h"

namespace mixpe {
namespace {

using ArrayModel = MIXPE_ARRAY_CLASS;

uint64_t BaseSeed() {
  const char* env = std::getenv("MIXPE_TEST_SEED");
  return env != nullptr ? std::strtoull(env, nullptr, 0) : 0xA11A7u;
}

class RtlArrayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_ = LoadHardwareConfig(MIXPE_TEST_CONFIG);
    ASSERT_EQ(config_.rows, rtl_params::kRows);
    ASSERT_EQ(config_.cols, rtl_params::kCols);
    ASSERT_EQ(config_.weight_bits, rtl_params::kWeightBits);
    array_ = std::make_unique<VerilatedArray<ArrayModel>>(config_.rows, config_.cols,
                                                          config_.accumulator_bits);
  }

  // Runs one GEMM through the RTL and checks outputs and cycles against the golden model.
  void CheckGemm(const GemmOperands& ops) {
    const MixpeArray golden(config_);
    const GemmSchedule schedule = TileGemm(config_, "test", ops.m, ops.k, ops.n);
    const GemmCycleEstimate est = golden.Cycles(ops.m, ops.k, ops.n);
    const ArrayRunResult run = array_->Run(schedule, ops, 2 * est.cycles + 1000);
    ASSERT_EQ(run.error, "");
    const std::vector<int64_t> expected = golden.Gemm(ops);
    for (size_t i = 0; i < expected.size(); ++i) {
      ASSERT_EQ(run.outputs[i], expected[i]) << "y[" << i / ops.n << "][" << i % ops.n << "]";
    }
    EXPECT_EQ(run.cycles, est.cycles);
  }

  void CheckRandomGemm(int64_t m, int64_t k, int64_t n, uint64_t seed) {
    SCOPED_TRACE(::testing::Message() << "M=" << m << " K=" << k << " N=" << n << " seed=" << seed);
    std::cout << "[ seed ] M=" << m << " K=" << k << " N=" << n << " seed=" << seed << "\n";
    CheckGemm(RandomGemmOperands(m, k, n, config_.activation_bits, config_.weight_bits, seed));
  }

  HardwareConfig config_;
  std::unique_ptr<VerilatedArray<ArrayModel>> array_;
};

TEST_F(RtlArrayTest, AwkwardShapes) {
  const int64_t r = config_.rows;
  const int64_t c = config_.cols;
  const int64_t kmax = std::min<int64_t>(config_.max_k, 1000);
  // {M, K, N}: single element; exactly one tile; one more than a tile in every dimension;
  // K just below and at the drain spacing 2R-1; GEMV; several partial tiles; a long reduction.
  const std::vector<std::array<int64_t, 3>> shapes = {{1, 1, 1},
                                                      {r, 1, c},
                                                      {r, 16, c},
                                                      {r + 1, 17, c + 1},
                                                      {r, std::max<int64_t>(1, 2 * r - 2), 2 * c},
                                                      {2 * r, 2 * r - 1, c},
                                                      {1, 64, 3 * c + 1},
                                                      {3 * r + 2, 37, 2 * c + 3},
                                                      {r - 1 + (r == 1), kmax, c},
                                                      {5, 3, 7}};
  uint64_t seed = BaseSeed();
  for (const auto& s : shapes) CheckRandomGemm(s[0], s[1], s[2], seed++);
}

TEST_F(RtlArrayTest, RandomShapes) {
  uint64_t seed = BaseSeed() + 1000;
  std::mt19937_64 rng(seed);
  std::cout << "[ seed ] shape generator seed=" << seed << "\n";
  for (int i = 0; i < 40; ++i) {
    const int64_t m = 1 + static_cast<int64_t>(rng() % (3 * config_.rows));
    const int64_t k = 1 + static_cast<int64_t>(rng() % std::min<int64_t>(config_.max_k, 200));
    const int64_t n = 1 + static_cast<int64_t>(rng() % (3 * config_.cols));
    CheckRandomGemm(m, k, n, seed + 1 + i);
  }
}

// The extreme operands for the whole reduction the config allows: every sum is the largest
// positive (or negative) value the accumulator must hold.
TEST_F(RtlArrayTest, WorstCaseOperandsAtMaxK) {
  const int64_t k = std::min<int64_t>(config_.max_k, 4096);
  GemmOperands ops = RandomGemmOperands(config_.rows, k, config_.cols, config_.activation_bits,
                                        config_.weight_bits, 1);
  const int8_t most_negative_weight = static_cast<int8_t>(-(1 << (config_.weight_bits - 1)));
  std::fill(ops.weights.begin(), ops.weights.end(), most_negative_weight);
  // Rows alternate: even rows all -128 (sum = +k * 128 * 2^(W-1)), odd rows all 127.
  for (int64_t row = 0; row < ops.m; ++row) {
    for (int64_t kk = 0; kk < k; ++kk) ops.activations[row * k + kk] = row % 2 == 0 ? -128 : 127;
  }
  CheckGemm(ops);
}

// Tiles started closer than 2R-1 cycles apart with an even spacing make a result collide with
// one still draining: the RTL's assertion must catch it (this is why TileGemm spaces tiles).
TEST_F(RtlArrayTest, TooCloseTilesTripTheDrainAssertion) {
  if (config_.rows < 2) GTEST_SKIP() << "a one-row array cannot collide";
  GemmSchedule schedule = TileGemm(config_, "collide", config_.rows, 2, 2 * config_.cols);
  schedule.tile_interval = 2;
  for (size_t t = 0; t < schedule.tiles.size(); ++t) schedule.tiles[t].start_cycle = 2 * t;
  const GemmOperands ops = RandomGemmOperands(config_.rows, 2, 2 * config_.cols,
                                              config_.activation_bits, config_.weight_bits, 3);
  const ArrayRunResult run = array_->Run(schedule, ops, 1000);
  EXPECT_NE(run.error.find("assertion"), std::string::npos) << run.error;
}

// One array object runs many GEMMs: a second identical run gives identical outputs and cycles.
TEST_F(RtlArrayTest, RunsAreIndependent) {
  CheckRandomGemm(config_.rows, 5, config_.cols, BaseSeed() + 7);
  CheckRandomGemm(config_.rows, 5, config_.cols, BaseSeed() + 7);
}

}  // namespace
}  // namespace mixpe
