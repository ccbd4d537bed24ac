// Exact decoding and correctly rounded (RNE) encoding of the element formats; see minifloat.h.
// One integer rounding core serves both doubles and wide exact values, so they cannot disagree.
#include "model/minifloat.h"

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace mixpe {
namespace {

using Uint128 = unsigned __int128;

uint32_t CodeMask(const FloatFormat& format) {
  // 64-bit shift: FP32 has total_bits() == 32.
  return static_cast<uint32_t>((uint64_t{1} << format.total_bits()) - 1);
}
uint32_t SignBit(const FloatFormat& format) { return uint32_t{1} << (format.total_bits() - 1); }
uint32_t AllOnesExponent(const FloatFormat& format) {
  return (uint32_t{1} << format.exponent_bits) - 1;
}
uint32_t MantissaMask(const FloatFormat& format) {
  return (uint32_t{1} << format.mantissa_bits) - 1;
}
uint32_t BiasedExponent(const FloatFormat& format, uint32_t code) {
  return (code >> format.mantissa_bits) & AllOnesExponent(format);
}

// Positive codes are ordered like their magnitudes, so overflow is a comparison with this code.
uint32_t MaxFiniteCode(const FloatFormat& format) {
  const uint32_t top = AllOnesExponent(format) << format.mantissa_bits;
  switch (format.specials) {
    case FloatSpecials::kIeee:
      return top - 1;  // exponent all ones minus one, mantissa all ones
    case FloatSpecials::kNanOnlyAllOnes:
      return top | (MantissaMask(format) - 1);
    case FloatSpecials::kNone:
      break;
  }
  return top | MantissaMask(format);
}

uint32_t CanonicalNanCode(const FloatFormat& format) {
  const uint32_t top = AllOnesExponent(format) << format.mantissa_bits;
  switch (format.specials) {
    case FloatSpecials::kIeee:
      return top | (uint32_t{1} << (format.mantissa_bits - 1));  // quiet bit
    case FloatSpecials::kNanOnlyAllOnes:
      return top | MantissaMask(format);
    case FloatSpecials::kNone:
      break;
  }
  throw std::domain_error(std::string("EncodeFloat: NaN input, but ") + format.name +
                          " has no NaN code");
}

// Overflow (and Inf input) result. The NaN of E4M3 is the canonical, unsigned one: encoding
// never produces a second NaN code, whatever the sign of the value that overflowed.
uint32_t OverflowCode(const FloatFormat& format, uint32_t sign, Overflow overflow) {
  if (overflow == Overflow::kInfinity) {
    if (format.specials == FloatSpecials::kIeee) {
      return sign | (AllOnesExponent(format) << format.mantissa_bits);
    }
    if (format.specials == FloatSpecials::kNanOnlyAllOnes) return CanonicalNanCode(format);
  }
  return sign | MaxFiniteCode(format);
}

int BitLength(Uint128 x) {  // x > 0
  const uint64_t high = static_cast<uint64_t>(x >> 64);
  if (high != 0) return 128 - __builtin_clzll(high);
  return 64 - __builtin_clzll(static_cast<uint64_t>(x));
}

// The rounding core: the code of sign * magnitude * 2^exponent, magnitude > 0.
//
// Rounding is IEEE 754 RNE "as though the exponent range were unbounded" above and with the
// format's subnormal quantum below; overflow is then decided on the rounded magnitude: the result
// overflows iff it exceeds MaxFinite. So a value rounds to MaxFinite unless it lies above
// MaxFinite + ulp/2, or exactly on it with MaxFinite's mantissa odd (the tie then goes to the even
// grid point one ulp above, which is not finite). Per format:
//   FP16/BF16/FP32/E5M2 (max mantissa all ones, odd): |x| >= max + ulp/2 overflows, as in IEEE.
//   E4M3 (max 448 = 1.110b * 2^8, even; the next grid point 480 is the NaN code): the tie at 464
//     rounds to 448; |x| > 464 overflows (to NaN under kInfinity, to 448 under kSaturate).
//   E3M2/E2M3/E2M1 (max all ones, odd): |x| >= 30 / 7.75 / 7 overflows, to MaxFinite either way.
uint32_t RoundMagnitude(const FloatFormat& format, uint32_t sign, Uint128 magnitude,
                        int64_t exponent, Overflow overflow) {
  const int m = format.mantissa_bits;
  const int64_t min_normal_exponent = 1 - format.bias;
  const int bit_length = BitLength(magnitude);
  // The binade of the result (its floor(log2)), but never below the normal range: there the
  // quantum stays the subnormal unit.
  int64_t binade = bit_length - 1 + exponent;
  if (binade < min_normal_exponent) binade = min_normal_exponent;
  // q = magnitude * 2^exponent in quanta 2^(binade - m), rounded; q < 2^(m+1) before rounding.
  const int64_t shift = binade - m - exponent;
  uint64_t q;
  if (shift <= 0) {
    // Already on the grid; -shift <= m because magnitude < 2^(m+1) quanta.
    q = static_cast<uint64_t>(magnitude) << -shift;
  } else if (bit_length <= 64 && shift < 64) {
    // The same rounding in 64 bits, the common case (every double): 128-bit shifts are slow.
    const auto narrow = static_cast<uint64_t>(magnitude);
    const uint64_t remainder = narrow & ((uint64_t{1} << shift) - 1);
    const uint64_t half = uint64_t{1} << (shift - 1);
    q = narrow >> shift;
    if (remainder > half || (remainder == half && (q & 1) != 0)) ++q;
  } else if (shift >= 128) {
    // magnitude < 2^128 <= 2^shift, and == half only for magnitude 2^127 with shift 128, a tie
    // that goes to the even 0: either way below or at half a quantum.
    q = 0;
  } else {
    const Uint128 truncated = magnitude >> shift;
    const Uint128 remainder = magnitude - (truncated << shift);
    const Uint128 half = Uint128{1} << (shift - 1);
    q = static_cast<uint64_t>(truncated);
    if (remainder > half || (remainder == half && (q & 1) != 0)) ++q;
  }
  if ((q >> (m + 1)) != 0) {  // rounded up to 2^(m+1): carry into the next binade
    q >>= 1;
    ++binade;
  }
  // q < 2^m only in the lowest binade: subnormal (or zero), biased exponent 0. Rounding the
  // largest subnormal up gives q == 2^m there, which is the smallest normal, biased exponent 1.
  const bool normal = (q >> m) != 0;
  const int64_t biased = normal ? binade + format.bias : 0;
  const uint32_t max_code = MaxFiniteCode(format);
  if (biased > static_cast<int64_t>(max_code >> m)) return OverflowCode(format, sign, overflow);
  const uint32_t code =
      (static_cast<uint32_t>(biased) << m) | (static_cast<uint32_t>(q) & MantissaMask(format));
  if (code > max_code) return OverflowCode(format, sign, overflow);
  return sign | code;
}

}  // namespace

double DecodeFloat(const FloatFormat& format, uint32_t code) {
  code &= CodeMask(format);
  const uint32_t biased = BiasedExponent(format, code);
  const uint32_t mantissa = code & MantissaMask(format);
  if (biased == AllOnesExponent(format)) {
    if (format.specials == FloatSpecials::kIeee) {
      return mantissa == 0
                 ? ((code & SignBit(format)) != 0 ? -std::numeric_limits<double>::infinity()
                                                  : std::numeric_limits<double>::infinity())
                 : std::numeric_limits<double>::quiet_NaN();
    }
    if (format.specials == FloatSpecials::kNanOnlyAllOnes && mantissa == MantissaMask(format)) {
      return std::numeric_limits<double>::quiet_NaN();
    }
  }
  const int m = format.mantissa_bits;
  // Integers below 2^24 and powers of two in double range: ldexp is exact.
  const double magnitude = biased == 0
                               ? std::ldexp(static_cast<double>(mantissa), 1 - format.bias - m)
                               : std::ldexp(static_cast<double>(mantissa | (uint32_t{1} << m)),
                                            static_cast<int>(biased) - format.bias - m);
  return (code & SignBit(format)) != 0 ? -magnitude : magnitude;
}

uint32_t EncodeFloat(const FloatFormat& format, double value, Overflow overflow) {
  if (std::isnan(value)) return CanonicalNanCode(format);
  const uint32_t sign = std::signbit(value) ? SignBit(format) : 0;
  if (std::isinf(value)) return OverflowCode(format, sign, overflow);
  if (value == 0) return sign;
  // |value| = fraction * 2^exponent with fraction in [0.5, 1) holding at most 53 significant
  // bits (subnormal doubles included), so fraction * 2^53 is an exact integer.
  int exponent;
  const double fraction = std::frexp(std::fabs(value), &exponent);
  const auto integer = static_cast<uint64_t>(fraction * 0x1p53);  // exact: a power of two
  return RoundMagnitude(format, sign, integer, int64_t{exponent} - 53, overflow);
}

uint32_t RoundScaledToFloat(const FloatFormat& format, __int128 mantissa, int exponent,
                            Overflow overflow, bool negative_zero) {
  if (mantissa == 0) return negative_zero ? SignBit(format) : 0;
  // Negating in unsigned arithmetic also covers the most negative __int128.
  const Uint128 magnitude =
      mantissa < 0 ? Uint128{0} - static_cast<Uint128>(mantissa) : static_cast<Uint128>(mantissa);
  return RoundMagnitude(format, mantissa < 0 ? SignBit(format) : 0, magnitude, exponent, overflow);
}

double MaxFinite(const FloatFormat& format) { return DecodeFloat(format, MaxFiniteCode(format)); }

bool IsNan(const FloatFormat& format, uint32_t code) {
  const uint32_t mantissa = code & MantissaMask(format);
  if (BiasedExponent(format, code) != AllOnesExponent(format)) return false;
  switch (format.specials) {
    case FloatSpecials::kIeee:
      return mantissa != 0;
    case FloatSpecials::kNanOnlyAllOnes:
      return mantissa == MantissaMask(format);
    case FloatSpecials::kNone:
      break;
  }
  return false;
}

bool IsInf(const FloatFormat& format, uint32_t code) {
  return format.specials == FloatSpecials::kIeee &&
         BiasedExponent(format, code) == AllOnesExponent(format) &&
         (code & MantissaMask(format)) == 0;
}

int UnitExponent(const FloatFormat& format) { return 1 - format.bias - format.mantissa_bits; }

int64_t FiniteToUnits(const FloatFormat& format, uint32_t code) {
  code &= CodeMask(format);
  if (IsNan(format, code) || IsInf(format, code)) {
    throw std::domain_error(std::string("FiniteToUnits: non-finite ") + format.name + " code");
  }
  const uint32_t biased = BiasedExponent(format, code);
  const uint32_t mantissa = code & MantissaMask(format);
  int64_t units = mantissa;
  if (biased != 0) {
    // (mantissa + 2^m) * 2^(biased - bias - m) / 2^(1 - bias - m): a shift by biased - 1. The
    // wide-range formats (FP32, BF16) reach 2^276 units, beyond int64 for their top exponents.
    const int shift = static_cast<int>(biased) - 1;
    if (format.mantissa_bits + 1 + shift > 63) {
      throw std::out_of_range(std::string("FiniteToUnits: ") + format.name +
                              " value does not fit int64 units");
    }
    units = static_cast<int64_t>(mantissa | (uint32_t{1} << format.mantissa_bits)) << shift;
  }
  return (code & SignBit(format)) != 0 ? -units : units;
}

int FloorLog2(const FloatFormat& format, uint32_t code) {
  code &= CodeMask(format);
  const uint32_t biased = BiasedExponent(format, code);
  const uint32_t mantissa = code & MantissaMask(format);
  if (IsNan(format, code) || IsInf(format, code) || (biased == 0 && mantissa == 0)) {
    throw std::domain_error(std::string("FloorLog2: zero or non-finite ") + format.name + " code");
  }
  if (biased != 0) return static_cast<int>(biased) - format.bias;
  const int leading_bit = 31 - __builtin_clz(mantissa);
  return leading_bit + UnitExponent(format);
}

double DecodeE8M0(uint8_t code) {
  if (code == kE8M0Nan) return std::numeric_limits<double>::quiet_NaN();
  return std::ldexp(1.0, int{code} - 127);
}

}  // namespace mixpe
