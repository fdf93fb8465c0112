#include "list_rows.h"

#include <sqlite3.h>

#include <algorithm>
#include <optional>
#include <set>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "mcrm/search_terms.h"
#include "mcrm/sort_key.h"
#include "mcrm/sql_view.h"
#include "mcrm/sqlite/bind_value.h"
#include "mcrm/sqlite/statement.h"
#include "mcrm/status_macros.h"
#include "mcrm/v1/sync.pb.h"
#include "mcrm/validation.h"
#include "wire_codec.h"

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

// The list indexes of an entity's table, name and columns: the lists people open most (the
// schema's list indexes), and each order on its own. Ties are ordered by rowid, which every
// SQLite index carries anyway: an id column in them would make each entry 36 bytes longer and
// an initial sync slower.
std::vector<std::pair<std::string, std::string>> ListIndexesOf(const EntitySpec& entity) {
  const std::string table = TableOf(entity.type);
  std::vector<std::pair<std::string, std::string>> out;
  std::set<std::string> sorts;
  for (const ListIndex& list : entity.list_indexes) {
    // Lists of one filter only: on a device, a second filter narrows what the first one's index
    // reads in order, over a replica of one person's customers, and every index makes each
    // pulled page slower to write.
    if (list.filters.size() != 1) continue;
    std::vector<std::string> columns;
    for (const std::string& column : ListIndexColumns(entity, list)) {
      columns.push_back(Quoted(column));
    }
    out.emplace_back(absl::StrCat(table, "_by_", list.filters.front(), "_", list.sort),
                     absl::StrJoin(columns, ", "));
    sorts.insert(list.sort);
  }
  for (const std::string& sort : sorts) {
    out.emplace_back(absl::StrCat(table, "_by_", sort),
                     Quoted(SortColumn(*entity.FieldByName(sort))));
  }
  return out;
}

}  // namespace

bool Listed(EntityType entity) {
  return entity == EntityType::kAccount || entity == EntityType::kContact;
}

ListRowValues PrepareListRow(const Record& record) {
  ListRowValues out;
  out.entity = record.entity;
  out.id = record.id;
  for (const FieldSpec* field : ListColumns(Spec(record.entity))) {
    out.columns.push_back(record.Get(field->number));
  }
  out.sort_keys = SortKeysOf(record);  // in field order, as the key columns are
  out.terms = absl::StrJoin(SearchTermsOf(record), " ");
  return out;
}

Record ListedPartOf(const PulledRecord& pulled) {
  Record out;
  out.entity = pulled.entity->type;
  out.id = std::string(pulled.id);
  for (const auto& [number, encoded] : pulled.fields) {
    const FieldSpec* field = pulled.entity->Field(number);
    if (field == nullptr || !(IsIndexed(*field) || field->searchable)) continue;
    out.fields[number] = ReadCheckedValue(encoded);
  }
  return out;
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
                                 ", sort keys of ", SortKeyVersion(), "\n");
  for (const EntitySpec& entity : AllEntities()) {
    if (!Listed(entity.type)) continue;
    const std::string table = TableOf(entity.type);
    std::vector<std::string> columns = {"  id TEXT PRIMARY KEY"};
    for (const FieldSpec* field : ListColumns(entity)) {
      columns.push_back(
          absl::StrCat("  ", Quoted(field->name), " ", SqliteTypeName(SqlTypeOf(field->type))));
      if (HasSortKey(*field)) {
        columns.push_back(absl::StrCat("  ", Quoted(SortKeyColumn(*field)), " BLOB"));
      }
    }
    columns.push_back("  pending INTEGER NOT NULL");
    absl::StrAppend(&ddl, "CREATE TABLE ", table, " (\n", absl::StrJoin(columns, ",\n"), "\n);\n");
    for (const auto& [name, columns_of] : ListIndexesOf(entity)) {
      absl::StrAppend(&ddl, "CREATE INDEX ", name, " ON ", table, "(", columns_of, ");\n");
    }
    const std::string search = SearchTableOf(entity.type);
    absl::StrAppend(&ddl, "-- terms of: ", SearchedFieldsOf(entity), "\n", "CREATE VIRTUAL TABLE ",
                    search, " USING fts5(terms, columnsize=0, detail=none, tokenize = \"",
                    kFts5TermsTokenizer, "\");\n");
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
    }
    // Then the sort keys of the text columns, in column order, and the mark.
    int next = static_cast<int>(columns.size()) + 2;
    for (const FieldSpec* column : columns) {
      if (HasSortKey(*column)) add(SortKeyColumn(*column), absl::StrCat("?", next++));
    }
    add("pending", absl::StrCat("?", next));
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
  return Put(PrepareListRow(record), pending);
}

absl::Status ListRows::Put(const ListRowValues& row, bool pending) {
  if (!Listed(row.entity)) return absl::OkStatus();
  Statements& s = For(row.entity);
  const auto bind = [&](Statement& stmt) {
    stmt.Reset();
    stmt.TextRef(1, row.id);
    int i = 2;
    for (const Value& value : row.columns) BindValue(stmt, i++, value);
    for (const std::optional<std::string>& key : row.sort_keys) {
      if (key.has_value()) {
        stmt.BlobRef(i++, *key);
      } else {
        stmt.Null(i++);
      }
    }
    stmt.Int(i, pending ? 1 : 0);
  };
  bind(*s.insert);
  RETURN_IF_ERROR(s.insert->Run());
  int64_t rowid = sqlite3_last_insert_rowid(db_);
  if (sqlite3_changes(db_) == 0) {
    ASSIGN_OR_RETURN(std::optional<int64_t> found, s.Find(row.id));
    if (!found.has_value()) {
      return absl::InternalError("replica: a list row is neither new nor there");
    }
    rowid = *found;
    bind(*s.update);
    RETURN_IF_ERROR(s.update->Run());
  }
  search_changes_.emplace_back(row.entity, rowid, row.terms);
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
                         direction, ", t.rowid", direction);
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

absl::StatusOr<std::vector<std::string>> DistinctListValues(sqlite3* db, EntityType entity,
                                                            const std::string& field, int limit) {
  ListQuery check;
  check.entity = entity;
  check.order_by = field;
  RETURN_IF_ERROR(CheckListQuery(check));  // a listed entity, an indexed scalar field
  Statement stmt(db, absl::StrCat("SELECT DISTINCT ", Quoted(field), " FROM ", TableOf(entity),
                                  " WHERE ", Quoted(field), " IS NOT NULL LIMIT ", limit));
  std::vector<std::string> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return out;
    out.push_back(stmt.ColumnText(0));
  }
}

absl::StatusOr<int64_t> CountListQuery(sqlite3* db, const ListQuery& query, int64_t at_most) {
  RETURN_IF_ERROR(CheckListQuery(query));
  const ListWhere where = BuildWhere(query);
  Statement stmt(db, at_most == INT64_MAX
                         ? absl::StrCat("SELECT count(*)", where.sql)
                         : absl::StrCat("SELECT count(*) FROM (SELECT 1", where.sql, " LIMIT ",
                                        std::max<int64_t>(at_most, 0), ")"));
  for (size_t i = 0; i < where.params.size(); ++i) {
    BindValue(stmt, static_cast<int>(i + 1), where.params[i]);
  }
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  return row ? stmt.ColumnInt(0) : 0;
}

}  // namespace mcrm::device
