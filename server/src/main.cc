// mcrm-server: the master customer store and the sync service.
#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/impl/codegen/service_type.h>
#include <signal.h>

#include <cstdio>
#include <filesystem>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "mcrm/version.h"
#include "server_config.h"
#include "server_info_service.h"

ABSL_FLAG(std::string, listen, absl::StrCat("127.0.0.1:", mcrm::kDefaultServerPort),
          "host:port to listen on; port 0 picks a free port (the start line says which)");
ABSL_FLAG(std::string, data_dir, "mcrm-data",
          "directory for the embedded store and other server files; created when missing");
ABSL_FLAG(std::string, database, "",
          "postgresql:// URI of the master store, or sqlite:PATH; empty uses the embedded SQLite "
          "store in --data-dir");

namespace {

// Flags are documented with dashes (--data-dir); Abseil names them with underscores.
void DashesToUnderscoresInFlagNames(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    char* arg = argv[i];
    if (arg[0] != '-' || arg[1] != '-') continue;
    if (arg[2] == '\0') break;  // "--" ends the flags
    for (char* c = arg + 2; *c != '\0' && *c != '='; ++c) {
      if (*c == '-') *c = '_';
    }
  }
}

int Fail(absl::string_view message) {
  std::fprintf(stderr, "mcrm-server: %.*s\n", static_cast<int>(message.size()), message.data());
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "mcrm-server [--listen HOST:PORT] [--data-dir DIR] [--database URI]");
  DashesToUnderscoresInFlagNames(argc, argv);
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

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();

  auto info_service = mcrm::server::MakeServerInfoService(std::string(config->store.KindName()));
  int bound_port = 0;
  grpc::ServerBuilder builder;
  builder.AddListeningPort(config->listen.ToString(), grpc::InsecureServerCredentials(),
                           &bound_port);
  builder.RegisterService(info_service.get());
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

  std::thread stopper([&server, &stop_signals] {
    int signal_number = 0;
    sigwait(&stop_signals, &signal_number);
    server->GetHealthCheckService()->Shutdown();
    server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  });
  server->Wait();
  stopper.join();
  std::printf("mcrm-server stopped\n");
  return 0;
}
