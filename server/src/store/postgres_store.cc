// The PostgreSQL store (libpqxx 6.4): PostgresStore wires together the parts in store/pg/ (the
// schema migrations, the connection pool and its retrying runner, the per-transaction work, pulls,
// identity and the conflict log) and purges old tombstones itself.
#include <memory>
#include <pqxx/pqxx>
#include <string>
#include <utility>
#include <vector>

#include "mcrm/status_macros.h"
#include "store/pg/conflicts.h"
#include "store/pg/connection_pool.h"
#include "store/pg/identity.h"
#include "store/pg/migrations.h"
#include "store/pg/pg_tx.h"
#include "store/pg/pull.h"
#include "store/pg/typed_tables.h"
#include "store/store.h"

namespace mcrm::server {
namespace {

class PostgresStore final : public Store {
 public:
  PostgresStore(std::string uri, int pool_size)
      : pool_(std::move(uri), pool_size), runner_(pool_) {}

  absl::string_view kind() const override { return "postgresql"; }

  absl::Status Migrate() {
    return runner_.Run([](pqxx::work& tx) -> absl::Status {
      RETURN_IF_ERROR(MigratePostgres(tx));
      return EnsurePgTypedTables(tx);
    });
  }

  absl::Status Transact(absl::FunctionRef<absl::Status(StoreTx&)> work) override {
    return runner_.Run([&](pqxx::work& tx) {
      PgTx store_tx(tx);
      return work(store_tx);
    });
  }

  absl::Status NoteDeviceSync(absl::string_view device_id, int64_t at_ms,
                              int64_t unsent_changes) override {
    return NoteDeviceSyncPostgres(runner_, device_id, at_ms, unsent_changes);
  }
  absl::StatusOr<std::vector<DeviceInfo>> ListDevices(absl::string_view user_id,
                                                      int limit) override {
    return ListDevicesPostgres(runner_, user_id, limit);
  }

  absl::StatusOr<FoundPage> Find(const FindQuery& query) override {
    return FindPostgres(runner_, query);
  }

  absl::StatusOr<std::vector<StoredRecord>> ReadRecords(
      absl::Span<const std::string> ids) override {
    std::vector<StoredRecord> out;
    RETURN_IF_ERROR(
        runner_.Read<pqxx::read_transaction>([&](pqxx::dbtransaction& tx) -> absl::Status {
          PgTx reader(tx, /*lock_rows=*/false);
          ASSIGN_OR_RETURN(out, reader.LoadRecords(ids));
          return absl::OkStatus();
        }));
    return out;
  }

  absl::StatusOr<PullPage> Pull(const ScopeFilter& scope, absl::string_view cursor,
                                int limit) override {
    return PullPostgres(runner_, scope, cursor, limit);
  }

  absl::StatusOr<int64_t> CountScope(const ScopeFilter& scope) override {
    return CountScopePostgres(runner_, scope);
  }

  absl::StatusOr<int64_t> PurgeBefore(int64_t cutoff_ms, int64_t results_cutoff_ms) override {
    int64_t purged = 0;
    RETURN_IF_ERROR(runner_.Run([&](pqxx::work& tx) -> absl::Status {
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
    return ConflictsForRecordPostgres(runner_, record_id);
  }
  absl::StatusOr<std::vector<ConflictEntry>> ConflictsForUser(absl::string_view user_id,
                                                              int limit) override {
    return ConflictsForUserPostgres(runner_, user_id, limit);
  }
  absl::StatusOr<std::optional<ConflictEntry>> ConflictBySeq(int64_t seq) override {
    return ConflictBySeqPostgres(runner_, seq);
  }

  absl::Status PutCredentials(const Credentials& c) override {
    return PutCredentialsPostgres(runner_, c);
  }

  absl::StatusOr<std::optional<Credentials>> FindCredentials(absl::string_view login) override {
    return FindCredentialsPostgres(runner_, login);
  }

  absl::Status SaveSession(absl::string_view token_hash, const Session& s) override {
    return SaveSessionPostgres(runner_, token_hash, s);
  }

  absl::StatusOr<std::optional<Session>> FindSession(absl::string_view token_hash) override {
    return FindSessionPostgres(runner_, token_hash);
  }

  absl::Status RevokeDevice(absl::string_view device_id, int64_t at_ms) override {
    return RevokeDevicePostgres(runner_, device_id, at_ms);
  }

  absl::StatusOr<SessionLookup> LookUpSession(absl::string_view token_hash,
                                              absl::string_view device_id) override {
    return LookUpSessionPostgres(runner_, token_hash, device_id);
  }

  absl::StatusOr<bool> IsDeviceRevoked(absl::string_view device_id) override {
    return IsDeviceRevokedPostgres(runner_, device_id);
  }

 private:
  ConnectionPool pool_;
  PgRunner runner_;  // runs work on pool_
};

}  // namespace

absl::StatusOr<std::unique_ptr<Store>> OpenPostgresStore(const std::string& uri, int pool_size) {
  auto store = std::make_unique<PostgresStore>(uri, pool_size);
  RETURN_IF_ERROR(store->Migrate());
  return store;
}

}  // namespace mcrm::server
