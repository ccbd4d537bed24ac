// mixpe trace and import: traces (and a hardware YAML) from other tools' files.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "app/command_util.h"
#include "app/commands.h"
#include "compiler/model_trace.h"
#include "compiler/scalesim_import.h"
#include "model/input_error.h"

namespace mixpe {

// The trace of a Hugging Face model (docs/trace-format.md, "Traces from a Hugging Face config").
int Trace(const std::string& hf_config, const TraceRequest& request, const std::string& output) {
  OutputFile out(output, "--output", "the trace");
  const HfModelConfig model = LoadHfConfig(hf_config);
  const LayerTrace trace = MakeModelTrace(model, request);
  const std::string text = WriteLayerTrace(trace, ModelTraceComment(model, request));
  if (!out.wanted()) {
    std::cout << text;
    return 0;
  }
  out.Write(text);
  out.Commit();
  std::cerr << "wrote " << out.path() << "\n";
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
  std::error_code error;
  if (!cfg.empty() && std::filesystem::weakly_canonical(output_trace, error) ==
                          std::filesystem::weakly_canonical(output_config, error)) {
    throw InputError("--output-config " + output_config + ": the same file as --output-trace " +
                     output_trace + "; expected two files, the trace and the hardware YAML");
  }
  // Both files are checked to be writable first, and appear together once both are made.
  OutputFile trace_file(output_trace, "--output-trace", "the trace");
  OutputFile config_file(output_config, "--output-config", "the hardware YAML");
  std::vector<std::string> notes;
  const LayerTrace trace = ImportScaleSimTopology(topology, options, &notes);
  trace_file.Write(ScaleSimTraceYaml(trace, notes));
  if (!cfg.empty()) config_file.Write(ImportScaleSimConfig(cfg, base, output_config));
  for (OutputFile* file : {&trace_file, &config_file}) {
    if (!file->wanted()) continue;
    file->Commit();
    std::cerr << "wrote " << file->path() << "\n";
  }
  std::cout << "imported " << trace.layers.size() << " layers from " << topology << "\n";
  for (const std::string& note : notes) std::cout << "note: " << note << "\n";
  return 0;
}

}  // namespace mixpe
