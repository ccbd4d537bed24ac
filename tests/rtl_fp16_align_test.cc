// RTL tests of mixpe_fp16_align, the FP16 block alignment of docs/numerics.md section 6, built
// with BlockSize = MIXPE_ALIGN_BLOCK: every aligned integer, the scale exponent and the NaN flag
// against the golden model's AlignFp16Blocks, on hand-computed blocks, every exponent gap, every
// finite FP16 code beside a set of largest elements in every position (BlockSize 4), and random
// blocks (seed: MIXPE_TEST_SEED).
#include <gtest/gtest.h>
#include <verilated.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <initializer_list>
#include <iomanip>
#include <iostream>
#include <memory>
#include <random>
#include <sstream>
#include <type_traits>
#include <vector>

#include MIXPE_ALIGN_HEADER
#include "model/minifloat.h"
#include "model/quantize.h"

namespace mixpe {
namespace {

using AlignUnit = MIXPE_ALIGN_CLASS;
constexpr int kBlock = MIXPE_ALIGN_BLOCK;

// The ports are 16 * BlockSize bits wide, element i in bits [16i+15:16i]. Verilator stores such a
// port in the smallest of 8, 16, 32 and 64-bit integers that holds it, and beyond 64 bits in a
// VlWide of 32-bit words.
constexpr size_t VerilatedBytes(int bits) {
  return bits <= 8 ? 1 : bits <= 16 ? 2 : bits <= 32 ? 4 : bits <= 64 ? 8 : 4 * ((bits + 31) / 32);
}
using AlignPort = std::remove_reference_t<decltype(AlignUnit::fp16_i)>;
static_assert(sizeof(AlignPort) == VerilatedBytes(16 * kBlock),
              "MIXPE_ALIGN_BLOCK must be the BlockSize the unit was verilated with");

template <typename Port>
void SetElement(Port& port, int i, uint16_t value) {
  if constexpr (std::is_integral_v<Port>) {
    const int shift = 16 * i;
    port = static_cast<Port>((port & ~(uint64_t{0xFFFF} << shift)) | (uint64_t{value} << shift));
  } else {
    EData& word = port.at(i / 2);
    const int shift = 16 * (i % 2);
    word = (word & ~(EData{0xFFFF} << shift)) | (EData{value} << shift);
  }
}

template <typename Port>
uint16_t GetElement(const Port& port, int i) {
  if constexpr (std::is_integral_v<Port>) {
    return static_cast<uint16_t>(uint64_t{port} >> (16 * i));
  } else {
    return static_cast<uint16_t>(port.at(i / 2) >> (16 * (i % 2)));
  }
}

using Block = std::array<uint16_t, kBlock>;

// What the unit computes for one block: A_i, the scale 2^exponent, and whether the scale is NaN.
struct Aligned {
  std::array<int64_t, kBlock> a{};
  int exponent = 0;
  bool nan = false;

  bool operator==(const Aligned& o) const {
    return a == o.a && exponent == o.exponent && nan == o.nan;
  }
};

std::string Describe(const Block& codes) {
  std::ostringstream s;
  s << "block" << std::hex << std::setfill('0');
  for (uint16_t c : codes) s << " 0x" << std::setw(4) << c;
  return s.str();
}

std::string Describe(const Aligned& r) {
  std::ostringstream s;
  s << "A";
  for (int64_t v : r.a) s << " " << v;
  s << ", scale 2^" << r.exponent << (r.nan ? " (NaN)" : "");
  return s.str();
}

// The golden model on a batch of blocks: one row of K = BlockSize per block, built as
// QuantizeActivations(fp16) builds it (block = k, codes set, units empty), then aligned.
std::vector<Aligned> Golden(const std::vector<Block>& blocks) {
  BlockedTensor in;
  in.rows = static_cast<int64_t>(blocks.size());
  in.k = kBlock;
  in.block = kBlock;
  in.unit_exponent = UnitExponent(kFp16);
  in.scale_type = ScaleType::kNone;
  in.codes.reserve(blocks.size() * kBlock);
  for (const Block& b : blocks) in.codes.insert(in.codes.end(), b.begin(), b.end());
  in.scale_codes.assign(blocks.size(), 0);
  in.scales.assign(blocks.size(), Dyadic{});
  const BlockedTensor t = AlignFp16Blocks(in, kBlock);
  std::vector<Aligned> out(blocks.size());
  for (size_t r = 0; r < blocks.size(); ++r) {
    EXPECT_EQ(t.scales[r].mantissa, 1) << "the model's FP16 block scales are powers of two";
    out[r].exponent = t.scales[r].exponent;
    out[r].nan = t.scales[r].nan;
    for (int i = 0; i < kBlock; ++i) out[r].a[i] = t.units[r * kBlock + i];
  }
  return out;
}

// How gtest prints an Aligned in a failed EXPECT_EQ.
void PrintTo(const Aligned& r, std::ostream* os) { *os << Describe(r); }

Aligned GoldenOne(const Block& codes) { return Golden({codes})[0]; }

// A block of the given codes, the rest +0 (zeros do not change an alignment).
Block Padded(std::initializer_list<uint16_t> codes) {
  Block b{};
  EXPECT_LE(codes.size(), size_t{kBlock});
  int i = 0;
  for (uint16_t c : codes) {
    if (i < kBlock) b[i++] = c;
  }
  return b;
}

// An FP16 code from its fields.
uint16_t Fp16(int sign, int biased_exponent, int mantissa) {
  return static_cast<uint16_t>((sign << 15) | (biased_exponent << 10) | mantissa);
}

class RtlFp16AlignTest : public ::testing::Test {
 protected:
  void SetUp() override {
    context_ = std::make_unique<VerilatedContext>();
    unit_ = std::make_unique<AlignUnit>(context_.get(), "align");
  }
  void TearDown() override { unit_->final(); }

