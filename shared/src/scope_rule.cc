#include "mcrm/scope_rule.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace mcrm {
namespace {

bool InTerritories(const Caller& caller, const std::string& territory) {
  return !territory.empty() && std::find(caller.territory_ids.begin(), caller.territory_ids.end(),
                                         territory) != caller.territory_ids.end();
}

std::vector<std::string> Strings(const Value& value) {
  std::vector<std::string> out;
  if (!value.is_list()) return out;
  for (const Value& item : value.list_value()) {
    if (item.is_string()) out.push_back(item.string_value());
  }
  return out;
}

}  // namespace

Caller CallerOfUser(const Record& user, std::string device_id) {
  Caller caller;
  caller.user_id = user.id;
  caller.device_id = std::move(device_id);
  caller.role = user.Get("role").is_string() ? user.Get("role").string_value() : "rep";
  caller.territory_ids = Strings(user.Get("territory_ids"));
  return caller;
}

std::string AccountIdOf(const Record& record) {
  if (Spec(record.entity).scope != ScopeKind::kByAccount) return "";
  const Value& field = record.Get("account_id");
  return field.is_string() ? field.string_value() : record.meta.scope.account_id;
}

bool CallerSees(const Caller& caller, const Record& record, const Record* account) {
  if (caller.sees_everything()) return true;
  const ScopeKeys& keys = record.meta.scope;
  switch (Spec(record.entity).scope) {
    case ScopeKind::kEveryone:
      return true;
    case ScopeKind::kOwnerOrTerritory:
      return keys.owner_id == caller.user_id || InTerritories(caller, keys.territory_id);
    case ScopeKind::kByAccount:
      return account != nullptr && !account->meta.deleted && CallerSees(caller, *account, nullptr);
    case ScopeKind::kByAssignee:
      return keys.assignee_id == caller.user_id;
    case ScopeKind::kSelf:
      return record.id == caller.user_id;
  }
  return false;
}

absl::Status CheckMayChange(const Caller& caller, EntityType entity, const std::string& id,
                            const Record* before, const Record* account_before) {
  if (caller.sees_everything()) return absl::OkStatus();
  const EntitySpec& spec = Spec(entity);
  if (spec.scope == ScopeKind::kEveryone || spec.scope == ScopeKind::kSelf) {
    return absl::PermissionDeniedError(
        absl::StrCat(spec.name, ": only dispatchers and admins change these records"));
  }
  if (before != nullptr && !CallerSees(caller, *before, account_before)) {
    return absl::PermissionDeniedError(absl::StrCat(spec.name, " ", id, ": outside your scope"));
  }
  return absl::OkStatus();
}

absl::Status CheckStaysInScope(const Caller& caller, const Record& after,
                               const Record* account_after, bool created) {
  if (caller.sees_everything() || after.meta.deleted || CallerSees(caller, after, account_after)) {
    return absl::OkStatus();
  }
  return absl::PermissionDeniedError(
      absl::StrCat(EntityName(after.entity), " ", after.id,
                   created ? ": would be created outside your scope"
                           : ": the change would move it out of your scope"));
}

}  // namespace mcrm
