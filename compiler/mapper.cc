// The mapper; see mapper.h.
#include "compiler/mapper.h"

#include <algorithm>
#include <map>
#include <tuple>

#include "model/input_error.h"

namespace mixpe {

const char* MapObjectiveName(MapObjective objective) {
  switch (objective) {
    case MapObjective::kCycles:
      return "cycles";
    case MapObjective::kEnergy:
      return "energy";
    case MapObjective::kEnergyDelay:
      return "edp";
  }
  return "?";
}

MapObjective ParseMapObjective(const std::string& name, const std::string& what) {
  if (name == "cycles") return MapObjective::kCycles;
  if (name == "energy") return MapObjective::kEnergy;
  if (name == "edp") return MapObjective::kEnergyDelay;
  throw InputError(what + ": unknown objective '" + name + "', expected cycles, energy or edp");
}

double MapCandidate::Cost(MapObjective objective) const {
  switch (objective) {
    case MapObjective::kCycles:
      return static_cast<double>(cycles);
    case MapObjective::kEnergy:
      return energy_pj;
    case MapObjective::kEnergyDelay:
      return energy_pj * static_cast<double>(cycles);
  }
  return 0;
}

namespace {

// Evaluates candidates and keeps the cheapest.
class Search {
 public:
  Search(const HardwareConfig& config, const GemmLayer& layer, const LayerFormats& formats,
         MapObjective objective, const std::vector<uint8_t>& group_bits)
      : config_(config),
        layer_(layer),
        formats_(formats),
        objective_(objective),
        group_bits_(group_bits) {}

  // Whether the plan's regions fit the buffers: the layout alone, no timing.
  bool Fits(const TilePlan& plan) const {
    try {
      CheckBuffersFit(config_, formats_, Schedule(plan), group_bits_);
      return true;
    } catch (const InputError&) {
      return false;
    }
  }

  // Evaluates `plan` (once) and returns its candidate; rejected if it does not fit.
  const MapCandidate& Evaluate(const TilePlan& plan) {
    const auto key =
        std::make_tuple(plan.loop_order, plan.block_m_tiles, plan.block_n_tiles, plan.k_chunks);
    const auto seen = index_.find(key);
    if (seen != index_.end()) return result_.candidates[seen->second];
    index_.emplace(key, result_.candidates.size());
    CoreSchedule schedule;
    MapCandidate candidate;
    candidate.plan = plan;
    LayerMemoryPrediction prediction;
    try {
      schedule = Schedule(plan);
      prediction = PredictLayerMemory(config_, formats_, schedule, group_bits_);
    } catch (const InputError& e) {
      candidate.rejected = e.what();
      result_.candidates.push_back(candidate);
      return result_.candidates.back();
    }
    candidate.cycles = prediction.cycles;
    candidate.energy_pj = prediction.energy.TotalPj();
    result_.candidates.push_back(candidate);
    if (chosen_ < 0 || candidate.Cost(objective_) < result_.candidates[chosen_].Cost(objective_)) {
      chosen_ = static_cast<int>(result_.candidates.size()) - 1;
      result_.schedule = schedule;
      result_.prediction = std::move(prediction);
    }
    return result_.candidates.back();
  }

  MappedLayer Finish() {
    if (chosen_ >= 0) return std::move(result_);
    std::string reason = result_.candidates.front().rejected;
    // Where whole K did not fit, also why no split did (the first candidate is whole K unless
    // the trace fixed k_chunks).
    const bool whole_k_first = result_.candidates.front().plan.k_chunks == 1;
    for (auto it = result_.candidates.rbegin(); whole_k_first && it != result_.candidates.rend();
         ++it) {
      if (it->plan.k_chunks > 1) {
        reason += "; nor does any split of K into chunks, e.g. " + it->rejected;
        break;
      }
    }
    throw InputError(reason);
  }

  // The chunk counts above 1 that cut K into whole reduction units, ascending (whether they also
  // cut between weight groups and scale blocks, the layout checks).
  std::vector<int64_t> ChunkCounts() const {
    std::vector<int64_t> counts;
    const int64_t units = layer_.k / formats_.unit;
    for (int64_t c = 2; c <= units; ++c) {
      if (units % c == 0) counts.push_back(c);
    }
    return counts;
  }

