// Template part of layer_report.h.
#pragma once

#include <chrono>

#include "model/mixpe_array.h"

namespace mixpe {

template <class VCore>
CoreRunResult RunLayerOnCore(VerilatedCore<VCore>& core, const HardwareConfig& config,
                             const GemmLayer& layer, const LayerData& data) {
  const CoreSchedule schedule = TileCoreGemm(config, layer.name, layer.m, layer.k, layer.n,
                                             data.formats.unit, TracePlanOf(layer));
  // Watchdog: twice the predicted length, plus room for the pipeline, is far more than any
  // correct run needs.
  const int64_t limit = 2 * CoreScheduleCycles(schedule) + 1000;
  return core.Run(schedule, data.core, limit);
}

template <class VCore>
LayerReport RunLayer(VerilatedCore<VCore>& core, const HardwareConfig& config,
                     const GemmLayer& layer, const LayerData& data) {
  const auto begin = std::chrono::steady_clock::now();
  const CoreRunResult run = RunLayerOnCore(core, config, layer, data);
  const auto end = std::chrono::steady_clock::now();
  LayerReport report = CheckLayer(config, layer, data, run);
  report.wall_seconds = std::chrono::duration<double>(end - begin).count();
  return report;
}

template <class VCore>
LayerReport RunLayer(VerilatedCore<VCore>& core, const HardwareConfig& config,
                     const GemmLayer& layer, uint64_t seed) {
  return RunLayer(core, config, layer, MakeLayerData(config, layer, seed));
}

}  // namespace mixpe
