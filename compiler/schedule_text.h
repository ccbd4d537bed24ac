// A layer's complete schedule as text: the core schedule (compiler/gemm_schedule.h) and the memory
// layout (model/memory_layout.h) that the co-simulation's controller (sim/cosim/layer_controller.h)
// and the analytical memory model (model/memory_model.h) execute together. The text is versioned,
// one field or one segment, region, output channel or tile a line, and parses back to the same
// schedule, so a schedule the compiler made can be saved, read, edited and run.
// docs/schedule-format.md specifies the format and every check of the parser.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "compiler/gemm_schedule.h"
#include "compiler/layer_trace.h"
#include "model/hardware_config.h"
#include "model/memory_layout.h"

namespace mixpe {

// The version the first line names ("mixpe-schedule 1"); the parser reads this version only.
inline constexpr int kScheduleFormatVersion = 1;

// Where a parsed schedule came from, for the messages of CheckScheduleAgainstConfig: the name the
// text was parsed under and the line of every field, keyed as the messages name the fields
// ("unit", "image_bytes", "part=weight_codes segment=1", "buffer=scales", "tile=3", ...). Empty for
// a schedule made by MakeLayerSchedule.
struct ScheduleSource {
  std::string name;
  std::map<std::string, int> lines;
};

struct LayerSchedule {
  PeDesign design = PeDesign::kMixpe;  // the core's (pe.design): it decides the scales' layout
  std::string weights_format;          // as WeightFormat::Name() prints it
  std::string activations_format;      // as ActivationFormat::Name() prints it
  CoreSchedule core;
  MemoryLayout layout;
  ScheduleSource source;  // not part of the schedule: where it was read from
};

// The schedule the compiler makes for `layer` on `config`: its formats (ResolveLayerFormats), its
// tiles by `plan` (TileCoreGemm; the layer's own loop_order field is not read, the caller
// decides) and its layout (LayOutMemory) with the widths of mixed-precision weight groups, N x K/G
// in output-channel order, or none (every group at the format's widest width). Throws InputError
// as those do, and if group widths are given for a format that is not mixed-precision (intmix) or
// name a width the format does not have.
LayerSchedule MakeLayerSchedule(const HardwareConfig& config, const GemmLayer& layer,
                                const TilePlan& plan, const std::vector<uint8_t>& group_bits = {});
inline LayerSchedule MakeLayerSchedule(const HardwareConfig& config, const GemmLayer& layer,
                                       LoopOrder order = LoopOrder::kMOuter,
                                       const std::vector<uint8_t>& group_bits = {}) {
  return MakeLayerSchedule(config, layer, TilePlan{order, 1, 1}, group_bits);
}

// The text of `schedule`, ending in a newline. Throws InputError if the layer's name cannot be
// written on one line (empty, a line break, or blanks at either end).
std::string WriteSchedule(const LayerSchedule& schedule);

// Parses the text WriteSchedule writes, comments and blank lines ignored. `source_name` (a file
// name) starts every message. Checks every number and every count against the layer section and
// re-derives the sizes the file states from the layer's formats (docs/schedule-format.md,
// "Checks"); throws InputError naming the source, the line and what was expected on the first
// violation. What depends on a hardware config (the unit spacing, addresses, regions, the tiles'
// order) is only checked to be consistent here: CheckScheduleAgainstConfig compares it.
LayerSchedule ParseSchedule(const std::string& text, const std::string& source_name);

// Re-derives the schedule from `config` and the layer section (MakeLayerSchedule with the
// schedule's loop order and group widths) and throws InputError naming the first field that
// differs: the layer's formats and unit, then the array and unit spacing, the tiles, the DRAM
// segments and the buffer regions, in that order, so that an edited tile is named before the
// output segments it moves. Then CheckBuffersFit: the regions must fit half of every buffer.
void CheckScheduleAgainstConfig(const LayerSchedule& schedule, const HardwareConfig& config);

// Throws InputError naming the schedule's file, line and field if the schedule is not for `layer`
// (a trace layer, with its formats resolved on the config): its name, M, K, N and both formats.
void CheckScheduleMatchesLayer(const LayerSchedule& schedule, const GemmLayer& layer,
                               const LayerFormats& formats);

}  // namespace mixpe
