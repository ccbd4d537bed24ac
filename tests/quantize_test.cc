// Tests of the quantizers and the FP16 block alignment (model/quantize.h) against
// docs/numerics.md sections 2, 3, 4, 6 and 10: hand-computed vectors (the arithmetic is in the
// comments), and an independent re-implementation of the spec's rules in this file (element
// rounding by exhaustive nearest-value search, FP16 rounding by the compiler's _Float16) that
// random tensors of every format name are checked against, code for code.
#include "model/quantize.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "model/input_error.h"
#include "model/quant_format.h"

namespace mixpe {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNan = std::numeric_limits<double>::quiet_NaN();
constexpr uint64_t kSeed = 20250307;

// ----- An independent reading of the element formats (docs/numerics.md section 2) -----

enum class Specials { kIeee, kE4M3, kNone };
struct Layout {
  int exponent_bits;
  int mantissa_bits;
  int bias;
  Specials specials;
  int bits() const { return 1 + exponent_bits + mantissa_bits; }
  int unit_exponent() const { return 1 - bias - mantissa_bits; }  // the smallest subnormal
};
constexpr Layout kFp16L{5, 10, 15, Specials::kIeee};
constexpr Layout kE4M3L{4, 3, 7, Specials::kE4M3};
constexpr Layout kE5M2L{5, 2, 15, Specials::kIeee};
constexpr Layout kE3M2L{3, 2, 3, Specials::kNone};
constexpr Layout kE2M3L{2, 3, 1, Specials::kNone};
constexpr Layout kE2M1L{2, 1, 1, Specials::kNone};

bool IsSpecialCode(const Layout& f, uint32_t code) {
  const uint32_t top = (1u << f.exponent_bits) - 1;
  const uint32_t exponent = (code >> f.mantissa_bits) & top;
  const uint32_t mantissa = code & ((1u << f.mantissa_bits) - 1);
  switch (f.specials) {
    case Specials::kIeee:
      return exponent == top;
    case Specials::kE4M3:
      return exponent == top && mantissa == (1u << f.mantissa_bits) - 1;
    case Specials::kNone:
      break;
  }
  return false;
}

// A finite code as a signed count of units: subnormal mantissa m is m units, a normal with biased
// exponent E is (2^mb + m) << (E - 1) units.
int64_t CodeUnits(const Layout& f, uint32_t code) {
  const uint32_t exponent = (code >> f.mantissa_bits) & ((1u << f.exponent_bits) - 1);
  const int64_t mantissa = code & ((1u << f.mantissa_bits) - 1);
  const int64_t units =
      exponent == 0 ? mantissa : ((int64_t{1} << f.mantissa_bits) + mantissa) << (exponent - 1);
  return ((code >> (f.bits() - 1)) & 1u) != 0 ? -units : units;
}

long double CodeValue(const Layout& f, uint32_t code) {
  return std::ldexp(static_cast<long double>(CodeUnits(f, code)), f.unit_exponent());
}

// Every finite non-negative value of the format, ascending, with its code.
struct GridPoint {
  long double value;
  uint32_t code;
};
std::vector<GridPoint> PositiveGrid(const Layout& f) {
  std::vector<GridPoint> grid;
  for (uint32_t code = 0; code < (1u << (f.bits() - 1)); ++code) {
    if (!IsSpecialCode(f, code)) grid.push_back({CodeValue(f, code), code});
  }
  std::sort(grid.begin(), grid.end(),
            [](const GridPoint& a, const GridPoint& b) { return a.value < b.value; });
  return grid;
}

// rne to the format with saturation, by search: the nearest grid value to |v| (clamped to the
// largest), ties to the even code; the sign bit copied from v (so -0 and tiny negatives give the
// negative-zero code).
uint32_t NearestCode(const Layout& f, double v) {
  const std::vector<GridPoint> grid = PositiveGrid(f);
  const long double magnitude = std::min<long double>(std::fabs(v), grid.back().value);
  const GridPoint* best = &grid[0];
  for (const GridPoint& p : grid) {
    const long double d = std::fabs(p.value - magnitude);
    const long double best_d = std::fabs(best->value - magnitude);
    if (d < best_d || (d == best_d && (p.code & 1u) == 0)) best = &p;
  }
  return best->code | (std::signbit(v) ? 1u << (f.bits() - 1) : 0u);
}

// Half the gap between the grid values around |v| (|v| <= the largest value).
long double HalfStep(const Layout& f, long double magnitude) {
  const std::vector<GridPoint> grid = PositiveGrid(f);
  for (size_t i = 1; i < grid.size(); ++i) {
    if (magnitude <= grid[i].value) return (grid[i].value - grid[i - 1].value) / 2;
  }
  return 0;
}

// rne_fp16 by the compiler's IEEE conversion, saturating at 65504 where asked.
uint16_t Fp16Rne(double v, bool saturate) {
  const _Float16 h = static_cast<_Float16>(v);
  uint16_t bits;
  std::memcpy(&bits, &h, sizeof bits);
  if (saturate && (bits & 0x7FFF) == 0x7C00) bits = static_cast<uint16_t>((bits & 0x8000) | 0x7BFF);
  return bits;
}
long double Fp16Value(uint32_t bits) { return CodeValue(kFp16L, bits); }

uint32_t Fp32Bits(float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, sizeof bits);
  return bits;
}
float Fp32FromBits(uint32_t bits) {
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

int64_t SignExtend(uint32_t code, int bits) {
  const int64_t v = code & ((1u << bits) - 1u);
  return v >= (int64_t{1} << (bits - 1)) ? v - (int64_t{1} << bits) : v;
}

// ----- Helpers -----

WeightFormat IntWeights(int bits, int group, bool asymmetric) {
  WeightFormat f;
  f.family = WeightFamily::kGroupInt;
  f.element = IntElement(bits);
  f.group_size = group;
  f.asymmetric = asymmetric;
  return f;
}

// One output channel (N = 1): the K x 1 matrix is just the vector.
BlockedTensor QuantizeColumn(const WeightFormat& f, const std::vector<double>& w) {
  return QuantizeWeights(f, w, static_cast<int64_t>(w.size()), 1);
}

BlockedTensor QuantizeRow(const std::string& activation_format, const std::vector<double>& a) {
  return QuantizeActivations(ParseActivationFormat(activation_format), a, 1,
                             static_cast<int64_t>(a.size()));
}

// The first `n` entries of `v`, so hand vectors can be checked without the padding zeros.
template <class T>
std::vector<T> Head(const std::vector<T>& v, size_t n) {
  return std::vector<T>(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(n));
}

std::vector<double> Padded(std::vector<double> v, size_t size) {
  v.resize(size, 0.0);
  return v;
}

// ===== INT weights (docs/numerics.md section 3) =====

TEST(QuantizeTest, IntSymmetricGroupScaleAndCodes) {
  // int4, G = 8. max|w| = 1.75, s = rne_fp16(1.75 / 7) = 0.25 = FP16 0x3400 (exact).
  // q = rne(w / 0.25): 7, -7, rne(0.5) = 0, rne(1.5) = 2, rne(-1.5) = -2, rne(2.5) = 2,
  // rne(-0.25) = 0, 4. Codes in 4-bit two's complement: -7 = 0x9, -2 = 0xE.
  const BlockedTensor t = QuantizeColumn(IntWeights(4, 8, false),
                                         {1.75, -1.75, 0.125, 0.375, -0.375, 0.625, -0.0625, 1.0});
  EXPECT_EQ(t.scale_codes, std::vector<uint32_t>{0x3400});
  EXPECT_EQ(t.codes, (std::vector<uint32_t>{0x7, 0x9, 0x0, 0x2, 0xE, 0x2, 0x0, 0x4}));
  EXPECT_EQ(t.units, (std::vector<int64_t>{7, -7, 0, 2, -2, 2, 0, 4}));
  EXPECT_EQ(t.unit_exponent, 0);
  // Symmetric: z = 0 (no zero points stored, or all zero).
  for (int32_t z : t.zero_points) EXPECT_EQ(z, 0);
}

TEST(QuantizeTest, IntSymmetricScaleIsRoundedToFp16BeforeDividing) {
  // int8, G = 4. 1/127 = 0.0078740...; FP16 has 10 fraction bits at 2^-7: 1.00787 * 1024 =
  // 1032.06 -> s = 1032 * 2^-17 = 129/16384 = 0x2008 (biased exponent 8, mantissa 8).
  // w / s: -1.0 -> -127.0078 -> -127 (0x81); 0.5 -> 63.5039 -> 64 (0x40);
  // 0.25 -> 31.752 -> 32 (0x20); 0.003 -> 0.381 -> 0.
  const BlockedTensor t = QuantizeColumn(IntWeights(8, 4, false), {-1.0, 0.5, 0.25, 0.003});
  EXPECT_EQ(t.scale_codes, std::vector<uint32_t>{0x2008});
  EXPECT_EQ(t.codes, (std::vector<uint32_t>{0x81, 0x40, 0x20, 0x00}));
  EXPECT_EQ(t.units, (std::vector<int64_t>{-127, 64, 32, 0}));
  EXPECT_EQ(t.scales[0].ToDouble(), 129.0 / 16384.0);
}

TEST(QuantizeTest, Int2SymmetricScaleIsTheLargestMagnitude) {
  // b = 2: 2^(b-1) - 1 = 1, so s = max|w| = 0.5 (0x3800). q = rne(1) = 1, rne(-0.5) = 0,
  // rne(0.25) = 0, -1 (2-bit code 0x3).
  const BlockedTensor t = QuantizeColumn(IntWeights(2, 4, false), {0.5, -0.25, 0.125, -0.5});
  EXPECT_EQ(t.scale_codes, std::vector<uint32_t>{0x3800});
  EXPECT_EQ(t.codes, (std::vector<uint32_t>{0x1, 0x0, 0x0, 0x3}));
}

TEST(QuantizeTest, IntSymmetricScaleSaturatesAt65504) {
  // b = 2: s = rne_fp16(1e6) saturates to 65504 (0x7BFF). q = clamp(rne(w / 65504), -2, 1):
  // 1e6 -> 15.27 -> 1; -5e5 -> -7.63 -> -2 (code 0x2); 65504 -> 1; 0 -> 0.
  const BlockedTensor t = QuantizeColumn(IntWeights(2, 4, false), {1e6, -5e5, 65504, 0});
  EXPECT_EQ(t.scale_codes, std::vector<uint32_t>{0x7BFF});
  EXPECT_EQ(t.codes, (std::vector<uint32_t>{0x1, 0x2, 0x1, 0x0}));
}

TEST(QuantizeTest, IntSymmetricMostNegativeCodeFromASubnormalScale) {
  // A symmetric group reaches -2^(b-1) only when s rounds far down, i.e. in the FP16 subnormals.
  // int4: max|w| = 9.8 * 2^-24, / 7 = 1.4 * 2^-24 -> s = 2^-24 (0x0001).
  // q = rne(w / 2^-24): -9.8 -> -10 -> clamp -8 (0x8); 7; 1; 0.
  const double u = std::ldexp(1.0, -24);
  const BlockedTensor t = QuantizeColumn(IntWeights(4, 4, false), {-9.8 * u, 7 * u, u, 0});
  EXPECT_EQ(t.scale_codes, std::vector<uint32_t>{0x0001});
  EXPECT_EQ(t.codes, (std::vector<uint32_t>{0x8, 0x7, 0x1, 0x0}));
  EXPECT_EQ(t.units, (std::vector<int64_t>{-8, 7, 1, 0}));
}

TEST(QuantizeTest, IntAsymmetricScaleZeroPointAndSignedStorage) {
  // int4_asym, G = 8, K = 16 (two groups).
  // Group 0: lo = -0.5, hi = 3.25; s = rne_fp16(3.75 / 15) = 0.25 (0x3400); z_u = rne(2) = 2.
  //   q_u = rne(w / 0.25) + 2: -0.5 -> 0, 3.25 -> 15, 0 -> 2, 1 -> 6, 2 -> 10, -0.25 -> 1,
  //   0.5 -> 4, 3 -> 14. Stored q = q_u - 8: -8, 7, -6, -2, 2, -7, -4, 6; z = 2 - 8 = -6.
  // Group 1: lo = -0.375, hi = 3.375; s = 3.75 / 15 = 0.25; z_u = rne(1.5) = 2 (tie to even).
  //   -0.375 -> rne(-1.5) + 2 = -2 + 2 = 0; 3.375 -> rne(13.5) + 2 = 14 + 2 = 16, clamped to 15;
  //   0.125 -> rne(0.5) + 2 = 2; 0 -> 2. Stored: -8, 7, -6, -6; z = -6.
  const BlockedTensor t =
      QuantizeColumn(IntWeights(4, 8, true), {-0.5, 3.25, 0.0, 1.0, 2.0, -0.25, 0.5, 3.0,  //
                                              -0.375, 3.375, 0.125, 0, 0, 0, 0, 0});
  EXPECT_EQ(t.scale_codes, (std::vector<uint32_t>{0x3400, 0x3400}));
  EXPECT_EQ(t.zero_points, (std::vector<int32_t>{-6, -6}));
  EXPECT_EQ(t.units, (std::vector<int64_t>{-8, 7, -6, -2, 2, -7, -4, 6,  //
                                           -8, 7, -6, -6, -6, -6, -6, -6}));
  // Two's complement codes: -8 = 0x8, -6 = 0xA, -2 = 0xE, -7 = 0x9, -4 = 0xC.
  EXPECT_EQ(t.codes, (std::vector<uint32_t>{0x8, 0x7, 0xA, 0xE, 0x2, 0x9, 0xC, 0x6,  //
                                            0x8, 0x7, 0xA, 0xA, 0xA, 0xA, 0xA, 0xA}));
  // q - z = q_u - z_u: the most negative code -8 is used.
  EXPECT_EQ(t.units[0] - t.zero_points[0], 0 - 2);
}

TEST(QuantizeTest, IntAsymmetricRangeIsWidenedToIncludeZero) {
  // All positive: lo = min(0.5, 0) = 0, hi = 3.75 -> s = 0.25, z_u = 0, z = -8.
  //   (Without the widening s would be rne_fp16(3.25 / 15) = 0.2167.)
  //   q_u = 4, 8, 15, 2 -> q = -4, 0, 7, -6.
  const BlockedTensor pos = QuantizeColumn(IntWeights(4, 4, true), {1.0, 2.0, 3.75, 0.5});
  EXPECT_EQ(pos.scale_codes, std::vector<uint32_t>{0x3400});
  EXPECT_EQ(pos.zero_points, std::vector<int32_t>{-8});
  EXPECT_EQ(pos.codes, (std::vector<uint32_t>{0xC, 0x0, 0x7, 0xA}));
  // All negative: lo = -3.75, hi = 0 -> s = 0.25, z_u = 15, z = 7.
  //   q_u = -15 + 15 = 0, -4 + 15 = 11, -1 + 15 = 14, -10 + 15 = 5 -> q = -8, 3, 6, -3.
  const BlockedTensor neg = QuantizeColumn(IntWeights(4, 4, true), {-3.75, -1.0, -0.25, -2.5});
  EXPECT_EQ(neg.scale_codes, std::vector<uint32_t>{0x3400});
  EXPECT_EQ(neg.zero_points, std::vector<int32_t>{7});
  EXPECT_EQ(neg.codes, (std::vector<uint32_t>{0x8, 0x3, 0x6, 0xD}));
  // int2_asym: lo = 0, hi = 3 -> s = 3 / 3 = 1 (0x3C00), z_u = 0, z = -2; q_u = 0..3 ->
  //   q = -2, -1, 0, 1 (2-bit codes 2, 3, 0, 1).
  const BlockedTensor two = QuantizeColumn(IntWeights(2, 4, true), {0.0, 1.0, 2.0, 3.0});
  EXPECT_EQ(two.scale_codes, std::vector<uint32_t>{0x3C00});
  EXPECT_EQ(two.zero_points, std::vector<int32_t>{-2});
  EXPECT_EQ(two.codes, (std::vector<uint32_t>{0x2, 0x3, 0x0, 0x1}));
}

TEST(QuantizeTest, WeightsAreGroupedAlongKPerOutputChannel) {
  // K = 8, N = 2, G = 4, given K x N row-major (column n is output channel n); the tensor holds
  // N rows of K, cut into groups along K.
  // Channel 0: groups {7, 1, 0, 0} (s = 7 / 7 = 1) and {0, 0, 0, 3.5} (s = 3.5 / 7 = 0.5).
  // Channel 1: groups {0.7, 0, 0, 0} (s = rne_fp16(0.1) = 0x2E66) and all zero (s = 0).
  const std::vector<double> w = {7,   0.7,  //
                                 1,   0,    //
                                 0,   0,    //
                                 0,   0,    //
                                 0,   0,    //
                                 0,   0,    //
                                 0,   0,    //
                                 3.5, 0};
  const BlockedTensor t = QuantizeWeights(IntWeights(4, 4, false), w, 8, 2);
  EXPECT_EQ(t.rows, 2);
  EXPECT_EQ(t.k, 8);
  EXPECT_EQ(t.block, 4);
  EXPECT_EQ(t.scale_codes, (std::vector<uint32_t>{0x3C00, 0x3800, 0x2E66, 0x0000}));
  // Channel 1, k = 0: 0.7 / 0.0999756 = 7.0017 -> 7.
  EXPECT_EQ(t.units, (std::vector<int64_t>{7, 1, 0, 0, 0, 0, 0, 7,  //
                                           7, 0, 0, 0, 0, 0, 0, 0}));
}

TEST(QuantizeTest, AllZeroGroupHasZeroScaleAndZeroValue) {
  // Symmetric: s = rne_fp16(0) = 0, q = 0 (also for -0.0: integers have no negative zero).
  const BlockedTensor sym = QuantizeColumn(IntWeights(4, 4, false), {0.0, -0.0, 0.0, 0.0});
  EXPECT_EQ(sym.scale_codes, std::vector<uint32_t>{0x0000});
  EXPECT_EQ(sym.codes, (std::vector<uint32_t>{0, 0, 0, 0}));
  // Asymmetric: s = 0 and the group quantizes to q = z (section 3: "quantizes the group to q = z"),
  // so every q - z is 0. (Which z is stored the spec does not say.)
  const BlockedTensor asym = QuantizeColumn(IntWeights(4, 4, true), {0.0, 0.0, -0.0, 0.0});
  EXPECT_EQ(asym.scale_codes, std::vector<uint32_t>{0x0000});
  ASSERT_EQ(asym.zero_points.size(), 1u);
  for (int64_t q : asym.units) EXPECT_EQ(q, asym.zero_points[0]);
  for (double v : Dequantize(asym)) EXPECT_EQ(v, 0.0);
}

TEST(QuantizeTest, ScaleThatUnderflowsFp16QuantizesTheGroupToZero) {
  // int4: max|w| = 2^-27, / 7 < 2^-25 (half the smallest subnormal) -> s = 0 -> q = 0.
  const double e27 = std::ldexp(1.0, -27);
  const BlockedTensor tiny =
      QuantizeColumn(IntWeights(4, 4, false), {e27, -e27, std::ldexp(1.0, -28), 0});
  EXPECT_EQ(tiny.scale_codes, std::vector<uint32_t>{0x0000});
  EXPECT_EQ(tiny.units, (std::vector<int64_t>{0, 0, 0, 0}));
  // int2 (s = max|w|): exactly 2^-25 is a tie between 0 and 2^-24 -> even -> 0: all zero.
  const double e25 = std::ldexp(1.0, -25);
  const BlockedTensor tie = QuantizeColumn(IntWeights(2, 4, false), {e25, -e25, 0, 0});
  EXPECT_EQ(tie.scale_codes, std::vector<uint32_t>{0x0000});
  EXPECT_EQ(tie.units, (std::vector<int64_t>{0, 0, 0, 0}));
  // Just above the tie: s = 2^-24 (0x0001); q = rne((2^-25 + 2^-35) / 2^-24) = rne(0.5005) = 1.
  const double above = e25 + std::ldexp(1.0, -35);
  const BlockedTensor up = QuantizeColumn(IntWeights(2, 4, false), {above, -above, 0, 0});
  EXPECT_EQ(up.scale_codes, std::vector<uint32_t>{0x0001});
  EXPECT_EQ(up.units, (std::vector<int64_t>{1, -1, 0, 0}));
  // Asymmetric: (hi - lo) / 15 underflows as well -> q = z.
  const BlockedTensor asym = QuantizeColumn(IntWeights(4, 4, true), {e27, -e27, 0, 0});
  EXPECT_EQ(asym.scale_codes, std::vector<uint32_t>{0x0000});
  for (int64_t q : asym.units) EXPECT_EQ(q, asym.zero_points[0]);
}

// ===== INT8 per-token activations (section 4) =====

TEST(QuantizeTest, Int8PerTokenScaleAndCodes) {
  const double u = std::ldexp(1.0, -24);
  const std::vector<double> a = {
      // Row 0: s_a = rne_fp16(2.54 / 127 = 0.02) = 1311 * 2^-16 = 0.0200043 (0x251F: biased
      // exponent 9, mantissa 0.28 * 1024 = 286.7 -> 287 = 0x11F). a / s_a: 2.54 -> 126.97 -> 127;
      // -1.27 -> -63.49 -> -63 (0xC1); 0.01 -> 0.49989 -> 0; 0.03 -> 1.49968 -> 1 (with an exact
      // 0.02 it would be the tie 1.5 -> 2); -2.54 -> -127 (0x81); 0.0099 -> 0; 0; 1.0 -> 49.99
      // -> 50.
      2.54, -1.27, 0.01, 0.03, -2.54, 0.0099, 0, 1.0,
      // Row 1: max|a| = 180 * 2^-24, / 127 = 1.417 * 2^-24 -> s_a = 2^-24 (0x0001, subnormal);
      // q = -180 -> clamped to -128 (0x80, the most negative code); 180 -> 127; 10.
      -180 * u, 180 * u, 10 * u, 0, 0, 0, 0, 0,
      // Row 2: all zero -> s_a = 0, q = 0.
      0, 0, 0, 0, 0, 0, 0, 0};
  const BlockedTensor t = QuantizeActivations(ParseActivationFormat("int8_token"), a, 3, 8);
  EXPECT_EQ(t.row_scale_codes, (std::vector<uint16_t>{0x251F, 0x0001, 0x0000}));
  EXPECT_EQ(t.codes, (std::vector<uint32_t>{0x7F, 0xC1, 0,    1, 0x81, 0, 0, 0x32,  //
                                            0x80, 0x7F, 0x0A, 0, 0,    0, 0, 0,     //
                                            0,    0,    0,    0, 0,    0, 0, 0}));
  EXPECT_EQ(t.units, (std::vector<int64_t>{127,  -63, 0,  1, -127, 0, 0, 50,  //
                                           -128, 127, 10, 0, 0,    0, 0, 0,   //
                                           0,    0,   0,  0, 0,    0, 0, 0}));
  EXPECT_EQ(t.block, 8);  // one block of K
  EXPECT_EQ(t.unit_exponent, 0);
}

TEST(QuantizeTest, Int8PerTokenScaleSaturatesAt65504) {
  // Section 4 does not say what happens when max|a| / 127 is beyond FP16; this pins the rule
  // section 3 states for weight scales (saturate at 65504, 0x7BFF) rather than an Inf scale that
  // would turn the row into zeros times Inf (see the report on docs/numerics.md).
  // q = clamp(rne(a / 65504)): 1e7 -> 152.66 -> 127; -5e6 -> -76.33 -> -76; 0 -> 0.
  const BlockedTensor t =
      QuantizeActivations(ParseActivationFormat("int8_token"), {1e7, -5e6, 0, 0}, 1, 4);
  EXPECT_EQ(t.row_scale_codes, std::vector<uint16_t>{0x7BFF});
  EXPECT_EQ(t.units, (std::vector<int64_t>{127, -76, 0, 0}));
}

// Values whose quotient by a saturated scale lies beyond the int64 range (about 2^111 here) still
// clamp by their sign: the rounding is clamped before it becomes an integer. (Converted first,
// such a quotient is undefined behaviour: x86 GCC gave -2^63, so +huge became the most negative
// code; clang gave other codes. The random regression, sim/regression.h, injects such values.)
TEST(QuantizeTest, QuotientsBeyondInt64ClampByTheirSign) {
  const double huge = std::ldexp(1.5, 127);
  const BlockedTensor sym = QuantizeColumn(IntWeights(4, 4, false), {huge, -huge, 0, 1});
  EXPECT_EQ(sym.scale_codes, std::vector<uint32_t>{0x7BFF});
  EXPECT_EQ(sym.units, (std::vector<int64_t>{7, -8, 0, 0}));
  // Asymmetric: z_u = clamp(rne(huge / 65504), 0, 15) = 15 (stored 7); q_u = 15, 0, 15, 15.
  const BlockedTensor asym = QuantizeColumn(IntWeights(4, 4, true), {huge, -huge, 0, 1});
  EXPECT_EQ(asym.scale_codes, std::vector<uint32_t>{0x7BFF});
  EXPECT_EQ(asym.zero_points, std::vector<int32_t>{7});
  EXPECT_EQ(asym.units, (std::vector<int64_t>{7, -8, 7, 7}));
  const BlockedTensor token = QuantizeRow("int8_token", {huge, -huge, 0, 1});
  EXPECT_EQ(token.row_scale_codes, std::vector<uint16_t>{0x7BFF});
  EXPECT_EQ(token.units, (std::vector<int64_t>{127, -128, 0, 0}));
  // MXINT8 beyond the clamped shared exponent 127: 2^200 / 2^127 * 64 = 2^79.
  std::vector<double> block(32, 0.0);
  block[0] = std::ldexp(1.0, 200);
  block[1] = -std::ldexp(1.0, 200);
  const BlockedTensor mx = QuantizeRow("mxint8", block);
  EXPECT_EQ(mx.scale_codes, std::vector<uint32_t>{0xFE});
  EXPECT_EQ(mx.units[0], 127);
  EXPECT_EQ(mx.units[1], -127);
}

// ===== MX (section 3, "MX") =====

TEST(QuantizeTest, MxFp4SharedExponentAndElementRounding) {
  // max|x| = 12: floor(log2 12) = 3, e = 3 - emax(E2M1) = 3 - 2 = 1, X = 2 (E8M0 127 + 1 = 0x80).
  // x / 2 = 6, 0.375, -1.25, 2.5, 5, 0.25, -0.25, 3.5, -5.95. E2M1 grid 0 .5 1 1.5 2 3 4 6:
  //   6 (0x7); 0.375 -> 0.5 (0x1); -1.25 tie 1|1.5 -> 1 (even mantissa, 0xA); 2.5 tie 2|3 -> 2
  //   (0x4); 5 tie 4|6 -> 4 (0x6); 0.25 tie 0|0.5 -> 0 (0x0); -0.25 -> -0 (0x8, sign kept);
  //   3.5 tie 3|4 -> 4 (0x6); -5.95 -> -6 (0xF). Units of 0.5: 12 1 -2 4 8 0 0 8 -12.
  const std::vector<double> x =
      Padded({12, 0.75, -2.5, 5, 10, 0.5, -0.5, 7, -11.9}, 32);  // the rest of the block is 0
  for (const BlockedTensor& t :
       {QuantizeRow("mxfp4", x), QuantizeColumn(ParseWeightFormat("mxfp4"), x)}) {
    EXPECT_EQ(t.scale_codes, std::vector<uint32_t>{0x80});
    EXPECT_EQ(Head(t.codes, 10),
              (std::vector<uint32_t>{0x7, 0x1, 0xA, 0x4, 0x6, 0x0, 0x8, 0x6, 0xF, 0x0}));
    EXPECT_EQ(Head(t.units, 9), (std::vector<int64_t>{12, 1, -2, 4, 8, 0, 0, 8, -12}));
    EXPECT_EQ(t.unit_exponent, -1);
    EXPECT_EQ(t.scales[0].ToDouble(), 2.0);
  }
}

TEST(QuantizeTest, MxFp4SaturatesElementsAboveSix) {
  // max|x| = 7.9: floor(log2) = 2, e = 0, X = 1 (0x7F). 7.9 and -7.5 exceed 6 and saturate to
  // +-6 (0x7, 0xF); 1.0 -> 0x2; 0.3 -> 0.5 (0x1).
  const BlockedTensor t = QuantizeRow("mxfp4", Padded({7.9, -7.5, 1.0, 0.3}, 32));
  EXPECT_EQ(t.scale_codes, std::vector<uint32_t>{0x7F});
  EXPECT_EQ(Head(t.codes, 4), (std::vector<uint32_t>{0x7, 0xF, 0x2, 0x1}));
}

TEST(QuantizeTest, MxFp8E4M3SharedExponentRoundingAndSaturation) {
  // Block 0: max|x| = 300, floor(log2) = 8 = emax -> e = 0, X = 1 (0x7F).
  //   300 = 1.171875 * 2^8 -> 1.125 * 2^8 = 288: 0.1111.001 = 0x79.
  //   0.001 = 0.512 units of 2^-9 -> 1 unit: 0x01 (subnormal kept).
  //   -3.3 = -1.65 * 2 -> -1.625 * 2: 1.1000.101 = 0xC5.
  //   100 = 1.5625 * 2^6, tie 1.5|1.625 -> 1.5 (mantissa 100b even) = 96: 0.1101.100 = 0x6C.
  // Block 1: max|x| = 1000, floor(log2) = 9 -> e = 1, X = 2 (0x80). x / 2: 500 > 464 saturates to
  //   448 (0x7E); -465 -> -448 (0xFE); 464, the tie 448|480, rounds to 448 (0x7E); 1 -> 0x38.
  std::vector<double> x = Padded({300, 0.001, -3.3, 100}, 32);
  const std::vector<double> block1 = Padded({1000, -930, 928, 2}, 32);
  x.insert(x.end(), block1.begin(), block1.end());
  const BlockedTensor t = QuantizeRow("mxfp8_e4m3", x);
  EXPECT_EQ(t.scale_codes, (std::vector<uint32_t>{0x7F, 0x80}));
  EXPECT_EQ(Head(t.codes, 4), (std::vector<uint32_t>{0x79, 0x01, 0xC5, 0x6C}));
  EXPECT_EQ(std::vector<uint32_t>(t.codes.begin() + 32, t.codes.begin() + 36),
            (std::vector<uint32_t>{0x7E, 0xFE, 0x7E, 0x38}));
  // Units of 2^-9: 288 * 512 = 147456; 448 * 512 = 229376 (the table's largest in units).
  EXPECT_EQ(t.units[0], 147456);
  EXPECT_EQ(t.units[32], 229376);
  EXPECT_EQ(t.unit_exponent, -9);
}

TEST(QuantizeTest, MxInt8SixFractionBitsAndSymmetricSaturation) {
  // emax = 0. max|x| = 3.99: floor(log2) = 1, e = 1, X = 2 (0x80). Elements on the 2^-6 grid:
  // x / 2 * 64: 3.99 -> 127.68 -> 128 -> clamp 127 (0x7F); -3.99 -> -127 (0x81; -128 is unused);
  // 3.0 -> 96 (0x60); 5/64 -> 2.5 -> 2 (0x02); -3/64 -> -1.5 -> -2 (0xFE); 3/128 -> 0.75 -> 1;
  // 1/128 -> 0.25 -> 0.
  const BlockedTensor t = QuantizeRow(
      "mxint8", Padded({3.99, -3.99, 3.0, 5.0 / 64, -3.0 / 64, 3.0 / 128, 1.0 / 128}, 32));
  EXPECT_EQ(t.scale_codes, std::vector<uint32_t>{0x80});
  EXPECT_EQ(Head(t.codes, 7), (std::vector<uint32_t>{0x7F, 0x81, 0x60, 0x02, 0xFE, 0x01, 0x00}));
  EXPECT_EQ(Head(t.units, 7), (std::vector<int64_t>{127, -127, 96, 2, -2, 1, 0}));
  EXPECT_EQ(t.unit_exponent, -6);
}

TEST(QuantizeTest, MxInt4TwoFractionBitsAndMinusEightUnused) {
  // emax = 0. max|x| = 1.9: floor(log2) = 0, e = 0, X = 1 (0x7F). x * 4: 7.6 -> 8 -> clamp 7
  // (0x7); -7.6 -> -7 (0x9, never 0x8); 1.5 -> 2; 2.5 -> 2; -0.5 -> 0; 4; 3.2 -> 3.
  const BlockedTensor t =
      QuantizeRow("mxint4", Padded({1.9, -1.9, 0.375, 0.625, -0.125, 1.0, 0.8}, 32));
  EXPECT_EQ(t.scale_codes, std::vector<uint32_t>{0x7F});
  EXPECT_EQ(Head(t.codes, 7), (std::vector<uint32_t>{0x7, 0x9, 0x2, 0x2, 0x0, 0x4, 0x3}));
  EXPECT_EQ(Head(t.units, 7), (std::vector<int64_t>{7, -7, 2, 2, 0, 4, 3}));
  EXPECT_EQ(t.unit_exponent, -2);
}

TEST(QuantizeTest, EveryMxElementUsesItsEmax) {
  // A block whose largest element is 1.0: e = 0 - emax, so X = 2^-emax and the element is
  // 2^emax, the format's largest power of two. A -0.0 beside it encodes to the sign-1 zero code
  // of float elements (section 10) and to 0 for integers.
  struct Case {
    const char* name;
    uint32_t scale_code;     // 127 - emax
    uint32_t code;           // 2^emax
    uint32_t negative_zero;  // the sign bit alone
  };
  const Case cases[] = {
      {"mxfp8_e4m3", 127 - 8, 0x78, 0x80},   // 256: 0.1111.000
      {"mxfp8_e5m2", 127 - 15, 0x78, 0x80},  // 32768: 0.11110.00
      {"mxfp6_e3m2", 127 - 4, 0x1C, 0x20},   // 16: 0.111.00
      {"mxfp6_e2m3", 127 - 2, 0x18, 0x20},   // 4: 0.11.000
      {"mxfp4", 127 - 2, 0x6, 0x8},          // 4: 0.11.0
      {"mxint8", 127, 0x40, 0x0},            // 1.0 = 64/64
      {"mxint4", 127, 0x4, 0x0},             // 1.0 = 4/4
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const BlockedTensor t = QuantizeRow(c.name, Padded({1.0, -0.0}, 32));
    EXPECT_EQ(t.scale_codes, std::vector<uint32_t>{c.scale_code});
    EXPECT_EQ(t.codes[0], c.code);
    EXPECT_EQ(t.codes[1], c.negative_zero);
    EXPECT_EQ(t.units[1], 0);
  }
}

TEST(QuantizeTest, ElementTableOfSection2) {
  // Unit exponent, largest value in units and emax of each element, typed in from the tables of
  // sections 2 and 3.
  struct Row {
    const char* name;
    int unit_exponent;
    int64_t max_units;
    int emax;
  };
  const Row rows[] = {
      {"mxint8", -6, 127, 0},        {"mxint4", -2, 7, 0},
      {"mxfp8_e4m3", -9, 229376, 8}, {"mxfp8_e5m2", -16, 3758096384, 15},
      {"mxfp6_e3m2", -4, 448, 4},    {"mxfp6_e2m3", -3, 60, 2},
      {"mxfp4", -1, 12, 2},
  };
  for (const Row& r : rows) {
    SCOPED_TRACE(r.name);
    const ElementType e = MxElement(r.name);
    EXPECT_EQ(e.unit_exponent(), r.unit_exponent);
    EXPECT_EQ(e.max_units(), r.max_units);
    EXPECT_EQ(e.emax, r.emax);
    EXPECT_EQ(ParseWeightFormat(r.name).group_size, 32);
    EXPECT_EQ(ParseActivationFormat(r.name).block_size, 32);
  }
  const ElementType fp16 = ParseActivationFormat("fp16").element;
  EXPECT_EQ(fp16.unit_exponent(), -24);
  EXPECT_EQ(fp16.max_units(), int64_t{65504} << 24);
  EXPECT_EQ(ParseWeightFormat("nvfp4").group_size, 16);
  EXPECT_EQ(ParseActivationFormat("nvfp4").block_size, 16);
  EXPECT_EQ(ParseWeightFormat("int3_gch_asym").GroupSizeFor(96), 96);
}

TEST(QuantizeTest, MxAllZeroBlockHasScale0x00) {
  for (const char* name :
       {"mxint8", "mxint4", "mxfp8_e4m3", "mxfp8_e5m2", "mxfp6_e3m2", "mxfp6_e2m3", "mxfp4"}) {
    SCOPED_TRACE(name);
    const BlockedTensor t = QuantizeRow(name, std::vector<double>(32, 0.0));
    EXPECT_EQ(t.scale_codes, std::vector<uint32_t>{0x00});
    EXPECT_EQ(t.scales[0].ToDouble(), std::ldexp(1.0, -127));
    EXPECT_EQ(t.codes, std::vector<uint32_t>(32, 0));
    EXPECT_EQ(t.units, std::vector<int64_t>(32, 0));
  }
}

TEST(QuantizeTest, MxNanOrInfInBlockGivesScale0xFFAndZeroElements) {
  for (double special : {kNan, kInf, -kInf}) {
    for (const char* name : {"mxint8", "mxfp8_e4m3", "mxfp4"}) {
      SCOPED_TRACE(testing::Message() << name << " " << special);
      // Block 0 holds the special value; block 1 (max 1.0) is unaffected.
      std::vector<double> x = Padded({1.5, special, -3.0}, 32);
      const std::vector<double> ok = Padded({1.0}, 32);
      x.insert(x.end(), ok.begin(), ok.end());
      const BlockedTensor t = QuantizeRow(name, x);
      EXPECT_EQ(t.scale_codes[0], 0xFFu);
      EXPECT_TRUE(t.scales[0].nan);
      EXPECT_EQ(Head(t.codes, 32), std::vector<uint32_t>(32, 0));
      EXPECT_EQ(Head(t.units, 32), std::vector<int64_t>(32, 0));
      EXPECT_NE(t.scale_codes[1], 0xFFu);
      EXPECT_TRUE(std::isnan(Dequantize(t)[0]));
    }
  }
}

TEST(QuantizeTest, MxSharedExponentClampsAtPlusAndMinus127) {
  // mxfp4, max|x| = 2^130: floor(log2) - 2 = 128 -> clamped to 127, X = 2^127 (0xFE).
  // x / 2^127: 8 saturates to 6 (0x7); 1 (0x2); -0.5 (0x9).
  const BlockedTensor high = QuantizeRow(
      "mxfp4", Padded({std::ldexp(1.0, 130), std::ldexp(1.0, 127), -std::ldexp(1.0, 126)}, 32));
  EXPECT_EQ(high.scale_codes, std::vector<uint32_t>{0xFE});
  EXPECT_EQ(Head(high.codes, 3), (std::vector<uint32_t>{0x7, 0x2, 0x9}));
  // mxint8, max|x| = 2^-128: e = -128 -> clamped to -127, X = 2^-127 (0x00 with nonzero elements).
  // x / 2^-127 * 64: 2^-128 -> 32 (0x20); 3 * 2^-135 -> 0.75 -> 1.
  const BlockedTensor low =
      QuantizeRow("mxint8", Padded({std::ldexp(1.0, -128), 3 * std::ldexp(1.0, -135)}, 32));
  EXPECT_EQ(low.scale_codes, std::vector<uint32_t>{0x00});
  EXPECT_EQ(Head(low.codes, 2), (std::vector<uint32_t>{0x20, 0x01}));
  // mxfp8_e4m3, max|x| = 2^-130: -130 - 8 -> clamped to -127; 2^-3 = 0.0100.000 = 0x20.
  const BlockedTensor e4m3 = QuantizeRow("mxfp8_e4m3", Padded({std::ldexp(1.0, -130)}, 32));
  EXPECT_EQ(e4m3.scale_codes, std::vector<uint32_t>{0x00});
  EXPECT_EQ(e4m3.codes[0], 0x20u);
}

// ===== NVFP4 (section 3) =====

TEST(QuantizeTest, NvFp4TensorScaleBlockScaleAndElements) {
  // max|x| over the tensor = 168: s_tensor = rne_fp32(168 / 2688) = 1/16 (0x3D800000).
  // Block 0 (max 168): s_block = rne_e4m3(168 / 6 / (1/16)) = rne_e4m3(448) = 448 (0x7E);
  //   s_block * s_tensor = 28. x / 28: 6 (0x7); 1 (0x2); -1.5 (0xB); 0.5 (0x1); 0.25 tie 0|0.5
  //   -> 0 (0x0); 2.5 tie -> 2 (0x4); -3.5 tie 3|4 -> -4 (0xE); 0.1 / 28 -> 0.
  // Block 1 (max 10): 10 / 6 * 16 = 26.67; E4M3 in [16, 32) has step 2 -> 26 = 1.625 * 2^4:
  //   0.1011.101 = 0x5D; 26 / 16 = 1.625. x / 1.625: 10 -> 6.15 -> 6 (0x7); -1 (0xA);
  //   4.0625 -> 2.5 -> 2 (0x4); 0.8125 -> 0.5 (0x1).
  std::vector<double> x = Padded({168, 28, -42, 14, 7, 70, -98, 0.1}, 16);
  const std::vector<double> block1 = Padded({10, -1.625, 4.0625, 0.8125}, 16);
  x.insert(x.end(), block1.begin(), block1.end());
  for (const BlockedTensor& t :
       {QuantizeRow("nvfp4", x), QuantizeColumn(ParseWeightFormat("nvfp4"), x)}) {
    EXPECT_EQ(t.tensor_scale_code, 0x3D800000u);
    EXPECT_EQ(t.block, 16);
    EXPECT_EQ(t.scale_codes, (std::vector<uint32_t>{0x7E, 0x5D}));
    EXPECT_EQ(Head(t.codes, 8), (std::vector<uint32_t>{0x7, 0x2, 0xB, 0x1, 0x0, 0x4, 0xE, 0x0}));
    EXPECT_EQ(std::vector<uint32_t>(t.codes.begin() + 16, t.codes.begin() + 20),
              (std::vector<uint32_t>{0x7, 0xA, 0x4, 0x1}));
    // Dequantized: 6 * 28 = 168, -4 * 28 = -112, 6 * 1.625 = 9.75.
    const std::vector<double> d = Dequantize(t);
    EXPECT_EQ(d[0], 168.0);
    EXPECT_EQ(d[6], -112.0);
    EXPECT_EQ(d[16], 9.75);
  }
}

TEST(QuantizeTest, NvFp4BlockScaleThatUnderflowsGivesZeroElements) {
  // Block 0 sets s_tensor = rne_fp32(2688 / 2688) = 1. Block 1's max is 6 * 2^-11:
  // s_block = rne_e4m3(2^-11) = 0 (below 2^-10, half the smallest E4M3 subnormal 2^-9), code 0x00.
  // Section 3 then reads p = rne_e2m1(x / 0), which it does not define; this pins zero elements,
  // as for INT groups whose scale rounds to 0 (see the report on docs/numerics.md).
  std::vector<double> x = Padded({2688}, 16);
  const std::vector<double> tiny =
      Padded({6 * std::ldexp(1.0, -11), -3 * std::ldexp(1.0, -11)}, 16);
  x.insert(x.end(), tiny.begin(), tiny.end());
  const BlockedTensor t = QuantizeRow("nvfp4", x);
  EXPECT_EQ(t.tensor_scale_code, 0x3F800000u);
  EXPECT_EQ(t.scale_codes, (std::vector<uint32_t>{0x7E, 0x00}));
  EXPECT_EQ(std::vector<uint32_t>(t.codes.begin() + 16, t.codes.end()),
            std::vector<uint32_t>(16, 0));
  EXPECT_EQ(Dequantize(t)[16], 0.0);
}

TEST(QuantizeTest, NvFp4AllZeroTensorHasTensorScaleOne) {
  const BlockedTensor t = QuantizeRow("nvfp4", std::vector<double>(16, 0.0));
  EXPECT_EQ(t.tensor_scale_code, 0x3F800000u);
  EXPECT_EQ(t.codes, std::vector<uint32_t>(16, 0));
}

TEST(QuantizeTest, NvFp4NanOrInfBlockGetsNanBlockScale) {
  for (double special : {kNan, kInf}) {
    std::vector<double> x = Padded({1.0, special}, 16);
    const std::vector<double> ok = Padded({6.0}, 16);
    x.insert(x.end(), ok.begin(), ok.end());
    const BlockedTensor t = QuantizeRow("nvfp4", x);
    EXPECT_EQ(t.scale_codes[0], 0x7Fu);
    EXPECT_TRUE(t.scales[0].nan);
    EXPECT_EQ(Head(t.codes, 16), std::vector<uint32_t>(16, 0));
    EXPECT_FALSE(t.scales[1].nan);
  }
}

// ===== FP16 block alignment (section 6) =====

// An FP16 value M * 2^x written by its significand and last-bit exponent.
double Fp16Of(int significand, int x) { return std::ldexp(static_cast<double>(significand), x); }

BlockedTensor Align(const std::vector<double>& values, int block) {
  return AlignFp16Blocks(QuantizeRow("fp16", values), block);
}

TEST(QuantizeTest, Fp16AlignmentShiftsByTheExponentGap) {
  // The largest element is 1025 * 2^-10 (M = 1025, x = -10): scale 2^(-10 - 4) = 2^-14, and each
  // A = rne(M * 2^(x + 10 - 4)), i.e. M shifted by 4 - gap.
  const std::vector<double> a = {
      Fp16Of(1025, -10),   // gap 0: 1025 << 4 = 16400
      Fp16Of(2047, -11),   // gap 1: 2047 << 3 = 16376
      Fp16Of(1027, -12),   // gap 2: 1027 << 2 = 4108
      Fp16Of(-1029, -13),  // gap 3: -(1029 << 1) = -2058
      Fp16Of(1031, -14),   // gap 4: 1031
      Fp16Of(1033, -15),   // gap 5: 516.5, tie -> 516 (even)
      Fp16Of(1035, -15),   // gap 5: 517.5, tie -> 518 (even)
      Fp16Of(-1035, -15),  // gap 5: rounded on |M| = 517.5 -> 518, sign restored: -518
      Fp16Of(1034, -16),   // gap 6: 258.5, tie -> 258
      Fp16Of(1035, -16),   // gap 6: 258.75 -> 259
      Fp16Of(1033, -16),   // gap 6: 258.25 -> 258
      Fp16Of(1536, -20),   // gap 10: 1536 / 64 = 24
      Fp16Of(1024, -24),   // gap 14 (2^-14, the smallest normal): 1024 / 1024 = 1
      Fp16Of(1535, -24),   // gap 14: 1.499 -> 1
      Fp16Of(512, -24),    // subnormal 2^-15, x = -24: 0.5, tie -> 0
      0.0,                 // zeros are skipped and give 0
  };
  const BlockedTensor t = Align(a, 16);
  EXPECT_EQ(t.units, (std::vector<int64_t>{16400, 16376, 4108, -2058, 1031, 516, 518, -518, 258,
                                           259, 258, 24, 1, 1, 0, 0}));
  ASSERT_EQ(t.scales.size(), 1u);
  EXPECT_FALSE(t.scales[0].nan);
  EXPECT_EQ(t.scales[0].ToDouble(), std::ldexp(1.0, -14));
  EXPECT_EQ(t.unit_exponent, 0);
}

TEST(QuantizeTest, Fp16AlignmentOfSubnormals) {
  // Only subnormals and the smallest normal: every x is -24, scale 2^-28, A = 16 M.
  // Zeros (+0 and -0) do not take part in the maximum.
  const BlockedTensor same = Align({Fp16Of(3, -24), Fp16Of(1, -24), Fp16Of(1023, -24), -0.0, 0.0,
                                    Fp16Of(1024, -24), Fp16Of(-7, -24), 0.0},
                                   8);
  EXPECT_EQ(same.units, (std::vector<int64_t>{48, 16, 16368, 0, 0, 16384, -112, 0}));
  EXPECT_EQ(same.scales[0].ToDouble(), std::ldexp(1.0, -28));
  // Largest 2^-9 (M = 1024, x = -19): subnormals (x = -24, gap 5) are shifted right by 1:
  // 3 -> 1.5 -> 2; 1 -> 0.5 -> 0; 5 -> 2.5 -> 2; 7 -> 3.5 -> 4; 1023 -> 511.5 -> 512; -1023 ->
  // -512. The largest: 1024 << 4 = 16384. Scale 2^-23.
  const BlockedTensor shifted =
      Align({Fp16Of(1024, -19), Fp16Of(3, -24), Fp16Of(1, -24), Fp16Of(5, -24), Fp16Of(7, -24),
             Fp16Of(1023, -24), Fp16Of(-1023, -24), 0.0},
            8);
  EXPECT_EQ(shifted.units, (std::vector<int64_t>{16384, 2, 0, 2, 4, 512, -512, 0}));
  EXPECT_EQ(shifted.scales[0].ToDouble(), std::ldexp(1.0, -23));
}

TEST(QuantizeTest, Fp16AlignmentLargestMagnitudeIs32752) {
  // 65504 = 2047 * 2^5: A = 2047 * 16 = 32752, the 16-bit bound; scale 2^1.
  // 2.0 = 1024 * 2^-9, gap 14: 1024 / 2^10 = 1; 1.0, gap 15: 0.5, a tie -> 0.
  const BlockedTensor t = Align({65504, -65504, 2.0, 1.0}, 4);
  EXPECT_EQ(t.units, (std::vector<int64_t>{32752, -32752, 1, 0}));
  EXPECT_EQ(t.scales[0].ToDouble(), 2.0);
}

TEST(QuantizeTest, Fp16AlignmentIsPerBlock) {
  // Two blocks of 4 in one row: each has its own x_max.
  const BlockedTensor t = Align({1024, 1.0, 0, 0, 1.0, Fp16Of(1025, -14), 0, 0}, 4);
  // Block 0: x_max = 0 (1024 = 1024 * 2^0), 1.0 = 1024 * 2^-10 -> gap 10: 1024 / 64 = 16.
  // Block 1: x_max = -10; 1025 * 2^-14: gap 4 -> 1025.
  EXPECT_EQ(t.units, (std::vector<int64_t>{16384, 16, 0, 0, 16384, 1025, 0, 0}));
  ASSERT_EQ(t.scales.size(), 2u);
  EXPECT_EQ(t.scales[0].ToDouble(), std::ldexp(1.0, -4));
  EXPECT_EQ(t.scales[1].ToDouble(), std::ldexp(1.0, -14));
}

TEST(QuantizeTest, Fp16AlignmentInfOrNanMakesTheBlockScaleNan) {
  for (double special : {kInf, -kInf, kNan}) {
    const BlockedTensor t = Align({1.0, special, 2.0, 0, 3.0, 0, 0, 0}, 4);
    EXPECT_TRUE(t.scales[0].nan);
    EXPECT_FALSE(t.scales[1].nan);  // the next block is unaffected
    EXPECT_EQ(t.units[4], 24576);   // 3 = 1536 * 2^-9, the block's largest: 1536 << 4
  }
  // An FP16 input beyond 65504 (after rounding) is Inf, so its block is NaN too.
  EXPECT_TRUE(Align({70000, 1.0, 0, 0}, 4).scales[0].nan);
  // 65519 rounds to 65504 and stays finite.
  EXPECT_FALSE(Align({65519, 1.0, 0, 0}, 4).scales[0].nan);
}

// Section 6 for one block, independently: M and x from the FP16 bits, x_max over the nonzero
// elements, A = rne(M * 2^(x - x_max + 4)) in long double (exact), ties to even.
struct AlignedBlock {
  std::vector<int64_t> a;
  int scale_exponent = 0;
};
AlignedBlock AlignOracle(const std::vector<uint16_t>& codes) {
  std::vector<int64_t> m(codes.size());
  std::vector<int> x(codes.size());
  bool any = false;
  AlignedBlock out;
  int x_max = 0;
  for (size_t i = 0; i < codes.size(); ++i) {
    const int e = (codes[i] >> 10) & 31;
    const int64_t mantissa = codes[i] & 1023;
    m[i] = e == 0 ? mantissa : mantissa + 1024;
    if ((codes[i] & 0x8000) != 0) m[i] = -m[i];
    x[i] = e == 0 ? -24 : e - 25;
    if (m[i] != 0) {
      x_max = any ? std::max(x_max, x[i]) : x[i];
      any = true;
    }
  }
  out.scale_exponent = x_max - 4;
  for (size_t i = 0; i < codes.size(); ++i) {
    const long double exact = std::ldexp(static_cast<long double>(m[i]), x[i] - x_max + 4);
    out.a.push_back(static_cast<int64_t>(std::nearbyint(exact)));
  }
  return out;
}

TEST(QuantizeTest, Fp16AlignmentExhaustiveAgainstOracleAndWithin16Bits) {
  // Every finite FP16 code c, in a block of two with a fixed partner: c's aligned integer and the
  // block scale match the oracle, and |A| <= 32752 always.
  std::vector<uint16_t> finite;
  for (uint32_t c = 0; c < 0x10000; ++c) {
    if (((c >> 10) & 31) != 31) finite.push_back(static_cast<uint16_t>(c));
  }
  ASSERT_EQ(finite.size(), 63488u);
  for (uint16_t partner : {0x7BFF, 0xFBFF, 0x3C00, 0x0001, 0x0000, 0x8000, 0x4B00}) {
    SCOPED_TRACE(testing::Message() << "partner 0x" << std::hex << partner);
    BlockedTensor in = QuantizeActivations(ParseActivationFormat("fp16"),
                                           std::vector<double>(finite.size() * 2, 0.0),
                                           static_cast<int64_t>(finite.size()), 2);
    for (size_t r = 0; r < finite.size(); ++r) {
      in.codes[2 * r] = finite[r];
      in.codes[2 * r + 1] = partner;
    }
    const BlockedTensor t = AlignFp16Blocks(in, 2);
    int mismatches = 0;
    for (size_t r = 0; r < finite.size() && mismatches < 5; ++r) {
      const AlignedBlock want = AlignOracle({finite[r], partner});
      const bool all_zero =
          want.a[0] == 0 && want.a[1] == 0 && (finite[r] & 0x7FFF) == 0 && (partner & 0x7FFF) == 0;
      const bool ok =
          t.units[2 * r] == want.a[0] && t.units[2 * r + 1] == want.a[1] && !t.scales[r].nan &&
          (all_zero || std::ldexp(static_cast<long double>(t.scales[r].mantissa),
                                  t.scales[r].exponent) == std::ldexp(1.0L, want.scale_exponent)) &&
          std::llabs(t.units[2 * r]) <= 32752 && std::llabs(t.units[2 * r + 1]) <= 32752;
      if (!ok) {
        ++mismatches;
        ADD_FAILURE() << "code 0x" << std::hex << finite[r] << std::dec << ": got A "
                      << t.units[2 * r] << ", " << t.units[2 * r + 1] << " want " << want.a[0]
                      << ", " << want.a[1] << " scale 2^" << want.scale_exponent;
      }
    }
  }
}

// ===== Mixed widths (section 3, intmix) =====

WeightFormat MixedWeights(std::vector<int> widths, int group) {
  WeightFormat f = IntWeights(*std::max_element(widths.begin(), widths.end()), group, false);
  f.mixed_bits = std::move(widths);
  return f;
}

// 8 groups of 4 (K = 32, N = 1), group g filled with v[g]: its salience (mean square) is v[g]^2.
std::vector<double> ConstantGroups(const std::vector<double>& v) {
  std::vector<double> w;
  for (double x : v) w.insert(w.end(), 4, x);
  return w;
}

TEST(QuantizeTest, MixedWidthsBySalienceThreeWidths) {
  // |v| ranked: 0.9 (g1) 0.8 (g4) | 0.7 (g6) 0.5 (g3) 0.4 (g7) 0.3 (g0) | 0.2 (g5) 0.1 (g2).
  // 8 groups: the top quarter (2) gets 4 bits, the bottom quarter 2 bits, the middle half 3.
  const std::vector<double> v = {0.3, -0.9, 0.1, 0.5, -0.8, 0.2, 0.7, -0.4};
  const WeightFormat f = MixedWeights({2, 3, 4}, 4);
  const std::vector<uint8_t> want = {3, 4, 2, 3, 4, 2, 3, 3};
  EXPECT_EQ(AssignMixedBits(f, ConstantGroups(v), 32, 1), want);
  const BlockedTensor t = QuantizeColumn(f, ConstantGroups(v));
  EXPECT_EQ(t.block_bits, want);
  // Each constant group quantizes to +-(2^(b-1) - 1) at its own width, so its code shows the
  // width: g0 (3 bits) 3 = 0x3; g1 (4 bits) -7 = 0x9; g2 (2 bits) 1 = 0x1; g7 (3 bits) -3 = 0x5.
  EXPECT_EQ(t.codes[0], 0x3u);
  EXPECT_EQ(t.codes[4], 0x9u);
  EXPECT_EQ(t.codes[8], 0x1u);
  EXPECT_EQ(t.codes[28], 0x5u);
  // g2's scale at 2 bits: rne_fp16(0.1 / 1) = 0x2E66; g1's at 4 bits: rne_fp16(0.9 / 7) = 0x301D.
  EXPECT_EQ(t.scale_codes[2], 0x2E66u);
  EXPECT_EQ(t.scale_codes[1], 0x301Du);
}

TEST(QuantizeTest, MixedWidthsBySalienceTwoWidths) {
  // Two widths: the more salient half (g1, g4, g6, g3) gets 4 bits, the rest 2.
  const std::vector<double> v = {0.3, -0.9, 0.1, 0.5, -0.8, 0.2, 0.7, -0.4};
  EXPECT_EQ(AssignMixedBits(MixedWeights({2, 4}, 4), ConstantGroups(v), 32, 1),
            (std::vector<uint8_t>{2, 4, 2, 4, 4, 2, 4, 2}));
}

TEST(QuantizeTest, MixedWidthsTiesGoByPosition) {
  // Equal salience everywhere: ranked by position, earlier groups first (the reading taken here
  // of "ties by position"; see the report on docs/numerics.md).
  const std::vector<double> v(8, 0.5);
  EXPECT_EQ(AssignMixedBits(MixedWeights({2, 3, 4}, 4), ConstantGroups(v), 32, 1),
            (std::vector<uint8_t>{4, 4, 3, 3, 3, 3, 2, 2}));
}

TEST(QuantizeTest, MixedWidthsGivenExplicitly) {
  const std::vector<double> v = {0.3, -0.9, 0.1, 0.5, -0.8, 0.2, 0.7, -0.4};
  const std::vector<uint8_t> bits = {2, 2, 4, 4, 3, 3, 2, 4};
  const BlockedTensor t =
      QuantizeWeights(MixedWeights({2, 3, 4}, 4), ConstantGroups(v), 32, 1, bits);
  EXPECT_EQ(t.block_bits, bits);
  // g2 = 0.1 at 4 bits: q = 7 (0x7); g1 = -0.9 at 2 bits: q = -1 (0x3).
  EXPECT_EQ(t.codes[8], 0x7u);
  EXPECT_EQ(t.codes[4], 0x3u);
  // A wrong number of widths is bad input.
  EXPECT_THROW(QuantizeWeights(MixedWeights({2, 3, 4}, 4), ConstantGroups(v), 32, 1, {2, 3}),
               InputError);
}

// ===== Bad input =====

TEST(QuantizeTest, KNotAMultipleOfTheGroupIsAnInputErrorNamingTheFormat) {
  try {
    QuantizeWeights(ParseWeightFormat("int4_g128"), std::vector<double>(100 * 2, 0.0), 100, 2);
    FAIL() << "no InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("int4_g128"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("K=100"), std::string::npos) << e.what();
  }
  for (const char* name : {"mxfp4", "nvfp4"}) {
    try {
      QuantizeActivations(ParseActivationFormat(name), std::vector<double>(40, 0.0), 1, 40);
      FAIL() << "no InputError for " << name;
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find(name), std::string::npos) << e.what();
    }
  }
}

