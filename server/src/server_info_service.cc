#include "server_info_service.h"

#include <grpcpp/grpcpp.h>

#include "mcrm/schema.h"
#include "mcrm/v1/server_info.grpc.pb.h"
#include "mcrm/version.h"
#include "raw_call.h"

namespace mcrm::server {
namespace {

// GetInfo reads its request itself, so a malformed one gets INVALID_ARGUMENT (raw_call.h).
class ServerInfoService final : public mcrm::v1::ServerInfo::WithRawCallbackMethod_GetInfo<
                                    mcrm::v1::ServerInfo::CallbackService> {
 public:
  explicit ServerInfoService(std::string store_kind) : store_kind_(std::move(store_kind)) {}

  grpc::ServerUnaryReactor* GetInfo(grpc::CallbackServerContext* context,
                                    const grpc::ByteBuffer* raw_request,
                                    grpc::ByteBuffer* raw_response) override {
    auto* reactor = context->DefaultReactor();
    mcrm::v1::GetInfoRequest request;
    if (absl::Status parsed = ParseRequest(*raw_request, request); !parsed.ok()) {
      reactor->Finish(ToGrpc(parsed));
      return reactor;
    }
    mcrm::v1::GetInfoResponse response;
    response.set_server_version(std::string(BuildVersion()));
    response.set_protocol_version(kProtocolVersion);
    response.set_store_kind(store_kind_);
    response.set_schema_version(kSchemaVersion);
    *raw_response = ToByteBuffer(response.SerializeAsString());
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
