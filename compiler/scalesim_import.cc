// Imports SCALE-Sim topology CSVs and hardware .cfg files; see scalesim_import.h and
// docs/import.md, which maps every SCALE-Sim field.
#include "compiler/scalesim_import.h"

#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>

#include "model/energy_table.h"
#include "model/hardware_config.h"
#include "model/input_error.h"
#include "model/quant_format.h"

namespace mixpe {
namespace {

// LoadLayerTrace's bound on every size of a layer (docs/trace-format.md).
constexpr int64_t kMaxDim = int64_t{1} << 20;
// A SCALE-Sim word: its memories move one-byte words (INT8 operands) unless told otherwise.
constexpr int64_t kBytesPerScaleSimWord = 1;

// --- Text helpers --------------------------------------------------------------------------------

std::string Trim(const std::string& s) {
  const char* kSpace = " \t\r\n\v\f";
  const size_t begin = s.find_first_not_of(kSpace);
  if (begin == std::string::npos) return "";
  return s.substr(begin, s.find_last_not_of(kSpace) - begin + 1);
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Letters and digits only, lower case: "IFMAP Height" and "ifmap_height" both give "ifmapheight".
std::string Normalized(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  return out;
}

// Without one pair of matching surrounding quotes (spreadsheets quote CSV fields; SCALE-Sim's own
// configs quote run_name).
std::string Unquote(const std::string& s) {
  if (s.size() >= 2 && (s.front() == '"' || s.front() == '\'') && s.back() == s.front()) {
    return Trim(s.substr(1, s.size() - 2));
  }
  return s;
}

// A whole number written with digits only (no sign, point or exponent), small enough for int64.
bool ParseWhole(const std::string& s, int64_t* value) {
  if (s.empty() || s.size() > 18) return false;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  *value = std::stoll(s);
  return true;
}

std::string Join(const std::vector<std::string>& items, const std::string& separator) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) out += (i > 0 ? separator : "") + items[i];
  return out;
}

// The file's lines, without line ends and without a UTF-8 byte order mark. `what` names the kind of
// file in messages.
std::vector<std::string> ReadLines(const std::string& path, const std::string& what) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    throw InputError(path + ": is a directory, not a " + what);
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": cannot open " + what);
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (lines.empty() && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);
    lines.push_back(line);
  }
  if (in.bad()) throw InputError(path + ": cannot read " + what);
  return lines;
}

// --- Topology CSV --------------------------------------------------------------------------------

enum class TopologyKind { kGemm, kConv };

// What SCALE-Sim's readers take from each column, for messages when the header names none.
const std::vector<std::string> kGemmColumns = {"layer name",        "M",    "N", "K",
                                               "sparsity or batch", "batch"};
const std::vector<std::string> kConvColumns = {
    "layer name",    "IFMAP Height", "IFMAP Width",
    "Filter Height", "Filter Width", "Channels",
    "Num Filter",    "Strides",      "stride width, batch or sparsity"};

struct CsvRow {
  int line = 0;                     // 1-based
  std::vector<std::string> fields;  // trimmed, without the empty field after a trailing comma
};

