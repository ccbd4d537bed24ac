// MixpeArray: golden model of rtl/mixpe_array.sv: the exact result of a GEMM tiled over the array,
// and the closed-form cycle counts of the RTL running it, on the bare array (whole K per tile) and
// on the core (rtl/mixpe_core.sv: one reduction unit at a time, dequantized once per unit).
// docs/cycle-model.md derives both formulas.
#pragma once

#include <cstdint>
#include <vector>

#include "model/gemm_operands.h"
#include "model/hardware_config.h"

namespace mixpe {

struct GemmCycleEstimate {
  int64_t tiles = 0;          // ceil(M / rows) * ceil(N / cols)
  int64_t tile_interval = 0;  // cycles between the starts of consecutive tiles (CoreCycles: of
                              // consecutive reduction units)
  int64_t cycles = 0;         // first input cycle to last output cycle, inclusive
  double utilization = 0;     // useful MACs / (rows * cols * cycles)
};

class MixpeArray {
 public:
  explicit MixpeArray(const HardwareConfig& config) : config_(config) {}

  // Y = A * W, exact (row-major M x N). Throws InputError if K exceeds the config's pe.max_k, the
  // reduction length the accumulator is sized for.
  std::vector<int64_t> Gemm(const GemmOperands& operands) const;

  // Cycles between the starts of two consecutive tiles: a tile streams K elements, and a tile's
  // results need 2*rows-1 cycles to leave a column before the next tile's results are captured.
  int64_t TileInterval(int64_t k) const;

  // The cycle count of an M x K x N GEMM, tiles issued row-major over (M-tile, N-tile) at
  // TileInterval spacing, measured from the first input cycle to the last output cycle.
  GemmCycleEstimate Cycles(int64_t m, int64_t k, int64_t n) const;

  // Cycles between the starts of two consecutive reduction units of `unit` elements on the core:
  // max(unit, 2*rows-1, floor((rows+cols)/2)). A unit streams `unit` elements (in
  // ThroughputOf(config).StreamCycles(unit) cycles on the analytical designs whose PEs take more or
  // fewer than one element a cycle, docs/baselines.md, which stands for `unit` in these formulas);
  // its results need
  // 2*rows-1 cycles to leave a column before the next unit's are captured; and a row's per-unit
  // side data (two banks) must be read by every column before the unit two later overwrites it.
  int64_t UnitInterval(int unit) const;

  // The cycle count of an M x K x N GEMM on the core with reduction unit `unit`: tiles as in
  // Cycles, each K/unit units long; unit u of tile t starts at (t*K/unit + u) * UnitInterval, and
  // an output is visible one cycle after the array's result for its last unit. Cycles from the
  // first input to the last FP32 output, inclusive; `tile_interval` is UnitInterval(unit). Throws
  // InputError if unit < 1 or K is not a multiple of it.
  // `n_outer`: the tiles in N-outer order (a block of C output columns top to bottom, then the
  // next), instead of M-outer (a block of R rows left to right).
  GemmCycleEstimate CoreCycles(int64_t m, int64_t k, int64_t n, int unit,
                               bool n_outer = false) const;

  // The cycles, from cycle 0 through the one in which its last FP32 output is visible, that a
  // core tile of `rows_used` x `cols_used` outputs takes when its last unit (streaming for
  // `unit_cycles` cycles: its elements on the RTL designs) starts in cycle `last_unit_start`:
  // last_unit_start + unit_cycles + 2(rows_used-1) + cols_used + 3. Holds for any start at least
  // UnitInterval after the previous unit's (a controller may start units later than the
  // schedule's uniform spacing, e.g. waiting for memory).
  static int64_t CoreCyclesThroughTile(int64_t last_unit_start, int64_t unit_cycles,
                                       int64_t rows_used, int64_t cols_used);

 private:
  HardwareConfig config_;
};

}  // namespace mixpe
