// Iso-area sizing (docs/baselines.md, "RTL-grounded comparison"): each design's array gets as many
// columns as fit the core area of an anchor design, in transistors from yosys
// (explore/area_table.h), its rows kept; and its PE energies are the anchor's scaled by the PEs'
// transistor counts. The sized configs and their energy tables are written as YAML, ready for
// `mixpe run` and `compare`.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "explore/area_table.h"

namespace mixpe {

struct SizedDesign {
  std::string source_config;  // the config it was sized from
  std::string config_file;    // the sized config written
  std::string name;
  int rows = 0;
  int cols = 0;
  int64_t transistors = 0;     // its core's (CoreTransistors)
  double pe_energy_scale = 0;  // its PE's transistors over the anchor's
};

// Sizes every config (MixPE, INT8 or FP16 designs: the ones with RTL and area) to the largest
// number of columns, 1..256, whose core has at most the anchor's transistors, and writes
// `out_dir`/<file name of the config> and `out_dir`/energy/<same>: the config with that many
// columns, its name suffixed " iso-area", its energy table's PE entries (active and idle) the
// anchor table's times pe_energy_scale and its per-element dequantization the anchor's times the
// dequantizers' transistor ratio, each with its derivation as its source. The anchor itself is
// sized too (to its own columns). Throws InputError naming the file if a config has no area in
// the table, or if a design does not fit one column.
std::vector<SizedDesign> SizeForEqualArea(const std::vector<std::string>& config_files,
                                          const std::string& anchor_config, const AreaTable& table,
                                          const std::string& out_dir);

}  // namespace mixpe
