#include "test_stores.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "store/encoding.h"

namespace mcrm::testing {
namespace {

StoreKind g_kind = StoreKind::kSqlite;
std::atomic<int> g_counter{0};

std::string WithDatabase(const std::string& uri, const std::string& database) {
  // postgresql://user@host:port/db -> replace the path.
  const auto scheme = uri.find("://");
  const auto slash = uri.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  const std::string base = slash == std::string::npos ? uri : uri.substr(0, slash);
  return absl::StrCat(base, "/", database);
}

}  // namespace

absl::StatusOr<ServerProcess> StartDemoServer(const std::string& data_dir, int demo_accounts) {
  std::vector<std::string> args = {"--listen=127.0.0.1:0", "--data-dir=" + data_dir, "--demo",
                                   absl::StrCat("--demo-accounts=", demo_accounts), "--workers=4"};
  if (StoreKindUnderTest() == StoreKind::kPostgres) {
    std::string uri;
    auto store = MakeFreshStore(StoreKind::kPostgres, &uri);
    if (!store.ok()) return store.status();
    args.push_back("--database=" + uri);
  }
  return ServerProcess::Start(ServerBinary(), args);
}

absl::Status SuiteDemoServer::Start(const std::string& suite, int demo_accounts) {
  data_dir_ = std::filesystem::temp_directory_path() / absl::StrCat("mcrm-", suite, "-", getpid());
  std::filesystem::remove_all(data_dir_);
  auto server = StartDemoServer(data_dir_.string(), demo_accounts);
  if (!server.ok()) return server.status();
  process_.emplace(*std::move(server));
  return absl::OkStatus();
}

absl::Status SuiteDemoServer::Stop() {
  absl::Status out;
  if (process_.has_value()) {
    auto stopped = process_->Stop(SIGTERM);
    if (!stopped.ok()) {
      out = stopped.status();
    } else if (*stopped != 0) {
      out = absl::InternalError(absl::StrCat("mcrm-server exited with ", *stopped));
    }
    process_.reset();
  }
  if (!data_dir_.empty()) std::filesystem::remove_all(data_dir_);
  return out;
}

std::vector<Record> Decoded(const server::PullPage& page) {
  std::vector<Record> out;
  for (const std::string& encoded : page.encoded_records) {
    auto record = server::DecodeRecord(encoded);
    if (record.ok()) out.push_back(*std::move(record));
  }
  return out;
}

StoreKind StoreKindUnderTest() { return g_kind; }
void SetStoreKindUnderTest(StoreKind kind) { g_kind = kind; }

absl::StatusOr<std::unique_ptr<server::Store>> MakeFreshStore(StoreKind kind,
                                                              std::string* uri_out) {
  const int n = g_counter++;
  if (kind == StoreKind::kSqlite) {
    const auto dir =
        std::filesystem::temp_directory_path() / absl::StrCat("mcrm-store-", getpid(), "-", n);
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    const std::string path = (dir / "store.sqlite3").string();
    if (uri_out != nullptr) *uri_out = path;
    return server::OpenSqliteStore(path);
  }
  const char* cluster = std::getenv("MCRM_TEST_PG_URI");
  if (cluster == nullptr || *cluster == '\0') {
    return absl::FailedPreconditionError("MCRM_TEST_PG_URI is not set: no PostgreSQL cluster");
  }
  const std::string database = absl::StrCat("mcrm_test_", getpid(), "_", n);
  try {
    pqxx::connection admin(cluster);
    pqxx::nontransaction tx(admin);
    tx.exec0(absl::StrCat("DROP DATABASE IF EXISTS ", database));
    tx.exec0(absl::StrCat("CREATE DATABASE ", database));
  } catch (const std::exception& e) {
    return absl::UnavailableError(absl::StrCat("cannot create test database: ", e.what()));
  }
  const std::string uri = WithDatabase(cluster, database);
  if (uri_out != nullptr) *uri_out = uri;
  return server::OpenPostgresStore(uri, 4);
}

}  // namespace mcrm::testing
