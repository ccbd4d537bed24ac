// Tests of the element formats (model/minifloat.h) against the OCP MX / IEEE specs: hand vectors,
// a reference decoder, brute-force nearest-value search, and the compiler's own conversions.
#include "model/minifloat.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <ostream>
#include <random>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace mixpe {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNan = std::numeric_limits<double>::quiet_NaN();
constexpr uint64_t kSeed = 20240611;

// What the specs say about each format, typed in by hand rather than derived from the code.
struct FormatFacts {
  const FloatFormat* format;
  double max_finite;
  uint32_t max_code;
  uint32_t positive_overflow_code;  // under Overflow::kInfinity
  uint32_t negative_overflow_code;  // under Overflow::kInfinity; E4M3: the one canonical NaN
  int unit_exponent;
  int nan_codes;
  int inf_codes;
  uint32_t canonical_nan;  // 0: the format has no NaN
};

const FormatFacts kFp32Facts{&kFp32, 0x1.fffffep127,      0x7F7FFFFF, 0x7F800000, 0xFF800000,
                             -149,   2 * ((1 << 23) - 1), 2,          0x7FC00000};
const FormatFacts kFp16Facts{&kFp16, 65504, 0x7BFF, 0x7C00, 0xFC00, -24, 2 * 1023, 2, 0x7E00};
const FormatFacts kBf16Facts{&kBf16, 0x1.fep127, 0x7F7F, 0x7F80, 0xFF80, -133, 2 * 127, 2, 0x7FC0};
const FormatFacts kE4M3Facts{&kE4M3, 448, 0x7E, 0x7F, 0x7F, -9, 2, 0, 0x7F};
const FormatFacts kE5M2Facts{&kE5M2, 57344, 0x7B, 0x7C, 0xFC, -16, 6, 2, 0x7E};
const FormatFacts kE3M2Facts{&kE3M2, 28, 0x1F, 0x1F, 0x3F, -4, 0, 0, 0};
const FormatFacts kE2M3Facts{&kE2M3, 7.5, 0x1F, 0x1F, 0x3F, -3, 0, 0, 0};
const FormatFacts kE2M1Facts{&kE2M1, 6, 0x7, 0x7, 0xF, -1, 0, 0, 0};

void PrintTo(const FormatFacts& facts, std::ostream* os) { *os << facts.format->name; }

std::string FormatName(const testing::TestParamInfo<FormatFacts>& info) {
  return info.param.format->name;
}

uint32_t SignBitOf(const FloatFormat& format) { return uint32_t{1} << (format.total_bits() - 1); }
uint32_t CodeCount(const FloatFormat& format) { return uint32_t{1} << format.total_bits(); }

uint32_t OverflowCode(const FormatFacts& facts, bool negative, Overflow overflow) {
  if (overflow == Overflow::kSaturate) {
    return (negative ? SignBitOf(*facts.format) : 0) | facts.max_code;
  }
  return negative ? facts.negative_overflow_code : facts.positive_overflow_code;
}

// The spec's value formula evaluated by repeated halving and doubling (no ldexp), so it shares
// no code with DecodeFloat. NaN and Inf follow the spec's tables of special codes.
double ReferenceValue(const FloatFormat& format, uint32_t code) {
  const int m = format.mantissa_bits;
  const bool negative = ((code >> (format.exponent_bits + m)) & 1) != 0;
  const uint32_t exponent_field = (code >> m) & ((1u << format.exponent_bits) - 1);
  const uint32_t mantissa = code & ((1u << m) - 1);
  const bool top_exponent = exponent_field == (1u << format.exponent_bits) - 1;
  if (top_exponent && format.specials == FloatSpecials::kIeee) {
    if (mantissa != 0) return kNan;
    return negative ? -kInf : kInf;
  }
  if (top_exponent && format.specials == FloatSpecials::kNanOnlyAllOnes &&
      mantissa == (1u << m) - 1) {
    return kNan;
  }
  double significand = exponent_field == 0 ? 0.0 : 1.0;
  double weight = 1.0;
  for (int bit = m - 1; bit >= 0; --bit) {
    weight /= 2;
    if (((mantissa >> bit) & 1) != 0) significand += weight;
  }
  int power = (exponent_field == 0 ? 1 : static_cast<int>(exponent_field)) - format.bias;
  for (; power > 0; --power) significand *= 2;
  for (; power < 0; ++power) significand /= 2;
  return negative ? -significand : significand;
}

double FromBits64(uint64_t bits) {
  double value;
  std::memcpy(&value, &bits, sizeof value);
  return value;
}
float FromBits32(uint32_t bits) {
  float value;
  std::memcpy(&value, &bits, sizeof value);
  return value;
}
uint32_t FloatBits(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  return bits;
}

// g++ lowers this to libgcc's __truncdfhf2: one correctly rounded double -> half conversion,
// not a double rounding through float (checked in OracleSanity below).
uint32_t CompilerHalfBits(double value) {
  const auto half = static_cast<_Float16>(value);
  uint16_t bits;
  std::memcpy(&bits, &half, sizeof bits);
  return bits;
}
double CompilerHalfValue(uint32_t code) {
  const auto bits = static_cast<uint16_t>(code);
  _Float16 half;
  std::memcpy(&half, &bits, sizeof half);
  return static_cast<double>(half);
}

// FP32 -> BF16 round to nearest even, written on the float's bits: add just under half of the
// dropped 16 bits, plus one if the kept LSB is odd; a carry out of the mantissa bumps the
// exponent, up to Inf. NaN inputs are excluded by the callers.
uint32_t Bf16ByIntegerRne(uint32_t float_bits) {
  return (float_bits + 0x7FFF + ((float_bits >> 16) & 1)) >> 16;
}

// A double with a random sign, a binary exponent in [min_exponent, max_exponent] and 52 random
// mantissa bits. Raw bits, not std::*_distribution, so a seed gives the same values everywhere.
double RandomDouble(std::mt19937_64& rng, int min_exponent, int max_exponent) {
  const uint64_t r = rng();
  const auto span = static_cast<uint64_t>(max_exponent - min_exponent + 1);
  const int exponent = min_exponent + static_cast<int>((r >> 53) % span);
  const uint64_t bits = (rng() & ((uint64_t{1} << 52) - 1)) |
                        (static_cast<uint64_t>(exponent + 1023) << 52) | ((r & 1) << 63);
  return FromBits64(bits);
}

// Uniform in [0, limit) with 53 random bits, and a random sign.
double RandomUniform(std::mt19937_64& rng, double limit) {
  const uint64_t r = rng();
  const double magnitude = std::ldexp(static_cast<double>(r >> 11), -53) * limit;
  return (rng() & 1) != 0 ? -magnitude : magnitude;
}

// Reports at most a few mismatches of a long sweep, then the count.
class MismatchCounter {
 public:
  template <typename Describe>
  void Check(uint64_t got, uint64_t want, Describe describe) {
    ++checked_;
    if (got == want) return;
    if (++mismatches_ <= 8) {
      ADD_FAILURE() << describe() << ": got 0x" << std::hex << got << ", want 0x" << want;
    }
  }
  ~MismatchCounter() { EXPECT_EQ(mismatches_, 0) << "mismatches out of " << checked_ << " checks"; }

 private:
  int64_t checked_ = 0;
  int64_t mismatches_ = 0;
};

// --- decoding ----------------------------------------------------------------------------------

