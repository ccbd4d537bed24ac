// Tests of the golden mixed-precision GEMM (model/mpgemm.h) against docs/numerics.md sections 5-7:
// tiny GEMMs computed by hand (arithmetic in the comments), an independent exact re-implementation
// of section 5 in this file that random problems of many format pairs are compared with bit for
// bit, and the accumulator widths of section 7 checked by hand, by brute force over every element
// code, and against the table printed in the document itself.
#include "model/mpgemm.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <limits>
#include <map>
#include <numeric>
#include <random>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "model/input_error.h"
#include "model/quant_format.h"
#include "model/quantize.h"

namespace mixpe {
namespace {

constexpr uint64_t kSeed = 20250308;
constexpr uint32_t kCanonicalNan = 0x7FC00000;

uint32_t Bits(float f) {
  uint32_t b;
  std::memcpy(&b, &f, sizeof b);
  return b;
}
float FromBits(uint32_t b) {
  float f;
  std::memcpy(&f, &b, sizeof f);
  return f;
}

Dyadic Pow2(int e) { return Dyadic{1, e, false}; }
Dyadic Scale(int64_t mantissa, int e) { return Dyadic{mantissa, e, false}; }
Dyadic NanScale() { return Dyadic{1, 0, true}; }

// A hand-made operand: rows x k element values in units, one scale per block. Only the fields the
// GEMM reads are set (it does not look at codes except for FP16 activations).
BlockedTensor Operand(int64_t rows, int64_t k, int block, int unit_exponent,
                      std::vector<int64_t> units, std::vector<Dyadic> scales) {
  BlockedTensor t;
  t.rows = rows;
  t.k = k;
  t.block = block;
  t.unit_exponent = unit_exponent;
  t.scale_type = ScaleType::kE8M0;
  t.units = std::move(units);
  t.units.resize(static_cast<size_t>(rows * k), 0);
  t.codes.assign(t.units.size(), 0);
  t.scales = std::move(scales);
  t.scale_codes.assign(t.scales.size(), 0);
  return t;
}

// `values` placed at the given positions of an otherwise zero vector of `size`.
std::vector<int64_t> Sparse(size_t size, std::vector<std::pair<size_t, int64_t>> values) {
  std::vector<int64_t> v(size, 0);
  for (const auto& [at, x] : values) v[at] = x;
  return v;
}

BlockedTensor Fp16Activations(const std::vector<double>& a, int64_t m) {
  return QuantizeActivations(ParseActivationFormat("fp16"), a, m,
                             static_cast<int64_t>(a.size()) / m);
}

// ===== Hand-computed GEMMs =====

TEST(MpGemmTest, IntWeightsWithZeroPointsTimesInt8PerToken) {
  // A: 1 x 8 INT8 per token, s_a = 0.5 (FP16 0x3800), one block of K.
  BlockedTensor a = Operand(1, 8, 8, 0, {10, -20, 30, 5, 1, 2, 3, 4}, {Dyadic{}});
  a.scale_type = ScaleType::kNone;
  a.row_scale_codes = {0x3800};
  // W: 2 output channels, int4 groups of 4 with zero points: unit U = 4.
  BlockedTensor w = Operand(2, 8, 4, 0,
                            {3, -8, 7, 0, -1, 2, -3, 4,  //
                             1, 1, 1, 1, 0, 0, 0, 0},
                            {Scale(1, -2), Scale(3, -3), Scale(1, 0), Scale(1, 1)});
  w.scale_type = ScaleType::kFp16;
  w.zero_points = {-2, 5, 3, -8};
  // Column 0, unit 0: P = 10*3 + -20*-8 + 30*7 + 5*0 = 400; S = 10-20+30+5 = 25;
  //   D = 400 - (-2)(25) = 450; t = 450 * 0.25 = 112.5.
  // Unit 1: P = -1 + 4 - 9 + 16 = 10; S = 10; D = 10 - 5*10 = -40; t = -40 * 0.375 = -15.
  // y = 112.5 - 15 = 97.5; r = s_a = 0.5: y = 48.75.
  // Column 1 (the same S_u, other z): unit 0: P = 25, D = 25 - 3*25 = -50, t = -50 * 1;
  //   unit 1: P = 0, S = 10, D = 0 - (-8)(10) = 80, t = 80 * 2 = 160; y = 110 * 0.5 = 55.
  const std::vector<float> y = MpGemm(a, w);
  EXPECT_EQ(y, (std::vector<float>{48.75f, 55.0f}));
  EXPECT_EQ(ReductionUnit(a, w), 4);
}

TEST(MpGemmTest, QuantizedIntWeightsTimesInt8PerTokenEndToEnd) {
  // The same kind of problem through the quantizers. W (int4, G = 4, symmetric):
  // channel 0 = {1.75, -1.75, 0.5, 0.25 | 7, 0, 0, 0}: s = 0.25 -> q = 7 -7 2 1; s = 1 -> q = 7.
  WeightFormat wf;
  wf.element = IntElement(4);
  wf.group_size = 4;
  const BlockedTensor w = QuantizeWeights(wf, {1.75, -1.75, 0.5, 0.25, 7, 0, 0, 0}, 8, 1);
  // A (int8_token): max 127 -> s_a = 1.0, q = the values.
  const BlockedTensor a = QuantizeActivations(ParseActivationFormat("int8_token"),
                                              {127, 1, -2, 4, 3, 100, 100, 100}, 1, 8);
  // Unit 0: P = 127*7 + 1*-7 + -2*2 + 4*1 = 889 - 7 - 4 + 4 = 882; t = 882 * 0.25 = 220.5.
  // Unit 1: P = 3*7 = 21; t = 21. y = 241.5; r = 1 (skipped).
  EXPECT_EQ(MpGemm(a, w), std::vector<float>{241.5f});
}

TEST(MpGemmTest, MxTimesMxIsScaleProductTimesExactBlockDot) {
  // mxfp4 x mxfp4, K = 64 (two blocks), units of 0.5 on both sides (u = -1).
  // Block 0: A = {6, -1.5} (units 12, -3), X_A = 2^3; W = {1, 2} (units 2, 4), X_B = 2^-2.
  //   sum P_A P_B = 12*2 + -3*4 = 12 units^2 = 12 * 2^-2 = 3; X_A X_B = 2 -> t = 6.
  // Block 1: A = {0.5}, W = {0.5}: 1 * 2^-2 = 0.25, X = 1 -> t = 0.25. y = 6.25.
  const BlockedTensor a =
      Operand(1, 64, 32, -1, Sparse(64, {{0, 12}, {1, -3}, {32, 1}}), {Pow2(3), Pow2(0)});
  const BlockedTensor w =
      Operand(1, 64, 32, -1, Sparse(64, {{0, 2}, {1, 4}, {32, 1}}), {Pow2(-2), Pow2(0)});
  EXPECT_EQ(MpGemm(a, w), std::vector<float>{6.25f});
}

TEST(MpGemmTest, MxFp8E4M3WeightsTimesMxInt8ActivationsUseBothUnitExponents) {
  // A (mxint8, u = -6): {1.0, -1.5} = units {64, -96}, X_A = 2^-1.
  // W (E4M3, u = -9): {448, 2^-9} = units {229376, 1}, X_B = 2^2.
  // P = 64 * 229376 - 96 = 14679968; t = P * 2^-1 * 2^2 * 2^(-6-9) = 14679968 * 2^-14
  //   = 895.994140625 (= (448 - 1.5 * 2^-9) * 2; 458749 * 2^-9, exact in FP32).
  const BlockedTensor a = Operand(1, 32, 32, -6, Sparse(32, {{0, 64}, {1, -96}}), {Pow2(-1)});
  const BlockedTensor w = Operand(1, 32, 32, -9, Sparse(32, {{0, 229376}, {1, 1}}), {Pow2(2)});
  EXPECT_EQ(MpGemm(a, w), std::vector<float>{895.994140625f});
}

TEST(MpGemmTest, NvFp4TimesNvFp4AppliesTheTensorScalesOnceRoundedTogether) {
  // K = 32 (two blocks of 16), E2M1 units of 0.5 on both sides.
  // Block 0: A = 1.5 (3 units), s = 1; W = 2 (4 units), s = 1: t = 12 * 2^-2 = 3.
  // Block 1: A = 0.5 (1 unit), s = 26 (E4M3 0x5D = 13 * 2); W = -1 (-2 units), s = 0.125:
  //   t = -2 * 2^-2 * 26 * 0.125 = -1.625. y = 1.375.
  // Tensor scales both 1 + 2^-12 (FP32 0x3F800800): r = rne_fp32(1 + 2^-11 + 2^-24); 2^-24 is half
  // an FP32 ulp at 1, a tie, to even: r = 1 + 2^-11. y = 1.375 * (1 + 2^-11) = 22539 * 2^-14
  // = 1.37567138671875 (exact). Multiplying by the two tensor scales one after the other would
  // round 1.375 (1 + 2^-12)^2 to 1.3756715059..., one ulp higher.
  BlockedTensor a = Operand(1, 32, 16, -1, Sparse(32, {{0, 3}, {16, 1}}), {Pow2(0), Scale(13, 1)});
  BlockedTensor w = Operand(1, 32, 16, -1, Sparse(32, {{0, 4}, {16, -2}}), {Pow2(0), Pow2(-3)});
  a.scale_type = w.scale_type = ScaleType::kE4M3;
  a.tensor_scale_code = w.tensor_scale_code = 0x3F800800;
  const std::vector<float> y = MpGemm(a, w);
  ASSERT_EQ(y.size(), 1u);
  EXPECT_EQ(y[0], 1.37567138671875f);
  EXPECT_NE(y[0], 1.3756715059280396f);
}

TEST(MpGemmTest, IntWeightsTimesFp16ActivationsUseTheAlignedIntegers) {
  // K = 8, W: int4, one group of 8 (so FP16 blocks of gcd(8, 128) = 8), s = 0.125.
  // A in FP16; the largest is 3.0 = 1536 * 2^-9 (x_max = -9), block scale 2^-13, and
  // A_i = rne(M * 2^(x + 13)):
  //   1.0 = 1024 * 2^-10 -> 8192; 0.5 -> 4096; -0.25 -> -2048; 3.0 -> 1536 * 16 = 24576;
  //   2^-10 = 1024 * 2^-20 -> 1024 / 128 = 8; 0 -> 0; 1.5 = 1536 * 2^-10 -> 12288;
  //   FP16(0.09) = 1475 * 2^-14 -> 1475 / 2 = 737.5 -> 738 (tie to even).
  // P = 8192*1 + 4096*2 - 2048*3 - 24576*1 + 8*7 + 0*5 - 12288*8 + 738*4 = -109632.
  // t = -109632 * 2^-13 * 0.125 = -109632 * 2^-16 = -1713 / 1024 = -1.6728515625.
  BlockedTensor w = Operand(1, 8, 8, 0, {1, 2, 3, -1, 7, 5, -8, 4}, {Pow2(-3)});
  w.scale_type = ScaleType::kFp16;
  const BlockedTensor a =
      Fp16Activations({1.0, 0.5, -0.25, 3.0, std::ldexp(1.0, -10), 0.0, 1.5, 0.09}, 1);
  EXPECT_EQ(MpGemm(a, w), std::vector<float>{-1.6728515625f});
}

TEST(MpGemmTest, Fp16AlignmentBlockIsGcdOfGroupAnd128) {
  // Per-channel weights over K = 256: the FP16 activations are aligned in blocks of
  // gcd(256, 128) = 128, so a large element in the first half does not coarsen the second half.
  // A[0] = 1024, A[128] = 1025 * 2^-10, W = 1 everywhere (s = 1):
  //   y = 1024 + 1.0009765625 = 1025.0009765625 (exact in FP32). One block of 256 would have
  //   rounded A[128] on the grid 2^-4 of 1024 to 1.0 and given 1025.
  BlockedTensor w = Operand(1, 256, 256, 0, std::vector<int64_t>(256, 1), {Pow2(0)});
  w.scale_type = ScaleType::kFp16;
  std::vector<double> av(256, 0.0);
  av[0] = 1024;
  av[128] = std::ldexp(1025.0, -10);
  EXPECT_EQ(MpGemm(Fp16Activations(av, 1), w), std::vector<float>{1025.0009765625f});
  // And groups of 32: blocks of 32.
  BlockedTensor w32 =
      Operand(1, 256, 32, 0, std::vector<int64_t>(256, 1), std::vector<Dyadic>(8, Pow2(0)));
  av[128] = 0;
  av[32] = std::ldexp(1025.0, -10);
  EXPECT_EQ(MpGemm(Fp16Activations(av, 1), w32), std::vector<float>{1025.0009765625f});
}

TEST(MpGemmTest, UnitIsTheSmallerBlockWhenSizesDiffer) {
  // W: int4, group 64, z = 1, s = 0.5. A: mxint8 (u = -6), blocks of 32: two units per group.
  // Unit 0 (X_A = 2): A units {64, 32} at k = 0, 1; W q {3, -2}.
  //   P = 192 - 64 = 128; S = 96; D = 128 - 1 * 96 = 32; t = 32 * 2 * 0.5 * 2^-6 = 0.5.
  // Unit 1 (X_A = 0.5): A units -64 at k = 32; W q 5.
  //   P = -320; S = -64; D = -320 - 1 * (-64) = -256; t = -256 * 0.5 * 0.5 * 2^-6 = -1.
  // y = -0.5. (Real values: 2 * 1 + 1 * -1.5 + -0.5 * 2 = -0.5.)
  const BlockedTensor a =
      Operand(1, 64, 32, -6, Sparse(64, {{0, 64}, {1, 32}, {32, -64}}), {Pow2(1), Pow2(-1)});
  BlockedTensor w = Operand(1, 64, 64, 0, Sparse(64, {{0, 3}, {1, -2}, {32, 5}}), {Pow2(-1)});
  w.scale_type = ScaleType::kFp16;
  w.zero_points = {1};
  EXPECT_EQ(ReductionUnit(a, w), 32);
  EXPECT_EQ(MpGemm(a, w), std::vector<float>{-0.5f});
  // MX weights (32) with NVFP4 activations (16): U = 16; int8_token (K) with groups of 128: 128.
  EXPECT_EQ(ReductionUnit(Operand(1, 64, 16, -1, {}, {}), Operand(1, 64, 32, -1, {}, {})), 16);
  EXPECT_EQ(ReductionUnit(Operand(1, 256, 256, 0, {}, {}), Operand(1, 256, 128, 0, {}, {})), 128);
}

// ===== FP32 accumulation: order, rounding, signed zero, subnormals =====

TEST(MpGemmTest, UnitsAreAddedInIncreasingKWithRoundingAfterEachAdd) {
  // Three units with t = 2^24, 1, -2^24 (scales 2^24, 1, 2^24 on +-1 products).
  // In order: rne(2^24 + 1) = 2^24 (a tie, to even), then 2^24 - 2^24 = +0.
  // Any other order, or an exact sum, gives 1.
  const BlockedTensor w =
      Operand(1, 96, 32, 0, Sparse(96, {{0, 1}, {32, 1}, {64, 1}}), {Pow2(0), Pow2(0), Pow2(0)});
  const BlockedTensor a =
      Operand(1, 96, 32, 0, Sparse(96, {{0, 1}, {32, 1}, {64, -1}}), {Pow2(24), Pow2(0), Pow2(24)});
  const std::vector<float> y = MpGemm(a, w);
  EXPECT_EQ(Bits(y[0]), 0x00000000u);
  // t = 1, 2^24, 1: 1 + 2^24 -> 2^24 (tie to even), + 1 -> 2^24 again. The exact sum 2^24 + 2 is
  // representable, so rounding once at the end would give 16777218.
  const BlockedTensor a2 =
      Operand(1, 96, 32, 0, Sparse(96, {{0, 1}, {32, 1}, {64, 1}}), {Pow2(0), Pow2(24), Pow2(0)});
  EXPECT_EQ(MpGemm(a2, w), std::vector<float>{16777216.0f});
}

TEST(MpGemmTest, EachUnitIsRoundedOnceToFp32) {
  // One unit: D = 2^24 + 1 with an FP16 weight scale 1 + 2^-10 (0x3C01):
  // exact 2^24 + 2^14 + 1 + 2^-10. FP32 near 2^24 has ulp 2: 16793601.0009765625 lies above the
  // midpoint 16793601 of 16793600 and 16793602 -> 16793602. (Rounding D first to FP32 gives
  // 2^24, and 2^24 * (1 + 2^-10) = 16793600.)
  BlockedTensor w = Operand(1, 4, 4, 0, {1, 0, 0, 0}, {Scale(1025, -10)});
  w.scale_type = ScaleType::kFp16;
  BlockedTensor a = Operand(1, 4, 4, 0, {(1 << 24) + 1, 0, 0, 0}, {Dyadic{}});
  a.scale_type = ScaleType::kNone;
  EXPECT_EQ(MpGemm(a, w), std::vector<float>{16793602.0f});
}

TEST(MpGemmTest, AccumulatorStartsAtPlusZeroAndKeepsSubnormals) {
  // D = -1 times 2^-127 * 2^-127: t = -2^-254 rounds to -0 (sign kept); y = +0 + -0 = +0.
  const BlockedTensor w = Operand(1, 32, 32, 0, Sparse(32, {{0, 1}}), {Pow2(-127)});
  const BlockedTensor neg = Operand(1, 32, 32, 0, Sparse(32, {{0, -1}}), {Pow2(-127)});
  EXPECT_EQ(Bits(MpGemm(neg, w)[0]), 0x00000000u);
  // D = 3 times 2^-149: 3 FP32 subnormal ulps, kept (0x00000003).
  const BlockedTensor w22 = Operand(1, 32, 32, 0, Sparse(32, {{0, 1}}), {Pow2(-22)});
  const BlockedTensor three = Operand(1, 32, 32, 0, Sparse(32, {{0, 3}}), {Pow2(-127)});
  EXPECT_EQ(Bits(MpGemm(three, w22)[0]), 0x00000003u);
  // D = +-3 times 2^-150: 1.5 ulps, a tie, to even: 2 ulps (0x00000002 / 0x80000002).
  const BlockedTensor w23 = Operand(1, 32, 32, 0, Sparse(32, {{0, 1}}), {Pow2(-23)});
  EXPECT_EQ(Bits(MpGemm(three, w23)[0]), 0x00000002u);
  const BlockedTensor minus3 = Operand(1, 32, 32, 0, Sparse(32, {{0, -3}}), {Pow2(-127)});
  EXPECT_EQ(Bits(MpGemm(minus3, w23)[0]), 0x80000002u);
  // An all-zero problem gives +0.
  const BlockedTensor zero = Operand(1, 32, 32, 0, {}, {Pow2(0)});
  EXPECT_EQ(Bits(MpGemm(zero, zero)[0]), 0x00000000u);
}

// ===== NaN and Inf =====

TEST(MpGemmTest, MxNanScaleGivesCanonicalNanOnlyWhereItReaches) {
  // W column 0 has block 0 scale 0xFF (NaN); column 1 is finite. The NaN unit comes first, so the
  // later finite unit must not clear it.
  const BlockedTensor w = Operand(2, 64, 32, 0, Sparse(128, {{0, 1}, {32, 1}, {64, 1}, {96, 1}}),
                                  {NanScale(), Pow2(0), Pow2(0), Pow2(0)});
  const BlockedTensor a = Operand(1, 64, 32, 0, Sparse(64, {{0, 2}, {32, 3}}), {Pow2(0), Pow2(0)});
  const std::vector<float> y = MpGemm(a, w);
  EXPECT_EQ(Bits(y[0]), kCanonicalNan);
  EXPECT_EQ(y[1], 5.0f);
  // A NaN activation block scale (E8M0 0xFF) reaches every column of its row.
  const BlockedTensor a_nan =
      Operand(1, 64, 32, 0, Sparse(64, {{0, 2}, {32, 3}}), {Pow2(0), NanScale()});
  for (float v : MpGemm(a_nan, w)) EXPECT_EQ(Bits(v), kCanonicalNan);
  // An NVFP4 block scale that is NaN (E4M3 0x7F) does the same.
  BlockedTensor nv = Operand(1, 16, 16, -1, Sparse(16, {{0, 2}}), {NanScale()});
  nv.scale_type = ScaleType::kE4M3;
  BlockedTensor nw = Operand(1, 16, 16, -1, Sparse(16, {{0, 2}}), {Pow2(0)});
  nw.scale_type = ScaleType::kE4M3;
  EXPECT_EQ(Bits(MpGemm(nv, nw)[0]), kCanonicalNan);
}

TEST(MpGemmTest, Fp16InfOrNanActivationMakesItsRowNan) {
  // W: int4, group 8, 2 columns. Row 0 of A holds an Inf (or a negative-signed NaN code 0xFE01),
  // row 1 is finite: row 0's outputs are 0x7FC00000, row 1's are 1 + 2 = 3 and 1 - 2 = -1.
  BlockedTensor w =
      Operand(2, 8, 8, 0, {1, 1, 0, 0, 0, 0, 0, 0, 1, -1, 0, 0, 0, 0, 0, 0}, {Pow2(0), Pow2(0)});
  w.scale_type = ScaleType::kFp16;
  for (uint32_t special : {0x7C00u, 0xFC00u, 0x7E00u, 0xFE01u}) {
    SCOPED_TRACE(testing::Message() << "FP16 code 0x" << std::hex << special);
    BlockedTensor a =
        Fp16Activations({1, 0, 0, 0, 0, 0, 0, 0, /* row 1 */ 1, 2, 0, 0, 0, 0, 0, 0}, 2);
    a.codes[5] = special;
    const std::vector<float> y = MpGemm(a, w);
    EXPECT_EQ(Bits(y[0]), kCanonicalNan);
    EXPECT_EQ(Bits(y[1]), kCanonicalNan);
    EXPECT_EQ(y[2], 3.0f);
    EXPECT_EQ(y[3], -1.0f);
  }
}

TEST(MpGemmTest, Fp32OverflowGivesInfAndInfMinusInfGivesCanonicalNan) {
  // mxfp4-like units (u = -1): 6 * 6 = 144 units^2 = 36, times 2^127 * 2^127: far above FP32.
  const BlockedTensor w =
      Operand(1, 64, 32, -1, Sparse(64, {{0, 12}, {32, 12}}), {Pow2(127), Pow2(127)});
  const BlockedTensor pos = Operand(1, 64, 32, -1, Sparse(64, {{0, 12}}), {Pow2(127), Pow2(127)});
  EXPECT_EQ(Bits(MpGemm(pos, w)[0]), 0x7F800000u);
  const BlockedTensor neg = Operand(1, 64, 32, -1, Sparse(64, {{0, -12}}), {Pow2(127), Pow2(127)});
  EXPECT_EQ(Bits(MpGemm(neg, w)[0]), 0xFF800000u);
  // +Inf then -Inf: NaN, and canonical (x86 would produce the negative default NaN 0xFFC00000).
  const BlockedTensor both =
      Operand(1, 64, 32, -1, Sparse(64, {{0, 12}, {32, -12}}), {Pow2(127), Pow2(127)});
  EXPECT_EQ(Bits(MpGemm(both, w)[0]), kCanonicalNan);
  // Two finite units whose sum overflows: t = 3 * 2^126 = 1.5 * 2^127 each, sum 3 * 2^127.
  const BlockedTensor w1 = Operand(1, 64, 32, 0, Sparse(64, {{0, 1}, {32, 1}}), {Pow2(0), Pow2(0)});
  const BlockedTensor big =
      Operand(1, 64, 32, 0, Sparse(64, {{0, 3}, {32, 3}}), {Pow2(126), Pow2(126)});
  EXPECT_EQ(Bits(MpGemm(big, w1)[0]), 0x7F800000u);
}

// ===== Bad input =====

TEST(MpGemmTest, BlocksThatDoNotNestAreAnInputError) {
  // Weight groups of 48 with MX activation blocks of 32 (K = 96): neither divides the other.
  WeightFormat wf;
  wf.element = IntElement(4);
  wf.group_size = 48;
  const BlockedTensor w = QuantizeWeights(wf, std::vector<double>(96, 1.0), 96, 1);
  const BlockedTensor a =
      QuantizeActivations(ParseActivationFormat("mxfp4"), std::vector<double>(96, 1.0), 1, 96);
  try {
    MpGemm(a, w);
    FAIL() << "no InputError";
  } catch (const InputError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("48"), std::string::npos) << message;
    EXPECT_NE(message.find("32"), std::string::npos) << message;
  }
  EXPECT_THROW(ReductionUnit(a, w), InputError);
}

TEST(MpGemmTest, KMismatchIsAnInputError) {
  const BlockedTensor w =
      QuantizeWeights(ParseWeightFormat("int4_g32"), std::vector<double>(64, 1.0), 64, 1);
  const BlockedTensor a =
      QuantizeActivations(ParseActivationFormat("int8_token"), std::vector<double>(32, 1.0), 1, 32);
  try {
    MpGemm(a, w);
    FAIL() << "no InputError";
  } catch (const InputError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("K=32"), std::string::npos) << message;
    EXPECT_NE(message.find("K=64"), std::string::npos) << message;
  }
}

