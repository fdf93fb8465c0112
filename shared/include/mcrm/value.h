// The value of one field of a record: what the schema's field types are made of.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <variant>
#include <vector>

#include "absl/strings/string_view.h"

namespace mcrm {

// A dynamically typed field value: null, bool, 64-bit integer, double, string, list or struct
// (named sub-fields). Timestamps are integers (ms since the Unix epoch), dates are "YYYY-MM-DD"
// strings, ids are canonical UUID strings, money is an integer in minor units.
class Value {
 public:
  using List = std::vector<Value>;
  using Struct = std::map<std::string, Value, std::less<>>;
  enum class Kind { kNull, kBool, kInt, kDouble, kString, kList, kStruct };

  Value() = default;  // null
  static Value Null() { return Value(); }
  static Value Bool(bool v) { return Value(Rep(v)); }
  static Value Int(int64_t v) { return Value(Rep(v)); }
  static Value Double(double v) { return Value(Rep(v)); }
  static Value String(std::string v) { return Value(Rep(std::move(v))); }
  static Value ListOf(List v) { return Value(Rep(std::move(v))); }
  static Value StructOf(Struct v) { return Value(Rep(std::move(v))); }
  // A list of strings, the common case for tags and emails.
  static Value Strings(std::vector<std::string> items);

  Kind kind() const { return static_cast<Kind>(rep_.index()); }
  bool is_null() const { return kind() == Kind::kNull; }
  bool is_bool() const { return kind() == Kind::kBool; }
  bool is_int() const { return kind() == Kind::kInt; }
  bool is_double() const { return kind() == Kind::kDouble; }
  bool is_string() const { return kind() == Kind::kString; }
  bool is_list() const { return kind() == Kind::kList; }
  bool is_struct() const { return kind() == Kind::kStruct; }

  // Accessors; calling the wrong one is a programming error (std::bad_variant_access).
  bool bool_value() const { return std::get<bool>(rep_); }
  int64_t int_value() const { return std::get<int64_t>(rep_); }
  double double_value() const { return std::get<double>(rep_); }
  const std::string& string_value() const { return std::get<std::string>(rep_); }
  const List& list_value() const { return std::get<List>(rep_); }
  const Struct& struct_value() const { return std::get<Struct>(rep_); }
  // A struct's sub-field, or null when absent or when this is not a struct.
  const Value& Get(absl::string_view name) const;

  // Null, "" and an empty list count as empty (a required field must not be empty).
  bool IsEmpty() const;

  // A compact JSON-like rendering for logs, conflict records and test failures.
  std::string DebugString() const;

  friend bool operator==(const Value&, const Value&) = default;

 private:
  using Rep = std::variant<std::monostate, bool, int64_t, double, std::string, List, Struct>;
  explicit Value(Rep rep) : rep_(std::move(rep)) {}
  Rep rep_;
};

// Name of a value kind, for error messages ("expected a string, got an integer").
absl::string_view KindName(Value::Kind kind);

}  // namespace mcrm
