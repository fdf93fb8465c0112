#include "values.h"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "mcrm/utf8.h"
#include "mcrm/uuid.h"
#include "mcrm/value_json.h"

namespace mcrm::admin {
namespace {

using JsonValue = google::protobuf::Value;

absl::Status Invalid(absl::string_view path, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(path, ": ", why));
}

// The type of one item of a list type.
std::string ItemType(absl::string_view list_type) {
  if (list_type == "string_list") return "string";
  if (list_type == "id_list") return "id";
  return "struct";
}

std::string MemberNames(const v1::FieldDescription& field) {
  std::vector<std::string> names;
  for (const auto& member : field.members()) names.push_back(member.name());
  return absl::StrJoin(names, ", ");
}

// What a struct looks like as JSON, from its members, for an error message.
std::string StructExample(const v1::FieldDescription& field) {
  std::vector<std::string> parts;
  for (const auto& member : field.members()) {
    if (parts.size() == 2) break;
    parts.push_back(absl::StrCat("\"", member.name(), "\": ..."));
  }
  return absl::StrCat("{", absl::StrJoin(parts, ", "), "}");
}

// Days since 1970-01-01 of a proleptic Gregorian date, and back (H. Hinnant's algorithms): the
// tool reads and writes UTC itself, so that the machine's time zone never shifts a value.
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void CivilFromDays(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2 ? 1 : 0;
}

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned DaysInMonth(int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

// Reads exactly `n` digits at `pos`.
bool Digits(absl::string_view text, size_t& pos, size_t n, int& out) {
  if (pos + n > text.size()) return false;
  out = 0;
  for (size_t i = 0; i < n; ++i) {
    const char c = text[pos + i];
    if (c < '0' || c > '9') return false;
    out = out * 10 + (c - '0');
  }
  pos += n;
  return true;
}

// The shortest text that reads back as the same double.
std::string DoubleText(double value) {
  for (int precision = 1; precision <= 17; ++precision) {
    const std::string text = absl::StrFormat("%.*g", precision, value);
    if (std::strtod(text.c_str(), nullptr) == value) return text;
  }
  return absl::StrFormat("%.17g", value);
}

std::string JsonQuoted(absl::string_view text) {
  std::string out;
  AppendJsonString(out, text);
  return out;
}

const v1::FieldDescription* MemberNamed(const v1::FieldDescription* field, absl::string_view name) {
  if (field == nullptr) return nullptr;
  for (const auto& member : field->members()) {
    if (member.name() == name) return &member;
  }
  return nullptr;
}

// A value as JSON, members and items typed by `field` where known: the form a struct is shown in,
// which ParseFieldValue reads back (timestamps as ISO strings, which it accepts).
std::string JsonText(const v1::FieldDescription* field, const v1::Value& value) {
  const std::string type = field ? TypeOf(*field) : "";
  switch (value.kind_case()) {
    case v1::Value::KIND_NOT_SET:
      return "null";
    case v1::Value::kBoolValue:
      return value.bool_value() ? "true" : "false";
    case v1::Value::kIntValue:
      if (type == "timestamp") return JsonQuoted(FormatTimestamp(value.int_value()));
      return absl::StrCat(value.int_value());
    case v1::Value::kDoubleValue:
      return std::isfinite(value.double_value()) ? DoubleText(value.double_value()) : "null";
    case v1::Value::kStringValue:
      return JsonQuoted(value.string_value());
    case v1::Value::kListValue: {
      std::vector<std::string> items;
      for (const auto& item : value.list_value().values()) items.push_back(JsonText(field, item));
      return absl::StrCat("[", absl::StrJoin(items, ", "), "]");
    }
    case v1::Value::kStructValue: {
      // Members in the schema's order, then any the schema does not name, by name.
      const auto& fields = value.struct_value().fields();
      std::vector<std::string> parts;
      std::set<std::string> shown;
      if (field != nullptr) {
        for (const auto& member : field->members()) {
          const auto it = fields.find(member.name());
          if (it == fields.end()) continue;
          parts.push_back(
              absl::StrCat(JsonQuoted(member.name()), ": ", JsonText(&member, it->second)));
          shown.insert(member.name());
        }
      }
      std::vector<std::string> others;
      for (const auto& [name, member_value] : fields) {
        if (!shown.contains(name)) others.push_back(name);
      }
      std::sort(others.begin(), others.end());
      for (const std::string& name : others) {
        parts.push_back(absl::StrCat(JsonQuoted(name), ": ",
                                     JsonText(MemberNamed(field, name), fields.at(name))));
      }
      return absl::StrCat("{", absl::StrJoin(parts, ", "), "}");
    }
  }
  return "null";
}

absl::StatusOr<JsonValue> ParseJson(absl::string_view text, absl::string_view path) {
  JsonValue json;
  const auto status = google::protobuf::util::JsonStringToMessage(std::string(text), &json);
  if (!status.ok()) {
    const auto message = status.message();
    return Invalid(
        path, absl::StrCat("not valid JSON (", std::string(message.data(), message.size()), ")"));
  }
  return json;
}

absl::StatusOr<v1::Value> ScalarFromText(const v1::FieldDescription& field, absl::string_view type,
                                         absl::string_view text, absl::string_view path);

// A JSON value as a value of `type` (the field's, or its item type for a list's items).
absl::StatusOr<v1::Value> FromJson(const v1::FieldDescription& field, absl::string_view type,
                                   const JsonValue& json, absl::string_view path) {
  v1::Value out;
  if (json.kind_case() == JsonValue::kNullValue) return out;
  if (IsListType(type)) {
    if (json.kind_case() != JsonValue::kListValue) {
      return Invalid(path, "expected a JSON array");
    }
    const std::string item_type = ItemType(type);
    auto* list = out.mutable_list_value();
    for (int i = 0; i < json.list_value().values_size(); ++i) {
      const std::string item_path = absl::StrCat(path, "[", i, "]");
      const JsonValue& item = json.list_value().values(i);
      if (item.kind_case() == JsonValue::kNullValue) return Invalid(item_path, "null in a list");
      auto value = FromJson(field, item_type, item, item_path);
      if (!value.ok()) return value.status();
      *list->add_values() = *std::move(value);
    }
    return out;
  }
  if (type == "struct") {
    if (json.kind_case() != JsonValue::kStructValue) {
      return Invalid(path, absl::StrCat("expected a JSON object such as ", StructExample(field)));
    }
    auto* members = out.mutable_struct_value()->mutable_fields();
    for (const auto& [name, member_json] : json.struct_value().fields()) {
      const std::string member_path = absl::StrCat(path, ".", name);
      const v1::FieldDescription* member = MemberNamed(&field, name);
      if (member == nullptr) {
        return Invalid(member_path,
                       absl::StrCat("no such member; the members are ", MemberNames(field)));
      }
      auto value = FromJson(*member, TypeOf(*member), member_json, member_path);
      if (!value.ok()) return value.status();
      // A member given as null is left out: absent and null are the same in a struct.
      if (value->kind_case() != v1::Value::KIND_NOT_SET) (*members)[name] = *std::move(value);
    }
    return out;
  }
  switch (json.kind_case()) {
    case JsonValue::kStringValue:
      // Text is read as it would be on the command line, so "2024-05-01T09:00Z" is a timestamp
      // and "42" an int; but an empty string stays an empty string.
      if (json.string_value().empty()) {
        if (type == "int" || type == "double" || type == "bool" || type == "timestamp") {
          return Invalid(path, absl::StrCat("an empty string is no ", type));
        }
        out.set_string_value("");
        return out;
      }
      return ScalarFromText(field, type, json.string_value(), path);
    case JsonValue::kNumberValue: {
      const double number = json.number_value();
      if (type == "double") {
        out.set_double_value(number);
        return out;
      }
      if (type == "int" || type == "timestamp") {
        // JSON numbers are doubles: beyond 2^53 they are no longer exact.
        constexpr double kExact = 9007199254740992.0;
        if (std::trunc(number) != number || std::fabs(number) > kExact) {
          return Invalid(path, absl::StrCat(DoubleText(number),
                                            " is not a whole number (give large ones as text)"));
        }
        out.set_int_value(static_cast<int64_t>(number));
        return out;
      }
      return Invalid(path, absl::StrCat("expected ", type, " as text in quotes, not a number"));
    }
    case JsonValue::kBoolValue:
      if (type != "bool") return Invalid(path, absl::StrCat("expected ", type, ", not true/false"));
      out.set_bool_value(json.bool_value());
      return out;
    default:
      return Invalid(path, absl::StrCat("expected a single ", type));
  }
}

absl::StatusOr<v1::Value> ScalarFromText(const v1::FieldDescription& field, absl::string_view type,
                                         absl::string_view text, absl::string_view path) {
  v1::Value out;
  if (type == "int") {
    int64_t number = 0;
    if (!absl::SimpleAtoi(text, &number)) {
      return Invalid(path, absl::StrCat(Quoted(text), " is not a whole number"));
    }
    out.set_int_value(number);
  } else if (type == "double") {
    double number = 0;
    if (!absl::SimpleAtod(text, &number) || !std::isfinite(number)) {
      return Invalid(path, absl::StrCat(Quoted(text), " is not a number"));
    }
    out.set_double_value(number);
  } else if (type == "bool") {
    bool flag = false;
    if (!absl::SimpleAtob(text, &flag)) {
      return Invalid(path, absl::StrCat(Quoted(text), " is not true or false (or yes/no, 1/0)"));
    }
    out.set_bool_value(flag);
  } else if (type == "timestamp") {
    auto ms = ParseTimestamp(text);
    if (!ms.ok()) return Invalid(path, ms.status().message());
    out.set_int_value(*ms);
  } else if (type == "enum") {
    const auto& allowed = field.enum_values();
    if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), text) == allowed.end()) {
      return Invalid(path,
                     absl::StrCat(Quoted(text), " is not one of ", absl::StrJoin(allowed, ", ")));
    }
    out.set_string_value(std::string(text));
  } else if (type == "id" && !IsUuidV7(text)) {
    return CheckIdArgument(path, text, field.ref_entity().empty() ? "record" : field.ref_entity());
  } else {
    // string, text, date, id, and any type a newer server adds: text, checked by the server.
    out.set_string_value(std::string(text));
  }
  return out;
}

