// The PostgreSQL store (libpqxx 6.4). Pull cursors are (transaction id, record id): every write
// stamps its rows with pg_current_xact_id(), and a pull serves only rows whose transaction id is
// below the xmin of its own snapshot. Every transaction below that horizon has committed or
// aborted, so no row can later appear behind the cursor: a writer that took its id first but
// commits last is still delivered. See docs/sync-protocol.md, "Never missing a change".
#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <pqxx/pqxx>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "mcrm/status_macros.h"
#include "mcrm/uuid.h"
#include "store/binary_rows.h"
#include "store/encoding.h"
#include "store/pull_merge.h"
#include "store/scope_sql.h"
#include "store/store.h"

namespace mcrm::server {
namespace {

const char* const kMigrations[] = {
    // 1: records, idempotency, conflicts, identity.
    R"sql(
CREATE TABLE records (
  id text PRIMARY KEY,
  entity smallint NOT NULL,
  version bigint NOT NULL,
  txid xid8 NOT NULL,
  deleted boolean NOT NULL,
  owner_id text NOT NULL,
  territory_id text NOT NULL,
  account_id text NOT NULL,
  assignee_id text NOT NULL,
  record bytea NOT NULL,
  stamps bytea NOT NULL
);
CREATE INDEX records_by_txid ON records (txid, id);
CREATE INDEX records_by_account ON records (account_id);
CREATE INDEX records_by_owner ON records (owner_id);
CREATE INDEX records_by_territory ON records (territory_id);
CREATE INDEX records_by_assignee ON records (assignee_id);
CREATE TABLE mutation_results (
  device_id text NOT NULL,
  mutation_id text NOT NULL,
  result bytea NOT NULL,
  PRIMARY KEY (device_id, mutation_id)
);
CREATE TABLE conflicts (
  seq bigserial PRIMARY KEY,
  entity smallint NOT NULL,
  record_id text NOT NULL,
  field integer NOT NULL,
  incoming bytea NOT NULL,
  stored bytea NOT NULL,
  incoming_hlc bytea NOT NULL,
  stored_hlc bytea NOT NULL,
  incoming_won boolean NOT NULL,
  device_id text NOT NULL,
  user_id text NOT NULL,
  server_version bigint NOT NULL,
  at_ms bigint NOT NULL
);
CREATE INDEX conflicts_by_record ON conflicts (record_id);
CREATE INDEX conflicts_by_user ON conflicts (user_id);
CREATE TABLE credentials (
  user_id text PRIMARY KEY,
  login text NOT NULL UNIQUE,
  password_hash text NOT NULL
);
CREATE TABLE devices (
  device_id text PRIMARY KEY,
  user_id text NOT NULL,
  revoked_ms bigint
);
CREATE TABLE sessions (
  token_hash text PRIMARY KEY,
  user_id text NOT NULL,
  device_id text NOT NULL,
  expires_ms bigint NOT NULL
);
CREATE INDEX sessions_by_device ON sessions (device_id);
)sql",
    // 2: scope exits (removals for users who lost a record), per-user resync points.
    R"sql(
CREATE TABLE scope_exits (
  txid xid8 NOT NULL,
  id text NOT NULL,
  entity smallint NOT NULL,
  owner_id text NOT NULL,
  territory_id text NOT NULL,
  account_id text NOT NULL,
  assignee_id text NOT NULL
);
CREATE INDEX scope_exits_by_txid ON scope_exits (txid, id);
CREATE TABLE user_resync (
  user_id text PRIMARY KEY,
  position xid8 NOT NULL
);
)sql",
    // 3: ages for the tombstone horizon.
    R"sql(
ALTER TABLE records ADD COLUMN changed_ms bigint NOT NULL DEFAULT 0;
ALTER TABLE scope_exits ADD COLUMN at_ms bigint NOT NULL
  DEFAULT (extract(epoch FROM clock_timestamp()) * 1000)::bigint;
ALTER TABLE mutation_results ADD COLUMN at_ms bigint NOT NULL
  DEFAULT (extract(epoch FROM clock_timestamp()) * 1000)::bigint;
CREATE INDEX records_tombstones ON records (changed_ms) WHERE deleted;
CREATE TABLE store_state (
  key text PRIMARY KEY,
  value text NOT NULL
);
)sql",
};
static_assert(sizeof(kMigrations) / sizeof(kMigrations[0]) == kStoreSchemaVersion);

// Rows per multi-row statement: 11 parameters a row stays far below PostgreSQL's 65535.
constexpr size_t kRowsPerStatement = 500;

// A text[] literal; each element quoted, so no id can break out of it.
std::string ArrayLiteral(absl::Span<const std::string> items) {
  std::string out = "{";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out.push_back(',');
    out.push_back('"');
    for (char c : items[i]) {
      if (c == '"' || c == '\\') out.push_back('\\');
      out.push_back(c);
    }
    out.push_back('"');
  }
  out.push_back('}');
  return out;
}

std::string Placeholders(size_t rows, size_t columns, absl::string_view row_prefix = "",
                         absl::string_view row_suffix = "") {
  std::string out;
  size_t n = 0;
  for (size_t r = 0; r < rows; ++r) {
    absl::StrAppend(&out, r ? "," : "", "(", row_prefix);
    for (size_t c = 0; c < columns; ++c) absl::StrAppend(&out, c ? "," : "", "$", ++n);
    absl::StrAppend(&out, row_suffix, ")");
  }
  return out;
}

