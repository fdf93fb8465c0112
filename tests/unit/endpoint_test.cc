#include "mcrm/endpoint.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace mcrm {
namespace {

using ::testing::HasSubstr;

struct GoodCase {
  std::string text;
  bool allow_any_port;
  Endpoint want;
};

TEST(ParseEndpoint, AcceptsWellFormedAddresses) {
  const GoodCase cases[] = {
      {"127.0.0.1:50551", false, {"127.0.0.1", 50551}},
      {"localhost", false, {"localhost", kDefaultServerPort}},
      {"crm.example.org:443", false, {"crm.example.org", 443}},
      {"[::1]:9000", false, {"::1", 9000}},
      {"[::1]", false, {"::1", kDefaultServerPort}},
      {"0.0.0.0:0", true, {"0.0.0.0", 0}},
  };
  for (const auto& c : cases) {
    auto got = ParseEndpoint(c.text, c.allow_any_port);
    ASSERT_TRUE(got.ok()) << c.text << ": " << got.status();
    EXPECT_EQ(*got, c.want) << c.text;
  }
}

TEST(ParseEndpoint, PrintsWhatItParsed) {
  EXPECT_EQ(ParseEndpoint("[::1]:9000", false)->ToString(), "[::1]:9000");
  EXPECT_EQ(ParseEndpoint("host", false)->ToString(), "host:50551");
}

struct BadCase {
  std::string text;
  bool allow_any_port;
  std::string why;
};

TEST(ParseEndpoint, RefusesMalformedAddressesNamingTheProblem) {
  const BadCase cases[] = {
      {"", false, "empty"},
      {":80", false, "empty host"},
      {"host:", false, "empty port"},
      {"host:http", false, "port \"http\" is not a number"},
      {"host:65536", false, "above 65535"},
      {"host:0", false, "port 0 cannot be dialled"},
      {"::1:80", false, "IPv6 literals need brackets"},
      {"[::1", false, "unclosed '['"},
      {"[]:80", false, "empty IPv6 literal"},
      {"[::1]80", false, "expected ':' after ']'"},
      {"[zz::1]:80", false, "not hex"},
      {"bad host:80", false, "not allowed in a name"},
      {"host:-1", false, "not a number"},
  };
  for (const auto& c : cases) {
    auto got = ParseEndpoint(c.text, c.allow_any_port);
    ASSERT_FALSE(got.ok()) << c.text;
    EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument) << c.text;
    EXPECT_THAT(std::string(got.status().message()), HasSubstr(c.why)) << c.text;
  }
}

}  // namespace
}  // namespace mcrm
