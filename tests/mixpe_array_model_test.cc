// Tests of the golden model (model/mixpe_pe.h, model/mixpe_array.h) against hand-computed values.
#include <gtest/gtest.h>

#include <string>

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

// --- The core: CoreCycles and UnitInterval ---------------------------------------------------
// cycles = max over tiles t of ((t+1)*K/U - 1) * II + U + 2(m_t-1) + n_t + 3,
// II = max(U, 2R-1, floor((R+C)/2)) (docs/cycle-model.md).

TEST(MixpeCoreModel, UnitIntervalTakesTheLargestOfItsThreeTerms) {
  const MixpeArray a4x4(ArrayConfig(4, 4));
  EXPECT_EQ(a4x4.UnitInterval(8), 8);  // streaming: U = 8 > 7 > 4
  EXPECT_EQ(a4x4.UnitInterval(7), 7);
  EXPECT_EQ(a4x4.UnitInterval(2), 7);  // drain: 2*4-1 = 7
  const MixpeArray a2x16(ArrayConfig(2, 16));
  EXPECT_EQ(a2x16.UnitInterval(2), 9);  // row side data: floor(18/2) = 9 > 3 > 2
  EXPECT_EQ(a2x16.UnitInterval(10), 10);
  EXPECT_EQ(MixpeArray(ArrayConfig(2, 15)).UnitInterval(1), 8);  // floor(17/2)
  EXPECT_EQ(MixpeArray(ArrayConfig(16, 16)).UnitInterval(128), 128);
  EXPECT_EQ(MixpeArray(ArrayConfig(16, 16)).UnitInterval(16), 31);
}

TEST(MixpeCoreModel, SingleTileOfTwoUnits) {
  // 4x4, K = 16 in units of 8: II = 8. The last unit starts at 8; its last result (row 3,
  // column 3) is visible at 8 + 1 + 8 + 2*3 + 3 = 26, captured by the column's dequantization unit,
  // accumulated in 27, and the FP32 output presented in 28: 29 cycles.
  const GemmCycleEstimate est = MixpeArray(ArrayConfig(4, 4)).CoreCycles(4, 16, 4, 8);
  EXPECT_EQ(est.tiles, 1);
  EXPECT_EQ(est.tile_interval, 8);
  EXPECT_EQ(est.cycles, 29);
  EXPECT_DOUBLE_EQ(est.utilization, 4.0 * 4 * 16 / (16 * 29));
}

TEST(MixpeCoreModel, OneElementUnit) {
  // 1x1x1 with U = 1: the array's 3 cycles, +2 for the dequantization.
  EXPECT_EQ(MixpeArray(ArrayConfig(16, 16)).CoreCycles(1, 1, 1, 1).cycles, 5);
}

TEST(MixpeCoreModel, ShortUnitsWaitForTheDrain) {
  // 4x4, K = 4 in units of 2, N = 8: II = 7 (2R-1). Units 0..3 start at 0, 7, 14, 21; tile 1's
  // last unit (3) starts at 21: 21 + 2 + 2*3 + 4 + 3 = 36.
  const GemmCycleEstimate est = MixpeArray(ArrayConfig(4, 4)).CoreCycles(4, 4, 8, 2);
  EXPECT_EQ(est.tile_interval, 7);
  EXPECT_EQ(est.tiles, 2);
  EXPECT_EQ(est.cycles, 36);
}

TEST(MixpeCoreModel, ShortUnitsOnAWideArrayWaitForTheRowSideData) {
  // 2x16, K = U = 2, N = 17: II = floor(18/2) = 9 (> 3 > 2). Tile 0 (16 columns) ends at
  // 0 + 2 + 2 + 16 + 3 = 23; tile 1 (1 column) at 9 + 2 + 2 + 1 + 3 = 17: the earlier, wider
  // tile ends last.
  const GemmCycleEstimate est = MixpeArray(ArrayConfig(2, 16)).CoreCycles(2, 2, 17, 2);
  EXPECT_EQ(est.tile_interval, 9);
  EXPECT_EQ(est.cycles, 23);
  // Two units per tile: tile 0's last unit starts at 9 (23 + 9 = 32), tile 1's at 27
  // (27 + 2 + 2 + 1 + 3 = 35): now the last tile ends last.
  EXPECT_EQ(MixpeArray(ArrayConfig(2, 16)).CoreCycles(2, 4, 17, 2).cycles, 35);
}

TEST(MixpeCoreModel, ATallerEarlierTileNeverEndsLast) {
  // Rows cannot do what columns do above: a full tile's 2(R-1) extra drain cycles are fewer than
  // II >= 2R-1. 4x4, M = 5, N = 1, K = U = 1, II = 7: tile 0 (4 rows) ends at
  // 0 + 1 + 6 + 1 + 3 = 11, tile 1 (1 row) at 7 + 1 + 0 + 1 + 3 = 12.
  EXPECT_EQ(MixpeArray(ArrayConfig(4, 4)).CoreCycles(5, 1, 1, 1).cycles, 12);
}

