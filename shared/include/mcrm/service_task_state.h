// The service-task status state machine: which status changes a work order may make.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace mcrm {

//   new -> assigned -> accepted -> en_route -> on_site -> done
//                                      |           \--> cannot_complete
//                                      \--> cannot_complete (site unreachable)
//   any of new, assigned, accepted, en_route, on_site -> cancelled
// done, cannot_complete and cancelled are final.
enum class TaskStatus {
  kNew,
  kAssigned,
  kAccepted,
  kEnRoute,
  kOnSite,
  kDone,
  kCannotComplete,
  kCancelled,
};

// Wire names in state-machine order: "new", "assigned", ..., "cancelled".
const std::vector<std::string>& TaskStatusNames();
absl::string_view TaskStatusName(TaskStatus status);
std::optional<TaskStatus> ParseTaskStatus(absl::string_view name);

bool IsFinal(TaskStatus status);

// True when a task may go from `from` to `to`. Staying in the same status is not a transition.
bool IsAllowedTransition(TaskStatus from, TaskStatus to);

// OK when allowed (or unchanged); otherwise FAILED_PRECONDITION naming both statuses, e.g.
// "service_task.status: cannot go from done to en_route".
absl::Status CheckTaskTransition(TaskStatus from, TaskStatus to);

}  // namespace mcrm
