// RTL tests of the baseline PEs' combinational units against their golden models
// (model/baseline_pe.h, itself tested against the host's IEEE arithmetic in baseline_pe_test.cc):
// mixpe_fp16_mul_exact, mixpe_weight_to_fp16 at WeightBits 4 (every code, zero point and FP16
// scale) and 8 (every code and zero point, a large set of scales), mixpe_weight_expand_int8 (every
// code and multiplier). No RTL assertion may fire. Random tests print their seed; MIXPE_TEST_SEED
// replays one.
#include <gtest/gtest.h>
#include <verilated.h>

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "Vfp16_mul_exact_unit.h"
#include "Vweight_expand_int8_unit.h"
#include "Vweight_to_fp16_unit4.h"
#include "Vweight_to_fp16_unit8.h"
#include "model/baseline_pe.h"
#include "model/gemm_operands.h"

namespace mixpe {
namespace {

uint64_t Seed(uint64_t fallback) {
  const char* env = std::getenv("MIXPE_TEST_SEED");
  const uint64_t seed = env != nullptr && *env != '\0' ? std::strtoull(env, nullptr, 0) : fallback;
  std::cout << "[ seed ] " << seed << "\n";
  return seed;
}

std::string Hex(uint32_t bits) {
  std::ostringstream out;
  out << "0x" << std::hex << std::uppercase << bits;
  return out.str();
}

// FP16 patterns of every kind and at every boundary, in both signs: zeros, every subnormal,
// every normal exponent with its extreme and middle mantissas, the largest finite value, Inf and
// NaNs.
std::vector<uint16_t> Fp16Scales() {
  std::vector<uint16_t> codes;
  for (uint16_t sign : {uint16_t{0}, uint16_t{0x8000}}) {
    for (uint16_t mantissa = 0; mantissa < 0x400; ++mantissa) {
      codes.push_back(static_cast<uint16_t>(sign | mantissa));  // zero and the subnormals
    }
    for (uint16_t exponent = 1; exponent <= 31; ++exponent) {
      for (uint16_t mantissa : {0x000, 0x001, 0x002, 0x155, 0x200, 0x2AA, 0x3FE, 0x3FF}) {
        codes.push_back(static_cast<uint16_t>(sign | exponent << 10 | mantissa));
      }
    }
  }
  return codes;
}

// Owns a Verilator context whose failed assertions are reported instead of aborting.
template <class VUnit>
class UnitHarness {
 public:
  UnitHarness() : context_(std::make_unique<VerilatedContext>()) {
    context_->fatalOnError(false);
    unit_ = std::make_unique<VUnit>(context_.get(), "unit");
  }
  ~UnitHarness() { unit_->final(); }
  VUnit& operator*() { return *unit_; }
  VUnit* operator->() { return unit_.get(); }
  bool GotError() const { return context_->gotError(); }

 private:
  std::unique_ptr<VerilatedContext> context_;
  std::unique_ptr<VUnit> unit_;
};

// ---------------------------------------------------------------------------------------------
// mixpe_fp16_mul_exact

TEST(RtlFp16MulExactTest, EveryValueTimesEveryBoundaryPatternAndRandomPairs) {
  UnitHarness<Vfp16_mul_exact_unit> mul;
  auto check = [&](uint16_t a, uint16_t b) {
    mul->a_i = a;
    mul->b_i = b;
    mul->eval();
    return mul->product_o == Fp16MulExact(a, b);
  };
  const std::vector<uint16_t> boundaries = Fp16Scales();
  for (uint32_t a = 0; a < 0x10000; ++a) {
    for (size_t i = 0; i < boundaries.size(); i += 7) {  // every 7th: every kind, 364 patterns
      const uint16_t b = boundaries[i];
      ASSERT_TRUE(check(static_cast<uint16_t>(a), b))
          << Hex(a) << " * " << Hex(b) << ": RTL " << Hex(mul->product_o) << ", golden "
          << Hex(Fp16MulExact(static_cast<uint16_t>(a), b));
    }
  }
  std::mt19937_64 rng(Seed(0x3A11F16));
  for (int i = 0; i < 4000000; ++i) {
    const auto a = static_cast<uint16_t>(rng());
    const auto b = static_cast<uint16_t>(rng());
    ASSERT_TRUE(check(a, b)) << Hex(a) << " * " << Hex(b);
  }
  EXPECT_FALSE(mul.GotError());
}

// ---------------------------------------------------------------------------------------------
// mixpe_weight_to_fp16

template <class VUnit>
void CheckWeightToFp16(int weight_bits, const std::vector<uint16_t>& scales) {
  UnitHarness<VUnit> unit;
  const MixpeWeightToFp16 golden(weight_bits);
  const uint32_t codes = 1u << weight_bits;
  int64_t checked = 0;
  for (uint32_t code = 0; code < codes; ++code) {
    for (uint32_t zero = 0; zero < codes; ++zero) {
      unit->code_i = code;
      unit->zero_i = zero;
      for (uint16_t scale : scales) {
        unit->scale_i = scale;
        unit->eval();
        const uint16_t expected = golden.Dequantize(code, zero, scale);
        ASSERT_EQ(unit->weight_o, expected)
            << "W" << weight_bits << " code " << code << " zero " << zero << " scale " << Hex(scale)
            << ": RTL " << Hex(unit->weight_o) << ", golden " << Hex(expected);
        ++checked;
      }
    }
  }
  EXPECT_EQ(checked, int64_t{codes} * codes * static_cast<int64_t>(scales.size()));
  EXPECT_FALSE(unit.GotError());
}

TEST(RtlWeightToFp16Test, EveryCodeZeroPointAndScaleAtWeightBits4) {
  std::vector<uint16_t> scales;
  for (uint32_t s = 0; s < 0x10000; ++s) scales.push_back(static_cast<uint16_t>(s));
  CheckWeightToFp16<Vweight_to_fp16_unit4>(4, scales);
}

TEST(RtlWeightToFp16Test, EveryCodeAndZeroPointWithBoundaryAndRandomScalesAtWeightBits8) {
  // Every 5th boundary pattern (every kind, every exponent) and random ones: 65536 code and zero
  // point pairs each.
  std::vector<uint16_t> scales;
  const std::vector<uint16_t> boundaries = Fp16Scales();
  for (size_t i = 0; i < boundaries.size(); i += 5) scales.push_back(boundaries[i]);
  std::mt19937_64 rng(Seed(0xDE08));
  for (int i = 0; i < 200; ++i) scales.push_back(static_cast<uint16_t>(rng()));
  CheckWeightToFp16<Vweight_to_fp16_unit8>(8, scales);
}

// ---------------------------------------------------------------------------------------------
// mixpe_weight_expand_int8 (WeightBits 4, MultBits 4)

TEST(RtlWeightExpandInt8Test, EveryCodeTimesEveryMultiplier) {
  UnitHarness<Vweight_expand_int8_unit> unit;
  const MixpeWeightExpandInt8 golden(4, 4);
  for (uint32_t code = 0; code < 16; ++code) {
    for (uint32_t mult = 1; mult < 16; ++mult) {
      unit->code_i = code;
      unit->mult_i = mult;
      unit->eval();
      ASSERT_EQ(unit->weight_o, TwosComplementCode(golden.Expand(code, mult), 8))
          << "code " << code << " mult " << mult;
    }
  }
  EXPECT_FALSE(unit.GotError());
}

}  // namespace
}  // namespace mixpe
