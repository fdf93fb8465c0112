// The rules about a change against the record it changes that need nothing only the server knows
// (versions, field stamps, tombstones, who may see what). The server's merge and the device's
// local write both run them, so a device refuses offline, with the same code and message, what
// the server would refuse hours later. The rules on a change alone are ValidateChangeSet's; the
// rules on a record alone are ValidateRecord's, which these include.
#pragma once

#include "absl/status/status.h"
#include "mcrm/change_set.h"
#include "mcrm/record.h"
#include "mcrm/service_task_state.h"

namespace mcrm {

// The record an upsert `change` makes of `before` (nullptr for a create, which starts from the
// change's entity and id): before's fields with the changed ones laid on. No checks, no metadata
// beyond before's.
Record RecordAfterChange(const Record* before, const ChangeSet& change);

// OK when `existing` (a record that exists under the change's id) is of the change's entity;
// otherwise INVALID_ARGUMENT "service_task <id>: that id belongs to a account".
absl::Status CheckSameEntity(const Record& existing, const ChangeSet& change);

// Checks an upsert `change` against `before`, the record it changes (nullptr for a create), given
// `after`, the record as the change leaves it: RecordAfterChange, or for the server's merge the
// merged record, in which a field that lost its conflict keeps the stored value. In this order:
// - `before` is of the change's entity (CheckSameEntity);
// - a change that leaves the fields as they were breaks no rule: nothing is checked;
// - a new service task starts as new or assigned (FAILED_PRECONDITION
//   "service_task.status: a new task starts as new or assigned, not done");
// - a service task's status step from `before` to `after` is allowed by the state machine
//   (FAILED_PRECONDITION "service_task.status: cannot go from done to en_route");
// - `after` passes its entity's validation (ValidateRecord: INVALID_ARGUMENT naming the field).
absl::Status ValidateChangeToRecord(const Record* before, const ChangeSet& change,
                                    const Record& after);

// True when the rules of `field` of `entity` look at the step from its old value, not only at the
// result: a service task's status. Two changes of such a field are never folded into one
// mutation (a device's outbox keeps them apart), since the folded step may be refused where each
// step was allowed (accepted -> en_route -> on_site folded is accepted -> on_site).
bool RuleChecksTheStep(EntityType entity, uint32_t field);

// The task status a value of service_task.status names (nullopt for null or an unknown name).
std::optional<TaskStatus> TaskStatusOf(const Value& status);

}  // namespace mcrm
