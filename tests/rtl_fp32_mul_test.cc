// RTL tests of mixpe_fp32_mul, the FP32 multiplier of the final per-output scaling: hand-computed
// edge cases, every pair of a structured set of boundary bit patterns, and random pairs, against
// the host's IEEE float multiplication (x86-64 SSE: round to nearest even, subnormals kept), every
// NaN as 0x7FC00000.
#include <gtest/gtest.h>
#include <verilated.h>

#include <algorithm>
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
#include <utility>
#include <vector>

#include "Vfp32_mul_unit.h"
#include "fp32_pair_checker.h"

namespace mixpe {
namespace {

using testing_util::CanonicalBits;
using testing_util::FloatOf;
using testing_util::Hex;
using testing_util::kCanonicalNaN;
using testing_util::TestSeed;

// The oracle: the host's binary32 arithmetic.
uint32_t HostProduct(uint32_t a, uint32_t b) { return CanonicalBits(FloatOf(a) * FloatOf(b)); }

class RtlFp32MulTest : public ::testing::Test {
 protected:
  void SetUp() override {
    context_ = std::make_unique<VerilatedContext>();
    context_->fatalOnError(false);  // a failed RTL assertion is reported by gotError()
    multiplier_ = std::make_unique<Vfp32_mul_unit>(context_.get(), "multiplier");
  }
  void TearDown() override {
    multiplier_->final();
    EXPECT_FALSE(context_->gotError()) << "an RTL assertion failed";
  }

  uint32_t RtlProduct(uint32_t a, uint32_t b) {
    multiplier_->a_i = a;
    multiplier_->b_i = b;
    multiplier_->eval();
    return multiplier_->product_o;
  }

  // Compares one pair against the oracle.
  void Check(uint32_t a, uint32_t b) { pairs_.Check(a, b, RtlProduct(a, b), HostProduct(a, b)); }
  void ExpectNoMismatch() const { pairs_.ExpectNoMismatch(); }

