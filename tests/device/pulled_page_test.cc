// Reading pulled records from their wire form: what the replica keeps, the search text, and
// bytes a parser would refuse.
#include "pulled_page.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "mcrm/v1/sync.pb.h"
#include "sample_records.h"
#include "wire_codec.h"

namespace mcrm::device {
namespace {

using ::mcrm::testing::ValidSample;
using ::testing::HasSubstr;

constexpr char kId[] = "01920000-0000-7000-8000-000000000001";
constexpr char kAccount[] = "01920000-0000-7000-8000-0000000000aa";

v1::Record SampleProto(EntityType entity) {
  Record r = ValidSample(entity);
  r.id = kId;
  r.meta.server_version = 7;
  r.meta.scope = ComputeScopeKeys(r);
  v1::Record proto;
  wire::ToProto(r, &proto);
  return proto;
}

TEST(PulledRecord, ReadsWhatTheReplicaKeepsAsAParserWould) {
  for (EntityType entity : {EntityType::kAccount, EntityType::kContact, EntityType::kProduct,
                            EntityType::kServiceTask}) {
    SCOPED_TRACE(EntityName(entity));
    v1::Record proto = SampleProto(entity);
    const std::string bytes = proto.SerializeAsString();
    absl::StatusOr<PulledRecord> read = ReadPulledRecord(bytes, "r");
    ASSERT_TRUE(read.ok()) << read.status();
    EXPECT_EQ(read->entity->type, entity);
    EXPECT_EQ(read->id, kId);
    EXPECT_EQ(read->server_version, 7);
    EXPECT_FALSE(read->deleted);
    EXPECT_EQ(read->account_id, proto.meta().scope().account_id());
    ASSERT_EQ(read->fields.size(), static_cast<size_t>(proto.fields_size()));
    for (int i = 0; i < proto.fields_size(); ++i) {
      EXPECT_EQ(read->fields[static_cast<size_t>(i)].first, proto.fields(i).number());
      EXPECT_EQ(read->fields[static_cast<size_t>(i)].second,
                proto.fields(i).value().SerializeAsString());
    }
  }
}

TEST(PulledRecord, RemovalsAndTombstonesAreRead) {
  v1::Record gone;
  gone.set_entity("account");
  gone.set_id(kId);
  gone.mutable_meta()->set_out_of_scope(true);
  gone.mutable_meta()->mutable_scope()->set_account_id(kAccount);
  // The record's views point into the bytes: they must outlive it.
  const std::string removal = gone.SerializeAsString();
  auto read = ReadPulledRecord(removal, "r");
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_TRUE(read->out_of_scope);
  EXPECT_EQ(read->account_id, kAccount);
  gone.mutable_meta()->set_out_of_scope(false);
  gone.mutable_meta()->set_deleted(true);
  const std::string tombstone = gone.SerializeAsString();
  read = ReadPulledRecord(tombstone, "r");
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_TRUE(read->deleted);
}

TEST(PulledRecord, AFieldsValueReadsAsTheProtobufParserReadsIt) {
  // Every field of a sample of every entity: lists, structs, lists of structs, doubles.
  for (const EntitySpec& entity : AllEntities()) {
    const std::string bytes = SampleProto(entity.type).SerializeAsString();
    auto read = ReadPulledRecord(bytes, "r");
    ASSERT_TRUE(read.ok()) << read.status();
    ASSERT_FALSE(read->fields.empty()) << entity.name;
    for (const auto& [number, encoded] : read->fields) {
      v1::Value proto;
      ASSERT_TRUE(proto.ParseFromArray(encoded.data(), static_cast<int>(encoded.size())));
      EXPECT_EQ(ReadCheckedValue(encoded), wire::FromProto(proto))
          << entity.name << " field " << number;
    }
  }
}

TEST(PulledRecord, UnknownFieldsAreSkippedAsAParserWould) {
  v1::Record proto = SampleProto(EntityType::kAccount);
  std::string bytes = proto.SerializeAsString();
  // Field 15 (varint), field 16 (length-delimited) and field 17 (a group holding a varint):
  // what a newer server might add.
  bytes += std::string("\x78\x05", 2);
  bytes += std::string("\x82\x01\x03xyz", 6);
  bytes += std::string("\x8b\x01\x08\x07\x8c\x01", 6);
  // A known field with another wire type (meta as a varint): protobuf keeps it as unknown.
  bytes += std::string("\x18\x01", 2);
  auto read = ReadPulledRecord(bytes, "r");
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->id, kId);
  EXPECT_EQ(read->server_version, 7) << "the meta read before stays";
  v1::Record parsed;
  EXPECT_TRUE(parsed.ParseFromString(bytes)) << "and the parser takes the same bytes";
}

// A length-delimited field: its tag byte, the payload's size as a varint, the payload.
std::string Tagged(char tag, const std::string& payload) {
  std::string out(1, tag);
  for (size_t n = payload.size();; n >>= 7) {
    out.push_back(static_cast<char>((n & 0x7f) | (n > 0x7f ? 0x80 : 0)));
    if (n <= 0x7f) break;
  }
  return out + payload;
}

// An account whose one field holds the encoded Value `value`.
std::string RecordWithValue(const std::string& value) {
  v1::Record proto;
  proto.set_entity("account");
  proto.set_id(kId);
  // Record.fields = 4: FieldValue{number = 1, value = 2}.
  return proto.SerializeAsString() +
         Tagged('\x22', std::string("\x08\x01", 2) + Tagged('\x12', value));
}

TEST(PulledRecord, RefusesWhatAParserWouldRefuseAndSaysWhere) {
  const std::string good = SampleProto(EntityType::kAccount).SerializeAsString();
  v1::Record no_id = SampleProto(EntityType::kAccount);
  no_id.clear_id();
  v1::Record unknown = SampleProto(EntityType::kAccount);
  unknown.set_entity("spaceship");
  const std::string entity = Tagged('\x0a', "account");
  // A list inside a list, 60 deep (120 messages): protobuf's parser stops at 100.
  std::string deep;
  for (int i = 0; i < 60; ++i) deep = Tagged('\x2a', Tagged('\x0a', deep));
  // A struct inside a struct, 33 deep: three messages a level (struct, entry, value).
  std::string deep_struct;
  for (int i = 0; i < 33; ++i) {
    deep_struct = Tagged('\x32', Tagged('\x0a', Tagged('\x0a', "k") + Tagged('\x12', deep_struct)));
  }
  // The value of a one-field FieldValue, given twice.
  v1::Record base;
  base.set_entity("account");
  base.set_id(kId);
  const std::string twice =
      base.SerializeAsString() +
      Tagged('\x22', std::string("\x08\x01", 2) + Tagged('\x12', Tagged('\x22', "\xff")) +
                         Tagged('\x12', ""));
  struct Case {
    const char* name;
    std::string bytes;
    const char* message;
  } cases[] = {
      {"cut short", good.substr(0, good.size() - 3), ""},
      {"no id", no_id.SerializeAsString(), "no id"},
      {"unknown entity", unknown.SerializeAsString(), "spaceship"},
      {"id not UTF-8", entity + Tagged('\x12', "\xc3\x28"), "not UTF-8"},
      {"id as a varint (kept as unknown, so no id)", entity + std::string("\x10\x01", 2), "no id"},
      {"a group without its end", entity + std::string("\x1b", 1), "does not parse"},
      {"a tag padded to six bytes", entity + std::string("\x92\x80\x80\x80\x80\x00\x00", 7),
       "does not parse"},
      {"a length padded to six bytes", entity + std::string("\x12\x80\x80\x80\x80\x80\x00", 7),
       "does not parse"},
      {"a value's string not UTF-8", RecordWithValue(Tagged('\x22', "\xff")), "not UTF-8"},
      {"a value's double cut short", RecordWithValue(std::string("\x19\x01\x02", 3)),
       "does not parse"},
      {"a list item cut short", RecordWithValue(Tagged('\x2a', std::string("\x0a\x05", 2))),
       "does not parse"},
      {"lists nested too deeply", RecordWithValue(deep), "nested too deeply"},
      {"structs nested too deeply", RecordWithValue(deep_struct), "nested too deeply"},
      {"a field's value twice", twice, "value twice"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    absl::StatusOr<PulledRecord> read = ReadPulledRecord(c.bytes, "pull.records[3]");
    ASSERT_FALSE(read.ok());
    EXPECT_EQ(read.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(read.status().message()), HasSubstr("pull.records[3]"));
    EXPECT_THAT(std::string(read.status().message()), HasSubstr(c.message));
    // The reader is never more lenient than the generated parser: what it takes, the replica
    // can parse again later.
    v1::Record parsed;
    EXPECT_TRUE(!parsed.ParseFromString(c.bytes) || parsed.id().empty() ||
                parsed.entity() == "spaceship")
        << "the parser accepts it";
  }
  // And what it accepts at the depth limit, the parser accepts too.
  std::string allowed;
  for (int i = 0; i < 20; ++i) allowed = Tagged('\x2a', Tagged('\x0a', allowed));
  const std::string at_limit = RecordWithValue(allowed);
  ASSERT_TRUE(ReadPulledRecord(at_limit, "r").ok());
  v1::Record parsed;
  EXPECT_TRUE(parsed.ParseFromString(at_limit));
}

TEST(PulledPageRead, ReadsRecordsCursorAndFlags) {
  v1::PullResponse response;
  *response.add_records() = SampleProto(EntityType::kAccount);
  *response.add_records() = SampleProto(EntityType::kContact);
  response.set_next_cursor("x:12:abc");
  response.set_more(true);
  response.set_estimated_total(100195);
  absl::StatusOr<PulledPage> page = ReadPulledPage(response.SerializeAsString());
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->records.size(), 2u);
  EXPECT_EQ(page->records[1].encoded, response.records(1).SerializeAsString());
  EXPECT_EQ(page->records[1].entity->type, EntityType::kContact);
  EXPECT_EQ(page->records[1].id, response.records(1).id());
  EXPECT_EQ(page->next_cursor, "x:12:abc");
  EXPECT_TRUE(page->more);
  EXPECT_FALSE(page->resync_required);
  EXPECT_EQ(page->estimated_total, 100195u);
  // Moving the page keeps its records valid (they point into bytes held apart).
  PulledPage moved = *std::move(page);
  EXPECT_EQ(moved.records[0].encoded, response.records(0).SerializeAsString());
  EXPECT_EQ(moved.records[0].id, response.records(0).id());

  EXPECT_FALSE(ReadPulledPage(std::string("\x0a\x09short", 7)).ok());
}

TEST(PulledPageRead, APageHoldingOneBadRecordIsRefusedNamingIt) {
  v1::PullResponse response;
  *response.add_records() = SampleProto(EntityType::kAccount);
  response.add_records()->set_entity("no_such_entity");
  response.set_next_cursor("x:13:abc");
  const absl::Status status = ReadPulledPage(response.SerializeAsString()).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("pull.records[1].entity"));
}

}  // namespace
}  // namespace mcrm::device
