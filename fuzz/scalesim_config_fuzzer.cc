// Fuzz target: a SCALE-Sim hardware .cfg (ImportScaleSimConfig, compiler/scalesim_import.h) onto
// configs/default.yaml; it reads a path: the input goes to a scratch file. A config that imports
// must give YAML that loads as a hardware config.
#include <cstddef>
#include <cstdint>
#include <string>

#include "compiler/scalesim_import.h"
#include "fuzz/parser_contract.h"
#include "model/hardware_config.h"
#include "model/yaml_fields.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace mixpe;
  static const std::string kBase = MIXPE_SOURCE_DIR "/configs/default.yaml";
  static fuzz::ScratchFile file(".cfg");
  const std::string& path = file.Write(data, size);
  std::string yaml;
  const bool parsed =
      fuzz::ParsesOrRefuses(path, [&] { yaml = ImportScaleSimConfig(path, kBase); });
  if (!parsed) return 0;
  // Without an output path the energy table's path is absolute, so any name loads it.
  fuzz::MustSucceed("loading the imported config", [&] {
    LoadHardwareConfigYaml(YamlMap::LoadText(yaml, "imported.yaml"), "imported.yaml");
  });
  return 0;
}
