// Finding records by their fields, on the typed tables of both stores: filters, order, keyset
// pages, full-text search (Chinese included), and that the tables follow every write exactly.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <functional>

#include "absl/strings/str_format.h"
#include "mcrm/uuid.h"
#include "sample_records.h"
#include "store/find_query.h"
#include "test_stores.h"

namespace mcrm::server {
namespace {

using ::mcrm::testing::F;
using ::mcrm::testing::ValidSample;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr int64_t kT = 1793696400000;

class FindTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = mcrm::testing::MakeFreshStore(mcrm::testing::StoreKindUnderTest());
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    territory_a_ = ids_.NextString(kT);
    territory_b_ = ids_.NextString(kT);
  }

  std::string NewId() { return ids_.NextString(kT + (counter_++)); }

  StoredRecord Account(const std::string& name, std::function<void(Record&)> edit = nullptr) {
    Record sample = ValidSample(EntityType::kAccount);
    sample.Set("name", Value::String(name));
    if (edit) edit(sample);
    return mcrm::testing::CreatedThroughMerge(sample, NewId(), NewId(), kT);
  }

  void Save(const std::vector<StoredRecord>& records) {
    ASSERT_TRUE(store_->Transact([&](StoreTx& tx) { return tx.SaveRecords(records); }).ok());
  }

  // The names of a find's records, all pages followed.
  std::vector<std::string> Names(FindQuery query) {
    std::vector<std::string> names;
    for (int pages = 0; pages < 100; ++pages) {
      auto page = store_->Find(query);
      EXPECT_TRUE(page.ok()) << page.status();
      if (!page.ok()) break;
      for (const StoredRecord& r : page->records) {
        const Value& name = r.record.Get("name");
        names.push_back(name.is_string() ? name.string_value() : "?");
      }
      if (page->next_page_token.empty()) break;
      query.page_token = page->next_page_token;
    }
    return names;
  }

  static FieldCondition Equals(std::string field, Value value) {
    return FieldCondition{std::move(field), FieldCondition::Op::kEquals, std::move(value)};
  }

  std::unique_ptr<Store> store_;
  UuidV7Generator ids_;
  int64_t counter_ = 0;
  std::string territory_a_, territory_b_;
};

TEST_F(FindTest, FiltersByFieldsSortsByNameAndPagesThroughEveryMatch) {
  std::vector<StoredRecord> accounts;
  std::vector<std::string> want;
  for (int i = 29; i >= 0; --i) {
    const std::string name = absl::StrFormat("Customer %02d", i);
    const std::string tier = std::string(1, "abc"[i % 3]);
    const std::string territory = i % 2 == 0 ? territory_a_ : territory_b_;
    accounts.push_back(Account(name, [&](Record& r) {
      r.Set("value_tier", Value::String(tier));
      r.Set("territory_id", Value::String(territory));
    }));
    if (tier == "a" && territory == territory_a_) want.insert(want.begin(), name);
  }
  Save(accounts);
  ASSERT_EQ(want.size(), 5u);  // 0, 6, 12, 18, 24

  FindQuery query;
  query.where = {Equals("territory_id", Value::String(territory_a_)),
                 Equals("value_tier", Value::String("a"))};
  query.order_by = "name";
  query.limit = 2;
  EXPECT_THAT(Names(query), ElementsAreArray(want)) << "three pages of 2, 2 and 1";
  query.descending = true;
  EXPECT_THAT(Names(query), ElementsAreArray(std::vector<std::string>(want.rbegin(), want.rend())));

  FindQuery first;
  first.order_by = "name";
  first.limit = 3;
  auto page = store_->Find(first);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->records.size(), 3u);
  EXPECT_EQ(page->records[0].record.Get("name"), Value::String("Customer 00"));
  EXPECT_FALSE(page->next_page_token.empty());
  EXPECT_EQ(page->records[0].record, accounts.back().record) << "the stored record, whole";

  FindQuery range;
  range.where = {
      FieldCondition{"name", FieldCondition::Op::kAtLeast, Value::String("Customer 27")}};
  range.order_by = "name";
  EXPECT_THAT(Names(range), ElementsAre("Customer 27", "Customer 28", "Customer 29"));
}

