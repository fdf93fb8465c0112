// The scope rule: who sees which records, and who may change them. It is defined once, as the
// table of terms below (ScopeTermsOf); everything else follows from that table:
//   - CallerSees, the C++ check (the server's push and conflict log, a device's local write);
//   - Audience/AudienceIncludes, whom a committed change concerns (the server's pokes);
//   - the SQL filter of a pull, rendered from the same terms by server/src/store/scope_sql.cc.
// tests/store/scope_rule_property_test.cc checks on random records and users that all three agree.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "mcrm/record.h"

namespace mcrm {

// The roles of the user entity's `role` field. Reps see their scope; the back office
// (dispatchers and admins) sees everything.
inline constexpr char kRoleRep[] = "rep";
inline constexpr char kRoleDispatcher[] = "dispatcher";
inline constexpr char kRoleAdmin[] = "admin";
bool RoleSeesEverything(const std::string& role);

// Who a change acts for.
struct Caller {
  std::string user_id;
  std::string device_id;
  std::string role = kRoleRep;
  std::vector<std::string> territory_ids;

  bool sees_everything() const { return RoleSeesEverything(role); }
  bool is_admin() const { return role == kRoleAdmin; }
};

// One way a rep comes to see a record: a scope key of the record itself (or of the account it
// follows) equals the rep's user id, or is one of the rep's territories.
struct ScopeTerm {
  enum class Subject { kRecord, kAccount };               // whose keys the term reads
  enum class Key { kId, kOwner, kTerritory, kAssignee };  // which key
  enum class Matches { kUserId, kTerritories };           // what of the caller it must equal
  Subject subject;
  Key key;
  Matches matches;
};

// The rule itself. Records of an `everyone` kind are seen by all; otherwise a rep sees a record
// when one of its kind's terms holds. A record that follows an account is seen through that
// account only while the account exists and is not deleted.
struct ScopeDefinition {
  bool everyone = false;
  std::vector<ScopeTerm> terms;
};
const ScopeDefinition& ScopeTermsOf(ScopeKind kind);

// The value a term reads from a record's stored scope keys (its id for Key::kId).
const std::string& ScopeKeyValue(const Record& record, ScopeTerm::Key key);

// Whom a record concerns: the key values its terms read, resolved (through its account for
// records that follow one). Derived from ScopeTermsOf; the server pokes the streams of the
// callers it includes.
struct Audience {
  bool everyone = false;
  std::vector<std::pair<ScopeTerm::Matches, std::string>> keys;  // non-empty values only
};
// `account` is the record's account for records that follow one (nullptr when missing).
Audience AudienceOf(const Record& record, const Record* account);
bool AudienceIncludes(const Caller& caller, const Audience& audience);

// The caller a user record stands for, on `device_id`: its role (a rep when unset) and
// territories.
Caller CallerOfUser(const Record& user, std::string device_id);

// The account a record follows, for scope checks: the record's own account_id field (after a
// change), or its stored scope key; empty for records that follow no account.
std::string AccountIdOf(const Record& record);

// True when `caller` sees `record`: AudienceIncludes(caller, AudienceOf(record, account)). For
// records that follow an account, `account` is that account's current state (nullptr when it
// does not exist).
bool CallerSees(const Caller& caller, const Record& record, const Record* account);

// Before a change is merged: OK when `caller` may change a record of `entity` whose current
// state is `before` (nullptr for a create). Reps change only records they see, and never the
// catalogue, campaigns, territories or users. PERMISSION_DENIED names the entity and the reason.
absl::Status CheckMayChange(const Caller& caller, EntityType entity, const std::string& id,
                            const Record* before, const Record* account_before);

// Before a change is merged: a user's role is an admin's to give (a dispatcher who could set
// roles could make themself an admin). PERMISSION_DENIED otherwise.
absl::Status CheckMayChangeRole(const Caller& caller, EntityType entity, const FieldMap& changed);

// After the merge: OK when the result stays in `caller`'s scope (a rep cannot create a record
// outside it, nor move one out of it).
absl::Status CheckStaysInScope(const Caller& caller, const Record& after,
                               const Record* account_after, bool created);

}  // namespace mcrm
