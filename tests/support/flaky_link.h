// A TCP relay on 127.0.0.1 between devices and the server that a test can cut: the network of a
// phone in a tunnel. Real sockets; gRPC on both sides sees real connection loss.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"

namespace mcrm::testing {

class FlakyLink {
 public:
  // Listens on an ephemeral port of 127.0.0.1 and relays to `upstream` ("127.0.0.1:PORT").
  static absl::StatusOr<std::unique_ptr<FlakyLink>> Start(const std::string& upstream);
  ~FlakyLink();

  // "127.0.0.1:PORT" for the devices.
  const std::string& address() const { return address_; }

  // Down: every open connection is cut and new ones are closed as soon as they are accepted.
  void SetUp(bool up);
  // Black hole: new connections are accepted and then left unanswered, like a network that
  // drops packets without a word (the device only learns of it from its timeouts).
  void SetBlackHole(bool on);
  // Stalled: open connections stop carrying bytes, which wait in the sockets, until unstalled:
  // a link so slow that a call in flight does not finish.
  void SetStalled(bool stalled);
  // Carries at most `bytes_per_second` (0: as fast as it can): a slow mobile network.
  void SetThrottle(int64_t bytes_per_second);
  // Cuts every open connection now.
  void CutAll();
  // Lets `bytes` more bytes through (either direction), then cuts every connection, once: a drop
  // in the middle of a call.
  void CutAfter(int64_t bytes);
  // How many times connections were cut.
  int cuts() const { return cuts_.load(); }
  // How many connections the black hole took: a test waits for this to know that a device is now
  // waiting for an answer that will not come.
  int black_holed() const { return black_holed_.load(); }

 private:
  FlakyLink() = default;
  void Run();

  std::string address_;
  std::string upstream_host_;
  int upstream_port_ = 0;
  int listen_fd_ = -1;
  int wake_pipe_[2] = {-1, -1};
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> cuts_{0};
  std::atomic<int> black_holed_{0};

  absl::Mutex mutex_;
  bool up_ ABSL_GUARDED_BY(mutex_) = true;
  bool black_hole_ ABSL_GUARDED_BY(mutex_) = false;
  bool stalled_ ABSL_GUARDED_BY(mutex_) = false;
  int64_t throttle_ ABSL_GUARDED_BY(mutex_) = 0;
  bool cut_now_ ABSL_GUARDED_BY(mutex_) = false;
  int64_t budget_ ABSL_GUARDED_BY(mutex_) = -1;  // bytes until the armed cut; -1: none armed
};

}  // namespace mcrm::testing
