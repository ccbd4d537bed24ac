// Output-stationary tiling of a GEMM over the array; see gemm_schedule.h.
#include "compiler/gemm_schedule.h"

#include <algorithm>
#include <sstream>

#include "compiler/layer_trace.h"
#include "model/input_error.h"
#include "model/mixpe_array.h"

namespace mixpe {
namespace {

// The output tiles of an M x N result in the plan's order (blocks in the loop order, the tiles of
// a block in the loop order); start cycles left at 0.
std::vector<ArrayTile> CutTiles(const HardwareConfig& config, int64_t m, int64_t n,
                                const TilePlan& plan = {}) {
  const int64_t m_tiles = (m + config.rows - 1) / config.rows;
  const int64_t n_tiles = (n + config.cols - 1) / config.cols;
  std::vector<ArrayTile> tiles;
  auto add = [&](int64_t i, int64_t j) {  // M-tile i, N-tile j
    ArrayTile tile;
    tile.m0 = i * config.rows;
    tile.n0 = j * config.cols;
    tile.rows_used = static_cast<int>(std::min<int64_t>(config.rows, m - tile.m0));
    tile.cols_used = static_cast<int>(std::min<int64_t>(config.cols, n - tile.n0));
    tiles.push_back(tile);
  };
  // The tiles of the block whose first M-tile is i0 and first N-tile j0.
  auto block = [&](int64_t i0, int64_t j0) {
    const int64_t i1 = std::min(m_tiles, i0 + plan.block_m_tiles);
    const int64_t j1 = std::min(n_tiles, j0 + plan.block_n_tiles);
    if (plan.loop_order == LoopOrder::kMOuter) {
      for (int64_t i = i0; i < i1; ++i) {
        for (int64_t j = j0; j < j1; ++j) add(i, j);
      }
    } else {
      for (int64_t j = j0; j < j1; ++j) {
        for (int64_t i = i0; i < i1; ++i) add(i, j);
      }
    }
  };
  if (plan.loop_order == LoopOrder::kMOuter) {
    for (int64_t i0 = 0; i0 < m_tiles; i0 += plan.block_m_tiles) {
      for (int64_t j0 = 0; j0 < n_tiles; j0 += plan.block_n_tiles) block(i0, j0);
    }
  } else {
    for (int64_t j0 = 0; j0 < n_tiles; j0 += plan.block_n_tiles) {
      for (int64_t i0 = 0; i0 < m_tiles; i0 += plan.block_m_tiles) block(i0, j0);
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
                          int64_t k, int64_t n, int unit, const TilePlan& plan) {
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
  if (config.design == PeDesign::kInt8Mac && k > config.max_k) {
    throw InputError("layer " + layer + ": K=" + std::to_string(k) + " exceeds pe.max_k=" +
                     std::to_string(config.max_k) + " of " + config.source_file +
                     ": the INT8 core sums all of K exactly before its one dequantization");
  }
  const int64_t m_tiles = (m + config.rows - 1) / config.rows;
  const int64_t n_tiles = (n + config.cols - 1) / config.cols;
  auto check_block = [&](const char* key, int64_t block, int64_t tiles, const char* side) {
    if (block >= 1 && block <= tiles) return;
    throw InputError("layer " + layer + ": " + key + "=" + std::to_string(block) +
                     " is outside [1, " + std::to_string(tiles) + "], the layer's " + side +
                     "-tiles on the " + std::to_string(config.rows) + "x" +
                     std::to_string(config.cols) + " array of " + config.source_file);
  };
  check_block("block_m_tiles", plan.block_m_tiles, m_tiles, "M");
  check_block("block_n_tiles", plan.block_n_tiles, n_tiles, "N");
  if (plan.k_chunks < 1 || k % plan.k_chunks != 0 || (k / plan.k_chunks) % unit != 0) {
    throw InputError("layer " + layer + ": k_chunks=" + std::to_string(plan.k_chunks) +
                     " does not cut K=" + std::to_string(k) + " into equal chunks of whole " +
                     std::to_string(unit) + "-element reduction units");
  }
  if (plan.k_chunks > 1 && (plan.block_m_tiles > 1 || plan.block_n_tiles > 1)) {
    throw InputError("layer " + layer + ": k_chunks=" + std::to_string(plan.k_chunks) +
                     " with blocks of " + std::to_string(plan.block_m_tiles) + "x" +
                     std::to_string(plan.block_n_tiles) +
                     " tiles: a layer whose K is split is loaded one tile's chunk at a time, in "
                     "blocks of 1x1");
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
  s.unit_cycles = ThroughputOf(config).StreamCycles(unit);
  s.loop_order = plan.loop_order;
  s.block_m_tiles = plan.block_m_tiles;
  s.block_n_tiles = plan.block_n_tiles;
  s.k_chunks = plan.k_chunks;
  s.tiles = CutTiles(config, m, n, plan);
  for (size_t t = 0; t < s.tiles.size(); ++t) {
    s.tiles[t].start_cycle = s.UnitStart(static_cast<int64_t>(t), 0);
  }
  return s;
}

TilePlan TracePlanOf(const GemmLayer& layer) {
  TilePlan plan;
  if (!layer.loop_order.empty()) {
    plan.loop_order = ParseLoopOrder(layer.loop_order, "layer " + layer.name);
  }
  if (layer.block_m_tiles > 0) plan.block_m_tiles = layer.block_m_tiles;
  if (layer.block_n_tiles > 0) plan.block_n_tiles = layer.block_n_tiles;
  if (layer.k_chunks > 0) plan.k_chunks = layer.k_chunks;
  return plan;
}

std::string TilePlanText(const TilePlan& plan) {
  std::string text = std::string(LoopOrderName(plan.loop_order)) + " " +
                     std::to_string(plan.block_m_tiles) + "x" + std::to_string(plan.block_n_tiles);
  if (plan.k_chunks > 1) text += " k/" + std::to_string(plan.k_chunks);
  return text;
}

int64_t CoreScheduleCycles(const CoreSchedule& s) {
  int64_t cycles = 0;
  for (size_t t = 0; t < s.tiles.size(); ++t) {
    const ArrayTile& tile = s.tiles[t];
    const int64_t last_unit_start = s.UnitStart(static_cast<int64_t>(t), s.units_per_tile - 1);
    cycles = std::max(cycles, MixpeArray::CoreCyclesThroughTile(last_unit_start, s.unit_cycles,
                                                                tile.rows_used, tile.cols_used));
  }
  return cycles;
}

std::string FormatCoreSchedule(const CoreSchedule& s) {
  std::ostringstream out;
  out << "core " << s.layer << " m=" << s.m << " k=" << s.k << " n=" << s.n << " unit=" << s.unit
      << " units_per_tile=" << s.units_per_tile << " array=" << s.array_rows << "x" << s.array_cols
      << " unit_interval=" << s.unit_interval;
  if (s.block_m_tiles > 1 || s.block_n_tiles > 1) {
    out << " block=" << s.block_m_tiles << "x" << s.block_n_tiles;
  }
  if (s.k_chunks > 1) out << " k_chunks=" << s.k_chunks;
  out << " tiles=" << s.tiles.size() << "\n";
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
