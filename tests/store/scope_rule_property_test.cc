// The scope rule is defined once (ScopeTermsOf); the C++ check (CallerSees), the SQL filter of a
// pull and count (rendered from the terms) and the push hub's poke matching all follow from it.
// This test makes random records and users, stores them, and checks that the three agree for
// every user on every record. It runs on both stores.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>
#include <set>

#include "mcrm/scope_rule.h"
#include "mcrm/uuid.h"
#include "push_hub.h"
#include "sample_records.h"
#include "test_stores.h"
#include "write_path.h"

namespace mcrm::server {
namespace {

using ::mcrm::testing::F;
using ::mcrm::testing::ValidSample;

constexpr int64_t kT = 1793696400000;

// A stream that remembers whether it was poked.
class RecordingTarget final : public PokeTarget {
 public:
  explicit RecordingTarget(Caller caller) : caller_(std::move(caller)) {}
  const Caller& caller() const override { return caller_; }
  void Poke() override { poked = true; }
  void End(const absl::Status&) override {}
  bool poked = false;

 private:
  Caller caller_;
};

class ScopeRuleProperty : public ::testing::TestWithParam<uint32_t> {
 protected:
  void SetUp() override {
    auto store = mcrm::testing::MakeFreshStore(mcrm::testing::StoreKindUnderTest());
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    random_.seed(GetParam());
  }

  std::string NewId() { return ids_.NextString(kT + (counter_++)); }
  int Draw(int n) { return std::uniform_int_distribution<int>(0, n - 1)(random_); }
  // One of `pool`, or "" (no value) or an id nobody has, each now and then.
  std::string PickOrStray(const std::vector<std::string>& pool) {
    const int pick = Draw(static_cast<int>(pool.size()) + 2);
    if (pick == static_cast<int>(pool.size())) return "";
    if (pick == static_cast<int>(pool.size()) + 1) return NewId();
    return pool[static_cast<size_t>(pick)];
  }

  // A create of `entity` through the merge, with `edit` applied to the valid sample.
  StoredRecord Create(EntityType entity, const std::function<void(Record&)>& edit) {
    Record sample = ValidSample(entity);
    edit(sample);
    return mcrm::testing::CreatedThroughMerge(sample, NewId(), NewId(), kT);
  }

  StoredRecord Deleted(const StoredRecord& record) {
    ChangeSet del;
    del.mutation_id = NewId();
    del.entity = record.record.entity;
    del.record_id = record.record.id;
    del.base_version = record.record.meta.server_version;
    del.hlc = HlcTimestamp{kT + 1, 0, "test"};
    del.op = ChangeSet::Op::kDelete;
    MergeOutcome out = MergeChange(&record, del, record.record.meta.server_version + 1);
    EXPECT_NE(out.result, MergeResult::kRejected) << out.status;
    return out.state;
  }

  static void SetIf(Record& r, absl::string_view field, const std::string& value) {
    if (value.empty()) {
      r.fields.erase(Spec(r.entity).FieldByName(field)->number);
    } else {
      r.Set(std::string(field), Value::String(value));
    }
  }

  std::vector<Record> PullAll(const ScopeFilter& scope) {
    std::vector<Record> out;
    std::string cursor;
    for (int pages = 0; pages < 1000; ++pages) {
      auto page = store_->Pull(scope, cursor, 500);
      EXPECT_TRUE(page.ok()) << page.status();
      if (!page.ok()) break;
      for (Record& r : mcrm::testing::Decoded(*page)) out.push_back(std::move(r));
      cursor = page->next_cursor;
      if (!page->more) break;
    }
    return out;
  }

