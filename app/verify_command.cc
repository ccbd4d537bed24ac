// mixpe verify: the random regression of the RTL core (docs/verify.md).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "Vmixpe_core_main.h"
#include "app/command_util.h"
#include "app/commands.h"
#include "model/input_error.h"
#include "sim/regression.h"

namespace mixpe {
// Random regression of the RTL core against the golden model (docs/verify.md).
int Verify(const std::string& config_path, uint64_t seed, int count) {
  const HardwareConfig config = LoadHardwareConfig(config_path);
  CheckConfigMatchesBuild(config);
  MakeRandomCase(config, seed);  // a config with no runnable format pair fails here
  std::printf("mixpe verify: %d random cases from seed %llu on %s (%s) from %s\n", count,
              static_cast<unsigned long long>(seed), config.name.c_str(),
              ShortDescription(config).c_str(), config_path.c_str());
  VerilatedCore<Vmixpe_core_main> core(config.rows, config.cols, config.weight_bits);
  ProgressBar bar("verify");
  const RegressionResult result = RunRegression(
      core, config, seed, count, [&](int done, int total) { bar.Update(done, total); });
  for (const RegressionFailure& f : result.failures) std::printf("%s\n", FormatFailure(f).c_str());
  if (result.failed > static_cast<int64_t>(result.failures.size())) {
    std::printf("... and %lld more failures\n",
                static_cast<long long>(result.failed - result.failures.size()));
  }
  std::printf("%s", FormatCoverage(result.coverage, config).c_str());
  std::printf(
      "%lld passed, %lld failed; %lld cycles simulated in %.1f s (%.0f cycles/s on the core)\n",
      static_cast<long long>(result.passed), static_cast<long long>(result.failed),
      static_cast<long long>(result.simulated_cycles), result.wall_seconds,
      result.core_seconds > 0 ? result.simulated_cycles / result.core_seconds : 0.0);
  return result.pass() ? 0 : 1;
}

}  // namespace mixpe
