#include "csv_import.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <functional>
#include <future>
#include <map>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "csv_table.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "mcrm/status_macros.h"
#include "mcrm/utf8.h"
#include "mcrm/uuid.h"
#include "mcrm/validation.h"
#include "mcrm/value_json.h"
#include "mcrm/version.h"
#include "store/find_query.h"
#include "wire_codec.h"

namespace mcrm::server {
namespace {

constexpr char kIdColumn[] = "id";
constexpr char kKeyColumn[] = "key";

std::string FormatTimestamp(int64_t ms) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::FromUnixMillis(ms), absl::UTCTimeZone());
}

absl::StatusOr<int64_t> ParseTimestamp(absl::string_view text) {
  int64_t ms = 0;
  if (absl::SimpleAtoi(text, &ms)) return ms;
  absl::Time time;
  std::string error;
  if (absl::ParseTime(absl::RFC3339_full, text, &time, &error)) return absl::ToUnixMillis(time);
  return absl::InvalidArgumentError("not a time: write 2026-11-02T09:00:00Z (UTC)");
}

// The id field "<name>_id" that a column or struct member "<name>_key" stands for, as
// `field_named` finds fields by name; nullptr when `name` has no "_key" ending or there is no such
// id field. (Whether its entity can be named by key is for the caller to say.)
template <typename FieldNamed>
const FieldSpec* IdFieldOfKeyName(absl::string_view name, FieldNamed field_named) {
  if (!absl::ConsumeSuffix(&name, "_key")) return nullptr;
  const FieldSpec* field = field_named(absl::StrCat(name, "_id"));
  return field != nullptr && field->type == FieldType::kId ? field : nullptr;
}

// A member "<name>_key" of a struct cell (an order line's product_key) naming a record by the key
// its own import gave it: the struct's item in its list (0 for a lone struct), the id member it
// gives, the member's own name, and the key. Until the key is looked up, the member holds
// kKeyPlaceholderId, so that the row's checks see a valid id.
struct MemberKeyRef {
  size_t item = 0;
  const FieldSpec* member = nullptr;
  std::string name;  // the "<name>_key" member, as the cell wrote it
  std::string key;
};
constexpr char kKeyPlaceholderId[] = "00000000-0000-7000-8000-000000000000";

absl::StatusOr<Value> FromJson(const google::protobuf::Value& json, const FieldSpec& field,
                               std::vector<MemberKeyRef>* refs = nullptr);

// A JSON value read as a scalar of `type` (a struct member's).
absl::StatusOr<Value> ScalarFromJson(const google::protobuf::Value& json, FieldType type) {
  switch (type) {
    case FieldType::kInt:
    case FieldType::kTimestamp:
      if (json.has_string_value() && type == FieldType::kTimestamp) {
        ASSIGN_OR_RETURN(int64_t ms, ParseTimestamp(json.string_value()));
        return Value::Int(ms);
      }
      if (json.has_number_value() && std::trunc(json.number_value()) == json.number_value()) {
        return Value::Int(static_cast<int64_t>(json.number_value()));
      }
      return absl::InvalidArgumentError("not a whole number");
    case FieldType::kDouble:
      if (json.has_number_value()) return Value::Double(json.number_value());
      return absl::InvalidArgumentError("not a number");
    case FieldType::kBool:
      if (json.has_bool_value()) return Value::Bool(json.bool_value());
      return absl::InvalidArgumentError("not true or false");
    default:
      if (json.has_string_value()) return Value::String(json.string_value());
      return absl::InvalidArgumentError("not text");
  }
}

absl::StatusOr<Value> StructFromJson(const google::protobuf::Value& json, const StructSpec& shape,
                                     std::vector<MemberKeyRef>* refs, size_t item) {
  if (!json.has_struct_value()) return absl::InvalidArgumentError("not a JSON object");
  Value::Struct members;
  for (const auto& [name, member_json] : json.struct_value().fields()) {
    const FieldSpec* member = shape.Field(name);
    if (member == nullptr && refs != nullptr) {
      const FieldSpec* id_member =
          IdFieldOfKeyName(name, [&](absl::string_view id_name) { return shape.Field(id_name); });
      if (id_member != nullptr && IsImportable(id_member->ref)) {
        if (!member_json.has_string_value() || member_json.string_value().empty() ||
            member_json.string_value().size() > kMaxImportKeyBytes) {
          return absl::InvalidArgumentError(
              absl::StrCat(name, ": not a key (text of 1 to ", kMaxImportKeyBytes, " bytes)"));
        }
        if (json.struct_value().fields().contains(id_member->name)) {
          return absl::InvalidArgumentError(
              absl::StrCat("both ", id_member->name, " and ", name, "; keep one"));
        }
        members.emplace(id_member->name, Value::String(kKeyPlaceholderId));
        refs->push_back({item, id_member, name, member_json.string_value()});
        continue;
      }
    }
    if (member == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(shape.name, " has no member ", Quoted(name)));
    }
    if (member_json.has_null_value()) continue;
    auto value = FromJson(member_json, *member);
    if (!value.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(name, ": ", value.status().message()));
    }
    members.emplace(name, *std::move(value));
  }
  return Value::StructOf(std::move(members));
}

