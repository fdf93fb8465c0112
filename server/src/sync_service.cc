#include "sync_service.h"

#include <grpcpp/grpcpp.h>

#include <atomic>

#include "mcrm/status_macros.h"
#include "mcrm/store/v1/stored.pb.h"
#include "mcrm/v1/sync.grpc.pb.h"
#include "raw_call.h"
#include "service_call.h"

namespace mcrm::server {
namespace {

class AuthService final
    : public v1::Auth::WithRawCallbackMethod_Login<
          v1::Auth::WithRawCallbackMethod_RevokeDevice<v1::Auth::CallbackService>> {
 public:
  explicit AuthService(ServiceDeps deps) : deps_(deps) {}

  grpc::ServerUnaryReactor* Login(grpc::CallbackServerContext* context,
                                  const grpc::ByteBuffer* raw_request,
                                  grpc::ByteBuffer* raw_response) override {
    return Unary<v1::LoginRequest>(
        deps_.pool, context, raw_request, raw_response,
        [this](const v1::LoginRequest& request) -> absl::StatusOr<v1::LoginResponse> {
          auto result = deps_.auth.Login(request.login(), request.password(), request.device_id());
          if (!result.ok()) return result.status();
          v1::LoginResponse response;
          response.set_session_token(result->token);
          response.set_user_id(result->caller.user_id);
          response.set_role(result->caller.role);
          response.set_expires_at_ms(result->expires_ms);
          return response;
        });
  }

  grpc::ServerUnaryReactor* RevokeDevice(grpc::CallbackServerContext* context,
                                         const grpc::ByteBuffer* raw_request,
                                         grpc::ByteBuffer* raw_response) override {
    // The admin's own device id travels in metadata, as the request names another device.
    return Unary<v1::RevokeDeviceRequest>(
        deps_.pool, context, raw_request, raw_response,
        [this, authorization = Authorization(context), own_device = DeviceIdMetadata(context)](
            const v1::RevokeDeviceRequest& request) -> absl::StatusOr<v1::RevokeDeviceResponse> {
          auto caller = deps_.auth.Authenticate(authorization, own_device);
          if (!caller.ok()) return caller.status();
          RETURN_IF_ERROR(deps_.auth.RevokeDevice(*caller, request.device_id()));
          // Its open poke streams end now, with the answer that makes it wipe itself.
          deps_.hub.EndDevice(request.device_id(), DeviceRevokedError());
          return v1::RevokeDeviceResponse();
        });
  }

 private:
  ServiceDeps deps_;
};

// One device's poke stream. Deleted when both gRPC (OnDone) and the pending authentication task
// have let go of it. Its request and pokes travel as bytes (raw_call.h).
class SubscribeReactor final : public grpc::ServerWriteReactor<grpc::ByteBuffer>,
                               public PokeTarget {
 public:
  SubscribeReactor(ServiceDeps deps, grpc::CallbackServerContext* context,
                   const grpc::ByteBuffer* raw_request)
      : deps_(deps), context_(context) {
    v1::SubscribeRequest request;
    if (absl::Status parsed = ParseRequest(*raw_request, request); !parsed.ok()) {
      refs_ = 1;
      Finish(ToGrpc(parsed));
      return;
    }
    std::string authorization = Authorization(context);
    std::string device_id = request.device_id();
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
    WriteNextLocked();
  }

  void End(const absl::Status& status) override {
    std::lock_guard lock(mutex_);
    FinishLocked(status);
  }

  void OnWriteDone(bool ok) override {
    std::lock_guard lock(mutex_);
    writing_ = false;
    if (!ok) {
      FinishLocked(absl::UnavailableError("stream broken"));
      return;
    }
    if (pending_ && !finished_) {
      pending_ = false;
      WriteNextLocked();
    }
  }

  void OnCancel() override {
    std::lock_guard lock(mutex_);
    FinishLocked(absl::CancelledError("cancelled"));
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
      // A device revoked between its authentication and now is ended here.
      if (absl::Status ended = deps_.hub.Add(this); !ended.ok()) {
        {
          std::lock_guard lock(mutex_);
          FinishLocked(ended);
        }
        Unref();  // may delete this: never under our own lock
        return;
      }
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
      FinishLocked(caller.status());
    }
    Unref();
  }

  void WriteNextLocked() {
    writing_ = true;
    v1::Poke poke;
    poke.set_sequence(++sequence_);
    poke_ = ToByteBuffer(poke.SerializeAsString());
    StartWrite(&poke_);
  }

