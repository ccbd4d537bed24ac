// Parsing and validation of the hardware YAML; see hardware_config.h and docs/configuration.md.
#include "model/hardware_config.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
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

// Why a PE of `design` cannot run `format`'s weights, or "" if it can (on top of
// WeightFormatMismatch). The baselines dequantize each weight before the MAC: integer codes of a
// group with its scale; the INT8 one by an integer multiplier, so symmetric codes only.
std::string DesignWeightMismatch(const WeightFormat& format, PeDesign design) {
  if (design == PeDesign::kMixpe) return "";
  const std::string pe = std::string("a pe.design=") + PeDesignName(design) + " core";
  if (format.family != WeightFamily::kGroupInt) {
    return format.Name() + " has shared block scales; " + pe +
           " runs integer weights in groups (intB_gG, intB_gG_asym, intB_gch)";
  }
  if (!format.mixed_bits.empty()) {
    return format.Name() + " mixes code widths per group; " + pe + " runs one width a layer";
  }
  if (format.asymmetric && design == PeDesign::kInt8Mac) {
    return format.Name() + " has zero points; " + pe +
           " expands each code to INT8 by an integer group multiplier, symmetric codes only";
  }
  return "";
}

// The activation formats of each design: MixPE all; FP16 MAC FP16; the integer ones INT8 per
// token.
std::string DesignActivationMismatch(const ActivationFormat& format, PeDesign design) {
  if (design == PeDesign::kMixpe) return "";
  const bool fp16 = design == PeDesign::kFp16Mac;
  const ActivationFamily wanted = fp16 ? ActivationFamily::kFp16 : ActivationFamily::kInt8PerToken;
  if (format.family == wanted) return "";
  return std::string("a pe.design=") + PeDesignName(design) + " core takes " +
         (fp16 ? "fp16" : "int8_token") + " activations, not " + format.Name();
}

struct DesignWidths {
  std::vector<int> weight_bits;
  std::vector<int> activation_bits;  // empty: any of 2..16 (the formats decide)
};

// The pe widths each design is built for (rtl/mixpe_pe.sv: 2, 3, 4 or 8-bit codes).
DesignWidths WidthsOf(PeDesign design) {
  switch (design) {
    case PeDesign::kMixpe:
      return {{2, 3, 4, 8}, {}};
    case PeDesign::kInt8Mac:
      return {{2, 3, 4}, {8}};  // code x multiplier (<= 15) fits INT8
    case PeDesign::kFp16Mac:
      return {{2, 3, 4, 8}, {16}};
    case PeDesign::kBitFusion:
      return {{2, 4, 8}, {2, 4, 8}};  // whole 2-bit bricks
    case PeDesign::kAnt:
      return {{2, 3, 4}, {4, 8}};  // a 4-bit PE; 8-bit activations in two passes
  }
  return {};
}

