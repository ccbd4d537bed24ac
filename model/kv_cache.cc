// KIVI-style KV cache quantization, scale folding and the attention products' GEMM operands; see
// kv_cache.h and docs/numerics.md, section 11.
#include "model/kv_cache.h"

#include <algorithm>
#include <cmath>

#include "model/gemm_operands.h"
#include "model/input_error.h"
#include "model/minifloat.h"

namespace mixpe {
namespace {

void CheckBits(int bits, const char* what) {
  if (bits != 2 && bits != 4) {
    throw InputError(std::string(what) + ": KV cache codes are 2 or 4 bits, got " +
                     std::to_string(bits));
  }
}

void CheckMatrix(const std::vector<double>& x, int64_t rows, int64_t cols, const char* what) {
  if (rows < 1 || cols < 1 || x.size() != static_cast<size_t>(rows * cols)) {
    throw InputError(std::string(what) + ": expected " + std::to_string(rows) + " x " +
                     std::to_string(cols) + " values, got " + std::to_string(x.size()));
  }
  for (size_t i = 0; i < x.size(); ++i) {
    if (!std::isfinite(x[i])) {
      throw InputError(std::string(what) + " [" + std::to_string(i / cols) + "][" +
                       std::to_string(i % cols) + "] is not finite: a quantized cache holds " +
                       "finite values only");
    }
  }
}

// KIVI's asymmetric min/max rule on the `count` values x[0], x[stride], ...: writes the signed
// codes to codes[0], codes[stride], ... and returns {scale, offset} (header comment in kv_cache.h).
struct ScaleOffset {
  double scale;
  double offset;
};
ScaleOffset QuantizeMinMax(const double* x, int* codes, int64_t count, int64_t stride, int bits) {
  const int64_t levels = (int64_t{1} << bits) - 1;
  const int half = 1 << (bits - 1);
  double lo = x[0];
  double hi = x[0];
  for (int64_t i = 1; i < count; ++i) {
    lo = std::min(lo, x[i * stride]);
    hi = std::max(hi, x[i * stride]);
  }
  const double scale = (hi - lo) / static_cast<double>(levels);
  for (int64_t i = 0; i < count; ++i) {
    int64_t u = 0;
    if (scale > 0) {
      // nearbyint: to nearest, ties to even (the default rounding mode).
      u = std::clamp<int64_t>(static_cast<int64_t>(std::nearbyint((x[i * stride] - lo) / scale)), 0,
                              levels);
    }
    codes[i * stride] = static_cast<int>(u) - half;
  }
  return {scale, lo + scale * half};
}

}  // namespace

QuantizedKeys QuantizeKeysPerChannel(const std::vector<double>& keys, int64_t tokens,
                                     int64_t head_dim, int64_t group, int bits) {
  CheckBits(bits, "keys");
  CheckMatrix(keys, tokens, head_dim, "keys");
  if (group < 1 || tokens % group != 0) {
    throw InputError("keys: " + std::to_string(tokens) + " tokens are not a whole number of " +
                     "groups of " + std::to_string(group));
  }
  QuantizedKeys q;
  q.bits = bits;
  q.tokens = tokens;
  q.head_dim = head_dim;
  q.group = group;
  q.codes.assign(keys.size(), 0);
  q.scales.assign(static_cast<size_t>(q.groups() * head_dim), 0);
  q.offsets.assign(q.scales.size(), 0);
  for (int64_t g = 0; g < q.groups(); ++g) {
    for (int64_t d = 0; d < head_dim; ++d) {
      const size_t first = g * group * head_dim + d;  // token g*group, channel d
      const ScaleOffset so = QuantizeMinMax(&keys[first], &q.codes[first], group, head_dim, bits);
      q.scales[g * head_dim + d] = so.scale;
      q.offsets[g * head_dim + d] = so.offset;
    }
  }
  return q;
}

QuantizedValues QuantizeValuesPerToken(const std::vector<double>& values, int64_t tokens,
                                       int64_t head_dim, int bits) {
  CheckBits(bits, "values");
  CheckMatrix(values, tokens, head_dim, "values");
  QuantizedValues q;
  q.bits = bits;
  q.tokens = tokens;
  q.head_dim = head_dim;
  q.codes.assign(values.size(), 0);
  q.scales.assign(static_cast<size_t>(tokens), 0);
  q.offsets.assign(static_cast<size_t>(tokens), 0);
  for (int64_t t = 0; t < tokens; ++t) {
    const size_t first = t * head_dim;
    const ScaleOffset so = QuantizeMinMax(&values[first], &q.codes[first], head_dim, 1, bits);
    q.scales[t] = so.scale;
    q.offsets[t] = so.offset;
  }
  return q;
}

std::vector<double> DequantizeKeys(const QuantizedKeys& keys) {
  std::vector<double> out(keys.codes.size());
  for (int64_t t = 0; t < keys.tokens; ++t) {
    const int64_t g = t / keys.group;
    for (int64_t d = 0; d < keys.head_dim; ++d) {
      const size_t i = t * keys.head_dim + d;
      out[i] =
          keys.scales[g * keys.head_dim + d] * keys.codes[i] + keys.offsets[g * keys.head_dim + d];
    }
  }
  return out;
}

std::vector<double> DequantizeValues(const QuantizedValues& values) {
  std::vector<double> out(values.codes.size());
  for (int64_t t = 0; t < values.tokens; ++t) {
    for (int64_t d = 0; d < values.head_dim; ++d) {
      const size_t i = t * values.head_dim + d;
      out[i] = values.scales[t] * values.codes[i] + values.offsets[t];
    }
  }
  return out;
}

std::vector<double> FoldKeyScales(const std::vector<double>& queries, int64_t rows,
                                  const QuantizedKeys& keys, int64_t group_index) {
  CheckMatrix(queries, rows, keys.head_dim, "queries");
  if (group_index < 0 || group_index >= keys.groups()) {
    throw InputError("keys: no token group " + std::to_string(group_index) + " of " +
                     std::to_string(keys.groups()));
  }
  const double* s = &keys.scales[group_index * keys.head_dim];
  std::vector<double> folded(queries.size());
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t d = 0; d < keys.head_dim; ++d) {
      folded[r * keys.head_dim + d] = queries[r * keys.head_dim + d] * s[d];
    }
  }
  return folded;
}