  // Ends the stream once, adding the revoked-device trailer where it applies.
  void FinishLocked(const absl::Status& status) {
    if (finished_) return;
    finished_ = true;
    if (IsDeviceRevokedError(status)) context_->AddTrailingMetadata("mcrm-device-revoked", "true");
    Finish(ToGrpc(status));
  }

  void Unref() {
    if (--refs_ == 0) delete this;
  }

  ServiceDeps deps_;
  grpc::CallbackServerContext* context_;
  std::mutex mutex_;
  Caller caller_;
  grpc::ByteBuffer poke_;  // the poke being written
  int64_t sequence_ = 0;
  bool writing_ = false;
  bool pending_ = false;
  bool finished_ = false;
  std::atomic<int> refs_{2};
};

// Every call reads its request from bytes (raw_call.h); Pull's response is written as the bytes
// SyncCore already encoded.
class SyncService final
    : public v1::Sync::WithRawCallbackMethod_Push<
          v1::Sync::WithRawCallbackMethod_Pull<v1::Sync::WithRawCallbackMethod_Subscribe<
              v1::Sync::WithRawCallbackMethod_ListConflicts<v1::Sync::CallbackService>>>> {
 public:
  explicit SyncService(ServiceDeps deps) : deps_(deps) {}

  // The push is read as an envelope whose mutations stay bytes, and each mutation is parsed on its
  // own: one that does not parse is refused alone (REJECTED, INVALID_ARGUMENT, naming what is
  // wrong) and the others go on. An envelope that does not parse refuses the call.
  grpc::ServerUnaryReactor* Push(grpc::CallbackServerContext* context,
                                 const grpc::ByteBuffer* raw_request,
                                 grpc::ByteBuffer* raw_response) override {
    return Unary<store::v1::PushRequestEnvelope>(
        deps_.pool, context, raw_request, raw_response,
        [this, authorization = Authorization(context)](
            const store::v1::PushRequestEnvelope& request) -> absl::StatusOr<v1::PushResponse> {
          ASSIGN_OR_RETURN(Caller caller,
                           deps_.auth.Authenticate(authorization, request.device_id()));
          // Before any mutation is parsed: an oversize batch is refused whole.
          RETURN_IF_ERROR(SyncCore::CheckBatchSize(request.mutations_size()));
          google::protobuf::RepeatedPtrField<v1::Mutation> mutations;
          std::vector<absl::Status> unreadable(static_cast<size_t>(request.mutations_size()));
          for (int i = 0; i < request.mutations_size(); ++i) {
            unreadable[static_cast<size_t>(i)] = wire::ParseMessage(
                request.mutations(i), *mutations.Add(), absl::StrCat("mutations[", i, "]"));
          }
          return deps_.core.Push(caller, mutations, unreadable);
        });
  }

  grpc::ServerUnaryReactor* Pull(grpc::CallbackServerContext* context,
                                 const grpc::ByteBuffer* raw_request,
                                 grpc::ByteBuffer* raw_response) override {
    return OnPool(deps_.pool, context,
                  [this, raw_request, raw_response,
                   authorization = Authorization(context)]() -> absl::Status {
                    v1::PullRequest request;
                    RETURN_IF_ERROR(ParseRequest(*raw_request, request));
                    auto caller = deps_.auth.Authenticate(authorization, request.device_id());
                    if (!caller.ok()) return caller.status();
                    auto response = deps_.core.Pull(*caller, request.cursor(), request.limit(),
                                                    request.unsent_changes());
                    if (!response.ok()) return response.status();
                    // The page's bytes are handed to gRPC as they are, not copied (a page is
                    // a megabyte or more).
                    *raw_response = ToByteBuffer(*std::move(response));
                    return absl::OkStatus();
                  });
  }

  grpc::ServerWriteReactor<grpc::ByteBuffer>* Subscribe(
      grpc::CallbackServerContext* context, const grpc::ByteBuffer* raw_request) override {
    return new SubscribeReactor(deps_, context, raw_request);
  }

  grpc::ServerUnaryReactor* ListConflicts(grpc::CallbackServerContext* context,
                                          const grpc::ByteBuffer* raw_request,
                                          grpc::ByteBuffer* raw_response) override {
    return Unary<v1::ListConflictsRequest>(
        deps_.pool, context, raw_request, raw_response,
        [this, authorization = Authorization(context), device_id = DeviceIdMetadata(context)](
            const v1::ListConflictsRequest& request) -> absl::StatusOr<v1::ListConflictsResponse> {
          ASSIGN_OR_RETURN(Caller caller, deps_.auth.Authenticate(authorization, device_id));
          return deps_.core.ListConflicts(caller, request);
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
