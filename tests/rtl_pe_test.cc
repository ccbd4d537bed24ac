// RTL tests of one mixpe_pe, built from a hardware YAML (MIXPE_TEST_CONFIG): every activation
// code times every weight code against the golden model, accumulation at the configured limits,
// and the SystemVerilog assertions firing on protocol violations and overflow.
#include <gtest/gtest.h>
#include <verilated.h>

#include <memory>
#include <random>

#include MIXPE_PE_HEADER
#include "model/hardware_config.h"
#include "model/mixpe_pe.h"
#include "rtl_params.h"

namespace mixpe {
namespace {

using PeModel = MIXPE_PE_CLASS;

class RtlPeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_ = LoadHardwareConfig(MIXPE_TEST_CONFIG);
    ASSERT_EQ(config_.weight_bits, rtl_params::kWeightBits);
    ASSERT_EQ(config_.accumulator_bits, rtl_params::kAccBits);
    context_ = std::make_unique<VerilatedContext>();
    context_->fatalOnError(false);
    pe_ = std::make_unique<PeModel>(context_.get(), "pe");
    pe_->act_valid_i = 0;
    pe_->wgt_valid_i = 0;
    pe_->drain_valid_i = 0;
    pe_->wgt_fp4_i = 0;
    pe_->act_bank_i = 0;
    pe_->rst_ni = 0;
    Clock();
    pe_->rst_ni = 1;
  }
  void TearDown() override { pe_->final(); }

  void Clock() {
    pe_->clk_i = 0;
    pe_->eval();
    pe_->clk_i = 1;
    pe_->eval();
  }

  // Presents one (activation, weight) pair and clocks the PE once.
  void Mac(uint32_t act_code, uint32_t weight_code, bool first, bool last) {
    pe_->act_valid_i = 1;
    pe_->wgt_valid_i = 1;
    pe_->act_first_i = first;
    pe_->act_last_i = last;
    pe_->act_i = act_code;
    pe_->wgt_i = weight_code;
    Clock();
  }

  int64_t DrainValue() const {
    const int shift = 64 - config_.accumulator_bits;
    return static_cast<int64_t>(static_cast<uint64_t>(pe_->drain_data_o) << shift) >> shift;
  }

  MixpePe Golden() const {
    return MixpePe(config_.activation_bits, config_.weight_bits, config_.accumulator_bits);
  }

  HardwareConfig config_;
  std::unique_ptr<VerilatedContext> context_;
  std::unique_ptr<PeModel> pe_;
};

TEST_F(RtlPeTest, EveryActivationTimesEveryWeightMatchesTheGoldenModel) {
  const MixpePe golden = Golden();
  const uint32_t act_codes = 1u << config_.activation_bits;
  const uint32_t weight_codes = 1u << config_.weight_bits;
  int64_t checked = 0;
  for (uint32_t a = 0; a < act_codes; ++a) {
    for (uint32_t w = 0; w < weight_codes; ++w) {
      Mac(a, w, /*first=*/true, /*last=*/true);
      ASSERT_TRUE(pe_->drain_valid_o) << "a=" << a << " w=" << w;
      ASSERT_EQ(DrainValue(), golden.Product(a, w)) << "act code " << a << ", weight code " << w;
      // The operands move on unchanged to the east and south neighbours.
      ASSERT_TRUE(pe_->act_valid_o && pe_->wgt_valid_o);
      ASSERT_EQ(pe_->act_o, a);
      ASSERT_EQ(pe_->wgt_o, w);
      ++checked;
    }
  }
  EXPECT_EQ(checked, int64_t{act_codes} * weight_codes);
  EXPECT_FALSE(context_->gotError());
}

