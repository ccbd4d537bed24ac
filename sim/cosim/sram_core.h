// SramCore: an on-chip buffer of real bytes, word-addressed, with banks that each take a fixed
// number of accesses per cycle, and optional ping/pong halves for double buffering; plain C++ so
// it is unit-tested without a SystemC kernel. SramBuffer (sim/cosim/sram_buffer.h) is its
// sc_module. Rules: docs/cosim.md, "SRAM buffer".
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mixpe {

struct SramParams {
  int64_t capacity_bytes = 0;    // both halves together when double_buffered
  int banks = 1;                 // per half; consecutive words rotate over the banks of a half
  int word_bits = 64;            // a multiple of 8: the unit of every access
  int ports = 1;                 // accesses (reads and writes together) per bank per cycle
  bool double_buffered = false;  // two halves, each with its own banks
};

struct SramCounters {
  int64_t cycles = 0;      // Step() calls
  int64_t reads = 0;       // accepted word reads
  int64_t writes = 0;      // accepted word writes
  int64_t read_bits = 0;   // reads * word_bits
  int64_t write_bits = 0;  // writes * word_bits
  int64_t conflicts = 0;   // accesses refused because their bank's ports were taken this cycle
  int64_t swaps = 0;
};

class SramCore {
 public:
  // `name` prefixes every error message. Throws std::invalid_argument on impossible parameters.
  SramCore(const SramParams& params, std::string name);

  // One word access in the current cycle, effective at once (a read after a write of the same
  // word in a cycle sees the new bytes). Returns false, counts a conflict and moves nothing when
  // every port of the word's bank is taken this cycle: the caller retries next cycle. `half` is
  // 0 unless double_buffered; `word` counts from 0 within the half. Throws std::out_of_range
  // on a half or word outside the buffer, and std::logic_error on a write to the half readers own
  // (ReadHalf()) or a read of the half writers own (WriteHalf()).
  bool Read(int half, int64_t word, uint8_t* out);
  bool Write(int half, int64_t word, const uint8_t* data);

  // Ends the current cycle: every bank's ports are free again.
  void Step();

  // Double buffering: readers use ReadHalf(), writers WriteHalf(); Swap() exchanges them (at the
  // end of a tile, say). Half 1 is written first. Single-buffered: both are 0, Swap() throws.
  int ReadHalf() const { return read_half_; }
  int WriteHalf() const { return params_.double_buffered ? 1 - read_half_ : 0; }
  void Swap();

  // Backdoor read of one word: no ports, no counters, no ownership check (checking results).
  std::vector<uint8_t> Peek(int half, int64_t word) const;

  int BankOf(int64_t word) const { return static_cast<int>(word % params_.banks); }
  int64_t words_per_half() const { return words_per_half_; }
  int word_bytes() const { return word_bytes_; }
  int64_t Now() const { return now_; }
  const SramParams& params() const { return params_; }
  const SramCounters& counters() const { return counters_; }
  const std::string& name() const { return name_; }

 private:
  // Checks the access and takes a port; false when the bank has none left this cycle.
  bool Claim(const char* what, int half, int64_t word);
  size_t Offset(int half, int64_t word) const {
    return static_cast<size_t>((half * words_per_half_ + word) * word_bytes_);
  }

  SramParams params_;
  std::string name_;
  int word_bytes_ = 0;
  int64_t words_per_half_ = 0;
  std::vector<uint8_t> bytes_;
  // Per bank (half * banks + bank): accesses taken in cycle bank_cycle_. Tagging the count with
  // its cycle makes Step() O(1) instead of clearing every bank.
  std::vector<int> bank_uses_;
  std::vector<int64_t> bank_cycle_;
  int read_half_ = 0;
  SramCounters counters_;
  int64_t now_ = 0;
};

}  // namespace mixpe
