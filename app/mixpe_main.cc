// mixpe: the command-line front door, one subcommand per job (each has --help):
//   run       co-simulates every layer of a trace, quantized to the layer's formats: its packed
//             image in DRAM, the DMA, the on-chip buffers and the NoC in SystemC, and the
//             Verilated RTL core built from the hardware YAML; checks the DRAM's output image bit
//             for bit and the cycles and energy against the golden model, and reports (table,
//             JSON, CSV). --core-only: the core alone on an ideal memory; --fast: the analytical
//             model alone.
//   compile   prints or writes each layer's schedule (docs/schedule-format.md)
//   sweep     explores a design space; merge joins a sharded sweep (docs/sweep.md)
//   verify    random regression of the RTL core with coverage (docs/verify.md)
//   trace     a model's trace from a Hugging Face config.json (docs/trace-format.md)
//   import    SCALE-Sim topology and .cfg as a trace and a hardware YAML (docs/import.md)
//   accuracy  the quantization formats' error against float64 (docs/numerics.md)
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <numeric>
#include <sstream>
#include <thread>

#include "Vmixpe_core_main.h"
#include "compiler/layer_trace.h"
#include "compiler/mapper.h"
#include "compiler/model_trace.h"
#include "compiler/scalesim_import.h"
#include "compiler/schedule_text.h"
#include "explore/sweep.h"
#include "model/accuracy_study.h"
#include "model/hardware_config.h"
#include "model/input_error.h"
#include "model/mpgemm.h"
#include "model/quant_format.h"
#include "rtl_params.h"
#include "sim/cosim/accelerator.h"
#include "sim/cosim/cosim_report.h"
#include "sim/layer_report.h"
#include "sim/regression.h"

