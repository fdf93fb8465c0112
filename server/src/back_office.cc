#include "back_office.h"

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "auth.h"
#include "csv_import.h"
#include "mcrm/sql_view.h"
#include "mcrm/status_macros.h"
#include "mcrm/utf8.h"
#include "mcrm/version.h"
#include "store/find_query.h"
#include "wire_codec.h"

namespace mcrm::server {
namespace {

absl::Status CheckBackOffice(const Caller& caller) {
  if (caller.sees_everything()) return absl::OkStatus();
  return absl::PermissionDeniedError(
      "the back office is for dispatchers and admins; a rep works through the app");
}

absl::StatusOr<EntityType> EntityOf(absl::string_view name) {
  return wire::EntityFromName(name, "entity");
}

const char* FormatName(Format format) {
  switch (format) {
    case Format::kEmail:
      return "email";
    case Format::kPhone:
      return "phone";
    case Format::kCurrencyCode:
      return "currency_code";
    case Format::kCountryCode:
      return "country_code";
    case Format::kTag:
      return "tag";
    case Format::kNone:
      return "";
  }
  return "";
}

const char* ScopeName(ScopeKind kind) {
  switch (kind) {
    case ScopeKind::kEveryone:
      return "everyone";
    case ScopeKind::kOwnerOrTerritory:
      return "owner_or_territory";
    case ScopeKind::kByAccount:
      return "by_account";
    case ScopeKind::kByAssignee:
      return "by_assignee";
    case ScopeKind::kSelf:
      return "self";
  }
  return "";
}

void Describe(const FieldSpec& field, v1::FieldDescription* out) {
  out->set_name(field.name);
  out->set_number(field.number);
  out->set_type(std::string(FieldTypeName(field.type)));
  out->set_doc(field.doc);
  out->set_required(field.required);
  out->set_server_computed(field.server_computed);
  out->set_searchable(field.searchable);
  out->set_indexed(IsIndexed(field) && IsScalar(SqlTypeOf(field.type)));
  for (const std::string& value : field.enum_values) out->add_enum_values(value);
  out->set_format(FormatName(field.format));
  out->set_has_range(field.has_range);
  out->set_min(field.min);
  out->set_max(field.max);
  out->set_max_length(field.max_length);
  out->set_max_items(field.max_items);
  if (field.type == FieldType::kId || field.type == FieldType::kIdList) {
    out->set_ref_entity(std::string(EntityName(field.ref)));
  }
  if (field.shape != nullptr) {
    for (const FieldSpec& member : field.shape->fields) Describe(member, out->add_members());
  }
}

void ToNamed(const Record& record, v1::NamedRecord* out) {
  out->set_entity(std::string(EntityName(record.entity)));
  out->set_id(record.id);
  out->set_server_version(record.meta.server_version);
  wire::ToNamedFields(record, out->mutable_fields());
}

const char* OutcomeName(MergeResult result) {
  switch (result) {
    case MergeResult::kApplied:
      return "applied";
    case MergeResult::kMerged:
      return "merged";
    case MergeResult::kConflict:
      return "conflict";
    case MergeResult::kRejected:
      return "rejected";
  }
  return "";
}

absl::StatusOr<FieldCondition::Op> OpOf(v1::Condition::Op op, size_t i) {
  switch (op) {
    case v1::Condition::EQUALS:
      return FieldCondition::Op::kEquals;
    case v1::Condition::AT_LEAST:
      return FieldCondition::Op::kAtLeast;
    case v1::Condition::AT_MOST:
      return FieldCondition::Op::kAtMost;
    case v1::Condition::CONTAINS:
      return FieldCondition::Op::kContains;
    default:
      // A newer client's operator, which this server would otherwise take for another.
      return absl::InvalidArgumentError(absl::StrCat("where[", i, "].op: ", static_cast<int>(op),
                                                     " is not an operator this server knows"));
  }
}

// The fields of a create or update by name; a server-computed one is refused here, naming the
// request's field (the write path's own refusal speaks of a device's change).
absl::StatusOr<FieldMap> RequestFields(
    EntityType entity, const google::protobuf::Map<std::string, v1::Value>& fields) {
  ASSIGN_OR_RETURN(FieldMap changed, wire::FromNamedFields(entity, fields, "fields"));
  for (const auto& [number, value] : changed) {
    const FieldSpec* field = Spec(entity).Field(number);
    if (field != nullptr && field->server_computed) {
      return absl::InvalidArgumentError(
          absl::StrCat("fields.", field->name, ": computed by the server; nobody writes it"));
    }
  }
  return changed;
}

// A change (or delete) of the stored record `id` of `entity`, made on `base_version`.
absl::StatusOr<ChangeSet> ChangeOfStored(absl::string_view entity, const std::string& id,
                                         int64_t base_version) {
  ChangeSet change;
  ASSIGN_OR_RETURN(change.entity, EntityOf(entity));
  RETURN_IF_ERROR(CheckUuidV7(id, "id"));
  if (base_version < 1) {
    return absl::InvalidArgumentError(
        "base_version: the version the change was made on (GetRecord's server_version)");
  }
  change.record_id = id;
  change.base_version = base_version;
  return change;
}

}  // namespace

BackOffice::BackOffice(Store& store, WritePath& writes) : store_(store), writes_(writes) {}

absl::StatusOr<v1::DescribeSchemaResponse> BackOffice::DescribeSchema(const Caller& caller) const {
  RETURN_IF_ERROR(CheckBackOffice(caller));
  v1::DescribeSchemaResponse response;
  response.set_schema_version(kSchemaVersion);
  for (const EntitySpec& entity : AllEntities()) {
    v1::EntityDescription* out = response.add_entities();
    out->set_name(entity.name);
    out->set_doc(entity.doc);
    out->set_scope(ScopeName(entity.scope));
    out->set_sql_table(SqlTableName(entity.type));
    for (const FieldSpec& field : entity.fields) Describe(field, out->add_fields());
  }
  return response;
}

absl::StatusOr<v1::NamedRecord> BackOffice::GetRecord(const Caller& caller,
                                                      const v1::GetRecordRequest& request) {
  RETURN_IF_ERROR(CheckBackOffice(caller));
  ASSIGN_OR_RETURN(EntityType entity, EntityOf(request.entity()));
  std::string id = request.id();
  if (!request.key().empty()) {
    // By the key of the system the record was imported from (an ERP's customer number).
    if (!id.empty()) return absl::InvalidArgumentError("id, key: give one, not both");
    if (request.key().size() > kMaxImportKeyBytes) {
      return absl::InvalidArgumentError(
          absl::StrCat("key: longer than ", kMaxImportKeyBytes, " bytes"));
    }
    absl::flat_hash_map<std::string, std::string> ids;
    RETURN_IF_ERROR(store_.Transact([&](StoreTx& tx) -> absl::Status {
      ASSIGN_OR_RETURN(ids, tx.IdsOfKeys(entity, {request.key()}));
      return absl::OkStatus();
    }));
    if (ids.empty()) {
      return absl::NotFoundError(absl::StrCat(
          EntityName(entity), ": no record was imported with the key ", Quoted(request.key())));
    }
    id = ids.begin()->second;
  } else {
    RETURN_IF_ERROR(CheckUuidV7(id, "id"));
  }
  ASSIGN_OR_RETURN(std::vector<StoredRecord> found, store_.ReadRecords({id}));
  if (found.empty() || found[0].record.entity != entity || found[0].record.meta.deleted) {
    return absl::NotFoundError(absl::StrCat(EntityName(entity), " ", id, ": no such record"));
  }
  v1::NamedRecord out;
  ToNamed(found[0].record, &out);
  return out;
}

absl::StatusOr<v1::WriteRecordResponse> BackOffice::CreateRecord(
    const Caller& caller, const v1::CreateRecordRequest& request) {
  RETURN_IF_ERROR(CheckBackOffice(caller));
  ChangeSet change;
  ASSIGN_OR_RETURN(change.entity, EntityOf(request.entity()));
  if (request.id().empty()) {
    change.record_id = writes_.NewRecordId();
  } else {
    RETURN_IF_ERROR(CheckUuidV7(request.id(), "id"));
    change.record_id = request.id();
    ASSIGN_OR_RETURN(std::vector<StoredRecord> found, store_.ReadRecords({request.id()}));
    if (!found.empty()) {
      return absl::AlreadyExistsError(
          absl::StrCat("id: ", request.id(), " is already a ", EntityName(found[0].record.entity),
                       "; a retry of a create that went through finds it with GetRecord"));
    }
  }
  ASSIGN_OR_RETURN(change.changed, RequestFields(change.entity, request.fields()));
  return Write(caller, std::move(change));
}

absl::StatusOr<v1::WriteRecordResponse> BackOffice::UpdateRecord(
    const Caller& caller, const v1::UpdateRecordRequest& request) {
  RETURN_IF_ERROR(CheckBackOffice(caller));
  ASSIGN_OR_RETURN(ChangeSet change,
                   ChangeOfStored(request.entity(), request.id(), request.base_version()));
  ASSIGN_OR_RETURN(change.changed, RequestFields(change.entity, request.fields()));
  if (change.changed.empty()) return absl::InvalidArgumentError("fields: nothing to change");
  return Write(caller, std::move(change));
}

absl::StatusOr<v1::WriteRecordResponse> BackOffice::DeleteRecord(
    const Caller& caller, const v1::DeleteRecordRequest& request) {
  RETURN_IF_ERROR(CheckBackOffice(caller));
  ASSIGN_OR_RETURN(ChangeSet change,
                   ChangeOfStored(request.entity(), request.id(), request.base_version()));
  change.op = ChangeSet::Op::kDelete;
  return Write(caller, std::move(change));
}

absl::StatusOr<v1::WriteRecordResponse> BackOffice::Write(const Caller& caller, ChangeSet change) {
  const std::string id = change.record_id;
  const EntityType entity = change.entity;
  if (change.base_version > 0) {
    // A change or delete of a record that is not there (or no longer: a deleted one) is not a
    // create.
    ASSIGN_OR_RETURN(std::vector<StoredRecord> found, store_.ReadRecords({id}));
    if (found.empty() || found[0].record.entity != entity || found[0].record.meta.deleted) {
      return absl::NotFoundError(absl::StrCat(EntityName(entity), " ", id, ": no such record"));
    }
  }
  ASSIGN_OR_RETURN(std::vector<WriteResult> results,
                   writes_.Write(Author::BackOffice(caller), {std::move(change)}));
  const WriteResult& result = results[0];
  if (result.result == MergeResult::kRejected) return result.status;
  v1::WriteRecordResponse response;
  response.set_outcome(OutcomeName(result.result));
  for (const FieldConflict& conflict : result.conflicts) {
    wire::ToProto(conflict, response.add_conflicts());
  }
  ASSIGN_OR_RETURN(std::vector<StoredRecord> stored, store_.ReadRecords({id}));
  if (!stored.empty()) ToNamed(stored[0].record, response.mutable_record());
  return response;
}

absl::StatusOr<v1::FindRecordsResponse> BackOffice::FindRecords(
    const Caller& caller, const v1::FindRecordsRequest& request) {
  RETURN_IF_ERROR(CheckBackOffice(caller));
  FindQuery query;
  ASSIGN_OR_RETURN(query.entity, EntityOf(request.entity()));
  for (int i = 0; i < request.where_size(); ++i) {
    const v1::Condition& condition = request.where(i);
    ASSIGN_OR_RETURN(FieldCondition::Op op, OpOf(condition.op(), static_cast<size_t>(i)));
    query.where.push_back(
        FieldCondition{condition.field(), op, wire::FromProto(condition.value())});
  }
  query.search = request.search();
  query.order_by = request.order_by();
  query.descending = request.descending();
  if (request.limit() > static_cast<uint32_t>(kMaxFindLimit)) {
    return absl::InvalidArgumentError(
        absl::StrCat("limit: ", request.limit(), "; at most ", kMaxFindLimit, " a page"));
  }
  query.limit = request.limit() == 0 ? kDefaultFindLimit : static_cast<int>(request.limit());
  query.page_token = request.page_token();
  ASSIGN_OR_RETURN(FoundPage page, store_.Find(query));
  v1::FindRecordsResponse response;
  // A page stops at the bound of every answer, so that a client with gRPC's default limits
  // receives it: records can be large.
  int64_t bytes = 0;
  for (size_t i = 0; i < page.records.size(); ++i) {
    v1::NamedRecord named;
    ToNamed(page.records[i].record, &named);
    bytes += static_cast<int64_t>(named.ByteSizeLong()) + 6;
    if (response.records_size() > 0 && bytes > kMaxAnswerBytes) {
      response.set_next_page_token(EncodePageToken(query, page.records[i - 1].record));
      return response;
    }
    *response.add_records() = std::move(named);
  }
  response.set_next_page_token(page.next_page_token);
  return response;
}

absl::StatusOr<v1::ReassignAccountsResponse> BackOffice::ReassignAccounts(
    const Caller& caller, const v1::ReassignAccountsRequest& request) {
  RETURN_IF_ERROR(CheckBackOffice(caller));
  constexpr int kMaxAccounts = 1000;
  if (request.account_ids_size() == 0 || request.account_ids_size() > kMaxAccounts) {
    return absl::InvalidArgumentError(absl::StrCat("account_ids: ", request.account_ids_size(),
                                                   "; between 1 and ", kMaxAccounts));
  }
  if (request.owner_id().empty() && request.territory_id().empty()) {
    return absl::InvalidArgumentError("owner_id or territory_id: one is required");
  }
  if (!request.owner_id().empty()) RETURN_IF_ERROR(CheckUuidV7(request.owner_id(), "owner_id"));
  if (!request.territory_id().empty()) {
    RETURN_IF_ERROR(CheckUuidV7(request.territory_id(), "territory_id"));
  }
  std::vector<std::string> ids;
  for (int i = 0; i < request.account_ids_size(); ++i) {
    RETURN_IF_ERROR(CheckUuidV7(request.account_ids(i), absl::StrCat("account_ids[", i, "]")));
    ids.push_back(request.account_ids(i));
  }
  // Each change is made on the version read here; one that changed meanwhile merges like any
  // concurrent change.
  ASSIGN_OR_RETURN(std::vector<StoredRecord> found, store_.ReadRecords(ids));
  absl::flat_hash_map<std::string, int64_t> versions;
  for (const StoredRecord& r : found) {
    if (r.record.entity == EntityType::kAccount && !r.record.meta.deleted) {
      versions[r.record.id] = r.record.meta.server_version;
    }
  }
  const EntitySpec& account = Spec(EntityType::kAccount);
  std::vector<ChangeSet> changes;
  std::vector<int> change_of(ids.size(), -1);
  for (size_t i = 0; i < ids.size(); ++i) {
    const auto it = versions.find(ids[i]);
    if (it == versions.end()) continue;
    ChangeSet change;
    change.entity = EntityType::kAccount;
    change.record_id = ids[i];
    change.base_version = it->second;
    if (!request.owner_id().empty()) {
      change.changed[account.FieldByName("owner_id")->number] = Value::String(request.owner_id());
    }
    if (!request.territory_id().empty()) {
      change.changed[account.FieldByName("territory_id")->number] =
          Value::String(request.territory_id());
    }
    change_of[i] = static_cast<int>(changes.size());
    changes.push_back(std::move(change));
  }
  std::vector<WriteResult> results;
  if (!changes.empty()) {
    ASSIGN_OR_RETURN(results, writes_.Write(Author::BackOffice(caller), std::move(changes)));
  }
  v1::ReassignAccountsResponse response;
  for (size_t i = 0; i < ids.size(); ++i) {
    if (change_of[i] < 0) {
      response.add_outcomes(absl::StrCat("account ", ids[i], ": no such account"));
      continue;
    }
    const WriteResult& result = results[static_cast<size_t>(change_of[i])];
    if (result.result == MergeResult::kRejected) {
      response.add_outcomes(std::string(result.status.message()));
      continue;
    }
    response.add_outcomes(OutcomeName(result.result));
    response.set_moved(response.moved() + 1);
  }
  return response;
}

absl::StatusOr<v1::SetPasswordResponse> BackOffice::SetPassword(
    const Caller& caller, const v1::SetPasswordRequest& request) {
  if (!caller.is_admin()) return absl::PermissionDeniedError("only admins set passwords");
  RETURN_IF_ERROR(CheckUuidV7(request.user_id(), "user_id"));
  constexpr size_t kMinPassword = 8, kMaxPassword = 1024;
  if (request.password().size() < kMinPassword || request.password().size() > kMaxPassword) {
    return absl::InvalidArgumentError(
        absl::StrCat("password: between ", kMinPassword, " and ", kMaxPassword, " bytes"));
  }
  ASSIGN_OR_RETURN(std::vector<StoredRecord> found, store_.ReadRecords({request.user_id()}));
  if (found.empty() || found[0].record.entity != EntityType::kUser ||
      found[0].record.meta.deleted) {
    return absl::NotFoundError(absl::StrCat("user ", request.user_id(), ": no such user"));
  }
  const Value& login = found[0].record.Get("login");
  if (!login.is_string()) {
    return absl::FailedPreconditionError("user: has no login to sign in with");
  }
  ASSIGN_OR_RETURN(std::string hash, HashPassword(request.password()));
  RETURN_IF_ERROR(
      store_.PutCredentials(Credentials{request.user_id(), login.string_value(), hash}));
  return v1::SetPasswordResponse();
}

absl::StatusOr<v1::WriteRecordResponse> BackOffice::UndoConflict(
    const Caller& caller, const v1::UndoConflictRequest& request) {
  RETURN_IF_ERROR(CheckBackOffice(caller));
  if (request.seq() < 1) return absl::InvalidArgumentError("seq: a conflict log entry's number");
  ASSIGN_OR_RETURN(std::optional<ConflictEntry> entry, store_.ConflictBySeq(request.seq()));
  if (!entry.has_value()) {
    return absl::NotFoundError(absl::StrCat("seq: no conflict log entry ", request.seq()));
  }
  ASSIGN_OR_RETURN(std::vector<StoredRecord> found, store_.ReadRecords({entry->record_id}));
  if (found.empty() || found[0].record.meta.deleted || found[0].record.entity != entry->entity) {
    return absl::FailedPreconditionError(
        absl::StrCat(EntityName(entry->entity), " ", entry->record_id, ": deleted since"));
  }
  // The losing value comes back, as a change of its own that devices receive like any other.
  ChangeSet change;
  change.entity = entry->entity;
  change.record_id = entry->record_id;
  change.base_version = found[0].record.meta.server_version;
  change.changed[entry->conflict.field] =
      entry->conflict.incoming_won ? entry->conflict.stored : entry->conflict.incoming;
  return Write(caller, std::move(change));
}

absl::StatusOr<v1::ImportCsvResponse> BackOffice::ImportCsv(const Caller& caller,
                                                            const v1::ImportCsvRequest& request,
                                                            ImportSeen* seen) {
  RETURN_IF_ERROR(CheckBackOffice(caller));
  return server::ImportCsv(writes_, caller, request, seen);
}

absl::StatusOr<v1::ExportCsvResponse> BackOffice::ExportCsv(const Caller& caller,
                                                            const v1::ExportCsvRequest& request) {
  RETURN_IF_ERROR(CheckBackOffice(caller));
  return server::ExportCsv(store_, request);
}

absl::StatusOr<v1::ListDevicesResponse> BackOffice::ListDevices(
    const Caller& caller, const v1::ListDevicesRequest& request) {
  RETURN_IF_ERROR(CheckBackOffice(caller));
  if (!request.user_id().empty()) RETURN_IF_ERROR(CheckUuidV7(request.user_id(), "user_id"));
  constexpr int kMaxDevices = 1000;
  ASSIGN_OR_RETURN(std::vector<DeviceInfo> devices,
                   store_.ListDevices(request.user_id(), kMaxDevices));
  v1::ListDevicesResponse response;
  for (const DeviceInfo& device : devices) {
    v1::DeviceInfo* out = response.add_devices();
    out->set_device_id(device.device_id);
    out->set_user_id(device.user_id);
    out->set_last_sync_ms(device.last_sync_ms);
    out->set_unsent_changes(static_cast<uint32_t>(std::max<int64_t>(device.unsent_changes, 0)));
    out->set_revoked(device.revoked_ms.has_value());
    out->set_revoked_at_ms(device.revoked_ms.value_or(0));
  }
  return response;
}

}  // namespace mcrm::server
