// The array edge's decoding of unit packets; see edge_decoder.h.
#include "sim/cosim/edge_decoder.h"

#include "model/bit_packing.h"
#include "model/mpgemm.h"
#include "model/quantize.h"

namespace mixpe {
namespace {

// `count` codes of `bits` each, LSB-first from bit `bit` of `bytes`.
void ReadCodes(const uint8_t* bytes, int64_t bit, int bits, int64_t count,
               std::vector<uint32_t>* out) {
  out->resize(static_cast<size_t>(count));
  for (int64_t i = 0; i < count; ++i, bit += bits) {
    uint32_t code = 0;
    for (int b = 0; b < bits; ++b) {
      const int64_t at = bit + b;
      code |= static_cast<uint32_t>((bytes[at / 8] >> (at % 8)) & 1u) << b;
    }
    (*out)[i] = code;
  }
}

uint32_t ReadLittleEndian(const uint8_t* bytes, int64_t count) {
  uint32_t value = 0;
  for (int64_t i = 0; i < count; ++i) value |= static_cast<uint32_t>(bytes[i]) << (8 * i);
  return value;
}

Dyadic ScaleOf(ScaleType type, uint32_t code) {
  switch (type) {
    case ScaleType::kFp16:
      return Dyadic::FromFloatCode(kFp16, code);
    case ScaleType::kE8M0:
      return Dyadic::FromE8M0(static_cast<uint8_t>(code));
    case ScaleType::kE4M3:
      return Dyadic::FromFloatCode(kE4M3, code);
    case ScaleType::kNone:
      break;
  }
  return Dyadic{};
}

}  // namespace

EdgeDecoder::EdgeDecoder(const LayerFormats& formats, const MemoryLayout& layout,
                         const CoreWidths& widths, CoreOperands* operands)
    : formats_(formats),
      layout_(layout),
      widths_(widths),
      ops_(operands),
      held_weight_scale_(static_cast<size_t>(layout.n)),
      held_zero_point_(static_cast<size_t>(layout.n), 0),
      held_multiplier_(static_cast<size_t>(layout.n), 1),
      held_scale_fp16_(static_cast<size_t>(layout.n), 0x3C00u),
      held_activation_scale_(static_cast<size_t>(layout.m)) {
  const ElementType& we = formats.weights.element;
  fp4_weights_ = we.is_float;
  weight_unit_exponent_ = we.unit_exponent();
  const ActivationFormat& a = formats.activations;
  design_ = operands->design;
  fp16_activations_ = a.family == ActivationFamily::kFp16;
  float_activations_ = a.element.is_float && !fp16_activations_;
  activation_unit_exponent_ = a.element.unit_exponent();
  // Units without a scale of their own (INT8 per token: the token scale is the row's output
  // scale) take 1.
  for (CoreScale& s : held_activation_scale_) {
    s = SideScale(Dyadic{}, activation_unit_exponent_, widths_, "activations");
  }
}

void EdgeDecoder::SetTensorScales(uint32_t weight_tensor_scale, uint32_t activation_tensor_scale) {
  weight_tensor_scale_ = weight_tensor_scale;
  activation_tensor_scale_ = activation_tensor_scale;
}

void EdgeDecoder::DecodeRow(int64_t m, int64_t u, const uint8_t* payload, int64_t codes_bytes,
                            int64_t scale_bytes) {
  CoreOperands& ops = *ops_;
  const int64_t unit = layout_.unit;
  const int64_t units = ops.units_per_row();
  const int bits = layout_.activation_bits;
  ReadCodes(payload, 0, bits, unit, &codes_);
  uint32_t* out = &ops.activation_codes[m * ops.k + u * unit];
  const uint8_t* scale = payload + codes_bytes;
  if (design_ == PeDesign::kFp16Mac) {
    // The FP16 MAC PE takes the FP16 values as they are; they have no scale.
    for (int64_t i = 0; i < unit; ++i) out[i] = codes_[i];
    ops.activation_scales[m * units + u] = held_activation_scale_[m];
  } else if (fp16_activations_) {
    // One alignment block: the unit's FP16 values on a shared power-of-two grid.
    BlockedTensor block;
    block.rows = 1;
    block.k = unit;
    block.block = static_cast<int>(unit);
    block.codes = codes_;
    const BlockedTensor aligned = AlignFp16Blocks(block, static_cast<int>(unit));
    for (int64_t i = 0; i < unit; ++i) {
      out[i] = ElementCode(aligned.units[i], widths_.activation_bits, "activations");
    }
    ops.activation_scales[m * units + u] =
        SideScale(aligned.scales[0], aligned.unit_exponent, widths_, "activations");
  } else {
    const ElementType& e = formats_.activations.element;
    for (int64_t i = 0; i < unit; ++i) {
      const int64_t v =
          float_activations_ ? FiniteToUnits(*e.fp, codes_[i]) : SignedValue(codes_[i], bits);
      out[i] = ElementCode(v, widths_.activation_bits, "activations");
    }
    if (scale_bytes > 0 && !layout_.token_scales) {
      held_activation_scale_[m] = SideScale(
          ScaleOf(formats_.activations.scale_type(), ReadLittleEndian(scale, scale_bytes)),
          activation_unit_exponent_, widths_, "activations");
    }
    ops.activation_scales[m * units + u] = held_activation_scale_[m];
  }
  if (u == 0 && design_ == PeDesign::kFp16Mac) {
    ops.row_scale_bits[m] = 0x3F800000u;  // FP16 activations: 1.0
  } else if (u == 0) {
    // The row's output scale: its token scale (with unit 0) and the tensor scales.
    BlockedTensor row;
    row.rows = 1;
    row.tensor_scale_code = activation_tensor_scale_;
    if (layout_.token_scales) {
      row.row_scale_codes.push_back(static_cast<uint16_t>(ReadLittleEndian(scale, 2)));
    }
    BlockedTensor weights;
    weights.tensor_scale_code = weight_tensor_scale_;
    ops.row_scale_bits[m] = RowScaleBits(row, weights)[0];
  }
}

void EdgeDecoder::DecodeColumn(int64_t n, int64_t u, const uint8_t* payload, int64_t codes_bytes,
                               int64_t scale_bytes, int64_t zero_point_bytes, int zero_point_bit) {
  CoreOperands& ops = *ops_;
  const int64_t unit = layout_.unit;
  const int64_t units = ops.units_per_row();
  const int bits = layout_.GroupBits(n, u * unit / layout_.group);
  ReadCodes(payload, 0, bits, unit, &codes_);
  uint32_t* out = &ops.weight_codes[n * ops.k + u * unit];
  for (int64_t i = 0; i < unit; ++i) {
    // E2M1 codes go to the PE as stored; integers as two's complement of their value.
    out[i] = fp4_weights_
                 ? (codes_[i] & 0xFu)
                 : ElementCode(SignedValue(codes_[i], bits), widths_.weight_bits, "weights");
  }
  const uint8_t* side = payload + codes_bytes;
  if (design_ == PeDesign::kInt8Mac && scale_bytes > 0) {
    // Two-level scales: the channel's FP16 scale with a chunk's first unit, then the group's
    // multiplier (docs/numerics.md, section 12.1).
    if (scale_bytes == 3) {
      held_weight_scale_[n] =
          SideScale(Dyadic::FromFloatCode(kFp16, ReadLittleEndian(side, 2)), 0, widths_, "weights");
    }
    held_multiplier_[n] = side[scale_bytes - 1];
  } else if (design_ == PeDesign::kFp16Mac && scale_bytes > 0) {
    // The group's FP16 scale goes to the column's per-element dequantizer as it is.
    held_scale_fp16_[n] = ReadLittleEndian(side, scale_bytes);
  } else if (scale_bytes > 0) {
    held_weight_scale_[n] =
        SideScale(ScaleOf(formats_.weights.scale_type(), ReadLittleEndian(side, scale_bytes)),
                  weight_unit_exponent_, widths_, "weights");
  }
  if (zero_point_bytes > 0) {
    std::vector<uint32_t> zero(1);
    ReadCodes(side + scale_bytes, zero_point_bit, bits, 1, &zero);
    held_zero_point_[n] = SignedValue(zero[0], bits);
  }
  ops.weight_scales[n * units + u] = held_weight_scale_[n];
  ops.zero_points[n * units + u] = held_zero_point_[n];
  if (design_ == PeDesign::kInt8Mac) ops.weight_multipliers[n * units + u] = held_multiplier_[n];
  if (design_ == PeDesign::kFp16Mac) ops.weight_scale_fp16[n * units + u] = held_scale_fp16_[n];
}

}  // namespace mixpe
