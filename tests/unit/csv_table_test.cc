// CSV files as the back office reads and writes them: the encodings spreadsheet programs save in,
// quoting, line numbers for the problems an import reports, and export that imports back
// unchanged without any cell running as a formula in a spreadsheet.
#include "csv_table.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/match.h"

namespace mcrm::server {
namespace {

using Rows = std::vector<std::pair<int64_t, std::vector<std::string>>>;
using Problems = std::vector<std::tuple<int64_t, std::string, std::string>>;

constexpr char kBom[] = "\xEF\xBB\xBF";

Rows RowsOf(const CsvTable& table) {
  Rows rows;
  for (const CsvRow& row : table.rows) rows.emplace_back(row.line, row.cells);
  return rows;
}

Problems ProblemsOf(const std::vector<CsvProblem>& problems) {
  Problems out;
  for (const CsvProblem& p : problems) out.emplace_back(p.line, p.column, p.reason);
  return out;
}

struct ReadCase {
  const char* what;
  std::string bytes;
  std::vector<std::string> header;
  Rows rows;
  Problems problems = {};
  std::string encoding = "UTF-8";
  int64_t header_line = 1;
};

const std::vector<ReadCase>& ReadCases() {
  static const auto* const kCases = new std::vector<ReadCase>{
      {"UTF-8 without a byte-order mark",
       "name,city\nMüller GmbH,Köln\n",
       {"name", "city"},
       {{2, {"Müller GmbH", "Köln"}}}},
      {"UTF-8 with a byte-order mark, which is not part of the first column's name",
       std::string(kBom) + "name,city\r\n华为,深圳\r\n",
       {"name", "city"},
       {{2, {"华为", "深圳"}}}},
      {"GB18030, as Chinese spreadsheet programs save",  // "名称\n华为\n"
       "\xC3\xFB\xB3\xC6\n\xBB\xAA\xCE\xAA\n",
       {"名称"},
       {{2, {"华为"}}},
       {},
       "GB18030"},
      {"Windows-1252, as older Western European spreadsheet programs save",
       "name,city\nM\xFCller & S\xF6hne,K\xF6ln\nStra\xDF"
       "enbau \x80,Z\xFCrich\n",
       {"name", "city"},
       {{2, {"Müller & Söhne", "Köln"}}, {3, {"Straßenbau €", "Zürich"}}},
       {},
       "Windows-1252"},
      {"semicolons, as spreadsheet programs separate cells where the comma is the decimal mark",
       "key;name;revenue;tags\nK-1;Müller, Söhne & Co;1,5;\"vip;north\"\n",
       {"key", "name", "revenue", "tags"},
       {{2, {"K-1", "Müller, Söhne & Co", "1,5", "vip;north"}}}},
      {"commas, with a semicolon in a header name",
       "key,name;alias\n1,a;b\n",
       {"key", "name;alias"},
       {{2, {"1", "a;b"}}}},
      {"GB18030 with a quoted cell holding a comma",  // 名称,城市\n"华为, 深圳",深圳\n
       "\xC3\xFB\xB3\xC6,\xB3\xC7\xCA\xD0\n\"\xBB\xAA\xCE\xAA, "
       "\xC9\xEE\xDB\xDA\",\xC9\xEE\xDB\xDA\n",
       {"名称", "城市"},
       {{2, {"华为, 深圳", "深圳"}}},
       {},
       "GB18030"},
      {"GB18030 with its own byte-order mark",  // U+FEFF 名称\n华为\n
       "\x84"
       "1"
       "\x95"
       "3"
       "\xC3\xFB\xB3\xC6\n\xBB\xAA\xCE\xAA\n",
       {"名称"},
       {{2, {"华为"}}},
       {},
       "GB18030"},
      {"quoted cells with commas, quotes and line breaks; the rows after them keep their lines",
       "name,note\n"
       "\"Smith, Jones & Co\",\"say \"\"hi\"\"\"\n"
       "\"two\nlines\",x\n"
       "\"three\n\nlines\",y\n"
       "last,z\n",
       {"name", "note"},
       {{2, {"Smith, Jones & Co", "say \"hi\""}},
        {3, {"two\nlines", "x"}},
        {5, {"three\n\nlines", "y"}},
        {8, {"last", "z"}}}},
      {"CRLF and lone CR line ends, inside quoted cells too, and no line end at the end",
       "a,b\r\"x\r\ny\",1\r\n\"p\rq\",2\rz,3",
       {"a", "b"},
       {{2, {"x\r\ny", "1"}}, {4, {"p\rq", "2"}}, {6, {"z", "3"}}}},
      {"blank lines are skipped and still counted, before the header too",
       "\n\r\nname\n\nACME\n\n\nBeta\n",
       {"name"},
       {{5, {"ACME"}}, {8, {"Beta"}}},
       {},
       "UTF-8",
       3},
      {"rows of empty cells, as spreadsheet programs write for empty rows, are skipped",
       "a,b\n1,2\n,\n\"\",\n3,4\n,,,,\n",
       {"a", "b"},
       {{2, {"1", "2"}}, {5, {"3", "4"}}}},
      {"a header and no rows", "a,b\r\n", {"a", "b"}, {}},
      {"header names are trimmed, cells keep their spaces",
       " name ,\tcity \n  ACME , Berlin \n",
       {"name", "city"},
       {{2, {"  ACME ", " Berlin "}}}},
      {"empty cells, quoted or not", "a,b,c\n,\"\",x\n", {"a", "b", "c"}, {{2, {"", "", "x"}}}},
      {"control characters in cells are kept, for validation to refuse naming the field",
       std::string("a,b\nx\x01y,p\0q\n", 12),
       {"a", "b"},
       {{2, {"x\x01y", std::string("p\0q", 3)}}}},
      {"an apostrophe that made a cell inert is removed; one typed before text stays",
       "a\n'=SUM(A1)\n'+49 711\n'-5\n'@home\n''=x\n'already\n'\nit's\n",
       {"a"},
       {{2, {"=SUM(A1)"}},
        {3, {"+49 711"}},
        {4, {"-5"}},
        {5, {"@home"}},
        {6, {"'=x"}},
        {7, {"'already"}},
        {8, {"'"}},
        {9, {"it's"}}}},
      {"a short and a long row are reported with their lines, the rest read",
       "a,b,c\n1,2,3\n4,5\n6,7,8,9\n10,11,12\n",
       {"a", "b", "c"},
       {{2, {"1", "2", "3"}}, {5, {"10", "11", "12"}}},
       {{3, "", "has 2 cells, the header has 3"}, {4, "", "has 4 cells, the header has 3"}}},
      {"a short row after a cell with line breaks is reported with its own line",
       "a,b\n\"x\ny\",1\n2\n3,4\n",
       {"a", "b"},
       {{2, {"x\ny", "1"}}, {5, {"3", "4"}}},
       {{4, "", "has 1 cell, the header has 2"}}},
  };
  return *kCases;
}

TEST(ReadCsv, ReadsWhatSpreadsheetProgramsSave) {
  for (const ReadCase& c : ReadCases()) {
    std::vector<CsvProblem> problems;
    auto table = ReadCsv(c.bytes, &problems);
    ASSERT_TRUE(table.ok()) << c.what << ": " << table.status();
    EXPECT_EQ(table->header, c.header) << c.what;
    EXPECT_EQ(table->header_line, c.header_line) << c.what;
    EXPECT_EQ(RowsOf(*table), c.rows) << c.what;
    EXPECT_EQ(ProblemsOf(problems), c.problems) << c.what;
    EXPECT_EQ(table->encoding, c.encoding) << c.what;
  }
}

struct RefusedCase {
  const char* what;
  std::string bytes;
  std::string want;  // in the message
};

TEST(ReadCsv, RefusesAFileThatCannotBeReadNamingWhere) {
  const RefusedCase cases[] = {
      {"an empty file", "", "the file has no header"},
      {"only a byte-order mark and blank lines", std::string(kBom) + "\r\n\r\n",
       "the file has no header"},
      {"a header column without a name", "name,,city\n", "line 1: header: column 2 has no name"},
      {"a header column of spaces", "\nname, \t\n", "line 2: header: column 2 has no name"},
      {"a header name twice", "name,city,name\n",
       "line 1: header: column \"name\" appears twice (columns 1 and 3)"},
      {"a header name twice once trimmed", "name, name \n",
       "header: column \"name\" appears twice (columns 1 and 2)"},
      {"a quote inside an unquoted cell", "a,b\n1,2\nx\"y,3\n", "line 3: malformed quoting"},
      {"text after a closing quote", "a\n\"x\"y\n", "line 2: malformed quoting"},
      {"a space after a closing quote", "a,b\n\"x\" ,y\n", "line 2: malformed quoting"},
      {"malformed quoting on the second line of a row", "a,b\n\"x\ny\"z,1\n",
       "line 3 (in the row that starts on line 2): malformed quoting"},
      {"a quoted cell never closed", "a\n1\n\"open\n2\n3\n",
       "line 3: malformed quoting: a quoted cell is not closed"},
      {"bytes that are neither UTF-8 nor GB18030", "\xFF\xFF\n",
       "line 1: the text is neither UTF-8 nor GB18030"},
      {"such bytes on a later line of a Chinese file", "\xC3\xFB\n\xB3\xC6\n\"c\nd\xFF\"\n",
       "line 4: the text is neither UTF-8 nor GB18030 (bytes ff220a)"},
      {"a byte Windows-1252 does not have, in a Western file", "a\nK\xF6ln\nx\x81y\n",
       "line 3: the text is neither UTF-8 nor Windows-1252 (bytes 81790a)"},
      {"a GB18030 character cut short at the end", "\xC3\xFB\n\xC3",
       "line 2: the text is neither UTF-8 nor GB18030"},
      {"a UTF-8 byte-order mark before text that is not UTF-8", std::string(kBom) + "a\n\xC3\xFB\n",
       "line 2: not UTF-8, though the file starts with"},
  };
  for (const RefusedCase& c : cases) {
    std::vector<CsvProblem> problems;
    auto table = ReadCsv(c.bytes, &problems);
    ASSERT_FALSE(table.ok()) << c.what;
    EXPECT_EQ(table.status().code(), absl::StatusCode::kInvalidArgument) << c.what;
    EXPECT_TRUE(absl::StrContains(table.status().message(), c.want))
        << c.what << ": " << table.status().message();
  }
}

TEST(ReadCsv, ReportsAndSkipsARowLongerThanTheLimit) {
  const std::string long_cell(kMaxCsvRecordBytes, 'x');
  const std::string bytes = "a,b\n1,2\n" + long_cell + ",y\n3,4\n";
  std::vector<CsvProblem> problems;
  auto table = ReadCsv(bytes, &problems);
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_EQ(RowsOf(*table), (Rows{{2, {"1", "2"}}, {4, {"3", "4"}}}));
  EXPECT_EQ(ProblemsOf(problems), (Problems{{3, "", "longer than 1 MiB: left out"}}));
}

TEST(ReadCsv, SkipsALongQuotedRowToItsEndAndKeepsCountingLines) {
  // Commas, doubled quotes and line breaks inside the skipped cell do not end it early.
  const std::string half(kMaxCsvRecordBytes / 2, 'x');
  const std::string bytes = "a,b\n1,2\n\"" + half + ",\"\"\n\n" + half + "\",1\n3,4\n";
  std::vector<CsvProblem> problems;
  auto table = ReadCsv(bytes, &problems);
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_EQ(RowsOf(*table), (Rows{{2, {"1", "2"}}, {6, {"3", "4"}}}));
  EXPECT_EQ(ProblemsOf(problems), (Problems{{3, "", "longer than 1 MiB: left out"}}));
}

TEST(ReadCsv, ReadsARowOfExactlyTheLimit) {
  const std::string cell(kMaxCsvRecordBytes, 'x');
  std::vector<CsvProblem> problems;
  auto table = ReadCsv("a\n" + cell + "\r\nb\n", &problems);
  ASSERT_TRUE(table.ok()) << table.status();
  ASSERT_EQ(table->rows.size(), 2u);
  EXPECT_EQ(table->rows[0].cells, std::vector<std::string>{cell});
  EXPECT_EQ(table->rows[1].line, 3);
  EXPECT_TRUE(problems.empty());
}

TEST(ReadCsv, RefusesAHeaderLongerThanTheLimit) {
  const std::string bytes = "\n" + std::string(kMaxCsvRecordBytes + 1, 'x') + "\n1\n";
  std::vector<CsvProblem> problems;
  auto table = ReadCsv(bytes, &problems);
  ASSERT_FALSE(table.ok());
  EXPECT_EQ(table.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(table.status().message(), "line 2: the header is longer than"))
      << table.status();
}

TEST(ReadCsv, RefusesALongRowWhoseQuoteIsNeverClosed) {
  const std::string bytes = "a\n1\n\"" + std::string(kMaxCsvRecordBytes, 'x') + "\n2\n";
  std::vector<CsvProblem> problems;
  auto table = ReadCsv(bytes, &problems);
  ASSERT_FALSE(table.ok());
  EXPECT_TRUE(absl::StrContains(table.status().message(), "line 3: malformed quoting"))
      << table.status();
}

struct WriteCase {
  const char* what;
  std::string cell;
  std::string written;
};

TEST(WriteCsv, QuotesWhatNeedsItAndMakesFormulasInert) {
  const WriteCase cases[] = {
      {"plain text", "ACME", "ACME"},
      {"spaces", "  two  spaces ", "  two  spaces "},
      {"Chinese text", "华为", "华为"},
      {"a comma", "Smith, Jones", "\"Smith, Jones\""},
      {"quotes", "say \"hi\"", "\"say \"\"hi\"\"\""},
      {"a line break", "two\nlines", "\"two\nlines\""},
      {"CRLF", "two\r\nlines", "\"two\r\nlines\""},
      {"a formula", "=SUM(A1)", "'=SUM(A1)"},
      {"a formula with a comma", "=SUM(A1,B1)", "\"'=SUM(A1,B1)\""},
      {"a phone number with +", "+49 711", "'+49 711"},
      {"a negative number, inert too (safety first)", "-5", "'-5"},
      {"@", "@home", "'@home"},
      {"a leading tab", "\tx", "'\tx"},
      {"a leading CR", "\rx", "\"'\rx\""},
      {"an apostrophe typed before text stays alone", "'already", "'already"},
      {"an apostrophe typed before a formula gets one more", "'=x", "''=x"},
      {"a formula character later in the cell", "a=b", "a=b"},
      {"an apostrophe alone", "'", "'"},
  };
  for (const WriteCase& c : cases) {
    const std::string csv = WriteCsv({"h"}, {{c.cell}});
    EXPECT_EQ(csv, std::string(kBom) + "h\r\n" + c.written + "\r\n") << c.what;
    // And it reads back as it was.
    std::vector<CsvProblem> problems;
    auto table = ReadCsv(csv, &problems);
    ASSERT_TRUE(table.ok()) << c.what << ": " << table.status();
    EXPECT_EQ(RowsOf(*table), (Rows{{2, {c.cell}}})) << c.what;
    EXPECT_TRUE(problems.empty()) << c.what;
  }
}

TEST(WriteCsv, WritesRfc4180WithCrlfAndAByteOrderMark) {
  EXPECT_EQ(WriteCsv({"name", "amount"}, {{"a,b", "=1"}, {"say \"hi\"", "-5"}, {"", "x"}}),
            "\xEF\xBB\xBF"
            "name,amount\r\n"
            "\"a,b\",'=1\r\n"
            "\"say \"\"hi\"\"\",'-5\r\n"
            ",x\r\n");
}

TEST(WriteCsv, ExportThenImportGivesBackEveryCell) {
  const std::vector<std::string> header = {"name", "note", "amount"};
  const std::vector<std::vector<std::string>> rows = {
      {"Smith, Jones & Co", "say \"hi\"", "12.50"},
      {"two\nlines", "cr\r\nlf", "-5"},
      {"华为技术有限公司", "深圳市龙岗区", "+49 711"},
      {"=SUM(A1)", "@home", "'already"},
      {"'=x", "\ttabbed", ""},
      {"", "", "0"},
      {"last", "row", "1"},
  };
  const std::string csv = WriteCsv(header, rows);
  EXPECT_TRUE(absl::StartsWith(csv, kBom));
  EXPECT_TRUE(absl::StrContains(csv, "\r\n'=SUM(A1),'@home,'already\r\n")) << csv;

  std::vector<CsvProblem> problems;
  auto table = ReadCsv(csv, &problems);
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_EQ(table->encoding, "UTF-8");
  EXPECT_EQ(table->header, header);
  EXPECT_TRUE(problems.empty());
  ASSERT_EQ(table->rows.size(), rows.size());
  for (size_t i = 0; i < rows.size(); ++i) EXPECT_EQ(table->rows[i].cells, rows[i]) << i;
  // Lines as a text editor shows them: two cells of the second row hold a line break each, so
  // that row takes three lines.
  EXPECT_EQ(table->rows[1].line, 3);
  EXPECT_EQ(table->rows[2].line, 6);
}

TEST(WriteCsv, LaterPagesAppendedToTheFirstReadAsOneFile) {
  const std::string csv = WriteCsv({"a", "b"}, {{"1", "x\ny"}}) + WriteCsvRows({{"2", "=z"}});
  std::vector<CsvProblem> problems;
  auto table = ReadCsv(csv, &problems);
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_EQ(RowsOf(*table), (Rows{{2, {"1", "x\ny"}}, {4, {"2", "=z"}}}));
}

}  // namespace
TEST(ReadCsv, ReadsTheEncodingItIsToldRatherThanItsGuess) {
  // 你好 in GB18030 is also two letters of Windows-1252 (Äã, ºÃ): a name settles it.
  const std::string bytes = "name\n\xC4\xE3\xBA\xC3\n";
  auto guessed = ReadCsv(bytes, nullptr);
  ASSERT_TRUE(guessed.ok()) << guessed.status();
  EXPECT_EQ(guessed->encoding, "GB18030");
  EXPECT_EQ(guessed->rows[0].cells[0], "你好");
  auto told = ReadCsv(bytes, nullptr, TextEncoding::kWindows1252);
  ASSERT_TRUE(told.ok()) << told.status();
  EXPECT_EQ(told->encoding, "Windows-1252");
  EXPECT_EQ(told->rows[0].cells[0], "ÄãºÃ");
}

}  // namespace mcrm::server
