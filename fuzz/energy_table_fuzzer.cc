// Fuzz target: an energy table (LoadEnergyTableYaml, model/energy_table.h), the document a
// hardware YAML's `energy` key names.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz/parser_contract.h"
#include "model/energy_table.h"
#include "model/yaml_fields.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace mixpe;
  static const std::string kName = "fuzz_energy.yaml";
  fuzz::ParsesOrRefuses(
      kName, [&] { LoadEnergyTableYaml(YamlMap::LoadText(fuzz::AsText(data, size), kName)); });
  return 0;
}
