// Analytical model of a layer on the core with DRAM, buffers and NoC; see memory_model.h and
// docs/memory-model.md.
#include "model/memory_model.h"

#include <algorithm>
#include <cassert>
#include <sstream>

#include "model/input_error.h"
#include "model/mixpe_array.h"

namespace mixpe {
namespace {

constexpr std::array<DataPart, kDataParts> kAllDataParts = {
    DataPart::kWeightCodes,           DataPart::kWeightScales,    DataPart::kZeroPoints,
    DataPart::kWeightTensorScale,     DataPart::kActivationCodes, DataPart::kActivationScales,
    DataPart::kActivationTensorScale, DataPart::kOutputs};

int64_t CeilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }
int64_t RoundUp(int64_t a, int64_t b) { return CeilDiv(a, b) * b; }

// The bits an SRAM access of `bytes` moves: whole words (a stream starts on a word boundary).
int64_t WordBits(const HardwareConfig& config, BufferKind kind, int64_t bytes) {
  return RoundUp(bytes * 8, config.memory.Buffer(kind).word_bits);
}

// What one array column (an output channel) and one array row (a token) carry, in bytes of the
// packed image, each row and column byte-aligned.
struct LayerSizes {
  std::vector<int64_t> weight_column;      // codes of output channel n
  std::vector<int64_t> zero_point_column;  // zero points of output channel n (0: symmetric)
  int64_t weight_scale_column = 0;         // scales of one output channel
  int64_t weight_tensor_scale = 0;         // NVFP4: one FP32
  int64_t activation_row = 0;              // codes of one token
  int64_t activation_scale_row = 0;        // scales of one token
  int64_t activation_tensor_scale = 0;     // NVFP4: one FP32
};

LayerSizes SizesOf(const LayerFormats& formats, const CoreSchedule& s,
                   const std::vector<uint8_t>& group_bits) {
  const WeightFormat& w = formats.weights;
  const int64_t group = w.GroupSizeFor(s.k);
  const int64_t groups = s.k / group;
  const int widest = w.element.bits;
  if (!group_bits.empty()) {
    if (static_cast<int64_t>(group_bits.size()) != s.n * groups) {
      throw InputError("layer " + s.layer + ": " + std::to_string(group_bits.size()) +
                       " weight group widths given, but N x K/G = " + std::to_string(s.n) + " x " +
                       std::to_string(groups) + " = " + std::to_string(s.n * groups) +
                       " groups of " + w.Name());
    }
    for (uint8_t b : group_bits) {
      if (b < 1 || b > widest) {
        throw InputError("layer " + s.layer + ": a weight group width of " + std::to_string(b) +
                         " bits, outside [1, " + std::to_string(widest) + "] of " + w.Name());
      }
    }
  }
  LayerSizes z;
  z.weight_column.resize(static_cast<size_t>(s.n));
  z.zero_point_column.resize(static_cast<size_t>(s.n));
  for (int64_t n = 0; n < s.n; ++n) {
    int64_t code_bits = 0;
    int64_t zero_bits = 0;
    for (int64_t g = 0; g < groups; ++g) {
      const int bits = group_bits.empty() ? widest : group_bits[n * groups + g];
      code_bits += group * bits;
      zero_bits += bits;
    }
    z.weight_column[n] = CeilDiv(code_bits, 8);
    z.zero_point_column[n] = w.asymmetric ? CeilDiv(zero_bits, 8) : 0;
  }
  z.weight_scale_column = groups * ScaleBytes(w.scale_type());
  z.weight_tensor_scale = w.family == WeightFamily::kNvFp4 ? 4 : 0;

  const ActivationFormat& a = formats.activations;
  z.activation_row = CeilDiv(s.k * a.element.bits, 8);
  switch (a.family) {
    case ActivationFamily::kInt8PerToken:
      z.activation_scale_row = 2;  // one FP16 scale per token
      break;
    case ActivationFamily::kFp16:
      z.activation_scale_row = 0;  // aligned per block inside the core: no stored scales
      break;
    case ActivationFamily::kMx:
    case ActivationFamily::kNvFp4:
      z.activation_scale_row = s.k / a.block_size * ScaleBytes(a.scale_type());
      break;
  }
  z.activation_tensor_scale = a.family == ActivationFamily::kNvFp4 ? 4 : 0;
  return z;
}

// The layer's data cut into DRAM segments: weight parts per N-tile, activation parts per M-tile,
// tensor scales once, outputs per tile. segment[part][i] is the payload of segment i.
struct Segments {
  std::array<std::vector<int64_t>, kDataParts> bytes;
  std::array<std::vector<int64_t>, kDataParts> address;
};

int Idx(DataPart p) { return static_cast<int>(p); }

// The segment of `part` that tile `t` uses.
int64_t SegmentOf(const CoreSchedule& s, DataPart part, int64_t t) {
  const ArrayTile& tile = s.tiles[t];
  switch (part) {
    case DataPart::kWeightCodes:
    case DataPart::kWeightScales:
    case DataPart::kZeroPoints:
      return tile.n0 / s.array_cols;
    case DataPart::kActivationCodes:
    case DataPart::kActivationScales:
      return tile.m0 / s.array_rows;
    case DataPart::kWeightTensorScale:
    case DataPart::kActivationTensorScale:
      return 0;
    case DataPart::kOutputs:
      return t;
  }
  return 0;
}

Segments LayOut(const DramConfig& dram, const CoreSchedule& s, const LayerSizes& z) {
  Segments seg;
  const int64_t n_tiles = CeilDiv(s.n, s.array_cols);
  const int64_t m_tiles = CeilDiv(s.m, s.array_rows);
  for (int64_t j = 0; j < n_tiles; ++j) {
    int64_t codes = 0;
    int64_t zeros = 0;
    for (int64_t n = j * s.array_cols; n < std::min(s.n, (j + 1) * s.array_cols); ++n) {
      codes += z.weight_column[n];
      zeros += z.zero_point_column[n];
    }
    const int64_t cols = std::min<int64_t>(s.array_cols, s.n - j * s.array_cols);
    seg.bytes[Idx(DataPart::kWeightCodes)].push_back(codes);
    seg.bytes[Idx(DataPart::kWeightScales)].push_back(cols * z.weight_scale_column);
    seg.bytes[Idx(DataPart::kZeroPoints)].push_back(zeros);
  }
  seg.bytes[Idx(DataPart::kWeightTensorScale)].push_back(z.weight_tensor_scale);
  for (int64_t i = 0; i < m_tiles; ++i) {
    const int64_t rows = std::min<int64_t>(s.array_rows, s.m - i * s.array_rows);
    seg.bytes[Idx(DataPart::kActivationCodes)].push_back(rows * z.activation_row);
    seg.bytes[Idx(DataPart::kActivationScales)].push_back(rows * z.activation_scale_row);
  }
  seg.bytes[Idx(DataPart::kActivationTensorScale)].push_back(z.activation_tensor_scale);
  for (const ArrayTile& tile : s.tiles) {
    seg.bytes[Idx(DataPart::kOutputs)].push_back(int64_t{tile.rows_used} * tile.cols_used * 4);
  }
  // Regions in DataPart order, each from a row boundary; segments on burst boundaries.
  int64_t cursor = 0;
  for (DataPart part : kAllDataParts) {
    cursor = RoundUp(cursor, dram.row_buffer_bytes);
    for (int64_t b : seg.bytes[Idx(part)]) {
      seg.address[Idx(part)].push_back(cursor);
      cursor += RoundUp(b, dram.burst_bytes);
    }
  }
  return seg;
}

// Which parts tile t loads: weights when its N-tile differs from the previous tile's (M-tiles
// outer, N-tiles inner: every tile unless there is one N-tile), activations when its M-tile
// does (once per M-tile), tensor scales with tile 0.
bool LoadsPart(const CoreSchedule& s, DataPart part, int64_t t) {
  if (part == DataPart::kOutputs) return false;
  if (t == 0) return true;
  if (part == DataPart::kWeightTensorScale || part == DataPart::kActivationTensorScale) {
    return false;
  }
  return SegmentOf(s, part, t) != SegmentOf(s, part, t - 1);
}

DramRequest Request(const Segments& seg, const DramConfig& dram, const CoreSchedule& s,
                    DataPart part, int64_t t) {
  const int64_t i = SegmentOf(s, part, t);
  DramRequest r;
  r.part = part;
  r.tile = t;
  r.write = part == DataPart::kOutputs;
  r.address = seg.address[Idx(part)][i];
  r.bytes = seg.bytes[Idx(part)][i];
  r.padded_bytes = RoundUp(r.bytes, dram.burst_bytes);
  return r;
}

std::vector<DramRequest> Loads(const Segments& seg, const DramConfig& dram, const CoreSchedule& s,
                               int64_t t) {
  std::vector<DramRequest> out;
  for (DataPart part : kAllDataParts) {
    if (!LoadsPart(s, part, t)) continue;
    DramRequest r = Request(seg, dram, s, part, t);
    if (r.bytes > 0) out.push_back(r);
  }
  return out;
}

std::array<int64_t, kBufferKinds> WorkingSet(const Segments& seg, const CoreSchedule& s,
                                             int64_t t) {
  std::array<int64_t, kBufferKinds> ws{};
  for (DataPart part : kAllDataParts) {
    ws[static_cast<int>(BufferOf(part))] += seg.bytes[Idx(part)][SegmentOf(s, part, t)];
  }
  return ws;
}

std::string WhatIsIn(BufferKind kind, const LayerFormats& f, const CoreSchedule& s,
                     const ArrayTile& tile) {
  std::ostringstream out;
  switch (kind) {
    case BufferKind::kWeights:
      out << tile.cols_used << " columns x K=" << s.k << " of " << f.weights.Name() << " at "
          << f.weights.element.bits << " bits";
      break;
    case BufferKind::kActivations:
      out << tile.rows_used << " rows x K=" << s.k << " of " << f.activations.Name() << " at "
          << f.activations.element.bits << " bits";
      break;
    case BufferKind::kOutputs:
      out << tile.rows_used << " x " << tile.cols_used << " FP32 outputs";
      break;
    case BufferKind::kScales:
      out << "scales and zero points of " << tile.cols_used << " columns of " << f.weights.Name()
          << " and " << tile.rows_used << " rows of " << f.activations.Name();
      break;
  }
  return out.str();
}

void CheckFit(const HardwareConfig& config, const LayerFormats& formats, const CoreSchedule& s,
              const Segments& seg) {
  for (int64_t t = 0; t < static_cast<int64_t>(s.tiles.size()); ++t) {
    const std::array<int64_t, kBufferKinds> ws = WorkingSet(seg, s, t);
    for (BufferKind kind : kAllBufferKinds) {
      const BufferConfig& b = config.memory.Buffer(kind);
      const int64_t need = ws[static_cast<int>(kind)];
      if (need <= b.HalfBytes()) continue;
      std::ostringstream msg;
      msg << "layer " << s.layer << ": tile " << t << " needs " << need
          << " bytes of memory.buffers." << BufferKindName(kind) << " ("
          << WhatIsIn(kind, formats, s, s.tiles[t]) << "), more than half of its " << b.capacity_kib
          << " KiB (" << b.HalfBytes() << " bytes: the buffer is double buffered) in "
          << config.source_file;
      throw InputError(msg.str());
    }
  }
}

void CheckSchedule(const HardwareConfig& config, const LayerFormats& formats,
                   const CoreSchedule& s) {
  assert(s.array_rows == config.rows && s.array_cols == config.cols &&
         "the schedule was made for another array");
  assert(s.unit == formats.unit && "the schedule was made with another reduction unit");
  assert(!s.tiles.empty() && "a schedule has at least one tile");
  (void)config;
  (void)formats;
  (void)s;
}

std::vector<NocPacket> PacketsOf(const HardwareConfig& config, const CoreSchedule& s,
                                 const LayerSizes& z, int64_t t) {
  const NocConfig& noc = config.noc;
  const bool bus = noc.topology == NocConfig::Topology::kBus;
  const int64_t mc = noc.mesh_columns;
  const int64_t mr = noc.mesh_rows;
  // The mesh row of array row r and the mesh column of array column c.
  auto y = [&](int64_t r) { return r * mr / config.rows; };
  auto x = [&](int64_t c) { return c * mc / config.cols; };
  const ArrayTile& tile = s.tiles[t];
  std::vector<NocPacket> packets;
  auto add = [&](DataPart part, int64_t index, int64_t bytes, int64_t mesh_links, bool inbound) {
    if (bytes == 0) return;
    NocPacket p;
    p.part = part;
    p.index = static_cast<int>(index);
    p.bytes = bytes;
    p.flits = CeilDiv(bytes, noc.link_bytes);
    p.links = bus ? 1 : mesh_links;
    p.inbound = inbound;
    packets.push_back(p);
  };
  for (int64_t r = 0; r < tile.rows_used; ++r) {
    // Multicast to every router of mesh row y(r): along row 0 to every column, then down each.
    add(DataPart::kActivationCodes, r, z.activation_row, (mc - 1) + mc * y(r), true);
    // To the row's side unit at the west edge, router (0, y(r)).
    add(DataPart::kActivationScales, r, z.activation_scale_row, y(r), true);
  }
  for (int64_t c = 0; c < tile.cols_used; ++c) {
    const int64_t n = tile.n0 + c;
    // Multicast to every router of mesh column x(c): along row 0, then down the column.
    add(DataPart::kWeightCodes, c, z.weight_column[n], x(c) + (mr - 1), true);
    // Scales and zero points to the column's dequantization unit at the north edge, (x(c), 0).
    add(DataPart::kWeightScales, c, z.weight_scale_column + z.zero_point_column[n], x(c), true);
  }
  for (int64_t c = 0; c < tile.cols_used; ++c) {
    // From the column's dequantization unit back to the buffers at (0, 0).
    add(DataPart::kOutputs, c, int64_t{tile.rows_used} * 4, x(c), false);
  }
  return packets;
}

}  // namespace

