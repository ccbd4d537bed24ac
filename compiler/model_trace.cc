// Whole-model layer traces from a Hugging Face config.json, and trace YAML writing; see
// model_trace.h.
#include "compiler/model_trace.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <vector>

#include "model/input_error.h"
#include "model/quant_format.h"

namespace mixpe {
namespace {

using Json = nlohmann::json;

// Config sizes: wide enough for any real model, small enough that a product of two fits in int64.
constexpr int64_t kMaxConfigInt = (int64_t{1} << 31) - 1;
// The trace's limits (compiler/layer_trace.cc, docs/trace-format.md).
constexpr int64_t kMaxDim = int64_t{1} << 20;
constexpr int64_t kMaxAttentionRepeat = int64_t{1} << 32;
constexpr int64_t kMaxSeed = int64_t{1} << 62;

std::string Str(int64_t value) { return std::to_string(value); }

std::string Range(int64_t lo, int64_t hi) {
  return "an integer in [" + Str(lo) + ", " + Str(hi) + "]";
}

// A JSON value as a message shows it: its type where that is the problem.
std::string Describe(const Json& value) {
  // Containers are named, not printed: dumping one nested thousands deep would overflow the stack.
  if (value.is_object()) return "an object";
  if (value.is_array()) return "an array";
  std::string text = value.dump();
  if (text.size() > 40) text = text.substr(0, 37) + "...";
  if (value.is_number_float()) return "the floating-point number " + text;
  if (value.is_number()) return text;
  if (value.is_string()) return "the string " + text;
  if (value.is_boolean()) return "the boolean " + text;
  return "null";
}

// Typed reads of the top-level keys of a config.json; every failure reads "file: key: message".
class ConfigKeys {
 public:
  ConfigKeys(const Json& root, const std::string& file) : root_(root), file_(file) {}

  [[noreturn]] void Fail(const std::string& key, const std::string& message) const {
    throw InputError(file_ + ": " + key + ": " + message);
  }

  // Present and not null (Hugging Face writes null for "use the default").
  bool Given(const std::string& key) const {
    return root_.contains(key) && !root_.at(key).is_null();
  }

  int64_t Int(const std::string& key) const {
    const std::string expected = "expected " + Range(1, kMaxConfigInt);
    if (!root_.contains(key)) Fail(key, "missing required key (" + expected + ")");
    const Json& value = root_.at(key);
    if (!value.is_number_integer()) Fail(key, expected + ", got " + Describe(value));
    if (value.is_number_unsigned()) {
      const uint64_t u = value.get<uint64_t>();
      if (u < 1 || u > static_cast<uint64_t>(kMaxConfigInt)) {
        Fail(key, expected + ", got " + value.dump());
      }
      return static_cast<int64_t>(u);
    }
    const int64_t i = value.get<int64_t>();
    if (i < 1 || i > kMaxConfigInt) Fail(key, expected + ", got " + value.dump());
    return i;
  }

  // Absent or null: `fallback`.
  int64_t OptionalInt(const std::string& key, int64_t fallback) const {
    return Given(key) ? Int(key) : fallback;
  }

  std::string String(const std::string& key) const {
    if (!root_.contains(key)) Fail(key, "missing required key (expected a string)");
    const Json& value = root_.at(key);
    if (!value.is_string()) Fail(key, "expected a string, got " + Describe(value));
    return value.get<std::string>();
  }

