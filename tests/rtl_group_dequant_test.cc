// RTL tests of mixpe_group_dequant: the once-per-group dequantization and FP32 accumulation of
// docs/numerics.md, section 5, against the golden arithmetic on random units, and bit for bit
// against the golden mixed-precision GEMM (model/mpgemm.h) on quantized operands.
#include <gtest/gtest.h>
#include <verilated.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <random>

#include "Vgroup_dequant_unit.h"
#include "fp32_pair_checker.h"
#include "model/minifloat.h"
#include "model/mpgemm.h"
#include "model/quantize.h"

namespace mixpe {
namespace {

// Widths of the Verilated unit (tests/CMakeLists.txt).
constexpr int kSumBits = 28;
constexpr int kZeroBits = 8;
constexpr int kScaleBits = 22;
constexpr int kExpBits = 10;

uint64_t Mask(int bits) { return (uint64_t{1} << bits) - 1; }

using testing_util::CanonicalBits;
using testing_util::FloatOf;

struct Unit {
  int64_t product_sum = 0;
  int64_t activation_sum = 0;
  int64_t zero_point = 0;
  uint64_t scale = 1;
  int exponent = 0;
  bool nan = false;
};

// The golden arithmetic of section 5, written from the spec with the model's rounding.
uint32_t GoldenOutput(const std::vector<Unit>& units, float row_scale = 1.0f) {
  float y = 0.0f;
  for (const Unit& u : units) {
    const __int128 corrected = u.product_sum - u.zero_point * u.activation_sum;
    const float term = u.nan ? std::numeric_limits<float>::quiet_NaN()
                             : FloatOf(RoundScaledToFloat(kFp32, corrected * u.scale, u.exponent,
                                                          Overflow::kInfinity));
    y = y + term;
  }
  y = y * row_scale;
  return CanonicalBits(y);
}

class RtlGroupDequantTest : public ::testing::Test {
 protected:
  void SetUp() override {
    context_ = std::make_unique<VerilatedContext>();
    context_->fatalOnError(false);
    unit_ = std::make_unique<Vgroup_dequant_unit>(context_.get(), "dequant");
    unit_->unit_valid_i = 0;
    unit_->rst_ni = 0;
    Clock();
    unit_->rst_ni = 1;
  }
  void TearDown() override { unit_->final(); }

  void Clock() {
    unit_->clk_i = 0;
    unit_->eval();
    unit_->clk_i = 1;
    unit_->eval();
  }

  // Streams one output's units through the RTL and returns y.
 public:
  uint32_t Rtl(const std::vector<Unit>& units, float row_scale = 1.0f) {
    for (size_t i = 0; i < units.size(); ++i) {
      const Unit& u = units[i];
      unit_->unit_valid_i = 1;
      unit_->unit_first_i = i == 0;
      unit_->unit_last_i = i + 1 == units.size();
      unit_->product_sum_i = static_cast<uint32_t>(u.product_sum & Mask(kSumBits));
      unit_->activation_sum_i = static_cast<uint32_t>(u.activation_sum & Mask(kSumBits));
      unit_->zero_point_i = static_cast<uint8_t>(u.zero_point & Mask(kZeroBits));
      unit_->scale_i = static_cast<uint32_t>(u.scale & Mask(kScaleBits));
      unit_->scale_exp_i = static_cast<uint16_t>(u.exponent & Mask(kExpBits));
      unit_->scale_nan_i = u.nan;
      unit_->row_scale_i = CanonicalBits(row_scale);
      Clock();
      EXPECT_EQ(static_cast<bool>(unit_->y_valid_o), i + 1 == units.size());
    }
    unit_->unit_valid_i = 0;
    EXPECT_FALSE(context_->gotError());
    return unit_->y_o;
  }

