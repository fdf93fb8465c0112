#include "list_rows.h"

#include <sqlite3.h>
#include <unicode/ucol.h>
#include <unicode/ustring.h>
#include <unicode/uvernum.h>

#include <optional>
#include <set>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "mcrm/search_terms.h"
#include "mcrm/sql_view.h"
#include "mcrm/sqlite/bind_value.h"
#include "mcrm/sqlite/statement.h"
#include "mcrm/status_macros.h"
#include "mcrm/validation.h"

namespace mcrm::device {
namespace {

using sqlite::BindValue;
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

// crm_sort_key(text): the text's ICU sort key (a blob that sorts bytewise as the collator
// sorts the texts); NULL for NULL.
void SortKeyOf(sqlite3_context* context, int, sqlite3_value** args) {
  if (sqlite3_value_type(args[0]) == SQLITE_NULL) {
    sqlite3_result_null(context);
    return;
  }
  const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(args[0]));
  const int bytes = sqlite3_value_bytes(args[0]);
  UErrorCode error = U_ZERO_ERROR;
  int32_t units = 0;
  u_strFromUTF8Lenient(nullptr, 0, &units, text, bytes, &error);
  error = U_ZERO_ERROR;  // U_BUFFER_OVERFLOW_ERROR is how the length is told
  std::u16string utf16(static_cast<size_t>(units), u'\0');
  u_strFromUTF8Lenient(utf16.data(), units, nullptr, text, bytes, &error);
  if (U_FAILURE(error)) {
    sqlite3_result_error(context, "crm_sort_key: text is not UTF-8", -1);
    return;
  }
  auto* collator = static_cast<UCollator*>(sqlite3_user_data(context));
  const int32_t size = ucol_getSortKey(collator, utf16.data(), units, nullptr, 0);
  std::string key(static_cast<size_t>(size), '\0');
  ucol_getSortKey(collator, utf16.data(), units, reinterpret_cast<uint8_t*>(key.data()), size);
  // The key ends with a 0 byte that adds nothing to the order.
  sqlite3_result_blob(context, key.data(), size > 0 ? size - 1 : 0, SQLITE_TRANSIENT);
}

// The column holding the sort keys of text field `name`.
std::string KeyColumn(absl::string_view name) { return absl::StrCat(name, "__key"); }

// The column a list sorts `field` by: its sort keys for text, else itself.
std::string SortColumn(const FieldSpec& field) {
  return field.type == FieldType::kString ? KeyColumn(field.name) : field.name;
}

}  // namespace

bool Listed(EntityType entity) {
  return entity == EntityType::kAccount || entity == EntityType::kContact;
}