// ===== An independent implementation of section 5 =====
//
// It reads only what memory holds: element codes, scale codes, zero points, group widths, row and
// tensor scale codes. It decodes them with its own tables (section 2), aligns FP16 blocks by
// section 6, sums exactly in 128-bit integers, and rounds each unit's exact product to FP32 once
// (through an exact long double and one conversion).

struct FloatBits {
  int exponent_bits, mantissa_bits, bias;
  bool ieee;  // all-ones exponent is Inf/NaN
  bool e4m3;  // only S.1111.111 is NaN
};
constexpr FloatBits kE4M3B{4, 3, 7, false, true};
constexpr FloatBits kE5M2B{5, 2, 15, true, false};
constexpr FloatBits kE3M2B{3, 2, 3, false, false};
constexpr FloatBits kE2M3B{2, 3, 1, false, false};
constexpr FloatBits kE2M1B{2, 1, 1, false, false};
constexpr FloatBits kFp16B{5, 10, 15, true, false};

bool IsNanOrInf(const FloatBits& f, uint32_t code) {
  const uint32_t top = (1u << f.exponent_bits) - 1;
  const uint32_t e = (code >> f.mantissa_bits) & top;
  const uint32_t m = code & ((1u << f.mantissa_bits) - 1);
  if (f.ieee) return e == top;
  if (f.e4m3) return e == top && m == (1u << f.mantissa_bits) - 1;
  return false;
}

