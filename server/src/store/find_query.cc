#include "store/find_query.h"

#include <sodium.h>

#include <algorithm>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "mcrm/sort_key.h"
#include "mcrm/utf8.h"
#include "mcrm/uuid.h"
#include "mcrm/validation.h"
#include "wire_codec.h"

namespace mcrm::server {
namespace {

// A full-text query longer than this is not typed by a person.
constexpr size_t kMaxSearchBytes = 256;
// A page token holds an order value (at most a field's length) and an id.
constexpr size_t kMaxPageTokenBytes = 8192;
// More conditions than this are not a list someone looks at.
constexpr size_t kMaxConditions = 16;

const FieldSpec* OrderField(const FindQuery& query) {
  return query.order_by.empty() ? nullptr : Spec(query.entity).FieldByName(query.order_by);
}

// Whether `value` can be compared with a column of `type`.
bool Fits(SqlType type, const Value& value) {
  switch (type) {
    case SqlType::kText:
    case SqlType::kDate:
    case SqlType::kUuid:
      return value.is_string();
    case SqlType::kBigint:
    case SqlType::kTimestamp:
      return value.is_int();
    case SqlType::kDouble:
      return value.is_double() || value.is_int();
    case SqlType::kBoolean:
      return value.is_bool();
    default:
      return false;
  }
}

absl::StatusOr<Value> ValueOfText(SqlType type, const std::string& text) {
  switch (type) {
    case SqlType::kBigint:
    case SqlType::kTimestamp: {
      int64_t v = 0;
      if (absl::SimpleAtoi(text, &v)) return Value::Int(v);
      break;
    }
    case SqlType::kDouble: {
      double v = 0;
      if (absl::SimpleAtod(text, &v)) return Value::Double(v);
      break;
    }
    case SqlType::kBoolean:
      if (text == "0" || text == "1") return Value::Bool(text == "1");
      break;
    case SqlType::kText:
    case SqlType::kDate:
    case SqlType::kUuid:
      return Value::String(text);
    default:
      break;
  }
  return absl::InvalidArgumentError("page_token: not a page of this query");
}

}  // namespace

std::string ScalarText(const Value& value) {
  if (value.is_string()) return value.string_value();
  if (value.is_int()) return absl::StrCat(value.int_value());
  if (value.is_double()) return absl::StrFormat("%.17g", value.double_value());
  if (value.is_bool()) return value.bool_value() ? "1" : "0";
  return "";
}

SqlType BoundType(const FieldSpec& field, FieldCondition::Op op) {
  const SqlType type = SqlTypeOf(field.type);
  if (op != FieldCondition::Op::kContains) return type;
  return type == SqlType::kUuidList ? SqlType::kUuid : SqlType::kText;
}

absl::Status CheckFindQuery(const FindQuery& query) {
  if (std::none_of(AllEntities().begin(), AllEntities().end(),
                   [&](const EntitySpec& e) { return e.type == query.entity; })) {
    return absl::InvalidArgumentError("entity: not an entity of this schema");
  }
  const EntitySpec& entity = Spec(query.entity);
  if (query.where.size() > kMaxConditions) {
    return absl::InvalidArgumentError(
        absl::StrCat("where: ", query.where.size(), " conditions; at most ", kMaxConditions));
  }
  if (query.limit < 1 || query.limit > kMaxFindLimit) {
    return absl::InvalidArgumentError(
        absl::StrCat("limit: ", query.limit, "; must be between 1 and ", kMaxFindLimit));
  }
  if (!query.order_by.empty()) {
    const FieldSpec* field = OrderField(query);
    if (field == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("order_by: ", entity.name, " has no field ", Quoted(query.order_by)));
    }
    if (!IsScalar(SqlTypeOf(field->type))) {
      return absl::InvalidArgumentError(absl::StrCat(
          "order_by: ", field->name, " is a ", FieldTypeName(field->type), "; lists cannot sort"));
    }
    // Every page of a list must come from an index, however many records there are.
    if (!IsIndexed(*field)) {
      return absl::InvalidArgumentError(
          absl::StrCat("order_by: ", entity.name, " lists do not sort by ", field->name,
                       " (the fields they sort by are marked indexed in the schema)"));
    }
  }
  for (size_t i = 0; i < query.where.size(); ++i) {
    const FieldCondition& c = query.where[i];
    const std::string path = absl::StrCat("where[", i, "]");
    const FieldSpec* field = entity.FieldByName(c.field);
    if (field == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ".field: ", entity.name, " has no field ", Quoted(c.field)));
    }
    const SqlType type = SqlTypeOf(field->type);
    const bool list = !IsScalar(type);
    if (type == SqlType::kJson) {
      return absl::InvalidArgumentError(absl::StrCat(path, ".field: ", field->name,
                                                     " holds structs; find by a field of its own"));
    }
    if (list != (c.op == FieldCondition::Op::kContains)) {
      return absl::InvalidArgumentError(absl::StrCat(
          path, ".op: ", list ? "a list field takes only 'contains'" : "'contains' needs a list",
          " (", field->name, " is a ", FieldTypeName(field->type), ")"));
    }
    if (c.value.is_null() && c.op == FieldCondition::Op::kEquals) continue;  // "is not set"
    if (!Fits(BoundType(*field, c.op), c.value)) {
      return absl::InvalidArgumentError(absl::StrCat(path, ".value: does not fit ", field->name,
                                                     " (", FieldTypeName(field->type), ")"));
    }
    // The value obeys the field's own rules (a real date, a canonical id, an enum's values, no
    // control characters): the one validation, here on a value a list holds or is compared to.
    const Value as_field =
        c.op == FieldCondition::Op::kContains ? Value::ListOf({c.value}) : c.value;
    if (absl::Status valid = ValidateFieldValue(*field, as_field, absl::StrCat(path, ".value"));
        !valid.ok()) {
      return valid;
    }
  }
  if (query.search.size() > kMaxSearchBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("search: ", query.search.size(), " bytes; at most ", kMaxSearchBytes));
  }
  if (!IsValidUtf8(query.search)) return absl::InvalidArgumentError("search: not UTF-8");
  if (query.page_token.size() > kMaxPageTokenBytes) {
    return absl::InvalidArgumentError("page_token: not a page of this query");
  }
  return absl::OkStatus();
}