TEST_F(FindTest, UnsetValuesComeFirstAscendingAndLastDescendingAcrossPages) {
  const auto segment = [](const char* value) {
    return [value](Record& r) {
      if (value == nullptr) {
        r.fields.erase(F(EntityType::kAccount, "segment"));
      } else {
        r.Set("segment", Value::String(value));
      }
    };
  };
  Save({Account("b", segment("x2")), Account("a", segment("x1")),
        Account("no segment 1", segment(nullptr)), Account("no segment 2", segment(nullptr))});
  FindQuery all;
  all.order_by = "segment";
  all.limit = 1;
  const std::vector<std::string> ascending = Names(all);
  ASSERT_EQ(ascending.size(), 4u);
  EXPECT_THAT(std::vector<std::string>(ascending.begin(), ascending.begin() + 2),
              ::testing::UnorderedElementsAre("no segment 1", "no segment 2"));
  EXPECT_THAT(std::vector<std::string>(ascending.begin() + 2, ascending.end()),
              ElementsAre("a", "b"));
  all.descending = true;
  const std::vector<std::string> descending = Names(all);
  EXPECT_THAT(descending,
              ElementsAreArray(std::vector<std::string>(ascending.rbegin(), ascending.rend())));
  FindQuery unset;
  unset.where = {Equals("segment", Value::Null())};
  unset.order_by = "name";
  EXPECT_THAT(Names(unset), ElementsAre("no segment 1", "no segment 2"));
}

TEST_F(FindTest, SearchFindsChineseWordsInsideNamesGermanPrefixesAndPhoneEndings) {
  const auto phone = [](const char* number) {
    return [number](Record& r) {
      r.Set("phones", Value::ListOf({Value::StructOf(
                          {{"kind", Value::String("work")}, {"number", Value::String(number)}})}));
    };
  };
  Save({Account("深圳华为技术有限公司", phone("+86 755 2878 0808")),
        Account("Müller Maschinenbau GmbH", phone("+49 711 123456")),
        Account("上海电气集团", phone("+86 21 6321 0000"))});
  const auto found = [&](const std::string& search) {
    FindQuery query;
    query.search = search;
    query.order_by = "name";
    return Names(query);
  };
  EXPECT_THAT(found("华为"), ElementsAre("深圳华为技术有限公司"));
  EXPECT_THAT(found("技术"), ElementsAre("深圳华为技术有限公司"));
  EXPECT_THAT(found("华技"), IsEmpty()) << "two characters that are not next to each other";
  EXPECT_THAT(found("0808"), ElementsAre("深圳华为技术有限公司")) << "a phone number's ending";
  EXPECT_THAT(found("mül masch"), ElementsAre("Müller Maschinenbau GmbH"));
  EXPECT_THAT(found("MÜLLER"), ElementsAre("Müller Maschinenbau GmbH"));
  EXPECT_THAT(found("集团"), ElementsAre("上海电气集团"));
  EXPECT_THAT(found("müller 华为"), IsEmpty()) << "every word must match";
  EXPECT_THAT(found("  ,. "), ::testing::SizeIs(3)) << "no words: no search condition";
}

// Names sort as the app sorts them (mcrm/sort_key.h), not in the database's own text order:
// Chinese in pinyin order, then Latin with accents after the plain letter and case ignored.
TEST_F(FindTest, NamesSortInPinyinAndDictionaryOrderAsInTheApp) {
  const std::vector<std::string> want = {"阿里巴巴",  "百度",        "北京华为", "深圳腾讯",
                                         "张三科技",  "中国移动",    "Äpfel AG", "Muller KG",
                                         "Müller KG", "mutter gmbh", "Zeta AG"};
  std::vector<StoredRecord> accounts;
  for (auto it = want.rbegin(); it != want.rend(); ++it) accounts.push_back(Account(*it));
  accounts.push_back(Account("müller kg"));  // the same key as "Müller KG": ordered by id
  Save(accounts);
  FindQuery by_name;
  by_name.order_by = "name";
  by_name.limit = 2;  // keyset pages over the keys
  std::vector<std::string> with_twin = want;
  with_twin.insert(with_twin.begin() + 9, "müller kg");
  EXPECT_THAT(Names(by_name), ElementsAreArray(with_twin));
  by_name.descending = true;
  EXPECT_THAT(Names(by_name),
              ElementsAreArray(std::vector<std::string>(with_twin.rbegin(), with_twin.rend())));
  // An equality filter reads the keys' index, and still tells case apart.
  FindQuery exact;
  exact.where = {Equals("name", Value::String("Müller KG"))};
  EXPECT_THAT(Names(exact), ElementsAre("Müller KG"));
  // A range of names is a range in that order: from M to N takes no Chinese name.
  FindQuery range;
  range.where = {{"name", FieldCondition::Op::kAtLeast, Value::String("M")},
                 {"name", FieldCondition::Op::kAtMost, Value::String("N")}};
  range.order_by = "name";
  EXPECT_THAT(Names(range), ElementsAre("Muller KG", "Müller KG", "müller kg", "mutter gmbh"));
}