// A finite code's value as mantissa * 2^exponent (the mantissa signed).
struct Exact {
  int64_t mantissa;
  int exponent;
};
Exact DecodeExact(const FloatBits& f, uint32_t code) {
  const uint32_t e = (code >> f.mantissa_bits) & ((1u << f.exponent_bits) - 1);
  int64_t m = code & ((1u << f.mantissa_bits) - 1);
  int exponent = 1 - f.bias - f.mantissa_bits;
  if (e != 0) {
    m += int64_t{1} << f.mantissa_bits;
    exponent += static_cast<int>(e) - 1;
  }
  if (((code >> (f.exponent_bits + f.mantissa_bits)) & 1u) != 0) m = -m;
  return {m, exponent};
}

int64_t SignExtend(uint32_t code, int bits) {
  const int64_t v = code & ((1u << bits) - 1u);
  return v >= (int64_t{1} << (bits - 1)) ? v - (int64_t{1} << bits) : v;
}

// A decoded operand: integer elements on one grid 2^unit_exponent, one exact scale per block.
struct OracleOperand {
  int64_t rows = 0, k = 0;
  int block = 0;
  int unit_exponent = 0;
  std::vector<int64_t> a;       // rows x k
  std::vector<Exact> scale;     // rows x blocks
  std::vector<bool> scale_nan;  // rows x blocks
  std::vector<int64_t> zero;    // rows x blocks (0 when symmetric)
  std::vector<long double> row_scale;
  long double tensor_scale = 1;
};

