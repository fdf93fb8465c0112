// The ServerInfo gRPC service: tells clients the server's version, protocol and store kind.
#pragma once

#include <memory>
#include <string>

namespace grpc {
class Service;
}

namespace mcrm::server {

std::unique_ptr<grpc::Service> MakeServerInfoService(std::string store_kind);

}  // namespace mcrm::server
