// HardwareConfig: the typed form of a hardware YAML (configs/*.yaml). Parsed and validated once;
// the RTL parameter generator, the golden model, the compiler and the simulator all read this
// struct.
#pragma once

#include <cstdint>
#include <string>

namespace mixpe {

enum class Dataflow { kOutputStationary };

struct HardwareConfig {
  std::string source_file;  // where it was read from, for messages
  std::string name;

  // array
  int rows = 0;
  int cols = 0;
  Dataflow dataflow = Dataflow::kOutputStationary;

  // pe
  int weight_bits = 0;
  int activation_bits = 0;
  int accumulator_bits = 0;
  int64_t max_k = 0;

  // clock
  double frequency_mhz = 0;
};

// Reads and validates a hardware YAML. Throws InputError naming the file, the key and what was
// expected on any missing key, wrong type, unknown key or impossible value.
HardwareConfig LoadHardwareConfig(const std::string& path);

// The narrowest signed accumulator that holds the sum of `max_k` products of a signed
// `activation_bits` activation and a signed `weight_bits` weight, for every possible input.
// The largest magnitude is max_k * 2^(activation_bits-1) * 2^(weight_bits-1) (most negative times
// most negative), which must not exceed 2^(bits-1) - 1.
int RequiredAccumulatorBits(int activation_bits, int weight_bits, int64_t max_k);

// "16x16 W4A8 acc32", for reports.
std::string ShortDescription(const HardwareConfig& config);

}  // namespace mixpe
