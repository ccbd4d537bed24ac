// Fuzz target: the hardware YAML (LoadHardwareConfigYaml, model/hardware_config.h). The input is
// read as a file in configs/, so a relative `energy` key reaches the real tables under
// configs/energy/ and the whole config, energy table included, is validated.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz/parser_contract.h"
#include "model/hardware_config.h"
#include "model/yaml_fields.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace mixpe;
  static const std::string kPath = std::string(MIXPE_SOURCE_DIR) + "/configs/fuzz_input.yaml";
  HardwareConfig config;
  const bool parsed = fuzz::ParsesOrRefuses(kPath, [&] {
    config = LoadHardwareConfigYaml(YamlMap::LoadText(fuzz::AsText(data, size), kPath), kPath);
  });
  if (!parsed) return 0;
  // What every tool derives from a config right after loading it must hold for any valid one.
  fuzz::MustSucceed("the derived figures of a valid config", [&] {
    ShortDescription(config);
    PeakMacsPerCycle(config);
    HasFp4Weights(config);
    for (BufferKind kind : kAllBufferKinds) CoreBufferBitsPerCycle(config, kind);
  });
  return 0;
}
