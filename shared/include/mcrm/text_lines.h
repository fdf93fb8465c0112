// Lines of a text file as people count them: LF, CRLF and a lone CR each end one line. Line
// numbers in CSV problems (the server's reading and mcrm-admin's splitting) come from here.
#pragma once

#include <cstddef>
#include <cstdint>

#include "absl/strings/string_view.h"

namespace mcrm {

// True when the CR or LF at text[i] ends a line: a CR followed by LF is one line end, at the LF.
bool EndsLine(absl::string_view text, size_t i);

// The 1-based line of text[offset].
int64_t LineOf(absl::string_view text, size_t offset);

}  // namespace mcrm
