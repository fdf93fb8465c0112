#include "sync_engine.h"

#include <grpcpp/grpcpp.h>

#include "absl/strings/str_cat.h"
#include "mcrm/status_macros.h"
#include "mcrm/v1/sync.grpc.pb.h"

namespace mcrm::device {
namespace {

constexpr absl::string_view kRevokedPayload = "mcrm.device_revoked";
constexpr auto kCallDeadline = std::chrono::seconds(30);

// Converts a call's outcome, turning the server's revoked trailer into the revoked status.
absl::Status FromGrpc(const grpc::Status& status, const grpc::ClientContext& context) {
  if (status.ok()) return absl::OkStatus();
  absl::Status out(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
  const auto& trailers = context.GetServerTrailingMetadata();
  if (trailers.find("mcrm-device-revoked") != trailers.end()) {
    out.SetPayload(kRevokedPayload, absl::Cord("true"));
  }
  return out;
}

}  // namespace

bool IsDeviceRevoked(const absl::Status& status) {
  return status.GetPayload(kRevokedPayload).has_value();
}

struct SyncClient::Stubs {
  std::unique_ptr<v1::Auth::Stub> auth;
  std::unique_ptr<v1::Sync::Stub> sync;

  std::unique_ptr<grpc::ClientContext> Context(const std::string& token) const {
    auto context = std::make_unique<grpc::ClientContext>();
    context->set_deadline(std::chrono::system_clock::now() + kCallDeadline);
    if (!token.empty()) context->AddMetadata("authorization", "Bearer " + token);
    return context;
  }
};

SyncClient::SyncClient(const std::string& address, std::string device_id)
    : stubs_(std::make_unique<Stubs>()), device_id_(std::move(device_id)) {
  auto channel = grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
  stubs_->auth = v1::Auth::NewStub(channel);
  stubs_->sync = v1::Sync::NewStub(channel);
}

SyncClient::~SyncClient() = default;

absl::Status SyncClient::Login(const std::string& login, const std::string& password) {
  v1::LoginRequest request;
  request.set_login(login);
  request.set_password(password);
  request.set_device_id(device_id_);
  v1::LoginResponse response;
  auto context = stubs_->Context("");
  RETURN_IF_ERROR(FromGrpc(stubs_->auth->Login(context.get(), request, &response), *context));
  token_ = response.session_token();
  user_id_ = response.user_id();
  return absl::OkStatus();
}

absl::StatusOr<v1::PushResponse> SyncClient::Push(const std::vector<v1::Mutation>& mutations) {
  v1::PushRequest request;
  request.set_device_id(device_id_);
  for (const auto& m : mutations) *request.add_mutations() = m;
  v1::PushResponse response;
  auto context = stubs_->Context(token_);
  RETURN_IF_ERROR(FromGrpc(stubs_->sync->Push(context.get(), request, &response), *context));
  return response;
}

absl::StatusOr<v1::PullResponse> SyncClient::Pull(const std::string& cursor, uint32_t limit) {
  v1::PullRequest request;
  request.set_device_id(device_id_);
  request.set_cursor(cursor);
  request.set_limit(limit);
  v1::PullResponse response;
  auto context = stubs_->Context(token_);
  RETURN_IF_ERROR(FromGrpc(stubs_->sync->Pull(context.get(), request, &response), *context));
  return response;
}

absl::StatusOr<SyncReport> SyncEngine::SyncOnce() {
  SyncReport report;
  absl::Status status = Push(report);
  if (status.ok()) status = Pull(report);
  if (IsDeviceRevoked(status)) {
    // The one answer that makes a device forget everything, unsent changes included.
    RETURN_IF_ERROR(replica_.Wipe());
    return status;
  }
  RETURN_IF_ERROR(status);
  return report;
}

absl::Status SyncEngine::Push(SyncReport& report) {
  // Settled entries leave the outbox, rejected ones stop being offered, and each round may
  // release a follower whose base version just became known: loop until nothing is left.
  for (int round = 0; round < 1000; ++round) {
    ASSIGN_OR_RETURN(std::vector<v1::Mutation> batch, replica_.PendingMutations(kPushBatch));
    if (batch.empty()) return absl::OkStatus();
    ASSIGN_OR_RETURN(v1::PushResponse response, client_.Push(batch));
    // The results are durable on the device before anything else happens.
    RETURN_IF_ERROR(replica_.ApplyPushResults(response));
    report.pushed += static_cast<int>(batch.size());
    for (const auto& result : response.results()) {
      if (result.outcome() == v1::MutationResult::REJECTED) ++report.rejected;
      report.conflicts += result.conflicts_size();
    }
  }
  return absl::InternalError("push: the outbox did not drain in 1000 rounds");
}

absl::Status SyncEngine::Pull(SyncReport& report) {
  while (true) {
    ASSIGN_OR_RETURN(std::string cursor, replica_.Cursor());
    ASSIGN_OR_RETURN(v1::PullResponse page, client_.Pull(cursor, pull_page_));
    if (page.resync_required()) {
      if (report.resynced) return absl::InternalError("pull: resync asked twice in one round");
      report.resynced = true;
      RETURN_IF_ERROR(replica_.ResetForResync());
      continue;
    }
    RETURN_IF_ERROR(replica_.ApplyPulledPage(page));
    report.pulled += page.records_size();
    if (progress_) {
      ASSIGN_OR_RETURN(int64_t done, replica_.RecordCount());
      ASSIGN_OR_RETURN(int64_t total, replica_.EstimatedTotal());
      if (!progress_(done, total)) return absl::CancelledError("sync stopped by its caller");
    }
    if (!page.more()) return absl::OkStatus();
  }
}

}  // namespace mcrm::device
