// mixpe sweep and merge: design-space exploration (docs/sweep.md).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "app/command_util.h"
#include "app/commands.h"
#include "explore/sweep.h"
#include "model/input_error.h"

namespace mixpe {
namespace {

// The Pareto front and a summary of a sweep's results, and its files in `out_dir`: sweep.csv,
// sweep.json and, unless `plot` is false, pareto.png.
void ReportSweep(const std::string& source, const std::vector<std::string>& axes,
                 std::vector<SweepResult> results, const std::string& out_dir, bool plot) {
  MarkPareto(&results);
  int64_t ok = 0;
  for (const SweepResult& r : results) ok += r.ok() ? 1 : 0;
  std::printf("%lld design points: %lld costed, %lld without figures (see sweep.csv's status)\n",
              static_cast<long long>(results.size()), static_cast<long long>(ok),
              static_cast<long long>(results.size() - ok));
  std::printf("Pareto front (latency against energy):\n%8s  %-20s %12s %12s %12s %6s %14s  %s\n",
              "point", "hardware", "cycles", "time_us", "energy_uJ", "util", "area_Mtrans",
              "values");
  for (const SweepResult& r : results) {
    if (!r.pareto) continue;
    std::string values;
    for (size_t a = 0; a < axes.size(); ++a) values += (a ? " " : "") + axes[a] + "=" + r.labels[a];
    char area[32] = "-";
    if (r.area_transistors > 0) std::snprintf(area, sizeof area, "%.2f", r.area_transistors * 1e-6);
    std::printf("%8lld  %-20s %12lld %12.1f %12.1f %5.1f%% %14s  %s\n",
                static_cast<long long>(r.point), r.hardware.c_str(),
                static_cast<long long>(r.cycles), r.time_us, r.energy_uj, 100 * r.utilization, area,
                values.c_str());
  }
  // The files appear together, once all are made.
  OutputFile csv(out_dir + "/sweep.csv", "--output-dir", "the sweep's CSV");
  OutputFile json(out_dir + "/sweep.json", "--output-dir", "the sweep's JSON");
  OutputFile png(plot && ok > 0 ? out_dir + "/pareto.png" : "", "--output-dir", "the plot");
  csv.Write(SweepCsv(axes, results));
  json.Write(SweepJson(source, axes, results));
  if (png.wanted()) PlotPareto(results, "mixpe sweep: " + source, png.temp_path());
  for (OutputFile* file : {&csv, &json, &png}) file->Commit();
  std::printf("wrote %s and %s", csv.path().c_str(), json.path().c_str());
  if (png.wanted()) std::printf(" and %s", png.path().c_str());
  std::printf("\n");
}

}  // namespace

// Explores a design space (docs/sweep.md), or one shard of it.
int Sweep(const std::string& space_path, const std::string& out_dir, int jobs,
          const std::string& shard_text, bool plot) {
  const SweepSpace space = LoadSweepSpace(space_path);
  LoadLayerTrace(space.trace);  // a bad trace fails here, not once per point
  const Shard shard = shard_text.empty() ? Shard{} : ParseShard(shard_text, "--shard");
  std::printf("mixpe sweep: %s: %lld design points over %s on %s, objective %s\n",
              space_path.c_str(), static_cast<long long>(space.points()), space.trace.c_str(),
              space.base_config.c_str(), MapObjectiveName(space.objective));
  ProgressBar bar("sweep");
  const std::vector<SweepResult> results =
      RunSweep(space, shard, jobs, [&](int64_t done, int64_t total) { bar.Update(done, total); });
  if (!shard_text.empty()) {
    OutputFile csv(out_dir + "/sweep-" + std::to_string(shard.index) + "-of-" +
                       std::to_string(shard.count) + ".csv",
                   "--output-dir", "the shard's CSV");
    csv.Write(SweepCsv(AxisKeys(space), results));
    csv.Commit();
    std::printf("shard %lld/%lld: %zu points; wrote %s (mixpe merge joins the shards)\n",
                static_cast<long long>(shard.index), static_cast<long long>(shard.count),
                results.size(), csv.path().c_str());
    return 0;
  }
  ReportSweep(space_path, AxisKeys(space), results, out_dir, plot);
  return 0;
}

// Joins the CSVs of a sharded sweep and reports them as one.
int Merge(const std::vector<std::string>& inputs, const std::string& out_dir, bool plot) {
  std::vector<std::string> axes;
  std::vector<std::pair<SweepResult, const std::string*>> read;  // each point and its file
  for (const std::string& path : inputs) {
    for (SweepResult& r : ReadSweepCsv(path, &axes)) read.emplace_back(std::move(r), &path);
  }
  std::stable_sort(read.begin(), read.end(),
                   [](const auto& a, const auto& b) { return a.first.point < b.first.point; });
  std::vector<SweepResult> results;
  for (size_t i = 0; i < read.size(); ++i) {
    if (i > 0 && read[i].first.point == read[i - 1].first.point) {
      throw InputError(*read[i].second + ": point " + std::to_string(read[i].first.point) +
                       " is in more than one input (also in " + *read[i - 1].second +
                       "): expected each point once; the same shard given twice?");
    }
    results.push_back(std::move(read[i].first));
  }
  std::string source = "merged from";
  for (const std::string& path : inputs) source += " " + path;
  ReportSweep(source, axes, std::move(results), out_dir, plot);
  return 0;
}

}  // namespace mixpe
