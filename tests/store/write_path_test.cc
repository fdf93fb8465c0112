// Every origin writes through one path. A back-office edit and a device's concurrent offline edit
// to one record merge by the same rules, land in the same conflict log (each with whom it came
// through) and reach the rep's devices the same way. Runs on both stores.
#include "write_path.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "mcrm/scope_rule.h"
#include "mcrm/uuid.h"
#include "mcrm/v1/sync.pb.h"
#include "sample_records.h"
#include "sync_core.h"
#include "test_stores.h"
#include "wire_codec.h"

namespace mcrm::server {
namespace {

using ::mcrm::testing::F;
using ::mcrm::testing::ValidSample;
using ::testing::HasSubstr;

constexpr int64_t kT = 1793696400000;

class WritePathTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = mcrm::testing::MakeFreshStore(mcrm::testing::StoreKindUnderTest());
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    core_ = std::make_unique<SyncCore>(
        *store_, clock_, [this] { return now_ms_; },
        [this](const std::vector<Audience>& audiences) { commits_.push_back(audiences); });
    rep_.user_id = ids_.NextString(kT);
    rep_.device_id = "rep-phone";
    office_.user_id = ids_.NextString(kT);
    office_.device_id = "";
    office_.role = kRoleDispatcher;
  }

  // Whether the last commit concerns `caller` (its streams would be poked).
  bool LastCommitReaches(const Caller& caller) const {
    if (commits_.empty()) return false;
    for (const Audience& audience : commits_.back()) {
      if (AudienceIncludes(caller, audience)) return true;
    }
    return false;
  }

  ChangeSet Edit(const std::string& id, int64_t base_version, absl::string_view field,
                 Value value) {
    ChangeSet change;
    change.entity = EntityType::kAccount;
    change.record_id = id;
    change.base_version = base_version;
    change.changed[F(EntityType::kAccount, field)] = std::move(value);
    return change;
  }

  // A device's push of `change`, made offline at `hlc_ms`.
  v1::MutationResult Push(ChangeSet change, int64_t hlc_ms) {
    change.mutation_id = ids_.NextString(hlc_ms);
    change.hlc = HlcTimestamp{hlc_ms, 0, rep_.device_id};
    google::protobuf::RepeatedPtrField<v1::Mutation> mutations;
    wire::ToProto(change, mutations.Add());
    auto response = core_->Push(rep_, mutations);
    EXPECT_TRUE(response.ok()) << response.status();
    return response.ok() ? response->results(0) : v1::MutationResult();
  }

  WriteResult Office(ChangeSet change) {
    auto results = core_->write_path().Write(Author::BackOffice(office_), {std::move(change)});
    EXPECT_TRUE(results.ok()) << results.status();
    return results.ok() ? (*results)[0] : WriteResult();
  }

  Record Stored(const std::string& id) {
    auto found = store_->ReadRecords({id});
    EXPECT_TRUE(found.ok() && found->size() == 1);
    return found.ok() && found->size() == 1 ? (*found)[0].record : Record();
  }

  int64_t now_ms_ = kT + 3'600'000;
  HybridClock clock_{"server", [this] { return now_ms_; }};
  std::unique_ptr<Store> store_;
  std::unique_ptr<SyncCore> core_;
  std::vector<std::vector<Audience>> commits_;
  UuidV7Generator ids_;
  Caller rep_;
  Caller office_;
};

