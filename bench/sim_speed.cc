// Simulation-speed benchmark of the Verilator harness on the array built from the main hardware
// YAML: runs GEMMs through the RTL and prints simulated cycles per second, with the golden-model
// check timed separately. Figures vary by about +-20% between runs on a shared machine.
// Usage: mixpe_bench_sim_speed [k] [tiles] [repeats]
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "Vmixpe_array_main.h"
#include "compiler/gemm_schedule.h"
#include "model/hardware_config.h"
#include "model/mixpe_array.h"
#include "rtl_params.h"
#include "sim/verilated_array.h"

int main(int argc, char** argv) {
  using Clock = std::chrono::steady_clock;
  const int64_t k = argc > 1 ? std::atoll(argv[1]) : 4096;
  const int64_t tiles = argc > 2 ? std::atoll(argv[2]) : 32;
  const int repeats = argc > 3 ? std::atoi(argv[3]) : 3;
  const mixpe::HardwareConfig config = mixpe::LoadHardwareConfig(mixpe::rtl_params::kConfigFile);
  const int64_t m = config.rows;
  const int64_t n = config.cols * tiles;
  const mixpe::GemmOperands ops =
      mixpe::RandomGemmOperands(m, k, n, config.activation_bits, config.weight_bits, 42);
  const mixpe::GemmSchedule schedule = mixpe::TileGemm(config, "bench", m, k, n);
  const mixpe::MixpeArray golden(config);
  mixpe::VerilatedArray<Vmixpe_array_main> array(config.rows, config.cols, config.accumulator_bits);

  std::printf("array %s from %s\n", mixpe::ShortDescription(config).c_str(),
              mixpe::rtl_params::kConfigFile);
  std::printf("gemm M=%lld K=%lld N=%lld (%lld tiles), %d repeats\n", static_cast<long long>(m),
              static_cast<long long>(k), static_cast<long long>(n),
              static_cast<long long>(schedule.tiles.size()), repeats);
  double best_rate = 0;
  for (int r = 0; r < repeats; ++r) {
    const auto t0 = Clock::now();
    const mixpe::ArrayRunResult run = array.Run(schedule, ops, 1LL << 40);
    const auto t1 = Clock::now();
    const bool exact = run.error.empty() && run.outputs == golden.Gemm(ops);
    const auto t2 = Clock::now();
    const double sim_s = std::chrono::duration<double>(t1 - t0).count();
    const double check_s = std::chrono::duration<double>(t2 - t1).count();
    const double rate = static_cast<double>(run.cycles) / sim_s;
    best_rate = rate > best_rate ? rate : best_rate;
    std::printf(
        "run %d: %lld cycles in %.3f s: %.0f cycles/s, %.1f M PE-cycles/s; "
        "golden check %.3f s (%s)\n",
        r, static_cast<long long>(run.cycles), sim_s, rate, rate * config.rows * config.cols / 1e6,
        check_s, exact ? "bit-exact" : "MISMATCH");
    if (!exact) return 1;
  }
  std::printf("best: %.0f simulated cycles/s (%.1f M PE-cycles/s)\n", best_rate,
              best_rate * config.rows * config.cols / 1e6);
  return 0;
}
