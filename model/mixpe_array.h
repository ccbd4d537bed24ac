// MixpeArray: golden model of rtl/mixpe_array.sv: the exact result of a GEMM tiled over the array,
// and the closed-form cycle count of the RTL running it. docs/cycle-model.md derives the formula.
#pragma once

#include <cstdint>
#include <vector>

#include "model/gemm_operands.h"
#include "model/hardware_config.h"

namespace mixpe {

struct GemmCycleEstimate {
  int64_t tiles = 0;          // ceil(M / rows) * ceil(N / cols)
  int64_t tile_interval = 0;  // cycles between the starts of consecutive tiles
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

 private:
  HardwareConfig config_;
};

}  // namespace mixpe
