// Tests of the GEMM tiler (compiler/gemm_schedule.h): array and core schedules checked line by line
// against hand-computed start cycles.
#include "compiler/gemm_schedule.h"

#include <gtest/gtest.h>

#include <string>

#include "model/input_error.h"
#include "model/mixpe_array.h"

namespace mixpe {
namespace {

HardwareConfig Array4x4() {
  HardwareConfig config;
  config.source_file = "test.yaml";
  config.rows = 4;
  config.cols = 4;
  config.weight_bits = 4;
  config.activation_bits = 8;
  config.accumulator_bits = 32;
  config.max_k = 1024;
  config.frequency_mhz = 500;
  return config;
}

TEST(GemmSchedule, TilesRowMajorWithPartialEdges) {
  const GemmSchedule s = TileGemm(Array4x4(), "fc", 6, 10, 5);
  EXPECT_EQ(FormatSchedule(s),
            "gemm fc m=6 k=10 n=5 array=4x4 tile_interval=10 tiles=4\n"
            "tile 0 m0=0 n0=0 rows=4 cols=4 start=0\n"
            "tile 1 m0=0 n0=4 rows=4 cols=1 start=10\n"
            "tile 2 m0=4 n0=0 rows=2 cols=4 start=20\n"
            "tile 3 m0=4 n0=4 rows=2 cols=1 start=30\n");
}

TEST(GemmSchedule, ShortReductionsAreSpacedForTheDrain) {
  // 2*rows-1 = 7 > K = 3.
  const GemmSchedule s = TileGemm(Array4x4(), "tiny", 4, 3, 8);
  EXPECT_EQ(s.tile_interval, 7);
  ASSERT_EQ(s.tiles.size(), 2u);
  EXPECT_EQ(s.tiles[1].start_cycle, 7);
}

TEST(GemmSchedule, RejectsImpossibleShapes) {
  EXPECT_THROW(TileGemm(Array4x4(), "empty", 0, 4, 4), InputError);
  try {
    TileGemm(Array4x4(), "long", 4, 2048, 4);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("layer long"), std::string::npos) << msg;
    EXPECT_NE(msg.find("pe.max_k=1024"), std::string::npos) << msg;
    EXPECT_NE(msg.find("test.yaml"), std::string::npos) << msg;
  }
}

// --- The core: one reduction unit at a time ------------------------------------------------------

// 4 x 4 array, U = 128: II = max(128, 2*4-1, floor(8/2)) = 128; two units per tile, so tile t
// starts at 2t * 128. Tiles as TileGemm cuts them.
TEST(CoreSchedule, UnitsOfATileAreIssuedBackToBack) {
  const CoreSchedule s = TileCoreGemm(Array4x4(), "fc", 6, 256, 5, 128);
  EXPECT_EQ(FormatCoreSchedule(s),
            "core fc m=6 k=256 n=5 unit=128 units_per_tile=2 array=4x4 unit_interval=128 tiles=4\n"
            "tile 0 m0=0 n0=0 rows=4 cols=4 units=0..1 start=0\n"
            "tile 1 m0=0 n0=4 rows=4 cols=1 units=2..3 start=256\n"
            "tile 2 m0=4 n0=0 rows=2 cols=4 units=4..5 start=512\n"
            "tile 3 m0=4 n0=4 rows=2 cols=1 units=6..7 start=768\n");
  // Unit 1 of tile 1 is unit 3 of the sequence.
  EXPECT_EQ(s.UnitStart(1, 1), 3 * 128);
  EXPECT_EQ(s.UnitStart(3, 1), 7 * 128);
}

// Blocks of 2 M-tiles x 1 N-tile, M-outer, on M = 10 (3 M-tiles), N = 8 (2 N-tiles): the block
// of M-tiles 0-1 over N-tile 0, then over N-tile 1, then the ragged block of M-tile 2 alone.
TEST(CoreSchedule, BlocksFollowTheLoopOrderAndSoDoTheirTiles) {
  const CoreSchedule s =
      TileCoreGemm(Array4x4(), "fc", 10, 128, 8, 128, TilePlan{LoopOrder::kMOuter, 2, 1});
  EXPECT_EQ(FormatCoreSchedule(s),
            "core fc m=10 k=128 n=8 unit=128 units_per_tile=1 array=4x4 unit_interval=128 "
            "block=2x1 tiles=6\n"
            "tile 0 m0=0 n0=0 rows=4 cols=4 units=0..0 start=0\n"
            "tile 1 m0=4 n0=0 rows=4 cols=4 units=1..1 start=128\n"
            "tile 2 m0=0 n0=4 rows=4 cols=4 units=2..2 start=256\n"
            "tile 3 m0=4 n0=4 rows=4 cols=4 units=3..3 start=384\n"
            "tile 4 m0=8 n0=0 rows=2 cols=4 units=4..4 start=512\n"
            "tile 5 m0=8 n0=4 rows=2 cols=4 units=5..5 start=640\n");
  EXPECT_EQ(s.MBlockOf(4), 0);
  EXPECT_EQ(s.MBlockOf(8), 1);
  EXPECT_EQ(TilePlanText(s.plan()), "m_outer 2x1");
  // N-outer, blocks of 1 x 2: the N-tiles of a block left to right under one M-tile, then the
  // next M-tile.
  const CoreSchedule n =
      TileCoreGemm(Array4x4(), "fc", 8, 128, 8, 128, TilePlan{LoopOrder::kNOuter, 1, 2});
  ASSERT_EQ(n.tiles.size(), 4u);
  EXPECT_EQ(n.tiles[1].m0, 0);
  EXPECT_EQ(n.tiles[1].n0, 4);
  EXPECT_EQ(n.tiles[2].m0, 4);
  EXPECT_EQ(n.tiles[2].n0, 0);
}

// With blocks of 1 x 1 the schedule's cycles are the cycle model's in either loop order; blocks
// change the order of the tiles and so which tile ends last.
TEST(CoreSchedule, CyclesOfTheScheduleAreTheCycleModelsWithoutBlocks) {
  const HardwareConfig config = Array4x4();
  for (LoopOrder order : {LoopOrder::kMOuter, LoopOrder::kNOuter}) {
    const CoreSchedule s = TileCoreGemm(config, "fc", 10, 256, 7, 128, order);
    EXPECT_EQ(CoreScheduleCycles(s),
              MixpeArray(config).CoreCycles(10, 256, 7, 128, order == LoopOrder::kNOuter).cycles);
  }
  // M-outer 3x1 on 3 M-tiles x 2 N-tiles ends with the tile at m0=8, n0=4 (2 x 3 outputs) as
  // M-outer 1x1 does; N-outer 1x1 ends with the same tile too.
  const CoreSchedule blocked =
      TileCoreGemm(config, "fc", 10, 256, 7, 128, TilePlan{LoopOrder::kMOuter, 3, 1});
  EXPECT_EQ(CoreScheduleCycles(blocked), MixpeArray(config).CoreCycles(10, 256, 7, 128).cycles);
}

TEST(CoreSchedule, RejectsBlocksOutsideTheLayersTiles) {
  try {
    TileCoreGemm(Array4x4(), "fc", 10, 128, 8, 128, TilePlan{LoopOrder::kMOuter, 4, 1});
    FAIL() << "a block of 4 M-tiles on 3 was accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()),
              "layer fc: block_m_tiles=4 is outside [1, 3], the layer's M-tiles on the 4x4 array "
              "of test.yaml");
  }
  EXPECT_THROW(TileCoreGemm(Array4x4(), "fc", 10, 128, 8, 128, TilePlan{LoopOrder::kMOuter, 1, 0}),
               InputError);
}

