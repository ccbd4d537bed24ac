// Parsing and validation of layer traces, and their formats on a hardware config; see
// layer_trace.h.
#include "compiler/layer_trace.h"

#include <algorithm>
#include <numeric>
#include <set>

#include "model/input_error.h"
#include "model/mpgemm.h"
#include "model/yaml_fields.h"

namespace mixpe {
namespace {

// "file: layers[i].key: layer name: message", the form of every error about a resolved layer.
[[noreturn]] void FailLayer(const GemmLayer& layer, const std::string& key,
                            const std::string& message) {
  throw InputError(layer.source_file + ": layers[" + std::to_string(layer.index) + "]." + key +
                   ": layer " + layer.name + ": " + message);
}

std::string JoinNames(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) out += (i > 0 ? ", " : "") + names[i];
  return out;
}

// The format the layer names under `key`, or the config's default; parsed, and checked to be one
// the config lists. `kind` is "weight" or "activation"; `origin` says where a format the trace
// did not write comes from (an attention layer's), or is empty.
template <typename Format, typename Parse>
Format ResolveOne(const GemmLayer& layer, const std::string& key, const std::string& written,
                  const std::vector<std::string>& config_names,
                  const std::vector<Format>& config_formats, const HardwareConfig& config,
                  const std::string& kind, const std::string& origin, Parse parse,
                  bool* is_default) {
  if (config_formats.empty()) {
    FailLayer(layer, key, "config " + config.source_file + " lists no " + kind + " formats");
  }
  *is_default = written.empty();
  if (*is_default) return config_formats.front();
  Format format;
  try {
    format = parse(written);
  } catch (const InputError& e) {
    FailLayer(layer, key, e.what());
  }
  for (const Format& supported : config_formats) {
    if (supported.Name() == format.Name()) return format;
  }
  FailLayer(layer, key,
            kind + " format '" + written + "'" + origin + " is not supported by config " +
                config.source_file + ": it supports " + JoinNames(config_names));
}

// Sizes are bounded so that M*K, K*N and M*N fit comfortably in memory-sized integers; the
// hardware config bounds the reduction unit further (pe.max_k).
constexpr int64_t kMaxDim = int64_t{1} << 20;
// An attention layer's derived repeat count (batch x kv_heads x token groups) may exceed the
// bound of a written `repeat`: it is only counted, never simulated.
constexpr int64_t kMaxAttentionRepeat = int64_t{1} << 32;

// layers[i].attention: the shape, and the GEMM it lowers to (docs/trace-format.md, "Attention
// layers"). Everything the GEMM needs follows from the shape, so the keys that would say it again
// are refused rather than checked for agreement.
void ReadAttentionLayer(const YamlMap& item, GemmLayer* layer) {
  for (const char* key : {"m", "k", "n", "repeat"}) {
    if (item.Has(key)) {
      item.Fail(key, "an attention layer's " + std::string(key) +
                         " follows from its attention shape; leave it out");
    }
  }
  for (const char* key : {"weights", "activations"}) {
    if (item.Has(key)) {
      item.Fail(key,
                "an attention layer's formats follow from its attention shape "
                "(int{kv_bits}_gch cache codes x fp16); leave it out");
    }
  }
  if (item.Has("conv")) {
    item.Fail("conv", "a layer is a convolution or an attention product, not both");
  }
  const YamlMap a = item.Map("attention");
  a.RejectUnknownKeys({"product", "batch", "heads", "kv_heads", "head_dim", "queries", "kv_len",
                       "kv_bits", "kv_group", "layers"});
  AttentionShape& s = layer->attention;
  s.product = a.Choice("product", {"score", "value"}) == "score" ? AttentionProduct::kScore
                                                                 : AttentionProduct::kValue;
  s.batch = a.Int("batch", 1, kMaxDim);
  s.heads = a.Int("heads", 1, kMaxDim);
  s.kv_heads = a.Has("kv_heads") ? a.Int("kv_heads", 1, kMaxDim) : s.heads;
  if (s.heads % s.kv_heads != 0) {
    a.Fail("kv_heads", "kv_heads=" + std::to_string(s.kv_heads) +
                           " does not divide heads=" + std::to_string(s.heads) +
                           " (grouped-query attention shares each KV head among heads/kv_heads "
                           "query heads)");
  }
  s.head_dim = a.Int("head_dim", 1, kMaxDim);
  s.queries = a.Int("queries", 1, kMaxDim);
  s.kv_len = a.Int("kv_len", 1, kMaxDim);
  s.kv_bits = static_cast<int>(a.Int("kv_bits", 2, 4));
  if (s.kv_bits == 3) a.Fail("kv_bits", "expected 2 or 4 (KIVI's cache widths), got 3");
  if (s.product == AttentionProduct::kScore) {
    s.kv_group = a.Int("kv_group", 1, kMaxDim);
    if (s.kv_len % s.kv_group != 0) {
      a.Fail("kv_len", "kv_len=" + std::to_string(s.kv_len) +
                           " is not a multiple of kv_group=" + std::to_string(s.kv_group) +
                           " (keys are quantized per channel in groups of kv_group tokens)");
    }
  } else if (a.Has("kv_group")) {
    a.Fail("kv_group",
           "the value product takes no kv_group: values are quantized per token over all of "
           "head_dim (kv_group belongs to product: score)");
  }
  // A whole-model trace (compiler/model_trace.h) counts one product for all its decoder blocks.
  if (a.Has("layers")) s.layers = a.Int("layers", 1, kMaxDim);
  if (s.gemm_m() > kMaxDim) {
    a.Fail("queries", "the lowered GEMM's M = queries x heads/kv_heads = " +
                          std::to_string(s.gemm_m()) + " exceeds " + std::to_string(kMaxDim));
  }
  // Per block first: up to 2^60, so that times layers (up to 2^20) cannot overflow.
  AttentionShape one_block = s;
  one_block.layers = 1;
  if (one_block.gemm_repeat() > kMaxAttentionRepeat || s.gemm_repeat() > kMaxAttentionRepeat) {
    const bool blocks = one_block.gemm_repeat() <= kMaxAttentionRepeat;
    const int64_t repeat = blocks ? s.gemm_repeat() : one_block.gemm_repeat();
    a.Fail(blocks ? "layers" : "batch",
           "the lowered GEMM occurs " + std::to_string(repeat) + " times (batch x kv_heads" +
               (s.product == AttentionProduct::kScore ? " x kv_len/kv_group" : "") +
               (blocks ? " x layers" : "") + "), more than " + std::to_string(kMaxAttentionRepeat));
  }
  layer->m = s.gemm_m();
  layer->k = s.gemm_k();
  layer->n = s.gemm_n();
  layer->repeat = s.gemm_repeat();
  layer->weights = s.weight_format();
  layer->activations = AttentionShape::activation_format();
}

}  // namespace

