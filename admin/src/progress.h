// A progress bar for a long import on a terminal:
//   [########............]  41%  12,400 rows/s  about 0:06 left
// redrawn in place with '\r' after each part and cleared at the end. Time comes from an injected
// clock, so that the text is a pure function of what was done and when (and testable).
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <optional>
#include <string>

namespace mcrm::admin {

// 12400 -> "12,400".
std::string WithThousands(uint64_t n);

// Whole seconds as M:SS, or H:MM:SS from an hour on: 6 -> "0:06", 3725 -> "1:02:05".
std::string ClockText(int64_t seconds);

class ProgressBar {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;

  // The work is `total_bytes` long and starts now (by `now`, by default the steady clock).
  explicit ProgressBar(uint64_t total_bytes, Clock now = nullptr);

  // The bar after `bytes_done` of the total and `rows_done` rows so far: '\r', the bar, the share
  // done, and once some time has passed the rows per second and the time left at the rate so
  // far; padded with blanks over the rest of a longer line drawn before.
  std::string Update(uint64_t bytes_done, uint64_t rows_done);

  // What erases the last line drawn: '\r', blanks over it, '\r'. Empty when nothing was drawn.
  std::string Clear();

  // The width of the bar between its brackets.
  static constexpr int kWidth = 20;

 private:
  uint64_t total_bytes_;
  Clock now_;
  std::chrono::steady_clock::time_point start_;
  size_t drawn_ = 0;  // characters of the line on the terminal
};

// A ProgressBar drawn on `out` (stderr) when `show`; cleared when done or destroyed, so that an
// error message after it starts on a clean line.
class TerminalProgress {
 public:
  TerminalProgress(bool show, uint64_t total_bytes, std::FILE* out = stderr);
  ~TerminalProgress();
  TerminalProgress(const TerminalProgress&) = delete;
  TerminalProgress& operator=(const TerminalProgress&) = delete;

  void Update(uint64_t bytes_done, uint64_t rows_done);
  void Clear();

 private:
  std::optional<ProgressBar> bar_;
  std::FILE* out_;
};

}  // namespace mcrm::admin