  int64_t MTiles() const { return (layer_.m + config_.rows - 1) / config_.rows; }
  int64_t NTiles() const { return (layer_.n + config_.cols - 1) / config_.cols; }

  // The largest value in [1, most] of one block (the other fixed as in `plan`) whose regions
  // fit, by bisection (a larger block never needs less room); 0 if even 1 does not fit.
  int64_t LargestFitting(TilePlan plan, int64_t TilePlan::*block, int64_t most) const {
    int64_t fits = 0;
    int64_t overflows = most + 1;
    while (overflows - fits > 1) {
      const int64_t mid = fits + (overflows - fits) / 2;
      plan.*block = mid;
      (Fits(plan) ? fits : overflows) = mid;
    }
    return fits;
  }

  // Evaluates `plan` with `block` set to 1, 2, 4, ... and to the largest that fits; returns the
  // best of them (by the objective), or `plan` with block 1 if none fits.
  TilePlan Scan(TilePlan plan, int64_t TilePlan::*block, int64_t most) {
    const int64_t largest = LargestFitting(plan, block, most);
    TilePlan best = plan;
    best.*block = 1;
    double best_cost = -1;
    auto consider = [&](int64_t value) {
      plan.*block = value;
      const MapCandidate& c = Evaluate(plan);
      if (!c.rejected.empty()) return;
      if (best_cost < 0 || c.Cost(objective_) < best_cost) {
        best_cost = c.Cost(objective_);
        best = plan;
      }
    };
    for (int64_t value = 1; value < largest; value *= 2) consider(value);
    if (largest >= 1) consider(largest);
    if (largest == 0) consider(1);  // records why the smallest block does not fit
    return best;
  }

 private:
  CoreSchedule Schedule(const TilePlan& plan) const {
    return TileCoreGemm(config_, layer_.name, layer_.m, layer_.k, layer_.n, formats_.unit, plan);
  }