const char* DataPartName(DataPart part) {
  switch (part) {
    case DataPart::kWeightCodes:
      return "weight_codes";
    case DataPart::kWeightScales:
      return "weight_scales";
    case DataPart::kZeroPoints:
      return "zero_points";
    case DataPart::kWeightTensorScale:
      return "weight_tensor_scale";
    case DataPart::kActivationCodes:
      return "activation_codes";
    case DataPart::kActivationScales:
      return "activation_scales";
    case DataPart::kActivationTensorScale:
      return "activation_tensor_scale";
    case DataPart::kOutputs:
      return "outputs";
  }
  return "?";
}

BufferKind BufferOf(DataPart part) {
  switch (part) {
    case DataPart::kWeightCodes:
      return BufferKind::kWeights;
    case DataPart::kActivationCodes:
      return BufferKind::kActivations;
    case DataPart::kOutputs:
      return BufferKind::kOutputs;
    default:
      return BufferKind::kScales;
  }
}

DramTimer::DramTimer(const DramConfig& dram)
    : dram_(dram), open_row_(dram.banks, -1), activation_end_(dram.banks, 0) {}

int64_t DramTimer::Batch(const std::vector<DramRequest>& requests, int64_t start_cycle) {
  int64_t bus = start_cycle;  // the interface is free from here
  bool any = false;
  for (const DramRequest& r : requests) {
    const int64_t accepted = std::max(start_cycle, r.ready_cycle);
    for (int64_t a = r.address; a < r.address + r.padded_bytes; a += dram_.burst_bytes) {
      any = true;
      const int64_t row = a / dram_.row_buffer_bytes;
      const size_t bank = static_cast<size_t>(row % dram_.banks);
      int64_t command = std::max(accepted, activation_end_[bank]);
      if (open_row_[bank] != row) {
        command += dram_.row_miss_cycles;  // precharge and activate first
        activation_end_[bank] = command;
        open_row_[bank] = row;
        ++row_activations_;
      }
      bus = std::max(bus, command + dram_.latency_cycles) + dram_.BurstCycles();
    }
  }
  return any ? bus - start_cycle : 0;
}

