// The DRAM image of one layer in its schedule's layout (model/memory_layout.h): the quantized
// weights and activations packed (model/bit_packing.h) into one segment per tile's use, and the
// FP32 outputs read back from their segments after a run.
#pragma once

#include <cstdint>
#include <vector>

#include "compiler/layer_trace.h"
#include "model/memory_layout.h"
#include "model/quantize.h"

namespace mixpe {

// The image_bytes of `layout`, every input segment filled, the output segments zero.
std::vector<uint8_t> BuildLayerImage(const MemoryLayout& layout, const CoreSchedule& schedule,
                                     const LayerFormats& formats, const BlockedTensor& activations,
                                     const BlockedTensor& weights);

// The M x N outputs (FP32 bit patterns, row-major) held by the output segments of `image`.
std::vector<uint32_t> ReadLayerOutputs(const MemoryLayout& layout, const CoreSchedule& schedule,
                                       const std::vector<uint8_t>& image);

}  // namespace mixpe
