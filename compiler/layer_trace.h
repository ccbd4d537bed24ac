// LayerTrace: a list of GEMM layers to run (traces/*.yaml), parsed and validated up front.
// docs/trace-format.md documents the schema.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/gemm_operands.h"
#include "model/hardware_config.h"
#include "model/kv_cache.h"
#include "model/quant_format.h"

namespace mixpe {

struct GemmLayer {
  std::string name;
  int64_t m = 0;  // rows of activations and outputs (tokens x batch)
  int64_t k = 0;  // reduction length (input features)
  int64_t n = 0;  // output features
  // Format names as written in the trace; empty: the hardware config's default (its first
  // listed). The trace is read without a config: ResolveLayerFormats checks them against one.
  std::string weights;
  std::string activations;
  // "m_outer" or "n_outer" (compiler/gemm_schedule.h, LoopOrder); empty: the mapper chooses
  // (compiler/mapper.h).
  std::string loop_order;
  // Blocks of the tile plan (compiler/gemm_schedule.h, TilePlan): M-tiles whose activations, and
  // N-tiles whose weights, a buffer half holds together; 0: the mapper chooses.
  int64_t block_m_tiles = 0;
  int64_t block_n_tiles = 0;
  // Chunks each tile's K is split into (TilePlan::k_chunks); 0: the mapper chooses.
  int64_t k_chunks = 0;
  // How many times the layer occurs in the model (e.g. once per decoder block): it is simulated
  // once and counted this many times in a run's totals.
  int64_t repeat = 1;
  // A convolution lowered by im2col (m and k derived from it, n its output channels); absent
  // (conv.present() false) for a linear layer.
  ConvShape conv;
  // An attention product over a quantized KV cache (m, k, n, repeat and both formats derived from
  // it; model/kv_cache.h); absent (attention.present() false) for a linear layer.
  AttentionShape attention;
  // Where the layer was read from, for messages: the trace file and its index in `layers`.
  std::string source_file;
  int index = 0;
};

struct LayerTrace {
  std::string source_file;
  std::string model;  // the network the shapes come from
  uint64_t seed = 0;  // operand data is drawn from this seed, layer i from seed + i
  std::vector<GemmLayer> layers;
};

// Throws InputError naming the file and key on malformed input, including a format name that no
// config could run (an unknown name).
LayerTrace LoadLayerTrace(const std::string& path);
// The same for a YAML mapping already parsed; `root.file()` names it in messages.
class YamlMap;
LayerTrace LoadLayerTraceYaml(const YamlMap& root);

// A layer's formats on a given hardware config, and the reduction unit they give.
struct LayerFormats {
  WeightFormat weights;
  ActivationFormat activations;
  // U: the elements of K reduced exactly before each dequantization (docs/numerics.md, section
  // 5): the smaller of the weight group (K for per-channel groups) and the activation block (K for
  // INT8 per token, gcd(weight group, 128) for FP16, 32 for MX, 16 for NVFP4).
  int unit = 0;
};

// Resolves the layer's formats against `config` (an empty name means the config's first entry)
// and computes its reduction unit. Throws InputError naming the trace file, the layer and the key
// (layers[i].weights, layers[i].activations or layers[i].k; for an attention layer, whose formats
// follow from its shape, layers[i].attention.kv_bits and layers[i].attention) if a format is
// unknown or not in the config's `formats` lists, if K is not a multiple of a format's group or
// block size, or if the unit is longer than the config's pe.max_k.
LayerFormats ResolveLayerFormats(const GemmLayer& layer, const HardwareConfig& config);

// The blocks along K of a format pair at reduction length K: the weight group (all of K for
// per-channel groups), the activation block (all of K for INT8 per token, gcd(group, 128) for
// FP16, the MX or NVFP4 block) and the reduction unit, the smaller of the two. `problem` says what
// is wrong (without file or key: the caller names them), or is empty when the pair runs at K.
struct ReductionBlocks {
  enum class Problem { kNone, kGroup, kBlock, kNotNested };
  int64_t group = 0;
  int64_t block = 0;
  int64_t unit = 0;
  Problem problem = Problem::kNone;
  std::string message;
};
ReductionBlocks ReductionBlocksOf(const WeightFormat& weights, const ActivationFormat& activations,
                                  int64_t k);

}  // namespace mixpe
