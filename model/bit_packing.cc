// Packing of quantized tensors into their memory image; see bit_packing.h.
#include "model/bit_packing.h"

#include <cstring>

#include "model/input_error.h"

namespace mixpe {
namespace {

// Appends codes to a little-endian bit stream.
class BitWriter {
 public:
  void Write(uint32_t code, int bits) {
    for (int i = 0; i < bits; ++i) {
      if (bit_ % 8 == 0) bytes_.push_back(0);
      bytes_.back() |= static_cast<uint8_t>(((code >> i) & 1u) << (bit_ % 8));
      ++bit_;
    }
  }
  void AlignToByte() { bit_ = (bit_ + 7) / 8 * 8; }
  std::vector<uint8_t> Take() { return std::move(bytes_); }

 private:
  std::vector<uint8_t> bytes_;
  size_t bit_ = 0;
};

class BitReader {
 public:
  explicit BitReader(const std::vector<uint8_t>& bytes) : bytes_(bytes) {}
  uint32_t Read(int bits) {
    uint32_t code = 0;
    for (int i = 0; i < bits; ++i, ++bit_) {
      if (bit_ / 8 >= bytes_.size()) throw InputError("packed data ends early");
      code |= static_cast<uint32_t>((bytes_[bit_ / 8] >> (bit_ % 8)) & 1u) << i;
    }
    return code;
  }
  void AlignToByte() { bit_ = (bit_ + 7) / 8 * 8; }

 private:
  const std::vector<uint8_t>& bytes_;
  size_t bit_ = 0;
};

void AppendLittleEndian(std::vector<uint8_t>* out, uint32_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) out->push_back(static_cast<uint8_t>(value >> (8 * i)));
}

uint32_t ReadLittleEndian(const std::vector<uint8_t>& in, size_t offset, int bytes) {
  if (offset + bytes > in.size()) throw InputError("packed scales end early");
  uint32_t value = 0;
  for (int i = 0; i < bytes; ++i) value |= static_cast<uint32_t>(in[offset + i]) << (8 * i);
  return value;
}

}  // namespace

int32_t SignedValue(uint32_t code, int bits) {
  const int32_t v = static_cast<int32_t>(code & ((1u << bits) - 1u));
  return v >= (1 << (bits - 1)) ? v - (1 << bits) : v;
}

std::vector<uint8_t> PackCodes(const std::vector<uint32_t>& codes, int bits) {
  BitWriter writer;
  for (uint32_t code : codes) writer.Write(code, bits);
  return writer.Take();
}

std::vector<uint32_t> UnpackCodes(const std::vector<uint8_t>& bytes, int bits, size_t count) {
  BitReader reader(bytes);
  std::vector<uint32_t> codes(count);
  for (uint32_t& code : codes) code = reader.Read(bits);
  return codes;
}

PackedTensor PackTensor(const BlockedTensor& t, int element_bits) {
  PackedTensor p;
  BitWriter codes;
  BitWriter zero_points;
  const int64_t blocks = t.blocks_per_row();
  for (int64_t r = 0; r < t.rows; ++r) {
    for (int64_t kk = 0; kk < t.k; ++kk) {
      const size_t b = t.BlockIndex(r, kk);
      codes.Write(t.codes[r * t.k + kk], t.block_bits.empty() ? element_bits : t.block_bits[b]);
    }
    codes.AlignToByte();
  }
  p.codes = codes.Take();
  const int scale_bytes = ScaleBytes(t.scale_type);
  for (int64_t i = 0; i < t.rows * blocks; ++i) {
    AppendLittleEndian(&p.scales, t.scale_codes[i], scale_bytes);
    if (!t.zero_points.empty()) {
      const int bits = t.block_bits.empty() ? element_bits : t.block_bits[i];
      zero_points.Write(static_cast<uint32_t>(t.zero_points[i]) & ((1u << bits) - 1u), bits);
    }
  }
  p.zero_points = zero_points.Take();
  for (uint16_t s : t.row_scale_codes) AppendLittleEndian(&p.row_scales, s, 2);
  if (t.scale_type == ScaleType::kE4M3) AppendLittleEndian(&p.tensor_scale, t.tensor_scale_code, 4);
  return p;
}

