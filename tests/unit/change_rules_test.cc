// The rules about a change against the record it changes, which the server's merge and the
// device's local write share (tests/device/change_rules_parity_test.cc runs both).
#include "mcrm/change_rules.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "sample_records.h"

namespace mcrm {
namespace {

using ::mcrm::testing::F;
using ::mcrm::testing::kRecordId;
using ::mcrm::testing::ValidSample;

constexpr int64_t kT = 1793696400000;
const EntityType kTask = EntityType::kServiceTask;

Record Task(const char* status) {
  Record r = ValidSample(kTask);
  r.Set("status", Value::String(status));
  return r;
}

ChangeSet Change(EntityType entity, int64_t base, FieldMap changed) {
  ChangeSet change;
  change.mutation_id = "01890a5d-ac96-774b-bcce-b302099a8fff";
  change.entity = entity;
  change.record_id = kRecordId;
  change.base_version = base;
  change.hlc = HlcTimestamp{kT, 0, "phone"};
  change.changed = std::move(changed);
  return change;
}

struct Case {
  const char* what;
  std::optional<Record> before;  // nullopt for a create
  EntityType entity;
  FieldMap changed;
  absl::StatusCode code;
  std::string message;  // empty when OK
};

TEST(ChangeRules, CheckTheChangeAgainstTheRecordItChanges) {
  using absl::StatusCode;
  const uint32_t status = F(kTask, "status");
  Record invalid_account = ValidSample(EntityType::kAccount);
  invalid_account.Set("parent_account_id", Value::String(kRecordId));
  const std::vector<Case> cases = {
      {"an allowed step",
       Task("accepted"),
       kTask,
       {{status, Value::String("en_route")}},
       StatusCode::kOk,
       ""},
      {"a step out of a final status",
       Task("done"),
       kTask,
       {{status, Value::String("en_route")}},
       StatusCode::kFailedPrecondition,
       "service_task.status: cannot go from done to en_route"},
      {"a skipped step, checked before the record",
       Task("new"),
       kTask,
       {{status, Value::String("done")}},
       StatusCode::kFailedPrecondition,
       "service_task.status: cannot go from new to done"},
      {"an allowed step to an invalid record",
       Task("on_site"),
       kTask,
       {{status, Value::String("done")}},
       StatusCode::kInvalidArgument,
       "service_task.checklist[1]: required step \"pressure\" is not answered"},
      {"a create as assigned", std::nullopt, kTask, Task("assigned").fields, StatusCode::kOk, ""},
      {"a create past assigned", std::nullopt, kTask, Task("on_site").fields,
       StatusCode::kFailedPrecondition,
       "service_task.status: a new task starts as new or assigned, not on_site"},
      {"a create that is not valid",
       std::nullopt,
       EntityType::kAccount,
       {{F(EntityType::kAccount, "kind"), Value::String("person")}},
       StatusCode::kInvalidArgument,
       "account.name: required"},
      {"another entity under the id",
       Task("new"),
       EntityType::kAccount,
       {{F(EntityType::kAccount, "notes"), Value::String("x")}},
       StatusCode::kInvalidArgument,
       absl::StrCat("account ", kRecordId, ": that id belongs to a service_task")},
      {"an edit that leaves an invalid record invalid",
       invalid_account,
       EntityType::kAccount,
       {{F(EntityType::kAccount, "notes"), Value::String("x")}},
       StatusCode::kInvalidArgument,
       "account.parent_account_id: points at the record itself"},
      {"a change that changes nothing breaks no rule",
       invalid_account,
       EntityType::kAccount,
       {{F(EntityType::kAccount, "parent_account_id"), Value::String(kRecordId)}},
       StatusCode::kOk,
       ""},
      {"a status written again as it is",
       Task("done"),
       kTask,
       {{status, Value::String("done")}},
       StatusCode::kOk,
       ""},
      {"a task assigned without an assignee", std::nullopt, kTask,
       [&] {
         FieldMap fields = Task("assigned").fields;
         fields.erase(F(kTask, "assignee_id"));
         return fields;
       }(),
       StatusCode::kInvalidArgument, "service_task.assignee_id: required when status is assigned"},
  };
  for (const Case& c : cases) {
    const ChangeSet change = Change(c.entity, c.before.has_value() ? 3 : 0, c.changed);
    const Record* before = c.before.has_value() ? &*c.before : nullptr;
    const absl::Status status_of =
        ValidateChangeToRecord(before, change, RecordAfterChange(before, change));
    EXPECT_EQ(status_of.code(), c.code) << c.what << ": " << status_of;
    EXPECT_EQ(status_of.message(), c.message) << c.what;
  }
}

TEST(ChangeRules, TheRecordAfterAChangeIsTheRecordWithTheChangedFieldsLaidOn) {
  const Record before = Task("accepted");
  const ChangeSet change = Change(kTask, 3,
                                  {{F(kTask, "status"), Value::String("en_route")},
                                   {F(kTask, "required_skills"), Value::Null()}});
  const Record after = RecordAfterChange(&before, change);
  EXPECT_EQ(after.Get("status"), Value::String("en_route"));
  EXPECT_FALSE(after.fields.contains(F(kTask, "required_skills"))) << "null clears";
  EXPECT_EQ(after.Get("title"), before.Get("title"));
  const Record created = RecordAfterChange(nullptr, Change(kTask, 0, Task("new").fields));
  EXPECT_EQ(created.entity, kTask);
  EXPECT_EQ(created.id, kRecordId);
  EXPECT_EQ(created.fields, Task("new").fields);
}

}  // namespace
}  // namespace mcrm
