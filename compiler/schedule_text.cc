// Writing, parsing and checking of a layer's schedule as text; see schedule_text.h and
// docs/schedule-format.md.
#include "compiler/schedule_text.h"

#include <algorithm>
#include <numeric>
#include <sstream>
#include <unordered_map>
#include <utility>

#include "model/input_error.h"
#include "model/memory_model.h"
#include "model/mpgemm.h"

namespace mixpe {
namespace {

constexpr char kMagic[] = "mixpe-schedule";
constexpr char kLayerSection[] = "[layer]";
constexpr char kDramSection[] = "[dram]";
constexpr char kBuffersSection[] = "[buffers]";
constexpr char kGroupBitsSection[] = "[group_bits]";
constexpr char kTilesSection[] = "[tiles]";
constexpr char kSectionOrder[] =
    "the sections are [layer], [dram], [buffers], [group_bits] (mixed-precision weights only) and "
    "[tiles], in that order";

// The keys of [layer], in the order WriteSchedule writes them.
const std::vector<std::string>& LayerKeys() {
  static const std::vector<std::string> keys = {"name",
                                                "m",
                                                "k",
                                                "n",
                                                "weights",
                                                "activations",
                                                "design",
                                                "unit",
                                                "group",
                                                "loop_order",
                                                "block_m_tiles",
                                                "block_n_tiles",
                                                "k_chunks",
                                                "array",
                                                "unit_interval",
                                                "units_per_tile"};
  return keys;
}

// Layer sizes are bounded as in traces (compiler/layer_trace.cc), the array as in hardware
// configs. Byte counts and addresses stay below 2^50, far above any layer within those sizes, so
// that sums of them never overflow; cycles below 2^62.
constexpr int64_t kMaxDim = int64_t{1} << 20;
constexpr int64_t kMaxArraySide = 256;
constexpr int64_t kMaxUnitInterval = int64_t{1} << 30;
constexpr int64_t kMaxBytes = int64_t{1} << 50;
constexpr int64_t kMaxCycle = int64_t{1} << 62;

int64_t CeilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

std::string Join(const std::vector<std::string>& items, const std::string& separator) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) out += (i > 0 ? separator : "") + items[i];
  return out;
}

std::string AllPartNames() {
  std::vector<std::string> names;
  for (DataPart part : kAllDataParts) names.push_back(DataPartName(part));
  return Join(names, ", ");
}

std::string AllBufferNames() {
  std::vector<std::string> names;
  for (BufferKind kind : kAllBufferKinds) names.push_back(BufferKindName(kind));
  return Join(names, ", ");
}

// How fields are named in messages and in ScheduleSource::lines: as the line that holds them
// starts.
std::string SegmentKey(DataPart part, int64_t segment) {
  return std::string("part=") + DataPartName(part) + " segment=" + std::to_string(segment);
}
std::string BufferKey(BufferKind kind) { return std::string("buffer=") + BufferKindName(kind); }
std::string RegionKey(DataPart part) {
  return std::string("part=") + DataPartName(part) + " buffer=" + BufferKindName(BufferOf(part));
}
std::string ChannelKey(int64_t channel) { return "channel=" + std::to_string(channel); }
std::string TileKey(int64_t tile) { return "tile=" + std::to_string(tile); }

// "N-tile" or "block of 4 N-tiles".
std::string BlockText(int64_t block, const char* side) {
  return block == 1 ? std::string(side) + "-tile"
                    : "block of " + std::to_string(block) + " " + side + "-tiles";
}

// The segments of `part`: one per block of N-tiles for the weight parts, one per block of M-tiles
// for the activation parts (each times k_chunks when K is split), one per tile for the outputs,
// one for each tensor scale (model/memory_layout.h).
int64_t SegmentCount(const CoreSchedule& s, DataPart part) {
  switch (part) {
    case DataPart::kWeightCodes:
    case DataPart::kWeightScales:
    case DataPart::kZeroPoints:
      return CeilDiv(CeilDiv(s.n, s.array_cols), s.block_n_tiles) * s.k_chunks;
    case DataPart::kActivationCodes:
    case DataPart::kActivationScales:
      return CeilDiv(CeilDiv(s.m, s.array_rows), s.block_m_tiles) * s.k_chunks;
    case DataPart::kWeightTensorScale:
    case DataPart::kActivationTensorScale:
      return 1;
    case DataPart::kOutputs:
      return CeilDiv(s.m, s.array_rows) * CeilDiv(s.n, s.array_cols);
  }
  return 0;
}

// " and chunk of K (k_chunks=4)" when K is split.
std::string ChunkText(const CoreSchedule& s) {
  if (s.k_chunks == 1) return "";
  return " and chunk of K (k_chunks=" + std::to_string(s.k_chunks) + ")";
}

// Why `part` has SegmentCount segments, for messages.
std::string SegmentCountReason(const CoreSchedule& s, DataPart part) {
  const std::string count = std::string(DataPartName(part)) + " has " +
                            std::to_string(SegmentCount(s, part)) + " segment" +
                            (SegmentCount(s, part) == 1 ? "" : "s");
  switch (part) {
    case DataPart::kWeightCodes:
    case DataPart::kWeightScales:
    case DataPart::kZeroPoints:
      return count + ", one per " + BlockText(s.block_n_tiles, "N") + ChunkText(s) +
             ": N=" + std::to_string(s.n) + " on " + std::to_string(s.array_cols) +
             " array columns";
    case DataPart::kActivationCodes:
    case DataPart::kActivationScales:
      return count + ", one per " + BlockText(s.block_m_tiles, "M") + ChunkText(s) +
             ": M=" + std::to_string(s.m) + " on " + std::to_string(s.array_rows) + " array rows";
    case DataPart::kOutputs:
      return count + ", one per tile";
    default:
      return count;
  }
}

// The parts tile `t` loads from DRAM for its first step: LoadsPart, leaving out empty segments,
// which no one moves (the memory model and the co-simulation's DMA both skip them). When K is
// split, each later chunk of the tile loads its segments of the same parts but the tensor scales.
std::vector<DataPart> TileLoads(const CoreSchedule& s, const MemoryLayout& l, int64_t t) {
  std::vector<DataPart> loads;
  const int64_t step = s.FirstStepOf(t);
  for (DataPart part : kAllDataParts) {
    if (!LoadsPart(s, part, step)) continue;
    if (l.segment_bytes[PartIndex(part)][SegmentOf(s, part, step)] == 0) continue;
    loads.push_back(part);
  }
  return loads;
}

std::string LoadsText(const std::vector<DataPart>& loads) {
  if (loads.empty()) return "-";
  std::vector<std::string> names;
  for (DataPart part : loads) names.push_back(DataPartName(part));
  return Join(names, ",");
}

