// Analytical model of a layer on the core with DRAM, buffers and NoC; see memory_model.h and
// docs/memory-model.md.
#include "model/memory_model.h"

#include <algorithm>
#include <cassert>
#include <map>
#include <sstream>
#include <tuple>
#include <utility>

#include "model/input_error.h"
#include "model/mixpe_array.h"

namespace mixpe {
namespace {

int64_t CeilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }
int64_t RoundUp(int64_t a, int64_t b) { return CeilDiv(a, b) * b; }

// The bits `bytes` of a load or a store move through a buffer: its whole words, as a segment
// sits in its region from the region's (word-aligned) start.
int64_t WordBits(const HardwareConfig& config, BufferKind kind, int64_t bytes) {
  return RoundUp(bytes * 8, config.memory.Buffer(kind).word_bits);
}

int64_t WordBytes(const HardwareConfig& config, DataPart part) {
  return config.memory.Buffer(BufferOf(part)).word_bits / 8;
}

DramRequest Request(const MemoryLayout& seg, const DramConfig& dram, const CoreSchedule& s,
                    DataPart part, int64_t step) {
  const int64_t i = SegmentOf(s, part, step);
  DramRequest r;
  r.part = part;
  r.step = step;
  r.write = part == DataPart::kOutputs;
  r.address = seg.segment_address[PartIndex(part)][i];
  r.bytes = seg.segment_bytes[PartIndex(part)][i];
  r.padded_bytes = RoundUp(r.bytes, dram.burst_bytes);
  return r;
}

std::vector<DramRequest> Loads(const MemoryLayout& seg, const DramConfig& dram,
                               const CoreSchedule& s, int64_t step) {
  std::vector<DramRequest> out;
  for (DataPart part : kAllDataParts) {
    if (!LoadsPart(s, part, step)) continue;
    DramRequest r = Request(seg, dram, s, part, step);
    if (r.bytes > 0) out.push_back(r);
  }
  return out;
}

// "K=4096", or "a chunk of 1024 of K=4096" when K is split.
std::string KText(const CoreSchedule& s) {
  if (s.k_chunks == 1) return "K=" + std::to_string(s.k);
  return "a chunk of " + std::to_string(s.chunk_k()) + " of K=" + std::to_string(s.k);
}

// What the region of `part` in a buffer half is for: the largest segment's share of the part.
std::string RegionOf(DataPart part, const LayerFormats& f, const CoreSchedule& s,
                     const MemoryLayout& layout) {
  const ArrayTile& largest = s.tiles[0];  // the first tile has the most rows and columns
  // The first block has the most columns and rows.
  const int64_t block_cols = std::min<int64_t>(s.n, s.block_n_tiles * s.array_cols);
  const int64_t block_rows = std::min<int64_t>(s.m, s.block_m_tiles * s.array_rows);
  std::ostringstream out;
  switch (part) {
    case DataPart::kWeightCodes:
      out << "weight codes (" << block_cols << " columns x " << KText(s) << " of "
          << f.weights.Name() << " at ";
      if (layout.group_bits.empty()) {
        out << f.weights.element.bits << " bits";
      } else {
        out << "their groups' widths, at most " << f.weights.element.bits << " bits";
      }
      break;
    case DataPart::kWeightScales:
      out << "weight scales (" << block_cols << " columns x " << layout.groups_per_chunk()
          << " groups of " << f.weights.Name();
      break;
    case DataPart::kZeroPoints:
      out << "zero points (" << block_cols << " columns x " << layout.groups_per_chunk()
          << " groups of " << f.weights.Name();
      break;
    case DataPart::kWeightTensorScale:
      out << "the weight tensor scale (" << f.weights.Name();
      break;
    case DataPart::kActivationCodes:
      out << "activation codes (" << block_rows << " rows x " << KText(s) << " of "
          << f.activations.Name() << " at " << f.activations.element.bits << " bits";
      break;
    case DataPart::kActivationScales:
      out << "activation scales (" << block_rows << " rows of " << f.activations.Name();
      break;
    case DataPart::kActivationTensorScale:
      out << "the activation tensor scale (" << f.activations.Name();
      break;
    case DataPart::kOutputs:
      out << "outputs (" << largest.rows_used << " x " << largest.cols_used << " FP32";
      break;
  }
  return out.str();
}

// Every buffer half holds one region per part at MemoryLayout::buffer_offset, so a layer fits if
// the regions together fit half of each buffer.
void CheckFit(const HardwareConfig& config, const LayerFormats& formats, const CoreSchedule& s,
              const MemoryLayout& layout) {
  for (BufferKind kind : kAllBufferKinds) {
    const BufferConfig& b = config.memory.Buffer(kind);
    const int64_t need = layout.buffer_bytes[static_cast<int>(kind)];
    if (need <= b.HalfBytes()) continue;
    const int64_t word_bytes = b.word_bits / 8;
    std::vector<std::string> regions;
    for (DataPart part : kAllDataParts) {
      if (BufferOf(part) != kind) continue;
      const std::vector<int64_t>& segments = layout.segment_bytes[PartIndex(part)];
      const int64_t bytes =
          RoundUp(*std::max_element(segments.begin(), segments.end()), word_bytes);
      if (bytes == 0) continue;
      regions.push_back(RegionOf(part, formats, s, layout) + ": " + std::to_string(bytes) +
                        " bytes)");
    }
    std::ostringstream msg;
    msg << "layer " << s.layer << " needs " << need << " bytes of memory.buffers."
        << BufferKindName(kind) << " in " << config.source_file << " for ";
    for (size_t i = 0; i < regions.size(); ++i) {
      msg << (i == 0 ? "" : i + 1 == regions.size() ? " and " : ", ") << regions[i];
    }
    msg << ", each part in whole " << word_bytes << "-byte words: more than half of its "
        << b.capacity_kib << " KiB (" << b.HalfBytes() << " bytes: the buffer is double buffered)";
    throw InputError(msg.str());
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

// One row's or column's stream of `part` in a step: the bytes each of its units takes
// (UnitSlice), and the buffer words the reader fetches. The reader keeps the word it read last in
// a register and reads each word that any of the stream's slices touch exactly once over the
// step: the distinct words of the slices' union. Another stream touching the same word reads it
// again.
struct Stream {
  std::vector<int64_t> unit_bytes;
  int64_t words = 0;
};

Stream StreamOf(const HardwareConfig& config, const MemoryLayout& layout, const CoreSchedule& s,
                DataPart part, int64_t step, int index) {
  const int64_t word_bytes = WordBytes(config, part);
  const int64_t base = layout.buffer_offset[PartIndex(part)];  // the region in the buffer half
  const int64_t t = s.TileOfStep(step);
  const int64_t first_unit = s.ChunkOfStep(step) * s.units_per_step();
  Stream stream;
  stream.unit_bytes.resize(static_cast<size_t>(s.units_per_step()));
  std::vector<std::pair<int64_t, int64_t>> spans;  // the first and last word of each slice
  for (int64_t i = 0; i < s.units_per_step(); ++i) {
    const ByteRange slice = UnitSlice(layout, s, part, t, index, first_unit + i);
    stream.unit_bytes[i] = slice.bytes();
    if (slice.bytes() > 0) {
      spans.emplace_back((base + slice.begin) / word_bytes, (base + slice.end - 1) / word_bytes);
    }
  }
  // The units' slices follow each other in the buffer, so this sort keeps their order; words up
  // to `read` have been counted.
  std::sort(spans.begin(), spans.end());
  int64_t read = -1;
  for (const auto& [first, last] : spans) {
    if (last > read) stream.words += last - std::max(first, read + 1) + 1;
    read = std::max(read, last);
  }
  return stream;
}

// What the core side of a step moves: its NoC packets in order (docs/memory-model.md, "NoC")
// and the words it reads from each buffer.
struct StepTraffic {
  std::vector<NocPacket> packets;  // if asked for
  std::array<int64_t, kBufferKinds> read_words{};
  // Sums over the packets.
  int64_t inbound_flits = 0;
  int64_t outbound_flits = 0;
  int64_t flit_hops = 0;
  int64_t first_unit_flits = 0;  // of unit 0's packets
};

StepTraffic TrafficOf(const HardwareConfig& config, const MemoryLayout& layout,
                      const CoreSchedule& s, int64_t step, bool keep_packets) {
  const NocConfig& noc = config.noc;
  const bool bus = noc.topology == NocConfig::Topology::kBus;
  const int64_t mc = noc.mesh_columns;
  const int64_t mr = noc.mesh_rows;
  // The mesh row of array row r and the mesh column of array column c.
  auto y = [&](int64_t r) { return r * mr / config.rows; };
  auto x = [&](int64_t c) { return c * mc / config.cols; };
  const ArrayTile& tile = s.tiles[s.TileOfStep(step)];
  const int64_t first_unit = s.ChunkOfStep(step) * s.units_per_step();
  StepTraffic traffic;

  // Every stream's unit slices, and the words it reads.
  constexpr std::array<DataPart, 2> kRowParts = {DataPart::kActivationCodes,
                                                 DataPart::kActivationScales};
  constexpr std::array<DataPart, 3> kColumnParts = {DataPart::kWeightCodes, DataPart::kWeightScales,
                                                    DataPart::kZeroPoints};
  // Every row of activations has the same bytes, and so does every column of weights with
  // uniform widths: two such streams whose starts differ by whole buffer words take the same
  // bytes per unit and read as many words (their spans only shift), so each is made once per
  // part and start within a word. A column of mixed-precision groups has its own bytes.
  const bool uniform_columns = layout.group_bits.empty();
  std::map<std::tuple<DataPart, int64_t, int>, Stream> made;
  auto stream = [&](DataPart part, int index, bool uniform) -> const Stream& {
    const int64_t start = StreamStart(layout, s, part, s.TileOfStep(step), index);
    const auto key = uniform ? std::make_tuple(part, start % WordBytes(config, part), -1)
                             : std::make_tuple(part, int64_t{0}, index);
    auto it = made.find(key);
    if (it == made.end())
      it = made.emplace(key, StreamOf(config, layout, s, part, step, index)).first;
    return it->second;
  };
  std::vector<std::array<const Stream*, 2>> rows(static_cast<size_t>(tile.rows_used));
  std::vector<std::array<const Stream*, 3>> columns(static_cast<size_t>(tile.cols_used));
  for (int r = 0; r < tile.rows_used; ++r) {
    for (size_t i = 0; i < kRowParts.size(); ++i) {
      rows[r][i] = &stream(kRowParts[i], r, true);
      traffic.read_words[static_cast<int>(BufferOf(kRowParts[i]))] += rows[r][i]->words;
    }
  }
  for (int c = 0; c < tile.cols_used; ++c) {
    for (size_t i = 0; i < kColumnParts.size(); ++i) {
      columns[c][i] = &stream(kColumnParts[i], c, uniform_columns);
      traffic.read_words[static_cast<int>(BufferOf(kColumnParts[i]))] += columns[c][i]->words;
    }
  }

  auto add = [&](DataPart part, int index, int64_t unit, int64_t bytes, int64_t mesh_links,
                 bool inbound) {
    NocPacket p;
    p.part = part;
    p.index = index;
    p.unit = unit;
    p.bytes = bytes;
    p.flits = std::max<int64_t>(1, CeilDiv(bytes, noc.link_bytes));
    p.links = bus ? 1 : mesh_links;
    p.inbound = inbound;
    (p.inbound ? traffic.inbound_flits : traffic.outbound_flits) += p.flits;
    traffic.flit_hops += p.flits * p.links;
    if (p.unit == first_unit) traffic.first_unit_flits += p.flits;
    if (keep_packets) traffic.packets.push_back(p);
  };
  for (int64_t i = 0; i < s.units_per_step(); ++i) {
    const int64_t u = first_unit + i;
    for (int r = 0; r < tile.rows_used; ++r) {
      // Multicast to every router of mesh row y(r): along row 0 to every column, then down each.
      add(DataPart::kActivationCodes, r, u, rows[r][0]->unit_bytes[i] + rows[r][1]->unit_bytes[i],
          (mc - 1) + mc * y(r), true);
    }
    for (int c = 0; c < tile.cols_used; ++c) {
      // Multicast to every router of mesh column x(c): along row 0, then down the column.
      add(DataPart::kWeightCodes, c, u,
          columns[c][0]->unit_bytes[i] + columns[c][1]->unit_bytes[i] +
              columns[c][2]->unit_bytes[i],
          x(c) + (mr - 1), true);
    }
  }
  if (!StoresOutputs(s, step)) return traffic;
  for (int c = 0; c < tile.cols_used; ++c) {
    // From the column's dequantization unit at the north edge, (x(c), 0), back to the buffers.
    add(DataPart::kOutputs, c, -1, int64_t{tile.rows_used} * 4, x(c), false);
  }
  return traffic;
}

// TrafficOf for every step of a schedule, computed once per distinct step: a step's traffic
// depends only on its tile's shape, where its rows' and columns' streams start in the buffer
// words, and whether it is its tile's first chunk (the token scales) or last (the outputs).
// Every row of activations has the same bytes, and so does every column of weights with
// uniform widths: a stream then starts at (place in its block + index) x those bytes, so two
// steps whose first stream starts at the same offset within a buffer word, part by part, read
// the same number of words, and each unit the same bytes (StreamOf: the spans only shift by
// whole words). Keying on those offsets rather than on the place itself makes the steps of a
// block of many tiles one entry. With mixed-precision groups a column's bytes are its own, so
// the key holds the column itself.
class TrafficCache {
 public:
  TrafficCache(const HardwareConfig& config, const MemoryLayout& layout, const CoreSchedule& s)
      : config_(config), layout_(layout), s_(s) {}

  const StepTraffic& Of(int64_t step) {
    const ArrayTile& tile = s_.tiles[s_.TileOfStep(step)];
    const LayerSizes& z = layout_.sizes;
    // The offset within its buffer's word of a stream that starts `bytes` into its region.
    auto in_word = [&](DataPart part, int64_t bytes) { return bytes % WordBytes(config_, part); };
    const int64_t row = tile.m0 - s_.MBlockOf(tile.m0) * s_.block_m_tiles * s_.array_rows;
    const int64_t column = tile.n0 - s_.NBlockOf(tile.n0) * s_.block_n_tiles * s_.array_cols;
    const bool uniform = layout_.group_bits.empty();
    const int64_t chunk = s_.ChunkOfStep(step);
    const int64_t place = (chunk == 0 ? 1 : 0) + (chunk == s_.k_chunks - 1 ? 2 : 0);
    const std::array<int64_t, 8> key = {
        tile.rows_used,
        tile.cols_used,
        place,
        in_word(DataPart::kActivationCodes, row * z.activation_row),
        in_word(DataPart::kActivationScales, row * z.activation_scale_row),
        uniform ? in_word(DataPart::kWeightCodes, column * z.weight_column[tile.n0]) : tile.n0,
        uniform ? in_word(DataPart::kWeightScales, column * z.weight_scale_column) : 0,
        uniform ? in_word(DataPart::kZeroPoints, column * z.zero_point_column[tile.n0]) : 0};
    auto it = cache_.find(key);
    if (it == cache_.end())
      it = cache_.emplace(key, TrafficOf(config_, layout_, s_, step, false)).first;
    return it->second;
  }

 private:
  const HardwareConfig& config_;
  const MemoryLayout& layout_;
  const CoreSchedule& s_;
  std::map<std::array<int64_t, 8>, StepTraffic> cache_;
};

}  // namespace

DramTimer::DramTimer(const DramConfig& dram)
    : dram_(dram), open_row_(dram.banks, -1), activation_end_(dram.banks, 0) {}

int64_t DramTimer::Batch(const std::vector<DramRequest>& requests, int64_t start_cycle) {
  int64_t bus = start_cycle;  // the interface is free from here
  bool any = false;
  for (const DramRequest& r : requests) {
    const int64_t accepted = std::max(start_cycle, r.ready_cycle);
    // The request's bursts row by row: within a row all go to one bank, the first may activate
    // the row, and all get their column command at the same cycle, so the interface takes them
    // back to back from the first one's data.
    const int64_t end = r.address + r.padded_bytes;
    for (int64_t a = r.address; a < end;) {
      any = true;
      const int64_t row = a / dram_.row_buffer_bytes;
      const int64_t row_end = std::min(end, (row + 1) * dram_.row_buffer_bytes);
      const int64_t bursts = (row_end - a + dram_.burst_bytes - 1) / dram_.burst_bytes;
      const size_t bank = static_cast<size_t>(row % dram_.banks);
      int64_t command = std::max(accepted, activation_end_[bank]);
      if (open_row_[bank] != row) {
        command += dram_.row_miss_cycles;  // precharge and activate first
        activation_end_[bank] = command;
        open_row_[bank] = row;
        ++row_activations_;
      }
      bus = std::max(bus, command + dram_.latency_cycles) + bursts * dram_.BurstCycles();
      a += bursts * dram_.burst_bytes;
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
                static_cast<double>(ev.dequant_units) * e.dequant_unit_pj.value +
                static_cast<double>(ev.dequant_elements) * e.dequant_element_pj.value;
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
  CheckFit(config, formats, schedule, LayOutMemory(config, formats, schedule, weight_group_bits));
}

std::vector<NocPacket> StepNocPackets(const HardwareConfig& config, const LayerFormats& formats,
                                      const CoreSchedule& s, int64_t step,
                                      const std::vector<uint8_t>& weight_group_bits) {
  CheckSchedule(config, formats, s);
  assert(step >= 0 && step < s.steps() && "no such step");
  return TrafficOf(config, LayOutMemory(config, formats, s, weight_group_bits), s, step, true)
      .packets;
}

LayerMemoryPrediction PredictLayerMemory(const HardwareConfig& config, const LayerFormats& formats,
                                         const CoreSchedule& s,
                                         const std::vector<uint8_t>& weight_group_bits) {
  CheckSchedule(config, formats, s);
  const DramConfig& dram = config.memory.dram;
  const MemoryLayout seg = LayOutMemory(config, formats, s, weight_group_bits);
  CheckFit(config, formats, s, seg);

  const int64_t steps = s.steps();
  const MixpeArray array(config);
  LayerMemoryPrediction p;
  p.layer = s.layer;
  p.compute_cycles = CoreScheduleCycles(s);
  const NocConfig& noc = config.noc;
  if (noc.topology == NocConfig::Topology::kBus) {
    p.noc_fill_cycles = noc.hop_latency_cycles;
    p.noc_drain_cycles = noc.hop_latency_cycles;
  } else {
    p.noc_fill_cycles =
        int64_t{noc.hop_latency_cycles} * (noc.mesh_columns - 1 + noc.mesh_rows - 1);
    p.noc_drain_cycles = int64_t{noc.hop_latency_cycles} * (noc.mesh_columns - 1);
  }

  // DRAM batches: loads of step 0; in step i the loads of step i+1, then, if step i is its
  // tile's first, the store of the tile before; the store of the last tile.
  p.dram_batches.reserve(static_cast<size_t>(steps) + 2);
  p.steps.reserve(static_cast<size_t>(steps));
  p.dram_batches.push_back(Loads(seg, dram, s, 0));
  for (int64_t i = 0; i < steps; ++i) {
    std::vector<DramRequest> batch;
    if (i + 1 < steps) batch = Loads(seg, dram, s, i + 1);
    const int64_t t = s.TileOfStep(i);
    if (s.ChunkOfStep(i) == 0 && t >= 1) {
      batch.push_back(Request(seg, dram, s, DataPart::kOutputs, s.LastStepOf(t - 1)));
    }
    p.dram_batches.push_back(batch);
  }
  p.dram_batches.push_back({Request(seg, dram, s, DataPart::kOutputs, steps - 1)});

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
  // The tensor scales go from the scale buffer into registers of the dequantization units once,
  // before step 0's first unit: a read of each word they occupy. They never cross the NoC.
  for (DataPart part : {DataPart::kWeightTensorScale, DataPart::kActivationTensorScale}) {
    const BufferKind kind = BufferOf(part);
    ev.sram_read_bits[static_cast<int>(kind)] +=
        WordBits(config, kind, seg.segment_bytes[PartIndex(part)][0]);
  }

  const int64_t c = s.units_per_step() * s.unit_interval;
  const int64_t tile_compute = s.units_per_tile * s.unit_interval;
  p.prologue_cycles = timer.Batch(p.dram_batches[0], 0);
  // Step 0's first unit waits for its packets: they follow the loads onto the NoC.
  TrafficCache traffic_of(config, seg, s);
  p.noc_first_unit_cycles = CeilDiv(traffic_of.Of(0).first_unit_flits,
                                    noc.topology == NocConfig::Topology::kBus ? noc.lanes : 1);
  int64_t b = p.prologue_cycles + p.noc_first_unit_cycles + p.noc_fill_cycles;
  int64_t last_output = 0;  // E: the last output of any tile in the output buffer
  int64_t last_dma = 0;     // the end of the last step's batch
  for (int64_t i = 0; i < steps; ++i) {
    const ArrayTile& tile = s.tiles[s.TileOfStep(i)];
    const bool stores = StoresOutputs(s, i);
    const StepTraffic& traffic = traffic_of.Of(i);
    StepMemory sm;
    sm.start_cycle = b;
    sm.working_set_bytes = WorkingSet(seg, s, i);
    // The step's loads are the reads of the batch that runs before it (made above).
    for (const DramRequest& r : p.dram_batches[i]) {
      if (!r.write) sm.load_bytes += r.bytes;
    }
    sm.store_bytes = stores ? seg.segment_bytes[PartIndex(DataPart::kOutputs)][s.TileOfStep(i)] : 0;
    sm.compute_cycles = c;
    // The core reads its operands out of the buffers and writes each FP32 output as one word.
    for (BufferKind kind : kAllBufferKinds) {
      ev.sram_read_bits[static_cast<int>(kind)] +=
          traffic.read_words[static_cast<int>(kind)] * config.memory.Buffer(kind).word_bits;
    }
    if (stores) {
      ev.sram_write_bits[static_cast<int>(BufferKind::kOutputs)] +=
          int64_t{tile.rows_used} * tile.cols_used *
          config.memory.Buffer(BufferKind::kOutputs).word_bits;
    }
    const int64_t inbound = traffic.inbound_flits;
    const int64_t outbound = traffic.outbound_flits;
    ev.noc_flits += inbound + outbound;
    ev.noc_flit_hops += traffic.flit_hops;
    sm.noc_cycles = noc.topology == NocConfig::Topology::kBus
                        ? CeilDiv(inbound + outbound, noc.lanes)
                        : std::max(inbound, outbound);
    const int64_t stretched = std::max(c, sm.noc_cycles);
    if (stores) {
      // The tile's last FP32 output: its own core latency (CoreCycles of the tile alone) after
      // its units, which the NoC may stretch, then the NoC's way back to the output buffer.
      const int64_t own = array.CoreCycles(tile.rows_used, s.k, tile.cols_used, s.unit).cycles;
      sm.output_done_cycle = b + stretched + (own - tile_compute) + p.noc_drain_cycles;
      last_output = std::max(last_output, sm.output_done_cycle);
    }
    p.steps.push_back(sm);
    // Step i's batch: the loads of step i+1, then the store of the tile before once its outputs
    // are in.
    for (DramRequest& r : p.dram_batches[i + 1]) {
      if (r.write) r.ready_cycle = p.steps[r.step].output_done_cycle;
    }
    StepMemory& cur = p.steps.back();
    cur.dram_cycles = timer.Batch(p.dram_batches[i + 1], b);
    cur.step_cycles = std::max(stretched, cur.dram_cycles);
    if (i + 1 < steps) {
      b += cur.step_cycles;
    } else {
      last_dma = b + cur.dram_cycles;
    }
  }
  const int64_t epilogue_start = std::max(last_output, last_dma);
  p.dram_batches.back()[0].ready_cycle = p.steps.back().output_done_cycle;
  p.epilogue_cycles = timer.Batch(p.dram_batches.back(), epilogue_start);
  p.cycles = epilogue_start + p.epilogue_cycles;
  ev.dram_row_activations = timer.row_activations();

  // The PEs are busy while their units stream: unit_cycles per unit and output.
  ev.pe_active_cycles = s.m * s.n * s.units_per_tile * s.unit_cycles;
  const int64_t pes = int64_t{config.rows} * config.cols;
  switch (config.design) {
    case PeDesign::kMixpe:
      ev.dequant_units = s.m * s.n * s.units_per_tile;
      break;
    case PeDesign::kInt8Mac:
    case PeDesign::kFp16Mac:
      // Every weight, each time it enters the array: the K weights of each used column of each
      // tile. The INT8 core then scales each output once (per channel and per token).
      for (const ArrayTile& tile : s.tiles) ev.dequant_elements += s.k * tile.cols_used;
      if (config.design == PeDesign::kInt8Mac) ev.dequant_units = s.m * s.n;
      break;
    case PeDesign::kBitFusion:
    case PeDesign::kAnt: {
      // The reference's assumption: dequantization is an extra GEMM of M x K x N/8 MACs on the
      // same array, its operands on chip, at full utilization, after the layer.
      const int64_t macs = s.m * s.k * ((s.n + 7) / 8);
      const int64_t busy = ThroughputOf(config).StreamCycles(macs);
      p.dequant_gemm_cycles = (busy + pes - 1) / pes;
      p.cycles += p.dequant_gemm_cycles;
      ev.pe_active_cycles += busy;
      break;
    }
  }
  ev.pe_idle_cycles = pes * p.cycles - ev.pe_active_cycles;
  p.energy = ComputeEnergy(config, ev, p.cycles);
  p.roofline = RooflineOf(config, seg);
  return p;
}

RooflineBound RooflineOf(const HardwareConfig& config, const MemoryLayout& layout) {
  RooflineBound b;
  const int64_t pes = int64_t{config.rows} * config.cols;
  b.compute_cycles =
      CeilDiv(ThroughputOf(config).StreamCycles(layout.m * layout.n * layout.k), pes);
  for (DataPart part : kAllDataParts) {
    for (int64_t bytes : layout.segment_bytes[PartIndex(part)]) b.compulsory_bytes += bytes;
  }
  b.memory_cycles = CeilDiv(b.compulsory_bytes, config.memory.dram.bandwidth_bytes_per_cycle);
  return b;
}

std::string FormatMemoryPrediction(const LayerMemoryPrediction& p) {
  std::ostringstream out;
  out << "memory " << p.layer << " cycles=" << p.cycles << " compute=" << p.compute_cycles
      << " prologue=" << p.prologue_cycles << " epilogue=" << p.epilogue_cycles
      << " noc_fill=" << p.noc_fill_cycles << " noc_drain=" << p.noc_drain_cycles
      << " noc_first_unit=" << p.noc_first_unit_cycles << " steps=" << p.steps.size() << "\n";
  for (size_t i = 0; i < p.steps.size(); ++i) {
    const StepMemory& tm = p.steps[i];
    out << "step " << i << " start=" << tm.start_cycle << " load=" << tm.load_bytes
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
      << " dequant_units=" << ev.dequant_units;
  if (ev.dequant_elements > 0) out << " dequant_elements=" << ev.dequant_elements;
  if (p.dequant_gemm_cycles > 0) out << " dequant_gemm_cycles=" << p.dequant_gemm_cycles;
  out << "\n";
  const EnergyBreakdown& e = p.energy;
  out << "energy_pj core=" << e.core_pj << " buffers=" << e.buffers_pj << " noc=" << e.noc_pj
      << " dram=" << e.dram_pj << " static=" << e.static_pj << " total=" << e.TotalPj() << "\n";
  return out.str();
}

}  // namespace mixpe
