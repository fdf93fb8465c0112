#include "csv_parts.h"

#include <cctype>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "mcrm/text_lines.h"
#include "mcrm/utf8.h"

namespace mcrm::admin {
namespace {

// The records of a file, one after the other, with the line each starts on.
class Records {
 public:
  // Reads from `pos`, which is on line 1 (after a byte-order mark, which holds no line end).
  Records(absl::string_view file, size_t pos) : file_(file), pos_(pos) {}

  // The next record: bytes [begin, end), its line end included; false at the end of the file.
  bool Next(size_t& begin, size_t& end, int64_t& line) {
    if (pos_ >= file_.size()) return false;
    begin = pos_;
    line = line_;
    bool quoted = false;
    size_t i = pos_;
    while (i < file_.size()) {
      const char c = file_[i++];
      if (c == '"') {
        quoted = !quoted;
      } else if (c == '\n' || c == '\r') {
        // A CR followed by an LF is one line end, at the LF.
        if (c == '\r' && i < file_.size() && file_[i] == '\n') continue;
        ++line_;
        if (!quoted) break;
      }
    }
    end = pos_ = i;
    return true;
  }

  // The line the next record starts on.
  int64_t line() const { return line_; }

 private:
  absl::string_view file_;
  size_t pos_;
  int64_t line_ = 1;
};

// Empty, or commas only (a row of empty cells, as spreadsheet programs write them): the server
// skips such records, before the header too.
bool IsBlank(absl::string_view record) {
  return record.find_first_not_of(",\r\n") == absl::string_view::npos;
}

}  // namespace

absl::StatusOr<std::vector<CsvPart>> SplitCsv(absl::string_view file, size_t max_part_bytes) {
  CsvPart whole;
  whole.end = file.size();
  if (file.size() <= max_part_bytes) return std::vector<CsvPart>{whole};

  // The encoding of the whole file, and where its text starts.
  size_t start = 0;
  bool gb18030 = false;
  if (absl::StartsWith(file, kUtf8Bom)) {
    start = kUtf8Bom.size();
    if (const size_t bad = FirstInvalidUtf8(file.substr(start)); bad != absl::string_view::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat("line ", LineOf(file, start + bad),
                       ": not UTF-8, though the file starts with UTF-8's byte-order mark"));
    }
  } else if (!IsValidUtf8(file)) {
    gb18030 = true;
    if (absl::StartsWith(file, kGb18030Bom)) start = kGb18030Bom.size();
  }

  // The header: the first record that is not blank.
  Records records(file, start);
  size_t begin = 0, end = 0;
  int64_t line = 0;
  bool have_header = false;
  while (records.Next(begin, end, line)) {
    if (!IsBlank(file.substr(begin, end - begin))) {
      have_header = true;
      break;
    }
  }
  // Only a header (or not even that): nothing to cut; the server says what is wrong.
  if (!have_header || end >= file.size()) return std::vector<CsvPart>{whole};
  const size_t header_begin = begin;
  const size_t header_end = end;
  const int64_t header_lines = records.line() - line;
  const size_t mark_bytes = gb18030 ? kGb18030Bom.size() : 0;

  std::vector<CsvPart> parts;
  CsvPart part;
  part.begin = 0;
  part.end = header_end;
  part.gb18030_mark = gb18030 && start == 0;
  size_t part_bytes = (part.gb18030_mark ? mark_bytes : 0) + header_end;
  int rows_in_part = 0;  // records that are not blank
  while (records.Next(begin, end, line)) {
    const size_t bytes = end - begin;
    const bool blank = IsBlank(file.substr(begin, end - begin));
    // A blank record never starts a part: it stays with the rows before it.
    if (!blank && rows_in_part > 0 && part_bytes + bytes > max_part_bytes) {
      parts.push_back(part);
      part = CsvPart();
      part.header_begin = header_begin;
      part.header_end = header_end;
      part.begin = part.end = begin;
      part.gb18030_mark = gb18030;
      part.first_line = line - header_lines;
      part.rows_line = line;
      part_bytes = mark_bytes + (header_end - header_begin);
      rows_in_part = 0;
    }
    part.end = end;
    part_bytes += bytes;
    if (!blank) ++rows_in_part;
  }
  parts.push_back(part);
  return parts;
}

std::string PartBytes(absl::string_view file, const CsvPart& part) {
  std::string bytes;
  bytes.reserve((part.gb18030_mark ? kGb18030Bom.size() : 0) +
                (part.header_end - part.header_begin) + (part.end - part.begin));
  if (part.gb18030_mark) bytes.append(kGb18030Bom.data(), kGb18030Bom.size());
  const absl::string_view header =
      file.substr(part.header_begin, part.header_end - part.header_begin);
  const absl::string_view rows = file.substr(part.begin, part.end - part.begin);
  bytes.append(header.data(), header.size());
  bytes.append(rows.data(), rows.size());
  return bytes;
}

std::string WithFileLines(absl::string_view message, int64_t first_line) {
  constexpr absl::string_view kLine = "line ";
  std::string out;
  size_t pos = 0;
  while (true) {
    const size_t at = message.find(kLine, pos);
    if (at == absl::string_view::npos) break;
    size_t digits_end = at + kLine.size();
    while (digits_end < message.size() &&
           std::isdigit(static_cast<unsigned char>(message[digits_end]))) {
      ++digits_end;
    }
    // "line" as a word of its own ("headline 5" is not one), followed by a number.
    const bool word = at == 0 || !std::isalpha(static_cast<unsigned char>(message[at - 1]));
    int64_t number = 0;
    if (word && digits_end > at + kLine.size() &&
        absl::SimpleAtoi(message.substr(at + kLine.size(), digits_end - at - kLine.size()),
                         &number)) {
      absl::StrAppend(&out, message.substr(pos, at - pos), kLine, number + first_line - 1);
    } else {
      absl::StrAppend(&out, message.substr(pos, digits_end - pos));
    }
    pos = digits_end;
  }
  absl::StrAppend(&out, message.substr(pos));
  return out;
}

}  // namespace mcrm::admin
