// EnergyTable: the energy of every event the memory model counts (configs/energy/*.yaml), each
// value with the source it comes from. A hardware YAML names its table (key `energy`);
// docs/memory-model.md lists the defaults and their sources.
#pragma once

#include <array>
#include <string>

namespace mixpe {

// The on-chip buffers, each with its own capacity, banking and SRAM energies.
enum class BufferKind { kWeights, kActivations, kOutputs, kScales };
inline constexpr int kBufferKinds = 4;
inline constexpr std::array<BufferKind, kBufferKinds> kAllBufferKinds = {
    BufferKind::kWeights, BufferKind::kActivations, BufferKind::kOutputs, BufferKind::kScales};
// "weights", "activations", "outputs", "scales": the YAML keys of the buffers.
const char* BufferKindName(BufferKind kind);

// One per-event energy and where the number comes from.
struct EnergyEntry {
  double value = 0;    // pJ per event (the key name says per what)
  std::string source;  // reference, derivation or "assumption: ..."
};

struct SramEnergy {
  EnergyEntry read_pj_per_bit;
  EnergyEntry write_pj_per_bit;
};

struct EnergyTable {
  std::string source_file;  // where it was read from, for messages
  std::string name;

  // dram: per bit moved over the memory interface (whole bursts)
  EnergyEntry dram_read_pj_per_bit;
  EnergyEntry dram_write_pj_per_bit;
  // sram: per bit read or written, per buffer (indexed by BufferKind)
  std::array<SramEnergy, kBufferKinds> sram;
  // pe: per PE per cycle; an active cycle performs a useful MAC, an idle one is clock-gated
  EnergyEntry pe_active_cycle_pj;
  EnergyEntry pe_idle_cycle_pj;
  // dequant: per dequantized unit sum (one output, one reduction unit); per weight dequantized
  // on its own before the MAC (the baseline designs, model/hardware_config.h: PeDesign)
  EnergyEntry dequant_unit_pj;
  EnergyEntry dequant_element_pj;
  // noc: per byte of a flit per link it crosses
  EnergyEntry noc_byte_hop_pj;
  // static: the rest of the chip, per cycle
  EnergyEntry static_cycle_pj;

  const SramEnergy& Sram(BufferKind kind) const { return sram[static_cast<int>(kind)]; }
};

// Reads and validates an energy table: every key is required, every entry is a mapping with a
// non-negative `value` and a non-empty `source`; unknown keys are errors. Throws InputError naming
// the file, the key and what was expected.
EnergyTable LoadEnergyTable(const std::string& path);
// The same for a YAML mapping already parsed; `root.file()` names it in messages.
class YamlMap;
EnergyTable LoadEnergyTableYaml(const YamlMap& root);

}  // namespace mixpe
