// mcrm-bench: measures the sync server against the raw limits of the same machine, in the same
// run, and prints one JSON object per run. See README.md, "Benchmarks".
//
//   mcrm-bench push    --store pg|sqlite [--database URI] [--accounts N] [--batches K]
//   mcrm-bench pull    --store pg|sqlite [--database URI] [--accounts N]
//   mcrm-bench streams [--devices N]
//   mcrm-bench initial-sync --store pg|sqlite [--database URI] [--accounts N]
//   mcrm-bench propagation  [--store pg|sqlite] [--database URI] [--trials N]
//   mcrm-bench app [--accounts N]   (runs mcrm-app-bench, built with the app)
#include <grpcpp/grpcpp.h>
#include <signal.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <pqxx/pqxx>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/synchronization/mutex.h"
#include "back_office.h"
#include "csv_import.h"
#include "demo_data.h"
#include "mcrm/command_line.h"
#include "mcrm/store/v1/stored.pb.h"
#include "mcrm/uuid.h"
#include "mcrm/v1/back_office.pb.h"
#include "mcrm/v1/sync.grpc.pb.h"
#include "replica.h"
#include "sample_records.h"
#include "server_process.h"
#include "store/encoding.h"
#include "store/store.h"
#include "sync_core.h"
#include "sync_engine.h"
#include "sync_worker.h"
#include "wire_codec.h"

ABSL_FLAG(std::string, store, "sqlite", "pg or sqlite");
ABSL_FLAG(std::string, database, "", "postgresql:// URI; empty starts a throwaway cluster");
ABSL_FLAG(int, accounts, 0, "accounts to seed (push: 5000, pull: 100000 when 0)");
ABSL_FLAG(int, batches, 100, "push: batches of 500 updates to measure");
ABSL_FLAG(int, clients, 2,
          "push: devices pushing at once, each to its own accounts (the limit on PostgreSQL "
          "inserts over as many connections)");
ABSL_FLAG(bool, stale_base, false,
          "push: send every update on base version 1, so that later rounds meet conflicts "
          "(measures the conflict path; by default each update is made on the current version)");
ABSL_FLAG(int, devices, 5000, "streams: Subscribe streams to open");
ABSL_FLAG(int, trials, 300, "propagation: changes to time (after 20 not counted, to warm up)");

