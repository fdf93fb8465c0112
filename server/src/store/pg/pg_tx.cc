// PgTx's statements: the device lock, record reads (locking or not), the batched writes of
// records, mutation results, conflicts and scope exits, and the re-stamping for scope changes.
#include "store/pg/pg_tx.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "mcrm/status_macros.h"
#include "store/binary_rows.h"
#include "store/encoding.h"
#include "store/pg/params.h"
#include "store/pg/statements.h"
#include "store/pg/typed_tables.h"
#include "wire_codec.h"

namespace mcrm::server {

absl::Status PgTx::SerializeDevice(absl::string_view device_id) {
  // A transaction-scoped advisory lock on the device id's hash (class 4242002; a collision
  // only makes two devices take turns).
  tx_.exec_prepared(kSerializeDevice, std::string(device_id));
  return absl::OkStatus();
}

absl::StatusOr<std::vector<StoredRecord>> PgTx::LoadRecords(absl::Span<const std::string> ids) {
  return ReadRecords(ids, lock_rows_);
}

absl::StatusOr<std::vector<StoredRecord>> PgTx::PeekRecords(absl::Span<const std::string> ids) {
  return ReadRecords(ids, false);
}

absl::StatusOr<std::vector<StoredRecord>> PgTx::ReadRecords(absl::Span<const std::string> ids,
                                                            bool lock) {
  std::vector<StoredRecord> out;
  if (ids.empty()) return out;
  // One index probe per id (see ProbeEach). Sorted: concurrent pushes lock rows in the same
  // order and cannot deadlock.
  std::vector<std::string> sorted(ids.begin(), ids.end());
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  const BinaryRows rows =
      BinaryRows::ExecPrepared(tx_, lock ? kLockRecords : kReadRecords, {ArrayLiteral(sorted)});
  out.reserve(static_cast<size_t>(rows.size()));
  for (int i = 0; i < rows.size(); ++i) {
    StoredRecord stored;
    ASSIGN_OR_RETURN(stored.record, DecodeRecord(rows.Get(i, 0)));
    ASSIGN_OR_RETURN(stored.stamps, DecodeStamps(rows.Get(i, 1)));
    out.push_back(std::move(stored));
  }
  return out;
}

absl::Status PgTx::SaveRecords(absl::Span<const StoredRecord> records) {
  for (size_t begin = 0; begin < records.size(); begin += kRowsPerStatement) {
    const size_t n = std::min(kRowsPerStatement, records.size() - begin);
    BinaryParams params(n * 12);
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
      params.Text(author_user_id_);
      params.Text(author_via_);
    }
    // A row is written only over an older version of itself. A row it was not written over was
    // created by a transaction that committed after this one looked for it: run again.
    if (ExecRows(tx_, n, kSaveRecordsOne, kSaveRecordsFull, &SaveRecordsSql, params) != n) {
      return absl::AbortedError(
          "a record was written by another transaction meanwhile; send the change again");
    }
  }
  // The typed tables, in the same transaction: never a copy that trails.
  return WritePgTypedRows(tx_, records, author_user_id_, author_via_);
}

absl::StatusOr<absl::flat_hash_map<std::string, std::string>> PgTx::FindMutationResults(
    absl::string_view device_id, absl::Span<const std::string> mutation_ids) {
  absl::flat_hash_map<std::string, std::string> out;
  if (mutation_ids.empty()) return out;
  const BinaryRows rows = BinaryRows::ExecPrepared(
      tx_, kFindResults, {ArrayLiteral(mutation_ids), std::string(device_id)});
  for (int i = 0; i < rows.size(); ++i) out[rows.Get(i, 0)] = std::string(rows.Get(i, 1));
  return out;
}

