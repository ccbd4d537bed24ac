// What the mixpe subcommands share; see command_util.h.
#include "app/command_util.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "model/input_error.h"
#include "rtl_params.h"

namespace mixpe {

// The RTL inside this binary was generated from one hardware YAML at build time; a run may name
// another file, but it must describe the same hardware: the same design (pe.design: the core's
// PeKind) and the same shape and widths.
void CheckConfigMatchesBuild(const HardwareConfig& config) {
  if (!IsRtlDesign(config.design)) {
    throw InputError(config.source_file + ": pe.design=" + PeDesignName(config.design) +
                     " has no RTL core to co-simulate (docs/baselines.md); run it through the "
                     "analytical model with --fast");
  }
  const std::string built_design = rtl_params::kPeDesign;
  const bool same_design = built_design == PeDesignName(config.design);
  const bool same = same_design && config.rows == rtl_params::kRows &&
                    config.cols == rtl_params::kCols &&
                    config.weight_bits == rtl_params::kWeightBits &&
                    config.activation_bits == rtl_params::kActBits &&
                    config.accumulator_bits == rtl_params::kAccBits;
  if (same && HasFp4Weights(config) && !rtl_params::kFp4Weights) {
    throw InputError(
        config.source_file +
        ": formats.weights lists an FP4 (E2M1) format, but this mixpe was built "
        "from " +
        rtl_params::kConfigFile +
        " without the PE's FP4 mode; rebuild for it with: make run CONFIG=" + config.source_file);
  }
  if (same) return;
  std::ostringstream msg;
  msg << config.source_file << ": describes a " << ShortDescription(config)
      << " core, but this mixpe was built from " << rtl_params::kConfigFile << " ("
      << rtl_params::kRows << "x" << rtl_params::kCols << " W" << rtl_params::kWeightBits << "A"
      << rtl_params::kActBits << " acc" << rtl_params::kAccBits;
  if (built_design != PeDesignName(PeDesign::kMixpe) || !same_design) msg << " " << built_design;
  msg << ")";
  if (!same_design) {
    msg << ": pe.design=" << PeDesignName(config.design)
        << " is another core than pe.design=" << built_design;
  }
  msg << "; rebuild for it with: make run CONFIG=" << config.source_file;
  throw InputError(msg.str());
}

// Every name given with --layer names a layer of the trace.
void CheckLayerNames(const LayerTrace& trace, const std::vector<std::string>& only_layers) {
  for (const std::string& name : only_layers) {
    bool found = false;
    for (const GemmLayer& layer : trace.layers) found |= layer.name == name;
    if (!found) throw InputError(trace.source_file + ": layers: no layer named '" + name + "'");
  }
}

bool Selected(const GemmLayer& layer, const std::vector<std::string>& only_layers) {
  return only_layers.empty() ||
         std::find(only_layers.begin(), only_layers.end(), layer.name) != only_layers.end();
}

namespace {

// The permissions a newly created file gets (mkstemp and mkdtemp make theirs private).
mode_t NewFileMode() {
  static const mode_t mask = [] {
    const mode_t m = umask(0);
    umask(m);
    return m;
  }();
  return 0666 & ~mask;
}

}  // namespace

OutputFile::OutputFile(std::string path, std::string option, std::string what)
    : path_(std::move(path)), option_(std::move(option)), what_(std::move(what)) {
  if (path_.empty()) return;
  namespace fs = std::filesystem;
  std::error_code error;
  fs::path target(path_);
  const fs::file_status status = fs::status(target, error);  // through symbolic links
  if (fs::is_directory(status)) Fail("it is a directory");
  if (fs::exists(status) && !fs::is_regular_file(status)) {
    // A device or a pipe (-o /dev/stdout): nothing to replace, it is written at the end.
    direct_ = true;
    temp_ = path_;
    return;
  }
  // A symbolic link keeps pointing where it did: the file it names is the one replaced.
  if (fs::exists(status)) target = fs::canonical(target, error);
  final_ = target.string();
  const fs::path dir = target.parent_path().empty() ? fs::path(".") : target.parent_path();
  std::string pattern = (dir / ("." + target.filename().string() + ".mixpe-XXXXXX")).string();
  const int fd = mkstemp(pattern.data());
  if (fd < 0) Fail(std::strerror(errno));
  fchmod(fd, NewFileMode());
  close(fd);
  temp_ = pattern;
}

OutputFile::~OutputFile() {
  if (!temp_.empty() && !direct_ && !committed_) std::remove(temp_.c_str());
}

void OutputFile::Fail(const std::string& why) const {
  throw InputError(option_ + " " + path_ + ": cannot write " + what_ + ": " + why);
}

void OutputFile::Write(const std::string& text) {
  if (!wanted()) return;
  if (direct_) {
    pending_ = text;
    return;
  }
  std::ofstream out(temp_, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) Fail(std::strerror(errno));
}

void OutputFile::Commit() {
  if (!wanted() || committed_) return;
  if (direct_) {
    std::ofstream out(path_, std::ios::binary);
    out << pending_;
    out.close();
    if (!out) Fail(std::strerror(errno));
  } else if (std::rename(temp_.c_str(), final_.c_str()) != 0) {
    Fail(std::strerror(errno));
  }
  committed_ = true;
}

OutputDir::OutputDir(std::string path, std::string option)
    : path_(std::move(path)), option_(std::move(option)) {
  namespace fs = std::filesystem;
  std::error_code error;
  fs::path existing(path_);
  while (!existing.empty() && !fs::exists(existing, error)) existing = existing.parent_path();
  if (existing.empty()) existing = ".";
  auto fail = [&](const std::string& why) {
    throw InputError(option_ + " " + path_ + ": cannot make the directory: " + why);
  };
  if (!fs::is_directory(existing, error)) fail(existing.string() + " is not a directory");
  std::string pattern = (existing / ".mixpe-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) fail(std::strerror(errno));
  temp_ = pattern;
}

OutputDir::~OutputDir() {
  std::error_code error;
  if (!temp_.empty() && !committed_) std::filesystem::remove_all(temp_, error);
}

std::string OutputDir::FinalPath(const std::string& temp_file) const {
  return (std::filesystem::path(path_) / std::filesystem::path(temp_file).lexically_relative(temp_))
      .string();
}

void OutputDir::Commit() {
  namespace fs = std::filesystem;
  if (committed_) return;
  auto fail = [&](const std::string& why) {
    throw InputError(option_ + " " + path_ + ": cannot write the files: " + why);
  };
  std::error_code error;
  std::vector<fs::path> files;
  for (auto it = fs::recursive_directory_iterator(temp_, error);
       !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
    if (it->is_regular_file()) files.push_back(it->path());
  }
  if (error) fail(error.message());
  fs::create_directories(path_, error);
  if (error) fail(error.message());
  for (const fs::path& file : files) {
    const fs::path target = FinalPath(file.string());
    fs::create_directories(target.parent_path(), error);
    if (!error) fs::rename(file, target, error);
    if (error) fail(target.string() + ": " + error.message());
  }
  committed_ = true;
  fs::remove_all(temp_, error);
}

}  // namespace mixpe
