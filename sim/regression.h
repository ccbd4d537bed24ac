// Random regression of the RTL core against the golden model (`mixpe verify`, docs/verify.md):
// cases drawn from a seed alone (formats, shape, loop order, real operands with injected edge
// values), each run through the core and checked bit for bit and cycle for cycle, and a functional
// coverage of what the quantized tensors actually held.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "compiler/layer_trace.h"
#include "model/gemm_operands.h"
#include "model/hardware_config.h"
#include "sim/layer_report.h"
#include "sim/verilated_core.h"

namespace mixpe {

// One random case. Everything follows from `seed` and the config's format lists.
struct RegressionCase {
  uint64_t seed = 0;
  GemmLayer layer;        // random M, K, N, formats (names as the config lists them), loop order
  std::string edge;       // the edge-value pattern injected (docs/verify.md), or "" for none
  RealGemmOperands real;  // the real operands, edge values written in, before quantization
};

// The edge-value patterns, in the order a seed picks them; "" (none) is the first.
const std::vector<std::string>& EdgePatterns();

// The case of `seed` on `config`: a weight and an activation format from the config's lists that
// resolve together; K a multiple of the pair's blocks (1 to 8 reduction units, up to K = 256 or
// the largest the pair's unit allows); M and N from 1 to 3x the array's rows and cols (a quarter
// of them whole tiles); m_outer or n_outer. Any run of pairs x patterns consecutive seeds visits
// every runnable pair with every pattern once. Portable: std::mt19937_64 and PortableNormal only.
// Throws InputError if no pair of the config runs.
RegressionCase MakeRandomCase(const HardwareConfig& config, uint64_t seed);

// The case's quantized tensors (and the core's split of them), by MakeLayerData.
LayerData MakeCaseData(const HardwareConfig& config, const RegressionCase& c);

// FNV-1a over the case's shape, format names, loop order, pattern and every quantized value
// (codes, scale codes, zero points, group widths, row and tensor scales): equal on every platform
// for the same seed and config.
uint64_t CaseFingerprint(const RegressionCase& c, const LayerData& data);

// "int4_g128 x fp16 M=5 K=256 N=9 n_outer edge=zeros"
std::string DescribeCase(const RegressionCase& c);

// Functional coverage: for each bin, the number of cases that hit it. Bins are grouped in
// sections ("format pairs", "weights int4_g128_asym", ...); docs/verify.md lists them.
struct Coverage {
  int64_t cases = 0;
  std::map<std::string, std::map<std::string, int64_t>> hits;  // section -> bin -> cases

  int64_t Count(const std::string& section, const std::string& bin) const;
};

struct CoverageBin {
  std::string section;
  std::string bin;
};

// The bins a run on `config` should hit, in report order. Values no quantizer produces (MXINT's
// unused most negative code) are not bins.
std::vector<CoverageBin> CoverageBins(const HardwareConfig& config);

// Adds one case: its formats, shape and pattern, and the edge values present in its quantized
// tensors (not the ones intended).
void AddToCoverage(const HardwareConfig& config, const RegressionCase& c, const LayerData& data,
                   Coverage* coverage);

// Every bin with its count, section by section, bins never hit marked, then the list of bins
// not hit and the share hit. Bins hit but not in CoverageBins (e.g. a unit only some K give)
// are listed too, and do not count in the share.
std::string FormatCoverage(const Coverage& coverage, const HardwareConfig& config);

struct RegressionFailure {
  uint64_t seed = 0;
  std::string description;  // DescribeCase
  std::string detail;       // mismatches, cycle difference, or why the case did not run
  std::string reproduce;    // "mixpe verify --seed <s> --count 1 --config <file>"
};

// One line: "FAIL seed 17: <description>: <detail>; reproduce: <command>".
std::string FormatFailure(const RegressionFailure& failure);

struct RegressionResult {
  int64_t passed = 0;
  int64_t failed = 0;
  std::vector<RegressionFailure> failures;  // the first kMaxListedFailures, in seed order
  Coverage coverage;
  int64_t simulated_cycles = 0;
  double core_seconds = 0;  // RTL simulation only
  double wall_seconds = 0;  // the whole run: generation, simulation, checks, coverage

  static constexpr int kMaxListedFailures = 20;
  bool pass() const { return failed == 0; }
};

// Records one checked case: passed or failed (outputs or cycles differ from the golden model's),
// its simulated cycles and time, and its coverage. RunRegression calls it for every case.
void RecordCase(const HardwareConfig& config, const RegressionCase& c, const LayerData& data,
                const LayerReport& report, RegressionResult* result);
// Records a case that could not run: its data does not fit the core (`message` says why).
void RecordCaseError(const HardwareConfig& config, const RegressionCase& c,
                     const std::string& message, RegressionResult* result);

// Runs cases first_seed .. first_seed + count - 1 through `core` alone (RunLayer): every FP32
// output against MpGemm bit for bit, the cycles against the closed form. A case whose data the
// core cannot take (InputError) counts as failed. `progress` (if set) is called with (cases done,
// count) after each case.
template <class VCore>
RegressionResult RunRegression(VerilatedCore<VCore>& core, const HardwareConfig& config,
                               uint64_t first_seed, int count,
                               const std::function<void(int, int)>& progress);

}  // namespace mixpe

#include "sim/regression_impl.h"
