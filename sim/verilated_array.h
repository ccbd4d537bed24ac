// VerilatedArray<VArray>: drives a Verilated mixpe_array through one GEMM schedule, cycle by cycle,
// and collects every result from the north edge. VArray is the Verilator-generated class of one
// array build (its shape and widths come from the hardware YAML it was built from).
//
// Cycle convention (docs/cycle-model.md): cycle 0 is the first cycle with a valid input; the count
// ends with the cycle in which the last result is visible on out_valid_o/out_data_o.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "compiler/gemm_schedule.h"
#include "model/gemm_operands.h"
#include "sim/verilated_clocked.h"

namespace mixpe {

struct ArrayRunResult {
  std::vector<int64_t> outputs;  // M x N, row-major; what the RTL produced
  int64_t cycles = 0;            // measured, per the convention above
  int64_t outputs_received = 0;
  std::string error;  // empty when the run completed
};

template <class VArray>
class VerilatedArray : public VerilatedClocked<VArray> {
 public:
  VerilatedArray(int rows, int cols, int accumulator_bits)
      : VerilatedClocked<VArray>("mixpe_array"),
        rows_(rows),
        cols_(cols),
        acc_bits_(accumulator_bits) {}

  // Runs `schedule` on `ops`. A run that has not produced every output by `cycle_limit` cycles
  // stops with an error naming how far it got.
  ArrayRunResult Run(const GemmSchedule& schedule, const GemmOperands& ops, int64_t cycle_limit) {
    ArrayRunResult result;
    result.outputs.assign(static_cast<size_t>(ops.m * ops.n), 0);
    const int64_t total = ops.m * ops.n;
    Reset();
    drain_tile_.assign(cols_, 0);
    drain_row_.assign(cols_, 0);
    const auto run = this->RunCycles(
        cycle_limit, [&](int64_t) { return CollectOutputs(schedule, ops, &result); },
        [&] { return result.outputs_received == total; },
        [&](int64_t t) { DriveInputs(schedule, ops, t); },
        [&] {
          return std::to_string(result.outputs_received) + " of " + std::to_string(total) +
                 " outputs";
        });
    result.cycles = run.cycles;
    result.error = run.error;
    return result;
  }

 private:
  void Reset() {
    VArray& array = this->model();
    for (int r = 0; r < rows_; ++r) {
      array.act_valid_i[r] = 0;
      array.act_bank_i[r] = 0;
    }
    for (int c = 0; c < cols_; ++c) array.wgt_valid_i[c] = 0;
    array.wgt_fp4_i = 0;  // integer weights
    this->ResetModel();
  }

  // Skewed injection: row r carries element kk of its tile in cycle start + kk + r, column c in
  // cycle start + kk + c, so PE (r, c) sees the pair in cycle start + kk + r + c.
  void DriveInputs(const GemmSchedule& s, const GemmOperands& ops, int64_t t) {
    VArray& array = this->model();
    const int64_t tiles = static_cast<int64_t>(s.tiles.size());
    for (int r = 0; r < rows_; ++r) {
      const int64_t u = t - r;
      const int64_t j = u >= 0 ? u / s.tile_interval : tiles;
      const int64_t kk = u - j * s.tile_interval;
      const bool valid = j < tiles && kk < s.k && r < s.tiles[j].rows_used;
      array.act_valid_i[r] = valid;
      if (!valid) continue;
      array.act_first_i[r] = kk == 0;
      array.act_last_i[r] = kk == s.k - 1;
      array.act_i[r] =
          TwosComplementCode(ops.Activation(s.tiles[j].m0 + r, kk), ops.activation_bits);
    }
    for (int c = 0; c < cols_; ++c) {
      const int64_t u = t - c;
      const int64_t j = u >= 0 ? u / s.tile_interval : tiles;
      const int64_t kk = u - j * s.tile_interval;
      const bool valid = j < tiles && kk < s.k && c < s.tiles[j].cols_used;
      array.wgt_valid_i[c] = valid;
      if (!valid) continue;
      array.wgt_i[c] = TwosComplementCode(ops.Weight(kk, s.tiles[j].n0 + c), ops.weight_bits);
    }
  }

  // Each column emits its results in tile order and, within a tile, in row order. Returns an error
  // on a result the schedule does not account for.
  std::string CollectOutputs(const GemmSchedule& s, const GemmOperands& ops,
                             ArrayRunResult* result) {
    VArray& array = this->model();
    const size_t tiles = s.tiles.size();
    for (int c = 0; c < cols_; ++c) {
      if (!array.out_valid_o[c]) continue;
      size_t& j = drain_tile_[c];
      while (j < tiles && c >= s.tiles[j].cols_used) ++j;
      if (j == tiles) {
        return "column " + std::to_string(c) + " produced more results than scheduled";
      }
      const ArrayTile& tile = s.tiles[j];
      const uint64_t raw = static_cast<uint64_t>(array.out_data_o[c]);
      const int64_t value =
          static_cast<int64_t>(raw << (64 - acc_bits_)) >> (64 - acc_bits_);  // sign-extend
      result->outputs[(tile.m0 + drain_row_[c]) * ops.n + tile.n0 + c] = value;
      ++result->outputs_received;
      if (++drain_row_[c] == tile.rows_used) {
        drain_row_[c] = 0;
        ++j;
      }
    }
    return "";
  }

  int rows_;
  int cols_;
  int acc_bits_;
  std::vector<size_t> drain_tile_;  // per column: the tile whose results come next
  std::vector<int> drain_row_;      // per column: the row within that tile
};

}  // namespace mixpe