absl::StatusOr<Value> FromJson(const google::protobuf::Value& json, const FieldSpec& field,
                               std::vector<MemberKeyRef>* refs) {
  switch (field.type) {
    case FieldType::kStruct:
      return StructFromJson(json, *field.shape, refs, 0);
    case FieldType::kStructList:
    case FieldType::kStringList:
    case FieldType::kIdList: {
      if (!json.has_list_value()) return absl::InvalidArgumentError("not a JSON array");
      Value::List items;
      for (const google::protobuf::Value& item : json.list_value().values()) {
        auto value = field.type == FieldType::kStructList
                         ? StructFromJson(item, *field.shape, refs, items.size())
                         : ScalarFromJson(item, FieldType::kString);
        if (!value.ok()) return value.status();
        items.push_back(*std::move(value));
      }
      return Value::ListOf(std::move(items));
    }
    default:
      return ScalarFromJson(json, field.type);
  }
}

// A cell as the value of `field` (the rules at the top of csv_import.h); null for an empty cell.
// `refs` receives the struct members that name records by key (MemberKeyRef); null when a cell
// may not hold them.
absl::StatusOr<Value> CellValue(const FieldSpec& field, const std::string& cell,
                                std::vector<MemberKeyRef>* refs = nullptr) {
  if (cell.empty()) return Value::Null();
  switch (field.type) {
    case FieldType::kInt: {
      int64_t v = 0;
      if (absl::SimpleAtoi(cell, &v)) return Value::Int(v);
      return absl::InvalidArgumentError("not a whole number");
    }
    case FieldType::kDouble: {
      double v = 0;
      if (absl::SimpleAtod(cell, &v) && std::isfinite(v)) return Value::Double(v);
      return absl::InvalidArgumentError("not a number");
    }
    case FieldType::kBool: {
      const std::string lower = absl::AsciiStrToLower(cell);
      if (lower == "true" || lower == "yes" || lower == "1") return Value::Bool(true);
      if (lower == "false" || lower == "no" || lower == "0") return Value::Bool(false);
      return absl::InvalidArgumentError("not true or false");
    }
    case FieldType::kTimestamp: {
      ASSIGN_OR_RETURN(int64_t ms, ParseTimestamp(cell));
      return Value::Int(ms);
    }
    case FieldType::kStringList:
    case FieldType::kIdList:
      if (cell.front() != '[') {
        Value::List items;
        for (absl::string_view item : absl::StrSplit(cell, ';', absl::SkipWhitespace())) {
          items.push_back(Value::String(std::string(absl::StripAsciiWhitespace(item))));
        }
        return Value::ListOf(std::move(items));
      }
      [[fallthrough]];
    case FieldType::kStruct:
    case FieldType::kStructList: {
      google::protobuf::Value json;
      if (!google::protobuf::util::JsonStringToMessage(cell, &json).ok()) {
        return absl::InvalidArgumentError("not JSON");
      }
      return FromJson(json, field, refs);
    }
    default:
      return Value::String(cell);
  }
}

