// How long a device waits before it tries again after a failed sync: exponential growth up to a
// ceiling, with random jitter so that a thousand phones coming out of one tunnel, or reconnecting
// after one server restart, do not all knock at the same instant.
#pragma once

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace mcrm {

struct BackoffPolicy {
  absl::Duration initial = absl::Milliseconds(500);  // before the first retry
  double multiplier = 2.0;                           // growth per failed attempt
  absl::Duration ceiling = absl::Seconds(60);        // never wait longer than this
  // The share of each delay drawn at random: the wait is uniform in [d * (1 - jitter), d].
  double jitter = 0.5;
};

// Checks a policy (positive initial and ceiling, initial <= ceiling, multiplier >= 1, jitter in
// [0, 1]); the message names the bad setting.
absl::Status ValidateBackoffPolicy(const BackoffPolicy& policy);

// The wait before retry number `attempt` (1 = after the first failure), given `unit_random`
// drawn uniformly from [0, 1). Pure: the caller owns the random source.
absl::Duration BackoffDelay(const BackoffPolicy& policy, int attempt, double unit_random);

}  // namespace mcrm
