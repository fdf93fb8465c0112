// mcrm-server: the master customer store and the sync service.
#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/impl/codegen/service_type.h>
#include <signal.h>
#include <unistd.h>

#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "auth.h"
#include "back_office_service.h"
#include "demo_data.h"
#include "mcrm/command_line.h"
#include "mcrm/hlc.h"
#include "mcrm/version.h"
#include "push_hub.h"
#include "server_config.h"
#include "server_info_service.h"
#include "store/store.h"
#include "sync_core.h"
#include "sync_service.h"
#include "worker_pool.h"

ABSL_FLAG(std::string, listen, absl::StrCat("127.0.0.1:", mcrm::kDefaultServerPort),
          "host:port to listen on; port 0 picks a free port (the start line says which)");
ABSL_FLAG(std::string, data_dir, "mcrm-data",
          "directory for the embedded store and other server files; created when missing");
ABSL_FLAG(std::string, database, "",
          "postgresql:// URI of the master store, or sqlite:PATH; empty uses the embedded SQLite "
          "store in --data-dir");
ABSL_FLAG(bool, demo, false, "fill an empty store with demo data and print the demo logins");
ABSL_FLAG(int, demo_accounts, 200, "accounts in the demo data");
ABSL_FLAG(uint64_t, demo_seed, 1, "seed of the demo data (same seed, same data)");
ABSL_FLAG(std::string, demo_locale, "de",
          "language of the demo data: de (German) or zh (Simplified Chinese)");
ABSL_FLAG(int, workers, 8, "threads (and PostgreSQL connections) for database work");
ABSL_FLAG(bool, stop_on_stdin_eof, false,
          "stop when standard input closes (for a parent process that may die without asking)");
ABSL_FLAG(int, tombstone_days, 30,
          "forget deletions and scope exits after this many days; devices whose cursor is older "
          "must resync in full");

namespace {

int64_t WallMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int Fail(absl::string_view message) {
  std::fprintf(stderr, "mcrm-server: %.*s\n", static_cast<int>(message.size()), message.data());
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "mcrm-server [--listen HOST:PORT] [--data-dir DIR] [--database URI]");
  mcrm::DashesToUnderscoresInFlagNames(argc, argv);
  const std::vector<char*> positional = absl::ParseCommandLine(argc, argv);
  if (positional.size() > 1)
    return Fail(absl::StrCat("unexpected argument \"", positional[1], "\""));

  auto config = mcrm::server::MakeServerConfig(
      absl::GetFlag(FLAGS_listen), absl::GetFlag(FLAGS_data_dir), absl::GetFlag(FLAGS_database));
  if (!config.ok()) return Fail(config.status().message());

  std::error_code ec;
  std::filesystem::create_directories(config->data_dir, ec);
  if (ec) {
    return Fail(
        absl::StrCat("--data-dir: cannot create \"", config->data_dir, "\": ", ec.message()));
  }

  // Block the stop signals in every thread; one thread waits for them and shuts the server down.
  // A shell starts background jobs with SIGINT ignored, and an ignored signal is discarded even
  // while blocked, so restore the default first.
  signal(SIGINT, SIG_DFL);
  signal(SIGTERM, SIG_DFL);
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  const int workers = absl::GetFlag(FLAGS_workers);
  if (workers < 1 || workers > 256) return Fail("--workers: must be between 1 and 256");
  const std::string demo_locale = absl::GetFlag(FLAGS_demo_locale);
  if (absl::Status locale = mcrm::server::CheckDemoLocale(demo_locale); !locale.ok()) {
    return Fail(locale.message());
  }
  auto store = config->store.kind == mcrm::server::StoreSpec::Kind::kSqlite
                   ? mcrm::server::OpenSqliteStore(config->store.location)
                   : mcrm::server::OpenPostgresStore(config->store.location, workers);
  if (!store.ok()) return Fail(store.status().message());

  const int tombstone_days = absl::GetFlag(FLAGS_tombstone_days);
  if (tombstone_days < 1) return Fail("--tombstone-days: must be at least 1");

  mcrm::HybridClock clock("server", WallMs);
  mcrm::server::PushHub hub;
  mcrm::server::WorkerPool pool(workers, 10000);
  mcrm::server::Authenticator authenticator(**store, WallMs);
  mcrm::server::SyncCore core(
      **store, clock, WallMs,
      [&hub](const std::vector<mcrm::Audience>& audiences) { hub.Notify(audiences); });

