// Parsing and validation of the hardware YAML; see hardware_config.h and docs/configuration.md.
#include "model/hardware_config.h"

#include <cctype>
#include <sstream>

#include "model/input_error.h"
#include "model/minifloat.h"
#include "model/yaml_fields.h"

namespace mixpe {
namespace {

// Why the PE cannot take `format`'s weight codes, or "" if it can. The PE multiplies a
// two's-complement code of up to pe.weight_bits bits (narrower codes are sign-extended), or, in
// its FP4 mode, an E2M1 code (4 bits).
std::string WeightFormatMismatch(const WeightFormat& format, int weight_bits) {
  const ElementType& e = format.element;
  if (e.is_float && e.fp != &kE2M1) {
    std::string element = e.fp->name;
    for (char& c : element) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return format.Name() + " has " + element +
           " elements, which the PE does not decode: it takes two's-complement integer codes, "
           "and E2M1 codes in its FP4 mode (of the MX and FP4 weight formats: mxint8, mxint4, "
           "mxfp4 and nvfp4)";
  }
  if (e.bits > weight_bits) {
    const std::string what =
        e.is_float ? "4-bit E2M1 codes (the PE's FP4 mode)" : std::to_string(e.bits) + "-bit codes";
    return format.Name() + " has " + what +
           ", wider than pe.weight_bits=" + std::to_string(weight_bits);
  }
  return "";
}

// Reads formats.weights or formats.activations: a non-empty list of distinct names, each parsed
// by `parse` (whose InputError message is kept) and checked by `mismatch` ("" when it fits).
template <typename Format, typename Parse, typename Mismatch>
void ReadFormatList(const YamlMap& formats, const std::string& key, Parse parse, Mismatch mismatch,
                    std::vector<std::string>* names, std::vector<Format>* parsed) {
  *names = formats.StringList(key);
  for (size_t i = 0; i < names->size(); ++i) {
    const std::string item = key + "[" + std::to_string(i) + "]";
    Format format;
    try {
      format = parse((*names)[i]);
    } catch (const InputError& e) {
      formats.Fail(item, e.what());
    }
    for (size_t j = 0; j < i; ++j) {
      if ((*parsed)[j].Name() == format.Name()) {
        formats.Fail(item, "'" + (*names)[i] + "' is listed twice (also " +
                               formats.KeyPath(key + "[" + std::to_string(j) + "]") + ")");
      }
    }
    const std::string why = mismatch(format);
    if (!why.empty()) formats.Fail(item, why);
    parsed->push_back(format);
  }
}

}  // namespace

int RequiredAccumulatorBits(int activation_bits, int weight_bits, int64_t max_k) {
  // Integer arithmetic: max_k <= 2^24, activation_bits <= 16 and weight_bits <= 8, so the bound is
  // at most 2^46 and fits easily in unsigned 64 bits.
  const uint64_t largest = static_cast<uint64_t>(max_k) << (activation_bits - 1 + weight_bits - 1);
  int bits = 1;
  while (bits < 64 && ((uint64_t{1} << (bits - 1)) - 1) < largest) ++bits;
  return bits;
}

int RequiredActivationBits(const ActivationFormat& format) {
  // The largest magnitude in units. INT8 per token also uses -128, one more than +127, which
  // two's complement gives for free: ceil(log2(127 + 1)) + 1 = 8 bits hold [-128, 127].
  const uint64_t largest = format.family == ActivationFamily::kFp16
                               ? uint64_t{2047} * 16  // aligned significand, 4 guard bits
                               : static_cast<uint64_t>(format.element.max_units());
  // ceil(log2(largest + 1)): the magnitude bits; one more for the sign.
  int magnitude_bits = 0;
  while ((uint64_t{1} << magnitude_bits) < largest + 1) ++magnitude_bits;
  return magnitude_bits + 1;
}

int DequantTermBits(int accumulator_bits, int weight_bits) {
  return accumulator_bits + weight_bits + 1 + 22 + 1;
}

HardwareConfig LoadHardwareConfig(const std::string& path) {
  const YamlMap root = YamlMap::LoadFile(path);
  root.RejectUnknownKeys({"version", "name", "array", "pe", "formats", "clock"});
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
  // The PE's limits (rtl/mixpe_pe.sv: ActBits in [2, 16]).
  config.activation_bits = static_cast<int>(pe.Int("activation_bits", 2, 16));
  config.max_k = pe.Int("max_k", 1, int64_t{1} << 24);
  config.accumulator_bits = static_cast<int>(pe.Int("accumulator_bits", 2, 64));
  const int needed =
      RequiredAccumulatorBits(config.activation_bits, config.weight_bits, config.max_k);
  if (config.accumulator_bits < needed) {
    std::ostringstream msg;
    msg << config.accumulator_bits
        << " bits is too narrow: a reduction unit of pe.max_k=" << config.max_k << " products of "
        << config.activation_bits << "-bit activations and " << config.weight_bits
        << "-bit weights needs at least " << needed << " bits";
    pe.Fail("accumulator_bits", msg.str());
  }
  const int term_bits = DequantTermBits(config.accumulator_bits, config.weight_bits);
  if (term_bits > kMaxDequantTermBits) {
    std::ostringstream msg;
    msg << config.accumulator_bits << " bits is too wide for the dequantization datapath: "
        << "accumulator_bits + weight_bits + 1 + 22 + 1 = " << term_bits << " exceeds "
        << kMaxDequantTermBits << " (rtl/mixpe_group_dequant.sv), so with " << config.weight_bits
        << "-bit weights at most " << kMaxDequantTermBits - (term_bits - config.accumulator_bits)
        << " bits";
    pe.Fail("accumulator_bits", msg.str());
  }

  const YamlMap formats = root.Map("formats");
  formats.RejectUnknownKeys({"weights", "activations"});
  ReadFormatList(
      formats, "weights", ParseWeightFormat,
      [&](const WeightFormat& f) { return WeightFormatMismatch(f, config.weight_bits); },
      &config.weight_format_names, &config.weight_formats);
  ReadFormatList(
      formats, "activations", ParseActivationFormat,
      [&](const ActivationFormat& f) -> std::string {
        const int bits = RequiredActivationBits(f);
        if (bits <= config.activation_bits) return "";
        return f.Name() + " needs " + std::to_string(bits) +
               "-bit signed activations (its element values in units" +
               (f.family == ActivationFamily::kFp16 ? ", aligned" : "") +
               "), wider than pe.activation_bits=" + std::to_string(config.activation_bits);
      },
      &config.activation_format_names, &config.activation_formats);

  const YamlMap clock = root.Map("clock");
  clock.RejectUnknownKeys({"frequency_mhz"});
  config.frequency_mhz = clock.Number("frequency_mhz", 1, 10000);
  return config;
}

bool HasFp4Weights(const HardwareConfig& config) {
  for (const WeightFormat& f : config.weight_formats) {
    if (f.element.is_float && f.element.bits == 4) return true;
  }
  return false;
}

std::string ShortDescription(const HardwareConfig& config) {
  std::ostringstream out;
  out << config.rows << "x" << config.cols << " W" << config.weight_bits << "A"
      << config.activation_bits << " acc" << config.accumulator_bits;
  return out.str();
}

}  // namespace mixpe
