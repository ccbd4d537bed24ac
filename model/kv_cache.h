// The two products of attention over a KIVI-style quantized KV cache (keys per channel, values per
// token, 2 or 4 bits; Liu et al., "KIVI", 2024) as GEMMs the core runs: the cache's scales are
// folded into the FP16 operand, the codes become integer weights with unit scales, and the offset
// terms are left to the host. docs/numerics.md, section 11, is the specification.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/quantize.h"

namespace mixpe {

enum class AttentionProduct {
  kScore,  // S = Q K^T: reduces over head_dim, one GEMM per group of kv_group cached tokens
  kValue,  // O = P V: reduces over the cached tokens
};

// One attention product of a trace layer and the GEMM it lowers to. Grouped-query attention:
// the heads / kv_heads query heads that share a KV head stack as rows of one GEMM.
struct AttentionShape {
  AttentionProduct product = AttentionProduct::kScore;
  int64_t batch = 0;     // sequences
  int64_t heads = 0;     // query heads
  int64_t kv_heads = 0;  // key/value heads; divides heads
  int64_t head_dim = 0;
  int64_t queries = 0;   // query tokens per sequence (1 at decode, the prompt at prefill)
  int64_t kv_len = 0;    // cached tokens per sequence
  int kv_bits = 0;       // 2 or 4
  int64_t kv_group = 0;  // score: tokens per key scale group (divides kv_len); value: 0
  // Decoder blocks (or encoder layers) that each run this product: a whole-model trace counts
  // one attention layer for all of them. It only multiplies the repeat.
  int64_t layers = 1;

  bool present() const { return batch > 0; }
  // M = queries x heads/kv_heads; score: K = head_dim, N = kv_group; value: K = kv_len,
  // N = head_dim.
  int64_t gemm_m() const { return queries * (heads / kv_heads); }
  int64_t gemm_k() const { return product == AttentionProduct::kScore ? head_dim : kv_len; }
  int64_t gemm_n() const { return product == AttentionProduct::kScore ? kv_group : head_dim; }
  // Identical-shape GEMMs in the model: score batch x kv_heads x kv_len/kv_group, value
  // batch x kv_heads, each times layers.
  int64_t gemm_repeat() const {
    return layers * (product == AttentionProduct::kScore ? batch * kv_heads * (kv_len / kv_group)
                                                         : batch * kv_heads);
  }
  // The formats the GEMM runs in: the cache codes as int{kv_bits}_gch weights (unit scales),
  // the folded query or probabilities as FP16 activations.
  std::string weight_format() const { return "int" + std::to_string(kv_bits) + "_gch"; }
  static std::string activation_format() { return "fp16"; }
};

// Asymmetric min/max quantization of a set x (KIVI's): s = (max x - min x) / (2^b - 1) and
// u = clamp(rne_int((x - min x) / s), 0, 2^b - 1), in double (0 where s = 0), stored as the
// signed code c = u - 2^(b-1) with the offset m' = min x + s * 2^(b-1), so that the dequantized
// value is s * c + m' (= s * u + min x).

// Keys, tokens x head_dim (row-major), quantized per channel over groups of `group` tokens.
struct QuantizedKeys {
  int bits = 0;
  int64_t tokens = 0;
  int64_t head_dim = 0;
  int64_t group = 0;            // tokens per scale group
  std::vector<int> codes;       // tokens x head_dim, signed, in [-2^(b-1), 2^(b-1) - 1]
  std::vector<double> scales;   // groups x head_dim: s[d, g] at g * head_dim + d
  std::vector<double> offsets;  // groups x head_dim: m'[d, g]

