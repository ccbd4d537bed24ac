// Accelerator<VCore>: the co-simulation top. One sc_module holds the Verilated core (the C++
// model wrapped, not a Verilator --sc module: docs/cosim.md, section 1, says why), the DRAM, the
// four buffers and the NoC, each an sc_module of its own, and one clocked SC_METHOD that runs the
// layer's controller (sim/cosim/layer_controller.h) and then steps every component, once a cycle.
//
// RunLayer() runs one layer to completion: it packs the layer's DRAM image, checks that the
// schedule fits the buffers (an InputError before any cycle), simulates until the last output
// byte is in DRAM, and reads the outputs back from the DRAM image.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <systemc>
#include <vector>

// Verilator's headers, included after SystemC's, call sc_time_stamp() unqualified; included
// before, they declare a global one of their own.
#ifndef VERILATOR_VERILATED_H_
using sc_core::sc_time_stamp;
#endif

#include "compiler/gemm_schedule.h"
#include "compiler/layer_trace.h"
#include "model/hardware_config.h"
#include "model/memory_layout.h"
#include "model/memory_model.h"
#include "model/quantize.h"
#include "sim/cosim/cosim_types.h"
#include "sim/cosim/dram_model.h"
#include "sim/cosim/layer_controller.h"
#include "sim/cosim/layer_image.h"
#include "sim/cosim/noc.h"
#include "sim/cosim/sram_buffer.h"
#include "sim/verilated_core.h"

namespace mixpe {

// The components' parameters from the hardware YAML.
DramParams DramParamsOf(const HardwareConfig& config);
// Weights, activations and scales: two halves of banks / 2 banks each. Outputs: one address
// space whose two halves hold alternate tiles (a tile's outputs can still arrive while the next
// tile's do), all banks shared.
SramParams SramParamsOf(const HardwareConfig& config, BufferKind kind);
NocParams NocParamsOf(const HardwareConfig& config);

// The DRAM a layer needs: its image, whole bursts.
int64_t LayerImageBytes(const HardwareConfig& config, const LayerFormats& formats,
                        const CoreSchedule& schedule,
                        const std::vector<uint8_t>& weight_group_bits = {});

template <class VCore>
class Accelerator : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(Accelerator);

  // `dram_bytes`: the DRAM image, at least the largest layer's LayerImageBytes.
  Accelerator(sc_core::sc_module_name name, const HardwareConfig& config, int64_t dram_bytes,
              const CosimOptions& options = {})
      : sc_core::sc_module(name),
        clock_("clock", sc_core::sc_time(1, sc_core::SC_NS)),
        config_(config),
        options_(options),
        dram_("dram", DramParamsOf(config), dram_bytes),
        weights_("weights", SramParamsOf(config, BufferKind::kWeights)),
        activations_("activations", SramParamsOf(config, BufferKind::kActivations)),
        outputs_("outputs", SramParamsOf(config, BufferKind::kOutputs)),
        scales_("scales", SramParamsOf(config, BufferKind::kScales)),
        noc_("noc", NocParamsOf(config)),
        core_(config.rows, config.cols, config.weight_bits) {
    SC_METHOD(OnClock);
    sensitive << clock_.posedge_event();
    dont_initialize();
  }

  const char* kind() const override { return "mixpe::Accelerator"; }

  // Runs one layer: `activations` and `weights` are its quantized operands (the golden model's
  // tensors), `formats` and `schedule` its formats and TileCoreGemm schedule.
  CosimLayerResult RunLayer(const LayerFormats& formats, const CoreSchedule& schedule,
                            const BlockedTensor& activations, const BlockedTensor& weights) {
    CheckBuffersFit(config_, formats, schedule, weights.block_bits);
    const MemoryLayout layout = LayOutMemory(config_, formats, schedule, weights.block_bits);
    if (layout.image_bytes > dram_.core().image_bytes()) {
      throw InputError("layer " + schedule.layer + " needs a DRAM image of " +
                       std::to_string(layout.image_bytes) + " bytes, more than the " +
                       std::to_string(dram_.core().image_bytes()) +
                       " the co-simulation was built with");
    }
    dram_.core().Preload(0, BuildLayerImage(layout, schedule, formats, activations, weights));
    dram_.core().CloseRows();
    CosimMemory memory;
    memory.dram = &dram_.core();
    memory.buffers[static_cast<int>(BufferKind::kWeights)] = &weights_.core();
    memory.buffers[static_cast<int>(BufferKind::kActivations)] = &activations_.core();
    memory.buffers[static_cast<int>(BufferKind::kOutputs)] = &outputs_.core();
    memory.buffers[static_cast<int>(BufferKind::kScales)] = &scales_.core();
    memory.noc = &noc_.core();
    controller_ = std::make_unique<LayerController<VCore>>(config_, formats, schedule, layout,
                                                           memory, &core_, options_);
    layer_cycles_ = 0;
    sc_core::sc_start();  // until OnClock pauses the kernel
    CosimLayerResult result = controller_->Result();
    controller_.reset();
    result.outputs = ReadLayerOutputs(layout, schedule, dram_.core().Peek(0, layout.image_bytes));
    return result;
  }

  // Called with the cycles the running layer has taken, every kProgressCycles cycles (for a
  // progress bar); none by default.
  static constexpr int64_t kProgressCycles = 1 << 16;
  void SetProgress(std::function<void(int64_t)> progress) { progress_ = std::move(progress); }

  VerilatedCore<VCore>& core() { return core_; }
  DramModel& dram() { return dram_; }
  Noc& noc() { return noc_; }

 private:
  // One cycle: the controller's requests, then every component's Step (docs/cosim.md, order).
  void OnClock() {
    if (!controller_) return;
    const bool running = controller_->Cycle();
    dram_.Step();
    weights_.Step();
    activations_.Step();
    outputs_.Step();
    scales_.Step();
    noc_.Step();
    if (!running) sc_core::sc_pause();
    if (++layer_cycles_ % kProgressCycles == 0 && progress_) progress_(layer_cycles_);
  }

  sc_core::sc_clock clock_;
  const HardwareConfig& config_;
  CosimOptions options_;
  DramModel dram_;
  SramBuffer weights_;
  SramBuffer activations_;
  SramBuffer outputs_;
  SramBuffer scales_;
  Noc noc_;
  VerilatedCore<VCore> core_;
  std::unique_ptr<LayerController<VCore>> controller_;
  std::function<void(int64_t)> progress_;
  int64_t layer_cycles_ = 0;
};

}  // namespace mixpe
