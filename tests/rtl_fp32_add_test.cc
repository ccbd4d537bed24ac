// RTL tests of mixpe_fp32_add, the FP32 accumulator adder: hand-computed edge cases, every pair of
// a structured set of boundary bit patterns, and random pairs, against the host's IEEE float
// addition (x86-64 SSE: round to nearest even, subnormals kept), every NaN as 0x7FC00000.
#include <gtest/gtest.h>
#include <verilated.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <iomanip>
#include <iostream>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "Vfp32_add_unit.h"
#include "fp32_pair_checker.h"

namespace mixpe {
namespace {

using testing_util::CanonicalBits;
using testing_util::FloatOf;
using testing_util::Hex;
using testing_util::kCanonicalNaN;
using testing_util::TestSeed;

// The oracle: the host's binary32 arithmetic.
uint32_t HostSum(uint32_t a, uint32_t b) { return CanonicalBits(FloatOf(a) + FloatOf(b)); }

class RtlFp32AddTest : public ::testing::Test {
 protected:
  void SetUp() override {
    context_ = std::make_unique<VerilatedContext>();
    context_->fatalOnError(false);  // a failed RTL assertion is reported by gotError()
    adder_ = std::make_unique<Vfp32_add_unit>(context_.get(), "adder");
  }
  void TearDown() override {
    adder_->final();
    EXPECT_FALSE(context_->gotError()) << "an RTL assertion failed";
  }

  uint32_t RtlSum(uint32_t a, uint32_t b) {
    adder_->a_i = a;
    adder_->b_i = b;
    adder_->eval();
    return adder_->sum_o;
  }

  // Compares one pair against the oracle.
  void Check(uint32_t a, uint32_t b) { pairs_.Check(a, b, RtlSum(a, b), HostSum(a, b)); }
  void ExpectNoMismatch() const { pairs_.ExpectNoMismatch(); }