// Splits a line at its commas. '#' starts a comment (SCALE-Sim's own files mark depthwise layers
// with a trailing "#dw").
std::vector<std::string> SplitCsvLine(const std::string& line) {
  const std::string text = line.substr(0, line.find('#'));
  std::vector<std::string> fields;
  size_t start = 0;
  while (true) {
    const size_t comma = text.find(',', start);
    fields.push_back(Unquote(Trim(text.substr(start, comma - start))));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  // SCALE-Sim's rows end with a comma; some files leave it out.
  if (fields.size() > 1 && fields.back().empty()) fields.pop_back();
  return fields;
}

bool AllEmpty(const std::vector<std::string>& fields) {
  return std::all_of(fields.begin(), fields.end(), [](const std::string& f) { return f.empty(); });
}

// A topology being read: where it comes from and its header, for messages.
class TopologyReader {
 public:
  TopologyReader(std::string path, TopologyKind kind, std::vector<std::string> header)
      : path_(std::move(path)), kind_(kind), header_(std::move(header)) {}

  [[noreturn]] void FailLine(int line, const std::string& message) const {
    throw InputError(path_ + ":" + std::to_string(line) + ": " + message);
  }

  // "file:line: column c (Label): message", columns counted from 1 as in a spreadsheet.
  [[noreturn]] void FailField(const CsvRow& row, size_t column, const std::string& message) const {
    FailLine(row.line,
             "column " + std::to_string(column + 1) + " (" + Label(column) + "): " + message);
  }

  // The header's name for a column, or what SCALE-Sim reads there.
  std::string Label(size_t column) const {
    if (column < header_.size() && !header_[column].empty()) return header_[column];
    const std::vector<std::string>& names =
        kind_ == TopologyKind::kGemm ? kGemmColumns : kConvColumns;
    return column < names.size() ? names[column] : "extra";
  }

  bool HeaderMentions(size_t column, const std::string& word) const {
    return column < header_.size() && Normalized(header_[column]).find(word) != std::string::npos;
  }

  // A size: a whole number in [1, 2^20].
  int64_t Size(const CsvRow& row, size_t column) const {
    const std::string& field = row.fields[column];
    int64_t value = 0;
    const std::string expected = "expected an integer in [1, " + std::to_string(kMaxDim) + "]";
    if (field.empty()) FailField(row, column, expected + ", got an empty field");
    if (!ParseWhole(field, &value) || value < 1 || value > kMaxDim) {
      FailField(row, column, expected + ", got '" + field + "'");
    }
    return value;
  }

  // A SCALE-Sim N:M structured-sparsity ratio: only a dense one (N = M) imports.
  void CheckDense(const CsvRow& row, size_t column) const {
    const std::string& field = row.fields[column];
    const size_t colon = field.find(':');
    int64_t nonzeros = 0;
    int64_t block = 0;
    if (!ParseWhole(Trim(field.substr(0, colon)), &nonzeros) ||
        !ParseWhole(Trim(field.substr(colon + 1)), &block) || nonzeros < 1 || block < nonzeros) {
      FailField(row, column,
                "expected a sparsity ratio N:M (N nonzeros in every M, 1 <= N <= M), got '" +
                    field + "'");
    }
    if (nonzeros != block) {
      FailField(row, column,
                "the ratio " + field +
                    " makes the layer sparse, and mixpe runs dense layers only: write 1:1 (or "
                    "leave the column out) to import it dense");
    }
  }

 private:
  std::string path_;
  TopologyKind kind_;
  std::vector<std::string> header_;
};

// The topology's kind from its header (first line): SCALE-Sim's names for the GEMM columns
// (M, N, K) or the convolution ones (IFMAP ..., Filter ...), else its column count.
TopologyKind DetectKind(const std::string& path, const CsvRow& header) {
  const std::vector<std::string>& h = header.fields;
  auto fail = [&](const std::string& message) -> void {
    throw InputError(path + ":" + std::to_string(header.line) + ": " + message);
  };
  // SCALE-Sim skips the first line unread: a layer there would silently be lost.
  if (h.size() >= 4) {
    bool numbers = true;
    int64_t unused = 0;
    for (size_t i = 1; i < h.size(); ++i) numbers &= ParseWhole(h[i], &unused);
    if (numbers) {
      fail(
          "expected a header line, got a layer: SCALE-Sim skips a topology's first line as its "
          "header, so this layer would be lost; add a header first, e.g. 'Layer, M, N, K,' or "
          "'Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, "
          "Num Filter, Strides,'");
    }
  }
  std::vector<std::string> names;
  for (const std::string& field : h) names.push_back(Normalized(field));
  if (names.size() >= 4) {
    const std::set<std::string> letters(names.begin() + 1, names.begin() + 4);
    if (letters == std::set<std::string>{"m", "n", "k"}) {
      if (names[1] != "m" || names[2] != "n" || names[3] != "k") {
        fail("the header names columns 2 to 4 '" + h[1] + ", " + h[2] + ", " + h[3] +
             "', but SCALE-Sim reads a GEMM row as name, M, N, K (N before K) whatever its "
             "header says: write the header and the rows in that order");
      }
      return TopologyKind::kGemm;
    }
  }
  for (const std::string& name : names) {
    if (name.find("ifmap") != std::string::npos || name.find("filter") != std::string::npos) {
      return TopologyKind::kConv;
    }
  }
  if (h.size() == 4) return TopologyKind::kGemm;
  if (h.size() == 8 || h.size() == 9) return TopologyKind::kConv;
  fail(
      "cannot tell a GEMM topology (header 'Layer, M, N, K,') from a convolution one "
      "('Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, "
      "Num Filter, Strides,') by this header of " +
      std::to_string(h.size()) + " columns");
  return TopologyKind::kGemm;  // not reached
}

// Letters, digits, '_', '.' and '-' (names become file names and --layer arguments): every run of
// other characters becomes one '_', and leading ones, '.' and '-' are dropped.
std::string UsableName(const std::string& written) {
  std::string out;
  bool gap = false;
  for (char c : written) {
    const bool keep = std::isalnum(static_cast<unsigned char>(c)) || c == '_' ||
                      (!out.empty() && (c == '.' || c == '-'));
    if (!keep) {
      gap = !out.empty();
      continue;
    }
    if (gap) out += '_';
    gap = false;
    out += c;
  }
  return out;
}

// SCALE-Sim counts ceil((in - filter + stride) / stride) outputs along a side: it pads the last,
// partial window at the bottom (right) with zeros.
int64_t ScaleSimOutputs(int64_t in, int64_t filter, int64_t stride) {
  return (in - filter + stride - 1) / stride + 1;
}

void ReadGemmRow(const TopologyReader& reader, const CsvRow& row, GemmLayer* layer) {
  const size_t columns = row.fields.size();
  if (columns < 4 || columns > 6) {
    reader.FailLine(row.line,
                    "expected 4 columns (layer name, M, N, K), 5 (then a sparsity ratio N:M "
                    "or a batch count) or 6 (then a batch count), got " +
                        std::to_string(columns));
  }
  layer->m = reader.Size(row, 1);
  layer->n = reader.Size(row, 2);  // N before K, as SCALE-Sim reads it
  layer->k = reader.Size(row, 3);
  // SCALE-Sim's fifth column: a sparsity ratio if it has a colon, else the batch count (the GEMM
  // runs that many times); the sixth: the batch count.
  if (columns >= 5 && !row.fields[4].empty()) {
    if (row.fields[4].find(':') != std::string::npos) {
      reader.CheckDense(row, 4);
    } else {
      layer->repeat = reader.Size(row, 4);
    }
  }
  if (columns == 6 && !row.fields[5].empty()) layer->repeat = reader.Size(row, 5);
}

void ReadConvRow(const TopologyReader& reader, const CsvRow& row, const std::string& name,
                 GemmLayer* layer, std::vector<std::string>* notes) {
  const size_t columns = row.fields.size();
  if (columns < 8 || columns > 9) {
    reader.FailLine(row.line,
                    "expected 8 columns (layer name, IFMAP Height, IFMAP Width, "
                    "Filter Height, Filter Width, Channels, Num Filter, Strides), or a "
                    "ninth (stride width, batch or sparsity ratio), got " +
                        std::to_string(columns));
  }
  ConvShape& c = layer->conv;
  c.batch = 1;
  c.padding = 0;
  c.height = reader.Size(row, 1);
  c.width = reader.Size(row, 2);
  const int64_t filter_height = reader.Size(row, 3);
  const int64_t filter_width = reader.Size(row, 4);
  c.channels = reader.Size(row, 5);
  layer->n = reader.Size(row, 6);
  c.stride = reader.Size(row, 7);
  if (filter_width != filter_height) {
    reader.FailField(row, 4,
                     "a " + std::to_string(filter_height) + " x " + std::to_string(filter_width) +
                         " filter is not square: a mixpe convolution has a square kernel "
                         "(conv.kernel)");
  }
  c.kernel = filter_height;
  if (c.kernel > c.height) {
    reader.FailField(row, 3,
                     "the filter (" + std::to_string(c.kernel) + ") is taller than the input (" +
                         std::to_string(c.height) + ")");
  }
  if (c.kernel > c.width) {
    reader.FailField(row, 4,
                     "the filter (" + std::to_string(c.kernel) + ") is wider than the input (" +
                         std::to_string(c.width) + ")");
  }
  // The ninth column: a sparsity ratio if it has a colon (SCALE-Sim v3), a batch if the header
  // says so, else the stride along the width (SCALE-Sim v2 writes "Stride height, Stride width").
  if (columns == 9 && !row.fields[8].empty()) {
    if (row.fields[8].find(':') != std::string::npos) {
      reader.CheckDense(row, 8);
    } else if (reader.HeaderMentions(8, "batch")) {
      c.batch = reader.Size(row, 8);
    } else if (const int64_t stride_width = reader.Size(row, 8); stride_width != c.stride) {
      reader.FailField(row, 8,
                       "strides of " + std::to_string(c.stride) + " (height) and " +
                           std::to_string(stride_width) +
                           " (width) differ: a mixpe convolution has one stride (conv.stride)");
    }
  }
  const std::string at = "line " + std::to_string(row.line) + ": " + name + ": ";
  // A mixpe convolution pads every side alike, so a partial window becomes a whole one over a
  // longer input: the same outputs, the same GEMM, random data where SCALE-Sim has zeros.
  const int64_t out_height = ScaleSimOutputs(c.height, c.kernel, c.stride);
  const int64_t out_width = ScaleSimOutputs(c.width, c.kernel, c.stride);
  const int64_t height = c.kernel + c.stride * (out_height - 1);
  const int64_t width = c.kernel + c.stride * (out_width - 1);
  if (height != c.height || width != c.width) {
    if (height > kMaxDim || width > kMaxDim) {
      reader.FailLine(row.line,
                      "the input of " + std::to_string(height) + " x " + std::to_string(width) +
                          " that SCALE-Sim's output size needs exceeds " + std::to_string(kMaxDim));
    }
    if (notes != nullptr) {
      notes->push_back(at + "stride " + std::to_string(c.stride) +
                       " leaves a partial window on a " + std::to_string(c.height) + " x " +
                       std::to_string(c.width) + " input, which SCALE-Sim pads to " +
                       std::to_string(out_height) + " x " + std::to_string(out_width) +
                       " outputs: imported as a " + std::to_string(height) + " x " +
                       std::to_string(width) + " input, which has as many");
    }
    c.height = height;
    c.width = width;
  }
  // SCALE-Sim runs a layer whose name contains "DP" as Channels depthwise convolutions of one input
  // channel each.
  if (row.fields[0].find("DP") != std::string::npos) {
    if (notes != nullptr && c.channels > 1) {
      notes->push_back(at + "depthwise (its name contains \"DP\"): SCALE-Sim runs it as " +
                       std::to_string(c.channels) +
                       " convolutions of one input channel each: imported as channels: 1, "
                       "repeat: " +
                       std::to_string(c.channels));
    }
    layer->repeat = c.channels;
    c.channels = 1;
  }
  if (c.gemm_m() > kMaxDim || c.gemm_k() > kMaxDim) {
    reader.FailLine(
        row.line, "the layer's GEMM (M = " + std::to_string(c.batch) + " x " +
                      std::to_string(c.out_height()) + " x " + std::to_string(c.out_width()) +
                      " = " + std::to_string(c.gemm_m()) + ", K = " + std::to_string(c.channels) +
                      " x " + std::to_string(c.kernel) + " x " + std::to_string(c.kernel) + " = " +
                      std::to_string(c.gemm_k()) + ") exceeds " + std::to_string(kMaxDim) +
                      " in M or K, the trace's limit");
  }
  layer->m = c.gemm_m();
  layer->k = c.gemm_k();
}

// --- Trace YAML ----------------------------------------------------------------------------------

// A double-quoted YAML string.
std::string YamlQuoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof(escaped), "\\x%02x", static_cast<unsigned char>(c));
      out += escaped;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

