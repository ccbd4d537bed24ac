// MemoryLayout: where one layer's data sits, for a schedule and a hardware config. In DRAM, the
// packed image (docs/numerics.md, section 8) cut into one segment per use: per block of N-tiles
// for the weight parts, per block of M-tiles for the activation parts (compiler/gemm_schedule.h,
// TilePlan; a block is one tile unless the plan says otherwise), per tile for the outputs, one for
// each tensor scale. In each on-chip buffer half, one region per part it holds. And which bytes of
// a row's or column's stream each reduction unit takes. The analytical memory model
// (model/memory_model.h) and the co-simulation's controller (sim/cosim/) both read it, so they
// move the same bytes. docs/memory-model.md describes the layout.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "compiler/gemm_schedule.h"
#include "compiler/layer_trace.h"
#include "model/hardware_config.h"

namespace mixpe {

// The parts of a layer's memory image, in the order of their DRAM regions.
enum class DataPart {
  kWeightCodes,            // -> weights buffer
  kWeightScales,           // -> scales buffer
  kZeroPoints,             // -> scales buffer (asymmetric weights)
  kWeightTensorScale,      // -> scales buffer (NVFP4 weights: FP32), then a register
  kActivationCodes,        // -> activations buffer
  kActivationScales,       // -> activations buffer (per-token FP16, MX E8M0, NVFP4 E4M3)
  kActivationTensorScale,  // -> scales buffer (NVFP4 activations: FP32), then a register
  kOutputs,                // <- outputs buffer (FP32)
};
inline constexpr int kDataParts = 8;
inline constexpr std::array<DataPart, kDataParts> kAllDataParts = {
    DataPart::kWeightCodes,           DataPart::kWeightScales,    DataPart::kZeroPoints,
    DataPart::kWeightTensorScale,     DataPart::kActivationCodes, DataPart::kActivationScales,
    DataPart::kActivationTensorScale, DataPart::kOutputs};
const char* DataPartName(DataPart part);
BufferKind BufferOf(DataPart part);
inline int PartIndex(DataPart part) { return static_cast<int>(part); }

// What one array column (an output channel) and one array row (a token) carry in one chunk of K
// (all of K unless the plan splits it), in bytes of the packed image, each row and column
// byte-aligned.
struct LayerSizes {
  std::vector<int64_t> weight_column;      // codes of output channel n
  std::vector<int64_t> zero_point_column;  // zero points of output channel n (0: symmetric)
  // Their prefix sums, N + 1 each: the bytes of channels 0..n-1.
  std::vector<int64_t> weight_column_start;
  std::vector<int64_t> zero_point_column_start;
  int64_t weight_scale_column = 0;      // scales of one output channel
  int64_t weight_tensor_scale = 0;      // NVFP4: one FP32
  int64_t activation_row = 0;           // codes of one token
  int64_t activation_scale_row = 0;     // scales of one token
  int64_t activation_tensor_scale = 0;  // NVFP4: one FP32
};

// A byte range of a part's segment; for zero points also the bit where the value starts in its
// first byte.
struct ByteRange {
  int64_t begin = 0;
  int64_t end = 0;  // one past the last byte; begin == end: nothing
  int bit_offset = 0;
  int64_t bytes() const { return end - begin; }
};

struct MemoryLayout {
  // The layer and schedule it was made for.
  int64_t m = 0;
  int64_t k = 0;
  int64_t n = 0;
  int unit = 0;                    // U
  int64_t chunk_k = 0;             // elements of K per chunk (CoreSchedule::chunk_k; K unsplit)
  int group = 0;                   // G: elements of K per weight group (K for per-channel groups)
  int weight_bits = 0;             // the weight format's widest code
  int activation_bits = 0;         // the activation format's code width
  int weight_scale_bytes = 0;      // per group: 2 (FP16), 1 (E8M0, E4M3, the INT8 design's
                                   // group multiplier)
  int channel_scale_bytes = 0;     // per output channel and chunk, before its group values: 2 (the
                                   // INT8 design's FP16 channel scale S_n), 0 otherwise
  int activation_scale_bytes = 0;  // per block (MX E8M0, NVFP4 E4M3); 0 otherwise
  int activation_block = 0;        // elements of K per activation scale (MX, NVFP4); K otherwise
  bool token_scales = false;       // INT8 per token: one FP16 scale per row
  int array_rows = 0;
  int array_cols = 0;
  std::vector<uint8_t> group_bits;  // N x K/G widths of mixed-precision weights; empty: uniform

