// CSV files of the back office's import and export, as tables of text cells: reading what people
// save from spreadsheet programs (UTF-8 with or without a byte-order mark, or GB18030 from Chinese
// ones), and writing what those programs open as UTF-8 without running any cell as a formula.
//
// What the cells mean is not known here: csv_import.cc maps columns to fields and checks values.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "mcrm/text_encoding.h"

namespace mcrm::server {

// A single record (a line, or several when a quoted cell holds line breaks) longer than this is
// reported and skipped: no real row is this long, and a file without line breaks would otherwise
// be read into one cell.
inline constexpr size_t kMaxCsvRecordBytes = 1 << 20;
// A whole file: INVALID_ARGUMENT beyond it.
inline constexpr size_t kMaxCsvBytes = 32 << 20;  // what the server receives in one call

struct CsvRow {
  int64_t line = 0;                // 1-based line in the file where the record starts
  std::vector<std::string> cells;  // as many as the header has names
};

struct CsvTable {
  int64_t header_line = 0;          // 1-based; after the blank lines before the header, if any
  std::vector<std::string> header;  // trimmed, not empty, not repeated
  std::vector<CsvRow> rows;
  std::string encoding;  // what the file was read as: "UTF-8", "GB18030" or "Windows-1252"
  // Rows left out for a problem beyond the first kMaxCsvProblems, counted only (a file of
  // millions of bad rows must not cost a problem's strings each).
  int64_t problems_left_out = 0;
};
inline constexpr size_t kMaxCsvProblems = 1000;

// Something wrong with one row (or one cell) that does not stop the reading of the others.
struct CsvProblem {
  int64_t line = 0;
  std::string column;  // a header name; "" for a problem of the whole row
  std::string reason;
};

// Reads a whole CSV file (RFC 4180: comma separated, or semicolon separated when the header has
// semicolons and no comma, as spreadsheet programs write where the comma is the decimal mark;
// cells quoted with '"' when they hold commas,
// quotes or line breaks, quotes doubled; lines end in CRLF, LF or CR). Cells are taken as they are:
// spaces are kept, and so are control characters (validation refuses them naming the field).
//
// Encoding: `encoding` when given, else the guess of mcrm/text_encoding.h: UTF-8 (with or
// without its byte-order mark), GB18030 (Chinese spreadsheet programs) or Windows-1252 (older
// Western European ones); the table says which. Text that is not in it (or has a UTF-8
// byte-order mark but is not UTF-8) is INVALID_ARGUMENT naming the line.
//
// The first record is the header: names trimmed of spaces, none empty, none repeated, else
// INVALID_ARGUMENT naming the column. Malformed quoting (a quote inside an unquoted cell, text
// after a closing quote, a quoted cell never closed) is INVALID_ARGUMENT naming the line: where
// a quote is lost, every later cell boundary is in doubt, so no row after it can be trusted.
//
// Appended to `problems` (null when the caller does not want them), the rows left out of `rows`:
//  - a row whose cell count differs from the header's: (line, "", "has N cells, the header has M");
//  - a record longer than kMaxCsvRecordBytes, which is skipped without being read into memory;
//  - a row with a cell a spreadsheet saved as a formula ("=SUM(B2:B9)"): (line, column, ...).
// Blank lines are skipped, and so are rows whose cells are all empty (",,,"), as spreadsheet
// programs write for empty rows inside the used range.
//
// A cell that WriteCsv made inert is read back as it was: the apostrophe WriteCsv put before it
// is removed (see WriteCsv). As a consequence, a file from elsewhere with a cell "'-5" (an
// apostrophe typed to keep a spreadsheet from reading a number) is read as "-5" too.
absl::StatusOr<CsvTable> ReadCsv(absl::string_view bytes, std::vector<CsvProblem>* problems,
                                 std::optional<TextEncoding> encoding = std::nullopt);

// Writes `header` and `rows` as RFC 4180 CSV: comma separated, CRLF line ends, cells quoted when
// they hold a comma, a quote, CR or LF, quotes doubled. The text is UTF-8 with a byte-order mark,
// without which spreadsheet programs read it in the local code page and garble non-ASCII text.
// Rows are written as given; each should have as many cells as the header.
//
// Formula injection: a spreadsheet runs a cell that starts with = + - @ as a formula (and some
// look past a tab or CR first), so a cell starting with one of those six is written with an
// apostrophe before it, which makes it text.
// This includes negative numbers: "-5" is written as "'-5" (safety first; a spreadsheet shows it
// as text, which an import does not mind) and ReadCsv reads it back as "-5". To keep the round
// trip exact for cells that already start with apostrophes before such a character ("'=x"), the
// rule is: a cell of the form '*[=+-@\t\r].* gets one more apostrophe, and ReadCsv removes one
// from a cell of the form '+[=+-@\t\r].*. An apostrophe before anything else ("'already") is
// neither added nor removed.
//
// A row whose cells are all empty is not read back by ReadCsv (see there).
std::string WriteCsv(const std::vector<std::string>& header,
                     const std::vector<std::vector<std::string>>& rows);

// The rows alone, for the pages of an export after the first: no byte-order mark, no header.
// Appended to the first page's WriteCsv, they read as one file.
std::string WriteCsvRows(const std::vector<std::vector<std::string>>& rows);

}  // namespace mcrm::server
