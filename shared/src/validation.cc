#include "mcrm/validation.h"

#include <cmath>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "mcrm/line_items.h"
#include "mcrm/service_task_state.h"
#include "mcrm/status_macros.h"
#include "mcrm/utf8.h"
#include "mcrm/uuid.h"

namespace mcrm {
namespace {

// Timestamps outside these bounds are typos or unit mistakes (seconds for milliseconds).
constexpr int64_t kMinTimestampMs = 946684800000;   // 2000-01-01
constexpr int64_t kMaxTimestampMs = 7258118400000;  // 2200-01-01

absl::Status Invalid(absl::string_view path, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(path, ": ", problem));
}

bool IsEmail(absl::string_view s) {
  if (s.size() > 254) return false;
  const auto at = s.find('@');
  if (at == absl::string_view::npos || at == 0 || at > 64 || s.find('@', at + 1) != s.npos) {
    return false;
  }
  const absl::string_view domain = s.substr(at + 1);
  if (domain.empty() || domain.find('.') == domain.npos || domain.front() == '.' ||
      domain.back() == '.' || domain.find("..") != domain.npos) {
    return false;
  }
  for (char c : domain) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.' &&
        static_cast<unsigned char>(c) < 0x80) {
      return false;
    }
  }
  for (char c : s.substr(0, at)) {
    if (absl::ascii_isspace(static_cast<unsigned char>(c)) || c == ',' || c == '<' || c == '>') {
      return false;
    }
  }
  return true;
}

bool IsPhone(absl::string_view s) {
  int digits = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      ++digits;
    } else if (c == '+') {
      if (i != 0) return false;
    } else if (c != ' ' && c != '-' && c != '(' && c != ')' && c != '.' && c != '/') {
      return false;
    }
  }
  return digits >= 3 && digits <= 20;
}

bool IsUpperLetters(absl::string_view s, size_t n) {
  if (s.size() != n) return false;
  for (char c : s) {
    if (c < 'A' || c > 'Z') return false;
  }
  return true;
}

bool IsDate(absl::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  const int year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
  const int month = (s[5] - '0') * 10 + (s[6] - '0');
  const int day = (s[8] - '0') * 10 + (s[9] - '0');
  if (year < 1900 || year > 2200 || month < 1 || month > 12 || day < 1) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return day <= kDays[month - 1] + (month == 2 && leap ? 1 : 0);
}

absl::Status CheckFormat(Format format, const std::string& s, absl::string_view path) {
  switch (format) {
    case Format::kNone:
      return absl::OkStatus();
    case Format::kEmail:
      return IsEmail(s) ? absl::OkStatus() : Invalid(path, "not an email address");
    case Format::kPhone:
      return IsPhone(s) ? absl::OkStatus() : Invalid(path, "not a phone number");
    case Format::kCurrencyCode:
      return IsUpperLetters(s, 3) ? absl::OkStatus()
                                  : Invalid(path, "not an ISO 4217 currency code (like EUR)");
    case Format::kCountryCode:
      return IsUpperLetters(s, 2) ? absl::OkStatus()
                                  : Invalid(path, "not an ISO 3166-1 country code (like DE)");
    case Format::kTag:
      if (s.empty() || s.size() > 40 || s.find(',') != s.npos ||
          absl::StripAsciiWhitespace(s).size() != s.size()) {
        return Invalid(path, "not a tag (1 to 40 characters, no commas, no outer spaces)");
      }
      return absl::OkStatus();
  }
  return absl::OkStatus();
}

absl::Status WrongKind(absl::string_view path, absl::string_view expected, const Value& value) {
  return Invalid(path, absl::StrCat("expected ", expected, ", got ", KindName(value.kind())));
}

absl::Status CheckString(const FieldSpec& field, const Value& value, absl::string_view path) {
  if (!value.is_string()) return WrongKind(path, "a string", value);
  const std::string& s = value.string_value();
  const int64_t limit = field.max_length > 0             ? field.max_length
                        : field.type == FieldType::kText ? kDefaultTextMaxLength
                                                         : kDefaultStringMaxLength;
  if (static_cast<int64_t>(s.size()) > limit) {
    return Invalid(path, absl::StrCat("longer than ", limit, " bytes"));
  }
  if (!IsValidUtf8(s)) return Invalid(path, "not valid UTF-8");
  if (field.type != FieldType::kText && s.find_first_of("\r\n") != s.npos) {
    return Invalid(path, "must be a single line");
  }
  // A NUL ends a string in C APIs (a PostgreSQL text parameter among them) and other control
  // characters are invisible in every list and form: only tab and, in texts, line breaks pass.
  for (const char c : s) {
    const auto byte = static_cast<unsigned char>(c);
    if ((byte < 0x20 && c != '\t' && c != '\n' && c != '\r') || byte == 0x7f) {
      return Invalid(path, "control characters are not allowed");
    }
  }
  return CheckFormat(field.format, s, path);
}