// Integer formats have no code for Inf or NaN: such input is an error naming the element.
TEST(QuantizeTest, NonFiniteInputToIntegerFormatsIsAnInputError) {
  std::vector<double> w(64, 0.5);
  w[5] = std::numeric_limits<double>::quiet_NaN();  // k = 2, n = 1 of a 32 x 2 matrix
  try {
    QuantizeWeights(ParseWeightFormat("int4_g32"), w, 32, 2);
    FAIL() << "NaN weight accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("weights [2][1] is NaN"), std::string::npos) << e.what();
  }
  std::vector<double> a(32, 1.0);
  a[3] = -std::numeric_limits<double>::infinity();
  try {
    QuantizeActivations(ParseActivationFormat("int8_token"), a, 1, 32);
    FAIL() << "infinite activation accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("activations [0][3] is infinite"), std::string::npos)
        << e.what();
  }
  // Formats with a NaN scale take them: MX marks the block NaN.
  const BlockedTensor mx = QuantizeActivations(ParseActivationFormat("mxfp8_e4m3"), a, 1, 32);
  EXPECT_EQ(mx.scale_codes[0], 0xFFu);
}

TEST(QuantizeTest, SizeMismatchIsAnInputError) {
  EXPECT_THROW(QuantizeWeights(ParseWeightFormat("int4_g32"), std::vector<double>(63, 0.0), 32, 2),
               InputError);
  EXPECT_THROW(
      QuantizeActivations(ParseActivationFormat("int8_token"), std::vector<double>(5, 0.0), 2, 3),
      InputError);
  EXPECT_THROW(QuantizeWeights(ParseWeightFormat("mxfp4"), {}, 0, 1), InputError);
}

