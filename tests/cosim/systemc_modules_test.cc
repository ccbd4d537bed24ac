// The co-simulation's sc_modules (DramModel, Noc, SramBuffer) under one sc_clock, stepped in a
// fixed order by one clocked SC_METHOD as the co-simulation top does (docs/cosim.md): a tile read
// from DRAM, multicast over the mesh to the west edge of every array row, written into a
// double-buffered SRAM, swapped and read back. Every cycle is hand-computed. Exit code 0: pass.
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>
#include <systemc>
#include <utility>
#include <vector>

#include "sim/cosim/dram_model.h"
#include "sim/cosim/noc.h"
#include "sim/cosim/sram_buffer.h"
#include "tests/cosim/array_edge_nodes.h"

namespace mixpe {
namespace {

constexpr int kRows = 4;
constexpr int kCols = 4;
constexpr int kTileBytes = 256;
constexpr int kWordBytes = 8;
constexpr int kWords = kTileBytes / kWordBytes;

DramParams TestDram() {
  DramParams p;
  p.bandwidth_bytes_per_cycle = 64;
  p.latency_cycles = 10;
  p.burst_bytes = 64;
  p.banks = 1;
  p.row_buffer_bytes = 2048;
  p.row_miss_cycles = 0;
  return p;
}

NocParams TestNoc() {
  const ArrayEdgeNodes map{kRows, kCols};
  NocParams p;
  p.topology = NocTopology::kMesh;
  p.link_bytes = 32;
  p.hop_latency_cycles = 1;
  p.mesh_columns = map.mesh_columns();
  p.mesh_rows = map.mesh_rows();
  return p;
}

SramParams TestSram() {
  SramParams p;
  p.capacity_bytes = 2 * kTileBytes;
  p.banks = 4;
  p.word_bits = 8 * kWordBytes;
  p.ports = 1;
  p.double_buffered = true;
  return p;
}

class TestTop : public sc_core::sc_module {
 public:
  sc_core::sc_in<bool> clk;

  SC_HAS_PROCESS(TestTop);
  explicit TestTop(sc_core::sc_module_name name)
      : sc_core::sc_module(name),
        clk("clk"),
        dram_("dram", TestDram(), 4096),
        noc_("noc", TestNoc()),
        sram_("sram", TestSram()) {
    SC_METHOD(OnRisingEdge);
    sensitive << clk.pos();
    dont_initialize();
    std::vector<uint8_t> tile(kTileBytes);
    for (int i = 0; i < kTileBytes; ++i) tile[i] = static_cast<uint8_t>(i * 37 + 5);
    dram_.core().Preload(0, tile);
  }

  // What the run saw, for sc_main to check.
  int64_t cycles = 0;
  int64_t dram_done = -1;
  std::vector<int64_t> delivered = std::vector<int64_t>(kRows, -1);
  int64_t filled = -1;     // the cycle the last word was written
  int64_t read_back = -1;  // the cycle the last word was read
  std::vector<std::string> errors;

  const DramModel& dram() const { return dram_; }
  const Noc& noc() const { return noc_; }
  SramBuffer& sram() { return sram_; }

