// GemmSchedule: how one GEMM layer is cut into array tiles and when each tile enters the array;
// CoreSchedule: the same tiles on the core, issued one reduction unit at a time. The simulator
// executes them; the golden model (model/mixpe_array.h) predicts their cycles independently.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/hardware_config.h"

namespace mixpe {

// One output-stationary tile: a rows x cols block of Y, computed over the whole K.
struct ArrayTile {
  int64_t m0 = 0;           // first output row
  int64_t n0 = 0;           // first output column
  int rows_used = 0;        // <= array rows (fewer at the bottom edge of Y)
  int cols_used = 0;        // <= array cols (fewer at the right edge of Y)
  int64_t start_cycle = 0;  // cycle its first activation enters row 0 (in the core: of its first
                            // unit)
};

struct GemmSchedule {
  std::string layer;
  int64_t m = 0;
  int64_t k = 0;
  int64_t n = 0;
  int array_rows = 0;
  int array_cols = 0;
  int64_t tile_interval = 0;     // start-to-start spacing of tiles, uniform
  std::vector<ArrayTile> tiles;  // in issue order: M-tiles outer, N-tiles inner
};

// Tiles an M x K x N GEMM over the array of `config`. Tiles start every max(K, 2*rows-1) cycles:
// K for streaming, 2*rows-1 so that a tile's results have left the drain chain before the next
// tile's results are captured (docs/cycle-model.md). Throws InputError on sizes that cannot run.
GemmSchedule TileGemm(const HardwareConfig& config, const std::string& layer, int64_t m, int64_t k,
                      int64_t n);

// A readable listing of the schedule, one tile a line.
std::string FormatSchedule(const GemmSchedule& schedule);

// The order of a core schedule's tiles. M-outer: the tiles of one block of R output rows, left to
// right, then the next block: a block's activations stay in their buffer while the weights
// change every tile. N-outer: the tiles of one block of C output columns, top to bottom: the
// weights stay while the activations change every tile. docs/memory-model.md, "Reuse".
enum class LoopOrder { kMOuter, kNOuter };
// "m_outer", "n_outer": the names traces and schedules use.
const char* LoopOrderName(LoopOrder order);
// Throws InputError naming `what` on any other name.
LoopOrder ParseLoopOrder(const std::string& name, const std::string& what);

// How a core schedule orders its tiles and how much of the layer a buffer half holds. Tiles are
// grouped into blocks of block_m_tiles M-tiles x block_n_tiles N-tiles: a half of the
// activations buffer holds the rows of one block of M-tiles, a half of the weights buffer the
// columns of one block of N-tiles, so each is loaded once per block, not per tile. Blocks follow
// each other in the loop order, and so do the tiles within a block. With blocks of 1 x 1 a tile
// is a block. M-outer, a larger block_m_tiles divides the weights' DRAM traffic by it; N-outer,
// a larger block_n_tiles the activations' (docs/memory-model.md, "Reuse").
//
// k_chunks > 1 splits each tile's K into that many chunks of K / k_chunks elements, for layers
// whose whole-K operands do not fit a buffer half: a half then holds one chunk of one tile's
// rows and columns, and the tile's chunks are loaded one after another while the core keeps
// accumulating across them (its accumulators hold a tile over all its units, so a split changes
// no output and no core cycle). Blocks are then 1 x 1: consecutive steps always need different
// chunks, so nothing stays in a half for the next tile (docs/memory-model.md, "K chunks").
struct TilePlan {
  LoopOrder loop_order = LoopOrder::kMOuter;
  int64_t block_m_tiles = 1;
  int64_t block_n_tiles = 1;
  int64_t k_chunks = 1;
};

// The plan a trace layer gives (GemmLayer::loop_order, block_m_tiles, block_n_tiles), M-outer in
// 1 x 1 blocks where it gives none. Throws InputError on an unknown loop order.
struct GemmLayer;
TilePlan TracePlanOf(const GemmLayer& layer);

// "m_outer 4x1": the loop order and the blocks (M-tiles x N-tiles); " k/4" after it when K is
// split into 4 chunks.
std::string TilePlanText(const TilePlan& plan);

// The same tiles on the core (rtl/mixpe_core.sv): the array reduces one reduction unit of `unit`
// elements of K at a time and each unit's sums are dequantized once, so a tile is K/unit units
// issued back to back. Units of all tiles form one sequence, j = t * units_per_tile + u for unit u
// of tile t (tiles in the schedule's loop order), and unit j starts (its first activation enters
// row 0) in cycle j * unit_interval, with unit_interval = max(unit, 2*rows-1,
// floor((rows+cols)/2)): streaming, the drain chain, and the double-buffered per-unit side data of
// a row, which every column must read before the unit two later overwrites it
// (docs/cycle-model.md).
struct CoreSchedule {
  std::string layer;
  int64_t m = 0;
  int64_t k = 0;
  int64_t n = 0;
  int unit = 0;                // U: elements of K per reduction unit
  int64_t units_per_tile = 0;  // K / U
  int array_rows = 0;
  int array_cols = 0;
  int64_t unit_interval = 0;  // start-to-start spacing of units, uniform
  int64_t unit_cycles = 0;    // cycles a unit streams through a PE: `unit` on the RTL designs
                              // (ThroughputOf, model/hardware_config.h)
  LoopOrder loop_order = LoopOrder::kMOuter;
  int64_t block_m_tiles = 1;  // TilePlan's
  int64_t block_n_tiles = 1;
  int64_t k_chunks = 1;
  std::vector<ArrayTile> tiles;  // in issue order; start_cycle is the start of the tile's unit 0
  TilePlan plan() const { return {loop_order, block_m_tiles, block_n_tiles, k_chunks}; }
  // The memory system works in steps: step i is chunk i % k_chunks of tile i / k_chunks (a
  // step is a tile when K is not split). Each step's operands fill one buffer half.
  int64_t steps() const { return static_cast<int64_t>(tiles.size()) * k_chunks; }
  int64_t chunk_k() const { return k / k_chunks; }
  int64_t units_per_step() const { return units_per_tile / k_chunks; }
  int64_t TileOfStep(int64_t step) const { return step / k_chunks; }
  int64_t ChunkOfStep(int64_t step) const { return step % k_chunks; }
  int64_t FirstStepOf(int64_t tile) const { return tile * k_chunks; }
  int64_t LastStepOf(int64_t tile) const { return tile * k_chunks + k_chunks - 1; }
  // The step that global unit j (see UnitStart) belongs to.
  int64_t StepOfUnit(int64_t j) const { return j / units_per_step(); }
  int64_t m_tiles() const { return (m + array_rows - 1) / array_rows; }
  int64_t n_tiles() const { return (n + array_cols - 1) / array_cols; }
  // The block of M-tiles holding output row m0, and of N-tiles holding column n0.
  int64_t MBlockOf(int64_t m0) const { return m0 / array_rows / block_m_tiles; }
  int64_t NBlockOf(int64_t n0) const { return n0 / array_cols / block_n_tiles; }
  // Unit u of tile t starts at (t * units_per_tile + u) * unit_interval.
  int64_t UnitStart(int64_t tile, int64_t u) const {
    return (tile * units_per_tile + u) * unit_interval;
  }
};

// Tiles an M x K x N GEMM with reduction unit `unit` (ResolveLayerFormats gives it) over the core
// of `config`. Throws InputError naming the layer if a size is below 1, if unit < 1, if K is not a
// multiple of the unit, if the unit exceeds pe.max_k (the longest unit the accumulator holds
// exactly), if a block is below 1 or larger than the layer's tiles along its side, or if
// k_chunks does not cut K into whole units (or is above 1 with blocks other than 1 x 1). K
// itself may exceed pe.max_k, except on the INT8 design, whose core sums all of K exactly.
CoreSchedule TileCoreGemm(const HardwareConfig& config, const std::string& layer, int64_t m,
                          int64_t k, int64_t n, int unit, const TilePlan& plan);
inline CoreSchedule TileCoreGemm(const HardwareConfig& config, const std::string& layer, int64_t m,
                                 int64_t k, int64_t n, int unit,
                                 LoopOrder loop_order = LoopOrder::kMOuter) {
  return TileCoreGemm(config, layer, m, k, n, unit, TilePlan{loop_order, 1, 1});
}

// The core's cycles for the schedule with an ideal memory: from the first unit's first input to
// the last FP32 output, the latest of MixpeArray::CoreCyclesThroughTile over its tiles in their
// issue order. Equals MixpeArray::CoreCycles for blocks of 1 x 1.
int64_t CoreScheduleCycles(const CoreSchedule& schedule);

// A readable listing: a header line, then one tile a line with its global unit numbers,
//   core fc m=6 k=256 n=5 unit=128 units_per_tile=2 array=4x4 unit_interval=128 tiles=4
// (with " block=<m_tiles>x<n_tiles>" before " tiles=" when blocks are larger than 1 x 1)
//   tile 0 m0=0 n0=0 rows=4 cols=4 units=0..1 start=0
std::string FormatCoreSchedule(const CoreSchedule& schedule);

}  // namespace mixpe
