// The field-level merge: what happens when a change made on some base version meets the
// record's current state on the server.
#include "mcrm/merge.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "mcrm/uuid.h"
#include "mcrm/validation.h"
#include "sample_records.h"

namespace mcrm {
namespace {

using ::mcrm::testing::F;
using ::mcrm::testing::kRecordId;
using ::mcrm::testing::ValidSample;
using ::testing::HasSubstr;

constexpr int64_t kT = 1793696400000;

HlcTimestamp Hlc(int64_t offset_ms, const char* node) {
  return HlcTimestamp{kT + offset_ms, 0, node};
}

std::string NextMutationId() {
  static UuidV7Generator ids;
  return ids.NextString(kT);
}

ChangeSet Update(EntityType entity, int64_t base, HlcTimestamp hlc, FieldMap changed) {
  ChangeSet change;
  change.mutation_id = NextMutationId();
  change.entity = entity;
  change.record_id = kRecordId;
  change.base_version = base;
  change.hlc = std::move(hlc);
  change.changed = std::move(changed);
  return change;
}

// Creates the sample record of `entity` at version 1 through the merge itself.
StoredRecord Created(EntityType entity, Record sample) {
  ChangeSet create = Update(entity, 0, Hlc(0, "office"), sample.fields);
  MergeOutcome out = MergeChange(nullptr, create, 1);
  EXPECT_EQ(out.result, MergeResult::kApplied) << out.status;
  return out.state;
}

StoredRecord CreatedAccount() {
  return Created(EntityType::kAccount, ValidSample(EntityType::kAccount));
}

TEST(Merge, CreatesARecordWithStampsScopeAndVersion) {
  const StoredRecord account = CreatedAccount();
  EXPECT_EQ(account.record.meta.server_version, 1);
  EXPECT_EQ(account.record.meta.scope.owner_id, ::mcrm::testing::kUserId);
  EXPECT_EQ(account.record.meta.scope.account_id, kRecordId);
  EXPECT_EQ(account.stamps.size(), account.record.fields.size());
  EXPECT_EQ(account.stamps.at(F(EntityType::kAccount, "name")).version, 1);
}

TEST(Merge, TwoEditsToDifferentFieldsBothSurvive) {
  const EntityType A = EntityType::kAccount;
  StoredRecord state = CreatedAccount();
  // Device 1 and device 2 both start from version 1; device 1 syncs first.
  const ChangeSet from_one =
      Update(A, 1, Hlc(100, "dev-1"), {{F(A, "industry"), Value::String("Food")}});
  const ChangeSet from_two =
      Update(A, 1, Hlc(50, "dev-2"), {{F(A, "website"), Value::String("gw.de")}});

  MergeOutcome first = MergeChange(&state, from_one, 2);
  EXPECT_EQ(first.result, MergeResult::kApplied);
  state = first.state;
  MergeOutcome second = MergeChange(&state, from_two, 3);
  EXPECT_EQ(second.result, MergeResult::kMerged) << "device 2's base predates device 1's edit";
  EXPECT_TRUE(second.conflicts.empty());
  EXPECT_EQ(second.state.record.Get("industry").string_value(), "Food");
  EXPECT_EQ(second.state.record.Get("website").string_value(), "gw.de");
  EXPECT_EQ(second.state.record.meta.server_version, 3);
  EXPECT_EQ(second.state.record.meta.hlc, from_one.hlc) << "meta HLC is the latest change's";
}

TEST(Merge, SameFieldConcurrentlyLaterHlcWinsAndTheLoserIsKept) {
  const EntityType A = EntityType::kAccount;
  const uint32_t name = F(A, "name");
  for (const bool incoming_later : {true, false}) {
    StoredRecord state = CreatedAccount();
    state =
        MergeChange(&state, Update(A, 1, Hlc(100, "office"), {{name, Value::String("GW AG")}}), 2)
            .state;
    const HlcTimestamp device_hlc = Hlc(incoming_later ? 200 : 10, "dev-1");
    MergeOutcome out =
        MergeChange(&state, Update(A, 1, device_hlc, {{name, Value::String("GW eG")}}), 3);
    ASSERT_EQ(out.result, MergeResult::kConflict);
    ASSERT_EQ(out.conflicts.size(), 1u);
    const FieldConflict& conflict = out.conflicts[0];
    EXPECT_EQ(conflict.field, name);
    EXPECT_EQ(conflict.incoming_won, incoming_later);
    EXPECT_EQ(conflict.incoming, Value::String("GW eG"));
    EXPECT_EQ(conflict.stored, Value::String("GW AG"));
    EXPECT_EQ(conflict.stored_hlc, Hlc(100, "office"));
    EXPECT_EQ(out.state.record.Get(name).string_value(), incoming_later ? "GW eG" : "GW AG");
    EXPECT_EQ(out.state_changed, incoming_later) << "a lost conflict writes nothing";
  }
}

TEST(Merge, EqualHlcWallsAreBrokenByNodeDeterministically) {
  const EntityType A = EntityType::kAccount;
  const uint32_t name = F(A, "name");
  StoredRecord state = CreatedAccount();
  state =
      MergeChange(&state, Update(A, 1, Hlc(100, "dev-a"), {{name, Value::String("A")}}), 2).state;
  MergeOutcome out =
      MergeChange(&state, Update(A, 1, Hlc(100, "dev-b"), {{name, Value::String("B")}}), 3);
  EXPECT_EQ(out.state.record.Get(name).string_value(), "B");
}

TEST(Merge, AnEditThatMatchesTheCurrentValueIsNoConflict) {
  const EntityType A = EntityType::kAccount;
  StoredRecord state = CreatedAccount();
  state =
      MergeChange(&state,
                  Update(A, 1, Hlc(100, "office"), {{F(A, "industry"), Value::String("Food")}}), 2)
          .state;
  MergeOutcome out = MergeChange(
      &state, Update(A, 1, Hlc(5, "dev"), {{F(A, "industry"), Value::String("Food")}}), 3);
  EXPECT_TRUE(out.conflicts.empty());
  EXPECT_FALSE(out.state_changed);
}

TEST(Merge, KeepsFieldsFromANewerSchemaThatTheChangeDoesNotTouch) {
  const EntityType A = EntityType::kAccount;
  StoredRecord state = CreatedAccount();
  state.record.fields[999] = Value::String("written by a newer build");
  state.stamps[999] = FieldStamp{1, Hlc(0, "office")};
  MergeOutcome out = MergeChange(
      &state, Update(A, 1, Hlc(10, "old-app"), {{F(A, "notes"), Value::String("hi")}}), 2);
  EXPECT_EQ(out.result, MergeResult::kApplied);
  EXPECT_EQ(out.state.record.Get(999u), Value::String("written by a newer build"));
}

TEST(Merge, ClearsAFieldSetToNull) {
  const EntityType A = EntityType::kAccount;
  StoredRecord state = CreatedAccount();
  MergeOutcome out =
      MergeChange(&state, Update(A, 1, Hlc(10, "dev"), {{F(A, "industry"), Value::Null()}}), 2);
  EXPECT_EQ(out.result, MergeResult::kApplied);
  EXPECT_FALSE(out.state.record.fields.contains(F(A, "industry")));
}

TEST(Merge, TaskStatusConflictsFollowTheStateMachineNotTheClock) {
  const EntityType T = EntityType::kServiceTask;
  const uint32_t status = F(T, "status");
  Record sample = ValidSample(T);
  sample.Set("status", Value::String("assigned"));
  StoredRecord state = Created(T, sample);
  // The dispatcher cancels (version 2); the rep, offline and on base 1, accepts with a later HLC.
  state = MergeChange(&state,
                      Update(T, 1, Hlc(100, "office"), {{status, Value::String("cancelled")}}), 2)
              .state;
  MergeOutcome out =
      MergeChange(&state, Update(T, 1, Hlc(500, "rep"), {{status, Value::String("accepted")}}), 3);
  ASSERT_EQ(out.result, MergeResult::kConflict);
  EXPECT_FALSE(out.conflicts[0].incoming_won) << "cancelled -> accepted is not allowed";
  EXPECT_EQ(out.state.record.Get(status).string_value(), "cancelled");

  // The other way: the rep's en_route (base 1 = assigned... accepted first) against an
  // office edit that only accepted: accepted -> en_route is allowed, so the rep wins even with
  // an earlier HLC.
  Record sample2 = ValidSample(T);
  sample2.Set("status", Value::String("assigned"));
  StoredRecord s2 = Created(T, sample2);
  s2 = MergeChange(&s2, Update(T, 1, Hlc(900, "office"), {{status, Value::String("accepted")}}), 2)
           .state;
  MergeOutcome out2 =
      MergeChange(&s2, Update(T, 1, Hlc(100, "rep"), {{status, Value::String("en_route")}}), 3);
  ASSERT_EQ(out2.result, MergeResult::kConflict);
  EXPECT_TRUE(out2.conflicts[0].incoming_won);
  EXPECT_EQ(out2.state.record.Get(status).string_value(), "en_route");
}

TEST(Merge, RefusesAForbiddenTaskTransition) {
  const EntityType T = EntityType::kServiceTask;
  Record sample = ValidSample(T);
  sample.Set("status", Value::String("assigned"));
  StoredRecord state = Created(T, sample);
  MergeOutcome out = MergeChange(
      &state, Update(T, 1, Hlc(10, "rep"), {{F(T, "status"), Value::String("done")}}), 2);
  EXPECT_EQ(out.result, MergeResult::kRejected);
  EXPECT_EQ(out.status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(out.status.message(), "service_task.status: cannot go from assigned to done");
  EXPECT_EQ(out.state, state) << "a rejected change changes nothing";
}

TEST(Merge, ANewTaskStartsAsNewOrAssigned) {
  Record sample = ValidSample(EntityType::kServiceTask);  // on_site
  MergeOutcome out =
      MergeChange(nullptr, Update(EntityType::kServiceTask, 0, Hlc(0, "x"), sample.fields), 1);
  EXPECT_EQ(out.result, MergeResult::kRejected);
  EXPECT_THAT(std::string(out.status.message()),
              HasSubstr("starts as new or assigned, not on_site"));
}

TEST(Merge, RefusesChangesThatCannotApply) {
  const EntityType A = EntityType::kAccount;
  StoredRecord state = CreatedAccount();
  struct Case {
    const char* what;
    ChangeSet change;
    bool exists;
    absl::StatusCode code;
    const char* want;
  };
  ChangeSet delete_missing = Update(A, 3, Hlc(1, "d"), {});
  delete_missing.op = ChangeSet::Op::kDelete;
  const Case cases[] = {
      {"base from the future", Update(A, 7, Hlc(1, "d"), {{F(A, "notes"), Value::String("x")}}),
       true, absl::StatusCode::kInvalidArgument,
       "base_version: 7 is ahead of the server's version 1"},
      {"create over an existing id", Update(A, 0, Hlc(1, "d"), ValidSample(A).fields), true,
       absl::StatusCode::kAlreadyExists, "already exists"},
      {"update of a missing record",
       Update(A, 3, Hlc(1, "d"), {{F(A, "notes"), Value::String("x")}}), false,
       absl::StatusCode::kNotFound, "no such record"},
      {"delete of a missing record", delete_missing, false, absl::StatusCode::kNotFound,
       "no such record"},
      {"result fails validation",
       Update(A, 1, Hlc(1, "d"), {{F(A, "parent_account_id"), Value::String(kRecordId)}}), true,
       absl::StatusCode::kInvalidArgument,
       "account.parent_account_id: points at the record itself"},
      {"create missing a required field",
       Update(A, 0, Hlc(1, "d"), {{F(A, "kind"), Value::String("person")}}), false,
       absl::StatusCode::kInvalidArgument, "account.name: required"},
  };
  for (const Case& c : cases) {
    MergeOutcome out = MergeChange(c.exists ? &state : nullptr, c.change, 2);
    EXPECT_EQ(out.result, MergeResult::kRejected) << c.what;
    EXPECT_EQ(out.status.code(), c.code) << c.what << ": " << out.status;
    EXPECT_THAT(std::string(out.status.message()), HasSubstr(c.want)) << c.what;
    EXPECT_FALSE(out.state_changed) << c.what;
  }
}

TEST(Merge, DeleteLeavesATombstoneThatRefusesLaterEdits) {
  const EntityType A = EntityType::kAccount;
  StoredRecord state = CreatedAccount();
  ChangeSet del = Update(A, 1, Hlc(10, "office"), {});
  del.op = ChangeSet::Op::kDelete;
  MergeOutcome out = MergeChange(&state, del, 2);
  ASSERT_EQ(out.result, MergeResult::kApplied);
  EXPECT_TRUE(out.state.record.meta.deleted);
  EXPECT_TRUE(out.state.record.fields.empty());
  EXPECT_EQ(out.state.record.meta.scope.owner_id, ::mcrm::testing::kUserId)
      << "a tombstone keeps its scope keys so devices can route the removal";
  MergeOutcome late = MergeChange(
      &out.state, Update(A, 1, Hlc(20, "dev"), {{F(A, "notes"), Value::String("x")}}), 3);
  EXPECT_EQ(late.result, MergeResult::kRejected);
  EXPECT_EQ(late.status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(late.status.message()), HasSubstr("deleted at version 2"));
}

TEST(ChangeSetValidation, RefusesBadChangesNamingTheProblem) {
  const EntityType A = EntityType::kAccount;
  auto good = [&] { return Update(A, 1, Hlc(1, "dev"), {{F(A, "notes"), Value::String("x")}}); };
  struct Case {
    const char* want;
    std::function<void(ChangeSet&)> change;
    ChangeOrigin origin = ChangeOrigin::kDevice;
    absl::StatusCode code = absl::StatusCode::kInvalidArgument;
  };
  const Case cases[] = {
      {"mutation_id: \"m-1\" is not a UUIDv7", [](ChangeSet& c) { c.mutation_id = "m-1"; }},
      {"account.id: \"x\" is not a UUIDv7", [](ChangeSet& c) { c.record_id = "x"; }},
      {"base_version: -1 is negative", [](ChangeSet& c) { c.base_version = -1; }},
      {"hlc: missing", [](ChangeSet& c) { c.hlc = HlcTimestamp{}; }},
      {"account: the change has no fields", [](ChangeSet& c) { c.changed.clear(); }},
      {"account: field 999 is not in schema version",
       [](ChangeSet& c) { c.changed[999] = Value::Int(1); }},
      {"account.name: required, cannot be cleared",
       [&](ChangeSet& c) { c.changed[F(A, "name")] = Value::Null(); }},
      {"account.emails[0]: not an email address",
       [&](ChangeSet& c) { c.changed[F(A, "emails")] = Value::Strings({"x"}); }},
      {"account.health_score: computed by the server, read-only on devices",
       [&](ChangeSet& c) { c.changed[F(A, "health_score")] = Value::Int(50); },
       ChangeOrigin::kDevice, absl::StatusCode::kPermissionDenied},
      {"account: a delete carries no fields", [](ChangeSet& c) { c.op = ChangeSet::Op::kDelete; }},
  };
  EXPECT_TRUE(ValidateChangeSet(good(), ChangeOrigin::kDevice, false).ok());
  for (const Case& c : cases) {
    ChangeSet change = good();
    c.change(change);
    const absl::Status status = ValidateChangeSet(change, c.origin, false);
    EXPECT_EQ(status.code(), c.code) << c.want << ": " << status;
    EXPECT_THAT(std::string(status.message()), HasSubstr(c.want));
  }
  ChangeSet computed = good();
  computed.changed[F(A, "health_score")] = Value::Int(50);
  EXPECT_TRUE(ValidateChangeSet(computed, ChangeOrigin::kServer, false).ok())
      << "the server writes computed fields";
  ChangeSet unknown = good();
  unknown.changed[999] = Value::Int(1);
  EXPECT_TRUE(ValidateChangeSet(unknown, ChangeOrigin::kDevice, /*allow_unknown=*/true).ok());
}

}  // namespace
}  // namespace mcrm
