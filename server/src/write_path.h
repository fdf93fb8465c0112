// The one way a change reaches the master store, whoever makes it: a device's push, the back
// office, a CSV import or one of the server's own jobs. Every origin gets the same stamping,
// validation, scope checks, field-level merge, conflict log, scope entries and exits, and pokes,
// so a back-office edit and a device's concurrent offline edit to one record merge by the same
// rules, land in the same conflict log and reach devices the same way.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "mcrm/change_set.h"
#include "mcrm/hlc.h"
#include "mcrm/merge.h"
#include "mcrm/scope_rule.h"
#include "mcrm/uuid.h"
#include "store/store.h"

namespace mcrm::server {

// Who a change comes from. Recorded with the change: in the conflict log, and as the typed
// tables' changed_by and changed_via columns.
struct Author {
  enum class Origin { kDevice, kBackOffice, kImport, kServerJob };
  Origin origin = Origin::kDevice;
  // The user the change acts for and whose scope it is checked against (with the device, for a
  // device's push). A server job acts as the server: it sees everything and has no user.
  Caller caller;
  std::string job;  // kServerJob: which job ("routing", "demo-data", ...)

  static Author Device(Caller caller);
  static Author BackOffice(Caller caller);
  static Author Import(Caller caller);
  static Author ServerJob(std::string job);

  // "device", "back_office", "import" or "job:<name>": the conflict log's and the typed
  // tables' changed_via.
  std::string via() const;
};

// What became of one change.
struct WriteResult {
  MergeResult result = MergeResult::kRejected;
  absl::Status status;         // why, when rejected
  int64_t server_version = 0;  // the version it committed as (or, rejected, the current one)
  std::vector<FieldConflict> conflicts;
};

// The changes of one transaction on their way through the write path. Made by
// WritePath::Transact; `Load` first, then `Apply` each change in order, then `Save`.
class WriteBatch {
 public:
  WriteBatch(StoreTx& tx, const Author& author, int64_t now_ms);

  // Reads (and locks) every record these changes touch or check scope against, in one go.
  absl::Status Load(absl::Span<const ChangeSet* const> changes);
  // The current state of a record (after the changes applied so far); nullptr when none.
  const StoredRecord* Current(const std::string& id) const;
  // Scope check, merge, scope check on the result; a rejection changes nothing. The change must
  // have passed WritePath::Prepare.
  WriteResult Apply(const ChangeSet& change);
  // Writes the changed records, scope exits and entries, resync points and conflicts.
  absl::Status Save();
  // Whom the saved changes concern (for pokes after the commit).
  const std::vector<Audience>& audiences() const { return audiences_; }

 private:
  const Record* Find(const std::string& id) const;

  StoreTx& tx_;
  const Author& author_;
  const int64_t now_ms_;
  absl::flat_hash_map<std::string, StoredRecord> records_;
  // The records the changes' scope keys name that the batch does not change (entity, deleted),
  // for the back office's and imports' check that they exist.
  absl::flat_hash_map<std::string, std::pair<EntityType, bool>> scope_targets_;
  std::vector<std::string> changed_ids_;  // in first-change order
  absl::flat_hash_set<std::string> changed_;
  std::vector<Record> scope_exits_;
  std::vector<std::string> moved_accounts_;
  std::vector<std::string> rescoped_users_;
  std::vector<ConflictEntry> conflicts_;
  std::vector<Audience> audiences_;
};

class WritePath {
 public:
  using CommitListener = std::function<void(const std::vector<Audience>&)>;

  // `on_commit` runs after a transaction committed changes, with whom they concern (the push
  // hub pokes subscribers from it).
  WritePath(Store& store, HybridClock& clock, std::function<int64_t()> now_ms,
            CommitListener on_commit = nullptr);

  // Checks a change on its own and stamps it. Validation by the author's origin (only server
  // jobs write server-computed fields; unknown fields are refused). A change that carries a
  // timestamp has the server clock observe it. A change of another origin than a device that
  // has none gets the server clock's next one, and a mutation id when it has none; a device's
  // must carry both. INVALID_ARGUMENT or OUT_OF_RANGE name the
  // field; `path` prefixes the field names ("mutations[3]").
  absl::Status Prepare(const Author& author, ChangeSet& change, absl::string_view path = "");

  // Runs `work` in one transaction with a fresh WriteBatch, then saves the batch and commits.
  // A transaction aborted by a concurrent writer is run again (up to three times). After the
  // commit, the listener hears whom the changes concern.
  absl::Status Transact(const Author& author,
                        absl::FunctionRef<absl::Status(StoreTx&, WriteBatch&)> work,
                        bool dry_run = false);

  // The whole path for origins that keep no exactly-once record of their own (the back office,
  // imports, server jobs): each change prepared, then all applied in one transaction. One result
  // per change, in order; a rejected change does not stop the others. The call fails only when
  // the store does.
  // With `dry_run`, everything runs (the same checks, merges and the store's own) and the
  // transaction is then rolled back: the results say what would happen, nothing changes.
  absl::StatusOr<std::vector<WriteResult>> Write(const Author& author,
                                                 std::vector<ChangeSet> changes,
                                                 bool dry_run = false);

  int64_t now_ms() const { return now_ms_(); }
  // An id for a record the server makes (a back-office create without one, an import's new key):
  // a UUIDv7 of the server's clock, later than every id made before it here.
  std::string NewRecordId() { return record_ids_.NextString(now_ms_()); }

 private:
  Store& store_;
  HybridClock& clock_;
  std::function<int64_t()> now_ms_;
  CommitListener on_commit_;
  UuidV7Generator mutation_ids_;
  UuidV7Generator record_ids_;
};

}  // namespace mcrm::server