// Statement parameters sent in PostgreSQL's binary format, so that blobs travel as they are
// instead of as hex text (half the bytes, and no hex parsing on either side). libpqxx sends a
// binarystring parameter in binary; every parameter of such a statement is sent this way.
class BinaryParams {
 public:
  explicit BinaryParams(size_t n) { params_.reserve(n); }
  void Text(absl::string_view text) { params_.emplace_back(text.data(), text.size()); }
  void Bytes(absl::string_view bytes) { params_.emplace_back(bytes.data(), bytes.size()); }
  void Int16(int16_t v) { BigEndian(static_cast<uint16_t>(v), 2); }
  void Int32(int32_t v) { BigEndian(static_cast<uint32_t>(v), 4); }
  void Int64(int64_t v) { BigEndian(static_cast<uint64_t>(v), 8); }
  void Bool(bool v) {
    const char byte = v ? 1 : 0;
    params_.emplace_back(&byte, 1);
  }
  auto dynamic() const { return pqxx::prepare::make_dynamic_params(params_); }

 private:
  void BigEndian(uint64_t v, int bytes) {
    char out[8];
    for (int i = 0; i < bytes; ++i) out[i] = static_cast<char>(v >> (8 * (bytes - 1 - i)));
    params_.emplace_back(out, static_cast<size_t>(bytes));
  }
  std::vector<pqxx::binarystring> params_;
};

// A statement that looks up each key of the text[] parameter $1 with its own index probe:
// `probe` is a query over one key, k.id, and yields at most one row (it is limited to one, which
// also keeps the planner from flattening it into a join). Written as `col = ANY(array)`, a batch
// of 500 keys is often planned as a scan of the whole table (or of a device's whole history)
// filtered through a hash of the keys, which costs the table's size rather than the batch's.
// Rows come out in the order of the keys.
std::string ProbeEach(absl::string_view columns, absl::string_view probe) {
  return absl::StrCat("SELECT ", columns,
                      " FROM unnest($1::text[]) WITH ORDINALITY AS k(id, n) CROSS JOIN LATERAL (",
                      probe, " LIMIT 1) r ORDER BY k.n");
}

absl::StatusOr<std::string> Bytes(const pqxx::field& field) {
  return FromPgHex(absl::string_view(field.c_str(), field.size()));
}

// Turns a libpqxx exception into the most specific status.
absl::Status FromException(const std::exception& e) {
  if (dynamic_cast<const pqxx::broken_connection*>(&e) != nullptr) {
    return absl::UnavailableError(absl::StrCat("postgresql: connection lost: ", e.what()));
  }
  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&e)) {
    const std::string& state = sql->sqlstate();
    if (state == "40001" || state == "40P01") {
      return absl::AbortedError(absl::StrCat("postgresql: ", e.what()));
    }
    if (state.rfind("57P", 0) == 0 || state.rfind("08", 0) == 0) {
      return absl::UnavailableError(absl::StrCat("postgresql: ", e.what()));
    }
  }
  if (dynamic_cast<const pqxx::in_doubt_error*>(&e) != nullptr) {
    return absl::UnavailableError(absl::StrCat("postgresql: commit in doubt: ", e.what()));
  }
  return absl::InternalError(absl::StrCat("postgresql: ", e.what()));
}

// The statements that write a batch. Full batches use statements prepared once per connection
// (parsing and planning a 5000-parameter INSERT costs as much as running it).
std::string SaveRecordsSql(size_t n) {
  return absl::StrCat(
      "INSERT INTO records (id, entity, version, deleted, owner_id, territory_id, account_id, "
      "assignee_id, record, stamps, txid, changed_ms) VALUES ",
      Placeholders(
          n, 10, "",
          ", pg_current_xact_id(), (extract(epoch FROM clock_timestamp()) * 1000)::bigint"),
      " ON CONFLICT (id) DO UPDATE SET entity = EXCLUDED.entity, version = EXCLUDED.version, "
      "deleted = EXCLUDED.deleted, owner_id = EXCLUDED.owner_id, territory_id = "
      "EXCLUDED.territory_id, account_id = EXCLUDED.account_id, assignee_id = "
      "EXCLUDED.assignee_id, record = EXCLUDED.record, stamps = EXCLUDED.stamps, txid = "
      "EXCLUDED.txid, changed_ms = EXCLUDED.changed_ms WHERE records.version < "
      "EXCLUDED.version");
}

std::string SaveResultsSql(size_t n) {
  return absl::StrCat("INSERT INTO mutation_results (device_id, mutation_id, result) VALUES ",
                      Placeholders(n, 3), " ON CONFLICT DO NOTHING");
}

// Statements every call runs (a push: its earlier results, its records, their save, its
// results' save; a pull: the horizon check and a page; either: the session lookup). Unprepared,
// PostgreSQL parses and plans each anew, which costs more than running it: 0.2-0.3 ms for the
// session lookup alone. A rep's page is left unprepared: its territories are an array, and a
// plan made once without them could suit one rep and not another.
constexpr const char* kLookUpSession = "look_up_session";
constexpr const char* kSerializeDevice = "serialize_device";
constexpr const char* kFindResults = "find_results";
constexpr const char* kReadRecords = "read_records";
constexpr const char* kLockRecords = "lock_records";
constexpr const char* kSaveRecordsOne = "save_records_one";
constexpr const char* kSaveRecordsFull = "save_records_full";
constexpr const char* kSaveResultsOne = "save_results_one";
constexpr const char* kSaveResultsFull = "save_results_full";
constexpr const char* kPastHorizon = "past_horizon";
constexpr const char* kPullAll = "pull_all";

