// Tests of the memory model (model/memory_model.h) against values computed by hand in the
// comments: DRAM bytes and timing, buffer fit, double-buffered cycles, NoC packets per unit and
// flit-hops on a bus and a mesh, SRAM words per stream, event counts and energy.
// docs/memory-model.md derives the formulas these numbers follow.
#include "model/memory_model.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "compiler/gemm_schedule.h"
#include "compiler/layer_trace.h"
#include "model/input_error.h"
#include "model/mixpe_array.h"
#include "tests/input_test_util.h"

namespace mixpe {
namespace {

using testing_util::ContainsAll;
using testing_util::ReplaceOnce;
using testing_util::WriteTempFile;

// Round numbers, so that every energy below is a short sum by hand.
constexpr char kEnergyTable[] = R"(version: 1
name: round-numbers
dram:
  read_pj_per_bit: {value: 1, source: test}
  write_pj_per_bit: {value: 2, source: test}
sram:
  weights: {read_pj_per_bit: {value: 0.1, source: test}, write_pj_per_bit: {value: 0.2, source: test}}
  activations: {read_pj_per_bit: {value: 0.3, source: test}, write_pj_per_bit: {value: 0.4, source: test}}
  outputs: {read_pj_per_bit: {value: 0.5, source: test}, write_pj_per_bit: {value: 0.6, source: test}}
  scales: {read_pj_per_bit: {value: 0.7, source: test}, write_pj_per_bit: {value: 0.8, source: test}}
pe:
  active_cycle_pj: {value: 1, source: test}
  idle_cycle_pj: {value: 0.5, source: test}
dequant:
  unit_pj: {value: 4, source: test}
  element_pj: {value: 2, source: test}
noc:
  byte_hop_pj: {value: 0.125, source: test}
static:
  cycle_pj: {value: 10, source: test}
)";

// A 4 x 4 W4A8 core with a small memory system: a DRAM of 16 bytes a cycle in 32-byte bursts (2
// cycles each) after 10 cycles of latency, flat (1 bank, no row-miss cost); 1 KiB buffers (512
// bytes a tile); a bus of 8-byte flits with a 1-cycle hop. A half of the weight, activation and
// output buffers takes exactly the DRAM's 128 bits a cycle (outputs: 4 banks x 32 bits, also the
// core's 4 x 32).
constexpr char kConfig[] = R"(version: 1
name: test-memory-4x4
array: {rows: 4, cols: 4, dataflow: output_stationary}
pe: {design: mixpe, weight_bits: 4, activation_bits: 8, accumulator_bits: 28, max_k: 65536}
formats:
  weights: [int4_g32, int4_g32_asym, intmix234_g32, nvfp4, int4_g64]
  activations: [int8_token, mxint8]
clock: {frequency_mhz: 500}
memory:
  dram: {bandwidth_bytes_per_cycle: 16, latency_cycles: 10, burst_bytes: 32, banks: 1, row_buffer_bytes: 1024, row_miss_cycles: 0}
  buffers:
    weights: {capacity_kib: 1, banks: 4, word_bits: 64, ports: 1}
    activations: {capacity_kib: 1, banks: 4, word_bits: 64, ports: 1}
    outputs: {capacity_kib: 1, banks: 8, word_bits: 32, ports: 1}
    scales: {capacity_kib: 1, banks: 8, word_bits: 64, ports: 1}
noc: {topology: bus, link_bytes: 8, hop_latency_cycles: 1}
)";

HardwareConfig LoadConfig(const std::string& edited_config = kConfig) {
  static const std::string energy = WriteTempFile(kEnergyTable);
  return LoadHardwareConfig(WriteTempFile(edited_config + "energy: " + energy + "\n"));
}

std::string MeshConfig() {
  return ReplaceOnce(kConfig, "noc: {topology: bus, link_bytes: 8, hop_latency_cycles: 1}",
                     "noc: {topology: mesh, link_bytes: 8, hop_latency_cycles: 1, mesh_columns: "
                     "2, mesh_rows: 2}");
}

struct Layer {
  LayerFormats formats;
  CoreSchedule schedule;
};

// Formats and schedule of layer "fc" as the compiler gives them.
Layer MakeLayer(const HardwareConfig& config, int64_t m, int64_t k, int64_t n,
                const std::string& weights = "", const std::string& activations = "") {
  GemmLayer g;
  g.name = "fc";
  g.m = m;
  g.k = k;
  g.n = n;
  g.weights = weights;
  g.activations = activations;
  g.source_file = "test";
  Layer layer;
  layer.formats = ResolveLayerFormats(g, config);
  layer.schedule = TileCoreGemm(config, g.name, m, k, n, layer.formats.unit);
  return layer;
}

