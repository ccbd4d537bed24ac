// RTL tests of a small mixpe_array of baseline PEs, built with explicit parameters
// (tests/CMakeLists.txt, "Baseline PEs"): GEMMs of ragged shapes, tiled over the array, must match
// the golden model bit for bit (the multiplier array: MixpePe's exact integer sums; the FP16 MAC
// array: MixpeFp16MacPe's FP32 sums, with FP16 special values) and take exactly the closed-form
// cycle count of the MixPE array (MixpeArray::Cycles), which the PE kind does not change. Every
// result's tags must name the row that computed it and its tile's bank bit (tiles alternate). Seeds
// are printed; MIXPE_TEST_SEED replays one.
#include <gtest/gtest.h>

#include <array>
#include <cstdlib>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include MIXPE_ARRAY_HEADER
#include "compiler/gemm_schedule.h"
#include "model/baseline_pe.h"
#include "model/gemm_operands.h"
#include "model/hardware_config.h"
#include "model/mixpe_array.h"
#include "model/mixpe_pe.h"
#include "sim/verilated_clocked.h"

namespace mixpe {
namespace {

using ArrayModel = MIXPE_ARRAY_CLASS;
constexpr int kRows = MIXPE_ROWS;
constexpr int kCols = MIXPE_COLS;
constexpr int kPeKind = MIXPE_PE_KIND;  // 1 multiplier, 2 FP16 MAC
constexpr int kActBits = MIXPE_ACT_BITS;
constexpr int kWeightBits = MIXPE_WEIGHT_BITS;
constexpr int kAccBits = MIXPE_ACC_BITS;

uint64_t BaseSeed() {
  const char* env = std::getenv("MIXPE_TEST_SEED");
  return env != nullptr && *env != '\0' ? std::strtoull(env, nullptr, 0) : 0xBA5E1;
}

// A GEMM as the array's ports carry it: activation codes (M x K) and weight codes (K x N),
// row-major; integers in two's complement (PeKind 1) or FP16 bit patterns (PeKind 2).
struct CodeGemm {
  int64_t m = 0, k = 0, n = 0;
  std::vector<uint32_t> acts;
  std::vector<uint32_t> weights;
};

// The golden model's outputs (M x N, row-major): signed sums (PeKind 1) or FP32 bits (PeKind 2).
std::vector<int64_t> GoldenOutputs(const CodeGemm& g) {
  std::vector<int64_t> y(static_cast<size_t>(g.m * g.n));
  const MixpePe int_pe(kActBits, kWeightBits, kAccBits);
  for (int64_t row = 0; row < g.m; ++row) {
    for (int64_t col = 0; col < g.n; ++col) {
      int64_t acc = 0;
      for (int64_t kk = 0; kk < g.k; ++kk) {
        const uint32_t a = g.acts[row * g.k + kk];
        const uint32_t w = g.weights[kk * g.n + col];
        if (kPeKind == 2) {
          acc = MixpeFp16MacPe::Mac(static_cast<uint32_t>(acc), kk == 0, static_cast<uint16_t>(a),
                                    static_cast<uint16_t>(w));
        } else {
          acc = int_pe.Mac(acc, kk == 0, a, w);
        }
      }
      y[row * g.n + col] = acc;
    }
  }
  return y;
}

struct RunResult {
  std::vector<int64_t> outputs;
  int64_t cycles = 0;
  std::string error;
};

// Drives the array through a schedule with the skew of docs/array-interface.md (the timing of
// sim/verilated_array.h, on raw codes) and collects each column's results in tile and row order.
class BaselineArray : public VerilatedClocked<ArrayModel> {
 public:
  BaselineArray() : VerilatedClocked<ArrayModel>("mixpe_array") {}

