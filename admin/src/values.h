// Field values as a dispatcher types them on a command line, and back: "field=value" arguments
// become mcrm.v1.Value by the type the server's schema (DescribeSchema) gives the field, so that
// nobody needs to know which oneof member a field travels in.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "mcrm/v1/back_office.pb.h"

namespace mcrm::admin {

// "field=value", split at its first '=' (a value may hold '=' itself).
struct Assignment {
  std::string field;
  std::string value;
};

// "" when `arg` has the form FIELD=VALUE with a field name before the '=', else why not; for the
// argument parser, so that a malformed argument is a usage error before anything is sent.
std::string CheckAssignmentSyntax(const std::string& arg);
Assignment SplitAssignment(absl::string_view arg);

// The schema as the server describes it. INVALID_ARGUMENT naming the unknown name and listing
// the known ones.
absl::StatusOr<const v1::EntityDescription*> EntityNamed(const v1::DescribeSchemaResponse& schema,
                                                         absl::string_view name);
absl::StatusOr<const v1::FieldDescription*> FieldNamed(const v1::EntityDescription& entity,
                                                       absl::string_view name);
// nullptr when the entity has no field of that number (a field of a newer schema).
const v1::FieldDescription* FieldByNumber(const v1::EntityDescription& entity, uint32_t number);

// The field's type with underscores ("string_list"): the server names some types with a space
// ("string list"), the proto comment with an underscore; both are accepted everywhere here.
std::string TypeOf(const v1::FieldDescription& field);
// True for string_list, id_list and struct_list.
bool IsListType(absl::string_view type);

// The value `text` stands for in `field`:
//   ""                          clears the field (a Value with nothing set)
//   int                         a whole number: 42, -7
//   double                      3.25
//   bool                        true/false, yes/no, 1/0
//   timestamp                   ISO 8601 with a zone (2024-05-01T09:30:00+02:00, ...Z), a date
//                               alone (midnight UTC), or ms since the Unix epoch
//   string, text, date, id      as typed (the server checks dates and ids)
//   enum                        one of the field's enum values
//   string_list, id_list        comma-separated (a, b, c) or a JSON array (["a, with comma"])
//   struct                      a JSON object of its members ({"city": "Graz"})
//   struct_list                 a JSON array of such objects (one object alone is a list of one)
// INVALID_ARGUMENT naming the field (and the member or item) and what was expected.
absl::StatusOr<v1::Value> ParseFieldValue(const v1::FieldDescription& field,
                                          absl::string_view text);

// OK when `text` is an id; else INVALID_ARGUMENT naming `path` that says where the id of the
// `entity` meant is found: a login or a name typed where an id belongs.
absl::Status CheckIdArgument(absl::string_view path, absl::string_view text,
                             absl::string_view entity);

// The value of a condition on `field`: one item of it for a `contains` condition on a list
// field, else as ParseFieldValue ("" meaning "is not set").
absl::StatusOr<v1::Value> ParseConditionValue(const v1::FieldDescription& field, bool contains,
                                              absl::string_view text);

// FIELD=VALUE arguments as the named fields of a CreateRecord or UpdateRecord of `entity`.
// INVALID_ARGUMENT naming the first unknown field, a field given twice or a value that does not
// fit its field.
absl::Status ParseAssignments(const v1::EntityDescription& entity,
                              const std::vector<std::string>& args,
                              google::protobuf::Map<std::string, v1::Value>* out);

// A value as text for people, by its field when known (nullptr: by what the value holds):
// timestamps in ISO 8601 UTC, lists comma-separated, structs as JSON; what ParseFieldValue reads
// back, so a value can be copied from `get` into `update`. Nothing set: "".
std::string ValueText(const v1::FieldDescription* field, const v1::Value& value);

// ISO 8601 (with a zone, or a date alone as midnight UTC) or ms since the Unix epoch, to ms.
absl::StatusOr<int64_t> ParseTimestamp(absl::string_view text);
// "2024-05-01T07:30:00Z", with ".mmm" when the ms are not zero.
std::string FormatTimestamp(int64_t unix_ms);

}  // namespace mcrm::admin
