// The device side of the sync protocol: pushes the outbox, pulls pages into the replica, follows
// "resync required", and wipes a revoked device. Free of Qt; the app runs it on a worker thread.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "pulled_page.h"
#include "replica.h"

namespace mcrm::device {

// A session with mcrm-server: sign-in, then the Sync calls, each with a deadline.
class SyncClient {
 public:
  // How long a unary call may take before it fails (DEADLINE_EXCEEDED) and the round is retried.
  static constexpr absl::Duration kCallDeadline = absl::Seconds(30);

  // `address` is host:port of mcrm-server.
  SyncClient(const std::string& address, std::string device_id);
  // Another deadline for the unary calls started after this (tests make it an hour, so that a
  // wait for it shows as a hang).
  void set_call_deadline(absl::Duration deadline);
  ~SyncClient();

  // Signs in; later calls carry the session. The revoked answer comes back as
  // IsDeviceRevoked(status).
  absl::Status Login(const std::string& login, const std::string& password);
  // Carries on a session an earlier Login made (its token and user), without a call: a device
  // that restarts syncs without asking for the password again. A token the server no longer
  // takes answers UNAUTHENTICATED at the next call.
  void Resume(std::string token, std::string user_id) {
    token_ = std::move(token);
    user_id_ = std::move(user_id);
  }
  // The session's token (empty before Login), for the device to keep.
  const std::string& token() const { return token_; }
  absl::StatusOr<v1::PushResponse> Push(const std::vector<v1::Mutation>& mutations);
  // A Sync.Pull under way. Destroying it cancels the call if it still runs, and waits for it.
  class PendingPull {
   public:
    virtual ~PendingPull() = default;
    // Waits for the page, read as far as its own fields (ReadPageFrame): the caller reads the
    // records (ReadPageRecords), and may ask for the next page first.
    virtual absl::StatusOr<PulledPage> Wait() = 0;
    // Ends the call now if it still runs (Wait then answers CANCELLED). Safe from any thread
    // while the call lives.
    virtual void Cancel() = 0;
  };
  // Asks for the page after `cursor` and returns at once.
  std::unique_ptr<PendingPull> StartPull(const std::string& cursor, uint32_t limit);
  // How many local changes the server has not accepted: reported with each pull, for the back
  // office's device list. Set before a pull starts.
  void set_unsent_changes(int64_t count) { unsent_changes_ = count; }
  // Listens to the server's pokes: calls `on_poke` for each (the first comes as soon as the
  // stream is live) and returns when the stream ends, with its status.
  absl::Status Subscribe(const std::function<void()>& on_poke);

  // Connects now, skipping the channel's own reconnect backoff (the caller has just waited out
  // its own), and waits up to `timeout` for the connection; false when it did not come up.
  bool Reconnect(absl::Duration timeout);

  // Cancels the calls in flight and refuses new ones with CANCELLED: the device is shutting its
  // sync down. Safe from any thread.
  void Cancel();

  const std::string& device_id() const { return device_id_; }
  const std::string& user_id() const { return user_id_; }

 private:
  struct Stubs;
  class Call;
  class PullCall;
  std::unique_ptr<Stubs> stubs_;
  std::string device_id_;
  std::string token_;
  std::string user_id_;
  int64_t unsent_changes_ = 0;
};

// True for the server's "this device is revoked: wipe yourself" answer.
bool IsDeviceRevoked(const absl::Status& status);

struct SyncReport {
  int pushed = 0;         // mutations sent
  int rejected = 0;       // of those, refused by the server (kept in the outbox)
  int conflicts = 0;      // fields the server resolved (kept in the local conflict log)
  int pulled = 0;         // records, tombstones and removals applied
  bool resynced = false;  // the server asked for a full resync
};

class SyncEngine {
 public:
  static constexpr int kPushBatch = 500;
  static constexpr uint32_t kPullPage = 2000;

  // Called after each applied page with the records held and the scope's announced size; return
  // false to stop (the next SyncOnce resumes from the stored cursor).
  using Progress = std::function<bool(int64_t done, int64_t total)>;

  SyncEngine(Replica& replica, SyncClient& client, uint32_t pull_page = kPullPage)
      : replica_(replica), client_(client), pull_page_(pull_page) {}
  void set_progress(Progress progress) { progress_ = std::move(progress); }
  // Called at each of the checkpoint:: points; crash tests kill the process there.
  void set_checkpoint(std::function<void(absl::string_view)> checkpoint) {
    checkpoint_ = std::move(checkpoint);
  }

  // One round: push the whole outbox (in batches), then pull until no more changes. A revoked
  // device's replica is wiped and the revoked status returned.
  absl::StatusOr<SyncReport> SyncOnce();

 private:
  absl::Status Push(SyncReport& report);
  absl::Status Pull(SyncReport& report);

  Replica& replica_;
  SyncClient& client_;
  const uint32_t pull_page_;
  Progress progress_;
  std::function<void(absl::string_view)> checkpoint_;

  void Checkpoint(absl::string_view where) const {
    if (checkpoint_) checkpoint_(where);
  }
};

}  // namespace mcrm::device