 private:
  const Json& root_;
  const std::string& file_;
};

Json ParseJsonFile(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    throw InputError(path + ": is a directory, not a file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": cannot open file");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw InputError(path + ": cannot read file");
  try {
    return Json::parse(text);
  } catch (const Json::parse_error& e) {
    // e.what() is "[json.exception.parse_error.101] parse error at line L, column C: ...".
    std::string what = e.what();
    const size_t bracket = what.find("] ");
    if (what.rfind("[json.exception.", 0) == 0 && bracket != std::string::npos) {
      what = what.substr(bracket + 2);
    }
    throw InputError(path + ": invalid JSON at byte " + std::to_string(e.byte) + ": " + what);
  } catch (const Json::exception& e) {
    throw InputError(path + ": invalid JSON: " + e.what());
  }
}

}  // namespace

HfModelConfig LoadHfConfig(const std::string& path) {
  const Json root = ParseJsonFile(path);
  if (!root.is_object()) {
    throw InputError(path + ": expected a JSON object at the top level, got " + Describe(root));
  }
  const ConfigKeys keys(root, path);
  HfModelConfig c;
  c.source_file = path;
  c.model_type = keys.String("model_type");
  const bool llama_like = c.model_type == "llama" || c.model_type == "mistral";
  const bool opt = c.model_type == "opt";
  const bool vit = c.model_type == "vit";
  if (!llama_like && !opt && !vit) {
    keys.Fail("model_type", "unsupported model type '" + c.model_type +
                                "', expected 'llama', 'mistral', 'opt' or 'vit'");
  }
  c.hidden_size = keys.Int("hidden_size");
  c.intermediate_size = keys.Int(opt ? "ffn_dim" : "intermediate_size");
  c.num_layers = keys.Int("num_hidden_layers");
  c.num_heads = keys.Int("num_attention_heads");
  // Only LLaMA and Mistral have grouped-query attention or a head_dim key; OPT and ViT ignore
  // them, as Hugging Face's modules do.
  c.num_kv_heads = llama_like ? keys.OptionalInt("num_key_value_heads", c.num_heads) : c.num_heads;
  c.head_dim = llama_like ? keys.OptionalInt("head_dim", 0) : 0;
  if (c.head_dim == 0) {
    if (c.hidden_size % c.num_heads != 0) {
      keys.Fail("num_attention_heads", "num_attention_heads=" + Str(c.num_heads) +
                                           " does not divide hidden_size=" + Str(c.hidden_size) +
                                           " (without a head_dim key, head_dim = hidden_size / " +
                                           "num_attention_heads)");
    }
    c.head_dim = c.hidden_size / c.num_heads;
  }
  if (c.num_heads % c.num_kv_heads != 0) {
    keys.Fail("num_key_value_heads",
              "num_key_value_heads=" + Str(c.num_kv_heads) + " does not divide " +
                  "num_attention_heads=" + Str(c.num_heads) +
                  " (grouped-query attention shares each KV head among num_attention_heads / "
                  "num_key_value_heads query heads)");
  }
  if (vit) {
    c.image_size = keys.Int("image_size");
    c.patch_size = keys.Int("patch_size");
    if (c.image_size % c.patch_size != 0) {
      keys.Fail("patch_size", "patch_size=" + Str(c.patch_size) + " does not divide image_size=" +
                                  Str(c.image_size) + " (the image is cut into whole patches)");
    }
  } else {
    c.vocab_size = keys.Int("vocab_size");
  }
  if (opt && keys.OptionalInt("word_embed_proj_dim", c.hidden_size) != c.hidden_size) {
    keys.Fail("word_embed_proj_dim",
              "expected hidden_size=" + Str(c.hidden_size) + ", got " +
                  Str(keys.Int("word_embed_proj_dim")) +
                  ": OPT's project_in and project_out layers, which a smaller embedding needs, "
                  "are not modelled");
  }
  if (c.model_type == "mistral") c.sliding_window = keys.OptionalInt("sliding_window", 0);
  return c;
}

// --- The trace of a model ----------------------------------------------------------------------

namespace {

[[noreturn]] void FailOption(const std::string& option, const std::string& message) {
  throw InputError(option + ": " + message);
}

// One linear layer of a block: its K and N, and the config keys they come from (for messages).
struct LinearSpec {
  std::string name;
  int64_t k = 0;
  int64_t n = 0;
  std::string k_keys;
  std::string n_keys;
};

// The block's linear layers in execution order, named as in Hugging Face's modules (ViT: the path
// inside a ViTLayer, since its attention output and MLP output are both `output.dense`).
std::vector<LinearSpec> BlockLayers(const HfModelConfig& c) {
  const int64_t q = c.num_heads * c.head_dim;
  const int64_t kv = c.num_kv_heads * c.head_dim;
  const int64_t h = c.hidden_size;
  const int64_t f = c.intermediate_size;
  const std::string q_keys = "num_attention_heads x head_dim";
  const std::string kv_keys = "num_key_value_heads x head_dim";
  const std::string f_key = c.model_type == "opt" ? "ffn_dim" : "intermediate_size";
  if (c.model_type == "opt") {
    return {{"q_proj", h, q, "hidden_size", q_keys},  {"k_proj", h, kv, "hidden_size", q_keys},
            {"v_proj", h, kv, "hidden_size", q_keys}, {"out_proj", q, h, q_keys, "hidden_size"},
            {"fc1", h, f, "hidden_size", f_key},      {"fc2", f, h, f_key, "hidden_size"}};
  }
  if (c.model_type == "vit") {
    return {{"attention.attention.query", h, q, "hidden_size", q_keys},
            {"attention.attention.key", h, kv, "hidden_size", q_keys},
            {"attention.attention.value", h, kv, "hidden_size", q_keys},
            {"attention.output.dense", q, h, q_keys, "hidden_size"},
            {"intermediate.dense", h, f, "hidden_size", f_key},
            {"output.dense", f, h, f_key, "hidden_size"}};
  }
  return {{"q_proj", h, q, "hidden_size", q_keys},   {"k_proj", h, kv, "hidden_size", kv_keys},
          {"v_proj", h, kv, "hidden_size", kv_keys}, {"o_proj", q, h, q_keys, "hidden_size"},
          {"gate_proj", h, f, "hidden_size", f_key}, {"up_proj", h, f, "hidden_size", f_key},
          {"down_proj", f, h, f_key, "hidden_size"}};
}

// Layers after which the attention products run: the value projection (the third layer).
constexpr size_t kAttentionAfter = 3;

bool IsVit(const HfModelConfig& c) { return c.model_type == "vit"; }

// The tokens each sequence's linear layers see, and the KV cache's length.
int64_t SequenceTokens(const HfModelConfig& c, const TraceRequest& r) {
  if (IsVit(c)) return c.image_tokens();
  return r.phase == "decode" ? 1 : r.seq_len;
}
int64_t KvLength(const HfModelConfig& c, const TraceRequest& r) {
  if (IsVit(c)) return c.image_tokens();
  if (r.phase == "decode" && c.sliding_window > 0) return std::min(r.seq_len, c.sliding_window);
  return r.seq_len;
}

std::string VitNote(const HfModelConfig& c) {
  return "a ViT (model_type 'vit' in " + c.source_file + ")";
}

// Everything about the request alone, and what the config allows of it.
void CheckRequest(const HfModelConfig& c, const TraceRequest& r) {
  if (r.phase != "prefill" && r.phase != "decode") {
    FailOption("--phase", "expected 'prefill' or 'decode', got '" + r.phase + "'");
  }
  if (r.batch < 1 || r.batch > kMaxDim) {
    FailOption("--batch", "expected " + Range(1, kMaxDim) + ", got " + Str(r.batch));
  }
  if (IsVit(c)) {
    if (r.phase == "decode") {
      FailOption("--phase", VitNote(c) +
                                " encodes a whole image in one pass and has no decode phase; "
                                "use prefill");
    }
    if (r.seq_len != 0 && r.seq_len != c.image_tokens()) {
      FailOption("--seq-len", VitNote(c) + " sees (" + Str(c.image_size) + "/" + Str(c.patch_size) +
                                  ")^2 patches + 1 class token = " + Str(c.image_tokens()) +
                                  " tokens per image; leave --seq-len out or give " +
                                  Str(c.image_tokens()) + ", got " + Str(r.seq_len));
    }
    if (r.lm_head) FailOption("--lm-head", VitNote(c) + " has no LM head");
  } else if (r.seq_len < 1 || r.seq_len > kMaxDim) {
    FailOption("--seq-len", "expected " + Range(1, kMaxDim) +
                                " (the prompt's tokens at prefill, the KV cache's at decode), "
                                "got " +
                                Str(r.seq_len));
  }
  if (r.attention) {
    if (r.kv_bits != 2 && r.kv_bits != 4) {
      FailOption("--kv-bits", "expected 2 or 4 (KIVI's cache widths), got " + Str(r.kv_bits));
    }
    if (r.kv_group < 1 || r.kv_group > kMaxDim) {
      FailOption("--kv-group", "expected " + Range(1, kMaxDim) + ", got " + Str(r.kv_group));
    }
    const int64_t kv_len = KvLength(c, r);
    if (kv_len % r.kv_group != 0) {
      FailOption(IsVit(c) ? "--kv-group" : "--seq-len",
                 "the KV length of " + Str(kv_len) + " tokens" + (IsVit(c) ? " (an image's)" : "") +
                     " is not a multiple of kv_group=" + Str(r.kv_group) +
                     " (keys are quantized per channel in groups of kv_group tokens)");
    }
  }
  if (!r.weights.empty()) {
    try {
      ParseWeightFormat(r.weights);
    } catch (const InputError& e) {
      FailOption("--weights", e.what());
    }
  }
  if (!r.activations.empty()) {
    try {
      ParseActivationFormat(r.activations);
    } catch (const InputError& e) {
      FailOption("--activations", e.what());
    }
  }
  if (r.seed > static_cast<uint64_t>(kMaxSeed)) {
    FailOption("--seed", "expected " + Range(0, kMaxSeed) + ", got " + std::to_string(r.seed));
  }
}

// A config-derived size beyond the trace's limit: names the file, the keys and the layer.
void CheckConfigSize(const HfModelConfig& c, const std::string& keys, const std::string& layer,
                     const std::string& what, int64_t value, int64_t limit) {
  if (value > limit) {
    throw InputError(c.source_file + ": " + keys + ": layer " + layer + "'s " + what + " = " +
                     Str(value) + " exceeds the trace's limit of " + Str(limit) +
                     " (docs/trace-format.md)");
  }
}

// "prefill, batch 2 x 512 tokens", the request in a few words.
std::string PhaseText(const HfModelConfig& c, const TraceRequest& r) {
  if (IsVit(c)) {
    return "prefill, batch " + Str(r.batch) + " x " + Str(c.image_tokens()) + " tokens";
  }
  if (r.phase == "decode") {
    return "decode, batch " + Str(r.batch) + ", " + Str(r.seq_len) + "-token KV cache";
  }
  return "prefill, batch " + Str(r.batch) + " x " + Str(r.seq_len) + " tokens";
}

// The model's name: the config's file name, or its folder's for a file named config.json.
std::string ModelName(const HfModelConfig& c) {
  const std::filesystem::path path(c.source_file);
  std::string name = path.stem().string();
  if (name == "config" && !path.parent_path().filename().empty()) {
    name = path.parent_path().filename().string();
  }
  return name.empty() ? c.model_type : name;
}

}  // namespace

LayerTrace MakeModelTrace(const HfModelConfig& c, const TraceRequest& r) {
  if (IsVit(c) && c.image_tokens() > kMaxDim) {  // up to 2^62: before any product with it
    throw InputError(c.source_file +
                     ": patch_size: (image_size/patch_size)^2 + 1 = " + Str(c.image_tokens()) +
                     " tokens per image exceed the trace's limit of " + Str(kMaxDim) + " rows");
  }
  CheckRequest(c, r);
  const int64_t tokens = SequenceTokens(c, r);
  const int64_t m = r.batch * tokens;  // both up to 2^20 (ViT: checked below)
  if (m > kMaxDim) {
    FailOption(IsVit(c) ? "--batch" : "--batch x --seq-len",
               "the linear layers' M = batch x " +
                   std::string(IsVit(c) ? "tokens per image" : "seq_len") + " = " + Str(r.batch) +
                   " x " + Str(tokens) + " = " + Str(m) + " exceeds the trace's limit of " +
                   Str(kMaxDim) + " rows (docs/trace-format.md)");
  }
  if (c.num_layers > kMaxDim) {
    throw InputError(c.source_file + ": num_hidden_layers: " + Str(c.num_layers) +
                     " blocks exceed the trace's limit of " + Str(kMaxDim) + " for a repeat");
  }

  LayerTrace trace;
  trace.source_file = c.source_file;
  trace.seed = r.seed;
  trace.model = ModelName(c) + " (" + c.model_type + "), " + PhaseText(c, r);
  if (r.attention) trace.model += ", KIVI " + Str(r.kv_bits) + "-bit KV cache";
  if (r.lm_head) trace.model += ", LM head";
  const auto add = [&](GemmLayer layer) {
    layer.source_file = c.source_file;
    layer.index = static_cast<int>(trace.layers.size());
    trace.layers.push_back(std::move(layer));
  };

  const std::vector<LinearSpec> specs = BlockLayers(c);
  for (size_t i = 0; i < specs.size(); ++i) {
    const LinearSpec& spec = specs[i];
    CheckConfigSize(c, spec.k_keys, spec.name, "K", spec.k, kMaxDim);
    CheckConfigSize(c, spec.n_keys, spec.name, "N", spec.n, kMaxDim);
    GemmLayer layer;
    layer.name = spec.name;
    layer.m = m;
    layer.k = spec.k;
    layer.n = spec.n;
    layer.repeat = c.num_layers;
    layer.weights = r.weights;
    layer.activations = r.activations;
    add(layer);
    if (i + 1 != kAttentionAfter || !r.attention) continue;

    AttentionShape s;
    s.batch = r.batch;
    s.heads = c.num_heads;
    s.kv_heads = c.num_kv_heads;
    s.head_dim = c.head_dim;
    s.queries = tokens;
    s.kv_len = KvLength(c, r);
    s.kv_bits = r.kv_bits;
    s.layers = c.num_layers;
    CheckConfigSize(c, "num_attention_heads", "attn_score", "heads", s.heads, kMaxDim);
    CheckConfigSize(c, "head_dim", "attn_score", "head_dim", s.head_dim, kMaxDim);
    if (s.gemm_m() > kMaxDim) {
      FailOption(IsVit(c) ? "--batch" : "--seq-len",
                 "the attention products' M = queries x num_attention_heads / "
                 "num_key_value_heads = " +
                     Str(s.queries) + " x " + Str(s.heads / s.kv_heads) + " = " + Str(s.gemm_m()) +
                     " exceeds the trace's limit of " + Str(kMaxDim));
    }
    for (const AttentionProduct product : {AttentionProduct::kScore, AttentionProduct::kValue}) {
      s.product = product;
      const bool score = product == AttentionProduct::kScore;
      s.kv_group = score ? r.kv_group : 0;
      // Per block first (at most 2^60), so that the product with the blocks cannot overflow.
      AttentionShape one_block = s;
      one_block.layers = 1;
      if (one_block.gemm_repeat() > kMaxAttentionRepeat || s.gemm_repeat() > kMaxAttentionRepeat) {
        const int64_t per_block = one_block.gemm_repeat();
        FailOption("--batch",
                   std::string("the attention ") + (score ? "score" : "value") +
                       " product occurs " +
                       (per_block > kMaxAttentionRepeat
                            ? Str(per_block) + " times per block"
                            : Str(s.gemm_repeat()) + " times over " + Str(s.layers) + " blocks") +
                       " (batch x kv_heads" + (score ? " x kv_len/kv_group" : "") +
                       (per_block > kMaxAttentionRepeat ? "" : " x layers") +
                       "), more than the trace's limit of " + Str(kMaxAttentionRepeat) +
                       "; lower --batch or --seq-len" + (score ? ", or raise --kv-group" : ""));
      }
      GemmLayer attention;
      attention.name = score ? "attn_score" : "attn_value";
      attention.attention = s;
      attention.m = s.gemm_m();
      attention.k = s.gemm_k();
      attention.n = s.gemm_n();
      attention.repeat = s.gemm_repeat();
      attention.weights = s.weight_format();
      attention.activations = AttentionShape::activation_format();
      CheckConfigSize(c, score ? "head_dim" : "--seq-len", attention.name, "K", attention.k,
                      kMaxDim);
      add(attention);
    }
  }
  if (r.lm_head) {
    CheckConfigSize(c, "vocab_size", "lm_head", "N", c.vocab_size, kMaxDim);
    GemmLayer head;
    head.name = "lm_head";
    head.m = r.batch;  // only the last position's logits choose the next token
    head.k = c.hidden_size;
    head.n = c.vocab_size;
    head.weights = r.weights;
    head.activations = r.activations;
    add(head);
  }
  return trace;
}

namespace {

// `text` in lines of at most `width` characters, broken at spaces (a longer word stays whole).
std::string Wrap(const std::string& text, size_t width) {
  std::istringstream words(text);
  std::string out;
  std::string line;
  for (std::string word; words >> word;) {
    if (!line.empty() && line.size() + 1 + word.size() > width) {
      out += line + "\n";
      line.clear();
    }
    line += (line.empty() ? "" : " ") + word;
  }
  return out + line + "\n";
}

}  // namespace

std::string ModelTraceComment(const HfModelConfig& c, const TraceRequest& r) {
  // One paragraph each, wrapped so that the "# " comment lines stay within 100 columns.
  std::vector<std::string> paragraphs;
  std::string model = "Generated from " + c.source_file + " (model_type " + c.model_type +
                      ": hidden " + Str(c.hidden_size) + ", intermediate " +
                      Str(c.intermediate_size) + ", " + Str(c.num_layers) + " layers, " +
                      Str(c.num_heads) + " heads, " + Str(c.num_kv_heads) + " KV heads, head_dim " +
                      Str(c.head_dim);
  model += IsVit(c) ? ", image " + Str(c.image_size) + ", patch " + Str(c.patch_size)
                    : ", vocab " + Str(c.vocab_size);
  if (c.sliding_window > 0) model += ", sliding window " + Str(c.sliding_window);
  paragraphs.push_back(model +
                       ") by compiler/model_trace.h: docs/trace-format.md, \"Traces from a "
                       "Hugging Face config\", says how the shapes follow.");
  const int64_t tokens = SequenceTokens(c, r);
  paragraphs.push_back(PhaseText(c, r) + ": every linear layer has M = " +
                       (IsVit(c)              ? "batch x ((image/patch)^2 + 1 class token) = "
                        : r.phase == "decode" ? "batch (one new token per sequence) = "
                                              : "batch x seq_len = ") +
                       Str(r.batch * tokens) + " and occurs once per block (repeat " +
                       Str(c.num_layers) + ").");
  if (r.attention) {
    std::string a = "attn_score, attn_value: attention over a KIVI " + Str(r.kv_bits) +
                    "-bit KV cache (keys per channel in groups of " + Str(r.kv_group) +
                    " tokens, values per token), queries " + Str(tokens) + ", kv_len " +
                    Str(KvLength(c, r));
    if (IsVit(c) || r.phase == "prefill") {
      a += ": the full products (causal masking is not modelled)";
    } else if (KvLength(c, r) < r.seq_len) {
      a += ": the sliding window";
    }
    paragraphs.push_back(a + "; `layers: " + Str(c.num_layers) + "` counts them once per block.");
  }
  if (r.lm_head) {
    paragraphs.push_back("lm_head: M = batch (only the last position's logits), once.");
  }
  std::string formats = "Formats: ";
  if (r.weights.empty() && r.activations.empty()) {
    formats += "the hardware config's defaults";
  } else {
    formats += "weights " + (r.weights.empty() ? "(config default)" : r.weights) +
               ", activations " + (r.activations.empty() ? "(config default)" : r.activations);
  }
  if (r.attention) formats += "; attention int" + Str(r.kv_bits) + "_gch x fp16";
  paragraphs.push_back(formats + ".");
  std::string out;
  for (const std::string& paragraph : paragraphs) out += Wrap(paragraph, 98);
  out.pop_back();  // the last newline: WriteLayerTrace ends each comment line itself
  return out;
}

// --- Writing ---------------------------------------------------------------------------------

namespace {

// Whether YAML reads `s` back verbatim as a plain (unquoted) scalar, and no reader would take it
// for a number, a boolean or null. In a flow mapping `,[]{}` end a scalar too.
bool IsPlainSafe(const std::string& s, bool in_flow) {
  if (s.empty() || s.front() == ' ' || s.back() == ' ') return false;
  if (std::string("-?:,[]{}#&*!|>'\"%@`").find(s.front()) != std::string::npos) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7f) return false;
    if (in_flow && std::string(",[]{}:").find(static_cast<char>(c)) != std::string::npos) {
      return false;
    }
    if (c == ':' && (i + 1 == s.size() || s[i + 1] == ' ')) return false;
    if (c == '#' && s[i - 1] == ' ') return false;
  }
  static const std::set<std::string> kReserved = {
      "~",     "null", "Null", "NULL", "true", "True",  "TRUE", "false", "False",
      "FALSE", "yes",  "Yes",  "YES",  "no",   "No",    "NO",   "on",    "On",
      "ON",    "off",  "Off",  "OFF",  "y",    "Y",     "n",    "N",     ".nan",
      ".NaN",  ".NAN", ".inf", ".Inf", ".INF", "+.inf", "-.inf"};
  if (kReserved.count(s) > 0) return false;
  // Anything starting like a number ("7", "+1", ".5", "1e3", "0x1F") is quoted.
  const char c0 = s.front() == '+' ? (s.size() > 1 ? s[1] : '+') : s.front();
  if ((c0 >= '0' && c0 <= '9') || (c0 == '.' && s.size() > 1 && s[1] >= '0' && s[1] <= '9')) {
    return false;
  }
  return true;
}

// A double-quoted YAML scalar with backslash escapes.
std::string DoubleQuoted(const std::string& s) {
  std::string out = "\"";
  for (const char ch : s) {
    const unsigned char c = static_cast<unsigned char>(ch);
    if (ch == '"' || ch == '\\') {
      out += '\\';
      out += ch;
    } else if (ch == '\n') {
      out += "\\n";
    } else if (ch == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7f) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02X", c);
      out += hex;
    } else {
      out += ch;
    }
  }
  return out + "\"";
}

