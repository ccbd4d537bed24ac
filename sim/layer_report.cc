// Checking an RTL layer run against the golden model, and printing the report.
#include "sim/layer_report.h"

#include <cstdio>

#include "model/mixpe_array.h"

namespace mixpe {

GemmOperands LayerOperands(const HardwareConfig& config, const GemmLayer& layer, uint64_t seed) {
  return RandomGemmOperands(layer.m, layer.k, layer.n, config.activation_bits, config.weight_bits,
                            seed);
}

LayerReport CheckLayer(const HardwareConfig& config, const GemmLayer& layer,
                       const GemmOperands& ops, const ArrayRunResult& run) {
  const MixpeArray golden(config);
  const GemmCycleEstimate est = golden.Cycles(layer.m, layer.k, layer.n);
  LayerReport report;
  report.layer = layer;
  report.tiles = est.tiles;
  report.model_cycles = est.cycles;
  report.cycles = run.cycles;
  report.detail = run.error;
  if (run.cycles > 0) {
    report.utilization = static_cast<double>(layer.m) * layer.n * layer.k /
                         (static_cast<double>(config.rows) * config.cols * run.cycles);
  }
  const std::vector<int64_t> expected = golden.Gemm(ops);
  for (size_t i = 0; i < expected.size(); ++i) {
    if (expected[i] == run.outputs[i]) continue;
    if (report.mismatches++ == 0 && report.detail.empty()) {
      char buf[160];
      std::snprintf(buf, sizeof buf, "first mismatch at y[%lld][%lld]: rtl %lld, golden %lld",
                    static_cast<long long>(i / layer.n), static_cast<long long>(i % layer.n),
                    static_cast<long long>(run.outputs[i]), static_cast<long long>(expected[i]));
      report.detail = buf;
    }
  }
  return report;
}

void PrintReport(std::ostream& out, const HardwareConfig& config,
                 const std::vector<LayerReport>& reports) {
  char line[256];
  std::snprintf(line, sizeof line, "%-12s %6s %6s %6s %7s %12s %12s %6s %10s  %-9s %s\n", "layer",
                "M", "K", "N", "tiles", "cycles", "model", "util", "time_us", "bit-exact",
                "cycles=model");
  out << line;
  int64_t total_cycles = 0;
  int64_t total_model = 0;
  double total_macs = 0;
  double wall = 0;
  int failures = 0;
  for (const LayerReport& r : reports) {
    const double time_us = static_cast<double>(r.cycles) / config.frequency_mhz;
    std::snprintf(line, sizeof line, "%-12s %6lld %6lld %6lld %7lld %12lld %12lld %5.1f%% %10.1f  %-9s %s\n",
                  r.layer.name.c_str(), static_cast<long long>(r.layer.m),
                  static_cast<long long>(r.layer.k), static_cast<long long>(r.layer.n),
                  static_cast<long long>(r.tiles), static_cast<long long>(r.cycles),
                  static_cast<long long>(r.model_cycles), 100.0 * r.utilization, time_us,
                  r.outputs_match() ? "PASS" : "FAIL", r.cycles_match() ? "yes" : "NO");
    out << line;
    if (!r.outputs_match()) out << "    " << r.mismatches << " mismatches; " << r.detail << "\n";
    if (!r.cycles_match()) {
      out << "    cycles differ from the golden model by " << (r.cycles - r.model_cycles) << "\n";
    }
    failures += r.pass() ? 0 : 1;
    total_cycles += r.cycles;
    total_model += r.model_cycles;
    total_macs += static_cast<double>(r.layer.m) * r.layer.n * r.layer.k;
    wall += r.wall_seconds;
  }
  const double util =
      total_cycles > 0 ? total_macs / (static_cast<double>(config.rows) * config.cols * total_cycles)
                       : 0.0;
  std::snprintf(line, sizeof line, "%-12s %6s %6s %6s %7s %12lld %12lld %5.1f%% %10.1f  %s\n",
                "total", "", "", "", "", static_cast<long long>(total_cycles),
                static_cast<long long>(total_model), 100.0 * util,
                static_cast<double>(total_cycles) / config.frequency_mhz,
                failures == 0 ? "PASS" : "FAIL");
  out << line;
  std::snprintf(line, sizeof line,
                "simulated %lld cycles in %.1f s of RTL simulation (%.0f cycles/s)\n",
                static_cast<long long>(total_cycles), wall,
                wall > 0 ? static_cast<double>(total_cycles) / wall : 0.0);
  out << line;
}

}  // namespace mixpe
