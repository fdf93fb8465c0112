// The schema table's own rules, and docs/sync-protocol.md staying in step with it.
#include "mcrm/schema.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "absl/strings/ascii.h"
#include "mcrm/pipeline.h"
#include "mcrm/schema_doc.h"
#include "mcrm/sql_view.h"

namespace mcrm {
namespace {

bool IsLowerSnake(const std::string& name) {
  if (name.empty() || !absl::ascii_islower(static_cast<unsigned char>(name[0]))) return false;
  for (char c : name) {
    if (!absl::ascii_islower(static_cast<unsigned char>(c)) &&
        !absl::ascii_isdigit(static_cast<unsigned char>(c)) && c != '_') {
      return false;
    }
  }
  return true;
}

void CheckFields(const std::string& owner, const std::vector<FieldSpec>& fields,
                 const std::vector<uint32_t>& reserved) {
  std::set<uint32_t> numbers(reserved.begin(), reserved.end());
  std::set<std::string> names;
  for (const FieldSpec& field : fields) {
    const std::string where = owner + "." + field.name;
    EXPECT_GT(field.number, 0u) << where;
    EXPECT_TRUE(numbers.insert(field.number).second) << where << ": number reused or reserved";
    EXPECT_TRUE(names.insert(field.name).second) << where << ": name repeats";
    EXPECT_TRUE(IsLowerSnake(field.name)) << where;
    EXPECT_FALSE(field.doc.empty()) << where << ": every field says what it means";
    const bool shaped = field.type == FieldType::kStruct || field.type == FieldType::kStructList;
    EXPECT_EQ(shaped, field.shape != nullptr) << where;
    EXPECT_EQ(field.type == FieldType::kEnum, !field.enum_values.empty()) << where;
    if (field.shape != nullptr) CheckFields(where, field.shape->fields, {});
    if (field.shape != nullptr && field.searchable) {
      // A struct is searched through its searchable members; with none, nothing is.
      bool any = false;
      for (const FieldSpec& member : field.shape->fields) any = any || member.searchable;
      EXPECT_TRUE(any) << where << ": searchable, but none of its members is";
    }
  }
}

TEST(Schema, EveryEntityIsWellFormed) {
  const auto& all = AllEntities();
  ASSERT_EQ(all.size(), 14u);
  std::set<std::string> names;
  for (size_t i = 0; i < all.size(); ++i) {
    const EntitySpec& entity = all[i];
    EXPECT_EQ(static_cast<size_t>(entity.type), i + 1)
        << entity.name << ": out of EntityType order";
    EXPECT_TRUE(names.insert(entity.name).second) << entity.name;
    EXPECT_TRUE(IsLowerSnake(entity.name)) << entity.name;
    EXPECT_FALSE(entity.doc.empty()) << entity.name;
    EXPECT_NE(entity.validate, nullptr) << entity.name;
    EXPECT_EQ(FindEntity(entity.name), &entity);
    CheckFields(entity.name, entity.fields, entity.reserved);
  }
  EXPECT_EQ(FindEntity("acount"), nullptr);
}

TEST(Schema, ScopedEntitiesDeclareTheFieldsTheirScopeFollows) {
  for (const EntitySpec& entity : AllEntities()) {
    std::set<ScopeRole> roles;
    for (const FieldSpec& field : entity.fields) roles.insert(field.scope_role);
    switch (entity.scope) {
      case ScopeKind::kOwnerOrTerritory:
        EXPECT_TRUE(roles.contains(ScopeRole::kOwner) && roles.contains(ScopeRole::kTerritory))
            << entity.name;
        break;
      case ScopeKind::kByAccount:
        EXPECT_TRUE(roles.contains(ScopeRole::kAccount)) << entity.name;
        break;
      case ScopeKind::kByAssignee:
        EXPECT_TRUE(roles.contains(ScopeRole::kAssignee)) << entity.name;
        break;
      default:
        break;
    }
  }
}

TEST(Schema, EveryOpportunityStageHasADefaultProbability) {
  for (const std::string& stage : OpportunityStageNames()) {
    ASSERT_TRUE(DefaultWinProbability(stage).has_value()) << stage;
  }
  EXPECT_EQ(*DefaultWinProbability("closed_won"), 100);
  EXPECT_EQ(*DefaultWinProbability("closed_lost"), 0);
  EXPECT_FALSE(DefaultWinProbability("won").has_value());
}

TEST(Schema, TheProtocolDocumentDescribesThisSchema) {
  std::ifstream in(std::string(MCRM_SOURCE_DIR) + "/docs/sync-protocol.md");
  ASSERT_TRUE(in) << "cannot read docs/sync-protocol.md";
  std::stringstream text;
  text << in.rdbuf();
  auto regenerated = ReplaceSchemaSection(text.str());
  ASSERT_TRUE(regenerated.ok()) << regenerated.status();
  EXPECT_TRUE(*regenerated == text.str())
      << "docs/sync-protocol.md is out of date with the schema; run\n"
         "  build/debug/shared/mcrm-schema-doc --update docs/sync-protocol.md";
}

TEST(Schema, TheSqlViewDocumentDescribesThisSchema) {
  std::ifstream in(std::string(MCRM_SOURCE_DIR) + "/docs/sql-view.md");
  ASSERT_TRUE(in) << "cannot read docs/sql-view.md";
  std::stringstream text;
  text << in.rdbuf();
  auto regenerated = ReplaceGeneratedSections(text.str());
  ASSERT_TRUE(regenerated.ok()) << regenerated.status();
  EXPECT_TRUE(*regenerated == text.str())
      << "docs/sql-view.md is out of date with the schema; run\n"
         "  build/debug/shared/mcrm-schema-doc --update docs/sql-view.md";
}

TEST(Schema, NoFieldIsNamedLikeAColumnEveryTypedTableHas) {
  for (const EntitySpec& entity : AllEntities()) {
    for (const FieldSpec& field : entity.fields) {
      EXPECT_NE(field.name, "id") << entity.name;
      EXPECT_NE(field.name, "search_terms") << entity.name;
      for (const SqlChangeColumn& column : kSqlChangeColumns) {
        EXPECT_NE(field.name, column.name) << entity.name;
      }
    }
  }
}

TEST(Schema, ListIndexesNameAFilterFieldAndASortableField) {
  for (const EntitySpec& entity : AllEntities()) {
    for (const ListIndex& list : entity.list_indexes) {
      ASSERT_FALSE(list.filters.empty()) << entity.name << ": " << list.sort;
      for (const std::string& filter : list.filters) {
        const FieldSpec* f = entity.FieldByName(filter);
        ASSERT_NE(f, nullptr) << entity.name << ": " << filter;
        EXPECT_TRUE(IsScalar(SqlTypeOf(f->type))) << entity.name << "." << filter;
      }
      const std::string& sort = list.sort;
      const FieldSpec* o = entity.FieldByName(sort);
      ASSERT_NE(o, nullptr) << entity.name << ": " << sort;
      EXPECT_TRUE(IsIndexed(*o) && IsScalar(SqlTypeOf(o->type)))
          << entity.name << "." << sort << ": lists sort only by indexed fields";
    }
  }
}

TEST(SchemaDoc, RefusesADocumentWithoutMarkers) {
  auto replaced = ReplaceSchemaSection("# no markers here\n");
  EXPECT_EQ(replaced.status().code(), absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace mcrm
