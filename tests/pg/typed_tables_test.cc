// The master data as an analyst reads it in psql: typed tables in schema crm, one column per
// field with its SQL type, exact after every write, and rebuilt by themselves when the schema
// they were made from changes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <pqxx/pqxx>

#include "mcrm/hlc.h"
#include "mcrm/uuid.h"
#include "sample_records.h"
#include "test_stores.h"
#include "write_path.h"

namespace mcrm::server {
namespace {

using ::mcrm::testing::StoreKind;
using ::mcrm::testing::ValidSample;

constexpr int64_t kT = 1793696400000;

class TypedTablesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = mcrm::testing::MakeFreshStore(StoreKind::kPostgres, &uri_);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    writes_ = std::make_unique<WritePath>(*store_, clock_, [] { return kT; });
    office_.user_id = ids_.NextString(kT);
    office_.role = kRoleDispatcher;
  }

  // A new territory, created by the back office.
  std::string CreateTerritory(const std::string& name) {
    ChangeSet create;
    create.entity = EntityType::kTerritory;
    create.record_id = ids_.NextString(kT);
    create.changed[Spec(EntityType::kTerritory).FieldByName("name")->number] = Value::String(name);
    auto results = writes_->Write(Author::BackOffice(office_), {create});
    EXPECT_TRUE(results.ok()) << results.status();
    EXPECT_NE((*results)[0].result, MergeResult::kRejected) << (*results)[0].status;
    return create.record_id;
  }

  // A new account created by the back office, named `name` in territory `territory`, owned by
  // no one.
  std::string CreateAccount(const std::string& name, const std::string& territory) {
    Record account = ValidSample(EntityType::kAccount);
    for (const FieldSpec& field : Spec(EntityType::kAccount).fields) {
      if (field.server_computed) account.fields.erase(field.number);
    }
    account.fields.erase(Spec(EntityType::kAccount).FieldByName("owner_id")->number);
    account.Set("name", Value::String(name));
    account.Set("territory_id", Value::String(territory));
    ChangeSet create;
    create.entity = EntityType::kAccount;
    create.record_id = ids_.NextString(kT);
    create.changed = account.fields;
    auto results = writes_->Write(Author::BackOffice(office_), {create});
    EXPECT_TRUE(results.ok()) << results.status();
    EXPECT_NE((*results)[0].result, MergeResult::kRejected) << (*results)[0].status;
    return create.record_id;
  }

  std::string uri_;
  std::unique_ptr<Store> store_;
  HybridClock clock_{"server", [] { return kT; }};
  std::unique_ptr<WritePath> writes_;
  UuidV7Generator ids_;
  Caller office_;
};

TEST_F(TypedTablesTest, AnAnalystSelectsFieldsByNameWithTheirSqlTypes) {
  const std::string north = CreateTerritory("Nord"), south = CreateTerritory("Süd");
  const std::string id = CreateAccount("Nordlicht GmbH", north);
  CreateAccount("Südwind AG", south);

  pqxx::connection psql(uri_);
  pqxx::work tx(psql);
  const pqxx::result rows = tx.exec_params(
      "SELECT id, name, changed_via, changed_by, server_version, changed_at FROM crm.accounts "
      "WHERE territory_id = $1",
      north);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][0].as<std::string>(), id);
  EXPECT_EQ(rows[0][1].as<std::string>(), "Nordlicht GmbH");
  EXPECT_EQ(rows[0][2].as<std::string>(), "back_office");
  EXPECT_EQ(rows[0][3].as<std::string>(), office_.user_id);
  EXPECT_EQ(rows[0][4].as<int64_t>(), 1);
  EXPECT_FALSE(rows[0][5].is_null());

  // The columns carry the schema's types, and the lists and structs can be read in SQL.
  const auto type_of = [&](const char* column) {
    return tx
        .exec_params1(
            "SELECT data_type FROM information_schema.columns WHERE table_schema = 'crm' AND "
            "table_name = 'accounts' AND column_name = $1",
            std::string(column))[0]
        .as<std::string>();
  };
  EXPECT_EQ(type_of("id"), "uuid");
  EXPECT_EQ(type_of("name"), "text");
  EXPECT_EQ(type_of("health_score"), "bigint");
  EXPECT_EQ(type_of("territory_id"), "uuid");
  EXPECT_EQ(type_of("tags"), "ARRAY");
  EXPECT_EQ(type_of("phones"), "jsonb");
  EXPECT_EQ(type_of("changed_at"), "timestamp with time zone");
  const pqxx::row phone = tx.exec_params1(
      "SELECT phones->0->>'number' IS NOT NULL, cardinality(tags) FROM crm.accounts WHERE id = $1",
      id);
  EXPECT_TRUE(phone[0].as<bool>());
  EXPECT_GT(phone[1].as<int>(), 0);
  // Every entity has its table, named in the plural.
  EXPECT_EQ(tx.exec1("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'crm'")[0]
                .as<int>(),
            static_cast<int>(AllEntities().size()));
  EXPECT_EQ(tx.exec1("SELECT count(*) FROM crm.service_tasks")[0].as<int>(), 0);
  EXPECT_EQ(tx.exec1("SELECT count(*) FROM crm.opportunities")[0].as<int>(), 0);
}

