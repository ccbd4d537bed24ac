// LayerTrace: a list of GEMM layers to run (traces/*.yaml), parsed and validated up front.
// docs/trace-format.md documents the schema.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mixpe {

struct GemmLayer {
  std::string name;
  int64_t m = 0;  // rows of activations and outputs (tokens x batch)
  int64_t k = 0;  // reduction length (input features)
  int64_t n = 0;  // output features
};

struct LayerTrace {
  std::string source_file;
  std::string model;  // the network the shapes come from
  uint64_t seed = 0;  // operand data is drawn from this seed, layer i from seed + i
  std::vector<GemmLayer> layers;
};

// Throws InputError naming the file and key on malformed input.
LayerTrace LoadLayerTrace(const std::string& path);

}  // namespace mixpe
