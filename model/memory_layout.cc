// Where a layer's data sits in DRAM and in the buffers; see memory_layout.h.
#include "model/memory_layout.h"

#include <algorithm>
#include <string>

#include "model/input_error.h"

namespace mixpe {
namespace {

int64_t CeilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }
int64_t RoundUp(int64_t a, int64_t b) { return CeilDiv(a, b) * b; }

void CheckGroupBits(const WeightFormat& w, const CoreSchedule& s, int64_t groups,
                    const std::vector<uint8_t>& group_bits) {
  if (group_bits.empty()) return;
  const int widest = w.element.bits;
  if (static_cast<int64_t>(group_bits.size()) != s.n * groups) {
    throw InputError("layer " + s.layer + ": " + std::to_string(group_bits.size()) +
                     " weight group widths given, but N x K/G = " + std::to_string(s.n) + " x " +
                     std::to_string(groups) + " = " + std::to_string(s.n * groups) + " groups of " +
                     w.Name());
  }
  for (uint8_t b : group_bits) {
    if (b < 1 || b > widest) {
      throw InputError("layer " + s.layer + ": a weight group width of " + std::to_string(b) +
                       " bits, outside [1, " + std::to_string(widest) + "] of " + w.Name());
    }
  }
}

// The sizes of one chunk of K (all of K when it is not split): a chunk is laid out as a layer of
// K = chunk_k.
LayerSizes SizesOf(const MemoryLayout& l, bool zero_points) {
  LayerSizes z;
  const int64_t groups = l.groups_per_chunk();
  z.weight_column.resize(static_cast<size_t>(l.n));
  z.zero_point_column.resize(static_cast<size_t>(l.n));
  if (l.group_bits.empty()) {
    // Every group has the format's width, so every column has the same bytes: computed once, not
    // per column and group (the mapper lays a layer out for every candidate it weighs).
    const int64_t code_bits = groups * l.group * l.weight_bits;
    const int64_t zero_bits = groups * l.weight_bits;
    std::fill(z.weight_column.begin(), z.weight_column.end(), CeilDiv(code_bits, 8));
    std::fill(z.zero_point_column.begin(), z.zero_point_column.end(),
              zero_points ? CeilDiv(zero_bits, 8) : 0);
  } else {
    for (int64_t n = 0; n < l.n; ++n) {
      int64_t code_bits = 0;
      int64_t zero_bits = 0;
      for (int64_t g = 0; g < groups; ++g) {
        code_bits += int64_t{l.group} * l.GroupBits(n, g);
        zero_bits += l.GroupBits(n, g);
      }
      z.weight_column[n] = CeilDiv(code_bits, 8);
      z.zero_point_column[n] = zero_points ? CeilDiv(zero_bits, 8) : 0;
    }
  }
  z.weight_column_start.assign(static_cast<size_t>(l.n + 1), 0);
  z.zero_point_column_start.assign(static_cast<size_t>(l.n + 1), 0);
  for (int64_t n = 0; n < l.n; ++n) {
    z.weight_column_start[n + 1] = z.weight_column_start[n] + z.weight_column[n];
    z.zero_point_column_start[n + 1] = z.zero_point_column_start[n] + z.zero_point_column[n];
  }
  z.weight_scale_column = l.channel_scale_bytes + groups * l.weight_scale_bytes;
  z.activation_row = CeilDiv(l.chunk_k * l.activation_bits, 8);
  z.activation_scale_row = l.token_scales
                               ? 2
                               : (l.activation_scale_bytes == 0
                                      ? 0
                                      : l.chunk_k / l.activation_block * l.activation_scale_bytes);
  return z;
}

}  // namespace

