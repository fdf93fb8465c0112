#include "mcrm/record.h"

#include <cstdlib>

namespace mcrm {
namespace {

const Value& NullValue() {
  static const Value kNull;
  return kNull;
}

const FieldSpec& MustFind(EntityType entity, absl::string_view name) {
  const FieldSpec* field = Spec(entity).FieldByName(name);
  // A name typed into code that is not in the schema is a programming error, caught by tests.
  if (field == nullptr) std::abort();
  return *field;
}

}  // namespace

const Value& Record::Get(uint32_t number) const {
  const auto it = fields.find(number);
  return it == fields.end() ? NullValue() : it->second;
}

const Value& Record::Get(absl::string_view name) const {
  return Get(MustFind(entity, name).number);
}

void Record::Set(absl::string_view name, Value value) {
  fields[MustFind(entity, name).number] = std::move(value);
}

ScopeKeys ComputeScopeKeys(const Record& record) {
  ScopeKeys keys;
  const EntitySpec& spec = Spec(record.entity);
  if (spec.type == EntityType::kAccount) keys.account_id = record.id;
  for (const FieldSpec& field : spec.fields) {
    if (field.scope_role == ScopeRole::kNone) continue;
    const Value& value = record.Get(field.number);
    if (!value.is_string()) continue;
    switch (field.scope_role) {
      case ScopeRole::kOwner:
        keys.owner_id = value.string_value();
        break;
      case ScopeRole::kTerritory:
        keys.territory_id = value.string_value();
        break;
      case ScopeRole::kAccount:
        keys.account_id = value.string_value();
        break;
      case ScopeRole::kAssignee:
        keys.assignee_id = value.string_value();
        break;
      case ScopeRole::kNone:
        break;
    }
  }
  return keys;
}

}  // namespace mcrm