// A value as its cell: the inverse of CellValue.
std::string CellText(const FieldSpec& field, const Value& value) {
  if (value.is_null()) return "";
  switch (field.type) {
    case FieldType::kTimestamp:
      return value.is_int() ? FormatTimestamp(value.int_value()) : "";
    case FieldType::kStringList:
    case FieldType::kIdList: {
      // ";"-separated unless an item holds a ";" or spaces at its ends: then JSON.
      std::vector<std::string> items;
      bool plain = value.is_list();
      if (plain) {
        for (const Value& item : value.list_value()) {
          const std::string text = item.is_string() ? item.string_value() : "";
          plain = plain && !text.empty() && text.find(';') == std::string::npos &&
                  text.front() != ' ' && text.back() != ' ' && text.front() != '[';
          items.push_back(text);
        }
      }
      return plain ? absl::StrJoin(items, ";") : JsonOf(value);
    }
    case FieldType::kStruct:
    case FieldType::kStructList:
      return JsonOf(value);
    case FieldType::kBool:
      return value.is_bool() && value.bool_value() ? "true" : "false";
    case FieldType::kInt:
      return value.is_int() ? absl::StrCat(value.int_value()) : "";
    case FieldType::kDouble:
      return value.is_double() ? absl::StrCat(value.double_value()) : "";
    default:
      return value.is_string() ? value.string_value() : "";
  }
}

// Problems an answer lists; the rest are counted.
constexpr int kMaxListedProblems = 1000;

// Keeps the `most` problems of the smallest lines, in the order of the file (those of one line in
// the order found), and counts the others as left out.
void KeepFirstProblems(v1::ImportCsvResponse& response, int most) {
  auto* problems = response.mutable_problems();
  std::stable_sort(
      problems->begin(), problems->end(),
      [](const v1::ImportProblem& a, const v1::ImportProblem& b) { return a.line() < b.line(); });
  if (problems->size() <= most) return;
  response.set_problems_left_out(response.problems_left_out() +
                                 static_cast<uint32_t>(problems->size() - most));
  problems->DeleteSubrange(most, problems->size() - most);
}

// Problems are found out of the file's order (the rows' checks run ahead of the batches being
// written), so the answer keeps the first kMaxListedProblems by line, whenever they were found:
// never more than twice that many at a time.
void AddProblem(v1::ImportCsvResponse& response, int64_t line, absl::string_view column,
                absl::string_view reason) {
  v1::ImportProblem* problem = response.add_problems();
  problem->set_line(line);
  problem->set_column(std::string(column));
  problem->set_reason(std::string(reason));
  if (response.problems_size() >= 2 * kMaxListedProblems) {
    KeepFirstProblems(response, kMaxListedProblems);
  }
}

// How the file's columns map to fields.
struct Columns {
  int key = -1;  // the id or key column
  bool by_id = false;
  std::vector<const FieldSpec*> fields;  // per column; nullptr for the key and ignored columns
  // Per column: the id field whose record a "<name>_key" column names by its import key
  // (account_key for account_id); nullptr for the others.
  std::vector<const FieldSpec*> key_refs;
};

// The id field of `entity` a column "<name>_key" names by key, or an error saying why the
// column cannot be one; nullptr when `name` is not of that form or names no id field.
absl::StatusOr<const FieldSpec*> KeyRefField(const EntitySpec& entity, absl::string_view name) {
  const FieldSpec* field = IdFieldOfKeyName(
      name, [&](absl::string_view id_name) { return entity.FieldByName(id_name); });
  if (field == nullptr || field->server_computed) return nullptr;
  if (!IsImportable(field->ref)) {
    return absl::InvalidArgumentError(absl::StrCat("header: column ", Quoted(name),
                                                   ": no import makes a ", EntityName(field->ref),
                                                   ", so no key names one; give ", field->name));
  }
  if (field->ref == entity.type) {
    // Its record may be made by a batch of the same file that is still being written.
    return absl::InvalidArgumentError(
        absl::StrCat("header: column ", Quoted(name), ": a ", entity.name,
                     " cannot name another of the same file by key; give ", field->name));
  }
  return field;
}

