// Packing a layer's DRAM image; see layer_image.h.
#include "sim/cosim/layer_image.h"

#include <algorithm>
#include <cassert>
#include <cstring>

#include "model/baseline_gemm.h"
#include "model/bit_packing.h"

namespace mixpe {
namespace {

// Rows [first, last) of a tensor, with their blocks' widths, scales and zero points.
BlockedTensor SliceRows(const BlockedTensor& t, int64_t first, int64_t last) {
  BlockedTensor s;
  s.rows = last - first;
  s.k = t.k;
  s.block = t.block;
  s.unit_exponent = t.unit_exponent;
  s.scale_type = t.scale_type;
  s.tensor_scale_code = t.tensor_scale_code;
  s.codes.assign(t.codes.begin() + first * t.k, t.codes.begin() + last * t.k);
  const int64_t blocks = t.blocks_per_row();
  auto slice = [&](const auto& v, auto* out) {
    if (!v.empty()) out->assign(v.begin() + first * blocks, v.begin() + last * blocks);
  };
  slice(t.block_bits, &s.block_bits);
  slice(t.scale_codes, &s.scale_codes);
  slice(t.zero_points, &s.zero_points);
  if (!t.row_scale_codes.empty()) {
    s.row_scale_codes.assign(t.row_scale_codes.begin() + first, t.row_scale_codes.begin() + last);
  }
  return s;
}

// Elements [first, last) of K of every row, with their blocks' widths, scales and zero points:
// whole blocks, or one block of all of K that carries no per-block values (INT8 per token, FP16).
BlockedTensor SliceK(const BlockedTensor& t, int64_t first, int64_t last) {
  if (first == 0 && last == t.k) return t;
  const bool whole_blocks = first % t.block == 0 && last % t.block == 0;
  assert(
      (whole_blocks || (t.scale_codes.empty() && t.zero_points.empty() && t.block_bits.empty())) &&
      "a chunk of K cuts a block");
  BlockedTensor s = t;
  s.k = last - first;
  s.block = whole_blocks ? t.block : static_cast<int>(s.k);
  s.codes.clear();
  for (int64_t r = 0; r < t.rows; ++r) {
    s.codes.insert(s.codes.end(), t.codes.begin() + r * t.k + first,
                   t.codes.begin() + r * t.k + last);
  }
  s.units.clear();
  const int64_t blocks = t.blocks_per_row();
  auto slice = [&](const auto& v, auto* out) {
    out->clear();
    if (v.empty()) return;
    for (int64_t r = 0; r < t.rows; ++r) {
      out->insert(out->end(), v.begin() + r * blocks + first / t.block,
                  v.begin() + r * blocks + last / t.block);
    }
  };
  if (whole_blocks) {
    slice(t.block_bits, &s.block_bits);
    slice(t.scale_codes, &s.scale_codes);
    slice(t.scales, &s.scales);
    slice(t.zero_points, &s.zero_points);
  }
  return s;
}

// The INT8 design's weight scales of output channels [first, last) and elements [k0, k1) of K:
// per channel its FP16 scale S_n (little-endian), then a byte per group multiplier.
std::vector<uint8_t> TwoLevelScaleBytes(const TwoLevelWeights& t, int64_t first, int64_t last,
                                        int64_t k0, int64_t k1) {
  std::vector<uint8_t> bytes;
  const int64_t groups = t.expanded.k / t.group;
  for (int64_t n = first; n < last; ++n) {
    const uint32_t code = t.expanded.scale_codes[n];
    bytes.push_back(static_cast<uint8_t>(code & 0xFF));
    bytes.push_back(static_cast<uint8_t>(code >> 8));
    for (int64_t g = k0 / t.group; g < k1 / t.group; ++g) {
      bytes.push_back(t.multipliers[n * groups + g]);
    }
  }
  return bytes;
}

void Put(std::vector<uint8_t>* image, const MemoryLayout& layout, DataPart part, int64_t segment,
         const std::vector<uint8_t>& bytes) {
  assert(static_cast<int64_t>(bytes.size()) == layout.segment_bytes[PartIndex(part)][segment] &&
         "a packed segment differs from the layout's size");
  std::copy(bytes.begin(), bytes.end(),
            image->begin() + layout.segment_address[PartIndex(part)][segment]);
}

void AppendTo(std::vector<uint8_t>* out, const std::vector<uint8_t>& bytes) {
  out->insert(out->end(), bytes.begin(), bytes.end());
}

}  // namespace

std::vector<uint8_t> BuildLayerImage(const MemoryLayout& layout, const CoreSchedule& schedule,
                                     const LayerFormats& formats, const BlockedTensor& a,
                                     const BlockedTensor& w) {
  std::vector<uint8_t> image(static_cast<size_t>(layout.image_bytes), 0);
  const int weight_bits = formats.weights.element.bits;
  const int activation_bits = formats.activations.element.bits;
  // One segment per block of N-tiles (weights) and of M-tiles (activations) and chunk of K: each
  // chunk packed as a tensor of its own.
  const int64_t cols = schedule.block_n_tiles * schedule.array_cols;
  const int64_t rows = schedule.block_m_tiles * schedule.array_rows;
  const int64_t chunks = schedule.k_chunks;
  const int64_t chunk_k = layout.chunk_k;
  // The INT8 design's weights carry two-level scales (docs/numerics.md, section 12.1).
  TwoLevelWeights two_level;
  if (layout.channel_scale_bytes > 0) two_level = ToTwoLevelInt8(w);
  for (int64_t j = 0; j * cols < layout.n; ++j) {
    const int64_t last = std::min(layout.n, (j + 1) * cols);
    for (int64_t c = 0; c < chunks; ++c) {
      const BlockedTensor block =
          SliceK(SliceRows(w, j * cols, last), c * chunk_k, (c + 1) * chunk_k);
      const PackedTensor packed = PackTensor(block, weight_bits);
      const int64_t segment = j * chunks + c;
      Put(&image, layout, DataPart::kWeightCodes, segment, packed.codes);
      if (layout.channel_scale_bytes > 0) {
        Put(&image, layout, DataPart::kWeightScales, segment,
            TwoLevelScaleBytes(two_level, j * cols, last, c * chunk_k, (c + 1) * chunk_k));
      } else {
        Put(&image, layout, DataPart::kWeightScales, segment, packed.scales);
      }
      // Zero points: each output channel's byte-aligned, unlike the flat image's one stream.
      std::vector<uint8_t> zero_points;
      if (!w.zero_points.empty()) {
        for (int64_t n = 0; n < last - j * cols; ++n) {
          AppendTo(&zero_points, PackTensor(SliceRows(block, n, n + 1), weight_bits).zero_points);
        }
      }
      Put(&image, layout, DataPart::kZeroPoints, segment, zero_points);
    }
  }
  for (int64_t i = 0; i * rows < layout.m; ++i) {
    const int64_t last = std::min(layout.m, (i + 1) * rows);
    for (int64_t c = 0; c < chunks; ++c) {
      const PackedTensor packed = PackTensor(
          SliceK(SliceRows(a, i * rows, last), c * chunk_k, (c + 1) * chunk_k), activation_bits);
      const int64_t segment = i * chunks + c;
      Put(&image, layout, DataPart::kActivationCodes, segment, packed.codes);
      Put(&image, layout, DataPart::kActivationScales, segment,
          layout.token_scales ? packed.row_scales : packed.scales);
    }
  }
  const PackedTensor weight_tensor = PackTensor(SliceRows(w, 0, 0), weight_bits);
  const PackedTensor activation_tensor = PackTensor(SliceRows(a, 0, 0), activation_bits);
  if (layout.sizes.weight_tensor_scale > 0) {
    Put(&image, layout, DataPart::kWeightTensorScale, 0, weight_tensor.tensor_scale);
  }
  if (layout.sizes.activation_tensor_scale > 0) {
    Put(&image, layout, DataPart::kActivationTensorScale, 0, activation_tensor.tensor_scale);
  }
  return image;
}

std::vector<uint32_t> ReadLayerOutputs(const MemoryLayout& layout, const CoreSchedule& schedule,
                                       const std::vector<uint8_t>& image) {
  std::vector<uint32_t> y(static_cast<size_t>(layout.m * layout.n), 0);
  for (size_t t = 0; t < schedule.tiles.size(); ++t) {
    const ArrayTile& tile = schedule.tiles[t];
    const int64_t base = layout.segment_address[PartIndex(DataPart::kOutputs)][t];
    for (int r = 0; r < tile.rows_used; ++r) {
      for (int c = 0; c < tile.cols_used; ++c) {
        uint32_t bits;
        std::memcpy(&bits, &image[base + (int64_t{r} * tile.cols_used + c) * 4], 4);
        y[(tile.m0 + r) * layout.n + tile.n0 + c] = bits;  // little-endian host
      }
    }
  }
  return y;
}

}  // namespace mixpe