  std::unique_ptr<VerilatedContext> context_;
  std::unique_ptr<Vfp32_mul_unit> multiplier_;
  testing_util::Fp32PairChecker pairs_{"*"};
};

struct HandCase {
  const char* what;
  uint32_t a, b, product;  // product computed by hand
};

const HandCase kHandCases[] = {
    // Signed zeros: the sign is the XOR of the operand signs, for zeros too.
    {"+0 * +0", 0x00000000, 0x00000000, 0x00000000},
    {"-0 * +0", 0x80000000, 0x00000000, 0x80000000},
    {"-0 * -0", 0x80000000, 0x80000000, 0x00000000},
    {"-0 * 1", 0x80000000, 0x3F800000, 0x80000000},
    {"+0 * -3", 0x00000000, 0xC0400000, 0x80000000},
    {"-0 * -largest finite", 0x80000000, 0xFF7FFFFF, 0x00000000},
    {"+0 * -smallest subnormal", 0x00000000, 0x80000001, 0x80000000},
    {"smallest subnormal squared rounds to +0", 0x00000001, 0x00000001, 0x00000000},
    {"smallest subnormal * -smallest subnormal rounds to -0", 0x00000001, 0x80000001, 0x80000000},
    {"-smallest subnormal * 0.25 rounds to -0", 0x80000001, 0x3E800000, 0x80000000},
    {"largest subnormal squared rounds to +0", 0x007FFFFF, 0x007FFFFF, 0x00000000},
    // 1.0 times anything is that thing; -1.0 flips the sign.
    {"1 * 1", 0x3F800000, 0x3F800000, 0x3F800000},
    {"1 * smallest subnormal", 0x3F800000, 0x00000001, 0x00000001},
    {"1 * largest subnormal", 0x3F800000, 0x007FFFFF, 0x007FFFFF},
    {"1 * smallest normal", 0x3F800000, 0x00800000, 0x00800000},
    {"1 * largest finite", 0x3F800000, 0x7F7FFFFF, 0x7F7FFFFF},
    {"-1 * pi", 0xBF800000, 0x40490FDB, 0xC0490FDB},
    {"-1 * -subnormal", 0xBF800000, 0x80012345, 0x00012345},
    {"1 * -Inf", 0x3F800000, 0xFF800000, 0xFF800000},
    {"1 * NaN", 0x3F800000, 0x7F812345, kCanonicalNaN},
    // Subnormal times normal, landing normal.
    {"smallest subnormal * 2^127 = 2^-22", 0x00000001, 0x7F000000, 0x34800000},
    {"smallest subnormal * largest finite", 0x00000001, 0x7F7FFFFF, 0x34FFFFFF},
    {"smallest subnormal * 2^23 = smallest normal", 0x00000001, 0x4B000000, 0x00800000},
    {"smallest subnormal * (2^24 - 1)", 0x00000001, 0x4B7FFFFF, 0x00FFFFFF},
    {"largest subnormal * 2", 0x007FFFFF, 0x40000000, 0x00FFFFFE},
    {"largest subnormal * largest finite", 0x007FFFFF, 0x7F7FFFFF, 0x407FFFFD},
    {"2^-127 * 4", 0x00400000, 0x40800000, 0x01000000},
    {"2^-127 * 2^23", 0x00400000, 0x4B000000, 0x0B800000},
    {"smallest normal * largest finite", 0x00800000, 0x7F7FFFFF, 0x407FFFFF},
    // Subnormal or normal operands, landing subnormal.
    {"smallest normal * 0.5, exact", 0x00800000, 0x3F000000, 0x00400000},
    {"2^-63 * 2^-64, exact", 0x20000000, 0x1F800000, 0x00400000},
    {"1.5*2^-64 squared, exact subnormal", 0x1FC00000, 0x1FC00000, 0x00480000},
    {"(2 - 2^-22)*2^-64 * 2^-63, exact largest subnormal", 0x1FFFFFFE, 0x20000000, 0x007FFFFF},
    {"3*2^-149 * 0.5: tie, rounds up to even", 0x00000003, 0x3F000000, 0x00000002},
    {"5*2^-149 * 0.5: tie, rounds down to even", 0x00000005, 0x3F000000, 0x00000002},
    {"2^-149 * 0.5: tie, rounds down to +0", 0x00000001, 0x3F000000, 0x00000000},
    {"largest subnormal * 0.5: tie, rounds up to even", 0x007FFFFF, 0x3F000000, 0x00400000},
    {"2^-149 * (0.5 + 2^-24): just above the tie", 0x00000001, 0x3F000001, 0x00000001},
    {"2^-149 * (0.5 - 2^-25): just below the tie", 0x00000001, 0x3EFFFFFF, 0x00000000},
    {"2^-75 * 2^-75 = 2^-150: tie, rounds down to +0", 0x1A000000, 0x1A000000, 0x00000000},
    {"(1 + 2^-23)*2^-75 * 2^-75: just above the tie", 0x1A000001, 0x1A000000, 0x00000001},
    // The product is 2^-150 + 2^-174 - 2^-197: every bit below the tie is in the bits that the
    // subnormal shift moves out, so only the sticky bit of that shift makes it round up.
    {"just above the tie, sticky only in the shifted-out bits", 0x1A000001, 0x19FFFFFF, 0x00000001},
    {"(2 - 2^-23)*2^-77 * (1 + 2^-23)*2^-75: below the tie", 0x1A000001, 0x197FFFFF, 0x00000000},
    // Products that round up into the smallest normal.
    {"(2 - 2^-23) * 2^-127: tie, rounds up to the smallest normal", 0x3FFFFFFF, 0x00400000,
     0x00800000},
    {"largest subnormal * (1 + 2^-23) rounds up to the smallest normal", 0x007FFFFF, 0x3F800001,
     0x00800000},
    {"normal * normal, (1 - 2^-47)*2^-126 rounds up to the smallest normal", 0x1FFFFFFF, 0x20000001,
     0x00800000},
    // Overflow, decided on the rounded magnitude.
    {"largest finite * (1 + 2^-23) -> Inf", 0x7F7FFFFF, 0x3F800001, 0x7F800000},
    {"largest finite * -(1 + 2^-23) -> -Inf", 0x7F7FFFFF, 0xBF800001, 0xFF800000},
    {"largest finite * 2 -> Inf", 0x7F7FFFFF, 0x40000000, 0x7F800000},
    {"2^64 * 2^64 -> Inf", 0x5F800000, 0x5F800000, 0x7F800000},
    {"-2^64 * 2^64 -> -Inf", 0xDF800000, 0x5F800000, 0xFF800000},
    {"(2 - 2^-23)*2^63 * 2^64 = largest finite, exact", 0x5F7FFFFF, 0x5F800000, 0x7F7FFFFF},
    {"(1 + 2^-23)*2^64 * (2 - 2^-23)*2^63 -> Inf", 0x5F800001, 0x5F7FFFFF, 0x7F800000},
    // 18631*2^-14 * 1801*2^-10 = (2^25 - 1)*2^-24 = 2 - 2^-24, halfway between 2 - 2^-23 (odd)
    // and 2: the tie rounds up to the even 2, and at 2^127 up to Inf.
    {"(2 - 2^-24)*2^127: tie with the largest finite, rounds up to Inf", 0x5F118E00, 0x5FE12000,
     0x7F800000},
    {"largest finite * 0.5, exact", 0x7F7FFFFF, 0x3F000000, 0x7EFFFFFF},
    // Ties to even, both directions, in the normal range.
    {"(1 + 2^-23) * 1.5: tie, rounds up to even", 0x3F800001, 0x3FC00000, 0x3FC00002},
    {"(1 + 3*2^-23) * 1.5: tie, rounds down to even", 0x3F800003, 0x3FC00000, 0x3FC00004},
    {"(1 + 2^-23) * (1.5 + 2^-23): just above the tie (sticky)", 0x3F800001, 0x3FC00001,
     0x3FC00003},
    {"2 - 2^-24: tie, rounds up to even 2, carrying into the exponent", 0x3F918E00, 0x3FE12000,
     0x40000000},
    // Inf and NaN: every NaN result is the canonical quiet NaN.
    {"Inf * 0", 0x7F800000, 0x00000000, kCanonicalNaN},
    {"0 * -Inf", 0x00000000, 0xFF800000, kCanonicalNaN},
    {"-Inf * -0", 0xFF800000, 0x80000000, kCanonicalNaN},
    {"Inf * smallest subnormal", 0x7F800000, 0x00000001, 0x7F800000},
    {"-Inf * 2", 0xFF800000, 0x40000000, 0xFF800000},
    {"Inf * -Inf", 0x7F800000, 0xFF800000, 0xFF800000},
    {"-Inf * -Inf", 0xFF800000, 0xFF800000, 0x7F800000},
    {"-Inf * -largest subnormal", 0xFF800000, 0x807FFFFF, 0x7F800000},
    {"quiet NaN * 0", 0x7FC00000, 0x00000000, kCanonicalNaN},
    {"NaN * Inf", 0x7FC00000, 0x7F800000, kCanonicalNaN},
    {"1 * signalling NaN", 0x3F800000, 0x7F800001, kCanonicalNaN},
    {"-NaN with payload * -1", 0xFFC00001, 0xBF800000, kCanonicalNaN},
    {"-0 * NaN all ones", 0x80000000, 0x7FFFFFFF, kCanonicalNaN},
    {"NaN * NaN", 0xFFFFFFFF, 0x7F812345, kCanonicalNaN},
};

TEST_F(RtlFp32MulTest, HandComputedEdgeCases) {
  for (const HandCase& c : kHandCases) {
    // The hand value must agree with the oracle, or the oracle (or the table) is wrong.
    ASSERT_EQ(Hex(HostProduct(c.a, c.b)), Hex(c.product)) << c.what << ": host float disagrees";
    EXPECT_EQ(Hex(RtlProduct(c.a, c.b)), Hex(c.product)) << c.what;
    // Multiplication is commutative, bit for bit (NaN results are canonical).
    EXPECT_EQ(Hex(RtlProduct(c.b, c.a)), Hex(c.product)) << c.what << ", operands swapped";
  }
}

// Sign, exponent and mantissa values at the boundaries of the datapath: zero and subnormal
// exponents, the smallest normals, the exponents whose sums land at the subnormal boundary
// (63 + 64 = 127) and the overflow boundary (190 + 190, 253 + 128), the bias, the top of the range,
// Inf/NaN; mantissas with all-ones, all-zeros, single bits at the ends and halfway.
std::vector<uint32_t> BoundaryPatterns() {
  const uint32_t exponents[] = {0, 1, 2, 63, 64, 126, 127, 128, 190, 253, 254, 255};
  const uint32_t mantissas[] = {0x000000, 0x000001, 0x000002, 0x3FFFFF,
                                0x400000, 0x7FFFFE, 0x7FFFFF};
  std::vector<uint32_t> patterns;
  for (uint32_t sign : {0u, 1u}) {
    for (uint32_t e : exponents) {
      for (uint32_t m : mantissas) patterns.push_back(sign << 31 | e << 23 | m);
    }
  }
  return patterns;
}

TEST_F(RtlFp32MulTest, EveryPairOfBoundaryPatterns) {
  const std::vector<uint32_t> patterns = BoundaryPatterns();
  ASSERT_EQ(patterns.size(), 2u * 12 * 7);
  for (uint32_t a : patterns) {
    for (uint32_t b : patterns) Check(a, b);
  }
  EXPECT_EQ(pairs_.checked(), int64_t{168} * 168);
  ExpectNoMismatch();
}

// 1.0 * x and x * 1.0 are x, -1.0 * x is x with the sign flipped, NaN aside: checked against that
// identity rather than the host, on the boundary patterns and random bit patterns.
TEST_F(RtlFp32MulTest, OneTimesAnything) {
  std::vector<uint32_t> values = BoundaryPatterns();
  std::mt19937_64 rng(TestSeed() + 2);
  for (int i = 0; i < 1'000'000; ++i) values.push_back(static_cast<uint32_t>(rng()));
  int64_t mismatches = 0;
  for (uint32_t x : values) {
    const bool nan = (x & 0x7F800000) == 0x7F800000 && (x & 0x007FFFFF) != 0;
    const uint32_t same = nan ? kCanonicalNaN : x;
    const uint32_t flipped = nan ? kCanonicalNaN : x ^ 0x80000000u;
    if (RtlProduct(0x3F800000, x) != same || RtlProduct(x, 0x3F800000) != same ||
        RtlProduct(0xBF800000, x) != flipped) {
      if (++mismatches <= 10) ADD_FAILURE() << "1 * " << Hex(x) << " or -1 * " << Hex(x);
    }
  }
  EXPECT_EQ(mismatches, 0) << "of " << values.size() << " values";
}

TEST_F(RtlFp32MulTest, RandomBitPatterns) {
  const uint64_t seed = TestSeed();
  std::cout << "[ seed ] " << seed << " (set MIXPE_TEST_SEED to change)\n";
  std::mt19937_64 rng(seed);
  for (int i = 0; i < 20'000'000; ++i) {
    const uint64_t r = rng();
    Check(static_cast<uint32_t>(r), static_cast<uint32_t>(r >> 32));
  }
  ExpectNoMismatch();
}

// A 24-bit significand (hidden bit at [23]) with an effective biased exponent, as a bit pattern:
// normal for exponents 1..254, subnormal for 1 - lz (lz = 1..23) when the lz low bits of the
// significand are zero. Returns false if the value is not representable that way.
bool Encode(uint32_t sign, uint32_t significand, int exponent, uint32_t* bits) {
  if (exponent >= 1 && exponent <= 254) {
    *bits = sign << 31 | static_cast<uint32_t>(exponent) << 23 | (significand & 0x7FFFFF);
    return true;
  }
  const int lz = 1 - exponent;
  if (lz < 1 || lz > 23 || (significand & ((1u << lz) - 1)) != 0) return false;
  *bits = sign << 31 | significand >> lz;
  return true;
}

// Pairs whose exponents sum to just around the subnormal boundary (the exact product's exponent
// from 2^-153 to 2^-123: subnormal results, the subnormal shift with its sticky bit, rounding to
// zero or up into the smallest normal) or the overflow boundary (2^124 to 2^131), with subnormal
// operands where the significand allows. The significands are random, or sparse (random low bits
// cleared: exact products and exact ties), or a near-reciprocal pair whose product is just above
// or below a power of two (long runs of equal bits between the hidden bit and the low bits, so a
// tie is decided by the bits that the subnormal shift moves out).
TEST_F(RtlFp32MulTest, RandomExponentsNearTheBoundaries) {
  const uint64_t seed = TestSeed() + 1;
  std::cout << "[ seed ] " << seed << " (MIXPE_TEST_SEED + 1)\n";
  std::mt19937_64 rng(seed);
  int64_t attempts = 0;
  while (pairs_.checked() < 20'000'000) {
    ++attempts;
    const uint64_t r = rng();     // kinds, signs, c
    const uint64_t s = rng();     // significands
    const uint64_t u = rng();     // exponents
    const uint32_t kind = r & 3;  // 0: random, 1: sparse, 2 and 3: near-reciprocal
    uint32_t sig_a = 0x800000 | (static_cast<uint32_t>(s) & 0x7FFFFF);
    uint32_t sig_b = 0x800000 | (static_cast<uint32_t>(s >> 32) & 0x7FFFFF);
    if (kind == 1) {
      sig_a &= ~((1u << ((r >> 8) % 24)) - 1);
      sig_b &= ~((1u << ((r >> 16) % 24)) - 1);
    } else if (kind >= 2) {
      // (2^23 + x) * (2^24 - 2x + c) = 2^47 + 2^23 c - 2x^2 + cx, for x below 2^11.
      const uint32_t x = static_cast<uint32_t>(s) & 0x7FF;
      const uint32_t c = static_cast<uint32_t>((r >> 8) % 4) - 1;  // -1..2 (mod 2^32)
      sig_a = 0x800000 + x;
      sig_b = 0xFFFFFF - 2 * x + 1 + c;
      if (sig_b > 0xFFFFFF) sig_b = 0xFFFFFF;
      if ((r >> 10) & 1) std::swap(sig_a, sig_b);
    }
    // The sum of the effective exponents minus the bias: the exact product is in
    // [2^(t-127), 2^(t-125)), so t is near 0 (subnormal boundary) or 254 (overflow).
    const bool overflow_side = (u & 3) == 0;
    const int t = overflow_side ? 251 + static_cast<int>((u >> 2) % 6)
                                : -26 + static_cast<int>((u >> 2) % 29);
    // a's effective exponent, anywhere that leaves b's in range (subnormals included), or for one
    // pair in four as low as a's significand allows (the most subnormal operands).
    const int a_min = std::max(-22, t + 127 - 254);
    const int a_max = std::min(254, t + 127 + 22);
    int exp_a = a_min + static_cast<int>((u >> 16) % static_cast<uint64_t>(a_max - a_min + 1));
    if (((u >> 40) & 3) == 0) exp_a = a_min + static_cast<int>((u >> 42) % 24);
    const int exp_b = t + 127 - exp_a;
    uint32_t a, b;
    if (!Encode((r >> 50) & 1, sig_a, exp_a, &a) || !Encode((r >> 51) & 1, sig_b, exp_b, &b)) {
      continue;  // a subnormal exponent the significand's low bits do not allow: draw again
    }
    Check(a, b);
  }
  std::cout << "[ draws ] " << attempts << " for " << pairs_.checked() << " representable pairs\n";
  ExpectNoMismatch();
}

}  // namespace
}  // namespace mixpe
