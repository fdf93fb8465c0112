// CSV import and export of records, for the back office: columns named after the schema's
// fields, a stable key per row, every row checked and reported by line and column, the valid
// rows written in batches through the write path (as Author::Import), and export that imports
// back unchanged.
//
// Cells: text, enum values, dates (YYYY-MM-DD) and ids as they are; numbers in decimal; booleans
// true/false (also yes/no, 1/0); timestamps in ISO 8601 UTC (also ms since the Unix epoch);
// lists of strings or ids separated by ";" (or a JSON array); structs and lists of structs as
// JSON, members by name. An empty cell is an unset field.
//
// Keys: a column "id" holds record ids (canonical UUIDv7) as exported; otherwise a column "key"
// holds the row's stable key from the system the file comes from (a customer number). The first
// import of a key makes a record (with an id of that moment, as every record has) and the store
// remembers which record the key names (StoreTx::IdsOfKeys), so the same key always names the
// same record: importing a file twice creates nothing twice, and an edited file updates exactly
// the rows that changed.
#pragma once

#include <cstdint>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "mcrm/scope_rule.h"
#include "mcrm/v1/back_office.pb.h"
#include "store/store.h"
#include "write_path.h"

namespace mcrm::server {

// The longest stable key a row may have.
inline constexpr size_t kMaxImportKeyBytes = 256;
// Rows written per transaction.
inline constexpr int kImportBatchRows = 500;
// Transactions one import writes at once (each holds one of the store's connections). Three keep
// two cores busier than two: while one batch's rows are prepared here, two are in the database.
inline constexpr int kImportWriters = 3;

// The entities a CSV file may hold.
bool IsImportable(EntityType entity);

// The records an import has met so far, by the key or id its row named: the file line of that
// row. A row that names one again is refused as a repeat.
using ImportSeen = absl::flat_hash_map<std::string, int64_t>;

// Imports `request.csv` for `caller` (checked by the caller of this function). INVALID_ARGUMENT
// for a file that cannot be read as a whole (its encoding, its header, malformed quoting); row
// problems are reported in the answer and those rows left out. `seen` carries the records met
// across the parts of one file (ImportCsvParts); null for a file sent whole.
absl::StatusOr<v1::ImportCsvResponse> ImportCsv(WritePath& writes, const Caller& caller,
                                                const v1::ImportCsvRequest& request,
                                                ImportSeen* seen = nullptr);

// One page of an entity's records as CSV (the first page with the header), at most about 3 MiB.
absl::StatusOr<v1::ExportCsvResponse> ExportCsv(Store& store, const v1::ExportCsvRequest& request);

}  // namespace mcrm::server