  int64_t groups() const { return tokens / group; }
};

// Values, tokens x head_dim (row-major), quantized per token over the whole head_dim.
struct QuantizedValues {
  int bits = 0;
  int64_t tokens = 0;
  int64_t head_dim = 0;
  std::vector<int> codes;       // tokens x head_dim, signed
  std::vector<double> scales;   // per token: s[t]
  std::vector<double> offsets;  // per token: m'[t]
};

// Throw InputError on a size mismatch, bits other than 2 or 4, a group that does not divide the
// tokens, or a value that is NaN or infinite.
QuantizedKeys QuantizeKeysPerChannel(const std::vector<double>& keys, int64_t tokens,
                                     int64_t head_dim, int64_t group, int bits);
QuantizedValues QuantizeValuesPerToken(const std::vector<double>& values, int64_t tokens,
                                       int64_t head_dim, int bits);

// s * c + m' for every element, tokens x head_dim, in double.
std::vector<double> DequantizeKeys(const QuantizedKeys& keys);
std::vector<double> DequantizeValues(const QuantizedValues& values);

// The folded FP16 operand before its rounding to FP16 (rows x head_dim): Q'[q, d] =
// Q[q, d] * s[d, g] for the keys' token group g, each product rounded to double. `queries` is
// rows x head_dim.
std::vector<double> FoldKeyScales(const std::vector<double>& queries, int64_t rows,
                                  const QuantizedKeys& keys, int64_t group_index);
// P'[q, t] = P[q, t] * s[t] (rows x tokens), each product rounded to double. `probabilities` is
// rows x tokens.
std::vector<double> FoldValueScales(const std::vector<double>& probabilities, int64_t rows,
                                    const QuantizedValues& values);

// The offset terms the host's vector unit adds outside the array, in double, summed in
// increasing d (t): beta[q, g] = sum_d Q[q, d] * m'[d, g] (rows x groups, row-major) and
// gamma[q] = sum_t P[q, t] * m'[t] (rows).
std::vector<double> KeyScoreBias(const std::vector<double>& queries, int64_t rows,
                                 const QuantizedKeys& keys);
std::vector<double> ValueOutputBias(const std::vector<double>& probabilities, int64_t rows,
                                    const QuantizedValues& values);

// The int{bits}_gch weight tensor (N rows of K, QuantizeWeights' layout and fields) whose codes
// are `codes` (K x N row-major, signed) and whose per-column FP16 scales are exactly 1.0 (0x3C00):
// what QuantizeWeights would give for weights equal to codes whose scale came out as 1.0. Throws
// InputError if a code is outside the bits' range.
BlockedTensor UnitScaleCodeWeights(const std::vector<int>& codes, int64_t k, int64_t n, int bits);

// The score GEMM's weights for one token group: K = head_dim x N = group, W[d][t] = c[t, d].
BlockedTensor KeyCodeWeights(const QuantizedKeys& keys, int64_t group_index);
// The value GEMM's weights: K = tokens x N = head_dim, W[t][d] = c[t, d].
BlockedTensor ValueCodeWeights(const QuantizedValues& values);

// The one GEMM an attention layer simulates, with the real data it was made from, reproducible
// from `seed` (PortableNormal, model/gemm_operands.h). Score: Q ~ N(0, 1) (M x head_dim) and
// the keys of one token group (kv_group x head_dim), N(0, 1) with one channel in 16 (chosen at
// random) scaled by 10, the channel outliers KIVI observes in keys. Value: P = the row-wise
// softmax of N(0, 1) logits (M x kv_len) and values ~ N(0, 1) (kv_len x head_dim).
struct AttentionOperands {
  std::vector<double> queries;  // score: Q, M x head_dim; value: P, M x kv_len
  std::vector<double> cache;   // score: keys, kv_group x head_dim; value: values, kv_len x head_dim
  QuantizedKeys keys;          // score only
  QuantizedValues values;      // value only
  std::vector<double> folded;  // M x K, before the FP16 rounding
  std::vector<double> bias;    // M: beta of the token group (score) or gamma (value)
  BlockedTensor activations;   // fp16, M x K
  BlockedTensor weights;       // int{kv_bits}_gch with unit scales, N rows of K
};
// Throws InputError for a shape that lowers to no GEMM (a size below 1, kv_heads not dividing
// heads, a score's kv_group not dividing kv_len, kv_bits other than 2 or 4).
AttentionOperands RandomAttentionOperands(const AttentionShape& shape, uint64_t seed);

}  // namespace mixpe
