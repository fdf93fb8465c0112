#include "store/sqlite_typed_tables.h"

#include <optional>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "mcrm/search_terms.h"
#include "mcrm/sort_key.h"
#include "mcrm/sql_view.h"
#include "mcrm/sqlite/bind_value.h"
#include "mcrm/status_macros.h"
#include "mcrm/value_json.h"
#include "store/encoding.h"
#include "store/find_query.h"

namespace mcrm::server {
namespace {

using sqlite::Exec;
using sqlite::InTransaction;
using sqlite::Statement;

// Records a refill writes between two flushes of the full-text rows: bounds the memory of the
// pending terms, at the cost of one FTS5 segment per batch.
constexpr int kRefillBatch = 1000;

std::string Column(const FieldSpec& field) { return absl::StrCat("\"", field.name, "\""); }
std::string KeyColumn(const FieldSpec& field) {
  return absl::StrCat("\"", SortKeyColumn(field), "\"");
}
std::string SearchTable(EntityType entity) { return absl::StrCat(SqlTableName(entity), "_search"); }

// Every table the DDL makes, each typed table followed by its full-text table.
std::vector<std::string> TypedTableNames() {
  std::vector<std::string> names;
  for (const EntitySpec& entity : AllEntities()) {
    names.push_back(SqlTableName(entity.type));
    names.push_back(SearchTable(entity.type));
  }
  return names;
}

// The statements of one entity's rows. The upsert reads the version, time and author from the
// records row this transaction has just written (by id), so that the typed row repeats them
// exactly, for a SaveRecords and a refill alike. It keeps the rowid of an existing row (ON
// CONFLICT ... DO UPDATE, not REPLACE), which is also the full-text row's rowid; both the upsert
// and the removal return it.
struct EntitySql {
  std::string upsert;   // ?1 id, ?2... the fields in schema order, then the sort keys
  std::string remove;   // ?1 id
  std::string unindex;  // ?1 rowid
  std::string index;    // ?1 rowid, ?2 terms
};

EntitySql MakeSql(const EntitySpec& entity) {
  const std::string table = SqlTableName(entity.type);
  const std::string search = SearchTable(entity.type);
  std::vector<std::string> columns = {"id"}, values = {"?1"}, updates;
  for (size_t i = 0; i < entity.fields.size(); ++i) {
    columns.push_back(Column(entity.fields[i]));
    values.push_back(absl::StrCat("?", i + 2));
  }
  for (const FieldSpec& field : entity.fields) {
    if (!HasSortKey(field)) continue;
    columns.push_back(KeyColumn(field));
    values.push_back(absl::StrCat("?", values.size() + 1));
  }
  for (const SqlChangeColumn& column : kSqlChangeColumns) columns.push_back(column.name);
  values.insert(values.end(), {"r.version", "r.changed_ms", "r.changed_by", "r.changed_via"});
  for (size_t i = 1; i < columns.size(); ++i) {
    updates.push_back(absl::StrCat(columns[i], " = excluded.", columns[i]));
  }
  EntitySql sql;
  // The SELECT's WHERE also keeps SQLite from reading ON CONFLICT as a join constraint.
  sql.upsert = absl::StrCat("INSERT INTO ", table, " (", absl::StrJoin(columns, ", "), ") SELECT ",
                            absl::StrJoin(values, ", "),
                            " FROM records r WHERE r.id = ?1 ON CONFLICT (id) DO UPDATE SET ",
                            absl::StrJoin(updates, ", "), " RETURNING rowid");
  sql.remove = absl::StrCat("DELETE FROM ", table, " WHERE id = ?1 RETURNING rowid");
  sql.unindex = absl::StrCat("DELETE FROM ", search, " WHERE rowid = ?1");
  sql.index = absl::StrCat("INSERT INTO ", search, " (rowid, terms) VALUES (?1, ?2)");
  return sql;
}

// Built once: the schema does not change while the process runs.
const EntitySql& SqlOf(EntityType entity) {
  static const auto* const all = [] {
    auto* sql = new std::map<EntityType, EntitySql>;
    for (const EntitySpec& spec : AllEntities()) (*sql)[spec.type] = MakeSql(spec);
    return sql;
  }();
  return all->at(entity);
}

// A field's value in its column: a missing one is NULL, a list or struct its JSON text.
void BindField(Statement& stmt, int i, SqlType type, const Value& value) {
  if (!value.is_null() && !IsScalar(type)) {
    stmt.Text(i, JsonOf(value));
  } else {
    sqlite::BindValue(stmt, i, value);
  }
}

absl::StatusOr<std::optional<std::string>> ReadState(sqlite3* db, absl::string_view key) {
  Statement stmt(db, "SELECT value FROM store_state WHERE key = ?1");
  stmt.Text(1, key);
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return std::optional<std::string>();
  return std::optional<std::string>(stmt.ColumnText(0));
}

// store_state.value has INTEGER affinity, for the horizon; text that does not read as a number
// (a DDL, a list of names) is kept as text, and nothing else reads these keys.
absl::Status WriteState(sqlite3* db, absl::string_view key, absl::string_view value) {
  Statement stmt(db,
                 "INSERT INTO store_state (key, value) VALUES (?1, ?2) "
                 "ON CONFLICT (key) DO UPDATE SET value = excluded.value");
  stmt.Text(1, key).Text(2, value);
  return stmt.Run();
}

absl::StatusOr<bool> TableExists(sqlite3* db, const std::string& name) {
  Statement stmt(db,
                 "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1 COLLATE NOCASE");
  stmt.Text(1, name);
  return stmt.Step();
}

// Fills the (new, empty) typed tables from every live record, with the rows' own writer.
absl::Status Refill(sqlite3* db) {
  Statement live(db, "SELECT record FROM records WHERE deleted = 0");
  SqliteTypedRows rows(db);
  int pending = 0;
  while (true) {
    ASSIGN_OR_RETURN(bool row, live.Step());
    if (!row) break;
    ASSIGN_OR_RETURN(const Record record, DecodeRecord(live.ColumnBlob(0)));
    RETURN_IF_ERROR(rows.Write(record));
    if (++pending == kRefillBatch) {
      RETURN_IF_ERROR(rows.Flush());
      pending = 0;
    }
  }
  return rows.Flush();
}

// ---- Find's dialect (find_query.h) --------------------------------------------------------

std::string SqlitePlaceholder(int n) { return absl::StrCat("?", n); }

// Values are bound as SQLite's own types (sqlite::BindValue), which compare with the columns as
// they are.
std::string SqliteTyped(SqlType, const std::string& placeholder) { return placeholder; }

std::string SqliteListContains(SqlType, const std::string& column, const std::string& placeholder) {
  return absl::StrCat("EXISTS (SELECT 1 FROM json_each(", column, ") WHERE value = ", placeholder,
                      ")");
}

// The full-text row shares the typed row's rowid.
std::string SqliteSearchMatch(EntityType entity, const std::string& placeholder) {
  const std::string search = SearchTable(entity);
  return absl::StrCat("t.rowid IN (SELECT rowid FROM ", search, " WHERE ", search, " MATCH ",
                      placeholder, ")");
}

std::string SqliteSearchQueryText(const SearchQuery& query) { return Fts5MatchText(query); }

// Bytes are bound as they are (as text, which holds any bytes but zero) and read as a BLOB, which
// compares with the key columns byte by byte.
std::string SqliteBytes(const std::string& p) { return absl::StrCat("CAST(", p, " AS BLOB)"); }
Value SqliteBytesValue(const std::string& bytes) { return Value::String(bytes); }

constexpr SqlDialect kSqliteDialect{&SqlitePlaceholder, &SqliteTyped,           &SqliteListContains,
                                    &SqliteSearchMatch, &SqliteSearchQueryText, "t.id",
                                    &SqliteBytes,       &SqliteBytesValue};

}  // namespace

std::string SqliteTypedTablesDdl() {
  std::string ddl =
      absl::StrCat("-- M-CRM typed tables: rows v", kTypedRowsVersion, ", search terms v",
                   kSearchTermsVersion, ", sort keys of ", SortKeyVersion(), "\n");
  for (const EntitySpec& entity : AllEntities()) {
    const std::string table = SqlTableName(entity.type);
    std::vector<std::string> columns = {"  id TEXT PRIMARY KEY"};
    for (const FieldSpec& field : entity.fields) {
      columns.push_back(
          absl::StrCat("  ", Column(field), " ", SqliteTypeName(SqlTypeOf(field.type))));
    }
    for (const FieldSpec& field : entity.fields) {
      if (HasSortKey(field)) columns.push_back(absl::StrCat("  ", KeyColumn(field), " BLOB"));
    }
    for (const SqlChangeColumn& column : kSqlChangeColumns) {
      columns.push_back(absl::StrCat("  ", column.name, " ", column.sqlite_type));
    }
    absl::StrAppend(&ddl, "CREATE TABLE ", table, " (\n", absl::StrJoin(columns, ",\n"), "\n);\n");
    for (const FieldSpec& field : entity.fields) {
      // A list or struct is JSON text, which no index can look into (find reads it with
      // json_each). SQLite sorts NULL first, as a find's keyset pages ascend (find_query.h), and
      // last when they descend, so one index on (field, id) serves both directions.
      if (IsIndexed(field) && IsScalar(SqlTypeOf(field.type))) {
        absl::StrAppend(&ddl, "CREATE INDEX ", table, "_by_", field.name, " ON ", table, "(\"",
                        SortColumn(field), "\", id);\n");
      }
    }
    // A list of one value per filter sorted by a field, read in order from one index.
    for (const ListIndex& list : entity.list_indexes) {
      absl::StrAppend(&ddl, "CREATE INDEX ", table, "_list_", list.Name(), " ON ", table, "(\"",
                      absl::StrJoin(ListIndexColumns(entity, list), "\", \""), "\", id);\n");
    }
    // The terms are made by the shared rule already: the tokenizer splits them at spaces only.
    absl::StrAppend(&ddl, "-- terms of: ", SearchedFieldsOf(entity), "\n", "CREATE VIRTUAL TABLE ",
                    SearchTable(entity.type), " USING fts5(terms, tokenize = \"",
                    kFts5TermsTokenizer, "\");\n");
  }
  return ddl;
}

absl::Status EnsureSqliteTypedTables(sqlite3* db) {
  const std::string ddl = SqliteTypedTablesDdl();
  return InTransaction(db, [&]() -> absl::Status {
    ASSIGN_OR_RETURN(const std::optional<std::string> made, ReadState(db, "typed_tables"));
    if (made.has_value() && *made == ddl) return absl::OkStatus();

    // Made anew rather than altered: a new field, a changed type or index, a new search rule
    // all come out right, and the rows are refilled from the records, which hold everything.
    // What goes is what an earlier DDL made, by the names it kept, and what this one makes.
    ASSIGN_OR_RETURN(const std::optional<std::string> made_names,
                     ReadState(db, "typed_table_names"));
    const std::vector<std::string> old_names =
        absl::StrSplit(made_names.value_or(""), ' ', absl::SkipEmpty());
    const std::vector<std::string> names = TypedTableNames();
    std::set<std::string> drop(old_names.begin(), old_names.end());
    for (const std::string& name : names) {
      // A name no typed table had before must be free: never drop a table of the store's own
      // (an entity whose plural were "records", say).
      if (drop.insert(name).second) {
        ASSIGN_OR_RETURN(bool taken, TableExists(db, name));
        if (taken) {
          return absl::FailedPreconditionError(
              absl::StrCat("typed table ", name, ": a table of that name exists already"));
        }
      }
    }
    // A full-text table's shadow tables and a table's indexes go with it.
    for (const std::string& name : drop) {
      RETURN_IF_ERROR(Exec(db, absl::StrCat("DROP TABLE IF EXISTS \"", name, "\"")));
    }
    RETURN_IF_ERROR(Exec(db, ddl));
    RETURN_IF_ERROR(Refill(db));
    RETURN_IF_ERROR(WriteState(db, "typed_table_names", absl::StrJoin(names, " ")));
    return WriteState(db, "typed_tables", ddl);
  });
}

struct SqliteTypedRows::Statements {
  Statements(sqlite3* db, EntityType entity)
      : upsert(db, SqlOf(entity).upsert),
        remove(db, SqlOf(entity).remove),
        unindex(db, SqlOf(entity).unindex),
        index(db, SqlOf(entity).index) {}
  Statement upsert;
  Statement remove;
  Statement unindex;
  Statement index;
};

// Defined where Statements is complete, which destroying statements_ needs.
SqliteTypedRows::SqliteTypedRows(sqlite3* db) : db_(db) {}
SqliteTypedRows::~SqliteTypedRows() = default;

SqliteTypedRows::Statements& SqliteTypedRows::For(EntityType entity) {
  std::unique_ptr<Statements>& statements = statements_[entity];
  if (statements == nullptr) statements = std::make_unique<Statements>(db_, entity);
  return *statements;
}

absl::Status SqliteTypedRows::Write(const Record& record) {
  Statements& s = For(record.entity);
  const bool live = !record.meta.deleted;
  Statement& stmt = live ? s.upsert : s.remove;
  stmt.Reset();
  stmt.TextRef(1, record.id);
  if (live) {
    const std::vector<FieldSpec>& fields = Spec(record.entity).fields;
    for (size_t i = 0; i < fields.size(); ++i) {
      BindField(stmt, static_cast<int>(i) + 2, SqlTypeOf(fields[i].type),
                record.Get(fields[i].number));
    }
    int next = static_cast<int>(fields.size()) + 2;
    for (const std::optional<std::string>& key : SortKeysOf(record)) {
      if (key.has_value()) {
        stmt.Blob(next++, *key);
      } else {
        stmt.Null(next++);
      }
    }
  }
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) {
    // A tombstone of a record that had no typed row (nor a full-text row): nothing to remove.
    if (!live) return absl::OkStatus();
    return absl::InternalError(
        absl::StrCat("typed row of ", record.id, ": its records row is not there"));
  }
  const int64_t rowid = stmt.ColumnInt(0);
  RETURN_IF_ERROR(stmt.Run());  // to the statement's end, so that nothing of it stays open
  search_changes_.push_back(SearchChange{
      record.entity, rowid, live ? absl::StrJoin(SearchTermsOf(record), " ") : std::string()});
  return absl::OkStatus();
}

