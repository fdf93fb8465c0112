#include "commands.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <set>
#include <tuple>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "csv_parts.h"
#include "google/protobuf/struct.pb.h"
#include "mcrm/text_encoding.h"
#include "password_input.h"
#include "progress.h"
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
    absl::PrintF(done == "deleted"
                     ? "the record had changed since your --base-version; it is deleted with "
                       "those changes\n"
                     : "merged: the fields others changed since your --base-version were kept\n");
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

// Adds the answer to `part` (the first part when `first`) to the sums in `total`.
void AddPart(const v1::ImportCsvResponse& answer, const CsvPart& part, bool first,
             v1::ImportCsvResponse& total) {
  total.set_rows(total.rows() + answer.rows());
  total.set_created(total.created() + answer.created());
  total.set_updated(total.updated() + answer.updated());
  total.set_unchanged(total.unchanged() + answer.unchanged());
  total.set_refused(total.refused() + answer.refused());
  if (total.encoding().empty()) total.set_encoding(answer.encoding());
  for (const v1::ImportProblem& problem : answer.problems()) {
    // Every part repeats the header, and with it the header's problems (a column the server
    // computes, ...): they are reported once, with the first part, on the header's own line.
    if (!first && problem.line() < part.rows_line) continue;
    *total.add_problems() = problem;
  }
  total.set_problems_left_out(total.problems_left_out() + answer.problems_left_out());
}

std::string ImportCounts(const v1::ImportCsvResponse& total) {
  return absl::StrFormat("%d created, %d updated, %d unchanged, %d refused", total.created(),
                         total.updated(), total.unchanged(), total.refused());
}

// Where an export goes: standard output, or a file written beside its path and renamed onto it
// once complete, so that a failed export leaves no half file behind (and an earlier file as it
// was). A path that is there and not a regular file (a device, a pipe, a symbolic link) is
// written in place.
class ExportSink {
 public:
  ExportSink() = default;
  ExportSink(const ExportSink&) = delete;
  ExportSink& operator=(const ExportSink&) = delete;
  ~ExportSink() {
    if (fd_ >= 0) close(fd_);
    if (!temp_.empty()) unlink(temp_.c_str());
  }

  // `path` "" for standard output.
  absl::Status Open(const std::string& path) {
    path_ = path;
    if (path_.empty()) return absl::OkStatus();
    struct stat st = {};
    const bool in_place = lstat(path_.c_str(), &st) == 0 && !S_ISREG(st.st_mode);
    int flags = O_WRONLY | O_CREAT | O_CLOEXEC;
    if (in_place) {
      flags |= O_TRUNC;
    } else {
      temp_ = absl::StrCat(path_, ".mcrm-admin-", getpid(), ".part");
      flags |= O_EXCL;
    }
    fd_ = open(in_place ? path_.c_str() : temp_.c_str(), flags, 0644);
    if (fd_ < 0) {
      const int error = errno;
      temp_.clear();
      return absl::FailedPreconditionError(
          absl::StrCat("cannot create ", path_, ": ", std::strerror(error)));
    }
    return absl::OkStatus();
  }

