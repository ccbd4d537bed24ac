// GemmSchedule: how one GEMM layer is cut into array tiles and when each tile enters the array.
// The simulator executes it; the golden model predicts its cycles independently.
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
  int64_t start_cycle = 0;  // cycle its first activation enters row 0
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

}  // namespace mixpe
