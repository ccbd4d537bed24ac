// Random GEMM operands with reproducible seeds; see gemm_operands.h.
#include "model/gemm_operands.h"

#include <random>

namespace mixpe {

GemmOperands RandomGemmOperands(int64_t m, int64_t k, int64_t n, int activation_bits,
                                int weight_bits, uint64_t seed) {
  GemmOperands ops;
  ops.m = m;
  ops.k = k;
  ops.n = n;
  ops.activation_bits = activation_bits;
  ops.weight_bits = weight_bits;
  std::mt19937_64 rng(seed);
  // Draw raw bits and sign-extend, rather than std::uniform_int_distribution, whose output is
  // implementation-defined: the same seed must give the same data with every standard library.
  auto draw = [&rng](int bits) {
    return static_cast<int8_t>(TwosComplementValue(static_cast<uint32_t>(rng()), bits));
  };
  ops.activations.resize(static_cast<size_t>(m * k));
  for (auto& a : ops.activations) a = draw(activation_bits);
  ops.weights.resize(static_cast<size_t>(k * n));
  for (auto& w : ops.weights) w = draw(weight_bits);
  return ops;
}

}  // namespace mixpe