// A pull serves only rows below the xmin of its own snapshot (see the top of this file).
constexpr const char* kBelowHorizon = "txid < pg_snapshot_xmin(pg_current_snapshot())";
// The head of every page's statement: the rows after the cursor ($1, $2), as they are served.
constexpr const char* kPageAfterCursor =
    "SELECT txid::text AS position, id, record FROM records WHERE (txid, id) > ($1::xid8, $2) AND ";

// Runs a multi-row write of `n` rows (`sql` makes its text for any n) and answers how many rows
// it wrote. The one-row form (an edit) and the full batch are prepared; other sizes are planned
// for the call.
size_t ExecRows(pqxx::transaction_base& tx, size_t n, const char* prepared_one,
                const char* prepared_full, std::string (*sql)(size_t), const BinaryParams& params) {
  const pqxx::result result =
      n == 1 || n == kRowsPerStatement
          ? tx.exec_prepared(n == 1 ? prepared_one : prepared_full, params.dynamic())
          : tx.exec_params(sql(n), params.dynamic());
  return static_cast<size_t>(result.affected_rows());
}

void PrepareStatements(pqxx::connection& connection) {
  // One round trip for what every request needs (three reads otherwise).
  connection.prepare(
      kLookUpSession,
      "SELECT (SELECT revoked_ms IS NOT NULL FROM devices WHERE device_id = $2), s.user_id, "
      "s.device_id, s.expires_ms, r.record, r.stamps FROM (SELECT 1) AS one "
      "LEFT JOIN sessions s ON s.token_hash = $1 LEFT JOIN records r ON r.id = s.user_id");
  connection.prepare(kSerializeDevice, "SELECT pg_advisory_xact_lock(4242002, hashtext($1))");
  connection.prepare(kFindResults,
                     ProbeEach("r.mutation_id, r.result",
                               "SELECT mutation_id, result FROM mutation_results WHERE "
                               "mutation_id = k.id AND device_id = $2"));
  connection.prepare(kReadRecords, ProbeEach("r.record, r.stamps",
                                             "SELECT record, stamps FROM records WHERE id = k.id"));
  connection.prepare(kLockRecords,
                     ProbeEach("r.record, r.stamps",
                               "SELECT record, stamps FROM records WHERE id = k.id FOR UPDATE"));
  connection.prepare(kSaveRecordsOne, SaveRecordsSql(1));
  connection.prepare(kSaveRecordsFull, SaveRecordsSql(kRowsPerStatement));
  connection.prepare(kSaveResultsOne, SaveResultsSql(1));
  connection.prepare(kSaveResultsFull, SaveResultsSql(kRowsPerStatement));
  connection.prepare(kPastHorizon,
                     "SELECT 1 FROM store_state WHERE key = 'horizon' AND value::xid8 > $1::xid8");
  connection.prepare(kPullAll,
                     absl::StrCat(kPageAfterCursor, kBelowHorizon, " ORDER BY txid, id LIMIT $3"));
}

// A bounded set of connections. A connection that broke is dropped and made anew on next use,
// so a restart of PostgreSQL costs failed calls (UNAVAILABLE), never the server.
class ConnectionPool {
 public:
  ConnectionPool(std::string uri, int size)
      : uri_(std::move(uri)), size_(size), free_slots_(size) {}

  int size() const { return size_; }

  class Lease {
   public:
    Lease(ConnectionPool* pool, std::unique_ptr<pqxx::connection> c)
        : pool_(pool), c_(std::move(c)) {}
    Lease(Lease&&) = default;
    ~Lease() {
      if (pool_ != nullptr) pool_->Return(std::move(c_));
    }
    pqxx::connection& operator*() { return *c_; }
    // Drops the connection instead of returning it (after a connection error).
    void Discard() { c_.reset(); }

   private:
    ConnectionPool* pool_;
    std::unique_ptr<pqxx::connection> c_;
  };

  absl::StatusOr<Lease> Acquire() {
    std::unique_ptr<pqxx::connection> connection;
    {
      std::unique_lock lock(mutex_);
      available_.wait(lock, [this] { return !idle_.empty() || free_slots_ > 0; });
      if (!idle_.empty()) {
        connection = std::move(idle_.front());
        idle_.pop_front();
      } else {
        --free_slots_;
      }
    }
    if (connection == nullptr || !connection->is_open()) {
      try {
        connection = std::make_unique<pqxx::connection>(uri_);
        PrepareStatements(*connection);
      } catch (const std::exception& e) {
        Return(nullptr);
        return FromException(e);
      }
    }
    return Lease(this, std::move(connection));
  }

 private:
  void Return(std::unique_ptr<pqxx::connection> connection) {
    {
      std::lock_guard lock(mutex_);
      if (connection != nullptr && connection->is_open()) {
        idle_.push_back(std::move(connection));
      } else {
        ++free_slots_;
      }
    }
    available_.notify_one();
  }

  const std::string uri_;
  const int size_;
  std::mutex mutex_;
  std::condition_variable available_;
  std::deque<std::unique_ptr<pqxx::connection>> idle_;
  int free_slots_;
};

