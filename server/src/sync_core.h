// The sync service's domain work, free of gRPC: applying a device's batch of mutations exactly
// once through the write path, and serving pages of changes in the caller's scope.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "auth.h"
#include "mcrm/hlc.h"
#include "mcrm/v1/sync.pb.h"
#include "push_hub.h"
#include "store/store.h"
#include "write_path.h"

namespace mcrm::server {

class SyncCore {
 public:
  static constexpr int kMaxMutationsPerPush = 1000;
  static constexpr int kDefaultPullLimit = 1000;
  static constexpr int kMaxPullLimit = 5000;
  static constexpr size_t kMaxCursorLength = 256;

  using CommitListener = WritePath::CommitListener;

  // `on_commit` runs after a push (or any other write through write_path()) committed changes,
  // with whom they concern (the push hub pokes subscribers from it).
  SyncCore(Store& store, HybridClock& clock, std::function<int64_t()> now_ms,
           CommitListener on_commit = nullptr);

  // One result per mutation, in order. A rejected mutation does not stop the others; a retried
  // mutation id returns its stored result and changes nothing. The call itself fails only for a
  // malformed request (INVALID_ARGUMENT: oversize batch) or an unreachable store (UNAVAILABLE).
  // INVALID_ARGUMENT for more than kMaxMutationsPerPush mutations in one push.
  static absl::Status CheckBatchSize(int mutations);

  // `unreadable[i]`, when given and not OK, says why mutation i did not parse (its slot in
  // `mutations` is then empty): it is refused with that status, the others go on.
  absl::StatusOr<v1::PushResponse> Push(
      const Caller& caller, const google::protobuf::RepeatedPtrField<v1::Mutation>& mutations,
      absl::Span<const absl::Status> unreadable = {});

  // The encoded mcrm.v1.PullResponse: stored records are copied in, never parsed. A page that
  // ends the pull records the device's sync, with the `unsent_changes` it reported.
  absl::StatusOr<std::string> Pull(const Caller& caller, absl::string_view cursor, uint32_t limit,
                                   int64_t unsent_changes = 0);

  absl::StatusOr<v1::ListConflictsResponse> ListConflicts(const Caller& caller,
                                                          const v1::ListConflictsRequest& request);

  // The write path a push goes through; every other origin (back office, import, server jobs)
  // writes through it too.
  WritePath& write_path() { return writes_; }

 private:
  Store& store_;
  WritePath writes_;
};

}  // namespace mcrm::server
