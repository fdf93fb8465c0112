// The scope rule on the write side: who may change which records. The server checks every push
// with it and a device checks each local write with it first, so a rep learns offline, in the
// same words, what the server would refuse. (The read side, which rows a pull returns, is the
// same rule written as SQL in server/src/store/scope_sql.cc.)
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "mcrm/record.h"

namespace mcrm {

// Who a change acts for.
struct Caller {
  std::string user_id;
  std::string device_id;
  std::string role;  // "rep", "dispatcher" or "admin"
  std::vector<std::string> territory_ids;

  bool sees_everything() const { return role == "dispatcher" || role == "admin"; }
  bool is_admin() const { return role == "admin"; }
};

// The caller a user record stands for, on `device_id`: its role (a rep when unset) and
// territories.
Caller CallerOfUser(const Record& user, std::string device_id);

// The account a record follows, for scope checks: the record's own account_id field (after a
// change), or its stored scope key; empty for records that follow no account.
std::string AccountIdOf(const Record& record);

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

}  // namespace mcrm
