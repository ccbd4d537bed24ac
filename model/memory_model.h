// Analytical model of one layer on the core with its memory system: the DRAM traffic of every
// tile (packed weights, scales and zero points, activations, FP32 outputs), whether the layer's
// regions fit half of each double-buffered buffer, the NoC packets of every reduction unit, the
// cycles with DRAM transfers overlapped with compute, the count of every event, and the energy
// breakdown from the config's energy table. The SystemC co-simulation counts the same events
// under the same rules and is checked against this prediction. docs/memory-model.md derives
// every formula.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "compiler/gemm_schedule.h"
#include "compiler/layer_trace.h"
#include "model/hardware_config.h"
#include "model/memory_layout.h"

namespace mixpe {

// One contiguous DRAM transfer. Every segment starts on a burst boundary and moves whole bursts.
struct DramRequest {
  DataPart part = DataPart::kWeightCodes;
  int64_t step = 0;  // the step it is loaded for, or in which its tile's outputs are finished
  bool write = false;
  int64_t address = 0;       // bytes; a multiple of burst_bytes
  int64_t bytes = 0;         // payload (what the buffer takes or gives)
  int64_t padded_bytes = 0;  // whole bursts: what crosses the memory interface
  int64_t ready_cycle = 0;   // issued no earlier (stores: when the tile's last output has
                             // reached the output buffer)
};

// The DRAM's timing rule (docs/memory-model.md, "DRAM"), the same as the co-simulation's DramCore
// (docs/cosim.md, section 2) for requests accepted at a batch's start (loads) or at their
// ready_cycle (stores). Times are absolute cycles; batches must not overlap.
class DramTimer {
 public:
  explicit DramTimer(const DramConfig& dram);
  // Cycles from `start_cycle` until the batch's last burst has crossed the interface; 0 for a
  // batch with no bursts. Request by request, in order, a request is accepted at
  // max(start_cycle, ready_cycle), and each of its bursts gets a column command at max(accepted,
  // the end of its bank's last row activation); a burst to another row than its bank's open one
  // first activates it (row_miss_cycles). Its data is ready latency_cycles after the command (and
  // the activation); the bursts cross the interface in order, burst_cycles each, each no earlier
  // than it is ready.
  int64_t Batch(const std::vector<DramRequest>& requests, int64_t start_cycle = 0);
  int64_t row_activations() const { return row_activations_; }

