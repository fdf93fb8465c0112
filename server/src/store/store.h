// The master store behind mcrm-server: one interface, two implementations (PostgreSQL and the
// embedded SQLite store) that pass one conformance suite. No SQL or driver types here.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "mcrm/merge.h"
#include "mcrm/record.h"
#include "mcrm/scope_rule.h"

namespace mcrm::server {

// One overwritten value, kept so the rep and the back office can see and undo it.
struct ConflictEntry {
  EntityType entity = EntityType::kAccount;
  std::string record_id;
  FieldConflict conflict;
  std::string device_id;  // the device whose change met the conflict
  std::string user_id;
  int64_t server_version = 0;  // the record version the change committed as (or met)
  int64_t at_ms = 0;
  // Whom the change came through: "device", "back_office", "import" or "job:<name>".
  std::string via = "device";
  // The entry's number in the log, given by the store (0 before it is stored).
  int64_t seq = 0;
};

// Which records a pull may return: the scope rule (mcrm/scope_rule.h) for one caller.
struct ScopeFilter {
  bool everything = false;  // dispatchers and admins
  std::string user_id;
  std::vector<std::string> territory_ids;

  static ScopeFilter Of(const Caller& caller) {
    return ScopeFilter{caller.sees_everything(), caller.user_id, caller.territory_ids};
  }
};

struct PullPage {
  // Full states, tombstones or scope exits, in cursor order, each an encoded mcrm.v1.Record
  // (EncodeRecord): the stores keep records encoded, so a pull serves them without decoding.
  std::vector<std::string> encoded_records;
  std::string next_cursor;  // opaque; pass back unchanged
  bool more = false;
  // The cursor predates a change of the user's own scope (territories, role) or the tombstone
  // horizon: the device must start again from an empty cursor. No records come with it.
  bool resync_required = false;
};

// A login's stored credentials.
struct Credentials {
  std::string user_id;
  std::string login;
  std::string password_hash;  // libsodium crypto_pwhash_str (Argon2id)
};

// A device that signed in, as the back office sees it.
struct DeviceInfo {
  std::string device_id;
  std::string user_id;
  int64_t last_sync_ms = 0;  // 0: never completed a pull
  int64_t unsent_changes = 0;
  std::optional<int64_t> revoked_ms;
};

// A session bound to one device.
struct Session {
  std::string user_id;
  std::string device_id;
  int64_t expires_ms = 0;
};

// What a request's credentials resolve to, read together.
struct SessionLookup {
  bool device_revoked = false;
  std::optional<Session> session;    // the token's session, if there is one
  std::optional<StoredRecord> user;  // that session's user, if the record exists
};

// The work of one transaction. Batch-shaped so that a push of hundreds of mutations costs a
// handful of statements, not hundreds.
class StoreTx {
 public:
  virtual ~StoreTx() = default;
  // Whom this transaction's changes come through (the write path sets it before writing): the
  // typed tables record it as changed_by and changed_via.
  void SetAuthor(std::string user_id, std::string via) {
    author_user_id_ = std::move(user_id);
    author_via_ = std::move(via);
  }
  // Makes the transactions of one device take turns: held until this one ends, so a retry sent
  // while the first call still runs waits for it here, then finds its stored result (exactly
  // once). A push takes it before reading any earlier results.
  virtual absl::Status SerializeDevice(absl::string_view device_id) = 0;
  // The stored states of those ids that exist, locked against concurrent writers until commit.
  virtual absl::StatusOr<std::vector<StoredRecord>> LoadRecords(
      absl::Span<const std::string> ids) = 0;
  // The stored states of those ids that exist, without locking them: records a change only
  // names (the owner an account is given), which other writers may go on changing.
  virtual absl::StatusOr<std::vector<StoredRecord>> PeekRecords(
      absl::Span<const std::string> ids) = 0;
  // Inserts or replaces each record (whole state and stamps); stamps it for pulls. ABORTED
  // (the transaction is to be run again) when a record was written meanwhile by another
  // transaction: a create of an id that another one created first, which LoadRecords could
  // not lock as it did not exist yet.
  virtual absl::Status SaveRecords(absl::Span<const StoredRecord> records) = 0;
  // Results already stored for these mutation ids of `device_id` (mutation id -> result bytes).
  virtual absl::StatusOr<absl::flat_hash_map<std::string, std::string>> FindMutationResults(
      absl::string_view device_id, absl::Span<const std::string> mutation_ids) = 0;
  // Stores (mutation id, result bytes) pairs; a retry of the same id returns them.
  virtual absl::Status SaveMutationResults(
      absl::string_view device_id,
      absl::Span<const std::pair<std::string, std::string>> results) = 0;
  virtual absl::Status AppendConflicts(absl::Span<const ConflictEntry> conflicts) = 0;
  // Records that these records (their states before this transaction's change) left the scope
  // their keys gave them; a pull turns that into a removal for users who no longer see them.
  virtual absl::Status RecordScopeExits(absl::Span<const Record> before) = 0;
  // Re-stamps the records that follow these accounts, so that users who just gained an account
  // pull its contacts, sites, orders, ... although those last changed long ago.
  virtual absl::Status TouchRecordsOfAccounts(absl::Span<const std::string> account_ids) = 0;
  // The user's scope itself changed (territories, role): their devices' older cursors get
  // "resync required".
  virtual absl::Status RequireResync(absl::string_view user_id) = 0;
  // The stable keys imports name records of `entity` by (a customer number of the system a file
  // comes from): key -> record id, for those of `keys` that name a record.
  virtual absl::StatusOr<absl::flat_hash_map<std::string, std::string>> IdsOfKeys(
      EntityType entity, absl::Span<const std::string> keys) = 0;
  // From now on each key names its record (key, record id). ABORTED (the transaction is to be run
  // again) when another transaction gave one of these keys to a record meanwhile.
  virtual absl::Status SaveKeys(EntityType entity,
                                absl::Span<const std::pair<std::string, std::string>> keys) = 0;

