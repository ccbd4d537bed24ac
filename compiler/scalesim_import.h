// Imports SCALE-Sim's inputs: a topology CSV becomes a layer trace, a hardware .cfg a mixpe
// hardware YAML. docs/import.md maps every SCALE-Sim field and lists what is refused and assumed.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "compiler/layer_trace.h"

namespace mixpe {

// What SCALE-Sim's files do not say.
struct ScaleSimImportOptions {
  // Format names for every imported layer (docs/numerics.md, sections 3 and 4); empty: the
  // hardware config's default, its first listed. Checked to be known format names.
  std::string weights;
  std::string activations;
  uint64_t seed = 1;  // the trace's seed, 0..2^62
};

// Reads a SCALE-Sim topology CSV: a header line, then one layer a line. A GEMM topology (header
// "Layer, M, N, K": N before K) gives linear layers (m = M, k = K, n = N); a convolution topology
// (header "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels,
// Num Filter, Strides") gives `conv:` layers with batch 1 and no padding. The header decides the
// kind (its column count when its names are not SCALE-Sim's). Tolerated: blank lines, '#'
// comments (whole-line or trailing), a trailing comma or none, spaces and tabs around fields,
// CRLF line ends and a UTF-8 byte order mark. Names are made usable and unique (letters, digits,
// '_', '.', '-'). Everything SCALE-Sim computes differently from the written shape is made
// explicit, each in one line of `notes` (if given): a stride that leaves a partial window (the
// input is extended to the output size SCALE-Sim counts), a depthwise ("DP") layer, a renamed
// layer. Throws InputError naming the file, the line, the column and what was expected: an
// unreadable file, no header or no layers, a wrong column count, a field that is not an integer
// or is outside [1, 2^20], a non-square filter, unequal strides, a sparse layer, a filter larger
// than its input, or a lowered GEMM beyond the trace's limits (docs/trace-format.md).
LayerTrace ImportScaleSimTopology(const std::string& csv_path, const ScaleSimImportOptions& options,
                                  std::vector<std::string>* notes = nullptr);

// The trace as YAML in the schema of traces/*.yaml (one flow mapping per layer), which
// LoadLayerTrace reads back to the same layers. It starts with a comment naming the topology it
// was imported from (trace.source_file), then one comment line per note.
std::string ScaleSimTraceYaml(const LayerTrace& trace, const std::vector<std::string>& notes = {});

// A mixpe hardware YAML from a SCALE-Sim .cfg and a base config (e.g. configs/default.yaml): the
// base with array.rows and array.cols from ArrayHeight and ArrayWidth, the capacities of the
// weights, activations and outputs buffers from FilterSramSzkB, IfmapSramSzkB and OfmapSramSzkB,
// and memory.dram.bandwidth_bytes_per_cycle from Bandwidth (InterfaceBandwidth: USER; one
// SCALE-Sim word is one byte, rounded down to a power of two). Banks are changed only where the
// base's no longer give whole words or the buffer's rate; the DRAM burst only where it becomes
// shorter than a cycle's transfer; mesh routers only where there are more than PEs. The text
// starts with a comment saying what came from where, what was changed and what was ignored, and
// loads with LoadHardwareConfig (checked before it is returned). The energy table's path is
// written relative to the directory of `output_path` (where the caller will write the text), or
// absolute if `output_path` is empty. Throws InputError naming the file, the line or key and what
// was expected: an unreadable or malformed .cfg, a missing section or key, a value that is not an
// integer or is out of mixpe's range, a Dataflow other than os (mixpe's array is output
// stationary), an InterfaceBandwidth other than CALC or USER, a buffer size that cannot be split
// into banks wide enough for the array, or a base config that does not load.
std::string ImportScaleSimConfig(const std::string& cfg_path, const std::string& base_yaml_path,
                                 const std::string& output_path = "");

}  // namespace mixpe
