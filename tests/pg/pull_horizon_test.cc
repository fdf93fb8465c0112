// PostgreSQL-specific guarantees of the store: a pull never skips a change when writers commit
// out of the order in which they started, and a database from a newer version is refused.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>
#include <future>
#include <pqxx/pqxx>
#include <random>
#include <set>
#include <thread>

#include "mcrm/uuid.h"
#include "sample_records.h"
#include "test_stores.h"

namespace mcrm::server {
namespace {

using ::mcrm::testing::StoreKind;
using ::testing::HasSubstr;

constexpr int64_t kT = 1793696400000;

StoredRecord Product(UuidV7Generator& ids, const std::string& name) {
  Record sample = mcrm::testing::ValidSample(EntityType::kProduct);
  sample.Set("name", Value::String(name));
  ChangeSet create;
  create.mutation_id = ids.NextString(kT);
  create.entity = EntityType::kProduct;
  create.record_id = ids.NextString(kT);
  create.hlc = HlcTimestamp{kT, 0, "test"};
  create.changed = sample.fields;
  return MergeChange(nullptr, create, 1).state;
}

std::set<std::string> Ids(const std::vector<Record>& records) {
  std::set<std::string> out;
  for (const auto& r : records) out.insert(r.id);
  return out;
}

// Waits until every committed record of the database at `uri` is below the horizon of a new
// snapshot, that is until no transaction older than any of them is still open anywhere in the
// cluster: from then on a pull serves them all. An open transaction elsewhere (another test's,
// say) may take its time; only the ctest timeout bounds the wait.
void WaitUntilEveryRecordIsBelowTheHorizon(const std::string& uri) {
  pqxx::connection c(uri);
  while (true) {
    {
      pqxx::nontransaction look(c);
      if (look.exec1("SELECT NOT EXISTS (SELECT 1 FROM records WHERE txid >= "
                     "pg_snapshot_xmin(pg_current_snapshot()))")[0]
              .as<bool>()) {
        return;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

// Follows `cursor` until the store says there is no more, adding what it serves to `pulled`.
void PullToTheEnd(Store& store, std::string& cursor, std::set<std::string>& pulled) {
  const ScopeFilter all{.everything = true};
  while (true) {
    auto page = store.Pull(all, cursor, 1000);
    ASSERT_TRUE(page.ok()) << page.status();
    for (const auto& id : Ids(mcrm::testing::Decoded(*page))) pulled.insert(id);
    cursor = page->next_cursor;
    if (!page->more) return;
  }
}

// A writes first and stays open; B writes and commits; a pull runs; A commits; the next pull
// must deliver A's change. A plain sequence read with "> cursor" loses A here.
TEST(PullHorizon, DeliversAWriterThatCommitsAfterALaterOne) {
  std::string uri;
  auto store = mcrm::testing::MakeFreshStore(StoreKind::kPostgres, &uri);
  ASSERT_TRUE(store.ok()) << store.status();
  UuidV7Generator ids;
  const StoredRecord a = Product(ids, "written by A");
  const StoredRecord b = Product(ids, "written by B");

  std::promise<void> a_wrote, release_a;
  std::future<void> release = release_a.get_future();
  std::thread writer_a([&] {
    const absl::Status status = (*store)->Transact([&](StoreTx& tx) -> absl::Status {
      if (auto saved = tx.SaveRecords({a}); !saved.ok()) return saved;
      a_wrote.set_value();
      release.wait();  // A stays open while B commits and a pull runs
      return absl::OkStatus();
    });
    EXPECT_TRUE(status.ok()) << status;
  });
  a_wrote.get_future().wait();
  ASSERT_TRUE((*store)->Transact([&](StoreTx& tx) { return tx.SaveRecords({b}); }).ok());

  const ScopeFilter all{.everything = true};
  auto first = (*store)->Pull(all, "", 100);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_FALSE(Ids(mcrm::testing::Decoded(*first)).contains(a.record.id)) << "A has not committed";
  // B is held back too: it committed, but behind the open A (a delay, never a loss).
  EXPECT_FALSE(Ids(mcrm::testing::Decoded(*first)).contains(b.record.id));

  release_a.set_value();
  writer_a.join();
  // Any open write transaction in the cluster may delay a change (a delay is allowed): once none
  // older than A and B is left, following the cursor to its end must deliver both. A cursor that
  // moved past A would never deliver it.
  WaitUntilEveryRecordIsBelowTheHorizon(uri);
  std::set<std::string> delivered = Ids(mcrm::testing::Decoded(*first));
  std::string cursor = first->next_cursor;
  PullToTheEnd(**store, cursor, delivered);
  EXPECT_TRUE(delivered.contains(a.record.id)) << "A's change was skipped";
  EXPECT_TRUE(delivered.contains(b.record.id));
}

// Several writers committing in random interleavings while a puller follows its cursor: the
// union of everything pulled equals the final table.
TEST(PullHorizon, ConcurrentWritersAndAPullerLoseNothing) {
  std::string uri;
  auto store = mcrm::testing::MakeFreshStore(StoreKind::kPostgres, &uri);
  ASSERT_TRUE(store.ok()) << store.status();
  constexpr int kWriters = 3;
  constexpr int kBatches = 15;
  std::atomic<int> done{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      UuidV7Generator ids;
      std::mt19937 random(w);
      for (int i = 0; i < kBatches; ++i) {
        std::vector<StoredRecord> batch;
        for (int k = 0; k < 3; ++k) batch.push_back(Product(ids, "p"));
        const absl::Status status = (*store)->Transact([&](StoreTx& tx) -> absl::Status {
          if (auto saved = tx.SaveRecords(batch); !saved.ok()) return saved;
          // Holds the transaction open a while, so that writers commit out of the order in which
          // they wrote. Only varies the interleavings: nothing below depends on how they fall.
          std::this_thread::sleep_for(std::chrono::milliseconds(random() % 15));
          return absl::OkStatus();
        });
        EXPECT_TRUE(status.ok()) << status;
      }
      ++done;
    });
  }
  std::set<std::string> pulled;
  std::string cursor;
  const ScopeFilter all{.everything = true};
  // Pulls small pages while the writers write, however long they take.
  while (true) {
    const bool writers_done = done.load() == kWriters;
    auto page = (*store)->Pull(all, cursor, 7);
    ASSERT_TRUE(page.ok()) << page.status();
    for (const auto& r : mcrm::testing::Decoded(*page)) pulled.insert(r.id);
    cursor = page->next_cursor;
    if (writers_done && !page->more) break;
    // Caught up: a pause before asking again, so as not to crowd the writers out.
    if (!page->more) std::this_thread::sleep_for(std::chrono::milliseconds(3));
  }
  for (auto& t : writers) t.join();
  // What an open transaction held back comes once it is gone.
  WaitUntilEveryRecordIsBelowTheHorizon(uri);
  PullToTheEnd(**store, cursor, pulled);
  const size_t expected = static_cast<size_t>(kWriters * kBatches * 3);
  auto everything = (*store)->Pull(all, "", 100000);
  ASSERT_TRUE(everything.ok());
  EXPECT_EQ(pulled, Ids(mcrm::testing::Decoded(*everything)));
  EXPECT_EQ(pulled.size(), expected);
}

TEST(StoreMigrations, RefusesADatabaseFromANewerVersion) {
  std::string uri;
  auto store = mcrm::testing::MakeFreshStore(StoreKind::kPostgres, &uri);
  ASSERT_TRUE(store.ok()) << store.status();
  store->reset();
  {
    pqxx::connection c(uri);
    pqxx::work tx(c);
    tx.exec0("UPDATE mcrm_store_schema SET version = 99");
    tx.commit();
  }
  auto reopened = OpenPostgresStore(uri, 1);
  ASSERT_FALSE(reopened.ok());
  EXPECT_EQ(reopened.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(reopened.status().message()),
              HasSubstr("newer mcrm-server (store schema 99"));
}

TEST(StoreMigrations, TheSqliteStoreRefusesAFileFromANewerVersion) {
  std::string path;
  auto store = mcrm::testing::MakeFreshStore(StoreKind::kSqlite, &path);
  ASSERT_TRUE(store.ok()) << store.status();
  store->reset();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "PRAGMA user_version = 99", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  auto reopened = OpenSqliteStore(path);
  ASSERT_FALSE(reopened.ok());
  EXPECT_THAT(std::string(reopened.status().message()),
              HasSubstr("newer mcrm-server (store schema 99"));
}

}  // namespace
}  // namespace mcrm::server
