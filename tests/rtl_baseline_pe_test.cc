// RTL tests of one baseline mixpe_pe, built with explicit parameters (tests/CMakeLists.txt,
// "Baseline PEs"): the multiplier PE (PeKind 1) against MixpePe, whose arithmetic it shares, and
// the FP16 MAC PE (PeKind 2) against MixpeFp16MacPe (model/baseline_pe.h): products, reductions,
// IEEE special values, the drain tags, and the SystemVerilog assertions on protocol violations.
// Each build compiles the tests of its kind. Random tests print their seed; MIXPE_TEST_SEED replays
// one.
#include <gtest/gtest.h>
#include <verilated.h>

#include <cstdlib>
#include <iomanip>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include MIXPE_PE_HEADER
#include "model/baseline_pe.h"
#include "model/mixpe_pe.h"

namespace mixpe {
namespace {

using PeModel = MIXPE_PE_CLASS;
constexpr int kPeKind = MIXPE_PE_KIND;  // 1 multiplier, 2 FP16 MAC
constexpr int kActBits = MIXPE_ACT_BITS;
constexpr int kWeightBits = MIXPE_WEIGHT_BITS;
constexpr int kAccBits = MIXPE_ACC_BITS;

uint64_t Seed(uint64_t fallback) {
  const char* env = std::getenv("MIXPE_TEST_SEED");
  const uint64_t seed = env != nullptr && *env != '\0' ? std::strtoull(env, nullptr, 0) : fallback;
  std::cout << "[ seed ] " << seed << "\n";
  return seed;
}

class RtlBaselinePeTest : public ::testing::Test {
 protected:
  void SetUp() override {
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

  // The drained result: a signed integer (PeKind 1) or FP32 bits (PeKind 2).
  int64_t DrainValue() const {
    const int shift = 64 - kAccBits;
    return static_cast<int64_t>(static_cast<uint64_t>(pe_->drain_data_o) << shift) >> shift;
  }
  uint32_t DrainBits() const { return static_cast<uint32_t>(pe_->drain_data_o); }

  static MixpePe IntGolden() { return MixpePe(kActBits, kWeightBits, kAccBits); }

  std::unique_ptr<VerilatedContext> context_;
  std::unique_ptr<PeModel> pe_;
};

// ---------------------------------------------------------------------------------------------
// Multiplier PE (PeKind 1)
#if MIXPE_PE_KIND == 1

TEST_F(RtlBaselinePeTest, MultiplierEveryActivationTimesEveryWeight) {
  const MixpePe golden = IntGolden();
  int64_t checked = 0;
  for (uint32_t a = 0; a < (1u << kActBits); ++a) {
    for (uint32_t w = 0; w < (1u << kWeightBits); ++w) {
      Mac(a, w, /*first=*/true, /*last=*/true);
      ASSERT_TRUE(pe_->drain_valid_o);
      ASSERT_EQ(DrainValue(), golden.Product(a, w)) << "act code " << a << ", weight code " << w;
      // The operands move on unchanged to the east and south neighbours.
      ASSERT_TRUE(pe_->act_valid_o && pe_->wgt_valid_o);
      ASSERT_EQ(pe_->act_o, a);
      ASSERT_EQ(pe_->wgt_o, w);
      ++checked;
    }
  }
  EXPECT_EQ(checked, int64_t{1} << (kActBits + kWeightBits));
  EXPECT_FALSE(context_->gotError());
}

#if MIXPE_FP4_WEIGHTS
TEST_F(RtlBaselinePeTest, MultiplierEveryActivationTimesEveryFp4Code) {
  const MixpePe golden = IntGolden();
  pe_->wgt_fp4_i = 1;
  for (uint32_t a = 0; a < (1u << kActBits); ++a) {
    for (uint32_t w = 0; w < 16; ++w) {
      Mac(a, w, /*first=*/true, /*last=*/true);
      ASSERT_EQ(DrainValue(), golden.Product(a, w, /*fp4=*/true))
          << "act code " << a << ", E2M1 code " << w;
    }
  }
  EXPECT_FALSE(context_->gotError());
}
#endif  // MIXPE_FP4_WEIGHTS

TEST_F(RtlBaselinePeTest, MultiplierRandomReductions) {
  std::mt19937_64 rng(Seed(0xB45E1 + kWeightBits));
  const MixpePe golden = IntGolden();
  for (int reduction = 0; reduction < 300; ++reduction) {
    const int length = 1 + static_cast<int>(rng() % 300);
    int64_t expected = 0;
    for (int i = 0; i < length; ++i) {
      const uint32_t a = static_cast<uint32_t>(rng()) & ((1u << kActBits) - 1);
      const uint32_t w = static_cast<uint32_t>(rng()) & ((1u << kWeightBits) - 1);
      expected = golden.Mac(expected, i == 0, a, w);
      Mac(a, w, i == 0, i == length - 1);
      ASSERT_EQ(static_cast<bool>(pe_->drain_valid_o), i == length - 1);
    }
    ASSERT_EQ(DrainValue(), expected) << "reduction " << reduction << " of length " << length;
  }
  EXPECT_FALSE(context_->gotError());
}

// The largest products (most negative times most negative) as many times as the accumulator holds
// them, then one more: the overflow assertion must fire exactly then.
TEST_F(RtlBaselinePeTest, MultiplierOverflowAssertionFiresJustPastTheAccumulatorRange) {
  const int64_t largest = (int64_t{1} << (kActBits - 1)) * (int64_t{1} << (kWeightBits - 1));
  const int64_t fits = ((int64_t{1} << (kAccBits - 1)) - 1) / largest;
  ASSERT_LE(fits, int64_t{1} << 22) << "this build's accumulator is too wide for the test";
  const uint32_t most_negative_act = 1u << (kActBits - 1);
  const uint32_t most_negative_weight = 1u << (kWeightBits - 1);
  for (int64_t i = 0; i < fits; ++i) {
    Mac(most_negative_act, most_negative_weight, i == 0, i == fits - 1);
  }
  EXPECT_EQ(DrainValue(), fits * largest);
  EXPECT_FALSE(context_->gotError());
  for (int64_t i = 0; i <= fits; ++i) {
    Mac(most_negative_act, most_negative_weight, i == 0, i == fits);
  }
  EXPECT_TRUE(context_->gotError());
}

#endif  // MIXPE_PE_KIND == 1

// ---------------------------------------------------------------------------------------------
// FP16 MAC PE (PeKind 2)
#if MIXPE_PE_KIND == 2

std::string Hex(uint64_t bits) {
  std::ostringstream out;
  out << "0x" << std::hex << std::uppercase << bits;
  return out.str();
}

// FP16 patterns of every kind: zeros, subnormals, normals at the binade edges, the largest finite
// value, Inf and NaNs, in both signs.
std::vector<uint16_t> Fp16Specials() {
  std::vector<uint16_t> codes;
  for (uint16_t sign : {uint16_t{0}, uint16_t{0x8000}}) {
    for (uint16_t magnitude :
         {0x0000, 0x0001, 0x0155, 0x03FF, 0x0400, 0x0401, 0x07FF, 0x1400, 0x2E66, 0x3BFF,
          0x3C00, 0x3C01, 0x3FFF, 0x5A5A, 0x7800, 0x7BFF, 0x7C00, 0x7C01, 0x7E00, 0x7FFF}) {
      codes.push_back(static_cast<uint16_t>(sign | magnitude));
    }
  }
  return codes;
}

// Every FP16 activation times every special weight pattern, one-element reductions: the result is
// +0.0 + a * w, exact, so the product itself (but a -0 product gives +0).
TEST_F(RtlBaselinePeTest, Fp16EveryActivationTimesSpecialWeights) {
  const std::vector<uint16_t> weights = Fp16Specials();
  for (uint32_t a = 0; a < 0x10000; ++a) {
    for (uint16_t w : weights) {
      Mac(a, w, /*first=*/true, /*last=*/true);
      ASSERT_TRUE(pe_->drain_valid_o);
      ASSERT_EQ(DrainBits(), MixpeFp16MacPe::Mac(0, true, static_cast<uint16_t>(a), w))
          << Hex(a) << " * " << Hex(w);
      ASSERT_EQ(pe_->act_o, a);
      ASSERT_EQ(pe_->wgt_o, w);
    }
  }
  EXPECT_FALSE(context_->gotError());
}

TEST_F(RtlBaselinePeTest, Fp16HandComputedReductions) {
  auto run = [&](const std::vector<uint16_t>& acts, const std::vector<uint16_t>& weights) {
    for (size_t i = 0; i < acts.size(); ++i) {
      Mac(acts[i], weights[i], i == 0, i + 1 == acts.size());
    }
    EXPECT_TRUE(pe_->drain_valid_o);
    return DrainBits();
  };
  // 1*1 + 2*3 + (-0.5)*4 = 5
  EXPECT_EQ(run({0x3C00, 0x4000, 0xB800}, {0x3C00, 0x4200, 0x4400}), 0x40A00000u);
  // Rounded once per element: 2^24 + 1 + 1 gives 2^24 (two ties to even).
  EXPECT_EQ(run({0x6800, 0x6800, 0x6800, 0x6800, 0x3C00, 0x3C00},
                {0x6800, 0x6800, 0x6800, 0x6800, 0x3C00, 0x3C00}),
            0x4B800000u);
  // Inf - Inf, then Inf * 0: the quiet NaN.
  EXPECT_EQ(run({0x7C00, 0xFC00}, {0x3C00, 0x3C00}), kFp32QuietNan);
  EXPECT_EQ(run({0x3C00, 0x7C00}, {0x3C00, 0x8000}), kFp32QuietNan);
  // After a NaN, the next reduction restarts from +0.0: a lone -0 product gives +0.
  EXPECT_EQ(run({0x8000}, {0x3C00}), 0x00000000u);
  // -Inf stays through finite products; a NaN operand wins over it.
  EXPECT_EQ(run({0x3C00, 0xFC00, 0x7BFF}, {0x3C00, 0x3C00, 0x7BFF}), 0xFF800000u);
  EXPECT_EQ(run({0xFC00, 0x7E01}, {0x3C00, 0x3C00}), kFp32QuietNan);
  // Subnormal products are FP32 normals: 2^-24 * 2^-24 = 2^-48.
  EXPECT_EQ(run({0x0001}, {0x0001}), 0x27800000u);
  EXPECT_FALSE(context_->gotError());
}

// Random reductions (a fifth of the elements special patterns) against the golden model.
TEST_F(RtlBaselinePeTest, Fp16RandomReductions) {
  std::mt19937_64 rng(Seed(0xB45E2));
  const std::vector<uint16_t> specials = Fp16Specials();
  auto draw = [&](bool with_specials) -> uint16_t {
    if (with_specials && rng() % 5 == 0) return specials[rng() % specials.size()];
    return static_cast<uint16_t>((rng() & 0x8000) | (5 + rng() % 20) << 10 | (rng() & 0x3FF));
  };
  for (int reduction = 0; reduction < 3000; ++reduction) {
    const bool with_specials = reduction % 4 == 3;
    const int length = 1 + static_cast<int>(rng() % 200);
    uint32_t expected = 0;
    for (int i = 0; i < length; ++i) {
      const uint16_t a = draw(with_specials);
      const uint16_t w = draw(with_specials);
      expected = MixpeFp16MacPe::Mac(expected, i == 0, a, w);
      Mac(a, w, i == 0, i == length - 1);
      ASSERT_EQ(static_cast<bool>(pe_->drain_valid_o), i == length - 1);
    }
    ASSERT_EQ(DrainBits(), expected) << "reduction " << reduction << " of length " << length;
  }
  EXPECT_FALSE(context_->gotError());
}

#endif  // MIXPE_PE_KIND == 2

// ---------------------------------------------------------------------------------------------
// Both kinds: the stream protocol, tags and assertions of mixpe_pe.

// An element with no weight (or no activation) is not a MAC: the sum is unchanged.
// An activation alone between reductions (an edge tile's unused column) adds nothing; inside an
// open reduction it trips an assertion (RtlPeTest).
TEST_F(RtlBaselinePeTest, AMacNeedsBothOperands) {
  const uint32_t one_act = kPeKind == 2 ? 0x3C00 : 1;
  const uint32_t two_wgt = kPeKind == 2 ? 0x4000 : 2;
  pe_->act_valid_i = 1;
  pe_->wgt_valid_i = 0;
  pe_->act_first_i = 1;
  pe_->act_last_i = 1;
  pe_->act_i = one_act;
  Clock();  // an activation alone
  EXPECT_FALSE(pe_->drain_valid_o);
  Mac(one_act, two_wgt, /*first=*/true, /*last=*/false);
  Mac(one_act, two_wgt, /*first=*/false, /*last=*/true);
  ASSERT_TRUE(pe_->drain_valid_o);
  if (kPeKind == 2) {
    EXPECT_EQ(DrainBits(), 0x40800000u);  // 2 + 2
  } else {
    EXPECT_EQ(DrainValue(), 4);
  }
  EXPECT_FALSE(context_->gotError());
}

TEST_F(RtlBaselinePeTest, ResultsCarryTheirBankBit) {
  for (uint32_t bank = 0; bank < 2; ++bank) {
    pe_->act_bank_i = bank;
    Mac(1, 1, /*first=*/true, /*last=*/true);
    ASSERT_TRUE(pe_->drain_valid_o);
    EXPECT_EQ(pe_->drain_bank_o, bank);
    EXPECT_EQ(pe_->drain_row_o, 0u);  // a PE built alone is row 0
  }
}

TEST_F(RtlBaselinePeTest, DrainChainPassesResultsNorth) {
  pe_->drain_valid_i = 1;
  pe_->drain_data_i = 0x40490FDBu;
  pe_->drain_bank_i = 1;
  Clock();
  EXPECT_TRUE(pe_->drain_valid_o);
  EXPECT_EQ(DrainBits(), 0x40490FDBu);
  EXPECT_EQ(pe_->drain_bank_o, 1u);
  pe_->drain_valid_i = 0;
  Clock();
  EXPECT_FALSE(pe_->drain_valid_o);
}

TEST_F(RtlBaselinePeTest, AssertionFiresOnAReductionWithoutAFirstElement) {
  Mac(1, 1, /*first=*/false, /*last=*/true);
  EXPECT_TRUE(context_->gotError());
}

TEST_F(RtlBaselinePeTest, AssertionFiresOnADrainCollision) {
  pe_->drain_valid_i = 1;
  pe_->drain_data_i = 5;
  Mac(1, 1, /*first=*/true, /*last=*/true);
  EXPECT_TRUE(context_->gotError());
}

#if !MIXPE_FP4_WEIGHTS
TEST_F(RtlBaselinePeTest, Fp4ModeOnAPeBuiltWithoutItTripsAnAssertion) {
  pe_->wgt_fp4_i = 1;
  Mac(1, 1, /*first=*/true, /*last=*/true);
  EXPECT_TRUE(context_->gotError());
}
#endif  // !MIXPE_FP4_WEIGHTS

}  // namespace
}  // namespace mixpe
