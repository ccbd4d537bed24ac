// mixpe: the command-line front door, one subcommand per job (each has --help), each in its own
// file of app/ (app/commands.h lists them):
//   run       co-simulates every layer of a trace, quantized to the layer's formats: its packed
//             image in DRAM, the DMA, the on-chip buffers and the NoC in SystemC, and the
//             Verilated RTL core built from the hardware YAML; checks the DRAM's output image bit
//             for bit and the cycles and energy against the golden model, and reports (table,
//             JSON, CSV). --core-only: the core alone on an ideal memory; --fast: the analytical
//             model alone.
//   compile   prints or writes each layer's schedule (docs/schedule-format.md)
//   sweep     explores a design space; merge joins a sharded sweep (docs/sweep.md)
//   compare   costs several designs on the same traces, normalized to a baseline
//   iso-area  sizes designs to the same core area (yosys) and writes their configs
//   verify    random regression of the RTL core with coverage (docs/verify.md)
//   trace     a model's trace from a Hugging Face config.json (docs/trace-format.md)
//   import    SCALE-Sim topology and .cfg as a trace and a hardware YAML (docs/import.md)
//   accuracy  the quantization formats' error against float64 (docs/numerics.md)
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <new>
#include <stdexcept>
#include <string>
#include <systemc>
#include <thread>

#include "app/commands.h"
#include "model/input_error.h"

namespace {

// A seed: a whole number, 0 or more (CLI11 alone would wrap "-1" around to 2^64 - 1).
const CLI::Validator kSeed(
    [](std::string& text) -> std::string {
      const std::string expected = "expected a whole number in [0, 2^64 - 1], got '" + text + "'";
      if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos) {
        return expected;
      }
      try {
        std::stoull(text);
      } catch (const std::out_of_range&) {
        return expected;
      }
      return "";
    },
    "SEED");

}  // namespace