namespace mixpe {
namespace {

// The RTL inside this binary was generated from one hardware YAML at build time; a run may name
// another file, but it must describe the same hardware.
void CheckConfigMatchesBuild(const HardwareConfig& config) {
  const bool same = config.rows == rtl_params::kRows && config.cols == rtl_params::kCols &&
                    config.weight_bits == rtl_params::kWeightBits &&
                    config.activation_bits == rtl_params::kActBits &&
                    config.accumulator_bits == rtl_params::kAccBits;
  if (same && HasFp4Weights(config) && !rtl_params::kFp4Weights) {
    throw InputError(
        config.source_file +
        ": formats.weights lists an FP4 (E2M1) format, but this mixpe was built "
        "from " +
        rtl_params::kConfigFile +
        " without the PE's FP4 mode; rebuild for it with: make run CONFIG=" + config.source_file);
  }
  if (same) return;
  std::ostringstream msg;
  msg << config.source_file << ": describes a " << ShortDescription(config)
      << " core, but this mixpe was built from " << rtl_params::kConfigFile << " ("
      << rtl_params::kRows << "x" << rtl_params::kCols << " W" << rtl_params::kWeightBits << "A"
      << rtl_params::kActBits << " acc" << rtl_params::kAccBits
      << "); rebuild for it with: make run CONFIG=" << config.source_file;
  throw InputError(msg.str());
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

// Every name given with --layer names a layer of the trace.
void CheckLayerNames(const LayerTrace& trace, const std::vector<std::string>& only_layers) {
  for (const std::string& name : only_layers) {
    bool found = false;
    for (const GemmLayer& layer : trace.layers) found |= layer.name == name;
    if (!found) throw InputError(trace.source_file + ": layers: no layer named '" + name + "'");
  }
}

bool Selected(const GemmLayer& layer, const std::vector<std::string>& only_layers) {
  return only_layers.empty() ||
         std::find(only_layers.begin(), only_layers.end(), layer.name) != only_layers.end();
}

// A progress bar on stderr, drawn only when stderr is a terminal.
class ProgressBar {
 public:
  explicit ProgressBar(std::string what) : what_(std::move(what)), shown_(isatty(2) != 0) {}
  // Erases the bar, so that a line can be printed in its place.
  void Clear() {
    if (shown_) std::fprintf(stderr, "\r%*s\r", 80, "");
  }
  void Update(int64_t done, int64_t total) {
    if (!shown_ || total <= 0) return;
    const int width = 40;
    const int filled = static_cast<int>(width * done / total);
    std::fprintf(stderr, "\r%s [%s%s] %lld/%lld", what_.c_str(), std::string(filled, '#').c_str(),
                 std::string(width - filled, '.').c_str(), static_cast<long long>(done),
                 static_cast<long long>(total));
    if (done == total) std::fprintf(stderr, "\n");
    std::fflush(stderr);
  }

 private:
  std::string what_;
  bool shown_;
};

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
    CompareWithGoldenModel(data.activations, data.weights, &r);
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

// Prints (or writes to `out_dir`, one <layer>.schedule file each) the schedule the compiler and
// the mapper make for every selected layer (docs/schedule-format.md).
int Compile(const std::string& config_path, const std::string& trace_path,
            const std::vector<std::string>& only_layers, MapObjective objective,
            const std::string& out_dir) {
  const HardwareConfig config = LoadHardwareConfig(config_path);
  const LayerTrace trace = LoadLayerTrace(trace_path);
  CheckLayerNames(trace, only_layers);
  // Every schedule is made before any is written, so bad input leaves no files behind.
  std::vector<std::pair<std::string, std::string>> texts;
  for (const GemmLayer& layer : trace.layers) {
    if (!Selected(layer, only_layers)) continue;
    const LayerFormats formats = ResolveLayerFormats(layer, config);
    const MappedLayer mapped = MapLayer(config, layer, formats, objective);
    const LayerSchedule schedule = MakeLayerSchedule(config, layer, mapped.schedule.plan());
    texts.emplace_back(layer.name, WriteSchedule(schedule));
  }
  for (const auto& [name, text] : texts) {
    if (out_dir.empty()) {
      std::cout << text << "\n";
      continue;
    }
    const std::string path = out_dir + "/" + name + ".schedule";
    std::ofstream file(path);
    if (!(file << text)) throw InputError(path + ": cannot write the schedule file");
    std::cout << "wrote " << path << "\n";
  }
  return 0;
}

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
  const std::string csv = out_dir + "/sweep.csv";
  const std::string json = out_dir + "/sweep.json";
  if (!(std::ofstream(csv) << SweepCsv(axes, results))) throw InputError(csv + ": cannot write");
  if (!(std::ofstream(json) << SweepJson(source, axes, results))) {
    throw InputError(json + ": cannot write");
  }
  std::printf("wrote %s and %s", csv.c_str(), json.c_str());
  if (plot && ok > 0) {
    const std::string png = out_dir + "/pareto.png";
    PlotPareto(results, "mixpe sweep: " + source, png);
    std::printf(" and %s", png.c_str());
  }
  std::printf("\n");
}

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
    const std::string csv = out_dir + "/sweep-" + std::to_string(shard.index) + "-of-" +
                            std::to_string(shard.count) + ".csv";
    if (!(std::ofstream(csv) << SweepCsv(AxisKeys(space), results))) {
      throw InputError(csv + ": cannot write");
    }
    std::printf("shard %lld/%lld: %zu points; wrote %s (mixpe merge joins the shards)\n",
                static_cast<long long>(shard.index), static_cast<long long>(shard.count),
                results.size(), csv.c_str());
    return 0;
  }
  ReportSweep(space_path, AxisKeys(space), results, out_dir, plot);
  return 0;
}

// Joins the CSVs of a sharded sweep and reports them as one.
int Merge(const std::vector<std::string>& inputs, const std::string& out_dir, bool plot) {
  std::vector<std::string> axes;
  std::vector<SweepResult> results;
  for (const std::string& path : inputs) {
    for (SweepResult& r : ReadSweepCsv(path, &axes)) results.push_back(std::move(r));
  }
  std::sort(results.begin(), results.end(),
            [](const SweepResult& a, const SweepResult& b) { return a.point < b.point; });
  for (size_t i = 1; i < results.size(); ++i) {
    if (results[i].point == results[i - 1].point) {
      throw InputError("point " + std::to_string(results[i].point) +
                       " is in more than one input: the same shard given twice?");
    }
  }
  std::string source = "merged from";
  for (const std::string& path : inputs) source += " " + path;
  ReportSweep(source, axes, std::move(results), out_dir, plot);
  return 0;
}