namespace mcrm::bench {
namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

// The middle value (the upper of the two middle ones for an even count).
double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

int64_t WallMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

[[noreturn]] void Die(absl::string_view what) {
  std::fprintf(stderr, "mcrm-bench: %s\n", std::string(what).c_str());
  std::exit(1);
}

// A throwaway PostgreSQL cluster with default durability (fsync on), stopped on exit.
struct Cluster {
  std::string state;
  std::string uri;
  ~Cluster() {
    if (!state.empty()) {
      std::system(
          absl::StrCat(MCRM_SOURCE_DIR, "/tests/pg/cluster.sh stop ", state, " >/dev/null 2>&1")
              .c_str());
    }
  }
};

std::string StartCluster(Cluster& cluster) {
  cluster.state = absl::StrCat("/tmp/mcrm-bench-pg-", getpid());
  const std::string command = absl::StrCat("MCRM_PG_DURABLE=1 ", MCRM_SOURCE_DIR,
                                           "/tests/pg/cluster.sh start ", cluster.state, " >&2");
  if (std::system(command.c_str()) != 0) Die("cannot start a PostgreSQL cluster");
  std::ifstream in(cluster.state + "/uri");
  std::getline(in, cluster.uri);
  return cluster.uri;
}

struct Target {
  std::string kind;      // "pg" or "sqlite"
  std::string location;  // URI or file path
  std::unique_ptr<server::Store> store;
};

Target OpenTarget(Cluster& cluster) {
  Target target;
  target.kind = absl::GetFlag(FLAGS_store);
  if (target.kind == "pg") {
    target.location = absl::GetFlag(FLAGS_database);
    if (target.location.empty()) target.location = StartCluster(cluster);
    // A fresh schema: drop what an earlier run left.
    try {
      pqxx::connection c(target.location);
      pqxx::work tx(c);
      tx.exec0(
          "DROP TABLE IF EXISTS records, mutation_results, conflicts, credentials, devices, "
          "sessions, scope_exits, user_resync, store_state, mcrm_store_schema, record_keys, "
          "bench_limit, "
          "bench_copy "
          "CASCADE");
      tx.commit();
    } catch (const std::exception& e) {
      Die(absl::StrCat("cannot prepare ", target.location, ": ", e.what()));
    }
    auto store = server::OpenPostgresStore(target.location, 4);
    if (!store.ok()) Die(store.status().message());
    target.store = *std::move(store);
  } else if (target.kind == "sqlite") {
    const auto dir = std::filesystem::temp_directory_path() / absl::StrCat("mcrm-bench-", getpid());
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    target.location = (dir / "bench.sqlite3").string();
    auto store = server::OpenSqliteStore(target.location);
    if (!store.ok()) Die(store.status().message());
    target.store = *std::move(store);
  } else {
    Die("--store: pg or sqlite");
  }
  return target;
}

// `n` accounts made from one template with fresh ids, owned by a few reps.
std::vector<StoredRecord> Accounts(int n) {
  server::DemoOptions options;
  options.accounts = 1;
  auto demo = server::GenerateDemoData(options);
  if (!demo.ok()) Die(demo.status().message());
  StoredRecord account;
  for (const auto& r : demo->records) {
    if (r.record.entity == EntityType::kAccount) account = r;
  }
  UuidV7Generator ids;
  std::vector<StoredRecord> out;
  out.reserve(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    StoredRecord copy = account;
    copy.record.id = ids.NextString(WallMs());
    copy.record.Set("name", Value::String(absl::StrFormat("Account %07d GmbH", i)));
    copy.record.meta.scope = ComputeScopeKeys(copy.record);
    out.push_back(std::move(copy));
  }
  return out;
}

void Seed(server::Store& store, const std::vector<StoredRecord>& records) {
  constexpr size_t kBatch = 5000;
  for (size_t begin = 0; begin < records.size(); begin += kBatch) {
    absl::Span<const StoredRecord> batch(records.data() + begin,
                                         std::min(kBatch, records.size() - begin));
    const absl::Status status =
        store.Transact([&](server::StoreTx& tx) { return tx.SaveRecords(batch); });
    if (!status.ok()) Die(status.message());
  }
}

// The rows a server serves were written a while ago, and autovacuum has passed over them
// (100,000 inserts cross its threshold a hundred times). Rows read for the first time after a
// bulk insert cost PostgreSQL extra work (setting their hint bits and writing the pages out
// again) that a production read does not pay.
void SettleSeed(const Target& target) {
  if (target.kind != "pg") return;
  pqxx::connection c(target.location);
  pqxx::nontransaction tx(c);
  tx.exec0("VACUUM (ANALYZE) records");
}

// The same number of rows of the same shape as the records table, as a raw multi-row prepared
// INSERT, 500 rows a statement and a transaction per statement (like a push batch). On
// PostgreSQL, `clients` connections insert at once, each its share of the batches, as the push
// measured beside it does; SQLite has one writer, so there it is always one. The `count` rows
// are made from `rows`, repeated as often as needed under fresh ids.
double LimitRowsPerSecond(const Target& target, const std::vector<StoredRecord>& rows, size_t count,
                          int clients = 1) {
  constexpr size_t kRows = 500;
  std::vector<std::array<std::string, 3>> encoded;
  encoded.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    const StoredRecord& r = rows[i % rows.size()];
    encoded.push_back({absl::StrCat(r.record.id, "-limit-", i / rows.size()),
                       server::EncodeRecord(r.record), server::EncodeStamps(r.stamps)});
  }
  const auto start = Clock::now();
  if (target.kind == "pg") {
    pqxx::connection c(target.location);
    {
      pqxx::work tx(c);
      tx.exec0(
          "CREATE TABLE bench_limit (id text PRIMARY KEY, entity smallint, version bigint, txid "
          "xid8, "
          "deleted boolean, owner_id text, territory_id text, account_id text, assignee_id text, "
          "record bytea, stamps bytea)");
      tx.commit();
    }
    std::string sql = "INSERT INTO bench_limit VALUES ";
    for (size_t i = 0; i < kRows; ++i) {
      absl::StrAppend(&sql, i ? "," : "", "($", 3 * i + 1,
                      ",1,1,pg_current_xact_id(),false,'','','','',$", 3 * i + 2, ",$", 3 * i + 3,
                      ")");
    }
    std::vector<std::unique_ptr<pqxx::connection>> connections;
    for (int k = 0; k < clients; ++k) {
      connections.push_back(std::make_unique<pqxx::connection>(target.location));
      connections.back()->prepare("limit_insert", sql);
    }
    const size_t batches = encoded.size() / kRows;
    auto insert = [&](int k) {
      pqxx::connection& connection = *connections[static_cast<size_t>(k)];
      for (size_t b = static_cast<size_t>(k); b < batches; b += static_cast<size_t>(clients)) {
        // Binary parameters, as the store sends them: the fastest way in through libpqxx.
        std::vector<pqxx::binarystring> params;
        for (size_t i = b * kRows; i < (b + 1) * kRows; ++i) {
          params.emplace_back(encoded[i][0].data(), encoded[i][0].size());
          params.emplace_back(encoded[i][1].data(), encoded[i][1].size());
          params.emplace_back(encoded[i][2].data(), encoded[i][2].size());
        }
        pqxx::work tx(connection);
        tx.exec_prepared("limit_insert", pqxx::prepare::make_dynamic_params(params));
        tx.commit();
      }
    };
    const auto timed = Clock::now();
    std::vector<std::thread> threads;
    for (int k = 0; k < clients; ++k) threads.emplace_back(insert, k);
    for (auto& t : threads) t.join();
    return static_cast<double>(batches * kRows) / Seconds(timed);
  }
  sqlite3* db = nullptr;
  sqlite3_open(target.location.c_str(), &db);
  sqlite3_exec(
      db,
      "CREATE TABLE bench_limit (id TEXT PRIMARY KEY, entity INTEGER, version INTEGER, seq "
      "INTEGER, "
      "deleted INTEGER, owner_id TEXT, territory_id TEXT, account_id TEXT, assignee_id TEXT, "
      "record BLOB, stamps BLOB) WITHOUT ROWID",
      nullptr, nullptr, nullptr);
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(db, "INSERT INTO bench_limit VALUES (?1, 1, 1, ?2, 0, '', '', '', '', ?3, ?4)",
                     -1, &stmt, nullptr);
  const auto timed = Clock::now();
  for (size_t begin = 0; begin + kRows <= encoded.size(); begin += kRows) {
    sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
    for (size_t i = begin; i < begin + kRows; ++i) {
      sqlite3_bind_text(stmt, 1, encoded[i][0].data(), static_cast<int>(encoded[i][0].size()),
                        SQLITE_STATIC);
      sqlite3_bind_int64(stmt, 2, static_cast<int64_t>(i));
      sqlite3_bind_blob(stmt, 3, encoded[i][1].data(), static_cast<int>(encoded[i][1].size()),
                        SQLITE_STATIC);
      sqlite3_bind_blob(stmt, 4, encoded[i][2].data(), static_cast<int>(encoded[i][2].size()),
                        SQLITE_STATIC);
      sqlite3_step(stmt);
      sqlite3_reset(stmt);
    }
    sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  (void)start;
  return static_cast<double>(encoded.size() / kRows * kRows) / Seconds(timed);
}

int Push() {
  Cluster cluster;
  Target target = OpenTarget(cluster);
  const int accounts = absl::GetFlag(FLAGS_accounts) > 0 ? absl::GetFlag(FLAGS_accounts) : 5000;
  const int batches = absl::GetFlag(FLAGS_batches);
  const std::vector<StoredRecord> seeded = Accounts(accounts);
  Seed(*target.store, seeded);

  HybridClock clock("server", WallMs);
  server::SyncCore core(*target.store, clock, WallMs);
  const int clients = std::max(1, absl::GetFlag(FLAGS_clients));
  const uint32_t notes = Spec(EntityType::kAccount).FieldByName("notes")->number;
  const uint32_t website = Spec(EntityType::kAccount).FieldByName("website")->number;
  std::atomic<int64_t> applied{0};
  // Each client pushes its share of the batches to its own slice of the accounts.
  auto client = [&](int c) {
    Caller office{"bench-user", absl::StrCat("bench-device-", c), "dispatcher", {}};
    UuidV7Generator ids;
    const size_t slice = seeded.size() / static_cast<size_t>(clients);
    const bool stale = absl::GetFlag(FLAGS_stale_base);
    std::vector<int64_t> versions(slice, 1);  // what this device last saw of each account
    size_t next = 0;
    std::vector<size_t> sent(500);  // which account each mutation of the batch edits
    for (int b = c; b < batches; b += clients) {
      google::protobuf::RepeatedPtrField<v1::Mutation> mutations;
      for (int i = 0; i < 500; ++i) {
        const size_t k = next++ % slice;
        sent[static_cast<size_t>(i)] = k;
        const StoredRecord& target_record = seeded[static_cast<size_t>(c) * slice + k];
        ChangeSet change;
        change.mutation_id = ids.NextString(WallMs());
        change.entity = EntityType::kAccount;
        change.record_id = target_record.record.id;
        change.base_version = stale ? 1 : versions[k];
        change.hlc = clock.Now();
        change.changed[i % 2 ? notes : website] = Value::String(absl::StrCat("edit ", b, "-", i));
        wire::ToProto(change, mutations.Add());
      }
      auto response = core.Push(office, mutations);
      if (!response.ok()) Die(response.status().message());
      for (int i = 0; i < response->results_size(); ++i) {
        const v1::MutationResult& r = response->results(i);
        applied += r.outcome() != v1::MutationResult::REJECTED;
        versions[sent[static_cast<size_t>(i)]] = r.server_version();
      }
    }
  };
  const auto start = Clock::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) threads.emplace_back(client, c);
  for (auto& t : threads) t.join();
  const double seconds = Seconds(start);
  const double mutations_per_s = static_cast<double>(batches) * 500 / seconds;
  const double limit = LimitRowsPerSecond(target, seeded, static_cast<size_t>(batches) * 500,
                                          target.kind == "pg" ? clients : 1);
  std::printf(
      "{\"bench\":\"push\",\"store\":\"%s\",\"path\":\"sync core in process (merge, scope, "
      "idempotency, one transaction per "
      "batch)\",\"base\":\"%s\",\"batch\":500,\"batches\":%d,\"clients\":%d,"
      "\"accounts\":%d,\"applied\":%lld,\"seconds\":%.3f,\"mutations_per_s\":%.0f,\"limit_rows_per_"
      "s\":%.0f,"
      "\"ratio\":%.3f}\n",
      target.kind.c_str(), absl::GetFlag(FLAGS_stale_base) ? "stale (conflicts)" : "current",
      batches, clients, accounts, static_cast<long long>(applied.load()), seconds, mutations_per_s,
      limit, mutations_per_s / limit);
  return 0;
}

