// Template part of layer_controller.h.
#pragma once

#include <cstring>

#include "model/input_error.h"

namespace mixpe {

namespace cosim_detail {

inline int64_t CeilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

// Bursts of `bytes` from `address`: what crosses the DRAM interface.
inline int64_t BurstBytes(int64_t address, int64_t bytes, int64_t burst) {
  return (CeilDiv(address + bytes, burst) - address / burst) * burst;
}

// An easily recognised value on ports no unit has filled yet: a unit that starts before its
// operands arrive computes with these, and its outputs differ from the golden model's.
inline void Poison(CoreOperands* ops, const CoreWidths& widths) {
  uint32_t x = 0x9E3779B9u;
  auto next = [&x]() {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return x;
  };
  const uint32_t act_mask = (1u << widths.activation_bits) - 1u;
  const uint32_t wgt_mask = (1u << widths.weight_bits) - 1u;
  for (uint32_t& c : ops->activation_codes) c = next() & act_mask;
  for (uint32_t& c : ops->weight_codes) c = next() & wgt_mask;
  for (CoreScale& s : ops->activation_scales) s = CoreScale{3, 5, false};
  for (CoreScale& s : ops->weight_scales) s = CoreScale{5, -3, false};
  for (uint32_t& r : ops->row_scale_bits) r = 0x7FC00001u;  // a NaN no golden output has
}

}  // namespace cosim_detail

template <class VCore>
LayerController<VCore>::LayerController(const HardwareConfig& config, const LayerFormats& formats,
                                        const CoreSchedule& schedule, const MemoryLayout& layout,
                                        CosimMemory memory, VerilatedCore<VCore>* core,
                                        const CosimOptions& options)
    : config_(config),
      formats_(formats),
      schedule_(schedule),
      layout_(layout),
      memory_(memory),
      core_(core),
      options_(options) {
  using cosim_detail::CeilDiv;
  const int64_t tiles = static_cast<int64_t>(schedule.tiles.size());
  const int64_t steps = schedule.steps();
  for (int bits : {layout.activation_bits, layout.weight_bits}) {
    if (int64_t{layout.unit} * bits % 8 != 0) {
      throw InputError("layer " + schedule.layer + ": a unit of " + std::to_string(layout.unit) +
                       " elements at " + std::to_string(bits) +
                       " bits is not whole bytes; the co-simulation sends units as bytes");
    }
  }

  // The core's ports, filled unit by unit by the decoder.
  CoreWidths widths;
  widths.activation_bits = config.activation_bits;
  widths.weight_bits = config.weight_bits;
  operands_.m = layout.m;
  operands_.k = layout.k;
  operands_.n = layout.n;
  operands_.unit = layout.unit;
  operands_.weight_fp4 = formats.weights.element.is_float;
  const int64_t units = layout.k / layout.unit;
  operands_.activation_codes.resize(static_cast<size_t>(layout.m * layout.k));
  operands_.weight_codes.resize(static_cast<size_t>(layout.n * layout.k));
  operands_.activation_scales.resize(static_cast<size_t>(layout.m * units));
  operands_.weight_scales.resize(static_cast<size_t>(layout.n * units));
  operands_.zero_points.assign(static_cast<size_t>(layout.n * units), 0);
  operands_.design = config.design;
  // Poisoned like the rest (cosim_detail::Poison): a unit that starts before its group values
  // arrive computes with these and misses the golden outputs.
  if (config.design == PeDesign::kInt8Mac) {
    operands_.weight_multipliers.assign(static_cast<size_t>(layout.n * units), 13);
  }
  if (config.design == PeDesign::kFp16Mac) {
    operands_.weight_scale_fp16.assign(static_cast<size_t>(layout.n * units), 0x5A5Au);
  }
  operands_.row_scale_bits.resize(static_cast<size_t>(layout.m));
  cosim_detail::Poison(&operands_, widths);
  decoder_ = std::make_unique<EdgeDecoder>(formats, layout, widths, &operands_);

  // NoC nodes (docs/memory-model.md, "NoC"): array row r belongs to mesh row y(r), column c to
  // mesh column x(c); a bus has one node.
  const NocCore& noc = *memory.noc;
  const int mc = noc.params().mesh_columns;
  const int mr = noc.params().mesh_rows;
  row_nodes_.resize(static_cast<size_t>(config.rows));
  for (int r = 0; r < config.rows; ++r) {
    const int y = r * mr / config.rows;
    for (int x = 0; x < mc; ++x) row_nodes_[r].push_back(noc.NodeAt(x, y));
  }
  column_nodes_.resize(static_cast<size_t>(config.cols));
  for (int c = 0; c < config.cols; ++c) {
    const int x = c * mc / config.cols;
    for (int y = 0; y < mr; ++y) column_nodes_[c].push_back(noc.NodeAt(x, y));
    column_source_.push_back(noc.NodeAt(x, 0));
  }

  int64_t widest_word = 0;
  for (const SramCore* b : memory.buffers)
    widest_word = std::max<int64_t>(widest_word, b->word_bytes());
  chunk_bytes_ = std::max(config.memory.dram.row_buffer_bytes, widest_word);
  chunks_left_.assign(static_cast<size_t>(steps), 0);
  loads_enqueued_.assign(static_cast<size_t>(steps), false);
  store_chunks_left_.assign(static_cast<size_t>(tiles), 0);
  outputs_written_.assign(static_cast<size_t>(tiles), 0);
  unit_packets_left_.assign(static_cast<size_t>(TotalUnits()), -1);
  held_word_.assign(static_cast<size_t>(2 * config.rows + 3 * config.cols), -1);
  held_data_.assign(held_word_.size(), {});

  dram_start_ = memory.dram->counters();
  for (int b = 0; b < kBufferKinds; ++b) sram_start_[b] = memory.buffers[b]->counters();
  noc_start_ = noc.counters();
  start_cycle_ = Now();
  last_progress_ = Now();
  core_->Begin(schedule, operands_);
  EnqueueLoads(0);
}

template <class VCore>
int64_t LayerController<VCore>::OutputHalfWords() const {
  return memory_.buffers[static_cast<int>(BufferKind::kOutputs)]->words_per_half() / 2;
}

template <class VCore>
bool LayerController<VCore>::Cycle() {
  if (done_ || !error_.empty()) return false;
  try {
    ConsumeDram();
    ConsumeNoc();
    WriteChunks();
    WriteOutputs();
    RunDma();
    AdvanceStep();
    LoadTensorScales();
    PrepareUnit();
    ReadUnit();
    ClockCore();
    CheckWatchdog();
  } catch (const std::exception& e) {
    Fail(std::string("co-simulation of layer ") + schedule_.layer + ": " + e.what());
  }
  return !done_ && error_.empty();
}

template <class VCore>
void LayerController<VCore>::EnqueueLoads(int64_t step) {
  for (DataPart part : kAllDataParts) {
    if (!LoadsPart(schedule_, part, step)) continue;
    const int64_t segment = SegmentOf(schedule_, part, step);
    const int64_t bytes = layout_.segment_bytes[PartIndex(part)][segment];
    if (bytes == 0) continue;
    DmaOp op;
    op.owner = step;
    op.part = part;
    op.address = layout_.segment_address[PartIndex(part)][segment];
    op.bytes = bytes;
    program_.push_back(op);
    chunks_left_[step] += cosim_detail::CeilDiv(bytes, chunk_bytes_);
  }
  loads_enqueued_[step] = true;
}

template <class VCore>
void LayerController<VCore>::EnqueueStore(int64_t tile) {
  DmaOp op;
  op.store = true;
  op.owner = tile;
  op.part = DataPart::kOutputs;
  op.address = layout_.segment_address[PartIndex(DataPart::kOutputs)][tile];
  op.bytes = layout_.segment_bytes[PartIndex(DataPart::kOutputs)][tile];
  program_.push_back(op);
  store_chunks_left_[tile] = cosim_detail::CeilDiv(op.bytes, chunk_bytes_);
}

template <class VCore>
void LayerController<VCore>::ConsumeDram() {
  DramCore& dram = *memory_.dram;
  while (dram.HasCompletion()) {
    DramCompletion done = dram.PopCompletion();
    const auto it = chunks_.find(done.tag);
    const Chunk chunk = it->second;
    chunks_.erase(it);
    Progress();
    if (chunk.store) {
      if (--store_chunks_left_[chunk.owner] == 0) ++stores_done_;
      if (stores_done_ == static_cast<int64_t>(schedule_.tiles.size())) {
        done_ = true;
        end_cycle_ = Now();
      }
      continue;
    }
    const BufferKind kind = BufferOf(chunk.part);
    SramCore& buffer = Buffer(kind);
    const int word = buffer.word_bytes();
    ChunkWrite w;
    w.step = chunk.owner;
    w.buffer = kind;
    w.half = buffer.WriteHalf();
    w.first_word = (layout_.buffer_offset[PartIndex(chunk.part)] + chunk.offset) / word;
    w.data = std::move(done.data);
    w.data.resize(static_cast<size_t>(cosim_detail::CeilDiv(w.data.size(), word) * word), 0);
    chunk_writes_.push_back(std::move(w));
  }
}

template <class VCore>
void LayerController<VCore>::WriteChunks() {
  for (auto it = chunk_writes_.begin(); it != chunk_writes_.end();) {
    SramCore& buffer = Buffer(it->buffer);
    const int word = buffer.word_bytes();
    const int64_t words = static_cast<int64_t>(it->data.size()) / word;
    while (it->next < words &&
           buffer.Write(it->half, it->first_word + it->next, &it->data[it->next * word])) {
      ++it->next;
      Progress();
    }
    if (it->next == words) {
      --chunks_left_[it->step];
      it = chunk_writes_.erase(it);
    } else {
      ++it;
    }
  }
}

template <class VCore>
void LayerController<VCore>::RunDma() {
  DramCore& dram = *memory_.dram;
  const int64_t burst = config_.memory.dram.burst_bytes;
  while (!program_.empty()) {
    DmaOp& op = program_.front();
    if (op.store) {
      const ArrayTile& tile = schedule_.tiles[op.owner];
      if (outputs_written_[op.owner] < int64_t{tile.rows_used} * tile.cols_used) return;
      if (!op.read_out) {
        // Read the tile's outputs out of their half, word by word.
        SramCore& out = Buffer(BufferKind::kOutputs);
        const int word = out.word_bytes();
        const int64_t words = cosim_detail::CeilDiv(op.bytes, word);
        const int64_t base = (op.owner % 2) * OutputHalfWords();
        op.data.resize(static_cast<size_t>(words * word));
        while (op.words_read < words &&
               out.Read(0, base + op.words_read, &op.data[op.words_read * word])) {
          ++op.words_read;
          Progress();
        }
        if (op.words_read < words) return;
        op.data.resize(static_cast<size_t>(op.bytes));
        op.read_out = true;
        output_half_tile_[op.owner % 2] = -1;  // the half is free for tile + 2
      }
    }
    while (op.issued < op.bytes) {
      if (dram.QueueFull()) {
        ++stalls_.dram_queue_full;
        return;
      }
      const int64_t length = std::min(chunk_bytes_, op.bytes - op.issued);
      const uint64_t tag = next_chunk_tag_++;
      const int64_t address = op.address + op.issued;
      if (op.store) {
        std::vector<uint8_t> data(op.data.begin() + op.issued,
                                  op.data.begin() + op.issued + length);
        dram.Write(address, std::move(data), tag);
        dram_write_bytes_ += cosim_detail::BurstBytes(address, length, burst);
      } else {
        dram.Read(address, length, tag);
        dram_read_bytes_ += cosim_detail::BurstBytes(address, length, burst);
      }
      chunks_[tag] = Chunk{op.store, op.owner, op.part, op.issued};
      op.issued += length;
      Progress();
    }
    program_.pop_front();
  }
}

template <class VCore>
void LayerController<VCore>::AdvanceStep() {
  const int64_t steps = schedule_.steps();
  const int64_t next = current_step_ + 1;
  if (next > steps || unit_reading_) return;
  if (next_unit_ < next * UnitsOfStep()) return;  // the current step still reads its halves
  if (next == steps) {
    EnqueueStore(static_cast<int64_t>(schedule_.tiles.size()) - 1);
    current_step_ = steps;
    return;
  }
  if (!loads_enqueued_[next] || chunks_left_[next] > 0) return;
  // The next tile's data is in the write halves: swap each buffer it loaded.
  std::array<bool, kBufferKinds> loaded{};
  for (DataPart part : kAllDataParts) {
    if (!LoadsPart(schedule_, part, next)) continue;
    if (layout_.segment_bytes[PartIndex(part)][SegmentOf(schedule_, part, next)] == 0) continue;
    loaded[static_cast<int>(BufferOf(part))] = true;
  }
  for (BufferKind kind : {BufferKind::kWeights, BufferKind::kActivations, BufferKind::kScales}) {
    if (loaded[static_cast<int>(kind)]) Buffer(kind).Swap();
  }
  current_step_ = next;
  std::fill(held_word_.begin(), held_word_.end(), -1);
  if (next + 1 < steps) EnqueueLoads(next + 1);
  const int64_t tile = schedule_.TileOfStep(next);
  if (schedule_.ChunkOfStep(next) == 0 && tile >= 1) EnqueueStore(tile - 1);
  if (next == 0) StartTensorScales();
  Progress();
}

template <class VCore>
void LayerController<VCore>::StartTensorScales() {
  // Read into the dequantization units' registers before the first unit.
  for (DataPart part : {DataPart::kWeightTensorScale, DataPart::kActivationTensorScale}) {
    const int64_t bytes = layout_.segment_bytes[PartIndex(part)][0];
    if (bytes == 0) continue;
    SramCore& scales = Buffer(BufferKind::kScales);
    const int word = scales.word_bytes();
    const int64_t begin = layout_.buffer_offset[PartIndex(part)];
    TensorScaleRead read;
    read.part = part;
    read.first_word = begin / word;
    read.offset = begin % word;
    read.words = cosim_detail::CeilDiv(read.offset + bytes, word);
    read.data.resize(static_cast<size_t>(read.words * word));
    tensor_scale_reads_.push_back(std::move(read));
  }
  tensor_scales_loaded_ = false;
}

template <class VCore>
void LayerController<VCore>::LoadTensorScales() {
  if (tensor_scales_loaded_ || current_step_ < 0) return;
  SramCore& scales = Buffer(BufferKind::kScales);
  const int word = scales.word_bytes();
  bool all = true;
  for (TensorScaleRead& read : tensor_scale_reads_) {
    while (read.read < read.words && scales.Read(scales.ReadHalf(), read.first_word + read.read,
                                                 &read.data[read.read * word])) {
      ++read.read;
      Progress();
    }
    all = all && read.read == read.words;
  }
  if (!all) return;
  uint32_t weight = 0x3F800000u;
  uint32_t activation = 0x3F800000u;
  for (const TensorScaleRead& read : tensor_scale_reads_) {
    uint32_t value = 0;
    for (int i = 0; i < 4; ++i)
      value |= static_cast<uint32_t>(read.data[read.offset + i]) << (8 * i);
    (read.part == DataPart::kWeightTensorScale ? weight : activation) = value;
  }
  decoder_->SetTensorScales(weight, activation);
  tensor_scale_reads_.clear();
  tensor_scales_loaded_ = true;
}

template <class VCore>
void LayerController<VCore>::PrepareUnit() {
  const int64_t j = next_unit_;
  if (unit_reading_ || !tensor_scales_loaded_ || current_step_ < 0) return;
  if (current_step_ >= schedule_.steps()) return;
  if (j >= (current_step_ + 1) * UnitsOfStep()) return;        // the next step is not on the halves
  if (j >= units_started_ + options_.lookahead_units) return;  // the edge is full
  const int64_t t = j / UnitsOfTile();
  const int64_t u = j % UnitsOfTile();
  const ArrayTile& tile = schedule_.tiles[t];
  unit_reads_.clear();
  word_reads_.clear();
  auto add = [&](DataPart part, bool row, int index, int stream) {
    const ByteRange slice = UnitSlice(layout_, schedule_, part, t, index, u);
    StreamRead s;
    s.part = part;
    s.row = row;
    s.index = index;
    s.stream = stream;
    s.bit_offset = slice.bit_offset;
    s.buffer = BufferOf(part);
    if (slice.bytes() > 0) {
      const int word = WordBytes(s.buffer);
      s.slice_begin = layout_.buffer_offset[PartIndex(part)] + slice.begin;
      s.slice_bytes = slice.bytes();
      s.first_word = s.slice_begin / word;
      const int64_t last_word = (s.slice_begin + s.slice_bytes - 1) / word;
      s.words.resize(static_cast<size_t>((last_word - s.first_word + 1) * word));
      for (int64_t w = s.first_word; w <= last_word; ++w) {
        if (w == held_word_[stream]) {
          std::copy(held_data_[stream].begin(), held_data_[stream].end(),
                    s.words.begin() + (w - s.first_word) * word);
        } else {
          word_reads_.push_back({static_cast<int>(unit_reads_.size()), w, false});
        }
      }
    }
    unit_reads_.push_back(std::move(s));
  };
  const int rows = config_.rows;
  for (int r = 0; r < tile.rows_used; ++r) {
    add(DataPart::kActivationCodes, true, r, 2 * r);
    add(DataPart::kActivationScales, true, r, 2 * r + 1);
  }
  for (int c = 0; c < tile.cols_used; ++c) {
    add(DataPart::kWeightCodes, false, c, 2 * rows + 3 * c);
    add(DataPart::kWeightScales, false, c, 2 * rows + 3 * c + 1);
    add(DataPart::kZeroPoints, false, c, 2 * rows + 3 * c + 2);
  }
  unit_reading_ = true;
}

template <class VCore>
void LayerController<VCore>::ReadUnit() {
  if (!unit_reading_) return;
  bool all = true;
  for (WordRead& w : word_reads_) {
    if (w.done) continue;
    StreamRead& s = unit_reads_[w.read];
    SramCore& buffer = Buffer(s.buffer);
    const int word = buffer.word_bytes();
    if (buffer.Read(buffer.ReadHalf(), w.word, &s.words[(w.word - s.first_word) * word])) {
      w.done = true;
      Progress();
    } else {
      all = false;
    }
  }
  if (all) SendUnit();
}

template <class VCore>
void LayerController<VCore>::SendUnit() {
  const int64_t j = next_unit_;
  const ArrayTile& tile = schedule_.tiles[j / UnitsOfTile()];
  // One packet per row (codes, then scale) and per column (codes, scale, zero point).
  std::vector<std::vector<uint8_t>> row_payload(static_cast<size_t>(tile.rows_used));
  std::vector<std::vector<uint8_t>> column_payload(static_cast<size_t>(tile.cols_used));
  std::vector<PendingPacket> row_packet(row_payload.size());
  std::vector<PendingPacket> column_packet(column_payload.size());
  for (StreamRead& s : unit_reads_) {
    std::vector<uint8_t>& payload = s.row ? row_payload[s.index] : column_payload[s.index];
    PendingPacket& p = s.row ? row_packet[s.index] : column_packet[s.index];
    if (s.slice_bytes > 0) {
      const int word = WordBytes(s.buffer);
      const int64_t offset = s.slice_begin - s.first_word * word;
      payload.insert(payload.end(), s.words.begin() + offset,
                     s.words.begin() + offset + s.slice_bytes);
      // The stream's register keeps the last word it read.
      held_word_[s.stream] = s.first_word + static_cast<int64_t>(s.words.size()) / word - 1;
      held_data_[s.stream].assign(s.words.end() - word, s.words.end());
    }
    switch (s.part) {
      case DataPart::kActivationCodes:
      case DataPart::kWeightCodes:
        p.codes_bytes = s.slice_bytes;
        break;
      case DataPart::kActivationScales:
      case DataPart::kWeightScales:
        p.scale_bytes = s.slice_bytes;
        break;
      default:
        p.zero_point_bytes = s.slice_bytes;
        p.zero_point_bit = s.bit_offset;
        break;
    }
  }
  NocCore& noc = *memory_.noc;
  auto send = [&](PendingPacket p, bool row, int index, std::vector<uint8_t>* payload,
                  const std::vector<int>& nodes) {
    p.row = row;
    p.unit = j;
    p.index = index;
    p.destinations_left = static_cast<int>(nodes.size());
    const uint64_t tag = next_packet_tag_++;
    packets_[tag] = p;
    noc.Send(0, nodes, std::move(*payload), tag);
  };
  for (int r = 0; r < tile.rows_used; ++r) {
    send(row_packet[r], true, r, &row_payload[r], row_nodes_[r]);
  }
  for (int c = 0; c < tile.cols_used; ++c) {
    send(column_packet[c], false, c, &column_payload[c], column_nodes_[c]);
  }
  unit_packets_left_[j] = tile.rows_used + tile.cols_used;
  ++next_unit_;
  unit_reading_ = false;
  Progress();
}

template <class VCore>
void LayerController<VCore>::ConsumeNoc() {
  NocCore& noc = *memory_.noc;
  for (int node = 0; node < noc.nodes(); ++node) {
    while (noc.HasDelivery(node)) {
      const NocDelivery d = noc.PopDelivery(node);
      Progress();
      const auto it = packets_.find(d.tag);
      PendingPacket& p = it->second;
      if (--p.destinations_left > 0) continue;
      const std::vector<uint8_t>& payload = *d.payload;
      if (p.output) {
        const ArrayTile& tile = schedule_.tiles[p.unit];
        const int word = WordBytes(BufferKind::kOutputs);
        const int64_t base = (p.unit % 2) * OutputHalfWords();
        for (int r = 0; r < tile.rows_used; ++r) {
          OutputWrite w;
          w.tile = p.unit;
          const int64_t byte = (int64_t{r} * tile.cols_used + p.index) * 4;
          w.word = base + byte / word;
          w.byte = static_cast<int>(byte % word);
          std::memcpy(w.bytes, &payload[r * 4], 4);
          output_writes_.push_back(w);
        }
      } else {
        const int64_t t = p.unit / UnitsOfTile();
        const int64_t u = p.unit % UnitsOfTile();
        const ArrayTile& tile = schedule_.tiles[t];
        if (p.row) {
          decoder_->DecodeRow(tile.m0 + p.index, u, payload.data(), p.codes_bytes, p.scale_bytes);
        } else {
          decoder_->DecodeColumn(tile.n0 + p.index, u, payload.data(), p.codes_bytes, p.scale_bytes,
                                 p.zero_point_bytes, p.zero_point_bit);
        }
        --unit_packets_left_[p.unit];
      }
      packets_.erase(it);
    }
  }
}

template <class VCore>
void LayerController<VCore>::WriteOutputs() {
  SramCore& out = Buffer(BufferKind::kOutputs);
  const int word = out.word_bytes();
  bool blocked = false;
  std::vector<uint8_t> data(static_cast<size_t>(word));
  for (auto it = output_writes_.begin(); it != output_writes_.end();) {
    int64_t& owner = output_half_tile_[it->tile % 2];
    if (owner != it->tile) {
      if (owner != -1) {  // the tile two before has not been stored yet
        blocked = true;
        ++it;
        continue;
      }
      owner = it->tile;
    }
    data = out.Peek(0, it->word);
    std::memcpy(&data[it->byte], it->bytes, 4);
    if (!out.Write(0, it->word, data.data())) {
      ++it;
      continue;
    }
    ++outputs_written_[it->tile];
    Progress();
    it = output_writes_.erase(it);
  }
  if (blocked) ++stalls_.output_buffer;
}

template <class VCore>
void LayerController<VCore>::ClockCore() {
  const int64_t j = units_started_;
  bool start = false;
  if (core_->CanStartUnit()) {
    if (j < next_unit_ && unit_packets_left_[j] == 0) {
      start = true;
    } else if (j >= next_unit_) {
      // Not yet read out of the buffers: its tile is still loading, or its reads are pending.
      if (j / UnitsOfStep() > current_step_ || !tensor_scales_loaded_) {
        ++stalls_.loads;
      } else {
        ++stalls_.sram;
      }
    } else {
      ++stalls_.noc;
    }
  }
  if (!core_->Cycle(start)) {
    Fail("the core (mixpe_core) stopped: " + core_->result().error);
    return;
  }
  if (start) {
    const ArrayTile& tile = schedule_.tiles[j / UnitsOfTile()];
    if (first_start_ < 0) first_start_ = Now();
    ++units_started_;
    pe_active_ += int64_t{schedule_.unit} * tile.rows_used * tile.cols_used;
    // What each design dequantizes (as the analytical model counts it, model/memory_model.h): a
    // unit sum per output (MixPE); every weight entering the array, and once per output after
    // the tile's last unit (INT8); every weight (FP16).
    const bool last_unit = (j + 1) % UnitsOfTile() == 0;
    switch (config_.design) {
      case PeDesign::kMixpe:
        dequant_units_ += int64_t{tile.rows_used} * tile.cols_used;
        break;
      case PeDesign::kInt8Mac:
        if (last_unit) dequant_units_ += int64_t{tile.rows_used} * tile.cols_used;
        dequant_elements_ += int64_t{schedule_.unit} * tile.cols_used;
        break;
      default:
        dequant_elements_ += int64_t{schedule_.unit} * tile.cols_used;
        break;
    }
    Progress();
  }
  // A column that finished a tile sends its outputs back to the buffers.
  for (const ColumnDone& done : core_->columns_done()) {
    const ArrayTile& tile = schedule_.tiles[done.tile];
    std::vector<uint8_t> payload(static_cast<size_t>(tile.rows_used) * 4);
    for (int r = 0; r < tile.rows_used; ++r) {
      const uint32_t v = core_->result().outputs[(tile.m0 + r) * layout_.n + tile.n0 + done.column];
      for (int i = 0; i < 4; ++i) payload[r * 4 + i] = static_cast<uint8_t>(v >> (8 * i));
    }
    PendingPacket p;
    p.output = true;
    p.unit = done.tile;
    p.index = done.column;
    p.destinations_left = 1;
    const uint64_t tag = next_packet_tag_++;
    packets_[tag] = p;
    memory_.noc->Send(column_source_[done.column], {0}, std::move(payload), tag);
    last_output_ = Now();
    Progress();
  }
}

template <class VCore>
void LayerController<VCore>::CheckWatchdog() {
  if (Now() - last_progress_ < options_.watchdog_cycles) return;
  Fail("watchdog: layer " + schedule_.layer + " made no progress for " +
       std::to_string(Now() - last_progress_) + " cycles (cycle " +
       std::to_string(Now() - start_cycle_) + " of the layer): " + StuckComponent());
}

template <class VCore>
std::string LayerController<VCore>::StuckComponent() const {
  if (!memory_.dram->Idle()) {
    return "the DRAM (" + memory_.dram->name() + ") holds " + std::to_string(chunks_.size()) +
           " requests and completed none of them";
  }
  if (!memory_.noc->Idle()) {
    return "the NoC (" + memory_.noc->name() + ") holds " + std::to_string(packets_.size()) +
           " packets and delivered none of them";
  }
  if (!chunk_writes_.empty()) {
    const SramCore& b = *memory_.buffers[static_cast<int>(chunk_writes_.front().buffer)];
    return "the " + b.name() + " buffer takes none of the DMA's writes";
  }
  if (unit_reading_) {
    return "the buffers serve none of the reads of unit " + std::to_string(next_unit_);
  }
  if (!output_writes_.empty()) {
    return "the outputs buffer takes none of the outputs of tile " +
           std::to_string(output_writes_.front().tile);
  }
  if (units_started_ > 0 && !core_->Finished()) {
    return "the core (mixpe_core) started " + std::to_string(units_started_) + " of " +
           std::to_string(TotalUnits()) + " units and has presented " +
           std::to_string(core_->result().outputs_received) + " of " +
           std::to_string(layout_.m * layout_.n) + " outputs";
  }
  return "the controller: " + std::to_string(program_.size()) + " DMA transfers queued, step " +
         std::to_string(current_step_) + " on the buffers";
}

template <class VCore>
CosimLayerResult LayerController<VCore>::Result() const {
  CosimLayerResult r;
  r.layer = schedule_.layer;
  r.error = error_;
  const int64_t end = done_ ? end_cycle_ : Now();
  r.cycles = end - start_cycle_;
  MemoryEvents& ev = r.events;
  const DramCounters& dram = memory_.dram->counters();
  ev.dram_read_bytes = dram_read_bytes_;
  ev.dram_write_bytes = dram_write_bytes_;
  ev.dram_read_payload_bytes = dram.bytes_read - dram_start_.bytes_read;
  ev.dram_write_payload_bytes = dram.bytes_written - dram_start_.bytes_written;
  ev.dram_row_activations = dram.row_misses - dram_start_.row_misses;
  for (int b = 0; b < kBufferKinds; ++b) {
    const SramCounters& c = memory_.buffers[b]->counters();
    ev.sram_read_bits[b] = c.read_bits - sram_start_[b].read_bits;
    ev.sram_write_bits[b] = c.write_bits - sram_start_[b].write_bits;
    r.sram_conflicts += c.conflicts - sram_start_[b].conflicts;
  }
  const NocCounters& noc = memory_.noc->counters();
  ev.noc_flits = noc.flits_injected - noc_start_.flits_injected;
  ev.noc_flit_hops = noc.flit_hops - noc_start_.flit_hops;
  r.noc_contention = noc.contention_stalls - noc_start_.contention_stalls;
  ev.pe_active_cycles = pe_active_;
  ev.pe_idle_cycles = int64_t{config_.rows} * config_.cols * r.cycles - pe_active_;
  ev.dequant_units = dequant_units_;
  ev.dequant_elements = dequant_elements_;
  r.energy = ComputeEnergy(config_, ev, r.cycles);
  r.stalls = stalls_;
  if (first_start_ >= 0 && last_output_ >= first_start_) {
    r.core_busy_cycles = last_output_ - first_start_ + 1;
  }
  return r;
}

}  // namespace mixpe
