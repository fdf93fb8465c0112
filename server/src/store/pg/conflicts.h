// The conflict log reads of the PostgreSQL store (its writes are PgTx::AppendConflicts).
#pragma once

#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "store/pg/connection_pool.h"
#include "store/store.h"

namespace mcrm::server {

// Store::ConflictsForRecord and Store::ConflictsForUser of the PostgreSQL store: newest first.
absl::StatusOr<std::vector<ConflictEntry>> ConflictsForRecordPostgres(PgRunner& runner,
                                                                      absl::string_view record_id);
absl::StatusOr<std::vector<ConflictEntry>> ConflictsForUserPostgres(PgRunner& runner,
                                                                    absl::string_view user_id,
                                                                    int limit);

// Store::ConflictBySeq of the PostgreSQL store.
absl::StatusOr<std::optional<ConflictEntry>> ConflictBySeqPostgres(PgRunner& runner, int64_t seq);

}  // namespace mcrm::server
