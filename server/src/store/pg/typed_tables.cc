#include "store/pg/typed_tables.h"

#include <cmath>
#include <map>
#include <optional>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/time/time.h"
#include "mcrm/search_terms.h"
#include "mcrm/sort_key.h"
#include "mcrm/sql_view.h"
#include "mcrm/status_macros.h"
#include "mcrm/value_json.h"
#include "store/binary_rows.h"
#include "store/encoding.h"
#include "store/find_query.h"
#include "store/pg/statements.h"

namespace mcrm::server {
namespace {

// Rows a refill decodes and writes at a time.
constexpr int kRefillBatch = 2000;

std::string Table(EntityType entity) { return absl::StrCat("crm.", SqlTableName(entity)); }
std::string Column(const FieldSpec& field) { return absl::StrCat("\"", field.name, "\""); }
std::string KeyColumn(const FieldSpec& field) {
  return absl::StrCat("\"", SortKeyColumn(field), "\"");
}
std::string SqlString(absl::string_view text) {
  return absl::StrCat("'", absl::StrReplaceAll(text, {{"'", "''"}}), "'");
}

std::string UpsertName(EntityType entity) {
  return absl::StrCat("typed_upsert_", static_cast<int>(entity));
}
std::string DeleteName(EntityType entity) {
  return absl::StrCat("typed_delete_", static_cast<int>(entity));
}

// An expression of `type` from text parameter `p`. Timestamps travel as ms since the epoch.
std::string CastTo(SqlType type, const std::string& p) {
  if (type == SqlType::kTimestamp) return absl::StrCat("to_timestamp(", p, "::bigint / 1000.0)");
  return absl::StrCat(p, "::", PostgresTypeName(type));
}

// The transaction's time in ms, as the records row's changed_ms is stamped.
constexpr char kNowMs[] = "(extract(epoch FROM now()) * 1000)::bigint";

// Upserts the rows given as one text array per column (ColumnArrays: the id, the fields, the sort
// keys, the change columns and the search terms), unnested into rows. One parameter per column
// rather than per value: PostgreSQL then sets up a few dozen expressions per statement, not one
// per value of each of its hundreds of rows, which cost a batch's statement a tenth of its time.
// The change time is the records row's (a refill passes it) or, passed as NULL, the
// transaction's, which stamps the records row too.
std::string UpsertSql(const EntitySpec& entity) {
  std::vector<std::string> columns = {"id"};
  for (const FieldSpec& field : entity.fields) columns.push_back(Column(field));
  for (const FieldSpec& field : entity.fields) {
    if (HasSortKey(field)) columns.push_back(KeyColumn(field));
  }
  for (const SqlChangeColumn& column : kSqlChangeColumns) columns.push_back(column.name);
  columns.push_back("search_terms");
  std::vector<std::string> updates;
  for (size_t i = 1; i < columns.size(); ++i) {
    updates.push_back(absl::StrCat(columns[i], " = EXCLUDED.", columns[i]));
  }
  std::vector<std::string> arrays, names, values;
  const auto next = [&] {
    const size_t n = arrays.size() + 1;
    arrays.push_back(absl::StrCat("$", n, "::text[]"));
    names.push_back(absl::StrCat("c", n));
    return absl::StrCat("u.c", n);
  };
  values.push_back(CastTo(SqlType::kUuid, next()));
  for (const FieldSpec& field : entity.fields)
    values.push_back(CastTo(SqlTypeOf(field.type), next()));
  for (const FieldSpec& field : entity.fields) {
    if (HasSortKey(field)) values.push_back(absl::StrCat("decode(", next(), ", 'hex')"));
  }
  values.push_back(absl::StrCat(next(), "::bigint"));
  values.push_back(
      absl::StrCat("to_timestamp(coalesce(", next(), "::bigint, ", kNowMs, ") / 1000.0)"));
  values.push_back(next());
  values.push_back(next());
  values.push_back(absl::StrCat(next(), "::tsvector"));
  return absl::StrCat("INSERT INTO ", Table(entity.type), " (", absl::StrJoin(columns, ", "),
                      ") SELECT ", absl::StrJoin(values, ", "), " FROM unnest(",
                      absl::StrJoin(arrays, ", "), ") AS u(", absl::StrJoin(names, ", "),
                      ") ON CONFLICT (id) DO UPDATE SET ", absl::StrJoin(updates, ", "));
}

std::string DeleteSql(const EntitySpec& entity) {
  return absl::StrCat("DELETE FROM ", Table(entity.type), " WHERE id = ANY($1::uuid[])");
}

// A tsvector literal of the terms, each quoted as a lexeme (so no parser splits or stems it).
std::string TsVectorOf(const std::vector<std::string>& terms) {
  std::string out;
  for (const std::string& term : terms) {
    if (!out.empty()) out.push_back(' ');
    out.push_back('\'');
    for (const char c : term) {
      if (c == '\'' || c == '\\') out.push_back(c);
      out.push_back(c);
    }
    out.push_back('\'');
  }
  return out;
}

// Who changed a record last and when: a write's author (time: the transaction's), or what the
// records row holds (a refill).
struct ChangeMeta {
  std::optional<int64_t> changed_ms;
  std::string changed_by;
  std::string changed_via;
};

// The rows of one statement as a text array literal per column: Add and AddNull fill a row's
// columns in order, Row starts the next row. A NULL element is the unquoted word (PostgreSQL's
// array_nulls, on unless a database turns it off); a text is always quoted.
class ColumnArrays {
 public:
  void Row() {
    if (rows_ > 0 && column_ != arrays_.size()) complete_ = false;
    column_ = 0;
    ++rows_;
  }
  void Add(absl::string_view text) { AppendArrayElement(text, Next()); }
  void AddNull() { Next().append("NULL"); }
  void Clear() {
    arrays_.clear();
    rows_ = 0;
    column_ = 0;
    complete_ = true;
  }
  // False when the rows did not all fill the same columns: unnest would make the missing values
  // NULL without a word.
  bool complete() const { return complete_ && column_ == arrays_.size(); }
  // The parameters: each array closed. Valid until the next change.
  std::vector<const char*> values() {
    std::vector<const char*> out;
    closed_.resize(arrays_.size());
    for (size_t c = 0; c < arrays_.size(); ++c) {
      closed_[c] = absl::StrCat("{", arrays_[c], "}");
      out.push_back(closed_[c].c_str());
    }
    return out;
  }

