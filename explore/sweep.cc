// Design-space exploration; see sweep.h.
#include "explore/sweep.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>
#include <tuple>

#include "model/hardware_config.h"
#include "model/input_error.h"
#include "model/report_text.h"
#include "model/yaml_fields.h"

namespace mixpe {
namespace {

// The fields of one CSV line (quotes as CsvField writes them); false if a quote is not closed.
bool SplitCsv(const std::string& line, std::vector<std::string>* fields) {
  fields->clear();
  std::string field;
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields->push_back(field);
      field.clear();
    } else {
      field += c;
    }
  }
  fields->push_back(field);
  return !quoted;
}

// What a layer's mapping depends on besides the point's config and objective (see
// EvaluatePoint): its resolved formats (a format is made from its name, so the name stands for
// it), its reduction unit, its shape and the parts of the plan its trace fixes.
using LayerMappingKey = std::tuple<std::string, std::string, int, int64_t, int64_t, int64_t,
                                   std::string, int64_t, int64_t, int64_t>;

// The figures of a mapped layer that a sweep adds up.
struct MappedFigures {
  int64_t cycles = 0;
  double energy_pj = 0;
  int64_t dram_bytes = 0;  // read and written, whole bursts
};

std::string Number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

}  // namespace

std::vector<std::string> AxisKeys(const SweepSpace& space) {
  std::vector<std::string> keys;
  for (const SweepAxis& axis : space.axes) keys.push_back(axis.key);
  return keys;
}

SweepResult EvaluatePoint(const SweepSpace& space, const YAML::Node& base, const LayerTrace& trace,
                          int64_t index, const AreaTable* area) {
  const DesignPoint point = MakeDesignPoint(space, base, index);
  SweepResult r;
  r.point = index;
  r.labels = point.labels;
  const std::string name =
      space.source_file + ": point " + std::to_string(index) + " (" + point.Describe(space) + ")";
  HardwareConfig config;
  try {
    config = LoadHardwareConfigYaml(YamlMap(point.config, name, ""), space.base_config);
  } catch (const InputError& e) {
    r.status = std::string("invalid config: ") + e.what();
    return r;
  }
  r.hardware = ShortDescription(config);
  if (area != nullptr) r.area_transistors = CoreTransistors(config, *area);
  double macs = 0;
  // A trace often repeats a layer under other names (LLaMA's q, k, v and o projections). The
  // mapper's choice and its figures depend on the config and the objective (the point's), the
  // formats, M, K, N and the plan the trace fixes, and on nothing else of the layer: its name,
  // file and index only enter messages. So such a layer is mapped once per point. A layer that
  // does not map ends the point with its own message before any other could reuse its result.
  std::map<LayerMappingKey, MappedFigures> mapped_layers;
  try {
    for (const GemmLayer& layer : LayersAt(trace, point)) {
      const LayerFormats formats = ResolveLayerFormats(layer, config);
      const LayerMappingKey key{formats.weights.Name(),
                                formats.activations.Name(),
                                formats.unit,
                                layer.m,
                                layer.k,
                                layer.n,
                                layer.loop_order,
                                layer.block_m_tiles,
                                layer.block_n_tiles,
                                layer.k_chunks};
      auto known = mapped_layers.find(key);
      if (known == mapped_layers.end()) {
        const LayerMemoryPrediction p =
            MapLayer(config, layer, formats, space.objective).prediction;
        known =
            mapped_layers
                .emplace(key, MappedFigures{p.cycles, p.energy.TotalPj(),
                                            p.events.dram_read_bytes + p.events.dram_write_bytes})
                .first;
      }
      const MappedFigures& p = known->second;
      r.cycles += layer.repeat * p.cycles;
      r.energy_uj += static_cast<double>(layer.repeat) * p.energy_pj * 1e-6;
      r.dram_bytes += layer.repeat * p.dram_bytes;
      macs += static_cast<double>(layer.repeat) * static_cast<double>(layer.m) *
              static_cast<double>(layer.k) * static_cast<double>(layer.n);
    }
  } catch (const InputError& e) {
    r.status = std::string("does not map: ") + e.what();
    r.cycles = 0;
    r.energy_uj = 0;
    r.dram_bytes = 0;
    return r;
  }
  r.time_us = static_cast<double>(r.cycles) / config.frequency_mhz;
  r.utilization = macs / (PeakMacsPerCycle(config) * static_cast<double>(r.cycles));
  return r;
}

