// Fuzz target: a SCALE-Sim topology CSV (ImportScaleSimTopology, compiler/scalesim_import.h),
// which reads a path: the input goes to a scratch file. A topology that imports must also give
// trace YAML (ScaleSimTraceYaml) that loads to the same layers.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "compiler/scalesim_import.h"
#include "fuzz/parser_contract.h"
#include "fuzz/same_layers.h"
#include "model/yaml_fields.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace mixpe;
  static fuzz::ScratchFile file(".csv");
  const std::string& path = file.Write(data, size);
  LayerTrace trace;
  std::vector<std::string> notes;
  const bool parsed = fuzz::ParsesOrRefuses(
      path, [&] { trace = ImportScaleSimTopology(path, ScaleSimImportOptions{}, &notes); });
  if (!parsed) return 0;
  fuzz::MustSucceed("the imported trace's YAML", [&] {
    const std::string yaml = ScaleSimTraceYaml(trace, notes);
    const LayerTrace again = LoadLayerTraceYaml(YamlMap::LoadText(yaml, "imported.yaml"));
    const std::string difference = fuzz::LayerDifference(trace, again);
    if (!difference.empty()) {
      fuzz::ContractViolated("the trace YAML reads back different: " + difference + "\n" + yaml);
    }
  });
  return 0;
}
