// What the mixpe subcommands share; see command_util.h.
#include "app/command_util.h"

#include <algorithm>
#include <sstream>
#include <string>

#include "model/input_error.h"
#include "rtl_params.h"

namespace mixpe {

// The RTL inside this binary was generated from one hardware YAML at build time; a run may name
// another file, but it must describe the same hardware: the same design (pe.design: the core's
// PeKind) and the same shape and widths.
void CheckConfigMatchesBuild(const HardwareConfig& config) {
  if (!IsRtlDesign(config.design)) {
    throw InputError(config.source_file + ": pe.design=" + PeDesignName(config.design) +
                     " has no RTL core to co-simulate (docs/baselines.md); run it through the "
                     "analytical model with --fast");
  }
  const std::string built_design = rtl_params::kPeDesign;
  const bool same_design = built_design == PeDesignName(config.design);
  const bool same = same_design && config.rows == rtl_params::kRows &&
                    config.cols == rtl_params::kCols &&
                    config.weight_bits == rtl_params::kWeightBits &&
                    config.activation_bits == rtl_params::kActBits &&
                    config.accumulator_bits == rtl_params::kAccBits;
  if (same && HasFp4Weights(config) && !rtl_params::kFp4Weights) {
    throw InputError(
        config.source_file +
        ": formats.weights lists an FP4 (E2M1) format, but this mixpe was built "
        "from " +
        rtl_params::kConfigFile +
        " without the PE's FP4 mode; rebuild for it with: make run CONFIG=" + config.source_file);
  }
  if (same) return;
  std::ostringstream msg;
  msg << config.source_file << ": describes a " << ShortDescription(config)
      << " core, but this mixpe was built from " << rtl_params::kConfigFile << " ("
      << rtl_params::kRows << "x" << rtl_params::kCols << " W" << rtl_params::kWeightBits << "A"
      << rtl_params::kActBits << " acc" << rtl_params::kAccBits;
  if (built_design != PeDesignName(PeDesign::kMixpe) || !same_design) msg << " " << built_design;
  msg << ")";
  if (!same_design) {
    msg << ": pe.design=" << PeDesignName(config.design)
        << " is another core than pe.design=" << built_design;
  }
  msg << "; rebuild for it with: make run CONFIG=" << config.source_file;
  throw InputError(msg.str());
}

// Every name given with --layer names a layer of the trace.
void CheckLayerNames(const LayerTrace& trace, const std::vector<std::string>& only_layers) {
  for (const std::string& name : only_layers) {
    bool found = false;
    for (const GemmLayer& layer : trace.layers) found |= layer.name == name;
    if (!found) throw InputError(trace.source_file + ": layers: no layer named '" + name + "'");
  }
}

bool Selected(const GemmLayer& layer, const std::vector<std::string>& only_layers) {
  return only_layers.empty() ||
         std::find(only_layers.begin(), only_layers.end(), layer.name) != only_layers.end();
}

}  // namespace mixpe