// ===== Random tensors of every format against an independent quantizer =====

// Values from raw generator bits (the same everywhere for a seed): a uniform mantissa in [-1, 1)
// times 2^e, e uniform in [-6, 3], and 1 in 64 an outlier 2^6 larger; 1 in 97 an exact zero.
std::vector<double> RandomValues(std::mt19937_64& rng, size_t count) {
  std::vector<double> v(count);
  for (double& x : v) {
    const uint64_t bits = rng();
    const double mantissa = static_cast<double>(bits >> 11) * 0x1p-52 - 1.0;
    const int exponent = static_cast<int>(rng() % 10) - 6 + (rng() % 64 == 0 ? 6 : 0);
    x = rng() % 97 == 0 ? 0.0 : std::ldexp(mantissa, exponent);
  }
  return v;
}

struct ElementOracle {
  bool is_float;
  Layout layout;      // float elements
  int bits;           // integer elements
  int fraction_bits;  // integer elements
  int emax;
};

// The element types, typed in from the table of section 2 (not read from the code).
ElementOracle MxElementOracle(const std::string& name) {
  if (name == "mxint8") return {false, {}, 8, 6, 0};
  if (name == "mxint4") return {false, {}, 4, 2, 0};
  if (name == "mxfp8_e4m3") return {true, kE4M3L, 8, 0, 8};
  if (name == "mxfp8_e5m2") return {true, kE5M2L, 8, 0, 15};
  if (name == "mxfp6_e3m2") return {true, kE3M2L, 6, 0, 4};
  if (name == "mxfp6_e2m3") return {true, kE2M3L, 6, 0, 2};
  return {true, kE2M1L, 4, 0, 2};  // mxfp4
}