// A search is answered one way when few records match (all of them sorted) and another when
// many do (read in order from the sort index): both give the same order and pages.
TEST_F(FindTest, SearchesMatchingFewAndManyRecordsComeSortedAndPaged) {
  std::vector<StoredRecord> accounts;
  std::vector<std::string> bau;
  for (int i = kSortedSearchMatches + 20 - 1; i >= 0; --i) {
    bau.push_back(absl::StrFormat("Bau %05d", i));
    accounts.push_back(Account(bau.back()));
  }
  accounts.push_back(Account("Nord 00450"));
  Save(accounts);
  std::reverse(bau.begin(), bau.end());
  const auto found = [&](const std::string& search, bool descending = false,
                         int limit = kMaxFindLimit) {
    FindQuery query;
    query.search = search;
    query.order_by = "name";
    query.descending = descending;
    query.limit = limit;
    return Names(query);
  };
  EXPECT_THAT(found("bau"), ElementsAreArray(bau)) << "many matches";
  // Pages of seven (Names follows a hundred): keyset pages of the many, then of the few once
  // no more than kSortedSearchMatches are left after the page.
  const std::vector<std::string> first_700(bau.begin(), bau.begin() + 700);
  EXPECT_THAT(found("bau", /*descending=*/false, /*limit=*/7), ElementsAreArray(first_700));
  const std::vector<std::string> last_700(bau.rbegin(), bau.rbegin() + 700);
  EXPECT_THAT(found("bau", /*descending=*/true, /*limit=*/7), ElementsAreArray(last_700));
  EXPECT_THAT(found("bau", /*descending=*/true),
              ElementsAreArray(std::vector<std::string>(bau.rbegin(), bau.rend())));
  // Few: "0450" begins 04500..04509 and ends 00450.
  std::vector<std::string> few = {"Bau 00450"};
  for (int i = 4500; i < 4510; ++i) few.push_back(absl::StrFormat("Bau %05d", i));
  EXPECT_THAT(found("bau 0450"), ElementsAreArray(few));
  EXPECT_THAT(found("bau 0450", /*descending=*/false, /*limit=*/3), ElementsAreArray(few))
      << "in pages of three";
  EXPECT_THAT(found("0450"), ::testing::Contains("Nord 00450"));
}

TEST_F(FindTest, TheTablesFollowEveryWriteAndNothingOfARolledBackOne) {
  StoredRecord account = Account("Kept");
  Save({account, Account("Other")});
  FindQuery by_name;
  by_name.where = {Equals("name", Value::String("Kept"))};
  EXPECT_THAT(Names(by_name), ElementsAre("Kept"));

  // A change of the name moves it; a rolled back change leaves nothing behind.
  StoredRecord renamed = account;
  renamed.record.Set("name", Value::String("Renamed"));
  renamed.record.meta.server_version = 2;
  Save({renamed});
  EXPECT_THAT(Names(by_name), IsEmpty());
  StoredRecord rolled_back = renamed;
  rolled_back.record.Set("name", Value::String("Kept"));
  rolled_back.record.meta.server_version = 3;
  EXPECT_FALSE(store_
                   ->Transact([&](StoreTx& tx) -> absl::Status {
                     if (absl::Status s = tx.SaveRecords({rolled_back}); !s.ok()) return s;
                     return absl::InternalError("the work failed after writing");
                   })
                   .ok());
  EXPECT_THAT(Names(by_name), IsEmpty());

  // A tombstone leaves the table.
  StoredRecord deleted = renamed;
  deleted.record.meta.deleted = true;
  deleted.record.meta.server_version = 3;
  Save({deleted});
  FindQuery everything;
  everything.order_by = "name";
  EXPECT_THAT(Names(everything), ElementsAre("Other"));
}

