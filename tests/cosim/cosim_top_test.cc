// The co-simulation top (sim/cosim/accelerator.h) on a hardware YAML (MIXPE_TEST_CONFIG) and its
// Verilated core: every weight x activation format pair the config lists runs from a packed DRAM
// image through the buffers, the NoC and the RTL and back to DRAM, and the DRAM's output image
// must equal the golden GEMM bit for bit. Every event the components count must equal the
// analytical memory model's count (model/memory_model.h: the same rules), and the cycles must
// agree within the tolerance of docs/cosim.md. A stuck DRAM and a stuck NoC must each end in a
// watchdog error naming them; a schedule that overflows a buffer is refused before simulation.
//
// SystemC elaborates once, so sc_main builds every top before the tests run.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <numeric>
#include <sstream>
#include <string>

#include MIXPE_CORE_HEADER
#include "compiler/gemm_schedule.h"
#include "compiler/layer_trace.h"
#include "model/baseline_gemm.h"
#include "model/gemm_operands.h"
#include "model/hardware_config.h"
#include "model/input_error.h"
#include "model/memory_model.h"
#include "model/mpgemm.h"
#include "model/quantize.h"
#include "sim/cosim/accelerator.h"
#include "sim/cosim/cosim_report.h"
#include "sim/layer_report.h"

