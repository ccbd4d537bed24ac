// Accuracy of every quantization format combination against a float64 reference, held to the
// bounds tabulated in docs/numerics.md, and the GEMM's own arithmetic error held near FP32
// precision (FP16 activations: near the documented alignment error).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "model/accuracy_study.h"

namespace mixpe {
namespace {

class AccuracyTest : public ::testing::TestWithParam<std::pair<std::string, std::string>> {};

TEST_P(AccuracyTest, RelativeErrorWithinDocumentedBound) {
  const auto& [weights, activations] = GetParam();
  const AccuracyRow row = MeasureAccuracy(AccuracyProblem{}, weights, activations);
  ASSERT_FALSE(std::isnan(row.bound))
      << "no documented bound for " << weights << " x " << activations;
  EXPECT_LE(row.relative_error, row.bound);
  // The error is a real quantization error, not a degenerate zero output.
  EXPECT_GT(row.relative_error, 0.0);
  // Against the dequantized operands only FP32 accumulation remains (about 2^-24 relative per
  // operation), plus, for FP16 activations, the block alignment (docs/numerics.md, section 6).
  const double arithmetic_limit = activations == "fp16" ? 2e-4 : 2e-7;
  EXPECT_LE(row.arithmetic_error, arithmetic_limit);
}

std::string Name(const ::testing::TestParamInfo<std::pair<std::string, std::string>>& info) {
  return info.param.first + "_x_" + info.param.second;
}

INSTANTIATE_TEST_SUITE_P(AllFormats, AccuracyTest, ::testing::ValuesIn(AccuracyCombinations()),
                         Name);

TEST(AccuracyStudy, OperandsAreReproducible) {
  std::vector<double> a1, w1, a2, w2;
  RealisticOperands(AccuracyProblem{}, &a1, &w1);
  RealisticOperands(AccuracyProblem{}, &a2, &w2);
  EXPECT_EQ(a1, a2);
  EXPECT_EQ(w1, w2);
  AccuracyProblem other;
  other.seed = 2;
  RealisticOperands(other, &a2, &w2);
  EXPECT_NE(a1, a2);
}

TEST(AccuracyStudy, ActivationsHaveOutlierChannels) {
  AccuracyProblem p;
  std::vector<double> a, w;
  RealisticOperands(p, &a, &w);
  // The largest channel RMS is far above the typical one (outliers scaled by 20).
  double largest = 0, total = 0;
  for (int64_t kk = 0; kk < p.k; ++kk) {
    double sum = 0;
    for (int64_t m = 0; m < p.m; ++m) sum += a[m * p.k + kk] * a[m * p.k + kk];
    largest = std::max(largest, sum / p.m);
    total += sum / p.m;
  }
  EXPECT_GT(largest, 100.0 * total / p.k);
}

}  // namespace
}  // namespace mixpe
