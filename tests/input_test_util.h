// Helpers shared by the input-validation tests: temporary YAML files (removed when the test
// program exits), exact one-place edits of a valid document, and checks of error messages.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <ostream>
#include <string>
#include <vector>

namespace mixpe::testing_util {

// Removes every file WriteTempFile made, at program exit.
class TempFiles {
 public:
  static TempFiles& Get() {
    static TempFiles files;
    return files;
  }
  void Add(const std::string& path) { paths_.push_back(path); }
  ~TempFiles() {
    for (const std::string& path : paths_) std::remove(path.c_str());
  }

 private:
  std::vector<std::string> paths_;
};

// Writes `contents` to a new file under testing::TempDir() and returns its path. The name carries
// the test name, the process id and a counter, so parallel test processes never share a file.
inline std::string WriteTempFile(const std::string& contents) {
  static int counter = 0;
  const testing::TestInfo* test = testing::UnitTest::GetInstance()->current_test_info();
  std::string name = std::string(test->test_suite_name()) + "." + test->name();
  for (char& c : name) {
    if (c == '/') c = '_';  // parameterized tests are named "Prefix/Suite.Test/Param"
  }
  const std::string path = testing::TempDir() + "mixpe_" + name + "_" + std::to_string(getpid()) +
                           "_" + std::to_string(counter++) + ".yaml";
  std::ofstream out(path);
  out << contents;
  out.close();
  if (!out) ADD_FAILURE() << "cannot write " << path;
  TempFiles::Get().Add(path);
  return path;
}

// Returns `text` with its one occurrence of `from` replaced by `to`. An edit that matched nothing
// (or matched twice) would make the test prove nothing, so that fails the test.
inline std::string ReplaceOnce(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  if (at == std::string::npos || text.find(from, at + 1) != std::string::npos) {
    ADD_FAILURE() << "'" << from << "' does not occur exactly once in:\n" << text;
    return text;
  }
  text.replace(at, from.size(), to);
  return text;
}

// Succeeds if `message` contains every one of `parts`.
inline testing::AssertionResult ContainsAll(const std::string& message,
                                            const std::vector<std::string>& parts) {
  for (const std::string& part : parts) {
    if (message.find(part) == std::string::npos) {
      return testing::AssertionFailure()
             << "message \"" << message << "\" does not contain \"" << part << "\"";
    }
  }
  return testing::AssertionSuccess();
}

// Every field error reads "<file>: <key path>: <what was expected>, got ...".
inline testing::AssertionResult IsFieldError(const std::string& message, const std::string& path,
                                             const std::string& key_path,
                                             const std::vector<std::string>& expected_words) {
  std::vector<std::string> parts = {path, ": " + key_path + ": "};
  parts.insert(parts.end(), expected_words.begin(), expected_words.end());
  return ContainsAll(message, parts);
}

// One edit of a valid document that must make it fail to load, for value-parameterized tests.
struct BadEdit {
  std::string test_name;
  std::string from;  // text of the valid document to replace
  std::string to;
  std::string key_path;                     // as the message must spell it
  std::vector<std::string> expected_words;  // what was expected, as the message must say it
};

inline std::string BadEditName(const testing::TestParamInfo<BadEdit>& info) {
  return info.param.test_name;
}

// Names the edit when gtest prints a failing parameter.
inline void PrintTo(const BadEdit& edit, std::ostream* os) { *os << edit.test_name; }

}  // namespace mixpe::testing_util
