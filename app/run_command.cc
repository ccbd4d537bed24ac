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

// A layer's operands and outputs are held in memory while it is simulated (and its DRAM image is
// as large): refuses a layer that would not fit a workstation's memory, before anything is
// allocated. The analytical model (--fast) takes any layer.
constexpr int64_t kMaxSimulatedElements = int64_t{1} << 28;

void CheckSimulatedSize(const GemmLayer& layer) {
  const int64_t elements = layer.m * layer.k + layer.k * layer.n + layer.m * layer.n;
  if (elements <= kMaxSimulatedElements) return;
  throw InputError(layer.source_file + ": layers[" + std::to_string(layer.index) + "]: layer " +
                   layer.name + ": M x K + K x N + M x N = " + std::to_string(elements) +
                   " operand and output elements, more than the " +
                   std::to_string(kMaxSimulatedElements) +
                   " a simulation holds in memory; cost it with --fast (the analytical model)");
}

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

// The report for machines (--json, --csv) where asked, into the files' temporary copies.
void WriteReports(const HardwareConfig& config, const LayerTrace& trace,
                  const std::vector<CosimLayerReport>& reports, OutputFile* json, OutputFile* csv) {
  if (json->wanted()) json->Write(CosimReportJson(config, trace.source_file, reports));
  if (csv->wanted()) csv->Write(CosimReportCsv(config, reports));
}

// The whole memory system and the core, layer by layer; the waveform, if any, goes to
// `waves_path` and is complete when this returns (the core is gone).
std::vector<CosimLayerReport> CoSimulate(const HardwareConfig& config, const LayerTrace& trace,
                                         const std::vector<std::string>& only_layers,
                                         const std::string& waves_path, MapObjective objective,
                                         const std::string& schedules_dir) {
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
    r.KeepFiguresOnly();
    finished += r.prediction.cycles;
    bar.Clear();
    PrintCosimLayer(std::cout, config, r);
    reports.push_back(std::move(r));
  }
  PrintCosimTotal(std::cout, config, reports);
  return reports;
}

// `mixpe run --fast`: every layer's mapped schedule costed by the analytical model alone, in the
// co-simulation's report (docs/memory-model.md). Needs no RTL, so any valid config runs.
std::vector<CosimLayerReport> Estimate(const HardwareConfig& config, const LayerTrace& trace,
                                       const std::vector<std::string>& only_layers,
                                       MapObjective objective, const std::string& schedules_dir) {
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
    r.KeepFiguresOnly();
    reports.push_back(std::move(r));
  }
  PrintCosimTotal(std::cout, config, reports);
  return reports;
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
  if (!waves_path.empty() && !HasFstTrace<Vmixpe_core_main>::value) {
    throw InputError(
        "--trace-waves: this mixpe was built without waveform support (configure it with "
        "-DMIXPE_WAVES=ON, the default)");
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
  if (core_only && !schedules_dir.empty()) {
    throw InputError(
        "--schedules gives the schedules of the memory system; --core-only runs the core "
        "alone, without one");
  }
  // Formats, schedules, (co-simulated) buffer fit and size are validated for every layer before
  // any simulation starts.
  for (const GemmLayer& layer : trace.layers) {
    if (!Selected(layer, only_layers)) continue;
    const LayerFormats formats = ResolveLayerFormats(layer, config);
    if (!fast) CheckSimulatedSize(layer);
    if (core_only) {
      TileCoreGemm(config, layer.name, layer.m, layer.k, layer.n, formats.unit);
    } else {
      ScheduleLayer(config, layer, formats, objective, {}, schedules_dir);  // fits the buffers
    }
  }
  // The outputs are checked to be writable now, and appear only once the run is over.
  OutputFile json(json_path, "--json", "the JSON report");
  OutputFile csv(csv_path, "--csv", "the CSV report");
  OutputFile waves(waves_path, "--trace-waves", "the waveform file");

  std::cout << "mixpe run: " << trace.model << " from " << trace_path << "\n"
            << "hardware: " << config.name << " (" << ShortDescription(config) << ", "
            << config.frequency_mhz << " MHz) from " << config_path << "\n"
            << (fast        ? "mode: the analytical model alone (--fast)\n\n"
                : core_only ? "mode: the core alone, on an ideal memory\n\n"
                            : "mode: co-simulation of DRAM, buffers, NoC and the RTL core\n\n");
  bool pass = true;
  if (core_only) {
    std::vector<LayerReport> reports;
    {
      VerilatedCore<Vmixpe_core_main> core(config.rows, config.cols, config.weight_bits);
      if (waves.wanted()) core.OpenWaves(waves.temp_path());
      reports = RunLayers(core, config, trace, only_layers);
    }  // the core's destructor completes the waveform
    for (const LayerReport& r : reports) pass &= r.pass();
  } else {
    const std::vector<CosimLayerReport> reports =
        fast ? Estimate(config, trace, only_layers, objective, schedules_dir)
             : CoSimulate(config, trace, only_layers, waves.temp_path(), objective, schedules_dir);
    WriteReports(config, trace, reports, &json, &csv);
    for (const CosimLayerReport& r : reports) pass &= r.pass();
  }
  // A run whose check failed still has a complete report (and a waveform to debug it with).
  for (OutputFile* out : {&waves, &json, &csv}) {
    if (!out->wanted()) continue;
    out->Commit();
    std::cout << (out == &waves ? "waveform: " : "report: ") << out->path() << "\n";
  }
  return pass ? 0 : 1;
}

}  // namespace mixpe
