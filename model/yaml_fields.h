// Typed, validated reads of YAML fields. Every failure throws InputError naming the file, the full
// key path (e.g. "array.rows") and what was expected, so callers never see a raw yaml-cpp
// exception.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

namespace mixpe {

// A YAML mapping together with where it came from, for error messages.
class YamlMap {
 public:
  // The largest file LoadFile reads: far above any hardware config, energy table, trace or sweep
  // space.
  static constexpr size_t kMaxFileBytes = size_t{16} << 20;
  // Parses `path`; throws InputError if the file is missing, unreadable, larger than
  // kMaxFileBytes or not a YAML mapping.
  static YamlMap LoadFile(const std::string& path);
  // The same for a document already in memory; `name` stands for the file in messages.
  static YamlMap LoadText(const std::string& text, const std::string& name);

  YamlMap(YAML::Node node, std::string file, std::string key_prefix);

  // Required fields. Integers must be written as integers (no 16.0, no "16"), within [lo, hi].
  int64_t Int(const std::string& key, int64_t lo, int64_t hi) const;
  double Number(const std::string& key, double lo, double hi) const;
  std::string String(const std::string& key) const;
  // A string that must be one of `allowed`.
  std::string Choice(const std::string& key, const std::vector<std::string>& allowed) const;
  YamlMap Map(const std::string& key) const;
  // A required, non-empty sequence of mappings.
  std::vector<YamlMap> MapList(const std::string& key) const;
  // A required, non-empty sequence of non-empty strings; item i is named "key[i]" in errors.
  std::vector<std::string> StringList(const std::string& key) const;

  bool Has(const std::string& key) const;
  // Rejects keys not in `known`, which catches typos such as "colums".
  void RejectUnknownKeys(const std::set<std::string>& known) const;

  // "file: key: message", the form of every error.
  [[noreturn]] void Fail(const std::string& key, const std::string& message) const;

  const std::string& file() const { return file_; }
  std::string KeyPath(const std::string& key) const;

 private:
  YAML::Node Required(const std::string& key) const;

  YAML::Node node_;
  std::string file_;
  std::string key_prefix_;
};

}  // namespace mixpe
