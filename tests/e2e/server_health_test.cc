// End-to-end: the real mcrm-server binary over gRPC on 127.0.0.1.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <cstdlib>
#include <filesystem>

#include "grpc/health/v1/health.grpc.pb.h"
#include "grpc/reflection/v1alpha/reflection.grpc.pb.h"
#include "mcrm/v1/server_info.grpc.pb.h"
#include "server_process.h"

namespace mcrm::testing {
namespace {

class ServerE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    data_dir_ = std::filesystem::temp_directory_path() /
                ("mcrm-e2e-" + std::to_string(getpid()) + "-" +
                 ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(data_dir_);
  }
  void TearDown() override { std::filesystem::remove_all(data_dir_); }

  absl::StatusOr<ServerProcess> StartServer() {
    return ServerProcess::Start(ServerBinary(),
                                {"--listen=127.0.0.1:0", "--data-dir=" + data_dir_.string()});
  }

  // No deadline: a call that never ends is for the ctest timeout to catch, however slow the
  // machine.
  static std::unique_ptr<grpc::ClientContext> NewContext() {
    return std::make_unique<grpc::ClientContext>();
  }

  std::filesystem::path data_dir_;
};

TEST_F(ServerE2eTest, ReportsServingOverTheHealthService) {
  auto server = StartServer();
  ASSERT_TRUE(server.ok()) << server.status();
  EXPECT_NE(server->address(), "127.0.0.1:0") << "the start line must name the bound port";
  EXPECT_NE(server->start_line().find("store=sqlite:" + data_dir_.string()), std::string::npos)
      << server->start_line();

  auto channel = grpc::CreateChannel(server->address(), grpc::InsecureChannelCredentials());
  auto health = grpc::health::v1::Health::NewStub(channel);
  grpc::health::v1::HealthCheckResponse response;
  const grpc::Status status =
      health->Check(NewContext().get(), grpc::health::v1::HealthCheckRequest(), &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::SERVING);

  auto stopped = server->Stop(SIGTERM);
  ASSERT_TRUE(stopped.ok()) << stopped.status();
  EXPECT_EQ(*stopped, 0);
}

TEST_F(ServerE2eTest, ListsItsServicesOverReflection) {
  auto server = StartServer();
  ASSERT_TRUE(server.ok()) << server.status();
  auto channel = grpc::CreateChannel(server->address(), grpc::InsecureChannelCredentials());
  auto reflection = grpc::reflection::v1alpha::ServerReflection::NewStub(channel);
  auto context = NewContext();
  auto stream = reflection->ServerReflectionInfo(context.get());
  grpc::reflection::v1alpha::ServerReflectionRequest request;
  request.set_list_services("");
  ASSERT_TRUE(stream->Write(request));
  stream->WritesDone();
  grpc::reflection::v1alpha::ServerReflectionResponse response;
  ASSERT_TRUE(stream->Read(&response));
  std::vector<std::string> names;
  for (const auto& service : response.list_services_response().service()) {
    names.push_back(service.name());
  }
  EXPECT_NE(std::find(names.begin(), names.end(), "mcrm.v1.ServerInfo"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "grpc.health.v1.Health"), names.end());
  while (stream->Read(&response)) {
  }
  EXPECT_TRUE(stream->Finish().ok());
}

TEST_F(ServerE2eTest, DescribesItselfAndStopsCleanlyOnInterrupt) {
  auto server = StartServer();
  ASSERT_TRUE(server.ok()) << server.status();
  auto channel = grpc::CreateChannel(server->address(), grpc::InsecureChannelCredentials());
  auto info = mcrm::v1::ServerInfo::NewStub(channel);
  mcrm::v1::GetInfoResponse response;
  const grpc::Status status =
      info->GetInfo(NewContext().get(), mcrm::v1::GetInfoRequest(), &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.protocol_version(), 1u);
  EXPECT_EQ(response.store_kind(), "sqlite");
  EXPECT_FALSE(response.server_version().empty());

  auto stopped = server->Stop(SIGINT);
  ASSERT_TRUE(stopped.ok()) << stopped.status();
  EXPECT_EQ(*stopped, 0);
}

TEST_F(ServerE2eTest, RefusesAMalformedListenAddress) {
  auto server = ServerProcess::Start(ServerBinary(), {"--listen=127.0.0.1:http"});
  ASSERT_FALSE(server.ok());
  EXPECT_NE(server.status().message().find("exited before its start line"), std::string::npos)
      << server.status();
}

}  // namespace
}  // namespace mcrm::testing
