// PostgreSQL: a real round trip through libpqxx against the throwaway test cluster.
#include <gtest/gtest.h>

#include <cstdlib>
#include <pqxx/pqxx>

namespace {

std::string ClusterUri() {
  const char* uri = std::getenv("MCRM_TEST_PG_URI");
  return uri ? uri : "";
}

TEST(PgRoundTrip, WritesAndReadsBackThroughLibpqxx) {
  const std::string uri = ClusterUri();
  ASSERT_FALSE(uri.empty()) << "MCRM_TEST_PG_URI is not set: the PostgreSQL fixture did not run";
  pqxx::connection connection(uri);
  pqxx::work tx(connection);
  tx.exec0("CREATE TEMP TABLE roundtrip (id int PRIMARY KEY, name text NOT NULL)");
  tx.exec_params0("INSERT INTO roundtrip VALUES ($1, $2)", 7, "Grüne Wiese GmbH");
  const pqxx::row row = tx.exec_params1("SELECT name, version() FROM roundtrip WHERE id = $1", 7);
  EXPECT_EQ(row[0].as<std::string>(), "Grüne Wiese GmbH");
  EXPECT_NE(row[1].as<std::string>().find("PostgreSQL 15"), std::string::npos);
  tx.commit();
}

}  // namespace
