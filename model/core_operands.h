// CoreOperands: one quantized GEMM as the MixPE core (rtl/mixpe_core.sv) receives it. The golden
// model's operands (model/quantize.h) are cut into reduction units (model/mpgemm.h) and split into
// what each edge of the core takes: element codes for the PE array, and once per unit the
// activation-side and weight-side scales (significand and exponent) and zero points, and once per
// row the output scale r_m. The controller of the simulator streams exactly these values.
// The baseline cores (mixpe_core with PeKind 1 and 2, pe.design int8_mac and fp16_mac) take the
// same fields plus each weight's group values (PrepareBaselineCoreOperands).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/hardware_config.h"
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

// Every vector is row-major; "N x K/U" holds one value per output channel and reduction unit.
struct CoreOperands {
  PeDesign design = PeDesign::kMixpe;  // the core they are for: kMixpe, kInt8Mac or kFp16Mac
  int64_t m = 0;
  int64_t k = 0;
  int64_t n = 0;
  int unit = 0;             // reduction unit U: K/U units per output
  bool weight_fp4 = false;  // weight codes are E2M1 (the PE's FP4 mode)

  std::vector<uint32_t> activation_codes;    // M x K: activation_bits-wide two's complement
                                             // (kFp16Mac: FP16 bit patterns)
  std::vector<uint32_t> weight_codes;        // N x K (one row per output channel): PE codes,
                                             // weight_bits-wide two's complement (the stored
                                             // codes on the baselines)
  std::vector<CoreScale> activation_scales;  // M x K/U
  std::vector<CoreScale> weight_scales;      // N x K/U
  std::vector<int32_t> zero_points;          // N x K/U, in weight units (0: symmetric); on
                                             // kFp16Mac the per-element zero point wgt_zero_i
  std::vector<uint32_t> row_scale_bits;      // M: r_m, FP32
  // The group values of each unit's weights, presented with every weight element (wgt_mult_i,
  // wgt_scale_fp16_i); empty where the design takes none (kMixpe).
  std::vector<uint32_t> weight_multipliers;  // N x K/U, kInt8Mac: unsigned group multiplier
  std::vector<uint32_t> weight_scale_fp16;   // N x K/U, kFp16Mac: FP16 group scale bit pattern

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

// Splits a GEMM's operands for a baseline core (`design` kInt8Mac or kFp16Mac; docs/numerics.md,
// section 12) with reduction units of `unit` elements (as the schedule cuts K; it must divide K
// and the weights' group, so that a unit's weights share one group):
// - kInt8Mac (INT8 per-token activations, symmetric integer groups of one width, at most 4 bits):
//   activation codes as for MixPE (INT8), activation scales 1, row scales r_m (RowScaleBits);
//   weight codes the stored codes (weight_bits-wide two's complement); weight_multipliers the
//   group multipliers of ToTwoLevelInt8 (model/baseline_gemm.h); weight scales the channel scale
//   S_n of every unit of channel n; zero points 0. The core computes Int8MacGemm.
// - kFp16Mac (FP16 activations, integer groups with FP16 scales): activation codes the FP16 bit
//   patterns as they are (not aligned), activation scales 1, row scales 1.0f; weight codes the
//   stored codes; zero_points the group's zero point; weight_scale_fp16 the group's FP16 scale
//   code; weight scales 1. The core computes Fp16MacGemm(activations, weights, unit).
// Throws InputError for another design, for formats the design does not run, or for a value that
// does not fit the core's widths.
CoreOperands PrepareBaselineCoreOperands(const BlockedTensor& activations,
                                         const BlockedTensor& weights, PeDesign design,
                                         const CoreWidths& widths, int unit);

}  // namespace mixpe
