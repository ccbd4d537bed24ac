// Design spaces; see sweep_space.h.
#include "explore/sweep_space.h"

#include <filesystem>
#include <regex>
#include <set>

#include "model/input_error.h"
#include "model/quant_format.h"
#include "model/yaml_fields.h"

namespace mixpe {
namespace {

std::string Label(const YAML::Node& node) {
  YAML::Emitter out;
  out << YAML::Flow << node;
  return out.c_str();
}

// The path's parts: "memory.dram.banks" -> {"memory", "dram", "banks"}.
std::vector<std::string> PathParts(const std::string& path) {
  std::vector<std::string> parts;
  size_t begin = 0;
  while (true) {
    const size_t dot = path.find('.', begin);
    parts.push_back(path.substr(begin, dot - begin));
    if (dot == std::string::npos) break;
    begin = dot + 1;
  }
  return parts;
}

std::string Resolve(const std::string& space_file, const std::string& path) {
  const std::filesystem::path p(path);
  if (p.is_absolute()) return p.string();
  return (std::filesystem::path(space_file).parent_path() / p).lexically_normal().string();
}

// The base config's node at `path`, or an undefined node.
YAML::Node NodeAt(const YAML::Node& root, const std::string& path) {
  YAML::Node node = YAML::Clone(root);
  for (const std::string& part : PathParts(path)) {
    if (!node.IsMap() || !node[part]) return YAML::Node(YAML::NodeType::Undefined);
    node.reset(node[part]);  // rebinds (operator= would overwrite the node's value)
  }
  return node;
}

const char* KindName(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Scalar:
      return "a scalar";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a mapping";
    default:
      return "nothing";
  }
}

void CheckAxisValue(const YamlMap& axes, const std::string& key, int i, const YAML::Node& value,
                    const YAML::Node& base) {
  const std::string where = key + "[" + std::to_string(i) + "]";
  auto scalar = [&]() {
    if (!value.IsScalar())
      axes.Fail(where, std::string("expected a scalar, got ") + KindName(value));
    return value.as<std::string>();
  };
  if (key == "array") {
    static const std::regex shape("([1-9][0-9]{0,2})x([1-9][0-9]{0,2})");
    if (!std::regex_match(scalar(), shape)) {
      axes.Fail(where,
                "expected <rows>x<cols> such as 16x16, got '" + value.as<std::string>() + "'");
    }
    return;
  }
  if (key == "weights" || key == "activations") {
    try {
      key == "weights" ? (void)ParseWeightFormat(scalar()) : (void)ParseActivationFormat(scalar());
    } catch (const InputError& e) {
      axes.Fail(where, e.what());
    }
    return;
  }
  const YAML::Node at = NodeAt(base, key);
  if (value.Type() != at.Type()) {
    axes.Fail(where, std::string("the base config's ") + key + " is " + KindName(at) +
                         ", so each value must be too; got " + KindName(value));
  }
}

}  // namespace

int64_t SweepSpace::points() const {
  int64_t n = 1;
  for (const SweepAxis& axis : axes) n *= static_cast<int64_t>(axis.values.size());
  return n;
}

std::vector<int> SweepSpace::Choice(int64_t index) const {
  std::vector<int> choice(axes.size());
  for (size_t a = axes.size(); a-- > 0;) {
    const int64_t size = static_cast<int64_t>(axes[a].values.size());
    choice[a] = static_cast<int>(index % size);
    index /= size;
  }
  return choice;
}