Shard ParseShard(const std::string& text, const std::string& what) {
  const size_t slash = text.find('/');
  Shard shard;
  try {
    size_t used = 0;
    if (slash == std::string::npos) throw std::invalid_argument("no slash");
    shard.index = std::stoll(text.substr(0, slash), &used);
    if (used != slash) throw std::invalid_argument("index");
    shard.count = std::stoll(text.substr(slash + 1), &used);
    if (used != text.size() - slash - 1) throw std::invalid_argument("count");
  } catch (const std::exception&) {
    throw InputError(what + ": expected <index>/<count> such as 0/8, got '" + text + "'");
  }
  if (shard.count < 1 || shard.index < 0 || shard.index >= shard.count) {
    throw InputError(what + ": expected 0 <= index < count, got '" + text + "'");
  }
  return shard;
}

std::vector<SweepResult> RunSweep(const SweepSpace& space, const Shard& shard, int threads,
                                  const std::function<void(int64_t, int64_t)>& progress) {
  const YAML::Node base = YAML::LoadFile(space.base_config);
  const LayerTrace trace = LoadLayerTrace(space.trace);
  AreaTable area;
  if (!space.area_table.empty()) area = LoadAreaTable(space.area_table);
  const AreaTable* area_of = space.area_table.empty() ? nullptr : &area;
  std::vector<int64_t> points;
  for (int64_t p = shard.index; p < space.points(); p += shard.count) points.push_back(p);
  std::vector<SweepResult> results(points.size());
  std::atomic<size_t> next{0};
  std::mutex progress_mutex;
  int64_t done = 0;
  auto work = [&]() {
    for (size_t i = next++; i < points.size(); i = next++) {
      results[i] = EvaluatePoint(space, base, trace, points[i], area_of);
      if (!progress) continue;
      std::lock_guard<std::mutex> lock(progress_mutex);
      progress(++done, static_cast<int64_t>(points.size()));
    }
  };
  const int workers = std::max(1, std::min<int>(threads, static_cast<int>(points.size())));
  std::vector<std::thread> pool;
  for (int t = 1; t < workers; ++t) pool.emplace_back(work);
  work();
  for (std::thread& t : pool) t.join();
  return results;
}

void MarkPareto(std::vector<SweepResult>* results) {
  for (SweepResult& a : *results) {
    a.pareto = a.ok();
    if (!a.ok()) continue;
    for (const SweepResult& b : *results) {
      if (!b.ok() || &a == &b) continue;
      const bool no_worse = b.time_us <= a.time_us && b.energy_uj <= a.energy_uj;
      const bool better = b.time_us < a.time_us || b.energy_uj < a.energy_uj;
      if (no_worse && better) {
        a.pareto = false;
        break;
      }
    }
  }
}

std::vector<std::string> SweepCsvColumns(const std::vector<std::string>& axes) {
  std::vector<std::string> columns = {"point"};
  columns.insert(columns.end(), axes.begin(), axes.end());
  for (const char* c : {"hardware", "status", "cycles", "time_us", "energy_uJ", "edp_uJ_us",
                        "dram_bytes", "utilization", "area_transistors", "pareto"}) {
    columns.push_back(c);
  }
  return columns;
}

