// Quantizers, FP16 block alignment and dequantization; see quantize.h and docs/numerics.md.
#include "model/quantize.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "model/input_error.h"

namespace mixpe {
namespace {

// Round to nearest integer, ties to even (the default floating-point rounding mode).
double RoundEven(double x) { return std::nearbyint(x); }

// clamp(x, lo, hi) as an integer, x already an integer-valued double. Clamped before the
// conversion: a value beyond int64 (a huge input over a saturated scale) would be undefined
// behaviour, and differs between compilers in practice.
int64_t ClampToInt(double x, int64_t lo, int64_t hi) {
  return static_cast<int64_t>(std::clamp(x, static_cast<double>(lo), static_cast<double>(hi)));
}

uint32_t TwosComplement(int64_t value, int bits) {
  return static_cast<uint32_t>(value) & ((1u << bits) - 1u);
}

uint16_t Fp16Code(double value) {
  return static_cast<uint16_t>(EncodeFloat(kFp16, value, Overflow::kSaturate));
}

double Fp16Value(uint32_t code) { return DecodeFloat(kFp16, code); }

void CheckDivides(int64_t k, int block, const std::string& format) {
  if (block <= 0 || k % block != 0) {
    throw InputError("K=" + std::to_string(k) + " is not a multiple of the block size " +
                     std::to_string(block) + " of format " + format);
  }
}

BlockedTensor EmptyTensor(int64_t rows, int64_t k, int block, int unit_exponent, ScaleType type) {
  BlockedTensor t;
  t.rows = rows;
  t.k = k;
  t.block = block;
  t.unit_exponent = unit_exponent;
  t.scale_type = type;
  t.codes.assign(static_cast<size_t>(rows * k), 0);
  t.units.assign(static_cast<size_t>(rows * k), 0);
  t.scale_codes.assign(static_cast<size_t>(rows * (k / block)), 0);
  t.scales.assign(static_cast<size_t>(rows * (k / block)), Dyadic{});
  return t;
}

// One group of group-wise integer weights: FP16 scale, optional zero point, codes.
// Symmetric: s = fp16(max|w| / (2^(b-1)-1)), q = clamp(rne(w/s), -2^(b-1), 2^(b-1)-1).
// Asymmetric (range widened to include 0, as GPTQ does): s = fp16((max-min) / (2^b-1)),
//   z = clamp(rne(-min/s), 0, 2^b-1),
//   q = clamp(rne(w/s) + z, 0, 2^b-1), stored shifted to signed: q-2^(b-1), z-2^(b-1).
// A scale that rounds to zero quantizes the whole group to zero.
void QuantizeIntGroup(const std::vector<double>& w, int bits, bool asymmetric, int64_t* units,
                      uint32_t* codes, uint32_t* scale_code, int32_t* zero_point) {
  const int64_t half = int64_t{1} << (bits - 1);
  double lo = 0, hi = 0, amax = 0;
  for (double v : w) {
    lo = std::min(lo, v);
    hi = std::max(hi, v);
    amax = std::max(amax, std::fabs(v));
  }
  const double target = asymmetric ? (hi - lo) / static_cast<double>(2 * half - 1)
                                   : amax / static_cast<double>(half - 1 > 0 ? half - 1 : 1);
  *scale_code = Fp16Code(target);
  const double s = Fp16Value(*scale_code);
  int64_t z = 0;
  if (asymmetric && s > 0) z = ClampToInt(RoundEven(-lo / s), 0, 2 * half - 1);
  for (size_t i = 0; i < w.size(); ++i) {
    int64_t q = 0;
    if (s > 0) {
      const double rounded = RoundEven(w[i] / s);
      q = asymmetric ? ClampToInt(rounded + static_cast<double>(z), 0, 2 * half - 1) - half
                     : ClampToInt(rounded, -half, half - 1);
    } else if (asymmetric) {
      q = z - half;
    }
    units[i] = static_cast<int64_t>(q);
    codes[i] = TwosComplement(q, bits);
  }
  if (zero_point != nullptr) *zero_point = static_cast<int32_t>(asymmetric ? z - half : 0);
}

// Zeroes a block's outputs and returns max|x|; `special` tells whether any x is NaN or Inf.
double StartBlock(const double* x, int count, int64_t* units, uint32_t* codes, bool* special) {
  double amax = 0;
  for (int i = 0; i < count; ++i) {
    if (!std::isfinite(x[i])) *special = true;
    amax = std::max(amax, std::fabs(x[i]));
  }
  std::fill(units, units + count, 0);
  std::fill(codes, codes + count, 0);
  return amax;
}

// One OCP MX block: shared exponent floor(log2(max|x|)) - emax, clamped to [-127, 127]; elements
// x / 2^shared rounded to nearest even with saturation. NaN or Inf anywhere: scale NaN, elements
// zero. An all-zero block gets scale 2^-127 (code 0x00). Returns the E8M0 code.
uint8_t QuantizeMxBlock(const ElementType& e, const double* x, int count, int64_t* units,
                        uint32_t* codes) {
  bool special = false;
  const double amax = StartBlock(x, count, units, codes, &special);
  if (special) return kE8M0Nan;
  if (amax == 0) return 0;
  int exponent = 0;
  std::frexp(amax, &exponent);  // amax = f * 2^exponent, f in [0.5, 1): floor(log2) = exponent-1
  const int shared = std::clamp(exponent - 1 - e.emax, -127, 127);
  for (int i = 0; i < count; ++i) {
    const double scaled = std::ldexp(x[i], -shared);
    if (e.is_float) {
      codes[i] = EncodeFloat(*e.fp, scaled, Overflow::kSaturate);
      units[i] = static_cast<int64_t>(FiniteToUnits(*e.fp, codes[i]));
    } else {
      const int64_t limit = e.max_units();  // the most negative code is unused
      const int64_t q =
          ClampToInt(RoundEven(std::ldexp(scaled, e.int_fraction_bits)), -limit, limit);
      units[i] = static_cast<int64_t>(q);
      codes[i] = TwosComplement(q, e.bits);
    }
  }
  return static_cast<uint8_t>(shared + 127);
}

// NVFP4 tensor scale: fp32(max|x| / (6 * 448)), so that every block scale fits E4M3; 1.0 for an
// all-zero (or non-finite) tensor.
uint32_t NvFp4TensorScale(const std::vector<double>& x) {
  double amax = 0;
  for (double v : x) {
    if (std::isfinite(v)) amax = std::max(amax, std::fabs(v));
  }
  if (amax == 0) return 0x3F800000u;
  return EncodeFloat(kFp32, amax / (6.0 * 448.0), Overflow::kSaturate);
}

// One NVFP4 block: scale e4m3(max|x| / 6 / s_tensor) with saturation; elements
// e2m1(x / (s_block * s_tensor)) with saturation; NaN or Inf anywhere: scale NaN (0x7F).
uint32_t QuantizeNvFp4Block(const double* x, int count, double tensor_scale, int64_t* units,
                            uint32_t* codes) {
  bool special = false;
  const double amax = StartBlock(x, count, units, codes, &special);
  if (special) return 0x7F;
  const uint32_t scale_code = EncodeFloat(kE4M3, amax / 6.0 / tensor_scale, Overflow::kSaturate);
  const double block_scale = DecodeFloat(kE4M3, scale_code) * tensor_scale;
  if (block_scale == 0) return scale_code;
  for (int i = 0; i < count; ++i) {
    codes[i] = EncodeFloat(kE2M1, x[i] / block_scale, Overflow::kSaturate);
    units[i] = static_cast<int64_t>(FiniteToUnits(kE2M1, codes[i]));
  }
  return scale_code;
}

// Quantizes each block of each row of `rows_major` (rows x k, row-major) with `quantize_block`.
template <class QuantizeBlock>
void QuantizeBlocks(BlockedTensor* t, const std::vector<double>& rows_major,
                    QuantizeBlock quantize_block) {
  const int64_t blocks = t->blocks_per_row();
  for (int64_t r = 0; r < t->rows; ++r) {
    for (int64_t b = 0; b < blocks; ++b) {
      const size_t first = r * t->k + b * t->block;
      const size_t index = r * blocks + b;
      t->scale_codes[index] =
          quantize_block(&rows_major[first], &t->units[first], &t->codes[first]);
    }
  }
}

std::vector<double> Transpose(const std::vector<double>& w, int64_t k, int64_t n) {
  std::vector<double> t(w.size());
  for (int64_t kk = 0; kk < k; ++kk) {
    for (int64_t nn = 0; nn < n; ++nn) t[nn * k + kk] = w[kk * n + nn];
  }
  return t;
}

void CheckSize(const std::vector<double>& x, int64_t rows, int64_t cols, const char* what) {
  if (rows < 1 || cols < 1 || x.size() != static_cast<size_t>(rows * cols)) {
    throw InputError(std::string(what) + ": expected " + std::to_string(rows) + " x " +
                     std::to_string(cols) + " values, got " + std::to_string(x.size()));
  }
}

// Integer formats have no code for Inf or NaN: such input is rejected, not guessed at.
void CheckFinite(const std::vector<double>& x, int64_t cols, const char* what,
                 const std::string& format) {
  for (size_t i = 0; i < x.size(); ++i) {
    if (!std::isfinite(x[i])) {
      throw InputError(std::string(what) + " [" + std::to_string(i / cols) + "][" +
                       std::to_string(i % cols) + "] is " +
                       (std::isnan(x[i]) ? "NaN" : "infinite") + ", which format " + format +
                       " cannot represent");
    }
  }
}

}  // namespace

double Dyadic::ToDouble() const {
  return nan ? std::nan("") : std::ldexp(static_cast<double>(mantissa), exponent);
}

Dyadic Dyadic::FromFloatCode(const FloatFormat& format, uint32_t code) {
  Dyadic d;
  if (IsNan(format, code) || IsInf(format, code)) {
    d.nan = true;
    return d;
  }
  // significand * 2^ulp with the ulp of the code's own binade, so that wide formats (FP32) fit.
  const double value = DecodeFloat(format, code);
  if (value == 0) {
    d.mantissa = 0;
    return d;
  }
  d.exponent = std::max(FloorLog2(format, code) - format.mantissa_bits, UnitExponent(format));
  d.mantissa = static_cast<int64_t>(std::ldexp(value, -d.exponent));
  return d;
}

Dyadic Dyadic::FromE8M0(uint8_t code) {
  Dyadic d;
  d.nan = code == kE8M0Nan;
  d.exponent = static_cast<int>(code) - 127;
  return d;
}

std::vector<uint8_t> AssignMixedBits(const WeightFormat& format, const std::vector<double>& w,
                                     int64_t k, int64_t n) {
  const int group = format.GroupSizeFor(k);
  CheckDivides(k, group, format.Name());
  std::vector<int> widths = format.mixed_bits;
  std::sort(widths.begin(), widths.end());
  const int64_t groups = n * (k / group);
  std::vector<double> salience(static_cast<size_t>(groups), 0);
  for (int64_t kk = 0; kk < k; ++kk) {
    for (int64_t nn = 0; nn < n; ++nn) {
      const double v = w[kk * n + nn];
      salience[nn * (k / group) + kk / group] += v * v / group;
    }
  }
  std::vector<int64_t> order(static_cast<size_t>(groups));
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](int64_t a, int64_t b) { return salience[a] > salience[b]; });
  std::vector<uint8_t> bits(static_cast<size_t>(groups));
  for (int64_t rank = 0; rank < groups; ++rank) {
    int width;
    if (widths.size() >= 3) {
      width = rank < groups / 4             ? widths.back()
              : rank >= groups - groups / 4 ? widths.front()
                                            : widths[widths.size() / 2];
    } else {
      width = rank < groups / 2 ? widths.back() : widths.front();
    }
    bits[order[rank]] = static_cast<uint8_t>(width);
  }
  return bits;
}

