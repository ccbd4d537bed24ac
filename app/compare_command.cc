// mixpe compare and iso-area: several designs on the same traces, and sized to the same area
// (explore/compare.h, explore/iso_area.h, docs/baselines.md).
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "app/commands.h"
#include "explore/compare.h"
#include "explore/iso_area.h"
#include "model/input_error.h"

namespace mixpe {
namespace {

// The listed config that `baseline` names (the same file, however written).
std::string FindBaseline(const std::vector<std::string>& configs, const std::string& baseline) {
  if (baseline.empty()) return configs.front();
  std::error_code error;
  const std::filesystem::path wanted = std::filesystem::weakly_canonical(baseline, error);
  for (const std::string& config : configs) {
    if (config == baseline || std::filesystem::weakly_canonical(config, error) == wanted) {
      return config;
    }
  }
  throw InputError("--baseline " + baseline + ": not one of the --config files");
}

void WriteFile(const std::string& path, const std::string& text, const char* what) {
  if (path.empty()) return;
  std::ofstream out(path);
  if (!(out << text)) throw InputError("cannot write the " + std::string(what) + " to " + path);
}

}  // namespace

int Compare(const std::vector<std::string>& configs, const std::vector<std::string>& traces,
            const std::string& baseline, MapObjective objective, int jobs,
            const std::string& csv_path, const std::string& markdown_path) {
  const std::string base = FindBaseline(configs, baseline);
  const std::vector<DesignCost> costs = CompareDesigns(configs, traces, objective, jobs);
  const std::string markdown = CompareMarkdown(costs, base);
  // Both files are made before either is written.
  const std::string csv = CompareCsv(costs, base);
  WriteFile(csv_path, csv, "CSV");
  WriteFile(markdown_path, markdown, "tables");
  std::cout << "mixpe compare: " << configs.size() << " designs x " << traces.size()
            << " traces by the analytical model (objective: " << MapObjectiveName(objective)
            << ")\n"
            << markdown;
  int failed = 0;
  for (const DesignCost& c : costs) failed += c.ok() ? 0 : 1;
  if (failed > 0) {
    std::cerr << failed << " design x trace pairs have no figures (their status says why)\n";
    return 1;
  }
  return 0;
}

int IsoArea(const std::vector<std::string>& configs, const std::string& anchor,
            const std::string& area_table, const std::string& out_dir) {
  const AreaTable table = LoadAreaTable(area_table);
  const std::vector<SizedDesign> sized = SizeForEqualArea(configs, anchor, table, out_dir);
  std::cout << "mixpe iso-area: every core within the area of " << anchor << " (" << area_table
            << ")\n\n| design | array | PEs | core transistors | PE transistors / anchor's | "
               "config |\n|---|---|---|---|---|---|\n";
  for (const SizedDesign& d : sized) {
    char scale[32];
    std::snprintf(scale, sizeof scale, "%.3f", d.pe_energy_scale);
    std::cout << "| " << d.name << " | " << d.rows << "x" << d.cols << " | " << d.rows * d.cols
              << " | " << d.transistors << " | " << scale << " | `" << d.config_file << "` |\n";
  }
  return 0;
}

}  // namespace mixpe
