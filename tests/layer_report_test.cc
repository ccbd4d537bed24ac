// Tests of MakeLayerData (sim/layer_report.h) without the RTL: an attention layer's data is the
// GEMM of its KIVI cache (model/kv_cache.h) in tensors the core takes exactly like quantized
// weights (PrepareCoreOperands), whose golden GEMM plus the host's offset term is the attention
// product of the dequantized cache; and every layer of the small core trace gets its data.
#include "sim/layer_report.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numeric>
#include <string>
#include <vector>

#include "model/input_error.h"
#include "model/kv_cache.h"
#include "model/minifloat.h"
#include "model/mpgemm.h"
#include "tests/input_test_util.h"

namespace mixpe {
namespace {

constexpr uint64_t kSeed = 31;

LayerTrace AttentionTrace(int score_bits, int value_bits) {
  const std::string shape =
      "batch: 2, heads: 4, kv_heads: 2, head_dim: 64, queries: 2, kv_len: 256";
  return LoadLayerTrace(
      testing_util::WriteTempFile("version: 1\nmodel: m\nseed: 1\nlayers:\n"
                                  "  - {name: score, attention: {product: score, " +
                                  shape + ", kv_bits: " + std::to_string(score_bits) +
                                  ", kv_group: 32}}\n"
                                  "  - {name: value, attention: {product: value, " +
                                  shape + ", kv_bits: " + std::to_string(value_bits) + "}}\n"));
}

// The FP32 outputs y (M x N) plus the offset term, against the product of the real query (or
// probabilities) and the dequantized cache in double: score S[q, t] = sum_d Q[q, d] khat[t, d],
// value O[q, d] = sum_t P[q, t] vhat[t, d]. The bound is the one of docs/numerics.md, 11.3,
// coarsened: 2^-10 sum |a c| covers the FP16 rounding (2^-11), the alignment (2^-15) and the FP32
// sums ((K/U + 1) 2^-24) at these sizes; 2^-25 per code the FP16 subnormals; 1e-12 of the terms'
// magnitudes the double arithmetic. Returns how many outputs are outside it, and the first.
struct OffTheReference {
  int64_t count = 0;
  std::string first;
};
OffTheReference CompareWithReference(const AttentionShape& shape, const AttentionOperands& ops,
                                     const std::vector<float>& y) {
  const int64_t m = shape.gemm_m();
  const int64_t k = shape.gemm_k();
  const int64_t n = shape.gemm_n();
  const bool score = shape.product == AttentionProduct::kScore;
  const std::vector<double> cache = score ? DequantizeKeys(ops.keys) : DequantizeValues(ops.values);
  const std::vector<int>& codes = score ? ops.keys.codes : ops.values.codes;
  OffTheReference off;
  for (int64_t r = 0; r < m; ++r) {
    for (int64_t j = 0; j < n; ++j) {
      double reference = 0, bound = 0, magnitude = 0;
      for (int64_t i = 0; i < k; ++i) {
        // score: i = d, j = t; value: i = t, j = d. The cache is tokens x head_dim either way.
        const size_t at = score ? j * k + i : i * n + j;
        const double scale = score ? ops.keys.scales[i] : ops.values.scales[i];
        const double offset = score ? ops.keys.offsets[i] : ops.values.offsets[i];
        reference += ops.queries[r * k + i] * cache[at];
        bound += std::fabs(codes[at]) *
                 (std::ldexp(std::fabs(ops.folded[r * k + i]), -10) + std::ldexp(1.0, -25));
        magnitude += std::fabs(ops.queries[r * k + i]) *
                     (std::fabs(cache[at]) + std::fabs(offset) + std::fabs(scale * codes[at]));
      }
      bound += 1e-12 * magnitude;
      const double got = y[r * n + j] + ops.bias[r];
      if (std::fabs(got - reference) > bound && off.count++ == 0) {
        off.first = "y[" + std::to_string(r) + "][" + std::to_string(j) +
                    "] + bias = " + std::to_string(got) + ", reference " +
                    std::to_string(reference) + ", bound " + std::to_string(bound);
      }
    }
  }
  return off;
}

void CheckAttentionData(const HardwareConfig& config, const GemmLayer& layer) {
  SCOPED_TRACE(config.source_file + ", layer " + layer.name);
  const AttentionShape& shape = layer.attention;
  const LayerData data = MakeLayerData(config, layer, kSeed);  // also PrepareCoreOperands
  EXPECT_EQ(data.formats.weights.Name(), shape.weight_format());
  EXPECT_EQ(data.formats.activations.Name(), "fp16");
  EXPECT_EQ(data.formats.unit, std::gcd<int64_t>(layer.k, 128));

  // The data is RandomAttentionOperands' for the seed.
  const AttentionOperands ops = RandomAttentionOperands(shape, kSeed);
  EXPECT_EQ(data.activations.codes, ops.activations.codes);
  EXPECT_EQ(data.weights.units, ops.weights.units);

  // The core takes it like any per-channel integer layer: every column's scale is 1.0 =
  // 1024 x 2^-10, no zero points, no output scale, the codes sign-extended to the PE.
  const CoreOperands& core = data.core;
  EXPECT_EQ(core.m, layer.m);
  EXPECT_EQ(core.k, layer.k);
  EXPECT_EQ(core.n, layer.n);
  EXPECT_EQ(core.unit, data.formats.unit);
  EXPECT_EQ(data.weights.scale_codes, std::vector<uint32_t>(layer.n, 0x3C00));
  for (const CoreScale& s : core.weight_scales) {
    ASSERT_EQ(s.significand, 1024u);
    ASSERT_EQ(s.exponent, -10);
    ASSERT_FALSE(s.nan);
  }
  EXPECT_EQ(core.zero_points, std::vector<int32_t>(core.zero_points.size(), 0));
  EXPECT_EQ(core.row_scale_bits, std::vector<uint32_t>(layer.m, 0x3F800000u));
  for (size_t i = 0; i < core.weight_codes.size(); ++i) {
    ASSERT_EQ(core.weight_codes[i],
              TwosComplementCode(static_cast<int>(data.weights.units[i]), config.weight_bits));
  }
  // PrepareCoreOperands on its own, with the config's widths, accepts the tensors too.
  CoreWidths widths;
  widths.activation_bits = config.activation_bits;
  widths.weight_bits = config.weight_bits;
  EXPECT_NO_THROW(
      PrepareCoreOperands(data.activations, data.weights, data.formats.weights, widths));

  // What the run checks the RTL against, plus beta or gamma, is the real attention product.
  const std::vector<float> y = MpGemm(data.activations, data.weights);
  const OffTheReference off = CompareWithReference(shape, ops, y);
  EXPECT_EQ(off.count, 0) << off.first;

  // Mutation: a column scale of 2.0 instead of 1.0 changes that column's outputs, and only
  // those, and the reference check sees it.
  BlockedTensor mutated = data.weights;
  mutated.scale_codes[0] = 0x4000;
  mutated.scales[0] = Dyadic::FromFloatCode(kFp16, 0x4000);
  const std::vector<float> y_mutated = MpGemm(data.activations, mutated);
  int64_t changed_in_column_0 = 0;
  for (int64_t r = 0; r < layer.m; ++r) {
    for (int64_t j = 0; j < layer.n; ++j) {
      const bool same = y_mutated[r * layer.n + j] == y[r * layer.n + j];
      if (j == 0) {
        changed_in_column_0 += !same;
      } else {
        ASSERT_TRUE(same) << r << ", " << j;
      }
    }
  }
  EXPECT_EQ(changed_in_column_0, layer.m);
  EXPECT_GE(CompareWithReference(shape, ops, y_mutated).count, layer.m / 2);
}

TEST(LayerDataTest, AttentionLayersOnTheDefaultConfig) {
  const HardwareConfig config = LoadHardwareConfig(MIXPE_SOURCE_DIR "/configs/default.yaml");
  for (const auto& [score_bits, value_bits] : {std::pair{2, 4}, std::pair{4, 2}}) {
    const LayerTrace trace = AttentionTrace(score_bits, value_bits);
    for (const GemmLayer& layer : trace.layers) CheckAttentionData(config, layer);
  }
}

// A 4x4 W4A16 test config that lists int4_gch but not int2_gch.
TEST(LayerDataTest, AttentionLayersOnASmallW4A16Config) {
  const HardwareConfig config =
      LoadHardwareConfig(MIXPE_SOURCE_DIR "/tests/configs/array_4x4_w4a16.yaml");
  const LayerTrace four = AttentionTrace(4, 4);
  for (const GemmLayer& layer : four.layers) CheckAttentionData(config, layer);
  const LayerTrace two = AttentionTrace(2, 4);
  try {
    MakeLayerData(config, two.layers[0], kSeed);
    ADD_FAILURE() << "int2_gch ran on a config that does not list it";
  } catch (const InputError& e) {
    EXPECT_TRUE(testing_util::ContainsAll(
        e.what(), {"layers[0].attention.kv_bits: layer score: ", "'int2_gch'"}));
  }
}

// A layer edited after loading no longer matches its attention shape: refused, not run.
TEST(LayerDataTest, AttentionLayerWhoseGemmWasEditedIsRefused) {
  const HardwareConfig config = LoadHardwareConfig(MIXPE_SOURCE_DIR "/configs/default.yaml");
  GemmLayer layer = AttentionTrace(2, 2).layers[0];
  layer.n = 16;
  try {
    MakeLayerData(config, layer, kSeed);
    ADD_FAILURE() << "an edited attention layer ran";
  } catch (const InputError& e) {
    EXPECT_TRUE(testing_util::ContainsAll(
        e.what(), {"layer score: ", "must keep the GEMM of its shape (M=4, K=64, N=32"}));
  }
}

// Every layer of the trace the core and co-simulation tests run gets data the core takes.
TEST(LayerDataTest, EveryLayerOfTheSmallCoreTraceHasCoreOperands) {
  const HardwareConfig config = LoadHardwareConfig(MIXPE_SOURCE_DIR "/configs/default.yaml");
  const LayerTrace trace = LoadLayerTrace(MIXPE_SOURCE_DIR "/tests/data/small_core_trace.yaml");
  int attention_layers = 0;
  for (size_t i = 0; i < trace.layers.size(); ++i) {
    const GemmLayer& layer = trace.layers[i];
    SCOPED_TRACE(layer.name);
    const LayerData data = MakeLayerData(config, layer, trace.seed + i);
    EXPECT_EQ(data.core.m, layer.m);
    EXPECT_EQ(data.core.k, layer.k);
    EXPECT_EQ(data.core.n, layer.n);
    EXPECT_EQ(MpGemm(data.activations, data.weights).size(),
              static_cast<size_t>(layer.m * layer.n));
    if (layer.attention.present()) {
      ++attention_layers;
      const AttentionOperands ops = RandomAttentionOperands(layer.attention, trace.seed + i);
      const OffTheReference off =
          CompareWithReference(layer.attention, ops, MpGemm(data.activations, data.weights));
      EXPECT_EQ(off.count, 0) << off.first;
    }
  }
  EXPECT_EQ(attention_layers, 2);
}

// Given real operands (with an edited value) quantize exactly as the seeded data's do, and the
// edit shows in the codes; operands of another shape, or for an attention layer, are refused.
TEST(LayerDataTest, GivenRealOperandsAreQuantizedLikeSeededOnes) {
  const HardwareConfig config = LoadHardwareConfig(MIXPE_SOURCE_DIR "/configs/default.yaml");
  GemmLayer layer;
  layer.name = "fc";
  layer.m = 3;
  layer.k = 256;
  layer.n = 5;
  layer.weights = "int4_g128_asym";
  RealGemmOperands real = RandomRealGemmOperands(layer.m, layer.k, layer.n, kSeed);
  const LayerData seeded = MakeLayerData(config, layer, kSeed);
  const LayerData given = MakeLayerData(config, layer, real);
  EXPECT_EQ(given.activations.codes, seeded.activations.codes);
  EXPECT_EQ(given.weights.codes, seeded.weights.codes);
  EXPECT_EQ(given.weights.zero_points, seeded.weights.zero_points);
  EXPECT_EQ(given.core.weight_codes, seeded.core.weight_codes);
  EXPECT_EQ(given.core.row_scale_bits, seeded.core.row_scale_bits);
  EXPECT_TRUE(
      MakeLayerData(config, layer, real, /*core_operands=*/false).core.weight_codes.empty());

  // A zero activation row: its INT8 codes and per-token scale are 0.
  for (int64_t kk = 0; kk < layer.k; ++kk) real.activations[layer.k + kk] = 0;
  const LayerData zero_row = MakeLayerData(config, layer, real);
  EXPECT_EQ(zero_row.activations.row_scale_codes[1], 0u);
  EXPECT_NE(zero_row.activations.row_scale_codes[0], 0u);

  real.n = 4;
  EXPECT_THROW(MakeLayerData(config, layer, real), InputError);
  GemmLayer attention = AttentionTrace(2, 2).layers[0];
  EXPECT_THROW(MakeLayerData(config, attention,
                             RandomRealGemmOperands(attention.m, attention.k, attention.n, kSeed)),
               InputError);
}

}  // namespace
}  // namespace mixpe