  Aligned Rtl(const Block& codes) {
    for (int i = 0; i < kBlock; ++i) SetElement(unit_->fp16_i, i, codes[i]);
    unit_->eval();
    Aligned r;
    for (int i = 0; i < kBlock; ++i) r.a[i] = static_cast<int16_t>(GetElement(unit_->aligned_o, i));
    r.exponent = static_cast<int8_t>(unit_->scale_exp_o);
    r.nan = unit_->scale_nan_o != 0;
    return r;
  }

  // Every block against the golden model; stops reporting after a few mismatches.
  void CheckAgainstGolden(const std::vector<Block>& blocks) {
    const std::vector<Aligned> want = Golden(blocks);
    for (size_t r = 0; r < blocks.size(); ++r) {
      const Aligned got = Rtl(blocks[r]);
      if (!(got == want[r]) && ++mismatches_ <= 10) {
        ADD_FAILURE() << Describe(blocks[r]) << "\n  rtl:    " << Describe(got)
                      << "\n  golden: " << Describe(want[r]);
      }
    }
    checked_ += static_cast<int64_t>(blocks.size());
  }

  // A hand-computed block: the RTL and the golden model must both give `want`.
  void ExpectHand(const Block& codes, const Aligned& want) {
    EXPECT_EQ(Rtl(codes), want) << "rtl, " << Describe(codes);
    EXPECT_EQ(GoldenOne(codes), want) << "golden model, " << Describe(codes);
  }

  static Aligned Want(std::initializer_list<int64_t> a, int exponent, bool nan = false) {
    Aligned r;
    int i = 0;
    for (int64_t v : a) {
      if (i < kBlock) r.a[i++] = v;
    }
    r.exponent = exponent;
    r.nan = nan;
    return r;
  }

  void Report(const char* what) const {
    std::cout << "[ checked ] " << checked_ << " blocks of " << kBlock << " (" << what << ")\n";
  }

