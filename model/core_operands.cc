// Operands of the MixPE core and of the baseline cores; see core_operands.h.
#include "model/core_operands.h"

#include <string>

#include "model/baseline_gemm.h"
#include "model/gemm_operands.h"
#include "model/input_error.h"
#include "model/mpgemm.h"

namespace mixpe {

CoreScale SideScale(const Dyadic& scale, int unit_exponent, const CoreWidths& widths,
                    const std::string& what) {
  CoreScale s;
  s.nan = scale.nan;
  if (scale.nan) return s;
  const int64_t max_significand = (int64_t{1} << widths.scale_significand_bits) - 1;
  if (scale.mantissa < 0 || scale.mantissa > max_significand) {
    throw InputError(what + ": scale significand " + std::to_string(scale.mantissa) +
                     " does not fit the core's " + std::to_string(widths.scale_significand_bits) +
                     "-bit unsigned field");
  }
  s.significand = static_cast<uint32_t>(scale.mantissa);
  s.exponent = scale.exponent + unit_exponent;
  // The core adds the two sides' exponents in scale_exponent_bits: each side gets half the range.
  const int limit = 1 << (widths.scale_exponent_bits - 2);
  if (s.significand != 0 && (s.exponent < -limit || s.exponent >= limit)) {
    throw InputError(what + ": scale exponent " + std::to_string(s.exponent) +
                     " is outside the core's range [" + std::to_string(-limit) + ", " +
                     std::to_string(limit - 1) + "]");
  }
  if (s.significand == 0) s.exponent = 0;  // a zero scale: the exponent does not matter
  return s;
}

uint32_t ElementCode(int64_t units, int bits, const std::string& what) {
  const int64_t half = int64_t{1} << (bits - 1);
  if (units < -half || units >= half) {
    throw InputError(what + ": element value " + std::to_string(units) + " does not fit a " +
                     std::to_string(bits) + "-bit signed PE input");
  }
  return TwosComplementCode(static_cast<int>(units), bits);
}

CoreOperands PrepareCoreOperands(const BlockedTensor& activations, const BlockedTensor& weights,
                                 const WeightFormat& weight_format, const CoreWidths& widths) {
  const BlockedTensor a = DatapathActivations(activations, weights);
  const BlockedTensor& w = weights;
  if (a.k != w.k) {
    throw InputError("activations have K=" + std::to_string(a.k) +
                     " but weights K=" + std::to_string(w.k));
  }
  const bool fp4 = weight_format.element.is_float && weight_format.element.bits == 4;
  if (weight_format.element.is_float && !fp4) {
    throw InputError("weight format " + weight_format.Name() +
                     ": the PE takes integer or E2M1 weight codes only");
  }
  if (fp4 && widths.weight_bits < 4) {
    throw InputError("weight format " + weight_format.Name() + " needs a PE of at least 4 bits");
  }

  CoreOperands ops;
  ops.m = a.rows;
  ops.k = a.k;
  ops.n = w.rows;
  ops.unit = ReductionUnit(a, w);
  ops.weight_fp4 = fp4;
  const int64_t units = ops.units_per_row();

  ops.activation_codes.resize(a.units.size());
  for (size_t i = 0; i < a.units.size(); ++i) {
    ops.activation_codes[i] = ElementCode(a.units[i], widths.activation_bits, "activations");
  }
  ops.weight_codes.resize(w.units.size());
  for (size_t i = 0; i < w.units.size(); ++i) {
    // E2M1 codes go to the PE as they are stored; integers as two's complement of their value
    // (narrower groups of a mixed-width layer sign-extended to the PE's width).
    ops.weight_codes[i] =
        fp4 ? (w.codes[i] & 0xFu) : ElementCode(w.units[i], widths.weight_bits, "weights");
  }

  ops.activation_scales.resize(static_cast<size_t>(ops.m * units));
  for (int64_t m = 0; m < ops.m; ++m) {
    for (int64_t u = 0; u < units; ++u) {
      ops.activation_scales[m * units + u] = SideScale(a.scales[a.BlockIndex(m, u * ops.unit)],
                                                       a.unit_exponent, widths, "activations");
    }
  }
  const bool zero_points = !w.zero_points.empty();
  ops.weight_scales.resize(static_cast<size_t>(ops.n * units));
  ops.zero_points.assign(static_cast<size_t>(ops.n * units), 0);
  for (int64_t n = 0; n < ops.n; ++n) {
    for (int64_t u = 0; u < units; ++u) {
      const size_t block = w.BlockIndex(n, u * ops.unit);
      ops.weight_scales[n * units + u] =
          SideScale(w.scales[block], w.unit_exponent, widths, "weights");
      if (zero_points) {
        ElementCode(w.zero_points[block], widths.weight_bits, "weight zero points");
        ops.zero_points[n * units + u] = w.zero_points[block];
      }
    }
  }
  ops.row_scale_bits = RowScaleBits(a, w);
  return ops;
}

CoreOperands PrepareBaselineCoreOperands(const BlockedTensor& a, const BlockedTensor& w,
                                         PeDesign design, const CoreWidths& widths, int unit) {
  if (design != PeDesign::kInt8Mac && design != PeDesign::kFp16Mac) {
    throw InputError(std::string("pe.design=") + PeDesignName(design) +
                     " has no baseline core operands (int8_mac and fp16_mac have)");
  }
  const std::string core = std::string("the ") + PeDesignName(design) + " core";
  if (a.k != w.k) {
    throw InputError("activations have K=" + std::to_string(a.k) +
                     " but weights K=" + std::to_string(w.k));
  }
  if (w.scale_type != ScaleType::kFp16 || w.unit_exponent != 0) {
    throw InputError(core + " takes integer group weights with FP16 scales");
  }
  // A unit's weights must share one group: their multiplier or scale and zero point go with
  // every element and are constant over the unit.
  if (unit < 1 || a.k % unit != 0 || w.block % unit != 0) {
    throw InputError(core + ": a reduction unit of " + std::to_string(unit) +
                     " elements does not divide K=" + std::to_string(a.k) +
                     " and the weight group of " + std::to_string(w.block));
  }

  CoreOperands ops;
  ops.design = design;
  ops.m = a.rows;
  ops.k = a.k;
  ops.n = w.rows;
  ops.unit = unit;
  const int64_t units = ops.units_per_row();
  const size_t weight_units = static_cast<size_t>(ops.n * units);
  // Activation scales are 1 on both baselines (the INT8 per-token scale is the row scale).
  ops.activation_scales.assign(static_cast<size_t>(ops.m * units), CoreScale{});
  ops.zero_points.assign(weight_units, 0);
  ops.weight_codes.resize(w.units.size());
  for (size_t i = 0; i < w.units.size(); ++i) {
    ops.weight_codes[i] = ElementCode(w.units[i], widths.weight_bits, "weights");
  }

  if (design == PeDesign::kInt8Mac) {
    if (a.row_scale_codes.empty() || a.block != a.k || a.scale_type != ScaleType::kNone) {
      throw InputError(core + " takes INT8 per-token activations");
    }
    const TwoLevelWeights two_level = ToTwoLevelInt8(w);
    ops.activation_codes.resize(a.units.size());
    for (size_t i = 0; i < a.units.size(); ++i) {
      ops.activation_codes[i] = ElementCode(a.units[i], widths.activation_bits, "activations");
    }
    ops.weight_multipliers.resize(weight_units);
    ops.weight_scales.resize(weight_units);
    const int64_t groups = w.blocks_per_row();
    for (int64_t n = 0; n < ops.n; ++n) {
      // The channel scale S_n, the same for every unit of the channel.
      const CoreScale channel =
          SideScale(two_level.expanded.scales[n], 0, widths, "weight channel scales");
      for (int64_t u = 0; u < units; ++u) {
        ops.weight_scales[n * units + u] = channel;
        ops.weight_multipliers[n * units + u] =
            two_level.multipliers[n * groups + u * unit / two_level.group];
      }
    }
    ops.row_scale_bits = RowScaleBits(a, two_level.expanded);
    return ops;
  }

  // kFp16Mac.
  if (a.scale_type != ScaleType::kNone || !a.row_scale_codes.empty()) {
    throw InputError(core + " takes FP16 activations");
  }
  if (widths.activation_bits != 16) {
    throw InputError(core + " takes 16-bit activations (FP16 bit patterns), not " +
                     std::to_string(widths.activation_bits) + "-bit");
  }
  ops.activation_codes.resize(a.codes.size());
  for (size_t i = 0; i < a.codes.size(); ++i) ops.activation_codes[i] = a.codes[i] & 0xFFFFu;
  ops.weight_scales.assign(weight_units, CoreScale{});
  ops.weight_scale_fp16.resize(weight_units);
  for (int64_t n = 0; n < ops.n; ++n) {
    for (int64_t u = 0; u < units; ++u) {
      const size_t block = w.BlockIndex(n, u * unit);
      ops.weight_scale_fp16[n * units + u] = w.scale_codes[block] & 0xFFFFu;
      if (!w.zero_points.empty()) {
        ElementCode(w.zero_points[block], widths.weight_bits, "weight zero points");
        ops.zero_points[n * units + u] = w.zero_points[block];
      }
    }
  }
  ops.row_scale_bits.assign(static_cast<size_t>(ops.m), 0x3F800000u);  // 1.0f
  return ops;
}

}  // namespace mixpe
