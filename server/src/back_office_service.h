// The BackOffice gRPC service: a thin callback-API shell over BackOffice (back_office.h) that
// authenticates each call and runs it on the worker pool.
#pragma once

#include <memory>

#include "auth.h"
#include "back_office.h"
#include "worker_pool.h"

namespace grpc {
class Service;
}

namespace mcrm::server {

std::unique_ptr<grpc::Service> MakeBackOfficeService(Authenticator& auth, BackOffice& back_office,
                                                     WorkerPool& pool);

}  // namespace mcrm::server