std::string SweepCsv(const std::vector<std::string>& axes,
                     const std::vector<SweepResult>& results) {
  std::ostringstream out;
  const std::vector<std::string> columns = SweepCsvColumns(axes);
  for (size_t i = 0; i < columns.size(); ++i) out << (i ? "," : "") << CsvField(columns[i]);
  out << "\n";
  for (const SweepResult& r : results) {
    out << r.point;
    for (const std::string& label : r.labels) out << "," << CsvField(label);
    out << "," << CsvField(r.hardware) << "," << CsvField(r.status) << "," << r.cycles << ","
        << ExactNumber(r.time_us) << "," << ExactNumber(r.energy_uj) << "," << ExactNumber(r.edp())
        << "," << r.dram_bytes << "," << ExactNumber(r.utilization) << ","
        << (r.area_transistors > 0 ? std::to_string(r.area_transistors) : "") << ","
        << (r.pareto ? 1 : 0) << "\n";
  }
  return out.str();
}

std::vector<SweepResult> ReadSweepCsv(const std::string& path, std::vector<std::string>* axes) {
  std::ifstream in(path);
  if (!in) throw InputError(path + ": cannot open file");
  std::string line;
  std::vector<std::string> fields;
  if (!std::getline(in, line) || !SplitCsv(line, &fields) || fields.size() < 11 ||
      fields.front() != "point") {
    throw InputError(path +
                     ":1: expected the header of a mixpe sweep CSV (point, the axes, "
                     "hardware, status, cycles, ...)");
  }
  const std::vector<std::string> file_axes(fields.begin() + 1, fields.end() - 10);
  if (SweepCsvColumns(file_axes) != fields) {
    throw InputError(path + ":1: the columns after the axes must be " +
                     std::string("hardware, status, cycles, time_us, energy_uJ, edp_uJ_us, "
                                 "dram_bytes, utilization, area_transistors, pareto"));
  }
  if (!axes->empty() && *axes != file_axes) {
    throw InputError(path + ":1: its axes differ from the first file's: not the same sweep");
  }
  *axes = file_axes;
  const std::vector<std::string> columns = SweepCsvColumns(file_axes);
  std::vector<SweepResult> results;
  for (int number = 2; std::getline(in, line); ++number) {
    if (line.empty()) continue;
    const std::string where = path + ":" + std::to_string(number);
    if (!SplitCsv(line, &fields) || fields.size() != file_axes.size() + 11) {
      throw InputError(where + ": expected " + std::to_string(file_axes.size() + 11) + " fields");
    }
    SweepResult r;
    size_t f = 0;
    try {
      size_t used = 0;
      auto integer = [&](const std::string& text) {
        const int64_t v = std::stoll(text, &used);
        if (used != text.size()) throw std::invalid_argument(text);
        return v;
      };
      auto real = [&](const std::string& text) {
        const double v = std::stod(text, &used);
        if (used != text.size()) throw std::invalid_argument(text);
        return v;
      };
      r.point = integer(fields[f++]);
      for (size_t a = 0; a < file_axes.size(); ++a) r.labels.push_back(fields[f++]);
      r.hardware = fields[f++];
      r.status = fields[f++];
      r.cycles = integer(fields[f++]);
      r.time_us = real(fields[f++]);
      r.energy_uj = real(fields[f++]);
      real(fields[f++]);  // edp: derived
      r.dram_bytes = integer(fields[f++]);
      r.utilization = real(fields[f++]);
      r.area_transistors = fields[f].empty() ? 0 : integer(fields[f]);
      ++f;
      r.pareto = integer(fields[f++]) != 0;
    } catch (const std::exception&) {
      throw InputError(where + ": field " + std::to_string(f) + " (" + columns[f - 1] +
                       "): expected a number, got '" + fields[f - 1] + "'");
    }
    if (r.point < 0) {
      throw InputError(where + ": field 1 (point): expected a point number, 0 or more, got '" +
                       fields[0] + "'");
    }
    results.push_back(r);
  }
  return results;
}