void CheckKChunks(const LayerFormats& formats, const CoreSchedule& s) {
  if (s.k_chunks == 1) return;
  const WeightFormat& w = formats.weights;
  const ActivationFormat& a = formats.activations;
  const int64_t chunk = s.chunk_k();
  const std::string what = "layer " + s.layer + ": k_chunks=" + std::to_string(s.k_chunks) +
                           " cuts K=" + std::to_string(s.k) + " into chunks of " +
                           std::to_string(chunk);
  if (!w.mixed_bits.empty()) {
    throw InputError(what + ", but the groups of " + w.Name() +
                     " have their own widths, so chunks would differ in size; K is split only "
                     "for uniform widths");
  }
  const int64_t group = w.GroupSizeFor(s.k);
  if (chunk % group != 0) {
    throw InputError(what + ", not whole weight groups of " + std::to_string(group) + " (" +
                     w.Name() + ")");
  }
  const bool block_scales =
      a.family == ActivationFamily::kMx || a.family == ActivationFamily::kNvFp4;
  if (block_scales && chunk % a.block_size != 0) {
    throw InputError(what + ", not whole activation scale blocks of " +
                     std::to_string(a.block_size) + " (" + a.Name() + ")");
  }
  if (chunk % s.unit != 0 || chunk * w.element.bits % 8 != 0 || chunk * a.element.bits % 8 != 0) {
    throw InputError(what + ", not whole reduction units of " + std::to_string(s.unit) +
                     " in whole bytes of every row and column");
  }
}

const char* DataPartName(DataPart part) {
  switch (part) {
    case DataPart::kWeightCodes:
      return "weight_codes";
    case DataPart::kWeightScales:
      return "weight_scales";
    case DataPart::kZeroPoints:
      return "zero_points";
    case DataPart::kWeightTensorScale:
      return "weight_tensor_scale";
    case DataPart::kActivationCodes:
      return "activation_codes";
    case DataPart::kActivationScales:
      return "activation_scales";
    case DataPart::kActivationTensorScale:
      return "activation_tensor_scale";
    case DataPart::kOutputs:
      return "outputs";
  }
  return "?";
}

BufferKind BufferOf(DataPart part) {
  switch (part) {
    case DataPart::kWeightCodes:
      return BufferKind::kWeights;
    case DataPart::kActivationCodes:
    case DataPart::kActivationScales:
      return BufferKind::kActivations;
    case DataPart::kOutputs:
      return BufferKind::kOutputs;
    default:
      return BufferKind::kScales;
  }
}

int64_t SegmentOf(const CoreSchedule& s, DataPart part, int64_t step) {
  const int64_t t = s.TileOfStep(step);
  const int64_t chunk = s.ChunkOfStep(step);
  const ArrayTile& tile = s.tiles[t];
  switch (part) {
    case DataPart::kWeightCodes:
    case DataPart::kWeightScales:
    case DataPart::kZeroPoints:
      return s.NBlockOf(tile.n0) * s.k_chunks + chunk;
    case DataPart::kActivationCodes:
    case DataPart::kActivationScales:
      return s.MBlockOf(tile.m0) * s.k_chunks + chunk;
    case DataPart::kWeightTensorScale:
    case DataPart::kActivationTensorScale:
      return 0;
    case DataPart::kOutputs:
      return t;
  }
  return 0;
}

bool LoadsPart(const CoreSchedule& s, DataPart part, int64_t step) {
  if (part == DataPart::kOutputs) return false;
  if (step == 0) return true;
  if (part == DataPart::kWeightTensorScale || part == DataPart::kActivationTensorScale) {
    return false;
  }
  return SegmentOf(s, part, step) != SegmentOf(s, part, step - 1);
}

bool StoresOutputs(const CoreSchedule& s, int64_t step) {
  return s.ChunkOfStep(step) == s.k_chunks - 1;
}

