// The co-simulation's report; see cosim_report.h.
#include "sim/cosim/cosim_report.h"

#include <cstdio>
#include <cstring>
#include <sstream>

#include "model/baseline_gemm.h"
#include "model/mpgemm.h"
#include "model/report_text.h"

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

void CompareWithGoldenModel(PeDesign design, const BlockedTensor& activations,
                            const BlockedTensor& weights, int unit, CosimLayerReport* r) {
  if (!r->run.error.empty()) {
    r->detail = r->run.error;
    return;
  }
  const std::vector<uint32_t> expected = DesignGemm(design, activations, weights, unit);
  for (size_t i = 0; i < expected.size(); ++i) {
    const uint32_t bits = expected[i];
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

namespace {

// One layer's (or the total's) figures, as the CSV and the JSON give them.
struct ReportRow {
  std::string name;
  int64_t m = 0, k = 0, n = 0, repeat = 1;
  std::string formats, tile_plan;
  int64_t cycles = 0, model_cycles = 0, roofline_cycles = 0;
  std::string bound;  // "compute" or "memory"
  double macs = 0;
  EnergyBreakdown energy, model_energy;
  int64_t dram_read_bytes = 0, dram_write_bytes = 0;
  StallCycles stalls;
  bool bit_exact = true;
  bool simulated = true;

  double time_us(const HardwareConfig& c) const {
    return static_cast<double>(cycles) / c.frequency_mhz;
  }
  double utilization(const HardwareConfig& c) const {
    return cycles > 0 ? macs / (PeakMacsPerCycle(c) * static_cast<double>(cycles)) : 0.0;
  }
  double roofline_reached() const {
    return cycles > 0 ? static_cast<double>(roofline_cycles) / cycles : 0.0;
  }
};

void Add(EnergyBreakdown* sum, const EnergyBreakdown& b, double times) {
  sum->core_pj += times * b.core_pj;
  sum->buffers_pj += times * b.buffers_pj;
  sum->noc_pj += times * b.noc_pj;
  sum->dram_pj += times * b.dram_pj;
  sum->static_pj += times * b.static_pj;
}

ReportRow RowOf(const CosimLayerReport& r) {
  ReportRow row;
  row.name = r.layer.name;
  row.m = r.layer.m;
  row.k = r.layer.k;
  row.n = r.layer.n;
  row.repeat = r.layer.repeat;
  row.formats = r.formats;
  row.tile_plan = r.tile_plan;
  row.cycles = r.run.cycles;
  row.model_cycles = r.prediction.cycles;
  row.roofline_cycles = r.prediction.roofline.cycles();
  row.bound = r.prediction.roofline.memory_bound() ? "memory" : "compute";
  row.macs = static_cast<double>(r.layer.m) * r.layer.n * r.layer.k;
  row.energy = r.run.energy;
  row.model_energy = r.prediction.energy;
  row.dram_read_bytes = r.run.events.dram_read_bytes;
  row.dram_write_bytes = r.run.events.dram_write_bytes;
  row.stalls = r.run.stalls;
  row.bit_exact = r.outputs_match();
  row.simulated = r.simulated;
  return row;
}

// The whole trace: every layer `repeat` times.
ReportRow TotalOf(const std::vector<CosimLayerReport>& reports) {
  ReportRow t;
  t.name = "total";
  t.repeat = 0;
  for (const CosimLayerReport& r : reports) {
    const ReportRow row = RowOf(r);
    const int64_t n = row.repeat;
    t.repeat += n;
    t.cycles += n * row.cycles;
    t.model_cycles += n * row.model_cycles;
    t.roofline_cycles += n * row.roofline_cycles;
    t.macs += static_cast<double>(n) * row.macs;
    Add(&t.energy, row.energy, static_cast<double>(n));
    Add(&t.model_energy, row.model_energy, static_cast<double>(n));
    t.dram_read_bytes += n * row.dram_read_bytes;
    t.dram_write_bytes += n * row.dram_write_bytes;
    t.stalls.loads += n * row.stalls.loads;
    t.stalls.sram += n * row.stalls.sram;
    t.stalls.noc += n * row.stalls.noc;
    t.bit_exact &= row.bit_exact;
    t.simulated &= row.simulated;
  }
  return t;
}

const std::vector<std::string>& CsvColumns() {
  static const std::vector<std::string> columns = {"layer",
                                                   "m",
                                                   "k",
                                                   "n",
                                                   "repeat",
                                                   "formats",
                                                   "tile_plan",
                                                   "cycles",
                                                   "model_cycles",
                                                   "time_us",
                                                   "utilization",
                                                   "roofline_cycles",
                                                   "roofline_bound",
                                                   "roofline_reached",
                                                   "energy_uJ",
                                                   "model_energy_uJ",
                                                   "core_uJ",
                                                   "buffers_uJ",
                                                   "noc_uJ",
                                                   "dram_uJ",
                                                   "static_uJ",
                                                   "dram_read_bytes",
                                                   "dram_write_bytes",
                                                   "stall_loads",
                                                   "stall_buffers",
                                                   "stall_noc",
                                                   "bit_exact"};
  return columns;
}

std::vector<std::string> CsvCells(const HardwareConfig& c, const ReportRow& r) {
  auto uj = [](double pj) { return ExactNumber(pj * 1e-6); };
  return {r.name,
          r.m > 0 ? Int(r.m) : "",
          r.k > 0 ? Int(r.k) : "",
          r.n > 0 ? Int(r.n) : "",
          Int(r.repeat),
          r.formats,
          r.tile_plan,
          Int(r.cycles),
          Int(r.model_cycles),
          ExactNumber(r.time_us(c)),
          ExactNumber(r.utilization(c)),
          Int(r.roofline_cycles),
          r.bound,
          ExactNumber(r.roofline_reached()),
          uj(r.energy.TotalPj()),
          uj(r.model_energy.TotalPj()),
          uj(r.energy.core_pj),
          uj(r.energy.buffers_pj),
          uj(r.energy.noc_pj),
          uj(r.energy.dram_pj),
          uj(r.energy.static_pj),
          Int(r.dram_read_bytes),
          Int(r.dram_write_bytes),
          Int(r.stalls.loads),
          Int(r.stalls.sram),
          Int(r.stalls.noc),
          !r.simulated  ? "n/a"
          : r.bit_exact ? "PASS"
                        : "FAIL"};
}

std::string JsonEnergy(const EnergyBreakdown& e) {
  return "{\"core\": " + ExactNumber(e.core_pj * 1e-6) +
         ", \"buffers\": " + ExactNumber(e.buffers_pj * 1e-6) +
         ", \"noc\": " + ExactNumber(e.noc_pj * 1e-6) +
         ", \"dram\": " + ExactNumber(e.dram_pj * 1e-6) +
         ", \"static\": " + ExactNumber(e.static_pj * 1e-6) +
         ", \"total\": " + ExactNumber(e.TotalPj() * 1e-6) + "}";
}

std::string JsonRow(const HardwareConfig& c, const ReportRow& r) {
  std::ostringstream out;
  out << "{\"name\": " << JsonString(r.name);
  if (r.m > 0) out << ", \"m\": " << r.m << ", \"k\": " << r.k << ", \"n\": " << r.n;
  out << ", \"repeat\": " << r.repeat;
  if (!r.formats.empty()) {
    out << ", \"formats\": " << JsonString(r.formats)
        << ", \"tile_plan\": " << JsonString(r.tile_plan);
  }
  out << ", \"cycles\": " << r.cycles << ", \"model_cycles\": " << r.model_cycles
      << ", \"time_us\": " << ExactNumber(r.time_us(c))
      << ", \"utilization\": " << ExactNumber(r.utilization(c))
      << ", \"roofline\": {\"cycles\": " << r.roofline_cycles;
  if (!r.bound.empty()) out << ", \"bound\": " << JsonString(r.bound);
  out << ", \"reached\": " << ExactNumber(r.roofline_reached()) << "}"
      << ", \"energy_uJ\": " << JsonEnergy(r.energy)
      << ", \"model_energy_uJ\": " << JsonEnergy(r.model_energy)
      << ", \"dram_bytes\": {\"read\": " << r.dram_read_bytes
      << ", \"write\": " << r.dram_write_bytes << "}"
      << ", \"stall_cycles\": {\"loads\": " << r.stalls.loads << ", \"buffers\": " << r.stalls.sram
      << ", \"noc\": " << r.stalls.noc << "}"
      << ", \"bit_exact\": "
      << (!r.simulated  ? "null"
          : r.bit_exact ? "true"
                        : "false")
      << "}";
  return out.str();
}

}  // namespace

std::string CosimReportCsv(const HardwareConfig& config,
                           const std::vector<CosimLayerReport>& reports) {
  std::ostringstream out;
  auto line = [&out](const std::vector<std::string>& cells) {
    for (size_t i = 0; i < cells.size(); ++i) out << (i ? "," : "") << CsvField(cells[i]);
    out << "\n";
  };
  line(CsvColumns());
  for (const CosimLayerReport& r : reports) line(CsvCells(config, RowOf(r)));
  line(CsvCells(config, TotalOf(reports)));
  return out.str();
}

std::string CosimReportJson(const HardwareConfig& config, const std::string& trace,
                            const std::vector<CosimLayerReport>& reports) {
  std::ostringstream out;
  out << "{\n  \"trace\": " << JsonString(trace)
      << ",\n  \"hardware\": {\"name\": " << JsonString(config.name)
      << ", \"config\": " << JsonString(config.source_file)
      << ", \"description\": " << JsonString(ShortDescription(config))
      << ", \"frequency_mhz\": " << config.frequency_mhz << "},\n  \"layers\": [";
  for (size_t i = 0; i < reports.size(); ++i) {
    out << (i ? "," : "") << "\n    " << JsonRow(config, RowOf(reports[i]));
  }
  out << "\n  ],\n  \"total\": " << JsonRow(config, TotalOf(reports)) << "\n}\n";
  return out.str();
}

CosimLayerReport ModelOnlyReport(const GemmLayer& layer, const std::string& formats,
                                 const std::string& tile_plan,
                                 const LayerMemoryPrediction& prediction) {
  CosimLayerReport r;
  r.layer = layer;
  r.formats = formats;
  r.tile_plan = tile_plan;
  r.simulated = false;
  r.prediction = prediction;
  r.core_cycles = prediction.compute_cycles;
  r.run.layer = layer.name;
  r.run.cycles = prediction.cycles;
  r.run.events = prediction.events;
  r.run.energy = prediction.energy;
  return r;
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
                 !r.simulated        ? "-"
                 : r.outputs_match() ? "PASS"
                                     : "FAIL"});
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
  bool model_only = !reports.empty() && !reports.front().simulated;
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
  PrintRow(out,
           {"total", "", "", "", "", "", Int(cycles), Int(model),
            Fixed(Percent(cycles, model), "%+.2f%%"), Int(core), Fixed(100.0 * util, "%.1f%%"),
            Fixed(e.TotalPj() * 1e-6, "%.2f"), Fixed(Percent(e.TotalPj(), pe.TotalPj()), "%+.3f%%"),
            model_only ? "-"
            : pass     ? "PASS"
                       : "FAIL"});
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
  if (model_only) {
    out << "analytical model: " << reports.size() << " layers in " << Fixed(wall, "%.3f")
        << " s (nothing simulated or checked bit for bit: run without --fast for that)\n";
    return;
  }
  out << "co-simulated " << simulated << " cycles in " << Fixed(wall, "%.1f") << " s ("
      << Fixed(wall > 0 ? simulated / wall : 0.0, "%.0f") << " cycles/s)\n";
}

}  // namespace mixpe
