#include "mcrm/sql_view.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "mcrm/sort_key.h"

namespace mcrm {

SqlType SqlTypeOf(FieldType type) {
  switch (type) {
    case FieldType::kString:
    case FieldType::kText:
    case FieldType::kEnum:
      return SqlType::kText;
    case FieldType::kInt:
      return SqlType::kBigint;
    case FieldType::kDouble:
      return SqlType::kDouble;
    case FieldType::kBool:
      return SqlType::kBoolean;
    case FieldType::kTimestamp:
      return SqlType::kTimestamp;
    case FieldType::kDate:
      return SqlType::kDate;
    case FieldType::kId:
      return SqlType::kUuid;
    case FieldType::kStringList:
      return SqlType::kTextList;
    case FieldType::kIdList:
      return SqlType::kUuidList;
    case FieldType::kStruct:
    case FieldType::kStructList:
      return SqlType::kJson;
  }
  return SqlType::kJson;
}

bool IsScalar(SqlType type) {
  return type != SqlType::kTextList && type != SqlType::kUuidList && type != SqlType::kJson;
}

bool HasSortKey(const FieldSpec& field) {
  return field.type == FieldType::kString && IsIndexed(field);
}

std::string SortKeyColumn(const FieldSpec& field) { return absl::StrCat(field.name, "__key"); }

std::string SortColumn(const FieldSpec& field) {
  return HasSortKey(field) ? SortKeyColumn(field) : field.name;
}

std::string SortKeyColumnDoc(const FieldSpec& field) {
  return absl::StrCat("The sort key of ", field.name, ": ORDER BY ", SortKeyColumn(field),
                      " lists it as the app does.");
}

std::vector<std::optional<std::string>> SortKeysOf(const Record& record) {
  std::vector<std::optional<std::string>> out;
  for (const FieldSpec& field : Spec(record.entity).fields) {
    if (!HasSortKey(field)) continue;
    const Value& value = record.Get(field.number);
    out.push_back(value.is_string() ? std::optional<std::string>(SortKeyOf(value.string_value()))
                                    : std::nullopt);
  }
  return out;
}

std::vector<std::string> ListIndexColumns(const EntitySpec& entity, const ListIndex& list) {
  std::vector<std::string> out = list.filters;
  out.push_back(SortColumn(*entity.FieldByName(list.sort)));
  return out;
}

const char* PostgresTypeName(SqlType type) {
  switch (type) {
    case SqlType::kText:
      return "text";
    case SqlType::kBigint:
      return "bigint";
    case SqlType::kDouble:
      return "double precision";
    case SqlType::kBoolean:
      return "boolean";
    case SqlType::kTimestamp:
      return "timestamptz";
    case SqlType::kDate:
      return "date";
    case SqlType::kUuid:
      return "uuid";
    case SqlType::kTextList:
      return "text[]";
    case SqlType::kUuidList:
      return "uuid[]";
    case SqlType::kJson:
      return "jsonb";
  }
  return "jsonb";
}

const char* SqliteTypeName(SqlType type) {
  switch (type) {
    case SqlType::kBigint:
    case SqlType::kBoolean:    // 0 or 1
    case SqlType::kTimestamp:  // ms since the Unix epoch
      return "INTEGER";
    case SqlType::kDouble:
      return "REAL";
    default:  // text, YYYY-MM-DD dates, ids, and JSON for lists and structs
      return "TEXT";
  }
}

std::string SqlViewMarkdown() {
  std::string out;
  for (const EntitySpec& entity : AllEntities()) {
    const std::string table = SqlTableName(entity.type);
    absl::StrAppend(&out, "\n### ", table, "\n\n", entity.doc, " PostgreSQL: `crm.", table,
                    "`; SQLite: `", table, "`.\n\n",
                    "| column | PostgreSQL | SQLite | indexed | meaning |\n|---|---|---|---|---|\n",
                    "| `id` | uuid | TEXT | primary key | The record id. |\n");
    for (const FieldSpec& field : entity.fields) {
      const SqlType type = SqlTypeOf(field.type);
      const std::string indexed = HasSortKey(field)                    ? "by its key"
                                  : IsIndexed(field) && IsScalar(type) ? "yes"
                                                                       : "";
      absl::StrAppend(&out, "| `", field.name, "` | ", PostgresTypeName(type), " | ",
                      SqliteTypeName(type), " | ", indexed, " | ", field.doc, " |\n");
    }
    for (const FieldSpec& field : entity.fields) {
      if (!HasSortKey(field)) continue;
      absl::StrAppend(&out, "| `", SortKeyColumn(field), "` | bytea | BLOB | yes | ",
                      SortKeyColumnDoc(field), " |\n");
    }
    for (const SqlChangeColumn& column : kSqlChangeColumns) {
      absl::StrAppend(&out, "| `", column.name, "` | ", column.postgres_type, " | ",
                      column.sqlite_type, " | | ", column.doc, " |\n");
    }
    absl::StrAppend(&out, "| `search_terms` | tsvector | FTS5 table `", table,
                    "_search` | yes | The terms full-text search finds the record by. |\n");
    if (!entity.list_indexes.empty()) {
      std::vector<std::string> lists;
      for (const ListIndex& list : entity.list_indexes) {
        std::vector<std::string> columns = ListIndexColumns(entity, list);
        columns.push_back("id");
        lists.push_back(absl::StrCat("(`", absl::StrJoin(columns, "`, `"), "`)"));
      }
      absl::StrAppend(&out, "\nLists also read from the indexes on ", absl::StrJoin(lists, ", "),
                      ".\n");
    }
  }
  return out;
}

std::string SqlTableName(EntityType entity) {
  const std::string name(EntityName(entity));
  // English plurals of our entity names: "opportunity" -> "opportunities", else add "s".
  if (absl::EndsWith(name, "y")) return absl::StrCat(name.substr(0, name.size() - 1), "ies");
  return absl::StrCat(name, "s");
}

}  // namespace mcrm