std::string WidthsText(const std::vector<int>& widths) {
  std::vector<std::string> texts;
  for (int b : widths) texts.push_back(std::to_string(b));
  return Join(texts, ", ");
}

// Empty if weight format `w` gives a group `bits` wide, else why not.
std::string GroupWidthProblem(const WeightFormat& w, int bits) {
  if (std::find(w.mixed_bits.begin(), w.mixed_bits.end(), bits) != w.mixed_bits.end()) return "";
  return "a group of " + std::to_string(bits) + " bits, not one of the widths " +
         WidthsText(w.mixed_bits) + " of " + w.Name();
}

// The sizes of a layer's rows, columns and segments depend on its formats and tiles only; a
// hardware config adds the rounding of addresses to DRAM rows and bursts and of regions to buffer
// words. LayOutMemory on a config that rounds to single bytes gives those sizes without one.
HardwareConfig ByteGranularConfig(int rows, int cols, PeDesign design) {
  HardwareConfig config;
  config.design = design;
  config.rows = rows;
  config.cols = cols;
  config.memory.dram.row_buffer_bytes = 1;
  config.memory.dram.burst_bytes = 1;
  for (BufferConfig& buffer : config.memory.buffers) buffer.word_bits = 8;
  return config;
}

struct MadeSchedule {
  LayerFormats formats;
  LayerSchedule schedule;
};

MadeSchedule Make(const HardwareConfig& config, const GemmLayer& layer, const TilePlan& plan,
                  const std::vector<uint8_t>& group_bits) {
  MadeSchedule made;
  made.formats = ResolveLayerFormats(layer, config);
  const WeightFormat& w = made.formats.weights;
  if (!group_bits.empty()) {
    if (w.mixed_bits.empty()) {
      throw InputError("layer " + layer.name +
                       ": weight group widths are given, but weight format " + w.Name() +
                       " has one width for all groups (only intmix formats vary it)");
    }
    for (uint8_t b : group_bits) {
      const std::string problem = GroupWidthProblem(w, b);
      if (!problem.empty()) throw InputError("layer " + layer.name + ": " + problem);
    }
  }
  LayerSchedule& s = made.schedule;
  s.design = config.design;
  s.weights_format = w.Name();
  s.activations_format = made.formats.activations.Name();
  s.core = TileCoreGemm(config, layer.name, layer.m, layer.k, layer.n, made.formats.unit, plan);
  s.layout = LayOutMemory(config, made.formats, s.core, group_bits);
  return made;
}

std::vector<std::string> SplitBlanks(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> words;
  for (std::string word; in >> word;) words.push_back(word);
  return words;
}

std::string Trim(const std::string& text) {
  const char* blanks = " \t\r";
  const size_t begin = text.find_first_not_of(blanks);
  if (begin == std::string::npos) return "";
  return text.substr(begin, text.find_last_not_of(blanks) - begin + 1);
}

// One line of the text that is neither blank nor a comment, trimmed.
struct TextLine {
  int number = 0;
  std::string text;
  bool IsSection() const { return !text.empty() && text[0] == '['; }
};

class ScheduleParser {
 public:
  ScheduleParser(const std::string& text, const std::string& source) : source_(source) {
    std::istringstream in(text);
    int number = 0;
    for (std::string raw; std::getline(in, raw);) {
      ++number;
      const std::string line = Trim(raw);
      if (number == 1) {
        first_line_ = line;
        continue;
      }
      if (line.empty() || line[0] == '#') continue;
      lines_.push_back({number, line});
    }
    last_line_ = std::max(number, 1);
  }

  LayerSchedule Parse() {
    ParseVersion();
    ParseLayer();
    ParseDram();
    ParseBuffers();
    ParseGroupBits();
    ParseTiles();
    if (next_ < lines_.size()) {
      const TextLine& extra = lines_[next_];
      Fail(extra.number, "unexpected '" + extra.text + "' after the tiles: " + kSectionOrder);
    }
    CheckDerivedSizes();
    CheckDramImage();
    CheckRegions();
    CheckLoads();
    return s_;
  }

 private:
  [[noreturn]] void Fail(int line, const std::string& message) const {
    throw InputError(source_ + ":" + std::to_string(line) + ": " + message);
  }

  int LineOf(const std::string& key) const { return s_.source.lines.at(key); }

