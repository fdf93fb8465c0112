#include "commands.h"

#include <algorithm>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "password_input.h"
#include "table.h"
#include "values.h"

namespace mcrm::admin {
namespace {

// Cells of a list of records are cut here, so that a long note does not push the other
// columns off the screen; `get` shows every value whole.
constexpr int kListCellWidth = 40;
// At most this many fields are chosen as columns of a list when --columns is not given.
constexpr size_t kDefaultColumns = 6;

// The schema and one entity of it. Not copied: `entity` points into `schema`.
struct EntitySchema {
  v1::DescribeSchemaResponse schema;
  const v1::EntityDescription* entity = nullptr;

  EntitySchema() = default;
  EntitySchema(const EntitySchema&) = delete;
  EntitySchema& operator=(const EntitySchema&) = delete;
};

grpc::Status LoadSchema(const Session& session, v1::DescribeSchemaResponse* schema) {
  return session.Run([&](grpc::ClientContext* context) {
    return session.office().DescribeSchema(context, v1::DescribeSchemaRequest(), schema);
  });
}

// Fills `out` with the schema and the entity named `name`; 0, or the exit status of the
// refusal (already reported).
int LoadEntity(const Session& session, const std::string& name, EntitySchema& out) {
  if (grpc::Status status = LoadSchema(session, &out.schema); !status.ok()) {
    return session.Refused(status);
  }
  auto entity = EntityNamed(out.schema, name);
  if (!entity.ok()) return Fail(entity.status().message());
  out.entity = *entity;
  return 0;
}

const v1::EntityDescription* EntityOrNull(const v1::DescribeSchemaResponse& schema,
                                          const std::string& name) {
  auto entity = EntityNamed(schema, name);
  return entity.ok() ? *entity : nullptr;
}

std::string FieldName(const v1::EntityDescription* entity, uint32_t number) {
  const v1::FieldDescription* field = entity ? FieldByNumber(*entity, number) : nullptr;
  return field ? field->name() : absl::StrCat("field #", number);
}

const v1::FieldDescription* FieldOrNull(const v1::EntityDescription* entity,
                                        const std::string& name) {
  if (entity == nullptr) return nullptr;
  auto field = FieldNamed(*entity, name);
  return field.ok() ? *field : nullptr;
}

int Json(const google::protobuf::Message& message) { return PrintJson(message) ? 0 : 1; }

// A record as "field  value" lines: id and version first, then its fields in the schema's order
// (the entity may be unknown: then by name).
void PrintRecord(const v1::EntityDescription* entity, const v1::NamedRecord& record) {
  Table table;
  table.AddRow({"id", record.id()});
  table.AddRow({"version", absl::StrCat(record.server_version())});
  std::set<std::string> shown;
  if (entity != nullptr) {
    for (const auto& field : entity->fields()) {
      const auto it = record.fields().find(field.name());
      if (it == record.fields().end()) continue;
      table.AddRow({field.name(), CellText(ValueText(&field, it->second))});
      shown.insert(field.name());
    }
  }
  std::vector<std::string> others;
  for (const auto& [name, value] : record.fields()) {
    if (!shown.contains(name)) others.push_back(name);
  }
  std::sort(others.begin(), others.end());
  for (const std::string& name : others) {
    table.AddRow({name, CellText(ValueText(nullptr, record.fields().at(name)))});
  }
  table.Print();
}

// What a write did: its outcome, each conflict in words, and the record as stored now.
int PrintWrite(bool json, const std::string& done, const v1::EntityDescription* entity,
               const v1::WriteRecordResponse& response, bool show_record) {
  if (json) return Json(response);
  const v1::NamedRecord& record = response.record();
  absl::PrintF("%s %s %s, version %d\n", done, record.entity(), record.id(),
               record.server_version());
  if (response.outcome() == "merged") {
    absl::PrintF("merged: the fields others changed since your --base-version were kept\n");
  }
  for (const v1::FieldConflict& conflict : response.conflicts()) {
    const std::string name = FieldName(entity, conflict.field());
    const v1::FieldDescription* field = FieldOrNull(entity, name);
    const std::string yours = ValueText(field, conflict.incoming());
    const std::string stored = ValueText(field, conflict.stored());
    if (conflict.incoming_won()) {
      absl::PrintF(
          "conflict on %s: someone else also changed it since your --base-version; yours (%s) "
          "is newer and won over %s, which is in the conflict log\n",
          name, CellText(yours), CellText(stored));
    } else {
      absl::PrintF(
          "conflict on %s: someone else changed it later (%s), which stayed; yours (%s) is in the "
          "conflict log: mcrm-admin conflicts --record %s, then mcrm-admin undo SEQ brings it "
          "back\n",
          name, CellText(stored), CellText(yours), record.id());
    }
  }
  if (show_record) PrintRecord(entity, record);
  return 0;
}

// What the values column of `schema ENTITY` says a field takes.
std::string TakesText(const v1::FieldDescription& field) {
  const std::string type = TypeOf(field);
  std::string text;
  if (!field.enum_values().empty()) {
    text = absl::StrJoin(field.enum_values(), ", ");
  } else if (type == "id") {
    text = absl::StrCat("id of a ", field.ref_entity());
  } else if (type == "id_list") {
    text = absl::StrCat("ids of ", field.ref_entity(), ", comma-separated");
  } else if (type == "string_list") {
    text = "comma-separated, or a JSON array";
  } else if (type == "struct") {
    std::vector<std::string> members;
    for (const auto& member : field.members()) members.push_back(member.name());
    text = absl::StrCat("JSON object: ", absl::StrJoin(members, ", "));
  } else if (type == "struct_list") {
    text = "JSON array of objects";
  } else if (type == "timestamp") {
    text = "ISO 8601 with zone, or ms";
  } else if (type == "date") {
    text = "YYYY-MM-DD";
  } else if (type == "bool") {
    text = "true, false";
  }
  if (field.has_range()) {
    absl::StrAppend(&text, text.empty() ? "" : "; ", field.min(), " to ", field.max());
  }
  if (field.max_length() > 0) {
    absl::StrAppend(&text, text.empty() ? "" : "; ", "at most ", field.max_length(), " bytes");
  }
  if (field.max_items() > 0) {
    absl::StrAppend(&text, text.empty() ? "" : "; ", "at most ", field.max_items(), " items");
  }
  return text;
}

std::string AboutText(const v1::FieldDescription& field) {
  std::string text = field.doc();
  if (!field.format().empty()) absl::StrAppend(&text, " Format: ", field.format(), ".");
  if (field.server_computed()) absl::StrAppend(&text, " Set by the server; cannot be written.");
  return text;
}

void AddFieldRows(Table& table, const v1::FieldDescription& field, const std::string& name) {
  table.AddRow({name, field.type(), field.required() ? "yes" : "", field.indexed() ? "yes" : "",
                CellText(TakesText(field)), CellText(AboutText(field))});
  // Struct members under their field, named as they are written in JSON.
  const std::string prefix = TypeOf(field) == "struct_list" ? name + "[]." : name + ".";
  for (const auto& member : field.members()) AddFieldRows(table, member, prefix + member.name());
}

// The columns of a list of records: those asked for, else the id, the fields that name a record
// (required or searched, short and single), those it is ordered and filtered by, and the version.
absl::StatusOr<std::vector<std::string>> ListColumns(const v1::EntityDescription& entity,
                                                     const FindArgs& args) {
  if (!args.columns.empty()) {
    for (const std::string& column : args.columns) {
      if (column == "id" || column == "version") continue;
      auto field = FieldNamed(entity, column);
      if (!field.ok()) return field.status();
    }
    return args.columns;
  }
  const auto single = [](const v1::FieldDescription& field) {
    const std::string type = TypeOf(field);
    return !IsListType(type) && type != "struct" && type != "text";
  };
  std::vector<std::string> fields;
  const auto add = [&](const std::string& name) {
    if (fields.size() >= kDefaultColumns) return;
    if (std::find(fields.begin(), fields.end(), name) != fields.end()) return;
    auto field = FieldNamed(entity, name);
    if (field.ok() && single(**field)) fields.push_back(name);
  };
  for (const auto& field : entity.fields()) {
    if ((field.required() || field.searchable()) && !field.server_computed()) add(field.name());
  }
  if (!args.order_by.empty()) add(args.order_by);
  for (const auto* conditions : {&args.where, &args.at_least, &args.at_most}) {
    for (const std::string& condition : *conditions) add(SplitAssignment(condition).field);
  }
  std::vector<std::string> columns = {"id"};
  columns.insert(columns.end(), fields.begin(), fields.end());
  columns.push_back("version");
  return columns;
}

absl::Status AddConditions(const v1::EntityDescription& entity,
                           const std::vector<std::string>& args, v1::Condition::Op op,
                           v1::FindRecordsRequest& request) {
  for (const std::string& arg : args) {
    const Assignment assignment = SplitAssignment(arg);
    auto field = FieldNamed(entity, assignment.field);
    if (!field.ok()) return field.status();
    auto value = ParseConditionValue(**field, op == v1::Condition::CONTAINS, assignment.value);
    if (!value.ok()) return value.status();
    v1::Condition* condition = request.add_where();
    condition->set_field(assignment.field);
    condition->set_op(op);
    *condition->mutable_value() = *std::move(value);
  }
  return absl::OkStatus();
}

}  // namespace

int RunSchema(const Session& session, bool json, const std::string& entity_name) {
  v1::DescribeSchemaResponse schema;
  if (grpc::Status status = LoadSchema(session, &schema); !status.ok()) {
    return session.Refused(status);
  }
  if (entity_name.empty()) {
    if (json) return Json(schema);
    Table table({"entity", "fields", "who sees it", "sql table", "about"});
    for (const auto& entity : schema.entities()) {
      table.AddRow({entity.name(), absl::StrCat(entity.fields_size()), entity.scope(),
                    entity.sql_table(), CellText(entity.doc())});
    }
    table.Print();
    absl::PrintF("\nschema version %d; the fields of one entity: mcrm-admin schema ENTITY\n",
                 schema.schema_version());
    return 0;
  }
  auto entity = EntityNamed(schema, entity_name);
  if (!entity.ok()) return Fail(entity.status().message());
  if (json) return Json(**entity);
  absl::PrintF("%s: %s\nwho sees it: %s; SQL table: %s\n\n", (*entity)->name(), (*entity)->doc(),
               (*entity)->scope(), (*entity)->sql_table());
  Table table({"field", "type", "required", "indexed", "values", "about"});
  for (const auto& field : (*entity)->fields()) AddFieldRows(table, field, field.name());
  table.Print();
  absl::PrintF(
      "\nrequired: a new record needs it; indexed: find can order by it (--order-by).\n"
      "Give values as FIELD=VALUE; FIELD= with nothing clears a field.\n");
  return 0;
}

int RunGet(const Session& session, bool json, const std::string& entity_name,
           const std::string& id) {
  v1::GetRecordRequest request;
  request.set_entity(entity_name);
  request.set_id(id);
  v1::NamedRecord record;
  if (grpc::Status status = session.Run([&](grpc::ClientContext* context) {
        return session.office().GetRecord(context, request, &record);
      });
      !status.ok()) {
    return session.Refused(status);
  }
  if (json) return Json(record);
  // The schema only types the values for reading (timestamps as dates and times).
  v1::DescribeSchemaResponse schema;
  const grpc::Status described = LoadSchema(session, &schema);
  PrintRecord(described.ok() ? EntityOrNull(schema, entity_name) : nullptr, record);
  return 0;
}

int RunCreate(const Session& session, bool json, const std::string& entity_name,
              const std::vector<std::string>& fields) {
  EntitySchema loaded;
  if (int refused = LoadEntity(session, entity_name, loaded); refused != 0) return refused;
  v1::CreateRecordRequest request;
  request.set_entity(entity_name);
  if (absl::Status parsed = ParseAssignments(*loaded.entity, fields, request.mutable_fields());
      !parsed.ok()) {
    return Fail(parsed.message());
  }
  v1::WriteRecordResponse response;
  if (grpc::Status status = session.Run([&](grpc::ClientContext* context) {
        return session.office().CreateRecord(context, request, &response);
      });
      !status.ok()) {
    return session.Refused(status);
  }
  return PrintWrite(json, "created", loaded.entity, response, /*show_record=*/true);
}

int RunUpdate(const Session& session, bool json, const std::string& entity_name,
              const std::string& id, int64_t base_version, const std::vector<std::string>& fields) {
  EntitySchema loaded;
  if (int refused = LoadEntity(session, entity_name, loaded); refused != 0) return refused;
  v1::UpdateRecordRequest request;
  request.set_entity(entity_name);
  request.set_id(id);
  request.set_base_version(base_version);
  if (absl::Status parsed = ParseAssignments(*loaded.entity, fields, request.mutable_fields());
      !parsed.ok()) {
    return Fail(parsed.message());
  }
  v1::WriteRecordResponse response;
  if (grpc::Status status = session.Run([&](grpc::ClientContext* context) {
        return session.office().UpdateRecord(context, request, &response);
      });
      !status.ok()) {
    return session.Refused(status);
  }
  return PrintWrite(json, "updated", loaded.entity, response, /*show_record=*/true);
}

int RunDelete(const Session& session, bool json, const std::string& entity_name,
              const std::string& id, int64_t base_version) {
  v1::DeleteRecordRequest request;
  request.set_entity(entity_name);
  request.set_id(id);
  request.set_base_version(base_version);
  v1::WriteRecordResponse response;
  if (grpc::Status status = session.Run([&](grpc::ClientContext* context) {
        return session.office().DeleteRecord(context, request, &response);
      });
      !status.ok()) {
    return session.Refused(status);
  }
  return PrintWrite(json, "deleted", nullptr, response, /*show_record=*/false);
}

int RunFind(const Session& session, bool json, const FindArgs& args) {
  EntitySchema loaded;
  if (int refused = LoadEntity(session, args.entity, loaded); refused != 0) return refused;
  const v1::EntityDescription& entity = *loaded.entity;
  v1::FindRecordsRequest request;
  request.set_entity(args.entity);
  request.set_search(args.search);
  request.set_order_by(args.order_by);
  request.set_descending(args.descending);
  request.set_limit(args.limit);
  request.set_page_token(args.page_token);
  for (const auto& [conditions, op] : {std::pair{&args.where, v1::Condition::EQUALS},
                                       std::pair{&args.at_least, v1::Condition::AT_LEAST},
                                       std::pair{&args.at_most, v1::Condition::AT_MOST},
                                       std::pair{&args.contains, v1::Condition::CONTAINS}}) {
    if (absl::Status added = AddConditions(entity, *conditions, op, request); !added.ok()) {
      return Fail(added.message());
    }
  }
  if (!args.order_by.empty()) {
    if (auto field = FieldNamed(entity, args.order_by); !field.ok()) {
      return Fail(absl::StrCat("--order-by: ", field.status().message()));
    }
  }
  auto columns = ListColumns(entity, args);
  if (!columns.ok()) return Fail(absl::StrCat("--columns: ", columns.status().message()));

  // Every page, when --all: each is a call of its own, with its own deadline.
  v1::FindRecordsResponse found;
  while (true) {
    v1::FindRecordsResponse page;
    if (grpc::Status status = session.Run([&](grpc::ClientContext* context) {
          return session.office().FindRecords(context, request, &page);
        });
        !status.ok()) {
      return session.Refused(status);
    }
    for (auto& record : *page.mutable_records()) *found.add_records() = std::move(record);
    found.set_next_page_token(page.next_page_token());
    if (!args.all || page.next_page_token().empty()) break;
    request.set_page_token(page.next_page_token());
  }
  if (json) return Json(found);

  Table table(*columns);
  for (const v1::NamedRecord& record : found.records()) {
    std::vector<std::string> cells;
    for (const std::string& column : *columns) {
      if (column == "id") {
        cells.push_back(record.id());
      } else if (column == "version") {
        cells.push_back(absl::StrCat(record.server_version()));
      } else {
        const auto it = record.fields().find(column);
        cells.push_back(
            it == record.fields().end()
                ? ""
                : CellText(ValueText(FieldOrNull(&entity, column), it->second), kListCellWidth));
      }
    }
    table.AddRow(std::move(cells));
  }
  if (!table.empty()) table.Print();
  // Counts and hints go to stderr, so that the table alone can be piped on.
  absl::FPrintF(stderr, "%d %s\n", found.records_size(),
                found.records_size() == 1 ? "record" : "records");
  if (!found.next_page_token().empty()) {
    absl::FPrintF(stderr, "more follow: repeat with --all, or with --page-token %s\n",
                  found.next_page_token());
  }
  return 0;
}

int RunReassign(const Session& session, bool json, const std::string& owner_id,
                const std::string& territory_id, const std::vector<std::string>& account_ids) {
  v1::ReassignAccountsRequest request;
  for (const std::string& id : account_ids) request.add_account_ids(id);
  request.set_owner_id(owner_id);
  request.set_territory_id(territory_id);
  v1::ReassignAccountsResponse response;
  if (grpc::Status status = session.Run([&](grpc::ClientContext* context) {
        return session.office().ReassignAccounts(context, request, &response);
      });
      !status.ok()) {
    return session.Refused(status);
  }
  const int asked = request.account_ids_size();
  const int unmoved = asked - static_cast<int>(response.moved());
  if (json) {
    if (Json(response) != 0) return 1;
  } else {
    Table table({"account", "outcome"});
    for (int i = 0; i < asked; ++i) {
      table.AddRow({request.account_ids(i),
                    i < response.outcomes_size() ? CellText(response.outcomes(i)) : ""});
    }
    table.Print();
    absl::PrintF("moved %d of %d accounts; the devices concerned follow at their next sync\n",
                 response.moved(), asked);
  }
  // Some accounts stayed where they were: a script must notice.
  if (unmoved > 0) {
    return Fail(absl::StrCat(unmoved, " of ", asked, " accounts did not move (see their outcome)"));
  }
  return 0;
}

int RunSetPassword(const Session& session, bool json, const std::string& user_id) {
  auto password = ReadNewPassword(absl::StrCat("user ", user_id));
  if (!password.ok()) return Fail(password.status().message());
  v1::SetPasswordRequest request;
  request.set_user_id(user_id);
  request.set_password(*password);
  v1::SetPasswordResponse response;
  if (grpc::Status status = session.Run([&](grpc::ClientContext* context) {
        return session.office().SetPassword(context, request, &response);
      });
      !status.ok()) {
    return session.Refused(status);
  }
  if (json) return Json(response);
  absl::PrintF(
      "password set for user %s: they sign in with the login of their user record and this "
      "password\n",
      user_id);
  return 0;
}

int RunConflicts(const Session& session, bool json, const std::string& record_id,
                 const std::string& user_id, uint32_t limit) {
  v1::ListConflictsRequest request;
  if (!record_id.empty()) {
    request.set_record_id(record_id);
  } else {
    request.set_user_id(user_id);
  }
  request.set_limit(limit);
  v1::ListConflictsResponse response;
  if (grpc::Status status = session.Run([&](grpc::ClientContext* context) {
        return session.sync().ListConflicts(context, request, &response);
      });
      !status.ok()) {
    return session.Refused(status);
  }
  if (json) return Json(response);
  if (response.entries().empty()) {
    absl::PrintF("no conflicts logged for %s %s\n", record_id.empty() ? "user" : "record",
                 record_id.empty() ? user_id : record_id);
    return 0;
  }
  // Field numbers become names, and values text, by the schema.
  v1::DescribeSchemaResponse schema;
  const bool described = LoadSchema(session, &schema).ok();
  Table table(
      {"seq", "at", "entity", "record", "field", "incoming", "stored", "winner", "via", "device"});
  for (const v1::ConflictLogEntry& entry : response.entries()) {
    const v1::EntityDescription* entity =
        described ? EntityOrNull(schema, entry.entity()) : nullptr;
    const v1::FieldConflict& conflict = entry.conflict();
    const std::string name = FieldName(entity, conflict.field());
    const v1::FieldDescription* field = FieldOrNull(entity, name);
    table.AddRow({absl::StrCat(entry.seq()), FormatTimestamp(entry.at_ms()), entry.entity(),
                  entry.record_id(), name,
                  CellText(ValueText(field, conflict.incoming()), kListCellWidth),
                  CellText(ValueText(field, conflict.stored()), kListCellWidth),
                  conflict.incoming_won() ? "incoming" : "stored", entry.via(), entry.device_id()});
  }
  table.Print();
  absl::FPrintF(stderr,
                "incoming: the change that met the conflict; stored: the value it met. "
                "mcrm-admin undo SEQ writes the value that lost again.\n");
  if (response.truncated()) {
    absl::FPrintF(stderr,
                  "older entries were left out to keep the answer small; ask for fewer "
                  "with --limit\n");
  }
  return 0;
}

int RunUndo(const Session& session, bool json, int64_t seq) {
  v1::UndoConflictRequest request;
  request.set_seq(seq);
  v1::WriteRecordResponse response;
  if (grpc::Status status = session.Run([&](grpc::ClientContext* context) {
        return session.office().UndoConflict(context, request, &response);
      });
      !status.ok()) {
    return session.Refused(status);
  }
  if (json) return Json(response);
  v1::DescribeSchemaResponse schema;
  const bool described = LoadSchema(session, &schema).ok();
  return PrintWrite(false,
                    absl::StrCat("conflict ", seq, " undone: the value that lost is back in"),
                    described ? EntityOrNull(schema, response.record().entity()) : nullptr,
                    response, /*show_record=*/true);
}

int RunRevokeDevice(const Session& session, bool json, const std::string& device_id) {
  v1::RevokeDeviceRequest request;
  request.set_device_id(device_id);
  v1::RevokeDeviceResponse response;
  if (grpc::Status status = session.Run([&](grpc::ClientContext* context) {
        return session.auth().RevokeDevice(context, request, &response);
      });
      !status.ok()) {
    return session.Refused(status);
  }
  if (json) return Json(response);
  absl::PrintF(
      "device %s revoked: its sessions have ended, and it wipes its local data at its next call\n",
      device_id);
  return 0;
}

}  // namespace mcrm::admin
