// Exactly once on PostgreSQL: the same push (same device, same mutation id) arriving twice at once,
// as when a device resends an unanswered push while the first call still runs, takes effect once
// and gets one answer. Each race is made deterministic: a third connection holds what the first
// push needs (the record's row lock, or the id of a record being created), both pushes are started,
// and the blocker lets go only once PostgreSQL shows both waiting on a lock.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <pqxx/pqxx>
#include <thread>

#include "mcrm/change_set.h"
#include "mcrm/hlc.h"
#include "mcrm/uuid.h"
#include "sample_records.h"
#include "sync_core.h"
#include "test_stores.h"
#include "wire_codec.h"

namespace mcrm::server {
namespace {

using ::mcrm::testing::F;
using ::mcrm::testing::StoreKind;

constexpr int64_t kT = 1793696400000;
constexpr char kProduct[] = "01890a5d-ac96-774b-bcce-b302099a80f0";

std::string Text(const v1::PushResponse& response) { return response.ShortDebugString(); }

class ConcurrentPush : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = mcrm::testing::MakeFreshStore(StoreKind::kPostgres, &uri_);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    core_ = std::make_unique<SyncCore>(*store_, clock_, [] { return kT + 60'000; });
    observer_ = std::make_unique<pqxx::connection>(uri_);
    blocker_ = std::make_unique<pqxx::connection>(uri_);
  }

  v1::Mutation Change(ChangeSet::Op op, int64_t base_version, int64_t hlc_ms,
                      const std::string& name) {
    ChangeSet change;
    change.mutation_id = ids_.NextString(kT);
    change.entity = EntityType::kProduct;
    change.record_id = kProduct;
    change.base_version = base_version;
    change.hlc = HlcTimestamp{hlc_ms, 0, "tablet-1"};
    change.op = op;
    if (op == ChangeSet::Op::kUpsert) {
      if (base_version == 0) {
        change.changed = mcrm::testing::ValidSample(EntityType::kProduct).fields;
      }
      change.changed[F(EntityType::kProduct, "name")] = Value::String(name);
    }
    v1::Mutation out;
    wire::ToProto(change, &out);
    return out;
  }

  // Pushes one mutation as `caller`, expecting the call itself to succeed.
  v1::PushResponse Push(const Caller& caller, const v1::Mutation& mutation) {
    google::protobuf::RepeatedPtrField<v1::Mutation> mutations;
    *mutations.Add() = mutation;
    auto response = core_->Push(caller, mutations);
    EXPECT_TRUE(response.ok()) << response.status();
    return response.ok() ? *response : v1::PushResponse();
  }

  // The product exists at version 1, then the back office renames it at `server_hlc_ms`
  // (version 2): a change made on version 1 meets that rename.
  void SeedProduct(int64_t server_hlc_ms) {
    const v1::PushResponse created =
        Push(back_office_, Change(ChangeSet::Op::kUpsert, 0, kT, "Pump"));
    ASSERT_EQ(created.results(0).outcome(), v1::MutationResult::APPLIED) << Text(created);
    const v1::PushResponse renamed =
        Push(back_office_, Change(ChangeSet::Op::kUpsert, 1, server_hlc_ms, "Pump II"));
    ASSERT_EQ(renamed.results(0).outcome(), v1::MutationResult::APPLIED) << Text(renamed);
  }

  // Sends two pushes at once while `hold` (run on the blocker connection) holds what the first
  // needs; releases it once both wait on a lock.
  std::pair<v1::PushResponse, v1::PushResponse> PushBothAtOnce(
      const Caller& first_caller, const v1::Mutation& first_mutation, const Caller& second_caller,
      const v1::Mutation& second_mutation, const std::function<void(pqxx::work&)>& hold) {
    pqxx::work blocking(*blocker_);
    hold(blocking);
    v1::PushResponse first, second;
    std::atomic<int> finished{0};
    std::thread a([&] { first = Push(first_caller, first_mutation), ++finished; });
    std::thread b([&] { second = Push(second_caller, second_mutation), ++finished; });
    WaitForLockWaiters(2, finished);
    blocking.abort();
    a.join();
    b.join();
    return {first, second};
  }

  // The same push from the tablet twice at once.
  std::pair<v1::PushResponse, v1::PushResponse> PushTwiceAtOnce(
      const v1::Mutation& mutation, const std::function<void(pqxx::work&)>& hold) {
    return PushBothAtOnce(tablet_, mutation, tablet_, mutation, hold);
  }

  // Returns once `n` sessions of this database wait on a lock: both calls are inside their
  // transactions and blocked, whatever the machine's speed.
  // A call that finished meanwhile was never blocked: the test fails rather than waits forever.
  void WaitForLockWaiters(int n, const std::atomic<int>& finished) {
    while (finished.load() == 0) {
      pqxx::nontransaction look(*observer_);
      if (look.exec1("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                     "AND wait_event_type = 'Lock'")[0]
              .as<int>() >= n) {
        return;
      }
      // Polling, not ordering: two cores are shared with the blocked sessions.
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    ADD_FAILURE() << "a push finished without waiting for the blocker";
  }

  // An uncommitted insert of the product's id: a create of that id waits for it.
  void HoldProductId(pqxx::work& tx) {
    tx.exec_params0(
        "INSERT INTO records (id, entity, version, txid, deleted, owner_id, territory_id, "
        "account_id, assignee_id, record, stamps) VALUES ($1, 0, 1, pg_current_xact_id(), "
        "false, '', '', '', '', '', '')",
        std::string(kProduct));
  }

  void LockProductRow(pqxx::work& tx) {
    tx.exec_params1("SELECT 1 FROM records WHERE id = $1 FOR UPDATE", std::string(kProduct));
  }

  StoredRecord Stored() {
    auto found = store_->ReadRecords({kProduct});
    EXPECT_TRUE(found.ok() && found->size() == 1);
    return found.ok() && !found->empty() ? (*found)[0] : StoredRecord();
  }

  size_t ConflictCount() {
    auto conflicts = store_->ConflictsForRecord(kProduct);
    EXPECT_TRUE(conflicts.ok()) << conflicts.status();
    return conflicts.ok() ? conflicts->size() : 0;
  }

  std::string uri_;
  std::unique_ptr<Store> store_;
  HybridClock clock_{"server", [] { return kT + 60'000; }};
  std::unique_ptr<SyncCore> core_;
  std::unique_ptr<pqxx::connection> observer_, blocker_;
  UuidV7Generator ids_;
  const Caller back_office_{"01890a5d-ac96-774b-bcce-b302099a8059", "desk-1", "dispatcher", {}};
  const Caller tablet_{"01890a5d-ac96-774b-bcce-b302099a8059", "tablet-1", "dispatcher", {}};
};

TEST_F(ConcurrentPush, ADeleteSentTwiceAtOnceIsAppliedOnceWithOneAnswer) {
  ASSERT_NO_FATAL_FAILURE(SeedProduct(kT + 10));
  const auto [first, second] = PushTwiceAtOnce(Change(ChangeSet::Op::kDelete, 2, kT + 20, ""),
                                               [&](pqxx::work& tx) { LockProductRow(tx); });
  EXPECT_EQ(first.results(0).outcome(), v1::MutationResult::APPLIED) << Text(first);
  EXPECT_EQ(Text(first), Text(second));
  EXPECT_TRUE(Stored().record.meta.deleted);
  EXPECT_EQ(Stored().record.meta.server_version, 3);
}

TEST_F(ConcurrentPush, AChangeThatWinsAConflictGetsOneAnswerTwice) {
  ASSERT_NO_FATAL_FAILURE(SeedProduct(kT + 10));
  const auto [first, second] =
      PushTwiceAtOnce(Change(ChangeSet::Op::kUpsert, 1, kT + 20, "Pump (tablet)"),
                      [&](pqxx::work& tx) { LockProductRow(tx); });
  ASSERT_EQ(first.results(0).outcome(), v1::MutationResult::CONFLICT) << Text(first);
  EXPECT_TRUE(first.results(0).conflicts(0).incoming_won());
  EXPECT_EQ(Text(first), Text(second));
  EXPECT_EQ(Stored().record.meta.server_version, 3);
  EXPECT_EQ(ConflictCount(), 1u);
}

TEST_F(ConcurrentPush, AChangeThatLosesAConflictIsLoggedOnce) {
  ASSERT_NO_FATAL_FAILURE(SeedProduct(kT + 30));
  const auto [first, second] =
      PushTwiceAtOnce(Change(ChangeSet::Op::kUpsert, 1, kT + 20, "Pump (tablet)"),
                      [&](pqxx::work& tx) { LockProductRow(tx); });
  ASSERT_EQ(first.results(0).outcome(), v1::MutationResult::CONFLICT) << Text(first);
  EXPECT_FALSE(first.results(0).conflicts(0).incoming_won());
  EXPECT_EQ(Text(first), Text(second));
  EXPECT_EQ(Stored().record.meta.server_version, 2);
  EXPECT_EQ(ConflictCount(), 1u) << "one conflict, one log entry";
}

TEST_F(ConcurrentPush, ACreateSentTwiceAtOnceIsAppliedOnce) {
  // The id is held by an uncommitted insert of another transaction, which then rolls back.
  const auto [first, second] = PushTwiceAtOnce(Change(ChangeSet::Op::kUpsert, 0, kT + 20, "Pump"),
                                               [&](pqxx::work& tx) { HoldProductId(tx); });
  EXPECT_EQ(first.results(0).outcome(), v1::MutationResult::APPLIED) << Text(first);
  EXPECT_EQ(Text(first), Text(second));
  EXPECT_EQ(Stored().record.meta.server_version, 1);
}

// Two devices creating the same id at once (a client that reuses ids): the second sees the first's
// record and is told so, instead of overwriting it.
TEST_F(ConcurrentPush, TwoDevicesCreatingOneIdAtOnceCannotOverwriteEachOther) {
  const v1::Mutation from_tablet = Change(ChangeSet::Op::kUpsert, 0, kT + 20, "Pump (tablet)");
  v1::Mutation from_desk = Change(ChangeSet::Op::kUpsert, 0, kT + 21, "Pump (desk)");
  const auto [tablet, desk] = PushBothAtOnce(tablet_, from_tablet, back_office_, from_desk,
                                             [&](pqxx::work& tx) { HoldProductId(tx); });
  const bool tablet_won = tablet.results(0).outcome() == v1::MutationResult::APPLIED;
  const v1::PushResponse& loser = tablet_won ? desk : tablet;
  EXPECT_EQ(loser.results(0).outcome(), v1::MutationResult::REJECTED) << Text(loser);
  EXPECT_EQ(loser.results(0).code(), static_cast<int>(absl::StatusCode::kAlreadyExists));
  EXPECT_EQ(Stored().record.Get("name").string_value(),
            tablet_won ? "Pump (tablet)" : "Pump (desk)");
}

}  // namespace
}  // namespace mcrm::server
