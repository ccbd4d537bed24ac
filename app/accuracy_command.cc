// mixpe accuracy: the quantization formats' error against float64 (docs/numerics.md).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <numeric>
#include <sstream>

#include "app/command_util.h"
#include "app/commands.h"
#include "model/accuracy_study.h"
#include "model/input_error.h"
#include "model/mpgemm.h"
#include "model/quant_format.h"

namespace mixpe {
// Prints the accuracy table of docs/numerics.md; fails if a combination exceeds its bound.
int Accuracy(const AccuracyProblem& problem, bool markdown) {
  // Each option is bounded on its own; together they could still ask for gigabytes of operands
  // and hours of float64 GEMMs, for statistics that settle far sooner.
  constexpr int64_t kMaxElements = int64_t{1} << 26;
  constexpr int64_t kMaxMacs = int64_t{1} << 30;
  const int64_t elements = problem.m * problem.k + problem.k * problem.n + problem.m * problem.n;
  const int64_t macs = problem.m * problem.k * problem.n;
  if (elements > kMaxElements || macs > kMaxMacs) {
    throw InputError("--m, --k, --n: " + std::to_string(problem.m) + " x " +
                     std::to_string(problem.k) + " x " + std::to_string(problem.n) + " takes " +
                     std::to_string(elements) + " operand and output elements and " +
                     std::to_string(macs) + " multiply-accumulates per format pair; expected at " +
                     "most " + std::to_string(kMaxElements) + " and " + std::to_string(kMaxMacs) +
                     " (the default is 32 x 1024 x 128)");
  }
  int failures = 0;
  std::printf(markdown ? "| weights | activations | relative error | bound | arithmetic error |\n"
                         "|---|---|---|---|---|\n"
                       : "%-22s %-12s %14s %10s %16s\n",
              "weights", "activations", "relative_error", "bound", "arithmetic_error");
  for (const auto& [weights, activations] : AccuracyCombinations()) {
    const AccuracyRow row = MeasureAccuracy(problem, weights, activations);
    const bool within = row.relative_error <= row.bound;
    failures += within ? 0 : 1;
    std::printf(
        markdown ? "| %s | %s | %.3e | %.2g | %.1e |%s\n" : "%-22s %-12s %14.3e %10.2g %16.1e%s\n",
        weights.c_str(), activations.c_str(), row.relative_error, row.bound, row.arithmetic_error,
        within ? "" : "  EXCEEDS BOUND");
  }
  return failures == 0 ? 0 : 1;
}

// Prints the widths of the exact inner sums of every format combination (docs/numerics.md).
int Widths(int64_t k) {
  std::printf(
      "| weights | activations | unit | P_u bits | S_u bits | D_u bits |\n"
      "|---|---|---|---|---|---|\n");
  for (const auto& [weights, activations] : AccuracyCombinations()) {
    const WeightFormat wf = ParseWeightFormat(weights);
    const ActivationFormat af = ParseActivationFormat(activations);
    const int64_t w_block = wf.GroupSizeFor(k);
    int64_t a_block = af.block_size;
    if (af.family == ActivationFamily::kInt8PerToken) a_block = k;
    if (af.family == ActivationFamily::kFp16)
      a_block = std::gcd<int64_t>(w_block, kMaxFp16AlignBlock);
    const int unit = static_cast<int>(std::min(w_block, a_block));
    const UnitSumWidths widths = RequiredUnitSumWidths(wf, af, unit);
    std::printf("| %s | %s | %d | %d | %s | %d |\n", weights.c_str(), activations.c_str(), unit,
                widths.product_sum,
                widths.activation_sum == 0 ? "-" : std::to_string(widths.activation_sum).c_str(),
                widths.corrected);
  }
  return 0;
}

}  // namespace mixpe
