#include "mcrm/search_terms.h"

#include <unicode/translit.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "mcrm/schema.h"
#include "mcrm/utf8.h"
#include "mcrm/value.h"

namespace mcrm {
namespace {

// A word longer than this is cut, at a character boundary: long enough for any real word or phone
// number, short enough for every index (a PostgreSQL lexeme must stay under 2 KiB).
constexpr size_t kMaxTermBytes = 64;
// A text with at least this many digits is (or holds) a number: its digits are also one term.
constexpr size_t kMinNumberDigits = 5;
// A query word of only digits, at least this long, also looks for the end of a number. Shorter
// endings would match too many numbers to help.
constexpr size_t kMinEndingDigits = 3;
// Starts the term of a number's digits backwards.
constexpr char kBackwardsMark = '~';

// Stands for a byte that does not start a well-formed UTF-8 sequence.
constexpr uint32_t kInvalid = kInvalidCodePoint;

// ---- words without their accents ------------------------------------------------------------

// `word` (lower case) without accents, as people type it on a keyboard without them: "muller"
// and, where the language writes an umlaut as its letter and "e", "mueller" for "müller";
// "strasse" for "straße", "francois" for "françois". Empty for a word of plain ASCII, or one
// whose plain form is not letters and digits only (a term holds no other ASCII).
std::vector<std::string> PlainFormsOf(const std::string& word) {
  std::vector<std::string> forms;
  if (std::all_of(word.begin(), word.end(),
                  [](char c) { return static_cast<unsigned char>(c) < 0x80; })) {
    return forms;
  }
  // ICU's Latin-ASCII transform, one per thread: a transliterator is not to be shared.
  thread_local const std::unique_ptr<icu::Transliterator> to_ascii = [] {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::Transliterator> made(
        icu::Transliterator::createInstance("Latin-ASCII", UTRANS_FORWARD, status));
    return U_SUCCESS(status) ? std::move(made) : nullptr;
  }();
  if (to_ascii == nullptr) return forms;
  const auto plain = [&](const std::string& text) {
    icu::UnicodeString unicode = icu::UnicodeString::fromUTF8(text);
    to_ascii->transliterate(unicode);
    std::string out;
    unicode.toUTF8String(out);
    const bool clean =
        !out.empty() && out.size() <= kMaxTermBytes &&
        std::all_of(out.begin(), out.end(), [](char c) { return absl::ascii_isalnum(c); });
    if (clean && out != word) forms.push_back(absl::AsciiStrToLower(out));
  };
  plain(word);
  // German umlauts written out: ä ae, ö oe, ü ue.
  std::string umlauts = word;
  bool written_out = false;
  for (const auto& [umlaut, letters] :
       {std::pair<const char*, const char*>{"ä", "ae"}, {"ö", "oe"}, {"ü", "ue"}}) {
    for (size_t at = umlauts.find(umlaut); at != std::string::npos; at = umlauts.find(umlaut, at)) {
      umlauts.replace(at, 2, letters);
      written_out = true;
    }
  }
  if (written_out) plain(umlauts);
  return forms;
}

// ---- reading UTF-8 ---------------------------------------------------------------------------

// Code points are read by the one UTF-8 rule (mcrm/utf8.h).
uint32_t DecodeAt(absl::string_view text, size_t i, size_t& len) {
  return DecodeUtf8At(text, i, len);
}

size_t Utf8Length(uint32_t cp) {
  if (cp < 0x80) return 1;
  if (cp < 0x800) return 2;
  if (cp < 0x10000) return 3;
  return 4;
}

void AppendUtf8(uint32_t cp, std::string& out) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// ---- what a character is ---------------------------------------------------------------------

enum class CharClass { kSeparator, kWord, kCjk };

struct Range {
  uint32_t first;
  uint32_t last;
};

// The characters above ASCII that separate words: whole blocks of spaces, punctuation and
// symbols, plus a few such characters inside letter blocks. In ascending order. Punctuation
// that other scripts keep inside their own letter blocks (the Arabic comma, the Devanagari
// danda, the Greek question mark) is not listed: it counts as part of a word.
constexpr Range kSeparators[] = {
    {0x0080, 0x00BF},     // C1 controls, Latin-1 punctuation and symbols (no-break space, «, §,
                          // °, ², µ, ...)
    {0x00D7, 0x00D7},     // ×
    {0x00F7, 0x00F7},     // ÷
    {0x2000, 0x2BFF},     // General Punctuation (spaces, dashes, quotes, zero-width characters)
                          // through Miscellaneous Symbols and Arrows: super- and subscripts,
                          // currency, letterlike symbols (№, ℃), number forms, arrows, maths,
                          // technical, enclosed alphanumerics (①), box drawing, shapes, dingbats
    {0x2E00, 0x2E7F},     // Supplemental Punctuation
    {0x2E80, 0x2FFF},     // CJK and Kangxi radicals, ideographic description characters
    {0x3000, 0x303F},     // CJK Symbols and Punctuation: the ideographic space, 、。「」《》
    {0x30A0, 0x30A0},     // ゠ katakana-hiragana double hyphen
    {0x30FB, 0x30FB},     // ・ katakana middle dot, between the parts of a name
    {0x3200, 0x33FF},     // Enclosed CJK Letters and Months (㈱), CJK Compatibility (㎡)
    {0xD800, 0xF8FF},     // surrogates (never well-formed) and the Private Use Area
    {0xFE00, 0xFE1F},     // variation selectors, vertical forms
    {0xFE30, 0xFE6F},     // CJK compatibility forms, small form variants
    {0xFEFF, 0xFEFF},     // byte order mark
    {0xFF00, 0xFF00},     // (FF01..FF5E, full-width ASCII, are read as ASCII: see FoldWidth)
    {0xFF5F, 0xFF65},     // full-width parentheses, half-width 。「」、・
    {0xFFE0, 0xFFFF},     // full-width ¢ £ ¥, half-width symbols, specials
    {0x1F000, 0x1FBFF},   // Mahjong tiles through Symbols for Legacy Computing: emoji,
                          // pictographs, enclosed alphanumerics and ideographs
    {0xE0000, 0x10FFFF},  // tags, variation selectors supplement, the private use planes
};

bool IsSeparator(uint32_t cp) {
  for (const Range& range : kSeparators) {
    if (cp < range.first) return false;
    if (cp <= range.last) return true;
  }
  return false;
}

// Chinese (Han), Japanese (kana) and Korean (Hangul syllables): written without spaces between
// words, so a text cannot be cut into words without a dictionary. Each character and each pair
// of adjacent characters is a term instead, which finds any word of two or more characters.
bool IsCjk(uint32_t cp) {
  return (cp >= 0x3040 && cp <= 0x30FF) ||  // Hiragana, Katakana
         (cp >= 0x3400 && cp <= 0x4DBF) ||  // CJK Unified Ideographs Extension A
         (cp >= 0x4E00 && cp <= 0x9FFF) ||  // CJK Unified Ideographs
         (cp >= 0xAC00 && cp <= 0xD7AF) ||  // Hangul Syllables
         (cp >= 0xF900 && cp <= 0xFAFF) ||  // CJK Compatibility Ideographs
         (cp >= 0x20000 && cp <= 0x3FFFF);  // Supplementary and Tertiary Ideographic Planes
}

CharClass Classify(uint32_t cp) {
  if (cp < 0x80) {
    return absl::ascii_isalnum(static_cast<unsigned char>(cp)) ? CharClass::kWord
                                                               : CharClass::kSeparator;
  }
  // Separators first: the kana block holds two punctuation marks.
  if (cp == kInvalid || IsSeparator(cp)) return CharClass::kSeparator;
  if (IsCjk(cp)) return CharClass::kCjk;
  // Letters, digits and combining marks of every other script; unassigned code points too.
  return CharClass::kWord;
}

// Full-width ASCII (U+FF01..U+FF5E), which Chinese and Japanese input methods type, is read as
// ASCII: "ＡＢＣ１２３" is the word "abc123", "，" is a comma.
uint32_t FoldWidth(uint32_t cp) { return cp >= 0xFF01 && cp <= 0xFF5E ? cp - 0xFEE0 : cp; }

// The lower case of a word character, by simple one-to-one mappings of the scripts customers'
// names are mostly written in. Not folded, so typed and stored text must agree on them:
//  - Latin Extended-B (except Vietnamese Ơ and Ư), IPA, Armenian, Georgian and other cased
//    scripts; the dotless ı, the long ſ, ĸ and ŉ stay as they are;
//  - no full case mapping (ß is not "ss"; ẞ becomes ß), no accent removal ("mul" does not find
//    "Müller"), no Unicode normalisation (a decomposed "u" + U+0308 is not the precomposed ü);
//  - no compatibility forms other than full-width ASCII (half-width katakana stays as it is).
uint32_t ToLower(uint32_t cp) {
  if (cp < 0x80) return cp >= 'A' && cp <= 'Z' ? cp + 0x20 : cp;
  // Latin-1 Supplement: À..Þ, except × (a separator anyway).
  if (cp >= 0xC0 && cp <= 0xDE) return cp == 0xD7 ? cp : cp + 0x20;
  // Latin Extended-A: capitals and small letters alternate, capital first, but for two
  // stretches that start on an odd code point (Ĺ..ň, Ź..ž), the Turkish İ (whose simple lower
  // case is i), and Ÿ (whose small letter ÿ is in Latin-1).
  if (cp >= 0x100 && cp <= 0x17F) {
    if (cp == 0x130) return 'i';
    if (cp == 0x178) return 0xFF;
    const bool even_first = cp <= 0x137 || (cp >= 0x14A && cp <= 0x177);
    const bool odd_first = (cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E);
    if ((even_first && cp % 2 == 0) || (odd_first && cp % 2 == 1)) return cp + 1;
    return cp;  // small letters, ĸ, ŉ, ſ
  }
  if (cp == 0x1A0 || cp == 0x1AF) return cp + 1;  // Ơ, Ư (Vietnamese)
  // Greek: the capitals with tonos, Α..Ω (and Ϊ, Ϋ), and the final sigma ς as σ, so that a word
  // typed in capitals (ΓΙΆΝΝΗΣ) meets the same word written in small letters (Γιάννης).
  if (cp == 0x386) return 0x3AC;
  if (cp >= 0x388 && cp <= 0x38A) return cp + 0x25;
  if (cp == 0x38C) return 0x3CC;
  if (cp == 0x38E || cp == 0x38F) return cp + 0x3F;
  if (cp >= 0x391 && cp <= 0x3AB) return cp + 0x20;  // U+03A2 is unassigned
  if (cp == 0x3C2) return 0x3C3;
  // Cyrillic: Ѐ..Џ, А..Я, and the pairs (capital first) of the extended letters: Ґ (Ukrainian),
  // Қ, Ң, Ү, Ә, Ө (Kazakh and other languages), with the palochka and the stretch Ӂ..ӎ, which
  // start on an odd code point.
  if (cp >= 0x400 && cp <= 0x40F) return cp + 0x50;
  if (cp >= 0x410 && cp <= 0x42F) return cp + 0x20;
  if (cp == 0x4C0) return 0x4CF;
  if ((cp >= 0x460 && cp <= 0x481) || (cp >= 0x48A && cp <= 0x4BF) ||
      (cp >= 0x4D0 && cp <= 0x52F)) {
    return cp % 2 == 0 ? cp + 1 : cp;
  }
  if (cp >= 0x4C1 && cp <= 0x4CE) return cp % 2 == 1 ? cp + 1 : cp;
  // Latin Extended Additional (Vietnamese and others): pairs, capital first; ẞ is ß.
  if (cp == 0x1E9E) return 0xDF;
  if ((cp >= 0x1E00 && cp <= 0x1E95) || (cp >= 0x1EA0 && cp <= 0x1EFF)) {
    return cp % 2 == 0 ? cp + 1 : cp;
  }
  return cp;
}

// ---- cutting a text into words and CJK runs --------------------------------------------------

// A word, or a run of CJK characters, of a text.
struct Token {
  bool cjk = false;
  std::string word;         // a word's term: lower case, at most kMaxTermBytes
  bool cut = false;         // the word was longer: its remaining characters are dropped
  bool only_digits = true;  // the word is a number
  std::string digits;       // the word's digits, all of them (for a number's end)
  std::vector<absl::string_view> chars;  // a CJK run's characters, as they are in the text
};

struct Scanned {
  std::vector<Token> tokens;  // in the order of the text
  std::string digits;         // every digit of the text, in order
};

Scanned Scan(absl::string_view text) {
  Scanned scanned;
  // What the last character opened: the token a following character of the same class extends.
  enum class Open { kNone, kWord, kCjk } open = Open::kNone;
  size_t len = 0;
  for (size_t i = 0; i < text.size(); i += len) {
    const uint32_t cp = FoldWidth(DecodeAt(text, i, len));
    switch (Classify(cp)) {
      case CharClass::kSeparator:
        open = Open::kNone;
        break;
      case CharClass::kCjk:
        // A CJK character also ends a word: "ABC华为" is the word "abc" and the run 华为.
        if (open != Open::kCjk) {
          scanned.tokens.push_back(Token{.cjk = true});
          open = Open::kCjk;
        }
        scanned.tokens.back().chars.push_back(text.substr(i, len));
        break;
      case CharClass::kWord: {
        if (open != Open::kWord) {
          scanned.tokens.emplace_back();
          open = Open::kWord;
        }
        Token& word = scanned.tokens.back();
        if (cp >= '0' && cp <= '9') {
          word.digits.push_back(static_cast<char>(cp));
          scanned.digits.push_back(static_cast<char>(cp));
        } else {
          word.only_digits = false;
        }
        const uint32_t lower = ToLower(cp);
        // Once a character does not fit, the rest of the word is dropped (not a later, shorter
        // character), so that the term stays the word's start.
        if (!word.cut && word.word.size() + Utf8Length(lower) <= kMaxTermBytes) {
          AppendUtf8(lower, word.word);
        } else {
          word.cut = true;
        }
        break;
      }
    }
  }
  return scanned;
}

// The term of a number's end: "~" and its last digits backwards, within kMaxTermBytes
// ("~8080878255768" for "8675528780808"). People remember a number by its end (the last four
// digits, the extension), and a prefix of this term is any ending of the number.
std::string Backwards(absl::string_view digits) {
  const absl::string_view last =
      digits.substr(digits.size() - std::min(digits.size(), kMaxTermBytes - 1));
  std::string term(1, kBackwardsMark);
  term.append(last.rbegin(), last.rend());
  return term;
}

// Adds the terms of `value` (a searchable field's, or a searchable member's) to `terms` while it
// holds fewer than kMaxSearchTerms. Strings give their terms; lists their items'; structs their
// searchable members' (by `shape`, nested shapes included); other values none.
// `terms` holds every term met so far, in the order met, repeats included: a record's few dozen
// terms are then sorted once, instead of each going into a tree of strings (which cost a sync
// a tenth of its time). Past kMaxSearchTerms distinct ones, SearchTermsOf sorts out which were
// the first.
void AddTermsOf(const Value& value, const StructSpec* shape, std::vector<std::string>& terms) {
  switch (value.kind()) {
    case Value::Kind::kString:
      AppendSearchTerms(value.string_value(), terms);
      break;
    case Value::Kind::kList:
      for (const Value& item : value.list_value()) AddTermsOf(item, shape, terms);
      break;
    case Value::Kind::kStruct:
      if (shape == nullptr) break;
      for (const auto& [name, member_value] : value.struct_value()) {
        const FieldSpec* member = shape->Field(name);
        if (member != nullptr && member->searchable) AddTermsOf(member_value, member->shape, terms);
      }
      break;
    default:
      break;  // numbers, booleans and nulls are not searched
  }
}

}  // namespace

void AppendSearchTerms(absl::string_view text, std::vector<std::string>& out) {
  const Scanned scanned = Scan(text);
  for (const Token& token : scanned.tokens) {
    if (!token.cjk) {
      out.push_back(token.word);
      for (std::string& plain : PlainFormsOf(token.word)) out.push_back(std::move(plain));
      continue;
    }
    for (size_t k = 0; k < token.chars.size(); ++k) {
      out.emplace_back(token.chars[k]);
      if (k + 1 < token.chars.size())
        out.push_back(absl::StrCat(token.chars[k], token.chars[k + 1]));
    }
  }
  // A number written in groups ("+86 755 2878-0808") is also found whole, and by its end.
  if (scanned.digits.size() >= kMinNumberDigits) {
    out.push_back(scanned.digits.substr(0, kMaxTermBytes));
    out.push_back(Backwards(scanned.digits));
  }
}

std::vector<std::string> SearchTermsOf(const Record& record) {
  const EntitySpec& entity = Spec(record.entity);
  std::vector<std::string> met;
  for (const auto& [number, value] : record.fields) {
    const FieldSpec* field = entity.Field(number);
    if (field != nullptr && field->searchable) AddTermsOf(value, field->shape, met);
  }
  // The first kMaxSearchTerms distinct terms in field order are kept, and come out sorted.
  std::vector<std::string> terms;
  if (met.size() <= kMaxSearchTerms) {
    terms = std::move(met);
  } else {
    std::set<std::string> first;
    for (std::string& term : met) {
      if (first.size() >= kMaxSearchTerms) break;
      first.insert(std::move(term));
    }
    terms.assign(std::make_move_iterator(first.begin()), std::make_move_iterator(first.end()));
  }
  std::sort(terms.begin(), terms.end());
  terms.erase(std::unique(terms.begin(), terms.end()), terms.end());
  return terms;
}

SearchQuery ParseSearchQuery(absl::string_view query) {
  SearchQuery groups;
  auto add = [&groups](std::vector<QueryTerm> group) {
    if (groups.size() >= kMaxQueryGroups) return;
    if (std::find(groups.begin(), groups.end(), group) != groups.end()) return;
    groups.push_back(std::move(group));
  };
  for (const Token& token : Scan(query).tokens) {
    if (!token.cjk) {
      if (token.only_digits && token.digits.size() >= kMinEndingDigits) {
        add({{token.word, true}, {Backwards(token.digits), true}});
      } else {
        add({{token.word, true}});
      }
    } else if (token.chars.size() == 1) {
      add({{std::string(token.chars[0]), false}});
    } else {
      // Every pair must be there: 华为技 asks for 华为 and 为技. (Pairs alone do not say they
      // are adjacent to each other in the record; that is rarely what tells records apart.)
      for (size_t k = 0; k + 1 < token.chars.size(); ++k) {
        add({{absl::StrCat(token.chars[k], token.chars[k + 1]), false}});
      }
    }
  }
  return groups;
}

std::string SearchedFieldsOf(const EntitySpec& entity) {
  std::vector<std::string> names;
  for (const FieldSpec& field : entity.fields) {
    if (!field.searchable) continue;
    if (field.shape == nullptr) {
      names.push_back(field.name);
      continue;
    }
    for (const FieldSpec& member : field.shape->fields) {
      if (member.searchable) names.push_back(absl::StrCat(field.name, ".", member.name));
    }
  }
  return names.empty() ? "nothing" : absl::StrJoin(names, ", ");
}

std::string Fts5MatchText(const SearchQuery& query) {
  std::vector<std::string> groups;
  for (const std::vector<QueryTerm>& group : query) {
    std::vector<std::string> terms;
    for (const QueryTerm& term : group) {
      std::string quoted = "\"";
      for (const char c : term.text) {
        if (c == '"') quoted.push_back('"');
        quoted.push_back(c);
      }
      quoted += term.prefix ? "\" *" : "\"";
      terms.push_back(std::move(quoted));
    }
    groups.push_back(terms.size() == 1 ? terms.front()
                                       : absl::StrCat("(", absl::StrJoin(terms, " OR "), ")"));
  }
  return absl::StrJoin(groups, " AND ");
}

}  // namespace mcrm
