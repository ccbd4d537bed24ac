// The report of a co-simulated layer trace: per layer the cycles of the co-simulation beside the
// analytical model's (model/memory_model.h) and the core alone, the energy breakdown, the stalls
// and their causes, and whether the DRAM's output image equals the golden GEMM bit for bit.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "compiler/layer_trace.h"
#include "model/hardware_config.h"
#include "model/memory_model.h"
#include "model/quantize.h"
#include "sim/cosim/cosim_types.h"

namespace mixpe {

struct CosimLayerReport {
  GemmLayer layer;
  std::string formats;    // "weights x activations"
  std::string tile_plan;  // of the schedule run (TilePlanText)
  CosimLayerResult run;
  LayerMemoryPrediction prediction;
  int64_t core_cycles = 0;  // the core alone, with an ideal memory (MixpeArray::CoreCycles)
  int64_t mismatches = 0;   // outputs whose bits differ from the golden model's
  std::string detail;       // the first mismatch, or why the run stopped
  double wall_seconds = 0;
  // False for `mixpe run --fast`: `run` then holds the analytical model's cycles, events and
  // energy, and nothing was checked bit for bit.
  bool simulated = true;

  bool outputs_match() const { return run.error.empty() && detail.empty() && mismatches == 0; }
  int64_t cycle_difference() const { return run.cycles - prediction.cycles; }
  bool cycles_agree() const {
    return static_cast<double>(cycle_difference() < 0 ? -cycle_difference() : cycle_difference()) <=
           CosimCycleTolerance(prediction.cycles);
  }
  bool pass() const { return outputs_match() && cycles_agree(); }
  // Frees what only the comparison needs (the outputs, the prediction's steps and DRAM request
  // batches), so that a long trace's reports hold their figures alone: a report's memory does
  // not grow with its layer's tiles.
  void KeepFiguresOnly() {
    std::vector<uint32_t>().swap(run.outputs);
    std::vector<StepMemory>().swap(prediction.steps);
    std::vector<std::vector<DramRequest>>().swap(prediction.dram_batches);
  }
};

// Fills the comparisons of `report` (run, prediction and layer set): outputs against the golden
// outputs of a core of `design` with reduction units of `unit` (DesignGemm, model/baseline_gemm.h).
void CompareWithGoldenModel(PeDesign design, const BlockedTensor& activations,
                            const BlockedTensor& weights, int unit, CosimLayerReport* report);

// Why the co-simulation's cycles differ from the model's, from its stall counters: empty when
// they are equal.
std::string ExplainDifference(const CosimLayerReport& report);

// The report of `mixpe run --fast`: the schedule's analytical prediction in the place of a run.
CosimLayerReport ModelOnlyReport(const GemmLayer& layer, const std::string& formats,
                                 const std::string& tile_plan,
                                 const LayerMemoryPrediction& prediction);

// The report for machines: one row per layer and a total row (CSV), or the same as JSON with the
// hardware and the energy breakdowns. Per layer: the shape, repeat, formats, tile plan, cycles
// (co-simulated and modelled), time at the clock, utilization, the roofline bound and the share of
// it reached (bound / cycles), energy and its breakdown (core, buffers, NoC, DRAM, static), DRAM
// bytes read and written, stalls, and bit-exact PASS/FAIL. Totals count each layer `repeat`
// times. docs/cosim.md, "Reports", lists every field.
std::string CosimReportCsv(const HardwareConfig& config,
                           const std::vector<CosimLayerReport>& reports);
std::string CosimReportJson(const HardwareConfig& config, const std::string& trace,
                            const std::vector<CosimLayerReport>& reports);

void PrintCosimHeader(std::ostream& out);
void PrintCosimLayer(std::ostream& out, const HardwareConfig& config, const CosimLayerReport& r);
void PrintCosimTotal(std::ostream& out, const HardwareConfig& config,
                     const std::vector<CosimLayerReport>& reports);

}  // namespace mixpe
