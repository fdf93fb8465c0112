// The embedded store: one SQLite file in WAL mode, one connection behind a mutex (SQLite has one
// writer at a time anyway). Pull cursors are a plain sequence: with a single writer, sequence
// order is commit order, so `seq > cursor` cannot skip a change.
//
// Every record is kept encoded in `records` (numbered migrations below). Beside it, the typed
// tables (sqlite_typed_tables.*: one table per entity, one column per field, an FTS5 table for
// search) are written in the same transaction by SaveRecords, made and refilled from the schema
// when it changes (after the migrations, at open), and answer Find.
#include <sqlite3.h>

#include <mutex>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "mcrm/sqlite/statement.h"
#include "mcrm/status_macros.h"
#include "store/encoding.h"
#include "store/pull_merge.h"
#include "store/scope_sql.h"
#include "store/sqlite_typed_tables.h"
#include "store/store.h"
#include "wire_codec.h"

namespace mcrm::server {
namespace {

using sqlite::Exec;
using sqlite::InTransaction;
using sqlite::Statement;

// Migrations by PRAGMA user_version; each runs in one transaction.
const char* const kMigrations[] = {
    // 1: records, idempotency, conflicts, identity.
    R"sql(
CREATE TABLE records (
  id TEXT PRIMARY KEY,
  entity INTEGER NOT NULL,
  version INTEGER NOT NULL,
  seq INTEGER NOT NULL UNIQUE,
  deleted INTEGER NOT NULL,
  owner_id TEXT NOT NULL,
  territory_id TEXT NOT NULL,
  account_id TEXT NOT NULL,
  assignee_id TEXT NOT NULL,
  record BLOB NOT NULL,
  stamps BLOB NOT NULL
) WITHOUT ROWID;
CREATE INDEX records_by_account ON records(account_id);
CREATE INDEX records_by_owner ON records(owner_id);
CREATE INDEX records_by_territory ON records(territory_id);
CREATE INDEX records_by_assignee ON records(assignee_id);
CREATE TABLE mutation_results (
  device_id TEXT NOT NULL,
  mutation_id TEXT NOT NULL,
  result BLOB NOT NULL,
  PRIMARY KEY (device_id, mutation_id)
) WITHOUT ROWID;
CREATE TABLE conflicts (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  entity INTEGER NOT NULL,
  record_id TEXT NOT NULL,
  field INTEGER NOT NULL,
  incoming BLOB NOT NULL,
  stored BLOB NOT NULL,
  incoming_hlc BLOB NOT NULL,
  stored_hlc BLOB NOT NULL,
  incoming_won INTEGER NOT NULL,
  device_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  server_version INTEGER NOT NULL,
  at_ms INTEGER NOT NULL
);
CREATE INDEX conflicts_by_record ON conflicts(record_id);
CREATE INDEX conflicts_by_user ON conflicts(user_id);
CREATE TABLE credentials (
  user_id TEXT PRIMARY KEY,
  login TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL
);
CREATE TABLE devices (
  device_id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  revoked_ms INTEGER
);
CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  device_id TEXT NOT NULL,
  expires_ms INTEGER NOT NULL
);
CREATE INDEX sessions_by_device ON sessions(device_id);
)sql",
    // 2: scope exits (removals for users who lost a record), per-user resync points.
    R"sql(
CREATE TABLE scope_exits (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL,
  entity INTEGER NOT NULL,
  owner_id TEXT NOT NULL,
  territory_id TEXT NOT NULL,
  account_id TEXT NOT NULL,
  assignee_id TEXT NOT NULL
);
CREATE TABLE user_resync (
  user_id TEXT PRIMARY KEY,
  position INTEGER NOT NULL
);
)sql",
    // 3: ages for the tombstone horizon.
    R"sql(
ALTER TABLE records ADD COLUMN changed_ms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE scope_exits ADD COLUMN at_ms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE mutation_results ADD COLUMN at_ms INTEGER NOT NULL DEFAULT 0;
CREATE INDEX records_tombstones ON records(changed_ms) WHERE deleted = 1;
CREATE TABLE store_state (
  key TEXT PRIMARY KEY,
  value INTEGER NOT NULL
);
)sql",
    // 4: whom a conflicting change came through (device, back office, import, a server job).
    R"sql(
