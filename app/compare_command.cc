// mixpe compare and iso-area: several designs on the same traces, and sized to the same area
// (explore/compare.h, explore/iso_area.h, docs/baselines.md).
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "app/command_util.h"
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

}  // namespace

int Compare(const std::vector<std::string>& configs, const std::vector<std::string>& traces,
            const std::string& baseline, MapObjective objective, int jobs,
            const std::string& csv_path, const std::string& markdown_path) {
  const std::string base = FindBaseline(configs, baseline);
  // Both files are checked to be writable before the work, and appear together after it.
  OutputFile csv(csv_path, "--csv", "the CSV");
  OutputFile tables(markdown_path, "--markdown", "the tables");
  const std::vector<DesignCost> costs = CompareDesigns(configs, traces, objective, jobs);
  const std::string markdown = CompareMarkdown(costs, base);
  csv.Write(CompareCsv(costs, base));
  tables.Write(markdown);
  csv.Commit();
  tables.Commit();
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
  // Written into a temporary directory, checked there (every sized config loads) and moved into
  // `out_dir` only when all are: a bad config leaves none of them behind.
  OutputDir dir(out_dir, "--output-dir");
  std::vector<SizedDesign> sized = SizeForEqualArea(configs, anchor, table, dir.temp_path());
  dir.Commit();
  for (SizedDesign& d : sized) d.config_file = dir.FinalPath(d.config_file);
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
