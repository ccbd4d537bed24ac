// Golden models of the baseline PEs and their per-element weight dequantizers; see baseline_pe.h.
#include "model/baseline_pe.h"

#include <stdexcept>
#include <string>
#include <utility>

#include "model/gemm_operands.h"
#include "model/minifloat.h"

namespace mixpe {
namespace {

constexpr uint32_t kFp32Sign = 0x80000000u;
constexpr uint32_t kFp32Inf = 0x7F800000u;
constexpr uint16_t kFp16Sign = 0x8000u;
constexpr uint16_t kFp16Inf = 0x7C00u;

bool IsFp16Zero(uint16_t code) { return (code & 0x7FFFu) == 0; }

// A finite FP32 value as significand * 2^exponent (significand < 2^24, exponent >= -149).
struct Fp32Parts {
  bool negative;
  int64_t significand;
  int exponent;
};

Fp32Parts SplitFp32(uint32_t code) {
  const uint32_t biased = code >> 23 & 0xFFu;
  const uint32_t mantissa = code & 0x7FFFFFu;
  Fp32Parts parts;
  parts.negative = (code & kFp32Sign) != 0;
  parts.significand = biased == 0 ? mantissa : (mantissa | (1u << 23));
  parts.exponent = (biased == 0 ? 1 : static_cast<int>(biased)) - 150;
  return parts;
}

}  // namespace

uint32_t Fp16MulExact(uint16_t a, uint16_t b) {
  const bool a_inf = IsInf(kFp16, a);
  const bool b_inf = IsInf(kFp16, b);
  if (IsNan(kFp16, a) || IsNan(kFp16, b) || (a_inf && IsFp16Zero(b)) || (b_inf && IsFp16Zero(a))) {
    return kFp32QuietNan;
  }
  const uint32_t sign = ((a ^ b) & kFp16Sign) != 0 ? kFp32Sign : 0u;
  if (a_inf || b_inf) return sign | kFp32Inf;
  // Both finite: integer counts of 2^-24 (|count| < 2^41), so the product counts 2^-48 exactly.
  const __int128 product = static_cast<__int128>(FiniteToUnits(kFp16, a)) * FiniteToUnits(kFp16, b);
  if (product == 0) return sign;  // a zero operand: the zero keeps the XOR of the signs
  return RoundScaledToFloat(kFp32, product, 2 * UnitExponent(kFp16), Overflow::kInfinity);
}

uint32_t Fp32Add(uint32_t a, uint32_t b) {
  if (IsNan(kFp32, a) || IsNan(kFp32, b)) return kFp32QuietNan;
  const bool a_inf = IsInf(kFp32, a);
  const bool b_inf = IsInf(kFp32, b);
  if (a_inf && b_inf) return a == b ? a : kFp32QuietNan;  // Inf - Inf
  if (a_inf) return a;
  if (b_inf) return b;
  if ((a & ~kFp32Sign) == 0 && (b & ~kFp32Sign) == 0) return a & b & kFp32Sign;  // two zeros

  // The exact sum as an integer times a power of two, on the grid of the smaller exponent. An
  // operand more than kMaxShift binades below the other is worth less than 2^-75 of the larger
  // one's last bit: it can only decide the rounding direction, which any nonzero value of its sign
  // that far below decides the same way, so it becomes +-1 on the grid kMaxShift binades down
  // (keeping the integer within 24 + kMaxShift bits).
  constexpr int kMaxShift = 100;
  Fp32Parts hi = SplitFp32(a);
  Fp32Parts lo = SplitFp32(b);
  if (lo.exponent > hi.exponent) std::swap(hi, lo);
  int shift = hi.exponent - lo.exponent;
  if (shift > kMaxShift) {
    shift = kMaxShift;
    lo.significand = lo.significand != 0 ? 1 : 0;
  }
  const __int128 hi_value = static_cast<__int128>(hi.significand) << shift;
  const __int128 sum = (hi.negative ? -hi_value : hi_value) +
                       (lo.negative ? -__int128{lo.significand} : __int128{lo.significand});
  // An exact zero from nonzero operands (x + -x) is +0 under round to nearest.
  if (sum == 0) return 0u;
  return RoundScaledToFloat(kFp32, sum, hi.exponent - shift, Overflow::kInfinity);
}

uint32_t MixpeFp16MacPe::Reduce(const std::vector<uint16_t>& acts,
                                const std::vector<uint16_t>& weights) {
  if (acts.empty() || acts.size() != weights.size()) {
    throw std::invalid_argument("MixpeFp16MacPe::Reduce: need equal, nonzero numbers of elements");
  }
  uint32_t accumulator = 0;
  for (size_t i = 0; i < acts.size(); ++i) {
    accumulator = Mac(accumulator, i == 0, acts[i], weights[i]);
  }
  return accumulator;
}

MixpeWeightToFp16::MixpeWeightToFp16(int weight_bits) : weight_bits_(weight_bits) {
  if (weight_bits < 2 || weight_bits > 8) {
    throw std::invalid_argument("MixpeWeightToFp16: weight_bits " + std::to_string(weight_bits) +
                                " is not in [2, 8]");
  }
}

uint16_t MixpeWeightToFp16::Dequantize(uint32_t code, uint32_t zero, uint16_t scale) const {
  const int diff =
      TwosComplementValue(code, weight_bits_) - TwosComplementValue(zero, weight_bits_);
  if (IsNan(kFp16, scale) || (IsInf(kFp16, scale) && diff == 0)) return kFp16QuietNan;
  const uint16_t sign = ((diff < 0) != ((scale & kFp16Sign) != 0)) ? kFp16Sign : 0;
  if (IsInf(kFp16, scale)) return sign | kFp16Inf;
  // Exact: |diff| < 2^9 times a count of 2^-24 below 2^41.
  const __int128 product = static_cast<__int128>(diff) * FiniteToUnits(kFp16, scale);
  if (product == 0) return sign;
  return static_cast<uint16_t>(
      RoundScaledToFloat(kFp16, product, UnitExponent(kFp16), Overflow::kInfinity));
}

MixpeWeightExpandInt8::MixpeWeightExpandInt8(int weight_bits, int mult_bits)
    : weight_bits_(weight_bits), mult_bits_(mult_bits) {
  if (weight_bits < 2 || weight_bits > 4 || mult_bits < 1 || mult_bits > 7 ||
      (1 << (weight_bits - 1)) * ((1 << mult_bits) - 1) > 128) {
    throw std::invalid_argument("MixpeWeightExpandInt8: " + std::to_string(weight_bits) +
                                "-bit codes times " + std::to_string(mult_bits) +
                                "-bit multipliers may not fit INT8");
  }
}

int MixpeWeightExpandInt8::Expand(uint32_t code, uint32_t mult) const {
  return TwosComplementValue(code, weight_bits_) *
         static_cast<int>(mult & ((1u << mult_bits_) - 1u));
}

}  // namespace mixpe
