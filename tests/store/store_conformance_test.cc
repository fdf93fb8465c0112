// One conformance suite for every Store implementation: the same tests run against the SQLite
// store (label unit) and the PostgreSQL store (label pg), chosen by --store=.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "mcrm/uuid.h"
#include "mcrm/validation.h"
#include "mcrm/version.h"
#include "sample_records.h"
#include "test_stores.h"

namespace mcrm::server {
namespace {

using ::mcrm::testing::ValidSample;
using ::testing::HasSubstr;

constexpr int64_t kT = 1793696400000;

class StoreConformance : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = mcrm::testing::MakeFreshStore(mcrm::testing::StoreKindUnderTest(), &location_);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
  }

  std::string NewId() { return ids_.NextString(kT + (counter_++)); }

  // A stored record of `entity` (from the valid sample) with a new id, as a create makes it.
  StoredRecord Make(EntityType entity, std::function<void(Record&)> edit = nullptr) {
    Record sample = ValidSample(entity);
    if (edit) edit(sample);
    return mcrm::testing::CreatedThroughMerge(sample, NewId(), NewId(), kT);
  }

  absl::Status Save(const std::vector<StoredRecord>& records) {
    return store_->Transact([&](StoreTx& tx) { return tx.SaveRecords(records); });
  }

  std::vector<Record> PullAll(const ScopeFilter& scope, int page_size = 1000) {
    std::vector<Record> out;
    std::string cursor;
    for (int pages = 0; pages < 10000; ++pages) {
      auto page = store_->Pull(scope, cursor, page_size);
      EXPECT_TRUE(page.ok()) << page.status();
      if (!page.ok()) break;
      for (Record& r : mcrm::testing::Decoded(*page)) out.push_back(std::move(r));
      cursor = page->next_cursor;
      if (!page->more) break;
    }
    return out;
  }

  std::string location_;
  std::unique_ptr<Store> store_;
  UuidV7Generator ids_;
  int counter_ = 0;
};

TEST_F(StoreConformance, SavesAndLoadsRecordsWithStampsAndUnknownFields) {
  StoredRecord account = Make(EntityType::kAccount);
  account.record.fields[999] = Value::String("from a newer schema");
  account.stamps[999] = FieldStamp{1, HlcTimestamp{kT, 1, "newer"}};
  ASSERT_TRUE(Save({account}).ok());
  std::vector<StoredRecord> loaded;
  ASSERT_TRUE(store_
                  ->Transact([&](StoreTx& tx) -> absl::Status {
                    auto got = tx.LoadRecords({account.record.id, NewId()});
                    if (!got.ok()) return got.status();
                    loaded = *got;
                    return absl::OkStatus();
                  })
                  .ok());
  ASSERT_EQ(loaded.size(), 1u) << "an unknown id is simply absent";
  EXPECT_EQ(loaded[0], account);
}

// A record is written only over an older version of itself: a transaction that would overwrite
// a record another one wrote meanwhile (two creates of one id) is told to run again (ABORTED).
TEST_F(StoreConformance, ARecordIsWrittenOnlyOverAnOlderVersion) {
  StoredRecord account = Make(EntityType::kAccount);
  ASSERT_TRUE(Save({account}).ok());
  StoredRecord other = account;
  other.record.Set("name", Value::String("written meanwhile"));
  EXPECT_EQ(Save({other}).code(), absl::StatusCode::kAborted);
  other.record.meta.server_version = 2;
  ASSERT_TRUE(Save({other}).ok());
  auto loaded = store_->ReadRecords({account.record.id});
  ASSERT_TRUE(loaded.ok() && loaded->size() == 1);
  EXPECT_EQ((*loaded)[0].record.Get("name"), Value::String("written meanwhile"));
  EXPECT_EQ((*loaded)[0].record.meta.server_version, 2);
}