LayerMemoryPrediction Predict(const HardwareConfig& config, const Layer& layer,
                              const std::vector<uint8_t>& group_bits = {}) {
  return PredictLayerMemory(config, layer.formats, layer.schedule, group_bits);
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// --- DRAM timing --------------------------------------------------------------------------------

DramConfig SmallDram(int banks, int64_t row_miss_cycles) {
  DramConfig d;
  d.bandwidth_bytes_per_cycle = 16;
  d.latency_cycles = 10;
  d.burst_bytes = 32;  // 2 cycles
  d.banks = banks;
  d.row_buffer_bytes = 64;  // two bursts a row
  d.row_miss_cycles = row_miss_cycles;
  return d;
}

DramRequest Read(int64_t address, int64_t bytes) {
  DramRequest r;
  r.address = address;
  r.bytes = bytes;
  r.padded_bytes = bytes;
  return r;
}

TEST(DramTimerTest, FlatDramIsLatencyPlusTwoCyclesABurst) {
  DramTimer timer(SmallDram(1, 0));
  EXPECT_EQ(timer.Batch({Read(0, 128)}, 0), 10 + 4 * 2);
  EXPECT_EQ(timer.Batch({}, 100), 0);  // nothing to move: no latency either
  EXPECT_EQ(timer.Batch({Read(0, 32), Read(256, 64)}, 100), 10 + 3 * 2);
}

TEST(DramTimerTest, OneBankActivatesItsRowsOneAfterTheOther) {
  DramTimer timer(SmallDram(1, 5));
  // Bursts at 0, 32 (row 0), 64, 96 (row 1). Row 0 is activated in 0..5, its data ready at
  // 5 + 10 and moved in 15..19. Row 1's activation follows row 0's, 5..10, its data ready at 20:
  // moved in 20..24, one cycle after row 0's.
  EXPECT_EQ(timer.Batch({Read(0, 128)}, 0), 24);
  EXPECT_EQ(timer.row_activations(), 2);
  // Row 1 is still open in the next batch: a hit, 10 + 2.
  EXPECT_EQ(timer.Batch({Read(96, 32)}, 100), 12);
  EXPECT_EQ(timer.row_activations(), 2);
  // Back to row 0: 5 + 10 + 2.
  EXPECT_EQ(timer.Batch({Read(0, 32)}, 200), 17);
  EXPECT_EQ(timer.row_activations(), 3);
}

TEST(DramTimerTest, TwoBanksActivateTheirRowsTogether) {
  DramTimer timer(SmallDram(2, 5));
  // Rows 0 and 1 are in banks 0 and 1, both activated in 0..5: all four bursts are ready at 15
  // and move back to back, 15..23.
  EXPECT_EQ(timer.Batch({Read(0, 128)}, 0), 23);
  EXPECT_EQ(timer.row_activations(), 2);
}

TEST(DramTimerTest, RequestIsIssuedAtItsReadyCycle) {
  DramTimer timer(SmallDram(1, 0));
  DramRequest store = Read(64, 64);
  store.write = true;
  store.ready_cycle = 125;
  // The batch starts at 100: the load moves in 110..114. The store is issued at 125, its data
  // ready at 135: 135..139, 39 cycles after the start.
  EXPECT_EQ(timer.Batch({Read(0, 64), store}, 100), 39);
  // Ready at the start: right behind the load, 114..118.
  store.ready_cycle = 0;
  EXPECT_EQ(timer.Batch({Read(0, 64), store}, 200), 18);
}

// --- One tile ----------------------------------------------------------------------------------

// M = 4, K = 64, N = 4, int4_g32 x int8_token: one tile, U = 32, II = max(32, 2*4-1, 4) = 32,
// two units: c = 64 cycles of issue, and CoreCycles = 32 + 1 + 32 + 2*3 + 3 + 3 = 77.
// Bytes: weights 4 columns x 64 x 4 bits = 128; weight scales 4 x 2 groups x FP16 = 16;
// activations 4 rows x 64 bytes = 256; per-token scales 4 x 2 = 8; outputs 16 x 4 = 64.
TEST(MemoryModelTest, OneTileLoadsComputesAndStores) {
  const HardwareConfig config = LoadConfig();
  const Layer layer = MakeLayer(config, 4, 64, 4);
  ASSERT_EQ(layer.formats.unit, 32);
  const LayerMemoryPrediction p = Predict(config, layer);

  // DRAM image: regions from row (1024-byte) boundaries, segments padded to 32-byte bursts.
  ASSERT_EQ(p.dram_batches.size(), 3u);  // load tile 0; its step (nothing); store tile 0
  const std::vector<DramRequest>& loads = p.dram_batches[0];
  ASSERT_EQ(loads.size(), 4u);
  EXPECT_EQ(loads[0].part, DataPart::kWeightCodes);
  EXPECT_EQ(loads[0].address, 0);
  EXPECT_EQ(loads[0].bytes, 128);
  EXPECT_EQ(loads[1].part, DataPart::kWeightScales);
  EXPECT_EQ(loads[1].address, 1024);
  EXPECT_EQ(loads[1].bytes, 16);
  EXPECT_EQ(loads[1].padded_bytes, 32);
  EXPECT_EQ(loads[2].part, DataPart::kActivationCodes);
  EXPECT_EQ(loads[2].address, 2048);  // the zero-point and tensor-scale regions are empty
  EXPECT_EQ(loads[2].bytes, 256);
  EXPECT_EQ(loads[3].part, DataPart::kActivationScales);
  EXPECT_EQ(loads[3].address, 3072);
  EXPECT_EQ(loads[3].bytes, 8);
  EXPECT_TRUE(p.dram_batches[1].empty());
  ASSERT_EQ(p.dram_batches[2].size(), 1u);
  EXPECT_EQ(p.dram_batches[2][0].part, DataPart::kOutputs);
  EXPECT_TRUE(p.dram_batches[2][0].write);
  EXPECT_EQ(p.dram_batches[2][0].address, 4096);
  EXPECT_EQ(p.dram_batches[2][0].bytes, 64);

  // Prologue: 4 + 1 + 8 + 1 = 14 bursts x 2 cycles + 10 = 38. NoC (bus, 8-byte flits), per unit:
  //   unit 0: each row 32 bytes of codes + its 2-byte token scale = 34 bytes, 5 flits: 20; each
  //           column 16 bytes of codes + the FP16 scale of group 0 = 18 bytes, 3 flits: 12;
  //   unit 1: each row 32 bytes, 4 flits: 16; each column 16 + group 1's scale, 3 flits: 12;
  //   outputs: each column 4 x 4 = 16 bytes, 2 flits: 8.
  // 32 + 28 + 8 = 68 flits, 4 more than c = 64: the units spread out by 4 cycles. Tile 0 starts
  // once unit 0's 32 flits have crossed the bus, at 38 + 32 + 1 (hop) = 71; its last output is
  // visible 4 + 77 cycles later, reaches the buffer 1 cycle later (hop) at 153; the store takes
  // 2 x 2 + 10 = 14.
  EXPECT_EQ(p.compute_cycles, 77);
  EXPECT_EQ(p.prologue_cycles, 38);
  EXPECT_EQ(p.noc_first_unit_cycles, 32);
  EXPECT_EQ(p.noc_fill_cycles, 1);
  EXPECT_EQ(p.noc_drain_cycles, 1);
  EXPECT_EQ(p.epilogue_cycles, 14);
  EXPECT_EQ(p.cycles, 38 + 32 + 1 + 4 + 77 + 1 + 14);
  ASSERT_EQ(p.steps.size(), 1u);
  const StepMemory& t = p.steps[0];
  EXPECT_EQ(t.start_cycle, 71);
  EXPECT_EQ(t.load_bytes, 128 + 16 + 256 + 8);
  EXPECT_EQ(t.store_bytes, 64);
  EXPECT_EQ(t.compute_cycles, 64);
  EXPECT_EQ(t.noc_cycles, 68);
  EXPECT_EQ(t.dram_cycles, 0);
  EXPECT_EQ(t.step_cycles, 68);
  EXPECT_EQ(t.output_done_cycle, 71 + 4 + 77 + 1);
  EXPECT_EQ(p.dram_batches[2][0].ready_cycle, 153);
  EXPECT_EQ(t.working_set_bytes[static_cast<int>(BufferKind::kWeights)], 128);
  EXPECT_EQ(t.working_set_bytes[static_cast<int>(BufferKind::kActivations)], 256 + 8);
  EXPECT_EQ(t.working_set_bytes[static_cast<int>(BufferKind::kOutputs)], 64);
  EXPECT_EQ(t.working_set_bytes[static_cast<int>(BufferKind::kScales)], 16);

  const MemoryEvents& ev = p.events;
  EXPECT_EQ(ev.dram_read_bytes, 128 + 32 + 256 + 32);  // whole bursts
  EXPECT_EQ(ev.dram_read_payload_bytes, 408);
  EXPECT_EQ(ev.dram_write_bytes, 64);
  EXPECT_EQ(ev.dram_write_payload_bytes, 64);
  EXPECT_EQ(ev.dram_row_activations, 5);  // rows 0, 1, 2, 3 (loads) and 4 (outputs)
  // 64-bit words. Weights: the load writes 128 / 8 = 16 words; column c's codes are bytes
  // 32c..32c+31, words 4c..4c+3: 16 reads.
  EXPECT_EQ(ev.sram_write_bits[static_cast<int>(BufferKind::kWeights)], 16 * 64);
  EXPECT_EQ(ev.sram_read_bits[static_cast<int>(BufferKind::kWeights)], 16 * 64);
  // Activations: codes at 0 (32 words written, 8 read per row), token scales in the next region,
  // at byte 256 (one word written). Row r's scale is bytes 256 + 2r..: all four rows touch word
  // 32, and each row's stream reads it: 4 reads.
  EXPECT_EQ(ev.sram_write_bits[static_cast<int>(BufferKind::kActivations)], (32 + 1) * 64);
  EXPECT_EQ(ev.sram_read_bits[static_cast<int>(BufferKind::kActivations)], (32 + 4) * 64);
  // Outputs: 32-bit words, one write per FP32 output (16); the store reads 64 / 4 = 16 words.
  EXPECT_EQ(ev.sram_write_bits[static_cast<int>(BufferKind::kOutputs)], 16 * 32);
  EXPECT_EQ(ev.sram_read_bits[static_cast<int>(BufferKind::kOutputs)], 16 * 32);
  // Scales: the load writes 16 / 8 = 2 words. Column c's two scales are bytes 4c..4c+3, in word
  // 0 (c = 0, 1) or 1 (c = 2, 3): one read per column.
  EXPECT_EQ(ev.sram_write_bits[static_cast<int>(BufferKind::kScales)], 2 * 64);
  EXPECT_EQ(ev.sram_read_bits[static_cast<int>(BufferKind::kScales)], 4 * 64);
  EXPECT_EQ(ev.noc_flits, 68);
  EXPECT_EQ(ev.noc_flit_hops, 68);  // a bus: one hop a flit
  EXPECT_EQ(ev.pe_active_cycles, 4 * 4 * 64);
  EXPECT_EQ(ev.pe_idle_cycles, 16 * 167 - 1024);
  EXPECT_EQ(ev.dequant_units, 4 * 4 * 2);

  // core 1024 x 1 + 1648 x 0.5 + 32 x 4; buffers 1024 x (0.1 + 0.2) + 2304 x 0.3 + 2112 x 0.4 +
  // 512 x (0.5 + 0.6) + 256 x 0.7 + 128 x 0.8; NoC 68 x 8 bytes x 0.125; DRAM 448 x 8 x 1 +
  // 64 x 8 x 2; static 167 x 10.
  EXPECT_DOUBLE_EQ(p.energy.core_pj, 1024 + 824 + 128);
  EXPECT_NEAR(p.energy.buffers_pj, 307.2 + 691.2 + 844.8 + 563.2 + 179.2 + 102.4, 1e-9);
  EXPECT_DOUBLE_EQ(p.energy.noc_pj, 68);
  EXPECT_DOUBLE_EQ(p.energy.dram_pj, 3584 + 1024);
  EXPECT_DOUBLE_EQ(p.energy.static_pj, 1670);
  EXPECT_NEAR(p.energy.TotalPj(), 1976 + 2688 + 68 + 4608 + 1670, 1e-9);
}

// Where every step is compute-bound, the prediction is the core's own count plus the first load,
// the NoC's first unit, fill and drain, and the last store: partial tiles (M = 7, N = 9) end as
// in CoreCycles. U = 32, 3 units: c = 96. A full tile's bus carries unit 0's 4 x 5 + 4 x 3 = 32
// flits (as in OneTileLoadsComputesAndStores), units 1 and 2's 4 x 4 + 4 x 3 = 28 each and 4 x 2
// of outputs: 96, no more than c. A step's DRAM batch takes at most 10 + 22 bursts x 2 = 54 (the
// weights, activations and scales of a new M-tile, 6 + 1 + 12 + 1 bursts, and a store of 2).
TEST(MemoryModelTest, ComputeBoundLayerIsTheCoreCyclesPlusFirstLoadAndLastStore) {
  const HardwareConfig config = LoadConfig();
  const Layer layer = MakeLayer(config, 7, 96, 9);  // partial tiles in M and N
  const LayerMemoryPrediction p = Predict(config, layer);
  const int64_t core = MixpeArray(config).CoreCycles(7, 96, 9, layer.formats.unit).cycles;
  EXPECT_EQ(p.compute_cycles, core);
  EXPECT_EQ(p.steps[0].noc_cycles, 96);
  EXPECT_EQ(p.noc_first_unit_cycles, 32);
  EXPECT_EQ(p.cycles - p.prologue_cycles - p.noc_first_unit_cycles - p.epilogue_cycles -
                p.noc_fill_cycles - p.noc_drain_cycles,
            core);
}

// --- Several tiles: reuse and overlap ----------------------------------------------------------

// M = 8, K = 64, N = 8: tiles (m0, n0) = (0,0), (0,4), (4,0), (4,4). M-tiles outer, N-tiles
// inner: the weights change every tile (128 + 16 bytes, 5 bursts), the activations with each
// M-tile (256 + 8 bytes, 9 bursts). Batches: tile 0's loads (14 bursts: 28 + 10); step 0 loads
// tile 1 (5 bursts: 10 + 10 = 20); step 1 loads tile 2 (14) and stores tile 0 (2): 32 + 10 = 42;
// the epilogue stores tile 3: 14. Every step is NoC-bound: 68 bus flits against c = 64 (as in
// OneTileLoadsComputesAndStores), and tile 0 waits for unit 0's 32 flits. Tiles start at
// 38 + 32 + 1 = 71, 139, 207, 275, and their last outputs reach the buffer 4 + 77 + 1 cycles
// later: 153, 221, 289, 357. A store is issued when its outputs are in: step 1's loads take
// 149..177, tile 0's store (issued at 153, data from 163) follows: 181 - 139 = 42; step 2 loads
// tile 3 (5 bursts, 217..227) and stores tile 1, issued at 221, data 231..235: 235 - 207 = 28;
// step 3 stores tile 2, issued at 289, data 299..303: 28. The last output at 357, plus the
// epilogue: 371.
TEST(MemoryModelTest, FourTilesReloadWeightsEveryTileAndActivationsEveryMTile) {
  const HardwareConfig config = LoadConfig();
  const LayerMemoryPrediction p = Predict(config, MakeLayer(config, 8, 64, 8));
  const std::vector<std::string> expected = {
      "memory fc cycles=371 compute=269 prologue=38 epilogue=14 noc_fill=1 noc_drain=1 "
      "noc_first_unit=32 steps=4",
      "step 0 start=71 load=408 store=64 compute=64 noc=68 dram=20 step=68",
      "step 1 start=139 load=144 store=64 compute=64 noc=68 dram=42 step=68",
      "step 2 start=207 load=408 store=64 compute=64 noc=68 dram=28 step=68",
      "step 3 start=275 load=144 store=64 compute=64 noc=68 dram=28 step=68",
      // Rows opened: 0-3 by tile 0's loads, 0 and 1 again by every weight load (tile 1, 2, 3),
      // 2 and 3 by tile 2's activations, 4 by the first store; later stores hit row 4.
      "dram read=1216 (payload 1104) write=256 (payload 256) row_activations=14",
      // 16 words (64 bits) loaded and 16 read a tile.
      "sram weights read_bits=4096 write_bits=4096",
      // Read by every tile, 32 words of codes and 4 of token scales; loaded once per M-tile,
      // 32 + 1 words.
      "sram activations read_bits=9216 write_bits=4224",
      // 16 outputs of one 32-bit word a tile, written by the core and read by the store.
      "sram outputs read_bits=2048 write_bits=2048",
      // 4 words a tile, one per column's scales; 2 words of each load.
      "sram scales read_bits=1024 write_bits=512",
      // On the bus: one hop a flit.
      "noc flits=272 flit_hops=272",
      // 8 x 8 x 64 MACs; 16 PEs x 371 cycles less those; 8 x 8 x 64/32 unit sums.
      "core pe_active=4096 pe_idle=1840 dequant_units=128",
      // core 4096 + 920 + 512; buffers 4096 x 0.3 + 9216 x 0.3 + 4224 x 0.4 + 2048 x 1.1 +
      // 1024 x 0.7 + 512 x 0.8 = 1228.8 + 2764.8 + 1689.6 + 2252.8 + 716.8 + 409.6; NoC
      // 272 x 8 x 0.125; DRAM 1216 x 8 + 256 x 16; static 3710.
      "energy_pj core=5528 buffers=9062.4 noc=272 dram=13824 static=3710 total=32396.4"};
  EXPECT_EQ(Lines(FormatMemoryPrediction(p)), expected);
}

// The same layer behind a DRAM with 100 cycles of latency: each step waits for its batch.
// Prologue 28 + 100 = 128, tile 0 starts at 128 + 32 + 1 = 161; steps max(68, X_t) = 110 (5
// bursts), 132 (14 bursts, then the store issued at 271), 114 (5 bursts and a store); the last
// step's batch (the store of tile 2, 4 + 100) ends at 517 + 104 = 621, after the last output
// (517 + 4 + 77 + 1 = 599), and the epilogue adds 104: 725.
TEST(MemoryModelTest, SlowDramStretchesEveryStep) {
  const HardwareConfig config =
      LoadConfig(ReplaceOnce(kConfig, "latency_cycles: 10", "latency_cycles: 100"));
  const LayerMemoryPrediction p = Predict(config, MakeLayer(config, 8, 64, 8));
  EXPECT_EQ(p.prologue_cycles, 128);
  ASSERT_EQ(p.steps.size(), 4u);
  EXPECT_EQ(p.steps[0].start_cycle, 161);
  EXPECT_EQ(p.steps[0].step_cycles, 110);
  EXPECT_EQ(p.steps[1].step_cycles, 132);
  EXPECT_EQ(p.steps[2].step_cycles, 114);
  EXPECT_EQ(p.steps[3].start_cycle, 161 + 110 + 132 + 114);
  EXPECT_EQ(p.steps[3].dram_cycles, 104);
  EXPECT_EQ(p.epilogue_cycles, 104);
  EXPECT_EQ(p.cycles, 725);
}

// One N-tile: the weights stay in their buffer and are loaded once; the activations change with
// every tile. M = 8, K = 64, N = 4: tiles (0,0), (4,0).
TEST(MemoryModelTest, OneNTileKeepsItsWeights) {
  const HardwareConfig config = LoadConfig();
  const LayerMemoryPrediction p = Predict(config, MakeLayer(config, 8, 64, 4));
  ASSERT_EQ(p.steps.size(), 2u);
  EXPECT_EQ(p.steps[0].load_bytes, 408);
  EXPECT_EQ(p.steps[1].load_bytes, 256 + 8);
  EXPECT_EQ(p.events.sram_write_bits[static_cast<int>(BufferKind::kWeights)], 128 * 8);
  EXPECT_EQ(p.events.sram_read_bits[static_cast<int>(BufferKind::kWeights)], 2 * 128 * 8);
}

// With 64-bit output words, each FP32 output is still one word write: 16 x 64 bits. The store
// reads the tile's 64 bytes as whole words: 64 / 8 = 8 reads of 64 bits.
TEST(MemoryModelTest, EachOutputIsOneWordWrite) {
  const HardwareConfig config =
      LoadConfig(ReplaceOnce(kConfig, "banks: 8, word_bits: 32", "banks: 8, word_bits: 64"));
  const LayerMemoryPrediction p = Predict(config, MakeLayer(config, 4, 64, 4));
  EXPECT_EQ(p.events.sram_write_bits[static_cast<int>(BufferKind::kOutputs)], 16 * 64);
  EXPECT_EQ(p.events.sram_read_bits[static_cast<int>(BufferKind::kOutputs)], 8 * 64);
}

// --- NoC ---------------------------------------------------------------------------------------

std::vector<std::string> Listed(const std::vector<NocPacket>& packets) {
  std::vector<std::string> listed;
  for (const NocPacket& p : packets) {
    listed.push_back((p.unit < 0 ? std::string() : "u" + std::to_string(p.unit) + " ") +
                     DataPartName(p.part) + " " + std::to_string(p.index) + " " +
                     std::to_string(p.bytes) + "B " + std::to_string(p.flits) + "f " +
                     std::to_string(p.links) + "l" + (p.inbound ? "" : " out"));
  }
  return listed;
}

// The one-tile layer on a 2 x 2 mesh: array rows 0-1 and columns 0-1 sit at mesh row / column 0,
// rows 2-3 and columns 2-3 at 1. XY routes from the buffers at router (0, 0):
//   row r's packet: multicast along row 0 (1 link) and down both columns (2 y links): 1 link for
//     r = 0, 1; 3 for r = 2, 3. Unit 0: 5 flits (codes and token scale), unit 1: 4 flits:
//     (5 + 4) x (1 + 1 + 3 + 3) = 72
//   column c's packet: along row 0 to x, then down the column (1 link): 1, 1, 2, 2 links, 3
//     flits in each unit: 2 x 3 x 6 = 36
//   outputs of column c, back from (x, 0): 0, 0, 1, 1 links, 2 flits each: 4
// 112 flit-hops against the bus's 68. The injection link carries the 60 inbound flits (the bus
// all 68): below c = 64, where the bus stretches the tile by 4 cycles. Fill: 1 + 1 hops, drain
// 1: the mesh ends 4 - 1 = 3 cycles before the bus.
TEST(MemoryModelTest, MeshWithXyRoutingCostsMoreHopsThanTheBus) {
  const HardwareConfig bus = LoadConfig();
  const HardwareConfig mesh = LoadConfig(MeshConfig());
  const Layer layer = MakeLayer(bus, 4, 64, 4);
  const LayerMemoryPrediction on_bus = Predict(bus, layer);
  const LayerMemoryPrediction on_mesh = Predict(mesh, layer);
  EXPECT_EQ(on_bus.events.noc_flits, 68);
  EXPECT_EQ(on_bus.events.noc_flit_hops, 68);
  EXPECT_EQ(on_mesh.events.noc_flits, 68);
  EXPECT_EQ(on_mesh.events.noc_flit_hops, 72 + 36 + 4);
  EXPECT_EQ(on_mesh.steps[0].noc_cycles, 60);
  EXPECT_EQ(on_mesh.noc_first_unit_cycles, 32);  // all inbound, through the injection link
  EXPECT_EQ(on_mesh.noc_fill_cycles, 2);
  EXPECT_EQ(on_mesh.noc_drain_cycles, 1);
  EXPECT_EQ(on_mesh.cycles, on_bus.cycles - 3);
  EXPECT_DOUBLE_EQ(on_mesh.energy.noc_pj, 112 * 8 * 0.125);

  EXPECT_EQ(Listed(StepNocPackets(mesh, layer.formats, layer.schedule, 0)),
            (std::vector<std::string>{
                "u0 activation_codes 0 34B 5f 1l", "u0 activation_codes 1 34B 5f 1l",
                "u0 activation_codes 2 34B 5f 3l", "u0 activation_codes 3 34B 5f 3l",
                "u0 weight_codes 0 18B 3f 1l",     "u0 weight_codes 1 18B 3f 1l",
                "u0 weight_codes 2 18B 3f 2l",     "u0 weight_codes 3 18B 3f 2l",
                "u1 activation_codes 0 32B 4f 1l", "u1 activation_codes 1 32B 4f 1l",
                "u1 activation_codes 2 32B 4f 3l", "u1 activation_codes 3 32B 4f 3l",
                "u1 weight_codes 0 18B 3f 1l",     "u1 weight_codes 1 18B 3f 1l",
                "u1 weight_codes 2 18B 3f 2l",     "u1 weight_codes 3 18B 3f 2l",
                "outputs 0 16B 2f 0l out",         "outputs 1 16B 2f 0l out",
                "outputs 2 16B 2f 1l out",         "outputs 3 16B 2f 1l out"}));
}

// int4_g64 x mxint8, M = 2, K = 128, N = 4: U = min(64, 32) = 32, four units, two per weight
// group. A column's unit carries 32 x 4 bits = 16 bytes of codes, and its group's FP16 scale
// only with the group's first unit (units 0 and 2): 18, 16, 18, 16 bytes, 3 + 2 + 3 + 2 = 10
// flits, where the column's 64 + 4 = 68 bytes sent at once would be ceil(68 / 8) = 9. A row's
// unit is 32 codes and the block's E8M0 scale (block = unit): 33 bytes, 5 flits, 20 a row
// against ceil((128 + 4) / 8) = 17.
TEST(MemoryModelTest, PacketsAreCutPerUnit) {
  const HardwareConfig config = LoadConfig();
  const Layer layer = MakeLayer(config, 2, 128, 4, "int4_g64", "mxint8");
  ASSERT_EQ(layer.formats.unit, 32);
  const std::vector<NocPacket> packets = StepNocPackets(config, layer.formats, layer.schedule, 0);
  ASSERT_EQ(packets.size(), 4u * (2 + 4) + 4);
  std::vector<int64_t> column0_bytes;
  std::vector<int64_t> column0_flits;
  int64_t row_flits = 0;
  for (const NocPacket& p : packets) {
    if (p.part == DataPart::kWeightCodes && p.index == 0) {
      column0_bytes.push_back(p.bytes);
      column0_flits.push_back(p.flits);
    }
    if (p.part == DataPart::kActivationCodes && p.index == 1) {
      EXPECT_EQ(p.bytes, 33);
      row_flits += p.flits;
    }
  }
  EXPECT_EQ(column0_bytes, (std::vector<int64_t>{18, 16, 18, 16}));
  EXPECT_EQ(column0_flits, (std::vector<int64_t>{3, 2, 3, 2}));
  EXPECT_EQ(row_flits, 20);
  // The tile: 2 rows x 20 + 4 columns x 10 + 4 output packets of 2 x 4 = 8 bytes, one flit each.
  const LayerMemoryPrediction p = Predict(config, layer);
  EXPECT_EQ(p.steps[0].noc_cycles, 2 * 20 + 4 * 10 + 4);
  // Unit 0: 2 rows x 5 + 4 columns x 3.
  EXPECT_EQ(p.noc_first_unit_cycles, 10 + 12);
  // Column c's two scales, bytes 4c..4c+3 of the scale buffer, are one 8-byte word: one read per
  // column. Row r's four E8M0 scales sit after the 2 x 128 bytes of codes, at 256 + 4r: word 32
  // for both rows. Codes: 16 words a row.
  EXPECT_EQ(p.events.sram_read_bits[static_cast<int>(BufferKind::kScales)], 4 * 64);
  EXPECT_EQ(p.events.sram_read_bits[static_cast<int>(BufferKind::kActivations)], (2 * 16 + 2) * 64);
}

// Every stream reads each buffer word its units' slices touch once a step, and sends each unit's
// slices as one packet, wherever the stream starts in the words: counted here word by word and
// packet by packet over every step, for plans whose blocks start tiles at other offsets within a
// word. int4_g32_asym, K = 96: a column holds 48 bytes of codes, 6 of scales and 2 of zero points,
// so the next tile's 4 columns start 192, 24 and 8 bytes further, not whole words of 256
// (weights) and 64 bytes (scales); a row holds 96 bytes of codes and a 2-byte token scale or
// three E8M0 block scales, so the next M-tile's rows start 384 and 8 or 12 bytes further, not
// whole words of 32 bytes. At some of these offsets a tile's columns (or rows) read one word more
// than at others. The model shares its work between streams and steps that start at the same
// offset within a word (TrafficCache), so this checks that the sharing loses nothing.
TEST(MemoryModelTest, StreamsReadTheWordsTheirSlicesTouchAtAnyOffset) {
  std::string edited =
      ReplaceOnce(kConfig, "weights: {capacity_kib: 1, banks: 4, word_bits: 64, ports: 1}",
                  "weights: {capacity_kib: 4, banks: 4, word_bits: 2048, ports: 1}");
  edited = ReplaceOnce(edited, "activations: {capacity_kib: 1, banks: 4, word_bits: 64, ports: 1}",
                       "activations: {capacity_kib: 4, banks: 4, word_bits: 256, ports: 1}");
  edited = ReplaceOnce(edited, "scales: {capacity_kib: 1, banks: 8, word_bits: 64, ports: 1}",
                       "scales: {capacity_kib: 1, banks: 8, word_bits: 512, ports: 1}");
  const HardwareConfig config = LoadConfig(edited);
  // M = 12: three full M-tiles, N = 20: five N-tiles.
  const std::vector<TilePlan> plans = {{LoopOrder::kMOuter, 1, 1, 1}, {LoopOrder::kMOuter, 3, 5, 1},
                                       {LoopOrder::kMOuter, 2, 3, 1}, {LoopOrder::kNOuter, 3, 2, 1},
                                       {LoopOrder::kNOuter, 1, 4, 1}, {LoopOrder::kMOuter, 1, 1, 3},
                                       {LoopOrder::kNOuter, 1, 1, 3}};
  for (const char* activations : {"int8_token", "mxint8"}) {
    const Layer layer = MakeLayer(config, 12, 96, 20, "int4_g32_asym", activations);
    for (const TilePlan& plan : plans) {
      SCOPED_TRACE(std::string(activations) + " " + TilePlanText(plan));
      const CoreSchedule s = TileCoreGemm(config, "fc", 12, 96, 20, layer.formats.unit, plan);
      const MemoryLayout layout = LayOutMemory(config, layer.formats, s);
      std::array<int64_t, kBufferKinds> words{};
      int64_t flits = 0;
      for (int64_t step = 0; step < s.steps(); ++step) {
        const int64_t t = s.TileOfStep(step);
        const ArrayTile& tile = s.tiles[t];
        const int64_t first_unit = s.ChunkOfStep(step) * s.units_per_step();
        // One stream: the distinct words of its slices, and the bytes of each unit's.
        auto stream = [&](DataPart part, int index, std::vector<int64_t>* unit_bytes) {
          const int64_t word_bytes = config.memory.Buffer(BufferOf(part)).word_bits / 8;
          const int64_t base = layout.buffer_offset[PartIndex(part)];
          std::set<int64_t> touched;
          for (int64_t i = 0; i < s.units_per_step(); ++i) {
            const ByteRange slice = UnitSlice(layout, s, part, t, index, first_unit + i);
            (*unit_bytes)[i] += slice.bytes();
            for (int64_t b = slice.begin; b < slice.end; ++b)
              touched.insert((base + b) / word_bytes);
          }
          words[static_cast<int>(BufferOf(part))] += static_cast<int64_t>(touched.size());
        };
        for (int r = 0; r < tile.rows_used; ++r) {
          std::vector<int64_t> unit_bytes(s.units_per_step());
          stream(DataPart::kActivationCodes, r, &unit_bytes);
          stream(DataPart::kActivationScales, r, &unit_bytes);
          for (int64_t b : unit_bytes) flits += std::max<int64_t>(1, (b + 7) / 8);
        }
        for (int c = 0; c < tile.cols_used; ++c) {
          std::vector<int64_t> unit_bytes(s.units_per_step());
          for (DataPart part :
               {DataPart::kWeightCodes, DataPart::kWeightScales, DataPart::kZeroPoints}) {
            stream(part, c, &unit_bytes);
          }
          for (int64_t b : unit_bytes) flits += std::max<int64_t>(1, (b + 7) / 8);
        }
        if (StoresOutputs(s, step)) flits += tile.cols_used * ((tile.rows_used * 4 + 7) / 8);
      }
      const LayerMemoryPrediction p = PredictLayerMemory(config, layer.formats, s);
      for (BufferKind kind :
           {BufferKind::kWeights, BufferKind::kActivations, BufferKind::kScales}) {
        EXPECT_EQ(p.events.sram_read_bits[static_cast<int>(kind)],
                  words[static_cast<int>(kind)] * config.memory.Buffer(kind).word_bits)
            << BufferKindName(kind);
      }
      EXPECT_EQ(p.events.noc_flits, flits);
    }
  }
}

// A 1-byte bus carries the tile's 256 + 8 + 128 + 16 + 64 = 472 bytes in 472 cycles, longer than
// its 64 cycles of issue: the units spread out and the last output comes 408 cycles later. Unit
// 0's 4 x 34 + 4 x 18 = 208 bytes come first: 38 + 208 + 1 + 408 + 77 + 1 + 14 = 747.
TEST(MemoryModelTest, NarrowBusStretchesTheTile) {
  const HardwareConfig config = LoadConfig(ReplaceOnce(kConfig, "link_bytes: 8", "link_bytes: 1"));
  const LayerMemoryPrediction p = Predict(config, MakeLayer(config, 4, 64, 4));
  EXPECT_EQ(p.noc_first_unit_cycles, 208);
  EXPECT_EQ(p.steps[0].noc_cycles, 472);
  EXPECT_EQ(p.steps[0].step_cycles, 472);
  EXPECT_EQ(p.cycles, 747);
}

// --- Formats ------------------------------------------------------------------------------------

// Asymmetric groups add one 4-bit zero point per group: 2 groups, 1 byte a column. Each unit
// starts a group (U = G = 32), so each column packet carries 16 bytes of codes, a 2-byte scale
// and the byte holding its group's zero point (bits 0-3 for unit 0, 4-7 for unit 1): 19 bytes.
TEST(MemoryModelTest, AsymmetricGroupsLoadTheirZeroPoints) {
  const HardwareConfig config = LoadConfig();
  const Layer layer = MakeLayer(config, 4, 64, 4, "int4_g32_asym");
  const LayerMemoryPrediction p = Predict(config, layer);
  ASSERT_EQ(p.dram_batches[0].size(), 5u);
  EXPECT_EQ(p.dram_batches[0][2].part, DataPart::kZeroPoints);
  EXPECT_EQ(p.dram_batches[0][2].address, 2048);
  EXPECT_EQ(p.dram_batches[0][2].bytes, 4);
  EXPECT_EQ(p.dram_batches[0][3].address, 3072);  // activation codes move one row down
  EXPECT_EQ(p.steps[0].working_set_bytes[static_cast<int>(BufferKind::kScales)], 16 + 4);
  const std::vector<NocPacket> packets = StepNocPackets(config, layer.formats, layer.schedule, 0);
  EXPECT_EQ(packets[5].part, DataPart::kWeightCodes);  // unit 0, column 1
  EXPECT_EQ(packets[5].bytes, 16 + 2 + 1);
  EXPECT_EQ(packets[13].bytes, 16 + 2 + 1);  // unit 1, column 1
  // The scale buffer: the scales take words 0 and 1 (16 bytes), the zero points word 2 (bytes
  // 16..19). Writes: 2 + 1 words. Reads: a word of scales and the word of zero points per
  // column: 4 x 2.
  EXPECT_EQ(p.events.sram_write_bits[static_cast<int>(BufferKind::kScales)], 3 * 64);
  EXPECT_EQ(p.events.sram_read_bits[static_cast<int>(BufferKind::kScales)], 8 * 64);
}

// NVFP4 weights x MXINT8 activations: U = min(16, 32) = 16; one E4M3 scale per 16 weights (4 a
// column), an FP32 tensor scale, one E8M0 scale per 32 activations (2 a row).
TEST(MemoryModelTest, Nvfp4WeightsAndMxActivationsLoadTheirScales) {
  const HardwareConfig config = LoadConfig();
  const LayerMemoryPrediction p = Predict(config, MakeLayer(config, 4, 64, 4, "nvfp4", "mxint8"));
  std::vector<std::string> loads;
  for (const DramRequest& r : p.dram_batches[0]) {
    loads.push_back(std::string(DataPartName(r.part)) + "=" + std::to_string(r.bytes));
  }
  EXPECT_EQ(loads, (std::vector<std::string>{"weight_codes=128", "weight_scales=16",
                                             "weight_tensor_scale=4", "activation_codes=256",
                                             "activation_scales=8"}));
  EXPECT_EQ(p.events.dequant_units, 4 * 4 * (64 / 16));
  // Tensor scales are loaded once, for tile 0, and kept.
  EXPECT_EQ(p.steps[0].working_set_bytes[static_cast<int>(BufferKind::kScales)], 16 + 4);
  EXPECT_EQ(p.steps[0].working_set_bytes[static_cast<int>(BufferKind::kActivations)], 256 + 8);
  // The scale buffer holds the weight scales in words 0 and 1 and the tensor scale in word 2:
  // 3 words written. Reads: one word of scales per column (its 4 bytes), and the tensor scale
  // once into its register.
  EXPECT_EQ(p.events.sram_write_bits[static_cast<int>(BufferKind::kScales)], 3 * 64);
  EXPECT_EQ(p.events.sram_read_bits[static_cast<int>(BufferKind::kScales)], (4 + 1) * 64);
  // Per unit: a row sends 16 codes and, with the first unit of each 32-element block (units 0
  // and 2), its E8M0 scale: 17, 16, 17, 16 bytes = 3 + 2 + 3 + 2 flits; a column 8 bytes of codes
  // and its E4M3 scale in every unit (G = U): 9 bytes, 2 flits. 4 x 10 + 4 x 4 x 2 + 4 x 2 = 80.
  EXPECT_EQ(p.steps[0].noc_cycles, 80);
}

// Mixed widths: with the group widths given, each column takes its exact bytes; without, every
// group is counted at the widest width (4 bits). Widths (column-major over 2 groups of 32):
// column 0: 2, 3 -> 160 bits = 20 bytes; 1: 4, 4 -> 32; 2: 2, 2 -> 16; 3: 3, 4 -> 28: 96 bytes.
TEST(MemoryModelTest, MixedWidthsTakeTheirExactBytesWhenGiven) {
  const HardwareConfig config = LoadConfig();
  const Layer layer = MakeLayer(config, 4, 64, 4, "intmix234_g32");
  const std::vector<uint8_t> widths = {2, 3, 4, 4, 2, 2, 3, 4};
  const LayerMemoryPrediction exact = Predict(config, layer, widths);
  const LayerMemoryPrediction widest = Predict(config, layer);
  EXPECT_EQ(exact.dram_batches[0][0].bytes, 96);
  EXPECT_EQ(widest.dram_batches[0][0].bytes, 128);
  EXPECT_EQ(exact.events.sram_write_bits[static_cast<int>(BufferKind::kWeights)], 96 * 8);
  // Each unit is one group: a column packet carries 32 codes of the group's width and its FP16
  // scale. Unit 0 (packets 4-7): 8 + 2, 16 + 2, 8 + 2, 12 + 2; unit 1 (12-15): 12 + 2, 16 + 2,
  // 8 + 2, 16 + 2.
  const std::vector<NocPacket> packets =
      StepNocPackets(config, layer.formats, layer.schedule, 0, widths);
  EXPECT_EQ(packets[4].bytes, 10);
  EXPECT_EQ(packets[5].bytes, 18);
  EXPECT_EQ(packets[6].bytes, 10);
  EXPECT_EQ(packets[7].bytes, 14);
  EXPECT_EQ(packets[12].bytes, 14);
  EXPECT_EQ(packets[13].bytes, 18);
  EXPECT_EQ(packets[14].bytes, 10);
  EXPECT_EQ(packets[15].bytes, 18);
  // The columns' codes are bytes 0..19, 20..51, 52..67 and 68..95 of the weight buffer: words
  // 0-2, 2-6, 6-8 and 8-11 (8-byte words), 3 + 5 + 3 + 4 = 15 reads. Words 2, 6 and 8 are read
  // twice, by the two columns that share each: 12 distinct words.
  EXPECT_EQ(exact.events.sram_read_bits[static_cast<int>(BufferKind::kWeights)], 15 * 64);
}

TEST(MemoryModelTest, GroupWidthsThatDoNotMatchTheLayerAreRejected) {
  const HardwareConfig config = LoadConfig();
  const Layer layer = MakeLayer(config, 4, 64, 4, "intmix234_g32");
  try {
    Predict(config, layer, {2, 3, 4, 4, 2, 2, 3});
    FAIL() << "7 widths for 8 groups were accepted";
  } catch (const InputError& e) {
    EXPECT_TRUE(ContainsAll(e.what(), {"layer fc", "7 weight group widths",
                                       "N x K/G = 4 x 2 = 8 groups of intmix234_g32"}));
  }
  try {
    Predict(config, layer, {2, 3, 4, 5, 2, 2, 3, 4});
    FAIL() << "a 5-bit group was accepted";
  } catch (const InputError& e) {
    EXPECT_TRUE(ContainsAll(e.what(), {"layer fc", "5 bits", "[1, 4]"}));
  }
}

// --- Buffer fit ---------------------------------------------------------------------------------

// 1 KiB buffers hold 512 bytes a half. M = 1, K = 256: weights 4 x 256 x 4 bits = 512 bytes fill
// their half exactly; activations 256 bytes of codes and a 2-byte token scale in a region of one
// 8-byte word: 264.
TEST(MemoryModelTest, TileThatFillsHalfABufferFits) {
  const HardwareConfig config = LoadConfig();
  const Layer layer = MakeLayer(config, 1, 256, 4);
  EXPECT_NO_THROW(CheckBuffersFit(config, layer.formats, layer.schedule));
  const LayerMemoryPrediction p = Predict(config, layer);
  EXPECT_EQ(p.steps[0].working_set_bytes[static_cast<int>(BufferKind::kWeights)], 512);
  EXPECT_EQ(p.steps[0].working_set_bytes[static_cast<int>(BufferKind::kActivations)], 256 + 2);
}

// K = 288: 4 x 288 x 4 bits = 576 bytes of weights.
TEST(MemoryModelTest, WeightsOverHalfTheBufferAreRejectedBeforeSimulation) {
  const HardwareConfig config = LoadConfig();
  const Layer layer = MakeLayer(config, 1, 288, 4);
  for (int predict = 0; predict < 2; ++predict) {
    try {
      if (predict) {
        Predict(config, layer);
      } else {
        CheckBuffersFit(config, layer.formats, layer.schedule);
      }
      FAIL() << "576 bytes of weights fit in 512";
    } catch (const InputError& e) {
      EXPECT_EQ(std::string(e.what()),
                "layer fc needs 576 bytes of memory.buffers.weights in " + config.source_file +
                    " for weight codes (4 columns x K=288 of int4_g32 at 4 bits: 576 bytes), "
                    "each part in whole 8-byte words: more than half of its 1 KiB (512 bytes: "
                    "the buffer is double buffered)");
    }
  }
}

// M = 2, K = 256: 2 tokens x 256 bytes = 512 bytes of codes would fill the half, but the tokens'
// scales share it: their 4 bytes take a region of one 8-byte word, 520 bytes in all.
TEST(MemoryModelTest, ActivationScalesTipTheActivationBufferOver) {
  const HardwareConfig config = LoadConfig();
  const Layer layer = MakeLayer(config, 2, 256, 4);
  try {
    CheckBuffersFit(config, layer.formats, layer.schedule);
    FAIL() << "520 bytes of activations fit in 512";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()),
              "layer fc needs 520 bytes of memory.buffers.activations in " + config.source_file +
                  " for activation codes (2 rows x K=256 of int8_token at 8 bits: 512 bytes) and "
                  "activation scales (2 rows of int8_token: 8 bytes), each part in whole 8-byte "
                  "words: more than half of its 1 KiB (512 bytes: the buffer is double "
                  "buffered)");
  }
}

