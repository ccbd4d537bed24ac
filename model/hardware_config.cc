// Parsing and validation of the hardware YAML; see hardware_config.h and docs/configuration.md.
#include "model/hardware_config.h"

#include <sstream>

#include "model/yaml_fields.h"

namespace mixpe {

int RequiredAccumulatorBits(int activation_bits, int weight_bits, int64_t max_k) {
  // Work in long double-free integer arithmetic: max_k <= 2^24 and the widths are <= 8, so the
  // bound fits easily in unsigned 64 bits.
  const uint64_t largest = static_cast<uint64_t>(max_k) << (activation_bits - 1 + weight_bits - 1);
  int bits = 1;
  while (bits < 64 && ((uint64_t{1} << (bits - 1)) - 1) < largest) ++bits;
  return bits;
}

HardwareConfig LoadHardwareConfig(const std::string& path) {
  const YamlMap root = YamlMap::LoadFile(path);
  root.RejectUnknownKeys({"version", "name", "array", "pe", "clock"});
  HardwareConfig config;
  config.source_file = path;
  root.Int("version", 1, 1);
  config.name = root.String("name");

  const YamlMap array = root.Map("array");
  array.RejectUnknownKeys({"rows", "cols", "dataflow"});
  config.rows = static_cast<int>(array.Int("rows", 1, 256));
  config.cols = static_cast<int>(array.Int("cols", 1, 256));
  array.Choice("dataflow", {"output_stationary"});
  config.dataflow = Dataflow::kOutputStationary;

  const YamlMap pe = root.Map("pe");
  pe.RejectUnknownKeys({"weight_bits", "activation_bits", "accumulator_bits", "max_k"});
  // Read wide, so that any unsupported width gets the message listing the supported ones.
  config.weight_bits = static_cast<int>(pe.Int("weight_bits", 0, 64));
  if (config.weight_bits != 2 && config.weight_bits != 3 && config.weight_bits != 4 &&
      config.weight_bits != 8) {
    pe.Fail("weight_bits", "expected 2, 3, 4 or 8, got " + std::to_string(config.weight_bits));
  }
  config.activation_bits = static_cast<int>(pe.Int("activation_bits", 0, 64));
  if (config.activation_bits != 8) {
    pe.Fail("activation_bits",
            "expected 8 (signed INT8 activations), got " + std::to_string(config.activation_bits));
  }
  config.max_k = pe.Int("max_k", 1, int64_t{1} << 24);
  config.accumulator_bits = static_cast<int>(pe.Int("accumulator_bits", 2, 64));
  const int needed =
      RequiredAccumulatorBits(config.activation_bits, config.weight_bits, config.max_k);
  if (config.accumulator_bits < needed) {
    std::ostringstream msg;
    msg << config.accumulator_bits << " bits is too narrow: a sum of pe.max_k=" << config.max_k
        << " products of INT" << config.activation_bits << " activations and " << config.weight_bits
        << "-bit weights needs at least " << needed << " bits";
    pe.Fail("accumulator_bits", msg.str());
  }

  const YamlMap clock = root.Map("clock");
  clock.RejectUnknownKeys({"frequency_mhz"});
  config.frequency_mhz = clock.Number("frequency_mhz", 1, 10000);
  return config;
}

std::string ShortDescription(const HardwareConfig& config) {
  std::ostringstream out;
  out << config.rows << "x" << config.cols << " W" << config.weight_bits << "A"
      << config.activation_bits << " acc" << config.accumulator_bits;
  return out.str();
}

}  // namespace mixpe