TEST_F(StoreConformance, RollsBackWhenTheWorkFails) {
  const StoredRecord account = Make(EntityType::kAccount);
  const absl::Status status = store_->Transact([&](StoreTx& tx) -> absl::Status {
    if (auto saved = tx.SaveRecords({account}); !saved.ok()) return saved;
    return absl::AbortedError("changed my mind");
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kAborted);
  EXPECT_TRUE(PullAll(ScopeFilter{.everything = true}).empty());
}

TEST_F(StoreConformance, KeepsMutationResultsPerDevice) {
  const std::string m1 = NewId(), m2 = NewId();
  ASSERT_TRUE(
      store_
          ->Transact([&](StoreTx& tx) {
            return tx.SaveMutationResults("dev-1", {{m1, std::string("r1\0x", 4)}, {m2, "r2"}});
          })
          .ok());
  // Saving the same id again keeps the first result.
  ASSERT_TRUE(
      store_->Transact([&](StoreTx& tx) {
              return tx.SaveMutationResults("dev-1", {{m1, "other"}});
            })
          .ok());
  absl::flat_hash_map<std::string, std::string> found, other_device;
  ASSERT_TRUE(store_
                  ->Transact([&](StoreTx& tx) -> absl::Status {
                    auto a = tx.FindMutationResults("dev-1", {m1, m2, NewId()});
                    auto b = tx.FindMutationResults("dev-2", {m1});
                    if (!a.ok()) return a.status();
                    if (!b.ok()) return b.status();
                    found = *a;
                    other_device = *b;
                    return absl::OkStatus();
                  })
                  .ok());
  EXPECT_EQ(found.size(), 2u);
  EXPECT_EQ(found[m1], std::string("r1\0x", 4)) << "results are bytes, zeros included";
  EXPECT_EQ(found[m2], "r2");
  EXPECT_TRUE(other_device.empty()) << "mutation ids are per device";
}

TEST_F(StoreConformance, PullsEveryChangeOnceInCommitOrderAcrossPages) {
  std::vector<StoredRecord> records;
  for (int i = 0; i < 25; ++i) records.push_back(Make(EntityType::kProduct));
  ASSERT_TRUE(Save({records.begin(), records.begin() + 10}).ok());
  ASSERT_TRUE(Save({records.begin() + 10, records.end()}).ok());
  const std::vector<Record> pulled = PullAll(ScopeFilter{.everything = true}, /*page_size=*/7);
  ASSERT_EQ(pulled.size(), 25u);
  std::set<std::string> ids;
  for (const Record& r : pulled) ids.insert(r.id);
  EXPECT_EQ(ids.size(), 25u) << "no record twice";
  for (size_t i = 0; i < 10; ++i) {
    EXPECT_TRUE(std::find_if(pulled.begin(), pulled.begin() + 10,
                             [&](const Record& r) { return r.id == records[i].record.id; }) !=
                pulled.begin() + 10)
        << "the first transaction's rows come first";
  }
}

// Records at their largest valid size: a page holds as many as fit in kMaxAnswerBytes, so any
// client with gRPC's default 4 MiB receive limit can take every page; nothing is skipped.
TEST_F(StoreConformance, APageOfLargeRecordsStaysWithinItsByteBound) {
  std::vector<StoredRecord> large;
  for (int i = 0; i < 400; ++i) {
    large.push_back(Make(EntityType::kAccount, [&](Record& r) {
      r.Set("notes", Value::String(std::string(kDefaultTextMaxLength, 'n')));
    }));
  }
  ASSERT_TRUE(Save(large).ok());
  std::set<std::string> pulled;
  std::string cursor;
  int pages = 0;
  for (bool more = true; more; ++pages) {
    auto page = store_->Pull(ScopeFilter{.everything = true}, cursor, 5000);
    ASSERT_TRUE(page.ok()) << page.status();
    int64_t bytes = 0;
    for (const std::string& record : page->encoded_records) {
      bytes += static_cast<int64_t>(record.size());
    }
    EXPECT_LE(bytes, kMaxAnswerBytes);
    EXPECT_FALSE(page->encoded_records.empty());
    for (const Record& r : mcrm::testing::Decoded(*page)) pulled.insert(r.id);
    cursor = page->next_cursor;
    more = page->more;
  }
  EXPECT_EQ(pulled.size(), large.size());
  EXPECT_GE(pages, 3) << "400 records of 20 kB are more than 3 MiB";
}

TEST_F(StoreConformance, AChangedRecordComesAgainAfterTheCursorWithItsNewState) {
  StoredRecord product = Make(EntityType::kProduct);
  ASSERT_TRUE(Save({product}).ok());
  auto first = store_->Pull(ScopeFilter{.everything = true}, "", 100);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_EQ(mcrm::testing::Decoded(*first).size(), 1u);
  product.record.Set("name", Value::String("Drip line 200 m"));
  product.record.meta.server_version = 2;
  ASSERT_TRUE(Save({product}).ok());
  auto second = store_->Pull(ScopeFilter{.everything = true}, first->next_cursor, 100);
  ASSERT_TRUE(second.ok()) << second.status();
  ASSERT_EQ(mcrm::testing::Decoded(*second).size(), 1u);
  EXPECT_EQ(mcrm::testing::Decoded(*second)[0].Get("name"), Value::String("Drip line 200 m"));
  EXPECT_EQ(mcrm::testing::Decoded(*second)[0].meta.server_version, 2);
  auto third = store_->Pull(ScopeFilter{.everything = true}, second->next_cursor, 100);
  ASSERT_TRUE(third.ok());
  EXPECT_TRUE(mcrm::testing::Decoded(*third).empty());
  EXPECT_FALSE(third->more);
  EXPECT_EQ(third->next_cursor, second->next_cursor) << "an empty page keeps the cursor";
}

TEST_F(StoreConformance, DeliversTombstones) {
  StoredRecord product = Make(EntityType::kProduct);
  ASSERT_TRUE(Save({product}).ok());
  product.record.fields.clear();
  product.stamps.clear();
  product.record.meta.deleted = true;
  product.record.meta.server_version = 2;
  ASSERT_TRUE(Save({product}).ok());
  const auto pulled = PullAll(ScopeFilter{.everything = true});
  ASSERT_EQ(pulled.size(), 1u);
  EXPECT_TRUE(pulled[0].meta.deleted);
  EXPECT_TRUE(pulled[0].fields.empty());
}

TEST_F(StoreConformance, ARepPullsOnlyTheirScope) {
  const std::string rep = NewId(), other_rep = NewId(), territory = NewId(),
                    other_territory = NewId();
  auto account_of = [&](const std::string& owner, const std::string& terr) {
    return Make(EntityType::kAccount, [&](Record& r) {
      r.Set("owner_id", Value::String(owner));
      r.Set("territory_id", Value::String(terr));
    });
  };
  const StoredRecord owned = account_of(rep, other_territory);
  const StoredRecord in_territory = account_of(other_rep, territory);
  const StoredRecord foreign = account_of(other_rep, other_territory);
  auto child_of = [&](EntityType entity, const StoredRecord& account) {
    return Make(entity, [&](Record& r) { r.Set("account_id", Value::String(account.record.id)); });
  };
  const StoredRecord owned_contact = child_of(EntityType::kContact, owned);
  const StoredRecord territory_case = child_of(EntityType::kCase, in_territory);
  const StoredRecord foreign_contact = child_of(EntityType::kContact, foreign);
  const StoredRecord product = Make(EntityType::kProduct);
  auto task_for = [&](const std::string& assignee) {
    return Make(EntityType::kServiceTask, [&](Record& r) {
      r.Set("status", Value::String("assigned"));
      r.Set("assignee_id", Value::String(assignee));
      r.Set("account_id", Value::String(foreign.record.id));
    });
  };
  const StoredRecord my_task = task_for(rep);
  const StoredRecord their_task = task_for(other_rep);
  StoredRecord me = Make(EntityType::kUser);
  me.record.id = rep;
  const StoredRecord someone_else = Make(EntityType::kUser);
  ASSERT_TRUE(Save({owned, in_territory, foreign, owned_contact, territory_case, foreign_contact,
                    product, my_task, their_task, me, someone_else})
                  .ok());

  std::set<std::string> seen;
  for (const Record& r : PullAll(ScopeFilter{.user_id = rep, .territory_ids = {territory}}))
    seen.insert(r.id);
  const std::set<std::string> want = {owned.record.id,
                                      in_territory.record.id,
                                      owned_contact.record.id,
                                      territory_case.record.id,
                                      product.record.id,
                                      my_task.record.id,
                                      rep};
  EXPECT_EQ(seen, want);
  EXPECT_EQ(PullAll(ScopeFilter{.everything = true}).size(), 11u) << "dispatchers see everything";
}

TEST_F(StoreConformance, ARecordLeavingAScopeArrivesAsARemovalAndEnteringBringsItsChildren) {
  const std::string rep = NewId(), other = NewId();
  StoredRecord account = Make(EntityType::kAccount, [&](Record& r) {
    r.Set("owner_id", Value::String(rep));
    r.Set("territory_id", Value::String(NewId()));
  });
  const StoredRecord contact = Make(EntityType::kContact, [&](Record& r) {
    r.Set("account_id", Value::String(account.record.id));
  });
  ASSERT_TRUE(Save({account, contact}).ok());
  const ScopeFilter rep_scope{.user_id = rep};
  const ScopeFilter other_scope{.user_id = other};
  auto rep_first = store_->Pull(rep_scope, "", 100);
  auto other_first = store_->Pull(other_scope, "", 100);
  ASSERT_TRUE(rep_first.ok() && other_first.ok());
  EXPECT_EQ(mcrm::testing::Decoded(*rep_first).size(), 2u);
  EXPECT_TRUE(mcrm::testing::Decoded(*other_first).empty());

  // The office gives the account to the other rep.
  const Record before = account.record;
  account.record.Set("owner_id", Value::String(other));
  account.record.meta.scope = ComputeScopeKeys(account.record);
  account.record.meta.server_version = 2;
  ASSERT_TRUE(store_
                  ->Transact([&](StoreTx& tx) -> absl::Status {
                    if (auto s = tx.SaveRecords({account}); !s.ok()) return s;
                    if (auto s = tx.RecordScopeExits({before}); !s.ok()) return s;
                    return tx.TouchRecordsOfAccounts({account.record.id});
                  })
                  .ok());

  auto rep_next = store_->Pull(rep_scope, rep_first->next_cursor, 100);
  ASSERT_TRUE(rep_next.ok()) << rep_next.status();
  ASSERT_EQ(mcrm::testing::Decoded(*rep_next).size(), 1u);
  EXPECT_EQ(mcrm::testing::Decoded(*rep_next)[0].id, account.record.id);
  EXPECT_TRUE(mcrm::testing::Decoded(*rep_next)[0].meta.out_of_scope);
  EXPECT_TRUE(mcrm::testing::Decoded(*rep_next)[0].fields.empty()) << "a removal carries no data";

  auto other_next = store_->Pull(other_scope, other_first->next_cursor, 100);
  ASSERT_TRUE(other_next.ok()) << other_next.status();
  std::set<std::string> got;
  for (const Record& r : mcrm::testing::Decoded(*other_next)) {
    EXPECT_FALSE(r.meta.out_of_scope);
    got.insert(r.id);
  }
  EXPECT_EQ(got, (std::set<std::string>{account.record.id, contact.record.id}))
      << "the new owner gets the account and the contact that changed long before";
  EXPECT_TRUE(PullAll(rep_scope).empty()) << "a fresh pull of the old owner holds neither";
}

TEST_F(StoreConformance, AUserWhoseOwnScopeChangedMustResync) {
  const std::string rep = NewId();
  ASSERT_TRUE(Save({Make(EntityType::kProduct)}).ok());
  const ScopeFilter scope{.user_id = rep};
  auto first = store_->Pull(scope, "", 100);
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(store_
                  ->Transact([&](StoreTx& tx) -> absl::Status {
                    if (auto s = tx.SaveRecords({Make(EntityType::kProduct)}); !s.ok()) return s;
                    return tx.RequireResync(rep);
                  })
                  .ok());
  auto stale = store_->Pull(scope, first->next_cursor, 100);
  ASSERT_TRUE(stale.ok()) << stale.status();
  EXPECT_TRUE(stale->resync_required);
  EXPECT_TRUE(mcrm::testing::Decoded(*stale).empty());
  auto fresh = store_->Pull(scope, "", 100);
  ASSERT_TRUE(fresh.ok());
  EXPECT_FALSE(fresh->resync_required);
  EXPECT_EQ(mcrm::testing::Decoded(*fresh).size(), 2u);
  auto after = store_->Pull(scope, fresh->next_cursor, 100);
  ASSERT_TRUE(after.ok());
  EXPECT_FALSE(after->resync_required) << "a cursor from after the change is fine";
}

TEST_F(StoreConformance, CursorsOlderThanTheTombstoneHorizonMustResync) {
  const StoredRecord kept = Make(EntityType::kProduct);
  ASSERT_TRUE(Save({kept}).ok());
  auto before_tombstone = store_->Pull(ScopeFilter{.everything = true}, "", 100);
  ASSERT_TRUE(before_tombstone.ok());
  StoredRecord gone = Make(EntityType::kProduct);
  ASSERT_TRUE(Save({gone}).ok());
  gone.record.fields.clear();
  gone.stamps.clear();
  gone.record.meta.deleted = true;
  gone.record.meta.server_version = 2;
  ASSERT_TRUE(Save({gone}).ok());
  auto after_tombstone =
      store_->Pull(ScopeFilter{.everything = true}, before_tombstone->next_cursor, 100);
  ASSERT_TRUE(after_tombstone.ok());
  ASSERT_EQ(mcrm::testing::Decoded(*after_tombstone).size(), 1u);

  // A horizon an hour back keeps the fresh tombstone.
  const int64_t hour_ago = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count() -
                           3600000;
  auto kept_all = store_->PurgeBefore(hour_ago, hour_ago);
  ASSERT_TRUE(kept_all.ok()) << kept_all.status();
  EXPECT_EQ(*kept_all, 0) << "a tombstone of a moment ago is younger than the horizon";
  auto unaffected =
      store_->Pull(ScopeFilter{.everything = true}, before_tombstone->next_cursor, 100);
  ASSERT_TRUE(unaffected.ok());
  EXPECT_FALSE(unaffected->resync_required);

  // Forget every tombstone older than a minute from now, that is: all of them.
  const int64_t future = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count() +
                         60000;
  auto purged = store_->PurgeBefore(future, 0);
  ASSERT_TRUE(purged.ok()) << purged.status();
  EXPECT_EQ(*purged, 1);

  auto stale = store_->Pull(ScopeFilter{.everything = true}, before_tombstone->next_cursor, 100);
  ASSERT_TRUE(stale.ok()) << stale.status();
  EXPECT_TRUE(stale->resync_required) << "this cursor may have missed the forgotten tombstone";
  auto current = store_->Pull(ScopeFilter{.everything = true}, after_tombstone->next_cursor, 100);
  ASSERT_TRUE(current.ok()) << current.status();
  EXPECT_FALSE(current->resync_required) << "this cursor saw the tombstone";
  const auto fresh = PullAll(ScopeFilter{.everything = true});
  ASSERT_EQ(fresh.size(), 1u);
  EXPECT_EQ(fresh[0].id, kept.record.id);
}

TEST_F(StoreConformance, RefusesACursorItDidNotMake) {
  auto page = store_->Pull(ScopeFilter{.everything = true}, "garbage", 10);
  EXPECT_EQ(page.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(page.status().message()), HasSubstr("cursor"));
}

TEST_F(StoreConformance, KeepsTheConflictLogPerRecordAndPerUser) {
  ConflictEntry c;
  c.entity = EntityType::kAccount;
  c.record_id = NewId();
  c.conflict = FieldConflict{1,
                             Value::String("GW eG"),
                             Value::String("GW AG"),
                             HlcTimestamp{kT + 5, 0, "dev"},
                             HlcTimestamp{kT, 2, "office"},
                             false};
  c.device_id = "dev-1";
  c.user_id = "user-1";
  c.server_version = 3;
  c.at_ms = kT;
  ConflictEntry later = c;
  later.server_version = 4;
  later.conflict.incoming_won = true;
  ASSERT_TRUE(store_->Transact([&](StoreTx& tx) { return tx.AppendConflicts({c, later}); }).ok());
  auto by_record = store_->ConflictsForRecord(c.record_id);
  ASSERT_TRUE(by_record.ok()) << by_record.status();
  ASSERT_EQ(by_record->size(), 2u);
  EXPECT_EQ((*by_record)[0].server_version, 4) << "newest first";
  EXPECT_EQ((*by_record)[1].conflict, c.conflict);
  EXPECT_EQ((*by_record)[1].device_id, "dev-1");
  auto by_user = store_->ConflictsForUser("user-1", 1);
  ASSERT_TRUE(by_user.ok());
  EXPECT_EQ(by_user->size(), 1u);
  EXPECT_TRUE(store_->ConflictsForUser("nobody", 10)->empty());
}

TEST_F(StoreConformance, StoresCredentialsSessionsAndRevokesDevices) {
  const std::string u1 = NewId();  // a user id, as every record id, is a UUIDv7
  ASSERT_TRUE(store_->PutCredentials({u1, "anna", "hash-1"}).ok());
  ASSERT_TRUE(store_->PutCredentials({u1, "anna", "hash-2"}).ok()) << "a new password replaces";
  auto found = store_->FindCredentials("anna");
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->password_hash, "hash-2");
  EXPECT_FALSE(store_->FindCredentials("bob")->has_value());

  ASSERT_TRUE(store_->SaveSession("token-hash", {u1, "phone-1", kT + 1000}).ok());
  auto session = store_->FindSession("token-hash");
  ASSERT_TRUE(session.ok() && session->has_value());
  EXPECT_EQ((*session)->device_id, "phone-1");
  EXPECT_FALSE(*store_->IsDeviceRevoked("phone-1"));
  auto looked_up = store_->LookUpSession("token-hash", "phone-1");
  ASSERT_TRUE(looked_up.ok()) << looked_up.status();
  EXPECT_FALSE(looked_up->device_revoked);
  ASSERT_TRUE(looked_up->session.has_value());
  EXPECT_EQ(looked_up->session->user_id, u1);
  EXPECT_FALSE(looked_up->user.has_value()) << "no user record u1 was saved";
  StoredRecord user = Make(EntityType::kUser);
  user.record.id = u1;
  ASSERT_TRUE(Save({user}).ok());
  looked_up = store_->LookUpSession("token-hash", "phone-1");
  ASSERT_TRUE(looked_up.ok() && looked_up->user.has_value());
  EXPECT_EQ(looked_up->user->record.id, u1);
  EXPECT_EQ(looked_up->user->record.fields, user.record.fields);
  looked_up = store_->LookUpSession("no-such-token", "never-seen");
  ASSERT_TRUE(looked_up.ok());
  EXPECT_FALSE(looked_up->device_revoked || looked_up->session.has_value());

  EXPECT_EQ(store_->RevokeDevice("never-seen", kT).code(), absl::StatusCode::kNotFound);
  ASSERT_TRUE(store_->RevokeDevice("phone-1", kT).ok());
  EXPECT_TRUE(*store_->IsDeviceRevoked("phone-1"));
  EXPECT_FALSE(store_->FindSession("token-hash")->has_value()) << "revoking ends the sessions";
  looked_up = store_->LookUpSession("token-hash", "phone-1");
  ASSERT_TRUE(looked_up.ok());
  EXPECT_TRUE(looked_up->device_revoked);
  EXPECT_FALSE(looked_up->session.has_value());
}

