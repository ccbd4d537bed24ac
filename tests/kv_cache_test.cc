// Tests of the KIVI-style KV cache and its attention GEMMs (model/kv_cache.h) against
// docs/numerics.md, section 11: hand-computed quantizations, the round-trip error bound on random
// caches, the unit-scale weight tensor field for field against QuantizeWeights and its memory
// image, and the key property: the golden GEMM of the folded FP16 operand and the codes, plus the
// host's offset term, equals the attention product of the dequantized cache computed in double,
// within the derived bound (FP16 rounding of the folded operand, its block alignment, FP32
// accumulation).
#include "model/kv_cache.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <string>
#include <vector>

#include "model/bit_packing.h"
#include "model/core_operands.h"
#include "model/gemm_operands.h"
#include "model/input_error.h"
#include "model/minifloat.h"
#include "model/mpgemm.h"
#include "model/quantize.h"

namespace mixpe {
namespace {

constexpr uint64_t kSeed = 20240517;

const ActivationFormat& Fp16() {
  static const ActivationFormat format = ParseActivationFormat("fp16");
  return format;
}

// Keys shaped like KIVI's: N(0, 1) with channels 3 and 17 scaled by 12 (outlier channels).
std::vector<double> RandomKeys(int64_t tokens, int64_t head_dim, uint64_t seed) {
  PortableNormal normal(seed);
  std::vector<double> keys(static_cast<size_t>(tokens * head_dim));
  for (int64_t t = 0; t < tokens; ++t) {
    for (int64_t d = 0; d < head_dim; ++d) {
      keys[t * head_dim + d] = (d == 3 || d == 17 ? 12.0 : 1.0) * normal();
    }
  }
  return keys;
}

std::vector<double> RandomNormal(int64_t count, uint64_t seed) {
  PortableNormal normal(seed);
  std::vector<double> x(static_cast<size_t>(count));
  for (double& v : x) v = normal();
  return x;
}

// Row-wise softmax of N(0, 2^2) logits: attention probabilities, a few large, most small.
std::vector<double> RandomProbabilities(int64_t rows, int64_t tokens, uint64_t seed) {
  std::vector<double> p = RandomNormal(rows * tokens, seed);
  for (int64_t r = 0; r < rows; ++r) {
    double sum = 0;
    for (int64_t t = 0; t < tokens; ++t)
      sum += p[r * tokens + t] = std::exp(2.0 * p[r * tokens + t]);
    for (int64_t t = 0; t < tokens; ++t) p[r * tokens + t] /= sum;
  }
  return p;
}

// ----- Quantization -----------------------------------------------------------------------------

// One channel of four tokens holding 0, 1, 2, 3 at 2 bits: s = 3/3 = 1, u = 0..3, stored
// c = u - 2 = -2..1, m' = min + s * 2 = 2; dequantized s * c + m' = 0..3 exactly.
TEST(KvCacheTest, KeysByHand) {
  // tokens x head_dim = 4 x 2; channel 1 is constant (scale 0).
  const std::vector<double> keys = {0, 5, 1, 5, 2, 5, 3, 5};
  const QuantizedKeys q = QuantizeKeysPerChannel(keys, 4, 2, 4, 2);
  EXPECT_EQ(q.codes, (std::vector<int>{-2, -2, -1, -2, 0, -2, 1, -2}));
  EXPECT_EQ(q.scales, (std::vector<double>{1.0, 0.0}));
  EXPECT_EQ(q.offsets, (std::vector<double>{2.0, 5.0}));
  EXPECT_EQ(DequantizeKeys(q), keys);
}

// Round to nearest, ties to even: at 2 bits, 0, 0.5, 1.5, 3 have s = 1 and (x - 0) / 1 = 0,
// 0.5, 1.5, 3, so u = 0, 0 (tie to even), 2 (tie to even), 3.
TEST(KvCacheTest, ValuesByHandTiesToEven) {
  const std::vector<double> values = {0, 0.5, 1.5, 3};
  const QuantizedValues q = QuantizeValuesPerToken(values, 1, 4, 2);
  EXPECT_EQ(q.codes, (std::vector<int>{-2, -2, 0, 1}));
  EXPECT_EQ(q.scales, (std::vector<double>{1.0}));
  EXPECT_EQ(q.offsets, (std::vector<double>{2.0}));
  EXPECT_EQ(DequantizeValues(q), (std::vector<double>{0, 0, 2, 3}));
}

// Key groups run along tokens: two groups of two tokens get scales of their own per channel.
TEST(KvCacheTest, KeyGroupsAreTokenGroupsPerChannel) {
  // 4 tokens x 1 channel: 0, 3 (group 0) and 10, 40 (group 1), 2 bits.
  const QuantizedKeys q = QuantizeKeysPerChannel({0, 3, 10, 40}, 4, 1, 2, 2);
  EXPECT_EQ(q.scales, (std::vector<double>{1.0, 10.0}));
  EXPECT_EQ(q.offsets, (std::vector<double>{2.0, 30.0}));
  EXPECT_EQ(q.codes, (std::vector<int>{-2, 1, -2, 1}));
}

// |x - (s c + m')| <= s / 2 for every element (plus double rounding), every code in range, and
// the min and max of each group on the end codes.
TEST(KvCacheTest, RandomCachesRoundTripWithinHalfAStep) {
  constexpr int64_t kTokens = 96;
  constexpr int64_t kHeadDim = 64;
  constexpr int64_t kGroup = 32;
  for (int bits : {2, 4}) {
    SCOPED_TRACE("bits " + std::to_string(bits) + ", seed " + std::to_string(kSeed));
    const int half = 1 << (bits - 1);
    const std::vector<double> keys = RandomKeys(kTokens, kHeadDim, kSeed);
    const QuantizedKeys qk = QuantizeKeysPerChannel(keys, kTokens, kHeadDim, kGroup, bits);
    const std::vector<double> kd = DequantizeKeys(qk);
    for (int64_t t = 0; t < kTokens; ++t) {
      for (int64_t d = 0; d < kHeadDim; ++d) {
        const size_t i = t * kHeadDim + d;
        const double s = qk.scales[(t / kGroup) * kHeadDim + d];
        ASSERT_GT(s, 0);
        EXPECT_GE(qk.codes[i], -half);
        EXPECT_LT(qk.codes[i], half);
        EXPECT_LE(std::fabs(keys[i] - kd[i]), s / 2 * (1 + 1e-12) + 1e-14 * std::fabs(keys[i]))
            << "key [" << t << "][" << d << "]";
      }
    }
    for (int64_t g = 0; g < kTokens / kGroup; ++g) {
      for (int64_t d = 0; d < kHeadDim; ++d) {
        int lo = half, hi = -half - 1;
        for (int64_t t = g * kGroup; t < (g + 1) * kGroup; ++t) {
          lo = std::min(lo, qk.codes[t * kHeadDim + d]);
          hi = std::max(hi, qk.codes[t * kHeadDim + d]);
        }
        EXPECT_EQ(lo, -half);
        EXPECT_EQ(hi, half - 1);
      }
    }

    const std::vector<double> values = RandomNormal(kTokens * kHeadDim, kSeed + 1);
    const QuantizedValues qv = QuantizeValuesPerToken(values, kTokens, kHeadDim, bits);
    const std::vector<double> vd = DequantizeValues(qv);
    for (int64_t t = 0; t < kTokens; ++t) {
      const double s = qv.scales[t];
      ASSERT_GT(s, 0);
      const auto row = qv.codes.begin() + t * kHeadDim;
      EXPECT_EQ(*std::min_element(row, row + kHeadDim), -half);
      EXPECT_EQ(*std::max_element(row, row + kHeadDim), half - 1);
      for (int64_t d = 0; d < kHeadDim; ++d) {
        const size_t i = t * kHeadDim + d;
        EXPECT_LE(std::fabs(values[i] - vd[i]), s / 2 * (1 + 1e-12) + 1e-14 * std::fabs(values[i]))
            << "value [" << t << "][" << d << "]";
      }
    }
  }
}

TEST(KvCacheTest, BadInputIsRefused) {
  const std::vector<double> x(8, 1.0);
  auto message = [](auto f) -> std::string {
    try {
      f();
    } catch (const InputError& e) {
      return e.what();
    }
    return "no error";
  };
  EXPECT_NE(message([&] { QuantizeKeysPerChannel(x, 4, 2, 2, 3); }).find("2 or 4 bits, got 3"),
            std::string::npos);
  EXPECT_NE(message([&] { QuantizeValuesPerToken(x, 4, 2, 8); }).find("2 or 4 bits, got 8"),
            std::string::npos);
  EXPECT_NE(message([&] { QuantizeKeysPerChannel(x, 4, 2, 3, 2); }).find("groups of 3"),
            std::string::npos);
  EXPECT_NE(message([&] { QuantizeKeysPerChannel(x, 3, 2, 3, 2); }).find("expected 3 x 2"),
            std::string::npos);
  std::vector<double> nan = x;
  nan[5] = std::nan("");
  EXPECT_NE(message([&] { QuantizeValuesPerToken(nan, 4, 2, 2); }).find("values [2][1]"),
            std::string::npos);
  EXPECT_NE(message([&] {
              UnitScaleCodeWeights({0, 2}, 1, 2, 2);
            }).find("code 2 does not fit"),
            std::string::npos);
}

// ----- The unit-scale weight tensor --------------------------------------------------------------

void ExpectSameTensor(const BlockedTensor& a, const BlockedTensor& b) {
  EXPECT_EQ(a.rows, b.rows);
  EXPECT_EQ(a.k, b.k);
  EXPECT_EQ(a.block, b.block);
  EXPECT_EQ(a.unit_exponent, b.unit_exponent);
  EXPECT_EQ(a.scale_type, b.scale_type);
  EXPECT_EQ(a.codes, b.codes);
  EXPECT_EQ(a.units, b.units);
  EXPECT_EQ(a.block_bits, b.block_bits);
  EXPECT_EQ(a.scale_codes, b.scale_codes);
  ASSERT_EQ(a.scales.size(), b.scales.size());
  for (size_t i = 0; i < a.scales.size(); ++i) {
    EXPECT_EQ(a.scales[i].mantissa, b.scales[i].mantissa) << i;
    EXPECT_EQ(a.scales[i].exponent, b.scales[i].exponent) << i;
    EXPECT_EQ(a.scales[i].nan, b.scales[i].nan) << i;
  }
  EXPECT_EQ(a.zero_points, b.zero_points);
  EXPECT_EQ(a.row_scale_codes, b.row_scale_codes);
  EXPECT_EQ(a.tensor_scale_code, b.tensor_scale_code);
}

// QuantizeWeights gives a per-channel scale of exactly 1.0 when each column's largest magnitude is
// 2^(b-1) - 1 and the codes stay within +-(2^(b-1) - 1): then its tensor must be ours, field for
// field. Also the memory image (model/bit_packing.h) decodes back to the same tensor.
TEST(KvCacheTest, UnitScaleWeightsAreWhatQuantizeWeightsMakesWithScaleOne) {
  constexpr int64_t kK = 64;
  constexpr int64_t kN = 5;
  for (int bits : {2, 4}) {
    SCOPED_TRACE("bits " + std::to_string(bits));
    const int top = (1 << (bits - 1)) - 1;
    std::mt19937_64 rng(kSeed);
    std::vector<int> codes(kK * kN);
    for (int& c : codes) c = static_cast<int>(rng() % (2 * top + 1)) - top;
    for (int64_t n = 0; n < kN; ++n) codes[(n * 7) % kK * kN + n] = n % 2 == 0 ? top : -top;
    const std::vector<double> real(codes.begin(), codes.end());
    const WeightFormat format = ParseWeightFormat("int" + std::to_string(bits) + "_gch");
    const BlockedTensor ours = UnitScaleCodeWeights(codes, kK, kN, bits);
    ExpectSameTensor(ours, QuantizeWeights(format, real, kK, kN));
    EXPECT_EQ(ours.scale_codes, std::vector<uint32_t>(kN, 0x3C00));

    const PackedTensor image = PackTensor(ours, bits);
    EXPECT_EQ(image.codes.size(), static_cast<size_t>(kN * kK * bits / 8));
    EXPECT_EQ(image.scales.size(), static_cast<size_t>(2 * kN));  // one FP16 1.0 per column
    ExpectSameTensor(UnpackWeights(format, image, kK, kN, ours.block_bits), ours);
  }
}

// The most negative code, which KIVI's unsigned minimum becomes, is kept: a 2-bit -2 reaches the
// 4-bit PE sign-extended (0b1110).
TEST(KvCacheTest, MostNegativeCodeReachesTheCoreSignExtended) {
  const BlockedTensor w = UnitScaleCodeWeights({-2, 1, 0, -1}, 2, 2, 2);
  // One row per output channel: W[0][0], W[1][0], then W[0][1], W[1][1].
  EXPECT_EQ(w.units, (std::vector<int64_t>{-2, 0, 1, -1}));
  EXPECT_EQ(w.codes, (std::vector<uint32_t>{2, 0, 1, 3}));
  const BlockedTensor a = QuantizeActivations(Fp16(), {1.0, 0.5}, 1, 2);
  CoreWidths widths;
  widths.activation_bits = 16;
  widths.weight_bits = 4;
  const CoreOperands core = PrepareCoreOperands(a, w, ParseWeightFormat("int2_gch"), widths);
  EXPECT_EQ(core.weight_codes, (std::vector<uint32_t>{0xE, 0x0, 0x1, 0xF}));
  for (const CoreScale& s : core.weight_scales) {
    EXPECT_EQ(s.significand, 1024u);  // 1.0 = 1024 x 2^-10
    EXPECT_EQ(s.exponent, -10);
  }
  EXPECT_EQ(core.zero_points, std::vector<int32_t>(2, 0));
}

// ----- The attention products ------------------------------------------------------------------

// A bound on |y + bias - reference| for one output of a folded GEMM, where y is MpGemm's FP32
// output over the folded row a[0..k) (before FP16 rounding; `rounded` after it) and the codes
// c[0..k) of one weight column, with FP16 alignment units of `unit` (docs/numerics.md, 11.3):
//   FP16 rounding of each folded element:  |fp16(a) - a| <= 2^-11 |a| + 2^-25
//   alignment in its unit u:               <= 2^-15 max_{u} |fp16(a)|   (4 guard bits under an
//                                             11-bit significand; exact if the max is subnormal)
//   FP32: one rounding per unit and one per addition, K/U + 1 roundings of sums bounded by
//         sum |fp16(a) c| (1 + 2^-14):     <= (K/U + 1) 2^-24 (1 + 2^-10) sum |fp16(a) c|
// plus `reference_slack` for the double arithmetic of the reference and of the bias.
double FoldedGemmBound(const double* a, const double* rounded, const int* c, int64_t c_stride,
                       int64_t k, int64_t unit, double reference_slack) {
  double fp16 = 0;
  double align = 0;
  double magnitude = 0;
  for (int64_t u = 0; u < k / unit; ++u) {
    double largest = 0;
    for (int64_t i = u * unit; i < (u + 1) * unit; ++i)
      largest = std::max(largest, std::fabs(rounded[i]));
    for (int64_t i = u * unit; i < (u + 1) * unit; ++i) {
      const double code = std::fabs(static_cast<double>(c[i * c_stride]));
      fp16 += code * (std::ldexp(std::fabs(a[i]), -11) + std::ldexp(1.0, -25));
      align += code * std::ldexp(largest, -15);
      magnitude += code * std::fabs(rounded[i]);
    }
  }
  const double fp32 = static_cast<double>(k / unit + 1) * std::ldexp(1.0, -24) *
                      (1 + std::ldexp(1.0, -10)) * magnitude * (1 + std::ldexp(1.0, -14));
  return fp16 + align + fp32 + reference_slack;
}

std::vector<double> Decoded(const BlockedTensor& fp16) {
  std::vector<double> x(fp16.codes.size());
  for (size_t i = 0; i < x.size(); ++i) x[i] = DecodeFloat(kFp16, fp16.codes[i]);
  return x;
}

// Score: S[q, t] = sum_d Q[q, d] khat[t, d] = MpGemm(fp16(Q s_g), codes)[q, t] + beta[q, g], for
// every token group g, within FoldedGemmBound. Without beta, or without the folded scales, the
// bound is broken: it is tight enough to see both.
TEST(KvCacheTest, FoldedScoreGemmPlusBetaIsTheScoreOfTheDequantizedKeys) {
  constexpr int64_t kRows = 6;  // e.g. 2 queries x 3 heads sharing a KV head
  constexpr int64_t kHeadDim = 128;
  constexpr int64_t kGroup = 32;
  constexpr int64_t kTokens = 3 * kGroup;
  for (int bits : {2, 4}) {
    SCOPED_TRACE("bits " + std::to_string(bits) + ", seed " + std::to_string(kSeed));
    const std::vector<double> q = RandomNormal(kRows * kHeadDim, kSeed + 2);
    const QuantizedKeys keys = QuantizeKeysPerChannel(RandomKeys(kTokens, kHeadDim, kSeed + 3),
                                                      kTokens, kHeadDim, kGroup, bits);
    const std::vector<double> khat = DequantizeKeys(keys);
    const std::vector<double> beta = KeyScoreBias(q, kRows, keys);
    ASSERT_EQ(beta.size(), static_cast<size_t>(kRows * 3));
    int64_t checked = 0, without_beta_breaks = 0, unfolded_breaks = 0;
    double worst = 0;
    for (int64_t g = 0; g < keys.groups(); ++g) {
      const std::vector<double> folded = FoldKeyScales(q, kRows, keys, g);
      const BlockedTensor act = QuantizeActivations(Fp16(), folded, kRows, kHeadDim);
      const std::vector<double> rounded = Decoded(act);
      const BlockedTensor w = KeyCodeWeights(keys, g);
      ASSERT_EQ(w.rows, kGroup);
      ASSERT_EQ(w.k, kHeadDim);
      const std::vector<float> y = MpGemm(act, w);
      // The same codes with the raw query (scales not folded): what a core without folding gives.
      const std::vector<float> y_raw = MpGemm(QuantizeActivations(Fp16(), q, kRows, kHeadDim), w);
      for (int64_t r = 0; r < kRows; ++r) {
        for (int64_t j = 0; j < kGroup; ++j) {
          const int64_t t = g * kGroup + j;
          double reference = 0, slack = 0;
          for (int64_t d = 0; d < kHeadDim; ++d) {
            reference += q[r * kHeadDim + d] * khat[t * kHeadDim + d];
            slack +=
                std::fabs(q[r * kHeadDim + d]) *
                (std::fabs(khat[t * kHeadDim + d]) + std::fabs(keys.offsets[g * kHeadDim + d]) +
                 std::fabs(keys.scales[g * kHeadDim + d] * keys.codes[t * kHeadDim + d]));
          }
          const double bound = FoldedGemmBound(&folded[r * kHeadDim], &rounded[r * kHeadDim],
                                               &keys.codes[t * kHeadDim], 1, kHeadDim,
                                               std::gcd<int64_t>(kHeadDim, 128), 1e-13 * slack);
          const double got = y[r * kGroup + j] + beta[r * keys.groups() + g];
          EXPECT_LE(std::fabs(got - reference), bound) << "S[" << r << "][" << t << "]";
          worst = std::max(worst, std::fabs(got - reference) / bound);
          without_beta_breaks += std::fabs(y[r * kGroup + j] - reference) > bound;
          unfolded_breaks +=
              std::fabs(y_raw[r * kGroup + j] + beta[r * keys.groups() + g] - reference) > bound;
          ++checked;
        }
      }
    }
    EXPECT_EQ(checked, kRows * kTokens);
    EXPECT_GT(without_beta_breaks, checked * 9 / 10);
    EXPECT_GT(unfolded_breaks, checked * 9 / 10);
    EXPECT_GT(worst, 0.01) << "the bound is far looser than the error it bounds";
  }
}

// Value: O[q, d] = sum_t P[q, t] vhat[t, d] = MpGemm(fp16(P s), codes)[q, d] + gamma[q].
TEST(KvCacheTest, FoldedValueGemmPlusGammaIsTheOutputOfTheDequantizedValues) {
  constexpr int64_t kRows = 4;
  constexpr int64_t kTokens = 384;  // three FP16 alignment units of 128
  constexpr int64_t kHeadDim = 64;
  for (int bits : {2, 4}) {
    SCOPED_TRACE("bits " + std::to_string(bits) + ", seed " + std::to_string(kSeed));
    const std::vector<double> p = RandomProbabilities(kRows, kTokens, kSeed + 4);
    const QuantizedValues values = QuantizeValuesPerToken(
        RandomNormal(kTokens * kHeadDim, kSeed + 5), kTokens, kHeadDim, bits);
    const std::vector<double> vhat = DequantizeValues(values);
    const std::vector<double> gamma = ValueOutputBias(p, kRows, values);
    const std::vector<double> folded = FoldValueScales(p, kRows, values);
    const BlockedTensor act = QuantizeActivations(Fp16(), folded, kRows, kTokens);
    const std::vector<double> rounded = Decoded(act);
    const BlockedTensor w = ValueCodeWeights(values);
    ASSERT_EQ(w.rows, kHeadDim);
    ASSERT_EQ(w.k, kTokens);
    const std::vector<float> y = MpGemm(act, w);
    int64_t without_gamma_breaks = 0;
    double worst = 0;
    for (int64_t r = 0; r < kRows; ++r) {
      for (int64_t d = 0; d < kHeadDim; ++d) {
        double reference = 0, slack = 0;
        for (int64_t t = 0; t < kTokens; ++t) {
          reference += p[r * kTokens + t] * vhat[t * kHeadDim + d];
          slack += p[r * kTokens + t] *
                   (std::fabs(vhat[t * kHeadDim + d]) + std::fabs(values.offsets[t]) +
                    std::fabs(values.scales[t] * values.codes[t * kHeadDim + d]));
        }
        const double bound =
            FoldedGemmBound(&folded[r * kTokens], &rounded[r * kTokens], &values.codes[d], kHeadDim,
                            kTokens, 128, 1e-13 * slack);
        const double got = y[r * kHeadDim + d] + gamma[r];
        EXPECT_LE(std::fabs(got - reference), bound) << "O[" << r << "][" << d << "]";
        worst = std::max(worst, std::fabs(got - reference) / bound);
        without_gamma_breaks += std::fabs(y[r * kHeadDim + d] - reference) > bound;
      }
    }
    EXPECT_GT(without_gamma_breaks, kRows * kHeadDim * 9 / 10);
    EXPECT_GT(worst, 0.01) << "the bound is far looser than the error it bounds";
  }
}

// ----- The generator of an attention layer's GEMM ---------------------------------------------

AttentionShape Shape(AttentionProduct product, int bits) {
  AttentionShape s;
  s.product = product;
  s.batch = 2;
  s.heads = 4;
  s.kv_heads = 2;
  s.head_dim = 64;
  s.queries = 3;
  s.kv_len = 256;
  s.kv_bits = bits;
  s.kv_group = product == AttentionProduct::kScore ? 32 : 0;
  return s;
}

TEST(KvCacheTest, AttentionShapeLowersToItsGemm) {
  const AttentionShape score = Shape(AttentionProduct::kScore, 2);
  EXPECT_EQ(score.gemm_m(), 6);  // 3 queries x 2 heads per KV head
  EXPECT_EQ(score.gemm_k(), 64);
  EXPECT_EQ(score.gemm_n(), 32);
  EXPECT_EQ(score.gemm_repeat(), 2 * 2 * 256 / 32);
  EXPECT_EQ(score.weight_format(), "int2_gch");
  const AttentionShape value = Shape(AttentionProduct::kValue, 4);
  EXPECT_EQ(value.gemm_m(), 6);
  EXPECT_EQ(value.gemm_k(), 256);
  EXPECT_EQ(value.gemm_n(), 64);
  EXPECT_EQ(value.gemm_repeat(), 2 * 2);
  EXPECT_EQ(value.weight_format(), "int4_gch");
  EXPECT_FALSE(AttentionShape{}.present());
}

// A shape built in code that lowers to no GEMM is refused, not divided by.
TEST(KvCacheTest, RandomAttentionOperandsRefuseShapesWithoutAGemm) {
  AttentionShape no_kv_heads = Shape(AttentionProduct::kValue, 2);
  no_kv_heads.kv_heads = 0;
  AttentionShape ragged_groups = Shape(AttentionProduct::kScore, 2);
  ragged_groups.kv_group = 48;
  AttentionShape three_bits = Shape(AttentionProduct::kScore, 3);
  for (const AttentionShape& shape : {AttentionShape{}, no_kv_heads, ragged_groups, three_bits}) {
    EXPECT_THROW(RandomAttentionOperands(shape, 1), InputError);
  }
}

TEST(KvCacheTest, RandomAttentionOperandsAreReproducibleAndConsistent) {
  for (AttentionProduct product : {AttentionProduct::kScore, AttentionProduct::kValue}) {
    const AttentionShape shape = Shape(product, 2);
    SCOPED_TRACE(product == AttentionProduct::kScore ? "score" : "value");
    const AttentionOperands a = RandomAttentionOperands(shape, 5);
    const AttentionOperands b = RandomAttentionOperands(shape, 5);
    const AttentionOperands c = RandomAttentionOperands(shape, 6);
    EXPECT_EQ(a.queries, b.queries);
    EXPECT_EQ(a.cache, b.cache);
    EXPECT_EQ(a.activations.codes, b.activations.codes);
    EXPECT_EQ(a.weights.codes, b.weights.codes);
    EXPECT_NE(a.queries, c.queries);
    EXPECT_NE(a.cache, c.cache);
    EXPECT_EQ(a.activations.rows, shape.gemm_m());
    EXPECT_EQ(a.activations.k, shape.gemm_k());
    EXPECT_EQ(a.weights.rows, shape.gemm_n());
    EXPECT_EQ(a.weights.k, shape.gemm_k());
    EXPECT_EQ(a.bias.size(), static_cast<size_t>(shape.gemm_m()));
    EXPECT_EQ(a.activations.codes,
              QuantizeActivations(Fp16(), a.folded, shape.gemm_m(), shape.gemm_k()).codes);
    if (product == AttentionProduct::kScore) {
      ExpectSameTensor(a.weights, KeyCodeWeights(a.keys, 0));
      EXPECT_EQ(a.folded, FoldKeyScales(a.queries, shape.gemm_m(), a.keys, 0));
      // Outlier channels: the widest channel's scale is several times the narrowest's.
      const auto [lo, hi] = std::minmax_element(a.keys.scales.begin(), a.keys.scales.end());
      EXPECT_GT(*hi, 4 * *lo);
    } else {
      ExpectSameTensor(a.weights, ValueCodeWeights(a.values));
      for (int64_t r = 0; r < shape.gemm_m(); ++r) {
        double sum = 0;
        for (int64_t t = 0; t < shape.kv_len; ++t) sum += a.queries[r * shape.kv_len + t];
        EXPECT_NEAR(sum, 1.0, 1e-12);  // rows of probabilities
      }
    }
  }
}

}  // namespace
}  // namespace mixpe
