#include "server_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace mcrm::server {
namespace {

using ::testing::HasSubstr;

TEST(ServerConfig, DefaultsToTheEmbeddedStoreInTheDataDirectory) {
  auto config = MakeServerConfig("127.0.0.1:50551", "/var/lib/mcrm", "");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->store.kind, StoreSpec::Kind::kSqlite);
  EXPECT_EQ(config->store.location, "/var/lib/mcrm/mcrm.sqlite3");
  EXPECT_EQ(config->store.Describe(), "sqlite:/var/lib/mcrm/mcrm.sqlite3");
}

TEST(ServerConfig, AcceptsPostgresUrisAndHidesThePasswordInTheLog) {
  auto config = MakeServerConfig("0.0.0.0:0", "d", "postgresql://crm:s3cret@db.local:5432/crm");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->store.kind, StoreSpec::Kind::kPostgres);
  EXPECT_EQ(config->store.location, "postgresql://crm:s3cret@db.local:5432/crm");
  EXPECT_EQ(config->store.Describe(), "postgresql:postgresql://crm:***@db.local:5432/crm");
  EXPECT_EQ(config->listen.port, 0);
}

TEST(ServerConfig, AcceptsAnExplicitSqliteFile) {
  auto config = MakeServerConfig("127.0.0.1", "d", "sqlite:/tmp/x.db");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->store.location, "/tmp/x.db");
}

TEST(ServerConfig, RefusesBadFlagsNamingTheFlag) {
  struct Case {
    std::string listen, data_dir, database, want;
  };
  const Case cases[] = {
      {"127.0.0.1:x", "d", "", "--listen: endpoint \"127.0.0.1:x\": port \"x\" is not a number"},
      {"127.0.0.1:1", "", "", "--data-dir: must not be empty"},
      {"127.0.0.1:1", "d", "mysql://x", "--database: \"mysql://x\" is neither"},
      {"127.0.0.1:1", "d", "sqlite:", "--database: sqlite: needs a file path"},
  };
  for (const auto& c : cases) {
    auto config = MakeServerConfig(c.listen, c.data_dir, c.database);
    ASSERT_FALSE(config.ok()) << c.want;
    EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(config.status().message()), HasSubstr(c.want));
  }
}

}  // namespace
}  // namespace mcrm::server
