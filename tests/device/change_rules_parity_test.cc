// One rule, one place: a device refuses a local write exactly as the server would refuse the
// same change when it is pushed (same code, same message), and accepts what the server accepts.
// Each case runs through the server's merge (the stored record at version N, the change made on
// base N, so nothing conflicts) and through a fresh replica holding the same record as pulled
// server state at version N.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "mcrm/change_set.h"
#include "mcrm/merge.h"
#include "mcrm/uuid.h"
#include "mcrm/v1/sync.pb.h"
#include "pulled_page.h"
#include "replica.h"
#include "sample_records.h"
#include "wire_codec.h"

namespace mcrm::device {
namespace {

using ::mcrm::testing::F;
using ::mcrm::testing::kRecordId;
using ::mcrm::testing::ValidSample;

constexpr int64_t kT = 1793696400000;
constexpr int64_t kVersion = 7;  // the version the record is stored at, and the change's base

const EntityType kTask = EntityType::kServiceTask;
const EntityType kAccount = EntityType::kAccount;

// The sample checklist with its required "pressure" step answered.
Value AnsweredChecklist() {
  Value::List items = ValidSample(kTask).Get("checklist").list_value();
  Value::Struct pressure = items[1].struct_value();
  pressure["answer_number"] = Value::Double(3.5);
  items[1] = Value::StructOf(std::move(pressure));
  return Value::ListOf(std::move(items));
}

// A valid service task in `status` (its checklist complete unless `answered` is false).
Record Task(const char* status, bool answered = true) {
  Record r = ValidSample(kTask);
  r.Set("status", Value::String(status));
  if (answered) r.Set("checklist", AnsweredChecklist());
  return r;
}

struct Case {
  const char* what;
  std::optional<Record> stored;  // the record at version kVersion; nullopt for a create
  EntityType entity;             // the change's entity
  FieldMap changed;
  absl::StatusCode code;  // kOk when both accept
  std::string message;    // the refusal both give; empty when accepted
};

std::vector<Case> Cases() {
  using absl::StatusCode;
  Record unassigned = Task("new");
  unassigned.fields.erase(F(kTask, "assignee_id"));
  FieldMap task_as_done = Task("done").fields;
  FieldMap task_as_new = Task("new").fields;
  const uint32_t status = F(kTask, "status");
  const std::string id = kRecordId;
  return {
      {"task done -> en_route",
       Task("done"),
       kTask,
       {{status, Value::String("en_route")}},
       StatusCode::kFailedPrecondition,
       "service_task.status: cannot go from done to en_route"},
      {"task new -> done",
       Task("new"),
       kTask,
       {{status, Value::String("done")}},
       StatusCode::kFailedPrecondition,
       "service_task.status: cannot go from new to done"},
      {"task cancelled -> accepted",
       Task("cancelled"),
       kTask,
       {{status, Value::String("accepted")}},
       StatusCode::kFailedPrecondition,
       "service_task.status: cannot go from cancelled to accepted"},
      {"task accepted -> en_route",
       Task("accepted"),
       kTask,
       {{status, Value::String("en_route")}},
       StatusCode::kOk,
       ""},
      {"task on_site -> done, answering the last step with it",
       Task("on_site", false),
       kTask,
       {{status, Value::String("done")}, {F(kTask, "checklist"), AnsweredChecklist()}},
       StatusCode::kOk,
       ""},
      {"a task created as done", std::nullopt, kTask, task_as_done, StatusCode::kFailedPrecondition,
       "service_task.status: a new task starts as new or assigned, not done"},
      {"a task created as new", std::nullopt, kTask, task_as_new, StatusCode::kOk, ""},
      {"a task set to assigned with no assignee",
       unassigned,
       kTask,
       {{status, Value::String("assigned")}},
       StatusCode::kInvalidArgument,
       "service_task.assignee_id: required when status is assigned"},
      {"a task done with a required step unanswered",
       Task("on_site", false),
       kTask,
       {{status, Value::String("done")}},
       StatusCode::kInvalidArgument,
       "service_task.checklist[1]: required step \"pressure\" is not answered"},
      {"an account whose parent is itself",
       ValidSample(kAccount),
       kAccount,
       {{F(kAccount, "parent_account_id"), Value::String(id)}},
       StatusCode::kInvalidArgument,
       "account.parent_account_id: points at the record itself"},
      {"a valid account edit",
       ValidSample(kAccount),
       kAccount,
       {{F(kAccount, "notes"), Value::String("met the owner")}},
       StatusCode::kOk,
       ""},
      {"an opportunity closed_lost without lost_reason",
       ValidSample(EntityType::kOpportunity),
       EntityType::kOpportunity,
       {{F(EntityType::kOpportunity, "stage"), Value::String("closed_lost")}},
       StatusCode::kInvalidArgument,
       "opportunity.lost_reason: required when stage is closed_lost"},
      {"a contact written under an account's id",
       ValidSample(kAccount),
       EntityType::kContact,
       {{F(EntityType::kContact, "job_title"), Value::String("Buyer")}},
       StatusCode::kInvalidArgument,
       absl::StrCat("contact ", id, ": that id belongs to a account")},
  };
}

// The stored record as the server keeps it and sends it: at version kVersion, with its scope.
Record AtVersion(Record record) {
  record.meta.server_version = kVersion;
  record.meta.scope = ComputeScopeKeys(record);
  return record;
}

class ChangeRulesParityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("mcrm-parity-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string NewId() { return ids_.NextString(kT + counter_++); }

  // What the server answers when the change is pushed: the checks of the change alone, as a
  // push makes them, then the merge into the stored record.
  absl::Status ServerAnswer(const Case& c) {
    ChangeSet change;
    change.mutation_id = NewId();
    change.entity = c.entity;
    change.record_id = kRecordId;
    change.base_version = c.stored.has_value() ? kVersion : 0;
    change.hlc = HlcTimestamp{kT, 0, "phone"};
    change.changed = c.changed;
    if (absl::Status alone = ValidateChangeSet(change, ChangeOrigin::kDevice, false); !alone.ok()) {
      return alone;
    }
    std::optional<StoredRecord> current;
    if (c.stored.has_value()) {
      current.emplace();
      current->record = AtVersion(*c.stored);
      for (const auto& [number, value] : current->record.fields) {
        current->stamps[number] = FieldStamp{kVersion, HlcTimestamp{kT - 60000, 0, "office"}};
      }
    }
    const MergeOutcome out =
        MergeChange(current.has_value() ? &*current : nullptr, change, kVersion + 1);
    EXPECT_TRUE(out.conflicts.empty()) << c.what << ": the change was made on the current version";
    if (out.result == MergeResult::kRejected) {
      EXPECT_FALSE(out.status.ok()) << c.what;
      return out.status;
    }
    return absl::OkStatus();
  }

  // What the device answers to the same local write: a fresh replica holding the record as a
  // pull delivered it.
  absl::Status DeviceAnswer(const Case& c, int index) {
    auto replica = Replica::Open((dir_ / absl::StrCat("case-", index, ".sqlite3")).string());
    if (!replica.ok()) {
      ADD_FAILURE() << c.what << ": " << replica.status();
      return absl::InternalError("the replica did not open");
    }
    if (c.stored.has_value()) {
      v1::PullResponse response;
      wire::ToProto(AtVersion(*c.stored), response.add_records());
      response.set_next_cursor("s:1");
      absl::StatusOr<PulledPage> page = ReadPulledPage(response);
      if (!page.ok()) {
        ADD_FAILURE() << c.what << ": " << page.status();
        return absl::InternalError("the page did not read");
      }
      if (auto applied = (*replica)->ApplyPulledPage(*page); !applied.ok()) {
        ADD_FAILURE() << c.what << ": " << applied.status();
        return absl::InternalError("the page did not apply");
      }
      auto held = (*replica)->Read(kRecordId);
      EXPECT_TRUE(held.ok() && held->has_value()) << c.what << ": the replica holds the record";
    }
    return (*replica)
        ->Write(c.entity, kRecordId, c.changed, HlcTimestamp{kT, 0, "phone"}, NewId())
        .status();
  }

  std::filesystem::path dir_;
  UuidV7Generator ids_;
  int counter_ = 0;
};

TEST_F(ChangeRulesParityTest, TheDeviceRefusesExactlyWhatTheServerRefuses) {
  const std::vector<Case> cases = Cases();
  for (size_t i = 0; i < cases.size(); ++i) {
    const Case& c = cases[i];
    SCOPED_TRACE(c.what);
    const absl::Status server = ServerAnswer(c);
    const absl::Status device = DeviceAnswer(c, static_cast<int>(i));
    // The case says what the server does...
    EXPECT_EQ(server.code(), c.code) << server;
    EXPECT_EQ(server.message(), c.message);
    // ...and the device does the same, in the same words.
    EXPECT_EQ(device.code(), server.code()) << "device: " << device << "; server: " << server;
    EXPECT_EQ(device.message(), server.message());
  }
}

TEST_F(ChangeRulesParityTest, ARefusedWriteQueuesNothing) {
  auto replica = Replica::Open((dir_ / "replica.sqlite3").string());
  ASSERT_TRUE(replica.ok()) << replica.status();
  v1::PullResponse response;
  wire::ToProto(AtVersion(Task("done")), response.add_records());
  response.set_next_cursor("s:1");
  absl::StatusOr<PulledPage> page = ReadPulledPage(response);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_TRUE((*replica)->ApplyPulledPage(*page).ok());
  auto refused =
      (*replica)->Write(kTask, kRecordId, {{F(kTask, "status"), Value::String("en_route")}},
                        HlcTimestamp{kT, 0, "phone"}, NewId());
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE((*replica)->Outbox()->empty());
  EXPECT_EQ((*(*replica)->Read(kRecordId))->Get("status"), Value::String("done"));
}

TEST_F(ChangeRulesParityTest, AStatusStepIsCheckedFromWhatTheUserSeesIncludingUnsentWrites) {
  auto replica = Replica::Open((dir_ / "replica.sqlite3").string());
  ASSERT_TRUE(replica.ok()) << replica.status();
  v1::PullResponse response;
  wire::ToProto(AtVersion(Task("on_site", false)), response.add_records());
  response.set_next_cursor("s:1");
  absl::StatusOr<PulledPage> page = ReadPulledPage(response);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_TRUE((*replica)->ApplyPulledPage(*page).ok());
  const uint32_t status = F(kTask, "status");
  // Offline, the technician gives up on the job: on_site -> cannot_complete, not yet sent.
  ASSERT_TRUE((*replica)
                  ->Write(kTask, kRecordId, {{status, Value::String("cannot_complete")}},
                          HlcTimestamp{kT, 1, "phone"}, NewId())
                  .ok());
  // From cannot_complete (what the user now sees), nothing more is allowed, though the stored
  // server state still says on_site.
  auto refused = (*replica)->Write(kTask, kRecordId, {{status, Value::String("cancelled")}},
                                   HlcTimestamp{kT, 2, "phone"}, NewId());
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(refused.status().message(),
            "service_task.status: cannot go from cannot_complete to cancelled");
}

// Offline, a technician steps a task accepted -> en_route -> on_site. Each step is allowed, so
// each must reach the server as its own mutation: folded into one, accepted -> on_site would be
// refused hours later. The second waits for the server's answer to the first, for its base.
TEST_F(ChangeRulesParityTest, StatusStepsMadeOfflineReachTheServerOneByOne) {
  auto replica = Replica::Open((dir_ / "replica.sqlite3").string());
  ASSERT_TRUE(replica.ok()) << replica.status();
  StoredRecord server;
  server.record = AtVersion(Task("accepted", false));
  for (const auto& [number, value] : server.record.fields) {
    server.stamps[number] = FieldStamp{kVersion, HlcTimestamp{kT - 60000, 0, "office"}};
  }
  v1::PullResponse response;
  wire::ToProto(server.record, response.add_records());
  response.set_next_cursor("s:1");
  absl::StatusOr<PulledPage> page = ReadPulledPage(response);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_TRUE((*replica)->ApplyPulledPage(*page).ok());
  const uint32_t status = F(kTask, "status");
  uint32_t logical = 0;
  for (const char* step : {"en_route", "on_site"}) {
    ASSERT_TRUE((*replica)
                    ->Write(kTask, kRecordId, {{status, Value::String(step)}},
                            HlcTimestamp{kT, ++logical, "phone"}, NewId())
                    .ok())
        << step;
  }
  ASSERT_EQ((*replica)->Outbox()->size(), 2u) << "each step its own entry";

  // The server, push by push, as the engine drives it.
  int64_t version = kVersion;
  for (const char* step : {"en_route", "on_site"}) {
    auto pending = (*replica)->PendingMutations(100);
    ASSERT_TRUE(pending.ok()) << pending.status();
    ASSERT_EQ(pending->size(), 1u) << step << ": the next step waits for the one before";
    auto change = wire::FromProto((*pending)[0], "mutation");
    ASSERT_TRUE(change.ok()) << change.status();
    ASSERT_TRUE(ValidateChangeSet(*change, ChangeOrigin::kDevice, false).ok());
    EXPECT_EQ(change->base_version, version);
    const MergeOutcome out = MergeChange(&server, *change, version + 1);
    ASSERT_EQ(out.result, MergeResult::kApplied) << step << ": " << out.status;
    server = out.state;
    ++version;
    v1::PushResponse answer;
    v1::MutationResult* result = answer.add_results();
    result->set_mutation_id(change->mutation_id);
    result->set_outcome(v1::MutationResult::APPLIED);
    result->set_server_version(version);
    ASSERT_TRUE((*replica)->ApplyPushResults(answer).ok());
  }
  EXPECT_EQ(server.record.Get("status"), Value::String("on_site"));
  EXPECT_TRUE((*replica)->Outbox()->empty());
}

// The scope rule on the device: a rep signed in on it is refused offline, by the server's own
// checks (mcrm/scope_rule.h) and in its words, what the server would refuse: a change to the
// catalogue, and a change that would move an account out of the rep's scope.
TEST_F(ChangeRulesParityTest, ARepIsRefusedOfflineWhatTheirScopeDoesNotAllow) {
  auto replica = Replica::Open((dir_ / "replica.sqlite3").string());
  ASSERT_TRUE(replica.ok()) << replica.status();
  constexpr char kOtherTerritory[] = "01890a5d-ac96-774b-bcce-b302099a80f1";
  constexpr char kOtherRep[] = "01890a5d-ac96-774b-bcce-b302099a80f2";
  constexpr char kProduct[] = "01890a5d-ac96-774b-bcce-b302099a80f3";
  Record rep = ValidSample(EntityType::kUser);
  rep.id = mcrm::testing::kUserId;
  rep.Set("role", Value::String("rep"));
  rep.Set("territory_ids", Value::Strings({kOtherTerritory}));
  Record account = ValidSample(kAccount);  // owned by the rep, in a territory not theirs
  account.id = mcrm::testing::kAccountId;
  Record product = ValidSample(EntityType::kProduct);
  product.id = kProduct;
  product.Set("related_product_ids", Value::Strings({}));
  v1::PullResponse response;
  for (const Record& r : {rep, account, product})
    wire::ToProto(AtVersion(r), response.add_records());
  response.set_next_cursor("s:1");
  absl::StatusOr<PulledPage> page = ReadPulledPage(response);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_TRUE((*replica)->ApplyPulledPage(*page).ok());
  const EntityType P = EntityType::kProduct;
  auto write = [&](EntityType entity, const std::string& id, FieldMap fields) {
    return (*replica)->Write(entity, id, std::move(fields), HlcTimestamp{kT, 0, "phone"}, NewId());
  };
  // Before anyone signed in, the device cannot tell: the server checks.
  ASSERT_TRUE(write(P, kProduct, {{F(P, "name"), Value::String("Pump")}}).ok());

  ASSERT_TRUE((*replica)->SetSignedInUser(mcrm::testing::kUserId).ok());
  auto product_change = write(P, kProduct, {{F(P, "name"), Value::String("Pump II")}});
  EXPECT_EQ(product_change.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(product_change.status().message(),
            "product: only dispatchers and admins change these records");
  auto give_away =
      write(kAccount, account.id, {{F(kAccount, "owner_id"), Value::String(kOtherRep)}});
  EXPECT_EQ(give_away.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(give_away.status().message(),
            absl::StrCat("account ", account.id, ": the change would move it out of your scope"));
  EXPECT_TRUE(write(kAccount, account.id, {{F(kAccount, "notes"), Value::String("visited")}}).ok());
}

}  // namespace
}  // namespace mcrm::device