  if (absl::GetFlag(FLAGS_demo)) {
    mcrm::server::DemoOptions demo;
    demo.seed = absl::GetFlag(FLAGS_demo_seed);
    demo.accounts = absl::GetFlag(FLAGS_demo_accounts);
    demo.locale = demo_locale;
    auto logins = mcrm::server::SeedDemoData(core.write_path(), **store, demo);
    if (!logins.ok()) return Fail(logins.status().message());
    if (logins->empty()) {
      std::printf(
          "demo: the store already holds data; kept it (demo logins use password \"demo\")\n");
    } else {
      std::printf("demo: %d accounts generated (seed %llu); sign in with one of these logins:\n",
                  demo.accounts, static_cast<unsigned long long>(demo.seed));
      for (const auto& login : *logins) {
        std::printf("demo:   login %-9s password %s  (%s)\n", login.login.c_str(),
                    login.password.c_str(), login.role.c_str());
      }
    }
  }

  const mcrm::server::ServiceDeps deps{authenticator, core, hub, pool};
  auto auth_service = mcrm::server::MakeAuthService(deps);
  auto sync_service = mcrm::server::MakeSyncService(deps);
  mcrm::server::BackOffice back_office(**store, core.write_path());
  auto back_office_service = mcrm::server::MakeBackOfficeService(authenticator, back_office, pool);

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();

  auto info_service = mcrm::server::MakeServerInfoService(std::string(config->store.KindName()));
  int bound_port = 0;
  grpc::ServerBuilder builder;
  builder.AddListeningPort(config->listen.ToString(), grpc::InsecureServerCredentials(),
                           &bound_port);
  // Idle Subscribe streams stay healthy through NATs; dead phones are noticed within a minute.
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, 30000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 10000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 10000);
  builder.SetMaxReceiveMessageSize(32 * 1024 * 1024);
  builder.RegisterService(info_service.get());
  builder.RegisterService(auth_service.get());
  builder.RegisterService(sync_service.get());
  builder.RegisterService(back_office_service.get());
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || bound_port == 0) {
    return Fail(absl::StrCat("cannot listen on ", config->listen.ToString()));
  }

  mcrm::Endpoint bound = config->listen;
  bound.port = static_cast<uint16_t>(bound_port);
  std::printf("mcrm-server %s listening on %s store=%s\n",
              std::string(mcrm::BuildVersion()).c_str(), bound.ToString().c_str(),
              config->store.Describe().c_str());
  std::fflush(stdout);

  // The tombstone horizon moves once at start and then hourly. Mutation results are kept twice
  // as long, so a device retrying just before its forced resync still gets its original result.
  std::mutex purge_mutex;
  std::condition_variable purge_wake;
  bool stopping = false;
  std::thread purger([&] {
    const int64_t horizon_ms = int64_t{tombstone_days} * 24 * 3600 * 1000;
    std::unique_lock lock(purge_mutex);
    do {
      lock.unlock();
      auto purged = (*store)->PurgeBefore(WallMs() - horizon_ms, WallMs() - 2 * horizon_ms);
      if (!purged.ok()) {
        std::fprintf(stderr, "mcrm-server: purging old tombstones failed: %s\n",
                     std::string(purged.status().message()).c_str());
      }
      lock.lock();
    } while (!purge_wake.wait_for(lock, std::chrono::hours(1), [&] { return stopping; }));
  });

  if (absl::GetFlag(FLAGS_stop_on_stdin_eof)) {
    // Detached: it may still be blocked in read() when main returns.
    std::thread([] {
      char buffer[256];
      while (read(STDIN_FILENO, buffer, sizeof buffer) > 0) {
      }
      kill(getpid(), SIGTERM);
    }).detach();
  }

  std::thread stopper([&server, &stop_signals, &hub] {
    int signal_number = 0;
    sigwait(&stop_signals, &signal_number);
    server->GetHealthCheckService()->Shutdown();
    hub.EndAll();
    server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  });
  server->Wait();
  stopper.join();
  {
    std::lock_guard lock(purge_mutex);
    stopping = true;
  }
  purge_wake.notify_all();
  purger.join();
  std::printf("mcrm-server stopped\n");
  return 0;
}
