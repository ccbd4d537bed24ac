// EdgeDecoder: the array edge of the co-simulation. A unit's packets arrive from the buffers over
// the NoC as bytes of the packed image (model/memory_layout.h, UnitSlice); the decoder turns them
// into what the core's ports take (model/core_operands.h): a row's activation codes, its unit scale
// and its output scale, a column's weight codes, scale and zero point. FP16 activations are aligned
// here, one unit (one alignment block) at a time, as rtl/mixpe_fp16_align.sv does. Scales and zero
// points arrive with the first unit of their block and are held for the block's later units.
// The baseline cores (CoreOperands::design) take theirs: the INT8 design the channel scale and
// each group's multiplier; the FP16 design the FP16 activations unaligned and each group's FP16
// scale and zero point for its per-element dequantizer.
#pragma once

#include <cstdint>
#include <vector>

#include "compiler/layer_trace.h"
#include "model/core_operands.h"
#include "model/memory_layout.h"

namespace mixpe {

class EdgeDecoder {
 public:
  // Decodes into `operands`, which must be sized for the layer (M x K codes, and so on); the
  // decoder writes only the entries of the units it is given.
  EdgeDecoder(const LayerFormats& formats, const MemoryLayout& layout, const CoreWidths& widths,
              CoreOperands* operands);

  // The tensor scales (FP32 bit patterns, 1.0 where the format has none), read into registers
  // before the first unit.
  void SetTensorScales(uint32_t weight_tensor_scale, uint32_t activation_tensor_scale);

  // Row m's packet of unit u (of K): its codes, then its scale bytes (`scale_bytes` of them:
  // a block scale, a token scale with unit 0, or none).
  void DecodeRow(int64_t m, int64_t u, const uint8_t* payload, int64_t codes_bytes,
                 int64_t scale_bytes);

  // Column n's packet of unit u: its codes, then the group's scale and zero-point bytes with the
  // group's first unit (none otherwise). `zero_point_bit` is where the zero point starts in its
  // first byte.
  void DecodeColumn(int64_t n, int64_t u, const uint8_t* payload, int64_t codes_bytes,
                    int64_t scale_bytes, int64_t zero_point_bytes, int zero_point_bit);

 private:
  LayerFormats formats_;
  const MemoryLayout& layout_;
  CoreWidths widths_;
  CoreOperands* ops_;
  bool fp4_weights_ = false;
  bool fp16_activations_ = false;
  bool float_activations_ = false;  // E2M1 activations (NVFP4)
  int weight_unit_exponent_ = 0;
  int activation_unit_exponent_ = 0;
  uint32_t weight_tensor_scale_ = 0x3F800000u;
  uint32_t activation_tensor_scale_ = 0x3F800000u;
  PeDesign design_ = PeDesign::kMixpe;
  std::vector<CoreScale> held_weight_scale_;  // per output channel: its current group's
  std::vector<int32_t> held_zero_point_;
  std::vector<uint32_t> held_multiplier_;  // INT8 design: its current group's multiplier
  std::vector<uint32_t> held_scale_fp16_;  // FP16 design: its current group's FP16 scale code
  std::vector<CoreScale> held_activation_scale_;  // per row: its current block's
  std::vector<uint32_t> codes_;                   // scratch
};

}  // namespace mixpe