// The program proper, run by SystemC (main, at the end, hands over to it).
int sc_main(int argc, char** argv) {
  CLI::App app{"mixpe: cycle-accurate simulation and verification of mixed-precision PE arrays"};
  app.require_subcommand(1);
  std::string config_path = MIXPE_DEFAULT_CONFIG;
  std::string trace_path = MIXPE_DEFAULT_TRACE;
  std::vector<std::string> only_layers;
  CLI::App* run = app.add_subcommand(
      "run",
      "Co-simulate a layer trace (DRAM, buffers, NoC, RTL core) and check it against the golden "
      "model");
  run->add_option("-c,--config", config_path, "hardware YAML")->capture_default_str();
  run->add_option("-t,--trace", trace_path, "layer trace YAML")->capture_default_str();
  run->add_option("-l,--layer", only_layers, "run only these layers (repeatable)");
  bool core_only = false;
  bool fast = false;
  std::string objective = "cycles";
  run->add_option("--objective", objective,
                  "what the mapper minimises when it chooses a layer's schedule: cycles, energy "
                  "or edp (energy-delay product)")
      ->capture_default_str()
      ->check(CLI::IsMember({"cycles", "energy", "edp"}));
  run->add_flag("--fast", fast,
                "the analytical model alone, in the same report: any config, no RTL, no "
                "bit-exact check");
  run->add_flag("--core-only", core_only,
                "run the RTL core alone on an ideal memory (no DRAM, buffers or NoC)");
  std::string json_path;
  std::string csv_path;
  run->add_option("--json", json_path, "also write the report as JSON to this file");
  run->add_option("--csv", csv_path, "also write the report as CSV (a row per layer) to this file");
  std::string schedules_dir;
  run->add_option("--schedules", schedules_dir,
                  "run each layer with the tile plan of <dir>/<layer>.schedule (as mixpe compile "
                  "--output-dir writes them) instead of the mapper's")
      ->check(CLI::ExistingDirectory);
  std::string waves_path;
  run->add_option("--trace-waves", waves_path,
                  "write an FST waveform of the RTL to this file (needs exactly one --layer)");
  CLI::App* compile = app.add_subcommand(
      "compile", "Print the schedule the compiler and mapper make for each layer of a trace");
  compile->add_option("-c,--config", config_path, "hardware YAML")->capture_default_str();
  compile->add_option("-t,--trace", trace_path, "layer trace YAML")->capture_default_str();
  compile->add_option("-l,--layer", only_layers, "only these layers (repeatable)");
  compile->add_option("--objective", objective, "what the mapper minimises: cycles, energy or edp")
      ->capture_default_str()
      ->check(CLI::IsMember({"cycles", "energy", "edp"}));
  std::string out_dir;
  compile
      ->add_option("-o,--output-dir", out_dir,
                   "write <layer>.schedule files into this directory instead of printing")
      ->check(CLI::ExistingDirectory);
  std::string space_path;
  int jobs = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::string shard;
  bool no_plot = false;
  std::string sweep_dir = ".";
  CLI::App* sweep = app.add_subcommand(
      "sweep",
      "Explore a design space with the mapper and the analytical model: CSV, JSON, Pareto plot");
  sweep->add_option("space", space_path, "design-space YAML (docs/sweep.md)")
      ->required()
      ->check(CLI::ExistingFile);
  sweep->add_option("-o,--output-dir", sweep_dir, "where sweep.csv, sweep.json, pareto.png go")
      ->capture_default_str()
      ->check(CLI::ExistingDirectory);
  sweep->add_option("-j,--jobs", jobs, "threads")
      ->capture_default_str()
      ->check(CLI::Range(1, 1024));
  sweep->add_option("--shard", shard,
                    "evaluate only points p with p mod N = i (i/N, 0 <= i < N), e.g. one task of "
                    "a Slurm job array; join the shards with mixpe merge");
  sweep->add_flag("--no-plot", no_plot, "do not draw pareto.png");
  std::vector<std::string> merge_inputs;
  CLI::App* merge = app.add_subcommand("merge", "Join the CSVs of a sharded sweep and report them");
  merge->add_option("csv", merge_inputs, "the shards' CSV files")
      ->required()
      ->check(CLI::ExistingFile);
  merge->add_option("-o,--output-dir", sweep_dir, "where sweep.csv, sweep.json, pareto.png go")
      ->capture_default_str()
      ->check(CLI::ExistingDirectory);
  merge->add_flag("--no-plot", no_plot, "do not draw pareto.png");
  std::vector<std::string> compare_configs, compare_traces;
  std::string compare_baseline, compare_csv, compare_markdown;
  CLI::App* compare = app.add_subcommand(
      "compare",
      "Cost several hardware configs (designs) on the same traces with the analytical model, "
      "normalized to a baseline (docs/baselines.md)");
  compare->add_option("-c,--config", compare_configs, "hardware YAML (repeatable)")
      ->required()
      ->check(CLI::ExistingFile);
  compare->add_option("-t,--trace", compare_traces, "layer trace YAML (repeatable)")
      ->required()
      ->check(CLI::ExistingFile);
  compare->add_option("--baseline", compare_baseline,
                      "the config the others are normalized to (default: the first)");
  compare->add_option("--objective", objective, "what the mapper minimises: cycles, energy or edp")
      ->capture_default_str()
      ->check(CLI::IsMember({"cycles", "energy", "edp"}));
  compare->add_option("-j,--jobs", jobs, "threads")
      ->capture_default_str()
      ->check(CLI::Range(1, 1024));
  compare->add_option("--csv", compare_csv, "also write the figures as CSV to this file");
  compare->add_option("--markdown", compare_markdown, "also write the tables to this file");
  std::vector<std::string> size_configs;
  std::string size_anchor, size_area = "synth/area_table.csv", size_out;
  CLI::App* iso_area = app.add_subcommand(
      "iso-area",
      "Size each design's array to the core area of an anchor design (yosys transistors) and "
      "write the sized configs (docs/baselines.md)");
  iso_area->add_option("-c,--config", size_configs, "hardware YAML to size (repeatable)")
      ->required()
      ->check(CLI::ExistingFile);
  iso_area->add_option("--anchor", size_anchor, "the config whose core area the others match")
      ->required()
      ->check(CLI::ExistingFile);
  iso_area->add_option("--area", size_area, "transistor counts (synth/area.sh --csv)")
      ->capture_default_str()
      ->check(CLI::ExistingFile);
  iso_area->add_option("-o,--output-dir", size_out, "where the sized configs go")->required();
  uint64_t verify_seed = 1;
  int verify_count = 256;
  CLI::App* verify = app.add_subcommand(
      "verify", "Random regression of the RTL core against the golden model, with coverage");
  verify->add_option("-c,--config", config_path, "hardware YAML")->capture_default_str();
  verify->add_option("--seed", verify_seed, "the first case's seed")
      ->capture_default_str()
      ->check(kSeed);
  verify->add_option("--count", verify_count, "how many cases (seeds seed .. seed+count-1)")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000000));
  std::string hf_config;
  mixpe::TraceRequest trace_request;
  std::string trace_output;
  CLI::App* trace = app.add_subcommand(
      "trace", "Write the layer trace of a model from its Hugging Face config.json");
  trace->add_option("--hf-config", hf_config, "config.json (traces/hf/ holds seven)")
      ->required()
      ->check(CLI::ExistingFile);
  trace->add_option("--phase", trace_request.phase, "prefill or decode")
      ->capture_default_str()
      ->check(CLI::IsMember({"prefill", "decode"}));
  trace->add_option("--batch", trace_request.batch, "sequences (images, for ViT)")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 20));
  trace
      ->add_option("--seq-len", trace_request.seq_len,
                   "prompt length (prefill) or KV-cache length (decode); ViT: its patches")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 20));
  trace->add_flag("--attention", trace_request.attention,
                  "add the attention products over a KIVI-quantized KV cache");
  trace->add_option("--kv-bits", trace_request.kv_bits, "KV-cache bits")
      ->capture_default_str()
      ->check(CLI::IsMember({2, 4}));
  trace->add_option("--kv-group", trace_request.kv_group, "tokens per key scale group")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 20));
  trace->add_flag("--lm-head", trace_request.lm_head, "add the LM head (hidden -> vocabulary)");
  trace->add_option("--weights", trace_request.weights, "weight format of the linear layers");
  trace->add_option("--activations", trace_request.activations,
                    "activation format of the linear layers");
  trace->add_option("--seed", trace_request.seed, "the trace's operand seed")
      ->capture_default_str()
      ->check(kSeed);
  trace->add_option("-o,--output", trace_output, "write the trace here (default: stdout)");
  std::string topology, scalesim_cfg, base_config = MIXPE_DEFAULT_CONFIG, output_trace,
                                      output_config;
  mixpe::ScaleSimImportOptions import_options;
  CLI::App* import = app.add_subcommand(
      "import", "Turn a SCALE-Sim topology CSV (and .cfg) into a trace (and hardware YAML)");
  import->add_option("--topology", topology, "SCALE-Sim topology CSV")
      ->required()
      ->check(CLI::ExistingFile);
  import->add_option("--cfg", scalesim_cfg, "SCALE-Sim hardware .cfg")->check(CLI::ExistingFile);
  import->add_option("--base-config", base_config, "the hardware YAML the .cfg's values go into")
      ->capture_default_str()
      ->check(CLI::ExistingFile);
  import->add_option("--weights", import_options.weights, "weight format of every layer");
  import->add_option("--activations", import_options.activations,
                     "activation format of every layer");
  import->add_option("--output-trace", output_trace, "where to write the trace")->required();
  import->add_option("--output-config", output_config, "where to write the hardware YAML");
  mixpe::AccuracyProblem problem;
  bool markdown = false;
  CLI::App* accuracy = app.add_subcommand(
      "accuracy", "Relative error of every quantization format against a float64 reference");
  accuracy->add_option("--m", problem.m, "tokens")
      ->capture_default_str()
      ->check(CLI::Range(1, 4096));
  accuracy->add_option("--k", problem.k, "reduction length")
      ->capture_default_str()
      ->check(CLI::Range(128, 65536));
  accuracy->add_option("--n", problem.n, "output channels")
      ->capture_default_str()
      ->check(CLI::Range(1, 65536));
  accuracy->add_option("--seed", problem.seed, "operand seed")->capture_default_str()->check(kSeed);
  accuracy->add_flag("--markdown", markdown, "print a Markdown table");
  bool widths = false;
  accuracy->add_flag("--widths", widths,
                     "print the integer widths of the exact inner sums instead (at --k)");
  // CLI11 would only say that a subcommand is required: name the word it did not know.
  if (argc > 1 && argv[1][0] != '-') {
    bool known = false;
    std::string names;
    for (const CLI::App* sub : app.get_subcommands({})) {
      known |= sub->get_name() == argv[1];
      names += (names.empty() ? "" : ", ") + sub->get_name();
    }
    if (!known) {
      std::cerr << "error: unknown subcommand '" << argv[1] << "' (expected one of " << names
                << ")\n";
      return static_cast<int>(CLI::ExitCodes::ExtrasError);
    }
  }
  CLI11_PARSE(app, argc, argv);
  try {
    if (*accuracy) {
      return widths ? mixpe::Widths(problem.k) : mixpe::Accuracy(problem, markdown);
    }
    if (*verify) return mixpe::Verify(config_path, verify_seed, verify_count);
    if (*trace) return mixpe::Trace(hf_config, trace_request, trace_output);
    if (*import) {
      return mixpe::Import(topology, scalesim_cfg, base_config, import_options, output_trace,
                           output_config);
    }
    if (*sweep) return mixpe::Sweep(space_path, sweep_dir, jobs, shard, !no_plot);
    if (*iso_area) return mixpe::IsoArea(size_configs, size_anchor, size_area, size_out);
    if (*compare) {
      return mixpe::Compare(compare_configs, compare_traces, compare_baseline,
                            mixpe::ParseMapObjective(objective, "--objective"), jobs, compare_csv,
                            compare_markdown);
    }
    if (*merge) return mixpe::Merge(merge_inputs, sweep_dir, !no_plot);
    if (*compile) {
      return mixpe::Compile(config_path, trace_path, only_layers,
                            mixpe::ParseMapObjective(objective, "--objective"), out_dir);
    }
    return mixpe::Run(config_path, trace_path, only_layers, waves_path, core_only,
                      mixpe::ParseMapObjective(objective, "--objective"), schedules_dir, json_path,
                      csv_path, fast);
  } catch (const mixpe::InputError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 2;
  } catch (const std::bad_alloc&) {
    // Inputs are bounded so that this does not happen (docs/robustness.md); should it still, the
    // process reports it rather than dying in SystemC's handler.
    std::cerr << "error: out of memory: the input asks for more memory than this machine has\n";
    return 3;
  } catch (const std::exception& e) {
    // Every error about the input is an InputError with the file and the key; anything else is a
    // bug in mixpe, reported as one instead of a crash.
    std::cerr << "error: unexpected internal error (a bug in mixpe; please report it with the "
                 "command line): "
              << e.what() << "\n";
    return 3;
  }
}

// SystemC prints its banner before sc_main unless this is set; this main runs first (the
// program's own main takes precedence over the one in SystemC's library) and hands over to it.
int main(int argc, char** argv) {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
  return sc_core::sc_elab_and_sim(argc, argv);
}
