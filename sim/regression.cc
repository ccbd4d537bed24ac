// The random regression's case generator, edge-value patterns, coverage and bookkeeping; see
// regression.h and docs/verify.md.
#include "sim/regression.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numeric>
#include <random>
#include <set>

#include "model/input_error.h"
#include "model/minifloat.h"

namespace mixpe {
namespace {

// Reduction lengths stay at or below this (and at most 8 blocks of the pair's coarsest grain),
// so that a case runs in milliseconds on a small core.
constexpr int64_t kMaxK = 256;
constexpr int kMaxGrains = 8;

constexpr uint16_t kFp16MaxNormal = 0x7BFF;  // 65504

// --- format pairs -----------------------------------------------------------------------------

// The grain of K for a pair: the least common multiple of the weight group and the activation
// block where they are fixed; 32 where both follow K (per-channel weights with INT8 per-token or
// FP16 activations).
int64_t KGrain(const WeightFormat& w, const ActivationFormat& a) {
  int64_t grain = 1;
  if (w.group_size > 0) grain = std::lcm<int64_t>(grain, w.group_size);
  if (a.block_size > 0) grain = std::lcm<int64_t>(grain, a.block_size);
  return grain == 1 ? 32 : grain;
}

// Whether the pair runs at reduction length k on the config: its blocks nest and divide k, and
// its unit fits the accumulator (the checks of ResolveLayerFormats).
bool PairRunsAt(const HardwareConfig& config, const WeightFormat& w, const ActivationFormat& a,
                int64_t k) {
  const ReductionBlocks blocks = ReductionBlocksOf(w, a, k);
  return blocks.problem == ReductionBlocks::Problem::kNone && blocks.unit <= config.max_k;
}

struct FormatPair {
  size_t weights = 0;      // index into the config's weight formats
  size_t activations = 0;  // and activation formats
  int64_t grain = 0;       // K is a multiple of this
};

// The config's pairs that run at their grain of K, weights outer, in the config's order.
std::vector<FormatPair> RunnablePairs(const HardwareConfig& config) {
  std::vector<FormatPair> pairs;
  for (size_t w = 0; w < config.weight_formats.size(); ++w) {
    for (size_t a = 0; a < config.activation_formats.size(); ++a) {
      const int64_t grain = KGrain(config.weight_formats[w], config.activation_formats[a]);
      if (PairRunsAt(config, config.weight_formats[w], config.activation_formats[a], grain)) {
        pairs.push_back({w, a, grain});
      }
    }
  }
  return pairs;
}

std::string PairName(const WeightFormat& w, const ActivationFormat& a) {
  return w.Name() + " x " + a.Name();
}

// A stride coprime to `period` near period / golden ratio: multiplying the seed by it permutes
// the residues, so `period` consecutive seeds visit every combination once, and a short run
// (fewer seeds) is spread over pairs and patterns rather than stuck on the first few.
uint64_t SpreadingStride(uint64_t period) {
  uint64_t stride = std::max<uint64_t>(1, static_cast<uint64_t>(0.6180339887 * period));
  while (std::gcd(stride, period) != 1) ++stride;
  return stride;
}

// --- edge-value patterns ----------------------------------------------------------------------

bool CarriesSpecials(const WeightFormat& w) { return w.family != WeightFamily::kGroupInt; }
bool CarriesSpecials(const ActivationFormat& a) {
  return a.family != ActivationFamily::kInt8PerToken;
}

// Writes one pattern's values into real operands. Weights are touched a group at a time (a
// column's G consecutive elements of K: what shares a scale), activations a block at a time (a
// row's elements that share a scale: the whole row for INT8 per token, the alignment unit for
// FP16, the MX or NVFP4 block).
class EdgeWriter {
 public:
  EdgeWriter(std::mt19937_64* rng, RealGemmOperands* real, const WeightFormat& weights,
             const ActivationFormat& activations, const ReductionBlocks& blocks)
      : rng_(*rng),
        r_(*real),
        wf_(weights),
        af_(activations),
        group_(blocks.group),
        block_(blocks.block) {}

  // Applies `pattern`; returns whether it wrote anything (specials need a format that holds them).
  bool Apply(const std::string& pattern) {
    if (pattern == "zeros") return Zeros();
    if (pattern == "max_magnitude") return MaxMagnitude();
    if (pattern == "all_equal") return AllEqual();
    if (pattern == "outlier") return Outlier();
    if (pattern == "tiny") return Tiny();
    if (pattern == "scale_extremes") return ScaleExtremes();
    if (pattern == "special") return Special();
    return false;
  }

 private:
  struct Place {
    int64_t line = 0;  // output column n (weights) or row m (activations)
    int64_t k0 = 0;    // first element of the group or block along K
  };

  int64_t Draw(int64_t n) { return static_cast<int64_t>(rng_() % static_cast<uint64_t>(n)); }
  // A uniform double in [0, 1) from 53 bits.
  double Uniform() { return static_cast<double>(rng_() >> 11) * 0x1.0p-53; }
  double Sign() { return (rng_() & 1) != 0 ? -1.0 : 1.0; }