absl::StatusOr<Columns> MapColumns(const EntitySpec& entity, const std::vector<std::string>& header,
                                   v1::ImportCsvResponse& response, int64_t header_line) {
  Columns columns;
  columns.fields.assign(header.size(), nullptr);
  columns.key_refs.assign(header.size(), nullptr);
  absl::flat_hash_map<const FieldSpec*, std::string> named;  // field -> the column naming it
  std::vector<std::string> computed;                         // columns of server-computed fields
  const auto name_once = [&](const FieldSpec* field, const std::string& column) -> absl::Status {
    if (auto [it, fresh] = named.emplace(field, column); !fresh) {
      return absl::InvalidArgumentError(absl::StrCat("header: both ", it->second, " and ", column,
                                                     " give ", field->name, "; keep one"));
    }
    return absl::OkStatus();
  };
  for (size_t c = 0; c < header.size(); ++c) {
    const std::string& name = header[c];
    ASSIGN_OR_RETURN(const FieldSpec* key_ref, KeyRefField(entity, name));
    if (key_ref != nullptr) {
      RETURN_IF_ERROR(name_once(key_ref, name));
      columns.key_refs[c] = key_ref;
      continue;
    }
    if (name == kIdColumn || name == kKeyColumn) {
      if (columns.key >= 0) {
        return absl::InvalidArgumentError(
            absl::StrCat("header: both an id and a key column; keep one"));
      }
      columns.key = static_cast<int>(c);
      columns.by_id = name == kIdColumn;
      continue;
    }
    const FieldSpec* field = entity.FieldByName(name);
    if (field == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("header: column ", Quoted(name), ": ", entity.name, " has no such field"));
    }
    if (field->server_computed) {
      // Exported for reading; the server computes it, so an import leaves it alone.
      computed.push_back(name);
      continue;
    }
    RETURN_IF_ERROR(name_once(field, name));
    columns.fields[c] = field;
  }
  if (columns.key < 0) {
    return absl::InvalidArgumentError(
        "header: a column \"key\" (each row's stable key) or \"id\" (record ids) is required");
  }
  if (!computed.empty()) {
    // One note for them all: an exported file has several.
    if (computed.size() == 1) {
      AddProblem(response, header_line, computed[0],
                 "computed by the server: the column is ignored");
    } else {
      AddProblem(response, header_line, "",
                 absl::StrCat("computed by the server, so ignored: the columns ",
                              absl::StrJoin(computed, ", ")));
    }
  }
  return columns;
}

// One row on its way.
struct PendingRow {
  int64_t line = 0;
  // The row's stable key, in a file with a key column; its record's id is then found (or made)
  // when the row is written. Otherwise the id the row names.
  std::string key;
  std::string id;
  FieldMap fields;  // the row's values; null for empty cells
  // Id fields given by another record's import key (KeyRefField): the field, the key, and the
  // column's name. Their ids are found when the row is written.
  struct KeyRef {
    const FieldSpec* field;
    std::string key;
    std::string column;
    // A member of the field's struct (its item `item`, for a list) rather than the field: an
    // order line's product_key (MemberKeyRef), at `path` in the cell ("[0].product_key").
    const FieldSpec* member = nullptr;
    size_t item = 0;
    std::string path;

    EntityType named() const { return member != nullptr ? member->ref : field->ref; }
  };
  std::vector<KeyRef> key_refs;
};

// `value` (a struct, or a list of them) with member `name` of its struct (item `item` of the list)
// set to `member`.
Value WithMember(const Value& value, size_t item, const std::string& name, Value member) {
  if (value.is_struct()) {
    Value::Struct members = value.struct_value();
    members[name] = std::move(member);
    return Value::StructOf(std::move(members));
  }
  Value::List items = value.list_value();
  items[item] = WithMember(items[item], 0, name, std::move(member));
  return Value::ListOf(std::move(items));
}

// Finds the ids the rows' key columns name (PendingRow::key_refs), one read per entity they
// name: sets them in each such row's `resolved` fields and in the change the load reads (so that
// the account a contact names by key is loaded for its scope check). A key no import gave is
// passed to `unknown` with its row.
template <typename Unknown>
absl::Status ResolveKeyRefs(StoreTx& tx, const std::vector<PendingRow>& rows,
                            std::vector<ChangeSet>& wanted, std::vector<FieldMap>& resolved,
                            Unknown unknown) {
  absl::flat_hash_map<EntityType, std::vector<std::string>> keys;
  for (const PendingRow& row : rows) {
    for (const PendingRow::KeyRef& ref : row.key_refs) keys[ref.named()].push_back(ref.key);
  }
  absl::flat_hash_map<EntityType, absl::flat_hash_map<std::string, std::string>> ids;
  for (auto& [entity, names] : keys) {
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    ASSIGN_OR_RETURN(ids[entity], tx.IdsOfKeys(entity, names));
  }
  for (size_t i = 0; i < rows.size(); ++i) {
    if (rows[i].key_refs.empty()) continue;
    resolved[i] = rows[i].fields;
    for (const PendingRow::KeyRef& ref : rows[i].key_refs) {
      const auto& of_entity = ids[ref.named()];
      const auto it = of_entity.find(ref.key);
      if (it == of_entity.end()) {
        unknown(i, ref);
        break;
      }
      Value& value = resolved[i][ref.field->number];
      if (ref.member == nullptr) {
        value = Value::String(it->second);
      } else {
        value = WithMember(value, ref.item, ref.member->name, Value::String(it->second));
      }
      wanted[i].changed[ref.field->number] = value;
    }
  }
  return absl::OkStatus();
}