namespace mixpe {
namespace {

using CoreModel = MIXPE_CORE_CLASS;
using Top = Accelerator<CoreModel>;

constexpr int64_t kDramBytes = int64_t{8} << 20;

// Built in sc_main, before elaboration.
struct Tops {
  HardwareConfig config;
  HardwareConfig stuck_dram_config;  // a DRAM that answers after a million cycles
  HardwareConfig stuck_noc_config;   // a NoC whose hops take a thousand cycles
  HardwareConfig wide_bus_config;    // a bus of 3 lanes of 8-byte flits (on a bus config only)
  std::unique_ptr<Top> top;
  std::unique_ptr<Top> stuck_dram;
  std::unique_ptr<Top> stuck_noc;
  std::unique_ptr<Top> wide_bus;
};
Tops* g_tops = nullptr;

struct Quantized {
  LayerFormats formats;
  BlockedTensor activations;
  BlockedTensor weights;
  CoreSchedule schedule;
};

Quantized Quantize(const HardwareConfig& config, const std::string& weights,
                   const std::string& activations, int64_t m, int64_t k, int64_t n, uint64_t seed,
                   const TilePlan& plan = {}) {
  GemmLayer layer;
  layer.name = "fc";
  layer.m = m;
  layer.k = k;
  layer.n = n;
  layer.weights = weights;
  layer.activations = activations;
  Quantized q;
  q.formats = ResolveLayerFormats(layer, config);
  const RealGemmOperands real = RandomRealGemmOperands(m, k, n, seed);
  q.activations = QuantizeActivations(q.formats.activations, real.activations, m, k);
  q.weights = QuantizeWeights(q.formats.weights, real.weights, k, n);
  q.schedule = TileCoreGemm(config, "fc", m, k, n, q.formats.unit, plan);
  return q;
}

// The smallest K every block of the pair divides.
int64_t KStep(const LayerFormats& f) {
  int64_t step = f.weights.group_size == 0 ? 32 : f.weights.group_size;
  if (f.activations.block_size > 0) step = std::lcm<int64_t>(step, f.activations.block_size);
  return step;
}

// Outputs that differ from the golden model's for a core of `design`.
int64_t Mismatches(PeDesign design, const Quantized& q, const std::vector<uint32_t>& outputs,
                   std::string* first) {
  const std::vector<uint32_t> expected =
      DesignGemm(design, q.activations, q.weights, q.formats.unit);
  int64_t bad = 0;
  for (size_t i = 0; i < expected.size(); ++i) {
    const uint32_t bits = expected[i];
    if (bits == outputs[i]) continue;
    if (bad++ == 0) {
      *first = "y[" + std::to_string(i / q.schedule.n) + "][" + std::to_string(i % q.schedule.n) +
               "]: cosim " + std::to_string(outputs[i]) + ", golden " + std::to_string(bits);
    }
  }
  return bad;
}

// Runs one layer and checks outputs, events and cycles against the golden model.
// Co-simulates the layer on `top` (g_tops->top by default), built from `config`
// (g_tops->config), and checks it against the golden model and the analytical model.
void CheckLayer(const std::string& weights, const std::string& activations, int64_t m, int64_t k,
                int64_t n, uint64_t seed, const TilePlan& plan = {},
                const HardwareConfig* on_config = nullptr, Top* on_top = nullptr) {
  SCOPED_TRACE(weights + " x " + activations + " m=" + std::to_string(m) +
               " k=" + std::to_string(k) + " n=" + std::to_string(n));
  const HardwareConfig& config = on_config != nullptr ? *on_config : g_tops->config;
  Top& top = on_top != nullptr ? *on_top : *g_tops->top;
  const Quantized q = Quantize(config, weights, activations, m, k, n, seed, plan);
  const CosimLayerResult run = top.RunLayer(q.formats, q.schedule, q.activations, q.weights);
  ASSERT_EQ(run.error, "");
  std::printf("%s x %s m=%lld k=%lld n=%lld: cosim %lld cycles, model %lld\n", weights.c_str(),
              activations.c_str(), static_cast<long long>(m), static_cast<long long>(k),
              static_cast<long long>(n), static_cast<long long>(run.cycles),
              static_cast<long long>(
                  PredictLayerMemory(config, q.formats, q.schedule, q.weights.block_bits).cycles));
  std::string first;
  EXPECT_EQ(Mismatches(config.design, q, run.outputs, &first), 0) << "first mismatch " << first;

  const LayerMemoryPrediction p =
      PredictLayerMemory(config, q.formats, q.schedule, q.weights.block_bits);
  const MemoryEvents& a = run.events;
  const MemoryEvents& b = p.events;
  EXPECT_EQ(a.dram_read_bytes, b.dram_read_bytes);
  EXPECT_EQ(a.dram_write_bytes, b.dram_write_bytes);
  EXPECT_EQ(a.dram_read_payload_bytes, b.dram_read_payload_bytes);
  EXPECT_EQ(a.dram_write_payload_bytes, b.dram_write_payload_bytes);
  for (BufferKind kind : kAllBufferKinds) {
    const int i = static_cast<int>(kind);
    EXPECT_EQ(a.sram_read_bits[i], b.sram_read_bits[i]) << BufferKindName(kind);
    EXPECT_EQ(a.sram_write_bits[i], b.sram_write_bits[i]) << BufferKindName(kind);
  }
  EXPECT_EQ(a.noc_flits, b.noc_flits);
  EXPECT_EQ(a.noc_flit_hops, b.noc_flit_hops);
  EXPECT_EQ(a.pe_active_cycles, b.pe_active_cycles);
  EXPECT_EQ(a.dequant_units, b.dequant_units);
  // With every event equal, the energies differ only by the cycles: the static term and the idle
  // PEs of the extra (or missing) cycles.
  const EnergyTable& e = config.energy;
  const double per_cycle =
      e.static_cycle_pj.value + config.rows * config.cols * e.pe_idle_cycle_pj.value;
  EXPECT_NEAR(run.energy.TotalPj() - p.energy.TotalPj(),
              static_cast<double>(run.cycles - p.cycles) * per_cycle, 1e-6 * p.energy.TotalPj());
  // Cycles: docs/cosim.md, "Agreement with the analytical model".
  const double tolerance = CosimCycleTolerance(p.cycles);
  EXPECT_LE(std::abs(static_cast<double>(run.cycles - p.cycles)), tolerance)
      << "cosim " << run.cycles << " cycles, model " << p.cycles;
}

TEST(CosimTopTest, EveryFormatPairIsBitExactAndCountsWhatTheModelCounts) {
  const HardwareConfig& config = g_tops->config;
  uint64_t seed = 0xC051;
  for (const WeightFormat& wf : config.weight_formats) {
    for (const ActivationFormat& af : config.activation_formats) {
      GemmLayer probe;
      probe.m = 1;
      probe.k = 4096;
      probe.n = 1;
      probe.weights = wf.Name();
      probe.activations = af.Name();
      LayerFormats f;
      try {
        f = ResolveLayerFormats(probe, config);
      } catch (const InputError&) {
        continue;  // a pair the config does not run
      }
      const int64_t step = KStep(f);
      // Edge tiles in both M and N, two units or more per tile.
      CheckLayer(wf.Name(), af.Name(), config.rows + 1, 2 * step, config.cols + 2, seed++);
    }
  }
}

TEST(CosimTopTest, ManyTilesOfOneMTileKeepTheirActivations) {
  const HardwareConfig& config = g_tops->config;
  CheckLayer(config.weight_formats[0].Name(), config.activation_formats[0].Name(), config.rows, 256,
             5 * config.cols, 7);
}

// N-outer: the weights stay and the activations are reloaded with every tile.
TEST(CosimTopTest, NOuterTilesKeepTheirWeights) {
  const HardwareConfig& config = g_tops->config;
  CheckLayer(config.weight_formats[0].Name(), config.activation_formats[0].Name(),
             3 * config.rows + 1, 256, 2 * config.cols + 1, 9, TilePlan{LoopOrder::kNOuter, 1, 1});
}

// Blocks of tiles: a buffer half holds the rows of several M-tiles or the columns of several
// N-tiles, loaded together and read at each tile's place in its block; the last blocks are
// ragged (fewer tiles, and an edge tile). Every weight format, so mixed-precision columns of
// different sizes start where the model says.
TEST(CosimTopTest, BlocksOfTilesAreLoadedOnceAndReadInPlace) {
  const HardwareConfig& config = g_tops->config;
  const std::string activations = config.activation_formats[0].Name();
  uint64_t seed = 21;
  for (const WeightFormat& wf : config.weight_formats) {
    GemmLayer probe;
    probe.m = 1;
    probe.k = 256;
    probe.n = 1;
    probe.weights = wf.Name();
    probe.activations = activations;
    try {
      ResolveLayerFormats(probe, config);
    } catch (const InputError&) {
      continue;  // a pair the config does not run at this K
    }
    // 4 M-tiles and 3 N-tiles.
    const int64_t m = 3 * config.rows + 1;
    const int64_t n = 2 * config.cols + 1;
    CheckLayer(wf.Name(), activations, m, 256, n, seed++, TilePlan{LoopOrder::kMOuter, 3, 1});
    CheckLayer(wf.Name(), activations, m, 256, n, seed++, TilePlan{LoopOrder::kNOuter, 2, 2});
  }
}

// A split K: each tile's chunks are loaded one after another into alternate halves while the core
// accumulates across them, so the outputs are the unsplit ones, bit for bit; the layer's first
// chunk lands in the halves with the tensor scales, its last one sends the outputs. Every weight
// format of uniform width, in both loop orders; mixed widths are refused.
TEST(CosimTopTest, SplitKLoadsEachChunkInTurnAndTheCoreAccumulatesAcrossThem) {
  const HardwareConfig& config = g_tops->config;
  const std::string activations = config.activation_formats[0].Name();
  const int64_t k = 512;
  uint64_t seed = 41;
  for (const WeightFormat& wf : config.weight_formats) {
    GemmLayer probe;
    probe.m = 1;
    probe.k = k;
    probe.n = 1;
    probe.weights = wf.Name();
    probe.activations = activations;
    LayerFormats formats;
    try {
      formats = ResolveLayerFormats(probe, config);
    } catch (const InputError&) {
      continue;  // a pair the config does not run at this K
    }
    const int64_t m = config.rows + 1;  // 2 M-tiles, 2 N-tiles, the second of each an edge
    const int64_t n = config.cols + 1;
    if (!wf.mixed_bits.empty()) {
      const Quantized q = Quantize(config, wf.Name(), activations, m, k, n, seed++,
                                   TilePlan{LoopOrder::kMOuter, 1, 1, 2});
      EXPECT_THROW(g_tops->top->RunLayer(q.formats, q.schedule, q.activations, q.weights),
                   InputError);
      continue;
    }
    const int group = wf.GroupSizeFor(k);
    if (group == k) continue;  // per-channel groups cannot be split
    for (int64_t chunks = 2; chunks * group <= k && k / chunks >= formats.unit; chunks *= 2) {
      CheckLayer(wf.Name(), activations, m, k, n, seed++,
                 TilePlan{LoopOrder::kMOuter, 1, 1, chunks});
    }
    CheckLayer(wf.Name(), activations, m, k, n, seed++, TilePlan{LoopOrder::kNOuter, 1, 1, 2});
  }
}

// A bus of several lanes: narrow flits (8 bytes, so a packet takes several) and 3 of them a cycle;
// the NoC's cycles and the flits agree with the analytical model's (GTEST_SKIP on a mesh config).
TEST(CosimTopTest, BusLanesCarrySeveralFlitsACycle) {
  if (g_tops->wide_bus == nullptr) GTEST_SKIP() << "a mesh config";
  const HardwareConfig& config = g_tops->wide_bus_config;
  const std::string weights = config.weight_formats[0].Name();
  const std::string activations = config.activation_formats[0].Name();
  CheckLayer(weights, activations, config.rows + 1, 256, 2 * config.cols + 3, 61, {}, &config,
             g_tops->wide_bus.get());
  CheckLayer(weights, activations, config.rows, 512, config.cols, 62,
             TilePlan{LoopOrder::kNOuter, 1, 1, 2}, &config, g_tops->wide_bus.get());
}

// The same seed gives the same run: outputs, cycles, every counted event and stall, on the same
// top after other layers have run on it; another seed gives other operands and so other outputs,
// in the same cycles (the cycles do not depend on the data).
TEST(CosimTopTest, TheSameSeedGivesTheSameRunAndAnotherSeedOtherOutputs) {
  const HardwareConfig& config = g_tops->config;
  const std::string weights = config.weight_formats[0].Name();
  const std::string activations = config.activation_formats[0].Name();
  auto run = [&](uint64_t seed) {
    const Quantized q =
        Quantize(config, weights, activations, 2 * config.rows + 1, 256, config.cols + 3, seed);
    return g_tops->top->RunLayer(q.formats, q.schedule, q.activations, q.weights);
  };
  const CosimLayerResult first = run(21);
  const CosimLayerResult again = run(21);
  const CosimLayerResult other = run(22);
  ASSERT_EQ(first.error, "");
  ASSERT_EQ(again.error, "");
  ASSERT_EQ(other.error, "");
  EXPECT_EQ(again.outputs, first.outputs);
  EXPECT_EQ(again.cycles, first.cycles);
  EXPECT_EQ(again.core_busy_cycles, first.core_busy_cycles);
  EXPECT_EQ(again.stalls.loads, first.stalls.loads);
  EXPECT_EQ(again.stalls.sram, first.stalls.sram);
  EXPECT_EQ(again.stalls.noc, first.stalls.noc);
  EXPECT_EQ(again.stalls.output_buffer, first.stalls.output_buffer);
  EXPECT_EQ(again.stalls.dram_queue_full, first.stalls.dram_queue_full);
  EXPECT_EQ(again.noc_contention, first.noc_contention);
  EXPECT_EQ(again.sram_conflicts, first.sram_conflicts);
  EXPECT_EQ(again.events.dram_read_bytes, first.events.dram_read_bytes);
  EXPECT_EQ(again.events.dram_row_activations, first.events.dram_row_activations);
  EXPECT_EQ(again.events.sram_read_bits, first.events.sram_read_bits);
  EXPECT_EQ(again.events.sram_write_bits, first.events.sram_write_bits);
  EXPECT_EQ(again.events.noc_flit_hops, first.events.noc_flit_hops);
  EXPECT_EQ(again.events.pe_idle_cycles, first.events.pe_idle_cycles);
  EXPECT_EQ(again.energy.TotalPj(), first.energy.TotalPj());
  EXPECT_NE(other.outputs, first.outputs);
  EXPECT_EQ(other.cycles, first.cycles);
}

TEST(CosimTopTest, StuckDramEndsInAWatchdogErrorNamingIt) {
  const Quantized q = Quantize(g_tops->stuck_dram_config, "", "", 2, 128, 2, 1);
  const CosimLayerResult run =
      g_tops->stuck_dram->RunLayer(q.formats, q.schedule, q.activations, q.weights);
  EXPECT_NE(run.error.find("watchdog"), std::string::npos) << run.error;
  EXPECT_NE(run.error.find("the DRAM"), std::string::npos) << run.error;
}

TEST(CosimTopTest, StuckNocEndsInAWatchdogErrorNamingIt) {
  const Quantized q = Quantize(g_tops->stuck_noc_config, "", "", 2, 128, 2, 1);
  const CosimLayerResult run =
      g_tops->stuck_noc->RunLayer(q.formats, q.schedule, q.activations, q.weights);
  EXPECT_NE(run.error.find("watchdog"), std::string::npos) << run.error;
  EXPECT_NE(run.error.find("the NoC"), std::string::npos) << run.error;
}

TEST(CosimTopTest, ScheduleThatOverflowsABufferIsRefusedBeforeSimulation) {
  const HardwareConfig& config = g_tops->config;
  // Weights of one N-tile: cols x K x 4 bits, more than half the weight buffer.
  const int64_t k = config.memory.Buffer(BufferKind::kWeights).HalfBytes() * 2 / config.cols + 256;
  const Quantized q =
      Quantize(config, config.weight_formats[0].Name(), "", 1, k / 128 * 128, config.cols, 3);
  try {
    g_tops->top->RunLayer(q.formats, q.schedule, q.activations, q.weights);
    FAIL() << "an overflowing schedule ran";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("memory.buffers.weights"), std::string::npos) << e.what();
  }
}

// A layer repeated in the model (a decoder block's layer, say) is simulated once and counted as
// often as it occurs: 3 x 100 + 10 = 310 co-simulated cycles, 3 x 90 + 10 = 280 predicted, while
// the speed line counts the 110 cycles actually simulated.
TEST(CosimReportTest, RepeatedLayersCountInTheTotalsAsOftenAsTheyOccur) {
  const HardwareConfig& config = g_tops->config;
  std::vector<CosimLayerReport> reports(2);
  reports[0].layer.name = "block";
  reports[0].layer.repeat = 3;
  reports[0].run.cycles = 100;
  reports[0].prediction.cycles = 90;
  reports[1].layer.name = "head";
  reports[1].run.cycles = 10;
  reports[1].prediction.cycles = 10;
  std::ostringstream layer;
  PrintCosimLayer(layer, config, reports[0]);
  EXPECT_NE(layer.str().find("x3: occurs 3 times"), std::string::npos) << layer.str();
  std::ostringstream total;
  PrintCosimTotal(total, config, reports);
  EXPECT_NE(total.str().find(" 310 "), std::string::npos) << total.str();
  EXPECT_NE(total.str().find(" 280 "), std::string::npos) << total.str();
  EXPECT_NE(total.str().find("co-simulated 110 cycles"), std::string::npos) << total.str();

  // The core-only report counts the same way.
  std::vector<LayerReport> core(2);
  core[0].layer.repeat = 3;
  core[0].cycles = core[0].model_cycles = 100;
  core[1].cycles = core[1].model_cycles = 10;
  std::ostringstream core_total;
  PrintReportTotal(core_total, config, core);
  EXPECT_NE(core_total.str().find(" 310 "), std::string::npos) << core_total.str();
  EXPECT_NE(core_total.str().find("simulated 110 cycles"), std::string::npos) << core_total.str();
}

}  // namespace
}  // namespace mixpe

