// A CSV import through the write path, on both stores: the problems an answer lists (more than it
// can hold: problems found when the rows are checked, ahead of the batches being written, and
// problems found when a batch is written, later, come out as the first of the file, whenever
// found), and the stable keys that name records across imports.
#include "csv_import.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

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

// The ids the store holds for these keys of accounts (key -> id).
absl::flat_hash_map<std::string, std::string> AccountIdsOfKeys(Store& store,
                                                               std::vector<std::string> keys) {
  absl::flat_hash_map<std::string, std::string> ids;
  const absl::Status read = store.Transact([&](StoreTx& tx) -> absl::Status {
    auto found = tx.IdsOfKeys(EntityType::kAccount, keys);
    if (!found.ok()) return found.status();
    ids = *std::move(found);
    return absl::OkStatus();
  });
  EXPECT_TRUE(read.ok()) << read;
  return ids;
}

v1::ImportCsvRequest AccountsCsv(std::string csv, bool dry_run = false) {
  v1::ImportCsvRequest request;
  request.set_entity("account");
  request.set_csv(std::move(csv));
  request.set_dry_run(dry_run);
  return request;
}

TEST(CsvImportTest, AKeyNamesTheRecordItsFirstImportMadeWhoseIdTellsWhen) {
  auto store = mcrm::testing::MakeFreshStore(mcrm::testing::StoreKindUnderTest());
  ASSERT_TRUE(store.ok()) << store.status();
  int64_t now = kT;
  HybridClock clock("server", [&] { return now; });
  WritePath writes(**store, clock, [&] { return now; });
  const Caller office{"office-user", "office-pc", kRoleDispatcher, {}};

  auto first = ImportCsv(writes, office,
                         AccountsCsv("key,name,kind\nERP-1,Alpha,organization\n"
                                     "ERP-2,Beta,organization\n"));
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->created(), 2u);
  auto ids = AccountIdsOfKeys(**store, {"ERP-1", "ERP-2"});
  ASSERT_EQ(ids.size(), 2u);
  for (const auto& [key, id] : ids) {
    auto uuid = ParseUuid(id);
    ASSERT_TRUE(uuid.ok()) << key << ": " << id;
    EXPECT_TRUE(IsUuidV7(id)) << id;
    EXPECT_EQ(uuid->unix_ms(), kT) << key << "'s record was made at the first import";
  }
  EXPECT_NE(ids["ERP-1"], ids["ERP-2"]);

  // An hour later, the edited file: one row changed, one the same, one new.
  now = kT + 3600000;
  auto second = ImportCsv(writes, office,
                          AccountsCsv("key,name,kind\nERP-1,Alpha GmbH,organization\n"
                                      "ERP-2,Beta,organization\nERP-3,Gamma,organization\n"));
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->created(), 1u);
  EXPECT_EQ(second->updated(), 1u);
  EXPECT_EQ(second->unchanged(), 1u);
  auto after = AccountIdsOfKeys(**store, {"ERP-1", "ERP-2", "ERP-3"});
  EXPECT_EQ(after["ERP-1"], ids["ERP-1"]);
  EXPECT_EQ(after["ERP-2"], ids["ERP-2"]);
  ASSERT_TRUE(after.contains("ERP-3"));
  EXPECT_EQ(ParseUuid(after["ERP-3"])->unix_ms(), now);
  auto alpha = (*store)->ReadRecords({ids["ERP-1"]});
  ASSERT_TRUE(alpha.ok() && alpha->size() == 1u);
  EXPECT_EQ((*alpha)[0].record.Get("name"), Value::String("Alpha GmbH"));

  // A dry run says a new key would make a record, and leaves the key naming nothing.
  auto dry =
      ImportCsv(writes, office, AccountsCsv("key,name,kind\nERP-4,Delta,organization\n", true));
  ASSERT_TRUE(dry.ok()) << dry.status();
  EXPECT_EQ(dry->created(), 1u);
  EXPECT_TRUE(AccountIdsOfKeys(**store, {"ERP-4"}).empty());

  // A row the write path refuses (an account needs its name) leaves its key naming nothing; the
  // corrected file, a day later, makes the record then.
  auto refused = ImportCsv(writes, office, AccountsCsv("key,name,kind\nERP-5,,organization\n"));
  ASSERT_TRUE(refused.ok()) << refused.status();
  EXPECT_EQ(refused->refused(), 1u);
  EXPECT_TRUE(AccountIdsOfKeys(**store, {"ERP-5"}).empty());
  now = kT + 86400000;
  auto corrected =
      ImportCsv(writes, office, AccountsCsv("key,name,kind\nERP-5,Epsilon,organization\n"));
  ASSERT_TRUE(corrected.ok()) << corrected.status();
  EXPECT_EQ(corrected->created(), 1u);
  auto epsilon = AccountIdsOfKeys(**store, {"ERP-5"});
  ASSERT_TRUE(epsilon.contains("ERP-5"));
  EXPECT_EQ(ParseUuid(epsilon["ERP-5"])->unix_ms(), now);
}