// A name as a YAML scalar: plain if it cannot be read as anything but that string, else quoted.
std::string YamlName(const std::string& s) {
  static const std::set<std::string> kWords = {"null", "true", "false", "yes", "no",
                                               "on",   "off",  "y",     "n"};
  bool plain = !s.empty() && (std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_') &&
               kWords.count(Lower(s)) == 0;
  for (char c : s) {
    plain &= std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
  }
  return plain ? s : YamlQuoted(s);
}

// --- Hardware .cfg -------------------------------------------------------------------------------

struct IniEntry {
  std::string key;  // as written
  std::string value;
  int line = 0;
};

struct IniSection {
  std::string name;  // as written
  int line = 0;
  std::vector<IniEntry> entries;
};

// An INI file as Python's configparser reads SCALE-Sim's: "[section]" headers, "key = value" or
// "key: value" entries, keys case-insensitive, whole-line comments starting with '#' or ';'. Also
// takes inline comments (" # ...") and quoted values. Repeated sections and keys are errors, as
// in configparser's strict mode.
class IniFile {
 public:
  static IniFile Load(const std::string& path) {
    IniFile ini;
    ini.path_ = path;
    const std::vector<std::string> lines = ReadLines(path, "SCALE-Sim config");
    for (size_t i = 0; i < lines.size(); ++i) {
      const int line = static_cast<int>(i) + 1;
      const std::string text = Trim(lines[i]);
      if (text.empty() || text[0] == '#' || text[0] == ';') continue;
      if (text[0] == '[') {
        const std::string name = Trim(text.substr(1, text.size() - 2));
        if (text.back() != ']' || name.empty()) {
          ini.FailLine(line, "expected a section header '[name]', got '" + text + "'");
        }
        if (const IniSection* seen = ini.Section(name)) {
          ini.FailLine(line, "section [" + name + "] appears twice (also line " +
                                 std::to_string(seen->line) + ")");
        }
        ini.sections_.push_back({name, line, {}});
        continue;
      }
      const size_t separator = text.find_first_of("=:");
      const std::string key = Trim(text.substr(0, separator));
      if (separator == std::string::npos || key.empty()) {
        ini.FailLine(line,
                     "expected 'key = value', 'key: value' or '[section]', got '" + text + "'");
      }
      if (ini.sections_.empty()) {
        ini.FailLine(line, "'" + key + "' comes before any [section]");
      }
      IniSection& section = ini.sections_.back();
      if (const IniEntry* seen = ini.Find(section, key)) {
        ini.FailLine(line, "[" + section.name + "] " + key + ": appears twice (also line " +
                               std::to_string(seen->line) + ")");
      }
      std::string value = Trim(text.substr(separator + 1));
      for (size_t p = 1; p < value.size(); ++p) {
        if ((value[p] == '#' || value[p] == ';') &&
            std::isspace(static_cast<unsigned char>(value[p - 1]))) {
          value = Trim(value.substr(0, p));
          break;
        }
      }
      section.entries.push_back({key, Unquote(value), line});
    }
    return ini;
  }

  const std::string& path() const { return path_; }
  const std::vector<IniSection>& sections() const { return sections_; }

  const IniSection* Section(const std::string& name) const {
    for (const IniSection& s : sections_) {
      if (Lower(s.name) == Lower(name)) return &s;
    }
    return nullptr;
  }

  const IniEntry* Find(const IniSection& section, const std::string& key) const {
    for (const IniEntry& e : section.entries) {
      if (Lower(e.key) == Lower(key)) return &e;
    }
    return nullptr;
  }

  const IniSection& RequireSection(const std::string& name, const std::string& why) const {
    const IniSection* s = Section(name);
    if (s == nullptr) throw InputError(path_ + ": [" + name + "]: missing section (" + why + ")");
    return *s;
  }

  // The first of `keys` (a key and its older spellings) in `section`.
  const IniEntry& Require(const IniSection& section, const std::vector<std::string>& keys,
                          const std::string& why) const {
    for (const std::string& key : keys) {
      if (const IniEntry* e = Find(section, key)) return *e;
    }
    throw InputError(path_ + ": [" + section.name + "] " + keys.front() +
                     ": missing required key (" + why + ")");
  }

  [[noreturn]] void FailLine(int line, const std::string& message) const {
    throw InputError(path_ + ":" + std::to_string(line) + ": " + message);
  }

  // "file:line: [section] Key: message".
  [[noreturn]] void Fail(const IniSection& section, const IniEntry& entry,
                         const std::string& message) const {
    FailLine(entry.line, "[" + section.name + "] " + entry.key + ": " + message);
  }

  // A whole number in [lo, hi]; `meaning` says what it becomes in mixpe.
  int64_t Int(const IniSection& section, const IniEntry& entry, int64_t lo, int64_t hi,
              const std::string& meaning) const {
    int64_t value = 0;
    if (!ParseWhole(entry.value, &value) || value < lo || value > hi) {
      Fail(section, entry,
           "expected an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "] (" +
               meaning + "), got " +
               (entry.value.empty() ? "an empty value" : "'" + entry.value + "'"));
    }
    return value;
  }

 private:
  std::string path_;
  std::vector<IniSection> sections_;
};

// A buffer's banks for its new capacity and array, keeping the base's word and ports: the base's
// count if every bank still holds whole words and a half still serves `need_bits` a cycle
// (LoadHardwareConfig's rules, docs/configuration.md), else the largest count that does between
// the smallest wide enough (`min_banks`) and the base's. 0 if none does: wider rows only divide
// fewer capacities.
int ChooseBanks(const BufferConfig& b, int64_t need_bits, int64_t* min_banks) {
  *min_banks = 2;
  while (*min_banks / 2 * b.word_bits * b.ports < need_bits) *min_banks *= 2;
  if (*min_banks > 65536) return 0;
  for (int64_t banks = std::max<int64_t>(b.banks, *min_banks); banks >= *min_banks; banks /= 2) {
    if (b.CapacityBytes() % (banks * b.word_bits / 8) == 0) return static_cast<int>(banks);
  }
  return 0;
}

// One line of the header comment: a mixpe key and value, and the SCALE-Sim key it comes from.
struct Mapping {
  std::string target;  // "array.rows: 32"
  std::string source;  // "[architecture_presets] ArrayHeight"
};

Mapping MapInt(const std::string& key, int64_t value, const std::string& source) {
  return {key + ": " + std::to_string(value), source};
}

// Writes `text` to a fresh temporary file and loads it as a hardware config; returns the error, or
// "" if it loads.
std::string LoadProblem(const std::string& text) {
  std::string path =
      (std::filesystem::temp_directory_path() / "mixpe_scalesim_import_XXXXXX.yaml").string();
  const int fd = mkstemps(path.data(), 5);
  if (fd < 0) return "cannot create a temporary file to check the config";
  close(fd);
  std::string problem;
  {
    std::ofstream out(path);
    out << text;
    if (!out) problem = "cannot write the temporary file " + path;
  }
  if (problem.empty()) {
    try {
      LoadHardwareConfig(path);
    } catch (const InputError& e) {
      problem = e.what();
    }
  }
  std::remove(path.c_str());
  return problem;
}

}  // namespace

