// Fuzz target: a layer trace (LoadLayerTraceYaml, compiler/layer_trace.h), each layer's formats
// resolved on two configs; a trace that loads must also write back (WriteLayerTrace) to YAML that
// loads to the same layers.
#include <cstddef>
#include <cstdint>
#include <string>

#include "compiler/layer_trace.h"
#include "compiler/model_trace.h"
#include "fuzz/parser_contract.h"
#include "fuzz/same_layers.h"
#include "model/hardware_config.h"
#include "model/yaml_fields.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace mixpe;
  static const std::string kName = "fuzz_trace.yaml";
  // W4A16 with every format family, and a W4A8 one with INT8 activations only.
  static const HardwareConfig kConfigs[] = {
      LoadHardwareConfig(MIXPE_SOURCE_DIR "/configs/default.yaml"),
      LoadHardwareConfig(MIXPE_SOURCE_DIR "/tests/configs/array_4x4_w4.yaml")};
  LayerTrace trace;
  const bool parsed = fuzz::ParsesOrRefuses(kName, [&] {
    trace = LoadLayerTraceYaml(YamlMap::LoadText(fuzz::AsText(data, size), kName));
  });
  if (!parsed) return 0;
  for (const GemmLayer& layer : trace.layers) {
    for (const HardwareConfig& config : kConfigs) {
      fuzz::ParsesOrRefuses(kName, [&] { ResolveLayerFormats(layer, config); });
    }
  }
  fuzz::MustSucceed("the round trip through WriteLayerTrace", [&] {
    const std::string written = WriteLayerTrace(trace, "");
    const LayerTrace again = LoadLayerTraceYaml(YamlMap::LoadText(written, kName));
    const std::string difference = fuzz::LayerDifference(trace, again);
    if (!difference.empty()) {
      fuzz::ContractViolated("the trace reads back different: " + difference + "\n" + written);
    }
  });
  return 0;
}
