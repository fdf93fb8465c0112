#include "sync_engine.h"

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <deque>
#include <optional>
#include <thread>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "mcrm/status_macros.h"
#include "mcrm/v1/sync.grpc.pb.h"
#include "mcrm/version.h"

namespace mcrm::device {
namespace {

constexpr absl::string_view kRevokedPayload = "mcrm.device_revoked";

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

// Sync.Pull with its response left as bytes (see pulled_page.h).
using RawPullStub = grpc::TemplatedGenericStub<v1::PullRequest, grpc::ByteBuffer>;

// One channel and its stubs. Replaced whole by Reconnect; calls in flight keep theirs.
struct Connection {
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<v1::Auth::Stub> auth;
  std::unique_ptr<v1::Sync::Stub> sync;
  RawPullStub raw_pull;

  Connection(const std::string& address, const grpc::ChannelArguments& args)
      : channel(grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args)),
        auth(v1::Auth::NewStub(channel)),
        sync(v1::Sync::NewStub(channel)),
        raw_pull(channel) {}
};

struct SyncClient::Stubs {
  std::string address;
  grpc::ChannelArguments args;
  absl::Duration call_deadline = SyncClient::kCallDeadline;

  absl::Mutex mutex;
  std::shared_ptr<Connection> connection ABSL_GUARDED_BY(mutex);
  bool cancelled ABSL_GUARDED_BY(mutex) = false;
  absl::flat_hash_set<grpc::ClientContext*> in_flight ABSL_GUARDED_BY(mutex);
};

// A call's context, registered so that Cancel() reaches it while it runs, and the connection it
// runs on.
class SyncClient::Call {
 public:
  Call(Stubs& stubs, const std::string& token, bool streaming) : stubs_(stubs) {
    if (!streaming) {
      context_.set_deadline(absl::ToChronoTime(absl::Now() + stubs_.call_deadline));
    }
    if (!token.empty()) context_.AddMetadata("authorization", "Bearer " + token);
    absl::MutexLock lock(&stubs_.mutex);
    connection_ = stubs_.connection;
    cancelled_ = stubs_.cancelled;
    if (!cancelled_) stubs_.in_flight.insert(&context_);
  }
  ~Call() {
    absl::MutexLock lock(&stubs_.mutex);
    stubs_.in_flight.erase(&context_);
  }
  // CANCELLED when the client was cancelled before the call started.
  absl::Status Admitted() const {
    return cancelled_ ? absl::CancelledError("sync client shut down") : absl::OkStatus();
  }
  grpc::ClientContext* context() { return &context_; }
  v1::Auth::Stub& auth() { return *connection_->auth; }
  v1::Sync::Stub& sync() { return *connection_->sync; }
  RawPullStub& raw_pull() { return connection_->raw_pull; }

 private:
  Stubs& stubs_;
  std::shared_ptr<Connection> connection_;
  grpc::ClientContext context_;
  bool cancelled_ = false;
};

SyncClient::SyncClient(const std::string& address, std::string device_id)
    : stubs_(std::make_unique<Stubs>()), device_id_(std::move(device_id)) {
  stubs_->address = address;
  // A phone's connection dies silently (tunnels, radio hand-overs): pings find out. The server
  // accepts a ping every 10 s at most.
  stubs_->args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, 30000);
  stubs_->args.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 10000);
  stubs_->args.SetInt(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  // A connection attempt into a network that swallows packets gives up after 5 s (gRPC's default
  // is 20 s), so the worker's own schedule decides when to try again.
  stubs_->args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 5000);
  // Every page the server sends fits: its records take at most kMaxAnswerBytes.
  static_assert(kMaxAnswerBytes + (64 << 10) <= kMaxReceiveBytes);
  stubs_->args.SetMaxReceiveMessageSize(kMaxReceiveBytes);
  absl::MutexLock lock(&stubs_->mutex);
  stubs_->connection = std::make_shared<Connection>(stubs_->address, stubs_->args);
}

