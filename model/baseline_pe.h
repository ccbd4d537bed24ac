// Golden models of the conventional PEs MixPE is compared against and of their per-element weight
// dequantizers, block by block as in rtl/: mixpe_pe with PeKind 2 (FP16 MAC) and its parts
// mixpe_fp16_mul_exact and mixpe_fp32_add, mixpe_weight_to_fp16 and mixpe_weight_expand_int8.
// (mixpe_pe with PeKind 1, the integer multiplier PE, computes exactly what MixpePe of
// model/mixpe_pe.h states: its golden model is that class.)
//
// Specification the RTL must match bit for bit. Every function takes and returns the bit patterns
// the RTL ports carry.
// - FP16 and FP32 are IEEE 754 binary16 and binary32; subnormals are kept on input and output.
// - Every NaN a unit produces is the canonical quiet NaN: 0x7E00 (FP16), 0x7FC00000 (FP32),
//   whatever the payloads and signs of NaN inputs.
#pragma once

#include <cstdint>
#include <vector>

namespace mixpe {

inline constexpr uint16_t kFp16QuietNan = 0x7E00;
inline constexpr uint32_t kFp32QuietNan = 0x7FC00000;

// mixpe_fp16_mul_exact: a * b for FP16 a and b, as FP32, exact: the product of two 11-bit
// significands has at most 22 bits and its magnitude lies in [2^-48, 2^32), inside FP32's normal
// range, so no rounding ever happens. Zeros: the XOR of the signs. Inf * nonzero or Inf: Inf with
// the XOR of the signs. NaN operand, or Inf * 0: kFp32QuietNan.
uint32_t Fp16MulExact(uint16_t a, uint16_t b);

// mixpe_fp32_add: rne_fp32(a + b), the exact sum rounded once to nearest, ties to even. An exact
// zero sum is +0 unless both operands are -0 (a nonzero exact sum never rounds to zero); a sum
// whose rounded magnitude is beyond the largest finite value is +-Inf; Inf + finite is that Inf;
// Inf - Inf and a NaN operand give kFp32QuietNan. Computed with integers (no host floating point).
uint32_t Fp32Add(uint32_t a, uint32_t b);

// mixpe_pe with PeKind 2: activations and weights are FP16 bit patterns, the accumulator and the
// result FP32 bit patterns. One element: acc = Fp32Add(first ? +0.0 : acc, Fp16MulExact(a, w));
// a reduction's result is the accumulator after its last element. So a reduction restarts from
// +0.0 (a lone -0 product gives +0), and its sum is rounded once per element, in order.
class MixpeFp16MacPe {
 public:
  static uint32_t Mac(uint32_t accumulator, bool first, uint16_t act, uint16_t weight) {
    return Fp32Add(first ? 0u : accumulator, Fp16MulExact(act, weight));
  }
  // The result of one reduction over acts[i] * weights[i], i = 0, 1, ... (equal lengths, at
  // least one element).
  static uint32_t Reduce(const std::vector<uint16_t>& acts, const std::vector<uint16_t>& weights);
};

// mixpe_weight_to_fp16: the FP16 weight rne_fp16((code - zero) * scale) of a signed weight_bits
// (2..8) code and zero point (as two's-complement codes) and an FP16 scale. The product is exact
// before its single rounding (to nearest, ties to even; subnormal results kept; beyond 65504
// after rounding: +-Inf). Zeros have the XOR of the signs, code - zero = 0 counting as +0 (so the
// result takes the scale's sign); a NaN scale, or an Inf scale with code = zero, gives
// kFp16QuietNan; an Inf scale with code != zero gives +-Inf.
class MixpeWeightToFp16 {
 public:
  explicit MixpeWeightToFp16(int weight_bits);
  uint16_t Dequantize(uint32_t code, uint32_t zero, uint16_t scale) const;

 private:
  int weight_bits_;
};

// mixpe_weight_expand_int8: the INT8 weight code * mult of a signed weight_bits (2..4) code (as a
// two's-complement code) and an unsigned mult_bits group multiplier in [1, 2^mult_bits - 1], the
// two-level (DGQ-style) dequantization of low-bit groups to INT8. The constructor throws
// std::invalid_argument for widths whose products may not fit INT8 (the RTL's elaboration check):
// 2^(weight_bits-1) * (2^mult_bits - 1) must be at most 128. Expand returns the signed value;
// TwosComplementCode(value, 8) is the RTL's weight_o.
class MixpeWeightExpandInt8 {
 public:
  MixpeWeightExpandInt8(int weight_bits, int mult_bits);
  int Expand(uint32_t code, uint32_t mult) const;

 private:
  int weight_bits_;
  int mult_bits_;
};

}  // namespace mixpe
