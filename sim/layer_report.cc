// Checking an RTL layer run against the golden model, and printing the report.
#include "sim/layer_report.h"

#include <cstdio>
#include <cstring>

#include "model/baseline_gemm.h"
#include "model/gemm_operands.h"
#include "model/input_error.h"
#include "model/kv_cache.h"
#include "model/mixpe_array.h"
#include "model/mpgemm.h"

namespace mixpe {

namespace {

// Splits the layer's quantized tensors for the core's edges.
void PrepareForCore(const HardwareConfig& config, LayerData* data) {
  CoreWidths widths;
  widths.activation_bits = config.activation_bits;
  widths.weight_bits = config.weight_bits;
  data->core =
      config.design == PeDesign::kMixpe
          ? PrepareCoreOperands(data->activations, data->weights, data->formats.weights, widths)
          : PrepareBaselineCoreOperands(data->activations, data->weights, config.design, widths,
                                        data->formats.unit);
}

}  // namespace

LayerData MakeLayerData(const HardwareConfig& config, const GemmLayer& layer, uint64_t seed,
                        bool core_operands) {
  if (!layer.attention.present()) {
    const RealGemmOperands real = layer.conv.present()
                                      ? RandomRealConvOperands(layer.conv, layer.n, seed)
                                      : RandomRealGemmOperands(layer.m, layer.k, layer.n, seed);
    return MakeLayerData(config, layer, real, core_operands);
  }
  LayerData data;
  data.formats = ResolveLayerFormats(layer, config);
  // The GEMM of one token group (score) or of one KV head (value) over a KIVI-quantized cache:
  // folded FP16 activations and the cache codes with unit scales (model/kv_cache.h).
  const AttentionShape& shape = layer.attention;
  if (layer.m != shape.gemm_m() || layer.k != shape.gemm_k() || layer.n != shape.gemm_n() ||
      data.formats.weights.Name() != shape.weight_format() ||
      data.formats.activations.Name() != AttentionShape::activation_format()) {
    throw InputError("layer " + layer.name + ": an attention layer must keep the GEMM of its " +
                     "shape (M=" + std::to_string(shape.gemm_m()) +
                     ", K=" + std::to_string(shape.gemm_k()) +
                     ", N=" + std::to_string(shape.gemm_n()) + ", " + shape.weight_format() +
                     " x " + AttentionShape::activation_format() + ")");
  }
  AttentionOperands ops = RandomAttentionOperands(shape, seed);
  data.activations = std::move(ops.activations);
  data.weights = std::move(ops.weights);
  if (core_operands) PrepareForCore(config, &data);
  return data;
}

LayerData MakeLayerData(const HardwareConfig& config, const GemmLayer& layer,
                        const RealGemmOperands& real, bool core_operands) {
  LayerData data;
  data.formats = ResolveLayerFormats(layer, config);
  if (layer.attention.present()) {
    throw InputError("layer " + layer.name +
                     ": an attention layer's data is its KV cache's, not given operands");
  }
  if (real.m != layer.m || real.k != layer.k || real.n != layer.n) {
    throw InputError("layer " + layer.name + ": operands of M=" + std::to_string(real.m) +
                     ", K=" + std::to_string(real.k) + ", N=" + std::to_string(real.n) +
                     " for a layer of M=" + std::to_string(layer.m) +
                     ", K=" + std::to_string(layer.k) + ", N=" + std::to_string(layer.n));
  }
  data.activations =
      QuantizeActivations(data.formats.activations, real.activations, layer.m, layer.k);
  data.weights = QuantizeWeights(data.formats.weights, real.weights, layer.k, layer.n);
  if (core_operands) PrepareForCore(config, &data);
  return data;
}

LayerReport CheckLayer(const HardwareConfig& config, const GemmLayer& layer, const LayerData& data,
                       const CoreRunResult& run) {
  // The closed-form cycles over the tiles in the order the trace's plan gives them.
  const CoreSchedule schedule = TileCoreGemm(config, layer.name, layer.m, layer.k, layer.n,
                                             data.formats.unit, TracePlanOf(layer));
  LayerReport report;
  report.layer = layer;
  report.formats = data.formats.weights.Name() + " x " + data.formats.activations.Name();
  report.unit = data.formats.unit;
  report.tiles = static_cast<int64_t>(schedule.tiles.size());
  report.model_cycles = CoreScheduleCycles(schedule);
  report.cycles = run.cycles;
  report.detail = run.error;
  if (run.cycles > 0) {
    report.utilization = static_cast<double>(layer.m) * layer.n * layer.k /
                         (PeakMacsPerCycle(config) * static_cast<double>(run.cycles));
  }
  const std::vector<uint32_t> expected =
      DesignGemm(config.design, data.activations, data.weights, data.formats.unit);
  for (size_t i = 0; i < expected.size(); ++i) {
    const uint32_t bits = expected[i];
    if (bits == run.outputs[i]) continue;
    if (report.mismatches++ == 0 && report.detail.empty()) {
      char buf[160];
      std::snprintf(buf, sizeof buf, "first mismatch at y[%lld][%lld]: rtl 0x%08x, golden 0x%08x",
                    static_cast<long long>(i / layer.n), static_cast<long long>(i % layer.n),
                    run.outputs[i], bits);
      report.detail = buf;
    }
  }
  return report;
}

namespace {

constexpr char kRowFormat[] = "%-12s %6s %6s %6s %-24s %5s %7s %12s %12s %6s %10s  %-9s %s\n";

std::string Int(int64_t v) { return std::to_string(v); }

std::string Fixed(double v, const char* format) {
  char buf[32];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

void PrintRow(std::ostream& out, const std::vector<std::string>& cells) {
  char line[320];
  std::snprintf(line, sizeof line, kRowFormat, cells[0].c_str(), cells[1].c_str(), cells[2].c_str(),
                cells[3].c_str(), cells[4].c_str(), cells[5].c_str(), cells[6].c_str(),
                cells[7].c_str(), cells[8].c_str(), cells[9].c_str(), cells[10].c_str(),
                cells[11].c_str(), cells[12].c_str());
  out << line;
}

}  // namespace

void PrintReportHeader(std::ostream& out) {
  PrintRow(out, {"layer", "M", "K", "N", "weights x activations", "unit", "tiles", "cycles",
                 "model", "util", "time_us", "bit-exact", "cycles=model"});
  out.flush();
}

void PrintLayerLine(std::ostream& out, const HardwareConfig& config, const LayerReport& r) {
  PrintRow(out, {r.layer.name, Int(r.layer.m), Int(r.layer.k), Int(r.layer.n), r.formats,
                 Int(r.unit), Int(r.tiles), Int(r.cycles), Int(r.model_cycles),
                 Fixed(100.0 * r.utilization, "%.1f%%"),
                 Fixed(static_cast<double>(r.cycles) / config.frequency_mhz, "%.1f"),
                 r.outputs_match() ? "PASS" : "FAIL", r.cycles_match() ? "yes" : "NO"});
  if (r.layer.repeat > 1) {
    out << "    x" << r.layer.repeat << ": occurs " << r.layer.repeat
        << " times in the model, simulated once, counted " << r.layer.repeat
        << " times in the total\n";
  }
  if (!r.outputs_match()) out << "    " << r.mismatches << " mismatches; " << r.detail << "\n";
  if (!r.cycles_match()) {
    out << "    cycles differ from the golden model by " << (r.cycles - r.model_cycles) << "\n";
  }
  out.flush();
}

void PrintReportTotal(std::ostream& out, const HardwareConfig& config,
                      const std::vector<LayerReport>& reports) {
  int64_t cycles = 0;
  int64_t model_cycles = 0;
  int64_t simulated = 0;  // each layer once
  double macs = 0;
  double wall = 0;
  bool all_pass = true;
  // A layer repeated in the model (GemmLayer::repeat) counts that many times.
  for (const LayerReport& r : reports) {
    const int64_t n = r.layer.repeat;
    cycles += n * r.cycles;
    model_cycles += n * r.model_cycles;
    simulated += r.cycles;
    macs += static_cast<double>(n) * r.layer.m * r.layer.n * r.layer.k;
    wall += r.wall_seconds;
    all_pass &= r.pass();
  }
  const double util =
      cycles > 0 ? macs / (static_cast<double>(config.rows) * config.cols * cycles) : 0.0;
  PrintRow(out, {"total", "", "", "", "", "", "", Int(cycles), Int(model_cycles),
                 Fixed(100.0 * util, "%.1f%%"),
                 Fixed(static_cast<double>(cycles) / config.frequency_mhz, "%.1f"),
                 all_pass ? "PASS" : "FAIL", cycles == model_cycles ? "yes" : "NO"});
  out << "simulated " << simulated << " cycles in " << Fixed(wall, "%.1f")
      << " s of RTL simulation (" << Fixed(wall > 0 ? simulated / wall : 0.0, "%.0f")
      << " cycles/s)\n";
}

}  // namespace mixpe