TEST_F(WritePathTest, ABackOfficeEditAndADeviceOfflineEditMergeAlikeAndShareTheConflictLog) {
  // A server job creates the rep's account.
  Record account = ValidSample(EntityType::kAccount);
  account.Set("owner_id", Value::String(rep_.user_id));
  ChangeSet create;
  create.entity = EntityType::kAccount;
  create.record_id = ids_.NextString(kT);
  create.changed = account.fields;
  auto created = core_->write_path().Write(Author::ServerJob("import-test"), {create});
  ASSERT_TRUE(created.ok()) << created.status();
  ASSERT_EQ((*created)[0].result, MergeResult::kApplied) << (*created)[0].status;
  EXPECT_TRUE(LastCommitReaches(rep_)) << "the rep's devices hear of a server job's create";
  const std::string id = create.record_id;

  // The rep renames the account offline, an hour ago. Meanwhile the office renames it too.
  commits_.clear();
  now_ms_ += 1000;
  const WriteResult office_rename = Office(Edit(id, 1, "name", Value::String("Office name")));
  EXPECT_EQ(office_rename.result, MergeResult::kApplied) << office_rename.status;
  EXPECT_EQ(office_rename.server_version, 2);
  EXPECT_TRUE(LastCommitReaches(rep_)) << "the office's edit reaches the rep's devices";
  EXPECT_FALSE(LastCommitReaches(Caller{ids_.NextString(kT), "x", kRoleRep, {}}));

  // The rep's device comes online: its older rename meets the office's newer one and loses.
  const v1::MutationResult device_rename =
      Push(Edit(id, 1, "name", Value::String("Rep name")), kT + 60'000);
  EXPECT_EQ(device_rename.outcome(), v1::MutationResult::CONFLICT) << device_rename.message();
  EXPECT_EQ(Stored(id).Get("name"), Value::String("Office name"));

  // The rep changes the website now (a newer clock); the office, still on version 2, changes it
  // too, later: the same merge, the other way round.
  now_ms_ += 1000;
  const v1::MutationResult device_site =
      Push(Edit(id, 2, "website", Value::String("rep.example")), now_ms_);
  EXPECT_EQ(device_site.outcome(), v1::MutationResult::APPLIED) << device_site.message();
  now_ms_ += 1000;
  commits_.clear();
  const WriteResult office_site = Office(Edit(id, 2, "website", Value::String("office.example")));
  EXPECT_EQ(office_site.result, MergeResult::kConflict) << office_site.status;
  ASSERT_EQ(office_site.conflicts.size(), 1u);
  EXPECT_TRUE(office_site.conflicts[0].incoming_won) << "the later change wins, whoever made it";
  EXPECT_EQ(Stored(id).Get("website"), Value::String("office.example"));
  EXPECT_TRUE(LastCommitReaches(rep_));

  // One conflict log, each entry saying whom its change came through.
  auto log = store_->ConflictsForRecord(id);
  ASSERT_TRUE(log.ok()) << log.status();
  ASSERT_EQ(log->size(), 2u);
  EXPECT_EQ((*log)[0].via, "back_office");
  EXPECT_EQ((*log)[0].user_id, office_.user_id);
  EXPECT_EQ((*log)[0].conflict.field, F(EntityType::kAccount, "website"));
  EXPECT_EQ((*log)[1].via, "device");
  EXPECT_EQ((*log)[1].device_id, rep_.device_id);
  EXPECT_EQ((*log)[1].conflict.stored, Value::String("Office name"));

  // The rep's next pull holds the merged record.
  auto page = store_->Pull(ScopeFilter::Of(rep_), "", 100);
  ASSERT_TRUE(page.ok()) << page.status();
  const std::vector<Record> pulled = mcrm::testing::Decoded(*page);
  ASSERT_EQ(pulled.size(), 1u);
  EXPECT_EQ(pulled[0].Get("name"), Value::String("Office name"));
  EXPECT_EQ(pulled[0].Get("website"), Value::String("office.example"));
}

TEST_F(WritePathTest, ADeviceChangeWithoutItsOwnClockOrIdIsRefusedNotStamped) {
  Record account = ValidSample(EntityType::kAccount);
  account.Set("owner_id", Value::String(rep_.user_id));
  ChangeSet create;
  create.entity = EntityType::kAccount;
  create.record_id = ids_.NextString(kT);
  create.changed = account.fields;
  create.mutation_id = ids_.NextString(kT);
  // No timestamp: the server's would win every merge.
  google::protobuf::RepeatedPtrField<v1::Mutation> mutations;
  wire::ToProto(create, mutations.Add());
  // No mutation id: a retry could not be told from a new change.
  ChangeSet anonymous = create;
  anonymous.record_id = ids_.NextString(kT);
  anonymous.mutation_id.clear();
  anonymous.hlc = HlcTimestamp{kT, 0, rep_.device_id};
  wire::ToProto(anonymous, mutations.Add());
  auto response = core_->Push(rep_, mutations);
  ASSERT_TRUE(response.ok()) << response.status();
  ASSERT_EQ(response->results_size(), 2);
  EXPECT_EQ(response->results(0).outcome(), v1::MutationResult::REJECTED);
  EXPECT_THAT(response->results(0).message(), HasSubstr("hlc"));
  EXPECT_EQ(response->results(1).outcome(), v1::MutationResult::REJECTED);
  EXPECT_THAT(response->results(1).message(), HasSubstr("mutation_id"));
  EXPECT_TRUE(commits_.empty()) << "nothing was written";
}

TEST_F(WritePathTest, OnlyAnAdminGivesOrChangesARole) {
  Record user = ValidSample(EntityType::kUser);
  ChangeSet create;
  create.entity = EntityType::kUser;
  create.record_id = office_.user_id;  // the dispatcher's own user record
  create.changed = user.fields;
  create.changed[F(EntityType::kUser, "role")] = Value::String(kRoleDispatcher);
  auto made = core_->write_path().Write(Author::ServerJob("setup"), {create});
  ASSERT_TRUE(made.ok());
  ASSERT_NE((*made)[0].result, MergeResult::kRejected) << (*made)[0].status;

  ChangeSet promote;
  promote.entity = EntityType::kUser;
  promote.record_id = office_.user_id;
  promote.base_version = 1;
  promote.changed[F(EntityType::kUser, "role")] = Value::String(kRoleAdmin);
  const WriteResult refused = Office(promote);
  EXPECT_EQ(refused.status.code(), absl::StatusCode::kPermissionDenied) << refused.status;
  EXPECT_THAT(refused.status.message(), HasSubstr("role"));
  EXPECT_EQ(Stored(office_.user_id).Get("role"), Value::String(kRoleDispatcher));

  Caller admin = office_;
  admin.role = kRoleAdmin;
  auto promoted = core_->write_path().Write(Author::BackOffice(admin), {promote});
  ASSERT_TRUE(promoted.ok());
  EXPECT_NE((*promoted)[0].result, MergeResult::kRejected) << (*promoted)[0].status;
}

TEST_F(WritePathTest, TheBackOfficeIsRefusedWhatADeviceIsRefused) {
  Record account = ValidSample(EntityType::kAccount);
  for (const FieldSpec& field : Spec(EntityType::kAccount).fields) {
    if (field.server_computed) account.fields.erase(field.number);
  }
  ChangeSet create;
  create.entity = EntityType::kAccount;
  create.record_id = ids_.NextString(kT);
  create.changed = account.fields;
  create.changed[F(EntityType::kAccount, "emails")] =
      Value::ListOf({Value::String("not an address")});
  const WriteResult bad_email = Office(create);
  EXPECT_EQ(bad_email.result, MergeResult::kRejected);
  EXPECT_EQ(bad_email.status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad_email.status.message(), HasSubstr("emails"));

  // Server-computed fields are the server jobs' alone.
  create.changed = account.fields;
  create.changed[F(EntityType::kAccount, "segment")] = Value::String("key accounts");
  const WriteResult computed = Office(create);
  EXPECT_EQ(computed.result, MergeResult::kRejected);
  EXPECT_THAT(computed.status.message(), HasSubstr("segment"));
  EXPECT_TRUE(commits_.empty()) << "nothing was written";
  auto found = store_->ReadRecords({create.record_id});
  ASSERT_TRUE(found.ok());
  EXPECT_TRUE(found->empty());

  // A rep working through the back office's path is held to the rep's scope.
  create.changed = account.fields;
  create.changed[F(EntityType::kAccount, "owner_id")] = Value::String(ids_.NextString(kT));
  auto as_rep = core_->write_path().Write(Author::BackOffice(rep_), {create});
  ASSERT_TRUE(as_rep.ok());
  EXPECT_EQ((*as_rep)[0].status.code(), absl::StatusCode::kPermissionDenied);
}

TEST_F(WritePathTest, TheOfficeGivesAnAccountOnlyToAUserAndATerritoryThatExist) {
  // A territory and a rep, as an admin makes them.
  ChangeSet territory;
  territory.entity = EntityType::kTerritory;
  territory.record_id = ids_.NextString(kT);
  territory.changed[F(EntityType::kTerritory, "name")] = Value::String("Nord");
  ASSERT_NE(Office(territory).result, MergeResult::kRejected);
  Record user = ValidSample(EntityType::kUser);
  ChangeSet rep;
  rep.entity = EntityType::kUser;
  rep.record_id = ids_.NextString(kT);
  rep.changed = user.fields;
  rep.changed[F(EntityType::kUser, "territory_ids")] = Value::ListOf({});
  Caller admin = office_;
  admin.role = kRoleAdmin;
  auto made_rep = core_->write_path().Write(Author::BackOffice(admin), {rep});
  ASSERT_TRUE(made_rep.ok()) << made_rep.status();
  ASSERT_NE((*made_rep)[0].result, MergeResult::kRejected) << (*made_rep)[0].status;

  ChangeSet account;
  account.entity = EntityType::kAccount;
  account.record_id = ids_.NextString(kT);
  account.changed[F(EntityType::kAccount, "name")] = Value::String("Kunde GmbH");
  account.changed[F(EntityType::kAccount, "kind")] = Value::String("organization");
  // The territory's id pasted where the owner's belongs, and an id of nothing at all.
  account.changed[F(EntityType::kAccount, "owner_id")] = Value::String(territory.record_id);
  const WriteResult to_territory = Office(account);
  EXPECT_EQ(to_territory.result, MergeResult::kRejected);
  EXPECT_EQ(to_territory.status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(to_territory.status.message(), HasSubstr("owner_id: no user"));
  account.changed[F(EntityType::kAccount, "owner_id")] = Value::String(rep.record_id);
  account.changed[F(EntityType::kAccount, "territory_id")] = Value::String(ids_.NextString(kT));
  const WriteResult to_nowhere = Office(account);
  EXPECT_EQ(to_nowhere.result, MergeResult::kRejected);
  EXPECT_THAT(to_nowhere.status.message(), HasSubstr("territory_id: no territory"));
  auto found = store_->ReadRecords({account.record_id});
  ASSERT_TRUE(found.ok());
  EXPECT_TRUE(found->empty()) << "nothing of the refused creates was stored";

  account.changed[F(EntityType::kAccount, "territory_id")] = Value::String(territory.record_id);
  const WriteResult given = Office(account);
  EXPECT_EQ(given.result, MergeResult::kApplied) << given.status;
}

}  // namespace
}  // namespace mcrm::server
