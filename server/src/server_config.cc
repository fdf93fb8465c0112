#include "server_config.h"

#include <regex>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "mcrm/status_macros.h"

namespace mcrm::server {

std::string StoreSpec::Describe() const {
  if (kind == Kind::kSqlite) return absl::StrCat("sqlite:", location);
  // postgresql://user:secret@host/db -> postgresql://user:***@host/db
  static const std::regex kPassword(R"(^(postgres(?:ql)?://[^:/@]*):[^@]*@)");
  return absl::StrCat("postgresql:", std::regex_replace(location, kPassword, "$1:***@"));
}

absl::StatusOr<ServerConfig> MakeServerConfig(absl::string_view listen, absl::string_view data_dir,
                                              absl::string_view database) {
  ServerConfig config;
  auto endpoint = ParseEndpoint(listen, /*allow_any_port=*/true);
  if (!endpoint.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("--listen: ", endpoint.status().message()));
  }
  config.listen = *std::move(endpoint);
  if (data_dir.empty()) return absl::InvalidArgumentError("--data-dir: must not be empty");
  config.data_dir = std::string(data_dir);

  if (database.empty()) {
    config.store = {StoreSpec::Kind::kSqlite, absl::StrCat(config.data_dir, "/mcrm.sqlite3")};
  } else if (absl::StartsWith(database, "postgresql://") ||
             absl::StartsWith(database, "postgres://")) {
    config.store = {StoreSpec::Kind::kPostgres, std::string(database)};
  } else if (absl::StartsWith(database, "sqlite:")) {
    absl::string_view path = database.substr(7);
    if (path.empty()) return absl::InvalidArgumentError("--database: sqlite: needs a file path");
    config.store = {StoreSpec::Kind::kSqlite, std::string(path)};
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("--database: \"", database,
                     "\" is neither a postgresql:// URI nor sqlite:PATH (leave it empty for the "
                     "embedded store)"));
  }
  return config;
}

}  // namespace mcrm::server
