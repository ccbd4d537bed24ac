// The mapper (compiler/mapper.h): it evaluates every loop order with the analytical memory model
// and returns the cheapest by the chosen objective, so its choice is the optimum of its space; a
// layer that names its loop order keeps it; a layer no candidate fits is refused.
#include "compiler/mapper.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "model/input_error.h"

namespace mixpe {
namespace {

HardwareConfig WideFlatCore() {
  return LoadHardwareConfig(MIXPE_SOURCE_DIR "/tests/configs/array_2x16_w3.yaml");
}

GemmLayer Layer(int64_t m, int64_t k, int64_t n) {
  GemmLayer g;
  g.name = "fc";
  g.m = m;
  g.k = k;
  g.n = n;
  g.source_file = "test";
  return g;
}

// On the 2 x 16 W3A8 core an N-tile's weights (16 columns x 3 bits a K element) outweigh an
// M-tile's activations (2 rows x 8 bits): with 4 M-tiles and 2 N-tiles, M-outer loads the weights
// 8 times and the activations 4 times, N-outer the weights twice and the activations 8 times, so
// N-outer moves less DRAM data and spends less energy.
TEST(MapperTest, EnergyObjectivePicksTheLoopOrderThatMovesLess) {
  const HardwareConfig config = WideFlatCore();
  const GemmLayer g = Layer(8, 1024, 32);
  const LayerFormats formats = ResolveLayerFormats(g, config);
  const MappedLayer mapped = MapLayer(config, g, formats, MapObjective::kEnergy);
  ASSERT_EQ(mapped.candidates.size(), 2u);
  EXPECT_EQ(mapped.candidates[0].loop_order, LoopOrder::kMOuter);
  EXPECT_EQ(mapped.candidates[1].loop_order, LoopOrder::kNOuter);
  EXPECT_LT(mapped.candidates[1].energy_pj, mapped.candidates[0].energy_pj);
  EXPECT_EQ(mapped.schedule.loop_order, LoopOrder::kNOuter);
  EXPECT_DOUBLE_EQ(mapped.prediction.energy.TotalPj(), mapped.candidates[1].energy_pj);
}

// Whatever the objective, the choice costs no more than any candidate: exhaustive over its space.
TEST(MapperTest, ChoiceIsTheCheapestCandidateForEveryObjective) {
  const HardwareConfig config = WideFlatCore();
  for (const GemmLayer& g : {Layer(8, 1024, 32), Layer(2, 256, 96), Layer(9, 512, 17)}) {
    const LayerFormats formats = ResolveLayerFormats(g, config);
    for (MapObjective objective :
         {MapObjective::kCycles, MapObjective::kEnergy, MapObjective::kEnergyDelay}) {
      const MappedLayer mapped = MapLayer(config, g, formats, objective);
      MapCandidate chosen;
      chosen.cycles = mapped.prediction.cycles;
      chosen.energy_pj = mapped.prediction.energy.TotalPj();
      for (const MapCandidate& c : mapped.candidates) {
        EXPECT_LE(chosen.Cost(objective), c.Cost(objective)) << MapObjectiveName(objective);
      }
    }
  }
}

// One M-tile: both orders load the same bytes and take the same cycles; the tie keeps M-outer.
TEST(MapperTest, TieKeepsMOuter) {
  const HardwareConfig config = WideFlatCore();
  const GemmLayer g = Layer(2, 512, 64);
  const MappedLayer mapped =
      MapLayer(config, g, ResolveLayerFormats(g, config), MapObjective::kCycles);
  EXPECT_EQ(mapped.candidates[0].cycles, mapped.candidates[1].cycles);
  EXPECT_EQ(mapped.schedule.loop_order, LoopOrder::kMOuter);
}

TEST(MapperTest, LayerThatNamesItsLoopOrderKeepsIt) {
  const HardwareConfig config = WideFlatCore();
  GemmLayer g = Layer(8, 1024, 32);
  g.loop_order = "m_outer";
  const MappedLayer mapped =
      MapLayer(config, g, ResolveLayerFormats(g, config), MapObjective::kEnergy);
  ASSERT_EQ(mapped.candidates.size(), 1u);
  EXPECT_EQ(mapped.schedule.loop_order, LoopOrder::kMOuter);
}

TEST(MapperTest, LayerThatFitsNoBufferIsRefusedWithTheReason) {
  const HardwareConfig config = WideFlatCore();
  // 16 columns x 3 bits x K = 16384: 98304 bytes of weights, more than a 64 KiB half.
  const GemmLayer g = Layer(2, 16384, 16);
  try {
    MapLayer(config, g, ResolveLayerFormats(g, config), MapObjective::kCycles);
    FAIL() << "a layer that fits no buffer was mapped";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("memory.buffers.weights"), std::string::npos) << e.what();
  }
}

TEST(MapperTest, ObjectiveNamesParseAndUnknownOnesAreRefused) {
  EXPECT_EQ(ParseMapObjective("edp", "--objective"), MapObjective::kEnergyDelay);
  EXPECT_STREQ(MapObjectiveName(MapObjective::kEnergy), "energy");
  EXPECT_THROW(ParseMapObjective("speed", "--objective"), InputError);
  EXPECT_THROW(ParseLoopOrder("k_outer", "layer fc"), InputError);
}

}  // namespace
}  // namespace mixpe
