// A synced record: its entity, id, field values and the sync metadata every record carries.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "mcrm/hlc.h"
#include "mcrm/schema.h"
#include "mcrm/value.h"

namespace mcrm {

// Field values keyed by field number. Numbers this build does not know (from a newer schema)
// are kept as they are, so an older app never erases a field it cannot show.
using FieldMap = std::map<uint32_t, Value>;

// The ids that decide who may see a record, derived from its fields (see ScopeRole).
struct ScopeKeys {
  std::string owner_id;
  std::string territory_id;
  std::string account_id;
  std::string assignee_id;
  friend bool operator==(const ScopeKeys&, const ScopeKeys&) = default;
};

// The sync metadata every record carries.
struct RecordMeta {
  int64_t server_version = 0;  // version of the last change the server committed; 0 = not yet
  HlcTimestamp hlc;            // HLC of the last change
  bool deleted = false;        // a tombstone: the record was deleted
  bool out_of_scope = false;   // in a pull: the record left the puller's scope; remove it
  ScopeKeys scope;             // derived from the fields by ComputeScopeKeys
  friend bool operator==(const RecordMeta&, const RecordMeta&) = default;
};

struct Record {
  EntityType entity = EntityType::kAccount;
  std::string id;  // canonical UUIDv7
  RecordMeta meta;
  FieldMap fields;

  // The field's value, or null when it is not set.
  const Value& Get(uint32_t number) const;
  // The field named `name` of this entity (which must exist), or null when it is not set.
  const Value& Get(absl::string_view name) const;
  // Sets the field named `name` (which must exist in the schema).
  void Set(absl::string_view name, Value value);

  friend bool operator==(const Record&, const Record&) = default;
};

// An upper bound of the bytes `record` takes encoded as an mcrm.v1.Record (and as stored): its
// text and names, and a generous allowance for the framing of every value, list, struct, field
// and the metadata. What bounds a record's size (kMaxRecordBytes) is checked on this.
int64_t EncodedSizeBound(const Record& record);

// The most one record may take (EncodedSizeBound): 1 MiB. Field limits alone would allow more
// (a task's 200 checklist steps of 20,000-byte answers), and a pull page holds at least one
// record: this keeps every page within its bound and receivable by any client.
inline constexpr int64_t kMaxRecordBytes = 1 << 20;

// The scope keys of a record, read from the fields whose ScopeRole says so. A record that is its
// own scope root (an account) has its own id as account_id.
ScopeKeys ComputeScopeKeys(const Record& record);

}  // namespace mcrm