  std::unique_ptr<VerilatedContext> context_;
  std::unique_ptr<AlignUnit> unit_;
  int64_t checked_ = 0;
  int mismatches_ = 0;
};

// Hand-computed blocks of at most 4 elements (the rest +0). x is the exponent of an element's
// last bit: x = max(E, 1) - 25; the scale is 2^(x_max - 4) and A = rne(M * 2^(x - x_max + 4)).
TEST_F(RtlFp16AlignTest, HandComputedBlocks) {
  // 1.0 (M 1024, x -10) and 1 + 2^-10 (M 1025): the same exponent, both shifted left by 4.
  ExpectHand(Padded({0x3C00, 0x3C01}), Want({16384, 16400}, -14));
  // Gaps 1..4 are exact: 2047 << 3, 1027 << 2, -(1029 << 1), 1031.
  ExpectHand(Padded({0x3C01, 0x3BFF, 0x3403, 0xB005}), Want({16400, 16376, 4108, -2058}, -14));
  ExpectHand(Padded({0x3C00, 0x2C07}), Want({16384, 1031}, -14));
  // Gap 5 halves M: 1025 / 2 = 512.5 ties to even 512; 1027 / 2 = 513.5 to 514; 1029 / 2 to 514
  // (and negated: the magnitude is rounded, the sign restored).
  ExpectHand(Padded({0x3C00, 0x2801, 0x2803, 0xA805}), Want({16384, 512, 514, -514}, -14));
  // Gap 6: 1026 / 4 = 256.5 ties to 256; 1030 / 4 = 257.5 to 258; 1027 / 4 = 256.75 to 257.
  ExpectHand(Padded({0x3C00, 0x2402, 0x2406, 0x2403}), Want({16384, 256, 258, 257}, -14));
  // 65504 (M 2047, x 5): scale 2^1, A = 32752, the largest magnitude. Gap 15 rounds
  // M / 2048: 1024 is exactly half, ties to 0; 1025 rounds to 1; -2047 to -1.
  ExpectHand(Padded({0x7BFF, 0x3C00, 0x3C01, 0xBFFF}), Want({32752, 0, 1, -1}, 1));
  // Gap 16: 2047 / 4096 < 1/2 rounds to 0; gap 14: 1024 / 1024 = 1, 1536 / 1024 = 1.5 to 2.
  ExpectHand(Padded({0xFBFF, 0x3BFF, 0x4000, 0x4200}), Want({-32752, 0, 1, 2}, 1));
  // Subnormals: x = -24, M = the mantissa. Alone: scale 2^-28, A = M << 4.
  ExpectHand(Padded({0x0001}), Want({16}, -28));
  ExpectHand(Padded({0x03FF, 0x8001}), Want({16368, -16}, -28));
  // The smallest normal (E 1, M 1024) shares x = -24 with the subnormals.
  ExpectHand(Padded({0x0400, 0x0001, 0x07FF}), Want({16384, 16, 32752}, -28));
  // E 2 (x -23) over a subnormal: gap 1.
  ExpectHand(Padded({0x0800, 0x0001, 0x03FF}), Want({16384, 8, 8184}, -27));
  // Subnormal far below: 0x0003 (M 3, x -24) under 1.0 (x -10) is a gap of 14: 3 / 1024 -> 0.
  ExpectHand(Padded({0x3C00, 0x0003}), Want({16384, 0}, -14));
  // Zeros: an all-zero block (either sign) has x_max = 0 in the model: scale 2^-4, all 0.
  ExpectHand(Padded({}), Want({}, -4));
  ExpectHand(Padded({0x8000, 0x8000, 0x0000, 0x8000}), Want({}, -4));
  // -0 beside values is 0 and does not set the exponent.
  ExpectHand(Padded({0x8000, 0x3C00, 0x0000}), Want({0, 16384, 0}, -14));
  // Inf or NaN anywhere: the scale is NaN and every A stays 0; the exponent is still that of
  // the finite elements (-4 when there are none).
  ExpectHand(Padded({0x3C00, 0x7C00}), Want({}, -14, true));
  ExpectHand(Padded({0xFC00, 0x0001, 0x4000}), Want({}, -13, true));
  ExpectHand(Padded({0x7E00}), Want({}, -4, true));
  ExpectHand(Padded({0x0000, 0x7C01, 0xFFFF, 0x3C00}), Want({}, -14, true));
}

// One element at every exponent gap 0..29 below a largest element with x = 5 (and, for gaps up
// to 20, with x = -4): A against the golden model and against rne(M * 2^(4 - gap)) computed in
// double (exact, and the host's default rounding is to nearest even).
TEST_F(RtlFp16AlignTest, EveryExponentGap) {
  std::vector<Block> blocks;
  std::vector<int64_t> want;
  for (int top_exponent : {30, 21}) {
    for (int gap = 0; gap <= top_exponent - 1; ++gap) {
      std::vector<int> mantissas = {0x000, 0x001, 0x155, 0x200, 0x201, 0x2AA, 0x3FF};
      // Exact halves and their neighbours once the shift drops bits (gap >= 5).
      for (int r = 1; r <= 10; ++r) {
        for (int m :
             {1 << (r - 1), (1 << (r - 1)) | (1 << r), (1 << (r - 1)) + 1, (1 << (r - 1)) - 1}) {
          mantissas.push_back(m & 0x3FF);
        }
      }
      for (int top_mantissa : {0x000, 0x3FF}) {
        for (int m : mantissas) {
          for (int sign = 0; sign < 2; ++sign) {
            const int e = top_exponent - gap;
            blocks.push_back(Padded({Fp16(0, top_exponent, top_mantissa), Fp16(sign, e, m)}));
            const double magnitude = std::nearbyint(std::ldexp(1024.0 + m, 4 - gap));
            want.push_back(static_cast<int64_t>(sign ? -magnitude : magnitude));
          }
        }
      }
    }
  }
  CheckAgainstGolden(blocks);
  for (size_t r = 0; r < blocks.size(); ++r) {
    ASSERT_EQ(Rtl(blocks[r]).a[1], want[r]) << Describe(blocks[r]);
  }
  Report("exponent gaps");
}

#if MIXPE_ALIGN_BLOCK == 4
// Every finite FP16 code c (63488, both zeros included) in the block {L, c, -c, +0} for each of
// 40 codes L (subnormal to 65504, both signs, zeros, Inf and NaN), rotated through all four
// positions: c sits in every position, L in every position, before and after c.
TEST_F(RtlFp16AlignTest, EveryFiniteCodeBesideEachLargestElementInEveryPosition) {
  const std::vector<uint16_t> largest = {
      0x0001, 0x0200, 0x03FF, 0x0400, 0x07FF, 0x0800, 0x0C01, 0x1000, 0x1400, 0x2000,
      0x2BFF, 0x3000, 0x3400, 0x3BFF, 0x3C00, 0x3E00, 0x4000, 0x4A00, 0x5000, 0x5400,
      0x5BFF, 0x6400, 0x6C00, 0x7400, 0x7800, 0x7BFF, 0x8001, 0x83FF, 0x8400, 0xBC00,
      0xC000, 0xE400, 0xFBFF, 0x0000, 0x8000, 0x7C00, 0xFC00, 0x7E00, 0x7C01, 0xFFFF};
  ASSERT_EQ(largest.size(), 40u);
  std::vector<Block> blocks;
  blocks.reserve(63488 * 4);
  for (uint16_t top : largest) {
    blocks.clear();
    for (uint32_t c = 0; c < 0x10000; ++c) {
      if (((c >> 10) & 0x1F) == 0x1F) continue;  // Inf and NaN
      const std::array<uint16_t, 4> base = {top, static_cast<uint16_t>(c),
                                            static_cast<uint16_t>(c ^ 0x8000), 0x0000};
      for (int rotation = 0; rotation < 4; ++rotation) {
        Block b;
        for (int i = 0; i < 4; ++i) b[(i + rotation) % 4] = base[i];
        blocks.push_back(b);
      }
    }
    ASSERT_EQ(blocks.size(), 63488u * 4);
    CheckAgainstGolden(blocks);
  }
  Report("exhaustive");
}
#endif

// The seed of the random tests: MIXPE_TEST_SEED if set (decimal or 0x hex), else a fixed one.
uint64_t TestSeed() {
  const char* env = std::getenv("MIXPE_TEST_SEED");
  return env != nullptr ? std::strtoull(env, nullptr, 0) : 0xA16Eu;
}

// Random blocks whose exponents are clustered (a few binades: many exact shifts, rounding and
// ties), spread over the whole range (most elements round to 0), or near the subnormals or the
// top; mantissas often end in zeros (exact halves); some elements are +-0 and one block in 64
// holds an Inf or NaN.
TEST_F(RtlFp16AlignTest, RandomBlocks) {
  const uint64_t seed = TestSeed();
  std::cout << "[ seed ] " << seed << " (set MIXPE_TEST_SEED to change)\n";
  std::mt19937_64 rng(seed);
  const int batches = kBlock >= 32 ? 256 : 512;  // of 4096: about 1M blocks (2M of 4)
  std::vector<Block> blocks(4096);
  for (int batch = 0; batch < batches && mismatches_ <= 10; ++batch) {
    for (Block& b : blocks) {
      const int mode = static_cast<int>(rng() % 4);
      const int top = 1 + static_cast<int>(rng() % 30);  // the cluster's highest exponent
      const int spread = static_cast<int>(rng() % 8);
      for (uint16_t& code : b) {
        int e;
        switch (mode) {
          case 0:  // clustered
            e = std::max(0, top - static_cast<int>(rng() % (spread + 1)));
            break;
          case 1:  // spread
            e = static_cast<int>(rng() % 31);
            break;
          case 2:  // around the subnormals
            e = static_cast<int>(rng() % 4);
            break;
          default:  // near 65504
            e = 26 + static_cast<int>(rng() % 5);
            break;
        }
        const int trailing_zeros = static_cast<int>(rng() % 11);
        const int m = static_cast<int>(rng() & 0x3FF) & ~((1 << trailing_zeros) - 1);
        code = Fp16(static_cast<int>(rng() & 1), e, m);
        if (rng() % 10 == 0) code &= 0x8000;  // +-0
      }
      if (rng() % 64 == 0) {
        const uint16_t special = Fp16(static_cast<int>(rng() & 1), 0x1F,
                                      (rng() & 1) != 0 ? 0 : 1 + static_cast<int>(rng() % 0x3FF));
        b[rng() % kBlock] = special;
      }
    }
    CheckAgainstGolden(blocks);
  }
  Report("random");
}

}  // namespace
}  // namespace mixpe