class PgTx final : public StoreTx {
 public:
  explicit PgTx(pqxx::dbtransaction& tx, bool lock_rows = true) : tx_(tx), lock_rows_(lock_rows) {}

  absl::Status SerializeDevice(absl::string_view device_id) override {
    // A transaction-scoped advisory lock on the device id's hash (class 4242002; a collision
    // only makes two devices take turns).
    tx_.exec_prepared(kSerializeDevice, std::string(device_id));
    return absl::OkStatus();
  }

  absl::StatusOr<std::vector<StoredRecord>> LoadRecords(
      absl::Span<const std::string> ids) override {
    std::vector<StoredRecord> out;
    if (ids.empty()) return out;
    // One index probe per id (see ProbeEach). Sorted: concurrent pushes lock rows in the same
    // order and cannot deadlock.
    std::vector<std::string> sorted(ids.begin(), ids.end());
    std::sort(sorted.begin(), sorted.end());
    sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
    const BinaryRows rows = BinaryRows::ExecPrepared(tx_, lock_rows_ ? kLockRecords : kReadRecords,
                                                     {ArrayLiteral(sorted)});
    out.reserve(static_cast<size_t>(rows.size()));
    for (int i = 0; i < rows.size(); ++i) {
      StoredRecord stored;
      ASSIGN_OR_RETURN(stored.record, DecodeRecord(rows.Get(i, 0)));
      ASSIGN_OR_RETURN(stored.stamps, DecodeStamps(rows.Get(i, 1)));
      out.push_back(std::move(stored));
    }
    return out;
  }

  absl::Status SaveRecords(absl::Span<const StoredRecord> records) override {
    for (size_t begin = 0; begin < records.size(); begin += kRowsPerStatement) {
      const size_t n = std::min(kRowsPerStatement, records.size() - begin);
      BinaryParams params(n * 10);
      for (size_t i = begin; i < begin + n; ++i) {
        const Record& r = records[i].record;
        params.Text(r.id);
        params.Int16(static_cast<int16_t>(r.entity));
        params.Int64(r.meta.server_version);
        params.Bool(r.meta.deleted);
        params.Text(r.meta.scope.owner_id);
        params.Text(r.meta.scope.territory_id);
        params.Text(r.meta.scope.account_id);
        params.Text(r.meta.scope.assignee_id);
        params.Bytes(EncodeRecord(r));
        params.Bytes(EncodeStamps(records[i].stamps));
      }
      // A row is written only over an older version of itself. A row it was not written over was
      // created by a transaction that committed after this one looked for it: run again.
      if (ExecRows(tx_, n, kSaveRecordsOne, kSaveRecordsFull, &SaveRecordsSql, params) != n) {
        return absl::AbortedError(
            "a record was written by another transaction meanwhile; send the change again");
      }
    }
    return absl::OkStatus();
  }

  absl::StatusOr<absl::flat_hash_map<std::string, std::string>> FindMutationResults(
      absl::string_view device_id, absl::Span<const std::string> mutation_ids) override {
    absl::flat_hash_map<std::string, std::string> out;
    if (mutation_ids.empty()) return out;
    const BinaryRows rows = BinaryRows::ExecPrepared(
        tx_, kFindResults, {ArrayLiteral(mutation_ids), std::string(device_id)});
    for (int i = 0; i < rows.size(); ++i) out[rows.Get(i, 0)] = std::string(rows.Get(i, 1));
    return out;
  }

  absl::Status SaveMutationResults(
      absl::string_view device_id,
      absl::Span<const std::pair<std::string, std::string>> results) override {
    for (size_t begin = 0; begin < results.size(); begin += kRowsPerStatement) {
      const size_t n = std::min(kRowsPerStatement, results.size() - begin);
      BinaryParams params(n * 3);
      for (size_t i = begin; i < begin + n; ++i) {
        params.Text(device_id);
        params.Text(results[i].first);
        params.Bytes(results[i].second);
      }
      ExecRows(tx_, n, kSaveResultsOne, kSaveResultsFull, &SaveResultsSql, params);
    }
    return absl::OkStatus();
  }

  absl::Status AppendConflicts(absl::Span<const ConflictEntry> conflicts) override {
    for (size_t begin = 0; begin < conflicts.size(); begin += kRowsPerStatement) {
      const size_t n = std::min(kRowsPerStatement, conflicts.size() - begin);
      BinaryParams params(n * 12);
      for (size_t i = begin; i < begin + n; ++i) {
        const ConflictEntry& c = conflicts[i];
        params.Int16(static_cast<int16_t>(c.entity));
        params.Text(c.record_id);
        params.Int32(static_cast<int32_t>(c.conflict.field));
        params.Bytes(EncodeValue(c.conflict.incoming));
        params.Bytes(EncodeValue(c.conflict.stored));
        params.Bytes(EncodeHlc(c.conflict.incoming_hlc));
        params.Bytes(EncodeHlc(c.conflict.stored_hlc));
        params.Bool(c.conflict.incoming_won);
        params.Text(c.device_id);
        params.Text(c.user_id);
        params.Int64(c.server_version);
        params.Int64(c.at_ms);
      }
      tx_.exec_params(absl::StrCat("INSERT INTO conflicts (entity, record_id, field, incoming, "
                                   "stored, incoming_hlc, stored_hlc, incoming_won, device_id, "
                                   "user_id, server_version, at_ms) VALUES ",
                                   Placeholders(n, 12)),
                      params.dynamic());
    }
    return absl::OkStatus();
  }

