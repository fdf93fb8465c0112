// What every unary call of our gRPC services does around its work: reads the caller's
// credentials from metadata, refuses work whose deadline passed while it waited, runs the work on
// the worker pool (never on a gRPC thread) and finishes the call with its status. Included only
// by the service files: it brings in grpcpp.
#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <string>

#include "auth.h"
#include "mcrm/status_macros.h"
#include "raw_call.h"
#include "worker_pool.h"

namespace mcrm::server {

// Finishes a unary call with `status`, adding the revoked-device trailer where it applies.
inline void Finish(grpc::CallbackServerContext* context, grpc::ServerUnaryReactor* reactor,
                   const absl::Status& status) {
  if (IsDeviceRevokedError(status)) context->AddTrailingMetadata("mcrm-device-revoked", "true");
  reactor->Finish(ToGrpc(status));
}

inline std::string Metadata(grpc::CallbackServerContext* context, const char* key) {
  const auto& metadata = context->client_metadata();
  const auto it = metadata.find(key);
  return it == metadata.end() ? std::string() : std::string(it->second.data(), it->second.size());
}

inline std::string Authorization(grpc::CallbackServerContext* context) {
  return Metadata(context, "authorization");
}

// The device id a call names in metadata, for calls whose request names no device.
inline std::string DeviceIdMetadata(grpc::CallbackServerContext* context) {
  return Metadata(context, "mcrm-device-id");
}

// Runs `work` (returning absl::Status) on the pool and finishes the call with its status. Work
// whose deadline passed while it waited for a thread is not started: its caller has given up.
template <typename Work>
grpc::ServerUnaryReactor* OnPool(WorkerPool& pool, grpc::CallbackServerContext* context,
                                 Work work) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  if (!pool.Submit([context, reactor, work = std::move(work)]() mutable {
        if (context->deadline() < std::chrono::system_clock::now()) {
          Finish(context, reactor,
                 absl::DeadlineExceededError("deadline passed before the work began"));
          return;
        }
        Finish(context, reactor, work());
      })) {
    reactor->Finish(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "server busy; retry later"));
  }
  return reactor;
}

// A unary call whose request and response travel as bytes (raw_call.h): parses the request,
// runs `handle` (Request -> absl::StatusOr<Response>) on the pool, and sends its response.
template <typename Request, typename Handle>
grpc::ServerUnaryReactor* Unary(WorkerPool& pool, grpc::CallbackServerContext* context,
                                const grpc::ByteBuffer* raw_request, grpc::ByteBuffer* raw_response,
                                Handle handle) {
  return OnPool(pool, context,
                [raw_request, raw_response, handle = std::move(handle)]() -> absl::Status {
                  Request request;
                  RETURN_IF_ERROR(ParseRequest(*raw_request, request));
                  auto response = handle(request);
                  if (!response.ok()) return response.status();
                  *raw_response = ToByteBuffer(response->SerializeAsString());
                  return absl::OkStatus();
                });
}

}  // namespace mcrm::server
