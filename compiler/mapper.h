// The mapper: for a layer on a hardware config, the schedule with the least cycles, energy or
// energy-delay product, by the analytical memory model (model/memory_model.h). Its search space
// today is the loop order of the core's output tiles (compiler/gemm_schedule.h, LoopOrder); every
// candidate is evaluated, so its choice is the optimum of that space. A layer that names its loop
// order in the trace keeps it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "compiler/gemm_schedule.h"
#include "compiler/layer_trace.h"
#include "model/hardware_config.h"
#include "model/memory_model.h"

namespace mixpe {

enum class MapObjective { kCycles, kEnergy, kEnergyDelay };
// "cycles", "energy", "edp".
const char* MapObjectiveName(MapObjective objective);
// Throws InputError naming `what` on any other name.
MapObjective ParseMapObjective(const std::string& name, const std::string& what);

struct MapCandidate {
  LoopOrder loop_order = LoopOrder::kMOuter;
  int64_t cycles = 0;
  double energy_pj = 0;
  std::string rejected;  // why the candidate cannot run (a buffer it overflows); empty if it can
  double Cost(MapObjective objective) const;
};

struct MappedLayer {
  CoreSchedule schedule;                 // the chosen one
  LayerMemoryPrediction prediction;      // its analytical cycles, events and energy
  std::vector<MapCandidate> candidates;  // every one evaluated, in search order
};

// Maps `layer` (formats from ResolveLayerFormats). Ties keep the earlier candidate (M-outer
// first). Throws InputError if no candidate fits the buffers, with the first candidate's reason.
MappedLayer MapLayer(const HardwareConfig& config, const GemmLayer& layer,
                     const LayerFormats& formats, MapObjective objective,
                     const std::vector<uint8_t>& weight_group_bits = {});

}  // namespace mixpe
