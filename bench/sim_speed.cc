// Simulation-speed benchmark of the Verilator harness on the core built from the main hardware
// YAML: runs one quantized GEMM (the config's default formats) through the RTL and prints
// simulated cycles per second, with the golden-model check timed separately. Figures vary by
// about +-20% between runs on a shared machine.
// Usage: mixpe_bench_sim_speed [k] [tiles] [repeats]
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "Vmixpe_core_main.h"
#include "compiler/gemm_schedule.h"
#include "model/hardware_config.h"
#include "model/mixpe_array.h"
#include "rtl_params.h"
#include "sim/layer_report.h"
#include "sim/verilated_core.h"

int main(int argc, char** argv) {
  using Clock = std::chrono::steady_clock;
  const int64_t k = argc > 1 ? std::atoll(argv[1]) : 4096;
  const int64_t tiles = argc > 2 ? std::atoll(argv[2]) : 32;
  const int repeats = argc > 3 ? std::atoi(argv[3]) : 3;
  const mixpe::HardwareConfig config = mixpe::LoadHardwareConfig(mixpe::rtl_params::kConfigFile);
  mixpe::GemmLayer layer;
  layer.name = "bench";
  layer.m = config.rows;
  layer.k = k;
  layer.n = config.cols * tiles;
  const mixpe::LayerData data = mixpe::MakeLayerData(config, layer, 42);
  const mixpe::CoreSchedule schedule =
      mixpe::TileCoreGemm(config, "bench", layer.m, layer.k, layer.n, data.formats.unit);
  mixpe::VerilatedCore<Vmixpe_core_main> core(config.rows, config.cols, config.weight_bits);

  std::printf("core %s from %s\n", mixpe::ShortDescription(config).c_str(),
              mixpe::rtl_params::kConfigFile);
  std::printf("gemm M=%lld K=%lld N=%lld (%lld tiles), %s x %s, %d repeats\n",
              static_cast<long long>(layer.m), static_cast<long long>(layer.k),
              static_cast<long long>(layer.n), static_cast<long long>(schedule.tiles.size()),
              data.formats.weights.Name().c_str(), data.formats.activations.Name().c_str(),
              repeats);
  double best_rate = 0;
  for (int r = 0; r < repeats; ++r) {
    const auto t0 = Clock::now();
    const mixpe::CoreRunResult run = core.Run(schedule, data.core, 1LL << 40);
    const auto t1 = Clock::now();
    const mixpe::LayerReport report = mixpe::CheckLayer(config, layer, data, run);
    const auto t2 = Clock::now();
    const double sim_s = std::chrono::duration<double>(t1 - t0).count();
    const double check_s = std::chrono::duration<double>(t2 - t1).count();
    const double rate = static_cast<double>(run.cycles) / sim_s;
    best_rate = rate > best_rate ? rate : best_rate;
    std::printf(
        "run %d: %lld cycles in %.3f s: %.0f cycles/s, %.1f M PE-cycles/s; "
        "golden check %.3f s (%s)\n",
        r, static_cast<long long>(run.cycles), sim_s, rate, rate * config.rows * config.cols / 1e6,
        check_s, report.pass() ? "bit-exact" : "MISMATCH");
    if (!report.pass()) return 1;
  }
  std::printf("best: %.0f simulated cycles/s (%.1f M PE-cycles/s)\n", best_rate,
              best_rate * config.rows * config.cols / 1e6);
  return 0;
}
