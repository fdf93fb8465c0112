// The statement texts and builders declared in store/pg/statements.h, and the preparing of the
// statements every connection holds.
#include "store/pg/statements.h"

#include "absl/strings/str_cat.h"
#include "store/pg/typed_tables.h"

namespace mcrm::server {

void AppendArrayElement(absl::string_view item, std::string& out) {
  out.push_back('"');
  for (const char c : item) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
}

std::string ArrayLiteral(absl::Span<const std::string> items) {
  std::string out = "{";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out.push_back(',');
    AppendArrayElement(items[i], out);
  }
  out.push_back('}');
  return out;
}

std::string Placeholders(size_t rows, size_t columns, absl::string_view row_prefix,
                         absl::string_view row_suffix) {
  std::string out;
  size_t n = 0;
  for (size_t r = 0; r < rows; ++r) {
    absl::StrAppend(&out, r ? "," : "", "(", row_prefix);
    for (size_t c = 0; c < columns; ++c) absl::StrAppend(&out, c ? "," : "", "$", ++n);
    absl::StrAppend(&out, row_suffix, ")");
  }
  return out;
}

std::string ProbeEach(absl::string_view columns, absl::string_view probe) {
  return absl::StrCat("SELECT ", columns,
                      " FROM unnest($1::text[]) WITH ORDINALITY AS k(id, n) CROSS JOIN LATERAL (",
                      probe, " LIMIT 1) r ORDER BY k.n");
}

std::string SaveRecordsSql(size_t n) {
  return absl::StrCat(
      "INSERT INTO records (id, entity, version, deleted, owner_id, territory_id, account_id, "
      "assignee_id, record, stamps, changed_by, changed_via, txid, changed_ms) VALUES ",
      Placeholders(
          n, 12, "",
          // The transaction's time: the typed rows written with these are stamped with it too.
          ", pg_current_xact_id(), (extract(epoch FROM now()) * 1000)::bigint"),
      " ON CONFLICT (id) DO UPDATE SET entity = EXCLUDED.entity, version = EXCLUDED.version, "
      "deleted = EXCLUDED.deleted, owner_id = EXCLUDED.owner_id, territory_id = "
      "EXCLUDED.territory_id, account_id = EXCLUDED.account_id, assignee_id = "
      "EXCLUDED.assignee_id, record = EXCLUDED.record, stamps = EXCLUDED.stamps, changed_by = "
      "EXCLUDED.changed_by, changed_via = EXCLUDED.changed_via, txid = EXCLUDED.txid, changed_ms = "
      "EXCLUDED.changed_ms WHERE records.version < "
      "EXCLUDED.version");
}

std::string SaveResultsSql(size_t n) {
  return absl::StrCat("INSERT INTO mutation_results (device_id, mutation_id, result) VALUES ",
                      Placeholders(n, 3), " ON CONFLICT DO NOTHING");
}

size_t ExecRows(pqxx::transaction_base& tx, size_t n, const char* prepared_one,
                const char* prepared_full, std::string (*sql)(size_t), const BinaryParams& params) {
  const pqxx::result result =
      n == 1 || n == kRowsPerStatement
          ? tx.exec_prepared(n == 1 ? prepared_one : prepared_full, params.dynamic())
          : tx.exec_params(sql(n), params.dynamic());
  return static_cast<size_t>(result.affected_rows());
}

void PrepareStatements(pqxx::connection& connection) {
  PreparePgTypedStatements(connection);
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

}  // namespace mcrm::server