  // Every draw from the generator is a statement of its own, so that the order of the draws
  // (and with it the case) does not depend on the compiler's order of evaluating operands.
  Place WeightGroup() {
    const int64_t column = Draw(r_.n);
    return {column, Draw(r_.k / group_) * group_};
  }
  Place ActivationBlock() {
    const int64_t row = Draw(r_.m);
    return {row, Draw(r_.k / block_) * block_};
  }
  // Two different groups or blocks where the operand has two, so that neither overwrites the
  // other.
  std::pair<Place, Place> TwoWeightGroups() {
    const auto [i, j] = TwoPositions(r_.n * (r_.k / group_));
    return {GroupAt(i), GroupAt(j)};
  }
  std::pair<Place, Place> TwoActivationBlocks() {
    const auto [i, j] = TwoPositions(r_.m * (r_.k / block_));
    return {BlockAt(i), BlockAt(j)};
  }
  Place GroupAt(int64_t i) const { return {i / (r_.k / group_), i % (r_.k / group_) * group_}; }
  Place BlockAt(int64_t i) const { return {i / (r_.k / block_), i % (r_.k / block_) * block_}; }
  double& W(const Place& p, int64_t i) { return r_.weights[(p.k0 + i) * r_.n + p.line]; }
  double& A(const Place& p, int64_t i) { return r_.activations[p.line * r_.k + p.k0 + i]; }

  template <class F>
  void ForGroup(const Place& p, F f) {
    for (int64_t i = 0; i < group_; ++i) f(i, W(p, i));
  }
  template <class F>
  void ForBlock(const Place& p, F f) {
    for (int64_t i = 0; i < block_; ++i) f(i, A(p, i));
  }

  bool Fp16() const { return af_.family == ActivationFamily::kFp16; }

  // A magnitude above `amax` whose significand is just under 2, so that every quantizer
  // saturates on it: INT to +-(2^(b-1)-1) (it sets the scale), MX integers and E2M1 beyond their
  // largest value.
  static double Saturating(double amax) {
    int exponent = 0;
    std::frexp(amax > 0 ? amax : 1.0, &exponent);  // amax < 2^exponent
    return std::ldexp(2.0 - 0x1.0p-10, exponent);
  }

  // The largest magnitude each format's scale takes before its shared exponent clamps: E8M0
  // 0xFE needs floor(log2 max) - emax >= 127. FP16 activations: the largest normal.
  double HugeWeight() const {
    return std::ldexp(1.5, 127 + (wf_.family == WeightFamily::kMx ? wf_.element.emax : 0));
  }
  double HugeActivation() const {
    if (Fp16()) return 65504.0;
    return std::ldexp(1.5, 127 + (af_.family == ActivationFamily::kMx ? af_.element.emax : 0));
  }
  // A magnitude at the bottom of the scales: E8M0 0x00 with nonzero elements, an FP16 scale
  // that rounds to 0; FP16 activations: subnormals.
  static double TinyWeight() { return std::ldexp(1.5, -127); }
  double TinyActivation() const { return Fp16() ? std::ldexp(1.0, -24) : std::ldexp(1.5, -127); }

  // Two positions of a group or block: distinct where it has two.
  std::pair<int64_t, int64_t> TwoPositions(int64_t size) {
    const int64_t i = Draw(size);
    return {i, size > 1 ? (i + 1 + Draw(size - 1)) % size : i};
  }

  // An all-zero weight group and output column; an all-zero activation row and block.
  bool Zeros() {
    ForGroup(WeightGroup(), [](int64_t, double& v) { v = 0; });
    const int64_t column = Draw(r_.n);
    for (int64_t kk = 0; kk < r_.k; ++kk) r_.weights[kk * r_.n + column] = 0;
    const int64_t row = Draw(r_.m);
    for (int64_t kk = 0; kk < r_.k; ++kk) r_.activations[row * r_.k + kk] = 0;
    ForBlock(ActivationBlock(), [](int64_t, double& v) { v = 0; });
    return true;
  }

  // The largest magnitude of each sign in one weight group and one activation block: codes
  // +-max (asymmetric: both ends of 0..2^b-1), MX and E2M1 saturation, FP16 +-65504.
  bool MaxMagnitude() {
    const Place g = WeightGroup();
    double amax = 0;
    ForGroup(g, [&](int64_t, double& v) { amax = std::max(amax, std::fabs(v)); });
    const double x = Saturating(amax);
    const auto [i, j] = TwoPositions(group_);
    W(g, i) = x;
    W(g, j) = -x;
    const Place b = ActivationBlock();
    double bmax = 0;
    ForBlock(b, [&](int64_t, double& v) { bmax = std::max(bmax, std::fabs(v)); });
    const double y = Fp16() ? 65504.0 : Saturating(bmax);
    const auto [p, q] = TwoPositions(block_);
    A(b, p) = y;
    A(b, q) = -y;
    return true;
  }

  // Weight groups all +v and all -v (asymmetric: zero points at both ends), activation blocks
  // all +c and all -c.
  bool AllEqual() {
    const double v = 0.01 * static_cast<double>(1 + Draw(8));
    const auto [plus, minus] = TwoWeightGroups();
    ForGroup(plus, [&](int64_t, double& w) { w = v; });
    ForGroup(minus, [&](int64_t, double& w) { w = -v; });
    const double c = 0.5 * static_cast<double>(1 + Draw(8));
    const auto [up, down] = TwoActivationBlocks();
    ForBlock(up, [&](int64_t, double& a) { a = c; });
    ForBlock(down, [&](int64_t, double& a) { a = -c; });
    return true;
  }