// Random regression of the RTL core against the golden model (docs/verify.md).
int Verify(const std::string& config_path, uint64_t seed, int count) {
  const HardwareConfig config = LoadHardwareConfig(config_path);
  CheckConfigMatchesBuild(config);
  MakeRandomCase(config, seed);  // a config with no runnable format pair fails here
  std::printf("mixpe verify: %d random cases from seed %llu on %s (%s) from %s\n", count,
              static_cast<unsigned long long>(seed), config.name.c_str(),
              ShortDescription(config).c_str(), config_path.c_str());
  VerilatedCore<Vmixpe_core_main> core(config.rows, config.cols, config.weight_bits);
  ProgressBar bar("verify");
  const RegressionResult result = RunRegression(
      core, config, seed, count, [&](int done, int total) { bar.Update(done, total); });
  for (const RegressionFailure& f : result.failures) std::printf("%s\n", FormatFailure(f).c_str());
  if (result.failed > static_cast<int64_t>(result.failures.size())) {
    std::printf("... and %lld more failures\n",
                static_cast<long long>(result.failed - result.failures.size()));
  }
  std::printf("%s", FormatCoverage(result.coverage, config).c_str());
  std::printf(
      "%lld passed, %lld failed; %lld cycles simulated in %.1f s (%.0f cycles/s on the core)\n",
      static_cast<long long>(result.passed), static_cast<long long>(result.failed),
      static_cast<long long>(result.simulated_cycles), result.wall_seconds,
      result.core_seconds > 0 ? result.simulated_cycles / result.core_seconds : 0.0);
  return result.pass() ? 0 : 1;
}

// Writes `text` to `path`, or to stdout if `path` is empty.
void WriteOut(const std::string& path, const std::string& text, const std::string& what) {
  if (path.empty()) {
    std::cout << text;
    return;
  }
  std::ofstream out(path);
  if (!(out << text)) throw InputError(path + ": cannot write the " + what);
  std::cerr << "wrote " << path << "\n";
}

// The trace of a Hugging Face model (docs/trace-format.md, "Traces from a Hugging Face config").
int Trace(const std::string& hf_config, const TraceRequest& request, const std::string& output) {
  const HfModelConfig model = LoadHfConfig(hf_config);
  const LayerTrace trace = MakeModelTrace(model, request);
  // Made and written whole: bad input leaves no file.
  WriteOut(output, WriteLayerTrace(trace, ModelTraceComment(model, request)), "trace");
  return 0;
}

// SCALE-Sim's topology (and .cfg) as a mixpe trace (and hardware YAML); docs/import.md.
int Import(const std::string& topology, const std::string& cfg, const std::string& base,
           const ScaleSimImportOptions& options, const std::string& output_trace,
           const std::string& output_config) {
  if (!cfg.empty() && output_config.empty()) {
    throw InputError("--cfg " + cfg + " needs --output-config: where to write the hardware YAML");
  }
  if (cfg.empty() && !output_config.empty()) {
    throw InputError("--output-config needs --cfg: the SCALE-Sim .cfg to import");
  }
  std::vector<std::string> notes;
  const LayerTrace trace = ImportScaleSimTopology(topology, options, &notes);
  const std::string trace_text = ScaleSimTraceYaml(trace, notes);
  const std::string config_text = cfg.empty() ? "" : ImportScaleSimConfig(cfg, base, output_config);
  // Both are made before either is written: bad input leaves no file behind.
  WriteOut(output_trace, trace_text, "trace");
  if (!cfg.empty()) WriteOut(output_config, config_text, "hardware YAML");
  std::cout << "imported " << trace.layers.size() << " layers from " << topology << "\n";
  for (const std::string& note : notes) std::cout << "note: " << note << "\n";
  return 0;
}