// What the spec says one quantized block is: its scale code, element codes, zero point.
struct OracleBlock {
  uint32_t scale_code = 0;
  std::vector<uint32_t> codes;
  int32_t zero_point = 0;
};

OracleBlock IntGroupOracle(const std::vector<double>& w, int b, bool asymmetric) {
  OracleBlock out;
  const int64_t half = int64_t{1} << (b - 1);
  double lo = 0, hi = 0, amax = 0;
  for (double v : w) {
    lo = std::min(lo, v);
    hi = std::max(hi, v);
    amax = std::max(amax, std::fabs(v));
  }
  const double target = asymmetric ? (hi - lo) / static_cast<double>(2 * half - 1)
                                   : amax / static_cast<double>(half - 1);
  out.scale_code = Fp16Rne(target, true);
  const double s = static_cast<double>(Fp16Value(out.scale_code));
  int64_t z_u = 0;
  if (asymmetric && s > 0) {
    z_u = std::clamp<int64_t>(static_cast<int64_t>(std::nearbyint(-lo / s)), 0, 2 * half - 1);
  }
  for (double v : w) {
    int64_t q;
    if (s == 0) {
      q = asymmetric ? z_u - half : 0;  // q = z
    } else if (asymmetric) {
      q = std::clamp<int64_t>(static_cast<int64_t>(std::nearbyint(v / s)) + z_u, 0, 2 * half - 1) -
          half;
    } else {
      q = std::clamp<int64_t>(static_cast<int64_t>(std::nearbyint(v / s)), -half, half - 1);
    }
    out.codes.push_back(static_cast<uint32_t>(q) & ((1u << b) - 1u));
  }
  out.zero_point = static_cast<int32_t>(asymmetric ? z_u - half : 0);
  return out;
}

