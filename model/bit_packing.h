// The memory image of quantized tensors: element codes packed LSB-first into bytes, and the
// per-block scales and zero points beside them. The layout (docs/numerics.md, "Memory layout"):
//   codes        rows x k codes in row order (a weight row is an output channel, an activation
//                row a token), each `bits` wide (per block for mixed precision), element i at
//                bits [offset_i, offset_i + bits) of a little-endian bit stream; each row starts
//                on a byte boundary
//   scales       one per block in row order: FP16 little-endian (2 bytes), E8M0 or E4M3 (1 byte)
//   zero_points  one per block, packed like codes with the block's width (asymmetric weights)
//   row_scales   one FP16 per row (INT8 per-token activations)
//   tensor_scale FP32 little-endian (NVFP4)
#pragma once

#include <cstdint>
#include <vector>

#include "model/quant_format.h"
#include "model/quantize.h"

namespace mixpe {

// The value of a `bits`-wide two's-complement code (integer elements and zero points).
int32_t SignedValue(uint32_t code, int bits);

// Packs `codes` (each < 2^bits) LSB-first; the last byte is zero-padded.
std::vector<uint8_t> PackCodes(const std::vector<uint32_t>& codes, int bits);
// The inverse: `count` codes of `bits` each.
std::vector<uint32_t> UnpackCodes(const std::vector<uint8_t>& bytes, int bits, size_t count);

struct PackedTensor {
  std::vector<uint8_t> codes;
  std::vector<uint8_t> scales;
  std::vector<uint8_t> zero_points;
  std::vector<uint8_t> row_scales;
  std::vector<uint8_t> tensor_scale;

  size_t TotalBytes() const {
    return codes.size() + scales.size() + zero_points.size() + row_scales.size() +
           tensor_scale.size();
  }
};

// The memory image of a quantized tensor (not of FP16 activations aligned by the GEMM).
// `element_bits` is the format's code width; block_bits, if present, overrides it per block.
PackedTensor PackTensor(const BlockedTensor& t, int element_bits);

// Rebuilds weights from their memory image alone: codes, scales and zero points are unpacked
// and decoded (units and exact scales recomputed from the codes). `block_bits` gives the
// per-group widths of mixed-precision formats (empty otherwise).
BlockedTensor UnpackWeights(const WeightFormat& format, const PackedTensor& packed, int64_t k,
                            int64_t n, const std::vector<uint8_t>& block_bits = {});

// The same for activations (INT8 per token with its row scales, FP16 values, MX, NVFP4).
BlockedTensor UnpackActivations(const ActivationFormat& format, const PackedTensor& packed,
                                int64_t m, int64_t k);

}  // namespace mixpe