  // One element a thousand times the rest in a weight group and an activation block: the others
  // quantize to (nearly) all zero codes.
  bool Outlier() {
    const Place g = WeightGroup();
    double amax = 0;
    ForGroup(g, [&](int64_t, double& v) { amax = std::max(amax, std::fabs(v)); });
    const int64_t at = Draw(group_);
    W(g, at) = Sign() * 1000.0 * (amax > 0 ? amax : 0.02);
    const Place b = ActivationBlock();
    double bmax = 0;
    ForBlock(b, [&](int64_t, double& v) { bmax = std::max(bmax, std::fabs(v)); });
    // FP16: at most 65504.
    const int64_t place = Draw(block_);
    A(b, place) = Sign() * std::min(1000.0 * (bmax > 0 ? bmax : 1.0), 65504.0);
    return true;
  }

  // Negative zeros and tiny values: a weight group far below the FP16 scale range (it quantizes
  // to zero), one of -0 beside values whose FP16 scale is subnormal; an activation block cycling
  // through -0, +-subnormals, values that round to +-0 and the smallest normal, and one of
  // subnormals only.
  bool Tiny() {
    const auto [tiny, zeros] = TwoWeightGroups();
    ForGroup(tiny, [&](int64_t, double& v) { v *= 1e-7; });
    ForGroup(zeros, [&](int64_t i, double& v) { v = i % 2 == 0 ? -0.0 : v * 1e-3; });
    const auto [mixed, subnormals] = TwoActivationBlocks();
    ForBlock(mixed, [&](int64_t i, double& a) {
      const double subnormal = std::ldexp(static_cast<double>(1 + Draw(1023)), -24);
      const double cycle[6] = {-0.0, subnormal, -subnormal, -1e-9, std::ldexp(1.0, -14), 1e-9};
      a = cycle[i % 6];
    });
    ForBlock(subnormals, [&](int64_t, double& a) {
      const double sign = Sign();
      a = sign * std::ldexp(static_cast<double>(1 + Draw(1023)), -24);
    });
    return true;
  }

  // A random sign times `top` at element `at`, times a uniform draw below 1 elsewhere.
  double Spread(int64_t i, int64_t at, double top) {
    const double sign = Sign();
    return sign * (i == at ? top : top * Uniform());
  }

  // The ends of the scale ranges: a weight group and an activation block at the largest
  // magnitude the scale reaches (E8M0 0xFE; FP16 scales saturate at 65504), another at the
  // smallest (E8M0 0x00 with nonzero elements; FP16 scales round to 0).
  bool ScaleExtremes() {
    const auto [huge, tiny] = TwoWeightGroups();
    const int64_t huge_at = Draw(group_);
    ForGroup(huge, [&](int64_t i, double& v) { v = Spread(i, huge_at, HugeWeight()); });
    const int64_t tiny_at = Draw(group_);
    ForGroup(tiny, [&](int64_t i, double& v) { v = Spread(i, tiny_at, TinyWeight()); });
    const auto [big, small] = TwoActivationBlocks();
    const int64_t big_at = Draw(block_);
    ForBlock(big, [&](int64_t i, double& a) { a = Spread(i, big_at, HugeActivation()); });
    const int64_t small_at = Draw(block_);
    ForBlock(small, [&](int64_t i, double& a) { a = Spread(i, small_at, TinyActivation()); });
    return true;
  }

  // NaN and +-Inf where a format holds them (not INT weights, not INT8 activations): NaN block
  // scales (MX 0xFF, NVFP4 E4M3 NaN), FP16 Inf and NaN elements.
  bool Special() {
    const double inf = std::numeric_limits<double>::infinity();
    const double nan = std::numeric_limits<double>::quiet_NaN();
    bool wrote = false;
    if (CarriesSpecials(wf_)) {
      const auto [nan_group, inf_group] = TwoWeightGroups();
      W(nan_group, Draw(group_)) = nan;
      const int64_t at = Draw(group_);
      W(inf_group, at) = Sign() * inf;
      wrote = true;
    }
    if (CarriesSpecials(af_)) {
      const auto [plus, minus] = TwoActivationBlocks();
      A(plus, Draw(block_)) = inf;
      A(minus, Draw(block_)) = -inf;
      const Place third = ActivationBlock();
      A(third, Draw(block_)) = nan;
      wrote = true;
    }
    return wrote;
  }

