#include "store/pg/typed_tables.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/time/time.h"
#include "mcrm/search_terms.h"
#include "mcrm/sql_view.h"
#include "mcrm/status_macros.h"
#include "store/binary_rows.h"
#include "store/encoding.h"
#include "store/find_query.h"
#include "store/pg/statements.h"
#include "store/typed_rows.h"

namespace mcrm::server {
namespace {

// Rows a refill decodes and writes at a time.
constexpr int kRefillBatch = 2000;

std::string Table(EntityType entity) { return absl::StrCat("crm.", SqlTableName(entity)); }
std::string Column(const FieldSpec& field) { return absl::StrCat("\"", field.name, "\""); }
std::string SqlString(absl::string_view text) {
  return absl::StrCat("'", absl::StrReplaceAll(text, {{"'", "''"}}), "'");
}

std::string UpsertName(EntityType entity) {
  return absl::StrCat("typed_upsert_", static_cast<int>(entity));
}
std::string DeleteName(EntityType entity) {
  return absl::StrCat("typed_delete_", static_cast<int>(entity));
}

// Upserts the rows of the jsonb array $1 (objects with the id, the fields and search_terms);
// the version, time and author come from the records row written just before in the same
// transaction, so the typed row cannot disagree with it.
std::string UpsertSql(const EntitySpec& entity) {
  std::vector<std::string> columns = {"id"}, values = {"j.id"}, updates;
  for (const FieldSpec& field : entity.fields) {
    columns.push_back(Column(field));
    values.push_back(absl::StrCat("j.", Column(field)));
  }
  for (const SqlChangeColumn& column : kSqlChangeColumns) columns.push_back(column.name);
  values.insert(values.end(), {"r.version", "to_timestamp(r.changed_ms / 1000.0)", "r.changed_by",
                               "r.changed_via"});
  columns.push_back("search_terms");
  values.push_back("j.search_terms");
  for (size_t i = 1; i < columns.size(); ++i) {
    updates.push_back(absl::StrCat(columns[i], " = EXCLUDED.", columns[i]));
  }
  return absl::StrCat("INSERT INTO ", Table(entity.type), " (", absl::StrJoin(columns, ", "),
                      ") SELECT ", absl::StrJoin(values, ", "),
                      " FROM jsonb_populate_recordset(NULL::", Table(entity.type),
                      ", $1::jsonb) j JOIN records r ON r.id = j.id::text",
                      " ON CONFLICT (id) DO UPDATE SET ", absl::StrJoin(updates, ", "));
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
      if (c == '\'' || c == '\\') out.push_back(c == '\'' ? '\'' : '\\');
      out.push_back(c);
    }
    out.push_back('\'');
  }
  return out;
}

// One row as a jsonb_populate_record object: scalars as their SQL types read them (timestamps
// as ISO 8601 in UTC), lists as arrays, structs as objects.
void AppendRowJson(std::string& out, const Record& record) {
  out += "{\"id\":";
  AppendJsonString(out, record.id);
  for (const FieldSpec& field : Spec(record.entity).fields) {
    const Value& value = record.Get(field.number);
    if (value.is_null()) continue;
    out.push_back(',');
    AppendJsonString(out, field.name);
    out.push_back(':');
    if (SqlTypeOf(field.type) == SqlType::kTimestamp && value.is_int()) {
      AppendJsonString(
          out, absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::FromUnixMillis(value.int_value()),
                                absl::UTCTimeZone()));
    } else {
      out += JsonOf(value);
    }
  }
  out += ",\"search_terms\":";
  AppendJsonString(out, TsVectorOf(SearchTermsOf(record)));
  out.push_back('}');
}

