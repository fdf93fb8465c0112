#include "store/scope_sql.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "mcrm/schema.h"
#include "mcrm/scope_rule.h"
#include "mcrm/sql_view.h"

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

// `column` (a records column, text; or, `typed`, a column of the typed accounts table) matches
// the caller's user id or territories.
std::string Matches(ScopeTerm::Matches matches, const std::string& column, bool typed,
                    const ScopeSqlDialect& d) {
  const bool pg = d.kind == ScopeSqlDialect::Kind::kPostgres;
  if (matches == ScopeTerm::Matches::kUserId) {
    // PostgreSQL: every use of a parameter names its type, so that none is deduced from another.
    return absl::StrCat(column, " = ", d.user, pg ? (typed ? "::uuid" : "::text") : "");
  }
  if (pg) return absl::StrCat(column, " = ANY(", d.territories, typed ? "::uuid[])" : "::text[])");
  return absl::StrCat(column, " IN (SELECT value FROM json_each(", d.territories, "))");
}

}  // namespace

std::string RepScopeSql(absl::string_view p, const ScopeSqlDialect& d) {
  const bool pg = d.kind == ScopeSqlDialect::Kind::kPostgres;
  const std::string accounts = absl::StrCat(pg ? "crm." : "", SqlTableName(EntityType::kAccount));
  std::vector<std::string> kinds;
  for (ScopeKind kind : KindsInUse()) {
    const std::string entities = EntitiesWith(kind);
    const ScopeDefinition& definition = ScopeTermsOf(kind);
    const std::string head = absl::StrCat(p, "entity IN (", entities, ")");
    if (definition.everyone) {
      kinds.push_back(absl::StrCat("(", head, ")"));
      continue;
    }
    std::vector<std::string> own, through_account;
    for (const ScopeTerm& term : definition.terms) {
      if (term.subject == ScopeTerm::Subject::kRecord) {
        own.push_back(Matches(term.matches, absl::StrCat(p, ColumnOf(term.key)), false, d));
      } else {
        through_account.push_back(
            Matches(term.matches, absl::StrCat("a.", ColumnOf(term.key)), true, d));
      }
    }
    // A record that follows an account is seen through it while the account is not deleted:
    // the typed table holds live accounts only.
    if (!through_account.empty()) {
      own.push_back(absl::StrCat(p, "account_id IN (SELECT a.id", pg ? "::text" : "", " FROM ",
                                 accounts, " a WHERE ", absl::StrJoin(through_account, " OR "),
                                 ")"));
    }
    kinds.push_back(absl::StrCat("(", head, " AND (", absl::StrJoin(own, " OR "), "))"));
  }
  return absl::StrJoin(kinds, " OR ");
}

}  // namespace mcrm::server
