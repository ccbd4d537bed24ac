// The area table (synth/area.sh --csv, read by explore/area_table.h) with the baseline units'
// lines: the shipped table parses, holds the MixPE units and the baselines' (multiplier PE, FP16
// MAC PE, INT8 weight expander, FP16 weight dequantizer), and a table with only baseline lines
// reads back with their keys.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "explore/area_table.h"
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
  EXPECT_GT(Find(table, "group_dequant 4 32 16"), 0);
  EXPECT_GT(Find(table, "pe_multiplier 8 8 0 32"), 0);
  EXPECT_GT(Find(table, "pe_fp16_mac 16 16 0 32"), 0);
  EXPECT_GT(Find(table, "weight_expand_int8 4"), 0);
  EXPECT_GT(Find(table, "weight_to_fp16 4"), 0);
  // The conventional INT8 PE is larger than MixPE's W4 x A8 PE, the FP16 MAC PE than its
  // W4 x A16 PE (docs/area.md).
  EXPECT_GT(Find(table, "pe_multiplier 8 8 0 32"), Find(table, "pe 4 8 0 32"));
  EXPECT_GT(Find(table, "pe_fp16_mac 16 16 0 32"), Find(table, "pe 4 16 0 32"));
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
      "weight_to_fp16,4,,,,,444\n"));
  EXPECT_EQ(table.transistors.size(), 4u);
  EXPECT_EQ(Find(table, "pe_multiplier 8 8 0 32"), 111);
  EXPECT_EQ(Find(table, "pe_fp16_mac 16 16 0 32"), 222);
  EXPECT_EQ(Find(table, "weight_expand_int8 4"), 333);
  EXPECT_EQ(Find(table, "weight_to_fp16 4"), 444);
}

TEST_F(AreaTableFileTest, AnUnknownUnitIsStillAnError) {
  EXPECT_THROW(LoadAreaTable(Write("pe_adder,8,8,0,32,,111\n")), InputError);
}

}  // namespace
}  // namespace mixpe
