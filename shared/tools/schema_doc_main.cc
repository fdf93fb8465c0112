// mcrm-schema-doc: prints the data-model section of docs/sync-protocol.md, or with
// --update FILE rewrites the generated sections FILE holds in place (the data model of
// docs/sync-protocol.md, the table list of docs/sql-view.md).
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "mcrm/schema_doc.h"

int main(int argc, char** argv) {
  if (argc == 1) {
    std::fputs(mcrm::SchemaMarkdown().c_str(), stdout);
    return 0;
  }
  if (argc != 3 || std::string(argv[1]) != "--update") {
    std::fprintf(stderr,
                 "usage: mcrm-schema-doc [--update docs/sync-protocol.md|docs/sql-view.md]\n");
    return 2;
  }
  std::ifstream in(argv[2]);
  if (!in) {
    std::fprintf(stderr, "mcrm-schema-doc: cannot read %s\n", argv[2]);
    return 1;
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  auto updated = mcrm::ReplaceGeneratedSections(buffer.str());
  if (!updated.ok()) {
    std::fprintf(stderr, "mcrm-schema-doc: %s: %s\n", argv[2],
                 std::string(updated.status().message()).c_str());
    return 1;
  }
  std::ofstream out(argv[2], std::ios::trunc);
  out << *updated;
  return out ? 0 : 1;
}