LayerTrace LoadLayerTrace(const std::string& path) {
  return LoadLayerTraceYaml(YamlMap::LoadFile(path));
}

LayerTrace LoadLayerTraceYaml(const YamlMap& root) {
  const std::string& path = root.file();
  root.RejectUnknownKeys({"version", "model", "seed", "layers"});
  LayerTrace trace;
  trace.source_file = path;
  root.Int("version", 1, 1);
  trace.model = root.String("model");
  trace.seed = static_cast<uint64_t>(root.Int("seed", 0, int64_t{1} << 62));
  std::set<std::string> names;
  for (const YamlMap& item : root.MapList("layers")) {
    item.RejectUnknownKeys({"name", "m", "k", "n", "weights", "activations", "loop_order",
                            "block_m_tiles", "block_n_tiles", "k_chunks", "repeat", "conv",
                            "attention"});
    GemmLayer layer;
    layer.source_file = path;
    layer.index = static_cast<int>(trace.layers.size());
    layer.name = item.String("name");
    if (!names.insert(layer.name).second)
      item.Fail("name", "duplicate layer name '" + layer.name + "'");
    if (item.Has("attention")) {
      ReadAttentionLayer(item, &layer);
    } else if (item.Has("conv")) {
      // A convolution: its GEMM's M and K follow from the shape (im2col).
      for (const char* key : {"m", "k"}) {
        if (item.Has(key)) {
          item.Fail(key, "a conv layer's " + std::string(key) +
                             " follows from its conv shape; "
                             "leave it out");
        }
      }
      const YamlMap conv = item.Map("conv");
      conv.RejectUnknownKeys(
          {"batch", "channels", "height", "width", "kernel", "stride", "padding"});
      ConvShape& c = layer.conv;
      c.batch = conv.Int("batch", 1, kMaxDim);
      c.channels = conv.Int("channels", 1, kMaxDim);
      c.height = conv.Int("height", 1, kMaxDim);
      c.width = conv.Int("width", 1, kMaxDim);
      c.kernel = conv.Int("kernel", 1, kMaxDim);
      c.stride = conv.Has("stride") ? conv.Int("stride", 1, kMaxDim) : 1;
      c.padding = conv.Has("padding") ? conv.Int("padding", 0, kMaxDim) : 0;
      if (c.kernel > c.height + 2 * c.padding || c.kernel > c.width + 2 * c.padding) {
        conv.Fail("kernel", "a kernel of " + std::to_string(c.kernel) +
                                " does not fit the padded input of " +
                                std::to_string(c.height + 2 * c.padding) + " x " +
                                std::to_string(c.width + 2 * c.padding));
      }
      if (c.gemm_m() > kMaxDim || c.gemm_k() > kMaxDim) {
        conv.Fail("batch", "the lowered GEMM (M=" + std::to_string(c.gemm_m()) +
                               ", K=" + std::to_string(c.gemm_k()) + ") exceeds " +
                               std::to_string(kMaxDim) + " in M or K");
      }
      layer.m = c.gemm_m();
      layer.k = c.gemm_k();
    } else {
      layer.m = item.Int("m", 1, kMaxDim);
      layer.k = item.Int("k", 1, kMaxDim);
    }
    if (!layer.attention.present()) {
      layer.n = item.Int("n", 1, kMaxDim);
      if (item.Has("repeat")) layer.repeat = item.Int("repeat", 1, kMaxDim);
    }
    // Names are checked here so a typo fails before any config is read; whether the hardware runs
    // the format is ResolveLayerFormats' business.
    if (item.Has("weights")) {
      layer.weights = item.String("weights");
      try {
        ParseWeightFormat(layer.weights);
      } catch (const InputError& e) {
        item.Fail("weights", e.what());
      }
    }
    if (item.Has("activations")) {
      layer.activations = item.String("activations");
      try {
        ParseActivationFormat(layer.activations);
      } catch (const InputError& e) {
        item.Fail("activations", e.what());
      }
    }
    if (item.Has("loop_order")) {
      layer.loop_order = item.String("loop_order");
      if (layer.loop_order != "m_outer" && layer.loop_order != "n_outer") {
        item.Fail("loop_order",
                  "unknown loop order '" + layer.loop_order + "', expected m_outer or n_outer");
      }
    }
    // At most the layer's tiles along the side, which the hardware config decides: the mapper
    // checks that.
    if (item.Has("block_m_tiles")) layer.block_m_tiles = item.Int("block_m_tiles", 1, kMaxDim);
    if (item.Has("block_n_tiles")) layer.block_n_tiles = item.Int("block_n_tiles", 1, kMaxDim);
    // Whether the chunks are whole units and groups depends on the formats: the mapper checks.
    if (item.Has("k_chunks")) layer.k_chunks = item.Int("k_chunks", 1, kMaxDim);
    trace.layers.push_back(layer);
  }
  return trace;
}