// Writes one batch in one transaction of the write path: creates for new ids, updates of the
// fields that differ for stored ones. The stored records are read (and locked) by the batch's
// own load, and each row is compared with them there: read once, and no other writer can change
// them between the comparison and the write.
absl::Status WriteBatchOfRows(WritePath& writes, const Caller& caller, EntityType entity,
                              const std::vector<PendingRow>& rows, bool dry_run,
                              v1::ImportCsvResponse& response) {
  const Author author = Author::Import(caller);
  // What the load needs: every row's id and the records its values name (its account).
  std::vector<ChangeSet> wanted(rows.size());
  std::vector<const ChangeSet*> load;
  std::vector<std::string> keys;
  for (size_t i = 0; i < rows.size(); ++i) {
    wanted[i].entity = entity;
    wanted[i].record_id = rows[i].id;
    if (!rows[i].key.empty()) keys.push_back(rows[i].key);
    for (const auto& [number, value] : rows[i].fields) {
      if (!value.is_null()) wanted[i].changed[number] = value;
    }
    load.push_back(&wanted[i]);
  }
  // What became of each row (and the column at fault, for a refusal of one); made anew each
  // time the transaction runs (it may run again).
  enum class Outcome { kCreated, kUpdated, kUnchanged, kRefused };
  struct RowOutcome {
    Outcome outcome = Outcome::kUnchanged;
    std::string column;
    std::string reason;
  };
  std::vector<RowOutcome> outcomes;
  // The write path names a field as "account.name: ..." (or "account.phones[0].number: ..."):
  // the problem then names its column, as the checks of the rows do.
  const auto refusal = [](EntityType entity, const absl::Status& status) {
    absl::string_view message = status.message();
    RowOutcome refused{Outcome::kRefused, "", std::string(message)};
    if (absl::ConsumePrefix(&message, absl::StrCat(EntityName(entity), "."))) {
      const size_t colon = message.find(": ");
      const size_t name_end = message.find_first_of(".[:");
      if (colon != absl::string_view::npos && name_end != absl::string_view::npos) {
        refused.column = std::string(message.substr(0, name_end));
        refused.reason =
            std::string(name_end == colon ? message.substr(colon + 2) : message.substr(name_end));
        if (name_end != colon) refused.reason.erase(0, refused.reason[0] == '.' ? 1 : 0);
      }
    }
    return refused;
  };
  // The rows' fields with the ids their key columns name (rows without such columns use their
  // own fields).
  std::vector<FieldMap> resolved(rows.size());
  RETURN_IF_ERROR(writes.Transact(
      author,
      [&](StoreTx& tx, WriteBatch& batch) -> absl::Status {
        outcomes.assign(rows.size(), RowOutcome{});
        RETURN_IF_ERROR(ResolveKeyRefs(tx, rows, wanted, resolved, [&](size_t i, const auto& ref) {
          outcomes[i] = {
              Outcome::kRefused, ref.column,
              absl::StrCat(ref.path, ref.path.empty() ? "" : ": ", "no ", EntityName(ref.named()),
                           " was imported with the key ", Quoted(ref.key))};
        }));
        // Keys name the records earlier imports made for them; a new key gets a new record,
        // with an id of now, and names it from this transaction's commit on.
        std::vector<bool> new_key(rows.size(), false);
        if (!keys.empty()) {
          ASSIGN_OR_RETURN(auto known, tx.IdsOfKeys(entity, keys));
          for (size_t i = 0; i < rows.size(); ++i) {
            if (rows[i].key.empty()) continue;
            const auto it = known.find(rows[i].key);
            new_key[i] = it == known.end();
            wanted[i].record_id = new_key[i] ? writes.NewRecordId() : it->second;
          }
        }
        RETURN_IF_ERROR(batch.Load(load));
        for (size_t i = 0; i < rows.size(); ++i) {
          if (outcomes[i].outcome == Outcome::kRefused) continue;
          const PendingRow& row = rows[i];
          const FieldMap& fields = row.key_refs.empty() ? row.fields : resolved[i];
          const std::string& id = wanted[i].record_id;
          const StoredRecord* current = batch.Current(id);
          ChangeSet change;
          change.entity = entity;
          change.record_id = id;
          if (current == nullptr || current->record.meta.deleted) {
            if (current != nullptr) {
              outcomes[i] = {Outcome::kRefused, "", "the record was deleted; it is not made again"};
              continue;
            }
            change.changed = wanted[i].changed;
          } else {
            const Record& record = current->record;
            if (record.entity != entity) {
              outcomes[i] = {Outcome::kRefused, "",
                             absl::StrCat("the id names a ", EntityName(record.entity))};
              continue;
            }
            change.base_version = record.meta.server_version;
            for (const auto& [number, value] : fields) {
              if (record.Get(number) != value) change.changed[number] = value;
            }
            if (change.changed.empty()) continue;  // unchanged
          }
          const bool create = current == nullptr;
          if (absl::Status prepared = writes.Prepare(author, change); !prepared.ok()) {
            outcomes[i] = refusal(entity, prepared);
            continue;
          }
          const WriteResult result = batch.Apply(change);
          if (result.result == MergeResult::kRejected) {
            outcomes[i] = refusal(entity, result.status);
          } else {
            outcomes[i] = {create ? Outcome::kCreated : Outcome::kUpdated, "", ""};
          }
        }
        // Only the keys of records made: a refused row's key names nothing yet. In the order of
        // the keys, so that two imports of the same new keys wait for each other rather than
        // deadlock: the second then runs again and finds the first one's records.
        std::vector<std::pair<std::string, std::string>> made;
        for (size_t i = 0; i < rows.size(); ++i) {
          if (new_key[i] && outcomes[i].outcome == Outcome::kCreated) {
            made.emplace_back(rows[i].key, wanted[i].record_id);
          }
        }
        std::sort(made.begin(), made.end());
        return tx.SaveKeys(entity, made);
      },
      dry_run));
  for (size_t i = 0; i < rows.size(); ++i) {
    switch (outcomes[i].outcome) {
      case Outcome::kCreated:
        response.set_created(response.created() + 1);
        break;
      case Outcome::kUpdated:
        response.set_updated(response.updated() + 1);
        break;
      case Outcome::kUnchanged:
        response.set_unchanged(response.unchanged() + 1);
        break;
      case Outcome::kRefused:
        AddProblem(response, rows[i].line, outcomes[i].column, outcomes[i].reason);
        response.set_refused(response.refused() + 1);
        break;
    }
  }
  return absl::OkStatus();
}

