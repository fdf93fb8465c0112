// Converts between the core's types (Record, ChangeSet, Value, HlcTimestamp) and their wire
// messages in mcrm.v1. The one place where both sides meet, used by server and app alike.
#pragma once

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "mcrm/change_set.h"
#include "mcrm/hlc.h"
#include "mcrm/merge.h"
#include "mcrm/record.h"
#include "mcrm/v1/records.pb.h"
#include "mcrm/v1/sync.pb.h"
#include "mcrm/value.h"

namespace mcrm::wire {

void ToProto(const Value& value, v1::Value* out);
Value FromProto(const v1::Value& value);
// A value as the bytes of its mcrm.v1.Value, as stores keep one (a conflict's two values), and
// back. Bytes that do not parse read as null: they were written by EncodeValue.
std::string EncodeValue(const Value& value);
Value DecodeValue(absl::string_view bytes);

void ToProto(const HlcTimestamp& hlc, v1::Hlc* out);
HlcTimestamp FromProto(const v1::Hlc& hlc);

void ToProto(const Record& record, v1::Record* out);
// The entity named `name`; INVALID_ARGUMENT naming `path` when there is none.
absl::StatusOr<EntityType> EntityFromName(absl::string_view name, absl::string_view path);
// INVALID_ARGUMENT naming `path` and the field when the entity is unknown or a field number
// repeats. Field numbers the schema does not know are kept.
absl::StatusOr<Record> FromProto(const v1::Record& record, absl::string_view path = "record");

void ToProto(const ChangeSet& change, v1::Mutation* out);
// INVALID_ARGUMENT naming `path` for an unknown entity, a missing operation or a repeated field
// number. The change's content is checked by ValidateChangeSet.
absl::StatusOr<ChangeSet> FromProto(const v1::Mutation& mutation,
                                    absl::string_view path = "mutation");

void ToProto(const FieldConflict& conflict, v1::FieldConflict* out);

// A record's fields keyed by field name (the back office's NamedRecord.fields).
void ToNamedFields(const Record& record, google::protobuf::Map<std::string, v1::Value>* out);
// Fields by name as fields of `entity`; a Value with nothing set is null (clears the field).
// INVALID_ARGUMENT "<path>.<name>: ..." for a name the entity has no field of.
absl::StatusOr<FieldMap> FromNamedFields(EntityType entity,
                                         const google::protobuf::Map<std::string, v1::Value>& named,
                                         absl::string_view path);

}  // namespace mcrm::wire