int Pull() {
  Cluster cluster;
  Target target = OpenTarget(cluster);
  const int accounts = absl::GetFlag(FLAGS_accounts) > 0 ? absl::GetFlag(FLAGS_accounts) : 100000;
  Seed(*target.store, Accounts(accounts));
  SettleSeed(target);
  HybridClock clock("server", WallMs);
  server::SyncCore core(*target.store, clock, WallMs);
  Caller office{"bench-user", "bench-device", "dispatcher", {}};
  // The whole scope three times; the median is reported, and each round's figure beside it.
  std::vector<double> rates;
  int64_t rows = 0;
  size_t bytes = 0;
  for (int round = 0; round < 3; ++round) {
    std::string cursor;
    rows = 0;
    bytes = 0;
    const auto start = Clock::now();
    while (true) {
      auto encoded = core.Pull(office, cursor, server::SyncCore::kMaxPullLimit);
      if (!encoded.ok()) Die(encoded.status().message());
      // Read back only what a client needs to continue; the records stay encoded.
      store::v1::EncodedPullResponse page;
      page.ParseFromString(*encoded);
      rows += page.records_size();
      bytes += encoded->size();
      cursor = page.next_cursor();
      if (!page.more()) break;
    }
    rates.push_back(static_cast<double>(rows) / Seconds(start));
  }
  std::printf(
      "{\"bench\":\"pull\",\"store\":\"%s\",\"path\":\"sync core in process (store read into "
      "encoded PullResponse pages, the bytes the server sends)\",\"page\":%d,\"rows\":%lld,"
      "\"bytes\":%zu,\"rounds_rows_per_s\":[%.0f,%.0f,%.0f],\"rows_per_s\":%.0f}\n",
      target.kind.c_str(), server::SyncCore::kMaxPullLimit, static_cast<long long>(rows), bytes,
      rates[0], rates[1], rates[2], Median(rates));
  return 0;
}