 private:
  // Cycle `cycles`: the controller uses what the components produced up to the last cycle and
  // makes this cycle's requests and accesses; then every component steps, in a fixed order.
  void OnRisingEdge() {
    const ArrayEdgeNodes map{kRows, kCols};
    if (cycles == 0 && !dram_.Read(0, kTileBytes, 1)) errors.push_back("DRAM refused the read");
    if (dram_.HasCompletion()) {
      DramCompletion done = dram_.PopCompletion();
      dram_done = cycles;
      std::vector<int> rows;
      for (int r = 0; r < kRows; ++r) rows.push_back(map.RowWest(r));
      noc_.Send(map.Controller(), rows, std::move(done.data), 2);
    }
    for (int r = 0; r < kRows; ++r) {
      if (!noc_.HasDelivery(map.RowWest(r))) continue;
      const NocDelivery d = noc_.PopDelivery(map.RowWest(r));
      delivered[r] = cycles;
      if (*d.payload != dram_.core().Peek(0, kTileBytes)) {
        errors.push_back("row " + std::to_string(r) + " received other bytes than DRAM holds");
      }
      if (r == 0) tile_ = *d.payload;
    }
    // Row 0's slice of the buffer: as many words per cycle as the banks take, the rest retried.
    if (!tile_.empty() && next_write_ < kWords) {
      while (next_write_ < kWords &&
             sram_.Write(sram_.WriteHalf(), next_write_, &tile_[next_write_ * kWordBytes])) {
        ++next_write_;
      }
      if (next_write_ == kWords) {
        filled = cycles;
        sram_.Swap();
      }
    } else if (next_write_ == kWords && next_read_ < kWords) {
      uint8_t word[kWordBytes];
      while (next_read_ < kWords && sram_.Read(sram_.ReadHalf(), next_read_, word)) {
        if (std::memcmp(word, &tile_[next_read_ * kWordBytes], kWordBytes) != 0) {
          errors.push_back("SRAM word " + std::to_string(next_read_) + " differs");
        }
        ++next_read_;
      }
      if (next_read_ == kWords) read_back = cycles;
    }
    dram_.Step();
    noc_.Step();
    sram_.Step();
    ++cycles;
  }

  DramModel dram_;
  Noc noc_;
  SramBuffer sram_;
  std::vector<uint8_t> tile_;
  int next_write_ = 0;
  int next_read_ = 0;
};

int failures = 0;

void Expect(bool ok, const std::string& what) {
  std::printf("%s %s\n", ok ? "ok  " : "FAIL", what.c_str());
  if (!ok) ++failures;
}

void ExpectEq(int64_t got, int64_t want, const std::string& what) {
  Expect(got == want,
         what + ": " + std::to_string(got) + " (expected " + std::to_string(want) + ")");
}

}  // namespace
}  // namespace mixpe

int sc_main(int, char*[]) {
  using namespace mixpe;
  sc_core::sc_clock clock("clock", 1, sc_core::SC_NS);
  TestTop top("top");
  top.clk(clock);
  sc_core::sc_start(100, sc_core::SC_NS);

  Expect(std::string(top.dram().name()) == "top.dram" && std::string(top.noc().name()) == "top.noc",
         "the components are named children of the top");
  for (const std::string& e : top.errors) Expect(false, e);
  // Rising edges at 0, 1, ..., 99 ns: 100 cycles, and every component stepped in each.
  ExpectEq(top.cycles, 100, "clock cycles");
  ExpectEq(top.dram().Now(), 100, "DRAM cycles");
  ExpectEq(top.noc().Now(), 100, "NoC cycles");
  ExpectEq(top.sram().Now(), 100, "SRAM cycles");
  // 256 bytes: latency 10 + 4 bursts.
  ExpectEq(top.dram_done, 14, "DRAM read usable at");
  // 8 flits of 32 bytes sent at 14, row r's node r + 1 hops down column 0: 14 + (r + 1) + 8.
  for (int r = 0; r < kRows; ++r) {
    ExpectEq(top.delivered[r], 14 + (r + 1) + 8, "row " + std::to_string(r) + " delivery at");
  }
  // 32 words, 4 banks of 1 port: 4 words per cycle from cycle 23, the 5th refused in 7 of the 8
  // cycles; then read back the same way from cycle 31.
  ExpectEq(top.filled, 30, "SRAM filled at");
  ExpectEq(top.read_back, 38, "SRAM read back at");
  ExpectEq(top.sram().counters().conflicts, 14, "SRAM conflicts");
  ExpectEq(top.noc().counters().flit_hops, 8 * kRows, "NoC flit-hops (one chain of 4 links)");
  ExpectEq(top.dram().counters().bursts, 4, "DRAM bursts");
  try {
    top.sram().Write(top.sram().ReadHalf(), 0, nullptr);
    Expect(false, "a write to the half being read throws");
  } catch (const std::logic_error& e) {
    Expect(std::string(e.what()).find("sram 'top.sram'") == 0,
           std::string("misuse names the buffer: ") + e.what());
  }
  std::printf("%s\n", failures == 0 ? "PASS" : "FAILED");
  return failures == 0 ? 0 : 1;
}
