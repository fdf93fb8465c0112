// The one UTF-8 rule (as protobuf requires of proto3 strings), used by validation and by the
// device's reading of pulled records alike.
#include "mcrm/utf8.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "mcrm/validation.h"
#include "sample_records.h"

namespace mcrm {
namespace {

using ::testing::HasSubstr;

struct Utf8Case {
  const char* what;
  std::string bytes;
  bool valid;
};

const std::vector<Utf8Case>& Utf8Cases() {
  static const auto* const kCases = new std::vector<Utf8Case>{
      // Well-formed.
      {"empty", "", true},
      {"ASCII", "Hauptstr. 5, 10115 Berlin", true},
      {"ASCII longer than eight bytes, with a NUL", std::string("0123456789\0abcdef", 17), true},
      {"2-byte form (U+00FC)", "Gr\xC3\xBCne Wiese", true},
      {"smallest 2-byte form (U+0080)", "\xC2\x80", true},
      {"3-byte form (U+20AC)", "\xE2\x82\xAC", true},
      {"smallest 3-byte form (U+0800)", "\xE0\xA0\x80", true},
      {"last code point before the surrogates (U+D7FF)", "\xED\x9F\xBF", true},
      {"first code point after the surrogates (U+E000)", "\xEE\x80\x80", true},
      {"4-byte form (U+1F600)", "\xF0\x9F\x98\x80", true},
      {"smallest 4-byte form (U+10000)", "\xF0\x90\x80\x80", true},
      {"largest code point (U+10FFFF)", "\xF4\x8F\xBF\xBF", true},
      {"Chinese text", "\xE5\x8C\x97\xE4\xBA\xAC\xE5\xB8\x82\xE6\x9C\x9D\xE9\x98\xB3\xE5\x8C\xBA",
       true},
      {"multi-byte after eight ASCII bytes", "abcdefgh\xC3\xA4", true},
      // Ill-formed.
      {"overlong 2-byte form of NUL (C0 80)", std::string("\xC0\x80"), false},
      {"overlong 2-byte form of '/' (C1 AF)", "\xC1\xAF", false},
      {"overlong 3-byte form (E0 80 80)", "\xE0\x80\x80", false},
      {"overlong 3-byte form of U+07FF (E0 9F BF)", "\xE0\x9F\xBF", false},
      {"overlong 4-byte form (F0 80 80 80)", "\xF0\x80\x80\x80", false},
      {"overlong 4-byte form of U+FFFF (F0 8F BF BF)", "\xF0\x8F\xBF\xBF", false},
      {"high surrogate (ED A0 80)", "\xED\xA0\x80", false},
      {"low surrogate (ED BF BF)", "\xED\xBF\xBF", false},
      {"above U+10FFFF (F4 90 80 80)", "\xF4\x90\x80\x80", false},
      {"lead byte F5", "\xF5\x80\x80\x80", false},
      {"lead byte F8 (5-byte form)", "\xF8\x88\x80\x80\x80", false},
      {"lead byte FF", "\xFF", false},
      {"truncated 2-byte form", "\xC3", false},
      {"truncated 3-byte form", "\xE2\x82", false},
      {"truncated 4-byte form", "\xF0\x9F\x98", false},
      {"truncated at the end of a longer text", "Gr\xC3\xBCne Wiese \xE2\x82", false},
      {"a lead byte followed by ASCII", "\xC3(", false},
      {"stray continuation byte", "\x80", false},
      {"stray continuation byte after ASCII", "abc\xBF", false},
      {"stray continuation byte after eight ASCII bytes", "abcdefgh\x80", false},
      {"two continuation bytes after a 2-byte form", "\xC3\xBC\xBC", false},
  };
  return *kCases;
}

TEST(Utf8, AcceptsWellFormedAndRefusesIllFormedText) {
  for (const Utf8Case& c : Utf8Cases()) {
    EXPECT_EQ(IsValidUtf8(c.bytes), c.valid) << c.what;
  }
}

TEST(Utf8, TheVerdictDoesNotDependOnWhereTheEightByteStepsFall) {
  // The ASCII fast path reads eight bytes at a time: put each case at every offset within a
  // step, and after a run of ASCII long enough to take several steps.
  for (const Utf8Case& c : Utf8Cases()) {
    for (size_t pad = 0; pad <= 17; ++pad) {
      const std::string shifted = std::string(pad, 'x') + c.bytes + std::string(pad % 5, 'y');
      EXPECT_EQ(IsValidUtf8(shifted), c.valid) << c.what << " after " << pad << " ASCII bytes";
    }
  }
}

TEST(Utf8, AFieldValueInAnOverlongFormIsRefused) {
  Record account = ::mcrm::testing::ValidSample(EntityType::kAccount);
  account.Set("name", Value::String("Gr\xC0\xBCne Wiese"));  // '<' as an overlong 2-byte form
  const absl::Status status = ValidateRecord(account);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("account.name: not valid UTF-8"));

  // The same through the check of a single value, as a change set's values are checked.
  const FieldSpec& name = *Spec(EntityType::kAccount).FieldByName("name");
  for (const char* bad : {"\xC0\x80", "\xE0\x80\x80", "\xED\xA0\x80", "\xF4\x90\x80\x80"}) {
    const absl::Status refused = ValidateFieldValue(name, Value::String(bad), "account.name");
    EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument) << refused;
    EXPECT_EQ(refused.message(), "account.name: not valid UTF-8");
  }
  EXPECT_TRUE(
      ValidateFieldValue(name, Value::String("\xE5\x8C\x97\xE4\xBA\xAC"), "account.name").ok());
}

}  // namespace
// An answer quotes what a client sent without growing with it, and stays UTF-8.
TEST(Quoted, QuotesShortTextWholeAndCutsLongTextAtACharacter) {
  EXPECT_EQ(Quoted("NEW"), "\"NEW\"");
  const std::string long_ascii(1 << 20, 'a');
  EXPECT_EQ(Quoted(long_ascii), "\"" + std::string(64, 'a') + "\u2026\" (1048576 bytes)");
  std::string chinese;
  for (int i = 0; i < 30; ++i) chinese += "\u534e";  // 3 bytes each: byte 64 is inside one
  const std::string quoted = Quoted(chinese);
  EXPECT_TRUE(IsValidUtf8(quoted)) << quoted;
  EXPECT_LT(quoted.size(), 100u);
}

}  // namespace mcrm
