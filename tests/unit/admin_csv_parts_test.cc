// mcrm-admin's import of a large file in parts (admin/src/csv_parts.h): each part ends where a
// record ends, repeats the header, and carries the first_line that makes the server's line
// numbers those of the file. Checked against the server's own reader (server/src/csv_table.h):
// the parts, read one by one with their lines moved as the server moves them, read as the whole
// file does.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "csv_parts.h"
#include "csv_table.h"

namespace mcrm::admin {
namespace {

using ::testing::HasSubstr;

// What the server reads of a file or a part.
struct Read {
  std::string encoding;
  std::vector<std::string> header;
  std::vector<std::pair<int64_t, std::vector<std::string>>> rows;  // line, cells
  std::vector<std::pair<int64_t, std::string>> problems;           // line, reason
};

// ReadCsv of `bytes`, with every line moved by first_line - 1, as ImportCsv moves them.
Read ServerRead(absl::string_view bytes, int64_t first_line) {
  std::vector<server::CsvProblem> problems;
  auto table = server::ReadCsv(bytes, &problems);
  EXPECT_TRUE(table.ok()) << table.status();
  Read read;
  if (!table.ok()) return read;
  read.encoding = table->encoding;
  read.header = table->header;
  for (const server::CsvRow& row : table->rows) {
    read.rows.emplace_back(row.line + first_line - 1, row.cells);
  }
  for (const server::CsvProblem& problem : problems) {
    read.problems.emplace_back(problem.line + first_line - 1, problem.reason);
  }
  return read;
}

// The parts of `file` as the server reads them, one after the other.
Read ReadInParts(absl::string_view file, const std::vector<CsvPart>& parts) {
  Read all;
  for (size_t i = 0; i < parts.size(); ++i) {
    const Read part = ServerRead(PartBytes(file, parts[i]), parts[i].first_line);
    if (i == 0) {
      all.encoding = part.encoding;
      all.header = part.header;
    } else {
      EXPECT_EQ(part.encoding, all.encoding) << "part " << i;
      EXPECT_EQ(part.header, all.header) << "part " << i;
    }
    all.rows.insert(all.rows.end(), part.rows.begin(), part.rows.end());
    all.problems.insert(all.problems.end(), part.problems.begin(), part.problems.end());
  }
  return all;
}

// Cut at `max_part_bytes`, the parts read as the whole file; returns the parts.
std::vector<CsvPart> ExpectReadAsWhole(absl::string_view file, size_t max_part_bytes) {
  auto parts = SplitCsv(file, max_part_bytes);
  EXPECT_TRUE(parts.ok()) << parts.status();
  if (!parts.ok()) return {};
  const Read whole = ServerRead(file, 1);
  const Read in_parts = ReadInParts(file, *parts);
  EXPECT_EQ(in_parts.encoding, whole.encoding);
  EXPECT_EQ(in_parts.header, whole.header);
  EXPECT_EQ(in_parts.rows, whole.rows) << "cut at " << max_part_bytes << " bytes";
  EXPECT_EQ(in_parts.problems, whole.problems) << "cut at " << max_part_bytes << " bytes";
  // Every byte after the header is sent once, in order.
  for (size_t i = 1; i < parts->size(); ++i) {
    EXPECT_EQ((*parts)[i].begin, (*parts)[i - 1].end) << "part " << i;
  }
  if (!parts->empty()) {
    EXPECT_EQ(parts->back().end, file.size());
  }
  return *parts;
}

std::vector<std::string> Sent(absl::string_view file, const std::vector<CsvPart>& parts) {
  std::vector<std::string> sent;
  for (const CsvPart& part : parts) sent.push_back(PartBytes(file, part));
  return sent;
}

TEST(CsvParts, AFileThatFitsIsOnePartTheWholeFileAsItIs) {
  const std::string file = absl::StrCat(kUtf8Bom, "key,name\r\nk1,Alpha\r\n");
  auto parts = SplitCsv(file, file.size());
  ASSERT_TRUE(parts.ok()) << parts.status();
  ASSERT_EQ(parts->size(), 1u);
  EXPECT_EQ(PartBytes(file, (*parts)[0]), file);
  EXPECT_EQ((*parts)[0].first_line, 1);
}

TEST(CsvParts, PartsEndWhereRecordsEndRepeatTheHeaderAndLandOnTheFilesLines) {
  const std::string file =
      "key,name\n"               // line 1
      "k1,Alpha\n"               // 2
      "k2,\"Beta\nGamma\"\n"     // 3-4: a line break in a quoted cell does not end the record
      "k3,\"Delta, Epsilon\"\n"  // 5
      "k4,Zeta\n";               // 6
  const std::vector<CsvPart> parts = ExpectReadAsWhole(file, 30);
  ASSERT_EQ(parts.size(), 4u);
  EXPECT_THAT(Sent(file, parts),
              ::testing::ElementsAre("key,name\nk1,Alpha\n", "key,name\nk2,\"Beta\nGamma\"\n",
                                     "key,name\nk3,\"Delta, Epsilon\"\n", "key,name\nk4,Zeta\n"));
  // A part's first record is the server's line 2, which must be the record's file line.
  EXPECT_EQ(parts[0].first_line, 1);
  EXPECT_EQ(parts[1].first_line, 2);
  EXPECT_EQ(parts[1].rows_line, 3);
  EXPECT_EQ(parts[2].first_line, 4);
  EXPECT_EQ(parts[2].rows_line, 5);
  EXPECT_EQ(parts[3].first_line, 5);
  for (const std::string& sent : Sent(file, parts)) EXPECT_LE(sent.size(), 30u);
}

TEST(CsvParts, CrLfAndLoneCrEndLinesAsTheServerCountsThem) {
  const std::string file =
      "key,name,notes\r\n"
      "k1,Alpha,\"one\r\ntwo\"\r\n"
      "k2,Beta,\"three\rfour\"\r"
      "k3,Gamma,five\r\n"
      "\r\n"
      "k4,Delta,\"six\n\nseven\"\n"
      "k5,Epsilon,eight";  // no line end at the end of the file
  for (size_t max = 16; max <= file.size(); ++max) ExpectReadAsWhole(file, max);
}

TEST(CsvParts, AHeaderOfTwoLinesIsRepeatedWholeAndCountedInFirstLine) {
  // The server trims the names: the first column is "key", on lines 1 and 2.
  const std::string file = "\"key\n\",name\nk1,Alpha\nk2,Beta\nk3,Gamma\n";
  const std::vector<CsvPart> parts = ExpectReadAsWhole(file, 24);
  ASSERT_GE(parts.size(), 2u);
  EXPECT_EQ(parts[1].rows_line - parts[1].first_line, 2) << "the header takes two lines";
  EXPECT_TRUE(absl::StartsWith(PartBytes(file, parts[1]), "\"key\n\",name\n"));
}

TEST(CsvParts, BlankLinesBeforeTheHeaderAreNotRepeated) {
  const std::string file = "\n\r\n,,\nkey,name\nk1,Alpha\nk2,Beta\nk3,Gamma\n";
  const std::vector<CsvPart> parts = ExpectReadAsWhole(file, 26);
  ASSERT_GE(parts.size(), 2u);
  EXPECT_TRUE(absl::StartsWith(PartBytes(file, parts[0]), "\n\r\n,,\nkey,name\n"));
  EXPECT_TRUE(absl::StartsWith(PartBytes(file, parts[1]), "key,name\nk"));
}

TEST(CsvParts, BlankLinesNeverStartAPart) {
  const std::string file = "key,name\nk1,Alpha\n\n\n,\nk2,Beta\n\n";
  for (size_t max = 10; max < file.size(); ++max) {
    for (const CsvPart& part : ExpectReadAsWhole(file, max)) {
      EXPECT_NE(file[part.begin], '\n') << "cut at " << max;
      EXPECT_NE(file[part.begin], ',') << "cut at " << max;
    }
  }
}

TEST(CsvParts, AUtf8ByteOrderMarkGoesWithTheFirstPartOnly) {
  const std::string file = absl::StrCat(kUtf8Bom, "key,name\nk1,Müller\nk2,华为\nk3,Ölmühle\n");
  const std::vector<CsvPart> parts = ExpectReadAsWhole(file, 24);
  ASSERT_GE(parts.size(), 2u);
  EXPECT_TRUE(absl::StartsWith(PartBytes(file, parts[0]), kUtf8Bom));
  for (size_t i = 1; i < parts.size(); ++i) {
    EXPECT_TRUE(absl::StartsWith(PartBytes(file, parts[i]), "key,name\n")) << "part " << i;
  }
}

TEST(CsvParts, EveryPartOfAGb18030FileIsReadAsGb18030) {
  // 华为 in GB18030 in the first row; the last row's bytes C3 A4 C3 A4 are two GB18030
  // characters and valid UTF-8 too (ää): sent alone, the server would read that part as UTF-8.
  const std::string file = "key,name\nk1,\xBB\xAA\xCE\xAA\nk2,plain\nk3,\xC3\xA4\xC3\xA4\n";
  const std::vector<CsvPart> parts = ExpectReadAsWhole(file, 20);
  ASSERT_GE(parts.size(), 3u);
  for (size_t i = 0; i < parts.size(); ++i) {
    EXPECT_TRUE(parts[i].gb18030_mark) << "part " << i;
    EXPECT_EQ(ServerRead(PartBytes(file, parts[i]), 1).encoding, "GB18030") << "part " << i;
  }

  // A file with GB18030's own mark keeps it in its first part, which needs no other.
  const std::string marked = absl::StrCat(kGb18030Bom, file);
  const std::vector<CsvPart> marked_parts = ExpectReadAsWhole(marked, 20);
  ASSERT_GE(marked_parts.size(), 3u);
  EXPECT_FALSE(marked_parts[0].gb18030_mark);
  EXPECT_TRUE(marked_parts[1].gb18030_mark);
  EXPECT_TRUE(absl::StartsWith(PartBytes(marked, marked_parts[1]),
                               absl::StrCat(kGb18030Bom, "key,name\n")));
}

TEST(CsvParts, AUtf8MarkOnAFileThatIsNotUtf8IsRefusedNamingTheLine) {
  const std::string file = absl::StrCat(kUtf8Bom, "key,name\nk1,Alpha\nk2,\xFF\nk3,Gamma\n");
  auto parts = SplitCsv(file, 20);
  ASSERT_FALSE(parts.ok());
  EXPECT_THAT(parts.status().message(), HasSubstr("line 3"));
  EXPECT_THAT(parts.status().message(), HasSubstr("byte-order mark"));
  // Sent whole, the server says so itself.
  EXPECT_TRUE(SplitCsv(file, file.size()).ok());
}

TEST(CsvParts, ARecordLongerThanAPartIsAPartOfItsOwn) {
  const std::string file = absl::StrCat("key,notes\nk1,a\nk2,\"", std::string(100, 'x'), "\n",
                                        std::string(100, 'y'), "\"\nk3,c\n");
  const std::vector<CsvPart> parts = ExpectReadAsWhole(file, 30);
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_THAT(PartBytes(file, parts[1]), HasSubstr("xxx\nyyy"));
  EXPECT_EQ(parts[2].rows_line, 5);
}

TEST(CsvParts, ProblemsOfRowsInLaterPartsNameTheirFileLines) {
  // Row k3 has a cell too many: the server names its line, which must be the file's.
  const std::string file = "key,name\nk1,\"Al\npha\"\nk2,Beta\nk3,Gamma,extra\nk4,Delta\n";
  for (size_t max = 15; max <= file.size(); ++max) {
    ExpectReadAsWhole(file, max);
    auto parts = SplitCsv(file, max);
    ASSERT_TRUE(parts.ok());
    const Read read = ReadInParts(file, *parts);
    ASSERT_EQ(read.problems.size(), 1u);
    EXPECT_EQ(read.problems[0].first, 5) << "cut at " << max;
  }
}

// Files of random rows (quoted commas, quotes, line breaks of every kind inside and between
// records, blank rows, non-ASCII text, rows of the wrong width) read in parts as they read whole.
TEST(CsvParts, RandomFilesReadInPartsAsTheyReadWhole) {
  std::mt19937 random(20240501);
  const std::vector<std::string> pieces = {"a",  "Müller", "华为", " ",  ",",    "\"",
                                           "\n", "\r\n",   "\r",   "x1", "Zeta", "'"};
  const std::vector<std::string> line_ends = {"\n", "\r\n", "\r"};
  const auto pick = [&](const std::vector<std::string>& from) {
    return from[std::uniform_int_distribution<size_t>(0, from.size() - 1)(random)];
  };
  const auto chance = [&](int percent) {
    return std::uniform_int_distribution<int>(0, 99)(random) < percent;
  };
  for (int file_number = 0; file_number < 200; ++file_number) {
    const std::string end = pick(line_ends);
    std::string file = chance(30) ? std::string(kUtf8Bom) : "";
    absl::StrAppend(&file, "key,name,notes", end);
    const int rows = std::uniform_int_distribution<int>(1, 30)(random);
    for (int r = 0; r < rows; ++r) {
      if (chance(10)) {
        absl::StrAppend(&file, chance(50) ? "" : ",,", pick(line_ends));
        continue;
      }
      const int cells = chance(5) ? 4 : 3;
      for (int c = 0; c < cells; ++c) {
        if (c > 0) file += ',';
        std::string cell = c == 0 ? absl::StrCat("k", r) : "";
        const int length = c == 0 ? 0 : std::uniform_int_distribution<int>(0, 6)(random);
        for (int i = 0; i < length; ++i) cell += pick(pieces);
        if (cell.find_first_of(",\"\r\n") != std::string::npos || chance(10)) {
          std::string quoted = "\"";
          for (char ch : cell) quoted += ch == '"' ? std::string("\"\"") : std::string(1, ch);
          cell = quoted + "\"";
        }
        file += cell;
      }
      // The last row may end without a line end.
      if (r + 1 < rows || chance(70)) file += pick(line_ends);
    }
    const size_t max = std::uniform_int_distribution<size_t>(16, 120)(random);
    SCOPED_TRACE(::testing::Message() << "file " << file_number << ": " << file);
    ExpectReadAsWhole(file, max);
  }
}

TEST(CsvParts, RefusalsOfALaterPartNameTheFilesLines) {
  EXPECT_EQ(WithFileLines("line 3 (in the row that starts on line 2): malformed quoting", 100),
            "line 102 (in the row that starts on line 101): malformed quoting");
  EXPECT_EQ(WithFileLines("line 7: not UTF-8", 1), "line 7: not UTF-8");
  EXPECT_EQ(WithFileLines("a headline 5, a line x and lines 3", 10),
            "a headline 5, a line x and lines 3");
  EXPECT_EQ(WithFileLines("ends with line 4", 3), "ends with line 6");
}

}  // namespace
}  // namespace mcrm::admin
