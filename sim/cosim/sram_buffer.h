// SramBuffer: an on-chip buffer of the co-simulation as a named sc_module. It has no process of
// its own: the top's clocked method makes the cycle's accesses and then calls Step()
// (docs/cosim.md). The behaviour is SramCore's (sim/cosim/sram_core.h).
#pragma once

#include <cstdint>
#include <systemc>

#include "sim/cosim/sram_core.h"

namespace mixpe {

class SramBuffer : public sc_core::sc_module {
 public:
  // Zero-filled. Error messages name the module by its full name.
  SramBuffer(sc_core::sc_module_name name, const SramParams& params);

  const char* kind() const override { return "mixpe::SramBuffer"; }

  // SramCore's word accesses, cycle and double buffering (see there).
  bool Read(int half, int64_t word, uint8_t* out) { return core_.Read(half, word, out); }
  bool Write(int half, int64_t word, const uint8_t* data) { return core_.Write(half, word, data); }
  void Step() { core_.Step(); }
  int ReadHalf() const { return core_.ReadHalf(); }
  int WriteHalf() const { return core_.WriteHalf(); }
  void Swap() { core_.Swap(); }
  int64_t Now() const { return core_.Now(); }
  const SramCounters& counters() const { return core_.counters(); }

  // Backdoor access, geometry and parameters.
  SramCore& core() { return core_; }
  const SramCore& core() const { return core_; }

 private:
  SramCore core_;
};

}  // namespace mixpe
