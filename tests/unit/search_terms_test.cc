// The one full-text search rule: the terms a text and a record are found by, the groups a typed
// query asks for, and that the two meet where a user expects them to (华为 finds
// 深圳华为技术有限公司, "mül" finds Müller GmbH, the last digits of a phone number find its
// owner) and nowhere else.
#include "mcrm/search_terms.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <ostream>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "mcrm/utf8.h"
#include "sample_records.h"

namespace mcrm {

// A query term in failure messages: {"mül" prefix}.
void PrintTo(const QueryTerm& term, std::ostream* os) {
  *os << "{\"" << term.text << "\" " << (term.prefix ? "prefix" : "exact") << "}";
}

namespace {

using ::mcrm::testing::ValidSample;
using ::testing::IsSupersetOf;

QueryTerm Prefix(std::string text) { return QueryTerm{std::move(text), true}; }
QueryTerm Exact(std::string text) { return QueryTerm{std::move(text), false}; }

std::string Repeat(absl::string_view text, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) absl::StrAppend(&out, text);
  return out;
}

// The distinct terms of one text.
std::set<std::string> TermsOf(absl::string_view text) {
  std::vector<std::string> terms;
  AppendSearchTerms(text, terms);
  return std::set<std::string>(terms.begin(), terms.end());
}

// Whether a record with `terms` is found by `query`, by the rule the stores apply: every group
// has a term equal to one of the record's or, with `prefix`, that one of the record's starts
// with.
template <typename Terms>
bool Finds(const SearchQuery& query, const Terms& terms) {
  auto matches = [&terms](const QueryTerm& wanted) {
    return std::any_of(terms.begin(), terms.end(), [&wanted](const std::string& term) {
      return wanted.prefix ? absl::StartsWith(term, wanted.text) : term == wanted.text;
    });
  };
  return std::all_of(query.begin(), query.end(), [&matches](const std::vector<QueryTerm>& group) {
    return std::any_of(group.begin(), group.end(), matches);
  });
}

// A term every index can store as it is: not empty, UTF-8, at most 64 bytes, and no ASCII but
// letters, digits and a leading "~".
bool Storable(const std::string& term) {
  if (term.empty() || term.size() > 64 || !IsValidUtf8(term)) return false;
  for (size_t i = 0; i < term.size(); ++i) {
    const auto c = static_cast<unsigned char>(term[i]);
    if (c < 0x80 && !absl::ascii_isalnum(c) && !(c == '~' && i == 0)) return false;
  }
  return true;
}

bool SortedAndUnique(const std::vector<std::string>& terms) {
  return std::is_sorted(terms.begin(), terms.end()) &&
         std::adjacent_find(terms.begin(), terms.end()) == terms.end();
}

// ---- the terms of a text ----------------------------------------------------------------------

struct TermsCase {
  const char* what;
  std::string text;
  std::set<std::string> terms;  // all of them
};

const std::vector<TermsCase>& TermsCases() {
  static const auto* const kCases = new std::vector<TermsCase>{
      {"a Chinese company is found by each character of its name and each pair of neighbours",
       "深圳华为技术有限公司",
       {"深", "圳", "华", "为", "技", "术", "有", "限", "公", "司", "深圳", "圳华", "华为", "为技",
        "技术", "术有", "有限", "限公", "公司"}},
      {"a German company is found by its words in lower case, and as typed without accents",
       "Müller GmbH",
       {"müller", "muller", "mueller", "gmbh"}},
      {"ß is written out as ss, and a French name loses its accents",
       "Straße François",
       {"straße", "strasse", "françois", "francois"}},
      {"a phone number is found by its groups, by all its digits and by its digits backwards",
       "+86 755 2878-0808",
       {"86", "755", "2878", "0808", "8675528780808", "~8080878255768"}},
      {"a text with fewer than 5 digits holds no number",
       "Hall 7, Gate 12",
       {"hall", "7", "gate", "12"}},
      {"an order number's digits are a number too",
       "SO-2026-0001",
       {"so", "2026", "0001", "20260001", "~10006202"}},
      {"an email address is found by its parts",
       "info@gruene-wiese.de",
       {"info", "gruene", "wiese", "de"}},
      {"Polish and Czech capitals are lower-cased",
       "ŁÓDŹ ČESKÉ",
       {"łódź", "lodz", "české", "ceske"}},
      {"the Turkish capital İ becomes i", "İSTANBUL", {"istanbul"}},
      {"Vietnamese capitals are lower-cased, and the words also found without their marks",
       "NGUYỄN ƠN ƯU",
       {"nguyễn", "nguyen", "ơn", "on", "ưu", "uu"}},
      {"a Greek name in capitals meets it in small letters (accents kept, final sigma a sigma)",
       "ΓΙΆΝΝΗΣ Γιάννης",
       {"γιάννησ"}},
      {"Russian capitals, Ё included, are lower-cased", "МОСКВА Ёлка", {"москва", "ёлка"}},
      {"the Ukrainian capital Ґ is lower-cased", "ҐАНОК", {"ґанок"}},
      {"a CJK character ends a word: no term mixes letters and CJK",
       "ABC华为DEF",
       {"abc", "华", "为", "华为", "def"}},
      {"Chinese punctuation separates: no pair across a comma",
       "北京，上海、广州",
       {"北", "京", "北京", "上", "海", "上海", "广", "州", "广州"}},
      {"Japanese kana and kanji are read as CJK",
       "トヨタ自動車",
       {"ト", "ヨ", "タ", "自", "動", "車", "トヨ", "ヨタ", "タ自", "自動", "動車"}},
      {"the katakana middle dot separates the parts of a name",
       "ジョン・スミス",
       {"ジ", "ョ", "ン", "ジョ", "ョン", "ス", "ミ", "スミ", "ミス"}},
      {"Korean syllables are read as CJK",
       "삼성전자",
       {"삼", "성", "전", "자", "삼성", "성전", "전자"}},
      {"full-width letters and digits, as Chinese keyboards type them, are read as ASCII",
       "ＡＢＣ１２３４５",
       {"abc12345", "12345", "~54321"}},
      {"a decomposed accent stays part of its word (and is dropped in its plain form)",
       "Mu\u0308ller",
       {"mu\u0308ller", "muller"}},
      {"emoji and symbols separate words",
       "Coffee☕Shop 😀 №5 20°C",
       {"coffee", "shop", "5", "20", "c"}},
      {"spaces and punctuation alone give no term", " --- !? ... \t\n «»", {}},
      {"an empty text gives no term", "", {}},
      {"bytes that are not UTF-8 separate words and never appear in a term",
       std::string("ab\xFF"
                   "cd\xC3(ef\xE5\x8C"
                   " gh\xED\xA0\x80"
                   "ij\xC0\xBC"
                   "kl\x80"),
       {"ab", "cd", "ef", "gh", "ij", "kl"}},
  };
  return *kCases;
}

TEST(SearchTerms, ATextIsFoundByItsWordsItsCjkCharactersAndPairsAndItsNumber) {
  for (const TermsCase& c : TermsCases()) {
    EXPECT_EQ(TermsOf(c.text), c.terms) << c.what;
  }
}

TEST(SearchTerms, ALongWordIsCutAtACharacterBoundary) {
  // 1 + 40 * 2 bytes: the 32nd "ü" would end at byte 65, so 31 of them are kept.
  EXPECT_EQ(TermsOf("a" + Repeat("ü", 40)),
            (std::set<std::string>{"a" + Repeat("ü", 31), "a" + Repeat("u", 31),
                                   "a" + Repeat("ue", 31)}));
  EXPECT_EQ(TermsOf(std::string(100, 'x')), std::set<std::string>{std::string(64, 'x')});
  // A query is cut the same way, so that it still finds the word.
  EXPECT_EQ(ParseSearchQuery("A" + Repeat("Ü", 40)),
            (SearchQuery{{Prefix("a" + Repeat("ü", 31))}}));
  EXPECT_TRUE(Finds(ParseSearchQuery("A" + Repeat("Ü", 40)), TermsOf("a" + Repeat("ü", 40))));
}

TEST(SearchTerms, ALongNumberKeepsItsStartAndItsEnd) {
  std::string digits;
  for (int i = 0; i < 70; ++i) digits.push_back(static_cast<char>('0' + i % 10));
  const std::string end = digits.substr(70 - 63);
  const std::set<std::string> terms = TermsOf(digits);
  EXPECT_EQ(terms, (std::set<std::string>{digits.substr(0, 64),
                                          "~" + std::string(end.rbegin(), end.rend())}));
  EXPECT_TRUE(Finds(ParseSearchQuery(digits.substr(60)), terms)) << "its last 10 digits";
  EXPECT_TRUE(Finds(ParseSearchQuery(digits), terms)) << "all of it";
}

TEST(SearchTerms, AnyBytesGiveStorableTermsAndQueries) {
  // Pieces that are well-formed (letters, digits, CJK, an emoji), punctuation that an index's
  // query syntax reads, sequences that are not UTF-8, and random bytes, in random order.
  std::vector<std::string> pieces = {"a", "Z", "7", "０", "ü", "Ü", "ß", "华", "为", "ー"};
  pieces.insert(pieces.end(), {"\xF0\x9F\x98\x80", " ", "-", "~", "'", ":", "\\"});
  pieces.insert(pieces.end(), {"\xC3", "\xE5\x8C", "\x80", "\xFF", "\xED\xA0\x80", "\xC0\xAF"});
  std::mt19937 random(20261102);
  std::uniform_int_distribution<size_t> piece(0, pieces.size() - 1);
  std::uniform_int_distribution<int> byte(0, 255);
  int bad = 0;
  std::string first_bad;
  for (int n = 0; n < 3000; ++n) {
    std::string text;
    for (int k = 0; k < 1 + n % 50; ++k) {
      if (k % 3 == 0) {
        text.push_back(static_cast<char>(byte(random)));
      } else {
        text += pieces[piece(random)];
      }
    }
    std::vector<std::string> terms;
    AppendSearchTerms(text, terms);
    for (const std::vector<QueryTerm>& group : ParseSearchQuery(text)) {
      for (const QueryTerm& term : group) terms.push_back(term.text);
    }
    for (const std::string& term : terms) {
      if (Storable(term)) continue;
      if (bad++ == 0) first_bad = absl::StrCat("term \"", term, "\" of \"", text, "\"");
    }
  }
  EXPECT_EQ(bad, 0) << "first: " << first_bad;
}

// ---- what a typed query asks for --------------------------------------------------------------

struct QueryCase {
  const char* what;
  std::string query;
  SearchQuery groups;
};

const std::vector<QueryCase>& QueryCases() {
  static const auto* const kCases = new std::vector<QueryCase>{
      {"two Chinese characters are one pair, exact", "华为", {{Exact("华为")}}},
      {"one Chinese character is itself, exact", "华", {{Exact("华")}}},
      {"three Chinese characters are two pairs, both required",
       "华为技",
       {{Exact("华为")}, {Exact("为技")}}},
      {"a typed word matches by prefix, in lower case", "MÜL", {{Prefix("mül")}}},
      {"each word is a group of its own", "Müller gmb", {{Prefix("müller")}, {Prefix("gmb")}}},
      {"the last digits of a number match its end as well as its start",
       "0808",
       {{Prefix("0808"), Prefix("~8080")}}},
      {"a number typed in parts is a group per part",
       "+86 755",
       {{Prefix("86")}, {Prefix("755"), Prefix("~557")}}},
      {"two digits are too few to look for a number's end", "86", {{Prefix("86")}}},
      {"a word of letters and digits is a plain word", "a1b2", {{Prefix("a1b2")}}},
      {"full-width letters are read as ASCII", "ＭＵＬ", {{Prefix("mul")}}},
      {"words and Chinese in one query, in the order typed",
       "华为 Müller",
       {{Exact("华为")}, {Prefix("müller")}}},
      {"a repeated word is asked for once", "müller MÜLLER Müller", {{Prefix("müller")}}},
      {"a repeated pair is asked for once", "华为华为", {{Exact("华为")}, {Exact("为华")}}},
      {"punctuation only is no query", " ,.;!?-–— ", {}},
      {"Chinese punctuation only is no query", "，。、「」", {}},
      {"an empty query is no query", "", {}},
  };
  return *kCases;
}

TEST(SearchQuery, WordsArePrefixesCjkIsPairsAndNumbersMatchTheirEnd) {
  for (const QueryCase& c : QueryCases()) {
    EXPECT_EQ(ParseSearchQuery(c.query), c.groups) << c.what;
  }
}

TEST(SearchQuery, AsksForAtMost16Groups) {
  std::string query;
  SearchQuery first16;
  for (int i = 1; i <= 17; ++i) {
    absl::StrAppend(&query, "w", i, " ");
    if (i <= 16) first16.push_back({Prefix(absl::StrCat("w", i))});
  }
  EXPECT_EQ(ParseSearchQuery(query), first16);
  EXPECT_EQ(kMaxQueryGroups, 16u);
}

// ---- the terms of a record --------------------------------------------------------------------

Record Account(const char* name, const char* phone) {
  Record account = ValidSample(EntityType::kAccount);
  account.Set("name", Value::String(name));
  account.Set("phones", Value::ListOf({Value::StructOf(
                            {{"kind", Value::String("work")}, {"number", Value::String(phone)}})}));
  return account;
}

struct RecordCase {
  const char* what;
  Record record;
  std::vector<std::string> has;
  std::vector<std::string> lacks;
};

std::vector<RecordCase> RecordCases() {
  Record account = ValidSample(EntityType::kAccount);
  account.Set("tax_id", Value::String("DE123456789"));
  account.Set("notes", Value::String("Secret remark"));
  Record mistyped = ValidSample(EntityType::kAccount);
  mistyped.Set("name", Value::Int(98765));
  return {
      {"an account is found by its name, phone, emails and city, not by its other fields",
       account,
       {"grüne", "wiese", "gmbh", "49", "30", "1234567", "49301234567", "~76543210394", "info",
        "einkauf", "gruene", "de", "berlin"},
       {"agriculture",                     // industry
        "de123456789", "123456789",        // tax_id
        "secret", "remark",                // notes
        "hauptstr", "10115",               // an address's street and postal code
        "work", "organization",            // a phone's kind, the account's kind
        "organic", "key", "gw", "2026"}},  // tags, messaging ids
      {"a contact is found by its names, phone and email",
       ValidSample(EntityType::kContact),
       {"anna", "schmidt", "49301234567", "~76543210394", "gruene"},
       {"decision", "maker", "1984", "messaging"}},
      {"a site is found by its name, not by its address (that field is not searchable)",
       ValidSample(EntityType::kSite),
       {"warehouse", "north"},
       {"berlin", "gate", "4711"}},
      {"a service task is found by its title, not by its checklist or skills",
       ValidSample(EntityType::kServiceTask),
       {"replace", "pump", "seal"},
       {"power", "isolated", "pressure", "pumps"}},
      {"a user has no searchable field", ValidSample(EntityType::kUser), {}, {"anna", "rep"}},
      {"a number where a name belongs is skipped (validation refuses it)",
       mistyped,
       {"berlin"},
       {"98765", "~56789"}},
  };
}

TEST(SearchTermsOf, ARecordIsFoundByItsSearchableFieldsOnly) {
  for (const RecordCase& c : RecordCases()) {
    const std::vector<std::string> terms = SearchTermsOf(c.record);
    EXPECT_TRUE(SortedAndUnique(terms)) << c.what;
    EXPECT_THAT(terms, IsSupersetOf(c.has)) << c.what;
    for (const std::string& lacked : c.lacks) {
      EXPECT_FALSE(std::binary_search(terms.begin(), terms.end(), lacked))
          << c.what << ": has \"" << lacked << "\"";
    }
    EXPECT_TRUE(std::all_of(terms.begin(), terms.end(), &Storable)) << c.what;
  }
}

TEST(SearchTermsOf, ARecordWithTooManyTermsKeepsItsNameAmongTheFirst2000) {
  Record account = ValidSample(EntityType::kAccount);
  Value::List phones;
  // Each number adds three terms of its own (its last group, its digits, backwards).
  for (int i = 0; i < 1000; ++i) {
    phones.push_back(
        Value::StructOf({{"kind", Value::String("work")},
                         {"number", Value::String(absl::StrCat("+1 555 ", 100000 + i))}}));
  }
  account.Set("phones", Value::ListOf(std::move(phones)));
  const std::vector<std::string> terms = SearchTermsOf(account);
  EXPECT_EQ(terms.size(), kMaxSearchTerms);
  EXPECT_TRUE(SortedAndUnique(terms));
  EXPECT_THAT(terms, IsSupersetOf({"grüne", "wiese", "gmbh", "100000"}));
  EXPECT_FALSE(std::binary_search(terms.begin(), terms.end(), "100999"))
      << "the last number's terms come after the first 2000";
}

// ---- a query against a record, as a user would try it -----------------------------------------

struct FindCase {
  const char* what;
  Record record;
  std::string query;
  bool found;
};

TEST(Search, AQueryFindsTheRecordsAUserExpectsAndNoOthers) {
  const Record huawei = Account("深圳华为技术有限公司", "+86 755 2878-0808");
  const Record mueller = Account("Müller GmbH", "+49 89 1234 5678");
  const std::vector<FindCase> cases = {
      {"华为 finds the company whose name holds it", huawei, "华为", true},
      {"为技, two neighbouring characters of the name, find it", huawei, "为技", true},
      {"华技, two characters of the name that are not neighbours, do not", huawei, "华技", false},
      {"one character of the name finds it", huawei, "深", true},
      {"the whole name finds it", huawei, "深圳华为技术有限公司", true},
      {"the last digits of its phone number find it", huawei, "0808", true},
      {"a group of its phone number as written finds it", huawei, "2878", true},
      {"the number typed as written finds it", huawei, "+86 755 2878-0808", true},
      {"the number typed without spaces finds it", huawei, "8675528780808", true},
      {"the last digits typed across a separator find it", huawei, "780808", true},
      {"digits from the middle of the number do not find it", huawei, "5528", false},
      {"another number does not find it", huawei, "1234", false},
      {"华为 does not find Müller", mueller, "华为", false},
      {"mül finds Müller GmbH", mueller, "mül", true},
      {"MÜL, typed in capitals, finds it", mueller, "MÜL", true},
      {"gmb finds it", mueller, "gmb", true},
      {"both words, in any order, find it", mueller, "gmbh müller", true},
      {"a word it lacks, with one it has, does not find it", mueller, "müller ag", false},
      {"the middle of a word does not find it (words match by their start)", mueller, "ller",
       false},
      {"mul, typed without the umlaut, finds it", mueller, "mul", true},
      {"mueller, the umlaut written out, finds it", mueller, "mueller", true},
      {"muster, another word, does not", mueller, "muster", false},
      {"the last digits of Müller's phone number find Müller", mueller, "5678", true},
  };
  for (const FindCase& c : cases) {
    const SearchQuery query = ParseSearchQuery(c.query);
    ASSERT_FALSE(query.empty()) << c.what;
    EXPECT_EQ(Finds(query, SearchTermsOf(c.record)), c.found) << c.what;
  }
}

}  // namespace
}  // namespace mcrm