// FP4 mode (MXFP4, NVFP4 weights): every activation code times every E2M1 code.
TEST_F(RtlPeTest, EveryActivationTimesEveryFp4CodeMatchesTheGoldenModel) {
  if (!rtl_params::kFp4Weights) GTEST_SKIP() << "the config lists no FP4 weight format";
  const MixpePe golden = Golden();
  pe_->wgt_fp4_i = 1;
  const uint32_t act_codes = 1u << config_.activation_bits;
  for (uint32_t a = 0; a < act_codes; ++a) {
    for (uint32_t w = 0; w < 16; ++w) {
      Mac(a, w, /*first=*/true, /*last=*/true);
      ASSERT_TRUE(pe_->drain_valid_o);
      ASSERT_EQ(DrainValue(), golden.Product(a, w, /*fp4=*/true))
          << "act code " << a << ", E2M1 code " << w;
    }
  }
  EXPECT_FALSE(context_->gotError());
}

// A PE built without the FP4 mode (no E2M1 format in the config) must not be used in it.
TEST_F(RtlPeTest, Fp4ModeOnAPeBuiltWithoutItTripsAnAssertion) {
  if (rtl_params::kFp4Weights) GTEST_SKIP() << "this PE has the FP4 mode";
  pe_->wgt_fp4_i = 1;
  Mac(1, 1, /*first=*/true, /*last=*/true);
  EXPECT_TRUE(context_->gotError());
}

// The drain tag: each result leaves with the bank bit of its reduction and the PE's row.
TEST_F(RtlPeTest, ResultsCarryTheirBankBit) {
  for (uint32_t bank = 0; bank < 2; ++bank) {
    pe_->act_bank_i = bank;
    Mac(1, 1, /*first=*/true, /*last=*/true);
    ASSERT_TRUE(pe_->drain_valid_o);
    EXPECT_EQ(pe_->drain_bank_o, bank);
    EXPECT_EQ(pe_->drain_row_o, 0u);  // a PE built alone is row 0
  }
  pe_->act_bank_i = 0;
}

TEST_F(RtlPeTest, RandomReductionsMatchTheGoldenModel) {
  const uint64_t seed = 0x5eed0000u + config_.weight_bits;
  std::cout << "[ seed ] " << seed << "\n";
  std::mt19937_64 rng(seed);
  const MixpePe golden = Golden();
  for (int reduction = 0; reduction < 200; ++reduction) {
    const int length = 1 + static_cast<int>(rng() % 300);
    int64_t expected = 0;
    for (int i = 0; i < length; ++i) {
      const uint32_t a = static_cast<uint32_t>(rng()) & ((1u << config_.activation_bits) - 1);
      const uint32_t w = static_cast<uint32_t>(rng()) & ((1u << config_.weight_bits) - 1);
      expected = golden.Mac(expected, i == 0, a, w);
      Mac(a, w, i == 0, i == length - 1);
      ASSERT_EQ(static_cast<bool>(pe_->drain_valid_o), i == length - 1);
    }
    ASSERT_EQ(DrainValue(), expected) << "reduction " << reduction << " of length " << length;
  }
  EXPECT_FALSE(context_->gotError());
}

// The largest products, max_k times, in both signs: the configured accumulator holds them exactly.
TEST_F(RtlPeTest, AccumulatorHoldsMaxKWorstCaseProducts) {
  const uint32_t most_negative_act = 1u << (config_.activation_bits - 1);
  const uint32_t most_negative_weight = 1u << (config_.weight_bits - 1);
  const int64_t largest =
      (int64_t{1} << (config_.activation_bits - 1)) * (int64_t{1} << (config_.weight_bits - 1));
  for (int64_t i = 0; i < config_.max_k; ++i) {
    Mac(most_negative_act, most_negative_weight, i == 0, i == config_.max_k - 1);
  }
  EXPECT_EQ(DrainValue(), config_.max_k * largest);
  const int64_t most_negative_product = ((int64_t{1} << (config_.activation_bits - 1)) - 1) *
                                        -(int64_t{1} << (config_.weight_bits - 1));
  for (int64_t i = 0; i < config_.max_k; ++i) {
    Mac(most_negative_act - 1, most_negative_weight, i == 0, i == config_.max_k - 1);
  }
  EXPECT_EQ(DrainValue(), config_.max_k * most_negative_product);
  EXPECT_FALSE(context_->gotError());
}

