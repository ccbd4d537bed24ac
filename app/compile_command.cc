// mixpe compile: the schedule of every layer (docs/schedule-format.md).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include "app/command_util.h"
#include "app/commands.h"
#include "compiler/mapper.h"
#include "compiler/schedule_text.h"
#include "model/input_error.h"

namespace mixpe {
// Prints (or writes to `out_dir`, one <layer>.schedule file each) the schedule the compiler and
// the mapper make for every selected layer (docs/schedule-format.md).
int Compile(const std::string& config_path, const std::string& trace_path,
            const std::vector<std::string>& only_layers, MapObjective objective,
            const std::string& out_dir) {
  const HardwareConfig config = LoadHardwareConfig(config_path);
  const LayerTrace trace = LoadLayerTrace(trace_path);
  CheckLayerNames(trace, only_layers);
  // Every schedule is made before any is written, so bad input leaves no files behind.
  std::vector<std::pair<std::string, std::string>> texts;
  for (const GemmLayer& layer : trace.layers) {
    if (!Selected(layer, only_layers)) continue;
    if (!out_dir.empty() && layer.name.find_first_of(std::string("/\0", 2)) != std::string::npos) {
      throw InputError(trace.source_file + ": layers[" + std::to_string(layer.index) + "].name: '" +
                       layer.name +
                       "' cannot name a file <layer>.schedule in --output-dir: expected a name "
                       "without '/' (or a NUL character)");
    }
    const LayerFormats formats = ResolveLayerFormats(layer, config);
    const MappedLayer mapped = MapLayer(config, layer, formats, objective);
    const LayerSchedule schedule = MakeLayerSchedule(config, layer, mapped.schedule.plan());
    texts.emplace_back(layer.name, WriteSchedule(schedule));
  }
  if (out_dir.empty()) {
    for (const auto& [name, text] : texts) std::cout << text << "\n";
    return 0;
  }
  // Each file appears only once all are written.
  std::vector<std::unique_ptr<OutputFile>> files;
  for (const auto& [name, text] : texts) {
    files.push_back(std::make_unique<OutputFile>(out_dir + "/" + name + ".schedule", "--output-dir",
                                                 "the schedule of layer " + name));
    files.back()->Write(text);
  }
  for (const auto& file : files) {
    file->Commit();
    std::cout << "wrote " << file->path() << "\n";
  }
  return 0;
}

}  // namespace mixpe
