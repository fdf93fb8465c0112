#include "mcrm/command_line.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace mcrm {
namespace {

TEST(CommandLine, DashedFlagNamesBecomeAbseilNamesButValuesAndArgumentsStay) {
  std::vector<std::string> args = {
      "prog", "--data-dir=/a-b", "--demo", "-x-y", "--tombstone-days", "7", "--", "--not-a-flag"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  DashesToUnderscoresInFlagNames(static_cast<int>(argv.size()), argv.data());
  EXPECT_EQ(args[1], "--data_dir=/a-b");
  EXPECT_EQ(args[2], "--demo");
  EXPECT_EQ(args[3], "-x-y");
  EXPECT_EQ(args[4], "--tombstone_days");
  EXPECT_EQ(args[7], "--not-a-flag") << "after a lone -- nothing is a flag";
}

}  // namespace
}  // namespace mcrm
