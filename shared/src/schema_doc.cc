#include "mcrm/schema_doc.h"

#include <optional>
#include <set>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "mcrm/schema.h"
#include "mcrm/sql_view.h"

namespace mcrm {
namespace {

std::string TypeText(const FieldSpec& field) {
  switch (field.type) {
    case FieldType::kId:
    case FieldType::kIdList:
      return absl::StrCat(FieldTypeName(field.type), " → ", EntityName(field.ref));
    case FieldType::kStruct:
      return absl::StrCat(field.shape->name);
    case FieldType::kStructList:
      return absl::StrCat("list of ", field.shape->name);
    default:
      return std::string(FieldTypeName(field.type));
  }
}

std::string RulesText(const FieldSpec& field) {
  std::vector<std::string> rules;
  if (field.required) rules.push_back("required");
  if (field.server_computed) rules.push_back("server-computed, read-only on devices");
  if (field.searchable) rules.push_back("searchable");
  if (IsIndexed(field)) rules.push_back("indexed");
  switch (field.format) {
    case Format::kEmail:
      rules.push_back("email");
      break;
    case Format::kPhone:
      rules.push_back("phone");
      break;
    case Format::kCurrencyCode:
      rules.push_back("ISO 4217");
      break;
    case Format::kCountryCode:
      rules.push_back("ISO 3166-1 alpha-2");
      break;
    case Format::kTag:
      rules.push_back("tags");
      break;
    case Format::kNone:
      break;
  }
  if (field.has_range) rules.push_back(absl::StrCat(field.min, "..", field.max));
  if (field.max_length > 0) rules.push_back(absl::StrCat("≤ ", field.max_length, " bytes"));
  if (field.max_items > 0) rules.push_back(absl::StrCat("≤ ", field.max_items, " items"));
  if (!field.enum_values.empty()) {
    rules.push_back(absl::StrCat("one of `", absl::StrJoin(field.enum_values, "`, `"), "`"));
  }
  switch (field.scope_role) {
    case ScopeRole::kOwner:
      rules.push_back("scope: owner");
      break;
    case ScopeRole::kTerritory:
      rules.push_back("scope: territory");
      break;
    case ScopeRole::kAccount:
      rules.push_back("scope: account");
      break;
    case ScopeRole::kAssignee:
      rules.push_back("scope: assignee");
      break;
    case ScopeRole::kNone:
      break;
  }
  return absl::StrJoin(rules, "; ");
}

absl::string_view ScopeText(ScopeKind kind) {
  switch (kind) {
    case ScopeKind::kEveryone:
      return "every user";
    case ScopeKind::kOwnerOrTerritory:
      return "its owner and the users of its territory";
    case ScopeKind::kByAccount:
      return "whoever sees its account";
    case ScopeKind::kByAssignee:
      return "its assignee";
    case ScopeKind::kSelf:
      return "the user themself";
  }
  return "?";
}

void AppendFieldTable(std::string& out, const std::vector<FieldSpec>& fields) {
  out += "| # | field | type | rules | meaning |\n|---|---|---|---|---|\n";
  for (const FieldSpec& field : fields) {
    absl::StrAppend(&out, "| ", field.number, " | `", field.name, "` | ", TypeText(field), " | ",
                    RulesText(field), " | ", field.doc, " |\n");
  }
}

}  // namespace

std::string SchemaMarkdown() {
  std::string out = absl::StrCat("Schema version ", kSchemaVersion,
                                 ". Dispatchers and admins see every record.\n");
  std::vector<const StructSpec*> shapes;
  std::set<std::string> seen;
  for (const EntitySpec& entity : AllEntities()) {
    absl::StrAppend(&out, "\n### ", entity.name, "\n\n", entity.doc, " Seen by ",
                    ScopeText(entity.scope), ".\n\n");
    AppendFieldTable(out, entity.fields);
    if (!entity.reserved.empty()) {
      absl::StrAppend(&out, "\nReserved (removed) numbers: ", absl::StrJoin(entity.reserved, ", "),
                      ".\n");
    }
    for (const FieldSpec& field : entity.fields) {
      if (field.shape != nullptr && seen.insert(field.shape->name).second) {
        shapes.push_back(field.shape);
      }
    }
  }
  absl::StrAppend(&out, "\n### Struct shapes\n\nSub-fields are keyed by name.\n");
  for (const StructSpec* shape : shapes) {
    absl::StrAppend(&out, "\n#### ", shape->name, "\n\n", shape->doc, "\n\n");
    AppendFieldTable(out, shape->fields);
  }
  return out;
}

namespace {

// `document` with the text between `begin` and `end` replaced by `content`; nullopt when the
// markers are missing.
std::optional<std::string> ReplaceBetween(absl::string_view document, absl::string_view begin,
                                          absl::string_view end, absl::string_view content) {
  const auto from = document.find(begin);
  const auto to = document.find(end);
  if (from == absl::string_view::npos || to == absl::string_view::npos || to < from) {
    return std::nullopt;
  }
  return absl::StrCat(document.substr(0, from + begin.size()), "\n", content, document.substr(to));
}

}  // namespace

absl::StatusOr<std::string> ReplaceSchemaSection(absl::string_view document) {
  std::optional<std::string> out =
      ReplaceBetween(document, kSchemaDocBegin, kSchemaDocEnd, SchemaMarkdown());
  if (!out.has_value()) {
    return absl::FailedPreconditionError(
        absl::StrCat("the document lacks the markers ", kSchemaDocBegin, " and ", kSchemaDocEnd));
  }
  return *std::move(out);
}

absl::StatusOr<std::string> ReplaceGeneratedSections(absl::string_view document) {
  std::string out(document);
  bool found = false;
  if (auto replaced = ReplaceBetween(out, kSchemaDocBegin, kSchemaDocEnd, SchemaMarkdown())) {
    out = *std::move(replaced);
    found = true;
  }
  if (auto replaced = ReplaceBetween(out, kSqlViewDocBegin, kSqlViewDocEnd, SqlViewMarkdown())) {
    out = *std::move(replaced);
    found = true;
  }
  if (!found) {
    return absl::FailedPreconditionError(absl::StrCat("the document holds no generated section (",
                                                      kSchemaDocBegin, " or ", kSqlViewDocBegin,
                                                      ")"));
  }
  return out;
}

}  // namespace mcrm
