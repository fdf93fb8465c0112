#include "mcrm/backoff.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace mcrm {
namespace {

using ::testing::HasSubstr;

TEST(BackoffDelay, GrowsExponentiallyUpToTheCeilingWithJitterBelowTheNominalDelay) {
  const BackoffPolicy policy{.initial = absl::Milliseconds(500),
                             .multiplier = 2.0,
                             .ceiling = absl::Seconds(60),
                             .jitter = 0.5};
  struct Case {
    int attempt;
    double random;
    absl::Duration want;
  };
  const Case cases[] = {
      {1, 0.0, absl::Milliseconds(500)},  // no jitter drawn: the nominal delay
      {1, 0.5, absl::Milliseconds(375)},  // a quarter off
      {1, 0.999999, absl::Microseconds(250000.25)},
      {2, 0.0, absl::Seconds(1)},
      {3, 0.0, absl::Seconds(2)},
      {8, 0.0, absl::Seconds(60)},        // 64 s nominal, held at the ceiling
      {200, 0.0, absl::Seconds(60)},      // a long outage does not overflow
      {200, 0.5, absl::Seconds(45)},      // and keeps its jitter at the ceiling
      {0, 0.0, absl::Milliseconds(500)},  // attempt numbers below 1 count as the first
      {-3, 0.0, absl::Milliseconds(500)},
  };
  for (const Case& c : cases) {
    const absl::Duration got = BackoffDelay(policy, c.attempt, c.random);
    EXPECT_LE(absl::AbsDuration(got - c.want), absl::Microseconds(1))
        << "attempt " << c.attempt << " random " << c.random << ": got " << got << ", want "
        << c.want;
  }
}

TEST(BackoffDelay, JitterSpreadsDevicesThatFailedTogether) {
  const BackoffPolicy policy;
  const absl::Duration a = BackoffDelay(policy, 4, 0.1);
  const absl::Duration b = BackoffDelay(policy, 4, 0.9);
  EXPECT_GT(a - b, absl::Seconds(1)) << "two draws one second or more apart at attempt 4";
  const BackoffPolicy none{.jitter = 0.0};
  EXPECT_EQ(BackoffDelay(none, 4, 0.1), BackoffDelay(none, 4, 0.9));
}

TEST(ValidateBackoffPolicy, NamesTheBadSetting) {
  struct Case {
    BackoffPolicy policy;
    const char* message;  // nullptr: valid
  };
  const Case cases[] = {
      {BackoffPolicy{}, nullptr},
      {BackoffPolicy{.initial = absl::ZeroDuration()}, "initial delay must be positive"},
      {BackoffPolicy{.initial = absl::Seconds(10), .ceiling = absl::Seconds(5)},
       "ceiling (5s) is below the initial delay (10s)"},
      {BackoffPolicy{.multiplier = 0.5}, "multiplier must be at least 1, got 0.5"},
      {BackoffPolicy{.jitter = 1.5}, "jitter must lie in [0, 1], got 1.5"},
      {BackoffPolicy{.jitter = -0.1}, "jitter must lie in [0, 1], got -0.1"},
  };
  for (const Case& c : cases) {
    const absl::Status status = ValidateBackoffPolicy(c.policy);
    if (c.message == nullptr) {
      EXPECT_TRUE(status.ok()) << status;
    } else {
      EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
      EXPECT_THAT(status.message(), HasSubstr(c.message));
    }
  }
}

}  // namespace
}  // namespace mcrm
