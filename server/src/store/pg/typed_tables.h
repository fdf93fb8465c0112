// The typed tables of the PostgreSQL store: one table per entity in schema `crm`
// (crm.accounts, crm.service_tasks, ...), one column per schema field with its SQL type
// (mcrm/sql_view.h), written in the same transaction as every record, so that psql, report tools
// and the back office read the master data without decoding it. Generated from the schema: a
// schema change rebuilds them by itself at the next start.
#pragma once

#include <pqxx/pqxx>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "mcrm/merge.h"
#include "store/pg/connection_pool.h"
#include "store/store.h"

namespace mcrm::server {

// The DDL of every typed table, its indexes and comments.
std::string PgTypedTablesDdl();

// After the numbered migrations, in the same transaction: creates the typed tables when their
// DDL differs from the one they were made with (first start, or a schema change), and fills
// them from the records table.
absl::Status EnsurePgTypedTables(pqxx::work& tx);

// Writes the typed rows of records just saved to the records table in this transaction: live
// ones upserted, tombstones removed. The change time is the transaction's, as on the records
// rows; the author is the transaction's (StoreTx::SetAuthor).
absl::Status WritePgTypedRows(pqxx::dbtransaction& tx, absl::Span<const StoredRecord> records,
                              absl::string_view changed_by, absl::string_view changed_via);

// Prepares the typed rows' statements on a new connection.
void PreparePgTypedStatements(pqxx::connection& connection);

// Store::Find on PostgreSQL.
absl::StatusOr<FoundPage> FindPostgres(PgRunner& runner, const FindQuery& query);

}  // namespace mcrm::server