  RunResult Run(const GemmSchedule& s, const CodeGemm& g, int64_t cycle_limit) {
    RunResult result;
    result.outputs.assign(static_cast<size_t>(g.m * g.n), 0);
    int64_t received = 0;
    const int64_t total = g.m * g.n;
    ArrayModel& array = model();
    for (int r = 0; r < kRows; ++r) {
      array.act_valid_i[r] = 0;
      array.act_bank_i[r] = 0;
    }
    for (int c = 0; c < kCols; ++c) array.wgt_valid_i[c] = 0;
    array.wgt_fp4_i = 0;
    ResetModel();
    std::vector<size_t> drain_tile(kCols, 0);
    std::vector<int> drain_row(kCols, 0);
    const int64_t tiles = static_cast<int64_t>(s.tiles.size());

    auto collect = [&](int64_t) -> std::string {
      for (int c = 0; c < kCols; ++c) {
        if (!array.out_valid_o[c]) continue;
        size_t& j = drain_tile[c];
        while (j < s.tiles.size() && c >= s.tiles[j].cols_used) ++j;
        if (j == s.tiles.size()) return "column " + std::to_string(c) + ": an unscheduled result";
        const ArrayTile& tile = s.tiles[j];
        if (static_cast<int>(array.out_row_o[c]) != drain_row[c] ||
            array.out_bank_o[c] != (j & 1)) {
          return "column " + std::to_string(c) + ": result tagged row " +
                 std::to_string(array.out_row_o[c]) + " bank " +
                 std::to_string(array.out_bank_o[c]) + ", expected row " +
                 std::to_string(drain_row[c]) + " bank " + std::to_string(j & 1);
        }
        const uint64_t raw = static_cast<uint64_t>(array.out_data_o[c]);
        const int64_t value = kPeKind == 2
                                  ? static_cast<int64_t>(raw & 0xFFFFFFFFu)
                                  : static_cast<int64_t>(raw << (64 - kAccBits)) >> (64 - kAccBits);
        result.outputs[(tile.m0 + drain_row[c]) * g.n + tile.n0 + c] = value;
        ++received;
        if (++drain_row[c] == tile.rows_used) {
          drain_row[c] = 0;
          ++j;
        }
      }
      return "";
    };
    // Row r carries element kk of tile j in cycle j * II + kk + r, column c in j * II + kk + c.
    auto drive = [&](int64_t t) {
      for (int r = 0; r < kRows; ++r) {
        const int64_t u = t - r;
        const int64_t j = u >= 0 ? u / s.tile_interval : tiles;
        const int64_t kk = u - j * s.tile_interval;
        const bool valid = j < tiles && kk < s.k && r < s.tiles[j].rows_used;
        array.act_valid_i[r] = valid;
        if (!valid) continue;
        array.act_first_i[r] = kk == 0;
        array.act_last_i[r] = kk == s.k - 1;
        array.act_bank_i[r] = static_cast<uint8_t>(j & 1);
        array.act_i[r] = g.acts[(s.tiles[j].m0 + r) * g.k + kk];
      }
      for (int c = 0; c < kCols; ++c) {
        const int64_t u = t - c;
        const int64_t j = u >= 0 ? u / s.tile_interval : tiles;
        const int64_t kk = u - j * s.tile_interval;
        const bool valid = j < tiles && kk < s.k && c < s.tiles[j].cols_used;
        array.wgt_valid_i[c] = valid;
        if (!valid) continue;
        array.wgt_i[c] = g.weights[kk * g.n + s.tiles[j].n0 + c];
      }
    };
    const auto run = RunCycles(
        cycle_limit, collect, [&] { return received == total; }, drive,
        [&] { return std::to_string(received) + " of " + std::to_string(total) + " outputs"; });
    result.cycles = run.cycles;
    result.error = run.error;
    return result;
  }
};

// FP16 operands: mostly moderate magnitudes (exponents 5..24, so that sums cancel and round),
// with special patterns mixed in at the given rate.
uint16_t DrawFp16(std::mt19937_64& rng, int special_per_256) {
  static const uint16_t kSpecials[] = {0x0000, 0x8000, 0x0001, 0x83FF, 0x0400, 0x7BFF, 0xFBFF,
                                       0x7C00, 0xFC00, 0x7E00, 0xFD01, 0x3C00, 0xBC00, 0x0200};
  if (static_cast<int>(rng() % 256) < special_per_256) {
    return kSpecials[rng() % (sizeof kSpecials / sizeof kSpecials[0])];
  }
  return static_cast<uint16_t>((rng() & 0x8000) | (5 + rng() % 20) << 10 | (rng() & 0x3FF));
}

CodeGemm RandomGemm(int64_t m, int64_t k, int64_t n, uint64_t seed, int special_per_256) {
  std::mt19937_64 rng(seed);
  CodeGemm g;
  g.m = m;
  g.k = k;
  g.n = n;
  g.acts.resize(static_cast<size_t>(m * k));
  g.weights.resize(static_cast<size_t>(k * n));
  for (uint32_t& a : g.acts) {
    a = kPeKind == 2 ? DrawFp16(rng, special_per_256)
                     : static_cast<uint32_t>(rng()) & ((1u << kActBits) - 1);
  }
  for (uint32_t& w : g.weights) {
    w = kPeKind == 2 ? DrawFp16(rng, special_per_256)
                     : static_cast<uint32_t>(rng()) & ((1u << kWeightBits) - 1);
  }
  return g;
}

class RtlBaselineArrayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_.source_file = "rtl_baseline_array_test";
    config_.rows = kRows;
    config_.cols = kCols;
    config_.max_k = 1 << 20;
    array_ = std::make_unique<BaselineArray>();
  }

  void CheckGemm(const CodeGemm& g) {
    const GemmSchedule schedule = TileGemm(config_, "test", g.m, g.k, g.n);
    const GemmCycleEstimate est = MixpeArray(config_).Cycles(g.m, g.k, g.n);
    const RunResult run = array_->Run(schedule, g, 2 * est.cycles + 1000);
    ASSERT_EQ(run.error, "");
    const std::vector<int64_t> expected = GoldenOutputs(g);
    for (size_t i = 0; i < expected.size(); ++i) {
      ASSERT_EQ(run.outputs[i], expected[i]) << "y[" << i / g.n << "][" << i % g.n << "]";
    }
    EXPECT_EQ(run.cycles, est.cycles);
  }