// A mark of what a query asks for besides its order (entity, conditions, search, direction): a
// token carries it, so that one made by another query is refused rather than read as a place in
// this one. A keyed hash (BLAKE2b, 8 bytes), the same in every process and after restarts.
std::string QueryMark(const FindQuery& query) {
  std::string canonical =
      absl::StrCat(static_cast<int>(query.entity), "\x1e", query.descending ? "d" : "a", "\x1e",
                   query.search.size(), ":", query.search);
  for (const FieldCondition& condition : query.where) {
    const std::string value = wire::EncodeValue(condition.value);
    absl::StrAppend(&canonical, "\x1e", condition.field.size(), ":", condition.field, "\x1f",
                    static_cast<int>(condition.op), "\x1f", value.size(), ":", value);
  }
  unsigned char mark[8];
  crypto_generichash(mark, sizeof mark, reinterpret_cast<const unsigned char*>(canonical.data()),
                     canonical.size(), nullptr, 0);
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(mark), sizeof mark));
}

std::string EncodePageToken(const FindQuery& query, const Record& last) {
  const FieldSpec* field = OrderField(query);
  const Value& value = field ? last.Get(field->number) : Value::Null();
  // "o<order field>|<query mark>|<n or v>|<id>|<value>", in URL-safe base64: opaque, and
  // printable.
  const std::string raw =
      absl::StrCat("o", query.order_by, "|", QueryMark(query), "|", value.is_null() ? "n" : "v",
                   "|", last.id, "|", ScalarText(value));
  return absl::WebSafeBase64Escape(raw);
}

