// Tests of the memory image of quantized tensors (model/bit_packing.h) against docs/numerics.md
// section 8: code streams written out bit by bit by hand, tensor sizes from the formats' bits per
// element, and the round trip memory image -> weights for every weight format name.
#include "model/bit_packing.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "model/input_error.h"
#include "model/quant_format.h"
#include "model/quantize.h"

namespace mixpe {
namespace {

constexpr uint64_t kSeed = 20250309;

// ===== PackCodes / UnpackCodes: LSB-first bit stream =====

struct PackCase {
  int bits;
  std::vector<uint32_t> codes;
  std::vector<uint8_t> bytes;
};

TEST(BitPackingTest, PackCodesHandExamples) {
  const PackCase cases[] = {
      // 2 bits {1, 2, 3, 0, 3}: byte 0 = 1 | 2 << 2 | 3 << 4 | 0 << 6 = 1 + 8 + 48 = 0x39;
      // byte 1 = 3, zero-padded above.
      {2, {1, 2, 3, 0, 3}, {0x39, 0x03}},
      // 3 bits {5, 3, 7, 1, 6}: bits 0-2 = 101, 3-5 = 011, 6-8 = 111 (straddles), 9-11 = 001,
      // 12-14 = 110. Byte 0 = 5 | 3 << 3 | (7 & 3) << 6 = 5 + 24 + 192 = 0xDD;
      // byte 1 = (7 >> 2) | 1 << 1 | 6 << 4 = 1 + 2 + 96 = 0x63.
      {3, {5, 3, 7, 1, 6}, {0xDD, 0x63}},
      // 3 bits {0..7} fill exactly 3 bytes: the 24-bit number sum(i << 3i) = 0xFAC688, little
      // endian: byte 0 = 000 | 001 << 3 | (010 & 11) << 6 = 0x88; byte 1 = 0 | 011 << 1 |
      // 100 << 4 | (101 & 1) << 7 = 6 + 64 + 128 = 0xC6; byte 2 = 10 | 110 << 2 | 111 << 5 = 0xFA.
      {3, {0, 1, 2, 3, 4, 5, 6, 7}, {0x88, 0xC6, 0xFA}},
      // 4 bits: low nibble first: {0x1, 0xA} -> 0xA1, {0xF, 0x3} -> 0x3F, {0x7} -> 0x07.
      {4, {0x1, 0xA, 0xF, 0x3, 0x7}, {0xA1, 0x3F, 0x07}},
      // 6 bits {0x3F, 0x01, 0x2A, 0x15}: byte 0 = 0x3F | (0x01 & 3) << 6 = 0x7F;
      // byte 1 = (0x01 >> 2) | (0x2A & 0xF) << 4 = 0xA0; byte 2 = (0x2A >> 4) | 0x15 << 2 = 0x56.
      {6, {0x3F, 0x01, 0x2A, 0x15}, {0x7F, 0xA0, 0x56}},
      // 8 bits: one byte per code.
      {8, {0x00, 0xFF, 0x80, 0x7F, 0x12}, {0x00, 0xFF, 0x80, 0x7F, 0x12}},
      // Nothing to pack: no bytes.
      {4, {}, {}},
  };
  for (const PackCase& c : cases) {
    SCOPED_TRACE(testing::Message() << c.bits << " bits, " << c.codes.size() << " codes");
    EXPECT_EQ(PackCodes(c.codes, c.bits), c.bytes);
    EXPECT_EQ(UnpackCodes(c.bytes, c.bits, c.codes.size()), c.codes);
  }
}

TEST(BitPackingTest, UnpackCodesOfTooFewBytesIsAnInputError) {
  // Five 3-bit codes need 15 bits; one byte holds 8.
  EXPECT_THROW(UnpackCodes({0xDD}, 3, 5), InputError);
}

TEST(BitPackingTest, RandomCodesRoundTripForEveryWidth) {
  SCOPED_TRACE(testing::Message() << "seed " << kSeed);
  std::mt19937_64 rng(kSeed);
  for (int bits = 1; bits <= 16; ++bits) {
    for (size_t count : {1u, 7u, 8u, 9u, 100u, 1001u}) {
      SCOPED_TRACE(testing::Message() << bits << " bits, " << count << " codes");
      std::vector<uint32_t> codes(count);
      for (uint32_t& c : codes) c = static_cast<uint32_t>(rng()) & ((1u << bits) - 1u);
      const std::vector<uint8_t> bytes = PackCodes(codes, bits);
      EXPECT_EQ(bytes.size(), (count * bits + 7) / 8);
      EXPECT_EQ(UnpackCodes(bytes, bits, count), codes);
      // Bit i * bits + j of the stream is bit j of code i.
      for (size_t i = 0; i < count; i += 13) {
        for (int j = 0; j < bits; ++j) {
          const size_t at = i * bits + j;
          EXPECT_EQ((bytes[at / 8] >> (at % 8)) & 1u, (codes[i] >> j) & 1u);
        }
      }
    }
  }
}

// ===== PackTensor: layout and sizes =====

// A hand-made group-int tensor (only what PackTensor reads).
BlockedTensor IntTensor(int64_t rows, int64_t k, int block, std::vector<uint32_t> codes,
                        std::vector<uint32_t> scale_codes) {
  BlockedTensor t;
  t.rows = rows;
  t.k = k;
  t.block = block;
  t.scale_type = ScaleType::kFp16;
  t.codes = std::move(codes);
  t.units.assign(t.codes.size(), 0);
  t.scale_codes = std::move(scale_codes);
  t.scales.assign(t.scale_codes.size(), Dyadic{});
  return t;
}

TEST(BitPackingTest, EachRowStartsOnAByteBoundary) {
  // 2 rows of three 3-bit codes (9 bits each): row 0 {1, 2, 3} -> byte 0 = 1 | 2 << 3 | 3 << 6
  // = 1 + 16 + 192 = 0xD1, byte 1 = 3 >> 2 = 0x00; row 1 starts at byte 2: {4, 5, 6} -> 4 | 5 << 3
  // | (6 & 3) << 6 = 4 + 40 + 128 = 0xAC, byte 3 = 6 >> 2 = 0x01. Scales FP16 little endian:
  // 0x3C00 -> 00 3C, 0xC000 -> 00 C0.
  const PackedTensor p = PackTensor(IntTensor(2, 3, 3, {1, 2, 3, 4, 5, 6}, {0x3C00, 0xC000}), 3);
  EXPECT_EQ(p.codes, (std::vector<uint8_t>{0xD1, 0x00, 0xAC, 0x01}));
  EXPECT_EQ(p.scales, (std::vector<uint8_t>{0x00, 0x3C, 0x00, 0xC0}));
  EXPECT_TRUE(p.zero_points.empty());
  EXPECT_TRUE(p.row_scales.empty());
  EXPECT_TRUE(p.tensor_scale.empty());
}

TEST(BitPackingTest, MixedPrecisionGroupsUseTheirOwnWidth) {
  // One row, groups of 4 at 2 and 4 bits: {1, 2, 3, 0} at 2 bits = 0x39; then {0xF, 0x1, 0x8, 0x7}
  // at 4 bits = 0x1F, 0x78. Zero points {-1, 5} at 2 and 4 bits: 0b11 | 0101 << 2 = 0x17.
  BlockedTensor t = IntTensor(1, 8, 4, {1, 2, 3, 0, 0xF, 0x1, 0x8, 0x7}, {0x3C00, 0x3800});
  t.block_bits = {2, 4};
  t.zero_points = {-1, 5};
  const PackedTensor p = PackTensor(t, 4);
  EXPECT_EQ(p.codes, (std::vector<uint8_t>{0x39, 0x1F, 0x78}));
  EXPECT_EQ(p.zero_points, (std::vector<uint8_t>{0x17}));
}

TEST(BitPackingTest, ZeroPointsAreSignedCodesOfTheGroupWidth) {
  // int4 asymmetric, 2 rows of 2 groups: zero points {-6, 7 | -8, 0} as 4-bit two's complement
  // {0xA, 0x7, 0x8, 0x0}, low nibble first: 0x7A, 0x08. (Two 4-bit zero points per row fill a
  // byte, so this does not depend on whether zero-point rows are byte aligned.)
  BlockedTensor t = IntTensor(2, 64, 32, std::vector<uint32_t>(128, 0), {0, 0, 0, 0});
  t.zero_points = {-6, 7, -8, 0};
  EXPECT_EQ(PackTensor(t, 4).zero_points, (std::vector<uint8_t>{0x7A, 0x08}));
}

std::vector<double> Ramp(size_t count) {
  std::vector<double> v(count);
  for (size_t i = 0; i < count; ++i) v[i] = static_cast<double>(i % 17) - 8.25;
  return v;
}

size_t PackedWeightBytes(const std::string& name, int64_t k, int64_t n) {
  const WeightFormat f = ParseWeightFormat(name);
  return PackTensor(QuantizeWeights(f, Ramp(k * n), k, n), f.element.bits).TotalBytes();
}

TEST(BitPackingTest, TensorSizesFollowTheFormatsBitsPerElement) {
  // MXFP4, K = 64, N = 4: 256 codes * 4 bits = 128 bytes + 8 E8M0 bytes = 136 bytes,
  // 136 * 8 / 256 = 4.25 bits per element.
  {
    const WeightFormat f = ParseWeightFormat("mxfp4");
    const PackedTensor p = PackTensor(QuantizeWeights(f, Ramp(256), 64, 4), 4);
    EXPECT_EQ(p.codes.size(), 128u);
    EXPECT_EQ(p.scales.size(), 8u);
    EXPECT_EQ(p.TotalBytes() * 8.0 / 256, 4.25);
  }
  // NVFP4, K = 64, N = 4: 128 code bytes + 16 E4M3 bytes (4.5 bits per element) + 4 bytes of FP32
  // tensor scale.
  {
    const PackedTensor p =
        PackTensor(QuantizeWeights(ParseWeightFormat("nvfp4"), Ramp(256), 64, 4), 4);
    EXPECT_EQ(p.codes.size(), 128u);
    EXPECT_EQ(p.scales.size(), 16u);
    EXPECT_EQ((p.codes.size() + p.scales.size()) * 8.0 / 256, 4.5);
    EXPECT_EQ(p.tensor_scale.size(), 4u);
    EXPECT_EQ(p.TotalBytes(), 148u);
  }
  // int4_g128, K = 256, N = 2: 512 * 4 bits = 256 bytes + 4 groups * 2 bytes = 264 bytes:
  // 4 bits + 16 bits per 128 = 4.125 bits per element. _asym adds 4 zero points * 4 bits.
  EXPECT_EQ(PackedWeightBytes("int4_g128", 256, 2), 264u);
  EXPECT_EQ(PackedWeightBytes("int4_g128", 256, 2) * 8.0 / 512, 4.0 + 16.0 / 128);
  EXPECT_EQ(PackedWeightBytes("int4_g128_asym", 256, 2), 266u);
  // int3_g32, K = 64, N = 2: 128 * 3 bits = 48 bytes + 4 scales * 2 = 56.
  EXPECT_EQ(PackedWeightBytes("int3_g32", 64, 2), 56u);
  // int8_gch, K = 64, N = 3: 192 bytes + 3 scales * 2 = 198.
  EXPECT_EQ(PackedWeightBytes("int8_gch", 64, 3), 198u);
  // mxfp8_e4m3 / mxfp6_e2m3 / mxint4, K = 64, N = 1: codes + 2 scale bytes.
  EXPECT_EQ(PackedWeightBytes("mxfp8_e4m3", 64, 1), 64u + 2);
  EXPECT_EQ(PackedWeightBytes("mxfp6_e2m3", 64, 1), 48u + 2);
  EXPECT_EQ(PackedWeightBytes("mxint4", 64, 1), 32u + 2);
  // INT8 per-token activations, M = 2, K = 32: 64 code bytes + 2 FP16 row scales.
  const PackedTensor a =
      PackTensor(QuantizeActivations(ParseActivationFormat("int8_token"), Ramp(64), 2, 32), 8);
  EXPECT_EQ(a.codes.size(), 64u);
  EXPECT_EQ(a.row_scales.size(), 4u);
  EXPECT_TRUE(a.scales.empty());
  EXPECT_EQ(a.TotalBytes(), 68u);
}

TEST(BitPackingTest, ScalesAndTensorScaleAreLittleEndian) {
  // int8_token row scale: max|a| = 8.25 (Ramp), 8.25 / 127 = 0.06496 = 1.0394 * 2^-4: FP16
  // biased exponent 11, mantissa 0.0394 * 1024 = 40.4 -> 40: 0x2C00 | 0x28 = 0x2C28, stored 28 2C.
  const PackedTensor p =
      PackTensor(QuantizeActivations(ParseActivationFormat("int8_token"), Ramp(32), 1, 32), 8);
  EXPECT_EQ(p.row_scales, (std::vector<uint8_t>{0x28, 0x2C}));
  // NVFP4: the FP32 tensor scale, low byte first. max|x| = 2688 -> s_tensor = 1.0 = 0x3F800000.
  std::vector<double> x(16, 0.0);
  x[0] = 2688;
  const PackedTensor nv = PackTensor(QuantizeWeights(ParseWeightFormat("nvfp4"), x, 16, 1), 4);
  EXPECT_EQ(nv.tensor_scale, (std::vector<uint8_t>{0x00, 0x00, 0x80, 0x3F}));
  // Its one E4M3 block scale: 2688 / 6 / 1 = 448 -> 0x7E.
  EXPECT_EQ(nv.scales, std::vector<uint8_t>{0x7E});
}

// ===== UnpackWeights(PackTensor(QuantizeWeights(...))) for every weight format name =====

TEST(BitPackingTest, EveryWeightFormatRoundTripsThroughItsMemoryImage) {
  SCOPED_TRACE(testing::Message() << "seed " << kSeed + 1);
  std::mt19937_64 rng(kSeed + 1);
  const int64_t k = 256, n = 3;
  for (const std::string& name : AllWeightFormatNames()) {
    SCOPED_TRACE(name);
    const WeightFormat f = ParseWeightFormat(name);
    std::vector<double> w(static_cast<size_t>(k * n));
    for (double& x : w) {
      // Uniform in [-1, 1) times 2^e, e in [-6, 3], from raw bits; some exact zeros.
      const double mantissa = static_cast<double>(rng() >> 11) * 0x1p-52 - 1.0;
      x = rng() % 41 == 0 ? 0.0 : std::ldexp(mantissa, static_cast<int>(rng() % 10) - 6);
    }
    const bool block_float = f.family != WeightFamily::kGroupInt;
    if (block_float) w[5 * n + 1] = std::numeric_limits<double>::infinity();  // a NaN scale
    const BlockedTensor t = QuantizeWeights(f, w, k, n);
    const bool mixed = !f.mixed_bits.empty();
    const PackedTensor p = PackTensor(t, f.element.bits);
    const BlockedTensor u =
        UnpackWeights(f, p, k, n, mixed ? t.block_bits : std::vector<uint8_t>{});
    EXPECT_EQ(u.rows, t.rows);
    EXPECT_EQ(u.k, t.k);
    EXPECT_EQ(u.block, t.block);
    EXPECT_EQ(u.unit_exponent, t.unit_exponent);
    EXPECT_EQ(u.scale_type, t.scale_type);
    EXPECT_EQ(u.codes, t.codes);
    EXPECT_EQ(u.units, t.units);
    EXPECT_EQ(u.scale_codes, t.scale_codes);
    EXPECT_EQ(u.zero_points, t.zero_points);
    EXPECT_EQ(u.tensor_scale_code, t.tensor_scale_code);
    if (mixed) {
      EXPECT_EQ(u.block_bits, t.block_bits);
    }
    ASSERT_EQ(u.scales.size(), t.scales.size());
    bool saw_nan = false;
    for (size_t i = 0; i < t.scales.size(); ++i) {
      EXPECT_EQ(u.scales[i].nan, t.scales[i].nan) << "block " << i;
      saw_nan |= t.scales[i].nan;
      if (!t.scales[i].nan) {
        EXPECT_EQ(u.scales[i].ToDouble(), t.scales[i].ToDouble()) << "block " << i;
      }
    }
    EXPECT_EQ(saw_nan, block_float);
    // The image is exactly the format's size: codes (rows byte aligned), scales, zero points.
    size_t code_bits = 0;
    for (int64_t r = 0; r < n; ++r) {
      size_t row_bits = 0;
      for (int64_t b = 0; b < k / t.block; ++b) {
        row_bits += static_cast<size_t>(t.block) *
                    (mixed ? t.block_bits[r * (k / t.block) + b] : f.element.bits);
      }
      code_bits += (row_bits + 7) / 8 * 8;
    }
    EXPECT_EQ(p.codes.size() * 8, code_bits);
    const size_t scale_bytes = f.family == WeightFamily::kGroupInt ? 2 : 1;
    EXPECT_EQ(p.scales.size(), t.scale_codes.size() * scale_bytes);
    EXPECT_EQ(p.tensor_scale.size(), f.family == WeightFamily::kNvFp4 ? 4u : 0u);
    EXPECT_EQ(p.zero_points.empty(), !f.asymmetric);
  }
}

TEST(BitPackingTest, UnpackWeightsOfATruncatedImageIsAnInputError) {
  const WeightFormat f = ParseWeightFormat("int4_g32");
  PackedTensor p = PackTensor(QuantizeWeights(f, Ramp(64), 32, 2), 4);
  p.codes.pop_back();
  EXPECT_THROW(UnpackWeights(f, p, 32, 2), InputError);
  PackedTensor q = PackTensor(QuantizeWeights(f, Ramp(64), 32, 2), 4);
  q.scales.pop_back();
  EXPECT_THROW(UnpackWeights(f, q, 32, 2), InputError);
  // Mixed widths that do not match the tensor's groups.
  const WeightFormat mixed = ParseWeightFormat("intmix24_g32");
  const BlockedTensor t = QuantizeWeights(mixed, Ramp(64), 32, 2);
  EXPECT_THROW(UnpackWeights(mixed, PackTensor(t, 4), 32, 2, {4}), InputError);
}

// Activations of every format survive the trip through their memory image: codes, units,
// scales and row/tensor scales come back from the bytes alone, and so does the GEMM result.
TEST(BitPackingTest, ActivationsOfEveryFormatRoundTripThroughTheirImage) {
  const int64_t m = 3;
  const int64_t k = 64;
  std::vector<double> a(static_cast<size_t>(m * k));
  for (size_t i = 0; i < a.size(); ++i) a[i] = std::sin(0.37 * i) * (i % 7 == 0 ? 30.0 : 1.0);
  for (const char* name : {"int8_token", "fp16", "mxint8", "mxint4", "mxfp8_e4m3", "mxfp8_e5m2",
                           "mxfp6_e3m2", "mxfp6_e2m3", "mxfp4", "nvfp4"}) {
    SCOPED_TRACE(name);
    const ActivationFormat f = ParseActivationFormat(name);
    const BlockedTensor t = QuantizeActivations(f, a, m, k);
    const BlockedTensor u = UnpackActivations(f, PackTensor(t, f.element.bits), m, k);
    EXPECT_EQ(u.codes, t.codes);
    EXPECT_EQ(u.units, t.units);
    EXPECT_EQ(u.scale_codes, t.scale_codes);
    EXPECT_EQ(u.row_scale_codes, t.row_scale_codes);
    EXPECT_EQ(u.tensor_scale_code, t.tensor_scale_code);
    EXPECT_EQ(u.block, t.block);
    EXPECT_EQ(u.unit_exponent, t.unit_exponent);
    ASSERT_EQ(u.scales.size(), t.scales.size());
    for (size_t i = 0; i < t.scales.size(); ++i) {
      EXPECT_EQ(u.scales[i].ToDouble(), t.scales[i].ToDouble()) << "block " << i;
    }
  }
}

// MXINT8 code 0x80 (-128) and MXINT4 code 0x8 are never produced: a reader rejects them.
TEST(BitPackingTest, ReservedMxIntCodesAreRejected) {
  for (const auto& [name, bits, reserved] :
       {std::tuple<const char*, int, uint8_t>{"mxint8", 8, 0x80}, {"mxint4", 4, 0x08}}) {
    SCOPED_TRACE(name);
    const WeightFormat f = ParseWeightFormat(name);
    PackedTensor p = PackTensor(QuantizeWeights(f, Ramp(64), 32, 2), bits);
    p.codes[0] = static_cast<uint8_t>((p.codes[0] & ~((1u << bits) - 1u)) | reserved);
    try {
      UnpackWeights(f, p, 32, 2);
      FAIL() << "reserved code accepted";
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find("reserved code"), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace mixpe
