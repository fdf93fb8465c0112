// The PostgreSQL store's schema migrations (kMigrations, one per store schema version) and
// MigratePostgres, which applies those the database lacks and refuses a newer one.
#include "store/pg/migrations.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
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
    // 4: whom a conflicting change came through (device, back office, import, a server job).
    R"sql(
ALTER TABLE conflicts ADD COLUMN via text NOT NULL DEFAULT 'device';
)sql",
    // 5: whom each record's last change came through, and for whom (the typed tables show it).
    R"sql(
ALTER TABLE records ADD COLUMN changed_by text NOT NULL DEFAULT '',
  ADD COLUMN changed_via text NOT NULL DEFAULT '';
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
ALTER TABLE devices ADD COLUMN last_sync_ms bigint NOT NULL DEFAULT 0,
  ADD COLUMN unsent_changes integer NOT NULL DEFAULT 0;
CREATE INDEX devices_by_user ON devices (user_id);
)sql",
    // 8: the stable keys imports name records by. Imported records get time-ordered ids like
    // every other record, and a key finds its record here. (Before, a key's id was a hash of
    // the key, which this table does not know: a file imported by key before this version
    // makes its records anew when imported again.) Keys are only ever compared for
    // equality: bytewise ("C") is enough, and cheaper than a language's collation.
    R"sql(
CREATE TABLE record_keys (
  entity text COLLATE "C" NOT NULL,
  key text COLLATE "C" NOT NULL,
  id uuid NOT NULL,
  PRIMARY KEY (entity, key)
);
)sql",
};
static_assert(sizeof(kMigrations) / sizeof(kMigrations[0]) == kStoreSchemaVersion);

}  // namespace

absl::Status MigratePostgres(pqxx::work& tx) {
  // One server migrates at a time, however many start together.
  tx.exec("SELECT pg_advisory_xact_lock(4242001)");
  tx.exec0("CREATE TABLE IF NOT EXISTS mcrm_store_schema (version integer NOT NULL)");
  const pqxx::result rows = tx.exec("SELECT version FROM mcrm_store_schema");
  const int version = rows.empty() ? 0 : rows[0][0].as<int>();
  if (version > kStoreSchemaVersion) {
    return absl::FailedPreconditionError(
        absl::StrCat("the database was written by a newer mcrm-server (store schema ", version,
                     "; this build knows up to ", kStoreSchemaVersion, "); upgrade mcrm-server"));
  }
  for (int next = version + 1; next <= kStoreSchemaVersion; ++next) tx.exec(kMigrations[next - 1]);
  tx.exec0("DELETE FROM mcrm_store_schema");
  tx.exec_params0("INSERT INTO mcrm_store_schema (version) VALUES ($1)",
                  std::max(version, kStoreSchemaVersion));
  return absl::OkStatus();
}

}  // namespace mcrm::server