// --- The default job ----------------------------------------------------------------------------

// q_proj of `make run` (M = 16, K = N = 4096, int4_g128 x int8_token) on configs/default.yaml:
// 256 tiles, one M-tile, U = G = 128: 32 units a tile, c = 32 x 128 = 4096. Tile 0 loads 32768
// bytes of weights (256 bursts of 128 bytes, 1 cycle each), 1024 of scales (8), 65536 of
// activations (512) and 32 of token scales (1): 777 + 100. Each step loads the next 33792 bytes
// of weights and scales and stores 1024 bytes of outputs: 264 + 8 + 100 = 372 cycles.
// The bus (64-byte flits), per unit: a row's 128 codes, 2 flits, and in unit 0 its 2-byte token
// scale, 3 flits; a column's 64 bytes of codes and its group's 2-byte scale, 2 flits. Unit 0:
// 16 x 3 + 16 x 2 = 80 flits; units 1-31: 31 x (16 x 2 + 16 x 2) = 1984; outputs 16 x 1 (64
// bytes): 2080 flits a tile, against c = 4096. So compute-bound: CoreCycles (1048625) +
// prologue 877 + unit 0's 80 flits + 2 hops + the last store 8 + 100.
TEST(MemoryModelTest, QProjOfTheDefaultJobIsComputeBound) {
  const HardwareConfig config = LoadHardwareConfig(MIXPE_SOURCE_DIR "/configs/default.yaml");
  const Layer layer = MakeLayer(config, 16, 4096, 4096);
  const LayerMemoryPrediction p = Predict(config, layer);
  EXPECT_EQ(p.compute_cycles, 1048625);
  EXPECT_EQ(p.prologue_cycles, 877);
  EXPECT_EQ(p.noc_first_unit_cycles, 80);
  EXPECT_EQ(p.steps[0].start_cycle, 877 + 80 + 1);
  EXPECT_EQ(p.steps[0].dram_cycles, 264 + 100);  // step 0: no store yet
  EXPECT_EQ(p.steps[1].dram_cycles, 372);
  EXPECT_EQ(p.steps[1].noc_cycles, 2080);
  EXPECT_EQ(p.epilogue_cycles, 108);
  EXPECT_EQ(p.cycles, 1048625 + 877 + 80 + 1 + 1 + 108);
  EXPECT_EQ(p.events.dram_read_bytes, 777 * 128 + 255 * 264 * 128);
  EXPECT_EQ(p.events.dram_read_payload_bytes, 99360 + 255 * 33792);
  EXPECT_EQ(p.events.dram_write_bytes, 256 * 1024);
  EXPECT_EQ(p.events.noc_flits, 256 * 2080);
  // 512-bit (64-byte) words, per tile: a row's 4096 codes are 64 words, its token scale one (the
  // 16 rows' 32 bytes share a word, read by every row): 16 x 65; a column's 32 scales (64 bytes)
  // are one word: 16. The activations are written once: 1024 + 1 words.
  EXPECT_EQ(p.events.sram_read_bits[static_cast<int>(BufferKind::kActivations)],
            int64_t{256} * 16 * 65 * 512);
  EXPECT_EQ(p.events.sram_write_bits[static_cast<int>(BufferKind::kActivations)], (1024 + 1) * 512);
  EXPECT_EQ(p.events.sram_read_bits[static_cast<int>(BufferKind::kScales)], 256 * 16 * 512);
  // 256 outputs a tile, one 32-bit word each.
  EXPECT_EQ(p.events.sram_write_bits[static_cast<int>(BufferKind::kOutputs)], 256 * 256 * 32);
  EXPECT_EQ(p.events.pe_active_cycles, int64_t{16} * 4096 * 4096);
  EXPECT_EQ(p.events.dequant_units, int64_t{16} * 4096 * 32);
}