int sc_main(int argc, char** argv) {
  using namespace mixpe;
  testing::InitGoogleTest(&argc, argv);
  Tops tops;
  tops.config = LoadHardwareConfig(MIXPE_TEST_CONFIG);
  tops.stuck_dram_config = tops.config;
  tops.stuck_dram_config.memory.dram.latency_cycles = 1000000;
  tops.stuck_noc_config = tops.config;
  tops.stuck_noc_config.noc.hop_latency_cycles = 1000;
  tops.top = std::make_unique<Top>("top", tops.config, kDramBytes);
  CosimOptions quick;
  quick.watchdog_cycles = 500;
  tops.stuck_dram = std::make_unique<Top>("stuck_dram", tops.stuck_dram_config, kDramBytes, quick);
  tops.stuck_noc = std::make_unique<Top>("stuck_noc", tops.stuck_noc_config, kDramBytes, quick);
  if (tops.config.noc.topology == NocConfig::Topology::kBus) {
    tops.wide_bus_config = tops.config;
    tops.wide_bus_config.noc.link_bytes = 8;
    tops.wide_bus_config.noc.lanes = 3;
    tops.wide_bus = std::make_unique<Top>("wide_bus", tops.wide_bus_config, kDramBytes);
  }
  g_tops = &tops;
  const int failed = RUN_ALL_TESTS();
  // Verilator 5.006's scope teardown deadlocks when several Verilated models die after
  // elaboration; the process ends without destroying them.
  std::fflush(stdout);
  std::_Exit(failed);
}