LayerTrace ImportScaleSimTopology(const std::string& csv_path, const ScaleSimImportOptions& options,
                                  std::vector<std::string>* notes) {
  // The formats first: a typo fails before the file is read.
  if (!options.weights.empty()) {
    try {
      ParseWeightFormat(options.weights);
    } catch (const InputError& e) {
      throw InputError(std::string("--weights: ") + e.what());
    }
  }
  if (!options.activations.empty()) {
    try {
      ParseActivationFormat(options.activations);
    } catch (const InputError& e) {
      throw InputError(std::string("--activations: ") + e.what());
    }
  }
  if (options.seed > (uint64_t{1} << 62)) {
    throw InputError("seed: expected an integer in [0, 2^62], got " + std::to_string(options.seed));
  }

  std::vector<CsvRow> rows;
  const std::vector<std::string> lines = ReadLines(csv_path, "SCALE-Sim topology");
  for (size_t i = 0; i < lines.size(); ++i) {
    CsvRow row{static_cast<int>(i) + 1, SplitCsvLine(lines[i])};
    if (!AllEmpty(row.fields)) rows.push_back(row);  // blank, comment or ",,,," lines
  }
  if (rows.empty()) {
    throw InputError(csv_path + ": expected a header line and layers, got no lines with fields");
  }
  const TopologyKind kind = DetectKind(csv_path, rows.front());
  const TopologyReader reader(csv_path, kind, rows.front().fields);
  if (rows.size() == 1) {
    throw InputError(csv_path + ": expected layers after the header (line " +
                     std::to_string(rows.front().line) + "), got none");
  }

  LayerTrace trace;
  trace.source_file = csv_path;
  trace.seed = options.seed;
  trace.model = std::string("SCALE-Sim ") + (kind == TopologyKind::kGemm ? "GEMM" : "convolution") +
                " topology " + std::filesystem::path(csv_path).stem().string();
  std::map<std::string, int> taken;  // name -> line
  for (size_t r = 1; r < rows.size(); ++r) {
    const CsvRow& row = rows[r];
    const std::string& written = row.fields[0];
    if (written.empty()) reader.FailField(row, 0, "expected a layer name, got an empty field");
    const std::string usable = UsableName(written);
    if (usable.empty()) {
      reader.FailField(row, 0,
                       "layer name '" + written +
                           "' has no letter or digit (names are letters, digits, '_', "
                           "'.' and '-')");
    }
    std::string name = usable;
    for (int suffix = 2; taken.count(name) > 0; ++suffix) {
      name = usable + "_" + std::to_string(suffix);
    }
    if (notes != nullptr && name != written) {
      std::vector<std::string> why;
      if (usable != written) {
        why.push_back(
            "names are letters, digits, '_', '.' and '-': they name files and --layer "
            "arguments");
      }
      if (name != usable) {
        why.push_back(usable + " is taken by line " + std::to_string(taken[usable]));
      }
      notes->push_back("line " + std::to_string(row.line) + ": layer '" + written +
                       "' imported as " + name + " (" + Join(why, "; ") + ")");
    }
    taken[name] = row.line;

    GemmLayer layer;
    layer.name = name;
    layer.source_file = csv_path;
    layer.index = static_cast<int>(trace.layers.size());
    layer.weights = options.weights;
    layer.activations = options.activations;
    if (kind == TopologyKind::kGemm) {
      ReadGemmRow(reader, row, &layer);
    } else {
      ReadConvRow(reader, row, name, &layer, notes);
    }
    trace.layers.push_back(layer);
  }
  return trace;
}