MemoryLayout LayOutMemory(const HardwareConfig& config, const LayerFormats& formats,
                          const CoreSchedule& s, const std::vector<uint8_t>& weight_group_bits) {
  const WeightFormat& w = formats.weights;
  const ActivationFormat& a = formats.activations;
  MemoryLayout l;
  l.m = s.m;
  l.k = s.k;
  l.n = s.n;
  l.unit = s.unit;
  l.group = w.GroupSizeFor(s.k);
  l.weight_bits = w.element.bits;
  l.activation_bits = a.element.bits;
  l.weight_scale_bytes = ScaleBytes(w.scale_type());
  if (config.design == PeDesign::kInt8Mac) {
    // Two-level scales (docs/numerics.md, section 12.1): a byte per group multiplier, after the
    // channel's FP16 scale.
    l.weight_scale_bytes = 1;
    l.channel_scale_bytes = 2;
  }
  l.token_scales = a.family == ActivationFamily::kInt8PerToken;
  const bool block_scales =
      a.family == ActivationFamily::kMx || a.family == ActivationFamily::kNvFp4;
  l.activation_scale_bytes = block_scales ? ScaleBytes(a.scale_type()) : 0;
  l.activation_block = block_scales ? a.block_size : static_cast<int>(s.k);
  l.array_rows = s.array_rows;
  l.array_cols = s.array_cols;
  l.chunk_k = s.chunk_k();
  CheckGroupBits(w, s, s.k / l.group, weight_group_bits);
  CheckKChunks(formats, s);
  l.group_bits = weight_group_bits;
  l.sizes = SizesOf(l, w.asymmetric);
  l.sizes.weight_tensor_scale = w.family == WeightFamily::kNvFp4 ? 4 : 0;
  l.sizes.activation_tensor_scale = a.family == ActivationFamily::kNvFp4 ? 4 : 0;
  const LayerSizes& z = l.sizes;

  // One segment per block of N-tiles (weight parts) and of M-tiles (activation parts), and per
  // chunk of K within it: segment j * k_chunks + c holds chunk c of block j. Chunks are alike.
  auto& bytes = l.segment_bytes;
  const int64_t block_cols = s.block_n_tiles * s.array_cols;
  const int64_t block_rows = s.block_m_tiles * s.array_rows;
  for (int64_t j = 0; j * block_cols < s.n; ++j) {
    int64_t codes = 0;
    int64_t zeros = 0;
    for (int64_t n = j * block_cols; n < std::min(s.n, (j + 1) * block_cols); ++n) {
      codes += z.weight_column[n];
      zeros += z.zero_point_column[n];
    }
    const int64_t cols = std::min<int64_t>(block_cols, s.n - j * block_cols);
    for (int64_t c = 0; c < s.k_chunks; ++c) {
      bytes[PartIndex(DataPart::kWeightCodes)].push_back(codes);
      bytes[PartIndex(DataPart::kWeightScales)].push_back(cols * z.weight_scale_column);
      bytes[PartIndex(DataPart::kZeroPoints)].push_back(zeros);
    }
  }
  bytes[PartIndex(DataPart::kWeightTensorScale)].push_back(z.weight_tensor_scale);
  for (int64_t i = 0; i * block_rows < s.m; ++i) {
    const int64_t rows = std::min<int64_t>(block_rows, s.m - i * block_rows);
    for (int64_t c = 0; c < s.k_chunks; ++c) {
      bytes[PartIndex(DataPart::kActivationCodes)].push_back(rows * z.activation_row);
      bytes[PartIndex(DataPart::kActivationScales)].push_back(rows * z.activation_scale_row);
    }
  }
  bytes[PartIndex(DataPart::kActivationTensorScale)].push_back(z.activation_tensor_scale);
  for (const ArrayTile& tile : s.tiles) {
    bytes[PartIndex(DataPart::kOutputs)].push_back(int64_t{tile.rows_used} * tile.cols_used * 4);
  }

  // DRAM: regions in DataPart order, each from a row boundary; segments on burst boundaries.
  const DramConfig& dram = config.memory.dram;
  int64_t cursor = 0;
  for (DataPart part : kAllDataParts) {
    cursor = RoundUp(cursor, dram.row_buffer_bytes);
    for (int64_t b : bytes[PartIndex(part)]) {
      l.segment_address[PartIndex(part)].push_back(cursor);
      cursor += RoundUp(b, dram.burst_bytes);
    }
  }
  l.image_bytes = RoundUp(cursor, dram.burst_bytes);

  // On chip: per buffer, regions in DataPart order, each word-aligned, as large as the largest
  // segment of its part.
  for (DataPart part : kAllDataParts) {
    const int kind = static_cast<int>(BufferOf(part));
    const int64_t word_bytes = config.memory.buffers[kind].word_bits / 8;
    const std::vector<int64_t>& b = bytes[PartIndex(part)];
    const int64_t largest = b.empty() ? 0 : *std::max_element(b.begin(), b.end());
    l.buffer_offset[PartIndex(part)] = l.buffer_bytes[kind];
    l.buffer_bytes[kind] += RoundUp(largest, word_bytes);
  }
  return l;
}

