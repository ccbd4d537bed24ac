// VerilatedArray<VArray>: drives a Verilated mixpe_array through one GEMM schedule, cycle by cycle,
// and collects every result from the north edge. VArray is the Verilator-generated class of one
// array build (its shape and widths come from the hardware YAML it was built from).
//
// Cycle convention (docs/cycle-model.md): cycle 0 is the first cycle with a valid input; the count
// ends with the cycle in which the last result is visible on out_valid_o/out_data_o.
#pragma once

#include <verilated.h>
#include <verilated_fst_c.h>

#include <cstdint>
#include <fstream>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "compiler/gemm_schedule.h"
#include "model/gemm_operands.h"
#include "model/input_error.h"

namespace mixpe {

struct ArrayRunResult {
  std::vector<int64_t> outputs;  // M x N, row-major; what the RTL produced
  int64_t cycles = 0;            // measured, per the convention above
  int64_t outputs_received = 0;
  std::string error;  // empty when the run completed
};

// Whether a Verilated model was built with FST tracing (mixpe_verilate(... WAVES)).
template <class VModel, class = void>
struct HasFstTrace : std::false_type {};
template <class VModel>
struct HasFstTrace<VModel, std::void_t<decltype(std::declval<VModel&>().trace(
                               static_cast<VerilatedFstC*>(nullptr), 0))>> : std::true_type {};

template <class VArray>
class VerilatedArray {
 public:
  VerilatedArray(int rows, int cols, int accumulator_bits)
      : rows_(rows), cols_(cols), acc_bits_(accumulator_bits) {
    context_ = std::make_unique<VerilatedContext>();
    // Report failed SystemVerilog assertions as a failed run instead of aborting the process.
    context_->fatalOnError(false);
    model_ = std::make_unique<VArray>(context_.get(), "mixpe_array");
  }
  ~VerilatedArray() {
    model_->final();
    if (waves_) waves_->close();
  }

  // Writes an FST waveform of every following run to `path` (both clock edges of every cycle;
  // the time unit is half a cycle). Only for models built with WAVES.
  void OpenWaves(const std::string& path) {
    static_assert(HasFstTrace<VArray>::value, "this model was built without WAVES");
    if constexpr (HasFstTrace<VArray>::value) {
      // The FST writer does not report a file it cannot create: check first.
      if (!std::ofstream(path)) throw InputError(path + ": cannot write the waveform file");
      context_->traceEverOn(true);
      waves_ = std::make_unique<VerilatedFstC>();
      model_->trace(waves_.get(), 99);
      waves_->open(path.c_str());
    }
  }

  // Runs `schedule` on `ops`. A run that has not produced every output by `cycle_limit` cycles
  // stops with an error naming how far it got.
  ArrayRunResult Run(const GemmSchedule& schedule, const GemmOperands& ops, int64_t cycle_limit) {
    ArrayRunResult result;
    result.outputs.assign(static_cast<size_t>(ops.m * ops.n), 0);
    const int64_t total = ops.m * ops.n;
    Reset();
    drain_tile_.assign(cols_, 0);
    drain_row_.assign(cols_, 0);
    for (int64_t t = 0;; ++t) {
      // Registered outputs now show their values for cycle t.
      if (!CollectOutputs(schedule, ops, &result)) break;
      if (result.outputs_received == total) {
        result.cycles = t + 1;
        time_ += t + 1;
        break;
      }
      if (t >= cycle_limit) {
        result.error = "no progress: " + std::to_string(result.outputs_received) + " of " +
                       std::to_string(total) + " outputs after " + std::to_string(t) + " cycles";
        break;
      }
      DriveInputs(schedule, ops, t);
      model_->clk_i = 0;
      model_->eval();
      if (waves_) waves_->dump(static_cast<uint64_t>(2 * (time_ + t)));
      model_->clk_i = 1;
      model_->eval();
      if (waves_) waves_->dump(static_cast<uint64_t>(2 * (time_ + t) + 1));
      if (context_->gotError()) {
        result.error = "RTL assertion failed in cycle " + std::to_string(t);
        context_->gotError(false);
        break;
      }
    }
    return result;
  }

