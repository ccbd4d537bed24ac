// Field-by-field comparison of two traces' layers, for the fuzz targets' round trips: a trace
// written as YAML (WriteLayerTrace, ScaleSimTraceYaml) must read back to the same layers.
#pragma once

#include <string>

#include "compiler/layer_trace.h"

namespace mixpe::fuzz {

// "" if the layers of `a` and `b` agree in every field a trace can write, else the first field
// that differs ("layers[2].conv.stride: 1 vs 2").
inline std::string LayerDifference(const LayerTrace& a, const LayerTrace& b) {
  if (a.layers.size() != b.layers.size()) {
    return "layer count: " + std::to_string(a.layers.size()) + " vs " +
           std::to_string(b.layers.size());
  }
  if (a.model != b.model) return "model: '" + a.model + "' vs '" + b.model + "'";
  if (a.seed != b.seed) return "seed: " + std::to_string(a.seed) + " vs " + std::to_string(b.seed);
  for (size_t i = 0; i < a.layers.size(); ++i) {
    const GemmLayer& x = a.layers[i];
    const GemmLayer& y = b.layers[i];
    const std::string at = "layers[" + std::to_string(i) + "].";
    auto text = [&](const std::string& key, const std::string& u, const std::string& v) {
      return u == v ? "" : at + key + ": '" + u + "' vs '" + v + "'";
    };
    auto number = [&](const std::string& key, int64_t u, int64_t v) {
      return u == v ? "" : at + key + ": " + std::to_string(u) + " vs " + std::to_string(v);
    };
    const AttentionShape& s = x.attention;
    const AttentionShape& t = y.attention;
    for (const std::string& difference : {
             text("name", x.name, y.name),
             number("m", x.m, y.m),
             number("k", x.k, y.k),
             number("n", x.n, y.n),
             text("weights", x.weights, y.weights),
             text("activations", x.activations, y.activations),
             text("loop_order", x.loop_order, y.loop_order),
             number("block_m_tiles", x.block_m_tiles, y.block_m_tiles),
             number("block_n_tiles", x.block_n_tiles, y.block_n_tiles),
             number("k_chunks", x.k_chunks, y.k_chunks),
             number("repeat", x.repeat, y.repeat),
             number("conv.batch", x.conv.batch, y.conv.batch),
             number("conv.channels", x.conv.channels, y.conv.channels),
             number("conv.height", x.conv.height, y.conv.height),
             number("conv.width", x.conv.width, y.conv.width),
             number("conv.kernel", x.conv.kernel, y.conv.kernel),
             number("conv.stride", x.conv.stride, y.conv.stride),
             number("conv.padding", x.conv.padding, y.conv.padding),
             number("attention.product", static_cast<int64_t>(s.product),
                    static_cast<int64_t>(t.product)),
             number("attention.batch", s.batch, t.batch),
             number("attention.heads", s.heads, t.heads),
             number("attention.kv_heads", s.kv_heads, t.kv_heads),
             number("attention.head_dim", s.head_dim, t.head_dim),
             number("attention.queries", s.queries, t.queries),
             number("attention.kv_len", s.kv_len, t.kv_len),
             number("attention.kv_bits", s.kv_bits, t.kv_bits),
             number("attention.kv_group", s.kv_group, t.kv_group),
             number("attention.layers", s.layers, t.layers),
         }) {
      if (!difference.empty()) return difference;
    }
  }
  return "";
}

}  // namespace mixpe::fuzz