namespace {

// What the memory image of a tensor does not say about itself.
struct TensorLayout {
  ElementType element;
  int block = 0;
  ScaleType scale_type = ScaleType::kNone;
  bool zero_points = false;
  bool row_scales = false;
  bool fp16_values = false;  // FP16 activations: codes only, no units before alignment
};

BlockedTensor UnpackTensor(const TensorLayout& layout, const PackedTensor& packed, int64_t rows,
                           int64_t k, const std::vector<uint8_t>& block_bits) {
  BlockedTensor t;
  t.rows = rows;
  t.k = k;
  t.block = layout.block;
  t.unit_exponent = layout.element.unit_exponent();
  t.scale_type = layout.scale_type;
  t.block_bits = block_bits;
  if (layout.block <= 0 || k % layout.block != 0) {
    throw InputError("K=" + std::to_string(k) + " is not a multiple of the block size " +
                     std::to_string(layout.block));
  }
  const int64_t blocks = t.blocks_per_row();
  if (!block_bits.empty() && static_cast<int64_t>(block_bits.size()) != rows * blocks) {
    throw InputError("mixed-precision weights: group widths do not match the tensor");
  }
  auto bits_of = [&](size_t block) {
    return block_bits.empty() ? layout.element.bits : static_cast<int>(block_bits[block]);
  };
  t.codes.resize(static_cast<size_t>(rows * k));
  if (!layout.fp16_values) t.units.resize(t.codes.size());
  BitReader codes(packed.codes);
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t kk = 0; kk < k; ++kk) {
      const size_t i = r * k + kk;
      const int bits = bits_of(t.BlockIndex(r, kk));
      t.codes[i] = codes.Read(bits);
      if (layout.fp16_values) continue;
      if (layout.element.is_float) {
        t.units[i] = static_cast<int64_t>(FiniteToUnits(*layout.element.fp, t.codes[i]));
      } else if (layout.element.int_fraction_bits > 0 &&
                 t.codes[i] == (1u << (layout.element.bits - 1))) {
        // MXINT8 and MXINT4 never use their most negative code (docs/numerics.md, section 2).
        throw InputError("packed MXINT" + std::to_string(layout.element.bits) + " data holds the " +
                         "reserved code " + std::to_string(t.codes[i]) + " at row " +
                         std::to_string(r) + ", k=" + std::to_string(kk));
      } else {
        t.units[i] = SignedValue(t.codes[i], bits);
      }
    }
    codes.AlignToByte();
  }
  const int scale_bytes = ScaleBytes(t.scale_type);
  BitReader zero_points(packed.zero_points);
  for (int64_t b = 0; b < rows * blocks; ++b) {
    const uint32_t code =
        scale_bytes == 0 ? 0 : ReadLittleEndian(packed.scales, b * scale_bytes, scale_bytes);
    t.scale_codes.push_back(code);
    switch (t.scale_type) {
      case ScaleType::kFp16:
        t.scales.push_back(Dyadic::FromFloatCode(kFp16, code));
        break;
      case ScaleType::kE8M0:
        t.scales.push_back(Dyadic::FromE8M0(static_cast<uint8_t>(code)));
        break;
      case ScaleType::kE4M3:
        t.scales.push_back(Dyadic::FromFloatCode(kE4M3, code));
        break;
      case ScaleType::kNone:
        t.scales.push_back(Dyadic{});
        break;
    }
    if (layout.zero_points) {
      const int bits = bits_of(static_cast<size_t>(b));
      t.zero_points.push_back(SignedValue(zero_points.Read(bits), bits));
    }
  }
  if (layout.row_scales) {
    for (int64_t r = 0; r < rows; ++r) {
      t.row_scale_codes.push_back(
          static_cast<uint16_t>(ReadLittleEndian(packed.row_scales, 2 * r, 2)));
    }
  }
  if (t.scale_type == ScaleType::kE4M3) {
    t.tensor_scale_code = ReadLittleEndian(packed.tensor_scale, 0, 4);
  }
  return t;
}

}  // namespace

BlockedTensor UnpackWeights(const WeightFormat& format, const PackedTensor& packed, int64_t k,
                            int64_t n, const std::vector<uint8_t>& block_bits) {
  TensorLayout layout;
  layout.element = format.element;
  layout.block = format.GroupSizeFor(k);
  layout.scale_type = format.scale_type();
  layout.zero_points = format.asymmetric;
  return UnpackTensor(layout, packed, n, k, block_bits);
}

BlockedTensor UnpackActivations(const ActivationFormat& format, const PackedTensor& packed,
                                int64_t m, int64_t k) {
  TensorLayout layout;
  layout.element = format.element;
  layout.block = format.block_size == 0 ? static_cast<int>(k) : format.block_size;
  layout.scale_type =
      format.family == ActivationFamily::kInt8PerToken ? ScaleType::kNone : format.scale_type();
  layout.row_scales = format.family == ActivationFamily::kInt8PerToken;
  layout.fp16_values = format.family == ActivationFamily::kFp16;
  BlockedTensor t = UnpackTensor(layout, packed, m, k, {});
  if (layout.fp16_values) t.unit_exponent = UnitExponent(kFp16);
  return t;
}

}  // namespace mixpe
