// The baseline cores' golden GEMMs (model/baseline_gemm.h) against independent host arithmetic:
// the INT8 design's two-level weights and its once-scaled integer sums, and the FP16 design's
// per-element dequantization and FP32 sums per unit, then across units.
#include "model/baseline_gemm.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>

#include "model/gemm_operands.h"
#include "model/input_error.h"
#include "model/minifloat.h"
#include "model/quant_format.h"

namespace mixpe {
namespace {

uint32_t Bits(float f) {
  uint32_t b;
  std::memcpy(&b, &f, 4);
  return b;
}

struct Operands {
  BlockedTensor activations;
  BlockedTensor weights;
};

Operands Make(const std::string& weights, const std::string& activations, int64_t m, int64_t k,
              int64_t n, uint64_t seed) {
  const RealGemmOperands real = RandomRealGemmOperands(m, k, n, seed);
  Operands o;
  o.activations = QuantizeActivations(ParseActivationFormat(activations), real.activations, m, k);
  o.weights = QuantizeWeights(ParseWeightFormat(weights), real.weights, k, n);
  return o;
}

TEST(BaselineGemmTest, TwoLevelMultipliersRebuildEachGroupScaleFromTheChannelScale) {
  const Operands o = Make("int4_g32", "int8_token", 1, 256, 9, 7);
  const TwoLevelWeights t = ToTwoLevelInt8(o.weights);
  ASSERT_EQ(t.group, 32);
  ASSERT_EQ(t.multipliers.size(), 9u * 8);
  for (int64_t n = 0; n < 9; ++n) {
    const double channel = t.expanded.scales[n].ToDouble();
    double largest = 0;
    int largest_u = 0;
    for (int64_t g = 0; g < 8; ++g) {
      const double s = o.weights.scales[n * 8 + g].ToDouble();
      const int u = t.multipliers[n * 8 + g];
      EXPECT_GE(u, 1);
      EXPECT_LE(u, 15);
      // Nearest multiple of the channel scale, unless clamped at 1.
      if (u > 1) EXPECT_LE(std::abs(u * channel - s), channel / 2 + 1e-12 * s);
      if (s > largest) {
        largest = s;
        largest_u = u;
      }
      for (int64_t kk = g * 32; kk < (g + 1) * 32; ++kk) {
        EXPECT_EQ(t.expanded.units[n * 256 + kk], o.weights.units[n * 256 + kk] * u);
        EXPECT_EQ(t.expanded.codes[n * 256 + kk],
                  static_cast<uint32_t>(o.weights.units[n * 256 + kk] * u) & 0xFF);
      }
    }
    // The largest group's scale is about 15 channel scales.
    EXPECT_GE(largest_u, 14);
    EXPECT_NEAR(channel, largest / 15, largest / 15 / 1024);
  }
}

TEST(BaselineGemmTest, Int8IsTheExactSumScaledOnceByChannelAndToken) {
  const Operands o = Make("int4_g32", "int8_token", 5, 256, 7, 11);
  const TwoLevelWeights t = ToTwoLevelInt8(o.weights);
  const std::vector<float> y = Int8MacGemm(o.activations, t);
  for (int64_t m = 0; m < 5; ++m) {
    const float r = static_cast<float>(DecodeFloat(kFp16, o.activations.row_scale_codes[m]));
    for (int64_t n = 0; n < 7; ++n) {
      int64_t p = 0;
      for (int64_t kk = 0; kk < 256; ++kk) {
        p += o.activations.units[m * 256 + kk] * t.expanded.units[n * 256 + kk];
      }
      // P x S_n is exact in a double; one rounding to FP32, then the token scale, rounded again.
      const float scaled = static_cast<float>(static_cast<double>(p) * t.expanded.scales[n].ToDouble());
      EXPECT_EQ(Bits(y[m * 7 + n]), Bits(scaled * r)) << m << "," << n;
    }
  }
}

TEST(BaselineGemmTest, Fp16SumsEachUnitInFp32ThenTheUnits) {
  for (const char* format : {"int4_g128", "int4_g32_asym", "int8_g64"}) {
    SCOPED_TRACE(format);
    const Operands o = Make(format, "fp16", 3, 256, 5, 23);
    const int unit = 64;
    const std::vector<uint32_t> y = Fp16MacGemm(o.activations, o.weights, unit);
    const int64_t groups = o.weights.blocks_per_row();
    for (int64_t m = 0; m < 3; ++m) {
      for (int64_t n = 0; n < 5; ++n) {
        float total = 0;
        for (int64_t k0 = 0; k0 < 256; k0 += unit) {
          float sum = 0;
          for (int64_t kk = k0; kk < k0 + unit; ++kk) {
            const int64_t g = n * groups + kk / o.weights.block;
            const int64_t zero = o.weights.zero_points.empty() ? 0 : o.weights.zero_points[g];
            // The weight: (code - zero) x scale exact in a double, rounded once to FP16.
            const double w = DecodeFloat(
                kFp16, EncodeFloat(kFp16,
                                   static_cast<double>(o.weights.units[n * 256 + kk] - zero) *
                                       o.weights.scales[g].ToDouble(),
                                   Overflow::kInfinity));
            const double a = DecodeFloat(kFp16, o.activations.codes[m * 256 + kk]);
            sum += static_cast<float>(a * w);  // the FP16 product is exact in FP32
          }
          total += sum;
        }
        EXPECT_EQ(y[m * 5 + n], Bits(total)) << m << "," << n;
      }
    }
  }
}

TEST(BaselineGemmTest, FormatsTheBaselinesDoNotRunAreRefused) {
  const Operands asym = Make("int4_g32_asym", "int8_token", 1, 64, 2, 1);
  EXPECT_THROW(ToTwoLevelInt8(asym.weights), InputError);
  const Operands wide = Make("int8_g32", "int8_token", 1, 64, 2, 1);
  EXPECT_THROW(ToTwoLevelInt8(wide.weights), InputError);  // 8-bit codes x 15 exceed INT8
  const Operands mx = Make("int4_g32", "mxint8", 1, 64, 2, 1);
  EXPECT_THROW(Int8MacGemm(mx.activations, ToTwoLevelInt8(mx.weights)), InputError);
  EXPECT_THROW(Fp16MacGemm(mx.activations, mx.weights, 32), InputError);
  const Operands fp16 = Make("int4_g32", "fp16", 1, 64, 2, 1);
  EXPECT_THROW(Fp16MacGemm(fp16.activations, fp16.weights, 48), InputError);
}

}  // namespace
}  // namespace mixpe