SweepSpace LoadSweepSpace(const std::string& path) {
  const YamlMap root = YamlMap::LoadFile(path);
  root.RejectUnknownKeys({"version", "base", "trace", "objective", "area_table", "axes"});
  root.Int("version", 1, 1);
  SweepSpace space;
  space.source_file = path;
  space.base_config = Resolve(path, root.String("base"));
  space.trace = Resolve(path, root.String("trace"));
  if (root.Has("area_table")) space.area_table = Resolve(path, root.String("area_table"));
  if (root.Has("objective")) {
    space.objective = ParseMapObjective(root.Choice("objective", {"cycles", "energy", "edp"}),
                                        path + ": objective");
  }
  YAML::Node base;
  try {
    base = YAML::LoadFile(space.base_config);
  } catch (const std::exception& e) {
    root.Fail("base", space.base_config + ": cannot read the base config: " + e.what());
  }
  // What every point reads or replaces in the base must have its shape (a point's config is the
  // base with the axes' values in place, then loaded and checked like any config).
  auto base_fail = [&](const std::string& key, const std::string& what) {
    root.Fail("base", space.base_config + ": " + key + ": expected " + what +
                          " (every design point is made from the base)");
  };
  const YAML::Node& read_base = base;  // reads that add no keys
  if (!base.IsMap()) base_fail("top level", "a YAML mapping");
  if (!read_base["name"] || !read_base["name"].IsScalar()) base_fail("name", "a string");
  const YamlMap axes = root.Map("axes");
  YAML::Node raw = YAML::LoadFile(path)["axes"];
  if (raw.size() == 0) root.Fail("axes", "expected at least one axis");
  std::set<std::string> keys;
  for (const auto& entry : raw) {
    SweepAxis axis;
    if (!entry.first.IsScalar()) {
      root.Fail("axes",
                "expected plain keys (array, weights, activations or a dotted key of "
                "the hardware YAML), got a non-scalar key");
    }
    axis.key = entry.first.Scalar();
    if (!keys.insert(axis.key).second) axes.Fail(axis.key, "duplicate axis");
    if (axis.key == "array" && read_base["array"] && !read_base["array"].IsMap()) {
      base_fail("array", "a mapping (the array axis sets array.rows and array.cols)");
    }
    if (axis.key == "weights" || axis.key == "activations") {
      const YAML::Node formats = read_base["formats"];
      if (formats && !formats.IsMap()) base_fail("formats", "a mapping");
      const YAML::Node list = formats ? formats[axis.key] : YAML::Node();
      bool strings = !list || list.IsSequence();
      if (list && list.IsSequence()) {
        for (const YAML::Node& f : list) strings &= f.IsScalar();
      }
      if (!strings) base_fail("formats." + axis.key, "a list of format names");
    }
    const bool special = axis.key == "array" || axis.key == "weights" || axis.key == "activations";
    if (!special) {
      if (axis.key == "name" || axis.key == "version" || axis.key == "energy") {
        axes.Fail(axis.key, "this key cannot vary: a point's name and energy table are the base's");
      }
      if (!NodeAt(base, axis.key)) {
        axes.Fail(axis.key, "the base config " + space.base_config +
                                " has no such key (an axis is array, weights, activations or a "
                                "dotted key path of the hardware YAML, e.g. memory.dram.banks)");
      }
    }
    if (!entry.second.IsSequence() || entry.second.size() == 0) {
      axes.Fail(axis.key, "expected a non-empty list of values");
    }
    std::set<std::string> seen;
    for (size_t i = 0; i < entry.second.size(); ++i) {
      const YAML::Node value = entry.second[i];
      CheckAxisValue(axes, axis.key, static_cast<int>(i), value, base);
      const std::string label = Label(value);
      if (!seen.insert(label).second) {
        axes.Fail(axis.key + "[" + std::to_string(i) + "]",
                  "the value " + label + " is listed twice");
      }
      axis.values.push_back(YAML::Clone(value));
      axis.labels.push_back(label);
    }
    space.axes.push_back(std::move(axis));
    if (space.points() > kMaxSweepPoints) {
      root.Fail("axes",
                "more than " + std::to_string(kMaxSweepPoints) + " design points; split the space");
    }
  }
  try {
    MakeDesignPoint(space, base, 0);  // the checks above should leave nothing to fail here
  } catch (const YAML::Exception& e) {
    root.Fail("base", space.base_config + ": cannot make a design point from it: " + e.what());
  }
  return space;
}

std::string DesignPoint::Describe(const SweepSpace& space) const {
  std::string text;
  for (size_t a = 0; a < space.axes.size(); ++a) {
    text += (a == 0 ? "" : ", ") + space.axes[a].key + "=" + labels[a];
  }
  return text;
}

DesignPoint MakeDesignPoint(const SweepSpace& space, const YAML::Node& base, int64_t index) {
  DesignPoint point;
  point.index = index;
  point.config = YAML::Clone(base);
  const std::vector<int> choice = space.Choice(index);
  for (size_t a = 0; a < space.axes.size(); ++a) {
    const SweepAxis& axis = space.axes[a];
    const YAML::Node& value = axis.values[choice[a]];
    point.labels.push_back(axis.labels[choice[a]]);
    if (axis.key == "array") {
      const std::string shape = value.as<std::string>();
      const size_t x = shape.find('x');
      point.config["array"]["rows"] = std::stoi(shape.substr(0, x));
      point.config["array"]["cols"] = std::stoi(shape.substr(x + 1));
    } else if (axis.key == "weights" || axis.key == "activations") {
      // The format leads the config's list (the default) and is the layers' too.
      const std::string name = value.as<std::string>();
      YAML::Node list(YAML::NodeType::Sequence);
      list.push_back(name);
      for (const YAML::Node& f : point.config["formats"][axis.key]) {
        if (f.as<std::string>() != name) list.push_back(f.as<std::string>());
      }
      point.config["formats"][axis.key] = list;
      (axis.key == "weights" ? point.weights : point.activations) = name;
    } else {
      const std::vector<std::string> parts = PathParts(axis.key);
      YAML::Node parent = point.config;
      for (size_t i = 0; i + 1 < parts.size(); ++i) parent.reset(parent[parts[i]]);
      parent[parts.back()] = YAML::Clone(value);
    }
  }
  point.config["name"] = point.config["name"].as<std::string>() + " point " + std::to_string(index);
  return point;
}

std::vector<GemmLayer> LayersAt(const LayerTrace& trace, const DesignPoint& point) {
  std::vector<GemmLayer> layers = trace.layers;
  for (GemmLayer& layer : layers) {
    if (layer.attention.present()) continue;
    if (!point.weights.empty()) layer.weights = point.weights;
    if (!point.activations.empty()) layer.activations = point.activations;
  }
  return layers;
}

}  // namespace mixpe
