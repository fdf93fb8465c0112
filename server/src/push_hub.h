// Keeps the open Subscribe streams and pokes those whose scope a commit touched.
#pragma once

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "mcrm/scope_rule.h"

namespace mcrm::server {

// A stream that can be poked. Implemented by the gRPC Subscribe reactor.
class PokeTarget {
 public:
  virtual ~PokeTarget() = default;
  virtual const Caller& caller() const = 0;
  // Must not block: coalesces with a poke already on its way.
  virtual void Poke() = 0;
  // Ends the stream with `status`: OK at a server shutdown, the revoked answer for a revoked
  // device (whose stream then carries the trailer that makes the device wipe itself).
  virtual void End(const absl::Status& status) = 0;
};

class PushHub {
 public:
  // Registers an open stream. Answers, without registering it, the status the stream's device
  // was ended with (EndDevice) when that happened, even just before: the stream must end so.
  absl::Status Add(PokeTarget* target);
  void Remove(PokeTarget* target);
  // Pokes every stream whose caller is in one of `audiences` (the scope rule's AudienceIncludes).
  void Notify(const std::vector<Audience>& audiences);
  // Ends every stream, so that a shutdown does not wait for them.
  void EndAll();
  // Ends the streams of a device with `status` (a revocation), and every stream it opens later.
  void EndDevice(absl::string_view device_id, const absl::Status& status);
  size_t size() const;

 private:
  mutable absl::Mutex mutex_;
  absl::flat_hash_set<PokeTarget*> targets_ ABSL_GUARDED_BY(mutex_);
  absl::flat_hash_map<std::string, absl::Status> ended_devices_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace mcrm::server
