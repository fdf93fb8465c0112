// What mcrm-server is told to do at start: where to listen and which store to use.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "mcrm/endpoint.h"

namespace mcrm::server {

// Where the master store lives.
struct StoreSpec {
  enum class Kind { kSqlite, kPostgres };
  Kind kind = Kind::kSqlite;
  // SQLite: the database file path. PostgreSQL: the postgresql:// URI.
  std::string location;

  absl::string_view KindName() const { return kind == Kind::kSqlite ? "sqlite" : "postgresql"; }
  // For the start-up log line; a PostgreSQL URI is shown without its password.
  std::string Describe() const;
};

// mcrm-server's validated configuration.
struct ServerConfig {
  Endpoint listen;
  std::string data_dir;
  StoreSpec store;
};

// Builds the configuration from raw flag values. `database` empty means the embedded SQLite store
// in `data_dir`; otherwise a postgresql:// (or postgres://) URI, or sqlite:PATH.
absl::StatusOr<ServerConfig> MakeServerConfig(absl::string_view listen, absl::string_view data_dir,
                                              absl::string_view database);

}  // namespace mcrm::server
