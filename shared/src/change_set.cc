#include "mcrm/change_set.h"

#include "absl/strings/str_cat.h"
#include "mcrm/status_macros.h"
#include "mcrm/uuid.h"
#include "mcrm/validation.h"

namespace mcrm {

absl::Status ValidateChangeSet(const ChangeSet& change, ChangeOrigin origin, bool allow_unknown) {
  const EntitySpec& spec = Spec(change.entity);
  if (!IsUuidV7(change.mutation_id)) {
    return absl::InvalidArgumentError(
        absl::StrCat("mutation_id: \"", change.mutation_id, "\" is not a UUIDv7"));
  }
  if (!IsUuidV7(change.record_id)) {
    return absl::InvalidArgumentError(
        absl::StrCat(spec.name, ".id: \"", change.record_id, "\" is not a UUIDv7"));
  }
  if (change.base_version < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("base_version: ", change.base_version, " is negative"));
  }
  if (change.hlc.wall_ms <= 0 || change.hlc.node.empty()) {
    return absl::InvalidArgumentError("hlc: missing (wall_ms and node are required)");
  }
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
