// Quantized tensors and the quantizers that make them from real numbers. Both GEMM operands take
// one form, BlockedTensor: `rows` vectors along K, cut into blocks that share a scale (and, for
// asymmetric integer weights, a zero point). Weights are held as N rows of K (one row per output
// channel), activations as M rows of K (one row per token). docs/numerics.md specifies every
// rounding; the comments here say which rule each function applies.
#pragma once

#include <cstdint>
#include <vector>

#include "model/quant_format.h"

namespace mixpe {

// An exact scale: mantissa * 2^exponent, or NaN (an MX block whose scale is 0xFF, an NVFP4
// block scale that is NaN, or an FP16 activation block holding Inf or NaN).
struct Dyadic {
  int64_t mantissa = 1;
  int exponent = 0;
  bool nan = false;

  double ToDouble() const;
  static Dyadic FromFloatCode(const FloatFormat& format, uint32_t code);  // finite, or NaN
  static Dyadic FromE8M0(uint8_t code);
};

struct BlockedTensor {
  int64_t rows = 0;
  int64_t k = 0;
  int block = 0;          // elements per block along K; divides k
  int unit_exponent = 0;  // element value = units * 2^unit_exponent (before scales)
  ScaleType scale_type = ScaleType::kNone;

  std::vector<uint32_t> codes;            // rows x k: the stored element codes (what memory holds)
  std::vector<int64_t> units;             // rows x k: the element values in units (signed; E5M2
                                          // needs 33 bits)
  std::vector<uint8_t> block_bits;        // rows x blocks: bits per code (mixed-precision weights)
  std::vector<uint32_t> scale_codes;      // rows x blocks: FP16 / E8M0 / E4M3 code of each scale
  std::vector<Dyadic> scales;             // rows x blocks: their exact values
  std::vector<int32_t> zero_points;       // rows x blocks, in units; empty: no zero points
  std::vector<uint16_t> row_scale_codes;  // per row, FP16 (INT8 per-token scale); empty: none
  uint32_t tensor_scale_code = 0x3F800000;  // FP32 (NVFP4 tensor scale); 1.0 otherwise

  int64_t blocks_per_row() const { return k / block; }
  size_t BlockIndex(int64_t row, int64_t kk) const { return row * blocks_per_row() + kk / block; }
};

// Weights given as a K x N row-major matrix of real values. For mixed-precision formats,
// `group_bits` (N x K/G, row-major by output channel) gives each group's width; if empty, widths
// are assigned by salience (AssignMixedBits).
BlockedTensor QuantizeWeights(const WeightFormat& format, const std::vector<double>& w, int64_t k,
                              int64_t n, const std::vector<uint8_t>& group_bits = {});

// Activations given as an M x K row-major matrix. FP16 activations are only rounded to FP16
// here (block = k); the GEMM aligns them per block (AlignFp16Blocks).
BlockedTensor QuantizeActivations(const ActivationFormat& format, const std::vector<double>& a,
                                  int64_t m, int64_t k);

// Per-group bit widths for a mixed-precision format, by salience: groups are ranked by the mean
// square of their weights (ties by position). With three widths the top quarter gets the widest,
// the bottom quarter the narrowest and the middle half the middle one; with two widths, the top
// half gets the wider. N x K/G, row-major by output channel.
std::vector<uint8_t> AssignMixedBits(const WeightFormat& format, const std::vector<double>& w,
                                     int64_t k, int64_t n);

// The FP16 block alignment of the W4A16 datapath: each block of `block` activations is turned
// into 16-bit integers sharing one power-of-two scale. See docs/numerics.md, "FP16 activations".
BlockedTensor AlignFp16Blocks(const BlockedTensor& fp16_activations, int block);

// The real value of every element, rows x k (scales, zero points, row and tensor scales applied
// in double; exact for every format here). NaN where a block's scale is NaN.
std::vector<double> Dequantize(const BlockedTensor& t);

}  // namespace mixpe
