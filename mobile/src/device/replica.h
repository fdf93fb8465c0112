// The device's offline replica: the server state of the user's scope, the outbox of local
// changes not yet acknowledged, and the local conflict log, in one SQLite file (WAL). Every read
// and write of the app goes here; the network only syncs. No Qt and no gRPC in this layer.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "list_rows.h"
#include "mcrm/change_set.h"
#include "mcrm/hlc.h"
#include "mcrm/record.h"
#include "mcrm/v1/sync.pb.h"
#include "pulled_page.h"

struct sqlite3;

namespace mcrm::device {

// True for the result of a mutation the server did not apply because the push's answer reached
// its size bound (REJECTED, RESOURCE_EXHAUSTED): nothing is wrong with it; it is sent again.
inline bool IsSendAgain(const v1::MutationResult& result) {
  return result.outcome() == v1::MutationResult::REJECTED &&
         result.code() == static_cast<int>(absl::StatusCode::kResourceExhausted);
}

// One local change waiting for the server, or refused by it.
struct OutboxEntry {
  int64_t seq = 0;  // order of the local writes
  ChangeSet change;
  bool rejected = false;  // the server refused it; it waits for the user to fix or discard it
  int code = 0;           // for a rejected entry: the gRPC status code
  std::string reason;     // for a rejected entry: the server's message, naming the field
};

// A field the server resolved against this device, kept for the user to review and undo.
struct LocalConflict {
  int64_t seq = 0;
  EntityType entity = EntityType::kAccount;
  std::string record_id;
  uint32_t field = 0;
  Value mine;    // what this device wrote
  Value theirs;  // what the server had
  bool mine_won = false;
};

// Names of the points where the engine's work can be cut short by a crash, for tests that kill
// the process there (see SyncEngine::set_checkpoint and
// Replica::set_checkpoint).
namespace checkpoint {
inline constexpr char kPushSent[] = "push.sent";          // outbox marked sent, call not made
inline constexpr char kPushAnswered[] = "push.answered";  // reply received, outbox not settled
inline constexpr char kPushSettled[] = "push.settled";    // outbox settled
inline constexpr char kPullReceived[] = "pull.received";  // page received, not applied
inline constexpr char kPullApplied[] = "pull.applied";    // page and cursor committed
inline constexpr char kPageHalfApplied[] = "page.half";   // inside the page's transaction
}  // namespace checkpoint

// Not thread-safe: a Replica (one SQLite connection) is used by one thread at a time. Threads
// that work at once open their own on the same file (WAL lets them; writers take turns).
class Replica {
 public:
  // Opens (creating when missing) the replica file and applies its migrations.
  static absl::StatusOr<std::unique_ptr<Replica>> Open(const std::string& path);
  ~Replica();
  Replica(const Replica&) = delete;
  Replica& operator=(const Replica&) = delete;

  // ---- local writes (the app) ------------------------------------------------------------------
  // Records a local change: checks it like the server does, then appends it to the outbox in one
  // transaction. `base_version` comes from the replica (0 for a create). Returns the change.
  absl::StatusOr<ChangeSet> Write(EntityType entity, const std::string& record_id, FieldMap changed,
                                  const HlcTimestamp& hlc, const std::string& mutation_id);
  absl::StatusOr<ChangeSet> Delete(EntityType entity, const std::string& record_id,
                                   const HlcTimestamp& hlc, const std::string& mutation_id);

  // The user signed in on this device. Local writes are then checked against that user's scope
  // by the server's rule (mcrm/scope_rule.h), once a pull has brought the user's own record: a
  // rep learns offline that a product is not theirs to change, or that a change would move an
  // account out of their scope. Kept until the replica is wiped.
  absl::Status SetSignedInUser(const std::string& user_id);
  // The session the app signed in with (SetSignedInUser, and the token that lets the device sync
  // after a restart without asking for the password again), or nullopt. Wiped with the replica.
  absl::Status StoreSession(const std::string& user_id, const std::string& token);
  struct StoredSession {
    std::string user_id;
    std::string token;
  };
  absl::StatusOr<std::optional<StoredSession>> Session();

  // ---- reads (the app)
  // --------------------------------------------------------------------------- The record as the
  // user sees it: the server state with the pending local changes laid on top (nullopt when it does
  // not exist or is deleted, on either side).
  absl::StatusOr<std::optional<Record>> Read(const std::string& id);
  // Ids of accounts, then contacts, that `query` finds by the search rule (mcrm/search_terms.h:
  // names, phones, emails, cities; 华为 inside a name; a phone number's last digits), pending
  // changes included, at most `limit`.
  absl::StatusOr<std::vector<std::string>> Search(absl::string_view query, int limit);
  // A list as the user sees it (pending changes included), from the list tables' indexes.
  absl::StatusOr<std::vector<ListedRow>> List(const ListQuery& query);
  absl::StatusOr<int64_t> CountList(const ListQuery& query, int64_t at_most = INT64_MAX);
  absl::StatusOr<std::vector<std::string>> ListValues(EntityType entity, const std::string& field,
                                                      int limit);
  // The records of `entity` that belong to account `account_id` (its contacts, its timeline of
  // interactions, ...), as the user sees them, local creates included, in no particular order.
  absl::StatusOr<std::vector<Record>> Children(const std::string& account_id, EntityType entity);
  // The ids of the server records the replica holds, in id order.
  absl::StatusOr<std::vector<std::string>> RecordIds();
  // How many server records the replica holds (tombstones excluded).
  absl::StatusOr<int64_t> RecordCount();
  // The same, per entity.
  absl::StatusOr<std::map<EntityType, int64_t>> RecordCountsByEntity();

