// The one description of everything M-CRM stores and syncs: entities, their fields, the type
// and rules of each field, and which fields decide a record's scope. The server store, the
// device replica, validation, the merge and the wire format all read this table; adding a field
// to an entity is one line in src/schema.cc.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace mcrm {

struct Record;

// Every kind of record that is stored and synced. The numbers are stable (they are stored).
enum class EntityType : uint8_t {
  kAccount = 1,
  kContact = 2,
  kSite = 3,
  kInteraction = 4,
  kOpportunity = 5,
  kProduct = 6,
  kOrder = 7,
  kCase = 8,
  kServiceTask = 9,
  kCampaign = 10,
  kCampaignTarget = 11,
  kCompetitorNote = 12,
  kUser = 13,
  kTerritory = 14,
};

// What a field holds. See Value for the representation of each.
enum class FieldType {
  kString,      // short single-line text
  kText,        // long free text (notes)
  kInt,         // 64-bit integer (counts, money in minor units, percentages)
  kDouble,      // floating point (coordinates, scores)
  kBool,        // yes/no
  kTimestamp,   // integer ms since the Unix epoch, UTC
  kDate,        // "YYYY-MM-DD" calendar date
  kId,          // canonical UUIDv7 of another record
  kEnum,        // one string of a fixed set
  kStringList,  // list of short strings
  kIdList,      // list of record ids
  kStruct,      // one struct of a declared shape
  kStructList,  // list of structs of a declared shape
};

// A format check on a string (or on each string of a list).
enum class Format { kNone, kEmail, kPhone, kCurrencyCode, kCountryCode, kTag };

// What a field means to scope: the server decides who sees a record from these fields.
enum class ScopeRole { kNone, kOwner, kTerritory, kAccount, kAssignee };

// How a record's visibility is decided.
enum class ScopeKind {
  kEveryone,          // the product catalogue, territories, campaigns
  kOwnerOrTerritory,  // accounts: owned by the user, or in one of the user's territories
  kByAccount,         // follows its account (contacts, sites, interactions, ...)
  kByAssignee,        // the assigned user only (service tasks, campaign targets)
  kSelf,              // users: each user sees their own record; dispatchers and admins all
};

struct StructSpec;

// One field of an entity (or of a struct shape).
struct FieldSpec {
  uint32_t number = 0;  // stable key on the wire and in storage; never reused
  std::string name;     // lower_snake name, used in messages, docs and imports
  FieldType type = FieldType::kString;
  std::string doc;
  bool required = false;         // must be present and not empty in a whole record
  bool server_computed = false;  // written only by the server; devices may not change it
  // Indexed for full-text search on the device. A struct-valued field is searched through the
  // members of its shape that are searchable themselves (a phone's number, an address's city).
  bool searchable = false;
  // Lists filter or sort by this field: the stores keep an index on it (fields that decide a
  // record's scope are always indexed, see IsIndexed).
  bool indexed = false;
  Format format = Format::kNone;
  // Integer/double range, or string length and list size limits (inclusive).
  bool has_range = false;
  double min = 0;
  double max = 0;
  int64_t max_length = 0;  // strings: characters (bytes of UTF-8); 0 means the type's default
  int64_t max_items = 0;   // lists: 0 means the default (100)
  std::vector<std::string> enum_values;
  const StructSpec* shape = nullptr;      // kStruct / kStructList
  EntityType ref = EntityType::kAccount;  // kId / kIdList: what the id points at
  ScopeRole scope_role = ScopeRole::kNone;
};

// The shape of a struct-valued field (an address, a phone, an order line).
struct StructSpec {
  std::string name;
  std::string doc;
  std::vector<FieldSpec> fields;  // sub-fields are keyed by name; numbers are for the docs only
  const FieldSpec* Field(absl::string_view name) const;
};

// The entity's validation function (see validation.h): declared field rules plus the rules that
// involve several fields.
using Validator = absl::Status (*)(const Record& record);

// A list people open often: the fields it is filtered by (each equal to a value) and the field it
// is sorted by. See EntitySpec::list_indexes.
struct ListIndex {
  std::vector<std::string> filters;
  std::string sort;
  // "territory_id_value_tier_name": the filters and the sort, for index names.
  std::string Name() const;
};

// One entity: its name, fields, removed field numbers and rules.
struct EntitySpec {
  EntityType type = EntityType::kAccount;
  std::string name;  // lower_snake, e.g. "service_task"; the entity's name on the wire
  std::string doc;
  ScopeKind scope = ScopeKind::kEveryone;
  std::vector<FieldSpec> fields;
  std::vector<uint32_t> reserved;  // numbers of removed fields, never to be reused
  Validator validate = nullptr;
  // Indexes for the lists people open most: each names the fields lists filter by (equality) and
  // one they sort by, e.g. an account list of one territory sorted by name. The stores keep an
  // index on (filter fields..., sort field, id) for each, so the first page of such a list is
  // read in order from the index whatever else it filters by.
  std::vector<ListIndex> list_indexes;

  const FieldSpec* Field(uint32_t number) const;
  const FieldSpec* FieldByName(absl::string_view name) const;
};

// Incremented whenever a field or entity is added; a device reports the version it was built
// with, so the server can tell which fields an older app does not know.
inline constexpr uint32_t kSchemaVersion = 2;

// All entities, in EntityType order.
const std::vector<EntitySpec>& AllEntities();
const EntitySpec& Spec(EntityType type);
// nullptr when `name` is not an entity.
const EntitySpec* FindEntity(absl::string_view name);
absl::string_view EntityName(EntityType type);

absl::string_view FieldTypeName(FieldType type);

// Whether the stores keep an index on the field: declared so, or a scope key.
bool IsIndexed(const FieldSpec& field);

}  // namespace mcrm
