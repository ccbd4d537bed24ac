// MixpePe: golden model of rtl/mixpe_pe.sv, one multiply-accumulate at a time.
//
// Specification the RTL must match bit for bit:
// - activation a: signed two's complement, ActBits wide; weight w: signed two's complement,
//   WeightBits wide (codes 0..2^W-1 read as -2^(W-1)..2^(W-1)-1);
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

  // The product of an activation code and a weight code, both as the RTL ports carry them.
  int64_t Product(uint32_t act_code, uint32_t weight_code) const {
    return int64_t{TwosComplementValue(act_code, activation_bits_)} *
           TwosComplementValue(weight_code, weight_bits_);
  }

  // One MAC: the new accumulator value, as a signed AccBits-wide number.
  int64_t Mac(int64_t accumulator, bool first, uint32_t act_code, uint32_t weight_code) const {
    return (first ? 0 : accumulator) + Product(act_code, weight_code);
  }

  int accumulator_bits() const { return accumulator_bits_; }

 private:
  int activation_bits_;
  int weight_bits_;
  int accumulator_bits_;
};

}  // namespace mixpe