TEST_F(FindTest, RefusesQueriesItCannotAnswerAndNamesThePart) {
  const auto refusal = [&](FindQuery query) {
    auto page = store_->Find(query);
    EXPECT_FALSE(page.ok());
    EXPECT_EQ(page.status().code(), absl::StatusCode::kInvalidArgument);
    return std::string(page.status().message());
  };
  FindQuery query;
  query.where = {Equals("colour", Value::String("red"))};
  EXPECT_THAT(refusal(query), HasSubstr("where[0].field"));
  query.where = {Equals("name", Value::Int(3))};
  EXPECT_THAT(refusal(query), HasSubstr("where[0].value"));
  query.where = {FieldCondition{"name", FieldCondition::Op::kContains, Value::String("x")}};
  EXPECT_THAT(refusal(query), HasSubstr("where[0].op"));
  query.where = {Equals("owner_id", Value::String("01890A5D-AC96-774B-BCCE-B302099A8057"))};
  EXPECT_THAT(refusal(query), HasSubstr("where[0].value"));

  // A page token made for one query is not a page of another (another order, conditions, search
  // or direction), nor is one altered by hand.
  Save({Account("One"), Account("Two"), Account("Three")});
  FindQuery by_name;
  by_name.order_by = "name";
  by_name.limit = 1;
  auto first = store_->Find(by_name);
  ASSERT_TRUE(first.ok()) << first.status();
  FindQuery other = by_name;
  other.order_by = "segment";
  other.page_token = first->next_page_token;
  EXPECT_THAT(refusal(other), HasSubstr("page_token"));
  for (const auto& change : std::vector<std::function<void(FindQuery&)>>{
           [](FindQuery& q) { q.where = {Equals("kind", Value::String("person"))}; },
           [](FindQuery& q) { q.search = "one"; }, [](FindQuery& q) { q.descending = true; },
           [](FindQuery& q) {
             q.entity = EntityType::kContact;
             q.order_by = "last_name";
           }}) {
    FindQuery changed = by_name;
    change(changed);
    changed.page_token = first->next_page_token;
    EXPECT_THAT(refusal(changed), HasSubstr("page_token"));
  }
  FindQuery same = by_name;
  same.page_token = first->next_page_token;
  EXPECT_TRUE(store_->Find(same).ok()) << "the same query takes its token";
  query.where.clear();
  query.order_by = "tags";
  EXPECT_THAT(refusal(query), HasSubstr("order_by"));
  query.order_by = "name";
  query.limit = 0;
  EXPECT_THAT(refusal(query), HasSubstr("limit"));
  query.limit = 10;
  query.page_token = "not a token";
  EXPECT_THAT(refusal(query), HasSubstr("page_token"));
  query.page_token.clear();
  query.search = std::string(300, 'x');
  EXPECT_THAT(refusal(query), HasSubstr("search"));
  query.search.clear();
  query.order_by = "website";
  EXPECT_THAT(refusal(query), HasSubstr("order_by: account lists do not sort by website"));
  query.order_by = "name";
  query.where = {Equals("value_tier", Value::String("z"))};
  EXPECT_THAT(refusal(query), HasSubstr("where[0].value"));
  query.where = {
      FieldCondition{"parent_account_id", FieldCondition::Op::kEquals, Value::String("not-an-id")}};
  EXPECT_THAT(refusal(query), HasSubstr("where[0].value"));
  query.where.assign(17, Equals("name", Value::String("x")));
  EXPECT_THAT(refusal(query), HasSubstr("where: 17 conditions"));
  query.where.clear();
  query.entity = static_cast<EntityType>(99);
  EXPECT_THAT(refusal(query), HasSubstr("entity"));
  query.entity = EntityType::kAccount;

  // A list is asked whether it holds a value.
  Save({Account("Tagged", [](Record& r) {
    r.Set("tags", Value::ListOf({Value::String("vip"), Value::String("north")}));
  })});
  FindQuery tagged;
  tagged.where = {FieldCondition{"tags", FieldCondition::Op::kContains, Value::String("north")}};
  EXPECT_THAT(Names(tagged), ElementsAre("Tagged"));
}

// The embedded store's tables are made anew from the records when the schema they were made
// from changes, as PostgreSQL's are (tests/pg/typed_tables_test.cc).
TEST_F(FindTest, TheEmbeddedStoreRebuildsItsTablesWhenTheSchemaChanged) {
  if (mcrm::testing::StoreKindUnderTest() != mcrm::testing::StoreKind::kSqlite) {
    GTEST_SKIP() << "the PostgreSQL store's rebuild has its own test";
  }
  std::string path;
  auto store = mcrm::testing::MakeFreshStore(mcrm::testing::StoreKind::kSqlite, &path);
  ASSERT_TRUE(store.ok()) << store.status();
  store_ = *std::move(store);
  Save({Account("深圳华为技术有限公司"), Account("Alpha")});
  store_.reset();
  {
    // What an older build left: a table without a column, and its search rows gone.
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(
        sqlite3_exec(db,
                     "ALTER TABLE accounts DROP COLUMN industry; DELETE FROM accounts_search; "
                     "UPDATE store_state SET value = 'an older schema' WHERE key = "
                     "'typed_tables'",
                     nullptr, nullptr, nullptr),
        SQLITE_OK)
        << sqlite3_errmsg(db);
    sqlite3_close(db);
  }
  auto reopened = OpenSqliteStore(path);
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  store_ = *std::move(reopened);
  FindQuery query;
  query.search = "华为";
  EXPECT_THAT(Names(query), ElementsAre("深圳华为技术有限公司"));
  query.search.clear();
  query.where = {Equals("industry", ValidSample(EntityType::kAccount).Get("industry"))};
  query.order_by = "name";
  EXPECT_THAT(Names(query), ElementsAre("深圳华为技术有限公司", "Alpha"));
}

}  // namespace
}  // namespace mcrm::server
