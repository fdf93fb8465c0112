#include "push_hub.h"

namespace mcrm::server {

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

void PushHub::Notify(const std::vector<Audience>& audiences) {
  absl::MutexLock lock(&mutex_);
  for (PokeTarget* target : targets_) {
    for (const Audience& audience : audiences) {
      if (AudienceIncludes(target->caller(), audience)) {
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
