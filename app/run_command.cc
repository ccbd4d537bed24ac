// mixpe run: the co-simulation, the core alone (--core-only), or the analytical model (--fast).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "Vmixpe_core_main.h"
#include "app/command_util.h"
#include "app/commands.h"
#include "compiler/mapper.h"
#include "compiler/schedule_text.h"
#include "model/input_error.h"
#include "model/mpgemm.h"
#include "sim/cosim/accelerator.h"
#include "sim/cosim/cosim_report.h"
#include "sim/layer_report.h"

namespace mixpe {
namespace {

// Runs the trace's layers (or only those named) and prints the report as they finish.
template <class VCore>
std::vector<LayerReport> RunLayers(VerilatedCore<VCore>& core, const HardwareConfig& config,
                                   const LayerTrace& trace,
                                   const std::vector<std::string>& only_layers) {
  std::vector<LayerReport> reports;
  PrintReportHeader(std::cout);
  for (size_t i = 0; i < trace.layers.size(); ++i) {
    const GemmLayer& layer = trace.layers[i];
    if (!only_layers.empty() &&
        std::find(only_layers.begin(), only_layers.end(), layer.name) == only_layers.end()) {
      continue;
    }
    reports.push_back(RunLayer(core, config, layer, trace.seed + i));
    PrintLayerLine(std::cout, config, reports.back());
  }
  PrintReportTotal(std::cout, config, reports);
  return reports;
}

// The schedule a layer runs with: the mapper's, or the tile plan of
// `schedules_dir`/<layer>.schedule (as `mixpe compile --output-dir` writes them, perhaps edited)
// once the file has been checked against the layer and the config. `group_bits`: the widths of the
// layer's quantized weight groups (empty: the format's widest), which the file must match if it
// gives its own.
MappedLayer ScheduleLayer(const HardwareConfig& config, const GemmLayer& layer,
                          const LayerFormats& formats, MapObjective objective,
                          const std::vector<uint8_t>& group_bits,
                          const std::string& schedules_dir) {
  if (schedules_dir.empty()) return MapLayer(config, layer, formats, objective, group_bits);
  const std::string path = schedules_dir + "/" + layer.name + ".schedule";
  std::ifstream file(path);
  if (!file) {
    throw InputError(path + ": cannot read the schedule of layer " + layer.name +
                     " (--schedules names a directory of <layer>.schedule files, as mixpe "
                     "compile --output-dir writes them)");
  }
  std::stringstream text;
  text << file.rdbuf();
  const LayerSchedule schedule = ParseSchedule(text.str(), path);
  CheckScheduleMatchesLayer(schedule, layer, formats);
  CheckScheduleAgainstConfig(schedule, config);
  if (!schedule.layout.group_bits.empty() && !group_bits.empty() &&
      schedule.layout.group_bits != group_bits) {
    throw InputError(path + ": [group_bits]: the widths differ from those of layer " + layer.name +
                     "'s quantized weights; leave the section out to lay the layer out with its "
                     "own");
  }
  MappedLayer mapped;
  mapped.schedule = TileCoreGemm(config, layer.name, layer.m, layer.k, layer.n, formats.unit,
                                 schedule.core.plan());
  mapped.prediction = PredictLayerMemory(config, formats, mapped.schedule, group_bits);
  return mapped;
}

// Writes the report for machines (--json, --csv) where asked.
void WriteReports(const HardwareConfig& config, const LayerTrace& trace,
                  const std::vector<CosimLayerReport>& reports, const std::string& json_path,
                  const std::string& csv_path) {
  if (!json_path.empty()) {
    if (!(std::ofstream(json_path) << CosimReportJson(config, trace.source_file, reports))) {
      throw InputError(json_path + ": cannot write the JSON report");
    }
    std::cout << "report: " << json_path << "\n";
  }
  if (!csv_path.empty()) {
    if (!(std::ofstream(csv_path) << CosimReportCsv(config, reports))) {
      throw InputError(csv_path + ": cannot write the CSV report");
    }
    std::cout << "report: " << csv_path << "\n";
  }
}

// The whole memory system and the core, layer by layer.
int CoSimulate(const HardwareConfig& config, const LayerTrace& trace,
               const std::vector<std::string>& only_layers, const std::string& waves_path,
               MapObjective objective, const std::string& schedules_dir,
               const std::string& json_path, const std::string& csv_path) {
  // The DRAM holds the largest selected layer's image.
  // The progress bar counts simulated cycles against the model's prediction of every layer.
  int64_t dram_bytes = 0;
  int64_t predicted = 0;
  for (const GemmLayer& layer : trace.layers) {
    if (!Selected(layer, only_layers)) continue;
    const LayerFormats formats = ResolveLayerFormats(layer, config);
    const MappedLayer mapped = ScheduleLayer(config, layer, formats, objective, {}, schedules_dir);
    dram_bytes = std::max(dram_bytes, LayerImageBytes(config, formats, mapped.schedule));
    predicted += mapped.prediction.cycles;
  }
  Accelerator<Vmixpe_core_main> top("top", config, dram_bytes);
  if (!waves_path.empty()) top.core().OpenWaves(waves_path);
  std::vector<CosimLayerReport> reports;
  ProgressBar bar("cosim");
  int64_t finished = 0;  // cycles of the layers done
  top.SetProgress(
      [&](int64_t cycles) { bar.Update(std::min(finished + cycles, predicted - 1), predicted); });
  PrintCosimHeader(std::cout);
  for (size_t i = 0; i < trace.layers.size(); ++i) {
    const GemmLayer& layer = trace.layers[i];
    if (!Selected(layer, only_layers)) continue;
    const LayerData data = MakeLayerData(config, layer, trace.seed + i, /*core_operands=*/false);
    MappedLayer mapped = ScheduleLayer(config, layer, data.formats, objective,
                                       data.weights.block_bits, schedules_dir);
    const CoreSchedule& schedule = mapped.schedule;
    CosimLayerReport r;
    r.layer = layer;
    r.formats = data.formats.weights.Name() + " x " + data.formats.activations.Name();
    r.tile_plan = TilePlanText(schedule.plan());
    r.prediction = std::move(mapped.prediction);
    r.core_cycles = r.prediction.compute_cycles;
    const auto begin = std::chrono::steady_clock::now();
    r.run = top.RunLayer(data.formats, schedule, data.activations, data.weights);
    r.wall_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
    CompareWithGoldenModel(config.design, data.activations, data.weights, data.formats.unit, &r);
    finished += r.prediction.cycles;
    bar.Clear();
    PrintCosimLayer(std::cout, config, r);
    reports.push_back(std::move(r));
  }
  PrintCosimTotal(std::cout, config, reports);
  if (!waves_path.empty()) std::cout << "waveform: " << waves_path << "\n";
  WriteReports(config, trace, reports, json_path, csv_path);
  for (const CosimLayerReport& r : reports) {
    if (!r.pass()) return 1;
  }
  return 0;
}

// `mixpe run --fast`: every layer's mapped schedule costed by the analytical model alone, in the
// co-simulation's report (docs/memory-model.md). Needs no RTL, so any valid config runs.
int Estimate(const HardwareConfig& config, const LayerTrace& trace,
             const std::vector<std::string>& only_layers, MapObjective objective,
             const std::string& schedules_dir, const std::string& json_path,
             const std::string& csv_path) {
  std::vector<CosimLayerReport> reports;
  PrintCosimHeader(std::cout);
  for (const GemmLayer& layer : trace.layers) {
    if (!Selected(layer, only_layers)) continue;
    const auto begin = std::chrono::steady_clock::now();
    const LayerFormats formats = ResolveLayerFormats(layer, config);
    const MappedLayer mapped = ScheduleLayer(config, layer, formats, objective, {}, schedules_dir);
    CosimLayerReport r =
        ModelOnlyReport(layer, formats.weights.Name() + " x " + formats.activations.Name(),
                        TilePlanText(mapped.schedule.plan()), mapped.prediction);
    r.wall_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
    PrintCosimLayer(std::cout, config, r);
    reports.push_back(std::move(r));
  }
  PrintCosimTotal(std::cout, config, reports);
  WriteReports(config, trace, reports, json_path, csv_path);
  return 0;
}

}  // namespace

int Run(const std::string& config_path, const std::string& trace_path,
        const std::vector<std::string>& only_layers, const std::string& waves_path, bool core_only,
        MapObjective objective, const std::string& schedules_dir, const std::string& json_path,
        const std::string& csv_path, bool fast) {
  const HardwareConfig config = LoadHardwareConfig(config_path);
  if (fast && (core_only || !waves_path.empty())) {
    throw InputError(
        "--fast runs the analytical model alone: no RTL, so no --core-only or --trace-waves");
  }
  if (!fast) CheckConfigMatchesBuild(config);
  const LayerTrace trace = LoadLayerTrace(trace_path);
  CheckLayerNames(trace, only_layers);
  if (!waves_path.empty() && only_layers.size() != 1) {
    throw InputError(
        "--trace-waves needs exactly one --layer: a waveform of a whole trace would "
        "be too large to open");
  }
  if (core_only && (!json_path.empty() || !csv_path.empty())) {
    throw InputError(
        "--json and --csv report the co-simulation's figures (energy, DRAM traffic, the "
        "roofline); --core-only runs the core alone, without them");
  }
  // Report files must be writable before the run, not after it.
  for (const std::string& path : {json_path, csv_path}) {
    if (!path.empty() && !std::ofstream(path)) throw InputError(path + ": cannot write the report");
  }
  if (core_only && !schedules_dir.empty()) {
    throw InputError(
        "--schedules gives the schedules of the memory system; --core-only runs the core "
        "alone, without one");
  }
  if (!waves_path.empty() && !std::ofstream(waves_path)) {
    throw InputError(waves_path + ": cannot write the waveform file");
  }
  // Formats, schedules and (co-simulated) buffer fit are validated for every layer before any
  // simulation starts.
  for (const GemmLayer& layer : trace.layers) {
    if (!Selected(layer, only_layers)) continue;
    const LayerFormats formats = ResolveLayerFormats(layer, config);
    if (core_only) {
      TileCoreGemm(config, layer.name, layer.m, layer.k, layer.n, formats.unit);
    } else {
      ScheduleLayer(config, layer, formats, objective, {}, schedules_dir);  // fits the buffers
    }
  }

  std::cout << "mixpe run: " << trace.model << " from " << trace_path << "\n"
            << "hardware: " << config.name << " (" << ShortDescription(config) << ", "
            << config.frequency_mhz << " MHz) from " << config_path << "\n"
            << (fast        ? "mode: the analytical model alone (--fast)\n\n"
                : core_only ? "mode: the core alone, on an ideal memory\n\n"
                            : "mode: co-simulation of DRAM, buffers, NoC and the RTL core\n\n");
  if (fast) {
    return Estimate(config, trace, only_layers, objective, schedules_dir, json_path, csv_path);
  }
  if (!core_only) {
    return CoSimulate(config, trace, only_layers, waves_path, objective, schedules_dir, json_path,
                      csv_path);
  }
  VerilatedCore<Vmixpe_core_main> core(config.rows, config.cols, config.weight_bits);
  if (!waves_path.empty()) core.OpenWaves(waves_path);
  const std::vector<LayerReport> reports = RunLayers(core, config, trace, only_layers);
  if (!waves_path.empty()) std::cout << "waveform: " << waves_path << "\n";
  for (const LayerReport& r : reports) {
    if (!r.pass()) return 1;
  }
  return 0;
}

}  // namespace mixpe
