// The area table (synth/area.sh --csv, read by explore/area_table.h) with the baseline units'
// lines: the shipped table parses, holds the MixPE units and the baselines' (multiplier PE, FP16
// MAC PE, INT8 weight expander, FP16 weight dequantizer, and the INT8 and FP16 cores' column units
// for columns of 8 to 64 rows), prices the reference baseline cores, and a table with only
// baseline lines reads back with their keys.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "explore/area_table.h"
#include "model/hardware_config.h"
#include "model/input_error.h"

namespace mixpe {
namespace {

int64_t Find(const AreaTable& table, const std::string& key) {
  const auto it = table.transistors.find(key);
  return it == table.transistors.end() ? 0 : it->second;
}

TEST(AreaTableBaselineTest, TheShippedTableHoldsTheBaselineUnits) {
  const AreaTable table = LoadAreaTable(MIXPE_SOURCE_DIR "/synth/area_table.csv");
  EXPECT_GT(Find(table, "pe 4 16 0 32"), 0);
  EXPECT_GT(Find(table, "mixpe_column 4 32 16"), 0);
  EXPECT_GT(Find(table, "pe_multiplier 8 8 0 32"), 0);
  EXPECT_GT(Find(table, "pe_fp16_mac 16 16 0 32"), 0);
  EXPECT_GT(Find(table, "weight_expand_int8 4"), 0);
  EXPECT_GT(Find(table, "weight_to_fp16 4"), 0);
  // The conventional INT8 PE is larger than MixPE's W4 x A8 PE, the FP16 MAC PE than its
  // W4 x A16 PE (docs/area.md).
  EXPECT_GT(Find(table, "pe_multiplier 8 8 0 32"), Find(table, "pe 4 8 0 32"));
  EXPECT_GT(Find(table, "pe_fp16_mac 16 16 0 32"), Find(table, "pe 4 16 0 32"));
  // Every core's column unit (mixpe_column_dequant, PeKind 0, 1 and 2) at every column height,
  // growing with it (a running sum per row).
  for (const char* unit : {"mixpe_column 4 32 ", "int8_column 32 ", "fp16_column 32 "}) {
    int64_t previous = 0;
    for (int rows : {8, 16, 32, 64}) {
      const int64_t transistors = Find(table, unit + std::to_string(rows));
      EXPECT_GT(transistors, previous) << unit << rows;
      previous = transistors;
    }
  }
  // The FP16 core's column adds FP32 sums only; the INT8 core's also dequantizes every output.
  EXPECT_GT(Find(table, "int8_column 32 16"), Find(table, "fp16_column 32 16"));
}

// A MixPE core is priced with its whole column unit, as the baselines are.
TEST(AreaTableBaselineTest, TheShippedTablePricesMixpeCoresWithTheirWholeColumnUnit) {
  const AreaTable table = LoadAreaTable(MIXPE_SOURCE_DIR "/synth/area_table.csv");
  const HardwareConfig w4a8 =
      LoadHardwareConfig(MIXPE_SOURCE_DIR "/configs/reference/mixpe_w4a8.yaml");
  const CoreArea area = CoreAreaOf(w4a8, table);
  EXPECT_EQ(area.pe, Find(table, "pe 4 8 0 32"));
  EXPECT_EQ(area.column, Find(table, "mixpe_column 4 32 " + std::to_string(w4a8.rows)));
  EXPECT_GT(area.column, 0);
  EXPECT_EQ(CoreTransistors(w4a8, table),
            int64_t{w4a8.rows} * w4a8.cols * area.pe + int64_t{w4a8.cols} * area.column);
}

TEST(AreaTableBaselineTest, TheShippedTablePricesTheReferenceBaselineCores) {
  const AreaTable table = LoadAreaTable(MIXPE_SOURCE_DIR "/synth/area_table.csv");
  const std::string reference = MIXPE_SOURCE_DIR "/configs/reference/";
  const HardwareConfig int8 = LoadHardwareConfig(reference + "int8_mac.yaml");
  const CoreArea int8_area = CoreAreaOf(int8, table);
  EXPECT_EQ(int8_area.pe, Find(table, "pe_multiplier 8 8 0 32"));
  EXPECT_EQ(int8_area.column, Find(table, "weight_expand_int8 4") +
                                  Find(table, "int8_column 32 " + std::to_string(int8.rows)));
  EXPECT_GT(int8_area.column, Find(table, "weight_expand_int8 4"));
  EXPECT_GT(CoreTransistors(int8, table), 0);
  const HardwareConfig fp16 = LoadHardwareConfig(reference + "fp16_mac.yaml");
  const CoreArea fp16_area = CoreAreaOf(fp16, table);
  EXPECT_EQ(fp16_area.pe, Find(table, "pe_fp16_mac 16 16 0 32"));
  EXPECT_EQ(fp16_area.column, Find(table, "weight_to_fp16 4") +
                                  Find(table, "fp16_column 32 " + std::to_string(fp16.rows)));
  EXPECT_GT(fp16_area.column, Find(table, "weight_to_fp16 4"));
  EXPECT_EQ(CoreTransistors(fp16, table),
            int64_t{fp16.rows} * fp16.cols * fp16_area.pe + int64_t{fp16.cols} * fp16_area.column);
}

class AreaTableFileTest : public ::testing::Test {
 protected:
  std::string Write(const std::string& body) {
    std::ofstream(path_) << "unit,weight_bits,activation_bits,fp4,acc_bits,rows,transistors\n"
                         << body;
    return path_;
  }
  void TearDown() override { std::remove(path_.c_str()); }
  std::string path_ = ::testing::TempDir() + "area_table_baseline_test.csv";
};

TEST_F(AreaTableFileTest, BaselineLinesReadBackWithTheirKeys) {
  const AreaTable table = LoadAreaTable(Write(
      "pe_multiplier,8,8,0,32,,111\npe_fp16_mac,16,16,0,32,,222\nweight_expand_int8,4,,,,,333\n"
      "weight_to_fp16,4,,,,,444\nint8_column,,,,32,16,555\nfp16_column,,,,32,64,666\n"));
  EXPECT_EQ(table.transistors.size(), 6u);
  EXPECT_EQ(Find(table, "pe_multiplier 8 8 0 32"), 111);
  EXPECT_EQ(Find(table, "pe_fp16_mac 16 16 0 32"), 222);
  EXPECT_EQ(Find(table, "weight_expand_int8 4"), 333);
  EXPECT_EQ(Find(table, "weight_to_fp16 4"), 444);
  EXPECT_EQ(Find(table, "int8_column 32 16"), 555);
  EXPECT_EQ(Find(table, "fp16_column 32 64"), 666);
}

TEST_F(AreaTableFileTest, AnUnknownUnitIsStillAnError) {
  EXPECT_THROW(LoadAreaTable(Write("pe_adder,8,8,0,32,,111\n")), InputError);
}

}  // namespace
}  // namespace mixpe
