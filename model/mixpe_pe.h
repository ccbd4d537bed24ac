// MixpePe: golden model of rtl/mixpe_pe.sv, one multiply-accumulate at a time.
//
// Specification the RTL must match bit for bit:
// - activation a: signed two's complement, ActBits wide; weight w: signed two's complement,
//   WeightBits wide (codes 0..2^W-1 read as -2^(W-1)..2^(W-1)-1);
// - in FP4 mode (the PE's wgt_fp4_i, WeightBits >= 4) the low four bits of the weight code are an
//   OCP E2M1 element read in units of 2^-1: magnitudes 0, 1, 2, 3, 4, 6, 8, 12 for codes 0..7,
//   negated for codes 8..15 (docs/numerics.md, section 2);
// - the product a*w is exact (it fits in ActBits+WeightBits bits);
// - the accumulator is AccBits wide, signed; on the first element of a reduction it restarts at
//   the product, otherwise it adds the product. The hardware config sizes AccBits so that no
//   reduction of up to max_k elements can overflow, so the sum is exact as well.
#pragma once

#include <cstdint>

#include "model/gemm_operands.h"

namespace mixpe {

class MixpePe {
 public:
  MixpePe(int activation_bits, int weight_bits, int accumulator_bits)
      : activation_bits_(activation_bits),
        weight_bits_(weight_bits),
        accumulator_bits_(accumulator_bits) {}

  // The value of an E2M1 code in units of 2^-1.
  static int E2M1Units(uint32_t code) {
    static constexpr int kMagnitude[8] = {0, 1, 2, 3, 4, 6, 8, 12};
    const int magnitude = kMagnitude[code & 7u];
    return (code & 8u) != 0 ? -magnitude : magnitude;
  }

  // The product of an activation code and a weight code, both as the RTL ports carry them.
  int64_t Product(uint32_t act_code, uint32_t weight_code, bool fp4 = false) const {
    const int weight =
        fp4 ? E2M1Units(weight_code) : TwosComplementValue(weight_code, weight_bits_);
    return int64_t{TwosComplementValue(act_code, activation_bits_)} * weight;
  }

  // One MAC: the new accumulator value, as a signed AccBits-wide number.
  int64_t Mac(int64_t accumulator, bool first, uint32_t act_code, uint32_t weight_code,
              bool fp4 = false) const {
    return (first ? 0 : accumulator) + Product(act_code, weight_code, fp4);
  }

  int accumulator_bits() const { return accumulator_bits_; }

 private:
  int activation_bits_;
  int weight_bits_;
  int accumulator_bits_;
};

}  // namespace mixpe
