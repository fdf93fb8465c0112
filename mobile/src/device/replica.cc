#include "replica.h"

#include <sqlite3.h>

#include <cstdlib>
#include <functional>
#include <thread>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "list_rows.h"
#include "mcrm/change_rules.h"
#include "mcrm/scope_rule.h"
#include "mcrm/search_terms.h"
#include "mcrm/sqlite/statement.h"
#include "mcrm/status_macros.h"
#include "mcrm/version.h"
#include "pulled_page.h"
#include "wire_codec.h"

namespace mcrm::device {
namespace {

using sqlite::Exec;
using sqlite::InTransaction;
using sqlite::Statement;

const char* const kMigrations[] = {
    // 1: server state, outbox, local conflict log, sync state, search index.
    R"sql(
CREATE TABLE records (
  id TEXT PRIMARY KEY,
  entity INTEGER NOT NULL,
  version INTEGER NOT NULL,
  account_id TEXT NOT NULL,
  record BLOB NOT NULL
);
CREATE INDEX records_by_account ON records(account_id);
CREATE TABLE outbox (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  mutation_id TEXT NOT NULL UNIQUE,
  record_id TEXT NOT NULL,
  mutation BLOB NOT NULL,
  base_known INTEGER NOT NULL,
  sent INTEGER NOT NULL DEFAULT 0,
  rejected INTEGER NOT NULL DEFAULT 0,
  code INTEGER NOT NULL DEFAULT 0,
  reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX outbox_by_record ON outbox(record_id);
CREATE TABLE conflicts (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  entity INTEGER NOT NULL,
  record_id TEXT NOT NULL,
  field INTEGER NOT NULL,
  mine BLOB NOT NULL,
  theirs BLOB NOT NULL,
  mine_won INTEGER NOT NULL
);
CREATE TABLE sync_state (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE VIRTUAL TABLE search USING fts5(record_id UNINDEXED, body);
)sql",
    // 2: the search entry of a record shares its rowid, so that updating or dropping a record
    // finds its entry by key instead of scanning the index (entries are rebuilt in code).
    R"sql(
DROP TABLE search;
CREATE VIRTUAL TABLE search USING fts5(body);
)sql",
    // 3: the search index keeps no copy of the text it indexes (contentless): an initial sync
    // writes a third less. An entry is taken out by giving its text again, which is derived
    // from the stored record (SearchText), so the index needs no copy of its own.
    R"sql(
DROP TABLE search;
CREATE VIRTUAL TABLE search USING fts5(body, content='');
)sql",
    // 4: the index keeps no token count per entry (columnsize=0), which cost a row of its own
    // per entry: a tenth of an initial sync. Ranking loses only its length normalization,
    // which means little for entries of a few words. Each commit adds a segment to the index;
    // merging them sixteen at a time instead of four rewrites each entry half as often (an
    // initial sync commits fifty), and searches of 100,000 entries take as long as before.
    // The new, empty index has no mark, so it is rebuilt from the records on open.
    R"sql(
DROP TABLE search;
CREATE VIRTUAL TABLE search USING fts5(body, content='', columnsize=0);
INSERT INTO search (search, rank) VALUES ('automerge', 16);
INSERT INTO search (search, rank) VALUES ('crisismerge', 64);
DELETE FROM sync_state WHERE key = 'search_schema';
)sql",
    // 5: search moves to the list tables (list_rows.h), which hold the records as the user sees
    // them, pending changes included, under the server's search rule. They are generated from
    // the schema (Replica::EnsureListTables), not numbered here.
    R"sql(
DROP TABLE search;
DELETE FROM sync_state WHERE key = 'search_schema';
)sql",
};
static_assert(sizeof(kMigrations) / sizeof(kMigrations[0]) == kReplicaSchemaVersion);

std::string EncodeMutation(const ChangeSet& change) {
  v1::Mutation proto;
  wire::ToProto(change, &proto);
  return proto.SerializeAsString();
}

absl::StatusOr<ChangeSet> DecodeMutation(absl::string_view bytes) {
  v1::Mutation proto;
  if (!proto.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
    return absl::DataLossError("replica: outbox entry does not parse");
  return wire::FromProto(proto, "outbox");
}

// A stored record, which was checked whole when it came in; one that does not read was damaged
// in the file.
absl::StatusOr<Record> DecodeStoredRecord(absl::string_view stored) {
  v1::Record proto;
  if (!proto.ParseFromArray(stored.data(), static_cast<int>(stored.size()))) {
    return absl::DataLossError("replica: a stored record does not parse");
  }
  return wire::FromProto(proto, "replica");
}

// The ids of the records with changes in the outbox (the outbox is small: a few at most,
// thousands after a long day offline).
absl::StatusOr<absl::flat_hash_set<std::string>> OutboxRecordIds(sqlite3* db) {
  absl::flat_hash_set<std::string> out;
  Statement stmt(db, "SELECT DISTINCT record_id FROM outbox");
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return out;
    out.insert(stmt.ColumnText(0));
  }
}

// The records whose scope follows their account (contacts, sites, ...): those an account takes
// along when it leaves. A service task or campaign target names an account too, but is the
// rep's by its assignee and stays.
const std::string& FollowsAccountSql() {
  static const std::string* const kSql = [] {
    std::vector<int> entities;
    for (const EntitySpec& entity : AllEntities()) {
      if (entity.scope == ScopeKind::kByAccount) entities.push_back(static_cast<int>(entity.type));
    }
    return new std::string(absl::StrCat("entity IN (", absl::StrJoin(entities, ","), ")"));
  }();
  return *kSql;
}

// The statements that keep stored records and their list rows in step, prepared once for a
// transaction's worth of records. A record of a listed entity (list_rows.h) with no pending
// local change gets its list row from the pulled record itself; one with pending changes, whose
// row shows those changes on top, is queued and rewritten by the replica (`refresh`) after the
// batch's records are stored.
class RecordRows {
 public:
  using Refresh = std::function<absl::Status(EntityType, const std::string&)>;
  RecordRows(sqlite3* db, Refresh refresh)
      : db_(db),
        refresh_(std::move(refresh)),
        list_(db),
        find_(db, "SELECT rowid FROM records WHERE id = ?1"),
        insert_(db,
                "INSERT INTO records (id, entity, version, account_id, record) "
                "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (id) DO NOTHING"),
        update_(db,
                "UPDATE records SET entity = ?2, version = ?3, account_id = ?4, record = ?5 "
                "WHERE rowid = ?1"),
        drop_(db, "DELETE FROM records WHERE rowid = ?1"),
        drop_children_(db, absl::StrCat("DELETE FROM records WHERE account_id = ?1 AND ",
                                        FollowsAccountSql())) {}