const FloatBits* MxFloat(const std::string& name, int* unit_exponent, int* int_bits) {
  *int_bits = 0;
  if (name == "mxint8") {
    *int_bits = 8;
    *unit_exponent = -6;
    return nullptr;
  }
  if (name == "mxint4") {
    *int_bits = 4;
    *unit_exponent = -2;
    return nullptr;
  }
  const FloatBits* f = name == "mxfp8_e4m3"   ? &kE4M3B
                       : name == "mxfp8_e5m2" ? &kE5M2B
                       : name == "mxfp6_e3m2" ? &kE3M2B
                       : name == "mxfp6_e2m3" ? &kE2M3B
                                              : &kE2M1B;  // mxfp4, nvfp4
  *unit_exponent = 1 - f->bias - f->mantissa_bits;
  return f;
}

long double Fp32Value(uint32_t code) { return FromBits(code); }

// Decodes MX or NVFP4 elements and scales, shared by both operand sides.
void DecodeBlockFloat(const std::string& name, const BlockedTensor& t, OracleOperand* o) {
  int int_bits;
  const FloatBits* f = MxFloat(name, &o->unit_exponent, &int_bits);
  for (uint32_t code : t.codes) {
    if (f == nullptr) {
      o->a.push_back(SignExtend(code, int_bits));
    } else {
      const Exact e = DecodeExact(*f, code);
      o->a.push_back(e.mantissa * (int64_t{1} << (e.exponent - o->unit_exponent)));
    }
  }
  const bool nv = name == "nvfp4";
  for (uint32_t code : t.scale_codes) {
    if (nv) {
      o->scale_nan.push_back(IsNanOrInf(kE4M3B, code));
      o->scale.push_back(DecodeExact(kE4M3B, code));
    } else {
      o->scale_nan.push_back(code == 0xFF);
      o->scale.push_back({1, static_cast<int>(code) - 127});
    }
  }
  o->zero.assign(o->scale.size(), 0);
  if (nv) o->tensor_scale = Fp32Value(t.tensor_scale_code);
}

