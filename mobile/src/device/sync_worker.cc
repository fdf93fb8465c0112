#include "sync_worker.h"

#include <utility>

#include "absl/random/random.h"
#include "mcrm/status_macros.h"

namespace mcrm::device {
namespace {

// How long a retry waits for the connection to come up before the round is tried anyway.

}  // namespace

absl::StatusOr<std::unique_ptr<SyncWorker>> SyncWorker::Start(const std::string& replica_path,
                                                              SyncClient& client, Options options,
                                                              Observer observer) {
  RETURN_IF_ERROR(ValidateBackoffPolicy(options.backoff));
  if (options.poll_interval <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("sync worker: poll_interval must be positive");
  }
  ASSIGN_OR_RETURN(std::unique_ptr<Replica> replica, Replica::Open(replica_path));
  std::unique_ptr<SyncWorker> worker(
      new SyncWorker(client, std::move(options), std::move(observer), std::move(replica)));
  worker->sync_thread_ = std::thread([w = worker.get()] { w->SyncLoop(); });
  if (worker->options_.subscribe) {
    worker->subscribe_thread_ = std::thread([w = worker.get()] { w->SubscribeLoop(); });
  }
  return worker;
}

SyncWorker::SyncWorker(SyncClient& client, Options options, Observer observer,
                       std::unique_ptr<Replica> replica)
    : client_(client),
      options_(std::move(options)),
      observer_(std::move(observer)),
      replica_(std::move(replica)),
      engine_(*replica_, client_, options_.pull_page) {
  engine_.set_progress([this](int64_t done, int64_t total) {
    WorkerEvent event;
    event.kind = WorkerEvent::Kind::kProgress;
    event.done = done;
    event.total = total;
    Emit(event);
    absl::MutexLock lock(&mutex_);
    return !stopping_;
  });
}

SyncWorker::~SyncWorker() { Stop(); }

void SyncWorker::Stop() {
  {
    absl::MutexLock lock(&mutex_);
    stopping_ = true;
  }
  client_.Cancel();
  if (sync_thread_.joinable()) sync_thread_.join();
  if (subscribe_thread_.joinable()) subscribe_thread_.join();
}

void SyncWorker::SyncSoon() {
  absl::MutexLock lock(&mutex_);
  wanted_ = true;
}

void SyncWorker::Emit(const WorkerEvent& event) {
  if (!observer_) return;
  absl::MutexLock lock(&observer_mutex_);
  observer_(event);
}

bool SyncWorker::SleepUnlessStopping(absl::Duration d) {
  absl::MutexLock lock(&mutex_);
  mutex_.AwaitWithTimeout(absl::Condition(&stopping_), d);
  return !stopping_;
}

void SyncWorker::SyncLoop() {
  absl::BitGen random;
  int failures = 0;
  absl::Time retry_at = absl::InfinitePast();
  while (true) {
    {
      absl::MutexLock lock(&mutex_);
      if (failures == 0) {
        // Idle: a local write, a poke, or the poll timer starts the next round.
        auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) {
          return stopping_ || poked_ || wanted_;
        };
        mutex_.AwaitWithDeadline(absl::Condition(&ready), absl::Now() + options_.poll_interval);
      } else {
        // Backing off: only the end of the wait or a poke (the server is up and has news) starts
        // it. A local write does not: a device that cannot reach the server must not knock once
        // per keystroke.
        auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) { return stopping_ || poked_; };
        mutex_.AwaitWithDeadline(absl::Condition(&ready), retry_at);
      }
      if (stopping_) return;
      wanted_ = false;
      poked_ = false;
    }
    // After a failure the connection is likely gone: bring it back first, so that the round does
    // not fail at once on a channel still waiting out its own reconnect delay.
    if (failures > 0) client_.Reconnect(options_.connect_timeout);
    absl::StatusOr<SyncReport> report = engine_.SyncOnce();
    WorkerEvent event;
    if (report.ok()) {
      failures = 0;
      retry_at = absl::InfinitePast();
      event.kind = WorkerEvent::Kind::kSynced;
      event.report = *report;
      Emit(event);
      continue;
    }
    if (IsDeviceRevoked(report.status())) {
      event.kind = WorkerEvent::Kind::kRevoked;
      event.status = report.status();
      Emit(event);
      client_.Cancel();  // ends the poke stream too
      return;
    }
    {
      absl::MutexLock lock(&mutex_);
      if (stopping_) return;
    }
    ++failures;
    event.kind = WorkerEvent::Kind::kFailed;
    event.status = report.status();
    event.retry_in = BackoffDelay(options_.backoff, failures, absl::Uniform(random, 0.0, 1.0));
    retry_at = absl::Now() + event.retry_in;
    Emit(event);
  }
}

void SyncWorker::SubscribeLoop() {
  absl::BitGen random;
  int failures = 0;
  while (true) {
    {
      absl::MutexLock lock(&mutex_);
      if (stopping_) return;
    }
    const absl::Status ended = client_.Subscribe([&] {
      failures = 0;  // the stream works
      absl::MutexLock lock(&mutex_);
      poked_ = true;
    });
    {
      absl::MutexLock lock(&mutex_);
      if (stopping_) return;
      if (IsDeviceRevoked(ended)) {
        poked_ = true;  // the sync round meets the same answer and wipes the replica
        return;
      }
    }
    WorkerEvent event;
    event.kind = WorkerEvent::Kind::kStreamDown;
    event.status = ended;
    Emit(event);
    ++failures;
    if (!SleepUnlessStopping(
            BackoffDelay(options_.backoff, failures, absl::Uniform(random, 0.0, 1.0)))) {
      return;
    }
    client_.Reconnect(options_.connect_timeout);
  }
}

}  // namespace mcrm::device