std::string ScaleSimTraceYaml(const LayerTrace& trace, const std::vector<std::string>& notes) {
  std::ostringstream out;
  out << "# Imported from the SCALE-Sim topology " << trace.source_file
      << " by mixpe import (docs/import.md).\n";
  for (const std::string& note : notes) out << "# " << note << "\n";
  out << "version: 1\n"
      << "model: " << YamlQuoted(trace.model) << "\n"
      << "seed: " << trace.seed << "\n"
      << "layers:\n";
  size_t width = 0;
  for (const GemmLayer& layer : trace.layers) width = std::max(width, YamlName(layer.name).size());
  for (const GemmLayer& layer : trace.layers) {
    if (layer.attention.present()) {
      throw std::logic_error("ScaleSimTraceYaml: layer " + layer.name +
                             " is an attention product, which no SCALE-Sim topology makes");
    }
    std::string name = YamlName(layer.name) + ",";
    name.resize(width + 1, ' ');
    out << "  - {name: " << name;
    if (layer.conv.present()) {
      const ConvShape& c = layer.conv;
      out << " n: " << layer.n << ", conv: {batch: " << c.batch << ", channels: " << c.channels
          << ", height: " << c.height << ", width: " << c.width << ", kernel: " << c.kernel
          << ", stride: " << c.stride << ", padding: " << c.padding << "}";
    } else {
      out << " m: " << layer.m << ", k: " << layer.k << ", n: " << layer.n;
    }
    if (!layer.weights.empty()) out << ", weights: " << YamlName(layer.weights);
    if (!layer.activations.empty()) out << ", activations: " << YamlName(layer.activations);
    if (layer.repeat != 1) out << ", repeat: " << layer.repeat;
    if (!layer.loop_order.empty()) out << ", loop_order: " << layer.loop_order;
    if (layer.block_m_tiles > 0) out << ", block_m_tiles: " << layer.block_m_tiles;
    if (layer.block_n_tiles > 0) out << ", block_n_tiles: " << layer.block_n_tiles;
    out << "}\n";
  }
  return out.str();
}