  // Stores the server state `record` (its wire form, which is what is stored), and its list row.
  absl::Status Put(const PulledRecord& record) {
    // Most records of a pull are new to the replica (all of them in an initial sync): try the
    // insert first and look the record up only when it is already there.
    insert_.Reset();
    insert_.TextRef(1, record.id);
    BindState(insert_, record);
    RETURN_IF_ERROR(insert_.Run());
    if (sqlite3_changes(db_) == 0) {
      ASSIGN_OR_RETURN(std::optional<int64_t> old, Find(record.id));
      if (!old.has_value())
        return absl::InternalError("replica: a record is neither new nor there");
      update_.Reset();
      update_.Int(1, *old);
      BindState(update_, record);
      RETURN_IF_ERROR(update_.Run());
    } else {
      ++added_;
    }
    const EntityType entity = record.entity->type;
    if (!Listed(entity)) return absl::OkStatus();
    ASSIGN_OR_RETURN(const bool pending, Pending(record.id));
    if (pending) {
      refreshes_.emplace_back(entity, std::string(record.id));
      return absl::OkStatus();
    }
    if (record.list_row != nullptr) return list_.Put(*record.list_row, /*pending=*/false);
    return list_.Put(ListedPartOf(record), /*pending=*/false);
  }

  // Drops a record and its list row; an account takes the records that follow it along.
  absl::Status Drop(EntityType entity, absl::string_view id) {
    if (entity == EntityType::kAccount) {
      drop_children_.Reset();
      drop_children_.Text(1, id);
      RETURN_IF_ERROR(drop_children_.Run());
      added_ -= sqlite3_changes(db_);
      RETURN_IF_ERROR(list_.DropFollowers(id));
    }
    RETURN_IF_ERROR(list_.Drop(entity, id));
    ASSIGN_OR_RETURN(std::optional<int64_t> old, Find(id));
    if (!old.has_value()) return absl::OkStatus();
    drop_.Reset();
    drop_.Int(1, *old);
    RETURN_IF_ERROR(drop_.Run());
    added_ -= sqlite3_changes(db_);
    // A record with pending changes may still show (a local create the server has not seen).
    ASSIGN_OR_RETURN(const bool pending, Pending(id));
    if (pending) refreshes_.emplace_back(entity, std::string(id));
    return absl::OkStatus();
  }

  // Records this batch inserted less those it dropped.
  int64_t added() const { return added_; }

  // Rewrites the queued list rows, then writes the search rows of every list row written.
  absl::Status Flush() {
    for (const auto& [entity, id] : refreshes_) RETURN_IF_ERROR(refresh_(entity, id));
    refreshes_.clear();
    return list_.Flush();
  }

 private:
  absl::StatusOr<std::optional<int64_t>> Find(absl::string_view id) {
    find_.Reset();
    find_.Text(1, id);
    ASSIGN_OR_RETURN(bool row, find_.Step());
    std::optional<int64_t> out;
    if (row) out = find_.ColumnInt(0);
    find_.Reset();
    return out;
  }
  // Whether the record has local changes in the outbox (read once per batch: the outbox is
  // small, and a batch does not write it).
  absl::StatusOr<bool> Pending(absl::string_view id) {
    if (!pending_ids_.has_value()) {
      ASSIGN_OR_RETURN(pending_ids_, OutboxRecordIds(db_));
    }
    return pending_ids_->contains(id);
  }
  // Parameters 2 to 5 of the insert and the update: the stored columns of a record.
  static void BindState(Statement& stmt, const PulledRecord& record) {
    stmt.Int(2, static_cast<int64_t>(record.entity->type))
        .Int(3, record.server_version)
        .TextRef(4, record.account_id)
        .BlobRef(5, record.encoded);
  }

  sqlite3* db_;
  Refresh refresh_;
  ListRows list_;
  Statement find_, insert_, update_, drop_, drop_children_;
  std::optional<absl::flat_hash_set<std::string>> pending_ids_;
  std::vector<std::pair<EntityType, std::string>> refreshes_;
  int64_t added_ = 0;
};

}  // namespace

// Copies the write-ahead log back into the database file on a thread of its own, through a
// connection of its own. SQLite does this by default inside the commit that pushes the log past
// 1000 pages, so a long run of commits (an initial sync) spends a third of its time copying and
// syncing the file between pages. Here the commit only pokes this thread, and the copy runs
// beside the next page's work. A passive checkpoint never blocks the writer.
class Replica::Checkpointer {
 public:
  // Log that starts a checkpoint: SQLite's default (1000 pages of 4 KiB). Kept in bytes, as
  // the pages are larger here. A larger threshold makes each copy longer, and on a phone's two
  // or so cores a 16 MiB copy beside the app's work shows up as 20 ms stalls in one sync of a
  // hundred.
  static constexpr int64_t kCheckpointBytes = 4 << 20;
  // While commits follow one another (an initial sync), the log cannot start over: that needs a
  // checkpoint to finish between two of them. At this length the committing connection copies
  // the rest itself and has the log start over, so it stays bounded.
  static constexpr int64_t kInlineBytes = 128 << 20;

  // The thresholds in pages of the file's size.
  int checkpoint_pages() const { return checkpoint_pages_; }
  int inline_pages() const { return inline_pages_; }

