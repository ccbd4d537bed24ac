// Binary floating-point element formats (FP32, FP16, BF16, FP8 E4M3/E5M2, FP6 E3M2/E2M3,
// FP4 E2M1) and the E8M0 scale: exact decoding, correctly rounded encoding, and the exact
// fixed-point view (integer mantissa times a power of two) the golden model computes with.
//
// Conventions, the same for every format:
// - Rounding is to nearest, ties to even (RNE), applied once to the exact value.
// - Subnormals are kept (no flush to zero) on input and output.
// - A finite value of the format is an integer multiple of its unit 2^UnitExponent(format), the
//   value of the smallest subnormal, so every finite code maps exactly to (integer, UnitExponent).
#pragma once

#include <cstdint>

namespace mixpe {

// Which codes of the largest exponent are not finite numbers.
enum class FloatSpecials {
  kIeee,  // exponent all ones: Inf (mantissa 0) and NaN (mantissa != 0): FP32, FP16, BF16, E5M2
  kNanOnlyAllOnes,  // no Inf; only S.1111.111 is NaN, the rest of the top exponent is finite: E4M3
  kNone,            // every code is a finite number: E3M2, E2M3, E2M1
};

struct FloatFormat {
  const char* name;
  int exponent_bits;
  int mantissa_bits;
  int bias;
  FloatSpecials specials;

  int total_bits() const { return 1 + exponent_bits + mantissa_bits; }
};

inline constexpr FloatFormat kFp32{"fp32", 8, 23, 127, FloatSpecials::kIeee};
inline constexpr FloatFormat kFp16{"fp16", 5, 10, 15, FloatSpecials::kIeee};
inline constexpr FloatFormat kBf16{"bf16", 8, 7, 127, FloatSpecials::kIeee};
inline constexpr FloatFormat kE4M3{"e4m3", 4, 3, 7, FloatSpecials::kNanOnlyAllOnes};
inline constexpr FloatFormat kE5M2{"e5m2", 5, 2, 15, FloatSpecials::kIeee};
inline constexpr FloatFormat kE3M2{"e3m2", 3, 2, 3, FloatSpecials::kNone};
inline constexpr FloatFormat kE2M3{"e2m3", 2, 3, 1, FloatSpecials::kNone};
inline constexpr FloatFormat kE2M1{"e2m1", 2, 1, 1, FloatSpecials::kNone};

// What encoding does with a value beyond the largest finite magnitude (after rounding).
enum class Overflow {
  kSaturate,  // clamp to +-MaxFinite (Inf inputs too): the OCP MX conversion with saturation
  kInfinity,  // IEEE: +-Inf where the format has Inf, NaN (0x7F, unsigned) where it has only NaN
              // (E4M3), and +-MaxFinite where it has neither (E3M2, E2M3, E2M1)
};

// The exact value of `code` (its low total_bits() bits): +-0, subnormals, normals, +-Inf, NaN.
double DecodeFloat(const FloatFormat& format, uint32_t code);

// The code of `value` rounded to nearest even; values that round to zero keep their sign, and
// overflow is decided on the rounded magnitude (E4M3: up to 464 rounds to 448). NaN encodes to the
// canonical quiet NaN code (sign 0, exponent all ones, mantissa MSB set, or all ones for E4M3);
// formats without NaN throw std::domain_error for a NaN input. -0.0 encodes to the negative-zero
// code.
uint32_t EncodeFloat(const FloatFormat& format, double value, Overflow overflow);

// Correctly rounded encoding of the exact value mantissa * 2^exponent (RNE, subnormals, then the
// overflow rule). Used where a value does not fit a double exactly (wide exact sums).
// A zero mantissa encodes to +0 (negative_zero selects -0).
uint32_t RoundScaledToFloat(const FloatFormat& format, __int128 mantissa, int exponent,
                            Overflow overflow, bool negative_zero = false);

double MaxFinite(const FloatFormat& format);
bool IsNan(const FloatFormat& format, uint32_t code);
bool IsInf(const FloatFormat& format, uint32_t code);

// The exponent of the format's unit, the smallest subnormal: 1 - bias - mantissa_bits.
// (E2M1: -1, so values are multiples of 0.5; FP16: -24.)
int UnitExponent(const FloatFormat& format);

// The value of a finite code as a signed integer count of units: DecodeFloat(code) ==
// FiniteToUnits(code) * 2^UnitExponent(format), exactly. Throws std::domain_error for NaN/Inf
// and std::out_of_range where the count exceeds int64 (large FP32 and BF16 values).
int64_t FiniteToUnits(const FloatFormat& format, uint32_t code);

// floor(log2(|value|)) of a finite nonzero code: its unbiased exponent (for subnormals, that of
// the leading mantissa bit). Throws std::domain_error for zero, NaN and Inf.
int FloorLog2(const FloatFormat& format, uint32_t code);

// OCP MX E8M0 scale: 2^(code - 127) for codes 0x00..0xFE; 0xFF is NaN.
inline constexpr uint8_t kE8M0Nan = 0xFF;
double DecodeE8M0(uint8_t code);

}  // namespace mixpe