  // ---- sync (the engine)
  // ------------------------------------------------------------------------- The cursor stored
  // with the last applied page ("" before the first).
  absl::StatusOr<std::string> Cursor();
  // The size of the scope the server announced with the first page of the last full sync (0
  // when unknown): the "total" of an initial sync's progress, kept across interruptions.
  absl::StatusOr<int64_t> EstimatedTotal();
  // Applies a pulled page and stores the cursor that follows it, in one transaction: records are
  // stored (never recorded as local changes), tombstones and removals drop the record (a removed
  // account takes the records that follow it along).
  // Answers how many records the replica holds more (or fewer) than before.
  absl::StatusOr<int64_t> ApplyPulledPage(const PulledPage& page);
  // Starts over for "resync required": forgets every server record and the cursor, keeps the
  // outbox (unsent changes are re-applied on top of the new state when they are pushed).
  absl::Status ResetForResync();

  // The oldest pending (not rejected) outbox entries, at most `limit` and about kMaxPushBytes,
  // as mutations to push.
  absl::StatusOr<std::vector<v1::Mutation>> PendingMutations(int limit);
  // Settles the outbox from a push's results: applied and merged entries go; conflicts go to
  // the local conflict log and the entry goes; rejected entries stay, marked, with the reason.
  absl::Status ApplyPushResults(const v1::PushResponse& response);

  absl::StatusOr<std::vector<OutboxEntry>> Outbox();
  // The ids of the records with local changes the server has not accepted yet (pending or
  // rejected): what lists mark as not sent.
  absl::StatusOr<absl::flat_hash_set<std::string>> UnsentRecordIds();
  // Whether `id` has such changes.
  absl::StatusOr<bool> HasUnsentChanges(const std::string& id);
  // How many local changes the server has not accepted yet (pending or rejected): what a pull
  // reports, so that the back office sees which devices hold unsent work.
  absl::StatusOr<int64_t> UnsentCount();
  absl::StatusOr<std::vector<LocalConflict>> Conflicts();
  // Undoes the server's resolution of a conflict: the value that lost (this device's, or the
  // server's when this device won) is written back as a new local change, and the conflict leaves
  // the log, in one transaction.
  absl::StatusOr<ChangeSet> UndoConflict(int64_t conflict_seq, const HlcTimestamp& hlc,
                                         const std::string& mutation_id);
  // Takes a conflict out of the log, keeping the server's resolution as it is.
  absl::Status DismissConflict(int64_t conflict_seq);
  // Drops a rejected entry the user chose to discard.
  absl::Status Discard(int64_t outbox_seq);

  // Removes everything: the server told this device it is revoked.
  absl::Status Wipe();

  // Called at checkpoint::kPageHalfApplied, halfway through a page's transaction; crash tests
  // kill the process there.
  void set_checkpoint(std::function<void(absl::string_view)> checkpoint) {
    checkpoint_ = std::move(checkpoint);
  }

 private:
  class Checkpointer;
  explicit Replica(sqlite3* db);
  // Called by SQLite after each commit with the log's size in pages.
  static int OnCommit(void* self, sqlite3* db, const char* name, int wal_pages);
  absl::Status Migrate();
  // Makes the list tables anew and fills them unless they were made by this build's DDL.
  absl::Status EnsureListTables();
  // Writes every list row from the stored records and the outbox, into empty tables.
  absl::Status FillListRows();
  // Rewrites the list row of a record as the user now sees it (drops it when it no longer shows).
  absl::Status RefreshListRow(EntityType entity, const std::string& id);
  // The stored server state of a record, or nullopt.
  absl::StatusOr<std::optional<Record>> ServerState(const std::string& id);
  // A change of this device's to `record_id`, made on the server version the replica holds.
  absl::StatusOr<ChangeSet> NewChange(EntityType entity, const std::string& record_id,
                                      const HlcTimestamp& hlc, const std::string& mutation_id);
  // Appends to the outbox; `also` (when set) runs in the same transaction.
  absl::StatusOr<ChangeSet> Append(ChangeSet change,
                                   const std::function<absl::Status()>& also = nullptr);
  absl::StatusOr<ChangeSet> WriteWith(EntityType entity, const std::string& record_id,
                                      FieldMap changed, const HlcTimestamp& hlc,
                                      const std::string& mutation_id,
                                      const std::function<absl::Status()>& also);
  absl::Status StoreServerState(const Record& record);
  absl::StatusOr<std::optional<std::string>> SignedInUser();
  // Read(), with the scope keys the record's fields give it now (nullopt for an empty id).
  absl::StatusOr<std::optional<Record>> ScopedRead(const std::string& id);
  // The server's scope checks for a local change of the signed-in user: may they change
  // `before` (nullptr: a create), and does `after` (nullptr: a delete) stay in their scope.
  absl::Status CheckScope(const ChangeSet& change, const Record* before, const Record* after);
  // Lays an acknowledged change (and the server's side of any conflict it lost) on the stored
  // server state, until a pull brings the real one.
  absl::Status FoldAcknowledged(const ChangeSet& change, const v1::MutationResult& result);

  sqlite3* db_;
  std::unique_ptr<Checkpointer> checkpointer_;
  std::function<void(absl::string_view)> checkpoint_;
};

// The replica's schema version (PRAGMA user_version) this build writes.
inline constexpr int kReplicaSchemaVersion = 5;

}  // namespace mcrm::device