LayerFormats ResolveLayerFormats(const GemmLayer& layer, const HardwareConfig& config) {
  LayerFormats f;
  bool weights_default = false;
  bool activations_default = false;
  // An attention layer's formats follow from its shape: a refusal names the key they came from.
  const bool attention = layer.attention.present();
  f.weights =
      ResolveOne(layer, attention ? "attention.kv_bits" : "weights", layer.weights,
                 config.weight_format_names, config.weight_formats, config, "weight",
                 attention ? " (the attention layer's KV cache codes with unit scales)" : "",
                 ParseWeightFormat, &weights_default);
  f.activations =
      ResolveOne(layer, attention ? "attention" : "activations", layer.activations,
                 config.activation_format_names, config.activation_formats, config, "activation",
                 attention ? " (the attention layer's folded query or probabilities)" : "",
                 ParseActivationFormat, &activations_default);
  const std::string default_note = " (the default of config " + config.source_file + ")";
  const ReductionBlocks blocks = ReductionBlocksOf(f.weights, f.activations, layer.k);
  switch (blocks.problem) {
    case ReductionBlocks::Problem::kNone:
      break;
    case ReductionBlocks::Problem::kGroup:
      FailLayer(layer, "k", blocks.message + (weights_default ? default_note : ""));
    case ReductionBlocks::Problem::kBlock:
      FailLayer(layer, "k", blocks.message + (activations_default ? default_note : ""));
    case ReductionBlocks::Problem::kNotNested:
      FailLayer(layer, "k", blocks.message);
  }
  const int64_t unit = blocks.unit;
  if (unit > config.max_k) {
    FailLayer(layer, "k",
              "its reduction unit of " + std::to_string(unit) + " elements (" + f.weights.Name() +
                  " x " + f.activations.Name() +
                  ") exceeds pe.max_k=" + std::to_string(config.max_k) + " of config " +
                  config.source_file + ", the longest unit its accumulator holds exactly");
  }
  f.unit = static_cast<int>(unit);
  // A schedule lists every output tile (and the memory model walks them): beyond this many, a
  // layer would take minutes to map and gigabytes to hold, so it is refused, not allocated.
  constexpr int64_t kMaxTiles = int64_t{1} << 20;
  const int64_t tiles =
      ((layer.m + config.rows - 1) / config.rows) * ((layer.n + config.cols - 1) / config.cols);
  if (tiles > kMaxTiles) {
    throw InputError(layer.source_file + ": layers[" + std::to_string(layer.index) + "]: layer " +
                     layer.name + ": M=" + std::to_string(layer.m) +
                     " x N=" + std::to_string(layer.n) + " makes " + std::to_string(tiles) +
                     " output tiles on the " + std::to_string(config.rows) + "x" +
                     std::to_string(config.cols) + " array of config " + config.source_file +
                     ", more than " + std::to_string(kMaxTiles) + "; split the layer");
  }
  return f;
}

