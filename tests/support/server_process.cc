#include "server_process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include "absl/strings/str_cat.h"

extern char** environ;

namespace mcrm::testing {

std::string ServerBinary() {
  const char* path = std::getenv("MCRM_SERVER_BINARY");
  return path ? path : "mcrm-server";
}

absl::StatusOr<ServerProcess> ServerProcess::Start(const std::string& binary,
                                                   const std::vector<std::string>& args) {
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) return absl::InternalError("pipe2 failed");
  // The server's stdin: while this process lives the write end stays open; when it dies (a
  // crashed test) the server reads EOF and stops, instead of outliving it.
  int stdin_fds[2];
  if (pipe2(stdin_fds, O_CLOEXEC) != 0) return absl::InternalError("pipe2 failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, stdin_fds[0], STDIN_FILENO);
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(binary.c_str()));
  for (const auto& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  std::string stop_flag = "--stop-on-stdin-eof";
  argv.push_back(stop_flag.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, binary.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(pipe_fds[1]);
  close(stdin_fds[0]);
  if (rc != 0) {
    close(pipe_fds[0]);
    close(stdin_fds[1]);
    return absl::FailedPreconditionError(absl::StrCat("cannot start ", binary, ": errno ", rc));
  }
  ServerProcess process(pid, pipe_fds[0], stdin_fds[1]);

  // Read lines until the start line: "mcrm-server VERSION listening on HOST:PORT store=...".
  // Lines before it (the demo logins) are skipped. However long it takes (demo data, migrations,
  // a busy machine): only the ctest timeout bounds a server that never gets there.
  const std::string marker = " listening on ";
  std::string buffer;
  while (true) {
    const auto newline = buffer.find('\n');
    if (newline != std::string::npos) {
      std::string line = buffer.substr(0, newline);
      buffer.erase(0, newline + 1);
      if (line.find(marker) != std::string::npos) {
        process.start_line_ = std::move(line);
        break;
      }
      continue;
    }
    char chunk[512];
    const ssize_t n = read(process.stdout_fd_, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      return absl::FailedPreconditionError(
          absl::StrCat("mcrm-server exited before its start line; output so far: ", buffer));
    }
    buffer.append(chunk, static_cast<size_t>(n));
  }
  const auto begin = process.start_line_.find(marker) + marker.size();
  process.address_ =
      process.start_line_.substr(begin, process.start_line_.find(' ', begin) - begin);
  return process;
}

ServerProcess::ServerProcess(ServerProcess&& other) noexcept
    : pid_(other.pid_),
      stdout_fd_(other.stdout_fd_),
      stdin_fd_(other.stdin_fd_),
      address_(std::move(other.address_)),
      start_line_(std::move(other.start_line_)) {
  other.pid_ = -1;
  other.stdout_fd_ = -1;
  other.stdin_fd_ = -1;
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  if (stdout_fd_ >= 0) close(stdout_fd_);
  if (stdin_fd_ >= 0) close(stdin_fd_);
}

absl::StatusOr<int> ServerProcess::Stop(int signal_number) {
  if (pid_ <= 0) return absl::FailedPreconditionError("not running");
  kill(pid_, signal_number);
  // However long it takes: only the ctest timeout bounds a server that does not stop.
  int status = 0;
  pid_t done = -1;
  do {
    done = waitpid(pid_, &status, 0);
  } while (done < 0 && errno == EINTR);
  if (done != pid_) {
    return absl::InternalError(absl::StrCat("waitpid for mcrm-server failed: errno ", errno));
  }
  pid_ = -1;
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + WTERMSIG(status);
}

}  // namespace mcrm::testing
