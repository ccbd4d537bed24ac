// The mapper (compiler/mapper.h): blocks divide the traffic of the reloaded operand as the
// memory model counts it; the choice is the cheapest candidate it evaluated; the guided search is
// within 5% of the exhaustive one; a layer that names its loop order keeps it; a layer no
// candidate fits is refused with the reason.
#include "compiler/mapper.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
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

int64_t DramReadPayload(const HardwareConfig& config, const GemmLayer& g, const TilePlan& plan) {
  const LayerFormats formats = ResolveLayerFormats(g, config);
  const CoreSchedule s = TileCoreGemm(config, g.name, g.m, g.k, g.n, formats.unit, plan);
  return PredictLayerMemory(config, formats, s).events.dram_read_payload_bytes;
}

// On the 2 x 16 W3A8 core (int3_g64 x int8_token), a layer of M=8, K=1024, N=32 has 4 M-tiles and
// 2 N-tiles. An N-tile's weights are 16 columns x (1024 x 3 bits + 16 groups x 2 bytes of FP16
// scale) = 6656 bytes, an M-tile's activations 2 rows x (1024 bytes + a 2-byte scale) = 2052 bytes.
// M-outer in blocks of b M-tiles loads the activations once and the weights ceil(4/b) times;
// N-outer in blocks of b N-tiles the weights once and the activations ceil(2/b) times.
TEST(MapperTest, BlocksDivideTheTrafficOfTheReloadedOperand) {
  const HardwareConfig config = WideFlatCore();
  const GemmLayer g = Layer(8, 1024, 32);
  const int64_t weights = 2 * 6656;
  const int64_t activations = 4 * 2052;
  EXPECT_EQ(DramReadPayload(config, g, {LoopOrder::kMOuter, 1, 1}), activations + 4 * weights);
  EXPECT_EQ(DramReadPayload(config, g, {LoopOrder::kMOuter, 2, 1}), activations + 2 * weights);
  EXPECT_EQ(DramReadPayload(config, g, {LoopOrder::kMOuter, 3, 1}), activations + 2 * weights);
  EXPECT_EQ(DramReadPayload(config, g, {LoopOrder::kMOuter, 4, 1}), activations + weights);
  // A block of all N-tiles holds all the weights: they are loaded once and never change.
  EXPECT_EQ(DramReadPayload(config, g, {LoopOrder::kMOuter, 1, 2}), activations + weights);
  EXPECT_EQ(DramReadPayload(config, g, {LoopOrder::kNOuter, 1, 1}), 2 * activations + weights);
  EXPECT_EQ(DramReadPayload(config, g, {LoopOrder::kNOuter, 1, 2}), activations + weights);
}

// The roofline of the same layer: 8 x 32 x 1024 MACs on 32 PEs is 8192 cycles; its image is the
// weights and activations above and 8 x 32 FP32 outputs, 22544 bytes, 177 cycles at 128 bytes a
// cycle: compute-bound, and the same whatever the plan.
TEST(RooflineTest, BoundByThePesOrTheDramWhicheverIsSlower) {
  const HardwareConfig config = WideFlatCore();
  const GemmLayer g = Layer(8, 1024, 32);
  const LayerFormats formats = ResolveLayerFormats(g, config);
  for (const TilePlan& plan :
       {TilePlan{LoopOrder::kMOuter, 1, 1}, TilePlan{LoopOrder::kNOuter, 2, 2}}) {
    const CoreSchedule s = TileCoreGemm(config, g.name, g.m, g.k, g.n, formats.unit, plan);
    const LayerMemoryPrediction p = PredictLayerMemory(config, formats, s);
    EXPECT_EQ(p.roofline.compute_cycles, 8192);
    EXPECT_EQ(p.roofline.compulsory_bytes, 2 * 6656 + 4 * 2052 + 8 * 32 * 4);
    EXPECT_EQ(p.roofline.memory_cycles, 177);
    EXPECT_FALSE(p.roofline.memory_bound());
    EXPECT_LE(p.roofline.cycles(), p.cycles);
  }
}

// The energy objective takes a plan that loads each operand once; no candidate costs less than
// the choice.
TEST(MapperTest, EnergyObjectiveLoadsEachOperandOnce) {
  const HardwareConfig config = WideFlatCore();
  const GemmLayer g = Layer(8, 1024, 32);
  const MappedLayer mapped =
      MapLayer(config, g, ResolveLayerFormats(g, config), MapObjective::kEnergy);
  EXPECT_EQ(mapped.prediction.events.dram_read_payload_bytes, 4 * 2052 + 2 * 6656);
  for (const MapCandidate& c : mapped.candidates) {
    if (c.rejected.empty()) EXPECT_LE(mapped.prediction.energy.TotalPj(), c.energy_pj);
  }
}