// Where the config's accumulator is the narrowest that fits max_k, one reduction of worst-case
// products just past the point where the sum leaves that range must trip the overflow assertion.
TEST_F(RtlPeTest, OverflowAssertionFiresJustPastTheAccumulatorRange) {
  const int64_t largest =
      (int64_t{1} << (config_.activation_bits - 1)) * (int64_t{1} << (config_.weight_bits - 1));
  const int64_t acc_max = (int64_t{1} << (config_.accumulator_bits - 1)) - 1;
  const int64_t fits = acc_max / largest;  // this many products still fit
  if (fits > (int64_t{1} << 22)) GTEST_SKIP() << "accumulator far wider than needed";
  const uint32_t most_negative_act = 1u << (config_.activation_bits - 1);
  const uint32_t most_negative_weight = 1u << (config_.weight_bits - 1);
  for (int64_t i = 0; i < fits; ++i) Mac(most_negative_act, most_negative_weight, i == 0, false);
  EXPECT_FALSE(context_->gotError());
  Mac(most_negative_act, most_negative_weight, false, true);
  EXPECT_TRUE(context_->gotError());
}

TEST_F(RtlPeTest, AssertionFiresOnAReductionWithoutAFirstElement) {
  Mac(1, 1, /*first=*/false, /*last=*/true);
  EXPECT_TRUE(context_->gotError());
}

// Once a reduction is open, an element missing from either stream would drop out of the sum.
TEST_F(RtlPeTest, AssertionFiresOnAnActivationWithoutItsWeightInAnOpenReduction) {
  Mac(1, 1, /*first=*/true, /*last=*/false);
  pe_->wgt_valid_i = 0;
  pe_->act_first_i = 0;
  Clock();
  EXPECT_TRUE(context_->gotError());
}

TEST_F(RtlPeTest, AssertionFiresOnAWeightWithoutItsActivationInAnOpenReduction) {
  Mac(1, 1, /*first=*/true, /*last=*/false);
  pe_->act_valid_i = 0;
  Clock();
  EXPECT_TRUE(context_->gotError());
}

// Between reductions either stream may pass alone (an edge tile's unused columns see activations
// only), and a gap in both streams inside a reduction is a stall, not a loss.
TEST_F(RtlPeTest, LoneStreamsBetweenReductionsAndJointGapsAreAccepted) {
  pe_->act_valid_i = 1;
  pe_->act_first_i = 1;
  pe_->act_last_i = 1;
  Clock();
  Mac(1, 1, /*first=*/true, /*last=*/false);
  pe_->act_valid_i = 0;
  pe_->wgt_valid_i = 0;
  Clock();
  Mac(1, 1, /*first=*/false, /*last=*/true);
  pe_->act_valid_i = 0;
  pe_->wgt_valid_i = 1;
  Clock();
  EXPECT_FALSE(context_->gotError());
}

TEST_F(RtlPeTest, AssertionFiresOnADrainCollision) {
  pe_->drain_valid_i = 1;
  pe_->drain_data_i = 5;
  Mac(1, 1, /*first=*/true, /*last=*/true);
  EXPECT_TRUE(context_->gotError());
}

TEST_F(RtlPeTest, DrainChainPassesResultsNorth) {
  pe_->drain_valid_i = 1;
  pe_->drain_data_i = 12345;
  Clock();
  EXPECT_TRUE(pe_->drain_valid_o);
  EXPECT_EQ(DrainValue(), 12345);
  pe_->drain_valid_i = 0;
  Clock();
  EXPECT_FALSE(pe_->drain_valid_o);
}

}  // namespace
}  // namespace mixpe
