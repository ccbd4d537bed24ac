// mixpe trace and import: traces (and a hardware YAML) from other tools' files.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "app/command_util.h"
#include "app/commands.h"
#include "compiler/model_trace.h"
#include "compiler/scalesim_import.h"
#include "model/input_error.h"

namespace mixpe {
namespace {

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

}  // namespace

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

}  // namespace mixpe
