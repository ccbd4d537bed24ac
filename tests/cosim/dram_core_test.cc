// Tests of DramCore (sim/cosim/dram_core.h): latency, bandwidth, bursts, open rows and banks,
// in-order completion, the request queue and errors, each against a hand-computed cycle.
#include "sim/cosim/dram_core.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace mixpe {
namespace {

DramParams Flat(int64_t bandwidth, int latency, int64_t burst) {
  DramParams p;
  p.bandwidth_bytes_per_cycle = bandwidth;
  p.latency_cycles = latency;
  p.burst_bytes = burst;
  p.banks = 1;
  p.row_buffer_bytes = 4096;
  p.row_miss_cycles = 0;
  return p;
}

// Rows of 1 KiB, 5 cycles to open one, 10 cycles of latency, one 64-byte burst per cycle.
DramParams Banked(int banks) {
  DramParams p = Flat(64, 10, 64);
  p.banks = banks;
  p.row_buffer_bytes = 1024;
  p.row_miss_cycles = 5;
  return p;
}

std::vector<uint8_t> Pattern(int64_t n, int seed) {
  std::vector<uint8_t> v(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) v[i] = static_cast<uint8_t>(i * 7 + seed);
  return v;
}

// Steps until `count` requests completed (at most `limit` cycles) and returns them in order.
std::vector<DramCompletion> StepUntilDone(DramCore& dram, size_t count, int limit = 1000) {
  std::vector<DramCompletion> done;
  for (int i = 0; i < limit && done.size() < count; ++i) {
    dram.Step();
    while (dram.HasCompletion()) done.push_back(dram.PopCompletion());
  }
  return done;
}

// 256 bytes at 64 B/cycle after 10 cycles of latency: data moves in cycles 10..13, usable at 14.
TEST(DramCore, LatencyThenOneBurstPerCycle) {
  DramCore dram(Flat(64, 10, 64), 4096, "dram");
  dram.Preload(0, Pattern(256, 1));
  ASSERT_TRUE(dram.Read(0, 256, 42));
  for (int i = 0; i < 13; ++i) dram.Step();
  EXPECT_FALSE(dram.HasCompletion()) << "complete before its last burst moved";
  dram.Step();
  ASSERT_TRUE(dram.HasCompletion());
  const DramCompletion done = dram.PopCompletion();
  EXPECT_EQ(done.tag, 42u);
  EXPECT_FALSE(done.write);
  EXPECT_EQ(done.accept_cycle, 0);
  EXPECT_EQ(done.done_cycle, 14);
  EXPECT_EQ(done.data, Pattern(256, 1));
  EXPECT_TRUE(dram.Idle());
  const DramCounters& c = dram.counters();
  EXPECT_EQ(c.bursts, 4);
  EXPECT_EQ(c.busy_cycles, 4);
  EXPECT_EQ(c.bytes_read, 256);
  EXPECT_EQ(c.reads, 1);
  EXPECT_EQ(c.cycles, 14);
  EXPECT_EQ(c.row_misses, 1);  // the bank starts with no row open
  EXPECT_EQ(c.row_hits, 3);
}

// A request accepted at cycle 5 counts its latency from there: 5 + 3 + 2 bursts = 10.
TEST(DramCore, LatencyCountsFromTheAcceptCycle) {
  DramCore dram(Flat(64, 3, 64), 1024, "dram");
  for (int i = 0; i < 5; ++i) dram.Step();
  ASSERT_TRUE(dram.Read(128, 128, 0));
  const std::vector<DramCompletion> done = StepUntilDone(dram, 1);
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].accept_cycle, 5);
  EXPECT_EQ(done[0].done_cycle, 10);
}

// A 64-byte burst over a 16 B/cycle bus takes 4 cycles: 2 bursts after latency 2 end at 2 + 8.
TEST(DramCore, BurstWiderThanTheBusTakesSeveralCycles) {
  DramCore dram(Flat(16, 2, 64), 1024, "dram");
  ASSERT_TRUE(dram.Read(0, 128, 0));
  const std::vector<DramCompletion> done = StepUntilDone(dram, 1);
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].done_cycle, 10);
  EXPECT_EQ(dram.counters().busy_cycles, 8);
  EXPECT_EQ(dram.counters().bursts, 2);
}

// Four 32-byte bursts per cycle on a 128 B/cycle bus: 8 bursts after latency 3 end at 3 + 2.
TEST(DramCore, SeveralBurstsPerCycleOnAWideBus) {
  DramCore dram(Flat(128, 3, 32), 1024, "dram");
  ASSERT_TRUE(dram.Read(0, 256, 0));
  const std::vector<DramCompletion> done = StepUntilDone(dram, 1);
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].done_cycle, 5);
  EXPECT_EQ(dram.counters().busy_cycles, 2);
  EXPECT_EQ(dram.counters().bursts, 8);
}