  // Null when the connection cannot be opened; the replica then checkpoints inline.
  static std::unique_ptr<Checkpointer> Start(const std::string& path) {
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) !=
        SQLITE_OK) {
      sqlite3_close_v2(db);
      return nullptr;
    }
    sqlite3_busy_timeout(db, 5000);
    // A connection learns that the file is in WAL mode when it first reads it; until then a
    // checkpoint through it does nothing.
    int64_t page_size = 0;
    if (sqlite3_exec(db, "SELECT 1 FROM sqlite_master LIMIT 1", nullptr, nullptr, nullptr) !=
            SQLITE_OK ||
        sqlite3_exec(
            db, "PRAGMA page_size",
            [](void* out, int, char** values, char**) {
              *static_cast<int64_t*>(out) = values[0] ? std::atoll(values[0]) : 0;
              return 0;
            },
            &page_size, nullptr) != SQLITE_OK ||
        page_size <= 0) {
      sqlite3_close_v2(db);
      return nullptr;
    }
    return std::unique_ptr<Checkpointer>(new Checkpointer(db, page_size));
  }

  ~Checkpointer() {
    {
      absl::MutexLock lock(&mutex_);
      stopping_ = true;
    }
    thread_.join();
    sqlite3_close_v2(db_);
  }

  // The log has grown past checkpoint_pages(): copy it back soon.
  void Poke() {
    absl::MutexLock lock(&mutex_);
    poked_ = true;
  }

 private:
  Checkpointer(sqlite3* db, int64_t page_size)
      : db_(db),
        checkpoint_pages_(static_cast<int>(kCheckpointBytes / page_size)),
        inline_pages_(static_cast<int>(kInlineBytes / page_size)),
        thread_([this] { Run(); }) {}

  void Run() {
    while (true) {
      {
        absl::MutexLock lock(&mutex_);
        mutex_.Await(absl::Condition(
            +[](Checkpointer* c) { return c->poked_ || c->stopping_; }, this));
        if (stopping_) return;
        poked_ = false;
      }
      // Best effort: what is not copied now is copied at the next poke, or by the last
      // connection to close.
      sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    }
  }

  sqlite3* const db_;
  const int checkpoint_pages_;
  const int inline_pages_;
  absl::Mutex mutex_;
  bool poked_ ABSL_GUARDED_BY(mutex_) = false;
  bool stopping_ ABSL_GUARDED_BY(mutex_) = false;
  std::thread thread_;
};

Replica::Replica(sqlite3* db) : db_(db) {}

int Replica::OnCommit(void* self, sqlite3* db, const char* name, int wal_pages) {
  auto* replica = static_cast<Replica*>(self);
  if (wal_pages >= replica->checkpointer_->checkpoint_pages()) replica->checkpointer_->Poke();
  if (wal_pages >= replica->checkpointer_->inline_pages()) {
    sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_RESTART, nullptr, nullptr);
  }
  return SQLITE_OK;
}

absl::StatusOr<std::unique_ptr<Replica>> Replica::Open(const std::string& path) {
  sqlite3* db = nullptr;
  // NOMUTEX: a Replica is used by one thread at a time (each thread that needs one opens its
  // own), so SQLite need not lock the connection around every call.
  if (sqlite3_open_v2(path.c_str(), &db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                      nullptr) != SQLITE_OK) {
    absl::Status status = absl::UnavailableError(absl::StrCat(
        "cannot open the replica ", path, ": ", db ? sqlite3_errmsg(db) : "no memory"));
    sqlite3_close_v2(db);
    return status;
  }
  std::unique_ptr<Replica> replica(new Replica(db));
  RETURN_IF_ERROR(replica->Migrate());
  // Once the file is in WAL mode (Migrate sets it), the log is copied back on a thread of its
  // own: the hook replaces SQLite's checkpoint inside the commit.
  replica->checkpointer_ = Checkpointer::Start(path);
  if (replica->checkpointer_ != nullptr) sqlite3_wal_hook(db, &Replica::OnCommit, replica.get());
  return replica;
}

Replica::~Replica() {
  // The checkpointer's connection closes first, so that the replica's own, the last, copies
  // what is left of the log into the file; the hook that pokes it goes before it.
  sqlite3_wal_hook(db_, nullptr, nullptr);
  checkpointer_.reset();
  sqlite3_close_v2(db_);
}

absl::Status Replica::Migrate() {
  // 16 KiB pages (SQLite's default is 4 KiB) for a new file; an existing one keeps its own.
  // A page then holds some twenty records, and an initial sync makes a quarter of the writes
  // and B-tree splits: it runs ~20% faster.
  RETURN_IF_ERROR(Exec(db_,
                       "PRAGMA page_size=16384; PRAGMA journal_mode=WAL; "
                       "PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"));
  // A pulled page's transaction touches more pages (records, list rows, their indexes, search
  // segments) than SQLite's default 2 MiB cache holds: pages were written out to the log in the
  // middle of each transaction, and read back.
  RETURN_IF_ERROR(Exec(db_, "PRAGMA cache_size=-16384"));
  Statement version_stmt(db_, "PRAGMA user_version");
  ASSIGN_OR_RETURN(bool row, version_stmt.Step());
  const int64_t version = row ? version_stmt.ColumnInt(0) : 0;
  version_stmt.Reset();  // an active statement would block the DROP TABLE of a migration
  if (version > kReplicaSchemaVersion) {
    return absl::FailedPreconditionError(
        absl::StrCat("the replica was written by a newer app (schema ", version,
                     "; this build knows up to ", kReplicaSchemaVersion, ")"));
  }
  for (int64_t next = version + 1; next <= kReplicaSchemaVersion; ++next) {
    RETURN_IF_ERROR(InTransaction(db_, [&] {
      RETURN_IF_ERROR(Exec(db_, kMigrations[next - 1]));
      return Exec(db_, absl::StrCat("PRAGMA user_version = ", next));
    }));
  }
  return EnsureListTables();
}

absl::Status Replica::EnsureListTables() {
  // The list tables are generated from the schema: when the DDL differs from the one they were
  // made with (first start, a field newly indexed, another search rule, another ICU whose order
  // the indexes would no longer match), they are made anew and filled, in one transaction,
  // before anything is written through them.
  const std::string ddl = ListTablesDdl();
  Statement built(db_, "SELECT value FROM sync_state WHERE key = 'list_ddl'");
  ASSIGN_OR_RETURN(bool row, built.Step());
  if (row && built.ColumnText(0) == ddl) return absl::OkStatus();
  built.Reset();
  return InTransaction(db_, [&]() -> absl::Status {
    // Whatever an earlier DDL made: the full-text tables first (they own shadow tables).
    for (const char* kind : {"CREATE VIRTUAL TABLE%", "CREATE TABLE%"}) {
      std::vector<std::string> tables;
      Statement old(db_,
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'list\\_%' "
                    "ESCAPE '\\' AND sql LIKE ?1");
      old.Text(1, kind);
      while (true) {
        ASSIGN_OR_RETURN(bool more, old.Step());
        if (!more) break;
        tables.push_back(old.ColumnText(0));
      }
      old.Reset();
      for (const std::string& table : tables) {
        RETURN_IF_ERROR(Exec(db_, absl::StrCat("DROP TABLE IF EXISTS \"", table, "\"")));
      }
    }
    RETURN_IF_ERROR(Exec(db_, ddl));
    RETURN_IF_ERROR(FillListRows());
    Statement mark(db_, "INSERT OR REPLACE INTO sync_state (key, value) VALUES ('list_ddl', ?1)");
    mark.Text(1, ddl);
    return mark.Run();
  });
}

