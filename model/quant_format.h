// Quantization formats of weights and activations: what a stored element means, how elements are
// grouped along K, and what scales and zero points each group carries. docs/numerics.md is the
// full specification; model/quantize.h turns real numbers into these formats.
#pragma once

#include <string>
#include <vector>

#include "model/minifloat.h"

namespace mixpe {

// How a stored element code is read as a number.
struct ElementType {
  bool is_float = false;
  int bits = 0;                     // stored bits per element
  int int_fraction_bits = 0;        // integer elements: value = code * 2^-int_fraction_bits
  const FloatFormat* fp = nullptr;  // float elements
  int emax = 0;                     // exponent of the largest power of two the element holds
                                    // (used by the MX shared-exponent rule)

  // Every element value is an integer number of these: 2^unit_exponent().
  int unit_exponent() const;
  // The largest element magnitude, in units.
  int64_t max_units() const;
  std::string Name() const;
};

ElementType IntElement(int bits, int fraction_bits = 0);
ElementType FloatElement(const FloatFormat& format);

enum class ScaleType {
  kNone,  // no per-group scale
  kFp16,  // IEEE binary16 (group-wise integer weights, per-token activations)
  kE8M0,  // OCP MX power-of-two scale
  kE4M3,  // NVFP4 block scale
};

// The bytes one stored scale of this type takes in memory (0 for none).
int ScaleBytes(ScaleType type);

enum class WeightFamily {
  kGroupInt,  // integer codes, FP16 scale and optional integer zero point per group
  kMx,        // OCP MX: E8M0 scale per block of 32
  kNvFp4,     // E2M1 in blocks of 16, E4M3 block scale, FP32 tensor scale
};

struct WeightFormat {
  WeightFamily family = WeightFamily::kGroupInt;
  ElementType element;
  int group_size = 0;       // along K; 0 means one group per output channel (the whole K)
  bool asymmetric = false;  // group int: an integer zero point per group
  // Group int only: if not empty, the bit width of each group may differ (mixed precision); the
  // allowed widths, e.g. {2, 3, 4}. `element.bits` is then the widest.
  std::vector<int> mixed_bits;

  ScaleType scale_type() const;
  int GroupSizeFor(int64_t k) const { return group_size == 0 ? static_cast<int>(k) : group_size; }
  std::string Name() const;
};

enum class ActivationFamily {
  kInt8PerToken,  // INT8 codes, one FP16 scale per token (row)
  kFp16,          // IEEE binary16 values, aligned per block inside the GEMM
  kMx,            // OCP MX
  kNvFp4,         // NVFP4
};

struct ActivationFormat {
  ActivationFamily family = ActivationFamily::kInt8PerToken;
  ElementType element;
  int block_size = 0;  // MX 32, NVFP4 16; INT8 per token and FP16: 0 (set by the GEMM)

  ScaleType scale_type() const;
  std::string Name() const;
};

// Named formats, as written in traces and on the command line:
//   weights: int{2,3,4,8}_g{32,64,128,ch}[_asym], intmix{2,3,4}_g{32,64,128}[_asym] (per-group
//            2/3/4-bit), mxint8, mxint4, mxfp8_e4m3, mxfp8_e5m2, mxfp6_e3m2, mxfp6_e2m3, mxfp4,
//            nvfp4
//   activations: int8_token, fp16, mxint8, mxint4, mxfp8_e4m3, mxfp8_e5m2, mxfp6_e3m2,
//            mxfp6_e2m3, mxfp4, nvfp4
// Throws InputError naming the unknown format and listing the known ones.
WeightFormat ParseWeightFormat(const std::string& name);
ActivationFormat ParseActivationFormat(const std::string& name);

// Every weight format name ParseWeightFormat accepts (mixed widths: every set of two or three of
// 2, 3, 4 in increasing order), for tests and listings.
std::vector<std::string> AllWeightFormatNames();

// The MX element types by name ("mxfp4" -> E2M1, ...); shared by weights and activations.
ElementType MxElement(const std::string& name);

}  // namespace mixpe
