// SweepSpace: a design space to explore, read from a YAML file (docs/sweep.md): a base hardware
// config, a trace, the mapper's objective, and axes, each a list of values for one key of the
// hardware YAML (or the array shape, or the layers' formats). Every combination of one value per
// axis is a design point; points are numbered in mixed radix, the last axis fastest, so a point's
// number names it in every output and shard.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <string>
#include <vector>

#include "compiler/layer_trace.h"
#include "compiler/mapper.h"

namespace mixpe {

struct SweepAxis {
  // "array" (values "<rows>x<cols>"), "weights" or "activations" (format names: the layers'
  // formats, and the config's default), or a dotted key path of the hardware YAML that the base
  // config has (e.g. "memory.dram.bandwidth_bytes_per_cycle"), whose node each value replaces.
  std::string key;
  std::vector<YAML::Node> values;
  std::vector<std::string> labels;  // each value as text, for the reports
};

struct SweepSpace {
  std::string source_file;
  std::string base_config;  // resolved path of the base hardware YAML
  std::string trace;        // resolved path of the trace
  MapObjective objective = MapObjective::kCycles;
  std::vector<SweepAxis> axes;
  std::string area_table;  // resolved path of synth/area.sh --csv's table; empty: no area

  int64_t points() const;  // the product of the axes' sizes
  // The value index of each axis at point `index` (0 <= index < points()).
  std::vector<int> Choice(int64_t index) const;
};

// The most points a space may have.
inline constexpr int64_t kMaxSweepPoints = int64_t{1} << 24;

// Reads and validates a space: every key known, paths relative to the space file, each axis a
// non-empty list of distinct values of the right kind (an axis of the hardware YAML must name a
// key the base config has), at most kMaxSweepPoints points. Throws InputError naming the file,
// the key and what was expected.
SweepSpace LoadSweepSpace(const std::string& path);

// One design point: the base config's YAML with the point's values in place, and the formats the
// layers take ("" where no axis sets them).
struct DesignPoint {
  int64_t index = 0;
  std::vector<std::string> labels;  // per axis
  YAML::Node config;                // a deep copy of the base, edited
  std::string weights;
  std::string activations;
  std::string Describe(const SweepSpace& space) const;  // "array=32x32, pe.weight_bits=4"
};

// `base` is the base config's YAML (YAML::LoadFile of space.base_config).
DesignPoint MakeDesignPoint(const SweepSpace& space, const YAML::Node& base, int64_t index);

// The trace's layers with a point's formats: linear and convolution layers take the point's
// weights and activations where it sets them; attention layers keep the formats their lowering
// gives.
std::vector<GemmLayer> LayersAt(const LayerTrace& trace, const DesignPoint& point);

}  // namespace mixpe