BlockedTensor QuantizeWeights(const WeightFormat& format, const std::vector<double>& w, int64_t k,
                              int64_t n, const std::vector<uint8_t>& group_bits) {
  CheckSize(w, k, n, "weights");
  const int group = format.GroupSizeFor(k);
  CheckDivides(k, group, format.Name());
  const std::vector<double> by_channel = Transpose(w, k, n);
  BlockedTensor t = EmptyTensor(n, k, group, format.element.unit_exponent(), format.scale_type());

  switch (format.family) {
    case WeightFamily::kGroupInt: {
      CheckFinite(w, n, "weights", format.Name());
      std::vector<uint8_t> bits = group_bits;
      if (format.mixed_bits.empty()) {
        bits.assign(t.scale_codes.size(), static_cast<uint8_t>(format.element.bits));
      } else if (bits.empty()) {
        bits = AssignMixedBits(format, w, k, n);
      }
      if (bits.size() != t.scale_codes.size()) {
        throw InputError("mixed-precision weights: expected " +
                         std::to_string(t.scale_codes.size()) + " group widths, got " +
                         std::to_string(bits.size()));
      }
      t.block_bits = bits;
      if (format.asymmetric) t.zero_points.assign(t.scale_codes.size(), 0);
      std::vector<double> values(static_cast<size_t>(group));
      for (int64_t r = 0; r < n; ++r) {
        for (int64_t b = 0; b < k / group; ++b) {
          const size_t first = r * k + b * group;
          const size_t index = r * (k / group) + b;
          std::copy_n(&by_channel[first], group, values.begin());
          QuantizeIntGroup(values, bits[index], format.asymmetric, &t.units[first], &t.codes[first],
                           &t.scale_codes[index],
                           format.asymmetric ? &t.zero_points[index] : nullptr);
          t.scales[index] = Dyadic::FromFloatCode(kFp16, t.scale_codes[index]);
        }
      }
      break;
    }
    case WeightFamily::kMx:
      QuantizeBlocks(&t, by_channel, [&](const double* x, int64_t* units, uint32_t* codes) {
        return QuantizeMxBlock(format.element, x, group, units, codes);
      });
      for (size_t i = 0; i < t.scales.size(); ++i) {
        t.scales[i] = Dyadic::FromE8M0(static_cast<uint8_t>(t.scale_codes[i]));
      }
      break;
    case WeightFamily::kNvFp4: {
      t.tensor_scale_code = NvFp4TensorScale(w);
      const double tensor_scale = DecodeFloat(kFp32, t.tensor_scale_code);
      QuantizeBlocks(&t, by_channel, [&](const double* x, int64_t* units, uint32_t* codes) {
        return QuantizeNvFp4Block(x, group, tensor_scale, units, codes);
      });
      for (size_t i = 0; i < t.scales.size(); ++i) {
        t.scales[i] = Dyadic::FromFloatCode(kE4M3, t.scale_codes[i]);
      }
      break;
    }
  }
  return t;
}

