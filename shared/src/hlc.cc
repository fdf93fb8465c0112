#include "mcrm/hlc.h"

#include <algorithm>
#include <limits>

#include "absl/strings/str_cat.h"

namespace mcrm {

absl::Status CheckNodeId(absl::string_view id, absl::string_view path) {
  if (id.empty() || id.size() > kMaxNodeIdLength) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": must be 1 to ", kMaxNodeIdLength, " characters, not ", id.size()));
  }
  for (char c : id) {
    if (c <= ' ' || c > '~') {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ": only visible ASCII characters (no spaces or control characters)"));
    }
  }
  return absl::OkStatus();
}

std::string HlcTimestamp::ToString() const {
  return absl::StrCat(wall_ms, ".", logical, "@", node);
}

HybridClock::HybridClock(std::string node, std::function<int64_t()> wall_ms, int64_t max_drift_ms)
    : node_(std::move(node)), wall_ms_(std::move(wall_ms)), max_drift_ms_(max_drift_ms) {}

HlcTimestamp HybridClock::Advance(int64_t wall, uint64_t logical) {
  if (logical > std::numeric_limits<uint32_t>::max()) {
    // The counter is exhausted: move to the next millisecond rather than wrap.
    ++wall;
    logical = 0;
  }
  last_wall_ = wall;
  last_logical_ = static_cast<uint32_t>(logical);
  return HlcTimestamp{wall, last_logical_, node_};
}

HlcTimestamp HybridClock::Now() {
  const int64_t physical = wall_ms_();
  absl::MutexLock lock(&mutex_);
  if (physical > last_wall_) return Advance(physical, 0);
  return Advance(last_wall_, uint64_t{last_logical_} + 1);
}

absl::StatusOr<HlcTimestamp> HybridClock::Observe(const HlcTimestamp& remote) {
  const int64_t physical = wall_ms_();
  if (remote.wall_ms > physical + max_drift_ms_) {
    return absl::OutOfRangeError(absl::StrCat("hlc: timestamp ", remote.ToString(), " is ",
                                              remote.wall_ms - physical,
                                              " ms ahead of this clock (at most ", max_drift_ms_,
                                              " ms allowed); check the sender's clock"));
  }
  absl::MutexLock lock(&mutex_);
  const int64_t wall = std::max({last_wall_, remote.wall_ms, physical});
  if (wall == last_wall_ && wall == remote.wall_ms) {
    return Advance(wall, uint64_t{std::max(last_logical_, remote.logical)} + 1);
  }
  if (wall == last_wall_) return Advance(wall, uint64_t{last_logical_} + 1);
  if (wall == remote.wall_ms) return Advance(wall, uint64_t{remote.logical} + 1);
  return Advance(wall, 0);
}

HlcTimestamp HybridClock::Last() const {
  absl::MutexLock lock(&mutex_);
  if (last_wall_ == 0 && last_logical_ == 0) return HlcTimestamp{};
  return HlcTimestamp{last_wall_, last_logical_, node_};
}

}  // namespace mcrm