 private:
  DramConfig dram_;
  std::vector<int64_t> open_row_;        // per bank, -1: closed
  std::vector<int64_t> activation_end_;  // per bank: when its last row activation ends
  int64_t row_activations_ = 0;
};

// One packet on the NoC (docs/memory-model.md, "NoC"). Operands travel per reduction unit: for
// every unit of a tile, one packet per used array row with the row's slice of the unit's
// activation codes and scales, multicast to the row's PEs, then one per used column with the
// column's slice of the unit's weight codes, scales and zero points, multicast to the column's
// PEs. After the tile, one packet per used column carries its outputs back to the buffers.
struct NocPacket {
  DataPart part = DataPart::kActivationCodes;  // kActivationCodes: row `index` (codes and
                                               // scales); kWeightCodes: column `index` (codes,
                                               // scales, zero points); kOutputs: column `index`
  int index = 0;                               // array row or column (0-based within the tile)
  int64_t unit = 0;                            // the reduction unit within the tile; -1 for outputs
  int64_t bytes = 0;                           // payload
  int64_t flits = 0;                           // max(1, ceil(bytes / link_bytes))
  int64_t links = 0;    // links its route (a multicast tree under XY routing) crosses; 1 on a bus
  bool inbound = true;  // buffers -> array; false for outputs
};

// Everything the prediction counts. The co-simulation fills the same struct from its counters.
struct MemoryEvents {
  int64_t dram_read_bytes = 0;  // whole bursts
  int64_t dram_write_bytes = 0;
  int64_t dram_read_payload_bytes = 0;
  int64_t dram_write_payload_bytes = 0;
  int64_t dram_row_activations = 0;  // rows opened (no energy of their own)
  // Accesses x word_bits of each buffer (indexed by BufferKind): a load writes its segment's
  // words, each row's or column's stream reads the distinct words its unit slices touch, each
  // FP32 output is one word write, a store reads its tile's words, a tensor scale is read once.
  std::array<int64_t, kBufferKinds> sram_read_bits{};
  std::array<int64_t, kBufferKinds> sram_write_bits{};
  int64_t noc_flits = 0;         // flits injected or ejected (a multicast once)
  int64_t noc_flit_hops = 0;     // flits x links crossed
  int64_t pe_active_cycles = 0;  // PE-cycles with a useful MAC: M * N * K (on the RTL designs)
  int64_t pe_idle_cycles = 0;    // rows * cols * cycles - pe_active_cycles
  int64_t dequant_units = 0;     // unit sums dequantized: M * N * K / U (MixPE)
  int64_t dequant_elements = 0;  // weights dequantized on their own (the INT8 and FP16 baselines)
};

struct EnergyBreakdown {
  double core_pj = 0;     // PEs (active and idle cycles) and dequantization units
  double buffers_pj = 0;  // SRAM reads and writes of the four buffers
  double noc_pj = 0;
  double dram_pj = 0;
  double static_pj = 0;
  double TotalPj() const { return core_pj + buffers_pj + noc_pj + dram_pj + static_pj; }
};

// The energy of `events` over `cycles` with the config's energy table and NoC link width.
EnergyBreakdown ComputeEnergy(const HardwareConfig& config, const MemoryEvents& events,
                              int64_t cycles);

// One step of a layer (CoreSchedule::steps): a tile, or one chunk of its K when the plan splits
// K.
struct StepMemory {
  int64_t start_cycle = 0;        // b_t: the start of the step
  int64_t load_bytes = 0;         // payload loaded for it (0 for parts kept from the previous step)
  int64_t store_bytes = 0;        // its tile's outputs, in the tile's last step; 0 before
  int64_t compute_cycles = 0;     // c: units_per_step * unit_interval
  int64_t noc_cycles = 0;         // N_t: flits the NoC's busiest shared resource carries
  int64_t dram_cycles = 0;        // X_t: the DRAM batch of the step
  int64_t step_cycles = 0;        // max(c, N_t, X_t)
  int64_t output_done_cycle = 0;  // the tile's last FP32 output reaches the output buffer (in
                                  // the tile's last step; 0 before)
  std::array<int64_t, kBufferKinds> working_set_bytes{};  // payload each buffer holds for it
};

// The roofline of a layer on a config: the fewest cycles any schedule could take, bounded by the
// PEs (every PE busy every cycle: M x N x K / (rows x cols)) and by the DRAM (every byte of the
// layer's image moved once, payload only: its weights with their scales and zero points, its
// activations with theirs, its FP32 outputs, at bandwidth_bytes_per_cycle).
struct RooflineBound {
  int64_t compute_cycles = 0;
  int64_t compulsory_bytes = 0;
  int64_t memory_cycles = 0;
  int64_t cycles() const { return compute_cycles > memory_cycles ? compute_cycles : memory_cycles; }
  bool memory_bound() const { return memory_cycles > compute_cycles; }
};
RooflineBound RooflineOf(const HardwareConfig& config, const MemoryLayout& layout);

struct LayerMemoryPrediction {
  std::string layer;
  int64_t compute_cycles = 0;         // MixpeArray::CoreCycles: the core with an ideal memory
  int64_t cycles = 0;                 // with DRAM, buffers and NoC
  int64_t prologue_cycles = 0;        // loading step 0
  int64_t noc_first_unit_cycles = 0;  // W_0: flits of step 0's unit-0 packets, all delivered
                                      // before its first unit starts
  int64_t epilogue_cycles = 0;        // storing the last tile
  int64_t noc_fill_cycles = 0;        // F: hop latency to the farthest PE block
  int64_t noc_drain_cycles = 0;       // G: hop latency from the farthest dequantization unit
  int64_t dequant_gemm_cycles = 0;    // BitFusion, ANT: the extra GEMM their dequantization takes
                                      // after the layer (docs/baselines.md); in `cycles`
  std::vector<StepMemory> steps;
  // DRAM requests in issue order, one batch per phase: batch 0 loads step 0; batch i+1 runs in
  // step i (the loads of step i+1, then, if step i starts a tile, the store of the tile before);
  // the last stores the last tile.
  std::vector<std::vector<DramRequest>> dram_batches;
  MemoryEvents events;
  EnergyBreakdown energy;
  RooflineBound roofline;  // the layer's, whatever the schedule
};

// Throws InputError (naming the layer, the buffer's YAML key, the parts it holds and the sizes)
// if the regions a buffer half holds (MemoryLayout::buffer_bytes: one per part, as large as the
// part's largest segment, in whole words) exceed half of the buffer, and if `weight_group_bits`
// does not match the layer. `weight_group_bits` optionally gives the width of every weight group
// (N x K/G, output channel major, as bit_packing's block_bits) for mixed-precision formats;
// without it every group takes the format's widest width (an upper bound for intmix formats,
// exact for the others).
void CheckBuffersFit(const HardwareConfig& config, const LayerFormats& formats,
                     const CoreSchedule& schedule,
                     const std::vector<uint8_t>& weight_group_bits = {});

// The prediction for one layer: `schedule` is TileCoreGemm's for the layer with
// formats.unit; M, K and N are the schedule's. Runs CheckBuffersFit first.
LayerMemoryPrediction PredictLayerMemory(const HardwareConfig& config, const LayerFormats& formats,
                                         const CoreSchedule& schedule,
                                         const std::vector<uint8_t>& weight_group_bits = {});

// The NoC packets of step `step` of the schedule (a tile unless K is split): unit by unit, the
// rows' packets then the columns'; then, in the tile's last step, the outputs of every used
// column.
std::vector<NocPacket> StepNocPackets(const HardwareConfig& config, const LayerFormats& formats,
                                      const CoreSchedule& schedule, int64_t step,
                                      const std::vector<uint8_t>& weight_group_bits = {});

// A readable listing: a header line, one line per step, the events and the energy, e.g.
//   memory fc cycles=1234 compute=1000 prologue=120 epilogue=101 noc_fill=1 noc_drain=1
//       noc_first_unit=12 steps=2   (one line)
//   step 0 start=121 load=1024 store=64 compute=512 noc=40 dram=130 step=512
std::string FormatMemoryPrediction(const LayerMemoryPrediction& prediction);

}  // namespace mixpe
