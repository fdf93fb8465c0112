// PostgreSQL: real round trips through libpqxx, and through libpq's binary results (BinaryRows),
// against the throwaway test cluster.
#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <pqxx/pqxx>
#include <string>

#include "store/binary_rows.h"

namespace {

// A connection to the test cluster; the test fails when the cluster fixture did not run.
std::unique_ptr<pqxx::connection> Connect() {
  const char* uri = std::getenv("MCRM_TEST_PG_URI");
  if (uri == nullptr || *uri == '\0') {
    ADD_FAILURE() << "MCRM_TEST_PG_URI is not set: the PostgreSQL fixture did not run";
    return nullptr;
  }
  return std::make_unique<pqxx::connection>(uri);
}

TEST(PgRoundTrip, WritesAndReadsBackThroughLibpqxx) {
  const auto owned = Connect();
  ASSERT_NE(owned, nullptr);
  pqxx::connection& connection = *owned;
  pqxx::work tx(connection);
  tx.exec0("CREATE TEMP TABLE roundtrip (id int PRIMARY KEY, name text NOT NULL)");
  tx.exec_params0("INSERT INTO roundtrip VALUES ($1, $2)", 7, "Grüne Wiese GmbH");
  const pqxx::row row = tx.exec_params1("SELECT name, version() FROM roundtrip WHERE id = $1", 7);
  EXPECT_EQ(row[0].as<std::string>(), "Grüne Wiese GmbH");
  EXPECT_NE(row[1].as<std::string>().find("PostgreSQL 15"), std::string::npos);
  tx.commit();
}

// Every byte value, a NUL first: stored records are protobuf, which is full of them.
std::string AllBytes() {
  std::string bytes;
  for (int b = 0; b < 256; ++b) bytes.push_back(static_cast<char>(b));
  return bytes;
}

TEST(BinaryRows, ReturnsBytesAndTextExactlyAsStored) {
  const auto owned = Connect();
  ASSERT_NE(owned, nullptr);
  pqxx::connection& connection = *owned;
  pqxx::work tx(connection);
  tx.exec0("CREATE TEMP TABLE blobs (id text PRIMARY KEY, body bytea)");
  tx.exec_params0("INSERT INTO blobs VALUES ($1, $2), ($3, NULL)", "Grüne Wiese",
                  pqxx::binarystring(AllBytes()), "empty");
  const mcrm::server::BinaryRows rows = mcrm::server::BinaryRows::Exec(
      tx, "SELECT id, body, length(id)::text FROM blobs WHERE id <> $1 ORDER BY id", {"x"});
  ASSERT_EQ(rows.size(), 2);
  EXPECT_EQ(rows.Get(0, 0), "Grüne Wiese");
  EXPECT_EQ(rows.Get(0, 1), AllBytes());
  EXPECT_EQ(rows.Get(0, 2), "11") << "a text value is its characters, not a length prefix";
  EXPECT_EQ(rows.Get(1, 0), "empty");
  EXPECT_TRUE(rows.IsNull(1, 1));
  EXPECT_FALSE(rows.IsNull(0, 1));
  // The transaction goes on through libpqxx on the same connection.
  EXPECT_EQ(tx.exec1("SELECT count(*) FROM blobs")[0].as<int>(), 2);
  tx.commit();
}

TEST(BinaryRows, RunsAStatementPreparedOnTheConnection) {
  const auto owned = Connect();
  ASSERT_NE(owned, nullptr);
  pqxx::connection& connection = *owned;
  // Declared only: libpqxx registers a statement with PostgreSQL when it is first used.
  connection.prepare("body_of", "SELECT body FROM pg_temp.blobs WHERE id = $1");
  pqxx::work tx(connection);
  tx.exec0("CREATE TEMP TABLE blobs (id text PRIMARY KEY, body bytea)");
  tx.exec_params0("INSERT INTO blobs VALUES ($1, $2)", "a", pqxx::binarystring(AllBytes()));
  for (int round = 0; round < 2; ++round) {
    const mcrm::server::BinaryRows rows =
        mcrm::server::BinaryRows::ExecPrepared(tx, "body_of", {"a"});
    ASSERT_EQ(rows.size(), 1) << "round " << round;
    EXPECT_EQ(rows.Get(0, 0), AllBytes());
  }
  // libpqxx still knows the statement as its own.
  EXPECT_EQ(tx.exec_prepared("body_of", "a").size(), 1u);
  EXPECT_THROW(mcrm::server::BinaryRows::ExecPrepared(tx, "no_such_statement", {}), std::exception);
}

TEST(BinaryRows, FailsWithTheExceptionsLibpqxxWouldThrow) {
  const auto owned = Connect();
  ASSERT_NE(owned, nullptr);
  pqxx::connection& connection = *owned;
  {
    pqxx::work tx(connection);
    try {
      mcrm::server::BinaryRows::Exec(tx, "SELECT 1 / $1::int", {"0"});
      ADD_FAILURE() << "division by zero did not throw";
    } catch (const pqxx::sql_error& e) {
      EXPECT_EQ(e.sqlstate(), "22012");
      EXPECT_NE(std::string(e.what()).find("division by zero"), std::string::npos) << e.what();
      EXPECT_EQ(e.query(), "SELECT 1 / $1::int");
    }
  }  // rolled back; the connection serves the next transaction
  {
    pqxx::work tx(connection);
    EXPECT_EQ(mcrm::server::BinaryRows::Exec(tx, "SELECT 'ok'", {}).Get(0, 0), "ok");
  }
  // The server ends the connection: the next statement finds it broken.
  const auto killer = Connect();
  ASSERT_NE(killer, nullptr);
  pqxx::nontransaction kill(*killer);
  pqxx::work tx(connection);
  kill.exec_params1("SELECT pg_terminate_backend($1)", connection.backendpid());
  EXPECT_THROW(mcrm::server::BinaryRows::Exec(tx, "SELECT 1", {}), pqxx::broken_connection);
}

}  // namespace
