#include "mcrm/uuid.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace mcrm {
namespace {

using ::testing::HasSubstr;

TEST(Uuid, FormatsAndParsesTheCanonicalForm) {
  const std::string text = "01890a5d-ac96-774b-bcce-b302099a8057";
  auto uuid = ParseUuid(text);
  ASSERT_TRUE(uuid.ok()) << uuid.status();
  EXPECT_EQ(uuid->ToString(), text);
  EXPECT_EQ(uuid->version(), 7);
  EXPECT_EQ(ParseUuid("01890A5D-AC96-774B-BCCE-B302099A8057")->ToString(), text);
  EXPECT_TRUE(IsUuidV7(text));
}

TEST(Uuid, RefusesMalformedText) {
  struct Case {
    std::string text, want;
  };
  const Case cases[] = {
      {"", "36"},
      {"01890a5d-ac96-774b-bcce-b302099a805", "35 characters"},
      {"01890a5dxac96-774b-bcce-b302099a8057", "'-' expected"},
      {"01890a5d-ac96-774b-bcce-b302099a805g", "non-hex"},
  };
  for (const auto& c : cases) {
    auto uuid = ParseUuid(c.text);
    ASSERT_FALSE(uuid.ok()) << c.text;
    EXPECT_THAT(std::string(uuid.status().message()), HasSubstr(c.want)) << c.text;
  }
  EXPECT_FALSE(IsUuidV7("01890a5d-ac96-474b-bcce-b302099a8057"));  // version 4
  EXPECT_FALSE(IsUuidV7("01890a5d-ac96-774b-7cce-b302099a8057"));  // wrong variant
}

// One UUID must be one record: an id in upper (or mixed) case is refused, never folded silently.
TEST(Uuid, AnIdIsCanonicalOnlyInLowerCase) {
  EXPECT_TRUE(CheckUuidV7("01890a5d-ac96-774b-bcce-b302099a8057", "account.id").ok());
  for (const char* text :
       {"01890A5D-AC96-774B-BCCE-B302099A8057", "01890a5d-ac96-774b-bcce-b302099a805A"}) {
    const absl::Status status = CheckUuidV7(text, "account.owner_id");
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << text;
    EXPECT_THAT(
        std::string(status.message()),
        HasSubstr("account.owner_id: \"" + std::string(text) + "\" is not in canonical form"));
    EXPECT_FALSE(IsUuidV7(text));
  }
  // A long value is not echoed back whole.
  const absl::Status long_one = CheckUuidV7(std::string(100000, 'a'), "mutation_id");
  EXPECT_LT(long_one.message().size(), 200u);
}

TEST(UuidV7Generator, CarriesTheTimeAndTheVersionBits) {
  UuidV7Generator generator;
  const int64_t now = 1793696400123;
  const Uuid id = generator.Next(now);
  EXPECT_EQ(id.unix_ms(), now);
  EXPECT_EQ(id.version(), 7);
  EXPECT_TRUE(IsUuidV7(id.ToString()));
}

TEST(UuidV7Generator, StrictlyIncreasesWithinOneMillisecondAndWhenTheClockStepsBack) {
  UuidV7Generator generator;
  Uuid previous = generator.Next(1793696400000);
  // 10,000 ids in the same millisecond overflow the 12-bit counter more than once.
  for (int i = 0; i < 10000; ++i) {
    const Uuid next = generator.Next(1793696400000);
    ASSERT_LT(previous, next) << i;
    previous = next;
  }
  const Uuid after_step_back = generator.Next(1793696300000);
  EXPECT_LT(previous, after_step_back);
  EXPECT_GE(after_step_back.unix_ms(), 1793696400000);
}

TEST(UuidV7Generator, SortsByCreationTimeAcrossGenerators) {
  UuidV7Generator a, b;
  EXPECT_LT(a.Next(1793696400000), b.Next(1793696400001));
}

}  // namespace
}  // namespace mcrm
