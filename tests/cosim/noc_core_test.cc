// Tests of NocCore (sim/cosim/noc_core.h): node numbering, bus serialization, mesh XY routes and
// latencies, contention and its tie-break order, multicast trees, errors; every cycle and count
// hand-computed. With no contention a packet of F flits sent in cycle t over H hops of latency L
// is usable at t + H*L + F (docs/cosim.md).
#include "sim/cosim/noc_core.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "tests/cosim/array_edge_nodes.h"

namespace mixpe {
namespace {

NocParams Mesh(int columns, int rows, int link_bytes = 16, int hop_latency = 1) {
  NocParams p;
  p.topology = NocTopology::kMesh;
  p.mesh_columns = columns;
  p.mesh_rows = rows;
  p.link_bytes = link_bytes;
  p.hop_latency_cycles = hop_latency;
  return p;
}

NocParams Bus(int nodes, int link_bytes = 16, int hop_latency = 1) {
  NocParams p = Mesh(nodes, 1, link_bytes, hop_latency);
  p.topology = NocTopology::kBus;
  return p;
}

std::vector<uint8_t> Bytes(int n, int seed) {
  std::vector<uint8_t> v(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) v[i] = static_cast<uint8_t>(i * 13 + seed);
  return v;
}

// Steps `cycles` times and returns every delivery: node -> deliveries in order.
std::map<int, std::vector<NocDelivery>> StepAndCollect(NocCore& noc, int cycles) {
  std::map<int, std::vector<NocDelivery>> got;
  for (int i = 0; i < cycles; ++i) {
    noc.Step();
    for (int n = 0; n < noc.nodes(); ++n) {
      while (noc.HasDelivery(n)) got[n].push_back(noc.PopDelivery(n));
    }
  }
  return got;
}

TEST(NocCore, NodeNumberingIsRowMajorFromTheNorthWestCorner) {
  const NocCore noc(Mesh(4, 3), "noc");
  EXPECT_EQ(noc.nodes(), 12);
  EXPECT_EQ(noc.NodeAt(2, 1), 6);
  EXPECT_EQ(noc.NodeX(6), 2);
  EXPECT_EQ(noc.NodeY(6), 1);
  EXPECT_EQ(noc.Hops(0, 11), 5);  // (0,0) -> (3,2)
  EXPECT_EQ(noc.Hops(7, 4), 3);   // (3,1) -> (0,1)
  EXPECT_EQ(noc.Hops(5, 5), 0);
  const NocCore bus(Bus(12), "bus");
  EXPECT_EQ(bus.Hops(0, 11), 1);
}

TEST(NocCore, ArrayEdgeNodesRunAlongTheMeshEdges) {
  const ArrayEdgeNodes map{4, 3};  // 4 rows, 3 columns: a 4 x 5 mesh
  EXPECT_EQ(map.mesh_columns(), 4);
  EXPECT_EQ(map.mesh_rows(), 5);
  const NocCore noc(Mesh(map.mesh_columns(), map.mesh_rows()), "noc");
  for (int r = 0; r < 4; ++r) {
    EXPECT_EQ(noc.NodeX(map.RowWest(r)), 0);
    EXPECT_EQ(noc.NodeY(map.RowWest(r)), r + 1);
    EXPECT_EQ(noc.Hops(map.Controller(), map.RowWest(r)), r + 1);
  }
  for (int c = 0; c < 3; ++c) {
    EXPECT_EQ(noc.NodeX(map.ColumnNorth(c)), c + 1);
    EXPECT_EQ(noc.NodeY(map.ColumnNorth(c)), 0);
    EXPECT_EQ(noc.Hops(map.Controller(), map.ColumnNorth(c)), c + 1);
  }
}

// 40 bytes in 16-byte flits: 3 flits over 5 hops. Usable at 0 + 5*L + 3.
class MeshUnicastLatency : public ::testing::TestWithParam<int> {};

TEST_P(MeshUnicastLatency, HeadLatencyPerHopPlusOneCyclePerFlit) {
  const int latency = GetParam();
  NocCore noc(Mesh(4, 3, 16, latency), "noc");
  const uint64_t id = noc.Send(0, {11}, Bytes(40, 1), 77);
  const int64_t expected = 5 * latency + 3;
  auto got = StepAndCollect(noc, static_cast<int>(expected) - 1);
  EXPECT_TRUE(got.empty()) << "delivered before cycle " << expected;
  got = StepAndCollect(noc, 1);
  ASSERT_EQ(got[11].size(), 1u);
  const NocDelivery& d = got[11][0];
  EXPECT_EQ(d.packet, id);
  EXPECT_EQ(d.tag, 77u);
  EXPECT_EQ(d.source, 0);
  EXPECT_EQ(d.hops, 5);
  EXPECT_EQ(d.send_cycle, 0);
  EXPECT_EQ(d.delivered_cycle, expected);
  EXPECT_EQ(*d.payload, Bytes(40, 1));
  EXPECT_TRUE(noc.Idle());
  const NocCounters& c = noc.counters();
  EXPECT_EQ(c.packets_sent, 1);
  EXPECT_EQ(c.flits_injected, 3);
  EXPECT_EQ(c.flit_hops, 15);
  EXPECT_EQ(c.contention_stalls, 0);
  EXPECT_EQ(c.packets_delivered, 1);
  EXPECT_EQ(c.bytes_delivered, 40);
}

INSTANTIATE_TEST_SUITE_P(HopLatency, MeshUnicastLatency, ::testing::Values(1, 2, 3));

// A packet sent in cycle 4 counts from there; a packet to its own node takes F cycles, no hop.
TEST(NocCore, LatencyCountsFromTheSendCycleAndLocalDeliveryHasNoHop) {
  NocCore noc(Mesh(3, 3, 8, 2), "noc");
  StepAndCollect(noc, 4);
  noc.Send(4, {4, 8}, Bytes(20, 0), 0);  // 3 flits; node 8 = (2,2) is 2 hops from (1,1)
  const auto got = StepAndCollect(noc, 20);
  ASSERT_EQ(got.at(4).size(), 1u);
  EXPECT_EQ(got.at(4)[0].send_cycle, 4);
  EXPECT_EQ(got.at(4)[0].delivered_cycle, 4 + 3);
  EXPECT_EQ(got.at(4)[0].hops, 0);
  ASSERT_EQ(got.at(8).size(), 1u);
  EXPECT_EQ(got.at(8)[0].delivered_cycle, 4 + 2 * 2 + 3);
  EXPECT_EQ(noc.counters().flit_hops, 3 * 2);
}

// Routes go along x first. A from (0,0) to (2,1) and B, injected one cycle later at (1,0), to
// (2,0): both want the link (1,0) -> (2,0) in cycle 1 (a Y-first route of A would not). A, already
// in the network, wins; B waits one cycle and is usable at 4 instead of 1 + 1 + 1 = 3.
TEST(NocCore, MeshRoutesXFirstAndFlitsInTheNetworkBeatInjection) {
  NocCore noc(Mesh(3, 2), "noc");
  noc.Send(0, {5}, Bytes(16, 0), 1);
  StepAndCollect(noc, 1);
  noc.Send(1, {2}, Bytes(16, 0), 2);
  const auto got = StepAndCollect(noc, 10);
  ASSERT_EQ(got.at(5).size(), 1u);
  EXPECT_EQ(got.at(5)[0].delivered_cycle, 0 + 3 + 1);
  ASSERT_EQ(got.at(2).size(), 1u);
  EXPECT_EQ(got.at(2)[0].delivered_cycle, 4);
  EXPECT_EQ(noc.counters().contention_stalls, 1);
  EXPECT_EQ(noc.counters().flit_hops, 3 + 1);
}

// A line of 3 nodes; A: 2 flits 0 -> 2, B: 2 flits 1 -> 2, both sent in cycle 0. On the link
// 1 -> 2, FCFS with arrivals before injection: B0 (cycle 0), A0 (1), B1 (2, waited 1), A1 (3,
// waited 1). B is usable at 4, A at 5 (alone: 3 and 4).
TEST(NocCore, SharedLinkSerializesFirstComeFirstServed) {
  NocCore noc(Mesh(3, 1), "noc");
  noc.Send(0, {2}, Bytes(32, 1), 1);
  noc.Send(1, {2}, Bytes(32, 2), 2);
  const auto got = StepAndCollect(noc, 10);
  ASSERT_EQ(got.at(2).size(), 2u);
  EXPECT_EQ(got.at(2)[0].tag, 2u);
  EXPECT_EQ(got.at(2)[0].delivered_cycle, 4);
  EXPECT_EQ(*got.at(2)[0].payload, Bytes(32, 2));
  EXPECT_EQ(got.at(2)[1].tag, 1u);
  EXPECT_EQ(got.at(2)[1].delivered_cycle, 5);
  EXPECT_EQ(*got.at(2)[1].payload, Bytes(32, 1));
  EXPECT_EQ(noc.counters().contention_stalls, 2);
  EXPECT_EQ(noc.counters().flit_hops, 2 * 2 + 2 * 1);
}

// Two flits reach node 1 in the same cycle, from the east and from the west: the node ejects one
// flit per cycle, the east input first (tie order north, east, south, west, local).
TEST(NocCore, EjectionTakesOneFlitPerCycleInTieOrder) {
  NocCore noc(Mesh(3, 1), "noc");
  noc.Send(0, {1}, Bytes(4, 0), 10);
  noc.Send(2, {1}, Bytes(4, 0), 20);
  const auto got = StepAndCollect(noc, 5);
  ASSERT_EQ(got.at(1).size(), 2u);
  EXPECT_EQ(got.at(1)[0].tag, 20u);
  EXPECT_EQ(got.at(1)[0].delivered_cycle, 2);
  EXPECT_EQ(got.at(1)[1].tag, 10u);
  EXPECT_EQ(got.at(1)[1].delivered_cycle, 3);
  EXPECT_EQ(noc.counters().contention_stalls, 1);
}

// From (0,0) to (2,1), (2,2) and (1,2) on a 3 x 3 mesh. The XY paths share links; the tree has 6:
// (0,0)>(1,0), (1,0)>(2,0), (2,0)>(2,1), (2,1)>(2,2), (1,0)>(1,1), (1,1)>(1,2). Three unicasts
// would cross 3 + 4 + 3 = 10. Two flits each.
TEST(NocCore, MulticastCrossesEachTreeLinkOnce) {
  NocCore noc(Mesh(3, 3), "noc");
  const std::vector<int> dests = {noc.NodeAt(2, 1), noc.NodeAt(2, 2), noc.NodeAt(1, 2)};
  noc.Send(0, dests, Bytes(20, 4), 9);
  const auto got = StepAndCollect(noc, 20);
  const std::vector<int64_t> expected_cycle = {3 + 2, 4 + 2, 3 + 2};
  for (size_t i = 0; i < dests.size(); ++i) {
    ASSERT_EQ(got.at(dests[i]).size(), 1u) << "node " << dests[i];
    EXPECT_EQ(got.at(dests[i])[0].delivered_cycle, expected_cycle[i]) << "node " << dests[i];
    EXPECT_EQ(*got.at(dests[i])[0].payload, Bytes(20, 4));
  }
  const NocCounters& c = noc.counters();
  EXPECT_EQ(c.flits_injected, 2);
  EXPECT_EQ(c.flit_hops, 6 * 2);
  EXPECT_EQ(c.contention_stalls, 0);
  EXPECT_EQ(c.packets_delivered, 3);
  EXPECT_EQ(c.bytes_delivered, 3 * 20);

  NocCore unicast(Mesh(3, 3), "noc");
  for (int d : dests) unicast.Send(0, {d}, Bytes(20, 4), 9);
  StepAndCollect(unicast, 30);
  EXPECT_EQ(unicast.counters().flit_hops, 10 * 2);
}

// The controller multicasts to the west edge of every array row: one chain of `rows` links down
// column 0, row r usable at (r + 1) * L + F.
TEST(NocCore, MulticastToEveryArrayRowIsOneChain) {
  const ArrayEdgeNodes map{4, 4};
  NocCore noc(Mesh(map.mesh_columns(), map.mesh_rows(), 32, 2), "noc");
  std::vector<int> rows;
  for (int r = 0; r < 4; ++r) rows.push_back(map.RowWest(r));
  noc.Send(map.Controller(), rows, Bytes(256, 0), 0);  // 8 flits
  const auto got = StepAndCollect(noc, 40);
  for (int r = 0; r < 4; ++r) {
    ASSERT_EQ(got.at(rows[r]).size(), 1u);
    EXPECT_EQ(got.at(rows[r])[0].delivered_cycle, (r + 1) * 2 + 8);
  }
  EXPECT_EQ(noc.counters().flit_hops, 8 * 4);
}

// Bus, latency 2: node 0 sends 3 flits to node 1, node 2 sends 2 to node 3, both in cycle 0.
// Round robin from node 0: the bus carries A0 B0 A1 B1 A2 in cycles 0..4; whoever is not granted
// while waiting stalls (cycles 0..3). B's last flit arrives at 3 + 2, A's at 4 + 2.
TEST(NocCore, BusCarriesOneFlitPerCycleRoundRobin) {
  NocCore noc(Bus(4, 16, 2), "bus");
  noc.Send(0, {1}, Bytes(48, 0), 1);
  noc.Send(2, {3}, Bytes(32, 0), 2);
  const auto got = StepAndCollect(noc, 12);
  ASSERT_EQ(got.at(1).size(), 1u);
  EXPECT_EQ(got.at(1)[0].delivered_cycle, 7);
  EXPECT_EQ(got.at(1)[0].hops, 1);
  ASSERT_EQ(got.at(3).size(), 1u);
  EXPECT_EQ(got.at(3)[0].delivered_cycle, 6);
  const NocCounters& c = noc.counters();
  EXPECT_EQ(c.flits_injected, 5);
  EXPECT_EQ(c.flit_hops, 5);
  EXPECT_EQ(c.contention_stalls, 4);
}

// The same traffic on a bus of 2 lanes: A0 B0 in cycle 0, A1 B1 in 1, A2 in 2. B's last flit
// arrives at 1 + 2, A's at 2 + 2; each cycle with both waiting counts one stall.
TEST(NocCore, BusOfTwoLanesCarriesTwoFlitsPerCycle) {
  NocParams params = Bus(4, 16, 2);
  params.lanes = 2;
  NocCore noc(params, "bus");
  noc.Send(0, {1}, Bytes(48, 0), 1);
  noc.Send(2, {3}, Bytes(32, 0), 2);
  const auto got = StepAndCollect(noc, 12);
  ASSERT_EQ(got.at(1).size(), 1u);
  EXPECT_EQ(got.at(1)[0].delivered_cycle, 5);
  ASSERT_EQ(got.at(3).size(), 1u);
  EXPECT_EQ(got.at(3)[0].delivered_cycle, 4);
  EXPECT_EQ(noc.counters().flits_injected, 5);
  EXPECT_EQ(noc.counters().flit_hops, 5);
  EXPECT_EQ(noc.counters().contention_stalls, 2);
  NocParams mesh = Mesh(2, 2);
  mesh.lanes = 2;
  EXPECT_THROW(NocCore(mesh, "mesh"), std::invalid_argument);
}

// Alone on the bus: t + L + F, whatever the distance; a bus flit reaches every destination at once.
TEST(NocCore, BusBroadcastsAMulticastFlitOnce) {
  NocCore noc(Bus(8, 16, 3), "bus");
  noc.Send(5, {0, 1, 7}, Bytes(32, 0), 0);
  const auto got = StepAndCollect(noc, 10);
  for (int d : {0, 1, 7}) {
    ASSERT_EQ(got.at(d).size(), 1u);
    EXPECT_EQ(got.at(d)[0].delivered_cycle, 3 + 2);
  }
  EXPECT_EQ(noc.counters().flit_hops, 2);
}

// Random traffic (seed printed): every packet reaches each of its destinations once, intact, no
// sooner than alone on the network, and every flit-hop is a link of some tree.
TEST(NocCore, RandomTrafficDeliversEverythingOnce) {
  for (const NocTopology topology : {NocTopology::kMesh, NocTopology::kBus}) {
    const unsigned seed = 20240611u;
    SCOPED_TRACE("seed " + std::to_string(seed));
    std::mt19937 rng(seed);
    NocParams p = Mesh(4, 4, 8, 2);
    p.topology = topology;
    NocCore noc(p, "noc");
    struct Sent {
      int source;
      std::vector<int> dests;
      std::vector<uint8_t> payload;
      int64_t cycle;
    };
    std::map<uint64_t, Sent> sent;
    std::map<uint64_t, std::vector<int>> received;
    for (int cycle = 0; cycle < 400; ++cycle) {
      if (cycle < 300 && rng() % 3 == 0) {
        const int source = static_cast<int>(rng() % 16);
        std::vector<int> dests;
        for (int n = 0; n < 16; ++n) {
          if (rng() % 5 == 0) dests.push_back(n);
        }
        if (dests.empty()) dests.push_back(static_cast<int>(rng() % 16));
        const std::vector<uint8_t> payload = Bytes(static_cast<int>(rng() % 40), cycle);
        const uint64_t id = noc.Send(source, dests, payload, 0);
        sent[id] = {source, dests, payload, cycle};
      }
      noc.Step();
      for (int n = 0; n < 16; ++n) {
        while (noc.HasDelivery(n)) {
          const NocDelivery d = noc.PopDelivery(n);
          const Sent& s = sent.at(d.packet);
          EXPECT_EQ(*d.payload, s.payload);
          const int64_t flits = std::max<int64_t>(1, (s.payload.size() + 7) / 8);
          EXPECT_GE(d.delivered_cycle, s.cycle + int64_t{d.hops} * 2 + flits);
          received[d.packet].push_back(n);
        }
      }
    }
    EXPECT_TRUE(noc.Idle());
    for (auto& [id, s] : sent) {
      std::vector<int> got = received[id];
      std::sort(got.begin(), got.end());
      std::sort(s.dests.begin(), s.dests.end());
      EXPECT_EQ(got, s.dests) << "packet " << id;
    }
  }
}

TEST(NocCore, BadPacketsThrowNamingTheNetwork) {
  NocCore noc(Mesh(2, 2), "top.noc");
  try {
    noc.Send(0, {4}, Bytes(4, 0), 0);
    FAIL() << "expected std::out_of_range";
  } catch (const std::out_of_range& e) {
    EXPECT_EQ(std::string(e.what()), "noc 'top.noc': destination node 4 outside [0, 4)");
  }
  EXPECT_THROW(noc.Send(-1, {1}, Bytes(4, 0), 0), std::out_of_range);
  try {
    noc.Send(0, {1, 3, 1}, Bytes(4, 0), 0);
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()), "noc 'top.noc': destination node 1 listed twice");
  }
  EXPECT_THROW(noc.Send(0, {}, Bytes(4, 0), 0), std::invalid_argument);
  EXPECT_THROW(noc.PopDelivery(1), std::logic_error);
  EXPECT_TRUE(noc.Idle());
}

// An empty payload still takes one flit (a token: "tile done", say).
TEST(NocCore, EmptyPayloadIsOneFlit) {
  NocCore noc(Mesh(2, 1), "noc");
  noc.Send(0, {1}, {}, 3);
  const auto got = StepAndCollect(noc, 5);
  ASSERT_EQ(got.at(1).size(), 1u);
  EXPECT_EQ(got.at(1)[0].delivered_cycle, 1 + 1);
  EXPECT_TRUE(got.at(1)[0].payload->empty());
}

TEST(NocCore, RejectsImpossibleParameters) {
  try {
    NocCore noc(Mesh(2, 2, 16, 0), "top.noc");
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()),
              "noc 'top.noc': hop_latency_cycles must be >= 1 (a flit needs a cycle to cross a "
              "link)");
  }
  EXPECT_THROW(NocCore(Mesh(2, 2, 0, 1), "n"), std::invalid_argument);
  EXPECT_THROW(NocCore(Mesh(0, 2), "n"), std::invalid_argument);
}

}  // namespace
}  // namespace mixpe