absl::Status Replica::FillListRows() {
  ASSIGN_OR_RETURN(const absl::flat_hash_set<std::string> pending, OutboxRecordIds(db_));
  std::vector<std::string> listed;
  for (const EntitySpec& entity : AllEntities()) {
    if (Listed(entity.type)) listed.push_back(absl::StrCat(static_cast<int>(entity.type)));
  }
  ListRows rows(db_);
  Statement stmt(db_, absl::StrCat("SELECT id, record FROM records WHERE entity IN (",
                                   absl::StrJoin(listed, ","), ")"));
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    if (pending.contains(stmt.ColumnText(0))) continue;  // laid over its changes below
    ASSIGN_OR_RETURN(const Record record, DecodeStoredRecord(stmt.ColumnBlob(1)));
    RETURN_IF_ERROR(rows.Put(record, /*pending=*/false));
  }
  RETURN_IF_ERROR(rows.Flush());
  // Records with pending changes, local creates among them, as the user sees them.
  Statement entities(db_, "SELECT record_id, mutation FROM outbox GROUP BY record_id");
  while (true) {
    ASSIGN_OR_RETURN(bool row, entities.Step());
    if (!row) break;
    ASSIGN_OR_RETURN(const ChangeSet change, DecodeMutation(entities.ColumnBlob(1)));
    RETURN_IF_ERROR(RefreshListRow(change.entity, change.record_id));
  }
  return absl::OkStatus();
}

absl::Status Replica::RefreshListRow(EntityType entity, const std::string& id) {
  if (!Listed(entity)) return absl::OkStatus();
  ASSIGN_OR_RETURN(std::optional<Record> visible, Read(id));
  ListRows rows(db_);
  if (!visible.has_value()) {
    RETURN_IF_ERROR(rows.Drop(entity, id));
  } else {
    ASSIGN_OR_RETURN(const bool unsent, HasUnsentChanges(id));
    RETURN_IF_ERROR(rows.Put(*visible, unsent));
  }
  return rows.Flush();
}

absl::StatusOr<std::optional<Record>> Replica::ServerState(const std::string& id) {
  Statement stmt(db_, "SELECT record FROM records WHERE id = ?1");
  stmt.Text(1, id);
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return std::optional<Record>();
  ASSIGN_OR_RETURN(Record record, DecodeStoredRecord(stmt.ColumnBlob(0)));
  return std::optional<Record>(std::move(record));
}

absl::StatusOr<std::optional<Record>> Replica::Read(const std::string& id) {
  ASSIGN_OR_RETURN(std::optional<Record> record, ServerState(id));
  Statement pending(db_, "SELECT mutation FROM outbox WHERE record_id = ?1 ORDER BY seq");
  pending.Text(1, id);
  while (true) {
    ASSIGN_OR_RETURN(bool row, pending.Step());
    if (!row) break;
    ASSIGN_OR_RETURN(ChangeSet change, DecodeMutation(pending.ColumnBlob(0)));
    if (change.op == ChangeSet::Op::kDelete) {
      record.reset();
      continue;
    }
    if (!record.has_value()) {
      // Only a create stands on its own; an edit of a record this device no longer holds
      // (deleted, or out of scope) has nothing to lie on.
      if (change.base_version != 0) continue;
      record.emplace();
      record->entity = change.entity;
      record->id = change.record_id;
    }
    ApplyChangedFields(change, record->fields);
  }
  if (record.has_value() && record->meta.deleted) record.reset();
  return record;
}

absl::StatusOr<ChangeSet> Replica::Append(ChangeSet change,
                                          const std::function<absl::Status()>& also) {
  ChangeSet stored;
  const auto append = [&]() -> absl::Status {
    if (also) RETURN_IF_ERROR(also());
    // The newest entry of this record decides: an unsent one absorbs the change (one mutation
    // per record per push), unless both step a field whose rules look at the step (a task's
    // status: each step was checked, the folded one might be refused); a sent one not yet
    // settled, or a step kept apart, means the base is only known once the server answers the
    // entry before.
    Statement last(
        db_,
        "SELECT seq, mutation, sent, rejected, base_known FROM outbox WHERE record_id = ?1 "
        "ORDER BY seq DESC LIMIT 1");
    last.Text(1, change.record_id);
    ASSIGN_OR_RETURN(bool has_last, last.Step());
    const bool last_open = has_last && last.ColumnInt(2) == 0 && last.ColumnInt(3) == 0;
    std::optional<ChangeSet> open_entry;
    bool keep_apart = false;
    if (last_open) {
      ASSIGN_OR_RETURN(open_entry, DecodeMutation(last.ColumnBlob(1)));
      for (const auto& [field, value] : change.changed) {
        const auto step = open_entry->changed.find(field);
        if (RuleChecksTheStep(change.entity, field) && step != open_entry->changed.end() &&
            step->second != value) {
          keep_apart = true;
        }
      }
    }
    if (last_open && !keep_apart) {
      ChangeSet& open = *open_entry;
      const bool base_known = last.ColumnInt(4) != 0;
      if (change.op == ChangeSet::Op::kDelete) {
        open.op = ChangeSet::Op::kDelete;
        open.changed.clear();
      } else {
        for (auto& [field, value] : change.changed) open.changed[field] = std::move(value);
      }
      open.hlc = std::max(open.hlc, change.hlc);
      if (open.op == ChangeSet::Op::kDelete && base_known && open.base_version == 0) {
        // Created and deleted before the server heard of it: nothing to send.
        Statement drop(db_, "DELETE FROM outbox WHERE seq = ?1");
        drop.Int(1, last.ColumnInt(0));
        stored = open;
        return drop.Run();
      }
      Statement update(db_, "UPDATE outbox SET mutation = ?2 WHERE seq = ?1");
      update.Int(1, last.ColumnInt(0)).Blob(2, EncodeMutation(open));
      stored = open;
      return update.Run();
    }
    const bool base_known =
        !keep_apart && !(has_last && last.ColumnInt(2) != 0 && last.ColumnInt(3) == 0);
    Statement insert(db_,
                     "INSERT INTO outbox (mutation_id, record_id, mutation, base_known) "
                     "VALUES (?1, ?2, ?3, ?4)");
    insert.Text(1, change.mutation_id)
        .Text(2, change.record_id)
        .Blob(3, EncodeMutation(change))
        .Int(4, base_known ? 1 : 0);
    stored = change;
    return insert.Run();
  };
  RETURN_IF_ERROR(InTransaction(db_, [&]() -> absl::Status {
    RETURN_IF_ERROR(append());
    // The list shows the record as the user now sees it, with its pending mark.
    return RefreshListRow(change.entity, change.record_id);
  }));
  return stored;
}

