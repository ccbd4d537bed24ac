// The mapper; see mapper.h.
#include "compiler/mapper.h"

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

MappedLayer MapLayer(const HardwareConfig& config, const GemmLayer& layer,
                     const LayerFormats& formats, MapObjective objective,
                     const std::vector<uint8_t>& weight_group_bits) {
  std::vector<LoopOrder> orders = {LoopOrder::kMOuter, LoopOrder::kNOuter};
  if (!layer.loop_order.empty()) {
    orders = {ParseLoopOrder(layer.loop_order, layer.source_file + ": layer " + layer.name)};
  }
  MappedLayer best;
  int chosen = -1;
  for (LoopOrder order : orders) {
    const CoreSchedule schedule =
        TileCoreGemm(config, layer.name, layer.m, layer.k, layer.n, formats.unit, order);
    MapCandidate candidate;
    candidate.loop_order = order;
    LayerMemoryPrediction prediction;
    try {
      prediction = PredictLayerMemory(config, formats, schedule, weight_group_bits);
    } catch (const InputError& e) {
      candidate.rejected = e.what();
      best.candidates.push_back(candidate);
      continue;
    }
    candidate.cycles = prediction.cycles;
    candidate.energy_pj = prediction.energy.TotalPj();
    best.candidates.push_back(candidate);
    if (chosen < 0 || candidate.Cost(objective) < best.candidates[chosen].Cost(objective)) {
      chosen = static_cast<int>(best.candidates.size()) - 1;
      best.schedule = schedule;
      best.prediction = std::move(prediction);
    }
  }
  if (chosen < 0) throw InputError(best.candidates.front().rejected);
  return best;
}

}  // namespace mixpe
