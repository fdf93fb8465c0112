// The schema table. To add a field: append a line to its entity with the next free number,
// bump kSchemaVersion, and regenerate the data-model section of docs/sync-protocol.md
// (mcrm-schema-doc --update docs/sync-protocol.md). Never reuse or renumber a field: move a
// removed field's number to `reserved`.
#include "mcrm/schema.h"

#include <cstdlib>
#include <initializer_list>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "mcrm/pipeline.h"
#include "mcrm/service_task_state.h"
#include "mcrm/validation.h"

namespace mcrm {
namespace {

// Builds a FieldSpec in one readable line: Str(1, "name", "Display name").Required().Search()
class Field {
 public:
  Field(uint32_t number, std::string name, FieldType type, std::string doc) {
    spec_.number = number;
    spec_.name = std::move(name);
    spec_.type = type;
    spec_.doc = std::move(doc);
  }
  Field& Required() { return spec_.required = true, *this; }
  Field& Computed() { return spec_.server_computed = true, *this; }
  Field& Search() { return spec_.searchable = true, *this; }
  Field& Index() { return spec_.indexed = true, *this; }
  Field& As(Format format) { return spec_.format = format, *this; }
  Field& Range(double min, double max) {
    spec_.has_range = true;
    spec_.min = min;
    spec_.max = max;
    return *this;
  }
  Field& MaxLength(int64_t n) { return spec_.max_length = n, *this; }
  Field& MaxItems(int64_t n) { return spec_.max_items = n, *this; }
  Field& Scope(ScopeRole role) { return spec_.scope_role = role, *this; }
  operator FieldSpec() const { return spec_; }  // NOLINT: the point of the builder

