// VerilatedCore<VCore>: drives a Verilated mixpe_core (rtl/mixpe_core.sv) through one quantized
// GEMM, unit by unit in a CoreSchedule's order, and collects every FP32 output. It plays the
// core's sequencer: it streams the element codes and hands each unit's side values (scales, zero
// points, row scales) to the core's edges when the interface asks for them
// (docs/array-interface.md). The same driver runs the baseline cores (mixpe_core with PeKind 1
// and 2): with every weight element it also presents that element's group values (wgt_mult_i,
// wgt_scale_fp16_i, wgt_zero_i) from the CoreOperands, 0 where the operands have none.
//
// Run() starts each unit as early as the core allows (the schedule's uniform spacing). A
// controller that must wait for operands (the co-simulation's, waiting on memory) drives it cycle
// by cycle instead: Begin(), then Cycle(start_unit) with a start wherever CanStartUnit() and its
// data are ready. Any start at least unit_interval after the previous one is correct.
//
// Cycle convention (docs/cycle-model.md): cycle 0 is the first cycle with a valid input; the count
// ends with the cycle in which the last output is visible on y_valid_o/y_o.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "compiler/gemm_schedule.h"
#include "model/core_operands.h"
#include "model/gemm_operands.h"
#include "sim/verilated_clocked.h"

namespace mixpe {

// Column `column` has presented every output of tile `tile`.
struct ColumnDone {
  int64_t tile = 0;
  int column = 0;
};

struct CoreRunResult {
  std::vector<uint32_t> outputs;  // M x N FP32 bit patterns, row-major
  int64_t cycles = 0;
  int64_t outputs_received = 0;
  std::string error;  // empty when the run completed
};

template <class VCore>
class VerilatedCore : public VerilatedClocked<VCore> {
 public:
  // The core's shape and its weight width (the zero-point port's width) and scale exponent width.
  VerilatedCore(int rows, int cols, int weight_bits, int exponent_bits = 10)
      : VerilatedClocked<VCore>("mixpe_core"),
        rows_(rows),
        cols_(cols),
        weight_bits_(weight_bits),
        exponent_mask_((1u << exponent_bits) - 1u) {}

  // Runs `schedule` on `ops`, every unit started as early as allowed. A run that has not produced
  // every output by `cycle_limit` cycles stops with an error naming how far it got.
  CoreRunResult Run(const CoreSchedule& schedule, const CoreOperands& ops, int64_t cycle_limit) {
    Begin(schedule, ops);
    while (!Finished() && result_.error.empty()) {
      if (cycle_ >= cycle_limit) {
        result_.error = "no progress: " + std::to_string(result_.outputs_received) + " of " +
                        std::to_string(ops.m * ops.n) + " outputs after " + std::to_string(cycle_) +
                        " cycles";
        break;
      }
      Cycle(CanStartUnit());
    }
    return std::move(result_);
  }

  // Resets the core for `schedule` on `ops` (both must outlive the run); cycle 0 comes next.
  void Begin(const CoreSchedule& schedule, const CoreOperands& ops) {
    schedule_ = &schedule;
    ops_ = &ops;
    result_ = CoreRunResult{};
    result_.outputs.assign(static_cast<size_t>(ops.m * ops.n), 0);
    total_units_ = static_cast<int64_t>(schedule.tiles.size()) * schedule.units_per_tile;
    starts_.clear();
    cycle_ = 0;
    result_.error = OperandsError(ops);
    Reset();
    this->model().wgt_fp4_i = ops.weight_fp4;
    next_tile_.assign(cols_, 0);
    next_row_.assign(cols_, 0);
  }

  // Whether the next unit may start in the coming cycle: units remain, and the previous one
  // started at least unit_interval cycles ago.
  bool CanStartUnit() const {
    const int64_t started = static_cast<int64_t>(starts_.size());
    return started < total_units_ &&
           (started == 0 || cycle_ - starts_.back() >= schedule_->unit_interval);
  }

