#include "wire_codec.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "mcrm/utf8.h"

namespace mcrm::wire {
namespace {

void FieldsToProto(const FieldMap& fields,
                   google::protobuf::RepeatedPtrField<v1::FieldValue>* out) {
  out->Reserve(static_cast<int>(fields.size()));
  for (const auto& [number, value] : fields) {
    v1::FieldValue* field = out->Add();
    field->set_number(number);
    if (!value.is_null()) ToProto(value, field->mutable_value());
  }
}

// A record lists only set fields; in a mutation an unset value means "clear the field".
absl::StatusOr<FieldMap> FieldsFromProto(
    const google::protobuf::RepeatedPtrField<v1::FieldValue>& fields, absl::string_view path,
    bool keep_nulls) {
  FieldMap out;
  std::set<uint32_t> seen;
  for (int i = 0; i < fields.size(); ++i) {
    const v1::FieldValue& field = fields[i];
    if (field.number() == 0) {
      return absl::InvalidArgumentError(absl::StrCat(path, "[", i, "].number: must not be 0"));
    }
    Value value = field.has_value() ? FromProto(field.value()) : Value();
    if (!seen.insert(field.number()).second) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, "[", i, "].number: field ", field.number(), " appears twice"));
    }
    if (value.is_null() && !keep_nulls) continue;
    out.emplace(field.number(), std::move(value));
  }
  return out;
}

}  // namespace

absl::StatusOr<EntityType> EntityFromName(absl::string_view name, absl::string_view path) {
  const EntitySpec* spec = FindEntity(name);
  if (spec == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(path, ".entity: unknown entity ", Quoted(name)));
  }
  return spec->type;
}

void ToProto(const Value& value, v1::Value* out) {
  switch (value.kind()) {
    case Value::Kind::kNull:
      out->Clear();
      break;
    case Value::Kind::kBool:
      out->set_bool_value(value.bool_value());
      break;
    case Value::Kind::kInt:
      out->set_int_value(value.int_value());
      break;
    case Value::Kind::kDouble:
      out->set_double_value(value.double_value());
      break;
    case Value::Kind::kString:
      out->set_string_value(value.string_value());
      break;
    case Value::Kind::kList: {
      auto* list = out->mutable_list_value()->mutable_values();
      list->Reserve(static_cast<int>(value.list_value().size()));
      for (const Value& item : value.list_value()) ToProto(item, list->Add());
      break;
    }
    case Value::Kind::kStruct: {
      auto* fields = out->mutable_struct_value()->mutable_fields();
      for (const auto& [name, item] : value.struct_value()) ToProto(item, &(*fields)[name]);
      break;
    }
  }
}

Value FromProto(const v1::Value& value) {
  switch (value.kind_case()) {
    case v1::Value::kBoolValue:
      return Value::Bool(value.bool_value());
    case v1::Value::kIntValue:
      return Value::Int(value.int_value());
    case v1::Value::kDoubleValue:
      return Value::Double(value.double_value());
    case v1::Value::kStringValue:
      return Value::String(value.string_value());
    case v1::Value::kListValue: {
      Value::List list;
      list.reserve(value.list_value().values_size());
      for (const auto& item : value.list_value().values()) list.push_back(FromProto(item));
      return Value::ListOf(std::move(list));
    }
    case v1::Value::kStructValue: {
      Value::Struct fields;
      for (const auto& [name, item] : value.struct_value().fields()) {
        fields.emplace(name, FromProto(item));
      }
      return Value::StructOf(std::move(fields));
    }
    case v1::Value::KIND_NOT_SET:
      break;
  }
  return Value();
}

std::string EncodeValue(const Value& value) {
  v1::Value proto;
  ToProto(value, &proto);
  return proto.SerializeAsString();
}

Value DecodeValue(absl::string_view bytes) {
  v1::Value proto;
  proto.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()));
  return FromProto(proto);
}

void ToProto(const HlcTimestamp& hlc, v1::Hlc* out) {
  out->set_wall_ms(hlc.wall_ms);
  out->set_logical(hlc.logical);
  out->set_node(hlc.node);
}

HlcTimestamp FromProto(const v1::Hlc& hlc) {
  return HlcTimestamp{hlc.wall_ms(), hlc.logical(), hlc.node()};
}