EnergyBreakdown ComputeEnergy(const HardwareConfig& config, const MemoryEvents& ev,
                              int64_t cycles) {
  const EnergyTable& e = config.energy;
  EnergyBreakdown out;
  out.core_pj = static_cast<double>(ev.pe_active_cycles) * e.pe_active_cycle_pj.value +
                static_cast<double>(ev.pe_idle_cycles) * e.pe_idle_cycle_pj.value +
                static_cast<double>(ev.dequant_units) * e.dequant_unit_pj.value;
  for (BufferKind kind : kAllBufferKinds) {
    const int k = static_cast<int>(kind);
    out.buffers_pj +=
        static_cast<double>(ev.sram_read_bits[k]) * e.Sram(kind).read_pj_per_bit.value +
        static_cast<double>(ev.sram_write_bits[k]) * e.Sram(kind).write_pj_per_bit.value;
  }
  out.noc_pj =
      static_cast<double>(ev.noc_flit_hops) * config.noc.link_bytes * e.noc_byte_hop_pj.value;
  out.dram_pj = static_cast<double>(ev.dram_read_bytes) * 8 * e.dram_read_pj_per_bit.value +
                static_cast<double>(ev.dram_write_bytes) * 8 * e.dram_write_pj_per_bit.value;
  out.static_pj = static_cast<double>(cycles) * e.static_cycle_pj.value;
  return out;
}

