// Runs the real mcrm-server binary as a child process for end-to-end tests.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace mcrm::testing {

// A started mcrm-server. The destructor kills it if Stop() was not called.
class ServerProcess {
 public:
  // Starts `binary` with `args` (and --stop-on-stdin-eof, so it never outlives this process),
  // waits for its start line (no time limit: the ctest timeout is the bound) and parses the
  // address.
  static absl::StatusOr<ServerProcess> Start(const std::string& binary,
                                             const std::vector<std::string>& args);

  ServerProcess(ServerProcess&& other) noexcept;
  ServerProcess& operator=(ServerProcess&&) = delete;
  ~ServerProcess();

  // "127.0.0.1:PORT" as printed in the start line.
  const std::string& address() const { return address_; }
  // The whole start line.
  const std::string& start_line() const { return start_line_; }

  // Sends `signal_number`, waits for exit (no time limit) and returns the exit status (or
  // 128+signal).
  absl::StatusOr<int> Stop(int signal_number);

 private:
  ServerProcess(pid_t pid, int stdout_fd, int stdin_fd)
      : pid_(pid), stdout_fd_(stdout_fd), stdin_fd_(stdin_fd) {}

  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  int stdin_fd_ = -1;  // the server stops when this closes
  std::string address_;
  std::string start_line_;
};

// Path of the mcrm-server binary under test (from the MCRM_SERVER_BINARY environment variable).
std::string ServerBinary();

}  // namespace mcrm::testing