absl::StatusOr<ChangeSet> Replica::NewChange(EntityType entity, const std::string& record_id,
                                             const HlcTimestamp& hlc,
                                             const std::string& mutation_id) {
  ASSIGN_OR_RETURN(std::optional<Record> server, ServerState(record_id));
  ChangeSet change;
  change.mutation_id = mutation_id;
  change.entity = entity;
  change.record_id = record_id;
  change.base_version = server.has_value() ? server->meta.server_version : 0;
  change.hlc = hlc;
  return change;
}

absl::StatusOr<ChangeSet> Replica::Write(EntityType entity, const std::string& record_id,
                                         FieldMap changed, const HlcTimestamp& hlc,
                                         const std::string& mutation_id) {
  return WriteWith(entity, record_id, std::move(changed), hlc, mutation_id, nullptr);
}

absl::StatusOr<ChangeSet> Replica::WriteWith(EntityType entity, const std::string& record_id,
                                             FieldMap changed, const HlcTimestamp& hlc,
                                             const std::string& mutation_id,
                                             const std::function<absl::Status()>& also) {
  ASSIGN_OR_RETURN(std::optional<Record> visible, Read(record_id));
  ASSIGN_OR_RETURN(ChangeSet change, NewChange(entity, record_id, hlc, mutation_id));
  change.changed = std::move(changed);
  RETURN_IF_ERROR(ValidateChangeSet(change, ChangeOrigin::kDevice, /*allow_unknown=*/false));
  // Then the change against the record as the user sees it, by the rules the server's merge
  // runs (entity, state machine, the record as it will look), so the user learns now, not
  // after a push, and in the server's words.
  const Record* before = visible.has_value() ? &*visible : nullptr;
  Record after = RecordAfterChange(before, change);
  RETURN_IF_ERROR(ValidateChangeToRecord(before, change, after));
  RETURN_IF_ERROR(CheckScope(change, before, &after));
  return Append(std::move(change), also);
}

absl::Status Replica::SetSignedInUser(const std::string& user_id) {
  ASSIGN_OR_RETURN(std::optional<std::string> stored, SignedInUser());
  if (stored == user_id) return absl::OkStatus();
  Statement put(db_, "INSERT OR REPLACE INTO sync_state (key, value) VALUES ('user_id', ?1)");
  put.Text(1, user_id);
  return put.Run();
}

absl::Status Replica::StoreSession(const std::string& user_id, const std::string& token) {
  return InTransaction(db_, [&]() -> absl::Status {
    RETURN_IF_ERROR(SetSignedInUser(user_id));
    Statement put(db_, "INSERT OR REPLACE INTO sync_state (key, value) VALUES ('token', ?1)");
    put.Text(1, token);
    return put.Run();
  });
}

absl::StatusOr<std::optional<Replica::StoredSession>> Replica::Session() {
  ASSIGN_OR_RETURN(std::optional<std::string> user_id, SignedInUser());
  Statement stmt(db_, "SELECT value FROM sync_state WHERE key = 'token'");
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!user_id.has_value() || !row) return std::nullopt;
  return StoredSession{*user_id, stmt.ColumnText(0)};
}

absl::StatusOr<std::optional<std::string>> Replica::SignedInUser() {
  Statement stmt(db_, "SELECT value FROM sync_state WHERE key = 'user_id'");
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return std::nullopt;
  return stmt.ColumnText(0);
}

absl::StatusOr<std::optional<Record>> Replica::ScopedRead(const std::string& id) {
  if (id.empty()) return std::nullopt;
  ASSIGN_OR_RETURN(std::optional<Record> record, Read(id));
  // Unsent changes may have moved it: its scope keys follow its fields as the server's would.
  if (record.has_value()) record->meta.scope = ComputeScopeKeys(*record);
  return record;
}

absl::Status Replica::CheckScope(const ChangeSet& change, const Record* before,
                                 const Record* after) {
  ASSIGN_OR_RETURN(std::optional<std::string> user_id, SignedInUser());
  if (!user_id.has_value()) return absl::OkStatus();
  ASSIGN_OR_RETURN(std::optional<Record> user, ScopedRead(*user_id));
  // Before the first pull has brought the user's own record, the server alone checks.
  if (!user.has_value()) return absl::OkStatus();
  const Caller caller = CallerOfUser(*user, "");
  std::optional<Record> scoped_before;
  if (before != nullptr) {
    scoped_before = *before;
    scoped_before->meta.scope = ComputeScopeKeys(*before);
  }
  ASSIGN_OR_RETURN(std::optional<Record> account_before,
                   ScopedRead(before != nullptr ? AccountIdOf(*scoped_before) : ""));
  RETURN_IF_ERROR(CheckMayChange(caller, change.entity, change.record_id,
                                 scoped_before.has_value() ? &*scoped_before : nullptr,
                                 account_before.has_value() ? &*account_before : nullptr));
  if (after == nullptr) return absl::OkStatus();  // a delete cannot move a record
  Record scoped_after = *after;
  scoped_after.meta.scope = ComputeScopeKeys(scoped_after);
  std::optional<Record> account_after;
  if (scoped_after.entity == EntityType::kAccount) {
    account_after = scoped_after;
  } else {
    ASSIGN_OR_RETURN(account_after, ScopedRead(AccountIdOf(scoped_after)));
  }
  return CheckStaysInScope(caller, scoped_after,
                           account_after.has_value() ? &*account_after : nullptr,
                           before == nullptr);
}