std::string SweepJson(const std::string& source, const std::vector<std::string>& axes,
                      const std::vector<SweepResult>& results) {
  std::ostringstream out;
  out << "{\n  \"source\": " << JsonString(source) << ",\n  \"axes\": [";
  for (size_t a = 0; a < axes.size(); ++a) out << (a ? ", " : "") << JsonString(axes[a]);
  out << "],\n  \"points\": [";
  for (size_t i = 0; i < results.size(); ++i) {
    const SweepResult& r = results[i];
    out << (i ? "," : "") << "\n    {\"point\": " << r.point << ", \"values\": {";
    for (size_t a = 0; a < axes.size(); ++a) {
      out << (a ? ", " : "") << JsonString(axes[a]) << ": " << JsonString(r.labels[a]);
    }
    out << "}, \"hardware\": " << JsonString(r.hardware)
        << ", \"status\": " << JsonString(r.status);
    if (r.ok()) {
      out << ", \"cycles\": " << r.cycles << ", \"time_us\": " << Number(r.time_us)
          << ", \"energy_uJ\": " << Number(r.energy_uj) << ", \"edp_uJ_us\": " << Number(r.edp())
          << ", \"dram_bytes\": " << r.dram_bytes << ", \"utilization\": " << Number(r.utilization)
          << ", \"area_transistors\": "
          << (r.area_transistors > 0 ? std::to_string(r.area_transistors) : "null")
          << ", \"pareto\": " << (r.pareto ? "true" : "false");
    }
    out << "}";
  }
  out << "\n  ]\n}\n";
  return out.str();
}

void PlotPareto(const std::vector<SweepResult>& results, const std::string& title,
                const std::string& png) {
  const std::string data = png + ".dat";
  {
    std::ofstream out(data);
    out << "# time_us energy_uJ pareto point\n";
    for (const SweepResult& r : results) {
      if (r.ok())
        out << r.time_us << " " << r.energy_uj << " " << r.pareto << " " << r.point << "\n";
    }
    out << "\n\n";  // the front, sorted by time, as a second data block
    std::vector<SweepResult> front;
    for (const SweepResult& r : results) {
      if (r.pareto) front.push_back(r);
    }
    std::sort(front.begin(), front.end(),
              [](const SweepResult& a, const SweepResult& b) { return a.time_us < b.time_us; });
    for (const SweepResult& r : front) out << r.time_us << " " << r.energy_uj << "\n";
    if (!out) throw InputError(data + ": cannot write the plot's data");
  }
  const std::string script = png + ".gp";
  {
    std::ofstream out(script);
    std::string safe_title = title;
    std::replace(safe_title.begin(), safe_title.end(), '"', '\'');
    out << "set terminal png size 960,640\n"
        << "set output \"" << png << "\"\n"
        << "set title \"" << safe_title << "\" noenhanced\n"
        << "set xlabel \"latency (us)\"\nset ylabel \"energy (uJ)\"\n"
        << "set logscale xy\nset grid\nset key top right\n"
        << "plot \"" << data << "\" index 0 using 1:2 with points pt 7 ps 0.8 lc rgb \"#9a9a9a\" "
        << "title \"design points\", \\\n"
        << "     \"" << data << "\" index 1 using 1:2 with linespoints pt 7 ps 1.2 lw 2 "
        << "lc rgb \"#c0392b\" title \"Pareto front\"\n";
  }
  const std::string command = "gnuplot \"" + script + "\" 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) throw InputError("cannot run gnuplot for " + png);
  std::string output;
  char buf[256];
  while (fgets(buf, sizeof buf, pipe) != nullptr) output += buf;
  const int status = pclose(pipe);
  std::remove(script.c_str());
  std::remove(data.c_str());
  if (status != 0) {
    throw InputError(png +
                     ": gnuplot failed (is gnuplot installed? scripts/install-deps.sh "
                     "installs gnuplot-nox): " +
                     output);
  }
}

}  // namespace mixpe
