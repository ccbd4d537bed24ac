// GemmOperands: the integer inputs of one GEMM, Y[M][N] = A[M][K] * W[K][N], as the golden model,
// the simulator and the tests exchange them.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

namespace mixpe {

struct GemmOperands {
  int64_t m = 0;
  int64_t k = 0;
  int64_t n = 0;
  int activation_bits = 8;
  int weight_bits = 4;
  std::vector<int8_t> activations;  // M x K, row-major, signed values
  std::vector<int8_t> weights;      // K x N, row-major, signed values in the weight range

  int8_t Activation(int64_t row, int64_t kk) const { return activations[row * k + kk]; }
  int8_t Weight(int64_t kk, int64_t col) const { return weights[kk * n + col]; }
};

// Uniformly random activations over the whole signed activation range and weights over the whole
// two's-complement weight range, from `seed` (std::mt19937_64, so the same seed gives the same
// operands on every platform).
GemmOperands RandomGemmOperands(int64_t m, int64_t k, int64_t n, int activation_bits,
                                int weight_bits, uint64_t seed);

// A standard normal variate from two 53-bit uniforms of std::mt19937_64 (Box-Muller); unlike
// std::normal_distribution, the same on every standard library. Every generator of real operands
// here and in model/kv_cache.h draws from it.
class PortableNormal {
 public:
  explicit PortableNormal(uint64_t seed) : rng_(seed) {}
  double operator()();
  // 64 raw bits from the same stream (e.g. to pick outlier channels).
  uint64_t Bits() { return rng_(); }

 private:
  std::mt19937_64 rng_;
  double spare_ = 0;
  bool has_spare_ = false;
};

// Real-valued operands of a quantized GEMM, before quantization: A is M x K (one row per token), W
// is K x N, both row-major.
struct RealGemmOperands {
  int64_t m = 0;
  int64_t k = 0;
  int64_t n = 0;
  std::vector<double> activations;
  std::vector<double> weights;
};

// Operands shaped like an LLM linear layer's: weights ~ N(0, 0.02^2); activations ~ N(0, 1) with
// one input channel in 16 (chosen at random) scaled by 30, the outlier channels that set
// per-token scales. Drawn with a portable Box-Muller transform from std::mt19937_64, so the same
// seed gives the same values on every platform.
RealGemmOperands RandomRealGemmOperands(int64_t m, int64_t k, int64_t n, uint64_t seed);

// A 2-D convolution, lowered to a GEMM by im2col: output pixel (b, oy, ox) is a row of A, its
// receptive field over all input channels (c, ky, kx, channel-major) a row of K elements; the
// output channels are the N columns of W. Square kernels, equal strides and zero padding.
struct ConvShape {
  int64_t batch = 0;
  int64_t channels = 0;  // input channels
  int64_t height = 0;
  int64_t width = 0;
  int64_t kernel = 0;  // kernel x kernel
  int64_t stride = 1;
  int64_t padding = 0;  // zeros on every side

  bool present() const { return batch > 0; }
  int64_t out_height() const { return (height + 2 * padding - kernel) / stride + 1; }
  int64_t out_width() const { return (width + 2 * padding - kernel) / stride + 1; }
  int64_t gemm_m() const { return batch * out_height() * out_width(); }
  int64_t gemm_k() const { return channels * kernel * kernel; }
};

// The im2col matrix (gemm_m x gemm_k, row-major) of an input image given as batch x channels x
// height x width (NCHW, row-major).
std::vector<double> Im2Col(const std::vector<double>& image, const ConvShape& conv);

// A convolution's operands: a random input image ~ N(0, 1) lowered by Im2Col, and weights
// ~ N(0, 0.02^2) as K x `out_channels` (the same generator as RandomRealGemmOperands).
RealGemmOperands RandomRealConvOperands(const ConvShape& conv, int64_t out_channels, uint64_t seed);

// The code the hardware sees for a signed value: its low `bits` bits (two's complement).
inline uint32_t TwosComplementCode(int value, int bits) {
  return static_cast<uint32_t>(value) & ((1u << bits) - 1u);
}

// The signed value of a `bits`-wide two's-complement code.
inline int TwosComplementValue(uint32_t code, int bits) {
  const int v = static_cast<int>(code & ((1u << bits) - 1u));
  return v >= (1 << (bits - 1)) ? v - (1 << bits) : v;
}

}  // namespace mixpe
