// HardwareConfig: the typed form of a hardware YAML (configs/*.yaml). Parsed and validated once;
// the RTL parameter generator, the golden model, the compiler and the simulator all read this
// struct.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/quant_format.h"

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
  int64_t max_k = 0;  // the longest reduction unit the accumulator holds exactly

  // formats: what the core runs, each checked against the PE widths. The first entry of each list
  // is the default of a trace layer that names none. Names as written in the YAML, and parsed.
  std::vector<std::string> weight_format_names;
  std::vector<WeightFormat> weight_formats;
  std::vector<std::string> activation_format_names;
  std::vector<ActivationFormat> activation_formats;

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

// The narrowest signed integer that holds every element value of `format` in units
// (docs/numerics.md, section 2), as the PE's activation port carries it: ceil(log2(max+1)) + 1
// for a largest magnitude `max`, where INT8's -128 still fits in 8 bits. FP16 activations enter
// aligned (section 6): |A| <= 32752, 16 bits.
int RequiredActivationBits(const ActivationFormat& format);

// The widest signed term the dequantization datapath forms (rtl/mixpe_group_dequant.sv):
// D_u = P_u - z_u * S_u takes accumulator_bits + weight_bits + 1 bits (the zero point is a
// weight code), and D_u times the 22-bit product of two 11-bit scale significands one more:
// accumulator_bits + weight_bits + 1 + 22 + 1. It must be at most kMaxDequantTermBits.
int DequantTermBits(int accumulator_bits, int weight_bits);
inline constexpr int kMaxDequantTermBits = 62;

// Whether any of the config's weight formats has E2M1 codes (MXFP4, NVFP4): the PE is then built
// with its FP4 mode (rtl/mixpe_shift_add_mul.sv, parameter Fp4Weights).
bool HasFp4Weights(const HardwareConfig& config);

// "16x16 W4A8 acc32", for reports.
std::string ShortDescription(const HardwareConfig& config);

}  // namespace mixpe