  absl::Status RecordScopeExits(absl::Span<const Record> before) override {
    for (size_t begin = 0; begin < before.size(); begin += kRowsPerStatement) {
      const size_t n = std::min(kRowsPerStatement, before.size() - begin);
      std::vector<std::string> params;
      for (size_t i = begin; i < begin + n; ++i) {
        const Record& r = before[i];
        params.push_back(r.id);
        params.push_back(absl::StrCat(static_cast<int>(r.entity)));
        params.push_back(r.meta.scope.owner_id);
        params.push_back(r.meta.scope.territory_id);
        params.push_back(r.meta.scope.account_id);
        params.push_back(r.meta.scope.assignee_id);
      }
      tx_.exec_params(absl::StrCat("INSERT INTO scope_exits (id, entity, owner_id, territory_id, "
                                   "account_id, assignee_id, txid) VALUES ",
                                   Placeholders(n, 6, "", ", pg_current_xact_id()")),
                      pqxx::prepare::make_dynamic_params(params));
    }
    return absl::OkStatus();
  }

  absl::Status TouchRecordsOfAccounts(absl::Span<const std::string> account_ids) override {
    if (account_ids.empty()) return absl::OkStatus();
    tx_.exec_params(
        "UPDATE records SET txid = pg_current_xact_id() WHERE account_id = ANY($1::text[]) AND "
        "entity <> $2",
        ArrayLiteral(account_ids), static_cast<int>(EntityType::kAccount));
    return absl::OkStatus();
  }

  absl::Status RequireResync(absl::string_view user_id) override {
    tx_.exec_params(
        "INSERT INTO user_resync (user_id, position) VALUES ($1, pg_current_xact_id()) ON "
        "CONFLICT (user_id) DO UPDATE SET position = EXCLUDED.position",
        std::string(user_id));
    return absl::OkStatus();
  }

 private:
  pqxx::dbtransaction& tx_;
  const bool lock_rows_;
};

std::string PgInTerritories(absl::string_view column) {
  return absl::StrCat(column, " = ANY($5::text[])");
}

std::string PgCountTerritories(absl::string_view column) {
  return absl::StrCat(column, " = ANY($2::text[])");
}

class PostgresStore final : public Store {
 public:
  PostgresStore(std::string uri, int pool_size) : pool_(std::move(uri), pool_size) {}

  absl::string_view kind() const override { return "postgresql"; }

  absl::Status Migrate() {
    return Run([](pqxx::work& tx) -> absl::Status {
      // One server migrates at a time, however many start together.
      tx.exec("SELECT pg_advisory_xact_lock(4242001)");
      tx.exec0("CREATE TABLE IF NOT EXISTS mcrm_store_schema (version integer NOT NULL)");
      const pqxx::result rows = tx.exec("SELECT version FROM mcrm_store_schema");
      const int version = rows.empty() ? 0 : rows[0][0].as<int>();
      if (version > kStoreSchemaVersion) {
        return absl::FailedPreconditionError(absl::StrCat(
            "the database was written by a newer mcrm-server (store schema ", version,
            "; this build knows up to ", kStoreSchemaVersion, "); upgrade mcrm-server"));
      }
      for (int next = version + 1; next <= kStoreSchemaVersion; ++next)
        tx.exec(kMigrations[next - 1]);
      tx.exec0("DELETE FROM mcrm_store_schema");
      tx.exec_params0("INSERT INTO mcrm_store_schema (version) VALUES ($1)",
                      std::max(version, kStoreSchemaVersion));
      return absl::OkStatus();
    });
  }

  absl::Status Transact(absl::FunctionRef<absl::Status(StoreTx&)> work) override {
    return Run([&](pqxx::work& tx) {
      PgTx store_tx(tx);
      return work(store_tx);
    });
  }

  absl::StatusOr<std::vector<StoredRecord>> ReadRecords(
      absl::Span<const std::string> ids) override {
    std::vector<StoredRecord> out;
    RETURN_IF_ERROR(Read<pqxx::read_transaction>([&](pqxx::dbtransaction& tx) -> absl::Status {
      PgTx reader(tx, /*lock_rows=*/false);
      ASSIGN_OR_RETURN(out, reader.LoadRecords(ids));
      return absl::OkStatus();
    }));
    return out;
  }

