// Parsing and validation of layer traces; see layer_trace.h.
#include "compiler/layer_trace.h"

#include <set>

#include "model/yaml_fields.h"

namespace mixpe {

LayerTrace LoadLayerTrace(const std::string& path) {
  const YamlMap root = YamlMap::LoadFile(path);
  root.RejectUnknownKeys({"version", "model", "seed", "layers"});
  LayerTrace trace;
  trace.source_file = path;
  root.Int("version", 1, 1);
  trace.model = root.String("model");
  trace.seed = static_cast<uint64_t>(root.Int("seed", 0, int64_t{1} << 62));
  std::set<std::string> names;
  // Sizes are bounded so that M*K, K*N and M*N fit comfortably in memory-sized integers; the
  // hardware config bounds K further (pe.max_k).
  constexpr int64_t kMaxDim = int64_t{1} << 20;
  for (const YamlMap& item : root.MapList("layers")) {
    item.RejectUnknownKeys({"name", "m", "k", "n"});
    GemmLayer layer;
    layer.name = item.String("name");
    if (!names.insert(layer.name).second)
      item.Fail("name", "duplicate layer name '" + layer.name + "'");
    layer.m = item.Int("m", 1, kMaxDim);
    layer.k = item.Int("k", 1, kMaxDim);
    layer.n = item.Int("n", 1, kMaxDim);
    trace.layers.push_back(layer);
  }
  return trace;
}

}  // namespace mixpe
