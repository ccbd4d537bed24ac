// Iso-area sizing (explore/iso_area.h): each design gets the most columns whose core fits the
// anchor's transistors, its PE energy scaled by its PE's transistors; the written configs load.
#include "explore/iso_area.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "model/hardware_config.h"
#include "model/input_error.h"
#include "tests/input_test_util.h"

namespace mixpe {
namespace {

using testing_util::WriteTempFile;

const std::string kReference = MIXPE_SOURCE_DIR "/configs/reference/";

// Round numbers for the reference designs' units at 32 rows.
std::string Table() {
  return WriteTempFile(
      "unit,weight_bits,activation_bits,fp4,acc_bits,rows,transistors\n"
      "pe,4,8,0,32,,5000\n"
      "pe,4,16,0,32,,6500\n"
      "fp16_align,,16,,,,65000\n"
      "mixpe_column,4,,,32,32,160000\n"
      "pe_multiplier,8,8,0,32,,7500\n"
      "weight_expand_int8,4,,,,,500\n"
      "int8_column,,,,32,32,100000\n"
      "pe_fp16_mac,16,16,0,32,,25000\n"
      "weight_to_fp16,4,,,,,4000\n"
      "fp16_column,,,,32,32,30000\n");
}

TEST(IsoAreaTest, EachDesignGetsTheColumnsThatFitTheAnchorsArea) {
  const std::string out = std::filesystem::temp_directory_path() / "mixpe_iso_area_test";
  std::filesystem::remove_all(out);
  const AreaTable table = LoadAreaTable(Table());
  const std::vector<SizedDesign> sized = SizeForEqualArea(
      {kReference + "fp16_mac.yaml", kReference + "mixpe_w4a16.yaml", kReference + "int8_mac.yaml"},
      kReference + "fp16_mac.yaml", table, out);
  ASSERT_EQ(sized.size(), 3u);
  // The anchor: 32 x 28 FP16 MAC PEs and 28 columns of (dequantizer + FP32 column unit).
  const int64_t budget = 32 * 28 * 25000 + 28 * (4000 + 30000);
  EXPECT_EQ(sized[0].cols, 28);
  EXPECT_EQ(sized[0].transistors, budget);
  EXPECT_DOUBLE_EQ(sized[0].pe_energy_scale, 1.0);
  // MixPE-W4A16: 32 rows of 6500 and a group dequantization unit a column, one aligner in all.
  EXPECT_EQ(sized[1].cols, (budget - 65000) / (32 * 6500 + 160000));
  // INT8 keeps its 32 rows: a column is 32 multiplier PEs, the expander and the column unit.
  const int64_t int8_column = 32 * 7500 + 500 + 100000;
  EXPECT_EQ(sized[2].rows, 32);
  EXPECT_EQ(sized[2].cols, budget / int8_column);
  EXPECT_DOUBLE_EQ(sized[2].pe_energy_scale, 7500.0 / 25000);
  const HardwareConfig int8 = LoadHardwareConfig(sized[2].config_file);
  EXPECT_EQ(int8.cols, sized[2].cols);
  EXPECT_EQ(int8.name, "INT8 iso-area");
  const HardwareConfig fp16 = LoadHardwareConfig(kReference + "fp16_mac.yaml");
  EXPECT_NEAR(int8.energy.pe_active_cycle_pj.value,
              fp16.energy.pe_active_cycle_pj.value * 7500 / 25000, 1e-9);
  EXPECT_NEAR(int8.energy.dequant_element_pj.value,
              fp16.energy.dequant_element_pj.value * 500 / 4000, 1e-9);
  EXPECT_NE(int8.energy.pe_active_cycle_pj.source.find("yosys-scaled"), std::string::npos);
  std::filesystem::remove_all(out);
}

TEST(IsoAreaTest, ADesignWithoutAreaIsRefusedNamingIt) {
  const AreaTable table = LoadAreaTable(Table());
  const std::string out = std::filesystem::temp_directory_path() / "mixpe_iso_area_refused";
  try {
    // MixPE-W4A8 has 64 rows: the table has its group dequantization at 32 only.
    SizeForEqualArea({kReference + "mixpe_w4a8.yaml"}, kReference + "fp16_mac.yaml", table, out);
    FAIL() << "sized without an area";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("mixpe_w4a8.yaml"), std::string::npos) << e.what();
  }
  EXPECT_THROW(
      SizeForEqualArea({kReference + "bitfusion.yaml"}, kReference + "fp16_mac.yaml", table, out),
      InputError);
  std::filesystem::remove_all(out);
}

}  // namespace
}  // namespace mixpe
