// Validation of every entity: each sample is valid, a minimal record with only the required
// fields is valid, and each invalid case breaks one rule and must be refused naming it.
#include "mcrm/validation.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>

#include "sample_records.h"

namespace mcrm {
namespace {

using ::mcrm::testing::ValidSample;
using ::testing::HasSubstr;

Value S(const char* s) { return Value::String(s); }
Value I(int64_t v) { return Value::Int(v); }

TEST(Validation, EverySampleRecordIsValid) {
  for (const EntitySpec& entity : AllEntities()) {
    const Record record = ValidSample(entity.type);
    EXPECT_TRUE(ValidateRecord(record).ok()) << entity.name << ": " << ValidateRecord(record);
  }
}

TEST(Validation, ARecordWithOnlyItsRequiredFieldsIsValid) {
  for (const EntitySpec& entity : AllEntities()) {
    Record minimal = ValidSample(entity.type);
    for (auto it = minimal.fields.begin(); it != minimal.fields.end();) {
      it = entity.Field(it->first)->required ? std::next(it) : minimal.fields.erase(it);
    }
    // A task past "new" needs an assignee, an order past "draft" its lines.
    if (entity.type == EntityType::kServiceTask) minimal.Set("status", S("new"));
    if (entity.type == EntityType::kOrder) minimal.Set("status", S("draft"));
    EXPECT_TRUE(ValidateRecord(minimal).ok()) << entity.name << ": " << ValidateRecord(minimal);
  }
}

TEST(Validation, EachEntityHasItsOwnFunction) {
  const Record account = ValidSample(EntityType::kAccount);
  EXPECT_TRUE(ValidateAccount(account).ok());
  Record task = ValidSample(EntityType::kServiceTask);
  task.Set("status", S("done"));
  EXPECT_THAT(std::string(ValidateServiceTask(task).message()), HasSubstr("not answered"));
}

struct InvalidCase {
  EntityType entity;
  std::function<void(Record&)> change;
  std::string want;  // substring of the message
  absl::StatusCode code = absl::StatusCode::kInvalidArgument;
};

void Clear(Record& r, absl::string_view name) {
  r.fields.erase(Spec(r.entity).FieldByName(name)->number);
}

Value WithSub(Value shape, const char* name, Value v) {
  Value::Struct fields = shape.struct_value();
  fields[name] = std::move(v);
  return Value::StructOf(std::move(fields));
}

Value ListWithItem(const Value& list, size_t index, Value item) {
  Value::List items = list.list_value();
  items[index] = std::move(item);
  return Value::ListOf(std::move(items));
}

const std::vector<InvalidCase>& InvalidCases() {
  using E = EntityType;
  static const auto* const kCases = new std::vector<InvalidCase>{
      // Generic rules, seen through account.
      {E::kAccount, [](Record& r) { r.id = "not-a-uuid"; },
       "account.id: \"not-a-uuid\" is not a UUIDv7"},
      {E::kAccount, [](Record& r) { r.id = "01890a5d-ac96-474b-bcce-b302099a8057"; },
       "is not a UUIDv7"},
      {E::kAccount, [](Record& r) { Clear(r, "name"); }, "account.name: required"},
      {E::kAccount, [](Record& r) { r.Set("name", S("")); }, "account.name: required"},
      {E::kAccount, [](Record& r) { r.Set("name", I(5)); },
       "account.name: expected a string, got an integer"},
      {E::kAccount, [](Record& r) { r.Set("name", S("two\nlines")); },
       "account.name: must be a single line"},
      {E::kAccount, [](Record& r) { r.Set("name", Value::String(std::string(501, 'x'))); },
       "account.name: longer than 500 bytes"},
      {E::kAccount, [](Record& r) { r.Set("name", S("bad \xC3")); },
       "account.name: not valid UTF-8"},
      {E::kAccount, [](Record& r) { r.Set("kind", S("company")); },
       "account.kind: \"company\" is not one of organization, person"},
      {E::kAccount,
       [](Record& r) {
         r.Set("emails", Value::Strings({"a@b.de", "not-an-email"}));
       },
       "account.emails[1]: not an email address"},
      {E::kAccount, [](Record& r) { r.Set("emails", S("a@b.de")); },
       "account.emails: expected a list, got a string"},
      {E::kAccount,
       [](Record& r) {
         r.Set("phones", Value::ListOf({Value::StructOf({{"number", S("call me")}})}));
       },
       "account.phones[0].number: not a phone number"},
      {E::kAccount,
       [](Record& r) {
         r.Set("phones", Value::ListOf({Value::StructOf({{"kind", S("work")}})}));
       },
       "account.phones[0].number: required"},
      {E::kAccount, [](Record& r) { r.Set("phones", Value::ListOf({S("+49 30 1")})); },
       "account.phones[0]: expected a struct (Phone), got a string"},
      {E::kAccount,
       [](Record& r) {
         r.Set("addresses", ListWithItem(r.Get("addresses"), 0,
                                         WithSub(r.Get("addresses").list_value()[0], "latitude",
                                                 Value::Double(91))));
       },
       "account.addresses[0].latitude: 91 is outside -90..90"},
      {E::kAccount,
       [](Record& r) {
         r.Set("addresses",
               ListWithItem(r.Get("addresses"), 0,
                            WithSub(r.Get("addresses").list_value()[0], "country", S("Germany"))));
       },
       "account.addresses[0].country: not an ISO 3166-1 country code"},
      {E::kAccount,
       [](Record& r) {
         r.Set("messaging_ids",
               Value::ListOf({Value::StructOf({{"network", S("icq")}, {"handle", S("1")}})}));
       },
       "account.messaging_ids[0].network: \"icq\" is not one of"},
      {E::kAccount, [](Record& r) { r.Set("owner_id", S("42")); },
       "account.owner_id: \"42\" is not a UUIDv7"},
      {E::kAccount, [](Record& r) { r.Set("tags", Value::Strings({"a,b"})); },
       "account.tags[0]: not a tag"},
      {E::kAccount,
       [](Record& r) {
         std::vector<std::string> many(101, "t");
         r.Set("tags", Value::Strings(many));
       },
       "account.tags: more than 100 items"},
      {E::kAccount, [](Record& r) { r.Set("health_score", I(101)); },
       "account.health_score: 101 is outside 0..100"},
      {E::kAccount, [](Record& r) { r.Set("parent_account_id", S(::mcrm::testing::kRecordId)); },
       "account.parent_account_id: points at the record itself"},
      // contact
      {E::kContact, [](Record& r) { Clear(r, "account_id"); }, "contact.account_id: required"},
      {E::kContact, [](Record& r) { Clear(r, "last_name"); }, "contact.last_name: required"},
      {E::kContact, [](Record& r) { r.Set("birthday", S("1985-02-29")); },
       "contact.birthday: \"1985-02-29\" is not a date"},
      {E::kContact, [](Record& r) { r.Set("preferred_channel", S("pigeon")); },
       "contact.preferred_channel: \"pigeon\" is not one of"},
      {E::kContact, [](Record& r) { r.Set("do_not_contact", S("yes")); },
       "contact.do_not_contact: expected a boolean, got a string"},
      // site
      {E::kSite, [](Record& r) { Clear(r, "name"); }, "site.name: required"},
      {E::kSite, [](Record& r) { r.Set("address", Value::Strings({"x"})); },
       "site.address: expected a struct (Address), got a list"},
      {E::kSite,
       [](Record& r) {
         r.Set("address", WithSub(r.Get("address"), "longitude", Value::Double(181)));
       },
       "site.address.longitude: 181 is outside -180..180"},
      // interaction
      {E::kInteraction, [](Record& r) { Clear(r, "channel"); }, "interaction.channel: required"},
      {E::kInteraction, [](Record& r) { r.Set("channel", S("telegram")); },
       "interaction.channel: \"telegram\" is not one of"},
      {E::kInteraction, [](Record& r) { r.Set("satisfaction", I(6)); },
       "interaction.satisfaction: 6 is outside 1..5"},
      {E::kInteraction, [](Record& r) { r.Set("satisfaction", I(0)); },
       "interaction.satisfaction: 0 is outside 1..5"},
      {E::kInteraction,
       [](Record& r) { r.Set("actual_end", I(r.Get("actual_start").int_value() - 1)); },
       "interaction.actual_end: before actual_start"},
      {E::kInteraction,
       [](Record& r) { r.Set("planned_end", I(r.Get("planned_start").int_value() - 1)); },
       "interaction.planned_end: before planned_start"},
      {E::kInteraction, [](Record& r) { r.Set("planned_start", I(1793696400)); },
       "interaction.planned_start: 1793696400 ms is not a time between 2000 and 2200"},
      {E::kInteraction, [](Record& r) { Clear(r, "check_in"); },
       "interaction.check_out: set without check_in"},
      {E::kInteraction,
       [](Record& r) { r.Set("check_in", WithSub(r.Get("check_in"), "latitude", Value::Null())); },
       "interaction.check_in.latitude: required"},
      {E::kInteraction,
       [](Record& r) {
         r.Set("check_in", WithSub(r.Get("check_in"), "accuracy_m", Value::Double(std::nan(""))));
       },
       "interaction.check_in.accuracy_m: not a finite number"},
      // opportunity
      {E::kOpportunity, [](Record& r) { r.Set("stage", S("won")); },
       "opportunity.stage: \"won\" is not one of prospecting"},
      {E::kOpportunity, [](Record& r) { r.Set("stage", S("closed_lost")); },
       "opportunity.lost_reason: required when stage is closed_lost"},
      {E::kOpportunity, [](Record& r) { Clear(r, "currency"); },
       "opportunity.currency: required when amount_minor is set"},
      {E::kOpportunity, [](Record& r) { r.Set("currency", S("eur")); },
       "opportunity.currency: not an ISO 4217 currency code"},
      {E::kOpportunity, [](Record& r) { r.Set("amount_minor", I(-1)); },
       "opportunity.amount_minor: -1 is outside"},
      {E::kOpportunity, [](Record& r) { r.Set("probability_percent", I(120)); },
       "opportunity.probability_percent: 120 is outside 0..100"},
      {E::kOpportunity, [](Record& r) { r.Set("expected_close", S("2026-13-01")); },
       "opportunity.expected_close: \"2026-13-01\" is not a date"},
      {E::kOpportunity,
       [](Record& r) {
         r.Set("lines",
               ListWithItem(r.Get("lines"), 0,
                            WithSub(r.Get("lines").list_value()[0], "quantity", Value::Double(0))));
       },
       "opportunity.lines[0].quantity: 0 is outside"},
      {E::kOpportunity,
       [](Record& r) {
         r.Set("lines",
               ListWithItem(r.Get("lines"), 0,
                            WithSub(r.Get("lines").list_value()[0], "product_id", Value::Null())));
       },
       "opportunity.lines[0].product_id: required"},
      // product
      {E::kProduct, [](Record& r) { Clear(r, "sku"); }, "product.sku: required"},
      {E::kProduct, [](Record& r) { Clear(r, "currency"); }, "product.currency: required"},
      {E::kProduct, [](Record& r) { r.Set("sku", Value::String(std::string(65, 'S'))); },
       "product.sku: longer than 64 bytes"},
      {E::kProduct, [](Record& r) { r.Set("price_minor", Value::Double(9.99)); },
       "product.price_minor: expected an integer, got a number"},
      {E::kProduct,
       [](Record& r) {
         r.Set("related_product_ids", Value::Strings({::mcrm::testing::kRecordId}));
       },
       "product.related_product_ids: lists the product itself"},
      {E::kProduct, [](Record& r) { r.Set("related_product_ids", Value::Strings({"x"})); },
       "product.related_product_ids[0]: \"x\" is not a UUIDv7"},
      // order
      {E::kOrder, [](Record& r) { r.Set("total_minor", I(1000)); },
       "order.total_minor: 1000 does not match the lines (95397)"},
      {E::kOrder, [](Record& r) { Clear(r, "lines"); },
       "order.lines: required when the order is not a draft"},
      {E::kOrder, [](Record& r) { Clear(r, "ordered_at"); }, "order.ordered_at: required"},
      {E::kOrder, [](Record& r) { r.Set("status", S("lost")); },
       "order.status: \"lost\" is not one of"},
      // case
      {E::kCase, [](Record& r) { r.Set("status", S("resolved")); },
       "case.resolution: required when status is resolved or closed"},
      {E::kCase,
       [](Record& r) { r.Set("sla_resolution_due", I(r.Get("sla_response_due").int_value() - 1)); },
       "case.sla_resolution_due: before sla_response_due"},
      {E::kCase, [](Record& r) { r.Set("priority", S("critical")); },
       "case.priority: \"critical\" is not one of low, normal, high, urgent"},
      {E::kCase, [](Record& r) { Clear(r, "type"); }, "case.type: required"},
      {E::kCase, [](Record& r) { r.Set("satisfaction", I(9)); },
       "case.satisfaction: 9 is outside 1..5"},
      // service task
      {E::kServiceTask, [](Record& r) { r.Set("status", S("paused")); },
       "service_task.status: \"paused\" is not one of new, assigned"},
      {E::kServiceTask, [](Record& r) { Clear(r, "assignee_id"); },
       "service_task.assignee_id: required when status is on_site"},
      {E::kServiceTask,
       [](Record& r) { r.Set("window_end", I(r.Get("window_start").int_value() - 60000)); },
       "service_task.window_end: before window_start"},
      {E::kServiceTask, [](Record& r) { r.Set("status", S("done")); },
       "service_task.checklist[1]: required step \"pressure\" is not answered"},
      {E::kServiceTask,
       [](Record& r) {
         r.Set("checklist", ListWithItem(r.Get("checklist"), 1,
                                         WithSub(r.Get("checklist").list_value()[1], "answer_text",
                                                 S("3 bar"))));
       },
       "service_task.checklist[1].answer_text: a number step is answered in answer_number"},
      {E::kServiceTask,
       [](Record& r) {
         r.Set("checklist",
               ListWithItem(r.Get("checklist"), 1,
                            WithSub(r.Get("checklist").list_value()[1], "key", S("power_off"))));
       },
       "service_task.checklist[1].key: \"power_off\" is used twice"},
      {E::kServiceTask,
       [](Record& r) {
         r.Set("checklist",
               ListWithItem(r.Get("checklist"), 0,
                            WithSub(r.Get("checklist").list_value()[0], "kind", S("video"))));
       },
       "service_task.checklist[0].kind: \"video\" is not one of"},
      {E::kServiceTask, [](Record& r) { r.Set("required_skills", Value::Strings({" pumps"})); },
       "service_task.required_skills[0]: not a tag"},
      // campaign
      {E::kCampaign, [](Record& r) { r.Set("period_end", S("2026-11-30")); },
       "campaign.period_end: before period_start"},
      {E::kCampaign, [](Record& r) { Clear(r, "period_start"); },
       "campaign.period_start: required"},
      {E::kCampaign, [](Record& r) { r.Set("status", S("running")); },
       "campaign.status: \"running\" is not one of"},
      // campaign target
      {E::kCampaignTarget, [](Record& r) { Clear(r, "rep_id"); },
       "campaign_target.rep_id: required"},
      {E::kCampaignTarget, [](Record& r) { r.Set("response", S("maybe")); },
       "campaign_target.response: \"maybe\" is not one of"},
      // competitor note
      {E::kCompetitorNote, [](Record& r) { Clear(r, "currency"); },
       "competitor_note.currency: required when price_seen_minor is set"},
      {E::kCompetitorNote, [](Record& r) { Clear(r, "competitor"); },
       "competitor_note.competitor: required"},
      // user
      {E::kUser, [](Record& r) { r.Set("role", S("manager")); },
       "user.role: \"manager\" is not one of rep, dispatcher, admin"},
      {E::kUser, [](Record& r) { r.Set("email", S("anna@")); }, "user.email: not an email address"},
      {E::kUser, [](Record& r) { r.Set("capacity_per_day", I(51)); },
       "user.capacity_per_day: 51 is outside 0..50"},
      {E::kUser, [](Record& r) { r.Set("territory_ids", Value::ListOf({I(1)})); },
       "user.territory_ids[0]: expected an id string, got an integer"},
      // territory
      {E::kTerritory, [](Record& r) { r.Set("parent_id", S(::mcrm::testing::kRecordId)); },
       "territory.parent_id: points at the record itself"},
      {E::kTerritory, [](Record& r) { Clear(r, "name"); }, "territory.name: required"},
  };
  return *kCases;
}

TEST(Validation, RefusesEachBrokenRuleNamingFieldAndRule) {
  for (size_t i = 0; i < InvalidCases().size(); ++i) {
    const InvalidCase& c = InvalidCases()[i];
    Record record = ValidSample(c.entity);
    c.change(record);
    const absl::Status status = ValidateRecord(record);
    EXPECT_EQ(status.code(), c.code) << "case " << i << " (" << c.want << "): " << status;
    EXPECT_THAT(std::string(status.message()), HasSubstr(c.want)) << "case " << i;
  }
}

TEST(Validation, EveryEntityHasInvalidCases) {
  std::set<EntityType> covered;
  for (const auto& c : InvalidCases()) covered.insert(c.entity);
  for (const EntitySpec& entity : AllEntities()) {
    EXPECT_TRUE(covered.contains(entity.type)) << entity.name << " has no invalid case";
  }
}

TEST(Validation, KeepsAndIgnoresFieldsItDoesNotKnow) {
  Record record = ValidSample(EntityType::kAccount);
  record.fields[999] = Value::String("from a newer schema");
  EXPECT_TRUE(ValidateRecord(record).ok());
  Value address = record.Get("addresses").list_value()[0];
  record.Set("addresses", Value::ListOf({WithSub(address, "what3words", S("table.chair.lamp"))}));
  EXPECT_TRUE(ValidateRecord(record).ok());
}

}  // namespace
}  // namespace mcrm
