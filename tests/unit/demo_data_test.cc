#include "demo_data.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <numeric>

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

}  // namespace
}  // namespace mcrm::server
