#include "push_hub.h"

#include <algorithm>

namespace mcrm::server {
namespace {

bool Concerns(const Caller& caller, const ScopeTouch& touch) {
  if (touch.everyone || caller.sees_everything()) return true;
  if (!touch.owner_id.empty() && touch.owner_id == caller.user_id) return true;
  if (!touch.assignee_id.empty() && touch.assignee_id == caller.user_id) return true;
  return !touch.territory_id.empty() &&
         std::find(caller.territory_ids.begin(), caller.territory_ids.end(), touch.territory_id) !=
             caller.territory_ids.end();
}

}  // namespace

absl::Status PushHub::Add(PokeTarget* target) {
  absl::MutexLock lock(&mutex_);
  if (auto it = ended_devices_.find(target->caller().device_id); it != ended_devices_.end()) {
    return it->second;
  }
  targets_.insert(target);
  return absl::OkStatus();
}

void PushHub::Remove(PokeTarget* target) {
  absl::MutexLock lock(&mutex_);
  targets_.erase(target);
}

void PushHub::Notify(const std::vector<ScopeTouch>& touches) {
  absl::MutexLock lock(&mutex_);
  for (PokeTarget* target : targets_) {
    for (const ScopeTouch& touch : touches) {
      if (Concerns(target->caller(), touch)) {
        target->Poke();
        break;
      }
    }
  }
}

void PushHub::EndAll() {
  absl::MutexLock lock(&mutex_);
  for (PokeTarget* target : targets_) target->End(absl::OkStatus());
}

void PushHub::EndDevice(absl::string_view device_id, const absl::Status& status) {
  absl::MutexLock lock(&mutex_);
  ended_devices_.insert_or_assign(std::string(device_id), status);
  for (PokeTarget* target : targets_) {
    if (target->caller().device_id == device_id) target->End(status);
  }
}

size_t PushHub::size() const {
  absl::MutexLock lock(&mutex_);
  return targets_.size();
}

}  // namespace mcrm::server
