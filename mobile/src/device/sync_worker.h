// Keeps a device in sync without anyone asking: a worker thread runs the sync engine when the app
// made a local change, when the server pokes (Subscribe), and now and then on a timer; a failed
// round is retried with exponential backoff and jitter, so network coming and going needs no user
// action. Free of Qt: the app marshals the events onto its own thread.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "mcrm/backoff.h"
#include "sync_engine.h"

namespace mcrm::device {

// What the worker tells the app. Delivered on a worker thread, one at a time.
struct WorkerEvent {
  enum class Kind {
    kProgress,    // a page was applied: done and total (a progress bar during initial sync)
    kSynced,      // a round finished: report
    kFailed,      // a round failed: status, and the wait before the next try (retry_in)
    kRevoked,     // the server revoked this device: the replica is wiped; back to sign-in
    kStreamDown,  // the poke stream broke (status); the worker reconnects by itself
  };
  Kind kind = Kind::kSynced;
  SyncReport report;
  absl::Status status;
  absl::Duration retry_in;
  int64_t done = 0;
  int64_t total = 0;
};

class SyncWorker {
 public:
  struct Options {
    BackoffPolicy backoff;
    // A round even without pokes or local writes: a safety net for pokes lost in transit.
    absl::Duration poll_interval = absl::Minutes(5);
    uint32_t pull_page = SyncEngine::kPullPage;
    // Listen to the server's pokes (off: only local writes and the timer start a round).
    bool subscribe = true;
    // How long a retry waits for the new connection to come up before it counts as failed.
    absl::Duration connect_timeout = absl::Seconds(2);
  };
  using Observer = std::function<void(const WorkerEvent&)>;

  // Starts the threads. The worker opens its own connection to the replica file, so the app's
  // reads and writes never wait for a sync round to finish. `client` must be signed in and
  // outlive the worker. The first round runs at once.
  static absl::StatusOr<std::unique_ptr<SyncWorker>> Start(const std::string& replica_path,
                                                           SyncClient& client, Options options,
                                                           Observer observer);
  // Stops (see Stop).
  ~SyncWorker();
  SyncWorker(const SyncWorker&) = delete;
  SyncWorker& operator=(const SyncWorker&) = delete;

  // The app wrote to the replica: push soon (after the current backoff, if a round failed).
  void SyncSoon();
  // Cancels the calls in flight and joins the threads. The replica is left consistent: every
  // step of a round commits on its own.
  void Stop();

 private:
  SyncWorker(SyncClient& client, Options options, Observer observer,
             std::unique_ptr<Replica> replica);
  void SyncLoop();
  void SubscribeLoop();
  void Emit(const WorkerEvent& event);
  // Waits for `d` or until Stop; false when stopping.
  bool SleepUnlessStopping(absl::Duration d);

  SyncClient& client_;
  const Options options_;
  const Observer observer_;
  std::unique_ptr<Replica> replica_;
  SyncEngine engine_;

  absl::Mutex mutex_;
  bool stopping_ ABSL_GUARDED_BY(mutex_) = false;
  bool wanted_ ABSL_GUARDED_BY(mutex_) = true;  // a local write asked for a round
  bool poked_ ABSL_GUARDED_BY(mutex_) = false;  // the server said something changed
  absl::Mutex observer_mutex_;                  // one event at a time, from either thread

  std::thread sync_thread_;
  std::thread subscribe_thread_;
};

}  // namespace mcrm::device