bool SyncClient::Reconnect(absl::Duration timeout) {
  // A fresh channel rather than the old one: a gRPC channel that failed stays in
  // TRANSIENT_FAILURE until its own reconnect timer fires, whatever the network does meanwhile.
  // The worker owns the retry schedule (backoff with jitter) and has just waited it out.
  auto fresh = std::make_shared<Connection>(stubs_->address, stubs_->args);
  {
    absl::MutexLock lock(&stubs_->mutex);
    stubs_->connection = fresh;
  }
  const absl::Time deadline = absl::Now() + timeout;
  grpc_connectivity_state state = fresh->channel->GetState(/*try_to_connect=*/true);
  while (true) {
    if (state == GRPC_CHANNEL_READY) return true;
    if (state == GRPC_CHANNEL_TRANSIENT_FAILURE || state == GRPC_CHANNEL_SHUTDOWN) return false;
    {
      absl::MutexLock lock(&stubs_->mutex);
      if (stubs_->cancelled) return false;  // shutting down: do not hold Stop() up
    }
    const absl::Time now = absl::Now();
    if (now >= deadline) return false;
    // In slices, so that Cancel() is noticed within one.
    fresh->channel->WaitForStateChange(
        state, absl::ToChronoTime(std::min(deadline, now + absl::Milliseconds(100))));
    state = fresh->channel->GetState(/*try_to_connect=*/true);
  }
}

void SyncClient::set_call_deadline(absl::Duration deadline) { stubs_->call_deadline = deadline; }

void SyncClient::Cancel() {
  absl::MutexLock lock(&stubs_->mutex);
  stubs_->cancelled = true;
  for (grpc::ClientContext* context : stubs_->in_flight) context->TryCancel();
}

absl::Status SyncClient::Subscribe(const std::function<void()>& on_poke) {
  v1::SubscribeRequest request;
  request.set_device_id(device_id_);
  Call call(*stubs_, token_, /*streaming=*/true);
  RETURN_IF_ERROR(call.Admitted());
  std::unique_ptr<grpc::ClientReader<v1::Poke>> reader =
      call.sync().Subscribe(call.context(), request);
  v1::Poke poke;
  while (reader->Read(&poke)) on_poke();
  return FromGrpc(reader->Finish(), *call.context());
}

SyncClient::~SyncClient() = default;

absl::Status SyncClient::Login(const std::string& login, const std::string& password) {
  v1::LoginRequest request;
  request.set_login(login);
  request.set_password(password);
  request.set_device_id(device_id_);
  v1::LoginResponse response;
  Call call(*stubs_, "", /*streaming=*/false);
  RETURN_IF_ERROR(call.Admitted());
  RETURN_IF_ERROR(FromGrpc(call.auth().Login(call.context(), request, &response), *call.context()));
  token_ = response.session_token();
  user_id_ = response.user_id();
  return absl::OkStatus();
}

absl::StatusOr<v1::PushResponse> SyncClient::Push(const std::vector<v1::Mutation>& mutations) {
  v1::PushRequest request;
  request.set_device_id(device_id_);
  for (const auto& m : mutations) *request.add_mutations() = m;
  v1::PushResponse response;
  Call call(*stubs_, token_, /*streaming=*/false);
  RETURN_IF_ERROR(call.Admitted());
  RETURN_IF_ERROR(FromGrpc(call.sync().Push(call.context(), request, &response), *call.context()));
  return response;
}

// Sync.Pull on the raw stub: the response stays bytes until ReadPageFrame.
class SyncClient::PullCall final : public SyncClient::PendingPull {
 public:
  PullCall(Stubs& stubs, const std::string& token, v1::PullRequest request)
      : call_(stubs, token, /*streaming=*/false), request_(std::move(request)) {
    if (!call_.Admitted().ok()) {
      done_.Notify();
      return;
    }
    static const std::string kMethod = absl::StrCat("/", v1::Sync::service_full_name(), "/Pull");
    call_.raw_pull().UnaryCall(call_.context(), kMethod, grpc::StubOptions(), &request_, &response_,
                               [this](grpc::Status status) {
                                 status_ = std::move(status);
                                 done_.Notify();
                               });
  }
  ~PullCall() override {
    Cancel();
    done_.WaitForNotification();
  }

  void Cancel() override {
    if (!done_.HasBeenNotified()) call_.context()->TryCancel();
  }

