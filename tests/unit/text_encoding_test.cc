// Which encoding a spreadsheet program's CSV file is in, told by its bytes; and the names the
// back office's import takes.
#include "mcrm/text_encoding.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace mcrm {
namespace {

struct GuessCase {
  const char* what;
  std::string bytes;
  TextEncoding expected;
};

TEST(GuessEncoding, TellsTheEncodingsOfSpreadsheetProgramsApart) {
  const std::vector<GuessCase> cases = {
      {"plain ASCII", "key,name\n1,Alpha\n", TextEncoding::kUtf8},
      {"UTF-8 with umlauts and Chinese", "name\nKöln\n华为\n", TextEncoding::kUtf8},
      {"UTF-8's byte-order mark, whatever follows", "\xEF\xBB\xBFname\nK\xF6ln\n",
       TextEncoding::kUtf8},
      {"GB18030's byte-order mark", "\x84\x31\x95\x33name\n", TextEncoding::kGb18030},
      // 名称 / 北京博远贸易有限公司 in GB18030: two bytes a character, side by side.
      {"Chinese names", "\xC3\xFB\xB3\xC6\n\xB1\xB1\xBE\xA9\xB2\xA9\xD4\xB6\n",
       TextEncoding::kGb18030},
      {"Chinese beside numbers and Latin", "id,\xC3\xFB\xB3\xC6\n1,ABC \xBB\xAA\xCE\xAA 2\n",
       TextEncoding::kGb18030},
      // Köln, Müller, Straße in Windows-1252: one byte a letter, between plain ones.
      {"German names",
       "name,city\nM\xFCller,K\xF6ln\nStra\xDF"
       "e,Z\xFCrich\n",
       TextEncoding::kWindows1252},
      {"French and a euro sign", "nom\nSoci\xE9t\xE9 G\xE9n\xE9rale\n12 \x80\n",
       TextEncoding::kWindows1252},
      {"two accented letters side by side among many alone",
       "name\nM\xFC\xDFig\nK\xF6ln\nM\xFCller\n", TextEncoding::kWindows1252},
  };
  for (const GuessCase& c : cases) {
    EXPECT_EQ(GuessEncoding(c.bytes), c.expected) << c.what;
  }
}

TEST(EncodingNamed, TakesTheThreeNamesInAnyCaseAndNothingElse) {
  for (const TextEncoding encoding :
       {TextEncoding::kUtf8, TextEncoding::kGb18030, TextEncoding::kWindows1252}) {
    EXPECT_EQ(EncodingNamed(EncodingName(encoding)), encoding);
  }
  EXPECT_EQ(EncodingNamed("windows-1252"), TextEncoding::kWindows1252);
  EXPECT_EQ(EncodingNamed("utf-8"), TextEncoding::kUtf8);
  EXPECT_FALSE(EncodingNamed("latin1").has_value());
  EXPECT_FALSE(EncodingNamed("").has_value());
}

}  // namespace
}  // namespace mcrm