ReductionBlocks ReductionBlocksOf(const WeightFormat& weights, const ActivationFormat& activations,
                                  int64_t k) {
  ReductionBlocks r;
  const std::string k_text = "K=" + std::to_string(k);
  if (k < 1) {
    r.problem = ReductionBlocks::Problem::kGroup;
    r.message = k_text + ": the reduction length must be at least 1";
    return r;
  }
  r.group = weights.group_size == 0 ? k : weights.group_size;
  // The activation block: a whole row for INT8 per token, the alignment block for FP16.
  r.block = activations.block_size;
  if (activations.family == ActivationFamily::kInt8PerToken) r.block = k;
  if (activations.family == ActivationFamily::kFp16) {
    r.block = std::gcd<int64_t>(r.group, kMaxFp16AlignBlock);
  }
  r.unit = std::min(r.group, r.block);
  if (k % r.group != 0) {
    r.problem = ReductionBlocks::Problem::kGroup;
    r.message = k_text + " is not a multiple of the group size " + std::to_string(r.group) +
                " of weight format " + weights.Name();
  } else if (k % r.block != 0) {
    r.problem = ReductionBlocks::Problem::kBlock;
    r.message = k_text + " is not a multiple of the block size " + std::to_string(r.block) +
                " of activation format " + activations.Name();
  } else if (std::max(r.group, r.block) % r.unit != 0) {
    r.problem = ReductionBlocks::Problem::kNotNested;
    r.message = "weight groups of " + std::to_string(r.group) + " and activation blocks of " +
                std::to_string(r.block) + " do not nest (one must divide the other)";
  }
  return r;
}

}  // namespace mixpe