std::vector<double> FoldValueScales(const std::vector<double>& probabilities, int64_t rows,
                                    const QuantizedValues& values) {
  CheckMatrix(probabilities, rows, values.tokens, "probabilities");
  std::vector<double> folded(probabilities.size());
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t t = 0; t < values.tokens; ++t) {
      folded[r * values.tokens + t] = probabilities[r * values.tokens + t] * values.scales[t];
    }
  }
  return folded;
}

std::vector<double> KeyScoreBias(const std::vector<double>& queries, int64_t rows,
                                 const QuantizedKeys& keys) {
  CheckMatrix(queries, rows, keys.head_dim, "queries");
  const int64_t groups = keys.groups();
  std::vector<double> beta(static_cast<size_t>(rows * groups), 0.0);
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t g = 0; g < groups; ++g) {
      double sum = 0;
      for (int64_t d = 0; d < keys.head_dim; ++d) {
        sum += queries[r * keys.head_dim + d] * keys.offsets[g * keys.head_dim + d];
      }
      beta[r * groups + g] = sum;
    }
  }
  return beta;
}

std::vector<double> ValueOutputBias(const std::vector<double>& probabilities, int64_t rows,
                                    const QuantizedValues& values) {
  CheckMatrix(probabilities, rows, values.tokens, "probabilities");
  std::vector<double> gamma(static_cast<size_t>(rows), 0.0);
  for (int64_t r = 0; r < rows; ++r) {
    double sum = 0;
    for (int64_t t = 0; t < values.tokens; ++t) {
      sum += probabilities[r * values.tokens + t] * values.offsets[t];
    }
    gamma[r] = sum;
  }
  return gamma;
}

BlockedTensor UnitScaleCodeWeights(const std::vector<int>& codes, int64_t k, int64_t n, int bits) {
  CheckBits(bits, "weights");
  if (k < 1 || n < 1 || codes.size() != static_cast<size_t>(k * n)) {
    throw InputError("weights: expected " + std::to_string(k) + " x " + std::to_string(n) +
                     " codes, got " + std::to_string(codes.size()));
  }
  const WeightFormat format = ParseWeightFormat("int" + std::to_string(bits) + "_gch");
  const int half = 1 << (bits - 1);
  // Every field as QuantizeWeights sets it for a symmetric per-channel integer format: one block
  // of all of K per output channel, unit exponent 0, FP16 scales, widths in block_bits, no zero
  // points, no row or tensor scales.
  BlockedTensor t;
  t.rows = n;
  t.k = k;
  t.block = format.GroupSizeFor(k);
  t.unit_exponent = format.element.unit_exponent();
  t.scale_type = format.scale_type();
  t.codes.resize(codes.size());
  t.units.resize(codes.size());
  for (int64_t kk = 0; kk < k; ++kk) {
    for (int64_t nn = 0; nn < n; ++nn) {
      const int c = codes[kk * n + nn];
      if (c < -half || c >= half) {
        throw InputError("weights [" + std::to_string(kk) + "][" + std::to_string(nn) + "]: code " +
                         std::to_string(c) + " does not fit " + std::to_string(bits) + " bits");
      }
      t.units[nn * k + kk] = c;
      t.codes[nn * k + kk] = TwosComplementCode(c, bits);
    }
  }
  constexpr uint32_t kFp16One = 0x3C00;
  t.block_bits.assign(static_cast<size_t>(n), static_cast<uint8_t>(bits));
  t.scale_codes.assign(static_cast<size_t>(n), kFp16One);
  t.scales.assign(static_cast<size_t>(n), Dyadic::FromFloatCode(kFp16, kFp16One));
  return t;
}

