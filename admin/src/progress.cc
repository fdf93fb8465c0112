#include "progress.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace mcrm::admin {

std::string WithThousands(uint64_t n) {
  const std::string digits = absl::StrCat(n);
  std::string out;
  out.reserve(digits.size() + digits.size() / 3);
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string ClockText(int64_t seconds) {
  seconds = std::max<int64_t>(seconds, 0);
  const int64_t hours = seconds / 3600;
  const int64_t minutes = seconds / 60 % 60;
  const int64_t rest = seconds % 60;
  if (hours > 0) return absl::StrFormat("%d:%02d:%02d", hours, minutes, rest);
  return absl::StrFormat("%d:%02d", minutes, rest);
}

ProgressBar::ProgressBar(uint64_t total_bytes, Clock now)
    : total_bytes_(total_bytes),
      now_(now ? std::move(now) : Clock([] { return std::chrono::steady_clock::now(); })),
      start_(now_()) {}

std::string ProgressBar::Update(uint64_t bytes_done, uint64_t rows_done) {
  const uint64_t total = std::max<uint64_t>(total_bytes_, 1);
  const uint64_t done = std::min(bytes_done, total);
  const auto filled = static_cast<int>(done * kWidth / total);
  std::string line = absl::StrCat("[", std::string(static_cast<size_t>(filled), '#'),
                                  std::string(static_cast<size_t>(kWidth - filled), '.'), "] ",
                                  absl::StrFormat("%3d%%", static_cast<int>(done * 100 / total)));
  const double seconds = std::chrono::duration<double>(now_() - start_).count();
  if (seconds > 0 && done > 0) {
    const auto rate = static_cast<uint64_t>(std::llround(static_cast<double>(rows_done) / seconds));
    absl::StrAppend(&line, "  ", WithThousands(rate), " rows/s");
    if (done < total) {
      const double left = seconds * static_cast<double>(total - done) / static_cast<double>(done);
      absl::StrAppend(&line, "  about ", ClockText(static_cast<int64_t>(std::ceil(left))), " left");
    }
  }
  const size_t length = line.size();
  // Blanks over what is left of a longer line drawn before.
  if (length < drawn_) line.append(drawn_ - length, ' ');
  drawn_ = length;
  return absl::StrCat("\r", line);
}

std::string ProgressBar::Clear() {
  if (drawn_ == 0) return "";
  std::string out = absl::StrCat("\r", std::string(drawn_, ' '), "\r");
  drawn_ = 0;
  return out;
}

TerminalProgress::TerminalProgress(bool show, uint64_t total_bytes, std::FILE* out) : out_(out) {
  if (show) bar_.emplace(total_bytes);
}

TerminalProgress::~TerminalProgress() { Clear(); }

void TerminalProgress::Update(uint64_t bytes_done, uint64_t rows_done) {
  if (!bar_) return;
  std::fputs(bar_->Update(bytes_done, rows_done).c_str(), out_);
  std::fflush(out_);
}

void TerminalProgress::Clear() {
  if (!bar_) return;
  std::fputs(bar_->Clear().c_str(), out_);
  std::fflush(out_);
  bar_.reset();
}

}  // namespace mcrm::admin