TEST(CoreSchedule, CutsTheSameTilesAsTheArraySchedule) {
  const HardwareConfig config = Array4x4();
  const GemmSchedule array = TileGemm(config, "ragged", 9, 64, 11);
  const CoreSchedule core = TileCoreGemm(config, "ragged", 9, 64, 11, 32);
  ASSERT_EQ(core.tiles.size(), array.tiles.size());
  for (size_t t = 0; t < core.tiles.size(); ++t) {
    SCOPED_TRACE("tile " + std::to_string(t));
    EXPECT_EQ(core.tiles[t].m0, array.tiles[t].m0);
    EXPECT_EQ(core.tiles[t].n0, array.tiles[t].n0);
    EXPECT_EQ(core.tiles[t].rows_used, array.tiles[t].rows_used);
    EXPECT_EQ(core.tiles[t].cols_used, array.tiles[t].cols_used);
    EXPECT_EQ(core.tiles[t].start_cycle, static_cast<int64_t>(t) * 2 * 32);  // 2 units, II = 32
  }
}

TEST(CoreSchedule, ShortUnitsAreSpacedForTheDrain) {
  // U = 2 < 2*4-1 = 7 (> floor(8/2) = 4): units start 7 cycles apart, tiles 2 * 7.
  const CoreSchedule s = TileCoreGemm(Array4x4(), "tiny", 4, 4, 8, 2);
  EXPECT_EQ(s.unit_interval, 7);
  EXPECT_EQ(s.units_per_tile, 2);
  ASSERT_EQ(s.tiles.size(), 2u);
  EXPECT_EQ(s.tiles[1].start_cycle, 14);
}

