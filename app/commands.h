// The mixpe subcommands, one function each, as app/mixpe_main.cc calls them once the command line
// is parsed. Each returns the exit status (0, or 1 when a check failed) and throws InputError on
// bad input, which the caller prints with exit status 2. Their output files go through OutputFile
// (app/command_util.h): they appear when the command returns, never after an error.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "compiler/mapper.h"
#include "compiler/model_trace.h"
#include "compiler/scalesim_import.h"
#include "model/accuracy_study.h"

namespace mixpe {

// mixpe run (app/run_command.cc): the trace's layers (or those named) co-simulated, on the core
// alone (`core_only`) or by the analytical model alone (`fast`); reports to stdout and, if
// named, to `json_path` and `csv_path`.
int Run(const std::string& config_path, const std::string& trace_path,
        const std::vector<std::string>& only_layers, const std::string& waves_path, bool core_only,
        MapObjective objective, const std::string& schedules_dir, const std::string& json_path,
        const std::string& csv_path, bool fast);

// mixpe compile (app/compile_command.cc): each selected layer's schedule, printed or written to
// `out_dir`/<layer>.schedule.
int Compile(const std::string& config_path, const std::string& trace_path,
            const std::vector<std::string>& only_layers, MapObjective objective,
            const std::string& out_dir);

// mixpe sweep and merge (app/sweep_command.cc).
int Sweep(const std::string& space_path, const std::string& out_dir, int jobs,
          const std::string& shard_text, bool plot);
int Merge(const std::vector<std::string>& inputs, const std::string& out_dir, bool plot);

// mixpe compare (app/compare_command.cc): every config on every trace by the analytical model,
// normalized to `baseline` (a config path; empty: the first config); tables to stdout and, if
// named, `markdown_path`, figures to `csv_path`.
int Compare(const std::vector<std::string>& configs, const std::vector<std::string>& traces,
            const std::string& baseline, MapObjective objective, int jobs,
            const std::string& csv_path, const std::string& markdown_path);

// mixpe iso-area (app/compare_command.cc): SizeForEqualArea, and a table of the sizes.
int IsoArea(const std::vector<std::string>& configs, const std::string& anchor,
            const std::string& area_table, const std::string& out_dir);

// mixpe verify (app/verify_command.cc): cases seed .. seed+count-1.
int Verify(const std::string& config_path, uint64_t seed, int count);

// mixpe trace and import (app/workload_commands.cc).
int Trace(const std::string& hf_config, const TraceRequest& request, const std::string& output);
int Import(const std::string& topology, const std::string& cfg, const std::string& base,
           const ScaleSimImportOptions& options, const std::string& output_trace,
           const std::string& output_config);

// mixpe accuracy (app/accuracy_command.cc): the table, or (Widths) the exact inner sums' widths.
int Accuracy(const AccuracyProblem& problem, bool markdown);
int Widths(int64_t k);

}  // namespace mixpe