// Whatever the objective, the choice costs no more than any candidate evaluated, and the
// prediction returned is the chosen schedule's.
TEST(MapperTest, ChoiceIsTheCheapestCandidateForEveryObjective) {
  const HardwareConfig config = WideFlatCore();
  for (const GemmLayer& g : {Layer(8, 1024, 32), Layer(2, 256, 96), Layer(9, 512, 17)}) {
    const LayerFormats formats = ResolveLayerFormats(g, config);
    for (MapSearch search : {MapSearch::kGuided, MapSearch::kExhaustive}) {
      for (MapObjective objective :
           {MapObjective::kCycles, MapObjective::kEnergy, MapObjective::kEnergyDelay}) {
        const MappedLayer mapped = MapLayer(config, g, formats, objective, {}, search);
        MapCandidate chosen;
        chosen.cycles = mapped.prediction.cycles;
        chosen.energy_pj = mapped.prediction.energy.TotalPj();
        for (const MapCandidate& c : mapped.candidates) {
          if (c.rejected.empty()) {
            EXPECT_LE(chosen.Cost(objective), c.Cost(objective)) << MapObjectiveName(objective);
          }
        }
        const LayerMemoryPrediction again = PredictLayerMemory(config, formats, mapped.schedule);
        EXPECT_EQ(again.cycles, mapped.prediction.cycles);
      }
    }
  }
}

// The exhaustive search evaluates every plan that fits: for each loop order and block of N-tiles,
// blocks of M-tiles from 1 until the first that overflows a buffer; then, in 1 x 1 blocks, every
// split of K into whole units (int3_g64: K = 512 is 8 units, split in 2, 4 or 8).
TEST(MapperTest, ExhaustiveSearchEvaluatesEveryPlanThatFits) {
  const HardwareConfig config = WideFlatCore();
  const GemmLayer g = Layer(9, 512, 40);  // 5 M-tiles, 3 N-tiles, all fit
  const MappedLayer mapped = MapLayer(config, g, ResolveLayerFormats(g, config),
                                      MapObjective::kCycles, {}, MapSearch::kExhaustive);
  ASSERT_EQ(mapped.candidates.size(), 2u * 5 * 3 + 2u * 3);
  std::map<LoopOrder, std::vector<int64_t>> splits;
  for (const MapCandidate& c : mapped.candidates) {
    EXPECT_EQ(c.rejected, "");
    if (c.plan.k_chunks == 1) continue;
    EXPECT_EQ(c.plan.block_m_tiles, 1);
    EXPECT_EQ(c.plan.block_n_tiles, 1);
    splits[c.plan.loop_order].push_back(c.plan.k_chunks);
  }
  EXPECT_EQ(splits[LoopOrder::kMOuter], (std::vector<int64_t>{2, 4, 8}));
  EXPECT_EQ(splits[LoopOrder::kNOuter], (std::vector<int64_t>{2, 4, 8}));
}

// The cheapest of `candidates` that can run, by `objective`.
double Optimum(const std::vector<MapCandidate>& candidates, MapObjective objective) {
  double best = -1;
  for (const MapCandidate& c : candidates) {
    if (c.rejected.empty() && (best < 0 || c.Cost(objective) < best)) best = c.Cost(objective);
  }
  return best;
}

// The guided search finds the exhaustive optimum within 5% on a set of layers whose blocks are
// limited by the buffers, for every objective (bench/mapper_search.sh measures it on LLaMA-2-7B's
// layers).
TEST(MapperTest, GuidedSearchIsWithinFivePercentOfTheExhaustiveOptimum) {
  const HardwareConfig config = WideFlatCore();
  for (const GemmLayer& g :
       {Layer(40, 4096, 96), Layer(64, 2048, 64), Layer(7, 8192, 48), Layer(33, 1024, 200)}) {
    const LayerFormats formats = ResolveLayerFormats(g, config);
    // Every plan, evaluated once: each objective's optimum is the cheapest of them.
    const std::vector<MapCandidate> every =
        MapLayer(config, g, formats, MapObjective::kCycles, {}, MapSearch::kExhaustive).candidates;
    for (MapObjective objective :
         {MapObjective::kCycles, MapObjective::kEnergy, MapObjective::kEnergyDelay}) {
      const MappedLayer guided = MapLayer(config, g, formats, objective);
      MapCandidate chosen;
      chosen.cycles = guided.prediction.cycles;
      chosen.energy_pj = guided.prediction.energy.TotalPj();
      const double optimum = Optimum(every, objective);
      EXPECT_LE(optimum, chosen.Cost(objective));
      EXPECT_LE(chosen.Cost(objective), 1.05 * optimum)
          << "m=" << g.m << " k=" << g.k << " n=" << g.n << " " << MapObjectiveName(objective);
      EXPECT_LT(guided.candidates.size(), every.size());
    }
  }
}