  FieldSpec spec_;
};

Field Str(uint32_t n, std::string name, std::string doc) {
  return Field(n, std::move(name), FieldType::kString, std::move(doc));
}
Field Text(uint32_t n, std::string name, std::string doc) {
  return Field(n, std::move(name), FieldType::kText, std::move(doc));
}
Field Int(uint32_t n, std::string name, std::string doc) {
  return Field(n, std::move(name), FieldType::kInt, std::move(doc));
}
Field Money(uint32_t n, std::string name, std::string doc) {
  return Field(n, std::move(name), FieldType::kInt, std::move(doc)).Range(0, 1e15);
}
Field Dbl(uint32_t n, std::string name, std::string doc) {
  return Field(n, std::move(name), FieldType::kDouble, std::move(doc));
}
Field Bool(uint32_t n, std::string name, std::string doc) {
  return Field(n, std::move(name), FieldType::kBool, std::move(doc));
}
Field Time(uint32_t n, std::string name, std::string doc) {
  return Field(n, std::move(name), FieldType::kTimestamp, std::move(doc));
}
Field Date(uint32_t n, std::string name, std::string doc) {
  return Field(n, std::move(name), FieldType::kDate, std::move(doc));
}
Field Id(uint32_t n, std::string name, EntityType ref, std::string doc) {
  Field f(n, std::move(name), FieldType::kId, std::move(doc));
  f.spec_.ref = ref;
  return f;
}
Field Ids(uint32_t n, std::string name, EntityType ref, std::string doc) {
  Field f(n, std::move(name), FieldType::kIdList, std::move(doc));
  f.spec_.ref = ref;
  return f;
}
Field Enum(uint32_t n, std::string name, std::vector<std::string> values, std::string doc) {
  Field f(n, std::move(name), FieldType::kEnum, std::move(doc));
  f.spec_.enum_values = std::move(values);
  return f;
}
Field Strs(uint32_t n, std::string name, std::string doc) {
  return Field(n, std::move(name), FieldType::kStringList, std::move(doc));
}
Field Shape(uint32_t n, std::string name, const StructSpec& shape, std::string doc) {
  Field f(n, std::move(name), FieldType::kStruct, std::move(doc));
  f.spec_.shape = &shape;
  return f;
}
Field Shapes(uint32_t n, std::string name, const StructSpec& shape, std::string doc) {
  Field f(n, std::move(name), FieldType::kStructList, std::move(doc));
  f.spec_.shape = &shape;
  return f;
}
Field Currency(uint32_t n) {
  return Str(n, "currency", "ISO 4217 code of the amounts, e.g. EUR.").As(Format::kCurrencyCode);
}
Field Satisfaction(uint32_t n) {
  return Int(n, "satisfaction", "Customer satisfaction, 1 (poor) to 5 (excellent).").Range(1, 5);
}
Field AccountRef(uint32_t n) {
  return Id(n, "account_id", EntityType::kAccount, "The account this belongs to; decides scope.")
      .Required()
      .Scope(ScopeRole::kAccount);
}

// ---- struct shapes: built on first use, so static initialization order cannot bite ----------

const StructSpec& PhoneShape() {
  static const StructSpec* const kShape = new StructSpec{
      "Phone",
      "A telephone or fax number.",
      {
          Enum(1, "kind", {"mobile", "work", "home", "fax", "other"}, "What the number is."),
          Str(2, "number", "The number as dialled, preferably +country.")
              .Required()
              .As(Format::kPhone)
              .Search(),
      }};
  return *kShape;
}

const StructSpec& MessagingIdShape() {
  static const StructSpec* const kShape = new StructSpec{
      "MessagingId",
      "An id on a messaging app (WeChat, WhatsApp and similar).",
      {
          Enum(1, "network",
               {"wechat", "whatsapp", "line", "telegram", "signal", "viber", "kakaotalk", "other"},
               "The messaging network.")
              .Required(),
          Str(2, "handle", "The user id or number on that network.").Required().MaxLength(100),
      }};
  return *kShape;
}

const StructSpec& AddressShape() {
  static const StructSpec* const kShape = new StructSpec{
      "Address",
      "A postal address with an optional map position.",
      {
          Enum(1, "kind", {"billing", "shipping", "visit", "other"}, "What the address is for."),
          Str(2, "street", "Street and number."),
          Str(3, "city", "City or town.").Search(),
          Str(4, "postal_code", "Postal code.").MaxLength(20),
          Str(5, "region", "State, province or region."),
          Str(6, "country", "ISO 3166-1 alpha-2 country code, e.g. DE.").As(Format::kCountryCode),
          Dbl(7, "latitude", "WGS84 latitude in degrees.").Range(-90, 90),
          Dbl(8, "longitude", "WGS84 longitude in degrees.").Range(-180, 180),
      }};
  return *kShape;
}

const StructSpec& GeoFixShape() {
  static const StructSpec* const kShape = new StructSpec{
      "GeoFix",
      "A position fix from the device (check-in, check-out, a home base).",
      {
          Dbl(1, "latitude", "WGS84 latitude in degrees.").Required().Range(-90, 90),
          Dbl(2, "longitude", "WGS84 longitude in degrees.").Required().Range(-180, 180),
          Dbl(3, "accuracy_m", "Horizontal accuracy in metres.").Range(0, 100000),
          Time(4, "at", "When the fix was taken."),
      }};
  return *kShape;
}

const StructSpec& LineItemShape() {
  static const StructSpec* const kShape = new StructSpec{
      "LineItem",
      "One line of an order or an opportunity.",
      {
          Id(1, "product_id", EntityType::kProduct, "The product.").Required(),
          Str(2, "description", "Free text shown on the line."),
          Dbl(3, "quantity", "Quantity, in the product's unit.").Required().Range(0.000001, 1e9),
          Money(4, "unit_price_minor", "Price per unit, in minor units of the currency.")
              .Required(),
          Dbl(5, "discount_percent", "Discount on the line, 0 to 100.").Range(0, 100),
      }};
  return *kShape;
}

const StructSpec& ChecklistItemShape() {
  static const StructSpec* const kShape = new StructSpec{
      "ChecklistItem",
      "One step of a guided procedure, answered in order.",
      {
          Str(1, "key", "Stable key of the step within its checklist.").Required().MaxLength(64),
          Str(2, "prompt", "What the technician is asked.").Required(),
          Enum(3, "kind", {"yes_no", "text", "number", "photo"}, "The kind of answer expected.")
              .Required(),
          Bool(4, "required", "The task cannot be done until this step is answered."),
          Bool(5, "answer_bool", "Answer to a yes_no step."),
          Text(6, "answer_text", "Answer to a text step."),
          Dbl(7, "answer_number", "Answer to a number step."),
          Str(8, "photo_ref", "Reference to the stored photo answering a photo step."),
          Time(9, "answered_at", "When the step was answered."),
      }};
  return *kShape;
}

// ---- entities --------------------------------------------------------------------------------

std::vector<EntitySpec> BuildEntities() {
  const std::vector<std::string> kChannels = {"visit", "phone", "email",   "messaging",
                                              "fax",   "sms",   "meeting", "note"};
  const std::vector<std::string> kPriorities = {"low", "normal", "high", "urgent"};
  std::vector<EntitySpec> all;

  all.push_back(
      {EntityType::kAccount,
       "account",
       "A customer: an organization or a person.",
       ScopeKind::kOwnerOrTerritory,
       {
           Str(1, "name", "Display name.").Required().Search().Index(),
           Enum(2, "kind", {"organization", "person"}, "Organization or private person.")
               .Required(),
           Str(3, "industry", "Industry or trade."),
           Str(4, "tax_id", "Tax or VAT registration number.").MaxLength(50),
           Shapes(5, "phones", PhoneShape(), "Telephone and fax numbers.").Search(),
           Strs(6, "emails", "Email addresses, the preferred one first.")
               .As(Format::kEmail)
               .Search(),
           Shapes(7, "messaging_ids", MessagingIdShape(), "Ids on messaging apps."),
           Shapes(8, "addresses", AddressShape(), "Postal addresses with map positions.").Search(),
           Id(9, "owner_id", EntityType::kUser, "The rep who owns the account.")
               .Scope(ScopeRole::kOwner),
           Id(10, "territory_id", EntityType::kTerritory, "The sales territory.")
               .Scope(ScopeRole::kTerritory),
           Strs(11, "tags", "Free tags.").As(Format::kTag),
           Str(12, "website", "Web address."),
           Text(13, "notes", "Free notes."),
           Id(14, "parent_account_id", EntityType::kAccount, "Parent in a group of companies.")
               .Index(),
           Enum(15, "lifecycle_stage",
                {"prospect", "lead", "new_customer", "active", "at_risk", "dormant", "lost"},
                "Where the customer is in its lifecycle.")
               .Computed()
               .Index(),
           Str(16, "segment", "The segment the customer falls in.").Computed().Index(),
           Int(17, "rfm_recency", "RFM recency score, 1 to 5.").Range(1, 5).Computed(),
           Int(18, "rfm_frequency", "RFM frequency score, 1 to 5.").Range(1, 5).Computed(),
           Int(19, "rfm_monetary", "RFM monetary score, 1 to 5.").Range(1, 5).Computed(),
           Enum(20, "value_tier", {"a", "b", "c"}, "80/20 value tier: a = the top customers.")
               .Computed()
               .Index(),
           Int(21, "health_score", "Relationship health, 0 to 100.")
               .Range(0, 100)
               .Computed()
               .Index(),
           Str(22, "preferred_language", "Language for quotes and calls (BCP 47, e.g. de-AT).")
               .MaxLength(35),
       },
       {},
       &ValidateAccount});

  all.push_back(
      {EntityType::kContact,
       "contact",
       "A person at an account.",
       ScopeKind::kByAccount,
       {
           AccountRef(1),
           Str(2, "first_name", "Given name.").Search(),
           Str(3, "last_name", "Family name.").Required().Search().Index(),
           Str(4, "job_title", "Job title."),
           Enum(5, "role",
                {"decision_maker", "influencer", "user", "purchaser", "technical", "other"},
                "The contact's role in buying decisions."),
           Shapes(6, "phones", PhoneShape(), "Telephone and fax numbers.").Search(),
           Strs(7, "emails", "Email addresses, the preferred one first.")
               .As(Format::kEmail)
               .Search(),
           Shapes(8, "messaging_ids", MessagingIdShape(), "Ids on messaging apps."),
           Enum(9, "preferred_channel", {"visit", "phone", "email", "messaging", "sms", "fax"},
                "How the contact prefers to be reached."),
           Date(10, "birthday", "Birthday."),
           Bool(11, "do_not_contact", "The contact asked not to be contacted."),
           Text(12, "notes", "Free notes."),
       },
       {},
       &ValidateContact});

  all.push_back({EntityType::kSite,
                 "site",
                 "A service location of an account.",
                 ScopeKind::kByAccount,
                 {
                     AccountRef(1),
                     Str(2, "name", "Name of the location.").Required().Search(),
                     Shape(3, "address", AddressShape(), "Address and map position."),
                     Text(4, "access_notes", "How to get in: gate codes, keys, parking."),
                     Str(5, "opening_hours", "When the site can be visited."),
                     Id(6, "contact_id", EntityType::kContact, "Contact on site."),
                 },
                 {},
                 &ValidateSite});

  all.push_back({EntityType::kInteraction,
                 "interaction",
                 "One contact with the customer over any channel: the unified history.",
                 ScopeKind::kByAccount,
                 {
                     AccountRef(1),
                     Id(2, "contact_id", EntityType::kContact, "The person contacted."),
                     Enum(3, "channel", kChannels, "How the contact happened.").Required().Index(),
                     Enum(4, "direction", {"inbound", "outbound"}, "Who started it."),
                     Str(5, "subject", "Subject line.").Search(),
                     Text(6, "notes", "What was said and agreed."),
                     Time(7, "planned_start", "Planned start.").Index(),
                     Time(8, "planned_end", "Planned end."),
                     Time(9, "actual_start", "Actual start.").Index(),
                     Time(10, "actual_end", "Actual end."),
                     Int(11, "duration_minutes", "Duration in minutes.").Range(0, 10080),
                     Enum(12, "outcome",
                          {"completed", "no_answer", "left_message", "rescheduled", "cancelled",
                           "follow_up_needed"},
                          "How it ended.")
                         .Index(),
                     Shape(13, "check_in", GeoFixShape(), "Position at check-in (visits)."),
                     Shape(14, "check_out", GeoFixShape(), "Position at check-out (visits)."),
                     Satisfaction(15),
                     Text(16, "feedback", "The customer's feedback in their words."),
                     Id(17, "opportunity_id", EntityType::kOpportunity, "Related opportunity."),
                     Id(18, "case_id", EntityType::kCase, "Related case."),
                     Id(19, "service_task_id", EntityType::kServiceTask, "Related service task."),
                     Id(20, "rep_id", EntityType::kUser, "The rep who had the contact."),
                 },
                 {},
                 &ValidateInteraction});

  all.push_back(
      {EntityType::kOpportunity,
       "opportunity",
       "A possible sale, tracked through the pipeline.",
       ScopeKind::kByAccount,
       {
           AccountRef(1),
           Str(2, "name", "What is being sold.").Required().Search(),
           Enum(3, "stage", OpportunityStageNames(), "Pipeline stage.").Required().Index(),
           Int(4, "probability_percent", "Win probability; defaults to the stage's.").Range(0, 100),
           Money(5, "amount_minor", "Expected amount, in minor units of the currency."),
           Currency(6),
           Date(7, "expected_close", "Expected close date.").Index(),
           Str(8, "next_step", "The next agreed step."),
           Strs(9, "competitors", "Competitors in the deal."),
           Str(10, "lost_reason", "Why the deal was lost (closed_lost)."),
           Shapes(11, "lines", LineItemShape(), "Products offered."),
           Id(12, "owner_id", EntityType::kUser, "The rep responsible."),
           Id(13, "contact_id", EntityType::kContact, "The main contact."),
       },
       {},
       &ValidateOpportunity});

  all.push_back({EntityType::kProduct,
                 "product",
                 "An item of the product catalogue.",
                 ScopeKind::kEveryone,
                 {
                     Str(1, "sku", "Stock keeping unit.").Required().MaxLength(64).Search().Index(),
                     Str(2, "name", "Product name.").Required().Search().Index(),
                     Str(3, "category", "Product category.").Index(),
                     Money(4, "price_minor", "List price in minor units.").Required(),
                     Currency(5).Required(),
                     Bool(6, "active", "Can be sold."),
                     Text(7, "description", "Description."),
                     Ids(8, "related_product_ids", EntityType::kProduct,
                         "Products often bought with this one (cross-selling)."),
                 },
                 {},
                 &ValidateProduct});

  all.push_back(
      {EntityType::kOrder,
       "order",
       "A purchase by an account (purchase history).",
       ScopeKind::kByAccount,
       {
           AccountRef(1),
           Str(2, "order_number", "Order number shown to the customer.").Search().Index(),
           Time(3, "ordered_at", "When the order was placed.").Required().Index(),
           Enum(4, "status", {"draft", "placed", "shipped", "delivered", "cancelled", "returned"},
                "Order status.")
               .Required()
               .Index(),
           Currency(5).Required(),
           Shapes(6, "lines", LineItemShape(), "Ordered products."),
           Money(7, "total_minor", "Order total in minor units; must match the lines."),
           Id(8, "rep_id", EntityType::kUser, "The rep who took the order."),
       },
       {},
       &ValidateOrder});

  all.push_back(
      {EntityType::kCase,
       "case",
       "A service request or a complaint.",
       ScopeKind::kByAccount,
       {
           AccountRef(1),
           Id(2, "contact_id", EntityType::kContact, "Who raised it."),
           Str(3, "subject", "Short description.").Required().Search(),
           Text(4, "description", "Full description."),
           Enum(5, "type", {"service_request", "complaint", "question", "return"}, "Kind of case.")
               .Required()
               .Index(),
           Str(6, "category", "Category for routing and reports."),
           Enum(7, "priority", kPriorities, "Priority.").Required().Index(),
           Enum(8, "channel", {"visit", "phone", "email", "messaging", "fax", "sms", "web"},
                "Where the case came in."),
           Enum(9, "status", {"new", "open", "pending_customer", "resolved", "closed"}, "Status.")
               .Required()
               .Index(),
           Time(10, "opened_at", "When the case was opened.").Index(),
           Time(11, "sla_response_due", "First response due by."),
           Time(12, "sla_resolution_due", "Resolution due by."),
           Time(13, "first_response_at", "When the customer first got an answer."),
           Time(14, "resolved_at", "When the case was resolved."),
           Text(15, "resolution", "How it was resolved (resolved and closed cases)."),
           Satisfaction(16),
           Id(17, "assignee_id", EntityType::kUser, "The employee the case is routed to."),
       },
       {},
       &ValidateCase});

  all.push_back(
      {EntityType::kServiceTask,
       "service_task",
       "A work order for a field technician.",
       ScopeKind::kByAssignee,
       {
           Id(1, "account_id", EntityType::kAccount, "The customer.")
               .Required()
               .Scope(ScopeRole::kAccount),
           Id(2, "site_id", EntityType::kSite, "Where the work is done."),
           Id(3, "case_id", EntityType::kCase, "The case the task serves."),
           Str(4, "title", "What is to be done.").Required().Search(),
           Enum(5, "type",
                {"installation", "maintenance", "repair", "inspection", "delivery", "other"},
                "Kind of work.")
               .Required(),
           Enum(6, "priority", kPriorities, "Priority.").Required(),
           Strs(7, "required_skills", "Skills the technician needs.").As(Format::kTag),
           Time(8, "window_start", "Requested time window: start.").Index(),
           Time(9, "window_end", "Requested time window: end."),
           Id(10, "assignee_id", EntityType::kUser, "The technician; decides scope.")
               .Scope(ScopeRole::kAssignee),
           Enum(11, "status", TaskStatusNames(), "Where the work stands (a state machine).")
               .Required()
               .Index(),
           Shapes(12, "checklist", ChecklistItemShape(), "The guided procedure, in order.")
               .MaxItems(200),
           Text(13, "resolution_notes", "What was done."),
           Str(14, "signature_ref", "Reference to the customer's stored signature."),
           Int(15, "estimated_minutes", "Estimated work time.").Range(0, 10080),
       },
       {},
       &ValidateServiceTask});

  all.push_back({EntityType::kCampaign,
                 "campaign",
                 "A marketing or sales campaign planned for a segment.",
                 ScopeKind::kEveryone,
                 {
                     Str(1, "name", "Campaign name.").Required().Search().Index(),
                     Str(2, "segment_rule", "Which accounts the campaign targets.").MaxLength(2000),
                     Date(3, "period_start", "First day.").Required(),
                     Date(4, "period_end", "Last day.").Required(),
                     Text(5, "offer", "What is offered."),
                     Text(6, "script", "What reps say."),
                     Enum(7, "status", {"draft", "active", "completed", "cancelled"}, "Status.")
                         .Required()
                         .Index(),
                     Enum(8, "channel", kChannels, "The main channel."),
                 },
                 {},
                 &ValidateCampaign});

  all.push_back(
      {EntityType::kCampaignTarget,
       "campaign_target",
       "One account targeted by a campaign, assigned to a rep.",
       ScopeKind::kByAssignee,
       {
           Id(1, "campaign_id", EntityType::kCampaign, "The campaign.").Required().Index(),
           Id(2, "account_id", EntityType::kAccount, "The targeted account.")
               .Required()
               .Scope(ScopeRole::kAccount),
           Id(3, "rep_id", EntityType::kUser, "The rep who works the target; decides scope.")
               .Required()
               .Scope(ScopeRole::kAssignee),
           Enum(4, "response",
                {"pending", "interested", "not_interested", "converted", "unreachable"},
                "The customer's response.")
               .Required()
               .Index(),
           Time(5, "responded_at", "When the response was recorded."),
           Text(6, "notes", "Notes."),
       },
       {},
       &ValidateCampaignTarget});

  all.push_back({EntityType::kCompetitorNote,
                 "competitor_note",
                 "What a rep learned about a competitor at an account or in a deal.",
                 ScopeKind::kByAccount,
                 {
                     AccountRef(1),
                     Id(2, "opportunity_id", EntityType::kOpportunity, "The deal, if any."),
                     Str(3, "competitor", "The competitor.").Required().Search().Index(),
                     Str(4, "product", "The competitor's product."),
                     Money(5, "price_seen_minor", "Price seen, in minor units."),
                     Currency(6),
                     Text(7, "strengths", "Strengths."),
                     Text(8, "weaknesses", "Weaknesses."),
                     Date(9, "observed_on", "When it was seen."),
                 },
                 {},
                 &ValidateCompetitorNote});

  all.push_back(
      {EntityType::kUser,
       "user",
       "An employee who uses M-CRM.",
       ScopeKind::kSelf,
       {
           Str(1, "login", "Login name.").Required().MaxLength(64).Index(),
           Str(2, "display_name", "Name shown to others.").Required(),
           Enum(3, "role", {"rep", "dispatcher", "admin"}, "What the user may do.")
               .Required()
               .Index(),
           Strs(4, "skills", "Skills, matched against service tasks.").As(Format::kTag),
           Ids(5, "territory_ids", EntityType::kTerritory, "Territories the user covers."),
           Shape(6, "home_base", GeoFixShape(), "Where the user starts the day."),
           Int(7, "capacity_per_day", "Service tasks the user can take per day.").Range(0, 50),
           Str(8, "email", "Work email.").As(Format::kEmail),
           Str(9, "phone", "Work phone.").As(Format::kPhone),
           Bool(10, "active", "Can log in."),
       },
       {},
       &ValidateUser});

  all.push_back({EntityType::kTerritory,
                 "territory",
                 "A sales territory; territories form a tree.",
                 ScopeKind::kEveryone,
                 {
                     Str(1, "name", "Territory name.").Required().Index(),
                     Str(2, "code", "Short code.").MaxLength(20).Index(),
                     Id(3, "parent_id", EntityType::kTerritory, "The enclosing territory."),
                 },
                 {},
                 &ValidateTerritory});
  // The lists people open most (EntitySpec::list_indexes).
  // A territory's A customers by name is the 80/20 list a sales manager works through: with the
  // territory's index alone, its first page reads past every B and C customer named before them.
  const std::pair<EntityType, std::vector<ListIndex>> kListIndexes[] = {
      {EntityType::kAccount,
       {{{"territory_id"}, "name"},
        {{"owner_id"}, "name"},
        {{"value_tier"}, "name"},
        {{"territory_id", "value_tier"}, "name"}}},
      {EntityType::kContact, {{{"account_id"}, "last_name"}}},
      {EntityType::kInteraction, {{{"account_id"}, "actual_start"}}},
      {EntityType::kOpportunity, {{{"account_id"}, "expected_close"}}},
      {EntityType::kOrder, {{{"account_id"}, "ordered_at"}}},
      {EntityType::kCase, {{{"account_id"}, "opened_at"}}},
      {EntityType::kServiceTask, {{{"assignee_id"}, "window_start"}}},
  };
  for (const auto& [entity, indexes] : kListIndexes) {
    for (EntitySpec& spec : all) {
      if (spec.type == entity) spec.list_indexes = indexes;
    }
  }
  return all;
}

}  // namespace

const FieldSpec* StructSpec::Field(absl::string_view field_name) const {
  for (const auto& field : fields) {
    if (field.name == field_name) return &field;
  }
  return nullptr;
}

std::string ListIndex::Name() const { return absl::StrCat(absl::StrJoin(filters, "_"), "_", sort); }

const FieldSpec* EntitySpec::Field(uint32_t number) const {
  for (const auto& field : fields) {
    if (field.number == number) return &field;
  }
  return nullptr;
}

const FieldSpec* EntitySpec::FieldByName(absl::string_view field_name) const {
  for (const auto& field : fields) {
    if (field.name == field_name) return &field;
  }
  return nullptr;
}

const std::vector<EntitySpec>& AllEntities() {
  static const std::vector<EntitySpec>* const kAll = new std::vector<EntitySpec>(BuildEntities());
  return *kAll;
}

const EntitySpec& Spec(EntityType type) {
  const auto& all = AllEntities();
  const size_t index = static_cast<size_t>(type) - 1;
  if (index >= all.size()) std::abort();
  return all[index];
}

const EntitySpec* FindEntity(absl::string_view name) {
  for (const auto& entity : AllEntities()) {
    if (entity.name == name) return &entity;
  }
  return nullptr;
}

absl::string_view EntityName(EntityType type) { return Spec(type).name; }

bool IsIndexed(const FieldSpec& field) {
  return field.indexed || field.scope_role != ScopeRole::kNone;
}

absl::string_view FieldTypeName(FieldType type) {
  switch (type) {
    case FieldType::kString:
      return "string";
    case FieldType::kText:
      return "text";
    case FieldType::kInt:
      return "int";
    case FieldType::kDouble:
      return "double";
    case FieldType::kBool:
      return "bool";
    case FieldType::kTimestamp:
      return "timestamp";
    case FieldType::kDate:
      return "date";
    case FieldType::kId:
      return "id";
    case FieldType::kEnum:
      return "enum";
    case FieldType::kStringList:
      return "string list";
    case FieldType::kIdList:
      return "id list";
    case FieldType::kStruct:
      return "struct";
    case FieldType::kStructList:
      return "struct list";
  }
  return "?";
}

}  // namespace mcrm