// Adds what one batch's writing found (its counts and problems) to the answer.
void AddBatchResult(const v1::ImportCsvResponse& batch, v1::ImportCsvResponse& response) {
  response.set_created(response.created() + batch.created());
  response.set_updated(response.updated() + batch.updated());
  response.set_unchanged(response.unchanged() + batch.unchanged());
  response.set_refused(response.refused() + batch.refused());
  response.set_problems_left_out(response.problems_left_out() + batch.problems_left_out());
  for (const v1::ImportProblem& p : batch.problems()) {
    AddProblem(response, p.line(), p.column(), p.reason());
  }
}

// Writes the batches of one import kImportWriters at a time, each in a transaction of its own,
// while the caller reads and checks the rows of the next. The database then works on as many
// batches at once as it has cores for (an import spent most of its time waiting for one
// batch's indexes to be written). A file's rows name distinct records (a repeated key is refused
// before it is written), so no order among its batches is lost. Batches whose rows name the same
// account (contacts of one customer) may wait for each other's lock on it; the write path runs
// again a transaction the database ended for a deadlock. Results are added to the answer batch
// by batch, in the order of the file.
class ImportWriters {
 public:
  using Write = std::function<absl::Status(const std::vector<PendingRow>&, v1::ImportCsvResponse&)>;
  ImportWriters(Write write, v1::ImportCsvResponse& response)
      : write_(std::move(write)), response_(response) {}
  // Waits for the ones still being written.
  ~ImportWriters() { (void)Finish(); }

  // Starts writing `rows`, once fewer than kImportWriters batches are being written. After a
  // batch failed, writes nothing more.
  void Submit(std::vector<PendingRow> rows) {
    if (static_cast<int>(running_.size()) >= kImportWriters) CollectOldest();
    if (!failed_.ok()) return;
    running_.push_back(std::async(std::launch::async, [this, rows = std::move(rows)] {
      Written out;
      try {
        out.status = write_(rows, out.response);
      } catch (const std::exception& e) {  // out of memory, say: the import fails, not the server
        out.status = absl::InternalError(absl::StrCat("import: a batch failed: ", e.what()));
      }
      return out;
    }));
  }