// One M-tile and one N-tile: every plan is the same; the tie keeps the first, M-outer in 1 x 1.
TEST(MapperTest, TieKeepsTheFirstPlan) {
  const HardwareConfig config = WideFlatCore();
  const GemmLayer g = Layer(2, 512, 16);
  const MappedLayer mapped =
      MapLayer(config, g, ResolveLayerFormats(g, config), MapObjective::kCycles);
  // Both orders whole-K, then the fewest chunks in each.
  ASSERT_EQ(mapped.candidates.size(), 4u);
  EXPECT_EQ(mapped.candidates[0].cycles, mapped.candidates[1].cycles);
  EXPECT_EQ(mapped.candidates[2].plan.k_chunks, 2);
  EXPECT_EQ(mapped.candidates[2].cycles, mapped.candidates[3].cycles);
  EXPECT_EQ(mapped.schedule.loop_order, LoopOrder::kMOuter);
  EXPECT_EQ(mapped.schedule.block_m_tiles, 1);
  EXPECT_EQ(mapped.schedule.block_n_tiles, 1);
}

TEST(MapperTest, LayerThatNamesItsLoopOrderKeepsIt) {
  const HardwareConfig config = WideFlatCore();
  GemmLayer g = Layer(8, 1024, 32);
  g.loop_order = "m_outer";
  const MappedLayer mapped =
      MapLayer(config, g, ResolveLayerFormats(g, config), MapObjective::kEnergy);
  for (const MapCandidate& c : mapped.candidates) {
    EXPECT_EQ(c.plan.loop_order, LoopOrder::kMOuter);
  }
  EXPECT_EQ(mapped.schedule.loop_order, LoopOrder::kMOuter);
  EXPECT_EQ(mapped.schedule.block_m_tiles, 4);  // the weights once
}

// 16 columns x 3 bits x K = 16384: 98304 bytes of weights, more than a 64 KiB half. Split in two,
// a chunk's 49152 bytes fit; the search then also tries about 4 and 8 chunks, whose smaller first
// load starts the core sooner. The core computes the same units at the same cycles.
TEST(MapperTest, LayerWhoseWholeKFitsNoBufferIsSplitIntoChunksThatFit) {
  const HardwareConfig config = WideFlatCore();
  const GemmLayer g = Layer(2, 16384, 16);
  const LayerFormats formats = ResolveLayerFormats(g, config);
  const MappedLayer mapped = MapLayer(config, g, formats, MapObjective::kCycles);
  std::vector<int64_t> fitting;
  for (const MapCandidate& c : mapped.candidates) {
    if (c.plan.k_chunks == 1) EXPECT_NE(c.rejected, "");
    if (c.rejected.empty() && c.plan.loop_order == LoopOrder::kMOuter) {
      fitting.push_back(c.plan.k_chunks);
    }
  }
  EXPECT_EQ(fitting, (std::vector<int64_t>{2, 4, 8}));
  const int64_t chunks = mapped.schedule.k_chunks;
  EXPECT_GE(chunks, 2);
  EXPECT_EQ(mapped.schedule.chunk_k() * chunks, 16384);
  EXPECT_EQ(mapped.prediction.compute_cycles,
            CoreScheduleCycles(TileCoreGemm(config, g.name, g.m, g.k, g.n, formats.unit)));
  ASSERT_EQ(mapped.prediction.steps.size(), static_cast<size_t>(chunks));
  // Each step loads its chunk of both operands; the outputs leave with the last.
  for (const StepMemory& step : mapped.prediction.steps) {
    EXPECT_EQ(step.load_bytes, mapped.prediction.steps[0].load_bytes);
  }
  EXPECT_EQ(mapped.prediction.steps[0].store_bytes, 0);
  EXPECT_EQ(mapped.prediction.steps.back().store_bytes, 2 * 16 * 4);
}

TEST(MapperTest, LayerThatFitsNoBufferWholeAndMayNotSplitIsRefusedWithTheReason) {
  const HardwareConfig config = WideFlatCore();
  GemmLayer g = Layer(2, 16384, 16);
  g.k_chunks = 1;  // the trace fixes it
  try {
    MapLayer(config, g, ResolveLayerFormats(g, config), MapObjective::kCycles);
    FAIL() << "a layer that fits no buffer was mapped";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("memory.buffers.weights"), std::string::npos) << e.what();
  }
}

// A split must cut K into whole units and groups: int3_g64 on K = 256 in 8 gives chunks of 32.
TEST(MapperTest, TraceSplitThatCutsAGroupIsRefused) {
  const HardwareConfig config = WideFlatCore();
  GemmLayer g = Layer(2, 256, 16);
  g.k_chunks = 8;  // chunks of 32, half a 64-element group (and unit)
  try {
    MapLayer(config, g, ResolveLayerFormats(g, config), MapObjective::kCycles);
    FAIL() << "a split into half units was mapped";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("k_chunks=8"), std::string::npos) << e.what();
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