OracleBlock MxBlockOracle(const ElementOracle& e, const std::vector<double>& x) {
  OracleBlock out;
  out.codes.assign(x.size(), 0);
  double amax = 0;
  for (double v : x) {
    if (!std::isfinite(v)) {
      out.scale_code = 0xFF;
      return out;
    }
    amax = std::max(amax, std::fabs(v));
  }
  if (amax == 0) return out;  // 0x00, zero elements
  const int shared = std::clamp(std::ilogb(amax) - e.emax, -127, 127);
  out.scale_code = static_cast<uint32_t>(shared + 127);
  for (size_t i = 0; i < x.size(); ++i) {
    const double v = std::ldexp(x[i], -shared);
    if (e.is_float) {
      out.codes[i] = NearestCode(e.layout, v);
    } else {
      const int64_t max = (int64_t{1} << (e.bits - 1)) - 1;
      const int64_t q = std::clamp<int64_t>(
          static_cast<int64_t>(std::nearbyint(std::ldexp(v, e.fraction_bits))), -max, max);
      out.codes[i] = static_cast<uint32_t>(q) & ((1u << e.bits) - 1u);
    }
  }
  return out;
}

uint32_t NvFp4TensorScaleOracle(const std::vector<double>& x) {
  double amax = 0;
  for (double v : x) amax = std::max(amax, std::fabs(v));
  return amax == 0 ? 0x3F800000u : Fp32Bits(static_cast<float>(amax / (6.0 * 448.0)));
}

