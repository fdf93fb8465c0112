// mcrm-admin's progress bar (admin/src/progress.h), on a clock the test moves.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "progress.h"

namespace mcrm::admin {
namespace {

using std::chrono::seconds;

TEST(Progress, NumbersHaveThousandsSeparators) {
  EXPECT_EQ(WithThousands(0), "0");
  EXPECT_EQ(WithThousands(999), "999");
  EXPECT_EQ(WithThousands(1000), "1,000");
  EXPECT_EQ(WithThousands(12400), "12,400");
  EXPECT_EQ(WithThousands(1234567), "1,234,567");
}

TEST(Progress, TimesAreMinutesAndSecondsOrHours) {
  EXPECT_EQ(ClockText(0), "0:00");
  EXPECT_EQ(ClockText(6), "0:06");
  EXPECT_EQ(ClockText(75), "1:15");
  EXPECT_EQ(ClockText(3725), "1:02:05");
  EXPECT_EQ(ClockText(-3), "0:00");
}

TEST(Progress, TheBarShowsTheShareDoneTheRateAndTheTimeLeft) {
  std::chrono::steady_clock::time_point now;
  ProgressBar bar(1000, [&] { return now; });
  // Nothing done and no time passed: no rate to tell.
  EXPECT_EQ(bar.Update(0, 0), "\r[....................]   0%");

  now += seconds(2);
  // 470 of 1,000 bytes in 2 s: 530 more take about 2.26 s more, shown rounded up.
  const std::string half = bar.Update(470, 24800);
  EXPECT_EQ(half, "\r[#########...........]  47%  12,400 rows/s  about 0:03 left");

  now += seconds(2);
  // Done: no time left to tell; blanks over the rest of the longer line before.
  const std::string done = bar.Update(1000, 40000);
  const std::string text = "\r[####################] 100%  10,000 rows/s";
  EXPECT_EQ(done, text + std::string(half.size() - text.size(), ' '));

  // Cleared: blanks over the last line drawn, back to its start.
  EXPECT_EQ(bar.Clear(), "\r" + std::string(text.size() - 1, ' ') + "\r");
  EXPECT_EQ(bar.Clear(), "") << "nothing left to clear";
}

TEST(Progress, ALongImportTellsHoursLeft) {
  std::chrono::steady_clock::time_point now;
  ProgressBar bar(100, [&] { return now; });
  now += seconds(100);
  EXPECT_EQ(bar.Update(2, 50), "\r[....................]   2%  1 rows/s  about 1:21:40 left");
}

TEST(Progress, NothingIsDrawnWhenNotShown) {
  std::FILE* out = std::tmpfile();
  ASSERT_NE(out, nullptr);
  {
    TerminalProgress progress(/*show=*/false, 100, out);
    progress.Update(50, 10);
  }
  EXPECT_EQ(std::ftell(out), 0L);
  {
    TerminalProgress progress(/*show=*/true, 100, out);
    progress.Update(50, 10);
  }
  EXPECT_GT(std::ftell(out), 0L) << "drawn, then cleared";
  std::fclose(out);
}

}  // namespace
}  // namespace mcrm::admin
