// Design comparison; see compare.h.
#include "explore/compare.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>
#include <thread>

#include "compiler/layer_trace.h"
#include "model/hardware_config.h"
#include "model/input_error.h"
#include "model/report_text.h"

namespace mixpe {
namespace {

DesignCost Cost(const HardwareConfig& config, const LayerTrace& trace, MapObjective objective) {
  DesignCost c;
  c.config_file = config.source_file;
  c.design = config.name;
  c.hardware = ShortDescription(config);
  c.pes = int64_t{config.rows} * config.cols;
  c.trace_file = trace.source_file;
  c.model = trace.model;
  double macs = 0;
  try {
    for (const GemmLayer& layer : trace.layers) {
      const LayerFormats formats = ResolveLayerFormats(layer, config);
      const LayerMemoryPrediction p = MapLayer(config, layer, formats, objective).prediction;
      const double times = static_cast<double>(layer.repeat);
      c.cycles += layer.repeat * p.cycles;
      c.energy.core_pj += times * p.energy.core_pj;
      c.energy.buffers_pj += times * p.energy.buffers_pj;
      c.energy.noc_pj += times * p.energy.noc_pj;
      c.energy.dram_pj += times * p.energy.dram_pj;
      c.energy.static_pj += times * p.energy.static_pj;
      c.dram_bytes += layer.repeat * (p.events.dram_read_bytes + p.events.dram_write_bytes);
      macs += times * static_cast<double>(layer.m) * static_cast<double>(layer.k) *
              static_cast<double>(layer.n);
    }
  } catch (const InputError& e) {
    c.status = std::string("does not map: ") + e.what();
    c.cycles = 0;
    c.energy = EnergyBreakdown{};
    c.dram_bytes = 0;
    return c;
  }
  c.time_us = static_cast<double>(c.cycles) / config.frequency_mhz;
  c.utilization = macs / (PeakMacsPerCycle(config) * static_cast<double>(c.cycles));
  return c;
}

// The baseline's cost on each trace file.
std::map<std::string, const DesignCost*> BaselineOf(const std::vector<DesignCost>& costs,
                                                    const std::string& baseline_config) {
  std::map<std::string, const DesignCost*> baseline;
  for (const DesignCost& c : costs) {
    if (c.config_file == baseline_config) baseline[c.trace_file] = &c;
  }
  if (baseline.empty()) {
    throw InputError("--baseline " + baseline_config + ": not one of the compared configs");
  }
  return baseline;
}

// value / the baseline's, or NaN where either has no figures.
double Ratio(const DesignCost& c, const DesignCost* base,
             double DesignCostValue(const DesignCost&)) {
  if (base == nullptr || !c.ok() || !base->ok()) return std::nan("");
  return DesignCostValue(c) / DesignCostValue(*base);
}
double TimeOf(const DesignCost& c) { return c.time_us; }
double EnergyOf(const DesignCost& c) { return c.energy_uj(); }

std::string Fixed(double v, const char* format) {
  if (std::isnan(v)) return "-";
  char text[64];
  std::snprintf(text, sizeof text, format, v);
  return text;
}

}  // namespace

std::vector<DesignCost> CompareDesigns(const std::vector<std::string>& config_files,
                                       const std::vector<std::string>& trace_files,
                                       MapObjective objective, int threads) {
  std::vector<HardwareConfig> configs;
  for (const std::string& path : config_files) configs.push_back(LoadHardwareConfig(path));
  std::vector<LayerTrace> traces;
  for (const std::string& path : trace_files) traces.push_back(LoadLayerTrace(path));
  const size_t n = configs.size() * traces.size();
  std::vector<DesignCost> costs(n);
  std::atomic<size_t> next{0};
  auto work = [&]() {
    for (size_t i = next++; i < n; i = next++) {
      costs[i] = Cost(configs[i / traces.size()], traces[i % traces.size()], objective);
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < std::max(threads, 1); ++t) pool.emplace_back(work);
  work();
  for (std::thread& t : pool) t.join();
  return costs;
}

std::string CompareMarkdown(const std::vector<DesignCost>& costs,
                            const std::string& baseline_config) {
  const std::map<std::string, const DesignCost*> baseline = BaselineOf(costs, baseline_config);
  const std::string base_name = baseline.begin()->second->design;
  std::ostringstream out;
  std::vector<std::string> traces;
  std::vector<std::string> designs;
  for (const DesignCost& c : costs) {
    if (std::find(traces.begin(), traces.end(), c.trace_file) == traces.end()) {
      traces.push_back(c.trace_file);
    }
    if (std::find(designs.begin(), designs.end(), c.config_file) == designs.end()) {
      designs.push_back(c.config_file);
    }
  }
  for (const std::string& trace : traces) {
    const DesignCost* base = baseline.count(trace) ? baseline.at(trace) : nullptr;
    bool first = true;
    for (const DesignCost& c : costs) {
      if (c.trace_file != trace) continue;
      if (first) {
        out << "\n**" << c.model << "** (`" << c.trace_file << "`), normalized to " << base_name
            << ":\n\n"
            << "| design | hardware | PEs | time (ms) | time / " << base_name
            << " | speedup | energy (mJ) | energy / " << base_name
            << " | utilization | DRAM (MB) |\n"
            << "|---|---|---|---|---|---|---|---|---|---|\n";
        first = false;
      }
      if (!c.ok()) {
        out << "| " << c.design << " | " << c.hardware << " | " << c.pes << " | " << c.status
            << " | | | | | | |\n";
        continue;
      }
      const double time = Ratio(c, base, TimeOf);
      out << "| " << c.design << " | " << c.hardware << " | " << c.pes << " | "
          << Fixed(c.time_us * 1e-3, "%.3f") << " | " << Fixed(time, "%.3f") << " | "
          << Fixed(1 / time, "%.2fx") << " | " << Fixed(c.energy_uj() * 1e-3, "%.3f") << " | "
          << Fixed(Ratio(c, base, EnergyOf), "%.3f") << " | "
          << Fixed(100 * c.utilization, "%.1f%%") << " | " << Fixed(c.dram_bytes * 1e-6, "%.1f")
          << " |\n";
    }
  }
  out << "\nGeometric means over the " << traces.size() << " traces, normalized to " << base_name
      << ":\n\n"
      << "| design | hardware | time / " << base_name << " | speedup | energy / " << base_name
      << " | energy saving |\n"
      << "|---|---|---|---|---|---|\n";
  for (const std::string& design : designs) {
    double log_time = 0, log_energy = 0;
    int count = 0;
    std::string name, hardware;
    for (const DesignCost& c : costs) {
      if (c.config_file != design) continue;
      name = c.design;
      hardware = c.hardware;
      const DesignCost* base = baseline.count(c.trace_file) ? baseline.at(c.trace_file) : nullptr;
      const double time = Ratio(c, base, TimeOf);
      const double energy = Ratio(c, base, EnergyOf);
      if (std::isnan(time) || std::isnan(energy)) continue;
      log_time += std::log(time);
      log_energy += std::log(energy);
      ++count;
    }
    const double time = count ? std::exp(log_time / count) : std::nan("");
    const double energy = count ? std::exp(log_energy / count) : std::nan("");
    out << "| " << name << " | " << hardware << " | " << Fixed(time, "%.3f") << " | "
        << Fixed(1 / time, "%.2fx") << " | " << Fixed(energy, "%.3f") << " | "
        << Fixed(1 / energy, "%.2fx") << " |\n";
  }
  return out.str();
}

std::string CompareCsv(const std::vector<DesignCost>& costs, const std::string& baseline_config) {
  const std::map<std::string, const DesignCost*> baseline = BaselineOf(costs, baseline_config);
  std::ostringstream out;
  out << "design,config,hardware,pes,model,trace,status,cycles,time_us,energy_uJ,core_uJ,"
         "buffers_uJ,noc_uJ,dram_uJ,static_uJ,dram_bytes,utilization,time_vs_baseline,"
         "energy_vs_baseline\n";
  for (const DesignCost& c : costs) {
    const DesignCost* base = baseline.count(c.trace_file) ? baseline.at(c.trace_file) : nullptr;
    auto number = [](double v) { return std::isnan(v) ? std::string() : ExactNumber(v); };
    out << CsvField(c.design) << ',' << CsvField(c.config_file) << ',' << CsvField(c.hardware)
        << ',' << c.pes << ',' << CsvField(c.model) << ',' << CsvField(c.trace_file) << ','
        << CsvField(c.status) << ',' << c.cycles << ',' << ExactNumber(c.time_us) << ','
        << ExactNumber(c.energy_uj()) << ',' << ExactNumber(c.energy.core_pj * 1e-6) << ','
        << ExactNumber(c.energy.buffers_pj * 1e-6) << ',' << ExactNumber(c.energy.noc_pj * 1e-6)
        << ',' << ExactNumber(c.energy.dram_pj * 1e-6) << ','
        << ExactNumber(c.energy.static_pj * 1e-6) << ',' << c.dram_bytes << ','
        << ExactNumber(c.utilization) << ',' << number(Ratio(c, base, TimeOf)) << ','
        << number(Ratio(c, base, EnergyOf)) << '\n';
  }
  return out.str();
}

}  // namespace mixpe
