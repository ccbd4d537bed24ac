// NocCore: packets as flits over a bus or an XY-routed mesh with multicast trees (docs/cosim.md,
// "NoC").
#include "sim/cosim/noc_core.h"

#include <algorithm>
#include <cassert>
#include <cstdlib>
#include <map>
#include <stdexcept>
#include <utility>

namespace mixpe {
namespace {

void Require(bool ok, const std::string& name, const std::string& what) {
  if (!ok) throw std::invalid_argument("noc '" + name + "': " + what);
}

}  // namespace

NocCore::NocCore(const NocParams& params, std::string name)
    : params_(params), name_(std::move(name)) {
  Require(params.link_bytes >= 1, name_, "link_bytes must be >= 1");
  Require(params.hop_latency_cycles >= 1, name_,
          "hop_latency_cycles must be >= 1 (a flit needs a cycle to cross a link)");
  Require(params.mesh_columns >= 1 && params.mesh_rows >= 1, name_,
          "mesh_columns and mesh_rows must be >= 1");
  Require(params.lanes >= 1 && (params.lanes == 1 || params.topology == NocTopology::kBus), name_,
          "lanes must be >= 1, and 1 on a mesh");
  const int n = nodes();
  inject_.resize(n);
  delivered_.resize(n);
  if (params.topology == NocTopology::kMesh) {
    out_.resize(static_cast<size_t>(n) * kPorts);
    links_.resize(static_cast<size_t>(n) * kPorts);
    incoming_.assign(static_cast<size_t>(n) * 4, -1);
    work_.assign(n, 0);
    is_active_.assign(n, false);
    for (int router = 0; router < n; ++router) {
      const int x = NodeX(router);
      const int y = NodeY(router);
      const int neighbour[4] = {
          y > 0 ? NodeAt(x, y - 1) : -1, x + 1 < params.mesh_columns ? NodeAt(x + 1, y) : -1,
          y + 1 < params.mesh_rows ? NodeAt(x, y + 1) : -1, x > 0 ? NodeAt(x - 1, y) : -1};
      for (int port = kNorth; port <= kWest; ++port) {
        if (neighbour[port] < 0) continue;
        Link& link = links_[router * kPorts + port];
        link.to = neighbour[port];
        link.slots.assign(params.hop_latency_cycles + 1, Flit{});
        // A flit leaving southward arrives from the north side, and so on: side = port + 2 mod 4.
        incoming_[neighbour[port] * 4 + (port + 2) % 4] = router * kPorts + port;
      }
    }
  }
}

void NocCore::FlitQueue::Grow() {
  std::vector<Flit> grown(std::max<size_t>(4, 2 * ring_.size()));
  for (size_t i = 0; i < size_; ++i) grown[i] = ring_[(head_ + i) & (ring_.size() - 1)];
  ring_ = std::move(grown);
  head_ = 0;
}

int NocCore::Hops(int from, int to) const {
  if (params_.topology == NocTopology::kBus) return 1;
  return std::abs(NodeX(from) - NodeX(to)) + std::abs(NodeY(from) - NodeY(to));
}

int NocCore::NewPacketSlot() {
  if (!free_slots_.empty()) {
    const int slot = free_slots_.back();
    free_slots_.pop_back();
    return slot;
  }
  packets_.emplace_back();
  return static_cast<int>(packets_.size()) - 1;
}

uint64_t NocCore::Send(int source, const std::vector<int>& destinations,
                       std::vector<uint8_t> payload, uint64_t tag) {
  auto check_node = [&](int node, const char* what) {
    if (node < 0 || node >= nodes()) {
      throw std::out_of_range("noc '" + name_ + "': " + what + " node " + std::to_string(node) +
                              " outside [0, " + std::to_string(nodes()) + ")");
    }
  };
  check_node(source, "source");
  if (destinations.empty()) {
    throw std::invalid_argument("noc '" + name_ + "': packet from node " + std::to_string(source) +
                                " has no destination");
  }
  for (int d : destinations) check_node(d, "destination");
  std::vector<int> sorted = destinations;
  std::sort(sorted.begin(), sorted.end());
  const auto repeated = std::adjacent_find(sorted.begin(), sorted.end());
  if (repeated != sorted.end()) {
    throw std::invalid_argument("noc '" + name_ + "': destination node " +
                                std::to_string(*repeated) + " listed twice");
  }

  const int slot = NewPacketSlot();
  Packet& p = packets_[slot];
  p.id = next_packet_id_++;
  p.tag = tag;
  p.source = source;
  p.destinations = destinations;
  p.received.assign(destinations.size(), 0);
  const int64_t bytes = static_cast<int64_t>(payload.size());
  p.payload = std::make_shared<const std::vector<uint8_t>>(std::move(payload));
  p.flits = std::max<int64_t>(1, (bytes + params_.link_bytes - 1) / params_.link_bytes);
  p.send_cycle = now_;
  p.destinations_left = static_cast<int>(destinations.size());
  p.tree.clear();
  inject_[source].push_back({slot, p.flits});
  flits_in_network_ += p.flits;
  if (params_.topology == NocTopology::kMesh) {
    BuildTree(p);
    AddWork(source, p.flits);
  } else {
    bus_waiting_.insert(source);
  }
  ++counters_.packets_sent;
  return p.id;
}

// The union of the XY paths from the source to every destination: where paths share a link, the
// tree has it once, so a multicast flit crosses it once and is copied where the paths part.
void NocCore::BuildTree(Packet& p) const {
  std::map<int, int> index;  // router -> its node in p.tree
  auto node_at = [&](int router) {
    const auto [it, added] = index.try_emplace(router, static_cast<int>(p.tree.size()));
    if (added) p.tree.push_back(TreeNode{router});
    return it->second;
  };
  for (size_t i = 0; i < p.destinations.size(); ++i) {
    const int tx = NodeX(p.destinations[i]);
    const int ty = NodeY(p.destinations[i]);
    int x = NodeX(p.source);
    int y = NodeY(p.source);
    int node = node_at(p.source);  // the first node is the source's: tree[0]
    while (true) {
      int port;
      if (x < tx) {
        port = kEast;
        ++x;
      } else if (x > tx) {
        port = kWest;
        --x;
      } else if (y < ty) {
        port = kSouth;
        ++y;
      } else if (y > ty) {
        port = kNorth;
        --y;
      } else {
        p.tree[node].ports |= 1 << kLocal;
        p.tree[node].destination = static_cast<int>(i);
        break;
      }
      const int next = node_at(NodeAt(x, y));
      p.tree[node].ports |= static_cast<uint8_t>(1 << port);
      p.tree[node].child[port] = next;
      node = next;
    }
  }
}

void NocCore::AddWork(int router, int64_t flits) {
  work_[router] += flits;
  if (is_active_[router]) return;
  is_active_[router] = true;
  active_.push_back(router);
}

void NocCore::Route(int router, const Flit& f) {
  const TreeNode& node = packets_[f.packet].tree[f.node];
  assert(node.router == router && "a flit's tree node is the router it reached");
  int copies = 0;
  for (int port = 0; port < kPorts; ++port) {
    if (!(node.ports & (1 << port))) continue;
    out_[router * kPorts + port].push_back({f.packet, port == kLocal ? f.node : node.child[port]});
    ++copies;
  }
  flits_in_network_ += copies;
  work_[router] += copies;
}

void NocCore::Eject(int node, int packet, int destination) {
  Packet& p = packets_[packet];
  if (++p.received[destination] < p.flits) return;
  NocDelivery d;
  d.packet = p.id;
  d.tag = p.tag;
  d.source = p.source;
  d.payload = p.payload;
  d.hops = Hops(p.source, node);
  d.send_cycle = p.send_cycle;
  d.delivered_cycle = now_ + 1;
  ++counters_.packets_delivered;
  counters_.bytes_delivered += static_cast<int64_t>(p.payload->size());
  delivered_[node].push_back(std::move(d));
  if (--p.destinations_left == 0) {
    p.payload.reset();
    p.tree.clear();
    free_slots_.push_back(packet);
  }
}

void NocCore::Step() {
  if (params_.topology == NocTopology::kBus) {
    StepBus();
  } else {
    StepMesh();
  }
  ++counters_.cycles;
  ++now_;
}

// `lanes` flits per cycle cross the bus (one with a single lane), each granted round robin over
// the nodes with flits waiting; a flit reaches every destination at once, and each ejects it on
// arrival.
void NocCore::StepBus() {
  while (!bus_.empty() && bus_.front().arrival <= now_) {
    const int packet = bus_.front().packet;
    bus_.pop_front();
    --flits_in_network_;
    const int n = static_cast<int>(packets_[packet].destinations.size());
    for (int i = 0; i < n; ++i) Eject(packets_[packet].destinations[i], packet, i);
  }
  for (int lane = 0; lane < params_.lanes && !bus_waiting_.empty(); ++lane) {
    auto granted = bus_waiting_.lower_bound(bus_next_);
    if (granted == bus_waiting_.end()) granted = bus_waiting_.begin();
    const int node = *granted;
    if (lane == 0) counters_.contention_stalls += static_cast<int64_t>(bus_waiting_.size()) - 1;
    InjectRun& run = inject_[node].front();
    bus_.push_back({now_ + params_.hop_latency_cycles, run.packet});
    if (--run.flits == 0) inject_[node].pop_front();
    if (inject_[node].empty()) bus_waiting_.erase(granted);
    bus_next_ = node + 1;
    ++counters_.flits_injected;
    ++counters_.flit_hops;
  }
}

// Each active router, in any order (a flit sent in this cycle arrives in a later one): flits
// arriving now and one injected flit join their output queues, inputs in the order north, east,
// south, west, local; then every output port sends the oldest flit of its queue.
void NocCore::StepMesh() {
  const int64_t slots = params_.hop_latency_cycles + 1;
  const size_t arriving = static_cast<size_t>((now_ + 1) % slots);  // sent at now_ - latency
  const size_t sending = static_cast<size_t>(now_ % slots);
  const size_t count = active_.size();
  for (size_t i = 0; i < count; ++i) {
    const int router = active_[i];
    for (int side = kNorth; side <= kWest; ++side) {
      const int link = incoming_[router * 4 + side];
      if (link < 0) continue;
      Flit& slot = links_[link].slots[arriving];
      if (slot.packet < 0) continue;
      const Flit f = slot;
      slot.packet = -1;
      --work_[router];
      --flits_in_network_;
      Route(router, f);
    }
    if (!inject_[router].empty()) {
      InjectRun& run = inject_[router].front();
      --work_[router];
      --flits_in_network_;
      Route(router, Flit{run.packet, 0});
      if (--run.flits == 0) inject_[router].pop_front();
      ++counters_.flits_injected;
    }
    for (int port = 0; port < kPorts; ++port) {
      FlitQueue& q = out_[router * kPorts + port];
      if (q.empty()) continue;
      const Flit f = q.front();
      q.pop_front();
      --work_[router];
      counters_.contention_stalls += static_cast<int64_t>(q.size());
      if (port == kLocal) {
        --flits_in_network_;
        Eject(router, f.packet, packets_[f.packet].tree[f.node].destination);
        continue;
      }
      Link& link = links_[router * kPorts + port];
      link.slots[sending] = f;
      ++counters_.flit_hops;
      AddWork(link.to, 1);
    }
  }
  size_t keep = 0;
  for (const int router : active_) {
    if (work_[router] > 0) {
      active_[keep++] = router;
    } else {
      is_active_[router] = false;
    }
  }
  active_.resize(keep);
}

bool NocCore::HasDelivery(int node) const {
  return node >= 0 && node < nodes() && !delivered_[node].empty();
}

NocDelivery NocCore::PopDelivery(int node) {
  if (!HasDelivery(node)) {
    throw std::logic_error("noc '" + name_ + "': PopDelivery(" + std::to_string(node) +
                           ") with nothing delivered there (check HasDelivery first)");
  }
  NocDelivery d = std::move(delivered_[node].front());
  delivered_[node].pop_front();
  return d;
}

}  // namespace mixpe
