#include "sync_service.h"

#include <grpcpp/grpcpp.h>

#include <atomic>

#include "mcrm/v1/sync.grpc.pb.h"

namespace mcrm::server {
namespace {

grpc::Status ToGrpc(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), std::string(status.message()));
}

// Finishes a unary call with `status`, adding the revoked-device trailer where it applies.
void Finish(grpc::CallbackServerContext* context, grpc::ServerUnaryReactor* reactor,
            const absl::Status& status) {
  if (IsDeviceRevokedError(status)) context->AddTrailingMetadata("mcrm-device-revoked", "true");
  reactor->Finish(ToGrpc(status));
}

std::string Authorization(grpc::CallbackServerContext* context) {
  const auto& metadata = context->client_metadata();
  const auto it = metadata.find("authorization");
  return it == metadata.end() ? std::string() : std::string(it->second.data(), it->second.size());
}

// Runs `work` (returning absl::Status) on the pool and finishes the call with its status.
template <typename Work>
grpc::ServerUnaryReactor* OnPool(WorkerPool& pool, grpc::CallbackServerContext* context,
                                 Work work) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  if (!pool.Submit([context, reactor, work = std::move(work)]() mutable {
        Finish(context, reactor, work());
      })) {
    reactor->Finish(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "server busy; retry later"));
  }
  return reactor;
}

class AuthService final : public v1::Auth::CallbackService {
 public:
  explicit AuthService(ServiceDeps deps) : deps_(deps) {}

  grpc::ServerUnaryReactor* Login(grpc::CallbackServerContext* context,
                                  const v1::LoginRequest* request,
                                  v1::LoginResponse* response) override {
    return OnPool(deps_.pool, context, [this, request, response]() -> absl::Status {
      auto result = deps_.auth.Login(request->login(), request->password(), request->device_id());
      if (!result.ok()) return result.status();
      response->set_session_token(result->token);
      response->set_user_id(result->caller.user_id);
      response->set_role(result->caller.role);
      response->set_expires_at_ms(result->expires_ms);
      return absl::OkStatus();
    });
  }

  grpc::ServerUnaryReactor* RevokeDevice(grpc::CallbackServerContext* context,
                                         const v1::RevokeDeviceRequest* request,
                                         v1::RevokeDeviceResponse* /*response*/) override {
    // The admin's own device id travels in metadata, as the request names another device.
    std::string own_device;
    if (auto it = context->client_metadata().find("mcrm-device-id");
        it != context->client_metadata().end()) {
      own_device.assign(it->second.data(), it->second.size());
    }
    std::string authorization = Authorization(context);
    return OnPool(deps_.pool, context,
                  [this, request, authorization, own_device]() -> absl::Status {
                    auto caller = deps_.auth.Authenticate(authorization, own_device);
                    if (!caller.ok()) return caller.status();
                    return deps_.auth.RevokeDevice(*caller, request->device_id());
                  });
  }

 private:
  ServiceDeps deps_;
};

// One device's poke stream. Deleted when both gRPC (OnDone) and the pending authentication task
// have let go of it.
class SubscribeReactor final : public grpc::ServerWriteReactor<v1::Poke>, public PokeTarget {
 public:
  SubscribeReactor(ServiceDeps deps, grpc::CallbackServerContext* context,
                   const v1::SubscribeRequest* request)
      : deps_(deps), context_(context) {
    std::string authorization = Authorization(context);
    std::string device_id = request->device_id();
    if (!deps_.pool.Submit(
            [this, authorization, device_id] { Authenticate(authorization, device_id); })) {
      refs_ = 1;
      Finish(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "server busy; retry later"));
    }
  }

  const Caller& caller() const override { return caller_; }

  void Poke() override {
    std::lock_guard lock(mutex_);
    if (finished_) return;
    if (writing_) {
      pending_ = true;  // coalesce: one poke on its way is enough
      return;
    }
    writing_ = true;
    poke_.set_sequence(++sequence_);
    StartWrite(&poke_);
  }

  void End() override {
    std::lock_guard lock(mutex_);
    FinishLocked(grpc::Status::OK);
  }

  void OnWriteDone(bool ok) override {
    std::lock_guard lock(mutex_);
    writing_ = false;
    if (!ok) {
      FinishLocked(grpc::Status(grpc::StatusCode::UNAVAILABLE, "stream broken"));
      return;
    }
    if (pending_ && !finished_) {
      pending_ = false;
      writing_ = true;
      poke_.set_sequence(++sequence_);
      StartWrite(&poke_);
    }
  }

  void OnCancel() override {
    std::lock_guard lock(mutex_);
    FinishLocked(grpc::Status::CANCELLED);
  }

  void OnDone() override {
    deps_.hub.Remove(this);
    Unref();
  }

 private:
  void Authenticate(const std::string& authorization, const std::string& device_id) {
    auto caller = deps_.auth.Authenticate(authorization, device_id);
    if (caller.ok()) {
      {
        std::lock_guard lock(mutex_);
        caller_ = *caller;
      }
      deps_.hub.Add(this);
      bool finished;
      {
        std::lock_guard lock(mutex_);
        finished = finished_;
      }
      // Cancelled meanwhile: OnDone may have run before Add, so take ourselves out again.
      if (finished) {
        deps_.hub.Remove(this);
      } else {
        Poke();  // the stream is live: pull once now, to catch up
      }
    } else {
      std::lock_guard lock(mutex_);
      if (IsDeviceRevokedError(caller.status())) {
        context_->AddTrailingMetadata("mcrm-device-revoked", "true");
      }
      FinishLocked(ToGrpc(caller.status()));
    }
    Unref();
  }

  void FinishLocked(const grpc::Status& status) {
    if (finished_) return;
    finished_ = true;
    Finish(status);
  }

  void Unref() {
    if (--refs_ == 0) delete this;
  }

  ServiceDeps deps_;
  grpc::CallbackServerContext* context_;
  std::mutex mutex_;
  Caller caller_;
  v1::Poke poke_;
  int64_t sequence_ = 0;
  bool writing_ = false;
  bool pending_ = false;
  bool finished_ = false;
  std::atomic<int> refs_{2};
};

