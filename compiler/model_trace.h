// Layer traces of a whole model from its Hugging Face config.json: the linear layers of one block
// counted once per block, and optionally the two KIVI attention products and the LM head, written
// as trace YAML (docs/trace-format.md, "Traces from a Hugging Face config").
#pragma once

#include <cstdint>
#include <string>

#include "compiler/layer_trace.h"

namespace mixpe {

// The keys of a config.json that decide the GEMM shapes. Every size is in [1, 2^31 - 1].
struct HfModelConfig {
  std::string source_file;
  std::string model_type;         // "llama", "mistral", "opt" or "vit"
  int64_t hidden_size = 0;        // hidden_size
  int64_t intermediate_size = 0;  // intermediate_size (OPT: ffn_dim)
  int64_t num_layers = 0;         // num_hidden_layers
  int64_t num_heads = 0;          // num_attention_heads
  // num_key_value_heads (LLaMA, Mistral; absent or null: num_heads); divides num_heads.
  int64_t num_kv_heads = 0;
  // head_dim (LLaMA, Mistral; absent or null: hidden_size / num_heads, which must then divide).
  int64_t head_dim = 0;
  int64_t vocab_size = 0;      // vocab_size; 0 for ViT, which has no LM head
  int64_t image_size = 0;      // ViT only: image_size (square images)
  int64_t patch_size = 0;      // ViT only: patch_size, divides image_size
  int64_t sliding_window = 0;  // Mistral only: sliding_window (absent or null: 0, none)

  // ViT's tokens per image: (image_size / patch_size)^2 patches plus the class token.
  int64_t image_tokens() const {
    const int64_t side = patch_size > 0 ? image_size / patch_size : 0;
    return side * side + 1;
  }
};

// Parses a Hugging Face config.json. Keys other than the ones above are ignored (real configs have
// dozens). Throws InputError naming the file, the key and what was expected: a file that cannot be
// read, invalid JSON (with its byte offset), a missing key, a wrong type (4096.0 and "4096" are
// not integers), a size outside [1, 2^31 - 1], heads that do not divide hidden_size (without
// head_dim), KV heads that do not divide heads, a ViT image that is not a whole number of patches,
// an OPT word_embed_proj_dim other than hidden_size, or a model_type not listed above.
HfModelConfig LoadHfConfig(const std::string& path);

// What to trace. Messages about a field name the `mixpe trace` option that sets it (--batch, ...).
struct TraceRequest {
  std::string phase = "prefill";  // "prefill" or "decode"
  int64_t batch = 1;              // sequences (images, for ViT)
  // Prefill: the prompt's tokens; decode: the tokens in the KV cache. 0: not given, which only
  // ViT allows (its sequence follows from the image); given for ViT, it must equal that.
  int64_t seq_len = 0;
  bool attention = false;  // add the two attention products over a KIVI-quantized KV cache
  int kv_bits = 2;         // 2 or 4
  int64_t kv_group = 32;   // tokens per key scale group; must divide the KV length
  bool lm_head = false;    // add the LM head (hidden -> vocab) once; not for ViT
  // Format names for every linear layer; empty: the hardware config's default. Attention layers
  // always run int{kv_bits}_gch x fp16.
  std::string weights;
  std::string activations;
  uint64_t seed = 2024;  // the trace's seed, 0..2^62
};

// The trace of `config` for `request`. Linear layers: M = batch x seq_len at prefill, batch at
// decode (one new token per sequence), batch x image_tokens() for ViT (no decode), each with
// repeat = num_layers. Attention (request.attention): `attn_score` and `attn_value`, with
// `layers: num_layers`; queries = seq_len and kv_len = seq_len at prefill (the full product:
// causal masking is not modelled), queries = 1 and kv_len = seq_len at decode (Mistral: at most
// sliding_window). LM head: M = batch (the last position's logits), repeat 1. Throws InputError
// for a request the config does not allow or a size beyond the trace's limits (M, K, N and a
// linear layer's repeat up to 2^20, an attention product's repeat up to 2^32).
LayerTrace MakeModelTrace(const HfModelConfig& config, const TraceRequest& request);

// A comment for the top of the written trace: where the shapes come from and how they follow
// from the config and the request.
std::string ModelTraceComment(const HfModelConfig& config, const TraceRequest& request);

// Trace YAML in the schema of traces/*.yaml (one flow-style mapping per layer, columns aligned),
// which LoadLayerTrace reads back to the same layers. `header_comment` is written first, each of
// its lines as a "# " comment (none if empty). Strings are quoted where YAML needs it. Throws
// InputError, rather than write what LoadLayerTrace would refuse, for a trace without layers or
// model text, a seed above 2^62, an empty or repeated layer name, or a number outside the range
// LoadLayerTrace allows for its key (M, K, N and a linear layer's repeat up to 2^20, kv_bits 2 or
// 4, ...). Consistency between keys (kv_heads dividing heads, say) is left to LoadLayerTrace.
std::string WriteLayerTrace(const LayerTrace& trace, const std::string& header_comment);

}  // namespace mixpe
