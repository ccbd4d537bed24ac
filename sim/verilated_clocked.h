// VerilatedClocked<VModel>: what every harness of a Verilated mixpe model shares: the Verilator
// context (failed assertions end a run with an error instead of aborting), the clock and reset,
// the cycle loop with its watchdog, and optional FST waveforms. A harness derives from it and
// supplies, per cycle, what to drive on the inputs and what to collect from the outputs.
#pragma once

#include <verilated.h>
#include <verilated_fst_c.h>

#include <cstdint>
#include <fstream>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>

#include "model/input_error.h"

namespace mixpe {

// Whether a Verilated model was built with FST tracing (mixpe_verilate(... WAVES)).
template <class VModel, class = void>
struct HasFstTrace : std::false_type {};
template <class VModel>
struct HasFstTrace<VModel, std::void_t<decltype(std::declval<VModel&>().trace(
                               static_cast<VerilatedFstC*>(nullptr), 0))>> : std::true_type {};

template <class VModel>
class VerilatedClocked {
 public:
  explicit VerilatedClocked(const char* instance_name) {
    context_ = std::make_unique<VerilatedContext>();
    // Report failed SystemVerilog assertions as a failed run instead of aborting the process.
    context_->fatalOnError(false);
    model_ = std::make_unique<VModel>(context_.get(), instance_name);
  }
  ~VerilatedClocked() {
    model_->final();
    if (waves_) waves_->close();
  }
  VerilatedClocked(const VerilatedClocked&) = delete;
  VerilatedClocked& operator=(const VerilatedClocked&) = delete;

  // Writes an FST waveform of every following run to `path` (both clock edges of every cycle;
  // the time unit is half a cycle). Throws InputError for a model built without WAVES.
  void OpenWaves(const std::string& path) {
    if constexpr (!HasFstTrace<VModel>::value) {
      throw InputError(path + ": this model was built without waveform support");
    } else {
      // The FST writer does not report a file it cannot create: check first.
      if (!std::ofstream(path)) throw InputError(path + ": cannot write the waveform file");
      context_->traceEverOn(true);
      waves_ = std::make_unique<VerilatedFstC>();
      model_->trace(waves_.get(), 99);
      waves_->open(path.c_str());
    }
  }

 protected:
  // The outcome of RunCycles.
  struct CycleRun {
    int64_t cycles = 0;  // up to and including the cycle in which `done` first held
    std::string error;   // empty when `done` was reached
  };

  // One reset cycle, with the inputs already at their idle values.
  void ResetModel() {
    model_->rst_ni = 0;
    model_->clk_i = 0;
    model_->eval();
    model_->clk_i = 1;
    model_->eval();
    model_->rst_ni = 1;
    model_->clk_i = 0;
    model_->eval();
  }

  // Runs cycles t = 0, 1, ...: in each, `collect(t)` first reads the registered outputs and
  // returns an error (non-empty) or not; then `done()` may end the run; otherwise `drive(t)` sets
  // the inputs and the clock ticks. A run that is not done after `cycle_limit` cycles (the
  // watchdog; `progress()` says how far it got), or whose RTL assertion fails, ends with an error.
  template <class Collect, class Done, class Drive, class Progress>
  CycleRun RunCycles(int64_t cycle_limit, Collect collect, Done done, Drive drive,
                     Progress progress) {
    CycleRun run;
    for (int64_t t = 0;; ++t) {
      run.error = collect(t);
      if (!run.error.empty()) break;
      if (done()) {
        run.cycles = t + 1;
        time_ += t + 1;
        break;
      }
      if (t >= cycle_limit) {
        run.error = "no progress: " + progress() + " after " + std::to_string(t) + " cycles";
        break;
      }
      drive(t);
      run.error = Tick(t);
      if (!run.error.empty()) break;
    }
    return run;
  }

  // One clock cycle `t` of the current run, with the inputs as driven: the falling and the rising
  // edge. Returns an error if an RTL assertion failed in it.
  std::string Tick(int64_t t) {
    model_->clk_i = 0;
    model_->eval();
    if (waves_) waves_->dump(static_cast<uint64_t>(2 * (time_ + t)));
    model_->clk_i = 1;
    model_->eval();
    if (waves_) waves_->dump(static_cast<uint64_t>(2 * (time_ + t) + 1));
    if (!context_->gotError()) return "";
    context_->gotError(false);
    return "RTL assertion failed in cycle " + std::to_string(t);
  }

  // Ends a run driven cycle by cycle with Tick: its `cycles` count on from the waveform time.
  void EndRun(int64_t cycles) { time_ += cycles; }

  VModel& model() { return *model_; }

 private:
  std::unique_ptr<VerilatedContext> context_;
  std::unique_ptr<VModel> model_;
  std::unique_ptr<VerilatedFstC> waves_;
  uint64_t time_ = 0;  // cycles of the runs so far, so that waveforms of several runs follow on
};

}  // namespace mixpe