std::string Scalar(const std::string& s, bool in_flow) {
  return IsPlainSafe(s, in_flow) ? s : DoubleQuoted(s);
}

[[noreturn]] void FailWrite(const GemmLayer& layer, size_t index, const std::string& message) {
  throw InputError("layers[" + std::to_string(index) + "] (" + layer.name +
                   "): cannot write the trace: " + message);
}

void CheckWritten(const GemmLayer& layer, size_t index, const std::string& key, int64_t value,
                  int64_t lo, int64_t hi) {
  if (value < lo || value > hi) {
    FailWrite(layer, index,
              key + "=" + Str(value) + " is outside the trace's range [" + Str(lo) + ", " +
                  Str(hi) + "] (docs/trace-format.md), so LoadLayerTrace would refuse it");
  }
}

// The "key: value" entries of one layer, before layout. A layer is written by what defines it,
// the keys LoadLayerTrace reads: an attention layer by its shape, a convolution by its shape and
// N, a linear layer by M, K and N.
std::vector<std::string> LayerEntries(const GemmLayer& layer, size_t index) {
  std::vector<std::string> e = {"name: " + Scalar(layer.name, true)};
  // "key: value", checked against the range LoadLayerTrace allows; `parent` prefixes the key in
  // a message ("attention." for the keys of the nested mapping).
  const auto number = [&](const std::string& key, int64_t value, int64_t lo, int64_t hi,
                          const std::string& parent = "") {
    CheckWritten(layer, index, parent + key, value, lo, hi);
    return key + ": " + Str(value);
  };
  if (layer.attention.present()) {
    const AttentionShape& s = layer.attention;
    const bool score = s.product == AttentionProduct::kScore;
    const std::string at = "attention.";
    std::string a = "attention: {product: " + std::string(score ? "score" : "value");
    a += ", " + number("batch", s.batch, 1, kMaxDim, at);
    a += ", " + number("heads", s.heads, 1, kMaxDim, at);
    a += ", " + number("kv_heads", s.kv_heads, 1, kMaxDim, at);
    a += ", " + number("head_dim", s.head_dim, 1, kMaxDim, at);
    a += ", " + number("queries", s.queries, 1, kMaxDim, at);
    a += ", " + number("kv_len", s.kv_len, 1, kMaxDim, at);
    a += ", " + number("kv_bits", s.kv_bits, 2, 4, at);
    if (s.kv_bits == 3) FailWrite(layer, index, "attention.kv_bits=3: expected 2 or 4");
    if (score) a += ", " + number("kv_group", s.kv_group, 1, kMaxDim, at);
    if (s.layers != 1) a += ", " + number("layers", s.layers, 1, kMaxDim, at);
    e.push_back(a + "}");
  } else if (layer.conv.present()) {
    const ConvShape& c = layer.conv;
    const std::string at = "conv.";
    e.push_back(number("n", layer.n, 1, kMaxDim));
    std::string conv = "conv: {" + number("batch", c.batch, 1, kMaxDim, at);
    conv += ", " + number("channels", c.channels, 1, kMaxDim, at);
    conv += ", " + number("height", c.height, 1, kMaxDim, at);
    conv += ", " + number("width", c.width, 1, kMaxDim, at);
    conv += ", " + number("kernel", c.kernel, 1, kMaxDim, at);
    conv += ", " + number("stride", c.stride, 1, kMaxDim, at);
    conv += ", " + number("padding", c.padding, 0, kMaxDim, at) + "}";
    e.push_back(conv);
  } else {
    e.push_back(number("m", layer.m, 1, kMaxDim));
    e.push_back(number("k", layer.k, 1, kMaxDim));
    e.push_back(number("n", layer.n, 1, kMaxDim));
  }
  if (!layer.attention.present()) {
    if (!layer.weights.empty()) e.push_back("weights: " + Scalar(layer.weights, true));
    if (!layer.activations.empty()) {
      e.push_back("activations: " + Scalar(layer.activations, true));
    }
    if (layer.repeat != 1) e.push_back(number("repeat", layer.repeat, 1, kMaxDim));
  }
  if (!layer.loop_order.empty()) e.push_back("loop_order: " + Scalar(layer.loop_order, true));
  if (layer.block_m_tiles != 0) {
    e.push_back(number("block_m_tiles", layer.block_m_tiles, 1, kMaxDim));
  }
  if (layer.block_n_tiles != 0) {
    e.push_back(number("block_n_tiles", layer.block_n_tiles, 1, kMaxDim));
  }
  // Written even as 1: a trace's `k_chunks: 1` keeps K whole, where no key lets the mapper split.
  if (layer.k_chunks != 0) e.push_back(number("k_chunks", layer.k_chunks, 1, kMaxDim));
  return e;
}

}  // namespace

