// Output-stationary tiling of a GEMM over the array; see gemm_schedule.h.
#include "compiler/gemm_schedule.h"

#include <algorithm>
#include <sstream>

#include "model/input_error.h"

namespace mixpe {

GemmSchedule TileGemm(const HardwareConfig& config, const std::string& layer, int64_t m, int64_t k,
                      int64_t n) {
  if (m < 1 || k < 1 || n < 1) {
    throw InputError("layer " + layer + ": M, K and N must be at least 1");
  }
  if (k > config.max_k) {
    throw InputError("layer " + layer + ": K=" + std::to_string(k) +
                     " exceeds pe.max_k=" + std::to_string(config.max_k) + " of " +
                     config.source_file + " (the reduction length the accumulator is sized for)");
  }
  GemmSchedule s;
  s.layer = layer;
  s.m = m;
  s.k = k;
  s.n = n;
  s.array_rows = config.rows;
  s.array_cols = config.cols;
  s.tile_interval = std::max<int64_t>(k, 2 * int64_t{config.rows} - 1);
  int64_t start = 0;
  for (int64_t m0 = 0; m0 < m; m0 += config.rows) {
    for (int64_t n0 = 0; n0 < n; n0 += config.cols) {
      ArrayTile tile;
      tile.m0 = m0;
      tile.n0 = n0;
      tile.rows_used = static_cast<int>(std::min<int64_t>(config.rows, m - m0));
      tile.cols_used = static_cast<int>(std::min<int64_t>(config.cols, n - n0));
      tile.start_cycle = start;
      s.tiles.push_back(tile);
      start += s.tile_interval;
    }
  }
  return s;
}

std::string FormatSchedule(const GemmSchedule& s) {
  std::ostringstream out;
  out << "gemm " << s.layer << " m=" << s.m << " k=" << s.k << " n=" << s.n
      << " array=" << s.array_rows << "x" << s.array_cols << " tile_interval=" << s.tile_interval
      << " tiles=" << s.tiles.size() << "\n";
  for (size_t i = 0; i < s.tiles.size(); ++i) {
    const ArrayTile& t = s.tiles[i];
    out << "tile " << i << " m0=" << t.m0 << " n0=" << t.n0 << " rows=" << t.rows_used
        << " cols=" << t.cols_used << " start=" << t.start_cycle << "\n";
  }
  return out.str();
}

}  // namespace mixpe
