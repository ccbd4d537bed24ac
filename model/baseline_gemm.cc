// Golden GEMMs of the baseline cores; see baseline_gemm.h and docs/numerics.md, section 12.
#include "model/baseline_gemm.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>

#include "model/baseline_pe.h"
#include "model/input_error.h"
#include "model/minifloat.h"
#include "model/mpgemm.h"

namespace mixpe {
namespace {

// v as a two's-complement code of 8 bits (|v| < 128).
uint32_t Code8(int64_t v) { return static_cast<uint32_t>(v) & 0xFFu; }

}  // namespace

TwoLevelWeights ToTwoLevelInt8(const BlockedTensor& w, int mult_bits) {
  if (w.scale_type != ScaleType::kFp16 || !w.zero_points.empty() || w.unit_exponent != 0) {
    throw InputError(
        "the INT8 baseline's two-level scales take symmetric integer groups with "
        "FP16 scales");
  }
  if (mult_bits < 1 || mult_bits > 7) {
    throw InputError("a group multiplier of " + std::to_string(mult_bits) + " bits");
  }
  const int64_t largest_mult = (int64_t{1} << mult_bits) - 1;
  const int64_t groups = w.blocks_per_row();
  TwoLevelWeights t;
  t.group = w.block;
  t.mult_bits = mult_bits;
  t.multipliers.resize(static_cast<size_t>(w.rows * groups));
  BlockedTensor& e = t.expanded;
  e.rows = w.rows;
  e.k = w.k;
  e.block = static_cast<int>(w.k);
  e.unit_exponent = 0;
  e.scale_type = ScaleType::kFp16;
  e.codes.resize(w.codes.size());
  e.units.resize(w.units.size());
  for (int64_t n = 0; n < w.rows; ++n) {
    double largest = 0;
    for (int64_t g = 0; g < groups; ++g) {
      largest = std::max(largest, w.scales[n * groups + g].ToDouble());
    }
    // S_n: the FP16 value nearest largest / (2^mult_bits - 1); the largest group's multiplier is
    // then 2^mult_bits - 1 (or its neighbour, clamped).
    const uint32_t channel_code =
        EncodeFloat(kFp16, largest / static_cast<double>(largest_mult), Overflow::kSaturate);
    const Dyadic channel = Dyadic::FromFloatCode(kFp16, channel_code);
    e.scale_codes.push_back(channel_code);
    e.scales.push_back(channel);
    const double s = channel.ToDouble();
    for (int64_t g = 0; g < groups; ++g) {
      // s_g / S_n of two FP16 values is no closer to a half-integer than 2^-22 unless it is one,
      // so rounding the double quotient to nearest, ties to even, is the exact rounding.
      const double ratio = s > 0 ? w.scales[n * groups + g].ToDouble() / s : 1.0;
      const int64_t u =
          std::clamp<int64_t>(static_cast<int64_t>(std::nearbyint(ratio)), 1, largest_mult);
      t.multipliers[n * groups + g] = static_cast<uint8_t>(u);
      for (int64_t kk = g * w.block; kk < (g + 1) * w.block; ++kk) {
        const int64_t value = w.units[n * w.k + kk] * u;
        if (value < -128 || value > 127) {
          throw InputError("a weight of " + std::to_string(w.units[n * w.k + kk]) +
                           " times a multiplier of " + std::to_string(u) +
                           " does not fit INT8: the INT8 baseline takes codes of at most 4 bits");
        }
        e.units[n * w.k + kk] = value;
        e.codes[n * w.k + kk] = Code8(value);
      }
    }
  }
  return t;
}

std::vector<float> Int8MacGemm(const BlockedTensor& activations, const TwoLevelWeights& weights) {
  if (activations.row_scale_codes.empty() || activations.block != activations.k) {
    throw InputError("the INT8 baseline takes INT8 per-token activations");
  }
  return MpGemm(activations, weights.expanded);
}

std::vector<uint32_t> Fp16MacGemm(const BlockedTensor& a, const BlockedTensor& w, int unit) {
  if (a.k != w.k) throw InputError("the activations' K differs from the weights'");
  if (unit < 1 || a.k % unit != 0) {
    throw InputError("K=" + std::to_string(a.k) + " cannot be cut into units of " +
                     std::to_string(unit));
  }
  if (w.scale_type != ScaleType::kFp16 || w.unit_exponent != 0) {
    throw InputError("the FP16 baseline takes integer group weights with FP16 scales");
  }
  if (a.scale_type != ScaleType::kNone || !a.row_scale_codes.empty()) {
    throw InputError("the FP16 baseline takes FP16 activations");
  }
  // Every weight dequantized once: any code width's difference fits 8-bit codes.
  const MixpeWeightToFp16 to_fp16(8);
  std::vector<uint16_t> fp16_weights(w.codes.size());
  for (int64_t n = 0; n < w.rows; ++n) {
    for (int64_t kk = 0; kk < w.k; ++kk) {
      const size_t b = w.BlockIndex(n, kk);
      const int64_t zero = w.zero_points.empty() ? 0 : w.zero_points[b];
      fp16_weights[n * w.k + kk] = to_fp16.Dequantize(Code8(w.units[n * w.k + kk]), Code8(zero),
                                                      static_cast<uint16_t>(w.scale_codes[b]));
    }
  }
  std::vector<uint32_t> y(static_cast<size_t>(a.rows * w.rows));
  for (int64_t m = 0; m < a.rows; ++m) {
    for (int64_t n = 0; n < w.rows; ++n) {
      uint32_t total = 0;  // +0
      for (int64_t k0 = 0; k0 < a.k; k0 += unit) {
        uint32_t sum = 0;
        for (int64_t kk = k0; kk < k0 + unit; ++kk) {
          sum = MixpeFp16MacPe::Mac(sum, kk == k0, static_cast<uint16_t>(a.codes[m * a.k + kk]),
                                    fp16_weights[n * w.k + kk]);
        }
        total = Fp32Add(total, sum);
      }
      y[m * w.rows + n] = total;
    }
  }
  return y;
}

std::vector<uint32_t> DesignGemm(PeDesign design, const BlockedTensor& activations,
                                 const BlockedTensor& weights, int unit) {
  std::vector<float> y;
  switch (design) {
    case PeDesign::kMixpe:
      y = MpGemm(activations, weights);
      break;
    case PeDesign::kInt8Mac:
      y = Int8MacGemm(activations, ToTwoLevelInt8(weights));
      break;
    case PeDesign::kFp16Mac:
      return Fp16MacGemm(activations, weights, unit);
    default:
      throw InputError(std::string("pe.design=") + PeDesignName(design) +
                       " has no RTL, so no bit-exact outputs");
  }
  std::vector<uint32_t> bits(y.size());
  std::memcpy(bits.data(), y.data(), y.size() * sizeof(float));
  return bits;
}

}  // namespace mixpe
