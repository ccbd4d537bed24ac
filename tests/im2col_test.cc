// The im2col lowering of a convolution (model/gemm_operands.h): a hand-checked small case, and
// the GEMM of the lowered matrix equal to a direct convolution with padding and stride.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "model/gemm_operands.h"

namespace mixpe {
namespace {

// One 3 x 3 channel, values 1..9, a 2 x 2 kernel, stride 1, no padding: 4 output pixels, each
// row its 2 x 2 window in (ky, kx) order.
TEST(Im2ColTest, WindowsOfASmallImage) {
  ConvShape c;
  c.batch = 1;
  c.channels = 1;
  c.height = 3;
  c.width = 3;
  c.kernel = 2;
  ASSERT_EQ(c.gemm_m(), 4);
  ASSERT_EQ(c.gemm_k(), 4);
  const std::vector<double> image = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  const std::vector<double> expected = {1, 2, 4, 5,   // (0, 0)
                                        2, 3, 5, 6,   // (0, 1)
                                        4, 5, 7, 8,   // (1, 0)
                                        5, 6, 8, 9};  // (1, 1)
  EXPECT_EQ(Im2Col(image, c), expected);
}

// Padding puts zeros around: the first window of a 1-padded 2 x 2 image with a 3 x 3 kernel has
// the image in its bottom-right 2 x 2.
TEST(Im2ColTest, PaddingReadsAsZeros) {
  ConvShape c;
  c.batch = 1;
  c.channels = 1;
  c.height = 2;
  c.width = 2;
  c.kernel = 3;
  c.padding = 1;
  ASSERT_EQ(c.out_height(), 2);
  const std::vector<double> a = Im2Col({1, 2, 3, 4}, c);
  const std::vector<double> first(a.begin(), a.begin() + 9);
  EXPECT_EQ(first, (std::vector<double>{0, 0, 0, 0, 1, 2, 0, 3, 4}));
}

// Two images of 3 channels, 7 x 6, a 3 x 3 kernel, stride 2, padding 1, 4 output channels: the
// GEMM of Im2Col with the K x N weights equals the convolution computed directly.
TEST(Im2ColTest, GemmOfTheLoweredMatrixIsTheConvolution) {
  ConvShape c;
  c.batch = 2;
  c.channels = 3;
  c.height = 7;
  c.width = 6;
  c.kernel = 3;
  c.stride = 2;
  c.padding = 1;
  const int64_t n = 4;
  const RealGemmOperands r = RandomRealConvOperands(c, n, 5);
  ASSERT_EQ(r.m, 2 * 4 * 3);  // out 4 x 3
  ASSERT_EQ(r.k, 27);
  // The weights of the random operands; a known image, lowered here and convolved directly.
  std::vector<double> image(static_cast<size_t>(2 * 3 * 7 * 6));
  for (size_t i = 0; i < image.size(); ++i) image[i] = std::sin(0.37 * static_cast<double>(i));
  const std::vector<double> a = Im2Col(image, c);
  for (int64_t b = 0; b < c.batch; ++b) {
    for (int64_t oy = 0; oy < c.out_height(); ++oy) {
      for (int64_t ox = 0; ox < c.out_width(); ++ox) {
        const int64_t m = (b * c.out_height() + oy) * c.out_width() + ox;
        for (int64_t o = 0; o < n; ++o) {
          double gemm = 0;
          for (int64_t k = 0; k < c.gemm_k(); ++k)
            gemm += a[m * c.gemm_k() + k] * r.weights[k * n + o];
          double direct = 0;
          for (int64_t ch = 0; ch < c.channels; ++ch) {
            for (int64_t ky = 0; ky < c.kernel; ++ky) {
              for (int64_t kx = 0; kx < c.kernel; ++kx) {
                const int64_t y = oy * c.stride + ky - c.padding;
                const int64_t x = ox * c.stride + kx - c.padding;
                if (y < 0 || y >= c.height || x < 0 || x >= c.width) continue;
                const double w = r.weights[((ch * c.kernel + ky) * c.kernel + kx) * n + o];
                direct += image[((b * c.channels + ch) * c.height + y) * c.width + x] * w;
              }
            }
          }
          EXPECT_NEAR(gemm, direct, 1e-12) << "b=" << b << " oy=" << oy << " ox=" << ox;
        }
      }
    }
  }
}

}  // namespace
}  // namespace mixpe
