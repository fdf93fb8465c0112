#include "csv_table.h"

#include <csv.h>
#include <iconv.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "mcrm/status_macros.h"
#include "mcrm/text_encoding.h"
#include "mcrm/text_lines.h"
#include "mcrm/utf8.h"

namespace mcrm::server {
namespace {

constexpr absl::string_view kUtf8Bom = "\xEF\xBB\xBF";
constexpr absl::string_view kLineEnds = "\r\n";

// The first characters that make a spreadsheet run a cell as a formula (OWASP's list: tab and CR
// because some programs skip them before looking for the others).
bool IsFormulaStart(char c) {
  return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

// '*[=+-@\t\r]: WriteCsv puts an apostrophe before such a cell. The apostrophes already there are
// looked past, so that a cell "'=x" gets its own apostrophe too and ReadCsv, which removes one,
// gives back exactly what was written.
bool NeedsInertPrefix(absl::string_view cell) {
  const size_t first = cell.find_first_not_of('\'');
  return first != absl::string_view::npos && IsFormulaStart(cell[first]);
}

void RemoveInertPrefix(std::string& cell) {
  if (!cell.empty() && cell[0] == '\'' && NeedsInertPrefix(cell)) cell.erase(0, 1);
}

class Iconv {
 public:
  Iconv(const char* to, const char* from) : cd_(iconv_open(to, from)) {}
  ~Iconv() {
    if (ok()) iconv_close(cd_);
  }
  Iconv(const Iconv&) = delete;
  Iconv& operator=(const Iconv&) = delete;

  bool ok() const { return cd_ != reinterpret_cast<iconv_t>(static_cast<intptr_t>(-1)); }
  iconv_t get() const { return cd_; }

 private:
  iconv_t cd_;
};

// `in`, in `encoding` (GB18030 or Windows-1252), as UTF-8.
absl::StatusOr<std::string> ToUtf8(absl::string_view in, TextEncoding encoding) {
  const bool gb18030 = encoding == TextEncoding::kGb18030;
  Iconv converter("UTF-8", gb18030 ? "GB18030" : "WINDOWS-1252");
  if (!converter.ok()) {
    // glibc converts through gconv modules; a system without them cannot read such files.
    return absl::InternalError(
        absl::StrCat("this system's iconv cannot convert from ", EncodingName(encoding)));
  }
  // A GB18030 character takes 1, 2 or 4 bytes and its UTF-8 form at most 1, 3 or 4; a
  // Windows-1252 one 1 byte and at most 3: grow rather than trust either.
  std::string out(in.size() + in.size() / 2 + 16, '\0');
  // iconv's interface is not const-correct; it only reads the input.
  char* in_at = const_cast<char*>(in.data());
  size_t in_left = in.size();
  char* out_at = out.data();
  size_t out_left = out.size();
  while (in_left > 0) {
    if (iconv(converter.get(), &in_at, &in_left, &out_at, &out_left) != static_cast<size_t>(-1)) {
      break;
    }
    if (errno == E2BIG) {
      const size_t used = static_cast<size_t>(out_at - out.data());
      out.resize(out.size() * 2);
      out_at = out.data() + used;
      out_left = out.size() - used;
      continue;
    }
    // EILSEQ (bytes the encoding does not have) or EINVAL (a character cut short at the end).
    const size_t bad = static_cast<size_t>(in_at - in.data());
    return absl::InvalidArgumentError(absl::StrCat(
        "line ", LineOf(in, bad), ": the text is neither UTF-8 nor ", EncodingName(encoding),
        " (bytes ", absl::BytesToHexString(in.substr(bad, 4)), ")",
        gb18030 ? "; a file from a Western spreadsheet program may be Windows-1252: say so" : ""));
  }
  out.resize(static_cast<size_t>(out_at - out.data()));
  return out;
}

// Sets `text` to the file's text as UTF-8: a view of `bytes`, or of `converted` when the file was
// converted; `encoding` to what the file was read as: `given`, or else its guess.
absl::Status DecodeText(absl::string_view bytes, std::optional<TextEncoding> given,
                        std::string& converted, absl::string_view& text, std::string& encoding) {
  const TextEncoding read_as = given.value_or(GuessEncoding(bytes));
  encoding = std::string(EncodingName(read_as));
  if (read_as == TextEncoding::kUtf8) {
    const bool marked = absl::ConsumePrefix(&bytes, kUtf8Bom);
    if (const size_t bad = FirstInvalidUtf8(bytes); bad != absl::string_view::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat("line ", LineOf(bytes, bad), ": not UTF-8",
                       marked ? ", though the file starts with UTF-8's byte-order mark" : ""));
    }
    text = bytes;
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(converted, ToUtf8(bytes, read_as));
  text = converted;
  // GB18030's own byte-order mark (84 31 95 33) is U+FEFF too, now in UTF-8.
  absl::ConsumePrefix(&text, kUtf8Bom);
  return absl::OkStatus();
}

// Cells never have spaces trimmed: " 5" is what the file says, and validation decides.
int NoSpaces(unsigned char) { return 0; }

// Reads UTF-8 text into a table through libcsv.
//
// libcsv does not say where a record starts, so the text is fed to it one line at a time (each
// piece ends at a CR or LF, the only bytes at which a record can end): the line of a record is
// the line of the first piece that starts it, counted here whether or not the line end is inside
// a quoted cell. The bytes of the record so far are counted the same way, so that a piece that
// would make the record too long is never given to libcsv, which holds a cell in memory whole.
// The cells' separator: a comma, or a semicolon when the first line (the header) has semicolons
// and no comma, as spreadsheet programs write in countries whose decimal mark is the comma
// (Germany, France: "Name;Ort").
char DelimiterOf(absl::string_view text) {
  size_t commas = 0, semicolons = 0;
  bool quoted = false, in_line = false;
  for (const char c : text) {
    if (c == '"') quoted = !quoted;
    if (quoted) continue;
    if (c == '\n' || c == '\r') {
      if (in_line) break;  // the header's end (blank lines before it are skipped)
      continue;
    }
    in_line = true;
    if (c == ',') ++commas;
    if (c == ';') ++semicolons;
  }
  return commas == 0 && semicolons > 0 ? ';' : ',';
}

class CsvReader {
 public:
  CsvReader(absl::string_view text, CsvTable& table, std::vector<CsvProblem>& problems)
      : text_(text), table_(table), problems_(problems), delimiter_(DelimiterOf(text)) {
    StartParser();
  }
  ~CsvReader() { csv_free(&parser_); }
  CsvReader(const CsvReader&) = delete;
  CsvReader& operator=(const CsvReader&) = delete;

  absl::Status Read() {
    size_t pos = 0;
    int64_t line = 1;  // of text_[pos]
    while (pos < text_.size()) {
      const size_t line_end = text_.find_first_of(kLineEnds, pos);
      const bool last = line_end == absl::string_view::npos;
      const size_t content = (last ? text_.size() : line_end) - pos;
      const size_t end = last ? text_.size() : line_end + 1;
      if (!in_record_ && content > 0) {
        in_record_ = true;
        record_line_ = line;
      }
      // The line end is not counted: if it ends the record it is not part of it, and if it does
      // not, the next piece counts it.
      if (in_record_ && record_bytes_ + content > kMaxCsvRecordBytes) {
        RETURN_IF_ERROR(SkipLongRecord(pos, line));
        continue;
      }
      const absl::string_view piece = text_.substr(pos, end - pos);
      const size_t parsed =
          csv_parse(&parser_, piece.data(), piece.size(), &OnCell, &OnRecordEnd, this);
      RETURN_IF_ERROR(status_);
      if (parsed < piece.size()) return ParseError(line);
      if (in_record_) {  // a quoted cell goes on in the next piece
        record_bytes_ += piece.size();
        if (std::count(piece.begin(), piece.end(), '"') % 2 != 0) odd_quotes_ = !odd_quotes_;
      }
      if (!last && EndsLine(text_, line_end)) ++line;
      pos = end;
    }
    // The last record, when the file does not end in a line end.
    if (csv_fini(&parser_, &OnCell, &OnRecordEnd, this) != 0) return UnclosedQuote();
    RETURN_IF_ERROR(status_);
    if (!have_header_) {
      return absl::InvalidArgumentError("the file has no header: its first line names the columns");
    }
    return absl::OkStatus();
  }

 private:
  void StartParser() {
    // CSV_STRICT refuses malformed quoting instead of guessing; CSV_STRICT_FINI also a quoted
    // cell still open at the end of the file. Cells arrive with their lengths: they may hold NUL.
    csv_init(&parser_, CSV_STRICT | CSV_STRICT_FINI);
    csv_set_space_func(&parser_, &NoSpaces);
    csv_set_delim(&parser_, static_cast<unsigned char>(delimiter_));
    // The cell buffer grows by this much at a time: by libcsv's 128 bytes, a cell near
    // kMaxCsvRecordBytes would take thousands of reallocations.
    csv_set_blk_size(&parser_, 64 << 10);
  }

  static void OnCell(void* cell, size_t len, void* reader) {
    static_cast<CsvReader*>(reader)->cells_.emplace_back(static_cast<const char*>(cell), len);
  }

  static void OnRecordEnd(int /*line_end*/, void* reader) {
    static_cast<CsvReader*>(reader)->EndRecord();
  }

  void EndRecord() {
    std::vector<std::string> cells = std::move(cells_);
    cells_.clear();
    in_record_ = false;
    record_bytes_ = 0;
    odd_quotes_ = false;
    if (!status_.ok()) return;
    if (std::all_of(cells.begin(), cells.end(), [](const std::string& c) { return c.empty(); })) {
      return;  // ",,,": a blank row, as spreadsheet programs write them
    }
    if (!have_header_) {
      for (std::string& cell : cells) RemoveInertPrefix(cell);
      status_ = TakeHeader(std::move(cells));
      return;
    }
    // A cell a spreadsheet program saved as a formula ("=SUM(B2:B9)"), not as its value, is not
    // data: the row is refused naming the column. (An export writes such text inert, with an
    // apostrophe, and reads it back as text.)
    for (size_t c = 0; c < cells.size() && c < table_.header.size(); ++c) {
      if (!cells[c].empty() && cells[c][0] == '=') {
        Problem({record_line_, table_.header[c],
                 "a spreadsheet formula, not a value: save the sheet's values"});
        return;
      }
    }
    for (std::string& cell : cells) RemoveInertPrefix(cell);
    if (cells.size() != table_.header.size()) {
      Problem({record_line_, "",
               absl::StrCat("has ", cells.size(), cells.size() == 1 ? " cell" : " cells",
                            ", the header has ", table_.header.size())});
      return;
    }
    table_.rows.push_back(CsvRow{record_line_, std::move(cells)});
  }

  absl::Status TakeHeader(std::vector<std::string> names) {
    absl::flat_hash_map<std::string, size_t> columns;  // name -> 1-based column
    for (size_t i = 0; i < names.size(); ++i) {
      std::string name(absl::StripAsciiWhitespace(names[i]));
      if (name.empty()) {
        return absl::InvalidArgumentError(
            absl::StrCat("line ", record_line_, ": header: column ", i + 1, " has no name"));
      }
      if (auto [it, fresh] = columns.emplace(name, i + 1); !fresh) {
        return absl::InvalidArgumentError(absl::StrCat("line ", record_line_, ": header: column ",
                                                       Quoted(name), " appears twice (columns ",
                                                       it->second, " and ", i + 1, ")"));
      }
      names[i] = std::move(name);
    }
    table_.header = std::move(names);
    table_.header_line = record_line_;
    have_header_ = true;
    return absl::OkStatus();
  }

  // The record that starts on record_line_ would grow past kMaxCsvRecordBytes with the piece at
  // `pos`: reports it, and moves `pos` (and `line`) to the line end that ends it, without reading
  // it. Its end is the first line end outside quotes: in well-formed CSV, a quote count that is
  // odd means inside a quoted cell. Quoting inside the skipped part is not checked further.
  // Records a row left out; beyond kMaxCsvProblems, only counts it.
  void Problem(CsvProblem problem) {
    if (problems_.size() < kMaxCsvProblems) {
      problems_.push_back(std::move(problem));
    } else {
      ++table_.problems_left_out;
    }
  }

  absl::Status SkipLongRecord(size_t& pos, int64_t& line) {
    if (!have_header_) {
      return absl::InvalidArgumentError(absl::StrCat(
          "line ", record_line_, ": the header is longer than ", kMaxCsvRecordBytes, " bytes"));
    }
    Problem({record_line_, "",
             absl::StrCat("longer than ", kMaxCsvRecordBytes >> 20, " MiB: left out")});
    // The parser holds the start of the record: start afresh after its end.
    csv_free(&parser_);
    StartParser();
    cells_.clear();
    bool quoted = odd_quotes_;
    size_t i = pos;
    for (; i < text_.size(); ++i) {
      const char c = text_[i];
      if (c == '"') {
        quoted = !quoted;
      } else if (c == '\n' || c == '\r') {
        if (!quoted) break;
        if (EndsLine(text_, i)) ++line;
      }
    }
    if (quoted) return UnclosedQuote();
    in_record_ = false;
    record_bytes_ = 0;
    odd_quotes_ = false;
    pos = i;  // the record's line end, which the fresh parser takes for a blank line
    return absl::OkStatus();
  }

  // libcsv stopped in the piece on `line`.
  absl::Status ParseError(int64_t line) {
    if (const int error = csv_error(&parser_); error != CSV_EPARSE) {
      return absl::ResourceExhaustedError(absl::StrCat("line ", line, ": ", csv_strerror(error)));
    }
    return absl::InvalidArgumentError(absl::StrCat(
        "line ", line,
        record_line_ != line ? absl::StrCat(" (in the row that starts on line ", record_line_, ")")
                             : "",
        ": malformed quoting: a quote inside a cell that does not start with one, or text after "
        "a cell's closing quote (a cell with quotes in it is enclosed in quotes, and its quotes "
        "doubled)"));
  }

  absl::Status UnclosedQuote() const {
    return absl::InvalidArgumentError(absl::StrCat(
        "line ", record_line_,
        ": malformed quoting: a quoted cell is not closed before the end of the file"));
  }

  const absl::string_view text_;
  CsvTable& table_;
  std::vector<CsvProblem>& problems_;
  const char delimiter_;
  csv_parser parser_;
  absl::Status status_;  // what a callback found, which it cannot return
  bool have_header_ = false;

  // The record being read.
  bool in_record_ = false;
  int64_t record_line_ = 0;
  size_t record_bytes_ = 0;  // up to the piece being read
  bool odd_quotes_ = false;  // an odd count of quotes up to the piece being read
  std::vector<std::string> cells_;
};

void AppendCell(absl::string_view cell, std::string& out) {
  std::string inert;
  if (NeedsInertPrefix(cell)) {
    inert = absl::StrCat("'", cell);
    cell = inert;
  }
  if (cell.find_first_of(",\"\r\n") == absl::string_view::npos) {
    out.append(cell.data(), cell.size());
    return;
  }
  // csv_write encloses the cell in quotes and doubles the quotes in it; given no room, it says
  // how much it needs.
  const size_t size = csv_write(nullptr, 0, cell.data(), cell.size());
  const size_t at = out.size();
  out.resize(at + size);
  csv_write(out.data() + at, size, cell.data(), cell.size());
}

void AppendRecord(const std::vector<std::string>& cells, std::string& out) {
  for (size_t i = 0; i < cells.size(); ++i) {
    if (i > 0) out += ',';
    AppendCell(cells[i], out);
  }
  out += "\r\n";
}

}  // namespace

absl::StatusOr<CsvTable> ReadCsv(absl::string_view bytes, std::vector<CsvProblem>* problems,
                                 std::optional<TextEncoding> encoding) {
  if (bytes.size() > kMaxCsvBytes) {
    return absl::InvalidArgumentError(absl::StrCat("the file has ", bytes.size(),
                                                   " bytes, more than the ", kMaxCsvBytes >> 20,
                                                   " MiB an import reads"));
  }
  CsvTable table;
  std::string converted;
  absl::string_view text;
  RETURN_IF_ERROR(DecodeText(bytes, encoding, converted, text, table.encoding));
  std::vector<CsvProblem> ignored;
  CsvReader reader(text, table, problems != nullptr ? *problems : ignored);
  RETURN_IF_ERROR(reader.Read());
  return table;
}

std::string WriteCsvRows(const std::vector<std::vector<std::string>>& rows) {
  std::string out;
  for (const std::vector<std::string>& row : rows) AppendRecord(row, out);
  return out;
}

std::string WriteCsv(const std::vector<std::string>& header,
                     const std::vector<std::vector<std::string>>& rows) {
  std::string out(kUtf8Bom);
  AppendRecord(header, out);
  out += WriteCsvRows(rows);
  return out;
}

}  // namespace mcrm::server