  // A decimal integer in [lo, hi].
  int64_t Int(int line, const std::string& key, const std::string& value, int64_t lo,
              int64_t hi) const {
    const bool negative = !value.empty() && value[0] == '-';
    const std::string digits = negative ? value.substr(1) : value;
    const bool is_integer =
        !digits.empty() && digits.size() <= 18 &&
        std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; });
    int64_t v = 0;
    if (is_integer) v = (negative ? -1 : 1) * std::stoll(digits);
    if (!is_integer || v < lo || v > hi) {
      Fail(line, key + ": expected an integer in [" + std::to_string(lo) + ", " +
                     std::to_string(hi) + "], got '" + value + "'");
    }
    return v;
  }

  // The values of a line of blank-separated key=value fields, which must be `keys` in that order.
  std::vector<std::string> Fields(const TextLine& line,
                                  const std::vector<std::string>& keys) const {
    const std::vector<std::string> words = SplitBlanks(line.text);
    const std::string form = "a line here has the fields " + Join(keys, ", ") + ", in that order";
    std::vector<std::string> values;
    for (size_t i = 0; i < keys.size(); ++i) {
      if (i >= words.size()) Fail(line.number, "missing key '" + keys[i] + "' (" + form + ")");
      const size_t eq = words[i].find('=');
      if (eq == std::string::npos) {
        Fail(line.number,
             "expected " + keys[i] + "=<value>, got '" + words[i] + "' (" + form + ")");
      }
      const std::string key = words[i].substr(0, eq);
      if (key != keys[i]) {
        const bool later = std::find(keys.begin() + i, keys.end(), key) != keys.end();
        Fail(line.number, (later ? "missing key '" + keys[i] + "'"
                                 : "expected key '" + keys[i] + "', got '" + key + "'") +
                              " (" + form + ")");
      }
      values.push_back(words[i].substr(eq + 1));
    }
    if (words.size() > keys.size()) {
      Fail(line.number, "unexpected field '" + words[keys.size()] + "' (" + form + ")");
    }
    return values;
  }

  bool AtSection(const std::string& name) const {
    return next_ < lines_.size() && lines_[next_].text == name;
  }

  // Consumes the header of section `name`; returns its line.
  int ExpectSection(const std::string& name) {
    if (next_ >= lines_.size()) {
      Fail(last_line_,
           std::string("missing section ") + name + " at the end of the text: " + kSectionOrder);
    }
    const TextLine& line = lines_[next_];
    if (line.text != name) {
      Fail(line.number, "expected section " + name + ", got '" + line.text + "': " + kSectionOrder);
    }
    ++next_;
    return line.number;
  }

  // Consumes the next line of the current section, which must be `expected` (a description).
  const TextLine& Next(const std::string& expected, const std::string& reason) {
    if (next_ >= lines_.size() || lines_[next_].IsSection()) {
      const int at = next_ < lines_.size() ? lines_[next_].number : last_line_;
      Fail(at, "missing the line " + expected + (reason.empty() ? "" : " (" + reason + ")"));
    }
    return lines_[next_++];
  }

  void ParseVersion() {
    const std::vector<std::string> words = SplitBlanks(first_line_);
    const std::string expected =
        std::string("expected '") + kMagic + " " + std::to_string(kScheduleFormatVersion) + "'";
    if (words.size() != 2 || words[0] != kMagic) {
      Fail(1,
           expected + " (the format and its version) as the first line, got '" + first_line_ + "'");
    }
    const int64_t version = Int(1, "version", words[1], 1, kMaxCycle);
    if (version != kScheduleFormatVersion) {
      Fail(1, "unknown schedule format version " + words[1] + ": this reader knows version " +
                  std::to_string(kScheduleFormatVersion));
    }
  }

  void ParseLayer() {
    const int header = ExpectSection(kLayerSection);
    std::map<std::string, TextLine> fields;
    while (next_ < lines_.size() && !lines_[next_].IsSection()) {
      const TextLine& line = lines_[next_++];
      const size_t eq = line.text.find('=');
      if (eq == std::string::npos) Fail(line.number, "expected key=value, got '" + line.text + "'");
      const std::string key = Trim(line.text.substr(0, eq));
      if (std::find(LayerKeys().begin(), LayerKeys().end(), key) == LayerKeys().end()) {
        Fail(line.number, "unknown key '" + key +
                              "' in section [layer] (its keys: " + Join(LayerKeys(), ", ") + ")");
      }
      if (fields.count(key) > 0) {
        Fail(line.number, "key '" + key + "' given twice (first on line " +
                              std::to_string(fields[key].number) + ")");
      }
      fields[key] = {line.number, Trim(line.text.substr(eq + 1))};
    }
    for (const std::string& key : LayerKeys()) {
      if (fields.count(key) == 0) Fail(header, "section [layer]: missing key '" + key + "'");
      s_.source.lines[key] = fields[key].number;
    }
    auto value = [&](const std::string& key) { return fields[key].text; };
    auto line = [&](const std::string& key) { return fields[key].number; };
    auto int_field = [&](const std::string& key, int64_t lo, int64_t hi) {
      return Int(line(key), key, value(key), lo, hi);
    };

    CoreSchedule& c = s_.core;
    MemoryLayout& l = s_.layout;
    c.layer = value("name");
    if (c.layer.empty()) Fail(line("name"), "name: expected the layer's name, got nothing");
    c.m = int_field("m", 1, kMaxDim);
    c.k = int_field("k", 1, kMaxDim);
    c.n = int_field("n", 1, kMaxDim);
    try {
      weights_ = ParseWeightFormat(value("weights"));
    } catch (const InputError& e) {
      Fail(line("weights"), std::string("weights: ") + e.what());
    }
    try {
      activations_ = ParseActivationFormat(value("activations"));
    } catch (const InputError& e) {
      Fail(line("activations"), std::string("activations: ") + e.what());
    }
    s_.weights_format = weights_.Name();
    s_.activations_format = activations_.Name();
    if (!ParsePeDesign(value("design"), &s_.design)) {
      Fail(line("design"), "design: unknown design '" + value("design") +
                               "', expected mixpe, int8_mac, fp16_mac, bitfusion or ant");
    }

    // The weight group, the activation block and the unit, by ResolveLayerFormats' rule.
    const ReductionBlocks blocks = ReductionBlocksOf(weights_, activations_, c.k);
    if (blocks.problem != ReductionBlocks::Problem::kNone) Fail(line("k"), "k: " + blocks.message);
    const int64_t group = blocks.group;
    const int64_t unit = blocks.unit;
    l.group = static_cast<int>(int_field("group", 1, c.k));
    if (l.group != group) {
      Fail(line("group"), "group: " + s_.weights_format + " on K=" + std::to_string(c.k) +
                              " has groups of " + std::to_string(group) + " elements, got " +
                              value("group"));
    }
    c.unit = static_cast<int>(int_field("unit", 1, c.k));
    if (c.unit != unit) {
      Fail(line("unit"), "unit: " + s_.weights_format + " x " + s_.activations_format +
                             " on K=" + std::to_string(c.k) + " reduce " + std::to_string(unit) +
                             " elements at a time (the smaller of the weight group and the "
                             "activation block), got " +
                             value("unit"));
    }
    c.units_per_tile = int_field("units_per_tile", 1, c.k);
    if (c.units_per_tile != c.k / c.unit) {
      Fail(line("units_per_tile"), "units_per_tile: expected K/unit = " + std::to_string(c.k) +
                                       "/" + std::to_string(c.unit) + " = " +
                                       std::to_string(c.k / c.unit) + ", got " +
                                       value("units_per_tile"));
    }
    c.loop_order = ParseLoopOrder(
        value("loop_order"), source_ + ":" + std::to_string(line("loop_order")) + ": loop_order");
    const std::string array = value("array");
    const size_t x = array.find('x');
    if (x == std::string::npos) {
      Fail(line("array"), "array: expected <rows>x<cols>, got '" + array + "'");
    }
    c.array_rows =
        static_cast<int>(Int(line("array"), "array rows", array.substr(0, x), 1, kMaxArraySide));
    c.array_cols =
        static_cast<int>(Int(line("array"), "array cols", array.substr(x + 1), 1, kMaxArraySide));
    c.unit_interval = int_field("unit_interval", 1, kMaxUnitInterval);
    // One element a cycle, as the RTL designs stream; a config of another design re-derives the
    // schedule (CheckScheduleAgainstConfig compares the spacing).
    c.unit_cycles = c.unit;
    // A block holds at most the layer's tiles along its side.
    c.block_m_tiles = int_field("block_m_tiles", 1, CeilDiv(c.m, c.array_rows));
    c.block_n_tiles = int_field("block_n_tiles", 1, CeilDiv(c.n, c.array_cols));
    c.k_chunks = int_field("k_chunks", 1, c.k);
    if (c.k % c.k_chunks != 0 || (c.k / c.k_chunks) % c.unit != 0) {
      Fail(line("k_chunks"), "k_chunks: K=" + std::to_string(c.k) + " must split into " +
                                 value("k_chunks") + " equal chunks of whole " +
                                 std::to_string(c.unit) + "-element units");
    }
    if (c.k_chunks > 1 && (c.block_m_tiles > 1 || c.block_n_tiles > 1)) {
      Fail(line("k_chunks"),
           "k_chunks: a split K is loaded one tile's chunk at a time, so the "
           "blocks must be 1x1, got block_m_tiles=" +
               std::to_string(c.block_m_tiles) +
               " block_n_tiles=" + std::to_string(c.block_n_tiles));
    }
    l.chunk_k = c.k / c.k_chunks;
    try {
      LayerFormats formats;
      formats.weights = weights_;
      formats.activations = activations_;
      formats.unit = c.unit;
      CheckKChunks(formats, c);
    } catch (const InputError& e) {
      Fail(line("k_chunks"), std::string("k_chunks: ") + e.what());
    }

    l.m = c.m;
    l.k = c.k;
    l.n = c.n;
    l.unit = c.unit;
    l.array_rows = c.array_rows;
    l.array_cols = c.array_cols;
  }

  void ParseDram() {
    ExpectSection(kDramSection);
    MemoryLayout& l = s_.layout;
    for (DataPart part : kAllDataParts) {
      const int64_t count = SegmentCount(s_.core, part);
      for (int64_t i = 0; i < count; ++i) {
        const std::string key = SegmentKey(part, i);
        const TextLine& line = Next(key, SegmentCountReason(s_.core, part));
        const std::vector<std::string> v = Fields(line, {"part", "segment", "address", "bytes"});
        const DataPart written = PartOf(line, "part", v[0]);
        if (written != part || v[1] != std::to_string(i)) {
          // A part listed too far: the one before it has too many segments; else this one has
          // too few.
          const DataPart explained = PartIndex(written) < PartIndex(part) ? written : part;
          Fail(line.number, "expected " + key + ", got part=" + v[0] + " segment=" + v[1] + ": " +
                                SegmentCountReason(s_.core, explained) + "; parts in the order " +
                                AllPartNames());
        }
        l.segment_address[PartIndex(part)].push_back(
            Int(line.number, "address", v[2], 0, kMaxBytes));
        l.segment_bytes[PartIndex(part)].push_back(Int(line.number, "bytes", v[3], 0, kMaxBytes));
        s_.source.lines[key] = line.number;
      }
    }
    const TextLine& line = Next("image_bytes=<bytes>", "after the last segment");
    const std::vector<std::string> v = Fields(line, {"image_bytes"});
    l.image_bytes = Int(line.number, "image_bytes", v[0], 0, kMaxBytes);
    s_.source.lines["image_bytes"] = line.number;
  }

  void ParseBuffers() {
    ExpectSection(kBuffersSection);
    MemoryLayout& l = s_.layout;
    const std::string order =
        "buffers in the order " + AllBufferNames() + ", each followed by the regions of its parts";
    for (BufferKind kind : kAllBufferKinds) {
      const std::string key = BufferKey(kind);
      const TextLine& line = Next(key + " bytes=<bytes>", order);
      const std::vector<std::string> v = Fields(line, {"buffer", "bytes"});
      if (v[0] != BufferKindName(kind)) {
        if (!IsBufferName(v[0])) {
          Fail(line.number,
               "buffer: unknown buffer '" + v[0] + "' (known: " + AllBufferNames() + ")");
        }
        Fail(line.number, "expected " + key + ", got buffer=" + v[0] + " (" + order + ")");
      }
      l.buffer_bytes[static_cast<int>(kind)] = Int(line.number, "bytes", v[1], 0, kMaxBytes);
      s_.source.lines[key] = line.number;
      for (DataPart part : kAllDataParts) {
        if (BufferOf(part) != kind) continue;
        const std::string region = RegionKey(part);
        const TextLine& part_line = Next(region + " offset=<bytes>", order);
        const std::vector<std::string> p = Fields(part_line, {"part", "buffer", "offset"});
        const DataPart written = PartOf(part_line, "part", p[0]);
        if (written != part) {
          Fail(part_line.number, "expected " + region + ", got part=" + p[0] + " (" + order +
                                     "; the " + BufferKindName(kind) + " buffer holds " +
                                     PartsOf(kind) + ")");
        }
        if (p[1] != BufferKindName(kind)) {
          Fail(part_line.number, "buffer: " + std::string(DataPartName(part)) + " is held by the " +
                                     BufferKindName(kind) + " buffer, got buffer=" + p[1]);
        }
        l.buffer_offset[PartIndex(part)] = Int(part_line.number, "offset", p[2], 0, kMaxBytes);
        s_.source.lines[region] = part_line.number;
      }
    }
  }

  void ParseGroupBits() {
    if (!AtSection(kGroupBitsSection)) return;
    const int header = ExpectSection(kGroupBitsSection);
    if (weights_.mixed_bits.empty()) {
      Fail(header, "section [group_bits]: weight format " + s_.weights_format +
                       " has one width for all groups; only intmix formats take group widths");
    }
    MemoryLayout& l = s_.layout;
    const int64_t groups = l.k / l.group;
    const std::string reason = "one line per output channel, N=" + std::to_string(l.n);
    for (int64_t channel = 0; channel < l.n; ++channel) {
      const std::string key = ChannelKey(channel);
      const TextLine& line = Next(key + " bits=<digits>", reason);
      const std::vector<std::string> v = Fields(line, {"channel", "bits"});
      if (v[0] != std::to_string(channel)) {
        Fail(line.number, "expected " + key + ", got channel=" + v[0] +
                              " (channels in order from 0, " + reason + ")");
      }
      if (static_cast<int64_t>(v[1].size()) != groups) {
        Fail(line.number, "bits: expected " + std::to_string(groups) +
                              " digits, one per group of " + std::to_string(l.group) +
                              " elements of K=" + std::to_string(l.k) + ", got '" + v[1] + "'");
      }
      for (size_t g = 0; g < v[1].size(); ++g) {
        const char digit = v[1][g];
        const std::string problem =
            digit >= '0' && digit <= '9' ? GroupWidthProblem(weights_, digit - '0') : "not a digit";
        if (!problem.empty()) {
          Fail(line.number, "bits: group " + std::to_string(g) + " is '" + std::string(1, digit) +
                                "': " + problem);
        }
        l.group_bits.push_back(static_cast<uint8_t>(digit - '0'));
      }
      s_.source.lines[key] = line.number;
    }
  }

  void ParseTiles() {
    const int header = ExpectSection(kTilesSection);
    CoreSchedule& c = s_.core;
    const int64_t m_tiles = CeilDiv(c.m, c.array_rows);
    const int64_t n_tiles = CeilDiv(c.n, c.array_cols);
    const int64_t tiles = m_tiles * n_tiles;
    const std::string count_text =
        "M=" + std::to_string(c.m) + " and N=" + std::to_string(c.n) + " on a " +
        std::to_string(c.array_rows) + "x" + std::to_string(c.array_cols) + " array give " +
        std::to_string(m_tiles) + " M-tiles x " + std::to_string(n_tiles) +
        " N-tiles = " + std::to_string(tiles) + " tiles";
    // The tile of each block of outputs given so far, by block number; a map, since a file that
    // claims a huge layer must fail on its lines, not on the memory for its blocks.
    std::unordered_map<int64_t, int64_t> tile_of_block;
    int end_line = header;
    while (next_ < lines_.size() && !lines_[next_].IsSection()) {
      const TextLine& line = lines_[next_++];
      end_line = line.number;
      const int64_t t = static_cast<int64_t>(c.tiles.size());
      if (t == tiles) Fail(line.number, "a tile too many: " + count_text);
      const std::vector<std::string> v =
          Fields(line, {"tile", "m0", "n0", "rows", "cols", "start", "loads", "store"});
      if (v[0] != std::to_string(t)) {
        Fail(line.number, "expected tile=" + std::to_string(t) + ", got tile=" + v[0] +
                              " (tiles are numbered in issue order from 0)");
      }
      ArrayTile tile;
      tile.m0 = Int(line.number, "m0", v[1], 0, c.m - 1);
      tile.n0 = Int(line.number, "n0", v[2], 0, c.n - 1);
      if (tile.m0 % c.array_rows != 0) {
        Fail(line.number, "m0: expected a multiple of the array's " + std::to_string(c.array_rows) +
                              " rows, got " + v[1]);
      }
      if (tile.n0 % c.array_cols != 0) {
        Fail(line.number, "n0: expected a multiple of the array's " + std::to_string(c.array_cols) +
                              " columns, got " + v[2]);
      }
      const auto [owner, first] =
          tile_of_block.emplace(tile.m0 / c.array_rows * n_tiles + tile.n0 / c.array_cols, t);
      if (!first) {
        Fail(line.number, "m0=" + v[1] + " n0=" + v[2] + ": these outputs are tile=" +
                              std::to_string(owner->second) + "'s already");
      }
      const int64_t rows = std::min<int64_t>(c.array_rows, c.m - tile.m0);
      const int64_t cols = std::min<int64_t>(c.array_cols, c.n - tile.n0);
      tile.rows_used = static_cast<int>(Int(line.number, "rows", v[3], 1, c.array_rows));
      tile.cols_used = static_cast<int>(Int(line.number, "cols", v[4], 1, c.array_cols));
      if (tile.rows_used != rows) {
        Fail(line.number, "rows: a tile at m0=" + v[1] + " has min(" +
                              std::to_string(c.array_rows) + ", M - m0) = " + std::to_string(rows) +
                              " rows, got " + v[3]);
      }
      if (tile.cols_used != cols) {
        Fail(line.number, "cols: a tile at n0=" + v[2] + " has min(" +
                              std::to_string(c.array_cols) + ", N - n0) = " + std::to_string(cols) +
                              " columns, got " + v[4]);
      }
      // Unit 0 of tile t is unit t * units_per_tile of the layer; units start unit_interval apart.
      const int64_t first_unit = t * c.units_per_tile;  // < 2^40 * 2^20
      if (first_unit > kMaxCycle / c.unit_interval) {
        Fail(line.number, "start: tile " + std::to_string(t) + " would start after cycle 2^62");
      }
      const int64_t start = first_unit * c.unit_interval;
      tile.start_cycle = Int(line.number, "start", v[5], 0, kMaxCycle);
      if (tile.start_cycle != start) {
        Fail(line.number, "start: tile " + std::to_string(t) + " starts with unit " +
                              std::to_string(first_unit) + " of the layer, in cycle " +
                              std::to_string(first_unit) + " x unit_interval " +
                              std::to_string(c.unit_interval) + " = " + std::to_string(start) +
                              ", got " + v[5]);
      }
      loads_.push_back(PartList(line, "loads", v[6]));
      const int64_t store = Int(line.number, "store", v[7], 0, tiles - 1);
      if (store != t) {
        Fail(line.number, "store: tile " + std::to_string(t) + "'s outputs go to segment " +
                              std::to_string(t) + " of outputs, got " + v[7]);
      }
      c.tiles.push_back(tile);
      s_.source.lines[TileKey(t)] = line.number;
    }
    if (static_cast<int64_t>(c.tiles.size()) != tiles) {
      Fail(end_line, "section [tiles] has " + std::to_string(c.tiles.size()) + " tile lines, but " +
                         count_text);
    }
  }

  // Re-derives the sizes from the formats and the tiles and checks the segments the file states.
  void CheckDerivedSizes() {
    LayerFormats formats;
    formats.weights = weights_;
    formats.activations = activations_;
    formats.unit = s_.core.unit;
    MemoryLayout derived;
    try {
      derived = LayOutMemory(ByteGranularConfig(s_.core.array_rows, s_.core.array_cols, s_.design),
                             formats, s_.core, s_.layout.group_bits);
    } catch (const InputError& e) {
      Fail(LineOf("k_chunks"), std::string("k_chunks: ") + e.what());
    }
    MemoryLayout& l = s_.layout;
    l.weight_bits = derived.weight_bits;
    l.activation_bits = derived.activation_bits;
    l.weight_scale_bytes = derived.weight_scale_bytes;
    l.channel_scale_bytes = derived.channel_scale_bytes;
    l.activation_scale_bytes = derived.activation_scale_bytes;
    l.activation_block = derived.activation_block;
    l.token_scales = derived.token_scales;
    l.sizes = derived.sizes;
    for (DataPart part : kAllDataParts) {
      const std::vector<int64_t>& bytes = l.segment_bytes[PartIndex(part)];
      for (size_t i = 0; i < bytes.size(); ++i) {
        const int64_t expected = derived.segment_bytes[PartIndex(part)][i];
        if (bytes[i] != expected) {
          Fail(LineOf(SegmentKey(part, static_cast<int64_t>(i))),
               "bytes: the layer's formats and tiles give this segment " +
                   std::to_string(expected) + " bytes, got " + std::to_string(bytes[i]));
        }
      }
    }
  }

  // Segments lie inside the image and do not overlap.
  void CheckDramImage() {
    const MemoryLayout& l = s_.layout;
    struct Span {
      int64_t begin, end;
      std::string key;
    };
    std::vector<Span> spans;
    for (DataPart part : kAllDataParts) {
      for (size_t i = 0; i < l.segment_bytes[PartIndex(part)].size(); ++i) {
        const std::string key = SegmentKey(part, static_cast<int64_t>(i));
        const int64_t begin = l.segment_address[PartIndex(part)][i];
        const int64_t end = begin + l.segment_bytes[PartIndex(part)][i];
        if (end > l.image_bytes) {
          Fail(LineOf(key), "the segment ends at byte " + std::to_string(end) +
                                ", past image_bytes=" + std::to_string(l.image_bytes) + " (line " +
                                std::to_string(LineOf("image_bytes")) + ")");
        }
        if (end > begin) spans.push_back({begin, end, key});
      }
    }
    std::sort(spans.begin(), spans.end(),
              [](const Span& a, const Span& b) { return a.begin < b.begin; });
    for (size_t i = 1; i < spans.size(); ++i) {
      if (spans[i].begin < spans[i - 1].end) {
        Fail(LineOf(spans[i].key), "bytes [" + std::to_string(spans[i].begin) + ", " +
                                       std::to_string(spans[i].end) + ") overlap " +
                                       spans[i - 1].key + " (line " +
                                       std::to_string(LineOf(spans[i - 1].key)) + "), bytes [" +
                                       std::to_string(spans[i - 1].begin) + ", " +
                                       std::to_string(spans[i - 1].end) + ")");
      }
    }
  }

  // Each part's region, at least as large as its largest segment, lies inside its buffer's bytes
  // and does not overlap another part's.
  void CheckRegions() {
    const MemoryLayout& l = s_.layout;
    for (BufferKind kind : kAllBufferKinds) {
      const int64_t buffer_bytes = l.buffer_bytes[static_cast<int>(kind)];
      std::vector<std::pair<int64_t, DataPart>> regions;  // first byte, part
      for (DataPart part : kAllDataParts) {
        if (BufferOf(part) != kind) continue;
        const std::vector<int64_t>& bytes = l.segment_bytes[PartIndex(part)];
        const int64_t largest = *std::max_element(bytes.begin(), bytes.end());
        const int64_t offset = l.buffer_offset[PartIndex(part)];
        if (offset + largest > buffer_bytes) {
          const std::string extent =
              largest == 0 ? "is empty and starts at byte " + std::to_string(offset)
                           : "holds its largest segment, " + std::to_string(largest) +
                                 " bytes, up to byte " + std::to_string(offset + largest);
          Fail(LineOf(RegionKey(part)), "offset: the region of " + std::string(DataPartName(part)) +
                                            " " + extent + ", past " + BufferKey(kind) +
                                            " bytes=" + std::to_string(buffer_bytes) + " (line " +
                                            std::to_string(LineOf(BufferKey(kind))) + ")");
        }
        if (largest > 0) regions.push_back({offset, part});
      }
      std::sort(regions.begin(), regions.end());
      for (size_t i = 1; i < regions.size(); ++i) {
        const DataPart before = regions[i - 1].second;
        const std::vector<int64_t>& bytes = l.segment_bytes[PartIndex(before)];
        const int64_t end = regions[i - 1].first + *std::max_element(bytes.begin(), bytes.end());
        if (regions[i].first < end) {
          Fail(LineOf(RegionKey(regions[i].second)),
               "offset: the region starts at byte " + std::to_string(regions[i].first) +
                   ", inside the region of " + DataPartName(before) + " (line " +
                   std::to_string(LineOf(RegionKey(before))) + "), which ends at byte " +
                   std::to_string(end));
        }
      }
    }
  }

  void CheckLoads() {
    for (size_t t = 0; t < s_.core.tiles.size(); ++t) {
      const std::vector<DataPart> expected = TileLoads(s_.core, s_.layout, static_cast<int64_t>(t));
      if (loads_[t] != expected) {
        Fail(LineOf(TileKey(static_cast<int64_t>(t))),
             "loads: tile " + std::to_string(t) + " loads " + LoadsText(expected) +
                 " (the non-empty segments of the parts whose segment differs from the previous "
                 "tile's, all of them with tile 0), got " +
                 LoadsText(loads_[t]));
      }
    }
  }

  DataPart PartOf(const TextLine& line, const std::string& key, const std::string& name) const {
    for (DataPart part : kAllDataParts) {
      if (name == DataPartName(part)) return part;
    }
    Fail(line.number, key + ": unknown part '" + name + "' (known: " + AllPartNames() + ")");
  }

  static bool IsBufferName(const std::string& name) {
    for (BufferKind kind : kAllBufferKinds) {
      if (name == BufferKindName(kind)) return true;
    }
    return false;
  }

  static std::string PartsOf(BufferKind kind) {
    std::vector<std::string> names;
    for (DataPart part : kAllDataParts) {
      if (BufferOf(part) == kind) names.push_back(DataPartName(part));
    }
    return Join(names, ", ");
  }

  // "-" or comma-separated part names, each at most once; in DataPart order.
  std::vector<DataPart> PartList(const TextLine& line, const std::string& key,
                                 const std::string& text) const {
    std::vector<DataPart> parts;
    if (text == "-") return parts;
    std::istringstream in(text);
    for (std::string name; std::getline(in, name, ',');) {
      const DataPart part = PartOf(line, key, name);
      if (std::find(parts.begin(), parts.end(), part) != parts.end()) {
        Fail(line.number, key + ": " + name + " listed twice");
      }
      parts.push_back(part);
    }
    if (parts.empty() || text.back() == ',') {
      Fail(line.number,
           key + ": expected part names separated by commas, or - for none, got '" + text + "'");
    }
    std::sort(parts.begin(), parts.end());
    return parts;
  }

  std::string source_;
  std::string first_line_;
  std::vector<TextLine> lines_;  // after the first, without blank lines and comments
  size_t next_ = 0;
  int last_line_ = 1;
  LayerSchedule s_;
  WeightFormat weights_;
  ActivationFormat activations_;
  std::vector<std::vector<DataPart>> loads_;  // per tile, as the file lists them
};

