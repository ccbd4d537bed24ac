// The mapper's speed and quality (compiler/mapper.h). For every layer of a trace, at decode (the
// trace's M) and at prefill (M = the prompt length times the batch), on a hardware YAML:
//   - the guided search, per objective: candidates evaluated, wall time, the plan chosen;
//   - the exhaustive search over every plan that fits: its candidates and wall time, and how far
//     the guided choice is from its optimum (cost of the guided choice / the optimum - 1).
// Usage: mixpe_bench_mapper_search <hardware.yaml> <trace.yaml> [prefill M ...]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "compiler/layer_trace.h"
#include "compiler/mapper.h"
#include "model/hardware_config.h"
#include "model/input_error.h"

namespace {

using Clock = std::chrono::steady_clock;
using namespace mixpe;

double Seconds(Clock::time_point begin) {
  return std::chrono::duration<double>(Clock::now() - begin).count();
}

double Optimum(const std::vector<MapCandidate>& candidates, MapObjective objective) {
  double best = -1;
  for (const MapCandidate& c : candidates) {
    if (c.rejected.empty() && (best < 0 || c.Cost(objective) < best)) best = c.Cost(objective);
  }
  return best;
}

int Run(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s <hardware.yaml> <trace.yaml> [prefill M ...]\n", argv[0]);
    return 2;
  }
  const HardwareConfig config = LoadHardwareConfig(argv[1]);
  const LayerTrace trace = LoadLayerTrace(argv[2]);
  std::vector<int64_t> sizes;  // M of each pass: the trace's own, then each prefill size
  sizes.push_back(0);
  for (int i = 3; i < argc; ++i) sizes.push_back(std::atoll(argv[i]));
  const MapObjective objectives[] = {MapObjective::kCycles, MapObjective::kEnergy,
                                     MapObjective::kEnergyDelay};

  std::printf("mapper search on %s (%dx%d), trace %s\n", config.name.c_str(), config.rows,
              config.cols, argv[2]);
  std::printf("%-10s %6s %6s %6s %-7s %6s %9s %-13s %7s %10s %9s\n", "layer", "M", "K", "N", "goal",
              "guided", "guided_ms", "plan", "exhaust", "exhaust_ms", "from_opt");
  double worst = 0;
  double slowest = 0;
  int64_t guided_total = 0;
  int64_t exhaustive_total = 0;
  for (int64_t m : sizes) {
    for (GemmLayer layer : trace.layers) {
      if (m > 0) layer.m = m;
      const LayerFormats formats = ResolveLayerFormats(layer, config);
      const Clock::time_point exhaustive_begin = Clock::now();
      const std::vector<MapCandidate> every =
          MapLayer(config, layer, formats, MapObjective::kCycles, {}, MapSearch::kExhaustive)
              .candidates;
      const double exhaustive_seconds = Seconds(exhaustive_begin);
      for (MapObjective objective : objectives) {
        const Clock::time_point begin = Clock::now();
        const MappedLayer guided = MapLayer(config, layer, formats, objective);
        const double seconds = Seconds(begin);
        MapCandidate chosen;
        chosen.cycles = guided.prediction.cycles;
        chosen.energy_pj = guided.prediction.energy.TotalPj();
        const double from_optimum = chosen.Cost(objective) / Optimum(every, objective) - 1;
        worst = std::max(worst, from_optimum);
        slowest = std::max(slowest, seconds);
        guided_total += static_cast<int64_t>(guided.candidates.size());
        exhaustive_total += static_cast<int64_t>(every.size());
        std::printf("%-10s %6lld %6lld %6lld %-7s %6zu %9.1f %-13s %7zu %10.1f %8.3f%%\n",
                    layer.name.c_str(), static_cast<long long>(layer.m),
                    static_cast<long long>(layer.k), static_cast<long long>(layer.n),
                    MapObjectiveName(objective), guided.candidates.size(), seconds * 1e3,
                    TilePlanText(guided.schedule.plan()).c_str(), every.size(),
                    exhaustive_seconds * 1e3, 100 * from_optimum);
      }
    }
  }
  std::printf(
      "guided search: worst %.3f%% above the exhaustive optimum, slowest %.3f s a layer; "
      "%lld candidates evaluated against %lld\n",
      100 * worst, slowest, static_cast<long long>(guided_total),
      static_cast<long long>(exhaustive_total));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return Run(argc, argv);
  } catch (const InputError& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 2;
  }
}
