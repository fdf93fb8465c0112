// Pulls from the PostgreSQL store, and counting a scope. Pull cursors are (transaction id, record
// id): every write stamps its rows with pg_current_xact_id(), and a pull serves only rows whose
// transaction id is below the xmin of its own snapshot. Every transaction below that horizon has
// committed or aborted, so no row can later appear behind the cursor: a writer that took its id
// first but commits last is still delivered. See docs/sync-protocol.md, "Never missing a change".
#pragma once

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "store/pg/connection_pool.h"
#include "store/store.h"

namespace mcrm::server {

// Store::Pull of the PostgreSQL store.
absl::StatusOr<PullPage> PullPostgres(PgRunner& runner, const ScopeFilter& scope,
                                      absl::string_view cursor, int limit);

// Store::CountScope of the PostgreSQL store.
absl::StatusOr<int64_t> CountScopePostgres(PgRunner& runner, const ScopeFilter& scope);

}  // namespace mcrm::server
