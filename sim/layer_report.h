// LayerReport: the outcome of one quantized layer run through the RTL core, checked against the
// golden model: FP32 outputs bit for bit (model/mpgemm.h) and measured cycles against the
// closed-form cycle count (model/mixpe_array.h).
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "compiler/gemm_schedule.h"
#include "compiler/layer_trace.h"
#include "model/core_operands.h"
#include "model/gemm_operands.h"
#include "model/hardware_config.h"
#include "model/quantize.h"
#include "sim/verilated_core.h"

namespace mixpe {

struct LayerReport {
  GemmLayer layer;
  std::string formats;  // "weights x activations"
  int unit = 0;         // reduction unit U
  int64_t tiles = 0;
  int64_t cycles = 0;        // measured on the RTL
  int64_t model_cycles = 0;  // golden closed form
  double utilization = 0;    // of the measured cycles
  int64_t mismatches = 0;    // outputs whose bits differ from the golden model's
  std::string detail;        // first mismatch, or why the run stopped
  double wall_seconds = 0;   // simulation wall time

  bool outputs_match() const { return detail.empty() && mismatches == 0; }
  bool cycles_match() const { return cycles == model_cycles; }
  bool pass() const { return outputs_match() && cycles_match(); }
};

// One layer's data, reproducible from a seed: real operands (RandomRealGemmOperands, or a random
// image lowered by im2col for a convolution) quantized to the layer's formats by the golden
// quantizers, and the same split for the core. An attention layer gets the GEMM of its KIVI
// cache (RandomAttentionOperands, model/kv_cache.h): folded FP16 activations and the cache codes
// as int{kv_bits}_gch weights with unit scales.
struct LayerData {
  LayerFormats formats;
  BlockedTensor activations;
  BlockedTensor weights;
  CoreOperands core;  // empty unless asked for
};
// `core_operands`: also split them for the core (the co-simulation decodes its own from the
// DRAM image instead). Throws InputError if the layer does not resolve on `config`, or if an
// attention layer's GEMM or formats differ from its shape's (a layer edited after loading).
LayerData MakeLayerData(const HardwareConfig& config, const GemmLayer& layer, uint64_t seed,
                        bool core_operands = true);
// The same from given real operands (M x K activations, K x N weights, as RandomRealGemmOperands
// makes them; e.g. with edge values written in, sim/regression.h). Throws InputError if the layer
// does not resolve on `config`, if it is an attention layer (its data is its cache's), or if the
// operands' shape is not the layer's.
LayerData MakeLayerData(const HardwareConfig& config, const GemmLayer& layer,
                        const RealGemmOperands& real, bool core_operands = true);

// Compares an RTL run with the golden model's outputs and cycle count.
LayerReport CheckLayer(const HardwareConfig& config, const GemmLayer& layer, const LayerData& data,
                       const CoreRunResult& run);

// Runs one layer's prepared data through the core on its schedule (TileCoreGemm with the layer's
// tile plan), with a watchdog of twice the closed-form cycle count plus room for the pipeline.
template <class VCore>
CoreRunResult RunLayerOnCore(VerilatedCore<VCore>& core, const HardwareConfig& config,
                             const GemmLayer& layer, const LayerData& data);

// Runs one layer: schedule, RTL, check; from prepared data, or with the data made from `seed`.
template <class VCore>
LayerReport RunLayer(VerilatedCore<VCore>& core, const HardwareConfig& config,
                     const GemmLayer& layer, const LayerData& data);
template <class VCore>
LayerReport RunLayer(VerilatedCore<VCore>& core, const HardwareConfig& config,
                     const GemmLayer& layer, uint64_t seed);

// The human-readable report: a header, one line per layer as it finishes, and a total.
void PrintReportHeader(std::ostream& out);
void PrintLayerLine(std::ostream& out, const HardwareConfig& config, const LayerReport& report);
void PrintReportTotal(std::ostream& out, const HardwareConfig& config,
                      const std::vector<LayerReport>& reports);

}  // namespace mixpe

#include "sim/layer_report_impl.h"