// 64 bytes at address 32 straddle two aligned bursts: two cycles of the bus, 64 useful bytes.
TEST(DramCore, UnalignedRequestPaysForWholeBursts) {
  DramCore dram(Flat(64, 0, 64), 1024, "dram");
  dram.Preload(0, Pattern(1024, 3));
  ASSERT_TRUE(dram.Read(32, 64, 0));
  const std::vector<DramCompletion> done = StepUntilDone(dram, 1);
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].done_cycle, 2);
  const std::vector<uint8_t> image = Pattern(1024, 3);
  EXPECT_EQ(done[0].data, std::vector<uint8_t>(image.begin() + 32, image.begin() + 96));
  EXPECT_EQ(dram.counters().bursts, 2);
  EXPECT_EQ(dram.counters().bytes_read, 64);
}

// Two requests accepted together share the bus: the second's bursts follow the first's.
TEST(DramCore, BackToBackRequestsArePipelined) {
  DramCore dram(Flat(64, 10, 64), 1024, "dram");
  ASSERT_TRUE(dram.Read(0, 128, 1));
  ASSERT_TRUE(dram.Read(512, 128, 2));
  const std::vector<DramCompletion> done = StepUntilDone(dram, 2);
  ASSERT_EQ(done.size(), 2u);
  EXPECT_EQ(done[0].tag, 1u);
  EXPECT_EQ(done[0].done_cycle, 12);
  EXPECT_EQ(done[1].tag, 2u);
  EXPECT_EQ(done[1].done_cycle, 14);
}

// Open-row policy, one bank: a miss costs 5 more cycles than a hit.
TEST(DramCore, RowHitsAndMisses) {
  DramCore dram(Banked(1), 4096, "dram");
  ASSERT_TRUE(dram.Read(0, 64, 0));  // row 0, bank closed: 0 + 5 + 10, usable at 16
  std::vector<DramCompletion> done = StepUntilDone(dram, 1);
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].done_cycle, 16);
  ASSERT_TRUE(dram.Read(64, 64, 0));  // row 0 still open: 16 + 10, usable at 27
  done = StepUntilDone(dram, 1);
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].done_cycle, 27);
  ASSERT_TRUE(dram.Read(1024, 64, 0));  // row 1: 27 + 5 + 10, usable at 43
  done = StepUntilDone(dram, 1);
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].done_cycle, 43);
  EXPECT_EQ(dram.counters().row_hits, 1);
  EXPECT_EQ(dram.counters().row_misses, 2);
}

// Closing the rows (between layers) makes the next access to the row that was open a miss again,
// and is refused while requests are pending.
TEST(DramCore, ClosedRowsMissAgain) {
  DramCore dram(Banked(1), 4096, "dram");
  ASSERT_TRUE(dram.Read(0, 64, 0));
  ASSERT_EQ(StepUntilDone(dram, 1).size(), 1u);  // row 0 opened, usable at 16
  dram.CloseRows();
  ASSERT_TRUE(dram.Read(64, 64, 0));  // row 0 again, closed: 16 + 5 + 10, usable at 32
  EXPECT_THROW(dram.CloseRows(), std::logic_error);
  const std::vector<DramCompletion> done = StepUntilDone(dram, 1);
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].done_cycle, 32);
  EXPECT_EQ(dram.counters().row_hits, 0);
  EXPECT_EQ(dram.counters().row_misses, 2);
}

// Two interleaved streams (addresses 0, 1024, 64, 1088) accepted in cycle 0. One bank: every
// access changes the row, and each activation waits for the one before (columns at 5, 10, 15,
// 20), so data is ready at 15, 20, 25, 30. Two banks: the rows live in different banks, both
// open at cycle 5 and stay open: all four ready at 15, moved in 15..18.
TEST(DramCore, BanksKeepInterleavedStreamsInTheirRows) {
  const std::vector<int64_t> addresses = {0, 1024, 64, 1088};
  DramCore one(Banked(1), 4096, "one_bank");
  DramCore two(Banked(2), 4096, "two_banks");
  EXPECT_EQ(two.BankOf(0), 0);
  EXPECT_EQ(two.BankOf(1024), 1);
  EXPECT_EQ(two.BankOf(2048), 0);
  EXPECT_EQ(two.RowOf(2048), 1);
  for (int64_t a : addresses) {
    ASSERT_TRUE(one.Read(a, 64, 0));
    ASSERT_TRUE(two.Read(a, 64, 0));
  }
  std::vector<int64_t> one_done, two_done;
  for (const DramCompletion& d : StepUntilDone(one, 4)) one_done.push_back(d.done_cycle);
  for (const DramCompletion& d : StepUntilDone(two, 4)) two_done.push_back(d.done_cycle);
  EXPECT_EQ(one_done, (std::vector<int64_t>{16, 21, 26, 31}));
  EXPECT_EQ(two_done, (std::vector<int64_t>{16, 17, 18, 19}));
  EXPECT_EQ(one.counters().row_misses, 4);
  EXPECT_EQ(one.counters().row_hits, 0);
  EXPECT_EQ(two.counters().row_misses, 2);
  EXPECT_EQ(two.counters().row_hits, 2);
}

