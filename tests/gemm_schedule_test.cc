// Tests of the GEMM tiler (compiler/gemm_schedule.h): schedules checked line by line.
#include "compiler/gemm_schedule.h"

#include <gtest/gtest.h>

#include "model/input_error.h"

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

}  // namespace
}  // namespace mixpe