TEST(MinifloatDecode, E2M1AllCodesMatchTheSpecTable) {
  const double expected[16] = {0, 0.5, 1, 1.5, 2, 3, 4, 6, -0.0, -0.5, -1, -1.5, -2, -3, -4, -6};
  for (uint32_t code = 0; code < 16; ++code) {
    SCOPED_TRACE(code);
    EXPECT_EQ(DecodeFloat(kE2M1, code), expected[code]);
    EXPECT_EQ(std::signbit(DecodeFloat(kE2M1, code)), code >= 8);
    EXPECT_EQ(ReferenceValue(kE2M1, code), expected[code]);  // the test's own decoder, too
  }
}

TEST(MinifloatDecode, HandVectors) {
  EXPECT_EQ(DecodeFloat(kE4M3, 0x7E), 448);
  EXPECT_EQ(DecodeFloat(kE4M3, 0xFE), -448);
  EXPECT_EQ(DecodeFloat(kE4M3, 0x78), 256);
  EXPECT_EQ(DecodeFloat(kE4M3, 0x38), 1);
  EXPECT_EQ(DecodeFloat(kE4M3, 0x08), 0x1p-6);  // smallest normal
  EXPECT_EQ(DecodeFloat(kE4M3, 0x07), 7 * 0x1p-9);
  EXPECT_EQ(DecodeFloat(kE4M3, 0x01), 0x1p-9);
  EXPECT_TRUE(std::isnan(DecodeFloat(kE4M3, 0x7F)));
  EXPECT_TRUE(std::isnan(DecodeFloat(kE4M3, 0xFF)));
  EXPECT_EQ(DecodeFloat(kE5M2, 0x7B), 57344);
  EXPECT_EQ(DecodeFloat(kE5M2, 0x3C), 1);
  EXPECT_EQ(DecodeFloat(kE5M2, 0x04), 0x1p-14);
  EXPECT_EQ(DecodeFloat(kE5M2, 0x01), 0x1p-16);
  EXPECT_EQ(DecodeFloat(kE5M2, 0x7C), kInf);
  EXPECT_EQ(DecodeFloat(kE5M2, 0xFC), -kInf);
  EXPECT_TRUE(std::isnan(DecodeFloat(kE5M2, 0x7D)));
  EXPECT_EQ(DecodeFloat(kE3M2, 0x1F), 28);
  EXPECT_EQ(DecodeFloat(kE3M2, 0x0C), 1);
  EXPECT_EQ(DecodeFloat(kE3M2, 0x04), 0.25);
  EXPECT_EQ(DecodeFloat(kE3M2, 0x01), 0.0625);
  EXPECT_EQ(DecodeFloat(kE2M3, 0x1F), 7.5);
  EXPECT_EQ(DecodeFloat(kE2M3, 0x08), 1);
  EXPECT_EQ(DecodeFloat(kE2M3, 0x01), 0.125);
  EXPECT_EQ(DecodeFloat(kE2M3, 0x3F), -7.5);
  EXPECT_EQ(DecodeFloat(kFp16, 0x0001), 0x1p-24);
  EXPECT_EQ(DecodeFloat(kFp16, 0x03FF), 1023 * 0x1p-24);
  EXPECT_EQ(DecodeFloat(kFp16, 0x0400), 0x1p-14);
  EXPECT_EQ(DecodeFloat(kFp16, 0x3C00), 1);
  EXPECT_EQ(DecodeFloat(kFp16, 0x3555), 0x1.554p-2);
  EXPECT_EQ(DecodeFloat(kFp16, 0x7BFF), 65504);
  EXPECT_EQ(DecodeFloat(kFp16, 0x7C00), kInf);
  EXPECT_EQ(DecodeFloat(kFp16, 0xFC00), -kInf);
  EXPECT_TRUE(std::isnan(DecodeFloat(kFp16, 0x7E00)));
  EXPECT_TRUE(std::isnan(DecodeFloat(kFp16, 0x7C01)));
  EXPECT_EQ(DecodeFloat(kBf16, 0x3F80), 1);
  EXPECT_EQ(DecodeFloat(kBf16, 0x0001), 0x1p-133);
  EXPECT_EQ(DecodeFloat(kBf16, 0x7F7F), 0x1.fep127);
  EXPECT_EQ(DecodeFloat(kFp32, 0x00000001), 0x1p-149);
  EXPECT_EQ(DecodeFloat(kFp32, 0x3F800000), 1);
  EXPECT_EQ(DecodeFloat(kFp32, 0xC0490FDB), -0x1.921fb6p1);  // -pi as a float
}

TEST(MinifloatDecode, OnlyTheLowBitsOfACodeCount) {
  EXPECT_EQ(DecodeFloat(kE2M1, 0xFFFFFFF7), 6);
  EXPECT_EQ(DecodeFloat(kE2M1, 0x10), 0);
  EXPECT_EQ(DecodeFloat(kE4M3, 0x37E), 448);
  EXPECT_EQ(DecodeFloat(kFp16, 0xABCD3C00), 1);
  EXPECT_TRUE(IsNan(kE4M3, 0x17F));
  EXPECT_FALSE(IsNan(kE4M3, 0x17E));
  EXPECT_TRUE(IsInf(kFp16, 0x17C00));
  EXPECT_EQ(FiniteToUnits(kE2M1, 0xF9), -1);
  EXPECT_EQ(FloorLog2(kE2M1, 0xF7), 2);
}

TEST(MinifloatDecode, Fp16MatchesCompilerHalfForEveryCode) {
  for (uint32_t code = 0; code < 0x10000; ++code) {
    const double want = CompilerHalfValue(code);
    const double got = DecodeFloat(kFp16, code);
    if (std::isnan(want)) {
      EXPECT_TRUE(std::isnan(got)) << std::hex << code;
    } else {
      EXPECT_EQ(got, want) << std::hex << code;
      EXPECT_EQ(std::signbit(got), std::signbit(want)) << std::hex << code;
    }
  }
}

TEST(MinifloatDecode, Bf16IsTheTopHalfOfFp32ForEveryCode) {
  for (uint32_t code = 0; code < 0x10000; ++code) {
    const float want = FromBits32(code << 16);
    const double got = DecodeFloat(kBf16, code);
    if (std::isnan(want)) {
      EXPECT_TRUE(std::isnan(got)) << std::hex << code;
    } else {
      EXPECT_EQ(got, static_cast<double>(want)) << std::hex << code;
      EXPECT_EQ(std::signbit(got), std::signbit(want)) << std::hex << code;
    }
  }
}

TEST(MinifloatDecode, Fp32MatchesFloatOnRandomAndBoundaryCodes) {
  SCOPED_TRACE(testing::Message() << "seed " << kSeed);
  std::mt19937_64 rng(kSeed);
  std::vector<uint32_t> codes = {0x00000000, 0x80000000, 0x00000001, 0x007FFFFF, 0x00800000,
                                 0x7F7FFFFF, 0x7F800000, 0xFF800000, 0x7FC00000, 0x7F800001};
  for (int i = 0; i < 1000000; ++i) codes.push_back(static_cast<uint32_t>(rng()));
  for (const uint32_t code : codes) {
    const float want = FromBits32(code);
    const double got = DecodeFloat(kFp32, code);
    if (std::isnan(want)) {
      ASSERT_TRUE(std::isnan(got)) << std::hex << code;
    } else {
      ASSERT_EQ(got, static_cast<double>(want)) << std::hex << code;
      ASSERT_EQ(std::signbit(got), std::signbit(want)) << std::hex << code;
    }
  }
}

