#include "mcrm/value_json.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace mcrm {
namespace {

void AppendJson(std::string& out, const Value& value) {
  switch (value.kind()) {
    case Value::Kind::kNull:
      out += "null";
      return;
    case Value::Kind::kBool:
      out += value.bool_value() ? "true" : "false";
      return;
    case Value::Kind::kInt:
      absl::StrAppend(&out, value.int_value());
      return;
    case Value::Kind::kDouble:
      if (!std::isfinite(value.double_value())) {
        out += "null";
      } else {
        absl::StrAppendFormat(&out, "%.17g", value.double_value());
      }
      return;
    case Value::Kind::kString:
      AppendJsonString(out, value.string_value());
      return;
    case Value::Kind::kList: {
      out.push_back('[');
      bool first = true;
      for (const Value& item : value.list_value()) {
        if (!first) out.push_back(',');
        first = false;
        AppendJson(out, item);
      }
      out.push_back(']');
      return;
    }
    case Value::Kind::kStruct: {
      out.push_back('{');
      bool first = true;
      for (const auto& [name, member] : value.struct_value()) {
        if (!first) out.push_back(',');
        first = false;
        AppendJsonString(out, name);
        out.push_back(':');
        AppendJson(out, member);
      }
      out.push_back('}');
      return;
    }
  }
}

}  // namespace

void AppendJsonString(std::string& out, absl::string_view text) {
  out.push_back('"');
  for (const char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          absl::StrAppendFormat(&out, "\\u%04x", static_cast<unsigned char>(c));
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
}

std::string JsonOf(const Value& value) {
  std::string out;
  AppendJson(out, value);
  return out;
}

}  // namespace mcrm