  absl::Status Write(absl::string_view bytes) {
    if (path_.empty()) {
      if (std::fwrite(bytes.data(), 1, bytes.size(), stdout) != bytes.size()) {
        return absl::FailedPreconditionError(
            absl::StrCat("cannot write to standard output: ", std::strerror(errno)));
      }
      return absl::OkStatus();
    }
    while (!bytes.empty()) {
      const ssize_t n = write(fd_, bytes.data(), bytes.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        return absl::FailedPreconditionError(
            absl::StrCat("cannot write ", path_, ": ", std::strerror(errno)));
      }
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return absl::OkStatus();
  }

  // Everything is written: the file takes its place.
  absl::Status Finish() {
    if (path_.empty()) {
      if (std::fflush(stdout) != 0) {
        return absl::FailedPreconditionError(
            absl::StrCat("cannot write to standard output: ", std::strerror(errno)));
      }
      return absl::OkStatus();
    }
    const int fd = fd_;
    fd_ = -1;
    if (close(fd) != 0) {
      return absl::FailedPreconditionError(
          absl::StrCat("cannot write ", path_, ": ", std::strerror(errno)));
    }
    if (!temp_.empty()) {
      if (std::rename(temp_.c_str(), path_.c_str()) != 0) {
        return absl::FailedPreconditionError(
            absl::StrCat("cannot create ", path_, ": ", std::strerror(errno)));
      }
      temp_.clear();
    }
    return absl::OkStatus();
  }

 private:
  std::string path_;
  std::string temp_;  // the file being written, until it is renamed to path_
  int fd_ = -1;
};

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

int RunGet(const Session& session, bool json, const std::string& entity_name, const std::string& id,
           const std::string& key) {
  v1::GetRecordRequest request;
  request.set_entity(entity_name);
  request.set_id(id);
  request.set_key(key);
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
  // A login or a territory's name typed where its id belongs: say where the id is found.
  for (const auto& [option, value, entity] :
       {std::tuple<const char*, const std::string&, const char*>{"--owner", owner_id, "user"},
        {"--territory", territory_id, "territory"}}) {
    if (absl::Status id = CheckIdArgument(option, value, entity); !value.empty() && !id.ok()) {
      return Fail(id.message());
    }
  }
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

int RunDevices(const Session& session, bool json, const std::string& user_id) {
  v1::ListDevicesRequest request;
  request.set_user_id(user_id);
  v1::ListDevicesResponse response;
  if (grpc::Status status = session.Run([&](grpc::ClientContext* context) {
        return session.office().ListDevices(context, request, &response);
      });
      !status.ok()) {
    return session.Refused(status);
  }
  if (json) return Json(response);
  if (response.devices().empty()) {
    absl::PrintF("no device has signed in%s\n",
                 user_id.empty() ? "" : absl::StrCat(" as user ", user_id));
    return 0;
  }
  // Users by their logins, which people know them by (ids where the users cannot be read).
  absl::flat_hash_map<std::string, std::string> logins;
  v1::FindRecordsRequest users;
  users.set_entity("user");
  users.set_limit(1000);
  v1::FindRecordsResponse found;
  if (session
          .Run([&](grpc::ClientContext* context) {
            return session.office().FindRecords(context, users, &found);
          })
          .ok()) {
    for (const v1::NamedRecord& user : found.records()) {
      const auto login = user.fields().find("login");
      if (login != user.fields().end()) logins[user.id()] = login->second.string_value();
    }
  }
  Table table({"device", "user", "last sync", "unsent changes", "revoked"});
  for (const v1::DeviceInfo& device : response.devices()) {
    const auto login = logins.find(device.user_id());
    table.AddRow({device.device_id(), login != logins.end() ? login->second : device.user_id(),
                  device.last_sync_ms() > 0 ? FormatTimestamp(device.last_sync_ms()) : "never",
                  absl::StrCat(device.unsent_changes()),
                  device.revoked() ? FormatTimestamp(device.revoked_at_ms()) : ""});
  }
  table.Print();
  absl::FPrintF(stderr,
                "unsent changes: what the device held that the server had not accepted at its last "
                "sync. mcrm-admin revoke-device DEVICE_ID ends a lost device's sessions.\n");
  return 0;
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

int ReadImportFile(ImportArgs& args) {
  const int fd = open(args.file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return Fail(absl::StrCat("cannot open ", args.file, ": ", std::strerror(errno)));
  }
  std::string content;
  struct stat st = {};
  if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
    content.reserve(static_cast<size_t>(st.st_size));
  }
  std::vector<char> buffer(size_t{1} << 16);
  while (true) {
    const ssize_t n = read(fd, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int error = errno;
      close(fd);
      return Fail(absl::StrCat("cannot read ", args.file, ": ", std::strerror(error)));
    }
    if (n == 0) break;
    content.append(buffer.data(), static_cast<size_t>(n));
  }
  close(fd);
  args.content = std::move(content);
  return 0;
}

int RunImport(const Session& session, bool json, const ImportArgs& args) {
  auto parts = SplitCsv(args.content, kImportPartBytes);
  if (!parts.ok()) return Fail(absl::StrCat(args.file, ": ", parts.status().message()));
  v1::ImportCsvResponse total;
  total.set_dry_run(args.dry_run);
  // A file of one part is one call: nothing to show progress of.
  TerminalProgress progress(parts->size() > 1 && isatty(STDERR_FILENO) == 1, args.content.size());
  progress.Update(0, 0);
  // The parts go on one call, on which the server remembers the keys of the earlier parts: a
  // key repeated in a later part is reported as a repeat, as within one part. Each part is sent
  // once the one before it was answered, so that at most one part is held in memory on each side.
  size_t answered = 0;
  // Told once, by the whole file: every part is then read alike (a part may hold no accent).
  const std::string encoding = args.encoding.empty()
                                   ? std::string(EncodingName(GuessEncoding(args.content)))
                                   : args.encoding;
  grpc::Status status = session.RunStream(parts->size(), [&](grpc::ClientContext* context) {
    auto stream = session.office().ImportCsvParts(context);
    for (const CsvPart& part : *parts) {
      v1::ImportCsvRequest request;
      request.set_entity(args.entity);
      request.set_csv(PartBytes(args.content, part));
      request.set_dry_run(args.dry_run);
      request.set_first_line(part.first_line);
      request.set_encoding(encoding);
      v1::ImportCsvResponse answer;
      // A write or read that fails means the server ended the call: its status says why.
      if (!stream->Write(request) || !stream->Read(&answer)) break;
      AddPart(answer, part, answered == 0, total);
      ++answered;
      progress.Update(part.end, total.rows());
    }
    stream->WritesDone();
    return stream->Finish();
  });
  if (status.ok() && answered < parts->size()) {
    status = grpc::Status(grpc::StatusCode::INTERNAL, "the server ended the import early");
  }
  if (!status.ok()) {
    const size_t i = std::min(answered, parts->size() - 1);
    const CsvPart& part = (*parts)[i];
    progress.Clear();
    // The server names the lines of the part it received: made the file's.
    if (i > 0 && status.error_code() == grpc::StatusCode::INVALID_ARGUMENT) {
      status =
          grpc::Status(status.error_code(), WithFileLines(status.error_message(), part.first_line));
    }
    const int refused = session.Refused(status);
    if (i == 0) return refused;
    // The parts before this one were imported (or checked, in a dry run).
    if (args.dry_run) {
      return Fail(absl::StrCat("the dry run stopped at line ", part.rows_line, " of ", args.file,
                               "; nothing was changed"));
    }
    return Fail(absl::StrCat("the import stopped at line ", part.rows_line, " of ", args.file,
                             "; the rows before it were imported (", total.rows(),
                             " read: ", ImportCounts(total),
                             "). Importing the whole file again is safe: rows already "
                             "imported stay unchanged"));
  }
  progress.Clear();

  // In the order of the file (each part's are; the header's come first).
  std::stable_sort(
      total.mutable_problems()->begin(), total.mutable_problems()->end(),
      [](const v1::ImportProblem& a, const v1::ImportProblem& b) { return a.line() < b.line(); });
  if (json) {
    if (Json(total) != 0) return 1;
  } else {
    for (const v1::ImportProblem& problem : total.problems()) {
      if (problem.column().empty()) {
        absl::PrintF("line %d: %s\n", problem.line(), problem.reason());
      } else {
        absl::PrintF("line %d, column %s: %s\n", problem.line(), problem.column(),
                     problem.reason());
      }
    }
    if (total.problems_left_out() > 0) {
      absl::PrintF("and %d more problems\n", total.problems_left_out());
    }
    absl::PrintF("read %d %s: %s%s\n", total.rows(), total.rows() == 1 ? "row" : "rows",
                 ImportCounts(total), total.dry_run() ? " (dry run: nothing was changed)" : "");
    if (total.encoding() == "GB18030") {
      absl::PrintF(
          "the file was read as GB18030, the encoding of Chinese spreadsheet programs (if its "
          "text looks wrong, give --encoding)\n");
    } else if (total.encoding() == "Windows-1252") {
      absl::PrintF(
          "the file was read as Windows-1252, the encoding of older Western European spreadsheet "
          "programs (if its text looks wrong, give --encoding)\n");
    }
  }
  // Rows left out: a script must notice.
  if (total.refused() > 0) {
    return Fail(absl::StrCat(total.refused(), " of ", total.rows(),
                             total.rows() == 1 ? " row " : " rows ",
                             args.dry_run ? "would be" : "were",
                             " refused (see the problems listed): correct them and import the "
                             "file again; rows already imported stay unchanged"));
  }
  return 0;
}

int RunExport(const Session& session, bool json, const std::string& entity,
              const std::string& output) {
  ExportSink sink;
  if (absl::Status opened = sink.Open(output); !opened.ok()) return Fail(opened.message());
  v1::ExportCsvRequest request;
  request.set_entity(entity);
  uint64_t rows = 0;
  // Every page, each a call of its own; appended, they are one file.
  while (true) {
    v1::ExportCsvResponse page;
    if (grpc::Status status = session.Run([&](grpc::ClientContext* context) {
          return session.office().ExportCsv(context, request, &page);
        });
        !status.ok()) {
      return session.Refused(status);
    }
    if (absl::Status written = sink.Write(page.csv()); !written.ok()) {
      return Fail(written.message());
    }
    rows += page.rows();
    if (page.next_page_token().empty()) break;
    request.set_page_token(page.next_page_token());
  }
  if (absl::Status finished = sink.Finish(); !finished.ok()) return Fail(finished.message());
  // On standard output the CSV is all there is; the count goes to stderr with a file only.
  if (output.empty()) return 0;
  if (json) {
    google::protobuf::Struct summary;
    (*summary.mutable_fields())["rows"].set_number_value(static_cast<double>(rows));
    (*summary.mutable_fields())["output"].set_string_value(output);
    if (Json(summary) != 0) return 1;
  }
  absl::FPrintF(stderr, "exported %d %s to %s\n", rows, rows == 1 ? "row" : "rows", output);
  return 0;
}

}  // namespace mcrm::admin
