// The scope rule on the write side: who may change which records. (The read side, which rows a
// pull returns, is the same rule written as SQL in store/scope_sql.cc.)
#pragma once

#include "absl/status/status.h"
#include "auth.h"
#include "mcrm/record.h"

namespace mcrm::server {

// True when `caller` sees `record`. For records that follow an account, `account` is that
// account's current state (nullptr when it does not exist).
bool CallerSees(const Caller& caller, const Record& record, const Record* account);

// Before a change is merged: OK when `caller` may change a record of `entity` whose current
// state is `before` (nullptr for a create). Reps change only records they see, and never the
// catalogue, campaigns, territories or users. PERMISSION_DENIED names the entity and the reason.
absl::Status CheckMayChange(const Caller& caller, EntityType entity, const std::string& id,
                            const Record* before, const Record* account_before);

// After the merge: OK when the result stays in `caller`'s scope (a rep cannot create a record
// outside it, nor move one out of it).
absl::Status CheckStaysInScope(const Caller& caller, const Record& after,
                               const Record* account_after, bool created);

}  // namespace mcrm::server