absl::StatusOr<ChangeSet> Replica::Delete(EntityType entity, const std::string& record_id,
                                          const HlcTimestamp& hlc, const std::string& mutation_id) {
  ASSIGN_OR_RETURN(std::optional<Record> visible, Read(record_id));
  if (!visible.has_value()) {
    return absl::NotFoundError(
        absl::StrCat(EntityName(entity), " ", record_id, ": no such record"));
  }
  ASSIGN_OR_RETURN(ChangeSet change, NewChange(entity, record_id, hlc, mutation_id));
  change.op = ChangeSet::Op::kDelete;
  RETURN_IF_ERROR(CheckSameEntity(*visible, change));  // as the server's merge checks a delete
  RETURN_IF_ERROR(CheckScope(change, &*visible, nullptr));
  return Append(std::move(change));
}

absl::StatusOr<std::vector<std::string>> Replica::Search(absl::string_view query, int limit) {
  std::vector<std::string> out;
  if (ParseSearchQuery(query).empty() || limit < 1) return out;
  for (const EntitySpec& entity : AllEntities()) {
    if (!Listed(entity.type) || static_cast<int>(out.size()) >= limit) continue;
    ListQuery list;
    list.entity = entity.type;
    list.search = std::string(query);
    list.limit = std::min(limit - static_cast<int>(out.size()), kMaxListLimit);
    ASSIGN_OR_RETURN(std::vector<ListedRow> rows, List(list));
    for (ListedRow& row : rows) out.push_back(std::move(row.id));
  }
  return out;
}

absl::StatusOr<std::vector<ListedRow>> Replica::List(const ListQuery& query) {
  return RunListQuery(db_, query);
}

absl::StatusOr<std::vector<std::string>> Replica::ListValues(EntityType entity,
                                                             const std::string& field, int limit) {
  return DistinctListValues(db_, entity, field, limit);
}

absl::StatusOr<int64_t> Replica::CountList(const ListQuery& query, int64_t at_most) {
  return CountListQuery(db_, query, at_most);
}

absl::StatusOr<std::vector<Record>> Replica::Children(const std::string& account_id,
                                                      EntityType entity) {
  std::vector<std::string> ids;
  {
    Statement stmt(db_, "SELECT id FROM records WHERE account_id = ?1 AND entity = ?2");
    stmt.Text(1, account_id).Int(2, static_cast<int64_t>(entity));
    while (true) {
      ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) break;
      ids.push_back(stmt.ColumnText(0));
    }
  }
  // Local creates (and moves) of the entity, which the server state does not hold under the
  // account yet: the outbox is small, so it is read whole.
  {
    Statement stmt(db_, "SELECT record_id, mutation FROM outbox ORDER BY seq");
    absl::flat_hash_set<std::string> seen(ids.begin(), ids.end());
    while (true) {
      ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) break;
      ASSIGN_OR_RETURN(const ChangeSet change, DecodeMutation(stmt.ColumnBlob(1)));
      if (change.entity == entity && seen.insert(change.record_id).second) {
        ids.push_back(change.record_id);
      }
    }
  }
  std::vector<Record> out;
  for (const std::string& id : ids) {
    ASSIGN_OR_RETURN(std::optional<Record> record, Read(id));
    if (record.has_value() && record->entity == entity &&
        ComputeScopeKeys(*record).account_id == account_id) {
      out.push_back(*std::move(record));
    }
  }
  return out;
}

absl::StatusOr<int64_t> Replica::RecordCount() {
  Statement stmt(db_, "SELECT count(*) FROM records");
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  return row ? stmt.ColumnInt(0) : 0;
}

absl::StatusOr<int64_t> Replica::EstimatedTotal() {
  Statement stmt(db_,
                 "SELECT CAST(value AS INTEGER) FROM sync_state WHERE key = 'estimated_total'");
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  return row ? stmt.ColumnInt(0) : 0;
}

absl::StatusOr<std::map<EntityType, int64_t>> Replica::RecordCountsByEntity() {
  std::map<EntityType, int64_t> out;
  Statement stmt(db_, "SELECT entity, count(*) FROM records GROUP BY entity");
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    out[static_cast<EntityType>(stmt.ColumnInt(0))] = stmt.ColumnInt(1);
  }
  return out;
}

absl::StatusOr<std::vector<std::string>> Replica::RecordIds() {
  std::vector<std::string> out;
  Statement stmt(db_, "SELECT id FROM records ORDER BY id");
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return out;
    out.push_back(stmt.ColumnText(0));
  }
}

absl::StatusOr<std::string> Replica::Cursor() {
  Statement stmt(db_, "SELECT value FROM sync_state WHERE key = 'cursor'");
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  return row ? stmt.ColumnText(0) : std::string();
}

absl::StatusOr<int64_t> Replica::ApplyPulledPage(const PulledPage& page) {
  int64_t added = 0;
  RETURN_IF_ERROR(InTransaction(db_, [&]() -> absl::Status {
    RecordRows rows(db_, [this](EntityType entity, const std::string& id) {
      return RefreshListRow(entity, id);
    });
    const int size = static_cast<int>(page.records.size());
    for (int i = 0; i < size; ++i) {
      if (checkpoint_ && i == size / 2) checkpoint_(checkpoint::kPageHalfApplied);
      // Stored as it came, and already read whole when the page was (ReadPulledPage).
      const PulledRecord& record = page.records[static_cast<size_t>(i)];
      if (record.entity == nullptr) {
        return absl::InternalError("replica: a page's records were not read (ReadPageRecords)");
      }
      if (record.deleted || record.out_of_scope) {
        RETURN_IF_ERROR(rows.Drop(record.entity->type, record.id));
      } else {
        RETURN_IF_ERROR(rows.Put(record));
      }
    }
    RETURN_IF_ERROR(rows.Flush());
    if (page.estimated_total > 0) {
      Statement total(
          db_, "INSERT OR REPLACE INTO sync_state (key, value) VALUES ('estimated_total', ?1)");
      total.Text(1, absl::StrCat(page.estimated_total));
      RETURN_IF_ERROR(total.Run());
    }
    Statement cursor(db_, "INSERT OR REPLACE INTO sync_state (key, value) VALUES ('cursor', ?1)");
    cursor.Text(1, page.next_cursor);
    added = rows.added();
    return cursor.Run();
  }));
  return added;
}