  std::unique_ptr<VerilatedContext> context_;
  std::unique_ptr<Vgroup_dequant_unit> unit_;
};

TEST_F(RtlGroupDequantTest, HandComputedOutput) {
  // Unit 0: D = 100 - 3 * 20 = 40, times 3 * 2^-2 = 30. Unit 1: D = -7 - 0 = -7, times 1 * 2^1
  // = -14. y = 30 + -14 = 16 = 0x41800000.
  EXPECT_EQ(Rtl({{100, 20, 3, 3, -2, false}, {-7, 5, 0, 1, 1, false}}), 0x41800000u);
  // A NaN scale anywhere makes the output the canonical NaN.
  EXPECT_EQ(Rtl({{1, 1, 0, 1, 0, false}, {1, 1, 0, 1, 0, true}, {5, 0, 0, 1, 0, false}}),
            0x7FC00000u);
  // Cancellation to zero gives +0, not -0.
  EXPECT_EQ(Rtl({{-5, 0, 0, 1, 0, false}, {5, 0, 0, 1, 0, false}}), 0x00000000u);
  // y restarts at +0 for the next output.
  EXPECT_EQ(Rtl({{1, 0, 0, 1, 0, false}}), 0x3F800000u);
  // The row scale multiplies the finished sum once: 16 * 0.375 = 6.
  EXPECT_EQ(Rtl({{100, 20, 3, 3, -2, false}, {-7, 5, 0, 1, 1, false}}, 0.375f), 0x40C00000u);
}

TEST_F(RtlGroupDequantTest, RandomUnitsMatchTheGoldenArithmetic) {
  const char* env = std::getenv("MIXPE_TEST_SEED");
  const uint64_t seed = env != nullptr ? std::strtoull(env, nullptr, 0) : 0xDE0u;
  std::cout << "[ seed ] " << seed << "\n";
  std::mt19937_64 rng(seed);
  auto signed_value = [&](int bits) {
    const int used = 1 + static_cast<int>(rng() % (bits - 1));
    const int64_t v = static_cast<int64_t>(rng() & Mask(used - 1));
    return (rng() & 1) ? -v : v;
  };
  for (int output = 0; output < 100'000; ++output) {
    std::vector<Unit> units(1 + rng() % 8);
    const int base_exponent = static_cast<int>(rng() % 300) - 200;
    for (Unit& u : units) {
      u.product_sum = signed_value(kSumBits - 2);
      u.activation_sum = signed_value(kSumBits - 2);
      u.zero_point = signed_value(kZeroBits);
      u.scale = rng() & Mask(1 + static_cast<int>(rng() % kScaleBits));
      u.exponent = base_exponent + static_cast<int>(rng() % 40) - 20;
      u.nan = rng() % 1000 == 0;
    }
    // A random row scale on every other output, 1.0 otherwise.
    const float row_scale =
        output % 2 == 0 ? 1.0f : FloatOf(static_cast<uint32_t>(rng()) & 0xBFFFFFFFu);
    ASSERT_EQ(Rtl(units, row_scale), GoldenOutput(units, row_scale)) << "output " << output;
  }
}

// The unit fed with the exact sums of real quantized operands reproduces the golden GEMM.
void CheckAgainstMpGemm(RtlGroupDequantTest* test, const char* weight_format,
                        const char* activation_format) {
  SCOPED_TRACE(std::string(weight_format) + " x " + activation_format);
  const int64_t m = 3, k = 256, n = 4;
  std::mt19937_64 rng(7);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::vector<double> a(m * k), w(k * n);
  for (double& v : a) v = normal(rng);
  for (double& v : w) v = 0.02 * normal(rng);
  const BlockedTensor qw = QuantizeWeights(ParseWeightFormat(weight_format), w, k, n);
  const BlockedTensor qa_raw =
      QuantizeActivations(ParseActivationFormat(activation_format), a, m, k);
  const std::vector<float> golden = MpGemm(qa_raw, qw);
  const bool fp16 = qa_raw.units.empty();
  const BlockedTensor qa =
      fp16 ? AlignFp16Blocks(qa_raw, std::gcd(qw.block, kMaxFp16AlignBlock)) : qa_raw;
  const int unit = ReductionUnit(qa, qw);
  const Dyadic tensor_a = Dyadic::FromFloatCode(kFp32, qa.tensor_scale_code);
  const Dyadic tensor_w = Dyadic::FromFloatCode(kFp32, qw.tensor_scale_code);
  for (int64_t row = 0; row < m; ++row) {
    // r_m: one rounding of the exact product of the token and tensor scales (section 5).
    const Dyadic token = qa.row_scale_codes.empty()
                             ? Dyadic{}
                             : Dyadic::FromFloatCode(kFp16, qa.row_scale_codes[row]);
    const float row_scale = FloatOf(RoundScaledToFloat(
        kFp32, static_cast<__int128>(token.mantissa) * tensor_a.mantissa * tensor_w.mantissa,
        token.exponent + tensor_a.exponent + tensor_w.exponent, Overflow::kInfinity));
    for (int64_t col = 0; col < n; ++col) {
      std::vector<Unit> units;
      for (int64_t k0 = 0; k0 < k; k0 += unit) {
        const Dyadic& sa = qa.scales[qa.BlockIndex(row, k0)];
        const Dyadic& sw = qw.scales[qw.BlockIndex(col, k0)];
        Unit u;
        for (int64_t kk = k0; kk < k0 + unit; ++kk) {
          u.product_sum += qa.units[row * k + kk] * qw.units[col * k + kk];
          u.activation_sum += qa.units[row * k + kk];
        }
        u.zero_point = qw.zero_points.empty() ? 0 : qw.zero_points[qw.BlockIndex(col, k0)];
        u.scale = static_cast<uint64_t>(sa.mantissa * sw.mantissa);
        u.exponent = sa.exponent + sw.exponent + qa.unit_exponent + qw.unit_exponent;
        u.nan = sa.nan || sw.nan;
        units.push_back(u);
      }
      ASSERT_EQ(test->Rtl(units, row_scale), CanonicalBits(golden[row * n + col]))
          << "y[" << row << "][" << col << "]";
    }
  }
}

TEST_F(RtlGroupDequantTest, ReproducesTheGoldenGemmForW4A16Asymmetric) {
  CheckAgainstMpGemm(this, "int4_g32_asym", "fp16");
}

TEST_F(RtlGroupDequantTest, ReproducesTheGoldenGemmForW4A16PerChannel) {
  CheckAgainstMpGemm(this, "int4_gch", "fp16");
}

TEST_F(RtlGroupDequantTest, ReproducesTheGoldenGemmForMxfp4TimesMxfp8) {
  CheckAgainstMpGemm(this, "mxfp4", "mxfp8_e4m3");
}

TEST_F(RtlGroupDequantTest, ReproducesTheGoldenGemmForMixedWidths) {
  CheckAgainstMpGemm(this, "intmix234_g64_asym", "mxint8");
}

TEST_F(RtlGroupDequantTest, ReproducesTheGoldenGemmForW4A8PerToken) {
  CheckAgainstMpGemm(this, "int4_g128_asym", "int8_token");
}

TEST_F(RtlGroupDequantTest, ReproducesTheGoldenGemmForNvfp4) {
  CheckAgainstMpGemm(this, "nvfp4", "nvfp4");
}

}  // namespace
}  // namespace mixpe