std::string WidthList(const std::vector<int>& widths) {
  std::string out;
  for (size_t i = 0; i < widths.size(); ++i) {
    out += (i == 0 ? "" : i + 1 == widths.size() ? " or " : ", ") + std::to_string(widths[i]);
  }
  return out;
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

bool IsPowerOfTwo(int64_t v) { return v > 0 && (v & (v - 1)) == 0; }

// An integer in [lo, hi] that must also be a power of two (widths and counts that the hardware
// decodes from address bits).
int64_t PowerOfTwo(const YamlMap& map, const std::string& key, int64_t lo, int64_t hi) {
  const int64_t v = map.Int(key, lo, hi);
  if (!IsPowerOfTwo(v)) map.Fail(key, "expected a power of two, got " + std::to_string(v));
  return v;
}

DramConfig ReadDram(const YamlMap& dram) {
  dram.RejectUnknownKeys({"bandwidth_bytes_per_cycle", "latency_cycles", "burst_bytes", "banks",
                          "row_buffer_bytes", "row_miss_cycles"});
  DramConfig d;
  d.bandwidth_bytes_per_cycle = PowerOfTwo(dram, "bandwidth_bytes_per_cycle", 1, 4096);
  d.latency_cycles = dram.Int("latency_cycles", 0, 1000000);
  d.burst_bytes = PowerOfTwo(dram, "burst_bytes", 1, 1 << 20);
  if (d.burst_bytes < d.bandwidth_bytes_per_cycle) {
    dram.Fail("burst_bytes", "expected a multiple of " + dram.KeyPath("bandwidth_bytes_per_cycle") +
                                 "=" + std::to_string(d.bandwidth_bytes_per_cycle) +
                                 " (a burst takes whole cycles), got " +
                                 std::to_string(d.burst_bytes));
  }
  d.banks = static_cast<int>(PowerOfTwo(dram, "banks", 1, 1024));
  d.row_buffer_bytes = PowerOfTwo(dram, "row_buffer_bytes", 1, 1 << 24);
  if (d.row_buffer_bytes < d.burst_bytes) {
    dram.Fail("row_buffer_bytes", "expected a multiple of " + dram.KeyPath("burst_bytes") + "=" +
                                      std::to_string(d.burst_bytes) +
                                      " (whole bursts a row), got " +
                                      std::to_string(d.row_buffer_bytes));
  }
  d.row_miss_cycles = dram.Int("row_miss_cycles", 0, 100000);
  return d;
}

BufferConfig ReadBuffer(const YamlMap& buffer) {
  buffer.RejectUnknownKeys({"capacity_kib", "banks", "word_bits", "ports"});
  BufferConfig b;
  b.capacity_kib = buffer.Int("capacity_kib", 1, 1 << 20);
  // At least one bank for each half of the double buffer.
  b.banks = static_cast<int>(PowerOfTwo(buffer, "banks", 2, 65536));
  b.word_bits = static_cast<int>(PowerOfTwo(buffer, "word_bits", 8, 8192));
  b.ports = static_cast<int>(buffer.Int("ports", 1, 2));
  // Both factors are powers of two, so whole words per bank means a row of all banks fits.
  const int64_t row_bytes = int64_t{b.banks} * b.word_bits / 8;
  if (b.CapacityBytes() % row_bytes != 0) {
    std::ostringstream msg;
    msg << "expected a multiple of banks x word_bits = " << b.banks << " x " << b.word_bits
        << " bits = " << row_bytes << " bytes (every bank holds whole words), got "
        << b.CapacityBytes() << " bytes (" << b.capacity_kib << " KiB)";
    buffer.Fail("capacity_kib", msg.str());
  }
  return b;
}

NocConfig ReadNoc(const YamlMap& noc, const HardwareConfig& config) {
  noc.RejectUnknownKeys(
      {"topology", "link_bytes", "hop_latency_cycles", "mesh_columns", "mesh_rows", "lanes"});
  NocConfig n;
  const std::string topology = noc.Choice("topology", {"bus", "mesh"});
  n.topology = topology == "mesh" ? NocConfig::Topology::kMesh : NocConfig::Topology::kBus;
  n.link_bytes = static_cast<int>(PowerOfTwo(noc, "link_bytes", 1, 4096));
  n.hop_latency_cycles = static_cast<int>(noc.Int("hop_latency_cycles", 1, 1000));
  if (n.topology == NocConfig::Topology::kBus) {
    for (const char* key : {"mesh_columns", "mesh_rows"}) {
      if (noc.Has(key)) noc.Fail(key, "only for topology 'mesh' (this NoC is a bus)");
    }
    if (noc.Has("lanes")) n.lanes = static_cast<int>(noc.Int("lanes", 1, 1024));
    return n;
  }
  if (noc.Has("lanes"))
    noc.Fail("lanes", "only for topology 'bus' (a mesh link carries one flit a cycle)");
  // Each router serves a block of PEs: at least one PE column and one PE row.
  n.mesh_columns = static_cast<int>(noc.Int("mesh_columns", 1, 256));
  if (n.mesh_columns > config.cols) {
    noc.Fail("mesh_columns", "expected at most array.cols=" + std::to_string(config.cols) +
                                 " (each router serves at least one PE column), got " +
                                 std::to_string(n.mesh_columns));
  }
  n.mesh_rows = static_cast<int>(noc.Int("mesh_rows", 1, 256));
  if (n.mesh_rows > config.rows) {
    noc.Fail("mesh_rows", "expected at most array.rows=" + std::to_string(config.rows) +
                              " (each router serves at least one PE row), got " +
                              std::to_string(n.mesh_rows));
  }
  return n;
}

// Each half feeds the core at its full rate, or takes the DRAM's, so the cycle model has no buffer
// stalls (docs/memory-model.md).
void CheckBufferWidth(const YamlMap& buffers, const HardwareConfig& config, BufferKind kind) {
  const BufferConfig& b = config.memory.Buffer(kind);
  const int64_t core = CoreBufferBitsPerCycle(config, kind);
  const int64_t dram = config.memory.dram.bandwidth_bytes_per_cycle * 8;
  if (b.HalfBitsPerCycle() >= std::max(core, dram)) return;
  std::ostringstream msg;
  msg << "a half of " << b.banks / 2 << (b.banks == 2 ? " bank" : " banks") << " x " << b.word_bits
      << "-bit words x " << b.ports << (b.ports == 1 ? " port" : " ports") << " = "
      << b.HalfBitsPerCycle() << " bits a cycle cannot serve the core (" << core
      << " bits a cycle) and the DRAM (memory.dram.bandwidth_bytes_per_cycle x 8 = " << dram
      << " bits a cycle): needs " << std::max(core, dram);
  buffers.Fail(BufferKindName(kind), msg.str());
}

}  // namespace

