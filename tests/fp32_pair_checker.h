// Shared by the tests of the FP32 RTL units (adder, multiplier): the host's IEEE binary32
// arithmetic as the oracle with every NaN made canonical, a tally of checked pairs that keeps the
// first mismatches for the failure message, and the seed of the random tests.
// The tests must not be built with -ffast-math (or anything that sets FTZ/DAZ): the oracle would
// flush subnormals.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <string>

namespace mixpe::testing_util {

inline constexpr uint32_t kCanonicalNaN = 0x7FC00000u;

inline float FloatOf(uint32_t bits) {
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

// The bits of a host result, every NaN as the canonical quiet NaN the RTL produces.
inline uint32_t CanonicalBits(float f) {
  if (std::isnan(f)) return kCanonicalNaN;
  uint32_t bits;
  std::memcpy(&bits, &f, sizeof bits);
  return bits;
}

inline std::string Hex(uint32_t bits) {
  std::ostringstream out;
  out << "0x" << std::hex << std::uppercase << std::setw(8) << std::setfill('0') << bits;
  return out.str();
}

// The seed of the random tests: MIXPE_TEST_SEED if set (decimal or 0x hex), else a fixed one.
inline uint64_t TestSeed() {
  const char* env = std::getenv("MIXPE_TEST_SEED");
  if (env != nullptr && *env != '\0') return std::strtoull(env, nullptr, 0);
  return 0x6d69787065ull;
}

// Counts pairs and what their results were, and remembers the first mismatches.
class Fp32PairChecker {
 public:
  explicit Fp32PairChecker(const char* op) : op_(op) {}

  void Check(uint32_t a, uint32_t b, uint32_t rtl, uint32_t expected) {
    ++checked_;
    const uint32_t exponent = expected >> 23 & 0xFF;
    if ((expected & 0x7FFFFFFF) == 0) {
      ++zeros_;
    } else if (exponent == 0) {
      ++subnormals_;
    } else if (exponent == 0xFF) {
      ++infs_and_nans_;
    }
    if (rtl != expected && ++mismatches_ <= 10) {
      first_mismatches_ << "\n  " << Hex(a) << " " << op_ << " " << Hex(b) << ": RTL " << Hex(rtl)
                        << ", expected " << Hex(expected);
    }
  }

  void ExpectNoMismatch() const {
    EXPECT_EQ(mismatches_, 0) << "of " << checked_
                              << " pairs; first ones:" << first_mismatches_.str();
    // What the pairs reached: results that are zero, subnormal, Inf or NaN.
    std::cout << "[ pairs ] " << checked_ << " checked; results: " << zeros_ << " zero, "
              << subnormals_ << " subnormal, " << infs_and_nans_ << " Inf or NaN\n";
  }

  int64_t checked() const { return checked_; }

 private:
  const char* op_;
  int64_t checked_ = 0;
  int64_t mismatches_ = 0;
  int64_t zeros_ = 0;
  int64_t subnormals_ = 0;
  int64_t infs_and_nans_ = 0;
  std::ostringstream first_mismatches_;
};

}  // namespace mixpe::testing_util
