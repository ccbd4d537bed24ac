// The contract every fuzz target checks (docs/robustness.md): a parser given any bytes returns,
// or throws InputError whose message names the input. Anything else (another exception, a crash,
// a sanitizer report, a hang, a huge allocation) is a bug; this header reports the exceptions by
// aborting, so that libFuzzer, or the replay driver of a build without it, keeps the input.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <string>
#include <typeinfo>

#include "model/input_error.h"

namespace mixpe::fuzz {

// The fuzzer's bytes as the text a parser reads (NUL bytes included).
inline std::string AsText(const uint8_t* data, size_t size) {
  return std::string(reinterpret_cast<const char*>(data), size);
}

[[noreturn]] inline void ContractViolated(const std::string& what) {
  std::fprintf(stderr, "fuzz: contract violated: %s\n", what.c_str());
  std::fflush(stderr);
  std::abort();
}

// Runs `parse`: true if it returned, false if it threw an InputError whose message contains
// `input_name` (the file the user would have to fix). Any other exception violates the contract.
template <typename Parse>
bool ParsesOrRefuses(const std::string& input_name, Parse&& parse) {
  try {
    parse();
    return true;
  } catch (const InputError& e) {
    const std::string message = e.what();
    if (message.find(input_name) == std::string::npos) {
      ContractViolated("an InputError that does not name the input " + input_name + ": " + message);
    }
    return false;
  } catch (const std::exception& e) {
    ContractViolated(std::string("an exception other than InputError (") + typeid(e).name() +
                     "): " + e.what());
  } catch (...) {
    ContractViolated("an exception that is not a std::exception");
  }
}

// Runs what must succeed on an input that parsed (a round trip through the writer, say): any
// exception violates the contract.
template <typename Check>
void MustSucceed(const std::string& what, Check&& check) {
  try {
    check();
  } catch (const std::exception& e) {
    ContractViolated(what + " threw (" + typeid(e).name() + "): " + e.what());
  }
}

// A file of this process's own in the temporary directory, for parsers that read only paths.
// libFuzzer's parallel workers (-jobs) are separate processes: the process id keeps them apart.
class ScratchFile {
 public:
  explicit ScratchFile(const std::string& suffix)
      : path_((std::filesystem::temp_directory_path() /
               ("mixpe_fuzz_" + std::to_string(getpid()) + suffix))
                  .string()) {}
  ~ScratchFile() { std::remove(path_.c_str()); }
  ScratchFile(const ScratchFile&) = delete;
  ScratchFile& operator=(const ScratchFile&) = delete;

  // Replaces the file's contents with `size` bytes at `data`; returns its path.
  const std::string& Write(const uint8_t* data, size_t size) {
    std::ofstream out(path_, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    out.close();
    if (!out) ContractViolated("cannot write the scratch file " + path_);
    return path_;
  }

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace mixpe::fuzz
