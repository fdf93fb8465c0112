#include "list_rows.h"

#include <sqlite3.h>
#include <unicode/ucol.h>
#include <unicode/uvernum.h>

#include <set>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "mcrm/search_terms.h"
#include "mcrm/sql_view.h"
#include "mcrm/sqlite/statement.h"
#include "mcrm/status_macros.h"
#include "mcrm/validation.h"

namespace mcrm::device {
namespace {

using sqlite::Statement;

std::string TableOf(EntityType entity) { return absl::StrCat("list_", SqlTableName(entity)); }
std::string SearchTableOf(EntityType entity) { return absl::StrCat(TableOf(entity), "_search"); }

// The fields a list table has a column for: those lists filter and sort by.
std::vector<const FieldSpec*> ListColumns(const EntitySpec& entity) {
  std::vector<const FieldSpec*> out;
  for (const FieldSpec& field : entity.fields) {
    if (IsIndexed(field) && IsScalar(SqlTypeOf(field.type))) out.push_back(&field);
  }
  return out;
}

std::string Quoted(absl::string_view name) { return absl::StrCat("\"", name, "\""); }

void BindValue(Statement& stmt, int i, const Value& value) {
  switch (value.kind()) {
    case Value::Kind::kBool:
      stmt.Int(i, value.bool_value() ? 1 : 0);
      return;
    case Value::Kind::kInt:
      stmt.Int(i, value.int_value());
      return;
    case Value::Kind::kDouble:
      stmt.Double(i, value.double_value());
      return;
    case Value::Kind::kString:
      stmt.Text(i, value.string_value());
      return;
    default:  // null; lists and structs have no column
      stmt.Null(i);
      return;
  }
}

int CompareByCollator(void* collator, int a_size, const void* a, int b_size, const void* b) {
  UErrorCode error = U_ZERO_ERROR;
  const UCollationResult result =
      ucol_strcollUTF8(static_cast<UCollator*>(collator), static_cast<const char*>(a), a_size,
                       static_cast<const char*>(b), b_size, &error);
  // Text that is not UTF-8 cannot be in the replica (every record is checked on the way in);
  // were it there, bytes order it, so that the order stays total.
  if (U_FAILURE(error)) {
    const int common = std::min(a_size, b_size);
    const int bytes = std::memcmp(a, b, static_cast<size_t>(common));
    return bytes != 0 ? bytes : a_size - b_size;
  }
  return result == UCOL_LESS ? -1 : result == UCOL_GREATER ? 1 : 0;
}

}  // namespace

bool Listed(EntityType entity) {
  return entity == EntityType::kAccount || entity == EntityType::kContact;
}

absl::Status RegisterListCollation(sqlite3* db) {
  UErrorCode error = U_ZERO_ERROR;
  UCollator* collator = ucol_open("zh", &error);
  if (U_FAILURE(error)) {
    return absl::InternalError(absl::StrCat("ICU has no Chinese collation: ", u_errorName(error)));
  }
  const int rc = sqlite3_create_collation_v2(
      db, kListCollation, SQLITE_UTF8, collator, &CompareByCollator,
      +[](void* c) { ucol_close(static_cast<UCollator*>(c)); });
  if (rc != SQLITE_OK) {
    ucol_close(collator);
    return absl::InternalError(absl::StrCat("replica: collation: ", sqlite3_errstr(rc)));
  }
  return absl::OkStatus();
}

std::vector<std::string> ListTableNames() {
  std::vector<std::string> out;
  for (const EntitySpec& entity : AllEntities()) {
    if (!Listed(entity.type)) continue;
    out.push_back(SearchTableOf(entity.type));
    out.push_back(TableOf(entity.type));
  }
  return out;
}

std::string ListTablesDdl() {
  std::string ddl = absl::StrCat("-- list tables: search terms v", kSearchTermsVersion, ", ICU ",
                                 U_ICU_VERSION, "\n");
  for (const EntitySpec& entity : AllEntities()) {
    if (!Listed(entity.type)) continue;
    const std::string table = TableOf(entity.type);
    std::vector<std::string> columns = {"  id TEXT PRIMARY KEY"};
    for (const FieldSpec* field : ListColumns(entity)) {
      const SqlType type = SqlTypeOf(field->type);
      columns.push_back(absl::StrCat(
          "  ", Quoted(field->name), " ", SqliteTypeName(type),
          field->type == FieldType::kString ? absl::StrCat(" COLLATE ", kListCollation) : ""));
    }
    columns.push_back("  pending INTEGER NOT NULL");
    absl::StrAppend(&ddl, "CREATE TABLE ", table, " (\n", absl::StrJoin(columns, ",\n"), "\n);\n");
    // The lists people open most (the schema's list indexes), and each order on its own.
    std::set<std::string> sorts;
    for (const auto& [filter, sort] : entity.list_indexes) {
      absl::StrAppend(&ddl, "CREATE INDEX ", table, "_by_", filter, "_", sort, " ON ", table, "(",
                      Quoted(filter), ", ", Quoted(sort), ", id);\n");
      sorts.insert(sort);
    }
    for (const std::string& sort : sorts) {
      absl::StrAppend(&ddl, "CREATE INDEX ", table, "_by_", sort, " ON ", table, "(", Quoted(sort),
                      ", id);\n");
    }
    const std::string search = SearchTableOf(entity.type);
    absl::StrAppend(&ddl, "-- terms of: ", SearchedFieldsOf(entity), "\n", "CREATE VIRTUAL TABLE ",
                    search, " USING fts5(terms, columnsize=0, tokenize = \"", kFts5TermsTokenizer,
                    "\");\n");
    // Each commit adds a segment; merging sixteen at a time rewrites each entry half as often
    // during an initial sync (fifty commits) as SQLite's four.
    absl::StrAppend(&ddl, "INSERT INTO ", search, " (", search,
                    ", rank) VALUES ('automerge', 16);\n", "INSERT INTO ", search, " (", search,
                    ", rank) VALUES ('crisismerge', 64);\n");
  }
  return ddl;
}

struct ListRows::Statements {
  Statements(sqlite3* db, const EntitySpec& entity) : columns(ListColumns(entity)) {
    const std::string table = TableOf(entity.type);
    std::vector<std::string> names = {"id"}, params = {"?1"}, updates;
    for (size_t i = 0; i < columns.size(); ++i) {
      names.push_back(Quoted(columns[i]->name));
      params.push_back(absl::StrCat("?", i + 2));
      updates.push_back(
          absl::StrCat(Quoted(columns[i]->name), " = excluded.", Quoted(columns[i]->name)));
    }
    names.push_back("pending");
    params.push_back(absl::StrCat("?", columns.size() + 2));
    updates.push_back("pending = excluded.pending");
    upsert = std::make_unique<Statement>(
        db, absl::StrCat("INSERT INTO ", table, " (", absl::StrJoin(names, ", "), ") VALUES (",
                         absl::StrJoin(params, ", "), ") ON CONFLICT (id) DO UPDATE SET ",
                         absl::StrJoin(updates, ", "), " RETURNING rowid"));
    drop = std::make_unique<Statement>(
        db, absl::StrCat("DELETE FROM ", table, " WHERE id = ?1 RETURNING rowid"));
    if (entity.scope == ScopeKind::kByAccount) {
      drop_followers = std::make_unique<Statement>(
          db, absl::StrCat("DELETE FROM ", table, " WHERE account_id = ?1 RETURNING rowid"));
    }
    const std::string search = SearchTableOf(entity.type);
    unindex =
        std::make_unique<Statement>(db, absl::StrCat("DELETE FROM ", search, " WHERE rowid = ?1"));
    index = std::make_unique<Statement>(
        db, absl::StrCat("INSERT INTO ", search, " (rowid, terms) VALUES (?1, ?2)"));
  }
  std::vector<const FieldSpec*> columns;
  std::unique_ptr<Statement> upsert, drop, drop_followers, unindex, index;
};

ListRows::ListRows(sqlite3* db) : db_(db) {}
ListRows::~ListRows() = default;

ListRows::Statements& ListRows::For(EntityType entity) {
  std::unique_ptr<Statements>& statements = statements_[entity];
  if (statements == nullptr) statements = std::make_unique<Statements>(db_, Spec(entity));
  return *statements;
}

absl::Status ListRows::Put(const Record& record, bool pending) {
  if (!Listed(record.entity)) return absl::OkStatus();
  Statements& s = For(record.entity);
  Statement& upsert = *s.upsert;
  upsert.Reset();
  upsert.Text(1, record.id);
  int i = 2;
  for (const FieldSpec* field : s.columns) BindValue(upsert, i++, record.Get(field->number));
  upsert.Int(i, pending ? 1 : 0);
  ASSIGN_OR_RETURN(bool row, upsert.Step());
  if (!row) return absl::InternalError("replica: a list row was written without a rowid");
  const int64_t rowid = upsert.ColumnInt(0);
  upsert.Reset();
  search_changes_.emplace_back(record.entity, rowid, absl::StrJoin(SearchTermsOf(record), " "));
  return absl::OkStatus();
}

absl::Status ListRows::Drop(EntityType entity, absl::string_view id) {
  if (!Listed(entity)) return absl::OkStatus();
  Statement& drop = *For(entity).drop;
  drop.Reset();
  drop.Text(1, id);
  ASSIGN_OR_RETURN(bool row, drop.Step());
  if (row) search_changes_.emplace_back(entity, drop.ColumnInt(0), "");
  drop.Reset();
  return absl::OkStatus();
}

absl::Status ListRows::DropFollowers(absl::string_view account_id) {
  for (const EntitySpec& entity : AllEntities()) {
    if (!Listed(entity.type) || entity.scope != ScopeKind::kByAccount) continue;
    Statement& drop = *For(entity.type).drop_followers;
    drop.Reset();
    drop.Text(1, account_id);
    while (true) {
      ASSIGN_OR_RETURN(bool row, drop.Step());
      if (!row) break;
      search_changes_.emplace_back(entity.type, drop.ColumnInt(0), "");
    }
    drop.Reset();
  }
  return absl::OkStatus();
}

absl::Status ListRows::Clear() {
  search_changes_.clear();
  for (const std::string& table : ListTableNames()) {
    RETURN_IF_ERROR(sqlite::Exec(db_, absl::StrCat("DELETE FROM ", table)));
  }
  return absl::OkStatus();
}

absl::Status ListRows::Flush() {
  for (const auto& [entity, rowid, terms] : search_changes_) {
    Statements& s = For(entity);
    s.unindex->Reset();
    s.unindex->Int(1, rowid);
    RETURN_IF_ERROR(s.unindex->Run());
    if (terms.empty()) continue;
    s.index->Reset();
    s.index->Int(1, rowid).TextRef(2, terms);
    RETURN_IF_ERROR(s.index->Run());
  }
  search_changes_.clear();
  return absl::OkStatus();
}

absl::Status CheckListQuery(const ListQuery& query) {
  if (!Listed(query.entity)) {
    return absl::InvalidArgumentError(
        absl::StrCat("list.entity: ", EntityName(query.entity), " has no list of its own"));
  }
  const EntitySpec& entity = Spec(query.entity);
  for (const auto& [name, value] : query.equals) {
    const FieldSpec* field = entity.FieldByName(name);
    if (field == nullptr || !IsIndexed(*field) || !IsScalar(SqlTypeOf(field->type))) {
      return absl::InvalidArgumentError(
          absl::StrCat("list.filter.", name, ": ", entity.name, " lists are not filtered by this"));
    }
    RETURN_IF_ERROR(ValidateFieldValue(*field, value, absl::StrCat("list.filter.", name)));
  }
  if (!query.order_by.empty()) {
    const FieldSpec* field = entity.FieldByName(query.order_by);
    if (field == nullptr || !IsIndexed(*field) || !IsScalar(SqlTypeOf(field->type))) {
      return absl::InvalidArgumentError(absl::StrCat("list.order_by: ", entity.name,
                                                     " lists are not sorted by ", query.order_by));
    }
  }
  if (query.search.size() > kMaxListSearchBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("list.search: longer than ", kMaxListSearchBytes, " bytes"));
  }
  if (query.limit < 1 || query.limit > kMaxListLimit) {
    return absl::InvalidArgumentError(
        absl::StrCat("list.limit: must be 1 to ", kMaxListLimit, ", not ", query.limit));
  }
  if (query.offset < 0) return absl::InvalidArgumentError("list.offset: must not be negative");
  return absl::OkStatus();
}

