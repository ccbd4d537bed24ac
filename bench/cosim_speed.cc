// Co-simulation speed against the bare Verilator harness, on the same RTL (the core built from
// the main hardware YAML) and the same layer of a trace: the bare harness runs the core alone on
// an ideal memory (VerilatedCore::Run), the co-simulation runs DRAM, buffers, NoC and the core
// in SystemC (sim/cosim/accelerator.h). Prints simulated cycles per second of each and their
// ratio, run by run (the two alternate, so a noisy machine slows both alike), and checks both
// bit for bit against the golden model.
// Usage: mixpe_bench_cosim_speed [trace.yaml] [layer] [repeats]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

// The core: the main one, or one of bench/performance.sh's other array sizes (CMakeLists.txt).
#ifdef MIXPE_BENCH_CORE
#include MIXPE_BENCH_CORE_HEADER
using BenchCore = MIXPE_BENCH_CORE;
#else
#include "Vmixpe_core_main.h"
using BenchCore = Vmixpe_core_main;
#endif
#include "compiler/gemm_schedule.h"
#include "compiler/layer_trace.h"
#include "model/hardware_config.h"
#include "model/mpgemm.h"
#include "rtl_params.h"
#include "sim/cosim/accelerator.h"
#include "sim/layer_report.h"
#include "sim/verilated_core.h"

namespace {

bool BitExact(const std::vector<float>& expected, const std::vector<uint32_t>& outputs) {
  for (size_t i = 0; i < expected.size(); ++i) {
    uint32_t bits;
    std::memcpy(&bits, &expected[i], sizeof bits);
    if (bits != outputs[i]) return false;
  }
  return true;
}

}  // namespace

int sc_main(int argc, char** argv) {
  using Clock = std::chrono::steady_clock;
  using namespace mixpe;
  const std::string trace_path = argc > 1 ? argv[1] : MIXPE_DEFAULT_TRACE;
  const LayerTrace trace = LoadLayerTrace(trace_path);
  const std::string layer_name = argc > 2 ? argv[2] : trace.layers.front().name;
  const int repeats = argc > 3 ? std::atoi(argv[3]) : 2;
  const HardwareConfig config = LoadHardwareConfig(rtl_params::kConfigFile);
  size_t index = trace.layers.size();
  for (size_t i = 0; i < trace.layers.size(); ++i) {
    if (trace.layers[i].name == layer_name) index = i;
  }
  if (index == trace.layers.size()) {
    std::fprintf(stderr, "error: %s: no layer named '%s'\n", trace_path.c_str(),
                 layer_name.c_str());
    return 2;
  }
  const GemmLayer& layer = trace.layers[index];
  const LayerData data = MakeLayerData(config, layer, trace.seed + index);
  const CoreSchedule schedule =
      TileCoreGemm(config, layer.name, layer.m, layer.k, layer.n, data.formats.unit);
  const std::vector<float> expected = MpGemm(data.activations, data.weights);

  VerilatedCore<BenchCore> bare(config.rows, config.cols, config.weight_bits);
  Accelerator<BenchCore> top(
      "top", config, LayerImageBytes(config, data.formats, schedule, data.weights.block_bits));

  std::printf("core %s from %s\n", ShortDescription(config).c_str(), rtl_params::kConfigFile);
  std::printf("layer %s of %s: M=%lld K=%lld N=%lld, %s x %s, %d repeats\n", layer.name.c_str(),
              trace_path.c_str(), static_cast<long long>(layer.m), static_cast<long long>(layer.k),
              static_cast<long long>(layer.n), data.formats.weights.Name().c_str(),
              data.formats.activations.Name().c_str(), repeats);
  double best_bare = 0;
  double best_cosim = 0;
  bool exact = true;
  for (int r = 0; r < repeats; ++r) {
    const auto t0 = Clock::now();
    const CoreRunResult run = bare.Run(schedule, data.core, int64_t{1} << 40);
    const auto t1 = Clock::now();
    const CosimLayerResult cosim =
        top.RunLayer(data.formats, schedule, data.activations, data.weights);
    const auto t2 = Clock::now();
    const double bare_rate = run.cycles / std::chrono::duration<double>(t1 - t0).count();
    const double cosim_rate = cosim.cycles / std::chrono::duration<double>(t2 - t1).count();
    const bool ok = run.error.empty() && cosim.error.empty() && BitExact(expected, run.outputs) &&
                    BitExact(expected, cosim.outputs);
    exact = exact && ok;
    best_bare = std::max(best_bare, bare_rate);
    best_cosim = std::max(best_cosim, cosim_rate);
    std::printf(
        "run %d: bare harness %lld cycles, %.0f cycles/s; co-simulation %lld cycles, %.0f "
        "cycles/s; ratio %.3f (%s)\n",
        r, static_cast<long long>(run.cycles), bare_rate, static_cast<long long>(cosim.cycles),
        cosim_rate, cosim_rate / bare_rate, ok ? "both bit-exact" : "MISMATCH");
  }
  std::printf(
      "best: bare harness %.0f cycles/s, co-simulation %.0f cycles/s, ratio %.3f "
      "(target >= 0.7)\n",
      best_bare, best_cosim, best_cosim / best_bare);
  std::fflush(stdout);
  // Verilator 5.006's scope teardown deadlocks when two Verilated models die after SystemC's
  // elaboration; the process ends without destroying them.
  std::_Exit(exact ? 0 : 1);
}

// SystemC prints its banner before sc_main unless this is set; this main runs first (the
// program's own main takes precedence over the one in SystemC's library) and hands over to it.
int main(int argc, char** argv) {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
  return sc_core::sc_elab_and_sim(argc, argv);
}
