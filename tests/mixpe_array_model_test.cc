// Tests of the golden model (model/mixpe_pe.h, model/mixpe_array.h) against hand-computed values.
#include <gtest/gtest.h>

#include "model/input_error.h"
#include "model/mixpe_array.h"
#include "model/mixpe_pe.h"

namespace mixpe {
namespace {

HardwareConfig ArrayConfig(int rows, int cols, int weight_bits = 4) {
  HardwareConfig config;
  config.source_file = "test.yaml";
  config.rows = rows;
  config.cols = cols;
  config.weight_bits = weight_bits;
  config.activation_bits = 8;
  config.accumulator_bits = 32;
  config.max_k = 65536;
  config.frequency_mhz = 500;
  return config;
}

TEST(MixpePeModel, DecodesTwosComplementCodes) {
  const MixpePe pe(8, 4, 32);
  EXPECT_EQ(pe.Product(0x80, 0x8), 1024);   // -128 * -8
  EXPECT_EQ(pe.Product(0x7F, 0x8), -1016);  // 127 * -8
  EXPECT_EQ(pe.Product(0x7F, 0x7), 889);    // 127 * 7
  EXPECT_EQ(pe.Product(0xFF, 0xF), 1);      // -1 * -1
  EXPECT_EQ(pe.Product(0x05, 0x0), 0);
  const MixpePe pe2(8, 2, 32);
  EXPECT_EQ(pe2.Product(0x80, 0x2), 256);  // -128 * -2
  EXPECT_EQ(pe2.Product(0x03, 0x1), 3);
  const MixpePe pe3(8, 3, 32);
  EXPECT_EQ(pe3.Product(0x10, 0x5), -48);  // 16 * -3
}

TEST(MixpePeModel, MacRestartsOnFirst) {
  const MixpePe pe(8, 4, 32);
  EXPECT_EQ(pe.Mac(1000, /*first=*/true, 0x02, 0x3), 6);
  EXPECT_EQ(pe.Mac(1000, /*first=*/false, 0x02, 0x3), 1006);
}

TEST(MixpeArrayModel, GemmMatchesHandComputedProduct) {
  GemmOperands ops;
  ops.m = 2;
  ops.k = 3;
  ops.n = 2;
  ops.weight_bits = 4;
  ops.activations = {1,    -2,  3,   //
                     -128, 127, 0};  //
  ops.weights = {7,  -8,             //
                 -1, 0,              //
                 2,  5};             //
  // y[0][0] = 1*7 + -2*-1 + 3*2 = 15;   y[0][1] = 1*-8 + 0 + 3*5 = 7
  // y[1][0] = -128*7 + 127*-1 + 0 = -1023; y[1][1] = -128*-8 + 0 + 0 = 1024
  EXPECT_EQ(MixpeArray(ArrayConfig(4, 4)).Gemm(ops), (std::vector<int64_t>{15, 7, -1023, 1024}));
}

TEST(MixpeArrayModel, GemmRejectsKBeyondMaxK) {
  HardwareConfig config = ArrayConfig(4, 4);
  config.max_k = 2;
  const GemmOperands ops = RandomGemmOperands(1, 3, 1, 8, 4, 1);
  try {
    MixpeArray(config).Gemm(ops);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("pe.max_k"), std::string::npos) << e.what();
  }
}

// One full tile: K cycles of streaming, +1 edge register, +(R-1)+(C-1) skew to reach the far
// corner PE, +(R-1) rows of drain, +1 to count the last output cycle: K + 2R + C - 1.
TEST(MixpeArrayModel, SingleFullTileCycles) {
  const GemmCycleEstimate est = MixpeArray(ArrayConfig(4, 4)).Cycles(4, 8, 4);
  EXPECT_EQ(est.tiles, 1);
  EXPECT_EQ(est.tile_interval, 8);
  EXPECT_EQ(est.cycles, 8 + 8 + 4 - 1);
  EXPECT_DOUBLE_EQ(est.utilization, 8.0 / 19.0);
}

TEST(MixpeArrayModel, ConsecutiveTilesOverlapByTheirInterval) {
  // Two tiles along N, II = K = 8: the second ends 8 cycles after the first.
  EXPECT_EQ(MixpeArray(ArrayConfig(4, 4)).Cycles(4, 8, 8).cycles, 8 + 19);
  // Three tiles along M and two along N: 6 tiles, the last starts at 5 * 8.
  EXPECT_EQ(MixpeArray(ArrayConfig(4, 4)).Cycles(12, 8, 8).cycles, 40 + 19);
}

TEST(MixpeArrayModel, ShortReductionsWaitForTheDrain) {
  // K = 2 < 2R-1 = 7: tiles start 7 cycles apart. Last tile: 7 + (2 + 8 + 4 - 1).
  const GemmCycleEstimate est = MixpeArray(ArrayConfig(4, 4)).Cycles(4, 2, 8);
  EXPECT_EQ(est.tile_interval, 7);
  EXPECT_EQ(est.cycles, 7 + 13);
}

TEST(MixpeArrayModel, PartialTilesFinishEarly) {
  // A 1x1x1 GEMM: edge register, one MAC, captured, visible the next cycle: 3 cycles.
  EXPECT_EQ(MixpeArray(ArrayConfig(16, 16)).Cycles(1, 1, 1).cycles, 3);
  // 3 of 4 rows and 2 of 4 columns: 1 + 5 + 2*2 + 1 + 1.
  EXPECT_EQ(MixpeArray(ArrayConfig(4, 4)).Cycles(3, 5, 2).cycles, 12);
}

TEST(MixpeArrayModel, TimingExampleOfTheInterfaceDoc) {
  // docs/array-interface.md: 2x2 array, K = 3, y11 visible in cycle 7, so 8 cycles.
  EXPECT_EQ(MixpeArray(ArrayConfig(2, 2)).Cycles(2, 3, 2).cycles, 8);
}

TEST(MixpeArrayModel, AnEarlierWideTileCanEndLast) {
  // 2x16 array, N = 17: tile 0 uses 16 columns and starts at 0; tile 1 uses one column and
  // starts at II = max(1, 3) = 3. Tile 0 ends in cycle 0+1+1+2+15 = 19, tile 1 in 3+1+1+2+0 = 7.
  EXPECT_EQ(MixpeArray(ArrayConfig(2, 16)).Cycles(2, 1, 17).cycles, 20);
}

}  // namespace
}  // namespace mixpe