  const HardwareConfig& config_;
  const GemmLayer& layer_;
  const LayerFormats& formats_;
  MapObjective objective_;
  const std::vector<uint8_t>& group_bits_;
  MappedLayer result_;
  std::map<std::tuple<LoopOrder, int64_t, int64_t, int64_t>, size_t> index_;  // plan -> candidate
  int chosen_ = -1;
};

}  // namespace

MappedLayer MapLayer(const HardwareConfig& config, const GemmLayer& layer,
                     const LayerFormats& formats, MapObjective objective,
                     const std::vector<uint8_t>& weight_group_bits, MapSearch search) {
  std::vector<LoopOrder> orders = {LoopOrder::kMOuter, LoopOrder::kNOuter};
  if (!layer.loop_order.empty()) {
    orders = {ParseLoopOrder(layer.loop_order, layer.source_file + ": layer " + layer.name)};
  }
  Search s(config, layer, formats, objective, weight_group_bits);
  // Blocks the trace gives are kept (0: searched); they must not exceed the layer's tiles.
  const std::string where = layer.source_file + ": layers[" + std::to_string(layer.index) + "].";
  auto check_block = [&](const char* key, int64_t block, int64_t tiles, const char* side) {
    if (block <= tiles) return;
    throw InputError(where + key + ": layer " + layer.name + " has " + std::to_string(tiles) + " " +
                     side + "-tiles on the " + std::to_string(config.rows) + "x" +
                     std::to_string(config.cols) + " array of " + config.source_file + ", got " +
                     std::to_string(block));
  };
  check_block("block_m_tiles", layer.block_m_tiles, s.MTiles(), "M");
  check_block("block_n_tiles", layer.block_n_tiles, s.NTiles(), "N");
  // A k_chunks the trace gives must cut K into whole units and come with blocks of 1 x 1.
  if (layer.k_chunks > 1) {
    const std::string chunks =
        "layer " + layer.name + ": k_chunks=" + std::to_string(layer.k_chunks);
    if (layer.k % layer.k_chunks != 0 || (layer.k / layer.k_chunks) % formats.unit != 0) {
      throw InputError(where + "k_chunks: " + chunks + " does not cut K=" +
                       std::to_string(layer.k) + " into equal chunks of whole " +
                       std::to_string(formats.unit) + "-element reduction units (" +
                       formats.weights.Name() + " x " + formats.activations.Name() + ")");
    }
    if (layer.block_m_tiles > 1 || layer.block_n_tiles > 1) {
      throw InputError(where + "k_chunks: " + chunks + " with blocks of " +
                       std::to_string(std::max<int64_t>(layer.block_m_tiles, 1)) + "x" +
                       std::to_string(std::max<int64_t>(layer.block_n_tiles, 1)) +
                       " tiles: a layer whose K is split is loaded one tile's chunk at a time, "
                       "so expected block_m_tiles and block_n_tiles of 1 (or left out)");
    }
  }
  const int64_t first_m = layer.block_m_tiles > 0 ? layer.block_m_tiles : 1;
  const int64_t first_n = layer.block_n_tiles > 0 ? layer.block_n_tiles : 1;
  const int64_t last_m = layer.block_m_tiles > 0 ? layer.block_m_tiles : s.MTiles();
  const int64_t last_n = layer.block_n_tiles > 0 ? layer.block_n_tiles : s.NTiles();
  if (layer.k_chunks > 1) {
    // A split K is loaded one tile's chunk at a time: only the loop order is searched.
    for (LoopOrder order : orders) s.Evaluate(TilePlan{order, first_m, first_n, layer.k_chunks});
    return s.Finish();
  }
  // The smallest plan of the first order first: its reason is the one reported if none fits.
  const bool whole_k_fits = s.Fits(TilePlan{orders.front(), first_m, first_n});
  s.Evaluate(TilePlan{orders.front(), first_m, first_n});
  for (LoopOrder order : orders) {
    TilePlan plan{order, first_m, first_n};
    if (search == MapSearch::kExhaustive) {
      for (int64_t bn = first_n; bn <= last_n; ++bn) {
        for (int64_t bm = first_m; bm <= last_m; ++bm) {
          if (!s.Evaluate(TilePlan{order, bm, bn}).rejected.empty()) break;
        }
      }
      continue;
    }
    // The reuse block first, then the other one from the best; a block the trace gives is not
    // scanned.
    const bool m_outer = order == LoopOrder::kMOuter;
    int64_t TilePlan::*reuse = m_outer ? &TilePlan::block_m_tiles : &TilePlan::block_n_tiles;
    int64_t TilePlan::*other = m_outer ? &TilePlan::block_n_tiles : &TilePlan::block_m_tiles;
    const bool reuse_fixed = (m_outer ? layer.block_m_tiles : layer.block_n_tiles) > 0;
    const bool other_fixed = (m_outer ? layer.block_n_tiles : layer.block_m_tiles) > 0;
    const int64_t reuse_most = m_outer ? s.MTiles() : s.NTiles();
    const int64_t other_most = m_outer ? s.NTiles() : s.MTiles();
    if (!reuse_fixed) plan = s.Scan(plan, reuse, reuse_most);
    if (!other_fixed) plan = s.Scan(plan, other, other_most);
    s.Evaluate(plan);
  }
  // Splits of K (blocks of 1 x 1), unless the trace fixes k_chunks or a block. Guided: the
  // fewest chunks that fit, and, where whole K does not fit, also about twice and four times as
  // many; exhaustive: every count.
  if (layer.k_chunks == 1 || layer.block_m_tiles > 1 || layer.block_n_tiles > 1) return s.Finish();
  const std::vector<int64_t> counts = s.ChunkCounts();
  for (LoopOrder order : orders) {
    if (search == MapSearch::kExhaustive) {
      for (int64_t c : counts) s.Evaluate(TilePlan{order, 1, 1, c});
      continue;
    }
    size_t i = 0;
    while (i < counts.size() && !s.Fits(TilePlan{order, 1, 1, counts[i]})) ++i;
    if (i == counts.size()) {
      if (!counts.empty()) s.Evaluate(TilePlan{order, 1, 1, counts.back()});  // records why
      continue;
    }
    const int64_t fewest = counts[i];
    for (int64_t target : {fewest, 2 * fewest, 4 * fewest}) {
      while (i < counts.size() && counts[i] < target) ++i;
      if (i == counts.size()) break;
      s.Evaluate(TilePlan{order, 1, 1, counts[i]});
      if (whole_k_fits) break;
    }
  }
  return s.Finish();
}

}  // namespace mixpe
