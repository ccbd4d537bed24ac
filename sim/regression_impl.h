// Template part of regression.h.
#pragma once

#include <chrono>

#include "model/input_error.h"

namespace mixpe {

template <class VCore>
RegressionResult RunRegression(VerilatedCore<VCore>& core, const HardwareConfig& config,
                               uint64_t first_seed, int count,
                               const std::function<void(int, int)>& progress) {
  const auto begin = std::chrono::steady_clock::now();
  RegressionResult result;
  for (int i = 0; i < count; ++i) {
    const RegressionCase c = MakeRandomCase(config, first_seed + static_cast<uint64_t>(i));
    LayerData data;
    bool prepared = false;
    try {
      data = MakeCaseData(config, c);
      prepared = true;
    } catch (const InputError& e) {
      RecordCaseError(config, c, e.what(), &result);
    }
    if (prepared) RecordCase(config, c, data, RunLayer(core, config, c.layer, data), &result);
    if (progress) progress(i + 1, count);
  }
  result.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
  return result;
}

}  // namespace mixpe
