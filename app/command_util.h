// What the mixpe subcommands share: the check that a config describes the RTL this binary was
// built from, --layer selection, output files that appear only on success, and a progress bar on
// stderr.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "compiler/layer_trace.h"
#include "model/hardware_config.h"

namespace mixpe {

// Throws InputError if `config` describes another core than the RTL inside this binary (generated
// from one hardware YAML at build time), with the command that rebuilds for it.
void CheckConfigMatchesBuild(const HardwareConfig& config);

// Throws InputError if a name given with --layer names no layer of the trace.
void CheckLayerNames(const LayerTrace& trace, const std::vector<std::string>& only_layers);

// Whether `layer` is one of `only_layers` (all are when it is empty).
bool Selected(const GemmLayer& layer, const std::vector<std::string>& only_layers);

// An output file that appears only when the command gets to the end: the constructor checks that
// the file can be written by creating a temporary file beside it (in the same directory, so that
// the final rename is atomic), the content goes there, and Commit() renames it into place. Until
// then an existing file of that name is left as it was; destroyed uncommitted (an error, an
// exception), the temporary file is removed, so bad input leaves no output behind, not even an
// empty or partial one (docs/robustness.md, "Bad input"). A symbolic link is followed (the file
// it names is replaced); a device or a pipe such as /dev/stdout is written at Commit() as it is.
class OutputFile {
 public:
  // `path` empty: no output, and every call below does nothing. `what` names the file in messages,
  // the option first (e.g. "--json", "the JSON report"). Throws InputError if the file cannot be
  // written: its directory does not exist or is not writable, or `path` is a directory.
  OutputFile(std::string path, std::string option, std::string what);
  ~OutputFile();
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  bool wanted() const { return !path_.empty(); }
  const std::string& path() const { return path_; }
  // Where the content goes until Commit(); for writers that open the file themselves.
  const std::string& temp_path() const { return temp_; }
  // Writes `text` as the whole content (to the temporary file).
  void Write(const std::string& text);
  // Renames the temporary file into place.
  void Commit();

 private:
  [[noreturn]] void Fail(const std::string& why) const;

  std::string path_;
  std::string option_;
  std::string what_;
  std::string final_;  // path_, or the file a symbolic link there names
  std::string temp_;
  bool direct_ = false;  // path_ is a device or a pipe, written at Commit()
  std::string pending_;  // what Write() gave, for a direct one
  bool committed_ = false;
};

// A directory of outputs that appears only when the command gets to the end: the files are written
// into a temporary directory beside the target (in its nearest existing ancestor), and Commit()
// creates the target (and its missing parents) and moves every file into it, replacing files of the
// same names and leaving others alone. Destroyed uncommitted, the temporary directory is removed.
class OutputDir {
 public:
  // Throws InputError (naming `option`) if the directory cannot be made: a part of `path` is a
  // file, or the nearest existing ancestor is not writable.
  OutputDir(std::string path, std::string option);
  ~OutputDir();
  OutputDir(const OutputDir&) = delete;
  OutputDir& operator=(const OutputDir&) = delete;

  // Where to write until Commit().
  const std::string& temp_path() const { return temp_; }
  // The final path of a file written to temp_path() (`temp_file` starts with it).
  std::string FinalPath(const std::string& temp_file) const;
  void Commit();

 private:
  std::string path_;
  std::string option_;
  std::string temp_;
  bool committed_ = false;
};

// A progress bar on stderr, drawn only when stderr is a terminal.
class ProgressBar {
 public:
  explicit ProgressBar(std::string what) : what_(std::move(what)), shown_(isatty(2) != 0) {}
  // Erases the bar, so that a line can be printed in its place.
  void Clear() {
    if (shown_) std::fprintf(stderr, "\r%*s\r", 80, "");
  }
  void Update(int64_t done, int64_t total) {
    if (!shown_ || total <= 0) return;
    const int width = 40;
    const int filled = static_cast<int>(width * done / total);
    std::fprintf(stderr, "\r%s [%s%s] %lld/%lld", what_.c_str(), std::string(filled, '#').c_str(),
                 std::string(width - filled, '.').c_str(), static_cast<long long>(done),
                 static_cast<long long>(total));
    if (done == total) std::fprintf(stderr, "\n");
    std::fflush(stderr);
  }

 private:
  std::string what_;
  bool shown_;
};

}  // namespace mixpe
