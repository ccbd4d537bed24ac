// DramCore: the cycle-by-cycle behaviour of the DRAM model (a byte image, bursts, banks with open
// rows, a bandwidth-limited in-order data bus) in plain C++, so it is unit-tested without a SystemC
// kernel; DramModel (sim/cosim/dram_model.h) is its sc_module. Timing rules: docs/cosim.md.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

namespace mixpe {

struct DramParams {
  int64_t bandwidth_bytes_per_cycle = 64;  // data bus: bytes moved per cycle at most
  int latency_cycles = 0;                  // column command to the first data on the bus
  int64_t burst_bytes = 64;                // a burst is aligned and always costs this much bus
  int banks = 1;                           // rows of consecutive addresses rotate over the banks
  int64_t row_buffer_bytes = 2048;         // one open row per bank; a multiple of burst_bytes
  int row_miss_cycles = 0;                 // precharge + activate on a row change in a bank
  int queue_requests = 16;                 // requests accepted and not yet completed, at most
};

// A finished request, in the order the requests were accepted.
struct DramCompletion {
  uint64_t tag = 0;
  bool write = false;
  int64_t address = 0;
  int64_t bytes = 0;
  std::vector<uint8_t> data;  // the bytes read; empty for a write
  int64_t accept_cycle = 0;   // the cycle the request arrived in (Now() when it was accepted)
  int64_t done_cycle = 0;     // the first cycle its result is usable: Now() after the Step that
                              // moved its last byte
};

struct DramCounters {
  int64_t cycles = 0;             // Step() calls
  int64_t reads = 0;              // read requests accepted
  int64_t writes = 0;             // write requests accepted
  int64_t bytes_read = 0;         // requested bytes moved by reads (bus bytes: bursts*burst_bytes)
  int64_t bytes_written = 0;      // requested bytes moved by writes
  int64_t bursts = 0;             // bursts moved on the data bus
  int64_t row_hits = 0;           // bursts to the open row of their bank (counted when accepted)
  int64_t row_misses = 0;         // bursts that open a row, the first in each bank included
  int64_t busy_cycles = 0;        // cycles in which the data bus moved data
  int64_t queue_full_stalls = 0;  // Read/Write calls refused because the queue was full
};

class DramCore {
 public:
  // `name` prefixes every error message. Throws std::invalid_argument on impossible parameters.
  DramCore(const DramParams& params, int64_t image_bytes, std::string name);

  // Enqueue a request that arrives in the current cycle (Now()). Returns false, counts a
  // queue-full stall and changes nothing when queue_requests requests are outstanding: the caller
  // retries in a later cycle. Throws std::out_of_range if the bytes are not all in the image and
  // std::invalid_argument if there are none.
  bool Read(int64_t address, int64_t bytes, uint64_t tag);
  bool Write(int64_t address, std::vector<uint8_t> data, uint64_t tag);
  bool QueueFull() const { return static_cast<int>(requests_.size()) >= params_.queue_requests; }

  // Simulates cycle Now(): moves up to bandwidth_bytes_per_cycle bytes of the bursts whose data is
  // ready, oldest first, completes the requests whose last burst moved; then Now() advances.
  void Step();

  // Completed requests, oldest first; reads carry their bytes.
  bool HasCompletion() const { return !completions_.empty(); }
  DramCompletion PopCompletion();

  // No request outstanding (completions not yet popped do not count).
  bool Idle() const { return requests_.empty(); }
  int64_t Now() const { return now_; }

  // Backdoor access to the image: no time, no counters (loading inputs, checking results).
  void Preload(int64_t address, const std::vector<uint8_t>& bytes);
  // Closes every bank's open row (a precharge outside time), as before a layer: each layer starts
  // from closed rows, whatever ran before it, as the analytical model's DRAM timer does. Only
  // when Idle().
  void CloseRows();
  std::vector<uint8_t> Peek(int64_t address, int64_t bytes) const;

  // The address map: rows of row_buffer_bytes rotate over the banks.
  int BankOf(int64_t address) const {
    return static_cast<int>((address / params_.row_buffer_bytes) % params_.banks);
  }
  int64_t RowOf(int64_t address) const {
    return address / (params_.row_buffer_bytes * params_.banks);
  }

  int64_t image_bytes() const { return static_cast<int64_t>(image_.size()); }
  const DramParams& params() const { return params_; }
  const DramCounters& counters() const { return counters_; }
  const std::string& name() const { return name_; }

 private:
  struct Request {
    uint64_t tag;
    bool write;
    int64_t address;
    int64_t bytes;
    std::vector<uint8_t> data;  // write data, or the read data as it arrives
    int64_t accept_cycle;
    int64_t bursts_left;
  };
  struct Burst {
    int64_t address;  // first requested byte in the burst
    int64_t bytes;    // requested bytes in the burst
    int64_t ready;    // first cycle its data may move on the bus
  };

  bool Enqueue(bool write, int64_t address, int64_t bytes, std::vector<uint8_t> data, uint64_t tag);
  void CheckRange(const char* what, int64_t address, int64_t bytes) const;

  DramParams params_;
  std::string name_;
  std::vector<uint8_t> image_;
  std::deque<Request> requests_;     // accepted, not completed; the front owns bursts_.front()
  std::deque<Burst> bursts_;         // bursts of the outstanding requests, in order
  int64_t head_moved_ = 0;           // bus bytes of bursts_.front() already moved
  std::vector<int64_t> open_row_;    // per bank; -1: no row open
  std::vector<int64_t> bank_ready_;  // per bank: the cycle its last row activation ends
  std::deque<DramCompletion> completions_;
  DramCounters counters_;
  int64_t now_ = 0;
};

}  // namespace mixpe