  // Runs one cycle, starting the next unit in it if `start_unit` (only where CanStartUnit()),
  // and collects the outputs that then appear. Returns false once the run has failed (result()
  // says why).
  bool Cycle(bool start_unit) {
    columns_done_.clear();
    if (!result_.error.empty()) return false;
    if (start_unit) {
      if (!CanStartUnit()) {
        result_.error = "unit " + std::to_string(starts_.size()) + " started in cycle " +
                        std::to_string(cycle_) + ", too early or beyond the schedule";
        return false;
      }
      starts_.push_back(cycle_);
    }
    DriveInputs(cycle_);
    std::string error = this->Tick(cycle_);
    ++cycle_;
    if (error.empty()) error = CollectOutputs();
    if (!error.empty()) {
      result_.error = error;
      return false;
    }
    if (Finished()) {
      result_.cycles = cycle_ + 1;
      this->EndRun(result_.cycles);
    }
    return true;
  }

  bool Finished() const { return result_.outputs_received == ops_->m * ops_->n; }
  int64_t cycle() const { return cycle_; }  // the cycle Cycle() runs next
  int64_t units_started() const { return static_cast<int64_t>(starts_.size()); }
  const CoreRunResult& result() const { return result_; }
  // The columns that finished a tile in the last Cycle(), in column order.
  const std::vector<ColumnDone>& columns_done() const { return columns_done_; }

 private:
  void Reset() {
    VCore& core = this->model();
    for (int r = 0; r < rows_; ++r) core.act_valid_i[r] = 0;
    for (int c = 0; c < cols_; ++c) {
      core.wgt_valid_i[c] = 0;
      core.wside_valid_i[c] = 0;
    }
    core.wgt_fp4_i = 0;
    this->ResetModel();
  }

  // Where stream position `p` (the cycle minus the row's or column's skew) falls: the unit
  // started at or before p whose U elements cover it, if any. Units start at least U apart, so
  // only the latest one started at or before p can.
  struct StreamSlot {
    int64_t tile = 0;
    int64_t unit = 0;  // within the tile
    int64_t global = 0;
    int64_t kk = 0;
    bool valid = false;
  };
  StreamSlot Slot(int64_t p) const {
    StreamSlot slot;
    for (int64_t j = static_cast<int64_t>(starts_.size()) - 1; j >= 0; --j) {
      if (starts_[j] > p) continue;
      slot.kk = p - starts_[j];
      slot.valid = slot.kk < schedule_->unit;
      slot.global = j;
      slot.tile = j / schedule_->units_per_tile;
      slot.unit = j % schedule_->units_per_tile;
      break;
    }
    return slot;
  }

  uint32_t Exponent(int32_t e) const { return static_cast<uint32_t>(e) & exponent_mask_; }

  // Why `ops` cannot be streamed, or "" if it can: each per-unit weight vector the design uses
  // must hold N x K/U values.
  static std::string OperandsError(const CoreOperands& ops) {
    const size_t side = static_cast<size_t>(ops.n * ops.units_per_row());
    auto check = [&](size_t size, const char* what) -> std::string {
      if (size == side) return "";
      return std::string("operands: ") + what + " holds " + std::to_string(size) +
             " values, expected N x K/U = " + std::to_string(side);
    };
    std::string error = check(ops.zero_points.size(), "zero_points");
    if (error.empty() && ops.design == PeDesign::kInt8Mac) {
      error = check(ops.weight_multipliers.size(), "weight_multipliers");
    }
    if (error.empty() && ops.design == PeDesign::kFp16Mac) {
      error = check(ops.weight_scale_fp16.size(), "weight_scale_fp16");
    }
    return error;
  }

