#include "mcrm/change_set.h"

#include "absl/strings/str_cat.h"
#include "mcrm/status_macros.h"
#include "mcrm/utf8.h"
#include "mcrm/uuid.h"
#include "mcrm/validation.h"

namespace mcrm {
namespace {

// Struct members the schema does not name. A server, the newest reader of the schema, refuses
// them as it refuses unknown field numbers: nothing else bounds what they hold.
absl::Status CheckNoUnknownMembers(const FieldSpec& field, const Value& value,
                                   absl::string_view path) {
  if (field.shape == nullptr) return absl::OkStatus();
  if (value.is_list()) {
    for (size_t i = 0; i < value.list_value().size(); ++i) {
      RETURN_IF_ERROR(
          CheckNoUnknownMembers(field, value.list_value()[i], absl::StrCat(path, "[", i, "]")));
    }
    return absl::OkStatus();
  }
  if (!value.is_struct()) return absl::OkStatus();
  for (const auto& [name, member] : value.struct_value()) {
    const FieldSpec* sub = field.shape->Field(name);
    if (sub == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(path, ": member ", Quoted(name), " is not in ",
                                                     field.shape->name, " of schema version ",
                                                     kSchemaVersion));
    }
    RETURN_IF_ERROR(CheckNoUnknownMembers(*sub, member, absl::StrCat(path, ".", name)));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateChangeSet(const ChangeSet& change, ChangeOrigin origin, bool allow_unknown) {
  const EntitySpec& spec = Spec(change.entity);
  RETURN_IF_ERROR(CheckUuidV7(change.mutation_id, "mutation_id"));
  RETURN_IF_ERROR(CheckUuidV7(change.record_id, absl::StrCat(spec.name, ".id")));
  if (change.base_version < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("base_version: ", change.base_version, " is negative"));
  }
  if (change.hlc.wall_ms <= 0 || change.hlc.node.empty()) {
    return absl::InvalidArgumentError("hlc: missing (wall_ms and node are required)");
  }
  // The node travels with the record to everyone who sees it: bounded like a device id.
  RETURN_IF_ERROR(CheckNodeId(change.hlc.node, "hlc.node"));
  if (change.op == ChangeSet::Op::kDelete) {
    if (!change.changed.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(spec.name, ": a delete carries no fields"));
    }
    if (change.base_version == 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(spec.name, ": a delete needs the base_version of the record it deletes"));
    }
    return absl::OkStatus();
  }
  if (change.changed.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(spec.name, ": the change has no fields"));
  }
  for (const auto& [number, value] : change.changed) {
    const FieldSpec* field = spec.Field(number);
    if (field == nullptr) {
      if (allow_unknown) continue;
      return absl::InvalidArgumentError(absl::StrCat(spec.name, ": field ", number,
                                                     " is not in schema version ", kSchemaVersion));
    }
    const std::string path = absl::StrCat(spec.name, ".", field->name);
    if (field->server_computed && origin == ChangeOrigin::kDevice) {
      return absl::PermissionDeniedError(
          absl::StrCat(path, ": computed by the server, read-only on devices"));
    }
    if (field->required && value.IsEmpty()) {
      return absl::InvalidArgumentError(absl::StrCat(path, ": required, cannot be cleared"));
    }
    RETURN_IF_ERROR(ValidateFieldValue(*field, value, path));
    if (!allow_unknown) RETURN_IF_ERROR(CheckNoUnknownMembers(*field, value, path));
  }
  return absl::OkStatus();
}

void ApplyChangedFields(const ChangeSet& change, FieldMap& fields) {
  for (const auto& [number, value] : change.changed) {
    if (value.is_null()) {
      fields.erase(number);
    } else {
      fields[number] = value;
    }
  }
}

}  // namespace mcrm