OracleBlock NvFp4BlockOracle(const std::vector<double>& x, double s_tensor) {
  OracleBlock out;
  out.codes.assign(x.size(), 0);
  double amax = 0;
  for (double v : x) amax = std::max(amax, std::fabs(v));
  out.scale_code = NearestCode(kE4M3L, amax / 6 / s_tensor);
  const double scale = static_cast<double>(CodeValue(kE4M3L, out.scale_code)) * s_tensor;
  for (size_t i = 0; i < x.size(); ++i) out.codes[i] = NearestCode(kE2M1L, x[i] / scale);
  return out;
}

// Ranks groups (N x K/G, by channel) by mean square, descending, ties by position (earlier first).
std::vector<uint8_t> MixedBitsOracle(const std::vector<int>& widths_in,
                                     const std::vector<double>& by_channel, int64_t k, int64_t n,
                                     int g) {
  std::vector<int> widths = widths_in;
  std::sort(widths.begin(), widths.end());
  const int64_t groups = n * (k / g);
  std::vector<double> ms(static_cast<size_t>(groups), 0);
  for (int64_t i = 0; i < groups; ++i) {
    for (int j = 0; j < g; ++j) ms[i] += by_channel[i * g + j] * by_channel[i * g + j] / g;
  }
  std::vector<int64_t> order(static_cast<size_t>(groups));
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return ms[a] > ms[b]; });
  std::vector<uint8_t> bits(static_cast<size_t>(groups));
  const int64_t quarter = groups / 4, half = groups / 2;
  for (int64_t rank = 0; rank < groups; ++rank) {
    int b;
    if (widths.size() == 3) {
      b = rank < quarter ? widths[2] : rank >= groups - quarter ? widths[0] : widths[1];
    } else {
      b = rank < half ? widths[1] : widths[0];
    }
    bits[order[rank]] = static_cast<uint8_t>(b);
  }
  return bits;
}

