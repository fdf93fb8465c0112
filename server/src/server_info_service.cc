#include "server_info_service.h"

#include <grpcpp/grpcpp.h>

#include "mcrm/schema.h"
#include "mcrm/v1/server_info.grpc.pb.h"
#include "mcrm/version.h"

namespace mcrm::server {
namespace {

class ServerInfoService final : public mcrm::v1::ServerInfo::CallbackService {
 public:
  explicit ServerInfoService(std::string store_kind) : store_kind_(std::move(store_kind)) {}

  grpc::ServerUnaryReactor* GetInfo(grpc::CallbackServerContext* context,
                                    const mcrm::v1::GetInfoRequest* /*request*/,
                                    mcrm::v1::GetInfoResponse* response) override {
    response->set_server_version(std::string(BuildVersion()));
    response->set_protocol_version(kProtocolVersion);
    response->set_store_kind(store_kind_);
    response->set_schema_version(kSchemaVersion);
    auto* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }

 private:
  const std::string store_kind_;
};

}  // namespace

std::unique_ptr<grpc::Service> MakeServerInfoService(std::string store_kind) {
  return std::make_unique<ServerInfoService>(std::move(store_kind));
}

}  // namespace mcrm::server