// down_proj of `make run` (K = 11008) does not fit the reference's buffers: a tile's 16 columns
// of 4-bit weights are 16 x 11008 / 2 = 88064 bytes, more than half of 128 KiB. The core keeps all
// of K in a tile; a schedule that splits K is the compiler's to come.
// down_proj of the default job (K = 11008, FP16 activations) fits the default's halves: 88064
// bytes of weights in 131072, 16 x 11008 x 2 = 352256 bytes of activations in 524288. The
// reference's 128 KiB weight buffer (64 KiB a half) does not take it.
TEST(MemoryModelTest, DownProjFitsTheDefaultBuffersButNotTheReferenceOnes) {
  HardwareConfig config = LoadHardwareConfig(MIXPE_SOURCE_DIR "/configs/default.yaml");
  const Layer layer = MakeLayer(config, 16, 11008, 4096, "", "fp16");
  EXPECT_NO_THROW(CheckBuffersFit(config, layer.formats, layer.schedule));
  BufferConfig& weights = config.memory.buffers[static_cast<int>(BufferKind::kWeights)];
  weights.capacity_kib = 128;
  weights.banks = 32;
  try {
    CheckBuffersFit(config, layer.formats, layer.schedule);
    FAIL() << "down_proj fits the reference's weight buffer";
  } catch (const InputError& e) {
    EXPECT_TRUE(ContainsAll(e.what(), {"needs 88064 bytes of memory.buffers.weights",
                                       "for weight codes (16 columns x K=11008 of int4_g128 at 4 "
                                       "bits: 88064 bytes)",
                                       "65536 bytes"}))
        << e.what();
  }
}

