#include "password_input.h"

#include <signal.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include "absl/strings/str_cat.h"

namespace mcrm::admin {
namespace {

// The terminal's settings while echo is off, so that Ctrl-C does not leave it silent.
struct termios g_saved_terminal;

void RestoreTerminalAndExit(int signal_number) {
  tcsetattr(STDIN_FILENO, TCSAFLUSH, &g_saved_terminal);
  // Async-signal-safe: write, then end with the shell's status for a signal.
  const char newline = '\n';
  [[maybe_unused]] const ssize_t written = write(STDERR_FILENO, &newline, 1);
  _exit(128 + signal_number);
}

// One line of standard input without its line break; false at end of input with nothing read.
bool ReadLine(std::string& line) {
  line.clear();
  bool any = false;
  while (true) {
    char c = 0;
    const ssize_t n = read(STDIN_FILENO, &c, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return any;
    any = true;
    if (c == '\n') break;
    line += c;
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return true;
}

absl::StatusOr<std::string> AskWithoutEcho(const std::string& prompt) {
  if (tcgetattr(STDIN_FILENO, &g_saved_terminal) != 0) {
    return absl::FailedPreconditionError("cannot read the terminal's settings");
  }
  struct sigaction restore = {};
  restore.sa_handler = RestoreTerminalAndExit;
  sigemptyset(&restore.sa_mask);
  struct sigaction old_int = {}, old_term = {};
  sigaction(SIGINT, &restore, &old_int);
  sigaction(SIGTERM, &restore, &old_term);
  struct termios silent = g_saved_terminal;
  silent.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  silent.c_lflag |= ECHONL;
  std::fputs(prompt.c_str(), stderr);
  std::fflush(stderr);
  tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent);
  std::string line;
  const bool got = ReadLine(line);
  tcsetattr(STDIN_FILENO, TCSAFLUSH, &g_saved_terminal);
  sigaction(SIGINT, &old_int, nullptr);
  sigaction(SIGTERM, &old_term, nullptr);
  if (!got) return absl::FailedPreconditionError("no password typed");
  return line;
}

}  // namespace

absl::StatusOr<std::string> ReadNewPassword(const std::string& for_whom) {
  if (!isatty(STDIN_FILENO)) {
    std::string line;
    if (!ReadLine(line) || line.empty()) {
      return absl::FailedPreconditionError(
          "no password on standard input: give it as the first line (echo ... | mcrm-admin "
          "set-password USER_ID, or type it when asked)");
    }
    return line;
  }
  auto first = AskWithoutEcho(absl::StrCat("New password for ", for_whom, ": "));
  if (!first.ok()) return first.status();
  if (first->empty()) return absl::FailedPreconditionError("the password is empty");
  auto again = AskWithoutEcho("The same password again: ");
  if (!again.ok()) return again.status();
  if (*again != *first) return absl::FailedPreconditionError("the two passwords differ");
  return first;
}

}  // namespace mcrm::admin