int64_t CoreBufferBitsPerCycle(const HardwareConfig& config, BufferKind kind) {
  const int64_t rows = config.rows;
  const int64_t cols = config.cols;
  // A unit's side values are read once per unit; units start at least max(2R-1, (R+C)/2) cycles
  // apart (docs/cycle-model.md), whatever their length.
  const int64_t min_interval = std::max({int64_t{1}, 2 * rows - 1, (rows + cols) / 2});
  auto per_cycle = [min_interval](int64_t per_unit) {
    return (per_unit + min_interval - 1) / min_interval;
  };
  switch (kind) {
    case BufferKind::kWeights:
      return cols * config.weight_bits;
    case BufferKind::kActivations:
      // The codes, and each row's scale (at most 32 bits) with its unit.
      return rows * config.activation_bits + per_cycle(rows * 32);
    case BufferKind::kOutputs:
      return cols * 32;
    case BufferKind::kScales:
      // A scale and a zero point per column with its unit.
      return per_cycle(cols * (16 + config.weight_bits));
  }
  return 0;
}

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
  return LoadHardwareConfigYaml(YamlMap::LoadFile(path), path);
}

HardwareConfig LoadHardwareConfigYaml(const YamlMap& root, const std::string& path) {
  root.RejectUnknownKeys(
      {"version", "name", "array", "pe", "formats", "clock", "memory", "noc", "energy"});
  HardwareConfig config;
  config.source_file = root.file();
  root.Int("version", 1, 1);
  config.name = root.String("name");

  const YamlMap array = root.Map("array");
  array.RejectUnknownKeys({"rows", "cols", "dataflow"});
  config.rows = static_cast<int>(array.Int("rows", 1, 256));
  config.cols = static_cast<int>(array.Int("cols", 1, 256));
  array.Choice("dataflow", {"output_stationary"});
  config.dataflow = Dataflow::kOutputStationary;

  const YamlMap pe = root.Map("pe");
  pe.RejectUnknownKeys({"design", "weight_bits", "activation_bits", "accumulator_bits", "max_k"});
  const std::string design =
      pe.Choice("design", {"mixpe", "int8_mac", "fp16_mac", "bitfusion", "ant"});
  ParsePeDesign(design, &config.design);
  const DesignWidths widths = WidthsOf(config.design);
  const std::string for_design = std::string(" for pe.design=") + design;
  // Read wide, so that any unsupported width gets the message listing the supported ones.
  config.weight_bits = static_cast<int>(pe.Int("weight_bits", 0, 64));
  if (std::find(widths.weight_bits.begin(), widths.weight_bits.end(), config.weight_bits) ==
      widths.weight_bits.end()) {
    pe.Fail("weight_bits", "expected " + WidthList(widths.weight_bits) + for_design + ", got " +
                               std::to_string(config.weight_bits));
  }
  // The PE's limits (rtl/mixpe_pe.sv: ActBits in [2, 16]).
  config.activation_bits = static_cast<int>(pe.Int("activation_bits", 2, 16));
  if (!widths.activation_bits.empty() &&
      std::find(widths.activation_bits.begin(), widths.activation_bits.end(),
                config.activation_bits) == widths.activation_bits.end()) {
    pe.Fail("activation_bits", "expected " + WidthList(widths.activation_bits) + for_design +
                                   ", got " + std::to_string(config.activation_bits));
  }
  config.max_k = pe.Int("max_k", 1, int64_t{1} << 24);
  config.accumulator_bits = static_cast<int>(pe.Int("accumulator_bits", 2, 64));
  if (config.design == PeDesign::kFp16Mac && config.accumulator_bits != 32) {
    pe.Fail("accumulator_bits",
            "expected 32 for pe.design=fp16_mac (the PE accumulates in FP32), "
            "got " +
                std::to_string(config.accumulator_bits));
  }
  // What the integer PE multiplies: the INT8 baseline's weights are expanded to 8 bits.
  const int product_weight_bits = config.design == PeDesign::kInt8Mac ? 8 : config.weight_bits;
  const int needed =
      RequiredAccumulatorBits(config.activation_bits, product_weight_bits, config.max_k);
  if (config.design != PeDesign::kFp16Mac && config.accumulator_bits < needed) {
    std::ostringstream msg;
    msg << config.accumulator_bits
        << " bits is too narrow: a reduction unit of pe.max_k=" << config.max_k << " products of "
        << config.activation_bits << "-bit activations and " << product_weight_bits
        << "-bit weights needs at least " << needed << " bits";
    pe.Fail("accumulator_bits", msg.str());
  }
  const int term_bits = DequantTermBits(config.accumulator_bits, config.weight_bits);
  // The INT8 core dequantizes its sums with the same unit (rtl/mixpe_column_dequant.sv).
  const bool group_dequant =
      config.design == PeDesign::kMixpe || config.design == PeDesign::kInt8Mac;
  if (group_dequant && term_bits > kMaxDequantTermBits) {
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
      [&](const WeightFormat& f) {
        const std::string why = WeightFormatMismatch(f, config.weight_bits);
        return why.empty() ? DesignWeightMismatch(f, config.design) : why;
      },
      &config.weight_format_names, &config.weight_formats);
  ReadFormatList(
      formats, "activations", ParseActivationFormat,
      [&](const ActivationFormat& f) -> std::string {
        const std::string why = DesignActivationMismatch(f, config.design);
        if (!why.empty()) return why;
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

  const YamlMap memory = root.Map("memory");
  memory.RejectUnknownKeys({"dram", "buffers"});
  config.memory.dram = ReadDram(memory.Map("dram"));
  const YamlMap buffers = memory.Map("buffers");
  buffers.RejectUnknownKeys({"weights", "activations", "outputs", "scales"});
  for (BufferKind kind : kAllBufferKinds) {
    config.memory.buffers[static_cast<int>(kind)] = ReadBuffer(buffers.Map(BufferKindName(kind)));
  }
  for (BufferKind kind : kAllBufferKinds) CheckBufferWidth(buffers, config, kind);

  config.noc = ReadNoc(root.Map("noc"), config);

  // The energy table's path is relative to this file (or absolute); its own errors name it.
  const std::filesystem::path energy = root.String("energy");
  config.energy_file =
      (energy.is_absolute() ? energy : std::filesystem::path(path).parent_path() / energy)
          .lexically_normal()
          .string();
  try {
    config.energy = LoadEnergyTable(config.energy_file);
  } catch (const InputError& e) {
    root.Fail("energy", std::string("energy table: ") + e.what());
  }
  return config;
}

const char* PeDesignName(PeDesign design) {
  switch (design) {
    case PeDesign::kMixpe:
      return "mixpe";
    case PeDesign::kInt8Mac:
      return "int8_mac";
    case PeDesign::kFp16Mac:
      return "fp16_mac";
    case PeDesign::kBitFusion:
      return "bitfusion";
    case PeDesign::kAnt:
      return "ant";
  }
  return "";
}

bool ParsePeDesign(const std::string& name, PeDesign* design) {
  for (PeDesign d : {PeDesign::kMixpe, PeDesign::kInt8Mac, PeDesign::kFp16Mac, PeDesign::kBitFusion,
                     PeDesign::kAnt}) {
    if (name == PeDesignName(d)) {
      *design = d;
      return true;
    }
  }
  return false;
}

bool IsRtlDesign(PeDesign design) {
  return design == PeDesign::kMixpe || design == PeDesign::kInt8Mac || design == PeDesign::kFp16Mac;
}

PeThroughput ThroughputOf(const HardwareConfig& config) {
  PeThroughput t;
  if (config.design == PeDesign::kBitFusion) {
    // 16 bricks of 2 x 2 bits; a w x a product takes (w/2) x (a/2) of them.
    t.elements_per_cycle = 16 / ((config.weight_bits / 2) * (config.activation_bits / 2));
  } else if (config.design == PeDesign::kAnt) {
    t.cycles_per_element = ((config.weight_bits + 3) / 4) * ((config.activation_bits + 3) / 4);
  }
  return t;
}

double PeakMacsPerCycle(const HardwareConfig& config) {
  const PeThroughput t = ThroughputOf(config);
  return static_cast<double>(config.rows) * config.cols * t.elements_per_cycle /
         t.cycles_per_element;
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
  if (config.design != PeDesign::kMixpe) out << " " << PeDesignName(config.design);
  return out.str();
}

}  // namespace mixpe