TEST(MinifloatDecode, E8M0ScaleHandVectorsAndEveryCode) {
  EXPECT_EQ(DecodeE8M0(0x00), 0x1p-127);
  EXPECT_EQ(DecodeE8M0(0x7F), 1);
  EXPECT_EQ(DecodeE8M0(0x80), 2);
  EXPECT_EQ(DecodeE8M0(0x7E), 0.5);
  EXPECT_EQ(DecodeE8M0(0xFE), 0x1p127);
  EXPECT_TRUE(std::isnan(DecodeE8M0(0xFF)));
  EXPECT_TRUE(std::isnan(DecodeE8M0(kE8M0Nan)));
  for (int code = 0; code < 0xFE; ++code) {  // each step doubles the scale
    EXPECT_EQ(DecodeE8M0(static_cast<uint8_t>(code + 1)),
              2 * DecodeE8M0(static_cast<uint8_t>(code)))
        << code;
  }
}

TEST(MinifloatFloorLog2, HandVectors) {
  EXPECT_EQ(FloorLog2(kFp16, 0x0001), -24);
  EXPECT_EQ(FloorLog2(kFp16, 0x0002), -23);
  EXPECT_EQ(FloorLog2(kFp16, 0x0003), -23);
  EXPECT_EQ(FloorLog2(kFp16, 0x0200), -15);
  EXPECT_EQ(FloorLog2(kFp16, 0x03FF), -15);
  EXPECT_EQ(FloorLog2(kFp16, 0x0400), -14);
  EXPECT_EQ(FloorLog2(kFp16, 0x3C00), 0);
  EXPECT_EQ(FloorLog2(kFp16, 0x3FFF), 0);
  EXPECT_EQ(FloorLog2(kFp16, 0xBC00), 0);
  EXPECT_EQ(FloorLog2(kFp16, 0x7BFF), 15);
  EXPECT_EQ(FloorLog2(kE2M1, 0x1), -1);
  EXPECT_EQ(FloorLog2(kE2M1, 0x2), 0);
  EXPECT_EQ(FloorLog2(kE2M1, 0x5), 1);
  EXPECT_EQ(FloorLog2(kE2M1, 0xF), 2);
  EXPECT_EQ(FloorLog2(kE4M3, 0x01), -9);
  EXPECT_EQ(FloorLog2(kE4M3, 0x04), -7);
  EXPECT_EQ(FloorLog2(kE4M3, 0x07), -7);
  EXPECT_EQ(FloorLog2(kE4M3, 0x08), -6);
  EXPECT_EQ(FloorLog2(kE4M3, 0x7E), 8);
  EXPECT_EQ(FloorLog2(kFp32, 0x00000001), -149);
  EXPECT_EQ(FloorLog2(kFp32, 0x7F7FFFFF), 127);
  // Preconditions: nonzero and finite.
  EXPECT_THROW(FloorLog2(kFp16, 0x0000), std::domain_error);
  EXPECT_THROW(FloorLog2(kFp16, 0x8000), std::domain_error);
  EXPECT_THROW(FloorLog2(kFp16, 0x7C00), std::domain_error);
  EXPECT_THROW(FloorLog2(kE4M3, 0x7F), std::domain_error);
}

// --- properties of every code, per format ------------------------------------------------------

class MinifloatFormatTest : public testing::TestWithParam<FormatFacts> {};

TEST_P(MinifloatFormatTest, MaxFiniteAndSpecialCodesMatchTheSpec) {
  const FormatFacts& facts = GetParam();
  const FloatFormat& format = *facts.format;
  EXPECT_EQ(MaxFinite(format), facts.max_finite);
  EXPECT_EQ(DecodeFloat(format, facts.max_code), facts.max_finite);
  EXPECT_EQ(UnitExponent(format), facts.unit_exponent);
  EXPECT_EQ(DecodeFloat(format, 1), std::ldexp(1.0, facts.unit_exponent));
}

TEST_P(MinifloatFormatTest, SaturateClampsHugeValuesAndInfinities) {
  const FormatFacts& facts = GetParam();
  const FloatFormat& format = *facts.format;
  const uint32_t sign = SignBitOf(format);
  for (const double huge : {1e300, kInf, 2 * facts.max_finite}) {
    EXPECT_EQ(EncodeFloat(format, huge, Overflow::kSaturate), facts.max_code) << huge;
    EXPECT_EQ(EncodeFloat(format, -huge, Overflow::kSaturate), sign | facts.max_code) << huge;
    EXPECT_EQ(EncodeFloat(format, huge, Overflow::kInfinity), facts.positive_overflow_code);
    EXPECT_EQ(EncodeFloat(format, -huge, Overflow::kInfinity), facts.negative_overflow_code);
  }
  if (facts.max_finite < 1e9) {
    EXPECT_EQ(EncodeFloat(format, 1e9, Overflow::kSaturate), facts.max_code);
    EXPECT_EQ(EncodeFloat(format, -1e9, Overflow::kSaturate), sign | facts.max_code);
  }
  for (const Overflow overflow : {Overflow::kSaturate, Overflow::kInfinity}) {
    EXPECT_EQ(EncodeFloat(format, facts.max_finite, overflow), facts.max_code);
    EXPECT_EQ(EncodeFloat(format, -facts.max_finite, overflow), sign | facts.max_code);
  }
}

TEST_P(MinifloatFormatTest, ZerosKeepTheirSign) {
  const FloatFormat& format = *GetParam().format;
  const uint32_t sign = SignBitOf(format);
  for (const Overflow overflow : {Overflow::kSaturate, Overflow::kInfinity}) {
    EXPECT_EQ(EncodeFloat(format, 0.0, overflow), 0u);
    EXPECT_EQ(EncodeFloat(format, -0.0, overflow), sign);
    // Underflow to zero keeps the sign too, as in IEEE 754.
    EXPECT_EQ(EncodeFloat(format, 1e-300, overflow), 0u);
    EXPECT_EQ(EncodeFloat(format, -1e-300, overflow), sign);
    EXPECT_EQ(RoundScaledToFloat(format, 0, 0, overflow), 0u);
    EXPECT_EQ(RoundScaledToFloat(format, 0, 0, overflow, /*negative_zero=*/true), sign);
    EXPECT_EQ(RoundScaledToFloat(format, -1, -1000, overflow), sign);
  }
  EXPECT_EQ(DecodeFloat(format, sign), 0.0);
  EXPECT_TRUE(std::signbit(DecodeFloat(format, sign)));
  EXPECT_FALSE(std::signbit(DecodeFloat(format, 0)));
}

