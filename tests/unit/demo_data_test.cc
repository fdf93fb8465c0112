#include "demo_data.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <numeric>
#include <set>
#include <string>

#include "absl/strings/match.h"
#include "mcrm/validation.h"

namespace mcrm::server {
namespace {

TEST(DemoData, TheSameSeedGivesTheSameDataAndAnotherSeedOtherData) {
  DemoOptions options;
  options.accounts = 30;
  auto a = GenerateDemoData(options);
  auto b = GenerateDemoData(options);
  ASSERT_TRUE(a.ok()) << a.status();
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(a->records, b->records);
  options.seed = 2;
  auto c = GenerateDemoData(options);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_NE(a->records, c->records);
}

TEST(DemoData, HoldsEveryEntityAllValidAcrossSeveralRepsAndTerritories) {
  DemoOptions options;
  options.accounts = 100;
  auto data = GenerateDemoData(options);
  ASSERT_TRUE(data.ok()) << data.status();
  std::map<EntityType, int> counts;
  std::set<std::string> owners, territories;
  for (const StoredRecord& stored : data->records) {
    const Record& r = stored.record;
    ++counts[r.entity];
    ASSERT_TRUE(ValidateRecord(r).ok()) << ValidateRecord(r);
    // Stored through the write path, which refuses a clock from the future.
    ASSERT_LE(r.meta.hlc.wall_ms, options.now_ms) << EntityName(r.entity) << " " << r.id;
    if (r.entity == EntityType::kAccount) {
      owners.insert(r.meta.scope.owner_id);
      territories.insert(r.meta.scope.territory_id);
    }
  }
  EXPECT_EQ(counts[EntityType::kAccount], 100);
  for (EntityType e : {EntityType::kContact, EntityType::kSite, EntityType::kInteraction,
                       EntityType::kOpportunity, EntityType::kProduct, EntityType::kOrder,
                       EntityType::kCase, EntityType::kServiceTask, EntityType::kCampaign,
                       EntityType::kCampaignTarget, EntityType::kUser, EntityType::kTerritory}) {
    EXPECT_GT(counts[e], 0) << EntityName(e);
  }
  EXPECT_GE(owners.size(), 4u);
  EXPECT_GE(territories.size(), 3u);
  EXPECT_EQ(data->logins.size(), 8u);
}

TEST(DemoData, AFewBigCustomersMakeMostOfTheRevenue) {
  DemoOptions options;
  options.accounts = 200;
  auto data = GenerateDemoData(options);
  ASSERT_TRUE(data.ok()) << data.status();
  std::map<std::string, int64_t> revenue;
  for (const StoredRecord& stored : data->records) {
    if (stored.record.entity == EntityType::kOrder) {
      revenue[stored.record.meta.scope.account_id] += stored.record.Get("total_minor").int_value();
    }
  }
  std::vector<int64_t> sorted;
  for (const auto& [account, total] : revenue) sorted.push_back(total);
  std::sort(sorted.rbegin(), sorted.rend());
  const int64_t total = std::accumulate(sorted.begin(), sorted.end(), int64_t{0});
  const int64_t top = std::accumulate(sorted.begin(), sorted.begin() + 40, int64_t{0});  // top 20%
  EXPECT_GT(static_cast<double>(top) / static_cast<double>(total), 0.5)
      << "the top 20% of 200 accounts should bring most of the revenue";
}

TEST(DemoData, RefusesANegativeAccountCount) {
  DemoOptions options;
  options.accounts = -1;
  EXPECT_EQ(GenerateDemoData(options).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(DemoData, ChineseDataIsDeterministicAndHasTheGermanRecordsInOtherWords) {
  DemoOptions options;
  options.accounts = 30;
  options.locale = "zh";
  auto a = GenerateDemoData(options);
  auto b = GenerateDemoData(options);
  ASSERT_TRUE(a.ok()) << a.status();
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(a->records, b->records);
  options.locale = "de";
  auto german = GenerateDemoData(options);
  ASSERT_TRUE(german.ok()) << german.status();
  EXPECT_NE(a->records, german->records);
  // Every locale draws the same numbers: the same records, ids and times, only other words.
  ASSERT_EQ(a->records.size(), german->records.size());
  for (size_t i = 0; i < a->records.size(); ++i) {
    const Record& zh = a->records[i].record;
    const Record& de = german->records[i].record;
    EXPECT_EQ(EntityName(zh.entity), EntityName(de.entity)) << i;
    EXPECT_EQ(zh.id, de.id) << i;
    EXPECT_EQ(zh.meta.hlc.wall_ms, de.meta.hlc.wall_ms) << i;
  }
  ASSERT_EQ(a->logins.size(), german->logins.size());
  for (size_t i = 0; i < a->logins.size(); ++i) {
    EXPECT_EQ(a->logins[i].login, german->logins[i].login);
    EXPECT_EQ(a->logins[i].password, german->logins[i].password);
    EXPECT_EQ(a->logins[i].role, german->logins[i].role);
  }
}

TEST(DemoData, ChineseDataIsValidWithChineseNamesPhonesAddressesAndWeChatIds) {
  DemoOptions options;
  options.accounts = 100;
  options.locale = "zh";
  auto data = GenerateDemoData(options);
  ASSERT_TRUE(data.ok()) << data.status();
  std::map<EntityType, int> counts;
  bool huawei_inside_a_name = false;
  int wechat_ids = 0;
  int phones = 0;
  for (const StoredRecord& stored : data->records) {
    const Record& r = stored.record;
    ++counts[r.entity];
    ASSERT_TRUE(ValidateRecord(r).ok()) << ValidateRecord(r);
    if (r.entity == EntityType::kAccount || r.entity == EntityType::kContact) {
      for (const Value& phone : r.Get("phones").list_value()) {
        const std::string& number = phone.Get("number").string_value();
        EXPECT_TRUE(absl::StartsWith(number, "+86 ")) << number;
        ++phones;
      }
      for (const Value& email : r.Get("emails").list_value()) {
        EXPECT_TRUE(absl::EndsWith(email.string_value(), ".cn")) << email.string_value();
      }
    }
    if (r.entity == EntityType::kAccount) {
      const std::string& name = r.Get("name").string_value();
      const size_t at = name.find("华为");
      if (at != std::string::npos && at > 0) huawei_inside_a_name = true;
      EXPECT_EQ(r.Get("preferred_language").string_value(), "zh-CN");
      for (const Value& address : r.Get("addresses").list_value()) {
        EXPECT_EQ(address.Get("country").string_value(), "CN");
        const std::string& postal_code = address.Get("postal_code").string_value();
        EXPECT_EQ(postal_code.size(), 6u) << postal_code;
        EXPECT_EQ(postal_code.find_first_not_of("0123456789"), std::string::npos) << postal_code;
      }
    }
    if (r.entity == EntityType::kContact && r.Get("messaging_ids").is_list()) {
      for (const Value& id : r.Get("messaging_ids").list_value()) {
        if (id.Get("network").string_value() == "wechat" && !id.Get("handle").IsEmpty()) {
          ++wechat_ids;
        }
      }
    }
  }
  EXPECT_EQ(counts[EntityType::kAccount], 100);
  EXPECT_GT(phones, 0);
  EXPECT_GT(wechat_ids, 0);
  EXPECT_TRUE(huawei_inside_a_name) << "a search for 华为 should find a name it does not start";
  EXPECT_EQ(data->logins.size(), 8u);
  EXPECT_EQ(data->logins[0].login, "admin");
  EXPECT_EQ(data->logins[0].password, "demo");
}

TEST(DemoData, RefusesAnUnknownLocaleNamingTheFlag) {
  EXPECT_TRUE(CheckDemoLocale("de").ok());
  EXPECT_TRUE(CheckDemoLocale("zh").ok());
  const absl::Status unknown = CheckDemoLocale("fr");
  EXPECT_EQ(unknown.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(unknown.message(), "--demo-locale")) << unknown;
  EXPECT_TRUE(absl::StrContains(unknown.message(), "de (German) or zh (Simplified Chinese)"))
      << unknown;
  DemoOptions options;
  options.accounts = 1;
  options.locale = "fr";
  const auto data = GenerateDemoData(options);
  EXPECT_EQ(data.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(data.status().message(), "--demo-locale")) << data.status();
}

}  // namespace
}  // namespace mcrm::server
