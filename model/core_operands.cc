// Operands of the MixPE core; see core_operands.h.
#include "model/core_operands.h"

#include <string>

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

}  // namespace mixpe
