// Random GEMM operands with reproducible seeds; see gemm_operands.h.
#include "model/gemm_operands.h"

#include <cmath>
#include <random>

namespace mixpe {

GemmOperands RandomGemmOperands(int64_t m, int64_t k, int64_t n, int activation_bits,
                                int weight_bits, uint64_t seed) {
  GemmOperands ops;
  ops.m = m;
  ops.k = k;
  ops.n = n;
  ops.activation_bits = activation_bits;
  ops.weight_bits = weight_bits;
  std::mt19937_64 rng(seed);
  // Draw raw bits and sign-extend, rather than std::uniform_int_distribution, whose output is
  // implementation-defined: the same seed must give the same data with every standard library.
  auto draw = [&rng](int bits) {
    return static_cast<int8_t>(TwosComplementValue(static_cast<uint32_t>(rng()), bits));
  };
  ops.activations.resize(static_cast<size_t>(m * k));
  for (auto& a : ops.activations) a = draw(activation_bits);
  ops.weights.resize(static_cast<size_t>(k * n));
  for (auto& w : ops.weights) w = draw(weight_bits);
  return ops;
}

double PortableNormal::operator()() {
  if (has_spare_) {
    has_spare_ = false;
    return spare_;
  }
  const double u1 = (static_cast<double>(rng_() >> 11) + 1.0) * 0x1.0p-53;  // (0, 1]
  const double u2 = static_cast<double>(rng_() >> 11) * 0x1.0p-53;          // [0, 1)
  const double radius = std::sqrt(-2.0 * std::log(u1));
  const double angle = 2.0 * M_PI * u2;
  spare_ = radius * std::sin(angle);
  has_spare_ = true;
  return radius * std::cos(angle);
}

RealGemmOperands RandomRealGemmOperands(int64_t m, int64_t k, int64_t n, uint64_t seed) {
  constexpr int kOutlierOneIn = 16;
  constexpr double kOutlierScale = 30.0;
  constexpr double kWeightStddev = 0.02;
  PortableNormal normal(seed);
  RealGemmOperands r;
  r.m = m;
  r.k = k;
  r.n = n;
  r.activations.resize(static_cast<size_t>(m * k));
  r.weights.resize(static_cast<size_t>(k * n));
  for (int64_t kk = 0; kk < k; ++kk) {
    const double channel_scale = normal.Bits() % kOutlierOneIn == 0 ? kOutlierScale : 1.0;
    for (int64_t mm = 0; mm < m; ++mm) r.activations[mm * k + kk] = channel_scale * normal();
  }
  for (double& w : r.weights) w = kWeightStddev * normal();
  return r;
}

std::vector<double> Im2Col(const std::vector<double>& image, const ConvShape& conv) {
  const int64_t oh = conv.out_height();
  const int64_t ow = conv.out_width();
  const int64_t k = conv.gemm_k();
  std::vector<double> a(static_cast<size_t>(conv.gemm_m() * k), 0.0);
  for (int64_t b = 0; b < conv.batch; ++b) {
    for (int64_t oy = 0; oy < oh; ++oy) {
      for (int64_t ox = 0; ox < ow; ++ox) {
        double* row = &a[((b * oh + oy) * ow + ox) * k];
        for (int64_t c = 0; c < conv.channels; ++c) {
          for (int64_t ky = 0; ky < conv.kernel; ++ky) {
            for (int64_t kx = 0; kx < conv.kernel; ++kx) {
              const int64_t y = oy * conv.stride + ky - conv.padding;
              const int64_t x = ox * conv.stride + kx - conv.padding;
              if (y < 0 || y >= conv.height || x < 0 || x >= conv.width) continue;  // padding
              row[(c * conv.kernel + ky) * conv.kernel + kx] =
                  image[((b * conv.channels + c) * conv.height + y) * conv.width + x];
            }
          }
        }
      }
    }
  }
  return a;
}

RealGemmOperands RandomRealConvOperands(const ConvShape& conv, int64_t out_channels,
                                        uint64_t seed) {
  constexpr double kWeightStddev = 0.02;
  PortableNormal normal(seed);
  std::vector<double> image(
      static_cast<size_t>(conv.batch * conv.channels * conv.height * conv.width));
  for (double& v : image) v = normal();
  RealGemmOperands r;
  r.m = conv.gemm_m();
  r.k = conv.gemm_k();
  r.n = out_channels;
  r.activations = Im2Col(image, conv);
  r.weights.resize(static_cast<size_t>(r.k * r.n));
  for (double& w : r.weights) w = kWeightStddev * normal();
  return r;
}

}  // namespace mixpe