  absl::StatusOr<PullPage> Pull(const ScopeFilter& scope, absl::string_view cursor,
                                int limit) override {
    std::string after_txid = "0";
    std::string after_id;
    if (!cursor.empty()) {
      std::vector<std::string> parts = absl::StrSplit(cursor, absl::MaxSplits(':', 2));
      uint64_t txid = 0;
      if (parts.size() != 3 || parts[0] != "x" || !absl::SimpleAtoi(parts[1], &txid)) {
        return absl::InvalidArgumentError("cursor: not a cursor of this server's store");
      }
      after_txid = parts[1];
      after_id = parts[2];
      // The id part is a record id; anything else (a NUL byte would be cut short by libpq) is
      // not a cursor of ours.
      if (!after_id.empty() && !IsUuidV7(after_id)) {
        return absl::InvalidArgumentError("cursor: not a cursor of this server's store");
      }
    }
    static const std::string kScoped =
        absl::StrCat(kPageAfterCursor, kBelowHorizon, " AND (",
                     RepScopeSql("", "$4", &PgInTerritories), ") ORDER BY txid, id LIMIT $3");
    // A rep's pull after a cursor reads changes and removals in two statements. Each statement
    // has its own snapshot, so both are held to one horizon ($6), read before them: with a
    // horizon each, a removal could be served past a change the first statement did not yet see,
    // and the cursor would move beyond that change.
    static const std::string kScopedAt =
        absl::StrCat(kPageAfterCursor, "txid < $6::xid8 AND (",
                     RepScopeSql("", "$4", &PgInTerritories), ") ORDER BY txid, id LIMIT $3");
    // Records that left the rep's scope: the old keys were in scope, the current row is not.
    static const std::string kExits = absl::StrCat(
        "SELECT e.txid::text, e.id, e.entity, e.owner_id, e.territory_id, e.account_id, "
        "e.assignee_id FROM scope_exits e WHERE (e.txid, e.id) > ($1::xid8, $2) AND "
        "e.txid < $6::xid8 AND (",
        RepScopeSql("e.", "$4", &PgInTerritories),
        ") AND NOT EXISTS (SELECT 1 FROM records r WHERE r.id = e.id AND (",
        RepScopeSql("r.", "$4", &PgInTerritories), ")) ORDER BY e.txid, e.id LIMIT $3");
    PullPage page;
    absl::Status status =
        Read<pqxx::read_transaction>([&](pqxx::dbtransaction& tx) -> absl::Status {
          if (!cursor.empty()) {
            const pqxx::result horizon = tx.exec_prepared(kPastHorizon, after_txid);
            if (!horizon.empty()) {
              page.resync_required = true;
              return absl::OkStatus();
            }
          }
          const bool with_exits = !cursor.empty() && !scope.everything;
          std::string horizon;  // for a rep's pull after a cursor: one horizon for both statements
          if (with_exits) {
            const pqxx::row row = tx.exec_params1(
                "SELECT pg_snapshot_xmin(pg_current_snapshot())::text, EXISTS (SELECT 1 FROM "
                "user_resync WHERE user_id = $1 AND position > $2::xid8)",
                scope.user_id, after_txid);
            if (row[1].as<bool>()) {
              page.resync_required = true;
              return absl::OkStatus();
            }
            horizon = row[0].as<std::string>();
          }
          std::vector<PulledItem> changed, exits;
          const std::string rows_after = absl::StrCat(limit + 1);
          const BinaryRows rows =
              scope.everything
                  ? BinaryRows::ExecPrepared(tx, kPullAll, {after_txid, after_id, rows_after})
              : with_exits ? BinaryRows::Exec(tx, kScopedAt,
                                              {after_txid, after_id, rows_after, scope.user_id,
                                               ArrayLiteral(scope.territory_ids), horizon})
                           : BinaryRows::Exec(tx, kScoped,
                                              {after_txid, after_id, rows_after, scope.user_id,
                                               ArrayLiteral(scope.territory_ids)});
          changed.reserve(static_cast<size_t>(rows.size()));
          for (int i = 0; i < rows.size(); ++i) {
            PulledItem item;
            if (!absl::SimpleAtoi(rows.Get(i, 0), &item.major)) {
              return absl::DataLossError("postgresql: a stored position is not a number");
            }
            item.minor = std::string(rows.Get(i, 1));
            item.encoded = std::string(rows.Get(i, 2));
            changed.push_back(std::move(item));
          }
          // A pull from the start has nothing to remove.
          if (with_exits) {
            const pqxx::result gone =
                tx.exec_params(kExits, after_txid, after_id, limit + 1, scope.user_id,
                               ArrayLiteral(scope.territory_ids), horizon);
            for (const auto& row : gone) {
              PulledItem item;
              item.major = row[0].as<uint64_t>();
              item.minor = row[1].as<std::string>();
              item.encoded =
                  ScopeExitRecord(static_cast<EntityType>(row[2].as<int>()), item.minor,
                                  ScopeKeys{row[3].as<std::string>(), row[4].as<std::string>(),
                                            row[5].as<std::string>(), row[6].as<std::string>()});
              exits.push_back(std::move(item));
            }
          }
          uint64_t last_txid = 0;
          absl::SimpleAtoi(after_txid, &last_txid);
          std::string last_id = after_id;
          page.encoded_records = MergePulled(std::move(changed), std::move(exits), limit,
                                             kMaxAnswerBytes, page.more, last_txid, last_id);
          page.next_cursor = absl::StrCat("x:", last_txid, ":", last_id);
          return absl::OkStatus();
        });
    if (!status.ok()) return status;
    return page;
  }

  absl::StatusOr<int64_t> CountScope(const ScopeFilter& scope) override {
    static const std::string kScoped =
        absl::StrCat("SELECT count(*) FROM records WHERE NOT deleted AND (",
                     RepScopeSql("", "$1", &PgCountTerritories), ")");
    int64_t count = 0;
    RETURN_IF_ERROR(Read([&](pqxx::transaction_base& tx) -> absl::Status {
      const pqxx::row row =
          scope.everything
              // Counted as all rows less the tombstones: all rows can be counted from the
              // smallest index (an index-only scan, ~7x faster than reading 100,000 records from
              // the table), and the tombstones from their partial index.
              ? tx.exec1(
                    "SELECT (SELECT count(*) FROM records) - (SELECT count(*) FROM records WHERE "
                    "deleted)")
              : tx.exec_params1(kScoped, scope.user_id, ArrayLiteral(scope.territory_ids));
      count = row[0].as<int64_t>();
      return absl::OkStatus();
    }));
    return count;
  }