absl::Status PgTx::SaveMutationResults(
    absl::string_view device_id, absl::Span<const std::pair<std::string, std::string>> results) {
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

absl::Status PgTx::AppendConflicts(absl::Span<const ConflictEntry> conflicts) {
  for (size_t begin = 0; begin < conflicts.size(); begin += kRowsPerStatement) {
    const size_t n = std::min(kRowsPerStatement, conflicts.size() - begin);
    BinaryParams params(n * 13);
    for (size_t i = begin; i < begin + n; ++i) {
      const ConflictEntry& c = conflicts[i];
      params.Int16(static_cast<int16_t>(c.entity));
      params.Text(c.record_id);
      params.Int32(static_cast<int32_t>(c.conflict.field));
      params.Bytes(wire::EncodeValue(c.conflict.incoming));
      params.Bytes(wire::EncodeValue(c.conflict.stored));
      params.Bytes(EncodeHlc(c.conflict.incoming_hlc));
      params.Bytes(EncodeHlc(c.conflict.stored_hlc));
      params.Bool(c.conflict.incoming_won);
      params.Text(c.device_id);
      params.Text(c.user_id);
      params.Int64(c.server_version);
      params.Int64(c.at_ms);
      params.Text(c.via);
    }
    tx_.exec_params(absl::StrCat("INSERT INTO conflicts (entity, record_id, field, incoming, "
                                 "stored, incoming_hlc, stored_hlc, incoming_won, device_id, "
                                 "user_id, server_version, at_ms, via) VALUES ",
                                 Placeholders(n, 13)),
                    params.dynamic());
  }
  return absl::OkStatus();
}

absl::Status PgTx::RecordScopeExits(absl::Span<const Record> before) {
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

absl::Status PgTx::TouchRecordsOfAccounts(absl::Span<const std::string> account_ids) {
  if (account_ids.empty()) return absl::OkStatus();
  tx_.exec_params(
      "UPDATE records SET txid = pg_current_xact_id() WHERE account_id = ANY($1::text[]) AND "
      "entity <> $2",
      ArrayLiteral(account_ids), static_cast<int>(EntityType::kAccount));
  return absl::OkStatus();
}

absl::Status PgTx::RequireResync(absl::string_view user_id) {
  tx_.exec_params(
      "INSERT INTO user_resync (user_id, position) VALUES ($1, pg_current_xact_id()) ON "
      "CONFLICT (user_id) DO UPDATE SET position = EXCLUDED.position",
      std::string(user_id));
  return absl::OkStatus();
}

absl::StatusOr<absl::flat_hash_map<std::string, std::string>> PgTx::IdsOfKeys(
    EntityType entity, absl::Span<const std::string> keys) {
  absl::flat_hash_map<std::string, std::string> out;
  if (keys.empty()) return out;
  // One index probe per key (ProbeEach), whatever the planner guesses of a young table.
  static const std::string kSql = ProbeEach(
      "r.key, r.id::text", "SELECT key, id FROM record_keys WHERE entity = $2 AND key = k.id");
  const BinaryRows rows = BinaryRows::Exec(
      tx_, kSql, std::vector<std::string>{ArrayLiteral(keys), std::string(EntityName(entity))});
  for (int i = 0; i < rows.size(); ++i) out[rows.Get(i, 0)] = std::string(rows.Get(i, 1));
  return out;
}

absl::Status PgTx::SaveKeys(EntityType entity,
                            absl::Span<const std::pair<std::string, std::string>> keys) {
  if (keys.empty()) return absl::OkStatus();
  std::vector<std::string> names, ids;
  names.reserve(keys.size());
  ids.reserve(keys.size());
  for (const auto& [key, id] : keys) {
    names.push_back(key);
    ids.push_back(id);
  }
  // A key another transaction gave a record first (the insert waited for that one to end) ends
  // this transaction; it runs again and finds that record. A plain insert, not ON CONFLICT:
  // that would look each key up a second time, and cost an import a tenth more.
  try {
    tx_.exec_params0(
        "INSERT INTO record_keys (entity, key, id) SELECT $1, k, i::uuid FROM "
        "unnest($2::text[], $3::text[]) AS u(k, i)",
        std::string(EntityName(entity)), ArrayLiteral(names), ArrayLiteral(ids));
  } catch (const pqxx::unique_violation&) {
    return absl::AbortedError(
        "an import gave one of these keys to a record meanwhile; send the rows again");
  }
  return absl::OkStatus();
}

}  // namespace mcrm::server
