// A CSV file cut into parts for BackOffice.ImportCsvParts, which takes a bounded number of bytes
// per part: each part ends where a record ends, every part after the first starts with the file's
// header again, and each carries the first_line that makes the lines the server names in its
// answer those of the whole file (docs/back-office-api.md, "CSV").
//
// Pure: no I/O, so that the cutting can be tested on its own.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace mcrm::admin {

// The most bytes mcrm-admin sends in one import call (the server takes up to 30 MiB): a part
// takes a few seconds to check and write, and a progress bar moves once per part.
inline constexpr size_t kImportPartBytes = size_t{8} << 20;

// UTF-8's byte-order mark, and GB18030's (U+FEFF in that encoding).
inline constexpr absl::string_view kUtf8Bom = "\xEF\xBB\xBF";
inline constexpr absl::string_view kGb18030Bom = "\x84\x31\x95\x33";

// One call's worth of a file: the bytes it sends are PartBytes(file, part).
struct CsvPart {
  // The header sent before the rows: bytes [header_begin, header_end) of the file, the header
  // record as it is in the file, without the byte-order mark and the blank lines before it. Empty
  // for the first part, whose bytes start at the beginning of the file (mark and header in them).
  size_t header_begin = 0;
  size_t header_end = 0;
  // The records: bytes [begin, end) of the file.
  size_t begin = 0;
  size_t end = 0;
  // GB18030's byte-order mark goes first: the file is GB18030, and the server decides each call's
  // encoding on its own, so a part whose bytes happen to be valid UTF-8 would be read as UTF-8.
  bool gb18030_mark = false;
  // ImportCsvRequest.first_line: the server numbers the part's lines from its header, and adds
  // first_line - 1 to every line it names. 1 for the first part; for a later one, the file line of
  // its first record minus the lines its header takes, so that the records land on their lines.
  int64_t first_line = 1;
  // The file line of the part's first record (1 for the first part). Problems the server names
  // on an earlier line belong to the repeated header, already reported with the first part.
  int64_t rows_line = 1;
};

// Cuts `file` into parts of at most `max_part_bytes` each, as sent (header and mark included),
// records allowing: a record longer than that is sent in a part of its own. A file that fits in
// one part is one part, the whole file as it is.
//
// A record ends at a line end outside a quoted cell: an LF, a CRLF or a lone CR (the server
// counts lines the same way) after an even number of '"' in the record so far. This holds for
// UTF-8 and GB18030 alike: neither has '"', CR or LF inside a multibyte character. The header is
// the first record that is not blank (empty, or commas only: the server skips those).
//
// The encoding is decided for the whole file, as the server would decide it for a file sent
// whole: UTF-8 when it is UTF-8 after an optional byte-order mark, else GB18030 (then every part
// gets GB18030's mark unless it starts with it). A file that starts with UTF-8's byte-order mark
// and is not UTF-8 is refused, naming the line, before anything is sent (the server refuses such
// a file as a whole; parts without the mark would be read as GB18030).
absl::StatusOr<std::vector<CsvPart>> SplitCsv(absl::string_view file, size_t max_part_bytes);

// The bytes to send for `part` of `file`.
std::string PartBytes(absl::string_view file, const CsvPart& part);

// The server's message about a part sent with `first_line` (a refusal of the whole call names
// lines of what it received, counted from the part's header), with every "line N" made the line
// of the whole file: N + first_line - 1.
std::string WithFileLines(absl::string_view message, int64_t first_line);

}  // namespace mcrm::admin