OracleOperand DecodeWeights(const std::string& name, const BlockedTensor& t) {
  OracleOperand o;
  o.rows = t.rows;
  o.k = t.k;
  o.block = t.block;
  if (name.rfind("int", 0) == 0) {
    const int64_t blocks = t.k / t.block;
    for (int64_t r = 0; r < t.rows; ++r) {
      for (int64_t kk = 0; kk < t.k; ++kk) {
        const size_t b = static_cast<size_t>(r * blocks + kk / t.block);
        // A mixed format's group widths travel beside the tensor; the others have one width.
        const int bits = name.rfind("intmix", 0) == 0 ? t.block_bits[b] : name[3] - '0';
        o.a.push_back(SignExtend(t.codes[r * t.k + kk], bits));
      }
    }
    for (size_t b = 0; b < t.scale_codes.size(); ++b) {
      o.scale.push_back(DecodeExact(kFp16B, t.scale_codes[b]));
      o.scale_nan.push_back(false);
      o.zero.push_back(t.zero_points.empty() ? 0 : t.zero_points[b]);
    }
  } else {
    DecodeBlockFloat(name, t, &o);
  }
  return o;
}

// Section 6 on the FP16 codes, blocks of `block`.
void AlignFp16Oracle(const BlockedTensor& t, int block, OracleOperand* o) {
  o->block = block;
  o->unit_exponent = 0;
  o->a.assign(t.codes.size(), 0);
  for (int64_t first = 0; first < t.rows * t.k; first += block) {
    bool special = false, any = false;
    int x_max = 0;
    std::vector<Exact> v(static_cast<size_t>(block));
    for (int i = 0; i < block; ++i) {
      const uint32_t code = t.codes[first + i];
      if (IsNanOrInf(kFp16B, code)) {
        special = true;
        v[i] = {0, 0};
        continue;
      }
      v[i] = DecodeExact(kFp16B, code);  // M * 2^x with x = E - 25 (or -24 for subnormals)
      if (v[i].mantissa != 0) {
        x_max = any ? std::max(x_max, v[i].exponent) : v[i].exponent;
        any = true;
      }
    }
    o->scale.push_back({1, x_max - 4});
    o->scale_nan.push_back(special);
    o->zero.push_back(0);
    for (int i = 0; i < block; ++i) {
      if (v[i].mantissa == 0) continue;
      o->a[first + i] = static_cast<int64_t>(std::nearbyint(
          std::ldexp(static_cast<long double>(v[i].mantissa), v[i].exponent - x_max + 4)));
    }
  }
}