// Prints the accuracy table of docs/numerics.md; fails if a combination exceeds its bound.
int Accuracy(const AccuracyProblem& problem, bool markdown) {
  int failures = 0;
  std::printf(markdown ? "| weights | activations | relative error | bound | arithmetic error |\n"
                         "|---|---|---|---|---|\n"
                       : "%-22s %-12s %14s %10s %16s\n",
              "weights", "activations", "relative_error", "bound", "arithmetic_error");
  for (const auto& [weights, activations] : AccuracyCombinations()) {
    const AccuracyRow row = MeasureAccuracy(problem, weights, activations);
    const bool within = row.relative_error <= row.bound;
    failures += within ? 0 : 1;
    std::printf(
        markdown ? "| %s | %s | %.3e | %.2g | %.1e |%s\n" : "%-22s %-12s %14.3e %10.2g %16.1e%s\n",
        weights.c_str(), activations.c_str(), row.relative_error, row.bound, row.arithmetic_error,
        within ? "" : "  EXCEEDS BOUND");
  }
  return failures == 0 ? 0 : 1;
}

// Prints the widths of the exact inner sums of every format combination (docs/numerics.md).
int Widths(int64_t k) {
  std::printf(
      "| weights | activations | unit | P_u bits | S_u bits | D_u bits |\n"
      "|---|---|---|---|---|---|\n");
  for (const auto& [weights, activations] : AccuracyCombinations()) {
    const WeightFormat wf = ParseWeightFormat(weights);
    const ActivationFormat af = ParseActivationFormat(activations);
    const int64_t w_block = wf.GroupSizeFor(k);
    int64_t a_block = af.block_size;
    if (af.family == ActivationFamily::kInt8PerToken) a_block = k;
    if (af.family == ActivationFamily::kFp16)
      a_block = std::gcd<int64_t>(w_block, kMaxFp16AlignBlock);
    const int unit = static_cast<int>(std::min(w_block, a_block));
    const UnitSumWidths widths = RequiredUnitSumWidths(wf, af, unit);
    std::printf("| %s | %s | %d | %d | %s | %d |\n", weights.c_str(), activations.c_str(), unit,
                widths.product_sum,
                widths.activation_sum == 0 ? "-" : std::to_string(widths.activation_sum).c_str(),
                widths.corrected);
  }
  return 0;
}

}  // namespace
}  // namespace mixpe

