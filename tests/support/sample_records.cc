#include "sample_records.h"

#include <gtest/gtest.h>

#include "mcrm/change_set.h"

namespace mcrm::testing {
namespace {

constexpr int64_t kMonday9am = 1793696400000;  // 2026-11-02 09:00 UTC

Value S(const char* s) { return Value::String(s); }
Value I(int64_t v) { return Value::Int(v); }
Value D(double v) { return Value::Double(v); }

Value Phone() { return Value::StructOf({{"kind", S("work")}, {"number", S("+49 30 1234567")}}); }

Value Address() {
  return Value::StructOf({{"kind", S("visit")},
                          {"street", S("Hauptstr. 5")},
                          {"city", S("Berlin")},
                          {"postal_code", S("10115")},
                          {"country", S("DE")},
                          {"latitude", D(52.52)},
                          {"longitude", D(13.405)}});
}

Value Line(int64_t unit_price, double quantity) {
  return Value::StructOf({{"product_id", S(kProductId)},
                          {"quantity", D(quantity)},
                          {"unit_price_minor", I(unit_price)},
                          {"discount_percent", D(10)}});
}

Value GeoFix() {
  return Value::StructOf({{"latitude", D(48.1)},
                          {"longitude", D(11.6)},
                          {"accuracy_m", D(12)},
                          {"at", I(kMonday9am)}});
}

}  // namespace

Record ValidSample(EntityType entity) {
  Record r;
  r.entity = entity;
  r.id = kRecordId;
  switch (entity) {
    case EntityType::kAccount:
      r.Set("name", S("Grüne Wiese GmbH"));
      r.Set("kind", S("organization"));
      r.Set("industry", S("Agriculture"));
      r.Set("phones", Value::ListOf({Phone()}));
      r.Set("emails", Value::Strings({"info@gruene-wiese.de", "einkauf@gruene-wiese.de"}));
      r.Set("messaging_ids",
            Value::ListOf({Value::StructOf({{"network", S("wechat")}, {"handle", S("gw_2026")}})}));
      r.Set("addresses", Value::ListOf({Address()}));
      r.Set("owner_id", S(kUserId));
      r.Set("territory_id", S(kTerritoryId));
      r.Set("tags", Value::Strings({"key-account", "organic"}));
      break;
    case EntityType::kContact:
      r.Set("account_id", S(kAccountId));
      r.Set("first_name", S("Anna"));
      r.Set("last_name", S("Schmidt"));
      r.Set("role", S("decision_maker"));
      r.Set("emails", Value::Strings({"anna.schmidt@gruene-wiese.de"}));
      r.Set("phones", Value::ListOf({Phone()}));
      r.Set("preferred_channel", S("messaging"));
      r.Set("birthday", S("1984-02-29"));
      break;
    case EntityType::kSite:
      r.Set("account_id", S(kAccountId));
      r.Set("name", S("Warehouse North"));
      r.Set("address", Address());
      r.Set("access_notes", S("Gate code 4711.\nRing twice."));
      break;
    case EntityType::kInteraction:
      r.Set("account_id", S(kAccountId));
      r.Set("contact_id", S(kContactId));
      r.Set("channel", S("visit"));
      r.Set("direction", S("outbound"));
      r.Set("subject", S("Quarterly review"));
      r.Set("planned_start", I(kMonday9am));
      r.Set("planned_end", I(kMonday9am + 3600000));
      r.Set("actual_start", I(kMonday9am + 300000));
      r.Set("actual_end", I(kMonday9am + 3000000));
      r.Set("duration_minutes", I(45));
      r.Set("outcome", S("completed"));
      r.Set("check_in", GeoFix());
      r.Set("check_out", GeoFix());
      r.Set("satisfaction", I(4));
      break;
    case EntityType::kOpportunity:
      r.Set("account_id", S(kAccountId));
      r.Set("name", S("Irrigation upgrade"));
      r.Set("stage", S("proposal"));
      r.Set("probability_percent", I(60));
      r.Set("amount_minor", I(1250000));
      r.Set("currency", S("EUR"));
      r.Set("expected_close", S("2026-12-15"));
      r.Set("competitors", Value::Strings({"AquaCorp"}));
      r.Set("lines", Value::ListOf({Line(50000, 25)}));
      break;
    case EntityType::kProduct:
      r.Set("sku", S("IRR-100"));
      r.Set("name", S("Drip line 100 m"));
      r.Set("price_minor", I(50000));
      r.Set("currency", S("EUR"));
      r.Set("active", Value::Bool(true));
      r.Set("related_product_ids", Value::Strings({kProductId}));
      break;
    case EntityType::kOrder:
      r.Set("account_id", S(kAccountId));
      r.Set("order_number", S("SO-2026-0001"));
      r.Set("ordered_at", I(kMonday9am));
      r.Set("status", S("placed"));
      r.Set("currency", S("EUR"));
      r.Set("lines", Value::ListOf({Line(50000, 2), Line(1999, 3)}));
      // 2 * 50000 * 0.9 + 3 * 1999 * 0.9 = 90000 + 5397.3 -> 90000 + 5397
      r.Set("total_minor", I(95397));
      break;
    case EntityType::kCase:
      r.Set("account_id", S(kAccountId));
      r.Set("subject", S("Pump leaking"));
      r.Set("type", S("complaint"));
      r.Set("priority", S("high"));
      r.Set("channel", S("phone"));
      r.Set("status", S("open"));
      r.Set("opened_at", I(kMonday9am));
      r.Set("sla_response_due", I(kMonday9am + 4 * 3600000));
      r.Set("sla_resolution_due", I(kMonday9am + 48 * 3600000));
      break;
    case EntityType::kServiceTask:
      r.Set("account_id", S(kAccountId));
      r.Set("title", S("Replace pump seal"));
      r.Set("type", S("repair"));
      r.Set("priority", S("high"));
      r.Set("required_skills", Value::Strings({"pumps"}));
      r.Set("window_start", I(kMonday9am));
      r.Set("window_end", I(kMonday9am + 4 * 3600000));
      r.Set("assignee_id", S(kUserId));
      r.Set("status", S("on_site"));
      r.Set("checklist",
            Value::ListOf({Value::StructOf({{"key", S("power_off")},
                                            {"prompt", S("Power isolated?")},
                                            {"kind", S("yes_no")},
                                            {"required", Value::Bool(true)},
                                            {"answer_bool", Value::Bool(true)}}),
                           Value::StructOf({{"key", S("pressure")},
                                            {"prompt", S("Pressure after repair (bar)")},
                                            {"kind", S("number")},
                                            {"required", Value::Bool(true)}})}));
      break;
    case EntityType::kCampaign:
      r.Set("name", S("Winter service check"));
      r.Set("segment_rule", S("value_tier = a"));
      r.Set("period_start", S("2026-12-01"));
      r.Set("period_end", S("2027-02-28"));
      r.Set("status", S("active"));
      r.Set("channel", S("visit"));
      break;
    case EntityType::kCampaignTarget:
      r.Set("campaign_id", S(kCampaignId));
      r.Set("account_id", S(kAccountId));
      r.Set("rep_id", S(kUserId));
      r.Set("response", S("pending"));
      break;
    case EntityType::kCompetitorNote:
      r.Set("account_id", S(kAccountId));
      r.Set("competitor", S("AquaCorp"));
      r.Set("price_seen_minor", I(45000));
      r.Set("currency", S("EUR"));
      r.Set("observed_on", S("2026-11-02"));
      break;
    case EntityType::kUser:
      r.Set("login", S("anna.rep"));
      r.Set("display_name", S("Anna Rep"));
      r.Set("role", S("rep"));
      r.Set("skills", Value::Strings({"pumps", "irrigation"}));
      r.Set("territory_ids", Value::Strings({kTerritoryId}));
      r.Set("home_base", GeoFix());
      r.Set("capacity_per_day", I(6));
      r.Set("email", S("anna@m-crm.example"));
      break;
    case EntityType::kTerritory:
      r.Set("name", S("Berlin North"));
      r.Set("code", S("BER-N"));
      r.Set("parent_id", S(kTerritoryId));
      break;
  }
  return r;
}

StoredRecord CreatedThroughMerge(const Record& sample, std::string record_id,
                                 std::string mutation_id, int64_t at_ms) {
  ChangeSet create;
  create.mutation_id = std::move(mutation_id);
  create.entity = sample.entity;
  create.record_id = std::move(record_id);
  create.hlc = HlcTimestamp{at_ms, 0, "test"};
  create.changed = sample.fields;
  MergeOutcome out = MergeChange(nullptr, create, 1);
  EXPECT_EQ(out.result, MergeResult::kApplied) << EntityName(sample.entity) << ": " << out.status;
  return out.state;
}

}  // namespace mcrm::testing
