// What both stores share to answer a FindQuery from their typed tables: the checks on a query,
// the page token, and the SQL of its conditions and order, written once for both dialects.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "mcrm/search_terms.h"
#include "mcrm/sql_view.h"
#include "store/store.h"

namespace mcrm::server {

// INVALID_ARGUMENT naming the part at fault: an unknown field, an order on a list, a struct or a
// field lists do not sort by (IsIndexed), more than 16 conditions, a condition whose value does
// not fit the field or breaks its rules, a limit out of range, a search that is too long.
absl::Status CheckFindQuery(const FindQuery& query);

// A search that matches at most this many records has them sorted whole; one that matches more
// reads them in order from the sort index (BuildFindSql). Sorting this many rows takes a few
// milliseconds; finding a page among more of them by the sort index takes no longer.
inline constexpr int kSortedSearchMatches = 5000;

// Where the previous page ended: the last record's order value (null when unset) and id.
struct PageAfter {
  Value value;
  std::string id;
};
std::string EncodePageToken(const FindQuery& query, const Record& last);
// nullopt for the first page; INVALID_ARGUMENT for a token another query made (another order,
// conditions, search or direction).
absl::StatusOr<std::optional<PageAfter>> DecodePageToken(const FindQuery& query);

// How a store writes SQL: its placeholders and how a bound value becomes a value of a column's
// type, how a list column is tested for an element, and its full-text match.
struct SqlDialect {
  // The text of placeholder n (1-based): "$1" or "?1".
  std::string (*placeholder)(int n);
  // An expression of `type` from the bound parameter `placeholder` (see BoundValue).
  std::string (*typed)(SqlType type, const std::string& placeholder);
  // True when list column `column` holds the bound element.
  std::string (*list_contains)(SqlType list_type, const std::string& column,
                               const std::string& placeholder);
  // True when table `t`'s row matches the bound full-text query (the text of SearchQueryText).
  std::string (*search_match)(EntityType entity, const std::string& placeholder);
  // The full-text query in the store's syntax.
  std::string (*search_query_text)(const SearchQuery& query);
  // The typed table's id as the records table's text id ("t.id::text" or "t.id").
  const char* id_as_text;
  // Bytes (sort keys, which hold no zero byte, mcrm/sort_key.h): an expression of them from the
  // bound parameter `placeholder`, and the value to bind for `bytes`.
  std::string (*bytes)(const std::string& placeholder);
  Value (*bytes_value)(const std::string& bytes);
};

// The SQL of a find on typed table `table` (as the store names it), aliased t, joined to the
// records table r: "SELECT r.record, r.stamps FROM ... WHERE ... ORDER BY ... LIMIT n".
// `params` receives the values to bind in order; a store binds each as BoundValue says.
struct FindSql {
  std::string sql;
  std::vector<Value> params;
};
FindSql BuildFindSql(const FindQuery& query, const std::optional<PageAfter>& after,
                     const std::string& table, const SqlDialect& dialect);

// A scalar value as text: a string as it is, numbers in decimal (doubles to 17 digits), booleans
// as 1 or 0. What a page token holds, and what PostgreSQL's text parameters read.
std::string ScalarText(const Value& value);

// The SQL type a condition's value is bound as for `field`: the field's own type, or the element
// type for a list's kContains.
SqlType BoundType(const FieldSpec& field, FieldCondition::Op op);

}  // namespace mcrm::server
