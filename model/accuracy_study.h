// Accuracy of the quantization formats against a float64 reference: realistic operands
// (Gaussian, with a few large outlier channels, fixed seeds) are quantized, multiplied by the
// golden mixed-precision GEMM, and compared with the exact GEMM of the unquantized values.
// `mixpe accuracy` prints the table that docs/numerics.md shows; tests hold every row to its bound.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mixpe {

struct AccuracyProblem {
  int64_t m = 32;
  int64_t k = 1024;
  int64_t n = 128;
  uint64_t seed = 1;
};

// Activations: N(0, 1), with 1% of the K channels (at least one) scaled by 20, the per-channel
// outliers of LLM activations. Weights: N(0, 0.02^2), with 0.2% of the input channels (at least
// one) scaled by 4. Deterministic for a seed.
void RealisticOperands(const AccuracyProblem& problem, std::vector<double>* activations,
                       std::vector<double>* weights);

struct AccuracyRow {
  std::string weight_format;
  std::string activation_format;
  double relative_error = 0;    // ||Y - Y_ref|| / ||Y_ref||, Y_ref from unquantized operands
  double arithmetic_error = 0;  // ||Y - Y_deq|| / ||Y_ref||, Y_deq from dequantized operands
  double bound = 0;             // the documented limit on relative_error
};

// The combinations the study covers, as (weight format, activation format) names.
std::vector<std::pair<std::string, std::string>> AccuracyCombinations();

// The documented bound on relative_error for a combination at the default problem size.
double AccuracyBound(const std::string& weight_format, const std::string& activation_format);

AccuracyRow MeasureAccuracy(const AccuracyProblem& problem, const std::string& weight_format,
                            const std::string& activation_format);

}  // namespace mixpe
