// The encodings a CSV file from a spreadsheet program comes in, and which one a file's bytes are
// in: UTF-8 (with or without a byte-order mark), GB18030 (Chinese spreadsheet programs) or
// Windows-1252 (older Western European ones, Excel's "CSV (comma delimited)" among them). Pure:
// converting is the reader's job (server/src/csv_table.h).
#pragma once

#include <optional>

#include "absl/strings/string_view.h"

namespace mcrm {

enum class TextEncoding { kUtf8, kGb18030, kWindows1252 };

// "UTF-8", "GB18030" or "Windows-1252": what the back office's import answers and takes.
absl::string_view EncodingName(TextEncoding encoding);
// The encoding of one of those names, in any case; nullopt for another.
std::optional<TextEncoding> EncodingNamed(absl::string_view name);

// The encoding `bytes` are most likely in. UTF-8 when they start with its byte-order mark or are
// valid UTF-8 (no other text of these encodings is, bar a few bytes in a row); GB18030 when they
// start with its own mark. Otherwise by how the bytes above 0x7F lie: a Western European text
// has them alone between plain letters (K\xF6ln, M\xFCller: one byte a letter), a Chinese one in
// runs (two bytes a character, characters side by side), so that most runs of one such byte
// make Windows-1252, and most longer runs GB18030.
TextEncoding GuessEncoding(absl::string_view bytes);

}  // namespace mcrm