absl::Status CheckRange(const FieldSpec& field, double v, absl::string_view path) {
  if (field.has_range && (v < field.min || v > field.max)) {
    return Invalid(path, absl::StrCat(v, " is outside ", field.min, "..", field.max));
  }
  return absl::OkStatus();
}

absl::Status CheckStructFields(const StructSpec& shape, const Value& value,
                               absl::string_view path) {
  if (!value.is_struct())
    return WrongKind(path, absl::StrCat("a struct (", shape.name, ")"), value);
  for (const FieldSpec& sub : shape.fields) {
    const Value& v = value.Get(sub.name);
    const std::string sub_path = absl::StrCat(path, ".", sub.name);
    if (v.IsEmpty()) {
      if (sub.required) return Invalid(sub_path, "required");
      if (v.is_null()) continue;
    }
    RETURN_IF_ERROR(ValidateFieldValue(sub, v, sub_path));
  }
  return absl::OkStatus();
}

absl::Status CheckListItems(const FieldSpec& field, const Value& value, absl::string_view path) {
  if (!value.is_list()) return WrongKind(path, "a list", value);
  const auto& items = value.list_value();
  const int64_t limit = field.max_items > 0 ? field.max_items : kDefaultMaxItems;
  if (static_cast<int64_t>(items.size()) > limit) {
    return Invalid(path, absl::StrCat("more than ", limit, " items"));
  }
  FieldSpec item = field;
  item.type = field.type == FieldType::kStringList ? FieldType::kString
              : field.type == FieldType::kIdList   ? FieldType::kId
                                                   : FieldType::kStruct;
  for (size_t i = 0; i < items.size(); ++i) {
    RETURN_IF_ERROR(ValidateFieldValue(item, items[i], absl::StrCat(path, "[", i, "]")));
  }
  return absl::OkStatus();
}

// The declared rules of every field, and the record's id.
absl::Status CheckDeclared(const Record& record) {
  const EntitySpec& spec = Spec(record.entity);
  RETURN_IF_ERROR(CheckUuidV7(record.id, absl::StrCat(spec.name, ".id")));
  for (const FieldSpec& field : spec.fields) {
    const Value& value = record.Get(field.number);
    const std::string path = absl::StrCat(spec.name, ".", field.name);
    if (value.IsEmpty()) {
      if (field.required) return Invalid(path, "required");
      if (value.is_null()) continue;
    }
    RETURN_IF_ERROR(ValidateFieldValue(field, value, path));
  }
  return absl::OkStatus();
}

// Helpers for the rules that span fields.
bool Has(const Record& r, absl::string_view name) { return !r.Get(name).IsEmpty(); }

absl::Status NotBefore(const Record& r, absl::string_view later, absl::string_view earlier) {
  const Value& a = r.Get(later);
  const Value& b = r.Get(earlier);
  const bool comparable = (a.is_int() && b.is_int()) || (a.is_string() && b.is_string());
  if (!comparable) return absl::OkStatus();
  const bool before =
      a.is_int() ? a.int_value() < b.int_value() : a.string_value() < b.string_value();
  if (before) {
    return Invalid(absl::StrCat(EntityName(r.entity), ".", later),
                   absl::StrCat("before ", earlier));
  }
  return absl::OkStatus();
}

absl::Status RequiredWhen(const Record& r, absl::string_view field, bool condition,
                          absl::string_view when) {
  if (condition && !Has(r, field)) {
    return Invalid(absl::StrCat(EntityName(r.entity), ".", field),
                   absl::StrCat("required when ", when));
  }
  return absl::OkStatus();
}

