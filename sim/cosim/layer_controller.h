// LayerController<VCore>: the controller and DMA of the co-simulation. It executes one layer's
// CoreSchedule on the memory system (DramCore, four SramCores, NocCore) and the Verilated core,
// one cycle per Cycle() call, moving the real bytes of the layer's DRAM image
// (sim/cosim/layer_image.h):
//
//   DRAM --DMA, chunks--> buffer write halves --swap at a step--> read halves --per-unit reads-->
//   NoC packets (a row's to its mesh row, a column's to its mesh column) --> array edge, decoded
//   (EdgeDecoder) --> core ports; core outputs --NoC--> outputs buffer --DMA--> DRAM.
//
// The DMA runs a program in order, step by step (CoreSchedule::steps: a tile, or a chunk of its
// K): the loads of step 0; when step i takes the read halves, the loads of step i+1 and then, if
// step i starts a tile, the store of the tile before (issued once its outputs are all in the
// buffer); when the last unit has been read, the store of the last tile. A unit starts when the
// core allows it (its spacing) and all its packets have been delivered and decoded. Rules and the
// cycle order: docs/cosim.md; the analytical model of the same rules: docs/memory-model.md.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "compiler/gemm_schedule.h"
#include "compiler/layer_trace.h"
#include "model/core_operands.h"
#include "model/hardware_config.h"
#include "model/memory_layout.h"
#include "model/memory_model.h"
#include "sim/cosim/cosim_types.h"
#include "sim/cosim/dram_core.h"
#include "sim/cosim/edge_decoder.h"
#include "sim/cosim/noc_core.h"
#include "sim/cosim/sram_core.h"
#include "sim/verilated_core.h"

namespace mixpe {

// The memory system the controller drives.
struct CosimMemory {
  DramCore* dram = nullptr;
  std::array<SramCore*, kBufferKinds> buffers{};  // indexed by BufferKind
  NocCore* noc = nullptr;
};

template <class VCore>
class LayerController {
 public:
  // `image` is the layer's DRAM image, preloaded at address 0 by the caller. Everything given
  // must outlive the controller.
  LayerController(const HardwareConfig& config, const LayerFormats& formats,
                  const CoreSchedule& schedule, const MemoryLayout& layout, CosimMemory memory,
                  VerilatedCore<VCore>* core, const CosimOptions& options);

  // One cycle: consume what the components delivered, make this cycle's requests, clock the
  // core. The caller then steps the DRAM, the buffers and the NoC. Returns false once the layer
  // is done or has failed.
  bool Cycle();

  bool Done() const { return done_; }
  const std::string& error() const { return error_; }
  // The result, once Done() or failed: cycles, counters, energy. Outputs are read by the caller
  // from the DRAM image.
  CosimLayerResult Result() const;

 private:
  // A DMA transfer of one segment: a load into a buffer's write half, or a store of a tile's
  // outputs.
  struct DmaOp {
    bool store = false;
    int64_t owner = 0;  // loads: the step it is for; stores: the tile
    DataPart part = DataPart::kWeightCodes;
    int64_t address = 0;  // DRAM
    int64_t bytes = 0;
    int64_t issued = 0;         // bytes handed to the DRAM
    bool read_out = false;      // store: its bytes have been read out of the outputs buffer
    std::vector<uint8_t> data;  // store: the bytes read out
    int64_t words_read = 0;     // store: progress of the read-out
  };
  // A DRAM chunk in flight.
  struct Chunk {
    bool store = false;
    int64_t owner = 0;  // DmaOp's
    DataPart part = DataPart::kWeightCodes;
    int64_t offset = 0;  // within the segment
  };
  // Word writes of a completed load chunk into a buffer's write half.
  struct ChunkWrite {
    int64_t step = 0;
    BufferKind buffer = BufferKind::kWeights;
    int half = 0;
    int64_t first_word = 0;
    std::vector<uint8_t> data;  // whole words, zero-padded
    int64_t next = 0;           // words written
  };
  // One stream's read of a unit: the words of its slice, staged.
  struct StreamRead {
    DataPart part = DataPart::kWeightCodes;
    bool row = false;    // an array row's stream (activation parts), else a column's
    int index = 0;       // the row or column within the tile
    int bit_offset = 0;  // zero points: where the value starts in the slice's first byte
    BufferKind buffer = BufferKind::kWeights;
    int stream = 0;           // index into held_word_
    int64_t first_word = 0;   // of the slice
    int64_t slice_begin = 0;  // byte in the buffer half
    int64_t slice_bytes = 0;
    std::vector<uint8_t> words;  // words first_word.., as read (or held)
  };
  struct WordRead {
    int read = 0;  // index into unit_reads_
    int64_t word = 0;
    bool done = false;
  };
  struct PendingPacket {
    bool row = false;
    bool output = false;
    int64_t unit = 0;  // global unit (operand packets) or tile (outputs)
    int index = 0;     // row or column
    int64_t codes_bytes = 0;
    int64_t scale_bytes = 0;
    int64_t zero_point_bytes = 0;
    int zero_point_bit = 0;
    int destinations_left = 0;
  };
  struct OutputWrite {
    int64_t tile = 0;
    int64_t word = 0;  // in the outputs buffer (its two halves are one address space)
    int byte = 0;      // within the word
    uint8_t bytes[4] = {0, 0, 0, 0};  // the FP32 output, little-endian
  };
  // The read of a tensor scale into the dequantization units' registers.
  struct TensorScaleRead {
    DataPart part = DataPart::kWeightTensorScale;
    int64_t first_word = 0;
    int64_t offset = 0;  // of its first byte in the first word
    int64_t words = 0;
    int64_t read = 0;
    std::vector<uint8_t> data;
  };

