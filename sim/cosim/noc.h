// Noc: the network-on-chip of the co-simulation as a named sc_module. It has no process of its
// own: the top's clocked method calls Step() once per cycle (docs/cosim.md). The behaviour and the
// node numbering are NocCore's (sim/cosim/noc_core.h).
#pragma once

#include <cstdint>
#include <systemc>
#include <utility>
#include <vector>

#include "sim/cosim/noc_core.h"

namespace mixpe {

class Noc : public sc_core::sc_module {
 public:
  // Error messages name the module by its full name.
  Noc(sc_core::sc_module_name name, const NocParams& params);

  const char* kind() const override { return "mixpe::Noc"; }

  // NocCore's packets and cycle (see there).
  uint64_t Send(int source, const std::vector<int>& destinations, std::vector<uint8_t> payload,
                uint64_t tag) {
    return core_.Send(source, destinations, std::move(payload), tag);
  }
  void Step() { core_.Step(); }
  bool HasDelivery(int node) const { return core_.HasDelivery(node); }
  NocDelivery PopDelivery(int node) { return core_.PopDelivery(node); }
  bool Idle() const { return core_.Idle(); }
  int64_t Now() const { return core_.Now(); }
  const NocCounters& counters() const { return core_.counters(); }

  // Node numbering, hop counts and parameters.
  NocCore& core() { return core_; }
  const NocCore& core() const { return core_; }

 private:
  NocCore core_;
};

}  // namespace mixpe
