#include "store/scope_sql.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "mcrm/schema.h"

namespace mcrm::server {
namespace {

std::string EntitiesWith(ScopeKind kind) {
  std::vector<int> numbers;
  for (const EntitySpec& entity : AllEntities()) {
    if (entity.scope == kind) numbers.push_back(static_cast<int>(entity.type));
  }
  if (numbers.empty()) return "(NULL)";
  return absl::StrCat("(", absl::StrJoin(numbers, ","), ")");
}

}  // namespace

std::string RepScopeSql(absl::string_view p, absl::string_view user,
                        std::string (*in_territories)(absl::string_view column)) {
  const std::string account = absl::StrCat(static_cast<int>(EntityType::kAccount));
  const std::string owns = absl::StrCat("(", p, "owner_id = ", user, " OR ",
                                        in_territories(absl::StrCat(p, "territory_id")), ")");
  const std::string owns_a =
      absl::StrCat("(a.owner_id = ", user, " OR ", in_territories("a.territory_id"), ")");
  return absl::StrCat("(", p, "entity IN ", EntitiesWith(ScopeKind::kEveryone), ")", " OR (", p,
                      "entity IN ", EntitiesWith(ScopeKind::kOwnerOrTerritory), " AND ", owns, ")",
                      " OR (", p, "entity IN ", EntitiesWith(ScopeKind::kByAccount), " AND ", p,
                      "account_id IN (SELECT a.id FROM records a WHERE a.entity = ", account,
                      " AND ", owns_a, "))", " OR (", p, "entity IN ",
                      EntitiesWith(ScopeKind::kByAssignee), " AND ", p, "assignee_id = ", user, ")",
                      " OR (", p, "entity IN ", EntitiesWith(ScopeKind::kSelf), " AND ", p,
                      "id = ", user, ")");
}

}  // namespace mcrm::server