TEST(QuantizeTest, RandomWeightsOfEveryFormatMatchTheOracleAndRoundTripWithinHalfAStep) {
  SCOPED_TRACE(testing::Message() << "seed " << kSeed);
  std::mt19937_64 rng(kSeed);
  const int64_t k = 256, n = 3;
  for (const std::string& name : AllWeightFormatNames()) {
    SCOPED_TRACE(name);
    const WeightFormat f = ParseWeightFormat(name);
    const std::vector<double> w = RandomValues(rng, static_cast<size_t>(k * n));
    const BlockedTensor t = QuantizeWeights(f, w, k, n);
    std::vector<double> by_channel(w.size());
    for (int64_t kk = 0; kk < k; ++kk) {
      for (int64_t nn = 0; nn < n; ++nn) by_channel[nn * k + kk] = w[kk * n + nn];
    }
    const bool mx = name.rfind("mx", 0) == 0;
    const bool nv = name == "nvfp4";
    const bool asym = name.find("_asym") != std::string::npos;
    const int g = name.find("_gch") != std::string::npos ? static_cast<int>(k)
                  : mx                                   ? 32
                  : nv                                   ? 16
                       : std::stoi(name.substr(name.find("_g") + 2));
    ASSERT_EQ(t.block, g);
    const int64_t blocks = k / g;
    std::vector<uint8_t> widths(static_cast<size_t>(n * blocks), 0);
    if (name.rfind("intmix", 0) == 0) {
      std::vector<int> allowed;
      for (char c : name.substr(6, name.find('_') - 6)) allowed.push_back(c - '0');
      widths = MixedBitsOracle(allowed, by_channel, k, n, g);
      EXPECT_EQ(t.block_bits, widths);
    } else if (!mx && !nv) {
      std::fill(widths.begin(), widths.end(), static_cast<uint8_t>(name[3] - '0'));
    }
    const uint32_t tensor_scale_code = nv ? NvFp4TensorScaleOracle(w) : 0x3F800000u;
    EXPECT_EQ(t.tensor_scale_code, tensor_scale_code);
    const double s_tensor = Fp32FromBits(tensor_scale_code);
    const std::vector<double> dequantized = Dequantize(t);
    int failures = 0;
    for (int64_t r = 0; r < n && failures < 5; ++r) {
      for (int64_t b = 0; b < blocks && failures < 5; ++b) {
        const size_t index = static_cast<size_t>(r * blocks + b);
        const size_t first = static_cast<size_t>(r * k + b * g);
        const std::vector<double> x(by_channel.begin() + first, by_channel.begin() + first + g);
        OracleBlock want;
        if (mx) {
          want = MxBlockOracle(MxElementOracle(name), x);
        } else if (nv) {
          want = NvFp4BlockOracle(x, s_tensor);
        } else {
          want = IntGroupOracle(x, widths[index], asym);
        }
        const std::vector<uint32_t> got(t.codes.begin() + first, t.codes.begin() + first + g);
        if (t.scale_codes[index] != want.scale_code || got != want.codes ||
            (asym && t.zero_points[index] != want.zero_point)) {
          ++failures;
          ADD_FAILURE() << "channel " << r << " block " << b << ": scale code 0x" << std::hex
                        << t.scale_codes[index] << " want 0x" << want.scale_code;
          continue;
        }
        // Dequantize from the fields with this file's decoders; Dequantize must agree exactly,
        // and the error is at most half a step (or the element saturated at the format's end).
        for (int i = 0; i < g; ++i) {
          const uint32_t code = got[i];
          long double scale, value, half_step, end;
          bool saturated;
          if (mx) {
            const ElementOracle e = MxElementOracle(name);
            scale = std::ldexp(1.0L, static_cast<int>(want.scale_code) - 127);
            const long double v = x[i] / scale;
            if (e.is_float) {
              value = CodeValue(e.layout, code);
              end = PositiveGrid(e.layout).back().value;
              half_step = std::fabs(v) <= end ? HalfStep(e.layout, std::fabs(v)) : 0;
            } else {
              value =
                  std::ldexp(static_cast<long double>(SignExtend(code, e.bits)), -e.fraction_bits);
              end = std::ldexp(static_cast<long double>((1 << (e.bits - 1)) - 1), -e.fraction_bits);
              half_step = std::ldexp(0.5L, -e.fraction_bits);
            }
            saturated = std::fabs(v) > end;
            value *= scale;
          } else if (nv) {
            scale = CodeValue(kE4M3L, want.scale_code) * static_cast<long double>(s_tensor);
            const long double v = x[i] / scale;
            end = 6;
            saturated = std::fabs(v) > end;
            half_step = saturated ? 0 : HalfStep(kE2M1L, std::fabs(v));
            value = CodeValue(kE2M1L, code) * scale;
          } else {
            const int bits = widths[index];
            scale = Fp16Value(want.scale_code);
            const int64_t q = SignExtend(code, bits) - (asym ? want.zero_point : 0);
            value = q * scale;
            half_step = 0.5L;
            // Clamped: q at an end of its range with w beyond it.
            const int64_t half = int64_t{1} << (bits - 1);
            const int64_t stored = SignExtend(code, bits);
            saturated = (stored == -half && x[i] < value) || (stored == half - 1 && x[i] > value);
            end = 0;
          }
          EXPECT_EQ(static_cast<long double>(dequantized[first + i]), value)
              << "element " << i << " of channel " << r << " block " << b;
          const long double error = std::fabs(x[i] - value);
          if (!saturated) {
            EXPECT_LE(error, half_step * scale * (1 + 1e-12L))
                << "x " << x[i] << " dequantized " << static_cast<double>(value);
          } else if (mx || nv) {
            EXPECT_EQ(std::fabs(value), end * scale);
          }
        }
      }
    }
  }
}

