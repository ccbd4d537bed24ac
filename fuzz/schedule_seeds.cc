// Writes the seed corpus of the schedule_text fuzz target: the schedules the compiler makes
// (MakeLayerSchedule, WriteSchedule) on the configs the target checks against, for the layers of
// tests/data/small_core_trace.yaml and a small layer of every format pair each config runs, in
// both loop orders and with K split in two where it can be. Generated rather than kept, so that
// the seeds follow the format. Usage: fuzz_schedule_seeds <output directory>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "compiler/layer_trace.h"
#include "compiler/schedule_text.h"
#include "model/hardware_config.h"
#include "model/input_error.h"

namespace mixpe {
namespace {

// Mixed-precision group widths for `layer`: N x K/G, cycling through the format's widths.
std::vector<uint8_t> GroupBits(const HardwareConfig& config, const GemmLayer& layer) {
  const WeightFormat format = ResolveLayerFormats(layer, config).weights;
  std::vector<uint8_t> bits;
  if (format.mixed_bits.empty()) return bits;
  const int64_t groups = layer.n * (layer.k / format.GroupSizeFor(layer.k));
  for (int64_t g = 0; g < groups; ++g) {
    bits.push_back(static_cast<uint8_t>(format.mixed_bits[g % format.mixed_bits.size()]));
  }
  return bits;
}

int WriteSeeds(const std::filesystem::path& out_dir) {
  std::filesystem::create_directories(out_dir);
  const std::string source = MIXPE_SOURCE_DIR;
  const LayerTrace trace = LoadLayerTrace(source + "/tests/data/small_core_trace.yaml");
  int written = 0;
  for (const std::string& config_name :
       {"configs/default", "tests/configs/array_4x4_w4", "tests/configs/array_4x4_int8mac",
        "tests/configs/array_4x4_fp16mac"}) {
    const HardwareConfig config = LoadHardwareConfig(source + "/" + config_name + ".yaml");
    std::vector<GemmLayer> layers = trace.layers;
    for (const std::string& weights : config.weight_format_names) {
      for (const std::string& activations : config.activation_format_names) {
        GemmLayer layer;
        layer.name = weights + "_x_" + activations;
        layer.m = 6;
        layer.k = 128;
        layer.n = 5;
        layer.weights = weights;
        layer.activations = activations;
        layer.source_file = "fuzz_schedule_seeds";
        layers.push_back(layer);
      }
    }
    for (const GemmLayer& layer : layers) {
      const TilePlan trace_plan = TracePlanOf(layer);
      const std::vector<std::pair<std::string, TilePlan>> plans = {
          {"plan", trace_plan},
          {"n_outer", {LoopOrder::kNOuter, 1, 1, 1}},
          {"k_split", {LoopOrder::kMOuter, 1, 1, 2}}};
      for (const auto& [variant, plan] : plans) {
        std::string text;
        try {
          text = WriteSchedule(MakeLayerSchedule(config, layer, plan, GroupBits(config, layer)));
        } catch (const InputError&) {
          continue;  // the layer does not run on this config, or K does not split
        }
        const std::string stem = std::filesystem::path(config_name).filename().string();
        std::ofstream out(out_dir / (stem + "_" + layer.name + "_" + variant + ".schedule"));
        out << text;
        if (!out) {
          std::fprintf(stderr, "fuzz_schedule_seeds: cannot write into %s\n", out_dir.c_str());
          return 1;
        }
        ++written;
      }
    }
  }
  std::printf("fuzz_schedule_seeds: %d schedules in %s\n", written, out_dir.c_str());
  return written > 0 ? 0 : 1;
}

}  // namespace
}  // namespace mixpe

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <output directory>\n", argv[0]);
    return 2;
  }
  return mixpe::WriteSeeds(argv[1]);
}