absl::StatusOr<v1::Value> FromText(const v1::FieldDescription& field, absl::string_view type,
                                   absl::string_view text, absl::string_view path) {
  if (text.empty()) return v1::Value();
  const absl::string_view trimmed = absl::StripAsciiWhitespace(text);
  if (IsListType(type)) {
    if (absl::StartsWith(trimmed, "[")) {
      auto json = ParseJson(trimmed, path);
      if (!json.ok()) return json.status();
      return FromJson(field, type, *json, path);
    }
    if (type == "struct_list") {
      if (!absl::StartsWith(trimmed, "{")) {
        return Invalid(path, absl::StrCat("a list of structs: give a JSON array such as '[",
                                          StructExample(field), "]'"));
      }
      auto json = ParseJson(trimmed, path);
      if (!json.ok()) return json.status();
      JsonValue list;
      *list.mutable_list_value()->add_values() = *std::move(json);
      return FromJson(field, type, list, path);
    }
    // Comma-separated; blanks around the items do not count.
    v1::Value out;
    auto* list = out.mutable_list_value();
    int i = 0;
    for (absl::string_view item : absl::StrSplit(text, ',')) {
      item = absl::StripAsciiWhitespace(item);
      if (item.empty()) continue;
      auto value = ScalarFromText(field, ItemType(type), item, absl::StrCat(path, "[", i++, "]"));
      if (!value.ok()) return value.status();
      *list->add_values() = *std::move(value);
    }
    return out;
  }
  if (type == "struct") {
    if (!absl::StartsWith(trimmed, "{")) {
      return Invalid(
          path, absl::StrCat("a struct: give a JSON object such as '", StructExample(field), "'"));
    }
    auto json = ParseJson(trimmed, path);
    if (!json.ok()) return json.status();
    return FromJson(field, type, *json, path);
  }
  return ScalarFromText(field, type, text, path);
}

