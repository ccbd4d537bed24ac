// Design-space exploration: every point of a SweepSpace (explore/sweep_space.h) costed by the
// mapper and the analytical memory model (compiler/mapper.h) over a whole trace, on as many
// threads as asked; the Pareto front of latency against energy; and the results as CSV (which
// shards write and `merge` reads back), JSON and a gnuplot-drawn PNG. docs/sweep.md.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "explore/area_table.h"
#include "explore/sweep_space.h"

namespace mixpe {

// One design point's outcome, the whole trace counted with its repeats.
struct SweepResult {
  int64_t point = 0;
  std::vector<std::string> labels;  // per axis
  std::string hardware;             // ShortDescription of the point's config
  std::string status = "ok";        // "ok", or why the point has no figures: its config is
                                    // invalid, or a layer does not map
  int64_t cycles = 0;
  double time_us = 0;  // cycles at the point's clock
  double energy_uj = 0;
  int64_t dram_bytes = 0;        // read and written, whole bursts
  double utilization = 0;        // MACs / (PEs x cycles)
  int64_t area_transistors = 0;  // the core's (explore/area_table.h); 0: not known
  bool pareto = false;  // no other ok point is at least as fast and as frugal and better in one

  bool ok() const { return status == "ok"; }
  double edp() const { return energy_uj * time_us; }  // uJ x us
};

// Costs point `index` of `space`. `base` is the base config's YAML; `trace` the space's trace.
// Never throws on bad input at the point: its status says what is wrong.
SweepResult EvaluatePoint(const SweepSpace& space, const YAML::Node& base, const LayerTrace& trace,
                          int64_t index, const AreaTable* area = nullptr);

// A part of the points: those whose number is `index` modulo `count` (0 <= index < count).
struct Shard {
  int64_t index = 0;
  int64_t count = 1;
};
// "i/N" -> {i, N}; throws InputError naming `what` on anything else.
Shard ParseShard(const std::string& text, const std::string& what);

// Evaluates the shard's points on `threads` threads, in point order. `progress` (if set) is
// called with the points done so far and the shard's total, from one thread at a time.
std::vector<SweepResult> RunSweep(const SweepSpace& space, const Shard& shard, int threads,
                                  const std::function<void(int64_t, int64_t)>& progress = {});

// Marks the Pareto front of (time_us, energy_uj) among the ok results.
void MarkPareto(std::vector<SweepResult>* results);

// The CSV: a header naming the axes, one row per result in point order; fields with commas or
// quotes are quoted. ReadSweepCsv reads it back (for merge) and throws InputError naming the file
// and line on anything else, or if its axes differ from `axes` (when `axes` is not empty).
std::string SweepCsv(const std::vector<std::string>& axes, const std::vector<SweepResult>& results);
std::vector<SweepResult> ReadSweepCsv(const std::string& path, std::vector<std::string>* axes);
// CSV header columns before and after the axes.
std::vector<std::string> SweepCsvColumns(const std::vector<std::string>& axes);

// The JSON: what was explored (`source`: the space file, or the merged CSVs), the axes, and every
// result.
std::string SweepJson(const std::string& source, const std::vector<std::string>& axes,
                      const std::vector<SweepResult>& results);

// The axes' keys of a space.
std::vector<std::string> AxisKeys(const SweepSpace& space);

// Writes `png` with gnuplot: every ok point's time against its energy, the Pareto front joined.
// Throws InputError if gnuplot is missing or fails.
void PlotPareto(const std::vector<SweepResult>& results, const std::string& title,
                const std::string& png);

}  // namespace mixpe
