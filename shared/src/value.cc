#include "mcrm/value.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace mcrm {

Value Value::Strings(std::vector<std::string> items) {
  List list;
  list.reserve(items.size());
  for (auto& item : items) list.push_back(String(std::move(item)));
  return ListOf(std::move(list));
}

const Value& Value::Get(absl::string_view name) const {
  static const Value kNull;
  if (!is_struct()) return kNull;
  const auto& fields = struct_value();
  const auto it = fields.find(name);
  return it == fields.end() ? kNull : it->second;
}

bool Value::IsEmpty() const {
  switch (kind()) {
    case Kind::kNull:
      return true;
    case Kind::kString:
      return string_value().empty();
    case Kind::kList:
      return list_value().empty();
    default:
      return false;
  }
}

std::string Value::DebugString() const {
  switch (kind()) {
    case Kind::kNull:
      return "null";
    case Kind::kBool:
      return bool_value() ? "true" : "false";
    case Kind::kInt:
      return absl::StrCat(int_value());
    case Kind::kDouble:
      return absl::StrCat(double_value());
    case Kind::kString:
      return absl::StrCat("\"", string_value(), "\"");
    case Kind::kList:
      return absl::StrCat(
          "[",
          absl::StrJoin(list_value(), ",",
                        [](std::string* out, const Value& v) { out->append(v.DebugString()); }),
          "]");
    case Kind::kStruct:
      return absl::StrCat("{",
                          absl::StrJoin(struct_value(), ",",
                                        [](std::string* out, const auto& entry) {
                                          absl::StrAppend(out, "\"", entry.first,
                                                          "\":", entry.second.DebugString());
                                        }),
                          "}");
  }
  return "?";
}

absl::string_view KindName(Value::Kind kind) {
  switch (kind) {
    case Value::Kind::kNull:
      return "null";
    case Value::Kind::kBool:
      return "a boolean";
    case Value::Kind::kInt:
      return "an integer";
    case Value::Kind::kDouble:
      return "a number";
    case Value::Kind::kString:
      return "a string";
    case Value::Kind::kList:
      return "a list";
    case Value::Kind::kStruct:
      return "a struct";
  }
  return "?";
}

}  // namespace mcrm
