#include "mcrm/service_task_state.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <utility>

namespace mcrm {
namespace {

using S = TaskStatus;

// Every allowed transition; every other pair of distinct statuses must be refused.
const std::set<std::pair<S, S>>& Allowed() {
  static const auto* const kAllowed = new std::set<std::pair<S, S>>{
      {S::kNew, S::kAssigned},           {S::kAssigned, S::kAccepted},
      {S::kAccepted, S::kEnRoute},       {S::kEnRoute, S::kOnSite},
      {S::kEnRoute, S::kCannotComplete}, {S::kOnSite, S::kDone},
      {S::kOnSite, S::kCannotComplete},  {S::kNew, S::kCancelled},
      {S::kAssigned, S::kCancelled},     {S::kAccepted, S::kCancelled},
      {S::kEnRoute, S::kCancelled},      {S::kOnSite, S::kCancelled},
  };
  return *kAllowed;
}

TEST(TaskStateMachine, AllowsExactlyTheDocumentedTransitions) {
  const auto& names = TaskStatusNames();
  ASSERT_EQ(names.size(), 8u);
  int allowed = 0, refused = 0;
  for (size_t f = 0; f < names.size(); ++f) {
    for (size_t t = 0; t < names.size(); ++t) {
      const auto from = static_cast<S>(f);
      const auto to = static_cast<S>(t);
      const bool want = Allowed().contains({from, to});
      EXPECT_EQ(IsAllowedTransition(from, to), want) << names[f] << " -> " << names[t];
      const absl::Status status = CheckTaskTransition(from, to);
      if (from == to) {
        EXPECT_TRUE(status.ok()) << "staying put is not a transition: " << names[f];
      } else if (want) {
        EXPECT_TRUE(status.ok()) << names[f] << " -> " << names[t];
        ++allowed;
      } else {
        EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
        EXPECT_EQ(status.message(),
                  "service_task.status: cannot go from " + names[f] + " to " + names[t]);
        ++refused;
      }
    }
  }
  EXPECT_EQ(allowed, 12);
  EXPECT_EQ(refused, 8 * 7 - 12);
}

TEST(TaskStateMachine, FinalStatesHaveNoWayOut) {
  for (S final_status : {S::kDone, S::kCannotComplete, S::kCancelled}) {
    EXPECT_TRUE(IsFinal(final_status));
    for (size_t t = 0; t < TaskStatusNames().size(); ++t) {
      EXPECT_FALSE(IsAllowedTransition(final_status, static_cast<S>(t)));
    }
  }
}

TEST(TaskStateMachine, NamesRoundTrip) {
  for (size_t i = 0; i < TaskStatusNames().size(); ++i) {
    const auto parsed = ParseTaskStatus(TaskStatusNames()[i]);
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(TaskStatusName(*parsed), TaskStatusNames()[i]);
  }
  EXPECT_FALSE(ParseTaskStatus("paused").has_value());
}

}  // namespace
}  // namespace mcrm