ALTER TABLE conflicts ADD COLUMN via TEXT NOT NULL DEFAULT 'device';
)sql",
    // 5: whom each record's last change came through, and for whom (the typed tables show it).
    R"sql(
ALTER TABLE records ADD COLUMN changed_by TEXT NOT NULL DEFAULT '';
ALTER TABLE records ADD COLUMN changed_via TEXT NOT NULL DEFAULT '';
)sql",
    // 6: a rep's accounts are found in the typed accounts table (scope_sql.h), whose indexes
    // serve it; these only cost every write.
    R"sql(
DROP INDEX records_by_owner;
DROP INDEX records_by_territory;
DROP INDEX records_by_assignee;
)sql",
    // 7: each device's last completed sync and what it held unsent then (the back office's
    // device list).
    R"sql(
ALTER TABLE devices ADD COLUMN last_sync_ms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE devices ADD COLUMN unsent_changes INTEGER NOT NULL DEFAULT 0;
CREATE INDEX devices_by_user ON devices(user_id);
)sql",
    // 8: the stable keys imports name records by (as in the PostgreSQL store).
    R"sql(
CREATE TABLE record_keys (
  entity TEXT NOT NULL,
  key TEXT NOT NULL,
  id TEXT NOT NULL,
  PRIMARY KEY (entity, key)
) WITHOUT ROWID;
)sql",
};

// The database's clock in ms since the Unix epoch, as SQL.
constexpr const char* kNowMs = "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)";
static_assert(sizeof(kMigrations) / sizeof(kMigrations[0]) == kStoreSchemaVersion);

std::string JsonTerritories(const std::vector<std::string>& ids) {
  std::string out = "[";
  for (size_t i = 0; i < ids.size(); ++i) absl::StrAppend(&out, i ? "," : "", "\"", ids[i], "\"");
  return out + "]";
}

// Pulls and counts name the user ?4 or ?2 and the territories (a JSON array) ?3.
const ScopeSqlDialect kPullScope{ScopeSqlDialect::Kind::kSqlite, "?4", "?3"};
const ScopeSqlDialect kCountScope{ScopeSqlDialect::Kind::kSqlite, "?2", "?3"};

class SqliteTx final : public StoreTx {
 public:
  explicit SqliteTx(sqlite3* db) : db_(db) {}

  // One writer at a time (BEGIN IMMEDIATE): transactions already take turns.
  absl::Status SerializeDevice(absl::string_view) override { return absl::OkStatus(); }