struct ProcStatus {
  int64_t rss_kib = 0;
  int threads = 0;
};

ProcStatus ReadStatus(pid_t pid) {
  ProcStatus out;
  std::ifstream in(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) out.rss_kib = std::atoll(line.c_str() + 6);
    if (line.rfind("Threads:", 0) == 0) out.threads = std::atoi(line.c_str() + 8);
  }
  return out;
}

// A Subscribe stream read with the callback client API.
class Stream : public grpc::ClientReadReactor<v1::Poke> {
 public:
  Stream(v1::Sync::Stub* stub, const std::string& token, std::atomic<int>* first_pokes)
      : first_pokes_(first_pokes) {
    context_.AddMetadata("authorization", "Bearer " + token);
    request_.set_device_id("bench-device");
    stub->async()->Subscribe(&context_, &request_, this);
    StartRead(&poke_);
    StartCall();
  }
  void OnReadDone(bool ok) override {
    if (!ok) return;
    if (poke_.sequence() == 1) ++*first_pokes_;
    StartRead(&poke_);
  }
  void OnDone(const grpc::Status&) override { done_ = true; }
  void Cancel() { context_.TryCancel(); }
  bool done() const { return done_; }

 private:
  grpc::ClientContext context_;
  v1::SubscribeRequest request_;
  v1::Poke poke_;
  std::atomic<int>* first_pokes_;
  std::atomic<bool> done_{false};
};

int Streams() {
  const int devices = absl::GetFlag(FLAGS_devices);
  const auto dir =
      std::filesystem::temp_directory_path() / absl::StrCat("mcrm-bench-streams-", getpid());
  std::filesystem::remove_all(dir);
  auto server = testing::ServerProcess::Start(
      MCRM_SERVER_BINARY,
      {"--listen=127.0.0.1:0", "--data-dir=" + dir.string(), "--demo", "--demo-accounts=20"});
  if (!server.ok()) Die(server.status().message());
  auto channel = grpc::CreateChannel(server->address(), grpc::InsecureChannelCredentials());
  auto auth = v1::Auth::NewStub(channel);
  v1::LoginRequest login;
  login.set_login("rep1");
  login.set_password("demo");
  login.set_device_id("bench-device");
  v1::LoginResponse session;
  grpc::ClientContext context;
  if (grpc::Status s = auth->Login(&context, login, &session); !s.ok()) Die(s.error_message());

  // Let the server settle, then measure it idle with no streams.
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  // Fetch the pid through /proc: ServerProcess keeps it private, so find it by the port.
  pid_t pid = 0;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream cmdline(entry.path() / "cmdline");
    std::string text((std::istreambuf_iterator<char>(cmdline)), {});
    if (text.find(dir.string()) != std::string::npos &&
        text.find("mcrm-server") != std::string::npos) {
      pid = static_cast<pid_t>(std::atoi(name.c_str()));
    }
  }
  if (pid == 0) Die("cannot find the server process");
  const ProcStatus before = ReadStatus(pid);

  // Spread the streams over several connections, as many devices would.
  constexpr int kChannels = 50;
  std::vector<std::unique_ptr<v1::Sync::Stub>> stubs;
  for (int i = 0; i < kChannels; ++i) {
    grpc::ChannelArguments args;
    args.SetInt("mcrm.bench.channel", i);  // distinct arguments: distinct connections
    stubs.push_back(v1::Sync::NewStub(
        grpc::CreateCustomChannel(server->address(), grpc::InsecureChannelCredentials(), args)));
  }
  std::atomic<int> first_pokes{0};
  std::vector<std::unique_ptr<Stream>> streams;
  const auto start = Clock::now();
  for (int i = 0; i < devices; ++i) {
    streams.push_back(std::make_unique<Stream>(stubs[static_cast<size_t>(i % kChannels)].get(),
                                               session.session_token(), &first_pokes));
  }
  while (first_pokes.load() < devices && Seconds(start) < 120) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const double open_seconds = Seconds(start);
  std::this_thread::sleep_for(std::chrono::seconds(1));
  const ProcStatus after = ReadStatus(pid);
  for (auto& s : streams) s->Cancel();
  for (int i = 0; i < 200; ++i) {
    bool all_done = true;
    for (auto& s : streams) all_done = all_done && s->done();
    if (all_done) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  (void)server->Stop(SIGTERM);
  streams.clear();
  std::filesystem::remove_all(dir);
  std::printf(
      "{\"bench\":\"streams\",\"devices\":%d,\"streams_live\":%d,\"open_seconds\":%.3f,"
      "\"server_rss_kib_before\":%lld,\"server_rss_kib_after\":%lld,\"kib_per_stream\":%.2f,"
      "\"server_threads_before\":%d,\"server_threads\":%d}\n",
      devices, first_pokes.load(), open_seconds, static_cast<long long>(before.rss_kib),
      static_cast<long long>(after.rss_kib),
      static_cast<double>(after.rss_kib - before.rss_kib) / devices, before.threads, after.threads);
  return first_pokes.load() == devices ? 0 : 1;
}