// Compares a schedule's fields with the config's, naming the field and, for a parsed schedule, its
// file and line.
class ConfigComparison {
 public:
  ConfigComparison(const LayerSchedule& schedule, const HardwareConfig& config)
      : schedule_(schedule), config_text_("config " + config.source_file) {}

  [[noreturn]] void Fail(const std::string& key, const std::string& message) const {
    const ScheduleSource& source = schedule_.source;
    std::string where = "schedule of layer " + schedule_.core.layer;
    if (!source.name.empty()) {
      where = source.name;
      const auto line = source.lines.find(key);
      if (line != source.lines.end()) where += ":" + std::to_string(line->second);
    }
    throw InputError(where + ": " + key + ": " + message);
  }

  // Fails naming `key` (and `field`, for a line of several fields) if the schedule's value differs
  // from the config's.
  template <typename T>
  void Same(const std::string& key, const std::string& field, const T& in_schedule,
            const T& from_config) const {
    if (in_schedule == from_config) return;
    std::ostringstream message;
    message << (field.empty() ? "the schedule has " : field + " is ") << in_schedule << ", but "
            << config_text_ << " gives " << from_config;
    Fail(key, message.str());
  }

  const std::string& config_text() const { return config_text_; }

 private:
  const LayerSchedule& schedule_;
  std::string config_text_;
};