BlockedTensor QuantizeActivations(const ActivationFormat& format, const std::vector<double>& a,
                                  int64_t m, int64_t k) {
  CheckSize(a, m, k, "activations");
  switch (format.family) {
    case ActivationFamily::kInt8PerToken: {
      // Per token: s = fp16(max|a| / 127), q = clamp(rne(a / s), -128, 127).
      CheckFinite(a, k, "activations", format.Name());
      BlockedTensor t = EmptyTensor(m, k, static_cast<int>(k), 0, ScaleType::kNone);
      t.row_scale_codes.assign(static_cast<size_t>(m), 0);
      for (int64_t r = 0; r < m; ++r) {
        double amax = 0;
        for (int64_t kk = 0; kk < k; ++kk) amax = std::max(amax, std::fabs(a[r * k + kk]));
        t.row_scale_codes[r] = Fp16Code(amax / 127.0);
        const double s = Fp16Value(t.row_scale_codes[r]);
        for (int64_t kk = 0; kk < k; ++kk) {
          const int64_t q = s > 0 ? ClampToInt(RoundEven(a[r * k + kk] / s), -128, 127) : 0;
          t.units[r * k + kk] = q;
          t.codes[r * k + kk] = TwosComplement(q, 8);
        }
      }
      return t;
    }
    case ActivationFamily::kFp16: {
      // Rounded to FP16 as IEEE conversion does (beyond 65504: Inf); aligned in the GEMM.
      BlockedTensor t =
          EmptyTensor(m, k, static_cast<int>(k), UnitExponent(kFp16), ScaleType::kNone);
      for (size_t i = 0; i < a.size(); ++i) {
        t.codes[i] = EncodeFloat(kFp16, a[i], Overflow::kInfinity);
      }
      t.units.clear();
      return t;
    }
    case ActivationFamily::kMx: {
      CheckDivides(k, format.block_size, format.Name());
      BlockedTensor t =
          EmptyTensor(m, k, format.block_size, format.element.unit_exponent(), ScaleType::kE8M0);
      QuantizeBlocks(&t, a, [&](const double* x, int64_t* units, uint32_t* codes) {
        return QuantizeMxBlock(format.element, x, format.block_size, units, codes);
      });
      for (size_t i = 0; i < t.scales.size(); ++i) {
        t.scales[i] = Dyadic::FromE8M0(static_cast<uint8_t>(t.scale_codes[i]));
      }
      return t;
    }
    case ActivationFamily::kNvFp4: {
      CheckDivides(k, format.block_size, format.Name());
      BlockedTensor t = EmptyTensor(m, k, format.block_size, UnitExponent(kE2M1), ScaleType::kE4M3);
      t.tensor_scale_code = NvFp4TensorScale(a);
      const double tensor_scale = DecodeFloat(kFp32, t.tensor_scale_code);
      QuantizeBlocks(&t, a, [&](const double* x, int64_t* units, uint32_t* codes) {
        return QuantizeNvFp4Block(x, format.block_size, tensor_scale, units, codes);
      });
      for (size_t i = 0; i < t.scales.size(); ++i) {
        t.scales[i] = Dyadic::FromFloatCode(kE4M3, t.scale_codes[i]);
      }
      return t;
    }
  }
  return {};
}

