// Accuracy study of the quantization formats; see accuracy_study.h.
#include "model/accuracy_study.h"

#include <cmath>
#include <map>
#include <random>

#include "model/mpgemm.h"
#include "model/quant_format.h"
#include "model/quantize.h"

namespace mixpe {
namespace {

// Standard normal samples from raw 64-bit draws (Box-Muller), so that the same seed gives the
// same operands with every standard library.
class Gaussian {
 public:
  explicit Gaussian(uint64_t seed) : rng_(seed) {}
  double Next() {
    const double u1 = (static_cast<double>(rng_() >> 11) + 0.5) * 0x1.0p-53;
    const double u2 = static_cast<double>(rng_() >> 11) * 0x1.0p-53;
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
  }
  uint64_t Raw() { return rng_(); }

 private:
  std::mt19937_64 rng_;
};

std::vector<double> ReferenceGemm(const std::vector<double>& a, const std::vector<double>& w,
                                  int64_t m, int64_t k, int64_t n) {
  std::vector<double> y(static_cast<size_t>(m * n), 0.0);
  for (int64_t i = 0; i < m; ++i) {
    for (int64_t kk = 0; kk < k; ++kk) {
      const double av = a[i * k + kk];
      for (int64_t j = 0; j < n; ++j) y[i * n + j] += av * w[kk * n + j];
    }
  }
  return y;
}

// Weights dequantized from N rows of K back to K x N.
std::vector<double> WeightsAsKxN(const BlockedTensor& w) {
  const std::vector<double> by_channel = Dequantize(w);
  std::vector<double> out(by_channel.size());
  for (int64_t n = 0; n < w.rows; ++n) {
    for (int64_t kk = 0; kk < w.k; ++kk) out[kk * w.rows + n] = by_channel[n * w.k + kk];
  }
  return out;
}

double RelativeDistance(const std::vector<float>& y, const std::vector<double>& ref,
                        double ref_norm) {
  double err = 0;
  for (size_t i = 0; i < y.size(); ++i) {
    const double d = static_cast<double>(y[i]) - ref[i];
    err += d * d;
  }
  return std::sqrt(err) / ref_norm;
}

}  // namespace

void RealisticOperands(const AccuracyProblem& p, std::vector<double>* activations,
                       std::vector<double>* weights) {
  Gaussian g(p.seed);
  activations->resize(static_cast<size_t>(p.m * p.k));
  weights->resize(static_cast<size_t>(p.k * p.n));
  for (double& v : *activations) v = g.Next();
  for (double& v : *weights) v = 0.02 * g.Next();
  const int64_t activation_outliers = std::max<int64_t>(1, p.k / 100);
  for (int64_t i = 0; i < activation_outliers; ++i) {
    const int64_t channel = static_cast<int64_t>(g.Raw() % static_cast<uint64_t>(p.k));
    for (int64_t row = 0; row < p.m; ++row) (*activations)[row * p.k + channel] *= 20.0;
  }
  const int64_t weight_outliers = std::max<int64_t>(1, p.k / 500);
  for (int64_t i = 0; i < weight_outliers; ++i) {
    const int64_t channel = static_cast<int64_t>(g.Raw() % static_cast<uint64_t>(p.k));
    for (int64_t col = 0; col < p.n; ++col) (*weights)[channel * p.n + col] *= 4.0;
  }
}

std::vector<std::pair<std::string, std::string>> AccuracyCombinations() {
  std::vector<std::pair<std::string, std::string>> combos;
  for (const char* act : {"int8_token", "fp16"}) {
    for (int bits : {2, 3, 4, 8}) {
      for (const char* group : {"32", "64", "128", "ch"}) {
        for (const char* asym : {"", "_asym"}) {
          combos.emplace_back("int" + std::to_string(bits) + "_g" + group + asym, act);
        }
      }
    }
    for (const char* mixed : {"intmix234_g128", "intmix234_g128_asym", "intmix24_g64"}) {
      combos.emplace_back(mixed, act);
    }
  }
  for (const char* weight :
       {"mxint8", "mxint4", "mxfp8_e4m3", "mxfp8_e5m2", "mxfp6_e3m2", "mxfp6_e2m3", "mxfp4"}) {
    for (const char* act :
         {"mxint8", "mxfp8_e4m3", "mxfp8_e5m2", "mxfp6_e2m3", "mxfp4", "int8_token", "fp16"}) {
      combos.emplace_back(weight, act);
    }
  }
  for (const char* act : {"nvfp4", "mxfp8_e4m3", "int8_token", "fp16"}) {
    combos.emplace_back("nvfp4", act);
  }
  return combos;
}

double AccuracyBound(const std::string& weight_format, const std::string& activation_format) {
  // 1.2x the error measured at the default problem size (AccuracyProblem{}), rounded up to two
  // digits: room for harmless changes, none for a broken format. `mixpe accuracy` prints both.
  static const std::map<std::pair<std::string, std::string>, double> kBounds = {
      {{"int2_g32", "int8_token"}, 0.79},
      {{"int2_g32_asym", "int8_token"}, 0.49},
      {{"int2_g64", "int8_token"}, 0.86},
      {{"int2_g64_asym", "int8_token"}, 0.54},
      {{"int2_g128", "int8_token"}, 0.9},
      {{"int2_g128_asym", "int8_token"}, 0.6},
      {{"int2_gch", "int8_token"}, 1.2},
      {{"int2_gch_asym", "int8_token"}, 0.87},
      {{"int3_g32", "int8_token"}, 0.28},
      {{"int3_g32_asym", "int8_token"}, 0.22},
      {{"int3_g64", "int8_token"}, 0.31},
      {{"int3_g64_asym", "int8_token"}, 0.24},
      {{"int3_g128", "int8_token"}, 0.33},
      {{"int3_g128_asym", "int8_token"}, 0.27},
      {{"int3_gch", "int8_token"}, 0.58},
      {{"int3_gch_asym", "int8_token"}, 0.43},
      {{"int4_g32", "int8_token"}, 0.13},
      {{"int4_g32_asym", "int8_token"}, 0.11},
      {{"int4_g64", "int8_token"}, 0.14},
      {{"int4_g64_asym", "int8_token"}, 0.12},
      {{"int4_g128", "int8_token"}, 0.16},
      {{"int4_g128_asym", "int8_token"}, 0.13},
      {{"int4_gch", "int8_token"}, 0.26},
      {{"int4_gch_asym", "int8_token"}, 0.2},
      {{"int8_g32", "int8_token"}, 0.047},
      {{"int8_g32_asym", "int8_token"}, 0.047},
      {{"int8_g64", "int8_token"}, 0.047},
      {{"int8_g64_asym", "int8_token"}, 0.047},
      {{"int8_g128", "int8_token"}, 0.047},
      {{"int8_g128_asym", "int8_token"}, 0.047},
      {{"int8_gch", "int8_token"}, 0.049},
      {{"int8_gch_asym", "int8_token"}, 0.048},
      {{"intmix234_g128", "int8_token"}, 0.49},
      {{"intmix234_g128_asym", "int8_token"}, 0.34},
      {{"intmix24_g64", "int8_token"}, 0.58},
      {{"int2_g32", "fp16"}, 0.78},
      {{"int2_g32_asym", "fp16"}, 0.48},
      {{"int2_g64", "fp16"}, 0.85},
      {{"int2_g64_asym", "fp16"}, 0.54},
      {{"int2_g128", "fp16"}, 0.9},
      {{"int2_g128_asym", "fp16"}, 0.59},
      {{"int2_gch", "fp16"}, 1.2},
      {{"int2_gch_asym", "fp16"}, 0.87},
      {{"int3_g32", "fp16"}, 0.28},
      {{"int3_g32_asym", "fp16"}, 0.21},
      {{"int3_g64", "fp16"}, 0.3},
      {{"int3_g64_asym", "fp16"}, 0.24},
      {{"int3_g128", "fp16"}, 0.33},
      {{"int3_g128_asym", "fp16"}, 0.26},
      {{"int3_gch", "fp16"}, 0.57},
      {{"int3_gch_asym", "fp16"}, 0.42},
      {{"int4_g32", "fp16"}, 0.12},
      {{"int4_g32_asym", "fp16"}, 0.095},
      {{"int4_g64", "fp16"}, 0.14},
      {{"int4_g64_asym", "fp16"}, 0.11},
      {{"int4_g128", "fp16"}, 0.15},
      {{"int4_g128_asym", "fp16"}, 0.12},
      {{"int4_gch", "fp16"}, 0.25},
      {{"int4_gch_asym", "fp16"}, 0.2},
      {{"int8_g32", "fp16"}, 0.0064},
      {{"int8_g32_asym", "fp16"}, 0.0057},
      {{"int8_g64", "fp16"}, 0.0073},
      {{"int8_g64_asym", "fp16"}, 0.0064},
      {{"int8_g128", "fp16"}, 0.0077},
      {{"int8_g128_asym", "fp16"}, 0.0071},
      {{"int8_gch", "fp16"}, 0.015},
      {{"int8_gch_asym", "fp16"}, 0.012},
      {{"intmix234_g128", "fp16"}, 0.48},
      {{"intmix234_g128_asym", "fp16"}, 0.34},
      {{"intmix24_g64", "fp16"}, 0.58},
      {{"mxint8", "mxint8"}, 0.021},
      {{"mxint8", "mxfp8_e4m3"}, 0.046},
      {{"mxint8", "mxfp8_e5m2"}, 0.066},
      {{"mxint8", "mxfp6_e2m3"}, 0.051},
      {{"mxint8", "mxfp4"}, 0.2},
      {{"mxint8", "int8_token"}, 0.047},
      {{"mxint8", "fp16"}, 0.009},
      {{"mxint4", "mxint8"}, 0.14},
      {{"mxint4", "mxfp8_e4m3"}, 0.15},
      {{"mxint4", "mxfp8_e5m2"}, 0.16},
      {{"mxint4", "mxfp6_e2m3"}, 0.15},
      {{"mxint4", "mxfp4"}, 0.24},
      {{"mxint4", "int8_token"}, 0.15},
      {{"mxint4", "fp16"}, 0.14},
      {{"mxfp8_e4m3", "mxint8"}, 0.038},
      {{"mxfp8_e4m3", "mxfp8_e4m3"}, 0.057},
      {{"mxfp8_e4m3", "mxfp8_e5m2"}, 0.074},
      {{"mxfp8_e4m3", "mxfp6_e2m3"}, 0.061},
      {{"mxfp8_e4m3", "mxfp4"}, 0.2},
      {{"mxfp8_e4m3", "int8_token"}, 0.057},
      {{"mxfp8_e4m3", "fp16"}, 0.034},
      {{"mxfp8_e5m2", "mxint8"}, 0.063},
      {{"mxfp8_e5m2", "mxfp8_e4m3"}, 0.075},
      {{"mxfp8_e5m2", "mxfp8_e5m2"}, 0.09},
      {{"mxfp8_e5m2", "mxfp6_e2m3"}, 0.078},
      {{"mxfp8_e5m2", "mxfp4"}, 0.21},
      {{"mxfp8_e5m2", "int8_token"}, 0.077},
      {{"mxfp8_e5m2", "fp16"}, 0.061},
      {{"mxfp6_e3m2", "mxint8"}, 0.063},
      {{"mxfp6_e3m2", "mxfp8_e4m3"}, 0.075},
      {{"mxfp6_e3m2", "mxfp8_e5m2"}, 0.09},
      {{"mxfp6_e3m2", "mxfp6_e2m3"}, 0.078},
      {{"mxfp6_e3m2", "mxfp4"}, 0.21},
      {{"mxfp6_e3m2", "int8_token"}, 0.077},
      {{"mxfp6_e3m2", "fp16"}, 0.061},
      {{"mxfp6_e2m3", "mxint8"}, 0.038},
      {{"mxfp6_e2m3", "mxfp8_e4m3"}, 0.057},
      {{"mxfp6_e2m3", "mxfp8_e5m2"}, 0.073},
      {{"mxfp6_e2m3", "mxfp6_e2m3"}, 0.061},
      {{"mxfp6_e2m3", "mxfp4"}, 0.2},
      {{"mxfp6_e2m3", "int8_token"}, 0.056},
      {{"mxfp6_e2m3", "fp16"}, 0.034},
      {{"mxfp4", "mxint8"}, 0.14},
      {{"mxfp4", "mxfp8_e4m3"}, 0.14},
      {{"mxfp4", "mxfp8_e5m2"}, 0.15},
      {{"mxfp4", "mxfp6_e2m3"}, 0.15},
      {{"mxfp4", "mxfp4"}, 0.24},
      {{"mxfp4", "int8_token"}, 0.15},
      {{"mxfp4", "fp16"}, 0.14},
      {{"nvfp4", "nvfp4"}, 0.16},
      {{"nvfp4", "mxfp8_e4m3"}, 0.12},
      {{"nvfp4", "int8_token"}, 0.12},
      {{"nvfp4", "fp16"}, 0.12},
  };
  const auto it = kBounds.find({weight_format, activation_format});
  return it == kBounds.end() ? std::nan("") : it->second;
}

AccuracyRow MeasureAccuracy(const AccuracyProblem& p, const std::string& weight_format,
                            const std::string& activation_format) {
  std::vector<double> a, w;
  RealisticOperands(p, &a, &w);
  const WeightFormat wf = ParseWeightFormat(weight_format);
  const ActivationFormat af = ParseActivationFormat(activation_format);
  const BlockedTensor qw = QuantizeWeights(wf, w, p.k, p.n);
  const BlockedTensor qa = QuantizeActivations(af, a, p.m, p.k);
  const std::vector<float> y = MpGemm(qa, qw);

  const std::vector<double> reference = ReferenceGemm(a, w, p.m, p.k, p.n);
  const std::vector<double> dequantized =
      ReferenceGemm(Dequantize(qa), WeightsAsKxN(qw), p.m, p.k, p.n);
  double ref_norm = 0;
  for (double v : reference) ref_norm += v * v;
  ref_norm = std::sqrt(ref_norm);

  AccuracyRow row;
  row.weight_format = weight_format;
  row.activation_format = activation_format;
  row.relative_error = RelativeDistance(y, reference, ref_norm);
  row.arithmetic_error = RelativeDistance(y, dequantized, ref_norm);
  row.bound = AccuracyBound(weight_format, activation_format);
  return row;
}

}  // namespace mixpe
