// Text helpers of the machine-readable reports (sweep CSV/JSON, run CSV/JSON): a CSV field, a JSON
// string, and a number written so that it reads back exactly.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>

namespace mixpe {

// `text` as one CSV field: quoted (quotes doubled) if it holds a comma, a quote or a line break.
inline std::string CsvField(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

// `text` as a JSON string literal, quotes included.
inline std::string JsonString(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

// The shortest decimal text (15 or 17 significant digits) that reads back as exactly `v`.
inline std::string ExactNumber(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.15g", v);
  if (std::strtod(buf, nullptr) != v) std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

}  // namespace mixpe
