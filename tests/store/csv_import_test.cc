// A CSV import through the write path, on both stores, with more problems than an answer lists:
// problems found when the rows are checked (ahead of the batches being written) and problems
// found when a batch is written (later) come out as the first of the file, whenever found.
#include "csv_import.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "mcrm/scope_rule.h"
#include "mcrm/uuid.h"
#include "sample_records.h"
#include "test_stores.h"

namespace mcrm::server {
namespace {

using ::mcrm::testing::ValidSample;
using ::testing::HasSubstr;

constexpr int64_t kT = 1793696400000;

TEST(CsvImportTest, TheAnswerListsTheFirstProblemsOfTheFileWhicheverBatchFoundThem) {
  auto store = mcrm::testing::MakeFreshStore(mcrm::testing::StoreKindUnderTest());
  ASSERT_TRUE(store.ok()) << store.status();
  UuidV7Generator ids;
  int64_t tick = 0;
  const auto new_id = [&] { return ids.NextString(kT + tick++); };
  // Two contacts, whose ids the file gives to accounts: the write path refuses those rows.
  std::vector<std::string> contacts;
  std::vector<StoredRecord> saved;
  for (int i = 0; i < 2; ++i) {
    contacts.push_back(new_id());
    saved.push_back(mcrm::testing::CreatedThroughMerge(ValidSample(EntityType::kContact),
                                                       contacts.back(), new_id(), kT));
  }
  ASSERT_TRUE((*store)->Transact([&](StoreTx& tx) { return tx.SaveRecords(saved); }).ok());

  // 3,000 rows (lines 2 to 3001), six batches: a contact's id on line 10 (the first batch) and
  // on line 1100 (the third), and an unknown kind on each of lines 1202 to 2701.
  constexpr int kRows = 3000;
  std::string csv = "id,name,kind\n";
  for (int i = 0; i < kRows; ++i) {
    const int line = i + 2;
    const std::string id = line == 10 ? contacts[0] : line == 1100 ? contacts[1] : new_id();
    const bool bad_kind = line >= 1202 && line <= 2701;
    absl::StrAppend(&csv, id, ",Account ", i, ",", bad_kind ? "robot" : "organization", "\n");
  }
  HybridClock clock("server", [] { return kT; });
  WritePath writes(**store, clock, [] { return kT; });
  const Caller office{"office-user", "office-pc", kRoleDispatcher, {}};
  v1::ImportCsvRequest request;
  request.set_entity("account");
  request.set_csv(csv);
  auto answer = ImportCsv(writes, office, request);
  ASSERT_TRUE(answer.ok()) << answer.status();

  EXPECT_EQ(answer->rows(), static_cast<uint32_t>(kRows));
  EXPECT_EQ(answer->refused(), 2u + 1500u);
  EXPECT_EQ(answer->created(), static_cast<uint32_t>(kRows - 1502));
  ASSERT_EQ(answer->problems_size(), 1000);
  EXPECT_EQ(answer->problems_left_out(), 502u);
  EXPECT_EQ(answer->problems(0).line(), 10);
  EXPECT_THAT(answer->problems(0).reason(), HasSubstr("contact"));
  EXPECT_EQ(answer->problems(1).line(), 1100) << "found by the third batch, after later rows";
  EXPECT_THAT(answer->problems(1).reason(), HasSubstr("contact"));
  for (int k = 2; k < 1000; ++k) {
    ASSERT_EQ(answer->problems(k).line(), 1200 + k) << k;
    EXPECT_EQ(answer->problems(k).column(), "kind");
  }
}

}  // namespace
}  // namespace mcrm::server
