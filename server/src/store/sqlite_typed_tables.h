// The typed tables of the embedded SQLite store: one table per entity (accounts, service_tasks,
// ...), one column per schema field (mcrm/sql_view.h), and one FTS5 table per entity for
// full-text search, written in the same transaction as every record, so that the sqlite3 shell,
// report tools and Store::Find read the master data without decoding it. Generated from the
// schema, not numbered migrations: a schema change rebuilds them by itself at the next start.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "mcrm/record.h"
#include "mcrm/sqlite/statement.h"
#include "store/store.h"

namespace mcrm::server {

// The DDL of every typed table, its indexes and its full-text table.
std::string SqliteTypedTablesDdl();

// After the numbered migrations, in a transaction of its own: when the typed tables' DDL
// differs from the one they were made with (first start, or a schema change), drops every table
// an earlier DDL made, creates them anew and fills them from the live rows of `records`.
absl::Status EnsureSqliteTypedTables(sqlite3* db);

// Keeps the typed rows in step with the records table, in the caller's transaction. One writer
// serves one batch (a SaveRecords call, a refill): its statements are prepared once per entity,
// at the entity's first record, and run for every record of it.
//
// The full-text rows are written last, by Flush(): once a transaction has written to an FTS5
// table, every later statement that needs a statement journal (an upsert into a table with
// indexes, as `records` and the typed tables are) opens a savepoint, and FTS5 answers each
// savepoint by writing its pending terms as a new segment of its index. Interleaved with the
// other writes that would cost a segment per record; after them, one per batch.
class SqliteTypedRows {
 public:
  explicit SqliteTypedRows(sqlite3* db);
  ~SqliteTypedRows();
  SqliteTypedRows(const SqliteTypedRows&) = delete;
  SqliteTypedRows& operator=(const SqliteTypedRows&) = delete;

  // `record`'s row in `records` was just written in this transaction; its typed row follows: a
  // live record is upserted (its rowid kept), a tombstone removed. The version, time and author
  // are read from the records row, so the typed row cannot disagree with it. Its full-text row
  // follows at Flush().
  absl::Status Write(const Record& record);

  // Writes the full-text rows of the records written since the last Flush(): each one's old row
  // is removed and, for a live record with terms, the new one inserted under its typed row's
  // rowid. Call it after the batch's other writes.
  absl::Status Flush();

 private:
  struct Statements;
  Statements& For(EntityType entity);

  // A full-text row to replace: `rowid`'s old row goes; `terms` (SearchTermsOf joined by
  // spaces) is inserted unless empty (a tombstone, or a record with nothing to search by).
  struct SearchChange {
    EntityType entity;
    int64_t rowid;
    std::string terms;
  };

  sqlite3* db_;
  std::map<EntityType, std::unique_ptr<Statements>> statements_;
  std::vector<SearchChange> search_changes_;
};

// Store::Find on SQLite: the query's checks, then one SELECT over the entity's typed table
// (find_query.h). The caller serializes it with the connection's other users.
absl::StatusOr<FoundPage> FindSqlite(sqlite3* db, const FindQuery& query);

}  // namespace mcrm::server
