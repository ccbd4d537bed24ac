// DramCore: request splitting, bank and row timing, the data bus (docs/cosim.md, "DRAM").
#include "sim/cosim/dram_core.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <utility>

namespace mixpe {
namespace {

void Require(bool ok, const std::string& name, const std::string& what) {
  if (!ok) throw std::invalid_argument("dram '" + name + "': " + what);
}

}  // namespace

DramCore::DramCore(const DramParams& params, int64_t image_bytes, std::string name)
    : params_(params), name_(std::move(name)) {
  Require(params.bandwidth_bytes_per_cycle >= 1, name_, "bandwidth_bytes_per_cycle must be >= 1");
  Require(params.latency_cycles >= 0, name_, "latency_cycles must be >= 0");
  Require(params.burst_bytes >= 1, name_, "burst_bytes must be >= 1");
  Require(params.banks >= 1, name_, "banks must be >= 1");
  Require(params.row_buffer_bytes >= params.burst_bytes &&
              params.row_buffer_bytes % params.burst_bytes == 0,
          name_,
          "row_buffer_bytes (" + std::to_string(params.row_buffer_bytes) +
              ") must be a positive multiple of burst_bytes (" +
              std::to_string(params.burst_bytes) + ")");
  Require(params.row_miss_cycles >= 0, name_, "row_miss_cycles must be >= 0");
  Require(params.queue_requests >= 1, name_, "queue_requests must be >= 1");
  Require(image_bytes >= 1, name_, "the image needs at least one byte");
  image_.assign(static_cast<size_t>(image_bytes), 0);
  open_row_.assign(params.banks, -1);
  bank_ready_.assign(params.banks, 0);
}

void DramCore::CheckRange(const char* what, int64_t address, int64_t bytes) const {
  if (bytes < 1) {
    throw std::invalid_argument("dram '" + name_ + "': " + what + " of " + std::to_string(bytes) +
                                " bytes at " + std::to_string(address) + ": needs at least 1 byte");
  }
  if (address < 0 || address > image_bytes() || bytes > image_bytes() - address) {
    throw std::out_of_range("dram '" + name_ + "': " + what + " of " + std::to_string(bytes) +
                            " bytes at " + std::to_string(address) + " is outside the image of " +
                            std::to_string(image_bytes()) + " bytes");
  }
}

bool DramCore::Read(int64_t address, int64_t bytes, uint64_t tag) {
  CheckRange("read", address, bytes);
  return Enqueue(false, address, bytes, {}, tag);
}

bool DramCore::Write(int64_t address, std::vector<uint8_t> data, uint64_t tag) {
  const int64_t bytes = static_cast<int64_t>(data.size());
  CheckRange("write", address, bytes);
  return Enqueue(true, address, bytes, std::move(data), tag);
}

bool DramCore::Enqueue(bool write, int64_t address, int64_t bytes, std::vector<uint8_t> data,
                       uint64_t tag) {
  if (QueueFull()) {
    ++counters_.queue_full_stalls;
    return false;
  }
  if (!write) data.assign(static_cast<size_t>(bytes), 0);
  // Hits and misses are decided here, in arrival order: the bus serves bursts in that same order,
  // so each burst finds open the row the bursts before it left open.
  const int64_t burst = params_.burst_bytes;
  const int64_t end = address + bytes;
  int64_t bursts = 0;
  for (int64_t a = address; a < end;) {
    const int64_t burst_start = a / burst * burst;
    const int64_t next = std::min(end, burst_start + burst);
    const int bank = BankOf(burst_start);
    const int64_t row = RowOf(burst_start);
    // A bank still opening a row cannot take a column command before the row is open.
    const int64_t column = std::max(now_, bank_ready_[bank]);
    int64_t ready = column + params_.latency_cycles;
    if (open_row_[bank] == row) {
      ++counters_.row_hits;
    } else {
      ++counters_.row_misses;
      ready += params_.row_miss_cycles;
      bank_ready_[bank] = column + params_.row_miss_cycles;
      open_row_[bank] = row;
    }
    bursts_.push_back({a, next - a, ready});
    ++bursts;
    a = next;
  }
  requests_.push_back({tag, write, address, bytes, std::move(data), now_, bursts});
  ++(write ? counters_.writes : counters_.reads);
  return true;
}

void DramCore::Step() {
  int64_t budget = params_.bandwidth_bytes_per_cycle;
  bool moved = false;
  // In order: a burst whose data is not ready holds back every burst behind it, so requests
  // complete in the order they were accepted.
  while (budget > 0 && !bursts_.empty() && bursts_.front().ready <= now_) {
    const int64_t take = std::min(budget, params_.burst_bytes - head_moved_);
    head_moved_ += take;
    budget -= take;
    moved = true;
    if (head_moved_ < params_.burst_bytes) break;
    head_moved_ = 0;

    const Burst b = bursts_.front();
    bursts_.pop_front();
    Request& r = requests_.front();
    uint8_t* request_bytes = r.data.data() + (b.address - r.address);
    uint8_t* image_bytes = image_.data() + b.address;
    if (r.write) {
      std::memcpy(image_bytes, request_bytes, static_cast<size_t>(b.bytes));
      counters_.bytes_written += b.bytes;
    } else {
      std::memcpy(request_bytes, image_bytes, static_cast<size_t>(b.bytes));
      counters_.bytes_read += b.bytes;
    }
    ++counters_.bursts;
    if (--r.bursts_left == 0) {
      DramCompletion done;
      done.tag = r.tag;
      done.write = r.write;
      done.address = r.address;
      done.bytes = r.bytes;
      if (!r.write) done.data = std::move(r.data);
      done.accept_cycle = r.accept_cycle;
      done.done_cycle = now_ + 1;
      completions_.push_back(std::move(done));
      requests_.pop_front();
    }
  }
  if (moved) ++counters_.busy_cycles;
  ++counters_.cycles;
  ++now_;
}

DramCompletion DramCore::PopCompletion() {
  if (completions_.empty()) {
    throw std::logic_error("dram '" + name_ + "': PopCompletion with no completion (check " +
                           "HasCompletion first)");
  }
  DramCompletion done = std::move(completions_.front());
  completions_.pop_front();
  return done;
}

void DramCore::CloseRows() {
  if (!Idle()) throw std::logic_error("dram '" + name_ + "': rows closed with requests pending");
  open_row_.assign(open_row_.size(), -1);
}

void DramCore::Preload(int64_t address, const std::vector<uint8_t>& bytes) {
  CheckRange("preload", address, static_cast<int64_t>(bytes.size()));
  std::memcpy(image_.data() + address, bytes.data(), bytes.size());
}

std::vector<uint8_t> DramCore::Peek(int64_t address, int64_t bytes) const {
  CheckRange("peek", address, bytes);
  return std::vector<uint8_t>(image_.begin() + address, image_.begin() + address + bytes);
}

}  // namespace mixpe
