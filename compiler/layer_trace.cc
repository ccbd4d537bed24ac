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
// the config lists. `kind` is "weight" or "activation".
template <typename Format, typename Parse>
Format ResolveOne(const GemmLayer& layer, const std::string& key, const std::string& written,
                  const std::vector<std::string>& config_names,
                  const std::vector<Format>& config_formats, const HardwareConfig& config,
                  const std::string& kind, Parse parse, bool* is_default) {
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
            kind + " format '" + written + "' is not supported by config " + config.source_file +
                ": it supports " + JoinNames(config_names));
}

}  // namespace

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
  // hardware config bounds the reduction unit further (pe.max_k).
  constexpr int64_t kMaxDim = int64_t{1} << 20;
  for (const YamlMap& item : root.MapList("layers")) {
    item.RejectUnknownKeys(
        {"name", "m", "k", "n", "weights", "activations", "loop_order", "repeat", "conv"});
    GemmLayer layer;
    layer.source_file = path;
    layer.index = static_cast<int>(trace.layers.size());
    layer.name = item.String("name");
    if (!names.insert(layer.name).second)
      item.Fail("name", "duplicate layer name '" + layer.name + "'");
    if (item.Has("conv")) {
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
    layer.n = item.Int("n", 1, kMaxDim);
    if (item.Has("repeat")) layer.repeat = item.Int("repeat", 1, kMaxDim);
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
    trace.layers.push_back(layer);
  }
  return trace;
}

LayerFormats ResolveLayerFormats(const GemmLayer& layer, const HardwareConfig& config) {
  LayerFormats f;
  bool weights_default = false;
  bool activations_default = false;
  f.weights =
      ResolveOne(layer, "weights", layer.weights, config.weight_format_names, config.weight_formats,
                 config, "weight", ParseWeightFormat, &weights_default);
  f.activations = ResolveOne(layer, "activations", layer.activations,
                             config.activation_format_names, config.activation_formats, config,
                             "activation", ParseActivationFormat, &activations_default);
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