void ToProto(const Record& record, v1::Record* out) {
  out->set_entity(std::string(EntityName(record.entity)));
  out->set_id(record.id);
  v1::RecordMeta* meta = out->mutable_meta();
  meta->set_server_version(record.meta.server_version);
  ToProto(record.meta.hlc, meta->mutable_hlc());
  meta->set_deleted(record.meta.deleted);
  meta->set_out_of_scope(record.meta.out_of_scope);
  v1::ScopeKeys* scope = meta->mutable_scope();
  scope->set_owner_id(record.meta.scope.owner_id);
  scope->set_territory_id(record.meta.scope.territory_id);
  scope->set_account_id(record.meta.scope.account_id);
  scope->set_assignee_id(record.meta.scope.assignee_id);
  FieldsToProto(record.fields, out->mutable_fields());
}

absl::StatusOr<Record> FromProto(const v1::Record& record, absl::string_view path) {
  Record out;
  auto entity = EntityFromName(record.entity(), path);
  if (!entity.ok()) return entity.status();
  out.entity = *entity;
  out.id = record.id();
  out.meta.server_version = record.meta().server_version();
  out.meta.hlc = FromProto(record.meta().hlc());
  out.meta.deleted = record.meta().deleted();
  out.meta.out_of_scope = record.meta().out_of_scope();
  const v1::ScopeKeys& scope = record.meta().scope();
  out.meta.scope =
      ScopeKeys{scope.owner_id(), scope.territory_id(), scope.account_id(), scope.assignee_id()};
  auto fields = FieldsFromProto(record.fields(), absl::StrCat(path, ".fields"), false);
  if (!fields.ok()) return fields.status();
  out.fields = *std::move(fields);
  return out;
}

void ToProto(const ChangeSet& change, v1::Mutation* out) {
  out->set_mutation_id(change.mutation_id);
  out->set_entity(std::string(EntityName(change.entity)));
  out->set_record_id(change.record_id);
  out->set_base_version(change.base_version);
  ToProto(change.hlc, out->mutable_hlc());
  out->set_op(change.op == ChangeSet::Op::kDelete ? v1::Mutation::DELETE : v1::Mutation::UPSERT);
  FieldsToProto(change.changed, out->mutable_changed());
}

absl::StatusOr<ChangeSet> FromProto(const v1::Mutation& mutation, absl::string_view path) {
  ChangeSet out;
  out.mutation_id = mutation.mutation_id();
  auto entity = EntityFromName(mutation.entity(), path);
  if (!entity.ok()) return entity.status();
  out.entity = *entity;
  out.record_id = mutation.record_id();
  out.base_version = mutation.base_version();
  out.hlc = FromProto(mutation.hlc());
  switch (mutation.op()) {
    case v1::Mutation::UPSERT:
      out.op = ChangeSet::Op::kUpsert;
      break;
    case v1::Mutation::DELETE:
      out.op = ChangeSet::Op::kDelete;
      break;
    default:
      return absl::InvalidArgumentError(absl::StrCat(path, ".op: must be UPSERT or DELETE"));
  }
  auto changed = FieldsFromProto(mutation.changed(), absl::StrCat(path, ".changed"), true);
  if (!changed.ok()) return changed.status();
  out.changed = *std::move(changed);
  return out;
}

void ToProto(const FieldConflict& conflict, v1::FieldConflict* out) {
  out->set_field(conflict.field);
  if (!conflict.incoming.is_null()) ToProto(conflict.incoming, out->mutable_incoming());
  if (!conflict.stored.is_null()) ToProto(conflict.stored, out->mutable_stored());
  ToProto(conflict.incoming_hlc, out->mutable_incoming_hlc());
  ToProto(conflict.stored_hlc, out->mutable_stored_hlc());
  out->set_incoming_won(conflict.incoming_won);
}

void ToNamedFields(const Record& record, google::protobuf::Map<std::string, v1::Value>* out) {
  const EntitySpec& spec = Spec(record.entity);
  for (const auto& [number, value] : record.fields) {
    const FieldSpec* field = spec.Field(number);
    if (field == nullptr || value.is_null()) continue;  // a field this build does not know
    ToProto(value, &(*out)[field->name]);
  }
}

absl::StatusOr<FieldMap> FromNamedFields(EntityType entity,
                                         const google::protobuf::Map<std::string, v1::Value>& named,
                                         absl::string_view path) {
  const EntitySpec& spec = Spec(entity);
  FieldMap fields;
  for (const auto& [name, value] : named) {
    const FieldSpec* field = spec.FieldByName(name);
    if (field == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ".", Quoted(name), ": ", spec.name, " has no such field"));
    }
    fields[field->number] = FromProto(value);
  }
  return fields;
}

}  // namespace mcrm::wire