absl::StatusOr<std::optional<PageAfter>> DecodePageToken(const FindQuery& query) {
  if (query.page_token.empty()) return std::optional<PageAfter>();
  const absl::Status foreign = absl::InvalidArgumentError("page_token: not a page of this query");
  std::string raw;
  if (!absl::WebSafeBase64Unescape(query.page_token, &raw)) return foreign;
  std::vector<std::string> parts = absl::StrSplit(raw, absl::MaxSplits('|', 4));
  if (parts.size() != 5 || parts[0] != absl::StrCat("o", query.order_by) ||
      parts[1] != QueryMark(query) || (parts[2] != "n" && parts[2] != "v") || !IsUuidV7(parts[3])) {
    return foreign;
  }
  PageAfter after;
  after.id = parts[3];
  if (parts[2] == "v") {
    const FieldSpec* field = OrderField(query);
    if (field == nullptr) return foreign;
    auto value = ValueOfText(SqlTypeOf(field->type), parts[4]);
    if (!value.ok()) return value.status();
    // A token is client input like any other: its value must be one the field can hold.
    if (!ValidateFieldValue(*field, *value, "page_token").ok()) return foreign;
    after.value = *std::move(value);
  }
  return std::optional<PageAfter>(std::move(after));
}

FindSql BuildFindSql(const FindQuery& query, const std::optional<PageAfter>& after,
                     const std::string& table, const SqlDialect& d) {
  FindSql out;
  const auto bind = [&](SqlType type, Value value) {
    out.params.push_back(std::move(value));
    return d.typed(type, d.placeholder(static_cast<int>(out.params.size())));
  };
  // A text value as its sort key (HasSortKey), which is what the indexes of such a field hold.
  const auto bind_key = [&](const Value& text) {
    out.params.push_back(d.bytes_value(SortKeyOf(text.string_value())));
    return d.bytes(d.placeholder(static_cast<int>(out.params.size())));
  };
  const EntitySpec& entity = Spec(query.entity);
  std::vector<std::string> where;
  for (const FieldCondition& c : query.where) {
    const FieldSpec& field = *entity.FieldByName(c.field);
    const std::string column = absl::StrCat("t.\"", field.name, "\"");
    const std::string key = absl::StrCat("t.\"", SortKeyColumn(field), "\"");
    const bool keyed = HasSortKey(field) && c.op != FieldCondition::Op::kContains;
    const SqlType type = BoundType(field, c.op);
    switch (c.op) {
      case FieldCondition::Op::kEquals:
        if (c.value.is_null()) {
          where.push_back(absl::StrCat(keyed ? key : column, " IS NULL"));
        } else if (keyed) {
          // The keys' index finds the rows; texts equal but for case share a key.
          where.push_back(absl::StrCat("(", key, " = ", bind_key(c.value), " AND ", column, " = ",
                                       bind(type, c.value), ")"));
        } else {
          where.push_back(absl::StrCat(column, " = ", bind(type, c.value)));
        }
        break;
      case FieldCondition::Op::kAtLeast:
        where.push_back(keyed ? absl::StrCat(key, " >= ", bind_key(c.value))
                              : absl::StrCat(column, " >= ", bind(type, c.value)));
        break;
      case FieldCondition::Op::kAtMost:
        where.push_back(keyed ? absl::StrCat(key, " <= ", bind_key(c.value))
                              : absl::StrCat(column, " <= ", bind(type, c.value)));
        break;
      case FieldCondition::Op::kContains:
        out.params.push_back(c.value);
        where.push_back(d.list_contains(SqlTypeOf(field.type), column,
                                        d.placeholder(static_cast<int>(out.params.size()))));
        break;
    }
  }
  const SearchQuery search = ParseSearchQuery(query.search);
  const bool searching = !search.empty();
  if (searching) {
    out.params.push_back(Value::String(d.search_query_text(search)));
    where.push_back(
        d.search_match(query.entity, d.placeholder(static_cast<int>(out.params.size()))));
  }

  // Keyset pages over (order field, id): ascending puts unset values first, descending last, so
  // that one index on (field, id) serves both directions.
  // Text sorts by its sort keys (mcrm/sort_key.h), as the app's lists do.
  const FieldSpec* order = OrderField(query);
  const std::string column = order ? absl::StrCat("t.\"", SortColumn(*order), "\"") : "";
  const char* const later = query.descending ? " < " : " > ";
  if (after.has_value()) {
    const std::string id = bind(SqlType::kUuid, Value::String(after->id));
    if (order == nullptr) {
      where.push_back(absl::StrCat("t.id", later, id));
    } else if (after->value.is_null()) {
      where.push_back(query.descending ? absl::StrCat("(", column, " IS NULL AND t.id < ", id, ")")
                                       : absl::StrCat("((", column, " IS NULL AND t.id > ", id,
                                                      ") OR ", column, " IS NOT NULL)"));
    } else {
      const std::string v =
          HasSortKey(*order) ? bind_key(after->value) : bind(SqlTypeOf(order->type), after->value);
      where.push_back(
          absl::StrCat("(", column, later, v, " OR (", column, " = ", v, " AND t.id", later, id,
                       ")", query.descending ? absl::StrCat(" OR ", column, " IS NULL") : "", ")"));
    }
  }
  const std::string direction = query.descending ? " DESC" : " ASC";
  // The order of the page over table alias `a`, whose order value is `value` ("" = by id).
  const auto order_of = [&](const std::string& a, const std::string& value) {
    return value.empty()
               ? absl::StrCat(a, ".id", direction)
               : absl::StrCat(value, direction, query.descending ? " NULLS LAST" : " NULLS FIRST",
                              ", ", a, ".id", direction);
  };
  const std::string order_sql = order_of("t", column);
  const std::string select = absl::StrCat(
      "SELECT t.id, ", d.id_as_text, " AS id_text",
      order == nullptr ? "" : absl::StrCat(", ", column, " AS o"), " FROM ", table, " t");
  const std::string conditions = absl::StrJoin(where, " AND ");
  const std::string limit = absl::StrCat(" LIMIT ", query.limit + 1);
  // The page's ids come from the typed table alone (its indexes, its LIMIT); only those rows
  // are then joined to their records. Joined first, the planner may read the whole records table
  // to join it before it limits.
  std::string page;
  if (searching) {
    // A search: the planner guesses how many records match from the terms' statistics, and a
    // guess a hundred times too high ("华为" is in one name of six, "华为 00185" in sixteen of a
    // million) has it read the whole sort index, testing each row, for a first page of sixteen.
    // So the matches are counted first, from the full-text index, up to kSortedSearchMatches: that
    // few are sorted whole; more are read in order from the sort index, where they lie close
    // together. Both branches are written; the one whose count does not hold never runs.
    const std::string most = absl::StrCat(kSortedSearchMatches);
    page = absl::StrCat("WITH m AS MATERIALIZED (", select, " WHERE ", conditions, " LIMIT ",
                        kSortedSearchMatches + 1,
                        ") SELECT * FROM (SELECT * FROM m WHERE (SELECT count(*) FROM m) <= ", most,
                        " ORDER BY ", order_of("m", order == nullptr ? "" : "m.o"), limit,
                        ") few UNION ALL SELECT * FROM (", select,
                        " WHERE (SELECT count(*) FROM m) > ", most, " AND ", conditions,
                        " ORDER BY ", order_sql, limit, ") many");
  } else {
    page = absl::StrCat(select, where.empty() ? "" : absl::StrCat(" WHERE ", conditions),
                        " ORDER BY ", order_sql, limit);
  }
  out.sql = absl::StrCat("SELECT r.record, r.stamps FROM (", page,
                         ") k JOIN records r ON r.id = k.id_text ORDER BY ",
                         order_of("k", order == nullptr ? "" : "k.o"));
  return out;
}

}  // namespace mcrm::server
