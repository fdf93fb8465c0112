// The replica's list tables: for each entity the app lists (accounts and contacts), one row per
// record as the user sees it (the server state with the pending local changes on top), with a
// column for each field lists filter and sort by (the schema's indexed fields, IsIndexed), a
// mark while it has unsent changes, and its search terms (mcrm/search_terms.h, the server's
// rule) in an FTS5 table that shares the row's rowid. A list is answered from these tables and
// their indexes; no stored record is parsed to answer it.
//
// Generated from the schema: when the DDL differs from the one the tables were made with (a
// field newly indexed, another search rule, another ICU), the replica makes them anew and fills
// them from its records.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "mcrm/record.h"
#include "pulled_page.h"

struct sqlite3;

namespace mcrm::device {

// Whether `entity` has a list table: the lists a rep opens by themself (customers, people).
// Everything else is listed under its account, through the records' account index.
bool Listed(EntityType entity);

// Text columns that lists sort by (HasSortKey, mcrm/sql_view.h) have their ICU sort keys
// (mcrm/sort_key.h) in a column beside them ("name__key"), which the list indexes hold: an
// account's records are sorted by the same keys, so every list of the app orders names alike.

// What a list row holds, worked out before the row is written (a pull does it on the thread
// that reads pages, beside the one that writes them): the values of the list columns in column
// order, the sort keys of its text columns (nullopt for an unset one), the search terms.
struct ListRowValues {
  EntityType entity = EntityType::kAccount;
  std::string id;
  std::vector<Value> columns;
  std::vector<std::optional<std::string>> sort_keys;
  std::string terms;  // SearchTermsOf, joined by spaces
};
ListRowValues PrepareListRow(const Record& record);
// What a list row needs of a pulled record: its id and the fields lists filter, sort and search
// by, read from their wire form one by one (decoding the whole record costs more).
Record ListedPartOf(const PulledRecord& pulled);

// The DDL of the list tables, their indexes and their FTS5 tables. It names the schema's
// indexed fields, the search rule's version and the ICU version whose order the indexes hold.
std::string ListTablesDdl();
// Every table ListTablesDdl creates, for dropping them before a rebuild.
std::vector<std::string> ListTableNames();

// Writes list rows in the caller's transaction. The search rows are written last, by Flush()
// (see RecordRows in replica.cc for why: FTS5 writes interleaved with indexed writes cost a
// segment each).
class ListRows {
 public:
  explicit ListRows(sqlite3* db);
  ~ListRows();
  ListRows(const ListRows&) = delete;
  ListRows& operator=(const ListRows&) = delete;

  // Writes the row of `record` (of a listed entity; others are ignored), the record as the user
  // sees it, with its pending mark. Its search row follows at Flush().
  absl::Status Put(const Record& record, bool pending);
  absl::Status Put(const ListRowValues& row, bool pending);
  // Drops the row of `id` (no-op when there is none).
  absl::Status Drop(EntityType entity, absl::string_view id);
  // Drops the rows of the listed records whose scope follows account `account_id` (its
  // contacts), as the replica drops the records themselves.
  absl::Status DropFollowers(absl::string_view account_id);
  // Empties every list table.
  absl::Status Clear();
  // Writes the search rows of the rows written since the last Flush().
  absl::Status Flush();

 private:
  struct Statements;
  Statements& For(EntityType entity);

  sqlite3* db_;
  std::map<EntityType, std::unique_ptr<Statements>> statements_;
  // Search rows to replace: rowid -> terms ("" = only remove).
  std::vector<std::tuple<EntityType, int64_t, std::string>> search_changes_;
};

// What a list shows: rows of one listed entity, filtered, searched and ordered.
struct ListQuery {
  EntityType entity = EntityType::kAccount;
  // Field name and the value the field must hold (null: the field is not set). Indexed fields
  // only.
  std::vector<std::pair<std::string, Value>> equals;
  // What the user typed (mcrm/search_terms.h ParseSearchQuery); "" = no search.
  std::string search;
  // An indexed scalar field; "" = by id.
  std::string order_by;
  bool descending = false;
  int offset = 0;
  int limit = 50;  // 1 to kMaxListLimit
};
inline constexpr int kMaxListLimit = 1000;
inline constexpr int kMaxListSearchBytes = 200;

struct ListedRow {
  std::string id;
  bool pending = false;  // has unsent (or rejected) local changes
};

// INVALID_ARGUMENT naming the part at fault: an entity without a list table, a field that is
// unknown or not indexed, a value that breaks the field's rules, a limit or offset out of range.
absl::Status CheckListQuery(const ListQuery& query);
// The query's rows (offset, limit), in its order: unset values first, ties in the order the
// rows were first written (rowid).
absl::StatusOr<std::vector<ListedRow>> RunListQuery(sqlite3* db, const ListQuery& query);
// How many rows the query has in all (offset and limit ignored), counting no further than
// `at_most` (a broad search need not count a hundred thousand rows to say "1000+").
absl::StatusOr<int64_t> CountListQuery(sqlite3* db, const ListQuery& query,
                                       int64_t at_most = INT64_MAX);

// The values a list column of `entity` holds (each once, unset left out, at most `limit`), read
// from its index: the territories a rep's customers are in, for a filter.
absl::StatusOr<std::vector<std::string>> DistinctListValues(sqlite3* db, EntityType entity,
                                                            const std::string& field, int limit);

}  // namespace mcrm::device