  // Skewed injection, as for mixpe_array: row r carries element kk of the unit started in cycle S
  // in cycle S + kk + r, column c in cycle S + kk + c.
  void DriveInputs(int64_t t) {
    const CoreSchedule& s = *schedule_;
    const CoreOperands& ops = *ops_;
    VCore& core = this->model();
    const int64_t units = ops.units_per_row();
    for (int r = 0; r < rows_; ++r) {
      const StreamSlot slot = Slot(t - r);
      const bool valid = slot.valid && r < s.tiles[slot.tile].rows_used;
      core.act_valid_i[r] = valid;
      if (!valid) continue;
      const int64_t m = s.tiles[slot.tile].m0 + r;
      const int64_t k = slot.unit * s.unit + slot.kk;
      core.act_first_i[r] = slot.kk == 0;
      core.act_last_i[r] = slot.kk == s.unit - 1;
      core.act_bank_i[r] = slot.global & 1;
      core.act_i[r] = ops.activation_codes[m * ops.k + k];
      const CoreScale& scale = ops.activation_scales[m * units + slot.unit];
      core.act_scale_sig_i[r] = scale.significand;
      core.act_scale_exp_i[r] = Exponent(scale.exponent);
      core.act_scale_nan_i[r] = scale.nan;
      core.row_scale_i[r] = ops.row_scale_bits[m];
    }
    for (int c = 0; c < cols_; ++c) {
      const StreamSlot slot = Slot(t - c);
      const bool valid = slot.valid && c < s.tiles[slot.tile].cols_used;
      core.wgt_valid_i[c] = valid;
      // The unit's weight-side values go with its first weight.
      core.wside_valid_i[c] = valid && slot.kk == 0;
      if (!valid) continue;
      const int64_t n = s.tiles[slot.tile].n0 + c;
      const int64_t k = slot.unit * s.unit + slot.kk;
      const int64_t side = n * units + slot.unit;
      core.wgt_i[c] = ops.weight_codes[n * ops.k + k];
      // The element's group values, with the element (the baseline cores' dequantizers).
      core.wgt_mult_i[c] = ops.weight_multipliers.empty() ? 0 : ops.weight_multipliers[side];
      core.wgt_scale_fp16_i[c] = ops.weight_scale_fp16.empty() ? 0 : ops.weight_scale_fp16[side];
      core.wgt_zero_i[c] = TwosComplementCode(ops.zero_points[side], weight_bits_);
      if (slot.kk != 0) continue;
      const CoreScale& scale = ops.weight_scales[side];
      core.wside_bank_i[c] = slot.global & 1;
      core.wgt_scale_sig_i[c] = scale.significand;
      core.wgt_scale_exp_i[c] = Exponent(scale.exponent);
      core.wgt_scale_nan_i[c] = scale.nan;
      core.zero_point_i[c] = TwosComplementCode(ops.zero_points[side], weight_bits_);
      core.unit_first_i[c] = slot.unit == 0;
      core.unit_last_i[c] = slot.unit == s.units_per_tile - 1;
    }
  }

  // Each column presents its outputs tile by tile, rows in order. Returns an error on an output
  // the schedule does not account for.
  std::string CollectOutputs() {
    const CoreSchedule& s = *schedule_;
    const CoreOperands& ops = *ops_;
    CoreRunResult* result = &result_;
    VCore& core = this->model();
    const size_t tiles = s.tiles.size();
    for (int c = 0; c < cols_; ++c) {
      if (!core.y_valid_o[c]) continue;
      size_t& j = next_tile_[c];
      while (j < tiles && c >= s.tiles[j].cols_used) ++j;
      if (j == tiles) {
        return "column " + std::to_string(c) + " produced more outputs than scheduled";
      }
      const ArrayTile& tile = s.tiles[j];
      const int row = static_cast<int>(core.y_row_o[c]);
      if (row != next_row_[c]) {
        return "column " + std::to_string(c) + " presented row " + std::to_string(row) +
               " where row " + std::to_string(next_row_[c]) + " was due";
      }
      result->outputs[(tile.m0 + row) * ops.n + tile.n0 + c] = core.y_o[c];
      ++result->outputs_received;
      if (++next_row_[c] == tile.rows_used) {
        columns_done_.push_back({static_cast<int64_t>(j), c});
        next_row_[c] = 0;
        ++j;
      }
    }
    return "";
  }

  int rows_;
  int cols_;
  int weight_bits_;
  uint32_t exponent_mask_;
  const CoreSchedule* schedule_ = nullptr;
  const CoreOperands* ops_ = nullptr;
  CoreRunResult result_;
  int64_t total_units_ = 0;
  std::vector<int64_t> starts_;  // start cycle of each unit started so far
  int64_t cycle_ = 0;
  std::vector<size_t> next_tile_;  // per column: the tile whose outputs come next
  std::vector<int> next_row_;      // per column: the row due next
  std::vector<ColumnDone> columns_done_;
};

}  // namespace mixpe