TEST_F(TypedTablesTest, TextAndListsReadBackAsWrittenWhateverCharactersTheyHold) {
  // What a CSV or a hand-typed form may bring: quotes, backslashes, commas, braces, the word
  // NULL, line breaks and Chinese, in a text field and in the items of a list.
  const std::string name = "Müller \"Bau\" \\ GmbH, {Nord} NULL";
  const std::string notes = "line one\nline \"two\"\t\\end";
  const std::vector<std::string> tags = {"a;b", "{x}", "\"q\"", "back\\slash", "NULL", "华为 电气"};
  const std::string id = CreateAccount(name, CreateTerritory("Mitte"));
  ChangeSet edit;
  edit.entity = EntityType::kAccount;
  edit.record_id = id;
  edit.base_version = 1;
  std::vector<Value> tag_values;
  for (const std::string& tag : tags) tag_values.push_back(Value::String(tag));
  edit.changed[Spec(EntityType::kAccount).FieldByName("tags")->number] =
      Value::ListOf(std::move(tag_values));
  edit.changed[Spec(EntityType::kAccount).FieldByName("notes")->number] = Value::String(notes);
  auto results = writes_->Write(Author::BackOffice(office_), {edit});
  ASSERT_TRUE(results.ok()) << results.status();
  ASSERT_NE((*results)[0].result, MergeResult::kRejected) << (*results)[0].status;

  pqxx::connection psql(uri_);
  pqxx::work tx(psql);
  const pqxx::row row =
      tx.exec_params1("SELECT name, notes, cardinality(tags) FROM crm.accounts WHERE id = $1", id);
  EXPECT_EQ(row[0].as<std::string>(), name);
  EXPECT_EQ(row[1].as<std::string>(), notes);
  ASSERT_EQ(row[2].as<size_t>(), tags.size());
  const pqxx::result items = tx.exec_params(
      "SELECT t FROM crm.accounts, unnest(tags) WITH ORDINALITY AS u(t, n) WHERE id = $1 ORDER "
      "BY n",
      id);
  for (size_t i = 0; i < tags.size(); ++i) {
    EXPECT_FALSE(items[static_cast<int>(i)][0].is_null()) << i;
    EXPECT_EQ(items[static_cast<int>(i)][0].as<std::string>(), tags[i]) << i;
  }
}

TEST_F(TypedTablesTest, ASchemaChangeRebuildsTheTablesFromTheRecordsByItself) {
  const std::string territory = CreateTerritory("Ost");
  CreateAccount("Alpha", territory);
  CreateAccount("Beta", territory);
  {
    // What an older build left: a table without a column this build's schema has.
    pqxx::connection psql(uri_);
    pqxx::work tx(psql);
    tx.exec0("ALTER TABLE crm.accounts DROP COLUMN industry");
    tx.exec0(
        "UPDATE store_state SET value = 'the DDL of an older schema' WHERE key = "
        "'typed_tables'");
    tx.commit();
  }
  writes_.reset();
  store_.reset();
  auto reopened = OpenPostgresStore(uri_, 2);
  ASSERT_TRUE(reopened.ok()) << reopened.status();

  pqxx::connection psql(uri_);
  pqxx::work tx(psql);
  const pqxx::result rows =
      tx.exec("SELECT name, industry, changed_via FROM crm.accounts ORDER BY name");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0][0].as<std::string>(), "Alpha");
  EXPECT_EQ(rows[0][1].as<std::string>(),
            ValidSample(EntityType::kAccount).Get("industry").string_value());
  EXPECT_EQ(rows[0][2].as<std::string>(), "back_office") << "the author survives the rebuild";
}

}  // namespace
}  // namespace mcrm::server