void CheckBuffersFit(const HardwareConfig& config, const LayerFormats& formats,
                     const CoreSchedule& schedule, const std::vector<uint8_t>& weight_group_bits) {
  CheckSchedule(config, formats, schedule);
  const LayerSizes sizes = SizesOf(formats, schedule, weight_group_bits);
  CheckFit(config, formats, schedule, LayOut(config.memory.dram, schedule, sizes));
}

std::vector<NocPacket> TileNocPackets(const HardwareConfig& config, const LayerFormats& formats,
                                      const CoreSchedule& s, int64_t t,
                                      const std::vector<uint8_t>& weight_group_bits) {
  CheckSchedule(config, formats, s);
  assert(t >= 0 && t < static_cast<int64_t>(s.tiles.size()) && "no such tile");
  return PacketsOf(config, s, SizesOf(formats, s, weight_group_bits), t);
}

LayerMemoryPrediction PredictLayerMemory(const HardwareConfig& config, const LayerFormats& formats,
                                         const CoreSchedule& s,
                                         const std::vector<uint8_t>& weight_group_bits) {
  CheckSchedule(config, formats, s);
  const DramConfig& dram = config.memory.dram;
  const LayerSizes sizes = SizesOf(formats, s, weight_group_bits);
  const Segments seg = LayOut(dram, s, sizes);
  CheckFit(config, formats, s, seg);

  const int64_t tiles = static_cast<int64_t>(s.tiles.size());
  const MixpeArray array(config);
  LayerMemoryPrediction p;
  p.layer = s.layer;
  p.compute_cycles = array.CoreCycles(s.m, s.k, s.n, s.unit).cycles;
  const NocConfig& noc = config.noc;
  if (noc.topology == NocConfig::Topology::kBus) {
    p.noc_fill_cycles = noc.hop_latency_cycles;
    p.noc_drain_cycles = noc.hop_latency_cycles;
  } else {
    p.noc_fill_cycles =
        int64_t{noc.hop_latency_cycles} * (noc.mesh_columns - 1 + noc.mesh_rows - 1);
    p.noc_drain_cycles = int64_t{noc.hop_latency_cycles} * (noc.mesh_columns - 1);
  }

  // DRAM batches: loads of tile 0; in step t the loads of tile t+1, then the store of tile t-1;
  // the store of the last tile.
  p.dram_batches.push_back(Loads(seg, dram, s, 0));
  for (int64_t t = 0; t < tiles; ++t) {
    std::vector<DramRequest> batch;
    if (t + 1 < tiles) batch = Loads(seg, dram, s, t + 1);
    if (t >= 1) batch.push_back(Request(seg, dram, s, DataPart::kOutputs, t - 1));
    p.dram_batches.push_back(batch);
  }
  p.dram_batches.push_back({Request(seg, dram, s, DataPart::kOutputs, tiles - 1)});

  DramTimer timer(dram);
  MemoryEvents& ev = p.events;
  for (const std::vector<DramRequest>& batch : p.dram_batches) {
    for (const DramRequest& r : batch) {
      const BufferKind kind = BufferOf(r.part);
      const int k = static_cast<int>(kind);
      if (r.write) {
        ev.dram_write_bytes += r.padded_bytes;
        ev.dram_write_payload_bytes += r.bytes;
        ev.sram_read_bits[k] += WordBits(config, kind, r.bytes);  // the outputs leave the buffer
      } else {
        ev.dram_read_bytes += r.padded_bytes;
        ev.dram_read_payload_bytes += r.bytes;
        ev.sram_write_bits[k] += WordBits(config, kind, r.bytes);
      }
    }
  }

  const int64_t c = s.units_per_tile * s.unit_interval;
  p.prologue_cycles = timer.Batch(p.dram_batches[0], 0);
  int64_t b = p.prologue_cycles + p.noc_fill_cycles;
  int64_t last_output = 0;  // E: the last output of any tile in the output buffer
  int64_t last_dma = 0;     // the end of the last step's batch
  for (int64_t t = 0; t < tiles; ++t) {
    const ArrayTile& tile = s.tiles[t];
    TileMemory tm;
    tm.start_cycle = b;
    tm.working_set_bytes = WorkingSet(seg, s, t);
    for (const DramRequest& r : Loads(seg, dram, s, t)) tm.load_bytes += r.bytes;
    tm.store_bytes = seg.bytes[Idx(DataPart::kOutputs)][t];
    tm.compute_cycles = c;
    int64_t inbound = 0;
    int64_t outbound = 0;
    for (const NocPacket& packet : PacketsOf(config, s, sizes, t)) {
      (packet.inbound ? inbound : outbound) += packet.flits;
      ev.noc_flits += packet.flits;
      ev.noc_flit_hops += packet.flits * packet.links;
      const BufferKind kind = BufferOf(packet.part);
      // The core reads its operands out of the buffers and writes its outputs in.
      (packet.inbound ? ev.sram_read_bits : ev.sram_write_bits)[static_cast<int>(kind)] +=
          WordBits(config, kind, packet.bytes);
    }
    tm.noc_cycles = noc.topology == NocConfig::Topology::kBus ? inbound + outbound
                                                              : std::max(inbound, outbound);
    const int64_t stretched = std::max(c, tm.noc_cycles);
    // The tile's last FP32 output: its own core latency (CoreCycles of the tile alone), later by
    // what the NoC stretches its units, then the NoC's way back to the output buffer.
    const int64_t own = array.CoreCycles(tile.rows_used, s.k, tile.cols_used, s.unit).cycles;
    tm.output_done_cycle = b + stretched - c + own + p.noc_drain_cycles;
    last_output = std::max(last_output, tm.output_done_cycle);
    p.tiles.push_back(tm);
    // Step t's batch: the loads of tile t+1, then the store of tile t-1 once its outputs are in.
    for (DramRequest& r : p.dram_batches[t + 1]) {
      if (r.write) r.ready_cycle = p.tiles[r.tile].output_done_cycle;
    }
    TileMemory& cur = p.tiles.back();
    cur.dram_cycles = timer.Batch(p.dram_batches[t + 1], b);
    cur.step_cycles = std::max(stretched, cur.dram_cycles);
    if (t + 1 < tiles) {
      b += cur.step_cycles;
    } else {
      last_dma = b + cur.dram_cycles;
    }
  }
  const int64_t epilogue_start = std::max(last_output, last_dma);
  p.dram_batches.back()[0].ready_cycle = p.tiles.back().output_done_cycle;
  p.epilogue_cycles = timer.Batch(p.dram_batches.back(), epilogue_start);
  p.cycles = epilogue_start + p.epilogue_cycles;
  ev.dram_row_activations = timer.row_activations();

  ev.pe_active_cycles = s.m * s.n * s.k;
  ev.pe_idle_cycles = int64_t{config.rows} * config.cols * p.cycles - ev.pe_active_cycles;
  ev.dequant_units = s.m * s.n * (s.k / s.unit);
  p.energy = ComputeEnergy(config, ev, p.cycles);
  return p;
}