  void CheckRandomGemm(int64_t m, int64_t k, int64_t n, uint64_t seed, int special_per_256 = 0) {
    SCOPED_TRACE(::testing::Message() << "M=" << m << " K=" << k << " N=" << n << " seed=" << seed);
    std::cout << "[ seed ] M=" << m << " K=" << k << " N=" << n << " seed=" << seed << "\n";
    CheckGemm(RandomGemm(m, k, n, seed, special_per_256));
  }

  HardwareConfig config_;
  std::unique_ptr<BaselineArray> array_;
};

// Single elements, exactly one tile, ragged tiles in both dimensions, K around the drain spacing
// 2R-1, a GEMV, a long reduction.
TEST_F(RtlBaselineArrayTest, RaggedShapes) {
  const int64_t r = kRows;
  const int64_t c = kCols;
  const std::vector<std::array<int64_t, 3>> shapes = {{1, 1, 1},
                                                      {r, 1, c},
                                                      {r, 16, c},
                                                      {r + 1, 17, c + 1},
                                                      {r, 2 * r - 2, 2 * c},
                                                      {2 * r, 2 * r - 1, c},
                                                      {1, 64, 3 * c + 1},
                                                      {3 * r + 2, 37, 2 * c + 3},
                                                      {r - 1, 700, c},
                                                      {5, 3, 7}};
  uint64_t seed = BaseSeed();
  for (const auto& s : shapes) CheckRandomGemm(s[0], s[1], s[2], seed++);
}

TEST_F(RtlBaselineArrayTest, RandomShapes) {
  uint64_t seed = BaseSeed() + 1000;
  std::mt19937_64 rng(seed);
  std::cout << "[ seed ] shape generator seed=" << seed << "\n";
  for (int i = 0; i < 30; ++i) {
    const int64_t m = 1 + static_cast<int64_t>(rng() % (3 * kRows));
    const int64_t k = 1 + static_cast<int64_t>(rng() % 150);
    const int64_t n = 1 + static_cast<int64_t>(rng() % (3 * kCols));
    CheckRandomGemm(m, k, n, seed + 1 + i);
  }
}

// FP16 special values (zeros of both signs, subnormals, the largest finite values, Inf, NaN) in
// a quarter of the operands: NaN and Inf results, Inf - Inf, Inf * 0 must come out as the golden
// model says, in every position of the array.
#if MIXPE_PE_KIND == 2
TEST_F(RtlBaselineArrayTest, Fp16SpecialValues) {
  uint64_t seed = BaseSeed() + 2000;
  for (int special : {16, 64, 160}) {
    CheckRandomGemm(kRows + 2, 9, kCols + 3, seed++, special);
    CheckRandomGemm(2 * kRows, 2, 2 * kCols, seed++, special);
    // One-element reductions: each output is +0.0 + a * w, so every product's special case (a
    // -0 product gives +0) shows.
    CheckRandomGemm(3 * kRows + 1, 1, 3 * kCols + 1, seed++, special);
  }
}
#endif  // MIXPE_PE_KIND == 2

// The extreme integer operands for a long reduction: every sum the largest the accumulator sees.
#if MIXPE_PE_KIND == 1
TEST_F(RtlBaselineArrayTest, MultiplierWorstCaseOperands) {
  CodeGemm g = RandomGemm(kRows, 4096, kCols, 1, 0);
  for (uint32_t& w : g.weights) w = 1u << (kWeightBits - 1);  // most negative weight
  for (int64_t row = 0; row < g.m; ++row) {
    for (int64_t kk = 0; kk < g.k; ++kk) {
      // Even rows the most negative activation (a positive sum), odd rows the most positive.
      g.acts[row * g.k + kk] = row % 2 == 0 ? 1u << (kActBits - 1) : (1u << (kActBits - 1)) - 1;
    }
  }
  CheckGemm(g);
}
#endif  // MIXPE_PE_KIND == 1

// Tiles started closer than 2R-1 cycles apart make a result collide with one still draining: the
// PE's assertion catches it, whatever the PE kind.
TEST_F(RtlBaselineArrayTest, TooCloseTilesTripTheDrainAssertion) {
  GemmSchedule schedule = TileGemm(config_, "collide", kRows, 2, 2 * kCols);
  schedule.tile_interval = 2;
  for (size_t t = 0; t < schedule.tiles.size(); ++t) schedule.tiles[t].start_cycle = 2 * t;
  const RunResult run = array_->Run(schedule, RandomGemm(kRows, 2, 2 * kCols, 3, 0), 1000);
  EXPECT_NE(run.error.find("assertion"), std::string::npos) << run.error;
}

// One array object runs many GEMMs: a second identical run gives identical outputs and cycles.
TEST_F(RtlBaselineArrayTest, RunsAreIndependent) {
  CheckRandomGemm(kRows, 5, kCols, BaseSeed() + 7, 32);
  CheckRandomGemm(kRows, 5, kCols, BaseSeed() + 7, 32);
}

}  // namespace
}  // namespace mixpe