// Pull is a raw method: the response is written as bytes that SyncCore already encoded.
class SyncService final : public v1::Sync::WithRawCallbackMethod_Pull<v1::Sync::CallbackService> {
 public:
  explicit SyncService(ServiceDeps deps) : deps_(deps) {}

  grpc::ServerUnaryReactor* Push(grpc::CallbackServerContext* context,
                                 const v1::PushRequest* request,
                                 v1::PushResponse* response) override {
    std::string authorization = Authorization(context);
    return OnPool(deps_.pool, context, [this, request, response, authorization]() -> absl::Status {
      auto caller = deps_.auth.Authenticate(authorization, request->device_id());
      if (!caller.ok()) return caller.status();
      auto result = deps_.core.Push(*caller, request->mutations());
      if (!result.ok()) return result.status();
      *response = *std::move(result);
      return absl::OkStatus();
    });
  }

  grpc::ServerUnaryReactor* Pull(grpc::CallbackServerContext* context,
                                 const grpc::ByteBuffer* raw_request,
                                 grpc::ByteBuffer* raw_response) override {
    std::string authorization = Authorization(context);
    return OnPool(deps_.pool, context,
                  [this, raw_request, raw_response, authorization]() -> absl::Status {
                    v1::PullRequest request;
                    std::vector<grpc::Slice> slices;
                    std::string bytes;
                    if (raw_request->Dump(&slices).ok()) {
                      for (const auto& slice : slices) {
                        bytes.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
                      }
                    }
                    if (!request.ParseFromString(bytes)) {
                      return absl::InvalidArgumentError("the PullRequest does not parse");
                    }
                    auto caller = deps_.auth.Authenticate(authorization, request.device_id());
                    if (!caller.ok()) return caller.status();
                    auto response = deps_.core.Pull(*caller, request.cursor(), request.limit());
                    if (!response.ok()) return response.status();
                    // The page's bytes are handed to gRPC as they are, not copied (a page is
                    // a megabyte or more).
                    auto* page = new std::string(*std::move(response));
                    grpc::Slice slice(
                        page->data(), page->size(),
                        [](void* owned) { delete static_cast<std::string*>(owned); }, page);
                    *raw_response = grpc::ByteBuffer(&slice, 1);
                    return absl::OkStatus();
                  });
  }

  grpc::ServerWriteReactor<v1::Poke>* Subscribe(grpc::CallbackServerContext* context,
                                                const v1::SubscribeRequest* request) override {
    return new SubscribeReactor(deps_, context, request);
  }

  grpc::ServerUnaryReactor* ListConflicts(grpc::CallbackServerContext* context,
                                          const v1::ListConflictsRequest* request,
                                          v1::ListConflictsResponse* response) override {
    std::string authorization = Authorization(context);
    std::string device_id;
    if (auto it = context->client_metadata().find("mcrm-device-id");
        it != context->client_metadata().end()) {
      device_id.assign(it->second.data(), it->second.size());
    }
    return OnPool(deps_.pool, context,
                  [this, request, response, authorization, device_id]() -> absl::Status {
                    auto caller = deps_.auth.Authenticate(authorization, device_id);
                    if (!caller.ok()) return caller.status();
                    auto result = deps_.core.ListConflicts(*caller, *request);
                    if (!result.ok()) return result.status();
                    *response = *std::move(result);
                    return absl::OkStatus();
                  });
  }

 private:
  ServiceDeps deps_;
};

}  // namespace

std::unique_ptr<grpc::Service> MakeAuthService(ServiceDeps deps) {
  return std::make_unique<AuthService>(deps);
}

std::unique_ptr<grpc::Service> MakeSyncService(ServiceDeps deps) {
  return std::make_unique<SyncService>(deps);
}

}  // namespace mcrm::server