  int64_t Now() const { return memory_.dram->Now(); }
  int64_t UnitsOfTile() const { return schedule_.units_per_tile; }
  int64_t UnitsOfStep() const { return schedule_.units_per_step(); }
  int64_t TotalUnits() const {
    return static_cast<int64_t>(schedule_.tiles.size()) * schedule_.units_per_tile;
  }
  SramCore& Buffer(BufferKind kind) { return *memory_.buffers[static_cast<int>(kind)]; }
  int WordBytes(BufferKind kind) const {
    return memory_.buffers[static_cast<int>(kind)]->word_bytes();
  }
  int64_t OutputHalfWords() const;

  void Fail(const std::string& message) {
    if (error_.empty()) error_ = message;
  }
  void Progress() { last_progress_ = Now(); }

  void EnqueueLoads(int64_t step);
  void EnqueueStore(int64_t tile);
  void ConsumeDram();
  void WriteChunks();
  void RunDma();
  void AdvanceStep();
  void StartTensorScales();
  void LoadTensorScales();
  void PrepareUnit();
  void ReadUnit();
  void SendUnit();
  void ConsumeNoc();
  void WriteOutputs();
  void ClockCore();
  void CheckWatchdog();
  std::string StuckComponent() const;

  const HardwareConfig& config_;
  LayerFormats formats_;
  const CoreSchedule& schedule_;
  const MemoryLayout& layout_;
  CosimMemory memory_;
  VerilatedCore<VCore>* core_;
  CosimOptions options_;

  CoreOperands operands_;  // what the core's ports read: filled by the decoder as units arrive
  std::unique_ptr<EdgeDecoder> decoder_;

  // NoC nodes: the buffers at 0; per array row and column the routers their packets go to.
  std::vector<std::vector<int>> row_nodes_;
  std::vector<std::vector<int>> column_nodes_;
  std::vector<int> column_source_;  // router (x(c), 0): a column's dequantization unit

  // DMA.
  std::deque<DmaOp> program_;
  std::unordered_map<uint64_t, Chunk> chunks_;
  uint64_t next_chunk_tag_ = 0;
  std::deque<ChunkWrite> chunk_writes_;
  std::vector<int64_t> chunks_left_;  // per step: load chunks not yet written into the buffers
  std::vector<bool> loads_enqueued_;  // per step
  std::vector<int64_t> store_chunks_left_;  // per tile
  int64_t chunk_bytes_ = 0;
  int64_t stores_done_ = 0;

  // The step on the read halves, units read and sent.
  int64_t current_step_ = -1;
  bool tensor_scales_loaded_ = false;
  std::vector<TensorScaleRead> tensor_scale_reads_;
  int64_t next_unit_ = 0;  // the next unit to read and send
  bool unit_reading_ = false;
  std::vector<StreamRead> unit_reads_;
  std::vector<WordRead> word_reads_;
  std::vector<int64_t> held_word_;  // per stream: the word its register holds (-1: none)
  std::vector<std::vector<uint8_t>> held_data_;  // per stream: that word's bytes

  // NoC.
  std::unordered_map<uint64_t, PendingPacket> packets_;
  uint64_t next_packet_tag_ = 0;
  std::vector<int> unit_packets_left_;  // per global unit

  // Outputs.
  std::deque<OutputWrite> output_writes_;
  std::vector<int64_t> outputs_written_;               // per tile
  std::array<int64_t, 2> output_half_tile_{{-1, -1}};  // the tile each half holds (-1: free)

  // Core.
  int64_t units_started_ = 0;
  int64_t first_start_ = -1;
  int64_t last_output_ = -1;

  // Counters not kept by the components.
  int64_t pe_active_ = 0;
  int64_t dequant_units_ = 0;
  int64_t dequant_elements_ = 0;
  int64_t dram_read_bytes_ = 0;  // whole bursts
  int64_t dram_write_bytes_ = 0;
  StallCycles stalls_;

  // Snapshots of the components' counters at the start of the layer.
  DramCounters dram_start_;
  std::array<SramCounters, kBufferKinds> sram_start_{};
  NocCounters noc_start_;
  int64_t start_cycle_ = 0;
  int64_t end_cycle_ = 0;
  int64_t last_progress_ = 0;
  bool done_ = false;
  std::string error_;
};

}  // namespace mixpe

#include "sim/cosim/layer_controller_impl.h"