 private:
  void Reset() {
    for (int r = 0; r < rows_; ++r) model_->act_valid_i[r] = 0;
    for (int c = 0; c < cols_; ++c) model_->wgt_valid_i[c] = 0;
    model_->rst_ni = 0;
    model_->clk_i = 0;
    model_->eval();
    model_->clk_i = 1;
    model_->eval();
    model_->rst_ni = 1;
    model_->clk_i = 0;
    model_->eval();
  }

  // Skewed injection: row r carries element kk of its tile in cycle start + kk + r, column c in
  // cycle start + kk + c, so PE (r, c) sees the pair in cycle start + kk + r + c.
  void DriveInputs(const GemmSchedule& s, const GemmOperands& ops, int64_t t) {
    const int64_t tiles = static_cast<int64_t>(s.tiles.size());
    for (int r = 0; r < rows_; ++r) {
      const int64_t u = t - r;
      const int64_t j = u >= 0 ? u / s.tile_interval : tiles;
      const int64_t kk = u - j * s.tile_interval;
      const bool valid = j < tiles && kk < s.k && r < s.tiles[j].rows_used;
      model_->act_valid_i[r] = valid;
      if (!valid) continue;
      model_->act_first_i[r] = kk == 0;
      model_->act_last_i[r] = kk == s.k - 1;
      model_->act_i[r] =
          TwosComplementCode(ops.Activation(s.tiles[j].m0 + r, kk), ops.activation_bits);
    }
    for (int c = 0; c < cols_; ++c) {
      const int64_t u = t - c;
      const int64_t j = u >= 0 ? u / s.tile_interval : tiles;
      const int64_t kk = u - j * s.tile_interval;
      const bool valid = j < tiles && kk < s.k && c < s.tiles[j].cols_used;
      model_->wgt_valid_i[c] = valid;
      if (!valid) continue;
      model_->wgt_i[c] = TwosComplementCode(ops.Weight(kk, s.tiles[j].n0 + c), ops.weight_bits);
    }
  }

  // Each column emits its results in tile order and, within a tile, in row order. Returns false
  // (with result->error set) on a result the schedule does not account for.
  bool CollectOutputs(const GemmSchedule& s, const GemmOperands& ops, ArrayRunResult* result) {
    const size_t tiles = s.tiles.size();
    for (int c = 0; c < cols_; ++c) {
      if (!model_->out_valid_o[c]) continue;
      size_t& j = drain_tile_[c];
      while (j < tiles && c >= s.tiles[j].cols_used) ++j;
      if (j == tiles) {
        result->error = "column " + std::to_string(c) + " produced more results than scheduled";
        return false;
      }
      const ArrayTile& tile = s.tiles[j];
      const uint64_t raw = static_cast<uint64_t>(model_->out_data_o[c]);
      const int64_t value =
          static_cast<int64_t>(raw << (64 - acc_bits_)) >> (64 - acc_bits_);  // sign-extend
      result->outputs[(tile.m0 + drain_row_[c]) * ops.n + tile.n0 + c] = value;
      ++result->outputs_received;
      if (++drain_row_[c] == tile.rows_used) {
        drain_row_[c] = 0;
        ++j;
      }
    }
    return true;
  }

  int rows_;
  int cols_;
  int acc_bits_;
  std::unique_ptr<VerilatedContext> context_;
  std::unique_ptr<VArray> model_;
  std::unique_ptr<VerilatedFstC> waves_;
  uint64_t time_ = 0;  // cycles of the runs so far, so that waveforms of several runs follow on
  std::vector<size_t> drain_tile_;  // per column: the tile whose results come next
  std::vector<int> drain_row_;      // per column: the row within that tile
};

}  // namespace mixpe