TEST_P(MinifloatFormatTest, NanEncodesToTheCanonicalNanOrThrows) {
  const FormatFacts& facts = GetParam();
  for (const Overflow overflow : {Overflow::kSaturate, Overflow::kInfinity}) {
    for (const double nan : {kNan, -kNan, std::numeric_limits<double>::signaling_NaN()}) {
      if (facts.canonical_nan != 0) {
        EXPECT_EQ(EncodeFloat(*facts.format, nan, overflow), facts.canonical_nan);
      } else {
        EXPECT_THROW(EncodeFloat(*facts.format, nan, overflow), std::domain_error);
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(MinifloatAllFormats, MinifloatFormatTest,
                         testing::Values(kFp32Facts, kFp16Facts, kBf16Facts, kE4M3Facts, kE5M2Facts,
                                         kE3M2Facts, kE2M3Facts, kE2M1Facts),
                         FormatName);

// Exhaustive over the codes of every format up to 16 bits (FP32 is compared with float instead).
class MinifloatEveryCodeTest : public testing::TestWithParam<FormatFacts> {};

TEST_P(MinifloatEveryCodeTest, NanAndInfCodesMatchTheSpec) {
  const FormatFacts& facts = GetParam();
  const FloatFormat& format = *facts.format;
  int nans = 0;
  int infs = 0;
  for (uint32_t code = 0; code < CodeCount(format); ++code) {
    nans += IsNan(format, code);
    infs += IsInf(format, code);
    EXPECT_EQ(IsNan(format, code), std::isnan(ReferenceValue(format, code))) << code;
    EXPECT_EQ(IsInf(format, code), std::isinf(ReferenceValue(format, code))) << code;
  }
  EXPECT_EQ(nans, facts.nan_codes);
  EXPECT_EQ(infs, facts.inf_codes);
}

TEST_P(MinifloatEveryCodeTest, EveryCodeDecodesLikeTheReference) {
  const FloatFormat& format = *GetParam().format;
  for (uint32_t code = 0; code < CodeCount(format); ++code) {
    const double want = ReferenceValue(format, code);
    const double got = DecodeFloat(format, code);
    if (std::isnan(want)) {
      EXPECT_TRUE(std::isnan(got)) << std::hex << code;
    } else {
      EXPECT_EQ(got, want) << std::hex << code;
      EXPECT_EQ(std::signbit(got), std::signbit(want)) << std::hex << code;
    }
  }
}

TEST_P(MinifloatEveryCodeTest, EveryCodeReencodesToItself) {
  const FormatFacts& facts = GetParam();
  const FloatFormat& format = *facts.format;
  for (uint32_t code = 0; code < CodeCount(format); ++code) {
    SCOPED_TRACE(testing::Message() << "code 0x" << std::hex << code);
    const double value = ReferenceValue(format, code);
    const bool negative = (code & SignBitOf(format)) != 0;
    for (const Overflow overflow : {Overflow::kSaturate, Overflow::kInfinity}) {
      if (std::isnan(value)) {
        EXPECT_EQ(EncodeFloat(format, DecodeFloat(format, code), overflow), facts.canonical_nan);
      } else if (std::isinf(value)) {
        EXPECT_EQ(EncodeFloat(format, DecodeFloat(format, code), overflow),
                  overflow == Overflow::kInfinity
                      ? code
                      : (negative ? SignBitOf(format) : 0) | facts.max_code);
      } else {
        EXPECT_EQ(EncodeFloat(format, DecodeFloat(format, code), overflow), code);
      }
    }
  }
}

TEST_P(MinifloatEveryCodeTest, FiniteCodesAreIntegerMultiplesOfTheUnit) {
  const FloatFormat& format = *GetParam().format;
  for (uint32_t code = 0; code < CodeCount(format); ++code) {
    SCOPED_TRACE(testing::Message() << "code 0x" << std::hex << code);
    const double value = ReferenceValue(format, code);
    if (!std::isfinite(value)) {
      EXPECT_THROW(FiniteToUnits(format, code), std::domain_error);
    } else if (std::fabs(std::ldexp(value, -UnitExponent(format))) >= 0x1p63) {
      EXPECT_THROW(FiniteToUnits(format, code), std::out_of_range);  // BF16's top binades
    } else {
      const int64_t units = FiniteToUnits(format, code);
      // The units have at most 24 significant bits, so the double conversion is exact.
      EXPECT_EQ(std::ldexp(static_cast<double>(units), UnitExponent(format)), value);
      EXPECT_EQ(std::ldexp(static_cast<double>(units), UnitExponent(format)),
                DecodeFloat(format, code));
    }
  }
}

TEST_P(MinifloatEveryCodeTest, FloorLog2BracketsEveryNonzeroFiniteValue) {
  const FloatFormat& format = *GetParam().format;
  for (uint32_t code = 0; code < CodeCount(format); ++code) {
    const double magnitude = std::fabs(ReferenceValue(format, code));
    if (!std::isfinite(magnitude) || magnitude == 0) continue;
    const int floor_log2 = FloorLog2(format, code);
    EXPECT_LE(std::ldexp(1.0, floor_log2), magnitude) << std::hex << code;
    EXPECT_GT(std::ldexp(1.0, floor_log2 + 1), magnitude) << std::hex << code;
  }
}

INSTANTIATE_TEST_SUITE_P(MinifloatUpTo16Bits, MinifloatEveryCodeTest,
                         testing::Values(kFp16Facts, kBf16Facts, kE4M3Facts, kE5M2Facts, kE3M2Facts,
                                         kE2M3Facts, kE2M1Facts),
                         FormatName);

TEST(MinifloatUnits, Fp32UnitsFitInt64OnlyBelow2To63Units) {
  EXPECT_EQ(FiniteToUnits(kFp32, 0x00000001), 1);
  EXPECT_EQ(FiniteToUnits(kFp32, 0x80800000), -(int64_t{1} << 23));  // -smallest normal
  // Biased exponent 40: (2^24 - 1) * 2^-110 = (2^24 - 1) * 2^39 units, the largest that fits.
  EXPECT_EQ(FiniteToUnits(kFp32, (40u << 23) | 0x7FFFFF), int64_t{0xFFFFFF} << 39);
  EXPECT_THROW(FiniteToUnits(kFp32, 41u << 23), std::out_of_range);   // 2^63 units
  EXPECT_THROW(FiniteToUnits(kFp32, 0x3F800000), std::out_of_range);  // 1.0 = 2^149 units
  EXPECT_THROW(FiniteToUnits(kFp32, 0x7FC00000), std::domain_error);
}

// --- encoding: hand vectors ----------------------------------------------------------------------

TEST(MinifloatEncode, MaxFiniteCodes) {
  for (const Overflow overflow : {Overflow::kSaturate, Overflow::kInfinity}) {
    EXPECT_EQ(EncodeFloat(kE4M3, 448, overflow), 0x7Eu);
    EXPECT_EQ(EncodeFloat(kE5M2, 57344, overflow), 0x7Bu);
    EXPECT_EQ(EncodeFloat(kE3M2, 28, overflow), 0x1Fu);
    EXPECT_EQ(EncodeFloat(kE2M3, 7.5, overflow), 0x1Fu);
    EXPECT_EQ(EncodeFloat(kE2M1, 6, overflow), 0x7u);
    EXPECT_EQ(EncodeFloat(kFp16, 65504, overflow), 0x7BFFu);
  }
}

// E4M3's largest finite 448 = 1.110b * 2^8 has an even mantissa; the grid point above it,
// 480 = 1.111b * 2^8, is the NaN code. So the tie 464 rounds (to even) to 448, and only values
// above 464 overflow: to NaN under kInfinity, to 448 under kSaturate.
TEST(MinifloatEncode, E4M3OverflowStartsAbove464) {
  const double above = std::nextafter(464.0, kInf);
  for (const Overflow overflow : {Overflow::kSaturate, Overflow::kInfinity}) {
    EXPECT_EQ(EncodeFloat(kE4M3, 464, overflow), 0x7Eu);
    EXPECT_EQ(EncodeFloat(kE4M3, -464, overflow), 0xFEu);
    EXPECT_EQ(EncodeFloat(kE4M3, 463.99, overflow), 0x7Eu);
    EXPECT_EQ(EncodeFloat(kE4M3, 432, overflow), 0x7Eu);  // tie 416|448: 448 = 1.110b is even
    EXPECT_EQ(EncodeFloat(kE4M3, 431.99, overflow), 0x7Du);
  }
  EXPECT_EQ(EncodeFloat(kE4M3, above, Overflow::kInfinity), 0x7Fu);
  EXPECT_EQ(EncodeFloat(kE4M3, -above, Overflow::kInfinity), 0x7Fu);  // one canonical NaN
  EXPECT_EQ(EncodeFloat(kE4M3, 480, Overflow::kInfinity), 0x7Fu);
  EXPECT_EQ(EncodeFloat(kE4M3, kInf, Overflow::kInfinity), 0x7Fu);
  EXPECT_EQ(EncodeFloat(kE4M3, -kInf, Overflow::kInfinity), 0x7Fu);
  EXPECT_EQ(EncodeFloat(kE4M3, above, Overflow::kSaturate), 0x7Eu);
  EXPECT_EQ(EncodeFloat(kE4M3, -above, Overflow::kSaturate), 0xFEu);
  EXPECT_EQ(EncodeFloat(kE4M3, -kInf, Overflow::kSaturate), 0xFEu);
}

// The IEEE formats end on an odd mantissa (all ones), so the tie MaxFinite + ulp/2 already
// rounds up, to Inf, as IEEE 754 requires.
TEST(MinifloatEncode, IeeeOverflowStartsAtHalfAnUlpAboveMax) {
  EXPECT_EQ(EncodeFloat(kE5M2, 61440, Overflow::kInfinity), 0x7Cu);
  EXPECT_EQ(EncodeFloat(kE5M2, -61440, Overflow::kInfinity), 0xFCu);
  EXPECT_EQ(EncodeFloat(kE5M2, 61440, Overflow::kSaturate), 0x7Bu);
  EXPECT_EQ(EncodeFloat(kE5M2, std::nextafter(61440.0, 0.0), Overflow::kInfinity), 0x7Bu);
  EXPECT_EQ(EncodeFloat(kFp16, 65520, Overflow::kInfinity), 0x7C00u);
  EXPECT_EQ(EncodeFloat(kFp16, -65520, Overflow::kInfinity), 0xFC00u);
  EXPECT_EQ(EncodeFloat(kFp16, 65520, Overflow::kSaturate), 0x7BFFu);
  EXPECT_EQ(EncodeFloat(kFp16, std::nextafter(65520.0, 0.0), Overflow::kInfinity), 0x7BFFu);
  EXPECT_EQ(EncodeFloat(kFp16, kInf, Overflow::kInfinity), 0x7C00u);
  EXPECT_EQ(EncodeFloat(kFp16, -kInf, Overflow::kInfinity), 0xFC00u);
  EXPECT_EQ(EncodeFloat(kFp32, 0x1.ffffffp127, Overflow::kInfinity), 0x7F800000u);
  EXPECT_EQ(EncodeFloat(kFp32, 0x1.fffffefffffffp127, Overflow::kInfinity), 0x7F7FFFFFu);
  EXPECT_EQ(EncodeFloat(kBf16, 0x1.ffp127, Overflow::kInfinity), 0x7F80u);
  EXPECT_EQ(EncodeFloat(kBf16, 0x1.ffp127, Overflow::kSaturate), 0x7F7Fu);
}

// Without Inf or NaN, overflow saturates under both rules.
TEST(MinifloatEncode, FormatsWithoutSpecialsSaturateUnderBothRules) {
  for (const Overflow overflow : {Overflow::kSaturate, Overflow::kInfinity}) {
    EXPECT_EQ(EncodeFloat(kE3M2, 29.99, overflow), 0x1Fu);
    EXPECT_EQ(EncodeFloat(kE3M2, 30, overflow), 0x1Fu);
    EXPECT_EQ(EncodeFloat(kE3M2, -1e9, overflow), 0x3Fu);
    EXPECT_EQ(EncodeFloat(kE2M3, 7.75, overflow), 0x1Fu);
    EXPECT_EQ(EncodeFloat(kE2M3, kInf, overflow), 0x1Fu);
    EXPECT_EQ(EncodeFloat(kE2M1, 7, overflow), 0x7u);
    EXPECT_EQ(EncodeFloat(kE2M1, 1e9, overflow), 0x7u);
    EXPECT_EQ(EncodeFloat(kE2M1, -kInf, overflow), 0xFu);
  }
}

TEST(MinifloatEncode, E2M1RoundsToNearestEven) {
  const Overflow o = Overflow::kInfinity;
  EXPECT_EQ(EncodeFloat(kE2M1, 0.25, o), 0x0u);  // tie 0|0.5 -> 0
  EXPECT_EQ(EncodeFloat(kE2M1, 0.26, o), 0x1u);
  EXPECT_EQ(EncodeFloat(kE2M1, 0.75, o), 0x2u);  // tie 0.5|1 -> 1 (code 0x2, even)
  EXPECT_EQ(EncodeFloat(kE2M1, 1.25, o), 0x2u);  // tie 1|1.5 -> 1
  EXPECT_EQ(EncodeFloat(kE2M1, 1.75, o), 0x4u);  // tie 1.5|2 -> 2, the next binade
  EXPECT_EQ(EncodeFloat(kE2M1, 2.5, o), 0x4u);   // tie 2|3 -> 2
  EXPECT_EQ(EncodeFloat(kE2M1, 3.5, o), 0x6u);   // tie 3|4 -> 4
  EXPECT_EQ(EncodeFloat(kE2M1, 5, o), 0x6u);     // tie 4|6 -> 4
  EXPECT_EQ(EncodeFloat(kE2M1, 5.01, o), 0x7u);
  EXPECT_EQ(EncodeFloat(kE2M1, -5, o), 0xEu);
}

TEST(MinifloatEncode, Fp16SubnormalsAndBinadeCarries) {
  const Overflow o = Overflow::kInfinity;
  EXPECT_EQ(EncodeFloat(kFp16, 0x1p-24, o), 0x0001u);         // smallest subnormal
  EXPECT_EQ(EncodeFloat(kFp16, 1023 * 0x1p-24, o), 0x03FFu);  // largest subnormal
  EXPECT_EQ(EncodeFloat(kFp16, 0x1p-14, o), 0x0400u);         // smallest normal
  EXPECT_EQ(EncodeFloat(kFp16, 0x1p-25, o), 0x0000u);         // tie 0|2^-24 -> 0
  EXPECT_EQ(EncodeFloat(kFp16, -0x1p-25, o), 0x8000u);
  EXPECT_EQ(EncodeFloat(kFp16, std::nextafter(0x1p-25, 1.0), o), 0x0001u);
  EXPECT_EQ(EncodeFloat(kFp16, 3 * 0x1p-26, o), 0x0001u);
  EXPECT_EQ(EncodeFloat(kFp16, 3 * 0x1p-25, o), 0x0002u);  // tie 1|2 units -> 2
  EXPECT_EQ(EncodeFloat(kFp16, 5 * 0x1p-25, o), 0x0002u);  // tie 2|3 units -> 2
  EXPECT_EQ(EncodeFloat(kFp16, 1022.5 * 0x1p-24, o), 0x03FEu);
  EXPECT_EQ(EncodeFloat(kFp16, 1023.25 * 0x1p-24, o), 0x03FFu);
  EXPECT_EQ(EncodeFloat(kFp16, 1023.5 * 0x1p-24, o), 0x0400u);  // up into the normals
  EXPECT_EQ(EncodeFloat(kFp16, 2 - 0x1p-11, o), 0x4000u);       // tie 0x3FFF|2 -> 2
  EXPECT_EQ(EncodeFloat(kFp16, 2 - 0x1p-11 - 0x1p-40, o), 0x3FFFu);
  EXPECT_EQ(EncodeFloat(kFp16, 1 + 0x1p-11, o), 0x3C00u);  // tie -> even 1.0
  EXPECT_EQ(EncodeFloat(kFp16, 1 + 0x1p-11 + 0x1p-52, o), 0x3C01u);
  EXPECT_EQ(EncodeFloat(kFp16, 1 + 3 * 0x1p-11, o), 0x3C02u);  // tie 0x3C01|0x3C02 -> even
  EXPECT_EQ(EncodeFloat(kFp16, 0x1p-1074, o), 0x0000u);        // smallest double subnormal
  EXPECT_EQ(EncodeFloat(kFp32, 0x1p-150, o), 0x00000000u);     // tie 0|2^-149 -> 0
  EXPECT_EQ(EncodeFloat(kFp32, 0x1.8p-150, o), 0x00000001u);
  EXPECT_TRUE(IsInf(kFp16, 0x7C00));
  EXPECT_TRUE(IsNan(kFp16, EncodeFloat(kFp16, kNan, o)));
}

// --- encoding: against independent oracles ------------------------------------------------------

// The positive finite values of a format (from the reference decoder) plus one virtual point: the
// next value above MaxFinite on the top binade's spacing. Rounding to it means overflow; it is
// "even" when MaxFinite's code is odd, as codes alternate.
struct Grid {
  std::vector<std::pair<double, uint32_t>> points;  // (value, code), ascending
  double above_max = 0;
  bool above_max_is_even = false;
};

Grid MakeGrid(const FloatFormat& format) {
  Grid grid;
  for (uint32_t code = 0; code < SignBitOf(format); ++code) {
    const double value = ReferenceValue(format, code);
    if (std::isfinite(value)) grid.points.emplace_back(value, code);
  }
  std::sort(grid.points.begin(), grid.points.end());
  const auto& max = grid.points[grid.points.size() - 1];
  const auto& below_max = grid.points[grid.points.size() - 2];
  grid.above_max = max.first + (max.first - below_max.first);
  grid.above_max_is_even = (max.second & 1) != 0;
  return grid;
}

// Nearest representable value by scanning every code; ties go to the even code, whose mantissa
// LSB is 0. The distances to the two bracketing values are exact (Sterbenz), so ties are seen.
uint32_t BruteForceEncode(const FormatFacts& facts, const Grid& grid, double value,
                          Overflow overflow) {
  const double magnitude = std::fabs(value);
  double best_distance = std::fabs(magnitude - grid.above_max);
  bool best_even = grid.above_max_is_even;
  bool overflows = true;
  uint32_t best_code = 0;
  for (const auto& [point, code] : grid.points) {
    const double distance = std::fabs(magnitude - point);
    const bool even = (code & 1) == 0;
    if (distance < best_distance || (distance == best_distance && even && !best_even)) {
      best_distance = distance;
      best_even = even;
      best_code = code;
      overflows = false;
    }
  }
  const bool negative = std::signbit(value);
  if (overflows) return OverflowCode(facts, negative, overflow);
  return (negative ? SignBitOf(*facts.format) : 0) | best_code;
}

class MinifloatSmallFormatTest : public testing::TestWithParam<FormatFacts> {};

TEST_P(MinifloatSmallFormatTest, MatchesBruteForceAtEveryTieAndItsNeighbours) {
  const FormatFacts& facts = GetParam();
  const Grid grid = MakeGrid(*facts.format);
  std::vector<double> values;
  for (size_t i = 0; i < grid.points.size(); ++i) {
    const double low = grid.points[i].first;
    const double high = i + 1 < grid.points.size() ? grid.points[i + 1].first : grid.above_max;
    const double tie = (low + high) / 2;
    for (const double v : {low, tie, std::nextafter(tie, 0.0), std::nextafter(tie, kInf),
                           std::nextafter(low, kInf), high}) {
      values.push_back(v);
      values.push_back(-v);
    }
  }
  MismatchCounter counter;
  for (const double value : values) {
    for (const Overflow overflow : {Overflow::kSaturate, Overflow::kInfinity}) {
      counter.Check(EncodeFloat(*facts.format, value, overflow),
                    BruteForceEncode(facts, grid, value, overflow), [&] {
                      return testing::Message() << std::hexfloat << value << " overflow "
                                                << static_cast<int>(overflow);
                    });
    }
  }
}

TEST_P(MinifloatSmallFormatTest, MatchesBruteForceOnRandomValues) {
  const FormatFacts& facts = GetParam();
  SCOPED_TRACE(testing::Message() << "seed " << kSeed);
  std::mt19937_64 rng(kSeed);
  const Grid grid = MakeGrid(*facts.format);
  const int top_exponent = static_cast<int>(std::log2(grid.above_max)) + 1;
  MismatchCounter counter;
  for (int i = 0; i < 200000; ++i) {
    // Alternately uniform up to past the overflow point and log-uniform from below the unit.
    const double value = i % 2 == 0 ? RandomUniform(rng, 1.25 * grid.above_max)
                                    : RandomDouble(rng, facts.unit_exponent - 3, top_exponent);
    for (const Overflow overflow : {Overflow::kSaturate, Overflow::kInfinity}) {
      counter.Check(EncodeFloat(*facts.format, value, overflow),
                    BruteForceEncode(facts, grid, value, overflow), [&] {
                      return testing::Message() << std::hexfloat << value << " overflow "
                                                << static_cast<int>(overflow);
                    });
    }
  }
}

INSTANTIATE_TEST_SUITE_P(MinifloatEightBitsOrFewer, MinifloatSmallFormatTest,
                         testing::Values(kE4M3Facts, kE5M2Facts, kE3M2Facts, kE2M3Facts,
                                         kE2M1Facts),
                         FormatName);

uint32_t SaturateIeee(uint32_t code, uint32_t inf_code, uint32_t max_code, uint32_t sign_bit) {
  return (code & ~sign_bit) == inf_code ? (code & sign_bit) | max_code : code;
}

void CheckFp16AgainstCompiler(double value, MismatchCounter& counter) {
  const uint32_t want = CompilerHalfBits(value);
  auto describe = [&] { return testing::Message() << std::hexfloat << value; };
  counter.Check(EncodeFloat(kFp16, value, Overflow::kInfinity), want, describe);
  counter.Check(EncodeFloat(kFp16, value, Overflow::kSaturate),
                SaturateIeee(want, 0x7C00, 0x7BFF, 0x8000), describe);
}

TEST(MinifloatEncodeFp16, OracleSanity) {
  // Through float, 1 + 2^-11 + 2^-40 would first become the tie 1 + 2^-11 and then 1.0.
  EXPECT_EQ(CompilerHalfBits(1 + 0x1p-11 + 0x1p-40), 0x3C01u);
  EXPECT_EQ(CompilerHalfBits(0x1p-24), 0x0001u);
  EXPECT_EQ(CompilerHalfBits(65520), 0x7C00u);
}

TEST(MinifloatEncodeFp16, MatchesCompilerHalfOnRandomDoubles) {
  SCOPED_TRACE(testing::Message() << "seed " << kSeed);
  std::mt19937_64 rng(kSeed);
  MismatchCounter counter;
  for (int i = 0; i < 3000000; ++i) {
    // Subnormals and values that round to zero (2^-27) up to past the overflow point (2^17).
    CheckFp16AgainstCompiler(RandomDouble(rng, -27, 17), counter);
  }
  for (int i = 0; i < 500000; ++i) {
    const double near_max = 65504 + RandomUniform(rng, 64);  // 65440..65568, both signs
    CheckFp16AgainstCompiler(near_max, counter);
  }
  for (int i = 0; i < 500000; ++i) CheckFp16AgainstCompiler(RandomUniform(rng, 0x1p-14), counter);
}

TEST(MinifloatEncodeFp16, MatchesCompilerHalfAtEveryTieAndItsNeighbours) {
  MismatchCounter counter;
  for (uint32_t code = 0; code < 0x7C00; ++code) {  // every positive finite code
    const double low = CompilerHalfValue(code);
    const double high = code + 1 < 0x7C00 ? CompilerHalfValue(code + 1) : 65536;
    const double tie = (low + high) / 2;  // exact: one more bit than the half has
    for (const double v : {tie, std::nextafter(tie, 0.0), std::nextafter(tie, kInf), low}) {
      CheckFp16AgainstCompiler(v, counter);
      CheckFp16AgainstCompiler(-v, counter);
    }
  }
}

void CheckBf16AgainstIntegerRne(uint32_t float_bits, MismatchCounter& counter) {
  const float value = FromBits32(float_bits);
  if (std::isnan(value)) return;
  const uint32_t want = Bf16ByIntegerRne(float_bits);
  auto describe = [&] { return testing::Message() << "float bits 0x" << std::hex << float_bits; };
  counter.Check(EncodeFloat(kBf16, value, Overflow::kInfinity), want, describe);
  counter.Check(EncodeFloat(kBf16, value, Overflow::kSaturate),
                SaturateIeee(want, 0x7F80, 0x7F7F, 0x8000), describe);
}

TEST(MinifloatEncodeBf16, MatchesIntegerRneOfFloatBits) {
  MismatchCounter counter;
  // Every BF16 code with the dropped half at zero, just above zero, just below, at and around
  // the tie, and all ones: every tie of the format, both parities, both signs.
  for (uint32_t high = 0; high < 0x10000; ++high) {
    for (const uint32_t low : {0x0000u, 0x0001u, 0x7FFFu, 0x8000u, 0x8001u, 0xFFFFu}) {
      CheckBf16AgainstIntegerRne((high << 16) | low, counter);
    }
  }
  SCOPED_TRACE(testing::Message() << "seed " << kSeed);
  std::mt19937_64 rng(kSeed);
  for (int i = 0; i < 2000000; ++i) {
    CheckBf16AgainstIntegerRne(static_cast<uint32_t>(rng()), counter);
  }
}

void CheckFp32AgainstCompiler(double value, MismatchCounter& counter) {
  const uint32_t want = FloatBits(static_cast<float>(value));
  auto describe = [&] { return testing::Message() << std::hexfloat << value; };
  counter.Check(EncodeFloat(kFp32, value, Overflow::kInfinity), want, describe);
  counter.Check(EncodeFloat(kFp32, value, Overflow::kSaturate),
                SaturateIeee(want, 0x7F800000, 0x7F7FFFFF, 0x80000000), describe);
}

TEST(MinifloatEncodeFp32, MatchesFloatConversion) {
  SCOPED_TRACE(testing::Message() << "seed " << kSeed);
  std::mt19937_64 rng(kSeed);
  MismatchCounter counter;
  for (int i = 0; i < 1000000; ++i) CheckFp32AgainstCompiler(RandomDouble(rng, -155, 129), counter);
  for (int i = 0; i < 500000; ++i) {  // ties between a random float and the next, and neighbours
    const float low = std::fabs(FromBits32(static_cast<uint32_t>(rng())));
    if (!std::isfinite(low)) continue;
    const double tie =
        (static_cast<double>(low) + static_cast<double>(std::nextafter(low, INFINITY))) / 2;
    for (const double v : {tie, std::nextafter(tie, 0.0), std::nextafter(tie, kInf)}) {
      CheckFp32AgainstCompiler(v, counter);
      CheckFp32AgainstCompiler(-v, counter);
    }
  }
}

// --- RoundScaledToFloat
// ---------------------------------------------------------------------------

__int128 Pow2(int n) { return static_cast<__int128>(1) << n; }

TEST(MinifloatRoundScaled, WideMantissasHandVectors) {
  const Overflow o = Overflow::kInfinity;
  // FP32 keeps 24 bits: of 1.xxx * 2^100, the rounding point is bit 76 and sticky bits go to 0.
  EXPECT_EQ(RoundScaledToFloat(kFp32, Pow2(100) + 1, -100, o), 0x3F800000u);
  EXPECT_EQ(RoundScaledToFloat(kFp32, Pow2(100) + Pow2(76), -100, o), 0x3F800000u);  // tie
  EXPECT_EQ(RoundScaledToFloat(kFp32, Pow2(100) + Pow2(76) + 1, -100, o), 0x3F800001u);
  EXPECT_EQ(RoundScaledToFloat(kFp32, Pow2(100) + Pow2(77) + Pow2(76), -100, o), 0x3F800002u);
  EXPECT_EQ(RoundScaledToFloat(kFp32, -(Pow2(100) + Pow2(76) + 1), -100, o), 0xBF800001u);
  EXPECT_EQ(RoundScaledToFloat(kFp32, Pow2(100) - 1, -100, o), 0x3F800000u);  // carry to 1.0
  EXPECT_EQ(RoundScaledToFloat(kFp32, Pow2(100) - 1, -99, o), 0x40000000u);
  EXPECT_EQ(RoundScaledToFloat(kFp32, 3, 0, o), 0x40400000u);
  // FP16: 1 + 2^-11 is the tie between 1 and 1 + 2^-10.
  EXPECT_EQ(RoundScaledToFloat(kFp16, Pow2(100) + Pow2(89), -100, o), 0x3C00u);
  EXPECT_EQ(RoundScaledToFloat(kFp16, Pow2(100) + Pow2(89) + 1, -100, o), 0x3C01u);
  EXPECT_EQ(RoundScaledToFloat(kFp16, Pow2(100), -125, o), 0x0000u);  // 2^-25: tie -> 0
  EXPECT_EQ(RoundScaledToFloat(kFp16, Pow2(100) + 1, -125, o), 0x0001u);
  EXPECT_EQ(RoundScaledToFloat(kFp16, 3 * Pow2(100), -126, o), 0x0001u);  // 3 * 2^-26
  EXPECT_EQ(RoundScaledToFloat(kFp16, (1023 * Pow2(1) + 1) * Pow2(90), -115, o), 0x0400u);
  // E4M3: 464 = 29 * 2^4 is the tie that stays at 448; anything above overflows.
  EXPECT_EQ(RoundScaledToFloat(kE4M3, 29 * Pow2(100), -96, o), 0x7Eu);
  EXPECT_EQ(RoundScaledToFloat(kE4M3, 29 * Pow2(100) + 1, -96, o), 0x7Fu);
  EXPECT_EQ(RoundScaledToFloat(kE4M3, 29 * Pow2(100) + 1, -96, Overflow::kSaturate), 0x7Eu);
  EXPECT_EQ(RoundScaledToFloat(kE4M3, -(29 * Pow2(100) + 1), -96, Overflow::kSaturate), 0xFEu);
  EXPECT_EQ(RoundScaledToFloat(kE2M1, 5 * Pow2(120), -120, o), 0x6u);  // tie 4|6 -> 4
  EXPECT_EQ(RoundScaledToFloat(kE2M1, 5 * Pow2(120) + 1, -120, o), 0x7u);
}

TEST(MinifloatRoundScaled, ExtremeMantissasAndExponents) {
  const __int128 min = -Pow2(126) - Pow2(126);  // -2^127
  const __int128 max = Pow2(126) - 1 + Pow2(126);
  const Overflow o = Overflow::kInfinity;
  EXPECT_EQ(RoundScaledToFloat(kFp16, min, -127, o), 0xBC00u);       // -1
  EXPECT_EQ(RoundScaledToFloat(kFp16, min, -127 - 24, o), 0x8001u);  // -2^-24
  EXPECT_EQ(RoundScaledToFloat(kFp16, min, -127 - 25, o), 0x8000u);  // tie -> -0
  EXPECT_EQ(RoundScaledToFloat(kFp16, min, -127 - 26, o), 0x8000u);
  EXPECT_EQ(RoundScaledToFloat(kFp16, min, -127 + 16, o), 0xFC00u);
  EXPECT_EQ(RoundScaledToFloat(kFp16, min, -127 + 16, Overflow::kSaturate), 0xFBFFu);
  EXPECT_EQ(RoundScaledToFloat(kFp16, max, -127, o), 0x3C00u);       // 1 - 2^-127 -> 1
  EXPECT_EQ(RoundScaledToFloat(kFp16, max, -127 + 16, o), 0x7C00u);  // just below 65536
  EXPECT_EQ(RoundScaledToFloat(kFp16, max, -127 - 24, o), 0x0001u);  // just below 2^-24
  EXPECT_EQ(RoundScaledToFloat(kFp16, max, -127 - 25, o), 0x0000u);  // just below the tie
  for (const FloatFormat* format : {&kFp32, &kFp16, &kE4M3, &kE2M1}) {
    SCOPED_TRACE(format->name);
    const uint32_t sign = SignBitOf(*format);
    EXPECT_EQ(RoundScaledToFloat(*format, 1, std::numeric_limits<int>::min(), o), 0u);
    EXPECT_EQ(RoundScaledToFloat(*format, -1, std::numeric_limits<int>::min(), o), sign);
    EXPECT_EQ(RoundScaledToFloat(*format, max, std::numeric_limits<int>::min(), o), 0u);
    EXPECT_EQ(RoundScaledToFloat(*format, min, std::numeric_limits<int>::min(), o), sign);
    EXPECT_EQ(RoundScaledToFloat(*format, 1, std::numeric_limits<int>::max(), o),
              EncodeFloat(*format, kInf, o));
    EXPECT_EQ(RoundScaledToFloat(*format, min, std::numeric_limits<int>::max(), o),
              EncodeFloat(*format, -kInf, o));
  }
}

// Rounds a wide integer to 53 significant bits by round-to-odd (truncate, then set the last bit
// if anything nonzero was dropped). Round-to-odd to p + 2 or more bits followed by RNE to p bits
// equals RNE to p bits directly (Boldo & Melquiond), so the double this returns can be handed to
// the compiler's conversions or the brute-force oracle to get the correct RNE of the wide value.
double RoundToOdd53(__int128 mantissa, int exponent) {
  const bool negative = mantissa < 0;
  auto magnitude = static_cast<unsigned __int128>(negative ? -mantissa : mantissa);
  int length = 0;
  for (unsigned __int128 m = magnitude; m != 0; m >>= 1) ++length;
  if (length > 53) {
    const int dropped = length - 53;
    const bool sticky = (magnitude & ((static_cast<unsigned __int128>(1) << dropped) - 1)) != 0;
    magnitude = (magnitude >> dropped) | (sticky ? 1 : 0);
    exponent += dropped;
  }
  const double value = std::ldexp(static_cast<double>(static_cast<uint64_t>(magnitude)), exponent);
  return negative ? -value : value;
}

// A random mantissa of 1 to 126 bits (so negation is safe), often shaped as a tie or a near-tie
// at a random bit position, and an exponent putting its value's log2 in [min_log2, max_log2].
std::pair<__int128, int> RandomScaled(std::mt19937_64& rng, int min_log2, int max_log2) {
  const int length = 1 + static_cast<int>(rng() % 126);
  unsigned __int128 magnitude = (static_cast<unsigned __int128>(rng()) << 64) | rng();
  magnitude >>= 128 - length;
  magnitude |= static_cast<unsigned __int128>(1) << (length - 1);
  if (length > 2 && rng() % 2 == 0) {  // 1 then zeros below a random bit: an exact tie, maybe
    const int point = 1 + static_cast<int>(rng() % static_cast<uint64_t>(length - 2));
    magnitude = (magnitude >> point << point) | (static_cast<unsigned __int128>(1) << (point - 1));
    if (rng() % 2 == 0) magnitude += 1;  // a sticky bit far below
  }
  const int log2 = min_log2 + static_cast<int>(rng() % static_cast<uint64_t>(max_log2 - min_log2));
  const auto mantissa = static_cast<__int128>(magnitude);
  return {rng() % 2 == 0 ? mantissa : -mantissa, log2 - (length - 1)};
}

TEST(MinifloatRoundScaled, MatchesRoundToOddThenCompilerOrBruteForce) {
  SCOPED_TRACE(testing::Message() << "seed " << kSeed);
  std::mt19937_64 rng(kSeed);
  MismatchCounter counter;
  auto describe = [](__int128 mantissa, int exponent) {
    return
        [=] {
          return testing::Message()
                 << "mantissa bits high 0x" << std::hex
                 << static_cast<uint64_t>(static_cast<unsigned __int128>(mantissa) >> 64)
                 << " low 0x" << static_cast<uint64_t>(mantissa) << std::dec << " exponent "
                 << exponent;
        };
  };
  for (int i = 0; i < 500000; ++i) {
    const auto [mantissa, exponent] = RandomScaled(rng, -155, 130);
    const uint32_t want = FloatBits(static_cast<float>(RoundToOdd53(mantissa, exponent)));
    counter.Check(RoundScaledToFloat(kFp32, mantissa, exponent, Overflow::kInfinity), want,
                  describe(mantissa, exponent));
  }
  for (int i = 0; i < 500000; ++i) {
    const auto [mantissa, exponent] = RandomScaled(rng, -27, 17);
    const uint32_t want = CompilerHalfBits(RoundToOdd53(mantissa, exponent));
    counter.Check(RoundScaledToFloat(kFp16, mantissa, exponent, Overflow::kInfinity), want,
                  describe(mantissa, exponent));
  }
  for (const FormatFacts& facts : {kE4M3Facts, kE2M1Facts, kE3M2Facts}) {
    const Grid grid = MakeGrid(*facts.format);
    for (int i = 0; i < 100000; ++i) {
      const auto [mantissa, exponent] = RandomScaled(rng, facts.unit_exponent - 3, 10);
      for (const Overflow overflow : {Overflow::kSaturate, Overflow::kInfinity}) {
        counter.Check(RoundScaledToFloat(*facts.format, mantissa, exponent, overflow),
                      BruteForceEncode(facts, grid, RoundToOdd53(mantissa, exponent), overflow),
                      describe(mantissa, exponent));
      }
    }
  }
}

}  // namespace
}  // namespace mixpe
