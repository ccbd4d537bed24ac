// The co-simulation's report; see cosim_report.h.
#include "sim/cosim/cosim_report.h"

#include <cstdio>
#include <cstring>

#include "model/mpgemm.h"

namespace mixpe {
namespace {

// Column widths of the table; negative: left-aligned. The last column is not padded.
constexpr int kWidths[] = {-10, 6, 6, 6, -22, -11, 12, 12, 8, 12, 6, 10, 8, 0};
constexpr size_t kColumns = sizeof kWidths / sizeof kWidths[0];

std::string Int(int64_t v) { return std::to_string(v); }

std::string Fixed(double v, const char* format) {
  char buf[48];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

void PrintRow(std::ostream& out, const std::vector<std::string>& cells) {
  std::string line;
  for (size_t i = 0; i < kColumns && i < cells.size(); ++i) {
    char cell[64];
    std::snprintf(cell, sizeof cell, "%*s", kWidths[i], cells[i].c_str());
    line += (i == 0 ? "" : i + 1 == kColumns ? "  " : " ") + std::string(cell);
  }
  out << line << "\n";
}

double Percent(double a, double b) { return b == 0 ? 0.0 : 100.0 * (a - b) / b; }

}  // namespace

void CompareWithGoldenModel(const BlockedTensor& activations, const BlockedTensor& weights,
                            CosimLayerReport* r) {
  if (!r->run.error.empty()) {
    r->detail = r->run.error;
    return;
  }
  const std::vector<float> expected = MpGemm(activations, weights);
  for (size_t i = 0; i < expected.size(); ++i) {
    uint32_t bits;
    std::memcpy(&bits, &expected[i], sizeof bits);
    if (bits == r->run.outputs[i]) continue;
    if (r->mismatches++ == 0) {
      char buf[160];
      std::snprintf(buf, sizeof buf, "first mismatch at y[%lld][%lld]: dram 0x%08x, golden 0x%08x",
                    static_cast<long long>(i / r->layer.n), static_cast<long long>(i % r->layer.n),
                    r->run.outputs[i], bits);
      r->detail = buf;
    }
  }
}

std::string ExplainDifference(const CosimLayerReport& r) {
  const int64_t diff = r.cycle_difference();
  if (diff == 0) return "";
  const StallCycles& s = r.run.stalls;
  std::string why = "cosim " + std::string(diff > 0 ? "+" : "") + Int(diff) + " cycles (" +
                    Fixed(Percent(r.run.cycles, r.prediction.cycles), "%+.3f%%") +
                    ") against the model; core waited for: loads " + Int(s.loads) +
                    ", buffer reads " + Int(s.sram) + ", NoC " + Int(s.noc) +
                    " cycles; NoC contention " + Int(r.run.noc_contention) +
                    " flit-cycles, DRAM queue full " + Int(s.dram_queue_full) +
                    ", SRAM bank conflicts " + Int(r.run.sram_conflicts);
  if (diff < 0) {
    why +=
        "; earlier than the model: the DMA loads the next tile as soon as its buffer halves "
        "are free, before the model's step boundary";
  }
  return why;
}

void PrintCosimHeader(std::ostream& out) {
  PrintRow(out, {"layer", "M", "K", "N", "weights x activations", "tile plan", "cycles", "model",
                 "diff", "core_alone", "util", "energy_uJ", "e_diff", "bit-exact"});
  out.flush();
}

void PrintCosimLayer(std::ostream& out, const HardwareConfig& config, const CosimLayerReport& r) {
  const double util = r.run.cycles > 0
                          ? static_cast<double>(r.layer.m) * r.layer.n * r.layer.k /
                                (static_cast<double>(config.rows) * config.cols * r.run.cycles)
                          : 0.0;
  PrintRow(out, {r.layer.name, Int(r.layer.m), Int(r.layer.k), Int(r.layer.n), r.formats,
                 r.tile_plan, Int(r.run.cycles), Int(r.prediction.cycles),
                 Fixed(Percent(r.run.cycles, r.prediction.cycles), "%+.2f%%"), Int(r.core_cycles),
                 Fixed(100.0 * util, "%.1f%%"), Fixed(r.run.energy.TotalPj() * 1e-6, "%.2f"),
                 Fixed(Percent(r.run.energy.TotalPj(), r.prediction.energy.TotalPj()), "%+.3f%%"),
                 r.outputs_match() ? "PASS" : "FAIL"});
  if (r.layer.repeat > 1) {
    out << "    x" << r.layer.repeat << ": occurs " << r.layer.repeat
        << " times in the model, simulated once, counted " << r.layer.repeat
        << " times in the total\n";
  }
  if (!r.outputs_match()) out << "    " << r.mismatches << " mismatches; " << r.detail << "\n";
  if (!r.cycles_agree()) {
    out << "    outside the tolerance of "
        << Fixed(CosimCycleTolerance(r.prediction.cycles), "%.0f")
        << " cycles: " << ExplainDifference(r) << "\n";
  }
  out.flush();
}

void PrintCosimTotal(std::ostream& out, const HardwareConfig& config,
                     const std::vector<CosimLayerReport>& reports) {
  int64_t cycles = 0, model = 0, core = 0;
  double macs = 0, wall = 0;
  EnergyBreakdown e, pe;
  StallCycles stalls;
  bool pass = true;
  int64_t simulated = 0;  // cycles actually simulated: each layer once
  auto add = [](EnergyBreakdown* sum, const EnergyBreakdown& b, int64_t times) {
    const double n = static_cast<double>(times);
    sum->core_pj += n * b.core_pj;
    sum->buffers_pj += n * b.buffers_pj;
    sum->noc_pj += n * b.noc_pj;
    sum->dram_pj += n * b.dram_pj;
    sum->static_pj += n * b.static_pj;
  };
  // A layer repeated in the model (GemmLayer::repeat) counts that many times.
  for (const CosimLayerReport& r : reports) {
    const int64_t n = r.layer.repeat;
    cycles += n * r.run.cycles;
    model += n * r.prediction.cycles;
    core += n * r.core_cycles;
    macs += static_cast<double>(n) * r.layer.m * r.layer.n * r.layer.k;
    simulated += r.run.cycles;
    wall += r.wall_seconds;
    pass &= r.pass();
    add(&e, r.run.energy, n);
    add(&pe, r.prediction.energy, n);
    stalls.loads += n * r.run.stalls.loads;
    stalls.sram += n * r.run.stalls.sram;
    stalls.noc += n * r.run.stalls.noc;
  }
  const double util =
      cycles > 0 ? macs / (static_cast<double>(config.rows) * config.cols * cycles) : 0.0;
  PrintRow(out, {"total", "", "", "", "", "", Int(cycles), Int(model),
                 Fixed(Percent(cycles, model), "%+.2f%%"), Int(core), Fixed(100.0 * util, "%.1f%%"),
                 Fixed(e.TotalPj() * 1e-6, "%.2f"),
                 Fixed(Percent(e.TotalPj(), pe.TotalPj()), "%+.3f%%"), pass ? "PASS" : "FAIL"});
  out << "\nenergy (uJ)     core    buffers        noc       dram     static      total\n";
  auto line = [&out](const char* name, const EnergyBreakdown& b) {
    char buf[200];
    std::snprintf(buf, sizeof buf, "%-8s %10.2f %10.2f %10.2f %10.2f %10.2f %10.2f\n", name,
                  b.core_pj * 1e-6, b.buffers_pj * 1e-6, b.noc_pj * 1e-6, b.dram_pj * 1e-6,
                  b.static_pj * 1e-6, b.TotalPj() * 1e-6);
    out << buf;
  };
  line("cosim", e);
  line("model", pe);
  out << "core stalls: loads " << stalls.loads << ", buffer reads " << stalls.sram << ", NoC "
      << stalls.noc << " cycles\n";
  out << "time at " << config.frequency_mhz
      << " MHz: " << Fixed(static_cast<double>(cycles) / config.frequency_mhz, "%.1f") << " us\n";
  out << "co-simulated " << simulated << " cycles in " << Fixed(wall, "%.1f") << " s ("
      << Fixed(wall > 0 ? simulated / wall : 0.0, "%.0f") << " cycles/s)\n";
}

}  // namespace mixpe
