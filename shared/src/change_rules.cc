#include "mcrm/change_rules.h"

#include <optional>

#include "absl/strings/str_cat.h"
#include "mcrm/schema.h"
#include "mcrm/service_task_state.h"
#include "mcrm/status_macros.h"
#include "mcrm/validation.h"

namespace mcrm {
std::optional<TaskStatus> TaskStatusOf(const Value& status) {
  return status.is_string() ? ParseTaskStatus(status.string_value()) : std::nullopt;
}

bool RuleChecksTheStep(EntityType entity, uint32_t field) {
  static const uint32_t kTaskStatus = Spec(EntityType::kServiceTask).FieldByName("status")->number;
  return entity == EntityType::kServiceTask && field == kTaskStatus;
}

Record RecordAfterChange(const Record* before, const ChangeSet& change) {
  Record after;
  if (before != nullptr) {
    after = *before;
  } else {
    after.entity = change.entity;
    after.id = change.record_id;
  }
  ApplyChangedFields(change, after.fields);
  return after;
}

absl::Status CheckSameEntity(const Record& existing, const ChangeSet& change) {
  if (existing.entity == change.entity) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(EntityName(change.entity), " ", change.record_id,
                                                 ": that id belongs to a ",
                                                 EntityName(existing.entity)));
}

absl::Status ValidateChangeToRecord(const Record* before, const ChangeSet& change,
                                    const Record& after) {
  if (before != nullptr) {
    RETURN_IF_ERROR(CheckSameEntity(*before, change));
    if (after.fields == before->fields) return absl::OkStatus();
  }
  if (after.entity == EntityType::kServiceTask) {
    const std::optional<TaskStatus> to = TaskStatusOf(after.Get("status"));
    if (before == nullptr) {
      if (to && *to != TaskStatus::kNew && *to != TaskStatus::kAssigned) {
        return absl::FailedPreconditionError(
            absl::StrCat("service_task.status: a new task starts as new or assigned, not ",
                         TaskStatusName(*to)));
      }
    } else if (const std::optional<TaskStatus> from = TaskStatusOf(before->Get("status"));
               from && to) {
      RETURN_IF_ERROR(CheckTaskTransition(*from, *to));
    }
  }
  return ValidateRecord(after);
}

}  // namespace mcrm