absl::Status Replica::StoreServerState(const Record& record) {
  v1::Record proto;
  wire::ToProto(record, &proto);
  const std::string encoded = proto.SerializeAsString();
  ASSIGN_OR_RETURN(PulledRecord read, ReadPulledRecord(encoded, "server state"));
  RecordRows rows(
      db_, [this](EntityType entity, const std::string& id) { return RefreshListRow(entity, id); });
  RETURN_IF_ERROR(rows.Put(read));
  return rows.Flush();
}

absl::Status Replica::FoldAcknowledged(const ChangeSet& change, const v1::MutationResult& result) {
  ASSIGN_OR_RETURN(std::optional<Record> state, ServerState(change.record_id));
  if (change.op == ChangeSet::Op::kDelete) {
    RecordRows rows(db_, [this](EntityType entity, const std::string& id) {
      return RefreshListRow(entity, id);
    });
    RETURN_IF_ERROR(rows.Drop(change.entity, change.record_id));
    return rows.Flush();
  }
  if (!state.has_value()) {
    if (change.base_version != 0) return absl::OkStatus();  // not ours to make up; the pull will
    state.emplace();
    state->entity = change.entity;
    state->id = change.record_id;
  }
  ApplyChangedFields(change, state->fields);
  for (const v1::FieldConflict& conflict : result.conflicts()) {
    if (conflict.incoming_won()) continue;
    const Value theirs = wire::FromProto(conflict.stored());
    if (theirs.is_null()) {
      state->fields.erase(conflict.field());
    } else {
      state->fields[conflict.field()] = theirs;
    }
  }
  state->meta.server_version = std::max(state->meta.server_version, result.server_version());
  state->meta.scope = ComputeScopeKeys(*state);
  return StoreServerState(*state);
}

absl::Status Replica::ResetForResync() {
  return InTransaction(db_, [&] {
    RETURN_IF_ERROR(Exec(db_, "DELETE FROM records"));
    RETURN_IF_ERROR(ListRows(db_).Clear());
    RETURN_IF_ERROR(FillListRows());  // the local creates still show
    return Exec(db_, "DELETE FROM sync_state WHERE key = 'cursor'");
  });
}

absl::StatusOr<std::vector<v1::Mutation>> Replica::PendingMutations(int limit) {
  std::vector<v1::Mutation> out;
  RETURN_IF_ERROR(InTransaction(db_, [&]() -> absl::Status {
    Statement stmt(db_,
                   "SELECT seq, mutation FROM outbox WHERE rejected = 0 AND base_known = 1 "
                   "ORDER BY seq LIMIT ?1");
    stmt.Int(1, limit);
    Statement mark(db_, "UPDATE outbox SET sent = 1 WHERE seq = ?1");
    // A push also stays within kMaxPushBytes (its first entry always goes), so that a batch of
    // large records never grows past what the server receives.
    int64_t bytes = 0;
    while (true) {
      ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) break;
      // A view into the row (no copy of each entry), used up before `stmt` steps again.
      const absl::string_view mutation = stmt.ColumnBlob(1);
      bytes += static_cast<int64_t>(mutation.size());
      if (!out.empty() && bytes > kMaxPushBytes) break;
      if (!out.emplace_back().ParseFromArray(mutation.data(), static_cast<int>(mutation.size()))) {
        return absl::DataLossError("replica: outbox entry does not parse");
      }
      mark.Reset();
      mark.Int(1, stmt.ColumnInt(0));
      RETURN_IF_ERROR(mark.Run());
    }
    return absl::OkStatus();
  }));
  return out;
}

absl::Status Replica::ApplyPushResults(const v1::PushResponse& response) {
  return InTransaction(db_, [&]() -> absl::Status {
    Statement find(db_, "SELECT seq, record_id, mutation FROM outbox WHERE mutation_id = ?1");
    Statement remove(db_, "DELETE FROM outbox WHERE seq = ?1");
    Statement reject(db_, "UPDATE outbox SET rejected = 1, code = ?2, reason = ?3 WHERE seq = ?1");
    Statement conflict(db_,
                       "INSERT INTO conflicts (entity, record_id, field, mine, theirs, mine_won) "
                       "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    // The next entry of the record was waiting for this one's outcome to know its base.
    Statement next(db_,
                   "SELECT seq, mutation FROM outbox WHERE record_id = ?1 AND base_known = 0 "
                   "ORDER BY seq LIMIT 1");
    Statement resolve(db_, "UPDATE outbox SET mutation = ?2, base_known = 1 WHERE seq = ?1");
    std::vector<std::pair<EntityType, std::string>> settled;
    for (const v1::MutationResult& result : response.results()) {
      find.Reset();
      find.Text(1, result.mutation_id());
      ASSIGN_OR_RETURN(bool found, find.Step());
      if (!found) continue;  // settled before (a retried push)
      // Not applied because the push's answer was full: the entry stays as it is, to be sent
      // again (its record's later entries keep waiting behind it).
      if (IsSendAgain(result)) continue;
      const int64_t seq = find.ColumnInt(0);
      const std::string record_id = find.ColumnText(1);
      ASSIGN_OR_RETURN(ChangeSet change, DecodeMutation(find.ColumnBlob(2)));
      settled.emplace_back(change.entity, record_id);
      int64_t new_base = result.server_version();
      if (result.outcome() == v1::MutationResult::REJECTED) {
        reject.Reset();
        reject.Int(1, seq).Int(2, result.code()).Text(3, result.message());
        RETURN_IF_ERROR(reject.Run());
        new_base = change.base_version;  // nothing applied: the base stays what it was
      } else {
        for (const v1::FieldConflict& c : result.conflicts()) {
          conflict.Reset();
          conflict.Int(1, static_cast<int64_t>(change.entity))
              .Text(2, record_id)
              .Int(3, c.field())
              .Blob(4, wire::EncodeValue(wire::FromProto(c.incoming())))
              .Blob(5, wire::EncodeValue(wire::FromProto(c.stored())))
              .Int(6, c.incoming_won() ? 1 : 0);
          RETURN_IF_ERROR(conflict.Run());
        }
        remove.Reset();
        remove.Int(1, seq);
        RETURN_IF_ERROR(remove.Run());
        // Until the next pull brings the server's state, the acknowledged change is folded into
        // the stored state, so that the user's view does not step back when the entry leaves.
        RETURN_IF_ERROR(FoldAcknowledged(change, result));
      }
      next.Reset();
      next.Text(1, record_id);
      ASSIGN_OR_RETURN(bool waiting, next.Step());
      if (waiting) {
        ASSIGN_OR_RETURN(ChangeSet follower, DecodeMutation(next.ColumnBlob(1)));
        follower.base_version = new_base;
        resolve.Reset();
        resolve.Int(1, next.ColumnInt(0)).Blob(2, EncodeMutation(follower));
        RETURN_IF_ERROR(resolve.Run());
      }
    }
    // Their list rows lose the pending mark (or show the reason's record as it stands).
    for (const auto& [entity, id] : settled) RETURN_IF_ERROR(RefreshListRow(entity, id));
    return absl::OkStatus();
  });
}

absl::StatusOr<absl::flat_hash_set<std::string>> Replica::UnsentRecordIds() {
  return OutboxRecordIds(db_);
}

absl::StatusOr<bool> Replica::HasUnsentChanges(const std::string& id) {
  Statement stmt(db_, "SELECT 1 FROM outbox WHERE record_id = ?1 LIMIT 1");
  stmt.Text(1, id);
  return stmt.Step();
}

absl::StatusOr<int64_t> Replica::UnsentCount() {
  Statement stmt(db_, "SELECT count(*) FROM outbox");
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  return row ? stmt.ColumnInt(0) : 0;
}

absl::StatusOr<std::vector<OutboxEntry>> Replica::Outbox() {
  std::vector<OutboxEntry> out;
  Statement stmt(db_, "SELECT seq, mutation, rejected, code, reason FROM outbox ORDER BY seq");
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    OutboxEntry entry;
    entry.seq = stmt.ColumnInt(0);
    ASSIGN_OR_RETURN(entry.change, DecodeMutation(stmt.ColumnBlob(1)));
    entry.rejected = stmt.ColumnInt(2) != 0;
    entry.code = static_cast<int>(stmt.ColumnInt(3));
    entry.reason = stmt.ColumnText(4);
    out.push_back(std::move(entry));
  }
  return out;
}

