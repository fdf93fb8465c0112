// Makes fresh stores for tests: a SQLite file in a temp directory, or a new database in the
// test PostgreSQL cluster (MCRM_TEST_PG_URI).
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "server_process.h"
#include "store/store.h"

namespace mcrm::testing {

enum class StoreKind { kSqlite, kPostgres };

// A fresh, empty, migrated store. For PostgreSQL a database named after the test is created;
// `uri_out` (if given) receives the URI of that database, for opening a second store on it.
absl::StatusOr<std::unique_ptr<server::Store>> MakeFreshStore(StoreKind kind,
                                                              std::string* uri_out = nullptr);

// The kind chosen for this run of a conformance binary: "--store=pg" or "--store=sqlite" on
// the command line (read by main); SQLite by default.
// Starts the real mcrm-server with demo data (`demo_accounts` accounts) on the store kind under
// test: its embedded store in `data_dir`, or a fresh database of the test PostgreSQL cluster.
absl::StatusOr<ServerProcess> StartDemoServer(const std::string& data_dir, int demo_accounts);

// The demo server a test suite shares, from SetUpTestSuite to TearDownTestSuite, with a data
// folder of its own (named after the suite and the process) that Stop removes.
class SuiteDemoServer {
 public:
  absl::Status Start(const std::string& suite, int demo_accounts);
  // Stops the server (SIGTERM; an exit status other than 0 is an error) and removes the folder.
  // OK when it was never started.
  absl::Status Stop();
  const std::string& address() const { return process_->address(); }
  const std::filesystem::path& data_dir() const { return data_dir_; }

 private:
  std::optional<ServerProcess> process_;
  std::filesystem::path data_dir_;
};

// The records of a pulled page, decoded.
std::vector<Record> Decoded(const server::PullPage& page);

StoreKind StoreKindUnderTest();
void SetStoreKindUnderTest(StoreKind kind);

}  // namespace mcrm::testing