TEST(MixpeCoreModel, PartialTilesOfSeveralUnits) {
  // 4x4, M = 6, N = 5, K = 256 in units of 128 (II = 128): tiles 4x4, 4x1, 2x4, 2x1 with last
  // units 1, 3, 5, 7 starting at 128, 384, 640, 896. Ends: 128 + 128 + 6 + 4 + 3 = 269,
  // 384 + 128 + 6 + 1 + 3 = 522, 640 + 128 + 2 + 4 + 3 = 777, 896 + 128 + 2 + 1 + 3 = 1030.
  const GemmCycleEstimate est = MixpeArray(ArrayConfig(4, 4)).CoreCycles(6, 256, 5, 128);
  EXPECT_EQ(est.tiles, 4);
  EXPECT_EQ(est.cycles, 1030);
  EXPECT_DOUBLE_EQ(est.utilization, 6.0 * 5 * 256 / (16 * 1030));
}

// With one unit per tile (U = K, per-channel groups with INT8 per-token activations) the core is
// the bare array plus two cycles for the dequantization, as long as floor((R+C)/2) does not bind;
// on square arrays it never does (floor(2R/2) = R <= 2R-1).
TEST(MixpeCoreModel, OneUnitPerTileIsTheArrayPlusTwoCycles) {
  const struct {
    int rows, cols;
    int64_t m, k, n;
  } cases[] = {{4, 4, 6, 10, 5},    {4, 4, 4, 2, 8},         {4, 4, 3, 5, 2},   {4, 4, 12, 8, 8},
               {2, 2, 2, 3, 2},     {16, 16, 1, 1, 1},       {7, 3, 20, 9, 10}, {2, 16, 2, 9, 17},
               {2, 16, 5, 100, 40}, {16, 16, 16, 4096, 4096}};
  for (const auto& c : cases) {
    SCOPED_TRACE(std::to_string(c.rows) + "x" + std::to_string(c.cols) + " m=" +
                 std::to_string(c.m) + " k=" + std::to_string(c.k) + " n=" + std::to_string(c.n));
    const MixpeArray array(ArrayConfig(c.rows, c.cols));
    const GemmCycleEstimate core = array.CoreCycles(c.m, c.k, c.n, static_cast<int>(c.k));
    const GemmCycleEstimate bare = array.Cycles(c.m, c.k, c.n);
    EXPECT_EQ(core.cycles, bare.cycles + 2);
    EXPECT_EQ(core.tile_interval, bare.tile_interval);
    EXPECT_EQ(core.tiles, bare.tiles);
  }
  // Where floor((R+C)/2) binds, units are spaced further than the array's tiles: 2x16, K = 2,
  // N = 33: II 9 instead of 3.
  const MixpeArray wide(ArrayConfig(2, 16));
  EXPECT_EQ(wide.Cycles(2, 2, 33).tile_interval, 3);
  EXPECT_EQ(wide.CoreCycles(2, 2, 33, 2).tile_interval, 9);
}

// Units of at least max(2R-1, floor((R+C)/2)) elements run back to back with no gap, so any such
// unit size costs exactly two cycles over the bare array: the default job's layers on 16x16.
TEST(MixpeCoreModel, LongUnitsCostTwoCyclesOverTheBareArray) {
  const MixpeArray array(ArrayConfig(16, 16));
  // q_proj: 256 tiles of 32 units of 128: the last starts at (256*32 - 1) * 128 = 1048448 and
  // ends at 1048448 + 128 + 30 + 16 + 3 = 1048625 (the bare array: 1048623).
  EXPECT_EQ(array.CoreCycles(16, 4096, 4096, 128).cycles, 1048625);
  EXPECT_EQ(array.Cycles(16, 4096, 4096).cycles, 1048623);
  // down_proj: 256 tiles of 86 units: (256*86 - 1) * 128 + 177 = 2818097.
  EXPECT_EQ(array.CoreCycles(16, 11008, 4096, 128).cycles, 2818097);
  for (int unit : {32, 64, 128, 4096}) {
    EXPECT_EQ(array.CoreCycles(16, 4096, 4096, unit).cycles, 1048625) << "unit " << unit;
  }
  // Units shorter than 2R-1 = 31 leave gaps: 16-element units (NVFP4) start 31 cycles apart.
  EXPECT_EQ(array.CoreCycles(16, 4096, 4096, 16).tile_interval, 31);
  EXPECT_EQ(array.CoreCycles(16, 4096, 4096, 16).cycles, (256 * 256 - 1) * 31 + 16 + 30 + 16 + 3);
}

TEST(MixpeCoreModel, RejectsAUnitThatDoesNotDivideK) {
  const MixpeArray array(ArrayConfig(4, 4));
  EXPECT_THROW(array.CoreCycles(4, 100, 4, 32), InputError);
  EXPECT_THROW(array.CoreCycles(4, 100, 4, 0), InputError);
}

}  // namespace
}  // namespace mixpe
