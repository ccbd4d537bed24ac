// Tests of the baseline PEs' golden model (model/baseline_pe.h) against the host's IEEE arithmetic,
// which computes every value here independently: FP16 x FP16 products in double (exact: 22
// significant bits), FP32 sums in float, FP16 rounding by the compiler's _Float16 conversion, INT8
// expansion by plain multiplication; and hand-computed cases. Every NaN compares as the canonical
// quiet NaN. Random tests print their seed; MIXPE_TEST_SEED replays one.
#include "model/baseline_pe.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <iomanip>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "model/gemm_operands.h"

namespace mixpe {
namespace {

uint64_t Seed(uint64_t fallback) {
  const char* env = std::getenv("MIXPE_TEST_SEED");
  const uint64_t seed = env != nullptr && *env != '\0' ? std::strtoull(env, nullptr, 0) : fallback;
  std::cout << "[ seed ] " << seed << "\n";
  return seed;
}

std::string Hex(uint32_t bits) {
  std::ostringstream out;
  out << "0x" << std::hex << std::uppercase << bits;
  return out.str();
}

float FloatOf(uint32_t bits) {
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

uint32_t BitsOf(float f) {
  if (std::isnan(f)) return kFp32QuietNan;
  uint32_t bits;
  std::memcpy(&bits, &f, sizeof bits);
  return bits;
}

// The host's half precision: conversions to _Float16 round to nearest, ties to even.
float FloatOfFp16(uint16_t bits) {
  _Float16 h;
  std::memcpy(&h, &bits, sizeof h);
  return static_cast<float>(h);
}

uint16_t Fp16BitsOf(float f) {
  if (std::isnan(f)) return kFp16QuietNan;
  const _Float16 h = static_cast<_Float16>(f);
  uint16_t bits;
  std::memcpy(&bits, &h, sizeof bits);
  return bits;
}

// The host's exact product: doubles hold 22-bit products of FP16 values exactly, and the test
// checks that the float holds it too.
uint32_t HostProduct(uint16_t a, uint16_t b) {
  const double exact = static_cast<double>(FloatOfFp16(a)) * static_cast<double>(FloatOfFp16(b));
  const float product = static_cast<float>(exact);
  if (!std::isnan(exact)) {
    EXPECT_EQ(static_cast<double>(product), exact)
        << "not exact in FP32: " << Hex(a) << " * " << Hex(b);
  }
  return BitsOf(product);
}

uint32_t HostSum(uint32_t a, uint32_t b) { return BitsOf(FloatOf(a) + FloatOf(b)); }

// FP16 patterns that reach every special case and boundary: zeros, the smallest and largest
// subnormals, the smallest normal, 1 and its neighbours, the largest finite value, Inf, NaNs, in
// both signs, and a few mantissa patterns in every binade.
std::vector<uint16_t> Fp16Boundaries() {
  std::vector<uint16_t> codes;
  for (uint16_t sign : {uint16_t{0}, uint16_t{0x8000}}) {
    for (uint16_t magnitude :
         {0x0000, 0x0001, 0x0002, 0x0155, 0x0200, 0x03FF, 0x0400, 0x0401, 0x07FF, 0x3BFF,
          0x3C00, 0x3C01, 0x3E00, 0x7800, 0x7BFE, 0x7BFF, 0x7C00, 0x7C01, 0x7E00, 0x7FFF}) {
      codes.push_back(static_cast<uint16_t>(sign | magnitude));
    }
    for (uint16_t exponent = 1; exponent < 31; ++exponent) {
      for (uint16_t mantissa : {0x000, 0x001, 0x2AA, 0x3FF}) {
        codes.push_back(static_cast<uint16_t>(sign | exponent << 10 | mantissa));
      }
    }
  }
  return codes;
}

// FP32 patterns at the same kinds of boundaries.
std::vector<uint32_t> Fp32Boundaries() {
  std::vector<uint32_t> codes;
  for (uint32_t sign : {0u, 0x80000000u}) {
    for (uint32_t magnitude :
         {0x00000000u, 0x00000001u, 0x00000002u, 0x007FFFFFu, 0x00800000u, 0x00800001u,
          0x00FFFFFFu, 0x01000000u, 0x0C000000u, 0x33800000u, 0x3F7FFFFFu, 0x3F800000u,
          0x3F800001u, 0x3FFFFFFFu, 0x4B800000u, 0x4B800001u, 0x7E800000u, 0x7F000000u,
          0x7F7FFFFEu, 0x7F7FFFFFu, 0x7F800000u, 0x7F800001u, 0x7FC00000u, 0x7FFFFFFFu}) {
      codes.push_back(sign | magnitude);
    }
  }
  return codes;
}

// ---------------------------------------------------------------------------------------------
// Fp16MulExact

TEST(Fp16MulExactTest, HandComputedCases) {
  EXPECT_EQ(Fp16MulExact(0x3C00, 0x3C00), 0x3F800000u);    // 1 * 1
  EXPECT_EQ(Fp16MulExact(0x4000, 0xC200), 0xC0C00000u);    // 2 * -3 = -6
  EXPECT_EQ(Fp16MulExact(0x7BFF, 0x7BFF), 0x4F7FC004u);    // 65504^2 = 4290774016
  EXPECT_EQ(Fp16MulExact(0x0001, 0x0001), 0x27800000u);    // 2^-24 * 2^-24 = 2^-48, a normal
  EXPECT_EQ(Fp16MulExact(0x8000, 0x3C00), 0x80000000u);    // -0 * 1 = -0
  EXPECT_EQ(Fp16MulExact(0x8000, 0x8000), 0x00000000u);    // -0 * -0 = +0
  EXPECT_EQ(Fp16MulExact(0x7C00, 0xBC00), 0xFF800000u);    // Inf * -1 = -Inf
  EXPECT_EQ(Fp16MulExact(0xFC00, 0xFC00), 0x7F800000u);    // -Inf * -Inf = Inf
  EXPECT_EQ(Fp16MulExact(0x7C00, 0x8000), kFp32QuietNan);  // Inf * -0
  EXPECT_EQ(Fp16MulExact(0x0000, 0xFC00), kFp32QuietNan);  // 0 * -Inf
  EXPECT_EQ(Fp16MulExact(0xFE01, 0x3C00), kFp32QuietNan);  // NaN payloads and signs dropped
  // 2047/1024 * 2047/1024 = 4190209 / 2^20: all 22 bits kept.
  EXPECT_EQ(Fp16MulExact(0x3FFF, 0x3FFF), 0x407FC004u);
}

// Every FP16 value times every boundary pattern, and random pairs.
TEST(Fp16MulExactTest, MatchesTheHostsExactProduct) {
  const std::vector<uint16_t> boundaries = Fp16Boundaries();
  int64_t checked = 0;
  for (uint32_t a = 0; a < 0x10000; ++a) {
    for (uint16_t b : boundaries) {
      const uint32_t host = HostProduct(static_cast<uint16_t>(a), b);
      ASSERT_EQ(Fp16MulExact(static_cast<uint16_t>(a), b), host) << Hex(a) << " * " << Hex(b);
      ASSERT_EQ(Fp16MulExact(b, static_cast<uint16_t>(a)), host) << Hex(b) << " * " << Hex(a);
      ++checked;
    }
  }
  std::mt19937_64 rng(Seed(0xF16F16));
  for (int i = 0; i < 2000000; ++i) {
    const auto a = static_cast<uint16_t>(rng());
    const auto b = static_cast<uint16_t>(rng());
    ASSERT_EQ(Fp16MulExact(a, b), HostProduct(a, b)) << Hex(a) << " * " << Hex(b);
  }
  EXPECT_EQ(checked, int64_t{0x10000} * static_cast<int64_t>(boundaries.size()));
}

// ---------------------------------------------------------------------------------------------
// Fp32Add

TEST(Fp32AddTest, HandComputedCases) {
  EXPECT_EQ(Fp32Add(0x00000000u, 0x80000000u), 0x00000000u);    // +0 + -0 = +0
  EXPECT_EQ(Fp32Add(0x80000000u, 0x80000000u), 0x80000000u);    // -0 + -0 = -0
  EXPECT_EQ(Fp32Add(0x3F800000u, 0xBF800000u), 0x00000000u);    // 1 - 1 = +0
  EXPECT_EQ(Fp32Add(0x00000001u, 0x00000001u), 0x00000002u);    // subnormals kept
  EXPECT_EQ(Fp32Add(0x4B800000u, 0x3F800000u), 0x4B800000u);    // 2^24 + 1: tie, to even
  EXPECT_EQ(Fp32Add(0x4B800001u, 0x3F800000u), 0x4B800002u);    // 2^24 + 2 + 1: tie, to even
  EXPECT_EQ(Fp32Add(0x3F800000u, 0x33800001u), 0x3F800001u);    // 1 + just over half an ulp
  EXPECT_EQ(Fp32Add(0x3F800000u, 0x00000001u), 0x3F800000u);    // 1 + 2^-149
  EXPECT_EQ(Fp32Add(0x3F800000u, 0x80000001u), 0x3F800000u);    // 1 - 2^-149
  EXPECT_EQ(Fp32Add(0x7F7FFFFFu, 0x73000000u), 0x7F800000u);    // max + half an ulp: tie, to Inf
  EXPECT_EQ(Fp32Add(0x7F7FFFFFu, 0x72FFFFFFu), 0x7F7FFFFFu);    // max + under half an ulp
  EXPECT_EQ(Fp32Add(0x7F800000u, 0xFF7FFFFFu), 0x7F800000u);    // Inf + finite
  EXPECT_EQ(Fp32Add(0x7F800000u, 0xFF800000u), kFp32QuietNan);  // Inf - Inf
  EXPECT_EQ(Fp32Add(0xFF800000u, 0xFF800000u), 0xFF800000u);    // -Inf + -Inf
  EXPECT_EQ(Fp32Add(0xFFC00001u, 0x3F800000u), kFp32QuietNan);  // NaN
}

TEST(Fp32AddTest, MatchesTheHostsFloatAddition) {
  const std::vector<uint32_t> boundaries = Fp32Boundaries();
  for (uint32_t a : boundaries) {
    for (uint32_t b : boundaries)
      ASSERT_EQ(Fp32Add(a, b), HostSum(a, b)) << Hex(a) << " + " << Hex(b);
  }
  std::mt19937_64 rng(Seed(0xADD32));
  for (int i = 0; i < 3000000; ++i) {
    const auto a = static_cast<uint32_t>(rng());
    uint32_t b = static_cast<uint32_t>(rng());
    // A third of the pairs have exponents within 30 of each other: cancellation and rounding at
    // every distance, where uniform bit patterns rarely land.
    if (i % 3 == 0) {
      const int exponent = static_cast<int>(a >> 23 & 0xFF) + static_cast<int>(rng() % 61) - 30;
      b = (b & 0x807FFFFFu) | static_cast<uint32_t>(std::clamp(exponent, 0, 255)) << 23;
    }
    ASSERT_EQ(Fp32Add(a, b), HostSum(a, b)) << Hex(a) << " + " << Hex(b);
  }
}

// ---------------------------------------------------------------------------------------------
// MixpeFp16MacPe

TEST(MixpeFp16MacPeTest, HandComputedReductions) {
  // 1*1 + 2*3 + (-0.5)*4 = 5
  EXPECT_EQ(MixpeFp16MacPe::Reduce({0x3C00, 0x4000, 0xB800}, {0x3C00, 0x4200, 0x4400}),
            0x40A00000u);
  // A lone -0 product: the sum restarts from +0.0, so +0.
  EXPECT_EQ(MixpeFp16MacPe::Reduce({0x8000}, {0x3C00}), 0x00000000u);
  // 2048 * 2048 = 2^22 four times is 2^24; each + 1*1 after it ties and rounds to even: every
  // element is rounded, so the result is 2^24, not 2^24 + 2.
  EXPECT_EQ(MixpeFp16MacPe::Reduce({0x6800, 0x6800, 0x6800, 0x6800, 0x3C00, 0x3C00},
                                   {0x6800, 0x6800, 0x6800, 0x6800, 0x3C00, 0x3C00}),
            0x4B800000u);
  // Inf * 1 then -Inf * 1: Inf - Inf.
  EXPECT_EQ(MixpeFp16MacPe::Reduce({0x7C00, 0xFC00}, {0x3C00, 0x3C00}), kFp32QuietNan);
  // Inf * 0 anywhere poisons the sum.
  EXPECT_EQ(MixpeFp16MacPe::Reduce({0x3C00, 0x7C00, 0x3C00}, {0x3C00, 0x0000, 0x3C00}),
            kFp32QuietNan);
  // Inf stays Inf through finite products.
  EXPECT_EQ(MixpeFp16MacPe::Reduce({0x3C00, 0xFC00, 0x7BFF}, {0x3C00, 0x3C00, 0x7BFF}),
            0xFF800000u);
  // A first element discards the previous sum.
  EXPECT_EQ(MixpeFp16MacPe::Mac(0x7FC00000u, true, 0x3C00, 0x4000), 0x40000000u);
  EXPECT_EQ(MixpeFp16MacPe::Mac(0x3F800000u, false, 0x3C00, 0x4000), 0x40400000u);
  EXPECT_THROW(MixpeFp16MacPe::Reduce({}, {}), std::invalid_argument);
  EXPECT_THROW(MixpeFp16MacPe::Reduce({0x3C00}, {0x3C00, 0x3C00}), std::invalid_argument);
}

// Random reductions, with FP16 special values mixed in, against float accumulation of the host's
// exact products, starting from +0.0f.
TEST(MixpeFp16MacPeTest, RandomReductionsMatchFloatAccumulation) {
  std::mt19937_64 rng(Seed(0xFAC16));
  const std::vector<uint16_t> boundaries = Fp16Boundaries();
  auto draw = [&](bool special) -> uint16_t {
    if (special && rng() % 16 == 0) return boundaries[rng() % boundaries.size()];
    // Moderate magnitudes (exponents 5..24) so that sums cancel and round in interesting ways.
    return static_cast<uint16_t>((rng() & 0x8000) | (5 + rng() % 20) << 10 | (rng() & 0x3FF));
  };
  for (int reduction = 0; reduction < 20000; ++reduction) {
    const bool special = reduction % 2 == 1;
    const size_t length = 1 + rng() % 64;
    std::vector<uint16_t> acts(length), weights(length);
    float host = 0.0f;
    for (size_t i = 0; i < length; ++i) {
      acts[i] = draw(special);
      weights[i] = draw(special);
      host = (i == 0 ? 0.0f : host) + FloatOf(HostProduct(acts[i], weights[i]));
    }
    ASSERT_EQ(MixpeFp16MacPe::Reduce(acts, weights), BitsOf(host)) << "reduction " << reduction;
  }
}

// ---------------------------------------------------------------------------------------------
// MixpeWeightToFp16

// The host: (code - zero) * scale in float is exact (at most 9 x 11 significant bits, magnitudes
// far inside float's normal range), and the conversion to _Float16 rounds it once.
uint16_t HostDequantize(int diff, uint16_t scale) {
  return Fp16BitsOf(static_cast<float>(diff) * FloatOfFp16(scale));
}

// Every code, zero point and FP16 scale at widths 2 and 4; at 3 and 8 every code and zero point
// with every boundary scale (at 3 also every negative subnormal one) and 100 random scales.
TEST(MixpeWeightToFp16Test, MatchesTheHostsHalfPrecisionRounding) {
  std::mt19937_64 rng(Seed(0xDE0F16));
  for (int bits : {2, 3, 4, 8}) {
    const MixpeWeightToFp16 unit(bits);
    std::vector<uint16_t> scales;
    if (bits == 2 || bits == 4) {
      for (uint32_t s = 0; s < 0x10000; ++s) scales.push_back(static_cast<uint16_t>(s));
    } else {
      scales = Fp16Boundaries();
      if (bits == 3) {  // and every negative subnormal
        for (uint32_t s = 0; s < 0x400; ++s) scales.push_back(static_cast<uint16_t>(s | 0x8000));
      }
      for (int i = 0; i < 100; ++i) scales.push_back(static_cast<uint16_t>(rng()));
    }
    const uint32_t codes = 1u << bits;
    int64_t checked = 0;
    for (uint32_t code = 0; code < codes; ++code) {
      for (uint32_t zero = 0; zero < codes; ++zero) {
        const int diff = TwosComplementValue(code, bits) - TwosComplementValue(zero, bits);
        for (uint16_t scale : scales) {
          ASSERT_EQ(unit.Dequantize(code, zero, scale), HostDequantize(diff, scale))
              << "W" << bits << " code " << code << " zero " << zero << " scale " << Hex(scale);
          ++checked;
        }
      }
    }
    EXPECT_EQ(checked, int64_t{codes} * codes * static_cast<int64_t>(scales.size()));
  }
}

TEST(MixpeWeightToFp16Test, HandComputedCases) {
  const MixpeWeightToFp16 unit(4);
  EXPECT_EQ(unit.Dequantize(3, 1, 0x3800), 0x3C00);  // (3 - 1) * 0.5 = 1
  EXPECT_EQ(unit.Dequantize(8, 7, 0x3C00), 0xCB80);  // (-8 - 7) * 1 = -15
  EXPECT_EQ(unit.Dequantize(5, 5, 0xBC00), 0x8000);  // 0 * -1 = -0: the scale's sign
  EXPECT_EQ(unit.Dequantize(9, 0, 0x0000), 0x8000);  // -7 * +0 = -0
  EXPECT_EQ(unit.Dequantize(8, 7, 0x7BFF), 0xFC00);  // -15 * 65504: -Inf
  EXPECT_EQ(unit.Dequantize(1, 0, 0x7C00), 0x7C00);  // 1 * Inf
  EXPECT_EQ(unit.Dequantize(2, 2, 0x7C00), 0x7E00);  // 0 * Inf: NaN
  EXPECT_EQ(unit.Dequantize(2, 0, 0xFD55), 0x7E00);  // NaN scale: the quiet NaN
  EXPECT_EQ(unit.Dequantize(3, 0, 0x0001), 0x0003);  // 3 * 2^-24: subnormal, exact
  // 7 * (1 + 1/1024) = 7 + 7/1024; FP16 near 7 has steps of 2^-8 = 4/1024: 7.0068 -> 7.0078.
  EXPECT_EQ(unit.Dequantize(7, 0, 0x3C01), 0x4702);
  EXPECT_THROW(MixpeWeightToFp16(1), std::invalid_argument);
  EXPECT_THROW(MixpeWeightToFp16(9), std::invalid_argument);
}

// ---------------------------------------------------------------------------------------------
// MixpeWeightExpandInt8

TEST(MixpeWeightExpandInt8Test, EveryCodeTimesEveryMultiplier) {
  for (const auto& [bits, mult_bits] :
       std::vector<std::pair<int, int>>{{2, 4}, {3, 4}, {4, 4}, {2, 6}, {3, 5}, {4, 1}}) {
    const MixpeWeightExpandInt8 unit(bits, mult_bits);
    for (uint32_t code = 0; code < (1u << bits); ++code) {
      const int value = code >= (1u << (bits - 1)) ? static_cast<int>(code) - (1 << bits)
                                                   : static_cast<int>(code);
      for (uint32_t mult = 1; mult < (1u << mult_bits); ++mult) {
        const int expanded = unit.Expand(code, mult);
        ASSERT_EQ(expanded, value * static_cast<int>(mult)) << bits << "-bit code " << code;
        ASSERT_GE(expanded, -128);
        ASSERT_LE(expanded, 127);
      }
    }
  }
  const MixpeWeightExpandInt8 int4(4, 4);
  EXPECT_EQ(int4.Expand(8, 15), -120);  // the extreme: -8 * 15
  EXPECT_EQ(int4.Expand(7, 15), 105);
  EXPECT_EQ(int4.Expand(0xF, 3), -3);
}

TEST(MixpeWeightExpandInt8Test, RejectsWidthsWhoseProductsMayNotFitInt8) {
  EXPECT_THROW(MixpeWeightExpandInt8(4, 5), std::invalid_argument);  // -8 * 31
  EXPECT_THROW(MixpeWeightExpandInt8(3, 6), std::invalid_argument);  // -4 * 63
  EXPECT_THROW(MixpeWeightExpandInt8(5, 3), std::invalid_argument);  // wider than INT4
  EXPECT_THROW(MixpeWeightExpandInt8(1, 4), std::invalid_argument);
  EXPECT_NO_THROW(MixpeWeightExpandInt8(2, 6));  // -2 * 63 = -126
}

}  // namespace
}  // namespace mixpe
