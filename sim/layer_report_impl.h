// Template part of layer_report.h.
#pragma once

#include <chrono>

#include "model/mixpe_array.h"

namespace mixpe {

template <class VArray>
LayerReport RunLayer(VerilatedArray<VArray>& array, const HardwareConfig& config,
                     const GemmLayer& layer, uint64_t seed) {
  const GemmSchedule schedule = TileGemm(config, layer.name, layer.m, layer.k, layer.n);
  const GemmOperands ops = LayerOperands(config, layer, seed);
  // Watchdog: twice the predicted length, plus room for the pipeline, is far more than any
  // correct run needs.
  const int64_t limit = 2 * MixpeArray(config).Cycles(layer.m, layer.k, layer.n).cycles + 1000;
  const auto begin = std::chrono::steady_clock::now();
  const ArrayRunResult run = array.Run(schedule, ops, limit);
  const auto end = std::chrono::steady_clock::now();
  LayerReport report = CheckLayer(config, layer, ops, run);
  report.wall_seconds = std::chrono::duration<double>(end - begin).count();
  return report;
}

}  // namespace mixpe