BlockedTensor AlignFp16Blocks(const BlockedTensor& in, int block) {
  CheckDivides(in.k, block, "fp16 alignment");
  // Guard bits kept below the block's largest element: its 11-bit significand times 2^4 still
  // fits a signed 16-bit integer (2047 * 16 = 32752).
  constexpr int kGuardBits = 4;
  BlockedTensor t = EmptyTensor(in.rows, in.k, block, 0, ScaleType::kNone);
  t.codes = in.codes;
  t.scale_codes.clear();
  std::vector<int64_t> significand(static_cast<size_t>(block));
  std::vector<int> ulp_exponent(static_cast<size_t>(block));
  for (int64_t r = 0; r < in.rows; ++r) {
    for (int64_t b = 0; b < in.k / block; ++b) {
      const size_t first = r * in.k + b * block;
      Dyadic& scale = t.scales[r * (in.k / block) + b];
      bool special = false;
      bool any_nonzero = false;
      int max_exponent = 0;
      for (int i = 0; i < block; ++i) {
        const uint32_t code = in.codes[first + i];
        if (IsNan(kFp16, code) || IsInf(kFp16, code)) {
          special = true;
          continue;
        }
        // value = significand * 2^ulp_exponent, |significand| < 2^11.
        const int64_t units = FiniteToUnits(kFp16, code);  // in 2^-24
        if (units == 0) {
          significand[i] = 0;
          continue;
        }
        const int ulp = std::max(FloorLog2(kFp16, code) - 10, UnitExponent(kFp16));
        ulp_exponent[i] = ulp;
        significand[i] = units / (int64_t{1} << (ulp - UnitExponent(kFp16)));  // exact
        max_exponent = any_nonzero ? std::max(max_exponent, ulp) : ulp;
        any_nonzero = true;
      }
      scale = Dyadic{1, max_exponent - kGuardBits, special};
      if (special || !any_nonzero) continue;
      for (int i = 0; i < block; ++i) {
        if (significand[i] == 0) continue;
        // Shift the magnitude onto the block's grid, rounding to nearest, ties to even.
        const int shift = ulp_exponent[i] - (max_exponent - kGuardBits);
        const int64_t magnitude = std::llabs(significand[i]);
        int64_t q;
        if (shift >= 0) {
          q = magnitude << shift;
        } else if (-shift >= 62) {
          q = 0;  // far below half a step of the grid
        } else {
          const int right = -shift;
          q = magnitude >> right;
          const int64_t rest = magnitude - (q << right);
          const int64_t half = int64_t{1} << (right - 1);
          if (rest > half || (rest == half && (q & 1) != 0)) ++q;
        }
        const int64_t aligned = significand[i] < 0 ? -q : q;
        t.units[first + i] = aligned;
      }
    }
  }
  return t;
}

std::vector<double> Dequantize(const BlockedTensor& t) {
  std::vector<double> out(static_cast<size_t>(t.rows * t.k));
  const double tensor_scale = DecodeFloat(kFp32, t.tensor_scale_code);
  for (int64_t r = 0; r < t.rows; ++r) {
    const double row_scale = t.row_scale_codes.empty() ? 1.0 : Fp16Value(t.row_scale_codes[r]);
    for (int64_t kk = 0; kk < t.k; ++kk) {
      const size_t i = r * t.k + kk;
      if (t.units.empty()) {  // FP16 activations before alignment
        out[i] = DecodeFloat(kFp16, t.codes[i]);
        continue;
      }
      const size_t b = t.BlockIndex(r, kk);
      const int32_t zero = t.zero_points.empty() ? 0 : t.zero_points[b];
      out[i] = std::ldexp(static_cast<double>(t.units[i] - zero), t.unit_exponent) *
               t.scales[b].ToDouble() * row_scale * tensor_scale;
    }
  }
  return out;
}

}  // namespace mixpe
