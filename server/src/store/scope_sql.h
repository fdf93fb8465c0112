// The scope rule as SQL: which stored rows a user may pull, rendered from the rule's one
// definition (ScopeTermsOf in mcrm/scope_rule.h). One place for both stores; each passes its own
// placeholders.
#pragma once

#include <string>

#include "absl/strings/string_view.h"

namespace mcrm::server {

// How a store's SQL names the caller and reads its typed accounts table.
struct ScopeSqlDialect {
  enum class Kind { kPostgres, kSqlite };
  Kind kind;
  std::string user;         // the placeholder of the user id
  std::string territories;  // of the user's territories: text[] (PostgreSQL), a JSON array (SQLite)
};

// A boolean SQL expression over a row of the records table, or of scope_exits (same scope
// columns), named by `prefix` ("" or "r." or "e."): true for rows a rep may see. A record that
// follows an account is seen through the live accounts of the typed accounts table (a deleted
// account has no row there), whose indexes find a rep's accounts.
std::string RepScopeSql(absl::string_view prefix, const ScopeSqlDialect& dialect);

}  // namespace mcrm::server