BlockedTensor KeyCodeWeights(const QuantizedKeys& keys, int64_t group_index) {
  if (group_index < 0 || group_index >= keys.groups()) {
    throw InputError("keys: no token group " + std::to_string(group_index) + " of " +
                     std::to_string(keys.groups()));
  }
  const int64_t k = keys.head_dim;
  const int64_t n = keys.group;
  std::vector<int> w(static_cast<size_t>(k * n));
  for (int64_t t = 0; t < n; ++t) {
    for (int64_t d = 0; d < k; ++d) {
      w[d * n + t] = keys.codes[(group_index * n + t) * k + d];
    }
  }
  return UnitScaleCodeWeights(w, k, n, keys.bits);
}

BlockedTensor ValueCodeWeights(const QuantizedValues& values) {
  return UnitScaleCodeWeights(values.codes, values.tokens, values.head_dim, values.bits);
}

AttentionOperands RandomAttentionOperands(const AttentionShape& shape, uint64_t seed) {
  constexpr int kOutlierChannelOneIn = 16;
  constexpr double kOutlierChannelScale = 10.0;
  const bool score = shape.product == AttentionProduct::kScore;
  if (!shape.present() || shape.heads < 1 || shape.kv_heads < 1 ||
      shape.heads % shape.kv_heads != 0 || shape.head_dim < 1 || shape.queries < 1 ||
      shape.kv_len < 1 || (score && (shape.kv_group < 1 || shape.kv_len % shape.kv_group != 0))) {
    throw InputError(
        "attention shape: every size must be positive, kv_heads must divide heads and "
        "(score) kv_group must divide kv_len");
  }
  const ActivationFormat fp16 = ParseActivationFormat(AttentionShape::activation_format());
  const int64_t m = shape.gemm_m();
  const int64_t d = shape.head_dim;
  PortableNormal normal(seed);
  AttentionOperands ops;
  if (score) {
    const int64_t g = shape.kv_group;
    ops.queries.resize(static_cast<size_t>(m * d));
    for (double& q : ops.queries) q = normal();
    ops.cache.resize(static_cast<size_t>(g * d));
    for (int64_t dd = 0; dd < d; ++dd) {
      const double channel_scale =
          normal.Bits() % kOutlierChannelOneIn == 0 ? kOutlierChannelScale : 1.0;
      for (int64_t t = 0; t < g; ++t) ops.cache[t * d + dd] = channel_scale * normal();
    }
    ops.keys = QuantizeKeysPerChannel(ops.cache, g, d, g, shape.kv_bits);
    ops.folded = FoldKeyScales(ops.queries, m, ops.keys, 0);
    ops.bias = KeyScoreBias(ops.queries, m, ops.keys);  // one group: M x 1
    ops.activations = QuantizeActivations(fp16, ops.folded, m, d);
    ops.weights = KeyCodeWeights(ops.keys, 0);
  } else {
    const int64_t t_len = shape.kv_len;
    ops.queries.resize(static_cast<size_t>(m * t_len));
    for (int64_t r = 0; r < m; ++r) {
      double* p = &ops.queries[r * t_len];
      for (int64_t t = 0; t < t_len; ++t) p[t] = normal();
      const double top = *std::max_element(p, p + t_len);
      double sum = 0;
      for (int64_t t = 0; t < t_len; ++t) sum += p[t] = std::exp(p[t] - top);
      for (int64_t t = 0; t < t_len; ++t) p[t] /= sum;
    }
    ops.cache.resize(static_cast<size_t>(t_len * d));
    for (double& v : ops.cache) v = normal();
    ops.values = QuantizeValuesPerToken(ops.cache, t_len, d, shape.kv_bits);
    ops.folded = FoldValueScales(ops.queries, m, ops.values);
    ops.bias = ValueOutputBias(ops.queries, m, ops.values);
    ops.activations = QuantizeActivations(fp16, ops.folded, m, t_len);
    ops.weights = ValueCodeWeights(ops.values);
  }
  return ops;
}

}  // namespace mixpe
