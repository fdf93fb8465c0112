// The codec between the core's types and the wire, and what an older app does with fields from
// a newer schema.
#include "wire_codec.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "mcrm/change_set.h"
#include "mcrm/validation.h"
#include "sample_records.h"

namespace mcrm {
namespace {

using ::mcrm::testing::ValidSample;
using ::testing::HasSubstr;

Record RoundTrip(const Record& record) {
  v1::Record proto;
  wire::ToProto(record, &proto);
  v1::Record parsed;
  EXPECT_TRUE(parsed.ParseFromString(proto.SerializeAsString()));
  auto back = wire::FromProto(parsed);
  EXPECT_TRUE(back.ok()) << back.status();
  return back.ok() ? *back : Record{};
}

TEST(WireCodec, EveryEntityRoundTripsFieldForField) {
  for (const EntitySpec& entity : AllEntities()) {
    Record record = ValidSample(entity.type);
    record.meta.server_version = 42;
    record.meta.hlc = HlcTimestamp{1793696400000, 3, "dev-1"};
    record.meta.scope = ComputeScopeKeys(record);
    EXPECT_EQ(RoundTrip(record), record) << entity.name;
  }
}

// A task with every checklist step answered at length: the field limits allow it, the bound on a
// whole record (kMaxRecordBytes) does not.
Record LargestTask(int steps, size_t answer_bytes) {
  Record task = ValidSample(EntityType::kServiceTask);
  Value::List checklist;
  for (int i = 0; i < steps; ++i) {
    checklist.push_back(
        Value::StructOf({{"key", Value::String(absl::StrCat("step-", i))},
                         {"prompt", Value::String(std::string(500, 'p'))},
                         {"kind", Value::String("text")},
                         {"answer_text", Value::String(std::string(answer_bytes, 'a'))}}));
  }
  task.Set("checklist", Value::ListOf(std::move(checklist)));
  return task;
}

// EncodedSizeBound is what the record-size rule checks: it must never be below the real size.
TEST(WireCodec, TheSizeBoundIsAtLeastTheEncodedSize) {
  std::vector<Record> records;
  for (const EntitySpec& spec : AllEntities()) records.push_back(ValidSample(spec.type));
  records.push_back(LargestTask(40, 20000));
  for (Record& r : records) {
    r.meta.scope = ComputeScopeKeys(r);
    r.meta.hlc = HlcTimestamp{1793696400000, 7, "tablet-0001"};
    r.meta.server_version = 123456;
    v1::Record proto;
    wire::ToProto(r, &proto);
    EXPECT_GE(EncodedSizeBound(r), static_cast<int64_t>(proto.ByteSizeLong()))
        << EntityName(r.entity);
  }
}

TEST(WireCodec, ARecordLargerThanOneMebibyteIsRefusedWhole) {
  const Record fits = LargestTask(40, 20000);
  EXPECT_TRUE(ValidateRecord(fits).ok()) << ValidateRecord(fits);
  const Record too_large = LargestTask(200, 20000);
  const absl::Status status = ValidateRecord(too_large);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("service_task: the record would take "));
  EXPECT_THAT(std::string(status.message()), HasSubstr("bytes, at most 1048576"));
}

TEST(WireCodec, TombstonesRoundTrip) {
  Record tombstone;
  tombstone.entity = EntityType::kContact;
  tombstone.id = ::mcrm::testing::kRecordId;
  tombstone.meta.deleted = true;
  tombstone.meta.server_version = 9;
  tombstone.meta.scope.account_id = ::mcrm::testing::kAccountId;
  EXPECT_EQ(RoundTrip(tombstone), tombstone);
}

TEST(WireCodec, AnOlderAppEditingARecordKeepsFieldsFromANewerSchema) {
  // The server (newer schema) sends an account with field 99 and a new sub-field in an address.
  Record newer = ValidSample(EntityType::kAccount);
  newer.meta.server_version = 5;
  newer.fields[99] = Value::StructOf({{"score", Value::Double(0.7)}});
  Value::Struct address = newer.Get("addresses").list_value()[0].struct_value();
  address["floor"] = Value::String("3rd");
  newer.Set("addresses", Value::ListOf({Value::StructOf(address)}));

  // The older app stores what it received, unknown parts included ...
  Record on_device = RoundTrip(newer);
  ASSERT_EQ(on_device.Get(99u), newer.Get(99u));
  ASSERT_TRUE(ValidateRecord(on_device).ok()) << ValidateRecord(on_device);
  // ... and edits one field: the change it sends names that field only.
  ChangeSet edit;
  edit.mutation_id = "01890a5d-ac96-774b-bcce-b302099a9999";
  edit.entity = EntityType::kAccount;
  edit.record_id = on_device.id;
  edit.base_version = on_device.meta.server_version;
  edit.hlc = HlcTimestamp{1793696400000, 0, "old-app"};
  edit.changed[Spec(EntityType::kAccount).FieldByName("notes")->number] = Value::String("visited");
  ApplyChangedFields(edit, on_device.fields);

  v1::Mutation wire_edit;
  wire::ToProto(edit, &wire_edit);
  ASSERT_EQ(wire_edit.changed_size(), 1);
  auto parsed = wire::FromProto(wire_edit);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_FALSE(parsed->changed.contains(99u)) << "the old app must not send what it cannot know";
  EXPECT_EQ(on_device.Get(99u), newer.Get(99u)) << "its local copy keeps the newer field";
  EXPECT_EQ(on_device.Get("addresses").list_value()[0].Get("floor"), Value::String("3rd"));
}

TEST(WireCodec, AMutationCarriesNullsToClearFields) {
  ChangeSet change;
  change.mutation_id = "01890a5d-ac96-774b-bcce-b302099a9999";
  change.entity = EntityType::kContact;
  change.record_id = ::mcrm::testing::kRecordId;
  change.base_version = 3;
  change.hlc = HlcTimestamp{1793696400000, 1, "dev"};
  change.changed[4] = Value::Null();
  change.changed[2] = Value::String("Anne");
  v1::Mutation proto;
  wire::ToProto(change, &proto);
  auto back = wire::FromProto(proto);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->changed, change.changed);
  EXPECT_EQ(back->hlc, change.hlc);
  EXPECT_EQ(back->base_version, 3);
}

TEST(WireCodec, RefusesMalformedMessagesNamingTheField) {
  v1::Record record;
  record.set_entity("acount");
  EXPECT_THAT(std::string(wire::FromProto(record, "pull.records[3]").status().message()),
              HasSubstr("pull.records[3].entity: unknown entity \"acount\""));

  v1::Mutation mutation;
  mutation.set_entity("account");
  mutation.set_op(v1::Mutation::UPSERT);
  mutation.add_changed()->set_number(1);
  mutation.add_changed()->set_number(1);
  EXPECT_THAT(std::string(wire::FromProto(mutation, "mutations[0]").status().message()),
              HasSubstr("mutations[0].changed[1].number: field 1 appears twice"));

  v1::Mutation no_op;
  no_op.set_entity("account");
  EXPECT_THAT(std::string(wire::FromProto(no_op, "mutations[2]").status().message()),
              HasSubstr("mutations[2].op: must be UPSERT or DELETE"));

  v1::Mutation zero;
  zero.set_entity("account");
  zero.set_op(v1::Mutation::UPSERT);
  zero.add_changed()->set_number(0);
  EXPECT_THAT(std::string(wire::FromProto(zero, "m").status().message()),
              HasSubstr("m.changed[0].number: must not be 0"));
}

}  // namespace
}  // namespace mcrm