  // Waits for every batch; the first failure, if any.
  absl::Status Finish() {
    while (!running_.empty()) CollectOldest();
    return failed_;
  }

 private:
  struct Written {
    absl::Status status;
    v1::ImportCsvResponse response;
  };
  void CollectOldest() {
    std::future<Written> oldest = std::move(running_.front());
    running_.pop_front();
    Written written = oldest.get();
    if (!written.status.ok()) {
      if (failed_.ok()) failed_ = written.status;
      return;
    }
    AddBatchResult(written.response, response_);
  }

  Write write_;
  v1::ImportCsvResponse& response_;
  std::deque<std::future<Written>> running_;
  absl::Status failed_;
};

}  // namespace

bool IsImportable(EntityType entity) {
  return entity == EntityType::kAccount || entity == EntityType::kContact ||
         entity == EntityType::kSite || entity == EntityType::kProduct ||
         entity == EntityType::kOrder;
}

absl::StatusOr<v1::ImportCsvResponse> ImportCsv(WritePath& writes, const Caller& caller,
                                                const v1::ImportCsvRequest& request,
                                                ImportSeen* seen_before) {
  ASSIGN_OR_RETURN(EntityType entity, wire::EntityFromName(request.entity(), "entity"));
  if (!IsImportable(entity)) {
    return absl::InvalidArgumentError(
        absl::StrCat("entity: ", request.entity(),
                     " is not imported from CSV (account, contact, site, "
                     "product and order are)"));
  }
  const int64_t offset = std::max<int64_t>(request.first_line(), 1) - 1;
  v1::ImportCsvResponse response;
  response.set_dry_run(request.dry_run());
  std::vector<CsvProblem> problems;
  std::optional<TextEncoding> encoding;
  if (!request.encoding().empty()) {
    encoding = EncodingNamed(request.encoding());
    if (!encoding.has_value()) {
      return absl::InvalidArgumentError(
          absl::StrCat("encoding: ", Quoted(request.encoding()),
                       " is not one this server reads (UTF-8, GB18030 or Windows-1252)"));
    }
  }
  ASSIGN_OR_RETURN(CsvTable table, ReadCsv(request.csv(), &problems, encoding));
  response.set_encoding(table.encoding);
  // Rows the reading left out are rows of the file too: read, and refused.
  for (const CsvProblem& p : problems) {
    AddProblem(response, p.line + offset, p.column, p.reason);
    if (p.line > 1) {
      response.set_rows(response.rows() + 1);
      response.set_refused(response.refused() + 1);
    }
  }
  response.set_rows(response.rows() + static_cast<uint32_t>(table.problems_left_out));
  response.set_refused(response.refused() + static_cast<uint32_t>(table.problems_left_out));
  response.set_problems_left_out(response.problems_left_out() +
                                 static_cast<uint32_t>(table.problems_left_out));
  const EntitySpec& spec = Spec(entity);
  ASSIGN_OR_RETURN(Columns columns,
                   MapColumns(spec, table.header, response, table.header_line + offset));

  ImportSeen seen_here;
  ImportSeen& seen = seen_before != nullptr ? *seen_before : seen_here;
  ImportWriters writers(
      [&](const std::vector<PendingRow>& rows, v1::ImportCsvResponse& written) {
        return WriteBatchOfRows(writes, caller, entity, rows, request.dry_run(), written);
      },
      response);
  std::vector<PendingRow> batch;
  for (const CsvRow& row : table.rows) {
    const int64_t line = row.line + offset;
    response.set_rows(response.rows() + 1);
    const std::string& key = row.cells[static_cast<size_t>(columns.key)];
    const std::string& key_name = table.header[static_cast<size_t>(columns.key)];
    PendingRow pending;
    pending.line = line;
    if (key.empty() || key.size() > kMaxImportKeyBytes) {
      AddProblem(response, line, key_name,
                 key.empty() ? "empty: every row needs its key"
                             : absl::StrCat("longer than ", kMaxImportKeyBytes, " bytes"));
      response.set_refused(response.refused() + 1);
      continue;
    }
    if (columns.by_id) {
      if (absl::Status id = CheckUuidV7(key, kIdColumn); !id.ok()) {
        AddProblem(response, line, key_name, id.message());
        response.set_refused(response.refused() + 1);
        continue;
      }
      pending.id = key;
    } else {
      pending.key = key;
    }
    if (auto [it, fresh] = seen.emplace(key, line); !fresh) {
      AddProblem(response, line, key_name, absl::StrCat("repeats line ", it->second));
      response.set_refused(response.refused() + 1);
      continue;
    }
    bool good = true;
    for (size_t c = 0; c < row.cells.size(); ++c) {
      if (const FieldSpec* ref = columns.key_refs[c]; ref != nullptr) {
        const std::string& cell = row.cells[c];
        if (cell.empty()) {
          pending.fields[ref->number] = Value();  // unset, as an empty id cell
        } else if (cell.size() > kMaxImportKeyBytes) {
          AddProblem(response, line, table.header[c],
                     absl::StrCat("longer than ", kMaxImportKeyBytes, " bytes"));
          good = false;
        } else {
          pending.key_refs.push_back({ref, cell, table.header[c]});
        }
        continue;
      }
      const FieldSpec* field = columns.fields[c];
      if (field == nullptr) continue;
      // Every bad cell of the row is reported, not only the first: one correction, not three.
      std::vector<MemberKeyRef> member_refs;
      auto value = CellValue(*field, row.cells[c], &member_refs);
      if (!value.ok()) {
        AddProblem(response, line, field->name, value.status().message());
        good = false;
        continue;
      }
      // The field's own rules, named by its column.
      if (absl::Status valid = ValidateFieldValue(*field, *value, field->name); !valid.ok()) {
        AddProblem(response, line, field->name, valid.message());
        good = false;
        continue;
      }
      for (MemberKeyRef& ref : member_refs) {
        std::string path = absl::StrCat(
            field->type == FieldType::kStructList ? absl::StrCat("[", ref.item, "]") : "", ".",
            ref.name);
        pending.key_refs.push_back(
            {field, std::move(ref.key), field->name, ref.member, ref.item, std::move(path)});
      }
      pending.fields[field->number] = *std::move(value);
    }
    if (!good) {
      response.set_refused(response.refused() + 1);
      continue;
    }
    batch.push_back(std::move(pending));
    if (static_cast<int>(batch.size()) == kImportBatchRows) {
      writers.Submit(std::move(batch));
      batch.clear();
    }
  }
  if (!batch.empty()) writers.Submit(std::move(batch));
  RETURN_IF_ERROR(writers.Finish());
  // In the order of the file, whichever check found them.
  KeepFirstProblems(response, kMaxListedProblems);
  return response;
}

