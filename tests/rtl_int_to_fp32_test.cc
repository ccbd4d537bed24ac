// RTL tests of mixpe_int_to_fp32 (ValueBits 40, ExpBits 10): rne_fp32(value * 2^exp) against
// the golden model's rounding (model/minifloat.h RoundScaledToFloat, itself checked against the
// host's IEEE conversions), on hand-picked edge cases and millions of random inputs.
#include <gtest/gtest.h>
#include <verilated.h>

#include <cstdlib>
#include <memory>
#include <random>

#include "Vint_to_fp32_unit.h"
#include "model/minifloat.h"

namespace mixpe {
namespace {

constexpr int kValueBits = 40;
constexpr int kExpBits = 10;

class RtlIntToFp32Test : public ::testing::Test {
 protected:
  void SetUp() override {
    context_ = std::make_unique<VerilatedContext>();
    unit_ = std::make_unique<Vint_to_fp32_unit>(context_.get(), "unit");
  }
  void TearDown() override { unit_->final(); }

  uint32_t Rtl(int64_t value, int exponent) {
    unit_->value_i = static_cast<uint64_t>(value) & ((uint64_t{1} << kValueBits) - 1);
    unit_->exp_i = static_cast<uint16_t>(exponent) & ((1u << kExpBits) - 1);
    unit_->eval();
    return unit_->fp32_o;
  }

  static uint32_t Golden(int64_t value, int exponent) {
    return RoundScaledToFloat(kFp32, value, exponent, Overflow::kInfinity);
  }

  void Check(int64_t value, int exponent) {
    ASSERT_EQ(Rtl(value, exponent), Golden(value, exponent))
        << "value " << value << " * 2^" << exponent;
  }

  std::unique_ptr<VerilatedContext> context_;
  std::unique_ptr<Vint_to_fp32_unit> unit_;
};

TEST_F(RtlIntToFp32Test, HandPickedValues) {
  EXPECT_EQ(Rtl(0, 0), 0x00000000u);  // zero is +0
  EXPECT_EQ(Rtl(0, -300), 0u);
  EXPECT_EQ(Rtl(1, 0), 0x3F800000u);                         // 1.0
  EXPECT_EQ(Rtl(-3, -1), 0xBFC00000u);                       // -1.5
  EXPECT_EQ(Rtl(1, -149), 0x00000001u);                      // smallest subnormal
  EXPECT_EQ(Rtl(1, -150), 0x00000000u);                      // half of it: tie to even, 0
  EXPECT_EQ(Rtl(3, -151), 0x00000001u);                      // 0.75 of it rounds up
  EXPECT_EQ(Rtl((1 << 23) - 1, -149), 0x007FFFFFu);          // largest subnormal
  EXPECT_EQ(Rtl(1 << 23, -149), 0x00800000u);                // smallest normal
  EXPECT_EQ(Rtl((1 << 24) + 1, 0), 0x4B800000u);             // 2^24 + 1: tie to even, 2^24
  EXPECT_EQ(Rtl((1 << 24) + 3, 0), 0x4B800002u);             // 2^24 + 3: tie to even, 2^24 + 4
  EXPECT_EQ(Rtl((int64_t{1} << 25) - 1, 0), 0x4C000000u);    // carry into the next binade
  EXPECT_EQ(Rtl(1, 127), 0x7F000000u);                       // 2^127
  EXPECT_EQ(Rtl(1, 128), 0x7F800000u);                       // overflow: +Inf
  EXPECT_EQ(Rtl(-1, 200), 0xFF800000u);                      // -Inf
  EXPECT_EQ(Rtl((int64_t{1} << 24) - 1, 104), 0x7F7FFFFFu);  // the largest finite
  const int64_t most_negative = -(int64_t{1} << (kValueBits - 1));
  Check(most_negative, 0);
  Check(most_negative, -512);
  Check(most_negative, 511);
}

TEST_F(RtlIntToFp32Test, EveryExponentWithBoundaryValues) {
  const int64_t top = (int64_t{1} << (kValueBits - 1)) - 1;
  for (int e = -(1 << (kExpBits - 1)); e < (1 << (kExpBits - 1)); ++e) {
    for (int64_t v : {int64_t{1}, int64_t{2}, int64_t{3}, int64_t{5}, (int64_t{1} << 24) - 1,
                      int64_t{1} << 24, (int64_t{1} << 24) + 1, (int64_t{1} << 25) - 1,
                      (int64_t{1} << 25) + 3, top, top - 1, int64_t{0x5555555555}}) {
      Check(v, e);
      Check(-v, e);
    }
  }
}

TEST_F(RtlIntToFp32Test, RandomValuesAndExponents) {
  const char* env = std::getenv("MIXPE_TEST_SEED");
  const uint64_t seed = env != nullptr ? std::strtoull(env, nullptr, 0) : 0x1F32u;
  std::cout << "[ seed ] " << seed << "\n";
  std::mt19937_64 rng(seed);
  for (int i = 0; i < 4'000'000; ++i) {
    // Random magnitudes of every size, so that every rounding position is exercised.
    const int bits = 1 + static_cast<int>(rng() % (kValueBits - 1));
    int64_t v = static_cast<int64_t>(rng() & ((uint64_t{1} << bits) - 1));
    if (rng() & 1) v = -v;
    const int e = static_cast<int>(rng() % 420) - 230;  // around the subnormal and overflow edges
    Check(v, e);
  }
}

}  // namespace
}  // namespace mixpe
