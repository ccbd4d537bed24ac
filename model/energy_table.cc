// Parsing and validation of an energy table; see energy_table.h and docs/memory-model.md.
#include "model/energy_table.h"

#include "model/yaml_fields.h"

namespace mixpe {
namespace {

// The largest energy any entry may take (1 uJ per event): larger values are typos of units.
constexpr double kMaxEnergyPj = 1e6;

EnergyEntry ReadEntry(const YamlMap& section, const std::string& key) {
  const YamlMap entry = section.Map(key);
  entry.RejectUnknownKeys({"value", "source"});
  EnergyEntry e;
  e.value = entry.Number("value", 0, kMaxEnergyPj);
  e.source = entry.String("source");
  return e;
}

}  // namespace

const char* BufferKindName(BufferKind kind) {
  switch (kind) {
    case BufferKind::kWeights:
      return "weights";
    case BufferKind::kActivations:
      return "activations";
    case BufferKind::kOutputs:
      return "outputs";
    case BufferKind::kScales:
      return "scales";
  }
  return "?";
}

EnergyTable LoadEnergyTable(const std::string& path) {
  return LoadEnergyTableYaml(YamlMap::LoadFile(path));
}

EnergyTable LoadEnergyTableYaml(const YamlMap& root) {
  root.RejectUnknownKeys({"version", "name", "dram", "sram", "pe", "dequant", "noc", "static"});
  EnergyTable table;
  table.source_file = root.file();
  root.Int("version", 1, 1);
  table.name = root.String("name");

  const YamlMap dram = root.Map("dram");
  dram.RejectUnknownKeys({"read_pj_per_bit", "write_pj_per_bit"});
  table.dram_read_pj_per_bit = ReadEntry(dram, "read_pj_per_bit");
  table.dram_write_pj_per_bit = ReadEntry(dram, "write_pj_per_bit");

  const YamlMap sram = root.Map("sram");
  sram.RejectUnknownKeys({"weights", "activations", "outputs", "scales"});
  for (BufferKind kind : kAllBufferKinds) {
    const YamlMap buffer = sram.Map(BufferKindName(kind));
    buffer.RejectUnknownKeys({"read_pj_per_bit", "write_pj_per_bit"});
    SramEnergy& e = table.sram[static_cast<int>(kind)];
    e.read_pj_per_bit = ReadEntry(buffer, "read_pj_per_bit");
    e.write_pj_per_bit = ReadEntry(buffer, "write_pj_per_bit");
  }

  const YamlMap pe = root.Map("pe");
  pe.RejectUnknownKeys({"active_cycle_pj", "idle_cycle_pj"});
  table.pe_active_cycle_pj = ReadEntry(pe, "active_cycle_pj");
  table.pe_idle_cycle_pj = ReadEntry(pe, "idle_cycle_pj");

  const YamlMap dequant = root.Map("dequant");
  dequant.RejectUnknownKeys({"unit_pj", "element_pj"});
  table.dequant_unit_pj = ReadEntry(dequant, "unit_pj");
  table.dequant_element_pj = ReadEntry(dequant, "element_pj");

  const YamlMap noc = root.Map("noc");
  noc.RejectUnknownKeys({"byte_hop_pj"});
  table.noc_byte_hop_pj = ReadEntry(noc, "byte_hop_pj");

  const YamlMap static_energy = root.Map("static");
  static_energy.RejectUnknownKeys({"cycle_pj"});
  table.static_cycle_pj = ReadEntry(static_energy, "cycle_pj");
  return table;
}

}  // namespace mixpe