  LayerSizes sizes;
  // DRAM: segment i of part p is segment_bytes[p][i] bytes of payload at segment_address[p][i].
  // Each part's region starts on a DRAM row; each segment on a burst boundary.
  std::array<std::vector<int64_t>, kDataParts> segment_bytes;
  std::array<std::vector<int64_t>, kDataParts> segment_address;
  int64_t image_bytes = 0;  // the whole image, whole bursts
  // On chip: each part's region in one half of its buffer, word-aligned, as large as the part's
  // largest segment, in DataPart order within the buffer.
  std::array<int64_t, kDataParts> buffer_offset{};
  std::array<int64_t, kBufferKinds> buffer_bytes{};  // the regions of a half together, whole words

  int64_t groups_per_row() const { return k / group; }
  int64_t groups_per_chunk() const { return chunk_k / group; }
  int GroupBits(int64_t column, int64_t g) const {
    return group_bits.empty() ? weight_bits : group_bits[column * groups_per_row() + g];
  }
};

// Lays out a layer: `schedule` is TileCoreGemm's with formats.unit. `weight_group_bits` gives
// the width of every weight group (N x K/G, output-channel major, as bit_packing's block_bits)
// for mixed-precision formats; without it every group takes the format's widest width (an upper
// bound for intmix formats, exact for the others). Throws InputError if its size is wrong.
MemoryLayout LayOutMemory(const HardwareConfig& config, const LayerFormats& formats,
                          const CoreSchedule& schedule,
                          const std::vector<uint8_t>& weight_group_bits = {});

// Throws InputError naming the layer unless the schedule's k_chunks cuts K into chunks of whole
// reduction units, weight groups and activation scale blocks, in whole bytes, of weights of one
// width (docs/memory-model.md, "K chunks"). LayOutMemory checks it.
void CheckKChunks(const LayerFormats& formats, const CoreSchedule& schedule);

// The segment of `part` that step `step` (CoreSchedule::steps: a tile, or a chunk of its K)
// uses; for the outputs, its tile's.
int64_t SegmentOf(const CoreSchedule& schedule, DataPart part, int64_t step);

// Whether step `step` loads `part`: the weight parts when its segment (block of N-tiles and chunk)
// differs from the previous step's, the activation parts when its block of M-tiles or chunk does,
// the tensor scales with step 0.
bool LoadsPart(const CoreSchedule& schedule, DataPart part, int64_t step);

// Whether the outputs of the step's tile are finished in it: its last chunk.
bool StoresOutputs(const CoreSchedule& schedule, int64_t step);

// The bytes of each buffer that step `step` uses (its segments of the parts the buffer holds).
std::array<int64_t, kBufferKinds> WorkingSet(const MemoryLayout& layout,
                                             const CoreSchedule& schedule, int64_t step);

// The bytes of `part` that unit `u` (within the tile) of array column (weight parts) or row
// (activation parts) `index` of tile `t` takes, within the part's segment of the unit's step
// (every chunk's segment is laid out alike, so only the unit's place in its chunk matters):
//   weight codes        the unit's U codes;
//   weight scales       the scale of the unit's group, with the group's first unit only (the
//                       INT8 design: the group's multiplier, after the channel's FP16 scale with
//                       the chunk's first unit);
//   zero points         the byte(s) holding the group's zero point, with its first unit only;
//   activation codes    the unit's U codes;
//   activation scales   MX, NVFP4: the block's scale, with the block's first unit only;
//                       INT8 per token: the token's FP16 scale, with unit 0 only.
// Empty for the parts a row or column does not carry (tensor scales, outputs).
ByteRange UnitSlice(const MemoryLayout& layout, const CoreSchedule& schedule, DataPart part,
                    int64_t t, int index, int64_t u);

// The first byte of column (weight parts) or row (activation parts) `index` of tile `t` in the
// part's segments of tile `t` (the same in each chunk's).
int64_t StreamStart(const MemoryLayout& layout, const CoreSchedule& schedule, DataPart part,
                    int64_t t, int index);

}  // namespace mixpe