TEST(CsvImportTest, TwoImportsOfTheSameNewKeysAtOnceMakeEachRecordOnce) {
  auto store = mcrm::testing::MakeFreshStore(mcrm::testing::StoreKindUnderTest());
  ASSERT_TRUE(store.ok()) << store.status();
  HybridClock clock("server", [] { return kT; });
  WritePath writes(**store, clock, [] { return kT; });
  const Caller office{"office-user", "office-pc", kRoleDispatcher, {}};
  constexpr int kRows = 1200;  // three batches each
  std::string csv = "key,name,kind\n";
  std::vector<std::string> keys;
  for (int i = 0; i < kRows; ++i) {
    keys.push_back(absl::StrCat("K-", i));
    absl::StrAppend(&csv, keys.back(), ",Account ", i, ",organization\n");
  }
  absl::StatusOr<v1::ImportCsvResponse> answers[2];
  {
    std::thread other([&] { answers[1] = ImportCsv(writes, office, AccountsCsv(csv)); });
    answers[0] = ImportCsv(writes, office, AccountsCsv(csv));
    other.join();
  }
  ASSERT_TRUE(answers[0].ok()) << answers[0].status();
  ASSERT_TRUE(answers[1].ok()) << answers[1].status();
  // Whichever came first to each batch made its records; the other found them made.
  EXPECT_EQ(answers[0]->created() + answers[1]->created(), static_cast<uint32_t>(kRows));
  EXPECT_EQ(answers[0]->unchanged() + answers[1]->unchanged(), static_cast<uint32_t>(kRows));
  EXPECT_EQ(answers[0]->refused() + answers[1]->refused(), 0u);
  EXPECT_EQ(AccountIdsOfKeys(**store, keys).size(), static_cast<size_t>(kRows));
  FindQuery all;
  all.entity = EntityType::kAccount;
  all.limit = kMaxFindLimit;
  int64_t accounts = 0;
  do {
    auto page = (*store)->Find(all);
    ASSERT_TRUE(page.ok()) << page.status();
    accounts += static_cast<int64_t>(page->records.size());
    all.page_token = page->next_page_token;
  } while (!all.page_token.empty());
  EXPECT_EQ(accounts, kRows) << "no key made a second record";
}