// The program proper, run by SystemC (main, at the end, hands over to it).
int sc_main(int argc, char** argv) {
  CLI::App app{"mixpe: cycle-accurate simulation and verification of mixed-precision PE arrays"};
  app.require_subcommand(1);
  std::string config_path = MIXPE_DEFAULT_CONFIG;
  std::string trace_path = MIXPE_DEFAULT_TRACE;
  std::vector<std::string> only_layers;
  CLI::App* run = app.add_subcommand(
      "run",
      "Co-simulate a layer trace (DRAM, buffers, NoC, RTL core) and check it against the golden "
      "model");
  run->add_option("-c,--config", config_path, "hardware YAML")->capture_default_str();
  run->add_option("-t,--trace", trace_path, "layer trace YAML")->capture_default_str();
  run->add_option("-l,--layer", only_layers, "run only these layers (repeatable)");
  bool core_only = false;
  bool fast = false;
  std::string objective = "cycles";
  run->add_option("--objective", objective,
                  "what the mapper minimises when it chooses a layer's schedule: cycles, energy "
                  "or edp (energy-delay product)")
      ->capture_default_str()
      ->check(CLI::IsMember({"cycles", "energy", "edp"}));
  run->add_flag("--fast", fast,
                "the analytical model alone, in the same report: any config, no RTL, no "
                "bit-exact check");
  run->add_flag("--core-only", core_only,
                "run the RTL core alone on an ideal memory (no DRAM, buffers or NoC)");
  std::string json_path;
  std::string csv_path;
  run->add_option("--json", json_path, "also write the report as JSON to this file");
  run->add_option("--csv", csv_path, "also write the report as CSV (a row per layer) to this file");
  std::string schedules_dir;
  run->add_option("--schedules", schedules_dir,
                  "run each layer with the tile plan of <dir>/<layer>.schedule (as mixpe compile "
                  "--output-dir writes them) instead of the mapper's")
      ->check(CLI::ExistingDirectory);
  std::string waves_path;
  run->add_option("--trace-waves", waves_path,
                  "write an FST waveform of the RTL to this file (needs exactly one --layer)");
  CLI::App* compile = app.add_subcommand(
      "compile", "Print the schedule the compiler and mapper make for each layer of a trace");
  compile->add_option("-c,--config", config_path, "hardware YAML")->capture_default_str();
  compile->add_option("-t,--trace", trace_path, "layer trace YAML")->capture_default_str();
  compile->add_option("-l,--layer", only_layers, "only these layers (repeatable)");
  compile->add_option("--objective", objective, "what the mapper minimises: cycles, energy or edp")
      ->capture_default_str()
      ->check(CLI::IsMember({"cycles", "energy", "edp"}));
  std::string out_dir;
  compile
      ->add_option("-o,--output-dir", out_dir,
                   "write <layer>.schedule files into this directory instead of printing")
      ->check(CLI::ExistingDirectory);
  std::string space_path;
  int jobs = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::string shard;
  bool no_plot = false;
  std::string sweep_dir = ".";
  CLI::App* sweep = app.add_subcommand(
      "sweep",
      "Explore a design space with the mapper and the analytical model: CSV, JSON, Pareto plot");
  sweep->add_option("space", space_path, "design-space YAML (docs/sweep.md)")
      ->required()
      ->check(CLI::ExistingFile);
  sweep->add_option("-o,--output-dir", sweep_dir, "where sweep.csv, sweep.json, pareto.png go")
      ->capture_default_str()
      ->check(CLI::ExistingDirectory);
  sweep->add_option("-j,--jobs", jobs, "threads")
      ->capture_default_str()
      ->check(CLI::Range(1, 1024));
  sweep->add_option("--shard", shard,
                    "evaluate only points p with p mod N = i (i/N, 0 <= i < N), e.g. one task of "
                    "a Slurm job array; join the shards with mixpe merge");
  sweep->add_flag("--no-plot", no_plot, "do not draw pareto.png");
  std::vector<std::string> merge_inputs;
  CLI::App* merge = app.add_subcommand("merge", "Join the CSVs of a sharded sweep and report them");
  merge->add_option("csv", merge_inputs, "the shards' CSV files")
      ->required()
      ->check(CLI::ExistingFile);
  merge->add_option("-o,--output-dir", sweep_dir, "where sweep.csv, sweep.json, pareto.png go")
      ->capture_default_str()
      ->check(CLI::ExistingDirectory);
  merge->add_flag("--no-plot", no_plot, "do not draw pareto.png");
  uint64_t verify_seed = 1;
  int verify_count = 256;
  CLI::App* verify = app.add_subcommand(
      "verify", "Random regression of the RTL core against the golden model, with coverage");
  verify->add_option("-c,--config", config_path, "hardware YAML")->capture_default_str();
  verify->add_option("--seed", verify_seed, "the first case's seed")->capture_default_str();
  verify->add_option("--count", verify_count, "how many cases (seeds seed .. seed+count-1)")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000000));
  std::string hf_config;
  mixpe::TraceRequest trace_request;
  std::string trace_output;
  CLI::App* trace = app.add_subcommand(
      "trace", "Write the layer trace of a model from its Hugging Face config.json");
  trace->add_option("--hf-config", hf_config, "config.json (traces/hf/ holds seven)")
      ->required()
      ->check(CLI::ExistingFile);
  trace->add_option("--phase", trace_request.phase, "prefill or decode")
      ->capture_default_str()
      ->check(CLI::IsMember({"prefill", "decode"}));
  trace->add_option("--batch", trace_request.batch, "sequences (images, for ViT)")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 20));
  trace
      ->add_option("--seq-len", trace_request.seq_len,
                   "prompt length (prefill) or KV-cache length (decode); ViT: its patches")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 20));
  trace->add_flag("--attention", trace_request.attention,
                  "add the attention products over a KIVI-quantized KV cache");
  trace->add_option("--kv-bits", trace_request.kv_bits, "KV-cache bits")
      ->capture_default_str()
      ->check(CLI::IsMember({2, 4}));
  trace->add_option("--kv-group", trace_request.kv_group, "tokens per key scale group")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 20));
  trace->add_flag("--lm-head", trace_request.lm_head, "add the LM head (hidden -> vocabulary)");
  trace->add_option("--weights", trace_request.weights, "weight format of the linear layers");
  trace->add_option("--activations", trace_request.activations,
                    "activation format of the linear layers");
  trace->add_option("--seed", trace_request.seed, "the trace's operand seed")
      ->capture_default_str();
  trace->add_option("-o,--output", trace_output, "write the trace here (default: stdout)");
  std::string topology, scalesim_cfg, base_config = MIXPE_DEFAULT_CONFIG, output_trace,
                                      output_config;
  mixpe::ScaleSimImportOptions import_options;
  CLI::App* import = app.add_subcommand(
      "import", "Turn a SCALE-Sim topology CSV (and .cfg) into a trace (and hardware YAML)");
  import->add_option("--topology", topology, "SCALE-Sim topology CSV")
      ->required()
      ->check(CLI::ExistingFile);
  import->add_option("--cfg", scalesim_cfg, "SCALE-Sim hardware .cfg")->check(CLI::ExistingFile);
  import->add_option("--base-config", base_config, "the hardware YAML the .cfg's values go into")
      ->capture_default_str()
      ->check(CLI::ExistingFile);
  import->add_option("--weights", import_options.weights, "weight format of every layer");
  import->add_option("--activations", import_options.activations,
                     "activation format of every layer");
  import->add_option("--output-trace", output_trace, "where to write the trace")->required();
  import->add_option("--output-config", output_config, "where to write the hardware YAML");
  mixpe::AccuracyProblem problem;
  bool markdown = false;
  CLI::App* accuracy = app.add_subcommand(
      "accuracy", "Relative error of every quantization format against a float64 reference");
  accuracy->add_option("--m", problem.m, "tokens")
      ->capture_default_str()
      ->check(CLI::Range(1, 4096));
  accuracy->add_option("--k", problem.k, "reduction length")
      ->capture_default_str()
      ->check(CLI::Range(128, 65536));
  accuracy->add_option("--n", problem.n, "output channels")
      ->capture_default_str()
      ->check(CLI::Range(1, 65536));
  accuracy->add_option("--seed", problem.seed, "operand seed")->capture_default_str();
  accuracy->add_flag("--markdown", markdown, "print a Markdown table");
  bool widths = false;
  accuracy->add_flag("--widths", widths,
                     "print the integer widths of the exact inner sums instead (at --k)");
  CLI11_PARSE(app, argc, argv);
  try {
    if (*accuracy) {
      return widths ? mixpe::Widths(problem.k) : mixpe::Accuracy(problem, markdown);
    }
    if (*verify) return mixpe::Verify(config_path, verify_seed, verify_count);
    if (*trace) return mixpe::Trace(hf_config, trace_request, trace_output);
    if (*import) {
      return mixpe::Import(topology, scalesim_cfg, base_config, import_options, output_trace,
                           output_config);
    }
    if (*sweep) return mixpe::Sweep(space_path, sweep_dir, jobs, shard, !no_plot);
    if (*merge) return mixpe::Merge(merge_inputs, sweep_dir, !no_plot);
    if (*compile) {
      return mixpe::Compile(config_path, trace_path, only_layers,
                            mixpe::ParseMapObjective(objective, "--objective"), out_dir);
    }
    return mixpe::Run(config_path, trace_path, only_layers, waves_path, core_only,
                      mixpe::ParseMapObjective(objective, "--objective"), schedules_dir, json_path,
                      csv_path, fast);
  } catch (const mixpe::InputError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 2;
  }
}

// SystemC prints its banner before sc_main unless this is set; this main runs first (the
// program's own main takes precedence over the one in SystemC's library) and hands over to it.
int main(int argc, char** argv) {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
  return sc_core::sc_elab_and_sim(argc, argv);
}