TEST(CoreSchedule, ShortUnitsOnAWideArrayAreSpacedForTheRowSideData) {
  // 2 x 16: floor((2+16)/2) = 9 > max(U = 2, 2*2-1 = 3).
  HardwareConfig config = Array4x4();
  config.rows = 2;
  config.cols = 16;
  const CoreSchedule s = TileCoreGemm(config, "wide", 2, 2, 17, 2);
  EXPECT_EQ(FormatCoreSchedule(s),
            "core wide m=2 k=2 n=17 unit=2 units_per_tile=1 array=2x16 unit_interval=9 tiles=2\n"
            "tile 0 m0=0 n0=0 rows=2 cols=16 units=0..0 start=0\n"
            "tile 1 m0=0 n0=16 rows=2 cols=1 units=1..1 start=9\n");
  // floor((2+15)/2) = 8 on a 2 x 15 array: the floor matters.
  config.cols = 15;
  EXPECT_EQ(TileCoreGemm(config, "odd", 2, 2, 15, 2).unit_interval, 8);
}

TEST(CoreSchedule, KMayExceedMaxKButTheUnitMayNot) {
  // max_k = 1024 bounds the unit the accumulator holds, not K.
  const CoreSchedule s = TileCoreGemm(Array4x4(), "long", 4, 4096, 4, 128);
  EXPECT_EQ(s.units_per_tile, 32);
  EXPECT_EQ(s.unit_interval, 128);
  try {
    TileCoreGemm(Array4x4(), "per_channel", 4, 2048, 4, 2048);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("layer per_channel"), std::string::npos) << msg;
    EXPECT_NE(msg.find("reduction unit 2048 exceeds pe.max_k=1024"), std::string::npos) << msg;
    EXPECT_NE(msg.find("test.yaml"), std::string::npos) << msg;
  }
}

TEST(CoreSchedule, RejectsImpossibleShapesNamingTheLayer) {
  const struct {
    int64_t m, k, n;
    int unit;
    const char* expected;
  } cases[] = {
      {0, 128, 4, 128, "M, K and N must be at least 1"},
      {4, 128, 0, 128, "M, K and N must be at least 1"},
      {4, 128, 4, 0, "reduction unit must be at least 1, got 0"},
      {4, 128, 4, -32, "reduction unit must be at least 1, got -32"},
      {4, 100, 4, 32, "K=100 is not a multiple of the reduction unit 32"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.expected);
    try {
      TileCoreGemm(Array4x4(), "bad", c.m, c.k, c.n, c.unit);
      ADD_FAILURE() << "expected InputError";
    } catch (const InputError& e) {
      const std::string msg = e.what();
      EXPECT_NE(msg.find("layer bad: "), std::string::npos) << msg;
      EXPECT_NE(msg.find(c.expected), std::string::npos) << msg;
    }
  }
}

}  // namespace
}  // namespace mixpe
