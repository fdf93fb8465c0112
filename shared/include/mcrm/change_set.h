// A change to one record as a device or the back office made it: the fields that changed and
// the server version the change was made on. Sending only changed fields is what lets two edits
// to different fields both survive, and an older app leave a newer field alone.
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "mcrm/hlc.h"
#include "mcrm/record.h"
#include "mcrm/schema.h"

namespace mcrm {

struct ChangeSet {
  enum class Op { kUpsert, kDelete };

  std::string mutation_id;  // UUIDv7 made by the author; a retry reuses it
  EntityType entity = EntityType::kAccount;
  std::string record_id;     // UUIDv7 of the record; a create uses a new one
  int64_t base_version = 0;  // server_version of the record the author saw; 0 for a create
  HlcTimestamp hlc;          // when the author made the change
  Op op = Op::kUpsert;
  FieldMap changed;  // the changed fields only; null clears a field. Empty for a delete.
};

// Who made a change: devices may not write server-computed fields.
enum class ChangeOrigin { kDevice, kServer };

// Checks a change on its own: ids, base version, clock, and each changed value against its
// field's rules. Field numbers and struct members this build does not know are refused unless
// `allow_unknown` (a server refuses them: it is the newest reader of the schema; a device keeps
// the members a newer server sent in a list it edits). Whole-record rules run after the merge,
// on the result.
absl::Status ValidateChangeSet(const ChangeSet& change, ChangeOrigin origin, bool allow_unknown);

// Applies `change` to the fields of `record` (no checks, no metadata): what an author does to
// its own copy, and what the merge does for the fields it accepts.
void ApplyChangedFields(const ChangeSet& change, FieldMap& fields);

}  // namespace mcrm
