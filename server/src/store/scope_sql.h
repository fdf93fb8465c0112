// The scope rule as SQL: which stored rows a user may pull, rendered from the rule's one
// definition (ScopeTermsOf in mcrm/scope_rule.h). One place for both stores; each passes its own
// placeholders.
#pragma once

#include <string>

#include "absl/strings/string_view.h"

namespace mcrm::server {

// A boolean SQL expression over a row of the records table, or of scope_exits (same scope
// columns), named by `prefix` ("" or "r." or "e."): true for rows a rep may see. `user` is the
// placeholder of the user id; `in_territories(column)` gives "column IN/ANY (...)" for the
// user's territories.
std::string RepScopeSql(absl::string_view prefix, absl::string_view user,
                        std::string (*in_territories)(absl::string_view column));

}  // namespace mcrm::server
