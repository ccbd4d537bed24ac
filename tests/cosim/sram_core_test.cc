// Tests of SramCore (sim/cosim/sram_core.h): real bytes, bank ports and conflicts, ping/pong
// ownership, range errors and counters.
#include "sim/cosim/sram_core.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace mixpe {
namespace {

SramParams Params(int64_t capacity, int banks, int word_bits, int ports, bool double_buffered) {
  SramParams p;
  p.capacity_bytes = capacity;
  p.banks = banks;
  p.word_bits = word_bits;
  p.ports = ports;
  p.double_buffered = double_buffered;
  return p;
}

std::vector<uint8_t> Word(int bytes, int value) {
  std::vector<uint8_t> w(static_cast<size_t>(bytes));
  for (int i = 0; i < bytes; ++i) w[i] = static_cast<uint8_t>(value * 16 + i);
  return w;
}

TEST(SramCore, GeometryFollowsTheParameters) {
  const SramCore single(Params(512, 4, 64, 1, false), "buf");
  EXPECT_EQ(single.word_bytes(), 8);
  EXPECT_EQ(single.words_per_half(), 64);
  EXPECT_EQ(single.BankOf(5), 1);
  EXPECT_EQ(single.ReadHalf(), 0);
  EXPECT_EQ(single.WriteHalf(), 0);
  const SramCore pingpong(Params(512, 4, 64, 1, true), "buf");
  EXPECT_EQ(pingpong.words_per_half(), 32);
  EXPECT_EQ(pingpong.ReadHalf(), 0);
  EXPECT_EQ(pingpong.WriteHalf(), 1);
}

TEST(SramCore, ReadsBackWhatWasWritten) {
  SramCore sram(Params(512, 4, 64, 1, false), "buf");
  for (int w = 0; w < 64; ++w) {
    ASSERT_TRUE(sram.Write(0, w, Word(8, w).data()));
    sram.Step();  // one access per cycle never conflicts
  }
  for (int w = 0; w < 64; ++w) {
    std::vector<uint8_t> out(8);
    ASSERT_TRUE(sram.Read(0, w, out.data()));
    EXPECT_EQ(out, Word(8, w)) << "word " << w;
    sram.Step();
  }
  EXPECT_EQ(sram.counters().conflicts, 0);
}

// One port per bank, four banks: words 0..3 fit in one cycle, word 4 (bank 0 again) is refused
// until the next cycle. Reads and writes share the ports.
TEST(SramCore, AccessesBeyondABanksPortsAreRefused) {
  SramCore sram(Params(512, 4, 64, 1, false), "buf");
  for (int w = 0; w < 4; ++w) EXPECT_TRUE(sram.Write(0, w, Word(8, w).data())) << w;
  EXPECT_FALSE(sram.Write(0, 4, Word(8, 4).data()));
  std::vector<uint8_t> out(8, 0xAB);
  EXPECT_FALSE(sram.Read(0, 8, out.data()));
  EXPECT_EQ(out, std::vector<uint8_t>(8, 0xAB)) << "a refused read must not move data";
  EXPECT_EQ(sram.Peek(0, 4), std::vector<uint8_t>(8, 0)) << "a refused write must not move data";
  EXPECT_EQ(sram.counters().conflicts, 2);
  EXPECT_EQ(sram.counters().writes, 4);
  EXPECT_EQ(sram.counters().reads, 0);
  sram.Step();
  EXPECT_TRUE(sram.Write(0, 4, Word(8, 4).data()));  // bank 0's port in this cycle
  EXPECT_TRUE(sram.Read(0, 1, out.data()));          // bank 1
  EXPECT_EQ(out, Word(8, 1));
  EXPECT_FALSE(sram.Read(0, 0, out.data()));  // bank 0 again
  EXPECT_EQ(sram.counters().conflicts, 3);
  sram.Step();
  EXPECT_TRUE(sram.Read(0, 4, out.data()));
  EXPECT_EQ(out, Word(8, 4));
}

TEST(SramCore, TwoPortsTakeTwoAccessesPerBank) {
  SramCore sram(Params(256, 2, 32, 2, false), "buf");
  std::vector<uint8_t> out(4);
  EXPECT_TRUE(sram.Write(0, 0, Word(4, 1).data()));
  EXPECT_TRUE(sram.Read(0, 2, out.data()));   // bank 0, second port
  EXPECT_FALSE(sram.Read(0, 4, out.data()));  // bank 0, no port left
  EXPECT_TRUE(sram.Read(0, 1, out.data()));   // bank 1
  EXPECT_EQ(sram.counters().conflicts, 1);
}

// A write lands at once: a read of the same word later in the cycle sees the new bytes.
TEST(SramCore, AccessesTakeEffectInCallOrder) {
  SramCore sram(Params(256, 1, 32, 2, false), "buf");
  std::vector<uint8_t> out(4);
  ASSERT_TRUE(sram.Write(0, 7, Word(4, 3).data()));
  ASSERT_TRUE(sram.Read(0, 7, out.data()));
  EXPECT_EQ(out, Word(4, 3));
}

TEST(SramCore, DoubleBufferingSwapsOwnership) {
  SramCore sram(Params(512, 4, 64, 1, true), "top.abuf");
  std::vector<uint8_t> out(8);
  ASSERT_TRUE(sram.Write(1, 3, Word(8, 5).data()));  // fill half 1
  try {
    sram.Write(0, 3, Word(8, 6).data());
    FAIL() << "expected std::logic_error";
  } catch (const std::logic_error& e) {
    EXPECT_EQ(std::string(e.what()),
              "sram 'top.abuf': write of word 3 in half 0, which readers own until the next "
              "Swap()");
  }
  try {
    sram.Read(1, 3, out.data());
    FAIL() << "expected std::logic_error";
  } catch (const std::logic_error& e) {
    EXPECT_EQ(std::string(e.what()),
              "sram 'top.abuf': read of word 3 in half 1, which writers own until the next "
              "Swap()");
  }
  sram.Swap();
  EXPECT_EQ(sram.ReadHalf(), 1);
  EXPECT_EQ(sram.WriteHalf(), 0);
  sram.Step();
  ASSERT_TRUE(sram.Read(1, 3, out.data()));
  EXPECT_EQ(out, Word(8, 5));
  // The halves have their own banks: word 3 of half 0 is bank 3 of another memory.
  EXPECT_TRUE(sram.Write(0, 3, Word(8, 6).data()));
  EXPECT_THROW(sram.Write(1, 0, Word(8, 0).data()), std::logic_error);
  EXPECT_EQ(sram.counters().swaps, 1);
  EXPECT_EQ(sram.counters().conflicts, 0);
}

TEST(SramCore, SwapNeedsADoubleBuffer) {
  SramCore sram(Params(512, 4, 64, 1, false), "top.obuf");
  EXPECT_THROW(sram.Swap(), std::logic_error);
}

TEST(SramCore, OutOfRangeAccessesThrowNamingTheBuffer) {
  SramCore sram(Params(512, 4, 64, 1, true), "top.wbuf");
  std::vector<uint8_t> w(8);
  try {
    sram.Write(1, 32, w.data());
    FAIL() << "expected std::out_of_range";
  } catch (const std::out_of_range& e) {
    EXPECT_EQ(std::string(e.what()), "sram 'top.wbuf': write of word 32 outside [0, 32) of half 1");
  }
  EXPECT_THROW(sram.Read(0, -1, w.data()), std::out_of_range);
  EXPECT_THROW(sram.Write(2, 0, w.data()), std::out_of_range);
  EXPECT_THROW(sram.Peek(0, 32), std::out_of_range);
  SramCore single(Params(512, 4, 64, 1, false), "top.obuf");
  try {
    single.Read(1, 0, w.data());
    FAIL() << "expected std::out_of_range";
  } catch (const std::out_of_range& e) {
    EXPECT_EQ(std::string(e.what()),
              "sram 'top.obuf': read of half 1, but the buffer has only half 0 (not "
              "double-buffered)");
  }
}

TEST(SramCore, CountsAccessesAndBits) {
  SramCore sram(Params(64, 4, 32, 1, false), "buf");
  std::vector<uint8_t> w(4);
  ASSERT_TRUE(sram.Write(0, 0, w.data()));
  ASSERT_TRUE(sram.Write(0, 1, w.data()));
  ASSERT_TRUE(sram.Read(0, 2, w.data()));
  sram.Step();
  ASSERT_TRUE(sram.Read(0, 0, w.data()));
  ASSERT_TRUE(sram.Read(0, 1, w.data()));
  sram.Step();
  const SramCounters& c = sram.counters();
  EXPECT_EQ(c.writes, 2);
  EXPECT_EQ(c.reads, 3);
  EXPECT_EQ(c.write_bits, 64);
  EXPECT_EQ(c.read_bits, 96);
  EXPECT_EQ(c.cycles, 2);
  EXPECT_EQ(sram.Now(), 2);
}

TEST(SramCore, RejectsImpossibleParameters) {
  try {
    SramCore sram(Params(512, 4, 12, 1, false), "top.abuf");
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()),
              "sram 'top.abuf': word_bits (12) must be a positive multiple of 8");
  }
  try {
    SramCore sram(Params(96, 4, 64, 1, true), "top.abuf");
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()),
              "sram 'top.abuf': capacity_bytes (96) must be a positive multiple of word bytes x "
              "banks x 2 halves = 64");
  }
  EXPECT_THROW(SramCore(Params(512, 0, 64, 1, false), "b"), std::invalid_argument);
  EXPECT_THROW(SramCore(Params(512, 4, 64, 0, false), "b"), std::invalid_argument);
}

}  // namespace
}  // namespace mixpe