std::string FormatMemoryPrediction(const LayerMemoryPrediction& p) {
  std::ostringstream out;
  out << "memory " << p.layer << " cycles=" << p.cycles << " compute=" << p.compute_cycles
      << " prologue=" << p.prologue_cycles << " epilogue=" << p.epilogue_cycles
      << " noc_fill=" << p.noc_fill_cycles << " noc_drain=" << p.noc_drain_cycles
      << " tiles=" << p.tiles.size() << "\n";
  for (size_t t = 0; t < p.tiles.size(); ++t) {
    const TileMemory& tm = p.tiles[t];
    out << "tile " << t << " start=" << tm.start_cycle << " load=" << tm.load_bytes
        << " store=" << tm.store_bytes << " compute=" << tm.compute_cycles
        << " noc=" << tm.noc_cycles << " dram=" << tm.dram_cycles << " step=" << tm.step_cycles
        << "\n";
  }
  const MemoryEvents& ev = p.events;
  out << "dram read=" << ev.dram_read_bytes << " (payload " << ev.dram_read_payload_bytes
      << ") write=" << ev.dram_write_bytes << " (payload " << ev.dram_write_payload_bytes
      << ") row_activations=" << ev.dram_row_activations << "\n";
  for (BufferKind kind : kAllBufferKinds) {
    out << "sram " << BufferKindName(kind)
        << " read_bits=" << ev.sram_read_bits[static_cast<int>(kind)]
        << " write_bits=" << ev.sram_write_bits[static_cast<int>(kind)] << "\n";
  }
  out << "noc flits=" << ev.noc_flits << " flit_hops=" << ev.noc_flit_hops << "\n";
  out << "core pe_active=" << ev.pe_active_cycles << " pe_idle=" << ev.pe_idle_cycles
      << " dequant_units=" << ev.dequant_units << "\n";
  const EnergyBreakdown& e = p.energy;
  out << "energy_pj core=" << e.core_pj << " buffers=" << e.buffers_pj << " noc=" << e.noc_pj
      << " dram=" << e.dram_pj << " static=" << e.static_pj << " total=" << e.TotalPj() << "\n";
  return out.str();
}

}  // namespace mixpe
