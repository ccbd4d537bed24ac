// CoreOperands: one quantized GEMM as the MixPE core (rtl/mixpe_core.sv) receives it. The golden
// model's operands (model/quantize.h) are cut into reduction units (model/mpgemm.h) and split into
// what each edge of the core takes: element codes for the PE array, and once per unit the
// activation-side and weight-side scales (significand and exponent) and zero points, and once per
// row the output scale r_m. The controller of the simulator streams exactly these values.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/quant_format.h"
#include "model/quantize.h"

namespace mixpe {

// A unit's scale as the core takes it: value = significand * 2^exponent, the element unit
// exponent folded in; or NaN.
struct CoreScale {
  uint32_t significand = 1;
  int32_t exponent = 0;
  bool nan = false;
};

// The widths of the core the operands are prepared for (the hardware config's PE widths).
struct CoreWidths {
  int activation_bits = 8;
  int weight_bits = 4;
  int scale_significand_bits = 11;  // rtl/mixpe_core.sv SigBits
  int scale_exponent_bits = 10;     // rtl/mixpe_core.sv ExpBits (signed)
};

struct CoreOperands {
  int64_t m = 0;
  int64_t k = 0;
  int64_t n = 0;
  int unit = 0;             // reduction unit U: K/U units per output
  bool weight_fp4 = false;  // weight codes are E2M1 (the PE's FP4 mode)

  std::vector<uint32_t> activation_codes;    // M x K: activation_bits-wide two's complement
  std::vector<uint32_t> weight_codes;        // N x K (one row per output channel): PE codes
  std::vector<CoreScale> activation_scales;  // M x K/U
  std::vector<CoreScale> weight_scales;      // N x K/U
  std::vector<int32_t> zero_points;          // N x K/U, in weight units (0: symmetric)
  std::vector<uint32_t> row_scale_bits;      // M: r_m, FP32

  int64_t units_per_row() const { return k / unit; }
};

// The unit's scale of one operand as the core takes it: the block's exact `scale` with the
// element unit exponent folded into the exponent. Throws InputError, naming `what`, if it does
// not fit the core's scale fields.
CoreScale SideScale(const Dyadic& scale, int unit_exponent, const CoreWidths& widths,
                    const std::string& what);

// An element value in units as the PE's `bits`-wide two's-complement input. Throws InputError,
// naming `what`, if it does not fit.
uint32_t ElementCode(int64_t units, int bits, const std::string& what);

// Splits a GEMM's operands for the core. FP16 activations are aligned first
// (DatapathActivations). Throws InputError if a value does not fit the core's widths (an element
// wider than the PE, a scale significand or exponent out of range, weights other than integers,
// MX integers or E2M1).
CoreOperands PrepareCoreOperands(const BlockedTensor& activations, const BlockedTensor& weights,
                                 const WeightFormat& weight_format, const CoreWidths& widths);

}  // namespace mixpe
