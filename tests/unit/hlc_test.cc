#include "mcrm/hlc.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace mcrm {
namespace {

using ::testing::HasSubstr;

// A wall clock the test sets by hand.
struct FakeWall {
  int64_t ms = 1793696400000;
  std::function<int64_t()> Fn() {
    return [this] { return ms; };
  }
};

TEST(HybridClock, FollowsTheWallClockWhenItMovesForward) {
  FakeWall wall;
  HybridClock clock("dev-a", wall.Fn());
  const HlcTimestamp first = clock.Now();
  EXPECT_EQ(first.wall_ms, wall.ms);
  EXPECT_EQ(first.logical, 0u);
  EXPECT_EQ(first.node, "dev-a");
  wall.ms += 5;
  const HlcTimestamp second = clock.Now();
  EXPECT_EQ(second.wall_ms, wall.ms);
  EXPECT_EQ(second.logical, 0u);
}

TEST(HybridClock, StaysMonotonicWhenTheWallClockJumpsBackwards) {
  FakeWall wall;
  HybridClock clock("dev-a", wall.Fn());
  HlcTimestamp previous = clock.Now();
  const int64_t high = wall.ms;
  wall.ms -= 3600 * 1000;  // an hour back (NTP correction, user edit)
  for (int i = 0; i < 1000; ++i) {
    const HlcTimestamp next = clock.Now();
    ASSERT_GT(next, previous) << i;
    ASSERT_EQ(next.wall_ms, high) << "wall part must hold at the high-water mark";
    previous = next;
    wall.ms += 1;
  }
  wall.ms = high + 10;
  const HlcTimestamp caught_up = clock.Now();
  EXPECT_EQ(caught_up.wall_ms, high + 10);
  EXPECT_EQ(caught_up.logical, 0u);
  EXPECT_GT(caught_up, previous);
}

TEST(HybridClock, MergesOnReceive) {
  struct Case {
    const char* name;
    int64_t local_last_wall;  // wall of the local clock's last reading
    uint32_t local_last_logical;
    int64_t physical;  // our wall clock at receive
    HlcTimestamp remote;
    int64_t want_wall;
    uint32_t want_logical;
  };
  const int64_t t = 1793696400000;
  const Case cases[] = {
      {"physical ahead of both", t, 3, t + 10, {t + 5, 7, "b"}, t + 10, 0},
      {"remote ahead", t, 3, t, {t + 5, 7, "b"}, t + 5, 8},
      {"local ahead", t + 5, 3, t, {t, 9, "b"}, t + 5, 4},
      {"tie on wall", t + 5, 3, t, {t + 5, 9, "b"}, t + 5, 10},
      {"tie on wall, local counter larger", t + 5, 12, t, {t + 5, 9, "b"}, t + 5, 13},
  };
  for (const auto& c : cases) {
    FakeWall wall;
    wall.ms = c.local_last_wall;
    HybridClock clock("a", wall.Fn());
    clock.Now();  // logical 0 at local_last_wall
    for (uint32_t i = 0; i < c.local_last_logical; ++i) clock.Now();
    ASSERT_EQ(clock.Last().logical, c.local_last_logical) << c.name;
    wall.ms = c.physical;
    auto merged = clock.Observe(c.remote);
    ASSERT_TRUE(merged.ok()) << c.name << ": " << merged.status();
    EXPECT_EQ(merged->wall_ms, c.want_wall) << c.name;
    EXPECT_EQ(merged->logical, c.want_logical) << c.name;
    EXPECT_GT(*merged, c.remote) << c.name;
    EXPECT_GT(clock.Now(), *merged) << c.name;
  }
}

TEST(HybridClock, RefusesATimestampFarAheadOfItsWallClock) {
  FakeWall wall;
  HybridClock clock("server", wall.Fn(), /*max_drift_ms=*/60000);
  const HlcTimestamp before = clock.Now();
  auto merged = clock.Observe(HlcTimestamp{wall.ms + 3600000, 0, "phone-with-wrong-clock"});
  ASSERT_FALSE(merged.ok());
  EXPECT_EQ(merged.status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_THAT(std::string(merged.status().message()), HasSubstr("3600000 ms ahead"));
  EXPECT_EQ(clock.Last(), before) << "a refused timestamp must not move the clock";
}

TEST(HlcTimestamp, OrdersByWallThenLogicalThenNode) {
  const HlcTimestamp a{10, 0, "b"};
  const HlcTimestamp b{10, 1, "a"};
  const HlcTimestamp c{11, 0, "a"};
  const HlcTimestamp d{11, 0, "b"};
  EXPECT_LT(a, b);
  EXPECT_LT(b, c);
  EXPECT_LT(c, d);
  EXPECT_EQ(d.ToString(), "11.0@b");
}

TEST(HybridClock, MovesToTheNextMillisecondWhenTheCounterIsExhausted) {
  FakeWall wall;
  HybridClock clock("a", wall.Fn());
  auto merged = clock.Observe(HlcTimestamp{wall.ms, 0xFFFFFFFFu, "b"});
  ASSERT_TRUE(merged.ok());
  EXPECT_EQ(merged->wall_ms, wall.ms + 1);
  EXPECT_EQ(merged->logical, 0u);
}

}  // namespace
}  // namespace mcrm
