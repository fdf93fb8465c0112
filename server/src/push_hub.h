// Keeps the open Subscribe streams and pokes those whose scope a commit touched.
#pragma once

#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/synchronization/mutex.h"
#include "auth.h"

namespace mcrm::server {

// Whom a committed change concerns, in scope terms.
struct ScopeTouch {
  bool everyone = false;  // catalogue, campaigns, territories
  std::string owner_id;
  std::string territory_id;
  std::string assignee_id;
};

// A stream that can be poked. Implemented by the gRPC Subscribe reactor.
class PokeTarget {
 public:
  virtual ~PokeTarget() = default;
  virtual const Caller& caller() const = 0;
  // Must not block: coalesces with a poke already on its way.
  virtual void Poke() = 0;
  // Ends the stream (server shutdown).
  virtual void End() = 0;
};

class PushHub {
 public:
  void Add(PokeTarget* target);
  void Remove(PokeTarget* target);
  // Pokes every stream whose caller sees one of `touches`.
  void Notify(const std::vector<ScopeTouch>& touches);
  // Ends every stream, so that a shutdown does not wait for them.
  void EndAll();
  size_t size() const;

 private:
  mutable absl::Mutex mutex_;
  absl::flat_hash_set<PokeTarget*> targets_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace mcrm::server
