// The statements of the PostgreSQL store that are made or prepared ahead: the names of those
// prepared on every connection, the texts of the batch writes, and the helpers that build
// statement texts and parameters (placeholders, text[] literals, per-key index probes).
#pragma once

#include <cstddef>
#include <pqxx/pqxx>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "store/pg/params.h"

namespace mcrm::server {

// Rows per multi-row statement: 13 parameters a row (at most) stays far below PostgreSQL's 65535.
inline constexpr size_t kRowsPerStatement = 500;

// A text[] literal; each element quoted, so no id can break out of it.
std::string ArrayLiteral(absl::Span<const std::string> items);
// Appends `item` to `out` as one quoted element of an array literal (quotes and backslashes
// escaped): whatever it holds, it stays one element, and "NULL" stays the text NULL.
void AppendArrayElement(absl::string_view item, std::string& out);

std::string Placeholders(size_t rows, size_t columns, absl::string_view row_prefix = "",
                         absl::string_view row_suffix = "");

// A statement that looks up each key of the text[] parameter $1 with its own index probe:
// `probe` is a query over one key, k.id, and yields at most one row (it is limited to one, which
// also keeps the planner from flattening it into a join). Written as `col = ANY(array)`, a batch
// of 500 keys is often planned as a scan of the whole table (or of a device's whole history)
// filtered through a hash of the keys, which costs the table's size rather than the batch's.
// Rows come out in the order of the keys.
std::string ProbeEach(absl::string_view columns, absl::string_view probe);

// The statements that write a batch. Full batches use statements prepared once per connection
// (parsing and planning a 5000-parameter INSERT costs as much as running it).
std::string SaveRecordsSql(size_t n);
std::string SaveResultsSql(size_t n);

// Statements every call runs (a push: its earlier results, its records, their save, its
// results' save; a pull: the horizon check and a page; either: the session lookup). Unprepared,
// PostgreSQL parses and plans each anew, which costs more than running it: 0.2-0.3 ms for the
// session lookup alone. A rep's page is left unprepared: its territories are an array, and a
// plan made once without them could suit one rep and not another.
inline constexpr const char* kLookUpSession = "look_up_session";
inline constexpr const char* kSerializeDevice = "serialize_device";
inline constexpr const char* kFindResults = "find_results";
inline constexpr const char* kReadRecords = "read_records";
inline constexpr const char* kLockRecords = "lock_records";
inline constexpr const char* kSaveRecordsOne = "save_records_one";
inline constexpr const char* kSaveRecordsFull = "save_records_full";
inline constexpr const char* kSaveResultsOne = "save_results_one";
inline constexpr const char* kSaveResultsFull = "save_results_full";
inline constexpr const char* kPastHorizon = "past_horizon";
inline constexpr const char* kPullAll = "pull_all";

// A pull serves only rows below the xmin of its own snapshot (see store/pg/pull.h).
inline constexpr const char* kBelowHorizon = "txid < pg_snapshot_xmin(pg_current_snapshot())";
// The head of every page's statement: the rows after the cursor ($1, $2), as they are served.
inline constexpr const char* kPageAfterCursor =
    "SELECT txid::text AS position, id, record FROM records WHERE (txid, id) > ($1::xid8, $2) AND ";

// Runs a multi-row write of `n` rows (`sql` makes its text for any n) and answers how many rows
// it wrote. The one-row form (an edit) and the full batch are prepared; other sizes are planned
// for the call.
size_t ExecRows(pqxx::transaction_base& tx, size_t n, const char* prepared_one,
                const char* prepared_full, std::string (*sql)(size_t), const BinaryParams& params);

// Prepares the statements above on a new connection.
void PrepareStatements(pqxx::connection& connection);

}  // namespace mcrm::server
