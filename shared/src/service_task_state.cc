#include "mcrm/service_task_state.h"

#include "absl/strings/str_cat.h"

namespace mcrm {

const std::vector<std::string>& TaskStatusNames() {
  static const std::vector<std::string>* const kNames = new std::vector<std::string>{
      "new", "assigned", "accepted", "en_route", "on_site", "done", "cannot_complete", "cancelled"};
  return *kNames;
}

absl::string_view TaskStatusName(TaskStatus status) {
  return TaskStatusNames()[static_cast<size_t>(status)];
}

std::optional<TaskStatus> ParseTaskStatus(absl::string_view name) {
  const auto& names = TaskStatusNames();
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == name) return static_cast<TaskStatus>(i);
  }
  return std::nullopt;
}

bool IsFinal(TaskStatus status) {
  return status == TaskStatus::kDone || status == TaskStatus::kCannotComplete ||
         status == TaskStatus::kCancelled;
}

bool IsAllowedTransition(TaskStatus from, TaskStatus to) {
  using S = TaskStatus;
  if (from == to || IsFinal(from)) return false;
  if (to == S::kCancelled) return true;
  switch (from) {
    case S::kNew:
      return to == S::kAssigned;
    case S::kAssigned:
      return to == S::kAccepted;
    case S::kAccepted:
      return to == S::kEnRoute;
    case S::kEnRoute:
      return to == S::kOnSite || to == S::kCannotComplete;
    case S::kOnSite:
      return to == S::kDone || to == S::kCannotComplete;
    default:
      return false;
  }
}

absl::Status CheckTaskTransition(TaskStatus from, TaskStatus to) {
  if (from == to || IsAllowedTransition(from, to)) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      "service_task.status: cannot go from ", TaskStatusName(from), " to ", TaskStatusName(to)));
}

}  // namespace mcrm