OracleOperand DecodeActivations(const std::string& name, const BlockedTensor& t, int w_block) {
  OracleOperand o;
  o.rows = t.rows;
  o.k = t.k;
  o.block = t.block;
  if (name == "int8_token") {
    for (uint32_t code : t.codes) o.a.push_back(SignExtend(code, 8));
    o.block = static_cast<int>(t.k);
    o.scale.assign(static_cast<size_t>(t.rows), {1, 0});
    o.scale_nan.assign(static_cast<size_t>(t.rows), false);
    o.zero.assign(static_cast<size_t>(t.rows), 0);
    for (uint16_t s : t.row_scale_codes) {
      const Exact e = DecodeExact(kFp16B, s);
      o.row_scale.push_back(std::ldexp(static_cast<long double>(e.mantissa), e.exponent));
    }
  } else if (name == "fp16") {
    AlignFp16Oracle(t, std::gcd(w_block, 128), &o);
  } else {
    DecodeBlockFloat(name, t, &o);
  }
  return o;
}

// rne_fp32(mantissa * 2^exponent), rounded once: mantissas beyond 64 bits are narrowed with a
// sticky bit first (exact for the rounding, which needs 25 bits and a sticky), then the value is
// an exact long double and the conversion to float rounds it once.
float RoundOnceToFp32(__int128 mantissa, int exponent) {
  if (mantissa == 0) return 0.0f;
  const bool negative = mantissa < 0;
  unsigned __int128 m = negative ? -static_cast<unsigned __int128>(mantissa)
                                 : static_cast<unsigned __int128>(mantissa);
  while ((m >> 64) != 0) {
    m = (m >> 1) | (m & 1);
    ++exponent;
  }
  const float f =
      static_cast<float>(std::ldexp(static_cast<long double>(static_cast<uint64_t>(m)), exponent));
  return negative ? -f : f;
}

std::vector<uint32_t> OracleGemm(const OracleOperand& a, const OracleOperand& w) {
  const int unit = std::min(a.block, w.block);
  std::vector<uint32_t> y;
  for (int64_t m = 0; m < a.rows; ++m) {
    for (int64_t n = 0; n < w.rows; ++n) {
      float acc = 0.0f;
      for (int64_t k0 = 0; k0 < a.k; k0 += unit) {
        const size_t ab = static_cast<size_t>(m * (a.k / a.block) + k0 / a.block);
        const size_t wb = static_cast<size_t>(n * (w.k / w.block) + k0 / w.block);
        if (a.scale_nan[ab] || w.scale_nan[wb]) {
          acc = std::numeric_limits<float>::quiet_NaN();
          continue;
        }
        __int128 p = 0, s = 0;
        for (int64_t kk = k0; kk < k0 + unit; ++kk) {
          p += static_cast<__int128>(a.a[m * a.k + kk]) * w.a[n * w.k + kk];
          s += a.a[m * a.k + kk];
        }
        const __int128 d = p - s * w.zero[wb];
        const float t = RoundOnceToFp32(
            d * a.scale[ab].mantissa * w.scale[wb].mantissa,
            a.scale[ab].exponent + w.scale[wb].exponent + a.unit_exponent + w.unit_exponent);
        acc = acc + t;
      }
      // r_m: at most 11 + 24 + 24 significant bits, exact in long double, then rounded once.
      const long double token = a.row_scale.empty() ? 1.0L : a.row_scale[m];
      const float r = static_cast<float>(token * a.tensor_scale * w.tensor_scale);
      if (r != 1.0f) acc = acc * r;
      y.push_back(std::isnan(acc) ? kCanonicalNan : Bits(acc));
    }
  }
  return y;
}

// Random reals from raw generator bits: uniform mantissa in [-1, 1) times 2^e, e in
// [lo, hi]; 1 in 50 exactly zero.
std::vector<double> RandomReals(std::mt19937_64& rng, size_t count, int lo, int hi) {
  std::vector<double> v(count);
  for (double& x : v) {
    const double mantissa = static_cast<double>(rng() >> 11) * 0x1p-52 - 1.0;
    const int e = lo + static_cast<int>(rng() % static_cast<uint64_t>(hi - lo + 1));
    x = rng() % 50 == 0 ? 0.0 : std::ldexp(mantissa, e);
  }
  return v;
}

bool IsIntFamily(const std::string& name) {
  return name.rfind("int", 0) == 0;  // integer weights, int8_token
}

TEST(MpGemmTest, RandomProblemsMatchAnIndependentExactOracle) {
  SCOPED_TRACE(testing::Message() << "seed " << kSeed);
  std::mt19937_64 rng(kSeed);
  const std::pair<const char*, const char*> pairs[] = {{"int4_g32", "int8_token"},
                                                       {"int3_g64_asym", "int8_token"},
                                                       {"int8_gch_asym", "int8_token"},
                                                       {"intmix24_g64", "int8_token"},
                                                       {"int2_g128", "fp16"},
                                                       {"int4_g128_asym", "fp16"},
                                                       {"int8_gch", "fp16"},
                                                       {"intmix234_g32_asym", "fp16"},
                                                       {"mxfp4", "mxfp4"},
                                                       {"mxfp8_e4m3", "mxint8"},
                                                       {"mxint4", "mxfp6_e2m3"},
                                                       {"mxfp6_e3m2", "mxfp8_e5m2"},
                                                       {"mxfp8_e5m2", "mxfp8_e5m2"},
                                                       {"nvfp4", "nvfp4"},
                                                       {"nvfp4", "int8_token"},
                                                       {"nvfp4", "fp16"},
                                                       {"int4_g64_asym", "mxfp8_e4m3"},
                                                       {"int4_g32", "nvfp4"},
                                                       {"mxfp4", "int8_token"},
                                                       {"mxint8", "fp16"},
                                                       {"int8_g128_asym", "mxint4"},
                                                       {"mxfp6_e2m3", "nvfp4"},
                                                       {"intmix34_g128_asym", "mxfp6_e3m2"}};
  const int64_t m = 3, k = 256, n = 4;
  // Trials: ordinary magnitudes; a wide exponent range (MX and NVFP4 scales near their limits,
  // FP32 overflow and subnormal results); and a NaN or Inf planted in a non-integer operand.
  for (const auto& [wname, aname] : pairs) {
    for (int trial = 0; trial < 9; ++trial) {
      SCOPED_TRACE(testing::Message() << wname << " x " << aname << " trial " << trial);
      const bool wide = trial % 3 == 1;
      std::vector<double> wv = wide && !IsIntFamily(wname) ? RandomReals(rng, k * n, -140, 120)
                                                           : RandomReals(rng, k * n, -8, 4);
      std::vector<double> av = wide && !IsIntFamily(aname) ? RandomReals(rng, m * k, -140, 120)
                                                           : RandomReals(rng, m * k, -8, 4);
      if (trial % 3 == 2) {
        const double special = rng() % 2 == 0 ? std::numeric_limits<double>::infinity()
                                              : std::numeric_limits<double>::quiet_NaN();
        if (!IsIntFamily(aname)) av[rng() % av.size()] = special;
        if (!IsIntFamily(wname)) wv[rng() % wv.size()] = -special;
      }
      const BlockedTensor w = QuantizeWeights(ParseWeightFormat(wname), wv, k, n);
      const BlockedTensor a = QuantizeActivations(ParseActivationFormat(aname), av, m, k);
      const std::vector<float> y = MpGemm(a, w);
      const std::vector<uint32_t> want =
          OracleGemm(DecodeActivations(aname, a, w.block), DecodeWeights(wname, w));
      ASSERT_EQ(y.size(), want.size());
      for (size_t i = 0; i < y.size(); ++i) {
        EXPECT_EQ(Bits(y[i]), want[i])
            << "output " << i << ": got " << y[i] << " want " << FromBits(want[i]);
      }
    }
  }
}

