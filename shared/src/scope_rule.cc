#include "mcrm/scope_rule.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace mcrm {
namespace {

std::vector<std::string> Strings(const Value& value) {
  std::vector<std::string> out;
  if (!value.is_list()) return out;
  for (const Value& item : value.list_value()) {
    if (item.is_string()) out.push_back(item.string_value());
  }
  return out;
}

}  // namespace

bool RoleSeesEverything(const std::string& role) {
  return role == kRoleDispatcher || role == kRoleAdmin;
}

const ScopeDefinition& ScopeTermsOf(ScopeKind kind) {
  using S = ScopeTerm::Subject;
  using K = ScopeTerm::Key;
  using M = ScopeTerm::Matches;
  static const ScopeDefinition kEveryone{true, {}};
  static const ScopeDefinition kOwnerOrTerritory{
      false, {{S::kRecord, K::kOwner, M::kUserId}, {S::kRecord, K::kTerritory, M::kTerritories}}};
  static const ScopeDefinition kByAccount{
      false, {{S::kAccount, K::kOwner, M::kUserId}, {S::kAccount, K::kTerritory, M::kTerritories}}};
  static const ScopeDefinition kByAssignee{false, {{S::kRecord, K::kAssignee, M::kUserId}}};
  static const ScopeDefinition kSelf{false, {{S::kRecord, K::kId, M::kUserId}}};
  switch (kind) {
    case ScopeKind::kEveryone:
      return kEveryone;
    case ScopeKind::kOwnerOrTerritory:
      return kOwnerOrTerritory;
    case ScopeKind::kByAccount:
      return kByAccount;
    case ScopeKind::kByAssignee:
      return kByAssignee;
    case ScopeKind::kSelf:
      return kSelf;
  }
  return kSelf;
}

const std::string& ScopeKeyValue(const Record& record, ScopeTerm::Key key) {
  switch (key) {
    case ScopeTerm::Key::kId:
      return record.id;
    case ScopeTerm::Key::kOwner:
      return record.meta.scope.owner_id;
    case ScopeTerm::Key::kTerritory:
      return record.meta.scope.territory_id;
    case ScopeTerm::Key::kAssignee:
      return record.meta.scope.assignee_id;
  }
  return record.id;
}

Audience AudienceOf(const Record& record, const Record* account) {
  Audience audience;
  const ScopeDefinition& definition = ScopeTermsOf(Spec(record.entity).scope);
  audience.everyone = definition.everyone;
  for (const ScopeTerm& term : definition.terms) {
    const Record* subject = term.subject == ScopeTerm::Subject::kRecord ? &record : account;
    if (subject == nullptr || (subject != &record && subject->meta.deleted)) continue;
    const std::string& value = ScopeKeyValue(*subject, term.key);
    if (!value.empty()) audience.keys.emplace_back(term.matches, value);
  }
  return audience;
}

bool AudienceIncludes(const Caller& caller, const Audience& audience) {
  if (audience.everyone || caller.sees_everything()) return true;
  for (const auto& [matches, value] : audience.keys) {
    if (matches == ScopeTerm::Matches::kUserId
            ? value == caller.user_id
            : std::find(caller.territory_ids.begin(), caller.territory_ids.end(), value) !=
                  caller.territory_ids.end()) {
      return true;
    }
  }
  return false;
}

Caller CallerOfUser(const Record& user, std::string device_id) {
  Caller caller;
  caller.user_id = user.id;
  caller.device_id = std::move(device_id);
  caller.role = user.Get("role").is_string() ? user.Get("role").string_value() : kRoleRep;
  caller.territory_ids = Strings(user.Get("territory_ids"));
  return caller;
}

std::string AccountIdOf(const Record& record) {
  if (Spec(record.entity).scope != ScopeKind::kByAccount) return "";
  const Value& field = record.Get("account_id");
  return field.is_string() ? field.string_value() : record.meta.scope.account_id;
}

bool CallerSees(const Caller& caller, const Record& record, const Record* account) {
  return AudienceIncludes(caller, AudienceOf(record, account));
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

absl::Status CheckMayChangeRole(const Caller& caller, EntityType entity, const FieldMap& changed) {
  if (entity != EntityType::kUser || caller.is_admin()) return absl::OkStatus();
  static const uint32_t kRole = Spec(EntityType::kUser).FieldByName("role")->number;
  if (!changed.contains(kRole)) return absl::OkStatus();
  return absl::PermissionDeniedError("user.role: only admins give or change roles");
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
