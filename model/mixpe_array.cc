// Golden GEMM and closed-form cycle model of the MixPE array; see mixpe_array.h.
#include "model/mixpe_array.h"

#include <algorithm>
#include <string>

#include "model/input_error.h"

namespace mixpe {
namespace {

int64_t CeilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

}  // namespace

std::vector<int64_t> MixpeArray::Gemm(const GemmOperands& ops) const {
  if (ops.k > config_.max_k) {
    throw InputError(config_.source_file + ": pe.max_k: a reduction of K=" + std::to_string(ops.k) +
                     " exceeds max_k=" + std::to_string(config_.max_k) +
                     ", the length the accumulator is sized for");
  }
  // Plain integer arithmetic is exact here: |a*w| <= 2^14 and K <= 2^24 keep every partial sum
  // far inside int64. The loop order (m, k, n) lets the compiler vectorize over n.
  std::vector<int64_t> y(static_cast<size_t>(ops.m * ops.n), 0);
  for (int64_t row = 0; row < ops.m; ++row) {
    int64_t* y_row = &y[row * ops.n];
    for (int64_t kk = 0; kk < ops.k; ++kk) {
      const int64_t a = ops.Activation(row, kk);
      const int8_t* w_row = &ops.weights[kk * ops.n];
      for (int64_t col = 0; col < ops.n; ++col) y_row[col] += a * w_row[col];
    }
  }
  return y;
}

int64_t MixpeArray::TileInterval(int64_t k) const {
  return std::max<int64_t>(k, 2 * int64_t{config_.rows} - 1);
}

GemmCycleEstimate MixpeArray::Cycles(int64_t m, int64_t k, int64_t n) const {
  const int64_t rows = config_.rows;
  const int64_t cols = config_.cols;
  const int64_t m_tiles = CeilDiv(m, rows);
  const int64_t n_tiles = CeilDiv(n, cols);
  GemmCycleEstimate est;
  est.tiles = m_tiles * n_tiles;
  est.tile_interval = TileInterval(k);
  // Tile t = i * n_tiles + j starts at t * II and uses mt rows and nt columns. Its last output is
  // the one of row mt-1 in column nt-1: the last element passes the edge register (1 cycle) and
  // reaches that PE in cycle start + 1 + (K-1) + (mt-1) + (nt-1), is captured at the end of that
  // cycle, then climbs mt-1 rows at one row per cycle, so it appears at the north edge in cycle
  // start + 1 + K + 2(mt-1) + (nt-1). The GEMM ends with the latest such cycle (+1 to count it).
  for (int64_t i = 0; i < m_tiles; ++i) {
    const int64_t mt = std::min(rows, m - i * rows);
    for (int64_t j = 0; j < n_tiles; ++j) {
      const int64_t nt = std::min(cols, n - j * cols);
      const int64_t start = (i * n_tiles + j) * est.tile_interval;
      est.cycles = std::max(est.cycles, start + 1 + k + 2 * (mt - 1) + (nt - 1) + 1);
    }
  }
  est.utilization = static_cast<double>(m) * static_cast<double>(n) * static_cast<double>(k) /
                    (static_cast<double>(rows * cols) * static_cast<double>(est.cycles));
  return est;
}

int64_t MixpeArray::UnitInterval(int unit) const {
  const int64_t rows = config_.rows;
  const int64_t cols = config_.cols;
  return std::max({ThroughputOf(config_).StreamCycles(unit), 2 * rows - 1, (rows + cols) / 2});
}

GemmCycleEstimate MixpeArray::CoreCycles(int64_t m, int64_t k, int64_t n, int unit,
                                         bool n_outer) const {
  if (unit < 1 || k % unit != 0) {
    throw InputError("a reduction of K=" + std::to_string(k) + " cannot be cut into units of " +
                     std::to_string(unit) + " elements");
  }
  const int64_t rows = config_.rows;
  const int64_t cols = config_.cols;
  const int64_t m_tiles = CeilDiv(m, rows);
  const int64_t n_tiles = CeilDiv(n, cols);
  const int64_t units_per_tile = k / unit;
  GemmCycleEstimate est;
  est.tiles = m_tiles * n_tiles;
  est.tile_interval = UnitInterval(unit);
  // Tile t's last unit is j = (t+1) * units_per_tile - 1 and starts at j * II. As in Cycles with
  // K = unit, the array's result of row mt-1, column nt-1 for it is visible at the north edge in
  // cycle start + 1 + unit + 2(mt-1) + (nt-1); the column's dequantization unit captures it at
  // the end of that cycle, accumulates it in the next, and presents the FP32 output in the one
  // after (2 cycles). The GEMM ends with the latest such cycle (+1 to count it).
  for (int64_t i = 0; i < m_tiles; ++i) {
    const int64_t mt = std::min(rows, m - i * rows);
    for (int64_t j = 0; j < n_tiles; ++j) {
      const int64_t nt = std::min(cols, n - j * cols);
      const int64_t t = n_outer ? j * m_tiles + i : i * n_tiles + j;  // its place in the order
      const int64_t last_unit_start = ((t + 1) * units_per_tile - 1) * est.tile_interval;
      est.cycles = std::max(
          est.cycles,
          CoreCyclesThroughTile(last_unit_start, ThroughputOf(config_).StreamCycles(unit), mt, nt));
    }
  }
  est.utilization = static_cast<double>(m) * static_cast<double>(n) * static_cast<double>(k) /
                    (static_cast<double>(rows * cols) * static_cast<double>(est.cycles));
  return est;
}

int64_t MixpeArray::CoreCyclesThroughTile(int64_t last_unit_start, int64_t unit_cycles,
                                          int64_t rows_used, int64_t cols_used) {
  return last_unit_start + 1 + unit_cycles + 2 * (rows_used - 1) + (cols_used - 1) + 2 + 1;
}

}  // namespace mixpe