  std::mt19937_64& rng_;
  RealGemmOperands& r_;
  const WeightFormat& wf_;
  const ActivationFormat& af_;
  int64_t group_;
  int64_t block_;
};

// --- coverage bins ----------------------------------------------------------------------------

const char kPairs[] = "format pairs";
const char kWidths[] = "weight widths";
const char kGroups[] = "weight groups";
const char kReduction[] = "reduction";
const char kOrders[] = "loop orders";
const char kTiles[] = "tiles";
const char kPatterns[] = "edge patterns";

const char kPlusMax[] = "+max code";
const char kMinusMax[] = "-max code";
const char kMostNegative[] = "-2^(b-1) code";
const char kInt8MostNegative[] = "-128 code";
const char kZero[] = "zero";
const char kNegativeZero[] = "-0 code";
const char kIntScaleZero[] = "scale 0 (group quantized to zero)";
const char kIntScaleMax[] = "scale 65504 (saturated)";
const char kZeroPointMin[] = "zero point -2^(b-1)";
const char kZeroPointMax[] = "zero point 2^(b-1)-1";
const char kE8M0Min[] = "E8M0 0x00 (2^-127)";
const char kE8M0MinNonzero[] = "E8M0 0x00 with nonzero elements";
const char kE8M0Max[] = "E8M0 0xFE (2^127)";
const char kE8M0NanBin[] = "E8M0 0xFF (NaN)";
const char kE4M3Max[] = "E4M3 scale 448";
const char kE4M3Zero[] = "E4M3 scale 0";
const char kE4M3Nan[] = "E4M3 scale NaN";
const char kRowScaleZero[] = "row scale 0 (row quantized to zero)";
const char kRowScaleMax[] = "row scale 65504 (saturated)";
const char kFp16PlusZero[] = "+0";
const char kFp16MinusZero[] = "-0";
const char kFp16Subnormal[] = "subnormal";
const char kFp16PlusMax[] = "+65504 (max normal)";
const char kFp16MinusMax[] = "-65504";
const char kFp16PlusInf[] = "+Inf";
const char kFp16MinusInf[] = "-Inf";
const char kFp16Nan[] = "NaN";

std::string WeightSection(const WeightFormat& f) { return "weights " + f.Name(); }
std::string ActivationSection(const ActivationFormat& f) { return "activations " + f.Name(); }

std::string GroupBin(int group_size) {
  return group_size == 0 ? "per-channel" : "g" + std::to_string(group_size);
}
std::string WidthBin(int bits) { return std::to_string(bits) + "-bit codes"; }
std::string MixedWidthBin(const WeightFormat& f, int bits) {
  return f.Name() + " " + std::to_string(bits) + "-bit groups";
}

std::vector<int> IntWidths(const WeightFormat& f) {
  if (f.family != WeightFamily::kGroupInt) return {};
  return f.mixed_bits.empty() ? std::vector<int>{f.element.bits} : f.mixed_bits;
}

// The value bins of an MX element (weights or activations share them).
std::vector<std::string> MxBins(const ElementType& e) {
  std::vector<std::string> bins = {kPlusMax, kMinusMax, kZero};
  if (e.is_float) bins.push_back(kNegativeZero);
  for (const char* b : {kE8M0Min, kE8M0MinNonzero, kE8M0Max, kE8M0NanBin}) bins.push_back(b);
  return bins;
}
std::vector<std::string> NvFp4Bins() {
  return {kPlusMax, kMinusMax, kZero, kNegativeZero, kE4M3Max, kE4M3Zero, kE4M3Nan};
}

std::vector<std::string> WeightValueBins(const WeightFormat& f) {
  switch (f.family) {
    case WeightFamily::kGroupInt:
      // Symmetric groups reach -2^(b-1) only under a saturated scale.
      if (!f.asymmetric) {
        return {kPlusMax, kMinusMax, kMostNegative, kZero, kIntScaleZero, kIntScaleMax};
      }
      return {kPlusMax,      kMinusMax,    kMostNegative, kZero,
              kIntScaleZero, kIntScaleMax, kZeroPointMin, kZeroPointMax};
    case WeightFamily::kMx:
      return MxBins(f.element);
    case WeightFamily::kNvFp4:
      return NvFp4Bins();
  }
  return {};
}

std::vector<std::string> ActivationValueBins(const ActivationFormat& f) {
  switch (f.family) {
    case ActivationFamily::kInt8PerToken:
      // -128 only under a saturated row scale.
      return {kPlusMax, kMinusMax, kInt8MostNegative, kZero, kRowScaleZero, kRowScaleMax};
    case ActivationFamily::kFp16:
      return {kFp16PlusZero, kFp16MinusZero, kFp16Subnormal, kFp16PlusMax,
              kFp16MinusMax, kFp16PlusInf,   kFp16MinusInf,  kFp16Nan};
    case ActivationFamily::kMx:
      return MxBins(f.element);
    case ActivationFamily::kNvFp4:
      return NvFp4Bins();
  }
  return {};
}

const char* LoopOrderOf(const GemmLayer& layer) {
  return layer.loop_order.empty() ? "m_outer" : layer.loop_order.c_str();
}

// --- what a quantized tensor holds ------------------------------------------------------------

using BinSet = std::set<std::string>;

bool NegativeZeroCode(uint32_t code, int bits) { return code == (1u << (bits - 1)); }

// Element and scale bins of an MX tensor (E8M0 scales).
void MxValuesSeen(const ElementType& e, const BlockedTensor& t, BinSet* seen) {
  const int64_t max = e.max_units();
  for (size_t i = 0; i < t.units.size(); ++i) {
    if (t.units[i] == max) seen->insert(kPlusMax);
    if (t.units[i] == -max) seen->insert(kMinusMax);
    if (t.units[i] == 0) seen->insert(kZero);
    if (e.is_float && NegativeZeroCode(t.codes[i], e.bits)) seen->insert(kNegativeZero);
  }
  for (int64_t r = 0; r < t.rows; ++r) {
    for (int64_t b = 0; b < t.blocks_per_row(); ++b) {
      const uint32_t code = t.scale_codes[r * t.blocks_per_row() + b];
      if (code == 0x00) {
        seen->insert(kE8M0Min);
        const auto first = t.units.begin() + r * t.k + b * t.block;
        if (std::any_of(first, first + t.block, [](int64_t u) { return u != 0; })) {
          seen->insert(kE8M0MinNonzero);
        }
      }
      if (code == 0xFE) seen->insert(kE8M0Max);
      if (code == kE8M0Nan) seen->insert(kE8M0NanBin);
    }
  }
}

// Element and scale bins of an NVFP4 tensor (E2M1 elements, E4M3 block scales).
void NvFp4ValuesSeen(const BlockedTensor& t, BinSet* seen) {
  const int64_t max = FiniteToUnits(kE2M1, 0x7);  // 6 in units of 0.5
  for (size_t i = 0; i < t.units.size(); ++i) {
    if (t.units[i] == max) seen->insert(kPlusMax);
    if (t.units[i] == -max) seen->insert(kMinusMax);
    if (t.units[i] == 0) seen->insert(kZero);
    if (NegativeZeroCode(t.codes[i], 4)) seen->insert(kNegativeZero);
  }
  for (uint32_t code : t.scale_codes) {
    if (code == 0x7E) seen->insert(kE4M3Max);
    if ((code & 0x7F) == 0) seen->insert(kE4M3Zero);
    if (IsNan(kE4M3, code)) seen->insert(kE4M3Nan);
  }
}

void GroupIntValuesSeen(const BlockedTensor& t, BinSet* seen) {
  for (int64_t r = 0; r < t.rows; ++r) {
    for (int64_t b = 0; b < t.blocks_per_row(); ++b) {
      const size_t index = r * t.blocks_per_row() + b;
      const int bits = t.block_bits[index];
      const int64_t max = (int64_t{1} << (bits - 1)) - 1;
      const int32_t zero_point = t.zero_points.empty() ? 0 : t.zero_points[index];
      for (int64_t i = 0; i < t.block; ++i) {
        const int64_t u = t.units[r * t.k + b * t.block + i];
        if (u == max) seen->insert(kPlusMax);
        if (u == -max) seen->insert(kMinusMax);
        if (u == -max - 1) seen->insert(kMostNegative);
        if (u == zero_point) seen->insert(kZero);
      }
      if (t.scale_codes[index] == 0) seen->insert(kIntScaleZero);
      if (t.scale_codes[index] == kFp16MaxNormal) seen->insert(kIntScaleMax);
      if (!t.zero_points.empty()) {
        if (zero_point == -max - 1) seen->insert(kZeroPointMin);
        if (zero_point == max) seen->insert(kZeroPointMax);
      }
    }
  }
}

BinSet WeightValuesSeen(const WeightFormat& f, const BlockedTensor& t) {
  BinSet seen;
  switch (f.family) {
    case WeightFamily::kGroupInt:
      GroupIntValuesSeen(t, &seen);
      break;
    case WeightFamily::kMx:
      MxValuesSeen(f.element, t, &seen);
      break;
    case WeightFamily::kNvFp4:
      NvFp4ValuesSeen(t, &seen);
      break;
  }
  return seen;
}

BinSet ActivationValuesSeen(const ActivationFormat& f, const BlockedTensor& t) {
  BinSet seen;
  switch (f.family) {
    case ActivationFamily::kInt8PerToken:
      for (int64_t u : t.units) {
        if (u == 127) seen.insert(kPlusMax);
        if (u == -127) seen.insert(kMinusMax);
        if (u == -128) seen.insert(kInt8MostNegative);
        if (u == 0) seen.insert(kZero);
      }
      for (uint16_t code : t.row_scale_codes) {
        if (code == 0) seen.insert(kRowScaleZero);
        if (code == kFp16MaxNormal) seen.insert(kRowScaleMax);
      }
      break;
    case ActivationFamily::kFp16:
      // Codes as rounded from the real values (the alignment happens inside the GEMM).
      for (uint32_t code : t.codes) {
        const uint32_t magnitude = code & 0x7FFF;
        const bool negative = (code & 0x8000) != 0;
        if (magnitude == 0) seen.insert(negative ? kFp16MinusZero : kFp16PlusZero);
        if (magnitude != 0 && magnitude < 0x0400) seen.insert(kFp16Subnormal);
        if (magnitude == kFp16MaxNormal) seen.insert(negative ? kFp16MinusMax : kFp16PlusMax);
        if (magnitude == 0x7C00) seen.insert(negative ? kFp16MinusInf : kFp16PlusInf);
        if (magnitude > 0x7C00) seen.insert(kFp16Nan);
      }
      break;
    case ActivationFamily::kMx:
      MxValuesSeen(f.element, t, &seen);
      break;
    case ActivationFamily::kNvFp4:
      NvFp4ValuesSeen(t, &seen);
      break;
  }
  return seen;
}

// --- fingerprint ------------------------------------------------------------------------------

class Fnv1a {
 public:
  void Bytes(const void* data, size_t size) {
    const auto* p = static_cast<const unsigned char*>(data);
    for (size_t i = 0; i < size; ++i) {
      hash_ ^= p[i];
      hash_ *= 0x100000001B3ull;
    }
  }
  // Integers as 8 little-endian bytes, whatever the host's order and type widths.
  void Int(int64_t v) {
    unsigned char bytes[8];
    for (int i = 0; i < 8; ++i)
      bytes[i] = static_cast<unsigned char>(static_cast<uint64_t>(v) >> (8 * i));
    Bytes(bytes, sizeof bytes);
  }
  void Text(const std::string& s) {
    Int(static_cast<int64_t>(s.size()));
    Bytes(s.data(), s.size());
  }
  template <class T>
  void Ints(const std::vector<T>& values) {
    Int(static_cast<int64_t>(values.size()));
    for (const T& v : values) Int(static_cast<int64_t>(v));
  }
  uint64_t value() const { return hash_; }

