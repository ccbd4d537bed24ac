// NocCore: a flit-level network-on-chip (a shared bus, or a 2D mesh with XY routing and multicast
// along the XY tree) moving real payloads, in plain C++ so it is unit-tested without a SystemC
// kernel; Noc (sim/cosim/noc.h) is its sc_module. Node numbering and timing: docs/cosim.md, "NoC".
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace mixpe {

enum class NocTopology { kBus, kMesh };

struct NocParams {
  NocTopology topology = NocTopology::kMesh;
  int link_bytes = 16;         // a flit: what one link (or the bus) moves per cycle
  int hop_latency_cycles = 1;  // cycles from entering a link (or the bus) to the next router
  int mesh_columns = 1;        // x: 0 (west) .. mesh_columns-1 (east)
  int mesh_rows = 1;           // y: 0 (north) .. mesh_rows-1 (south); the bus has the same nodes
  int lanes = 1;               // bus: flits it carries a cycle
};

// One packet as one destination received it.
struct NocDelivery {
  uint64_t packet = 0;  // the id Send returned
  uint64_t tag = 0;
  int source = 0;
  std::shared_ptr<const std::vector<uint8_t>> payload;  // shared by every destination
  int hops = 0;                 // links from the source: the XY distance; 1 on the bus
  int64_t send_cycle = 0;       // Now() when Send was called
  int64_t delivered_cycle = 0;  // the first cycle it is usable: Now() after its last flit left
};

struct NocCounters {
  int64_t cycles = 0;             // Step() calls
  int64_t packets_sent = 0;       // Send calls (a multicast is one)
  int64_t flits_injected = 0;     // flits that entered the network (a multicast flit once)
  int64_t flit_hops = 0;          // flits moved over a link (mesh) or over the bus; a multicast
                                  // flit counts once per link of its tree
  int64_t contention_stalls = 0;  // flit-cycles spent waiting for a link another flit took
  int64_t packets_delivered = 0;  // per destination
  int64_t bytes_delivered = 0;    // payload bytes, per destination
};

class NocCore {
 public:
  // `name` prefixes every error message. Throws std::invalid_argument on impossible parameters.
  NocCore(const NocParams& params, std::string name);

  // Node n is (x, y) = (n % mesh_columns, n / mesh_columns), on the bus too.
  int nodes() const { return params_.mesh_columns * params_.mesh_rows; }
  int NodeAt(int x, int y) const { return y * params_.mesh_columns + x; }
  int NodeX(int node) const { return node % params_.mesh_columns; }
  int NodeY(int node) const { return node / params_.mesh_columns; }
  // Links a flit crosses from `from` to `to`: |dx| + |dy| on the mesh, 1 on the bus.
  int Hops(int from, int to) const;

  // Queues a packet at `source` for every node of `destinations` (distinct; the source itself
  // allowed) in the current cycle; returns its id. It travels as max(1, ceil(bytes / link_bytes))
  // flits. Throws std::out_of_range on a node outside the network and std::invalid_argument on an
  // empty or repeated destination list.
  uint64_t Send(int source, const std::vector<int>& destinations, std::vector<uint8_t> payload,
                uint64_t tag);

  // Simulates cycle Now(), then Now() advances.
  void Step();

  // Packets delivered to `node`, in the order they completed there.
  bool HasDelivery(int node) const;
  NocDelivery PopDelivery(int node);

  // No flit waiting or in flight (deliveries not yet popped do not count).
  bool Idle() const { return flits_in_network_ == 0; }
  int64_t Now() const { return now_; }
  const NocParams& params() const { return params_; }
  const NocCounters& counters() const { return counters_; }
  const std::string& name() const { return name_; }

 private:
  // Router output ports; input ports are named by where the flit comes from. The order of kNorth
  // .. kWest is also the tie-break order of the inputs (docs/cosim.md).
  enum Port { kNorth = 0, kEast = 1, kSouth = 2, kWest = 3, kLocal = 4, kPorts = 5 };

  // One router of the packet's XY tree: the output ports a flit leaves by.
  struct TreeNode {
    int router;
    uint8_t ports = 0;                // bit p: output port p
    int destination = -1;             // index into Packet::destinations when kLocal is set
    int child[4] = {-1, -1, -1, -1};  // per link port: the tree node at the neighbour
  };
  struct Packet {
    uint64_t id;
    uint64_t tag;
    int source;
    std::vector<int> destinations;
    std::vector<int64_t> received;  // flits received, per destination
    std::shared_ptr<const std::vector<uint8_t>> payload;
    int64_t flits;
    int64_t send_cycle;
    int destinations_left;
    std::vector<TreeNode> tree;  // mesh only; tree[0] is at the source
  };
  // A flit copy: its packet, and the node of the packet's tree at the router it is in (an output
  // queue) or heading to (a link). Copies at a branch differ only in the node.
  struct Flit {
    int packet = -1;  // slot in packets_; -1: none
    int node = 0;
  };
  // A FIFO of flits in a ring that grows by doubling: output queues are short and hot.
  class FlitQueue {
   public:
    bool empty() const { return size_ == 0; }
    size_t size() const { return size_; }
    const Flit& front() const { return ring_[head_]; }
    void pop_front() {
      head_ = (head_ + 1) & (ring_.size() - 1);
      --size_;
    }
    void push_back(const Flit& f) {
      if (size_ == ring_.size()) Grow();
      ring_[(head_ + size_) & (ring_.size() - 1)] = f;
      ++size_;
    }

   private:
    void Grow();

    std::vector<Flit> ring_;
    size_t head_ = 0;
    size_t size_ = 0;
  };
  // A link carries at most one flit per cycle and delivers it hop_latency_cycles later, so slots
  // indexed by cycle hold every flit on it; the one slot more than the latency keeps the flit
  // arriving in a cycle apart from the one sent in it, whichever router a cycle visits first.
  struct Link {
    std::vector<Flit> slots;
    int to = -1;  // the router at the far end; -1: no link (mesh edge)
  };
  struct InjectRun {
    int packet;     // slot in packets_
    int64_t flits;  // still to inject
  };
  struct InFlight {   // a flit on the bus
    int64_t arrival;  // the cycle the flit reaches its destinations
    int packet;
  };

  int NewPacketSlot();
  void BuildTree(Packet& p) const;
  // Flit `f` has reached `router`: copies join the output queues of its tree node there.
  void Route(int router, const Flit& f);
  // One flit leaves the network at `node`: the packet is delivered there with its last flit.
  void Eject(int node, int packet, int destination);
  void StepBus();
  void StepMesh();
  void AddWork(int router, int64_t flits);

  NocParams params_;
  std::string name_;
  std::vector<Packet> packets_;  // slots; free ones are listed in free_slots_
  std::vector<int> free_slots_;
  uint64_t next_packet_id_ = 0;
  std::vector<std::deque<InjectRun>> inject_;  // per node
  std::vector<std::deque<NocDelivery>> delivered_;
  int64_t flits_in_network_ = 0;  // flit copies waiting to inject, queued or in flight

  // Mesh, per router and port (router * kPorts + port): the flits waiting for the output port and
  // the link behind it; per router and side (router * 4 + side), the link arriving from that side.
  // work_ counts a router's flits (to inject, queued, on its incoming links); only routers with
  // work are visited in a cycle (active_).
  std::vector<FlitQueue> out_;
  std::vector<Link> links_;
  std::vector<int> incoming_;
  std::vector<int64_t> work_;
  std::vector<int> active_;
  std::vector<bool> is_active_;

  // Bus: the nodes with flits waiting, the next node in round-robin order, the flits in flight.
  std::set<int> bus_waiting_;
  int bus_next_ = 0;
  std::deque<InFlight> bus_;

  NocCounters counters_;
  int64_t now_ = 0;
};

}  // namespace mixpe