std::array<int64_t, kBufferKinds> WorkingSet(const MemoryLayout& l, const CoreSchedule& s,
                                             int64_t step) {
  std::array<int64_t, kBufferKinds> ws{};
  for (DataPart part : kAllDataParts) {
    ws[static_cast<int>(BufferOf(part))] +=
        l.segment_bytes[PartIndex(part)][SegmentOf(s, part, step)];
  }
  return ws;
}

int64_t StreamStart(const MemoryLayout& l, const CoreSchedule& s, DataPart part, int64_t t,
                    int index) {
  const ArrayTile& tile = s.tiles[t];
  const LayerSizes& z = l.sizes;
  // The column's place in its block of N-tiles, the row's in its block of M-tiles.
  const int64_t block_n0 = s.NBlockOf(tile.n0) * s.block_n_tiles * s.array_cols;
  const int64_t column = tile.n0 + index;
  const int64_t row_in_block =
      tile.m0 + index - s.MBlockOf(tile.m0) * s.block_m_tiles * s.array_rows;
  switch (part) {
    case DataPart::kWeightCodes:
      return z.weight_column_start[column] - z.weight_column_start[block_n0];
    case DataPart::kZeroPoints:
      return z.zero_point_column_start[column] - z.zero_point_column_start[block_n0];
    case DataPart::kWeightScales:
      return (column - block_n0) * z.weight_scale_column;
    case DataPart::kActivationCodes:
      return row_in_block * z.activation_row;
    case DataPart::kActivationScales:
      return row_in_block * z.activation_scale_row;
    default:
      return 0;
  }
}

ByteRange UnitSlice(const MemoryLayout& l, const CoreSchedule& s, DataPart part, int64_t t,
                    int index, int64_t u) {
  ByteRange r;
  // The unit's first element of K within its chunk: every chunk's segment is laid out alike.
  const int64_t k0 = u * l.unit % l.chunk_k;
  const int64_t start = StreamStart(l, s, part, t, index);
  switch (part) {
    case DataPart::kWeightCodes:
    case DataPart::kZeroPoints: {
      const bool codes = part == DataPart::kWeightCodes;
      if (!codes && l.sizes.zero_point_column[s.tiles[t].n0 + index] == 0) return r;
      const int64_t column = s.tiles[t].n0 + index;
      const int64_t g = k0 / l.group;
      if (!codes && k0 % l.group != 0) return r;
      // The bits of the column's groups before g: with uniform widths a product, else a sum.
      int64_t bit = 0;
      if (l.group_bits.empty()) {
        bit = g * (codes ? int64_t{l.group} : 1) * l.weight_bits;
      } else {
        for (int64_t h = 0; h < g; ++h)
          bit += (codes ? int64_t{l.group} : 1) * l.GroupBits(column, h);
      }
      const int bits = l.GroupBits(column, g);
      if (codes) bit += (k0 - g * l.group) * bits;
      const int64_t length = codes ? int64_t{l.unit} * bits : bits;
      r.begin = start + bit / 8;
      r.end = start + CeilDiv(bit + length, 8);
      r.bit_offset = static_cast<int>(bit % 8);
      return r;
    }
    case DataPart::kWeightScales:
      if (k0 % l.group != 0 || l.weight_scale_bytes == 0) return r;
      r.begin = start + l.channel_scale_bytes + k0 / l.group * l.weight_scale_bytes;
      r.end = r.begin + l.weight_scale_bytes;
      if (k0 == 0) r.begin = start;  // the chunk's first unit takes the channel scale too
      return r;
    case DataPart::kActivationCodes:
      r.begin = start + k0 * l.activation_bits / 8;
      r.end = start + CeilDiv((k0 + l.unit) * l.activation_bits, 8);
      return r;
    case DataPart::kActivationScales:
      if (l.token_scales) {
        if (u != 0) return r;
        r.begin = start;
        r.end = start + 2;
        return r;
      }
      if (l.activation_scale_bytes == 0 || k0 % l.activation_block != 0) return r;
      r.begin = start + k0 / l.activation_block * l.activation_scale_bytes;
      r.end = r.begin + l.activation_scale_bytes;
      return r;
    default:
      return r;
  }
}

}  // namespace mixpe
