// Design comparison: several hardware configs (designs, model/hardware_config.h: PeDesign) run the
// same traces, each layer mapped and costed by the analytical memory model (compiler/mapper.h),
// and each trace's time and energy set beside a baseline design's. `mixpe compare` prints it;
// scripts/results.sh builds docs/results.md from it (docs/baselines.md).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "compiler/mapper.h"
#include "model/memory_model.h"

namespace mixpe {

// One design on one trace, every layer counted with its repeats.
struct DesignCost {
  std::string config_file;
  std::string design;    // the config's name
  std::string hardware;  // ShortDescription, e.g. "32x28 W4A16 acc32 fp16_mac"
  int64_t pes = 0;
  std::string trace_file;
  std::string model;          // the trace's model
  std::string status = "ok";  // or why it has no figures (a layer that does not map)
  int64_t cycles = 0;
  double time_us = 0;
  EnergyBreakdown energy;  // pJ
  int64_t dram_bytes = 0;  // read and written, whole bursts
  double utilization = 0;  // MACs / (PeakMacsPerCycle x cycles)
  bool ok() const { return status == "ok"; }
  double energy_uj() const { return energy.TotalPj() * 1e-6; }
};

// Costs every config on every trace (config-major), on `threads` threads. Configs and traces are
// loaded first, so bad input throws InputError before anything is costed; a layer that does not
// map gives its DesignCost a status instead.
std::vector<DesignCost> CompareDesigns(const std::vector<std::string>& config_files,
                                       const std::vector<std::string>& trace_files,
                                       MapObjective objective, int threads);

// The comparison as Markdown: per trace, one row per design with its array, time, energy and
// both normalized to the baseline's (the design of config file `baseline_config`, which must be
// one of them), utilization and DRAM traffic; then the geometric means of the normalized figures
// over the traces. Throws InputError if the baseline is not among the results.
std::string CompareMarkdown(const std::vector<DesignCost>& costs,
                            const std::string& baseline_config);

// The same as CSV, one row per design and trace, numbers written to read back exactly.
std::string CompareCsv(const std::vector<DesignCost>& costs, const std::string& baseline_config);

}  // namespace mixpe
