// Typed, validated reads of YAML fields; see yaml_fields.h.
#include "model/yaml_fields.h"

#include <yaml-cpp/depthguard.h>

#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "model/input_error.h"

namespace mixpe {
namespace {

std::string Describe(const YAML::Node& node) {
  if (node.IsMap()) return node.size() == 0 ? "an empty mapping" : "a mapping";
  if (node.IsSequence()) return node.size() == 0 ? "an empty list" : "a list";
  if (node.IsNull()) return "an empty value";
  return "'" + node.Scalar() + "'";
}

// yaml-cpp tags a quoted scalar "!" and a plain one "?": "16" is a string, 16 a number.
bool IsQuoted(const YAML::Node& node) { return node.Tag() == "!"; }

// [-+]?[0-9]+, scanned by hand: std::regex matches a repetition by recursing once per
// character, and a scalar of tens of thousands of digits overflowed the stack.
bool IsPlainInteger(const std::string& s) {
  size_t i = !s.empty() && (s[0] == '-' || s[0] == '+') ? 1 : 0;
  if (i == s.size()) return false;
  for (; i < s.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

// Plain decimal notation, [-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?, scanned by hand as
// IsPlainInteger is. No hex ("0x1F4") and no "inf", which std::stod would take.
bool IsPlainDecimal(const std::string& s) {
  size_t i = 0;
  auto sign = [&] {
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
  };
  auto digits = [&] {
    const size_t start = i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
    return i - start;
  };
  sign();
  size_t mantissa_digits = digits();
  if (i < s.size() && s[i] == '.') {
    ++i;
    mantissa_digits += digits();
  }
  if (mantissa_digits == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    sign();
    if (digits() == 0) return false;
  }
  return i == s.size();
}

std::string JoinQuoted(const std::vector<std::string>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += i + 1 == items.size() ? " or " : ", ";
    out += "'" + items[i] + "'";
  }
  return out;
}

}  // namespace

YamlMap YamlMap::LoadFile(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw InputError(path + ": is a directory, not a file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": cannot open file");
  // Read in chunks up to a bound, so that a path naming an endless file (an energy table of
  // /dev/zero, say) fails instead of filling the memory.
  std::string text;
  char chunk[1 << 16];
  while (in.read(chunk, sizeof(chunk)) || in.gcount() > 0) {
    text.append(chunk, static_cast<size_t>(in.gcount()));
    if (text.size() > kMaxFileBytes) {
      throw InputError(path + ": expected a YAML document of at most " +
                       std::to_string(kMaxFileBytes >> 20) + " MiB, got a larger file");
    }
  }
  if (in.bad()) throw InputError(path + ": cannot read file");
  return LoadText(text, path);
}

YamlMap YamlMap::LoadText(const std::string& text, const std::string& name) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::DeepRecursion& e) {
    // yaml-cpp's own message for this is "bad file".
    std::ostringstream msg;
    msg << name << ":" << e.mark.line + 1 << ":" << e.mark.column + 1
        << ": malformed YAML: nested deeper than " << e.depth() << " levels";
    throw InputError(msg.str());
  } catch (const YAML::Exception& e) {
    std::ostringstream msg;
    msg << name << ":" << e.mark.line + 1 << ":" << e.mark.column + 1
        << ": malformed YAML: " << e.msg;
    throw InputError(msg.str());
  } catch (const std::exception& e) {
    throw InputError(name + ": cannot read file: " + e.what());
  }
  if (!root.IsMap()) throw InputError(name + ": expected a YAML mapping at the top level");
  return YamlMap(root, name, "");
}

YamlMap::YamlMap(YAML::Node node, std::string file, std::string key_prefix)
    : node_(std::move(node)), file_(std::move(file)), key_prefix_(std::move(key_prefix)) {}

std::string YamlMap::KeyPath(const std::string& key) const {
  return key_prefix_.empty() ? key : key_prefix_ + "." + key;
}

void YamlMap::Fail(const std::string& key, const std::string& message) const {
  throw InputError(file_ + ": " + KeyPath(key) + ": " + message);
}

bool YamlMap::Has(const std::string& key) const { return static_cast<bool>(node_[key]); }

YAML::Node YamlMap::Required(const std::string& key) const {
  YAML::Node value = node_[key];
  if (!value) Fail(key, "missing required key");
  return value;
}

int64_t YamlMap::Int(const std::string& key, int64_t lo, int64_t hi) const {
  YAML::Node value = Required(key);
  const std::string range =
      "an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
  if (!value.IsScalar() || IsQuoted(value) || !IsPlainInteger(value.Scalar())) {
    Fail(key, "expected " + range + ", got " + Describe(value));
  }
  int64_t parsed = 0;
  try {
    parsed = std::stoll(value.Scalar());
  } catch (const std::out_of_range&) {
    Fail(key, "expected " + range + ", got " + Describe(value));
  }
  if (parsed < lo || parsed > hi) Fail(key, "expected " + range + ", got " + value.Scalar());
  return parsed;
}

double YamlMap::Number(const std::string& key, double lo, double hi) const {
  YAML::Node value = Required(key);
  std::ostringstream range;
  range << "a number in [" << lo << ", " << hi << "]";
  double parsed = 0;
  size_t used = 0;
  bool ok = value.IsScalar() && !IsQuoted(value) && IsPlainDecimal(value.Scalar());
  if (ok) {
    try {
      parsed = std::stod(value.Scalar(), &used);
    } catch (const std::exception&) {
      ok = false;
    }
  }
  if (!ok || used != value.Scalar().size() || !std::isfinite(parsed)) {
    Fail(key, "expected " + range.str() + ", got " + Describe(value));
  }
  if (parsed < lo || parsed > hi) Fail(key, "expected " + range.str() + ", got " + value.Scalar());
  return parsed;
}

std::string YamlMap::String(const std::string& key) const {
  YAML::Node value = Required(key);
  if (!value.IsScalar() || value.Scalar().empty()) {
    Fail(key, "expected a non-empty string, got " + Describe(value));
  }
  return value.Scalar();
}

std::string YamlMap::Choice(const std::string& key, const std::vector<std::string>& allowed) const {
  YAML::Node value = Required(key);
  if (value.IsScalar()) {
    for (const std::string& option : allowed) {
      if (value.Scalar() == option) return option;
    }
  }
  Fail(key, "expected " + JoinQuoted(allowed) + ", got " + Describe(value));
}

YamlMap YamlMap::Map(const std::string& key) const {
  YAML::Node value = Required(key);
  if (!value.IsMap()) Fail(key, "expected a mapping, got " + Describe(value));
  return YamlMap(value, file_, KeyPath(key));
}

std::vector<YamlMap> YamlMap::MapList(const std::string& key) const {
  YAML::Node value = Required(key);
  if (!value.IsSequence() || value.size() == 0) {
    Fail(key, "expected a non-empty list, got " + Describe(value));
  }
  std::vector<YamlMap> items;
  for (size_t i = 0; i < value.size(); ++i) {
    const std::string item_key = KeyPath(key) + "[" + std::to_string(i) + "]";
    if (!value[i].IsMap()) {
      throw InputError(file_ + ": " + item_key + ": expected a mapping, got " + Describe(value[i]));
    }
    items.emplace_back(value[i], file_, item_key);
  }
  return items;
}

std::vector<std::string> YamlMap::StringList(const std::string& key) const {
  YAML::Node value = Required(key);
  if (!value.IsSequence() || value.size() == 0) {
    Fail(key, "expected a non-empty list of strings, got " + Describe(value));
  }
  std::vector<std::string> items;
  for (size_t i = 0; i < value.size(); ++i) {
    if (!value[i].IsScalar() || value[i].Scalar().empty()) {
      Fail(key + "[" + std::to_string(i) + "]",
           "expected a non-empty string, got " + Describe(value[i]));
    }
    items.push_back(value[i].Scalar());
  }
  return items;
}

void YamlMap::RejectUnknownKeys(const std::set<std::string>& known) const {
  std::set<std::string> seen;
  for (const auto& entry : node_) {
    if (!entry.first.IsScalar()) {
      throw InputError(file_ + ": " + (key_prefix_.empty() ? "top level" : key_prefix_) +
                       ": expected plain keys, got " + Describe(entry.first) + " as a key");
    }
    const std::string key = entry.first.Scalar();
    // yaml-cpp keeps both entries of a repeated key and reads the first: reject it instead.
    if (!seen.insert(key).second) Fail(key, "duplicate key");
    if (known.count(key) == 0) {
      std::vector<std::string> names(known.begin(), known.end());
      Fail(key, "unknown key (expected one of " + JoinQuoted(names) + ")");
    }
  }
}

}  // namespace mixpe