// ===== Accumulator widths (section 7) =====

UnitSumWidths Widths(const std::string& w, const std::string& a, int unit) {
  return RequiredUnitSumWidths(ParseWeightFormat(w), ParseActivationFormat(a), unit);
}

TEST(MpGemmTest, UnitSumWidthsByHand) {
  // int4 x int8, U = 128: |P| <= 128 * 8 * 128 = 2^17, reached by (-8)(-128) = +1024 per element:
  // +2^17 needs 19 signed bits.
  UnitSumWidths w = Widths("int4_g128", "int8_token", 128);
  EXPECT_EQ(w.product_sum, 19);
  EXPECT_EQ(w.activation_sum, 0);
  EXPECT_EQ(w.corrected, 19);
  // With zero points: |q - z| <= 15, |D| <= 128 * 15 * 128 = 245760 < 2^18: 19 bits;
  // S in [-128 * 128, 127 * 128] = [-2^14, 16256]: 15 bits (as section 7 states).
  w = Widths("int4_g128_asym", "int8_token", 128);
  EXPECT_EQ(w.product_sum, 19);
  EXPECT_EQ(w.activation_sum, 15);
  EXPECT_EQ(w.corrected, 19);
  // mxfp4 x mxfp4: 32 * 12 * 12 = 4608, 2^12 < 4608 < 2^13: 14 bits.
  EXPECT_EQ(Widths("mxfp4", "mxfp4", 32).product_sum, 14);
  // nvfp4 x nvfp4: 16 * 144 = 2304 < 2^12: 13 bits.
  EXPECT_EQ(Widths("nvfp4", "nvfp4", 16).product_sum, 13);
  // int4 x fp16 (aligned), U = 128: 128 * 8 * 32752 = 33538048 < 2^25 = 33554432: 26 bits.
  // (The table of section 7 says 26; its prose says 27, see the report.)
  EXPECT_EQ(Widths("int4_g128", "fp16", 128).product_sum, 26);
  // E5M2 x E5M2: 32 * (57344 * 2^16)^2 = 2^5 * 3758096384^2 ~ 2^68.6: 70 bits.
  EXPECT_EQ(Widths("mxfp8_e5m2", "mxfp8_e5m2", 32).product_sum, 70);
}

// Every element value of a format, in units (section 2), by enumerating its codes.
std::vector<int64_t> WeightElementUnits(const WeightFormat& f, const std::string& name) {
  std::vector<int64_t> v;
  if (f.family == WeightFamily::kGroupInt) {
    const int b = f.element.bits;  // the widest of a mixed format
    for (int64_t q = -(int64_t{1} << (b - 1)); q < (int64_t{1} << (b - 1)); ++q) v.push_back(q);
    return v;
  }
  int unit_exponent, int_bits;
  const FloatBits* fb = MxFloat(name, &unit_exponent, &int_bits);
  if (fb == nullptr) {
    const int64_t max = (int64_t{1} << (int_bits - 1)) - 1;  // the most negative code is unused
    for (int64_t q = -max; q <= max; ++q) v.push_back(q);
    return v;
  }
  for (uint32_t code = 0; code < (1u << (1 + fb->exponent_bits + fb->mantissa_bits)); ++code) {
    if (IsNanOrInf(*fb, code)) continue;
    const Exact e = DecodeExact(*fb, code);
    v.push_back(e.mantissa * (int64_t{1} << (e.exponent - unit_exponent)));
  }
  return v;
}

std::vector<int64_t> ActivationElementUnits(const std::string& name) {
  if (name == "int8_token") {
    std::vector<int64_t> v;
    for (int64_t q = -128; q <= 127; ++q) v.push_back(q);
    return v;
  }
  if (name == "fp16") return {-32752, 0, 32752};  // section 6: |A| <= 2047 * 16
  return WeightElementUnits(ParseWeightFormat(name), name);
}

int MinimalSignedBits(__int128 lo, __int128 hi) {
  int bits = 1;
  while (lo < -(__int128{1} << (bits - 1)) || hi > (__int128{1} << (bits - 1)) - 1) ++bits;
  return bits;
}

// The exact ranges of one element's contribution to P_u, S_u and D_u, by enumerating every pair
// of element values (and every zero point for asymmetric weights). Remembered per format pair.
struct ElementRanges {
  __int128 p_lo = 0, p_hi = 0, s_lo = 0, s_hi = 0, d_lo = 0, d_hi = 0;
  bool asymmetric = false;
};
const ElementRanges& BruteForceElementRanges(const std::string& wname, const std::string& aname) {
  static std::map<std::pair<std::string, std::string>, ElementRanges> memo;
  const auto found = memo.find({wname, aname});
  if (found != memo.end()) return found->second;
  const WeightFormat wf = ParseWeightFormat(wname);
  const std::vector<int64_t> wv = WeightElementUnits(wf, wname);
  const std::vector<int64_t> av = ActivationElementUnits(aname);
  ElementRanges r;
  r.asymmetric = wf.asymmetric;
  for (int64_t x : av) {
    r.s_lo = std::min<__int128>(r.s_lo, x);
    r.s_hi = std::max<__int128>(r.s_hi, x);
    for (int64_t q : wv) {
      r.p_lo = std::min<__int128>(r.p_lo, static_cast<__int128>(x) * q);
      r.p_hi = std::max<__int128>(r.p_hi, static_cast<__int128>(x) * q);
    }
  }
  r.d_lo = r.p_lo;
  r.d_hi = r.p_hi;
  if (wf.asymmetric) {
    // D_u = sum a_k (q_k - z) with one z per unit: per element a (q - z) for every z.
    r.d_lo = r.d_hi = 0;
    for (int64_t z : wv) {
      for (int64_t q : wv) {
        // Linear in a: its extremes suffice.
        for (int64_t x :
             {*std::min_element(av.begin(), av.end()), *std::max_element(av.begin(), av.end())}) {
          r.d_lo = std::min<__int128>(r.d_lo, static_cast<__int128>(x) * (q - z));
          r.d_hi = std::max<__int128>(r.d_hi, static_cast<__int128>(x) * (q - z));
        }
      }
    }
  }
  return memo[{wname, aname}] = r;
}