template <typename Format>
bool Lists(const std::vector<Format>& formats, const std::string& name) {
  return std::any_of(formats.begin(), formats.end(),
                     [&](const Format& f) { return f.Name() == name; });
}

}  // namespace

LayerSchedule MakeLayerSchedule(const HardwareConfig& config, const GemmLayer& layer,
                                const TilePlan& plan, const std::vector<uint8_t>& group_bits) {
  return Make(config, layer, plan, group_bits).schedule;
}

std::string WriteSchedule(const LayerSchedule& schedule) {
  const CoreSchedule& c = schedule.core;
  const MemoryLayout& l = schedule.layout;
  if (c.layer.empty() || c.layer != Trim(c.layer) || c.layer.find('\n') != std::string::npos) {
    throw InputError("layer '" + c.layer +
                     "': a schedule's layer name must be one line, not empty, without blanks at "
                     "either end");
  }
  std::ostringstream out;
  out << kMagic << ' ' << kScheduleFormatVersion << '\n';
  out << "# One GEMM layer's schedule on the core (docs/schedule-format.md): sizes, addresses and\n"
         "# offsets in bytes, cycles of the core clock.\n";

  out << '\n' << kLayerSection << '\n';
  out << "name=" << c.layer << '\n';
  out << "m=" << c.m << '\n';
  out << "k=" << c.k << '\n';
  out << "n=" << c.n << '\n';
  out << "weights=" << schedule.weights_format << '\n';
  out << "activations=" << schedule.activations_format << '\n';
  out << "design=" << PeDesignName(schedule.design) << '\n';
  out << "unit=" << c.unit << '\n';
  out << "group=" << l.group << '\n';
  out << "loop_order=" << LoopOrderName(c.loop_order) << '\n';
  out << "block_m_tiles=" << c.block_m_tiles << '\n';
  out << "block_n_tiles=" << c.block_n_tiles << '\n';
  out << "k_chunks=" << c.k_chunks << '\n';
  out << "array=" << c.array_rows << 'x' << c.array_cols << '\n';
  out << "unit_interval=" << c.unit_interval << '\n';
  out << "units_per_tile=" << c.units_per_tile << '\n';

  out << '\n' << kDramSection << '\n';
  out << "# Each segment of each part: its first byte in the layer's DRAM image, its payload.\n";
  for (DataPart part : kAllDataParts) {
    const std::vector<int64_t>& bytes = l.segment_bytes[PartIndex(part)];
    for (size_t i = 0; i < bytes.size(); ++i) {
      out << SegmentKey(part, static_cast<int64_t>(i))
          << " address=" << l.segment_address[PartIndex(part)][i] << " bytes=" << bytes[i] << '\n';
    }
  }
  out << "image_bytes=" << l.image_bytes << '\n';

  out << '\n' << kBuffersSection << '\n';
  out << "# Each buffer: its regions in one half together; each part: its region's first byte.\n";
  for (BufferKind kind : kAllBufferKinds) {
    out << BufferKey(kind) << " bytes=" << l.buffer_bytes[static_cast<int>(kind)] << '\n';
    for (DataPart part : kAllDataParts) {
      if (BufferOf(part) != kind) continue;
      out << RegionKey(part) << " offset=" << l.buffer_offset[PartIndex(part)] << '\n';
    }
  }

  if (!l.group_bits.empty()) {
    out << '\n' << kGroupBitsSection << '\n';
    out << "# Each output channel: the width in bits of each of its K/G weight groups.\n";
    const int64_t groups = l.groups_per_row();
    for (int64_t channel = 0; channel < l.n; ++channel) {
      out << ChannelKey(channel) << " bits=";
      for (int64_t g = 0; g < groups; ++g) out << static_cast<int>(l.GroupBits(channel, g));
      out << '\n';
    }
  }

  out << '\n' << kTilesSection << '\n';
  out << "# Each tile in issue order: its outputs, the cycle its first unit starts, the parts "
         "whose\n"
         "# segments are loaded from DRAM for it (- for none), the segment its outputs go to.\n";
  for (size_t i = 0; i < c.tiles.size(); ++i) {
    const int64_t t = static_cast<int64_t>(i);
    const ArrayTile& tile = c.tiles[i];
    out << TileKey(t) << " m0=" << tile.m0 << " n0=" << tile.n0 << " rows=" << tile.rows_used
        << " cols=" << tile.cols_used << " start=" << tile.start_cycle
        << " loads=" << LoadsText(TileLoads(c, l, t))
        << " store=" << SegmentOf(c, DataPart::kOutputs, c.FirstStepOf(t)) << '\n';
  }
  return out.str();
}