// ComputeEnergy is what the co-simulation applies to its own counters.
TEST(MemoryModelTest, EnergyOfCountedEvents) {
  const HardwareConfig config = LoadConfig();
  MemoryEvents ev;
  ev.dram_read_bytes = 10;
  ev.dram_write_bytes = 1;
  ev.sram_read_bits[static_cast<int>(BufferKind::kScales)] = 100;
  ev.sram_write_bits[static_cast<int>(BufferKind::kOutputs)] = 10;
  ev.noc_flit_hops = 3;
  ev.pe_active_cycles = 7;
  ev.pe_idle_cycles = 2;
  ev.dequant_units = 1;
  const EnergyBreakdown e = ComputeEnergy(config, ev, 5);
  EXPECT_DOUBLE_EQ(e.dram_pj, 80 + 16);
  EXPECT_NEAR(e.buffers_pj, 70 + 6, 1e-12);
  EXPECT_DOUBLE_EQ(e.noc_pj, 3 * 8 * 0.125);
  EXPECT_DOUBLE_EQ(e.core_pj, 7 + 1 + 4);
  EXPECT_DOUBLE_EQ(e.static_pj, 50);
}

}  // namespace
}  // namespace mixpe

namespace mixpe {
namespace {

// The loop order decides what stays in the buffers. 2 M-tiles x 2 N-tiles of int4_g32 x
// int8_token at K = 64 on the 4 x 4 test core: an N-tile's weights are 4 x 64 x 4 bits = 128 bytes
// and 4 x 2 groups x 2 bytes = 16 of scales (144); an M-tile's activations 4 x 64 = 256 bytes and
// 4 x 2 of token scales (264).
//   M-outer, tiles (0,0) (0,1) (1,0) (1,1): W0 A0, W1, W0 A1, W1: 4 x 144 + 2 x 264 = 1104.
//   N-outer, tiles (0,0) (1,0) (0,1) (1,1): W0 A0, A1, W1 A0, A1: 2 x 144 + 4 x 264 = 1344.
TEST(MemoryModelTest, LoopOrderDecidesWhichOperandIsReloaded) {
  const HardwareConfig config = LoadConfig();
  GemmLayer g;
  g.name = "fc";
  g.m = 8;
  g.k = 64;
  g.n = 8;
  const LayerFormats formats = ResolveLayerFormats(g, config);
  const CoreSchedule m_outer = TileCoreGemm(config, "fc", 8, 64, 8, formats.unit);
  const CoreSchedule n_outer =
      TileCoreGemm(config, "fc", 8, 64, 8, formats.unit, LoopOrder::kNOuter);
  ASSERT_EQ(n_outer.tiles[1].m0, 4);
  ASSERT_EQ(n_outer.tiles[1].n0, 0);
  const LayerMemoryPrediction pm = PredictLayerMemory(config, formats, m_outer);
  const LayerMemoryPrediction pn = PredictLayerMemory(config, formats, n_outer);
  EXPECT_EQ(pm.events.dram_read_payload_bytes, 4 * 144 + 2 * 264);
  EXPECT_EQ(pn.events.dram_read_payload_bytes, 2 * 144 + 4 * 264);
  // The same outputs are stored either way.
  EXPECT_EQ(pm.events.dram_write_payload_bytes, pn.events.dram_write_payload_bytes);
  EXPECT_EQ(pn.compute_cycles,
            MixpeArray(config).CoreCycles(8, 64, 8, formats.unit, /*n_outer=*/true).cycles);
}

// --- Designs (pe.design): the same layer on the same memory system -----------------------------

// kConfig as a core of `design` at the given widths, running int4_g32 weights and `activations`.
HardwareConfig DesignConfig(const std::string& design, int activation_bits,
                            const std::string& activations) {
  std::string text = ReplaceOnce(kConfig, "design: mixpe", "design: " + design);
  text = ReplaceOnce(text, "activation_bits: 8",
                     "activation_bits: " + std::to_string(activation_bits));
  text = ReplaceOnce(text, "accumulator_bits: 28", "accumulator_bits: 32");
  text = ReplaceOnce(text, "weights: [int4_g32, int4_g32_asym, intmix234_g32, nvfp4, int4_g64]",
                     "weights: [int4_g32]");
  text =
      ReplaceOnce(text, "activations: [int8_token, mxint8]", "activations: [" + activations + "]");
  return LoadConfig(text);
}

// A BitFusion PE takes two W4A8 products a cycle, so each 32-element unit streams in 16 cycles and
// the units start max(16, 2R - 1 = 7, (R + C) / 2 = 4) = 16 apart: the core alone takes half the
// cycles of the MixPE PE's 32, bar the fill and drain. ANT's takes one every two cycles: 64.
TEST(MemoryModelTest, DesignThroughputScalesTheUnitsStreaming) {
  const HardwareConfig mixpe = DesignConfig("mixpe", 8, "int8_token");
  const HardwareConfig fusion = DesignConfig("bitfusion", 8, "int8_token");
  const HardwareConfig ant = DesignConfig("ant", 8, "int8_token");
  const Layer on_mixpe = MakeLayer(mixpe, 4, 96, 4);
  const Layer on_fusion = MakeLayer(fusion, 4, 96, 4);
  const Layer on_ant = MakeLayer(ant, 4, 96, 4);
  EXPECT_EQ(on_mixpe.schedule.unit_interval, 32);
  EXPECT_EQ(on_fusion.schedule.unit_interval, 16);
  EXPECT_EQ(on_ant.schedule.unit_interval, 64);
  // 3 units; the last starts at 2 x II and streams for unit_cycles, then fill and drain:
  // 1 + 2 (4 - 1) + (4 - 1) + 2 + 1 = 13 cycles.
  EXPECT_EQ(CoreScheduleCycles(on_mixpe.schedule), 2 * 32 + 32 + 13);
  EXPECT_EQ(CoreScheduleCycles(on_fusion.schedule), 2 * 16 + 16 + 13);
  EXPECT_EQ(CoreScheduleCycles(on_ant.schedule), 2 * 64 + 64 + 13);
  // The PEs are busy while the units stream: 16 outputs x 96 elements at each throughput, and on
  // BitFusion the extra GEMM's 4 x 96 x 1 MACs, two a cycle.
  EXPECT_EQ(Predict(mixpe, on_mixpe).events.pe_active_cycles, 16 * 96);
  EXPECT_EQ(Predict(fusion, on_fusion).events.pe_active_cycles, 16 * 96 / 2 + 4 * 96 / 2);
}

// MixPE dequantizes each unit sum of each output once; the INT8 and FP16 baselines every weight
// of every tile as it enters the array (K per used column), and the INT8 one also scales each
// output once. BitFusion and ANT pay an extra GEMM of M x K x ceil(N/8) MACs after the layer.
TEST(MemoryModelTest, EachDesignCountsItsOwnDequantization) {
  // M = 6, K = 64, N = 5: 2 M-tiles x 2 N-tiles, columns used 4 + 1 per M-tile.
  const HardwareConfig mixpe = DesignConfig("mixpe", 8, "int8_token");
  const MemoryEvents a = Predict(mixpe, MakeLayer(mixpe, 6, 64, 5)).events;
  EXPECT_EQ(a.dequant_units, 6 * 5 * 2);
  EXPECT_EQ(a.dequant_elements, 0);

  const HardwareConfig int8 = DesignConfig("int8_mac", 8, "int8_token");
  const MemoryEvents b = Predict(int8, MakeLayer(int8, 6, 64, 5)).events;
  EXPECT_EQ(b.dequant_elements, 64 * 5 * 2);  // every column's K weights, in each M-tile
  EXPECT_EQ(b.dequant_units, 6 * 5);

  const HardwareConfig fp16 = DesignConfig("fp16_mac", 16, "fp16");
  const LayerMemoryPrediction c = Predict(fp16, MakeLayer(fp16, 6, 64, 5));
  EXPECT_EQ(c.events.dequant_elements, 64 * 5 * 2);
  EXPECT_EQ(c.events.dequant_units, 0);
  // Priced at dequant.element_pj = 2 pJ each, beside the PEs' active and idle cycles.
  EXPECT_DOUBLE_EQ(c.energy.core_pj, c.events.pe_active_cycles * 1.0 +
                                         c.events.pe_idle_cycles * 0.5 + 64 * 5 * 2 * 2.0);

  const HardwareConfig ant = DesignConfig("ant", 8, "int8_token");
  const Layer layer = MakeLayer(ant, 6, 64, 5);
  const LayerMemoryPrediction d = Predict(ant, layer);
  // 6 x 64 x 1 MACs at two cycles each on 16 PEs: 48 cycles, after the layer.
  EXPECT_EQ(d.dequant_gemm_cycles, 48);
  EXPECT_EQ(d.events.dequant_units, 0);
  EXPECT_EQ(d.events.pe_active_cycles, 6 * 5 * 64 * 2 + 6 * 64 * 2);
  EXPECT_EQ(d.events.pe_idle_cycles, 16 * d.cycles - d.events.pe_active_cycles);
}

}  // namespace
}  // namespace mixpe
