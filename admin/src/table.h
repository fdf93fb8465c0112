// Output: aligned tables for people, one JSON document for scripts.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace google::protobuf {
class Message;
}  // namespace google::protobuf

namespace mcrm::admin {

// Terminal columns `text` (UTF-8) takes: East Asian wide characters (CJK, Hangul, full-width
// forms) take two, everything else one. A small wcwidth: names here are often Chinese, and a
// table padded by bytes or by characters would not line up.
int DisplayWidth(absl::string_view text);

// `text` on one line for a table cell: a line break shows as "↵", other control characters as a
// space; longer than `max_width` columns (0: no limit), cut and ended with "…".
std::string CellText(absl::string_view text, int max_width = 0);

// Rows under a header, each column padded to its widest cell by display width, two spaces
// between columns and nothing after the last.
class Table {
 public:
  // No header line when `header` is empty.
  explicit Table(std::vector<std::string> header = {});
  // Cells are taken as they are; pass them through CellText first.
  void AddRow(std::vector<std::string> cells);
  bool empty() const { return rows_.empty(); }
  void Print(std::FILE* out = stdout) const;

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

// Prints `message` as one JSON document (proto field names, default values included, so that a
// script finds every field it reads) and a newline. False, with a message on stderr, when it
// cannot be printed.
bool PrintJson(const google::protobuf::Message& message, std::FILE* out = stdout);

}  // namespace mcrm::admin
