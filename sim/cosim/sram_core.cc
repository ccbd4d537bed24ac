// SramCore: bank ports, ping/pong ownership and range checks (docs/cosim.md, "SRAM buffer").
#include "sim/cosim/sram_core.h"

#include <cstring>
#include <stdexcept>
#include <utility>

namespace mixpe {
namespace {

void Require(bool ok, const std::string& name, const std::string& what) {
  if (!ok) throw std::invalid_argument("sram '" + name + "': " + what);
}

}  // namespace

SramCore::SramCore(const SramParams& params, std::string name)
    : params_(params), name_(std::move(name)) {
  Require(params.word_bits >= 8 && params.word_bits % 8 == 0, name_,
          "word_bits (" + std::to_string(params.word_bits) + ") must be a positive multiple of 8");
  Require(params.banks >= 1, name_, "banks must be >= 1");
  Require(params.ports >= 1, name_, "ports must be >= 1");
  word_bytes_ = params.word_bits / 8;
  const int halves = params.double_buffered ? 2 : 1;
  const int64_t unit = int64_t{word_bytes_} * params.banks * halves;
  Require(params.capacity_bytes >= unit && params.capacity_bytes % unit == 0, name_,
          "capacity_bytes (" + std::to_string(params.capacity_bytes) +
              ") must be a positive multiple of word bytes x banks" +
              (params.double_buffered ? " x 2 halves" : "") + " = " + std::to_string(unit));
  words_per_half_ = params.capacity_bytes / halves / word_bytes_;
  bytes_.assign(static_cast<size_t>(params.capacity_bytes), 0);
  bank_uses_.assign(static_cast<size_t>(params.banks) * halves, 0);
  bank_cycle_.assign(bank_uses_.size(), -1);
}

bool SramCore::Claim(const char* what, int half, int64_t word) {
  const int halves = params_.double_buffered ? 2 : 1;
  if (half < 0 || half >= halves) {
    throw std::out_of_range("sram '" + name_ + "': " + what + " of half " + std::to_string(half) +
                            ", but the buffer has " +
                            (halves == 2 ? "halves 0 and 1" : "only half 0 (not double-buffered)"));
  }
  if (word < 0 || word >= words_per_half_) {
    throw std::out_of_range("sram '" + name_ + "': " + what + " of word " + std::to_string(word) +
                            " outside [0, " + std::to_string(words_per_half_) + ") of half " +
                            std::to_string(half));
  }
  const size_t bank = static_cast<size_t>(half) * params_.banks + BankOf(word);
  if (bank_cycle_[bank] != now_) {
    bank_cycle_[bank] = now_;
    bank_uses_[bank] = 0;
  }
  if (bank_uses_[bank] >= params_.ports) {
    ++counters_.conflicts;
    return false;
  }
  ++bank_uses_[bank];
  return true;
}

bool SramCore::Read(int half, int64_t word, uint8_t* out) {
  if (params_.double_buffered && half == WriteHalf()) {
    throw std::logic_error("sram '" + name_ + "': read of word " + std::to_string(word) +
                           " in half " + std::to_string(half) +
                           ", which writers own until the next Swap()");
  }
  if (!Claim("read", half, word)) return false;
  std::memcpy(out, bytes_.data() + Offset(half, word), static_cast<size_t>(word_bytes_));
  ++counters_.reads;
  counters_.read_bits += params_.word_bits;
  return true;
}

bool SramCore::Write(int half, int64_t word, const uint8_t* data) {
  if (params_.double_buffered && half == ReadHalf()) {
    throw std::logic_error("sram '" + name_ + "': write of word " + std::to_string(word) +
                           " in half " + std::to_string(half) +
                           ", which readers own until the next Swap()");
  }
  if (!Claim("write", half, word)) return false;
  std::memcpy(bytes_.data() + Offset(half, word), data, static_cast<size_t>(word_bytes_));
  ++counters_.writes;
  counters_.write_bits += params_.word_bits;
  return true;
}

void SramCore::Step() {
  ++counters_.cycles;
  ++now_;
}

void SramCore::Swap() {
  if (!params_.double_buffered) {
    throw std::logic_error("sram '" + name_ + "': Swap() on a buffer that is not double-buffered");
  }
  read_half_ = 1 - read_half_;
  ++counters_.swaps;
}

std::vector<uint8_t> SramCore::Peek(int half, int64_t word) const {
  const int halves = params_.double_buffered ? 2 : 1;
  if (half < 0 || half >= halves || word < 0 || word >= words_per_half_) {
    throw std::out_of_range("sram '" + name_ + "': peek of word " + std::to_string(word) +
                            " in half " + std::to_string(half) + " outside the buffer");
  }
  const auto first = bytes_.begin() + static_cast<std::ptrdiff_t>(Offset(half, word));
  return std::vector<uint8_t>(first, first + word_bytes_);
}

}  // namespace mixpe