absl::Status SqliteTypedRows::Flush() {
  // In the order written: when a rowid freed by a removal is taken again by an insert of the
  // same batch, its old full-text row goes before the new one comes.
  for (const SearchChange& change : search_changes_) {
    Statements& s = For(change.entity);
    s.unindex.Reset();
    s.unindex.Int(1, change.rowid);
    RETURN_IF_ERROR(s.unindex.Run());
    if (change.terms.empty()) continue;
    s.index.Reset();
    s.index.Int(1, change.rowid).TextRef(2, change.terms);
    RETURN_IF_ERROR(s.index.Run());
  }
  search_changes_.clear();
  return absl::OkStatus();
}

absl::StatusOr<FoundPage> FindSqlite(sqlite3* db, const FindQuery& query) {
  RETURN_IF_ERROR(CheckFindQuery(query));
  ASSIGN_OR_RETURN(const std::optional<PageAfter> after, DecodePageToken(query));
  const FindSql find = BuildFindSql(query, after, SqlTableName(query.entity), kSqliteDialect);
  Statement stmt(db, find.sql);
  for (size_t i = 0; i < find.params.size(); ++i) {
    sqlite::BindValue(stmt, static_cast<int>(i) + 1, find.params[i]);
  }
  // The SQL asks for one row more than the page holds: whether there is a next page.
  FoundPage page;
  const size_t limit = static_cast<size_t>(query.limit);
  bool more = false;
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    if (page.records.size() == limit) {
      more = true;
      break;
    }
    StoredRecord stored;
    ASSIGN_OR_RETURN(stored.record, DecodeRecord(stmt.ColumnBlob(0)));
    ASSIGN_OR_RETURN(stored.stamps, DecodeStamps(stmt.ColumnBlob(1)));
    page.records.push_back(std::move(stored));
  }
  if (more) page.next_page_token = EncodePageToken(query, page.records.back().record);
  return page;
}

}  // namespace mcrm::server