TEST_F(StoreConformance, KeepsEachDevicesLastSyncForTheBackOffice) {
  const std::string anna = NewId(), ben = NewId();
  ASSERT_TRUE(store_->SaveSession("token-a", {anna, "anna-phone", kT + 1000}).ok());
  ASSERT_TRUE(store_->SaveSession("token-b", {anna, "anna-tablet", kT + 1000}).ok());
  ASSERT_TRUE(store_->SaveSession("token-c", {ben, "ben-phone", kT + 1000}).ok());
  ASSERT_TRUE(store_->NoteDeviceSync("anna-phone", kT + 10, 3).ok());
  ASSERT_TRUE(store_->NoteDeviceSync("anna-tablet", kT + 20, 0).ok());
  ASSERT_TRUE(store_->RevokeDevice("anna-tablet", kT + 30).ok());

  auto annas = store_->ListDevices(anna, 100);
  ASSERT_TRUE(annas.ok()) << annas.status();
  ASSERT_EQ(annas->size(), 2u);
  EXPECT_EQ((*annas)[0].device_id, "anna-tablet") << "the most recently synced first";
  EXPECT_EQ((*annas)[0].revoked_ms, kT + 30);
  EXPECT_EQ((*annas)[1].device_id, "anna-phone");
  EXPECT_EQ((*annas)[1].last_sync_ms, kT + 10);
  EXPECT_EQ((*annas)[1].unsent_changes, 3);
  EXPECT_FALSE((*annas)[1].revoked_ms.has_value());
  auto everyone = store_->ListDevices("", 2);
  ASSERT_TRUE(everyone.ok());
  EXPECT_EQ(everyone->size(), 2u) << "bounded";
  auto bens = store_->ListDevices(ben, 100);
  ASSERT_TRUE(bens.ok());
  ASSERT_EQ(bens->size(), 1u);
  EXPECT_EQ((*bens)[0].last_sync_ms, 0) << "signed in, never synced";
}

TEST_F(StoreConformance, ReopensWithoutMigratingTwice) {
  ASSERT_TRUE(Save({Make(EntityType::kProduct)}).ok());
  store_.reset();
  auto reopened = mcrm::testing::StoreKindUnderTest() == mcrm::testing::StoreKind::kSqlite
                      ? OpenSqliteStore(location_)
                      : OpenPostgresStore(location_, 2);
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  store_ = *std::move(reopened);
  EXPECT_EQ(PullAll(ScopeFilter{.everything = true}).size(), 1u);
}

}  // namespace
}  // namespace mcrm::server
