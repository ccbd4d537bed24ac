// Core area from synthesized units; see area_table.h.
#include "explore/area_table.h"

#include <fstream>
#include <sstream>
#include <vector>

#include "model/input_error.h"

namespace mixpe {
namespace {

// "W A fp4 acc" of a PE.
std::string PeWidths(int w, int a, bool fp4, int acc) {
  return std::to_string(w) + " " + std::to_string(a) + " " + (fp4 ? "1" : "0") + " " +
         std::to_string(acc);
}

std::string PeKey(int w, int a, bool fp4, int acc) { return "pe " + PeWidths(w, a, fp4, acc); }

std::string ColumnKey(int w, int acc, int rows) {
  return "mixpe_column " + std::to_string(w) + " " + std::to_string(acc) + " " +
         std::to_string(rows);
}

}  // namespace

AreaTable LoadAreaTable(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InputError(path + ": cannot open the area table");
  AreaTable table;
  table.source_file = path;
  std::string line;
  const std::string header = "unit,weight_bits,activation_bits,fp4,acc_bits,rows,transistors";
  if (!std::getline(in, line) || line != header) {
    throw InputError(path + ":1: expected the header " + header + " (synth/area.sh --csv)");
  }
  for (int number = 2; std::getline(in, line); ++number) {
    if (line.empty()) continue;
    std::vector<std::string> f;
    std::stringstream fields(line);
    for (std::string field; std::getline(fields, field, ',');) f.push_back(field);
    if (f.size() == 6) f.push_back("");  // a trailing empty field
    auto fail = [&](const std::string& what) {
      throw InputError(path + ":" + std::to_string(number) + ": " + what);
    };
    if (f.size() != 7) fail("expected 7 comma-separated fields");
    int64_t transistors = 0;
    try {
      transistors = std::stoll(f[6]);
    } catch (const std::exception&) {
      fail("transistors: expected an integer, got '" + f[6] + "'");
    }
    if (transistors < 1) fail("transistors: expected a positive count");
    auto number_of = [&](const std::string& text, const char* name) {
      try {
        return std::stoi(text);
      } catch (const std::exception&) {
        fail(std::string(name) + ": expected an integer, got '" + text + "'");
      }
      return 0;
    };
    if (f[0] == "pe") {
      table.transistors[PeKey(number_of(f[1], "weight_bits"), number_of(f[2], "activation_bits"),
                              number_of(f[3], "fp4") != 0, number_of(f[4], "acc_bits"))] =
          transistors;
    } else if (f[0] == "fp16_align") {
      table.transistors["fp16_align"] = transistors;
    } else if (f[0] == "mixpe_column") {
      // MixPE's column unit for columns of `rows` outputs (4-bit zero points: "mixpe_column W acc
      // rows").
      table.transistors[ColumnKey(number_of(f[1], "weight_bits"), number_of(f[4], "acc_bits"),
                                  number_of(f[5], "rows"))] = transistors;
    } else if (f[0] == "pe_multiplier" || f[0] == "pe_fp16_mac") {
      // The baseline PEs (rtl/mixpe_pe.sv, PeKind 1 and 2): "pe_multiplier W A fp4 acc", ...
      table.transistors[f[0] + " " +
                        PeWidths(number_of(f[1], "weight_bits"), number_of(f[2], "activation_bits"),
                                 number_of(f[3], "fp4") != 0, number_of(f[4], "acc_bits"))] =
          transistors;
    } else if (f[0] == "weight_expand_int8" || f[0] == "weight_to_fp16") {
      // The baselines' per-element weight dequantizers: "weight_to_fp16 W", ...
      table.transistors[f[0] + " " + std::to_string(number_of(f[1], "weight_bits"))] = transistors;
    } else if (f[0] == "int8_column" || f[0] == "fp16_column") {
      // The baseline cores' column units for columns of `rows` outputs: "int8_column acc rows".
      table.transistors[f[0] + " " + std::to_string(number_of(f[4], "acc_bits")) + " " +
                        std::to_string(number_of(f[5], "rows"))] = transistors;
    } else {
      fail("unknown unit '" + f[0] +
           "', expected pe, fp16_align, mixpe_column, pe_multiplier, pe_fp16_mac, "
           "weight_expand_int8, weight_to_fp16, int8_column or fp16_column");
    }
  }
  return table;
}

int64_t CoreTransistors(const HardwareConfig& config, const AreaTable& table) {
  const CoreArea area = CoreAreaOf(config, table);
  if (area.pe == 0 || area.column == 0) return 0;
  return int64_t{config.rows} * config.cols * area.pe + int64_t{config.cols} * area.column +
         area.shared;
}

CoreArea CoreAreaOf(const HardwareConfig& config, const AreaTable& table) {
  auto find = [&](const std::string& key) -> int64_t {
    const auto it = table.transistors.find(key);
    return it == table.transistors.end() ? 0 : it->second;
  };
  const std::string acc = std::to_string(config.accumulator_bits);
  const std::string rows = std::to_string(config.rows);
  const std::string w = std::to_string(config.weight_bits);
  CoreArea area;
  if (config.design == PeDesign::kInt8Mac) {
    // INT8 x INT8 multiplier PEs; per column the INT8 expander and the column unit.
    area.pe = find("pe_multiplier " + PeWidths(8, 8, false, config.accumulator_bits));
    const int64_t expand = find("weight_expand_int8 " + w);
    const int64_t column = find("int8_column " + acc + " " + rows);
    area.column = expand > 0 && column > 0 ? expand + column : 0;
    return area;
  }
  if (config.design == PeDesign::kFp16Mac) {
    area.pe = find("pe_fp16_mac " + PeWidths(16, 16, false, 32));
    const int64_t to_fp16 = find("weight_to_fp16 " + w);
    const int64_t column = find("fp16_column 32 " + rows);
    area.column = to_fp16 > 0 && column > 0 ? to_fp16 + column : 0;
    return area;
  }
  if (config.design != PeDesign::kMixpe) return area;  // no RTL, no area
  area.pe = find(PeKey(config.weight_bits, config.activation_bits, HasFp4Weights(config),
                       config.accumulator_bits));
  area.column = find(ColumnKey(config.weight_bits, config.accumulator_bits, config.rows));
  bool fp16 = false;
  for (const ActivationFormat& f : config.activation_formats) {
    fp16 |= f.family == ActivationFamily::kFp16;
  }
  area.shared = fp16 ? find("fp16_align") : 0;
  if (fp16 && area.shared == 0) area.column = 0;  // unknown as a whole
  return area;
}

}  // namespace mixpe