absl::StatusOr<v1::ExportCsvResponse> ExportCsv(Store& store, const v1::ExportCsvRequest& request) {
  ASSIGN_OR_RETURN(EntityType entity, wire::EntityFromName(request.entity(), "entity"));
  const EntitySpec& spec = Spec(entity);
  FindQuery query;
  query.entity = entity;
  query.limit = 200;
  query.page_token = request.page_token();
  std::vector<std::string> header = {kIdColumn};
  for (const FieldSpec& field : spec.fields) header.push_back(field.name);

  v1::ExportCsvResponse response;
  std::string csv;
  const bool first_page = request.page_token().empty();
  std::string next_token;
  bool full = false;
  while (!full) {
    ASSIGN_OR_RETURN(FoundPage page, store.Find(query));
    next_token = page.next_page_token;
    for (size_t i = 0; i < page.records.size(); ++i) {
      const Record& record = page.records[i].record;
      std::vector<std::string> cells = {record.id};
      for (const FieldSpec& field : spec.fields) {
        cells.push_back(CellText(field, record.Get(field.number)));
      }
      std::string row =
          first_page && response.rows() == 0 ? WriteCsv(header, {cells}) : WriteCsvRows({cells});
      // An answer stays well within what a default client receives; the first row always goes
      // (a record is at most 1 MiB).
      if (response.rows() > 0 && csv.size() + row.size() > kMaxAnswerBytes / 2) {
        next_token = EncodePageToken(query, page.records[i - 1].record);
        if (i == 0) next_token = query.page_token;  // resume at this page's start
        full = true;
        break;
      }
      csv += row;
      response.set_rows(response.rows() + 1);
    }
    if (!full && page.next_page_token.empty()) break;
    query.page_token = page.next_page_token;
  }
  if (first_page && response.rows() == 0) csv = WriteCsv(header, {});
  response.set_next_page_token(next_token);
  response.set_csv(std::move(csv));
  return response;
}

}  // namespace mcrm::server
