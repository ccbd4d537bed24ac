// The golden mixed-precision GEMM; see mpgemm.h and docs/numerics.md.
#include "model/mpgemm.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>
#include <string>

#include "model/input_error.h"

namespace mixpe {
namespace {

float FloatFromBits(uint32_t bits) {
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

// The exact product of dyadic scales, rounded once to FP32.
float RoundProductToFp32(const std::vector<Dyadic>& factors) {
  __int128 mantissa = 1;
  int exponent = 0;
  for (const Dyadic& d : factors) {
    if (d.nan) return std::numeric_limits<float>::quiet_NaN();
    mantissa *= d.mantissa;
    exponent += d.exponent;
  }
  return FloatFromBits(RoundScaledToFloat(kFp32, mantissa, exponent, Overflow::kInfinity));
}

// The smallest two's-complement width holding every integer in [lo, hi].
int SignedBitsFor(__int128 lo, __int128 hi) {
  int bits = 1;
  while (lo < -(__int128{1} << (bits - 1)) || hi > (__int128{1} << (bits - 1)) - 1) ++bits;
  return bits;
}

struct Range {
  __int128 lo;
  __int128 hi;
};

// The range of an element value in units. Integer weights use every code, the most negative
// included; MX integers never hold their most negative code (readers reject it).
Range WeightUnits(const WeightFormat& f) {
  if (f.family == WeightFamily::kGroupInt) {
    const int64_t half = int64_t{1} << (f.element.bits - 1);
    return {-half, half - 1};
  }
  return {-f.element.max_units(), f.element.max_units()};
}

Range ActivationUnits(const ActivationFormat& f) {
  switch (f.family) {
    case ActivationFamily::kInt8PerToken:
      return {-128, 127};
    case ActivationFamily::kFp16:
      return {-2047 * 16, 2047 * 16};  // an aligned FP16 significand with 4 guard bits
    default:
      return {-f.element.max_units(), f.element.max_units()};
  }
}

// The range of x * y for x, y in the given ranges: the extremes are at the corners.
Range ProductRange(Range x, Range y) {
  const __int128 corners[] = {x.lo * y.lo, x.lo * y.hi, x.hi * y.lo, x.hi * y.hi};
  Range r{corners[0], corners[0]};
  for (__int128 c : corners) {
    r.lo = std::min(r.lo, c);
    r.hi = std::max(r.hi, c);
  }
  return r;
}

}  // namespace

int ReductionUnit(const BlockedTensor& a, const BlockedTensor& w) {
  const int small = std::min(a.block, w.block);
  const int large = std::max(a.block, w.block);
  if (small <= 0 || large % small != 0) {
    throw InputError("activation blocks of " + std::to_string(a.block) + " and weight groups of " +
                     std::to_string(w.block) + " do not nest (one must divide the other)");
  }
  return small;
}

BlockedTensor DatapathActivations(const BlockedTensor& activations, const BlockedTensor& weights) {
  // FP16 activations (held as codes only) enter the integer datapath through block alignment.
  if (!activations.units.empty()) return activations;
  return AlignFp16Blocks(activations, std::gcd(weights.block, kMaxFp16AlignBlock));
}

std::vector<uint32_t> RowScaleBits(const BlockedTensor& a, const BlockedTensor& w) {
  std::vector<uint32_t> bits(static_cast<size_t>(a.rows));
  const Dyadic tensor_a = Dyadic::FromFloatCode(kFp32, a.tensor_scale_code);
  const Dyadic tensor_w = Dyadic::FromFloatCode(kFp32, w.tensor_scale_code);
  for (int64_t m = 0; m < a.rows; ++m) {
    const Dyadic token =
        a.row_scale_codes.empty() ? Dyadic{} : Dyadic::FromFloatCode(kFp16, a.row_scale_codes[m]);
    const float scale = RoundProductToFp32({token, tensor_a, tensor_w});
    uint32_t scale_bits;
    std::memcpy(&scale_bits, &scale, sizeof scale_bits);
    bits[m] = std::isnan(scale) ? 0x7FC00000u : scale_bits;
  }
  return bits;
}

std::vector<float> MpGemm(const BlockedTensor& activations, const BlockedTensor& weights) {
  if (activations.k != weights.k) {
    throw InputError("activations have K=" + std::to_string(activations.k) +
                     " but weights K=" + std::to_string(weights.k));
  }
  const BlockedTensor datapath_activations = DatapathActivations(activations, weights);
  const BlockedTensor& a = datapath_activations;
  const BlockedTensor& w = weights;
  const int unit = ReductionUnit(a, w);
  const int64_t m_rows = a.rows;
  const int64_t n_rows = w.rows;
  const int64_t k = a.k;
  const int unit_exponent = a.unit_exponent + w.unit_exponent;
  const bool zero_points = !w.zero_points.empty();

  // Output scale per row: token scale and tensor scales, one rounding of their exact product.
  const std::vector<uint32_t> row_scale_bits = RowScaleBits(a, w);
  std::vector<float> row_scale(static_cast<size_t>(m_rows));
  for (int64_t m = 0; m < m_rows; ++m) row_scale[m] = FloatFromBits(row_scale_bits[m]);

  std::vector<float> y(static_cast<size_t>(m_rows * n_rows));
  for (int64_t m = 0; m < m_rows; ++m) {
    const int64_t* a_row = &a.units[m * k];
    for (int64_t n = 0; n < n_rows; ++n) {
      const int64_t* w_row = &w.units[n * k];
      float acc = 0.0f;
      for (int64_t k0 = 0; k0 < k; k0 += unit) {
        const size_t a_block = a.BlockIndex(m, k0);
        const size_t w_block = w.BlockIndex(n, k0);
        const Dyadic& sa = a.scales[a_block];
        const Dyadic& sw = w.scales[w_block];
        if (sa.nan || sw.nan) {
          acc = std::numeric_limits<float>::quiet_NaN();
          continue;
        }
        __int128 product_sum = 0;
        __int128 activation_sum = 0;
        for (int64_t kk = k0; kk < k0 + unit; ++kk) {
          product_sum += static_cast<__int128>(a_row[kk]) * w_row[kk];
          activation_sum += a_row[kk];
        }
        const __int128 corrected =
            zero_points ? product_sum - activation_sum * w.zero_points[w_block] : product_sum;
        const __int128 mantissa = corrected * sa.mantissa * sw.mantissa;
        const float term = FloatFromBits(RoundScaledToFloat(
            kFp32, mantissa, sa.exponent + sw.exponent + unit_exponent, Overflow::kInfinity));
        acc = acc + term;
      }
      if (row_scale[m] != 1.0f) acc = acc * row_scale[m];
      if (std::isnan(acc)) acc = std::numeric_limits<float>::quiet_NaN();
      y[m * n_rows + n] = acc;
    }
  }
  return y;
}

UnitSumWidths RequiredUnitSumWidths(const WeightFormat& wf, const ActivationFormat& af, int unit) {
  const Range a = ActivationUnits(af);
  const Range w = WeightUnits(wf);
  const Range p = ProductRange(a, w);
  UnitSumWidths widths;
  widths.product_sum = SignedBitsFor(unit * p.lo, unit * p.hi);
  widths.corrected = widths.product_sum;
  if (wf.family == WeightFamily::kGroupInt && wf.asymmetric) {
    // D_u = sum_k a_k (q_k - z) with q and z in the same code range.
    const Range d = ProductRange(a, Range{w.lo - w.hi, w.hi - w.lo});
    widths.activation_sum = SignedBitsFor(unit * a.lo, unit * a.hi);
    widths.corrected = SignedBitsFor(unit * d.lo, unit * d.hi);
  }
  return widths;
}

}  // namespace mixpe