  absl::StatusOr<int64_t> PurgeBefore(int64_t cutoff_ms, int64_t results_cutoff_ms) override {
    int64_t purged = 0;
    RETURN_IF_ERROR(Run([&](pqxx::work& tx) -> absl::Status {
      // The horizon: the newest position forgotten. Cursors below it may have missed a tombstone.
      const pqxx::row newest = tx.exec_params1(
          "SELECT max(txid)::text FROM (SELECT txid FROM records WHERE deleted AND changed_ms < $1 "
          "UNION ALL SELECT txid FROM scope_exits WHERE at_ms < $1) gone",
          cutoff_ms);
      if (!newest[0].is_null()) {
        tx.exec_params0(
            "INSERT INTO store_state (key, value) VALUES ('horizon', $1) ON CONFLICT (key) DO "
            "UPDATE SET value = greatest(store_state.value::xid8, EXCLUDED.value::xid8)::text",
            newest[0].as<std::string>());
      }
      purged = tx.exec_params("DELETE FROM records WHERE deleted AND changed_ms < $1", cutoff_ms)
                   .affected_rows();
      tx.exec_params0("DELETE FROM scope_exits WHERE at_ms < $1", cutoff_ms);
      tx.exec_params0("DELETE FROM mutation_results WHERE at_ms < $1", results_cutoff_ms);
      return absl::OkStatus();
    }));
    return purged;
  }

  absl::StatusOr<std::vector<ConflictEntry>> ConflictsForRecord(
      absl::string_view record_id) override {
    return Conflicts("record_id = $1", record_id, 1000);
  }
  absl::StatusOr<std::vector<ConflictEntry>> ConflictsForUser(absl::string_view user_id,
                                                              int limit) override {
    return Conflicts("user_id = $1", user_id, limit);
  }

  absl::Status PutCredentials(const Credentials& c) override {
    return Run([&](pqxx::work& tx) {
      tx.exec_params0(
          "INSERT INTO credentials (user_id, login, password_hash) VALUES ($1, $2, $3) ON "
          "CONFLICT (user_id) DO UPDATE SET login = $2, password_hash = $3",
          c.user_id, c.login, c.password_hash);
      return absl::OkStatus();
    });
  }

  absl::StatusOr<std::optional<Credentials>> FindCredentials(absl::string_view login) override {
    std::optional<Credentials> out;
    RETURN_IF_ERROR(Read([&](pqxx::transaction_base& tx) {
      const pqxx::result rows =
          tx.exec_params("SELECT user_id, login, password_hash FROM credentials WHERE login = $1",
                         std::string(login));
      if (!rows.empty()) {
        out = Credentials{rows[0][0].as<std::string>(), rows[0][1].as<std::string>(),
                          rows[0][2].as<std::string>()};
      }
      return absl::OkStatus();
    }));
    return out;
  }

  absl::Status SaveSession(absl::string_view token_hash, const Session& s) override {
    return Run([&](pqxx::work& tx) {
      tx.exec_params0(
          "INSERT INTO devices (device_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
          s.device_id, s.user_id);
      tx.exec_params0(
          "INSERT INTO sessions (token_hash, user_id, device_id, expires_ms) VALUES ($1, $2, $3, "
          "$4)",
          std::string(token_hash), s.user_id, s.device_id, s.expires_ms);
      return absl::OkStatus();
    });
  }

  absl::StatusOr<std::optional<Session>> FindSession(absl::string_view token_hash) override {
    std::optional<Session> out;
    RETURN_IF_ERROR(Read([&](pqxx::transaction_base& tx) {
      const pqxx::result rows = tx.exec_params(
          "SELECT user_id, device_id, expires_ms FROM sessions WHERE token_hash = $1",
          std::string(token_hash));
      if (!rows.empty()) {
        out = Session{rows[0][0].as<std::string>(), rows[0][1].as<std::string>(),
                      rows[0][2].as<int64_t>()};
      }
      return absl::OkStatus();
    }));
    return out;
  }

  absl::Status RevokeDevice(absl::string_view device_id, int64_t at_ms) override {
    return Run([&](pqxx::work& tx) -> absl::Status {
      const pqxx::result updated = tx.exec_params(
          "UPDATE devices SET revoked_ms = coalesce(revoked_ms, $2) WHERE device_id = $1",
          std::string(device_id), at_ms);
      if (updated.affected_rows() == 0) {
        return absl::NotFoundError(absl::StrCat("device ", device_id, ": never logged in"));
      }
      tx.exec_params0("DELETE FROM sessions WHERE device_id = $1", std::string(device_id));
      return absl::OkStatus();
    });
  }

  absl::StatusOr<SessionLookup> LookUpSession(absl::string_view token_hash,
                                              absl::string_view device_id) override {
    SessionLookup out;
    RETURN_IF_ERROR(Read([&](pqxx::transaction_base& tx) -> absl::Status {
      const pqxx::row row =
          tx.exec_prepared1(kLookUpSession, std::string(token_hash), std::string(device_id));
      out.device_revoked = !row[0].is_null() && row[0].as<bool>();
      if (row[1].is_null()) return absl::OkStatus();
      out.session =
          Session{row[1].as<std::string>(), row[2].as<std::string>(), row[3].as<int64_t>()};
      if (row[4].is_null()) return absl::OkStatus();
      ASSIGN_OR_RETURN(std::string record, Bytes(row[4]));
      ASSIGN_OR_RETURN(std::string stamps, Bytes(row[5]));
      StoredRecord user;
      ASSIGN_OR_RETURN(user.record, DecodeRecord(record));
      ASSIGN_OR_RETURN(user.stamps, DecodeStamps(stamps));
      out.user = std::move(user);
      return absl::OkStatus();
    }));
    return out;
  }