TEST(QuantizeTest, RandomActivationsOfEveryFormatMatchTheOracle) {
  SCOPED_TRACE(testing::Message() << "seed " << kSeed + 1);
  std::mt19937_64 rng(kSeed + 1);
  const int64_t m = 3, k = 128;
  for (const char* name : {"int8_token", "fp16", "mxint8", "mxint4", "mxfp8_e4m3", "mxfp8_e5m2",
                           "mxfp6_e3m2", "mxfp6_e2m3", "mxfp4", "nvfp4"}) {
    SCOPED_TRACE(name);
    const std::string s = name;
    std::vector<double> a = RandomValues(rng, static_cast<size_t>(m * k));
    const BlockedTensor t = QuantizeActivations(ParseActivationFormat(s), a, m, k);
    if (s == "int8_token") {
      for (int64_t r = 0; r < m; ++r) {
        double amax = 0;
        for (int64_t kk = 0; kk < k; ++kk) amax = std::max(amax, std::fabs(a[r * k + kk]));
        const uint16_t scale = Fp16Rne(amax / 127, true);
        EXPECT_EQ(t.row_scale_codes[r], scale);
        const double sa = static_cast<double>(Fp16Value(scale));
        for (int64_t kk = 0; kk < k; ++kk) {
          const int64_t q = std::clamp<int64_t>(
              static_cast<int64_t>(std::nearbyint(a[r * k + kk] / sa)), -128, 127);
          EXPECT_EQ(t.codes[r * k + kk], static_cast<uint32_t>(q) & 0xFFu);
          if (q > -128 && q < 127) {
            EXPECT_LE(std::fabs(a[r * k + kk] - q * sa), sa / 2);
          }
        }
      }
    } else if (s == "fp16") {
      EXPECT_TRUE(t.units.empty());  // aligned later, inside the GEMM
      for (size_t i = 0; i < a.size(); ++i) EXPECT_EQ(t.codes[i], Fp16Rne(a[i], false));
    } else if (s == "nvfp4") {
      const uint32_t ts = NvFp4TensorScaleOracle(a);
      EXPECT_EQ(t.tensor_scale_code, ts);
      for (int64_t blk = 0; blk < m * k / 16; ++blk) {
        const OracleBlock want = NvFp4BlockOracle(
            std::vector<double>(a.begin() + blk * 16, a.begin() + blk * 16 + 16), Fp32FromBits(ts));
        EXPECT_EQ(t.scale_codes[blk], want.scale_code);
        EXPECT_EQ(
            std::vector<uint32_t>(t.codes.begin() + blk * 16, t.codes.begin() + blk * 16 + 16),
            want.codes);
      }
    } else {
      for (int64_t blk = 0; blk < m * k / 32; ++blk) {
        const OracleBlock want =
            MxBlockOracle(MxElementOracle(s),
                          std::vector<double>(a.begin() + blk * 32, a.begin() + blk * 32 + 32));
        EXPECT_EQ(t.scale_codes[blk], want.scale_code);
        EXPECT_EQ(
            std::vector<uint32_t>(t.codes.begin() + blk * 32, t.codes.begin() + blk * 32 + 32),
            want.codes);
      }
    }
  }
}

}  // namespace
}  // namespace mixpe
