// Fuzz target: a layer's schedule text (ParseSchedule, compiler/schedule_text.h), then checked
// against four hardware configs (MixPE and baseline designs); a schedule that parses must write
// back (WriteSchedule) to the same text after a second parse.
#include <cstddef>
#include <cstdint>
#include <string>

#include "compiler/schedule_text.h"
#include "fuzz/parser_contract.h"
#include "model/hardware_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace mixpe;
  static const std::string kName = "fuzz.schedule";
  // The configs the seeds were made on (fuzz/schedule_seeds.cc), so that the comparison with a
  // config gets past the array size.
  static const HardwareConfig kConfigs[] = {
      LoadHardwareConfig(MIXPE_SOURCE_DIR "/configs/default.yaml"),
      LoadHardwareConfig(MIXPE_SOURCE_DIR "/tests/configs/array_4x4_w4.yaml"),
      LoadHardwareConfig(MIXPE_SOURCE_DIR "/tests/configs/array_4x4_int8mac.yaml"),
      LoadHardwareConfig(MIXPE_SOURCE_DIR "/tests/configs/array_4x4_fp16mac.yaml")};
  LayerSchedule schedule;
  const bool parsed = fuzz::ParsesOrRefuses(
      kName, [&] { schedule = ParseSchedule(fuzz::AsText(data, size), kName); });
  if (!parsed) return 0;
  for (const HardwareConfig& config : kConfigs) {
    fuzz::ParsesOrRefuses(kName, [&] { CheckScheduleAgainstConfig(schedule, config); });
  }
  fuzz::MustSucceed("the round trip through WriteSchedule", [&] {
    const std::string written = WriteSchedule(schedule);
    const std::string again = WriteSchedule(ParseSchedule(written, kName));
    if (again != written) {
      fuzz::ContractViolated("the schedule reads back different:\n" + written + "\nvs\n" + again);
    }
  });
  return 0;
}
