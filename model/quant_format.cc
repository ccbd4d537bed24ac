// Names and properties of the quantization formats; see quant_format.h and docs/numerics.md.
#include "model/quant_format.h"

#include <algorithm>
#include <cmath>
#include <regex>

#include "model/input_error.h"

namespace mixpe {

int ElementType::unit_exponent() const { return is_float ? UnitExponent(*fp) : -int_fraction_bits; }

int64_t ElementType::max_units() const {
  if (!is_float) return (int64_t{1} << (bits - 1)) - 1;
  // MaxFinite is an exact multiple of the unit.
  return static_cast<int64_t>(std::ldexp(MaxFinite(*fp), -unit_exponent()));
}

std::string ElementType::Name() const {
  if (is_float) return fp->name;
  return "int" + std::to_string(bits);
}

ElementType IntElement(int bits, int fraction_bits) {
  ElementType e;
  e.bits = bits;
  e.int_fraction_bits = fraction_bits;
  // The largest power of two an element of 1 sign, (bits-1-fraction_bits) integer bits holds.
  e.emax = bits - 2 - fraction_bits;
  return e;
}

ElementType FloatElement(const FloatFormat& format) {
  ElementType e;
  e.is_float = true;
  e.bits = format.total_bits();
  e.fp = &format;
  // floor(log2(MaxFinite)).
  int exponent = 0;
  std::frexp(MaxFinite(format), &exponent);
  e.emax = exponent - 1;
  return e;
}

ElementType MxElement(const std::string& name) {
  // OCP MX v1.0: MXINT8 is read as fixed point with 6 fraction bits (max 127/64). MXINT4 is
  // defined here the same way, scaled to 4 bits: 1 sign, 1 integer and 2 fraction bits, values
  // k/4 for k in [-7, 7], the code -8 unused like MXINT8's -128 (see docs/numerics.md).
  if (name == "mxint8") return IntElement(8, 6);
  if (name == "mxint4") return IntElement(4, 2);
  if (name == "mxfp8_e4m3") return FloatElement(kE4M3);
  if (name == "mxfp8_e5m2") return FloatElement(kE5M2);
  if (name == "mxfp6_e3m2") return FloatElement(kE3M2);
  if (name == "mxfp6_e2m3") return FloatElement(kE2M3);
  if (name == "mxfp4") return FloatElement(kE2M1);
  throw InputError("unknown MX element format '" + name + "'");
}

namespace {

const char kWeightFormats[] =
    "int{2,3,4,8}_g{32,64,128,ch}[_asym], intmix{2,3,4}_g{32,64,128}[_asym], mxint8, mxint4, "
    "mxfp8_e4m3, mxfp8_e5m2, mxfp6_e3m2, mxfp6_e2m3, mxfp4, nvfp4";
const char kActivationFormats[] =
    "int8_token, fp16, mxint8, mxint4, mxfp8_e4m3, mxfp8_e5m2, mxfp6_e3m2, mxfp6_e2m3, mxfp4, "
    "nvfp4";

bool IsMxName(const std::string& name) { return name.rfind("mx", 0) == 0; }

// The OCP MX name of an element type: mxint8, mxfp8_e4m3, mxfp6_e2m3, mxfp4, ...
std::string MxName(const ElementType& e) {
  if (!e.is_float) return "mxint" + std::to_string(e.bits);
  if (e.bits == 4) return "mxfp4";
  return "mxfp" + std::to_string(e.bits) + "_" + e.fp->name;
}

}  // namespace

std::vector<std::string> AllWeightFormatNames() {
  std::vector<std::string> names;
  for (const char* b : {"2", "3", "4", "8"}) {
    for (const char* g : {"32", "64", "128", "ch"}) {
      names.push_back(std::string("int") + b + "_g" + g);
      names.push_back(std::string("int") + b + "_g" + g + "_asym");
    }
  }
  for (const char* widths : {"234", "24", "23", "34"}) {
    for (const char* g : {"32", "64", "128"}) {
      names.push_back(std::string("intmix") + widths + "_g" + g);
      names.push_back(std::string("intmix") + widths + "_g" + g + "_asym");
    }
  }
  for (const char* name : {"mxint8", "mxint4", "mxfp8_e4m3", "mxfp8_e5m2", "mxfp6_e3m2",
                           "mxfp6_e2m3", "mxfp4", "nvfp4"}) {
    names.push_back(name);
  }
  return names;
}

ScaleType WeightFormat::scale_type() const {
  switch (family) {
    case WeightFamily::kGroupInt:
      return ScaleType::kFp16;
    case WeightFamily::kMx:
      return ScaleType::kE8M0;
    case WeightFamily::kNvFp4:
      return ScaleType::kE4M3;
  }
  return ScaleType::kNone;
}

std::string WeightFormat::Name() const {
  switch (family) {
    case WeightFamily::kGroupInt: {
      std::string name = mixed_bits.empty() ? "int" + std::to_string(element.bits) : "intmix";
      for (int b : mixed_bits) name += std::to_string(b);
      name += group_size == 0 ? "_gch" : "_g" + std::to_string(group_size);
      return asymmetric ? name + "_asym" : name;
    }
    case WeightFamily::kMx:
      return MxName(element);
    case WeightFamily::kNvFp4:
      return "nvfp4";
  }
  return "?";
}

WeightFormat ParseWeightFormat(const std::string& name) {
  WeightFormat f;
  static const std::regex kGroupInt("int([2348])_g(32|64|128|ch)(_asym)?");
  // At most three widths: a bounded run, since std::regex matches an unbounded repetition by
  // recursing once per character, and a name of tens of thousands of digits overflowed the stack.
  // Four or more digits repeat one, and are an unknown name.
  static const std::regex kMixed("intmix([234]{1,3})_g(32|64|128)(_asym)?");
  std::smatch match;
  if (std::regex_match(name, match, kGroupInt)) {
    f.family = WeightFamily::kGroupInt;
    f.element = IntElement(std::stoi(match[1]));
    f.group_size = match[2] == "ch" ? 0 : std::stoi(match[2]);
    f.asymmetric = match[3].matched;
    return f;
  }
  if (std::regex_match(name, match, kMixed)) {
    const std::string widths = match[1];
    int widest = 0;
    for (char c : widths) {
      const int b = c - '0';
      for (int seen : f.mixed_bits) {
        if (seen == b) throw InputError("weight format '" + name + "': bit width listed twice");
      }
      f.mixed_bits.push_back(b);
      widest = std::max(widest, b);
    }
    if (f.mixed_bits.size() < 2) {
      throw InputError("weight format '" + name + "': mixed precision needs two or more widths");
    }
    f.family = WeightFamily::kGroupInt;
    f.element = IntElement(widest);
    f.group_size = std::stoi(match[2]);
    f.asymmetric = match[3].matched;
    return f;
  }
  if (name == "nvfp4") {
    f.family = WeightFamily::kNvFp4;
    f.element = FloatElement(kE2M1);
    f.group_size = 16;
    return f;
  }
  if (IsMxName(name)) {
    try {
      f.element = MxElement(name);
    } catch (const InputError&) {
      throw InputError("unknown weight format '" + name + "' (known: " + kWeightFormats + ")");
    }
    f.family = WeightFamily::kMx;
    f.group_size = 32;
    return f;
  }
  throw InputError("unknown weight format '" + name + "' (known: " + kWeightFormats + ")");
}

ScaleType ActivationFormat::scale_type() const {
  switch (family) {
    case ActivationFamily::kInt8PerToken:
      return ScaleType::kFp16;
    case ActivationFamily::kFp16:
      return ScaleType::kNone;
    case ActivationFamily::kMx:
      return ScaleType::kE8M0;
    case ActivationFamily::kNvFp4:
      return ScaleType::kE4M3;
  }
  return ScaleType::kNone;
}

std::string ActivationFormat::Name() const {
  switch (family) {
    case ActivationFamily::kInt8PerToken:
      return "int8_token";
    case ActivationFamily::kFp16:
      return "fp16";
    case ActivationFamily::kMx:
      return MxName(element);
    case ActivationFamily::kNvFp4:
      return "nvfp4";
  }
  return "?";
}

ActivationFormat ParseActivationFormat(const std::string& name) {
  ActivationFormat f;
  if (name == "int8_token") {
    f.family = ActivationFamily::kInt8PerToken;
    f.element = IntElement(8);
    return f;
  }
  if (name == "fp16") {
    f.family = ActivationFamily::kFp16;
    f.element = FloatElement(kFp16);
    return f;
  }
  if (name == "nvfp4") {
    f.family = ActivationFamily::kNvFp4;
    f.element = FloatElement(kE2M1);
    f.block_size = 16;
    return f;
  }
  if (IsMxName(name)) {
    try {
      f.element = MxElement(name);
    } catch (const InputError&) {
      throw InputError("unknown activation format '" + name + "' (known: " + kActivationFormats +
                       ")");
    }
    f.family = ActivationFamily::kMx;
    f.block_size = 32;
    return f;
  }
  throw InputError("unknown activation format '" + name + "' (known: " + kActivationFormats + ")");
}

int ScaleBytes(ScaleType type) {
  switch (type) {
    case ScaleType::kFp16:
      return 2;
    case ScaleType::kE8M0:
    case ScaleType::kE4M3:
      return 1;
    case ScaleType::kNone:
      return 0;
  }
  return 0;
}

}  // namespace mixpe
