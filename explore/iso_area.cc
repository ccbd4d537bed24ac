// Iso-area sizing; see iso_area.h.
#include "explore/iso_area.h"

#include <yaml-cpp/yaml.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "model/hardware_config.h"
#include "model/input_error.h"

namespace mixpe {
namespace {

// The transistors of the unit that dequantizes each weight on its own, 0 for MixPE.
int64_t ElementDequantizer(const HardwareConfig& config, const AreaTable& table) {
  const std::string w = std::to_string(config.weight_bits);
  const char* unit = config.design == PeDesign::kInt8Mac   ? "weight_expand_int8 "
                     : config.design == PeDesign::kFp16Mac ? "weight_to_fp16 "
                                                           : nullptr;
  if (unit == nullptr) return 0;
  const auto it = table.transistors.find(unit + w);
  return it == table.transistors.end() ? 0 : it->second;
}

std::string Text(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%.6f", v);
  return text;
}

void Write(const std::string& path, const std::string& header, const YAML::Node& node) {
  std::ofstream out(path);
  YAML::Emitter emitter;
  emitter << node;
  if (!(out << header << emitter.c_str() << '\n')) throw InputError("cannot write " + path);
}

}  // namespace

std::vector<SizedDesign> SizeForEqualArea(const std::vector<std::string>& config_files,
                                          const std::string& anchor_config, const AreaTable& table,
                                          const std::string& out_dir) {
  const HardwareConfig anchor = LoadHardwareConfig(anchor_config);
  const int64_t budget = CoreTransistors(anchor, table);
  const CoreArea anchor_area = CoreAreaOf(anchor, table);
  if (budget == 0) {
    throw InputError(anchor_config + ": " + table.source_file + " lacks a unit of its core (" +
                     ShortDescription(anchor) + ")");
  }
  const int64_t anchor_dequantizer = ElementDequantizer(anchor, table);
  std::filesystem::create_directories(std::filesystem::path(out_dir) / "energy");
  std::vector<SizedDesign> sized;
  for (const std::string& file : config_files) {
    HardwareConfig config = LoadHardwareConfig(file);
    const CoreArea area = CoreAreaOf(config, table);
    if (area.pe == 0 || area.column == 0) {
      throw InputError(file + ": " + table.source_file + " lacks a unit of its core (" +
                       ShortDescription(config) + ")");
    }
    SizedDesign d;
    d.source_config = file;
    d.rows = config.rows;
    for (int cols = 1; cols <= 256; ++cols) {
      config.cols = cols;
      if (CoreTransistors(config, table) > budget) break;
      d.cols = cols;
    }
    if (d.cols == 0) {
      throw InputError(file + ": one column of its core is larger than the anchor " +
                       anchor_config + "'s whole core");
    }
    config.cols = d.cols;
    d.transistors = CoreTransistors(config, table);
    d.pe_energy_scale = static_cast<double>(area.pe) / static_cast<double>(anchor_area.pe);
    d.name = config.name + " iso-area";
    const std::string base = std::filesystem::path(file).filename().string();
    d.config_file = (std::filesystem::path(out_dir) / base).string();

    // The energy table: the anchor's, with this design's PE and dequantizer scaled by area.
    YAML::Node energy = YAML::LoadFile(anchor.energy_file);
    energy["name"] = d.name + " energy";
    const std::string anchor_pe = ShortDescription(anchor);
    auto scale = [&](YAML::Node entry, double factor, const std::string& what) {
      const double value = entry["value"].as<double>() * factor;
      entry["source"] = "yosys-scaled: the " + anchor.name + " table's " + what + " (" +
                        Text(entry["value"].as<double>()) + " pJ) x " + Text(factor) +
                        ", the transistor ratio of this design's unit to the anchor's (" +
                        table.source_file + ")";
      entry["value"] = value;
    };
    scale(energy["pe"]["active_cycle_pj"], d.pe_energy_scale, "active PE cycle");
    scale(energy["pe"]["idle_cycle_pj"], d.pe_energy_scale, "idle PE cycle");
    const int64_t dequantizer = ElementDequantizer(config, table);
    if (dequantizer > 0 && anchor_dequantizer > 0) {
      scale(energy["dequant"]["element_pj"],
            static_cast<double>(dequantizer) / static_cast<double>(anchor_dequantizer),
            "per-element dequantization");
    }
    const std::string energy_file = (std::filesystem::path("energy") / base).string();
    Write((std::filesystem::path(out_dir) / energy_file).string(),
          "# Energy table of " + d.name + ", written by mixpe iso-area from " + anchor.energy_file +
              " (docs/baselines.md).\n",
          energy);

    YAML::Node yaml = YAML::LoadFile(file);
    yaml["name"] = d.name;
    yaml["array"]["cols"] = d.cols;
    yaml["energy"] = energy_file;
    Write(d.config_file,
          "# " + d.name + ": " + file + " with the columns whose core fits the area of " +
              anchor_config + " (" + std::to_string(budget) + " transistors by " +
              table.source_file + "), written by mixpe iso-area (docs/baselines.md).\n",
          yaml);
    LoadHardwareConfig(d.config_file);  // what was written is a valid config
    sized.push_back(d);
  }
  return sized;
}

}  // namespace mixpe
