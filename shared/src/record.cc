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

namespace {

// A tag, a length prefix and the wrapping message of one value or entry: protobuf needs at most
// 1 + 5 + 1 + 5 bytes per level; 16 is generous.
constexpr int64_t kFraming = 16;

int64_t ValueSizeBound(const Value& value) {
  int64_t size = kFraming;
  if (value.is_string()) {
    size += static_cast<int64_t>(value.string_value().size());
  } else if (value.is_list()) {
    for (const Value& item : value.list_value()) size += ValueSizeBound(item);
  } else if (value.is_struct()) {
    for (const auto& [name, member] : value.struct_value()) {
      size += kFraming + static_cast<int64_t>(name.size()) + ValueSizeBound(member);
    }
  } else {
    size += 10;  // a varint or a double
  }
  return size;
}

}  // namespace

int64_t EncodedSizeBound(const Record& record) {
  const ScopeKeys& scope = record.meta.scope;
  int64_t size = 256 + static_cast<int64_t>(record.id.size() + record.meta.hlc.node.size() +
                                            scope.owner_id.size() + scope.territory_id.size() +
                                            scope.account_id.size() + scope.assignee_id.size());
  for (const auto& [number, value] : record.fields) size += kFraming + ValueSizeBound(value);
  return size;
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
