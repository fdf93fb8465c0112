#include "mcrm/text_lines.h"

namespace mcrm {
namespace {

constexpr absl::string_view kLineEnds = "\r\n";

}  // namespace

bool EndsLine(absl::string_view text, size_t i) {
  return text[i] == '\n' || i + 1 == text.size() || text[i + 1] != '\n';
}

int64_t LineOf(absl::string_view text, size_t offset) {
  int64_t line = 1;
  for (size_t i = text.find_first_of(kLineEnds); i < offset;
       i = text.find_first_of(kLineEnds, i + 1)) {
    if (EndsLine(text, i)) ++line;
  }
  return line;
}

}  // namespace mcrm