LayerSchedule ParseSchedule(const std::string& text, const std::string& source_name) {
  LayerSchedule schedule = ScheduleParser(text, source_name).Parse();
  schedule.source.name = source_name;
  return schedule;
}

void CheckScheduleAgainstConfig(const LayerSchedule& schedule, const HardwareConfig& config) {
  const CoreSchedule& c = schedule.core;
  const MemoryLayout& l = schedule.layout;
  const ConfigComparison compare(schedule, config);
  const std::string& config_text = compare.config_text();

  // What the config must run before anything can be re-derived from it.
  if (!Lists(config.weight_formats, schedule.weights_format)) {
    compare.Fail("weights", "weight format " + schedule.weights_format + " is not supported by " +
                                config_text + ": it supports " +
                                Join(config.weight_format_names, ", "));
  }
  if (!Lists(config.activation_formats, schedule.activations_format)) {
    compare.Fail("activations", "activation format " + schedule.activations_format +
                                    " is not supported by " + config_text + ": it supports " +
                                    Join(config.activation_format_names, ", "));
  }
  if (c.array_rows != config.rows || c.array_cols != config.cols) {
    compare.Fail("array", "the array is " + std::to_string(c.array_rows) + "x" +
                              std::to_string(c.array_cols) + ", but " + config_text + " has a " +
                              std::to_string(config.rows) + "x" + std::to_string(config.cols) +
                              " array");
  }
  if (c.unit > config.max_k) {
    compare.Fail("unit", "the reduction unit of " + std::to_string(c.unit) +
                             " elements exceeds pe.max_k=" + std::to_string(config.max_k) + " of " +
                             config_text +
                             ", the longest unit its accumulator holds "
                             "exactly");
  }

  if (schedule.design != config.design) {
    compare.Fail("design", std::string("the schedule is for a pe.design=") +
                               PeDesignName(schedule.design) + " core, but " + config_text +
                               " is pe.design=" + PeDesignName(config.design));
  }
  GemmLayer layer;
  layer.name = c.layer;
  layer.m = c.m;
  layer.k = c.k;
  layer.n = c.n;
  layer.weights = schedule.weights_format;
  layer.activations = schedule.activations_format;
  layer.source_file = schedule.source.name.empty() ? "schedule" : schedule.source.name;
  MadeSchedule made;
  try {
    made = Make(config, layer, c.plan(), l.group_bits);
  } catch (const InputError& e) {
    compare.Fail("name", std::string("the layer does not run on ") + config_text + ": " + e.what());
  }
  const CoreSchedule& ec = made.schedule.core;
  const MemoryLayout& el = made.schedule.layout;

  // The layer and the tiles, whose change moves the layout.
  compare.Same("unit", "", c.unit, ec.unit);
  compare.Same("group", "", l.group, el.group);
  compare.Same("units_per_tile", "", c.units_per_tile, ec.units_per_tile);
  compare.Same("unit_interval", "", c.unit_interval, ec.unit_interval);
  if (c.tiles.size() != ec.tiles.size()) {
    compare.Fail("m", "the file has " + std::to_string(c.tiles.size()) + " tiles, but " +
                          config_text + " gives " + std::to_string(ec.tiles.size()));
  }
  for (size_t i = 0; i < c.tiles.size(); ++i) {
    const std::string key = TileKey(static_cast<int64_t>(i));
    const ArrayTile& t = c.tiles[i];
    const ArrayTile& e = ec.tiles[i];
    const std::string in_order = std::string(" in ") + LoopOrderName(c.loop_order) +
                                 " order with blocks of " + std::to_string(c.block_m_tiles) + "x" +
                                 std::to_string(c.block_n_tiles) + " tiles" + ChunkText(c);
    if (t.m0 != e.m0 || t.n0 != e.n0) {
      compare.Fail(key, "the tile at m0=" + std::to_string(t.m0) + " n0=" + std::to_string(t.n0) +
                            ", but " + config_text + " gives m0=" + std::to_string(e.m0) +
                            " n0=" + std::to_string(e.n0) + in_order);
    }
    compare.Same(key, "rows", t.rows_used, e.rows_used);
    compare.Same(key, "cols", t.cols_used, e.cols_used);
    compare.Same(key, "start", t.start_cycle, e.start_cycle);
  }

  // The layout: DRAM segments, then buffer regions. The sizes behind them are the formats', so
  // they differ only in a schedule that was not parsed or made.
  for (DataPart part : kAllDataParts) {
    const int p = PartIndex(part);
    if (l.segment_bytes[p].size() != el.segment_bytes[p].size() ||
        l.segment_address[p].size() != el.segment_address[p].size()) {
      compare.Fail(SegmentKey(part, 0), std::string(DataPartName(part)) + " has " +
                                            std::to_string(l.segment_bytes[p].size()) +
                                            " segments, but " + config_text + " gives " +
                                            std::to_string(el.segment_bytes[p].size()));
    }
    for (size_t i = 0; i < l.segment_bytes[p].size(); ++i) {
      const std::string key = SegmentKey(part, static_cast<int64_t>(i));
      compare.Same(key, "address", l.segment_address[p][i], el.segment_address[p][i]);
      compare.Same(key, "bytes", l.segment_bytes[p][i], el.segment_bytes[p][i]);
    }
  }
  compare.Same("image_bytes", "", l.image_bytes, el.image_bytes);
  for (BufferKind kind : kAllBufferKinds) {
    compare.Same(BufferKey(kind), "bytes", l.buffer_bytes[static_cast<int>(kind)],
                 el.buffer_bytes[static_cast<int>(kind)]);
    for (DataPart part : kAllDataParts) {
      if (BufferOf(part) != kind) continue;
      compare.Same(RegionKey(part), "offset", l.buffer_offset[PartIndex(part)],
                   el.buffer_offset[PartIndex(part)]);
    }
  }
  const bool same_sizes =
      l.sizes.weight_column == el.sizes.weight_column &&
      l.sizes.zero_point_column == el.sizes.zero_point_column &&
      l.sizes.weight_scale_column == el.sizes.weight_scale_column &&
      l.sizes.weight_tensor_scale == el.sizes.weight_tensor_scale &&
      l.sizes.activation_row == el.sizes.activation_row &&
      l.sizes.activation_scale_row == el.sizes.activation_scale_row &&
      l.sizes.activation_tensor_scale == el.sizes.activation_tensor_scale &&
      l.weight_bits == el.weight_bits && l.activation_bits == el.activation_bits &&
      l.weight_scale_bytes == el.weight_scale_bytes &&
      l.activation_scale_bytes == el.activation_scale_bytes &&
      l.activation_block == el.activation_block && l.token_scales == el.token_scales;
  if (!same_sizes) {
    compare.Fail("weights", "the layout's row and column sizes are not those of " +
                                schedule.weights_format + " x " + schedule.activations_format);
  }

  // The regions, now known to be the config's, must fit half of each buffer.
  for (BufferKind kind : kAllBufferKinds) {
    if (l.buffer_bytes[static_cast<int>(kind)] <= config.memory.Buffer(kind).HalfBytes()) continue;
    try {
      CheckBuffersFit(config, made.formats, c, l.group_bits);
    } catch (const InputError& e) {
      compare.Fail(BufferKey(kind), e.what());
    }
  }
}

void CheckScheduleMatchesLayer(const LayerSchedule& schedule, const GemmLayer& layer,
                               const LayerFormats& formats) {
  const ConfigComparison compare(schedule, HardwareConfig{});
  const std::string of_layer = "the trace's layer " + layer.name + " (" + layer.source_file + ")";
  auto same = [&](const std::string& key, const auto& in_schedule, const auto& in_trace) {
    if (in_schedule == in_trace) return;
    std::ostringstream message;
    message << "the schedule has " << in_schedule << ", but " << of_layer << " has " << in_trace;
    compare.Fail(key, message.str());
  };
  const CoreSchedule& c = schedule.core;
  same("name", c.layer, layer.name);
  same("m", c.m, layer.m);
  same("k", c.k, layer.k);
  same("n", c.n, layer.n);
  same("weights", schedule.weights_format, formats.weights.Name());
  same("activations", schedule.activations_format, formats.activations.Name());
}

}  // namespace mixpe