// Writes `records` (grouped by entity) with prepared statements, or, when `prepared` is false
// (a refill inside the migration), with the statement texts.
absl::Status WriteRows(pqxx::dbtransaction& tx, absl::Span<const StoredRecord> records,
                       bool prepared) {
  std::map<EntityType, std::string> upserts;               // entity -> JSON array
  std::map<EntityType, std::vector<std::string>> deletes;  // entity -> ids
  for (const StoredRecord& stored : records) {
    const Record& r = stored.record;
    if (r.meta.deleted) {
      deletes[r.entity].push_back(r.id);
      continue;
    }
    std::string& json = upserts[r.entity];
    json.push_back(json.empty() ? '[' : ',');
    AppendRowJson(json, r);
  }
  for (auto& [entity, json] : upserts) {
    json.push_back(']');
    if (prepared) {
      tx.exec_prepared(UpsertName(entity), json);
    } else {
      tx.exec_params(UpsertSql(Spec(entity)), json);
    }
  }
  for (const auto& [entity, ids] : deletes) {
    if (prepared) {
      tx.exec_prepared(DeleteName(entity), ArrayLiteral(ids));
    } else {
      tx.exec_params(DeleteSql(Spec(entity)), ArrayLiteral(ids));
    }
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

constexpr SqlDialect kPgDialect{&PgPlaceholder, &PgTyped,           &PgListContains,
                                &PgSearchMatch, &PgSearchQueryText, "t.id::text"};

std::string ParamText(const Value& value) {
  if (value.is_string()) return value.string_value();
  if (value.is_int()) return absl::StrCat(value.int_value());
  if (value.is_double()) return absl::StrFormat("%.17g", value.double_value());
  if (value.is_bool()) return value.bool_value() ? "true" : "false";
  return "";
}

}  // namespace

std::string PgTypedTablesDdl() {
  // The search rule's version is part of the text, so that a new rule rebuilds the terms too.
  std::string ddl =
      absl::StrCat("-- search terms rule ", kSearchTermsVersion, "\nCREATE SCHEMA crm;\n");
  for (const EntitySpec& entity : AllEntities()) {
    const std::string table = Table(entity.type);
    std::vector<std::string> columns = {"  id uuid PRIMARY KEY"};
    for (const FieldSpec& field : entity.fields) {
      columns.push_back(
          absl::StrCat("  ", Column(field), " ", PostgresTypeName(SqlTypeOf(field.type))));
    }
    for (const SqlChangeColumn& column : kSqlChangeColumns) {
      columns.push_back(absl::StrCat("  ", column.name, " ", column.postgres_type));
    }
    columns.push_back("  search_terms tsvector NOT NULL");
    absl::StrAppend(&ddl, "CREATE TABLE ", table, " (\n", absl::StrJoin(columns, ",\n"), "\n);\n");
    absl::StrAppend(&ddl, "COMMENT ON TABLE ", table, " IS ", SqlString(entity.doc), ";\n");
    for (const FieldSpec& field : entity.fields) {
      absl::StrAppend(&ddl, "COMMENT ON COLUMN ", table, ".", Column(field), " IS ",
                      SqlString(field.doc), ";\n");
      // Ascending with unset values first: the order of a find's keyset pages (find_query.h).
      if (IsIndexed(field) && IsScalar(SqlTypeOf(field.type))) {
        absl::StrAppend(&ddl, "CREATE INDEX ", SqlTableName(entity.type), "_by_", field.name,
                        " ON ", table, " (", Column(field), " NULLS FIRST, id);\n");
      }
    }
    for (const SqlChangeColumn& column : kSqlChangeColumns) {
      absl::StrAppend(&ddl, "COMMENT ON COLUMN ", table, ".", column.name, " IS ",
                      SqlString(column.doc), ";\n");
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
        "SELECT id, record FROM records WHERE NOT deleted AND id > $1 ORDER BY id LIMIT $2", after,
        kRefillBatch);
    if (rows.empty()) break;
    std::vector<StoredRecord> batch;
    batch.reserve(rows.size());
    for (const auto& row : rows) {
      ASSIGN_OR_RETURN(std::string bytes, Bytes(row[1]));
      StoredRecord stored;
      ASSIGN_OR_RETURN(stored.record, DecodeRecord(bytes));
      batch.push_back(std::move(stored));
      after = row[0].as<std::string>();
    }
    RETURN_IF_ERROR(WriteRows(tx, batch, /*prepared=*/false));
  }
  tx.exec_params0(
      "INSERT INTO store_state (key, value) VALUES ('typed_tables', $1) ON CONFLICT (key) DO "
      "UPDATE SET value = EXCLUDED.value",
      ddl);
  return absl::OkStatus();
}

absl::Status WritePgTypedRows(pqxx::dbtransaction& tx, absl::Span<const StoredRecord> records) {
  return WriteRows(tx, records, /*prepared=*/true);
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
  for (const Value& value : find.params) params.push_back(ParamText(value));
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
