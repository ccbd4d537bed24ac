// DramModel: the DRAM of the co-simulation as a named sc_module. It has no process of its own: the
// top's clocked method calls Step() once per cycle, in its documented order (docs/cosim.md), which
// keeps SystemC's context switches and delta cycles out of the per-cycle cost. The behaviour is
// DramCore's (sim/cosim/dram_core.h).
#pragma once

#include <cstdint>
#include <systemc>
#include <utility>
#include <vector>

#include "sim/cosim/dram_core.h"

namespace mixpe {

class DramModel : public sc_core::sc_module {
 public:
  // An image of `image_bytes` zero bytes. Error messages name the module by its full name.
  DramModel(sc_core::sc_module_name name, const DramParams& params, int64_t image_bytes);

  const char* kind() const override { return "mixpe::DramModel"; }

  // DramCore's request interface and cycle (see there).
  bool Read(int64_t address, int64_t bytes, uint64_t tag) {
    return core_.Read(address, bytes, tag);
  }
  bool Write(int64_t address, std::vector<uint8_t> data, uint64_t tag) {
    return core_.Write(address, std::move(data), tag);
  }
  bool QueueFull() const { return core_.QueueFull(); }
  void Step() { core_.Step(); }
  bool HasCompletion() const { return core_.HasCompletion(); }
  DramCompletion PopCompletion() { return core_.PopCompletion(); }
  bool Idle() const { return core_.Idle(); }
  int64_t Now() const { return core_.Now(); }
  const DramCounters& counters() const { return core_.counters(); }

  // Backdoor access, address map and parameters.
  DramCore& core() { return core_; }
  const DramCore& core() const { return core_; }

 private:
  DramCore core_;
};

}  // namespace mixpe
