// The one full-text search rule: the terms a record is found by, and what a typed query asks for.
// Both server stores (PostgreSQL: a tsvector column with a GIN index; SQLite: an FTS5 table)
// index the terms SearchTermsOf gives and look up what ParseSearchQuery gives, so a search finds
// the same records on either. (The phone app's replica still has a search of its own; it is to
// move onto this rule.)
//
// The rule, for each text:
//  - Words: runs of letters and digits of the scripts written with spaces (Latin, Greek, Cyrillic,
//    ...), in lower case, cut to 64 bytes. "Müller GmbH" gives "müller" and "gmbh". A word with
//    accents also gives its forms without them, as typed on a keyboard without them: "muller"
//    and "mueller" (German umlauts written out), "strasse" for "straße".
//  - Chinese, Japanese and Korean, written without spaces: each character, and each pair of
//    adjacent characters. "华为技术" gives 华, 为, 技, 术, 华为, 为技, 技术.
//  - Numbers: a text with at least 5 digits also gives all its digits ("+86 755 2878-0808" gives
//    "8675528780808") and the same digits backwards after a "~" ("~8080878255768"), so that the
//    last digits of a phone number, typed alone, find it.
// A query's words match stored terms by prefix (typing "mül" finds "Müller"), its numbers also
// match the end of a number, and its CJK text matches by pairs of characters (华为 finds
// 深圳华为技术有限公司, 华技 does not).
//
// A term is never empty, is valid UTF-8 and at most 64 bytes, and holds no ASCII but letters,
// digits and a leading "~" (no space, quote, colon or backslash an index's query syntax could
// read): it can be stored as it is, in any index.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "mcrm/record.h"
#include "mcrm/schema.h"

namespace mcrm {

// The most terms one record is indexed under, and the most groups a query asks for.
inline constexpr size_t kMaxSearchTerms = 2000;
inline constexpr size_t kMaxQueryGroups = 16;

// Incremented whenever the rule changes (what a text gives, what a query asks for): terms stored
// under another version no longer meet the queries, so a store rebuilds its index.
inline constexpr int kSearchTermsVersion = 2;

// The terms a record is found by: from the values of its searchable fields (FieldSpec::searchable
// in mcrm/schema.h), and of the searchable members of struct-valued searchable fields (see
// StructSpec; a phone's number, an address's city). Sorted, without repeats, at most
// kMaxSearchTerms: when a record has more, the first ones met are kept, reading the fields in
// order of their numbers, so that a name (field 1) is never crowded out by a long list after it.
std::vector<std::string> SearchTermsOf(const Record& record);

// The fields SearchTermsOf reads for `entity` ("name, phones.number, ..." or "nothing"): the
// stores keep it with their index definition, so that marking another field searchable, which
// changes no table, still rebuilds the terms.
std::string SearchedFieldsOf(const EntitySpec& entity);

// The terms of one text (what SearchTermsOf does per value), appended to `out` (may repeat).
// Bytes that are not well-formed UTF-8 separate words; they never appear in a term.
void AppendSearchTerms(absl::string_view text, std::vector<std::string>& out);

// One term of a query. It matches a stored term equal to it, or, with `prefix`, one that starts
// with it.
struct QueryTerm {
  std::string text;
  bool prefix = false;
  friend bool operator==(const QueryTerm&, const QueryTerm&) = default;
};

// A typed query: every group must match; a group matches when one of its terms does.
using SearchQuery = std::vector<std::vector<QueryTerm>>;

// The query a user typed, read by the same rule as the stored text:
//  - a word is a group of one prefix term ("MÜL" -> {"mül" prefix});
//  - a word of at least 3 digits is a group of two prefix terms, the digits and "~" with the
//    digits backwards, so that it finds a number by its start or by its end ("0808" -> {"0808"
//    prefix, "~8080" prefix});
//  - a single CJK character is a group of itself, exact; a run of two or more is one group per
//    pair of adjacent characters, exact (华为技 -> {华为}, {为技}).
// Groups are in the order typed, a repeated group once. Empty when the query has no term (only
// spaces or punctuation). At most kMaxQueryGroups groups (the rest ignored).
SearchQuery ParseSearchQuery(absl::string_view query);

// An FTS5 table of terms (each record's SearchTermsOf joined by spaces) splits them with this
// tokenizer, and only at the spaces: "ascii" keeps every non-ASCII character inside a token and
// folds nothing beyond ASCII (unicode61 would split at punctuation of other scripts and fold
// cases the rule leaves alone); '~' starts the reversed digits of a number.
inline constexpr char kFts5TermsTokenizer[] = "ascii tokenchars '~'";

// `query` as an FTS5 MATCH expression over such a table: each term a quoted string (so no
// character of it is read as query syntax; a term has no spaces or punctuation and stays one
// token), "*" after it for a prefix; the terms of a group joined by OR, the groups by AND.
std::string Fts5MatchText(const SearchQuery& query);

}  // namespace mcrm