std::vector<std::string> Names(const v1::DescribeSchemaResponse& schema) {
  std::vector<std::string> names;
  for (const auto& entity : schema.entities()) names.push_back(entity.name());
  return names;
}

}  // namespace

std::string CheckAssignmentSyntax(const std::string& arg) {
  const auto equals = arg.find('=');
  if (equals == std::string::npos) {
    return absl::StrCat(Quoted(arg), " is not FIELD=VALUE (FIELD= with nothing clears a field)");
  }
  if (equals == 0) return absl::StrCat(Quoted(arg), " names no field before the '='");
  return "";
}

Assignment SplitAssignment(absl::string_view arg) {
  const auto equals = arg.find('=');
  if (equals == absl::string_view::npos) return {std::string(arg), ""};
  return {std::string(arg.substr(0, equals)), std::string(arg.substr(equals + 1))};
}

absl::StatusOr<const v1::EntityDescription*> EntityNamed(const v1::DescribeSchemaResponse& schema,
                                                         absl::string_view name) {
  for (const auto& entity : schema.entities()) {
    if (entity.name() == name) return &entity;
  }
  return absl::InvalidArgumentError(absl::StrCat("entity ", Quoted(name),
                                                 ": no such entity; the entities are ",
                                                 absl::StrJoin(Names(schema), ", ")));
}

