// What the mixpe subcommands share: the check that a config describes the RTL this binary was
// built from, --layer selection, and a progress bar on stderr.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "compiler/layer_trace.h"
#include "model/hardware_config.h"

namespace mixpe {

// Throws InputError if `config` describes another core than the RTL inside this binary (generated
// from one hardware YAML at build time), with the command that rebuilds for it.
void CheckConfigMatchesBuild(const HardwareConfig& config);

// Throws InputError if a name given with --layer names no layer of the trace.
void CheckLayerNames(const LayerTrace& trace, const std::vector<std::string>& only_layers);

// Whether `layer` is one of `only_layers` (all are when it is empty).
bool Selected(const GemmLayer& layer, const std::vector<std::string>& only_layers);

// A progress bar on stderr, drawn only when stderr is a terminal.
class ProgressBar {
 public:
  explicit ProgressBar(std::string what) : what_(std::move(what)), shown_(isatty(2) != 0) {}
  // Erases the bar, so that a line can be printed in its place.
  void Clear() {
    if (shown_) std::fprintf(stderr, "\r%*s\r", 80, "");
  }
  void Update(int64_t done, int64_t total) {
    if (!shown_ || total <= 0) return;
    const int width = 40;
    const int filled = static_cast<int>(width * done / total);
    std::fprintf(stderr, "\r%s [%s%s] %lld/%lld", what_.c_str(), std::string(filled, '#').c_str(),
                 std::string(width - filled, '.').c_str(), static_cast<long long>(done),
                 static_cast<long long>(total));
    if (done == total) std::fprintf(stderr, "\n");
    std::fflush(stderr);
  }

 private:
  std::string what_;
  bool shown_;
};

}  // namespace mixpe