 private:
  std::string& Next() {
    if (column_ == arrays_.size()) {
      if (rows_ > 1) complete_ = false;  // a column the rows before did not have
      arrays_.emplace_back();
    }
    std::string& array = arrays_[column_++];
    if (rows_ > 1) array.push_back(',');
    return array;
  }

  std::vector<std::string> arrays_;
  std::vector<std::string> closed_;
  size_t column_ = 0;
  size_t rows_ = 0;
  bool complete_ = true;
};

// A field's value as the text its column's type reads; false when it has no value of that type.
bool AddValue(ColumnArrays& params, SqlType type, const Value& value) {
  switch (type) {
    case SqlType::kText:
    case SqlType::kDate:
    case SqlType::kUuid:
      if (!value.is_string()) return false;
      break;
    case SqlType::kBigint:
    case SqlType::kTimestamp:
      if (!value.is_int()) return false;
      break;
    case SqlType::kDouble:
      if (!value.is_double() || !std::isfinite(value.double_value())) return false;
      break;
    case SqlType::kBoolean:
      if (!value.is_bool()) return false;
      break;
    case SqlType::kTextList:
    case SqlType::kUuidList: {
      if (!value.is_list()) return false;
      std::vector<std::string> items;
      for (const Value& item : value.list_value()) {
        if (item.is_string()) items.push_back(item.string_value());
      }
      params.Add(ArrayLiteral(items));
      return true;
    }
    case SqlType::kJson:
      if (value.is_null()) return false;
      params.Add(JsonOf(value));
      return true;
  }
  params.Add(ScalarText(value));
  return true;
}

void AddRow(ColumnArrays& params, const Record& record, const ChangeMeta& meta) {
  params.Row();
  params.Add(record.id);
  for (const FieldSpec& field : Spec(record.entity).fields) {
    if (!AddValue(params, SqlTypeOf(field.type), record.Get(field.number))) params.AddNull();
  }
  for (const std::optional<std::string>& key : SortKeysOf(record)) {
    if (key.has_value()) {
      params.Add(absl::BytesToHexString(*key));
    } else {
      params.AddNull();
    }
  }
  params.Add(absl::StrCat(record.meta.server_version));
  if (meta.changed_ms.has_value()) {
    params.Add(absl::StrCat(*meta.changed_ms));
  } else {
    params.AddNull();
  }
  params.Add(meta.changed_by);
  params.Add(meta.changed_via);
  params.Add(TsVectorOf(SearchTermsOf(record)));
}

// Writes the rows of `records`: live ones upserted (in statements of up to kRowsPerStatement
// rows; the one-row and the full form are prepared), tombstones removed. `meta[i]` belongs to
// records[i]; a single entry applies to all.
absl::Status WriteRows(pqxx::dbtransaction& tx, absl::Span<const StoredRecord> records,
                       absl::Span<const ChangeMeta> meta) {
  std::map<EntityType, std::vector<size_t>> live;          // entity -> indexes into records
  std::map<EntityType, std::vector<std::string>> deleted;  // entity -> ids
  for (size_t i = 0; i < records.size(); ++i) {
    const Record& r = records[i].record;
    if (r.meta.deleted) {
      deleted[r.entity].push_back(r.id);
    } else {
      live[r.entity].push_back(i);
    }
  }
  ColumnArrays params;
  for (const auto& [entity, indexes] : live) {
    for (size_t begin = 0; begin < indexes.size(); begin += kRowsPerStatement) {
      const size_t n = std::min(kRowsPerStatement, indexes.size() - begin);
      params.Clear();
      for (size_t k = begin; k < begin + n; ++k) {
        const size_t i = indexes[k];
        AddRow(params, records[i].record, meta.size() == 1 ? meta[0] : meta[i]);
      }
      if (!params.complete()) {
        return absl::InternalError(absl::StrCat("typed rows of ", EntityName(entity),
                                                ": a row has fewer columns than the table"));
      }
      BinaryRows::Command(tx, UpsertName(entity), /*prepared=*/true, params.values());
    }
  }
  for (const auto& [entity, ids] : deleted) {
    tx.exec_prepared(DeleteName(entity), ArrayLiteral(ids));
  }
  return absl::OkStatus();
}

std::string PgPlaceholder(int n) { return absl::StrCat("$", n); }

std::string PgTyped(SqlType type, const std::string& p) {
  if (type == SqlType::kTimestamp) return absl::StrCat("to_timestamp(", p, "::bigint / 1000.0)");
  if (type == SqlType::kDouble) return absl::StrCat(p, "::float8");
  return absl::StrCat(p, "::", PostgresTypeName(type));
}

std::string PgListContains(SqlType list_type, const std::string& column, const std::string& p) {
  return absl::StrCat(p, list_type == SqlType::kUuidList ? "::uuid" : "::text", " = ANY(", column,
                      ")");
}

std::string PgSearchMatch(EntityType, const std::string& p) {
  return absl::StrCat("t.search_terms @@ ", p, "::tsquery");
}

// The query as tsquery input: quoted lexemes (no parser touches them), ":*" for a prefix.
std::string PgSearchQueryText(const SearchQuery& query) {
  std::vector<std::string> groups;
  for (const std::vector<QueryTerm>& group : query) {
    std::vector<std::string> terms;
    for (const QueryTerm& term : group) {
      terms.push_back(absl::StrCat(TsVectorOf({term.text}), term.prefix ? ":*" : ""));
    }
    groups.push_back(absl::StrCat("(", absl::StrJoin(terms, " | "), ")"));
  }
  return absl::StrJoin(groups, " & ");
}

// Bytes travel as hex text.
std::string PgBytes(const std::string& p) { return absl::StrCat("decode(", p, "::text, 'hex')"); }
Value PgBytesValue(const std::string& bytes) {
  return Value::String(absl::BytesToHexString(bytes));
}

constexpr SqlDialect kPgDialect{&PgPlaceholder,     &PgTyped,     &PgListContains, &PgSearchMatch,
                                &PgSearchQueryText, "t.id::text", &PgBytes,        &PgBytesValue};

}  // namespace

std::string PgTypedTablesDdl() {
  // The versions of the rows and of the search rule are part of the text, so that a change of
  // either rebuilds the tables too.
  std::string ddl = absl::StrCat("-- M-CRM typed tables: rows v", kTypedRowsVersion,
                                 ", search terms v", kSearchTermsVersion, ", sort keys of ",
                                 SortKeyVersion(), "\nCREATE SCHEMA crm;\n");
  for (const EntitySpec& entity : AllEntities()) {
    const std::string table = Table(entity.type);
    std::vector<std::string> columns = {"  id uuid PRIMARY KEY"};
    for (const FieldSpec& field : entity.fields) {
      columns.push_back(
          absl::StrCat("  ", Column(field), " ", PostgresTypeName(SqlTypeOf(field.type))));
    }
    for (const FieldSpec& field : entity.fields) {
      if (HasSortKey(field)) columns.push_back(absl::StrCat("  ", KeyColumn(field), " bytea"));
    }
    for (const SqlChangeColumn& column : kSqlChangeColumns) {
      columns.push_back(absl::StrCat("  ", column.name, " ", column.postgres_type));
    }
    columns.push_back("  search_terms tsvector NOT NULL");
    // Room in every page for the next version of its rows: an edit that leaves the indexed
    // columns as they were is then a heap-only update, which touches none of the indexes.
    absl::StrAppend(&ddl, "CREATE TABLE ", table, " (\n", absl::StrJoin(columns, ",\n"),
                    "\n) WITH (fillfactor = 70);\n");
    absl::StrAppend(&ddl, "COMMENT ON TABLE ", table, " IS ", SqlString(entity.doc), ";\n");
    for (const FieldSpec& field : entity.fields) {
      absl::StrAppend(&ddl, "COMMENT ON COLUMN ", table, ".", Column(field), " IS ",
                      SqlString(field.doc), ";\n");
      // Ascending with unset values first: the order of a find's keyset pages (find_query.h).
      if (IsIndexed(field) && IsScalar(SqlTypeOf(field.type))) {
        absl::StrAppend(&ddl, "CREATE INDEX ", SqlTableName(entity.type), "_by_", field.name,
                        " ON ", table, " (\"", SortColumn(field), "\" NULLS FIRST, id);\n");
      }
      if (HasSortKey(field)) {
        absl::StrAppend(&ddl, "COMMENT ON COLUMN ", table, ".", KeyColumn(field), " IS ",
                        SqlString(SortKeyColumnDoc(field)), ";\n");
      }
    }
    for (const SqlChangeColumn& column : kSqlChangeColumns) {
      absl::StrAppend(&ddl, "COMMENT ON COLUMN ", table, ".", column.name, " IS ",
                      SqlString(column.doc), ";\n");
    }
    // A list of one value per filter sorted by a field, read in order from one index.
    for (const ListIndex& list : entity.list_indexes) {
      absl::StrAppend(&ddl, "CREATE INDEX ", SqlTableName(entity.type), "_list_", list.Name(),
                      " ON ", table, " (\"",
                      absl::StrJoin(ListIndexColumns(entity, list), "\", \""),
                      "\" NULLS FIRST, id);\n");
    }
    absl::StrAppend(&ddl, "-- terms of: ", SearchedFieldsOf(entity), "\nCREATE INDEX ",
                    SqlTableName(entity.type), "_search ON ", table,
                    " USING gin (search_terms);\n");
  }
  return ddl;
}

absl::Status EnsurePgTypedTables(pqxx::work& tx) {
  const std::string ddl = PgTypedTablesDdl();
  const pqxx::result made = tx.exec("SELECT value FROM store_state WHERE key = 'typed_tables'");
  if (!made.empty() && made[0][0].as<std::string>() == ddl) return absl::OkStatus();

  // Made anew rather than altered: a new field, a changed type or a new index all come out
  // right, and the rows are refilled from the records, which hold everything.
  tx.exec0("DROP SCHEMA IF EXISTS crm CASCADE");
  tx.exec0(ddl);
  std::string after;
  while (true) {
    const pqxx::result rows = tx.exec_params(
        "SELECT id, record, changed_ms, changed_by, changed_via FROM records WHERE NOT deleted AND "
        "id > $1 ORDER BY id LIMIT $2",
        after, kRefillBatch);
    if (rows.empty()) break;
    std::vector<StoredRecord> batch;
    std::vector<ChangeMeta> meta;
    batch.reserve(rows.size());
    for (const auto& row : rows) {
      ASSIGN_OR_RETURN(std::string bytes, Bytes(row[1]));
      StoredRecord stored;
      ASSIGN_OR_RETURN(stored.record, DecodeRecord(bytes));
      batch.push_back(std::move(stored));
      meta.push_back(
          ChangeMeta{row[2].as<int64_t>(), row[3].as<std::string>(), row[4].as<std::string>()});
      after = row[0].as<std::string>();
    }
    RETURN_IF_ERROR(WriteRows(tx, batch, meta));
  }
  tx.exec_params0(
      "INSERT INTO store_state (key, value) VALUES ('typed_tables', $1) ON CONFLICT (key) DO "
      "UPDATE SET value = EXCLUDED.value",
      ddl);
  return absl::OkStatus();
}

absl::Status WritePgTypedRows(pqxx::dbtransaction& tx, absl::Span<const StoredRecord> records,
                              absl::string_view changed_by, absl::string_view changed_via) {
  const ChangeMeta meta{std::nullopt, std::string(changed_by), std::string(changed_via)};
  return WriteRows(tx, records, absl::MakeConstSpan(&meta, 1));
}

void PreparePgTypedStatements(pqxx::connection& connection) {
  for (const EntitySpec& entity : AllEntities()) {
    connection.prepare(UpsertName(entity.type), UpsertSql(entity));
    connection.prepare(DeleteName(entity.type), DeleteSql(entity));
  }
}

absl::StatusOr<FoundPage> FindPostgres(PgRunner& runner, const FindQuery& query) {
  RETURN_IF_ERROR(CheckFindQuery(query));
  ASSIGN_OR_RETURN(std::optional<PageAfter> after, DecodePageToken(query));
  const FindSql find = BuildFindSql(query, after, Table(query.entity), kPgDialect);
  std::vector<std::string> params;
  params.reserve(find.params.size());
  for (const Value& value : find.params) params.push_back(ScalarText(value));
  FoundPage page;
  RETURN_IF_ERROR(runner.Read<pqxx::read_transaction>([&](pqxx::dbtransaction& tx) -> absl::Status {
    page.records.clear();
    const BinaryRows rows = BinaryRows::Exec(tx, find.sql, params);
    const int n = std::min(rows.size(), query.limit);
    page.records.reserve(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) {
      StoredRecord stored;
      ASSIGN_OR_RETURN(stored.record, DecodeRecord(rows.Get(i, 0)));
      ASSIGN_OR_RETURN(stored.stamps, DecodeStamps(rows.Get(i, 1)));
      page.records.push_back(std::move(stored));
    }
    page.next_page_token =
        rows.size() > query.limit ? EncodePageToken(query, page.records.back().record) : "";
    return absl::OkStatus();
  }));
  return page;
}

}  // namespace mcrm::server