  absl::StatusOr<PulledPage> Wait() override {
    done_.WaitForNotification();
    RETURN_IF_ERROR(call_.Admitted());
    RETURN_IF_ERROR(FromGrpc(status_, *call_.context()));
    // The page arrives in slices; they are copied once, into the page's own bytes.
    std::vector<grpc::Slice> slices;
    if (!response_.Dump(&slices).ok()) {
      return absl::InternalError("pull: the response could not be read");
    }
    std::string bytes;
    bytes.reserve(response_.Length());
    for (const grpc::Slice& slice : slices) {
      bytes.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
    }
    return ReadPageFrame(std::move(bytes));
  }

 private:
  Call call_;
  const v1::PullRequest request_;
  grpc::ByteBuffer response_;
  grpc::Status status_;
  absl::Notification done_;
};

std::unique_ptr<SyncClient::PendingPull> SyncClient::StartPull(const std::string& cursor,
                                                               uint32_t limit) {
  v1::PullRequest request;
  request.set_device_id(device_id_);
  request.set_cursor(cursor);
  request.set_limit(limit);
  request.set_unsent_changes(
      static_cast<uint32_t>(std::clamp<int64_t>(unsent_changes_, 0, UINT32_MAX)));
  return std::make_unique<PullCall>(*stubs_, token_, std::move(request));
}

absl::StatusOr<SyncReport> SyncEngine::SyncOnce() {
  SyncReport report;
  // Whose scope local writes are checked against (the replica checks them once it holds the
  // user's own record).
  if (!client_.user_id().empty()) RETURN_IF_ERROR(replica_.SetSignedInUser(client_.user_id()));
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
    Checkpoint(checkpoint::kPushSent);
    ASSIGN_OR_RETURN(v1::PushResponse response, client_.Push(batch));
    Checkpoint(checkpoint::kPushAnswered);
    // The results are durable on the device before anything else happens.
    RETURN_IF_ERROR(replica_.ApplyPushResults(response));
    Checkpoint(checkpoint::kPushSettled);
    for (const auto& result : response.results()) {
      if (IsSendAgain(result)) continue;  // it goes again, and counts then
      ++report.pushed;
      if (result.outcome() == v1::MutationResult::REJECTED) ++report.rejected;
      report.conflicts += result.conflicts_size();
    }
  }
  return absl::InternalError("push: the outbox did not drain in 1000 rounds");
}

namespace {

// The pages of one pull, asked for and read ahead of the replica on a thread of their own. The
// next page is asked for as soon as a page's own fields are read (its cursor is among them),
// before its records are: the server, the reading of records and the replica's writes overlap.
// One read page waits for the replica at most. A page that fails ends the stream, with its
// error; the pages after it are never asked for, or are dropped.
class PageStream {
 public:
  // The first page is asked for at once, before the thread starts (which takes a while).
  PageStream(SyncClient& client, const std::string& cursor, uint32_t limit)
      : client_(client),
        limit_(limit),
        thread_(
            [this, first = client.StartPull(cursor, limit)]() mutable { Run(std::move(first)); }) {}
  // Stops early (the replica failed, or the caller stopped the sync): the page in flight is
  // cancelled, not waited for.
  ~PageStream() {
    {
      absl::MutexLock lock(&mutex_);
      stopping_ = true;
      if (in_flight_ != nullptr) in_flight_->Cancel();
    }
    thread_.join();
  }

  // The next page, its records read; waits for it.
  absl::StatusOr<PulledPage> Next() {
    absl::MutexLock lock(&mutex_);
    mutex_.Await(absl::Condition(
        +[](std::deque<absl::StatusOr<PulledPage>>* ready) { return !ready->empty(); }, &ready_));
    absl::StatusOr<PulledPage> page = std::move(ready_.front());
    ready_.pop_front();
    return page;
  }

  // Hands an applied page back, to be freed on the reading thread: its thousands of small
  // blocks were allocated there, and freeing them there is cheaper than on the replica's thread
  // (which would take the allocator's lock for each) and leaves that thread, the slower of the
  // two, to write the next page.
  void Recycle(PulledPage page) {
    absl::MutexLock lock(&mutex_);
    spent_.push_back(std::move(page));
  }