std::string ImportScaleSimConfig(const std::string& cfg_path, const std::string& base_yaml_path,
                                 const std::string& output_path) {
  const IniFile ini = IniFile::Load(cfg_path);
  const HardwareConfig base = LoadHardwareConfig(base_yaml_path);
  HardwareConfig config = base;
  std::vector<Mapping> mapped;
  std::vector<std::string> changed;  // what the import had to adjust, and why
  std::vector<std::string> assumed;

  const IniSection& arch = ini.RequireSection("architecture_presets", "the array and its SRAMs");
  // The dataflow first: a weight- or input-stationary array is not one mixpe has, at any size.
  const IniEntry& dataflow =
      ini.Require(arch, {"Dataflow"}, "os, ws or is; mixpe's output-stationary array takes os");
  if (Lower(dataflow.value) != "os") {
    ini.Fail(arch, dataflow,
             "expected os, got '" + dataflow.value +
                 "': mixpe's array is output stationary (each PE accumulates one output in place, "
                 "array.dataflow: output_stationary), SCALE-Sim's os; its ws (weight stationary) "
                 "and is (input stationary) arrays have no mixpe equivalent");
  }

  const IniEntry& height = ini.Require(arch, {"ArrayHeight"}, "the PE rows: array.rows");
  config.rows = static_cast<int>(ini.Int(arch, height, 1, 256, "array.rows"));
  const IniEntry& width = ini.Require(arch, {"ArrayWidth"}, "the PE columns: array.cols");
  config.cols = static_cast<int>(ini.Int(arch, width, 1, 256, "array.cols"));
  mapped.push_back(MapInt("array.rows", config.rows, "[" + arch.name + "] " + height.key));
  mapped.push_back(MapInt("array.cols", config.cols, width.key));
  mapped.push_back({"array.dataflow: output_stationary", dataflow.key + ": os"});

  // SCALE-Sim v1 spells the sizes without "kB" (also in kB).
  struct SramKey {
    BufferKind kind;
    std::vector<std::string> keys;
  };
  const std::vector<SramKey> srams = {
      {BufferKind::kActivations, {"IfmapSramSzkB", "IfmapSramSz"}},
      {BufferKind::kWeights, {"FilterSramSzkB", "FilterSramSz"}},
      {BufferKind::kOutputs, {"OfmapSramSzkB", "OfmapSramSz"}},
  };
  std::map<BufferKind, const IniEntry*> sram_entries;
  for (const SramKey& sram : srams) {
    const std::string key = std::string("memory.buffers.") + BufferKindName(sram.kind);
    const IniEntry& e = ini.Require(arch, sram.keys, "kB of SRAM: " + key + ".capacity_kib");
    config.memory.buffers[static_cast<int>(sram.kind)].capacity_kib =
        ini.Int(arch, e, 1, 1 << 20, key + ".capacity_kib");
    sram_entries[sram.kind] = &e;
    mapped.push_back(MapInt(key + ".capacity_kib",
                            config.memory.buffers[static_cast<int>(sram.kind)].capacity_kib,
                            e.key));
  }

  // The memory interface: InterfaceBandwidth USER takes Bandwidth (words a cycle); CALC lets
  // SCALE-Sim size it per layer to never stall, which mixpe cannot, so the base's stays.
  const IniSection* run = ini.Section("run_presets");
  const IniEntry* mode = run != nullptr ? ini.Find(*run, "InterfaceBandwidth") : nullptr;
  std::string mode_value = "CALC";
  if (mode != nullptr) {
    mode_value = mode->value;
    for (char& c : mode_value) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (mode_value != "CALC" && mode_value != "USER") {
      ini.Fail(*run, *mode, "expected CALC or USER, got '" + mode->value + "'");
    }
  }
  DramConfig& dram = config.memory.dram;
  if (mode_value == "USER") {
    const IniEntry& bw = ini.Require(
        arch, {"Bandwidth"},
        "words a cycle of the memory interface, which InterfaceBandwidth: USER takes from it");
    if (bw.value.find(',') != std::string::npos) {
      ini.Fail(arch, bw,
               "expected one bandwidth, got '" + bw.value +
                   "' (one per memory bank): mixpe has one DRAM interface "
                   "(memory.dram.bandwidth_bytes_per_cycle)");
    }
    const int64_t words =
        ini.Int(arch, bw, 1, 4096 / kBytesPerScaleSimWord,
                "words a cycle, one byte each: memory.dram.bandwidth_bytes_per_cycle");
    const int64_t bytes = words * kBytesPerScaleSimWord;
    int64_t power = 1;
    while (power * 2 <= bytes) power *= 2;
    dram.bandwidth_bytes_per_cycle = power;
    mapped.push_back(MapInt("memory.dram.bandwidth_bytes_per_cycle", power,
                            bw.key + ": " + std::to_string(words) +
                                " words a cycle (InterfaceBandwidth: USER)" +
                                (power != bytes ? ", rounded down to a power of two" : "")));
  } else {
    assumed.push_back(
        "InterfaceBandwidth: CALC" +
        std::string(mode == nullptr ? " (no [run_presets] InterfaceBandwidth: a SCALE-Sim v1 file)"
                                    : "") +
        " sizes SCALE-Sim's memory interface per layer so that it never stalls, and mixpe's is "
        "fixed: memory.dram.bandwidth_bytes_per_cycle stays the base's " +
        std::to_string(dram.bandwidth_bytes_per_cycle) +
        (ini.Find(arch, "Bandwidth") != nullptr ? " (Bandwidth is unused)" : ""));
  }
  if (dram.burst_bytes < dram.bandwidth_bytes_per_cycle) {
    changed.push_back("memory.dram.burst_bytes: " + std::to_string(dram.burst_bytes) + " -> " +
                      std::to_string(dram.bandwidth_bytes_per_cycle) +
                      " (a burst takes whole cycles)");
    dram.burst_bytes = dram.bandwidth_bytes_per_cycle;
  }
  if (dram.row_buffer_bytes < dram.burst_bytes) {
    changed.push_back("memory.dram.row_buffer_bytes: " + std::to_string(dram.row_buffer_bytes) +
                      " -> " + std::to_string(dram.burst_bytes) + " (whole bursts a row)");
    dram.row_buffer_bytes = dram.burst_bytes;
  }

  // Banks: every bank holds whole words, and a half serves the core and the DRAM at full rate.
  for (BufferKind kind : kAllBufferKinds) {
    BufferConfig& b = config.memory.buffers[static_cast<int>(kind)];
    const int64_t core = CoreBufferBitsPerCycle(config, kind);
    const int64_t need = std::max(core, dram.bandwidth_bytes_per_cycle * 8);
    int64_t min_banks = 0;
    const int banks = ChooseBanks(b, need, &min_banks);
    const std::string key = std::string("memory.buffers.") + BufferKindName(kind);
    if (banks == 0) {
      std::ostringstream msg;
      msg << b.CapacityBytes() << " bytes cannot be split into banks of whole " << b.word_bits
          << "-bit words (" << key << ".word_bits of the base) wide enough for a " << config.rows
          << "x" << config.cols << " array: a half must serve " << need
          << " bits a cycle (the core " << core << ", the DRAM "
          << dram.bandwidth_bytes_per_cycle * 8 << ")";
      if (min_banks <= 65536) {
        // Capacities are whole KiB and rows powers of two, so a row that does not divide one is
        // a whole number of KiB.
        const int64_t row = min_banks * b.word_bits / 8;
        msg << ", which takes " << min_banks << " banks, whose rows of " << row
            << " bytes do not divide it: give a multiple of " << row / 1024 << " kB";
      } else {
        msg << ", more than 65536 banks";
      }
      const auto sram = sram_entries.find(kind);
      if (sram == sram_entries.end()) {
        throw InputError(base_yaml_path + ": " + key + ".capacity_kib: " + msg.str());
      }
      ini.Fail(arch, *sram->second, msg.str());
    }
    if (banks != b.banks) {
      changed.push_back(
          key + ".banks: " + std::to_string(b.banks) + " -> " + std::to_string(banks) + " (" +
          (b.banks < min_banks
               ? "a half must serve " + std::to_string(need) + " bits a cycle"
               : "whole words in every bank of " + std::to_string(b.capacity_kib) + " KiB") +
          ")");
      b.banks = banks;
    }
  }
  if (config.noc.topology == NocConfig::Topology::kMesh) {
    if (config.noc.mesh_columns > config.cols) {
      changed.push_back("noc.mesh_columns: " + std::to_string(config.noc.mesh_columns) + " -> " +
                        std::to_string(config.cols) + " (a router serves at least one column)");
      config.noc.mesh_columns = config.cols;
    }
    if (config.noc.mesh_rows > config.rows) {
      changed.push_back("noc.mesh_rows: " + std::to_string(config.noc.mesh_rows) + " -> " +
                        std::to_string(config.rows) + " (a router serves at least one row)");
      config.noc.mesh_rows = config.rows;
    }
  }

  const IniSection* general = ini.Section("general");
  const IniEntry* run_name = general != nullptr ? ini.Find(*general, "run_name") : nullptr;
  config.name = run_name != nullptr && !run_name->value.empty()
                    ? run_name->value
                    : "scalesim-" + std::filesystem::path(cfg_path).stem().string();

  // Every key SCALE-Sim has that mixpe does not take.
  const std::map<std::string, std::set<std::string>> used = {
      {"general", {"run_name"}},
      {"architecture_presets",
       {"arrayheight", "arraywidth", "ifmapsramszkb", "ifmapsramsz", "filtersramszkb",
        "filtersramsz", "ofmapsramszkb", "ofmapsramsz", "dataflow", "bandwidth"}},
      {"run_presets", {"interfacebandwidth"}},
  };
  std::vector<std::string> ignored;
  for (const IniSection& section : ini.sections()) {
    std::vector<std::string> keys;
    const auto known = used.find(Lower(section.name));
    for (const IniEntry& e : section.entries) {
      if (known == used.end() || known->second.count(Lower(e.key)) == 0) keys.push_back(e.key);
    }
    if (!keys.empty()) ignored.push_back("[" + section.name + "] " + Join(keys, ", "));
  }

  // The base document with the imported values: its other keys, and their order, stay.
  YAML::Node root = YAML::LoadFile(base_yaml_path);
  root["name"] = config.name;
  root["array"]["rows"] = config.rows;
  root["array"]["cols"] = config.cols;
  YAML::Node dram_node = root["memory"]["dram"];
  dram_node["bandwidth_bytes_per_cycle"] = dram.bandwidth_bytes_per_cycle;
  dram_node["burst_bytes"] = dram.burst_bytes;
  dram_node["row_buffer_bytes"] = dram.row_buffer_bytes;
  for (BufferKind kind : kAllBufferKinds) {
    const BufferConfig& b = config.memory.Buffer(kind);
    YAML::Node node = root["memory"]["buffers"][BufferKindName(kind)];
    node["capacity_kib"] = b.capacity_kib;
    node["banks"] = b.banks;
  }
  if (config.noc.topology == NocConfig::Topology::kMesh) {
    root["noc"]["mesh_columns"] = config.noc.mesh_columns;
    root["noc"]["mesh_rows"] = config.noc.mesh_rows;
  }
  // The energy table's path is relative to the config's own directory.
  const std::filesystem::path energy =
      std::filesystem::absolute(base.energy_file).lexically_normal();
  auto emit = [&root](const std::string& comment) {
    YAML::Emitter emitter;
    emitter << root;
    return comment + emitter.c_str() + "\n";
  };

  std::ostringstream comment;
  comment << "# mixpe hardware config imported from the SCALE-Sim config " << cfg_path
          << "\n# onto the base " << base_yaml_path << " by mixpe import (docs/import.md).\n"
          << "# From the .cfg:\n";
  if (run_name != nullptr && !run_name->value.empty()) {
    mapped.insert(mapped.begin(),
                  {"name: " + config.name, "[" + general->name + "] " + run_name->key});
  }
  size_t column = 0;
  for (const Mapping& m : mapped) column = std::max(column, m.target.size());
  for (Mapping& m : mapped) {
    m.target.resize(column, ' ');
    comment << "#   " << m.target << " <- " << m.source << "\n";
  }
  if (!changed.empty()) {
    comment << "# Changed from the base to keep the config valid (docs/configuration.md):\n";
    for (const std::string& line : changed) comment << "#   " << line << "\n";
  }
  comment << "# Assumed:\n"
          << "#   a SCALE-Sim word is " << kBytesPerScaleSimWord
          << " byte (INT8 operands, SCALE-Sim's word size), and 1 kB is 1024 bytes, as SCALE-Sim "
             "sizes its SRAMs\n";
  for (const std::string& line : assumed) comment << "#   " << line << "\n";
  if (!ignored.empty()) {
    comment << "# Ignored (no mixpe equivalent; mixpe places the operands in DRAM itself):\n";
    for (const std::string& line : ignored) comment << "#   " << line << "\n";
  }
  comment << "# Everything else (pe, formats, clock, the DRAM's latency and banks, the scales "
             "buffer, noc, energy) is the base's.\n";

  root["energy"] = energy.string();
  const std::string problem = LoadProblem(emit(""));
  if (!problem.empty()) {
    throw InputError(cfg_path + ": the config imported onto " + base_yaml_path +
                     " does not load: " + problem);
  }
  if (!output_path.empty()) {
    const std::filesystem::path dir =
        std::filesystem::absolute(output_path).lexically_normal().parent_path();
    const std::filesystem::path relative = energy.lexically_relative(dir);
    if (!relative.empty()) root["energy"] = relative.string();
  }
  return emit(comment.str());
}

}  // namespace mixpe