absl::Status NotItself(const Record& r, absl::string_view field) {
  const Value& v = r.Get(field);
  if (v.is_string() && v.string_value() == r.id) {
    return Invalid(absl::StrCat(EntityName(r.entity), ".", field), "points at the record itself");
  }
  return absl::OkStatus();
}

bool Is(const Record& r, absl::string_view field, absl::string_view value) {
  const Value& v = r.Get(field);
  return v.is_string() && v.string_value() == value;
}

absl::Status CheckChecklist(const Record& r, bool must_be_complete) {
  const Value& checklist = r.Get("checklist");
  if (!checklist.is_list()) return absl::OkStatus();
  std::set<std::string> keys;
  const auto& items = checklist.list_value();
  for (size_t i = 0; i < items.size(); ++i) {
    const Value& item = items[i];
    const std::string path = absl::StrCat("service_task.checklist[", i, "]");
    const std::string& key = item.Get("key").string_value();
    if (!keys.insert(key).second) {
      return Invalid(absl::StrCat(path, ".key"), absl::StrCat(Quoted(key), " is used twice"));
    }
    const std::string& kind = item.Get("kind").string_value();
    const char* answer_field = kind == "yes_no"   ? "answer_bool"
                               : kind == "text"   ? "answer_text"
                               : kind == "number" ? "answer_number"
                                                  : "photo_ref";
    for (const char* other : {"answer_bool", "answer_text", "answer_number", "photo_ref"}) {
      if (other != absl::string_view(answer_field) && !item.Get(other).IsEmpty()) {
        return Invalid(absl::StrCat(path, ".", other),
                       absl::StrCat("a ", kind, " step is answered in ", answer_field));
      }
    }
    const bool required = item.Get("required").is_bool() && item.Get("required").bool_value();
    if (must_be_complete && required && item.Get(answer_field).IsEmpty()) {
      return Invalid(path, absl::StrCat("required step \"", key, "\" is not answered"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateFieldValue(const FieldSpec& field, const Value& value,
                                absl::string_view path) {
  if (value.is_null()) return absl::OkStatus();
  switch (field.type) {
    case FieldType::kString:
    case FieldType::kText:
      return CheckString(field, value, path);
    case FieldType::kInt:
      if (!value.is_int()) return WrongKind(path, "an integer", value);
      return CheckRange(field, static_cast<double>(value.int_value()), path);
    case FieldType::kDouble:
      if (!value.is_double()) return WrongKind(path, "a number", value);
      if (!std::isfinite(value.double_value())) return Invalid(path, "not a finite number");
      return CheckRange(field, value.double_value(), path);
    case FieldType::kBool:
      return value.is_bool() ? absl::OkStatus() : WrongKind(path, "a boolean", value);
    case FieldType::kTimestamp:
      if (!value.is_int()) return WrongKind(path, "a timestamp (integer ms)", value);
      if (value.int_value() < kMinTimestampMs || value.int_value() > kMaxTimestampMs) {
        return Invalid(path, absl::StrCat(value.int_value(),
                                          " ms is not a time between 2000 and 2200 (milliseconds "
                                          "since 1970 expected)"));
      }
      return absl::OkStatus();
    case FieldType::kDate:
      if (!value.is_string()) return WrongKind(path, "a date string", value);
      return IsDate(value.string_value())
                 ? absl::OkStatus()
                 : Invalid(path, absl::StrCat(Quoted(value.string_value()),
                                              " is not a date (YYYY-MM-DD)"));
    case FieldType::kId:
      if (!value.is_string()) return WrongKind(path, "an id string", value);
      return CheckUuidV7(value.string_value(), path);
    case FieldType::kEnum: {
      if (!value.is_string()) return WrongKind(path, "a string", value);
      for (const auto& allowed : field.enum_values) {
        if (allowed == value.string_value()) return absl::OkStatus();
      }
      return Invalid(path, absl::StrCat(Quoted(value.string_value()), " is not one of ",
                                        absl::StrJoin(field.enum_values, ", ")));
    }
    case FieldType::kStringList:
    case FieldType::kIdList:
    case FieldType::kStructList:
      return CheckListItems(field, value, path);
    case FieldType::kStruct:
      return CheckStructFields(*field.shape, value, path);
  }
  return absl::OkStatus();
}

absl::Status ValidateAccount(const Record& r) {
  RETURN_IF_ERROR(CheckDeclared(r));
  return NotItself(r, "parent_account_id");
}

absl::Status ValidateContact(const Record& r) { return CheckDeclared(r); }

absl::Status ValidateSite(const Record& r) { return CheckDeclared(r); }

absl::Status ValidateInteraction(const Record& r) {
  RETURN_IF_ERROR(CheckDeclared(r));
  RETURN_IF_ERROR(NotBefore(r, "planned_end", "planned_start"));
  RETURN_IF_ERROR(NotBefore(r, "actual_end", "actual_start"));
  if (Has(r, "check_out") && !Has(r, "check_in")) {
    return Invalid("interaction.check_out", "set without check_in");
  }
  return absl::OkStatus();
}

absl::Status ValidateOpportunity(const Record& r) {
  RETURN_IF_ERROR(CheckDeclared(r));
  RETURN_IF_ERROR(
      RequiredWhen(r, "lost_reason", Is(r, "stage", "closed_lost"), "stage is closed_lost"));
  return RequiredWhen(r, "currency", Has(r, "amount_minor"), "amount_minor is set");
}

absl::Status ValidateProduct(const Record& r) {
  RETURN_IF_ERROR(CheckDeclared(r));
  const Value& related = r.Get("related_product_ids");
  if (related.is_list()) {
    for (const Value& id : related.list_value()) {
      if (id.string_value() == r.id) {
        return Invalid("product.related_product_ids", "lists the product itself");
      }
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateOrder(const Record& r) {
  RETURN_IF_ERROR(CheckDeclared(r));
  const bool draft = Is(r, "status", "draft") || Is(r, "status", "cancelled");
  RETURN_IF_ERROR(RequiredWhen(r, "lines", !draft, "the order is not a draft"));
  const Value& total = r.Get("total_minor");
  if (total.is_int() && Has(r, "lines")) {
    const int64_t expected = LineItemsTotalMinor(r.Get("lines"));
    if (total.int_value() != expected) {
      return Invalid("order.total_minor",
                     absl::StrCat(total.int_value(), " does not match the lines (", expected, ")"));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateCase(const Record& r) {
  RETURN_IF_ERROR(CheckDeclared(r));
  RETURN_IF_ERROR(RequiredWhen(r, "resolution",
                               Is(r, "status", "resolved") || Is(r, "status", "closed"),
                               "status is resolved or closed"));
  return NotBefore(r, "sla_resolution_due", "sla_response_due");
}

absl::Status ValidateServiceTask(const Record& r) {
  RETURN_IF_ERROR(CheckDeclared(r));
  RETURN_IF_ERROR(NotBefore(r, "window_end", "window_start"));
  const auto status = ParseTaskStatus(r.Get("status").string_value());
  const bool needs_assignee =
      status && *status != TaskStatus::kNew && *status != TaskStatus::kCancelled;
  RETURN_IF_ERROR(RequiredWhen(r, "assignee_id", needs_assignee,
                               absl::StrCat("status is ", r.Get("status").string_value())));
  return CheckChecklist(r, /*must_be_complete=*/status == TaskStatus::kDone);
}

absl::Status ValidateCampaign(const Record& r) {
  RETURN_IF_ERROR(CheckDeclared(r));
  return NotBefore(r, "period_end", "period_start");
}

absl::Status ValidateCampaignTarget(const Record& r) { return CheckDeclared(r); }

absl::Status ValidateCompetitorNote(const Record& r) {
  RETURN_IF_ERROR(CheckDeclared(r));
  return RequiredWhen(r, "currency", Has(r, "price_seen_minor"), "price_seen_minor is set");
}

absl::Status ValidateUser(const Record& r) { return CheckDeclared(r); }

absl::Status ValidateTerritory(const Record& r) {
  RETURN_IF_ERROR(CheckDeclared(r));
  return NotItself(r, "parent_id");
}

absl::Status ValidateRecord(const Record& record) {
  const EntitySpec& spec = Spec(record.entity);
  RETURN_IF_ERROR(spec.validate(record));
  // After the field rules, which name a field that is too long; this bounds the whole.
  if (const int64_t size = EncodedSizeBound(record); size > kMaxRecordBytes) {
    return Invalid(spec.name, absl::StrCat("the record would take ", size, " bytes, at most ",
                                           kMaxRecordBytes));
  }
  return absl::OkStatus();
}

}  // namespace mcrm