std::string WriteLayerTrace(const LayerTrace& trace, const std::string& header_comment) {
  if (trace.layers.empty()) throw InputError("cannot write a trace without layers");
  if (trace.model.empty()) throw InputError("cannot write a trace without its model text");
  if (trace.seed > static_cast<uint64_t>(kMaxSeed)) {
    throw InputError("cannot write the trace: seed=" + std::to_string(trace.seed) +
                     " is outside [0, 2^62]");
  }
  std::vector<std::vector<std::string>> rows;
  std::set<std::string> names;
  for (size_t i = 0; i < trace.layers.size(); ++i) {
    const GemmLayer& layer = trace.layers[i];
    if (layer.name.empty()) FailWrite(layer, i, "the layer has no name");
    if (!names.insert(layer.name).second) FailWrite(layer, i, "its name is used twice");
    rows.push_back(LayerEntries(layer, i));
  }
  // Align columns the way the shipped traces do: each entry but a row's last padded to the widest
  // entry in its column among rows whose entries there have the same key.
  const auto key_of = [](const std::string& entry) { return entry.substr(0, entry.find(':')); };
  std::vector<std::vector<std::string>> cells = rows;
  for (std::vector<std::string>& row : cells) {
    for (size_t j = 0; j + 1 < row.size(); ++j) row[j] += ",";
  }
  for (size_t i = 0; i < rows.size(); ++i) {
    for (size_t j = 0; j + 1 < rows[i].size(); ++j) {
      size_t width = 0;
      for (size_t other = 0; other < rows.size(); ++other) {
        // Rows whose keys up to and including column j match (and which go on after j).
        bool same = rows[other].size() > j + 1;
        for (size_t col = 0; same && col <= j; ++col) {
          same = key_of(rows[other][col]) == key_of(rows[i][col]);
        }
        if (same) width = std::max(width, rows[other][j].size() + 1);
      }
      cells[i][j].resize(std::max(cells[i][j].size(), width), ' ');
    }
  }

  std::string out;
  if (!header_comment.empty()) {
    std::istringstream lines(header_comment);
    for (std::string line; std::getline(lines, line);) {
      out += line.empty() ? "#\n" : "# " + line + "\n";
    }
  }
  out += "version: 1\n";
  out += "model: " + Scalar(trace.model, false) + "\n";
  out += "seed: " + std::to_string(trace.seed) + "\n";
  out += "layers:\n";
  for (const std::vector<std::string>& row : cells) {
    out += "  - {";
    for (size_t j = 0; j < row.size(); ++j) out += (j > 0 ? " " : "") + row[j];
    out += "}\n";
  }
  return out;
}

}  // namespace mixpe