  std::unique_ptr<VerilatedContext> context_;
  std::unique_ptr<Vfp32_add_unit> adder_;
  testing_util::Fp32PairChecker pairs_{"+"};
};

struct HandCase {
  const char* what;
  uint32_t a, b, sum;  // sum computed by hand
};

const HandCase kHandCases[] = {
    // Signed zeros: RNE gives +0 for an exact zero sum unless both operands are -0.
    {"+0 + +0", 0x00000000, 0x00000000, 0x00000000},
    {"-0 + -0", 0x80000000, 0x80000000, 0x80000000},
    {"+0 + -0", 0x00000000, 0x80000000, 0x00000000},
    {"-0 + +0", 0x80000000, 0x00000000, 0x00000000},
    {"1 + -1", 0x3F800000, 0xBF800000, 0x00000000},
    {"-1 + 1", 0xBF800000, 0x3F800000, 0x00000000},
    {"subnormal + -subnormal, exact zero", 0x80000007, 0x00000007, 0x00000000},
    {"subnormal + +0", 0x00000005, 0x00000000, 0x00000005},
    {"-subnormal + +0", 0x80000005, 0x00000000, 0x80000005},
    {"-normal + -0", 0xC0490FDB, 0x80000000, 0xC0490FDB},
    // Subnormals, no flush to zero.
    {"smallest subnormal twice", 0x00000001, 0x00000001, 0x00000002},
    {"largest subnormal + smallest = smallest normal", 0x007FFFFF, 0x00000001, 0x00800000},
    {"two subnormals sum to a normal", 0x00400000, 0x00400000, 0x00800000},
    {"subnormal - subnormal", 0x00000003, 0x80000001, 0x00000002},
    {"-subnormal + -subnormal", 0x80400001, 0x80000002, 0x80400003},
    {"smallest normal + smallest subnormal", 0x00800000, 0x00000001, 0x00800001},
    {"smallest normal - smallest subnormal", 0x00800000, 0x80000001, 0x007FFFFF},
    {"cancellation leaves the smallest subnormal", 0x00800001, 0x80800000, 0x00000001},
    {"cancellation at exponent 2 leaves a subnormal", 0x01000001, 0x81000000, 0x00000002},
    {"normal + smallest subnormal, far below half an ulp", 0x0C000000, 0x00000001, 0x0C000000},
    // Overflow, decided on the rounded magnitude.
    {"largest finite + half an ulp (tie, odd) -> Inf", 0x7F7FFFFF, 0x73000000, 0x7F800000},
    {"largest finite + just under half an ulp", 0x7F7FFFFF, 0x72FFFFFF, 0x7F7FFFFF},
    {"-largest finite - half an ulp -> -Inf", 0xFF7FFFFF, 0xF3000000, 0xFF800000},
    {"largest finite twice -> Inf", 0x7F7FFFFF, 0x7F7FFFFF, 0x7F800000},
    {"2^127 + 2^127 -> Inf", 0x7F000000, 0x7F000000, 0x7F800000},
    {"largest finite - largest finite", 0x7F7FFFFF, 0xFF7FFFFF, 0x00000000},
    // Ties to even, both directions, in additions and subtractions.
    {"1 + 2^-24: tie, stays even", 0x3F800000, 0x33800000, 0x3F800000},
    {"(1 + ulp) + 2^-24: tie, rounds up to even", 0x3F800001, 0x33800000, 0x3F800002},
    {"1 - 2^-25: tie, rounds up to even 1.0", 0x3F800000, 0xB3000000, 0x3F800000},
    {"(1 + 3 ulp) - 2^-24: tie, rounds down to even", 0x3F800003, 0xB3800000, 0x3F800002},
    {"(1 + 2 ulp) - 2^-24: tie, stays even", 0x3F800002, 0xB3800000, 0x3F800002},
    {"1 + 2^-24 + 2^-47: just above the tie (sticky)", 0x3F800000, 0x33800001, 0x3F800001},
    {"1 - 2^-25 - 2^-48: just below the tie (sticky)", 0x3F800000, 0xB3000001, 0x3F7FFFFF},
    {"rounding carries into the exponent", 0x3FFFFFFF, 0x33800000, 0x40000000},
    {"carry out: the dropped bit joins the sticky bit", 0x00800001, 0x0BFFFFFF, 0x0C000001},
    // Exponent differences 0, 1, 24, 25, 26, 200.
    {"d=0: 1.5 + 1.25", 0x3FC00000, 0x3FA00000, 0x40300000},
    {"d=0: 1.5 + 1.5 carries out", 0x3FC00000, 0x3FC00000, 0x40400000},
    {"d=0: 1.5 - 1.25", 0x3FC00000, 0xBFA00000, 0x3E800000},
    {"d=1: 2 + 1.5", 0x40000000, 0x3FC00000, 0x40600000},
    {"d=1: 2 - 1.99999988", 0x40000000, 0xBFFFFFFF, 0x34000000},
    {"d=24: 1 + 1.5*2^-24", 0x3F800000, 0x33C00000, 0x3F800001},
    {"d=24: 1 - 2^-24, exact", 0x3F800000, 0xB3800000, 0x3F7FFFFF},
    {"d=25: 1 + 2^-25", 0x3F800000, 0x33000000, 0x3F800000},
    {"d=25: 1 - 1.5*2^-25", 0x3F800000, 0xB3400000, 0x3F7FFFFF},
    {"d=26: 1 + 2^-26", 0x3F800000, 0x32800000, 0x3F800000},
    {"d=26: 1 - 2^-26", 0x3F800000, 0xB2800000, 0x3F800000},
    {"d=26: 1.5 - 2^-26", 0x3FC00000, 0xB2800000, 0x3FC00000},
    {"d=200: 2^100 + 2^-100", 0x71800000, 0x0D800000, 0x71800000},
    {"d=200: 2^100 - 2^-100", 0x71800000, 0x8D800000, 0x71800000},
    // Inf and NaN: every NaN result is the canonical quiet NaN.
    {"Inf + 1", 0x7F800000, 0x3F800000, 0x7F800000},
    {"1 + -Inf", 0x3F800000, 0xFF800000, 0xFF800000},
    {"-Inf + largest finite", 0xFF800000, 0x7F7FFFFF, 0xFF800000},
    {"Inf + Inf", 0x7F800000, 0x7F800000, 0x7F800000},
    {"-Inf + -Inf", 0xFF800000, 0xFF800000, 0xFF800000},
    {"Inf + -Inf", 0x7F800000, 0xFF800000, kCanonicalNaN},
    {"-Inf + Inf", 0xFF800000, 0x7F800000, kCanonicalNaN},
    {"Inf + -0", 0x7F800000, 0x80000000, 0x7F800000},
    {"quiet NaN + 1", 0x7FC00000, 0x3F800000, kCanonicalNaN},
    {"1 + signalling NaN", 0x3F800000, 0x7F800001, kCanonicalNaN},
    {"-NaN with payload + Inf", 0xFFC00001, 0x7F800000, kCanonicalNaN},
    {"-Inf + NaN all ones", 0xFF800000, 0x7FFFFFFF, kCanonicalNaN},
    {"NaN + NaN", 0xFFFFFFFF, 0x7F812345, kCanonicalNaN},
    {"-0 + negative quiet NaN", 0x80000000, 0xFFC00000, kCanonicalNaN},
};

TEST_F(RtlFp32AddTest, HandComputedEdgeCases) {
  for (const HandCase& c : kHandCases) {
    // The hand value must agree with the oracle, or the oracle (or the table) is wrong.
    ASSERT_EQ(Hex(HostSum(c.a, c.b)), Hex(c.sum)) << c.what << ": host float disagrees";
    EXPECT_EQ(Hex(RtlSum(c.a, c.b)), Hex(c.sum)) << c.what;
    // Addition is commutative, bit for bit (NaN results are canonical).
    EXPECT_EQ(Hex(RtlSum(c.b, c.a)), Hex(c.sum)) << c.what << ", operands swapped";
  }
}

// Sign, exponent and mantissa values at the boundaries of the datapath: zero and subnormal
// exponents, the bias, the top of the range, Inf/NaN, and exponents 22..29 and 150..155 apart from
// the small and middle ones (alignment shifts around the 24-bit significand and its guard, round
// and sticky bits); mantissas with all-ones, all-zeros, single bits at the ends and halfway.
std::vector<uint32_t> BoundaryPatterns() {
  const uint32_t exponents[] = {0,   1,   2,   3,   4,   22,  23,  24,  25,  26,  27,  28,  29,
                                100, 101, 102, 103, 104, 125, 126, 127, 128, 129, 150, 151, 152,
                                153, 154, 155, 226, 227, 228, 229, 230, 250, 252, 253, 254, 255};
  const uint32_t mantissas[] = {
      0x000000, 0x000001, 0x000002, 0x000003, 0x000004, 0x000007, 0x000008, 0x000FFF, 0x100000,
      0x1FFFFF, 0x200000, 0x2AAAAA, 0x3FFFFF, 0x400000, 0x400001, 0x555555, 0x600000, 0x7FF000,
      0x7FFFFC, 0x7FFFFD, 0x7FFFFE, 0x7FFFFF, 0x0C0000, 0x7C0001, 0x3FFFFE};
  std::vector<uint32_t> patterns;
  for (uint32_t sign : {0u, 1u}) {
    for (uint32_t e : exponents) {
      for (uint32_t m : mantissas) patterns.push_back(sign << 31 | e << 23 | m);
    }
  }
  return patterns;
}

TEST_F(RtlFp32AddTest, EveryPairOfBoundaryPatterns) {
  const std::vector<uint32_t> patterns = BoundaryPatterns();
  ASSERT_EQ(patterns.size(), 2u * 39 * 25);
  for (uint32_t a : patterns) {
    for (uint32_t b : patterns) Check(a, b);
  }
  EXPECT_EQ(pairs_.checked(), int64_t{1950} * 1950);
  ExpectNoMismatch();
}

TEST_F(RtlFp32AddTest, RandomBitPatterns) {
  const uint64_t seed = TestSeed();
  std::cout << "[ seed ] " << seed << " (set MIXPE_TEST_SEED to change)\n";
  std::mt19937_64 rng(seed);
  for (int i = 0; i < 40'000'000; ++i) {
    const uint64_t r = rng();
    Check(static_cast<uint32_t>(r), static_cast<uint32_t>(r >> 32));
  }
  ExpectNoMismatch();
}

// Pairs whose exponents are close, mostly of opposite signs: the cancellation paths (long
// leading-zero counts, subnormal results, exact zeros) that random bit patterns rarely reach.
TEST_F(RtlFp32AddTest, RandomCloseExponents) {
  const uint64_t seed = TestSeed() + 1;
  std::cout << "[ seed ] " << seed << " (MIXPE_TEST_SEED + 1)\n";
  std::mt19937_64 rng(seed);
  auto clamp_exponent = [](int64_t e) {
    return static_cast<uint32_t>(e < 0 ? 0 : e > 254 ? 254 : e);
  };
  for (int i = 0; i < 40'000'000; ++i) {
    const uint64_t r = rng();
    const uint64_t s = rng();
    const uint32_t mode = r & 3;
    const uint32_t sign_a = (r >> 2) & 1;
    // Opposite signs three times in four, except in mode 2 (any signs).
    const uint32_t sign_b = mode == 2 ? (r >> 3) & 1 : (((r >> 3) & 3) == 0 ? sign_a : !sign_a);
    // Modes 0-2 draw exponents anywhere in the finite range, mode 3 near the subnormals.
    const int64_t exp_a =
        mode == 3 ? static_cast<int64_t>((r >> 8) % 4) : static_cast<int64_t>((r >> 8) % 255);
    // Exponent difference: within +-2 (modes 0 and 3), +-1 (mode 1) or +-28 (mode 2).
    const int64_t spread = mode == 1 ? 1 : mode == 2 ? 28 : 2;
    const int64_t delta =
        static_cast<int64_t>((r >> 16) % static_cast<uint64_t>(2 * spread + 1)) - spread;
    const uint32_t mant_a = static_cast<uint32_t>(s) & 0x7FFFFF;
    uint32_t mant_b = static_cast<uint32_t>(s >> 32) & 0x7FFFFF;
    if (mode == 1) {
      // b's mantissa equals a's except in its low k bits: deep and exact cancellation.
      const uint32_t k = static_cast<uint32_t>((r >> 24) % 24);
      const uint32_t low = (1u << k) - 1;
      mant_b = (mant_a & ~low) | (mant_b & low);
    }
    const uint32_t a = sign_a << 31 | clamp_exponent(exp_a) << 23 | mant_a;
    const uint32_t b = sign_b << 31 | clamp_exponent(exp_a + delta) << 23 | mant_b;
    Check(a, b);
  }
  ExpectNoMismatch();
}

}  // namespace
}  // namespace mixpe
