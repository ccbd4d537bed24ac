// mixpe_rtl_params: turns a hardware YAML into the two files the RTL build needs, so the YAML stays
// the single source of truth:
//   <out>/params.vc      Verilator -G overrides for the top module's parameters
//   <out>/rtl_params.h   the same values for the C++ harness, which checks them against the config
//                        it is asked to simulate
// Usage: mixpe_rtl_params <config.yaml> <top-module> <out-dir>
// where <top-module> is mixpe_core (the array with dequantization), mixpe_array (the integer
// array alone) or mixpe_pe (one PE, for its own tests).
//
// pe.design chooses the core (PeKind of every top: 0 mixpe, 1 int8_mac, 2 fp16_mac; the other
// designs have no RTL and are refused). mixpe_core takes the config's widths as they are (for the
// baselines WeightBits is the stored code width, which the core dequantizes per element);
// mixpe_array and mixpe_pe take the widths of the PEs inside that core: 8-bit weights for int8_mac,
// 16-bit activations and weights and a 32-bit accumulator for fp16_mac. rtl_params.h also names
// the design (kPeDesign, as PeDesignName gives it) and its kind (kPeKind).
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>

#include "model/hardware_config.h"
#include "model/input_error.h"

namespace {

// Writes `text` unless the file already holds it: an unchanged file keeps its time, so a rebuild
// of this generator (any change to the model library) does not re-verilate every core.
void WriteOrDie(const std::string& path, const std::string& text) {
  {
    std::ifstream in(path, std::ios::binary);
    const std::string old((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.good() || in.eof()) {
      if (old == text) return;
    }
  }
  std::ofstream out(path);
  out << text;
  if (!out) {
    std::cerr << "mixpe_rtl_params: cannot write " << path << "\n";
    std::exit(1);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: mixpe_rtl_params <config.yaml> <top-module> <out-dir>\n";
    return 2;
  }
  const std::string top = argv[2];
  if (top != "mixpe_core" && top != "mixpe_array" && top != "mixpe_pe") {
    std::cerr << "mixpe_rtl_params: unknown top module '" << top
              << "' (expected mixpe_core, mixpe_array or mixpe_pe)\n";
    return 2;
  }
  mixpe::HardwareConfig config;
  try {
    config = mixpe::LoadHardwareConfig(argv[1]);
    if (!mixpe::IsRtlDesign(config.design)) {
      throw mixpe::InputError(std::string(argv[1]) + ": pe.design=" +
                              mixpe::PeDesignName(config.design) + " has no RTL to build");
    }
  } catch (const mixpe::InputError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 2;
  }
  const std::string out_dir = argv[3];
  const std::string rows = std::to_string(config.rows);
  const std::string cols = std::to_string(config.cols);
  // mixpe_pe's kinds; the array and the PE of a baseline core multiply dequantized weights.
  int pe_kind = 0;
  int act_bits = config.activation_bits;
  int weight_bits = config.weight_bits;
  int acc_bits = config.accumulator_bits;
  if (config.design == mixpe::PeDesign::kInt8Mac) {
    pe_kind = 1;
    if (top != "mixpe_core") weight_bits = 8;
  } else if (config.design == mixpe::PeDesign::kFp16Mac) {
    pe_kind = 2;
    if (top != "mixpe_core") {
      act_bits = 16;
      weight_bits = 16;
      acc_bits = 32;
    }
  }
  const std::string act = std::to_string(act_bits);
  const std::string wgt = std::to_string(weight_bits);
  const std::string acc = std::to_string(acc_bits);
  const std::string fp4 = mixpe::HasFp4Weights(config) ? "1" : "0";
  const std::string kind = std::to_string(pe_kind);
  const std::string design = mixpe::PeDesignName(config.design);

  WriteOrDie(out_dir + "/params.vc",
             "// Generated from " + config.source_file + " by mixpe_rtl_params; do not edit.\n" +
                 (top != "mixpe_pe" ? "-GRows=" + rows + "\n-GCols=" + cols + "\n" : "") +
                 "-GActBits=" + act + "\n-GWeightBits=" + wgt + "\n-GAccBits=" + acc +
                 "\n-GFp4Weights=" + fp4 + "\n-GPeKind=" + kind + "\n");
  WriteOrDie(out_dir + "/rtl_params.h", "// Generated from " + config.source_file +
                                            " by mixpe_rtl_params; do not edit.\n"
                                            "#pragma once\n"
                                            "namespace mixpe::rtl_params {\n"
                                            "inline constexpr const char* kConfigFile = \"" +
                                            config.source_file +
                                            "\";\n"
                                            "inline constexpr int kRows = " +
                                            rows +
                                            ";\n"
                                            "inline constexpr int kCols = " +
                                            cols +
                                            ";\n"
                                            "inline constexpr int kActBits = " +
                                            act +
                                            ";\n"
                                            "inline constexpr int kWeightBits = " +
                                            wgt +
                                            ";\n"
                                            "inline constexpr int kAccBits = " +
                                            acc +
                                            ";\n"
                                            "inline constexpr bool kFp4Weights = " +
                                            (fp4 == "1" ? "true" : "false") +
                                            ";\n"
                                            "inline constexpr int kPeKind = " +
                                            kind +
                                            ";\n"
                                            "inline constexpr const char* kPeDesign = \"" +
                                            design +
                                            "\";\n"
                                            "}  // namespace mixpe::rtl_params\n");
  return 0;
}