absl::StatusOr<const v1::FieldDescription*> FieldNamed(const v1::EntityDescription& entity,
                                                       absl::string_view name) {
  std::vector<std::string> names;
  for (const auto& field : entity.fields()) {
    if (field.name() == name) return &field;
    names.push_back(field.name());
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "field ", Quoted(name), ": ", entity.name(), " has no such field; its fields are ",
      absl::StrJoin(names, ", "), " (mcrm-admin schema ", entity.name(), ")"));
}

const v1::FieldDescription* FieldByNumber(const v1::EntityDescription& entity, uint32_t number) {
  for (const auto& field : entity.fields()) {
    if (field.number() == number) return &field;
  }
  return nullptr;
}

std::string TypeOf(const v1::FieldDescription& field) {
  std::string type = field.type();
  std::replace(type.begin(), type.end(), ' ', '_');
  return type;
}

bool IsListType(absl::string_view type) {
  return type == "string_list" || type == "id_list" || type == "struct_list";
}

absl::Status CheckIdArgument(absl::string_view path, absl::string_view text,
                             absl::string_view entity) {
  if (IsUuidV7(text)) return absl::OkStatus();
  return Invalid(path,
                 absl::StrCat(Quoted(text), " is not an id: give the ", entity,
                              "'s id (mcrm-admin find ", entity, " lists them with their ids)"));
}

absl::StatusOr<v1::Value> ParseFieldValue(const v1::FieldDescription& field,
                                          absl::string_view text) {
  return FromText(field, TypeOf(field), text, field.name());
}

absl::StatusOr<v1::Value> ParseConditionValue(const v1::FieldDescription& field, bool contains,
                                              absl::string_view text) {
  const std::string type = TypeOf(field);
  if (!contains || !IsListType(type)) return ParseFieldValue(field, text);
  // One item of the list; the server says so when the field holds structs, which lists cannot
  // be searched by.
  const std::string item_type = ItemType(type);
  if (item_type == "struct") return FromText(field, "struct", text, field.name());
  return ScalarFromText(field, item_type, text, field.name());
}

absl::Status ParseAssignments(const v1::EntityDescription& entity,
                              const std::vector<std::string>& args,
                              google::protobuf::Map<std::string, v1::Value>* out) {
  for (const std::string& arg : args) {
    const Assignment assignment = SplitAssignment(arg);
    auto field = FieldNamed(entity, assignment.field);
    if (!field.ok()) return field.status();
    if (out->contains(assignment.field)) {
      return absl::InvalidArgumentError(
          absl::StrCat("field ", Quoted(assignment.field), ": given twice"));
    }
    auto value = ParseFieldValue(**field, assignment.value);
    if (!value.ok()) return value.status();
    (*out)[assignment.field] = *std::move(value);
  }
  return absl::OkStatus();
}

std::string ValueText(const v1::FieldDescription* field, const v1::Value& value) {
  const std::string type = field ? TypeOf(*field) : "";
  switch (value.kind_case()) {
    case v1::Value::KIND_NOT_SET:
      return "";
    case v1::Value::kBoolValue:
      return value.bool_value() ? "true" : "false";
    case v1::Value::kIntValue:
      if (type == "timestamp") return FormatTimestamp(value.int_value());
      return absl::StrCat(value.int_value());
    case v1::Value::kDoubleValue:
      return DoubleText(value.double_value());
    case v1::Value::kStringValue:
      return value.string_value();
    case v1::Value::kListValue: {
      const auto& items = value.list_value().values();
      // Structs, or text that would not split back into the same items: JSON.
      const bool plain = std::all_of(items.begin(), items.end(), [](const v1::Value& item) {
        return item.kind_case() != v1::Value::kListValue &&
               item.kind_case() != v1::Value::kStructValue &&
               (item.kind_case() != v1::Value::kStringValue ||
                (item.string_value().find(',') == std::string::npos &&
                 !item.string_value().empty() &&
                 absl::StripAsciiWhitespace(item.string_value()) == item.string_value()));
      });
      if (!plain) return JsonText(field, value);
      std::vector<std::string> texts;
      for (const auto& item : items) texts.push_back(ValueText(nullptr, item));
      return absl::StrJoin(texts, ", ");
    }
    case v1::Value::kStructValue:
      return JsonText(field, value);
  }
  return "";
}

