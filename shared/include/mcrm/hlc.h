// Hybrid logical clock: timestamps that follow wall time yet never go backwards, and that order
// causally related events across devices and the server (Kulkarni et al., 2014).
#pragma once

#include <compare>
#include <cstdint>
#include <functional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"

namespace mcrm {

// One HLC reading. Ordered by wall time, then the logical counter, then the node id, so that
// two different nodes never produce equal timestamps and last-writer-wins is deterministic.
struct HlcTimestamp {
  int64_t wall_ms = 0;   // milliseconds since the Unix epoch (the largest wall time seen)
  uint32_t logical = 0;  // counts events within one wall_ms
  std::string node;      // the device or server that made the reading

  bool is_zero() const { return wall_ms == 0 && logical == 0 && node.empty(); }
  // "wall_ms.logical@node", for logs and conflict records.
  std::string ToString() const;

  friend auto operator<=>(const HlcTimestamp&, const HlcTimestamp&) = default;
};

// The one rule for a node id: a device id (given at sign-in, and the node of the device's clock)
// or a server's id. 1 to kMaxNodeIdLength visible ASCII characters, so that an id is the same
// string in every store and cannot swell the records that carry it. INVALID_ARGUMENT naming
// `path` otherwise.
inline constexpr size_t kMaxNodeIdLength = 128;
absl::Status CheckNodeId(absl::string_view id, absl::string_view path);

// A node's clock. The wall clock is a function the caller provides, so tests can make it jump.
class HybridClock {
 public:
  // How far ahead of our wall clock a received timestamp may be before Observe refuses it.
  static constexpr int64_t kDefaultMaxDriftMs = 5 * 60 * 1000;

  HybridClock(std::string node, std::function<int64_t()> wall_ms,
              int64_t max_drift_ms = kDefaultMaxDriftMs);

  // A timestamp for a local event (a local write, a message sent): greater than every timestamp
  // this clock has issued or observed, even when the wall clock has stepped back.
  HlcTimestamp Now();

  // Merges a timestamp received from another node and returns one greater than both it and all
  // earlier readings. Refuses (OUT_OF_RANGE, clock unchanged) a remote timestamp more than the
  // maximum drift ahead of our wall clock: one device with a wrong clock must not drag every
  // clock into the future.
  absl::StatusOr<HlcTimestamp> Observe(const HlcTimestamp& remote);

  // The last timestamp issued (zero before the first).
  HlcTimestamp Last() const;

 private:
  HlcTimestamp Advance(int64_t wall, uint64_t logical) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);

  const std::string node_;
  const std::function<int64_t()> wall_ms_;
  const int64_t max_drift_ms_;
  mutable absl::Mutex mutex_;
  int64_t last_wall_ ABSL_GUARDED_BY(mutex_) = 0;
  uint32_t last_logical_ ABSL_GUARDED_BY(mutex_) = 0;
};

}  // namespace mcrm
