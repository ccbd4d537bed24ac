// AreaTable: the transistor counts synth/area.sh --csv measures with yosys (a
// technology-independent proxy: docs/area.md), and the area of a design point's core from them: its
// PEs, its column units (one per column: MixPE's per-group dequantization) and, with FP16
// activations, the block aligner. Known only where every unit of the point was synthesized; the
// SRAM buffers are not counted.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "model/hardware_config.h"

namespace mixpe {

struct AreaTable {
  std::string source_file;
  // "pe W A fp4 acc", "fp16_align", "mixpe_column W acc rows"; the baselines' "pe_multiplier W A
  // fp4 acc", "pe_fp16_mac W A fp4 acc", "weight_expand_int8 W", "weight_to_fp16 W",
  // "int8_column acc rows", "fp16_column acc rows" -> transistors.
  std::map<std::string, int64_t> transistors;
};

// A core's area by part: each PE, each column's units (its dequantization, and a baseline's
// per-element weight dequantizer), and what all columns share (MixPE's FP16 aligner). 0 where the
// table lacks a unit.
struct CoreArea {
  int64_t pe = 0;
  int64_t column = 0;
  int64_t shared = 0;
};
CoreArea CoreAreaOf(const HardwareConfig& config, const AreaTable& table);

// Reads the CSV synth/area.sh --csv writes; throws InputError naming the file and line on anything
// else.
AreaTable LoadAreaTable(const std::string& path);

// The core's transistors: rows x cols PEs + cols column units + the shared ones (CoreAreaOf).
// MixPE: its PE (pe.weight_bits x pe.activation_bits, with the FP4 mode if a weight format needs
// it, at pe.accumulator_bits), its column unit (the per-group dequantization unit with the
// column's registers, for columns of `rows` outputs) and one FP16 aligner if the config lists fp16
// activations. INT8: the W8A8 multiplier PE, per column the INT8 expander and the INT8 column unit.
// FP16: the FP16 MAC PE, per column the FP16 weight dequantizer and the FP32 column unit. 0 if the
// table lacks any of them (and for the designs without RTL).
int64_t CoreTransistors(const HardwareConfig& config, const AreaTable& table);

}  // namespace mixpe