absl::StatusOr<std::vector<LocalConflict>> Replica::Conflicts() {
  std::vector<LocalConflict> out;
  Statement stmt(db_,
                 "SELECT seq, entity, record_id, field, mine, theirs, mine_won FROM conflicts "
                 "ORDER BY seq DESC");
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    LocalConflict c;
    c.seq = stmt.ColumnInt(0);
    c.entity = static_cast<EntityType>(stmt.ColumnInt(1));
    c.record_id = stmt.ColumnText(2);
    c.field = static_cast<uint32_t>(stmt.ColumnInt(3));
    c.mine = wire::DecodeValue(stmt.ColumnBlob(4));
    c.theirs = wire::DecodeValue(stmt.ColumnBlob(5));
    c.mine_won = stmt.ColumnInt(6) != 0;
    out.push_back(std::move(c));
  }
  return out;
}

absl::StatusOr<ChangeSet> Replica::UndoConflict(int64_t conflict_seq, const HlcTimestamp& hlc,
                                                const std::string& mutation_id) {
  Statement find(db_,
                 "SELECT entity, record_id, field, mine, theirs, mine_won FROM conflicts "
                 "WHERE seq = ?1");
  find.Int(1, conflict_seq);
  ASSIGN_OR_RETURN(bool found, find.Step());
  if (!found) {
    return absl::NotFoundError(absl::StrCat("conflict ", conflict_seq, ": no such conflict"));
  }
  const auto entity = static_cast<EntityType>(find.ColumnInt(0));
  const std::string record_id = find.ColumnText(1);
  const auto field = static_cast<uint32_t>(find.ColumnInt(2));
  // The value the server's resolution overwrote comes back, as a new change of this device's.
  Value restored = wire::DecodeValue(find.ColumnBlob(find.ColumnInt(5) != 0 ? 4 : 3));
  find.Reset();
  ASSIGN_OR_RETURN(std::optional<Record> visible, Read(record_id));
  if (!visible.has_value()) {
    return absl::FailedPreconditionError(absl::StrCat(
        EntityName(entity), " ", record_id, ": the record is gone; the conflict cannot be undone"));
  }
  return WriteWith(entity, record_id, {{field, std::move(restored)}}, hlc, mutation_id, [&] {
    Statement drop(db_, "DELETE FROM conflicts WHERE seq = ?1");
    drop.Int(1, conflict_seq);
    return drop.Run();
  });
}

absl::Status Replica::DismissConflict(int64_t conflict_seq) {
  Statement drop(db_, "DELETE FROM conflicts WHERE seq = ?1");
  drop.Int(1, conflict_seq);
  RETURN_IF_ERROR(drop.Run());
  if (sqlite3_changes(db_) == 0) {
    return absl::NotFoundError(absl::StrCat("conflict ", conflict_seq, ": no such conflict"));
  }
  return absl::OkStatus();
}

absl::Status Replica::Discard(int64_t outbox_seq) {
  return InTransaction(db_, [&]() -> absl::Status {
    Statement find(db_, "SELECT mutation FROM outbox WHERE seq = ?1 AND rejected = 1");
    find.Int(1, outbox_seq);
    ASSIGN_OR_RETURN(const bool found, find.Step());
    if (!found) {
      return absl::FailedPreconditionError(
          absl::StrCat("outbox entry ", outbox_seq, ": only a rejected change can be discarded"));
    }
    ASSIGN_OR_RETURN(const ChangeSet change, DecodeMutation(find.ColumnBlob(0)));
    find.Reset();
    Statement drop(db_, "DELETE FROM outbox WHERE seq = ?1");
    drop.Int(1, outbox_seq);
    RETURN_IF_ERROR(drop.Run());
    return RefreshListRow(change.entity, change.record_id);
  });
}

absl::Status Replica::Wipe() {
  return InTransaction(db_, [&] {
    RETURN_IF_ERROR(ListRows(db_).Clear());
    // The (now empty) list tables stay marked as made by this build.
    return Exec(db_,
                "DELETE FROM records; DELETE FROM outbox; DELETE FROM conflicts; "
                "DELETE FROM sync_state WHERE key <> 'list_ddl';");
  });
}

}  // namespace mcrm::device