absl::Status RegisterListFunctions(sqlite3* db) {
  UErrorCode error = U_ZERO_ERROR;
  UCollator* collator = ucol_open("zh", &error);
  if (U_FAILURE(error)) {
    return absl::InternalError(absl::StrCat("ICU has no Chinese collation: ", u_errorName(error)));
  }
  const int rc = sqlite3_create_function_v2(
      db, kSortKeyFunction, 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, collator, &SortKeyOf, nullptr,
      nullptr, +[](void* c) { ucol_close(static_cast<UCollator*>(c)); });
  if (rc != SQLITE_OK) {
    ucol_close(collator);
    return absl::InternalError(absl::StrCat("replica: sort keys: ", sqlite3_errstr(rc)));
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
  std::string ddl = absl::StrCat("-- list tables: search terms v", kSearchTermsVersion,
                                 ", sort keys of ICU ", U_ICU_VERSION, " (zh)\n");
  for (const EntitySpec& entity : AllEntities()) {
    if (!Listed(entity.type)) continue;
    const std::string table = TableOf(entity.type);
    std::vector<std::string> columns = {"  id TEXT PRIMARY KEY"};
    for (const FieldSpec* field : ListColumns(entity)) {
      columns.push_back(
          absl::StrCat("  ", Quoted(field->name), " ", SqliteTypeName(SqlTypeOf(field->type))));
      if (field->type == FieldType::kString) {
        columns.push_back(absl::StrCat("  ", Quoted(KeyColumn(field->name)), " BLOB"));
      }
    }
    columns.push_back("  pending INTEGER NOT NULL");
    absl::StrAppend(&ddl, "CREATE TABLE ", table, " (\n", absl::StrJoin(columns, ",\n"), "\n);\n");
    // The lists people open most (the schema's list indexes), and each order on its own.
    std::set<std::string> sorts;
    for (const auto& [filter, sort] : entity.list_indexes) {
      absl::StrAppend(&ddl, "CREATE INDEX ", table, "_by_", filter, "_", sort, " ON ", table, "(",
                      Quoted(filter), ", ", Quoted(SortColumn(*entity.FieldByName(sort))),
                      ", id);\n");
      sorts.insert(sort);
    }
    for (const std::string& sort : sorts) {
      absl::StrAppend(&ddl, "CREATE INDEX ", table, "_by_", sort, " ON ", table, "(",
                      Quoted(SortColumn(*entity.FieldByName(sort))), ", id);\n");
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

// No RETURNING clause: SQLite answers one with an ephemeral table per run, whose page buffers
// cost more than the row's own write (an initial sync ran at a fifth of its speed). A row is
// inserted (the common case in a pull), or found by id and updated.
struct ListRows::Statements {
  Statements(sqlite3* db, const EntitySpec& entity) : columns(ListColumns(entity)) {
    const std::string table = TableOf(entity.type);
    std::vector<std::string> names = {"id"}, params = {"?1"}, updates;
    const auto add = [&](const std::string& column, const std::string& value) {
      names.push_back(Quoted(column));
      params.push_back(value);
      updates.push_back(absl::StrCat(Quoted(column), " = ", value));
    };
    for (size_t i = 0; i < columns.size(); ++i) {
      const std::string param = absl::StrCat("?", i + 2);
      add(columns[i]->name, param);
      if (columns[i]->type == FieldType::kString) {
        add(KeyColumn(columns[i]->name), absl::StrCat(kSortKeyFunction, "(", param, ")"));
      }
    }
    add("pending", absl::StrCat("?", columns.size() + 2));
    insert = std::make_unique<Statement>(
        db, absl::StrCat("INSERT INTO ", table, " (", absl::StrJoin(names, ", "), ") VALUES (",
                         absl::StrJoin(params, ", "), ") ON CONFLICT (id) DO NOTHING"));
    update = std::make_unique<Statement>(
        db,
        absl::StrCat("UPDATE ", table, " SET ", absl::StrJoin(updates, ", "), " WHERE id = ?1"));
    find = std::make_unique<Statement>(db,
                                       absl::StrCat("SELECT rowid FROM ", table, " WHERE id = ?1"));
    drop =
        std::make_unique<Statement>(db, absl::StrCat("DELETE FROM ", table, " WHERE rowid = ?1"));
    if (entity.scope == ScopeKind::kByAccount) {
      followers = std::make_unique<Statement>(
          db, absl::StrCat("SELECT rowid FROM ", table, " WHERE account_id = ?1"));
      drop_followers = std::make_unique<Statement>(
          db, absl::StrCat("DELETE FROM ", table, " WHERE account_id = ?1"));
    }
    const std::string search = SearchTableOf(entity.type);
    unindex =
        std::make_unique<Statement>(db, absl::StrCat("DELETE FROM ", search, " WHERE rowid = ?1"));
    index = std::make_unique<Statement>(
        db, absl::StrCat("INSERT INTO ", search, " (rowid, terms) VALUES (?1, ?2)"));
  }
  // The rowid of the row of `id`, or nullopt.
  absl::StatusOr<std::optional<int64_t>> Find(absl::string_view id) {
    find->Reset();
    find->Text(1, id);
    ASSIGN_OR_RETURN(bool row, find->Step());
    std::optional<int64_t> out;
    if (row) out = find->ColumnInt(0);
    find->Reset();
    return out;
  }
  std::vector<const FieldSpec*> columns;
  std::unique_ptr<Statement> insert, update, find, drop, followers, drop_followers, unindex, index;
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
  const auto bind = [&](Statement& stmt) {
    stmt.Reset();
    stmt.Text(1, record.id);
    int i = 2;
    for (const FieldSpec* field : s.columns) BindValue(stmt, i++, record.Get(field->number));
    stmt.Int(i, pending ? 1 : 0);
  };
  bind(*s.insert);
  RETURN_IF_ERROR(s.insert->Run());
  int64_t rowid = sqlite3_last_insert_rowid(db_);
  if (sqlite3_changes(db_) == 0) {
    ASSIGN_OR_RETURN(std::optional<int64_t> found, s.Find(record.id));
    if (!found.has_value())
      return absl::InternalError("replica: a list row is neither new nor there");
    rowid = *found;
    bind(*s.update);
    RETURN_IF_ERROR(s.update->Run());
  }
  search_changes_.emplace_back(record.entity, rowid, absl::StrJoin(SearchTermsOf(record), " "));
  return absl::OkStatus();
}

absl::Status ListRows::Drop(EntityType entity, absl::string_view id) {
  if (!Listed(entity)) return absl::OkStatus();
  Statements& s = For(entity);
  ASSIGN_OR_RETURN(std::optional<int64_t> found, s.Find(id));
  if (!found.has_value()) return absl::OkStatus();
  s.drop->Reset();
  s.drop->Int(1, *found);
  RETURN_IF_ERROR(s.drop->Run());
  search_changes_.emplace_back(entity, *found, "");
  return absl::OkStatus();
}

absl::Status ListRows::DropFollowers(absl::string_view account_id) {
  for (const EntitySpec& entity : AllEntities()) {
    if (!Listed(entity.type) || entity.scope != ScopeKind::kByAccount) continue;
    Statements& s = For(entity.type);
    s.followers->Reset();
    s.followers->Text(1, account_id);
    while (true) {
      ASSIGN_OR_RETURN(bool row, s.followers->Step());
      if (!row) break;
      search_changes_.emplace_back(entity.type, s.followers->ColumnInt(0), "");
    }
    s.followers->Reset();
    s.drop_followers->Reset();
    s.drop_followers->Text(1, account_id);
    RETURN_IF_ERROR(s.drop_followers->Run());
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
  const std::string order =
      query.order_by.empty()
          ? absl::StrCat("t.id", direction)
          : absl::StrCat("t.", Quoted(SortColumn(*Spec(query.entity).FieldByName(query.order_by))),
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
