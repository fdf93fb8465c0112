#include "mcrm/backoff.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"

namespace mcrm {

absl::Status ValidateBackoffPolicy(const BackoffPolicy& policy) {
  if (policy.initial <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("backoff: initial delay must be positive");
  }
  if (policy.ceiling < policy.initial) {
    return absl::InvalidArgumentError(
        absl::StrCat("backoff: ceiling (", absl::FormatDuration(policy.ceiling),
                     ") is below the initial delay (", absl::FormatDuration(policy.initial), ")"));
  }
  if (!(policy.multiplier >= 1.0) || !std::isfinite(policy.multiplier)) {
    return absl::InvalidArgumentError(
        absl::StrCat("backoff: multiplier must be at least 1, got ", policy.multiplier));
  }
  if (!(policy.jitter >= 0.0 && policy.jitter <= 1.0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("backoff: jitter must lie in [0, 1], got ", policy.jitter));
  }
  return absl::OkStatus();
}

absl::Duration BackoffDelay(const BackoffPolicy& policy, int attempt, double unit_random) {
  attempt = std::max(attempt, 1);
  // Grow in floating point seconds and clamp before converting, so a long outage (attempt 200)
  // cannot overflow into a negative or infinite wait.
  const double ceiling = absl::ToDoubleSeconds(policy.ceiling);
  double seconds = absl::ToDoubleSeconds(policy.initial);
  for (int i = 1; i < attempt && seconds < ceiling; ++i) seconds *= policy.multiplier;
  seconds = std::min(seconds, ceiling);
  const double r = std::clamp(unit_random, 0.0, 1.0);
  return absl::Seconds(seconds * (1.0 - policy.jitter * r));
}

}  // namespace mcrm
