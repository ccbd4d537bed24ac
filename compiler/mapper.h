// The mapper: for a layer on a hardware config, the schedule with the least cycles, energy or
// energy-delay product, by the analytical memory model (model/memory_model.h). Its space is the
// tile plan (compiler/gemm_schedule.h, TilePlan): the loop order of the core's output tiles and
// the blocks of M-tiles and N-tiles a buffer half holds. A layer that names its loop order or a
// block in the trace keeps it, and the rest is searched. docs/mapper.md describes the search and
// measures it against the exhaustive one.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "compiler/gemm_schedule.h"
#include "compiler/layer_trace.h"
#include "model/hardware_config.h"
#include "model/memory_model.h"

namespace mixpe {

enum class MapObjective { kCycles, kEnergy, kEnergyDelay };
// "cycles", "energy", "edp".
const char* MapObjectiveName(MapObjective objective);
// Throws InputError naming `what` on any other name.
MapObjective ParseMapObjective(const std::string& name, const std::string& what);

// How the mapper searches the blocks, for each loop order the layer allows:
//   kGuided: the reuse block (block_m_tiles M-outer, block_n_tiles N-outer: the one that divides
//     the traffic of the operand that is reloaded) over 1, 2, 4, ... and the largest that fits
//     the buffers, the other block 1; then, from the best, the other block over the same values.
//     About 4 log2(tiles) candidates per order.
//   kExhaustive: every block_m_tiles x block_n_tiles up to the layer's tiles that fits (for a
//     given block_n_tiles, block_m_tiles grows until the buffers overflow). The reference the
//     guided search is measured against; quadratic in the tiles.
// Then splits of K (TilePlan::k_chunks, blocks of 1 x 1), for layers whose whole-K operands do not
// fit a buffer half and for those whose first load a split shortens: guided, the fewest chunks
// that fit (and, where whole K does not fit, the next counts from twice and four times as many);
// exhaustive, every count that cuts K into whole units.
enum class MapSearch { kGuided, kExhaustive };

struct MapCandidate {
  TilePlan plan;
  int64_t cycles = 0;
  double energy_pj = 0;
  std::string rejected;  // why the candidate cannot run (a buffer it overflows); empty if it can
  double Cost(MapObjective objective) const;
};

struct MappedLayer {
  CoreSchedule schedule;                 // the chosen one
  LayerMemoryPrediction prediction;      // its analytical cycles, events and energy
  std::vector<MapCandidate> candidates;  // every one evaluated, in search order
};

// Maps `layer` (formats from ResolveLayerFormats). Ties keep the earlier candidate (M-outer
// first, smaller blocks first, whole K first). A layer's k_chunks, like its blocks, is kept.
// Throws InputError naming the trace key if a block the layer gives exceeds its tiles, and if no
// candidate fits the buffers, with the reason of the smallest (1 x 1 blocks, or the layer's own,
// in the first loop order) and of the split of K with the most chunks tried.
MappedLayer MapLayer(const HardwareConfig& config, const GemmLayer& layer,
                     const LayerFormats& formats, MapObjective objective,
                     const std::vector<uint8_t>& weight_group_bits = {},
                     MapSearch search = MapSearch::kGuided);

}  // namespace mixpe
