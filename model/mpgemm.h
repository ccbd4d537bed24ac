// The golden mixed-precision GEMM: Y (M x N, FP32) = A (M x K) x W (K x N) for any pair of
// formats of model/quant_format.h, with the exact arithmetic of docs/numerics.md:
//
//   for each reduction unit u of U consecutive k (U = the smaller of the two block sizes):
//     P_u = sum_k a_k * w_k                       exact integer (element units)
//     S_u = sum_k a_k                             exact integer, only with weight zero points
//     D_u = P_u - z_u * S_u                       exact integer
//     t_u = fp32_rne(D_u * s_a,u * s_w,u * 2^(unit exponents))   one rounding of an exact value
//     y   = fp32_rne(y + t_u)                     in increasing u, starting from +0
//   y = fp32_rne(y * r_m)   where r_m = fp32_rne(token scale * tensor scales), if not 1
//
// A NaN block scale (or an FP16 block holding Inf/NaN) makes the outputs it reaches NaN, and
// every NaN output is the canonical quiet NaN 0x7FC00000.
#pragma once

#include <cstdint>
#include <vector>

#include "model/quant_format.h"
#include "model/quantize.h"

namespace mixpe {

// FP16 activations are aligned in blocks of gcd(weight block, kMaxFp16AlignBlock) elements.
inline constexpr int kMaxFp16AlignBlock = 128;

// Y = A W^T with A as M rows of K and W as N rows of K (QuantizeWeights' layout), M x N
// row-major. Throws InputError if K differs or the block sizes do not nest.
std::vector<float> MpGemm(const BlockedTensor& activations, const BlockedTensor& weights);

// The reduction unit of a pair of operands: the smaller block size, which must divide the other.
int ReductionUnit(const BlockedTensor& activations, const BlockedTensor& weights);

// The activations as the integer datapath sees them: FP16 activations aligned in blocks of
// gcd(weight block, kMaxFp16AlignBlock) (AlignFp16Blocks), every other format as it is.
BlockedTensor DatapathActivations(const BlockedTensor& activations, const BlockedTensor& weights);

// Each row's output scale r_m = rne_fp32(token scale * tensor scales) as an FP32 bit pattern
// (1.0 where there are none; the canonical NaN if a factor is NaN).
std::vector<uint32_t> RowScaleBits(const BlockedTensor& activations, const BlockedTensor& weights);

// The widths, in bits, of the signed integers that hold a unit's exact sums for every input:
// P_u, S_u and D_u (see above). `unit` is the reduction unit size.
struct UnitSumWidths {
  int product_sum = 0;
  int activation_sum = 0;  // 0 when the weights have no zero point
  int corrected = 0;       // D_u
};
UnitSumWidths RequiredUnitSumWidths(const WeightFormat& weights,
                                    const ActivationFormat& activations, int unit);

}  // namespace mixpe
