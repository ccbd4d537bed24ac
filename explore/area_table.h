// AreaTable: the transistor counts synth/area.sh --csv measures with yosys (a
// technology-independent proxy: docs/area.md), and the area of a design point's core from them: its
// PEs, its per-group dequantization units (one per column) and, with FP16 activations, the block
// aligner. Known only where every unit of the point was synthesized; the SRAM buffers are not
// counted.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "model/hardware_config.h"

namespace mixpe {

struct AreaTable {
  std::string source_file;
  // "pe W A fp4 acc", "fp16_align", "group_dequant W acc rows" -> transistors.
  std::map<std::string, int64_t> transistors;
};

// Reads the CSV synth/area.sh --csv writes; throws InputError naming the file and line on anything
// else.
AreaTable LoadAreaTable(const std::string& path);

// The core's transistors: rows x cols PEs (pe.weight_bits x pe.activation_bits, with the FP4 mode
// if a weight format needs it, at pe.accumulator_bits) + cols per-group dequantization units (for
// columns of `rows` outputs) + one FP16 aligner if the config lists fp16 activations. 0 if the
// table lacks any of them.
int64_t CoreTransistors(const HardwareConfig& config, const AreaTable& table);

}  // namespace mixpe