namespace {

// The FROM and WHERE of a list query, and the values to bind in order.
struct ListWhere {
  std::string sql;
  std::vector<Value> params;
};

ListWhere BuildWhere(const ListQuery& query) {
  ListWhere out;
  std::vector<std::string> where;
  for (const auto& [name, value] : query.equals) {
    if (value.is_null()) {
      where.push_back(absl::StrCat("t.", Quoted(name), " IS NULL"));
    } else {
      out.params.push_back(value);
      where.push_back(absl::StrCat("t.", Quoted(name), " = ?", out.params.size()));
    }
  }
  if (const SearchQuery search = ParseSearchQuery(query.search); !search.empty()) {
    const std::string table = SearchTableOf(query.entity);
    out.params.push_back(Value::String(Fts5MatchText(search)));
    where.push_back(absl::StrCat("t.rowid IN (SELECT rowid FROM ", table, " WHERE ", table,
                                 " MATCH ?", out.params.size(), ")"));
  }
  out.sql = absl::StrCat(" FROM ", TableOf(query.entity), " t", where.empty() ? "" : " WHERE ",
                         absl::StrJoin(where, " AND "));
  return out;
}

}  // namespace

absl::StatusOr<std::vector<ListedRow>> RunListQuery(sqlite3* db, const ListQuery& query) {
  RETURN_IF_ERROR(CheckListQuery(query));
  const ListWhere where = BuildWhere(query);
  const char* const direction = query.descending ? " DESC" : " ASC";
  const std::string order = query.order_by.empty() ? absl::StrCat("t.id", direction)
                                                   : absl::StrCat("t.", Quoted(query.order_by),
                                                                  direction, ", t.id", direction);
  Statement stmt(db, absl::StrCat("SELECT t.id, t.pending", where.sql, " ORDER BY ", order,
                                  " LIMIT ", query.limit, " OFFSET ", query.offset));
  for (size_t i = 0; i < where.params.size(); ++i) {
    BindValue(stmt, static_cast<int>(i + 1), where.params[i]);
  }
  std::vector<ListedRow> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return out;
    out.push_back({stmt.ColumnText(0), stmt.ColumnInt(1) != 0});
  }
}

absl::StatusOr<int64_t> CountListQuery(sqlite3* db, const ListQuery& query) {
  RETURN_IF_ERROR(CheckListQuery(query));
  const ListWhere where = BuildWhere(query);
  Statement stmt(db, absl::StrCat("SELECT count(*)", where.sql));
  for (size_t i = 0; i < where.params.size(); ++i) {
    BindValue(stmt, static_cast<int>(i + 1), where.params[i]);
  }
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  return row ? stmt.ColumnInt(0) : 0;
}

}  // namespace mcrm::device