 private:
  void Run(std::unique_ptr<SyncClient::PendingPull> pending) {
    {
      absl::MutexLock lock(&mutex_);
      if (stopping_) return;  // `pending` is cancelled as it goes
      in_flight_ = pending.get();
    }
    while (true) {
      absl::StatusOr<PulledPage> page = pending->Wait();
      {
        absl::MutexLock lock(&mutex_);
        in_flight_ = nullptr;
      }
      pending.reset();
      const bool last = !page.ok() || !page->more || page->resync_required;
      std::vector<PulledPage> spent;
      if (!last) {
        absl::MutexLock lock(&mutex_);
        mutex_.Await(absl::Condition(this, &PageStream::RoomOrStopping));
        if (stopping_) return;
        pending = client_.StartPull(page->next_cursor, limit_);
        in_flight_ = pending.get();
        spent.swap(spent_);
      }
      spent.clear();  // freed here, outside the lock
      if (page.ok()) {
        if (absl::Status read = ReadPageRecords(*page); !read.ok()) page = read;
      }
      const bool failed = !page.ok();
      {
        absl::MutexLock lock(&mutex_);
        ready_.push_back(std::move(page));
      }
      if (last || failed) return;  // a pull in flight is cancelled with `pending`
    }
  }

  bool RoomOrStopping() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) {
    return ready_.empty() || stopping_;
  }

  SyncClient& client_;
  const uint32_t limit_;
  absl::Mutex mutex_;
  std::deque<absl::StatusOr<PulledPage>> ready_ ABSL_GUARDED_BY(mutex_);
  std::vector<PulledPage> spent_ ABSL_GUARDED_BY(mutex_);  // applied, to be freed (Recycle)
  bool stopping_ ABSL_GUARDED_BY(mutex_) = false;
  // The call the thread waits for, if any; cleared before the thread drops it.
  SyncClient::PendingPull* in_flight_ ABSL_GUARDED_BY(mutex_) = nullptr;
  std::thread thread_;  // last: starts once the members it uses exist
};

}  // namespace

absl::Status SyncEngine::Pull(SyncReport& report) {
  ASSIGN_OR_RETURN(std::string cursor, replica_.Cursor());
  ASSIGN_OR_RETURN(int64_t unsent, replica_.UnsentCount());
  client_.set_unsent_changes(unsent);
  auto pages = std::make_unique<PageStream>(client_, cursor, pull_page_);
  // Records held, for progress: counted once, when the first page has come (an offline device
  // retrying on its backoff never counts its million records), then followed page by page (a
  // count per page would scan the growing table fifty times in an initial sync).
  std::optional<int64_t> held;
  while (true) {
    ASSIGN_OR_RETURN(PulledPage page, pages->Next());
    if (progress_ && !held.has_value()) {
      ASSIGN_OR_RETURN(held, replica_.RecordCount());
    }
    if (page.resync_required) {
      if (report.resynced) return absl::InternalError("pull: resync asked twice in one round");
      report.resynced = true;
      RETURN_IF_ERROR(replica_.ResetForResync());
      held = 0;
      pages = std::make_unique<PageStream>(client_, "", pull_page_);
      continue;
    }
    Checkpoint(checkpoint::kPullReceived);
    // The pages after this one are already being fetched. Should this page fail to apply, the
    // stored cursor still points before it and the next round starts there; the early pages
    // are dropped with the stream.
    ASSIGN_OR_RETURN(const int64_t added, replica_.ApplyPulledPage(page));
    if (held.has_value()) *held += added;
    Checkpoint(checkpoint::kPullApplied);
    report.pulled += static_cast<int>(page.records.size());
    const bool more = page.more;
    pages->Recycle(std::move(page));
    if (progress_) {
      ASSIGN_OR_RETURN(int64_t total, replica_.EstimatedTotal());
      if (!progress_(held.value_or(0), total)) {
        return absl::CancelledError("sync stopped by its caller");
      }
    }
    if (!more) return absl::OkStatus();
  }
}

}  // namespace mcrm::device
