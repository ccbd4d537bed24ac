// Output-stationary tiling of a GEMM over the array; see gemm_schedule.h.
#include "compiler/gemm_schedule.h"

#include <algorithm>
#include <sstream>

#include "model/input_error.h"
#include "model/mixpe_array.h"

namespace mixpe {
namespace {

// The output tiles of an M x N result in `order`; start cycles left at 0.
std::vector<ArrayTile> CutTiles(const HardwareConfig& config, int64_t m, int64_t n,
                                LoopOrder order = LoopOrder::kMOuter) {
  std::vector<ArrayTile> tiles;
  auto add = [&](int64_t m0, int64_t n0) {
    ArrayTile tile;
    tile.m0 = m0;
    tile.n0 = n0;
    tile.rows_used = static_cast<int>(std::min<int64_t>(config.rows, m - m0));
    tile.cols_used = static_cast<int>(std::min<int64_t>(config.cols, n - n0));
    tiles.push_back(tile);
  };
  if (order == LoopOrder::kMOuter) {
    for (int64_t m0 = 0; m0 < m; m0 += config.rows) {
      for (int64_t n0 = 0; n0 < n; n0 += config.cols) add(m0, n0);
    }
  } else {
    for (int64_t n0 = 0; n0 < n; n0 += config.cols) {
      for (int64_t m0 = 0; m0 < m; m0 += config.rows) add(m0, n0);
    }
  }
  return tiles;
}

}  // namespace

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
  s.tiles = CutTiles(config, m, n);
  for (size_t t = 0; t < s.tiles.size(); ++t) {
    s.tiles[t].start_cycle = static_cast<int64_t>(t) * s.tile_interval;
  }
  return s;
}

const char* LoopOrderName(LoopOrder order) {
  return order == LoopOrder::kMOuter ? "m_outer" : "n_outer";
}

LoopOrder ParseLoopOrder(const std::string& name, const std::string& what) {
  if (name == "m_outer") return LoopOrder::kMOuter;
  if (name == "n_outer") return LoopOrder::kNOuter;
  throw InputError(what + ": unknown loop order '" + name + "', expected m_outer or n_outer");
}

CoreSchedule TileCoreGemm(const HardwareConfig& config, const std::string& layer, int64_t m,
                          int64_t k, int64_t n, int unit, LoopOrder loop_order) {
  if (m < 1 || k < 1 || n < 1) {
    throw InputError("layer " + layer + ": M, K and N must be at least 1");
  }
  if (unit < 1) {
    throw InputError("layer " + layer + ": the reduction unit must be at least 1, got " +
                     std::to_string(unit));
  }
  if (k % unit != 0) {
    throw InputError("layer " + layer + ": K=" + std::to_string(k) +
                     " is not a multiple of the reduction unit " + std::to_string(unit));
  }
  if (unit > config.max_k) {
    throw InputError("layer " + layer + ": the reduction unit " + std::to_string(unit) +
                     " exceeds pe.max_k=" + std::to_string(config.max_k) + " of " +
                     config.source_file + " (the longest unit the accumulator holds exactly)");
  }
  CoreSchedule s;
  s.layer = layer;
  s.m = m;
  s.k = k;
  s.n = n;
  s.unit = unit;
  s.units_per_tile = k / unit;
  s.array_rows = config.rows;
  s.array_cols = config.cols;
  s.unit_interval = MixpeArray(config).UnitInterval(unit);  // the cycle model's spacing
  s.loop_order = loop_order;
  s.tiles = CutTiles(config, m, n, loop_order);
  for (size_t t = 0; t < s.tiles.size(); ++t) {
    s.tiles[t].start_cycle = s.UnitStart(static_cast<int64_t>(t), 0);
  }
  return s;
}

std::string FormatCoreSchedule(const CoreSchedule& s) {
  std::ostringstream out;
  out << "core " << s.layer << " m=" << s.m << " k=" << s.k << " n=" << s.n << " unit=" << s.unit
      << " units_per_tile=" << s.units_per_tile << " array=" << s.array_rows << "x" << s.array_cols
      << " unit_interval=" << s.unit_interval << " tiles=" << s.tiles.size() << "\n";
  for (size_t i = 0; i < s.tiles.size(); ++i) {
    const ArrayTile& t = s.tiles[i];
    const int64_t first = static_cast<int64_t>(i) * s.units_per_tile;
    out << "tile " << i << " m0=" << t.m0 << " n0=" << t.n0 << " rows=" << t.rows_used
        << " cols=" << t.cols_used << " units=" << first << ".." << first + s.units_per_tile - 1
        << " start=" << t.start_cycle << "\n";
  }
  return out.str();
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