// The real mcrm-server on the store of `target` (which the caller filled and closed): on the
// same PostgreSQL database, or on the SQLite file in its data directory.
testing::ServerProcess StartServerOn(const Target& target) {
  std::vector<std::string> args = {"--listen=127.0.0.1:0"};
  if (target.kind == "pg") {
    args.push_back("--database=" + target.location);
    args.push_back("--data-dir=" + std::filesystem::temp_directory_path().string());
  } else {
    args.push_back("--data-dir=" + std::filesystem::path(target.location).parent_path().string());
  }
  auto server = testing::ServerProcess::Start(MCRM_SERVER_BINARY, args);
  if (!server.ok()) Die(server.status().message());
  return *std::move(server);
}

// A store target whose SQLite file is where mcrm-server looks for it (mcrm.sqlite3).
Target OpenServerTarget(Cluster& cluster) {
  Target target = OpenTarget(cluster);
  if (target.kind == "sqlite") {
    target.store.reset();
    std::filesystem::remove(target.location);
    target.location =
        (std::filesystem::path(target.location).parent_path() / "mcrm.sqlite3").string();
    auto store = server::OpenSqliteStore(target.location);
    if (!store.ok()) Die(store.status().message());
    target.store = *std::move(store);
  }
  return target;
}

// The demo users (password "demo") and a small demo data set, so that devices can sign in.
void SeedDemoUsers(server::Store& store) {
  server::DemoOptions demo;
  demo.accounts = 5;
  HybridClock clock("server", WallMs);
  server::WritePath writes(store, clock, WallMs);
  auto logins = server::SeedDemoData(writes, store, demo);
  if (!logins.ok()) Die(logins.status().message());
}

// A fresh directory for the device files of one run.
std::filesystem::path DeviceDir() {
  const auto dir =
      std::filesystem::temp_directory_path() / absl::StrCat("mcrm-bench-device-", getpid());
  std::filesystem::create_directories(dir);
  return dir;
}

std::unique_ptr<device::Replica> OpenReplica(const std::filesystem::path& path) {
  std::filesystem::remove(path);
  auto replica = device::Replica::Open(path.string());
  if (!replica.ok()) Die(replica.status().message());
  return *std::move(replica);
}

// The rows of a replica's records table, as stored.
struct ReplicaRow {
  std::string id;
  int64_t entity;
  int64_t version;
  std::string account_id;
  std::string record;
};

std::vector<ReplicaRow> ReadReplicaRows(const std::filesystem::path& path) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(db, "SELECT id, entity, version, account_id, record FROM records", -1, &stmt,
                     nullptr);
  std::vector<ReplicaRow> rows;
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    auto text = [&](int c) {
      const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
      return std::string(p ? p : "");
    };
    const auto* blob = static_cast<const char*>(sqlite3_column_blob(stmt, 4));
    rows.push_back(
        {text(0), sqlite3_column_int64(stmt, 1), sqlite3_column_int64(stmt, 2), text(3),
         std::string(blob ? blob : "", static_cast<size_t>(sqlite3_column_bytes(stmt, 4)))});
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return rows;
}

// The raw limit for a device: the same rows inserted into a fresh SQLite file with the replica's
// pragmas and table shape, by one prepared statement, a transaction per pull page.
double ReplicaLimitRowsPerSecond(const std::filesystem::path& path,
                                 const std::vector<ReplicaRow>& rows, size_t page) {
  std::filesystem::remove(path);
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_exec(db,
               "PRAGMA page_size=16384; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
               "CREATE TABLE records (id TEXT PRIMARY KEY, entity INTEGER NOT NULL, version "
               "INTEGER NOT NULL, account_id TEXT NOT NULL, record BLOB NOT NULL); "
               "CREATE INDEX records_by_account ON records(account_id);",
               nullptr, nullptr, nullptr);
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(db, "INSERT INTO records VALUES (?1, ?2, ?3, ?4, ?5)", -1, &stmt, nullptr);
  const auto start = Clock::now();
  for (size_t begin = 0; begin < rows.size(); begin += page) {
    sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
    for (size_t i = begin; i < std::min(rows.size(), begin + page); ++i) {
      const ReplicaRow& r = rows[i];
      sqlite3_bind_text(stmt, 1, r.id.data(), static_cast<int>(r.id.size()), SQLITE_STATIC);
      sqlite3_bind_int64(stmt, 2, r.entity);
      sqlite3_bind_int64(stmt, 3, r.version);
      sqlite3_bind_text(stmt, 4, r.account_id.data(), static_cast<int>(r.account_id.size()),
                        SQLITE_STATIC);
      sqlite3_bind_blob(stmt, 5, r.record.data(), static_cast<int>(r.record.size()), SQLITE_STATIC);
      if (sqlite3_step(stmt) != SQLITE_DONE) Die(sqlite3_errmsg(db));
      sqlite3_reset(stmt);
    }
    sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
  }
  const double seconds = Seconds(start);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return static_cast<double>(rows.size()) / seconds;
}