 protected:
  std::string author_user_id_;
  std::string author_via_ = "job:unknown";
};

// One condition of a find on a field of the entity.
struct FieldCondition {
  enum class Op {
    kEquals,    // the field equals the value (a null value: the field is not set)
    kAtLeast,   // >= the value (scalar fields)
    kAtMost,    // <= the value (scalar fields)
    kContains,  // a list field holds the value
  };
  std::string field;
  Op op = Op::kEquals;
  Value value;
};

// Records of one entity by their fields, as the back office and reports ask for them. Answered
// from the typed tables and their indexes (mcrm/sql_view.h).
struct FindQuery {
  EntityType entity = EntityType::kAccount;
  std::vector<FieldCondition> where;  // all must hold
  std::string search;                 // full-text (mcrm/search_terms.h); "" = none
  std::string order_by;               // a scalar field; "" = by id
  bool descending = false;
  int limit = 50;          // 1 to kMaxFindLimit
  std::string page_token;  // FoundPage::next_page_token of the previous page; "" = first page
};
inline constexpr int kMaxFindLimit = 1000;

struct FoundPage {
  std::vector<StoredRecord> records;  // live records only, in the asked order
  std::string next_page_token;        // "" when this is the last page
};

class Store {
 public:
  virtual ~Store() = default;
  // "sqlite" or "postgresql".
  virtual absl::string_view kind() const = 0;

  // Runs `work` in one transaction: commits when it returns OK, rolls back otherwise (and when
  // the commit fails). UNAVAILABLE when the database cannot be reached.
  virtual absl::Status Transact(absl::FunctionRef<absl::Status(StoreTx&)> work) = 0;

  // The current states of those ids that exist, without locking (a read outside any push).
  virtual absl::StatusOr<std::vector<StoredRecord>> ReadRecords(
      absl::Span<const std::string> ids) = 0;

  // Changes after `cursor` ("" = from the start) visible to `scope`, at most `limit`, in commit
  // order: records, tombstones, and removals of records that left the scope. Never skips a
  // change, even when writers commit out of order.
  virtual absl::StatusOr<PullPage> Pull(const ScopeFilter& scope, absl::string_view cursor,
                                        int limit) = 0;

  // How many live records `scope` holds (an estimate for an initial sync's progress).
  virtual absl::StatusOr<int64_t> CountScope(const ScopeFilter& scope) = 0;

  // Forgets tombstones and scope exits older than `cutoff_ms` and mutation results older than
  // `results_cutoff_ms`; cursors from before the newest forgotten one then get
  // "resync required" (the tombstone horizon). Returns how many tombstones were forgotten.
  virtual absl::StatusOr<int64_t> PurgeBefore(int64_t cutoff_ms, int64_t results_cutoff_ms) = 0;

  // Records by their fields (see FindQuery). INVALID_ARGUMENT, naming the part at fault, for a
  // field the entity does not have, a condition that does not fit the field's type, or a page
  // token this store did not make.
  virtual absl::StatusOr<FoundPage> Find(const FindQuery& query) = 0;

  // The conflict log, newest first.
  virtual absl::StatusOr<std::vector<ConflictEntry>> ConflictsForRecord(
      absl::string_view record_id) = 0;
  virtual absl::StatusOr<std::vector<ConflictEntry>> ConflictsForUser(absl::string_view user_id,
                                                                      int limit) = 0;
  // One entry by its number; nullopt when there is none.
  virtual absl::StatusOr<std::optional<ConflictEntry>> ConflictBySeq(int64_t seq) = 0;

  // Identity.
  virtual absl::Status PutCredentials(const Credentials& credentials) = 0;
  virtual absl::StatusOr<std::optional<Credentials>> FindCredentials(absl::string_view login) = 0;
  virtual absl::Status SaveSession(absl::string_view token_hash, const Session& session) = 0;
  virtual absl::StatusOr<std::optional<Session>> FindSession(absl::string_view token_hash) = 0;
  // Marks the device revoked and ends its sessions. NOT_FOUND for a device never seen.
  virtual absl::Status RevokeDevice(absl::string_view device_id, int64_t at_ms) = 0;
  virtual absl::StatusOr<bool> IsDeviceRevoked(absl::string_view device_id) = 0;
  // A device completed a pull at `at_ms`, holding `unsent_changes` changes the server had not
  // accepted.
  virtual absl::Status NoteDeviceSync(absl::string_view device_id, int64_t at_ms,
                                      int64_t unsent_changes) = 0;
  // The devices of `user_id` ("" for all, at most `limit`), the most recently synced first.
  virtual absl::StatusOr<std::vector<DeviceInfo>> ListDevices(absl::string_view user_id,
                                                              int limit) = 0;
  // Whether `device_id` is revoked, the session of `token_hash` and its user: what every request
  // needs. By default three reads; a store that pays a round trip per read does it in one.
  virtual absl::StatusOr<SessionLookup> LookUpSession(absl::string_view token_hash,
                                                      absl::string_view device_id);
};

// The embedded store in one SQLite file (created when missing). Applies migrations; refuses a
// file written by a newer version.
absl::StatusOr<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path);

// The PostgreSQL store; `pool_size` connections, re-established when lost.
absl::StatusOr<std::unique_ptr<Store>> OpenPostgresStore(const std::string& uri, int pool_size);

// The newest schema migration this build knows; a database beyond it is refused.
inline constexpr int kStoreSchemaVersion = 8;

}  // namespace mcrm::server