 private:
  uint64_t hash_ = 0xCBF29CE484222325ull;
};

void HashTensor(const BlockedTensor& t, Fnv1a* h) {
  h->Int(t.rows);
  h->Int(t.k);
  h->Int(t.block);
  h->Int(t.unit_exponent);
  h->Ints(t.codes);
  h->Ints(t.block_bits);
  h->Ints(t.scale_codes);
  h->Ints(t.zero_points);
  h->Ints(t.row_scale_codes);
  h->Int(t.tensor_scale_code);
}

std::string Reproduction(const HardwareConfig& config, uint64_t seed) {
  std::string command = "mixpe verify --seed " + std::to_string(seed) + " --count 1";
  if (!config.source_file.empty()) command += " --config " + config.source_file;
  return command;
}

void AddFailure(const HardwareConfig& config, const RegressionCase& c, const std::string& detail,
                RegressionResult* result) {
  ++result->failed;
  if (static_cast<int>(result->failures.size()) >= RegressionResult::kMaxListedFailures) return;
  result->failures.push_back({c.seed, DescribeCase(c), detail, Reproduction(config, c.seed)});
}

}  // namespace

const std::vector<std::string>& EdgePatterns() {
  static const std::vector<std::string> patterns = {
      "", "zeros", "max_magnitude", "all_equal", "outlier", "tiny", "scale_extremes", "special"};
  return patterns;
}

RegressionCase MakeRandomCase(const HardwareConfig& config, uint64_t seed) {
  const std::vector<FormatPair> pairs = RunnablePairs(config);
  if (pairs.empty()) {
    throw InputError(config.source_file + ": no weight x activation format pair of the config " +
                     "runs on its core");
  }
  // The pair and the pattern: every combination once in any pairs x patterns consecutive seeds.
  const std::vector<std::string>& patterns = EdgePatterns();
  const uint64_t period = pairs.size() * patterns.size();
  const uint64_t combination = (seed % period) * SpreadingStride(period) % period;
  const FormatPair& pair = pairs[combination % pairs.size()];
  const std::string& pattern = patterns[combination / pairs.size()];
  const WeightFormat& wf = config.weight_formats[pair.weights];
  const ActivationFormat& af = config.activation_formats[pair.activations];

  // Everything else from one generator, drawn in a fixed order (raw 64-bit draws reduced modulo,
  // not std::uniform_int_distribution, whose results differ between standard libraries).
  std::mt19937_64 rng(seed);
  auto draw = [&rng](int64_t n) { return static_cast<int64_t>(rng() % static_cast<uint64_t>(n)); };
  const int64_t max_grains = std::clamp<int64_t>(kMaxK / pair.grain, 2, kMaxGrains);
  int64_t grains = 1 + draw(max_grains);
  while (grains > 1 && !PairRunsAt(config, wf, af, grains * pair.grain)) --grains;

  RegressionCase c;
  c.seed = seed;
  GemmLayer& layer = c.layer;
  layer.name = "seed" + std::to_string(seed);
  layer.k = grains * pair.grain;
  // A quarter of the sides are whole tiles (1 to 3), the rest any length up to 3 tiles.
  auto side = [&](int64_t tile) {
    return draw(4) == 0 ? tile * (1 + draw(3)) : 1 + draw(3 * tile);
  };
  layer.m = side(config.rows);
  layer.n = side(config.cols);
  layer.weights = config.weight_format_names[pair.weights];
  layer.activations = config.activation_format_names[pair.activations];
  layer.loop_order = (rng() & 1) != 0 ? "n_outer" : "m_outer";
  c.real = RandomRealGemmOperands(layer.m, layer.k, layer.n, rng());

  const ReductionBlocks blocks = ReductionBlocksOf(wf, af, layer.k);
  EdgeWriter writer(&rng, &c.real, wf, af, blocks);
  if (writer.Apply(pattern)) c.edge = pattern;
  return c;
}

LayerData MakeCaseData(const HardwareConfig& config, const RegressionCase& c) {
  return MakeLayerData(config, c.layer, c.real);
}

uint64_t CaseFingerprint(const RegressionCase& c, const LayerData& data) {
  Fnv1a h;
  h.Int(c.layer.m);
  h.Int(c.layer.k);
  h.Int(c.layer.n);
  h.Text(c.layer.weights);
  h.Text(c.layer.activations);
  h.Text(c.layer.loop_order);
  h.Text(c.edge);
  HashTensor(data.activations, &h);
  HashTensor(data.weights, &h);
  return h.value();
}

std::string DescribeCase(const RegressionCase& c) {
  const GemmLayer& l = c.layer;
  return l.weights + " x " + l.activations + " M=" + std::to_string(l.m) +
         " K=" + std::to_string(l.k) + " N=" + std::to_string(l.n) + " " + LoopOrderOf(l) +
         " edge=" + (c.edge.empty() ? "none" : c.edge);
}

int64_t Coverage::Count(const std::string& section, const std::string& bin) const {
  const auto s = hits.find(section);
  if (s == hits.end()) return 0;
  const auto b = s->second.find(bin);
  return b == s->second.end() ? 0 : b->second;
}

std::vector<CoverageBin> CoverageBins(const HardwareConfig& config) {
  std::vector<CoverageBin> bins;
  auto add = [&bins](const std::string& section, const std::string& bin) {
    for (const CoverageBin& b : bins) {
      if (b.section == section && b.bin == bin) return;
    }
    bins.push_back({section, bin});
  };
  const std::vector<FormatPair> pairs = RunnablePairs(config);
  for (const FormatPair& p : pairs) {
    add(kPairs,
        PairName(config.weight_formats[p.weights], config.activation_formats[p.activations]));
  }
  std::set<int> widths;
  for (const WeightFormat& f : config.weight_formats) {
    for (int b : IntWidths(f)) widths.insert(b);
  }
  for (int b : widths) add(kWidths, WidthBin(b));
  for (const WeightFormat& f : config.weight_formats) {
    if (f.mixed_bits.empty()) continue;
    for (int b : f.mixed_bits) add(kWidths, MixedWidthBin(f, b));
  }
  std::set<int> groups;
  bool fixed_groups = false;
  for (const WeightFormat& f : config.weight_formats) {
    groups.insert(f.group_size == 0 ? std::numeric_limits<int>::max() : f.group_size);
    fixed_groups |= f.group_size > 0;
  }
  for (int g : groups) add(kGroups, GroupBin(g == std::numeric_limits<int>::max() ? 0 : g));
  std::set<int64_t> units;
  for (const FormatPair& p : pairs) {
    units.insert(ReductionBlocksOf(config.weight_formats[p.weights],
                                   config.activation_formats[p.activations], p.grain)
                     .unit);
  }
  for (int64_t u : units) add(kReduction, "U=" + std::to_string(u));
  for (const char* b : {"1 unit per output", "2-3 units", "4+ units"}) add(kReduction, b);
  if (fixed_groups) add(kReduction, "K spans several weight groups");
  for (const char* b : {"m_outer", "n_outer"}) add(kOrders, b);
  for (const char* b :
       {"single tile", "several M-tiles", "several N-tiles", "partial row tile",
        "partial column tile", "corner tile (rows and columns partial)", "full tiles only"}) {
    add(kTiles, b);
  }
  bool specials = false;
  for (const FormatPair& p : pairs) {
    specials |= CarriesSpecials(config.weight_formats[p.weights]) ||
                CarriesSpecials(config.activation_formats[p.activations]);
  }
  for (const std::string& pattern : EdgePatterns()) {
    if (pattern == "special" && !specials) continue;
    add(kPatterns, pattern.empty() ? "none" : pattern);
  }
  for (const WeightFormat& f : config.weight_formats) {
    for (const std::string& b : WeightValueBins(f)) add(WeightSection(f), b);
  }
  for (const ActivationFormat& f : config.activation_formats) {
    for (const std::string& b : ActivationValueBins(f)) add(ActivationSection(f), b);
  }
  return bins;
}

void AddToCoverage(const HardwareConfig& config, const RegressionCase& c, const LayerData& data,
                   Coverage* coverage) {
  const GemmLayer& l = c.layer;
  const WeightFormat& wf = data.formats.weights;
  const ActivationFormat& af = data.formats.activations;
  auto hit = [coverage](const std::string& section, const std::string& bin) {
    ++coverage->hits[section][bin];
  };
  ++coverage->cases;
  hit(kPairs, PairName(wf, af));

  std::set<int> widths(data.weights.block_bits.begin(), data.weights.block_bits.end());
  for (int b : widths) {
    hit(kWidths, WidthBin(b));
    if (!wf.mixed_bits.empty()) hit(kWidths, MixedWidthBin(wf, b));
  }
  hit(kGroups, GroupBin(wf.group_size));

  const ReductionBlocks blocks = ReductionBlocksOf(wf, af, l.k);
  const int64_t units = l.k / data.formats.unit;
  hit(kReduction, "U=" + std::to_string(data.formats.unit));
  hit(kReduction, units == 1 ? "1 unit per output" : units <= 3 ? "2-3 units" : "4+ units");
  if (l.k / blocks.group >= 2) hit(kReduction, "K spans several weight groups");
  hit(kOrders, LoopOrderOf(l));

  const int64_t m_tiles = (l.m + config.rows - 1) / config.rows;
  const int64_t n_tiles = (l.n + config.cols - 1) / config.cols;
  const bool partial_rows = l.m % config.rows != 0;
  const bool partial_cols = l.n % config.cols != 0;
  if (m_tiles == 1 && n_tiles == 1) hit(kTiles, "single tile");
  if (m_tiles > 1) hit(kTiles, "several M-tiles");
  if (n_tiles > 1) hit(kTiles, "several N-tiles");
  if (partial_rows) hit(kTiles, "partial row tile");
  if (partial_cols) hit(kTiles, "partial column tile");
  if (partial_rows && partial_cols) hit(kTiles, "corner tile (rows and columns partial)");
  if (!partial_rows && !partial_cols) hit(kTiles, "full tiles only");
  hit(kPatterns, c.edge.empty() ? "none" : c.edge);

  for (const std::string& b : WeightValuesSeen(wf, data.weights)) hit(WeightSection(wf), b);
  for (const std::string& b : ActivationValuesSeen(af, data.activations)) {
    hit(ActivationSection(af), b);
  }
}

std::string FormatCoverage(const Coverage& coverage, const HardwareConfig& config) {
  constexpr size_t kWidth = 100;
  const std::vector<CoverageBin> bins = CoverageBins(config);
  std::vector<std::string> sections;
  for (const CoverageBin& b : bins) {
    if (std::find(sections.begin(), sections.end(), b.section) == sections.end()) {
      sections.push_back(b.section);
    }
  }
  for (const auto& [section, _] : coverage.hits) {
    if (std::find(sections.begin(), sections.end(), section) == sections.end()) {
      sections.push_back(section);
    }
  }
  std::string body;
  std::vector<std::string> missed;
  int64_t hit_bins = 0;
  for (const std::string& section : sections) {
    std::vector<std::string> entries;
    std::vector<std::string> expected;
    int64_t section_hit = 0;
    for (const CoverageBin& b : bins) {
      if (b.section != section) continue;
      expected.push_back(b.bin);
      const int64_t n = coverage.Count(section, b.bin);
      if (n > 0) {
        ++section_hit;
        entries.push_back(b.bin + " " + std::to_string(n));
      } else {
        missed.push_back(section + ": " + b.bin);
        entries.push_back(b.bin + " 0 (NOT HIT)");
      }
    }
    hit_bins += section_hit;
    const auto found = coverage.hits.find(section);
    if (found != coverage.hits.end()) {
      for (const auto& [bin, n] : found->second) {
        if (std::find(expected.begin(), expected.end(), bin) != expected.end()) continue;
        entries.push_back(bin + " " + std::to_string(n) + " (also seen)");
      }
    }
    body += section + ": " + std::to_string(section_hit) + " of " +
            std::to_string(expected.size()) + " hit\n";
    std::string line = "   ";
    for (size_t i = 0; i < entries.size(); ++i) {
      const std::string item = " " + entries[i] + (i + 1 < entries.size() ? "," : "");
      if (line.size() + item.size() > kWidth && line.size() > 3) {
        body += line + "\n";
        line = "   ";
      }
      line += item;
    }
    body += line + "\n";
  }
  char share[64];
  std::snprintf(share, sizeof share, "%.1f%%",
                bins.empty() ? 100.0 : 100.0 * static_cast<double>(hit_bins) / bins.size());
  std::string text = "coverage over " + std::to_string(coverage.cases) +
                     " cases: " + std::to_string(hit_bins) + " of " + std::to_string(bins.size()) +
                     " bins hit (" + share + ")\n" + body;
  if (missed.empty()) {
    text += "every bin hit\n";
  } else {
    text += "not hit (" + std::to_string(missed.size()) + "):";
    for (size_t i = 0; i < missed.size(); ++i) text += (i == 0 ? " " : "; ") + missed[i];
    text += "\n";
  }
  return text;
}

std::string FormatFailure(const RegressionFailure& f) {
  return "FAIL seed " + std::to_string(f.seed) + ": " + f.description + ": " + f.detail +
         "; reproduce: " + f.reproduce;
}

void RecordCase(const HardwareConfig& config, const RegressionCase& c, const LayerData& data,
                const LayerReport& report, RegressionResult* result) {
  result->simulated_cycles += report.cycles;
  result->core_seconds += report.wall_seconds;
  AddToCoverage(config, c, data, &result->coverage);
  if (report.pass()) {
    ++result->passed;
    return;
  }
  std::string detail;
  if (report.mismatches > 0) {
    detail = std::to_string(report.mismatches) + " of " + std::to_string(c.layer.m * c.layer.n) +
             " outputs differ from the golden GEMM";
    if (!report.detail.empty()) detail += ", " + report.detail;
  } else if (!report.detail.empty()) {
    detail = "the run stopped: " + report.detail;
  }
  if (!report.cycles_match()) {
    if (!detail.empty()) detail += "; ";
    detail += std::to_string(report.cycles) + " cycles, the closed form gives " +
              std::to_string(report.model_cycles);
  }
  AddFailure(config, c, detail, result);
}

void RecordCaseError(const HardwareConfig& config, const RegressionCase& c,
                     const std::string& message, RegressionResult* result) {
  AddFailure(config, c, "the case did not run: " + message, result);
}

}  // namespace mixpe