struct SumRanges {
  int p_bits, s_bits, d_bits;
};

// The elements of a unit range independently, so the unit's extreme sums are U times the
// per-element extremes; the widths are the fewest signed bits that hold them.
SumRanges BruteForceWidths(const std::string& wname, const std::string& aname, int unit) {
  const ElementRanges& r = BruteForceElementRanges(wname, aname);
  return {MinimalSignedBits(unit * r.p_lo, unit * r.p_hi),
          r.asymmetric ? MinimalSignedBits(unit * r.s_lo, unit * r.s_hi) : 0,
          MinimalSignedBits(unit * r.d_lo, unit * r.d_hi)};
}

std::vector<std::string> WeightNames() {
  std::vector<std::string> names;
  for (const char* b : {"2", "3", "4", "8"}) {
    for (const char* asym : {"", "_asym"}) names.push_back(std::string("int") + b + "_g32" + asym);
  }
  for (const char* name : {"intmix234_g128", "intmix24_g64_asym", "mxint8", "mxint4", "mxfp8_e4m3",
                           "mxfp8_e5m2", "mxfp6_e3m2", "mxfp6_e2m3", "mxfp4", "nvfp4"}) {
    names.push_back(name);
  }
  return names;
}

const char* const kActivationNames[] = {"int8_token", "fp16",       "mxint8",     "mxint4",
                                        "mxfp8_e4m3", "mxfp8_e5m2", "mxfp6_e3m2", "mxfp6_e2m3",
                                        "mxfp4",      "nvfp4"};

TEST(MpGemmTest, UnitSumWidthsAreExactlyWideEnoughByBruteForce) {
  // For small units, the worst-case sums fit the stated widths of P_u and D_u and do not fit in
  // one bit less; and S_u exactly fits too.
  for (const std::string& wname : WeightNames()) {
    for (const char* aname : kActivationNames) {
      for (int unit : {1, 2, 3, 32}) {
        SCOPED_TRACE(testing::Message() << wname << " x " << aname << " U=" << unit);
        const SumRanges need = BruteForceWidths(wname, aname, unit);
        const UnitSumWidths got = Widths(wname, aname, unit);
        EXPECT_EQ(got.product_sum, need.p_bits);
        EXPECT_EQ(got.corrected, need.d_bits);
        EXPECT_EQ(got.activation_sum, need.s_bits);
        EXPECT_EQ(got.activation_sum == 0, need.s_bits == 0);
      }
    }
  }
}

// S_u ranges over [-128 U, 127 U] with INT8 activations, which fits log2(U) + 8 signed bits
// (U = 128: [-16384, 16256] fits 15 bits): the stated width is the minimal one.
TEST(MpGemmTest, ActivationSumWidthIsMinimal) {
  for (const std::string& wname : {std::string("int4_g32_asym"), std::string("int8_g32_asym")}) {
    for (int unit : {32, 128}) {
      SCOPED_TRACE(testing::Message() << wname << " U=" << unit);
      EXPECT_EQ(Widths(wname, "int8_token", unit).activation_sum,
                BruteForceWidths(wname, "int8_token", unit).s_bits);
    }
  }
}

// The reduction unit of section 5 for K = 4096, from the formats' names alone.
int UnitByTheSpec(const std::string& w, const std::string& a) {
  const int64_t k = 4096;
  int64_t g;
  if (w.find("_gch") != std::string::npos) {
    g = k;
  } else if (w.rfind("mx", 0) == 0) {
    g = 32;
  } else if (w == "nvfp4") {
    g = 16;
  } else {
    g = std::stoi(w.substr(w.find("_g") + 2));
  }
  const int64_t b = a == "int8_token" ? k
                    : a == "fp16"     ? std::gcd<int64_t>(g, 128)
                    : a == "nvfp4"    ? 16
                                      : 32;
  return static_cast<int>(std::min(g, b));
}

TEST(MpGemmTest, WidthTableInTheDocumentMatchesTheCodeAndTheBruteForce) {
  // Every row of the section 7 table of docs/numerics.md: its unit follows section 5, and its
  // widths are what RequiredUnitSumWidths gives and what the brute force needs (P_u, D_u), or
  // at least that (S_u).
  std::ifstream in(std::string(MIXPE_SOURCE_DIR) + "/docs/numerics.md");
  ASSERT_TRUE(in) << "cannot read docs/numerics.md";
  std::string line;
  bool in_section = false;
  int rows = 0;
  while (std::getline(in, line)) {
    if (line.rfind("## ", 0) == 0) in_section = line.rfind("## 7.", 0) == 0;
    if (!in_section || line.rfind("| ", 0) != 0 || line.find("weights") != std::string::npos) {
      continue;
    }
    std::vector<std::string> cells;
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, '|')) {
      const size_t b = cell.find_first_not_of(' '), e = cell.find_last_not_of(' ');
      if (b != std::string::npos) cells.push_back(cell.substr(b, e - b + 1));
    }
    ASSERT_EQ(cells.size(), 6u) << line;
    SCOPED_TRACE(line);
    const int unit = std::stoi(cells[2]);
    EXPECT_EQ(unit, UnitByTheSpec(cells[0], cells[1]));
    const UnitSumWidths got = Widths(cells[0], cells[1], unit);
    EXPECT_EQ(got.product_sum, std::stoi(cells[3]));
    EXPECT_EQ(got.activation_sum, cells[4] == "-" ? 0 : std::stoi(cells[4]));
    EXPECT_EQ(got.corrected, std::stoi(cells[5]));
    const SumRanges need = BruteForceWidths(cells[0], cells[1], unit);
    EXPECT_EQ(std::stoi(cells[3]), need.p_bits);
    EXPECT_EQ(std::stoi(cells[5]), need.d_bits);
    if (cells[4] != "-") {
      EXPECT_GE(std::stoi(cells[4]), need.s_bits);
    }
    ++rows;
  }
  EXPECT_GT(rows, 100);
}

}  // namespace
}  // namespace mixpe