  std::unique_ptr<Store> store_;
  std::mt19937 random_;
  UuidV7Generator ids_;
  int64_t counter_ = 0;
};

TEST_P(ScopeRuleProperty, TheCheckTheSqlFilterAndThePokesAgreeOnRandomRecordsAndUsers) {
  std::vector<std::string> territories;
  for (int i = 0; i < 4; ++i) territories.push_back(NewId());
  // Reps with random territories, a dispatcher and an admin.
  std::vector<Caller> callers;
  for (int i = 0; i < 6; ++i) {
    Caller rep;
    rep.user_id = NewId();
    rep.device_id = absl::StrCat("device-", i);
    for (const std::string& t : territories) {
      if (Draw(3) == 0) rep.territory_ids.push_back(t);
    }
    callers.push_back(rep);
  }
  callers.push_back(Caller{NewId(), "office", kRoleDispatcher, {}});
  callers.push_back(Caller{NewId(), "admin", kRoleAdmin, {}});
  std::vector<std::string> users;
  for (const Caller& c : callers) users.push_back(c.user_id);

  std::vector<StoredRecord> all;
  // User records: the callers' own and some others.
  for (const std::string& id : users) {
    StoredRecord user = Create(EntityType::kUser, [](Record&) {});
    user.record.id = id;
    all.push_back(user);
  }
  all.push_back(Create(EntityType::kUser, [](Record&) {}));
  // Accounts owned by anyone or no one, in any territory or none; some deleted.
  std::vector<std::string> accounts;
  for (int i = 0; i < 40; ++i) {
    StoredRecord account = Create(EntityType::kAccount, [&](Record& r) {
      r.Set("owner_id", Value::String(users[static_cast<size_t>(Draw(6))]));
      if (Draw(3) == 0) r.Set("owner_id", Value::String(NewId()));
      SetIf(r, "territory_id", PickOrStray(territories));
    });
    accounts.push_back(account.record.id);
    all.push_back(Draw(6) == 0 ? Deleted(account) : account);
  }
  // Records that follow an account (a live, deleted or missing one), some deleted themselves.
  const EntityType followers[] = {EntityType::kContact,     EntityType::kSite,
                                  EntityType::kInteraction, EntityType::kOpportunity,
                                  EntityType::kCase,        EntityType::kCompetitorNote,
                                  EntityType::kOrder};
  for (int i = 0; i < 80; ++i) {
    const EntityType entity = followers[Draw(static_cast<int>(std::size(followers)))];
    std::string account = PickOrStray(accounts);
    if (account.empty()) account = NewId();
    StoredRecord child = Create(entity, [&](Record& r) {
      r.Set("account_id", Value::String(account));
      // An owner of its own does not decide who sees a record that follows an account.
      if (Spec(entity).FieldByName("owner_id") != nullptr) SetIf(r, "owner_id", PickOrStray(users));
    });
    all.push_back(Draw(8) == 0 ? Deleted(child) : child);
  }
  // Service tasks assigned to anyone; the catalogue and territories everyone sees.
  for (int i = 0; i < 20; ++i) {
    all.push_back(Create(EntityType::kServiceTask, [&](Record& r) {
      r.Set("status", Value::String("assigned"));
      r.Set("assignee_id", Value::String(users[static_cast<size_t>(Draw(8))]));
      r.Set("account_id", Value::String(accounts[static_cast<size_t>(Draw(40))]));
    }));
  }
  for (int i = 0; i < 5; ++i) all.push_back(Create(EntityType::kProduct, [](Record&) {}));
  ASSERT_TRUE(store_->Transact([&](StoreTx& tx) { return tx.SaveRecords(all); }).ok());

  std::map<std::string, const Record*> by_id;
  for (const StoredRecord& r : all) by_id[r.record.id] = &r.record;
  const auto account_of = [&](const Record& r) -> const Record* {
    if (Spec(r.entity).scope != ScopeKind::kByAccount) return nullptr;
    const auto it = by_id.find(r.meta.scope.account_id);
    return it == by_id.end() ? nullptr : it->second;
  };

  std::vector<std::unique_ptr<RecordingTarget>> streams;
  PushHub hub;
  for (const Caller& caller : callers) {
    streams.push_back(std::make_unique<RecordingTarget>(caller));
    ASSERT_TRUE(hub.Add(streams.back().get()).ok());
  }

  // What each caller's device holds: the live records of its pulls, the device's way (a removal
  // or tombstone of an account takes the records that follow it along).
  std::vector<std::map<std::string, std::string>> held(callers.size());  // id -> account id
  std::vector<std::string> cursors(callers.size());
  const auto pull_into = [&](size_t c) {
    for (int pages = 0; pages < 1000; ++pages) {
      auto page = store_->Pull(ScopeFilter::Of(callers[c]), cursors[c], 37);
      ASSERT_TRUE(page.ok()) << page.status();
      ASSERT_FALSE(page->resync_required);
      for (const Record& r : mcrm::testing::Decoded(*page)) {
        if (r.meta.deleted || r.meta.out_of_scope) {
          held[c].erase(r.id);
          if (r.entity != EntityType::kAccount) continue;
          std::erase_if(held[c], [&](const auto& entry) { return entry.second == r.id; });
        } else {
          // Only the records that follow their account leave with it (the replica's rule).
          held[c][r.id] =
              Spec(r.entity).scope == ScopeKind::kByAccount ? r.meta.scope.account_id : "";
        }
      }
      cursors[c] = page->next_cursor;
      if (!page->more) break;
    }
  };
  // What the rule says each caller sees of the store as it is now. (A device of the back office,
  // which sees everything, is left out of this part: its replica drops the records of a deleted
  // account, which the back office itself still sees.)
  const auto expected = [&](size_t c) {
    std::set<std::string> ids;
    for (const StoredRecord& r : all) {
      if (!r.record.meta.deleted && CallerSees(callers[c], r.record, account_of(r.record))) {
        ids.insert(r.record.id);
      }
    }
    return ids;
  };
  const auto ids_of = [](const std::map<std::string, std::string>& m) {
    std::set<std::string> ids;
    for (const auto& [id, account] : m) ids.insert(id);
    return ids;
  };

  std::vector<std::set<std::string>> by_sql(callers.size());
  for (size_t c = 0; c < callers.size(); ++c) {
    const Caller& caller = callers[c];
    std::set<std::string> by_check;
    int64_t live = 0;
    for (const StoredRecord& r : all) {
      if (!CallerSees(caller, r.record, account_of(r.record))) continue;
      by_check.insert(r.record.id);
      if (!r.record.meta.deleted) ++live;
    }
    for (const Record& r : PullAll(ScopeFilter::Of(caller))) by_sql[c].insert(r.id);
    EXPECT_EQ(by_sql[c], by_check) << "caller " << c << " (" << caller.role << ") with "
                                   << caller.territory_ids.size() << " territories";
    auto counted = store_->CountScope(ScopeFilter::Of(caller));
    ASSERT_TRUE(counted.ok()) << counted.status();
    EXPECT_EQ(*counted, live) << "caller " << c;
    pull_into(c);
    if (!caller.sees_everything()) {
      EXPECT_EQ(ids_of(held[c]), expected(c)) << "caller " << c << " after a first sync";
    }
  }

  // Each record's change pokes exactly the streams of the callers whose pull serves it.
  for (const StoredRecord& r : all) {
    for (auto& stream : streams) stream->poked = false;
    hub.Notify({AudienceOf(r.record, account_of(r.record))});
    for (size_t c = 0; c < callers.size(); ++c) {
      EXPECT_EQ(streams[c]->poked, by_sql[c].contains(r.record.id))
          << EntityName(r.record.entity) << " " << r.record.id << ", caller " << c;
    }
  }
  for (auto& stream : streams) hub.Remove(stream.get());

  // The office moves accounts between reps and territories, deletes some, moves records to other
  // accounts and reassigns tasks, through the write path; every device pulls after its cursor.
  HybridClock clock("server", [] { return kT + 60'000; });
  WritePath writes(*store_, clock, [] { return kT + 60'000; });
  std::vector<ChangeSet> changes;
  const auto change_of = [&](const StoredRecord& r) {
    ChangeSet change;
    change.entity = r.record.entity;
    change.record_id = r.record.id;
    change.base_version = r.record.meta.server_version;
    return change;
  };
  for (const StoredRecord& r : all) {
    if (r.record.meta.deleted || r.record.entity == EntityType::kUser) continue;
    const int dice = Draw(10);
    if (dice > 2) continue;
    ChangeSet change = change_of(r);
    switch (Spec(r.record.entity).scope) {
      case ScopeKind::kOwnerOrTerritory:
        if (dice == 0) {
          change.op = ChangeSet::Op::kDelete;
        } else {
          change.changed[F(EntityType::kAccount, "owner_id")] =
              Value::String(users[static_cast<size_t>(Draw(6))]);
          const std::string territory = PickOrStray(territories);
          change.changed[F(EntityType::kAccount, "territory_id")] =
              territory.empty() ? Value::Null() : Value::String(territory);
        }
        break;
      case ScopeKind::kByAccount:
        if (dice == 0) {
          change.op = ChangeSet::Op::kDelete;
        } else {
          change.changed[Spec(r.record.entity).FieldByName("account_id")->number] =
              Value::String(accounts[static_cast<size_t>(Draw(40))]);
        }
        break;
      case ScopeKind::kByAssignee:
        change.changed[F(EntityType::kServiceTask, "assignee_id")] =
            Value::String(users[static_cast<size_t>(Draw(8))]);
        break;
      default:
        continue;
    }
    changes.push_back(std::move(change));
  }
  ASSERT_GT(changes.size(), 10u);
  auto results = writes.Write(Author::ServerJob("property-test"), changes);
  ASSERT_TRUE(results.ok()) << results.status();
  for (const WriteResult& result : *results) {
    ASSERT_NE(result.result, MergeResult::kRejected) << result.status;
  }
  std::vector<std::string> ids;
  for (const StoredRecord& r : all) ids.push_back(r.record.id);
  auto now = store_->ReadRecords(ids);
  ASSERT_TRUE(now.ok()) << now.status();
  all = *std::move(now);
  by_id.clear();
  for (const StoredRecord& r : all) by_id[r.record.id] = &r.record;
  for (size_t c = 0; c < callers.size(); ++c) {
    if (callers[c].sees_everything()) continue;
    pull_into(c);
    EXPECT_EQ(ids_of(held[c]), expected(c)) << "rep " << c << " after the office's changes";
  }
}

INSTANTIATE_TEST_SUITE_P(Seeds, ScopeRuleProperty, ::testing::Values(1u, 2u, 3u, 4u, 5u));

}  // namespace
}  // namespace mcrm::server