TEST(CsvImportTest, AColumnNamesAnotherRecordByTheKeyItWasImportedWith) {
  auto store = mcrm::testing::MakeFreshStore(mcrm::testing::StoreKindUnderTest());
  ASSERT_TRUE(store.ok()) << store.status();
  HybridClock clock("server", [] { return kT; });
  WritePath writes(**store, clock, [] { return kT; });
  const Caller office{"office-user", "office-pc", kRoleDispatcher, {}};
  auto accounts = ImportCsv(writes, office,
                            AccountsCsv("key,name,kind\nK-100,Huber,organization\n"
                                        "K-200,Novak,organization\n"));
  ASSERT_TRUE(accounts.ok()) << accounts.status();
  auto ids = AccountIdsOfKeys(**store, {"K-100", "K-200"});
  ASSERT_EQ(ids.size(), 2u);

  // The contacts of the same ERP export name their customers by the customer numbers.
  v1::ImportCsvRequest contacts;
  contacts.set_entity("contact");
  contacts.set_csv(
      "key,account_key,last_name\nP-1,K-100,Huber\nP-2,K-999,Nobody\nP-3,K-200,Novak\n");
  auto answer = ImportCsv(writes, office, contacts);
  ASSERT_TRUE(answer.ok()) << answer.status();
  EXPECT_EQ(answer->created(), 2u);
  EXPECT_EQ(answer->refused(), 1u);
  ASSERT_EQ(answer->problems_size(), 1);
  EXPECT_EQ(answer->problems(0).line(), 3);
  EXPECT_EQ(answer->problems(0).column(), "account_key");
  EXPECT_THAT(answer->problems(0).reason(), HasSubstr("K-999"));
  FindQuery of_huber;
  of_huber.entity = EntityType::kContact;
  of_huber.where.push_back(
      {"account_id", FieldCondition::Op::kEquals, Value::String(ids["K-100"])});
  auto found = (*store)->Find(of_huber);
  ASSERT_TRUE(found.ok()) << found.status();
  ASSERT_EQ(found->records.size(), 1u);
  EXPECT_EQ(found->records[0].record.Get("last_name"), Value::String("Huber"));

  // Moving P-3 to the other customer by key is an update of its account.
  contacts.set_csv("key,account_key,last_name\nP-3,K-100,Novak\n");
  auto moved = ImportCsv(writes, office, contacts);
  ASSERT_TRUE(moved.ok()) << moved.status();
  EXPECT_EQ(moved->updated(), 1u);
  found = (*store)->Find(of_huber);
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ(found->records.size(), 2u);

  // A header that gives a field twice, or names by key what no import makes, is refused whole.
  contacts.set_csv("key,account_id,account_key,last_name\n");
  auto twice = ImportCsv(writes, office, contacts);
  EXPECT_EQ(twice.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(twice.status().message(), HasSubstr("account_key"));
  auto parent = ImportCsv(writes, office, AccountsCsv("key,name,kind,parent_account_key\n"));
  EXPECT_EQ(parent.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(parent.status().message(), HasSubstr("parent_account_id"));
  auto owner = ImportCsv(writes, office, AccountsCsv("key,name,kind,owner_key\n"));
  EXPECT_EQ(owner.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(owner.status().message(), HasSubstr("no import makes a user"));
}

TEST(CsvImportTest, EveryRowOfTheFileIsCountedAndEachProblemNamesItsColumn) {
  auto store = mcrm::testing::MakeFreshStore(mcrm::testing::StoreKindUnderTest());
  ASSERT_TRUE(store.ok()) << store.status();
  HybridClock clock("server", [] { return kT; });
  WritePath writes(**store, clock, [] { return kT; });
  const Caller office{"office-user", "office-pc", kRoleDispatcher, {}};
  // Line 2 is good; line 3 a formula (left out when the file is read); line 4 has no name (found
  // when its record is checked whole, as it is written); line 5 two bad cells, both reported.
  auto answer = ImportCsv(
      writes, office,
      AccountsCsv("key,name,kind,emails\nA-1,Alpha,organization,\n"
                  "A-2,=SUM(A1),organization,\nA-3,,organization,\nA-4,Delta,robot,not mail\n"));
  ASSERT_TRUE(answer.ok()) << answer.status();
  EXPECT_EQ(answer->rows(), 4u);
  EXPECT_EQ(answer->created(), 1u);
  EXPECT_EQ(answer->refused(), 3u);
  ASSERT_EQ(answer->problems_size(), 4);
  EXPECT_EQ(answer->problems(0).line(), 3);
  EXPECT_EQ(answer->problems(0).column(), "name");
  EXPECT_EQ(answer->problems(1).line(), 4);
  EXPECT_EQ(answer->problems(1).column(), "name");
  EXPECT_EQ(answer->problems(1).reason(), "required");
  EXPECT_EQ(answer->problems(2).line(), 5);
  EXPECT_EQ(answer->problems(2).column(), "kind");
  EXPECT_EQ(answer->problems(3).line(), 5);
  EXPECT_EQ(answer->problems(3).column(), "emails");
}

TEST(CsvImportTest, AnOrderLineNamesItsProductByTheKeyItWasImportedWith) {
  auto store = mcrm::testing::MakeFreshStore(mcrm::testing::StoreKindUnderTest());
  ASSERT_TRUE(store.ok()) << store.status();
  HybridClock clock("server", [] { return kT; });
  WritePath writes(**store, clock, [] { return kT; });
  const Caller office{"office-user", "office-pc", kRoleDispatcher, {}};
  const auto import = [&](const std::string& entity, const std::string& csv) {
    v1::ImportCsvRequest request;
    request.set_entity(entity);
    request.set_csv(csv);
    auto answer = ImportCsv(writes, office, request);
    EXPECT_TRUE(answer.ok()) << answer.status();
    return answer.ok() ? *answer : v1::ImportCsvResponse();
  };
  EXPECT_EQ(
      import("product", "key,sku,name,price_minor,currency\nART-1,A1,Schraube,150,EUR\n").created(),
      1u);
  EXPECT_EQ(import("account", "key,name,kind\nK-1,Huber,organization\n").created(), 1u);

  // The ERP's order lines name their articles by its article numbers.
  const v1::ImportCsvResponse orders = import(
      "order",
      "key,account_key,ordered_at,status,currency,lines\n"
      "O-1,K-1,2026-11-02T09:00:00Z,placed,EUR,"
      "\"[{\"\"product_key\"\":\"\"ART-1\"\",\"\"quantity\"\":2,\"\"unit_price_minor\"\":150}]\"\n"
      "O-2,K-1,2026-11-02T09:00:00Z,placed,EUR,"
      "\"[{\"\"product_key\"\":\"\"ART-9\"\",\"\"quantity\"\":1,\"\"unit_price_minor\"\":1}]\"\n");
  EXPECT_EQ(orders.created(), 1u);
  EXPECT_EQ(orders.refused(), 1u);
  ASSERT_EQ(orders.problems_size(), 1);
  EXPECT_EQ(orders.problems(0).line(), 3);
  EXPECT_EQ(orders.problems(0).column(), "lines");
  EXPECT_THAT(orders.problems(0).reason(), HasSubstr("[0].product_key: no product"));
  EXPECT_THAT(orders.problems(0).reason(), HasSubstr("ART-9"));

  absl::flat_hash_map<std::string, std::string> product, order;
  ASSERT_TRUE((*store)
                  ->Transact([&](StoreTx& tx) -> absl::Status {
                    auto p = tx.IdsOfKeys(EntityType::kProduct, {"ART-1"});
                    auto o = tx.IdsOfKeys(EntityType::kOrder, {"O-1"});
                    if (!p.ok()) return p.status();
                    if (!o.ok()) return o.status();
                    product = *p;
                    order = *o;
                    return absl::OkStatus();
                  })
                  .ok());
  ASSERT_EQ(product.size(), 1u);
  ASSERT_EQ(order.size(), 1u);
  auto stored = (*store)->ReadRecords({order["O-1"]});
  ASSERT_TRUE(stored.ok() && stored->size() == 1u);
  const Value lines = (*stored)[0].record.Get("lines");
  ASSERT_TRUE(lines.is_list() && lines.list_value().size() == 1u);
  EXPECT_EQ(lines.list_value()[0].struct_value().at("product_id"), Value::String(product["ART-1"]));
  EXPECT_FALSE(lines.list_value()[0].struct_value().contains("product_key"));
}

}  // namespace
}  // namespace mcrm::server
