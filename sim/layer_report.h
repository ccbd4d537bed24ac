// LayerReport: the outcome of one layer run through the RTL, checked against the golden model
// (bit-exact outputs, and measured cycles against the closed-form cycle count).
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "compiler/gemm_schedule.h"
#include "compiler/layer_trace.h"
#include "model/gemm_operands.h"
#include "model/hardware_config.h"
#include "sim/verilated_array.h"

namespace mixpe {

struct LayerReport {
  GemmLayer layer;
  int64_t tiles = 0;
  int64_t cycles = 0;        // measured on the RTL
  int64_t model_cycles = 0;  // golden closed form
  double utilization = 0;    // of the measured cycles
  int64_t mismatches = 0;    // outputs that differ from the golden model
  std::string detail;        // first mismatch, or why the run stopped
  double wall_seconds = 0;   // simulation wall time

  bool outputs_match() const { return detail.empty() && mismatches == 0; }
  bool cycles_match() const { return cycles == model_cycles; }
  bool pass() const { return outputs_match() && cycles_match(); }
};

// Compares an RTL run with the golden model's outputs and cycle count.
LayerReport CheckLayer(const HardwareConfig& config, const GemmLayer& layer,
                       const GemmOperands& ops, const ArrayRunResult& run);

// The operands of layer `index` of a trace: reproducible from the trace's seed.
GemmOperands LayerOperands(const HardwareConfig& config, const GemmLayer& layer, uint64_t seed);

// Runs one layer: schedule, operands, RTL, check.
template <class VArray>
LayerReport RunLayer(VerilatedArray<VArray>& array, const HardwareConfig& config,
                     const GemmLayer& layer, uint64_t seed);

// The human-readable report: a header, one line per layer as it finishes, and a total.
void PrintReportHeader(std::ostream& out);
void PrintLayerLine(std::ostream& out, const HardwareConfig& config, const LayerReport& report);
void PrintReportTotal(std::ostream& out, const HardwareConfig& config,
                      const std::vector<LayerReport>& reports);

}  // namespace mixpe

#include "sim/layer_report_impl.h"