  absl::StatusOr<bool> IsDeviceRevoked(absl::string_view device_id) override {
    bool revoked = false;
    RETURN_IF_ERROR(Read([&](pqxx::transaction_base& tx) {
      const pqxx::result rows =
          tx.exec_params("SELECT revoked_ms IS NOT NULL FROM devices WHERE device_id = $1",
                         std::string(device_id));
      revoked = !rows.empty() && rows[0][0].as<bool>();
      return absl::OkStatus();
    }));
    return revoked;
  }

 private:
  // Runs read-only `work` on a pooled connection without a transaction block: each statement
  // runs in its own snapshot, as it would in a READ COMMITTED transaction, and the BEGIN and
  // COMMIT round trips are saved (three calls of them per authenticated request). Work that
  // reads through BinaryRows needs a transaction object (`Tx` = pqxx::read_transaction), and
  // pays those two round trips (a pull page, a record read); its statements still each take
  // their own snapshot. A broken connection is replaced and the work run again. Unlike a
  // transaction's BEGIN, a statement outside one does not bring a connection back after PostgreSQL
  // restarted, so after a restart every pooled connection fails once: reads (harmless to repeat) go
  // through as many of them as the pool holds, and then a new one.
  template <typename Tx = pqxx::nontransaction, typename Work>
  absl::Status Read(Work&& work) {
    absl::Status status;
    for (int attempt = 0; attempt <= pool_.size(); ++attempt) {
      ASSIGN_OR_RETURN(ConnectionPool::Lease lease, pool_.Acquire());
      try {
        Tx tx(*lease);
        return work(tx);
      } catch (const std::exception& e) {
        status = FromException(e);
        if (!absl::IsUnavailable(status)) return status;
        lease.Discard();
      }
    }
    return status;
  }

  // Runs `work` in a transaction on a pooled connection; commits when it returns OK. A
  // connection found broken (PostgreSQL restarted since it was opened) is replaced and the work
  // run once more: nothing was committed on it. A commit whose outcome is unknown is not retried.
  template <typename Work>
  absl::Status Run(Work&& work) {
    absl::Status status;
    for (int attempt = 0; attempt < 2; ++attempt) {
      ASSIGN_OR_RETURN(ConnectionPool::Lease lease, pool_.Acquire());
      bool committing = false;
      try {
        pqxx::work tx(*lease);
        status = work(tx);
        if (status.ok()) {
          committing = true;
          tx.commit();
        } else {
          tx.abort();
        }
        return status;
      } catch (const std::exception& e) {
        status = FromException(e);
        if (!absl::IsUnavailable(status)) return status;
        lease.Discard();
        if (committing || dynamic_cast<const pqxx::in_doubt_error*>(&e) != nullptr) return status;
      }
    }
    return status;
  }

  absl::StatusOr<std::vector<ConflictEntry>> Conflicts(absl::string_view where,
                                                       absl::string_view key, int limit) {
    std::vector<ConflictEntry> out;
    RETURN_IF_ERROR(Read([&](pqxx::transaction_base& tx) -> absl::Status {
      const pqxx::result rows = tx.exec_params(
          absl::StrCat("SELECT entity, record_id, field, incoming, stored, incoming_hlc, "
                       "stored_hlc, incoming_won, device_id, user_id, server_version, at_ms FROM "
                       "conflicts WHERE ",
                       where, " ORDER BY seq DESC LIMIT $2"),
          std::string(key), limit);
      for (const auto& row : rows) {
        ConflictEntry c;
        c.entity = static_cast<EntityType>(row[0].as<int>());
        c.record_id = row[1].as<std::string>();
        c.conflict.field = row[2].as<uint32_t>();
        ASSIGN_OR_RETURN(std::string incoming, Bytes(row[3]));
        ASSIGN_OR_RETURN(std::string stored, Bytes(row[4]));
        ASSIGN_OR_RETURN(std::string incoming_hlc, Bytes(row[5]));
        ASSIGN_OR_RETURN(std::string stored_hlc, Bytes(row[6]));
        c.conflict.incoming = DecodeValue(incoming);
        c.conflict.stored = DecodeValue(stored);
        c.conflict.incoming_hlc = DecodeHlc(incoming_hlc);
        c.conflict.stored_hlc = DecodeHlc(stored_hlc);
        c.conflict.incoming_won = row[7].as<bool>();
        c.device_id = row[8].as<std::string>();
        c.user_id = row[9].as<std::string>();
        c.server_version = row[10].as<int64_t>();
        c.at_ms = row[11].as<int64_t>();
        out.push_back(std::move(c));
      }
      return absl::OkStatus();
    }));
    return out;
  }

  ConnectionPool pool_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<Store>> OpenPostgresStore(const std::string& uri, int pool_size) {
  auto store = std::make_unique<PostgresStore>(uri, pool_size);
  RETURN_IF_ERROR(store->Migrate());
  return store;
}

}  // namespace mcrm::server
