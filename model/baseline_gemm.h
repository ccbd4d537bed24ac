// Golden GEMMs of the baseline cores, bit for bit what they compute (docs/numerics.md, section
// 12), and the INT8 baseline's two-level weights.
//
// INT8 (pe.design int8_mac): each weight is dequantized on its own to INT8 before the MAC. A
// group's FP16 scale cannot enter an integer accumulator, so the group scales of a symmetric
// integer tensor become integer multipliers of one FP16 scale per output channel (as DGQ's
// "A8W4" does):
//   S_n = rne_fp16(max_g s_g,n / (2^mult_bits - 1))      per output channel
//   u_g,n = clamp(rne(s_g,n / S_n), 1, 2^mult_bits - 1)   per group
//   w8 = code * u_g,n                                     per element (mixpe_weight_expand_int8)
//   y = fp32_rne(fp32_rne(S_n * sum_k a_k * w8_k) * r_m)  the exact integer sum over all of K,
//                                                          scaled once
// FP16 (pe.design fp16_mac): each weight is dequantized on its own to FP16,
// w = rne_fp16((code - zero) * s) (mixpe_weight_to_fp16); the PE accumulates the exact FP16
// products in FP32 over one reduction unit of U elements (MixpeFp16MacPe::Reduce), and its
// column accumulates the units' sums in FP32, in order, from +0.
#pragma once

#include <cstdint>
#include <vector>

#include "model/hardware_config.h"
#include "model/quantize.h"

namespace mixpe {

struct TwoLevelWeights {
  // The weights the INT8 PE multiplies: N rows of K INT8 values code * u (codes and units alike,
  // two's complement), one block of all of K per row, whose scale is S_n (FP16).
  BlockedTensor expanded;
  int group = 0;  // elements of K per multiplier (the source's group)
  int mult_bits = 0;
  std::vector<uint8_t> multipliers;  // N x K/group: u_g,n, output-channel major
};

// The two-level form of `weights`: symmetric integer groups (no zero points, one code width, at
// most 4 bits; FP16 group scales) with multipliers of `mult_bits`. Throws InputError otherwise.
TwoLevelWeights ToTwoLevelInt8(const BlockedTensor& weights, int mult_bits = 4);

// The INT8 core's outputs (M x N FP32, row-major) for INT8 per-token activations: MpGemm of the
// activations and the expanded weights, whose one unit is all of K.
std::vector<float> Int8MacGemm(const BlockedTensor& activations, const TwoLevelWeights& weights);

// The FP16 core's outputs (M x N FP32 bit patterns, row-major) for FP16 activations (codes are
// FP16 bit patterns) and integer group weights of any width, with reduction units of `unit`
// elements (a divisor of K, as the schedule cuts them). Throws InputError on other formats.
std::vector<uint32_t> Fp16MacGemm(const BlockedTensor& activations, const BlockedTensor& weights,
                                  int unit);

// The outputs (M x N FP32 bit patterns, row-major) of a core of `design` for these operands and
// reduction units of `unit` elements: MpGemm for MixPE, Int8MacGemm of the two-level weights, or
// Fp16MacGemm. Throws InputError for a design without RTL (its outputs are not modelled) and as
// those do.
std::vector<uint32_t> DesignGemm(PeDesign design, const BlockedTensor& activations,
                                 const BlockedTensor& weights, int unit);

}  // namespace mixpe
