// The field-level merge: how the server applies a change made on some base version to the
// record's current state. Pure logic; the stores keep the state, this decides.
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "absl/status/status.h"
#include "mcrm/change_set.h"
#include "mcrm/record.h"

namespace mcrm {

// When a field last changed: the server version of that change and its HLC.
struct FieldStamp {
  int64_t version = 0;
  HlcTimestamp hlc;
  friend bool operator==(const FieldStamp&, const FieldStamp&) = default;
};

// A record as the server keeps it: the record plus a stamp per field, which is what lets the
// merge tell "changed since your base version" field by field.
struct StoredRecord {
  Record record;
  std::map<uint32_t, FieldStamp> stamps;
  friend bool operator==(const StoredRecord&, const StoredRecord&) = default;
};

// One field both sides changed since the change's base version; the loser's value is kept here
// so that it can be shown and undone.
struct FieldConflict {
  uint32_t field = 0;
  Value incoming;  // the change's value
  Value stored;    // the value on the server before the change
  HlcTimestamp incoming_hlc;
  HlcTimestamp stored_hlc;
  bool incoming_won = false;
  friend bool operator==(const FieldConflict&, const FieldConflict&) = default;
};

enum class MergeResult {
  kApplied,   // the change applied as made
  kMerged,    // applied; other fields had changed since the base version and were kept
  kConflict,  // a field the change set had also changed since the base version; see conflicts
  kRejected,  // nothing applied; see status
};

struct MergeOutcome {
  MergeResult result = MergeResult::kRejected;
  absl::Status status;                   // why, when rejected
  std::vector<FieldConflict> conflicts;  // when kConflict
  StoredRecord state;                    // the new state (unchanged when rejected)
  bool state_changed = false;            // false when nothing needs writing (rejected, or every
                                         // field lost its conflict or was already so)
};

// Merges `change` (already checked by ValidateChangeSet) into `current` (nullptr when the record
// does not exist). `new_version` is the server version the change commits as. Rules:
// - a field unchanged since the base version takes the change's value;
// - a field changed since then is a conflict: the later HLC wins, except service_task.status,
//   where the change wins only if the state machine allows it from the current status;
// - the result must pass the rules of a change against its record (ValidateChangeToRecord in
//   mcrm/change_rules.h, which a device runs on its local writes too): the entity's validation
//   and, for service tasks, the state machine; otherwise the change is rejected whole.
MergeOutcome MergeChange(const StoredRecord* current, const ChangeSet& change, int64_t new_version);

}  // namespace mcrm
