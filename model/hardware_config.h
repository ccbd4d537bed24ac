// HardwareConfig: the typed form of a hardware YAML (configs/*.yaml). Parsed and validated once;
// the RTL parameter generator, the golden model, the compiler and the simulator all read this
// struct.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "model/energy_table.h"
#include "model/quant_format.h"

namespace mixpe {

enum class Dataflow { kOutputStationary };

// pe.design: the PE the array is built of and where weights are dequantized (docs/configuration.md,
// "Designs").
//   kMixpe      shift-and-add products of low-bit codes, dequantized once per reduction unit
//               after its integer sum (rtl/mixpe_core.sv).
//   kInt8Mac    INT8 x INT8 multiplier PE; each weight is dequantized on its own, before the MAC,
//               to INT8 (its code times an integer group multiplier); one scale per output.
//   kFp16Mac    FP16 x FP16 multiply, FP32 accumulate; each weight is dequantized on its own to
//               FP16 before the MAC.
//   kBitFusion  BitFusion's fusion unit of 16 2-bit bricks (Sharma et al., ISCA 2018): 16 /
//               (w/2 x a/2) products a cycle for w-bit weights and a-bit activations.
//   kAnt        ANT's 4-bit PE (Guo et al., MICRO 2022): an 8-bit operand takes two passes.
// The last two exist in the analytical model only, with the reference's assumption for their
// dequantization: an extra GEMM of M x K x N/8 MACs per layer (docs/baselines.md).
enum class PeDesign { kMixpe, kInt8Mac, kFp16Mac, kBitFusion, kAnt };
// "mixpe", "int8_mac", "fp16_mac", "bitfusion", "ant": the names of pe.design.
const char* PeDesignName(PeDesign design);
// The design named `name` (as PeDesignName gives it); false if none is.
bool ParsePeDesign(const std::string& name, PeDesign* design);
// Whether the design's core exists in RTL (rtl/mixpe_core.sv: kMixpe, and kInt8Mac and kFp16Mac
// as its PeKind 1 and 2) and can be built and co-simulated; the others are analytical.
bool IsRtlDesign(PeDesign design);

// memory.dram: the off-chip memory behind one channel (docs/memory-model.md gives the timing
// rule). A batch of requests takes latency_cycles until its first data, then burst_cycles() per
// burst, plus row_miss_cycles wherever a burst must wait for its row to be opened. banks: 1 with
// row_miss_cycles: 0 is a flat DRAM.
struct DramConfig {
  int64_t bandwidth_bytes_per_cycle = 0;  // power of two
  int64_t latency_cycles = 0;
  int64_t burst_bytes = 0;  // power of two, a multiple of the bandwidth: a burst takes whole cycles
  int banks = 0;            // power of two; rows are interleaved over the banks
  int64_t row_buffer_bytes = 0;  // power of two, at least one burst
  int64_t row_miss_cycles = 0;   // precharge + activate of a closed or other row

  int64_t BurstCycles() const { return burst_bytes / bandwidth_bytes_per_cycle; }
};

// memory.buffers.<kind>: one on-chip SRAM buffer. Double buffered: the core works on one half
// while the DRAM fills (or drains) the other, so a tile may use at most half of the capacity. The
// halves are separate banks (banks / 2 each), so the core and the DRAM never meet at a bank.
struct BufferConfig {
  int64_t capacity_kib = 0;  // both halves
  int banks = 0;             // both halves: a power of two, at least 2
  int word_bits = 0;         // power of two, 8..8192; each bank holds whole words
  int ports = 0;             // accesses per bank per cycle: 1 or 2

  int64_t CapacityBytes() const { return capacity_kib * 1024; }
  int64_t HalfBytes() const { return CapacityBytes() / 2; }  // what one tile may use
  // What one half reads or writes in a cycle.
  int64_t HalfBitsPerCycle() const { return int64_t{banks} / 2 * word_bits * ports; }
};

struct MemoryConfig {
  DramConfig dram;
  std::array<BufferConfig, kBufferKinds> buffers;  // indexed by BufferKind

  const BufferConfig& Buffer(BufferKind kind) const { return buffers[static_cast<int>(kind)]; }
};

// noc: the network that carries operands from the buffers to the array and outputs back
// (docs/memory-model.md). A bus is one shared medium; a mesh is mesh_columns x mesh_rows routers
// with XY routing, the array cut into that many blocks of PEs, the buffers at router (0, 0).
struct NocConfig {
  enum class Topology { kBus, kMesh };
  Topology topology = Topology::kBus;
  int link_bytes = 0;  // flit width, power of two
  int hop_latency_cycles = 0;
  int mesh_columns = 1;  // mesh only (1 for a bus): at most array.cols
  int mesh_rows = 1;     // mesh only (1 for a bus): at most array.rows
  int lanes = 1;         // bus only: flits the bus carries a cycle (noc.lanes; absent: 1)
};

struct HardwareConfig {
  std::string source_file;  // where it was read from, for messages
  std::string name;

  // array
  int rows = 0;
  int cols = 0;
  Dataflow dataflow = Dataflow::kOutputStationary;

  // pe
  PeDesign design = PeDesign::kMixpe;
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

  MemoryConfig memory;
  NocConfig noc;
  // energy: the table's path as written is resolved against the config file's directory
  std::string energy_file;  // the resolved path
  EnergyTable energy;
};

// How fast a PE of the config's design consumes a reduction: it streams `elements_per_cycle`
// elements a cycle, or takes `cycles_per_element` cycles an element (one of the two is 1). 1 and 1
// for the RTL designs.
struct PeThroughput {
  int elements_per_cycle = 1;
  int cycles_per_element = 1;
  // The cycles `elements` elements of one reduction stream through a PE, rounded up.
  int64_t StreamCycles(int64_t elements) const {
    return (elements * cycles_per_element + elements_per_cycle - 1) / elements_per_cycle;
  }
};
PeThroughput ThroughputOf(const HardwareConfig& config);
// The MACs the whole array completes a cycle at best: rows x cols x the throughput. Utilization
// figures divide by it.
double PeakMacsPerCycle(const HardwareConfig& config);

// Reads and validates a hardware YAML. Throws InputError naming the file, the key and what was
// expected on any missing key, wrong type, unknown key or impossible value.
HardwareConfig LoadHardwareConfig(const std::string& path);
// The same for a YAML mapping already parsed (e.g. a base config with a design point's keys
// replaced); `root.file()` names it in messages, `path` is where relative paths (the energy
// table) start from.
class YamlMap;
HardwareConfig LoadHardwareConfigYaml(const YamlMap& root, const std::string& path);

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

// What the core reads from (outputs: writes to) a buffer in one cycle at most, in bits, for the
// buffer check of LoadHardwareConfig: weights cols * weight_bits; activations rows *
// activation_bits plus each row's scale with its unit (rows * 32); outputs cols * 32 (one FP32
// output per column); scales a unit's weight scale and zero point per column (cols * (16 +
// weight_bits)). Per-unit values are spread over the shortest unit interval max(2 * rows - 1,
// (rows + cols) / 2), rounded up. The DRAM side moves bandwidth_bytes_per_cycle * 8 bits a cycle
// into (outputs: out of) the other half; each half must serve both rates: HalfBitsPerCycle() >= max
// of the two.
int64_t CoreBufferBitsPerCycle(const HardwareConfig& config, BufferKind kind);

// "16x16 W4A8 acc32", for reports.
std::string ShortDescription(const HardwareConfig& config);

}  // namespace mixpe