  absl::StatusOr<std::vector<StoredRecord>> LoadRecords(
      absl::Span<const std::string> ids) override {
    std::vector<StoredRecord> out;
    Statement stmt(db_, "SELECT record, stamps FROM records WHERE id = ?1");
    for (const std::string& id : ids) {
      stmt.Reset();
      stmt.Text(1, id);
      ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) continue;
      StoredRecord stored;
      ASSIGN_OR_RETURN(stored.record, DecodeRecord(stmt.ColumnBlob(0)));
      ASSIGN_OR_RETURN(stored.stamps, DecodeStamps(stmt.ColumnBlob(1)));
      out.push_back(std::move(stored));
    }
    return out;
  }

  // One writer at a time: nothing to lock against.
  absl::StatusOr<std::vector<StoredRecord>> PeekRecords(
      absl::Span<const std::string> ids) override {
    return LoadRecords(ids);
  }

  absl::Status SaveRecords(absl::Span<const StoredRecord> records) override {
    ASSIGN_OR_RETURN(int64_t seq, LastSeq());
    // A row is written only over an older version of itself, as in the PostgreSQL store.
    static const std::string kInsert = absl::StrCat(
        "INSERT INTO records (id, entity, version, seq, deleted, owner_id, "
        "territory_id, account_id, assignee_id, record, stamps, changed_by, changed_via, "
        "changed_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ",
        kNowMs,
        ") ON CONFLICT (id) DO UPDATE SET entity = excluded.entity, version = excluded.version, "
        "seq = excluded.seq, deleted = excluded.deleted, owner_id = excluded.owner_id, "
        "territory_id = excluded.territory_id, account_id = excluded.account_id, assignee_id = "
        "excluded.assignee_id, record = excluded.record, stamps = excluded.stamps, changed_by = "
        "excluded.changed_by, changed_via = excluded.changed_via, changed_ms = "
        "excluded.changed_ms WHERE records.version < excluded.version");
    Statement stmt(db_, kInsert);
    // Each record's typed row follows its records row, reading its version, time and author
    // from it; the full-text rows come after all of them (see SqliteTypedRows).
    SqliteTypedRows typed(db_);
    for (const StoredRecord& stored : records) {
      const Record& r = stored.record;
      stmt.Reset();
      stmt.Text(1, r.id)
          .Int(2, static_cast<int64_t>(r.entity))
          .Int(3, r.meta.server_version)
          .Int(4, ++seq)
          .Int(5, int64_t{r.meta.deleted})
          .Text(6, r.meta.scope.owner_id)
          .Text(7, r.meta.scope.territory_id)
          .Text(8, r.meta.scope.account_id)
          .Text(9, r.meta.scope.assignee_id)
          .Blob(10, EncodeRecord(r))
          .Blob(11, EncodeStamps(stored.stamps))
          .Text(12, author_user_id_)
          .Text(13, author_via_);
      RETURN_IF_ERROR(stmt.Run());
      if (sqlite3_changes(db_) == 0) {
        return absl::AbortedError(
            "a record was written by another transaction meanwhile; send the change again");
      }
      RETURN_IF_ERROR(typed.Write(r));
    }
    return typed.Flush();
  }

  absl::StatusOr<absl::flat_hash_map<std::string, std::string>> FindMutationResults(
      absl::string_view device_id, absl::Span<const std::string> mutation_ids) override {
    absl::flat_hash_map<std::string, std::string> out;
    Statement stmt(db_,
                   "SELECT result FROM mutation_results WHERE device_id = ?1 AND mutation_id = ?2");
    for (const std::string& id : mutation_ids) {
      stmt.Reset();
      stmt.Text(1, device_id).Text(2, id);
      ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (row) out[id] = std::string(stmt.ColumnBlob(0));
    }
    return out;
  }

  absl::Status SaveMutationResults(
      absl::string_view device_id,
      absl::Span<const std::pair<std::string, std::string>> results) override {
    static const std::string kInsert = absl::StrCat(
        "INSERT OR IGNORE INTO mutation_results (device_id, mutation_id, result, at_ms) "
        "VALUES (?1, ?2, ?3, ",
        kNowMs, ")");
    Statement stmt(db_, kInsert);
    for (const auto& [id, result] : results) {
      stmt.Reset();
      stmt.Text(1, device_id).Text(2, id).Blob(3, result);
      RETURN_IF_ERROR(stmt.Run());
    }
    return absl::OkStatus();
  }

  absl::Status AppendConflicts(absl::Span<const ConflictEntry> conflicts) override {
    Statement stmt(
        db_,
        "INSERT INTO conflicts (entity, record_id, field, incoming, stored, incoming_hlc, "
        "stored_hlc, incoming_won, device_id, user_id, server_version, at_ms, via) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)");
    for (const ConflictEntry& c : conflicts) {
      stmt.Reset();
      stmt.Int(1, static_cast<int64_t>(c.entity))
          .Text(2, c.record_id)
          .Int(3, int64_t{c.conflict.field})
          .Blob(4, wire::EncodeValue(c.conflict.incoming))
          .Blob(5, wire::EncodeValue(c.conflict.stored))
          .Blob(6, EncodeHlc(c.conflict.incoming_hlc))
          .Blob(7, EncodeHlc(c.conflict.stored_hlc))
          .Int(8, int64_t{c.conflict.incoming_won})
          .Text(9, c.device_id)
          .Text(10, c.user_id)
          .Int(11, c.server_version)
          .Int(12, c.at_ms)
          .Text(13, c.via);
      RETURN_IF_ERROR(stmt.Run());
    }
    return absl::OkStatus();
  }

  absl::Status RecordScopeExits(absl::Span<const Record> before) override {
    ASSIGN_OR_RETURN(int64_t seq, LastSeq());
    static const std::string kInsert = absl::StrCat(
        "INSERT INTO scope_exits (seq, id, entity, owner_id, territory_id, account_id, "
        "assignee_id, at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ",
        kNowMs, ")");
    Statement stmt(db_, kInsert);
    for (const Record& r : before) {
      stmt.Reset();
      stmt.Int(1, ++seq)
          .Text(2, r.id)
          .Int(3, static_cast<int64_t>(r.entity))
          .Text(4, r.meta.scope.owner_id)
          .Text(5, r.meta.scope.territory_id)
          .Text(6, r.meta.scope.account_id)
          .Text(7, r.meta.scope.assignee_id);
      RETURN_IF_ERROR(stmt.Run());
    }
    return absl::OkStatus();
  }

  absl::Status TouchRecordsOfAccounts(absl::Span<const std::string> account_ids) override {
    ASSIGN_OR_RETURN(int64_t seq, LastSeq());
    Statement children(
        db_, "SELECT id FROM records WHERE account_id = ?1 AND entity <> ?2 ORDER BY seq");
    Statement touch(db_, "UPDATE records SET seq = ?2 WHERE id = ?1");
    for (const std::string& account : account_ids) {
      children.Reset();
      children.Text(1, account).Int(2, static_cast<int64_t>(EntityType::kAccount));
      std::vector<std::string> ids;
      while (true) {
        ASSIGN_OR_RETURN(bool row, children.Step());
        if (!row) break;
        ids.push_back(children.ColumnText(0));
      }
      for (const std::string& id : ids) {
        touch.Reset();
        touch.Text(1, id).Int(2, ++seq);
        RETURN_IF_ERROR(touch.Run());
      }
    }
    return absl::OkStatus();
  }

  absl::Status RequireResync(absl::string_view user_id) override {
    ASSIGN_OR_RETURN(int64_t seq, LastSeq());
    Statement stmt(db_,
                   "INSERT INTO user_resync (user_id, position) VALUES (?1, ?2) "
                   "ON CONFLICT (user_id) DO UPDATE SET position = ?2");
    stmt.Text(1, user_id).Int(2, seq);
    return stmt.Run();
  }

  absl::StatusOr<absl::flat_hash_map<std::string, std::string>> IdsOfKeys(
      EntityType entity, absl::Span<const std::string> keys) override {
    absl::flat_hash_map<std::string, std::string> out;
    Statement stmt(db_, "SELECT id FROM record_keys WHERE entity = ?1 AND key = ?2");
    for (const std::string& key : keys) {
      stmt.Reset();
      stmt.Text(1, EntityName(entity)).Text(2, key);
      ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (row) out[key] = stmt.ColumnText(0);
    }
    return out;
  }

  // One writer at a time: no other transaction can take a key between IdsOfKeys and this.
  absl::Status SaveKeys(EntityType entity,
                        absl::Span<const std::pair<std::string, std::string>> keys) override {
    Statement stmt(db_, "INSERT INTO record_keys (entity, key, id) VALUES (?1, ?2, ?3)");
    for (const auto& [key, id] : keys) {
      stmt.Reset();
      stmt.Text(1, EntityName(entity)).Text(2, key).Text(3, id);
      RETURN_IF_ERROR(stmt.Run());
    }
    return absl::OkStatus();
  }

 private:
  // The last position handed out; records and scope exits share one sequence.
  absl::StatusOr<int64_t> LastSeq() {
    Statement last(db_,
                   "SELECT max((SELECT coalesce(max(seq), 0) FROM records), "
                   "(SELECT coalesce(max(seq), 0) FROM scope_exits))");
    ASSIGN_OR_RETURN(bool row, last.Step());
    return row ? last.ColumnInt(0) : 0;
  }

  sqlite3* db_;
};

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(sqlite3* db) : db_(db) {}
  ~SqliteStore() override { sqlite3_close_v2(db_); }

  absl::string_view kind() const override { return "sqlite"; }

  absl::Status Migrate(const std::string& path) {
    RETURN_IF_ERROR(Exec(db_,
                         "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                         "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000; "
                         "PRAGMA cache_size=-131072; PRAGMA mmap_size=268435456; "
                         "PRAGMA temp_store=MEMORY;"));
    Statement version_stmt(db_, "PRAGMA user_version");
    ASSIGN_OR_RETURN(bool row, version_stmt.Step());
    const int64_t version = row ? version_stmt.ColumnInt(0) : 0;
    version_stmt.Reset();  // a statement left running would block the typed tables' DROP TABLE
    if (version > kStoreSchemaVersion) {
      return absl::FailedPreconditionError(absl::StrCat(
          "store ", path, " was written by a newer mcrm-server (store schema ", version,
          "; this build knows up to ", kStoreSchemaVersion, "); upgrade mcrm-server"));
    }
    for (int64_t next = version + 1; next <= kStoreSchemaVersion; ++next) {
      RETURN_IF_ERROR(InTransaction(db_, [&]() -> absl::Status {
        absl::Status applied = Exec(db_, kMigrations[next - 1]);
        if (applied.ok()) applied = Exec(db_, absl::StrCat("PRAGMA user_version = ", next));
        if (applied.ok()) return applied;
        return absl::InternalError(
            absl::StrCat("migration ", next, " of ", path, " failed: ", applied.message()));
      }));
    }
    // Not numbered migrations: generated from the schema, and rebuilt when it changes.
    if (absl::Status typed = EnsureSqliteTypedTables(db_); !typed.ok()) {
      return absl::Status(typed.code(),
                          absl::StrCat("typed tables of ", path, ": ", typed.message()));
    }
    return absl::OkStatus();
  }

  absl::Status Transact(absl::FunctionRef<absl::Status(StoreTx&)> work) override {
    std::lock_guard lock(mutex_);
    return InTransaction(db_, [&] {
      SqliteTx tx(db_);
      return work(tx);
    });
  }

  absl::StatusOr<std::vector<StoredRecord>> ReadRecords(
      absl::Span<const std::string> ids) override {
    std::lock_guard lock(mutex_);
    SqliteTx tx(db_);
    return tx.LoadRecords(ids);
  }

  absl::StatusOr<PullPage> Pull(const ScopeFilter& scope, absl::string_view cursor,
                                int limit) override {
    int64_t after = 0;
    if (!cursor.empty() &&
        (!absl::ConsumePrefix(&cursor, "s:") || !absl::SimpleAtoi(cursor, &after))) {
      return absl::InvalidArgumentError("cursor: not a cursor of this server's store");
    }
    static const std::string kAll =
        "SELECT seq, record FROM records WHERE seq > ?1 ORDER BY seq LIMIT ?2";
    static const std::string kScoped =
        absl::StrCat("SELECT seq, record FROM records WHERE seq > ?1 AND (",
                     RepScopeSql("", kPullScope), ") ORDER BY seq LIMIT ?2");
    // Records that left the rep's scope: the old keys were in scope, the current row is not.
    static const std::string kExits = absl::StrCat(
        "SELECT e.seq, e.id, e.entity, e.owner_id, e.territory_id, e.account_id, e.assignee_id "
        "FROM scope_exits e WHERE e.seq > ?1 AND (",
        RepScopeSql("e.", kPullScope),
        ") AND NOT EXISTS (SELECT 1 FROM records r WHERE r.id = e.id AND (",
        RepScopeSql("r.", kPullScope), ")) ORDER BY e.seq LIMIT ?2");
    std::lock_guard lock(mutex_);
    PullPage page;
    if (after > 0) {
      Statement horizon(db_, "SELECT value FROM store_state WHERE key = 'horizon'");
      ASSIGN_OR_RETURN(bool row, horizon.Step());
      if (row && after < horizon.ColumnInt(0)) {
        page.resync_required = true;
        return page;
      }
    }
    if (after > 0 && !scope.everything) {
      Statement resync(db_, "SELECT position FROM user_resync WHERE user_id = ?1");
      resync.Text(1, scope.user_id);
      ASSIGN_OR_RETURN(bool row, resync.Step());
      if (row && after < resync.ColumnInt(0)) {
        page.resync_required = true;
        page.next_cursor = "";
        return page;
      }
    }
    std::vector<PulledItem> changed, exits;
    {
      Statement stmt(db_, scope.everything ? kAll : kScoped);
      stmt.Int(1, after).Int(2, int64_t{limit} + 1);
      if (!scope.everything)
        stmt.Text(3, JsonTerritories(scope.territory_ids)).Text(4, scope.user_id);
      while (true) {
        ASSIGN_OR_RETURN(bool row, stmt.Step());
        if (!row) break;
        PulledItem item;
        item.major = static_cast<uint64_t>(stmt.ColumnInt(0));
        item.encoded = std::string(stmt.ColumnBlob(1));
        changed.push_back(std::move(item));
      }
    }
    // A pull from the start has nothing to remove.
    if (!scope.everything && after > 0) {
      Statement stmt(db_, kExits);
      stmt.Int(1, after).Int(2, int64_t{limit} + 1);
      stmt.Text(3, JsonTerritories(scope.territory_ids)).Text(4, scope.user_id);
      while (true) {
        ASSIGN_OR_RETURN(bool row, stmt.Step());
        if (!row) break;
        PulledItem item;
        item.major = static_cast<uint64_t>(stmt.ColumnInt(0));
        item.encoded =
            ScopeExitRecord(static_cast<EntityType>(stmt.ColumnInt(2)), stmt.ColumnText(1),
                            ScopeKeys{stmt.ColumnText(3), stmt.ColumnText(4), stmt.ColumnText(5),
                                      stmt.ColumnText(6)});
        exits.push_back(std::move(item));
      }
    }
    uint64_t last = static_cast<uint64_t>(after);
    std::string unused;
    page.encoded_records = MergePulled(std::move(changed), std::move(exits), limit, kMaxAnswerBytes,
                                       page.more, last, unused);
    page.next_cursor = absl::StrCat("s:", last);
    return page;
  }

  absl::StatusOr<int64_t> CountScope(const ScopeFilter& scope) override {
    static const std::string kScoped = absl::StrCat(
        "SELECT count(*) FROM records WHERE deleted = 0 AND (", RepScopeSql("", kCountScope), ")");
    std::lock_guard lock(mutex_);
    Statement stmt(db_,
                   scope.everything ? "SELECT count(*) FROM records WHERE deleted = 0" : kScoped);
    if (!scope.everything) {
      stmt.Text(2, scope.user_id);
      stmt.Text(3, JsonTerritories(scope.territory_ids));
    }
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    return row ? stmt.ColumnInt(0) : 0;
  }

  absl::StatusOr<int64_t> PurgeBefore(int64_t cutoff_ms, int64_t results_cutoff_ms) override {
    int64_t purged = 0;
    RETURN_IF_ERROR(Transact([&](StoreTx&) -> absl::Status {
      Statement newest(
          db_,
          "SELECT max(seq) FROM (SELECT seq FROM records WHERE deleted = 1 AND changed_ms < ?1 "
          "UNION ALL SELECT seq FROM scope_exits WHERE at_ms < ?1)");
      newest.Int(1, cutoff_ms);
      ASSIGN_OR_RETURN(bool row, newest.Step());
      if (row && !newest.ColumnIsNull(0)) {
        Statement horizon(
            db_,
            "INSERT INTO store_state (key, value) VALUES ('horizon', ?1) ON CONFLICT (key) "
            "DO UPDATE SET value = max(value, ?1)");
        horizon.Int(1, newest.ColumnInt(0));
        RETURN_IF_ERROR(horizon.Run());
      }
      Statement tombstones(db_, "DELETE FROM records WHERE deleted = 1 AND changed_ms < ?1");
      tombstones.Int(1, cutoff_ms);
      RETURN_IF_ERROR(tombstones.Run());
      purged = sqlite3_changes(db_);
      Statement exits(db_, "DELETE FROM scope_exits WHERE at_ms < ?1");
      exits.Int(1, cutoff_ms);
      RETURN_IF_ERROR(exits.Run());
      Statement results(db_, "DELETE FROM mutation_results WHERE at_ms < ?1");
      results.Int(1, results_cutoff_ms);
      return results.Run();
    }));
    return purged;
  }

  absl::Status NoteDeviceSync(absl::string_view device_id, int64_t at_ms,
                              int64_t unsent_changes) override {
    std::lock_guard lock(mutex_);
    Statement stmt(
        db_, "UPDATE devices SET last_sync_ms = ?2, unsent_changes = ?3 WHERE device_id = ?1");
    stmt.Text(1, device_id).Int(2, at_ms).Int(3, unsent_changes);
    return stmt.Run();
  }

  absl::StatusOr<std::vector<DeviceInfo>> ListDevices(absl::string_view user_id,
                                                      int limit) override {
    std::lock_guard lock(mutex_);
    Statement stmt(db_,
                   "SELECT device_id, user_id, last_sync_ms, unsent_changes, revoked_ms FROM "
                   "devices WHERE (?1 = '' OR user_id = ?1) ORDER BY last_sync_ms DESC, device_id "
                   "LIMIT ?2");
    stmt.Text(1, user_id).Int(2, limit);
    std::vector<DeviceInfo> out;
    while (true) {
      ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) break;
      DeviceInfo device;
      device.device_id = stmt.ColumnText(0);
      device.user_id = stmt.ColumnText(1);
      device.last_sync_ms = stmt.ColumnInt(2);
      device.unsent_changes = stmt.ColumnInt(3);
      if (!stmt.ColumnIsNull(4)) device.revoked_ms = stmt.ColumnInt(4);
      out.push_back(std::move(device));
    }
    return out;
  }

  absl::StatusOr<FoundPage> Find(const FindQuery& query) override {
    std::lock_guard lock(mutex_);
    return FindSqlite(db_, query);
  }

  absl::StatusOr<std::vector<ConflictEntry>> ConflictsForRecord(
      absl::string_view record_id) override {
    return Conflicts("record_id = ?1", record_id, 1000);
  }
  absl::StatusOr<std::vector<ConflictEntry>> ConflictsForUser(absl::string_view user_id,
                                                              int limit) override {
    return Conflicts("user_id = ?1", user_id, limit);
  }
  absl::StatusOr<std::optional<ConflictEntry>> ConflictBySeq(int64_t seq) override {
    ASSIGN_OR_RETURN(std::vector<ConflictEntry> found,
                     Conflicts("seq = CAST(?1 AS INTEGER)", absl::StrCat(seq), 1));
    if (found.empty()) return std::optional<ConflictEntry>();
    return std::optional<ConflictEntry>(std::move(found[0]));
  }

  absl::Status PutCredentials(const Credentials& c) override {
    std::lock_guard lock(mutex_);
    Statement stmt(db_,
                   "INSERT INTO credentials (user_id, login, password_hash) VALUES (?1, ?2, ?3) "
                   "ON CONFLICT (user_id) DO UPDATE SET login = ?2, password_hash = ?3");
    stmt.Text(1, c.user_id).Text(2, c.login).Text(3, c.password_hash);
    return stmt.Run();
  }

  absl::StatusOr<std::optional<Credentials>> FindCredentials(absl::string_view login) override {
    std::lock_guard lock(mutex_);
    Statement stmt(db_, "SELECT user_id, login, password_hash FROM credentials WHERE login = ?1");
    stmt.Text(1, login);
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return std::nullopt;
    return Credentials{stmt.ColumnText(0), stmt.ColumnText(1), stmt.ColumnText(2)};
  }

  absl::Status SaveSession(absl::string_view token_hash, const Session& session) override {
    std::lock_guard lock(mutex_);
    Statement device(db_, "INSERT OR IGNORE INTO devices (device_id, user_id) VALUES (?1, ?2)");
    device.Text(1, session.device_id).Text(2, session.user_id);
    RETURN_IF_ERROR(device.Run());
    Statement stmt(db_,
                   "INSERT INTO sessions (token_hash, user_id, device_id, expires_ms) "
                   "VALUES (?1, ?2, ?3, ?4)");
    stmt.Text(1, token_hash)
        .Text(2, session.user_id)
        .Text(3, session.device_id)
        .Int(4, session.expires_ms);
    return stmt.Run();
  }

  absl::StatusOr<std::optional<Session>> FindSession(absl::string_view token_hash) override {
    std::lock_guard lock(mutex_);
    Statement stmt(db_,
                   "SELECT user_id, device_id, expires_ms FROM sessions WHERE token_hash = ?1");
    stmt.Text(1, token_hash);
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return std::nullopt;
    return Session{stmt.ColumnText(0), stmt.ColumnText(1), stmt.ColumnInt(2)};
  }

  absl::Status RevokeDevice(absl::string_view device_id, int64_t at_ms) override {
    std::lock_guard lock(mutex_);
    Statement stmt(db_,
                   "UPDATE devices SET revoked_ms = coalesce(revoked_ms, ?2) WHERE device_id = ?1");
    stmt.Text(1, device_id).Int(2, at_ms);
    RETURN_IF_ERROR(stmt.Run());
    if (sqlite3_changes(db_) == 0) {
      return absl::NotFoundError(absl::StrCat("device ", device_id, ": never logged in"));
    }
    Statement end(db_, "DELETE FROM sessions WHERE device_id = ?1");
    end.Text(1, device_id);
    return end.Run();
  }

  absl::StatusOr<bool> IsDeviceRevoked(absl::string_view device_id) override {
    std::lock_guard lock(mutex_);
    Statement stmt(db_, "SELECT revoked_ms FROM devices WHERE device_id = ?1");
    stmt.Text(1, device_id);
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    return row && !stmt.ColumnIsNull(0);
  }

 private:
  absl::StatusOr<std::vector<ConflictEntry>> Conflicts(absl::string_view where,
                                                       absl::string_view key, int limit) {
    std::lock_guard lock(mutex_);
    Statement stmt(db_,
                   absl::StrCat("SELECT entity, record_id, field, incoming, stored, incoming_hlc, "
                                "stored_hlc, incoming_won, device_id, user_id, server_version, "
                                "at_ms, via, seq FROM conflicts WHERE ",
                                where, " ORDER BY seq DESC LIMIT ?2"));
    stmt.Text(1, key).Int(2, int64_t{limit});
    std::vector<ConflictEntry> out;
    while (true) {
      ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) break;
      ConflictEntry c;
      c.entity = static_cast<EntityType>(stmt.ColumnInt(0));
      c.record_id = stmt.ColumnText(1);
      c.conflict.field = static_cast<uint32_t>(stmt.ColumnInt(2));
      c.conflict.incoming = wire::DecodeValue(stmt.ColumnBlob(3));
      c.conflict.stored = wire::DecodeValue(stmt.ColumnBlob(4));
      c.conflict.incoming_hlc = DecodeHlc(stmt.ColumnBlob(5));
      c.conflict.stored_hlc = DecodeHlc(stmt.ColumnBlob(6));
      c.conflict.incoming_won = stmt.ColumnInt(7) != 0;
      c.device_id = stmt.ColumnText(8);
      c.user_id = stmt.ColumnText(9);
      c.server_version = stmt.ColumnInt(10);
      c.at_ms = stmt.ColumnInt(11);
      c.via = stmt.ColumnText(12);
      c.seq = stmt.ColumnInt(13);
      out.push_back(std::move(c));
    }
    return out;
  }

  std::mutex mutex_;
  sqlite3* db_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path) {
  sqlite3* db = nullptr;
  const int rc =
      sqlite3_open_v2(path.c_str(), &db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    absl::Status status = absl::UnavailableError(
        absl::StrCat("cannot open store ", path, ": ", db ? sqlite3_errmsg(db) : "out of memory"));
    sqlite3_close_v2(db);
    return status;
  }
  auto store = std::make_unique<SqliteStore>(db);
  RETURN_IF_ERROR(store->Migrate(path));
  return store;
}

}  // namespace mcrm::server
