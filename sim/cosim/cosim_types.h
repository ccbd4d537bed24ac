// What a co-simulated layer reports (sim/cosim/layer_controller.h), and the options of a run.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "model/memory_model.h"

namespace mixpe {

struct CosimOptions {
  // A run that makes no progress (no DRAM completion, NoC delivery, SRAM access, unit start or
  // output) for this many cycles stops with an error naming the stuck component.
  int64_t watchdog_cycles = 200000;
  // Units whose packets the controller sends ahead of the core: the array edge holds this many.
  int lookahead_units = 2;
};

// Cycles in which the core could have started its next unit but did not, by what it waited for.
struct StallCycles {
  int64_t loads = 0;            // the unit's tile was still loading from DRAM into the buffers
  int64_t sram = 0;             // the unit's operands were being read out of the buffers
  int64_t noc = 0;              // the unit's packets were on the NoC
  int64_t output_buffer = 0;    // outputs waited for their buffer half to be stored (cycles)
  int64_t dram_queue_full = 0;  // DMA requests the DRAM refused (queue full)
  int64_t Total() const { return loads + sram + noc; }
};

// How far a co-simulated layer's cycles may be from the analytical model's (docs/cosim.md,
// "Agreement with the analytical model").
inline double CosimCycleTolerance(int64_t predicted_cycles) {
  return std::max(200.0, 0.02 * static_cast<double>(predicted_cycles));
}

struct CosimLayerResult {
  std::string layer;
  int64_t cycles = 0;             // first DMA request to the last output byte in DRAM
  std::vector<uint32_t> outputs;  // M x N FP32 bit patterns, read from the DRAM image
  MemoryEvents events;            // counted by the components and the controller
  EnergyBreakdown energy;         // ComputeEnergy of the events
  StallCycles stalls;
  int64_t noc_contention = 0;    // flit-cycles waiting for a link
  int64_t sram_conflicts = 0;    // SRAM accesses refused for a busy bank
  int64_t core_busy_cycles = 0;  // cycles from the first unit's start to the last output
  std::string error;             // empty when the run completed
};

}  // namespace mixpe
