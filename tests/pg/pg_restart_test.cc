// A restart of PostgreSQL under a running mcrm-server costs failed calls (UNAVAILABLE), never a
// crash or a wrong answer, and the server recovers by itself. Uses a cluster of its own, since it
// stops it.
#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "mcrm/v1/sync.grpc.pb.h"
#include "server_process.h"

namespace mcrm::testing {
namespace {

class Cluster {
 public:
  Cluster() : state_(absl::StrCat("/tmp/mcrm-restart-test-", getpid())) {}
  ~Cluster() { Run("stop"); }
  bool Run(const char* command) {
    return std::system(absl::StrCat(MCRM_SOURCE_DIR, "/tests/pg/cluster.sh ", command, " ", state_,
                                    " >/dev/null")
                           .c_str()) == 0;
  }
  std::string Uri() const {
    std::ifstream in(state_ + "/uri");
    std::string uri;
    std::getline(in, uri);
    return uri;
  }

 private:
  std::string state_;
};

TEST(PgRestart, CallsFailWithUnavailableWhilePostgresIsDownAndWorkAfterwards) {
  Cluster cluster;
  ASSERT_TRUE(cluster.Run("start")) << "the test's own PostgreSQL cluster did not start";
  const auto data_dir =
      std::filesystem::temp_directory_path() / absl::StrCat("mcrm-restart-", getpid());
  auto server = ServerProcess::Start(
      ServerBinary(),
      {"--listen=127.0.0.1:0", "--data-dir=" + data_dir.string(), "--database=" + cluster.Uri(),
       "--demo", "--demo-accounts=5", "--workers=3"});
  ASSERT_TRUE(server.ok()) << server.status();
  auto channel = grpc::CreateChannel(server->address(), grpc::InsecureChannelCredentials());
  auto auth = v1::Auth::NewStub(channel);
  auto sync = v1::Sync::NewStub(channel);

  v1::LoginRequest login;
  login.set_login("rep1");
  login.set_password("demo");
  login.set_device_id("restart-phone");
  v1::LoginResponse session;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(auth->Login(&context, login, &session).ok());
  }
  // No deadline: with PostgreSQL down the server must answer UNAVAILABLE, and a call that never
  // ends is for the ctest timeout to catch, however slow the machine.
  auto pull = [&]() {
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + session.session_token());
    v1::PullRequest request;
    request.set_device_id("restart-phone");
    v1::PullResponse response;
    const grpc::Status status = sync->Pull(&context, request, &response);
    return std::make_pair(status, response.records_size());
  };
  const auto [healthy, records] = pull();
  ASSERT_TRUE(healthy.ok()) << healthy.error_message();
  ASSERT_GT(records, 0);

  // A quick restart between two calls: the pooled connections are dead, yet no call fails.
  ASSERT_TRUE(cluster.Run("pause"));
  ASSERT_TRUE(cluster.Run("resume"));
  for (int i = 0; i < 6; ++i) {
    const auto [after_restart, count] = pull();
    ASSERT_TRUE(after_restart.ok()) << "call " << i << ": " << after_restart.error_message();
    EXPECT_EQ(count, records);
  }

  // An outage: calls fail with UNAVAILABLE while PostgreSQL is down.
  ASSERT_TRUE(cluster.Run("pause"));
  for (int i = 0; i < 5; ++i) {  // more calls than the server has connections
    const auto [down, unused] = pull();
    EXPECT_EQ(down.error_code(), grpc::StatusCode::UNAVAILABLE) << down.error_message();
  }
  {
    grpc::ClientContext context;
    v1::LoginResponse refused;
    EXPECT_EQ(auth->Login(&context, login, &refused).error_code(), grpc::StatusCode::UNAVAILABLE);
  }

  ASSERT_TRUE(cluster.Run("resume"));
  for (int i = 0; i < 6; ++i) {  // every pooled connection is renewed without a failed call
    const auto [back, again] = pull();
    ASSERT_TRUE(back.ok()) << "call " << i << " after the restart: " << back.error_message();
    EXPECT_EQ(again, records) << "the same answer as before the outage";
  }
  auto stopped = server->Stop(SIGTERM);
  ASSERT_TRUE(stopped.ok());
  EXPECT_EQ(*stopped, 0) << "the server survived the outage and stopped cleanly";
  std::filesystem::remove_all(data_dir);
}

}  // namespace
}  // namespace mcrm::testing