int InitialSync() {
  Cluster cluster;
  Target target = OpenServerTarget(cluster);
  const int accounts = absl::GetFlag(FLAGS_accounts) > 0 ? absl::GetFlag(FLAGS_accounts) : 100000;
  SeedDemoUsers(*target.store);
  Seed(*target.store, Accounts(accounts));
  SettleSeed(target);
  target.store.reset();
  testing::ServerProcess server = StartServerOn(target);

  const std::filesystem::path dir = DeviceDir();
  auto replica = OpenReplica(dir / "replica.sqlite3");
  device::SyncClient client(server.address(), "bench-tablet");
  if (auto s = client.Login("dispatch", "demo"); !s.ok()) Die(s.message());
  device::SyncEngine engine(*replica, client);
  const auto start = Clock::now();
  auto report = engine.SyncOnce();
  const double seconds = Seconds(start);
  if (!report.ok()) Die(report.status().message());
  auto held = replica->RecordCount();
  if (!held.ok()) Die(held.status().message());
  replica.reset();
  (void)server.Stop(SIGTERM);

  const double rows_per_s = static_cast<double>(report->pulled) / seconds;
  const std::vector<ReplicaRow> rows = ReadReplicaRows(dir / "replica.sqlite3");
  // The limit is the median of three runs: a single one varies by a third on this machine.
  std::vector<double> limits;
  for (int run = 0; run < 3; ++run) {
    limits.push_back(
        ReplicaLimitRowsPerSecond(dir / "limit.sqlite3", rows, device::SyncEngine::kPullPage));
  }
  const double limit = Median(limits);
  std::filesystem::remove_all(dir);
  std::printf(
      "{\"bench\":\"initial-sync\",\"store\":\"%s\",\"path\":\"mcrm-server over gRPC on "
      "127.0.0.1 into an empty device replica (SyncEngine::SyncOnce)\",\"accounts\":%d,"
      "\"rows\":%d,\"rows_held\":%lld,\"page\":%u,\"seconds\":%.3f,\"rows_per_s\":%.0f,"
      "\"limit_rows_per_s\":%.0f,\"ratio\":%.3f}\n",
      target.kind.c_str(), accounts, report->pulled, static_cast<long long>(*held),
      device::SyncEngine::kPullPage, seconds, rows_per_s, limit, rows_per_s / limit);
  return 0;
}

int Propagation() {
  Cluster cluster;
  Target target = OpenServerTarget(cluster);
  SeedDemoUsers(*target.store);
  target.store.reset();
  testing::ServerProcess server = StartServerOn(target);
  const std::filesystem::path dir = DeviceDir();

  // The sender syncs by hand; the receiver is a device as the app runs it: a worker listening to
  // the server's pokes.
  auto sender = OpenReplica(dir / "sender.sqlite3");
  device::SyncClient sender_client(server.address(), "bench-phone");
  if (auto s = sender_client.Login("dispatch", "demo"); !s.ok()) Die(s.message());
  device::SyncEngine sender_engine(*sender, sender_client);
  if (auto r = sender_engine.SyncOnce(); !r.ok()) Die(r.status().message());

  const auto receiver_path = dir / "receiver.sqlite3";
  auto receiver = OpenReplica(receiver_path);  // the app's own connection, for reading
  device::SyncClient receiver_client(server.address(), "bench-tablet");
  if (auto s = receiver_client.Login("dispatch", "demo"); !s.ok()) Die(s.message());
  absl::Mutex mutex;
  int64_t rounds = 0;
  device::SyncWorker::Options options;
  options.poll_interval = absl::Hours(1);
  auto worker = device::SyncWorker::Start(receiver_path.string(), receiver_client, options,
                                          [&](const device::WorkerEvent& e) {
                                            if (e.kind != device::WorkerEvent::Kind::kSynced)
                                              return;
                                            absl::MutexLock lock(&mutex);
                                            ++rounds;
                                          });
  if (!worker.ok()) Die(worker.status().message());

  // An account both see.
  auto found = sender->Search("GmbH", 1);
  if (!found.ok() || found->empty()) Die("no account to edit");
  const std::string account = found->front();
  const uint32_t notes = testing::F(EntityType::kAccount, "notes");
  UuidV7Generator ids;
  const int trials = std::max(absl::GetFlag(FLAGS_trials), 1);
  constexpr int kWarmUp = 20;
  std::vector<double> latencies_ms, sender_ms;
  for (int trial = 0; trial < trials + kWarmUp; ++trial) {
    const Value note = Value::String(absl::StrCat("trial ", trial));
    const int64_t now = WallMs();
    auto written = sender->Write(EntityType::kAccount, account, {{notes, note}},
                                 HlcTimestamp{now, static_cast<uint32_t>(trial), "bench-phone"},
                                 ids.NextString(now));
    if (!written.ok()) Die(written.status().message());
    const auto start = Clock::now();
    // The sender's round (its push, then its own pull) runs beside the wait: the change can
    // arrive before the sender has finished pulling.
    std::thread sending([&] {
      if (auto r = sender_engine.SyncOnce(); !r.ok()) Die(r.status().message());
      if (trial >= kWarmUp) sender_ms.push_back(Seconds(start) * 1000.0);
    });
    // Arrived when the receiver's replica shows it, checked after each of its rounds.
    while (true) {
      int64_t seen;
      {
        absl::MutexLock lock(&mutex);
        seen = rounds;
      }
      auto record = receiver->Read(account);
      if (record.ok() && record->has_value() && (*record)->Get("notes") == note) break;
      if (Seconds(start) > 10) Die(absl::StrCat("trial ", trial, ": the change did not arrive"));
      absl::MutexLock lock(&mutex);
      auto another_round = [&] { return rounds != seen; };
      mutex.AwaitWithTimeout(absl::Condition(&another_round), absl::Milliseconds(50));
    }
    if (trial >= kWarmUp) latencies_ms.push_back(Seconds(start) * 1000.0);
    sending.join();
  }
  (*worker)->Stop();
  (void)server.Stop(SIGTERM);
  std::filesystem::remove_all(dir);
  std::sort(latencies_ms.begin(), latencies_ms.end());
  auto at = [&](double q) {
    return latencies_ms[static_cast<size_t>(q * static_cast<double>(latencies_ms.size() - 1))];
  };
  std::printf(
      "{\"bench\":\"propagation\",\"store\":\"%s\",\"path\":\"device A pushes (SyncOnce) -> "
      "server commits and pokes -> device B's SyncWorker pulls -> visible in B's replica\","
      "\"trials\":%d,\"p50_ms\":%.2f,\"p90_ms\":%.2f,\"p99_ms\":%.2f,\"max_ms\":%.2f,"
      "\"sender_round_p50_ms\":%.2f}\n",
      target.kind.c_str(), trials, at(0.5), at(0.9), at(0.99), latencies_ms.back(),
      Median(sender_ms));
  return 0;
}

}  // namespace
}  // namespace mcrm::bench

