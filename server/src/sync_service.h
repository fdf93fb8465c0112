// The Auth and Sync gRPC services: thin callback-API shells that authenticate, hand the work to
// the worker pool (never blocking a gRPC thread) and convert statuses.
#pragma once

#include <memory>

#include "auth.h"
#include "push_hub.h"
#include "sync_core.h"
#include "worker_pool.h"

namespace grpc {
class Service;
}

namespace mcrm::server {

struct ServiceDeps {
  Authenticator& auth;
  SyncCore& core;
  PushHub& hub;
  WorkerPool& pool;
};

std::unique_ptr<grpc::Service> MakeAuthService(ServiceDeps deps);
std::unique_ptr<grpc::Service> MakeSyncService(ServiceDeps deps);

}  // namespace mcrm::server
