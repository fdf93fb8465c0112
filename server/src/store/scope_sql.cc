#include "store/scope_sql.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "mcrm/schema.h"
#include "mcrm/scope_rule.h"

namespace mcrm::server {
namespace {

// The scope kinds the schema's entities have, in order of first use.
std::vector<ScopeKind> KindsInUse() {
  std::vector<ScopeKind> kinds;
  for (const EntitySpec& entity : AllEntities()) {
    if (std::find(kinds.begin(), kinds.end(), entity.scope) == kinds.end()) {
      kinds.push_back(entity.scope);
    }
  }
  return kinds;
}

// The entity numbers of a scope kind, as an SQL list; empty when no entity has it.
std::string EntitiesWith(ScopeKind kind) {
  std::vector<int> numbers;
  for (const EntitySpec& entity : AllEntities()) {
    if (entity.scope == kind) numbers.push_back(static_cast<int>(entity.type));
  }
  return absl::StrJoin(numbers, ",");
}

// The column of the records (and scope_exits) table that holds a scope key.
absl::string_view ColumnOf(ScopeTerm::Key key) {
  switch (key) {
    case ScopeTerm::Key::kId:
      return "id";
    case ScopeTerm::Key::kOwner:
      return "owner_id";
    case ScopeTerm::Key::kTerritory:
      return "territory_id";
    case ScopeTerm::Key::kAssignee:
      return "assignee_id";
  }
  return "id";
}

std::string TermSql(const ScopeTerm& term, absl::string_view p, absl::string_view user,
                    std::string (*in_territories)(absl::string_view column)) {
  const std::string column = absl::StrCat(p, ColumnOf(term.key));
  return term.matches == ScopeTerm::Matches::kUserId ? absl::StrCat(column, " = ", user)
                                                     : in_territories(column);
}

}  // namespace

std::string RepScopeSql(absl::string_view p, absl::string_view user,
                        std::string (*in_territories)(absl::string_view column)) {
  std::vector<std::string> kinds;
  for (ScopeKind kind : KindsInUse()) {
    const std::string entities = EntitiesWith(kind);
    if (entities.empty()) continue;
    const ScopeDefinition& definition = ScopeTermsOf(kind);
    const std::string head = absl::StrCat(p, "entity IN (", entities, ")");
    if (definition.everyone) {
      kinds.push_back(absl::StrCat("(", head, ")"));
      continue;
    }
    std::vector<std::string> own, through_account;
    for (const ScopeTerm& term : definition.terms) {
      if (term.subject == ScopeTerm::Subject::kRecord) {
        own.push_back(TermSql(term, p, user, in_territories));
      } else {
        through_account.push_back(TermSql(term, "a.", user, in_territories));
      }
    }
    // A record that follows an account is seen through it while the account is not deleted.
    if (!through_account.empty()) {
      own.push_back(absl::StrCat(p, "account_id IN (SELECT a.id FROM records a WHERE a.entity = ",
                                 static_cast<int>(EntityType::kAccount), " AND NOT a.deleted AND (",
                                 absl::StrJoin(through_account, " OR "), "))"));
    }
    kinds.push_back(absl::StrCat("(", head, " AND (", absl::StrJoin(own, " OR "), "))"));
  }
  return absl::StrJoin(kinds, " OR ");
}

}  // namespace mcrm::server