absl::StatusOr<int64_t> ParseTimestamp(absl::string_view text) {
  text = absl::StripAsciiWhitespace(text);
  const absl::Status not_a_time = absl::InvalidArgumentError(absl::StrCat(
      Quoted(text),
      " is not a time: give ISO 8601 with a zone (2024-05-01T09:30:00+02:00, "
      "2024-05-01T07:30Z), a date (2024-05-01, midnight UTC) or ms since 1970-01-01 UTC"));
  const absl::string_view digits = absl::StartsWith(text, "-") ? text.substr(1) : text;
  if (!digits.empty() && std::all_of(digits.begin(), digits.end(), [](char c) {
        return absl::ascii_isdigit(static_cast<unsigned char>(c));
      })) {
    int64_t ms = 0;
    if (!absl::SimpleAtoi(text, &ms)) return not_a_time;
    return ms;
  }
  size_t pos = 0;
  int year = 0, month = 0, day = 0;
  if (!Digits(text, pos, 4, year) || pos >= text.size() || text[pos++] != '-' ||
      !Digits(text, pos, 2, month) || pos >= text.size() || text[pos++] != '-' ||
      !Digits(text, pos, 2, day)) {
    return not_a_time;
  }
  if (month < 1 || month > 12 || day < 1 ||
      static_cast<unsigned>(day) > DaysInMonth(year, static_cast<unsigned>(month))) {
    return absl::InvalidArgumentError(absl::StrCat(Quoted(text), " is no date of the calendar"));
  }
  const int64_t days =
      DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  if (pos == text.size()) return days * 86'400'000;

  const char separator = text[pos++];
  if (separator != 'T' && separator != 't' && separator != ' ') return not_a_time;
  int hour = 0, minute = 0, second = 0, millis = 0;
  if (!Digits(text, pos, 2, hour) || pos >= text.size() || text[pos++] != ':' ||
      !Digits(text, pos, 2, minute)) {
    return not_a_time;
  }
  if (pos < text.size() && text[pos] == ':') {
    ++pos;
    if (!Digits(text, pos, 2, second)) return not_a_time;
    if (pos < text.size() && (text[pos] == '.' || text[pos] == ',')) {
      ++pos;
      // Milliseconds: the first three digits of the fraction count; further ones are cut off.
      int scale = 100, count = 0;
      while (pos < text.size() && absl::ascii_isdigit(static_cast<unsigned char>(text[pos]))) {
        millis += (text[pos] - '0') * scale;
        scale /= 10;
        ++pos;
        ++count;
      }
      if (count == 0) return not_a_time;
    }
  }
  if (hour > 23 || minute > 59 || second > 59) {
    return absl::InvalidArgumentError(absl::StrCat(Quoted(text), " is no time of the day"));
  }
  if (pos == text.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat(Quoted(text), " has no time zone: add Z for UTC or an offset such as +02:00"));
  }
  int offset_minutes = 0;
  const char zone = text[pos++];
  if (zone == 'Z' || zone == 'z') {
    offset_minutes = 0;
  } else if (zone == '+' || zone == '-') {
    int offset_hours = 0, offset_rest = 0;
    if (!Digits(text, pos, 2, offset_hours)) return not_a_time;
    if (pos < text.size() && text[pos] == ':') ++pos;
    if (pos < text.size() && !Digits(text, pos, 2, offset_rest)) return not_a_time;
    if (offset_hours > 23 || offset_rest > 59) return not_a_time;
    offset_minutes = (offset_hours * 60 + offset_rest) * (zone == '-' ? -1 : 1);
  } else {
    return not_a_time;
  }
  if (pos != text.size()) return not_a_time;
  const int64_t seconds = days * 86'400 + hour * 3'600 + minute * 60 + second -
                          static_cast<int64_t>(offset_minutes) * 60;
  return seconds * 1000 + millis;
}

std::string FormatTimestamp(int64_t unix_ms) {
  // Floor division, so that times before 1970 come out right too.
  int64_t seconds = unix_ms / 1000;
  int64_t millis = unix_ms % 1000;
  if (millis < 0) {
    millis += 1000;
    seconds -= 1;
  }
  int64_t days = seconds / 86'400;
  int64_t of_day = seconds % 86'400;
  if (of_day < 0) {
    of_day += 86'400;
    days -= 1;
  }
  int64_t year = 0;
  unsigned month = 0, day = 0;
  CivilFromDays(days, year, month, day);
  std::string text = absl::StrFormat("%04d-%02d-%02dT%02d:%02d:%02d", year, month, day,
                                     of_day / 3600, of_day / 60 % 60, of_day % 60);
  if (millis != 0) absl::StrAppendFormat(&text, ".%03d", millis);
  return text + "Z";
}

}  // namespace mcrm::admin
