// main() for tests that run against one store kind, chosen by --store=sqlite|pg.
#include <gtest/gtest.h>

#include <cstring>

#include "test_stores.h"

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--store=pg") == 0) {
      mcrm::testing::SetStoreKindUnderTest(mcrm::testing::StoreKind::kPostgres);
    } else if (std::strcmp(argv[i], "--store=sqlite") == 0) {
      mcrm::testing::SetStoreKindUnderTest(mcrm::testing::StoreKind::kSqlite);
    } else {
      std::fprintf(stderr, "unknown argument %s (expected --store=sqlite|pg)\n", argv[i]);
      return 2;
    }
  }
  return RUN_ALL_TESTS();
}