// A hit whose data is ready early still completes after an older request held up by a miss.
TEST(DramCore, CompletesInAcceptOrder) {
  DramCore dram(Banked(2), 4096, "dram");
  ASSERT_TRUE(dram.Read(0, 64, 0));  // opens row 0 of bank 0
  ASSERT_EQ(StepUntilDone(dram, 1).size(), 1u);
  const int64_t t = dram.Now();         // 16
  ASSERT_TRUE(dram.Read(1024, 64, 1));  // bank 1 closed: ready at t + 15
  ASSERT_TRUE(dram.Read(64, 64, 2));    // bank 0 hit: ready at t + 10, but behind tag 1
  const std::vector<DramCompletion> done = StepUntilDone(dram, 2);
  ASSERT_EQ(done.size(), 2u);
  EXPECT_EQ(done[0].tag, 1u);
  EXPECT_EQ(done[0].done_cycle, t + 16);
  EXPECT_EQ(done[1].tag, 2u);
  EXPECT_EQ(done[1].done_cycle, t + 17);
}

// Writes move real bytes into the image; a read accepted after a write sees it.
TEST(DramCore, ReadAfterWriteSeesTheWrittenBytes) {
  DramCore dram(Flat(32, 4, 32), 1024, "dram");
  ASSERT_TRUE(dram.Write(100, Pattern(50, 9), 1));
  ASSERT_TRUE(dram.Read(100, 50, 2));
  const std::vector<DramCompletion> done = StepUntilDone(dram, 2);
  ASSERT_EQ(done.size(), 2u);
  EXPECT_TRUE(done[0].write);
  EXPECT_TRUE(done[0].data.empty());
  // Bytes 100..149 touch the bursts at 96 and 128: 2 cycles for the write, 2 for the read.
  EXPECT_EQ(done[0].done_cycle, 4 + 2);
  EXPECT_EQ(done[1].done_cycle, 4 + 4);
  EXPECT_EQ(done[1].data, Pattern(50, 9));
  EXPECT_EQ(dram.Peek(100, 50), Pattern(50, 9));
  EXPECT_EQ(dram.counters().bytes_written, 50);
  EXPECT_EQ(dram.counters().bytes_read, 50);
  EXPECT_EQ(dram.counters().writes, 1);
}

TEST(DramCore, FullQueueRefusesAndCounts) {
  DramParams p = Flat(64, 2, 64);
  p.queue_requests = 2;
  DramCore dram(p, 1024, "dram");
  ASSERT_TRUE(dram.Read(0, 64, 1));
  ASSERT_TRUE(dram.Read(64, 64, 2));
  EXPECT_TRUE(dram.QueueFull());
  EXPECT_FALSE(dram.Read(128, 64, 3));
  EXPECT_FALSE(dram.Write(128, Pattern(8, 0), 3));
  EXPECT_EQ(dram.counters().queue_full_stalls, 2);
  EXPECT_EQ(dram.counters().reads, 2);
  EXPECT_EQ(dram.counters().writes, 0);
  dram.Step();
  dram.Step();
  dram.Step();  // the first request moved in cycle 2
  EXPECT_FALSE(dram.QueueFull());
  EXPECT_TRUE(dram.Read(128, 64, 3));
}

TEST(DramCore, OutOfRangeAndEmptyRequestsThrowNamingTheModel) {
  DramCore dram(Flat(64, 0, 64), 1024, "top.dram");
  try {
    dram.Read(1000, 32, 0);
    FAIL() << "expected std::out_of_range";
  } catch (const std::out_of_range& e) {
    EXPECT_EQ(std::string(e.what()),
              "dram 'top.dram': read of 32 bytes at 1000 is outside the image of 1024 bytes");
  }
  EXPECT_THROW(dram.Write(-1, Pattern(4, 0), 0), std::out_of_range);
  EXPECT_THROW(dram.Read(0, 0, 0), std::invalid_argument);
  EXPECT_THROW(dram.Peek(1020, 5), std::out_of_range);
  EXPECT_THROW(dram.PopCompletion(), std::logic_error);
  EXPECT_TRUE(dram.Idle());
}

TEST(DramCore, RejectsImpossibleParameters) {
  DramParams p = Flat(64, 0, 64);
  p.row_buffer_bytes = 96;
  try {
    DramCore dram(p, 1024, "top.dram");
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()),
              "dram 'top.dram': row_buffer_bytes (96) must be a positive multiple of "
              "burst_bytes (64)");
  }
  p = Flat(0, 0, 64);
  EXPECT_THROW(DramCore(p, 1024, "d"), std::invalid_argument);
  p = Flat(64, 0, 64);
  p.banks = 0;
  EXPECT_THROW(DramCore(p, 1024, "d"), std::invalid_argument);
  EXPECT_THROW(DramCore(Flat(64, 0, 64), 0, "d"), std::invalid_argument);
}

}  // namespace
}  // namespace mixpe