namespace mcrm::bench {

double Percentile95(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[std::min(values.size() - 1, values.size() * 95 / 100)];
}

// CSV import through the back office's import (ImportCsv, in process: parsing, checks, the write
// path in batches of 500 into both tables), against PostgreSQL's COPY of the same rows into a
// plain table with the same columns, in the same run.
int Import() {
  Cluster cluster;
  Target target = OpenTarget(cluster);
  const int n = absl::GetFlag(FLAGS_accounts) > 0 ? absl::GetFlag(FLAGS_accounts) : 100000;
  std::string csv = "key,name,kind,industry,emails,tags,website\n";
  std::vector<std::array<std::string, 7>> rows;
  rows.reserve(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    rows.push_back({absl::StrCat("CRM-", i), absl::StrFormat("Account %07d GmbH", i),
                    "organization", "Retail", absl::StrCat("info", i, "@example.com"),
                    "import;bench", absl::StrCat("www.account", i, ".example")});
    absl::StrAppend(&csv, absl::StrJoin(rows.back(), ","), "\n");
  }
  HybridClock clock("server", WallMs);
  server::WritePath writes(*target.store, clock, WallMs);
  const Caller office{"bench-office", "bench-office-pc", kRoleDispatcher, {}};
  v1::ImportCsvRequest request;
  request.set_entity("account");
  request.set_csv(csv);
  const auto start = Clock::now();
  auto imported = server::ImportCsv(writes, office, request);
  const double seconds = Seconds(start);
  if (!imported.ok()) Die(imported.status().message());
  if (imported->created() != static_cast<uint32_t>(n)) {
    Die(absl::StrCat("import created ", imported->created(), " of ", n, " rows"));
  }
  double limit = 0;
  if (target.kind == "pg") {
    pqxx::connection c(target.location);
    pqxx::work tx(c);
    tx.exec0(
        "CREATE TABLE bench_copy (key text, name text, kind text, industry text, emails text[], "
        "tags text[], website text)");
    const auto copy_start = Clock::now();
    pqxx::stream_to copy(tx, "bench_copy");
    for (const auto& r : rows) {
      copy << std::make_tuple(r[0], r[1], r[2], r[3], absl::StrCat("{", r[4], "}"),
                              absl::StrCat("{", absl::StrReplaceAll(r[5], {{";", ","}}), "}"),
                              r[6]);
    }
    copy.complete();
    tx.commit();
    limit = n / Seconds(copy_start);
  }
  const double rate = n / seconds;
  std::printf(
      "{\"bench\":\"import\",\"store\":\"%s\",\"path\":\"BackOffice ImportCsv in process (CSV "
      "reading, per-row checks, the write path in batches of %d, %d at a time)\",\"rows\":%d,"
      "\"bytes\":%zu,"
      "\"seconds\":%.3f,\"rows_per_s\":%.0f,\"limit_rows_per_s\":%.0f,\"ratio\":%.3f}\n",
      target.kind.c_str(), server::kImportBatchRows, server::kImportWriters, n, csv.size(), seconds,
      rate, limit, limit > 0 ? rate / limit : 0.0);
  return 0;
}

// Finds on many accounts: a list filtered by territory and tier and sorted by name (its first
// page), and a name search, each timed over many runs.
int Find() {
  Cluster cluster;
  Target target = OpenTarget(cluster);
  const int n = absl::GetFlag(FLAGS_accounts) > 0 ? absl::GetFlag(FLAGS_accounts) : 1000000;
  UuidV7Generator ids;
  std::vector<std::string> territories;
  for (int i = 0; i < 20; ++i) territories.push_back(ids.NextString(WallMs()));
  const char* const words[] = {"Müller", "Schmidt", "Technik", "Handel",   "Bau",     "华为",
                               "电气",   "Nord",    "Süd",     "Logistik", "Energie", "Medien"};
  std::vector<StoredRecord> batch;
  const std::vector<StoredRecord> shape = Accounts(1);
  for (int i = 0; i < n; ++i) {
    StoredRecord account = shape[0];
    account.record.id = ids.NextString(WallMs());
    account.record.Set("name", Value::String(absl::StrFormat("%s %s %07d", words[i % 12],
                                                             words[(i / 12) % 12], i)));
    account.record.Set("territory_id", Value::String(territories[static_cast<size_t>(i % 20)]));
    account.record.Set("value_tier", Value::String(std::string(1, "abc"[(i / 20) % 3])));
    account.record.meta.scope = ComputeScopeKeys(account.record);
    batch.push_back(std::move(account));
    if (batch.size() == 5000 || i == n - 1) {
      Seed(*target.store, batch);
      batch.clear();
    }
  }
  if (target.kind == "pg") {
    pqxx::connection c(target.location);
    pqxx::nontransaction tx(c);
    tx.exec0("VACUUM (ANALYZE) crm.accounts");
  }
  constexpr int kRuns = 200;
  std::vector<double> filter_ms, search_ms;
  for (int run = 0; run < kRuns; ++run) {
    server::FindQuery query;
    query.where = {{"territory_id", server::FieldCondition::Op::kEquals,
                    Value::String(territories[static_cast<size_t>(run % 20)])},
                   {"value_tier", server::FieldCondition::Op::kEquals,
                    Value::String(std::string(1, "abc"[run % 3]))}};
    query.order_by = "name";
    auto start = Clock::now();
    auto page = target.store->Find(query);
    filter_ms.push_back(Seconds(start) * 1000);
    if (!page.ok() || page->records.empty()) Die("filter: no first page");
    server::FindQuery search;
    search.search = absl::StrCat(words[run % 12], " ", absl::StrFormat("%05d", run * 37 % 99999));
    search.order_by = "name";
    start = Clock::now();
    auto found = target.store->Find(search);
    search_ms.push_back(Seconds(start) * 1000);
    if (!found.ok()) Die(found.status().message());
  }
  std::printf(
      "{\"bench\":\"find\",\"store\":\"%s\",\"path\":\"Store::Find on the typed accounts "
      "table\",\"accounts\":%d,\"runs\":%d,\"filter_p95_ms\":%.2f,\"filter_median_ms\":%.2f,"
      "\"search_p95_ms\":%.2f,\"search_median_ms\":%.2f}\n",
      target.kind.c_str(), n, kRuns, Percentile95(filter_ms), Median(filter_ms),
      Percentile95(search_ms), Median(search_ms));
  return 0;
}

// The app's benchmark is a program of its own (it links the Qt app; this one links the server):
// it runs in place of this one, with the arguments after "app".
int App(int argc, char** argv) {
#ifdef MCRM_APP_BENCH_BINARY
  std::vector<char*> args = {const_cast<char*>(MCRM_APP_BENCH_BINARY)};
  for (int i = 2; i < argc; ++i) args.push_back(argv[i]);
  args.push_back(nullptr);
  std::fflush(nullptr);
  execv(MCRM_APP_BENCH_BINARY, args.data());
  Die(absl::StrCat("app: cannot run ", MCRM_APP_BENCH_BINARY, ": ", std::strerror(errno)));
#else
  (void)argc;
  (void)argv;
  Die("app: not built (configure with -DMCRM_BUILD_APP=ON, which builds mcrm-app-bench)");
#endif
}

}  // namespace mcrm::bench

int main(int argc, char** argv) {
  // Before the flags are read: the app's benchmark reads its own.
  if (argc > 1 && std::strcmp(argv[1], "app") == 0) return mcrm::bench::App(argc, argv);
  mcrm::DashesToUnderscoresInFlagNames(argc, argv);
  std::vector<char*> args = absl::ParseCommandLine(argc, argv);
  const std::string command = args.size() > 1 ? args[1] : "";
  if (command == "push") return mcrm::bench::Push();
  if (command == "pull") return mcrm::bench::Pull();
  if (command == "streams") return mcrm::bench::Streams();
  if (command == "initial-sync") return mcrm::bench::InitialSync();
  if (command == "propagation") return mcrm::bench::Propagation();
  if (command == "import") return mcrm::bench::Import();
  if (command == "find") return mcrm::bench::Find();
  std::fprintf(stderr,
               "usage: mcrm-bench push|pull|streams|initial-sync|propagation|import|find|app "
               "[flags]  "
               "(--helpfull "
               "lists them)\n");
  return 2;
}
